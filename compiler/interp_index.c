/*
 * interp_index.c - the reference of the indexing and integer ops (shapes in
 * shape_index.c): GatherND, ScatterND, OneHot, TopK, EyeLike,
 * ReverseSequence, BitShift, and MaxPool on integer tensors. Float tensors
 * are float arrays, every other type int64 (as the IR stores them). An index
 * outside its axis is an error here (the generated C, which cannot stop,
 * documents what it does instead).
 */
#include <string.h>

#include "ticketc.h"

static const Tensor *T_in(const Graph *g, const Node *n, int i) { return &g->t[n->in[i]]; }
static size_t esize(const Tensor *t) { return t->dtype == DT_FLOAT ? sizeof(float) : sizeof(int64_t); }

static void *new_out(Graph *g, const Node *n, int i, void **vals)
{
    const Tensor *y = &g->t[n->out[i]];
    void *p = arena_array(g->a, (size_t)ir_numel(y) + 1, esize(y));
    vals[n->out[i]] = p;
    return p;
}

/* Element i of a tensor of either storage, as a double (exact for the int64 values used). */
static double num(const Tensor *t, const void *v, int64_t i)
{
    return t->dtype == DT_FLOAT ? (double)((const float *)v)[i] : interp_idbl(tensor_etype(t), ((const int64_t *)v)[i]);
}

/* Index q along an axis of length dim, a negative one counting from the end. */
static int64_t norm_index(Graph *g, const Node *n, int64_t q, int64_t dim)
{
    if (q < -dim || q >= dim)
        node_error(g, n, "index %lld is out of range for dimension %lld", (long long)q, (long long)dim);
    return q < 0 ? q + dim : q;
}

/* The offset (in data of one batch) of the slice that index tuple ix[0..m-1] picks. */
static int64_t tuple_offset(Graph *g, const Node *n, const GatherNDShape *s, const int64_t *ix)
{
    int64_t off = 0, i;
    for (i = 0; i < s->m; i++)
        off += norm_index(g, n, ix[i], s->dim[i]) * s->stride[i];
    return off;
}

/* y[b][t] = data[b][tuple t of batch b], slices of s.slice elements. */
static void gathernd(Graph *g, const Node *n, void **vals)
{
    GatherNDShape s;
    size_t es = esize(T_in(g, n, 0));
    const char *X = vals[n->in[0]];
    const int64_t *I = vals[n->in[1]];
    char *Y = new_out(g, n, 0, vals);
    int64_t b, t;
    gathernd_layout(g, n, &s);
    for (b = 0; b < s.batch; b++)
        for (t = 0; t < s.tuples; t++) {
            int64_t src = b * s.batch_size + tuple_offset(g, n, &s, I + (b * s.tuples + t) * s.m);
            memcpy(Y + (size_t)((b * s.tuples + t) * s.slice) * es, X + (size_t)src * es, (size_t)s.slice * es);
        }
}

/* a combined with u by 'reduction' (none: u), integers wrapping */
static double reduce_f(const char *red, double a, double u)
{
    if (strcmp(red, "add") == 0) return a + u;
    if (strcmp(red, "mul") == 0) return a * u;
    if (strcmp(red, "max") == 0) return a >= u ? a : u;
    if (strcmp(red, "min") == 0) return a <= u ? a : u;
    return u;
}

/* et: the type, for uint64's order (interp_iord) */
static int64_t reduce_i(const char *red, int et, int64_t a, int64_t u)
{
    if (strcmp(red, "add") == 0) return (int64_t)((uint64_t)a + (uint64_t)u);
    if (strcmp(red, "mul") == 0) return (int64_t)((uint64_t)a * (uint64_t)u);
    if (strcmp(red, "max") == 0) return interp_iord(et, a) >= interp_iord(et, u) ? a : u;
    if (strcmp(red, "min") == 0) return interp_iord(et, a) <= interp_iord(et, u) ? a : u;
    return u;
}

/* y = data; y[tuple t] = updates[t] (or combined by 'reduction'), tuples in order. */
static void scatternd(Graph *g, const Node *n, void **vals)
{
    GatherNDShape s;
    const Tensor *x = T_in(g, n, 0);
    const char *red = attr_string(n, "reduction", "none");
    const int64_t *I = vals[n->in[1]];
    void *Y = new_out(g, n, 0, vals);
    int64_t t, j;
    gathernd_layout(g, n, &s);
    memcpy(Y, vals[n->in[0]], (size_t)ir_numel(x) * esize(x));
    for (t = 0; t < s.tuples; t++) {
        int64_t dst = tuple_offset(g, n, &s, I + t * s.m);
        for (j = 0; j < s.slice; j++) {
            if (x->dtype == DT_FLOAT) {
                float *d = (float *)Y + dst + j;
                *d = (float)reduce_f(red, *d, ((const float *)vals[n->in[2]])[t * s.slice + j]);
            } else {
                int64_t *d = (int64_t *)Y + dst + j;
                *d = reduce_i(red, tensor_etype(x), *d, ((const int64_t *)vals[n->in[2]])[t * s.slice + j]);
            }
        }
    }
}

/* y[.., j (at axis), ..] = on where j == index (plus depth when negative), else off. */
static void onehot(Graph *g, const Node *n, void **vals)
{
    const Tensor *ix = T_in(g, n, 0), *y = &g->t[n->out[0]];
    int axis = (int)attr_int(n, "axis", -1), k;
    int64_t depth, inner = 1, outer, o, j, i;
    void *Y = new_out(g, n, 0, vals);
    if (axis < 0)
        axis += y->rank;
    depth = y->dims[axis];
    for (k = axis + 1; k < y->rank; k++)
        inner *= y->dims[k];
    outer = ir_numel(ix) / inner;
    for (o = 0; o < outer; o++)
        for (j = 0; j < depth; j++)
            for (i = 0; i < inner; i++) {
                /* indices are truncated to integers (float indices included) */
                double v = num(ix, vals[n->in[0]], o * inner + i);
                int64_t q = (int64_t)v, p = (o * depth + j) * inner + i;
                int on = (q < 0 ? q + depth : q) == j;
                if (y->dtype == DT_FLOAT)
                    ((float *)Y)[p] = ((const float *)vals[n->in[2]])[on];
                else
                    ((int64_t *)Y)[p] = ((const int64_t *)vals[n->in[2]])[on];
            }
}

/* -1, 0, 1 as element i of x is below, equal to or above element j (int64 compared exactly). */
static int cmp_at(const Tensor *x, const void *v, int64_t i, int64_t j)
{
    if (x->dtype == DT_FLOAT) {
        float a = ((const float *)v)[i], b = ((const float *)v)[j];
        return (a > b) - (a < b);
    }
    {
        int64_t a = interp_iord(tensor_etype(x), ((const int64_t *)v)[i]), b = interp_iord(tensor_etype(x), ((const int64_t *)v)[j]);
        return (a > b) - (a < b);
    }
}

/*
 * TopK: element a goes before element b when it is larger (smaller) or equal with a lower
 * index. The r-th of each slice along the axis is the first, in that order, of the elements
 * that come after the (r-1)-th.
 */
static void topk(Graph *g, const Node *n, void **vals)
{
    const Tensor *x = T_in(g, n, 0), *y = &g->t[n->out[0]];
    const void *X = vals[n->in[0]];
    int axis = (int)attr_int(n, "axis", -1), largest = attr_int(n, "largest", 1) != 0, k;
    int64_t K, len, inner = 1, outer, o, i, j, r;
    void *Y = new_out(g, n, 0, vals);
    int64_t *YI = new_out(g, n, 1, vals);
    if (axis < 0)
        axis += x->rank;
    K = y->dims[axis];
    len = x->dims[axis];
    for (k = axis + 1; k < x->rank; k++)
        inner *= x->dims[k];
    outer = ir_numel(x) / (len * inner);
    for (j = 0; x->dtype == DT_FLOAT && j < ir_numel(x); j++)
        if (((const float *)X)[j] != ((const float *)X)[j])
            node_error(g, n, "TopK of a NaN is not supported");
    for (o = 0; o < outer; o++)
        for (i = 0; i < inner; i++) {
            int64_t base = o * len * inner + i, prev = -1;
            for (r = 0; r < K; r++) {
                int64_t best = -1, at = (o * K + r) * inner + i;
                for (j = 0; j < len; j++) {
                    int c;
                    if (prev >= 0) { /* only elements after prev */
                        c = cmp_at(x, X, base + j * inner, base + prev * inner);
                        if ((largest ? c > 0 : c < 0) || (c == 0 && j <= prev))
                            continue;
                    }
                    if (best >= 0) {
                        c = cmp_at(x, X, base + j * inner, base + best * inner);
                        if (!(largest ? c > 0 : c < 0))
                            continue; /* equal: the lower index, best, stays */
                    }
                    best = j;
                }
                prev = best;
                memcpy((char *)Y + (size_t)at * esize(x), (const char *)X + (size_t)(base + best * inner) * esize(x), esize(x));
                YI[at] = best;
            }
        }
}

/* y[i][j] = j - i == k */
static void eyelike(Graph *g, const Node *n, void **vals)
{
    const Tensor *y = &g->t[n->out[0]];
    int64_t k = attr_int(n, "k", 0), i, j, C = y->dims[1];
    void *Y = new_out(g, n, 0, vals);
    for (i = 0; i < y->dims[0]; i++)
        for (j = 0; j < C; j++) {
            if (y->dtype == DT_FLOAT)
                ((float *)Y)[i * C + j] = j - i == k ? 1.0f : 0.0f;
            else
                ((int64_t *)Y)[i * C + j] = j - i == k;
        }
}

/* y[b][t][..] = x[b][t < len[b] ? len[b] - 1 - t : t][..], b and t along batch_axis, time_axis */
static void reverseseq(Graph *g, const Node *n, void **vals)
{
    const Tensor *x = T_in(g, n, 0);
    int ba = (int)attr_int(n, "batch_axis", 1);
    int64_t B = x->dims[ba], Tn = x->dims[1 - ba], inner = ir_numel(x) / (B * Tn), b, t;
    size_t es = esize(x);
    const int64_t *L = vals[n->in[1]];
    char *Y = new_out(g, n, 0, vals);
    const char *X = vals[n->in[0]];
    for (b = 0; b < B; b++) {
        if (L[b] < 0 || L[b] > Tn)
            node_error(g, n, "sequence length %lld is outside 0 to %lld", (long long)L[b], (long long)Tn);
        for (t = 0; t < Tn; t++) {
            int64_t s = t < L[b] ? L[b] - 1 - t : t;
            /* element (b, t) of the two leading axes, in their order */
            int64_t dst = ba == 0 ? b * Tn + t : t * B + b, src = ba == 0 ? b * Tn + s : s * B + b;
            memcpy(Y + (size_t)(dst * inner) * es, X + (size_t)(src * inner) * es, (size_t)inner * es);
        }
    }
}

/* x << s or x >> s in the type's width (a shift by the width or more gives 0) */
static void bitshift(Graph *g, const Node *n, void **vals)
{
    const Tensor *a = T_in(g, n, 0), *b = T_in(g, n, 1), *y = &g->t[n->out[0]];
    int et = tensor_etype(a), left = strcmp(attr_string(n, "direction", ""), "LEFT") == 0;
    int bits = et == ET_UINT8 ? 8 : et == ET_UINT16 ? 16 : et == ET_UINT32 ? 32 : 64;
    uint64_t mask = bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1;
    int64_t *Y = new_out(g, n, 0, vals), i;
    for (i = 0; i < ir_numel(y); i++) {
        uint64_t v = (uint64_t)((const int64_t *)vals[n->in[0]])[interp_bcast(a, y, i)] & mask;
        uint64_t s = (uint64_t)((const int64_t *)vals[n->in[1]])[interp_bcast(b, y, i)] & mask;
        Y[i] = (int64_t)(s >= (uint64_t)bits ? 0 : (left ? v << s : v >> s) & mask);
    }
}

void interp_index(Graph *g, const Node *n, void **vals)
{
    switch (n->op) {
    case OP_GATHERND: gathernd(g, n, vals); return;
    case OP_SCATTERND: scatternd(g, n, vals); return;
    case OP_ONEHOT: onehot(g, n, vals); return;
    case OP_TOPK: topk(g, n, vals); return;
    case OP_EYELIKE: eyelike(g, n, vals); return;
    case OP_REVERSESEQ: reverseseq(g, n, vals); return;
    case OP_BITSHIFT: bitshift(g, n, vals); return;
    default: BUG("interp_index: not an indexing op");
    }
}

/* MaxPool of integers: the largest element of each window (padding never chosen). */
void interp_maxpool_int(Graph *g, const Node *n, void **vals)
{
    Window w;
    const int64_t *X = vals[n->in[0]];
    int64_t *Y = new_out(g, n, 0, vals), bc, oh, ow, kh, kw;
    conv_window(g, n, &w);
    for (bc = 0; bc < w.batch * w.c; bc++)
        for (oh = 0; oh < w.out[0]; oh++)
            for (ow = 0; ow < w.out[1]; ow++) {
                int64_t mx = 0;
                int any = 0;
                for (kh = 0; kh < w.k[0]; kh++)
                    for (kw = 0; kw < w.k[1]; kw++) {
                        int64_t ih = oh * w.s[0] - w.pb[0] + kh * w.d[0], iw = ow * w.s[1] - w.pb[1] + kw * w.d[1], v;
                        if (ih < 0 || ih >= w.in[0] || iw < 0 || iw >= w.in[1])
                            continue;
                        v = X[(bc * w.in[0] + ih) * w.in[1] + iw];
                        if (!any || interp_iord(tensor_etype(&g->t[n->in[0]]), v) > interp_iord(tensor_etype(&g->t[n->in[0]]), mx))
                            mx = v;
                        any = 1;
                    }
                Y[(bc * w.out[0] + oh) * w.out[1] + ow] = mx;
            }
}

int64_t pad_value_int(const Graph *g, const Node *n)
{
    if (n->n_in > 2 && n->in[2] != TC_NONE && g->t[n->in[2]].i)
        return g->t[n->in[2]].i[0];
    if (g->opset < 11) {
        float v = attr_float(n, "value", 0.0f);
        return v > -9e18f && v < 9e18f ? (int64_t)v : 0;
    }
    return 0;
}

/* Pad of integers and bools: y[o] = x[the maps' coordinates], or the pad value where a
 * map says outside (resample_maps: constant, reflect, edge). */
void interp_pad_int(Graph *g, const Node *n, void **vals)
{
    const Tensor *x = T_in(g, n, 0), *y = &g->t[n->out[0]];
    AxisMap maps[TC_MAX_RANK];
    int64_t v = pad_value_int(g, n), o, *Y = new_out(g, n, 0, vals);
    const int64_t *X = vals[n->in[0]];
    int k;
    resample_maps(g, n, maps);
    for (o = 0; o < ir_numel(y); o++) {
        int64_t rem = o, src = 0, st = 1;
        int inside = 1;
        for (k = y->rank - 1; k >= 0; k--) {
            int64_t c = maps[k].i0[rem % y->dims[k]];
            rem /= y->dims[k];
            inside = inside && c >= 0;
            src += c * st;
            st *= x->dims[k];
        }
        Y[o] = inside ? X[src] : v;
    }
}
