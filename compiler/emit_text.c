/*
 * emit_text.c - the C of TfIdfVectorizer (attributes checked by tfidf_params
 * in shape_text.c, formula in interp_text.c). A compact table-driven
 * matcher, no malloc: the pool's n-grams of the lengths looked for are a
 * const table of tokens plus one row {length, first token, output
 * coordinate} per n-gram; the node function counts each n-gram in each row
 * of tokens at every skip, then applies the mode.
 */
#include <string.h>

#include "emit.h"

/* The tokens as long long literals, 8 a line (INT64_MIN has no literal of its own). */
static void token_rows(Emit *e, const TfIdf *p)
{
    int64_t k, i, c = 0;
    Buf row = {0};
    e->indent++;
    for (k = 0; k < p->grams; k++)
        for (i = 0; i < p->len[k]; i++) {
            int64_t v = p->tok[p->start[k] + i];
            if (v == INT64_MIN)
                buf_printf(&row, "%sINT64_MIN,", row.len ? " " : "");
            else
                buf_printf(&row, "%s%lldLL,", row.len ? " " : "", (long long)v);
            if (++c % 8 == 0) {
                emit_line(e, "%s", row.p);
                row.len = 0;
            }
        }
    if (row.len)
        emit_line(e, "%s", row.p);
    buf_free(&row);
    e->indent--;
}

void emit_tfidf(Emit *e, const Node *n)
{
    static const char *const modes[] = {"TF", "IDF", "TFIDF"};
    Graph *g = e->g;
    TfIdf p;
    const char *f = emit_fn_name(e, n), *X = emit_operand(e, n, 0);
    int64_t k, ntok = 0;
    tfidf_params(g, n, &p);
    for (k = 0; k < p.grams; k++)
        ntok += p.len[k];
    emit_to_consts(e);
    if (p.grams) {
        emit_line(e, "/* node %d: TfIdfVectorizer '%s' -- the pool's %lld- to %lld-grams: their tokens, then per n-gram "
                  "{length, first token, output coordinate} */", n->index, text_comment(g->a, n->name),
                  (long long)p.min_n, (long long)p.max_n);
        emit_line(e, "static const long long %s_tok[%lld] = {", f, (long long)ntok);
        token_rows(e, &p);
        emit_line(e, "};");
        emit_line(e, "static const long %s_gram[%lld][3] = {", f, (long long)p.grams);
        e->indent++;
        for (k = 0, ntok = 0; k < p.grams; ntok += p.len[k++])
            emit_line(e, "{%lld, %lld, %lld},", (long long)p.len[k], (long long)ntok, (long long)p.slot[k]);
        e->indent--;
        emit_line(e, "};");
    }
    if (p.w && p.mode != TFIDF_TF) {
        emit_line(e, "static const float %s%s_w[%lld] = {", emit_weights_attr(e), f, (long long)p.width);
        emit_lit_rows(e, n, p.w, p.width);
        emit_line(e, "};");
    }
    emit_blank(e);
    emit_begin_fn(e, n, "", arena_printf(g->a, " -- %s of %lld n-grams (lengths %lld..%lld, skips 0..%lld) in %lld row%s of %lld tokens",
                                         modes[p.mode], (long long)p.grams, (long long)p.min_n, (long long)p.max_n,
                                         (long long)p.skips, (long long)p.rows, p.rows == 1 ? "" : "s", (long long)p.cols));
    emit_line(e, "long r, j;");
    if (p.grams)
        emit_line(e, "long k, d, s, i, c;");
    emit_blank(e);
    emit_line(e, "for (j = 0; j < %lld; j++)", (long long)(p.rows * p.width));
    emit_line(e, "    y[j] = 0.0f;");
    emit_line(e, "for (r = 0; r < %lld; r++) {", (long long)p.rows);
    e->indent++;
    if (p.grams) {
        /* count(g) = #(s, d): x[s + i*d] == g[i] for every i; d = 1 for 1-grams, else 1..skips+1 */
        emit_line(e, "for (k = 0; k < %lld; k++) {", (long long)p.grams);
        e->indent++;
        emit_line(e, "const long n = %s_gram[k][0];", f);
        emit_line(e, "const long long *q = %s_tok + %s_gram[k][1];", f, f);
        emit_line(e, "const long dmax = n == 1 ? 1 : %lld;", (long long)(p.skips + 1));
        emit_blank(e);
        emit_line(e, "c = 0;");
        emit_line(e, "for (d = 1; d <= dmax; d++)");
        emit_line(e, "    for (s = 0; s + (n - 1) * d < %lld; s++) {", (long long)p.cols);
        emit_line(e, "        for (i = 0; i < n && (long long)%s[r * %lld + s + i * d] == q[i]; i++)", X, (long long)p.cols);
        emit_line(e, "            ;");
        emit_line(e, "        c += i == n;");
        emit_line(e, "    }");
        emit_line(e, "y[r * %lld + %s_gram[k][2]] += (float)c;", (long long)p.width, f);
        e->indent--;
        emit_line(e, "}");
    } else
        emit_line(e, "(void)%s; /* no n-gram of the lengths looked for */", X);
    if (p.mode == TFIDF_IDF) { /* y = count > 0 ? w : 0 */
        emit_line(e, "for (j = 0; j < %lld; j++)", (long long)p.width);
        emit_line(e, "    y[r * %lld + j] = y[r * %lld + j] > 0.0f ? %s : 0.0f;", (long long)p.width, (long long)p.width,
                  p.w ? arena_printf(g->a, "%s_w[j]", f) : "1.0f");
    } else if (p.mode == TFIDF_TFIDF && p.w) { /* y = count * w */
        emit_line(e, "for (j = 0; j < %lld; j++)", (long long)p.width);
        emit_line(e, "    y[r * %lld + j] *= %s_w[j];", (long long)p.width, f);
    }
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
}
