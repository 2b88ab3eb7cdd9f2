/*
 * interp_3d.c - the reference of Conv, ConvTranspose, MaxPool and
 * AveragePool on 5-D [N,C,D,H,W] inputs (window from shape_3d.c), as
 * interp.c computes their 2-D forms: plainly, sums in double.
 */
#include <math.h>

#include "ticketc.h"

static float *out_of(Graph *g, const Node *n, void **vals)
{
    float *p = arena_array(g->a, (size_t)ir_numel(&g->t[n->out[0]]) + 1, sizeof(float));
    vals[n->out[0]] = p;
    return p;
}

static const float *bias_of(const Node *n, void **vals)
{
    return n->n_in >= 3 && n->in[2] != TC_NONE ? vals[n->in[2]] : NULL;
}

/* Input position along axis a of output o and tap k: o * s - pb + k * d (or -1 outside). */
static int64_t at(const Window3 *w, int a, int64_t o, int64_t k)
{
    int64_t p = o * w->s[a] - w->pb[a] + k * w->d[a];
    return p >= 0 && p < w->in[a] ? p : -1;
}

/*
 * Conv: y[b][m][o] = bias[m] + sum over c in m's group and taps k of
 *   x[b][c][o * s - pb + k * d] * W[m][c - group start][k], positions outside x reading 0.
 */
void interp_conv3d(Graph *g, const Node *n, void **vals)
{
    Window3 w;
    const float *X = vals[n->in[0]], *W = vals[n->in[1]], *B = bias_of(n, vals);
    float *Y = out_of(g, n, vals);
    int64_t b, m, ci, o0, o1, o2, k0, k1, k2, cg, kn, on;
    window_3d(g, n, &w);
    cg = w.c / w.group;
    kn = w.k[0] * w.k[1] * w.k[2];
    on = w.out[0] * w.out[1] * w.out[2];
    for (b = 0; b < w.batch; b++)
        for (m = 0; m < w.m; m++) {
            int64_t c0 = m / (w.m / w.group) * cg;
            for (o0 = 0; o0 < w.out[0]; o0++)
                for (o1 = 0; o1 < w.out[1]; o1++)
                    for (o2 = 0; o2 < w.out[2]; o2++) {
                        double s = B ? B[m] : 0.0;
                        for (ci = 0; ci < cg; ci++)
                            for (k0 = 0; k0 < w.k[0]; k0++)
                                for (k1 = 0; k1 < w.k[1]; k1++)
                                    for (k2 = 0; k2 < w.k[2]; k2++) {
                                        int64_t i0 = at(&w, 0, o0, k0), i1 = at(&w, 1, o1, k1), i2 = at(&w, 2, o2, k2);
                                        if (i0 < 0 || i1 < 0 || i2 < 0)
                                            continue;
                                        s += (double)X[(((b * w.c + c0 + ci) * w.in[0] + i0) * w.in[1] + i1) * w.in[2] + i2] *
                                             W[(m * cg + ci) * kn + (k0 * w.k[1] + k1) * w.k[2] + k2];
                                    }
                        Y[(b * w.m + m) * on + (o0 * w.out[1] + o1) * w.out[2] + o2] = (float)s;
                    }
        }
}

/*
 * ConvTranspose scatters: each x[b][c][i] adds x * W[c][mo][k] to
 * y[b][group start + mo][i * s - pb + k * d].
 */
void interp_convtranspose3d(Graph *g, const Node *n, void **vals)
{
    Window3 w;
    const float *X = vals[n->in[0]], *W = vals[n->in[1]], *B = bias_of(n, vals);
    float *Y = out_of(g, n, vals);
    int64_t cnt = ir_numel(&g->t[n->out[0]]), i, b, ci, mo, cg, mg, on, kn, inn, ip, kp;
    double *acc = arena_array(g->a, (size_t)cnt + 1, sizeof(double));
    window_3d(g, n, &w);
    cg = w.c / w.group;
    mg = w.m / w.group;
    on = w.out[0] * w.out[1] * w.out[2];
    kn = w.k[0] * w.k[1] * w.k[2];
    inn = w.in[0] * w.in[1] * w.in[2];
    for (i = 0; i < cnt; i++)
        acc[i] = B ? B[(i / on) % w.m] : 0.0;
    for (b = 0; b < w.batch; b++)
        for (ci = 0; ci < w.c; ci++)
            for (ip = 0; ip < inn; ip++) {
                int64_t i0 = ip / (w.in[1] * w.in[2]), i1 = ip / w.in[2] % w.in[1], i2 = ip % w.in[2];
                double xv = X[(b * w.c + ci) * inn + ip];
                for (mo = 0; mo < mg; mo++)
                    for (kp = 0; kp < kn; kp++) {
                        int64_t k0 = kp / (w.k[1] * w.k[2]), k1 = kp / w.k[2] % w.k[1], k2 = kp % w.k[2];
                        int64_t o0 = i0 * w.s[0] - w.pb[0] + k0 * w.d[0], o1 = i1 * w.s[1] - w.pb[1] + k1 * w.d[1];
                        int64_t o2 = i2 * w.s[2] - w.pb[2] + k2 * w.d[2], m = ci / cg * mg + mo;
                        if (o0 < 0 || o0 >= w.out[0] || o1 < 0 || o1 >= w.out[1] || o2 < 0 || o2 >= w.out[2])
                            continue;
                        acc[(b * w.m + m) * on + (o0 * w.out[1] + o1) * w.out[2] + o2] += xv * W[(ci * mg + mo) * kn + kp];
                    }
            }
    for (i = 0; i < cnt; i++)
        Y[i] = (float)acc[i];
}

/*
 * MaxPool: the largest x in the window (padding never wins). AveragePool: the mean
 * over the window's positions inside x, or with count_include_pad over those inside
 * the padded input.
 */
void interp_pool3d(Graph *g, const Node *n, void **vals)
{
    Window3 w;
    const float *X = vals[n->in[0]];
    float *Y = out_of(g, n, vals);
    int incl = (int)attr_int(n, "count_include_pad", 0), mxp = n->op == OP_MAXPOOL3D;
    int64_t bc, o0, o1, o2, k0, k1, k2, inn;
    window_3d(g, n, &w);
    inn = w.in[0] * w.in[1] * w.in[2];
    for (bc = 0; bc < w.batch * w.c; bc++)
        for (o0 = 0; o0 < w.out[0]; o0++)
            for (o1 = 0; o1 < w.out[1]; o1++)
                for (o2 = 0; o2 < w.out[2]; o2++) {
                    double s = 0.0, mx = -HUGE_VAL;
                    int64_t cnt = 0;
                    for (k0 = 0; k0 < w.k[0]; k0++)
                        for (k1 = 0; k1 < w.k[1]; k1++)
                            for (k2 = 0; k2 < w.k[2]; k2++) {
                                int64_t p0 = o0 * w.s[0] - w.pb[0] + k0 * w.d[0], p1 = o1 * w.s[1] - w.pb[1] + k1 * w.d[1];
                                int64_t p2 = o2 * w.s[2] - w.pb[2] + k2 * w.d[2];
                                double v;
                                if (p0 < 0 || p0 >= w.in[0] || p1 < 0 || p1 >= w.in[1] || p2 < 0 || p2 >= w.in[2]) {
                                    if (incl && p0 < w.in[0] + w.pe[0] && p1 < w.in[1] + w.pe[1] && p2 < w.in[2] + w.pe[2])
                                        cnt++;
                                    continue;
                                }
                                v = X[bc * inn + (p0 * w.in[1] + p1) * w.in[2] + p2];
                                s += v;
                                if (v > mx)
                                    mx = v;
                                cnt++;
                            }
                    Y[((bc * w.out[0] + o0) * w.out[1] + o1) * w.out[2] + o2] = (float)(mxp ? mx : s / (double)cnt);
                }
}
