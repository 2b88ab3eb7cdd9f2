#!/usr/bin/python3
"""Integer and bool tensors at run time (issue 18): tests/golden/24_typed_ops.onnx
(ArgMax, Equal, Greater, Not, Xor, Where, Gather and GatherElements at run-time
indices, Cast bool -> int32 -> float, integer Mul/Div/Sub/Neg; an int64 and a bool
input, a bool and an int64 output) compiled with --main under -Werror and UBSan,
fed raw values of each input's type, against numpy and against --interpret.

usage: check_types.py TICKETC
"""
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(ROOT, "tests/golden/24_typed_ops.onnx")
W = os.path.join(ROOT, "build/run-types")


def expected(x, idx, m):
    am = x.argmax(1)
    eq = am == 2
    mask = (~(x > 0)) ^ m
    w = np.where(mask, x, np.float32(0)).astype(np.float32)
    s = np.take(w, am, axis=1) + np.take_along_axis(x, np.where(idx < 0, idx + 4, idx), 1)
    sq = idx * idx
    q = np.trunc(sq / -3).astype(np.int64)  # C's division, toward 0
    return (s.astype("<f4").tobytes() + mask.tobytes() + eq.astype("<f4").tobytes()
            + (-(q - sq)).astype("<i8").tobytes())


def main():
    ticketc = os.path.abspath(sys.argv[1])
    os.makedirs(W, exist_ok=True)
    c, exe = os.path.join(W, "typed.c"), os.path.join(W, "typed")
    subprocess.run([ticketc, MODEL, "-o", c, "--main"], check=True)
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", "-fsanitize=undefined",
                    "-fno-sanitize-recover=all", c, "-o", exe], check=True)
    rng = np.random.default_rng(18)
    stdin, want = b"", b""
    for k in range(50):
        x = rng.standard_normal((2, 4)).astype(np.float32)
        if k % 3 == 0:
            x[0, 1] = x[0, 2]  # a tie: the first index wins
        idx = rng.integers(-4, 4, (2, 2)).astype(np.int64)
        m = rng.integers(0, 2, 4).astype(bool)
        stdin += x.tobytes() + idx.tobytes() + m.tobytes()
        want += expected(x, idx, m)
    got = subprocess.run([exe], input=stdin, capture_output=True, check=True).stdout
    ref = subprocess.run([ticketc, MODEL, "--interpret"], input=stdin, capture_output=True, check=True).stdout
    bad = 0
    if got != want:
        print("FAIL: typed ops: the generated C differs from numpy")
        bad = 1
    if ref != want:
        print("FAIL: typed ops: --interpret differs from numpy")
        bad = 1
    if not bad:
        print("typed ops: ok (50 samples, C and --interpret equal numpy exactly)")
    return bad


if __name__ == "__main__":
    sys.exit(main())
