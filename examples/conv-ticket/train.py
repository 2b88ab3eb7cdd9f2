#!/usr/bin/python3
"""Lottery-Ticket (iterative magnitude pruning with reset) for a small
convolutional network on Fashion-MNIST, after Frankle & Carbin's Conv-2
(ICLR 2019), shrunk to train on two CPU cores:

    conv1 3x3 1->32, ReLU, maxpool 2     28x28 -> 26x26 -> 13x13
    conv2 3x3 32->32, ReLU, maxpool 2    13x13 -> 11x11 -> 5x5
    fc1 800->256, ReLU
    fc2 256->10

Run with Debian's Python (torch CPU, onnx, numpy):

    /usr/bin/python3 examples/conv-ticket/train.py [--epochs N] [--rounds R]

Writes, relative to this script's directory:

    models/dense.onnx, models/ticket-rNN.onnx      the exported networks
    models/<model>.logits100.f32                   PyTorch logits, first 100 test images
    models/index.tsv                               one line per exported model
    masks/ticket-rNN/<layer>.weight.npy            uint8 masks, 1 = kept
    rounds.tsv                                     every round of this run

Schedule, as for Conv-2 in the paper: after each round prune by magnitude
among the surviving weights, layer-wise: 10% of each conv layer's remaining
weights, 20% of fc1's, 10% of the output layer's (biases never pruned); reset
the survivors to theta0 (torch.manual_seed(0)) and retrain with the mask.
Adam, lr 1.2e-3, batch 60, as for the LeNet example (whose helpers this
script uses).
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lenet-ticket"))
import train as lth  # noqa: E402  (the LeNet example: data, masks, training)

PRUNE_RATE = {"conv1.weight": 0.10, "conv2.weight": 0.10,
              "fc1.weight": 0.20, "fc2.weight": 0.10}
WEIGHTS = list(PRUNE_RATE)
EXPORT = {0: "dense", 8: "ticket-r08", 10: "ticket-r10", 12: "ticket-r12"}
GRAPH = ["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten",
         "Gemm", "Relu", "Gemm"]


class Conv2(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 32, 3)
        self.fc1 = nn.Linear(800, 256)
        self.fc2 = nn.Linear(256, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def check_graph(g, path):
    ops = [n.op_type for n in g.graph.node]
    if ops != GRAPH:
        raise RuntimeError(f"{path}: graph is {ops}, expected {GRAPH}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=1, help="epochs per round")
    ap.add_argument("--rounds", type=int, default=12, help="last round")
    ap.add_argument("--out", type=Path, default=HERE, help="output directory")
    ap.add_argument("--limit", type=int, default=0,
                    help="train on the first N images only (a smoke test)")
    args = ap.parse_args()

    torch.set_num_threads(2)
    t_start = time.time()
    out = args.out
    (out / "models").mkdir(parents=True, exist_ok=True)
    (out / "masks").mkdir(parents=True, exist_ok=True)

    xtr, ytr = lth.load("train")
    xte, yte = lth.load("t10k")
    if args.limit:
        xtr, ytr = xtr[:args.limit], ytr[:args.limit]
    print(f"train {tuple(xtr.shape)}  test {tuple(xte.shape)}  "
          f"epochs/round {args.epochs}  rounds 0..{args.rounds}", flush=True)

    torch.manual_seed(lth.SEED)
    model = Conv2()
    theta0 = {k: v.detach().clone() for k, v in model.state_dict().items()}
    masks = {k: torch.ones_like(lth.params(model)[k], dtype=torch.bool) for k in WEIGHTS}
    total = sum(m.numel() for m in masks.values())

    rows, index = [], []
    for rnd in range(args.rounds + 1):
        t0 = time.time()
        if rnd > 0:
            masks = lth.prune(model, masks, PRUNE_RATE)
            model.load_state_dict(theta0)
        lth.apply_masks(model, masks)
        lth.train_round(model, masks, xtr, ytr, args.epochs, rnd)
        lth.apply_masks(model, masks)
        correct = lth.evaluate(model, xte, yte)
        kept = sum(int(m.sum()) for m in masks.values())
        nz = sum(int((lth.params(model)[k] != 0).sum()) for k in WEIGHTS)
        per = {k: int(m.sum()) for k, m in masks.items()}
        dt = time.time() - t0
        rows.append((rnd, kept, total, 100.0 * kept / total, correct, per, dt))
        print(f"round {rnd:2d}  kept {kept:6d}/{total} ({100.0 * kept / total:6.2f}%)  "
              f"{[per[k] for k in WEIGHTS]}  "
              f"test {correct}/10000 ({correct / 100.0:.2f}%)  {dt:.1f}s", flush=True)

        if rnd in EXPORT:
            name = EXPORT[rnd]
            if nz != kept:
                raise RuntimeError(f"round {rnd}: {nz} nonzero but {kept} kept")
            path = out / "models" / f"{name}.onnx"
            lth.export_onnx(model, path, check_graph)
            model.eval()
            with torch.no_grad():
                ref = model(xte[:lth.N_REF]).numpy().astype("<f4")
            ref.tofile(out / "models" / f"{name}.logits100.f32")
            if rnd > 0:
                mdir = out / "masks" / name
                mdir.mkdir(parents=True, exist_ok=True)
                for k, m in masks.items():
                    np.save(mdir / f"{k}.npy", m.numpy().astype(np.uint8))
            index.append((f"{name}.onnx", rnd, nz, total, 100.0 * nz / total,
                          correct, correct / 100.0))
            print(f"  exported {path.relative_to(out)}", flush=True)

    with open(out / "models" / "index.tsv", "w") as f:
        f.write("file\tround\tnonzero_weights\ttotal_weights\tpercent_kept"
                "\ttest_correct\ttest_accuracy\n")
        for r in index:
            f.write(f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4]:.2f}\t{r[5]}\t{r[6]:.2f}\n")
    elapsed = time.time() - t_start
    with open(out / "rounds.tsv", "w") as f:
        f.write(f"# epochs_per_round={args.epochs} lr={lth.LR} batch={lth.BATCH} "
                f"seed={lth.SEED} torch={torch.__version__} "
                f"threads={torch.get_num_threads()} total_seconds={elapsed:.0f}\n")
        f.write("round\tkept\ttotal\tpercent_kept\t"
                + "\t".join(k.split(".")[0] + "_kept" for k in WEIGHTS)
                + "\ttest_correct\ttest_accuracy\tseconds\n")
        for r in rows:
            f.write(f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]:.2f}\t"
                    + "\t".join(str(r[5][k]) for k in WEIGHTS)
                    + f"\t{r[4]}\t{r[4] / 100.0:.2f}\t{r[6]:.1f}\n")
    print(f"done in {elapsed:.0f}s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
