#!/usr/bin/env python3
"""Quantized ONNX models for tests/qdq/run.sh, written with onnx.helper (fixed seeds),
and the expected values computed with numpy from the ONNX specification:
  QuantizeLinear    y = saturate(round_half_even(x / s) + zp)   (float32 division)
  DequantizeLinear  y = (x - zp) * s                            (float32)
  QLinearMatMul/QLinearConv/QDQ layers: the real value acc * s_x * s_w / s_y
  (acc the exact integer sum) rounded half to even, plus zp, saturated.
  gen_qdq_models.py OUTDIR
Per model NAME: NAME.onnx, NAME.in.f32 (float32 samples as --main reads them),
NAME.want.npy (the expected integer outputs, per sample), NAME.real.npy (the
real value before the last rounding: where it lies next to a tie the integer
path may round the other way, see run.sh), NAME.meta (scale zp of the output), NAME.band.npy (per output: how close to a
half-integer the real value must lie for the integer path to round it the other way:
TFLite's requantising rounds twice, first to 2^-r of a unit when the multiplier is
below 1/2, r = -shift, so the band is 2^-(r+1), plus 1e-6 relative for the 31-bit
multiplier), NAME.excl.npy (per sample: a hidden layer's real value lay in its band,
so the sample's later layers may see another integer: compared, but counted apart).
"""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto as TP

out = sys.argv[1]
rng = np.random.default_rng(1606)
F32 = np.float32


def save(name, nodes, inits, ins, outs, opset=13):
    g = helper.make_graph(nodes, name, ins, outs, [numpy_helper.from_array(v, k) for k, v in inits.items()])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(m)
    onnx.save(m, f"{out}/{name}.onnx")


def q(x, s, zp, lo, hi):
    """QuantizeLinear: float32 division, round half to even, saturate"""
    return np.clip(np.rint((x.astype(F32) / F32(s)).astype(F32)) + zp, lo, hi).astype(np.int64)


def dq(x, s, zp):
    return ((x.astype(np.int64) - zp).astype(F32) * F32(s)).astype(F32)


def rq(real, zp, lo, hi):
    return np.clip(np.rint(real) + zp, lo, hi).astype(np.int64)


def vi(name, t, shape):
    return helper.make_tensor_value_info(name, t, shape)


def sparse_int8(shape, keep, lo=-127, hi=127):
    w = rng.integers(lo, hi + 1, size=shape)
    w[rng.random(shape) > keep] = 0
    return w.astype(np.int8)


def band(m):
    """half the width of TFLite's first rounding, in output units, for multiplier m"""
    e = np.frexp(np.asarray(m, np.float64))[1]
    return np.where(e < 0, np.ldexp(1.0, np.minimum(e, 0) - 1), 0.0)


def in_band(real, m):
    r = np.asarray(real, np.float64)
    return np.abs(np.abs(r - np.floor(r)) - 0.5) <= band(m) + 1e-6 * np.maximum(1, np.abs(r))


def finish(name, xin, want, real, scale, zp, mult, excl=None):
    np.save(f"{out}/{name}.band.npy", np.broadcast_to(band(mult), real.shape) + 1e-6 * np.maximum(1, np.abs(real)))
    np.save(f"{out}/{name}.excl.npy", np.zeros(real.shape[0], bool) if excl is None else excl)
    xin.astype("<f4").tofile(f"{out}/{name}.in.f32")
    np.save(f"{out}/{name}.want.npy", want)
    np.save(f"{out}/{name}.real.npy", real)
    with open(f"{out}/{name}.meta", "w") as f:
        f.write(f"{float(scale)!r} {int(zp)}\n")


def conv2d(x, w, stride=1, pad=0):
    """x [C,H,W] int64, w [M,C,kh,kw] int64 -> [M,OH,OW] exact sums"""
    C, H, W = x.shape
    M, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    OH, OW = (H + 2 * pad - kh) // stride + 1, (W + 2 * pad - kw) // stride + 1
    y = np.zeros((M, OH, OW), np.int64)
    for oy in range(OH):
        for ox in range(OW):
            win = xp[:, oy * stride:oy * stride + kh, ox * stride:ox * stride + kw]
            y[:, oy, ox] = (w * win[None]).reshape(M, -1).sum(1)
    return y


S = 32  # samples per model

# ---- 1. QLinearMatMul: uint8 activations in, uint8 out; uint8 weights (zero point 128), per tensor ----
K, N = 24, 10
xs, xzp, ws, wzp, ys, yzp = F32(0.05), 131, F32(0.02), 128, F32(0.11), 120
W = (sparse_int8((K, N), 0.5).astype(np.int64) + wzp).astype(np.uint8)
save("qlmm", [helper.make_node("QLinearMatMul", ["x", "xs", "xzp", "w", "ws", "wzp", "ys", "yzp"], ["y"], name="qmm")],
     {"xs": np.array(xs), "xzp": np.array(xzp, np.uint8), "w": W, "ws": np.array(ws), "wzp": np.array(wzp, np.uint8),
      "ys": np.array(ys), "yzp": np.array(yzp, np.uint8)},
     [vi("x", TP.UINT8, [1, K])], [vi("y", TP.UINT8, [1, N])])
xq = rng.integers(0, 256, size=(S, 1, K))
acc = np.einsum("sik,kn->sin", xq - xzp, W.astype(np.int64) - wzp)
real = acc.astype(np.float64) * (float(xs) * float(ws) / float(ys))
finish("qlmm", dq(xq, xs, xzp), rq(real, yzp, 0, 255), real, ys, yzp, float(xs) * float(ws) / float(ys))

# ---- 2. QLinearConv: int8 in/out, int8 weights per output channel, int32 bias, pad 1 ----
C, H, M = 2, 7, 4
xs, xzp, ys, yzp = F32(0.04), -3, F32(0.09), 5
wsc = (rng.random(M) * 0.03 + 0.005).astype(F32)
W = sparse_int8((M, C, 3, 3), 0.6)
B = rng.integers(-300, 300, size=M).astype(np.int32)
save("qlconv", [helper.make_node("QLinearConv", ["x", "xs", "xzp", "w", "ws", "wzp", "ys", "yzp", "b"], ["y"],
                                 name="qconv", pads=[1, 1, 1, 1], kernel_shape=[3, 3])],
     {"xs": np.array(xs), "xzp": np.array(xzp, np.int8), "w": W, "ws": wsc, "wzp": np.zeros(M, np.int8),
      "ys": np.array(ys), "yzp": np.array(yzp, np.int8), "b": B},
     [vi("x", TP.INT8, [1, C, H, H])], [vi("y", TP.INT8, [1, M, H, H])])
xq = rng.integers(-128, 128, size=(S, 1, C, H, H))
real = np.stack([(conv2d(xq[s, 0] - xzp, W.astype(np.int64), 1, 1) + B[:, None, None]).astype(np.float64)
                 * (float(xs) * wsc.astype(np.float64)[:, None, None] / float(ys)) for s in range(S)])[:, None]
# the specification multiplies by the float32 scales: x_scale * w_scale in float32 first
finish("qlconv", dq(xq, xs, xzp), rq(real, yzp, -128, 127), real, ys, yzp,
       (float(xs) * wsc.astype(np.float64) / float(ys))[None, None, :, None, None])

# ---- 3. QDQ MLP: float in, float out; uint8 activations, int8 weights (per column / per tensor), int32 bias ----
K1, N1, N2 = 16, 12, 6
s0, z0 = F32(0.03), 128          # input, uint8
s1, z1 = F32(0.05), 0            # hidden after ReLU, uint8
s2, z2 = F32(0.08), -10          # output, int8
w1s = (rng.random(N1) * 0.02 + 0.01).astype(F32)
W1 = sparse_int8((K1, N1), 0.4)   # MatMul B [K, N], per column: axis 1
b1s = (s0 * w1s).astype(F32)
B1 = rng.integers(-2000, 2000, size=N1).astype(np.int32)
w2s = F32(0.015)
W2 = sparse_int8((N2, N1), 0.5)   # Gemm transB: [N, K], per tensor
nodes = [
    helper.make_node("QuantizeLinear", ["x", "s0", "z0"], ["xq"], name="q_in"),
    helper.make_node("DequantizeLinear", ["xq", "s0", "z0"], ["xd"], name="dq_in"),
    helper.make_node("DequantizeLinear", ["w1q", "w1s", "w1z"], ["w1"], name="dq_w1", axis=1),
    helper.make_node("DequantizeLinear", ["b1q", "b1s"], ["b1"], name="dq_b1", axis=0),
    helper.make_node("Gemm", ["xd", "w1", "b1"], ["h"], name="fc1"),
    helper.make_node("Relu", ["h"], ["hr"], name="relu1"),
    helper.make_node("QuantizeLinear", ["hr", "s1", "z1"], ["hq"], name="q_h"),
    helper.make_node("DequantizeLinear", ["hq", "s1", "z1"], ["hd"], name="dq_h"),
    helper.make_node("DequantizeLinear", ["w2q", "w2s"], ["w2"], name="dq_w2"),
    helper.make_node("Gemm", ["hd", "w2"], ["o"], name="fc2", transB=1),
    helper.make_node("QuantizeLinear", ["o", "s2", "z2"], ["oq"], name="q_out"),
    helper.make_node("DequantizeLinear", ["oq", "s2", "z2"], ["y"], name="dq_out"),
]
save("qdq_mlp", nodes, {"s0": np.array(s0), "z0": np.array(z0, np.uint8), "w1q": W1, "w1s": w1s,
                        "w1z": np.zeros(N1, np.int8), "b1q": B1, "b1s": b1s, "s1": np.array(s1),
                        "z1": np.array(z1, np.uint8), "w2q": W2, "w2s": np.array(w2s), "s2": np.array(s2),
                        "z2": np.array(z2, np.int8)},
     [vi("x", TP.FLOAT, [1, K1])], [vi("y", TP.FLOAT, [1, N2])])
x0 = rng.integers(0, 256, size=(S, 1, K1))    # on the input grid: quantising it is exact
a1 = np.einsum("sik,kn->sin", x0 - z0, W1.astype(np.int64)) + B1
r1 = a1 * (float(s0) * w1s.astype(np.float64) / float(s1))
h1 = rq(np.maximum(r1, 0), z1, 0, 255)
a2 = np.einsum("sik,nk->sin", h1 - z1, W2.astype(np.int64))
real = a2 * (float(s1) * float(w2s) / float(s2))
m1 = float(s0) * w1s.astype(np.float64) / float(s1)
finish("qdq_mlp", dq(x0, s0, z0), rq(real, z2, -128, 127), real, s2, z2, float(s1) * float(w2s) / float(s2),
       in_band(r1, m1).reshape(S, -1).any(1))

# ---- 4. QDQ CNN: Conv (per channel, float bias) + Relu, MaxPool between Q/DQ of one scale, Flatten, Gemm ----
C, H, M = 1, 8, 3
s0, z0 = F32(0.02), 0            # int8 input
s1, z1 = F32(0.5), -128           # a small conv multiplier: TFLite's first rounding is fine
s2, z2 = F32(0.1), 3
wcs = (rng.random(M) * 0.02 + 0.01).astype(F32)
WC = sparse_int8((M, C, 3, 3), 0.7)
BC = (rng.standard_normal(M) * 0.1).astype(F32)   # a float bias: ticketc rounds it at s0 * w_scale
WF = sparse_int8((5, M * 3 * 3), 0.5)
wfs = F32(0.01)
nodes = [
    helper.make_node("QuantizeLinear", ["x", "s0", "z0"], ["xq"], name="q_in"),
    helper.make_node("DequantizeLinear", ["xq", "s0", "z0"], ["xd"], name="dq_in"),
    helper.make_node("DequantizeLinear", ["wcq", "wcs", "wcz"], ["wc"], name="dq_wc", axis=0),
    helper.make_node("Conv", ["xd", "wc", "bc"], ["c"], name="conv1", kernel_shape=[3, 3]),
    helper.make_node("Relu", ["c"], ["cr"], name="relu1"),
    helper.make_node("QuantizeLinear", ["cr", "s1", "z1"], ["cq"], name="q_c"),
    helper.make_node("DequantizeLinear", ["cq", "s1", "z1"], ["cd"], name="dq_c"),
    helper.make_node("MaxPool", ["cd"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("QuantizeLinear", ["p", "s1", "z1"], ["pq"], name="q_p"),
    helper.make_node("DequantizeLinear", ["pq", "s1", "z1"], ["pd"], name="dq_p"),
    helper.make_node("Flatten", ["pd"], ["f"], name="flat"),
    helper.make_node("DequantizeLinear", ["wfq", "wfs"], ["wf"], name="dq_wf"),
    helper.make_node("Gemm", ["f", "wf"], ["o"], name="fc", transB=1),
    helper.make_node("QuantizeLinear", ["o", "s2", "z2"], ["oq"], name="q_out"),
    helper.make_node("DequantizeLinear", ["oq", "s2", "z2"], ["y"], name="dq_out"),
]
save("qdq_cnn", nodes, {"s0": np.array(s0), "z0": np.array(z0, np.int8), "wcq": WC, "wcs": wcs,
                        "wcz": np.zeros(M, np.int8), "bc": BC, "s1": np.array(s1), "z1": np.array(z1, np.int8),
                        "wfq": WF, "wfs": np.array(wfs), "s2": np.array(s2), "z2": np.array(z2, np.int8)},
     [vi("x", TP.FLOAT, [1, C, H, H])], [vi("y", TP.FLOAT, [1, 5])])
x0 = rng.integers(-128, 128, size=(S, 1, C, H, H))
reals, excl = [], []
for s in range(S):
    bq = np.rint(BC.astype(np.float64) / (float(s0) * wcs.astype(np.float64)))
    a1 = conv2d(x0[s, 0] - z0, WC.astype(np.int64)) + bq[:, None, None]
    m1 = float(s0) * wcs.astype(np.float64)[:, None, None] / float(s1)
    r1 = a1 * m1
    excl.append(in_band(r1, m1).any())
    c1 = rq(np.maximum(r1, 0), z1, -128, 127)      # [M, 6, 6]
    p1 = c1.reshape(M, 3, 2, 3, 2).max(axis=(2, 4))
    a2 = WF.astype(np.int64) @ (p1.reshape(-1) - z1)
    reals.append(a2 * (float(s1) * float(wfs) / float(s2)))
real = np.array(reals)[:, None]
finish("qdq_cnn", dq(x0, s0, z0), rq(real, z2, -128, 127), real, s2, z2, float(s1) * float(wfs) / float(s2),
       np.array(excl))

# ---- 5. Ops with no integer form between DequantizeLinear and QuantizeLinear: tables ----
# x -> Q -> DQ -> MatMul -> Q1 -> DQ1 -> Tanh -> Q2 -> DQ2 -> Relu -> Q3 (another scale) -> DQ3 -> y
K, N = 10, 8
s0, z0 = F32(0.04), 100          # uint8
s1, z1 = F32(0.06), 0            # int8
s2, z2 = F32(1 / 128), 0         # int8: tanh in [-1, 1]
s3, z3 = F32(0.005), -128        # int8 after Relu: a scale other than its input's
ws = F32(0.02)
W = sparse_int8((K, N), 0.6)
nodes = [
    helper.make_node("QuantizeLinear", ["x", "s0", "z0"], ["xq"], name="q_in"),
    helper.make_node("DequantizeLinear", ["xq", "s0", "z0"], ["xd"], name="dq_in"),
    helper.make_node("DequantizeLinear", ["wq", "ws"], ["w"], name="dq_w"),
    helper.make_node("MatMul", ["xd", "w"], ["h"], name="mm"),
    helper.make_node("QuantizeLinear", ["h", "s1", "z1"], ["hq"], name="q1"),
    helper.make_node("DequantizeLinear", ["hq", "s1", "z1"], ["hd"], name="dq1"),
    helper.make_node("Tanh", ["hd"], ["t"], name="tanh"),
    helper.make_node("QuantizeLinear", ["t", "s2", "z2"], ["tq"], name="q2"),
    helper.make_node("DequantizeLinear", ["tq", "s2", "z2"], ["td"], name="dq2"),
    helper.make_node("Relu", ["td"], ["r"], name="relu"),
    helper.make_node("QuantizeLinear", ["r", "s3", "z3"], ["rq"], name="q3"),
    helper.make_node("DequantizeLinear", ["rq", "s3", "z3"], ["y"], name="dq3"),
]
save("qdq_table", nodes, {"s0": np.array(s0), "z0": np.array(z0, np.uint8), "wq": W, "ws": np.array(ws),
                          "s1": np.array(s1), "z1": np.array(z1, np.int8), "s2": np.array(s2),
                          "z2": np.array(z2, np.int8), "s3": np.array(s3), "z3": np.array(z3, np.int8)},
     [vi("x", TP.FLOAT, [1, K])], [vi("y", TP.FLOAT, [1, N])])
x0 = rng.integers(0, 256, size=(S, 1, K))
m1 = float(s0) * float(ws) / float(s1)
r1 = np.einsum("sik,kn->sin", x0 - z0, W.astype(np.int64)) * m1
h = rq(r1, z1, -128, 127)
tv = np.tanh(dq(h, s1, z1)).astype(F32)                # Tanh in float32
t2 = (tv / s2).astype(F32)
tq = q(tv, s2, z2, -128, 127)
real = (np.maximum(dq(tq, s2, z2), F32(0)) / s3).astype(F32).astype(np.float64)
# hidden values in a band: the MatMul's (TFLite's rounding), and tanh's quotient next to a tie (float32
# tanh here, double then float in ticketc's interpreter: an ulp apart)
excl = (in_band(r1, m1) | (np.abs(np.abs(t2 - np.floor(t2)) - 0.5) < 1e-4)).reshape(S, -1).any(1)
finish("qdq_table", dq(x0, s0, z0), rq(real, z3, -128, 127), real, s3, z3, 1e-9, excl)
