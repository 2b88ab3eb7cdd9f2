/*
 * fuse.c - activation fusion: y = act(op(x)) becomes one node when op is
 * Gemm, MatMul, Conv or an elementwise binary op, act an elementwise activation,
 * and op's result is used only by act. The activation is then applied as
 * each output is written, with no pass over memory of its own.
 * Needs the use counts of remove_dead.
 */
#include "ticketc.h"

static int can_take_activation(OpKind op)
{
    return op == OP_GEMM || op == OP_MATMUL || op == OP_CONV || op == OP_ADD || op == OP_SUB || op == OP_MUL || op == OP_DIV;
}

int fuse_activations(Graph *g)
{
    int k, fused = 0;
    for (k = 0; k < g->nn; k++) {
        Node *u = &g->n[k], *p;
        Tensor *t;
        if (u->dead || !ir_is_activation(u->op))
            continue;
        t = &g->t[u->in[0]];
        if (t->producer < 0 || t->consumers != 1 || t->output_index >= 0)
            continue;
        p = &g->n[t->producer];
        if (p->dead || !can_take_activation(p->op) || p->act != OP_COUNT || t->dtype != DT_FLOAT)
            continue;
        p->act = u->op;
        p->act_alpha = u->op == OP_LEAKYRELU ? attr_float(u, "alpha", 0.01f) : 0.0f;
        p->act_node = u->index;
        p->out[0] = u->out[0];
        g->t[u->out[0]].producer = t->producer;
        t->consumers = 0;
        u->dead = 1;
        fused++;
    }
    return fused;
}
