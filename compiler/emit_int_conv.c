/*
 * emit_int_conv.c - the integer Conv's fast forms (--quantize int8), beside
 * emit_int.c's tap loop (the loop form, the smallest):
 *   unrolled  per block of 4 output channels, per output position, every
 *             kept weight an integer literal: v = the input at the tap's
 *             offset, a<j> += v * w (int32 sums), each input read once per
 *             block; with GNU C vector extensions (SSE2, NEON) 8 output
 *             positions at a time, the int8 inputs widened to int16 and each
 *             product (|w * x| <= 128 * 128) exact in int16 before it is
 *             widened to int32: the same integers in every lane as the plain
 *             C of other targets.
 *   dense     per output channel and tap (the int8 weights in that order),
 *             a row of int32 sums += w * the input row: a loop GCC vectorises.
 * A Conv with pads reads a padded copy of its input whose border holds the
 * input zero point (the real 0: quant.c folded -zp_in * sum w into the bias,
 * so a tap over the border adds w * zp_in, as the interpreter's does).
 * The sums are requantised by tc_out8 exactly as in the loop form, so every
 * form gives the interpreter's bytes (interp_int.c) on every target.
 */
#include <string.h>

#include "emit.h"

/* Output channels that share one read of an input (registers: 4 int32 x 8 on SSE2). */
enum { IBLOCK = 4, IVW = 8 };

static const char ivec_block[] =
    "/* Integer Conv rows, TC_IVW output positions at a time where the target has a vector unit\n"
    " * (GNU C vector extensions: SSE2, NEON): int8 inputs widened to int16, each product\n"
    " * (|w * x| <= 16384) exact in int16, widened to int32 and summed: in every lane the\n"
    " * integers of the plain C (other targets, -DTC_NO_VEC), one position at a time. */\n"
    "#if defined(__GNUC__) && !defined(TC_NO_VEC) && (defined(__clang__) || __GNUC__ >= 9) && \\\n"
    "    (defined(__SSE2__) || defined(__ARM_NEON) || defined(__aarch64__))\n"
    "#define TC_IVW 8\n"
    "typedef int8_t tc_i8u __attribute__((vector_size(8), aligned(1), may_alias));\n"
    "typedef int16_t tc_ixv __attribute__((vector_size(16)));\n"
    "typedef int32_t tc_iav __attribute__((vector_size(32)));\n"
    "typedef int32_t tc_iau __attribute__((vector_size(32), aligned(4), may_alias));\n"
    "#define TC_IVL(p) __builtin_convertvector(*(const tc_i8u *)(p), tc_ixv)\n"
    "#define TC_IVM(v, w) __builtin_convertvector((v) * (int16_t)(w), tc_iav)\n"
    "#define TC_IVS(t, a) (*(tc_iau *)(t) = (a))\n"
    "#else\n"
    "#define TC_IVW 1\n"
    "typedef int32_t tc_ixv;\n"
    "typedef int32_t tc_iav;\n"
    "#define TC_IVL(p) ((int32_t)*(p))\n"
    "#define TC_IVM(v, w) ((v) * (w))\n"
    "#define TC_IVS(t, a) ((t)[0] = (a))\n"
    "#endif\n"
    "/* On x86 (SSE2): 4 output positions at a time from a copy of the input as int16 pairs\n"
    " * (x[j], x[j + 1]): PMADDWD takes two horizontally adjacent taps in one multiply-add,\n"
    " * w0 * x[j] + w1 * x[j + 1] exact in int32; tc_irq4 is tc_out8 on 4 sums at once (for a\n"
    " * shift s <= 0, e = -s): |a| * m with PMULUDQ, plus 2^30 (2^30 - 1 for a negative a),\n"
    " * bits 31..62, the sign back: SRDHM; then RDBPOT by e and the clamp, as in tc_rq. */\n"
    "#if defined(__GNUC__) && !defined(TC_NO_VEC) && defined(__SSE2__) && (defined(__x86_64__) || defined(__i386__))\n"
    "#define TC_IX86 1\n"
    "typedef short tc_h8 __attribute__((vector_size(16)));\n"
    "typedef short tc_h8u __attribute__((vector_size(16), aligned(2), may_alias));\n"
    "typedef int tc_i4 __attribute__((vector_size(16)));\n"
    "typedef char tc_b16 __attribute__((vector_size(16)));\n"
    "typedef unsigned long long tc_u2 __attribute__((vector_size(16)));\n"
    "typedef int32_t tc_i32a __attribute__((aligned(1), may_alias));\n"
    "#define TC_IMA(v, w0, w1) __builtin_ia32_pmaddwd128((v), (tc_h8){w0, w1, w0, w1, w0, w1, w0, w1})\n"
    "static inline __attribute__((always_inline)) void tc_irq4(int8_t *y, tc_i4 a, int32_t m, int e, int32_t zp,\n"
    "                                                         int32_t lo, int32_t hi)\n"
    "{\n"
    "    tc_i4 s = a >> 31, r, c, lv = (tc_i4){0} + (lo - zp), hv = (tc_i4){0} + (hi - zp);\n"
    "    tc_u2 u = (tc_u2)((a ^ s) - s), mv = (tc_u2){0} + (unsigned long long)m, pe, po;\n"
    "    tc_b16 b;\n"
    "\n"
    "#if defined(__clang__)\n"
    "    pe = (u & 0xffffffffu) * mv;\n"
    "    po = (u >> 32) * mv;\n"
    "#else\n"
    "    pe = (tc_u2)__builtin_ia32_pmuludq128((tc_i4)u, (tc_i4)mv);\n"
    "    po = (tc_u2)__builtin_ia32_pmuludq128((tc_i4)(u >> 32), (tc_i4)mv);\n"
    "#endif\n"
    "    pe = (pe + 0x40000000u - ((tc_u2)s & 1u)) >> 31;\n"
    "    po = (po + 0x40000000u - ((tc_u2)s >> 63)) >> 31;\n"
    "    r = (tc_i4)(pe | po << 32);\n"
    "    r = (r ^ s) - s;\n"
    "    if (e > 0) {\n"
    "        tc_i4 mask = (tc_i4){0} + (int)((1u << e) - 1u), rem = r & mask, thr = (mask >> 1) - (r >> 31);\n"
    "\n"
    "        r = (r >> e) - (rem > thr);\n"
    "    }\n"
    "    c = r < lv;\n"
    "    r = (r & ~c) | (lv & c);\n"
    "    c = r > hv;\n"
    "    r = (r & ~c) | (hv & c);\n"
    "    r += zp;\n"
    "    b = __builtin_ia32_packsswb128(__builtin_ia32_packssdw128(r, r), __builtin_ia32_packssdw128(r, r));\n"
    "    *(tc_i32a *)y = ((tc_i4)b)[0];\n"
    "}\n"
    "#else\n"
    "#define TC_IX86 0\n"
    "#endif\n"
    "\n";

/* Whether any Conv layer of g takes a form that uses the block above. */
static int uses_ivec(const Graph *g)
{
    int k;
    for (k = 0; k < g->nn; k++) {
        const QLayer *q = g->quant->layer[k];
        if (!g->n[k].dead && q && q->conv && q->strategy == STRAT_UNROLLED)
            return 1;
    }
    return 0;
}

void emit_int_conv_preamble(const Graph *g, Buf *c)
{
    if (uses_ivec(g))
        buf_add(c, ivec_block, strlen(ivec_block));
}

/* Padded input geometry: the input copied into Hp x Wp per channel, border zp_in. */
typedef struct {
    int64_t H, W, Hp, Wp, top, left;
    int padded;
} Pad;

static Pad conv_pad_of(const Window *w)
{
    Pad p;
    p.H = w->in[0];
    p.W = w->in[1];
    p.top = w->pb[0];
    p.left = w->pb[1];
    p.Hp = p.H + w->pb[0] + w->pe[0];
    p.Wp = p.W + w->pb[1] + w->pe[1];
    p.padded = p.Hp != p.H || p.Wp != p.W;
    return p;
}

/* The padded copy: declares the buffer, writes the copy's loops; *ram grows by its size. */
static void emit_pad_copy(Emit *e, const QLayer *q, const char *fn, const Pad *p, int64_t *ram)
{
    const Window *w = &q->win;
    int64_t size = w->c * p->Hp * p->Wp;
    emit_to_consts(e);
    emit_line(e, "static int8_t %s_xp[%lld]; /* the input with its border of zero points */", fn, (long long)size);
    *ram += size;
    emit_to_fns(e);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)size);
    emit_line(e, "    %s_xp[i] = %d;", fn, (int)q->in.zp);
    emit_line(e, "for (c = 0; c < %lld; c++)", (long long)w->c);
    emit_line(e, "    for (oh = 0; oh < %lld; oh++)", (long long)p->H);
    emit_line(e, "        for (ow = 0; ow < %lld; ow++)", (long long)p->W);
    emit_line(e, "            %s_xp[(c * %lld + oh + %lld) * %lld + ow + %lld] = x[(c * %lld + oh) * %lld + ow];", fn,
              (long long)p->Hp, (long long)p->top, (long long)p->Wp, (long long)p->left, (long long)p->H,
              (long long)p->W);
    emit_line(e, "x = %s_xp;", fn);
    emit_blank(e);
}

static const char *out8(Emit *e, const QLayer *q, int64_t m, const char *acc)
{
    return arena_printf(e->g->a, "tc_out8(%s + %ld, %ld, %d, %d, %d, %d)", acc, (long)q->b[m], (long)q->mult[m],
                        (int)q->shift[m], (int)q->out.zp, (int)q->lo, (int)q->hi);
}

/* Per output channel its kept taps' input offsets in the (padded) input, in (c, ky, kx) order. */
static int64_t tap_offset(const Window *w, const Pad *p, int64_t k)
{
    int64_t c = k / (w->k[0] * w->k[1]), ky = k / w->k[1] % w->k[0], kx = k % w->k[1];
    return (c * p->Hp + ky * w->d[0]) * p->Wp + kx * w->d[1];
}

/*
 * The unrolled form. Output (m, oh, ow) = out8(b[m] + sum over the kept taps
 * (c, ky, kx) of w * xp[(c * Hp + oh * s0 + ky * d0) * Wp + ow * s1 + kx * d1]),
 * xp the (padded) input. Vector rows need stride 1 across and 8 positions a row.
 */
/* The generic body (vec: TC_IVW positions a vector where the target has one, else one at a time). */
static void unrolled_generic(Emit *e, const QLayer *q, const Pad *p, int vec)
{
    const Window *w = &q->win;
    int64_t OH = w->out[0], OW = w->out[1], m0, m, k, nacc = q->N < IBLOCK ? q->N : IBLOCK;
    const char *L = vec ? "TC_IVL(p + %lld)" : "p[%lld]";
    Buf acc = {0};

    for (m = 0; m < nacc; m++)
        buf_printf(&acc, "%sa%lld", m ? ", " : "", (long long)m);
    emit_line(e, "const int8_t *p;");
    emit_line(e, "int8_t *o;");
    if (vec) {
        emit_line(e, "tc_ixv v;");
        emit_line(e, "tc_iav %s;", acc.p);
        emit_line(e, "int32_t t[%lld][TC_IVW];", (long long)nacc);
    } else {
        emit_line(e, "int32_t v, %s;", acc.p);
    }
    buf_free(&acc);
    emit_blank(e);
    for (m0 = 0; m0 < q->N; m0 += IBLOCK) {
        int64_t nb = q->N - m0 < IBLOCK ? q->N - m0 : IBLOCK;
        emit_line(e, "/* channels %lld to %lld */", (long long)m0, (long long)(m0 + nb - 1));
        emit_line(e, "for (oh = 0; oh < %lld; oh++)", (long long)OH);
        if (vec) {
            emit_line(e, "    for (ow = 0; ow < %lld; ow += TC_IVW) {", (long long)OW);
            e->indent += 2;
            emit_line(e, "if (ow > %lld - TC_IVW)", (long long)OW);
            emit_line(e, "    ow = %lld - TC_IVW;", (long long)OW);
        } else {
            emit_line(e, "    for (ow = 0; ow < %lld; ow++) {", (long long)OW);
            e->indent += 2;
        }
        emit_line(e, "p = x + oh * %lld + ow * %lld;", (long long)(w->s[0] * p->Wp), (long long)w->s[1]);
        for (m = 0; m < nb; m++)
            emit_line(e, vec ? "a%lld = (tc_iav){0};" : "a%lld = 0;", (long long)m);
        for (k = 0; k < q->K; k++) {
            int any = 0;
            for (m = m0; m < m0 + nb; m++)
                any |= q->w[m * q->K + k] != 0;
            if (!any)
                continue;
            emit_line(e, "v = %s;", arena_printf(e->g->a, L, (long long)tap_offset(w, p, k)));
            for (m = m0; m < m0 + nb; m++)
                if (q->w[m * q->K + k])
                    emit_line(e, vec ? "a%lld += TC_IVM(v, %d);" : "a%lld += v * %d;", (long long)(m - m0),
                              (int)q->w[m * q->K + k]);
        }
        emit_line(e, "o = y + oh * %lld + ow;", (long long)OW);
        if (vec) {
            for (m = 0; m < nb; m++)
                emit_line(e, "TC_IVS(t[%lld], a%lld);", (long long)m, (long long)m);
            emit_line(e, "for (i = 0; i < TC_IVW; i++) {");
            for (m = m0; m < m0 + nb; m++)
                emit_line(e, "    o[%lld + i] = %s;", (long long)(m * OH * OW),
                          out8(e, q, m, arena_printf(e->g->a, "t[%lld][i]", (long long)(m - m0))));
            emit_line(e, "}");
        } else {
            for (m = m0; m < m0 + nb; m++)
                emit_line(e, "o[%lld] = %s;", (long long)(m * OH * OW),
                          out8(e, q, m, arena_printf(e->g->a, "a%lld", (long long)(m - m0))));
        }
        e->indent -= 2;
        emit_line(e, "    }");
    }
    if (!vec)
        emit_line(e, "(void)i;");
    if (!q->nnz)
        emit_line(e, "(void)v, (void)p;");
}

/*
 * The x86 body (stride 1 across, 4 or more positions a row): the input as int16
 * pairs q2[2j], q2[2j + 1] = x[j], x[j + 1] (0 past the end); per block of
 * channels, kernel row and pair of columns (kx, kx + 1) (single columns where
 * the dilation is not 1) one load, and per channel with either weight kept
 * one PMADDWD; tc_irq4 requantises (tc_out8 where a channel's shift is > 0).
 */
static void unrolled_x86(Emit *e, const QLayer *q, const Pad *p, const char *fn, int64_t *ram_x86)
{
    const Window *w = &q->win;
    int64_t OH = w->out[0], OW = w->out[1], np = w->c * p->Hp * p->Wp, m0, m, c, ky, kx, nacc;
    int step = w->d[1] == 1 ? 2 : 1;
    Buf acc = {0};

    nacc = q->N < IBLOCK ? q->N : IBLOCK;
    for (m = 0; m < nacc; m++)
        buf_printf(&acc, "%sa%lld", m ? ", " : "", (long long)m);
    emit_line(e, "static short q2[%lld]; /* x[j], x[j + 1] */", (long long)(2 * np));
    emit_line(e, "const short *pq;");
    emit_line(e, "int8_t *o;");
    emit_line(e, "tc_h8 v;");
    emit_line(e, "tc_i4 %s;", acc.p);
    buf_free(&acc);
    *ram_x86 += 4 * np; /* x86 only: INT8_BYTES counts it there alone */
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++) {", (long long)(np - 1));
    emit_line(e, "    q2[2 * i] = x[i];");
    emit_line(e, "    q2[2 * i + 1] = x[i + 1];");
    emit_line(e, "}");
    emit_line(e, "q2[%lld] = x[%lld];", (long long)(2 * np - 2), (long long)(np - 1));
    emit_line(e, "q2[%lld] = 0;", (long long)(2 * np - 1));
    for (m0 = 0; m0 < q->N; m0 += IBLOCK) {
        int64_t nb = q->N - m0 < IBLOCK ? q->N - m0 : IBLOCK;
        emit_line(e, "/* channels %lld to %lld */", (long long)m0, (long long)(m0 + nb - 1));
        emit_line(e, "for (oh = 0; oh < %lld; oh++)", (long long)OH);
        emit_line(e, "    for (ow = 0; ow < %lld; ow += 4) {", (long long)OW);
        e->indent += 2;
        emit_line(e, "if (ow > %lld)", (long long)(OW - 4));
        emit_line(e, "    ow = %lld;", (long long)(OW - 4));
        emit_line(e, "pq = q2 + 2 * (oh * %lld + ow);", (long long)(w->s[0] * p->Wp));
        for (m = 0; m < nb; m++)
            emit_line(e, "a%lld = (tc_i4){0};", (long long)m);
        for (c = 0; c < w->c; c++)
            for (ky = 0; ky < w->k[0]; ky++)
                for (kx = 0; kx < w->k[1]; kx += step) {
                    int64_t k = (c * w->k[0] + ky) * w->k[1] + kx;
                    int any = 0;
                    for (m = m0; m < m0 + nb; m++)
                        any |= q->w[m * q->K + k] || (step == 2 && kx + 1 < w->k[1] && q->w[m * q->K + k + 1]);
                    if (!any)
                        continue;
                    emit_line(e, "v = *(const tc_h8u *)(pq + %lld);", (long long)(2 * tap_offset(w, p, k)));
                    for (m = m0; m < m0 + nb; m++) {
                        int w0 = q->w[m * q->K + k], w1 = step == 2 && kx + 1 < w->k[1] ? q->w[m * q->K + k + 1] : 0;
                        if (w0 || w1)
                            emit_line(e, "a%lld += TC_IMA(v, %d, %d);", (long long)(m - m0), w0, w1);
                    }
                }
        emit_line(e, "o = y + oh * %lld + ow;", (long long)OW);
        for (m = m0; m < m0 + nb; m++) {
            if (q->shift[m] <= 0) {
                emit_line(e, "tc_irq4(o + %lld, a%lld + %ld, %ld, %d, %d, %d, %d);", (long long)(m * OH * OW),
                          (long long)(m - m0), (long)q->b[m], (long)q->mult[m], -(int)q->shift[m], (int)q->out.zp,
                          (int)q->lo, (int)q->hi);
                continue;
            }
            emit_line(e, "for (i = 0; i < 4; i++)");
            emit_line(e, "    o[%lld + i] = %s;", (long long)(m * OH * OW),
                      out8(e, q, m, arena_printf(e->g->a, "a%lld[i]", (long long)(m - m0))));
        }
        e->indent -= 2;
        emit_line(e, "    }");
    }
    (void)fn;
}

/*
 * The unrolled form. Output (m, oh, ow) = out8(b[m] + sum over the kept taps
 * (c, ky, kx) of w * xp[(c * Hp + oh * s0 + ky * d0) * Wp + ow * s1 + kx * d1]),
 * xp the (padded) input: on x86 with PMADDWD, elsewhere with the generic
 * vectors (8 positions) or one position at a time.
 */
static void emit_unrolled(Emit *e, const Node *n, const QLayer *q, const char *fn, int64_t *ram, int64_t *ram_x86)
{
    const Window *w = &q->win;
    Pad p = conv_pad_of(w);
    int64_t OW = w->out[1];
    int x86 = w->s[1] == 1 && OW >= 4, vec = w->s[1] == 1 && OW >= IVW;

    emit_to_fns(e);
    e->indent = 0;
    emit_line(e, "/* node %d: Conv '%s', int8 unrolled: %lld of %lld weights nonzero (stride %lldx%lld, pads %lld,%lld) */",
              n->index, text_comment(e->g->a, n->name), (long long)q->nnz, (long long)(q->N * q->K),
              (long long)w->s[0], (long long)w->s[1], (long long)w->pb[0], (long long)w->pb[1]);
    emit_line(e, "static TC_NOLIB void %s(const int8_t *x, int8_t *y)", fn);
    emit_line(e, "{");
    e->indent = 1;
    emit_line(e, "int32_t oh, ow, i;");
    if (p.padded)
        emit_line(e, "int32_t c;");
    emit_blank(e);
    if (p.padded)
        emit_pad_copy(e, q, fn, &p, ram);
    if (x86) {
        emit_line(e, "#if TC_IX86");
        unrolled_x86(e, q, &p, fn, ram_x86);
        emit_line(e, "#else");
    }
    unrolled_generic(e, q, &p, vec);
    if (x86)
        emit_line(e, "#endif");
    e->indent = 0;
    emit_line(e, "}");
    emit_blank(e);
}

/*
 * The dense form: per output channel m its sums s[oh][ow] (int32), then per
 * tap (c, ky, kx), weight w = W[m][c][ky][kx] (the table in that order, read
 * once), per output row: s[oh][ow] += w * xp[row + ow * s1], a loop over ow
 * that GCC vectorises (int8 x int8 -> int32); then the requantised row.
 */
static void emit_dense(Emit *e, const Node *n, const QLayer *q, const char *fn, int64_t *ram)
{
    const Window *w = &q->win;
    Pad p = conv_pad_of(w);
    int64_t OH = w->out[0], OW = w->out[1], m;
    int64_t *wv = arena_array(e->g->a, (size_t)(q->N * q->K) + 1, sizeof(int64_t));
    for (m = 0; m < q->N * q->K; m++)
        wv[m] = q->w[m];
    emit_to_consts(e);
    emit_line(e, "static const int8_t %s_w[%lld] = {", fn, (long long)(q->N * q->K));
    emit_int_rows(e, wv, q->N * q->K);
    emit_line(e, "};");
    emit_line(e, "static int32_t %s_s[%lld]; /* one channel's sums */", fn, (long long)(OH * OW));
    *ram += 4 * OH * OW;
    for (m = 0; m < q->N; m++)
        wv[m] = q->b[m];
    emit_line(e, "static const int32_t %s_b[%lld] = {", fn, (long long)q->N);
    emit_int_rows(e, wv, q->N);
    emit_line(e, "};");
    for (m = 0; m < q->N; m++)
        wv[m] = q->mult[m];
    emit_line(e, "static const int32_t %s_m[%lld] = {", fn, (long long)q->N);
    emit_int_rows(e, wv, q->N);
    emit_line(e, "};");
    for (m = 0; m < q->N; m++)
        wv[m] = q->shift[m];
    emit_line(e, "static const int8_t %s_e[%lld] = {", fn, (long long)q->N);
    emit_int_rows(e, wv, q->N);
    emit_line(e, "};");
    emit_blank(e);

    emit_to_fns(e);
    e->indent = 0;
    emit_line(e, "/* node %d: Conv '%s', int8 dense: %lld of %lld weights nonzero (stride %lldx%lld, pads %lld,%lld) */",
              n->index, text_comment(e->g->a, n->name), (long long)q->nnz, (long long)(q->N * q->K),
              (long long)w->s[0], (long long)w->s[1], (long long)w->pb[0], (long long)w->pb[1]);
    emit_line(e, "static TC_NOLIB void %s(const int8_t *x, int8_t *y)", fn);
    emit_line(e, "{");
    e->indent = 1;
    emit_line(e, "const int8_t *wp = %s_w;", fn);
    emit_line(e, "int32_t *s = %s_s;", fn);
    emit_line(e, "int32_t m, c, ky, kx, oh, ow, i;");
    emit_blank(e);
    if (p.padded)
        emit_pad_copy(e, q, fn, &p, ram);
    emit_line(e, "for (m = 0; m < %lld; m++) {", (long long)q->N);
    emit_line(e, "    for (i = 0; i < %lld; i++)", (long long)(OH * OW));
    emit_line(e, "        s[i] = %s_b[m];", fn);
    emit_line(e, "    for (c = 0; c < %lld; c++)", (long long)w->c);
    emit_line(e, "        for (ky = 0; ky < %lld; ky++)", (long long)w->k[0]);
    emit_line(e, "            for (kx = 0; kx < %lld; kx++) {", (long long)w->k[1]);
    emit_line(e, "                int32_t wt = *wp++;");
    emit_line(e, "                const int8_t *r = x + (c * %lld + ky * %lld) * %lld + kx * %lld;", (long long)p.Hp,
              (long long)w->d[0], (long long)p.Wp, (long long)w->d[1]);
    emit_blank(e);
    emit_line(e, "                if (wt == 0)");
    emit_line(e, "                    continue;");
    emit_line(e, "                for (oh = 0; oh < %lld; oh++, r += %lld)", (long long)OH, (long long)(w->s[0] * p.Wp));
    emit_line(e, "                    for (ow = 0; ow < %lld; ow++)", (long long)OW);
    emit_line(e, "                        s[oh * %lld + ow] += wt * r[ow * %lld];", (long long)OW, (long long)w->s[1]);
    emit_line(e, "            }");
    emit_line(e, "    for (i = 0; i < %lld; i++)", (long long)(OH * OW));
    emit_line(e, "        *y++ = tc_out8(s[i], %s_m[m], %s_e[m], %d, %d, %d);", fn, fn, (int)q->out.zp, (int)q->lo,
              (int)q->hi);
    emit_line(e, "}");
    e->indent = 0;
    emit_line(e, "}");
    emit_blank(e);
}

void emit_int_conv_fast(Emit *e, const Node *n, const QLayer *q, int64_t *ram, int64_t *ram_x86)
{
    const char *fn = emit_fn_name(e, n);
    if (q->strategy == STRAT_DENSE)
        emit_dense(e, n, q, fn, ram);
    else
        emit_unrolled(e, n, q, fn, ram, ram_x86);
}
