#!/usr/bin/python3
"""ONNX conformance runner: every test of Debian's libonnx-testdata.

For each test directory (model.onnx, test_data_set_N/{input,output}_K.pb):
  skipped      a data set's input does not fill the model's static shape, or
               some graph input or output is not a tensor of a type ticketc
               supports (float32, double, float16, bfloat16, bool, int8/16/32/64,
               uint8/16/32/64)
  unsupported  ticketc refused it cleanly (exit 1, one message, no sanitizer report),
               or its double data lie beyond float32's range (ticketc computes
               double in float32: such values become infinities)
  fail         anything else that is not a pass: ticketc crashed or exited
               otherwise, the generated C does not build, the program crashed,
               or an output differs from the shipped one
  bound        a pass, with the graph inputs that decide shapes (Reshape's shape,
               Resize's sizes, axes, ...: SHAPE_SLOTS) bound to the data's values
               by ticketc --bind, the data sets all giving them the same values;
               tried only when ticketc refuses the model as it is
  pass         every output of every data set matches:
               |got - expected| <= ABS + REL * |expected|, NaN matches NaN,
               an infinity matches the same infinity (ROUNDED: tests whose
               shipped values are rounded, with an ABS of their own); integer and bool
               outputs match exactly. Double, float16 and bfloat16 outputs are
               compared as floats the same way (BF16_TRUNCATED: within one
               bfloat16 unit, the shipped values being truncated).

The generated C is built with `cc -std=c99 -Wall -Wextra -Werror -pedantic -O1`
(no -lm) and fed raw float32 inputs through its --main driver, one data set per
run (raw little-endian values of each input's type; the outputs are read
back the same way). Symbolic input dimensions are pinned with --dim from the data's shapes.

usage: run.py [-j N] [--ticketc PATH] [--sanitize] [--filter REGEX]
              [--write-passing FILE] [--check PASSING] [--verbose]
  --ticketc build/asan/ticketc --sanitize  runs ticketc and the generated code
                   under ASan+UBSan (a report is a fail)
  --check PASSING  the short mode: fails when a test listed in PASSING no
                   longer passes or when any test of supported types is a fail
Results go to build/conformance/results.tsv (test, status, detail).
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper

DATA = "/usr/share/libonnx-testdata/data"
FOLDERS = ["node", "pytorch-converted", "pytorch-operator", "simple"]
ABS, REL = 1e-5, 1e-5
# Tests whose shipped outputs are written by hand in onnx's test case to 4 decimals (from
# another implementation's float32 run): an ABS of their own, one unit of the last digit.
ROUNDED = {"node/test_gridsample_bicubic": 1e-4, "node/test_roialign_aligned_false": 1e-4,
           "node/test_roialign_aligned_true": 1e-4}
CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1"]
WORK = "build/conformance"


def graph_io(model):
    """(inputs, outputs) as ValueInfoProtos; initializers are not inputs."""
    inits = {t.name for t in model.graph.initializer}
    ins = [v for v in model.graph.input if v.name not in inits]
    return ins, list(model.graph.output)


# the element types ticketc takes as graph inputs and outputs, as numpy little-endian types;
# bfloat16 has none: BF16 stands for its raw bits (uint16), converted by hand (bf16_bits, bf16_float)
BF16 = "bf16"
TYPES = {onnx.TensorProto.FLOAT: "<f4", onnx.TensorProto.INT8: "i1", onnx.TensorProto.UINT8: "u1",
         onnx.TensorProto.INT32: "<i4", onnx.TensorProto.INT64: "<i8", onnx.TensorProto.BOOL: "?",
         onnx.TensorProto.INT16: "<i2", onnx.TensorProto.UINT16: "<u2", onnx.TensorProto.UINT32: "<u4",
         onnx.TensorProto.UINT64: "<u8",
         onnx.TensorProto.DOUBLE: "<f8", onnx.TensorProto.FLOAT16: "<f2", onnx.TensorProto.BFLOAT16: BF16}
FLOATS = ("<f4", "<f8", "<f2", BF16)
# The shipped FLOAT->BFLOAT16 outputs are the inputs truncated (onnx 1.12's test generator takes
# the upper 16 bits); ticketc rounds to nearest even, as onnx's own float32_to_bfloat16 and later
# specs do: there, one bfloat16 unit in the last place (2^-7 relative) is allowed.
BF16_TRUNCATED = {"node/test_cast_FLOAT_to_BFLOAT16", "node/test_castlike_FLOAT_to_BFLOAT16",
                  "node/test_castlike_FLOAT_to_BFLOAT16_expanded"}


def bf16_bits(x):
    """bfloat16 data as its raw bits: the file's uint16 bits as they are, float values' upper halves."""
    if x.dtype == np.uint16:
        return x.astype("<u2")
    return (np.ascontiguousarray(x, dtype="<f4").view("<u4") >> 16).astype("<u2")


def bf16_float(bits):
    return (bits.astype("<u4") << 16).view("<f4")


def raw(x, t):
    """The little-endian bytes of x as values of type t."""
    if t == BF16:
        return bf16_bits(x).tobytes()
    return np.ascontiguousarray(x, dtype=t).tobytes()


def itemsize(t):
    return 2 if t == BF16 else np.dtype(t).itemsize


def io_type(vi):
    """The numpy type of a graph input or output, or None when ticketc does not take it."""
    if not vi.type.HasField("tensor_type"):
        return None
    return TYPES.get(vi.type.tensor_type.elem_type)


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def data_sets(tdir):
    sets = sorted((d for d in os.listdir(tdir) if d.startswith("test_data_set_")),
                  key=lambda d: int(d.rsplit("_", 1)[1]))
    return [os.path.join(tdir, d) for d in sets]


def pb_list(sdir, kind):
    files = [f for f in os.listdir(sdir) if re.fullmatch(kind + r"_\d+\.pb", f)]
    return [os.path.join(sdir, f) for f in sorted(files, key=lambda f: int(f[len(kind) + 1:-3]))]


def close(got, exp, abs_tol=ABS):
    """(ok, worst |diff|, its index) under abs_tol + REL * |exp|."""
    got = got.astype(np.float64)
    exp = exp.astype(np.float64)
    both_nan = np.isnan(got) & np.isnan(exp)
    same_inf = np.isinf(exp) & (got == exp)
    with np.errstate(invalid="ignore"):
        diff = np.abs(got - exp)
        ok = (diff <= abs_tol + REL * np.abs(exp)) | both_nan | same_inf
    worst = np.where(ok, 0, np.nan_to_num(diff, nan=np.inf))
    i = int(np.argmax(worst)) if worst.size else 0
    return bool(ok.all()), (float(diff.flat[i]) if diff.size else 0.0), i


# (op, input positions) whose values decide the shape of an output: with those
# given as graph inputs ticketc refuses the model (C's arrays have fixed sizes)
# unless --bind makes them constants.
SHAPE_SLOTS = {
    "Reshape": (1,), "Slice": (1, 2, 3, 4), "Unsqueeze": (1,), "Squeeze": (1,), "Resize": (1, 2, 3),
    "Upsample": (1,), "Range": (0, 1, 2), "Expand": (1,), "Split": (1,), "ConstantOfShape": (0,), "Tile": (1,),
    "Pad": (1, 3), "TopK": (1,), "OneHot": (1,), "CenterCropPad": (1,),
    **{op: (1,) for op in ("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
                           "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare")},
}


# (op, input positions) that decide no shape but that ticketc needs as constants: Dropout's
# ratio and training_mode (training with ratio 0 is the identity, with another ratio random),
# CumSum's axis (it decides the loop nest)
CONST_SLOTS = {"Dropout": (1, 2), "CumSum": (1,)}


def shape_inputs(model, ins):
    """Positions of the graph inputs that feed a shape-deciding (or CONST_SLOTS) input of a node."""
    names = [vi.name for vi in ins]
    found = set()
    for node in model.graph.node:
        for k in SHAPE_SLOTS.get(node.op_type, ()) + CONST_SLOTS.get(node.op_type, ()):
            if k < len(node.input) and node.input[k] in names:
                found.add(names.index(node.input[k]))
    return sorted(found)


def run_test(name, ticketc, cc, extra_cflags=()):
    """Returns (status, detail)."""
    tdir = os.path.join(DATA, name)
    w = os.path.join(WORK, name)
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(w)
    try:
        model = onnx.load(os.path.join(tdir, "model.onnx"))
    except Exception as ex:  # noqa: BLE001 - a model onnx itself cannot read
        return "skipped", "onnx cannot load the model: %s" % str(ex).splitlines()[0][:80]
    ins, outs = graph_io(model)
    in_types, out_types = [io_type(v) for v in ins], [io_type(v) for v in outs]
    if None in in_types + out_types:
        return "skipped", ("not all inputs and outputs are tensors of float32, double, float16, bfloat16, bool, "
                           "int8/16/32/64 or uint8/16/32/64")
    sets = data_sets(tdir)
    if not sets:
        return "skipped", "no data sets"
    # the data: one input file per set; the expected outputs
    samples = []
    for s in sets:
        xs = [load_pb(p) for p in pb_list(s, "input")]
        ys = [load_pb(p) for p in pb_list(s, "output")]
        if len(xs) != len(ins) or len(ys) != len(outs):
            return "skipped", "data set %s has %d inputs/%d outputs, the graph %d/%d" % (
                os.path.basename(s), len(xs), len(ys), len(ins), len(outs))
        samples.append((xs, ys))
        # a static input shape the data do not fill (the model declares [3,4], the data give [1])
        for vi, x in zip(ins, xs):
            dims = vi.type.tensor_type.shape.dim
            if dims and all(d.HasField("dim_value") for d in dims) and int(np.prod([d.dim_value for d in dims])) != x.size:
                return "skipped", "data set %s gives input '%s' %d values, the model declares shape %s" % (
                    os.path.basename(s), vi.name, x.size, [d.dim_value for d in dims])
        # ticketc computes double in float32: data beyond its range cannot be held
        for x, t in zip(xs + ys, in_types + out_types):
            if t == "<f8" and np.any(np.isfinite(x) & (np.abs(x) > np.finfo(np.float32).max)):
                return "unsupported", "double data beyond float32's range (ticketc computes double in float32)"
    # pin symbolic dimensions from the first data set; an input with no elements is passed
    # on (ticketc takes one whose shape the model fixes as an empty constant), but --dim
    # takes sizes from 1
    args = []
    for vi, x in zip(ins, samples[0][0]):
        dims = vi.type.tensor_type.shape.dim
        for k, d in enumerate(dims):
            if d.HasField("dim_param") and d.dim_param and k < x.ndim and x.shape[k] == 0:
                return "unsupported", "symbolic dimension '%s' is 0 in the data; --dim takes sizes from 1" % d.dim_param
            if d.HasField("dim_param") and d.dim_param and k < x.ndim:
                a = "%s=%d" % (d.dim_param, x.shape[k])
                if a not in args:
                    args += ["--dim", a]
    c = os.path.join(w, "model.c")
    r = subprocess.run([ticketc, os.path.join(tdir, "model.onnx"), "-o", c, "--main", "--prefix", "model"] + args,
                       capture_output=True, text=True, errors="replace", timeout=120)
    msg = r.stderr.strip()
    bound = []
    if r.returncode == 1:
        # refused as it is: again with the inputs that decide shapes bound to the data's
        # values, where every data set gives them the same
        for k in shape_inputs(model, ins):
            if all(np.array_equal(xs[k], samples[0][0][k]) for xs, _ in samples):
                f = os.path.join(w, "bind%d.raw" % k)
                with open(f, "wb") as fh:
                    fh.write(raw(samples[0][0][k], in_types[k]))
                bound += ["--bind", "%s=%s" % (ins[k].name, f)]
        if bound:
            r2 = subprocess.run([ticketc, os.path.join(tdir, "model.onnx"), "-o", c, "--main", "--prefix", "model"]
                                + args + bound, capture_output=True, text=True, errors="replace", timeout=120)
            if r2.returncode != 1:
                r, msg = r2, r2.stderr.strip()
            else:
                bound = []
    if r.returncode != 0:
        first = msg.splitlines()[0] if msg else ""
        if r.returncode == 1 and msg and "Sanitizer" not in msg and "runtime error" not in msg:
            return "unsupported", first
        return "fail", "ticketc exit %d: %s" % (r.returncode, (msg.splitlines() or [""])[-1][:200])
    exe = os.path.join(w, "model")
    r = subprocess.run([cc] + CFLAGS + list(extra_cflags) + [c, "-o", exe], capture_output=True, text=True, errors="replace",
                       timeout=300)
    if r.returncode != 0:
        errs = [ln for ln in r.stderr.splitlines() if "error" in ln] or r.stderr.strip().splitlines() or [""]
        return "fail", "the C does not build: %s" % errs[0][:200]
    for si, (xs, ys) in enumerate(samples):
        stdin = b"".join(raw(x, t) for x, t in zip(xs, in_types))
        try:
            r = subprocess.run([exe], input=stdin, capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            return "fail", "set %d: the program timed out" % si
        if r.returncode != 0:
            return "fail", "set %d: the program exited %d: %s" % (si, r.returncode, r.stderr[:200])
        want = sum(y.size * itemsize(t) for y, t in zip(ys, out_types))
        if len(r.stdout) != want:
            return "fail", "set %d: %d output bytes, expected %d" % (si, len(r.stdout), want)
        pos = 0
        for k, (y, t) in enumerate(zip(ys, out_types)):
            nb = y.size * itemsize(t)
            if t == BF16:
                g, y = bf16_float(np.frombuffer(r.stdout[pos:pos + nb], dtype="<u2")), bf16_float(bf16_bits(y))
            else:
                g = np.frombuffer(r.stdout[pos:pos + nb], dtype=t)
            pos += nb
            if t == BF16 and name in BF16_TRUNCATED:
                ok, worst, i = close(g, y.reshape(-1), 0.0)
                if not ok:  # one bfloat16 unit in the last place
                    with np.errstate(invalid="ignore"):
                        d = np.abs(g.astype(np.float64) - y.reshape(-1))
                        fine = ((d <= np.abs(y.reshape(-1)) * 2.0 ** -7) | (np.isnan(g) & np.isnan(y.reshape(-1)))
                                | (g == y.reshape(-1)))
                    ok = bool(fine.all())
            elif t in FLOATS:
                ok, worst, i = close(g, y.reshape(-1), ROUNDED.get(name, ABS))
            else:  # integers and booleans: exactly
                bad = np.nonzero(g != y.reshape(-1).astype(t))[0]
                ok, i = not bad.size, int(bad[0]) if bad.size else 0
                worst = abs(float(g[i]) - float(y.reshape(-1)[i])) if bad.size else 0.0
            if not ok:
                return "fail", "set %d output %d: at %d got %r expected %r (|diff| %.3g)" % (
                    si, k, i, float(g[i]), float(y.reshape(-1)[i]), worst)
    if bound:
        return "bound", "with " + " ".join(bound[1::2])
    return "pass", ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--ticketc", default="build/ticketc")
    ap.add_argument("--cc", default=os.environ.get("CC_CONF", "cc"))
    ap.add_argument("--filter", default="")
    ap.add_argument("--sanitize", action="store_true")
    ap.add_argument("--write-passing")
    ap.add_argument("--check")
    ap.add_argument("--verbose", "-v", action="store_true")
    o = ap.parse_args()
    ticketc = os.path.abspath(o.ticketc)
    tests = []
    for f in FOLDERS:
        for t in sorted(os.listdir(os.path.join(DATA, f))):
            name = f + "/" + t
            if re.search(o.filter, name) and os.path.exists(os.path.join(DATA, name, "model.onnx")):
                tests.append(name)
    os.makedirs(WORK, exist_ok=True)
    start = time.time()
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=o.j) as ex:
        san = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"] if o.sanitize else []
        futs = {ex.submit(run_test, t, ticketc, o.cc, san): t for t in tests}
        for fu in concurrent.futures.as_completed(futs):
            t = futs[fu]
            try:
                results[t] = fu.result()
            except Exception as e:  # noqa: BLE001 - the runner's own trouble is a fail too
                results[t] = ("fail", "runner: %s" % e)
            if o.verbose or results[t][0] == "fail":
                print("%-11s %s %s" % (results[t][0], t, results[t][1]), flush=True)
    with open(os.path.join(WORK, "results.tsv"), "w") as f:
        for t in tests:
            f.write("%s\t%s\t%s\n" % (t, results[t][0], results[t][1].replace("\t", " ").replace("\n", " ")))
    # the table
    kinds = ["pass", "bound", "fail", "unsupported", "skipped"]
    print("%-20s %6s %6s %6s %12s %8s" % ("folder", *kinds))
    tot = dict.fromkeys(kinds, 0)
    for f in FOLDERS:
        cnt = dict.fromkeys(kinds, 0)
        for t in tests:
            if t.startswith(f + "/"):
                cnt[results[t][0]] += 1
        for k in kinds:
            tot[k] += cnt[k]
        print("%-20s %6d %6d %6d %12d %8d" % (f, *(cnt[k] for k in kinds)))
    print("%-20s %6d %6d %6d %12d %8d" % ("total", *(tot[k] for k in kinds)))
    print("pass: as shipped; bound: passes with shape-deciding graph inputs bound by --bind; "
          "both: %d" % (tot["pass"] + tot["bound"]))
    print("tolerance: |got - expected| <= %g + %g * |expected|; %.0f s with -j%d; details in %s/results.tsv"
          % (ABS, REL, time.time() - start, o.j, WORK))
    passing = sorted(t for t in tests if results[t][0] in ("pass", "bound"))
    if o.write_passing:
        with open(o.write_passing, "w") as f:
            f.write("".join(t + "\n" for t in passing))
        print("wrote %s (%d tests)" % (o.write_passing, len(passing)))
    bad = tot["fail"] > 0
    if o.check:
        with open(o.check) as f:
            expected = [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
        lost = [t for t in expected if t in results and results[t][0] not in ("pass", "bound")]
        for t in lost:
            print("REGRESSION: %s is %s: %s" % (t, *results[t]))
        missing = [t for t in expected if t not in results and not o.filter]
        for t in missing:
            print("REGRESSION: %s is listed in %s but does not exist" % (t, o.check))
        new = [t for t in passing if t not in expected]
        if new:
            print("%d tests pass that %s does not list (make regen-conformance adds them)" % (len(new), o.check))
        bad = bad or lost or missing
    if bad:
        print("conformance: FAILED (%d fails%s)" % (tot["fail"], ", regressions" if o.check and (lost or missing) else ""))
        return 1
    print("conformance: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
