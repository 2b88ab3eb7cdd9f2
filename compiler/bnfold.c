/*
 * bnfold.c - batch-norm folding. An inference BatchNormalization
 *   y = gamma * (z - mean) / sqrt(var + eps) + beta = s * z + (beta - s * mean),
 *   s = gamma / sqrt(var + eps) (per channel),
 * right after a Conv or Gemm with constant weights whose result nothing
 * else reads, folds into that layer: W'[m] = s[m] * W[m] and
 * b'[m] = s[m] * (b[m] - mean[m]) + beta[m]. Pruned weights stay zero, so
 * the folded layer keeps its sparsity. Computed in double, then rounded.
 * Runs after fold_constants; counts uses itself.
 */
#include <math.h>
#include <string.h>

#include "ticketc.h"

static int finite(double v) { return v == v && v - v == 0.0; }

/* A new constant tensor of count floats shaped like the tensor 'like' (or [count]). */
static TensorId new_const(Graph *g, TensorId like, const char *name, int64_t count)
{
    TensorId id = ir_new_tensor(g, name); /* may move g->t */
    Tensor *t = &g->t[id];
    if (like != TC_NONE)
        ir_set_dims(t, g->t[like].rank, g->t[like].dims);
    else
        ir_set_dims(t, 1, &count);
    t->f = arena_array(g->a, (size_t)count + 1, sizeof(float));
    return id;
}

/* Folds bn into the Conv or Gemm p; returns 0 (leaving both as they were) when it cannot. */
static int fold_one(Graph *g, Node *p, Node *bn)
{
    const Tensor *w = &g->t[p->in[1]], *z = &g->t[bn->in[0]];
    const float *gamma = g->t[bn->in[1]].f, *beta = g->t[bn->in[2]].f, *mean = g->t[bn->in[3]].f, *var = g->t[bn->in[4]].f;
    double eps = attr_float(bn, "epsilon", 1e-5f), *s;
    int64_t M = z->dims[1], per, i, m;
    int has_b = p->n_in >= 3 && p->in[2] != TC_NONE, tb = 0;
    const float *b = has_b ? g->t[p->in[2]].f : NULL;
    float beta_c = 1.0f;
    TensorId nw, nb;
    TensorId *ins;
    if (!w->f || (has_b && !b) || !gamma || !beta || !mean || !var || p->act != OP_COUNT)
        return 0;
    if (p->op == OP_GEMM) {
        const Tensor *c = has_b ? &g->t[p->in[2]] : NULL;
        /* Y = alpha * A' * B' + beta * C: channel j is column j of B' */
        if (z->rank != 2 || (c && !(c->rank <= 1 || (c->rank == 2 && c->dims[0] == 1))))
            return 0;
        tb = (int)attr_int(p, "transB", 0);
        beta_c = attr_float(p, "beta", 1.0f);
    } else if (z->rank < 3) {
        return 0;
    }
    s = arena_array(g->a, (size_t)M + 1, sizeof(double));
    for (m = 0; m < M; m++) {
        s[m] = (double)gamma[m] / sqrt((double)var[m] + eps);
        if (!finite(s[m]))
            return 0;
    }
    per = ir_numel(w) / M;
    nw = new_const(g, p->in[1], arena_printf(g->a, "%s (batch norm folded)", g->t[p->in[1]].name), ir_numel(&g->t[p->in[1]]));
    nb = new_const(g, TC_NONE, arena_printf(g->a, "%s (batch norm folded)", g->t[bn->out[0]].name), M);
    w = &g->t[p->in[1]];
    for (i = 0; i < ir_numel(w); i++) {
        /* the channel of flat index i: Conv [M, ...]; Gemm B [K, N] or, transposed, [N, K] */
        m = p->op == OP_CONV ? i / per : tb ? i / w->dims[1] : i % w->dims[1];
        g->t[nw].f[i] = w->f[i] == 0.0f ? 0.0f : (float)(s[m] * w->f[i]);
    }
    for (m = 0; m < M; m++) {
        double bias = 0.0;
        if (has_b) {
            const Tensor *c = &g->t[p->in[2]];
            bias = (double)beta_c * c->f[ir_numel(c) == 1 ? 0 : m];
        }
        g->t[nb].f[m] = (float)(s[m] * (bias - mean[m]) + beta[m]);
        if (!finite(g->t[nb].f[m]))
            return 0;
    }
    for (i = 0; i < ir_numel(&g->t[nw]); i++)
        if (!finite(g->t[nw].f[i]))
            return 0;
    ins = arena_array(g->a, 3, sizeof(TensorId));
    ins[0] = p->in[0];
    ins[1] = nw;
    ins[2] = nb;
    p->in = ins;
    p->n_in = 3;
    if (p->op == OP_GEMM) {
        /* the new C already holds beta * C: make beta 1 */
        int k;
        for (k = 0; k < p->n_attrs; k++)
            if (strcmp(p->attrs[k].name, "beta") == 0) {
                p->attrs[k].kind = AT_FLOAT;
                p->attrs[k].f = 1.0f;
            }
    }
    p->out[0] = bn->out[0];
    g->t[bn->out[0]].producer = (int)(p - g->n);
    bn->dead = 1;
    return 1;
}

int fold_batchnorm(Graph *g)
{
    int *uses = arena_array(g->a, (size_t)g->nt + 1, sizeof(int));
    int k, i, folded = 0;
    for (k = 0; k < g->nn; k++)
        if (!g->n[k].dead)
            for (i = 0; i < g->n[k].n_in; i++)
                if (g->n[k].in[i] != TC_NONE)
                    uses[g->n[k].in[i]]++;
    for (k = 0; k < g->nn; k++) {
        Node *bn = &g->n[k], *p;
        const Tensor *z;
        if (bn->dead || bn->op != OP_BATCHNORM)
            continue;
        z = &g->t[bn->in[0]];
        if (z->producer < 0 || uses[bn->in[0]] != 1 || z->output_index >= 0)
            continue;
        p = &g->n[z->producer];
        if (p->dead || (p->op != OP_CONV && p->op != OP_GEMM))
            continue;
        folded += fold_one(g, p, bn);
    }
    return folded;
}
