/*
 * emit_img.c - the C of GridSample and DFT. GridSample's helpers repeat
 * interp_img.c's formulas in float, with the runtime's tc_floorf and
 * tc_nearbyintf; DFT reads a table of cos and sin of 2 pi m / len.
 */
#include <math.h>
#include <string.h>

#include "emit.h"

/* ---- GridSample ---- */

/* The helpers of node function f: reflection, saturating truncation, source coordinate, pixel, taps. */
static void grid_helpers(Emit *e, const Node *n, const GridParams *p, const char *f)
{
    const char *lo = p->align ? "0.0f" : "-0.5f";
    const char *hi = p->align ? "(float)(len - 1)" : "((float)len - 0.5f)";
    emit_to_fns(e);
    e->indent = 0;
    emit_line(e, "/* node %d: GridSample '%s' -- its helpers (interp_img.c has the formulas) */", n->index,
              text_comment(e->g->a, n->name));
    if (p->pad == GRID_REFLECT) {
        emit_line(e, "static float %s_reflect(float x, float lo, float hi)", f);
        emit_line(e, "{");
        emit_line(e, "    float rng = hi - lo, d, t, r;");
        emit_line(e, "    long q;");
        emit_blank(e);
        emit_line(e, "    if (x >= lo && x <= hi)");
        emit_line(e, "        return x;");
        emit_line(e, "    if (!(rng > 0.0f))");
        emit_line(e, "        return lo;");
        emit_line(e, "    d = x < lo ? lo - x : x - hi;");
        emit_line(e, "    t = d / rng;");
        emit_line(e, "    if (!(t < 16777216.0f))");
        emit_line(e, "        return lo;");
        emit_line(e, "    q = (long)t;");
        emit_line(e, "    r = d - (float)q * rng;");
        emit_line(e, "    if (x < lo)");
        emit_line(e, "        return q %% 2 == 0 ? lo + r : hi - r;");
        emit_line(e, "    return q %% 2 == 0 ? hi - r : lo + r;");
        emit_line(e, "}");
        emit_blank(e);
    }
    emit_line(e, "static long %s_int(float x)", f);
    emit_line(e, "{");
    emit_line(e, "    if (!(x > -1073741824.0f))");
    emit_line(e, "        return -1073741824L;");
    emit_line(e, "    if (!(x < 1073741824.0f))");
    emit_line(e, "        return 1073741824L;");
    emit_line(e, "    return (long)x;");
    emit_line(e, "}");
    emit_blank(e);
    /* the source coordinate of normalised g */
    emit_line(e, "static float %s_coord(float g, long len)", f);
    emit_line(e, "{");
    if (p->align)
        emit_line(e, "    float x = (g + 1.0f) / 2.0f * (float)(len - 1);");
    else
        emit_line(e, "    float x = ((g + 1.0f) * (float)len - 1.0f) / 2.0f;");
    emit_blank(e);
    if (p->mode == GRID_NEAREST) {
        e->need_math[M_NEARBYINT] = 1;
        emit_line(e, "    x = tc_nearbyintf(x);");
    }
    if (p->pad == GRID_BORDER) {
        emit_line(e, "    if (x < %s || x > %s)", lo, hi);
        emit_line(e, "        x = x < 0.0f ? 0.0f : x > (float)(len - 1) ? (float)(len - 1) : x;");
    } else if (p->pad == GRID_REFLECT) {
        emit_line(e, "    x = %s_reflect(x, %s, %s);", f, lo, hi);
    } else {
        emit_line(e, "    (void)len;");
    }
    emit_line(e, "    return x;");
    emit_line(e, "}");
    emit_blank(e);
    /* the pixel at integer position i, -1 for a zero */
    emit_line(e, "static long %s_pixel(long i, long len)", f);
    emit_line(e, "{");
    emit_line(e, "    if (i >= 0 && i < len)");
    emit_line(e, "        return i;");
    if (p->pad == GRID_ZEROS) {
        emit_line(e, "    return -1;");
    } else {
        if (p->pad == GRID_REFLECT)
            emit_line(e, "    i = %s_int(%s_reflect((float)i, %s, %s));", f, f, lo, hi);
        emit_line(e, "    return i < 0 ? 0 : i >= len ? len - 1 : i;");
    }
    emit_line(e, "}");
    emit_blank(e);
    /* the taps of one axis */
    emit_line(e, "static void %s_taps(float x, long len, long *ix, float *w)", f);
    emit_line(e, "{");
    if (p->mode == GRID_NEAREST) {
        emit_line(e, "    ix[0] = %s_pixel(%s_int(x), len);", f, f);
        emit_line(e, "    w[0] = 1.0f;");
    } else {
        e->need_math[M_FLOOR] = 1;
        emit_line(e, "    const float fl = tc_floorf(x), f = x - fl;");
        emit_line(e, "    const long x0 = %s_int(fl);", f);
        emit_blank(e);
        if (p->mode == GRID_LINEAR) {
            emit_line(e, "    w[0] = 1.0f - f;");
            emit_line(e, "    w[1] = f;");
            emit_line(e, "    ix[0] = %s_pixel(x0, len);", f);
            emit_line(e, "    ix[1] = %s_pixel(x0 + 1, len);", f);
        } else { /* Keys' cubic, A = -0.75 */
            emit_line(e, "    const float A = -0.75f;");
            emit_blank(e);
            emit_line(e, "    w[0] = ((A * (f + 1.0f) - 5.0f * A) * (f + 1.0f) + 8.0f * A) * (f + 1.0f) - 4.0f * A;");
            emit_line(e, "    w[1] = ((A + 2.0f) * f - (A + 3.0f)) * f * f + 1.0f;");
            emit_line(e, "    w[2] = ((A + 2.0f) * (1.0f - f) - (A + 3.0f)) * (1.0f - f) * (1.0f - f) + 1.0f;");
            emit_line(e, "    w[3] = ((A * (2.0f - f) - 5.0f * A) * (2.0f - f) + 8.0f * A) * (2.0f - f) - 4.0f * A;");
            emit_line(e, "    ix[0] = %s_pixel(x0 - 1, len);", f);
            emit_line(e, "    ix[1] = %s_pixel(x0, len);", f);
            emit_line(e, "    ix[2] = %s_pixel(x0 + 1, len);", f);
            emit_line(e, "    ix[3] = %s_pixel(x0 + 2, len);", f);
        }
    }
    emit_line(e, "}");
    emit_blank(e);
}

/* y = sum_a wy[a] (sum_b wx[b] X[iy[a]][ix[b]]), a pixel outside (zeros padding) read as 0 */
void emit_gridsample(Emit *e, const Node *n)
{
    static const char *const modes[] = {"linear", "nearest", "cubic"};
    static const char *const pads[] = {"zeros", "border", "reflection"};
    GridParams p;
    const char *f = emit_fn_name(e, n), *X, *G;
    int K;
    grid_params(e->g, n, &p);
    K = p.mode == GRID_NEAREST ? 1 : p.mode == GRID_LINEAR ? 2 : 4;
    grid_helpers(e, n, &p, f);
    X = emit_operand(e, n, 0);
    G = emit_operand(e, n, 1);
    emit_begin_fn(e, n, "", arena_printf(e->g->a, " -- %s, %s padding%s", modes[p.mode], pads[p.pad],
                                         p.align ? ", corners aligned" : ""));
    emit_line(e, "long b, h, w, c, a, k;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)p.N);
    emit_line(e, "    for (h = 0; h < %lld; h++)", (long long)p.Ho);
    emit_line(e, "        for (w = 0; w < %lld; w++) {", (long long)p.Wo);
    e->indent += 3;
    emit_line(e, "const float *g = %s + ((b * %lld + h) * %lld + w) * 2;", G, (long long)p.Ho, (long long)p.Wo);
    emit_line(e, "long ix[%d], iy[%d];", K, K);
    emit_line(e, "float wx[%d], wy[%d];", K, K);
    emit_blank(e);
    emit_line(e, "%s_taps(%s_coord(g[0], %lldL), %lldL, ix, wx);", f, f, (long long)p.W, (long long)p.W);
    emit_line(e, "%s_taps(%s_coord(g[1], %lldL), %lldL, iy, wy);", f, f, (long long)p.H, (long long)p.H);
    emit_line(e, "for (c = 0; c < %lld; c++) {", (long long)p.C);
    emit_line(e, "    const float *xc = %s + (b * %lld + c) * %lld;", X, (long long)p.C, (long long)(p.H * p.W));
    emit_line(e, "    float s = 0.0f;");
    emit_blank(e);
    emit_line(e, "    for (a = 0; a < %d; a++) {", K);
    emit_line(e, "        float r = 0.0f;");
    emit_blank(e);
    emit_line(e, "        if (iy[a] >= 0)");
    emit_line(e, "            for (k = 0; k < %d; k++)", K);
    emit_line(e, "                if (ix[k] >= 0)");
    emit_line(e, "                    r += wx[k] * xc[iy[a] * %lld + ix[k]];", (long long)p.W);
    emit_line(e, "        s += wy[a] * r;");
    emit_line(e, "    }");
    emit_line(e, "    y[((b * %lld + c) * %lld + h) * %lld + w] = s;", (long long)p.C, (long long)p.Ho, (long long)p.Wo);
    emit_line(e, "}");
    e->indent -= 3;
    emit_line(e, "        }");
    emit_end_fn(e);
}

/* ---- DFT ---- */

/*
 * Y[k] = sum_{j < n_in} X[j] (cos t - s i sin t), t = 2 pi (j k mod len) / len, s = 1
 * forward, -1 inverse (then / len); the sums in float (a Cortex-M4 has no double unit),
 * cos and sin from a table.
 */
void emit_dft(Emit *e, const Node *n)
{
    Graph *g = e->g;
    DftParams p;
    const char *f = emit_fn_name(e, n), *X = emit_operand(e, n, 0);
    float *cs;
    int64_t m;
    int cx;
    dft_params(g, n, &p);
    cx = p.complex_in ? 2 : 1;
    cs = arena_array(g->a, (size_t)(2 * p.len), sizeof(float));
    for (m = 0; m < p.len; m++) {
        double t = 2.0 * 3.14159265358979323846 * (double)m / (double)p.len;
        cs[2 * m] = (float)cos(t);
        cs[2 * m + 1] = (float)((p.inverse ? 1.0 : -1.0) * sin(t));
    }
    emit_to_consts(e);
    emit_line(e, "/* node %d: DFT '%s' -- cos and %ssin of 2 pi m / %lld, in pairs */", n->index, text_comment(g->a, n->name),
              p.inverse ? "" : "-", (long long)p.len);
    emit_line(e, "static const float %s_cs[%lld] = {", f, (long long)(2 * p.len));
    emit_lit_rows(e, n, cs, 2 * p.len);
    emit_line(e, "};");
    emit_blank(e);
    emit_begin_fn(e, n, "", arena_printf(g->a, " -- %s%s, length %lld", p.inverse ? "inverse" : "forward",
                                         p.onesided ? ", one-sided" : "", (long long)p.len));
    emit_line(e, "long o, k, i, j;");
    emit_blank(e);
    emit_line(e, "for (o = 0; o < %lld; o++)", (long long)p.outer);
    emit_line(e, "    for (k = 0; k < %lld; k++)", (long long)p.n_out);
    emit_line(e, "        for (i = 0; i < %lld; i++) {", (long long)p.inner);
    e->indent += 3;
    emit_line(e, "float re = 0.0f, im = 0.0f;");
    emit_line(e, "long m = 0; /* j k mod len */");
    emit_blank(e);
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)p.n_in);
    emit_line(e, "    const float *x = %s + ((o * %lld + j) * %lld + i) * %d;", X, (long long)p.x_axis, (long long)p.inner, cx);
    emit_line(e, "    const float c = %s_cs[2 * m], s = %s_cs[2 * m + 1];", f, f);
    emit_blank(e);
    if (p.complex_in) {
        emit_line(e, "    re += x[0] * c - x[1] * s;");
        emit_line(e, "    im += x[0] * s + x[1] * c;");
    } else {
        emit_line(e, "    re += x[0] * c;");
        emit_line(e, "    im += x[0] * s;");
    }
    emit_line(e, "    m += k;");
    emit_line(e, "    if (m >= %lld)", (long long)p.len);
    emit_line(e, "        m -= %lld;", (long long)p.len);
    emit_line(e, "}");
    if (p.inverse) {
        emit_line(e, "re /= %lld.0f;", (long long)p.len);
        emit_line(e, "im /= %lld.0f;", (long long)p.len);
    }
    emit_line(e, "y[((o * %lld + k) * %lld + i) * 2] = re;", (long long)p.n_out, (long long)p.inner);
    emit_line(e, "y[((o * %lld + k) * %lld + i) * 2 + 1] = im;", (long long)p.n_out, (long long)p.inner);
    e->indent -= 3;
    emit_line(e, "        }");
    emit_end_fn(e);
}

/* ---- MaxPool with Indices, MaxUnpool, RoiAlign (interp_img.c has the formulas) ---- */

void emit_maxpoolidx(Emit *e, const Node *n)
{
    Window w;
    const char *X = emit_operand(e, n, 0);
    int colmajor = maxpoolidx_window(e->g, n, &w);
    emit_begin_fn(e, n, "", " -- with the flat index of each maximum");
    emit_line(e, "long bc, oh, ow, kh, kw;");
    emit_blank(e);
    emit_line(e, "for (bc = 0; bc < %lld; bc++)", (long long)(w.batch * w.c));
    emit_line(e, "    for (oh = 0; oh < %lld; oh++)", (long long)w.out[0]);
    emit_line(e, "        for (ow = 0; ow < %lld; ow++) {", (long long)w.out[1]);
    e->indent += 3;
    emit_line(e, "const long o = (bc * %lld + oh) * %lld + ow;", (long long)w.out[0], (long long)w.out[1]);
    emit_line(e, "float m = 0.0f;");
    emit_line(e, "long at = -1;");
    emit_blank(e);
    emit_line(e, "for (kh = 0; kh < %lld; kh++) {", (long long)w.k[0]);
    emit_line(e, "    const long ih = oh * %lld - %lld + kh * %lld;", (long long)w.s[0], (long long)w.pb[0], (long long)w.d[0]);
    emit_blank(e);
    emit_line(e, "    if (ih < 0 || ih >= %lld)", (long long)w.in[0]);
    emit_line(e, "        continue;");
    emit_line(e, "    for (kw = 0; kw < %lld; kw++) {", (long long)w.k[1]);
    emit_line(e, "        const long iw = ow * %lld - %lld + kw * %lld;", (long long)w.s[1], (long long)w.pb[1],
              (long long)w.d[1]);
    emit_line(e, "        const long i = (bc * %lld + ih) * %lld + iw;", (long long)w.in[0], (long long)w.in[1]);
    emit_blank(e);
    emit_line(e, "        if (iw < 0 || iw >= %lld)", (long long)w.in[1]);
    emit_line(e, "            continue;");
    emit_line(e, "        if (at < 0 || %s[i] > m) {", X);
    emit_line(e, "            m = %s[i];", X);
    emit_line(e, "            at = %s;", colmajor ? arena_printf(e->g->a, "bc * %lld + iw * %lld + ih", (long long)(w.in[0] * w.in[1]), (long long)w.in[0]) : "i");
    emit_line(e, "        }");
    emit_line(e, "    }");
    emit_line(e, "}");
    emit_line(e, "y[o] = at < 0 ? 0.0f : m;");
    emit_line(e, "y1[o] = (%s)(at < 0 ? 0 : at);", emit_tensor_ctype(e, n, n->out[1]));
    e->indent -= 3;
    emit_line(e, "        }");
    emit_end_fn(e);
}

void emit_maxunpool(Emit *e, const Node *n)
{
    const char *X = emit_operand(e, n, 0), *I = emit_operand(e, n, 1);
    int64_t len = ir_numel(&e->g->t[n->out[0]]), m = ir_numel(&e->g->t[n->in[0]]);
    emit_tensor_ctype(e, n, n->in[1]);
    emit_begin_fn(e, n, "", " -- y = 0, y[I[i]] = X[i]");
    emit_line(e, "long i;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)len);
    emit_line(e, "    y[i] = 0.0f;");
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)m);
    emit_line(e, "    if (%s[i] >= 0 && %s[i] < %lld) /* an index outside y: skipped */", I, I, (long long)len);
    emit_line(e, "        y[%s[i]] = %s[i];", I, X);
    emit_end_fn(e);
}

void emit_roialign(Emit *e, const Node *n)
{
    RoiParams p;
    const char *X = emit_operand(e, n, 0), *R = emit_operand(e, n, 1), *B = emit_operand(e, n, 2);
    roialign_params(e->g, n, &p);
    emit_tensor_ctype(e, n, n->in[2]);
    emit_begin_fn(e, n, "", arena_printf(e->g->a, " -- %s, %s", p.max ? "max" : "avg",
                                         p.half_pixel ? "half_pixel" : "output_half_pixel"));
    emit_line(e, "long r, c, ph, pw, iy, ix;");
    emit_blank(e);
    emit_line(e, "for (r = 0; r < %lld; r++) {", (long long)p.R);
    e->indent++;
    emit_line(e, "const float sc = %s, off = %s;", emit_lit(e, n, p.scale), p.half_pixel ? "0.5f" : "0.0f");
    emit_line(e, "const float rx = %s[r * 4] * sc - off, ry = %s[r * 4 + 1] * sc - off;", R, R);
    emit_line(e, "float rw = %s[r * 4 + 2] * sc - off - rx, rh = %s[r * 4 + 3] * sc - off - ry, bh, bw;", R, R);
    emit_line(e, "long gh, gw, b = (long)%s[r];", B);
    emit_blank(e);
    if (!p.half_pixel) {
        emit_line(e, "rw = rw > 1.0f ? rw : 1.0f;");
        emit_line(e, "rh = rh > 1.0f ? rh : 1.0f;");
    }
    emit_line(e, "bh = rh / %lld.0f;", (long long)p.oh);
    emit_line(e, "bw = rw / %lld.0f;", (long long)p.ow);
    if (p.ratio > 0) {
        emit_line(e, "gh = gw = %lld;", (long long)p.ratio);
    } else {
        emit_line(e, "/* ceil(bh), at least 1 (NaN: 1), at most 65536 */");
        emit_line(e, "gh = !(bh > 1.0f) ? 1 : bh < 65536.0f ? (long)bh + ((float)(long)bh < bh) : 65536;");
        emit_line(e, "gw = !(bw > 1.0f) ? 1 : bw < 65536.0f ? (long)bw + ((float)(long)bw < bw) : 65536;");
    }
    emit_line(e, "if (b < 0 || b >= %lld)", (long long)p.N);
    emit_line(e, "    b = 0; /* out of range: undefined in ONNX */");
    emit_line(e, "for (c = 0; c < %lld; c++) {", (long long)p.C);
    e->indent++;
    emit_line(e, "const float *xc = %s + (b * %lld + c) * %lld;", X, (long long)p.C, (long long)(p.H * p.W));
    emit_blank(e);
    emit_line(e, "for (ph = 0; ph < %lld; ph++)", (long long)p.oh);
    emit_line(e, "    for (pw = 0; pw < %lld; pw++) {", (long long)p.ow);
    e->indent += 2;
    emit_line(e, "float s = 0.0f;");
    if (p.max)
        emit_line(e, "int first = 1;");
    emit_blank(e);
    emit_line(e, "for (iy = 0; iy < gh; iy++)");
    emit_line(e, "    for (ix = 0; ix < gw; ix++) {");
    e->indent += 2;
    emit_line(e, "float y = ry + (float)ph * bh + ((float)iy + 0.5f) * bh / (float)gh;");
    emit_line(e, "float x = rx + (float)pw * bw + ((float)ix + 0.5f) * bw / (float)gw;");
    emit_line(e, "float v0 = 0.0f, v1 = 0.0f, v2 = 0.0f, v3 = 0.0f, ly, lx;");
    emit_line(e, "long yl, xl, yh, xh;");
    emit_blank(e);
    emit_line(e, "if (!(y < -1.0f || y > %lld.0f || x < -1.0f || x > %lld.0f)) {", (long long)p.H, (long long)p.W);
    emit_line(e, "    y = y > 0.0f ? y : 0.0f;");
    emit_line(e, "    x = x > 0.0f ? x : 0.0f;");
    emit_line(e, "    yl = (long)y;");
    emit_line(e, "    xl = (long)x;");
    emit_line(e, "    if (yl >= %lld) {", (long long)(p.H - 1));
    emit_line(e, "        yh = yl = %lld;", (long long)(p.H - 1));
    emit_line(e, "        y = (float)yl;");
    emit_line(e, "    } else");
    emit_line(e, "        yh = yl + 1;");
    emit_line(e, "    if (xl >= %lld) {", (long long)(p.W - 1));
    emit_line(e, "        xh = xl = %lld;", (long long)(p.W - 1));
    emit_line(e, "        x = (float)xl;");
    emit_line(e, "    } else");
    emit_line(e, "        xh = xl + 1;");
    emit_line(e, "    ly = y - (float)yl;");
    emit_line(e, "    lx = x - (float)xl;");
    emit_line(e, "    v0 = (1.0f - ly) * (1.0f - lx) * xc[yl * %lld + xl];", (long long)p.W);
    emit_line(e, "    v1 = (1.0f - ly) * lx * xc[yl * %lld + xh];", (long long)p.W);
    emit_line(e, "    v2 = ly * (1.0f - lx) * xc[yh * %lld + xl];", (long long)p.W);
    emit_line(e, "    v3 = ly * lx * xc[yh * %lld + xh];", (long long)p.W);
    emit_line(e, "}");
    if (p.max) {
        emit_line(e, "v0 = v1 > v0 ? v1 : v0;");
        emit_line(e, "v0 = v2 > v0 ? v2 : v0;");
        emit_line(e, "v0 = v3 > v0 ? v3 : v0;");
        emit_line(e, "s = first || v0 > s ? v0 : s;");
        emit_line(e, "first = 0;");
    } else {
        emit_line(e, "s += v0 + v1 + v2 + v3;");
    }
    e->indent -= 2;
    emit_line(e, "    }");
    emit_line(e, "y[((r * %lld + c) * %lld + ph) * %lld + pw] = (float)%s;", (long long)p.C, (long long)p.oh,
              (long long)p.ow, p.max ? "s" : "(s / (float)(gh * gw))");
    e->indent -= 2;
    emit_line(e, "    }");
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
}

/* ---- Resize: cubic, tf_crop_and_resize ---- */

/*
 * Per axis i with k_i taps: tables m<i> (input coordinates, k_i per output coordinate)
 * and w<i> (their weights, when k_i > 1), e<i> (1: outside, tf_crop_and_resize); y
 * sums over the taps of the axes that have several the products of their weights.
 */
void emit_resize_taps(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    AxisTaps t[TC_MAX_RANK];
    float ev = resize_taps(g, n, t);
    const char *f = emit_fn_name(e, n), *X = emit_operand(e, n, 0);
    int r = x->rank, i, ident[TC_MAX_RANK], multi = 0;
    int64_t o;
    Buf idx = {0}, wt = {0}, cond = {0}, decl = {0};
    emit_to_consts(e);
    for (i = 0; i < r; i++) {
        int64_t cnt = y->dims[i] * t[i].k;
        ident[i] = t[i].k == 1 && !t[i].any_outside && x->dims[i] == y->dims[i];
        for (o = 0; ident[i] && o < y->dims[i]; o++)
            ident[i] = t[i].idx[o] == o;
        if (ident[i])
            continue;
        emit_line(e, "/* node %d: Resize '%s' -- axis %d: input coordinates%s */", n->index, text_comment(g->a, n->name), i,
                  t[i].k > 1 ? ", then their weights" : "");
        emit_line(e, "static const int %s_m%d[%lld] = {", f, i, (long long)cnt);
        emit_int_rows(e, t[i].idx, cnt);
        emit_line(e, "};");
        if (t[i].k > 1) {
            float *wf = arena_array(g->a, (size_t)cnt + 1, sizeof(float));
            for (o = 0; o < cnt; o++)
                wf[o] = (float)t[i].w[o];
            emit_line(e, "static const float %s_w%d[%lld] = {", f, i, (long long)cnt);
            emit_lit_rows(e, n, wf, cnt);
            emit_line(e, "};");
        }
        if (t[i].any_outside) {
            int64_t *of = arena_array(g->a, (size_t)y->dims[i] + 1, sizeof(int64_t));
            for (o = 0; o < y->dims[i]; o++)
                of[o] = t[i].outside[o];
            emit_line(e, "static const unsigned char %s_e%d[%lld] = {", f, i, (long long)y->dims[i]);
            emit_int_rows(e, of, y->dims[i]);
            emit_line(e, "};");
            buf_printf(&cond, "%s%s_e%d[i%d]", cond.len ? " || " : "", f, i, i);
        }
        emit_blank(e);
    }
    /* x's index and the weight of one tap combination: a<i> picks axis i's tap */
    for (i = 0; i < r; i++) {
        const char *c = ident[i] ? arena_printf(g->a, "i%d", i)
                                 : t[i].k > 1 ? arena_printf(g->a, "%s_m%d[i%d * %d + a%d]", f, i, i, t[i].k, i)
                                              : arena_printf(g->a, "%s_m%d[i%d]", f, i, i);
        if (i == 0)
            buf_printf(&idx, "%s", c);
        else {
            char *prev = arena_printf(g->a, "%s", idx.p);
            idx.len = 0;
            idx.p[0] = 0;
            buf_printf(&idx, i == 1 ? "%s * %lld + %s" : "(%s) * %lld + %s", prev, (long long)x->dims[i], c);
        }
        if (t[i].k > 1) {
            buf_printf(&wt, "%s%s_w%d[i%d * %d + a%d]", wt.len ? " * " : "", f, i, i, t[i].k, i);
            buf_printf(&decl, ", a%d", i);
            multi = 1;
        }
    }
    emit_begin_fn(e, n, "", arena_printf(g->a, " -- %s, %s", attr_string(n, "mode", "nearest"),
                                         attr_string(n, "coordinate_transformation_mode", "half_pixel")));
    {
        Buf d = {0};
        for (i = 0; i < r; i++)
            buf_printf(&d, "%si%d", i ? ", " : "", i);
        emit_line(e, "int %s%s, o = 0;", d.p ? d.p : "", decl.p ? decl.p : "");
        buf_free(&d);
    }
    emit_blank(e);
    for (i = 0; i < r; i++)
        emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)%s", 4 * i, "", i, i, (long long)y->dims[i], i,
                  i == r - 1 ? " {" : "");
    e->indent += r;
    if (cond.len) {
        emit_line(e, "if (%s) {", cond.p);
        emit_line(e, "    y[o++] = %s;", emit_lit(e, n, ev));
        emit_line(e, "    continue;");
        emit_line(e, "}");
    }
    if (!multi) {
        emit_line(e, "y[o++] = %s[%s];", X, idx.p);
    } else {
        int depth = 0;
        emit_line(e, "{");
        e->indent++;
        emit_line(e, "float s = 0.0f;");
        emit_blank(e);
        for (i = 0; i < r; i++)
            if (t[i].k > 1) {
                emit_line(e, "%*sfor (a%d = 0; a%d < %d; a%d++)", 4 * depth, "", i, i, t[i].k, i);
                depth++;
            }
        emit_line(e, "%*ss += %s * %s[%s];", 4 * depth, "", wt.p, X, idx.p);
        emit_line(e, "y[o++] = s;");
        e->indent--;
        emit_line(e, "}");
    }
    e->indent -= r;
    emit_line(e, "%*s}", 4 * (r - 1), "");
    emit_end_fn(e);
    buf_free(&idx);
    buf_free(&wt);
    buf_free(&cond);
    buf_free(&decl);
}
