#!/usr/bin/python3
"""Runs check_annotate.py on many (model, C file) pairs in one process, so
numpy and onnx are imported once (run.sh checks every run-test model for two
targets: one interpreter start each cost more than the checks themselves).

usage: check_annotate_batch.py LIST
       LIST: one case a line, tab-separated: LABEL MODEL.onnx OUT.c MIN_TERMS
Prints "ok   LABEL: <check_annotate's line>" or "FAIL: LABEL: ..." with the
first lines of its complaints per case, then "annotate: P passed, F failed";
exits 1 when a case failed.
"""
import contextlib
import io
import os
import runpy
import sys

CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_annotate.py")
passes = fails = 0
with open(sys.argv[1]) as f:
    cases = [line.rstrip("\n").split("\t") for line in f if line.strip()]
for label, model, c, min_terms in cases:
    out = io.StringIO()
    sys.argv = [CHECK, model, c, min_terms]
    status = 0
    with contextlib.redirect_stdout(out):
        try:
            runpy.run_path(CHECK, run_name="__main__")
        except SystemExit as e:
            status = e.code if isinstance(e.code, int) else 1
        except Exception as e:  # a crash of the checker is a failure of the case, not of the batch
            print(f"check_annotate.py raised {type(e).__name__}: {e}")
            status = 1
    text = out.getvalue().strip()
    if status == 0:
        passes += 1
        print(f"ok   {label}: {text}")
    else:
        fails += 1
        print(f"FAIL: {label}: comments do not match the model")
        print("\n".join(text.splitlines()[:5]))
print(f"annotate: {passes} passed, {fails} failed")
sys.exit(1 if fails else 0)
