#!/usr/bin/python3
"""TfIdfVectorizer (issue 18; shape_text.c, interp_text.c, emit_text.c). One small ONNX
model per case, built here with onnx.helper, compiled with --main under -Werror -pedantic
and UBSan, fed random tokens; the outputs must equal a numpy count written here from the
ONNX specification (every n-gram of the pool looked for at every start and skip; 1-grams
once) exactly, from both the generated C and --interpret. Cases: int32 and int64 tokens,
[C] and [N, C], TF, IDF and TFIDF with and without weights, 1- to 3-grams, skips, an
ngram_indexes that is not the identity and maps two n-grams to one coordinate, lengths
outside min..max in the pool. Then refusals: pool_strings, a weights list of the wrong
length, a repeated n-gram, an unknown mode.

usage: check_text.py TICKETC
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP, helper as oh

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
W = os.path.join(ROOT, "build/run-text")
NP = {TP.FLOAT: np.float32, TP.INT64: np.int64, TP.INT32: np.int32}
TICKETC = None


def model(name, attrs, xt, xshape, yshape):
    node = oh.make_node("TfIdfVectorizer", ["x"], ["y"], **attrs)
    g = oh.make_graph([node], name, [oh.make_tensor_value_info("x", xt, xshape)],
                      [oh.make_tensor_value_info("y", TP.FLOAT, yshape)])
    path = os.path.join(W, name + ".onnx")
    onnx.save(oh.make_model(g, opset_imports=[oh.make_opsetid("", 18)]), path)
    return path


def tfidf(x, a):
    """numpy's count, from the specification."""
    pool, counts, idx = a["pool_int64s"], a["ngram_counts"], a["ngram_indexes"]
    grams, k = [], 0
    for i, lo in enumerate(counts):
        hi = counts[i + 1] if i + 1 < len(counts) else len(pool)
        for j in range(lo, hi, i + 1):
            grams.append((tuple(pool[j:j + i + 1]), idx[k]))
            k += 1
    width = max(idx) + 1
    rows = x.reshape(-1, x.shape[-1])
    y = np.zeros((rows.shape[0], width), np.float32)
    for r, row in enumerate(rows):
        c = len(row)
        for g, slot in grams:
            n = len(g)
            if not a["min_gram_length"] <= n <= a["max_gram_length"]:
                continue
            ds = [1] if n == 1 else range(1, a["max_skip_count"] + 2)
            y[r, slot] += sum(1 for d in ds for s in range(c)
                              if s + (n - 1) * d < c and all(row[s + q * d] == g[q] for q in range(n)))
    w = np.array(a.get("weights", [1.0] * width), np.float32)
    if a["mode"] == "IDF":
        y = np.where(y > 0, w, np.float32(0)).astype(np.float32)
    elif a["mode"] == "TFIDF":
        y = y * w
    return y.reshape(x.shape[:-1] + (width,))


def run_case(name, attrs, xt, xshape, vocab, samples=20):
    width = max(attrs["ngram_indexes"]) + 1
    path = model(name, attrs, xt, xshape, list(xshape[:-1]) + [width])
    c, exe = os.path.join(W, name + ".c"), os.path.join(W, name)
    subprocess.run([TICKETC, path, "-o", c, "--main"], check=True)
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1", "-fsanitize=undefined",
                    "-fno-sanitize-recover=all", c, "-o", exe], check=True)
    rng = np.random.default_rng(sum(map(ord, name)))
    stdin, want = b"", b""
    for _ in range(samples):
        x = rng.integers(0, vocab, size=xshape).astype(NP[xt])
        stdin += x.tobytes()
        want += tfidf(x, attrs).astype(np.float32).tobytes()
    got = subprocess.run([exe], input=stdin, capture_output=True, check=True).stdout
    interp = subprocess.run([TICKETC, path, "--interpret"], input=stdin, capture_output=True, check=True).stdout
    bad = 0
    for what, out in (("the generated C", got), ("--interpret", interp)):
        if out != want:
            print("FAIL: %s: %s differs from numpy" % (name, what))
            bad = 1
    return bad


def refuse(name, attrs, want):
    path = model(name, attrs, TP.INT64, [6], [max(attrs.get("ngram_indexes", [0])) + 1])
    r = subprocess.run([TICKETC, path, "-o", os.path.join(W, name + ".c")], capture_output=True, text=True)
    if r.returncode != 1 or want not in r.stderr:
        print("FAIL: %s: expected exit 1 with '%s', got %d: %s" % (name, want, r.returncode, r.stderr.strip()))
        return 1
    return 0


def main():
    global TICKETC
    TICKETC = os.path.abspath(sys.argv[1])
    os.makedirs(W, exist_ok=True)
    # unigrams 0..3, bigrams (1,2) (2,1) (0,0), trigrams (1,2,3) (3,3,1)
    pool = [0, 1, 2, 3, 1, 2, 2, 1, 0, 0, 1, 2, 3, 3, 3, 1]
    base = dict(ngram_counts=[0, 4, 10], pool_int64s=pool)
    perm = [5, 0, 3, 7, 1, 6, 2, 4, 3]  # 9 n-grams into 8 coordinates: two share coordinate 3
    w8 = [0.5, 2.0, 1.25, -3.0, 0.75, 4.0, 1.5, 0.125]
    bad = 0
    bad |= run_case("tfidf_weights", dict(base, mode="TFIDF", min_gram_length=1, max_gram_length=3, max_skip_count=2,
                                          ngram_indexes=perm, weights=w8), TP.INT64, [3, 10], 4)
    bad |= run_case("tfidf_idf", dict(base, mode="IDF", min_gram_length=2, max_gram_length=3, max_skip_count=1,
                                      ngram_indexes=list(range(9))), TP.INT32, [12], 4)
    bad |= run_case("tfidf_idf_w", dict(base, mode="IDF", min_gram_length=1, max_gram_length=1, max_skip_count=3,
                                        ngram_indexes=perm, weights=w8), TP.INT32, [2, 8], 5)
    bad |= run_case("tfidf_tf", dict(base, mode="TF", min_gram_length=3, max_gram_length=3, max_skip_count=4,
                                     ngram_indexes=list(range(9))), TP.INT64, [2, 15], 4)
    bad |= run_case("tfidf_tfidf_now", dict(base, mode="TFIDF", min_gram_length=2, max_gram_length=2, max_skip_count=0,
                                            ngram_indexes=list(range(9))), TP.INT32, [9], 3)
    ok9 = dict(base, mode="TF", min_gram_length=1, max_gram_length=2, max_skip_count=0, ngram_indexes=list(range(9)))
    bad |= refuse("tfidf_strings", dict(ok9, pool_strings=["a"]), "attribute 'pool_strings' is not supported")
    bad |= refuse("tfidf_weights_len", dict(ok9, weights=[1.0, 2.0]), "weights has 2 values; one per output coordinate")
    bad |= refuse("tfidf_repeat", dict(ok9, pool_int64s=[0, 1, 2, 0, 1, 2, 2, 1, 0, 1, 2, 3, 3, 3, 1, 9]),
                  "the pool holds the same 1-gram twice")
    bad |= refuse("tfidf_mode", dict(ok9, mode="BM25"), "attribute 'mode' is \"BM25\"")
    if not bad:
        print("text ops: ok (TfIdfVectorizer x5: TF, IDF, TFIDF, weights, int32/int64, [C] and [N,C]; C and "
              "--interpret equal numpy exactly; 4 refusals)")
    return bad


if __name__ == "__main__":
    sys.exit(main())
