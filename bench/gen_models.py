#!/usr/bin/python3
"""make bench: the generated benchmark models, written at bench time into OUTDIR
(nothing large is committed). Random initialisation, then global magnitude
pruning: across all weight tensors of the model (biases kept), the smallest
|w| are zeroed until the given fraction is left. Not trained: the latencies
and sizes are what these rows are for; the weights' values only matter
through which survive (one-shot global magnitude pruning of a random init
keeps most of the small-fan-in layers and thins the large ones, as it
does on a trained network).

  conv2-r17.onnx    Conv-2 (conv3x3 32, conv3x3 32, maxpool 2, fc 256, fc 10) on
                    [1,1,28,28], 1,191,712 weights, 17% kept (PyTorch's default
                    init: uniform +-1/sqrt(fan_in))
  conv2-dense.onnx  the same network unpruned
  resnet20-r10.onnx ResNet-20 for CIFAR (16/32/64 channels, 3 basic blocks a
                    stage, 1x1 projection shortcuts where the shape changes,
                    global average pool, fc 10) on [1,3,32,32], 10% kept (He
                    normal init for convolutions)
  ident-784.onnx, ident-3072.onnx
                    one Identity node on the same input sizes: ONNX Runtime's
                    fixed per-call cost, measured in the same run
  resnet20-in.f32   SAMPLES raw float32 CIFAR-like samples, 3x32x32 uniform in
                    [0,1) (Conv-2 runs on Fashion-MNIST test images instead)

  mobilenetv2-64-r02.onnx, resnet18-r10.onnx, resnet18-r02.onnx  (with "big"):
                    MobileNet-v2 on [1,3,64,64] at 2% and ResNet-18 on [1,3,224,224]
                    at 10% and at 2% (the same weights before pruning), no batch
                    norm (folded away in a trained export), He normal convolutions;
                    ident-12288.onnx and ident-150528.onnx for their input sizes

  /usr/bin/python3 bench/gen_models.py OUTDIR [SAMPLES [big]]
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Net:
    def __init__(self, name, rng):
        self.name, self.rng = name, rng
        self.nodes, self.inits, self.weights = [], [], []
        self.k = 0

    def tmp(self, base):
        self.k += 1
        return f"{base}_{self.k}"

    def init(self, name, arr):
        self.inits.append(numpy_helper.from_array(arr.astype(np.float32), name))
        return name

    def conv(self, x, name, cin, cout, k, stride=1, pad=0, he=False, group=1):
        fan_in = cin // group * k * k
        if he:
            w = self.rng.normal(0.0, np.sqrt(2.0 / fan_in), (cout, cin // group, k, k))
        else:
            w = self.rng.uniform(-1, 1, (cout, cin // group, k, k)) / np.sqrt(fan_in)
        b = self.rng.uniform(-1, 1, cout) / np.sqrt(fan_in)
        self.weights.append(f"{name}.weight")
        self.init(f"{name}.weight", w)
        self.init(f"{name}.bias", b)
        y = self.tmp(name)
        self.nodes.append(helper.make_node("Conv", [x, f"{name}.weight", f"{name}.bias"], [y], name=name,
                                           kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4,
                                           **({"group": group} if group != 1 else {})))
        return y

    def gemm(self, x, name, nin, nout):
        w = self.rng.uniform(-1, 1, (nout, nin)) / np.sqrt(nin)
        b = self.rng.uniform(-1, 1, nout) / np.sqrt(nin)
        self.weights.append(f"{name}.weight")
        self.init(f"{name}.weight", w)
        self.init(f"{name}.bias", b)
        y = self.tmp(name)
        self.nodes.append(helper.make_node("Gemm", [x, f"{name}.weight", f"{name}.bias"], [y], name=name, transB=1))
        return y

    def op(self, op, inputs, name, **attrs):
        y = self.tmp(name)
        self.nodes.append(helper.make_node(op, inputs, [y], name=name, **attrs))
        return y

    def prune_global(self, keep):
        """Zero the smallest |w| over every weight tensor until keep of them are left (ties by order)."""
        by = {t.name: t for t in self.inits}
        arrs = [numpy_helper.to_array(by[n]).copy() for n in self.weights]
        flat = np.concatenate([np.abs(a).ravel() for a in arrs])
        n_keep = int(round(keep * flat.size))
        order = np.argsort(-flat, kind="stable")
        mask = np.zeros(flat.size, bool)
        mask[order[:n_keep]] = True
        off = 0
        for name, a in zip(self.weights, arrs):
            m = mask[off:off + a.size].reshape(a.shape)
            off += a.size
            by[name].CopyFrom(numpy_helper.from_array((a * m).astype(np.float32), name))
        return n_keep, flat.size

    def save(self, path, x, shape, y, nout):
        g = helper.make_graph(self.nodes, self.name, [helper.make_tensor_value_info(x, TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info(y, TensorProto.FLOAT, [1, nout])], self.inits)
        m = helper.make_model(g, producer_name="bench/gen_models.py", opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 7
        onnx.checker.check_model(m)
        onnx.save(m, path)


def conv2(rng):
    n = Net("conv2", rng)
    h = n.op("Relu", [n.conv("x", "conv1", 1, 32, 3)], "relu1")
    h = n.op("Relu", [n.conv(h, "conv2", 32, 32, 3)], "relu2")
    h = n.op("MaxPool", [h], "pool", kernel_shape=[2, 2], strides=[2, 2])
    h = n.op("Flatten", [h], "flatten")
    h = n.op("Relu", [n.gemm(h, "fc1", 32 * 12 * 12, 256)], "relu3")
    return n, n.gemm(h, "fc2", 256, 10)


def resnet20(rng):
    n = Net("resnet20", rng)
    h = n.op("Relu", [n.conv("x", "conv1", 3, 16, 3, pad=1, he=True)], "relu")
    cin = 16
    for s, cout in enumerate([16, 32, 64]):
        for b in range(3):
            stride = 2 if s > 0 and b == 0 else 1
            p = f"layer{s + 1}.{b}"
            y = n.op("Relu", [n.conv(h, f"{p}.conv1", cin, cout, 3, stride, 1, he=True)], f"{p}.relu1")
            y = n.conv(y, f"{p}.conv2", cout, cout, 3, 1, 1, he=True)
            sc = h if stride == 1 and cin == cout else n.conv(h, f"{p}.shortcut", cin, cout, 1, stride, 0, he=True)
            h = n.op("Relu", [n.op("Add", [y, sc], f"{p}.add")], f"{p}.relu2")
            cin = cout
    h = n.op("Flatten", [n.op("GlobalAveragePool", [h], "avgpool")], "flatten")
    return n, n.gemm(h, "fc", 64, 10)


def mobilenetv2(rng):
    """MobileNet-v2 (width 1.0, 1000 classes) on [1,3,64,64]: batch norm left
    out (folded into the convolutions in a trained export), ReLU6 as Clip."""
    n = Net("mobilenetv2", rng)

    def relu6(h, name):
        lo = n.init(n.tmp("zero"), np.array(0.0))
        hi = n.init(n.tmp("six"), np.array(6.0))
        return n.op("Clip", [h, lo, hi], name)

    h = relu6(n.conv("x", "features.0", 3, 32, 3, 2, 1, he=True), "features.0.relu")
    cin, i = 32, 1
    for t, c, reps, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for r in range(reps):
            stride = s if r == 0 else 1
            p, hid, y = f"features.{i}", cin * t, h
            if t != 1:
                y = relu6(n.conv(y, f"{p}.expand", cin, hid, 1, he=True), f"{p}.expand.relu")
            y = relu6(n.conv(y, f"{p}.dw", hid, hid, 3, stride, 1, he=True, group=hid), f"{p}.dw.relu")
            y = n.conv(y, f"{p}.project", hid, c, 1, he=True)
            h = n.op("Add", [y, h], f"{p}.add") if stride == 1 and cin == c else y
            cin, i = c, i + 1
    h = relu6(n.conv(h, f"features.{i}", cin, 1280, 1, he=True), f"features.{i}.relu")
    h = n.op("Flatten", [n.op("GlobalAveragePool", [h], "avgpool")], "flatten")
    return n, n.gemm(h, "classifier", 1280, 1000)


def resnet18(rng):
    """ResNet-18 (torchvision's layout, 1000 classes) on [1,3,224,224], batch norm left out."""
    n = Net("resnet18", rng)
    h = n.op("Relu", [n.conv("x", "conv1", 3, 64, 7, 2, 3, he=True)], "relu")
    h = n.op("MaxPool", [h], "maxpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for s, cout in enumerate([64, 128, 256, 512]):
        for b in range(2):
            stride = 2 if s > 0 and b == 0 else 1
            p = f"layer{s + 1}.{b}"
            y = n.op("Relu", [n.conv(h, f"{p}.conv1", cin, cout, 3, stride, 1, he=True)], f"{p}.relu1")
            y = n.conv(y, f"{p}.conv2", cout, cout, 3, 1, 1, he=True)
            sc = h if stride == 1 and cin == cout else n.conv(h, f"{p}.downsample", cin, cout, 1, stride, 0, he=True)
            h = n.op("Relu", [n.op("Add", [y, sc], f"{p}.add")], f"{p}.relu2")
            cin = cout
    h = n.op("Flatten", [n.op("GlobalAveragePool", [h], "avgpool")], "flatten")
    return n, n.gemm(h, "fc", 512, 1000)


def identity(path, size):
    g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"], name="id")], "ident",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, size])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, size])])
    m = helper.make_model(g, producer_name="bench/gen_models.py", opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.save(m, path)


def main():
    out = sys.argv[1]
    samples = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    for name, build, shape, keep in [("conv2", conv2, [1, 1, 28, 28], 0.17), ("resnet20", resnet20, [1, 3, 32, 32], 0.10)]:
        net, y = build(np.random.default_rng(19))
        if name == "conv2":
            net.save(f"{out}/conv2-dense.onnx", "x", shape, y, 10)
        kept, total = net.prune_global(keep)
        tag = f"r{int(round(keep * 100)):02d}"
        net.save(f"{out}/{name}-{tag}.onnx", "x", shape, y, 10)
        print(f"{name}-{tag}: {kept} of {total} weights kept ({100.0 * kept / total:.1f}%)")
    rng = np.random.default_rng(7)
    rng.uniform(0, 1, (samples, 3072)).astype("<f4").tofile(f"{out}/resnet20-in.f32")
    # the compile-time rows (bench/compile_table.sh), on request: BIG=1
    if len(sys.argv) > 3 and sys.argv[3] == "big":
        for name, build, shape, keep, nout in [("mobilenetv2-64", mobilenetv2, [1, 3, 64, 64], 0.02, 1000),
                                               ("resnet18", resnet18, [1, 3, 224, 224], 0.10, 1000),
                                               ("resnet18", resnet18, [1, 3, 224, 224], 0.02, 1000)]:
            net, y = build(np.random.default_rng(19))
            kept, total = net.prune_global(keep)
            tag = f"r{int(round(keep * 100)):02d}"
            net.save(f"{out}/{name}-{tag}.onnx", "x", shape, y, nout)
            print(f"{name}-{tag}: {kept} of {total} weights kept ({100.0 * kept / total:.1f}%)")
        rng.uniform(0, 1, (samples, 3 * 64 * 64)).astype("<f4").tofile(f"{out}/mobilenetv2-in.f32")
        rng.uniform(0, 1, (4, 3 * 224 * 224)).astype("<f4").tofile(f"{out}/resnet18-in.f32")
        identity(f"{out}/ident-12288.onnx", 3 * 64 * 64)
        identity(f"{out}/ident-150528.onnx", 3 * 224 * 224)
    identity(f"{out}/ident-784.onnx", 784)
    identity(f"{out}/ident-3072.onnx", 3072)


if __name__ == "__main__":
    main()
