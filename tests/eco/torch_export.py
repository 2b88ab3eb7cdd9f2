"""tests/eco/torch.sh's PyTorch side: the shipped LeNet ticket r15 as a model carrying
torch.nn.utils.prune reparametrisations (its weights in weight_orig, random values where the
mask prunes, so that only the masks make it the ticket), exported by ticketc_torch.export
both ways and saved whole for the command line; its logits on the images as reference.
    torch_export.py OUTDIR IMAGES.f32"""
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch.nn.utils import prune

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ticketc_torch  # noqa: E402
from lenet_torch import LeNet300100  # noqa: E402

out, images = sys.argv[1], sys.argv[2]
ex = "examples/lenet-ticket"
init = {i.name: numpy_helper.to_array(i) for i in onnx.load(ex + "/models/ticket-r15.onnx").graph.initializer}
torch.manual_seed(1)
model = LeNet300100()
with torch.no_grad():
    for fc in ("fc1", "fc2", "fc3"):
        getattr(model, fc).weight.copy_(torch.from_numpy(init[fc + ".weight"].copy()))
        getattr(model, fc).bias.copy_(torch.from_numpy(init[fc + ".bias"].copy()))
for fc in ("fc1", "fc2", "fc3"):
    mask = np.load("%s/masks/ticket-r15/%s.weight.npy" % (ex, fc))
    prune.custom_from_mask(getattr(model, fc), "weight", torch.from_numpy(mask.astype(np.float32)))
    with torch.no_grad():  # what training left in the pruned places: not zero
        orig = getattr(model, fc).weight_orig
        orig.copy_(torch.where(torch.from_numpy(mask != 0), orig, torch.randn_like(orig)))
model.eval()
x = torch.from_numpy(np.fromfile(images, dtype=np.float32).reshape(-1, 1, 28, 28))
with torch.no_grad():
    model(x).numpy().astype(np.float32).tofile(os.path.join(out, "torch.f32"))
names = ticketc_torch.export(model, torch.zeros(1, 1, 28, 28), os.path.join(out, "dense.onnx"),
                             masks=os.path.join(out, "masks"))
ticketc_torch.export(model, torch.zeros(1, 1, 28, 28), os.path.join(out, "zeros.onnx"))
ticketc_torch.export(model, torch.zeros(1, 1, 28, 28), os.path.join(out, "prune.onnx"), masks="prune")
pnames = {i.name for i in onnx.load(os.path.join(out, "prune.onnx")).graph.initializer}
assert {"fc1.weight_orig", "fc1.weight_mask"} <= pnames, sorted(pnames)
assert names == ["fc1.weight", "fc2.weight", "fc3.weight"], names
assert hasattr(model.fc1, "weight_orig"), "export changed the model"
torch.save(model, os.path.join(out, "model.pt"))
print("torch_export: %d images, masks %s" % (x.shape[0], ", ".join(names)))
