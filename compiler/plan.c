/*
 * plan.c - static memory planning. Every intermediate tensor gets an
 * offset in one static float arena. Two tensors may share bytes when their
 * live ranges [definition, last use] (in node order) do not meet; a node's
 * output never shares with its inputs. Views (Reshape, Flatten, ...) share
 * their input's storage and generate no code.
 *
 * Placement: largest first, each at the lowest offset (aligned to 16 bytes)
 * that does not overlap a placed tensor whose range intersects its own.
 */
#include <stdlib.h>

#include "ticketc.h"

#define ALIGN 4 /* floats */

typedef struct {
    TensorId id;
    int64_t size, def, last;
} Live;

static int needs_storage(const Graph *g, TensorId id)
{
    const Tensor *t = &g->t[id];
    return t->alias == TC_NONE && t->input_index < 0 && t->output_index < 0 && !ir_is_const(t);
}

/* A view can share its input's storage unless it must land in a graph output. */
static void make_aliases(Graph *g)
{
    int k;
    for (k = 0; k < g->nn; k++) {
        Node *n = &g->n[k];
        Tensor *x, *y;
        if (n->dead || !ir_is_view(n->op))
            continue;
        x = &g->t[n->in[0]];
        y = &g->t[n->out[0]];
        if (y->output_index >= 0 || ir_is_const(x))
            continue;
        y->alias = n->in[0];
    }
}

static int by_size(const void *a, const void *b)
{
    const Live *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

void plan_memory(Graph *g)
{
    Live *lv;
    int64_t *def, *last, top = 0, step;
    int k, i, n = 0, j;
    uint32_t t;

    make_aliases(g);
    def = arena_array(g->a, g->nt, sizeof *def);
    last = arena_array(g->a, g->nt, sizeof *last);
    for (t = 0; t < g->nt; t++)
        def[t] = last[t] = -1;
    /* live ranges of storage roots, over live nodes in order */
    for (k = 0; k < g->nn; k++) {
        Node *nd = &g->n[k];
        if (nd->dead)
            continue;
        for (i = 0; i < nd->n_out; i++) {
            TensorId r = ir_root(g, nd->out[i]);
            if (def[r] < 0)
                def[r] = k;
            if (last[r] < k)
                last[r] = k;
        }
        for (i = 0; i < nd->n_in; i++)
            if (nd->in[i] != TC_NONE) {
                TensorId r = ir_root(g, nd->in[i]);
                if (last[r] < k)
                    last[r] = k;
            }
    }
    lv = arena_array(g->a, g->nt + 1, sizeof *lv);
    for (t = 0; t < g->nt; t++) {
        if (def[t] < 0 || !needs_storage(g, t) || g->t[t].dtype != DT_FLOAT)
            continue;
        lv[n].id = t;
        lv[n].size = (ir_numel(&g->t[t]) + ALIGN - 1) / ALIGN * ALIGN;
        lv[n].def = def[t];
        lv[n].last = last[t];
        n++;
    }
    qsort(lv, (size_t)n, sizeof *lv, by_size);
    for (i = 0; i < n; i++) {
        int64_t off = 0;
        int moved = 1;
        /* first fit: bump past every conflicting placed block until none overlaps */
        while (moved) {
            moved = 0;
            for (j = 0; j < i; j++) {
                const Live *o = &lv[j];
                int64_t ooff = g->t[o->id].offset;
                if (o->last < lv[i].def || lv[i].last < o->def)
                    continue;
                if (off < ooff + o->size && ooff < off + lv[i].size) {
                    off = ooff + o->size;
                    moved = 1;
                }
            }
        }
        g->t[lv[i].id].offset = off;
        if (off + lv[i].size > top)
            top = off + lv[i].size;
    }
    g->arena_floats = top;
    /* lower bound: the most floats live at any one node */
    g->arena_lower_bound = 0;
    for (step = 0; step < g->nn; step++) {
        int64_t sum = 0;
        for (i = 0; i < n; i++)
            if (lv[i].def <= step && step <= lv[i].last)
                sum += lv[i].size;
        if (sum > g->arena_lower_bound)
            g->arena_lower_bound = sum;
    }
}
