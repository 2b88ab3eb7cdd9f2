/*
 * interp_int.c - the reference interpreter of the integer path: the oracle
 * the generated integer code must match bit for bit. Plain and 64-bit where
 * that is simplest; the generated code computes the same values in 32-bit
 * arithmetic only (emit_int.c), and the tests compare the two.
 */
#include <string.h>

#include "ticketc.h"

/*
 * TFLite's reference requantisation (MultiplyByQuantizedMultiplier):
 *   left = max(shift, 0), right = max(-shift, 0)
 *   SRDHM(a, M)   = (a * M + (a * M >= 0 ? 2^30 : 1 - 2^30)) / 2^31
 *                   (64-bit product, division truncating toward zero;
 *                   M > 0 here, so the INT32_MIN * INT32_MIN case never arises)
 *   RDBPOT(x, e)  = (x >> e) + ((x & (2^e - 1)) > ((2^e - 1) >> 1) + (x < 0 ? 1 : 0))
 *                   (arithmetic shift: rounds half away from zero)
 *   result        = RDBPOT(SRDHM(sat32(acc * 2^left), M), right)
 * sat32 saturates where TFLite's int32 multiply would overflow (undefined there).
 */
int32_t interp_int_requant(int32_t acc, int32_t mult, int shift)
{
    int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    int64_t x = (int64_t)acc * ((int64_t)1 << left), ab, nudge;
    int32_t a, mask, rem, thr;
    if (x > INT32_MAX)
        x = INT32_MAX;
    if (x < INT32_MIN)
        x = INT32_MIN;
    ab = x * (int64_t)mult;
    nudge = ab >= 0 ? ((int64_t)1 << 30) : 1 - ((int64_t)1 << 30);
    a = (int32_t)((ab + nudge) / ((int64_t)1 << 31));
    mask = (int32_t)(((int64_t)1 << right) - 1);
    rem = a & mask;
    thr = (mask >> 1) + (a < 0 ? 1 : 0);
    return (a >> right) + (rem > thr ? 1 : 0);
}

/* clamp(zp + clamp(v, -255, 255), lo, hi): zp + v cannot overflow */
static int32_t out8(int32_t v, int32_t zp, int32_t lo, int32_t hi)
{
    v = v > 255 ? 255 : v < -255 ? -255 : v;
    v += zp;
    return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Quantising a graph input in integers, on the bits of x: a finite x is
 * f * 2^(e - 150) (f < 2^24; e the exponent field, 1 for subnormals), so
 *   x / scale = f * inv_m * 2^(e - 150 + inv_s - 31)
 *   q = clamp(zp + requant(+-f, inv_m, e - 150 + inv_s), -128, 127)
 * with the shift capped at 30 (the result saturates anyway) and 0 below
 * -31 (|x / scale| < 2^-8 there). NaN and -inf give -128, +inf 127.
 */
int32_t interp_int_quantize(float x, QParam q)
{
    uint32_t u, f;
    int e, neg;
    memcpy(&u, &x, 4);
    neg = (int)(u >> 31);
    e = (int)(u >> 23 & 0xff);
    f = u & 0x7fffff;
    if (e == 255)
        return f || neg ? -128 : 127;
    if (e)
        f |= 0x800000;
    else
        e = 1;
    e = e - 150 + q.inv_s;
    if (e < -31)
        return q.zp;
    if (e > 30)
        e = 30;
    return out8(interp_int_requant(neg ? -(int32_t)f : (int32_t)f, q.inv_m, e), q.zp, -128, 127);
}

/* DequantizeLinear in float32: an exact int-to-float conversion, one IEEE multiply. */
float interp_int_dequantize(int32_t q, QParam p)
{
    return (float)(q - p.zp) * p.scale;
}

/*
 * QuantizeLinear as the specification computes it, in float32 without libm:
 *   r = y / s (one IEEE division), clamped to +-512 (saturates anyway);
 *   i = r truncated toward zero, f = r - i (exact);
 *   i += 1 if f > 1/2 or f == 1/2 with i odd; i -= 1 if f < -1/2 or f == -1/2 with i odd
 *   (round half to even); q = clamp(i + zp, -128, 127). NaN gives zp.
 * The generated code's tc_qf is this function line for line.
 */
int32_t interp_int_quantize_spec(float y, QParam p)
{
    float r = y / p.scale, f;
    int32_t i;
    if (r != r)
        return p.zp;
    r = r < -512.0f ? -512.0f : r > 512.0f ? 512.0f : r;
    i = (int32_t)r;
    f = r - (float)i;
    if (f > 0.5f || (f == 0.5f && ((uint32_t)i & 1u)))
        i++;
    else if (f < -0.5f || (f == -0.5f && ((uint32_t)i & 1u)))
        i--;
    i += p.zp;
    return i < -128 ? -128 : i > 127 ? 127 : i;
}

/* A float island node (quant.c): int8 inputs dequantised, the float node by the
 * reference interpreter, outputs quantised where the file quantises them. */
static void int_island(Graph *g, const Node *n, int8_t **vals, float **fv, void **scratch)
{
    const QuantPlan *p = g->quant;
    int i;
    int64_t j, m;
    for (i = 0; i < n->n_in; i++) {
        TensorId t = n->in[i];
        if (t == TC_NONE)
            continue;
        if (ir_is_const(&g->t[t])) {
            scratch[t] = g->t[t].f ? (void *)g->t[t].f : (void *)g->t[t].i;
        } else if (p->flt[t] || fv[t]) { /* an island's float value, as the C uses it (emit_island.c) */
            scratch[t] = fv[t];
        } else {
            float *d;
            m = ir_numel(&g->t[t]);
            d = arena_array(g->a, (size_t)m + 1, sizeof(float));
            for (j = 0; j < m; j++)
                d[j] = interp_int_dequantize(vals[t][j], p->t[t]);
            scratch[t] = d;
        }
    }
    for (i = 0; i < n->n_out; i++)
        if (n->out[i] != TC_NONE)
            scratch[n->out[i]] = NULL;
    interp_node(g, n, scratch);
    for (i = 0; i < n->n_out; i++) {
        TensorId y = n->out[i];
        const float *f;
        if (y == TC_NONE)
            continue;
        f = scratch[y];
        fv[y] = (float *)scratch[y]; /* later island nodes read it raw, not requantised */
        if (p->flt[y])
            continue;
        m = ir_numel(&g->t[y]);
        vals[y] = arena_array(g->a, (size_t)m + 1, 1);
        for (j = 0; j < m; j++)
            vals[y][j] = (int8_t)interp_int_quantize_spec(f[j], p->t[y]);
    }
}

static void int_layer(const QLayer *q, const int8_t *x, int8_t *y)
{
    int64_t r, j, k;
    for (r = 0; r < q->rows; r++)
        for (j = 0; j < q->N; j++) {
            int64_t acc = q->b[j];
            int32_t v;
            for (k = 0; k < q->K; k++)
                acc += (int64_t)q->w[j * q->K + k] * x[r * q->K + k];
            ASSERT(acc >= INT32_MIN && acc <= INT32_MAX); /* quant_layer bounded it */
            v = interp_int_requant((int32_t)acc, q->mult[j], q->shift[j]);
            y[r * q->N + j] = (int8_t)out8(v, q->out.zp, q->lo, q->hi);
        }
}

/* Conv, group 1: a tap outside the input reads zp_in, the real 0 (the bias holds -zp_in * sum w). */
static void int_conv(const QLayer *q, const int8_t *x, int8_t *y)
{
    const Window *w = &q->win;
    int64_t m, oy, ox, c, ky, kx;
    for (m = 0; m < q->N; m++)
        for (oy = 0; oy < w->out[0]; oy++)
            for (ox = 0; ox < w->out[1]; ox++) {
                int64_t acc = q->b[m];
                const int8_t *wm = q->w + m * q->K;
                for (c = 0; c < w->c; c++)
                    for (ky = 0; ky < w->k[0]; ky++)
                        for (kx = 0; kx < w->k[1]; kx++) {
                            int64_t iy = oy * w->s[0] - w->pb[0] + ky * w->d[0];
                            int64_t ix = ox * w->s[1] - w->pb[1] + kx * w->d[1];
                            int32_t v = iy >= 0 && iy < w->in[0] && ix >= 0 && ix < w->in[1]
                                            ? x[(c * w->in[0] + iy) * w->in[1] + ix] : q->in.zp;
                            acc += (int64_t)wm[(c * w->k[0] + ky) * w->k[1] + kx] * v;
                        }
                ASSERT(acc >= INT32_MIN && acc <= INT32_MAX);
                y[(m * w->out[0] + oy) * w->out[1] + ox] =
                    (int8_t)out8(interp_int_requant((int32_t)acc, q->mult[m], q->shift[m]), q->out.zp, q->lo, q->hi);
            }
}

/* MaxPool on int8 of one scale: the same maximum (taps outside the input are skipped). */
static void int_maxpool(Graph *g, const Node *n, const int8_t *x, int8_t *y)
{
    Window w;
    int64_t c, oy, ox, ky, kx;
    conv_window(g, n, &w);
    for (c = 0; c < w.batch * w.c; c++)
        for (oy = 0; oy < w.out[0]; oy++)
            for (ox = 0; ox < w.out[1]; ox++) {
                int32_t best = -128;
                for (ky = 0; ky < w.k[0]; ky++)
                    for (kx = 0; kx < w.k[1]; kx++) {
                        int64_t iy = oy * w.s[0] - w.pb[0] + ky * w.d[0];
                        int64_t ix = ox * w.s[1] - w.pb[1] + kx * w.d[1];
                        if (iy >= 0 && iy < w.in[0] && ix >= 0 && ix < w.in[1] &&
                            x[(c * w.in[0] + iy) * w.in[1] + ix] > best)
                            best = x[(c * w.in[0] + iy) * w.in[1] + ix];
                    }
                y[(c * w.out[0] + oy) * w.out[1] + ox] = (int8_t)best;
            }
}

void interp_int_run(Graph *g, float *const *inputs, float **outputs)
{
    (void)interp_int_values(g, inputs, outputs);
}

int8_t **interp_int_values(Graph *g, float *const *inputs, float **outputs)
{
    const QuantPlan *p = g->quant;
    int8_t **vals = arena_array(g->a, g->nt, sizeof(int8_t *));
    float **fv = p->flt ? arena_array(g->a, g->nt, sizeof(float *)) : NULL;
    void **scratch = p->flt ? arena_array(g->a, g->nt, sizeof(void *)) : NULL;
    int k;
    int64_t i, m;
    for (k = 0; k < g->n_inputs; k++) {
        TensorId id = g->inputs[k];
        m = ir_numel(&g->t[id]);
        vals[id] = arena_array(g->a, (size_t)m + 1, 1);
        for (i = 0; i < m; i++)
            vals[id][i] = (int8_t)interp_int_quantize(inputs[k][i], p->t[id]);
    }
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        TensorId x, y;
        if (n->dead)
            continue;
        if (p->island && p->island[k]) {
            int_island(g, n, vals, fv, scratch);
            continue;
        }
        x = n->in[0];
        y = n->out[0];
        m = ir_numel(&g->t[y]);
        vals[y] = arena_array(g->a, (size_t)m + 1, 1);
        if (p->lut && p->lut[k]) { /* a quantized model's table node */
            for (i = 0; i < m; i++)
                vals[y][i] = p->lut[k][vals[x][i] + 128];
        } else if (p->layer[k] && p->layer[k]->conv) {
            int_conv(p->layer[k], vals[x], vals[y]);
        } else if (p->layer[k]) {
            int_layer(p->layer[k], vals[x], vals[y]);
        } else if (n->op == OP_MAXPOOL) {
            int_maxpool(g, n, vals[x], vals[y]);
        } else if (n->op == OP_RELU) {
            for (i = 0; i < m; i++)
                vals[y][i] = vals[x][i] > p->t[y].zp ? vals[x][i] : (int8_t)p->t[y].zp;
        } else { /* Flatten, Reshape, Identity */
            memcpy(vals[y], vals[x], (size_t)m);
        }
    }
    /* y = (q - zp) * scale: an exact int-to-float conversion and one IEEE multiply
     * (the generated code builds the same bits in integers) */
    for (k = 0; k < g->n_outputs; k++) {
        TensorId id = g->outputs[k];
        QParam q = p->t[id];
        m = ir_numel(&g->t[id]);
        if (p->flt && p->flt[id]) { /* a float island's output */
            memcpy(outputs[k], fv[id], (size_t)m * sizeof(float));
            continue;
        }
        for (i = 0; i < m; i++)
            outputs[k][i] = (float)(vals[id][i] - q.zp) * q.scale;
    }
    return vals;
}
