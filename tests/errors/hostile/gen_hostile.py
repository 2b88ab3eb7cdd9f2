#!/usr/bin/env python3
"""Hostile inputs of issue 17, written as raw protobuf / ZIP bytes (no onnx
module needed, and nothing the onnx checker would refuse to write).

  gen_hostile.py DIR          the small cases, committed beside their .err
  gen_hostile.py --big DIR    the big ones, made at test time (20 MB, 1 MB, and the
                              10,000- and 3,000-deep files that crashed ticketc)
"""
import os, struct, sys, zlib

def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)

def key(field, wt):
    return varint(field << 3 | wt)

def ld(field, payload):          # length-delimited
    if isinstance(payload, str):
        payload = payload.encode()
    return key(field, 2) + varint(len(payload)) + payload

def vi(field, v):                # varint
    return key(field, 0) + varint(v & (2**64 - 1))

# ---- onnx.proto field numbers ----
def dim(v):
    return ld(1, vi(1, v))                       # TensorShapeProto.dim { dim_value }

def tensor_type(dims, elem=1):
    return ld(1, vi(1, elem) + ld(2, b"".join(dim(d) for d in dims)))   # TypeProto.tensor_type

def value_info(name, typeproto):
    return ld(1, name) + ld(2, typeproto)

def node(op, inputs, outputs, name="", attrs=b""):
    b = b"".join(ld(1, i) for i in inputs) + b"".join(ld(2, o) for o in outputs)
    if name:
        b += ld(3, name)
    return b + ld(4, op) + attrs

def attr_int(name, v):
    return ld(5, ld(1, name) + vi(3, v) + vi(20, 2))

def attr_str(name, s):
    return ld(5, ld(1, name) + ld(4, s) + vi(20, 3))

def attr_graph(name, g):
    return ld(5, ld(1, name) + ld(6, g) + vi(20, 5))

def tensor(name, dims, floats=None, ints=None):
    b = b"".join(vi(1, d) for d in dims)
    if ints is not None:
        b += vi(2, 7) + ld(8, name) + ld(9, b"".join(struct.pack("<q", v) for v in ints))
    else:
        floats = floats if floats is not None else [0.0] * (eval("*".join(map(str, dims))) if dims else 1)
        b += vi(2, 1) + ld(8, name) + ld(9, b"".join(struct.pack("<f", v) for v in floats))
    return b

def graph(nodes=(), inits=(), inputs=(), outputs=()):
    return (b"".join(ld(1, n) for n in nodes) + ld(2, "g") + b"".join(ld(5, t) for t in inits)
            + b"".join(ld(11, i) for i in inputs) + b"".join(ld(12, o) for o in outputs))

def model(g, opset=13):
    return vi(1, 8) + ld(2, "gen_hostile") + ld(7, g) + ld(8, ld(1, "") + vi(2, opset))

def relu_model(**kw):
    x = value_info("x", tensor_type([1, 4]))
    y = value_info("y", tensor_type([1, 4]))
    return model(graph([node("Relu", ["x"], ["y"], "r")], inputs=[x], outputs=[y]), **kw)

def deep_typeproto(depth):
    t = tensor_type([1])
    for _ in range(depth):
        t = ld(4, ld(1, t))                       # TypeProto.sequence_type { elem_type }
    x = value_info("x", t)
    y = value_info("y", tensor_type([1]))
    return model(graph([node("Relu", ["x"], ["y"])], inputs=[x], outputs=[y]))

def deep_if(depth):
    inner = graph([node("Relu", ["x"], ["y"])], outputs=[value_info("y", tensor_type([1]))])
    for _ in range(depth):
        inner = graph([node("If", ["c"], ["y"], attrs=attr_graph("then_branch", inner) + attr_graph("else_branch", b""))],
                      outputs=[value_info("y", tensor_type([1]))])
    x = value_info("x", tensor_type([1]))
    return model(graph([node("Relu", ["x"], ["c"]), node("If", ["c"], ["y"], attrs=attr_graph("then_branch", inner))],
                       inputs=[x], outputs=[value_info("y", tensor_type([1]))]))

def many_initializers(n):
    # ModelProto.graph { initializer {} x n }: 2 bytes each
    body = ld(2, "g") + b"\x2a\x00" * n
    return vi(1, 8) + ld(7, body) + ld(8, vi(2, 13))

def huge_input_slice():
    big = 2**31
    x = value_info("x", tensor_type([big, big, big]))
    y = value_info("y", tensor_type([1, 1, 4]))
    inits = [tensor("s", [3], ints=[0, 0, 0]), tensor("e", [3], ints=[1, 1, 4])]
    return model(graph([node("Slice", ["x", "s", "e"], ["y"], "sl")], inits, [x], [y]))

def gemm_model(attrs=None, dup_input=False, opset=13, wname="W"):
    attrs = attr_int("transB", 1) if attrs is None else attrs
    x = value_info("x", tensor_type([1, 4]))
    y = value_info("y", tensor_type([1, 2]))
    inputs = [x, x] if dup_input else [x]
    return model(graph([node("Gemm", ["x", wname], ["y"], "fc", attrs)], [tensor(wname, [2, 4])], inputs, [y]),
                 opset=opset)

# ---- .npz ----
def npy_bytes(n_floats):
    hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % n_floats
    hdr = hdr + " " * (63 - (10 + len(hdr)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode() + b"\0" * (4 * n_floats)

def npz_listing(data, names):
    """One stored member (its data once), listed under each of names."""
    first = names[0].encode()
    crc = zlib.crc32(data) & 0xffffffff
    local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 0, 0, 0, crc, len(data), len(data), len(first), 0) + first + data
    cd = b""
    for n in names:
        nb = n.encode()
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 0, 0, 0, crc, len(data), len(data), len(nb),
                          0, 0, 0, 0, 0, 0) + nb
    eocd = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, len(names), len(names), len(cd), len(local), 0)
    return local + cd + eocd

def write(d, name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def small(d):
    write(d, "deep_typeproto.onnx", deep_typeproto(100))
    write(d, "deep_if.onnx", deep_if(70))
    write(d, "relu.onnx", relu_model())                          # the model of the --masks cases
    write(d, "input_overflow.onnx", huge_input_slice())
    write(d, "transb_string.onnx", gemm_model(attr_str("transB", "yes")))
    write(d, "duplicate_input.onnx", gemm_model(dup_input=True))
    write(d, "opset_99.onnx", gemm_model(opset=99))
    write(d, "opset_huge.onnx", gemm_model(opset=2**63 - 1))
    write(d, "nul_name.onnx", gemm_model(wname="W\0evil"))
    write(d, "long_name.onnx", gemm_model(wname="w" * 5000))
    write(d, "escape_auto_pad.onnx", model(graph(
        [node("MaxPool", ["x"], ["y"], "p", ld(5, ld(1, "kernel_shape") + vi(20, 7) + vi(8, 2) + vi(8, 2)) +
              attr_str("auto_pad", "\x1b]0;owned\x07\x1b[2J"))],
        inputs=[value_info("x", tensor_type([1, 1, 4, 4]))], outputs=[value_info("y", tensor_type([1, 1, 2, 2]))])))
    write(d, "auto_pad_int.onnx", model(graph(
        [node("MaxPool", ["x"], ["y"], "p", ld(5, ld(1, "kernel_shape") + vi(20, 7) + vi(8, 2) + vi(8, 2)) +
              attr_int("auto_pad", 1))],
        inputs=[value_info("x", tensor_type([1, 1, 4, 4]))], outputs=[value_info("y", tensor_type([1, 1, 2, 2]))])))
    write(d, "escape_op.onnx", model(graph([node("Evil\x1b[2J", ["x"], ["y"], "n\x1b]0;t\x07")],
        inputs=[value_info("x", tensor_type([1]))], outputs=[value_info("y", tensor_type([1]))])))
    write(d, "npz_duplicate.npz", npz_listing(npy_bytes(4), ["W.npy", "W.npy"]))

def big(d):
    """Made at test time: too big to commit, or names git should not hold."""
    os.makedirs(os.path.join(d, "escdir"), exist_ok=True)
    write(os.path.join(d, "escdir"), "\x1b]0;owned\x07\x1b[2J.npy", npy_bytes(4))
    write(d, "deep_typeproto_10000.onnx", deep_typeproto(10000))
    write(d, "deep_if_3000.onnx", deep_if(3000))
    write(d, "many_initializers.onnx", many_initializers(10_000_000))
    write(d, "npz_listed_1000.npz", npz_listing(npy_bytes(256 * 1024), ["m%d.npy" % i for i in range(1000)]))

if __name__ == "__main__":
    if sys.argv[1] == "--big":
        big(sys.argv[2])
    else:
        small(sys.argv[1])
