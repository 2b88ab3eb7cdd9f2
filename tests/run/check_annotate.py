#!/usr/bin/python3
"""Checks --annotate output against the model: every annotated term of the
unrolled code must hold exactly the weight its comment names, read from the
ONNX file by onnx itself, and read x at the right index; every bias comment
likewise; and each weight tensor named must appear once per nonzero entry.
Conv terms (s1 += p[off] * w; /* W[m][c][kh][kw] */) likewise, per output channel.

With weight streams (--target cortex-m: `TC_LD8(w);` loads the next values
of the function's table into w0..w7), each term's wN is resolved through
the table and the loads, as the generated code reads it, then checked alike.

usage: check_annotate.py MODEL.onnx OUT.c [MIN_TERMS]
       (OUT.c compiled with --strategy unrolled --annotate)
"""
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper

model = onnx.load(sys.argv[1])
W = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
transB = {}
for n in model.graph.node:
    if n.op_type == "Gemm":
        tb = next((a.i for a in n.attribute if a.name == "transB"), 0)
        transB[n.input[1]] = tb
    elif n.op_type == "MatMul":
        transB[n.input[1]] = 0

# inputs are x[k] or, from 256 on, x256[k - 256], x512[k - 512], ... (xN = x + N)
X = r"x(\d*)\[(\d+)\]"
term = re.compile(r"^\s*s\d+ (=|\+=|-=) (-?)" + X + r"(?: \* (\S+)f)?; /\* (?:alpha (\S+) \* )?([A-Za-z0-9_./:-]+)\[(\d+)\]\[(\d+)\] \*/$")
fma = re.compile(r"^\s*(s\d+) = TC_FMA\(" + X + r", (\S+)f, (s\d+)\); /\* (?:alpha (\S+) \* )?([A-Za-z0-9_./:-]+)\[(\d+)\]\[(\d+)\] \*/$")
bias = re.compile(r"^\s*s0 = .* ([+-]) (\S+)f; /\* (?:beta (\S+) \* )?([A-Za-z0-9_./:-]+)\[(\d+)\] \*/$")
seen = {}
errors = 0
n_terms = n_bias = 0
# a Conv tap, in the plain loop (p[off]) or the TC_VEC one (*(const tc_vfu *)(p + off))
conv = re.compile(r"^\s*s\d (?:\+=|=) (?:([pq])\[(\d+)\]|\*\(const tc_vfu \*\)\(p \+ (\d+)\)) \* (\S+)f; "
                  r"/\* ([A-Za-z0-9_./:-]+)((?:\[\d+\]){3,4}) \*/$")
# the register-blocked form: v = p[off]; or v = *(const tc_vu *)(p + off); then per channel
# a<j> = v * w; (its first tap) or a<j> = TC_SFMA(v, w, a<j>); / tc_vfma(v, w, a<j>);
vload = re.compile(r"^\s*v = (?:p\[(\d+)\]|\*\(const tc_vu \*\)\(p \+ (\d+)\));$")
bterm = re.compile(r"^\s*a(\d+) = (?:(?:a\d+ \+ )?v \* (\S+)f|(TC_SFMA|tc_vfma)\(v, (\S+)f, a(\d+)\)); "
                   r"/\* ([A-Za-z0-9_./:-]+)((?:\[\d+\]){3,4}) \*/$")
vkind = None
conv_seen = {}
n_conv = 0
window = re.compile(r"\bx(\d+) = x \+ (\d+)\b")
windows = set()
node = None
text = open(sys.argv[2]).read()
# weight streams: the tables, then per function the values each TC_LD<n> hands out
tables = {name: [float(np.float32(v)) for v in re.findall(r"(-?[0-9][0-9.e+-]*)f", body)]
          for name, body in re.findall(r"static const float (?:TC_WEIGHTS )?(n\d+_\w+_w\d+)\[\d+\] = \{(.*?)\};",
                                       text, re.S)}
stream, regs, n_streamed = [], [], 0
dispatch_depth = 0  # inside #if TC_DISPATCH: the AVX copies of the functions that follow (same text)
for lineno, line in enumerate(text.splitlines(True), 1):
    if dispatch_depth or line.startswith("#if TC_DISPATCH"):
        if line.startswith("#if"):
            dispatch_depth += 1
        elif line.startswith("#endif"):
            dispatch_depth -= 1
        continue
    st = re.match(r"\s*const float \*w = (\w+);", line)
    if st:
        stream = list(tables[st.group(1)])
        continue
    ld = re.match(r"\s*TC_LD(\d)\(w\);", line)
    if ld:
        regs, stream = stream[:int(ld.group(1))], stream[int(ld.group(1)):]
        continue
    if regs and "/*" in line and re.search(r"\bw\d\b", line):
        # s0 = TC_FMA(x[3], w5, s0); /* ... */ -> the same with w5's value as a literal
        line = re.sub(r"\bw(\d)\b", lambda r: repr(regs[int(r.group(1))]) + "f", line)
        line = re.sub(r" \+ (-)(\S+f;)", r" - \2", line)  # a bias: s0 = ... + -0.5f
        n_streamed += 1
    if line.startswith("static "):
        windows = set()
        fn = re.match(r"static .*\bvoid (n\d+)_", line)
        node = fn.group(1) if fn else None
    for a, b in window.findall(line):
        if a == b:
            windows.add(a)
    vl = vload.match(line)
    if vl:
        vkind = "vector" if vl.group(2) else "scalar"
    cv = conv.match(line)
    bt = bterm.match(line)
    if bt:
        j, lit1, fn, lit2, j2, name, idx = bt.groups()
        if fn and j != j2:
            print(f"line {lineno}: {line.strip()}: accumulates into another channel's sum")
            errors += 1
        if fn and (fn == "tc_vfma") != (vkind == "vector"):
            print(f"line {lineno}: {line.strip()}: {fn} on a {vkind} load")
            errors += 1
        cv = bt
        lit, kind = lit1 or lit2, vkind
    elif cv:
        pbase, off, voff, lit, name, idx = cv.groups()  # (q[14] is a tap in the window q = p + 256k; offsets are not checked)
        kind = "vector" if voff else "scalar"
    if cv:
        ix = tuple(int(i) for i in re.findall(r"\d+", idx))
        if name in W:
            w = W[name][ix] if len(ix) == W[name].ndim else None
            if w is None or np.float32(lit) != w:
                print(f"line {lineno}: {line.strip()}: the model has {w!r} at {name}{list(ix)}")
                errors += 1
            if (node, kind, name, ix) in conv_seen:  # (a weight may serve several Conv nodes)
                print(f"line {lineno}: {name}{list(ix)} annotated twice in the {kind} code of node {node}")
                errors += 1
            conv_seen[(node, kind, name, ix)] = 1
            n_conv += 1
        continue
    m = term.match(line)
    f = fma.match(line)
    if f and f.group(1) == f.group(5):  # s = TC_FMA(x[k], w, s) is s += x[k] * w
        m = f
        _, base, k, lit, _, alpha, name, r, c = f.groups()
        op, neg = "+=", ""
    elif m:
        op, neg, base, k, lit, alpha, name, r, c = m.groups()
    if m:
        if base and (int(base) % 256 or int(k) >= 256 or base not in windows):
            print(f"line {lineno}: {line.strip()}: x{base} is not a window x + {base} of this function")
            errors += 1
        r, c, k = int(r), int(c), int(base or 0) + int(k)
        if name not in W:  # a weight computed by folding (prune format): not in the file as such
            continue
        value = np.float32(lit) if lit is not None else np.float32(1)
        if neg or op == "-=":
            value = -value
        w = W[name][r, c]
        if alpha is not None:
            w = np.float32(np.float32(alpha.rstrip("f")) * w)
        x_index = c if transB.get(name, 0) else r
        if value != w or k != x_index:
            print(f"line {lineno}: {line.strip()}: the model has {w!r} at {name}[{r}][{c}], x index {x_index}")
            errors += 1
        if (name, r, c) in seen:
            print(f"line {lineno}: {name}[{r}][{c}] annotated twice")
            errors += 1
        seen[(name, r, c)] = 1
        n_terms += 1
        continue
    m = bias.match(line)
    if m:
        sign, lit, beta, name, j = m.groups()
        value = np.float32(lit) * (-1 if sign == "-" else 1)
        if name not in W:
            continue
        b = W[name].reshape(-1)[int(j)]
        if beta is not None:
            b = np.float32(np.float32(beta.rstrip("f")) * b)
        if value != b:
            print(f"line {lineno}: {line.strip()}: the model has {b!r} at {name}[{j}]")
            errors += 1
        n_bias += 1

# every weight a comment names must be there once per nonzero entry: no more, no fewer
names = sorted({name for name, _, _ in seen})
for name in names:
    nz = {tuple(int(i) for i in ix) for ix in np.argwhere(W[name] != 0)}
    got = {(r, c) for nm, r, c in seen if nm == name}
    if nz != got:
        print(f"{name}: {len(got)} entries annotated, the model has {len(nz)} nonzero; "
              f"missing e.g. {sorted(nz - got)[:3]}, extra e.g. {sorted(got - nz)[:3]}")
        errors += 1
# Conv: each channel's interior loop holds each of its nonzero taps once
# (in each of the plain and the vector loop, where there is one)
for node, kind, name in sorted({(node, kind, name) for node, kind, name, _ in conv_seen}):
    nz = {tuple(int(i) for i in ix) for ix in np.argwhere(W[name] != 0)}
    got = {ix for nd, k, nm, ix in conv_seen if nm == name and nd == node and k == kind}
    if nz != got:
        print(f"{node} {name} ({kind} loop): {len(got)} taps annotated, the model has {len(nz)} nonzero; "
              f"missing e.g. {sorted(nz - got)[:3]}, extra e.g. {sorted(got - nz)[:3]}")
        errors += 1
n_terms += n_conv
n_vec = sum(1 for key in conv_seen if key[1] == "vector")
if len(sys.argv) > 3 and n_terms < int(sys.argv[3]):
    print(f"only {n_terms} annotated terms, expected at least {sys.argv[3]}")
    errors += 1
if errors:
    sys.exit(1)
print(f"{n_terms} terms ({n_conv} of them Conv taps, {n_vec} in vector loops) and {n_bias} biases annotated"
      f"{f' ({n_streamed} read from weight streams)' if n_streamed else ''}, each equal to the model's value")
