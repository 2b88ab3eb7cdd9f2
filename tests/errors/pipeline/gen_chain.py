#!/usr/bin/python3
"""Writes a chain of N Relu nodes, x -> Relu -> ... -> y, as ONNX (.onnx)
or as ticketc's model language (.tc), for the pipeline's time tests; with
"wide", N Relu of x all live until a chain of Adds sums them (N^2 pairs of
tensors live at the same time, for the memory plan).

usage: gen_chain.py N OUT.onnx|OUT.tc [wide]
"""
import sys


def write_tc(n, path):
    with open(path, "w") as f:
        f.write("input x [1, 4]\n")
        prev = "x"
        for k in range(n):
            f.write("r%d = relu(%s)\n" % (k, prev))
            prev = "r%d" % k
        f.write("output %s\n" % prev)


def write_onnx(n, path):
    from onnx import TensorProto, helper
    nodes = [helper.make_node("Relu", ["x" if k == 0 else "r%d" % (k - 1)], ["r%d" % k], name="n%d" % k)
             for k in range(n)]
    g = helper.make_graph(nodes, "chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                          [helper.make_tensor_value_info("r%d" % (n - 1), TensorProto.FLOAT, [1, 4])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="gen_chain.py")
    m.ir_version = 8
    with open(path, "wb") as f:
        f.write(m.SerializeToString())


def write_wide(n, path):
    from onnx import TensorProto, helper
    nodes = [helper.make_node("Relu", ["x"], ["r%d" % k]) for k in range(n)]
    prev = "r0"
    for k in range(1, n):
        nodes.append(helper.make_node("Add", [prev, "r%d" % k], ["a%d" % k]))
        prev = "a%d" % k
    g = helper.make_graph(nodes, "wide", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                          [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [1, 4])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="gen_chain.py")
    m.ir_version = 8
    with open(path, "wb") as f:
        f.write(m.SerializeToString())


n, path = int(sys.argv[1]), sys.argv[2]
if sys.argv[3:] == ["wide"]:
    write_wide(n, path)
else:
    (write_tc if path.endswith(".tc") else write_onnx)(n, path)
