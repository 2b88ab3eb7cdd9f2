#!/usr/bin/python3
"""LSTM with peepholes and sequence_lens (issue 18; shape.c, interp.c eval_rnn, emit_ops.c
emit_rnn). Small LSTM models built here with onnx.helper: forward, reverse and
bidirectional, peepholes P, sequence_lens as a run-time int32 input and as a constant of
partial lengths; compiled with --main under -Werror -pedantic and UBSan, fed random
inputs; Y, Y_h and Y_c must match a numpy LSTM written here from the ONNX specification
(batch b takes sequence_lens[b] steps, the reverse direction from step L-1; Y is 0 after
them; Y_h, Y_c are the state after them) within 1e-5, from the C and --interpret. Then a
refusal: a constant length of 0.

usage: check_rnn_seq.py TICKETC
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP, helper as oh, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
W = os.path.join(ROOT, "build/run-rnn-seq")
TICKETC = None
T, B, I, H = 5, 3, 4, 3


def sig(v):
    return 1.0 / (1.0 + np.exp(-v))


def lstm(x, w, r, bias, sl, p, direction):
    """numpy: x [T,B,I], w [D,4H,I], r [D,4H,H], bias [D,8H], sl [B], p [D,3H] -> Y, Y_h, Y_c."""
    D = w.shape[0]
    y = np.zeros((T, D, B, H))
    yh, yc = np.zeros((D, B, H)), np.zeros((D, B, H))
    for d in range(D):
        rev = direction == "reverse" or d == 1
        for b in range(B):
            h, c = np.zeros(H), np.zeros(H)
            L = int(sl[b])
            for s in range(L):
                t = L - 1 - s if rev else s
                g = w[d] @ x[t, b] + r[d] @ h + bias[d, :4 * H] + bias[d, 4 * H:]
                pi, po, pf = p[d, :H], p[d, H:2 * H], p[d, 2 * H:]
                i = sig(g[:H] + pi * c)
                f = sig(g[2 * H:3 * H] + pf * c)
                c = f * c + i * np.tanh(g[3 * H:])
                o = sig(g[H:2 * H] + po * c)
                h = o * np.tanh(c)
                y[t, d, b] = h
            yh[d, b], yc[d, b] = h, c
    return [a.astype(np.float32) for a in (y, yh, yc)]


def case(name, direction, runtime_sl, sl_const=None):
    D = 2 if direction == "bidirectional" else 1
    rng = np.random.default_rng(sum(map(ord, name)))
    w = rng.uniform(-0.5, 0.5, (D, 4 * H, I)).astype(np.float32)
    r = rng.uniform(-0.5, 0.5, (D, 4 * H, H)).astype(np.float32)
    bias = rng.uniform(-0.5, 0.5, (D, 8 * H)).astype(np.float32)
    p = rng.uniform(-0.5, 0.5, (D, 3 * H)).astype(np.float32)
    inits = [numpy_helper.from_array(a, nm) for a, nm in ((w, "W"), (r, "R"), (bias, "B"), (p, "P"))]
    ins = [oh.make_tensor_value_info("X", TP.FLOAT, [T, B, I])]
    if runtime_sl:
        ins.append(oh.make_tensor_value_info("sl", TP.INT32, [B]))
    else:
        inits.append(numpy_helper.from_array(np.array(sl_const, np.int32), "sl"))
    node = oh.make_node("LSTM", ["X", "W", "R", "B", "sl", "", "", "P"], ["Y", "Yh", "Yc"], hidden_size=H,
                        direction=direction)
    outs = [oh.make_tensor_value_info("Y", TP.FLOAT, [T, D, B, H]), oh.make_tensor_value_info("Yh", TP.FLOAT, [D, B, H]),
            oh.make_tensor_value_info("Yc", TP.FLOAT, [D, B, H])]
    path = os.path.join(W, name + ".onnx")
    onnx.save(oh.make_model(oh.make_graph([node], name, ins, outs, inits), opset_imports=[oh.make_opsetid("", 14)]), path)
    return path, (w, r, bias, p)


def run_case(name, direction, runtime_sl, sl_const=None, samples=10):
    path, (w, r, bias, p) = case(name, direction, runtime_sl, sl_const)
    c, exe = os.path.join(W, name + ".c"), os.path.join(W, name)
    subprocess.run([TICKETC, path, "-o", c, "--main"], check=True)
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1", "-fsanitize=undefined",
                    "-fno-sanitize-recover=all", c, "-o", exe], check=True)
    rng = np.random.default_rng(7)
    stdin, want = b"", []
    for _ in range(samples):
        x = rng.uniform(-1, 1, (T, B, I)).astype(np.float32)
        sl = rng.integers(1, T + 1, B).astype(np.int32) if runtime_sl else np.array(sl_const, np.int32)
        stdin += x.tobytes() + (sl.tobytes() if runtime_sl else b"")
        want += [np.concatenate([a.ravel() for a in lstm(x, w, r, bias, sl, p, direction)])]
    want = np.concatenate(want)
    bad = 0
    for what, cmd in (("the generated C", [exe]), ("--interpret", [TICKETC, path, "--interpret"])):
        got = np.frombuffer(subprocess.run(cmd, input=stdin, capture_output=True, check=True).stdout, np.float32)
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-5, atol=1e-5):
            print("FAIL: %s: %s differs from numpy (max |diff| %s)" % (
                name, what, np.max(np.abs(got - want)) if got.shape == want.shape else "n/a: %d values" % got.size))
            bad = 1
    return bad


def main():
    global TICKETC
    TICKETC = os.path.abspath(sys.argv[1])
    os.makedirs(W, exist_ok=True)
    bad = 0
    for direction in ("forward", "reverse", "bidirectional"):
        bad |= run_case("lstm_sl_rt_" + direction, direction, True)
        bad |= run_case("lstm_sl_const_" + direction, direction, False, [2, 5, 1])
    bad |= run_case("lstm_sl_full", "forward", False, [T, T, T])
    path, _ = case("lstm_sl_zero", "forward", False, [2, 0, 1])
    r = subprocess.run([TICKETC, path, "-o", os.path.join(W, "lstm_sl_zero.c")], capture_output=True, text=True)
    want = "sequence_lens[1] is 0; expected 1 to 5"
    if r.returncode != 1 or want not in r.stderr:
        print("FAIL: lstm_sl_zero: expected exit 1 with '%s', got %d: %s" % (want, r.returncode, r.stderr.strip()))
        bad = 1
    if not bad:
        print("rnn sequence_lens: ok (LSTM with peepholes x7: forward, reverse, bidirectional; sequence_lens at run "
              "time and constant; C and --interpret within 1e-5 of numpy; 1 refusal)")
    return bad


if __name__ == "__main__":
    sys.exit(main())
