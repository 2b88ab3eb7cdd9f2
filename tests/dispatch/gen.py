#!/usr/bin/python3
"""Models for tests/dispatch/run.sh: a Conv net whose Convs take the dense,
the sparse (emit_conv_sparse.c) and the unrolled form, two strided sparse Convs over phase
planes, and a dense Gemm net, random weights and inputs
(zeros among them: the dense kernels skip zero inputs).

usage: gen.py OUTDIR   ->  OUTDIR/{conv,phase,gemm}.onnx, OUTDIR/{conv,phase,gemm}.f32
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(20261206)
OUT = sys.argv[1]


def w(shape, density=1.0, scale=0.3):
    a = (rng.standard_normal(shape) * scale).astype(np.float32)
    a[rng.random(shape) >= density] = 0.0
    return a


def save(name, nodes, shape, inits, samples):
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                          [numpy_helper.from_array(v, k) for k, v in inits.items()])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="tests/dispatch/gen.py")
    m.ir_version = 8
    onnx.save(m, os.path.join(OUT, name + ".onnx"))
    x = (rng.standard_normal([samples] + shape)).astype(np.float32)
    x[rng.random(x.shape) < 0.3] = 0.0
    x.tofile(os.path.join(OUT, name + ".f32"))


os.makedirs(OUT, exist_ok=True)
# conv1: 4 -> 32 channels at 12x12 (dense: 95% kept; rows of 14 floats, narrower than an
# AVX-512 vector); conv2: 32 -> 24 at 10x10, a third kept (the sparse form, blocks of 4
# channels); conv3: 24 -> 16 at 8x8, 5% kept, no activation (sparse, a channel a block);
# conv4: 16 -> 8, padded (unrolled); then a dense Gemm of 8*8*8 inputs
save("conv", [
    helper.make_node("Conv", ["x", "w1", "b1"], ["h1"], kernel_shape=[3, 3], name="conv1"),
    helper.make_node("Relu", ["h1"], ["r1"]),
    helper.make_node("Conv", ["r1", "w2", "b2"], ["h2"], kernel_shape=[3, 3], name="conv2"),
    helper.make_node("Relu", ["h2"], ["r2"]),
    helper.make_node("Conv", ["r2", "w3", "b3"], ["h3"], kernel_shape=[3, 3], name="conv3"),
    helper.make_node("Conv", ["h3", "w4", "b4"], ["h4"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], name="conv4"),
    helper.make_node("Relu", ["h4"], ["r4"]),
    helper.make_node("Flatten", ["r4"], ["f"]),
    helper.make_node("Gemm", ["f", "w5", "b5"], ["y"], transB=1, name="fc"),
], [1, 4, 14, 14], {"w1": w([32, 4, 3, 3], 0.95), "b1": w([32]), "w2": w([24, 32, 3, 3], 0.3), "b2": w([24]),
                    "w3": w([16, 24, 3, 3], 0.05), "b3": w([16]), "w4": w([8, 16, 3, 3], 0.3), "b4": w([8]),
                    "w5": w([40, 8 * 8 * 8], 1.0, 0.05), "b5": w([40])}, 8)
# strided sparse Convs over phase planes of the zero-padded input: 16 -> 24, 3x3/s2, pads 1,
# a third kept (blocks of 4 channels); 24 -> 8, 3x3/s2, pads 0 top, 1 left, 1 bottom, 0 right
save("phase", [
    helper.make_node("Conv", ["x", "w1", "b1"], ["h1"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], name="s2a"),
    helper.make_node("Relu", ["h1"], ["r1"]),
    helper.make_node("Conv", ["r1", "w2", "b2"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[0, 1, 1, 0], name="s2b"),
], [1, 16, 21, 21], {"w1": w([24, 16, 3, 3], 0.3), "b1": w([24]), "w2": w([8, 24, 3, 3], 0.1), "b2": w([8])}, 8)
# a dense MLP: 300 -> 200 -> 10 outputs (widths that are no multiple of 16)
save("gemm", [
    helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], transB=1, name="fc1"),
    helper.make_node("Relu", ["h"], ["r"]),
    helper.make_node("Gemm", ["r", "w2", "b2"], ["y"], transB=1, name="fc2"),
], [1, 300], {"w1": w([200, 300], 0.9, 0.1), "b1": w([200]), "w2": w([10, 200], 0.8), "b2": w([10])}, 16)
