#!/usr/bin/env python3
"""Small ONNX models and calibration samples for tests/int/run.sh (fixed seeds).
  gen_int_models.py OUTDIR
mlp_batch: MatMul over 3 rows -> Reshape -> Relu (not fused) -> Reshape -> Gemm
(transB, alpha 0.5, no bias) -> Gemm (bias, ReLU fused): rows > 1, views, a
standalone Relu and both Gemm forms. conv: a grouped Conv, which the integer path refuses.
conv_shapes: three Convs for the integer Conv forms' edges: pads 1 with bias and ReLU (13
wide), stride 2 with asymmetric pads and a channel with no weight kept (6 wide), dilation
2 with 7 output channels (not a multiple of the block of 4).
"""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

out = sys.argv[1]
rng = np.random.default_rng(16)


def sparse(shape, keep):
    w = rng.standard_normal(shape).astype(np.float32)
    w[rng.random(shape) > keep] = 0.0
    return w


def save(name, nodes, inits, x_shape, y_shape):
    g = helper.make_graph(nodes, name,
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)],
                          [numpy_helper.from_array(v, k) for k, v in inits.items()])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(m, f"{out}/{name}.onnx")


save("mlp_batch", [
    helper.make_node("MatMul", ["x", "w1"], ["h1"], name="mm1"),
    helper.make_node("Reshape", ["h1", "flat"], ["h2"], name="flat"),
    helper.make_node("Relu", ["h2"], ["h3"], name="relu"),
    helper.make_node("Reshape", ["h3", "back"], ["h4"], name="back"),
    helper.make_node("Gemm", ["h4", "w2"], ["h5"], name="g2", transB=1, alpha=0.5),
    helper.make_node("Gemm", ["h5", "w3", "b3"], ["h6"], name="g3"),
    helper.make_node("Relu", ["h6"], ["y"], name="relu3"),
], {"w1": sparse((16, 8), 0.4), "flat": np.array([24], np.int64), "back": np.array([3, 8], np.int64),
    "w2": sparse((6, 8), 0.5), "w3": sparse((6, 5), 0.6), "b3": rng.standard_normal(5).astype(np.float32)},
    [3, 16], [3, 5])
rng.standard_normal((40, 3, 16)).astype("<f4").tofile(f"{out}/mlp_batch.calib.f32")
(2 * rng.standard_normal((60, 3, 16))).astype("<f4").tofile(f"{out}/mlp_batch.test.f32")

save("sigmoid", [helper.make_node("Sigmoid", ["x"], ["y"], name="sig1")], {}, [1, 4], [1, 4])
rng.standard_normal((4, 4)).astype("<f4").tofile(f"{out}/sigmoid.calib.f32")

save("conv", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv1", group=2)],
     {"w": sparse((2, 1, 3, 3), 0.5)}, [1, 2, 5, 5], [1, 2, 3, 3])
rng.standard_normal((4, 50)).astype("<f4").tofile(f"{out}/conv.calib.f32")

w2 = sparse((5, 6, 3, 3), 0.5)
w2[3] = 0.0
save("conv_shapes", [
    helper.make_node("Conv", ["x", "cw1", "cb1"], ["c1"], name="c1", pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c1"], ["r1"], name="r1"),
    helper.make_node("Conv", ["r1", "cw2"], ["c2"], name="c2", strides=[2, 2], pads=[0, 1, 1, 0]),
    helper.make_node("Conv", ["c2", "cw3"], ["y"], name="c3", dilations=[2, 2], pads=[0, 2, 0, 2],
                     kernel_shape=[2, 3]),
], {"cw1": sparse((6, 3, 3, 3), 0.4), "cb1": rng.standard_normal(6).astype(np.float32), "cw2": w2,
    "cw3": sparse((7, 5, 2, 3), 0.6)}, [1, 3, 11, 13], [1, 7, 3, 6])
rng.standard_normal((30, 3 * 11 * 13)).astype("<f4").tofile(f"{out}/conv_shapes.calib.f32")
(1.5 * rng.standard_normal((40, 3 * 11 * 13))).astype("<f4").tofile(f"{out}/conv_shapes.test.f32")
