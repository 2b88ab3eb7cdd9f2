# Run-test cases of GridSample, DFT, MaxPool's Indices, MaxUnpool and RoiAlign (run by
# gen_models.py, in its namespace: save, f32, helper ...). Expectations are numpy written
# from the ONNX specification (in float64), never ticketc's interpreter; a generator of its own.
rngi = np.random.default_rng(16)


def smpi(shapes, n=2, scale=1.0):
    return [[rngi.standard_normal(s).astype(np.float32) * scale for s in shapes] for _ in range(n)]


def np_gridsample(x, grid, mode="bilinear", pad="zeros", align=0):
    """GridSample-16 on [N,C,H,W]: taps per axis, then sum_a wy (sum_b wx x)."""
    n_, c_, h_, w_ = x.shape
    _, ho, wo, _ = grid.shape
    y = np.zeros((n_, c_, ho, wo))

    def bounds(ln):
        return (0.0, ln - 1.0) if align else (-0.5, ln - 0.5)

    def reflect(v, lo, hi):
        rg = hi - lo
        if rg <= 0:
            return lo
        if v < lo:
            d = lo - v
            q, r = int(d // rg), d % rg
            return lo + r if q % 2 == 0 else hi - r
        if v > hi:
            d = v - hi
            q, r = int(d // rg), d % rg
            return hi - r if q % 2 == 0 else lo + r
        return v

    def pixel(i, ln):
        if 0 <= i < ln:
            return i
        if pad == "zeros":
            return -1
        if pad == "reflection":
            i = int(reflect(float(i), *bounds(ln)))
        return min(max(i, 0), ln - 1)

    def taps(g, ln):
        v = (g + 1) / 2 * (ln - 1) if align else ((g + 1) * ln - 1) / 2
        if mode == "nearest":
            v = float(np.rint(v))
        lo, hi = bounds(ln)
        if v < lo or v > hi:
            if pad == "border":
                v = min(max(v, 0.0), ln - 1.0)
            elif pad == "reflection":
                v = reflect(v, lo, hi)
        if mode == "nearest":
            return [pixel(int(v), ln)], [1.0]
        f0 = int(np.floor(v))
        t = v - f0
        if mode == "bilinear":
            return [pixel(f0, ln), pixel(f0 + 1, ln)], [1 - t, t]
        a = -0.75

        def k(s):
            s = abs(s)
            return ((a + 2) * s - (a + 3)) * s * s + 1 if s <= 1 else ((a * s - 5 * a) * s + 8 * a) * s - 4 * a
        return [pixel(f0 + d, ln) for d in (-1, 0, 1, 2)], [k(t + 1), k(t), k(1 - t), k(2 - t)]

    for b in range(n_):
        for i in range(ho):
            for j in range(wo):
                ix, wx = taps(float(grid[b, i, j, 0]), w_)
                iy, wy = taps(float(grid[b, i, j, 1]), h_)
                for c in range(c_):
                    s = 0.0
                    for ya, wa in zip(iy, wy):
                        if ya >= 0:
                            s += wa * sum(wb * x[b, c, ya, xb] for xb, wb in zip(ix, wx) if xb >= 0)
                    y[b, c, i, j] = s
    return y


# GridSample: bilinear with zeros, nearest with border and corners aligned, bicubic with
# reflection; a grid reaching past [-1, 1] so that the padding modes matter.
save("gridsample16",
     [helper.make_node("GridSample", ["x", "g"], ["a"]),
      helper.make_node("GridSample", ["x", "g"], ["b"], mode="nearest", padding_mode="border", align_corners=1),
      helper.make_node("GridSample", ["x", "g"], ["c"], mode="bicubic", padding_mode="reflection"),
      helper.make_node("GridSample", ["x", "g"], ["d"], mode="bilinear", padding_mode="reflection", align_corners=1)],
     [("x", (2, 3, 4, 5)), ("g", (2, 3, 6, 2))], ["a", "b", "c", "d"], {},
     [[s[0], s[1] * 0.8] for s in smpi([(2, 3, 4, 5), (2, 3, 6, 2)])],
     lambda x, g: [np_gridsample(x, g), np_gridsample(x, g, "nearest", "border", 1),
                   np_gridsample(x, g, "bicubic", "reflection"), np_gridsample(x, g, "bilinear", "reflection", 1)],
     opset=16)


def np_dft(x, axis, inverse=False, onesided=False, length=None):
    """DFT-17: complex values from the last axis (1: real), transformed along axis."""
    z = x[..., 0].astype(np.float64) + (1j * x[..., 1].astype(np.float64) if x.shape[-1] == 2 else 0)
    f = np.fft.ifft(z, n=length, axis=axis) if inverse else np.fft.fft(z, n=length, axis=axis)
    if onesided:
        f = np.take(f, np.arange(f.shape[axis] // 2 + 1), axis=axis)
    return np.stack([f.real, f.imag], axis=-1)


# DFT: a real signal along axis 1, one-sided; complex along axis 2, inverse; real with a
# constant dft_length longer than the signal (zeros appended) and one shorter (cut).
save("dft17",
     [helper.make_node("DFT", ["x"], ["a"], onesided=1),
      helper.make_node("DFT", ["z"], ["b"], axis=2, inverse=1),
      helper.make_node("DFT", ["x", "n9"], ["c"], axis=1),
      helper.make_node("DFT", ["x", "n5"], ["d"], axis=2)],
     [("x", (2, 7, 6, 1)), ("z", (2, 7, 6, 2))], ["a", "b", "c", "d"],
     {"n9": np.array(9, dtype=np.int64), "n5": np.array(5, dtype=np.int64)},
     smpi([(2, 7, 6, 1), (2, 7, 6, 2)]),
     lambda x, z: [np_dft(x, 1, onesided=True), np_dft(z, 2, inverse=True), np_dft(x, 1, length=9),
                   np_dft(x, 2, length=5)], opset=17)


def np_maxpool_idx(x, k, s, pads, col=False):
    n_, c_, h_, w_ = x.shape
    ho = (h_ + pads[0] + pads[2] - k[0]) // s[0] + 1
    wo = (w_ + pads[1] + pads[3] - k[1]) // s[1] + 1
    y, ind = np.zeros((n_, c_, ho, wo)), np.zeros((n_, c_, ho, wo), dtype=np.int64)
    for b in range(n_):
        for c in range(c_):
            for i in range(ho):
                for j in range(wo):
                    best, at = None, None
                    for p in range(k[0]):
                        for q in range(k[1]):
                            h, w = i * s[0] - pads[0] + p, j * s[1] - pads[1] + q
                            if 0 <= h < h_ and 0 <= w < w_ and (best is None or x[b, c, h, w] > best):
                                best, at = x[b, c, h, w], (h, w)
                    y[b, c, i, j] = best
                    base = (b * c_ + c) * h_ * w_
                    ind[b, c, i, j] = base + (at[1] * h_ + at[0] if col else at[0] * w_ + at[1])
    return y, ind


def np_unpool(y, ind, shape):
    out = np.zeros(int(np.prod(shape)))
    out[ind.ravel()] = y.ravel()
    return out.reshape(shape)


# MaxPool's Indices (as floats through Cast), row- and column-major; MaxUnpool of a MaxPool's
# output at its indices (the pair of an encoder and decoder), to the default shape and to a
# constant output_shape one larger.
save("maxpool_indices",
     [helper.make_node("MaxPool", ["x"], ["y", "i"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
      helper.make_node("Cast", ["i"], ["fi"], to=TensorProto.FLOAT),
      helper.make_node("MaxPool", ["x"], ["y2", "i2"], kernel_shape=[2, 3], storage_order=1),
      helper.make_node("Cast", ["i2"], ["fi2"], to=TensorProto.FLOAT),
      helper.make_node("MaxPool", ["x"], ["y3", "i3"], kernel_shape=[2, 2], strides=[2, 2]),
      helper.make_node("MaxUnpool", ["y3", "i3"], ["u"], kernel_shape=[2, 2], strides=[2, 2]),
      helper.make_node("MaxUnpool", ["y3", "i3", "os"], ["u2"], kernel_shape=[2, 2], strides=[2, 2])],
     [("x", (1, 2, 6, 8))], ["y", "fi", "y2", "fi2", "u", "u2"], {"os": np.array([1, 2, 7, 9], dtype=np.int64)},
     smpi([(1, 2, 6, 8)]),
     lambda x: [*np_maxpool_idx(x, (3, 3), (2, 2), (1, 1, 1, 1)), *np_maxpool_idx(x, (2, 3), (1, 1), (0,) * 4, True),
                np_unpool(*np_maxpool_idx(x, (2, 2), (2, 2), (0,) * 4), (1, 2, 6, 8)),
                np_unpool(*np_maxpool_idx(x, (2, 2), (2, 2), (0,) * 4), (1, 2, 7, 9))], opset=12)


def np_roialign(x, rois, bidx, oh, ow, ratio, scale, half, mode="avg"):
    """RoiAlign-16 from its definition: bilinear samples averaged (or their largest weighted corner)."""
    r_, c_ = rois.shape[0], x.shape[1]
    h_, w_ = x.shape[2:]
    y = np.zeros((r_, c_, oh, ow))
    for r in range(r_):
        off = 0.5 if half else 0.0
        x1, y1, x2, y2 = (float(v) * scale - off for v in rois[r])
        rw, rh = x2 - x1, y2 - y1
        if not half:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / oh, rw / ow
        gh = ratio if ratio > 0 else max(int(np.ceil(bh)), 1)
        gw = ratio if ratio > 0 else max(int(np.ceil(bw)), 1)
        for c in range(c_):
            img = x[bidx[r], c].astype(np.float64)
            for i in range(oh):
                for j in range(ow):
                    vals = []
                    for a in range(gh):
                        for b in range(gw):
                            yy = y1 + i * bh + (a + 0.5) * bh / gh
                            xx = x1 + j * bw + (b + 0.5) * bw / gw
                            if yy < -1 or yy > h_ or xx < -1 or xx > w_:
                                vals.append([0.0] * 4)
                                continue
                            yy, xx = max(yy, 0.0), max(xx, 0.0)
                            yl, xl = int(yy), int(xx)
                            if yl >= h_ - 1:
                                yl = yh = h_ - 1
                                yy = float(yl)
                            else:
                                yh = yl + 1
                            if xl >= w_ - 1:
                                xl = xh = w_ - 1
                                xx = float(xl)
                            else:
                                xh = xl + 1
                            ly, lx = yy - yl, xx - xl
                            vals.append([(1 - ly) * (1 - lx) * img[yl, xl], (1 - ly) * lx * img[yl, xh],
                                         ly * (1 - lx) * img[yh, xl], ly * lx * img[yh, xh]])
                    y[r, c, i, j] = max(max(v) for v in vals) if mode == "max" else sum(map(sum, vals)) / (gh * gw)
    return y


# RoiAlign: rois at run time (some past the image's edge), constant batch indices; avg with
# half_pixel and an adaptive sampling grid; max with output_half_pixel and 2 x 2 samples.
roi_b = np.array([0, 1, 1], dtype=np.int64)


def roi_samples():
    out = []
    for _ in range(2):
        x = rngi.standard_normal((2, 3, 8, 9)).astype(np.float32)
        lo = rngi.uniform(-2, 5, (3, 2))
        rois = np.concatenate([lo, lo + rngi.uniform(0.5, 7, (3, 2))], axis=1).astype(np.float32)
        out.append([x, rois])
    return out


save("roialign16",
     [helper.make_node("RoiAlign", ["x", "r", "b"], ["a"], output_height=3, output_width=2, spatial_scale=0.9),
      helper.make_node("RoiAlign", ["x", "r", "b"], ["m"], output_height=2, output_width=3, sampling_ratio=2,
                       mode="max", coordinate_transformation_mode="output_half_pixel")],
     [("x", (2, 3, 8, 9)), ("r", (3, 4))], ["a", "m"], {"b": roi_b}, roi_samples(),
     lambda x, r: [np_roialign(x, r, roi_b, 3, 2, 0, 0.9, True),
                   np_roialign(x, r, roi_b, 2, 3, 2, 1.0, False, "max")], opset=16)


def np_resize_axis(n_in, n_out, coord, mode, a=-0.75, exclude=False, roi=(0.0, 1.0)):
    """Resize-13 along one axis as a matrix [n_out, n_in] (NaN rows: extrapolated), from the spec."""
    s = n_out / n_in
    m = np.zeros((n_out, n_in))
    for o in range(n_out):
        if coord == "half_pixel":
            x = (o + 0.5) / s - 0.5
        elif coord == "align_corners":
            x = o * (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        elif coord == "asymmetric":
            x = o / s
        else:  # tf_crop_and_resize
            x = (o * (roi[1] - roi[0]) * (n_in - 1) / (n_out - 1) if n_out > 1
                 else (roi[1] - roi[0]) * (n_in - 1) / 2) + roi[0] * (n_in - 1)
            if x < 0 or x > n_in - 1:
                m[o] = np.nan
                continue
        f = int(np.floor(x))
        t = x - f
        if mode == "linear":
            taps = {f: 1 - t, f + 1: t}
        else:
            def k(d):
                d = abs(d)
                return ((a + 2) * d - (a + 3)) * d * d + 1 if d <= 1 else ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
            taps = {f + j: k(x - (f + j)) for j in (-1, 0, 1, 2)}
            if exclude:
                taps = {i: w for i, w in taps.items() if 0 <= i < n_in}
                tot = sum(taps.values())
                taps = {i: w / tot for i, w in taps.items()}
        for i, w in taps.items():
            m[o, min(max(i, 0), n_in - 1)] += w
    return m


def np_resize2(x, oh, ow, coord, mode, extrap=0.0, rois=((0.0, 1.0), (0.0, 1.0)), **kw):
    mh = np_resize_axis(x.shape[2], oh, coord, mode, roi=rois[0], **kw)
    mw = np_resize_axis(x.shape[3], ow, coord, mode, roi=rois[1], **kw)
    y = np.einsum("oh,nchw,pw->ncop", np.nan_to_num(mh), x.astype(np.float64), np.nan_to_num(mw))
    out = np.isnan(mh).any(axis=1)[:, None] | np.isnan(mw).any(axis=1)[None, :]
    y[:, :, out] = extrap
    return y


# Resize: cubic up (half_pixel) and down (align_corners), cubic with A = -0.5 and
# exclude_outside; tf_crop_and_resize with a roi partly outside the image (extrapolated),
# linear and cubic. Scales, sizes and roi are constants.
save("resize_cubic",
     [helper.make_node("Resize", ["x", "", "up"], ["a"], mode="cubic"),
      helper.make_node("Resize", ["x", "", "", "sz"], ["b"], mode="cubic", coordinate_transformation_mode="align_corners"),
      helper.make_node("Resize", ["x", "", "up"], ["c"], mode="cubic", cubic_coeff_a=-0.5, exclude_outside=1),
      helper.make_node("Resize", ["x", "roi", "", "sz2"], ["d"], mode="linear",
                       coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=7.5),
      helper.make_node("Resize", ["x", "roi", "", "sz2"], ["e"], mode="cubic",
                       coordinate_transformation_mode="tf_crop_and_resize")],
     [("x", (1, 2, 5, 6))], ["a", "b", "c", "d", "e"],
     {"up": f32([1, 1, 1.6, 2.0]), "sz": np.array([1, 2, 3, 4], dtype=np.int64),
      "sz2": np.array([1, 2, 4, 5], dtype=np.int64), "roi": f32([0, 0, -0.2, 0.1, 1, 1, 0.9, 1.3])},
     smpi([(1, 2, 5, 6)]),
     lambda x: [np_resize2(x, 8, 12, "half_pixel", "cubic"), np_resize2(x, 3, 4, "align_corners", "cubic"),
                np_resize2(x, 8, 12, "half_pixel", "cubic", a=-0.5, exclude=True),
                np_resize2(x, 4, 5, "tf", "linear", 7.5, rois=((-0.2, 0.9), (0.1, 1.3))),
                np_resize2(x, 4, 5, "tf", "cubic", 0.0, rois=((-0.2, 0.9), (0.1, 1.3)))])
