#!/usr/bin/python3
"""Checks ticketc's attribute table (compiler/attrs.c, printed by --list-attrs)
against the operator schemas of the installed python3-onnx: for every op in the
table and every schema version up to opset 23 that onnx knows, every attribute
the schema defines must be in the op's row (implemented, default only, no
effect, or refused). Exit 1 with the missing ones listed.

Usage: tests/attrs_check.py [build/ticketc]"""
import subprocess
import sys

import onnx
import onnx.defs

MAX_OPSET = 23
# Attributes of opsets newer than the packaged onnx (1.12 knows opset 17):
# taken from the ONNX specification, checked only when onnx does not know them.
NEWER = {
    "Resize": ["antialias", "axes", "keep_aspect_ratio_policy"],
    "Split": ["num_outputs"],
    "AveragePool": ["dilations"],
    "Gelu": ["approximate"],
    "Swish": ["alpha"],
    "Cast": ["saturate"],
    "LpPool": ["ceil_mode", "dilations"],
    "GroupNormalization": ["epsilon", "num_groups", "stash_type"],
    "RMSNormalization": ["axis", "epsilon", "stash_type"],
    "Attention": ["is_causal", "kv_num_heads", "q_num_heads", "qk_matmul_output_mode", "scale", "softcap",
                  "softmax_precision"],
    "RotaryEmbedding": ["interleaved", "num_heads", "rotary_embedding_dim"],
}
for _r in ("Mean", "Max", "Min", "Prod", "L1", "L2", "LogSum", "LogSumExp", "SumSquare"):
    NEWER["Reduce" + _r] = ["noop_with_empty_axes"]


def main():
    ticketc = sys.argv[1] if len(sys.argv) > 1 else "build/ticketc"
    out = subprocess.run([ticketc, "--list-attrs"], check=True, capture_output=True, text=True).stdout
    table = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 2 and f[1] == "(no":
            print(f"attrs_check: {f[0]} has no row in the table")
            return 1
        table.setdefault(f[0], {})
        if len(f) >= 3:
            table[f[0]][f[1]] = f[2]
    schemas = {}
    for s in onnx.defs.get_all_schemas_with_history():
        if s.domain in ("", "ai.onnx") and s.since_version <= MAX_OPSET:
            schemas.setdefault(s.name, []).append(s)
    missing, checked = [], 0
    for op, row in sorted(table.items()):
        for s in sorted(schemas.get(op, []), key=lambda s: s.since_version):
            for name in sorted(s.attributes):
                checked += 1
                if name not in row:
                    missing.append(f"{op}-{s.since_version}: attribute '{name}'")
        known = {a for s in schemas.get(op, []) for a in s.attributes}
        for name in NEWER.get(op, []):
            if name not in known and name not in row:
                missing.append(f"{op} (opset 18+): attribute '{name}'")
    for m in missing:
        print(f"attrs_check: not in the table: {m}")
    print(f"attrs_check: onnx {onnx.__version__}, {len(table)} ops, {checked} schema attributes checked, "
          f"{len(missing)} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
