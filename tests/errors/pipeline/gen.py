#!/usr/bin/python3
"""Writes the ONNX reproducers of tests/errors/pipeline (committed; run this
only to change them): small models that must be refused by the passes
after loading, or whose outputs must not be left behind.

usage: gen.py OUTDIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)


def model(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, "pipeline", inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="gen.py")
    m.ir_version = 8
    return m


def fin(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def save(name, m, args=None, setup=None):
    onnx.save(m, os.path.join(OUT, name + ".onnx"))
    if args:
        open(os.path.join(OUT, name + ".args"), "w").write(args + "\n")
    if setup:
        open(os.path.join(OUT, name + ".setup"), "w").write(setup + "\n")


def ints(name, v):
    return numpy_helper.from_array(np.array(v, dtype=np.int64), name)


# item 7 and 14: a MatMul with a [3,0] weight (--report divided by zero)
W0 = numpy_helper.from_array(np.ones((3, 0), dtype=np.float32), "W")
save("matmul_empty_weight", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                                  [fin("x", [1, 3])], [fin("y", None)], [W0]), "-o out.c --report r.html")
# item 14: a Slice to nothing, a Softmax of an empty tensor
save("slice_to_nothing", model([helper.make_node("Slice", ["x", "s", "e", "a"], ["y"], name="cut")],
                               [fin("x", [1, 8])], [fin("y", None)], [ints("s", [5]), ints("e", [5]), ints("a", [1])]))
save("softmax_empty", model([helper.make_node("Slice", ["x", "s", "e", "a"], ["z"], name="cut"),
                             helper.make_node("Softmax", ["z"], ["y"], name="sm")],
                            [fin("x", [1, 8])], [fin("y", None)], [ints("s", [3]), ints("e", [1]), ints("a", [1])]))
# item 15: a 700-byte Resize to [1,2,7,8388611]: hundreds of MB of C
save("resize_huge", model([helper.make_node("Resize", ["x", "", "", "sz"], ["y"], name="up", mode="linear")],
                          [fin("x", [1, 2, 7, 1000])], [fin("y", None)], [ints("sz", [1, 2, 7, 8388611])]))
# item 15 counted as written: 40 Relu nodes make more than 4 KB of C (the early estimate sees no tables)
relus = [helper.make_node("Relu", ["x" if k == 0 else "r%d" % (k - 1)], ["r%d" % k], name="r%d" % k) for k in range(40)]
save("max_c_bytes", model(relus, [fin("x", [1, 4])], [fin("r39", None)]), "-o out.c --max-c-bytes 4096 --emit-dsl D")
# item 6: the node limit, checked right after loading
save("max_nodes", model(relus, [fin("x", [1, 4])], [fin("r39", None)]), "-o out.c --max-nodes 10")
# item 11: a model that loads (so --emit-dsl could write it) and fails in shape inference
save("fails_after_load", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                               [fin("x", [1, 5])], [fin("y", None)],
                               [numpy_helper.from_array(np.ones((3, 4), dtype=np.float32), "W")]),
     "-o out.c --emit-dsl D --report r.html")
# item 12: a good model (with a weight big enough for a .npy file), output paths that cannot be written
good = model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], [fin("x", [1, 3])], [fin("y", None)],
             [numpy_helper.from_array(np.ones((3, 8), dtype=np.float32), "W")])
save("out_is_dir", good, None, "mkdir out.c")
save("header_is_dir", good, None, "mkdir out.h")
save("report_is_dir", good, "-o out.c --report r.html", "mkdir r.html")
save("dsl_dir_is_file", good, "-o out.c --emit-dsl D", "echo keep > D")
# found only when the files are written: nothing of this run stays (out.c, D/W.npy, r.html)
save("dsl_file_is_dir", good, "-o out.c --emit-dsl D --report r.html", "mkdir -p D/model.tc")
save("no_such_dir", good, "-o nodir/out.c")
save("report_same_as_header", good, "-o out.c --report out.h")
