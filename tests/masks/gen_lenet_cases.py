#!/usr/bin/python3
"""The shipped LeNet-300-100 ticket (round 15) in every form a ticket comes in.

usage: gen_lenet_cases.py EXAMPLE_DIR OUTDIR

From EXAMPLE_DIR/models/ticket-r15.onnx (zeros in the weights) and
EXAMPLE_DIR/masks/ticket-r15/*.npy, writes in OUTDIR:

  lenet_garbage.onnx  the ticket with random garbage where the masks say pruned
                      (what a dense checkpoint plus masks looks like)
  lenet_prune.onnx    PyTorch's prune format: fcN.weight = fcN.weight_orig * fcN.weight_mask,
                      the same garbage in weight_orig
  lenet_masks.npz     the masks as numpy.savez writes them
  lenet_masks.onnx    the masks as the initializers of an ONNX file
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

EX, OUT = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(15)
model = onnx.load(os.path.join(EX, "models", "ticket-r15.onnx"))
mdir = os.path.join(EX, "masks", "ticket-r15")
masks = {f[:-4]: np.load(os.path.join(mdir, f)) for f in sorted(os.listdir(mdir)) if f.endswith(".npy")}
assert masks, "no masks in " + mdir

garbage = onnx.ModelProto()
garbage.CopyFrom(model)
weights = {}
for init in garbage.graph.initializer:
    if init.name in masks:
        w = numpy_helper.to_array(init)
        m = masks[init.name].astype(bool)
        assert w.shape == m.shape and not np.any(w[~m]), init.name + ": not the ticket its masks describe"
        g = np.where(m, w, rng.standard_normal(w.shape).astype(np.float32)).astype(np.float32)
        weights[init.name] = g
        init.CopyFrom(numpy_helper.from_array(g, init.name))
onnx.save(garbage, os.path.join(OUT, "lenet_garbage.onnx"))

# prune format: the weight becomes the output of a Mul in front of the graph
prune = onnx.ModelProto()
prune.CopyFrom(garbage)
keep = [i for i in prune.graph.initializer if i.name not in masks]
del prune.graph.initializer[:]
prune.graph.initializer.extend(keep)
muls = []
for name in sorted(masks):
    prune.graph.initializer.extend([
        numpy_helper.from_array(weights[name], name + "_orig"),
        numpy_helper.from_array(masks[name].astype(np.float32), name + "_mask")])
    muls.append(helper.make_node("Mul", [name + "_orig", name + "_mask"], [name], name=name + ".prune"))
nodes = list(prune.graph.node)
del prune.graph.node[:]
prune.graph.node.extend(muls + nodes)
onnx.save(prune, os.path.join(OUT, "lenet_prune.onnx"))

np.savez(os.path.join(OUT, "lenet_masks.npz"), **{k: v.astype(np.uint8) for k, v in masks.items()})
mm = helper.make_model(helper.make_graph([], "masks", [], [], [
    numpy_helper.from_array(v.astype(bool), k) for k, v in sorted(masks.items())]))
onnx.save(mm, os.path.join(OUT, "lenet_masks.onnx"))
