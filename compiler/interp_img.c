/*
 * interp_img.c - the reference of GridSample and DFT. GridSample computes
 * in float, step by step as the ONNX reference does (and as emit_img.c's C
 * does), so that rounding to a pixel agrees; DFT sums in double.
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
