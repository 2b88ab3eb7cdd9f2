#!/usr/bin/env python3
"""check_islands.py DIR NAME GOT.f32 [MAXOFF]: a float-island model's outputs (ticketc's, as
--main writes them) against NAME.spec.f32, numpy's values from the ONNX specification.
Quantised outputs (NAME.grid: count and scale per output) are compared in steps of their
scale: at least 95% equal and none more than 1 step off (the integer layers requantise
as TFLite does, rounding twice: 1 step off next to a tie, which a later layer may carry).
Float outputs (scale 0) within 1e-5 relative. Prints one line; exit 1 on failure."""
import sys
import numpy as np

d, name, got_path = sys.argv[1:4]
spec = np.fromfile(f"{d}/{name}.spec.f32", "<f4").astype(np.float64)
got = np.fromfile(got_path, "<f4").astype(np.float64)
grid = [l.split() for l in open(f"{d}/{name}.grid")]
width = sum(int(c) for c, _ in grid)
if got.size != spec.size:
    print(f"{name}: {got.size} values, expected {spec.size}")
    sys.exit(1)
spec, got = spec.reshape(-1, width), got.reshape(-1, width)
ok, msg, col = True, [], 0
for c, s in grid:
    c, s = int(c), float(s)
    a, b = spec[:, col:col + c], got[:, col:col + c]
    col += c
    if s == 0:
        err = float(np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-6)))
        msg.append(f"float output: {a.size} values, largest relative difference {err:.2g}")
        ok &= err <= 1e-5
    else:
        diff = np.abs(np.rint(a / s) - np.rint(b / s))
        eq, worst = int((diff == 0).sum()), float(diff.max())
        msg.append(f"int8 output: {eq} of {a.size} equal to the specification's, none more than {worst:g} step off")
        ok &= eq >= 0.95 * a.size and worst <= 1
print(f"{name}: " + "; ".join(msg))
sys.exit(0 if ok else 1)
