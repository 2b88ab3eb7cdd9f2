#!/usr/bin/env python3
"""A PyTorch QAT model with a residual Add (torch.ao.quantization: FloatFunctional.add,
fuse, prepare_qat with qnnpack's qconfig, a few training steps on fixed random data,
torch.onnx.export): the Add of two dequantized activations is a float island in ticketc.
  gen_qat_residual.py OUTDIR   writes qat_res.onnx, qat_res.in.f32 (samples on the input's
      grid), qat_res.torch.f32 (the fake-quantised PyTorch model's outputs), qat_res.meta
"""
import sys
import torch
import torch.nn as nn
import torch.ao.quantization as tq

out = sys.argv[1]
torch.manual_seed(17)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.fc1 = nn.Linear(16, 16)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(16, 16)
        self.skip = nn.quantized.FloatFunctional()
        self.fc3 = nn.Linear(16, 4)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        h = self.relu1(self.fc1(self.quant(x)))
        r = self.skip.add(h, self.fc2(h))  # the residual connection
        return self.dequant(self.fc3(r))


m = Net().train()
m.qconfig = tq.get_default_qat_qconfig("qnnpack", version=0)
m = tq.fuse_modules_qat(m, [["fc1", "relu1"]])
tq.prepare_qat(m, inplace=True)
opt = torch.optim.SGD(m.parameters(), lr=0.01)
X = torch.rand(64, 16)
T = torch.randn(64, 4)
for step in range(20):
    opt.zero_grad()
    loss = ((m(X) - T) ** 2).mean()
    loss.backward()
    opt.step()
m.apply(torch.ao.quantization.disable_observer)
m.eval()
s_in = float(m.quant.activation_post_process.scale)
z_in = int(m.quant.activation_post_process.zero_point)
q = torch.randint(0, 256, (40, 1, 16)).float()
xs = ((q - z_in) * s_in).float()
torch.onnx.export(m, xs[0], f"{out}/qat_res.onnx", opset_version=13, input_names=["x"], output_names=["y"])
with torch.no_grad():
    ys = torch.stack([m(x) for x in xs])
xs.numpy().astype("<f4").tofile(f"{out}/qat_res.in.f32")
ys.numpy().astype("<f4").tofile(f"{out}/qat_res.torch.f32")
fq = m.fc3.activation_post_process
with open(f"{out}/qat_res.meta", "w") as f:
    f.write(f"{float(fq.scale)!r} {int(fq.zero_point)}\n")
