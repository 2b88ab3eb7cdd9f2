/*
 * interp_attn.c - the reference of Attention and RotaryEmbedding (opset 23),
 * as interp.c computes every op: plainly, sums in double, libm in double.
 * The layout comes from shape_attn.c.
 */
#include <math.h>
#include <string.h>

#include "ticketc.h"

static int has(const Node *n, int i) { return i < n->n_in && n->in[i] != TC_NONE; }

static void *out_of(Graph *g, const Node *n, void **vals, int i)
{
    float *p = arena_array(g->a, (size_t)ir_numel(&g->t[n->out[i]]) + 1, sizeof(float));
    vals[n->out[i]] = p;
    return p;
}

/*
 * Per batch b, query head h, query i, over keys j < T:
 *   s_j = (q . k_j) * scale; s_j = softcap * tanh(s_j / softcap) when softcap > 0;
 *   s_j += mask (float), or s_j = -inf where a bool mask is false or j > i + P (causal);
 *   p_j = e^(s_j - max s) / sum e^(s_j - max s); y = sum p_j v_j.
 * Key head h / (qH / kvH) serves query head h (grouped heads).
 */
void interp_attention(Graph *g, const Node *n, void **vals)
{
    AttnShape a;
    const float *Q = vals[n->in[0]], *K = vals[n->in[1]], *V = vals[n->in[2]], *PK = NULL, *PV = NULL;
    const float *MF = NULL;
    const int64_t *MB = NULL;
    float *Y, *OK = NULL, *OV = NULL, *OQ = NULL;
    double *s;
    int64_t b, h, i, j, d, reps;
    attn_shape(g, n, &a);
    reps = a.qH / a.kvH;
    if (a.P)
        PK = vals[n->in[4]], PV = vals[n->in[5]];
    if (a.mask == 2)
        MF = vals[n->in[3]];
    else if (a.mask == 1)
        MB = vals[n->in[3]];
    Y = out_of(g, n, vals, 0);
    if (n->n_out > 1)
        OK = out_of(g, n, vals, 1);
    if (n->n_out > 2)
        OV = out_of(g, n, vals, 2);
    if (n->n_out > 3)
        OQ = out_of(g, n, vals, 3);
    s = arena_array(g->a, (size_t)a.T + 1, sizeof(double));
    for (b = 0; b < a.B; b++)
        for (h = 0; h < a.qH; h++)
            for (i = 0; i < a.Sq; i++) {
                const float *q = Q + b * a.q[0] + h * a.q[1] + i * a.q[2];
                int64_t kh = h / reps, mo = b * a.m[0] + h * a.m[1] + i * a.m[2];
                double mx = -HUGE_VAL, sum = 0.0;
                for (j = 0; j < a.T; j++) {
                    const float *k = j < a.P ? PK + b * a.pk[0] + kh * a.pk[1] + j * a.pk[2]
                                             : K + b * a.k[0] + kh * a.k[1] + (j - a.P) * a.k[2];
                    double v = 0.0;
                    for (d = 0; d < a.hd; d++)
                        v += (double)q[d] * k[d];
                    v *= a.scale;
                    if (OQ && a.qk_mode == 0)
                        OQ[((b * a.qH + h) * a.Sq + i) * a.T + j] = (float)v;
                    if (a.softcap > 0)
                        v = a.softcap * tanh(v / a.softcap);
                    if (MF)
                        v += MF[mo + j * a.m[3]];
                    if ((MB && !MB[mo + j * a.m[3]]) || (a.causal && j > i + a.P))
                        v = -HUGE_VAL;
                    s[j] = v;
                    if (v > mx)
                        mx = v;
                }
                for (j = 0; j < a.T; j++)
                    sum += exp(s[j] - mx);
                for (j = 0; j < a.T; j++) {
                    s[j] = exp(s[j] - mx) / sum;
                    if (OQ && a.qk_mode == 3)
                        OQ[((b * a.qH + h) * a.Sq + i) * a.T + j] = (float)s[j];
                }
                for (d = 0; d < a.vhd; d++) {
                    double acc = 0.0;
                    for (j = 0; j < a.T; j++) {
                        const float *v = j < a.P ? PV + b * a.pv[0] + kh * a.pv[1] + j * a.pv[2]
                                                 : V + b * a.v[0] + kh * a.v[1] + (j - a.P) * a.v[2];
                        acc += s[j] * v[d];
                    }
                    Y[b * a.y[0] + h * a.y[1] + i * a.y[2] + d] = (float)acc;
                }
            }
    /* present_key and present_value: [B, kvH, T, D], the past then the new rows */
    for (b = 0; b < a.B; b++)
        for (h = 0; h < a.kvH; h++)
            for (j = 0; j < a.T; j++) {
                const float *k = j < a.P ? PK + b * a.pk[0] + h * a.pk[1] + j * a.pk[2]
                                         : K + b * a.k[0] + h * a.k[1] + (j - a.P) * a.k[2];
                const float *v = j < a.P ? PV + b * a.pv[0] + h * a.pv[1] + j * a.pv[2]
                                         : V + b * a.v[0] + h * a.v[1] + (j - a.P) * a.v[2];
                if (OK)
                    memcpy(OK + ((b * a.kvH + h) * a.T + j) * a.hd, k, (size_t)a.hd * sizeof(float));
                if (OV)
                    memcpy(OV + ((b * a.kvH + h) * a.T + j) * a.vhd, v, (size_t)a.vhd * sizeof(float));
            }
}

/* y = x outside the first rd values of a head; inside, each pair (x1, x2) becomes
 * (c x1 - s x2, s x1 + c x2), c and s from the caches' row for (b, position). */
void interp_rotary(Graph *g, const Node *n, void **vals)
{
    RotaryShape r;
    const float *X = vals[n->in[0]], *C = vals[n->in[1]], *S = vals[n->in[2]];
    const int64_t *pos;
    float *Y = out_of(g, n, vals, 0);
    int64_t b, h, p, k, half;
    rotary_shape(g, n, &r);
    pos = has(n, 3) ? vals[n->in[3]] : NULL;
    half = r.rd / 2;
    for (b = 0; b < r.B; b++)
        for (h = 0; h < r.H; h++)
            for (p = 0; p < r.S; p++) {
                int64_t o = b * r.x[0] + h * r.x[1] + p * r.x[2], row = pos ? pos[b * r.S + p] : b * r.S + p;
                if (pos && (row < 0 || row >= g->t[n->in[1]].dims[0]))
                    node_error(g, n, "position_ids[%lld] is %lld, outside the caches' rows", (long long)(b * r.S + p),
                               (long long)row);
                const float *x = X + o, *c = C + row * half, *s = S + row * half;
                float *y = Y + o;
                for (k = r.rd; k < r.D; k++)
                    y[k] = x[k];
                for (k = 0; k < half; k++) {
                    int64_t i1 = r.interleaved ? 2 * k : k, i2 = r.interleaved ? 2 * k + 1 : k + half;
                    double x1 = x[i1], x2 = x[i2];
                    y[i1] = (float)(c[k] * x1 - s[k] * x2);
                    y[i2] = (float)(s[k] * x1 + c[k] * x2);
                }
            }
}
