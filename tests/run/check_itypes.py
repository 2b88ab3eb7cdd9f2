#!/usr/bin/python3
"""int16, uint16, uint32 and uint64 tensors at run time (issue 18; emit_types.c, interp*.c).

Per type, small ONNX models built here with onnx.helper: wrapping Add/Sub/Mul, Div and Mod
(fmod 0 and 1, mixed signs), Max/Min, Less/Greater/Equal, Where, a comparison after an
overflowing Add (the interpreter must wrap as the C does), Abs/Sign (Neg for int16), Cast to
and from float and int64, BitShift by 0 to the width + 3 (ticketc's rule: a shift by the
width or more gives 0; ONNX does not say), Pow with a float base and an unsigned exponent,
and for uint64 the values of 2^63 and more: ArgMax, TopK, Clip with bounds above 2^63,
constants above 2^63 in the tables, Pow by an exponent above 2^63, and constants folded
by the interpreter (Div, Max, Cast to float). Every case is compiled with --main under
-Werror -pedantic and UBSan, fed random raw inputs of each input's type with the extreme
values of the type mixed in; the outputs must equal numpy's exactly (Pow's float output
within 1e-5) from both the generated C and --interpret. Then: a float outside uint64's
range cast by the C gives 0 (the documented rule), --bind reads int16 and uint64 files, and ReduceMax of uint32 at run time
is refused naming the op and the type.

usage: check_itypes.py TICKETC
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP, helper as oh, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
W = os.path.join(ROOT, "build/run-itypes")
NP = {TP.FLOAT: np.float32, TP.INT64: np.int64, TP.INT32: np.int32, TP.UINT8: np.uint8, TP.BOOL: np.bool_,
      TP.INT16: np.int16, TP.UINT16: np.uint16, TP.UINT32: np.uint32, TP.UINT64: np.uint64}
NEW = (TP.INT16, TP.UINT16, TP.UINT32, TP.UINT64)
NAME = {TP.INT16: "int16", TP.UINT16: "uint16", TP.UINT32: "uint32", TP.UINT64: "uint64"}
TICKETC = None


def model(name, nodes, ins, outs, inits=(), opset=18):
    """ins/outs: (name, type, shape); inits: (name, array)."""
    g = oh.make_graph(nodes, name, [oh.make_tensor_value_info(n, t, s) for n, t, s in ins],
                      [oh.make_tensor_value_info(n, t, s) for n, t, s in outs],
                      [numpy_helper.from_array(a, n) for n, a in inits])
    path = os.path.join(W, name + ".onnx")
    onnx.save(oh.make_model(g, opset_imports=[oh.make_opsetid("", opset)]), path)
    return path


def compile_c(name, path):
    c, exe = os.path.join(W, name + ".c"), os.path.join(W, name)
    subprocess.run([TICKETC, path, "-o", c, "--main"], check=True)
    # -O0: at -O1 gcc may drop UBSan's check of an overflowing product whose value is discarded
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O0", "-fsanitize=undefined",
                    "-fno-sanitize-recover=all", c, "-o", exe], check=True)
    return c, exe


def split(raw, outs, samples):
    """The raw output bytes as one array per output, samples stacked."""
    per = [int(np.prod(s)) * np.dtype(NP[t]).itemsize for _, t, s in outs]
    res = [[] for _ in outs]
    pos = 0
    for _ in range(samples):
        for k, (_, t, _) in enumerate(outs):
            res[k].append(np.frombuffer(raw[pos:pos + per[k]], NP[t]))
            pos += per[k]
    return [np.concatenate(r) for r in res], pos == len(raw)


def run_case(name, nodes, ins, outs, gen, ref, inits=(), samples=20, ftol=0.0):
    """gen(rng) -> input arrays; ref(*inputs) -> output arrays; float outputs within ftol (relative)."""
    path = model(name, nodes, ins, outs, inits)
    _, exe = compile_c(name, path)
    rng = np.random.default_rng(sum(map(ord, name)))
    stdin, want = b"", []
    for _ in range(samples):
        xs = gen(rng)
        stdin += b"".join(np.ascontiguousarray(x, NP[t]).tobytes() for x, (_, t, _) in zip(xs, ins))
        with np.errstate(all="ignore"):
            want.append([np.ascontiguousarray(y, NP[t]).reshape(-1) for y, (_, t, _) in zip(ref(*xs), outs)])
    want = [np.concatenate([w[k] for w in want]) for k in range(len(outs))]
    got = subprocess.run([exe], input=stdin, capture_output=True, check=True).stdout
    interp = subprocess.run([TICKETC, path, "--interpret"], input=stdin, capture_output=True, check=True).stdout
    bad = 0
    for what, raw in (("the generated C", got), ("--interpret", interp)):
        arrs, whole = split(raw, outs, samples)
        for k, (oname, t, _) in enumerate(outs):
            g, w = arrs[k], want[k]
            ok = whole and g.shape == w.shape and (
                np.allclose(g, w, rtol=ftol, atol=ftol) if t == TP.FLOAT and ftol else np.array_equal(g, w))
            if not ok:
                i = int(np.nonzero(g != w)[0][0]) if g.shape == w.shape and (g != w).any() else 0
                print("FAIL: %s: %s: output '%s' differs from numpy (at %d: got %r, expected %r)" % (
                    name, what, oname, i, g[i] if g.size else None, w[i] if w.size else None))
                bad = 1
    return bad


def values(rng, t, shape, nonzero=False):
    """Random values over the whole range of type t, the extremes mixed in."""
    info = np.iinfo(NP[t])
    v = rng.integers(int(info.min), int(info.max), shape, dtype=NP[t], endpoint=True)
    ext = np.array([info.min, info.max, 0, 1, info.max // 2 + 1, info.max // 2, -1 if info.min else 2, 7],
                   dtype=NP[t])
    flat = v.reshape(-1)
    pick = rng.integers(0, flat.size, 4)
    flat[pick] = rng.choice(ext, 4)
    if nonzero:
        flat[flat == 0] = 3
    return v


def c_div(a, b):
    """C's division (toward 0) in the type, wrapping (INT16_MIN / -1 is INT16_MIN)."""
    if np.issubdtype(a.dtype, np.unsignedinteger):
        return a // b
    a64, b64 = a.astype(np.int64), b.astype(np.int64)
    q = np.abs(a64) // np.abs(b64) * np.sign(a64) * np.sign(b64)
    return q.astype(a.dtype)


def py_mod(a, b):
    """Mod with fmod 0: the divisor's sign (Python's %)."""
    if np.issubdtype(a.dtype, np.unsignedinteger):
        return a % b
    return np.mod(a.astype(np.int64), b.astype(np.int64)).astype(a.dtype)


def c_fmod(a, b):
    """Mod with fmod 1: C's %, the dividend's sign."""
    if np.issubdtype(a.dtype, np.unsignedinteger):
        return a % b
    return np.fmod(a.astype(np.int64), b.astype(np.int64)).astype(a.dtype)


def case_arith(t):
    n = oh.make_node
    nm = NAME[t]
    names = ["add", "sub", "mul", "div", "mod", "fmod", "max", "min", "max3"]
    nodes = [n("Add", ["a", "b"], ["add"]), n("Sub", ["a", "b"], ["sub"]), n("Mul", ["a", "b"], ["mul"]),
             n("Div", ["a", "b"], ["div"]), n("Mod", ["a", "b"], ["mod"]), n("Mod", ["a", "b"], ["fmod"], fmod=1),
             n("Max", ["a", "b"], ["max"]), n("Min", ["a", "b"], ["min"]), n("Max", ["a", "b", "c"], ["max3"]),
             n("Less", ["a", "b"], ["lt"]), n("Greater", ["a", "b"], ["gt"]), n("Equal", ["a", "c"], ["eq"]),
             n("Less", ["add", "a"], ["wrapped"]), n("Where", ["lt", "a", "b"], ["where"]),
             n("Abs", ["a"], ["abs"]), n("Sign", ["a"], ["sign"])]
    outs = [(x, t, [12]) for x in names] + [(x, TP.BOOL, [12]) for x in ("lt", "gt", "eq", "wrapped")] + \
           [("where", t, [12]), ("abs", t, [12]), ("sign", t, [12])]
    if t == TP.INT16:
        nodes.append(n("Neg", ["a"], ["neg"]))
        outs.append(("neg", t, [12]))

    def gen(r):
        a = values(r, t, [12])
        c = a.copy()
        c[r.integers(0, 12, 6)] = values(r, t, [6])
        return [a, values(r, t, [12], nonzero=True), c]

    def ref(a, b, c):
        ys = [a + b, a - b, a * b, c_div(a, b), py_mod(a, b), c_fmod(a, b), np.maximum(a, b), np.minimum(a, b),
              np.maximum(np.maximum(a, b), c), a < b, a > b, a == c, (a + b) < a, np.where(a < b, a, b),
              np.abs(a), np.sign(a.astype(np.float64)).astype(a.dtype) if np.issubdtype(a.dtype, np.signedinteger)
              else (a != 0).astype(a.dtype)]
        if t == TP.INT16:
            ys.append(-a)
        return ys

    return run_case("arith_" + nm, nodes, [("a", t, [12]), ("b", t, [12]), ("c", t, [12])], outs, gen, ref)


def case_cast(t):
    """float and int64 to the type and back; the float values within the type's range."""
    n = oh.make_node
    nm = NAME[t]
    info = np.iinfo(NP[t])
    nodes = [n("Cast", ["x"], ["xt"], to=t), n("Cast", ["i"], ["it"], to=t), n("Cast", ["it"], ["back"], to=TP.INT64),
             n("Cast", ["it"], ["f"], to=TP.FLOAT), n("Cast", ["it"], ["bl"], to=TP.BOOL),
             n("CastLike", ["x", "it"], ["like"])]
    outs = [("xt", t, [10]), ("it", t, [10]), ("back", TP.INT64, [10]), ("f", TP.FLOAT, [10]),
            ("bl", TP.BOOL, [10]), ("like", t, [10])]
    hi = float(info.max) * 0.999 if t != TP.UINT64 else 1.8e19

    def gen(r):
        x = r.uniform(float(info.min) * 0.999, hi, 10).astype(np.float32)
        x[0], x[1] = 0.75, float(info.min)  # truncated toward 0; the type's minimum exactly
        i = r.integers(-2 ** 63, 2 ** 63 - 1, 10, dtype=np.int64, endpoint=True)
        i[:3] = [-1, 2 ** 63 - 1, -2 ** 63]
        return [x, i]

    def ref(x, i):
        it = i.astype(NP[t])  # wraps (numpy's astype, C's conversion)
        return [x.astype(NP[t]), it, it.astype(np.int64), it.astype(np.float32), it != 0, x.astype(NP[t])]

    return run_case("cast_" + nm, nodes, [("x", TP.FLOAT, [10]), ("i", TP.INT64, [10])], outs, gen, ref)


def case_bitshift(t, d):
    n = oh.make_node
    bits = np.dtype(NP[t]).itemsize * 8

    def ref(a, s):
        big = s >= bits
        s2 = np.where(big, 0, s).astype(NP[t])
        return [np.where(big, 0, a << s2 if d == "LEFT" else a >> s2).astype(NP[t])]

    return run_case("bitshift_%s_%s" % (NAME[t], d.lower()), [n("BitShift", ["a", "s"], ["y"], direction=d)],
                    [("a", t, [2, 6]), ("s", t, [6])], [("y", t, [2, 6])],
                    lambda r: [values(r, t, [2, 6]), r.integers(0, bits + 4, 6).astype(NP[t])], ref)


def case_pow(t):
    """float ** unsigned (the exponent converted to float); int64 ** uint64 in wrapping integers."""
    n = oh.make_node
    nodes = [n("Pow", ["x", "e"], ["y"])]
    ins, outs = [("x", TP.FLOAT, [8]), ("e", t, [8])], [("y", TP.FLOAT, [8])]
    if t == TP.UINT64:
        nodes.append(n("Pow", ["b", "e2"], ["z"]))
        ins += [("b", TP.INT64, [8]), ("e2", t, [8])]
        outs.append(("z", TP.INT64, [8]))

    def gen(r):
        xs = [r.uniform(0.5, 2.0, 8).astype(np.float32), r.integers(0, 6, 8).astype(NP[t])]
        if t == TP.UINT64:
            e2 = values(r, t, [8])
            e2[0], e2[1] = 2 ** 63 + 1, 2 ** 64 - 1
            xs += [r.integers(-5, 5, 8), e2]
        return xs

    def ref(x, e, b=None, e2=None):
        ys = [np.power(x.astype(np.float64), e.astype(np.float64)).astype(np.float32)]
        if b is not None:
            ys.append(np.array([pow(int(p), int(q), 2 ** 64) for p, q in zip(b, e2)], np.uint64).astype(np.int64))
        return ys

    return run_case("pow_" + NAME[t], nodes, ins, outs, gen, ref, ftol=1e-5)


def case_uint64_order():
    """ArgMax, TopK, Clip (bounds above 2^63, constants), Add of a constant above 2^63."""
    n = oh.make_node
    U = TP.UINT64
    c = np.array([2 ** 64 - 1, 2 ** 63, 2 ** 63 - 1, 5], np.uint64)
    lo, hi = np.array(2 ** 62, np.uint64), np.array(2 ** 63 + 5, np.uint64)
    nodes = [n("ArgMax", ["x"], ["am"], axis=1), n("ArgMin", ["x"], ["an"], axis=1),
             n("TopK", ["x", "k"], ["tv", "ti"], axis=1), n("Clip", ["x", "lo", "hi"], ["cl"]),
             n("Add", ["x", "c"], ["ac"])]
    outs = [("am", TP.INT64, [3, 1]), ("an", TP.INT64, [3, 1]), ("tv", U, [3, 2]), ("ti", TP.INT64, [3, 2]),
            ("cl", U, [3, 4]), ("ac", U, [3, 4])]

    def gen(r):
        x = values(r, U, [3, 4])
        x[0] = [2 ** 63, 2 ** 63 - 1, 1, 2 ** 64 - 1]
        return [x]

    def ref(x):
        # the largest first, ties by the lower index (exact Python integers)
        idx = np.array([sorted(range(4), key=lambda j, row=row: (-int(row[j]), j))[:2] for row in x], np.int64)
        return [x.argmax(1).reshape(3, 1), x.argmin(1).reshape(3, 1), np.take_along_axis(x, idx, 1), idx,
                np.clip(x, lo, hi), x + c]

    return run_case("order_uint64", nodes, [("x", U, [3, 4])], outs, gen, ref,
                    inits=[("k", np.array([2], np.int64)), ("lo", lo), ("hi", hi), ("c", c)])


def case_fold_uint64():
    """uint64 constants folded by the interpreter: Div, Max and a Cast to float above 2^63."""
    n = oh.make_node
    U = TP.UINT64
    c1 = np.array([2 ** 63 + 1, 3, 2 ** 64 - 1], np.uint64)
    c2 = np.array([3, 2 ** 63, 2 ** 62], np.uint64)
    nodes = [n("Div", ["c1", "c2"], ["q"]), n("Max", ["c1", "c2"], ["m"]), n("Add", ["q", "m"], ["s"]),
             n("Add", ["x", "s"], ["y"]), n("Cast", ["c1"], ["cf"], to=TP.FLOAT), n("Add", ["f", "cf"], ["z"])]
    name = "fold_uint64"
    bad = run_case(name, nodes, [("x", U, [3]), ("f", TP.FLOAT, [3])], [("y", U, [3]), ("z", TP.FLOAT, [3])],
                   lambda r: [values(r, U, [3]), r.standard_normal(3).astype(np.float32)],
                   lambda x, f: [x + (c1 // c2 + np.maximum(c1, c2)), f + c1.astype(np.float32)],
                   inits=[("c1", c1), ("c2", c2)])
    with open(os.path.join(W, name + ".c")) as fh:
        text = fh.read()
    if ": Div" in text or ": Max" in text:
        print("FAIL: %s: the constant Div and Max are not folded" % name)
        bad = 1
    return bad


def case_out_of_range():
    """The C: a float outside the target's range (or NaN) casts to 0."""
    path = model("cast_range_uint64", [oh.make_node("Cast", ["x"], ["y"], to=TP.UINT64)],
                 [("x", TP.FLOAT, [6])], [("y", TP.UINT64, [6])])
    _, exe = compile_c("cast_range_uint64", path)
    x = np.array([-5.0, 2e19, np.nan, 1.8e19, -0.5, 2.0 ** 63], np.float32)
    got = np.frombuffer(subprocess.run([exe], input=x.tobytes(), capture_output=True, check=True).stdout, np.uint64)
    want = [0, 0, 0, int(np.float32(1.8e19)), 0, 2 ** 63]
    if got.tolist() != want:
        print("FAIL: cast_range_uint64: got %r, expected %r" % (got.tolist(), want))
        return 1
    return 0


def case_bind():
    """--bind reads int16 and uint64 files (raw little-endian values of the type) as constants."""
    bad = 0
    for t, vals in ((TP.INT16, [-32768, -1, 32767]), (TP.UINT64, [2 ** 64 - 1, 2 ** 63, 1])):
        name = "bind_" + NAME[t]
        path = model(name, [oh.make_node("Add", ["a", "b"], ["y"])], [("a", t, [3]), ("b", t, [3])], [("y", t, [3])])
        b = np.array(vals, NP[t])
        f = os.path.join(W, name + ".raw")
        with open(f, "wb") as fh:
            fh.write(b.tobytes())
        c, exe = os.path.join(W, name + ".c"), os.path.join(W, name)
        subprocess.run([TICKETC, path, "-o", c, "--main", "--bind", "b=" + f], check=True)
        subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O0", "-fsanitize=undefined",
                        "-fno-sanitize-recover=all", c, "-o", exe], check=True)
        a = np.array([1, 1, 1], NP[t])
        # the bound input stays in the signature (its values are not read): fed zeros
        got = np.frombuffer(subprocess.run([exe], input=a.tobytes() + np.zeros(3, NP[t]).tobytes(), capture_output=True,
                                           check=True).stdout, NP[t])
        if got.tolist() != (a + b).tolist():
            print("FAIL: %s: got %r, expected %r" % (name, got.tolist(), (a + b).tolist()))
            bad = 1
    return bad


def refuse(name, nodes, ins, outs, inits, want):
    path = model(name, nodes, ins, outs, inits)
    r = subprocess.run([TICKETC, path, "-o", os.path.join(W, name + ".c")], capture_output=True, text=True)
    if r.returncode != 1 or want not in r.stderr:
        print("FAIL: %s: expected exit 1 with '%s', got %d: %s" % (name, want, r.returncode, r.stderr.strip()))
        return 1
    return 0


def main():
    global TICKETC
    TICKETC = os.path.abspath(sys.argv[1])
    os.makedirs(W, exist_ok=True)
    bad = 0
    for t in NEW:
        bad |= case_arith(t)
        bad |= case_cast(t)
        bad |= case_pow(t) if t in (TP.UINT32, TP.UINT64) else 0
        for d in ("LEFT", "RIGHT"):
            bad |= case_bitshift(t, d) if t != TP.INT16 else 0
    bad |= case_uint64_order()
    bad |= case_fold_uint64()
    bad |= case_out_of_range()
    bad |= case_bind()
    bad |= refuse("reducemax_uint32", [oh.make_node("ReduceMax", ["x"], ["y"], keepdims=0)],
                  [("x", TP.UINT32, [2, 3])], [("y", TP.UINT32, [])], [], "(ReduceMax): input must be float, not uint32")
    if not bad:
        print("int16/uint16/uint32/uint64: ok (arith, Mod, compare, Cast x4 types; BitShift x6; Pow x2; uint64 order, "
              "constants, folding, out-of-range cast; --bind int16/uint64; 1 refusal; C and --interpret equal numpy)")
    return bad


if __name__ == "__main__":
    sys.exit(main())
