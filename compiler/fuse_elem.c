/*
 * fuse_elem.c - elementwise patterns that exporters spell as primitives,
 * rewritten to the one node that computes them (PyTorch at opset 14):
 *   SiLU       Mul(x, Sigmoid(x))                          -> Swish(x)
 *   GELU       Mul(Mul(x, Add(Erf(Div(x, sqrt 2)), 1)), 0.5) -> Gelu(x)
 *              (also x * 1/sqrt 2, and 0.5 on either side of the products)
 *   LayerNorm  m = ReduceMean(x), d = Sub(x, m), v = ReduceMean(Pow(d, 2)),
 *              y = Add(Mul(Div(d, Sqrt(Add(v, eps))), gamma), beta)
 *                                   -> LayerNormalization(x, gamma, beta)
 * The emitter then writes one vectorisable loop (emit_ops.c) instead of a
 * pass over memory per primitive and the libm-free calls.  A pattern fires
 * only when it is exact: every intermediate read by the pattern alone (not a
 * graph output), the constants exactly those floats, both ReduceMeans over
 * the same trailing axes with keepdims, gamma and beta constants of the
 * normalised shape.  The rewritten graph computes the same function within
 * float rounding (Swish and Gelu: the bounds in runtime/tc_math.c); the
 * interpreter, which --verify and the run tests compare with, evaluates the
 * rewritten node in double.  Needs the use counts of remove_dead.
 */
#include <string.h>

#include "ticketc.h"

/* The live node of op that writes t, when t is read by exactly uses inputs of
 * live nodes, is no graph output and holds floats; else NULL. */
static Node *private_from(Graph *g, TensorId t, OpKind op, int uses)
{
    const Tensor *x = &g->t[t];
    Node *p;
    if (x->producer < 0 || x->consumers != uses || x->output_index >= 0 || x->dtype != DT_FLOAT)
        return NULL;
    p = &g->n[x->producer];
    return !p->dead && p->op == op && p->act == OP_COUNT && p->out[0] == t ? p : NULL;
}

/* Whether t is a float constant holding the one value v. */
static int is_scalar(const Graph *g, TensorId t, float v)
{
    const Tensor *x = &g->t[t];
    return x->dtype == DT_FLOAT && x->f && ir_numel(x) == 1 && x->f[0] == v;
}

/* A float constant of one element: its value in *v. */
static int scalar_value(const Graph *g, TensorId t, float *v)
{
    const Tensor *x = &g->t[t];
    if (x->dtype != DT_FLOAT || !x->f || ir_numel(x) != 1)
        return 0;
    *v = x->f[0];
    return 1;
}

/* n becomes op(x): one input, no attributes. */
static void rewrite_unary(Graph *g, Node *n, OpKind op, TensorId x)
{
    n->op = op;
    n->in = arena_array(g->a, 1, sizeof(TensorId));
    n->in[0] = x;
    n->n_in = 1;
    n->attrs = NULL;
    n->n_attrs = 0;
}

/* SiLU: m = Mul(x, s), s = Sigmoid(x) read by m alone (either order). */
static int match_silu(Graph *g, Node *m)
{
    int k;
    if (m->op != OP_MUL || m->n_in != 2 || m->act != OP_COUNT)
        return 0;
    for (k = 0; k < 2; k++) {
        Node *s = private_from(g, m->in[k], OP_SIGMOID, 1);
        if (s && s->in[0] == m->in[1 - k] && g->t[s->in[0]].dtype == DT_FLOAT) {
            rewrite_unary(g, m, OP_SWISH, s->in[0]);
            s->dead = 1;
            return 1;
        }
    }
    return 0;
}

/* The producer of private tensor t, marked dead (its one reader is rewritten). */
static void kill_producer(Graph *g, TensorId t)
{
    g->n[g->t[t].producer].dead = 1;
}

/* h = Add(Erf(Div(x, sqrt 2) or Mul(x, 1/sqrt 2)), 1), each read once: x, or TC_NONE. */
static TensorId erf_half(Graph *g, TensorId h)
{
    Node *a = private_from(g, h, OP_ADD, 1), *e, *d;
    int k;
    if (!a)
        return TC_NONE;
    for (k = 0; k < 2; k++) {
        if (!is_scalar(g, a->in[1 - k], 1.0f) || !(e = private_from(g, a->in[k], OP_ERF, 1)))
            continue;
        if ((d = private_from(g, e->in[0], OP_DIV, 1)) && is_scalar(g, d->in[1], 1.41421353816986083984375f))
            return d->in[0];
        if ((d = private_from(g, e->in[0], OP_MUL, 1))) {
            if (is_scalar(g, d->in[1], 0.707106769084930419921875f))
                return d->in[0];
            if (is_scalar(g, d->in[0], 0.707106769084930419921875f))
                return d->in[1];
        }
    }
    return TC_NONE;
}

/*
 * GELU, erf form: the product of x, 0.5 and h = 1 + erf(x / sqrt 2) as
 * PyTorch writes it, Mul(Mul(x, h), 0.5), or as Mul(Mul(x, 0.5), h), any
 * operand order; the inner product read by the outer one alone.
 */
static int match_gelu(Graph *g, Node *m)
{
    int k, j;
    if (m->op != OP_MUL || m->n_in != 2 || m->act != OP_COUNT)
        return 0;
    for (k = 0; k < 2; k++) {
        Node *p = private_from(g, m->in[k], OP_MUL, 1);
        if (!p || p->n_in != 2)
            continue;
        for (j = 0; j < 2; j++) {
            TensorId x = p->in[j], other = p->in[1 - j];
            TensorId h = TC_NONE;
            if (is_scalar(g, m->in[1 - k], 0.5f) && erf_half(g, other) == x && x != TC_NONE)
                h = other;          /* (x * h) * 0.5 */
            else if (is_scalar(g, other, 0.5f) && erf_half(g, m->in[1 - k]) == x && x != TC_NONE)
                h = m->in[1 - k];   /* (x * 0.5) * h */
            if (h != TC_NONE) {
                Node *ad = &g->n[g->t[h].producer];
                Node *er = &g->n[g->t[ad->in[is_scalar(g, ad->in[0], 1.0f) ? 1 : 0]].producer];
                kill_producer(g, er->in[0]);
                er->dead = ad->dead = p->dead = 1;
                rewrite_unary(g, m, OP_GELU, x);
                return 1;
            }
        }
    }
    return 0;
}

/* A ReduceMean with keepdims over trailing axes [axis, rank) of its input:
 * that axis, or -1. */
static int mean_axis(Graph *g, const Node *r)
{
    const Tensor *x = &g->t[r->in[0]];
    int reduced[TC_MAX_RANK], i, axis = -1;
    if (attr_int(r, "keepdims", 1) != 1 || x->rank < 1 || !reduce_axes(g, r, reduced))
        return -1;
    for (i = 0; i < x->rank; i++)
        if (reduced[i] && axis < 0)
            axis = i;
        else if (!reduced[i] && axis >= 0)
            return -1;  /* not a suffix */
    return axis;
}

/* A constant for LayerNormalization's Scale or B at axis of x: one value,
 * or the shape of the normalised axes exactly (no leading 1s). */
static int norm_param(const Graph *g, TensorId t, const Tensor *x, int axis)
{
    const Tensor *p = &g->t[t];
    int i;
    if (p->dtype != DT_FLOAT || !p->f)
        return 0;
    if (ir_numel(p) == 1)
        return 1;
    if (p->rank != x->rank - axis)
        return 0;
    for (i = 0; i < p->rank; i++)
        if (p->dims[i] != x->dims[axis + i])
            return 0;
    return 1;
}

/* The operand of binary node n other than the constant c satisfying norm_param, by position. */
static int param_side(const Graph *g, const Node *n, const Tensor *x, int axis)
{
    int k;
    for (k = 0; k < 2; k++)
        if (norm_param(g, n->in[1 - k], x, axis) && !ir_is_const(&g->t[n->in[k]]))
            return k;
    return -1;
}

/*
 * LayerNorm: dv = Div(d, Sqrt(Add(ReduceMean(Pow(d, 2) or Mul(d, d)), eps))),
 * d = Sub(x, ReduceMean(x)), d read by the square and dv alone, both means
 * over the same trailing axes with keepdims; then Mul by gamma and Add of
 * beta where present. last is the node that will hold the result.
 */
static int match_layernorm(Graph *g, Node *last)
{
    Node *dv = last, *mg = NULL, *ab = NULL, *sq, *ad, *rv, *p2, *sub, *rm;
    TensorId d, x, gamma = TC_NONE, beta = TC_NONE, vt = TC_NONE;
    const Tensor *xt;
    float eps = 0.0f;
    int k, axis;
    if (last->act != OP_COUNT || last->n_in != 2)
        return 0;
    /* from the end: Add beta, Mul gamma, Div */
    if (last->op == OP_ADD) {
        ab = last;
        for (k = 0; k < 2 && !mg; k++)
            if ((mg = private_from(g, ab->in[k], OP_MUL, 1)))
                beta = ab->in[1 - k];
        if (!mg)
            return 0;
    } else if (last->op == OP_MUL) {
        mg = last;
    }
    if (mg) {
        dv = NULL;
        for (k = 0; k < 2 && !dv; k++)
            if ((dv = private_from(g, mg->in[k], OP_DIV, 1)))
                gamma = mg->in[1 - k];
        if (!dv)
            return 0;
    }
    if (dv->op != OP_DIV || dv->n_in != 2)
        return 0;
    d = dv->in[0];
    if (!(sq = private_from(g, dv->in[1], OP_SQRT, 1)) || !(ad = private_from(g, sq->in[0], OP_ADD, 1)))
        return 0;
    for (k = 0; k < 2; k++)
        if (scalar_value(g, ad->in[1 - k], &eps))
            vt = ad->in[k];
    if (vt == TC_NONE || !(eps >= 0.0f) || !(rv = private_from(g, vt, OP_REDUCEMEAN, 1)))
        return 0;
    /* the square of d: Pow(d, 2) (d read by it and dv) or Mul(d, d) (read twice by it) */
    if ((p2 = private_from(g, rv->in[0], OP_POW, 1))) {
        if (p2->in[0] != d || !is_scalar(g, p2->in[1], 2.0f) || !private_from(g, d, OP_SUB, 2))
            return 0;
    } else if ((p2 = private_from(g, rv->in[0], OP_MUL, 1))) {
        if (p2->in[0] != d || p2->in[1] != d || !private_from(g, d, OP_SUB, 3))
            return 0;
    } else {
        return 0;
    }
    sub = &g->n[g->t[d].producer];
    x = sub->in[0];
    if (!(rm = private_from(g, sub->in[1], OP_REDUCEMEAN, 1)) || rm->in[0] != x)
        return 0;
    xt = &g->t[x];
    if (xt->dtype != DT_FLOAT || ir_is_const(xt) || !ir_same_shape(xt, &g->t[d]))
        return 0;
    axis = mean_axis(g, rm);
    if (axis < 0 || mean_axis(g, rv) != axis)
        return 0;
    /* gamma and beta: constants of the normalised shape (or one value) */
    if (mg && (k = param_side(g, mg, xt, axis)) < 0)
        return 0;
    if (mg && mg->in[1 - k] != gamma)
        return 0;
    if (ab && ((k = param_side(g, ab, xt, axis)) < 0 || ab->in[1 - k] != beta))
        return 0;
    if (!mg) /* without gamma, LayerNormalization still needs a Scale input */
        return 0;
    if (!ir_same_shape(&g->t[last->out[0]], xt))
        return 0;
    /* the primitives die with the rewrite (all read inside the pattern only) */
    rm->dead = sub->dead = p2->dead = rv->dead = ad->dead = sq->dead = 1;
    if (dv != last)
        dv->dead = 1;
    if (mg != last)
        mg->dead = 1;
    last->op = OP_LAYERNORM;
    last->in = arena_array(g->a, 3, sizeof(TensorId));
    last->in[0] = x;
    last->in[1] = gamma;
    last->in[2] = beta;
    last->n_in = ab ? 3 : 2;
    last->attrs = arena_array(g->a, 2, sizeof(Attr));
    last->attrs[0].name = arena_strdup(g->a, "axis");
    last->attrs[0].kind = AT_INT;
    last->attrs[0].i = axis;
    last->attrs[1].name = arena_strdup(g->a, "epsilon");
    last->attrs[1].kind = AT_FLOAT;
    last->attrs[1].f = eps;
    last->n_attrs = 2;
    return 1;
}

int fuse_elementwise(Graph *g)
{
    int k, total = 0, round;
    do {
        round = 0;
        /* from the end, so that a LayerNorm's last Add is seen before its Mul */
        for (k = g->nn - 1; k >= 0; k--) {
            Node *n = &g->n[k];
            if (n->dead)
                continue;
            round += match_layernorm(g, n) || match_gelu(g, n) || match_silu(g, n);
        }
        if (round)
            remove_dead(g); /* the matched primitives; use counts again */
        total += round;
    } while (round);
    return total;
}
