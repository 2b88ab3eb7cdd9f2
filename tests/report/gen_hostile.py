#!/usr/bin/python3
"""A model whose every name and string is hostile: comment terminators, line
splices, trigraphs, preprocessor lines, HTML and script, names that collide
once rewritten to C identifiers. It must compile to clean C that computes the
model, and to a report page that runs nothing.

usage: gen_hostile.py OUTDIR   (writes hostile.onnx, in.f32, expect.f32)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1]
rng = np.random.default_rng(8)
X = "x */ #define main exit ??/\n#include <stdio.h>"
W1, W2 = "w-1 */ <script>alert(1)</script>", "w_1 */ <img src=x onerror=alert(2)>"  # same C identifier
B1 = "b\\\n#error spliced"
H, Y = "h\r\n#pragma once", "y \u2028 </title><script>alert(3)</script>"
w1 = (rng.standard_normal((6, 8)) * (rng.random((6, 8)) < 0.4)).astype(np.float32)
b1 = rng.standard_normal(6).astype(np.float32)
w2 = (rng.standard_normal((6, 3)) * (rng.random((6, 3)) < 0.5)).astype(np.float32)
nodes = [helper.make_node("Gemm", [X, W1, B1], [H + "0"], transB=1, name="fc */ \\\n# define X ??= <b onclick=alert(4)>"),
         helper.make_node("Relu", [H + "0"], [H], name="relu\n*/ int injected;"),
         helper.make_node("MatMul", [H, W2], [Y], name="fc2 ??/\n <!-- --> &amp;")]
g = helper.make_graph(nodes, "g */ <script>", [helper.make_tensor_value_info(X, TensorProto.FLOAT, [1, 8])],
                      [helper.make_tensor_value_info(Y, TensorProto.FLOAT, [1, 3])],
                      [numpy_helper.from_array(w1, W1), numpy_helper.from_array(b1, B1), numpy_helper.from_array(w2, W2)])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)],
                      producer_name="evil */ </td></title><script>alert(5)</script>", producer_version="1\n#error")
m.ir_version = 8
onnx.save(m, os.path.join(OUT, "hostile.onnx"))
x = rng.standard_normal((4, 8)).astype(np.float32)
y = np.maximum(x.astype(np.float64) @ w1.T.astype(np.float64) + b1, 0) @ w2.astype(np.float64)
x.tofile(os.path.join(OUT, "in.f32"))
y.astype(np.float32).tofile(os.path.join(OUT, "expect.f32"))
