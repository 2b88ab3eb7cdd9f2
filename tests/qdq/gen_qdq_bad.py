#!/usr/bin/env python3
"""Bad or unsupported quantized models for tests/qdq/run.sh: each must be refused with
one message naming the node, exit 1, nothing written.  gen_qdq_bad.py OUTDIR"""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto as TP

out = sys.argv[1]


def qdq_model(name, s_val, zp=None, zp_type=TP.UINT8, w_scale=None, w_zp=None, extra=None, w=None, w_type=TP.INT8):
    """x -> Q -> DQ -> MatMul(DQ(W)) -> Q -> DQ -> y, with the given (bad) parameters"""
    inits = [numpy_helper.from_array(np.array(0.1, np.float32), "s"),
             numpy_helper.from_array(np.array(5, np.uint8), "z"),
             numpy_helper.from_array(np.ones(3, np.float32) * 0.01 if w_scale is None else w_scale, "ws"),
             helper.make_tensor("w", w_type, [4, 3], (np.arange(12) % 7 - 3).tolist() if w is None else w)]
    inits.append(helper.make_tensor("sx", TP.FLOAT, [], [s_val]))
    inits.append(helper.make_tensor("s3", TP.FLOAT, [], [0.3]))
    if zp is not None:
        inits.append(helper.make_tensor("zx", zp_type, [], [zp]))
    wz = []
    if w_zp is not None:
        inits.append(helper.make_tensor("wz", w_type, [len(w_zp)], w_zp))
        wz = ["wz"]
    nodes = [helper.make_node("QuantizeLinear", ["x", "sx"] + (["zx"] if zp is not None else []), ["xq"], name="q_in"),
             helper.make_node("DequantizeLinear", ["xq", "sx"] + (["zx"] if zp is not None else []), ["xd"], name="dq_in"),
             helper.make_node("DequantizeLinear", ["w", "ws"] + wz, ["wd"], name="dq_w", axis=1),
             helper.make_node("MatMul", ["xd", "wd"], ["h"], name="mm")]
    nodes += extra if extra else [helper.make_node("QuantizeLinear", ["h", "s", "z"], ["hq"], name="q_out"),
                                  helper.make_node("DequantizeLinear", ["hq", "s", "z"], ["y"], name="dq_out")]
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TP.FLOAT, [1, 4])],
                          [helper.make_tensor_value_info("y", TP.FLOAT, [1, 3])], inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), f"{out}/{name}.onnx")


qdq_model("scale_zero", 0.0)
qdq_model("scale_neg", -0.5)
qdq_model("scale_nan", float("nan"))
qdq_model("scale_inf", float("inf"))
qdq_model("zp_range", 0.1, zp=300, zp_type=TP.UINT8)   # int32_data holds what the type cannot
qdq_model("zp_range8", 0.1, zp=-129, zp_type=TP.INT8)
qdq_model("axis_len", 0.1, w_scale=np.ones(4, np.float32) * 0.01)   # 4 scales, axis 1 has 3
qdq_model("wzp_len", 0.1, w_zp=[0, 0])                                # 2 zero points, 3 scales
qdq_model("uint8_w", 0.1, w=[200] * 12, w_type=TP.UINT8, w_zp=[0, 0, 0])  # q - zp = 200: not int8
qdq_model("island", 0.1, extra=[helper.make_node("Sigmoid", ["h"], ["hs"], name="sig"),
                                helper.make_node("QuantizeLinear", ["hs", "s", "z"], ["hq"], name="q_out"),
                                helper.make_node("DequantizeLinear", ["hq", "s", "z"], ["y"], name="dq_out")])
qdq_model("unquantized_out", 0.1, extra=[helper.make_node("Relu", ["h"], ["y"], name="relu_out")])
qdq_model("two_scales", 0.1, extra=[helper.make_node("QuantizeLinear", ["h", "s", "z"], ["hq"], name="q_out"),
                                    helper.make_node("QuantizeLinear", ["h", "s3", "z"], ["hq2"], name="q_out2"),
                                    helper.make_node("DequantizeLinear", ["hq", "s", "z"], ["y"], name="dq_out")])
# a Clip on the integers between QuantizeLinear and DequantizeLinear (PyTorch's reduce_range export)
qdq_model("int_clip", 0.1, extra=[helper.make_node("QuantizeLinear", ["h", "s", "z"], ["hq"], name="q_out"),
                                  helper.make_node("Clip", ["hq", "", "z"], ["hc"], name="clip_q"),
                                  helper.make_node("DequantizeLinear", ["hc", "s", "z"], ["y"], name="dq_out")])

# a Relu on the integers between QuantizeLinear and DequantizeLinear: no op but Clip is taken there
qdq_model("int_relu", 0.1, extra=[helper.make_node("QuantizeLinear", ["h", "s", "z"], ["hq"], name="q_out"),
                                  helper.make_node("Relu", ["hq"], ["hc"], name="relu_q"),
                                  helper.make_node("DequantizeLinear", ["hc", "s", "z"], ["y"], name="dq_out")])

# MatMulInteger: int32 results
g = helper.make_graph([helper.make_node("MatMulInteger", ["x", "w"], ["y"], name="mmi")], "mmi",
                      [helper.make_tensor_value_info("x", TP.UINT8, [1, 4])],
                      [helper.make_tensor_value_info("y", TP.INT32, [1, 3])],
                      [numpy_helper.from_array(np.ones((4, 3), np.uint8), "w")])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), f"{out}/mmi.onnx")

# an int8 graph input in a model without quantized operators (an integer tensor at run time; Relu refuses it)
g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="r")], "int_in",
                      [helper.make_tensor_value_info("x", TP.INT8, [1, 4])],
                      [helper.make_tensor_value_info("y", TP.INT8, [1, 4])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), f"{out}/int_in.onnx")
