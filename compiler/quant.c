/*
 * quant.c - ticketc's own post-training quantisation (--quantize int8
 * --calibrate FILE): the reference interpreter runs the float model on the
 * calibration samples and records each activation's range; from those and
 * the weights this pass computes every integer parameter the integer family
 * (interp_int.c, emit_int.c) needs, once:
 *   activations  per tensor, asymmetric int8:  x = scale * (q - zp)
 *   weights      per output channel, symmetric: w = w_scale[n] * q, q in [-127, 127]
 *                (a pruned weight stays exactly 0, so no new weight appears)
 *   biases       int32 at in_scale * w_scale[n], with -zp_in * sum_k q[n][k] folded in
 *   requantising per output channel, in_scale * w_scale[n] / out_scale as a
 *                32-bit multiplier M in [2^30, 2^31) and a shift (TFLite's form)
 * The integer path covers Gemm/MatMul/Conv (group 1) with constant weights
 * (ReLU fused or not), Relu, MaxPool, Flatten and Reshape; any other node is
 * refused by name.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ticketc.h"

/* ---- what the integer path covers ---- */

static int quant_view(OpKind op)
{
    return op == OP_FLATTEN || op == OP_RESHAPE;
}

/* Fatal, naming the node, for anything the integer path does not compute. */
static void check_supported(Graph *g)
{
    int k, i;
    for (k = 0; k < g->n_inputs; k++)
        if (g->t[g->inputs[k]].dtype != DT_FLOAT)
            fatal("--quantize int8: graph input '%s' is not float", text_comment(g->a, g->t[g->inputs[k]].name));
    for (k = 0; k < g->n_outputs; k++)
        if (g->t[g->outputs[k]].producer < 0)
            fatal("--quantize int8: graph output '%s' is a constant or a graph input; the integer path "
                  "needs it computed by a node", text_comment(g->a, g->t[g->outputs[k]].name));
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        Linear L;
        if (n->dead)
            continue;
        if (quant_view(n->op) || n->op == OP_RELU)
            continue;
        for (i = 1; i < n->n_out; i++)
            if (n->out[i] != TC_NONE && g->t[n->out[i]].consumers)
                node_error(g, n, "--quantize int8: the integer path computes output 0 only");
        if (n->op == OP_MAXPOOL) {
            if (n->n_out > 1 && n->out[1] != TC_NONE && g->t[n->out[1]].consumers)
                node_error(g, n, "--quantize int8: the integer path has no MaxPool indices output");
            continue;
        }
        if (n->op == OP_CONV) {
            Window w;
            conv_window(g, n, &w);
            if (!g->t[n->in[1]].f || (n->n_in > 2 && n->in[2] != TC_NONE && !g->t[n->in[2]].f))
                node_error(g, n, "--quantize int8: the integer path needs constant Conv weights and bias");
            if (w.group != 1 || w.batch != 1)
                node_error(g, n, "--quantize int8: the integer Conv has group 1 and batch 1 only (found group "
                           "%lld, batch %lld)", (long long)w.group, (long long)w.batch);
            if (n->act != OP_COUNT && n->act != OP_RELU)
                node_error(g, n, "--quantize int8: the integer path fuses only Relu, not %s", op_name(n->act));
            continue;
        }
        if ((n->op == OP_GEMM || n->op == OP_MATMUL) && linear_layer(g, n, &L)) {
            if (n->act != OP_COUNT && n->act != OP_RELU)
                node_error(g, n, "--quantize int8: the integer path fuses only Relu, not %s", op_name(n->act));
            continue;
        }
        if (n->op == OP_GEMM || n->op == OP_MATMUL)
            node_error(g, n, "--quantize int8: the integer path needs constant weights (a linear layer)");
        node_error(g, n, "--quantize int8: the integer path has no %s yet (it computes Gemm/MatMul/Conv with "
                   "constant weights, Relu, MaxPool, Flatten and Reshape)", op_name(n->op));
    }
    for (k = 0; k < g->nn; k++)
        for (i = 0; !g->n[k].dead && i < g->n[k].n_out; i++)
            if (g->t[g->n[k].out[i]].dtype != DT_FLOAT)
                node_error(g, &g->n[k], "--quantize int8: output %d is not float", i);
}

/* ---- calibration ---- */

/* Runs the float model on every sample of path, widening lo/hi of every computed tensor
 * and (zeros not NULL) counting its values that are exactly 0. */
static int64_t calibrate(Graph *g, const char *path, size_t max_bytes, float *lo, float *hi, int64_t *zeros)
{
    Buf file = {0};
    int64_t per = 0, samples, s;
    void **vals = arena_array(g->a, g->nt, sizeof(void *));
    float **in = arena_array(g->a, (size_t)g->n_inputs + 1, sizeof(float *));
    int rc, k;
    uint32_t t;
    for (k = 0; k < g->n_inputs; k++)
        per += ir_numel(&g->t[g->inputs[k]]);
    rc = buf_read_file(&file, path, max_bytes);
    if (rc == -1)
        fatal("--calibrate: cannot read '%s'", path);
    if (rc == -2)
        fatal("--calibrate: '%s' is larger than %zu bytes (--max-bytes)", path, max_bytes);
    if (file.len == 0 || per <= 0 || file.len % ((size_t)per * 4) != 0)
        fatal("--calibrate: '%s' has %zu bytes, not a whole number of samples of %lld float32 values "
              "(%lld bytes each)", path, file.len, (long long)per, (long long)per * 4);
    samples = (int64_t)(file.len / ((size_t)per * 4));
    for (t = 0; t < g->nt; t++) {
        lo[t] = INFINITY;
        hi[t] = -INFINITY;
    }
    for (s = 0; s < samples; s++) {
        const unsigned char *p = (const unsigned char *)file.p + (size_t)(s * per * 4);
        progress("calibrating on sample", s, samples, NULL);
        for (k = 0; k < g->n_inputs; k++) {
            int64_t m = ir_numel(&g->t[g->inputs[k]]), j;
            if (!in[k])
                in[k] = arena_array(g->a, (size_t)m + 1, sizeof(float));
            for (j = 0; j < m; j++, p += 4) {
                uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
                memcpy(&in[k][j], &u, 4);
                if (!isfinite(in[k][j]))
                    fatal("--calibrate: '%s': sample %lld, input %d, value %lld is not finite", path,
                          (long long)s, k, (long long)j);
            }
        }
        for (t = 0; t < g->nt; t++)
            vals[t] = g->t[t].f ? (void *)g->t[t].f : (void *)g->t[t].i;
        for (k = 0; k < g->n_inputs; k++)
            vals[g->inputs[k]] = in[k];
        for (k = 0; k < g->nn; k++)
            if (!g->n[k].dead)
                interp_node(g, &g->n[k], vals);
        for (t = 0; t < g->nt; t++) {
            const Tensor *x = &g->t[t];
            int64_t j, m;
            if (ir_is_const(x) || !vals[t] || x->dtype != DT_FLOAT || (x->producer < 0 && x->input_index < 0))
                continue;
            for (j = 0, m = ir_numel(x); j < m; j++) {
                float v = ((const float *)vals[t])[j];
                if (v < lo[t])
                    lo[t] = v;
                if (v > hi[t])
                    hi[t] = v;
                if (zeros && v == 0.0f)
                    zeros[t]++;
                if (!isfinite(v))
                    fatal("--calibrate: tensor '%s' is not finite on sample %lld", text_comment(g->a, x->name),
                          (long long)s);
            }
        }
    }
    buf_free(&file);
    return samples;
}

static void quant_multiplier(const Graph *g, const Node *n, double m, int32_t *M, int *shift);

/*
 * Asymmetric int8 from a range widened to hold 0 (so that 0 is exact) and
 * to at least 255 * 2^-20:
 *   scale = (hi - lo) / 255,  zp = round(-128 - lo / scale), clamped to [-128, 127].
 */
static QParam act_param(const Graph *g, const Tensor *x, float lo, float hi)
{
    QParam q;
    double l = lo < 0.0f ? lo : 0.0, h = hi > 0.0f ? hi : 0.0, zp;
    if (!(l <= h)) /* never seen: no sample reached it */
        l = h = 0.0;
    if (h - l < 255.0 * 0x1p-20) /* a (nearly) constant tensor: the smallest scale, 2^-20 */
        h = l + 255.0 * 0x1p-20;
    q.scale = (float)((h - l) / 255.0);
    if (!(q.scale > 0.0f) || !isfinite(q.scale))
        fatal("--quantize int8: tensor '%s': scale %g is not a positive finite number", text_comment(g->a, x->name),
              (double)q.scale);
    /* normal floats far from overflow, so that the integer (de)quantising is exact */
    if (q.scale < 0x1p-100f || q.scale > 0x1p100f)
        fatal("--quantize int8: tensor '%s': scale %g is outside 2^-100 .. 2^100", text_comment(g->a, x->name),
              (double)q.scale);
    quant_multiplier(g, NULL, 1.0 / (double)q.scale, &q.inv_m, &q.inv_s);
    zp = floor(-128.0 - l / q.scale + 0.5);
    q.zp = zp < -128.0 ? -128 : zp > 127.0 ? 127 : (int32_t)zp;
    return q;
}

/*
 * m = M * 2^(shift - 31) with M in [2^30, 2^31) (TFLite's QuantizeMultiplier);
 * m < 2^-31 becomes M = 0 (the product rounds to 0 anyway).
 */
static void quant_multiplier(const Graph *g, const Node *n, double m, int32_t *M, int *shift)
{
    int e = 0;
    double q;
    int64_t r;
    if (!n && (!(m >= 0.0) || !isfinite(m) || m > 0x1p100))
        fatal("--quantize int8: a scale's inverse %g is not a finite positive number", m);
    if (!(m >= 0.0) || !isfinite(m))
        node_error(g, n, "--quantize int8: requantising multiplier %g is not a finite non-negative number", m);
    *M = 0;
    *shift = 0;
    if (m == 0.0)
        return;
    q = frexp(m, &e); /* m = q * 2^e, q in [0.5, 1) */
    r = (int64_t)floor(q * 2147483648.0 + 0.5);
    if (r == (int64_t)1 << 31) {
        r /= 2;
        e++;
    }
    if (e < -31)
        return;
    if (e > 30 && !n)
        fatal("--quantize int8: a scale's inverse %g is too large", m);
    if (e > 30)
        node_error(g, n, "--quantize int8: requantising multiplier %g is too large (the output range is "
                   "tiny next to the input's)", m);
    *M = (int32_t)r;
    *shift = e;
}

/* One Gemm/MatMul: weights per output channel, bias, requantising parameters. */
static QLayer *quant_layer(Graph *g, const Node *n, const QParam *qin, const QParam *qout)
{
    QLayer *q = arena_alloc(g->a, sizeof *q);
    Linear L;
    int64_t j, k;
    if (n->op == OP_CONV) { /* W [M][C][kh][kw] as N x K, group 1 */
        const Tensor *wt = &g->t[n->in[1]];
        q->conv = 1;
        conv_window(g, n, &q->win);
        L.N = q->win.m;
        L.K = ir_numel(wt) / L.N;
        L.rows = q->win.out[0] * q->win.out[1];
        L.w = wt->f;
        L.b = arena_array(g->a, (size_t)L.N + 1, sizeof(float));
        if (n->n_in > 2 && n->in[2] != TC_NONE)
            memcpy(L.b, g->t[n->in[2]].f, (size_t)L.N * sizeof(float));
    } else if (!linear_layer(g, n, &L)) {
        BUG("not a linear layer");
    }
    q->rows = L.rows;
    q->K = L.K;
    q->N = L.N;
    q->w = arena_array(g->a, (size_t)(L.N * L.K) + 1, 1);
    q->b = arena_array(g->a, (size_t)L.N + 1, sizeof(int32_t));
    q->mult = arena_array(g->a, (size_t)L.N + 1, sizeof(int32_t));
    q->shift = arena_array(g->a, (size_t)L.N + 1, sizeof(int8_t));
    q->w_scale = arena_array(g->a, (size_t)L.N + 1, sizeof(float));
    q->in = *qin;
    q->out = *qout;
    for (j = 0; j < L.N; j++) {
        float amax = 0.0f;
        double ws, bq, sum = 0.0;
        int32_t M;
        int sh;
        for (k = 0; k < L.K; k++)
            if (fabsf(L.w[j * L.K + k]) > amax)
                amax = fabsf(L.w[j * L.K + k]);
        ws = amax > 0.0f ? (double)amax / 127.0 : 1.0;
        q->w_scale[j] = (float)ws;
        for (k = 0; k < L.K; k++) {
            float w = L.w[j * L.K + k];
            double r = floor(fabs((double)w) / ws + 0.5);
            int v = (int)(r > 127.0 ? 127.0 : r);
            if (w < 0.0f)
                v = -v;
            if (w != 0.0f && v == 0)
                q->zeroed++;
            q->w[j * L.K + k] = (int8_t)v;
            q->nnz += v != 0;
            sum += v;
        }
        /* acc = b_q + sum_k w_q (x_q - zp_in) = (b_q - zp_in * sum_k w_q) + sum_k w_q x_q */
        bq = floor((double)L.b[j] / ((double)qin->scale * ws) + 0.5) - (double)qin->zp * sum;
        if (!(fabs(bq) < 2147483647.0))
            node_error(g, n, "--quantize int8: the bias of output %lld does not fit in int32 at scale %g",
                       (long long)j, (double)qin->scale * ws);
        /* every accumulator fits in int32: |b| + 128 * sum_k |w_q| */
        {
            double worst = fabs(bq);
            for (k = 0; k < L.K; k++)
                worst += 128.0 * abs(q->w[j * L.K + k]);
            if (worst >= 2147483647.0)
                node_error(g, n, "--quantize int8: the int32 accumulator of output %lld could overflow", (long long)j);
        }
        q->b[j] = (int32_t)bq;
        quant_multiplier(g, n, (double)qin->scale * ws / (double)qout->scale, &M, &sh);
        q->mult[j] = M;
        q->shift[j] = (int8_t)sh;
    }
    q->lo = n->act == OP_RELU ? (qout->zp > -128 ? qout->zp : -128) : -128;
    q->hi = 127;
    return q;
}

void quantize_graph(Graph *g, const char *calib, size_t max_bytes)
{
    QuantPlan *p = arena_alloc(g->a, sizeof *p);
    float *lo = arena_array(g->a, g->nt + 1, sizeof(float));
    float *hi = arena_array(g->a, g->nt + 1, sizeof(float));
    int k;
    check_supported(g);
    p->samples = calibrate(g, calib, max_bytes, lo, hi, NULL);
    p->t = arena_array(g->a, g->nt + 1, sizeof(QParam));
    p->layer = arena_array(g->a, (size_t)g->nn + 1, sizeof(QLayer *));
    for (k = 0; k < g->n_inputs; k++) {
        TensorId id = g->inputs[k];
        p->t[id] = act_param(g, &g->t[id], lo[id], hi[id]);
    }
    /* in node order, so that a view's input already has its parameters */
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        TensorId x, y;
        if (n->dead)
            continue;
        x = n->in[0];
        y = n->out[0];
        if (quant_view(n->op) || n->op == OP_RELU || n->op == OP_MAXPOOL) {
            /* Flatten/Reshape move no value; Relu (max(q, zp)) and MaxPool keep their input's scale */
            p->t[y] = p->t[x];
        } else {
            p->t[y] = act_param(g, &g->t[y], lo[y], hi[y]);
            p->layer[k] = quant_layer(g, n, &p->t[x], &p->t[y]);
        }
    }
    g->quant = p;
}

/*
 * --calibrate on a float model: the fraction of each computed tensor's values
 * (and the inputs') that are exactly 0 over the samples, in g->zero_frac (-1
 * for a tensor the samples do not reach, a constant), for the planner's
 * unrolled by-input choice (strategy.c) and --summary.
 */
void calibrate_zeros(Graph *g, const char *calib, size_t max_bytes)
{
    float *lo = arena_array(g->a, g->nt + 1, sizeof *lo), *hi = arena_array(g->a, g->nt + 1, sizeof *hi);
    int64_t *zeros = arena_array(g->a, g->nt + 1, sizeof *zeros);
    int64_t samples = calibrate(g, calib, max_bytes, lo, hi, zeros);
    uint32_t t;
    g->zero_frac = arena_array(g->a, g->nt + 1, sizeof *g->zero_frac);
    for (t = 0; t < g->nt; t++) {
        const Tensor *x = &g->t[t];
        int64_t m = ir_numel(x);
        g->zero_frac[t] = -1.0f;
        if (!(lo[t] <= hi[t]) || m <= 0 || x->dtype != DT_FLOAT)
            continue;
        g->zero_frac[t] = (float)((double)zeros[t] / ((double)samples * (double)m));
    }
    g->zero_samples = samples;
}
