#!/usr/bin/env python3
"""conformance_quant.py [TICKETC]: the 17 quantisation tests of Debian's libonnx-testdata
(QuantizeLinear, DequantizeLinear, QLinearConv, QLinearMatMul, MatMulInteger, ConvInteger,
DynamicQuantizeLinear), for the report (not in make test):
 1. ticketc on each model as shipped: every one feeds its scales and zero points (and the
    QLinear/Integer tests their weights) as graph inputs, which ticketc refuses by name
    (it needs the file's scales as constants); prints the first line of each message.
 2. the same test with those inputs made initializers from its data set (the activation
    stays the graph input): compiled with --main, run on the data set's activation (fed as
    float32 on its grid; the driver quantises it back exactly) and the outputs compared
    with the shipped ones as integers (the driver dequantises: q = rint(y / s) + zp).
Prints one line per test and a count."""
import glob
import os
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
tmp = tempfile.mkdtemp(prefix="qconf")
passed = 0


def load_pb(p):
    t = onnx.TensorProto()
    t.ParseFromString(open(p, "rb").read())
    return t


for d in NAMES:
    name = os.path.basename(d)
    r = subprocess.run([TICKETC, f"{d}/model.onnx", "-o", f"{tmp}/{name}.c"], capture_output=True, text=True)
    shipped = "compiles" if r.returncode == 0 else "refused: " + r.stderr.splitlines()[0].split("error: ", 1)[-1][:110]
    m = onnx.load(f"{d}/model.onnx")
    ds = f"{d}/test_data_set_0"
    ins = [numpy_helper.to_array(load_pb(f"{ds}/input_{i}.pb")) for i in range(len(m.graph.input))]
    outs = [numpy_helper.to_array(load_pb(f"{ds}/output_{i}.pb")) for i in range(len(m.graph.output))]
    keep = [i for i, v in enumerate(m.graph.input) if v.name in ACT]
    for i, v in enumerate(m.graph.input):
        if i not in keep:
            m.graph.initializer.append(numpy_helper.from_array(ins[i], v.name))
    for i in sorted(set(range(len(m.graph.input))) - set(keep), reverse=True):
        del m.graph.input[i]
    onnx.save(m, f"{tmp}/{name}.onnx")
    r = subprocess.run([TICKETC, f"{tmp}/{name}.onnx", "--main", "-o", f"{tmp}/{name}.c"], capture_output=True, text=True)
    if r.returncode != 0:
        const = "refused: " + r.stderr.splitlines()[0].split("error: ", 1)[-1][:110]
    else:
        # the activation's scale/zp as the header gives them with --io int8 (float I/O: the driver quantises)
        node = m.graph.node[0]
        init = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
        x = ins[keep[0]]
        if x.dtype == np.float32:
            xs, xz = np.float32(1), 0
            feed = x
        else:
            xs, xz = init[node.input[1]].reshape(-1)[0], int(init[node.input[2]].reshape(-1)[0])
            feed = ((x.astype(np.int64) - xz).astype(np.float32) * np.float32(xs))
        subprocess.run(["cc", "-std=c99", "-O1", f"{tmp}/{name}.c", "-o", f"{tmp}/{name}.bin"], check=True)
        got = np.frombuffer(subprocess.run([f"{tmp}/{name}.bin"], input=feed.astype("<f4").tobytes(),
                                           capture_output=True, check=True).stdout, "<f4")
        want = outs[0]
        if want.dtype in (np.uint8, np.int8):
            ys, yz = init[node.input[-2 if node.op_type.startswith("QLinearMat") else 6 if node.op_type == "QLinearConv" else 1]].reshape(-1)[0], \
                int(init[node.input[-1 if node.op_type.startswith("QLinearMat") else 7 if node.op_type == "QLinearConv" else 2]].reshape(-1)[0])
            gq = np.rint(got / np.float32(ys)) + yz
            ok = gq.size == want.size and np.array_equal(gq, want.reshape(-1).astype(np.float64))
        else:
            ok = got.size == want.size and np.array_equal(got, want.reshape(-1).astype(np.float32))
        const = "pass (exact)" if ok else f"FAIL: got {got[:6]}, want {want.reshape(-1)[:6]}"
        passed += ok
    print(f"{name:50s} as shipped: {shipped}\n{'':50s} constant parameters: {const}")
print(f"{len(NAMES)} tests: as shipped 0 pass (every one feeds its scales as graph inputs); with constant parameters "
      f"{passed} pass")
