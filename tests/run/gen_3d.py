# Run-test cases of Conv, ConvTranspose, MaxPool and AveragePool on 5-D inputs (run by
# gen_models.py, in its namespace). Expectations are numpy written from the ONNX
# specification, never ticketc's interpreter; a generator of its own.
rng3 = np.random.default_rng(3)


def smp3(shapes, n=2):
    return [[rng3.standard_normal(s).astype(np.float32) for s in shapes] for _ in range(n)]


def sparse3(shape, density):
    w = rng3.standard_normal(shape).astype(np.float32) * 0.5
    w[rng3.random(shape) >= density] = 0.0
    return w


def np_conv3d(x, w, b=None, s=(1, 1, 1), pads=(0,) * 6, d=(1, 1, 1), group=1):
    x = x.astype(np.float64)
    n, c, *ins = x.shape
    m, cg, *k = w.shape
    xp = np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[i + 3]) for i in range(3)])
    outs = [(ins[i] + pads[i] + pads[i + 3] - (k[i] - 1) * d[i] - 1) // s[i] + 1 for i in range(3)]
    y = np.zeros((n, m, *outs))
    mg = m // group
    for gi in range(group):
        xs = xp[:, gi * cg:(gi + 1) * cg]
        ws = w[gi * mg:(gi + 1) * mg].astype(np.float64)
        for a in range(k[0]):
            for bb in range(k[1]):
                for cc in range(k[2]):
                    sl = xs[:, :, a * d[0]:a * d[0] + s[0] * (outs[0] - 1) + 1:s[0],
                            bb * d[1]:bb * d[1] + s[1] * (outs[1] - 1) + 1:s[1],
                            cc * d[2]:cc * d[2] + s[2] * (outs[2] - 1) + 1:s[2]]
                    y[:, gi * mg:(gi + 1) * mg] += np.einsum("ncdhw,mc->nmdhw", sl, ws[:, :, a, bb, cc])
    if b is not None:
        y += b.reshape(1, -1, 1, 1, 1)
    return y


def np_convt3d(x, w, b=None, s=(1, 1, 1), pads=(0,) * 6, opad=(0, 0, 0), group=1):
    x = x.astype(np.float64)
    n, c, *ins = x.shape
    _, mg, *k = w.shape
    full = [s[i] * (ins[i] - 1) + k[i] + opad[i] for i in range(3)]
    y = np.zeros((n, mg * group, *full))
    cg = c // group
    for gi in range(group):
        for i0 in range(ins[0]):
            for i1 in range(ins[1]):
                for i2 in range(ins[2]):
                    xv = x[:, gi * cg:(gi + 1) * cg, i0, i1, i2]  # [n, cg]
                    contrib = np.einsum("nc,cmdhw->nmdhw", xv, w[gi * cg:(gi + 1) * cg].astype(np.float64))
                    y[:, gi * mg:(gi + 1) * mg, i0 * s[0]:i0 * s[0] + k[0], i1 * s[1]:i1 * s[1] + k[1],
                      i2 * s[2]:i2 * s[2] + k[2]] += contrib
    y = y[:, :, pads[0]:full[0] - pads[3], pads[1]:full[1] - pads[4], pads[2]:full[2] - pads[5]]
    if b is not None:
        y += b.reshape(1, -1, 1, 1, 1)
    return y


def np_pool3d(x, k, s=(1, 1, 1), pads=(0,) * 6, mode="max", incl=False, ceil=False):
    x = x.astype(np.float64)
    n, c, *ins = x.shape
    outs = []
    for i in range(3):
        tot = ins[i] + pads[i] + pads[i + 3] - k[i]
        o = tot // s[i] + 1
        if ceil and tot % s[i] and o * s[i] < ins[i] + pads[i]:
            o += 1
        outs.append(o)
    y = np.zeros((n, c, *outs))
    for o in np.ndindex(*outs):
        lo = [o[i] * s[i] - pads[i] for i in range(3)]
        hi = [lo[i] + k[i] for i in range(3)]
        cl = [max(lo[i], 0) for i in range(3)]
        ch = [min(hi[i], ins[i]) for i in range(3)]
        win = x[:, :, cl[0]:ch[0], cl[1]:ch[1], cl[2]:ch[2]]
        if mode == "max":
            y[(slice(None), slice(None)) + o] = win.max(axis=(2, 3, 4))
        else:
            cnt = np.prod([ch[i] - cl[i] for i in range(3)]) if not incl else \
                np.prod([min(hi[i], ins[i] + pads[i + 3]) - lo[i] for i in range(3)])
            y[(slice(None), slice(None)) + o] = win.sum(axis=(2, 3, 4)) / cnt
    return y


# Conv 3-D: a pruned kernel with bias, pads and strides; grouped with dilations and no bias;
# a channel with no weight left. MaxPool and AveragePool 3-D (pads, ceil_mode,
# count_include_pad); ConvTranspose 3-D with strides, pads, output_padding and groups.
cw1 = sparse3((4, 2, 3, 3, 3), 0.3)
cw1[2] = 0.0
cb1 = f32(rng3.standard_normal(4))
cw2 = sparse3((4, 1, 2, 2, 2), 0.6)
tw1 = sparse3((2, 3, 3, 2, 2), 0.5)
tb1 = f32(rng3.standard_normal(3))
tw2 = sparse3((2, 2, 2, 2, 2), 0.7)
save("conv3d",
     [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 0, 1, 1, 1, 0], strides=[1, 2, 1]),
      helper.make_node("Conv", ["x", "w2"], ["c2"], group=2, dilations=[1, 2, 2], pads=[0, 1, 1, 0, 1, 1]),
      helper.make_node("MaxPool", ["x"], ["p1"], kernel_shape=[2, 2, 2], strides=[2, 2, 2]),
      helper.make_node("MaxPool", ["x"], ["p2"], kernel_shape=[3, 2, 3], pads=[1, 1, 1, 1, 0, 1], strides=[2, 2, 2],
                       ceil_mode=1),
      helper.make_node("AveragePool", ["x"], ["p3"], kernel_shape=[2, 3, 3], pads=[1, 1, 1, 0, 1, 1], strides=[1, 2, 2]),
      helper.make_node("AveragePool", ["x"], ["p4"], kernel_shape=[2, 3, 3], pads=[1, 1, 1, 0, 1, 1], strides=[1, 2, 2],
                       count_include_pad=1),
      helper.make_node("ConvTranspose", ["x", "tw1", "tb1"], ["t1"], strides=[2, 1, 2], pads=[1, 0, 0, 0, 1, 1],
                       output_padding=[1, 0, 1]),
      helper.make_node("ConvTranspose", ["x", "tw2"], ["t2"], group=2)],
     [("x", (2, 2, 4, 5, 6))], ["c1", "c2", "p1", "p2", "p3", "p4", "t1", "t2"],
     {"w1": cw1, "b1": cb1, "w2": cw2, "tw1": tw1, "tb1": tb1, "tw2": tw2}, smp3([(2, 2, 4, 5, 6)]),
     lambda x: [np_conv3d(x, cw1, cb1, s=(1, 2, 1), pads=(1, 0, 1, 1, 1, 0)),
                np_conv3d(x, cw2, group=2, d=(1, 2, 2), pads=(0, 1, 1, 0, 1, 1)),
                np_pool3d(x, (2, 2, 2), (2, 2, 2)),
                np_pool3d(x, (3, 2, 3), (2, 2, 2), (1, 1, 1, 1, 0, 1), ceil=True),
                np_pool3d(x, (2, 3, 3), (1, 2, 2), (1, 1, 1, 0, 1, 1), mode="avg"),
                np_pool3d(x, (2, 3, 3), (1, 2, 2), (1, 1, 1, 0, 1, 1), mode="avg", incl=True),
                np_convt3d(x, tw1, tb1, s=(2, 1, 2), pads=(1, 0, 0, 0, 1, 1), opad=(1, 0, 1)),
                np_convt3d(x, tw2, group=2)], opset=13)

# Weights and bias computed at run time (inputs): every tap read from W.
save("conv3d_runtime_w",
     [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 0, 0, 1, 1], strides=[2, 1, 1]),
      helper.make_node("ConvTranspose", ["x", "tw"], ["t"], strides=[1, 2, 1], pads=[0, 1, 0, 1, 0, 0])],
     [("x", (1, 2, 3, 4, 3)), ("w", (3, 2, 2, 3, 2)), ("b", (3,)), ("tw", (2, 2, 2, 2, 3))], ["c", "t"], {},
     smp3([(1, 2, 3, 4, 3), (3, 2, 2, 3, 2), (3,), (2, 2, 2, 2, 3)]),
     lambda x, w, b, tw: [np_conv3d(x, w, b, s=(2, 1, 1), pads=(1, 1, 0, 0, 1, 1)),
                          np_convt3d(x, tw, s=(1, 2, 1), pads=(0, 1, 0, 1, 0, 0))], opset=13)
