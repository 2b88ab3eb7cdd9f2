/*
 * emit_conv_table.c - the tap-table form of a sparse Conv (a Conv planned
 * STRAT_LOOP on the host: strategy.c takes it where the unrolled form would
 * cost the C compiler too much, compile_cost.c).
 *
 * Why: the unrolled form writes every kept tap as a statement with its
 * weight as a literal; gcc -O2 spends about 0.6 ms on each (ResNet-20 at
 * 10%, 27k taps: 19-24 s of CPU; -ftime-report: 78% in the per-function
 * optimisers, a fifth of it register allocation over straight-line blocks
 * thousands of statements long). Here the code is one short loop nest per
 * layer, whatever its size, and the kept weights are data:
 *   to[t], tw[t]  the kept taps of output channel m, t in [ts[m], ts[m+1]):
 *                 the tap's offset from the window's corner in the input
 *                 (channel, row and column folded into one index) and its weight
 *   y[m][oh][ow] = act(sum over t of x[corner(oh, ow) + to[t]] * tw[t] + b[m])
 * Positions whose window leaves the input read the zero-padded copy that the
 * unrolled form reads (conv_pad), so every position takes the same loop.
 *
 * With GNU C vectors (TC_VECX) a block of P rows (up to 4) by Q vectors
 * (1 or 2) of output positions keeps P * Q accumulators in registers over
 * the channel's taps: per tap one offset and one weight are loaded and P * Q
 * input vectors multiplied into the block, so the loop's overhead is spread
 * over up to 8 multiply-adds. Strided Convs compute every column of their
 * rows (a row buffer) and keep every s-th. Without TC_VECX, or where a row
 * has fewer than 4 columns, the plain loop: the same products in the same
 * order (TC_SFMA, fused where TC_VFMA is), so both forms agree bit for bit.
 */
#include <string.h>

#include "emit.h"

typedef struct {
    Window w;
    int64_t cg, mg;      /* input, output channels per group */
    const float *wt;     /* [m][cg][kh][kw] */
    const float *bias;   /* [m], or NULL */
    int64_t nnz;
    ConvPad pad;         /* pad.c: reads the zero-padded copy */
    int64_t hp, wp;      /* the planes read: the copy's, or the input's */
    int64_t base;        /* offset of the window's corner of position (0, 0) */
} Table;

static void int_table(Emit *e, const char *name, const int64_t *v, int64_t count)
{
    emit_to_consts(e);
    emit_line(e, "static const int %s%s[%lld] = {", emit_weights_attr(e), name, (long long)(count ? count : 1));
    if (count)
        emit_int_rows(e, v, count);
    else
        emit_line(e, "    0");
    emit_line(e, "};");
}

static void float_table(Emit *e, const Node *n, const char *name, const float *v, int64_t count)
{
    emit_to_consts(e);
    emit_line(e, "static const float %s%s[%lld] = {", emit_weights_attr(e), name, (long long)(count ? count : 1));
    if (count)
        emit_lit_rows(e, n, v, count);
    else
        emit_line(e, "    0.0f");
    emit_line(e, "};");
}

/* What the form needs, or 0 where it does not apply (the caller writes the dense form). */
static int table_info(Graph *g, const Node *n, Table *t)
{
    const Tensor *wt = &g->t[n->in[1]];
    int64_t i, h0, h1, w0, w1, total;
    memset(t, 0, sizeof *t);
    if (g->target == TARGET_CORTEX_M || g->quant || !wt->f)
        return 0;
    if (n->n_in >= 3 && n->in[2] != TC_NONE) {
        if (!g->t[n->in[2]].f)
            return 0;
        t->bias = g->t[n->in[2]].f;
    }
    conv_window(g, n, &t->w);
    if (t->w.out[0] < 1 || t->w.out[1] < 1 || t->w.group < 1)
        return 0;
    t->cg = t->w.c / t->w.group;
    t->mg = t->w.m / t->w.group;
    t->wt = wt->f;
    total = ir_numel(wt);
    for (i = 0; i < total; i++)
        t->nnz += wt->f[i] != 0.0f;
    if (!t->nnz)
        return 0;
    conv_interior(&t->w, 0, &h0, &h1);
    conv_interior(&t->w, 1, &w0, &w1);
    if (h0 == 0 && h1 == t->w.out[0] && w0 == 0 && w1 == t->w.out[1]) {
        /* every window inside the input: read it in place */
        t->hp = t->w.in[0];
        t->wp = t->w.in[1];
        t->base = -t->w.pb[0] * t->wp - t->w.pb[1];
        return 1;
    }
    if (!conv_pad(g, n, &t->pad) || n->pad_floats != t->pad.c * t->pad.hp * t->pad.wp)
        return 0;
    t->hp = t->pad.hp;
    t->wp = t->pad.wp;
    t->base = (t->pad.pt - t->w.pb[0]) * t->wp + t->pad.pl - t->w.pb[1];
    return 1;
}

/* The tables: per output channel its kept taps (offset, weight), channel-major. */
static void table_consts(Emit *e, const Node *n, const Table *t, const char *name)
{
    Graph *g = e->g;
    const Window *w = &t->w;
    int64_t *to = arena_array(g->a, (size_t)t->nnz, sizeof *to);
    float *tw = arena_array(g->a, (size_t)t->nnz, sizeof *tw);
    int64_t *ts = arena_array(g->a, (size_t)w->m + 1, sizeof *ts);
    float *tb = arena_array(g->a, (size_t)w->m + 1, sizeof *tb);
    int64_t m, c, kh, kw, k = 0, plane = t->hp * t->wp;
    for (m = 0; m < w->m; m++) {
        int64_t c0 = m / t->mg * t->cg; /* the group's first input channel */
        ts[m] = k;
        tb[m] = t->bias ? t->bias[m] : 0.0f;
        for (c = 0; c < t->cg; c++)
            for (kh = 0; kh < w->k[0]; kh++)
                for (kw = 0; kw < w->k[1]; kw++) {
                    float v = t->wt[((m * t->cg + c) * w->k[0] + kh) * w->k[1] + kw];
                    if (v == 0.0f)
                        continue;
                    to[k] = t->base + (c0 + c) * plane + kh * w->d[0] * t->wp + kw * w->d[1];
                    tw[k++] = v;
                }
    }
    ts[w->m] = k;
    ASSERT(k == t->nnz);
    int_table(e, arena_printf(g->a, "%s_to", name), to, t->nnz);
    float_table(e, n, arena_printf(g->a, "%s_tw", name), tw, t->nnz);
    int_table(e, arena_printf(g->a, "%s_ts", name), ts, w->m + 1);
    float_table(e, n, arena_printf(g->a, "%s_tb", name), tb, w->m);
}

/* "y = act(v)" for the output at C expression y, the value v */
static void store_act(Emit *e, const Node *n, const char *y, const char *v)
{
    emit_line(e, "%s = %s;", y, n->act != OP_COUNT ? emit_act(e, n, n->act, n->act_alpha, v) : v);
}

/*
 * The vector loops over one output channel m: blocks of P rows by Q vectors
 * of tc_vw columns, the last block of each moved back to end at the edge
 * (recomputing a few outputs, with the same values). OWc: the columns
 * computed (every column of a strided row, then every s-th kept).
 */
static void table_vec(Emit *e, const Node *n, const Table *t, int64_t P, int64_t Q, int64_t OWc)
{
    Arena *a = e->g->a;
    const Window *w = &t->w;
    int64_t OH = w->out[0], OW = w->out[1], RS = w->s[0] * t->wp, sw = w->s[1];
    int64_t i, j;
    int relu = n->act == OP_RELU;
    Buf accs = {0};
    for (i = 0; i < P; i++)
        for (j = 0; j < Q; j++)
            buf_printf(&accs, "%sa%lld%lld = {0}", i || j ? ", " : "", (long long)i, (long long)j);

    emit_line(e, "for (oh = 0; oh < %lld; oh += %lld) {", (long long)OH, (long long)P);
    e->indent++;
    if (OH % P) {
        emit_line(e, "if (oh > %lld)", (long long)(OH - P));
        emit_line(e, "    oh = %lld;", (long long)(OH - P));
    }
    emit_line(e, "for (ow = 0; ow < %lld; ow += %lld * tc_vw) {", (long long)OWc, (long long)Q);
    e->indent++;
    emit_line(e, "const float *r;");
    emit_line(e, "tc_v %s;", accs.p);
    emit_blank(e);
    emit_line(e, "if (ow > %lld - %lld * tc_vw)", (long long)OWc, (long long)Q);
    emit_line(e, "    ow = %lld - %lld * tc_vw;", (long long)OWc, (long long)Q);
    emit_line(e, "r = x + oh * %lld + ow;", (long long)RS);
    emit_line(e, "for (t = ts[m]; t < t1; t++) {");
    e->indent++;
    emit_line(e, "const float *q = r + to[t];");
    emit_line(e, "const tc_v v = (tc_v){0} + tw[t];");
    emit_blank(e);
    for (i = 0; i < P; i++)
        for (j = 0; j < Q; j++) {
            const char *q = i == 0 && j == 0 ? "q" : i == 0 ? "q + tc_vw"
                          : j == 0 ? arena_printf(a, "q + %lld", (long long)(i * RS))
                                   : arena_printf(a, "q + %lld + tc_vw", (long long)(i * RS));
            emit_line(e, "a%lld%lld = tc_vfma(*(const tc_vu *)(%s), v, a%lld%lld);", (long long)i, (long long)j, q, (long long)i,
                      (long long)j);
        }
    e->indent--;
    emit_line(e, "}");
    for (i = 0; i < P; i++)
        for (j = 0; j < Q; j++) {
            const char *col = j ? "ow + tc_vw" : "ow";
            if (sw != 1) {
                /* every column into the row buffer; bias and activation when they are picked */
                emit_line(e, "*(tc_vu *)(rb + %lld + %s) = a%lld%lld;", (long long)(i * OWc), col, (long long)i, (long long)j);
                continue;
            }
            emit_line(e, "a%lld%lld = a%lld%lld + b;", (long long)i, (long long)j, (long long)i, (long long)j);
            if (relu)
                emit_line(e, "a%lld%lld = (tc_v)((tc_vm)a%lld%lld & ~(tc_vm)(a%lld%lld < (tc_v){0}));", (long long)i, (long long)j,
                          (long long)i, (long long)j, (long long)i, (long long)j);
            emit_line(e, "*(tc_vu *)(ym + (oh + %lld) * %lld + %s) = a%lld%lld;", (long long)i, (long long)OW, col, (long long)i,
                      (long long)j);
            if (!relu && n->act != OP_COUNT) {
                const char *yi = arena_printf(a, "ym[(oh + %lld) * %lld + %s + i]", (long long)i, (long long)OW, col);
                emit_line(e, "for (i = 0; i < tc_vw; i++)");
                e->indent++;
                emit_line(e, "%s = %s;", yi, emit_act(e, n, n->act, n->act_alpha, yi));
                e->indent--;
            }
        }
    e->indent--;
    emit_line(e, "}");
    if (sw != 1) {
        emit_line(e, "for (i = 0; i < %lld; i++)", (long long)P);
        emit_line(e, "    for (ow = 0; ow < %lld; ow++)", (long long)OW);
        e->indent += 2;
        store_act(e, n, arena_printf(a, "ym[(oh + i) * %lld + ow]", (long long)OW),
                  arena_printf(a, "(rb[i * %lld + ow * %lld] + b)", (long long)OWc, (long long)sw));
        e->indent -= 2;
    }
    e->indent--;
    emit_line(e, "}");
    buf_free(&accs);
}

/* The plain loop over one output channel m: a position at a time, its taps in table order. */
static void table_plain(Emit *e, const Node *n, const Table *t)
{
    const Window *w = &t->w;
    int64_t OH = w->out[0], OW = w->out[1];
    emit_line(e, "for (oh = 0; oh < %lld; oh++)", (long long)OH);
    emit_line(e, "    for (ow = 0; ow < %lld; ow++) {", (long long)OW);
    e->indent += 2;
    emit_line(e, "const float *r = x + oh * %lld + ow%s;", (long long)(w->s[0] * t->wp),
              w->s[1] != 1 ? arena_printf(e->g->a, " * %lld", (long long)w->s[1]) : "");
    emit_line(e, "float s = 0.0f;");
    emit_blank(e);
    emit_line(e, "for (t = ts[m]; t < t1; t++)");
    emit_line(e, "    s = TC_SFMA(r[to[t]], tw[t], s);");
    store_act(e, n, arena_printf(e->g->a, "ym[oh * %lld + ow]", (long long)OW), "(s + b)");
    e->indent--;
    emit_line(e, "}");
    e->indent--;
}

/* The kernel over one batch item: x the planes read (the padded copy or the input), y its output. */
static void table_kernel(Emit *e, const Node *n, const Table *t, const char *name)
{
    const Window *w = &t->w;
    int64_t OH = w->out[0], OW = w->out[1], OWc = (OW - 1) * w->s[1] + 1;
    int64_t P = OH < 4 ? OH : 4, Q = OWc >= 8 ? 2 : 1;
    int vec = OWc >= 4;
    emit_to_fns(e);
    e->indent = 0;
    emit_line(e, "/* node %d: %s '%s', %lld output channels over their tap tables */", n->index, op_name(n->op),
              text_comment(e->g->a, n->name), (long long)w->m);
    emit_line(e, "static TC_NOLIB TC_EXACT void %s_t(const float *x, float *y)", name);
    emit_line(e, "{");
    e->indent = 1;
    emit_line(e, "TC_EXACT_BODY");
    emit_line(e, "const int *to = %s_to, *ts = %s_ts;", name, name);
    emit_line(e, "const float *tw = %s_tw;", name);
    emit_line(e, "int m, oh, ow, t;");
    if (vec) {
        e->used_vecx = 1;
        emit_line(e, "#if TC_VECX");
        /* the widest vector of the target that Q of fit in a computed row */
        emit_line(e, "#if %lld * TC_VWX <= %lld", (long long)Q, (long long)OWc);
        emit_line(e, "#define tc_vw TC_VWX");
        emit_line(e, "#elif %lld * TC_VWH <= %lld", (long long)Q, (long long)OWc);
        emit_line(e, "#define tc_vw TC_VWH");
        emit_line(e, "#else");
        emit_line(e, "#define tc_vw 4");
        emit_line(e, "#endif");
        emit_line(e, "#if TC_XFMA");
        emit_line(e, "#define tc_vfma(a, b, c) TC_CAT(TC_VFMA, tc_vw)(a, b, c)");
        emit_line(e, "#else");
        emit_line(e, "#define tc_vfma(a, b, c) ((c) + (a) * (b))");
        emit_line(e, "#endif");
        emit_line(e, "typedef float tc_v __attribute__((vector_size(tc_vw * 4)));");
        emit_line(e, "typedef float tc_vu __attribute__((vector_size(tc_vw * 4), aligned(4), may_alias));");
        if (n->act == OP_RELU && w->s[1] == 1)
            emit_line(e, "typedef int tc_vm __attribute__((vector_size(tc_vw * 4)));");
        if (w->s[1] != 1 || (n->act != OP_COUNT && n->act != OP_RELU))
            emit_line(e, "int i;");
        if (w->s[1] != 1)
            emit_line(e, "float rb[%lld];", (long long)(P * OWc));
        emit_line(e, "#endif");
    }
    emit_blank(e);
    emit_line(e, "for (m = 0; m < %lld; m++) {", (long long)w->m);
    e->indent++;
    emit_line(e, "const int t1 = ts[m + 1];");
    emit_line(e, "const float b = %s_tb[m];", name);
    emit_line(e, "float *ym = y + m * %lld;", (long long)(OH * OW));
    emit_blank(e);
    if (vec) {
        emit_line(e, "#if TC_VECX");
        table_vec(e, n, t, P, Q, OWc);
        emit_line(e, "#else");
    }
    table_plain(e, n, t);
    if (vec)
        emit_line(e, "#endif");
    e->indent--;
    emit_line(e, "}");
    if (vec) {
        emit_line(e, "#if TC_VECX");
        emit_line(e, "#undef tc_vw");
        emit_line(e, "#undef tc_vfma");
        emit_line(e, "#endif");
    }
    e->indent = 0;
    emit_line(e, "}");
    emit_blank(e);
}

/* The node function: per batch item, the zero-padded copy where there is one, then the kernel. */
static void table_node_fn(Emit *e, const Node *n, const Table *t, const char *name)
{
    const Window *w = &t->w;
    const ConvPad *pd = &t->pad;
    const char *x = emit_operand(e, n, 0);
    int64_t H = w->in[0], W = w->in[1], xs = w->c * H * W, ys = w->m * w->out[0] * w->out[1];
    emit_begin_fn(e, n, "", arena_printf(e->g->a, " -- %s of %s weights kept, tap tables%s", text_num(e->g->a, t->nnz),
                                         text_num(e->g->a, w->m * t->cg * w->k[0] * w->k[1]),
                                         pd->c ? ", over a zero-padded copy" : ""));
    if (!pd->c) {
        emit_line(e, "int b;");
        emit_blank(e);
        emit_line(e, "for (b = 0; b < %lld; b++)", (long long)w->batch);
        emit_line(e, "    %s_t(%s + b * %lld, y + b * %lld);", name, x, (long long)xs, (long long)ys);
        emit_end_fn(e);
        return;
    }
    emit_line(e, "int b, c, h, i;");
    emit_blank(e);
    emit_line(e, "/* the whole copy zeroed, then the input copied into it */");
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)(pd->c * pd->hp * pd->wp));
    emit_line(e, "    pad[i] = 0.0f;");
    emit_line(e, "for (b = 0; b < %lld; b++) {", (long long)w->batch);
    e->indent++;
    emit_line(e, "/* the input into %lld x %lld x %lld zeros, at row %lld, column %lld */", (long long)pd->c, (long long)pd->hp,
              (long long)pd->wp, (long long)pd->pt, (long long)pd->pl);
    emit_line(e, "for (c = 0; c < %lld; c++)", (long long)pd->c);
    emit_line(e, "    for (h = 0; h < %lld; h++)", (long long)H);
    emit_line(e, "        for (i = 0; i < %lld; i++)", (long long)W);
    emit_line(e, "            pad[(c * %lld + %lld + h) * %lld + %lld + i] = %s[b * %lld + (c * %lld + h) * %lld + i];", (long long)pd->hp,
              (long long)pd->pt, (long long)pd->wp, (long long)pd->pl, x, (long long)xs, (long long)H, (long long)W);
    emit_line(e, "%s_t(pad, y + b * %lld);", name, (long long)ys);
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
}

int emit_conv_table(Emit *e, const Node *n)
{
    Table t;
    const char *name;
    if (!table_info(e->g, n, &t))
        return 0;
    name = emit_fn_name(e, n);
    table_consts(e, n, &t, name);
    table_kernel(e, n, &t, name);
    table_node_fn(e, n, &t, name);
    return 1;
}
