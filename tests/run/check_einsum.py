#!/usr/bin/python3
"""Einsum (issue 18; compiler/einsum.c). One small ONNX model per equation, built here with
onnx.helper, compiled with --main under -Werror -pedantic and UBSan, fed random floats; the
outputs must agree with numpy.einsum (within 1e-5 + 1e-5 |y|) from both the generated C and
--interpret. Cases: matrix product with a constant (pruned) weight, batched products,
diagonal and trace, implicit output (letters seen once, ASCII order: 'ba' and 'aB' transpose,
'Ab,bC' gives 'AC'), an ellipsis broadcast across inputs of different ranks, a sum to a scalar,
three inputs. Then refusals: integer inputs, subscripts of different sizes, an output
subscript no input has, a character that is no subscript, too few terms.
CumSum (compiler/cumsum.c) the same way against numpy.cumsum: float within 1e-5, int32
(wrapping), int64 and uint64 exactly, every axis, exclusive and reverse; refusals: an axis
that is a graph input, an int8 input.

usage: check_einsum.py TICKETC
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP, helper as oh, numpy_helper as nh

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
W = os.path.join(ROOT, "build/run-einsum")
TICKETC = None


def model(name, eq, shapes, yshape, const=None, etype=TP.FLOAT):
    names = ["x%d" % i for i in range(len(shapes))]
    node = oh.make_node("Einsum", names, ["y"], equation=eq)
    ins = [oh.make_tensor_value_info(nm, etype, s) for nm, s in zip(names, shapes) if not (const and nm in const)]
    inits = [nh.from_array(v, nm) for nm, v in (const or {}).items()]
    g = oh.make_graph([node], name, ins, [oh.make_tensor_value_info("y", etype, yshape)], inits)
    path = os.path.join(W, name + ".onnx")
    onnx.save(oh.make_model(g, opset_imports=[oh.make_opsetid("", 12)]), path)
    return path


def run_case(name, eq, shapes, const=None, samples=8):
    rng = np.random.default_rng(sum(map(ord, name)))
    const = {k: v.astype(np.float32) for k, v in (const or {}).items()}
    probe = [const.get("x%d" % i, np.zeros(s, np.float32)) for i, s in enumerate(shapes)]
    yshape = list(np.einsum(eq, *probe).shape)
    path = model(name, eq, shapes, yshape, const)
    c, exe = os.path.join(W, name + ".c"), os.path.join(W, name)
    subprocess.run([TICKETC, path, "-o", c, "--main"], check=True)
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1", "-fsanitize=undefined",
                    "-fno-sanitize-recover=all", c, "-o", exe], check=True)
    stdin, want = b"", []
    for _ in range(samples):
        xs = []
        for i, s in enumerate(shapes):
            if "x%d" % i in const:
                xs.append(const["x%d" % i])
            else:
                x = rng.standard_normal(s).astype(np.float32)
                stdin += x.tobytes()
                xs.append(x)
        want.append(np.einsum(eq, *[x.astype(np.float64) for x in xs]).reshape(-1))
    want = np.concatenate(want)
    got = subprocess.run([exe], input=stdin, capture_output=True, check=True).stdout
    interp = subprocess.run([TICKETC, path, "--interpret"], input=stdin, capture_output=True, check=True).stdout
    bad = 0
    for what, out in (("the generated C", got), ("--interpret", interp)):
        y = np.frombuffer(out, np.float32).astype(np.float64)
        if y.shape != want.shape or not np.all(np.abs(y - want) <= 1e-5 + 1e-5 * np.abs(want)):
            print("FAIL: %s ('%s'): %s differs from numpy.einsum" % (name, eq, what))
            bad = 1
    return bad


def refuse(name, eq, shapes, yshape, want, etype=TP.FLOAT):
    path = model(name, eq, shapes, yshape, etype=etype)
    r = subprocess.run([TICKETC, path, "-o", os.path.join(W, name + ".c")], capture_output=True, text=True)
    if r.returncode != 1 or want not in r.stderr or os.path.exists(os.path.join(W, name + ".c")):
        print("FAIL: %s: expected exit 1 with '%s' and no output, got %d: %s" % (name, want, r.returncode,
                                                                                 r.stderr.strip()))
        return 1
    return 0


def cumsum_model(name, xt, shape, axis, attrs, axis_input=False):
    node = oh.make_node("CumSum", ["x", "axis"], ["y"], **attrs)
    ins = [oh.make_tensor_value_info("x", xt, shape)]
    inits = []
    if axis_input:
        ins.append(oh.make_tensor_value_info("axis", TP.INT64, []))
    else:
        inits.append(nh.from_array(np.array(axis, np.int64), "axis"))
    g = oh.make_graph([node], name, ins, [oh.make_tensor_value_info("y", xt, shape)], inits)
    path = os.path.join(W, name + ".onnx")
    onnx.save(oh.make_model(g, opset_imports=[oh.make_opsetid("", 14)]), path)
    return path


def np_cumsum(x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    with np.errstate(over="ignore"):
        y = np.cumsum(x, axis=axis, dtype=x.dtype)
    if exclusive:
        y = np.concatenate([np.zeros_like(np.take(y, [0], axis)), np.delete(y, -1, axis)], axis)
    return np.flip(y, axis) if reverse else y


def cumsum_case(name, xt, shape, axis, exclusive, reverse, samples=6):
    npt = {TP.FLOAT: np.float32, TP.INT32: np.int32, TP.INT64: np.int64, TP.UINT64: np.uint64}[xt]
    path = cumsum_model(name, xt, shape, axis, dict(exclusive=exclusive, reverse=reverse))
    c, exe = os.path.join(W, name + ".c"), os.path.join(W, name)
    subprocess.run([TICKETC, path, "-o", c, "--main"], check=True)
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1", "-fsanitize=undefined",
                    "-fno-sanitize-recover=all", c, "-o", exe], check=True)
    rng = np.random.default_rng(sum(map(ord, name)))
    stdin, want = b"", []
    for _ in range(samples):
        if npt == np.float32:
            x = rng.standard_normal(shape).astype(npt)
        elif npt == np.uint64:
            x = rng.integers(0, 2**64 - 1, size=shape, dtype=np.uint64)
        else:
            info = np.iinfo(npt)
            x = rng.integers(info.min, info.max, size=shape, dtype=npt)  # sums wrap
        stdin += x.tobytes()
        want.append(np_cumsum(x, axis, exclusive, reverse).reshape(-1))
    want = np.concatenate(want)
    bad = 0
    for what, cmd in (("the generated C", [exe]), ("--interpret", [TICKETC, path, "--interpret"])):
        out = subprocess.run(cmd, input=stdin, capture_output=True, check=True).stdout
        y = np.frombuffer(out, npt)
        if npt == np.float32:
            ok = y.shape == want.shape and np.all(np.abs(y - want) <= 1e-5 + 1e-5 * np.abs(want))
        else:
            ok = y.shape == want.shape and np.array_equal(y, want)
        if not ok:
            print("FAIL: %s: %s differs from numpy.cumsum" % (name, what))
            bad = 1
    return bad


def cumsum_refuse(name, xt, axis_input, want):
    path = cumsum_model(name, xt, [3, 4], 1, {}, axis_input)
    r = subprocess.run([TICKETC, path, "-o", os.path.join(W, name + ".c")], capture_output=True, text=True)
    if r.returncode != 1 or want not in r.stderr or os.path.exists(os.path.join(W, name + ".c")):
        print("FAIL: %s: expected exit 1 with '%s' and no output, got %d: %s" % (name, want, r.returncode,
                                                                                 r.stderr.strip()))
        return 1
    return 0


def main():
    global TICKETC
    TICKETC = os.path.abspath(sys.argv[1])
    os.makedirs(W, exist_ok=True)
    w = np.random.default_rng(7).standard_normal((6, 5)).astype(np.float32)
    w[np.abs(w) < 0.8] = 0  # a pruned weight
    cases = [
        ("einsum_matmul_const", "ij,jk->ik", [[3, 6], [6, 5]], {"x1": w}),
        ("einsum_batch", "bij,bjk->bik", [[2, 3, 4], [2, 4, 5]], None),
        ("einsum_diag", "ii->i", [[4, 4]], None),
        ("einsum_trace", "ii", [[5, 5]], None),
        ("einsum_transpose_implicit", "ba", [[3, 4]], None),
        ("einsum_upper_implicit", "Ab,bC", [[2, 3], [3, 4]], None),
        ("einsum_mixed_case_implicit", "aB", [[3, 4]], None),  # ASCII order: 'B' before 'a'

        ("einsum_ellipsis", "...ij,...jk->...ik", [[2, 1, 3, 4], [5, 4, 2]], None),
        ("einsum_sum_all", "ij->", [[3, 4]], None),
        ("einsum_three", "ij,jk,k->i", [[2, 3], [3, 4], [4]], None),
        ("einsum_outer_spaces", " i , j -> j i ", [[3], [4]], None),
    ]
    bad = 0
    for name, eq, shapes, const in cases:
        bad |= run_case(name, eq, shapes, const)
    bad |= refuse("einsum_int", "ij->ji", [[2, 3]], [3, 2], "integer Einsum is not supported", TP.INT64)
    bad |= refuse("einsum_sizes", "ij,jk->ik", [[2, 3], [4, 5]], [2, 5], "subscript 'j' has size 3 and 4")
    bad |= refuse("einsum_out_letter", "ij->iz", [[2, 3]], [2, 3], "output subscript 'z' is in no input term")
    bad |= refuse("einsum_char", "i#,jk->ik", [[2, 3], [3, 4]], [2, 4], "is not a subscript")
    bad |= refuse("einsum_terms", "ij->ij", [[2, 3], [3, 4]], [2, 3], "has 1 terms for 2 inputs")
    csum = [("cumsum_f_axis1", TP.FLOAT, [3, 5, 2], 1, 0, 0), ("cumsum_f_excl_rev", TP.FLOAT, [4, 6], -1, 1, 1),
            ("cumsum_f_rev", TP.FLOAT, [7], 0, 0, 1), ("cumsum_i32_excl", TP.INT32, [5, 3], 0, 1, 0),
            ("cumsum_i64", TP.INT64, [2, 3, 4], 2, 0, 0), ("cumsum_u64_rev", TP.UINT64, [6, 2], 0, 0, 1)]
    for case in csum:
        bad |= cumsum_case(*case)
    bad |= cumsum_refuse("cumsum_axis_input", TP.FLOAT, True, "axis (input 1) must be a constant integer scalar")
    bad |= cumsum_refuse("cumsum_int8", TP.INT8, False, "input must be float, int32, int64, uint32 or uint64, not int8")
    if not bad:
        print("cumsum: ok (%d cases: float, int32 wrapping, int64, uint64; every axis, exclusive, reverse; C and "
              "--interpret against numpy; 2 refusals)" % len(csum))
    if not bad:
        print("einsum: ok (%d equations: constant weight, batch, diagonal, trace, implicit output, ellipsis "
              "broadcast, scalar, 3 inputs; C and --interpret within 1e-5 of numpy; 5 refusals)" % len(cases))
    return bad


if __name__ == "__main__":
    sys.exit(main())
