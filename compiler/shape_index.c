/*
 * shape_index.c - the shapes of the indexing and integer ops: GatherND,
 * ScatterND, OneHot, TopK, EyeLike, ReverseSequence, BitShift. The
 * reference is interp_index.c, the C emit_index.c. A value that decides an
 * output's shape (OneHot's depth, TopK's k) must be a constant; indices and
 * sequence lengths may be computed at run time.
 */
#include <string.h>

#include "ticketc.h"

static Tensor *input(Graph *g, Node *n, int i)
{
    if (i >= n->n_in || n->in[i] == TC_NONE)
        node_error(g, n, "missing input %d", i);
    return &g->t[n->in[i]];
}

static void n_inputs(Graph *g, Node *n, int lo, int hi)
{
    int i;
    if (n->n_in < lo || n->n_in > hi)
        node_error(g, n, "expected %d to %d inputs, found %d", lo, hi, n->n_in);
    for (i = 0; i < lo; i++)
        input(g, n, i);
}

static int axis_of(Graph *g, Node *n, int64_t axis, int rank)
{
    if (axis < -rank || axis >= (rank ? rank : 1))
        node_error(g, n, "axis %lld is out of range for rank %d", (long long)axis, rank);
    return (int)(axis < 0 ? axis + rank : axis);
}

/* Output 0 of x's type (dtype and element type) and the shape given. */
static void out_like(Graph *g, Node *n, const Tensor *x, int rank, const int64_t *dims)
{
    Tensor *y = &g->t[n->out[0]];
    y->dtype = x->dtype;
    y->etype = x->etype;
    ir_set_dims(y, rank, dims);
}

/* An integer tensor known when compiling, one value: OneHot's depth, TopK's k. */
static int64_t const_scalar(Graph *g, Node *n, int i, const char *what)
{
    const Tensor *t = input(g, n, i);
    if (!ir_is_const(t) || ir_numel(t) != 1)
        node_error(g, n, "%s (input %d) decides the output's shape, so it must be a constant with one value; "
                   "a value computed at run time (or a graph input) is not supported", what, i);
    if (t->dtype == DT_FLOAT) {
        float v = t->f[0];
        if (!(v > -1e15f && v < 1e15f))
            node_error(g, n, "%s (input %d) is not a finite number", what, i);
        return (int64_t)v;
    }
    return t->i[0];
}

/*
 * GatherND(data r-D, indices q-D, batch_dims b): each index tuple of the last axis of
 * indices (m = indices.shape[-1] coordinates) picks a slice of data after the b batch axes.
 * y.shape = indices.shape[:-1] ++ data.shape[b + m:].
 */
void gathernd_layout(const Graph *g, const Node *n, GatherNDShape *s)
{
    const Tensor *x = &g->t[n->in[0]], *ix = &g->t[n->in[1]];
    int64_t b = attr_int(n, "batch_dims", 0);
    int i;
    s->b = (int)b;
    s->m = ix->dims[ix->rank - 1];
    s->batch = s->tuples = s->slice = 1;
    for (i = 0; i < (int)b; i++)
        s->batch *= x->dims[i];
    for (i = (int)b; i < ix->rank - 1; i++)
        s->tuples *= ix->dims[i];
    for (i = (int)(b + s->m); i < x->rank; i++)
        s->slice *= x->dims[i];
    for (i = 0; i < s->m; i++)
        s->dim[i] = x->dims[b + i];
    /* the stride of coordinate i of a tuple inside one batch's data */
    for (i = (int)s->m - 1; i >= 0; i--)
        s->stride[i] = i == s->m - 1 ? s->slice : s->stride[i + 1] * s->dim[i + 1];
    s->batch_size = s->m ? s->stride[0] * s->dim[0] : s->slice;
}

void shape_gathernd(Graph *g, Node *n)
{
    Tensor *x, *ix;
    int64_t b = attr_int(n, "batch_dims", 0), m, d[TC_MAX_RANK];
    int i, r = 0;
    n_inputs(g, n, 2, 2);
    x = input(g, n, 0);
    ix = input(g, n, 1);
    if (ix->dtype != DT_INT64 || ix->rank < 1)
        node_error(g, n, "indices must be an integer tensor of rank 1 or more");
    m = ix->dims[ix->rank - 1];
    if (b < 0 || b >= ix->rank || b > x->rank)
        node_error(g, n, "attribute 'batch_dims' is %lld; it must be from 0 to below the indices' rank %d", (long long)b,
                   ix->rank);
    if (m < 1 || b + m > x->rank)
        node_error(g, n, "the last axis of indices %s must be 1 to %lld long for data %s", ir_shape_str(g->a, ix),
                   (long long)(x->rank - b), ir_shape_str(g->a, x));
    for (i = 0; i < b; i++)
        if (ix->dims[i] != x->dims[i])
            node_error(g, n, "batch axis %d of indices %s and data %s differ", i, ir_shape_str(g->a, ix), ir_shape_str(g->a, x));
    for (i = 0; i < ix->rank - 1; i++)
        d[r++] = ix->dims[i];
    for (i = (int)(b + m); i < x->rank; i++) {
        if (r >= TC_MAX_RANK)
            node_error(g, n, "the result has more than %d axes", TC_MAX_RANK);
        d[r++] = x->dims[i];
    }
    if (ix->i)
        for (i = 0; i < ir_numel(ix); i++) {
            int64_t dim = x->dims[b + i % m];
            if (ix->i[i] < -dim || ix->i[i] >= dim)
                node_error(g, n, "index %lld is out of range for dimension %lld", (long long)ix->i[i], (long long)dim);
        }
    out_like(g, n, x, r, d);
}

/*
 * ScatterND(data, indices, updates, reduction): y = data, then for each index tuple t
 * (the last axis of indices, m coordinates) the slice y[t] = updates[t's position], or
 * combined with it by 'reduction' (add, mul, max, min), tuples in order.
 * updates.shape = indices.shape[:-1] ++ data.shape[m:].
 */
void shape_scatternd(Graph *g, Node *n)
{
    Tensor *x, *ix, *u;
    const char *red = attr_string(n, "reduction", "none");
    int64_t m;
    int i, r = 0, ok;
    n_inputs(g, n, 3, 3);
    x = input(g, n, 0);
    ix = input(g, n, 1);
    u = input(g, n, 2);
    if (ix->dtype != DT_INT64 || ix->rank < 1)
        node_error(g, n, "indices must be an integer tensor of rank 1 or more");
    m = ix->dims[ix->rank - 1];
    if (m < 1 || m > x->rank)
        node_error(g, n, "the last axis of indices %s must be 1 to %d long for data %s", ir_shape_str(g->a, ix), x->rank,
                   ir_shape_str(g->a, x));
    ok = u->dtype == x->dtype && u->rank == ix->rank - 1 + x->rank - (int)m;
    for (i = 0; ok && i < ix->rank - 1; i++)
        ok = u->dims[r++] == ix->dims[i];
    for (i = (int)m; ok && i < x->rank; i++)
        ok = u->dims[r++] == x->dims[i];
    if (!ok)
        node_error(g, n, "updates %s must have the data's type and shape indices.shape[:-1] ++ data.shape[%lld:] "
                   "(indices %s, data %s)", ir_shape_str(g->a, u), (long long)m, ir_shape_str(g->a, ix), ir_shape_str(g->a, x));
    if (strcmp(red, "none") && strcmp(red, "add") && strcmp(red, "mul") && strcmp(red, "max") && strcmp(red, "min"))
        node_error(g, n, "attribute 'reduction' must be none, add, mul, max or min");
    if (x->etype == ET_BOOL && strcmp(red, "none"))
        node_error(g, n, "reduction '%s' on bool tensors is not supported", red);
    out_like(g, n, x, x->rank, x->dims);
}

/*
 * OneHot(indices, depth, values [off, on], axis): y has the indices' shape with an axis of
 * length depth inserted at 'axis'; y = on where the index (negative: plus depth) equals the
 * position along it, else off (an index outside [-depth, depth) gives a row of off).
 */
void shape_onehot(Graph *g, Node *n)
{
    Tensor *ix, *v;
    int64_t depth, d[TC_MAX_RANK];
    int axis, i, r = 0;
    n_inputs(g, n, 3, 3);
    ix = input(g, n, 0);
    v = input(g, n, 2);
    depth = const_scalar(g, n, 1, "depth");
    if (depth < 1)
        node_error(g, n, "depth is %lld; it must be positive", (long long)depth);
    if (ix->rank + 1 > TC_MAX_RANK)
        node_error(g, n, "the result has more than %d axes", TC_MAX_RANK);
    if (ir_numel(v) != 2 || v->rank != 1)
        node_error(g, n, "values (input 2) must be [off, on], found %s", ir_shape_str(g->a, v));
    axis = axis_of(g, n, attr_int(n, "axis", -1), ix->rank + 1);
    for (i = 0; i <= ix->rank; i++)
        d[i] = i == axis ? depth : ix->dims[r++];
    out_like(g, n, v, ix->rank + 1, d);
}

/* TopK's k: input 1 (opset 10+) or the attribute k (opset 1), known when compiling. */
int64_t topk_k(Graph *g, Node *n)
{
    if (n->n_in > 1)
        return const_scalar(g, n, 1, "K");
    if (!attr_get(n, "k"))
        node_error(g, n, "attribute 'k' is missing");
    return attr_int(n, "k", 0);
}

/*
 * TopK(X, K, axis, largest, sorted): the k largest (smallest) elements along 'axis' and
 * their int64 indices, best first; of equal values the one of lower index comes first.
 * sorted = 0 leaves the order to the implementation: ticketc sorts anyway.
 */
void shape_topk(Graph *g, Node *n)
{
    Tensor *x, *y1;
    int64_t k, d[TC_MAX_RANK];
    int axis, i;
    n_inputs(g, n, 1, 2);
    x = input(g, n, 0);
    k = topk_k(g, n);
    if (x->rank < 1)
        node_error(g, n, "input has rank 0; TopK needs an axis");
    axis = axis_of(g, n, attr_int(n, "axis", -1), x->rank);
    if (k < 1 || k > x->dims[axis])
        node_error(g, n, "k is %lld; it must be from 1 to the axis' length %lld", (long long)k, (long long)x->dims[axis]);
    if (x->etype == ET_BOOL)
        node_error(g, n, "TopK on bool tensors is not supported");
    if (n->n_out != 2)
        node_error(g, n, "expected 2 outputs (Values, Indices), found %d", n->n_out);
    for (i = 0; i < x->rank; i++)
        d[i] = i == axis ? k : x->dims[i];
    out_like(g, n, x, x->rank, d);
    y1 = &g->t[n->out[1]];
    y1->dtype = DT_INT64;
    y1->etype = ET_INT64;
    ir_set_dims(y1, x->rank, d);
}

/* EyeLike(x, dtype, k): a 2-D tensor of x's shape (and type, or 'dtype'), 1 on diagonal k
 * (column - row = k), 0 elsewhere; x's values are not read. */
void shape_eyelike(Graph *g, Node *n)
{
    Tensor *x, *y = &g->t[n->out[0]];
    n_inputs(g, n, 1, 1);
    x = input(g, n, 0);
    if (x->rank != 2)
        node_error(g, n, "input %s must be 2-D", ir_shape_str(g->a, x));
    if (attr_get(n, "dtype")) {
        int64_t to = attr_int(n, "dtype", 0);
        y->dtype = etype_dtype(to);
        if (!y->dtype)
            node_error(g, n, "attribute 'dtype' is %lld, a type ticketc does not support", (long long)to);
        y->etype = (int)to;
        ir_set_dims(y, 2, x->dims);
    } else
        out_like(g, n, x, 2, x->dims);
}

/* ReverseSequence(input, sequence_lens, batch_axis, time_axis): for each batch b the first
 * sequence_lens[b] steps along time_axis reversed, the rest copied. */
void shape_reverseseq(Graph *g, Node *n)
{
    Tensor *x, *sl;
    int64_t ba = attr_int(n, "batch_axis", 1), ta = attr_int(n, "time_axis", 0);
    int i;
    n_inputs(g, n, 2, 2);
    x = input(g, n, 0);
    sl = input(g, n, 1);
    if (x->rank < 2)
        node_error(g, n, "input %s must have rank 2 or more", ir_shape_str(g->a, x));
    if ((ba != 0 && ba != 1) || (ta != 0 && ta != 1) || ba == ta)
        node_error(g, n, "attributes 'batch_axis' %lld and 'time_axis' %lld must be 0 and 1 in some order", (long long)ba,
                   (long long)ta);
    if (sl->dtype != DT_INT64 || sl->rank != 1 || sl->dims[0] != x->dims[ba])
        node_error(g, n, "sequence_lens %s must be an integer tensor [%lld]", ir_shape_str(g->a, sl), (long long)x->dims[ba]);
    if (sl->i)
        for (i = 0; i < sl->dims[0]; i++)
            if (sl->i[i] < 0 || sl->i[i] > x->dims[ta])
                node_error(g, n, "sequence length %lld is outside 0 to %lld", (long long)sl->i[i], (long long)x->dims[ta]);
    out_like(g, n, x, x->rank, x->dims);
}

/* BitShift(X, Y, direction): X << Y or X >> Y of unsigned integers, broadcast; a shift by
 * the width or more gives 0. */
void shape_bitshift(Graph *g, Node *n)
{
    Tensor *a, *b;
    const char *dir = attr_string(n, "direction", "");
    int64_t d[TC_MAX_RANK];
    int r, i, et;
    n_inputs(g, n, 2, 2);
    a = input(g, n, 0);
    b = input(g, n, 1);
    et = tensor_etype(a);
    if (a->dtype != DT_INT64 || tensor_etype(b) != et ||
        (et != ET_UINT8 && et != ET_UINT16 && et != ET_UINT32 && et != ET_UINT64))
        node_error(g, n, "inputs must be unsigned integers of one type");
    if (strcmp(dir, "LEFT") && strcmp(dir, "RIGHT"))
        node_error(g, n, "attribute 'direction' must be \"LEFT\" or \"RIGHT\"");
    r = a->rank > b->rank ? a->rank : b->rank;
    for (i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1)
            node_error(g, n, "shapes %s and %s do not broadcast", ir_shape_str(g->a, a), ir_shape_str(g->a, b));
        d[i] = da == 1 ? db : da;
    }
    out_like(g, n, a, r, d);
}
