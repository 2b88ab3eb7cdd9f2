/*
 * emit_conv.c - the C back end of the spatial ops: Conv, ConvTranspose,
 * the pools, the normalizations, Pad, Resize/Upsample, DepthToSpace and
 * SpaceToDepth. Writes through emit_frame.c (emit.h).
 *
 * A Conv with constant weights is emitted like a linear layer: either
 * unrolled (per output channel, a straight-line sum over its nonzero taps
 * with the weights as literals, inside loops over the output positions
 * with no bounds checks; where some windows leave the input, the loops read
 * a zero-padded copy of it, so that border positions take the same code and
 * every weight is written once) or
 * dense (loops over the weight table, one tap at a time over all the
 * output positions it reaches, which compilers vectorise).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

static const char *fmt(Emit *e, const char *f, ...) TC_PRINTF(2, 3);
static const char *fmt(Emit *e, const char *f, ...)
{
    Buf b = {0};
    va_list ap;
    char *s;
    va_start(ap, f);
    buf_vprintf(&b, f, ap);
    va_end(ap);
    s = arena_strdup(e->g->a, b.p ? b.p : "");
    buf_free(&b);
    return s;
}

/* A static const int table, written once with the constants. */
static void int_table(Emit *e, const char *name, const int64_t *v, int64_t count)
{
    int64_t i;
    emit_to_consts(e);
    emit_line(e, "static const int %s%s[%lld] = {", emit_weights_attr(e), name, (long long)(count ? count : 1));
    for (i = 0; i < count; i += 16) {
        Buf row = {0};
        int64_t j;
        for (j = i; j < count && j < i + 16; j++)
            buf_printf(&row, "%s%lld,", j > i ? " " : "", (long long)v[j]);
        e->indent++;
        emit_line(e, "%s", row.p);
        e->indent--;
        buf_free(&row);
    }
    if (!count)
        emit_line(e, "    0");
    emit_line(e, "};");
}

static void float_table(Emit *e, const Node *n, const char *name, const float *v, int64_t count)
{
    int64_t i;
    emit_to_consts(e);
    emit_line(e, "static const float %s%s[%lld] = {", emit_weights_attr(e), name, (long long)(count ? count : 1));
    for (i = 0; i < count; i += 8) {
        Buf row = {0};
        int64_t j;
        for (j = i; j < count && j < i + 8; j++)
            buf_printf(&row, "%s%s,", j > i ? " " : "", emit_lit(e, n, v[j]));
        e->indent++;
        emit_line(e, "%s", row.p);
        e->indent--;
        buf_free(&row);
    }
    if (!count)
        emit_line(e, "    0.0f");
    emit_line(e, "};");
}

/* "o * s - p + k * d", the input coordinate of tap k at output o, without the trivial parts. */
static const char *win(Emit *e, const char *o, int64_t st, int64_t p, const char *k, int64_t d)
{
    const char *a = st == 1 ? o : fmt(e, "%s * %lld", o, (long long)st);
    const char *b = d == 1 ? k : fmt(e, "%s * %lld", k, (long long)d);
    return p ? fmt(e, "%s - %lld + %s", a, (long long)p, b) : fmt(e, "%s + %s", a, b);
}

/* ---- Conv ---- */

typedef struct {
    Window w;
    int64_t cg, mg;    /* input channels per group, output channels per group */
    const float *wt;   /* [m][cg][kh][kw], or NULL: run-time weights */
    int has_bias;
    const float *bias; /* [m] when constant, else NULL */
    int64_t nnz, total;
    /* with pad.c set, the unrolled forms read the zero-padded copy (conv_pad):
     * w is then its window (input hp x wp, no padding), xw the input's */
    ConvPad pad;
    Window xw;
} ConvInfo;

static void conv_info(Graph *g, const Node *n, ConvInfo *ci)
{
    const Tensor *wt = &g->t[n->in[1]];
    int64_t i;
    memset(ci, 0, sizeof *ci);
    conv_window(g, n, &ci->w);
    ci->cg = ci->w.c / ci->w.group;
    ci->mg = ci->w.m / ci->w.group;
    ci->total = ir_numel(wt);
    ci->wt = wt->f;
    if (wt->f)
        for (i = 0; i < ci->total; i++) {
            if (wt->f[i] != wt->f[i] || wt->f[i] - wt->f[i] != 0.0f)
                node_error(g, n, "weight holds NaN or infinity (at flat index %lld)", (long long)i);
            ci->nnz += wt->f[i] != 0.0f;
        }
    ci->has_bias = n->n_in >= 3 && n->in[2] != TC_NONE;
    if (ci->has_bias)
        ci->bias = g->t[n->in[2]].f;
}

static int64_t widx(const ConvInfo *ci, int64_t m, int64_t c, int64_t kh, int64_t kw)
{
    return ((m * ci->cg + c) * ci->w.k[0] + kh) * ci->w.k[1] + kw;
}

/*
 * Unrolled: for channel m and every interior position,
 *   y = b[m] + sum over nonzero W[m][c][kh][kw] of p[c*H*W + kh*dh*W + kw*dw] * W
 * with p = x + (oh*sh - pt)*W + ow*sw - pl the window's corner (in bounds:
 * with border positions x is the zero-padded copy, pt = pl = 0, and every
 * position is interior; a tap on padding adds w * 0, which changes at most
 * the sign of a zero sum).
 */
/*
 * In the plain loop, p is opaque to the compiler (TC_BASE) and taps from 256
 * floats on are read through one window q = p + 256, p + 512, ..., moved as
 * the offsets grow: a Cortex-M load reaches 1020 bytes past its base, and
 * otherwise gcc builds (and spills) a base address for nearly every tap.
 *
 * The interior sum of output channel m at position ow: p, then one term per
 * nonzero tap (vec: p[off] as TC_VW consecutive floats), dealt round-robin
 * to P partial sums s0..s3 so that the additions do not wait on each other
 * (one chain of 92 dependent vector adds made conv2 of the example ticket
 * latency-bound), then s = ((s0 + s1) + (s2 + s3)) + b. The vector and the
 * plain loop print the same terms in the same order: the same results.
 */
static void conv_taps(Emit *e, const Node *n, const ConvInfo *ci, int64_t m, int64_t c0, int64_t W, int64_t plane,
                      const char *wname, int rank1d, int vec, int P, float b)
{
    const Window *w = &ci->w;
    int64_t c, kh, kw, t = 0, win = 0, base = c0 * plane - w->pb[0] * W - w->pb[1];
    const char *sum;
    emit_line(e, "p = x + (oh * %lld + ow * %lld %c %lld);", (long long)(w->s[0] * W), (long long)w->s[1], base < 0 ? '-' : '+',
              (long long)llabs(base));
    if (!vec)
        emit_line(e, "TC_BASE(p);");
    for (c = 0; c < ci->cg; c++)
        for (kh = 0; kh < w->k[0]; kh++)
            for (kw = 0; kw < w->k[1]; kw++) {
                float v = ci->wt[widx(ci, m, c, kh, kw)];
                int64_t off = c * plane + kh * w->d[0] * W + kw * w->d[1];
                const char *note = "", *op = t < P ? "=" : "+=";
                int s = (int)(t % P);
                if (v == 0.0f)
                    continue;
                if (e->opt->annotate)
                    note = rank1d ? fmt(e, " /* %s[%lld][%lld][%lld] */", wname, (long long)m, (long long)c,
                                        (long long)kw)
                                  : fmt(e, " /* %s[%lld][%lld][%lld][%lld] */", wname, (long long)m, (long long)c,
                                        (long long)kh, (long long)kw);
                if (vec)
                    emit_line(e, "s%d %s *(const tc_vfu *)(p + %lld) * %s;%s", s, op, (long long)off, emit_lit(e, n, v), note);
                else if (off < 256)
                    emit_line(e, "s%d %s p[%lld] * %s;%s", s, op, (long long)off, emit_lit(e, n, v), note);
                else {
                    if (off / 256 != win) {
                        emit_line(e, "%sq = p + %lld;", win ? "" : "const float *", (long long)(off / 256 * 256));
                        win = off / 256;
                        emit_line(e, "TC_BASE(q);");
                    }
                    emit_line(e, "s%d %s q[%lld] * %s;%s", s, op, (long long)(off % 256), emit_lit(e, n, v), note);
                }
                t++;
            }
    sum = emit_partials_sum(t, P);
    if (b == 0.0f)
        emit_line(e, "s = %s;", sum);
    else
        emit_line(e, "s = %s%s%s + %s;", t > 1 ? "(" : "", sum, t > 1 ? ")" : "", emit_lit(e, n, b));
}

/* "s, s0, s1": the sum and the partial sums of a channel with cnt taps */
static const char *conv_sums(int64_t cnt, int P)
{
    static const char *const decl[] = {"s, s0", "s, s0, s1", "s, s0, s1, s2", "s, s0, s1, s2, s3"};
    return decl[(cnt < P ? cnt : P) - 1];
}

/*
 * The node function of the unrolled forms: per batch item, with padding the
 * zero-padded copy first (pad: the node's scratch block of the arena, placed
 * by plan_memory; C planes of hp x wp, the input at row pt, column pl), then
 * the parts <fn>_p0, <fn>_p1, ... over it or over the input itself.
 */
/* r[from..to) = 0 */
static void conv_zeros(Emit *e, int64_t from, int64_t to)
{
    if (to - from == 1) {
        emit_line(e, "r[%lld] = 0.0f;", (long long)from);
        return;
    }
    emit_line(e, "for (i = %lld; i < %lld; i++)", (long long)from, (long long)to);
    emit_line(e, "    r[i] = 0.0f;");
}

static void conv_node_fn(Emit *e, const Node *n, const ConvInfo *ci, int parts)
{
    const Window *w = &ci->w, *xw = &ci->xw;
    const ConvPad *pd = &ci->pad;
    const char *name = emit_fn_name(e, n), *x = emit_operand(e, n, 0);
    int64_t H = xw->in[0], W = xw->in[1], below = pd->hp - pd->pt - H, right = pd->wp - pd->pl - W;
    int i;
    emit_begin_fn(e, n, "", fmt(e, " -- %s of %s weights kept, unrolled%s", text_num(e->g->a, ci->nnz), text_num(e->g->a, ci->total),
                                pd->c ? ", over a zero-padded copy" : ""));
    if (!pd->c) {
        emit_line(e, "int b;");
        emit_blank(e);
        emit_line(e, "for (b = 0; b < %lld; b++) {", (long long)w->batch);
        for (i = 0; i < parts; i++)
            emit_line(e, "    %s_p%d(%s + b * %lld, y + b * %lld);", name, i, x, (long long)(w->c * w->in[0] * w->in[1]),
                      (long long)(w->m * w->out[0] * w->out[1]));
        emit_line(e, "}");
        emit_end_fn(e);
        return;
    }
    ASSERT(n->pad_floats == pd->c * pd->hp * pd->wp && n->pad_offset >= 0);
    emit_line(e, "int b, c, h, i;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++) {", (long long)w->batch);
    e->indent++;
    emit_line(e, "/* the input into %lld x %lld x %lld zeros, at row %lld, column %lld */", (long long)pd->c, (long long)pd->hp,
              (long long)pd->wp, (long long)pd->pt, (long long)pd->pl);
    emit_line(e, "for (c = 0; c < %lld; c++) {", (long long)pd->c);
    e->indent++;
    emit_line(e, "const float *s = %s + (b * %lld + c) * %lld;", x, (long long)pd->c, (long long)(H * W));
    emit_line(e, "float *r = pad + c * %lld;", (long long)(pd->hp * pd->wp));
    emit_blank(e);
    if (pd->pt) {
        conv_zeros(e, 0, pd->pt * pd->wp);
        emit_line(e, "r += %lld;", (long long)(pd->pt * pd->wp));
    }
    emit_line(e, "for (h = 0; h < %lld; h++, r += %lld, s += %lld) {", (long long)H, (long long)pd->wp, (long long)W);
    e->indent++;
    if (pd->pl)
        conv_zeros(e, 0, pd->pl);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)W);
    emit_line(e, pd->pl ? "    r[%lld + i] = s[i];" : "    r[i] = s[i];", (long long)pd->pl);
    if (right > 0)
        conv_zeros(e, pd->pl + W, pd->wp);
    e->indent--;
    emit_line(e, "}");
    if (below > 0)
        conv_zeros(e, 0, below * pd->wp);
    e->indent--;
    emit_line(e, "}");
    for (i = 0; i < parts; i++)
        emit_line(e, "%s_p%d(pad, y + b * %lld);", name, i, (long long)(w->m * w->out[0] * w->out[1]));
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
}

static void emit_conv_unrolled(Emit *e, const Node *n, const ConvInfo *ci)
{
    Graph *g = e->g;
    const Window *w = &ci->w;
    const char *name = emit_fn_name(e, n);
    int64_t h0, h1, w0, w1, m, c, kh, kw, H = w->in[0], W = w->in[1], OH = w->out[0], OW = w->out[1];
    int64_t plane = H * W;
    int part = 0, max_terms = e->opt->max_terms, P = e->opt->partial_sums;
    /* --annotate names the weight tensor's own entries: [m][c][kh][kw], or [m][c][k] for Conv 1-D */
    const char *wname = text_comment(e->g->a, g->t[n->in[1]].name);
    int rank1d = g->t[n->in[1]].rank == 3;

    if (P < 1 || P > 4)
        P = 4;
    conv_interior(w, 0, &h0, &h1);
    conv_interior(w, 1, &w0, &w1);
    /* x is the padded copy where the input has border positions: all are interior */
    ASSERT(ci->nnz == 0 || (h0 == 0 && h1 == OH && w0 == 0 && w1 == OW));

    /* channels grouped into functions of about max_terms taps */
    m = 0;
    while (m < w->m) {
        int64_t m0 = m, terms = 0;
        Buf body = {0};
        (void)body;
        emit_to_fns(e);
        emit_line(e, "/* node %d: %s '%s', output channels from %lld */", n->index, op_name(n->op), text_comment(e->g->a, n->name),
                  (long long)m0);
        emit_line(e, "static TC_NOLIB void %s_p%d(const float *x, float *y)", name, part);
        emit_line(e, "{");
        e->indent++;
        emit_line(e, "int oh, ow;");
        if (n->act != OP_COUNT && n->act != OP_RELU && w->s[1] == 1 && w1 - w0 >= 8 && h0 < h1) {
            emit_line(e, "#if TC_VEC");
            emit_line(e, "int i;");
            emit_line(e, "(void)i;");
            emit_line(e, "#endif");
        }
        do {
            int64_t cnt = 0, c0 = m / ci->mg * ci->cg;
            float b = ci->bias ? ci->bias[m] : 0.0f;
            for (c = 0; c < ci->cg; c++)
                for (kh = 0; kh < w->k[0]; kh++)
                    for (kw = 0; kw < w->k[1]; kw++)
                        cnt += ci->wt[widx(ci, m, c, kh, kw)] != 0.0f;
            emit_blank(e);
            if (m > m0)
                emit_line(e, "TC_BARRIER();");
            if (cnt == 0) {
                float v = n->act != OP_COUNT ? interp_act(n->act, n->act_alpha, b) : b;
                emit_line(e, "/* channel %lld: no weights kept */", (long long)m);
                emit_line(e, "for (ow = 0; ow < %lld; ow++)", (long long)(OH * OW));
                e->indent++;
                emit_line(e, "y[%lld + ow] = %s;", (long long)(m * OH * OW), emit_lit(e, n, v));
                e->indent--;
                emit_line(e, "(void)oh;");
                emit_line(e, "(void)x;");
                m++;
                continue;
            }
            emit_line(e, "/* channel %lld: %lld of %lld weights */", (long long)m, (long long)cnt,
                      (long long)(ci->cg * w->k[0] * w->k[1]));
            emit_line(e, "for (oh = 0; oh < %lld; oh++) {", (long long)OH);
            e->indent++;
            emit_line(e, "float *yr = y + %lld + oh * %lld;", (long long)(m * OH * OW), (long long)OW);
            emit_blank(e);
            if (h0 < h1 && w0 < w1) {
                /*
                 * With unit stride along the row and at least 8 interior
                 * positions, targets with a vector unit (TC_VEC) compute
                 * TC_VW positions at once: the same products and sums in the
                 * same order per position, so the same results. The last
                 * block is moved back to end at w1 (it recomputes a few
                 * positions) instead of a scalar tail.
                 */
                int vec = w->s[1] == 1 && w1 - w0 >= 8;
                if (vec) {
                    e->used_vec = 1;
                    emit_line(e, "#if TC_VEC");
                    emit_line(e, "for (ow = %lld; ow < %lld; ow += TC_VW) {", (long long)w0, (long long)w1);
                    e->indent++;
                    emit_line(e, "const float *p;");
                    emit_line(e, "tc_vf %s;", conv_sums(cnt, P));
                    emit_blank(e);
                    emit_line(e, "if (ow > %lld - TC_VW)", (long long)w1);
                    e->indent++;
                    emit_line(e, "ow = %lld - TC_VW;", (long long)w1);
                    e->indent--;
                    conv_taps(e, n, ci, m, c0, W, plane, wname, rank1d, 1, P, b);
                    if (n->act == OP_RELU) {
                        /* s < 0 ? 0 : s on every lane, by its mask: keeps -0 and NaN as the plain loop does */
                        emit_line(e, "s = (tc_vf)((tc_vi)s & ~(tc_vi)(s < (tc_vf){0}));");
                        emit_line(e, "*(tc_vfu *)(yr + ow) = s;");
                    } else {
                        emit_line(e, "*(tc_vfu *)(yr + ow) = s;");
                        if (n->act != OP_COUNT) {
                            emit_line(e, "for (i = 0; i < TC_VW; i++)");
                            e->indent++;
                            emit_line(e, "yr[ow + i] = %s;", emit_act(e, n, n->act, n->act_alpha, "yr[ow + i]"));
                            e->indent--;
                        }
                    }
                    e->indent--;
                    emit_line(e, "}");
                    emit_line(e, "#else");
                }
                emit_line(e, "for (ow = %lld; ow < %lld; ow++) {", (long long)w0, (long long)w1);
                e->indent++;
                emit_line(e, "const float *p;");
                emit_line(e, "float %s;", conv_sums(cnt, P));
                emit_blank(e);
                conv_taps(e, n, ci, m, c0, W, plane, wname, rank1d, 0, P, b);
                emit_line(e, "yr[ow] = %s;", emit_act(e, n, n->act, n->act_alpha, "s"));
                e->indent--;
                emit_line(e, "}");
                if (vec)
                    emit_line(e, "#endif");
            }
            e->indent--;
            emit_line(e, "}");
            terms += cnt;
            m++;
        } while (m < w->m && terms < max_terms);
        e->indent--;
        emit_line(e, "}");
        emit_blank(e);
        part++;
    }

    conv_node_fn(e, n, ci, part);
}

/*
 * Register-blocked unrolled Conv (host targets): output channels in blocks
 * of up to CONV_MB (within a group); for one block of output positions
 * (TC_VWX consecutive ones in a row, or one in the plain loop) every tap
 * (c, kh, kw) that some channel of the block keeps is loaded once, into v,
 * and multiplied into the accumulator a<j> of each such channel:
 *   a<j> = v * w (its first tap), a<j> += v * w (the others), y = a<j> + b.
 * The vector and the plain loop print the same terms in the same order per
 * output: the same results. One load per tap of the block instead of one
 * per kept weight, and CONV_MB independent sums (no partial sums needed).
 * Border positions read the zero-padded copy as in the per-channel form.
 */
enum { CONV_MB = 8 };

/* A run of channels [m0, m0 + nb) of one group and its kept channels ms[0..nk). */
typedef struct {
    int64_t m0, nb, nk, terms;
    int64_t ms[CONV_MB];
} ConvBlock;

static void conv_block_terms(Emit *e, const Node *n, const ConvInfo *ci, const ConvBlock *bk, int64_t W, int64_t plane, int vec,
                             const char *wname, int rank1d)
{
    const Window *w = &ci->w;
    int64_t c, kh, kw, j;
    char first[CONV_MB];
    memset(first, 1, sizeof first);
    for (c = 0; c < ci->cg; c++)
        for (kh = 0; kh < w->k[0]; kh++)
            for (kw = 0; kw < w->k[1]; kw++) {
                int64_t off = c * plane + kh * w->d[0] * W + kw * w->d[1];
                int any = 0;
                for (j = 0; j < bk->nk; j++)
                    any |= ci->wt[widx(ci, bk->ms[j], c, kh, kw)] != 0.0f;
                if (!any)
                    continue;
                if (vec)
                    emit_line(e, "v = *(const tc_vu *)(p + %lld);", (long long)off);
                else
                    emit_line(e, "v = p[%lld];", (long long)off);
                for (j = 0; j < bk->nk; j++) {
                    int64_t m = bk->ms[j];
                    float wv = ci->wt[widx(ci, m, c, kh, kw)];
                    const char *note = "";
                    if (wv == 0.0f)
                        continue;
                    if (e->opt->annotate)
                        note = rank1d ? fmt(e, " /* %s[%lld][%lld][%lld] */", wname, (long long)m, (long long)c, (long long)kw)
                                      : fmt(e, " /* %s[%lld][%lld][%lld][%lld] */", wname, (long long)m, (long long)c,
                                            (long long)kh, (long long)kw);
                    if (first[j])
                        emit_line(e, "a%lld = v * %s;%s", (long long)j, emit_lit(e, n, wv), note);
                    else if (e->opt->no_fma) /* --no-fma: a multiply and an add, as TC_FMA there */
                        emit_line(e, "a%lld = a%lld + v * %s;%s", (long long)j, (long long)j, emit_lit(e, n, wv), note);
                    else
                        emit_line(e, "a%lld = %s(v, %s, a%lld);%s", (long long)j, vec ? "tc_vfma" : "TC_SFMA", emit_lit(e, n, wv),
                                  (long long)j, note);
                    first[j] = 0;
                }
            }
}

/* "a0, a1, a2": the accumulators of a block with nk kept channels */
static const char *conv_accs(Emit *e, int64_t nk)
{
    Buf b = {0};
    const char *s;
    int64_t j;
    for (j = 0; j < nk; j++)
        buf_printf(&b, "%sa%lld", j ? ", " : "", (long long)j);
    s = arena_strdup(e->g->a, b.p);
    buf_free(&b);
    return s;
}

static void emit_conv_blocked(Emit *e, const Node *n, const ConvInfo *ci)
{
    Graph *g = e->g;
    const Window *w = &ci->w;
    const char *name = emit_fn_name(e, n);
    int64_t h0, h1, w0, w1, m, c, kh, kw, j, W = w->in[0 + 1], OH = w->out[0], OW = w->out[1];
    int64_t plane = w->in[0] * W, nblk = 0, bi, R;
    int part = 0, vec, relu = n->act == OP_RELU;
    int64_t max_terms = e->opt->max_terms;
    const char *wname = text_comment(e->g->a, g->t[n->in[1]].name);
    int rank1d = g->t[n->in[1]].rank == 3;
    ConvBlock *blk = arena_array(g->a, (size_t)w->m + 1, sizeof(ConvBlock));

    conv_interior(w, 0, &h0, &h1);
    conv_interior(w, 1, &w0, &w1);
    /* x is the padded copy where the input has border positions: all are interior */
    ASSERT(ci->nnz == 0 || (h0 == 0 && h1 == OH && w0 == 0 && w1 == OW));
    R = w1 - w0;
    vec = w->s[1] == 1 && R >= 4 && h0 < h1;

    /* the blocks: CONV_MB channels at a time, not across groups */
    for (m = 0; m < w->m; nblk++) {
        ConvBlock *bk = &blk[nblk];
        int64_t end = m + CONV_MB, gend = (m / ci->mg + 1) * ci->mg;
        if (end > gend)
            end = gend;
        bk->m0 = m;
        bk->nb = end - m;
        for (; m < end; m++) {
            int64_t cnt = 0;
            for (c = 0; c < ci->cg; c++)
                for (kh = 0; kh < w->k[0]; kh++)
                    for (kw = 0; kw < w->k[1]; kw++)
                        cnt += ci->wt[widx(ci, m, c, kh, kw)] != 0.0f;
            if (cnt)
                bk->ms[bk->nk++] = m;
            bk->terms += cnt;
        }
    }

    /* blocks grouped into functions of about max_terms taps */
    for (bi = 0; bi < nblk;) {
        int64_t b0 = bi, b1, terms = 0, kept = 0;
        for (b1 = bi; b1 < nblk && (b1 == bi || terms < max_terms); b1++) {
            terms += blk[b1].terms;
            kept += blk[b1].nk;
        }
        emit_to_fns(e);
        emit_line(e, "/* node %d: %s '%s', output channels from %lld */", n->index, op_name(n->op), text_comment(e->g->a, n->name),
                  (long long)blk[b0].m0);
        emit_line(e, "static TC_NOLIB%s void %s_p%d(const float *x, float *y)", vec && kept ? " TC_EXACT" : "", name, part);
        emit_line(e, "{");
        e->indent++;
        if (vec && kept)
            emit_line(e, "TC_EXACT_BODY");
        emit_line(e, "int oh, ow;");
        if (kept)
            e->used_vecx = 1; /* TC_SFMA */
        if (vec && kept) {
            /* the widest of the target's 16, 8 or 4 lanes that fits the row */
            emit_line(e, "#if TC_VECX");
            emit_line(e, "#if TC_VWX <= %lld", (long long)R);
            emit_line(e, "#define tc_vw TC_VWX");
            emit_line(e, "#elif TC_VWH <= %lld", (long long)R);
            emit_line(e, "#define tc_vw TC_VWH");
            emit_line(e, "#else");
            emit_line(e, "#define tc_vw 4");
            emit_line(e, "#endif");
            emit_line(e, "#if TC_XFMA");
            emit_line(e, "#define tc_vfma(a, b, c) TC_CAT(TC_VFMA, tc_vw)(a, (tc_v){0} + (b), c)");
            emit_line(e, "#else");
            emit_line(e, "#define tc_vfma(a, b, c) ((c) + (a) * (b))");
            emit_line(e, "#endif");
            emit_line(e, "typedef float tc_v __attribute__((vector_size(tc_vw * 4)));");
            emit_line(e, "typedef float tc_vu __attribute__((vector_size(tc_vw * 4), aligned(4), may_alias));");
            if (relu)
                emit_line(e, "typedef int tc_vm __attribute__((vector_size(tc_vw * 4)));");
            else if (n->act != OP_COUNT)
                emit_line(e, "int i;");
            emit_line(e, "#endif");
        }
        if (!kept) {
            emit_line(e, "(void)oh;");
            emit_line(e, "(void)x;");
        }
        for (bi = b0; bi < b1; bi++) {
            const ConvBlock *bk = &blk[bi];
            int64_t c0 = bk->m0 / ci->mg * ci->cg, base = c0 * plane - w->pb[0] * W - w->pb[1];
            const char *pset = fmt(e, "p = x + (oh * %lld + ow * %lld %c %lld);", (long long)(w->s[0] * W), (long long)w->s[1],
                                   base < 0 ? '-' : '+', (long long)llabs(base));
            emit_blank(e);
            if (bi > b0)
                emit_line(e, "TC_BARRIER();");
            for (m = bk->m0; m < bk->m0 + bk->nb; m++) {
                float b = ci->bias ? ci->bias[m] : 0.0f, v;
                for (j = 0; j < bk->nk && bk->ms[j] != m; j++)
                    ;
                if (j < bk->nk)
                    continue;
                v = n->act != OP_COUNT ? interp_act(n->act, n->act_alpha, b) : b;
                emit_line(e, "/* channel %lld: no weights kept */", (long long)m);
                emit_line(e, "for (ow = 0; ow < %lld; ow++)", (long long)(OH * OW));
                e->indent++;
                emit_line(e, "y[%lld + ow] = %s;", (long long)(m * OH * OW), emit_lit(e, n, v));
                e->indent--;
            }
            if (!bk->nk)
                continue;
            emit_line(e, "/* channels %lld to %lld: %lld of %lld weights */", (long long)bk->m0, (long long)(bk->m0 + bk->nb - 1),
                      (long long)bk->terms, (long long)(bk->nb * ci->cg * w->k[0] * w->k[1]));
            emit_line(e, "for (oh = 0; oh < %lld; oh++) {", (long long)OH);
            e->indent++;
            if (h0 < h1 && w0 < w1) {
                if (vec) {
                    emit_line(e, "#if TC_VECX");
                    emit_line(e, "for (ow = %lld; ow < %lld; ow += tc_vw) {", (long long)w0, (long long)w1);
                    e->indent++;
                    emit_line(e, "const float *p;");
                    emit_line(e, "tc_v v, %s;", conv_accs(e, bk->nk));
                    emit_blank(e);
                    emit_line(e, "if (ow > %lld - tc_vw)", (long long)w1);
                    e->indent++;
                    emit_line(e, "ow = %lld - tc_vw;", (long long)w1);
                    e->indent--;
                    emit_line(e, "%s", pset);
                    conv_block_terms(e, n, ci, bk, W, plane, 1, wname, rank1d);
                    for (j = 0; j < bk->nk; j++) {
                        int64_t mm = bk->ms[j];
                        float b = ci->bias ? ci->bias[mm] : 0.0f;
                        const char *yp = fmt(e, "y + %lld + oh * %lld + ow", (long long)(mm * OH * OW), (long long)OW);
                        if (b != 0.0f)
                            emit_line(e, "a%lld = a%lld + %s;", (long long)j, (long long)j, emit_lit(e, n, b));
                        if (relu)
                            emit_line(e, "a%lld = (tc_v)((tc_vm)a%lld & ~(tc_vm)(a%lld < (tc_v){0}));", (long long)j, (long long)j,
                                      (long long)j);
                        emit_line(e, "*(tc_vu *)(%s) = a%lld;", yp, (long long)j);
                        if (!relu && n->act != OP_COUNT) {
                            const char *yi = fmt(e, "y[%lld + oh * %lld + ow + i]", (long long)(mm * OH * OW), (long long)OW);
                            emit_line(e, "for (i = 0; i < tc_vw; i++)");
                            e->indent++;
                            emit_line(e, "%s = %s;", yi, emit_act(e, n, n->act, n->act_alpha, yi));
                            e->indent--;
                        }
                    }
                    e->indent--;
                    emit_line(e, "}");
                    emit_line(e, "#else");
                }
                emit_line(e, "for (ow = %lld; ow < %lld; ow++) {", (long long)w0, (long long)w1);
                e->indent++;
                emit_line(e, "const float *p;");
                emit_line(e, "float v, %s;", conv_accs(e, bk->nk));
                emit_blank(e);
                emit_line(e, "%s", pset);
                conv_block_terms(e, n, ci, bk, W, plane, 0, wname, rank1d);
                for (j = 0; j < bk->nk; j++) {
                    int64_t mm = bk->ms[j];
                    float b = ci->bias ? ci->bias[mm] : 0.0f;
                    const char *s = b != 0.0f ? fmt(e, "(a%lld + %s)", (long long)j, emit_lit(e, n, b)) : fmt(e, "a%lld", (long long)j);
                    emit_line(e, "y[%lld + oh * %lld + ow] = %s;", (long long)(mm * OH * OW), (long long)OW,
                              emit_act(e, n, n->act, n->act_alpha, s));
                }
                e->indent--;
                emit_line(e, "}");
                if (vec)
                    emit_line(e, "#endif");
            }
            e->indent--;
            emit_line(e, "}");
        }
        if (vec && kept) {
            emit_line(e, "#if TC_VECX");
            emit_line(e, "#undef tc_vw");
            emit_line(e, "#undef tc_vfma");
            emit_line(e, "#endif");
        }
        e->indent--;
        emit_line(e, "}");
        emit_blank(e);
        part++;
        bi = b1;
    }

    conv_node_fn(e, n, ci, part);
}

/*
 * What the unrolled forms read: the input itself when every window lies
 * inside it, else its zero-padded copy (conv_pad; ci->w becomes the copy's
 * window). 0 when the copy was not planned (padding far wider than the
 * input): the dense form then.
 */
static int conv_unrolled_input(Graph *g, const Node *n, ConvInfo *ci)
{
    int64_t h0, h1, w0, w1;
    ci->xw = ci->w;
    conv_interior(&ci->w, 0, &h0, &h1);
    conv_interior(&ci->w, 1, &w0, &w1);
    if (ci->nnz == 0 || (h0 == 0 && h1 == ci->w.out[0] && w0 == 0 && w1 == ci->w.out[1]))
        return 1;
    if (!conv_pad(g, n, &ci->pad) || !n->pad_floats)
        return 0;
    ci->w.in[0] = ci->pad.hp;
    ci->w.in[1] = ci->pad.wp;
    ci->w.pb[0] = ci->w.pb[1] = ci->w.pe[0] = ci->w.pe[1] = 0;
    return 1;
}

void emit_conv(Emit *e, const Node *n)
{
    Graph *g = e->g;
    ConvInfo ci;
    conv_info(g, n, &ci);
    if (n->sparse_mb > 0 && node_strategy(g, n, e->opt->strategy) == STRAT_LOOP && emit_conv_sparse(e, n))
        return; /* register-blocked sparse tables (emit_conv_sparse.c), planned where measured fastest */
    if (node_strategy(g, n, e->opt->strategy) == STRAT_LOOP && emit_conv_table(e, n))
        return; /* the tap tables (emit_conv_table.c), planned where unrolled compiles too slowly */
    if (ci.wt && (!ci.has_bias || ci.bias) && node_strategy(g, n, e->opt->strategy) == STRAT_UNROLLED && conv_unrolled_input(g, n, &ci)) {
        ASSERT(n->pad_floats == ci.pad.c * ci.pad.hp * ci.pad.wp);
        if (g->target != TARGET_CORTEX_M && ci.mg >= 2)
            emit_conv_blocked(e, n, &ci);
        else
            emit_conv_unrolled(e, n, &ci);
    }
    else {
        /* a copy planned before the form was (plan_memory ahead of plan_strategies):
         * its block stays in the arena, unused; the call passes no pointer to it */
        g->n[n->index].pad_floats = 0;
        emit_conv_dense(e, n);
    }
}

/*
 * ConvTranspose scatters each input value: y[b][g*mg + mo][ih*sh - pt + kh*dh][iw*sw - pl + kw*dw]
 * += x[b][c][ih][iw] * W[c][mo][kh][kw] (c in group g), after y = bias.
 */
void emit_convtranspose(Emit *e, const Node *n)
{
    Graph *g = e->g;
    Window w;
    int64_t cg, mg, plane;
    const char *wt, *bias;
    conv_window(g, n, &w);
    cg = w.c / w.group;
    mg = w.m / w.group;
    plane = w.out[0] * w.out[1];
    wt = emit_operand(e, n, 1);
    bias = n->n_in >= 3 && n->in[2] != TC_NONE ? fmt(e, "%s[m]", emit_operand(e, n, 2)) : "0.0f";
    if (g->t[n->in[1]].f) {
        int64_t i;
        for (i = 0; i < ir_numel(&g->t[n->in[1]]); i++)
            emit_lit(e, n, g->t[n->in[1]].f[i]); /* refuses NaN */
    }
    emit_begin_fn(e, n, "", " -- scatter loops");
    emit_line(e, "int b, m, c, ih, iw, mo, kh, kw, i;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)w.batch);
    e->indent++;
    emit_line(e, "for (m = 0; m < %lld; m++)", (long long)w.m);
    e->indent++;
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)plane);
    e->indent++;
    emit_line(e, "y[(b * %lld + m) * %lld + i] = %s;", (long long)w.m, (long long)plane, bias);
    e->indent -= 3;
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)w.batch);
    e->indent++;
    emit_line(e, "for (c = 0; c < %lld; c++)", (long long)w.c);
    e->indent++;
    emit_line(e, "for (ih = 0; ih < %lld; ih++)", (long long)w.in[0]);
    e->indent++;
    emit_line(e, "for (iw = 0; iw < %lld; iw++) {", (long long)w.in[1]);
    e->indent++;
    emit_line(e, "const float xv = %s[((b * %lld + c) * %lld + ih) * %lld + iw];", emit_operand(e, n, 0), (long long)w.c, (long long)w.in[0],
              (long long)w.in[1]);
    emit_blank(e);
    emit_line(e, "for (mo = 0; mo < %lld; mo++)", (long long)mg);
    e->indent++;
    emit_line(e, "for (kh = 0; kh < %lld; kh++) {", (long long)w.k[0]);
    e->indent++;
    emit_line(e, "const int oh = %s;", win(e, "ih", w.s[0], w.pb[0], "kh", w.d[0]));
    emit_blank(e);
    emit_line(e, "if (oh < 0 || oh >= %lld)", (long long)w.out[0]);
    e->indent++;
    emit_line(e, "continue;");
    e->indent--;
    emit_line(e, "for (kw = 0; kw < %lld; kw++) {", (long long)w.k[1]);
    e->indent++;
    emit_line(e, "const int ow = %s;", win(e, "iw", w.s[1], w.pb[1], "kw", w.d[1]));
    emit_blank(e);
    emit_line(e, "if (ow >= 0 && ow < %lld)", (long long)w.out[1]);
    e->indent++;
    emit_line(e, "y[((b * %lld + c / %lld * %lld + mo) * %lld + oh) * %lld + ow] +=", (long long)w.m, (long long)cg,
              (long long)mg, (long long)w.out[0], (long long)w.out[1]);
    e->indent++;
    emit_line(e, "xv * %s[((c * %lld + mo) * %lld + kh) * %lld + kw];", wt, (long long)mg, (long long)w.k[0],
              (long long)w.k[1]);
    e->indent -= 3;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
    e->indent -= 2;
    emit_line(e, "}");
    e->indent -= 3;
    emit_end_fn(e);
}

/* ---- pools ---- */

/* Per output coordinate along axis a, how many window taps count for the average. */
static void pool_counts(const Window *w, int a, int incl, int64_t *cnt)
{
    int64_t o, k;
    for (o = 0; o < w->out[a]; o++) {
        cnt[o] = 0;
        for (k = 0; k < w->k[a]; k++) {
            int64_t i = o * w->s[a] - w->pb[a] + k * w->d[a];
            cnt[o] += incl ? (i < w->in[a] + w->pe[a]) : (i >= 0 && i < w->in[a]);
        }
    }
}

/*
 * MaxPool with an interior: the output positions whose every tap lies inside x
 * (rows [hlo, hhi) by columns [wlo, whi), conv_interior) take the window's taps
 * unrolled, with no bounds checks, in a loop nest of their own that compilers
 * vectorise (contiguous loads at stride 1, even/odd shuffles at stride 2), in
 * blocks of POOL_BLOCK columns (one AVX-512 vector, two AVX, four SSE or NEON)
 * with the last block moved back to end at whi (a few columns computed twice,
 * to the same values) rather than a scalar remainder loop; then the border
 * positions (where there are any) in the checked loop, which skips the
 * interior columns of the interior rows. Both take the taps in the same order
 * (kh, then kw) by the same rule, s = v > s ? v : s from the first tap inside
 * x, so every position has the bits it had (a NaN in the first tap stays, a
 * NaN later is passed over; of equal zeros the first). Kernels of more than
 * POOL_UNROLL_MAX taps, and layers without an interior, keep the checked loop
 * everywhere (0 returned).
 */
enum { POOL_UNROLL_MAX = 64, POOL_BLOCK = 16 };
static const char *pool_at(Emit *e, const char *o, int64_t st, int64_t p)
{
    const char *a = st == 1 ? o : fmt(e, "%s * %lld", o, (long long)st);
    return p ? fmt(e, "%s - %lld", a, (long long)p) : a;
}

static int emit_maxpool_interior(Emit *e, const Node *n, const Window *w)
{
    int64_t hlo, hhi, wlo, whi, kh, kw;
    const char *xs = emit_operand(e, n, 0);
    int border;
    conv_interior(w, 0, &hlo, &hhi);
    conv_interior(w, 1, &wlo, &whi);
    if (hlo >= hhi || wlo >= whi || w->k[0] * w->k[1] > POOL_UNROLL_MAX)
        return 0;
    border = hlo > 0 || hhi < w->out[0] || wlo > 0 || whi < w->out[1];
    emit_begin_fn(e, n, "", border ? " -- interior unrolled, border checked" : " -- unrolled");
    emit_line(e, "int i, oh, ow%s%s;", border ? ", kh, kw" : "", whi - wlo >= POOL_BLOCK ? ", o" : "");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++) {", (long long)(w->batch * w->c));
    e->indent++;
    emit_line(e, "const float *xc = %s + i * %lld;", xs, (long long)(w->in[0] * w->in[1]));
    emit_line(e, "float *yc = y + i * %lld;", (long long)(w->out[0] * w->out[1]));
    emit_blank(e);
    emit_line(e, "for (oh = %lld; oh < %lld; oh++) {", (long long)hlo, (long long)hhi);
    e->indent++;
    emit_line(e, "const float *xr = xc + (%s) * %lld;", pool_at(e, "oh", w->s[0], w->pb[0]), (long long)w->in[1]);
    emit_line(e, "float *yr = yc + oh * %lld;", (long long)w->out[1]);
    emit_blank(e);
    if (whi - wlo >= POOL_BLOCK) {
        /* blocks of POOL_BLOCK columns, the last moved back to end at whi */
        emit_line(e, "for (o = %lld; o < %lld; o += %d) {", (long long)wlo, (long long)whi, POOL_BLOCK);
        e->indent++;
        emit_line(e, "const int ow0 = o + %d <= %lld ? o : %lld;", POOL_BLOCK, (long long)whi, (long long)(whi - POOL_BLOCK));
        emit_blank(e);
        emit_line(e, "for (ow = ow0; ow < ow0 + %d; ow++) {", POOL_BLOCK);
    } else {
        emit_line(e, "for (ow = %lld; ow < %lld; ow++) {", (long long)wlo, (long long)whi);
    }
    e->indent++;
    emit_line(e, "const float *p = xr + %s;", pool_at(e, "ow", w->s[1], w->pb[1]));
    emit_line(e, "float s = p[0];");
    emit_blank(e);
    for (kh = 0; kh < w->k[0]; kh++)
        for (kw = 0; kw < w->k[1]; kw++)
            if (kh || kw)
                emit_line(e, "s = p[%lld] > s ? p[%lld] : s;", (long long)(kh * w->d[0] * w->in[1] + kw * w->d[1]),
                          (long long)(kh * w->d[0] * w->in[1] + kw * w->d[1]));
    emit_line(e, "yr[ow] = s;");
    e->indent--;
    emit_line(e, "}");
    if (whi - wlo >= POOL_BLOCK) {
        e->indent--;
        emit_line(e, "}");
    }
    e->indent--;
    emit_line(e, "}");
    if (!border) {
        e->indent--;
        emit_line(e, "}");
        emit_end_fn(e);
        return 1;
    }
    emit_line(e, "for (oh = 0; oh < %lld; oh++)", (long long)w->out[0]);
    e->indent++;
    emit_line(e, "for (ow = 0; ow < %lld; ow++) {", (long long)w->out[1]);
    e->indent++;
    emit_line(e, "float s = 0.0f;");
    emit_line(e, "int any = 0;");
    emit_blank(e);
    emit_line(e, "if (oh >= %lld && oh < %lld && ow == %lld) /* past the interior */", (long long)hlo, (long long)hhi,
              (long long)wlo);
    e->indent++;
    if (whi == w->out[1])
        emit_line(e, "break;");
    else
        emit_line(e, "ow = %lld;", (long long)whi);
    e->indent--;
    emit_line(e, "for (kh = 0; kh < %lld; kh++) {", (long long)w->k[0]);
    e->indent++;
    emit_line(e, "const int ih = %s;", win(e, "oh", w->s[0], w->pb[0], "kh", w->d[0]));
    emit_blank(e);
    emit_line(e, "if (ih < 0 || ih >= %lld)", (long long)w->in[0]);
    e->indent++;
    emit_line(e, "continue;");
    e->indent--;
    emit_line(e, "for (kw = 0; kw < %lld; kw++) {", (long long)w->k[1]);
    e->indent++;
    emit_line(e, "const int iw = %s;", win(e, "ow", w->s[1], w->pb[1], "kw", w->d[1]));
    emit_blank(e);
    emit_line(e, "if (iw >= 0 && iw < %lld) {", (long long)w->in[1]);
    e->indent++;
    emit_line(e, "const float v = xc[ih * %lld + iw];", (long long)w->in[1]);
    emit_blank(e);
    emit_line(e, "s = !any || v > s ? v : s;");
    emit_line(e, "any = 1;");
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "yc[oh * %lld + ow] = s;", (long long)w->out[1]);
    e->indent--;
    emit_line(e, "}");
    e->indent -= 2;
    emit_line(e, "}");
    emit_end_fn(e);
    return 1;
}

/*
 * MaxPool: the largest x inside the window; AveragePool: the sum over the
 * window's positions inside x, divided by the count of positions inside x
 * (or inside the padded input with count_include_pad).
 */
void emit_pool(Emit *e, const Node *n)
{
    Graph *g = e->g;
    Window w;
    const char *name = emit_fn_name(e, n);
    int avg = n->op == OP_AVERAGEPOOL;
    int64_t *ch, *cw;
    conv_window(g, n, &w);
    if (avg) {
        int incl = (int)attr_int(n, "count_include_pad", 0);
        ch = arena_array(g->a, (size_t)w.out[0] + 1, sizeof(int64_t));
        cw = arena_array(g->a, (size_t)w.out[1] + 1, sizeof(int64_t));
        pool_counts(&w, 0, incl, ch);
        pool_counts(&w, 1, incl, cw);
        int_table(e, fmt(e, "%s_hcnt", name), ch, w.out[0]);
        int_table(e, fmt(e, "%s_wcnt", name), cw, w.out[1]);
        emit_blank(e);
    } else if (emit_maxpool_interior(e, n, &w)) {
        return;
    }
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int i, oh, ow, kh, kw;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)(w.batch * w.c));
    e->indent++;
    emit_line(e, "for (oh = 0; oh < %lld; oh++)", (long long)w.out[0]);
    e->indent++;
    emit_line(e, "for (ow = 0; ow < %lld; ow++) {", (long long)w.out[1]);
    e->indent++;
    emit_line(e, "const float *xc = %s + i * %lld;", emit_operand(e, n, 0), (long long)(w.in[0] * w.in[1]));
    emit_line(e, "float s = 0.0f;");
    emit_line(e, "int any = 0;");
    emit_blank(e);
    emit_line(e, "for (kh = 0; kh < %lld; kh++) {", (long long)w.k[0]);
    e->indent++;
    emit_line(e, "const int ih = %s;", win(e, "oh", w.s[0], w.pb[0], "kh", w.d[0]));
    emit_blank(e);
    emit_line(e, "if (ih < 0 || ih >= %lld)", (long long)w.in[0]);
    e->indent++;
    emit_line(e, "continue;");
    e->indent--;
    emit_line(e, "for (kw = 0; kw < %lld; kw++) {", (long long)w.k[1]);
    e->indent++;
    emit_line(e, "const int iw = %s;", win(e, "ow", w.s[1], w.pb[1], "kw", w.d[1]));
    emit_blank(e);
    emit_line(e, "if (iw >= 0 && iw < %lld) {", (long long)w.in[1]);
    e->indent++;
    emit_line(e, "const float v = xc[ih * %lld + iw];", (long long)w.in[1]);
    emit_blank(e);
    if (avg)
        emit_line(e, "s += v;");
    else
        emit_line(e, "s = !any || v > s ? v : s;");
    emit_line(e, "any = 1;");
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
    if (avg)
        emit_line(e, "y[(i * %lld + oh) * %lld + ow] = s / (float)(%s_hcnt[oh] * %s_wcnt[ow]);", (long long)w.out[0],
                  (long long)w.out[1], name, name);
    else
        emit_line(e, "y[(i * %lld + oh) * %lld + ow] = s;", (long long)w.out[0], (long long)w.out[1]);
    if (avg)
        emit_line(e, "(void)any;");
    e->indent--;
    emit_line(e, "}");
    e->indent -= 2;
    emit_end_fn(e);
}

void emit_globalpool(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int64_t bc = x->dims[0] * x->dims[1], plane = ir_numel(x) / (bc ? bc : 1);
    int mx = n->op == OP_GLOBALMAXPOOL;
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int i, j;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++) {", (long long)bc);
    e->indent++;
    emit_line(e, "const float *xc = %s + i * %lld;", emit_operand(e, n, 0), (long long)plane);
    emit_line(e, "float s = xc[0];");
    emit_blank(e);
    emit_line(e, "for (j = 1; j < %lld; j++)", (long long)plane);
    e->indent--;
    emit_line(e, mx ? "        s = xc[j] > s ? xc[j] : s;" : "        s += xc[j];");
    emit_line(e, mx ? "    y[i] = s;" : "    y[i] = s / %s;", emit_lit(e, n, (float)plane));
    emit_line(e, "}");
    emit_end_fn(e);
}

/* ---- normalizations ---- */

/* Inference BatchNormalization left standing (not folded): y = x * a[c] + s[c],
 * a = scale / sqrt(var + epsilon), s = B - mean * a, computed here in double. */
void emit_batchnorm(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]];
    int64_t C = x->dims[1], plane = ir_numel(x) / (x->dims[0] * (C ? C : 1)), c;
    double eps = attr_float(n, "epsilon", 1e-5f);
    const char *name = emit_fn_name(e, n);
    float *a = arena_array(g->a, (size_t)C + 1, sizeof(float)), *s = arena_array(g->a, (size_t)C + 1, sizeof(float));
    int i;
    for (i = 1; i <= 4; i++)
        if (!g->t[n->in[i]].f) {
            /* run-time parameters: a and s per channel at run time */
            e->need_math[M_SQRT] = 1;
            emit_begin_fn(e, n, "", " -- run-time parameters");
            emit_line(e, "int b, c, i;");
            emit_blank(e);
            emit_line(e, "for (c = 0; c < %lld; c++) {", (long long)C);
            e->indent++;
            emit_line(e, "const float a = %s[c] / tc_sqrtf(%s[c] + %s);", emit_operand(e, n, 1), emit_operand(e, n, 4),
                      emit_lit(e, n, (float)eps));
            emit_line(e, "const float s = %s[c] - %s[c] * a;", emit_operand(e, n, 2), emit_operand(e, n, 3));
            emit_blank(e);
            emit_line(e, "for (b = 0; b < %lld; b++)", (long long)x->dims[0]);
            e->indent++;
            emit_line(e, "for (i = 0; i < %lld; i++) {", (long long)plane);
            e->indent++;
            emit_line(e, "const int o = (b * %lld + c) * %lld + i;", (long long)C, (long long)plane);
            emit_blank(e);
            emit_line(e, "y[o] = %s;", emit_act(e, n, n->act, n->act_alpha, fmt(e, "%s[o] * a + s", emit_operand(e, n, 0))));
            e->indent--;
            emit_line(e, "}");
            e->indent -= 2;
            emit_line(e, "}");
            emit_end_fn(e);
            return;
        }
    for (c = 0; c < C; c++) {
        double v = (double)g->t[n->in[1]].f[c] / sqrt((double)g->t[n->in[4]].f[c] + eps);
        a[c] = (float)v;
        s[c] = (float)((double)g->t[n->in[2]].f[c] - (double)g->t[n->in[3]].f[c] * v);
    }
    emit_to_consts(e);
    emit_line(e, "/* node %d: '%s' as y = x * a + s per channel */", n->index, text_comment(e->g->a, n->name));
    float_table(e, n, fmt(e, "%s_a", name), a, C);
    float_table(e, n, fmt(e, "%s_s", name), s, C);
    emit_blank(e);
    emit_begin_fn(e, n, "", " -- per-channel scale and shift");
    emit_line(e, "int b, c, i;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)x->dims[0]);
    e->indent++;
    emit_line(e, "for (c = 0; c < %lld; c++)", (long long)C);
    e->indent++;
    emit_line(e, "for (i = 0; i < %lld; i++) {", (long long)plane);
    e->indent++;
    emit_line(e, "const int o = (b * %lld + c) * %lld + i;", (long long)C, (long long)plane);
    emit_blank(e);
    emit_line(e, "y[o] = %s;", emit_act(e, n, n->act, n->act_alpha, fmt(e, "%s[o] * %s_a[c] + %s_s[c]", emit_operand(e, n, 0), name, name)));
    e->indent--;
    emit_line(e, "}");
    e->indent -= 2;
    emit_end_fn(e);
}

/*
 * Over each group of len values: mean, var = mean of (x - mean)^2, then
 * y = (x - mean) / sqrt(var + epsilon) * scale + B (tc_sqrtf, no libm).
 */
static void emit_normalize(Emit *e, const Node *n, int64_t groups, int64_t len, int64_t channels)
{
    const char *x = emit_operand(e, n, 0), *sc = emit_operand(e, n, 1);
    int has_b = n->n_in >= 3 && n->in[2] != TC_NONE;
    const char *bb = has_b ? emit_operand(e, n, 2) : NULL;
    Graph *g = e->g;
    const char *si, *bi;
    e->need_math[M_SQRT] = 1;
    if (channels) {
        si = bi = fmt(e, "[gi %% %lld]", (long long)channels);
    } else {
        si = ir_numel(&g->t[n->in[1]]) == 1 ? "[0]" : "[i]";
        bi = has_b && ir_numel(&g->t[n->in[2]]) == 1 ? "[0]" : "[i]";
    }
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int gi, i;");
    emit_blank(e);
    emit_line(e, "for (gi = 0; gi < %lld; gi++) {", (long long)groups);
    e->indent++;
    emit_line(e, "const float *xg = %s + gi * %lld;", x, (long long)len);
    emit_line(e, "float *yg = y + gi * %lld;", (long long)len);
    emit_line(e, "float mean = 0.0f, var = 0.0f, inv;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)len);
    e->indent++;
    emit_line(e, "mean += xg[i];");
    e->indent--;
    emit_line(e, "mean /= %s;", emit_lit(e, n, (float)len));
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)len);
    e->indent++;
    emit_line(e, "var += (xg[i] - mean) * (xg[i] - mean);");
    e->indent--;
    emit_line(e, "inv = 1.0f / tc_sqrtf(var / %s + %s);", emit_lit(e, n, (float)len), emit_lit(e, n, attr_float(n, "epsilon", 1e-5f)));
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)len);
    if (has_b)
        emit_line(e, "    yg[i] = (xg[i] - mean) * inv * %s%s + %s%s;", sc, si, bb, bi);
    else
        emit_line(e, "    yg[i] = (xg[i] - mean) * inv * %s%s;", sc, si);
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
}

void emit_instancenorm(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int64_t bc = x->dims[0] * x->dims[1];
    emit_normalize(e, n, bc, bc ? ir_numel(x) / bc : 0, x->dims[1]);
}

void emit_layernorm(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int64_t axis = attr_int(n, "axis", -1), inner = 1;
    int i;
    if (axis < 0)
        axis += x->rank;
    for (i = (int)axis; i < x->rank; i++)
        inner *= x->dims[i];
    emit_normalize(e, n, inner ? ir_numel(x) / inner : 0, inner, 0);
}

/* ---- Pad, Resize, Upsample: gathers through per-axis maps ---- */

/*
 * y[o] at output coordinates (i0, ..., ir-1) reads x at the mapped input
 * coordinates, one table per axis (none where the map is the identity);
 * constant Pad writes the pad value where a map says -1; linear Resize
 * blends the two neighbours of each resized axis.
 */
static void emit_resample(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    AxisMap maps[TC_MAX_RANK];
    float v = resample_maps(g, n, maps);
    const char *name = emit_fn_name(e, n);
    int r = x->rank, i, ident[TC_MAX_RANK], outside[TC_MAX_RANK], lin[TC_MAX_RANK], any_out = 0, corners, k;
    Buf cond = {0}, val = {0};
    int64_t o;

    for (i = 0; i < r; i++) {
        /* a linear axis whose weights are all 0 (not resized) reads one neighbour */
        lin[i] = 0;
        if (maps[i].w)
            for (o = 0; o < y->dims[i]; o++)
                lin[i] |= maps[i].w[o] != 0.0;
        ident[i] = x->dims[i] == y->dims[i] && !lin[i];
        outside[i] = 0;
        for (o = 0; o < y->dims[i]; o++) {
            ident[i] &= maps[i].i0[o] == o;
            outside[i] |= maps[i].i0[o] < 0;
        }
        any_out |= outside[i];
        if (!ident[i]) {
            int_table(e, fmt(e, "%s_m%d", name, i), maps[i].i0, y->dims[i]);
            if (lin[i]) {
                float *wf = arena_array(g->a, (size_t)y->dims[i] + 1, sizeof(float));
                for (o = 0; o < y->dims[i]; o++)
                    wf[o] = (float)maps[i].w[o];
                int_table(e, fmt(e, "%s_n%d", name, i), maps[i].i1, y->dims[i]);
                float_table(e, n, fmt(e, "%s_w%d", name, i), wf, y->dims[i]);
            }
        }
    }
    emit_blank(e);
    /* the index of x for one corner: bit b of corner picks the second neighbour on the b-th linear axis */
    corners = 0;
    for (i = 0; i < r; i++)
        corners += lin[i];
    for (k = 0; k < (1 << corners); k++) {
        const char *idx = "", *wt = NULL;
        int bit = 0;
        for (i = 0; i < r; i++) {
            const char *coord;
            int hi = lin[i] && ((k >> bit) & 1);
            if (ident[i])
                coord = fmt(e, "i%d", i);
            else
                coord = fmt(e, "%s_%c%d[i%d]", name, hi ? 'n' : 'm', i, i);
            if (lin[i]) {
                const char *f = hi ? fmt(e, "%s_w%d[i%d]", name, i, i) : fmt(e, "(1.0f - %s_w%d[i%d])", name, i, i);
                wt = wt ? fmt(e, "%s * %s", wt, f) : f;
                bit++;
            }
            idx = i == 0 ? coord : i == 1 ? fmt(e, "%s * %lld + %s", idx, (long long)x->dims[i], coord)
                                          : fmt(e, "(%s) * %lld + %s", idx, (long long)x->dims[i], coord);
        }
        buf_printf(&val, "%s%s%s[%s]", k ? " + " : "", wt ? fmt(e, "%s * ", wt) : "", emit_operand(e, n, 0), idx);
    }
    for (i = 0; i < r; i++)
        if (outside[i])
            buf_printf(&cond, "%s%s_m%d[i%d] < 0", cond.len ? " || " : "", name, i, i);
    emit_begin_fn(e, n, "", "");
    {
        Buf decl = {0};
        for (i = 0; i < r; i++)
            buf_printf(&decl, "i%d, ", i);
        emit_line(e, "int %so = 0;", decl.p ? decl.p : "");
        buf_free(&decl);
    }
    emit_blank(e);
    for (i = 0; i < r; i++)
        emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)", 4 * i, "", i, i, (long long)y->dims[i], i);
    if (any_out)
        emit_line(e, "%*sy[o++] = %s ? %s : %s;", 4 * r, "", cond.p, emit_lit(e, n, v), val.p);
    else
        emit_line(e, "%*sy[o++] = %s;", 4 * r, "", val.p);
    emit_end_fn(e);
    buf_free(&cond);
    buf_free(&val);
}

void emit_pad(Emit *e, const Node *n) { emit_resample(e, n); }
void emit_resize(Emit *e, const Node *n)
{
    if (resize_general(e->g, n)) /* cubic, tf_crop_and_resize: emit_img.c */
        emit_resize_taps(e, n);
    else
        emit_resample(e, n);
}

/*
 * DepthToSpace DCR: y[b][c][h*bs + i][w*bs + j] = x[b][(i*bs + j)*C + c][h][w];
 * CRD: x[b][c*bs*bs + i*bs + j][h][w]. SpaceToDepth is the inverse of DCR.
 */
void emit_depthspace(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    const Attr *md = attr_get(n, "mode");
    int d2s = n->op == OP_DEPTHTOSPACE;
    int crd = d2s && md && md->kind == AT_STRING && strcmp(md->s, "CRD") == 0;
    int64_t bs = attr_int(n, "blocksize", 1);
    const Tensor *big = d2s ? x : y;
    int64_t C = big->dims[1] / (bs * bs), H = big->dims[2], W = big->dims[3];
    const char *deep = crd ? fmt(e, "c * %lld + i * %lld + j", (long long)(bs * bs), (long long)bs)
                           : fmt(e, "(i * %lld + j) * %lld + c", (long long)bs, (long long)C);
    const char *di = fmt(e, "((b * %lld + %s) * %lld + h) * %lld + w", (long long)(C * bs * bs), deep, (long long)H, (long long)W);
    const char *si = fmt(e, "((b * %lld + c) * %lld + h * %lld + i) * %lld + w * %lld + j", (long long)C, (long long)(H * bs),
                         (long long)bs, (long long)(W * bs), (long long)bs);
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int b, c, h, i, w, j;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)big->dims[0]);
    e->indent++;
    emit_line(e, "for (c = 0; c < %lld; c++)", (long long)C);
    e->indent++;
    emit_line(e, "for (h = 0; h < %lld; h++)", (long long)H);
    e->indent++;
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)bs);
    e->indent++;
    emit_line(e, "for (w = 0; w < %lld; w++)", (long long)W);
    e->indent++;
    emit_line(e, "for (j = 0; j < %lld; j++)", (long long)bs);
    e->indent++;
    emit_line(e, "y[%s] = %s[%s];", d2s ? si : di, emit_operand(e, n, 0), d2s ? di : si);
    e->indent -= 6;
    emit_end_fn(e);
}
