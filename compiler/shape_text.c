/*
 * shape_text.c - TfIdfVectorizer: its attributes checked once (tfidf_params,
 * which the reference interp_text.c and the C of emit_text.c read too) and
 * its shape. Tokens are integers (int32 or int64); string pools are refused.
 *
 * The pool: pool_int64s holds the n-grams one after another, grouped by
 * length; ngram_counts[i] is where the (i+1)-grams start (they end where the
 * next length starts, or at the end of the pool). The k-th n-gram of the
 * whole pool (every length counted) is counted into output coordinate
 * ngram_indexes[k]; only lengths min_gram_length..max_gram_length are looked
 * for. Output [max(ngram_indexes)+1] for input [C], [N, max+1] for [N, C].
 */
#include <stdlib.h>
#include <string.h>

#include "ticketc.h"

/* An integer-list attribute that must be there. */
static const Attr *ints_attr(const Graph *g, const Node *n, const char *name)
{
    const Attr *at = attr_get(n, name);
    if (!at)
        node_error(g, n, "attribute '%s' is missing", name);
    if (at->kind != AT_INTS)
        node_error(g, n, "attribute '%s' must be a list of integers", name);
    return at;
}

static int64_t req_int(const Graph *g, const Node *n, const char *name)
{
    const Attr *at = attr_get(n, name);
    if (!at)
        node_error(g, n, "attribute '%s' is missing", name);
    return attr_int(n, name, 0);
}

/* qsort's view of the n-grams: by length, then token by token. */
static const TfIdf *sort_p;

static int cmp_gram(const void *a, const void *b)
{
    int64_t i = *(const int64_t *)a, j = *(const int64_t *)b, k;
    const TfIdf *p = sort_p;
    if (p->len[i] != p->len[j])
        return p->len[i] < p->len[j] ? -1 : 1;
    for (k = 0; k < p->len[i]; k++) {
        int64_t u = p->tok[p->start[i] + k], v = p->tok[p->start[j] + k];
        if (u != v)
            return u < v ? -1 : 1;
    }
    return i < j ? -1 : i > j;
}

/* Two equal n-grams in the pool would each claim the count: refused. */
static void refuse_repeats(const Graph *g, const Node *n, TfIdf *p)
{
    int64_t *ord = arena_array(g->a, (size_t)p->grams + 1, sizeof(int64_t)), k, i;
    for (k = 0; k < p->grams; k++)
        ord[k] = k;
    sort_p = p;
    qsort(ord, (size_t)p->grams, sizeof *ord, cmp_gram);
    sort_p = NULL;
    for (k = 1; k < p->grams; k++) {
        int64_t a = ord[k - 1], b = ord[k];
        if (p->len[a] != p->len[b])
            continue;
        for (i = 0; i < p->len[a] && p->tok[p->start[a] + i] == p->tok[p->start[b] + i]; i++)
            ;
        if (i == p->len[a])
            node_error(g, n, "the pool holds the same %lld-gram twice (at pool_int64s[%lld] and [%lld])",
                       (long long)p->len[a], (long long)p->start[a], (long long)p->start[b]);
    }
}

void tfidf_params(const Graph *g, const Node *n, TfIdf *p)
{
    const Tensor *x = &g->t[n->in[0]];
    const Attr *pool, *counts, *idx, *w = attr_get(n, "weights");
    const char *mode = attr_string(n, "mode", NULL);
    int64_t i, size, total = 0, k = 0, at;
    memset(p, 0, sizeof *p);
    if (!mode)
        node_error(g, n, "attribute 'mode' is missing");
    if (strcmp(mode, "TF") == 0)
        p->mode = TFIDF_TF;
    else if (strcmp(mode, "IDF") == 0)
        p->mode = TFIDF_IDF;
    else if (strcmp(mode, "TFIDF") == 0)
        p->mode = TFIDF_TFIDF;
    else
        node_error(g, n, "attribute 'mode' is \"%s\"; expected \"TF\", \"IDF\" or \"TFIDF\"", diag_escape(g->a, mode));
    p->min_n = req_int(g, n, "min_gram_length");
    p->max_n = req_int(g, n, "max_gram_length");
    p->skips = req_int(g, n, "max_skip_count");
    if (p->min_n < 1 || p->max_n < p->min_n)
        node_error(g, n, "n-gram lengths %lld..%lld: expected 1 <= min_gram_length <= max_gram_length",
                   (long long)p->min_n, (long long)p->max_n);
    if (p->skips < 0 || p->skips > 1000000)
        node_error(g, n, "max_skip_count %lld is out of range (0..1000000)", (long long)p->skips);
    if (!attr_get(n, "pool_int64s"))
        node_error(g, n, "attribute 'pool_int64s' is missing (string pools are not supported)");
    pool = ints_attr(g, n, "pool_int64s");
    counts = ints_attr(g, n, "ngram_counts");
    idx = ints_attr(g, n, "ngram_indexes");
    /* how many n-grams of each length: every length numbers its n-grams */
    for (i = 0; i < (int64_t)counts->n; i++) {
        int64_t lo = counts->ints[i], hi = i + 1 < (int64_t)counts->n ? counts->ints[i + 1] : (int64_t)pool->n;
        size = i + 1;
        if (lo < 0 || lo > hi || hi > (int64_t)pool->n)
            node_error(g, n, "ngram_counts[%lld] = %lld: the starts must rise within the pool of %zu values",
                       (long long)i, (long long)lo, pool->n);
        if ((hi - lo) % size)
            node_error(g, n, "the %lld-grams take %lld pool values, not a multiple of %lld", (long long)size,
                       (long long)(hi - lo), (long long)size);
        total += (hi - lo) / size;
        if (size >= p->min_n && size <= p->max_n)
            p->grams += (hi - lo) / size;
    }
    if ((int64_t)idx->n != total)
        node_error(g, n, "ngram_indexes has %zu values; the pool holds %lld n-grams", idx->n, (long long)total);
    for (i = 0; i < total; i++) {
        if (idx->ints[i] < 0 || idx->ints[i] >= (int64_t)1 << 24)
            node_error(g, n, "ngram_indexes[%lld] = %lld is out of range (0..16777215)", (long long)i,
                       (long long)idx->ints[i]);
        if (idx->ints[i] + 1 > p->width)
            p->width = idx->ints[i] + 1;
    }
    if (total == 0)
        node_error(g, n, "the pool holds no n-grams, so the output would have no elements");
    p->tok = pool->ints;
    p->len = arena_array(g->a, (size_t)p->grams + 1, sizeof(int64_t));
    p->start = arena_array(g->a, (size_t)p->grams + 1, sizeof(int64_t));
    p->slot = arena_array(g->a, (size_t)p->grams + 1, sizeof(int64_t));
    for (i = 0, at = 0; i < (int64_t)counts->n; i++) {
        int64_t lo = counts->ints[i], hi = i + 1 < (int64_t)counts->n ? counts->ints[i + 1] : (int64_t)pool->n, j;
        size = i + 1;
        for (j = lo; j < hi; j += size, at++)
            if (size >= p->min_n && size <= p->max_n) {
                p->len[k] = size;
                p->start[k] = j;
                p->slot[k++] = idx->ints[at];
            }
    }
    refuse_repeats(g, n, p);
    if (w) {
        if (w->kind != AT_FLOATS)
            node_error(g, n, "attribute 'weights' must be a list of floats");
        /* as the ONNX reference applies them: weight j scales output coordinate j */
        if ((int64_t)w->n != p->width)
            node_error(g, n, "weights has %zu values; one per output coordinate (max(ngram_indexes) + 1 = %lld) "
                       "is expected", w->n, (long long)p->width);
        p->w = w->floats;
    }
    if (x->dtype == DT_FLOAT || (x->etype != ET_INT32 && x->etype != ET_INT64))
        node_error(g, n, "input must be int32 or int64 tokens (strings are not supported)");
    if (x->rank != 1 && x->rank != 2)
        node_error(g, n, "input %s: expected [C] or [N, C]", ir_shape_str(g->a, x));
    p->rows = x->rank == 2 ? x->dims[0] : 1;
    p->cols = x->dims[x->rank - 1];
}

void shape_tfidf(Graph *g, Node *n)
{
    TfIdf p;
    Tensor *x, *y;
    int64_t d[2];
    if (n->n_in != 1 || n->in[0] == TC_NONE)
        node_error(g, n, "expected 1 input, found %d", n->n_in);
    x = &g->t[n->in[0]];
    y = &g->t[n->out[0]];
    tfidf_params(g, n, &p);
    d[0] = p.rows;
    d[1] = p.width;
    y->dtype = DT_FLOAT;
    if (x->rank == 1)
        ir_set_dims(y, 1, d + 1);
    else
        ir_set_dims(y, 2, d);
}
