#!/usr/bin/env python3
"""qops_check.py TICKETC WORKDIR: quantisation ops with run-time parameters (compiler/qops.c,
emit_qops.c), beyond the 17 backend tests. Each model is built with onnx.helper, compiled with
--main and strict flags, run on random data (ties of the rounding included), and its integer
outputs compared exactly with numpy's evaluation of the ONNX formulas written here, and with
ticketc --interpret. Then bad input: one message, exit 1, nothing written. Prints one line per
check and exits 1 on any failure."""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto as TP

TC = os.path.abspath(sys.argv[1])
W = sys.argv[2]
os.makedirs(W, exist_ok=True)
CF = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2"]
if os.environ.get("SANITIZED"):  # the generated code under ASan+UBSan too
    CF += ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
NP = {TP.FLOAT: np.float32, TP.UINT8: np.uint8, TP.INT8: np.int8, TP.INT32: np.int32}
rng = np.random.default_rng(16)
fails = 0


def report(ok, what):
    global fails
    print(("ok   " if ok else "FAIL ") + what)
    fails += not ok


def save(name, nodes, ins, outs, inits=(), opset=13):
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info(n, t, s) for n, t, s in ins],
                          [helper.make_tensor_value_info(n, t, s) for n, t, s in outs], list(inits))
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)]), f"{W}/{name}.onnx")


def rne_sat(v, zp, lo, hi):
    """sat(rne(v) + zp) with numpy's round half to even, v float32"""
    return np.clip(np.rint(v.astype(np.float32)).astype(np.float64) + zp, lo, hi)


def run(name, ins, outs, feeds, want, what):
    """compile NAME with --main, feed the arrays, compare every output exactly with want"""
    r = subprocess.run([TC, f"{W}/{name}.onnx", "--main", "-o", f"{W}/{name}.c"], capture_output=True, text=True)
    if r.returncode:
        report(False, f"{name}: ticketc: {r.stderr.strip()}")
        return
    subprocess.run(["cc"] + CF + [f"{W}/{name}.c", "-o", f"{W}/{name}.bin"], check=True)
    raw = b"".join(np.ascontiguousarray(f, NP[t]).tobytes() for f, (_, t, _) in zip(feeds, ins))
    got_c = subprocess.run([f"{W}/{name}.bin"], input=raw, capture_output=True, check=True).stdout
    got_i = subprocess.run([TC, f"{W}/{name}.onnx", "--interpret"], input=raw, capture_output=True, check=True).stdout
    ok = got_c == got_i
    off = 0
    for (oname, t, shape), w in zip(outs, want):
        cnt = int(np.prod(shape))
        g = np.frombuffer(got_c[off:off + cnt * np.dtype(NP[t]).itemsize], NP[t])
        off += cnt * np.dtype(NP[t]).itemsize
        ok &= np.array_equal(g, np.asarray(w).reshape(-1).astype(NP[t]))
    report(ok, f"{name}: {what}: the C equals the formula exactly and --interpret byte for byte")


def conv_ref(x, w, group, strides, pads, dil):
    """int64 direct convolution of (x - xzp) and (w - wzp) already subtracted, NCHW"""
    N, C, H, Wd = x.shape
    M, cg, KH, KW = w.shape
    xp = np.zeros((N, C, H + pads[0] + pads[2], Wd + pads[1] + pads[3]), np.int64)
    xp[:, :, pads[0]:pads[0] + H, pads[1]:pads[1] + Wd] = x
    OH = (xp.shape[2] - ((KH - 1) * dil[0] + 1)) // strides[0] + 1
    OW = (xp.shape[3] - ((KW - 1) * dil[1] + 1)) // strides[1] + 1
    y = np.zeros((N, M, OH, OW), np.int64)
    mg = M // group
    for m in range(M):
        gi = m // mg
        for oh in range(OH):
            for ow in range(OW):
                patch = xp[:, gi * cg:(gi + 1) * cg, oh * strides[0]:oh * strides[0] + (KH - 1) * dil[0] + 1:dil[0],
                           ow * strides[1]:ow * strides[1] + (KW - 1) * dil[1] + 1:dil[1]]
                y[:, m, oh, ow] = (patch * w[m]).reshape(N, -1).sum(1)
    return y


# 1. QuantizeLinear per axis (int8), scales and zero points graph inputs; x has exact ties
x = (rng.integers(-300, 300, (2, 3, 4)) * 0.5).astype(np.float32)
s = np.array([0.5, 1.0, 0.25], np.float32)
z = np.array([-3, 0, 7], np.int8)
ins = [("x", TP.FLOAT, [2, 3, 4]), ("s", TP.FLOAT, [3]), ("z", TP.INT8, [3])]
save("q_axis", [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"], axis=1)], ins, [("y", TP.INT8, [2, 3, 4])])
run("q_axis", ins, [("y", TP.INT8, [2, 3, 4])], [x, s, z],
    [rne_sat(x / s.reshape(1, 3, 1), z.reshape(1, 3, 1).astype(np.float64), -128, 127)],
    "QuantizeLinear int8 per axis, ties to even, saturated")

# 2. QuantizeLinear without a zero point (uint8), axis -1, NaN and infinities; then DequantizeLinear
x = np.array([[0.5, 1.5, 2.5, -0.5], [np.nan, np.inf, -np.inf, 1e30]], np.float32)
s = np.array([1.0, 1.0, 0.5, 2.0], np.float32)
ins = [("x", TP.FLOAT, [2, 4]), ("s", TP.FLOAT, [4])]
save("q_nozp", [helper.make_node("QuantizeLinear", ["x", "s"], ["q"], axis=-1),
                helper.make_node("DequantizeLinear", ["q", "s"], ["y"], axis=-1)],
     ins, [("q", TP.UINT8, [2, 4]), ("y", TP.FLOAT, [2, 4])])
q = np.array([[0, 2, 5, 0], [0, 255, 0, 255]], np.uint8)  # NaN gives the zero point
run("q_nozp", ins, [("q", TP.UINT8, [2, 4]), ("y", TP.FLOAT, [2, 4])], [x, s], [q, q.astype(np.float32) * s],
    "QuantizeLinear uint8 without a zero point (NaN, infinities), DequantizeLinear back")

# 3. MatMulInteger (int8, per-row a zero point, batch broadcast) -> DequantizeLinear of its int32
a = rng.integers(-128, 128, (2, 3, 5)).astype(np.int8)
b = rng.integers(-128, 128, (5, 4)).astype(np.int8)
az = np.array([1, -2, 3], np.int8)
ins = [("a", TP.INT8, [2, 3, 5]), ("b", TP.INT8, [5, 4]), ("az", TP.INT8, [3])]
inits = [numpy_helper.from_array(np.array(0.125, np.float32), "s32"), numpy_helper.from_array(np.array(-5, np.int8), "bz")]
save("mmi_dq", [helper.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["acc"]),
                helper.make_node("DequantizeLinear", ["acc", "s32"], ["y"])],
     ins, [("acc", TP.INT32, [2, 3, 4]), ("y", TP.FLOAT, [2, 3, 4])], inits)
acc = np.matmul(a.astype(np.int64) - az.reshape(3, 1), b.astype(np.int64) + 5)
run("mmi_dq", ins, [("acc", TP.INT32, [2, 3, 4]), ("y", TP.FLOAT, [2, 3, 4])], [a, b, az],
    [acc, acc.astype(np.float32) * np.float32(0.125)], "MatMulInteger int8 (per-row zero point, batches) into DequantizeLinear int32")

# 4. ConvInteger: groups, strides, dilations, pads, per-channel w zero points, uint8
x = rng.integers(0, 256, (2, 4, 7, 6)).astype(np.uint8)
w = rng.integers(0, 256, (6, 2, 3, 2)).astype(np.uint8)
wz = rng.integers(0, 256, 6).astype(np.uint8)
ins = [("x", TP.UINT8, [2, 4, 7, 6]), ("w", TP.UINT8, [6, 2, 3, 2]), ("xz", TP.UINT8, []), ("wz", TP.UINT8, [6])]
node = helper.make_node("ConvInteger", ["x", "w", "xz", "wz"], ["y"], group=2, strides=[2, 1], dilations=[1, 2], pads=[1, 0, 2, 1])
want = conv_ref(x.astype(np.int64) - 77, w.astype(np.int64) - wz.reshape(6, 1, 1, 1).astype(np.int64), 2, [2, 1], [1, 0, 2, 1], [1, 2])
save("convint", [node], ins, [("y", TP.INT32, list(want.shape))])
run("convint", ins, [("y", TP.INT32, list(want.shape))], [x, w, np.uint8(77), wz], [want],
    "ConvInteger uint8 (groups, strides, dilations, pads, per-channel zero points)")

# 5. QLinearConv int8: run-time x and scales, constant per-channel weights and bias, SAME_UPPER
x = rng.integers(-128, 128, (1, 3, 5, 5)).astype(np.int8)
w = rng.integers(-128, 128, (4, 3, 3, 3)).astype(np.int8)
bias = rng.integers(-5000, 5000, 4).astype(np.int32)
ws = np.array([0.002, 0.003, 0.001, 0.004], np.float32)
xs, ys = np.float32(0.05), np.float32(0.4)
inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(ws, "ws"),
         numpy_helper.from_array(np.zeros(4, np.int8), "wz"), numpy_helper.from_array(bias, "B")]
ins = [("x", TP.INT8, [1, 3, 5, 5]), ("xs", TP.FLOAT, []), ("xz", TP.INT8, []), ("ys", TP.FLOAT, []), ("yz", TP.INT8, [])]
save("qlconv", [helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "B"], ["y"], auto_pad="SAME_UPPER")],
     ins, [("y", TP.INT8, [1, 4, 5, 5])], inits)
acc = conv_ref(x.astype(np.int64) - 3, w.astype(np.int64), 1, [1, 1], [1, 1, 1, 1], [1, 1]) + bias.reshape(1, 4, 1, 1)
mult = (xs * ws / ys).astype(np.float32).reshape(1, 4, 1, 1)
run("qlconv", ins, [("y", TP.INT8, [1, 4, 5, 5])], [x, xs, np.int8(3), ys, np.int8(-2)],
    [rne_sat((acc.astype(np.float32) * mult).astype(np.float32), -2, -128, 127)],
    "QLinearConv int8 (run-time scales, per-channel weights, int32 bias, SAME_UPPER): (float)acc * ((xs * ws) / ys)")

# 6. QLinearMatMul with per-column b scales, both operands at run time
a = rng.integers(0, 256, (3, 6)).astype(np.uint8)
b = rng.integers(0, 256, (6, 2)).astype(np.uint8)
bs = np.array([0.01, 0.02], np.float32)
ins = [("a", TP.UINT8, [3, 6]), ("as", TP.FLOAT, []), ("az", TP.UINT8, []), ("b", TP.UINT8, [6, 2]), ("bs", TP.FLOAT, [2]),
       ("bz", TP.UINT8, [2]), ("ys", TP.FLOAT, []), ("yz", TP.UINT8, [])]
save("qlmm_rt", [helper.make_node("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], ["y"])], ins,
     [("y", TP.UINT8, [3, 2])])
acc = (a.astype(np.int64) - 128) @ (b.astype(np.int64) - np.array([120, 130]))
mult = (np.float32(0.02) * bs / np.float32(0.5)).astype(np.float32)
run("qlmm_rt", ins, [("y", TP.UINT8, [3, 2])], [a, np.float32(0.02), np.uint8(128), b, bs, np.array([120, 130], np.uint8),
                                               np.float32(0.5), np.uint8(100)],
    [rne_sat((acc.astype(np.float32) * mult).astype(np.float32), 100, 0, 255)], "QLinearMatMul uint8, per-column b scales")

# 7. DynamicQuantizeLinear -> DequantizeLinear with its own run-time scale and zero point
x = rng.normal(0, 3, (4, 5)).astype(np.float32)
ins = [("x", TP.FLOAT, [4, 5])]
outs = [("q", TP.UINT8, [4, 5]), ("s", TP.FLOAT, []), ("z", TP.UINT8, []), ("y", TP.FLOAT, [4, 5])]
save("dynq", [helper.make_node("DynamicQuantizeLinear", ["x"], ["q", "s", "z"]),
              helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"])], ins, outs, opset=11)
lo, hi = np.float32(min(0, x.min())), np.float32(max(0, x.max()))
sc = np.float32((hi - lo) / np.float32(255))
zp = np.clip(np.rint(np.float32(0) - lo / sc), 0, 255)
q = rne_sat(x / sc, zp, 0, 255)
run("dynq", ins, outs, [x], [q, sc, zp, ((q - zp).astype(np.float32) * sc).astype(np.float32)],
    "DynamicQuantizeLinear and the DequantizeLinear of its outputs")

# 8. all constant: MatMulInteger of constants folds (no function for it in the C)
inits = [numpy_helper.from_array(np.arange(6, dtype=np.uint8).reshape(2, 3), "A"),
         numpy_helper.from_array(np.arange(6, dtype=np.uint8).reshape(3, 2), "B")]
ins = [("x", TP.FLOAT, [2, 2])]
save("mmi_fold", [helper.make_node("MatMulInteger", ["A", "B"], ["acc"]), helper.make_node("Cast", ["acc"], ["f"], to=TP.FLOAT),
                  helper.make_node("Add", ["x", "f"], ["y"])], ins, [("y", TP.FLOAT, [2, 2])], inits)
x = rng.normal(0, 1, (2, 2)).astype(np.float32)
run("mmi_fold", ins, [("y", TP.FLOAT, [2, 2])], [x], [x + (np.arange(6).reshape(2, 3) @ np.arange(6).reshape(3, 2)).astype(np.float32)],
    "MatMulInteger of constants folded")
src = open(f"{W}/mmi_fold.c").read()
report("MatMulInteger" not in src and "n0_" not in src and "n1_" not in src,
       "mmi_fold: the constant MatMulInteger leaves no node function")


# bad input: one message naming the node, exit 1, nothing written
def bad(name, msg):
    for f in (f"{W}/out.c", f"{W}/out.h"):
        if os.path.exists(f):
            os.remove(f)
    r = subprocess.run([TC, f"{W}/{name}.onnx", "-o", f"{W}/out.c"], capture_output=True, text=True)
    lines = r.stderr.strip().splitlines()
    ok = r.returncode == 1 and len(lines) == 1 and msg in lines[0] and not os.path.exists(f"{W}/out.c")
    report(ok, f"refused: {lines[0] if lines else '(no message)'}")


for nm, v in (("zero", 0.0), ("neg", -0.5), ("nan", float("nan")), ("inf", float("inf"))):
    # a constant scale, but the zero point is a graph input: the run-time path checks the constant
    save(f"rt_scale_{nm}", [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"], name="q")],
         [("x", TP.FLOAT, [4]), ("z", TP.UINT8, [])], [("y", TP.UINT8, [4])],
         [helper.make_tensor("s", TP.FLOAT, [], [v])])
    bad(f"rt_scale_{nm}", f"node 0 'q' (QuantizeLinear): scale 's'[0] is {'%g' % v}; scales must be positive and finite")
save("rt_axis", [helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"], name="dq", axis=0)],
     [("x", TP.UINT8, [2, 3]), ("s", TP.FLOAT, [3]), ("z", TP.UINT8, [3])], [("y", TP.FLOAT, [2, 3])])
bad("rt_axis", "node 0 'dq' (DequantizeLinear): the scale 's' of the input is [3]; it must have 1 element or be [2]")
save("rt_zptype", [helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"], name="dq")],
     [("x", TP.UINT8, [2, 3]), ("s", TP.FLOAT, []), ("z", TP.INT8, [])], [("y", TP.FLOAT, [2, 3])])
bad("rt_zptype", "node 0 'dq' (DequantizeLinear): the zero point 'z' of the input is int8; it must be uint8")
save("rt_block", [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"], name="q", block_size=2)],
     [("x", TP.FLOAT, [4]), ("s", TP.FLOAT, []), ("z", TP.UINT8, [])], [("y", TP.UINT8, [4])])
bad("rt_block", "node 0 'q' (QuantizeLinear): attribute 'block_size' = 2 is not supported")
save("rt_mmi_shape", [helper.make_node("MatMulInteger", ["a", "b"], ["y"], name="mmi")],
     [("a", TP.UINT8, [2, 3]), ("b", TP.UINT8, [4, 2])], [("y", TP.INT32, [2, 2])])
bad("rt_mmi_shape", "node 0 'mmi' (MatMulInteger): inputs [2,3] and [4,2] do not multiply")

# an empty constant operand folds without a crash (a later node refuses the empty sum)
save("rt_mmi_empty", [helper.make_node("MatMulInteger", ["A", "B"], ["acc"]), helper.make_node("Cast", ["acc"], ["f"], to=TP.FLOAT),
                      helper.make_node("ReduceSum", ["f"], ["r"], keepdims=0), helper.make_node("Add", ["x", "r"], ["y"])],
     [("x", TP.FLOAT, [2])], [("y", TP.FLOAT, [2])],
     [numpy_helper.from_array(np.zeros((0, 3), np.uint8), "A"), numpy_helper.from_array(np.zeros((3, 2), np.uint8), "B")])
bad("rt_mmi_empty", "node 2 '' (ReduceSum): reduces over an empty set of elements")

print(f"qops checks: {'all passed' if not fails else f'{fails} failed'}")
sys.exit(1 if fails else 0)
