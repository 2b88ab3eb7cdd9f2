/*
 * qops.c - quantisation operators with run-time parameters (issue 16 item 1,
 * issue 18 item 2): shape inference and the reference interpreter.
 *
 * The integer path (qdq.c, quant.c, emit_int*.c) takes a quantized model whose
 * scales, zero points and weights are constants. A model that computes them
 * (DynamicQuantizeLinear and its expanded form), feeds them as graph inputs
 * (the ONNX backend tests), or uses int32 results (MatMulInteger, ConvInteger)
 * runs instead as ordinary run-time typed ops (emit_types.c's integer tensors,
 * emit_qops.c writes them). qops_runtime, called first by qdq_rewrite, decides
 * that for the whole graph. The formulas, here and in the generated code:
 *
 *   QuantizeLinear    y = sat(rne(x / s) + zp)     x / s in float32, rne: round
 *                     half to even, sat: to int8 [-128, 127] or uint8 [0, 255]
 *                     (the zero point's type; uint8 without one); NaN gives zp
 *   DequantizeLinear  y = (float)(x - zp) * s     int8, uint8, int32 x
 *     per tensor (scale of 1 element) or per axis (1-D scale along 'axis')
 *   MatMulInteger     y = sum_k (a - azp)(b - bzp)     int32, wrapping
 *   ConvInteger       y = sum (x - xzp)(w - wzp)        int32, wrapping; the
 *                     padding is x's zero point (contributes nothing)
 *   QLinearMatMul     acc as MatMulInteger, then y = sat(rne((float)acc * m)
 *   QLinearConv         + yzp), m = (as * bs) / ys in float32 (per row of a,
 *                     column of b, output channel of w where those scales are
 *                     1-D); QLinearConv adds its int32 bias to acc first. This
 *                     is ONNX Runtime's requantisation, and gives the backend
 *                     tests' expected outputs exactly.
 *   DynamicQuantizeLinear  lo = min(0, min x), hi = max(0, max x),
 *                     s = (hi - lo) / 255, zp = sat(rne(0 - lo / s)), y as
 *                     QuantizeLinear (uint8), all float32 as the spec's numpy;
 *                     an all-zero x gives s = 0, zp = 0, y = 0.
 * A constant scale that is zero, negative, NaN or infinite is refused when
 * compiling; one computed at run time is used as IEEE arithmetic makes it
 * (x / 0 is an infinity: saturated; 0 / 0 NaN: the zero point).
 */
#include <string.h>

#include "ticketc.h"

/* ---- the decision ---- */

static int is_const_id(const Graph *g, TensorId id)
{
    TensorId t = id;
    int hops = 0;
    while (!g->t[t].f && !g->t[t].i && g->t[t].producer >= 0 && hops++ < 64) {
        const Node *p = &g->n[g->t[t].producer];
        if (p->op != OP_IDENTITY || p->n_in < 1 || p->in[0] == TC_NONE)
            break;
        t = p->in[0];
    }
    return g->t[t].f || g->t[t].i;
}

int qops_runtime(Graph *g)
{
    int k, i, rt = 0;
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        int op = (int)n->op, first = 1;
        if (op == OP_DYNAMICQUANTIZE || op == OP_MATMULINTEGER || op == OP_CONVINTEGER)
            rt = 1;
        if (op != OP_QUANTIZELINEAR && op != OP_DEQUANTIZELINEAR && op != OP_QLINEARCONV && op != OP_QLINEARMATMUL)
            continue;
        for (i = first; i < n->n_in; i++) /* every input but the activation: scales, zero points, weights, bias */
            if (n->in[i] != TC_NONE && !is_const_id(g, n->in[i]))
                rt = 1;
    }
    if (!rt)
        return 0;
    for (k = 0; k < g->nn; k++) {
        Node *n = &g->n[k];
        if ((int)n->op >= OP_QUANTIZELINEAR && (int)n->op < OP_QDQ_END)
            n->op = (OpKind)(OP_RTQ_QUANTIZE + ((int)n->op - OP_QUANTIZELINEAR));
    }
    for (k = 0; k < g->n_inputs; k++) { /* the ONNX front end's int8/uint8 inputs of a quantized model */
        Tensor *t = &g->t[g->inputs[k]];
        if (t->dtype == DT_FLOAT && (t->etype == ET_INT8 || t->etype == ET_UINT8))
            t->dtype = DT_INT64;
    }
    return 1;
}

/* ---- shapes ---- */

static int et_of(const Graph *g, TensorId id)
{
    const Tensor *t = &g->t[id];
    return t->dtype == DT_FLOAT ? ET_FLOAT : tensor_etype(t);
}

static int has(const Node *n, int i)
{
    return i < n->n_in && n->in[i] != TC_NONE;
}

static const char *et_str(int et)
{
    switch (et) {
    case ET_FLOAT: return "float";
    case ET_INT8: return "int8";
    case ET_UINT8: return "uint8";
    case ET_INT32: return "int32";
    case ET_INT64: return "int64";
    case ET_BOOL: return "bool";
    default: return "another type";
    }
}

static const char *tn(const Graph *g, TensorId id)
{
    return diag_escape(g->a, g->t[id].name);
}

static void set_out(Graph *g, Node *n, int k, int et, int rank, const int64_t *dims)
{
    Tensor *y = &g->t[n->out[k]];
    y->dtype = et == ET_FLOAT ? DT_FLOAT : DT_INT64;
    y->etype = et;
    ir_set_dims(y, rank, dims);
}

static void need_int8(Graph *g, Node *n, int i, const char *what)
{
    int et;
    if (!has(n, i))
        node_error(g, n, "input %d (%s) is missing", i, what);
    et = et_of(g, n->in[i]);
    if (et != ET_INT8 && et != ET_UINT8)
        node_error(g, n, "input %d (%s) '%s' is %s; it must be int8 or uint8", i, what, tn(g, n->in[i]), et_str(et));
}

/*
 * Scale si and zero point zi (absent: 0 of type deftype) of a quantised tensor: a float
 * scale of 1 element or 1-D of len (len 0: per tensor only); a zero point of the same
 * count, of type want (0: int8 or uint8). Constant scales must be positive and finite.
 * Returns the zero point's type.
 */
static int check_param(Graph *g, Node *n, int si, int zi, int64_t len, int want, int deftype, const char *what)
{
    const Tensor *s, *z;
    int64_t cnt, i;
    int zt = deftype;
    if (!has(n, si))
        node_error(g, n, "the scale of %s (input %d) is missing", what, si);
    s = &g->t[n->in[si]];
    cnt = ir_numel(s);
    if (s->dtype != DT_FLOAT)
        node_error(g, n, "the scale '%s' of %s is %s; it must be float", tn(g, n->in[si]), what, et_str(et_of(g, n->in[si])));
    if (s->rank > 1 || cnt < 1 || (cnt > 1 && cnt != len) || (s->rank == 1 && cnt != 1 && !len))
        node_error(g, n, "the scale '%s' of %s is %s; it must have 1 element%s", tn(g, n->in[si]), what,
                   ir_shape_str(g->a, s), len > 1 ? arena_printf(g->a, " or be [%lld]", (long long)len) : "");
    if (s->f)
        for (i = 0; i < cnt; i++) {
            float v = s->f[i];
            if (!(v > 0.0f) || v - v != 0.0f)
                node_error(g, n, "scale '%s'[%lld] is %g; scales must be positive and finite", tn(g, n->in[si]),
                           (long long)i, (double)v);
        }
    if (!has(n, zi))
        return zt;
    z = &g->t[n->in[zi]];
    zt = et_of(g, n->in[zi]);
    if (ir_numel(z) != cnt || z->rank > 1)
        node_error(g, n, "the zero point '%s' %s of %s does not match its scale %s", tn(g, n->in[zi]),
                   ir_shape_str(g->a, z), what, ir_shape_str(g->a, s));
    if (want ? zt != want : zt != ET_INT8 && zt != ET_UINT8)
        node_error(g, n, "the zero point '%s' of %s is %s; it must be %s", tn(g, n->in[zi]), what, et_str(zt),
                   want ? et_str(want) : "int8 or uint8");
    return zt;
}

/* Batched matrix product a [..., M, K] x b [..., K, N] (batch axes broadcast): the output's
 * dims into d, its rank returned. */
static int mm_shape(Graph *g, Node *n, int ai, int bi, int64_t *d, int64_t *M, int64_t *N)
{
    const Tensor *a = &g->t[n->in[ai]], *b = &g->t[n->in[bi]];
    int r = a->rank > b->rank ? a->rank : b->rank, k;
    if (a->rank < 2 || b->rank < 2)
        node_error(g, n, "inputs %s and %s: both must have rank 2 or more", ir_shape_str(g->a, a), ir_shape_str(g->a, b));
    if (a->dims[a->rank - 1] != b->dims[b->rank - 2])
        node_error(g, n, "inputs %s and %s do not multiply", ir_shape_str(g->a, a), ir_shape_str(g->a, b));
    for (k = 0; k < r - 2; k++) {
        int ka = k - (r - a->rank), kb = k - (r - b->rank);
        int64_t da = ka >= 0 ? a->dims[ka] : 1, db = kb >= 0 ? b->dims[kb] : 1;
        if (da != db && da != 1 && db != 1)
            node_error(g, n, "batch axes of %s and %s do not broadcast", ir_shape_str(g->a, a), ir_shape_str(g->a, b));
        d[k] = da > db ? da : db;
    }
    *M = d[r - 2] = a->dims[a->rank - 2];
    *N = d[r - 1] = b->dims[b->rank - 1];
    return r;
}

/* The Conv window of a node whose x is input 0 and w input wi. */
static void qconv_window(Graph *g, const Node *n, int wi, Window *w)
{
    Node fake = *n;
    TensorId io[2];
    io[0] = n->in[0];
    io[1] = n->in[wi];
    fake.op = OP_CONV;
    fake.in = io;
    fake.n_in = 2;
    if (g->t[n->in[0]].rank != 3 && g->t[n->in[0]].rank != 4)
        node_error(g, n, "input %s: only 1-D and 2-D (rank 3 and 4) inputs are supported", ir_shape_str(g->a, &g->t[n->in[0]]));
    conv_window(g, &fake, w);
}

static int qaxis(const Node *n, const Tensor *x)
{
    int64_t ax = attr_int(n, "axis", 1);
    if (ax < 0)
        ax += x->rank;
    return ax >= 0 && ax < x->rank ? (int)ax : -1;
}

void shape_qops(Graph *g, Node *n)
{
    const Tensor *x = has(n, 0) ? &g->t[n->in[0]] : NULL;
    int64_t d[TC_MAX_RANK], M, N;
    int r, ax, zt;
    Window w;
    if (!x)
        node_error(g, n, "input 0 is missing");
    switch (n->op) {
    case OP_RTQ_QUANTIZE: case OP_RTQ_DEQUANTIZE: {
        int q = n->op == OP_RTQ_QUANTIZE;
        int xt = et_of(g, n->in[0]);
        if (n->n_in > 3)
            node_error(g, n, "expects at most 3 inputs");
        ax = qaxis(n, x);
        if (q && xt != ET_FLOAT)
            node_error(g, n, "input '%s' is %s; QuantizeLinear reads float", tn(g, n->in[0]), et_str(xt));
        if (!q && xt != ET_INT8 && xt != ET_UINT8 && xt != ET_INT32)
            node_error(g, n, "input '%s' is %s; DequantizeLinear reads int8, uint8 or int32", tn(g, n->in[0]), et_str(xt));
        if (has(n, 1) && ir_numel(&g->t[n->in[1]]) > 1 && ax < 0)
            node_error(g, n, "per-axis scales along axis %lld, which the input %s does not have",
                       (long long)attr_int(n, "axis", 1), ir_shape_str(g->a, x));
        zt = check_param(g, n, 1, 2, ax >= 0 ? x->dims[ax] : 0, q ? 0 : xt, q ? ET_UINT8 : xt, q ? "the output" : "the input");
        if (!q && xt == ET_INT32 && has(n, 2) && g->t[n->in[2]].i)
            for (M = 0; M < ir_numel(&g->t[n->in[2]]); M++)
                if (g->t[n->in[2]].i[M])
                    node_error(g, n, "an int32 input's zero point must be 0");
        set_out(g, n, 0, q ? zt : ET_FLOAT, x->rank, x->dims);
        return;
    }
    case OP_DYNAMICQUANTIZE:
        if (et_of(g, n->in[0]) != ET_FLOAT)
            node_error(g, n, "input '%s' is %s; it must be float", tn(g, n->in[0]), et_str(et_of(g, n->in[0])));
        if (n->n_out != 3)
            node_error(g, n, "expects 3 outputs (y, y_scale, y_zero_point), found %d", n->n_out);
        set_out(g, n, 0, ET_UINT8, x->rank, x->dims);
        set_out(g, n, 1, ET_FLOAT, 0, d);
        set_out(g, n, 2, ET_UINT8, 0, d);
        return;
    case OP_RTQ_MATMULINTEGER:
        need_int8(g, n, 0, "A");
        need_int8(g, n, 1, "B");
        r = mm_shape(g, n, 0, 1, d, &M, &N);
        if (has(n, 2) && (ir_numel(&g->t[n->in[2]]) != 1 && ir_numel(&g->t[n->in[2]]) != M))
            node_error(g, n, "a_zero_point %s must have 1 or %lld elements", ir_shape_str(g->a, &g->t[n->in[2]]), (long long)M);
        if (has(n, 3) && (ir_numel(&g->t[n->in[3]]) != 1 && ir_numel(&g->t[n->in[3]]) != N))
            node_error(g, n, "b_zero_point %s must have 1 or %lld elements", ir_shape_str(g->a, &g->t[n->in[3]]), (long long)N);
        if (has(n, 2) && et_of(g, n->in[2]) != et_of(g, n->in[0]))
            node_error(g, n, "a_zero_point must have A's type");
        if (has(n, 3) && et_of(g, n->in[3]) != et_of(g, n->in[1]))
            node_error(g, n, "b_zero_point must have B's type");
        set_out(g, n, 0, ET_INT32, r, d);
        return;
    case OP_RTQ_QLINEARMATMUL:
        need_int8(g, n, 0, "a");
        need_int8(g, n, 3, "b");
        r = mm_shape(g, n, 0, 3, d, &M, &N);
        check_param(g, n, 1, 2, M, et_of(g, n->in[0]), et_of(g, n->in[0]), "a");
        check_param(g, n, 4, 5, N, et_of(g, n->in[3]), et_of(g, n->in[3]), "b");
        if (!has(n, 7))
            node_error(g, n, "input 7 (y_zero_point) is missing");
        zt = check_param(g, n, 6, 7, 0, 0, 0, "the output");
        set_out(g, n, 0, zt, r, d);
        return;
    case OP_RTQ_CONVINTEGER:
        need_int8(g, n, 0, "x");
        need_int8(g, n, 1, "w");
        qconv_window(g, n, 1, &w);
        if (has(n, 2) && (ir_numel(&g->t[n->in[2]]) != 1 || et_of(g, n->in[2]) != et_of(g, n->in[0])))
            node_error(g, n, "x_zero_point must be one value of x's type");
        if (has(n, 3) && ((ir_numel(&g->t[n->in[3]]) != 1 && ir_numel(&g->t[n->in[3]]) != w.m) ||
                          et_of(g, n->in[3]) != et_of(g, n->in[1])))
            node_error(g, n, "w_zero_point must be 1 or %lld values of w's type", (long long)w.m);
        zt = ET_INT32;
        break;
    case OP_RTQ_QLINEARCONV:
        need_int8(g, n, 0, "x");
        need_int8(g, n, 3, "w");
        qconv_window(g, n, 3, &w);
        check_param(g, n, 1, 2, 0, et_of(g, n->in[0]), et_of(g, n->in[0]), "x");
        check_param(g, n, 4, 5, w.m, et_of(g, n->in[3]), et_of(g, n->in[3]), "w");
        if (!has(n, 7))
            node_error(g, n, "input 7 (y_zero_point) is missing");
        zt = check_param(g, n, 6, 7, 0, 0, 0, "the output");
        if (has(n, 8) && (et_of(g, n->in[8]) != ET_INT32 || g->t[n->in[8]].rank != 1 || g->t[n->in[8]].dims[0] != w.m))
            node_error(g, n, "the bias '%s' must be int32 [%lld]", tn(g, n->in[8]), (long long)w.m);
        break;
    default: BUG("not a qops op");
    }
    d[0] = w.batch; /* the convolutions */
    d[1] = w.m;
    d[2] = w.out[2 - w.nd];
    d[3] = w.out[1];
    set_out(g, n, 0, zt, w.nd + 2, d);
}

/* ---- the reference ---- */

/* sat(rne(r) + zp) into [lo, hi]; NaN gives sat(zp). Without libm, as the generated tc_qround. */
static int64_t qround(float r, int64_t zp, int64_t lo, int64_t hi)
{
    int32_t i;
    float f;
    int64_t v;
    if (r != r)
        i = 0;
    else {
        r = r < -65536.0f ? -65536.0f : r > 65536.0f ? 65536.0f : r;
        i = (int32_t)r;
        f = r - (float)i;
        if (f > 0.5f || (f == 0.5f && ((uint32_t)i & 1u)))
            i++;
        else if (f < -0.5f || (f == -0.5f && ((uint32_t)i & 1u)))
            i--;
    }
    v = (int64_t)i + zp;
    return v < lo ? lo : v > hi ? hi : v;
}

static int64_t lo_of(int et)
{
    return et == ET_INT8 ? -128 : 0;
}

static int64_t hi_of(int et)
{
    return et == ET_INT8 ? 127 : 255;
}

static int32_t wrap32(int64_t v)
{
    return (int32_t)(uint32_t)(uint64_t)v;
}

static void *out_vals(Graph *g, const Node *n, int k, void **vals)
{
    const Tensor *y = &g->t[n->out[k]];
    void *p = y->dtype == DT_FLOAT ? arena_array(g->a, (size_t)ir_numel(y) + 1, sizeof(float))
                                   : arena_array(g->a, (size_t)ir_numel(y) + 1, sizeof(int64_t));
    vals[n->out[k]] = p;
    return p;
}

/* Element o of a [outer, len, inner] view's parameter index: per tensor 0, per axis the axis coordinate. */
static void axis_extent(const Graph *g, const Node *n, int64_t *len, int64_t *inner)
{
    const Tensor *x = &g->t[n->in[0]];
    int64_t cnt = ir_numel(&g->t[n->in[1]]);
    int ax, k;
    *len = 1;
    *inner = 1;
    if (cnt == 1)
        return;
    ax = (int)attr_int(n, "axis", 1);
    if (ax < 0)
        ax += x->rank;
    *len = x->dims[ax];
    for (k = ax + 1; k < x->rank; k++)
        *inner *= x->dims[k];
}

static int64_t zp_at(void **vals, const Node *n, int zi, int64_t i)
{
    return has(n, zi) ? ((const int64_t *)vals[n->in[zi]])[i] : 0;
}

/* Offset of batch b (of the output's batch axes) in operand t of a batched product. */
static int64_t mm_batch_off(const Tensor *t, const Tensor *y, int64_t b)
{
    int64_t off = 0, st = t->dims[t->rank - 1] * t->dims[t->rank - 2];
    int k;
    for (k = y->rank - 3; k >= 0; k--) {
        int64_t c = b % y->dims[k];
        int tk = k - (y->rank - t->rank);
        b /= y->dims[k];
        if (tk >= 0) {
            if (t->dims[tk] != 1)
                off += c * st;
            st *= t->dims[tk];
        }
    }
    return off;
}

static void eval_matmul_q(Graph *g, const Node *n, void **vals, int q)
{
    int bi = q ? 3 : 1, azi = q ? 2 : 2, bzi = q ? 5 : 3;
    const Tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[bi]], *y = &g->t[n->out[0]];
    const int64_t *A = vals[n->in[0]], *B = vals[n->in[bi]];
    int64_t M = a->dims[a->rank - 2], K = a->dims[a->rank - 1], N = b->dims[b->rank - 1];
    int64_t batches = M > 0 && N > 0 ? ir_numel(y) / (M * N) : 0, bt, i, j, k; /* an empty constant: nothing */
    int64_t na = has(n, azi) ? ir_numel(&g->t[n->in[azi]]) : 1, nb = has(n, bzi) ? ir_numel(&g->t[n->in[bzi]]) : 1;
    int64_t *Y = out_vals(g, n, 0, vals);
    for (bt = 0; bt < batches; bt++) {
        int64_t oa = mm_batch_off(a, y, bt), ob = mm_batch_off(b, y, bt);
        for (i = 0; i < M; i++)
            for (j = 0; j < N; j++) {
                int64_t za = zp_at(vals, n, azi, na > 1 ? i : 0), zb = zp_at(vals, n, bzi, nb > 1 ? j : 0);
                int32_t acc = 0;
                for (k = 0; k < K; k++)
                    acc = wrap32((int64_t)acc + (A[oa + i * K + k] - za) * (B[ob + k * N + j] - zb));
                if (q) {
                    const float *as = vals[n->in[1]], *bs = vals[n->in[4]], *ys = vals[n->in[6]];
                    float m = as[ir_numel(&g->t[n->in[1]]) > 1 ? i : 0] * bs[ir_numel(&g->t[n->in[4]]) > 1 ? j : 0] / ys[0];
                    int et = et_of(g, n->out[0]);
                    Y[(bt * M + i) * N + j] = qround((float)acc * m, zp_at(vals, n, 7, 0), lo_of(et), hi_of(et));
                } else {
                    Y[(bt * M + i) * N + j] = acc;
                }
            }
    }
}

static void eval_conv_q(Graph *g, const Node *n, void **vals, int q)
{
    int wi = q ? 3 : 1, xzi = q ? 2 : 2, wzi = q ? 5 : 3;
    Window w;
    const int64_t *X = vals[n->in[0]], *W = vals[n->in[wi]];
    const int64_t *Bv = q && has(n, 8) ? vals[n->in[8]] : NULL;
    int64_t nwz = has(n, wzi) ? ir_numel(&g->t[n->in[wzi]]) : 1, nws = q ? ir_numel(&g->t[n->in[4]]) : 1;
    int64_t *Y = out_vals(g, n, 0, vals);
    int64_t b, m, oh, ow, c, kh, kw, cg, mg;
    int et = et_of(g, n->out[0]);
    qconv_window(g, n, wi, &w);
    cg = w.c / w.group;
    mg = w.m / w.group;
    for (b = 0; b < w.batch; b++)
        for (m = 0; m < w.m; m++) {
            int64_t xz = zp_at(vals, n, xzi, 0), wz = zp_at(vals, n, wzi, nwz > 1 ? m : 0), grp = m / mg;
            for (oh = 0; oh < w.out[0]; oh++)
                for (ow = 0; ow < w.out[1]; ow++) {
                    int32_t acc = Bv ? wrap32(Bv[m]) : 0;
                    for (c = 0; c < cg; c++)
                        for (kh = 0; kh < w.k[0]; kh++)
                            for (kw = 0; kw < w.k[1]; kw++) {
                                int64_t ih = oh * w.s[0] - w.pb[0] + kh * w.d[0], iw = ow * w.s[1] - w.pb[1] + kw * w.d[1];
                                if (ih < 0 || ih >= w.in[0] || iw < 0 || iw >= w.in[1])
                                    continue;
                                acc = wrap32((int64_t)acc +
                                             (X[((b * w.c + grp * cg + c) * w.in[0] + ih) * w.in[1] + iw] - xz) *
                                                 (W[((m * cg + c) * w.k[0] + kh) * w.k[1] + kw] - wz));
                            }
                    if (q) {
                        const float *xs = vals[n->in[1]], *ws = vals[n->in[4]], *ys = vals[n->in[6]];
                        float mult = xs[0] * ws[nws > 1 ? m : 0] / ys[0];
                        Y[((b * w.m + m) * w.out[0] + oh) * w.out[1] + ow] =
                            qround((float)acc * mult, zp_at(vals, n, 7, 0), lo_of(et), hi_of(et));
                    } else {
                        Y[((b * w.m + m) * w.out[0] + oh) * w.out[1] + ow] = acc;
                    }
                }
        }
}

void interp_qops(Graph *g, const Node *n, void **vals)
{
    const Tensor *x = &g->t[n->in[0]];
    int64_t cnt = ir_numel(x), i, len, inner;
    switch (n->op) {
    case OP_RTQ_QUANTIZE: {
        const float *X = vals[n->in[0]], *S = vals[n->in[1]];
        int64_t *Y = out_vals(g, n, 0, vals);
        int et = et_of(g, n->out[0]);
        axis_extent(g, n, &len, &inner);
        for (i = 0; i < cnt; i++) {
            int64_t p = (i / inner) % len;
            Y[i] = qround(X[i] / S[p], zp_at(vals, n, 2, p), lo_of(et), hi_of(et));
        }
        return;
    }
    case OP_RTQ_DEQUANTIZE: {
        const int64_t *X = vals[n->in[0]];
        const float *S = vals[n->in[1]];
        float *Y = out_vals(g, n, 0, vals);
        axis_extent(g, n, &len, &inner);
        for (i = 0; i < cnt; i++) {
            int64_t p = (i / inner) % len;
            Y[i] = (float)(X[i] - zp_at(vals, n, 2, p)) * S[p];
        }
        return;
    }
    case OP_DYNAMICQUANTIZE: {
        const float *X = vals[n->in[0]];
        int64_t *Y = out_vals(g, n, 0, vals), *Z = out_vals(g, n, 2, vals), zp;
        float *S = out_vals(g, n, 1, vals), lo = 0.0f, hi = 0.0f, s;
        for (i = 0; i < cnt; i++) {
            lo = X[i] < lo ? X[i] : lo;
            hi = X[i] > hi ? X[i] : hi;
        }
        s = (hi - lo) / 255.0f;
        zp = qround(0.0f - lo / s, 0, 0, 255);
        for (i = 0; i < cnt; i++)
            Y[i] = qround(X[i] / s, zp, 0, 255);
        S[0] = s;
        Z[0] = zp;
        return;
    }
    case OP_RTQ_MATMULINTEGER: eval_matmul_q(g, n, vals, 0); return;
    case OP_RTQ_QLINEARMATMUL: eval_matmul_q(g, n, vals, 1); return;
    case OP_RTQ_CONVINTEGER: eval_conv_q(g, n, vals, 0); return;
    case OP_RTQ_QLINEARCONV: eval_conv_q(g, n, vals, 1); return;
    default: BUG("not a qops op");
    }
}
