"""python3 -m ticketc_torch MODEL.pt --input-shape 1,784 -o ticket.onnx [--masks DIR]

MODEL.pt is a whole model saved with torch.save(model) (its class importable: add its
directory with --path), carrying torch.nn.utils.prune reparametrisations or not."""
import argparse
import sys

from . import export


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m ticketc_torch",
                                 description="Export a pruned PyTorch model for ticketc.")
    ap.add_argument("model", help="a model saved with torch.save(model)")
    ap.add_argument("-o", "--output", required=True, help="the ONNX file to write")
    ap.add_argument("--input-shape", required=True,
                    help="the example input's shape, e.g. 1,1,28,28 (several inputs: separated by ';')")
    ap.add_argument("--masks", help="write dense weights and the masks as DIR/<param>.npy "
                    "(ticketc --masks DIR); without it the masked weights are written")
    ap.add_argument("--prune-format", action="store_true",
                    help="keep PyTorch's prune format in the graph (<param>_orig * <param>_mask)")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--path", action="append", default=[],
                    help="a directory to import the model's class from")
    a = ap.parse_args(argv)
    sys.path[:0] = a.path
    import torch
    try:
        shapes = [[int(d) for d in s.split(",")] for s in a.input_shape.split(";")]
    except ValueError:
        ap.error("--input-shape expects numbers separated by commas, found '%s'" % a.input_shape)
    try:
        model = torch.load(a.model, map_location="cpu", weights_only=False)
    except TypeError:  # torch before 1.13 has no weights_only
        model = torch.load(a.model, map_location="cpu")
    if not isinstance(model, torch.nn.Module):
        ap.error("%s holds a %s, not a whole model (save it with torch.save(model))"
                 % (a.model, type(model).__name__))
    ex = tuple(torch.zeros(*s) for s in shapes)
    if a.prune_format and a.masks:
        ap.error("--prune-format and --masks are two different exports: choose one")
    names = export(model, ex if len(ex) > 1 else ex[0], a.output, masks="prune" if a.prune_format else a.masks,
                   opset=a.opset)
    print("ticketc_torch: wrote %s%s" % (a.output, ", masks %s in %s" % (", ".join(names), a.masks) if a.masks else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
