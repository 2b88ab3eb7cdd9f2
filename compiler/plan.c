/*
 * plan.c - static memory planning. Every intermediate tensor gets an
 * offset in one static float arena. Two tensors may share bytes when their
 * live ranges [definition, last use] (in node order) do not meet; a node's
 * output never shares with its inputs. Views (Reshape, Flatten, ...) share
 * their input's storage and generate no code. An unrolled Conv with border
 * positions also gets a block for its zero-padded input copy (conv_pad),
 * live during that node only.
 *
 * Placement: largest first, each at the lowest offset (aligned to 16 bytes)
 * that does not overlap a placed tensor whose range intersects its own.
 * The pairs of intersecting ranges are found by one sweep over the nodes,
 * so the plan costs O(nodes + pairs log pairs): a chain of a million nodes
 * has about a million pairs. A graph with more than PLAN_MAX_PAIRS pairs
 * gets the same plan by a scan that needs no table (O(n^2) for n tensors);
 * beyond PLAN_MAX_SCAN tensors too (a hostile graph: a million tensors all
 * live at once), separate storage for every tensor, and a warning.
 */
#include <stdlib.h>
#include <string.h>

#include "ticketc.h"

#define ALIGN 4 /* floats */
#define PLAN_MAX_PAIRS ((int64_t)1 << 21)
#define PLAN_MAX_SCAN 20000 /* tensors: place_by_scan's n^2 steps stay under a second */

/* A block to place: tensor id, or for id >= g->nt the padded input copy of
 * node id - g->nt (an unrolled Conv's scratch, live during that node only). */
typedef struct {
    TensorId id;
    int64_t size, def, last;
} Live;

static void set_offset(Graph *g, const Live *l, int64_t off)
{
    if (l->id >= g->nt)
        g->n[l->id - g->nt].pad_offset = off;
    else
        g->t[l->id].offset = off;
}

static int needs_storage(const Graph *g, TensorId id)
{
    const Tensor *t = &g->t[id];
    return t->alias == TC_NONE && t->input_index < 0 && t->output_index < 0 && !ir_is_const(t);
}

/*
 * A view can share its input's storage unless it must land in a graph
 * output. Each alias then points straight at the storage root, so that
 * ir_root is one step even at the end of a long chain of views.
 */
static void make_aliases(Graph *g)
{
    int k;
    uint32_t t;
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
    for (t = 0; t < g->nt; t++) {
        TensorId r = ir_root(g, t), p = t, next;
        while (g->t[p].alias != TC_NONE) { /* path compression: linear in all */
            next = g->t[p].alias;
            g->t[p].alias = r;
            p = next;
        }
    }
}

static int by_size(const void *a, const void *b)
{
    const Live *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* placed neighbours, by offset */
static const int64_t *sort_off;
static int by_offset(const void *a, const void *b)
{
    int64_t x = sort_off[*(const int *)a], y = sort_off[*(const int *)b];
    return x < y ? -1 : x > y;
}

/*
 * Calls pair(i, j) for every two entries of lv whose live ranges meet:
 * walking the nodes in order, an entry meets every entry still live when
 * it is defined. Returns the number of pairs; with count_only, only counts.
 */
static int64_t overlapping_pairs(Graph *g, const Live *lv, int n, int count_only, int *pa, int *pb)
{
    int *first_def = arena_array(g->a, (size_t)g->nn + 1, sizeof(int));
    int *next_def = arena_array(g->a, (size_t)n + 1, sizeof(int));
    int *first_end = arena_array(g->a, (size_t)g->nn + 1, sizeof(int));
    int *next_end = arena_array(g->a, (size_t)n + 1, sizeof(int));
    int *prev = arena_array(g->a, (size_t)n + 1, sizeof(int));
    int *next = arena_array(g->a, (size_t)n + 1, sizeof(int));
    int head = -1, i, j, active = 0;
    int64_t step, pairs = 0;
    for (step = 0; step < g->nn; step++)
        first_def[step] = first_end[step] = -1;
    /* lists by step, in lv order */
    for (i = n - 1; i >= 0; i--) {
        next_def[i] = first_def[lv[i].def];
        first_def[lv[i].def] = i;
        next_end[i] = first_end[lv[i].last];
        first_end[lv[i].last] = i;
    }
    for (step = 0; step < g->nn; step++) {
        for (i = first_def[step]; i >= 0; i = next_def[i]) {
            if (count_only)
                pairs += active;
            else
                for (j = head; j >= 0; j = next[j]) {
                    pa[pairs] = i;
                    pb[pairs] = j;
                    pairs++;
                }
            /* i joins the live set */
            prev[i] = -1;
            next[i] = head;
            if (head >= 0)
                prev[head] = i;
            head = i;
            active++;
        }
        for (i = first_end[step]; i >= 0; i = next_end[i]) {
            if (prev[i] >= 0)
                next[prev[i]] = next[i];
            else
                head = next[i];
            if (next[i] >= 0)
                prev[next[i]] = prev[i];
            active--;
        }
    }
    return pairs;
}

/*
 * First fit: the lowest offset whose block [off, off + size) meets none of
 * the placed blocks that live at the same time. With those blocks sorted by
 * offset, one sweep finds the first gap that is large enough.
 */
static void place_all(Graph *g, Live *lv, int n, int64_t n_pairs, const int *pa, const int *pb, int64_t *top)
{
    int *start = arena_array(g->a, (size_t)n + 2, sizeof(int));
    int *adj = arena_array(g->a, (size_t)(2 * n_pairs) + 1, sizeof(int));
    int *fill = arena_array(g->a, (size_t)n + 1, sizeof(int));
    int *cand = arena_array(g->a, (size_t)n + 1, sizeof(int));
    int64_t *off = arena_array(g->a, (size_t)n + 1, sizeof(int64_t));
    int64_t p;
    int i, k;
    for (p = 0; p < n_pairs; p++) {
        start[pa[p] + 1]++;
        start[pb[p] + 1]++;
    }
    for (i = 0; i < n; i++)
        start[i + 1] += start[i];
    for (p = 0; p < n_pairs; p++) {
        adj[start[pa[p]] + fill[pa[p]]++] = pb[p];
        adj[start[pb[p]] + fill[pb[p]]++] = pa[p];
    }
    sort_off = off;
    for (i = 0; i < n; i++) {
        int nc = 0;
        int64_t cur = 0;
        for (k = start[i]; k < start[i + 1]; k++)
            if (adj[k] < i) /* placed before i */
                cand[nc++] = adj[k];
        qsort(cand, (size_t)nc, sizeof *cand, by_offset);
        for (k = 0; k < nc; k++) {
            int64_t o = off[cand[k]];
            if (o >= cur + lv[i].size)
                break;
            if (o + lv[cand[k]].size > cur)
                cur = o + lv[cand[k]].size;
        }
        off[i] = cur;
        set_offset(g, &lv[i], cur);
        if (cur + lv[i].size > *top)
            *top = cur + lv[i].size;
    }
    sort_off = NULL;
}

/*
 * The same first fit without the table of pairs, for graphs with too many
 * of them (thousands of tensors all live at once): the placed blocks are
 * kept sorted by offset, and each new one sweeps them all, skipping those
 * that live at other times. O(n^2) steps and O(n) memory.
 */
static void place_by_scan(Graph *g, Live *lv, int n, int64_t *top)
{
    int *order = arena_array(g->a, (size_t)n + 1, sizeof(int));
    int64_t *off = arena_array(g->a, (size_t)n + 1, sizeof(int64_t));
    int i, k, placed = 0, lo, hi;
    for (i = 0; i < n; i++) {
        int64_t cur = 0;
        for (k = 0; k < placed; k++) {
            const Live *o = &lv[order[k]];
            if (o->last < lv[i].def || lv[i].last < o->def)
                continue;
            if (off[order[k]] >= cur + lv[i].size)
                break;
            if (off[order[k]] + o->size > cur)
                cur = off[order[k]] + o->size;
        }
        off[i] = cur;
        set_offset(g, &lv[i], cur);
        if (cur + lv[i].size > *top)
            *top = cur + lv[i].size;
        /* insert i after every block at an offset not above its own */
        for (lo = 0, hi = placed; lo < hi;) {
            int mid = lo + (hi - lo) / 2;
            if (off[order[mid]] <= cur)
                lo = mid + 1;
            else
                hi = mid;
        }
        memmove(order + lo + 1, order + lo, (size_t)(placed - lo) * sizeof *order);
        order[lo] = i;
        placed++;
    }
}

void plan_memory(Graph *g)
{
    Live *lv;
    int64_t *def, *last, *delta, top = 0, step, sum, n_pairs;
    int k, i, n = 0;
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
    lv = arena_array(g->a, (size_t)g->nt + (size_t)g->nn + 1, sizeof *lv);
    for (t = 0; t < g->nt; t++) {
        if (def[t] < 0 || !needs_storage(g, t) || g->t[t].dtype != DT_FLOAT)
            continue;
        lv[n].id = t;
        lv[n].size = (ir_numel(&g->t[t]) + ALIGN - 1) / ALIGN * ALIGN;
        lv[n].def = def[t];
        lv[n].last = last[t];
        n++;
    }
    /* scratch blocks: live while their node runs, so they meet its input and output */
    for (k = 0; k < g->nn; k++) {
        Node *nd = &g->n[k];
        nd->pad_floats = nd->dead ? 0 : conv_pad_floats(g, nd);
        nd->pad_offset = -1;
        if (!nd->pad_floats)
            continue;
        lv[n].id = g->nt + (TensorId)k;
        lv[n].size = (nd->pad_floats + ALIGN - 1) / ALIGN * ALIGN;
        lv[n].def = lv[n].last = k;
        n++;
    }
    qsort(lv, (size_t)n, sizeof *lv, by_size);
    n_pairs = overlapping_pairs(g, lv, n, 1, NULL, NULL);
    if (n_pairs <= PLAN_MAX_PAIRS) {
        int *pa = arena_array(g->a, (size_t)n_pairs + 1, sizeof(int));
        int *pb = arena_array(g->a, (size_t)n_pairs + 1, sizeof(int));
        overlapping_pairs(g, lv, n, 0, pa, pb);
        place_all(g, lv, n, n_pairs, pa, pb, &top);
    } else if (n <= PLAN_MAX_SCAN) {
        place_by_scan(g, lv, n, &top);
    } else {
        warning("%lld pairs of intermediate tensors live at the same time, too many to share memory: "
                "each gets its own", (long long)n_pairs);
        for (i = 0; i < n; i++) {
            set_offset(g, &lv[i], top);
            top += lv[i].size;
        }
    }
    g->arena_floats = top;
    /* lower bound: the most floats live at any one node (a running sum of starts and ends) */
    delta = arena_array(g->a, (size_t)g->nn + 2, sizeof *delta);
    for (i = 0; i < n; i++) {
        delta[lv[i].def] += lv[i].size;
        delta[lv[i].last + 1] -= lv[i].size;
    }
    g->arena_lower_bound = 0;
    for (step = 0, sum = 0; step < g->nn; step++) {
        sum += delta[step];
        if (sum > g->arena_lower_bound)
            g->arena_lower_bound = sum;
    }
}
