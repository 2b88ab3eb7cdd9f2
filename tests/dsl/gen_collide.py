#!/usr/bin/python3
"""A model whose weight names collide once made file names (issue 17 item 8):
a/b sanitises to a_b, whose fallback a_b_t2 is another weight's own name;
A_B differs from a_b only in case. y = x + 1 + 10 + 100 + 1000 + 10000, so
a weight read from another's file changes y.

usage: gen_collide.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

names = ["a_b", "a_b_t2", "a/b", "A_B", "a_b_t3_2"]
# [1,17]: more than 16 numbers, so each weight goes to a .npy file
inits = [numpy_helper.from_array(np.full((1, 17), float(10 ** k), np.float32), nm) for k, nm in enumerate(names)]
nodes, prev = [], "x"
for k, nm in enumerate(names):
    nodes.append(helper.make_node("Add", [prev, nm], ["s%d" % k], name="add%d" % k))
    prev = "s%d" % k
g = helper.make_graph(nodes, "collide", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 17])],
                      [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [1, 17])], inits)
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="gen_collide.py")
m.ir_version = 8
onnx.save(m, sys.argv[1])
