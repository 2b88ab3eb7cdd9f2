#!/usr/bin/python3
"""Writes the ONNX models of the golden tests into tests/golden/ (fixed seeds).

The models are committed: `make golden` never runs this. Run it by hand
(Debian's python3-onnx and numpy) only to add or change a case, then
`make regen-golden` and review the diff.

Numbering: 01-29 emitted C (.c + .h expected), 30-99 ONNX error messages
(.err expected). DSL cases (.tc) are written by hand beside these; the
DSL error cases stay in tests/dsl/bad/, which the golden runner covers too.

usage: tests/golden/gen.py [DIR]   (default: the directory of this script)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))


def model(nodes, inputs, outputs, inits=(), opset=13, name="golden"):
    g = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="gen.py")
    m.ir_version = 8
    return m


def fin(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def save(name, m, opts=None):
    path = os.path.join(OUT, name + ".onnx")
    with open(path, "wb") as f:
        f.write(m if isinstance(m, bytes) else m.SerializeToString())
    if opts:
        with open(os.path.join(OUT, name + ".opts"), "w") as f:
            f.write(opts + "\n")


def sparse(rng, shape, density):
    """Weights in steps of 1/8 (short literals), about density of them kept."""
    w = np.round(rng.uniform(-2, 2, shape) * 8) / 8
    w[w == 0] = 0.125
    w[rng.random(shape) >= density] = 0
    return w.astype(np.float32)


# ---- 01-29: emitted C ----

# the small sparse MLP 8 -> 6 -> 3 (about 30% of the weights kept), every strategy and option
rng = np.random.default_rng(15)
w1, b1 = sparse(rng, (6, 8), 0.3), (np.round(rng.uniform(-1, 1, 6) * 8) / 8).astype(np.float32)
w2, b2 = sparse(rng, (3, 6), 0.3), (np.round(rng.uniform(-1, 1, 3) * 8) / 8).astype(np.float32)
mlp = model([helper.make_node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["h"], name="fc1", transB=1),
             helper.make_node("Relu", ["h"], ["a"], name="relu1"),
             helper.make_node("Gemm", ["a", "fc2.weight", "fc2.bias"], ["y"], name="fc2", transB=1)],
            [fin("x", [1, 8])], [fin("y", [1, 3])],
            [numpy_helper.from_array(w1, "fc1.weight"), numpy_helper.from_array(b1, "fc1.bias"),
             numpy_helper.from_array(w2, "fc2.weight"), numpy_helper.from_array(b2, "fc2.bias")])
save("01_mlp_auto", mlp)
save("02_mlp_unrolled", mlp, "--strategy unrolled")
save("03_mlp_loop", mlp, "--strategy loop")
save("04_mlp_dense", mlp, "--strategy dense")
save("05_mlp_stream", mlp, "--target cortex-m --strategy unrolled")
save("06_mlp_annotate", mlp, "--annotate --strategy unrolled")
save("07_mlp_main", mlp, "--main")
save("08_mlp_split", mlp, "--strategy unrolled --max-terms 4 --partial-sums 2 --no-fma")
save("09_mlp_section", mlp, "--target cortex-m --strategy unrolled --weights-section .tc_weights --prefix net")
save("15_mlp_cortex_m_auto", mlp, "--target cortex-m")

# Conv, unrolled: a row of 8 interior positions at unit stride takes the vector
# path (#if TC_VEC); stride 2 along the row takes the plain loop only
rng = np.random.default_rng(10)
wc, bc = sparse(rng, (2, 1, 3, 3), 0.5), np.array([0.25, -0.5], dtype=np.float32)
conv = [numpy_helper.from_array(wc, "conv.weight"), numpy_helper.from_array(bc, "conv.bias")]
save("10_conv_vec", model([helper.make_node("Conv", ["x", "conv.weight", "conv.bias"], ["c"], name="conv1",
                                            kernel_shape=[3, 3]),
                           helper.make_node("Relu", ["c"], ["y"], name="relu1")],
                          [fin("x", [1, 1, 10, 10])], [fin("y", [1, 2, 8, 8])], conv), "--strategy unrolled")
save("11_conv_plain", model([helper.make_node("Conv", ["x", "conv.weight", "conv.bias"], ["y"], name="conv1",
                                              kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])],
                            [fin("x", [1, 1, 6, 6])], [fin("y", [1, 2, 3, 3])], conv), "--strategy unrolled")
save("12_conv_dense", model([helper.make_node("Conv", ["x", "conv.weight", "conv.bias"], ["y"], name="conv1",
                                              kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
                            [fin("x", [1, 1, 4, 4])], [fin("y", [1, 2, 4, 4])], conv), "--strategy dense")

# the register-blocked dense Conv (emit_conv_dense.c): 6 output channels, a
# padded border, fused ReLU; its C99 fallback beside the vector form
rng_b = np.random.default_rng(23)
wb = np.round(rng_b.standard_normal((6, 2, 3, 3)), 2).astype(np.float32)
wb[wb < -1.0] = 0.0
blocked = [numpy_helper.from_array(wb, "conv.weight"),
           numpy_helper.from_array(np.round(rng_b.standard_normal(6), 2).astype(np.float32), "conv.bias")]
save("23_conv_dense_blocked", model([helper.make_node("Conv", ["x", "conv.weight", "conv.bias"], ["c"], name="conv1",
                                                      kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
                                     helper.make_node("Relu", ["c"], ["y"], name="relu1")],
                                    [fin("x", [1, 2, 4, 9])], [fin("y", [1, 6, 4, 9])], blocked), "--strategy dense")

# a padded Conv with every weight pruned: each channel is its bias, and no
# border function or tap table may be left unused (-Wall -Werror, issue 19)
zero = [numpy_helper.from_array(np.zeros((2, 2, 3, 3), dtype=np.float32), "conv.weight"),
        numpy_helper.from_array(np.array([0.25, -0.5], dtype=np.float32), "conv.bias")]
save("21_conv_pruned", model([helper.make_node("Conv", ["x", "conv.weight", "conv.bias"], ["y"], name="conv1",
                                               kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
                             [fin("x", [1, 2, 4, 4])], [fin("y", [1, 2, 4, 4])], zero))
# the same on Cortex-M (the per-channel form): no padded input copy either
save("26_conv_pruned_cortex_m", model([helper.make_node("Conv", ["x", "conv.weight", "conv.bias"], ["y"], name="conv1",
                                                        kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
                                      [fin("x", [1, 2, 4, 4])], [fin("y", [1, 2, 4, 4])], zero), "--target cortex-m")

# dense layers skip inputs that are 0 at run time where they pay (issue 19):
# fc1 (32 outputs) reads the model input; fc2 (3 outputs) is too narrow
rng = np.random.default_rng(22)
w1, b1 = sparse(rng, (32, 4), 0.5), (np.round(rng.uniform(-1, 1, 32) * 8) / 8).astype(np.float32)
w2, b2 = sparse(rng, (3, 32), 0.5), (np.round(rng.uniform(-1, 1, 3) * 8) / 8).astype(np.float32)
# issue 18: integer and bool tensors at run time (emit_types.c): an int64 input and a bool
# output beside a float one, comparisons, logic, Where, Cast, ArgMax, Gather and GatherElements
# at run-time indices, integer arithmetic
save("24_typed_ops", model([
    helper.make_node("ArgMax", ["x"], ["am"], name="argmax1", axis=1, keepdims=0),
    helper.make_node("Equal", ["am", "k"], ["eq"], name="eq1"),
    helper.make_node("Greater", ["x", "zero"], ["pos"], name="gt1"),
    helper.make_node("Not", ["pos"], ["npos"], name="not1"),
    helper.make_node("Xor", ["npos", "m"], ["mask"], name="xor1"),
    helper.make_node("Where", ["mask", "x", "zero"], ["w"], name="where1"),
    helper.make_node("Gather", ["w", "am"], ["g"], name="gather1", axis=1),
    helper.make_node("GatherElements", ["x", "idx"], ["ge"], name="ge1", axis=1),
    helper.make_node("Cast", ["eq"], ["eqi"], name="cast1", to=TensorProto.INT32),
    helper.make_node("Cast", ["eqi"], ["eqf"], name="cast2", to=TensorProto.FLOAT),
    helper.make_node("Mul", ["idx", "idx"], ["sq"], name="mul1"),
    helper.make_node("Div", ["sq", "three"], ["q"], name="div1"),
    helper.make_node("Sub", ["q", "sq"], ["qr"], name="sub1"),
    helper.make_node("Neg", ["qr"], ["nqr"], name="neg1"),
    helper.make_node("Add", ["g", "ge"], ["s"], name="add1")],
    [fin("x", [2, 4]), helper.make_tensor_value_info("idx", TensorProto.INT64, [2, 2]),
     helper.make_tensor_value_info("m", TensorProto.BOOL, [4])],
    [fin("s", None), helper.make_tensor_value_info("mask", TensorProto.BOOL, None),
     fin("eqf", None), helper.make_tensor_value_info("nqr", TensorProto.INT64, None)],
    [numpy_helper.from_array(np.array(2, dtype=np.int64), "k"),
     numpy_helper.from_array(np.array(0, dtype=np.float32), "zero"),
     numpy_helper.from_array(np.array(-3, dtype=np.int64), "three")]), "--main")

save("22_dense_zero_skip",
     model([helper.make_node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["h"], name="fc1", transB=1),
            helper.make_node("Relu", ["h"], ["a"], name="relu1"),
            helper.make_node("Gemm", ["a", "fc2.weight", "fc2.bias"], ["y"], name="fc2", transB=1)],
           [fin("x", [1, 4])], [fin("y", [1, 3])],
           [numpy_helper.from_array(w1, "fc1.weight"), numpy_helper.from_array(b1, "fc1.bias"),
            numpy_helper.from_array(w2, "fc2.weight"), numpy_helper.from_array(b2, "fc2.bias")]), "--strategy dense")

# hostile names: comment closers, newlines, quotes, backslashes, unicode, escape
# bytes, leading digits, C keywords, names equal after sanitising ('a.b', 'a_b';
# '2.weight', '2_weight'), an empty name; plain and annotated unrolled code
rng = np.random.default_rng(13)
hostile = model(
    [helper.make_node("MatMul", ["in\"put*/\n", "int"], ["a.b"], name="*/ #include <stdio.h> /*"),
     helper.make_node("Relu", ["a.b"], ["a_b"], name="r\u00e9lu\n\x1b[31m\\"),
     helper.make_node("MatMul", ["a_b", "2.weight"], ["a-b"], name="a.b"),
     helper.make_node("MatMul", ["a-b", "2_weight"], ["while"], name="a_b"),
     helper.make_node("Sigmoid", ["while"], ["return"], name="\u7f51\u7edc"),
     helper.make_node("Tanh", ["return"], ["\"quoted\" 'out'"], name="")],
    [fin("in\"put*/\n", [1, 3])], [fin("\"quoted\" 'out'", [1, 3])],
    [numpy_helper.from_array(sparse(rng, (3, 2), 0.7), "int"),
     numpy_helper.from_array(sparse(rng, (2, 3), 0.7), "2.weight"),
     numpy_helper.from_array(sparse(rng, (3, 3), 0.5), "2_weight")], name="*/ evil \\")
# Dropout's mask read: a constant, all true (training mode with ratio 0 drops nothing either)
save("18_dropout_mask", model([helper.make_node("Dropout", ["x", "r", "t"], ["d", "m"], name="drop1"),
                               helper.make_node("Relu", ["d"], ["y"], name="relu1")],
                              [fin("x", [1, 3])], [fin("y", [1, 3]), helper.make_tensor_value_info("m", TensorProto.BOOL, [1, 3])],
                              [numpy_helper.from_array(np.array(0.0, dtype=np.float32), "r"),
                               numpy_helper.from_array(np.array(True), "t")]))
# no graph inputs: y = Relu(c) (a node at run time, of a constant) and c itself; <prefix>_run
# takes the outputs only, --main reads nothing and runs once
cval = numpy_helper.from_array(np.array([[-1.5, 0.25, 2.0], [0.5, -0.125, 3.0]], dtype=np.float32), "cv")
save("19_no_inputs", model([helper.make_node("Constant", [], ["c"], name="const1", value=cval),
                            helper.make_node("Relu", ["c"], ["y"], name="relu1")],
                           [], [fin("y", [2, 3]), fin("c", [2, 3])]), "--main")
save("13_hostile_names", hostile)
save("14_hostile_annotate", hostile, "--strategy unrolled --annotate")

# ---- 30-99: ONNX error messages (were tests/errors/gen_bad_models.py) ----

W = numpy_helper.from_array(np.ones((3, 4), dtype=np.float32), "W")
good = model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], [fin("x", [1, 3])], [fin("y", [1, 4])], [W])


def err(name, m, opts=None):
    save(name, m, opts)


err("30_unsupported_op", model([helper.make_node("NonMaxSuppression", ["x", "W"], ["y"], name="nms1")],
                               [fin("x", [1, 3])], [fin("y", None)], [W]))
err("31_custom_domain", model([helper.make_node("Gelu", ["x"], ["y"], name="g", domain="com.microsoft")],
                              [fin("x", [1, 3])], [fin("y", None)]))
data = good.SerializeToString()
err("32_truncated", data[: len(data) // 2])
err("33_garbage", bytes((i * 97 + 13) % 256 for i in range(300)))
err("34_empty", b"")

t = numpy_helper.from_array(np.ones((3, 4), dtype=np.float32), "W")
t.raw_data = t.raw_data[:-4]
err("35_raw_size_mismatch", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                                  [fin("x", [1, 3])], [fin("y", None)], [t]))
t = helper.make_tensor("W", TensorProto.FLOAT, [3, 4], [1.0] * 12)
del t.float_data[-1]
err("36_float_count_mismatch", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                                     [fin("x", [1, 3])], [fin("y", None)], [t]))
t = helper.make_tensor("W", TensorProto.FLOAT, [3, 4], [1.0] * 12)
del t.float_data[:]
t.data_location = TensorProto.EXTERNAL
t.external_data.add(key="location", value="weights.bin")
err("37_external_data", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                              [fin("x", [1, 3])], [fin("y", None)], [t]))
t = helper.make_tensor("W", TensorProto.FLOAT, [1], [1.0])
t.dims[:] = [1 << 20, 1 << 20]
err("38_absurd_dims", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                            [fin("x", [1, 3])], [fin("y", None)], [t]))
t = helper.make_tensor("W", TensorProto.STRING, [1], [b"hello"])
err("39_string_tensor", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                              [fin("x", [1, 3])], [fin("y", None)], [t]))
err("40_dangling_input", model([helper.make_node("MatMul", ["x", "nowhere"], ["y"], name="mm")],
                               [fin("x", [1, 3])], [fin("y", None)], [W]))
err("41_cycle", model([helper.make_node("Relu", ["b"], ["a"], name="r1"),
                       helper.make_node("Relu", ["a"], ["b"], name="r2")],
                      [fin("x", [1, 3])], [fin("b", None)]))
err("42_duplicate_output", model([helper.make_node("Relu", ["x"], ["a"], name="r1"),
                                  helper.make_node("Relu", ["x"], ["a"], name="r2")],
                                 [fin("x", [1, 3])], [fin("a", None)]))
err("43_symbolic_dim", model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                             [fin("x", ["N", "features"])], [fin("y", None)]))
err("44_int_input", model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                          [helper.make_tensor_value_info("x", TensorProto.INT64, [1, 3])], [fin("y", None)]))
err("45_gemm_inner_mismatch", model([helper.make_node("Gemm", ["x", "W"], ["y"], name="fc2", transB=1)],
                                    [fin("x", [1, 3])], [fin("y", None)], [W]))
err("46_bad_reshape", model([helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")],
                            [fin("x", [1, 6])], [fin("y", None)],
                            [numpy_helper.from_array(np.array([4, -1], dtype=np.int64), "s")]))
err("47_runtime_shape", model([helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")],
                              [fin("x", [1, 6]), helper.make_tensor_value_info("s", TensorProto.INT64, [2])],
                              [fin("y", None)]))
nanw = numpy_helper.from_array(np.array([[1.0, np.nan, 0, 0]] * 3, dtype=np.float32), "W")
err("48_nan_weight", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                           [fin("x", [1, 3])], [fin("y", None)], [nanw]))
err("49_dropout_training", model([helper.make_node("Dropout", ["x", "", "t"], ["y"], name="drop")],
                                 [fin("x", [1, 3])], [fin("y", None)],
                                 [numpy_helper.from_array(np.array(True), "t")]))
err("50_missing_output", model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                               [fin("x", [1, 3])], [fin("z", None)]))
big = numpy_helper.from_array(np.ones((3, 300), dtype=np.float32), "W")
err("51_too_large", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                          [fin("x", [1, 3])], [fin("y", None)], [big]), "--max-bytes 2048")

# spatial ops: bad attributes and shapes, unsupported values
W4 = numpy_helper.from_array(np.ones((2, 2, 3, 3), dtype=np.float32), "W4")
err("52_conv_bad_group", model([helper.make_node("Conv", ["x", "W4"], ["y"], name="conv1", group=3)],
                               [fin("x", [1, 4, 5, 5])], [fin("y", None)], [W4]))
err("53_conv_weight_channels", model([helper.make_node("Conv", ["x", "W4"], ["y"], name="conv1")],
                                     [fin("x", [1, 3, 5, 5])], [fin("y", None)], [W4]))
err("54_conv_4d", model([helper.make_node("Conv", ["x", "W6"], ["y"], name="conv4d")],
                        [fin("x", [1, 2, 4, 4, 4, 4])], [fin("y", None)],
                        [numpy_helper.from_array(np.ones((1, 2, 2, 2, 2, 2), dtype=np.float32), "W6")]))
err("55_pool_bad_auto_pad", model([helper.make_node("MaxPool", ["x"], ["y"], name="pool1", kernel_shape=[2, 2],
                                                    auto_pad="SAME")],
                                  [fin("x", [1, 1, 4, 4])], [fin("y", None)]))
err("56_pool_window_too_big", model([helper.make_node("AveragePool", ["x"], ["y"], name="pool1",
                                                      kernel_shape=[5, 2])],
                                    [fin("x", [1, 1, 4, 4])], [fin("y", None)]))
err("57_batchnorm_training", model([helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"],
                                                     name="bn1", training_mode=1)],
                                   [fin("x", [1, 2, 3, 3])], [fin("y", None)],
                                   [numpy_helper.from_array(np.ones(2, dtype=np.float32), k) for k in "sbmv"],
                                   opset=15))
err("58_resize_cubic", model([helper.make_node("Resize", ["x", "", "sc"], ["y"], name="up", mode="cubic")],
                             [fin("x", [1, 1, 4, 4])], [fin("y", None)],
                             [numpy_helper.from_array(np.array([2, 1, 2, 2], dtype=np.float32), "sc")]))
err("59_pad_wrap", model([helper.make_node("Pad", ["x", "p"], ["y"], name="pad1", mode="wrap")],
                         [fin("x", [1, 4])], [fin("y", None)],
                         [numpy_helper.from_array(np.array([0, 1, 0, 1], dtype=np.int64), "p")]))
err("60_gelu_approximate", model([helper.make_node("Gelu", ["x"], ["y"], name="gelu1", approximate="fast")],
                                 [fin("x", [1, 3])], [fin("y", None)], opset=20))
err("61_reduce_keepdims", model([helper.make_node("ReduceMean", ["x"], ["y"], name="mean1", axes=[1],
                                                  keepdims=2)],
                                [fin("x", [1, 3])], [fin("y", None)]))
err("62_slice_zero_step", model([helper.make_node("Slice", ["x", "s", "e", "a", "st"], ["y"], name="sl")],
                                [fin("x", [1, 6])], [fin("y", None)],
                                [numpy_helper.from_array(np.array([v], dtype=np.int64), k)
                                 for k, v in [("s", 0), ("e", 6), ("a", 1), ("st", 0)]]))
err("63_split_uneven", model([helper.make_node("Split", ["x"], ["a", "b"], name="halves", axis=1)],
                             [fin("x", [1, 5])], [fin("a", None), fin("b", None)]))
err("64_clip_bound_shape", model([helper.make_node("Clip", ["x", "lo"], ["y"], name="clamp")],
                                 [fin("x", [1, 3])], [fin("y", None)],
                                 [numpy_helper.from_array(np.zeros(3, dtype=np.float32), "lo")]))
err("65_rnn_activations", model([helper.make_node("RNN", ["x", "W", "R"], ["", "h"], name="rnn1", hidden_size=2,
                                                  activations=["Relu"])],
                                [fin("x", [1, 1, 3])], [fin("h", None)],
                                [numpy_helper.from_array(np.ones((1, 2, 3), dtype=np.float32), "W"),
                                 numpy_helper.from_array(np.ones((1, 2, 2), dtype=np.float32), "R")], opset=14))
# found by fuzz_onnx: the product of the target dimensions overflowed before the size check
err("66_reshape_overflow", model([helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")],
                                 [fin("x", [1, 4])], [fin("y", None)],
                                 [numpy_helper.from_array(np.array([422875168768, 1152921504606846977],
                                                                   dtype=np.int64), "s")]))
# found by fuzz_onnx (a 10 s timeout): a Pad whose result alone is gigabytes; every computed
# tensor is held to --max-bytes like the constants
err("67_pad_huge", model([helper.make_node("Pad", ["x", "p"], ["y"], name="pad1")],
                         [fin("x", [1, 100, 4])], [fin("y", None)],
                         [numpy_helper.from_array(np.array([0, 0, 0, 0, 0, 10000000], dtype=np.int64), "p")]))
# no attribute is silently ignored (compiler/attrs.c): one case per refusal class
err("77_resize_antialias", model([helper.make_node("Resize", ["x", "", "sc"], ["y"], name="r", mode="linear",
                                                   antialias=1)],
                                 [fin("x", [1, 1, 4, 4])], [fin("y", None)],
                                 [numpy_helper.from_array(np.array([1, 1, 0.5, 0.5], dtype=np.float32), "sc")],
                                 opset=18))
err("78_unknown_attribute", model([helper.make_node("Conv", ["x", "w"], ["y"], name="c1", padding=[1, 1, 1, 1])],
                                  [fin("x", [1, 1, 4, 4])], [fin("y", None)],
                                  [numpy_helper.from_array(np.ones((1, 1, 3, 3), dtype=np.float32), "w")]))
err("79_add_broadcast_axis", model([helper.make_node("Add", ["x", "b"], ["y"], name="add1", broadcast=1, axis=1)],
                                   [fin("x", [2, 3, 4])], [fin("y", None)],
                                   [numpy_helper.from_array(np.ones(3, dtype=np.float32), "b")], opset=6))
err("80_resize_aspect_policy", model([helper.make_node("Resize", ["x", "", "", "sz"], ["y"], name="r",
                                                       keep_aspect_ratio_policy="fit")],
                                     [fin("x", [1, 1, 4, 4])], [fin("y", None)],
                                     [numpy_helper.from_array(np.array([1, 1, 3, 4], dtype=np.int64), "sz")],
                                     opset=18))
err("81_pad_axes_count", model([helper.make_node("Pad", ["x", "p", "", "ax"], ["y"], name="pad1")],
                               [fin("x", [1, 2, 3])], [fin("y", None)],
                               [numpy_helper.from_array(np.array([1, 1, 1, 1], dtype=np.int64), "p"),
                                numpy_helper.from_array(np.array([2], dtype=np.int64), "ax")], opset=18))
err("82_dropout_training_ratio", model([helper.make_node("Dropout", ["x", "r", "t"], ["d", "m"], name="drop1"),
                                        helper.make_node("Cast", ["m"], ["y"], name="cast1", to=1)],
                                       [fin("x", [1, 3])], [fin("y", None)],
                                       [numpy_helper.from_array(np.array(0.25, dtype=np.float32), "r"),
                                        numpy_helper.from_array(np.array(True), "t")]))
err("83_layernorm_stash_type", model([helper.make_node("LayerNormalization", ["x", "s"], ["y"], name="ln1",
                                                       stash_type=16)],
                                     [fin("x", [1, 4])], [fin("y", None)],
                                     [numpy_helper.from_array(np.ones(4, dtype=np.float32), "s")], opset=17))
# issue 18: a BatchNormalization exported in training mode (opset 9: its running mean and
# variance outputs named); a comparison and a Range whose inputs are computed at run time
err("90_batchnorm_training_outputs",
    model([helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "rm", "rv", "sm", "sv"],
                            name="bn1")],
          [fin("x", [1, 2, 3, 3])], [fin("y", None)],
          [numpy_helper.from_array(np.ones(2, dtype=np.float32), k) for k in "sbmv"], opset=9))
# bools at run time are fine (24_typed_ops); an op without an integer form is refused
err("91_equal_runtime", model([helper.make_node("Equal", ["x", "c"], ["e"], name="eq1"),
                               helper.make_node("Sub", ["e", "e"], ["d"], name="sub1"),
                               helper.make_node("Cast", ["d"], ["y"], name="cast1", to=1)],
                              [fin("x", [1, 3])], [fin("y", None)],
                              [numpy_helper.from_array(np.zeros(3, dtype=np.float32), "c")], opset=17))
err("92_range_runtime", model([helper.make_node("ReduceMax", ["x"], ["l"], name="max1", keepdims=0),
                               helper.make_node("Range", ["z", "l", "one"], ["r"], name="range1"),
                               helper.make_node("Add", ["r", "l"], ["y"], name="add1")],
                              [fin("x", [3])], [fin("y", None)],
                              [numpy_helper.from_array(np.array(0, dtype=np.float32), "z"),
                               numpy_helper.from_array(np.array(1, dtype=np.float32), "one")], opset=17))
# Attention (opset 23): the qk_matmul_output modes whose meaning changed between ONNX releases;
# RotaryEmbedding: a position outside the caches
q4 = [fin(n, [1, 2, 3, 4]) for n in "qkv"]
err("95_attention_qk_mode", model([helper.make_node("Attention", ["q", "k", "v"], ["y", "", "", "qk"], name="attn1",
                                                    qk_matmul_output_mode=1)],
                                  q4, [fin("y", None), fin("qk", None)], opset=23))
# image and signal ops (shape_img.c): a 5-D GridSample (opset 20), a dft_length given at run time
err("86_gridsample_5d", model([helper.make_node("GridSample", ["x", "g"], ["y"], name="gs1")],
                              [fin("x", [1, 1, 2, 3, 4]), fin("g", [1, 2, 2, 2, 3])], [fin("y", None)], opset=20))
err("87_dft_length_runtime", model([helper.make_node("DFT", ["x", "n"], ["y"], name="dft1")],
                                   [fin("x", [1, 8, 1]), helper.make_tensor_value_info("n", TensorProto.INT64, [])],
                                   [fin("y", None)], opset=17))
err("96_rotary_position", model([helper.make_node("RotaryEmbedding", ["x", "c", "s", "p"], ["y"], name="rope1")],
                                [fin("x", [1, 2, 3, 4]), fin("c", [8, 2]), fin("s", [8, 2])], [fin("y", None)],
                                [numpy_helper.from_array(np.array([[0, 1, 9]], dtype=np.int64), "p")], opset=23))
# double, float16 and bfloat16 at the graph's edges (issue 18): the API's own storage types,
# converted to and from float on entry and exit; a Cast to float16 inside rounds
D16 = [helper.make_tensor_value_info("xd", TensorProto.DOUBLE, [4]),
       helper.make_tensor_value_info("xh", TensorProto.FLOAT16, [4])]
save("25_float_types", model([helper.make_node("Mul", ["xd", "half"], ["yd"], name="mul1"),
                              helper.make_node("Cast", ["yd"], ["yh"], name="to_f16", to=TensorProto.FLOAT16),
                              helper.make_node("Cast", ["xh"], ["yb"], name="to_bf16", to=TensorProto.BFLOAT16)],
                             D16, [helper.make_tensor_value_info("yd", TensorProto.DOUBLE, [4]),
                                   helper.make_tensor_value_info("yh", TensorProto.FLOAT16, [4]),
                                   helper.make_tensor_value_info("yb", TensorProto.BFLOAT16, [4])],
                             [numpy_helper.from_array(np.array(0.5), "half")]), "--main")
# complex numbers are not among them
err("97_complex_input", model([helper.make_node("Identity", ["x"], ["y"], name="id1")],
                              [helper.make_tensor_value_info("x", TensorProto.COMPLEX64, [2])],
                              [helper.make_tensor_value_info("y", TensorProto.COMPLEX64, [2])]))
