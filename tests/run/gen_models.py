#!/usr/bin/python3
"""Builds the run-test models with Debian's python3-onnx, and their expected
outputs computed independently with numpy (not by ticketc's interpreter).

usage: gen_models.py OUTDIR
For each case writes OUTDIR/<case>/model.onnx, in.f32 (samples, each input's
floats in order), expect.f32 (outputs in order) and args (extra ticketc
options, one line).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(20261125)
OUT = sys.argv[1]


def f32(a):
    return np.asarray(a, dtype=np.float32)


def sparse(shape, density, scale=0.5):
    w = rng.standard_normal(shape).astype(np.float32) * scale
    w[rng.random(shape) >= density] = 0.0
    return w


def save(name, nodes, inputs, outputs, inits, samples, expect, opset=13, args=""):
    """samples: list of lists of arrays (one per input); expect: function."""
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    g = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(s)) for n, s in inputs],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in outputs],
        [numpy_helper.from_array(np.asarray(v), k) for k, v in inits.items()])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="gen_models.py")
    m.ir_version = 8
    # (outputs carry no shapes: ticketc infers them, as it must for real exports)
    onnx.save(m, os.path.join(d, "model.onnx"))
    with open(os.path.join(d, "in.f32"), "wb") as fi, open(os.path.join(d, "expect.f32"), "wb") as fe:
        for s in samples:
            s = [f32(a) for a in s]  # numpy sees exactly the floats ticketc reads
            for a in s:
                fi.write(f32(a).tobytes())
            for a in expect(*s):
                fe.write(f32(a).tobytes())
    with open(os.path.join(d, "args"), "w") as fa:
        fa.write(args + "\n")


def relu(x):
    return np.maximum(x, 0)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x.astype(np.float64)))


def softmax(x, axis):
    x = x.astype(np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def samples(shapes, n=4, scale=1.0):
    return [[rng.standard_normal(s).astype(np.float32) * scale for s in shapes] for _ in range(n)]


# 1. An MLP ticket: Gemm (transB=1) + Relu, about 10% of weights kept.
W1, b1 = sparse((64, 100), 0.1), f32(rng.standard_normal(64) * 0.1)
W2, b2 = sparse((32, 64), 0.1), f32(rng.standard_normal(32) * 0.1)
W3, b3 = sparse((10, 32), 0.2), f32(rng.standard_normal(10) * 0.1)
W2[5, :] = 0  # a neuron with no weights left
save("mlp_ticket",
     [helper.make_node("Gemm", ["x", "W1", "b1"], ["h1"], transB=1, name="fc1"),
      helper.make_node("Relu", ["h1"], ["a1"]),
      helper.make_node("Gemm", ["a1", "W2", "b2"], ["h2"], transB=1, name="fc2"),
      helper.make_node("Relu", ["h2"], ["a2"]),
      helper.make_node("Gemm", ["a2", "W3", "b3"], ["y"], transB=1, name="fc3")],
     [("x", (1, 100))], ["y"], {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3},
     samples([(1, 100)], 8),
     lambda x: [relu(relu(x @ W1.T + b1) @ W2.T + b2) @ W3.T + b3])

# 2. The same with small functions: splitting neurons across functions.
save("mlp_ticket_split",
     [helper.make_node("Gemm", ["x", "W1", "b1"], ["h1"], transB=1, name="fc1"),
      helper.make_node("Relu", ["h1"], ["a1"]),
      helper.make_node("Gemm", ["a1", "W2", "b2"], ["h2"], transB=1, name="fc2"),
      helper.make_node("Sigmoid", ["h2"], ["y"])],
     [("x", (1, 100))], ["y"], {"W1": W1, "b1": b1, "W2": W2, "b2": b2},
     samples([(1, 100)], 4),
     lambda x: [sigmoid(relu(x @ W1.T + b1) @ W2.T + b2)], args="--max-terms 20 --partial-sums 3")

# 3. Gemm attributes and bias shapes, batch of 3.
A = (3, 6)
Wg = sparse((6, 5), 0.5)
for i, (ta, tb, cshape, alpha, beta) in enumerate([
        (0, 0, (5,), 1.0, 1.0), (1, 0, (1, 5), 0.5, 2.0), (0, 1, (3, 5), 1.5, -1.0),
        (1, 1, (3, 1), 1.0, 0.5), (0, 0, (), 2.0, 1.0), (0, 0, None, 1.0, 1.0)]):
    C = f32(rng.standard_normal(cshape)) if cshape is not None else None
    Bm = Wg.T if tb else Wg
    ins = ["a", "B"] + (["C"] if C is not None else [])
    inits = {"B": Bm}
    if C is not None:
        inits["C"] = C
    def ref(a, ta=ta, Bm=Bm, tb=tb, C=C, alpha=alpha, beta=beta):
        aa = a.T if ta else a
        bb = Bm.T if tb else Bm
        y = alpha * (aa.astype(np.float64) @ bb)
        return [y + beta * C if C is not None else y]
    save("gemm_%d" % i,
         [helper.make_node("Gemm", ins, ["y"], transA=ta, transB=tb, alpha=alpha, beta=beta, name="g")],
         [("a", A[::-1] if ta else A)], ["y"], inits, samples([A[::-1] if ta else A], 3), ref)

# 4. Gemm with every operand at run time.
save("gemm_runtime",
     [helper.make_node("Gemm", ["a", "b", "c"], ["y"], transB=1, alpha=0.5, name="g"),
      helper.make_node("Tanh", ["y"], ["z"])],
     [("a", (2, 4)), ("b", (3, 4)), ("c", (2, 3))], ["z"], {},
     samples([(2, 4), (3, 4), (2, 3)], 3),
     lambda a, b, c: [np.tanh(0.5 * (a.astype(np.float64) @ b.T) + c)])

# 5. MatMul with a constant matrix on a batch of rows, then Add (bias) and LeakyRelu.
Wm, bm = sparse((8, 5), 0.3), f32(rng.standard_normal(5))
save("matmul_const",
     [helper.make_node("MatMul", ["x", "W"], ["h"], name="mm"),
      helper.make_node("Add", ["h", "b"], ["hb"]),
      helper.make_node("LeakyRelu", ["hb"], ["y"], alpha=0.2)],
     [("x", (2, 3, 8))], ["y"], {"W": Wm, "b": bm}, samples([(2, 3, 8)], 3),
     lambda x: [np.where(x @ Wm + bm < 0, 0.2 * (x @ Wm + bm), x @ Wm + bm)])

# 6. MatMul of two run-time tensors with broadcast batch dimensions; 1-D operand.
save("matmul_runtime",
     [helper.make_node("MatMul", ["a", "b"], ["y"], name="mm"),
      helper.make_node("MatMul", ["y", "v"], ["z"], name="mv")],
     [("a", (2, 1, 3, 4)), ("b", (3, 4, 5)), ("v", (5,))], ["y", "z"], {},
     samples([(2, 1, 3, 4), (3, 4, 5), (5,)], 2),
     lambda a, b, v: [a.astype(np.float64) @ b, (a.astype(np.float64) @ b) @ v])

# 7. Broadcasting arithmetic, constants and scalars.
c34 = f32(rng.standard_normal((3, 1)))
c4 = f32(rng.uniform(0.5, 2.0, (4,)))
save("binary_broadcast",
     [helper.make_node("Add", ["x", "c34"], ["t1"]),
      helper.make_node("Mul", ["t1", "c4"], ["t2"]),
      helper.make_node("Sub", ["two", "t2"], ["t3"]),
      helper.make_node("Div", ["t3", "y"], ["t4"]),
      helper.make_node("Mul", ["t4", "x"], ["out"])],
     [("x", (2, 3, 4)), ("y", (2, 1, 4))], ["out"], {"c34": c34, "c4": c4, "two": f32(2.0)},
     [[rng.standard_normal((2, 3, 4)), rng.uniform(0.5, 2, (2, 1, 4))] for _ in range(3)],
     lambda x, y: [((2.0 - (x + c34) * c4) / y) * x])

# 8. Activations over a wide range.
save("activations",
     [helper.make_node("Relu", ["x"], ["r"]),
      helper.make_node("LeakyRelu", ["x"], ["l"]),
      helper.make_node("Sigmoid", ["x"], ["s"]),
      helper.make_node("Tanh", ["x"], ["t"])],
     [("x", (1, 64))], ["r", "l", "s", "t"], {}, samples([(1, 64)], 4, scale=8.0),
     lambda x: [relu(x), np.where(x < 0, 0.01 * x, x), sigmoid(x), np.tanh(x.astype(np.float64))])

# 9. Softmax and LogSoftmax: opset 13 (one axis) and opset 11 (2-D coercion).
save("softmax13",
     [helper.make_node("Softmax", ["x"], ["s"], axis=1),
      helper.make_node("LogSoftmax", ["x"], ["l"])],
     [("x", (2, 3, 4))], ["s", "l"], {}, samples([(2, 3, 4)], 3, scale=4.0),
     lambda x: [softmax(x, 1), np.log(softmax(x, -1))])
save("softmax11",
     [helper.make_node("Softmax", ["x"], ["s"], axis=1),
      helper.make_node("LogSoftmax", ["x"], ["l"], axis=2)],
     [("x", (2, 3, 4))], ["s", "l"], {}, samples([(2, 3, 4)], 3, scale=4.0),
     lambda x: [softmax(x.reshape(2, 12), 1).reshape(2, 3, 4), np.log(softmax(x, 2))], opset=11)

# 10. Views: Flatten, Reshape (0 and -1), Identity, Dropout; a view as graph output.
Wv = sparse((12, 3), 0.5)
save("views",
     [helper.make_node("Flatten", ["x"], ["f"], axis=1),
      helper.make_node("Identity", ["f"], ["i"]),
      helper.make_node("Dropout", ["i"], ["d"], ratio=0.5),
      helper.make_node("MatMul", ["d", "W"], ["m"]),
      helper.make_node("Reshape", ["m", "shape"], ["r"]),
      helper.make_node("Reshape", ["x", "shape2"], ["x2"])],
     [("x", (1, 3, 4))], ["r", "x2"], {"W": Wv, "shape": np.array([0, -1, 1], dtype=np.int64),
                                         "shape2": np.array([-1, 6], dtype=np.int64)},
     samples([(1, 3, 4)], 3),
     lambda x: [(x.reshape(1, 12) @ Wv).reshape(1, 3, 1), x.reshape(2, 6)])

# 11. PyTorch's prune format: weight = weight_orig * weight_mask, garbage under the mask.
Wo = f32(rng.standard_normal((16, 20)) * 100.0)
Mk = f32(rng.random((16, 20)) < 0.15)
bp = f32(rng.standard_normal(16))
save("prune_format",
     [helper.make_node("Mul", ["fc.weight_orig", "fc.weight_mask"], ["fc.weight"]),
      helper.make_node("Gemm", ["x", "fc.weight", "fc.bias"], ["y"], transB=1, name="fc")],
     [("x", (1, 20))], ["y"], {"fc.weight_orig": Wo, "fc.weight_mask": Mk, "fc.bias": bp},
     samples([(1, 20)], 4),
     lambda x: [x @ (Wo * Mk).T + bp])

# 12. PyTorch's x.view(x.size(0), -1): Shape, Gather, Unsqueeze, Concat folded away;
#     a Constant node; a symbolic batch dimension pinned to 1.
Wf = sparse((5, 12), 0.3)
d = os.path.join(OUT, "torch_view")
save("torch_view",
     [helper.make_node("Shape", ["x"], ["s"]),
      helper.make_node("Constant", [], ["zero"], value=numpy_helper.from_array(np.array(0, dtype=np.int64))),
      helper.make_node("Gather", ["s", "zero"], ["n"], axis=0),
      helper.make_node("Unsqueeze", ["n", "ax"], ["n1"]),
      helper.make_node("Concat", ["n1", "minus1"], ["shape"], axis=0),
      helper.make_node("Reshape", ["x", "shape"], ["flat"]),
      helper.make_node("Gemm", ["flat", "W", "bias"], ["y"], transB=1, name="fc")],
     [("x", ("batch", 3, 4))], ["y"], {"W": Wf, "bias": f32(np.zeros(5)), "ax": np.array([0], dtype=np.int64),
                                       "minus1": np.array([-1], dtype=np.int64)},
     samples([(1, 3, 4)], 3),
     lambda x: [x.reshape(1, 12) @ Wf.T])

# 13. A pinned symbolic dimension: --dim.
Wd = sparse((4, 2), 0.6)
save("dim_pinned",
     [helper.make_node("MatMul", ["x", "W"], ["y"])],
     [("x", (1, "rows", 4))], ["y"], {"W": Wd}, samples([(1, 3, 4)], 2),
     lambda x: [x @ Wd], args="--dim rows=3")

# 14. Element-wise math, each op from the same inputs: x anywhere, p > 0.
import math  # noqa: E402
erf = np.vectorize(math.erf)
x64 = lambda a: a.astype(np.float64)  # noqa: E731
MATH = [  # (op, attributes, input, numpy formula in double)
    ("Exp", {}, "x", np.exp), ("Log", {}, "p", np.log), ("Sqrt", {}, "p", np.sqrt),
    ("Abs", {}, "x", np.abs), ("Neg", {}, "x", np.negative), ("Reciprocal", {}, "p", lambda v: 1 / v),
    ("Floor", {}, "x", np.floor), ("Ceil", {}, "x", np.ceil), ("Round", {}, "h", np.round),
    ("Sign", {}, "h", np.sign), ("Erf", {}, "x", erf), ("Sin", {}, "x", np.sin), ("Cos", {}, "x", np.cos),
    ("Tan", {}, "x", np.tan), ("Sinh", {}, "x", np.sinh), ("Cosh", {}, "x", np.cosh),
    ("Asin", {}, "u", np.arcsin), ("Acos", {}, "u", np.arccos), ("Atan", {}, "x", np.arctan),
    ("Asinh", {}, "x", np.arcsinh), ("Acosh", {}, "q", np.arccosh), ("Atanh", {}, "u", np.arctanh),
    ("Elu", {"alpha": 0.7}, "x", lambda v: np.where(v > 0, v, 0.7 * np.expm1(v))),
    ("Selu", {}, "x", lambda v: 1.0507009873554805 * np.where(v > 0, v, 1.6732632423543772 * np.expm1(v))),
    ("Celu", {"alpha": 2.0}, "x", lambda v: np.maximum(v, 0) + np.minimum(0, 2.0 * np.expm1(v / 2.0))),
    ("HardSigmoid", {"alpha": 0.3, "beta": 0.4}, "x", lambda v: np.clip(0.3 * v + 0.4, 0, 1)),
    ("HardSwish", {}, "x", lambda v: v * np.clip(v / 6 + 0.5, 0, 1)),
    ("Softplus", {}, "x", lambda v: np.log1p(np.exp(v))), ("Softsign", {}, "x", lambda v: v / (1 + np.abs(v))),
    ("ThresholdedRelu", {"alpha": 0.5}, "x", lambda v: np.where(v > 0.5, v, 0)),
    ("Shrink", {"lambd": 0.8, "bias": 0.3}, "x", lambda v: np.where(v < -0.8, v + 0.3, np.where(v > 0.8, v - 0.3, 0))),
    ("Gelu", {}, "x", lambda v: 0.5 * v * (1 + erf(v / math.sqrt(2)))),
    ("Gelu", {"approximate": "tanh"}, "x",
     lambda v: 0.5 * v * (1 + np.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3)))),
]
save("elementwise_math",
     [helper.make_node(op, [src], ["y%d" % i], name="%s_%d" % (op.lower(), i), **attrs)
      for i, (op, attrs, src, _) in enumerate(MATH)],
     [("x", (3, 16)), ("p", (3, 16)), ("h", (3, 16)), ("u", (3, 16)), ("q", (3, 16))],
     ["y%d" % i for i in range(len(MATH))], {},
     [[rng.uniform(-4, 4, (3, 16)), rng.uniform(0.05, 30, (3, 16)), rng.integers(-8, 8, (3, 16)) * 0.5,
       rng.uniform(-0.999, 0.999, (3, 16)), rng.uniform(1, 50, (3, 16))] for _ in range(3)],
     lambda x, p, h, u, q: [f(x64({"x": x, "p": p, "h": h, "u": u, "q": q}[src])) for _, _, src, f in MATH])

# 15. Variadic and broadcasting ops: Max, Min, Sum, Mean over three shapes; Pow; PRelu; Clip.
slope = f32(rng.uniform(0, 0.5, (3, 1)))
save("variadic",
     [helper.make_node("Max", ["a", "b", "c"], ["mx"]),
      helper.make_node("Min", ["a", "b", "c"], ["mn"]),
      helper.make_node("Sum", ["a", "b", "c"], ["sm"]),
      helper.make_node("Mean", ["a", "b", "c"], ["me"]),
      helper.make_node("Max", ["a"], ["one"]),
      helper.make_node("Abs", ["a"], ["aa"]),
      helper.make_node("Pow", ["aa", "b"], ["pw"]),
      helper.make_node("Pow", ["aa", "two"], ["sq"]),
      helper.make_node("PRelu", ["a", "slope"], ["pr"]),
      helper.make_node("Clip", ["a", "lo", "hi"], ["cl"]),
      helper.make_node("Clip", ["a", "", "hi"], ["ch"]),
      helper.make_node("Clip", ["a", "s"], ["cr"])],
     [("a", (2, 3, 4)), ("b", (3, 1)), ("c", (4,)), ("s", ())], ["mx", "mn", "sm", "me", "one", "pw", "sq", "pr", "cl", "ch", "cr"],
     {"slope": slope, "two": f32(2.0), "lo": f32(-0.5), "hi": f32(0.75)},
     [[rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 1)), rng.standard_normal(4), rng.standard_normal(())]
      for _ in range(3)],
     lambda a, b, c, s: [np.maximum(np.maximum(a, b), c), np.minimum(np.minimum(a, b), c), x64(a) + b + c,
                      (x64(a) + b + c) / 3, a, np.abs(x64(a)) ** b, np.abs(x64(a)) ** 2,
                      np.where(a < 0, slope * a, a), np.clip(a, -0.5, 0.75), np.minimum(a, 0.75),
                      np.maximum(a, s)])

# 16. Clip with attributes (opset 6) and PRelu's per-channel slope of that time.
chs = f32(rng.uniform(0, 0.5, 3))
save("clip_opset6",
     [helper.make_node("Clip", ["a"], ["cl"], min=-0.25, max=0.5),
      helper.make_node("PRelu", ["a", "chs"], ["pr"])],
     [("a", (2, 3, 4))], ["cl", "pr"], {"chs": chs}, samples([(2, 3, 4)], 2),
     lambda a: [np.clip(a, -0.25, 0.5), np.where(a < 0, chs.reshape(3, 1) * a, a)], opset=6)

# 17. Reductions: every kind, axes as attribute (opset 13) and as input (ReduceSum), keepdims both ways.
RED = [("ReduceSum", np.sum), ("ReduceMean", np.mean), ("ReduceMax", np.max), ("ReduceMin", np.min),
       ("ReduceProd", np.prod), ("ReduceL1", lambda v, axis, keepdims: np.sum(np.abs(v), axis=axis, keepdims=keepdims)),
       ("ReduceL2", lambda v, axis, keepdims: np.sqrt(np.sum(v * v, axis=axis, keepdims=keepdims))),
       ("ReduceLogSum", lambda v, axis, keepdims: np.log(np.sum(v, axis=axis, keepdims=keepdims))),
       ("ReduceLogSumExp", lambda v, axis, keepdims: np.log(np.sum(np.exp(v), axis=axis, keepdims=keepdims))),
       ("ReduceSumSquare", lambda v, axis, keepdims: np.sum(v * v, axis=axis, keepdims=keepdims))]
red_nodes, red_refs = [], []
for i, (op, f) in enumerate(RED):
    for j, (axes, keep) in enumerate([((1,), 1), ((0, -1), 0), (None, 1)]):
        name = "r%d_%d" % (i, j)
        if op == "ReduceSum" and axes is not None:
            red_nodes.append(helper.make_node(op, ["p", "ax%d" % j], [name], keepdims=keep))
        elif axes is not None:
            red_nodes.append(helper.make_node(op, ["p"], [name], axes=list(axes), keepdims=keep))
        else:
            red_nodes.append(helper.make_node(op, ["p"], [name], keepdims=keep))
        red_refs.append((name, f, axes, keep))
red_nodes.append(helper.make_node("ReduceSum", ["p", "empty"], ["noop"], noop_with_empty_axes=1))
save("reduce",
     red_nodes, [("p", (2, 3, 4))], [r[0] for r in red_refs] + ["noop"],
     {"ax0": np.array([1], dtype=np.int64), "ax1": np.array([0, -1], dtype=np.int64),
      "empty": np.array([], dtype=np.int64)},
     [[rng.uniform(0.2, 1.5, (2, 3, 4))] for _ in range(3)],
     lambda p: [f(x64(p), axis=axes, keepdims=bool(keep)) for _, f, axes, keep in red_refs] + [p])


# 18. Data movement: Transpose, Slice (negative steps), Expand, Tile, Split, Concat of run-time tensors, Hardmax.
def hardmax(v, axis):
    out = np.zeros_like(v)
    idx = np.expand_dims(np.argmax(v, axis=axis), axis)
    np.put_along_axis(out, idx, 1.0, axis=axis)
    return out


i64 = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
save("movement",
     [helper.make_node("Transpose", ["x"], ["tr"], perm=[2, 0, 1]),
      helper.make_node("Transpose", ["x"], ["trd"]),
      helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["sl"]),
      helper.make_node("Slice", ["x", "st2", "en2"], ["sl2"]),
      helper.make_node("Expand", ["v", "eshape"], ["ex"]),
      helper.make_node("Tile", ["x", "reps"], ["ti"]),
      helper.make_node("Split", ["x", "parts"], ["s0", "s1", "s2"], axis=2),
      helper.make_node("Split", ["x"], ["h0", "h1"], axis=0),
      helper.make_node("Concat", ["s2", "s0", "v4"], ["cc"], axis=2),
      helper.make_node("Hardmax", ["x"], ["hm"], axis=1)],
     [("x", (2, 3, 5)), ("v", (3, 1)), ("v4", (2, 3, 1))],
     ["tr", "trd", "sl", "sl2", "ex", "ti", "s0", "s1", "s2", "h0", "h1", "cc", "hm"],
     {"st": i64([-1, 4]), "en": i64([-100, 0]), "ax": i64([1, -1]), "sp": i64([-2, -1]),
      "st2": i64([1, 1]), "en2": i64([2, 1 << 62]), "eshape": i64([2, 1, 4]), "reps": i64([1, 2, 2]),
      "parts": i64([1, 3, 1])},
     [[rng.standard_normal((2, 3, 5)), rng.standard_normal((3, 1)), rng.standard_normal((2, 3, 1))]
      for _ in range(3)],
     lambda x, v, v4: [x.transpose(2, 0, 1), x.transpose(2, 1, 0), x[:, -1:-100:-2, 4:0:-1], x[1:2, 1:],
                       np.broadcast_to(v, (2, 3, 4)), np.tile(x, (1, 2, 2)), x[:, :, :1], x[:, :, 1:4],
                       x[:, :, 4:], x[:1], x[1:], np.concatenate([x[:, :, 4:], x[:, :, :1], v4], axis=2),
                       hardmax(x, 1)])


# 19. Recurrent layers against a numpy recurrence: bidirectional LSTM with peepholes, initial
#     states and clip; reverse GRU with linear_before_reset; batch-first bidirectional RNN.
def np_sigmoid(v):
    return 1 / (1 + np.exp(-v))


def np_rnn(kind, x, W, R, B, h0, c0=None, P=None, clip=None, directions=("forward",), layout=0, lbr=0):
    x = x.astype(np.float64)
    if layout:
        x = x.transpose(1, 0, 2)
    T, Bn, _ = x.shape
    H = R.shape[2]
    cl = (lambda v: np.clip(v, -clip, clip)) if clip is not None else (lambda v: v)
    Y = np.zeros((T, len(directions), Bn, H))
    Yh = np.zeros((len(directions), Bn, H))
    Yc = np.zeros((len(directions), Bn, H))
    for d, direction in enumerate(directions):
        h = h0[d].astype(np.float64)
        c = c0[d].astype(np.float64) if c0 is not None else np.zeros((Bn, H))
        Wb, Rb = np.split(B[d].astype(np.float64), 2)
        steps = range(T - 1, -1, -1) if direction == "reverse" else range(T)
        for t in steps:
            xw = x[t] @ W[d].T + Wb
            if kind == "RNN":
                h = np.tanh(cl(xw + h @ R[d].T + Rb))
            elif kind == "GRU":
                Rz, Rr, Rh = np.split(R[d], 3)
                z = np_sigmoid(cl(xw[:, :H] + h @ Rz.T + Rb[:H]))
                r = np_sigmoid(cl(xw[:, H:2 * H] + h @ Rr.T + Rb[H:2 * H]))
                if lbr:
                    n = np.tanh(cl(xw[:, 2 * H:] + r * (h @ Rh.T + Rb[2 * H:])))
                else:
                    n = np.tanh(cl(xw[:, 2 * H:] + (r * h) @ Rh.T + Rb[2 * H:]))
                h = (1 - z) * n + z * h
            else:
                g = xw + h @ R[d].T + Rb
                Pi, Po, Pf = np.split(P[d], 3)
                i = np_sigmoid(cl(g[:, :H] + Pi * c))
                f = np_sigmoid(cl(g[:, 2 * H:3 * H] + Pf * c))
                c = f * c + i * np.tanh(cl(g[:, 3 * H:]))
                o = np_sigmoid(cl(g[:, H:2 * H] + Po * c))
                h = o * np.tanh(c)
            Y[t, d] = h
        Yh[d], Yc[d] = h, c
    if layout:
        return Y.transpose(2, 0, 1, 3), Yh.transpose(1, 0, 2), Yc.transpose(1, 0, 2)
    return Y, Yh, Yc


Tq, Bq, Iq, Hq = 4, 2, 3, 5
for kind, G, D, extra in [("LSTM", 4, 2, {"clip": 2.5, "direction": "bidirectional"}),
                          ("GRU", 3, 1, {"linear_before_reset": 1, "direction": "reverse"}),
                          ("GRU", 3, 1, {}),
                          ("RNN", 1, 2, {"layout": 1, "direction": "bidirectional"})]:
    Wq = f32(rng.standard_normal((D, G * Hq, Iq)) * 0.6)
    Rq = f32(rng.standard_normal((D, G * Hq, Hq)) * 0.6)
    Bqq = f32(rng.standard_normal((D, 2 * G * Hq)) * 0.3)
    Pq = f32(rng.standard_normal((D, 3 * Hq)) * 0.3)
    layout = extra.get("layout", 0)
    xs = (Bq, Tq, Iq) if layout else (Tq, Bq, Iq)
    hs = (Bq, D, Hq) if layout else (D, Bq, Hq)
    ins = ["x", "W", "R", "B", "", "h0"] + (["c0", "P"] if kind == "LSTM" else [])
    outs = ["Y", "Yh"] + (["Yc"] if kind == "LSTM" else [])
    graph_ins = [("x", xs), ("h0", hs)] + ([("c0", hs)] if kind == "LSTM" else [])

    def ref(x, h0, c0=None, kind=kind, Wq=Wq, Rq=Rq, Bqq=Bqq, Pq=Pq, extra=extra, layout=layout, D=D):
        if layout:
            h0 = h0.transpose(1, 0, 2)
            c0 = c0.transpose(1, 0, 2) if c0 is not None else None
        dirs = {"bidirectional": ("forward", "reverse"), "reverse": ("reverse",)}.get(extra.get("direction"), ("forward",))
        Y, Yh, Yc = np_rnn(kind, x, Wq, Rq, Bqq, h0, c0, Pq, extra.get("clip"), dirs, layout,
                           extra.get("linear_before_reset", 0))
        return [Y, Yh] + ([Yc] if kind == "LSTM" else [])
    save("%s_%s" % (kind.lower(), extra.get("direction", "forward") + ("_lbr" if "linear_before_reset" in extra else "")),
         [helper.make_node(kind, ins, outs, hidden_size=Hq, name=kind.lower(), **extra)],
         graph_ins, outs, {"W": Wq, "R": Rq, "B": Bqq, "P": Pq} if kind == "LSTM" else {"W": Wq, "R": Rq, "B": Bqq},
         [[rng.standard_normal(s) for _, s in graph_ins] for _ in range(3)], ref, opset=14)


# 20. LRN (even and odd window), MeanVarianceNormalization (default and custom axes), Mod (fmod=1).
def np_lrn(x, size, alpha=1e-4, beta=0.75, bias=1.0):
    x = x.astype(np.float64)
    C = x.shape[1]
    sq = np.zeros_like(x)
    for c in range(C):
        lo, hi = max(0, c - (size - 1) // 2), min(C - 1, c + size // 2)
        sq[:, c] = np.sum(x[:, lo:hi + 1] ** 2, axis=1)
    return x / (bias + alpha / size * sq) ** beta


def np_mvn(x, axes):
    x = x.astype(np.float64)
    m = x.mean(axis=axes, keepdims=True)
    return (x - m) / (np.sqrt((x * x).mean(axis=axes, keepdims=True) - m * m) + 1e-9)


save("norm_misc",
     [helper.make_node("LRN", ["x"], ["l3"], size=3),
      helper.make_node("LRN", ["x"], ["l4"], size=4, alpha=0.01, beta=0.6, bias=2.0),
      helper.make_node("MeanVarianceNormalization", ["x"], ["mv"]),
      helper.make_node("MeanVarianceNormalization", ["x"], ["mv1"], axes=[1, 3]),
      helper.make_node("Mod", ["x", "m"], ["md"], fmod=1)],
     [("x", (2, 5, 3, 4)), ("m", (4,))], ["l3", "l4", "mv", "mv1", "md"], {},
     [[rng.standard_normal((2, 5, 3, 4)) * 3, rng.choice([-1.5, 1.25, 0.7, -2.0], 4)] for _ in range(3)],
     lambda x, m: [np_lrn(x, 3), np_lrn(x, 4, 0.01, 0.6, 2.0), np_mvn(x, (0, 2, 3)), np_mvn(x, (1, 3)),
                   np.fmod(x, m)])

# 21. Det of a batch of matrices, one of them singular.
save("det",
     [helper.make_node("Det", ["x"], ["d"]), helper.make_node("Det", ["s"], ["ds"])],
     [("x", (2, 3, 4, 4)), ("s", (3, 3))], ["d", "ds"], {},
     [[rng.standard_normal((2, 3, 4, 4)), np.array([[1, 2, 3], [2, 4, 6], [0, 1, 5]])] for _ in range(2)],
     lambda x, s: [np.linalg.det(x64(x)), np.linalg.det(x64(s))])
