#!/usr/bin/python3
"""Checks a --report page against its model, and optionally Chromium's
screenshot of it.

usage: check_report.py REPORT.html MODEL.onnx [SCREENSHOT.png]

- nothing on the page runs or loads: no <script>, no on...= handlers, no
  javascript: URLs, no external addresses (everything is inline);
- the provenance names the model file's real SHA-256;
- each mask image, decoded from its data: URI, is black exactly where the
  model's weight is nonzero (rows: outputs, columns: inputs), for every
  weight found in the file under the name the caption gives;
- the screenshot is a rendered page: the right size, mostly light, with ink.
"""
import base64
import hashlib
import io
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper
from PIL import Image

html = open(sys.argv[1], encoding="utf-8").read()
model_path = sys.argv[2]
model = onnx.load(model_path)
W = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
transB = {}
for n in model.graph.node:
    if n.op_type == "Gemm":
        transB[n.input[1]] = next((a.i for a in n.attribute if a.name == "transB"), 0)
    elif n.op_type == "MatMul":
        transB[n.input[1]] = 0
errors = []

low = html.lower()
for bad in ("<script", "javascript:", "<iframe", "<object", "<embed", "<link", "@import", "url("):
    if bad in low:
        errors.append(f"the page contains {bad!r}")
for tag in re.findall(r"<[a-zA-Z][^>]*>", html):
    if re.search(r"\son[a-z]+\s*=", tag, re.I):
        errors.append(f"an event handler in {tag[:80]!r}")
    for url in re.findall(r'(?:src|href)="([^"]*)"', tag):
        if not url.startswith("data:image/png;base64,"):
            errors.append(f"an address that is not inline: {url[:60]!r}")

sha = hashlib.sha256(open(model_path, "rb").read()).hexdigest()
if sha not in html:
    errors.append(f"the page does not name the model's SHA-256 {sha}")

figs = re.findall(r'<figure>\s*<img class="mask" width="(\d+)" height="(\d+)" alt="mask" src="data:image/png;base64,([A-Za-z0-9+/=]+)">\s*'
                  r'<figcaption>node \d+ (\w+) <code>.*?</code>, weights <code>(.*?)</code>: '
                  r'(\d+) (outputs|output channels) &times; (\d+) (?:inputs|taps)', html, re.S)
checked = 0
for width, height, b64, op, name, N, what, K in figs:
    img = Image.open(io.BytesIO(base64.b64decode(b64)))
    img.load()
    px = np.asarray(img.convert("L"))
    N, K = int(N), int(K)
    if name not in W:
        continue  # a name rewritten for the page, or a weight computed by folding
    if op == "Conv":  # [M][C/group][kh][kw]: a row per output channel, its taps across
        w = W[name].reshape(W[name].shape[0], -1)
    else:
        w = W[name] if transB.get(name, 0) else W[name].T
    if w.shape != (N, K):
        errors.append(f"{name}: caption says {N}x{K}, the model has {w.shape}")
        continue
    if px.shape != (N, K):  # shrunk: only for matrices over 1024 a side
        if max(N, K) <= 1024:
            errors.append(f"{name}: image is {px.shape}, expected {(N, K)}")
        continue
    want = np.where(w != 0, 0, 255)
    if not np.array_equal(px, want):
        errors.append(f"{name}: {int(np.sum(px != want))} pixels differ from the mask")
    checked += 1
if not figs:
    errors.append("no mask figures on the page")

if len(sys.argv) > 3:
    shot = np.asarray(Image.open(sys.argv[3]).convert("L"))
    dark = float(np.mean(shot < 128))
    if shot.shape[1] < 800 or not (0.002 < dark < 0.5):
        errors.append(f"the screenshot does not look like the page: {shot.shape}, {dark:.4f} dark")

for e in errors:
    print(e)
if errors:
    sys.exit(1)
print(f"{len(figs)} mask images, {checked} compared pixel by pixel with the model, nothing active on the page")
