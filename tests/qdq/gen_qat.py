#!/usr/bin/env python3
"""A PyTorch QAT model exported to ONNX (torch.ao.quantization: fuse, prepare_qat, a few
training steps on fixed random data, then torch.onnx.export, which writes the
fake-quantize modules as QuantizeLinear/DequantizeLinear pairs). Fixed seeds.
  gen_qat.py OUTDIR [BACKEND]   writes NAME.onnx, NAME.in.f32 (samples on the input's grid),
      NAME.torch.f32 (the fake-quantised PyTorch model's outputs), NAME.meta; NAME is qat
      for qnnpack's qconfig (per-tensor weights, activations over all of uint8), qat_fbgemm
      for fbgemm's (per-channel weights, reduce_range: a Clip of the integers to 0..127)
"""
import sys
import numpy as np
import torch
import torch.nn as nn
import torch.ao.quantization as tq

out = sys.argv[1]
backend = sys.argv[2] if len(sys.argv) > 2 else "qnnpack"
name = "qat" if backend == "qnnpack" else f"qat_{backend}"
torch.manual_seed(16)



class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv = nn.Conv2d(1, 4, 3)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(4 * 5 * 5, 16)
        self.relu2 = nn.ReLU()
        self.fc2 = nn.Linear(16, 5)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.pool(self.relu(self.conv(self.quant(x))))
        x = self.relu2(self.fc1(torch.flatten(x, 1)))
        return self.dequant(self.fc2(x))


m = Net().train()
# version 0: FakeQuantize modules (the fused observer of version 1 has no ONNX export)
m.qconfig = tq.get_default_qat_qconfig(backend, version=0)
m = tq.fuse_modules_qat(m, [["conv", "relu"], ["fc1", "relu2"]])
tq.prepare_qat(m, inplace=True)
opt = torch.optim.SGD(m.parameters(), lr=0.01)
X = torch.rand(64, 1, 12, 12)
T = torch.randn(64, 5)
for step in range(20):  # a few steps: the observers see ranges, the weights move
    opt.zero_grad()
    loss = ((m(X) - T) ** 2).mean()
    loss.backward()
    opt.step()
m.apply(torch.ao.quantization.disable_observer)
m.eval()
# samples on the input's quantisation grid, so that quantising them is exact
s_in = float(m.quant.activation_post_process.scale)
z_in = int(m.quant.activation_post_process.zero_point)
q = torch.randint(0, 256, (40, 1, 1, 12, 12)).float()
xs = ((q - z_in) * s_in).float()
torch.onnx.export(m, xs[0], f"{out}/{name}.onnx", opset_version=13, input_names=["x"], output_names=["y"])
with torch.no_grad():
    ys = torch.stack([m(x) for x in xs])
xs.numpy().astype("<f4").tofile(f"{out}/{name}.in.f32")
ys.numpy().astype("<f4").tofile(f"{out}/{name}.torch.f32")
fq = m.fc2.activation_post_process
with open(f"{out}/{name}.meta", "w") as f:
    f.write(f"{float(fq.scale)!r} {int(fq.zero_point)}\n")
