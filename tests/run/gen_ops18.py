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


# ---- float ops of opsets 18-23, against numpy written from the specification ----

def np_ln(x, axis, s, b, eps=1e-5):
    ax = tuple(range(axis % x.ndim, x.ndim))
    x = x.astype(np.float64)
    m = x.mean(axis=ax, keepdims=True)
    inv = 1.0 / np.sqrt(((x - m) ** 2).mean(axis=ax, keepdims=True) + eps)
    return (x - m) * inv * s + (b if b is not None else 0), m, inv


# LayerNormalization's Mean and InvStdDev: both outputs, Mean alone, InvStdDev alone (Mean
# unnamed), Mean read by another node
lns, lnb = f32(rng18.standard_normal((3, 4))), f32(rng18.standard_normal((3, 4)))
lns2 = f32(rng18.standard_normal(4))
save("layernorm_stats",
     [helper.make_node("LayerNormalization", ["x", "s", "b"], ["y", "mean", "inv"], axis=1),
      helper.make_node("LayerNormalization", ["x", "s2"], ["y2", "mean2"], axis=-1, epsilon=1e-3),
      helper.make_node("LayerNormalization", ["x", "s2"], ["y3", "", "inv3"], axis=2),
      helper.make_node("Sub", ["x", "mean2"], ["xm"])],
     [("x", (2, 3, 4))], ["y", "mean", "inv", "y2", "mean2", "y3", "inv3", "xm"],
     {"s": lns, "b": lnb, "s2": lns2}, smp18([(2, 3, 4)]),
     lambda x: [*np_ln(x, 1, lns, lnb), *np_ln(x, -1, lns2, None, 1e-3)[:2], np_ln(x, 2, lns2, None)[0],
                np_ln(x, 2, lns2, None)[2], x - np_ln(x, -1, lns2, None, 1e-3)[1]], opset=17)


def np_rms(x, axis, s, eps=1e-5):
    ax = tuple(range(axis % x.ndim, x.ndim))
    x = x.astype(np.float64)
    return x / np.sqrt((x * x).mean(axis=ax, keepdims=True) + eps) * s


# RMSNormalization (opset 23): the last axis; axes 1 and 2 with a scale broadcast over axis 1
# (a constant, expanded when compiling); a scale of one value; a run-time scale
rms1, rms2, rms3 = f32(rng18.standard_normal(4)), f32(rng18.standard_normal((1, 4))), f32([1.5])
save("rmsnorm23",
     [helper.make_node("RMSNormalization", ["x", "r1"], ["a"]),
      helper.make_node("RMSNormalization", ["x", "r2"], ["b"], axis=1, epsilon=1e-2),
      helper.make_node("RMSNormalization", ["x", "r3"], ["c"], axis=0),
      helper.make_node("RMSNormalization", ["x", "sc"], ["d"], axis=-1)],
     [("x", (2, 3, 4)), ("sc", (4,))], ["a", "b", "c", "d"], {"r1": rms1, "r2": rms2, "r3": rms3},
     smp18([(2, 3, 4), (4,)]),
     lambda x, sc: [np_rms(x, -1, rms1), np_rms(x, 1, rms2, 1e-2), np_rms(x, 0, rms3), np_rms(x, -1, sc)], opset=23)


def np_gn(x, G, s, b, per_channel, eps=1e-5):
    N, C = x.shape[:2]
    xg = x.astype(np.float64).reshape(N, G, -1)
    m = xg.mean(-1, keepdims=True)
    v = ((xg - m) ** 2).mean(-1, keepdims=True)
    y = ((xg - m) / np.sqrt(v + eps)).reshape(x.shape)
    shp = (1, C) + (1,) * (x.ndim - 2)
    if not per_channel:
        s, b = np.repeat(s, C // G), np.repeat(b, C // G)
    return y * s.reshape(shp) + b.reshape(shp)


# GroupNormalization: scale and bias per group at opset 18, per channel at opset 21
gs18, gb18 = f32(rng18.standard_normal(2)), f32(rng18.standard_normal(2))
gs21, gb21 = f32(rng18.standard_normal(6)), f32(rng18.standard_normal(6))
save("groupnorm18",
     [helper.make_node("GroupNormalization", ["x", "s", "b"], ["y"], num_groups=2),
      helper.make_node("GroupNormalization", ["x", "s", "b"], ["y2"], num_groups=2, epsilon=0.5)],
     [("x", (2, 6, 3, 2))], ["y", "y2"], {"s": gs18, "b": gb18}, smp18([(2, 6, 3, 2)]),
     lambda x: [np_gn(x, 2, gs18, gb18, False), np_gn(x, 2, gs18, gb18, False, 0.5)], opset=18)
save("groupnorm21",
     [helper.make_node("GroupNormalization", ["x", "s", "b"], ["y"], num_groups=3),
      helper.make_node("GroupNormalization", ["x", "s", "b"], ["y2"], num_groups=6)],
     [("x", (1, 6, 5))], ["y", "y2"], {"s": gs21, "b": gb21}, smp18([(1, 6, 5)]),
     lambda x: [np_gn(x, 3, gs21, gb21, True), np_gn(x, 6, gs21, gb21, True)], opset=21)


def np_lppool(x, k, s=(1, 1), pads=(0, 0, 0, 0), d=(1, 1), p=2, ceil=False):
    """2-D: [N, C, H, W]; the padding and positions past the end count as 0."""
    N, C, H, W = x.shape
    outs = []
    for a, n in ((0, H), (1, W)):
        span = (k[a] - 1) * d[a] + 1
        tot = n + pads[a] + pads[a + 2] - span
        o = tot // s[a] + 1
        if ceil and tot % s[a] and o * s[a] < n + pads[a]:
            o += 1
        outs.append(o)
    y = np.zeros((N, C, outs[0], outs[1]))
    xa = np.abs(x.astype(np.float64)) ** p
    for i in range(outs[0]):
        for j in range(outs[1]):
            acc = np.zeros((N, C))
            for u in range(k[0]):
                for v in range(k[1]):
                    h, w = i * s[0] - pads[0] + u * d[0], j * s[1] - pads[1] + v * d[1]
                    if 0 <= h < H and 0 <= w < W:
                        acc += xa[:, :, h, w]
            y[:, :, i, j] = acc ** (1.0 / p)
    return y


# Mish; LpNormalization (p 1 and 2); LpPool: p 2 with strides, p 1 with pads, p 3 with
# dilations and ceil_mode (opset 18), SAME_UPPER, and a 1-D LpPool
save("mish_lp18",
     [helper.make_node("Mish", ["x"], ["mish"]),
      helper.make_node("LpNormalization", ["x"], ["l1"], axis=1, p=1),
      helper.make_node("LpNormalization", ["x"], ["l2"]),
      helper.make_node("LpPool", ["x"], ["p2"], kernel_shape=[2, 2], strides=[2, 2]),
      helper.make_node("LpPool", ["x"], ["p1"], kernel_shape=[3, 2], pads=[1, 0, 1, 1], p=1),
      helper.make_node("LpPool", ["x"], ["p3"], kernel_shape=[2, 2], dilations=[2, 1], strides=[1, 2], ceil_mode=1, p=3),
      helper.make_node("LpPool", ["x"], ["ps"], kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER"),
      helper.make_node("Reshape", ["x", "s3"], ["x3"]),
      helper.make_node("LpPool", ["x3"], ["p1d"], kernel_shape=[3], strides=[2])],
     [("x", (1, 2, 5, 5))], ["mish", "l1", "l2", "p2", "p1", "p3", "ps", "p1d"], {"s3": i64([1, 2, 25])},
     smp18([(1, 2, 5, 5)], scale=3.0),
     lambda x: [x * np.tanh(np.log1p(np.exp(x.astype(np.float64)))),
                x / np.abs(x).sum(axis=1, keepdims=True),
                x / np.sqrt((x.astype(np.float64) ** 2).sum(axis=-1, keepdims=True)),
                np_lppool(x, (2, 2), (2, 2)), np_lppool(x, (3, 2), pads=(1, 0, 1, 1), p=1),
                np_lppool(x, (2, 2), (1, 2), d=(2, 1), p=3, ceil=True),
                np_lppool(x, (3, 3), (2, 2), pads=(1, 1, 1, 1)),
                np_lppool(x.reshape(1, 2, 1, 25), (1, 3), (1, 2)).reshape(1, 2, 12)], opset=18)

# Where at run time with a constant condition: a causal mask as exporters write it (Range,
# Unsqueeze, LessOrEqual folded), masking run-time scores; a condition broadcast against
# X and a constant Y; a scalar condition.
msk18 = np.arange(4)[None, :] <= np.arange(4)[:, None]
rng_big18 = f32(rng18.standard_normal((1, 4)))
save("where18_runtime",
     [helper.make_node("Range", ["z", "four", "one"], ["r"]),
      helper.make_node("Unsqueeze", ["r", "ax0"], ["rc"]), helper.make_node("Unsqueeze", ["r", "ax1"], ["rr"]),
      helper.make_node("LessOrEqual", ["rc", "rr"], ["causal"]),
      helper.make_node("Where", ["causal", "s", "neg"], ["masked"]),
      helper.make_node("Softmax", ["masked"], ["attn"], axis=-1),
      helper.make_node("Where", ["c2", "s", "big"], ["w2"]),
      helper.make_node("Where", ["t", "s2", "s"], ["w3"])],
     [("s", (2, 4, 4)), ("s2", (4,))], ["attn", "w2", "w3"],
     {"z": i64(0), "four": i64(4), "one": i64(1), "ax0": i64([0]), "ax1": i64([1]), "neg": f32(-1e4),
      "c2": np.array([[[True], [False], [True], [False]]]), "big": rng_big18,
      "t": np.array(True)},
     smp18([(2, 4, 4), (4,)]),
     lambda s, s2: [softmax(np.where(msk18, s, f32(-1e4)), -1),
                    np.where(np.array([[[True], [False], [True], [False]]]), s, rng_big18),
                    np.where(True, s2, s)], opset=13)
