#!/usr/bin/python3
"""Writes the fuzzers' generated seeds (small, committed; run again only to change them):
  tests/fuzz/corpus/onnx/s_*.onnx       small models of the ops ticketc handles
  tests/fuzz/corpus/pipeline/*          the same and the .tc seeds, behind fuzz_pipeline's
                                        3-byte header (front end and options)
Usage: /usr/bin/python3 tests/fuzz/gen_seeds.py   (needs python3-onnx, python3-numpy)
"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ONNX_DIR = os.path.join(HERE, "corpus", "onnx")
PIPE_DIR = os.path.join(HERE, "corpus", "pipeline")
rng = np.random.RandomState(17)
F = TensorProto.FLOAT


def w(name, *shape, sparse=0.0):
    a = rng.uniform(-1, 1, size=shape).astype(np.float32)
    if sparse:
        a[rng.uniform(size=shape) < sparse] = 0.0
    return numpy_helper.from_array(a, name)


def i64(name, vals):
    return numpy_helper.from_array(np.array(vals, dtype=np.int64), name)


def vi(name, shape):
    return helper.make_tensor_value_info(name, F, shape)


def model(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="gen_seeds")
    m.ir_version = 8
    return m.SerializeToString()


def seeds():
    N = helper.make_node
    yield "s_mlp", model(
        [N("Gemm", ["x", "W1", "b1"], ["h"], transB=1), N("Relu", ["h"], ["r"]),
         N("Gemm", ["r", "W2", "b2"], ["z"], transB=1), N("Softmax", ["z"], ["y"], axis=1)],
        [vi("x", [1, 8])], [vi("y", [1, 4])],
        [w("W1", 6, 8, sparse=0.6), w("b1", 6), w("W2", 4, 6, sparse=0.5), w("b2", 4)])
    yield "s_gemm_transb", model(
        [N("Gemm", ["x", "W", "b"], ["y"], transB=1, alpha=0.5, beta=2.0)],
        [vi("x", [2, 5])], [vi("y", [2, 3])], [w("W", 3, 5, sparse=0.5), w("b", 3)])
    yield "s_conv", model(
        [N("Conv", ["x", "K", "kb"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
         N("BatchNormalization", ["c", "s", "o", "m", "v"], ["n"], epsilon=1e-5),
         N("Relu", ["n"], ["r"]), N("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
         N("Flatten", ["p"], ["f"]), N("MatMul", ["f", "M"], ["y"])],
        [vi("x", [1, 2, 6, 6])], [vi("y", [1, 3])],
        [w("K", 4, 2, 3, 3, sparse=0.5), w("kb", 4), w("s", 4), w("o", 4), w("m", 4),
         numpy_helper.from_array(np.abs(rng.uniform(0.5, 1, 4)).astype(np.float32), "v"), w("M", 36, 3)])
    yield "s_slice", model(
        [N("Slice", ["x", "st", "en", "ax", "sp"], ["y"])],
        [vi("x", [4, 10])], [vi("y", [4, 4])],
        [i64("st", [1]), i64("en", [9]), i64("ax", [1]), i64("sp", [2])])
    yield "s_resize", model(
        [N("Resize", ["x", "", "", "sz"], ["y"], mode="linear", coordinate_transformation_mode="half_pixel")],
        [vi("x", [1, 1, 3, 4])], [vi("y", [1, 1, 6, 5])], [i64("sz", [1, 1, 6, 5])])
    yield "s_pad", model(
        [N("Pad", ["x", "pads", "cv"], ["y"], mode="constant")],
        [vi("x", [2, 3])], [vi("y", [4, 6])],
        [i64("pads", [1, 2, 1, 1]), numpy_helper.from_array(np.array(0.5, dtype=np.float32), "cv")])
    yield "s_concat_split", model(
        [N("Concat", ["x", "c"], ["j"], axis=1), N("Split", ["j", "parts"], ["a", "b"], axis=1),
         N("Sub", ["a", "b"], ["y"])],
        [vi("x", [2, 3])], [vi("y", [2, 3])], [w("c", 2, 3), i64("parts", [3, 3])])
    yield "s_shape_reshape", model(
        [N("Shape", ["x"], ["s"]), N("Gather", ["s", "i0"], ["d0"], axis=0),
         N("Unsqueeze", ["d0", "ax0"], ["d"]), N("Concat", ["d", "m1"], ["shp"], axis=0),
         N("Reshape", ["x", "shp"], ["r"]), N("Transpose", ["r"], ["y"], perm=[1, 0])],
        [vi("x", [2, 3, 4])], [vi("y", [12, 2])],
        [i64("i0", 0), i64("ax0", [0]), i64("m1", [-1])])
    yield "s_names_collide", model(
        [N("Add", ["x", "a_b"], ["t"], name="n/1"), N("Mul", ["t", "a_b_t2"], ["u"], name="n_1"),
         N("Sub", ["u", "a/b"], ["y"], name="n.1")],
        [vi("x", [1, 3])], [vi("y", [1, 3])],
        [w("a_b", 1, 3), w("a_b_t2", 1, 3), w("a/b", 1, 3)])
    yield "s_layernorm", model(
        [N("LayerNormalization", ["x", "g", "b"], ["n"], axis=-1, epsilon=1e-5),
         N("Tanh", ["n"], ["y"])],
        [vi("x", [2, 4])], [vi("y", [2, 4])], [w("g", 4), w("b", 4)], opset=17)
    yield "s_convtranspose", model(
        [N("ConvTranspose", ["x", "K"], ["c"], strides=[2, 2], kernel_shape=[2, 2]),
         N("GlobalAveragePool", ["c"], ["y"])],
        [vi("x", [1, 2, 3, 3])], [vi("y", [1, 3, 1, 1])], [w("K", 2, 3, 2, 2)])
    yield "s_symbolic_dim", model(
        [N("MatMul", ["x", "W"], ["m"]), N("LeakyRelu", ["m"], ["y"], alpha=0.1)],
        [helper.make_tensor_value_info("x", F, ["N", 4])], [helper.make_tensor_value_info("y", F, ["N", 2])],
        [w("W", 4, 2, sparse=0.5)])


# fuzz_pipeline's header: byte 0 front end (bit 0) and flags, byte 1 partial sums,
# max terms, budget, prune, byte 2 the strategies planned and summarised first
HEADERS = [bytes([0x00, 0x13, 0x0f]), bytes([0x0e, 0x10, 0x01]), bytes([0x58, 0x4c, 0x06]),
           bytes([0x96, 0x93, 0x08]), bytes([0xe2, 0x35, 0x00])]


def main():
    os.makedirs(ONNX_DIR, exist_ok=True)
    os.makedirs(PIPE_DIR, exist_ok=True)
    made = list(seeds())
    for name, data in made:
        with open(os.path.join(ONNX_DIR, name + ".onnx"), "wb") as f:
            f.write(data)
    # the pipeline: the generated models, a few of the committed ONNX seeds, the .tc seeds
    pipe = [(n, d) for n, d in made]
    for n in ["conv_groups", "pools", "movement", "resize_modes", "pad_modes", "norm_misc", "views",
              "variadic", "prune_format", "depth_space", "reduce", "lstm_bidirectional"]:
        with open(os.path.join(ONNX_DIR, n + ".onnx"), "rb") as f:
            pipe.append((n, f.read()))
    k = 0
    for n, d in pipe:
        with open(os.path.join(PIPE_DIR, "onnx_" + n), "wb") as f:
            f.write(HEADERS[k % len(HEADERS)] + d)
        k += 1
    dsl_dir = os.path.join(HERE, "corpus", "dsl")
    for n in sorted(os.listdir(dsl_dir)):
        if n.startswith("bad_"):
            continue
        with open(os.path.join(dsl_dir, n), "rb") as f:
            h = bytearray(HEADERS[k % len(HEADERS)])
            h[0] |= 1
            with open(os.path.join(PIPE_DIR, "tc_" + n[:-3]), "wb") as o:
                o.write(bytes(h) + f.read())
        k += 1
    print("wrote %d ONNX seeds and %d pipeline seeds" % (len(made), len(os.listdir(PIPE_DIR))))


if __name__ == "__main__":
    sys.exit(main())
