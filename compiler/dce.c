/*
 * dce.c - dead-node removal: a node lives if a graph output depends on
 * it. Also counts, for every tensor, its uses by live nodes.
 */
#include "ticketc.h"

int remove_dead(Graph *g)
{
    int k, i, removed = 0;
    uint32_t t;
    char *needed = arena_alloc(g->a, g->nt + 1);
    for (k = 0; k < g->n_outputs; k++)
        needed[g->outputs[k]] = 1;
    for (k = g->nn - 1; k >= 0; k--) {
        Node *n = &g->n[k];
        int live = 0;
        if (n->dead)
            continue;
        for (i = 0; i < n->n_out; i++)
            live |= needed[n->out[i]];
        if (!live) {
            n->dead = 1;
            removed++;
            continue;
        }
        for (i = 0; i < n->n_in; i++)
            if (n->in[i] != TC_NONE)
                needed[n->in[i]] = 1;
    }
    for (t = 0; t < g->nt; t++)
        g->t[t].consumers = 0;
    for (k = 0; k < g->nn; k++)
        if (!g->n[k].dead)
            for (i = 0; i < g->n[k].n_in; i++)
                if (g->n[k].in[i] != TC_NONE)
                    g->t[g->n[k].in[i]].consumers++;
    return removed;
}
