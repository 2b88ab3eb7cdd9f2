/*
 * fold.c - constant folding. A node whose inputs are all constant is
 * evaluated now by the reference interpreter and its outputs become
 * constants. This is also how PyTorch's prune format
 * (weight_orig * weight_mask) turns into one sparse weight.
 */
#include "ticketc.h"

static int all_inputs_const(const Graph *g, const Node *n)
{
    int i;
    for (i = 0; i < n->n_in; i++)
        if (n->in[i] != TC_NONE && !ir_is_const(&g->t[n->in[i]]))
            return 0;
    return 1;
}

/*
 * The value table interp_node reads and fills, indexed by tensor id. One
 * per graph, grown with it: a fresh table per folded node would make a
 * chain of N foldable nodes cost N^2 (20,000 took 1.6 GB). Only the
 * node's inputs and outputs are set, and they are cleared after.
 */
static void **fold_table(Graph *g)
{
    if (g->fold_vals_cap < g->nt) {
        uint32_t cap = g->nt < 1024 ? 1024 : g->nt;
        cap = cap > UINT32_MAX / 2 ? cap : cap * 2;
        g->fold_vals = arena_array(g->a, cap, sizeof(void *));
        g->fold_vals_cap = cap;
    }
    return g->fold_vals;
}

/* Folds n if it can be; returns 1 when it did. Shapes must be known. */
int fold_node(Graph *g, Node *n)
{
    void **vals;
    int i;
    /* a float graph output keeps its node: the output is written at run time; but Range
     * has no run-time form and integer ops not all one, so with constant inputs their
     * output is a constant table (a node, the next check, folds only then) */
    if (n->dead || (g->t[n->out[0]].output_index >= 0 && n->op != OP_RANGE && g->t[n->out[0]].dtype == DT_FLOAT))
        return 0;
    /* Shape and Size need only the (static) shape of their input */
    if (!all_inputs_const(g, n) && n->op != OP_SHAPE && n->op != OP_SIZE)
        return 0;
    vals = fold_table(g);
    for (i = 0; i < n->n_in; i++)
        if (n->in[i] != TC_NONE && ir_is_const(&g->t[n->in[i]]))
            vals[n->in[i]] = g->t[n->in[i]].f ? (void *)g->t[n->in[i]].f : (void *)g->t[n->in[i]].i;
    interp_node(g, n, vals);
    for (i = 0; i < n->n_out; i++) {
        Tensor *t = &g->t[n->out[i]];
        if (t->dtype == DT_FLOAT)
            t->f = vals[n->out[i]];
        else
            t->i = vals[n->out[i]];
        t->producer = -1;
        vals[n->out[i]] = NULL;
    }
    for (i = 0; i < n->n_in; i++)
        if (n->in[i] != TC_NONE)
            vals[n->in[i]] = NULL;
    n->dead = 1;
    return 1;
}

int fold_constants(Graph *g)
{
    int k, folded = 0;
    for (k = 0; k < g->nn; k++)
        folded += fold_node(g, &g->n[k]);
    return folded;
}
