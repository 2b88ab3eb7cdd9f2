#!/usr/bin/python3
"""The same models twice, as ONNX (python3-onnx) and in ticketc's model
language, with expected outputs computed independently by numpy.

usage: gen_pairs.py OUTDIR
For each case writes OUTDIR/<case>/model.onnx, model.tc (plus .npy files it
reads), in.f32 and expect.f32. Masks and prune(f) are applied by numpy here
and by ticketc there; the ONNX model gets the already-pruned weights.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(5)
OUT = sys.argv[1]


def f32(a):
    return np.asarray(a, dtype=np.float32)


def rnd(*shape):
    return f32(rng.standard_normal(shape) * 0.5)


def prune(w, frac):
    """Zero the round(frac * n) weights of smallest magnitude; ties by position."""
    flat = w.reshape(-1).copy()
    k = int(frac * flat.size + 0.5)
    order = np.argsort(np.abs(flat), kind="stable")
    flat[order[:k]] = 0
    return flat.reshape(w.shape)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def inline(a):
    """A numpy array as a nested .tc list, every float exactly."""
    if a.ndim == 0:
        return repr(float(a))
    return "[" + ", ".join(inline(r) for r in a) + "]"


def save(name, tc, nodes, inputs, outputs, inits, npys, fn, opset=13, n=5):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    g = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(k, TensorProto.FLOAT, list(s)) for k, s in inputs],
        [helper.make_tensor_value_info(k, TensorProto.FLOAT, None) for k in outputs],
        [numpy_helper.from_array(v if v.dtype == np.int64 else f32(v), k) for k, v in inits.items()])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)]), os.path.join(d, "model.onnx"))
    with open(os.path.join(d, "model.tc"), "w") as f:
        f.write(tc)
    for k, v in npys.items():
        np.save(os.path.join(d, k), v)
    xs = [[f32(rng.standard_normal(s)) for _, s in inputs] for _ in range(n)]
    with open(os.path.join(d, "in.f32"), "wb") as f:
        for sample in xs:
            for x in sample:
                f.write(x.tobytes())
    with open(os.path.join(d, "expect.f32"), "wb") as f:
        for sample in xs:
            for y in fn(*sample):
                f.write(f32(y).tobytes())


# dense + relu + dense + softmax, weights from .npy and inline
w1, b1, w2, b2 = rnd(16, 8), rnd(16), rnd(4, 16), rnd(4)
save("mlp_npy", f"""
input x [1, 8]
h = dense(x, weight=npy("w1.npy"), bias=npy("b1.npy"))
r = relu(h)
z = dense(r, weight={inline(w2)}, bias={inline(b2)})
y = softmax(z)
output y
""", [helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], transB=1), helper.make_node("Relu", ["h"], ["r"]),
      helper.make_node("Gemm", ["r", "w2", "b2"], ["z"], transB=1), helper.make_node("Softmax", ["z"], ["y"])],
     [("x", (1, 8))], ["y"], dict(w1=w1, b1=b1, w2=w2, b2=b2), {"w1.npy": w1, "b1.npy": b1},
     lambda x: [softmax(np.maximum(x @ w1.T + b1, 0) @ w2.T + b2, 1)])

# prune(f) by magnitude (0.7 * 384 = 268.8 rounds to 269), a mask from .npy, leaky_relu, log_softmax
w1, w2, b2 = rnd(32, 12), rnd(6, 32), rnd(6)
m2 = f32(rng.random((6, 32)) < 0.3)
p1, p2 = prune(w1, 0.7), w2 * m2
save("prune_mask", """
input x [1, 12]
h = dense(x, weight=npy("w1.npy"), mask=prune(0.7))
a = leaky_relu(h, alpha=0.2)
z = dense(a, weight=npy("w2.npy"), bias=npy("b2.npy"), mask=npy("m2.npy"))
y = log_softmax(z, axis=1)
output y
""", [helper.make_node("Gemm", ["x", "p1"], ["h"], transB=1), helper.make_node("LeakyRelu", ["h"], ["a"], alpha=0.2),
      helper.make_node("Gemm", ["a", "p2", "b2"], ["z"], transB=1), helper.make_node("LogSoftmax", ["z"], ["y"], axis=1)],
     [("x", (1, 12))], ["y"], dict(p1=p1, p2=p2, b2=b2), {"w1.npy": w1, "w2.npy": w2, "b2.npy": b2, "m2.npy": m2},
     lambda x: [(lambda z: z - np.log(np.exp(z - z.max()).sum()) - z.max())(
         np.where(x @ p1.T > 0, x @ p1.T, 0.2 * (x @ p1.T)) @ p2.T + b2)])

# reshape, flatten, tanh, sigmoid, a skip connection with add, mul by a constant
w, b = rnd(6, 6), rnd(6)
scale = rnd(1, 6)
save("skip", f"""
input x [1, 2, 3]
f = reshape(x, shape=[1, -1])
h = dense(f, weight=npy("w.npy"), bias={inline(b)})
t = tanh(h)
s = add(t, f)
const scale [1, 6] = {inline(scale)}
m = mul(s, scale)
y = sigmoid(m)
z = flatten(y, axis=1)
output z, t
""", [helper.make_node("Reshape", ["x", "shape"], ["f"]), helper.make_node("Gemm", ["f", "w", "b"], ["h"], transB=1),
      helper.make_node("Tanh", ["h"], ["t"]), helper.make_node("Add", ["t", "f"], ["s"]),
      helper.make_node("Mul", ["s", "scale"], ["m"]), helper.make_node("Sigmoid", ["m"], ["y"]),
      helper.make_node("Flatten", ["y"], ["z"], axis=1)],
     [("x", (1, 2, 3))], ["z", "t"], dict(w=w, b=b, scale=scale, shape=np.array([1, -1], dtype=np.int64)),
     {"w.npy": w},
     lambda x: (lambda f: (lambda t: [1 / (1 + np.exp(-(t + f) * scale)), t])(np.tanh(f @ w.T + b)))(x.reshape(1, -1)))

# opset 11: Softmax flattens from axis 1; MatMul through the generic onnx.<Op> form
w = rnd(3, 5)
save("opset11_generic", """
opset 11
input x [1, 2, 3]
const w [3, 5] = npy("w.npy")
h = onnx.MatMul(x, w)
y = onnx.Softmax(h, axis=1)
output y
""", [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Softmax", ["h"], ["y"], axis=1)],
     [("x", (1, 2, 3))], ["y"], dict(w=w), {"w.npy": w},
     lambda x: [softmax((x @ w).reshape(1, -1), 1).reshape(1, 2, 5)], opset=11)
