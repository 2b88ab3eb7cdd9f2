/*
 * interp_img.c - the reference of GridSample and DFT. GridSample computes
 * in float, step by step as the ONNX reference does (and as emit_img.c's C
 * does), so that rounding to a pixel agrees; DFT sums in double (the
 * generated code in float: the run tests hold the two within 1e-5).
 */
#include <math.h>
#include <string.h>

#include "ticketc.h"

static float *out_of(Graph *g, const Node *n, void **vals)
{
    float *p = arena_array(g->a, (size_t)ir_numel(&g->t[n->out[0]]) + 1, sizeof(float));
    vals[n->out[0]] = p;
    return p;
}

/* ---- GridSample ---- */

/* The pixel borders of an axis of length len: [-0.5, len - 0.5], or [0, len - 1] with align_corners. */
static float lo_of(const GridParams *p) { return p->align ? 0.0f : -0.5f; }
static float hi_of(const GridParams *p, int64_t len) { return p->align ? (float)(len - 1) : (float)len - 0.5f; }

/* x reflected by the borders until inside them: q = trunc(d / (hi - lo)) reflections, r the rest */
static float reflect(float x, float lo, float hi)
{
    float rng = hi - lo, d, t, r;
    long q;
    if (x >= lo && x <= hi)
        return x;
    if (!(rng > 0.0f))
        return lo;
    d = x < lo ? lo - x : x - hi;
    t = d / rng;
    if (!(t < 16777216.0f)) /* farther than float resolves (or NaN): an end */
        return lo;
    q = (long)t;
    r = d - (float)q * rng;
    if (x < lo)
        return q % 2 == 0 ? lo + r : hi - r;
    return q % 2 == 0 ? hi - r : lo + r;
}

/* float to int, truncated, saturating at +-2^30 (NaN: -2^30) */
static int64_t to_int(float x)
{
    if (!(x > -1073741824.0f))
        return -1073741824;
    if (!(x < 1073741824.0f))
        return 1073741824;
    return (int64_t)x;
}

/* The source coordinate of a normalised one g on an axis of length len:
 *   x = (g + 1) / 2 * (len - 1) with align_corners, else ((g + 1) * len - 1) / 2;
 * nearest rounds it (halfway to even); outside the borders, border padding
 * clamps it to [0, len - 1], reflection reflects it. */
static float grid_coord(const GridParams *p, float g, int64_t len)
{
    float x = p->align ? (g + 1.0f) / 2.0f * (float)(len - 1) : ((g + 1.0f) * (float)len - 1.0f) / 2.0f;
    float lo = lo_of(p), hi = hi_of(p, len);
    if (p->mode == GRID_NEAREST)
        x = nearbyintf(x);
    if (x < lo || x > hi) {
        if (p->pad == GRID_BORDER)
            x = x < 0.0f ? 0.0f : x > (float)(len - 1) ? (float)(len - 1) : x;
        else if (p->pad == GRID_REFLECT)
            x = reflect(x, lo, hi);
    }
    return x;
}

/* The pixel read at integer position i: -1 (zero) outside with zeros padding */
static int64_t grid_pixel(const GridParams *p, int64_t i, int64_t len)
{
    if (i >= 0 && i < len)
        return i;
    if (p->pad == GRID_ZEROS)
        return -1;
    if (p->pad == GRID_REFLECT)
        i = to_int(reflect((float)i, lo_of(p), hi_of(p, len)));
    return i < 0 ? 0 : i >= len ? len - 1 : i;
}

/*
 * The taps of one axis: pixels ix[k] with weights w[k]. Nearest: 1 tap;
 * linear: floor(x) and the next, 1 - f and f (f = x - floor(x)); cubic:
 * floor(x) - 1 .. floor(x) + 2 with Keys' weights, A = -0.75:
 *   w0 = ((A (f+1) - 5A) (f+1) + 8A) (f+1) - 4A,  w1 = ((A+2) f - (A+3)) f f + 1,
 *   w2 = ((A+2) (1-f) - (A+3)) (1-f) (1-f) + 1,    w3 = ((A (2-f) - 5A) (2-f) + 8A) (2-f) - 4A.
 */
static int grid_taps(const GridParams *p, float x, int64_t len, int64_t *ix, float *w)
{
    const float A = -0.75f;
    float fl, f;
    int64_t x0;
    if (p->mode == GRID_NEAREST) {
        ix[0] = grid_pixel(p, to_int(x), len);
        w[0] = 1.0f;
        return 1;
    }
    fl = floorf(x);
    x0 = to_int(fl);
    f = x - fl;
    if (p->mode == GRID_LINEAR) {
        w[0] = 1.0f - f;
        w[1] = f;
        ix[0] = grid_pixel(p, x0, len);
        ix[1] = grid_pixel(p, x0 + 1, len);
        return 2;
    }
    w[0] = ((A * (f + 1.0f) - 5.0f * A) * (f + 1.0f) + 8.0f * A) * (f + 1.0f) - 4.0f * A;
    w[1] = ((A + 2.0f) * f - (A + 3.0f)) * f * f + 1.0f;
    w[2] = ((A + 2.0f) * (1.0f - f) - (A + 3.0f)) * (1.0f - f) * (1.0f - f) + 1.0f;
    w[3] = ((A * (2.0f - f) - 5.0f * A) * (2.0f - f) + 8.0f * A) * (2.0f - f) - 4.0f * A;
    ix[0] = grid_pixel(p, x0 - 1, len);
    ix[1] = grid_pixel(p, x0, len);
    ix[2] = grid_pixel(p, x0 + 1, len);
    ix[3] = grid_pixel(p, x0 + 2, len);
    return 4;
}

/* y = sum_a wy[a] (sum_b wx[b] X[iy[a]][ix[b]]), a pixel outside (zeros padding) read as 0 */
void interp_gridsample(Graph *g, const Node *n, void **vals)
{
    GridParams p;
    const float *X = vals[n->in[0]], *G = vals[n->in[1]];
    float *Y = out_of(g, n, vals);
    int64_t b, c, h, w;
    grid_params(g, n, &p);
    for (b = 0; b < p.N; b++)
        for (h = 0; h < p.Ho; h++)
            for (w = 0; w < p.Wo; w++) {
                const float *gp = G + ((b * p.Ho + h) * p.Wo + w) * 2;
                int64_t ix[4], iy[4];
                float wx[4], wy[4];
                int kx = grid_taps(&p, grid_coord(&p, gp[0], p.W), p.W, ix, wx);
                int ky = grid_taps(&p, grid_coord(&p, gp[1], p.H), p.H, iy, wy);
                for (c = 0; c < p.C; c++) {
                    const float *xc = X + (b * p.C + c) * p.H * p.W;
                    float s = 0.0f;
                    int ka, kb;
                    for (ka = 0; ka < ky; ka++) {
                        float r = 0.0f;
                        if (iy[ka] >= 0)
                            for (kb = 0; kb < kx; kb++)
                                if (ix[kb] >= 0)
                                    r += wx[kb] * xc[iy[ka] * p.W + ix[kb]];
                        s += wy[ka] * r;
                    }
                    Y[((b * p.C + c) * p.Ho + h) * p.Wo + w] = s;
                }
            }
}

/* ---- DFT ---- */

/* Y[k] = sum_{j < n_in} X[j] e^(s 2 pi i j k / len), s = -1 (forward) or +1 (inverse, then / len) */
void interp_dft(Graph *g, const Node *n, void **vals)
{
    DftParams p;
    const float *X = vals[n->in[0]];
    float *Y = out_of(g, n, vals);
    int64_t o, k, i, j, cx;
    double sg, pi = 3.14159265358979323846;
    dft_params(g, n, &p);
    sg = p.inverse ? 1.0 : -1.0;
    cx = p.complex_in ? 2 : 1;
    for (o = 0; o < p.outer; o++)
        for (k = 0; k < p.n_out; k++)
            for (i = 0; i < p.inner; i++) {
                double re = 0.0, im = 0.0;
                for (j = 0; j < p.n_in; j++) {
                    const float *xp = X + ((o * p.x_axis + j) * p.inner + i) * cx;
                    double a = 2.0 * pi * (double)((j * k) % p.len) / (double)p.len;
                    double xr = xp[0], xi = p.complex_in ? xp[1] : 0.0, c = cos(a), s = sg * sin(a);
                    re += xr * c - xi * s;
                    im += xr * s + xi * c;
                }
                if (p.inverse) {
                    re /= (double)p.len;
                    im /= (double)p.len;
                }
                Y[((o * p.n_out + k) * p.inner + i) * 2] = (float)re;
                Y[((o * p.n_out + k) * p.inner + i) * 2 + 1] = (float)im;
            }
}

/* ---- MaxPool with Indices, MaxUnpool, RoiAlign ---- */

/* y = the largest x in the window (padding excluded), i its flat index in X, the first of equal ones
 * (with storage_order 1, the index counts h fastest: bc H W + iw H + ih) */
void interp_maxpoolidx(Graph *g, const Node *n, void **vals)
{
    Window w;
    const float *X = vals[n->in[0]];
    float *Y = out_of(g, n, vals);
    int64_t *I = arena_array(g->a, (size_t)ir_numel(&g->t[n->out[1]]) + 1, sizeof(int64_t));
    int64_t bc, oh, ow, kh, kw;
    int colmajor;
    vals[n->out[1]] = I;
    colmajor = maxpoolidx_window(g, n, &w);
    for (bc = 0; bc < w.batch * w.c; bc++)
        for (oh = 0; oh < w.out[0]; oh++)
            for (ow = 0; ow < w.out[1]; ow++) {
                float m = 0.0f;
                int64_t at = -1;
                for (kh = 0; kh < w.k[0]; kh++)
                    for (kw = 0; kw < w.k[1]; kw++) {
                        int64_t ih = oh * w.s[0] - w.pb[0] + kh * w.d[0], iw = ow * w.s[1] - w.pb[1] + kw * w.d[1];
                        int64_t idx = (bc * w.in[0] + ih) * w.in[1] + iw;
                        if (ih < 0 || ih >= w.in[0] || iw < 0 || iw >= w.in[1])
                            continue;
                        if (at < 0 || X[idx] > m) {
                            m = X[idx];
                            at = idx;
                        }
                    }
                Y[(bc * w.out[0] + oh) * w.out[1] + ow] = at < 0 ? 0.0f : m;
                if (colmajor && at >= 0) /* (bc, ih, iw) at bc H W + iw H + ih */
                    at = at / (w.in[0] * w.in[1]) * w.in[0] * w.in[1] + at % w.in[1] * w.in[0] + at % (w.in[0] * w.in[1]) / w.in[1];
                I[(bc * w.out[0] + oh) * w.out[1] + ow] = at < 0 ? 0 : at;
            }
}

/* y = 0 but y[I[i]] = X[i] (an index outside y is skipped) */
void interp_maxunpool(Graph *g, const Node *n, void **vals)
{
    const float *X = vals[n->in[0]];
    const int64_t *I = vals[n->in[1]];
    float *Y = out_of(g, n, vals);
    int64_t i, len = ir_numel(&g->t[n->out[0]]), m = ir_numel(&g->t[n->in[0]]);
    for (i = 0; i < len; i++)
        Y[i] = 0.0f;
    for (i = 0; i < m; i++)
        if (I[i] >= 0 && I[i] < len)
            Y[I[i]] = X[i];
}

/*
 * RoiAlign, per roi (x1, y1, x2, y2) * spatial_scale (- 0.5 with half_pixel), of
 * size rw x rh (at least 1 x 1 with output_half_pixel); per output cell, gh x gw
 * samples (sampling_ratio, else ceil(rh / oh) x ceil(rw / ow)) at
 *   y = y1 + ph * rh / oh + (iy + 0.5) * (rh / oh) / gh  (x likewise),
 * each bilinear in X (0 when y < -1, y > H, x < -1 or x > W; clamped to the
 * edge otherwise); avg: their sum / (gh gw), max: the largest of the four
 * weighted corners of every sample.
 */
void interp_roialign(Graph *g, const Node *n, void **vals)
{
    RoiParams p;
    const float *X = vals[n->in[0]], *R = vals[n->in[1]];
    const int64_t *B = vals[n->in[2]];
    float *Y = out_of(g, n, vals);
    int64_t r, c, ph, pw, iy, ix;
    roialign_params(g, n, &p);
    for (r = 0; r < p.R; r++) {
        double off = p.half_pixel ? 0.5 : 0.0;
        double x1 = R[r * 4] * (double)p.scale - off, y1 = R[r * 4 + 1] * (double)p.scale - off;
        double rw = R[r * 4 + 2] * (double)p.scale - off - x1, rh = R[r * 4 + 3] * (double)p.scale - off - y1;
        double bh, bw;
        int64_t gh, gw, b = B[r];
        if (!p.half_pixel) {
            rw = rw > 1.0 ? rw : 1.0;
            rh = rh > 1.0 ? rh : 1.0;
        }
        bh = rh / (double)p.oh;
        bw = rw / (double)p.ow;
        /* ceil(bh), at least 1 (NaN: 1) and at most 65536 (a roi beyond any image) */
        gh = p.ratio > 0 ? p.ratio : !(bh > 1.0) ? 1 : bh < 65536.0 ? (int64_t)ceil(bh) : 65536;
        gw = p.ratio > 0 ? p.ratio : !(bw > 1.0) ? 1 : bw < 65536.0 ? (int64_t)ceil(bw) : 65536;
        if (b < 0 || b >= p.N)
            b = 0; /* out of range: undefined in ONNX */
        for (c = 0; c < p.C; c++) {
            const float *xc = X + (b * p.C + c) * p.H * p.W;
            for (ph = 0; ph < p.oh; ph++)
                for (pw = 0; pw < p.ow; pw++) {
                    double s = 0.0;
                    int first = 1;
                    for (iy = 0; iy < gh; iy++)
                        for (ix = 0; ix < gw; ix++) {
                            double y = y1 + (double)ph * bh + ((double)iy + 0.5) * bh / (double)gh;
                            double x = x1 + (double)pw * bw + ((double)ix + 0.5) * bw / (double)gw;
                            double v[4] = {0.0, 0.0, 0.0, 0.0}, ly, lx;
                            int64_t yl, xl, yh, xh;
                            if (!(y < -1.0 || y > (double)p.H || x < -1.0 || x > (double)p.W)) {
                                y = y > 0.0 ? y : 0.0;
                                x = x > 0.0 ? x : 0.0;
                                yl = (int64_t)y;
                                xl = (int64_t)x;
                                if (yl >= p.H - 1)
                                    yh = yl = p.H - 1, y = (double)yl;
                                else
                                    yh = yl + 1;
                                if (xl >= p.W - 1)
                                    xh = xl = p.W - 1, x = (double)xl;
                                else
                                    xh = xl + 1;
                                ly = y - (double)yl;
                                lx = x - (double)xl;
                                v[0] = (1.0 - ly) * (1.0 - lx) * xc[yl * p.W + xl];
                                v[1] = (1.0 - ly) * lx * xc[yl * p.W + xh];
                                v[2] = ly * (1.0 - lx) * xc[yh * p.W + xl];
                                v[3] = ly * lx * xc[yh * p.W + xh];
                            }
                            if (p.max) {
                                double m = v[0];
                                int k;
                                for (k = 1; k < 4; k++)
                                    m = v[k] > m ? v[k] : m;
                                s = first || m > s ? m : s;
                                first = 0;
                            } else
                                s += v[0] + v[1] + v[2] + v[3];
                        }
                    Y[((r * p.C + c) * p.oh + ph) * p.ow + pw] = (float)(p.max ? s : s / (double)(gh * gw));
                }
        }
    }
}

/* ---- Resize: cubic, tf_crop_and_resize ---- */

/* y[o] = extrapolation_value where an axis is outside, else the sum over every tap
 * combination of the product of the taps' weights times x there (resize_taps) */
void interp_resize_taps(Graph *g, const Node *n, void **vals)
{
    const Tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    AxisTaps t[TC_MAX_RANK];
    float ev = resize_taps(g, n, t);
    const float *X = vals[n->in[0]];
    float *Y = out_of(g, n, vals);
    int64_t o, len = ir_numel(y);
    int r = x->rank, i;
    for (o = 0; o < len; o++) {
        int64_t coord[TC_MAX_RANK], rest = o, combos = 1, q;
        int out = 0;
        double s = 0.0;
        for (i = r - 1; i >= 0; i--) {
            coord[i] = rest % y->dims[i];
            rest /= y->dims[i];
            out |= t[i].outside[coord[i]];
            combos *= t[i].k;
        }
        if (out) {
            Y[o] = ev;
            continue;
        }
        for (q = 0; q < combos; q++) { /* digit i of q (base k_i, last axis fastest) picks axis i's tap */
            int64_t idx = 0, qr = q, tap[TC_MAX_RANK];
            double wt = 1.0;
            for (i = r - 1; i >= 0; i--) {
                tap[i] = qr % t[i].k;
                qr /= t[i].k;
            }
            for (i = 0; i < r; i++) {
                int64_t at = coord[i] * t[i].k + tap[i];
                idx = idx * x->dims[i] + t[i].idx[at];
                wt *= t[i].w[at];
            }
            s += wt * X[idx];
        }
        Y[o] = (float)s;
    }
}
