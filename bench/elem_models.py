#!/usr/bin/python3
"""Models for measuring fuse_elem.c and the Swish/GELU forms (issue 19 item 1b):
an MLP-Mixer block (nn.LayerNorm, GELU), a SiLU conv net and a HardSwish conv net,
random weights, exported by torch.onnx at opset 14, with 50 samples and
PyTorch's outputs.  usage: bench/elem_models.py OUTDIR  (then bench/elem.sh)"""
torch.manual_seed(0)
out = sys.argv[1]
class MixerBlock(nn.Module):
    def __init__(s, tokens=49, ch=64, th=128, chh=256):
        super().__init__()
        s.ln1 = nn.LayerNorm(ch); s.ln2 = nn.LayerNorm(ch)
        s.t1 = nn.Linear(tokens, th); s.t2 = nn.Linear(th, tokens)
        s.c1 = nn.Linear(ch, chh); s.c2 = nn.Linear(chh, ch)
        s.g = nn.GELU()
    def forward(s, x):  # x [1, tokens, ch]
        y = s.ln1(x).transpose(1, 2)
        y = s.t2(s.g(s.t1(y))).transpose(1, 2)
        x = x + y
        return x + s.c2(s.g(s.c1(s.ln2(x))))
class SiluNet(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(3, 16, 3, padding=1); s.c2 = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        s.c3 = nn.Conv2d(16, 32, 1); s.act = nn.SiLU()
    def forward(s, x):
        return s.act(s.c3(s.act(s.c2(s.act(s.c1(x))))))
class HsNet(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(3, 16, 3, padding=1); s.c2 = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        s.c3 = nn.Conv2d(16, 32, 1); s.hs = nn.Hardswish(); s.hg = nn.Hardsigmoid()
    def forward(s, x):
        return s.hg(s.c3(s.hs(s.c2(s.hs(s.c1(x))))))
for name, m, shape in [("mixer", MixerBlock(), (1, 49, 64)), ("silu", SiluNet(), (1, 3, 32, 32)), ("hswish", HsNet(), (1, 3, 32, 32))]:
    m.eval()
    x = torch.randn(*shape)
    torch.onnx.export(m, x, f"{out}/{name}.onnx", opset_version=14, input_names=["x"], output_names=["y"])
    xs = torch.randn(50, *shape[1:])
    with torch.no_grad():
        ys = torch.cat([m(xs[i:i+1]) for i in range(50)])
    xs.numpy().astype(np.float32).tofile(f"{out}/{name}.in.f32")
    ys.numpy().astype(np.float32).tofile(f"{out}/{name}.ref.f32")
