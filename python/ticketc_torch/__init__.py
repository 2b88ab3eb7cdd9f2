"""ticketc_torch: a PyTorch model carrying torch.nn.utils.prune reparametrisations, as
ticketc's input.

    import ticketc_torch
    ticketc_torch.export(model, example_input, "ticket.onnx", masks="masks/")
    # then: ticketc ticket.onnx --masks masks/ -o ticket.c

export() writes an ONNX model whose initializers are named like the model's parameters
("fc1.weight"), and for every pruned parameter one of:
  masks="DIR": the dense weights (weight_orig, as trained, not multiplied by the mask) in
               the ONNX file and the mask as DIR/<name>.npy (uint8, 1 = kept), the way
               ticketc --masks expects them; ticketc multiplies them in;
  masks=None:  the masked weights (weight_orig * weight_mask, the zeros written into the
               ONNX file), as torch.nn.utils.prune.remove would leave them;
  masks="prune": PyTorch's prune format kept in the graph: initializers <name>_orig and
               <name>_mask and a Mul node, which ticketc folds into one sparse weight.
The model itself is not changed (a copy is exported). Needs torch and onnx (Debian:
python3-torch, python3-onnx).
"""
import copy
import os

__all__ = ["export", "pruned_parameters"]


def pruned_parameters(model):
    """{'fc1.weight': (module, 'weight'), ...}: every parameter with a prune reparametrisation."""
    from torch.nn.utils import prune
    found = {}
    for mname, module in model.named_modules():
        for hook in module._forward_pre_hooks.values():
            hooks = hook._pruning_methods if isinstance(hook, prune.PruningContainer) else [hook]
            for h in hooks:
                if isinstance(h, prune.BasePruningMethod):
                    name = h._tensor_name
                    found[(mname + "." if mname else "") + name] = (module, name)
    return found


def _dense_copy(model, keep_dense):
    """A copy without reparametrisations: dense weights (keep_dense) or masked ones; the masks."""
    import torch
    from torch.nn.utils import prune
    m = copy.deepcopy(model)
    masks = {}
    for full, (module, name) in pruned_parameters(m).items():
        orig = getattr(module, name + "_orig").detach().clone()
        mask = getattr(module, name + "_mask").detach().clone()
        prune.remove(module, name)  # leaves name = orig * mask as a plain parameter
        if keep_dense:
            with torch.no_grad():
                getattr(module, name).copy_(orig)
        masks[full] = mask
    return m, masks


def _rename_initializers(onnx_model, state):
    """Initializers that torch named otherwise get the parameter's name (matched by content)."""
    import numpy as np
    from onnx import numpy_helper
    g = onnx_model.graph
    rename = {}
    for init in g.initializer:
        if init.name in state:
            continue
        arr = numpy_helper.to_array(init)
        hits = [k for k, v in state.items() if v.shape == arr.shape and np.array_equal(v, arr)]
        if len(hits) == 1 and hits[0] not in [i.name for i in g.initializer]:
            rename[init.name] = hits[0]
    for init in g.initializer:
        init.name = rename.get(init.name, init.name)
    for node in g.node:
        for i, nm in enumerate(node.input):
            if nm in rename:
                node.input[i] = rename[nm]
    return rename


def export(model, example_input, path, masks=None, opset=13, input_names=None, output_names=None):
    """Exports model (with torch.nn.utils.prune reparametrisations) to ONNX file path; with
    masks=DIR, dense weights there and DIR/<param>.npy masks; masks="prune", the prune
    format in the graph. Returns the pruned parameters' names."""
    import numpy as np
    import onnx
    import torch
    prune_format = masks == "prune"
    keep_dense = masks is not None and not prune_format
    if prune_format:
        # the reparametrisation as it stands: weight_orig and weight_mask as initializers
        m, found = copy.deepcopy(model), dict(pruned_parameters(model))
    else:
        m, found = _dense_copy(model, keep_dense)
    m.eval()
    args = example_input if isinstance(example_input, tuple) else (example_input,)
    kw = {}
    if input_names:
        kw["input_names"] = list(input_names)
    if output_names:
        kw["output_names"] = list(output_names)
    with torch.no_grad():
        # without constant folding the prune format's Mul stays in the graph
        torch.onnx.export(m, args, path, opset_version=opset, do_constant_folding=not prune_format, **kw)
    om = onnx.load(path)
    state = {k: v.detach().cpu().numpy() for k, v in m.state_dict().items()}
    _rename_initializers(om, state)
    onnx.save(om, path)
    if prune_format:
        names = {i.name for i in om.graph.initializer}
        missing = [k for k in found if k + "_orig" not in names or k + "_mask" not in names]
        if missing:
            raise RuntimeError("ticketc_torch: %s: the prune format of %s did not survive the export"
                               % (path, ", ".join(missing)))
        return sorted(found)
    if not keep_dense:
        return sorted(found)
    names = {i.name for i in om.graph.initializer}
    missing = [k for k in found if k not in names]
    if missing:
        raise RuntimeError("ticketc_torch: the pruned parameter(s) %s are not initializers of %s "
                           "(torch folded or renamed them); use masks=None to write the masked "
                           "weights instead" % (", ".join(missing), path))
    os.makedirs(masks, exist_ok=True)
    for name, mask in sorted(found.items()):
        np.save(os.path.join(masks, name + ".npy"), (mask.cpu().numpy() != 0).astype(np.uint8))
    return sorted(found)
