/*
 * shape.c - shape inference. Every shape is static: graph inputs have
 * pinned dimensions, so one pass in node order gives every tensor its
 * rank and dimensions, or an error naming the node.
 */
#include <math.h>
#include <string.h>

#include "ticketc.h"

static Tensor *in(Graph *g, Node *n, int i)
{
    if (i >= n->n_in || n->in[i] == TC_NONE)
        node_error(g, n, "missing input %d", i);
    return &g->t[n->in[i]];
}

static Tensor *out(Graph *g, Node *n, int i) { return &g->t[n->out[i]]; }

/* lo to hi inputs, the first lo of them (ONNX's required ones) present */
static void need_inputs(Graph *g, Node *n, int lo, int hi)
{
    int i;
    if (n->n_in < lo || n->n_in > hi) {
        if (lo == hi)
            node_error(g, n, "expected %d input%s, found %d", lo, lo == 1 ? "" : "s", n->n_in);
        node_error(g, n, "expected %d to %d inputs, found %d", lo, hi, n->n_in);
    }
    for (i = 0; i < lo; i++)
        if (n->in[i] == TC_NONE)
            node_error(g, n, "input %d is required but absent ('')", i);
}

/* Normalises an axis in [-rank, rank) to [0, rank). */
static int norm_axis(Graph *g, Node *n, int64_t axis, int rank)
{
    if (axis < -rank || axis >= (rank ? rank : 1))
        node_error(g, n, "axis %lld is out of range for rank %d", (long long)axis, rank);
    return (int)(axis < 0 ? axis + rank : axis);
}

static void check_numel(Graph *g, Node *n, const Tensor *t)
{
    int64_t k = 1;
    int i;
    for (i = 0; i < t->rank; i++) {
        if (t->dims[i] < 0 || t->dims[i] > ((int64_t)1 << 31))
            node_error(g, n, "dimension %d of the result is %lld", i, (long long)t->dims[i]);
        k *= t->dims[i];
        if (k > ((int64_t)1 << 32))
            node_error(g, n, "the result %s has too many elements", ir_shape_str(g->a, t));
    }
    if ((uint64_t)k > g->max_bytes / 4)
        node_error(g, n, "the result %s needs %lld bytes, more than the limit of %zu (--max-bytes)",
                   ir_shape_str(g->a, t), (long long)k * 4, g->max_bytes);
}

/* ---- Gemm: Y = alpha * A' * B' + beta * C, A' [M,K], B' [K,N] ---- */
static void shape_gemm(Graph *g, Node *n)
{
    Tensor *a, *b, *y = out(g, n, 0);
    int64_t ta = attr_int(n, "transA", 0), tb = attr_int(n, "transB", 0);
    int64_t m, k, k2, nn, d[2];
    need_inputs(g, n, 2, 3);
    a = in(g, n, 0);
    b = in(g, n, 1);
    if (a->rank != 2 || b->rank != 2)
        node_error(g, n, "A and B must be matrices, found %s and %s", ir_shape_str(g->a, a), ir_shape_str(g->a, b));
    m = ta ? a->dims[1] : a->dims[0];
    k = ta ? a->dims[0] : a->dims[1];
    k2 = tb ? b->dims[1] : b->dims[0];
    nn = tb ? b->dims[0] : b->dims[1];
    if (k != k2)
        node_error(g, n, "inner dimensions differ: A%s%s and B%s%s", ir_shape_str(g->a, a), ta ? " (transposed)" : "",
                   ir_shape_str(g->a, b), tb ? " (transposed)" : "");
    if (n->n_in == 3 && n->in[2] != TC_NONE) {
        Tensor *c = in(g, n, 2);
        int ok = c->rank <= 2;
        if (ok && c->rank >= 1 && c->dims[c->rank - 1] != 1 && c->dims[c->rank - 1] != nn)
            ok = 0;
        if (ok && c->rank == 2 && c->dims[0] != 1 && c->dims[0] != m)
            ok = 0;
        if (!ok)
            node_error(g, n, "C%s does not broadcast to [%lld,%lld]", ir_shape_str(g->a, c), (long long)m, (long long)nn);
    }
    d[0] = m;
    d[1] = nn;
    ir_set_dims(y, 2, d);
}

/* ---- MatMul: numpy semantics, batch dimensions broadcast ---- */
static void shape_matmul(Graph *g, Node *n)
{
    Tensor *a, *b, *y = out(g, n, 0);
    int64_t d[TC_MAX_RANK];
    int ra, rb, r, i;
    int64_t m, k, k2, nn;
    need_inputs(g, n, 2, 2);
    a = in(g, n, 0);
    b = in(g, n, 1);
    if (a->rank < 1 || b->rank < 1)
        node_error(g, n, "inputs must have rank 1 or more, found %s and %s", ir_shape_str(g->a, a), ir_shape_str(g->a, b));
    ra = a->rank;
    rb = b->rank;
    m = ra >= 2 ? a->dims[ra - 2] : 1;
    k = a->dims[ra - 1];
    k2 = rb >= 2 ? b->dims[rb - 2] : b->dims[0];
    nn = rb >= 2 ? b->dims[rb - 1] : 1;
    if (k != k2)
        node_error(g, n, "inner dimensions differ: %s x %s", ir_shape_str(g->a, a), ir_shape_str(g->a, b));
    /* batch dims: all but the last two of each, broadcast */
    {
        int ba = ra > 2 ? ra - 2 : 0, bb = rb > 2 ? rb - 2 : 0;
        int nb = ba > bb ? ba : bb;
        for (i = 0; i < nb; i++) {
            int64_t da = i - (nb - ba) >= 0 ? a->dims[i - (nb - ba)] : 1;
            int64_t db = i - (nb - bb) >= 0 ? b->dims[i - (nb - bb)] : 1;
            if (da != db && da != 1 && db != 1)
                node_error(g, n, "batch dimensions of %s and %s do not broadcast", ir_shape_str(g->a, a), ir_shape_str(g->a, b));
            d[i] = da == 1 ? db : da;
        }
        r = nb;
    }
    if (ra >= 2)
        d[r++] = m;
    if (rb >= 2)
        d[r++] = nn;
    ir_set_dims(y, r, d);
}

/* Multidirectional (numpy) broadcasting of two shapes into y. */
static void broadcast(Graph *g, Node *n, const Tensor *a, const Tensor *b, Tensor *y)
{
    int r = a->rank > b->rank ? a->rank : b->rank, i;
    int64_t d[TC_MAX_RANK];
    for (i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1)
            node_error(g, n, "shapes %s and %s do not broadcast", ir_shape_str(g->a, a), ir_shape_str(g->a, b));
        d[i] = da == 1 ? db : da;
    }
    ir_set_dims(y, r, d);
}

static void shape_binary(Graph *g, Node *n)
{
    Tensor *a, *b;
    need_inputs(g, n, 2, 2);
    a = in(g, n, 0);
    b = in(g, n, 1);
    if (a->dtype != b->dtype)
        node_error(g, n, "inputs have different element types");
    broadcast(g, n, a, b, out(g, n, 0));
    out(g, n, 0)->dtype = a->dtype;
}

static void shape_unary(Graph *g, Node *n)
{
    Tensor *x;
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    if (x->dtype != DT_FLOAT)
        node_error(g, n, "input must be float, not %s", etype_name(tensor_etype(x)));
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

static void shape_softmax(Graph *g, Node *n)
{
    Tensor *x;
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    norm_axis(g, n, attr_int(n, "axis", g->opset >= 13 ? -1 : 1), x->rank);
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

/* Reshape's target: 0 copies the input dimension (unless allowzero), -1 is inferred. */
static void shape_reshape(Graph *g, Node *n, Tensor *x, Tensor *y)
{
    Tensor *s = in(g, n, 1);
    int64_t d[TC_MAX_RANK], known = 1;
    int i, infer = -1, r;
    int allowzero = (int)attr_int(n, "allowzero", 0);
    if (!s->i || s->rank != 1)
        node_error(g, n, "the shape input must be a constant 1-D int64 tensor");
    r = (int)s->dims[0];
    if (r > TC_MAX_RANK)
        node_error(g, n, "target rank %d exceeds the maximum of %d", r, TC_MAX_RANK);
    for (i = 0; i < r; i++) {
        d[i] = s->i[i];
        if (d[i] == 0 && !allowzero) {
            if (i >= x->rank)
                node_error(g, n, "shape entry %d is 0 but the input has rank %d", i, x->rank);
            d[i] = x->dims[i];
        }
        if (d[i] == -1) {
            if (infer >= 0)
                node_error(g, n, "more than one -1 in the target shape");
            infer = i;
        } else if (d[i] < 0) {
            node_error(g, n, "invalid target dimension %lld", (long long)d[i]);
        } else {
            if (d[i] > ((int64_t)1 << 40) || (known && d[i] > (((int64_t)1 << 40) / known)))
                node_error(g, n, "target shape too large");
            known *= d[i];
        }
    }
    if (infer >= 0) {
        if (known == 0 || ir_numel(x) % known)
            node_error(g, n, "cannot reshape %s (%lld elements) to the target shape", ir_shape_str(g->a, x), (long long)ir_numel(x));
        d[infer] = ir_numel(x) / known;
        known = ir_numel(x);
    }
    if (known != ir_numel(x))
        node_error(g, n, "cannot reshape %s (%lld elements) to %lld elements", ir_shape_str(g->a, x),
                   (long long)ir_numel(x), (long long)known);
    ir_set_dims(y, r, d);
}

/* The axes of Squeeze/Unsqueeze: an attribute before opset 13, an input after. */
static int get_axes(Graph *g, Node *n, int64_t *axes)
{
    const Attr *at = attr_get(n, "axes");
    int k, i;
    if (n->n_in >= 2 && n->in[1] != TC_NONE) {
        Tensor *t = in(g, n, 1);
        if (!t->i || t->rank != 1)
            node_error(g, n, "axes must be a constant 1-D int64 tensor");
        k = (int)t->dims[0];
        if (k > TC_MAX_RANK)
            node_error(g, n, "too many axes");
        for (i = 0; i < k; i++)
            axes[i] = t->i[i];
        return k;
    }
    if (!at)
        return -1;
    if (at->kind != AT_INTS || at->n > TC_MAX_RANK)
        node_error(g, n, "attribute 'axes' must be a list of at most %d ints", TC_MAX_RANK);
    for (i = 0; i < (int)at->n; i++)
        axes[i] = at->ints[i];
    return (int)at->n;
}

/* Is t a graph output or an input of a live node? */
static int tensor_is_read(const Graph *g, TensorId t)
{
    int k, i;
    if (g->t[t].output_index >= 0)
        return 1;
    for (k = 0; k < g->nn; k++)
        if (!g->n[k].dead)
            for (i = 0; i < g->n[k].n_in; i++)
                if (g->n[k].in[i] == t)
                    return 1;
    return 0;
}

static void shape_view(Graph *g, Node *n)
{
    Tensor *x = in(g, n, 0), *y = out(g, n, 0);
    int64_t d[TC_MAX_RANK], axes[TC_MAX_RANK];
    int i, j, k, r;
    y->dtype = x->dtype;
    switch (n->op) {
    case OP_FLATTEN: {
        int axis = (int)attr_int(n, "axis", 1);
        int64_t lo = 1, hi = 1;
        need_inputs(g, n, 1, 1);
        if (axis < 0)
            axis += x->rank;
        if (axis < 0 || axis > x->rank)
            node_error(g, n, "axis %lld is out of range for rank %d", (long long)attr_int(n, "axis", 1), x->rank);
        for (i = 0; i < x->rank; i++)
            *(i < axis ? &lo : &hi) *= x->dims[i];
        d[0] = lo;
        d[1] = hi;
        ir_set_dims(y, 2, d);
        break;
    }
    case OP_RESHAPE:
        need_inputs(g, n, 2, 2);
        shape_reshape(g, n, x, y);
        break;
    case OP_IDENTITY:
        need_inputs(g, n, 1, 1);
        ir_set_dims(y, x->rank, x->dims);
        break;
    case OP_DROPOUT:
        need_inputs(g, n, 1, 3);
        if (n->n_in == 3 && n->in[2] != TC_NONE) {
            /* training mode drops at random, unless the ratio is 0: then it is the identity too */
            Tensor *tm = in(g, n, 2), *r = n->in[1] != TC_NONE ? in(g, n, 1) : NULL;
            if (!tm->i)
                node_error(g, n, "training_mode must be a constant (false, or true with a constant ratio 0); ticketc compiles "
                           "inference only; " TC_EVAL_HINT);
            if (tm->i[0] != 0 && !(r && r->f && ir_numel(r) == 1 && r->f[0] == 0.0f))
                node_error(g, n, "training_mode is true and the ratio is not a constant 0: Dropout would drop at random; "
                           "ticketc compiles inference only; " TC_EVAL_HINT);
        }
        ir_set_dims(y, x->rank, x->dims);
        if (n->n_out > 1) {
            Tensor *m = &g->t[n->out[1]];
            m->dtype = DT_INT64;
            m->etype = ET_BOOL;
            ir_set_dims(m, x->rank, x->dims);
            /* a mask nothing reads (AlexNet, VGG-19 ... declare one) is never computed; one that
             * is read is a constant, all true: nothing is dropped */
            if (tensor_is_read(g, n->out[1])) {
                int64_t k, cnt = ir_numel(m);
                m->i = arena_array(g->a, (size_t)cnt + 1, sizeof(int64_t));
                for (k = 0; k < cnt; k++)
                    m->i[k] = 1;
                m->producer = -1;
                n->n_out = 1;
            }
        }
        break;
    case OP_UNSQUEEZE:
        need_inputs(g, n, 1, 2);
        k = get_axes(g, n, axes);
        if (k < 0)
            node_error(g, n, "axes are missing");
        r = x->rank + k;
        if (r > TC_MAX_RANK)
            node_error(g, n, "result rank %d exceeds the maximum of %d", r, TC_MAX_RANK);
        for (i = 0; i < r; i++)
            d[i] = -1;
        for (i = 0; i < k; i++) {
            int a = norm_axis(g, n, axes[i], r);
            if (d[a] == 1)
                node_error(g, n, "axis %lld is repeated", (long long)axes[i]);
            d[a] = 1;
        }
        for (i = 0, j = 0; i < r; i++)
            if (d[i] == -1)
                d[i] = x->dims[j++];
            else
                d[i] = 1;
        ir_set_dims(y, r, d);
        break;
    case OP_SQUEEZE: {
        int drop[TC_MAX_RANK] = {0};
        need_inputs(g, n, 1, 2);
        k = get_axes(g, n, axes);
        for (i = 0; i < x->rank; i++)
            drop[i] = k < 0 && x->dims[i] == 1;
        for (i = 0; i < k; i++) {
            int a = norm_axis(g, n, axes[i], x->rank);
            if (x->dims[a] != 1)
                node_error(g, n, "cannot squeeze axis %d of %s", a, ir_shape_str(g->a, x));
            drop[a] = 1;
        }
        for (i = 0, r = 0; i < x->rank; i++)
            if (!drop[i])
                d[r++] = x->dims[i];
        ir_set_dims(y, r, d);
        break;
    }
    default:
        BUG("not a view op");
    }
}

static void shape_shapeof(Graph *g, Node *n)
{
    Tensor *x, *y = out(g, n, 0);
    int64_t start, end, d;
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    start = attr_int(n, "start", 0);
    end = attr_int(n, "end", x->rank);
    if (start < 0) start += x->rank;
    if (end < 0) end += x->rank;
    if (start < 0) start = 0;
    if (end > x->rank) end = x->rank;
    d = end > start ? end - start : 0;
    y->dtype = DT_INT64;
    y->etype = ET_INT64;
    ir_set_dims(y, 1, &d);
}

static void shape_gather(Graph *g, Node *n)
{
    Tensor *x, *ix, *y = out(g, n, 0);
    int64_t d[TC_MAX_RANK];
    int axis, i, r = 0;
    need_inputs(g, n, 2, 2);
    x = in(g, n, 0);
    ix = in(g, n, 1);
    axis = norm_axis(g, n, attr_int(n, "axis", 0), x->rank);
    if (ix->dtype != DT_INT64)
        node_error(g, n, "indices must be an integer tensor");
    if (x->rank - 1 + ix->rank > TC_MAX_RANK)
        node_error(g, n, "result rank exceeds the maximum of %d", TC_MAX_RANK);
    for (i = 0; i < axis; i++)
        d[r++] = x->dims[i];
    for (i = 0; i < ix->rank; i++)
        d[r++] = ix->dims[i];
    for (i = axis + 1; i < x->rank; i++)
        d[r++] = x->dims[i];
    for (i = 0; ix->i && i < ir_numel(ix); i++) /* run-time indices: emit_types.c */
        if (ix->i[i] < -x->dims[axis] || ix->i[i] >= x->dims[axis])
            node_error(g, n, "index %lld is out of range for dimension %lld", (long long)ix->i[i], (long long)x->dims[axis]);
    y->dtype = x->dtype;
    ir_set_dims(y, r, d);
}

static void shape_concat(Graph *g, Node *n)
{
    Tensor *x0, *y = out(g, n, 0);
    int64_t d[TC_MAX_RANK];
    int axis, i, j;
    if (n->n_in < 1)
        node_error(g, n, "expected at least one input");
    x0 = in(g, n, 0);
    axis = norm_axis(g, n, attr_int(n, "axis", 0), x0->rank);
    for (i = 0; i < x0->rank; i++)
        d[i] = x0->dims[i];
    for (j = 1; j < n->n_in; j++) {
        Tensor *xj = in(g, n, j);
        if (xj->rank != x0->rank || xj->dtype != x0->dtype)
            node_error(g, n, "input %d %s does not match input 0 %s", j, ir_shape_str(g->a, xj), ir_shape_str(g->a, x0));
        for (i = 0; i < x0->rank; i++)
            if (i != axis && xj->dims[i] != x0->dims[i])
                node_error(g, n, "input %d %s does not match input 0 %s outside axis %d", j, ir_shape_str(g->a, xj),
                           ir_shape_str(g->a, x0), axis);
        d[axis] += xj->dims[axis];
    }
    y->dtype = x0->dtype;
    ir_set_dims(y, x0->rank, d);
}

int tensor_etype(const Tensor *t)
{
    /* a float tensor of a quantized model carries its activations' integer type (qdq.c): float here */
    if (t->dtype == DT_FLOAT && t->etype != ET_DOUBLE && t->etype != ET_FLOAT16 && t->etype != ET_BFLOAT16)
        return ET_FLOAT;
    return t->etype ? t->etype : t->dtype == DT_FLOAT ? ET_FLOAT : ET_INT64;
}

int cast_to(const Graph *g, const Node *n)
{
    if (n->op == OP_CASTLIKE)
        return tensor_etype(&g->t[n->in[1]]);
    return (int)attr_int(n, "to", 0);
}

/* Cast to the type 'to'; CastLike to the type of its input 1. Float and
 * double are float32 here, bool and the integer types int64. */
static void shape_cast(Graph *g, Node *n)
{
    Tensor *x, *y = out(g, n, 0);
    int64_t to;
    need_inputs(g, n, n->op == OP_CASTLIKE ? 2 : 1, n->op == OP_CASTLIKE ? 2 : 1);
    x = in(g, n, 0);
    to = n->op == OP_CASTLIKE ? tensor_etype(in(g, n, 1)) : attr_int(n, "to", 0);
    y->dtype = etype_dtype(to);
    if (!y->dtype)
        node_error(g, n, "cast to type %lld is not supported", (long long)to);
    y->etype = (int)to;
    ir_set_dims(y, x->rank, x->dims);
}
#define shape_castlike shape_cast

/* ==== spatial ops: Conv, ConvTranspose, pools, normalizations, Pad, Resize, DepthToSpace ==== */

/* A list attribute of count ints into dst; def fills it when absent. */
void window_ints(const Graph *g, const Node *n, const char *name, int64_t *dst, int count, int64_t def)
{
    const Attr *at = attr_get(n, name);
    int i;
    for (i = 0; i < count; i++)
        dst[i] = def;
    if (!at)
        return;
    if (at->kind != AT_INTS || (int)at->n != count)
        node_error(g, n, "attribute '%s' must be a list of %d ints", name, count);
    for (i = 0; i < count; i++)
        dst[i] = at->ints[i];
}

static const char *attr_str(const Node *n, const char *name, const char *def)
{
    return attr_string(n, name, def);
}

/* The storage of ONNX element type et: DT_FLOAT (float, double, float16, bfloat16), DT_INT64 (the integer
 * types and bool), or 0 for a type ticketc does not hold. */
DType etype_dtype(int64_t et)
{
    if (et == ET_FLOAT || et == ET_DOUBLE || et == ET_FLOAT16 || et == ET_BFLOAT16) /* computed in float */
        return DT_FLOAT;
    if (et == ET_UINT8 || et == ET_INT8 || et == ET_UINT16 || et == ET_INT16 || et == ET_INT32 || et == ET_INT64 ||
        et == ET_BOOL || et == ET_UINT32 || et == ET_UINT64)
        return DT_INT64;
    return (DType)0;
}

/* The ONNX element type et as a word for messages ("uint16"). */
const char *etype_name(int et)
{
    static const char *const names[] = {"an undefined type", "float", "uint8", "int8", "uint16", "int16", "int32",
                                        "int64", "string", "bool", "float16", "double", "uint32", "uint64"};
    return et >= 0 && et < (int)(sizeof names / sizeof *names) ? names[et] : "another type";
}

/*
 * A Conv's or ConvTranspose's weight wt (its rank already checked) against an
 * input of c channels in `group` groups, nd spatial axes: the kernel into k[],
 * attribute kernel_shape checked against it, the bias (input 2) checked; the
 * number of output channels returned. float_bias: the bias must be float too.
 */
int64_t conv_weight_fit(const Graph *g, const Node *n, const Tensor *wt, int nd, int64_t c, int64_t group,
                        int transpose, int float_bias, int64_t *k)
{
    int64_t m;
    int i;
    for (i = 0; i < nd; i++)
        k[i] = wt->dims[2 + i];
    if (attr_get(n, "kernel_shape")) {
        int64_t ks[3];
        window_ints(g, n, "kernel_shape", ks, nd, 1);
        for (i = 0; i < nd; i++)
            if (ks[i] != k[i])
                node_error(g, n, "attribute 'kernel_shape' does not match the weight %s", ir_shape_str(g->a, wt));
    }
    if (!transpose) {
        if (wt->dims[1] * group != c || wt->dims[0] % group)
            node_error(g, n, "weight %s does not fit %lld input channels in %lld groups", ir_shape_str(g->a, wt),
                       (long long)c, (long long)group);
        m = wt->dims[0];
    } else {
        if (wt->dims[0] != c)
            node_error(g, n, "weight %s does not fit %lld input channels", ir_shape_str(g->a, wt), (long long)c);
        m = wt->dims[1] * group;
    }
    if (n->n_in >= 3 && n->in[2] != TC_NONE) {
        const Tensor *b = &g->t[n->in[2]];
        if (b->rank != 1 || b->dims[0] != m || (float_bias && b->dtype != DT_FLOAT))
            node_error(g, n, "bias %s must be %s[%lld]", ir_shape_str(g->a, b), float_bias ? "float " : "",
                       (long long)m);
    }
    return m;
}

void conv_window(Graph *g, const Node *n, Window *w)
{
    const Tensor *x = &g->t[n->in[0]];
    int conv = n->op == OP_CONV || n->op == OP_CONVTRANSPOSE, nd = x->rank - 2, i;
    int64_t k[2], s[2], d[2], pads[4], opad[2], oshape[2];
    const char *ap = attr_str(n, "auto_pad", "NOTSET");
    const Tensor *wt = conv ? &g->t[n->in[1]] : NULL;
    int ceil_mode = (int)attr_int(n, "ceil_mode", 0);

    if (nd < 1 || nd > 2)
        node_error(g, n, "input %s: only 1-D, 2-D and 3-D (rank 3 to 5) inputs are supported", ir_shape_str(g->a, x));
    memset(w, 0, sizeof *w);
    w->nd = nd;
    w->batch = x->dims[0];
    w->c = x->dims[1];
    w->group = conv ? attr_int(n, "group", 1) : 1;
    if (w->group < 1 || w->c % w->group)
        node_error(g, n, "attribute 'group' is %lld; it must divide the %lld input channels", (long long)w->group,
                   (long long)w->c);
    if (conv) {
        if (wt->rank != x->rank)
            node_error(g, n, "weight %s must have the rank of the input %s", ir_shape_str(g->a, wt), ir_shape_str(g->a, x));
        w->m = conv_weight_fit(g, n, wt, nd, w->c, w->group, n->op == OP_CONVTRANSPOSE, 0, k);
    } else {
        if (!attr_get(n, "kernel_shape"))
            node_error(g, n, "attribute 'kernel_shape' is missing");
        window_ints(g, n, "kernel_shape", k, nd, 1);
        w->m = w->c;
    }
    window_ints(g, n, "strides", s, nd, 1);
    window_ints(g, n, "dilations", d, nd, 1);
    window_ints(g, n, "pads", pads, 2 * nd, 0);
    window_ints(g, n, "output_padding", opad, nd, 0);
    if (n->op == OP_CONVTRANSPOSE && attr_get(n, "output_shape"))
        window_ints(g, n, "output_shape", oshape, nd, 0);
    if (n->op != OP_MAXPOOL && n->op != OP_CONV && n->op != OP_CONVTRANSPOSE && attr_get(n, "dilations") &&
        g->opset < (n->op == OP_LPPOOL ? 18 : 19))
        for (i = 0; i < nd; i++)
            if (d[i] != 1)
                node_error(g, n, "attribute 'dilations' is not supported before opset %d", n->op == OP_LPPOOL ? 18 : 19);
    if (attr_int(n, "storage_order", 0) != 0)
        node_error(g, n, "attribute 'storage_order' = 1 is not supported");
    if (ceil_mode && n->op != OP_MAXPOOL && n->op != OP_AVERAGEPOOL && n->op != OP_LPPOOL)
        node_error(g, n, "attribute 'ceil_mode' is not supported here");
    for (i = 0; i < nd; i++) {
        int j = i + 2 - nd; /* 1-D lands in the width */
        int64_t in = x->dims[2 + i], span, total;
        if (k[i] < 1 || s[i] < 1 || d[i] < 1 || pads[i] < 0 || pads[i + nd] < 0 || opad[i] < 0)
            node_error(g, n, "kernel %lld, stride %lld, dilation %lld, pads %lld/%lld: all must be positive (pads >= 0)",
                       (long long)k[i], (long long)s[i], (long long)d[i], (long long)pads[i], (long long)pads[i + nd]);
        if (k[i] > 4096 || s[i] > 4096 || d[i] > 4096 || pads[i] > 4096 || pads[i + nd] > 4096 || opad[i] > 4096)
            node_error(g, n, "window attributes above 4096 are not supported");
        span = (k[i] - 1) * d[i] + 1;
        w->in[j] = in;
        w->k[j] = k[i];
        w->s[j] = s[i];
        w->d[j] = d[i];
        w->pb[j] = pads[i];
        w->pe[j] = pads[i + nd];
        if (n->op == OP_CONVTRANSPOSE) {
            if (opad[i] >= s[i] && opad[i] >= d[i])
                node_error(g, n, "attribute 'output_padding' %lld must be smaller than the stride or dilation",
                           (long long)opad[i]);
            if (attr_get(n, "output_shape")) {
                total = s[i] * (in - 1) + opad[i] + span - oshape[i];
                if (total < 0)
                    total = 0; /* negative padding: the output grows, handled below */
                if (strcmp(ap, "SAME_UPPER") == 0) {
                    w->pb[j] = total / 2;
                    w->pe[j] = total - total / 2;
                } else {
                    w->pb[j] = total - total / 2;
                    w->pe[j] = total / 2;
                }
                w->out[j] = oshape[i];
            } else if (strcmp(ap, "SAME_UPPER") == 0 || strcmp(ap, "SAME_LOWER") == 0) {
                int64_t o = in * s[i];
                total = s[i] * (in - 1) + opad[i] + span - o;
                if (total < 0)
                    total = 0;
                w->pb[j] = strcmp(ap, "SAME_UPPER") == 0 ? total / 2 : total - total / 2;
                w->pe[j] = total - w->pb[j];
                w->out[j] = o;
            } else {
                if (strcmp(ap, "VALID") == 0)
                    w->pb[j] = w->pe[j] = 0;
                else if (strcmp(ap, "NOTSET") != 0)
                    node_error(g, n, "attribute 'auto_pad' value '%s' is not supported", diag_escape(g->a, ap));
                w->out[j] = s[i] * (in - 1) + opad[i] + span - w->pb[j] - w->pe[j];
            }
            /* out = s(in-1) + opad + span - pb - pe must hold: the difference goes to pe
             * (negative: output_shape asks for more, the extra positions get the bias only) */
            w->pe[j] = s[i] * (in - 1) + opad[i] + span - w->pb[j] - w->out[j];
            if (w->out[j] < 1)
                node_error(g, n, "the output would be empty along spatial axis %d", i);
            continue;
        }
        if (strcmp(ap, "SAME_UPPER") == 0 || strcmp(ap, "SAME_LOWER") == 0) {
            /* out = ceil(in / s); the padding it needs, the odd one at the end (UPPER) or start (LOWER) */
            int64_t o = (in + s[i] - 1) / s[i];
            total = (o - 1) * s[i] + span - in;
            if (total < 0)
                total = 0;
            w->pe[j] = strcmp(ap, "SAME_UPPER") == 0 ? total - total / 2 : total / 2;
            w->pb[j] = total - w->pe[j];
        } else if (strcmp(ap, "VALID") == 0) {
            w->pb[j] = w->pe[j] = 0;
        } else if (strcmp(ap, "NOTSET") != 0) {
            node_error(g, n, "attribute 'auto_pad' value '%s' is not supported", diag_escape(g->a, ap));
        }
        total = in + w->pb[j] + w->pe[j] - span;
        if (total < 0)
            node_error(g, n, "the window spans %lld positions (with dilation) but the padded input has %lld",
                       (long long)span, (long long)(in + w->pb[j] + w->pe[j]));
        w->out[j] = total / s[i] + 1;
        /* ceil_mode: one more window when the last one would be partial, unless
         * it would start inside the end padding (PyTorch's rule) */
        if (ceil_mode && total % s[i] && (w->out[j]) * s[i] < in + w->pb[j])
            w->out[j]++;
    }
    /* the emitters tabulate per output coordinate and tap: keep that bounded */
    for (i = 0; i < 2; i++)
        if (w->out[i] > ((int64_t)1 << 24) || w->out[i] * w->k[i] > ((int64_t)1 << 26))
            node_error(g, n, "output length %lld along a spatial axis is too large", (long long)w->out[i]);
    /* a pool window wholly in the padding would have no value: refuse it */
    if (n->op == OP_MAXPOOL || (n->op == OP_AVERAGEPOOL && !attr_int(n, "count_include_pad", 0)))
        for (i = 2 - nd; i < 2; i++) {
            int64_t ends[2], o, kk, q;
            ends[0] = 0;
            ends[1] = w->out[i] - 1;
            for (q = 0; q < 2; q++) {
                int inside = 0;
                o = ends[q];
                for (kk = 0; kk < w->k[i]; kk++) {
                    int64_t at = o * w->s[i] - w->pb[i] + kk * w->d[i];
                    inside |= at >= 0 && at < w->in[i];
                }
                if (!inside)
                    node_error(g, n, "pads %lld/%lld leave a window wholly in the padding", (long long)w->pb[i],
                               (long long)w->pe[i]);
            }
        }
    if (nd == 1) {
        w->in[0] = w->out[0] = w->k[0] = w->s[0] = w->d[0] = 1;
        w->pb[0] = w->pe[0] = 0;
    }
}

/* The output of a windowed op: [batch, channels, out...]. */
static void window_out(Graph *g, Node *n, const Window *w)
{
    int64_t d[4];
    d[0] = w->batch;
    d[1] = w->m;
    d[2] = w->out[2 - w->nd];
    d[3] = w->out[1];
    ir_set_dims(out(g, n, 0), w->nd + 2, d);
}

static void shape_conv(Graph *g, Node *n)
{
    Window w;
    need_inputs(g, n, 2, 3);
    in(g, n, 0);
    in(g, n, 1);
    conv_window(g, n, &w);
    window_out(g, n, &w);
}

#define shape_convtranspose shape_conv

static void shape_pool(Graph *g, Node *n)
{
    Window w;
    need_inputs(g, n, 1, 1);
    if (n->n_out > 1 && g->t[n->out[1]].name[0])
        node_error(g, n, "the Indices output is not supported");
    in(g, n, 0);
    conv_window(g, n, &w);
    window_out(g, n, &w);
    if (in(g, n, 0)->dtype != DT_FLOAT) { /* MaxPool of integers (interp_index.c, emit_index.c) */
        if (n->op != OP_MAXPOOL || in(g, n, 0)->etype == ET_BOOL)
            node_error(g, n, "input must be float%s", n->op == OP_MAXPOOL ? " or an integer" : "");
        out(g, n, 0)->dtype = in(g, n, 0)->dtype;
    }
}

static void shape_globalpool(Graph *g, Node *n)
{
    Tensor *x;
    int64_t d[TC_MAX_RANK];
    int i;
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    if (x->rank < 3)
        node_error(g, n, "input %s must be [N,C,spatial...]", ir_shape_str(g->a, x));
    for (i = 0; i < x->rank; i++)
        d[i] = i < 2 ? x->dims[i] : 1;
    ir_set_dims(out(g, n, 0), x->rank, d);
}

/* Inputs from..to must be vectors of c floats (per-channel parameters). */
static void per_channel(Graph *g, Node *n, int from, int to, int64_t c)
{
    int i;
    for (i = from; i <= to; i++) {
        Tensor *p = in(g, n, i);
        if (p->rank != 1 || p->dims[0] != c || p->dtype != DT_FLOAT)
            node_error(g, n, "input %d %s must be [%lld] (one per channel)", i, ir_shape_str(g->a, p), (long long)c);
    }
}

/* inference mode: y = scale * (x - mean) / sqrt(var + epsilon) + B, per channel (axis 1) */
static void shape_batchnorm(Graph *g, Node *n)
{
    Tensor *x;
    int i;
    need_inputs(g, n, 5, 5);
    x = in(g, n, 0);
    if (x->rank < 2)
        node_error(g, n, "input %s must be [N,C,...]", ir_shape_str(g->a, x));
    if (attr_int(n, "training_mode", 0) != 0)
        node_error(g, n, "attribute 'training_mode' = 1 is not supported: the model was exported in training mode, and "
                         "ticketc compiles inference only; " TC_EVAL_HINT);
    if (attr_int(n, "spatial", 1) != 1)
        node_error(g, n, "attribute 'spatial' = 0 is not supported");
    for (i = 1; i < n->n_out; i++)
        if (g->t[n->out[i]].name[0])
            node_error(g, n, "has %d outputs (output %d is the %s): the model was exported in training mode, and "
                             "ticketc compiles inference only; " TC_EVAL_HINT, n->n_out, i,
                       i == 1 || i == 2 ? (i == 1 ? "running mean" : "running variance") : "saved mean or variance");
    per_channel(g, n, 1, 4, x->dims[1]);
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

static void shape_instancenorm(Graph *g, Node *n)
{
    Tensor *x;
    need_inputs(g, n, 3, 3);
    x = in(g, n, 0);
    if (x->rank < 3)
        node_error(g, n, "input %s must be [N,C,spatial...]", ir_shape_str(g->a, x));
    per_channel(g, n, 1, 2, x->dims[1]);
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

/* Normalises over the axes from 'axis' on; Scale and B hold that many floats, or 1. */
static void shape_layernorm(Graph *g, Node *n)
{
    Tensor *x;
    int axis, i, j;
    int64_t inner = 1;
    need_inputs(g, n, 2, 3);
    x = in(g, n, 0);
    axis = norm_axis(g, n, attr_int(n, "axis", -1), x->rank);
    for (i = axis; i < x->rank; i++)
        inner *= x->dims[i];
    if (n->n_out > 3)
        node_error(g, n, "has %d outputs, expected at most 3 (Y, Mean, InvStdDev)", n->n_out);
    /* Mean and InvStdDev: the shape of X with the normalised axes 1 (computed when one is named) */
    for (i = 1; i < n->n_out && node_multi_output(g, n); i++) {
        int64_t d[TC_MAX_RANK];
        for (j = 0; j < x->rank; j++)
            d[j] = j < axis ? x->dims[j] : 1;
        out(g, n, i)->dtype = DT_FLOAT;
        ir_set_dims(out(g, n, i), x->rank, d);
    }
    for (j = 1; j < n->n_in; j++)
        if (n->in[j] != TC_NONE) {
            Tensor *p = in(g, n, j);
            if (p->dtype != DT_FLOAT || (ir_numel(p) != inner && ir_numel(p) != 1) || p->rank > x->rank - axis)
                node_error(g, n, "input %d %s must have the shape of the normalised axes", j, ir_shape_str(g->a, p));
        }
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

/* A constant int64 input of count values, or NULL when absent. */
static const int64_t *const_ints(Graph *g, const Node *n, int i, const char *what, int64_t count)
{
    const Tensor *t;
    if (i >= n->n_in || n->in[i] == TC_NONE)
        return NULL;
    t = &g->t[n->in[i]];
    if (!t->i || (count >= 0 && ir_numel(t) != count))
        node_error(g, n, "%s must be a constant int64 tensor%s", what,
                   count >= 0 ? arena_printf(g->a, " of %lld values", (long long)count) : "");
    return t->i;
}

/* Pad: y[o] = x[o - pads_begin] inside, else the pad value (constant) or a
 * reflected / clamped coordinate. Negative pads crop. */
static void pad_params(Graph *g, const Node *n, int64_t *pads, float *value, int *mode)
{
    const Tensor *x = &g->t[n->in[0]];
    int r = x->rank, i;
    const char *m = attr_str(n, "mode", "constant");
    *value = 0.0f;
    if (g->opset < 11) {
        window_ints(g, n, "pads", pads, 2 * r, 0);
        if (!attr_get(n, "pads"))
            node_error(g, n, "attribute 'pads' is missing");
        *value = attr_float(n, "value", 0.0f);
    } else {
        /* Pad-18 'axes': pads lists begins then ends of these axes only */
        int ax[TC_MAX_RANK], na = r, j;
        const int64_t *p;
        for (i = 0; i < r; i++)
            ax[i] = i;
        if (n->n_in >= 4 && n->in[3] != TC_NONE) {
            const Tensor *at = &g->t[n->in[3]];
            if (!at->i || at->rank != 1 || at->dims[0] < 1 || at->dims[0] > r)
                node_error(g, n, "axes must be a constant int64 tensor of 1 to %d values", r);
            na = (int)at->dims[0];
            for (i = 0; i < na; i++) {
                if (at->i[i] < -r || at->i[i] >= r)
                    node_error(g, n, "axis %lld is out of range for rank %d", (long long)at->i[i], r);
                ax[i] = (int)(at->i[i] < 0 ? at->i[i] + r : at->i[i]);
                for (j = 0; j < i; j++)
                    if (ax[j] == ax[i])
                        node_error(g, n, "axis %d is listed twice in axes", ax[i]);
            }
        }
        p = const_ints(g, n, 1, na == r ? "pads" : arena_printf(g->a, "pads (for %d ax%s)", na, na == 1 ? "is" : "es"), 2 * na);
        if (!p)
            node_error(g, n, "input 'pads' is missing");
        for (i = 0; i < 2 * r; i++)
            pads[i] = 0;
        for (i = 0; i < na; i++) {
            pads[ax[i]] = p[i];
            pads[ax[i] + r] = p[i + na];
        }
        if (n->n_in >= 3 && n->in[2] != TC_NONE) {
            const Tensor *v = &g->t[n->in[2]];
            if ((!v->f && !v->i) || ir_numel(v) != 1 || v->dtype != x->dtype)
                node_error(g, n, "constant_value must be a constant scalar of the input's type");
            *value = v->f ? v->f[0] : 0.0f; /* of an integer input: pad_value_int (interp_index.c) */
        }
    }
    if (strcmp(m, "constant") == 0)
        *mode = 0;
    else if (strcmp(m, "reflect") == 0)
        *mode = 1;
    else if (strcmp(m, "edge") == 0)
        *mode = 2;
    else
        node_error(g, n, "attribute 'mode' value '%s' is not supported (constant, reflect, edge are)", diag_escape(g->a, m));
    for (i = 0; i < 2 * r; i++)
        if (pads[i] > ((int64_t)1 << 24) || pads[i] < -((int64_t)1 << 24))
            node_error(g, n, "pad %lld is too large", (long long)pads[i]);
    for (i = 0; i < r; i++) {
        if (x->dims[i] + pads[i] + pads[i + r] < 0)
            node_error(g, n, "pads %lld/%lld crop more than axis %d holds", (long long)pads[i], (long long)pads[i + r], i);
        if (*mode == 1 && (pads[i] >= x->dims[i] || pads[i + r] >= x->dims[i]) && (pads[i] > 0 || pads[i + r] > 0))
            node_error(g, n, "reflect pads %lld/%lld must be smaller than axis %d (%lld)", (long long)pads[i],
                       (long long)pads[i + r], i, (long long)x->dims[i]);
        if (*mode == 2 && x->dims[i] == 0 && (pads[i] > 0 || pads[i + r] > 0))
            node_error(g, n, "edge padding of an empty axis");
    }
}

static void shape_pad(Graph *g, Node *n)
{
    Tensor *x;
    int64_t pads[2 * TC_MAX_RANK], d[TC_MAX_RANK];
    float v;
    int mode, i;
    need_inputs(g, n, 1, 4);
    x = in(g, n, 0);
    out(g, n, 0)->dtype = x->dtype; /* integers and bools too (interp_index.c, emit_index.c) */
    pad_params(g, n, pads, &v, &mode);
    for (i = 0; i < x->rank; i++)
        d[i] = x->dims[i] + pads[i] + pads[i + x->rank];
    ir_set_dims(out(g, n, 0), x->rank, d);
}

typedef struct {
    double scale[TC_MAX_RANK];
    int64_t out[TC_MAX_RANK];
    int linear;       /* else nearest */
    int coord;        /* 0 half_pixel, 1 asymmetric, 2 align_corners, 3 pytorch_half_pixel, 4 tf_half_pixel_for_nn,
                       * 5 half_pixel_symmetric */
    int nearest;      /* 0 round_prefer_floor, 1 round_prefer_ceil, 2 floor, 3 ceil */
    int cubic;        /* mode cubic (linear is 0): cubic_coeff_a, exclude_outside */
    double cubic_a;
    int exclude;
    double roi0[TC_MAX_RANK], roi1[TC_MAX_RANK]; /* coord 6, tf_crop_and_resize: start, end per axis */
    float extrap;     /* its extrapolation_value */
} ResizeParams;

/* Resize-18 'axes': the axes that scales and sizes list (the others keep
 * their length); all of them, in order, without it. Returns their count. */
static int resize_axes(Graph *g, const Node *n, int *ax)
{
    const Attr *at = attr_get(n, "axes");
    int r = g->t[n->in[0]].rank, i, j;
    if (!at) {
        for (i = 0; i < r; i++)
            ax[i] = i;
        return r;
    }
    if (at->kind != AT_INTS || at->n < 1 || (int)at->n > r)
        node_error(g, n, "attribute 'axes' must be a list of 1 to %d ints", r);
    for (i = 0; i < (int)at->n; i++) {
        if (at->ints[i] < -r || at->ints[i] >= r)
            node_error(g, n, "axis %lld is out of range for rank %d", (long long)at->ints[i], r);
        ax[i] = (int)(at->ints[i] < 0 ? at->ints[i] + r : at->ints[i]);
        for (j = 0; j < i; j++)
            if (ax[j] == ax[i])
                node_error(g, n, "axis %d is listed twice in 'axes'", ax[i]);
    }
    return (int)at->n;
}

/*
 * Resize-18 keep_aspect_ratio_policy, on sizes over the listed axes:
 *   not_larger:  s = min_i sizes[i] / in[i],  not_smaller: s = max_i ...
 *   out[i] = round_int(s * in[i])  (halfway cases rounded up)
 * stretch (the default) keeps sizes as given.
 */
static void keep_aspect_ratio(Graph *g, const Node *n, const int *ax, int na, int64_t *sizes)
{
    const Tensor *x = &g->t[n->in[0]];
    const char *kp = attr_string(n, "keep_aspect_ratio_policy", "stretch");
    int larger = strcmp(kp, "not_smaller") == 0, i;
    double s = 0.0;
    if (strcmp(kp, "stretch") == 0)
        return;
    if (!larger && strcmp(kp, "not_larger") != 0)
        node_error(g, n, "attribute 'keep_aspect_ratio_policy' value '%s' is not supported (stretch, not_larger, "
                         "not_smaller are)", diag_escape(g->a, kp));
    for (i = 0; i < na; i++) {
        double q;
        if (x->dims[ax[i]] < 1 || sizes[ax[i]] < 1)
            node_error(g, n, "keep_aspect_ratio_policy needs positive lengths, axis %d has %lld for %lld", ax[i],
                       (long long)sizes[ax[i]], (long long)x->dims[ax[i]]);
        q = (double)sizes[ax[i]] / (double)x->dims[ax[i]];
        if (i == 0 || (larger ? q > s : q < s))
            s = q;
    }
    for (i = 0; i < na; i++)
        sizes[ax[i]] = (int64_t)(s * (double)x->dims[ax[i]] + 0.5); /* >= 0: truncation is floor */
}

/*
 * tf_crop_and_resize: roi (input 1, a constant of 2 * na floats: the starts, then
 * the ends, over the listed axes; 0 and 1 on the others) and extrapolation_value.
 * Only sizes give its output's shape (with scales, ONNX's reference and spec differ).
 */
static void resize_crop_roi(Graph *g, const Node *n, const int *ax, int na, int have_sizes, ResizeParams *p)
{
    const Tensor *t = n->n_in >= 2 && n->in[1] != TC_NONE ? &g->t[n->in[1]] : NULL;
    const Attr *ev = attr_get(n, "extrapolation_value");
    int r = g->t[n->in[0]].rank, i;
    if (!t || !t->f || ir_numel(t) != 2 * na)
        node_error(g, n, "tf_crop_and_resize needs roi (input 1) as a constant float tensor of %d values", 2 * na);
    if (!have_sizes)
        node_error(g, n, "tf_crop_and_resize is supported with sizes only (not scales)");
    for (i = 0; i < r; i++) {
        p->roi0[i] = 0.0;
        p->roi1[i] = 1.0;
    }
    for (i = 0; i < na; i++) {
        p->roi0[ax[i]] = t->f[i];
        p->roi1[ax[i]] = t->f[i + na];
    }
    p->extrap = ev && ev->kind == AT_FLOAT ? ev->f : 0.0f;
}

static void resize_params(Graph *g, const Node *n, ResizeParams *p)
{
    const Tensor *x = &g->t[n->in[0]];
    const char *mode = attr_str(n, "mode", "nearest");
    int r = x->rank, i;
    const float *sc = NULL;
    const int64_t *sizes = NULL;
    float fsc[TC_MAX_RANK];
    int64_t fsz[TC_MAX_RANK];
    int ax[TC_MAX_RANK], na = r;
    memset(p, 0, sizeof *p);
    if (strcmp(mode, "linear") == 0 || strcmp(mode, "bilinear") == 0)
        p->linear = 1;
    else if (strcmp(mode, "cubic") == 0 && n->op == OP_RESIZE && g->opset >= 11) {
        const Attr *ca = attr_get(n, "cubic_coeff_a");
        p->cubic = 1;
        p->cubic_a = ca && ca->kind == AT_FLOAT ? (double)ca->f : -0.75;
        p->exclude = attr_int(n, "exclude_outside", 0) != 0;
    } else if (strcmp(mode, "nearest") != 0)
        node_error(g, n, "attribute 'mode' value '%s' is not supported (nearest, linear%s are)", diag_escape(g->a, mode),
                   n->op == OP_RESIZE && g->opset >= 11 ? ", cubic" : "");
    if (n->op == OP_UPSAMPLE || g->opset < 11) {
        /* Upsample and Resize-10: x_original = x_resized / scale, nearest rounds down */
        const Attr *at = attr_get(n, "scales");
        p->coord = 1;
        p->nearest = 2;
        if (n->op == OP_UPSAMPLE && at) {
            if (at->kind != AT_FLOATS || (int)at->n != r)
                node_error(g, n, "attribute 'scales' must be a list of %d floats", r);
            sc = at->floats;
        } else if (n->n_in >= 2 && n->in[1] != TC_NONE) {
            const Tensor *t = &g->t[n->in[1]];
            if (!t->f || ir_numel(t) != r)
                node_error(g, n, "scales must be a constant float tensor of %d values", r);
            sc = t->f;
        } else {
            node_error(g, n, "scales are missing");
        }
    } else {
        const char *ct = attr_str(n, "coordinate_transformation_mode", "half_pixel");
        const char *nm = attr_str(n, "nearest_mode", "round_prefer_floor");
        static const char *const cts[] = {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel",
                                          "tf_half_pixel_for_nn", "half_pixel_symmetric", "tf_crop_and_resize"};
        static const char *const nms[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
        p->coord = p->nearest = -1;
        for (i = 0; i < 7; i++)
            if (strcmp(ct, cts[i]) == 0)
                p->coord = i;
        for (i = 0; i < 4; i++)
            if (strcmp(nm, nms[i]) == 0)
                p->nearest = i;
        if (p->coord < 0)
            node_error(g, n, "attribute 'coordinate_transformation_mode' value '%s' is not supported", diag_escape(g->a, ct));
        if (p->nearest < 0)
            node_error(g, n, "attribute 'nearest_mode' value '%s' is not supported", diag_escape(g->a, nm));
        /* antialias is refused by check_attrs (attrs.c) */
        na = resize_axes(g, n, ax);
        if (n->n_in >= 4 && n->in[3] != TC_NONE && ir_numel(&g->t[n->in[3]]) > 0) {
            const int64_t *sz = const_ints(g, n, 3, "sizes", na);
            for (i = 0; i < r; i++)
                fsz[i] = x->dims[i];
            for (i = 0; i < na; i++)
                fsz[ax[i]] = sz[i];
            keep_aspect_ratio(g, n, ax, na, fsz);
            sizes = fsz;
        }
        if (n->n_in >= 3 && n->in[2] != TC_NONE && ir_numel(&g->t[n->in[2]]) > 0) {
            const Tensor *t = &g->t[n->in[2]];
            if (!t->f || ir_numel(t) != na)
                node_error(g, n, "scales must be a constant float tensor of %d values", na);
            if (sizes)
                node_error(g, n, "both scales and sizes are given");
            for (i = 0; i < r; i++)
                fsc[i] = 1.0f;
            for (i = 0; i < na; i++)
                fsc[ax[i]] = t->f[i];
            sc = fsc;
        }
        if (!sc && !sizes)
            node_error(g, n, "neither scales nor sizes are given");
        if (p->coord == 6)
            resize_crop_roi(g, n, ax, na, sizes != NULL, p);
    }
    for (i = 0; i < r; i++) {
        if (sizes) {
            if (sizes[i] < 1 || sizes[i] > ((int64_t)1 << 24))
                node_error(g, n, "size %lld is out of range", (long long)sizes[i]);
            p->out[i] = sizes[i];
            p->scale[i] = (double)sizes[i] / (double)x->dims[i];
        } else {
            if (!(sc[i] > 0.0f && sc[i] < 65536.0f))
                node_error(g, n, "scale %g is out of range", (double)sc[i]);
            p->scale[i] = sc[i];
            p->out[i] = (int64_t)((double)x->dims[i] * (double)sc[i]);
            if (p->out[i] < 1)
                node_error(g, n, "scale %g leaves axis %d empty", (double)sc[i], i);
        }
    }
    if (p->linear || p->cubic)
        for (i = 0; i < r - 2; i++)
            if (p->out[i] != x->dims[i])
                node_error(g, n, "%s resizing is supported on the last two axes only", p->linear ? "linear" : "cubic");
}

static void shape_resize(Graph *g, Node *n)
{
    ResizeParams p;
    Tensor *x;
    need_inputs(g, n, 1, 4);
    x = in(g, n, 0);
    if (x->dtype != DT_FLOAT)
        node_error(g, n, "input must be float, not %s", etype_name(tensor_etype(x)));
    resize_params(g, n, &p);
    ir_set_dims(out(g, n, 0), x->rank, p.out);
}

/* x_original of output coordinate o, by coordinate_transformation_mode */
static double resize_coord(const ResizeParams *p, int axis, int64_t o, int64_t in)
{
    double s = p->scale[axis];
    switch (p->coord) {
    case 0: return ((double)o + 0.5) / s - 0.5;
    case 1: return (double)o / s;
    case 2: /* the resized length is in * scale, not rounded (as the ONNX reference has it) */
        return (double)in * s > 1.0 ? (double)o * (double)(in - 1) / ((double)in * s - 1.0) : 0.0;
    case 3: return p->out[axis] > 1 ? ((double)o + 0.5) / s - 0.5 : 0.0;
    case 6: /* tf_crop_and_resize: from roi start s0 to end s1 of the input's span in - 1 */
        return (p->out[axis] > 1 ? (double)o * (p->roi1[axis] - p->roi0[axis]) * (double)(in - 1) / (double)(p->out[axis] - 1)
                                 : (p->roi1[axis] - p->roi0[axis]) * (double)(in - 1) / 2.0) +
               p->roi0[axis] * (double)(in - 1);
    case 5: { /* half_pixel about the centre: adj = out / (in * s), x = in / 2 * (1 - adj) + (o + 0.5) / s - 0.5 */
        double adj = (double)p->out[axis] / ((double)in * s);
        return (double)in / 2.0 * (1.0 - adj) + ((double)o + 0.5) / s - 0.5;
    }
    default: return ((double)o + 0.5) / s;
    }
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

float resample_maps(Graph *g, const Node *n, AxisMap *maps)
{
    const Tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    int r = x->rank, i;
    int64_t o;
    for (i = 0; i < r; i++) {
        if (y->dims[i] > ((int64_t)1 << 24))
            node_error(g, n, "output axis %d of length %lld is too large", i, (long long)y->dims[i]);
        maps[i].i0 = arena_array(g->a, (size_t)y->dims[i] + 1, sizeof(int64_t));
        maps[i].i1 = arena_array(g->a, (size_t)y->dims[i] + 1, sizeof(int64_t));
        maps[i].w = NULL;
    }
    if (n->op == OP_PAD) {
        int64_t pads[2 * TC_MAX_RANK];
        float v;
        int mode;
        pad_params(g, n, pads, &v, &mode);
        for (i = 0; i < r; i++) {
            int64_t len = x->dims[i];
            for (o = 0; o < y->dims[i]; o++) {
                int64_t c = o - pads[i];
                if (c < 0 || c >= len) {
                    if (mode == 0)
                        c = -1;
                    else if (mode == 2)
                        c = clamp64(c, 0, len - 1);
                    else if (len == 1)
                        c = 0;
                    else { /* reflect without repeating the edge: period 2 (len - 1) */
                        int64_t per = 2 * (len - 1);
                        c = ((c % per) + per) % per;
                        if (c >= len)
                            c = per - c;
                    }
                }
                maps[i].i0[o] = maps[i].i1[o] = c;
            }
        }
        return v;
    }
    {
        ResizeParams p;
        resize_params(g, n, &p);
        for (i = 0; i < r; i++) {
            int64_t len = x->dims[i];
            if (p.linear)
                maps[i].w = arena_array(g->a, (size_t)y->dims[i] + 1, sizeof(double));
            for (o = 0; o < y->dims[i]; o++) {
                double xo = resize_coord(&p, i, o, len), f = 0.0, fl;
                int64_t c;
                if (p.linear) {
                    if (xo < 0.0)
                        xo = 0.0;
                    if (xo > (double)(len - 1))
                        xo = (double)(len - 1);
                    fl = (double)(int64_t)xo; /* xo >= 0 */
                    maps[i].i0[o] = (int64_t)fl;
                    maps[i].i1[o] = clamp64((int64_t)fl + 1, 0, len - 1);
                    maps[i].w[o] = xo - fl;
                    continue;
                }
                fl = xo >= 0.0 ? (double)(int64_t)xo : -(double)(int64_t)(-xo);
                if (fl > xo)
                    fl -= 1.0; /* floor */
                f = xo - fl;
                switch (p.nearest) {
                case 0: c = (int64_t)fl + (f > 0.5); break;
                case 1: c = (int64_t)fl + (f >= 0.5); break;
                case 2: c = (int64_t)fl; break;
                default: c = (int64_t)fl + (f > 0.0); break;
                }
                maps[i].i0[o] = maps[i].i1[o] = clamp64(c, 0, len - 1);
            }
        }
    }
    return 0.0f;
}

int resize_general(Graph *g, const Node *n)
{
    ResizeParams p;
    if (n->op != OP_RESIZE)
        return 0;
    resize_params(g, n, &p);
    return p.cubic || p.coord == 6;
}

/*
 * The taps of each axis of a cubic or tf_crop_and_resize Resize (resize_general).
 * Cubic, with f = floor(x), r = x - f, A = cubic_coeff_a, taps f - 1 .. f + 2 (read at
 * the nearest edge when outside) weighing
 *   c0 = ((A (r+1) - 5A) (r+1) + 8A) (r+1) - 4A,  c1 = ((A+2) r - (A+3)) r r + 1,
 *   c2 = ((A+2) (1-r) - (A+3)) (1-r) (1-r) + 1,    c3 = ((A (2-r) - 5A) (2-r) + 8A) (2-r) - 4A;
 * exclude_outside zeroes the taps outside and divides by the sum of the rest. Linear:
 * f and f + 1 weighing 1 - r and r; nearest: one tap, as resample_maps rounds. An axis
 * whose x are all whole numbers has one tap. tf_crop_and_resize: x outside [0, in - 1]
 * marks its output coordinate outside (y = extrapolation_value there).
 */
float resize_taps(Graph *g, const Node *n, AxisTaps *t)
{
    const Tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    ResizeParams p;
    int r = x->rank, i, j;
    int64_t o;
    resize_params(g, n, &p);
    for (i = 0; i < r; i++) {
        int64_t len = x->dims[i], out = y->dims[i];
        int whole = 1;
        if (out > ((int64_t)1 << 24))
            node_error(g, n, "output axis %d of length %lld is too large", i, (long long)out);
        t[i].k = p.cubic ? 4 : p.linear ? 2 : 1;
        t[i].idx = arena_array(g->a, (size_t)(out * t[i].k) + 1, sizeof(int64_t));
        t[i].w = arena_array(g->a, (size_t)(out * t[i].k) + 1, sizeof(double));
        t[i].outside = arena_alloc(g->a, (size_t)out + 1);
        t[i].any_outside = 0;
        for (o = 0; o < out; o++) {
            double xo = resize_coord(&p, i, o, len), fl, f, A = p.cubic_a, c[4], sum = 0.0;
            int64_t *ix = t[i].idx + o * t[i].k;
            double *w = t[i].w + o * t[i].k;
            t[i].outside[o] = p.coord == 6 && (xo < 0.0 || xo > (double)(len - 1));
            t[i].any_outside |= t[i].outside[o];
            if (t[i].outside[o] || !(xo > -1e9 && xo < 1e9)) {
                for (j = 0; j < t[i].k; j++)
                    ix[j] = 0, w[j] = j == 0;
                continue;
            }
            fl = floor(xo);
            f = xo - fl;
            whole &= f == 0.0;
            if (!p.cubic && !p.linear) {
                int64_t cc;
                switch (p.nearest) {
                case 0: cc = (int64_t)fl + (f > 0.5); break;
                case 1: cc = (int64_t)fl + (f >= 0.5); break;
                case 2: cc = (int64_t)fl; break;
                default: cc = (int64_t)fl + (f > 0.0); break;
                }
                ix[0] = clamp64(cc, 0, len - 1);
                w[0] = 1.0;
                continue;
            }
            if (p.linear) {
                ix[0] = clamp64((int64_t)fl, 0, len - 1);
                ix[1] = clamp64((int64_t)fl + 1, 0, len - 1);
                w[0] = 1.0 - f;
                w[1] = f;
                continue;
            }
            c[0] = ((A * (f + 1.0) - 5.0 * A) * (f + 1.0) + 8.0 * A) * (f + 1.0) - 4.0 * A;
            c[1] = ((A + 2.0) * f - (A + 3.0)) * f * f + 1.0;
            c[2] = ((A + 2.0) * (1.0 - f) - (A + 3.0)) * (1.0 - f) * (1.0 - f) + 1.0;
            c[3] = ((A * (2.0 - f) - 5.0 * A) * (2.0 - f) + 8.0 * A) * (2.0 - f) - 4.0 * A;
            for (j = 0; j < 4; j++) {
                int64_t at = (int64_t)fl - 1 + j;
                if (p.exclude && (at < 0 || at >= len))
                    c[j] = 0.0;
                sum += c[j];
                ix[j] = clamp64(at, 0, len - 1);
            }
            for (j = 0; j < 4; j++)
                w[j] = p.exclude && sum != 0.0 ? c[j] / sum : c[j];
        }
        if (whole && t[i].k > 1) { /* whole coordinates: the tap at floor(x) alone (weight 1) */
            for (o = 0; o < out; o++) {
                t[i].idx[o] = t[i].idx[o * t[i].k + (p.cubic ? 1 : 0)];
                t[i].w[o] = 1.0;
            }
            t[i].k = 1;
        }
    }
    return p.extrap;
}

/* DepthToSpace / SpaceToDepth with blocksize b: [N,C,H,W] <-> [N,C/b^2,H*b,W*b] */
static void shape_depthspace(Graph *g, Node *n)
{
    Tensor *x;
    int64_t b = attr_int(n, "blocksize", 0), d[4];
    const char *mode = attr_str(n, "mode", "DCR");
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    if (x->rank != 4)
        node_error(g, n, "input %s must be [N,C,H,W]", ir_shape_str(g->a, x));
    if (b < 1 || b > 4096)
        node_error(g, n, "attribute 'blocksize' must be from 1 to 4096, found %lld", (long long)b);
    if (n->op == OP_DEPTHTOSPACE && strcmp(mode, "DCR") != 0 && strcmp(mode, "CRD") != 0)
        node_error(g, n, "attribute 'mode' value '%s' is not supported (DCR, CRD are)", diag_escape(g->a, mode));
    d[0] = x->dims[0];
    if (n->op == OP_DEPTHTOSPACE) {
        if (x->dims[1] % (b * b))
            node_error(g, n, "%lld channels do not divide by blocksize^2 = %lld", (long long)x->dims[1], (long long)(b * b));
        d[1] = x->dims[1] / (b * b);
        d[2] = x->dims[2] * b;
        d[3] = x->dims[3] * b;
    } else {
        if (x->dims[2] % b || x->dims[3] % b)
            node_error(g, n, "height and width of %s do not divide by blocksize %lld", ir_shape_str(g->a, x), (long long)b);
        d[1] = x->dims[1] * b * b;
        d[2] = x->dims[2] / b;
        d[3] = x->dims[3] / b;
    }
    ir_set_dims(out(g, n, 0), 4, d);
}

/* ===== element-wise math, Max/Min/Sum/Mean/Pow/PRelu, Clip, reductions,
 * Hardmax, data movement, Split, Size, ConstantOfShape ===== */

static void shape_elem(Graph *g, Node *n)
{
    Tensor *x;
    const Attr *ap = attr_get(n, "approximate");
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    /* integer Neg/Abs/Sign occur in shape computations (folded at compile time) */
    if (x->dtype != DT_FLOAT && n->op != OP_NEG && n->op != OP_ABS && n->op != OP_SIGN)
        node_error(g, n, "input must be float, not %s", etype_name(tensor_etype(x)));
    out(g, n, 0)->dtype = x->dtype;
    if (n->op == OP_GELU && ap && (ap->kind != AT_STRING || (strcmp(ap->s, "none") != 0 && strcmp(ap->s, "tanh") != 0))) {
        char found[40];
        sanitize_comment(found, sizeof found, ap->kind == AT_STRING ? ap->s : "");
        node_error(g, n, "attribute 'approximate' is \"%s\"; expected \"none\" or \"tanh\"", found);
    }
    if (n->op == OP_CELU && !(attr_float(n, "alpha", 1.0f) > 0.0f))
        node_error(g, n, "attribute 'alpha' must be positive, found %g", (double)attr_float(n, "alpha", 1.0f));
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

static void broadcast_inputs(Graph *g, Node *n, int from, Tensor *y);

/* Max, Min, Sum and Mod whose inputs are all integers (of one type). */
static int nary_int(Graph *g, Node *n)
{
    int i;
    if (n->op != OP_MAX && n->op != OP_MIN && n->op != OP_SUM && n->op != OP_MOD)
        return 0;
    for (i = 0; i < n->n_in; i++)
        if (in(g, n, i)->dtype != DT_INT64 || tensor_etype(in(g, n, i)) != tensor_etype(in(g, n, 0)))
            return 0;
    return 1;
}

/* Max, Min, Sum, Mean: any number of inputs; Pow, PRelu: two. All broadcast. */
static void shape_nary(Graph *g, Node *n)
{
    Tensor *y = out(g, n, 0);
    int i;
    if (n->op == OP_POW || n->op == OP_PRELU || n->op == OP_MOD)
        need_inputs(g, n, 2, 2);
    else
        need_inputs(g, n, 1, 64);
    if (n->op == OP_POW && (in(g, n, 0)->dtype == DT_INT64 || in(g, n, 1)->dtype == DT_INT64)) {
        /* Pow with an integer base or exponent (emit_types.c): the base's type */
        broadcast_inputs(g, n, 0, y);
        y->dtype = in(g, n, 0)->dtype;
        y->etype = tensor_etype(in(g, n, 0));
        return;
    }
    if (nary_int(g, n)) { /* Max, Min, Sum, Mod (either fmod) of integers (emit_types.c, eval_nary) */
        broadcast_inputs(g, n, 0, y);
        y->dtype = DT_INT64;
        return;
    }
    if (n->op == OP_MOD && attr_int(n, "fmod", 0) != 1)
        node_error(g, n, "attribute 'fmod' is %lld; on float tensors only fmod = 1 (C's fmod) is defined",
                   (long long)attr_int(n, "fmod", 0));
    for (i = 0; i < n->n_in; i++)
        if (in(g, n, i)->dtype != DT_FLOAT)
            node_error(g, n, "input %d must be float (integer tensors are supported only in shape computations)", i);
    /* PRelu before opset 7: a 1-D slope of length C is per channel (axis 1) */
    if (n->op == OP_PRELU && g->opset < 7 && in(g, n, 1)->rank == 1 && in(g, n, 0)->rank > 2 &&
        in(g, n, 1)->dims[0] == in(g, n, 0)->dims[1] && in(g, n, 1)->f) {
        TensorId id = ir_new_tensor(g, g->t[n->in[1]].name);
        Tensor *s = &g->t[id], *x0 = in(g, n, 0);
        int64_t d[TC_MAX_RANK];
        for (i = 0; i < x0->rank - 1; i++)
            d[i] = i ? 1 : x0->dims[1];
        ir_set_dims(s, x0->rank - 1, d);
        s->f = g->t[n->in[1]].f;
        n->in[1] = id;
        y = out(g, n, 0);
    }
    ir_set_dims(y, in(g, n, 0)->rank, in(g, n, 0)->dims);
    for (i = 1; i < n->n_in; i++)
        broadcast(g, n, y, in(g, n, i), y);
    /* PRelu: the slope broadcasts to X, never the other way */
    if (n->op == OP_PRELU && !ir_same_shape(y, in(g, n, 0)))
        node_error(g, n, "slope %s does not broadcast to X %s", ir_shape_str(g->a, in(g, n, 1)),
                   ir_shape_str(g->a, in(g, n, 0)));
}

/* min and max: attributes before opset 11, optional constant inputs after. */
int clip_bounds(Graph *g, const Node *n, float *lo, float *hi)
{
    int has = 0, i;
    if (g->opset < 11) {
        if (attr_get(n, "min"))
            *lo = attr_float(n, "min", 0.0f), has |= 1;
        if (attr_get(n, "max"))
            *hi = attr_float(n, "max", 0.0f), has |= 2;
        return has;
    }
    for (i = 1; i < 3 && i < n->n_in; i++) {
        const Tensor *b;
        if (n->in[i] == TC_NONE)
            continue;
        b = &g->t[n->in[i]];
        if (b->dtype != DT_FLOAT || ir_numel(b) != 1)
            node_error(g, n, "'%s' must be a float scalar, found %s", i == 1 ? "min" : "max", ir_shape_str(g->a, b));
        if (b->f)
            *(i == 1 ? lo : hi) = b->f[0];
        has |= b->f ? i : 4 * i; /* 4, 8: read at run time */
    }
    return has;
}

static void shape_clip(Graph *g, Node *n)
{
    Tensor *x;
    float lo, hi;
    need_inputs(g, n, 1, 3);
    x = in(g, n, 0);
    if (x->dtype != DT_FLOAT) { /* integers (emit_types.c): the bounds are scalars of x's type, or absent */
        int i;
        for (i = 1; i < n->n_in; i++)
            if (n->in[i] != TC_NONE && (in(g, n, i)->dtype != DT_INT64 || ir_numel(in(g, n, i)) != 1))
                node_error(g, n, "input %d must be an integer scalar, as the input", i);
        out(g, n, 0)->dtype = DT_INT64;
        ir_set_dims(out(g, n, 0), x->rank, x->dims);
        return;
    }
    clip_bounds(g, n, &lo, &hi);
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

/*
 * The axes: an attribute, or (ReduceSum from opset 13, the others from 18)
 * a constant input. No axes means all of them, unless noop_with_empty_axes
 * asks for no reduction at all.
 */
int reduce_axes(Graph *g, const Node *n, int *reduced)
{
    const Tensor *x = &g->t[n->in[0]];
    const Attr *at = attr_get(n, "axes");
    const int64_t *ax = NULL;
    int64_t k = 0, i;
    int any = 0;
    if (n->n_in >= 2 && n->in[1] != TC_NONE) {
        const Tensor *t = &g->t[n->in[1]];
        if (!t->i || t->rank != 1)
            node_error(g, n, "axes must be a constant 1-D int64 tensor");
        ax = t->i;
        k = t->dims[0];
    } else if (at) {
        if (at->kind != AT_INTS)
            node_error(g, n, "attribute 'axes' must be a list of ints");
        ax = at->ints;
        k = (int64_t)at->n;
    }
    for (i = 0; i < x->rank; i++)
        reduced[i] = k == 0 && !attr_int(n, "noop_with_empty_axes", 0);
    for (i = 0; i < k; i++) {
        int a;
        if (ax[i] < -x->rank || ax[i] >= x->rank)
            node_error(g, n, "axis %lld is out of range for rank %d", (long long)ax[i], x->rank);
        a = (int)(ax[i] < 0 ? ax[i] + x->rank : ax[i]);
        if (reduced[a])
            node_error(g, n, "axis %lld is repeated", (long long)ax[i]);
        reduced[a] = 1;
    }
    for (i = 0; i < x->rank; i++)
        any |= reduced[i];
    return any;
}

static void shape_reduce(Graph *g, Node *n)
{
    Tensor *x;
    int reduced[TC_MAX_RANK], i, r = 0;
    int64_t d[TC_MAX_RANK], keep = attr_int(n, "keepdims", 1), count = 1;
    need_inputs(g, n, 1, 2);
    x = in(g, n, 0);
    if (x->dtype != DT_FLOAT)
        node_error(g, n, "input must be float, not %s", etype_name(tensor_etype(x)));
    if (keep != 0 && keep != 1)
        node_error(g, n, "attribute 'keepdims' must be 0 or 1, found %lld", (long long)keep);
    reduce_axes(g, n, reduced);
    for (i = 0; i < x->rank; i++) {
        if (reduced[i])
            count *= x->dims[i];
        if (!reduced[i])
            d[r++] = x->dims[i];
        else if (keep)
            d[r++] = 1;
    }
    if (count == 0)
        node_error(g, n, "reduces over an empty set of elements");
    ir_set_dims(out(g, n, 0), r, d);
}

static void shape_hardmax(Graph *g, Node *n)
{
    Tensor *x;
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    if (x->dtype != DT_FLOAT)
        node_error(g, n, "input must be float, not %s", etype_name(tensor_etype(x)));
    norm_axis(g, n, attr_int(n, "axis", g->opset >= 13 ? -1 : 1), x->rank);
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

/* A constant 1-D int64 input, or an ints attribute (older opsets); its length, -1 when absent. */
static int64_t const_int_list(Graph *g, const Node *n, int input, const char *attr, const int64_t **v)
{
    const Attr *at = attr ? attr_get(n, attr) : NULL;
    if (input < n->n_in && n->in[input] != TC_NONE) {
        const Tensor *t = &g->t[n->in[input]];
        if (!t->i || t->rank != 1)
            node_error(g, n, "input %d must be a constant 1-D integer tensor; values computed at run time are not supported",
                       input);
        *v = t->i;
        return t->dims[0];
    }
    if (at) {
        if (at->kind != AT_INTS)
            node_error(g, n, "attribute '%s' must be a list of ints", attr);
        *v = at->ints;
        return (int64_t)at->n;
    }
    *v = NULL;
    return -1;
}

/*
 * Slice along one axis, ONNX rules: negative start/end count from the end;
 * then start is clamped to [0, dim] (step > 0) or [0, dim-1] (step < 0), end to
 * [0, dim] or [-1, dim-1]; the count is ceil((end - start) / step), at least 0.
 */
static void slice_axis(int64_t dim, int64_t start, int64_t end, int64_t step, int64_t *first, int64_t *count)
{
    if (start < 0)
        start += dim;
    if (end < 0)
        end += dim;
    if (step > 0) {
        start = start < 0 ? 0 : start > dim ? dim : start;
        end = end < 0 ? 0 : end > dim ? dim : end;
        *count = end > start ? (end - start + step - 1) / step : 0;
    } else {
        start = start < 0 ? 0 : start > dim - 1 ? dim - 1 : start;
        end = end < -1 ? -1 : end > dim - 1 ? dim - 1 : end;
        *count = start > end ? (start - end + (-step) - 1) / (-step) : 0;
    }
    *first = start;
}

void copy_map(Graph *g, const Node *n, CopyMap *m)
{
    const Tensor *x = &g->t[n->in[0]];
    int64_t xs[TC_MAX_RANK], s = 1;
    const int64_t *v;
    int64_t k, i;
    for (i = x->rank - 1; i >= 0; i--) {
        xs[i] = s;
        s *= x->dims[i];
    }
    memset(m, 0, sizeof *m);
    switch (n->op) {
    case OP_TRANSPOSE: {
        int used[TC_MAX_RANK] = {0};
        k = const_int_list(g, n, 99, "perm", &v);
        if (k >= 0 && k != x->rank)
            node_error(g, n, "perm has %lld entries, the input has rank %d", (long long)k, x->rank);
        for (i = 0; i < x->rank; i++) {
            int64_t p = k < 0 ? x->rank - 1 - i : v[i];
            if (p < 0 || p >= x->rank || used[p])
                node_error(g, n, "perm is not a permutation of 0..%d", x->rank - 1);
            used[p] = 1;
            m->dims[i] = x->dims[p];
            m->stride[i] = xs[p];
        }
        m->rank = x->rank;
        break;
    }
    case OP_SLICE: {
        const int64_t *st, *en, *ax = NULL, *sp = NULL;
        int64_t ns, ne, na, nsp;
        int seen[TC_MAX_RANK] = {0};
        if (g->opset < 10) {
            ns = const_int_list(g, n, 99, "starts", &st);
            ne = const_int_list(g, n, 99, "ends", &en);
            na = const_int_list(g, n, 99, "axes", &ax);
            nsp = -1;
        } else {
            ns = const_int_list(g, n, 1, NULL, &st);
            ne = const_int_list(g, n, 2, NULL, &en);
            na = const_int_list(g, n, 3, NULL, &ax);
            nsp = const_int_list(g, n, 4, NULL, &sp);
        }
        if (ns < 0 || ne < 0 || ns != ne || (na >= 0 && na != ns) || (nsp >= 0 && nsp != ns))
            node_error(g, n, "starts, ends, axes and steps must be given and have the same length");
        for (i = 0; i < x->rank; i++) {
            m->dims[i] = x->dims[i];
            m->stride[i] = xs[i];
        }
        m->rank = x->rank;
        for (k = 0; k < ns; k++) {
            int64_t a = na >= 0 ? ax[k] : k, step = nsp >= 0 ? sp[k] : 1, first, count;
            if (a < -x->rank || a >= x->rank)
                node_error(g, n, "axis %lld is out of range for rank %d", (long long)a, x->rank);
            a = a < 0 ? a + x->rank : a;
            if (seen[a]++)
                node_error(g, n, "axis %lld is repeated", (long long)a);
            if (step == 0)
                node_error(g, n, "steps[%lld] is 0; steps must be nonzero", (long long)k);
            if (step < -((int64_t)1 << 40) || step > ((int64_t)1 << 40))
                node_error(g, n, "step %lld is out of range", (long long)step);
            slice_axis(x->dims[a], st[k], en[k], step, &first, &count);
            m->base += first * xs[a];
            m->dims[a] = count;
            m->stride[a] = step * xs[a];
        }
        break;
    }
    case OP_EXPAND: {
        Tensor t;
        int r;
        k = const_int_list(g, n, 1, NULL, &v);
        if (k < 0 || k > TC_MAX_RANK)
            node_error(g, n, "the shape must be a constant 1-D tensor of at most %d entries", TC_MAX_RANK);
        memset(&t, 0, sizeof t);
        t.rank = (int)k;
        for (i = 0; i < k; i++) {
            if (v[i] < 0 || v[i] > ((int64_t)1 << 31))
                node_error(g, n, "shape entry %lld is %lld", (long long)i, (long long)v[i]);
            t.dims[i] = v[i];
        }
        broadcast(g, (Node *)n, x, &t, &t);
        r = t.rank;
        for (i = 0; i < r; i++) {
            int64_t xi = i - (r - x->rank);
            m->dims[i] = t.dims[i];
            m->stride[i] = xi >= 0 && x->dims[xi] != 1 ? xs[xi] : 0;
        }
        m->rank = r;
        break;
    }
    case OP_TILE:
        k = const_int_list(g, n, 1, NULL, &v);
        if (k != x->rank)
            node_error(g, n, "repeats must be a constant 1-D tensor with one entry per input axis (%d)", x->rank);
        for (i = 0; i < x->rank; i++) {
            if (v[i] < 0 || v[i] > ((int64_t)1 << 31))
                node_error(g, n, "repeat %lld is %lld", (long long)i, (long long)v[i]);
            m->dims[2 * i] = v[i];
            m->stride[2 * i] = 0;
            m->dims[2 * i + 1] = x->dims[i];
            m->stride[2 * i + 1] = xs[i];
            m->y_dims[i] = v[i] * x->dims[i];
        }
        m->rank = 2 * x->rank;
        m->y_rank = x->rank;
        return;
    default:
        BUG("not a copy op");
    }
    m->y_rank = m->rank;
    for (i = 0; i < m->rank; i++)
        m->y_dims[i] = m->dims[i];
}

static void shape_copy(Graph *g, Node *n)
{
    CopyMap m;
    if (n->op == OP_TRANSPOSE)
        need_inputs(g, n, 1, 1);
    else if (n->op == OP_SLICE)
        need_inputs(g, n, g->opset < 10 ? 1 : 3, g->opset < 10 ? 1 : 5);
    else
        need_inputs(g, n, 2, 2);
    copy_map(g, n, &m);
    out(g, n, 0)->dtype = in(g, n, 0)->dtype;
    ir_set_dims(out(g, n, 0), m.y_rank, m.y_dims);
}

/* Split: sizes from the input (opset 13+) or attribute 'split', else equal parts. */
static void shape_split(Graph *g, Node *n)
{
    Tensor *x;
    const int64_t *v;
    int64_t k, total = 0, d[TC_MAX_RANK];
    int axis, j;
    need_inputs(g, n, 1, 2);
    x = in(g, n, 0);
    axis = norm_axis(g, n, attr_int(n, "axis", 0), x->rank);
    k = const_int_list(g, n, 1, "split", &v);
    if (attr_get(n, "num_outputs") && attr_int(n, "num_outputs", -1) != n->n_out)
        node_error(g, n, "attribute 'num_outputs' is %lld but the node has %d outputs",
                   (long long)attr_int(n, "num_outputs", -1), n->n_out);
    if (k >= 0 && k != n->n_out)
        node_error(g, n, "split has %lld entries for %d outputs", (long long)k, n->n_out);
    for (j = 0; j < n->n_out; j++) {
        Tensor *y = out(g, n, j);
        int64_t len;
        if (k >= 0) {
            len = v[j];
        } else {
            int64_t part = (x->dims[axis] + n->n_out - 1) / n->n_out;
            if (x->dims[axis] % n->n_out && g->opset < 18)
                node_error(g, n, "dimension %lld of axis %d does not split into %d equal parts",
                           (long long)x->dims[axis], axis, n->n_out);
            len = total + part <= x->dims[axis] ? part : x->dims[axis] - total;
        }
        if (len < 0)
            node_error(g, n, "split size %lld is negative", (long long)len);
        if (!y->name[0])
            node_error(g, n, "output %d has no name; every output of Split must be used or named", j);
        memcpy(d, x->dims, sizeof d);
        d[axis] = len;
        y->dtype = x->dtype;
        ir_set_dims(y, x->rank, d);
        total += len;
    }
    if (total != x->dims[axis])
        node_error(g, n, "the parts add up to %lld, axis %d has %lld", (long long)total, axis, (long long)x->dims[axis]);
}

static void shape_size(Graph *g, Node *n)
{
    need_inputs(g, n, 1, 1);
    (void)in(g, n, 0);
    out(g, n, 0)->dtype = DT_INT64;
    out(g, n, 0)->etype = ET_INT64;
    ir_set_dims(out(g, n, 0), 0, NULL);
}

static void shape_constofshape(Graph *g, Node *n)
{
    const Attr *at = attr_get(n, "value");
    const int64_t *v;
    int64_t k, i;
    Tensor *y = out(g, n, 0);
    need_inputs(g, n, 1, 1);
    k = const_int_list(g, n, 0, NULL, &v);
    if (k > TC_MAX_RANK)
        node_error(g, n, "the shape has %lld entries, more than the maximum rank %d", (long long)k, TC_MAX_RANK);
    if (at && (at->kind != AT_TENSOR || ir_numel(at->t) != 1))
        node_error(g, n, "attribute 'value' must be a tensor of one element");
    y->dtype = at ? at->t->dtype : DT_FLOAT;
    y->etype = at ? tensor_etype(at->t) : ET_FLOAT;
    for (i = 0; i < k; i++)
        if (v[i] < 0)
            node_error(g, n, "shape entry %lld is %lld", (long long)i, (long long)v[i]);
    ir_set_dims(y, (int)k, v);
}

/*
 * RNN, GRU, LSTM: X [T,B,I] (layout 0) or [B,T,I] (layout 1); W [D,G*H,I],
 * R [D,G*H,H], B [D,2*G*H], initial_h [D,B,H] (LSTM: initial_c, P [D,3H])
 * with G = 1, 3, 4 gates. Outputs Y [T,D,B,H] (or [B,T,D,H]), Y_h and Y_c
 * [D,B,H] (or [B,D,H]). Default activations only; clip is supported.
 */
int rnn_gates(OpKind op) { return op == OP_RNN ? 1 : op == OP_GRU ? 3 : 4; }

int ir_multi_output(OpKind op)
{
    return op == OP_SPLIT || op == OP_RNN || op == OP_GRU || op == OP_LSTM || op == OP_DYNAMICQUANTIZE ||
           op == OP_MAXPOOLIDX || op == OP_TOPK;
}

int node_multi_output(const Graph *g, const Node *n)
{
    int i;
    if (ir_multi_output(n->op))
        return 1;
    if (n->op == OP_LAYERNORM || n->op == OP_ATTENTION || n->op == OP_SCELOSS) /* their extra outputs when named */
        for (i = 1; i < n->n_out; i++)
            if (g->t[n->out[i]].name[0])
                return 1;
    return 0;
}

static void shape_rnn(Graph *g, Node *n)
{
    Tensor *x, *w, *r;
    const Attr *dir = attr_get(n, "direction");
    int64_t G = rnn_gates(n->op), H = attr_int(n, "hidden_size", -1), T, Bn, I, D, d[4];
    int layout = (int)attr_int(n, "layout", 0), i;
    static const char *const unsupported[] = {"activations", "activation_alpha", "activation_beta"};
    need_inputs(g, n, 3, n->op == OP_LSTM ? 8 : 6);
    for (i = 0; i < 3; i++)
        if (attr_get(n, unsupported[i]))
            node_error(g, n, "attribute '%s' is not supported (only the default activations are)", unsupported[i]);
    if (n->op == OP_LSTM && attr_int(n, "input_forget", 0))
        node_error(g, n, "attribute 'input_forget' = %lld is not supported", (long long)attr_int(n, "input_forget", 0));
    if (layout != 0 && layout != 1)
        node_error(g, n, "attribute 'layout' must be 0 or 1, found %d", layout);
    if (dir && (dir->kind != AT_STRING ||
                (strcmp(dir->s, "forward") && strcmp(dir->s, "reverse") && strcmp(dir->s, "bidirectional"))))
        node_error(g, n, "attribute 'direction' must be \"forward\", \"reverse\" or \"bidirectional\"");
    D = dir && strcmp(dir->s, "bidirectional") == 0 ? 2 : 1;
    x = in(g, n, 0);
    w = in(g, n, 1);
    r = in(g, n, 2);
    if (x->rank != 3 || w->rank != 3 || r->rank != 3)
        node_error(g, n, "X, W and R must have rank 3, found %s, %s and %s", ir_shape_str(g->a, x), ir_shape_str(g->a, w),
                   ir_shape_str(g->a, r));
    T = x->dims[layout ? 1 : 0];
    Bn = x->dims[layout ? 0 : 1];
    I = x->dims[2];
    if (H <= 0)
        H = w->dims[1] / G;
    if (w->dims[0] != D || w->dims[1] != G * H || w->dims[2] != I)
        node_error(g, n, "W is %s, expected [%lld,%lld,%lld]", ir_shape_str(g->a, w), (long long)D, (long long)(G * H), (long long)I);
    if (r->dims[0] != D || r->dims[1] != G * H || r->dims[2] != H)
        node_error(g, n, "R is %s, expected [%lld,%lld,%lld]", ir_shape_str(g->a, r), (long long)D, (long long)(G * H), (long long)H);
    if (n->n_in > 3 && n->in[3] != TC_NONE &&
        (in(g, n, 3)->rank != 2 || in(g, n, 3)->dims[0] != D || in(g, n, 3)->dims[1] != 2 * G * H))
        node_error(g, n, "B is %s, expected [%lld,%lld]", ir_shape_str(g->a, in(g, n, 3)), (long long)D, (long long)(2 * G * H));
    if (n->n_in > 4 && n->in[4] != TC_NONE) { /* per batch, the steps taken; Y is 0 after them */
        Tensor *sl = in(g, n, 4);
        int64_t k;
        if (sl->dtype == DT_FLOAT || tensor_etype(sl) == ET_BOOL || sl->rank != 1 || sl->dims[0] != Bn)
            node_error(g, n, "sequence_lens is %s; expected integers [%lld]", ir_shape_str(g->a, sl), (long long)Bn);
        for (k = 0; sl->i && k < ir_numel(sl); k++)
            if (sl->i[k] < 1 || sl->i[k] > T)
                node_error(g, n, "sequence_lens[%lld] is %lld; expected 1 to %lld", (long long)k, (long long)sl->i[k],
                           (long long)T);
    }
    for (i = 5; i < n->n_in && i < 7; i++)
        if (n->in[i] != TC_NONE && ir_numel(in(g, n, i)) != D * Bn * H)
            node_error(g, n, "input %d is %s, expected [%lld,%lld,%lld]", i, ir_shape_str(g->a, in(g, n, i)), (long long)D,
                       (long long)Bn, (long long)H);
    if (n->n_in > 7 && n->in[7] != TC_NONE && ir_numel(in(g, n, 7)) != D * 3 * H)
        node_error(g, n, "P is %s, expected [%lld,%lld]", ir_shape_str(g->a, in(g, n, 7)), (long long)D, (long long)(3 * H));
    for (i = 0; i < n->n_in; i++)
        if (i != 4 && n->in[i] != TC_NONE && in(g, n, i)->dtype != DT_FLOAT)
            node_error(g, n, "input %d must be float", i);
    if (n->n_out > (n->op == OP_LSTM ? 3 : 2))
        node_error(g, n, "has %d outputs, expected at most %d", n->n_out, n->op == OP_LSTM ? 3 : 2);
    if (layout)
        d[0] = Bn, d[1] = T, d[2] = D, d[3] = H;
    else
        d[0] = T, d[1] = D, d[2] = Bn, d[3] = H;
    ir_set_dims(out(g, n, 0), 4, d);
    for (i = 1; i < n->n_out; i++) {
        if (layout)
            d[0] = Bn, d[1] = D, d[2] = H;
        else
            d[0] = D, d[1] = Bn, d[2] = H;
        out(g, n, i)->dtype = DT_FLOAT;
        ir_set_dims(out(g, n, i), 3, d);
    }
}

/* LRN over channels (axis 1): N x C x D1 ... */
static void shape_lrn(Graph *g, Node *n)
{
    Tensor *x;
    const Attr *sz = attr_get(n, "size");
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    if (x->dtype != DT_FLOAT || x->rank < 2)
        node_error(g, n, "input must be a float tensor of rank 2 or more, found %s", ir_shape_str(g->a, x));
    if (!sz || sz->kind != AT_INT || sz->i < 1)
        node_error(g, n, "attribute 'size' must be a positive integer");
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

/* MeanVarianceNormalization: axes default to [0,2,3] (rank 4 only). */
int mvn_axes(Graph *g, const Node *n, int *reduced)
{
    const Tensor *x = &g->t[n->in[0]];
    int i;
    if (attr_get(n, "axes"))
        return reduce_axes(g, n, reduced);
    if (x->rank != 4)
        node_error(g, n, "the default axes [0,2,3] need a rank-4 input, found %s", ir_shape_str(g->a, x));
    for (i = 0; i < 4; i++)
        reduced[i] = i != 1;
    return 1;
}

static void shape_mvn(Graph *g, Node *n)
{
    Tensor *x;
    int reduced[TC_MAX_RANK];
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    if (x->dtype != DT_FLOAT)
        node_error(g, n, "input must be float, not %s", etype_name(tensor_etype(x)));
    if (attr_get(n, "across_channels") || attr_get(n, "normalize_variance"))
        node_error(g, n, "the opset-1 attributes 'across_channels' and 'normalize_variance' are not supported");
    mvn_axes(g, n, reduced);
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

/* Det: [..., M, M] -> [...]. */
static void shape_det(Graph *g, Node *n)
{
    Tensor *x;
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    if (x->dtype != DT_FLOAT || x->rank < 2 || x->dims[x->rank - 1] != x->dims[x->rank - 2])
        node_error(g, n, "input must be float square matrices [..., M, M], found %s", ir_shape_str(g->a, x));
    ir_set_dims(out(g, n, 0), x->rank - 2, x->dims);
}

/* ==== comparisons, logic, Where, Range: folded when their inputs are constants ==== */

/* The broadcast shape of inputs from..n_in-1 into y. */
static void broadcast_inputs(Graph *g, Node *n, int from, Tensor *y)
{
    int i;
    ir_set_dims(y, in(g, n, from)->rank, in(g, n, from)->dims);
    for (i = from + 1; i < n->n_in; i++)
        broadcast(g, n, y, in(g, n, i), y);
}

/* Equal, Less, Greater, LessOrEqual, GreaterOrEqual: bool of the broadcast shape. */
static void shape_compare(Graph *g, Node *n)
{
    Tensor *y = out(g, n, 0);
    need_inputs(g, n, 2, 2);
    if (in(g, n, 0)->dtype != in(g, n, 1)->dtype)
        node_error(g, n, "inputs have different element types");
    broadcast_inputs(g, n, 0, y);
    y->dtype = DT_INT64;
    y->etype = ET_BOOL;
}

/* Not: one bool input; And, Or, Xor: two, broadcast. */
static void shape_logic(Graph *g, Node *n)
{
    Tensor *y = out(g, n, 0);
    int i;
    if (n->op == OP_NOT)
        need_inputs(g, n, 1, 1);
    else
        need_inputs(g, n, 2, 2);
    for (i = 0; i < n->n_in; i++)
        if (in(g, n, i)->dtype != DT_INT64)
            node_error(g, n, "input %d must be bool, found a float tensor", i);
    broadcast_inputs(g, n, 0, y);
    y->dtype = DT_INT64;
    y->etype = ET_BOOL;
}

/* Where(condition, X, Y): X where the condition holds, else Y; the three broadcast. */
static void shape_where(Graph *g, Node *n)
{
    Tensor *y = out(g, n, 0);
    need_inputs(g, n, 3, 3);
    if (in(g, n, 0)->dtype != DT_INT64)
        node_error(g, n, "the condition (input 0) must be bool, found a float tensor");
    if (in(g, n, 1)->dtype != in(g, n, 2)->dtype)
        node_error(g, n, "X and Y (inputs 1 and 2) have different element types");
    broadcast_inputs(g, n, 0, y);
    y->dtype = in(g, n, 1)->dtype;
    y->etype = tensor_etype(in(g, n, 1));
}

/* ceil(d / delta) for d = limit - start of delta's sign, else 0 (integers, exactly). */
static int64_t range_len(int64_t start, int64_t limit, int64_t delta)
{
    int64_t d = limit - start;
    if (d == 0 || (d > 0) != (delta > 0))
        return 0;
    return d / delta + (d % delta != 0);
}

/* Range(start, limit, delta): max(ceil((limit - start) / delta), 0) values
 * start + i * delta. Its length depends on the values: they must be constants. */
static void shape_range(Graph *g, Node *n)
{
    Tensor *y = out(g, n, 0), *t[3];
    int64_t len;
    int i;
    need_inputs(g, n, 3, 3);
    for (i = 0; i < 3; i++) {
        t[i] = in(g, n, i);
        if (ir_numel(t[i]) != 1 || t[i]->rank > 1)
            node_error(g, n, "input %d must be a scalar, found %s", i, ir_shape_str(g->a, t[i]));
        if (!ir_is_const(t[i]))
            node_error(g, n, "input %d is computed at run time; the length of Range's output must be known when "
                             "compiling (start, limit and delta constants)", i);
        if (t[i]->dtype != t[0]->dtype)
            node_error(g, n, "inputs have different element types");
    }
    if (t[0]->dtype == DT_FLOAT) {
        double start = t[0]->f[0], limit = t[1]->f[0], delta = t[2]->f[0], k;
        if (delta == 0.0 || delta != delta || start != start || limit != limit)
            node_error(g, n, "delta is %g, start %g, limit %g: no finite range", delta, start, limit);
        k = ceil((limit - start) / delta);
        if (!(k < (double)((int64_t)1 << 32)))
            node_error(g, n, "the range has too many elements (%g)", k);
        len = k > 0 ? (int64_t)k : 0;
    } else {
        int64_t start = t[0]->i[0], limit = t[1]->i[0], delta = t[2]->i[0];
        if (delta == 0)
            node_error(g, n, "delta is 0");
        if ((limit >= 0 && start < limit - INT64_MAX) || (limit < 0 && start > limit + INT64_MAX))
            node_error(g, n, "limit - start overflows");
        len = range_len(start, limit, delta);
        if (len > ((int64_t)1 << 32))
            node_error(g, n, "the range has too many elements (%lld)", (long long)len);
    }
    y->dtype = t[0]->dtype;
    y->etype = tensor_etype(t[0]);
    ir_set_dims(y, 1, &len);
}

/* ==== float ops of opsets 18-23 ==== */

/* RMSNormalization (opset 23): y = x / sqrt(mean of x^2 over the axes from 'axis' on + epsilon) * scale;
 * scale broadcasts to those axes (a constant one is expanded by rmsnorm_scale). */
static void shape_rmsnorm(Graph *g, Node *n)
{
    Tensor *x, *sc;
    int axis, i, r;
    int64_t inner = 1;
    need_inputs(g, n, 2, 2);
    x = in(g, n, 0);
    sc = in(g, n, 1);
    if (x->dtype != DT_FLOAT || sc->dtype != DT_FLOAT)
        node_error(g, n, "inputs must be float");
    axis = norm_axis(g, n, attr_int(n, "axis", -1), x->rank);
    r = x->rank - axis;
    for (i = axis; i < x->rank; i++)
        inner *= x->dims[i];
    /* the normalised shape, which scale must broadcast to without growing it */
    if (sc->rank > r)
        node_error(g, n, "scale %s has more axes than the normalised axes %d to %d", ir_shape_str(g->a, sc), axis,
                   x->rank - 1);
    for (i = 0; i < sc->rank; i++)
        if (sc->dims[i] != 1 && sc->dims[i] != x->dims[x->rank - sc->rank + i])
            node_error(g, n, "scale %s does not broadcast to the normalised axes of %s", ir_shape_str(g->a, sc),
                       ir_shape_str(g->a, x));
    if (ir_numel(sc) != 1 && ir_numel(sc) != inner && !sc->f)
        node_error(g, n, "scale %s computed at run time must have the shape of the normalised axes or one element",
                   ir_shape_str(g->a, sc));
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

const float *rmsnorm_scale(Graph *g, const Node *n)
{
    const Tensor *x = &g->t[n->in[0]], *sc = &g->t[n->in[1]];
    int64_t axis = attr_int(n, "axis", -1), inner = 1, o, k;
    float *v;
    if (axis < 0)
        axis += x->rank;
    for (k = axis; k < x->rank; k++)
        inner *= x->dims[k];
    if (ir_numel(sc) == 1 || ir_numel(sc) == inner)
        return NULL;
    v = arena_array(g->a, (size_t)inner + 1, sizeof(float));
    for (o = 0; o < inner; o++) { /* o's position in the normalised axes, read through scale's broadcast */
        int64_t idx = 0, stride = 1, rest = o;
        for (k = x->rank - 1; k >= axis; k--) {
            int64_t coord = rest % x->dims[k], sk = k - (x->rank - sc->rank);
            rest /= x->dims[k];
            if (sk >= 0) {
                if (sc->dims[sk] != 1)
                    idx += coord * stride;
                stride *= sc->dims[sk];
            }
        }
        v[o] = sc->f[idx];
    }
    return v;
}

/* GroupNormalization: X [N, C, ...] in num_groups groups of C / num_groups channels;
 * scale and bias per group (opsets 18-20) or per channel (21). */
int groupnorm_per_channel(const Graph *g) { return g->opset >= 21; }

static void shape_groupnorm(Graph *g, Node *n)
{
    Tensor *x;
    int64_t ng = attr_int(n, "num_groups", 0), want;
    int i;
    need_inputs(g, n, 3, 3);
    x = in(g, n, 0);
    if (x->dtype != DT_FLOAT || x->rank < 2 || ir_numel(x) == 0)
        node_error(g, n, "input %s must be a float [N,C,...] with elements", ir_shape_str(g->a, x));
    if (!attr_get(n, "num_groups"))
        node_error(g, n, "attribute 'num_groups' is missing");
    if (ng < 1 || x->dims[1] % ng)
        node_error(g, n, "attribute 'num_groups' is %lld; it must divide the %lld channels", (long long)ng,
                   (long long)x->dims[1]);
    want = groupnorm_per_channel(g) ? x->dims[1] : ng;
    for (i = 1; i < 3; i++)
        if (in(g, n, i)->dtype != DT_FLOAT || ir_numel(in(g, n, i)) != want || in(g, n, i)->rank != 1)
            node_error(g, n, "input %d %s must be [%lld] (one per %s at opset %lld)", i, ir_shape_str(g->a, in(g, n, i)),
                       (long long)want, groupnorm_per_channel(g) ? "channel" : "group", (long long)g->opset);
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

/* Mish: y = x * tanh(softplus(x)). */
static void shape_mish(Graph *g, Node *n)
{
    Tensor *x;
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    if (x->dtype != DT_FLOAT)
        node_error(g, n, "input must be float, not %s", etype_name(tensor_etype(x)));
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

/* LpNormalization: y = x / ||x||_p along 'axis', p 1 or 2. */
static void shape_lpnorm(Graph *g, Node *n)
{
    Tensor *x;
    int64_t p = attr_int(n, "p", 2);
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    if (x->dtype != DT_FLOAT)
        node_error(g, n, "input must be float, not %s", etype_name(tensor_etype(x)));
    norm_axis(g, n, attr_int(n, "axis", -1), x->rank);
    if (p != 1 && p != 2)
        node_error(g, n, "attribute 'p' is %lld; the specification defines 1 and 2", (long long)p);
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

/* LpPool: y = (sum over the window of |x|^p)^(1/p), the padding 0. */
static void shape_lppool(Graph *g, Node *n)
{
    Window w;
    need_inputs(g, n, 1, 1);
    if (in(g, n, 0)->dtype != DT_FLOAT)
        node_error(g, n, "input must be float, not %s", etype_name(tensor_etype(in(g, n, 0))));
    if (attr_int(n, "p", 2) < 1 || attr_int(n, "p", 2) > 64)
        node_error(g, n, "attribute 'p' is %lld; 1 to 64 are supported", (long long)attr_int(n, "p", 2));
    conv_window(g, n, &w);
    window_out(g, n, &w);
}

/* ==== integer results and run-time indices ==== */

/* ArgMax, ArgMin: int64 indices along 'axis', which stays with length 1 when keepdims. */
static void shape_argmax(Graph *g, Node *n)
{
    Tensor *x, *y = out(g, n, 0);
    int64_t d[TC_MAX_RANK];
    int axis, i, r = 0;
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    axis = norm_axis(g, n, attr_int(n, "axis", 0), x->rank);
    if (x->dims[axis] == 0)
        node_error(g, n, "the axis has no elements");
    for (i = 0; i < x->rank; i++)
        if (i != axis)
            d[r++] = x->dims[i];
        else if (attr_int(n, "keepdims", 1))
            d[r++] = 1;
    y->dtype = DT_INT64;
    y->etype = ET_INT64;
    ir_set_dims(y, r, d);
}

/* GatherElements(data, indices): y has the indices' shape, y[..., j, ...] = data[..., indices[..., j, ...], ...]. */
static void shape_gatherelements(Graph *g, Node *n)
{
    Tensor *x, *ix;
    int i, axis;
    need_inputs(g, n, 2, 2);
    x = in(g, n, 0);
    ix = in(g, n, 1);
    axis = norm_axis(g, n, attr_int(n, "axis", 0), x->rank);
    if (ix->dtype != DT_INT64 || ix->rank != x->rank)
        node_error(g, n, "indices must be an integer tensor of the data's rank %d", x->rank);
    for (i = 0; i < x->rank; i++)
        if (i != axis && ix->dims[i] > x->dims[i])
            node_error(g, n, "indices %s exceed the data %s along axis %d", ir_shape_str(g->a, ix), ir_shape_str(g->a, x), i);
    if (ix->i)
        for (i = 0; i < ir_numel(ix); i++)
            if (ix->i[i] < -x->dims[axis] || ix->i[i] >= x->dims[axis])
                node_error(g, n, "index %lld is out of range for dimension %lld", (long long)ix->i[i], (long long)x->dims[axis]);
    out(g, n, 0)->dtype = x->dtype;
    ir_set_dims(out(g, n, 0), ix->rank, ix->dims);
}

/* Trilu(x, k): x with the elements below (upper) or above (lower) diagonal k of each matrix
 * (the last two axes) set to 0; k a scalar, which may be computed at run time. */
static void shape_trilu(Graph *g, Node *n)
{
    Tensor *x;
    need_inputs(g, n, 1, 2);
    x = in(g, n, 0);
    if (x->rank < 2)
        node_error(g, n, "input %s has rank %d; Trilu needs rank 2 or more", ir_shape_str(g->a, x), x->rank);
    if (ir_numel(x) == 0)
        node_error(g, n, "input %s has no elements; C has no arrays of none", ir_shape_str(g->a, x));
    if (n->n_in > 1 && n->in[1] != TC_NONE && (in(g, n, 1)->dtype != DT_INT64 || ir_numel(in(g, n, 1)) != 1))
        node_error(g, n, "k (input 1) must be an int64 scalar");
    out(g, n, 0)->dtype = x->dtype;
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

/*
 * NegativeLogLikelihoodLoss(input [N,C,d...], target [N,d...], weight [C]) and
 * SoftmaxCrossEntropyLoss(scores, labels, weights), whose input is LogSoftmax(scores)
 * over axis 1 (its output 1, log_prob, when named): the loss per element, or its sum or
 * weighted mean (reduction); SoftmaxCrossEntropyLoss's log_prob has the scores' shape.
 */
static void shape_nllloss(Graph *g, Node *n)
{
    Tensor *x, *t, *y = out(g, n, 0);
    const char *red = attr_string(n, "reduction", "mean");
    int i;
    need_inputs(g, n, 2, 3);
    x = in(g, n, 0);
    t = in(g, n, 1);
    if (x->dtype != DT_FLOAT || x->rank < 2 || ir_numel(x) == 0)
        node_error(g, n, "input 0 must be a float tensor [N,C,...] with elements, found %s", ir_shape_str(g->a, x));
    if (t->dtype != DT_INT64 || t->rank != x->rank - 1 || t->dims[0] != x->dims[0])
        node_error(g, n, "the target (input 1) must be an integer tensor [N,...] for input %s, found %s",
                   ir_shape_str(g->a, x), ir_shape_str(g->a, t));
    for (i = 1; i < t->rank; i++)
        if (t->dims[i] != x->dims[i + 1])
            node_error(g, n, "the target %s does not match input %s", ir_shape_str(g->a, t), ir_shape_str(g->a, x));
    if (n->n_in > 2 && n->in[2] != TC_NONE &&
        (in(g, n, 2)->dtype != DT_FLOAT || in(g, n, 2)->rank != 1 || in(g, n, 2)->dims[0] != x->dims[1]))
        node_error(g, n, "the weights (input 2) must be a float tensor [%lld]", (long long)x->dims[1]);
    if (strcmp(red, "none") == 0)
        ir_set_dims(y, t->rank, t->dims);
    else if (strcmp(red, "sum") == 0 || strcmp(red, "mean") == 0)
        ir_set_dims(y, 0, NULL);
    else
        node_error(g, n, "attribute 'reduction' must be \"none\", \"sum\" or \"mean\"");
    if (n->op == OP_SCELOSS && n->n_out > 1 && g->t[n->out[1]].name[0]) {
        out(g, n, 1)->dtype = DT_FLOAT;
        ir_set_dims(out(g, n, 1), x->rank, x->dims);
    }
}

/* ScatterElements(data, indices, updates), Scatter (its older name): y = data, then
 * y[p with its axis coordinate replaced by indices[p]] = updates[p] (or combined by
 * 'reduction': add, mul, max, min), in order of p. */
static void shape_scatter(Graph *g, Node *n)
{
    Tensor *x, *ix, *u;
    const char *red = attr_string(n, "reduction", "none");
    int i, axis;
    need_inputs(g, n, 3, 3);
    x = in(g, n, 0);
    ix = in(g, n, 1);
    u = in(g, n, 2);
    axis = norm_axis(g, n, attr_int(n, "axis", 0), x->rank);
    if (ix->dtype != DT_INT64 || ix->rank != x->rank || !ir_same_shape(ix, u) || u->dtype != x->dtype)
        node_error(g, n, "indices %s and updates %s must have one shape, of the data's rank %d, and updates the data's type",
                   ir_shape_str(g->a, ix), ir_shape_str(g->a, u), x->rank);
    for (i = 0; i < x->rank; i++)
        if (i != axis && ix->dims[i] > x->dims[i])
            node_error(g, n, "indices %s exceed the data %s along axis %d", ir_shape_str(g->a, ix), ir_shape_str(g->a, x), i);
    if (strcmp(red, "none") && strcmp(red, "add") && strcmp(red, "mul") && strcmp(red, "max") && strcmp(red, "min"))
        node_error(g, n, "attribute 'reduction' must be none, add, mul, max or min");
    out(g, n, 0)->dtype = x->dtype;
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

/* IsInf, IsNaN: bool of the float input's shape. */
static void shape_isinf(Graph *g, Node *n)
{
    Tensor *x;
    need_inputs(g, n, 1, 1);
    x = in(g, n, 0);
    if (x->dtype != DT_FLOAT)
        node_error(g, n, "input must be float, not %s", etype_name(tensor_etype(x)));
    out(g, n, 0)->dtype = DT_INT64;
    out(g, n, 0)->etype = ET_BOOL;
    ir_set_dims(out(g, n, 0), x->rank, x->dims);
}

typedef void (*ShapeFn)(Graph *, Node *);
static const ShapeFn shape_fns[] = {
#define OP(id, name, cls) shape_##cls,
    OPS(OP)
#undef OP
};

void infer_node_shape(Graph *g, Node *n)
{
    int i;
    if (n->n_out < 1)
        node_error(g, n, "has no outputs");
    for (i = 0; i < n->n_in; i++)
        if (n->in[i] != TC_NONE && g->t[n->in[i]].rank < 0)
            node_error(g, n, "input %d has no known shape", i);
    n->op = op_img(g, n); /* MaxPool with its Indices output: shape_img.c */
    /* Dropout, BatchNormalization, LayerNormalization say themselves which extra outputs they take */
    if (n->n_out > 1 && n->op != OP_DROPOUT && n->op != OP_BATCHNORM && n->op != OP_LAYERNORM && n->op != OP_ATTENTION &&
        n->op != OP_SCELOSS &&
        !ir_multi_output(n->op))
        for (i = 1; i < n->n_out; i++)
            if (g->t[n->out[i]].name[0])
                node_error(g, n, "only one output is supported");
    g->t[n->out[0]].dtype = DT_FLOAT;
    n->op = op_3d(g, n); /* Conv, ConvTranspose and the pools of 5-D inputs: shape_3d.c */
    shape_fns[n->op](g, n);
    /* an output of input 0's kind (a view, a slice, arithmetic) has its element type */
    for (i = 0; i < n->n_out && n->n_in > 0 && n->in[0] != TC_NONE; i++) {
        Tensor *y = &g->t[n->out[i]];
        if (!y->etype && y->dtype == g->t[n->in[0]].dtype)
            y->etype = g->t[n->in[0]].etype;
    }
    check_numel(g, n, &g->t[n->out[0]]);
}

/*
 * C has no arrays of no elements: a tensor computed at run time must have
 * some (an empty constant, a shape computation's [0], folds away). Refused
 * rather than written as code that does not compile.
 */
static void refuse_empty(Graph *g, Node *n)
{
    int i;
    for (i = 0; i < n->n_out; i++) {
        const Tensor *t = &g->t[n->out[i]];
        if ((i == 0 || node_multi_output(g, n)) && t->rank >= 0 && ir_numel(t) == 0)
            node_error(g, n, "output %s has no elements", ir_shape_str(g->a, t));
    }
}

/*
 * A graph input with no elements (its shape fixed so by the model; --dim sizes are 1 or
 * more) has no values to read: all of it is known when compiling, so it is an empty
 * constant (ReduceSum's empty axes: all axes, or none with noop_with_empty_axes). The
 * API keeps its parameter (unread); an op that would have to compute an empty tensor at
 * run time is refused (refuse_empty).
 */
static void empty_input_const(Graph *g, Tensor *t)
{
    if (t->rank < 0 || ir_numel(t) != 0 || ir_is_const(t))
        return;
    if (t->dtype == DT_FLOAT)
        t->f = arena_array(g->a, 1, sizeof(float));
    else
        t->i = arena_array(g->a, 1, sizeof(int64_t));
}

void infer_shapes(Graph *g)
{
    int i;
    for (i = 0; i < g->n_inputs; i++)
        empty_input_const(g, &g->t[g->inputs[i]]);
    for (i = 0; i < g->nn; i++)
        if (!g->n[i].dead) {
            infer_node_shape(g, &g->n[i]);
            if (!fold_node(g, &g->n[i]))
                refuse_empty(g, &g->n[i]);
        }
    for (i = 0; i < g->n_outputs; i++) { /* C has no arrays of no elements */
        const Tensor *t = &g->t[g->outputs[i]];
        if (t->rank >= 0 && ir_numel(t) == 0) {
            char name[96];
            sanitize_comment(name, sizeof name, t->name);
            fatal("graph output '%s' %s has no elements; ticketc's outputs need at least one", name, ir_shape_str(g->a, t));
        }
    }
}
