#!/usr/bin/python3
"""make bench (bench/big.sh): PyTorch's CPU path, one thread, on an ONNX
model's own network: a small interpreter builds it from the file's nodes and
initializers with torch.nn.functional (Conv with pads, strides, dilations and
group; Relu; Clip; Add; MaxPool; GlobalAveragePool; Flatten; Gemm) and refuses
any other op. Weights are dense tensors, as a PyTorch user runs a pruned
model. Under torch.no_grad() and torch.inference_mode().

PyTorch picks each Conv's kernel itself; Debian's python3-torch sends the
single-threaded 1x1 unstrided Convs and the small ones (under 20,480 input
values) to its im2col path over the system BLAS (Debian's default: the
reference netlib BLAS, several times slower), the others to oneDNN. With
--onednn every Conv, and every Gemm as a 1x1 Conv, calls oneDNN
(torch.mkldnn_convolution on the dense tensors): the most this install of
PyTorch does on one thread.

Latency at batch 1 as bench/bench_main.c and bench/ort/ort_raw.js measure it:
an untimed first pass over every sample (its outputs kept), then the best of 5
timed passes (wall clock, each pass's mean per call). With REF.f32 (ticketc's
outputs for the same samples) it prints the largest absolute difference, the
largest |ref| and their ratio.

  /usr/bin/python3 bench/torch_onnx.py [--onednn] MODEL.onnx SAMPLES.f32 [REF.f32]
  -> "N samples; X us per inference; cpu Y us[; constant]; max |torch - ref| D; max |ref| R; rel D/R"
(cpu: the best pass in the thread's CPU time; constant: every sample's output is the same)
"""
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.exit("torch_onnx: no PyTorch (Debian's python3-torch: tools/deps.sh python3-torch)")

OPS = "Conv Relu Clip Add MaxPool GlobalAveragePool Flatten Gemm"


def attrs_of(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def pads2d(node, pads, what):
    """ONNX pads [top, left, bottom, right] -> symmetric (h, w), or None and the F.pad tuple."""
    if len(pads) != 4:
        sys.exit(f"torch_onnx: {node.name}: {what} with {len(pads) // 2} spatial dimensions (only 2-D)")
    t, l, b, r = pads
    if t == b and l == r:
        return (t, l), None
    return (0, 0), (l, r, t, b)


def compile_node(node, consts, onednn):
    """One ONNX node as a function of the values so far (a dict name -> tensor)."""
    a = attrs_of(node)
    op = node.op_type
    ins, out = list(node.input), node.output[0]
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        sys.exit(f"torch_onnx: {node.name}: auto_pad {a['auto_pad']!r} is not supported")
    if op == "Conv":
        w = consts[ins[1]]
        bias = consts[ins[2]] if len(ins) > 2 and ins[2] else None
        if w.dim() != 4:
            sys.exit(f"torch_onnx: {node.name}: Conv with a {w.dim()}-D kernel (only 2-D)")
        pad, extra = pads2d(node, a.get("pads", [0, 0, 0, 0]), "Conv")
        stride = tuple(a.get("strides", [1, 1]))
        dil = tuple(a.get("dilations", [1, 1]))
        group = a.get("group", 1)
        x = ins[0]
        if onednn:
            if extra is None:
                return lambda v: torch.mkldnn_convolution(v[x], w, bias, pad, stride, dil, group)
            return lambda v: torch.mkldnn_convolution(F.pad(v[x], extra), w, bias, (0, 0), stride, dil, group)
        if extra is None:
            return lambda v: F.conv2d(v[x], w, bias, stride, pad, dil, group)
        return lambda v: F.conv2d(F.pad(v[x], extra), w, bias, stride, 0, dil, group)
    if op == "Relu":
        x = ins[0]
        return lambda v: F.relu(v[x])
    if op == "Clip":
        if len(ins) > 1 or "min" not in a and "max" not in a:  # opset 11+: min and max as inputs
            lo = float(consts[ins[1]]) if len(ins) > 1 and ins[1] else None
            hi = float(consts[ins[2]]) if len(ins) > 2 and ins[2] else None
        else:
            lo, hi = a.get("min"), a.get("max")
        x = ins[0]
        return lambda v: torch.clamp(v[x], lo, hi)
    if op == "Add":
        x, y = ins
        return lambda v: v[x] + v[y]
    if op == "MaxPool":
        k = tuple(a["kernel_shape"])
        if len(k) != 2 or a.get("storage_order", 0) != 0 or len(node.output) > 1:
            sys.exit(f"torch_onnx: {node.name}: only 2-D MaxPool with one output")
        pad, extra = pads2d(node, a.get("pads", [0, 0, 0, 0]), "MaxPool")
        stride = tuple(a.get("strides", [1, 1]))
        dil = tuple(a.get("dilations", [1, 1]))
        ceil = bool(a.get("ceil_mode", 0))
        x = ins[0]
        if extra is None:
            return lambda v: F.max_pool2d(v[x], k, stride, pad, dil, ceil)
        return lambda v: F.max_pool2d(F.pad(v[x], extra, value=float("-inf")), k, stride, 0, dil, ceil)
    if op == "GlobalAveragePool":
        x = ins[0]
        return lambda v: torch.mean(v[x], dim=tuple(range(2, v[x].dim())), keepdim=True)
    if op == "Flatten":
        axis = a.get("axis", 1)
        x = ins[0]
        def flatten(v):
            t = v[x]
            ax = axis if axis >= 0 else axis + t.dim()
            return t.reshape(int(np.prod(t.shape[:ax], dtype=np.int64)), -1)
        return flatten
    if op == "Gemm":
        alpha, beta = a.get("alpha", 1.0), a.get("beta", 1.0)
        ta, tb = a.get("transA", 0), a.get("transB", 0)
        x = ins[0]
        w = consts[ins[1]] if ins[1] in consts else None
        c = consts[ins[2]] if len(ins) > 2 and ins[2] in consts else None
        if w is not None and (len(ins) < 3 or c is not None) and not ta and alpha == 1.0 and beta == 1.0:
            wt = w if tb else w.t().contiguous()  # F.linear wants [out, in]
            if onednn and (c is None or c.dim() == 1 and c.shape[0] == wt.shape[0]):
                w4 = wt.reshape(wt.shape[0], wt.shape[1], 1, 1).contiguous()
                return lambda v: torch.mkldnn_convolution(v[x].reshape(v[x].shape[0], -1, 1, 1), w4, c,
                                                          (0, 0), (1, 1), (1, 1), 1).reshape(v[x].shape[0], -1)
            return lambda v: F.linear(v[x], wt, c)
        def gemm(v):
            A = v[x].t() if ta else v[x]
            Bm = v[ins[1]].t() if tb else v[ins[1]]
            y = alpha * (A @ Bm)
            if len(ins) > 2 and ins[2]:
                y = y + beta * v[ins[2]]
            return y
        return gemm
    sys.exit(f"torch_onnx: {node.name or '(unnamed)'}: op {op} is not supported (only {OPS})")


def load(path, onednn):
    m = onnx.load(path)
    g = m.graph
    consts = {t.name: torch.from_numpy(numpy_helper.to_array(t).astype(np.float32, copy=True)) for t in g.initializer}
    inputs = [i for i in g.input if i.name not in consts]
    if len(inputs) != 1 or len(g.output) != 1:
        sys.exit(f"torch_onnx: {path}: {len(inputs)} inputs and {len(g.output)} outputs (one of each only)")
    shape = [d.dim_value for d in inputs[0].type.tensor_type.shape.dim]
    if not shape or any(d <= 0 for d in shape):
        sys.exit(f"torch_onnx: {path}: the input's shape {shape} is not fixed")
    steps = []
    for node in g.node:
        if node.op_type == "Constant":
            sys.exit(f"torch_onnx: {node.name}: op Constant is not supported (only {OPS})")
        steps.append((node.output[0], compile_node(node, consts, onednn)))
    return inputs[0].name, shape, g.output[0].name, consts, steps


def main():
    args = sys.argv[1:]
    onednn = bool(args) and args[0] == "--onednn"
    if onednn:
        args = args[1:]
    if len(args) not in (2, 3) or args[0].startswith("-"):
        sys.exit("usage: torch_onnx.py [--onednn] MODEL.onnx SAMPLES.f32 [REF.f32]")
    if onednn and not (torch.backends.mkldnn.is_available() and hasattr(torch, "mkldnn_convolution")):
        sys.exit("torch_onnx: --onednn: this PyTorch has no oneDNN (mkldnn) convolution")
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    xname, shape, yname, consts, steps = load(args[0], onednn)
    size = int(np.prod(shape))
    flat = np.fromfile(args[1], dtype="<f4")
    n = flat.size // size
    if n < 1:
        sys.exit(f"torch_onnx: {args[1]} holds no whole sample of {size} floats")
    xs = [torch.from_numpy(flat[i * size:(i + 1) * size].reshape(shape).copy()) for i in range(n)]

    def run(x):
        v = dict(consts)
        v[xname] = x
        for name, f in steps:
            v[name] = f(v)
        return v[yname]

    mode = torch.inference_mode() if hasattr(torch, "inference_mode") else torch.no_grad()
    with torch.no_grad(), mode:
        outs = [run(x).numpy().ravel().copy() for x in xs]
        best, best_cpu = float("inf"), float("inf")
        for _ in range(5):
            t0, c0 = time.perf_counter(), time.thread_time()
            for x in xs:
                run(x)
            t, c = (time.perf_counter() - t0) / n, (time.thread_time() - c0) / n
            best, best_cpu = min(best, t), min(best_cpu, c)
    line = f"{n} samples; {best * 1e6:.3f} us per inference; cpu {best_cpu * 1e6:.3f} us"
    if n > 1 and all(np.array_equal(o, outs[0]) for o in outs[1:]):
        line += "; constant"
    if len(args) == 3:
        ref = np.fromfile(args[2], dtype="<f4")
        got = np.concatenate(outs)
        if ref.size != got.size:
            sys.exit(f"torch_onnx: {args[2]} holds {ref.size} floats, expected {got.size}")
        d = float(np.max(np.abs(got.astype(np.float64) - ref)))
        r = float(np.max(np.abs(ref)))
        line += f"; max |torch - ref| {d:.2e}; max |ref| {r:.2e}; rel {d / r if r > 0 else d:.2e}"
    print(line)


if __name__ == "__main__":
    main()
