# Run-test cases of opset 23's Attention and RotaryEmbedding (run by gen_models.py, in its
# namespace: save, f32, helper, sparse ...). Expectations are numpy written from the ONNX
# specification (the newer backend data is not packaged here), never ticketc's interpreter.
# A generator of its own, so that the other cases keep their data.
rnga = np.random.default_rng(23)


def smpa(shapes, n=3, scale=1.0):
    return [[rnga.standard_normal(s).astype(np.float32) * scale for s in shapes] for _ in range(n)]


def heads4(x, h):
    """[B,S,h*D] -> [B,h,S,D]"""
    b, s, hd = x.shape
    return x.reshape(b, s, h, hd // h).transpose(0, 2, 1, 3)


def np_attn(q, k, v, mask=None, pk=None, pv=None, causal=False, scale=None, softcap=0.0, qh=None, kvh=None):
    """Attention-23 from its definition: returns Y, present_key, present_value, Q K^T * scale, softmax."""
    three = q.ndim == 3
    q, k, v = (x.astype(np.float64) for x in (q, k, v))
    if three:
        q, k, v = heads4(q, qh), heads4(k, kvh), heads4(v, kvh)
    past = 0
    if pk is not None:
        past = pk.shape[2]
        k, v = np.concatenate([pk, k], axis=2), np.concatenate([pv, v], axis=2)
    if scale is None:
        scale = 1.0 / np.sqrt(q.shape[3])
    reps = q.shape[1] // k.shape[1]
    kr, vr = np.repeat(k, reps, axis=1), np.repeat(v, reps, axis=1)  # query head h reads key head h // reps
    raw = q @ kr.transpose(0, 1, 3, 2) * scale
    s = softcap * np.tanh(raw / softcap) if softcap > 0 else raw
    sq, t = s.shape[2], s.shape[3]
    bias = np.zeros((sq, t))
    if causal:
        bias = np.where(np.arange(t)[None, :] > np.arange(sq)[:, None] + past, -np.inf, 0.0)
    if mask is not None:
        bias = bias + (np.where(mask, 0.0, -np.inf) if mask.dtype == bool else mask.astype(np.float64))
    s = s + bias
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    y = p @ vr
    if three:
        y = y.transpose(0, 2, 1, 3).reshape(y.shape[0], y.shape[2], -1)
    return y, k, v, raw, p


# 4-D, grouped heads (4 query heads over 2 key heads, values of another size): plain; causal
# with a run-time float mask and a scale; a constant bool mask with a softcap; a constant float
# mask with -inf and finite entries, causal; the softmax (mode 3) and present key and value
# outputs; Q K^T * scale (mode 0) with a bool mask.
bmask = rnga.random((2, 1, 3, 5)) < 0.7
bmask[:, :, :, 0] = True  # every query keeps a key
fmask = f32(rnga.standard_normal((3, 5)))
fmask[0, 3] = fmask[2, 1] = -np.inf
save("attention23_4d",
     [helper.make_node("Attention", ["q", "k", "v"], ["a"]),
      helper.make_node("Attention", ["q", "k", "v", "m"], ["b"], is_causal=1, scale=0.3),
      helper.make_node("Attention", ["q", "k", "v", "bm"], ["c"], softcap=2.0),
      helper.make_node("Attention", ["q", "k", "v", "fm"], ["d"], is_causal=1),
      helper.make_node("Attention", ["q", "k", "v"], ["e", "e_k", "e_v", "e_p"], qk_matmul_output_mode=3),
      helper.make_node("Attention", ["q", "k", "v", "bm"], ["f", "", "", "f_qk"], scale=0.5)],
     [("q", (2, 4, 3, 8)), ("k", (2, 2, 5, 8)), ("v", (2, 2, 5, 6)), ("m", (3, 5))],
     ["a", "b", "c", "d", "e", "e_k", "e_v", "e_p", "f", "f_qk"], {"bm": bmask, "fm": fmask},
     smpa([(2, 4, 3, 8), (2, 2, 5, 8), (2, 2, 5, 6), (3, 5)]),
     lambda q, k, v, m: [np_attn(q, k, v)[0], np_attn(q, k, v, m, causal=True, scale=0.3)[0],
                         np_attn(q, k, v, bmask, softcap=2.0)[0], np_attn(q, k, v, fmask, causal=True)[0],
                         *[np_attn(q, k, v)[i] for i in (0, 1, 2, 4)],
                         np_attn(q, k, v, bmask, scale=0.5)[0], np_attn(q, k, v, bmask, scale=0.5)[3]], opset=23)

# 3-D [B,S,heads*D] with the head counts as attributes: grouped, causal with more queries than
# keys (the last queries see every key), multi-head with a float mask broadcast over the batch.
save("attention23_3d",
     [helper.make_node("Attention", ["q", "k", "v"], ["a"], q_num_heads=4, kv_num_heads=2),
      helper.make_node("Attention", ["q", "k", "v"], ["b"], q_num_heads=4, kv_num_heads=2, is_causal=1),
      helper.make_node("Attention", ["q", "k2", "v2", "m"], ["c"], q_num_heads=4, kv_num_heads=4)],
     [("q", (2, 6, 16)), ("k", (2, 4, 8)), ("v", (2, 4, 6)), ("k2", (2, 4, 16)), ("v2", (2, 4, 12)),
      ("m", (1, 4, 6, 4))],
     ["a", "b", "c"], {},
     smpa([(2, 6, 16), (2, 4, 8), (2, 4, 6), (2, 4, 16), (2, 4, 12), (1, 4, 6, 4)]),
     lambda q, k, v, k2, v2, m: [np_attn(q, k, v, qh=4, kvh=2)[0], np_attn(q, k, v, causal=True, qh=4, kvh=2)[0],
                                 np_attn(q, k2, v2, m, qh=4, kvh=4)[0]], opset=23)

# A key and value cache: past_key and past_value at run time, causal (query i sees the past and
# new keys up to i), present_key and present_value out; the same 3-D.
save("attention23_past",
     [helper.make_node("Attention", ["q", "k", "v", "", "pk", "pv"], ["y", "yk", "yv"], is_causal=1),
      helper.make_node("Attention", ["q3", "k3", "v3", "", "pk", "pv"], ["y3", "yk3"], q_num_heads=4,
                       kv_num_heads=2)],
     [("q", (1, 4, 2, 8)), ("k", (1, 2, 2, 8)), ("v", (1, 2, 2, 8)), ("pk", (1, 2, 3, 8)), ("pv", (1, 2, 3, 8)),
      ("q3", (1, 2, 32)), ("k3", (1, 2, 16)), ("v3", (1, 2, 16))],
     ["y", "yk", "yv", "y3", "yk3"], {},
     smpa([(1, 4, 2, 8), (1, 2, 2, 8), (1, 2, 2, 8), (1, 2, 3, 8), (1, 2, 3, 8), (1, 2, 32), (1, 2, 16), (1, 2, 16)]),
     lambda q, k, v, pk, pv, q3, k3, v3: [*np_attn(q, k, v, pk=pk, pv=pv, causal=True)[:3],
                                          *np_attn(q3, k3, v3, pk=pk, pv=pv, qh=4, kvh=2)[:2]], opset=23)

# A causal self-attention block as exported: the projections are MatMuls of sparse constant
# weights (compiled by the sparse linear path, zeros skipped), Attention on 3-D [B,S,H*D].
wq, wk, wv, wo = (sparse((16, 16), 0.25) for _ in range(4))
save("attention23_block",
     [helper.make_node("MatMul", ["x", "wq"], ["q"], name="q_proj"),
      helper.make_node("MatMul", ["x", "wk"], ["k"], name="k_proj"),
      helper.make_node("MatMul", ["x", "wv"], ["v"], name="v_proj"),
      helper.make_node("Attention", ["q", "k", "v"], ["a"], q_num_heads=4, kv_num_heads=4, is_causal=1),
      helper.make_node("MatMul", ["a", "wo"], ["y"], name="o_proj")],
     [("x", (1, 6, 16))], ["y"], {"wq": wq, "wk": wk, "wv": wv, "wo": wo}, smpa([(1, 6, 16)]),
     lambda x: [np_attn(x @ wq, x @ wk, x @ wv, causal=True, qh=4, kvh=4)[0] @ wo], opset=23)


def np_rotary(x, cos, sin, pos=None, interleaved=False, rd=0, heads=None):
    """RotaryEmbedding-23 from its definition."""
    three = x.ndim == 3
    x = x.astype(np.float64)
    x4 = heads4(x, heads) if three else x  # [B,H,S,D]
    d = x4.shape[3]
    rd = rd or d
    c, s = (cos[pos], sin[pos]) if pos is not None else (cos, sin)  # [B,S,rd/2]
    c, s = c[:, None].astype(np.float64), s[:, None].astype(np.float64)
    y = x4.copy()
    if interleaved:
        x1, x2 = x4[..., 0:rd:2], x4[..., 1:rd:2]
        y[..., 0:rd:2], y[..., 1:rd:2] = c * x1 - s * x2, s * x1 + c * x2
    else:
        x1, x2 = x4[..., :rd // 2], x4[..., rd // 2:rd]
        y[..., :rd // 2], y[..., rd // 2:rd] = c * x1 - s * x2, s * x1 + c * x2
    if three:
        y = y.transpose(0, 2, 1, 3).reshape(x.shape)
    return y


# RotaryEmbedding: 4-D with constant [B,S,D/2] caches; interleaved over the first 4 of 8 values
# with constant position_ids into [10,2] caches; 3-D with num_heads and run-time caches.
ang = rnga.uniform(0, 6.3, (2, 4, 4))
rc, rs = f32(np.cos(ang)), f32(np.sin(ang))
ang2 = np.arange(10)[:, None] * np.array([1.0, 0.1])[None, :]
rc2, rs2 = f32(np.cos(ang2)), f32(np.sin(ang2))
rpos = np.array([[0, 1, 2, 3], [5, 6, 9, 2]], dtype=np.int64)
save("rotary23",
     [helper.make_node("RotaryEmbedding", ["x", "c", "s"], ["a"]),
      helper.make_node("RotaryEmbedding", ["x", "c2", "s2", "pos"], ["b"], interleaved=1, rotary_embedding_dim=4),
      helper.make_node("RotaryEmbedding", ["x3", "c3", "s3"], ["d"], num_heads=3),
      helper.make_node("RotaryEmbedding", ["x3", "c2", "s2", "pos"], ["e"], num_heads=3, rotary_embedding_dim=4)],
     [("x", (2, 3, 4, 8)), ("x3", (2, 4, 24)), ("c3", (2, 4, 4)), ("s3", (2, 4, 4))], ["a", "b", "d", "e"],
     {"c": rc, "s": rs, "c2": rc2, "s2": rs2, "pos": rpos},
     smpa([(2, 3, 4, 8), (2, 4, 24), (2, 4, 4), (2, 4, 4)]),
     lambda x, x3, c3, s3: [np_rotary(x, rc, rs), np_rotary(x, rc2, rs2, rpos, True, 4),
                            np_rotary(x3, c3, s3, heads=3), np_rotary(x3, rc2, rs2, rpos, rd=4, heads=3)], opset=23)
