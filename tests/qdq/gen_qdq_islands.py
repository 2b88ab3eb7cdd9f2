#!/usr/bin/env python3
"""Quantized ONNX models with float islands (issue 16 item 1: a part of the graph that
matches no integer pattern, computed in float between a DequantizeLinear and a
QuantizeLinear), written with onnx.helper (fixed seeds), and their values computed
by numpy from the ONNX specification:
  QuantizeLinear    y = saturate(round_half_even(x / s) + zp)   (float32 division)
  DequantizeLinear  y = (x - zp) * s                            (float32)
  integer layers    the real value acc * s_x * s_w / s_y rounded half to even
  gen_qdq_islands.py OUTDIR
Per model NAME: NAME.onnx, NAME.in.f32, NAME.spec.f32 (numpy's float outputs, all
outputs of a sample in order), NAME.grid (per output: scale, or 0 for a float output).
  isl_add      residual: h1 = layer(h0); Add(DQ(h0), DQ(h1)) -> Q; a second output
               Sigmoid(Mul(DQ(h0), DQ(h1))) -> Q (a two-node island)
  isl_softmax  a layer, then Softmax in float: quantised (uint8, scale 1/256) and, as a
               second output, kept float (a float graph output)
  isl_cnn      Conv -> AveragePool (float) -> Q; MaxPool (integer); Concat of the two
               (float) -> Q; Flatten; Gemm
  isl_misc     a long island: a grouped Conv -> Q; Split (two float outputs) -> Sub ->
               Transpose -> Softmax -> Mul -> Q; an Add of the Mul's float output and its
               dequantised integers; GlobalAveragePool -> Reshape, a float output
               (no numpy values: run.sh compares it with --interpret)
"""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto as TP

out = sys.argv[1]
rng = np.random.default_rng(1616)
F32 = np.float32
S = 40


def save(name, nodes, inits, ins, outs, opset=13):
    g = helper.make_graph(nodes, name, ins, outs, [numpy_helper.from_array(v, k) for k, v in inits.items()])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(m)
    onnx.save(m, f"{out}/{name}.onnx")


def q(x, s, zp, lo, hi):
    return np.clip(np.rint((x.astype(F32) / F32(s)).astype(F32)) + zp, lo, hi).astype(np.int64)


def dq(x, s, zp):
    return ((x.astype(np.int64) - zp).astype(F32) * F32(s)).astype(F32)


def vi(name, t, shape):
    return helper.make_tensor_value_info(name, t, shape)


def sparse_int8(shape, keep):
    w = rng.integers(-127, 128, size=shape)
    w[rng.random(shape) > keep] = 0
    return w.astype(np.int8)


def QDQ(x, s, z, tag):
    return [helper.make_node("QuantizeLinear", [x, s, z], [x + "_q"], name="q_" + tag),
            helper.make_node("DequantizeLinear", [x + "_q", s, z], [x + "_d"], name="dq_" + tag)]


def layer(xq, xs, xzp, W, ws, ys, yzp, lo, hi):
    """x q-ints [S, K] @ W [K, N] (ints, per tensor scale ws): the spec's output integers"""
    acc = (xq - xzp) @ W.astype(np.int64)
    real = acc.astype(np.float64) * float(F32(F32(xs) * F32(ws))) / float(ys)
    return np.clip(np.rint(real) + yzp, lo, hi).astype(np.int64)


def finish(name, xin, outs, grids):
    xin.astype("<f4").tofile(f"{out}/{name}.in.f32")
    np.concatenate([o.reshape(S, -1).astype(F32) for o in outs], axis=1).astype("<f4").tofile(f"{out}/{name}.spec.f32")
    with open(f"{out}/{name}.grid", "w") as f:
        for o, gsc in zip(outs, grids):
            f.write(f"{o.reshape(S, -1).shape[1]} {float(gsc)!r}\n")


# ---- isl_add ----
K, N = 12, 12
s0, z0 = F32(0.04), 128      # x, uint8
s1, z1 = F32(0.06), 120      # h1, uint8
s2, z2 = F32(0.07), 0        # a = h0 + h1, int8
s3, z3 = F32(0.1), 3         # y, int8
s4, z4 = F32(1 / 256), 0     # z = sigmoid(h0 * h1), uint8
W1, W2 = sparse_int8((K, N), 0.5), sparse_int8((N, 6), 0.5)
w1s, w2s = F32(0.01), F32(0.012)
nodes = QDQ("x", "s0", "z0", "in") + [
    helper.make_node("DequantizeLinear", ["w1q", "w1s"], ["w1"], name="dq_w1"),
    helper.make_node("MatMul", ["x_d", "w1"], ["h1"], name="fc1")] + QDQ("h1", "s1", "z1", "h1") + [
    helper.make_node("Add", ["x_d", "h1_d"], ["a"], name="residual")] + QDQ("a", "s2", "z2", "a") + [
    helper.make_node("DequantizeLinear", ["w2q", "w2s"], ["w2"], name="dq_w2"),
    helper.make_node("MatMul", ["a_d", "w2"], ["y0"], name="fc2")] + QDQ("y0", "s3", "z3", "y") + [
    helper.make_node("Mul", ["x_d", "h1_d"], ["p"], name="gate_mul"),
    helper.make_node("Sigmoid", ["p"], ["g"], name="gate_sigmoid")] + QDQ("g", "s4", "z4", "g")
for n in nodes:
    if n.name in ("dq_y", "dq_g"):
        n.output[0] = "y" if n.name == "dq_y" else "z"
save("isl_add", nodes,
     {"s0": np.array(s0), "z0": np.array(z0, np.uint8), "s1": np.array(s1), "z1": np.array(z1, np.uint8),
      "s2": np.array(s2), "z2": np.array(z2, np.int8), "s3": np.array(s3), "z3": np.array(z3, np.int8),
      "s4": np.array(s4), "z4": np.array(z4, np.uint8), "w1q": W1, "w1s": np.array(w1s), "w2q": W2,
      "w2s": np.array(w2s)},
     [vi("x", TP.FLOAT, [1, K])], [vi("y", TP.FLOAT, [1, 6]), vi("z", TP.FLOAT, [1, K])])
xq = rng.integers(0, 256, size=(S, K))
x = dq(xq, s0, z0)
h1q = layer(xq, s0, z0, W1, w1s, s1, z1, 0, 255)
h0d, h1d = dq(xq, s0, z0), dq(h1q, s1, z1)
aq = q((h0d + h1d).astype(F32), s2, z2, -128, 127)
yq = layer(aq, s2, z2, W2, w2s, s3, z3, -128, 127)
gq = q((1 / (1 + np.exp(-(h0d * h1d).astype(np.float64)))).astype(F32), s4, z4, 0, 255)
finish("isl_add", x, [dq(yq, s3, z3), dq(gq, s4, z4)], [s3, s4])

# ---- isl_softmax ----
K, N = 10, 8
s0, z0 = F32(0.05), -20      # x, int8
s1, z1 = F32(0.09), 4        # logits, int8
s2, z2 = F32(1 / 256), 0     # probabilities, uint8
W = sparse_int8((K, N), 0.6)
ws = F32(0.02)
nodes = QDQ("x", "s0", "z0", "in") + [
    helper.make_node("DequantizeLinear", ["wq", "ws"], ["w"], name="dq_w"),
    helper.make_node("MatMul", ["x_d", "w"], ["l"], name="fc")] + QDQ("l", "s1", "z1", "l") + [
    helper.make_node("Softmax", ["l_d"], ["p"], name="softmax", axis=-1)] + QDQ("p", "s2", "z2", "p") + [
    helper.make_node("Softmax", ["l_d"], ["pf"], name="softmax_float", axis=-1)]
for n in nodes:
    if n.name == "dq_p":
        n.output[0] = "y"
save("isl_softmax", nodes,
     {"s0": np.array(s0), "z0": np.array(z0, np.int8), "s1": np.array(s1), "z1": np.array(z1, np.int8),
      "s2": np.array(s2), "z2": np.array(z2, np.uint8), "wq": W, "ws": np.array(ws)},
     [vi("x", TP.FLOAT, [1, K])], [vi("y", TP.FLOAT, [1, N]), vi("pf", TP.FLOAT, [1, N])])
xq = rng.integers(-128, 128, size=(S, K))
lq = layer(xq, s0, z0, W, ws, s1, z1, -128, 127)
ld = dq(lq, s1, z1).astype(np.float64)
e = np.exp(ld - ld.max(1, keepdims=True))
pf = (e / e.sum(1, keepdims=True)).astype(F32)
finish("isl_softmax", dq(xq, s0, z0), [dq(q(pf, s2, z2, 0, 255), s2, z2), pf], [s2, 0])

# ---- isl_cnn ----
C, H, M = 1, 8, 3
s0, z0 = F32(0.03), -128     # x, int8
s1, z1 = F32(0.05), -128     # conv + relu, int8
s2, z2 = F32(0.04), -128     # average pool, int8
s3, z3 = F32(0.05), -128     # concat, int8
s4, z4 = F32(0.08), 7        # y, int8
WC = sparse_int8((M, C, 3, 3), 0.7)
wcs = (rng.random(M) * 0.02 + 0.01).astype(F32)
WG = sparse_int8((5, 2 * M * 4 * 4), 0.3)
wgs = F32(0.01)
nodes = QDQ("x", "s0", "z0", "in") + [
    helper.make_node("DequantizeLinear", ["wcq", "wcs"], ["wc"], name="dq_wc", axis=0),
    helper.make_node("Conv", ["x_d", "wc"], ["c"], name="conv", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
    helper.make_node("Relu", ["c"], ["r"], name="relu")] + QDQ("r", "s1", "z1", "r") + [
    helper.make_node("AveragePool", ["r_d"], ["ap"], name="avgpool", kernel_shape=[2, 2], strides=[2, 2])] + \
    QDQ("ap", "s2", "z2", "ap") + [
    helper.make_node("MaxPool", ["r_d"], ["mp"], name="maxpool", kernel_shape=[2, 2], strides=[2, 2])] + \
    QDQ("mp", "s1", "z1", "mp") + [
    helper.make_node("Concat", ["ap_d", "mp_d"], ["cat"], name="concat", axis=1)] + QDQ("cat", "s3", "z3", "cat") + [
    helper.make_node("Flatten", ["cat_d"], ["f"], name="flatten"),
    helper.make_node("DequantizeLinear", ["wgq", "wgs"], ["wg"], name="dq_wg"),
    helper.make_node("Gemm", ["f", "wg"], ["y0"], name="fc", transB=1)] + QDQ("y0", "s4", "z4", "y")
for n in nodes:
    if n.name == "dq_y":
        n.output[0] = "y"
save("isl_cnn", nodes,
     {"s0": np.array(s0), "z0": np.array(z0, np.int8), "s1": np.array(s1), "z1": np.array(z1, np.int8),
      "s2": np.array(s2), "z2": np.array(z2, np.int8), "s3": np.array(s3), "z3": np.array(z3, np.int8),
      "s4": np.array(s4), "z4": np.array(z4, np.int8), "wcq": WC, "wcs": wcs, "wgq": WG, "wgs": np.array(wgs)},
     [vi("x", TP.FLOAT, [1, C, H, H])], [vi("y", TP.FLOAT, [1, 5])])
xq = rng.integers(-128, 128, size=(S, C, H, H))
ys = []
for s in range(S):
    xp = np.pad(xq[s] - z0, ((0, 0), (1, 1), (1, 1)))
    acc = np.zeros((M, H, H), np.int64)
    for m in range(M):
        for ky in range(3):
            for kx in range(3):
                acc[m] += WC[m, 0, ky, kx].astype(np.int64) * xp[0, ky:ky + H, kx:kx + H]
    real = acc * (F32(s0 * wcs)[:, None, None].astype(np.float64) / float(s1))
    rq_ = np.clip(np.rint(real) + z1, z1, 127)  # Relu fused: at least zp
    rd = dq(rq_, s1, z1)
    ap = rd.reshape(M, 4, 2, 4, 2).astype(F32).sum((2, 4), dtype=F32) / F32(4)
    apq = q(ap.astype(F32), s2, z2, -128, 127)
    mpq = rq_.reshape(M, 4, 2, 4, 2).max((2, 4))
    cat = np.concatenate([dq(apq, s2, z2), dq(mpq, s1, z1)])
    catq = q(cat, s3, z3, -128, 127)
    ys.append(dq(layer(catq.reshape(1, -1), s3, z3, WG.T, wgs, s4, z4, -128, 127), s4, z4))
finish("isl_cnn", dq(xq, s0, z0).reshape(S, 1, C, H, H), [np.stack(ys)], [s4])

# ---- isl_misc ----
W = rng.integers(-127, 128, (4, 1, 3, 3)).astype(np.int8)
nodes = QDQ("x", "s0", "z0", "in") + [
    helper.make_node("DequantizeLinear", ["wq", "ws"], ["w"], name="dq_w"),
    helper.make_node("Conv", ["x_d", "w"], ["c"], name="dwconv", group=4, pads=[1, 1, 1, 1], kernel_shape=[3, 3])] + \
    QDQ("c", "s1", "z1", "c") + [
    helper.make_node("Split", ["c_d"], ["a", "b"], name="split", axis=1),
    helper.make_node("Sub", ["a", "b"], ["d"], name="sub"),
    helper.make_node("Transpose", ["d"], ["dt"], name="tr", perm=[0, 1, 3, 2]),
    helper.make_node("Softmax", ["dt"], ["sm"], name="sm", axis=-1),
    helper.make_node("Mul", ["sm", "two"], ["sm2"], name="mul2")] + QDQ("sm2", "s2", "z2", "sm2") + [
    helper.make_node("Add", ["sm2", "sm2_d"], ["sm3"], name="raw_plus_dq"),  # sm2 raw (float), sm2_d requantised
    helper.make_node("GlobalAveragePool", ["sm3"], ["gap"], name="gap"),
    helper.make_node("Reshape", ["gap", "shp"], ["y"], name="rs")]
save("isl_misc", nodes,
     {"s0": np.array(F32(0.05)), "z0": np.array(3, np.int8), "s1": np.array(F32(0.2)), "z1": np.array(0, np.int8),
      "s2": np.array(F32(0.01)), "z2": np.array(-100, np.int8), "wq": W, "ws": np.array(F32(0.01)),
      "two": np.array(F32(2)), "shp": np.array([1, 2], np.int64)},
     [vi("x", TP.FLOAT, [1, 4, 6, 6])], [vi("y", TP.FLOAT, [1, 2])])
(rng.random((S, 4, 6, 6)) * 10 - 5).astype("<f4").tofile(f"{out}/isl_misc.in.f32")

# a float island reading the float graph input itself (refused: the inputs are quantised on entry)
nodes = QDQ("x", "s", "z", "in") + [helper.make_node("Add", ["x", "x_d"], ["a"], name="add_raw")] + QDQ("a", "s", "z", "a")
nodes[-1].output[0] = "y"
save("isl_rawin", nodes, {"s": np.array(F32(0.1)), "z": np.array(0, np.int8)}, [vi("x", TP.FLOAT, [1, 4])],
     [vi("y", TP.FLOAT, [1, 4])])
