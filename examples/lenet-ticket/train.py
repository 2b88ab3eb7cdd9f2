#!/usr/bin/python3
"""Lottery-Ticket (iterative magnitude pruning with reset) for LeNet-300-100
on Fashion-MNIST, after Frankle & Carbin, "The Lottery Ticket Hypothesis"
(ICLR 2019).

Run with Debian's Python (torch 1.13 CPU, onnx, numpy):

    /usr/bin/python3 examples/lenet-ticket/train.py [--epochs N] [--rounds R]

All outputs are written relative to this script's directory:

    models/dense.onnx, models/ticket-rNN.onnx      the exported networks
    models/<model>.logits100.f32                   PyTorch logits, first 100 test images
    models/index.tsv                               one line per exported model
    masks/ticket-rNN/fc{1,2,3}.weight.npy          uint8 masks, 1 = kept
    rounds.tsv                                     every round of this run

Schedule: theta0 = initial weights (torch.manual_seed(0)). Round 0 trains the
dense net. After each round r, prune by magnitude among the still-unpruned
weights, layer-wise: 20% of the remaining weights of fc1 and fc2, 10% of fc3
(biases never pruned). Then reset the survivors (and all biases) to theta0 and
retrain with the mask applied (gradients masked, weights re-zeroed after each
optimizer step). Adam, lr 1.2e-3, batch 60, fresh optimizer per round.
"""
import argparse
import gzip
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
DATA = Path("/usr/share/datasets/fashion-mnist")

SEED = 0
LR = 1.2e-3
BATCH = 60
PRUNE_RATE = {"fc1.weight": 0.20, "fc2.weight": 0.20, "fc3.weight": 0.10}
EXPORT = {0: "dense", 7: "ticket-r07", 12: "ticket-r12", 15: "ticket-r15"}
N_REF = 100  # test images whose logits are saved as reference


# ---------------------------------------------------------------- data ----
def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = raw[0] << 8 | raw[1], raw[2], raw[3]
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: size mismatch")
    return data.reshape(dims)


def load(split):
    imgs = read_idx(DATA / f"{split}-images-idx3-ubyte.gz")
    labels = read_idx(DATA / f"{split}-labels-idx1-ubyte.gz")
    # exactly what the C side does: float(pixel) / 255.0f, no normalisation
    x = torch.from_numpy(imgs.copy()).float() / 255.0
    x = x.reshape(-1, 1, 28, 28)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


# --------------------------------------------------------------- model ----
class LeNet300100(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 300)
        self.fc2 = nn.Linear(300, 100)
        self.fc3 = nn.Linear(100, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def params(model):
    return dict(model.named_parameters())


@torch.no_grad()
def apply_masks(model, masks):
    p = params(model)
    for name, m in masks.items():
        # where() rather than mul_: pruned entries become +0.0, never -0.0
        p[name].copy_(torch.where(m, p[name], torch.zeros_like(p[name])))


@torch.no_grad()
def prune(model, masks, rates=PRUNE_RATE):
    """Remove rates[layer] of each layer's remaining weights, smallest |w| first."""
    p = params(model)
    new = {}
    for name in rates:
        w = p[name].detach().abs().flatten().numpy()
        m = masks[name].flatten().numpy()
        alive = np.flatnonzero(m)
        k = int(round(rates[name] * alive.size))
        order = np.argsort(w[alive], kind="stable")  # deterministic ties
        m = m.copy()
        m[alive[order[:k]]] = False
        new[name] = torch.from_numpy(m).reshape(masks[name].shape)
    return new


def train_round(model, masks, xtr, ytr, epochs, rnd):
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    gen = torch.Generator().manual_seed(1000 + rnd)
    p = params(model)
    n = xtr.shape[0]
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            loss.backward()
            for name, m in masks.items():
                p[name].grad.mul_(m)
            opt.step()
            apply_masks(model, masks)


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()
    return int((model(x).argmax(1) == y).sum())


# -------------------------------------------------------------- export ----
def export_onnx(model, path, check_graph=None):
    import onnx
    from onnx import numpy_helper

    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(model, dummy, str(path), opset_version=13,
                      do_constant_folding=True, input_names=["image"],
                      output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})

    g = onnx.load(str(path))
    sd = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    # map initializers to parameter names by content, rename if torch did not
    rename = {}
    for init in g.graph.initializer:
        if init.name in sd:
            continue
        arr = numpy_helper.to_array(init)
        hits = [k for k, v in sd.items()
                if v.shape == arr.shape and np.array_equal(v, arr)]
        if len(hits) != 1:
            raise RuntimeError(f"{path}: cannot identify initializer {init.name}")
        rename[init.name] = hits[0]
    if rename:
        for init in g.graph.initializer:
            init.name = rename.get(init.name, init.name)
        for node in g.graph.node:
            for i, nm in enumerate(node.input):
                if nm in rename:
                    node.input[i] = rename[nm]
        for vi in g.graph.input:
            if vi.name in rename:
                vi.name = rename[vi.name]
        onnx.save(g, str(path))
        g = onnx.load(str(path))
    check_onnx(g, sd, path, check_graph or check_lenet)
    return rename


def check_lenet(g, path):
    import onnx

    ops = [n.op_type for n in g.graph.node]
    want = ["Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm"]
    if ops != want:
        raise RuntimeError(f"{path}: graph is {ops}, expected {want}")
    for n in g.graph.node:
        if n.op_type == "Gemm":
            a = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
            if a.get("transB", 0) != 1 or a.get("transA", 0) != 0:
                raise RuntimeError(f"{path}: Gemm attributes {a}")
    gemm_inputs = [list(n.input[1:]) for n in g.graph.node if n.op_type == "Gemm"]
    if gemm_inputs != [["fc1.weight", "fc1.bias"], ["fc2.weight", "fc2.bias"],
                       ["fc3.weight", "fc3.bias"]]:
        raise RuntimeError(f"{path}: Gemm inputs {gemm_inputs}")


def check_onnx(g, sd, path, check_graph):
    """The exported file holds exactly the model's parameters, as float32,
    pruned entries +0.0, no external data; check_graph checks its nodes."""
    import onnx
    from onnx import numpy_helper

    onnx.checker.check_model(g)
    check_graph(g, path)
    inits = {i.name: numpy_helper.to_array(i) for i in g.graph.initializer}
    if sorted(inits) != sorted(sd):
        raise RuntimeError(f"{path}: initializers {sorted(inits)}")
    for k, v in inits.items():
        if v.dtype != np.float32 or not np.array_equal(v, sd[k]):
            raise RuntimeError(f"{path}: initializer {k} differs from model")
        if np.signbit(v[v == 0]).any():
            raise RuntimeError(f"{path}: {k} has -0.0 entries")
    if any(i.HasField("data_location") and i.data_location == 1
           for i in g.graph.initializer):
        raise RuntimeError(f"{path}: external data")


# ----------------------------------------------------------------- IMP ----
def parse_args(doc, epochs, rounds, out):
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=epochs, help="epochs per round")
    ap.add_argument("--rounds", type=int, default=rounds, help="last round")
    ap.add_argument("--out", type=Path, default=out, help="output directory")
    ap.add_argument("--limit", type=int, default=0,
                    help="train on the first N images only (a smoke test)")
    return ap.parse_args()


def run_imp(make_model, rates, export, check_graph, args):
    """Iterative magnitude pruning with reset: rounds 0..args.rounds of
    train / prune rates[layer] of each layer's survivors / reset to theta0.
    Exports the rounds in export ({round: name}) and writes the tables."""
    torch.set_num_threads(2)
    t_start = time.time()
    out = args.out
    (out / "models").mkdir(parents=True, exist_ok=True)
    (out / "masks").mkdir(parents=True, exist_ok=True)

    xtr, ytr = load("train")
    xte, yte = load("t10k")
    if args.limit:
        xtr, ytr = xtr[:args.limit], ytr[:args.limit]
    print(f"train {tuple(xtr.shape)}  test {tuple(xte.shape)}  "
          f"epochs/round {args.epochs}  rounds 0..{args.rounds}", flush=True)

    torch.manual_seed(SEED)
    model = make_model()
    theta0 = {k: v.detach().clone() for k, v in model.state_dict().items()}
    layers = list(rates)
    masks = {k: torch.ones_like(params(model)[k], dtype=torch.bool) for k in layers}
    total = sum(m.numel() for m in masks.values())

    rows, index = [], []
    for rnd in range(args.rounds + 1):
        t0 = time.time()
        if rnd > 0:
            masks = prune(model, masks, rates)
            model.load_state_dict(theta0)  # reset to the original init
        apply_masks(model, masks)
        train_round(model, masks, xtr, ytr, args.epochs, rnd)
        apply_masks(model, masks)
        correct = evaluate(model, xte, yte)
        kept = sum(int(m.sum()) for m in masks.values())
        nz = sum(int((params(model)[k] != 0).sum()) for k in layers)
        per = [int(masks[k].sum()) for k in layers]
        dt = time.time() - t0
        rows.append((rnd, kept, 100.0 * kept / total, per, correct, dt))
        print(f"round {rnd:2d}  kept {kept:6d}/{total} ({100.0 * kept / total:6.2f}%)  "
              f"{per}  test {correct}/10000 ({correct / 100.0:.2f}%)  {dt:.1f}s", flush=True)

        if rnd in export:
            name = export[rnd]
            if nz != kept:
                raise RuntimeError(f"round {rnd}: {nz} nonzero but {kept} kept")
            path = out / "models" / f"{name}.onnx"
            renamed = export_onnx(model, path, check_graph)
            model.eval()
            with torch.no_grad():
                ref = model(xte[:N_REF]).numpy().astype("<f4")
            assert ref.shape == (N_REF, 10)
            ref.tofile(out / "models" / f"{name}.logits100.f32")
            if rnd > 0:
                mdir = out / "masks" / name
                mdir.mkdir(parents=True, exist_ok=True)
                for k, m in masks.items():
                    np.save(mdir / f"{k}.npy", m.numpy().astype(np.uint8))
            index.append((f"{name}.onnx", rnd, nz, total, 100.0 * nz / total,
                          correct, correct / 100.0))
            print(f"  exported {path.relative_to(out)}"
                  + (f" (renamed {renamed})" if renamed else ""), flush=True)

    with open(out / "models" / "index.tsv", "w") as f:
        f.write("file\tround\tnonzero_weights\ttotal_weights\tpercent_kept"
                "\ttest_correct\ttest_accuracy\n")
        for r in index:
            f.write(f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4]:.2f}\t{r[5]}\t{r[6]:.2f}\n")
    elapsed = time.time() - t_start
    with open(out / "rounds.tsv", "w") as f:
        f.write(f"# epochs_per_round={args.epochs} lr={LR} batch={BATCH} seed={SEED} "
                f"torch={torch.__version__} threads={torch.get_num_threads()} "
                f"total_seconds={elapsed:.0f}\n")
        f.write("round\tkept\ttotal\tpercent_kept\t"
                + "".join(k.split(".")[0] + "_kept\t" for k in layers)
                + "test_correct\ttest_accuracy\tseconds\n")
        for rnd, kept, pct, per, correct, dt in rows:
            f.write(f"{rnd}\t{kept}\t{total}\t{pct:.2f}\t"
                    + "".join(f"{p}\t" for p in per)
                    + f"{correct}\t{correct / 100.0:.2f}\t{dt:.1f}\n")
    print(f"done in {elapsed:.0f}s", flush=True)


# ---------------------------------------------------------------- main ----
def main():
    args = parse_args(__doc__, epochs=4, rounds=15, out=HERE)
    run_imp(LeNet300100, PRUNE_RATE, EXPORT, check_lenet, args)


if __name__ == "__main__":
    sys.exit(main())
