/*
 * cumsum.c - CumSum: its shape, its reference and its C, for float, int32,
 * int64, uint32 and uint64 tensors (double at the graph's edges is float
 * inside, as everywhere in ticketc).
 *
 * Along the axis (input 1, a constant: it decides the loop nest), element k
 * of the output is the sum of elements 0..k of the input (exclusive: 0..k-1;
 * reverse: k..len-1, exclusive k+1..len-1). Floats are summed in float in
 * that order (numpy's cumsum of float32 gives the same bits); integers in
 * the unsigned type of their width, so that they wrap.
 */
#include "emit.h"

typedef struct {
    int64_t outer, len, inner;
    int exclusive, reverse;
} CumSum;

static void cumsum_params(const Graph *g, const Node *n, CumSum *p)
{
    const Tensor *x, *ax;
    int64_t a;
    int k, et;
    if (n->n_in != 2 || n->in[0] == TC_NONE || n->in[1] == TC_NONE)
        node_error(g, n, "expected 2 inputs (x, axis), found %d", n->n_in);
    x = &g->t[n->in[0]];
    ax = &g->t[n->in[1]];
    et = x->dtype == DT_FLOAT ? ET_FLOAT : tensor_etype(x);
    if (et != ET_FLOAT && et != ET_INT32 && et != ET_INT64 && et != ET_UINT32 && et != ET_UINT64)
        node_error(g, n, "input must be float, int32, int64, uint32 or uint64, not %s", etype_name(et));
    if (!ax->i || ir_numel(ax) != 1)
        node_error(g, n, "axis (input 1) must be a constant integer scalar (--bind can make a graph input one)");
    if (x->rank < 1)
        node_error(g, n, "input %s has no axis to sum along", ir_shape_str(g->a, x));
    a = ax->i[0];
    if (a < -x->rank || a >= x->rank)
        node_error(g, n, "axis %lld is out of range for input %s", (long long)a, ir_shape_str(g->a, x));
    if (a < 0)
        a += x->rank;
    p->outer = p->inner = 1;
    for (k = 0; k < x->rank; k++) {
        if (k < a)
            p->outer *= x->dims[k];
        if (k > a)
            p->inner *= x->dims[k];
    }
    p->len = x->dims[a];
    p->exclusive = (int)attr_int(n, "exclusive", 0);
    p->reverse = (int)attr_int(n, "reverse", 0);
    if ((p->exclusive != 0 && p->exclusive != 1) || (p->reverse != 0 && p->reverse != 1))
        node_error(g, n, "attributes exclusive and reverse must be 0 or 1");
}

void shape_cumsum(Graph *g, Node *n)
{
    const Tensor *x;
    Tensor *y;
    CumSum p;
    cumsum_params(g, n, &p);
    x = &g->t[n->in[0]];
    y = &g->t[n->out[0]];
    y->dtype = x->dtype;
    if (x->dtype != DT_FLOAT)
        y->etype = tensor_etype(x);
    ir_set_dims(y, x->rank, x->dims);
}

void interp_cumsum(Graph *g, const Node *n, void **vals)
{
    CumSum p;
    int64_t o, i, j, total = ir_numel(&g->t[n->out[0]]);
    int fl = g->t[n->in[0]].dtype == DT_FLOAT;
    void *y = arena_array(g->a, (size_t)total + 1, fl ? sizeof(float) : sizeof(int64_t));
    cumsum_params(g, n, &p);
    vals[n->out[0]] = y;
    for (o = 0; o < p.outer; o++)
        for (i = 0; i < p.inner; i++) {
            float s = 0.0f;
            uint64_t u = 0;
            for (j = 0; j < p.len; j++) {
                int64_t k = p.reverse ? p.len - 1 - j : j, at = (o * p.len + k) * p.inner + i;
                if (fl) {
                    float v = ((const float *)vals[n->in[0]])[at];
                    if (!p.exclusive)
                        s += v;
                    ((float *)y)[at] = s;
                    if (p.exclusive)
                        s += v;
                } else { /* wraps to the type after the node (interp.c) */
                    uint64_t v = (uint64_t)((const int64_t *)vals[n->in[0]])[at];
                    if (!p.exclusive)
                        u += v;
                    ((int64_t *)y)[at] = (int64_t)u;
                    if (p.exclusive)
                        u += v;
                }
            }
        }
}

void emit_cumsum(Emit *e, const Node *n)
{
    Graph *g = e->g;
    CumSum p;
    const char *X = emit_operand(e, n, 0), *ct = emit_tensor_ctype(e, n, n->out[0]), *acc, *cast;
    int fl = g->t[n->out[0]].dtype == DT_FLOAT, et = tensor_etype(&g->t[n->out[0]]);
    cumsum_params(g, n, &p);
    acc = fl ? "float" : et == ET_INT64 || et == ET_UINT64 ? "uint64_t" : "uint32_t";
    cast = fl ? "s" : arena_printf(g->a, "(%s)s", ct);
    emit_begin_fn(e, n, "", arena_printf(g->a, " -- along an axis of %lld%s%s", (long long)p.len,
                                         p.exclusive ? ", exclusive" : "", p.reverse ? ", reversed" : ""));
    emit_line(e, "long o, i, k;");
    emit_blank(e);
    emit_line(e, "for (o = 0; o < %lld; o++)", (long long)p.outer);
    emit_line(e, "    for (i = 0; i < %lld; i++) {", (long long)p.inner);
    e->indent += 2;
    emit_line(e, "%s s = 0;", acc);
    emit_blank(e);
    if (p.reverse)
        emit_line(e, "for (k = %lld; k >= 0; k--) {", (long long)(p.len - 1));
    else
        emit_line(e, "for (k = 0; k < %lld; k++) {", (long long)p.len);
    emit_line(e, "    const long at = (o * %lld + k) * %lld + i;", (long long)p.len, (long long)p.inner);
    emit_blank(e);
    if (p.exclusive) {
        emit_line(e, "    y[at] = %s;", cast);
        emit_line(e, "    s += %s%s[at];", fl ? "" : arena_printf(g->a, "(%s)", acc), X);
    } else {
        emit_line(e, "    s += %s%s[at];", fl ? "" : arena_printf(g->a, "(%s)", acc), X);
        emit_line(e, "    y[at] = %s;", cast);
    }
    emit_line(e, "}");
    e->indent -= 2;
    emit_line(e, "    }");
    emit_end_fn(e);
}
