#!/usr/bin/python3
"""Builds the --masks test cases with numpy and Debian's python3-onnx.

usage: gen_mask_cases.py OUTDIR

One small model, x[1,16] -> Gemm fc1 (transB) -> Relu -> Gemm fc2 -> y[1,10],
with initializers fc1.weight, fc1.bias, fc2.weight, fc2.bias, and one ticket
(a 0/1 mask per weight, about 8% kept). Writes, in OUTDIR:

  model.onnx        the dense model (the weights under the masks are not zero)
  zeros.onnx        the same with the pruned weights stored as zeros
  prune.onnx        PyTorch's prune format: fc1.weight = fc1.weight_orig * fc1.weight_mask,
                    garbage in weight_orig where the mask is 0
  good/npydir/      the masks as <name>.npy (bool and float32)
  good/masks.npz    the masks as numpy.savez writes them (float64 and uint8)
  good/masks_z.npz  the same by numpy.savez_compressed (deflated: zlib)
  good/masks.onnx   the masks as the initializers of an ONNX file (BOOL and FLOAT)
  in.f32, expect.f32  random inputs and numpy's outputs of the masked model
  cases/<case>.args   for each error case, the arguments to ticketc but -o
  ...                 and the masks each error case names (bad/<case>...)

tests/masks/run.sh runs ticketc on them from inside OUTDIR.
"""
import os
import sys
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1]
rng = np.random.default_rng(20240613)
os.makedirs(os.path.join(OUT, "good", "npydir"), exist_ok=True)
os.makedirs(os.path.join(OUT, "cases"), exist_ok=True)
os.makedirs(os.path.join(OUT, "bad"), exist_ok=True)

SHAPES = {"fc1.weight": (32, 16), "fc2.weight": (10, 32)}
W = {k: rng.standard_normal(s).astype(np.float32) * 0.5 for k, s in SHAPES.items()}
B = {"fc1.bias": rng.standard_normal(32).astype(np.float32) * 0.1,
     "fc2.bias": rng.standard_normal(10).astype(np.float32) * 0.1}


def ticket(shape, kept):
    m = np.zeros(int(np.prod(shape)), dtype=bool)
    m[rng.choice(m.size, kept, replace=False)] = True
    return m.reshape(shape)


M = {"fc1.weight": ticket((32, 16), 40), "fc2.weight": ticket((10, 32), 25)}  # 7.8% kept
PRUNED = {k: np.where(M[k], W[k], np.float32(0)).astype(np.float32) for k in W}


def model(weights, extra_nodes=(), extra_inits=()):
    nodes = list(extra_nodes) + [
        helper.make_node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["h1"], name="fc1", transB=1),
        helper.make_node("Relu", ["h1"], ["a1"], name="relu1"),
        helper.make_node("Gemm", ["a1", "fc2.weight", "fc2.bias"], ["y"], name="fc2", transB=1),
    ]
    inits = [numpy_helper.from_array(v, k) for k, v in weights.items()]
    inits += [numpy_helper.from_array(v, k) for k, v in B.items()] + list(extra_inits)
    g = helper.make_graph(nodes, "masks", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="gen_mask_cases.py")
    m.ir_version = 8
    return m


def out(*parts):
    return os.path.join(OUT, *parts)


onnx.save(model(W), out("model.onnx"))
onnx.save(model(PRUNED), out("zeros.onnx"))

# prune format: positive garbage under the mask (orig * 0 is then +0, as a zero weight is)
muls, extra = [], []
for k in W:
    garbage = rng.uniform(1e3, 1e6, W[k].shape).astype(np.float32)
    orig = np.where(M[k], W[k], garbage).astype(np.float32)
    extra += [numpy_helper.from_array(orig, k + "_orig"), numpy_helper.from_array(M[k].astype(np.float32), k + "_mask")]
    muls.append(helper.make_node("Mul", [k + "_orig", k + "_mask"], [k], name=k + ".prune"))
onnx.save(model({}, muls, extra), out("prune.onnx"))

# the masks, in every form
np.save(out("good", "npydir", "fc1.weight.npy"), M["fc1.weight"])
np.save(out("good", "npydir", "fc2.weight.npy"), M["fc2.weight"].astype(np.float32))
np.savez(out("good", "masks.npz"), **{"fc1.weight": M["fc1.weight"].astype(np.float64),
                                      "fc2.weight": M["fc2.weight"].astype(np.uint8)})
np.savez_compressed(out("good", "masks_z.npz"), **{"fc1.weight": M["fc1.weight"].astype(np.float64),
                                                   "fc2.weight": M["fc2.weight"].astype(np.uint8)})
mg = helper.make_graph([], "masks", [], [], [numpy_helper.from_array(M["fc1.weight"], "fc1.weight"),
                                             numpy_helper.from_array(M["fc2.weight"].astype(np.float32), "fc2.weight")])
onnx.save(helper.make_model(mg, producer_name="gen_mask_cases.py"), out("good", "masks.onnx"))

# inputs and numpy's outputs of the masked model
with open(out("in.f32"), "wb") as fi, open(out("expect.f32"), "wb") as fe:
    for _ in range(5):
        x = rng.standard_normal((1, 16)).astype(np.float32)
        h = np.maximum(x @ PRUNED["fc1.weight"].T + B["fc1.bias"], 0)
        y = h @ PRUNED["fc2.weight"].T + B["fc2.bias"]
        fi.write(x.tobytes())
        fe.write(y.astype(np.float32).tobytes())


# ---- error cases: cases/<case>.args holds the arguments but -o (model.onnx unless given) ----
def case(name, args, model="model.onnx"):
    with open(out("cases", name + ".args"), "w") as f:
        f.write(model + " " + args + "\n")


def npydir(name, arrays):
    d = out("bad", name)
    os.makedirs(d, exist_ok=True)
    for k, v in arrays.items():
        np.save(os.path.join(d, k + ".npy"), v)
    return "bad/" + name


ones1 = np.ones((32, 16), dtype=np.float32)
case("unknown_initializer", "--masks " + npydir("unknown_initializer", {"fc9.weight": ones1}))
case("torch_mask_name", "--masks " + npydir("torch_mask_name", {"fc1.weight_mask": ones1}))
case("shape_mismatch", "--masks " + npydir("shape_mismatch", {"fc1.weight": np.ascontiguousarray(ones1.T)}))
case("computed_tensor", "--masks " + npydir("computed_tensor", {"h1": np.ones((1, 32), np.float32)}))
case("graph_input", "--masks " + npydir("graph_input", {"x": np.ones((1, 16), np.float32)}))
half = ones1.copy()
half[0, 12] = 0.5
case("not_binary", "--masks " + npydir("not_binary", {"fc1.weight": half}))
case("big_endian", "--masks " + npydir("big_endian", {"fc1.weight": ones1.astype(">f4")}))
case("fortran_order", "--masks " + npydir("fortran_order", {"fc1.weight": np.asfortranarray(ones1)}))
d = npydir("truncated", {"fc1.weight": ones1})
with open(out(d, "fc1.weight.npy"), "r+b") as f:
    f.truncate(os.path.getsize(out(d, "fc1.weight.npy")) - 4)
case("truncated", "--masks " + d)
os.makedirs(out("bad", "empty_dir"), exist_ok=True)
case("empty_dir", "--masks bad/empty_dir")
# numpy.savez_compressed, its deflate data damaged in the middle (the CRC left as it was)
np.savez_compressed(out("bad", "compressed.npz"), **{"fc1.weight": ones1})
with zipfile.ZipFile(out("bad", "compressed.npz")) as z:
    zi = z.infolist()[0]
with open(out("bad", "compressed.npz"), "r+b") as f:
    f.seek(zi.header_offset + 26)
    lens = f.read(4)
    f.seek(zi.header_offset + 30 + lens[0] + 256 * lens[1] + lens[2] + 256 * lens[3] + zi.compress_size // 2)
    b = f.read(2)
    f.seek(-2, 1)
    f.write(bytes([b[0] ^ 0xFF, b[1] ^ 0xFF]))
case("compressed_npz", "--masks bad/compressed.npz")
# a compression bomb: 8 MiB of zeros in a few kilobytes, against --max-bytes 1 MiB
np.savez_compressed(out("bad", "bomb.npz"), **{"fc1.weight": np.zeros(1 << 21, np.float32)})
case("npz_bomb", "--masks bad/bomb.npz --max-bytes 1048576")
np.savez(out("bad", "npz_shape.npz"), **{"fc1.weight": M["fc1.weight"], "fc2.weight": ones1})
case("npz_shape", "--masks bad/npz_shape.npz")
mg = helper.make_graph([], "masks", [], [], [numpy_helper.from_array(ones1, "fc1.weight"),
                                             numpy_helper.from_array(np.full((10, 32), 2, np.int64), "fc2.weight")])
onnx.save(helper.make_model(mg), out("bad", "onnx_values.onnx"))
case("onnx_values", "--masks bad/onnx_values.onnx")
with open(out("bad", "garbage.bin"), "wb") as f:
    f.write(b"\xff" * 16)
case("garbage", "--masks bad/garbage.bin")
case("missing", "--masks bad/no_such_dir")
# the dense model is not the ticket: --check-masks fails, reporting each layer
case("check_fail", "--masks good/npydir --check-masks")
# the prune format carries its own masks: its weights are computed, not initializers
case("prune_format", "--masks good/npydir", model="prune.onnx")

# --prune-magnitude 0.9 on the dense model: the smallest round(0.9 n) of each
# layer's weights zeroed (ties by index), and numpy's outputs of that
PM = {}
for k, w in W.items():
    flat = w.ravel().copy()
    flat[np.argsort(np.abs(flat), kind="stable")[: int(np.floor(0.9 * flat.size + 0.5))]] = 0
    PM[k] = flat.reshape(w.shape)
with open(out("in.f32"), "rb") as fi, open(out("pm_expect.f32"), "wb") as fe:
    xs = np.frombuffer(fi.read(), dtype=np.float32).reshape(-1, 1, 16)
    for x in xs:
        h = np.maximum(x @ PM["fc1.weight"].T + B["fc1.bias"], 0)
        fe.write((h @ PM["fc2.weight"].T + B["fc2.bias"]).astype(np.float32).tobytes())
