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
    return op == OP_FLATTEN || op == OP_RESHAPE || op == OP_IDENTITY;
}

static int table_op(const Graph *g, const Node *n);

/*
 * Why the integer path does not compute node n (a message to follow "WHY: "), or NULL
 * when it does. A quantized model (g->qdq) computes such a node in float instead
 * (quantize_qdq's float islands); --quantize int8 refuses it.
 */
static const char *int_refusal(Graph *g, const Node *n)
{
    Linear L;
    int i;
    if (quant_view(n->op) || n->op == OP_RELU || table_op(g, n))
        return NULL;
    for (i = 1; i < n->n_out; i++)
        if (n->out[i] != TC_NONE && g->t[n->out[i]].consumers)
            return "the integer path computes output 0 only";
    if (n->op == OP_MAXPOOL) {
        if (n->n_out > 1 && n->out[1] != TC_NONE && g->t[n->out[1]].consumers)
            return "the integer path has no MaxPool indices output";
        return NULL;
    }
    if (n->op == OP_CONV) {
        Window w;
        conv_window(g, n, &w);
        if (!g->t[n->in[1]].f || (n->n_in > 2 && n->in[2] != TC_NONE && !g->t[n->in[2]].f))
            return "the integer path needs constant Conv weights and bias";
        if (w.group != 1 || w.batch != 1)
            return arena_printf(g->a, "the integer Conv has group 1 and batch 1 only (found group %lld, batch %lld)",
                                (long long)w.group, (long long)w.batch);
        if (n->act != OP_COUNT && n->act != OP_RELU)
            return arena_printf(g->a, "the integer path fuses only Relu, not %s", op_name(n->act));
        return NULL;
    }
    if ((n->op == OP_GEMM || n->op == OP_MATMUL) && linear_layer(g, n, &L)) {
        if (n->act != OP_COUNT && n->act != OP_RELU)
            return arena_printf(g->a, "the integer path fuses only Relu, not %s", op_name(n->act));
        return NULL;
    }
    if (n->op == OP_GEMM || n->op == OP_MATMUL)
        return "the integer path needs constant weights (a linear layer)";
    return arena_printf(g->a, "the integer path has no %s yet (it computes Gemm/MatMul/Conv with constant weights, "
                        "Relu, MaxPool, Flatten and Reshape)", op_name(n->op));
}

/* Fatal, naming the node, for anything the integer path does not compute
 * (a quantized model's nodes are sorted into integer layers and float islands
 * by quantize_qdq instead). */
static void check_supported(Graph *g, const char *why)
{
    int k, i;
    for (k = 0; k < g->n_inputs; k++)
        if (g->t[g->inputs[k]].dtype != DT_FLOAT)
            fatal("%s: graph input '%s' is not float", why, text_comment(g->a, g->t[g->inputs[k]].name));
    for (k = 0; k < g->n_outputs; k++)
        if (g->t[g->outputs[k]].producer < 0)
            fatal("%s: graph output '%s' is a constant or a graph input; the integer path "
                  "needs it computed by a node", why, text_comment(g->a, g->t[g->outputs[k]].name));
    for (k = 0; !g->qdq && k < g->nn; k++) {
        const char *no;
        if (g->n[k].dead)
            continue;
        no = int_refusal(g, &g->n[k]);
        if (no)
            node_error(g, &g->n[k], "%s: %s", why, no);
    }
    for (k = 0; k < g->nn; k++)
        for (i = 0; !g->n[k].dead && i < g->n[k].n_out; i++)
            if (g->t[g->n[k].out[i]].dtype != DT_FLOAT)
                node_error(g, &g->n[k], "%s: output %d is not float", why, i);
}

/* ---- calibration ---- */

/* Runs the float model on every sample of path, widening lo/hi of every computed tensor
 * and (zeros not NULL) counting its values that are exactly 0. */
static int64_t calibrate(Graph *g, const char *path, size_t max_bytes, float *lo, float *hi, int64_t *zeros,
                         int64_t **elem_nz)
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
                if (elem_nz && elem_nz[t] && v != 0.0f)
                    elem_nz[t][j]++;
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

/*
 * A quantized model's weights for output channel j: the file's scale, and
 * the integers q - zp, recovered from the float constant qdq.c made,
 * w = fl((q - zp) * s): |w / s - (q - zp)| <= 2^-24 * 128, so rounding gives
 * them back exactly; anything else means the weights were changed after
 * dequantising (a BatchNormalization folded in, Gemm's alpha), refused.
 */
static double fixed_wscale(Graph *g, const Node *n, const QdqInfo *fx, TensorId wid, int64_t j)
{
    int want;
    if (wid >= fx->nt || !fx->wq[wid])
        node_error(g, n, "quantized model: the weights '%s' do not come from a DequantizeLinear or QLinear node; "
                   "the integer path takes the file's integer weights", text_comment(g->a, g->t[wid].name));
    /* the output channel's axis of the weight tensor */
    want = n->op == OP_CONV ? 0 : n->op == OP_GEMM && attr_int(n, "transB", 0) ? 0 : 1;
    if (fx->wn[wid] > 1 && fx->waxis[wid] != want)
        node_error(g, n, "quantized model: the weights '%s' are quantised per axis %d, not along the output "
                   "channels (axis %d)", text_comment(g->a, g->t[wid].name), fx->waxis[wid], want);
    return fx->ws[wid][fx->wn[wid] > 1 ? j : 0];
}

static int8_t fixed_weight(Graph *g, const Node *n, float w, double ws)
{
    double r = (double)w / ws, v = floor(r + 0.5);
    if (fabs(r - v) > 1e-3)
        node_error(g, n, "quantized model: weight %g is not an integer times its scale %g (changed after "
                   "dequantising: Gemm's alpha or a folded BatchNormalization?)", (double)w, ws);
    if (v < -128.0 || v > 127.0)
        node_error(g, n, "quantized model: a weight is %.0f times its scale (q - zero point), outside int8; "
                   "uint8 weights need a zero point that keeps q - zp within -128 .. 127 (128 always does)", v);
    return (int8_t)v;
}

/* One Gemm/MatMul: weights per output channel, bias, requantising parameters;
 * with fx, the quantized model's weights and int32 biases (else from the float weights). */
static QLayer *quant_layer(Graph *g, const Node *n, const QParam *qin, const QParam *qout, const QdqInfo *fx)
{
    QLayer *q = arena_alloc(g->a, sizeof *q);
    Linear L;
    int64_t j, k;
    TensorId bid = n->n_in > 2 && n->in[2] != TC_NONE ? n->in[2] : (TensorId)0xfffffffeu;
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
        ws = fx ? fixed_wscale(g, n, fx, n->in[1], j) : amax > 0.0f ? (double)amax / 127.0 : 1.0;
        q->w_scale[j] = (float)ws;
        for (k = 0; k < L.K; k++) {
            float w = L.w[j * L.K + k];
            double r = floor(fabs((double)w) / ws + 0.5);
            int v = (int)(r > 127.0 ? 127.0 : r);
            if (w < 0.0f)
                v = -v;
            if (fx)
                v = fixed_weight(g, n, w, ws);
            if (w != 0.0f && v == 0)
                q->zeroed++;
            q->w[j * L.K + k] = (int8_t)v;
            q->nnz += v != 0;
            sum += v;
        }
        /* acc = b_q + sum_k w_q (x_q - zp_in) = (b_q - zp_in * sum_k w_q) + sum_k w_q x_q */
        bq = floor((double)L.b[j] / ((double)qin->scale * ws) + 0.5) - (double)qin->zp * sum;
        if (fx && bid < fx->nt && (n->op != OP_GEMM || attr_float(n, "beta", 1.0f) == 1.0f) && fx->wq[bid] && ir_numel(&g->t[bid]) == L.N &&
            fx->ws[bid][fx->wn[bid] > 1 ? j : 0] == qin->scale * (float)ws)
            bq = (double)fx->wq[bid][j] - (double)qin->zp * sum; /* the file's int32 bias, at in_scale * w_scale */
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

static QParam fixed_param(const Graph *g, float scale, int32_t zp);

/*
 * A .tc file's integer form (dsl.c: quantize int8, quant NAME int8(scale=S,
 * zero_point=Z)): the parameters of tensor id as the file gives them, the
 * same QParam act_param made when they were calibrated (the scale is the
 * float act_param computed, its inverse multiplier is computed from it).
 */
static QParam given_param(Graph *g, const DslQuant *dq, char *used, TensorId id)
{
    if (id >= dq->nt || !dq->given[id]) {
        diag_set_file(dq->where);
        fatal("quantize int8: tensor '%s' has no quant statement; the integer path needs its scale and zero point "
              "(quant NAME int8(scale=S, zero_point=Z))", text_comment(g->a, g->t[id].name));
    }
    used[id] = 1;
    return fixed_param(g, dq->scale[id], dq->zp[id]);
}

/* A view's, Relu's or MaxPool's output keeps its input's parameters: one the file gives it must be those. */
static void given_same(Graph *g, const DslQuant *dq, char *used, TensorId y, QParam in)
{
    if (y >= dq->nt || !dq->given[y])
        return;
    if (dq->scale[y] != in.scale || dq->zp[y] != in.zp) {
        diag_set_file(dq->at[y]);
        fatal("quant '%s': scale %.9g and zero point %d, but it keeps its input's, scale %.9g and zero point %d "
              "(Flatten, Reshape, Relu and MaxPool do not requantise)", text_comment(g->a, g->t[y].name),
              (double)dq->scale[y], (int)dq->zp[y], (double)in.scale, (int)in.zp);
    }
    used[y] = 1;
}

void quantize_graph(Graph *g, const char *calib, size_t max_bytes)
{
    const DslQuant *dq = g->dsl_quant; /* the .tc file's parameters instead of the calibrated ones */
    char *used = dq ? arena_alloc(g->a, dq->nt + 1) : NULL;
    uint32_t t;
    QuantPlan *p = arena_alloc(g->a, sizeof *p);
    float *lo = arena_array(g->a, g->nt + 1, sizeof(float));
    float *hi = arena_array(g->a, g->nt + 1, sizeof(float));
    int k;
    int64_t **nz = arena_array(g->a, g->nt + 1, sizeof(int64_t *));
    check_supported(g, "--quantize int8");
    /* per element of a one-row Gemm/MatMul's input: how often it is not 0 (the planner's
     * estimate of the work of a form that skips zero inputs) */
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        int64_t m;
        if (n->dead || (n->op != OP_GEMM && n->op != OP_MATMUL) || nz[n->in[0]])
            continue;
        m = ir_numel(&g->t[n->in[0]]);
        if (m > 0 && m <= 65536)
            nz[n->in[0]] = arena_array(g->a, (size_t)m, sizeof(int64_t));
    }
    /* the .tc file's parameters: the samples (--calibrate again) only count zero inputs */
    p->samples = calib ? calibrate(g, calib, max_bytes, lo, hi, NULL, nz) : dq->samples;
    p->t = arena_array(g->a, g->nt + 1, sizeof(QParam));
    p->layer = arena_array(g->a, (size_t)g->nn + 1, sizeof(QLayer *));
    for (k = 0; k < g->n_inputs; k++) {
        TensorId id = g->inputs[k];
        p->t[id] = dq ? given_param(g, dq, used, id) : act_param(g, &g->t[id], lo[id], hi[id]);
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
            if (dq)
                given_same(g, dq, used, y, p->t[x]);
        } else {
            p->t[y] = dq ? given_param(g, dq, used, y) : act_param(g, &g->t[y], lo[y], hi[y]);
            p->layer[k] = quant_layer(g, n, &p->t[x], &p->t[y], NULL);
            if (!calib && dq && x < dq->nt && dq->nonzero[x] && p->layer[k]->rows == 1 && !p->layer[k]->conv &&
                ir_numel(&g->t[x]) == p->layer[k]->K) {
                /* the .tc file's zero-input frequencies (quant x int8(..., nonzero=...)), as calibrated */
                p->layer[k]->in_nz = arena_array(g->a, (size_t)p->layer[k]->K, sizeof(float));
                memcpy(p->layer[k]->in_nz, dq->nonzero[x], (size_t)p->layer[k]->K * sizeof(float));
            }
            if (calib && nz[x] && p->layer[k]->rows == 1 && !p->layer[k]->conv && ir_numel(&g->t[x]) == p->layer[k]->K) {
                QLayer *q = p->layer[k];
                int64_t j;
                q->in_nz = arena_array(g->a, (size_t)q->K, sizeof(float));
                for (j = 0; j < q->K; j++)
                    q->in_nz[j] = (float)((double)nz[x][j] / (double)p->samples);
            }
        }
    }
    for (t = 0; dq && t < dq->nt; t++)
        if (dq->given[t] && !used[t]) {
            diag_set_file(dq->at[t]);
            fatal("quant '%s': the integer path computes no such activation (a layer's output, or a graph input; "
                  "a Relu fused into the layer before it gives that layer the Relu's output)",
                  text_comment(g->a, g->t[t].name));
        }
    g->quant = p;
}

/* ---- a quantized ONNX model: the file's parameters (qdq.c) ---- */

/*
 * A quantized model's elementwise nodes between a DequantizeLinear and a
 * QuantizeLinear (Sigmoid, Tanh, LeakyRelu, Clip, Exp, ..., Add/Mul/... of a
 * scalar constant; a Clip of the integers themselves) have no integer form,
 * but an int8 input has 256 values: such a node is computed in float at
 * compile time, as the specification says, for each of them,
 *   lut[q + 128] = saturate(round_half_even(f((q - zp_in) * s_in) / s_out) + zp_out)
 * (f by the reference interpreter), and runs as a table lookup.
 */
static int table_op(const Graph *g, const Node *n)
{
    const Tensor *x, *y;
    int i;
    if (!g->qdq || n->n_in < 1 || n->in[0] == TC_NONE || ir_is_const(&g->t[n->in[0]]))
        return 0;
    if (n->op == OP_IDENTITY)
        return n->out[0] < g->qdq->nt && g->qdq->clamp[n->out[0]];
    if (!ir_is_activation(n->op) && !(n->op >= OP_EXP && n->op <= OP_GELU) && n->op != OP_CLIP && n->op != OP_ADD &&
        n->op != OP_SUB && n->op != OP_MUL && n->op != OP_DIV && n->op != OP_MAX && n->op != OP_MIN &&
        n->op != OP_POW && n->op != OP_PRELU)
        return 0;
    for (i = 1; i < n->n_in; i++)
        if (n->in[i] != TC_NONE && (!ir_is_const(&g->t[n->in[i]]) || ir_numel(&g->t[n->in[i]]) != 1))
            return 0; /* another activation, or a tensor broadcast along axes */
    for (i = 1; i < n->n_out; i++)
        if (n->out[i] != TC_NONE && g->t[n->out[i]].consumers)
            return 0;
    if (n->act != OP_COUNT && !ir_is_activation(n->act))
        return 0;
    x = &g->t[n->in[0]];
    y = &g->t[n->out[0]];
    return x->dtype == DT_FLOAT && y->dtype == DT_FLOAT && ir_same_shape(x, y);
}

static int8_t *make_table(Graph *g, const Node *n, QParam in, QParam out, TensorId xs, TensorId ys)
{
    int8_t *lut = arena_alloc(g->a, 256);
    const QdqInfo *fx = g->qdq;
    int q, i;
    if (n->op == OP_IDENTITY) { /* a Clip of integers */
        for (q = -128; q < 128; q++)
            lut[q + 128] = (int8_t)(q < fx->clamp_lo[n->out[0]] ? fx->clamp_lo[n->out[0]]
                                    : q > fx->clamp_hi[n->out[0]] ? fx->clamp_hi[n->out[0]] : q);
    } else {
        void **vals = arena_array(g->a, g->nt, sizeof(void *));
        float *xv = arena_array(g->a, 256, sizeof(float));
        const float *yv;
        Node tmp = *n;
        tmp.in = arena_array(g->a, (size_t)n->n_in, sizeof(TensorId));
        memcpy(tmp.in, n->in, (size_t)n->n_in * sizeof(TensorId));
        tmp.in[0] = xs;
        tmp.out = &ys;
        tmp.n_out = 1;
        for (i = 1; i < n->n_in; i++)
            if (n->in[i] != TC_NONE)
                vals[n->in[i]] = g->t[n->in[i]].f ? (void *)g->t[n->in[i]].f : (void *)g->t[n->in[i]].i;
        for (q = -128; q < 128; q++)
            xv[q + 128] = (float)(q - in.zp) * in.scale; /* DequantizeLinear, in float32 */
        vals[xs] = xv;
        interp_node(g, &tmp, vals);
        yv = vals[ys];
        for (q = 0; q < 256; q++) {
            float v = yv[q] / out.scale; /* QuantizeLinear: float32 division, ties to even, saturated */
            double r;
            if (isnan(v))
                node_error(g, n, "quantized model: the value for the int8 input %d is NaN; no integer stands for it",
                           q - 128);
            r = isinf(v) ? (v > 0 ? 1e9 : -1e9) : (double)rintf(v) + out.zp;
            lut[q] = (int8_t)(r < -128.0 ? -128 : r > 127.0 ? 127 : r);
        }
    }
    return lut;
}

static QParam fixed_param(const Graph *g, float scale, int32_t zp)
{
    QParam q;
    q.scale = scale; /* qdq.c checked: a normal float in 2^-100 .. 2^100 */
    q.zp = zp;
    quant_multiplier(g, NULL, 1.0 / (double)scale, &q.inv_m, &q.inv_s);
    return q;
}

static int same_param(QParam a, QParam b)
{
    return a.scale == b.scale && a.zp == b.zp;
}

/*
 * Float islands. A node of a quantized model that no integer form computes
 * (an Add or Concat of two activations, Softmax, AveragePool, a grouped Conv,
 * a layer whose output no QuantizeLinear follows, ...) runs in float, as the
 * file says: its int8 inputs dequantised, x = (q - zp) * s in float32, the
 * float op (the float family's code; the reference interpreter's node), and
 * each output either quantised again where the file quantises it,
 *   q = saturate(round_half_even(y / s) + zp)   (float32 division),
 * or kept in float for the next island node or a float graph output. The
 * integer layers around it stay integer.
 */
static int float_island(Graph *g, const Node *n, const QuantPlan *p, const char *known, int fixed)
{
    const QdqInfo *fx = g->qdq;
    int i, integer_in = 1;
    for (i = 0; i < n->n_in; i++) {
        TensorId t = n->in[i];
        if (t == TC_NONE || ir_is_const(&g->t[t]))
            continue;
        if (!known[t] && !p->flt[t])
            node_error(g, n, "quantized model: input '%s' has no scale (no DequantizeLinear or QLinear node makes "
                       "it); the integer path needs one", text_comment(g->a, g->t[t].name));
        if (!known[t] || i > 0)
            integer_in = 0;
    }
    if (!integer_in || int_refusal(g, n))
        return 1;
    if (quant_view(n->op) || n->op == OP_RELU || n->op == OP_MAXPOOL)
        return 0;
    if (!fixed) /* a table or a layer needs its output's scale */
        return 1;
    if (!table_op(g, n) && n->op != OP_RELU &&
        (n->in[1] >= fx->nt || !fx->wq[n->in[1]])) /* float weights: not the file's integers */
        return 1;
    return 0;
}

static void island_node(Graph *g, const Node *n, QuantPlan *p, char *known)
{
    const QdqInfo *fx = g->qdq;
    int i;
    for (i = 0; i < n->n_in; i++)
        if (n->in[i] != TC_NONE && g->t[n->in[i]].input_index >= 0 && !fx->io[n->in[i]])
            node_error(g, n, "quantized model: computed in float (no integer form), it reads the float graph input "
                       "'%s' itself, not its QuantizeLinear's integers; ticketc quantises the graph's float inputs on "
                       "entry", text_comment(g->a, g->t[n->in[i]].name));
    p->island[n - g->n] = 1;
    p->islands++;
    for (i = 0; i < n->n_out; i++) {
        TensorId y = n->out[i];
        if (y == TC_NONE)
            continue;
        if (y < fx->nt && fx->act[y]) {
            p->t[y] = fixed_param(g, fx->scale[y], fx->zp[y]);
            known[y] = 1;
        } else {
            p->flt[y] = 1;
        }
    }
}

/*
 * Every live node's tensors get the file's parameters: a layer's input those
 * of its producer (or the graph input's), its output those the file gives it
 * (a QuantizeLinear after it, or the QLinear node's); views, Relu and MaxPool
 * keep their input's, and where the file gives their output others, that is
 * refused (it would need a requantising step of its own).
 */
void quantize_qdq(Graph *g)
{
    const QdqInfo *fx = g->qdq;
    QuantPlan *p = arena_alloc(g->a, sizeof *p);
    char *known;
    int k;
    /* the scratch tensors of the tables: 256 floats in and out */
    TensorId xs = ir_new_tensor(g, ""), ys = ir_new_tensor(g, "");
    int64_t d256 = 256;
    ir_set_dims(&g->t[xs], 1, &d256);
    ir_set_dims(&g->t[ys], 1, &d256);
    known = arena_alloc(g->a, g->nt + 1);
    check_supported(g, "quantized model");
    p->lut = arena_array(g->a, (size_t)g->nn + 1, sizeof(int8_t *));
    p->t = arena_array(g->a, g->nt + 1, sizeof(QParam));
    p->layer = arena_array(g->a, (size_t)g->nn + 1, sizeof(QLayer *));
    p->island = arena_alloc(g->a, (size_t)g->nn + 1);
    p->flt = arena_alloc(g->a, g->nt + 1);
    for (k = 0; k < g->n_inputs; k++) {
        TensorId id = g->inputs[k];
        if (id >= fx->nt || !fx->act[id])
            fatal("quantized model: graph input '%s' is not quantized (no QuantizeLinear, DequantizeLinear or QLinear "
                  "node reads it); the integer path needs its scale", text_comment(g->a, g->t[id].name));
        p->t[id] = fixed_param(g, fx->scale[id], fx->zp[id]);
        known[id] = 1;
    }
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        TensorId x, y;
        int fixed;
        if (n->dead)
            continue;
        x = n->in[0];
        y = n->out[0];
        fixed = y < fx->nt && fx->act[y];
        if (float_island(g, n, p, known, fixed)) {
            island_node(g, n, p, known);
            continue;
        }
        if (table_op(g, n) || (n->op == OP_RELU && fixed &&
                               !same_param(p->t[x], fixed_param(g, fx->scale[y], fx->zp[y])))) {
            p->t[y] = fixed_param(g, fx->scale[y], fx->zp[y]);
            p->lut[k] = make_table(g, n, p->t[x], p->t[y], xs, ys);
        } else if (quant_view(n->op) || n->op == OP_RELU || n->op == OP_MAXPOOL) {
            p->t[y] = p->t[x];
            if (fixed && !same_param(p->t[y], fixed_param(g, fx->scale[y], fx->zp[y])))
                node_error(g, n, "quantized model: the input has scale %.9g and zero point %d, the output (%s) "
                           "scale %.9g and zero point %d; the integer %s keeps its input's",
                           (double)p->t[x].scale, (int)p->t[x].zp, fx->by[y], (double)fx->scale[y], (int)fx->zp[y],
                           op_name(n->op));
        } else {
            p->t[y] = fixed_param(g, fx->scale[y], fx->zp[y]);
            p->layer[k] = quant_layer(g, n, &p->t[x], &p->t[y], fx);
        }
        known[y] = 1;
    }
    for (k = 0; k < g->n_outputs; k++)
        if (p->flt[g->outputs[k]] && fx->int_io)
            fatal("quantized model: graph output '%s' is computed in float (no QuantizeLinear after it), the "
                  "model's other inputs and outputs are integers; ticketc's generated API has one type for all",
                  text_comment(g->a, g->t[g->outputs[k]].name));
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
    int64_t samples = calibrate(g, calib, max_bytes, lo, hi, zeros, NULL);
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
