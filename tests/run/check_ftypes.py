#!/usr/bin/python3
"""Double, float16 and bfloat16 graph inputs and outputs (issue 18): a small model built
here with onnx.helper, compiled with --main under -Werror and UBSan, fed raw values of each
input's type (double, float16 and bfloat16 as their bits), against numpy and --interpret.

  yd  = xd * 0.5 + 0.25                    double in, double out (computed in float32:
                                           within 1e-6 relative of numpy's double)
  yh  = Max(xh, c16)                       float16 in and out: exact
  yh2 = Cast(Cast(xh, FLOAT) + xf, FLOAT16)   one rounding to float16: numpy's exactly
  yc  = Cast(Cast(xf, FLOAT16), FLOAT)     float16 rounding inside the graph: subnormals,
                                           overflow to infinity, NaN, ties to even
  yb  = Cast(xf, BFLOAT16)                 bfloat16 bits, to nearest even (numpy has no
                                           bfloat16: rounded here with integer arithmetic)
  yb2 = Cast(xb, FLOAT)                    bfloat16 in: exact
  yd2 = Cast(xf, DOUBLE)                   exact
  yf  = Cast(xd, FLOAT)                    double in, rounded to float32 on entry: numpy's
  xh  (a graph input as output)            float16 through unchanged
NaN matches NaN (its payload bits may differ); everything else compares bit for bit
except yd.

usage: check_ftypes.py TICKETC
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
W = os.path.join(ROOT, "build/run-ftypes")
N = 16


def model():
    F, D, H, B = TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16, TensorProto.BFLOAT16
    nodes = [
        helper.make_node("Mul", ["xd", "half"], ["md"]),
        helper.make_node("Add", ["md", "quarter"], ["yd"]),
        helper.make_node("Max", ["xh", "c16"], ["yh"]),
        helper.make_node("Cast", ["xh"], ["xh32"], to=F),
        helper.make_node("Add", ["xh32", "xf"], ["s32"]),
        helper.make_node("Cast", ["s32"], ["yh2"], to=H),
        helper.make_node("Cast", ["xf"], ["xf16"], to=H),
        helper.make_node("Cast", ["xf16"], ["yc"], to=F),
        helper.make_node("Cast", ["xf"], ["yb"], to=B),
        helper.make_node("Cast", ["xb"], ["yb2"], to=F),
        helper.make_node("Cast", ["xf"], ["yd2"], to=D),
        helper.make_node("Cast", ["xd"], ["yf"], to=F),
    ]
    inits = [numpy_helper.from_array(np.array(0.5), "half"), numpy_helper.from_array(np.array(0.25), "quarter"),
             numpy_helper.from_array(np.full(N, -0.5, np.float16), "c16")]
    ins = [helper.make_tensor_value_info("xd", D, [N]), helper.make_tensor_value_info("xh", H, [N]),
           helper.make_tensor_value_info("xb", B, [N]), helper.make_tensor_value_info("xf", F, [N])]
    outs = [helper.make_tensor_value_info(n, t, [N]) for n, t in
            (("yd", D), ("yh", H), ("yh2", H), ("yc", F), ("yb", B), ("yb2", F), ("yd2", D), ("xh", H), ("yf", F))]
    g = helper.make_graph(nodes, "ftypes", ins, outs, inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def bf16_rne(x):
    """float32 -> bfloat16 bits, to nearest with ties to even; NaN a quiet NaN."""
    u = x.astype("<f4").view("<u4").astype(np.uint64)
    r = ((u + 0x7fff + ((u >> 16) & 1)) >> 16).astype("<u2")
    nan = np.isnan(x)
    r[nan] = ((u[nan] >> 16) | 0x40).astype("<u2")
    return r


def samples(rng):
    """Inputs of each sample: the edge cases first, then random values."""
    f16max, tiny = 65504.0, 2.0 ** -24
    edges = np.array([
        65519.0, 65520.0, 70000.0, -1e9, np.inf, -np.inf, np.nan, -0.0,  # overflow, infinities, NaN
        1 + 2 ** -11, 1 + 3 * 2 ** -11, 2049.0, 2051.0,  # ties: to even (down, up)
        tiny / 2, tiny * 1.5, tiny * 2.5, 2.0 ** -15 + tiny / 2,  # subnormal ties, below half a subnormal
        2.0 ** -25 * 1.0000001, -tiny * 0.75, 6.1e-5, f16max,  # just over half, subnormal edge, normal edge
        1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.4028235e38, -3.4028235e38,  # bfloat16 ties, rounding to infinity
        np.float32(1.00390625 + 2 ** -20), 1e-40, -7e-45, 0.1,  # just over a tie, float subnormals
    ], np.float32)
    out = []
    for s in range(0, len(edges), N):
        xf = np.concatenate([edges[s:s + N], rng.standard_normal(N).astype(np.float32) * 100])[:N]
        out.append(xf)
    for _ in range(6):
        out.append((rng.standard_normal(N) * 10.0 ** rng.integers(-8, 6, N)).astype(np.float32))
    res = []
    for k, xf in enumerate(out):
        xd = rng.standard_normal(N) * 10.0 ** rng.integers(-3, 4, N)
        if k == 0:  # double to float: beyond its range, below its subnormals, a tie, subnormal
            xd[:8] = [1e39, -1e300, 1e-46, -1e-300, 1 + 2.0 ** -24, 1 + 3 * 2.0 ** -24, 3e-40, 3.4028235677973366e38]
        elif k >= len(out) - 3:  # any bits: NaNs, subnormals, exponents around float's (880-1160)
            hi = rng.integers(0, 2, N).astype(np.uint64) << 63 | rng.integers(860, 1170, N).astype(np.uint64) << 52
            xd = (hi | rng.integers(0, 1 << 52, N, dtype=np.uint64)).view("<f8")
            xd[:3] = np.array([0x7ff0000000000001, 0x3690000000000000, 0x3698000000000000], np.uint64).view("<f8")
            # NaN, 2^-150 (a tie: 0), 1.5 * 2^-150 (2^-149)
        bits = rng.integers(0, 0x10000, N).astype("<u2")
        if k == 0:  # float16 subnormals, infinities, the largest, -0
            bits[:6] = [0x0001, 0x03ff, 0x7c00, 0xfc00, 0x7bff, 0x8000]
        bits[(bits & 0x7c00) == 0x7c00] &= 0xbfff  # no NaN into Max (its NaN rule is not this test's)
        xh = bits.view("<f2")
        xb = rng.integers(0, 0x10000, N).astype("<u2")
        if k == 0:
            xb[:4] = [0x7fc0, 0xff80, 0x0001, 0x8000]
        res.append((xd, xh, xb, xf))
    return res


def expected(xd, xh, xb, xf):
    with np.errstate(over="ignore", invalid="ignore"):
        yd = xd * 0.5 + 0.25
        yd[np.isinf(xd.astype(np.float32))] = xd[np.isinf(xd.astype(np.float32))] * np.inf  # beyond float32
        yh = np.maximum(xh, np.float16(-0.5))
        yh2 = (xh.astype(np.float32) + xf).astype(np.float16)
        yc = xf.astype(np.float16).astype(np.float32)
    yb = bf16_rne(xf)
    yb2 = (xb.astype("<u4") << 16).view("<f4")
    with np.errstate(over="ignore", invalid="ignore"):
        yf = xd.astype(np.float32)
    return [yd, yh, yh2, yc, yb, yb2, xf.astype(np.float64), xh, yf]


TYPES = ["<f8", "<f2", "<f2", "<f4", "<u2", "<f4", "<f8", "<f2", "<f4"]
NAMES = ["yd", "yh", "yh2", "yc", "yb", "yb2", "yd2", "xh", "yf"]


def check(what, raw, want):
    """Messages for every output of every sample of raw that differs from want."""
    bad, pos = [], 0
    for s, ys in enumerate(want):
        for name, t, y in zip(NAMES, TYPES, ys):
            nb = N * np.dtype(t).itemsize
            got = np.frombuffer(raw[pos:pos + nb], dtype=t)
            pos += nb
            if len(got) != N:
                return ["%s: short output" % what]
            if name == "yd":
                with np.errstate(invalid="ignore"):
                    ok = (np.abs(got - y) <= 1e-6 * np.abs(y) + 1e-30) | (got == y) | (np.isnan(got) & np.isnan(y))
            elif t == "<u2":  # bfloat16 bits: NaN as any NaN
                ok = (got == y) | (((got & 0x7fff) > 0x7f80) & ((y & 0x7fff) > 0x7f80))
            else:  # bit for bit (-0 too), NaN as any NaN
                gb, yb = got.view("<u%d" % got.itemsize), np.asarray(y, t).view("<u%d" % got.itemsize)
                ok = (gb == yb) | (np.isnan(got) & np.isnan(y))
            for i in np.nonzero(~ok)[0][:3]:
                bad.append("%s: sample %d %s[%d]: got %r, numpy %r" % (what, s, name, i, got[i], y[i]))
    if pos != len(raw):
        bad.append("%s: %d bytes of output, expected %d" % (what, len(raw), pos))
    return bad


def main():
    ticketc = os.path.abspath(sys.argv[1])
    os.makedirs(W, exist_ok=True)
    m, c, exe = os.path.join(W, "ftypes.onnx"), os.path.join(W, "ftypes.c"), os.path.join(W, "ftypes")
    onnx.save(model(), m)
    subprocess.run([ticketc, m, "-o", c, "--main"], check=True)
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", "-fsanitize=undefined",
                    "-fno-sanitize-recover=all", c, "-o", exe], check=True)
    rng = np.random.default_rng(1816)
    stdin, want = b"", []
    for xd, xh, xb, xf in samples(rng):
        stdin += xd.astype("<f8").tobytes() + xh.astype("<f2").tobytes() + xb.tobytes() + xf.astype("<f4").tobytes()
        want.append(expected(xd, xh, xb, xf))
    got = subprocess.run([exe], input=stdin, capture_output=True, check=True).stdout
    ref = subprocess.run([ticketc, m, "--interpret"], input=stdin, capture_output=True, check=True).stdout
    bad = check("generated C", got, want) + check("--interpret", ref, want)
    for b in bad[:20]:
        print("FAIL: float types: " + b)
    if not bad:
        print("float types: ok (%d samples; double within 1e-6, float16 and bfloat16 bit for bit, "
              "C and --interpret)" % len(want))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
