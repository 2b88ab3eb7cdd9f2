/*
 * interp_text.c - the reference of TfIdfVectorizer (attributes checked by
 * tfidf_params in shape_text.c; the C is emit_text.c).
 *
 * Per row of tokens x[0..C-1] and n-gram g = (g0, ..., g<n-1>) of the pool:
 *   count(g) = #{ (s, d) : x[s + k*d] == gk for k < n, s + (n-1)*d < C },
 *   d = 1 for 1-grams, d = 1..max_skip_count+1 otherwise (a skip of d-1 tokens);
 * y[slot(g)] += count(g) (each count a float: exact below 2^24). Then per
 * coordinate j, with w[j] = weights[j] (1 without weights):
 *   TF: y[j];  IDF: y[j] > 0 ? w[j] : 0;  TFIDF: y[j] * w[j].
 */
#include "ticketc.h"

/* How often n-gram k occurs in the row of tokens x[0..p->cols-1]. */
static int64_t tfidf_count(const TfIdf *p, int64_t k, const int64_t *x)
{
    int64_t n = p->len[k], dmax = n == 1 ? 1 : p->skips + 1, d, s, i, c = 0;
    const int64_t *q = p->tok + p->start[k];
    for (d = 1; d <= dmax; d++)
        for (s = 0; s + (n - 1) * d < p->cols; s++) {
            for (i = 0; i < n && x[s + i * d] == q[i]; i++)
                ;
            c += i == n;
        }
    return c;
}

void interp_tfidf(Graph *g, const Node *n, void **vals)
{
    TfIdf p;
    const int64_t *x = vals[n->in[0]];
    float *y;
    int64_t r, k, j;
    tfidf_params(g, n, &p);
    y = arena_array(g->a, (size_t)(p.rows * p.width) + 1, sizeof(float));
    vals[n->out[0]] = y;
    for (r = 0; r < p.rows; r++) {
        float *yr = y + r * p.width;
        for (k = 0; k < p.grams; k++)
            yr[p.slot[k]] += (float)tfidf_count(&p, k, x + r * p.cols);
        for (j = 0; j < p.width; j++) {
            float w = p.w ? p.w[j] : 1.0f;
            if (p.mode == TFIDF_IDF)
                yr[j] = yr[j] > 0.0f ? w : 0.0f;
            else if (p.mode == TFIDF_TFIDF)
                yr[j] *= w;
        }
    }
}
