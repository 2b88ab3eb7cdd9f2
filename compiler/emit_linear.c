/*
 * emit_linear.c - Gemm and MatMul. With constant weights such a node is a
 * linear layer y[r] = W x[r] + b, emitted in the strategy planned for it
 * (strategy.c): unrolled (each output neuron a straight-line sum over its
 * nonzero weights only, the weights as literals or, on Cortex-M, a weight
 * stream), loop (compressed sparse rows) or dense (a loop nest over a
 * weight table in an order compilers vectorise). Otherwise a general
 * matrix product.
 */
#include <string.h>

#include "emit.h"

/* ---- Gemm and MatMul with constant weights: the sparse core ---- */

static const char *kept(Emit *e, const Linear *L, const char *how)
{
    return arena_printf(e->g->a, " -- %s of %s weights kept, %s", text_num(e->g->a, L->nnz), text_num(e->g->a, L->N * L->K), how);
}

/* --annotate: the weight's place in the model's own tensor, as in
 * "fc1.weight[12][340]", with any factor Gemm folded into it */
static const char *weight_note(Emit *e, const Linear *L, int64_t j, int64_t k)
{
    int64_t r = L->tb ? j : k, c = L->tb ? k : j;
    char f[48];
    if (L->alpha != 1.0f) {
        emit_float(f, sizeof f, L->alpha);
        return arena_printf(e->g->a, " /* alpha %s * %s[%lld][%lld] */", f, L->wname, (long long)r, (long long)c);
    }
    return arena_printf(e->g->a, " /* %s[%lld][%lld] */", L->wname, (long long)r, (long long)c);
}

static const char *bias_note(Emit *e, const Linear *L, int64_t j)
{
    const char *idx = L->b_bcast ? "[0]" : arena_printf(e->g->a, "[%lld]", (long long)j);
    char f[48];
    if (!L->bname)
        return "";
    if (L->beta != 1.0f) {
        emit_float(f, sizeof f, L->beta);
        return arena_printf(e->g->a, " /* beta %s * %s%s */", f, L->bname, idx);
    }
    return arena_printf(e->g->a, " /* %s%s */", L->bname, idx);
}

/*
 * Input windows. A Cortex-M load (vldr) reaches 1020 bytes past its base
 * register, and gcc, which sees that x is the static arena, otherwise
 * materialises the address of every input beyond that, or keeps them on the
 * stack. So x is made opaque (TC_BASE) and inputs 256 and up are read
 * through x256 = x + 256, x512, ...: one register per window, every term a
 * plain load at an immediate offset. Narrow layers set the windows up once
 * per function; wide ones per neuron, only those the neuron reads.
 */
enum { WIN = 256, WIN_FN_MAX = 6 };

static const char *xref(Emit *e, int64_t k, char *used)
{
    if (k < WIN)
        return arena_printf(e->g->a, "x[%lld]", (long long)k);
    used[k / WIN] = 1;
    return arena_printf(e->g->a, "x%lld[%lld]", (long long)(k / WIN * WIN), (long long)(k % WIN));
}

/* Kept weights of neuron j; with cnt, those that are not +-1 (which need a value). */
static int64_t row_kept(const Linear *L, int64_t j, int64_t *valued)
{
    int64_t k, cnt = 0, v = 0;
    for (k = 0; k < L->K; k++) {
        float w = L->w[j * L->K + k];
        cnt += w != 0.0f;
        v += w != 0.0f && w != 1.0f && w != -1.0f;
    }
    if (valued)
        *valued = v;
    return cnt;
}

/*
 * Weight streams (--target cortex-m). A literal costs a Cortex-M4 a
 * PC-relative load besides its 4 bytes: 16 bytes a term. Streamed, the
 * function's weights and biases lie in one table in the order the code
 * reads them, and TC_LD<n> loads the next n (up to 8) into w0..w7 with one
 * multi-register load (vldmia, 4 bytes): 12.5 bytes a term, 2.1
 * instructions. The values and the order of every sum are those of the
 * literal form, so the results are the same bit for bit. w0..w7 live in
 * s8..s15, which a function call clobbers: where the activation may be a
 * call (sigmoid, tanh), each neuron loads its own values.
 */
typedef struct {
    float *v;        /* the values, in reading order */
    int64_t n, at;   /* how many; the next to hand out */
    int64_t end;     /* a load never reaches past this value (see emit_unrolled) */
    int ready, r;    /* values loaded and not yet used; the register of the next */
    int regs;        /* the most values one load took: w0..w<regs-1> are used */
} Stream;

/* The C name of the next streamed value, loading the next group when due. */
static const char *stream_next(Emit *e, Stream *s, float v)
{
    ASSERT(s->at < s->end && s->end <= s->n);
    if (s->ready == 0) {
        int64_t left = s->end - s->at;
        s->ready = (int)(left < 8 ? left : 8);
        s->r = 0;
        if (s->ready > s->regs)
            s->regs = s->ready;
        e->used_ld |= 1 << (s->ready - 1);
        emit_line(e, "TC_LD%d(w);", s->ready);
    }
    s->v[s->at++] = v;
    s->ready--;
    return arena_printf(e->g->a, "w%d", s->r++);
}

/* The stream table of function part of node n, in e->consts. */
static void emit_stream_table(Emit *e, const Node *n, const Stream *s, int part, int64_t j0, int64_t j1)
{
    Buf *save = e->out;
    e->out = &e->consts;
    e->indent = 0;
    emit_line(e, "/* node %d: '%s', outputs %lld to %lld: %s weights and biases in the order the code reads them */",
              n->index, text_comment(e->g->a, n->name), (long long)j0, (long long)j1, text_num(e->g->a, s->n));
    emit_line(e, "static const float %s%s_w%d[%lld] = {", emit_weights_attr(e), emit_fn_name(e, n), part, (long long)s->n);
    emit_lit_rows(e, n, s->v, s->n);
    emit_line(e, "};");
    emit_blank(e);
    e->out = save;
}

/*
 * Unrolled by input (planned where the input is often 0 at run time, see
 * strategy.c): y[j] = b[j]; then for each input k, if x[k] != 0, for each
 * output j that keeps W[j][k]: y[j] += x[k] * W[j][k]; then the activation.
 * Each output's sum is the bias, then the products in input order: one
 * accumulator, in memory. A term costs the load and the store of y[j]
 * besides the multiply-add, but an input that is 0 costs its test alone:
 * an input that is 0 adds w * 0 = +-0 (the weights are finite), so
 * skipping it changes at most the sign of a zero sum.
 */
static void emit_unrolled_by_input(Emit *e, const Node *n, const Linear *L)
{
    const char *name = emit_fn_name(e, n);
    int64_t j, k = 0;
    int part = 0, i;

    while (k < L->K) {
        int64_t terms = 0, k0 = k;
        e->out = &e->fns;
        e->indent = 0;
        /* this function's inputs k0..k-1: up to max_terms terms */
        for (; k < L->K && terms < e->opt->max_terms; k++)
            for (j = 0; j < L->N; j++)
                terms += L->w[j * L->K + k] != 0.0f;
        emit_line(e, "/* node %d: %s '%s', inputs %lld to %lld */", n->index, op_name(n->op), text_comment(e->g->a, n->name),
                  (long long)k0, (long long)(k - 1));
        emit_line(e, "static TC_NOLIB void %s_p%d(const float *x, float *y)", name, part);
        emit_line(e, "{");
        e->indent = 1;
        if (terms == 0) {
            emit_line(e, "(void)x;");
            emit_line(e, "(void)y;");
            emit_end_fn(e);
            part++;
            continue;
        }
        emit_line(e, "union { float f; unsigned u; } v; /* u: its bits, to test for +-0 in one instruction */");
        emit_blank(e);
        for (i = 0; k0 + i < k; i++) {
            int64_t kk = k0 + i, cnt = 0;
            for (j = 0; j < L->N; j++)
                cnt += L->w[j * L->K + kk] != 0.0f;
            if (cnt == 0)
                continue;
            emit_line(e, "v.f = x[%lld];", (long long)kk);
            emit_line(e, "if (v.u & 0x7fffffffu) {");
            e->indent++;
            for (j = 0; j < L->N; j++) {
                float w = L->w[j * L->K + kk];
                const char *note = e->opt->annotate ? weight_note(e, L, j, kk) : "";
                if (w == 0.0f)
                    continue;
                if (w == 1.0f)
                    emit_line(e, "y[%lld] += v.f;%s", (long long)j, note);
                else if (w == -1.0f)
                    emit_line(e, "y[%lld] -= v.f;%s", (long long)j, note);
                else if (!e->opt->no_fma) {
                    e->used_fma = 1;
                    emit_line(e, "y[%lld] = TC_FMA(v.f, %s, y[%lld]);%s", (long long)j, emit_lit(e, n, w), (long long)j, note);
                } else
                    emit_line(e, "y[%lld] += v.f * %s;%s", (long long)j, emit_lit(e, n, w), note);
            }
            e->indent--;
            emit_line(e, "}");
        }
        emit_end_fn(e);
        part++;
    }

    emit_begin_fn(e, n, "", kept(e, L, "unrolled by input"));
    emit_line(e, "int r, j;");
    emit_blank(e);
    emit_line(e, "for (r = 0; r < %lld; r++) {", (long long)L->rows);
    e->indent++;
    emit_line(e, "float *yr = y + r * %lld;", (long long)L->N);
    emit_blank(e);
    for (j = 0; j < L->N; j++)
        emit_line(e, "yr[%lld] = %s;%s", (long long)j, emit_lit(e, n, L->b[j]), e->opt->annotate ? bias_note(e, L, j) : "");
    for (i = 0; i < part; i++)
        emit_line(e, "%s_p%d(x0 + r * %lld, yr);", name, i, (long long)L->K);
    if (n->act != OP_COUNT) {
        emit_line(e, "for (j = 0; j < %lld; j++)", (long long)L->N);
        emit_line(e, "    yr[j] = %s;", emit_act(e, n, n->act, n->act_alpha, "yr[j]"));
    } else
        emit_line(e, "(void)j;");
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
}

/*
 * Unrolled: for each neuron j, y[j] = act(b[j] + sum over k with W[j][k] != 0
 * of x[k] * W[j][k]), the terms dealt round-robin to P partial sums so the
 * additions do not wait on each other. Neurons are grouped into functions
 * of at most max_terms terms to keep the C compiler's time near-linear;
 * an empty asm barrier between neurons stops it from interleaving them.
 */
static void emit_unrolled(Emit *e, const Node *n, const Linear *L)
{
    int P = e->opt->partial_sums, part = 0, i;
    int64_t j = 0, k, nwin = (L->K + WIN - 1) / WIN, wdx;
    int per_neuron = nwin > WIN_FN_MAX, streamed = e->g->target == TARGET_CORTEX_M;
    int calls = emit_act_is_call(n->act);
    const char *name = emit_fn_name(e, n);
    char *fn_win = arena_alloc(e->g->a, (size_t)nwin + 1);
    char *nr_win = arena_alloc(e->g->a, (size_t)nwin + 1);

    while (j < L->N) {
        Buf body = {0};
        int64_t terms = 0, j0 = j, j1 = j, valued;
        int used = 0;
        Stream st = {0};
        /* this function's neurons j0..j1-1: up to max_terms terms; the values they stream */
        do {
            int64_t cnt = row_kept(L, j1, &valued);
            st.n += streamed && cnt ? valued + (L->b[j1] != 0.0f) : 0;
            terms += cnt;
            j1++;
        } while (j1 < L->N && terms < e->opt->max_terms);
        st.v = arena_alloc(e->g->a, (size_t)(st.n + 1) * sizeof(float));
        st.end = st.n;
        e->out = &body;
        e->indent = 1;
        memset(fn_win, 0, (size_t)nwin + 1);
        do {
            int64_t cnt = row_kept(L, j, &valued), t = 0;
            const char *sum;
            if (j > j0)
                emit_line(e, "TC_BARRIER();");
            if (cnt == 0) {
                /* no weight survived: the neuron is a constant */
                float v = L->b[j];
                if (n->act != OP_COUNT)
                    v = interp_act(n->act, n->act_alpha, v);
                emit_line(e, "y[%lld] = %s; /* no weights kept */", (long long)j, emit_lit(e, n, v));
                j++;
                continue;
            }
            emit_line(e, "/* y[%lld]: %lld weights */", (long long)j, (long long)cnt);
            if (streamed && calls) {
                /* a call clobbers s8..s15: no loaded value may wait across the activation */
                st.end = st.at + valued + (L->b[j] != 0.0f);
                st.ready = 0;
            }
            if (per_neuron) {
                memset(nr_win, 0, (size_t)nwin + 1);
                for (k = WIN; k < L->K; k++)
                    if (L->w[j * L->K + k] != 0.0f)
                        nr_win[k / WIN] = fn_win[k / WIN] = 1;
                for (wdx = 1; wdx < nwin; wdx++)
                    if (nr_win[wdx])
                        emit_line(e, "x%lld = x + %lld; TC_BASE(x%lld);", (long long)(wdx * WIN),
                                  (long long)(wdx * WIN), (long long)(wdx * WIN));
            }
            for (k = 0; k < L->K; k++) {
                float w = L->w[j * L->K + k];
                int s = (int)(t % P);
                const char *note = "", *xk;
                if (w == 0.0f)
                    continue;
                if (e->opt->annotate)
                    note = weight_note(e, L, j, k);
                xk = xref(e, k, fn_win);
                if (w == 1.0f)
                    emit_line(e, t < P ? "s%d = %s;%s" : "s%d += %s;%s", s, xk, note);
                else if (w == -1.0f)
                    emit_line(e, t < P ? "s%d = -%s;%s" : "s%d -= %s;%s", s, xk, note);
                else {
                    const char *wv = streamed ? stream_next(e, &st, w) : emit_lit(e, n, w);
                    if (t < P)
                        emit_line(e, "s%d = %s * %s;%s", s, xk, wv, note);
                    else if (!e->opt->no_fma) {
                        e->used_fma = 1;
                        emit_line(e, "s%d = TC_FMA(%s, %s, s%d);%s", s, xk, wv, s, note);
                    } else
                        emit_line(e, "s%d += %s * %s;%s", s, xk, wv, note);
                }
                t++;
            }
            if (t > used)
                used = (int)(t < P ? t : P);
            sum = emit_partials_sum(t, P);
            if (L->b[j] != 0.0f && streamed) {
                const char *bv = stream_next(e, &st, L->b[j]);
                emit_line(e, "s0 = %s + %s;%s", sum, bv, e->opt->annotate ? bias_note(e, L, j) : "");
                sum = "s0";
            } else if (L->b[j] != 0.0f) {
                float b = L->b[j];
                emit_line(e, "s0 = %s %c %s;%s", sum, b < 0.0f ? '-' : '+', emit_lit(e, n, b < 0.0f ? -b : b),
                          e->opt->annotate ? bias_note(e, L, j) : "");
                sum = "s0";
            } else if (t > 1 && n->act != OP_COUNT && strcmp(sum, "s0") != 0) {
                /* the partial sums into one, so the activation reads it once
                 * (with one accumulator, --partial-sums 1, s0 already is it) */
                emit_line(e, "s0 = %s;", sum);
                sum = "s0";
            }
            emit_line(e, "y[%lld] = %s;", (long long)j, emit_act(e, n, n->act, n->act_alpha, sum));
            j++;
        } while (j < j1);

        ASSERT(st.at == st.n);
        if (st.n)
            emit_stream_table(e, n, &st, part, j0, j - 1);
        e->out = &e->fns;
        e->indent = 0;
        emit_line(e, "/* node %d: %s '%s', outputs %lld to %lld */", n->index, op_name(n->op), text_comment(e->g->a, n->name),
                  (long long)j0, (long long)(j - 1));
        emit_line(e, "static TC_NOLIB void %s_p%d(const float *x, float *y)", name, part);
        emit_line(e, "{");
        if (used) {
            Buf decl = {0};
            for (i = 0; i < used; i++)
                buf_printf(&decl, "%ss%d", i ? ", " : "", i);
            e->indent = 1;
            emit_line(e, "float %s;", decl.p);
            if (st.n) {
                decl.len = 0;
                for (i = 0; i < st.regs; i++)
                    buf_printf(&decl, "%sTC_WREG(w%d, s%d);", i ? " " : "", i, 8 + i);
                emit_line(e, "const float *w = %s_w%d;", name, part);
                emit_line(e, "%s", decl.p);
            }
            buf_free(&decl);
            memset(&decl, 0, sizeof decl);
            for (wdx = 1; wdx < nwin; wdx++)
                if (fn_win[wdx]) {
                    if (per_neuron)
                        buf_printf(&decl, "%s*x%lld", decl.len ? ", " : "", (long long)(wdx * WIN));
                    else
                        buf_printf(&decl, "%s*x%lld = x + %lld", decl.len ? ", " : "", (long long)(wdx * WIN),
                                   (long long)(wdx * WIN));
                }
            if (decl.len)
                emit_line(e, "const float %s;", decl.p);
            buf_free(&decl);
            emit_line(e, "TC_BASE(x);");
            if (!per_neuron)
                for (wdx = 1; wdx < nwin; wdx++)
                    if (fn_win[wdx])
                        emit_line(e, "TC_BASE(x%lld);", (long long)(wdx * WIN));
            emit_blank(e);
        } else {
            e->indent = 1;
            emit_line(e, "(void)x;");
        }
        buf_add(e->out, body.p ? body.p : "", body.len);
        buf_free(&body);
        emit_end_fn(e);
        part++;
    }

    emit_begin_fn(e, n, "", kept(e, L, "unrolled"));
    if (L->rows == 1) {
        for (i = 0; i < part; i++)
            emit_line(e, "%s_p%d(x0, y);", name, i);
    } else {
        emit_line(e, "int r;");
        emit_blank(e);
        emit_line(e, "for (r = 0; r < %lld; r++) {", (long long)L->rows);
        e->indent++;
        for (i = 0; i < part; i++)
            emit_line(e, "%s_p%d(x0 + r * %lld, y + r * %lld);", name, i, (long long)L->K, (long long)L->N);
        e->indent--;
        emit_line(e, "}");
    }
    emit_end_fn(e);
}

/* The narrowest unsigned C type that holds every value up to max. */
static const char *index_type(int64_t max)
{
    return max <= 255 ? "unsigned char" : max <= 65535 ? "unsigned short" : "unsigned long";
}

/*
 * Dense on Cortex-M (no vector unit) and for narrow layers: y[r][:] = b;
 * for each k: y[r][:] += x[r][k] * Wt[k][:]. The inner loop runs over
 * contiguous outputs, which compilers vectorise without -ffast-math because
 * no sum is reassociated.
 */
static void emit_dense_plain(Emit *e, const Node *n, const Linear *L)
{
    Graph *g = e->g;
    const char *name = emit_fn_name(e, n);
    int64_t j, k;

    e->out = &e->consts;
    e->indent = 0;
    emit_line(e, "/* node %d: weights of '%s', transposed to [%lld][%lld] */", n->index, text_comment(e->g->a, n->name),
              (long long)L->K, (long long)L->N);
    emit_line(e, "static const float %s%s_w[%lld][%lld] = {", emit_weights_attr(e), name, (long long)L->K, (long long)L->N);
    /* -0 is a pruned weight too (PyTorch's weight_orig * weight_mask makes it
     * under the mask): it adds nothing, so it is written 0.0f, as the
     * unrolled code skips it */
    for (k = 0; k < L->K; k++) {
        Buf row = {0};
        for (j = 0; j < L->N; j++) {
            float w = L->w[j * L->K + k];
            buf_printf(&row, "%s%s", j ? ", " : "", w == 0.0f ? "0.0f" : emit_lit(e, n, w));
        }
        e->indent++;
        emit_line(e, "{%s},", row.p);
        e->indent--;
        buf_free(&row);
    }
    emit_line(e, "};");
    emit_line(e, "static const float %s%s_b[%lld] = {", emit_weights_attr(e), name, (long long)L->N);
    emit_lit_rows(e, n, L->b, L->N);
    emit_line(e, "};");
    emit_blank(e);

    emit_begin_fn(e, n, "", kept(e, L, "dense"));
    emit_line(e, "int r, k, j;");
    emit_blank(e);
    emit_line(e, "for (r = 0; r < %lld; r++) {", (long long)L->rows);
    e->indent++;
    emit_line(e, "const float *xr = x0 + r * %lld;", (long long)L->K);
    emit_line(e, "float *yr = y + r * %lld;", (long long)L->N);
    emit_blank(e);
    /* k = 0 goes with the bias: a plain copy loop would become a call to
     * memcpy, and the generated code calls no library function */
    emit_line(e, "for (j = 0; j < %lld; j++)", (long long)L->N);
    if (L->K > 0 && !e->opt->no_fma) {
        e->used_fma = 1;
        e->indent++;
        emit_line(e, "yr[j] = TC_FMA(xr[0], %s_w[0][j], %s_b[j]);", name, name);
        e->indent--;
    } else if (L->K > 0)
        emit_line(e, "    yr[j] = %s_b[j] + xr[0] * %s_w[0][j];", name, name);
    else
        emit_line(e, "    yr[j] = %s_b[j];", name);
    emit_line(e, "for (k = 1; k < %lld; k++) {", (long long)L->K);
    e->indent++;
    emit_line(e, "const float xk = xr[k];");
    emit_blank(e);
    if (L->N >= 32 && zero_often(g, n->in[0])) {
        /* an input that is 0 adds w * 0 = ±0 to every output (the weights
         * are finite): skipping it changes at most the sign of a zero sum.
         * With few outputs the work saved is less than the mispredicted
         * branches cost (LeNet's 100 -> 10: measured slower) */
        emit_line(e, "if (xk == 0.0f)");
        emit_line(e, "    continue;");
    }
    emit_line(e, "for (j = 0; j < %lld; j++)", (long long)L->N);
    e->indent--;
    if (!e->opt->no_fma) {
        e->used_fma = 1;
        e->indent += 2;
        emit_line(e, "yr[j] = TC_FMA(xk, %s_w[k][j], yr[j]);", name);
        e->indent -= 2;
    } else
        emit_line(e, "        yr[j] += xk * %s_w[k][j];", name);
    emit_line(e, "}");
    if (n->act != OP_COUNT) {
        emit_line(e, "for (j = 0; j < %lld; j++)", (long long)L->N);
        e->indent++;
        emit_line(e, "yr[j] = %s;", emit_act(e, n, n->act, n->act_alpha, "yr[j]"));
        e->indent--;
    }
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
    (void)g;
}

/* Outputs per block of the dense kernel: DENSE_BLOCK vectors of TC_DVW, then
 * one block of half that many, then a vector at a time. Measured on the dense
 * LeNet (784 -> 300 -> 100 -> 10): 8 vectors at -O2 (SSE) 1.2x faster than 4.
 * Layers with fewer than DENSE_MIN_N outputs keep the plain loop: on the r15
 * ticket's fc3 (100 -> 10) it runs 2,514 instructions against the kernel's
 * 2,686 (-O3 -march=native -mno-avx512f, callgrind). */
enum { DENSE_BLOCK = 8, DENSE_PAD = 16, DENSE_MIN_N = 32, TAIL = DENSE_BLOCK * DENSE_PAD };

/*
 * With AVX-512 (TC_DVW 16, 32 vector registers) the layer's outputs go
 * first in blocks of WIDE_BLOCK vectors (256 outputs): each listed input's
 * row is read in one pass. Where inputs that are 0 are skipped and the table
 * is larger than PREFETCH_MIN_BYTES (past the caches nearest the core), the
 * row of the input PREFETCH_AHEAD places on in the list is prefetched: the
 * rows read are not consecutive, so the hardware prefetcher does not see
 * them coming. Measured on Conv-2's fc1 (4608 -> 256, 4.7 MB, 42% of its
 * inputs 0; -O3 -march=native, AMD EPYC, CPU time per inference): 57 us
 * with two passes of 8 vectors, 50 in one pass of 16, 42 with the prefetch
 * 8 inputs ahead (47 at 2, 44 at 4).
 */
enum { WIDE_BLOCK = 16, PREFETCH_AHEAD = 8 };
#define PREFETCH_MIN_BYTES (1L << 20)

/*
 * The block of the dense kernel at output j, cnt vectors (a0..a<cnt-1>):
 * a = b[j..]; then for each input k that is kept (all, or those not 0 at run
 * time: nz[0..n)) a = x[k] * Wt[k][j..] + a; then the activation and the
 * store; the tail block (tail) through t, only the outputs up to N.
 */
static void emit_block_head(Emit *e, const Node *n, const Linear *L, int cnt, int skip, int tail)
{
    const char *name = emit_fn_name(e, n);
    int v;
    Buf acc = {0};
    if (tail)
        emit_line(e, "float t[%d * TC_DVW];", cnt);
    for (v = 0; v < cnt; v++)
        buf_printf(&acc, "%sa%d = *(const tc_dvfu *)(%s_b + j%s)", v ? ", " : "", v, name,
                   v ? arena_printf(e->g->a, " + %d * TC_DVW", v) : "");
    emit_line(e, "tc_dvf %s;", acc.p);
    buf_free(&acc);
    emit_blank(e);
    if (skip)
        emit_line(e, "for (i = 0; i < n; i++) {");
    else
        emit_line(e, "for (k = 0; k < %lld; k++) {", (long long)L->K);
    e->indent++;
    if (skip)
        emit_line(e, "k = nz[i];");
    emit_line(e, "const tc_dvf xk = TC_DSPLAT(xr[k]);");
}

/* The block's end, for both tables: a = xk * w<v> + a for each of its cnt
 * weight vectors wv[v], the loop closed, then the activation and the stores. */
static void emit_block_end(Emit *e, const Node *n, const Linear *L, int cnt, int tail, const char *const *wv)
{
    int v;
    for (v = 0; v < cnt; v++) {
        if (!e->opt->no_fma)
            emit_line(e, "a%d = TC_DFMA(xk, %s, a%d);", v, wv[v], v);
        else
            emit_line(e, "a%d += xk * %s;", v, wv[v]);
    }
    e->indent--;
    emit_line(e, "}");
    for (v = 0; v < cnt; v++) {
        const char *at = v ? arena_printf(e->g->a, " + %d * TC_DVW", v) : "";
        if (n->act == OP_RELU)
            /* (s < 0.0f ? 0.0f : s) a vector at a time */
            emit_line(e, "a%d = (tc_dvf)((tc_dvi)a%d & ~(tc_dvi)(a%d < (tc_dvf){0}));", v, v, v);
        if (tail)
            emit_line(e, "*(tc_dvfu *)(t%s) = a%d;", at, v);
        else
            emit_line(e, "*(tc_dvfu *)(yr + j%s) = a%d;", at, v);
    }
    if (tail) {
        emit_line(e, "for (k = 0; j + k < %lld; k++)", (long long)L->N);
        emit_line(e, "    yr[j + k] = t[k];");
    }
}

static void emit_dense_block(Emit *e, const Node *n, const Linear *L, int cnt, int skip, int64_t NP, int tail, int pf)
{
    const char *name = emit_fn_name(e, n);
    const char **wv = arena_array(e->g->a, (size_t)cnt + 1, sizeof *wv);
    int v;
    emit_block_head(e, n, L, cnt, skip, tail);
    emit_line(e, "const float *wk = %s_w + k * %lld + j;", name, (long long)NP);
    if (skip && pf) {
        emit_line(e, "const float *wf = %s_w + nz[i + %d < n ? i + %d : i] * %lld + j;", name, pf, pf, (long long)NP);
        if (cnt == WIDE_BLOCK) /* only with TC_DVW 16: a vector a cache line */
            for (v = 0; v < cnt; v++)
                emit_line(e, "__builtin_prefetch(wf%s);", v ? arena_printf(e->g->a, " + %d * TC_DVW", v) : "");
        else { /* the block's cnt * TC_DVW floats, a 64-byte line at a time */
            int w, l;
            for (w = 4; w <= 16; w *= 2) {
                if (w < 16)
                    emit_line(e, "#%s TC_DVW == %d", w == 4 ? "if" : "elif", w);
                else
                    emit_line(e, "#else");
                for (l = 0; l < cnt * w / 16; l++)
                    emit_line(e, "__builtin_prefetch(wf%s);", l ? arena_printf(e->g->a, " + %d", 16 * l) : "");
            }
            emit_line(e, "#endif");
        }
    }
    emit_blank(e);
    for (v = 0; v < cnt; v++)
        wv[v] = arena_printf(e->g->a, "*(const tc_dvfu *)(wk%s)", v ? arena_printf(e->g->a, " + %d * TC_DVW", v) : "");
    emit_block_end(e, n, L, cnt, tail, wv);
}

/*
 * The dense table compressed for AVX-512 (measured below, xc_pays): per input
 * row k and block of 16 outputs, a 16-bit mask of the kept weights and only
 * those weights, packed; a block is read with an expand-load (TC_DXLD), its
 * pruned lanes +0 as in the dense table. Every block of every row read is
 * multiplied and added, in the order of the dense kernel: the same sums, bit
 * for bit (an all-zero block skipped would turn a -0 sum into +0). Outputs go
 * in groups of up to WIDE_BLOCK vectors; per group and row, where its packed
 * weights start (xo, so no row waits on the one before), and per block its
 * mask (xm) and where its weights start in the row's (xb, so no block waits
 * on a popcount of the masks before it). Weight bytes read per row: 4 per
 * kept weight and 3 per 16 outputs, against 64 per 16 outputs. The next
 * rows' weights are prefetched as in the dense kernel (on Conv-2's fc1: 47
 * us with or without; the loop is bound by its expand-loads, as fast with
 * every row's weights in L1).
 */
typedef struct XTable {
    float *v;             /* the kept weights, group by group, row by row */
    int64_t nv;           /* how many */
    int64_t *m, *r;       /* per group, row and block: its mask; where its weights start in the row's */
    int64_t nm;
    int64_t *o;           /* per group and row: where its weights start in v */
    int64_t no;
    int64_t full, rest;   /* groups of WIDE_BLOCK vectors without a tail; vectors in the last group (0: none) */
    int64_t pf_lines;     /* cache lines of packed weights prefetched per row */
} XTable;

static void xtable_build(Emit *e, const Linear *L, XTable *x)
{
    int64_t G, g, k, b, j, left;
    x->full = L->N / (WIDE_BLOCK * 16);
    left = L->N - x->full * WIDE_BLOCK * 16;
    x->rest = (left + 15) / 16;
    G = x->full + (x->rest > 0);
    x->v = arena_array(e->g->a, (size_t)L->nnz + 1, sizeof *x->v);
    x->m = arena_array(e->g->a, (size_t)(L->K * (x->full * WIDE_BLOCK + x->rest)) + 1, sizeof *x->m);
    x->r = arena_array(e->g->a, (size_t)(L->K * (x->full * WIDE_BLOCK + x->rest)) + 1, sizeof *x->r);
    x->o = arena_array(e->g->a, (size_t)(G * L->K) + 1, sizeof *x->o);
    x->nv = x->nm = x->no = 0;
    for (g = 0; g < G; g++) {
        int64_t cnt = g < x->full ? WIDE_BLOCK : x->rest, j0 = g * WIDE_BLOCK * 16;
        for (k = 0; k < L->K; k++) {
            int64_t start = x->nv;
            x->o[x->no++] = start;
            for (b = 0; b < cnt; b++) {
                unsigned long mask = 0, rel = (unsigned long)(x->nv - start);
                for (j = 0; j < 16; j++) {
                    int64_t jj = j0 + b * 16 + j;
                    float w = jj < L->N ? L->w[jj * L->K + k] : 0.0f;
                    if (w != 0.0f) {
                        mask |= 1ul << j;
                        x->v[x->nv++] = w;
                    }
                }
                x->r[x->nm] = (int64_t)rel;
                x->m[x->nm++] = (int64_t)mask;
            }
        }
    }
    ASSERT(x->nv == L->nnz);
    /* the rows' mean size in cache lines, and one more for a row's straddling */
    x->pf_lines = (4 * L->nnz / (G * L->K) + 63) / 64 + 1;
}

/* The group of cnt vectors at output j (a0..a<cnt-1>), its masks from xm and
 * row starts from xo (pointers the caller set): as emit_dense_block, each
 * weight vector expanded from the packed ones. */
static void emit_xblock(Emit *e, const Node *n, const Linear *L, const XTable *x, int cnt, int skip, int tail, int pf)
{
    const char *name = emit_fn_name(e, n);
    const char **wv = arena_array(e->g->a, (size_t)cnt + 1, sizeof *wv);
    int v;
    emit_block_head(e, n, L, cnt, skip, tail);
    emit_line(e, "const unsigned short *mk = xm + k * %d;", cnt);
    emit_line(e, "const unsigned char *rk = xb + k * %d;", cnt);
    emit_line(e, "const float *wk = %s_xv + xo[k];", name);
    if (skip && pf) {
        int l;
        emit_line(e, "const int kf = nz[i + %d < n ? i + %d : i];", pf, pf);
        emit_line(e, "const float *wf = %s_xv + xo[kf];", name);
        emit_line(e, "__builtin_prefetch(xm + kf * %d);", cnt);
        emit_line(e, "__builtin_prefetch(xb + kf * %d);", cnt);
        for (l = 0; l < x->pf_lines; l++)
            emit_line(e, "__builtin_prefetch(wf%s);", l ? arena_printf(e->g->a, " + %d", 16 * l) : "");
    }
    emit_blank(e);
    for (v = 0; v < cnt; v++)
        wv[v] = arena_printf(e->g->a, "TC_DXLD(mk[%d], wk + rk[%d])", v, v);
    emit_block_end(e, n, L, cnt, tail, wv);
}

/* The compressed tables (under the AVX-512 code's #if). */
static void emit_xtables(Emit *e, const Node *n, const Linear *L, const XTable *x)
{
    const char *name = emit_fn_name(e, n);
    emit_line(e, "#if TC_DVEC && (TC_DVW == 16 || TC_DISPATCH)");
    emit_line(e, "/* node %d: the %s kept weights of '%s' for AVX-512, a row of each group of up to %d outputs after another */",
              n->index, text_num(e->g->a, L->nnz), text_comment(e->g->a, n->name), WIDE_BLOCK * 16);
    emit_line(e, "static const float %s%s_xv[%lld] TC_DALIGN = {", emit_weights_attr(e), name, (long long)(x->nv ? x->nv : 1));
    emit_lit_rows(e, n, x->v, x->nv ? x->nv : 1);
    emit_line(e, "};");
    emit_line(e, "/* per group, row and block of 16 outputs: a bit per kept weight; where its weights start in the row's */");
    emit_line(e, "static const unsigned short %s%s_xm[%lld] TC_DALIGN = {", emit_weights_attr(e), name, (long long)x->nm);
    emit_int_rows(e, x->m, x->nm);
    emit_line(e, "};");
    emit_line(e, "static const unsigned char %s%s_xb[%lld] = {", emit_weights_attr(e), name, (long long)x->nm);
    emit_int_rows(e, x->r, x->nm);
    emit_line(e, "};");
    emit_line(e, "/* per group and row: where its weights start */");
    emit_line(e, "static const %s %s%s_xo[%lld] = {", index_type(x->nv), emit_weights_attr(e), name, (long long)x->no);
    emit_int_rows(e, x->o, x->no);
    emit_line(e, "};");
    emit_line(e, "#endif");
}

/*
 * Where the compressed table pays: at most XC_MAX_KEPT of the weights kept
 * and a dense table of at least XC_MIN_BYTES, past a core's L2 (the dense
 * kernel then streams it from L3; the compressed one is bound by its
 * expand-loads instead, about 2.7 cycles a block whatever the density).
 * Measured on Gemm 4608 -> 256 after a ReLU (-O3 -march=native, Xeon with
 * AVX-512, 2 MiB L2 a core; us per inference, dense vs compressed): 16%
 * kept 100 vs 39, 30% 100 vs 39, 50% 98 vs 42, 75% 94 vs 71, 100% 92 vs
 * 102; at 16% kept, K 3456 (3.5 MB) 54 vs 28, K 2304 (2.4 MB) 20 vs 18,
 * K 1024 (1 MB) 4.7 vs 8.8. Same order at -O2 (the dispatch variant).
 */
#define XC_MAX_KEPT 0.5
#define XC_MIN_BYTES (3L << 20)
static int xc_pays(const Linear *L, int64_t NP)
{
    return L->N >= 16 && (double)L->nnz <= XC_MAX_KEPT * (double)(L->N * L->K) && 4 * L->K * NP >= XC_MIN_BYTES;
}

/*
 * Dense with a vector unit (the host): y[r][:] = b, then for each input k,
 * y[r][:] += x[r][k] * Wt[k][:], a block of DENSE_BLOCK vectors of outputs
 * held in registers over all of k, so each weight is loaded once and each
 * output stored once. The table's rows are padded with zeros to a multiple
 * of 16 outputs, so a vector never reads past them. Where the input is
 * often 0 at run time (after a ReLU, or the model's input), the inputs that
 * are not 0 are listed first and only they are read: an input that is 0
 * adds w * 0 = +-0 to every output (the weights are finite), so skipping it
 * changes at most the sign of a zero sum. Without TC_DVEC, the same sums in
 * the same order, an output at a time.
 */
static void emit_dense(Emit *e, const Node *n, const Linear *L)
{
    const char *name = emit_fn_name(e, n);
    int64_t NP = (L->N + DENSE_PAD - 1) / DENSE_PAD * DENSE_PAD, j, k;
    int skip = zero_often(e->g, n->in[0]) && L->K <= 65536, xc, pf;
    XTable x;
    float *row = arena_array(e->g->a, (size_t)(NP + TAIL) + 1, sizeof *row);

    if (e->g->target == TARGET_CORTEX_M || L->K == 0 || L->N < DENSE_MIN_N) {
        emit_dense_plain(e, n, L);
        return;
    }
    e->used_dvec = 1;
    xc = xc_pays(L, NP);
    e->out = &e->consts;
    e->indent = 0;
    if (xc) {
        xtable_build(e, L, &x);
        if (!strstr(e->consts.p ? e->consts.p : "", "/* TC_DXLD(m, p):")) {
            emit_preamble(e, "dxld"); /* once a file, before the first table that needs it */
            emit_blank(e);
        }
        emit_xtables(e, n, L, &x);
        emit_line(e, "#if !TC_DVEC || TC_DVW != 16");
    }
    emit_line(e, "/* node %d: weights of '%s', transposed to [%lld][%lld], rows padded with zeros to %lld */", n->index,
              text_comment(e->g->a, n->name), (long long)L->K, (long long)L->N, (long long)NP);
    emit_line(e, "static const float %s%s_w[%lld] TC_DALIGN = {", emit_weights_attr(e), name, (long long)(L->K * NP + TAIL));
    /* -0 is a pruned weight too (PyTorch's weight_orig * weight_mask makes it
     * under the mask): it adds nothing, so it is written 0.0f, as the
     * unrolled code skips it */
    for (k = 0; k < L->K; k++) {
        for (j = 0; j < NP; j++) {
            float w = j < L->N ? L->w[j * L->K + k] : 0.0f;
            row[j] = w == 0.0f ? 0.0f : w;
        }
        emit_lit_rows(e, n, row, NP);
    }
    /* the tail block reads up to TAIL floats past the last row (and row k's
     * into row k + 1): zeros, in outputs it does not store */
    memset(row, 0, (size_t)TAIL * sizeof *row);
    emit_lit_rows(e, n, row, TAIL);
    emit_line(e, "};");
    if (xc)
        emit_line(e, "#endif");
    for (j = 0; j < NP + TAIL; j++)
        row[j] = j < L->N ? L->b[j] : 0.0f;
    emit_line(e, "static const float %s%s_b[%lld] = {", emit_weights_attr(e), name, (long long)(NP + TAIL));
    emit_lit_rows(e, n, row, NP + TAIL);
    emit_line(e, "};");
    emit_blank(e);

    emit_begin_fn(e, n, "", kept(e, L, xc ? "dense (compressed with AVX-512)" : "dense"));
    if (skip)
        emit_line(e, "%s nz[%lld]; /* the inputs that are not 0 */", index_type(L->K - 1), (long long)L->K);
    emit_line(e, "int r, j, k%s;", skip ? ", i, n" : "");
    emit_blank(e);
    emit_line(e, "for (r = 0; r < %lld; r++) {", (long long)L->rows);
    e->indent++;
    emit_line(e, "const float *xr = x0 + r * %lld;", (long long)L->K);
    emit_line(e, "float *yr = y + r * %lld;", (long long)L->N);
    emit_blank(e);
    if (skip) {
        emit_line(e, "n = 0;");
        emit_line(e, "for (k = 0; k < %lld; k++) {", (long long)L->K);
        e->indent++;
        emit_line(e, "nz[n] = (%s)k;", index_type(L->K - 1));
        emit_line(e, "n += xr[k] != 0.0f;");
        e->indent--;
        emit_line(e, "}");
    }
    emit_line(e, "#if TC_DVEC");
    pf = skip && 4 * L->K * NP > PREFETCH_MIN_BYTES ? PREFETCH_AHEAD : 0;
    if (xc) {
        /* AVX-512: the compressed table, groups of WIDE_BLOCK vectors, then the rest in one */
        emit_line(e, "#if TC_DVW == 16");
        emit_line(e, "j = 0;");
        if (x.full) {
            emit_line(e, "for (; j + %d * TC_DVW <= %lld; j += %d * TC_DVW) {", WIDE_BLOCK, (long long)L->N, WIDE_BLOCK);
            e->indent++;
            emit_line(e, "const unsigned short *xm = %s_xm + j / %d * %lld;", name, WIDE_BLOCK * 16, (long long)(L->K * WIDE_BLOCK));
            emit_line(e, "const unsigned char *xb = %s_xb + j / %d * %lld;", name, WIDE_BLOCK * 16, (long long)(L->K * WIDE_BLOCK));
            emit_line(e, "const %s *xo = %s_xo + j / %d * %lld;", index_type(x.nv), name, WIDE_BLOCK * 16, (long long)L->K);
            emit_xblock(e, n, L, &x, WIDE_BLOCK, skip, 0, pf);
            e->indent--;
            emit_line(e, "}");
        }
        if (x.rest) {
            emit_line(e, "{");
            e->indent++;
            emit_line(e, "const unsigned short *xm = %s_xm + %lld;", name, (long long)(x.full * L->K * WIDE_BLOCK));
            emit_line(e, "const unsigned char *xb = %s_xb + %lld;", name, (long long)(x.full * L->K * WIDE_BLOCK));
            emit_line(e, "const %s *xo = %s_xo + %lld;", index_type(x.nv), name, (long long)(x.full * L->K));
            emit_xblock(e, n, L, &x, (int)x.rest, skip, x.full * WIDE_BLOCK * 16 + x.rest * 16 > L->N, pf);
            e->indent--;
            emit_line(e, "}");
        }
        emit_line(e, "#else");
        emit_line(e, "for (j = 0; j + %d * TC_DVW <= %lld; j += %d * TC_DVW) {", DENSE_BLOCK, (long long)L->N, DENSE_BLOCK);
    } else if (L->N >= WIDE_BLOCK * 16) {
        /* AVX-512 (32 registers): first blocks of WIDE_BLOCK vectors */
        emit_line(e, "#if TC_DVW == 16");
        emit_line(e, "for (j = 0; j + %d * TC_DVW <= %lld; j += %d * TC_DVW) {", WIDE_BLOCK, (long long)L->N, WIDE_BLOCK);
        e->indent++;
        emit_dense_block(e, n, L, WIDE_BLOCK, skip, NP, 0, skip && 4 * L->K * NP > PREFETCH_MIN_BYTES ? PREFETCH_AHEAD : 0);
        e->indent--;
        emit_line(e, "}");
        emit_line(e, "#else");
        emit_line(e, "j = 0;");
        emit_line(e, "#endif");
        emit_line(e, "for (; j + %d * TC_DVW <= %lld; j += %d * TC_DVW) {", DENSE_BLOCK, (long long)L->N, DENSE_BLOCK);
    } else
        emit_line(e, "for (j = 0; j + %d * TC_DVW <= %lld; j += %d * TC_DVW) {", DENSE_BLOCK, (long long)L->N, DENSE_BLOCK);
    e->indent++;
    emit_dense_block(e, n, L, DENSE_BLOCK, skip, NP, 0, skip && 4 * L->K * NP > PREFETCH_MIN_BYTES ? PREFETCH_AHEAD : 0);
    e->indent--;
    emit_line(e, "}");
    /* the rest in one pass, as many independent sums as a full block: one
     * vector at a time would wait on the latency of every multiply-add */
    emit_line(e, "if (j < %lld && j + %d * TC_DVW >= %lld) {", (long long)L->N, DENSE_BLOCK / 2, (long long)L->N);
    e->indent++;
    emit_dense_block(e, n, L, DENSE_BLOCK / 2, skip, NP, 1, 0);
    e->indent--;
    emit_line(e, "} else if (j < %lld) {", (long long)L->N);
    e->indent++;
    emit_dense_block(e, n, L, DENSE_BLOCK, skip, NP, 1, 0);
    e->indent--;
    emit_line(e, "}");
    if (xc)
        emit_line(e, "#endif");
    emit_line(e, "#else");
    emit_line(e, "for (j = 0; j < %lld; j++)", (long long)L->N);
    emit_line(e, "    yr[j] = %s_b[j];", name);
    if (skip)
        emit_line(e, "for (i = 0; i < n; i++) {");
    else
        emit_line(e, "for (k = 0; k < %lld; k++) {", (long long)L->K);
    e->indent++;
    if (skip)
        emit_line(e, "k = nz[i];");
    emit_line(e, "const float xk = xr[k];");
    emit_line(e, "const float *wk = %s_w + k * %lld;", name, (long long)NP);
    emit_blank(e);
    emit_line(e, "for (j = 0; j < %lld; j++)", (long long)L->N);
    if (!e->opt->no_fma) {
        e->used_fma = 1;
        emit_line(e, "    yr[j] = TC_FMA(xk, wk[j], yr[j]);");
    } else
        emit_line(e, "    yr[j] += xk * wk[j];");
    e->indent--;
    emit_line(e, "}");
    if (n->act == OP_RELU) {
        emit_line(e, "for (j = 0; j < %lld; j++)", (long long)L->N);
        emit_line(e, "    yr[j] = %s;", emit_act(e, n, n->act, n->act_alpha, "yr[j]"));
    }
    emit_line(e, "#endif");
    if (n->act != OP_COUNT && n->act != OP_RELU) {
        emit_line(e, "for (j = 0; j < %lld; j++)", (long long)L->N);
        emit_line(e, "    yr[j] = %s;", emit_act(e, n, n->act, n->act_alpha, "yr[j]"));
    }
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
}

/*
 * Loop: compressed sparse rows. The kept weights in neuron order, each with
 * the index of its input in the narrowest type that holds it, and where
 * each neuron's weights start: y[j] = act(b[j] + sum over its weights of
 * x[k[p]] * v[p]). The smallest code that still skips every pruned weight:
 * about 4 bytes of value plus 1-2 of index per weight, and one short loop.
 */
static void emit_loop(Emit *e, const Node *n, const Linear *L)
{
    const char *name = emit_fn_name(e, n);
    float *v = arena_array(e->g->a, (size_t)L->nnz + 1, sizeof *v);
    int64_t *col = arena_array(e->g->a, (size_t)L->nnz + 1, sizeof *col);
    int64_t *start = arena_array(e->g->a, (size_t)L->N + 1, sizeof *start);
    int64_t j, k, p = 0;

    /* compressed sparse rows: values, their inputs, where each neuron starts */
    for (j = 0; j < L->N; j++) {
        start[j] = p;
        for (k = 0; k < L->K; k++)
            if (L->w[j * L->K + k] != 0.0f) {
                v[p] = L->w[j * L->K + k];
                col[p++] = k;
            }
    }
    start[L->N] = p;

    e->out = &e->consts;
    e->indent = 0;
    emit_line(e, "/* node %d: the %s kept weights of '%s', neuron by neuron, with their inputs */", n->index, text_num(e->g->a, L->nnz),
              text_comment(e->g->a, n->name));
    if (L->nnz == 0) {
        emit_line(e, "static const float %s%s_v[1] = {0.0f};", emit_weights_attr(e), name);
        emit_line(e, "static const %s %s%s_k[1] = {0};", index_type(L->K - 1), emit_weights_attr(e), name);
    } else {
        emit_line(e, "static const float %s%s_v[%lld] = {", emit_weights_attr(e), name, (long long)L->nnz);
        emit_lit_rows(e, n, v, L->nnz);
        emit_line(e, "};");
        emit_line(e, "static const %s %s%s_k[%lld] = {", index_type(L->K - 1), emit_weights_attr(e), name, (long long)L->nnz);
        emit_int_rows(e, col, L->nnz);
        emit_line(e, "};");
    }
    emit_line(e, "static const %s %s%s_start[%lld] = {", index_type(L->nnz), emit_weights_attr(e), name, (long long)L->N + 1);
    emit_int_rows(e, start, L->N + 1);
    emit_line(e, "};");
    emit_line(e, "static const float %s%s_b[%lld] = {", emit_weights_attr(e), name, (long long)L->N);
    emit_lit_rows(e, n, L->b, L->N);
    emit_line(e, "};");
    emit_blank(e);

    emit_begin_fn(e, n, "", kept(e, L, "loop"));
    emit_line(e, "int r, j, p;");
    emit_blank(e);
    emit_line(e, "for (r = 0; r < %lld; r++) {", (long long)L->rows);
    e->indent++;
    emit_line(e, "const float *xr = x0 + r * %lld;", (long long)L->K);
    emit_line(e, "float *yr = y + r * %lld;", (long long)L->N);
    emit_blank(e);
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)L->N);
    e->indent++;
    emit_line(e, "float s = %s_b[j];", name);
    emit_blank(e);
    emit_line(e, "for (p = %s_start[j]; p < %s_start[j + 1]; p++)", name, name);
    e->indent--;
    if (!e->opt->no_fma) {
        e->used_fma = 1;
        e->indent += 2;
        emit_line(e, "s = TC_FMA(xr[%s_k[p]], %s_v[p], s);", name, name);
        e->indent -= 2;
    e->indent++;
    } else
        emit_line(e, "    s += xr[%s_k[p]] * %s_v[p];", name, name);
    emit_line(e, "yr[j] = %s;", emit_act(e, n, n->act, n->act_alpha, "s"));
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
}

/* A Gemm/MatMul with constant weights, in the strategy chosen for it; 0 if n is not one. */
static int emit_linear(Emit *e, const Node *n)
{
    Linear L;
    if (!linear_layer(e->g, n, &L))
        return 0;
    switch (node_strategy(e->g, n, e->opt->strategy)) {
    case STRAT_UNROLLED:
        if (n->input_major)
            emit_unrolled_by_input(e, n, &L);
        else
            emit_unrolled(e, n, &L);
        break;
    case STRAT_LOOP: emit_loop(e, n, &L); break;
    default: emit_dense(e, n, &L); break;
    }
    return 1;
}

/* Applies the node's fused activation to y[0..count) in place. */
static void emit_fused_act(Emit *e, const Node *n, int64_t count)
{
    if (n->act == OP_COUNT)
        return;
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)count);
    e->indent++;
    emit_line(e, "y[i] = %s;", emit_act(e, n, n->act, n->act_alpha, "y[i]"));
    e->indent--;
}

/* General Gemm: all operands may be run-time tensors. */
void emit_gemm(Emit *e, const Node *n)
{
    const Tensor *a = &e->g->t[n->in[0]], *y = &e->g->t[n->out[0]];
    int ta = (int)attr_int(n, "transA", 0), tb = (int)attr_int(n, "transB", 0);
    int64_t M = y->dims[0], N = y->dims[1], K = ta ? a->dims[0] : a->dims[1];
    int has_c = n->n_in == 3 && n->in[2] != TC_NONE;

    if (emit_linear(e, n))
        return;
    emit_begin_fn(e, n, "", " -- general matrix product");
    emit_line(e, "int m, j, k%s;", n->act != OP_COUNT ? ", i" : "");
    emit_blank(e);
    emit_line(e, "for (m = 0; m < %lld; m++)", (long long)M);
    e->indent++;
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)N);
    e->indent++;
    emit_line(e, "float s = 0.0f;");
    emit_blank(e);
    emit_line(e, "for (k = 0; k < %lld; k++)", (long long)K);
    e->indent++;
    emit_line(e, "s += %s[%s] * %s[%s];", emit_operand(e, n, 0), ta ? arena_printf(e->g->a, "k * %lld + m", (long long)M) : arena_printf(e->g->a, "m * %lld + k", (long long)K),
              emit_operand(e, n, 1), tb ? arena_printf(e->g->a, "j * %lld + k", (long long)K) : arena_printf(e->g->a, "k * %lld + j", (long long)N));
    e->indent -= 3;
    if (has_c) {
        const Tensor *c = &e->g->t[n->in[2]];
        const char *ci = c->rank == 0 ? "0"
                         : c->rank == 1 ? (c->dims[0] == 1 ? "0" : "j")
                         : arena_printf(e->g->a, "%s%s", c->dims[0] == 1 ? "" : arena_printf(e->g->a, "m * %lld", (long long)c->dims[1]),
                                        c->dims[1] == 1 ? (c->dims[0] == 1 ? "0" : "") : (c->dims[0] == 1 ? "j" : " + j"));
        e->indent += 2;
        emit_line(e, "y[m * %lld + j] = %s * s + %s * %s[%s];", (long long)N, emit_lit(e, n, attr_float(n, "alpha", 1.0f)),
                  emit_lit(e, n, attr_float(n, "beta", 1.0f)), emit_operand(e, n, 2), ci);
        e->indent -= 2;
    } else {
        e->indent += 2;
        emit_line(e, "y[m * %lld + j] = %s * s;", (long long)N, emit_lit(e, n, attr_float(n, "alpha", 1.0f)));
        e->indent -= 2;
    }
    e->indent++;
    emit_line(e, "}");
    e->indent--;
    emit_fused_act(e, n, M * N);
    emit_end_fn(e);
}

/* General MatMul with broadcast batch dimensions. */
void emit_matmul(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    int64_t M = a->rank >= 2 ? a->dims[a->rank - 2] : 1, K = a->dims[a->rank - 1];
    int64_t N = b->rank >= 2 ? b->dims[b->rank - 1] : 1, batch = ir_numel(y) / (M * N != 0 ? M * N : 1), bi;
    Buf offs = {0};

    if (emit_linear(e, n))
        return;
    /* batch offsets, computed here: batch index -> start of A and B */
    for (bi = 0; bi < batch; bi++) {
        int64_t o = bi, ia = 0, ib = 0, sa = 1, sb = 1;
        int ba = a->rank > 2 ? a->rank - 2 : 0, bb = b->rank > 2 ? b->rank - 2 : 0;
        int nb = ba > bb ? ba : bb, d;
        for (d = nb - 1; d >= 0; d--) {
            int da = d - (nb - (a->rank - 2)), db = d - (nb - (b->rank - 2));
            int64_t dim = y->dims[d], coord = o % dim;
            o /= dim;
            if (a->rank > 2 && da >= 0) {
                if (a->dims[da] != 1)
                    ia += coord * sa;
                sa *= a->dims[da];
            }
            if (b->rank > 2 && db >= 0) {
                if (b->dims[db] != 1)
                    ib += coord * sb;
                sb *= b->dims[db];
            }
        }
        buf_printf(&offs, "%s{%lld, %lld}", bi ? ", " : "", (long long)(ia * M * K), (long long)(ib * K * N));
    }
    emit_begin_fn(e, n, "", " -- general matrix product");
    emit_line(e, "static const long off[%lld][2] = {%s};", (long long)batch, offs.p);
    emit_line(e, "int q, m, j, k%s;", n->act != OP_COUNT ? ", i" : "");
    emit_blank(e);
    emit_line(e, "for (q = 0; q < %lld; q++)", (long long)batch);
    e->indent++;
    emit_line(e, "for (m = 0; m < %lld; m++)", (long long)M);
    e->indent++;
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)N);
    e->indent++;
    emit_line(e, "float s = 0.0f;");
    emit_blank(e);
    emit_line(e, "for (k = 0; k < %lld; k++)", (long long)K);
    e->indent++;
    emit_line(e, "s += %s[off[q][0] + m * %lld + k] * %s[off[q][1] + k * %lld + j];", emit_operand(e, n, 0),
              (long long)K, emit_operand(e, n, 1), (long long)N);
    e->indent--;
    emit_line(e, "y[(q * %lld + m) * %lld + j] = s;", (long long)M, (long long)N);
    e->indent--;
    emit_line(e, "}");
    e->indent -= 2;
    emit_fused_act(e, n, ir_numel(y));
    emit_end_fn(e);
    buf_free(&offs);
}
