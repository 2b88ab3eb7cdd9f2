/*
 * qdq.c - quantized ONNX models into the integer IR (issue 16, item 1).
 *
 * A quantized model says in its own operators where the integers are:
 *   QuantizeLinear     y = saturate(round_half_even(x / s) + zp)   (int8 or uint8)
 *   DequantizeLinear   y = (x - zp) * s
 *   QLinearConv, QLinearMatMul: both in one node, integers in and out.
 * The integer family (quant.c, interp_int.c, emit_int.c) computes layers on
 * int8 activations of one scale and zero point each. So this pass, run by
 * the ONNX front end once the graph is read, turns
 *   - a QuantizeLinear or DequantizeLinear of an activation into an Identity
 *     (the same int8 bytes), the tensors on both sides carrying the file's
 *     scale and zero point (g->qdq->act, scale, zp);
 *   - a DequantizeLinear of constant integers (weights, int32 biases) into a
 *     float constant, remembered with its integers and per-axis scales;
 *   - a QuantizeLinear of a float constant into its integers, computed as the
 *     specification says (float32 division, ties to even, saturated);
 *   - QLinearConv and QLinearMatMul into Conv and MatMul over such constants.
 * quantize_qdq (quant.c) then builds every integer layer from those
 * parameters: nothing is calibrated. uint8 activations become int8 by
 * subtracting 128 from values and zero point alike (exact). Weights must
 * be int8 or uint8 with q - zp within [-128, 127] for every value (uint8
 * with zero point 128 always is): they are used as the int8 q - zp.
 * MatMulInteger and ConvInteger (int32 results, dynamic quantisation) are
 * refused, naming the node.
 */
#include <math.h>
#include <string.h>

#include "ticketc.h"

static const char *const qdq_names[] = {"QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul",
                                        "MatMulInteger", "ConvInteger"};

int qdq_lookup(const char *onnx_name)
{
    int i;
    for (i = 0; i < OP_QDQ_END - OP_QUANTIZELINEAR; i++)
        if (strcmp(qdq_names[i], onnx_name) == 0)
            return OP_QUANTIZELINEAR + i;
    return -1;
}

const char *qdq_name(int op)
{
    return qdq_names[op - OP_QUANTIZELINEAR];
}

static int is_qdq(int op)
{
    return op >= OP_QUANTIZELINEAR && op < OP_QDQ_END;
}

/* "node 3 'q1' (QuantizeLinear)": ir_where knows only the table's names */
static const char *where(const Graph *g, const Node *n)
{
    const char *op = is_qdq((int)n->op) ? qdq_names[n->op - OP_QUANTIZELINEAR] : op_name(n->op);
    return arena_printf(g->a, "node %d '%s' (%s)", n->index, diag_escape(g->a, n->name), op);
}

static void qerr(const Graph *g, const Node *n, const char *fmt, ...) TC_PRINTF(3, 4) TC_NORETURN;
static void qerr(const Graph *g, const Node *n, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fatal("%s: %s", where(g, n), msg);
}

static const char *tname(const Graph *g, TensorId id)
{
    return diag_escape(g->a, g->t[id].name);
}

/* The constant behind id through Identity nodes (PyTorch's export shares zero points
 * that way), or id itself. */
static TensorId konst(const Graph *g, TensorId id)
{
    TensorId t = id;
    int hops = 0;
    while (!g->t[t].f && !g->t[t].i && g->t[t].producer >= 0 && hops++ < 64) {
        const Node *p = &g->n[g->t[t].producer];
        if (p->op != OP_IDENTITY || p->n_in < 1 || p->in[0] == TC_NONE)
            break;
        t = p->in[0];
    }
    return g->t[t].f || g->t[t].i ? t : id;
}

/* ---- the parameters of one (de)quantising node ---- */

typedef struct {
    int64_t n;          /* 1: per tensor, else per axis */
    const float *s;
    int64_t *zp;        /* n values (zeros when the file has none) */
    int type;           /* ET_INT8, ET_UINT8 or ET_INT32: the zero point's, i.e. the integers' */
} QArgs;

static int64_t type_lo(int type)
{
    return type == ET_UINT8 ? 0 : type == ET_INT8 ? -128 : INT32_MIN;
}

static int64_t type_hi(int type)
{
    return type == ET_UINT8 ? 255 : type == ET_INT8 ? 127 : INT32_MAX;
}

static const char *type_name(int type)
{
    return type == ET_UINT8 ? "uint8" : type == ET_INT8 ? "int8" : type == ET_INT32 ? "int32" : "another type";
}

/*
 * Scale (input si) and zero point (input zi, may be absent) of node n, for
 * a tensor of `len` elements along the quantised axis (-1: unknown, per
 * tensor required). Each scale must be a positive finite normal float in
 * 2^-100 .. 2^100 (so that the integer (de)quantising is exact), each zero
 * point within its type, and per-axis parameters as long as the axis.
 */
static QArgs qargs(Graph *g, const Node *n, int si, int zi, int64_t len, int deftype)
{
    QArgs a;
    const Tensor *s, *z = NULL;
    int64_t k;
    memset(&a, 0, sizeof a);
    if (n->n_in <= si || n->in[si] == TC_NONE)
        qerr(g, n, "has no scale (input %d)", si);
    s = &g->t[konst(g, n->in[si])];
    if (!s->f)
        qerr(g, n, "the scale '%s' (input %d) is not a float constant; ticketc needs the file's scales as "
                   "initializers", tname(g, n->in[si]), si);
    if (s->rank > 1)
        qerr(g, n, "the scale '%s' has rank %d; it must be a scalar or 1-D", tname(g, n->in[si]), s->rank);
    a.n = ir_numel(s);
    if (a.n < 1)
        qerr(g, n, "the scale '%s' is empty", tname(g, n->in[si]));
    if (a.n > 1 && len == -2)
        qerr(g, n, "per-axis scales (%lld) along axis %lld, which the input of rank %d does not have", (long long)a.n,
             (long long)attr_int(n, "axis", 1), g->t[n->in[0]].rank);
    if (a.n > 1 && len < 0)
        qerr(g, n, "per-axis scales (%lld) on an activation; the integer path quantises activations per tensor",
             (long long)a.n);
    if (a.n > 1 && a.n != len)
        qerr(g, n, "per-axis scale '%s' has %lld values, the quantised axis has %lld", tname(g, n->in[si]),
             (long long)a.n, (long long)len);
    a.s = s->f;
    for (k = 0; k < a.n; k++) {
        float v = s->f[k];
        if (!(v > 0.0f) || !isfinite(v))
            qerr(g, n, "scale '%s'[%lld] is %g; scales must be positive and finite", tname(g, n->in[si]),
                 (long long)k, (double)v);
        if (v < 0x1p-100f || v > 0x1p100f)
            qerr(g, n, "scale '%s'[%lld] is %g, outside 2^-100 .. 2^100", tname(g, n->in[si]), (long long)k,
                 (double)v);
    }
    a.type = deftype;
    a.zp = arena_array(g->a, (size_t)a.n + 1, sizeof(int64_t));
    if (zi < n->n_in && n->in[zi] != TC_NONE) {
        z = &g->t[konst(g, n->in[zi])];
        if (!z->i || z->dtype != DT_INT64)
            qerr(g, n, "the zero point '%s' (input %d) is not an integer constant", tname(g, n->in[zi]), zi);
        if (z->etype != ET_INT8 && z->etype != ET_UINT8 && z->etype != ET_INT32)
            qerr(g, n, "the zero point '%s' is not int8, uint8 or int32 (ONNX element type %d)", tname(g, n->in[zi]),
                 z->etype);
        if (ir_numel(z) != a.n || z->rank > 1)
            qerr(g, n, "the zero point '%s' has %lld values, the scale %lld", tname(g, n->in[zi]),
                 (long long)ir_numel(z), (long long)a.n);
        a.type = z->etype;
        for (k = 0; k < a.n; k++) {
            a.zp[k] = z->i[k];
            if (a.zp[k] < type_lo(a.type) || a.zp[k] > type_hi(a.type))
                qerr(g, n, "zero point '%s'[%lld] is %lld, outside %s's %lld .. %lld", tname(g, n->in[zi]),
                     (long long)k, (long long)a.zp[k], type_name(a.type), (long long)type_lo(a.type),
                     (long long)type_hi(a.type));
        }
    }
    return a;
}

/* The quantised axis of x (attribute axis, default 1, negative from the end) and its length. */
static int64_t axis_len(const Node *n, const Tensor *x, int *axis)
{
    int64_t ax = attr_int(n, "axis", 1);
    if (ax < 0)
        ax += x->rank;
    *axis = 0;
    if (ax < 0 || ax >= x->rank)
        return -2; /* only per-tensor parameters then (qargs) */
    *axis = (int)ax;
    return x->dims[ax];
}

/* Elements of x before the axis (outer) and after it (inner): element e is on channel (e / inner) % len. */
static int64_t inner_of(const Tensor *x, int axis)
{
    int64_t inner = 1;
    int d;
    for (d = axis + 1; d < x->rank; d++)
        inner *= x->dims[d];
    return inner;
}

static void refuse_attrs(Graph *g, const Node *n)
{
    int i;
    for (i = 0; i < n->n_attrs; i++) {
        const Attr *at = &n->attrs[i];
        if (strcmp(at->name, "axis") == 0)
            continue;
        if (strcmp(at->name, "saturate") == 0 && at->kind == AT_INT && at->i == 1)
            continue; /* for float8 outputs only; 1 is the default */
        if (strcmp(at->name, "block_size") == 0 && at->kind == AT_INT && at->i == 0)
            continue;
        qerr(g, n, "attribute '%s' is not supported (blocked quantisation and float8 are not)",
             diag_escape(g->a, at->name));
    }
}

/* ---- the tensors' parameters ---- */

typedef struct {
    Graph *g;
    QdqInfo *q;
} Rw;

/* Fixes tensor id as an int8 activation (s, zp as int8); refuses a second, different fixing. */
static void fix_act(Rw *r, const Node *n, TensorId id, float s, int64_t zp8)
{
    QdqInfo *q = r->q;
    if (q->act[id]) {
        if (q->scale[id] != s || q->zp[id] != zp8)
            qerr(r->g, n, "tensor '%s' has scale %.9g and int8 zero point %d from %s; this node gives it scale %.9g "
                          "and int8 zero point %lld (the integer path keeps one of each per tensor)",
                 tname(r->g, id), (double)q->scale[id], (int)q->zp[id], q->by[id], (double)s, (long long)zp8);
        return;
    }
    q->act[id] = 1;
    q->scale[id] = s;
    q->zp[id] = (int32_t)zp8;
    q->by[id] = where(r->g, n);
}

/* The activation parameters of args: per tensor, int8 or uint8 (shifted by 128). */
static int64_t act_zp8(Rw *r, const Node *n, const QArgs *a)
{
    if (a->type != ET_INT8 && a->type != ET_UINT8)
        qerr(r->g, n, "%s activations are not in the integer path (int8 and uint8 are)", type_name(a->type));
    return a->type == ET_UINT8 ? a->zp[0] - 128 : a->zp[0];
}

/* Node n becomes Identity(x) -> out: the same int8 bytes. */
static void to_identity(Node *n, TensorId x)
{
    n->op = OP_IDENTITY;
    n->in[0] = x;
    n->n_in = 1;
    n->n_attrs = 0;
}

/* A constant node output: data set here, no producer any more. */
static void make_const(Graph *g, Node *n, TensorId y)
{
    g->t[y].producer = -1;
    n->op = OP_IDENTITY; /* a dead node still has a kind the passes know */
    n->n_in = 0;
    n->n_attrs = 0;
    n->dead = 1;
}

/* DequantizeLinear of the constant integers x: float constant y, its integers and scales remembered. */
static void dequantize_const(Rw *r, const Node *n, TensorId xid, TensorId y, const QArgs *a, int axis)
{
    Graph *g = r->g;
    const Tensor *x = &g->t[xid];
    Tensor *t = &g->t[y];
    int64_t m = ir_numel(x), inner = a->n > 1 ? inner_of(x, axis) : 1, len = a->n > 1 ? x->dims[axis] : 1, e;
    t->dtype = DT_FLOAT;
    ir_set_dims(t, x->rank, x->dims);
    t->f = arena_array(g->a, (size_t)m + 1, sizeof(float));
    r->q->wq[y] = arena_array(g->a, (size_t)m + 1, sizeof(int64_t));
    r->q->ws[y] = (float *)a->s;
    r->q->wn[y] = a->n;
    r->q->waxis[y] = axis;
    for (e = 0; e < m; e++) {
        int64_t c = a->n > 1 ? (e / inner) % len : 0, v = x->i[e];
        if (v < type_lo(a->type) || v > type_hi(a->type))
            qerr(g, n, "'%s'[%lld] is %lld, outside %s's range", tname(g, xid), (long long)e, (long long)v,
                 type_name(a->type));
        r->q->wq[y][e] = v - a->zp[c];
        /* y = (x - zp) * s, in float as the specification computes it */
        t->f[e] = (float)(v - a->zp[c]) * a->s[c];
    }
}

/* ---- one node each ---- */

static void rw_quantize(Rw *r, Node *n)
{
    Graph *g = r->g;
    TensorId xid = konst(g, n->in[0]), y = n->out[0];
    const Tensor *x = &g->t[xid];
    QArgs a;
    int axis = 0;
    refuse_attrs(g, n);
    if (n->n_in < 2)
        qerr(g, n, "expects 2 or 3 inputs, found %d", n->n_in);
    if (x->f) {
        /* a float constant (PyTorch's fake-quantised weights): quantised here, as the
         * specification says: x / s in float32, rounded half to even, saturated */
        int64_t m = ir_numel(x), inner, len, e;
        Tensor *t = &g->t[y];
        len = axis_len(n, x, &axis);
        a = qargs(g, n, 1, 2, len, ET_UINT8);
        if (a.type == ET_INT32)
            qerr(g, n, "an int32 output is not a QuantizeLinear type (int8, uint8)");
        inner = a.n > 1 ? inner_of(x, axis) : 1;
        len = a.n > 1 ? len : 1;
        t->dtype = DT_INT64;
        t->etype = a.type;
        ir_set_dims(t, x->rank, x->dims);
        t->i = arena_array(g->a, (size_t)m + 1, sizeof(int64_t));
        for (e = 0; e < m; e++) {
            int64_t c = a.n > 1 ? (e / inner) % len : 0;
            float v = x->f[e] / a.s[c];
            double q;
            if (!isfinite(x->f[e]))
                qerr(g, n, "'%s'[%lld] is %g, not finite", tname(g, xid), (long long)e, (double)x->f[e]);
            q = isfinite(v) ? (double)rintf(v) + (double)a.zp[c] : v > 0 ? 1e300 : -1e300;
            q = q < (double)type_lo(a.type) ? (double)type_lo(a.type) : q > (double)type_hi(a.type) ? (double)type_hi(a.type) : q;
            t->i[e] = (int64_t)q;
        }
        make_const(g, n, y);
        return;
    }
    a = qargs(g, n, 1, 2, -1, ET_UINT8);
    if (x->input_index >= 0 && x->etype != ET_FLOAT)
        qerr(g, n, "graph input '%s' is not float; QuantizeLinear reads float", tname(g, xid));
    fix_act(r, n, xid, a.s[0], act_zp8(r, n, &a));
    fix_act(r, n, y, a.s[0], act_zp8(r, n, &a));
    g->t[y].etype = a.type;
    to_identity(n, xid);
}

static void rw_dequantize(Rw *r, Node *n)
{
    Graph *g = r->g;
    TensorId xid = konst(g, n->in[0]), y = n->out[0];
    const Tensor *x = &g->t[xid];
    QArgs a;
    int axis = 0;
    refuse_attrs(g, n);
    if (n->n_in < 2)
        qerr(g, n, "expects 2 or 3 inputs, found %d", n->n_in);
    if (x->i && x->dtype == DT_INT64) {
        int64_t len = axis_len(n, x, &axis);
        if (x->etype != ET_INT8 && x->etype != ET_UINT8 && x->etype != ET_INT32)
            qerr(g, n, "'%s' is not int8, uint8 or int32", tname(g, xid));
        a = qargs(g, n, 1, 2, len, x->etype);
        if (a.type != x->etype)
            qerr(g, n, "the zero point is %s, the input '%s' %s", type_name(a.type), tname(g, xid), type_name(x->etype));
        if (a.type == ET_INT32)
            for (len = 0; len < a.n; len++)
                if (a.zp[len])
                    qerr(g, n, "an int32 input needs zero points 0, found %lld", (long long)a.zp[len]);
        dequantize_const(r, n, xid, y, &a, axis);
        make_const(g, n, y);
        return;
    }
    if (x->f)
        qerr(g, n, "'%s' is a float constant; DequantizeLinear reads integers", tname(g, xid));
    a = qargs(g, n, 1, 2, -1, ET_UINT8);
    if (x->input_index >= 0 && x->etype != a.type)
        qerr(g, n, "graph input '%s' is %s, the zero point %s", tname(g, xid),
             x->etype == ET_FLOAT ? "float" : type_name(x->etype), type_name(a.type));
    if (x->producer >= 0 && g->t[xid].etype && g->t[xid].etype != a.type)
        qerr(g, n, "'%s' is %s, the zero point %s", tname(g, xid), type_name(g->t[xid].etype), type_name(a.type));
    if (x->input_index < 0 && !r->q->act[xid] && x->producer >= 0)
        qerr(g, n, "'%s' is made by %s, not by a QuantizeLinear, QLinearConv or QLinearMatMul; the integer path "
                   "takes no other op on the integers between a QuantizeLinear and a DequantizeLinear",
             tname(g, xid), where(g, &g->n[x->producer]));
    if (x->input_index < 0 && !r->q->act[xid])
        qerr(g, n, "'%s' does not come from a QuantizeLinear, QLinearConv or QLinearMatMul; the integer path needs "
                   "its scale", tname(g, xid));
    fix_act(r, n, xid, a.s[0], act_zp8(r, n, &a));
    fix_act(r, n, y, a.s[0], act_zp8(r, n, &a));
    to_identity(n, xid);
}

/* A QLinear node's integer input (activation) at inputs (xi, si, zi): fixed or checked. */
static void qlinear_act(Rw *r, Node *n, int xi, int si, int zi)
{
    Graph *g = r->g;
    TensorId xid = n->in[xi];
    QArgs a = qargs(g, n, si, zi, -1, ET_UINT8);
    if (g->t[xid].f || g->t[xid].i)
        qerr(g, n, "input %d '%s' is a constant; the integer path needs the activation there", xi, tname(g, xid));
    if (g->t[xid].etype && g->t[xid].etype != a.type)
        qerr(g, n, "input '%s' is %s, its zero point %s", tname(g, xid),
             g->t[xid].etype == ET_FLOAT ? "float" : type_name(g->t[xid].etype), type_name(a.type));
    if (g->t[xid].input_index < 0 && !r->q->act[xid])
        qerr(g, n, "input '%s' does not come from a QuantizeLinear or QLinear node", tname(g, xid));
    fix_act(r, n, xid, a.s[0], act_zp8(r, n, &a));
}

/* A QLinear node's constant integer weights (wi, si, zi) as a new float constant along axis. */
static TensorId qlinear_weights(Rw *r, Node *n, int wi, int si, int zi, int axis)
{
    Graph *g = r->g;
    TensorId wid = konst(g, n->in[wi]), y;
    const Tensor *w = &g->t[wid];
    QArgs a;
    if (!w->i || w->dtype != DT_INT64 || (w->etype != ET_INT8 && w->etype != ET_UINT8))
        qerr(g, n, "input %d '%s' must be constant int8 or uint8 weights (the integer path computes x * W with W "
                   "constant)", wi, tname(g, wid));
    if (w->rank <= axis)
        qerr(g, n, "weights '%s' have rank %d", tname(g, wid), w->rank);
    a = qargs(g, n, si, zi, w->dims[axis], w->etype);
    if (a.type != w->etype)
        qerr(g, n, "the weights' zero point is %s, the weights %s", type_name(a.type), type_name(w->etype));
    y = ir_new_tensor(g, arena_printf(g->a, "%s_dequantized", g->t[wid].name));
    dequantize_const(r, n, wid, y, &a, axis);
    return y;
}

/*
 * Clip of integers between a QuantizeLinear and a DequantizeLinear (PyTorch
 * writes one where quant_min/quant_max narrow the type's range, e.g. fbgemm's
 * reduce_range): an Identity whose output is clamped to the bounds, in the int8
 * domain (uint8 bounds minus 128); quantize_qdq makes it a table node.
 */
static void rw_int_clip(Rw *r, Node *n)
{
    Graph *g = r->g;
    TensorId x = n->in[0], y = n->out[0];
    int64_t b[2] = {-128, 127}, shift = g->t[x].etype == ET_UINT8 ? 128 : 0;
    int i;
    if (n->n_attrs)
        qerr(g, n, "a Clip of integers with attributes (opset < 11) is not supported");
    for (i = 1; i < 3 && i < n->n_in; i++) {
        const Tensor *c;
        if (n->in[i] == TC_NONE)
            continue;
        c = &g->t[konst(g, n->in[i])];
        if (!c->i || ir_numel(c) != 1 || c->etype != g->t[x].etype)
            qerr(g, n, "the bound '%s' of a Clip of %s integers must be a %s scalar constant", tname(g, n->in[i]),
                 type_name(g->t[x].etype), type_name(g->t[x].etype));
        b[i - 1] = c->i[0] - shift;
        if (b[i - 1] < -128 || b[i - 1] > 127)
            qerr(g, n, "bound '%s' is %lld, outside %s", tname(g, n->in[i]), (long long)c->i[0],
                 type_name(g->t[x].etype));
    }
    r->q->clamp[y] = 1;
    r->q->clamp_lo[y] = (int32_t)b[0];
    r->q->clamp_hi[y] = (int32_t)b[1];
    fix_act(r, n, y, r->q->scale[x], r->q->zp[x]);
    g->t[y].etype = g->t[x].etype;
    to_identity(n, x);
}

/* QLinearConv(x, xs, xzp, w, ws, wzp, ys, yzp[, B]) -> Conv(x, W, b) with y fixed. */
static void rw_qlinearconv(Rw *r, Node *n)
{
    Graph *g = r->g;
    TensorId w, b = TC_NONE, y = n->out[0], *in;
    QArgs ys;
    if (n->n_in < 8 || n->n_in > 9)
        qerr(g, n, "expects 8 or 9 inputs, found %d", n->n_in);
    qlinear_act(r, n, 0, 1, 2);
    w = qlinear_weights(r, n, 3, 4, 5, 0);
    ys = qargs(g, n, 6, 7, -1, ET_UINT8);
    if (n->n_in == 9 && n->in[8] != TC_NONE) {
        /* B: int32 at scale xs * ws[m], zero point 0 */
        const Tensor *bt = &g->t[konst(g, n->in[8])];
        const Tensor *xs = &g->t[konst(g, n->in[1])], *ws = &g->t[konst(g, n->in[4])];
        int64_t m, nb = ir_numel(bt), nw = ir_numel(ws);
        if (!bt->i || bt->etype != ET_INT32 || bt->rank != 1)
            qerr(g, n, "the bias '%s' must be a 1-D int32 constant", tname(g, n->in[8]));
        if (nb != g->t[w].dims[0])
            qerr(g, n, "the bias '%s' has %lld values, the weights %lld output channels", tname(g, n->in[8]),
                 (long long)nb, (long long)g->t[w].dims[0]);
        b = ir_new_tensor(g, arena_printf(g->a, "%s_dequantized", g->t[n->in[8]].name));
        g->t[b].dtype = DT_FLOAT;
        ir_set_dims(&g->t[b], 1, &nb);
        g->t[b].f = arena_array(g->a, (size_t)nb + 1, sizeof(float));
        r->q->wq[b] = arena_array(g->a, (size_t)nb + 1, sizeof(int64_t));
        r->q->ws[b] = arena_array(g->a, (size_t)nb + 1, sizeof(float));
        r->q->wn[b] = nb;
        for (m = 0; m < nb; m++) {
            float s = xs->f[0] * ws->f[nw > 1 ? m : 0];
            r->q->wq[b][m] = bt->i[m];
            r->q->ws[b][m] = s;
            g->t[b].f[m] = (float)bt->i[m] * s;
        }
    }
    fix_act(r, n, y, ys.s[0], act_zp8(r, n, &ys));
    g->t[y].etype = ys.type;
    in = arena_array(g->a, 3, sizeof(TensorId));
    in[0] = n->in[0];
    in[1] = w;
    in[2] = b;
    n->in = in;
    n->n_in = b != TC_NONE ? 3 : 2;
    n->op = OP_CONV;
}

/* QLinearMatMul(a, as, azp, b, bs, bzp, ys, yzp) -> MatMul(a, B) with y fixed; B per column (axis 1). */
static void rw_qlinearmatmul(Rw *r, Node *n)
{
    Graph *g = r->g;
    TensorId w, y = n->out[0];
    QArgs ys;
    if (n->n_in != 8)
        qerr(g, n, "expects 8 inputs, found %d", n->n_in);
    qlinear_act(r, n, 0, 1, 2);
    if (g->t[n->in[3]].rank != 2)
        qerr(g, n, "input 3 must be a constant 2-D weight matrix [K, N]");
    w = qlinear_weights(r, n, 3, 4, 5, 1);
    ys = qargs(g, n, 6, 7, -1, ET_UINT8);
    fix_act(r, n, y, ys.s[0], act_zp8(r, n, &ys));
    g->t[y].etype = ys.type;
    n->in[1] = w;
    n->n_in = 2;
    n->op = OP_MATMUL;
}

void qdq_rewrite(Graph *g)
{
    Rw r;
    QdqInfo *q;
    int k, any = 0;
    uint32_t cap;
    if (qops_runtime(g))
        return; /* parameters at run time: ordinary typed ops (qops.c) */
    for (k = 0; k < g->nn; k++)
        any |= is_qdq((int)g->n[k].op);
    if (!any) {
        /* int8/uint8 inputs only make sense in a quantized model (the ONNX front end makes
         * them integer tensors, dtype DT_INT64, elsewhere: emit_types.c) */
        for (k = 0; k < g->n_inputs; k++) {
            const Tensor *t = &g->t[g->inputs[k]];
            if ((t->etype == ET_INT8 || t->etype == ET_UINT8) && t->dtype == DT_FLOAT) /* double, float16: float inside */
                fatal("graph input '%s': element type %s is not supported (inputs must be float32)",
                      diag_escape(g->a, t->name), t->etype == ET_INT8 ? "INT8" : "UINT8");
        }
        return;
    }
    q = arena_alloc(g->a, sizeof *q);
    cap = g->nt + 2 * (uint32_t)g->nn + 1; /* a QLinear node adds two tensors at the most */
    q->act = arena_alloc(g->a, cap);
    q->scale = arena_array(g->a, cap, sizeof(float));
    q->zp = arena_array(g->a, cap, sizeof(int32_t));
    q->by = arena_array(g->a, cap, sizeof(char *));
    q->wq = arena_array(g->a, cap, sizeof(int64_t *));
    q->ws = arena_array(g->a, cap, sizeof(float *));
    q->wn = arena_array(g->a, cap, sizeof(int64_t));
    q->waxis = arena_array(g->a, cap, sizeof(int));
    q->io = arena_alloc(g->a, cap);
    q->clamp = arena_alloc(g->a, cap);
    q->clamp_lo = arena_array(g->a, cap, sizeof(int32_t));
    q->clamp_hi = arena_array(g->a, cap, sizeof(int32_t));
    /* the graph as read, for --emit-dsl: the rewrite below changes nodes and tensors in place */
    q->orig_nt = g->nt;
    q->orig_nn = g->nn;
    q->orig_t = arena_array(g->a, g->nt + 1, sizeof(Tensor));
    memcpy(q->orig_t, g->t, g->nt * sizeof(Tensor));
    q->orig_n = arena_array(g->a, (size_t)g->nn + 1, sizeof(Node));
    memcpy(q->orig_n, g->n, (size_t)g->nn * sizeof(Node));
    for (k = 0; k < g->nn; k++) {
        Node *o = &q->orig_n[k];
        o->in = arena_array(g->a, (size_t)o->n_in + 1, sizeof(TensorId));
        memcpy(o->in, g->n[k].in, (size_t)o->n_in * sizeof(TensorId));
    }
    r.g = g;
    r.q = q;
    for (k = 0; k < g->nn; k++) {
        Node *n = &g->n[k];
        if (n->op == OP_CLIP && n->n_in > 0 && n->in[0] != TC_NONE && q->act[n->in[0]] &&
            (g->t[n->in[0]].etype == ET_INT8 || g->t[n->in[0]].etype == ET_UINT8)) {
            rw_int_clip(&r, n); /* a Clip of a QuantizeLinear's integers */
            continue;
        }
        if (!is_qdq((int)n->op))
            continue;
        q->nodes++;
        if (n->n_out != 1)
            qerr(g, n, "expects 1 output, found %d", n->n_out);
        {
            /* the inputs every form needs: x and its scale; a QLinear node's weights and theirs, y's scale */
            static const int need[] = {0, 1, 3, 4, 6};
            int i, cnt = (int)n->op == OP_QLINEARCONV || (int)n->op == OP_QLINEARMATMUL ? 5 : 2;
            for (i = 0; i < cnt; i++)
                if (need[i] >= n->n_in || n->in[need[i]] == TC_NONE)
                    qerr(g, n, "input %d is missing", need[i]);
        }
        switch ((int)n->op) {
        case OP_QUANTIZELINEAR: rw_quantize(&r, n); break;
        case OP_DEQUANTIZELINEAR: rw_dequantize(&r, n); break;
        case OP_QLINEARCONV: rw_qlinearconv(&r, n); break;
        case OP_QLINEARMATMUL: rw_qlinearmatmul(&r, n); break;
        default:
            qerr(g, n, "int32 results (dynamic quantisation) are not in the integer path, which keeps every "
                       "activation int8; quantize the model statically (QuantizeLinear/DequantizeLinear pairs, "
                       "QLinearConv, QLinearMatMul)");
        }
    }
    q->nt = g->nt;
    ASSERT(g->nt <= cap);
    /* the graph's integer inputs and outputs: all or none (the generated API has one type) */
    for (k = 0; k < g->n_inputs; k++) {
        const Tensor *t = &g->t[g->inputs[k]];
        q->io[g->inputs[k]] = t->etype == ET_INT8 ? 1 : t->etype == ET_UINT8 ? 2 : 0;
        if (q->io[g->inputs[k]] && !q->act[g->inputs[k]])
            fatal("graph input '%s' is %s but no DequantizeLinear or QLinear node reads it; the integer path "
                  "needs its scale", diag_escape(g->a, t->name), t->etype == ET_INT8 ? "int8" : "uint8");
    }
    for (k = 0; k < g->n_outputs; k++) { /* a QuantizeLinear's or QLinear node's output: its zero point's type */
        const Tensor *t = &g->t[g->outputs[k]];
        if (g->outputs[k] < q->nt && q->act[g->outputs[k]] && (t->etype == ET_INT8 || t->etype == ET_UINT8))
            q->io[g->outputs[k]] = t->etype == ET_INT8 ? 1 : 2;
    }
    {
        int ints = 0, floats = 0;
        for (k = 0; k < g->n_inputs; k++)
            q->io[g->inputs[k]] ? ints++ : floats++;
        for (k = 0; k < g->n_outputs; k++)
            q->io[g->outputs[k]] ? ints++ : floats++;
        if (ints && floats)
            fatal("the quantized model has integer and float graph inputs or outputs; ticketc's generated API "
                  "has one type for all of them (float, or int8 as with --io int8)");
        q->int_io = ints > 0;
    }
    g->qdq = q;
}
