#!/usr/bin/python3
"""The indexing and integer ops (issue 18; shape_index.c, interp_index.c, emit_index.c):
GatherND, ScatterND, OneHot, TopK, EyeLike, ReverseSequence, BitShift, MaxPool on uint8,
Mod with fmod=1 on int32, Pad on int32 (constant, reflect, edge). One small ONNX model per case, built here with onnx.helper,
compiled with --main under -Werror -pedantic and UBSan, fed random raw inputs of each
input's type; the outputs must equal numpy's (exactly; floats are only moved, never
computed) from both the generated C and --interpret. A GatherND of constants must fold
(the reference interpreter's value, added to a run-time input). Then refusals: a
run-time OneHot depth, an unknown reduction, a TopK k longer than its axis.

usage: check_index.py TICKETC
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP, helper as oh, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
W = os.path.join(ROOT, "build/run-index")
NP = {TP.FLOAT: np.float32, TP.INT64: np.int64, TP.INT32: np.int32, TP.UINT8: np.uint8, TP.BOOL: np.bool_}
TICKETC = None


def model(name, node, ins, outs, inits=(), opset=18):
    """ins/outs: (name, type, shape); inits: (name, array)."""
    g = oh.make_graph([node], name, [oh.make_tensor_value_info(n, t, s) for n, t, s in ins],
                      [oh.make_tensor_value_info(n, t, s) for n, t, s in outs],
                      [numpy_helper.from_array(a, n) for n, a in inits])
    m = oh.make_model(g, opset_imports=[oh.make_opsetid("", opset)])
    path = os.path.join(W, name + ".onnx")
    onnx.save(m, path)
    return path


def run_case(name, node, ins, outs, gen, ref, inits=(), opset=18, samples=20):
    """gen(rng) -> list of input arrays; ref(*inputs) -> list of output arrays."""
    path = model(name, node, ins, outs, inits, opset)
    c, exe = os.path.join(W, name + ".c"), os.path.join(W, name)
    subprocess.run([TICKETC, path, "-o", c, "--main"], check=True)
    # -O0: at -O1 gcc may drop UBSan's check of an overflowing product whose value is discarded
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O0", "-fsanitize=undefined",
                    "-fno-sanitize-recover=all", c, "-o", exe], check=True)
    rng = np.random.default_rng(sum(map(ord, name)))
    stdin, want = b"", b""
    for _ in range(samples):
        xs = gen(rng)
        stdin += b"".join(np.ascontiguousarray(x, NP[t]).tobytes() for x, (_, t, _) in zip(xs, ins))
        want += b"".join(np.ascontiguousarray(y, NP[t]).tobytes() for y, (_, t, _) in zip(ref(*xs), outs))
    got = subprocess.run([exe], input=stdin, capture_output=True, check=True).stdout
    interp = subprocess.run([TICKETC, path, "--interpret"], input=stdin, capture_output=True, check=True).stdout
    bad = 0
    for what, out in (("the generated C", got), ("--interpret", interp)):
        if out != want:
            print("FAIL: %s: %s differs from numpy" % (name, what))
            bad = 1
    return bad


def refuse(name, node, ins, outs, inits, want):
    path = model(name, node, ins, outs, inits)
    r = subprocess.run([TICKETC, path, "-o", os.path.join(W, name + ".c")], capture_output=True, text=True)
    if r.returncode != 1 or want not in r.stderr:
        print("FAIL: %s: expected exit 1 with '%s', got %d: %s" % (name, want, r.returncode, r.stderr.strip()))
        return 1
    return 0


# ---- numpy references ----

def gathernd(x, ix, b=0):
    ix = np.where(ix < 0, ix + np.array(x.shape[b:b + ix.shape[-1]]), ix)
    if b == 0:
        return x[tuple(np.moveaxis(ix, -1, 0))]
    return np.stack([gathernd(x[i], ix[i]) for i in range(x.shape[0])])


def scatternd(x, ix, u, red="none"):
    y = x.copy()
    for t in np.ndindex(ix.shape[:-1]):
        k = tuple(ix[t])
        y[k] = {"none": u[t], "add": y[k] + u[t], "mul": y[k] * u[t], "max": np.maximum(y[k], u[t]),
                "min": np.minimum(y[k], u[t])}[red]
    return y


def onehot(ix, depth, axis, off, on):
    q = np.where(ix < 0, ix + depth, ix)
    y = (q[..., None] == np.arange(depth)).astype(np.float32)
    y = np.where(y > 0, on, off).astype(np.float32)
    return np.moveaxis(y, -1, axis)


def topk(x, k, axis, largest):
    key = -x if largest else x
    order = np.argsort(key, axis=axis, kind="stable")  # ties: the lower index first
    idx = np.take(order, np.arange(k), axis=axis)
    return np.take_along_axis(x, idx, axis), idx


def reverseseq(x, lens, ba):
    y = x.copy()
    for b, n in enumerate(lens):
        if ba == 0:
            y[b, :n] = x[b, :n][::-1]
        else:
            y[:n, b] = x[:n, b][::-1]
    return y


def maxpool(x, k, p):
    xp = np.pad(x.astype(np.int64), ((0, 0), (0, 0), (p, p), (p, p)), constant_values=-1)
    H, Wd = x.shape[2], x.shape[3]
    y = np.zeros_like(x)
    for i in range(H):
        for j in range(Wd):
            y[:, :, i, j] = xp[:, :, i:i + k, j:j + k].max(axis=(2, 3))
    return y


def main():
    global TICKETC
    TICKETC = os.path.abspath(sys.argv[1])
    os.makedirs(W, exist_ok=True)
    F, I64, I32, U8 = TP.FLOAT, TP.INT64, TP.INT32, TP.UINT8
    bad = 0
    n = oh.make_node
    bad |= run_case("gathernd_b1", n("GatherND", ["x", "i"], ["y"], batch_dims=1),
                    [("x", F, [2, 3, 4]), ("i", I64, [2, 2, 1])], [("y", F, [2, 2, 4])],
                    lambda r: [r.standard_normal((2, 3, 4)), r.integers(-3, 3, (2, 2, 1))],
                    lambda x, i: [gathernd(x, i, 1)])
    bad |= run_case("gathernd_int32", n("GatherND", ["x", "i"], ["y"]),
                    [("x", I32, [3, 4]), ("i", I64, [5, 2])], [("y", I32, [5])],
                    lambda r: [r.integers(-9, 9, (3, 4)), np.stack([r.integers(-3, 3, 5), r.integers(-4, 4, 5)], 1)],
                    lambda x, i: [gathernd(x, i)])
    for red in ("none", "add", "mul", "max", "min"):
        # distinct indices for "none" (ONNX leaves repeated ones undefined), repeats for the reductions
        bad |= run_case("scatternd_" + red, n("ScatterND", ["x", "i", "u"], ["y"], reduction=red),
                        [("x", I64, [4, 3]), ("i", I64, [3, 1]), ("u", I64, [3, 3])], [("y", I64, [4, 3])],
                        lambda r, red=red: [r.integers(-5, 5, (4, 3)),
                                            (r.permutation(4)[:3] if red == "none" else r.integers(0, 4, 3)).reshape(3, 1),
                                            r.integers(-5, 5, (3, 3))],
                        lambda x, i, u, red=red: [scatternd(x, i, u, red)])
    bad |= run_case("onehot_axis1", n("OneHot", ["i", "d", "v"], ["y"], axis=1),
                    [("i", I64, [2, 3])], [("y", F, [2, 5, 3])],
                    lambda r: [r.integers(-6, 6, (2, 3))],
                    lambda i: [onehot(np.where((i >= -5) & (i < 5), i, 99), 5, 1, -1.5, 2.5)],
                    inits=[("d", np.array([5], np.int64)), ("v", np.array([-1.5, 2.5], np.float32))])
    for largest in (1, 0):
        bad |= run_case("topk_%d" % largest, n("TopK", ["x", "k"], ["v", "i"], axis=0, largest=largest),
                        [("x", I64, [6, 2])], [("v", I64, [3, 2]), ("i", I64, [3, 2])],
                        lambda r: [r.integers(-3, 3, (6, 2))],  # many ties
                        lambda x, largest=largest: list(topk(x, 3, 0, largest)),
                        inits=[("k", np.array([3], np.int64))])
    bad |= run_case("topk_float", n("TopK", ["x", "k"], ["v", "i"]),
                    [("x", F, [2, 7])], [("v", F, [2, 4]), ("i", I64, [2, 4])],
                    lambda r: [r.standard_normal((2, 7))],
                    lambda x: list(topk(x.astype(np.float32), 4, 1, 1)),
                    inits=[("k", np.array([4], np.int64))])
    bad |= run_case("eyelike", n("EyeLike", ["x"], ["y"], k=-1),
                    [("x", I32, [3, 4])], [("y", I32, [3, 4])],
                    lambda r: [r.integers(0, 9, (3, 4))], lambda x: [np.eye(3, 4, -1)])
    for ba in (0, 1):
        shape = [3, 5, 2] if ba == 0 else [5, 3, 2]
        bad |= run_case("reverseseq_%d" % ba, n("ReverseSequence", ["x", "l"], ["y"], batch_axis=ba, time_axis=1 - ba),
                        [("x", I64, shape), ("l", I64, [3])], [("y", I64, shape)],
                        lambda r, shape=shape: [r.integers(0, 99, shape), r.integers(0, 6, 3)],
                        lambda x, l, ba=ba: [reverseseq(x, l, ba)])
    for d in ("LEFT", "RIGHT"):
        bad |= run_case("bitshift_" + d, n("BitShift", ["a", "s"], ["y"], direction=d),
                        [("a", U8, [2, 3]), ("s", U8, [3])], [("y", U8, [2, 3])],
                        lambda r: [r.integers(0, 256, (2, 3)), r.integers(0, 10, 3)],
                        lambda a, s, d=d: [np.where(s >= 8, 0, (a.astype(np.int64) << s if d == "LEFT" else a >> s) & 255)])
    bad |= run_case("maxpool_uint8", n("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
                    [("x", U8, [1, 2, 4, 5])], [("y", U8, [1, 2, 4, 5])],
                    lambda r: [r.integers(0, 256, (1, 2, 4, 5))], lambda x: [maxpool(x, 3, 1)])
    bad |= run_case("mod_fmod_int32", n("Mod", ["a", "b"], ["y"], fmod=1),
                    [("a", I32, [8]), ("b", I32, [8])], [("y", I32, [8])],
                    lambda r: [r.integers(-50, 50, 8), r.choice([-7, -3, -2, 2, 3, 7], 8)],
                    lambda a, b: [np.fmod(a, b)])
    for mode, val in (("constant", [-7]), ("reflect", None), ("edge", None)):
        inits = [("p", np.array([1, 2, 0, 2], np.int64))] + ([("v", np.array(val, np.int32).reshape(()))] if val else [])
        bad |= run_case("pad_" + mode, n("Pad", ["x", "p"] + (["v"] if val else []), ["y"], mode=mode),
                        [("x", I32, [3, 4])], [("y", I32, [4, 8])],
                        lambda r: [r.integers(-99, 99, (3, 4))],
                        lambda x, mode=mode, val=val: [np.pad(x, ((1, 0), (2, 2)), mode=mode, **(
                            {"constant_values": val[0]} if val else {}))],
                        inits=inits)
    # an index far outside the data: the C (under UBSan: no overflow) reads slice 0
    x = np.arange(12, dtype=np.int32).reshape(3, 4)
    ix = np.array([[2 ** 62, 1], [1, -2 ** 62], [-1, -1], [0, 3], [-2 ** 63, 0]], np.int64)
    r = subprocess.run([os.path.join(W, "gathernd_int32")], input=x.tobytes() + ix.tobytes(), capture_output=True)
    if r.returncode != 0 or np.frombuffer(r.stdout, np.int32).tolist() != [0, 0, 11, 3, 0]:
        print("FAIL: gathernd out of range: exit %d, %r" % (r.returncode, r.stdout))
        bad = 1
    # all inputs constant: folded by the reference interpreter, the result added to a run-time input
    ix = np.array([[1], [-1]], np.int64)
    x0 = np.arange(12, dtype=np.int64).reshape(3, 4)
    g = oh.make_graph([n("GatherND", ["x0", "ix"], ["t"]), n("Add", ["t", "z"], ["y"])], "fold",
                      [oh.make_tensor_value_info("z", I64, [2, 4])], [oh.make_tensor_value_info("y", I64, [2, 4])],
                      [numpy_helper.from_array(x0, "x0"), numpy_helper.from_array(ix, "ix")])
    path = os.path.join(W, "gathernd_fold.onnx")
    onnx.save(oh.make_model(g, opset_imports=[oh.make_opsetid("", 18)]), path)
    z = np.arange(8, dtype=np.int64).reshape(2, 4)
    out = subprocess.run([TICKETC, path, "--interpret"], input=z.tobytes(), capture_output=True, check=True).stdout
    cpath = os.path.join(W, "gathernd_fold.c")
    subprocess.run([TICKETC, path, "-o", cpath], check=True)
    with open(cpath) as f:
        c = f.read()
    if out != (gathernd(x0, ix) + z).tobytes() or "node 0: GatherND" in c:
        print("FAIL: gathernd_fold: the constant GatherND is not folded to numpy's value")
        bad = 1
    # refusals
    bad |= refuse("onehot_rt_depth", n("OneHot", ["i", "d", "v"], ["y"]),
                  [("i", I64, [3]), ("d", I64, [1])], [("y", F, [3, 4])], [("v", np.array([0, 1], np.float32))],
                  "depth (input 1) decides the output's shape, so it must be a constant")
    bad |= refuse("scatternd_red", n("ScatterND", ["x", "i", "u"], ["y"], reduction="xor"),
                  [("x", F, [4]), ("i", I64, [1, 1]), ("u", F, [1])], [("y", F, [4])], [],
                  "attribute 'reduction' must be none, add, mul, max or min")
    bad |= refuse("topk_k", n("TopK", ["x", "k"], ["v", "i"]),
                  [("x", F, [4])], [("v", F, [5]), ("i", I64, [5])], [("k", np.array([5], np.int64))],
                  "k is 5; it must be from 1 to the axis' length 4")
    if not bad:
        print("index ops: ok (GatherND, ScatterND x5 reductions, OneHot, TopK x3, EyeLike, ReverseSequence x2, "
              "BitShift x2, MaxPool uint8, Mod fmod, Pad x3; C and --interpret equal numpy exactly; folding; 3 refusals)")
    return bad


if __name__ == "__main__":
    sys.exit(main())
