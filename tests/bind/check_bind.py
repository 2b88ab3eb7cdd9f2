#!/usr/bin/python3
"""--bind NAME=FILE: a graph input made a constant from raw values.

A model whose Reshape shape and Slice starts are graph inputs (refused without
--bind: their values decide shapes) compiled with both bound, built strictly,
run on random data against numpy; the bound parameters stay, unread. Then the
refusals: no such input, the wrong number of bytes, an unreadable file, bound
twice, a malformed option, each one message and exit 1 or 2, no output file.

usage: check_bind.py TICKETC
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
W = os.path.join(ROOT, "build/bind-tests")


def model(path):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 6])
    shp = helper.make_tensor_value_info("shape", TensorProto.INT64, [3])
    st = helper.make_tensor_value_info("starts", TensorProto.INT32, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    ends = helper.make_tensor("ends", TensorProto.INT32, [1], [100])
    axes = helper.make_tensor("axes", TensorProto.INT32, [1], [2])
    nodes = [helper.make_node("Relu", ["x"], ["r"]),
             helper.make_node("Reshape", ["r", "shape"], ["t"]),
             helper.make_node("Slice", ["t", "starts", "ends", "axes"], ["y"])]
    g = helper.make_graph(nodes, "bind", [x, shp, st], [y], [ends, axes])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), path)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, errors="replace", **kw)


def main():
    ticketc = os.path.abspath(sys.argv[1])
    os.makedirs(W, exist_ok=True)
    m, c, exe = os.path.join(W, "bind.onnx"), os.path.join(W, "bind.c"), os.path.join(W, "bind")
    model(m)
    shape, starts = os.path.join(W, "shape.raw"), os.path.join(W, "starts.raw")
    np.array([2, 3, 2], "<i8").tofile(shape)
    np.array([1], "<i4").tofile(starts)
    fails = 0

    def fail(msg):
        nonlocal fails
        fails += 1
        print("FAIL: bind: " + msg)

    r = run([ticketc, m, "-o", c])
    if r.returncode != 1 or "Reshape" not in r.stderr:
        fail("without --bind the model must be refused at the Reshape: %r" % r.stderr)
    if os.path.exists(c):
        os.remove(c)
    r = run([ticketc, m, "-o", c, "--main", "--bind", "shape=" + shape, "--bind", "starts=" + starts])
    if r.returncode != 0:
        fail("ticketc: " + r.stderr)
        return 1
    r = run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", c, "-o", exe])
    if r.returncode != 0:
        fail("the C does not build: " + r.stderr[:500])
        return 1
    x = np.random.default_rng(7).standard_normal((4, 2, 6)).astype("<f4")
    # the driver still reads every input, the bound ones too (their parameters stay)
    blob = b"".join(s.tobytes() + np.zeros(3, "<i8").tobytes() + np.zeros(1, "<i4").tobytes() for s in x)
    r = subprocess.run([exe], input=blob, capture_output=True)
    want = np.maximum(x, 0).reshape(4, 2, 3, 2)[:, :, :, 1:].astype("<f4").tobytes()
    if r.returncode != 0 or r.stdout != want:
        fail("output differs from numpy (%d bytes, %d expected)" % (len(r.stdout), len(want)))
    short = os.path.join(W, "short.raw")
    np.array([2, 3], "<i8").tofile(short)
    bad = [
        (["--bind", "nosuch=" + shape], 1, "no graph input 'nosuch'"),
        (["--bind", "shape=" + short, "--bind", "starts=" + starts], 1, "must hold the 3 values"),
        (["--bind", "shape=" + os.path.join(W, "missing.raw")], 1, "cannot read"),
        (["--bind", "shape=" + shape, "--bind", "shape=" + shape], 1, "bound twice"),
        (["--bind", "shape"], 2, "--bind expects NAME=FILE"),
    ]
    for args, code, text in bad:
        if os.path.exists(c):
            os.remove(c)
        r = run([ticketc, m, "-o", c] + args)
        lines = r.stderr.strip().splitlines()
        # one message (a usage error adds its "Try 'ticketc --help'" line)
        if r.returncode != code or len(lines) != code or text not in lines[0] or os.path.exists(c):
            fail("%s: exit %d, %r (want exit %d, one line with %r, no output)" % (" ".join(args), r.returncode,
                                                                                   r.stderr, code, text))
    if not fails:
        print("ok   --bind: Reshape shape (int64) and Slice starts (int32) bound, C = numpy; 5 refusals")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
