# Run-test cases of issue 18 (run by gen_models.py, in its namespace: save, f32, helper ...):
# bool and integer chains that fold at compile time, and the float ops of opsets 18-23.
# Expectations are numpy written from the ONNX specification, never ticketc's interpreter.
# Its own generator, so that the cases of gen_models.py keep their data.
rng18 = np.random.default_rng(18)


def smp18(shapes, n=3, scale=1.0):
    return [[rng18.standard_normal(s).astype(np.float32) * scale for s in shapes] for _ in range(n)]


def i64(v):
    return np.array(v, dtype=np.int64)


# torchvision's VisionTransformer: class_token.expand(n, -1, -1) as torch.onnx exports it
# (ConstantOfShape, Mul, Equal, Where, Expand on constants), then cat with the tokens.
cls18 = f32(rng18.standard_normal((1, 1, 8)))
pos18 = f32(rng18.standard_normal((1, 5, 8)))
save("fold18_class_token",
     [helper.make_node("ConstantOfShape", ["c3"], ["ones"], value=numpy_helper.from_array(i64([1]))),
      helper.make_node("Mul", ["ones", "cm1"], ["m1"]),
      helper.make_node("Equal", ["c2", "m1"], ["eq"]),
      helper.make_node("Where", ["eq", "ones", "c2"], ["shp"]),
      helper.make_node("Expand", ["cls", "shp"], ["ct"]),
      helper.make_node("Concat", ["ct", "x"], ["cat"], axis=1),
      helper.make_node("Add", ["cat", "pos"], ["y"])],
     [("x", (1, 4, 8))], ["y"],
     {"c3": i64([3]), "cm1": i64(-1), "c2": i64([1, -1, -1]), "cls": cls18, "pos": pos18},
     smp18([(1, 4, 8)]), lambda x: [np.concatenate([cls18, x], axis=1) + pos18], opset=17)

# Every comparison, logical op, Where, Range, Cast and CastLike on constants, folded into
# float masks that multiply a run-time input; CastLike of run-time floats is a copy.
fa18 = f32([-1.5, 0.0, 2.0, np.nan, 3.0, -0.0])
fb18 = f32([-1.5, 1.0, 1.0, np.nan, 4.0, 0.0])
ia18 = i64([-3, 0, 7, 2, -8, 5])
ib18 = i64([1, 0, 7, -2, 9, 5])
big18 = i64([300, -129, 65537, 2 ** 31 + 5, -1, 0])
cv18 = f32([2.9, -2.9, 0.5, -0.5, 255.0, 0.0])


def np_cast(v, to):
    """ONNX Cast from numpy: float to an integer truncates, integers wrap, nonzero is true."""
    return v.astype(to)


def logic18():
    c = {}
    for name, fn in (("Equal", np.equal), ("Less", np.less), ("Greater", np.greater),
                     ("LessOrEqual", np.less_equal), ("GreaterOrEqual", np.greater_equal)):
        c[name + "_f"] = fn(fa18, fb18)
        c[name + "_i"] = fn(ia18, ib18)
    p, q = np.less(ia18, ib18), np.greater(fa18, fb18)
    c["Not"], c["And"], c["Or"], c["Xor"] = ~p, p & q, p | q, p ^ q
    return c


def expect18(x, x2):
    c = logic18()
    ys = [x * c[k].astype(np.float32) for k in sorted(c)]
    ys.append(x * np.where(c["Less_i"], fa18, f32(7.0)).astype(np.float32))
    ys.append(x * np.where(c["Xor"], f32(1), ib18.astype(np.float32)))
    ys.append(x[:5] * np.arange(1, 6, 1, dtype=np.int64).astype(np.float32))
    ys.append(np.pad(x[:3] * np.arange(0.5, -1.0, -0.6).astype(np.float32), (0, 3)))
    ys.append(x * np_cast(big18, np.int32).astype(np.float32))
    ys.append(x * np_cast(big18, np.uint8).astype(np.float32))
    ys.append(x * np_cast(big18, np.int8).astype(np.float32))
    ys.append(x * np_cast(cv18, np.int32).astype(np.float32))
    ys.append(x * np_cast(cv18, bool).astype(np.float32))
    ys.append(x * np_cast(np_cast(cv18, np.int64), bool).astype(np.float32))
    ys.append(x * np_cast(cv18, np.int16).astype(np.float32))
    ys.append(x + x2)
    ys.append(np.copy(x))
    return ys


nodes18, outs18 = [], []
for k in sorted(logic18()):
    if k in ("Not", "And", "Or", "Xor"):
        continue
    op, kind = k.rsplit("_", 1)
    nodes18.append(helper.make_node(op, ["fa" if kind == "f" else "ia", "fb" if kind == "f" else "ib"], [k]))
nodes18 += [helper.make_node("Less", ["ia", "ib"], ["p"]), helper.make_node("Greater", ["fa", "fb"], ["q"]),
            helper.make_node("Not", ["p"], ["Not"]), helper.make_node("And", ["p", "q"], ["And"]),
            helper.make_node("Or", ["p", "q"], ["Or"]), helper.make_node("Xor", ["p", "q"], ["Xor"])]
for k in sorted(logic18()):
    nodes18 += [helper.make_node("Cast", [k], [k + "_m"], to=TensorProto.FLOAT),
                helper.make_node("Mul", ["x", k + "_m"], ["y_" + k])]
    outs18.append("y_" + k)
nodes18 += [
    helper.make_node("Where", ["Less_i", "fa", "c7"], ["w1"]), helper.make_node("Mul", ["x", "w1"], ["y_w1"]),
    # integer Where, then CastLike to the float of a constant
    helper.make_node("Where", ["Xor", "one_i", "ib"], ["w2i"]), helper.make_node("CastLike", ["w2i", "c7"], ["w2"]),
    helper.make_node("Mul", ["x", "w2"], ["y_w2"]),
    # Range of int64 (1..5) and of float with a negative delta (0.5, -0.1, -0.7), Slice and Pad around them
    helper.make_node("Range", ["r0", "r1", "r2"], ["ri"]), helper.make_node("Cast", ["ri"], ["rf"], to=1),
    helper.make_node("Slice", ["x", "s0", "s5"], ["x5"]), helper.make_node("Mul", ["x5", "rf"], ["y_r1"]),
    helper.make_node("Range", ["q0", "q1", "q2"], ["rq"]),
    helper.make_node("Slice", ["x", "s0", "s3"], ["x3"]), helper.make_node("Mul", ["x3", "rq"], ["xr"]),
    helper.make_node("Pad", ["xr", "pd"], ["y_r2"])]
for k, to in (("i32", TensorProto.INT32), ("u8", TensorProto.UINT8), ("i8", TensorProto.INT8)):
    nodes18 += [helper.make_node("Cast", ["big"], ["big_" + k], to=to),
                helper.make_node("Cast", ["big_" + k], ["bigf_" + k], to=1),
                helper.make_node("Mul", ["x", "bigf_" + k], ["y_big_" + k])]
# float to int32 and bool; float to int64 to bool; CastLike to an int16 constant's type
nodes18 += [helper.make_node("Cast", ["cv"], ["cv_i32"], to=TensorProto.INT32),
            helper.make_node("Cast", ["cv"], ["cv_b"], to=TensorProto.BOOL),
            helper.make_node("Cast", ["cv"], ["cv_i64"], to=TensorProto.INT64),
            helper.make_node("Cast", ["cv_i64"], ["cv_ib"], to=TensorProto.BOOL),
            helper.make_node("CastLike", ["cv", "i16"], ["cv_i16"])]
for k in ("cv_i32", "cv_b", "cv_ib", "cv_i16"):
    nodes18 += [helper.make_node("CastLike", [k, "c7"], [k + "_f"]), helper.make_node("Mul", ["x", k + "_f"], ["y_" + k])]
# CastLike of run-time floats: a copy (like a run-time tensor, then a constant)
nodes18 += [helper.make_node("CastLike", ["x", "x2"], ["xl"]), helper.make_node("Add", ["xl", "x2"], ["y_cl1"]),
            helper.make_node("CastLike", ["x", "c7"], ["y_cl2"])]
outs18 += ["y_w1", "y_w2", "y_r1", "y_r2", "y_big_i32", "y_big_u8", "y_big_i8", "y_cv_i32", "y_cv_b", "y_cv_ib",
           "y_cv_i16", "y_cl1", "y_cl2"]
save("fold18_logic", nodes18, [("x", (6,)), ("x2", (6,))], outs18,
     {"fa": fa18, "fb": fb18, "ia": ia18, "ib": ib18, "c7": f32(7.0), "one_i": i64(1), "big": big18, "cv": cv18,
      "i16": np.array([1], dtype=np.int16), "r0": i64(1), "r1": i64(6), "r2": i64(1), "q0": f32(0.5),
      "q1": f32(-1.0), "q2": f32(-0.6), "s0": i64([0]), "s5": i64([5]), "s3": i64([3]), "pd": i64([0, 3])},
     smp18([(6,), (6,)]), expect18, opset=17)

# Gather of a run-time tensor at constant indices: one index (x[:, 0], a transformer's class
# token), several with a negative one, the last axis, a 2-D index tensor.
save("gather18_runtime",
     [helper.make_node("Gather", ["x", "i0"], ["a"], axis=1),
      helper.make_node("Gather", ["x", "i1"], ["b"], axis=0),
      helper.make_node("Gather", ["x", "i2"], ["c"], axis=-1),
      helper.make_node("Gather", ["x", "i3"], ["d"], axis=1)],
     [("x", (3, 4, 5))], ["a", "b", "c", "d"],
     {"i0": i64(0), "i1": i64([2, -3, 1, 2]), "i2": i64([-1, 0]), "i3": i64([[3, 1], [0, -1]])},
     smp18([(3, 4, 5)]),
     lambda x: [x[:, 0], x[[2, 0, 1, 2]], x[..., [4, 0]], x[:, [[3, 1], [0, 3]]]], opset=13)

# A small Vision Transformer exported by torch.onnx with PyTorch's outputs (tests/run/torch_vit,
# made by its gen_torch_vit.py): copied as it is.
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_vit")
d = os.path.join(OUT, "torch_vit")
os.makedirs(d, exist_ok=True)
for f in ("model.onnx", "in.f32", "expect.f32"):
    with open(os.path.join(src, f), "rb") as fi, open(os.path.join(d, f), "wb") as fo:
        fo.write(fi.read())
with open(os.path.join(d, "args"), "w") as fa:
    fa.write("\n")
