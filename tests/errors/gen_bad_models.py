#!/usr/bin/python3
"""Builds the bad-input corpus: each case OUTDIR/<case>.onnx (plus
OUTDIR/<case>.args with extra options) must be refused with exit 1 and the
message in tests/errors/<case>.err, leaving no output file.

usage: gen_bad_models.py OUTDIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)


def model(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, "bad", inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="gen_bad_models.py")
    m.ir_version = 8
    return m


def fin(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def save(name, m, args=None):
    path = os.path.join(OUT, name + ".onnx")
    if isinstance(m, bytes):
        open(path, "wb").write(m)
    else:
        onnx.save(m, path)
    if args:
        open(os.path.join(OUT, name + ".args"), "w").write(args + "\n")


W = numpy_helper.from_array(np.ones((3, 4), dtype=np.float32), "W")
good = model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], [fin("x", [1, 3])], [fin("y", [1, 4])], [W])

save("unsupported_op", model([helper.make_node("NonMaxSuppression", ["x", "W"], ["y"], name="nms1")],
                             [fin("x", [1, 3])], [fin("y", None)], [W]))
save("custom_domain", model([helper.make_node("Gelu", ["x"], ["y"], name="g", domain="com.microsoft")],
                            [fin("x", [1, 3])], [fin("y", None)]))
data = good.SerializeToString()
save("truncated", data[: len(data) // 2])
save("garbage", bytes((i * 97 + 13) % 256 for i in range(300)))
save("empty", b"")

t = numpy_helper.from_array(np.ones((3, 4), dtype=np.float32), "W")
t.raw_data = t.raw_data[:-4]
save("raw_size_mismatch", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                                [fin("x", [1, 3])], [fin("y", None)], [t]))
t = helper.make_tensor("W", TensorProto.FLOAT, [3, 4], [1.0] * 12)
del t.float_data[-1]
save("float_count_mismatch", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                                   [fin("x", [1, 3])], [fin("y", None)], [t]))
t = helper.make_tensor("W", TensorProto.FLOAT, [3, 4], [1.0] * 12)
del t.float_data[:]
t.data_location = TensorProto.EXTERNAL
t.external_data.add(key="location", value="weights.bin")
save("external_data", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                            [fin("x", [1, 3])], [fin("y", None)], [t]))
t = helper.make_tensor("W", TensorProto.FLOAT, [1], [1.0])
t.dims[:] = [1 << 20, 1 << 20]
save("absurd_dims", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                          [fin("x", [1, 3])], [fin("y", None)], [t]))
t = helper.make_tensor("W", TensorProto.STRING, [1], [b"hello"])
save("string_tensor", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                            [fin("x", [1, 3])], [fin("y", None)], [t]))
save("dangling_input", model([helper.make_node("MatMul", ["x", "nowhere"], ["y"], name="mm")],
                             [fin("x", [1, 3])], [fin("y", None)], [W]))
save("cycle", model([helper.make_node("Relu", ["b"], ["a"], name="r1"),
                     helper.make_node("Relu", ["a"], ["b"], name="r2")],
                    [fin("x", [1, 3])], [fin("b", None)]))
save("duplicate_output", model([helper.make_node("Relu", ["x"], ["a"], name="r1"),
                                helper.make_node("Relu", ["x"], ["a"], name="r2")],
                               [fin("x", [1, 3])], [fin("a", None)]))
save("symbolic_dim", model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                           [fin("x", ["N", "features"])], [fin("y", None)]))
save("int_input", model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                        [helper.make_tensor_value_info("x", TensorProto.INT64, [1, 3])], [fin("y", None)]))
save("gemm_inner_mismatch", model([helper.make_node("Gemm", ["x", "W"], ["y"], name="fc2", transB=1)],
                                  [fin("x", [1, 3])], [fin("y", None)], [W]))
save("bad_reshape", model([helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")],
                          [fin("x", [1, 6])], [fin("y", None)],
                          [numpy_helper.from_array(np.array([4, -1], dtype=np.int64), "s")]))
save("runtime_shape", model([helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")],
                            [fin("x", [1, 6]), helper.make_tensor_value_info("s", TensorProto.INT64, [2])],
                            [fin("y", None)]))
nanw = numpy_helper.from_array(np.array([[1.0, np.nan, 0, 0]] * 3, dtype=np.float32), "W")
save("nan_weight", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                         [fin("x", [1, 3])], [fin("y", None)], [nanw]))
save("dropout_training", model([helper.make_node("Dropout", ["x", "", "t"], ["y"], name="drop")],
                               [fin("x", [1, 3])], [fin("y", None)],
                               [numpy_helper.from_array(np.array(True), "t")]))
save("missing_output", model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                             [fin("x", [1, 3])], [fin("z", None)]))
big = numpy_helper.from_array(np.ones((3, 300), dtype=np.float32), "W")
save("too_large", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                        [fin("x", [1, 3])], [fin("y", None)], [big]), args="--max-bytes 2048")

# spatial ops: bad attributes and shapes, unsupported values
W4 = numpy_helper.from_array(np.ones((2, 2, 3, 3), dtype=np.float32), "W4")
save("conv_bad_group", model([helper.make_node("Conv", ["x", "W4"], ["y"], name="conv1", group=3)],
                             [fin("x", [1, 4, 5, 5])], [fin("y", None)], [W4]))
save("conv_weight_channels", model([helper.make_node("Conv", ["x", "W4"], ["y"], name="conv1")],
                                   [fin("x", [1, 3, 5, 5])], [fin("y", None)], [W4]))
save("conv_3d", model([helper.make_node("Conv", ["x", "W5"], ["y"], name="conv3d")],
                      [fin("x", [1, 2, 4, 4, 4])], [fin("y", None)],
                      [numpy_helper.from_array(np.ones((1, 2, 2, 2, 2), dtype=np.float32), "W5")]))
save("pool_bad_auto_pad", model([helper.make_node("MaxPool", ["x"], ["y"], name="pool1", kernel_shape=[2, 2],
                                                  auto_pad="SAME")],
                                [fin("x", [1, 1, 4, 4])], [fin("y", None)]))
save("pool_window_too_big", model([helper.make_node("AveragePool", ["x"], ["y"], name="pool1", kernel_shape=[5, 2])],
                                  [fin("x", [1, 1, 4, 4])], [fin("y", None)]))
save("batchnorm_training", model([helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn1",
                                                   training_mode=1)],
                                 [fin("x", [1, 2, 3, 3])], [fin("y", None)],
                                 [numpy_helper.from_array(np.ones(2, dtype=np.float32), k) for k in "sbmv"], opset=15))
save("resize_cubic", model([helper.make_node("Resize", ["x", "", "sc"], ["y"], name="up", mode="cubic")],
                           [fin("x", [1, 1, 4, 4])], [fin("y", None)],
                           [numpy_helper.from_array(np.array([1, 1, 2, 2], dtype=np.float32), "sc")]))
save("pad_wrap", model([helper.make_node("Pad", ["x", "p"], ["y"], name="pad1", mode="wrap")],
                       [fin("x", [1, 4])], [fin("y", None)],
                       [numpy_helper.from_array(np.array([0, 1, 0, 1], dtype=np.int64), "p")]))
save("gelu_approximate", model([helper.make_node("Gelu", ["x"], ["y"], name="gelu1", approximate="fast")],
                               [fin("x", [1, 3])], [fin("y", None)], opset=20))
save("reduce_keepdims", model([helper.make_node("ReduceMean", ["x"], ["y"], name="mean1", axes=[1], keepdims=2)],
                              [fin("x", [1, 3])], [fin("y", None)]))
save("slice_zero_step", model([helper.make_node("Slice", ["x", "s", "e", "a", "st"], ["y"], name="sl")],
                              [fin("x", [1, 6])], [fin("y", None)],
                              [numpy_helper.from_array(np.array([v], dtype=np.int64), k)
                               for k, v in [("s", 0), ("e", 6), ("a", 1), ("st", 0)]]))
save("split_uneven", model([helper.make_node("Split", ["x"], ["a", "b"], name="halves", axis=1)],
                           [fin("x", [1, 5])], [fin("a", None), fin("b", None)]))
save("clip_bound_shape", model([helper.make_node("Clip", ["x", "lo"], ["y"], name="clamp")],
                               [fin("x", [1, 3])], [fin("y", None)],
                               [numpy_helper.from_array(np.zeros(3, dtype=np.float32), "lo")]))
save("rnn_activations", model([helper.make_node("RNN", ["x", "W", "R"], ["", "h"], name="rnn1", hidden_size=2,
                                                activations=["Relu"])],
                              [fin("x", [1, 1, 3])], [fin("h", None)],
                              [numpy_helper.from_array(np.ones((1, 2, 3), dtype=np.float32), "W"),
                               numpy_helper.from_array(np.ones((1, 2, 2), dtype=np.float32), "R")], opset=14))

# found by fuzz_onnx: the product of the target dimensions overflowed before the size check
save("reshape_overflow", model([helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")],
                               [fin("x", [1, 4])], [fin("y", None)],
                               [numpy_helper.from_array(np.array([422875168768, 1152921504606846977], dtype=np.int64), "s")]))

# found by fuzz_onnx (a 10 s timeout): a Pad whose result alone is gigabytes; every computed
# tensor is now held to --max-bytes like the constants
save("pad_huge", model([helper.make_node("Pad", ["x", "p"], ["y"], name="pad1")],
                       [fin("x", [1, 100, 4])], [fin("y", None)],
                       [numpy_helper.from_array(np.array([0, 0, 0, 0, 0, 10000000], dtype=np.int64), "p")]))
