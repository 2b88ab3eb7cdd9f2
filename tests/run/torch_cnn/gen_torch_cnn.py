#!/usr/bin/python3
"""Regenerates tests/run/torch_cnn (needs python3-torch; run in that directory):
a small pruned CNN exported by torch.onnx -- conv, BatchNorm2d/1d (folded), max and
ceil-mode average pooling (exported as Pad + AveragePool), depthwise conv, Upsample
(Resize), global average pooling -- with its inputs and PyTorch's own outputs.
gen_models.py copies it into the run tests."""
import torch, torch.nn as nn, numpy as np
torch.manual_seed(0)
class Net(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(1, 6, 5, padding=2); s.b1 = nn.BatchNorm2d(6)
        s.c2 = nn.Conv2d(6, 16, 5); s.b2 = nn.BatchNorm2d(16)
        s.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False)
        s.fc1 = nn.Linear(16 * 5 * 5, 32); s.bn3 = nn.BatchNorm1d(32); s.fc2 = nn.Linear(32, 10)
        s.up = nn.Upsample(scale_factor=2, mode="nearest")
    def forward(s, x):
        x = torch.max_pool2d(torch.relu(s.b1(s.c1(x))), 2)
        x = torch.nn.functional.avg_pool2d(torch.relu(s.b2(s.c2(x))), 2, ceil_mode=True)
        x = torch.relu(s.dw(x))
        y = s.up(x)
        x = torch.flatten(x, 1)
        return s.fc2(torch.relu(s.bn3(s.fc1(x)))), torch.nn.functional.adaptive_avg_pool2d(y, 1)
n = Net()
for m in n.modules():
    if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
        m.running_mean.normal_(0, 0.1); m.running_var.uniform_(0.5, 2); m.weight.data.uniform_(0.5, 1.5); m.bias.data.normal_(0, 0.1)
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        m.weight.data *= (torch.rand_like(m.weight) < 0.2).float()
n.eval()
x = torch.randn(4, 1, 28, 28)
with torch.no_grad():
    outs = [n(x[i:i+1]) for i in range(4)]
torch.onnx.export(n, x[:1], "model.onnx", opset_version=13, input_names=["x"], output_names=["y", "z"])
x.numpy().astype(np.float32).tofile("in.f32")
open("expect.f32", "wb").write(b"".join(np.concatenate([o[0].numpy().ravel(), o[1].numpy().ravel()]).astype(np.float32).tobytes() for o in outs))
