#!/usr/bin/env python3
"""conformance_quant.py [TICKETC]: the 17 quantisation tests of Debian's libonnx-testdata
(QuantizeLinear, DequantizeLinear, QLinearConv, QLinearMatMul, MatMulInteger, ConvInteger,
DynamicQuantizeLinear and its expanded form), for the report (not in make test; make
conformance runs them too):
 1. ticketc on each model as shipped: its scales and zero points (and the QLinear and
    Integer tests' weights) are graph inputs, so the quantisation ops are run-time typed ops
    (compiler/qops.c, emit_qops.c). Compiled with --main and strict flags, run on every data
    set (raw values of each input's type), every output compared with the shipped one
    exactly (integers and floats alike).
 2. the same test with those inputs made initializers (the activation stays the graph
    input): what the integer path (qdq.c, for constant parameters) makes of it, or, for
    MatMulInteger, ConvInteger and DynamicQuantizeLinear, which always run as typed ops,
    the typed op again. Integer-path models with float I/O are fed the activation as
    float32 on its grid (the driver quantises it back exactly) and their outputs read back
    as integers (q = rint(y / s) + zp); typed ones get raw values.
Prints one line per test and the counts; exits 1 unless every shipped test passes exactly."""
import glob
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

TICKETC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/ticketc")
D = "/usr/share/libonnx-testdata/data/node"
NAMES = sorted(glob.glob(f"{D}/test_*quant*") + glob.glob(f"{D}/test_qlinear*") + glob.glob(f"{D}/test_*integer*"))
ACT = {"x", "a", "A"}  # the activation input of each test
CF = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1"]
NP = {onnx.TensorProto.FLOAT: "<f4", onnx.TensorProto.UINT8: "u1", onnx.TensorProto.INT8: "i1",
      onnx.TensorProto.INT32: "<i4"}
tmp = tempfile.mkdtemp(prefix="qconf")
shipped_pass = const_pass = 0


def load_pb(p):
    t = onnx.TensorProto()
    t.ParseFromString(open(p, "rb").read())
    return numpy_helper.to_array(t)


def first_error(r):
    return "refused: " + r.stderr.splitlines()[0].split("error: ", 1)[-1][:110]


def run_typed(model, path, name, sets):
    """compile path with --main; every data set's inputs as raw typed values; exact comparison"""
    r = subprocess.run([TICKETC, path, "--main", "-o", f"{tmp}/{name}.c"], capture_output=True, text=True)
    if r.returncode:
        return first_error(r), False
    subprocess.run(["cc"] + CF + [f"{tmp}/{name}.c", "-o", f"{tmp}/{name}.bin"], check=True)
    for ins, outs in sets:
        feed = b"".join(a.astype(NP[v.type.tensor_type.elem_type]).tobytes() for a, v in zip(ins, model.graph.input))
        got = subprocess.run([f"{tmp}/{name}.bin"], input=feed, capture_output=True, check=True).stdout
        off = 0
        for want, v in zip(outs, model.graph.output):
            dt = np.dtype(NP[v.type.tensor_type.elem_type])
            g = np.frombuffer(got[off:off + want.size * dt.itemsize], dt)
            off += want.size * dt.itemsize
            if not np.array_equal(g, want.reshape(-1).astype(dt)):
                return f"FAIL: got {g[:6]}, want {want.reshape(-1)[:6]}", False
    return "pass (exact)", True


for d in NAMES:
    name = os.path.basename(d)
    m = onnx.load(f"{d}/model.onnx")
    sets = []
    for ds in sorted(glob.glob(f"{d}/test_data_set_*")):
        sets.append(([load_pb(f"{ds}/input_{i}.pb") for i in range(len(m.graph.input))],
                     [load_pb(f"{ds}/output_{i}.pb") for i in range(len(m.graph.output))]))
    shipped, ok = run_typed(m, f"{d}/model.onnx", name, sets)
    shipped_pass += ok

    ins, outs = sets[0]
    keep = [i for i, v in enumerate(m.graph.input) if v.name in ACT or len(m.graph.input) == 1]
    for i, v in enumerate(m.graph.input):
        if i not in keep:
            m.graph.initializer.append(numpy_helper.from_array(ins[i], v.name))
    for i in sorted(set(range(len(m.graph.input))) - set(keep), reverse=True):
        del m.graph.input[i]
    cpath = f"{tmp}/{name}_const.onnx"
    onnx.save(m, cpath)
    r = subprocess.run([TICKETC, cpath, "--main", "-o", f"{tmp}/{name}_const.c"], capture_output=True, text=True)
    if r.returncode != 0:
        const = first_error(r)
    elif re.search(r"_run\(const float \*in0", open(f"{tmp}/{name}_const.c").read()) and \
            m.graph.input[0].type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
        # the integer path with float I/O: the driver quantises and dequantises
        node = m.graph.node[0]
        init = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
        x = ins[keep[0]]
        xs, xz = init[node.input[1]].reshape(-1)[0], int(init[node.input[2]].reshape(-1)[0])
        feed = (x.astype(np.int64) - xz).astype(np.float32) * np.float32(xs)
        subprocess.run(["cc"] + CF + [f"{tmp}/{name}_const.c", "-o", f"{tmp}/{name}_const.bin"], check=True)
        got = np.frombuffer(subprocess.run([f"{tmp}/{name}_const.bin"], input=feed.astype("<f4").tobytes(),
                                           capture_output=True, check=True).stdout, "<f4")
        want = outs[0]
        qm = node.op_type.startswith("QLinearMat")
        ys = init[node.input[-2 if qm else 6]].reshape(-1)[0]
        yz = int(init[node.input[-1 if qm else 7]].reshape(-1)[0])
        gq = np.rint(got / np.float32(ys)) + yz
        okc = gq.size == want.size and np.array_equal(gq, want.reshape(-1).astype(np.float64))
        const = "integer path: " + ("pass (exact)" if okc else f"FAIL: got {gq[:6]}, want {want.reshape(-1)[:6]}")
        const_pass += okc
    else:
        res, okc = run_typed(m, cpath, name + "_const", [([ins[i] for i in keep], outs)])
        const = "typed ops: " + res
        const_pass += okc
    print(f"{name:50s} as shipped: {shipped}\n{'':50s} constant parameters: {const}")
print(f"{len(NAMES)} tests: as shipped {shipped_pass} pass exactly; with constant parameters {const_pass} pass")
sys.exit(0 if shipped_pass == len(NAMES) else 1)
