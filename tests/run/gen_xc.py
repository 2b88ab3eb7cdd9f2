#!/usr/bin/python3
"""The run test of the dense Gemm's table compressed for AVX-512
(emit_linear.c, XTable): a Gemm large and sparse enough that auto writes it
(3,072 -> 270 at 20% kept after a ReLU, 3.3 MB dense: one group of 256
outputs and a last of 14, stored through the tail), batch 2, pruned weights
as +0 and -0, a few inputs that are all 0. Expected outputs by numpy.

usage: gen_xc.py OUTDIR   writes model.onnx, in.f32, expect.f32
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(20261206)
OUT = sys.argv[1]
K, N, B = 3072, 270, 2

W = (rng.standard_normal((N, K)) * 0.05).astype(np.float32)
pruned = rng.random((N, K)) >= 0.2
W[pruned] = np.where(rng.random(int(pruned.sum())) < 0.5, np.float32(0.0), np.float32(-0.0))
W[:, 5] = 0.0  # an input no output keeps
W[7, :] = 0.0  # an output that keeps nothing
b = (rng.standard_normal(N) * 0.1).astype(np.float32)
g = helper.make_graph(
    [helper.make_node("Relu", ["x"], ["r"]), helper.make_node("Gemm", ["r", "W", "b"], ["y"], transB=1)],
    "xc", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [B, K])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    [numpy_helper.from_array(W, "W"), numpy_helper.from_array(b, "b")])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="gen_xc.py")
m.ir_version = 8
os.makedirs(OUT, exist_ok=True)
onnx.save(m, os.path.join(OUT, "model.onnx"))
with open(os.path.join(OUT, "in.f32"), "wb") as fi, open(os.path.join(OUT, "expect.f32"), "wb") as fe:
    for s in range(4):
        x = rng.standard_normal((B, K)).astype(np.float32)
        if s == 1:
            x[1] = -np.abs(x[1])  # a row whose ReLU is all 0: every output its bias
        fi.write(x.tobytes())
        r = np.maximum(x, 0).astype(np.float64)
        fe.write((r @ W.T.astype(np.float64) + b).astype(np.float32).tobytes())
