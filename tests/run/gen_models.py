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


# ---- spatial ops: plain numpy references, written for these tests ----

def conv2d(x, W, b=None, s=(1, 1), p=(0, 0, 0, 0), d=(1, 1), g=1):
    """x [N,C,H,W], W [M,C/g,KH,KW], p = (top, left, bottom, right); sums in float64."""
    N, C, H, Wd = x.shape
    M, Cg, KH, KW = W.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])))
    OH = (H + p[0] + p[2] - (KH - 1) * d[0] - 1) // s[0] + 1
    OW = (Wd + p[1] + p[3] - (KW - 1) * d[1] - 1) // s[1] + 1
    y = np.zeros((N, M, OH, OW))
    for m in range(M):
        c0 = m // (M // g) * Cg
        for c in range(Cg):
            for kh in range(KH):
                for kw in range(KW):
                    h0, w0 = kh * d[0], kw * d[1]
                    y[:, m] += W[m, c, kh, kw] * xp[:, c0 + c, h0:h0 + s[0] * (OH - 1) + 1:s[0], w0:w0 + s[1] * (OW - 1) + 1:s[1]]
        if b is not None:
            y[:, m] += b[m]
    return y


def conv1d(x, W, b=None, s=1, p=(0, 0), d=1, g=1):
    return conv2d(x[:, :, None, :], W[:, :, None, :], b, (1, s), (0, p[0], 0, p[1]), (1, d), g)[:, :, 0, :]


def same_pads(n, k, s, d, upper):
    out = -(-n // s)
    total = max(0, (out - 1) * s + (k - 1) * d + 1 - n)
    small = total // 2
    return (small, total - small) if upper else (total - small, small)


def pool2d(x, k, s=(1, 1), p=(0, 0, 0, 0), d=(1, 1), avg=False, ceil=False, incl=False):
    N, C, H, Wd = x.shape
    outs, extra = [], []
    for a, n in enumerate((H, Wd)):
        span = (k[a] - 1) * d[a] + 1
        tot = n + p[a] + p[a + 2] - span
        o = tot // s[a] + 1
        if ceil and tot % s[a] and o * s[a] < n + p[a]:
            o += 1
        outs.append(o)
        extra.append(max(0, (o - 1) * s[a] + span - (n + p[a] + p[a + 2])))
    pw = ((0, 0), (0, 0), (p[0], p[2] + extra[0]), (p[1], p[3] + extra[1]))
    xv = np.pad(x.astype(np.float64), pw, constant_values=np.nan)
    cnt_region = np.pad(np.ones((H, Wd)), ((p[0], p[2]), (p[1], p[3])), constant_values=1.0 if incl else 0.0)
    cnt_region = np.pad(cnt_region, ((0, extra[0]), (0, extra[1])))
    OH, OW = outs
    best = np.full((N, C, OH, OW), -np.inf)
    tot = np.zeros((N, C, OH, OW))
    cnt = np.zeros((OH, OW))
    for kh in range(k[0]):
        for kw in range(k[1]):
            h0, w0 = kh * d[0], kw * d[1]
            sl = (slice(h0, h0 + s[0] * (OH - 1) + 1, s[0]), slice(w0, w0 + s[1] * (OW - 1) + 1, s[1]))
            patch = xv[:, :, sl[0], sl[1]]
            best = np.fmax(best, patch)
            tot += np.nan_to_num(patch)
            cnt += cnt_region[sl[0], sl[1]]
    return tot / cnt if avg else best


x_img = [(1, 3, 9, 8)]

# 14. Conv: 3x3, pads 1, bias, fused Relu; about half the weights kept.
Wc1, bc1 = sparse((4, 3, 3, 3), 0.5), f32(rng.standard_normal(4) * 0.1)
save("conv_basic",
     [helper.make_node("Conv", ["x", "W", "b"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], name="conv1"),
      helper.make_node("Relu", ["c"], ["y"])],
     [("x", x_img[0])], ["y"], {"W": Wc1, "b": bc1}, samples(x_img, 3),
     lambda x: [relu(conv2d(x, Wc1, bc1, p=(1, 1, 1, 1)))])

# 15. Conv: strides, dilations, asymmetric pads, no bias, batch of 2.
Wc2 = sparse((5, 3, 3, 2), 0.6)
save("conv_stride_dilation",
     [helper.make_node("Conv", ["x", "W"], ["y"], strides=[2, 1], dilations=[2, 2], pads=[1, 0, 2, 1], name="c")],
     [("x", (2, 3, 11, 9))], ["y"], {"W": Wc2}, samples([(2, 3, 11, 9)], 2),
     lambda x: [conv2d(x, Wc2, None, (2, 1), (1, 0, 2, 1), (2, 2))])

# 16. Grouped and depthwise Conv.
Wg2, bg2 = sparse((6, 2, 3, 2), 0.7), f32(rng.standard_normal(6))
Wdw, bdw = sparse((5, 1, 3, 3), 0.8), f32(rng.standard_normal(5))
save("conv_groups",
     [helper.make_node("Conv", ["x", "W", "b"], ["g"], group=2, pads=[1, 0, 1, 1], name="grouped"),
      helper.make_node("Conv", ["x5", "Wd", "bd"], ["dw"], group=5, strides=[2, 2], pads=[1, 1, 1, 1], name="depthwise")],
     [("x", (1, 4, 7, 6)), ("x5", (1, 5, 8, 7))], ["g", "dw"], {"W": Wg2, "b": bg2, "Wd": Wdw, "bd": bdw},
     samples([(1, 4, 7, 6), (1, 5, 8, 7)], 2),
     lambda x, x5: [conv2d(x, Wg2, bg2, p=(1, 0, 1, 1), g=2), conv2d(x5, Wdw, bdw, (2, 2), (1, 1, 1, 1), g=5)])

# 17. 1-D Conv and auto_pad: SAME_UPPER, SAME_LOWER (strided), VALID.
W1d, b1d = sparse((4, 3, 5), 0.6), f32(rng.standard_normal(4))
W2s = sparse((2, 3, 4, 3), 0.7)
pu, pl = same_pads(9, 4, 2, 1, True), same_pads(8, 3, 2, 1, False)
save("conv_1d_autopad",
     [helper.make_node("Conv", ["x1", "W1", "b1"], ["a"], strides=[2], pads=[2, 1], name="c1d"),
      helper.make_node("Conv", ["x1", "W1", "b1"], ["b"], auto_pad="SAME_UPPER", name="c1d_same"),
      helper.make_node("Conv", ["x", "W2"], ["c"], auto_pad="SAME_UPPER", strides=[2, 2], name="same_upper"),
      helper.make_node("Conv", ["x", "W2"], ["d"], auto_pad="SAME_LOWER", strides=[2, 2], name="same_lower"),
      helper.make_node("Conv", ["x", "W2"], ["e"], auto_pad="VALID", name="valid")],
     [("x1", (1, 3, 20)), ("x", (1, 3, 9, 8))], ["a", "b", "c", "d", "e"], {"W1": W1d, "b1": b1d, "W2": W2s},
     samples([(1, 3, 20), (1, 3, 9, 8)], 2),
     lambda x1, x: [conv1d(x1, W1d, b1d, 2, (2, 1)), conv1d(x1, W1d, b1d, 1, (2, 2)),
                    conv2d(x, W2s, None, (2, 2), (same_pads(9, 4, 2, 1, True)[0], same_pads(8, 3, 2, 1, True)[0],
                                                  same_pads(9, 4, 2, 1, True)[1], same_pads(8, 3, 2, 1, True)[1])),
                    conv2d(x, W2s, None, (2, 2), (same_pads(9, 4, 2, 1, False)[0], same_pads(8, 3, 2, 1, False)[0],
                                                  same_pads(9, 4, 2, 1, False)[1], same_pads(8, 3, 2, 1, False)[1])),
                    conv2d(x, W2s)])

# 18. A sparse Conv ticket: 16 -> 16 channels, 3x3, about 10% of the weights, one channel empty.
Wsp, bsp = sparse((16, 16, 3, 3), 0.1), f32(rng.standard_normal(16) * 0.1)
Wsp[3] = 0
save("conv_sparse",
     [helper.make_node("Conv", ["x", "W", "b"], ["y"], pads=[1, 1, 1, 1], name="sparse")],
     [("x", (2, 16, 12, 12))], ["y"], {"W": Wsp, "b": bsp}, samples([(2, 16, 12, 12)], 2),
     lambda x: [conv2d(x, Wsp, bsp, p=(1, 1, 1, 1))])

# 18b. Two sparse Convs in emit_conv_sparse.c's form under auto (stride 1, no padding, at
# most 50% kept): 10 and 6 output channels (the last block of 4 half padding), a 2x3 kernel,
# rows of 7 and 5 columns (flat positions across row ends), batch 2, a fused LeakyRelu.
rf = np.random.default_rng(1918)  # its own generator: the models after it keep their values
Wf1, Wf2 = f32(rf.standard_normal((10, 8, 3, 3)) * 0.5), f32(rf.standard_normal((6, 10, 2, 3)) * 0.5)
Wf1[rf.random(Wf1.shape) >= 0.3] = 0.0
Wf2[rf.random(Wf2.shape) >= 0.4] = 0.0
bf1, bf2 = f32(rf.standard_normal(10) * 0.1), f32(rf.standard_normal(6) * 0.1)
Wf1[7] = 0
save("conv_flat",
     [helper.make_node("Conv", ["x", "W1", "b1"], ["h"], kernel_shape=[3, 3], name="flat1"),
      helper.make_node("Conv", ["h", "W2", "b2"], ["c"], kernel_shape=[2, 3], name="flat2"),
      helper.make_node("LeakyRelu", ["c"], ["y"], alpha=0.1)],
     [("x", (2, 8, 9, 7))], ["y"], {"W1": Wf1, "b1": bf1, "W2": Wf2, "b2": bf2},
     [[f32(rf.standard_normal((2, 8, 9, 7)))] for _ in range(2)],
     lambda x: [(lambda c: np.where(c > 0, c, f32(0.1) * c))(conv2d(conv2d(x, Wf1, bf1), Wf2, bf2))])

# 18c. Strided sparse Convs in emit_conv_sparse.c's form under auto, over phase planes of the
# zero-padded input: 3x3/s2 with pads 1 and a fused Relu (ResNet's downsampling Conv), 1x1/s2
# (its projection shortcut, 36 taps an output), 5x4/s3 with uneven pads (2 top, 1 left, 0
# bottom, 3 right), batch 2; and a 3x3/s2 over 16 x 130 x 130 (1.1 MB of planes) whose
# positions go in tiles of rows.
rp = np.random.default_rng(1920)  # its own generator: the models after it keep their values


def psparse(shape, density):
    w = f32(rp.standard_normal(shape) * 0.5)
    w[rp.random(shape) >= density] = 0.0
    return w


Wp1, bp1 = psparse((12, 36, 3, 3), 0.3), f32(rp.standard_normal(12) * 0.1)
Wp2 = psparse((6, 36, 1, 1), 0.4)
Wp3, bp3 = psparse((10, 36, 5, 4), 0.25), f32(rp.standard_normal(10) * 0.1)
Wp4, bp4 = psparse((8, 16, 3, 3), 0.3), f32(rp.standard_normal(8) * 0.1)
save("conv_phase",
     [helper.make_node("Conv", ["x", "W1", "b1"], ["a1"], strides=[2, 2], pads=[1, 1, 1, 1], name="s2p1"),
      helper.make_node("Relu", ["a1"], ["y1"]),
      helper.make_node("Conv", ["x", "W2"], ["y2"], strides=[2, 2], name="s2_1x1"),
      helper.make_node("Conv", ["x", "W3", "b3"], ["y3"], strides=[3, 3], pads=[2, 1, 0, 3], name="s3_5x4"),
      helper.make_node("Conv", ["z", "W4", "b4"], ["y4"], strides=[2, 2], pads=[1, 1, 1, 1], name="s2_tiles")],
     [("x", (2, 36, 23, 21)), ("z", (2, 16, 130, 130))], ["y1", "y2", "y3", "y4"],
     {"W1": Wp1, "b1": bp1, "W2": Wp2, "W3": Wp3, "b3": bp3, "W4": Wp4, "b4": bp4},
     [[f32(rp.standard_normal((2, 36, 23, 21))), f32(rp.standard_normal((2, 16, 130, 130)))]],
     lambda x, z: [relu(conv2d(x, Wp1, bp1, (2, 2), (1, 1, 1, 1))), conv2d(x, Wp2, None, (2, 2)),
                   conv2d(x, Wp3, bp3, (3, 3), (2, 1, 0, 3)), conv2d(z, Wp4, bp4, (2, 2), (1, 1, 1, 1))])

# 18d. Winograd F(4x4, 3x3) (emit_conv_wino.c) under auto: dense 3x3/s1 Convs without padding of
# 16 or more channels each way. Outputs not a multiple of the 4x4 tile (9 x 11, 5 x 4), input
# channels not a multiple of a vector (20), output channels not a multiple of the 16/32-channel
# block (17, 40), bias and none, a fused Relu and none, batch 2; inputs with rows and channels
# of zeros (tiles and channels the products leave out).
rw = np.random.default_rng(1931)  # its own generator: the models after it keep their values


def wdense(shape, density=0.8):
    w = f32(rw.standard_normal(shape) * 0.2)
    w[rw.random(shape) >= density] = 0.0
    return w


Ww1, bw1 = wdense((17, 20, 3, 3)), f32(rw.standard_normal(17) * 0.1)
Ww2 = wdense((40, 20, 3, 3))
Ww3, bw3 = wdense((16, 16, 3, 3)), f32(rw.standard_normal(16) * 0.1)


def wino_inputs():
    x = f32(rw.standard_normal((2, 20, 11, 13)))
    x[0, :, 0:6, :] = 0.0  # a row of tiles all 0 in sample 0
    x[1, 3:9, :, 4:] = 0.0  # channels 3..8 partly 0 in sample 1
    x[:, 11, :, :] = 0.0  # a channel all 0
    z = f32(rw.standard_normal((2, 16, 7, 6)))
    return [x, z]


save("conv_wino",
     [helper.make_node("Conv", ["x", "W1", "b1"], ["a1"], kernel_shape=[3, 3], name="w_relu"),
      helper.make_node("Relu", ["a1"], ["y1"]),
      helper.make_node("Conv", ["x", "W2"], ["y2"], name="w_nobias"),
      helper.make_node("Conv", ["z", "W3", "b3"], ["a3"], name="w_small"),
      helper.make_node("Relu", ["a3"], ["y3"])],
     [("x", (2, 20, 11, 13)), ("z", (2, 16, 7, 6))], ["y1", "y2", "y3"],
     {"W1": Ww1, "b1": bw1, "W2": Ww2, "W3": Ww3, "b3": bw3},
     [wino_inputs(), wino_inputs()],
     lambda x, z: [relu(conv2d(x, Ww1, bw1)), conv2d(x, Ww2), relu(conv2d(z, Ww3, bw3))])

# 19. Conv with run-time weights and bias (dense loops only).
save("conv_runtime_weights",
     [helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[0, 1, 1, 0], strides=[1, 2], name="c")],
     [("x", (1, 2, 6, 7)), ("w", (3, 2, 2, 3)), ("b", (3,))], ["y"], {},
     samples([(1, 2, 6, 7), (3, 2, 2, 3), (3,)], 2),
     lambda x, w, b: [conv2d(x, w, b, (1, 2), (0, 1, 1, 0))])

# 20. Pools: MaxPool (pads, strides, ceil_mode, dilations, 1-D), AveragePool (count_include_pad), global pools.
save("pools",
     [helper.make_node("MaxPool", ["x"], ["m1"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
      helper.make_node("MaxPool", ["x"], ["m2"], kernel_shape=[2, 3], strides=[2, 2], ceil_mode=1),
      helper.make_node("MaxPool", ["x"], ["m3"], kernel_shape=[2, 2], dilations=[2, 2], pads=[0, 1, 1, 0]),
      helper.make_node("AveragePool", ["x"], ["a1"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
      helper.make_node("AveragePool", ["x"], ["a2"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                       count_include_pad=1, ceil_mode=1),
      helper.make_node("AveragePool", ["x"], ["a3"], kernel_shape=[2, 2], auto_pad="SAME_UPPER", strides=[2, 2]),
      helper.make_node("MaxPool", ["x1"], ["m1d"], kernel_shape=[3], strides=[2], pads=[1, 0]),
      helper.make_node("GlobalAveragePool", ["x"], ["ga"]),
      helper.make_node("GlobalMaxPool", ["x"], ["gm"])],
     [("x", (2, 3, 9, 8)), ("x1", (1, 2, 10))], ["m1", "m2", "m3", "a1", "a2", "a3", "m1d", "ga", "gm"], {},
     samples([(2, 3, 9, 8), (1, 2, 10)], 2),
     lambda x, x1: [pool2d(x, (3, 3), (2, 2), (1, 1, 1, 1)), pool2d(x, (2, 3), (2, 2), ceil=True),
                    pool2d(x, (2, 2), (1, 1), (0, 1, 1, 0), (2, 2)),
                    pool2d(x, (3, 3), (2, 2), (1, 1, 1, 1), avg=True),
                    pool2d(x, (3, 3), (2, 2), (1, 1, 1, 1), avg=True, ceil=True, incl=True),
                    pool2d(x, (2, 2), (2, 2), (0, 0, 1, 0), avg=True),
                    pool2d(x1[:, :, None, :], (1, 3), (1, 2), (0, 1, 0, 0))[:, :, 0, :],
                    x.mean(axis=(2, 3), keepdims=True), x.max(axis=(2, 3), keepdims=True)])


def bn(z, gamma, beta, mean, var, eps=1e-5):
    sh = (1, -1) + (1,) * (z.ndim - 2)
    return gamma.reshape(sh) * (z - mean.reshape(sh)) / np.sqrt(var.reshape(sh).astype(np.float64) + eps) + beta.reshape(sh)


def bn_params(c):
    return (f32(rng.uniform(0.5, 1.5, c)), f32(rng.standard_normal(c) * 0.1), f32(rng.standard_normal(c) * 0.1),
            f32(rng.uniform(0.5, 2.0, c)))


# 21. A small CNN ticket: conv -> bn -> relu -> maxpool -> conv -> bn -> relu -> flatten -> gemm -> bn.
#     Every BN folds into the layer before it; the weights stay sparse.
Wn1, bn1 = sparse((6, 1, 5, 5), 0.3), f32(rng.standard_normal(6) * 0.1)
Wn2 = sparse((8, 6, 3, 3), 0.1)
Wn3, bn3 = sparse((10, 8 * 4 * 4), 0.1), f32(rng.standard_normal(10) * 0.1)
P1, P2, P3 = bn_params(6), bn_params(8), bn_params(10)
inits = {"W1": Wn1, "b1": bn1, "W2": Wn2, "W3": Wn3, "b3": bn3}
for k, P in (("1", P1), ("2", P2), ("3", P3)):
    for nm, v in zip(("g", "be", "mu", "var"), P):
        inits[nm + k] = v


def cnn(x):
    h = relu(bn(conv2d(x, Wn1, bn1, p=(2, 2, 2, 2)), *P1))
    h = pool2d(h, (2, 2), (2, 2))
    h = relu(bn(conv2d(h, Wn2, None, (2, 2), (1, 1, 1, 1)), *P2, eps=1e-3))
    return [bn(h.reshape(1, -1) @ Wn3.T + bn3, *P3)]


save("cnn_bn_folded",
     [helper.make_node("Conv", ["x", "W1", "b1"], ["c1"], pads=[2, 2, 2, 2], name="conv1"),
      helper.make_node("BatchNormalization", ["c1", "g1", "be1", "mu1", "var1"], ["n1"], name="bn1"),
      helper.make_node("Relu", ["n1"], ["r1"]),
      helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
      helper.make_node("Conv", ["p1", "W2"], ["c2"], strides=[2, 2], pads=[1, 1, 1, 1], name="conv2"),
      helper.make_node("BatchNormalization", ["c2", "g2", "be2", "mu2", "var2"], ["n2"], epsilon=1e-3, name="bn2"),
      helper.make_node("Relu", ["n2"], ["r2"]),
      helper.make_node("Flatten", ["r2"], ["f"]),
      helper.make_node("Gemm", ["f", "W3", "b3"], ["g"], transB=1, name="fc"),
      helper.make_node("BatchNormalization", ["g", "g3", "be3", "mu3", "var3"], ["y"], name="bn3")],
     [("x", (1, 1, 14, 14))], ["y"], inits, samples([(1, 1, 14, 14)], 3), cnn)

# 22. Normalizations left standing: BatchNormalization of a graph input, InstanceNormalization, LayerNormalization.
PB = bn_params(3)
isc, ibi = f32(rng.uniform(0.5, 1.5, 3)), f32(rng.standard_normal(3))
lsc, lbi = f32(rng.uniform(0.5, 1.5, (9, 8))), f32(rng.standard_normal((9, 8)))
lsc1 = f32(rng.uniform(0.5, 1.5, 8))


def inorm(x, s, b, eps=1e-5, axes=(2, 3)):
    x = x.astype(np.float64)
    mu = x.mean(axis=axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * s + b


save("normalizations",
     [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["bn"], epsilon=1e-4, name="bn"),
      helper.make_node("InstanceNormalization", ["x", "is", "ib"], ["in"], epsilon=1e-3, name="inorm"),
      helper.make_node("LayerNormalization", ["x", "ls", "lb"], ["ln"], axis=2, name="ln2"),
      helper.make_node("LayerNormalization", ["x", "ls1"], ["ln1"], name="ln_last")],
     [("x", (2, 3, 9, 8))], ["bn", "in", "ln", "ln1"],
     {"s": PB[0], "b": PB[1], "m": PB[2], "v": PB[3], "is": isc, "ib": ibi, "ls": lsc, "lb": lbi, "ls1": lsc1},
     samples([(2, 3, 9, 8)], 2, scale=3.0),
     lambda x: [bn(x, *PB, eps=1e-4), inorm(x, isc.reshape(1, 3, 1, 1), ibi.reshape(1, 3, 1, 1), 1e-3),
                inorm(x, lsc, lbi, 1e-5, (2, 3)), inorm(x, lsc1, 0.0, 1e-5, (3,))], opset=17)

# 23. ConvTranspose: strides, pads, output_padding, dilations, groups, bias.
Wt, bt = sparse((4, 3, 3, 2), 0.7), f32(rng.standard_normal(6))


def convT(x, W, b, s, p, op, d, g):
    N, C, H, Wd = x.shape
    _, Mg, KH, KW = W.shape
    full = np.zeros((N, Mg * g, s[0] * (H - 1) + (KH - 1) * d[0] + 1 + op[0], s[1] * (Wd - 1) + (KW - 1) * d[1] + 1 + op[1]))
    Cg = C // g
    for c in range(C):
        for mo in range(Mg):
            m = c // Cg * Mg + mo
            for kh in range(KH):
                for kw in range(KW):
                    full[:, m, kh * d[0]:kh * d[0] + s[0] * (H - 1) + 1:s[0], kw * d[1]:kw * d[1] + s[1] * (Wd - 1) + 1:s[1]] += \
                        W[c, mo, kh, kw] * x[:, c].astype(np.float64)
    y = full[:, :, p[0]:full.shape[2] - p[2], p[1]:full.shape[3] - p[3]]
    return y + b.reshape(1, -1, 1, 1)


save("convtranspose",
     [helper.make_node("ConvTranspose", ["x", "W", "b"], ["y"], strides=[2, 3], pads=[1, 0, 0, 1], output_padding=[1, 0],
                       dilations=[1, 2], group=2, name="up")],
     [("x", (1, 4, 4, 5))], ["y"], {"W": Wt, "b": bt}, samples([(1, 4, 4, 5)], 2),
     lambda x: [convT(x, Wt, bt, (2, 3), (1, 0, 0, 1), (1, 0), (1, 2), 2)])

# 24. Pad: constant (with a value, and cropping), reflect, edge; opset 13 inputs and opset 2 attributes.
save("pad_modes",
     [helper.make_node("Pad", ["x", "p1", "v"], ["a"], mode="constant"),
      helper.make_node("Pad", ["x", "p2"], ["b"], mode="reflect"),
      helper.make_node("Pad", ["x", "p3"], ["c"], mode="edge")],
     [("x", (1, 2, 4, 5))], ["a", "b", "c"],
     {"p1": np.array([0, 1, 2, -1, 0, 0, 1, 2], dtype=np.int64), "v": f32(1.5),
      "p2": np.array([0, 0, 3, 1, 0, 0, 2, 4], dtype=np.int64), "p3": np.array([0, 0, 2, 3, 1, 0, 0, 1], dtype=np.int64)},
     samples([(1, 2, 4, 5)], 2),
     lambda x: [np.pad(x, ((0, 0), (1, 0), (2, 1), (0, 2)), constant_values=1.5)[:, :, :, 1:],
                np.pad(x, ((0, 0), (0, 0), (3, 2), (1, 4)), mode="reflect"),
                np.pad(x, ((0, 1), (0, 0), (2, 0), (3, 1)), mode="edge")])
save("pad_opset2",
     [helper.make_node("Pad", ["x"], ["y"], pads=[0, 0, 1, 2, 0, 0, 3, 0], value=-2.0)],
     [("x", (1, 1, 3, 3))], ["y"], {}, samples([(1, 1, 3, 3)], 2),
     lambda x: [np.pad(x, ((0, 0), (0, 0), (1, 3), (2, 0)), constant_values=-2.0)], opset=2)


def resize_axis(n_in, n_out, scale, coord, nearest=None):
    """per output coordinate: (i0, i1, w) along one axis"""
    res = []
    for o in range(n_out):
        if coord == "half_pixel":
            xo = (o + 0.5) / scale - 0.5
        elif coord == "asymmetric":
            xo = o / scale
        elif coord == "align_corners":
            xo = o * (n_in - 1) / (n_in * scale - 1) if n_in * scale > 1 else 0.0
        elif coord == "half_pixel_symmetric":
            adj = n_out / (n_in * scale)
            xo = n_in / 2 * (1 - adj) + (o + 0.5) / scale - 0.5
        else:  # pytorch_half_pixel
            xo = (o + 0.5) / scale - 0.5 if n_out > 1 else 0.0
        if nearest is not None:
            f = np.floor(xo)
            i = {"floor": f, "ceil": np.ceil(xo), "round_prefer_floor": np.ceil(xo - 0.5),
                 "round_prefer_ceil": np.floor(xo + 0.5)}[nearest]
            i = int(min(max(i, 0), n_in - 1))
            res.append((i, i, 0.0))
        else:
            xo = min(max(xo, 0.0), n_in - 1)
            i0 = int(np.floor(xo))
            res.append((i0, min(i0 + 1, n_in - 1), xo - i0))
    return res


def resize2d(x, oh, ow, sh, sw, coord, nearest=None):
    H, W = x.shape[2:]
    ah, aw = resize_axis(H, oh, sh, coord, nearest), resize_axis(W, ow, sw, coord, nearest)
    y = np.zeros(x.shape[:2] + (oh, ow))
    for i, (h0, h1, wh) in enumerate(ah):
        for j, (w0, w1, ww) in enumerate(aw):
            y[:, :, i, j] = ((1 - wh) * ((1 - ww) * x[:, :, h0, w0] + ww * x[:, :, h0, w1]) +
                             wh * ((1 - ww) * x[:, :, h1, w0] + ww * x[:, :, h1, w1]))
    return y


empty = np.zeros(0, dtype=np.float32)
save("resize_modes",
     [helper.make_node("Resize", ["x", "", "s2"], ["a"], mode="nearest", coordinate_transformation_mode="asymmetric",
                       nearest_mode="floor"),
      helper.make_node("Resize", ["x", "", "s3"], ["b"], mode="linear"),
      helper.make_node("Resize", ["x", "", "", "sz"], ["c"], mode="linear", coordinate_transformation_mode="align_corners"),
      helper.make_node("Resize", ["x", "", "", "sz2"], ["d"], mode="nearest", nearest_mode="round_prefer_ceil"),
      helper.make_node("Resize", ["x", "", "", "sz2"], ["e"], mode="linear", coordinate_transformation_mode="pytorch_half_pixel")],
     [("x", (1, 2, 4, 5))], ["a", "b", "c", "d", "e"],
     {"s2": f32([1, 1, 2, 2]), "s3": f32([1, 1, 1.5, 0.6]), "sz": np.array([1, 2, 7, 3], dtype=np.int64),
      "sz2": np.array([1, 2, 3, 8], dtype=np.int64)},
     samples([(1, 2, 4, 5)], 2),
     lambda x: [resize2d(x, 8, 10, 2, 2, "asymmetric", "floor"), resize2d(x, 6, 3, 1.5, 0.6, "half_pixel"),
                resize2d(x, 7, 3, 7 / 4, 3 / 5, "align_corners"),
                resize2d(x, 3, 8, 3 / 4, 8 / 5, "half_pixel", "round_prefer_ceil"),
                resize2d(x, 3, 8, 3 / 4, 8 / 5, "pytorch_half_pixel")], opset=13)
save("upsample9",
     [helper.make_node("Upsample", ["x", "s"], ["y"], mode="nearest")],
     [("x", (1, 2, 3, 2))], ["y"], {"s": f32([1, 1, 2, 3])}, samples([(1, 2, 3, 2)], 2),
     lambda x: [x.repeat(2, axis=2).repeat(3, axis=3)], opset=9)


def d2s(x, b, crd):
    N, C, H, W = x.shape
    if crd:
        t = x.reshape(N, C // (b * b), b, b, H, W).transpose(0, 1, 4, 2, 5, 3)
    else:
        t = x.reshape(N, b, b, C // (b * b), H, W).transpose(0, 3, 4, 1, 5, 2)
    return t.reshape(N, C // (b * b), H * b, W * b)


def s2d(x, b):
    N, C, H, W = x.shape
    return x.reshape(N, C, H // b, b, W // b, b).transpose(0, 3, 5, 1, 2, 4).reshape(N, C * b * b, H // b, W // b)


save("depth_space",
     [helper.make_node("DepthToSpace", ["x"], ["a"], blocksize=2),
      helper.make_node("DepthToSpace", ["x"], ["b"], blocksize=2, mode="CRD"),
      helper.make_node("SpaceToDepth", ["z"], ["c"], blocksize=3)],
     [("x", (2, 8, 3, 2)), ("z", (1, 2, 6, 3))], ["a", "b", "c"], {}, samples([(2, 8, 3, 2), (1, 2, 6, 3)], 2),
     lambda x, z: [d2s(x, 2, False), d2s(x, 2, True), s2d(z, 3)])

# 25. BatchNormalization with run-time parameters (scale and shift computed at run time).
save("batchnorm_runtime",
     [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], epsilon=1e-3, name="bn")],
     [("x", (2, 3, 4)), ("s", (3,)), ("b", (3,)), ("m", (3,)), ("v", (3,))], ["y"], {},
     [[rng.standard_normal((2, 3, 4)), rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(3),
       rng.uniform(0.5, 2.0, 3)] for _ in range(2)],
     lambda x, s, b, m, v: [bn(x, s, b, m, v, eps=1e-3)])

# 26. A pruned CNN exported by torch.onnx with PyTorch's own outputs (tests/run/torch_cnn,
#     made by its gen_torch_cnn.py): copied as it is.
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_cnn")
d = os.path.join(OUT, "torch_cnn")
os.makedirs(d, exist_ok=True)
for f in ("model.onnx", "in.f32", "expect.f32"):
    with open(os.path.join(src, f), "rb") as fi, open(os.path.join(d, f), "wb") as fo:
        fo.write(fi.read())
with open(os.path.join(d, "args"), "w") as fa:
    fa.write("\n")

# 27. Element-wise math, each op from the same inputs: x anywhere, p > 0.
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

# 28. Variadic and broadcasting ops: Max, Min, Sum, Mean over three shapes; Pow; PRelu; Clip.
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

# 29. Clip with attributes (opset 6) and PRelu's per-channel slope of that time.
chs = f32(rng.uniform(0, 0.5, 3))
save("clip_opset6",
     [helper.make_node("Clip", ["a"], ["cl"], min=-0.25, max=0.5),
      helper.make_node("PRelu", ["a", "chs"], ["pr"])],
     [("a", (2, 3, 4))], ["cl", "pr"], {"chs": chs}, samples([(2, 3, 4)], 2),
     lambda a: [np.clip(a, -0.25, 0.5), np.where(a < 0, chs.reshape(3, 1) * a, a)], opset=6)

# 30. Reductions: every kind, axes as attribute (opset 13) and as input (ReduceSum), keepdims both ways.
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


# 31. Data movement: Transpose, Slice (negative steps), Expand, Tile, Split, Concat of run-time tensors, Hardmax.
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


# 32. Recurrent layers against a numpy recurrence: bidirectional LSTM with peepholes, initial
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


# 33. LRN (even and odd window), MeanVarianceNormalization (default and custom axes), Mod (fmod=1).
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

# 34. Det of a batch of matrices, one of them singular.
save("det",
     [helper.make_node("Det", ["x"], ["d"]), helper.make_node("Det", ["s"], ["ds"])],
     [("x", (2, 3, 4, 4)), ("s", (3, 3))], ["d", "ds"], {},
     [[rng.standard_normal((2, 3, 4, 4)), np.array([[1, 2, 3], [2, 4, 6], [0, 1, 5]])] for _ in range(2)],
     lambda x, s: [np.linalg.det(x64(x)), np.linalg.det(x64(s))])

# 35. A wide sparse layer (2,000 inputs): unrolled code reads inputs through
#     windows x256, x512, ... set up per neuron (more than 6 windows), with a
#     neuron whose weights all lie past input 1,800 and one with a weight at the last input.
Ww, bw = sparse((12, 2000), 0.03), f32(rng.standard_normal(12) * 0.1)
Ww[3, :1800] = 0
Ww[4, 1999] = 0.75
Wn, bn_ = sparse((3, 12), 0.5), f32(rng.standard_normal(3) * 0.1)
save("wide_sparse",
     [helper.make_node("Gemm", ["x", "W", "b"], ["h"], transB=1, name="wide"),
      helper.make_node("Relu", ["h"], ["a"]),
      helper.make_node("Gemm", ["a", "Wn", "bn"], ["y"], transB=1, name="out")],
     [("x", (1, 2000))], ["y"], {"W": Ww, "b": bw, "Wn": Wn, "bn": bn_},
     samples([(1, 2000)], 4),
     lambda x: [relu(x @ Ww.T + bw) @ Wn.T + bn_])


# (new cases go last: each draws from rng, and the earlier cases keep their data)
# Resize-18: keep_aspect_ratio_policy (the case: not_larger of [1,1,3,4] on 4x4 is 3x3,
# the N and C axes count), axes listing the resized axes only
save("resize18_aspect",
     [helper.make_node("Resize", ["x", "", "", "sz"], ["a"], keep_aspect_ratio_policy="not_larger"),
      helper.make_node("Resize", ["x", "", "", "sz2"], ["b"], mode="linear", axes=[2, 3],
                       keep_aspect_ratio_policy="not_smaller"),
      helper.make_node("Resize", ["x", "", "s1"], ["c"], axes=[-1], coordinate_transformation_mode="asymmetric",
                       nearest_mode="floor"),
      helper.make_node("Resize", ["x", "", "s2"], ["d"], mode="linear",
                       coordinate_transformation_mode="half_pixel_symmetric"),
      helper.make_node("Resize", ["x", "", "s3"], ["e"], mode="linear",
                       coordinate_transformation_mode="half_pixel_symmetric")],
     [("x", (1, 1, 4, 4))], ["a", "b", "c", "d", "e"],
     {"sz": np.array([1, 1, 3, 4], dtype=np.int64), "sz2": np.array([3, 2], dtype=np.int64), "s1": f32([2.0]),
      "s2": f32([1, 1, 0.6, 0.6]), "s3": f32([1, 1, 2.3, 2.94])},
     samples([(1, 1, 4, 4)], 2),
     lambda x: [resize2d(x, 3, 3, 3 / 4, 3 / 4, "half_pixel", "round_prefer_floor"),
                resize2d(x, 3, 3, 3 / 4, 3 / 4, "half_pixel"),
                resize2d(x, 4, 8, 1, 2, "asymmetric", "floor"),
                resize2d(x, 2, 2, f32(0.6), f32(0.6), "half_pixel_symmetric"),
                resize2d(x, 9, 11, f32(2.3), f32(2.94), "half_pixel_symmetric")], opset=19)
# Pad-18: pads for the listed axes only
save("pad18_axes",
     [helper.make_node("Pad", ["x", "p", "", "ax"], ["y"], mode="edge")],
     [("x", (1, 2, 3))], ["y"], {"p": np.array([1, 2], dtype=np.int64), "ax": np.array([-1], dtype=np.int64)},
     samples([(1, 2, 3)], 2), lambda x: [np.pad(x, ((0, 0), (0, 0), (1, 2)), mode="edge")], opset=18)
# Dropout declaring its mask output, which nothing reads (AlexNet, VGG-19 of the model zoo)
save("dropout_mask_unused",
     [helper.make_node("Dropout", ["x"], ["d", "mask"], ratio=0.5), helper.make_node("Relu", ["d"], ["y"])],
     [("x", (1, 6))], ["y"], {}, samples([(1, 6)], 2), lambda x: [relu(x)], opset=13)
# 36. Pow by constant exponents (multiplications, a division, a square root
#     instead of tc_powf: issue 19) and by 2.5 and -2 (tc_powf still), and a
#     LayerNorm exported as primitives (PyTorch opset 14: Pow(d, 2)).
pw_c = {"c0": 0.0, "c1": 1.0, "cm1": -1.0, "c2": 2.0, "c3": 3.0, "c4": 4.0, "ch": 0.5, "c25": 2.5, "cm2": -2.0}
lng, lnb = f32(rng.standard_normal(16)), f32(rng.standard_normal(16))
save("pow_const",
     [helper.make_node("Pow", ["a", "c0"], ["p0"]), helper.make_node("Pow", ["a", "c1"], ["p1"]),
      helper.make_node("Pow", ["a", "cm1"], ["pm1"]), helper.make_node("Pow", ["a", "c2"], ["p2"]),
      helper.make_node("Pow", ["a", "c3"], ["p3"]), helper.make_node("Pow", ["a", "c4"], ["p4"]),
      helper.make_node("Abs", ["a"], ["aa"]), helper.make_node("Pow", ["aa", "ch"], ["ph"]),
      helper.make_node("Pow", ["aa", "c25"], ["p25"]), helper.make_node("Pow", ["a", "cm2"], ["pm2"]),
      helper.make_node("ReduceMean", ["a"], ["m"], axes=[-1], keepdims=1),
      helper.make_node("Sub", ["a", "m"], ["d"]), helper.make_node("Pow", ["d", "c2"], ["d2"]),
      helper.make_node("ReduceMean", ["d2"], ["v"], axes=[-1], keepdims=1),
      helper.make_node("Add", ["v", "eps"], ["ve"]), helper.make_node("Sqrt", ["ve"], ["s"]),
      helper.make_node("Div", ["d", "s"], ["n"]), helper.make_node("Mul", ["n", "lng"], ["ng"]),
      helper.make_node("Add", ["ng", "lnb"], ["ln"])],
     [("a", (3, 16))], ["p0", "p1", "pm1", "p2", "p3", "p4", "ph", "p25", "pm2", "ln"],
     dict({k: f32(v) for k, v in pw_c.items()}, eps=f32(1e-5), lng=lng, lnb=lnb),
     samples([(3, 16)], 3),
     lambda a: [x64(a) ** 0, x64(a), 1 / x64(a), x64(a) ** 2, x64(a) ** 3, x64(a) ** 4, np.abs(x64(a)) ** 0.5,
                np.abs(x64(a)) ** 2.5, x64(a) ** -2.0,
                (x64(a) - x64(a).mean(-1, keepdims=True)) / np.sqrt(((x64(a) - x64(a).mean(-1, keepdims=True)) ** 2).mean(-1, keepdims=True) + 1e-5) * lng + lnb])
# 37. SiLU, GELU (erf form) and LayerNorm as PyTorch exports them at opset 14,
#     rewritten to Swish, Gelu and LayerNormalization (compiler/fuse_elem.c),
#     beside near misses that must stay primitives: a Mul of the Sigmoid by
#     another tensor, a GELU divided by 1.5, a LayerNorm whose second mean is
#     over another axis; and Pow by -3, -4, -0.5 (multiplications of 1/v, a
#     square root).
def np_ln(v, g, b, eps=1e-5):
    v = x64(v)
    m = v.mean(-1, keepdims=True)
    return (v - m) / np.sqrt(((v - m) ** 2).mean(-1, keepdims=True) + eps) * g + b
ln_g, ln_b = f32(rng.standard_normal(8)), f32(rng.standard_normal(8))
s2 = f32(np.sqrt(2.0))
def ln_nodes(p, x, ax2):
    return [helper.make_node("ReduceMean", [x], [p + "m"], axes=[-1]), helper.make_node("Sub", [x, p + "m"], [p + "d"]),
            helper.make_node("Pow", [p + "d", "two"], [p + "d2"]), helper.make_node("ReduceMean", [p + "d2"], [p + "v"], axes=[ax2]),
            helper.make_node("Add", [p + "v", "eps"], [p + "ve"]), helper.make_node("Sqrt", [p + "ve"], [p + "s"]),
            helper.make_node("Div", [p + "d", p + "s"], [p + "n"]), helper.make_node("Mul", [p + "n", "lng"], [p + "ng"]),
            helper.make_node("Add", [p + "ng", "lnb"], [p + "y"])]
def gelu_nodes(p, x, c):
    return [helper.make_node("Div", [x, c], [p + "q"]), helper.make_node("Erf", [p + "q"], [p + "e"]),
            helper.make_node("Add", [p + "e", "one"], [p + "h"]), helper.make_node("Mul", [x, p + "h"], [p + "xh"]),
            helper.make_node("Mul", [p + "xh", "half"], [p + "y"])]
def np_gelu(v, c=math.sqrt(2)):
    return 0.5 * x64(v) * (1 + erf(x64(v) / c))
save("act_patterns",
     [helper.make_node("Sigmoid", ["x"], ["sg"]), helper.make_node("Mul", ["x", "sg"], ["silu"]),
      helper.make_node("Sigmoid", ["x"], ["sg2"]), helper.make_node("Mul", ["sg2", "w"], ["notsilu"])]
     + gelu_nodes("g", "x", "sq2") + gelu_nodes("h", "x", "c15")
     + ln_nodes("a", "x", -1) + ln_nodes("b", "x", 1)
     + [helper.make_node("Pow", ["x", "cm3"], ["pm3"]), helper.make_node("Pow", ["x", "cm4"], ["pm4"]),
        helper.make_node("Abs", ["x"], ["ax"]), helper.make_node("Pow", ["ax", "cmh"], ["pmh"])],
     [("x", (2, 3, 8)), ("w", (2, 3, 8))], ["silu", "notsilu", "gy", "hy", "ay", "by", "pm3", "pm4", "pmh"],
     {"sq2": s2, "c15": f32(1.5), "one": f32(1.0), "half": f32(0.5), "two": f32(2.0), "eps": f32(1e-5),
      "lng": ln_g, "lnb": ln_b, "cm3": f32(-3.0), "cm4": f32(-4.0), "cmh": f32(-0.5)},
     [[rng.standard_normal((2, 3, 8)) * 3, rng.standard_normal((2, 3, 8))] for _ in range(3)],
     lambda x, w: [x64(x) * sigmoid(x), sigmoid(x) * w, np_gelu(x), np_gelu(x, 1.5), np_ln(x, ln_g, ln_b),
                   (x64(x) - x64(x).mean(-1, keepdims=True)) / np.sqrt(((x64(x) - x64(x).mean(-1, keepdims=True)) ** 2).mean(1, keepdims=True) + 1e-5) * ln_g + ln_b,
                   x64(x) ** -3.0, x64(x) ** -4.0, np.abs(x64(x)) ** -0.5], opset=14)
# Swish (an opset-24 op, read at any opset), alpha 1 and 1.7; Gelu-20 erf and tanh forms
save("swish_gelu_ops",
     [helper.make_node("Swish", ["x"], ["s1"]), helper.make_node("Swish", ["x"], ["s2"], alpha=1.7),
      helper.make_node("Gelu", ["x"], ["g1"]), helper.make_node("Gelu", ["x"], ["g2"], approximate="tanh")],
     [("x", (4, 64))], ["s1", "s2", "g1", "g2"], {},
     [[rng.uniform(-12, 12, (4, 64))] for _ in range(3)],
     lambda x: [x64(x) * sigmoid(x), x64(x) * sigmoid(1.7 * x64(x)), np_gelu(x),
                0.5 * x64(x) * (1 + np.tanh(math.sqrt(2 / math.pi) * (x64(x) + 0.044715 * x64(x) ** 3)))], opset=21)
# Dense Conv + ReLU with inputs that are 0 in runs (zero-input skipping, issue 19 item 3):
# 8 -> 16 channels 3x3 (pads 1, dilation (2, 1)), and 8 -> 16 in 2 groups 3x3 stride (1, 2);
# the samples' zeros come in blocks of rows and columns, one sample all 0, one with none.
Wz1, bz1 = sparse((16, 8, 3, 3), 0.8), f32(rng.standard_normal(16) * 0.1)
Wz2, bz2 = sparse((16, 4, 3, 3), 0.8), f32(rng.standard_normal(16) * 0.1)
def zero_blocks(shape, keep):
    a = rng.standard_normal(shape)
    for c in range(shape[1]):
        r0, c0 = rng.integers(0, shape[2]), rng.integers(0, shape[3])
        a[:, c, r0:r0 + rng.integers(1, 12), :] = 0
        a[:, c, :, c0:c0 + rng.integers(1, 20)] = 0
    return a * keep
save("conv_zero_skip",
     [helper.make_node("Conv", ["x", "W1", "b1"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], dilations=[2, 1], name="conv1"),
      helper.make_node("Relu", ["c1"], ["y1"]),
      helper.make_node("Conv", ["x", "W2", "b2"], ["c2"], kernel_shape=[3, 3], strides=[1, 2], group=2, name="conv2"),
      helper.make_node("Relu", ["c2"], ["y2"])],
     [("x", (1, 8, 14, 60))], ["y1", "y2"], {"W1": Wz1, "b1": bz1, "W2": Wz2, "b2": bz2},
     [[zero_blocks((1, 8, 14, 60), 1.0)], [zero_blocks((1, 8, 14, 60), 1.0)], [np.zeros((1, 8, 14, 60))],
      [rng.standard_normal((1, 8, 14, 60)) + 5.0]],
     lambda x: [relu(conv2d(x, Wz1, bz1, p=(1, 1, 1, 1), d=(2, 1))), relu(conv2d(x, Wz2, bz2, (1, 2), g=2))])
# issue 18's cases (folded bool and integer chains, opsets 18-23): tests/run/gen_ops18.py, with a
# generator of its own
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_ops18.py")).read())
# opset 23's Attention and RotaryEmbedding: tests/run/gen_attn.py, with a generator of its own
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_attn.py")).read())
# Conv, ConvTranspose, MaxPool and AveragePool on 5-D inputs: tests/run/gen_3d.py
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_3d.py")).read())
# GridSample, DFT, MaxPool's Indices, MaxUnpool and RoiAlign: tests/run/gen_img.py
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_img.py")).read())

# MaxPool's interior loop (emit_conv.c, emit_maxpool_interior) beside its checked border:
# kernels 2, 3, 5, 2x3, strides 1, 2, 3, symmetric and asymmetric pads, ceil_mode,
# dilations, odd sizes, batch 2, 1-D; and one without an interior (the checked loop only).
# Its own generator: the models above keep their values.
rq = np.random.default_rng(1921)
MP = [("mp_k3s2p1", (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 0),
      ("mp_k2s2", (2, 2), (2, 2), (0, 0, 0, 0), (1, 1), 0),
      ("mp_k3s1p1", (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 0),
      ("mp_k3s3asym", (3, 3), (3, 3), (0, 2, 1, 0), (1, 1), 0),
      ("mp_k23ceil", (2, 3), (2, 1), (1, 0, 0, 1), (1, 1), 1),
      ("mp_k3d2", (3, 3), (2, 2), (2, 2, 2, 2), (2, 2), 0),
      ("mp_k32s13", (3, 2), (1, 3), (0, 1, 2, 0), (1, 1), 1),
      ("mp_k5s2ceil", (5, 5), (2, 2), (2, 2, 2, 2), (1, 1), 1)]
save("maxpool_interior",
     [helper.make_node("MaxPool", ["x"], [nm], kernel_shape=list(k), strides=list(s), pads=list(p),
                       dilations=list(d), ceil_mode=c, name=nm) for nm, k, s, p, d, c in MP] +
     [helper.make_node("MaxPool", ["x1"], ["mp_1d"], kernel_shape=[3], strides=[2], pads=[1, 2], name="mp_1d"),
      helper.make_node("MaxPool", ["x2"], ["mp_none"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], name="mp_none")],
     [("x", (2, 5, 13, 11)), ("x1", (2, 3, 17)), ("x2", (2, 2, 2, 2))], [m[0] for m in MP] + ["mp_1d", "mp_none"], {},
     [[f32(rq.standard_normal((2, 5, 13, 11))), f32(rq.standard_normal((2, 3, 17))), f32(rq.standard_normal((2, 2, 2, 2)))]
      for _ in range(2)],
     lambda x, x1, x2: [pool2d(x, k, s, p, d, ceil=bool(c)) for _, k, s, p, d, c in MP] +
                       [pool2d(x1[:, :, None, :], (1, 3), (1, 2), (0, 1, 0, 2))[:, :, 0, :],
                        pool2d(x2, (3, 3), (1, 1), (1, 1, 1, 1))])

# The dense Conv kernel's blocks of positions (emit_conv_dense.c, block_positions): rows of
# 7 columns (one block of 7), 28 (3 blocks of 10, the last moved back), 11 interior of 13
# (padded, a block of 11 and the borders one at a time), 11 interior of 15 of a 7x7/s2
# stem over 3 channels; with and without a fused ReLU (which turns on the zero-input skip). Kept
# 80%: dense by density. Batch 2. Its own generator.
rd = np.random.default_rng(1922)


def dsparse(shape, density):
    w = f32(rd.standard_normal(shape) * 0.3)
    w[rd.random(shape) >= density] = 0.0
    return w


Wd1, Wd2, Wd3, bd3, Wd4, bd4 = (dsparse((40, 40, 1, 1), 0.8), dsparse((36, 40, 1, 1), 0.8), dsparse((20, 24, 3, 3), 0.8),
                                f32(rd.standard_normal(20) * 0.1), dsparse((24, 3, 7, 7), 0.8), f32(rd.standard_normal(24) * 0.1))
save("conv_dense_cols",
     [helper.make_node("Conv", ["x", "W1"], ["y1"], strides=[2, 2], name="s2_w7"),
      helper.make_node("Conv", ["z", "W2"], ["c2"], strides=[2, 2], name="s2_w28"),
      helper.make_node("Relu", ["c2"], ["y2"]),
      helper.make_node("Conv", ["u", "W3", "b3"], ["c3"], pads=[1, 1, 1, 1], name="p1_w13"),
      helper.make_node("Relu", ["c3"], ["y3"]),
      helper.make_node("Conv", ["v", "W4", "b4"], ["y4"], strides=[2, 2], pads=[3, 3, 3, 3], name="stem_w15")],
     [("x", (2, 40, 14, 13)), ("z", (2, 40, 56, 55)), ("u", (2, 24, 9, 13)), ("v", (2, 3, 32, 29))], ["y1", "y2", "y3", "y4"],
     {"W1": Wd1, "W2": Wd2, "W3": Wd3, "b3": bd3, "W4": Wd4, "b4": bd4},
     [[f32(np.maximum(rd.standard_normal((2, 40, 14, 13)), 0)), f32(np.maximum(rd.standard_normal((2, 40, 56, 55)), 0)),
       f32(rd.standard_normal((2, 24, 9, 13))), f32(rd.standard_normal((2, 3, 32, 29)))] for _ in range(2)],
     lambda x, z, u, v: [conv2d(x, Wd1, None, (2, 2)), relu(conv2d(z, Wd2, None, (2, 2))),
                         relu(conv2d(u, Wd3, bd3, p=(1, 1, 1, 1))), conv2d(v, Wd4, bd4, (2, 2), (3, 3, 3, 3))])
