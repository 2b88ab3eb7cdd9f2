#!/usr/bin/python3
"""Writes model.onnx, in.f32 and expect.f32 of the run test torch_vit: a small
Vision Transformer written as torchvision's VisionTransformer is (conv_proj,
class_token.expand(n, -1, -1) and cat, pos_embedding, encoder blocks of
LayerNorm, nn.MultiheadAttention and an MLP with GELU, the class token's head),
exported by torch.onnx at opset 17, with PyTorch's outputs on 2 random images.
torch.onnx writes class_token.expand as ConstantOfShape, Mul, Equal, Where and
Expand on constants, which ticketc folds (issue 18), and x[:, 0] as a Gather.

usage: tests/run/torch_vit/gen_torch_vit.py   (python3-torch; the files are committed)
"""
import os

import torch
import torch.nn as nn

torch.manual_seed(18)
D = os.path.dirname(os.path.abspath(__file__))


class Block(nn.Module):
    def __init__(self, d, heads, mlp):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d, eps=1e-6)
        self.self_attention = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(d, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(d, mlp), nn.GELU(), nn.Linear(mlp, d))

    def forward(self, x):
        y = self.ln_1(x)
        y, _ = self.self_attention(y, y, y, need_weights=False)
        x = x + y
        return x + self.mlp(self.ln_2(x))


class ViT(nn.Module):
    def __init__(self, image=16, patch=4, layers=2, heads=2, d=16, mlp=32, classes=5):
        super().__init__()
        self.d = d
        self.conv_proj = nn.Conv2d(3, d, patch, patch)
        self.class_token = nn.Parameter(torch.randn(1, 1, d) * 0.5)
        self.pos_embedding = nn.Parameter(torch.randn(1, (image // patch) ** 2 + 1, d) * 0.5)
        self.layers = nn.Sequential(*[Block(d, heads, mlp) for _ in range(layers)])
        self.ln = nn.LayerNorm(d, eps=1e-6)
        self.head = nn.Linear(d, classes)

    def forward(self, x):
        n = x.shape[0]
        x = self.conv_proj(x).reshape(n, self.d, -1).permute(0, 2, 1)
        x = torch.cat([self.class_token.expand(n, -1, -1), x], dim=1) + self.pos_embedding
        return self.head(self.ln(self.layers(x))[:, 0])


m = ViT().eval()
x = torch.randn(2, 1, 3, 16, 16)
torch.onnx.export(m, x[0], os.path.join(D, "model.onnx"), opset_version=17, input_names=["x"], output_names=["y"])
with torch.no_grad():
    y = torch.stack([m(xi) for xi in x])
x.numpy().astype("<f4").tofile(os.path.join(D, "in.f32"))
y.numpy().astype("<f4").tofile(os.path.join(D, "expect.f32"))
