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
import sys
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lenet-ticket"))
import train as lth  # noqa: E402  (the LeNet example: data, masks, training)

PRUNE_RATE = {"conv1.weight": 0.10, "conv2.weight": 0.10,
              "fc1.weight": 0.20, "fc2.weight": 0.10}
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
    args = lth.parse_args(__doc__, epochs=1, rounds=12, out=HERE)
    lth.run_imp(Conv2, PRUNE_RATE, EXPORT, check_graph, args)


if __name__ == "__main__":
    sys.exit(main())
