/*
 * einsum.c - Einsum: the equation parsed once (einsum_parse, which the shape,
 * the reference and the C all read), its shape, its reference and its C.
 *
 * Every subscript is a label: letters a-z, A-Z, and one label per axis that
 * an ellipsis stands for (aligned to the right across the inputs, numpy's
 * broadcasting: an axis of size 1 repeats). Each input term gives, per
 * label, the stride of that label's index in the input (a label twice in one
 * term, "ii", adds its strides: the diagonal). The output's labels are the
 * ones after "->", or without an arrow the ellipsis labels then the letters
 * seen exactly once, in ASCII order (numpy's rule). Every other label is
 * summed over:  y[out labels] = sum over the rest of prod_k x_k[its labels].
 * Float tensors only; integer Einsum is refused.
 */
#include <string.h>

#include "emit.h"

enum { LETTERS = 52, MAX_LABELS = LETTERS + TC_MAX_RANK };

typedef struct {
    int n_in;
    int n_labels;                  /* labels used, in first-seen order */
    int label[MAX_LABELS];         /* their ids: 0-25 a-z, 26-51 A-Z, 52+ ellipsis axes */
    int64_t size[MAX_LABELS];      /* by position in label[] */
    int n_out;                     /* output labels: positions in label[] */
    int out[MAX_LABELS];
    int n_sum;                     /* summed labels: positions in label[] */
    int sum[MAX_LABELS];
    int64_t stride[TC_MAX_RANK][MAX_LABELS]; /* per input, per position in label[] */
} Einsum;

static int letter_id(char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= 'A' && c <= 'Z')
        return 26 + c - 'A';
    return -1;
}

/* The position of label id in p->label, added when new. */
static int label_pos(Einsum *p, int id)
{
    int k;
    for (k = 0; k < p->n_labels; k++)
        if (p->label[k] == id)
            return k;
    p->label[p->n_labels] = id;
    p->size[p->n_labels] = -1;
    return p->n_labels++;
}

/* One term's labels (ids; an ellipsis as -2) from s up to the first ',' or '-' or end. */
static const char *parse_term(const Graph *g, const Node *n, const char *s, int *ids, int *count)
{
    *count = 0;
    for (;; s++) {
        if (*s == ' ')
            continue;
        if (*s == '.') {
            if (s[1] != '.' || s[2] != '.')
                node_error(g, n, "equation: a '.' that is not part of '...'");
            if (*count >= TC_MAX_RANK)
                node_error(g, n, "equation: a term has more than %d subscripts", TC_MAX_RANK);
            ids[(*count)++] = -2;
            s += 2;
            continue;
        }
        if (letter_id(*s) >= 0) {
            if (*count >= TC_MAX_RANK)
                node_error(g, n, "equation: a term has more than %d subscripts", TC_MAX_RANK);
            ids[(*count)++] = letter_id(*s);
            continue;
        }
        if (*s == ',' || *s == '-' || *s == 0)
            return s;
        node_error(g, n, "equation: character '%s' is not a subscript (letters, '...', ',' and '->')",
                   text_comment(g->a, (char[2]){*s, 0}));
    }
}

static void einsum_parse(const Graph *g, const Node *n, Einsum *p)
{
    const Attr *at = attr_get(n, "equation");
    const char *s;
    int ids[TC_MAX_RANK][TC_MAX_RANK], cnt[TC_MAX_RANK], ell[TC_MAX_RANK], n_ell = 0, seen[LETTERS] = {0};
    int i, j, k;
    memset(p, 0, sizeof *p);
    if (!at || at->kind != AT_STRING)
        node_error(g, n, "attribute 'equation' (a string) is missing");
    if (n->n_in < 1 || n->n_in > TC_MAX_RANK)
        node_error(g, n, "expected 1 to %d inputs, found %d", TC_MAX_RANK, n->n_in);
    p->n_in = n->n_in;
    s = at->s;
    for (i = 0;; i++) {
        if (i >= n->n_in)
            node_error(g, n, "equation '%s' has more terms than the node's %d inputs", text_comment(g->a, at->s), n->n_in);
        s = parse_term(g, n, s, ids[i], &cnt[i]);
        if (*s != ',')
            break;
        s++;
    }
    if (i + 1 != n->n_in)
        node_error(g, n, "equation '%s' has %d terms for %d inputs", text_comment(g->a, at->s), i + 1, n->n_in);
    /* each input: its ellipsis axes, then sizes and strides per label */
    for (i = 0; i < n->n_in; i++) {
        const Tensor *x = &g->t[n->in[i]];
        int dots = 0;
        if (n->in[i] == TC_NONE || x->dtype != DT_FLOAT)
            node_error(g, n, "input %d must be float (integer Einsum is not supported)", i);
        for (k = 0; k < cnt[i]; k++)
            dots += ids[i][k] == -2;
        if (dots > 1)
            node_error(g, n, "equation: term %d has '...' twice", i);
        ell[i] = x->rank - (cnt[i] - dots);
        if (ell[i] < 0 || (!dots && ell[i] != 0))
            node_error(g, n, "equation: term %d has %d subscripts for input %s", i, cnt[i] - dots,
                       ir_shape_str(g->a, x));
        if (ell[i] > n_ell)
            n_ell = ell[i];
    }
    for (i = 0; i < n->n_in; i++) {
        const Tensor *x = &g->t[n->in[i]];
        int64_t st = 1;
        int axis = x->rank;
        int64_t axstride[TC_MAX_RANK];
        for (k = x->rank - 1; k >= 0; k--) {
            axstride[k] = st;
            st *= x->dims[k];
        }
        /* walk the term's subscripts, axis by axis */
        axis = 0;
        for (k = 0; k < cnt[i]; k++) {
            int e, first = ids[i][k] == -2 ? ell[i] : 1;
            for (e = 0; e < first; e++, axis++) {
                int id = ids[i][k] == -2 ? LETTERS + n_ell - ell[i] + e : ids[i][k];
                int pos = label_pos(p, id);
                int64_t d = x->dims[axis];
                if (id < LETTERS)
                    seen[id]++;
                if (id >= LETTERS && d == 1)
                    continue;      /* broadcast: stride 0, the size from another input (or 1) */
                if (p->size[pos] >= 0 && p->size[pos] != 1 && p->size[pos] != d)
                    node_error(g, n, "equation: subscript '%s' has size %lld and %lld",
                               id < LETTERS ? text_comment(g->a, (char[2]){(char)(id < 26 ? 'a' + id : 'A' + id - 26), 0}) : "...",
                               (long long)p->size[pos], (long long)d);
                p->size[pos] = d;
                p->stride[i][pos] += axstride[axis];
            }
        }
    }
    for (k = 0; k < p->n_labels; k++)
        if (p->size[k] < 0)
            p->size[k] = 1;
    /* the output's labels */
    if (*s == '-') {
        int oid[TC_MAX_RANK], ocnt, used[MAX_LABELS] = {0};
        if (s[1] != '>')
            node_error(g, n, "equation: '-' not followed by '>'");
        s = parse_term(g, n, s + 2, oid, &ocnt);
        if (*s != 0)
            node_error(g, n, "equation: text after the output term");
        for (k = 0; k < ocnt; k++) {
            int e, first = oid[k] == -2 ? n_ell : 1;
            for (e = 0; e < first; e++) {
                int id = oid[k] == -2 ? LETTERS + e : oid[k], pos;
                for (pos = 0; pos < p->n_labels && p->label[pos] != id; pos++)
                    ;
                if (pos == p->n_labels) {
                    if (id >= LETTERS)
                        continue;
                    node_error(g, n, "equation: output subscript '%c' is in no input term",
                               id < 26 ? 'a' + id : 'A' + id - 26);
                }
                if (used[pos]++)
                    node_error(g, n, "equation: output subscript '%c' appears twice", id < 26 ? 'a' + id : 'A' + id - 26);
                p->out[p->n_out++] = pos;
            }
        }
        for (j = 0, k = 0; k < ocnt; k++)
            j |= oid[k] == -2;
        if (!j) /* no '...' in the output: the ellipsis axes must be of size 1 */
            for (k = 0; k < p->n_labels; k++)
                if (p->label[k] >= LETTERS && p->size[k] != 1)
                    node_error(g, n, "equation: the output term has no '...' for the inputs' ellipsis axes");
    } else {
        for (j = LETTERS; j < LETTERS + n_ell; j++)
            for (k = 0; k < p->n_labels; k++)
                if (p->label[k] == j)
                    p->out[p->n_out++] = k;
        /* letters seen once, in ASCII order: A-Z (ids 26-51) before a-z (0-25) */
        for (j = 0; j < LETTERS; j++) {
            int id = j < 26 ? 26 + j : j - 26;
            if (seen[id] == 1)
                p->out[p->n_out++] = label_pos(p, id);
        }
    }
    if (p->n_out > TC_MAX_RANK)
        node_error(g, n, "the output would have rank %d (at most %d)", p->n_out, TC_MAX_RANK);
    for (k = 0; k < p->n_labels; k++) {
        int inout = 0;
        for (j = 0; j < p->n_out; j++)
            inout |= p->out[j] == k;
        if (!inout)
            p->sum[p->n_sum++] = k;
    }
}

void shape_einsum(Graph *g, Node *n)
{
    Einsum p;
    int64_t d[TC_MAX_RANK];
    int k;
    einsum_parse(g, n, &p);
    for (k = 0; k < p.n_out; k++)
        d[k] = p.size[p.out[k]];
    g->t[n->out[0]].dtype = DT_FLOAT;
    ir_set_dims(&g->t[n->out[0]], p.n_out, d);
}

/* ---- the reference: an odometer over the output labels, then over the summed ones ---- */

void interp_einsum(Graph *g, const Node *n, void **vals)
{
    Einsum p;
    int64_t idx[MAX_LABELS] = {0}, o = 0, total;
    float *Y;
    int k, i;
    einsum_parse(g, n, &p);
    total = ir_numel(&g->t[n->out[0]]);
    Y = arena_array(g->a, (size_t)total + 1, sizeof(float));
    vals[n->out[0]] = Y;
    for (o = 0; o < total; o++) {
        int64_t r = o, cnt = 1;
        double s = 0.0;
        for (k = p.n_out - 1; k >= 0; k--) {
            idx[p.out[k]] = r % p.size[p.out[k]];
            r /= p.size[p.out[k]];
        }
        for (k = 0; k < p.n_sum; k++)
            cnt *= p.size[p.sum[k]];
        for (; cnt > 0; cnt--) {
            double prod = 1.0;
            for (i = 0; i < p.n_in; i++) {
                const float *X = vals[n->in[i]];
                int64_t at = 0;
                for (k = 0; k < p.n_labels; k++)
                    at += idx[k] * p.stride[i][k];
                prod *= X[at];
            }
            s += prod;
            for (k = p.n_sum - 1; k >= 0; k--) { /* next summed index */
                if (++idx[p.sum[k]] < p.size[p.sum[k]])
                    break;
                idx[p.sum[k]] = 0;
            }
        }
        Y[o] = (float)s;
    }
}

/* ---- the C: a loop per output label, a loop per summed label inside ---- */

void emit_einsum(Emit *e, const Node *n)
{
    Graph *g = e->g;
    Einsum p;
    const char *X[TC_MAX_RANK];
    Buf vars = {0}, prod = {0};
    int k, i, depth = 0;
    einsum_parse(g, n, &p);
    for (i = 0; i < p.n_in; i++)
        X[i] = emit_operand(e, n, i);
    emit_begin_fn(e, n, "", arena_printf(g->a, " -- '%s'", text_comment(g->a, attr_get(n, "equation")->s)));
    buf_printf(&vars, "long o = 0");
    for (k = 0; k < p.n_labels; k++)
        buf_printf(&vars, ", i%d", k);
    emit_line(e, "%s;", vars.p);
    emit_blank(e);
    for (k = 0; k < p.n_out; k++, depth++) /* the last loop's body in braces */
        emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)%s", 4 * depth, "", p.out[k], p.out[k],
                  (long long)p.size[p.out[k]], p.out[k], k == p.n_out - 1 ? " {" : "");
    e->indent += depth;
    for (i = 0; i < p.n_in; i++) {
        Buf at = {0};
        int terms = 0;
        for (k = 0; k < p.n_labels; k++)
            if (p.stride[i][k]) {
                if (p.stride[i][k] == 1)
                    buf_printf(&at, "%si%d", terms++ ? " + " : "", k);
                else
                    buf_printf(&at, "%si%d * %lld", terms++ ? " + " : "", k, (long long)p.stride[i][k]);
            }
        buf_printf(&prod, "%s%s[%s]", i ? " * " : "", X[i], terms ? at.p : "0");
        buf_free(&at);
    }
    if (p.n_sum == 0) {
        emit_line(e, "y[o++] = %s;", prod.p);
    } else {
        emit_line(e, "float s = 0.0f;");
        emit_blank(e);
        for (k = 0; k < p.n_sum; k++)
            emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)", 4 * k, "", p.sum[k], p.sum[k],
                      (long long)p.size[p.sum[k]], p.sum[k]);
        emit_line(e, "%*ss += %s;", 4 * p.n_sum, "", prod.p);
        emit_line(e, "y[o++] = s;");
    }
    e->indent -= depth;
    if (depth)
        emit_line(e, "%*s}", 4 * (depth - 1), "");
    emit_end_fn(e);
    buf_free(&vars);
    buf_free(&prod);
}
