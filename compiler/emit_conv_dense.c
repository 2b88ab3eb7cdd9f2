/*
 * emit_conv_dense.c - the dense form of Conv: every weight, pruned or not,
 * in a table that loops read (emit_conv.c chooses it for STRAT_DENSE).
 *
 * On the host, with constant weights, a register-blocked kernel written with
 * GNU C vector extensions (runtime/tc_preamble.c's dvec block): for P output
 * positions of one row and 2 vectors of output channels (2 * TC_DVW), 2P
 * accumulators stay in registers over all the taps; each tap loads its 2
 * weight vectors once and multiplies them by the P input values (each a
 * broadcast), and each output is stored once. The weights are laid out in
 * the order the kernel reads them: [group][c][kh][kw][m], m padded. Positions
 * whose window leaves the input (and the ends of rows) are computed one at a
 * time over the taps inside the input (ranges per row and per column, no
 * check per tap). Without TC_DVEC, the same sums in the same order, an
 * output at a time.
 *
 * Elsewhere (Cortex-M, run-time weights, groups of few output channels) the
 * plain loops: one tap at a time over all the output positions it reaches.
 */
#include <math.h>
#include <string.h>

#include "emit.h"

/* Output channels of a
 * group are padded to CD_PAD in the table; below CD_MIN_MG per group the plain
 * loops (a depthwise Conv would fill one lane of 16). */
enum { CD_PAD = 16, CD_TAIL = 32, CD_MIN_MG = 4 };

typedef struct {
    Window w;
    int64_t cg, mg;     /* input, output channels per group */
    int64_t nnz, total; /* kept weights, all weights */
    int64_t oha, ohb;   /* rows whose window lies inside the input vertically: [oha, ohb) */
    int64_t owa, owb;   /* columns likewise, horizontally */
    int skip;           /* blocks skip the input rows that are all 0 (conv_skips_zeros) */
    int relu0;          /* the fused ReLU writes +0 for -0 (every variant, where the layer skips) */
} Dense;

static void int_rows(Emit *e, const char *name, const int64_t *v, int64_t count)
{
    emit_to_consts(e);
    emit_line(e, "static const int %s%s[%lld] = {", emit_weights_attr(e), name, (long long)count);
    emit_int_rows(e, v, count);
    emit_line(e, "};");
}

/* Per kernel offset k along axis a, the output positions whose tap k lies inside the input: [lo[k], hi[k]). */
static void tap_ranges(const Window *w, int a, int64_t *lo, int64_t *hi)
{
    int64_t k;
    for (k = 0; k < w->k[a]; k++) {
        int64_t first = w->pb[a] - k * w->d[a];          /* o * s >= first */
        int64_t last = w->in[a] - 1 + w->pb[a] - k * w->d[a]; /* o * s <= last */
        lo[k] = first <= 0 ? 0 : (first + w->s[a] - 1) / w->s[a];
        hi[k] = last < 0 ? 0 : last / w->s[a] + 1;
        if (hi[k] > w->out[a])
            hi[k] = w->out[a];
        if (lo[k] > hi[k])
            lo[k] = hi[k];
    }
}

/* Per output position o along axis a, the kernel offsets whose tap lies inside the input: [lo[o], hi[o]). */
static void pos_ranges(const Window *w, int a, int64_t *lo, int64_t *hi)
{
    int64_t o, k;
    for (o = 0; o < w->out[a]; o++) {
        lo[o] = hi[o] = 0;
        for (k = 0; k < w->k[a]; k++) {
            int64_t i = o * w->s[a] - w->pb[a] + k * w->d[a];
            if (i < 0)
                lo[o] = k + 1;
            else if (i < w->in[a])
                hi[o] = k + 1;
        }
        if (hi[o] < lo[o])
            hi[o] = lo[o];
    }
}

/*
 * Plain: y[m] = b[m], then for each tap (c, kh, kw) of channel m, over the
 * output positions it reaches inside the input (precomputed ranges, so no
 * checks): y[m][oh][ow] += W[m][c][kh][kw] * x[c][oh*sh - pt + kh*dh][ow*sw - pl + kw*dw].
 * Weights and bias may be constant tables or run-time inputs.
 */
static void emit_plain(Emit *e, const Node *n, const Dense *d)
{
    Graph *g = e->g;
    const Window *w = &d->w;
    const char *name = emit_fn_name(e, n);
    int64_t H = w->in[0], W = w->in[1], OH = w->out[0], OW = w->out[1];
    int64_t *lo = arena_array(g->a, (size_t)(w->k[0] + w->k[1]) * 2 + 1, sizeof(int64_t));
    const char *wt = emit_operand(e, n, 1);
    int has_bias = n->n_in >= 3 && n->in[2] != TC_NONE;
    const char *bias = has_bias ? arena_printf(g->a, "%s[m]", emit_operand(e, n, 2)) : "0.0f";

    tap_ranges(w, 0, lo, lo + w->k[0]);
    tap_ranges(w, 1, lo + 2 * w->k[0], lo + 2 * w->k[0] + w->k[1]);
    int_rows(e, arena_printf(g->a, "%s_hlo", name), lo, w->k[0]);
    int_rows(e, arena_printf(g->a, "%s_hhi", name), lo + w->k[0], w->k[0]);
    int_rows(e, arena_printf(g->a, "%s_wlo", name), lo + 2 * w->k[0], w->k[1]);
    int_rows(e, arena_printf(g->a, "%s_whi", name), lo + 2 * w->k[0] + w->k[1], w->k[1]);
    emit_blank(e);
    emit_begin_fn(e, n, "", g->t[n->in[1]].f ? arena_printf(g->a, " -- %s of %s weights kept, dense", text_num(g->a, d->nnz),
                                                             text_num(g->a, d->total))
                                             : " -- run-time weights, dense");
    emit_line(e, "int b, m, c, kh, kw, oh, ow;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)w->batch);
    e->indent++;
    emit_line(e, "for (m = 0; m < %lld; m++) {", (long long)w->m);
    e->indent++;
    emit_line(e, "const float *xb = %s + (b * %lld + m / %lld * %lld) * %lld;", emit_operand(e, n, 0), (long long)w->c, (long long)d->mg,
              (long long)d->cg, (long long)(H * W));
    emit_line(e, "float *ym = y + (b * %lld + m) * %lld;", (long long)w->m, (long long)(OH * OW));
    emit_blank(e);
    emit_line(e, "for (oh = 0; oh < %lld; oh++)", (long long)(OH * OW));
    e->indent++;
    emit_line(e, "ym[oh] = %s;", bias);
    e->indent--;
    emit_line(e, "for (c = 0; c < %lld; c++)", (long long)d->cg);
    e->indent++;
    emit_line(e, "for (kh = 0; kh < %lld; kh++)", (long long)w->k[0]);
    e->indent++;
    emit_line(e, "for (kw = 0; kw < %lld; kw++) {", (long long)w->k[1]);
    e->indent++;
    emit_line(e, "const float wv = %s[((m * %lld + c) * %lld + kh) * %lld + kw];", wt, (long long)d->cg, (long long)w->k[0],
              (long long)w->k[1]);
    emit_blank(e);
    emit_line(e, "for (oh = %s_hlo[kh]; oh < %s_hhi[kh]; oh++) {", name, name);
    e->indent++;
    emit_line(e, "const int r = c * %lld + (oh * %lld - %lld + kh * %lld) * %lld - %lld + kw * %lld;", (long long)(H * W),
              (long long)w->s[0], (long long)w->pb[0], (long long)w->d[0], (long long)W, (long long)w->pb[1], (long long)w->d[1]);
    emit_blank(e);
    emit_line(e, "for (ow = %s_wlo[kw]; ow < %s_whi[kw]; ow++)", name, name);
    e->indent++;
    emit_line(e, "ym[oh * %lld + ow] += wv * xb[r + ow * %lld];", (long long)OW, (long long)w->s[1]);
    e->indent -= 2;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
    e->indent -= 2;
    if (n->act != OP_COUNT) {
        emit_line(e, "for (oh = 0; oh < %lld; oh++)", (long long)(OH * OW));
        e->indent++;
        emit_line(e, "ym[oh] = %s;", emit_act(e, n, n->act, n->act_alpha, "ym[oh]"));
        e->indent--;
    }
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_end_fn(e);
}

/* The interior [a, b) of axis a: the positions whose every tap lies inside the input. */
static void interior(const Window *w, int a, int64_t *first, int64_t *end)
{
    int64_t o, f = -1, l = -1;
    for (o = 0; o < w->out[a]; o++) {
        int64_t i = o * w->s[a] - w->pb[a];
        if (i >= 0 && i + (w->k[a] - 1) * w->d[a] < w->in[a]) {
            if (f < 0)
                f = o;
            l = o;
        }
    }
    *first = f < 0 ? 0 : f;
    *end = f < 0 ? 0 : l + 1;
}

/* "xs * wv + acc" into acc: fused where the target fuses (TC_DFMA), as --no-fma asks. */
static void vfma(Emit *e, const char *acc, const char *xs, const char *wv)
{
    if (e->opt->no_fma)
        emit_line(e, "%s += %s * %s;", acc, xs, wv);
    else
        emit_line(e, "%s = TC_DFMA(%s, %s, %s);", acc, xs, wv, acc);
}

/*
 * A block holds CB output channels (32, or 16 where a group has no more),
 * MV = CB / TC_DVW vectors, for P positions: P * MV accumulators, sized to
 * the target's registers. Per tap, P broadcasts and MV weight vectors feed
 * P * MV multiply-adds. One variant per vector width (preprocessor).
 */
typedef struct {
    const char *cond; /* the preprocessor condition */
    int lanes;        /* TC_DVW */
    int acc;          /* accumulators (registers for them) */
    int skip;         /* skips zero inputs where the layer does (measured: not on AVX, whose */
} Variant;           /* 16 registers then spill; NEON not measured) */
/* the variants above with skip set, as a preprocessor condition */
#define CD_SKIP_COND "TC_DVEC && (TC_DVW == 16 || (TC_DVW == 4 && !defined(__aarch64__)))"

static const Variant variants[] = {
    {"TC_DVW == 16", 16, 24, 1}, /* AVX-512: 32 registers */
    {"TC_DVW == 8", 8, 12, 0}, /* AVX: 16 */
    {"defined(__aarch64__)", 4, 24, 0}, /* NEON: 32 */
    {NULL, 4, 12, 1}, /* SSE: 16, two-operand */
};
/* SSE's 8 x 1 measured against other blockings on Conv-2's conv2 (32 -> 32,
 * 3x3, 24x24, dense; -O2; min per call, loaded 2-core EPYC): 8 x 1 244 us,
 * 4 x 2 251, 4 x 3 253, 2 x 6 258, 2 x 4 262, 2 x 5 282 (channel vectors x
 * positions). Two-operand SSE needs a copy for every multiply of a reused
 * vector, so every blocking costs about 3 instructions a multiply-add; 8 x 1
 * already issues 3.75 (its one broadcast a tap is the only extra). */

/* "a<p>_<v>" */
static const char *acc_name(Emit *e, int p, int v) { return arena_printf(e->g->a, "a%d_%d", p, v); }

/* " + <v> * TC_DVW", "" for v = 0 */
static const char *lane_off(Emit *e, int v) { return v ? arena_printf(e->g->a, " + %d * TC_DVW", v) : ""; }

/*
 * The stores of a block of P positions from column ow: accumulator a<p>_<v>
 * holds channels m0 + v*TC_DVW .. of position p; through t, each output
 * channel j < mn gets its P outputs, the activation applied (ReLU a vector
 * at a time, before).
 */
/*
 * The transposed stores (emit_stores_tr) apply to AVX-512's blocks of at
 * least 7 positions, ReLU or no activation (the others stay a float at a
 * time through t). Measured on ResNet-18 r10 (-O3 -march=native, AVX-512
 * EPYC, thread CPU time, least of 7 rounds of 5, three runs): the 7x7/s2
 * stem (blocks of 11) 1791-1843 -> 1704-1794 us, the 1x1/s2 shortcuts over
 * 28, 14, 7 columns (blocks of 10, 7, 7) 120-126 -> 83-89, 91-92 -> 79-84,
 * 111-122 -> 101-112 us. Not
 * measured for AVX2, SSE and NEON (whose blocks for ResNet-18 are of 3
 * positions or 1), nor for blocks of 4 to 6.
 */
static int transposed(const Node *n, int P, int lanes)
{
    return (n->act == OP_RELU || n->act == OP_COUNT) && lanes == 16 && P >= 7;
}

/* "__builtin_shufflevector(r, r, from, .., from + h - 1)": lanes [from, from + h) of r */
static const char *sub_lanes(Emit *e, const char *r, int from, int h)
{
    Buf b = {0};
    const char *s;
    int i;
    for (i = 0; i < h; i++)
        buf_printf(&b, ", %d", from + i);
    s = arena_printf(e->g->a, "__builtin_shufflevector(%s, %s%s)", r, r, b.p);
    buf_free(&b);
    return s;
}

/*
 * The block's stores transposed in registers (GNU C 12 or clang): per
 * vector v of channels and chunk of up to L = lanes positions from q, the
 * accumulators a<q + i>_<v>, read back from t, as rows r<i> (rows past the
 * block copies of r0), log2(L) rounds of two-vector shuffles as in emit_conv_wino.c's
 * block transpose (round b: rows i and i + b, i & b = 0, swap their
 * off-diagonal b x b blocks), after which r<j> holds channel j's outputs at
 * positions q .. in its lanes; its k = min(L, P - q) lanes stored as a
 * vector, or as two overlapping vectors of h lanes (the largest power of 2
 * <= k: [0, h) and [k - h, k), both the same values where they overlap).
 * Channels past the block's mn are not stored.
 */
static void emit_stores_tr(Emit *e, const Dense *d, int P, int MV, int L, int CB)
{
    const Window *w = &d->w;
    const int64_t OHW = w->out[0] * w->out[1];
    const int64_t tail = d->mg % CB; /* the last block's mn, 0 where every block is full */
    int v, q, i, j;
    if (!tail)
        emit_line(e, "(void)mn;");
    for (v = 0; v < MV; v++)
        for (q = 0; q < P; q += L) {
            int k = P - q < L ? P - q : L, h = 1;
            Buf ld = {0};
            while (h * 2 <= k)
                h *= 2;
            emit_line(e, "{");
            e->indent++;
            for (i = 0; i < L; i++)
                buf_printf(&ld, "%sr%d = *(const tc_dvfu *)(t + %d * TC_DVW)", i ? ", " : "", i, (q + (i < k ? i : 0)) * MV + v);
            emit_line(e, "tc_dvf %s, t0, t1;", ld.p);
            buf_free(&ld);
            emit_line(e, "float *yv = y + %lld;", (long long)(v * L * OHW + q));
            emit_blank(e);
            emit_transpose_butterfly(e, L);
            for (j = 0; j < L; j++) {
                const char *r = arena_printf(e->g->a, "r%d", j);
                const char *yj = arena_printf(e->g->a, "yv + %lld", (long long)(j * OHW));
                if (tail && v * L + j >= tail)
                    emit_line(e, "if (mn > %d)", v * L + j);
                if (tail && v * L + j >= tail)
                    e->indent++;
                if (k == L)
                    emit_line(e, "*(tc_dvfu *)(%s) = %s;", yj, r);
                else if (h == 1)
                    emit_line(e, "*(%s) = %s[0];", yj, r);
                else if (h == k)
                    emit_line(e, "*(tc_dh%d *)(%s) = %s;", h, yj, sub_lanes(e, r, 0, h));
                else {
                    emit_line(e, "{");
                    emit_line(e, "    *(tc_dh%d *)(%s) = %s;", h, yj, sub_lanes(e, r, 0, h));
                    emit_line(e, "    *(tc_dh%d *)(%s + %d) = %s;", h, yj, k - h, sub_lanes(e, r, k - h, h));
                    emit_line(e, "}");
                }
                if (tail && v * L + j >= tail)
                    e->indent--;
            }
            e->indent--;
            emit_line(e, "}");
        }
}

static void emit_stores(Emit *e, const Node *n, const Dense *d, const char *name, int P, int MV, int L)
{
    const Window *w = &d->w;
    int p, v;
    const int64_t OHW = w->out[0] * w->out[1];
    for (p = 0; p < P; p++)
        for (v = 0; v < MV; v++) {
            const char *a = acc_name(e, p, v);
            if (n->act == OP_RELU)
                /* (s < 0.0f ? 0.0f : s) a vector at a time; with d->skip
                 * (s <= 0.0f ? 0.0f : s), +0 for either zero */
                emit_line(e, "%s = (tc_dvf)((tc_dvi)%s & ~(tc_dvi)(%s %s (tc_dvf){0}));", a, a, a, d->relu0 ? "<=" : "<");
            if (!transposed(n, P, L))
                emit_line(e, "*(tc_dvfu *)(t + %d * TC_DVW) = %s;", p * MV + v, a);
        }
    if (transposed(n, P, L)) {
        for (p = 0; p < P; p++)
            for (v = 0; v < MV; v++)
                emit_line(e, "*(tc_dvfu *)(t + %d * TC_DVW) = %s;", p * MV + v, acc_name(e, p, v));
        emit_line(e, "#if defined(__clang__) || __GNUC__ >= 12");
        emit_line(e, "%s_st(t, yg + m0 * %lld + oh * %lld + ow, mn);", name, (long long)OHW, (long long)w->out[1]);
        emit_line(e, "#else");
    }
    emit_line(e, "for (j = 0; j < mn; j++) {");
    e->indent++;
    emit_line(e, "float *yj = yg + (m0 + j) * %lld + oh * %lld + ow;", (long long)OHW, (long long)w->out[1]);
    emit_blank(e);
    for (p = 0; p < P; p++) {
        const char *t = arena_printf(e->g->a, "t[%d * TC_DVW + j]", p * MV);
        emit_line(e, "yj[%d] = %s;", p, n->act == OP_RELU || n->act == OP_COUNT ? t : emit_act(e, n, n->act, n->act_alpha, t));
    }
    e->indent--;
    emit_line(e, "}");
    if (transposed(n, P, L))
        emit_line(e, "#endif");
}

/* a<p>_<v> = b<v> for the P positions */
static void emit_acc_init(Emit *e, int P, int MV)
{
    Buf acc = {0};
    int p, v;
    for (p = 0; p < P; p++)
        for (v = 0; v < MV; v++)
            buf_printf(&acc, "%s%s = b%d", p || v ? ", " : "", acc_name(e, p, v), v);
    emit_line(e, "tc_dvf %s;", acc.p);
    buf_free(&acc);
}

/*
 * With d->skip, the input rows (c, kh) of the block whose inputs are all 0
 * are left out: zg holds per input row (c, ih) a bit per column that is not
 * 0, so the block's inputs in row (c, kh), for every kw, are all 0 when the
 * row's bits from column ow*sw - pl over (P-1)*sw + (KW-1)*dw + 1 columns
 * are clear. nz[0..n) lists the other rows in (c, kh) order: every output
 * keeps its sums in the same order, less products x * w = +-0 (the weights
 * are finite), which change at most the sign of a zero sum, and the ReLU
 * writes +0 for either. (Rows rather than taps: a list entry and its test
 * cost as much as a tap's multiply-adds at P = 1.)
 */
static void emit_row_list(Emit *e, const Dense *d, int P)
{
    const Window *w = &d->w;
    int64_t H = w->in[0], span = (P - 1) * w->s[1] + (w->k[1] - 1) * w->d[1] + 1;
    int kh;

    emit_line(e, "const unsigned long long *zr = zg + oh * %lld - %lld;", (long long)w->s[0], (long long)w->pb[0]);
    emit_line(e, "const int iw = ow * %lld - %lld;", (long long)w->s[1], (long long)w->pb[1]);
    emit_line(e, "int n = 0, i;");
    emit_blank(e);
    emit_line(e, "for (c = 0; c < %lld; c++) {", (long long)d->cg);
    e->indent++;
    emit_line(e, "const unsigned long long *zc = zr + c * %lld;", (long long)H);
    emit_blank(e);
    /* kh written out: a few rows, a load, a shift and a test each */
    for (kh = 0; kh < w->k[0]; kh++) {
        emit_line(e, "nz[n] = (unsigned short)(c * %lld + %d);", (long long)w->k[0], kh);
        emit_line(e, "n += (zc[%lld] >> iw & 0x%llxull) != 0;", (long long)(kh * w->d[0]),
                  (unsigned long long)(span >= 64 ? ~0ull : (1ull << span) - 1));
    }
    e->indent--;
    emit_line(e, "}");
}

/*
 * The block of P interior positions at (oh, ow): a<p>_<v> = b[m0 + v*TC_DVW ..],
 * then for each tap (c, kh, kw) in order, with the weights wv<v> of the
 * tap's MV vectors of channels, a<p>_<v> = x[c][ih + kh*dh][iw + p*sw + kw*dw] * wv<v> + a<p>_<v>.
 * With d->skip, only the rows (c, kh) in nz (emit_row_list), through the
 * offsets in <name>_xo, and kw a loop inside.
 */
static void emit_block(Emit *e, const Dense *d, const char *name, int P, int MV)
{
    const Window *w = &d->w;
    int64_t H = w->in[0], W = w->in[1], MGP = (d->mg + CD_PAD - 1) / CD_PAD * CD_PAD;
    int p, v;
    Buf wl = {0};

    emit_line(e, "const float *xp = xg + (oh * %lld - %lld) * %lld + ow * %lld - %lld;", (long long)w->s[0], (long long)w->pb[0],
              (long long)W, (long long)w->s[1], (long long)w->pb[1]);
    emit_line(e, "const float *wp = wg + m0;");
    if (d->skip)
        emit_row_list(e, d, P);
    emit_acc_init(e, P, MV);
    emit_blank(e);
    if (d->skip) {
        emit_line(e, "for (i = 0; i < n; i++) {");
        e->indent++;
        emit_line(e, "const float *xq = xp + %s_xo[nz[i]];", name);
        emit_line(e, "const float *wq = wp + nz[i] * %lld;", (long long)(w->k[1] * MGP));
        emit_blank(e);
        emit_line(e, "for (kw = 0; kw < %lld; kw++, wq += %lld) {", (long long)w->k[1], (long long)MGP);
        e->indent++;
        emit_line(e, "const float *xr = xq + kw * %lld;", (long long)w->d[1]);
        for (v = 0; v < MV; v++)
            buf_printf(&wl, "%swv%d = *(const tc_dvfu *)(wq%s)", v ? ", " : "", v, lane_off(e, v));
    } else {
        emit_line(e, "for (c = 0; c < %lld; c++)", (long long)d->cg);
        e->indent++;
        emit_line(e, "for (kh = 0; kh < %lld; kh++)", (long long)w->k[0]);
        e->indent++;
        emit_line(e, "for (kw = 0; kw < %lld; kw++, wp += %lld) {", (long long)w->k[1], (long long)MGP);
        e->indent++;
        emit_line(e, "const float *xr = xp + c * %lld + kh * %lld + kw * %lld;", (long long)(H * W), (long long)(w->d[0] * W),
                  (long long)w->d[1]);
        for (v = 0; v < MV; v++)
            buf_printf(&wl, "%swv%d = *(const tc_dvfu *)(wp%s)", v ? ", " : "", v, lane_off(e, v));
    }
    emit_line(e, "const tc_dvf %s;", wl.p);
    buf_free(&wl);
    emit_line(e, "tc_dvf xs;");
    /* xr opaque: else compilers keep the inputs that the next kw reads at
     * the neighbouring position in registers, and spill accumulators */
    emit_line(e, "TC_BASE(xr);");
    emit_blank(e);
    for (p = 0; p < P; p++) {
        emit_line(e, "xs = TC_DSPLAT(xr[%lld]);", (long long)(p * w->s[1]));
        for (v = 0; v < MV; v++)
            vfma(e, acc_name(e, p, v), "xs", arena_printf(e->g->a, "wv%d", v));
    }
    e->indent--;
    emit_line(e, "}");
    if (d->skip) {
        e->indent--;
        emit_line(e, "}");
    } else
        e->indent -= 2;
}

/* One position (oh, ow), over the taps inside the input: kh in [hlo, hhi), kw in [wlo, whi). */
static void emit_one(Emit *e, const Dense *d, const char *name, int vrange, int hrange, int MV)
{
    const Window *w = &d->w;
    int64_t H = w->in[0], W = w->in[1], MGP = (d->mg + CD_PAD - 1) / CD_PAD * CD_PAD;
    int v;

    emit_line(e, "const int r = (oh * %lld - %lld) * %lld + ow * %lld - %lld;", (long long)w->s[0], (long long)w->pb[0], (long long)W,
              (long long)w->s[1], (long long)w->pb[1]);
    emit_acc_init(e, 1, MV);
    emit_blank(e);
    emit_line(e, "for (c = 0; c < %lld; c++)", (long long)d->cg);
    e->indent++;
    if (vrange)
        emit_line(e, "for (kh = %s_hlo[oh]; kh < %s_hhi[oh]; kh++)", name, name);
    else
        emit_line(e, "for (kh = 0; kh < %lld; kh++)", (long long)w->k[0]);
    e->indent++;
    if (hrange)
        emit_line(e, "for (kw = %s_wlo[ow]; kw < %s_whi[ow]; kw++) {", name, name);
    else
        emit_line(e, "for (kw = 0; kw < %lld; kw++) {", (long long)w->k[1]);
    e->indent++;
    emit_line(e, "const float *wq = wg + m0 + ((c * %lld + kh) * %lld + kw) * %lld;", (long long)w->k[0], (long long)w->k[1],
              (long long)MGP);
    emit_line(e, "const tc_dvf xs = TC_DSPLAT(xg[r + c * %lld + kh * %lld + kw * %lld]);", (long long)(H * W),
              (long long)(w->d[0] * W), (long long)w->d[1]);
    emit_blank(e);
    for (v = 0; v < MV; v++)
        vfma(e, acc_name(e, 0, v), "xs", arena_printf(e->g->a, "*(const tc_dvfu *)(wq%s)", lane_off(e, v)));
    e->indent--;
    emit_line(e, "}");
    e->indent -= 2;
}

/* The loops over the columns of row oh: blocks of P where the row and P columns are interior, else one at a time. */
static void emit_row(Emit *e, const Node *n, const Dense *d, const char *name, int P, int MV, int L)
{
    const Window *w = &d->w;
    int vrange = d->oha > 0 || d->ohb < w->out[0], hrange = d->owa > 0 || d->owb < w->out[1];
    const char *cond;
    int64_t width = d->owb - d->owa;
    if (width < P)
        cond = NULL;
    else if (vrange)
        cond = arena_printf(e->g->a, "oh >= %lld && oh < %lld && ow >= %lld && ow < %lld", (long long)d->oha, (long long)d->ohb,
                            (long long)d->owa, (long long)d->owb);
    else if (d->owa > 0)
        cond = arena_printf(e->g->a, "ow >= %lld && ow < %lld", (long long)d->owa, (long long)d->owb);
    else
        cond = arena_printf(e->g->a, "ow < %lld", (long long)d->owb);
    emit_line(e, "for (ow = 0; ow < %lld;) {", (long long)w->out[1]);
    e->indent++;
    if (cond) {
        emit_line(e, "if (%s) {", cond);
        e->indent++;
        if (width % P) {
            /* the last block moved back to end at owb: the columns it
             * computes again get the same sums in the same order */
            emit_line(e, "if (ow > %lld)", (long long)(d->owb - P));
            e->indent++;
            emit_line(e, "ow = %lld;", (long long)(d->owb - P));
            e->indent--;
        }
        emit_block(e, d, name, P, MV);
        emit_stores(e, n, d, name, P, MV, L);
        emit_line(e, "ow += %d;", P);
        e->indent--;
        emit_line(e, "} else {");
        e->indent++;
    } else
        emit_line(e, "{");
    emit_one(e, d, name, vrange, hrange, MV);
    emit_stores(e, n, d, name, 1, MV, L);
    emit_line(e, "ow++;");
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
}

/* zg[c * H + ih]: a bit per column of input row (c, ih) that is not 0 */
static void emit_zero_bits(Emit *e, const Dense *d)
{
    int64_t H = d->w.in[0], W = d->w.in[1];
    emit_line(e, "unsigned long long zg[%lld]; /* per input row, a bit per column that is not 0 */", (long long)(d->cg * H));
    emit_line(e, "unsigned short nz[%lld]; /* a block's input rows (c, kh) not all 0 */", (long long)(d->cg * d->w.k[0]));
    emit_blank(e);
    emit_line(e, "for (oh = 0; oh < %lld; oh++) {", (long long)(d->cg * H));
    e->indent++;
    emit_line(e, "const float *xr = xg + oh * %lld;", (long long)W);
    emit_line(e, "unsigned long long bits = 0;");
    emit_blank(e);
    /* a vector of columns at a time (TC_DNZ), the last one ending at
     * the row's end (overlapping: or-ing a bit twice is harmless) */
    emit_line(e, "if (TC_DVW <= %lld) {", (long long)W);
    e->indent++;
    emit_line(e, "for (ow = 0; ow + TC_DVW <= %lld; ow += TC_DVW)", (long long)W);
    e->indent++;
    emit_line(e, "bits |= (unsigned long long)TC_DNZ(xr + ow) << ow;");
    e->indent--;
    /* (& 63: no negative shift count for the compiler to reject where the row is
     * narrower than a vector and this branch is dead) */
    emit_line(e, "bits |= (unsigned long long)TC_DNZ(xr + %lld - TC_DVW) << ((%lld - TC_DVW) & 63);", (long long)W, (long long)W);
    e->indent--;
    emit_line(e, "} else");
    e->indent++;
    emit_line(e, "for (ow = 0; ow < %lld; ow++)", (long long)W);
    e->indent++;
    emit_line(e, "bits |= (unsigned long long)(xr[ow] != 0.0f) << ow;");
    e->indent -= 2;
    emit_line(e, "zg[oh] = bits;");
    e->indent--;
    emit_line(e, "}");
}

/*
 * Positions a block for rows of width interior columns, at most pmax (the
 * accumulators' share): the width in as few blocks as pmax allows, spread
 * evenly (7 columns: one block of 7, not 7 positions one at a time; 28: 3
 * blocks of 10, the last moved back; 109: 10 of 11 rather than 9 of 12 and
 * one alone), the columns a block moved back computes twice getting the same
 * sums in the same order. Measured on ResNet-18 r10's 1x1/s2 shortcuts (dense
 * by density; -O3 -march=native, AVX-512, thread CPU time, least of 5 rounds):
 * over 28, 14 and 7 columns 148, 138, 451 us with blocks of 12 against 142,
 * 108, 122 (the 7 columns had no block at all, every output alone).
 */
static int block_positions(int pmax, int64_t width)
{
    int64_t nb;
    if (pmax < 1)
        return 1;
    if (width < 1)
        return pmax;
    nb = (width + pmax - 1) / pmax;
    return (int)((width + nb - 1) / nb);
}

/* The positions of variant va's blocks, 0 where the row has none (emit_row) */
static int variant_positions(const Dense *d, int CB, const Variant *va)
{
    int P = block_positions(va->acc / (CB / va->lanes), d->owb - d->owa);
    if (P < 1)
        P = 1;
    return d->owb - d->owa < P ? 0 : P;
}

/*
 * Per variant whose blocks are stored transposed, <name>_st(t, y, mn): the
 * block's outputs from t to y (emit_stores_tr). A function of its own, not
 * inlined: inside the block's loop, the transpose's registers made gcc spill
 * an accumulator in the loop over the taps (ResNet-18 r10's stem: 1.9 ->
 * 2.3 ms).
 */
static void emit_store_fns(Emit *e, const Node *n, const Dense *d, const char *name, int CB)
{
    int i, any = 0;
    const int nv = (int)(sizeof variants / sizeof variants[0]);
    for (i = 0; i < nv; i++)
        any |= variant_positions(d, CB, &variants[i]) && transposed(n, variant_positions(d, CB, &variants[i]), variants[i].lanes);
    if (!any)
        return;
    emit_to_fns(e);
    e->indent = 0;
    emit_line(e, "#if TC_DVEC && (defined(__clang__) || __GNUC__ >= 12)");
    emit_line(e, "#ifndef TC_DNOINLINE");
    emit_line(e, "#define TC_DNOINLINE __attribute__((noinline))");
    emit_line(e, "#endif");
    for (i = 0; i < nv; i++) {
        const Variant *va = &variants[i];
        int P = variant_positions(d, CB, va), MV = CB / va->lanes, q, k, h, used = 0;
        if (va->cond)
            emit_line(e, "#%s %s", i ? "elif" : "if", va->cond);
        else
            emit_line(e, "#else");
        if (!P || !transposed(n, P, va->lanes))
            continue;
        emit_line(e, "/* a block's %d x %d outputs from t ([position][channel]) into y ([channel][position]), channels < mn */", P, CB);
        emit_line(e, "static TC_NOLIB TC_DNOINLINE void %s_st(const float *t, float *y, int mn)", name);
        emit_line(e, "{");
        e->indent = 1;
        /* the vector types of the partial stores */
        for (q = 0; q < P; q += va->lanes) {
            k = P - q < va->lanes ? P - q : va->lanes;
            for (h = 1; h * 2 <= k; h *= 2)
                ;
            if (k < va->lanes && h > 1 && !(used & h)) {
                used |= h;
                emit_line(e, "typedef float tc_dh%d __attribute__((vector_size(%d), aligned(4), may_alias));", h, h * 4);
            }
        }
        emit_stores_tr(e, d, P, MV, va->lanes, CB);
        e->indent = 0;
        emit_line(e, "}");
    }
    emit_line(e, "#endif");
    emit_line(e, "#endif");
    emit_blank(e);
}

/* One variant's loops: rows, blocks of CB channels from m0, columns. */
static void emit_variant(Emit *e, const Node *n, const Dense *layer, const char *name, int CB, const Variant *va)
{
    int MV = CB / va->lanes, P = block_positions(va->acc / MV, layer->owb - layer->owa), v;
    Buf bl = {0};
    Dense dv = *layer, *d = &dv;
    dv.skip = layer->skip && va->skip;
    if (d->skip) {
        emit_line(e, "{");
        e->indent++;
        emit_zero_bits(e, d);
        emit_blank(e);
    }
    emit_line(e, "for (oh = 0; oh < %lld; oh++)", (long long)d->w.out[0]);
    e->indent++;
    emit_line(e, "for (m0 = 0; m0 < %lld; m0 += %d) {", (long long)d->mg, CB);
    e->indent++;
    emit_line(e, "const int mn = %lld - m0 < %d ? %lld - m0 : %d;", (long long)d->mg, CB, (long long)d->mg, CB);
    for (v = 0; v < MV; v++)
        buf_printf(&bl, "%sb%d = *(const tc_dvfu *)(bg + m0%s)", v ? ", " : "", v, lane_off(e, v));
    emit_line(e, "const tc_dvf %s;", bl.p);
    buf_free(&bl);
    emit_blank(e);
    emit_row(e, n, d, name, P < 1 ? 1 : P, MV, va->lanes);
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    if (d->skip) {
        e->indent--;
        emit_line(e, "}");
    }
}

/*
 * Blocked (host, constant weights): tables W[g][c][kh][kw][m] and b[g][m],
 * m padded with zeros to a multiple of CD_PAD (and CD_TAIL zeros after, which
 * the last block of channels may read into lanes it does not store). For each
 * row oh and block of 2 * TC_DVW output channels from m0, blocks of P
 * positions, then the rest one at a time. Every output y = b, then
 * y = x * W + y for each tap inside the input in (c, kh, kw) order.
 */
static void emit_blocked(Emit *e, const Node *n, const Dense *d)
{
    Graph *g = e->g;
    const Window *w = &d->w;
    const char *name = emit_fn_name(e, n);
    int64_t H = w->in[0], W = w->in[1], OH = w->out[0], OW = w->out[1], KH = w->k[0], KW = w->k[1];
    int64_t MGP = (d->mg + CD_PAD - 1) / CD_PAD * CD_PAD, taps = d->cg * KH * KW;
    int64_t count = w->group * taps * MGP, gi, c, t, m;
    const float *wt = g->t[n->in[1]].f;
    const float *bias = n->n_in >= 3 && n->in[2] != TC_NONE ? g->t[n->in[2]].f : NULL;
    float *row = arena_array(g->a, (size_t)(MGP > CD_TAIL ? MGP : CD_TAIL), sizeof *row);
    int vrange = d->oha > 0 || d->ohb < OH, hrange = d->owa > 0 || d->owb < OW, i;
    int CB = d->mg <= 16 ? 16 : 32, tmax = 0;
    const char *xb = emit_operand(e, n, 0);

    for (i = 0; i < (int)(sizeof variants / sizeof variants[0]); i++)
        if (variants[i].acc * variants[i].lanes > tmax)
            tmax = variants[i].acc * variants[i].lanes;
    e->used_dvec = 1;
    if (!e->opt->no_fma)
        e->used_fma = 1;
    emit_to_consts(e);
    emit_line(e, "/* node %d: weights of '%s' as [group][c][kh][kw][m], m padded with zeros to %lld */", n->index,
              text_comment(g->a, n->name), (long long)MGP);
    emit_line(e, "static const float %s%s_w[%lld] TC_DALIGN = {", emit_weights_attr(e), name, (long long)(count + CD_TAIL));
    for (gi = 0; gi < w->group; gi++)
        for (c = 0; c < d->cg; c++)
            for (t = 0; t < KH * KW; t++) {
                for (m = 0; m < MGP; m++) {
                    /* -0 is a pruned weight too: written 0.0f */
                    float v = m < d->mg ? wt[((gi * d->mg + m) * d->cg + c) * KH * KW + t] : 0.0f;
                    row[m] = v == 0.0f ? 0.0f : v;
                }
                emit_lit_rows(e, n, row, MGP);
            }
    memset(row, 0, (size_t)CD_TAIL * sizeof *row);
    emit_lit_rows(e, n, row, CD_TAIL);
    emit_line(e, "};");
    emit_line(e, "static const float %s%s_b[%lld] = {", emit_weights_attr(e), name, (long long)(w->group * MGP + CD_TAIL));
    for (gi = 0; gi < w->group; gi++) {
        for (m = 0; m < MGP; m++)
            row[m] = bias && m < d->mg ? bias[gi * d->mg + m] : 0.0f;
        emit_lit_rows(e, n, row, MGP);
    }
    memset(row, 0, (size_t)CD_TAIL * sizeof *row);
    emit_lit_rows(e, n, row, CD_TAIL);
    emit_line(e, "};");
    if (vrange || hrange) {
        int64_t *lo = arena_array(g->a, (size_t)(OH > OW ? OH : OW) * 2 + 1, sizeof *lo);
        if (vrange) {
            pos_ranges(w, 0, lo, lo + OH);
            int_rows(e, arena_printf(g->a, "%s_hlo", name), lo, OH);
            int_rows(e, arena_printf(g->a, "%s_hhi", name), lo + OH, OH);
        }
        if (hrange) {
            pos_ranges(w, 1, lo, lo + OW);
            int_rows(e, arena_printf(g->a, "%s_wlo", name), lo, OW);
            int_rows(e, arena_printf(g->a, "%s_whi", name), lo + OW, OW);
        }
    }
    if (d->skip && !strstr(e->consts.p, "/* TC_DNZ(p):")) {
        emit_preamble(e, "dnz"); /* once a file, before the first table that needs it */
        emit_blank(e);
    }
    if (d->skip) {
        /* per input row (c, kh) of a window, its offset from the window's corner */
        int64_t *xo = arena_array(g->a, (size_t)(d->cg * KH), sizeof *xo);
        for (t = 0; t < d->cg * KH; t++)
            xo[t] = t / KH * H * W + t % KH * w->d[0] * W;
        emit_line(e, "#if %s", CD_SKIP_COND);
        int_rows(e, arena_printf(g->a, "%s_xo", name), xo, d->cg * KH);
        emit_line(e, "#endif");
    }
    emit_blank(e);

    emit_store_fns(e, n, d, name, CB);
    emit_begin_fn(e, n, "", arena_printf(g->a, " -- %s of %s weights kept, dense%s", text_num(g->a, d->nnz), text_num(g->a, d->total),
                                         d->skip ? ", inputs that are 0 skipped by row" : ""));
    emit_line(e, "int b, gi, m0, oh, ow, c, kh, kw;");
    emit_line(e, "#if TC_DVEC");
    emit_line(e, "int j;");
    emit_line(e, "float t[%d];", tmax); /* a block's outputs: P * CB = accumulators * lanes */
    emit_line(e, "#endif");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)w->batch);
    e->indent++;
    emit_line(e, "for (gi = 0; gi < %lld; gi++) {", (long long)w->group);
    e->indent++;
    emit_line(e, "const float *xg = %s + (b * %lld + gi * %lld) * %lld;", xb, (long long)w->c, (long long)d->cg, (long long)(H * W));
    emit_line(e, "float *yg = y + (b * %lld + gi * %lld) * %lld;", (long long)w->m, (long long)d->mg, (long long)(OH * OW));
    emit_line(e, "const float *wg = %s_w + gi * %lld;", name, (long long)(taps * MGP));
    emit_line(e, "const float *bg = %s_b + gi * %lld;", name, (long long)MGP);
    emit_blank(e);
    emit_line(e, "#if TC_DVEC");
    for (i = 0; i < (int)(sizeof variants / sizeof variants[0]); i++) {
        if (variants[i].cond)
            emit_line(e, "#%s %s", i ? "elif" : "if", variants[i].cond);
        else
            emit_line(e, "#else");
        emit_variant(e, n, d, name, CB, &variants[i]);
    }
    emit_line(e, "#endif");
    emit_line(e, "#else");
    /* the same sums, an output at a time */
    emit_line(e, "for (m0 = 0; m0 < %lld; m0++)", (long long)d->mg);
    e->indent++;
    emit_line(e, "for (oh = 0; oh < %lld; oh++)", (long long)OH);
    e->indent++;
    emit_line(e, "for (ow = 0; ow < %lld; ow++) {", (long long)OW);
    e->indent++;
    emit_line(e, "const int r = (oh * %lld - %lld) * %lld + ow * %lld - %lld;", (long long)w->s[0], (long long)w->pb[0], (long long)W,
              (long long)w->s[1], (long long)w->pb[1]);
    emit_line(e, "float s = bg[m0];");
    emit_blank(e);
    emit_line(e, "for (c = 0; c < %lld; c++)", (long long)d->cg);
    e->indent++;
    if (vrange)
        emit_line(e, "for (kh = %s_hlo[oh]; kh < %s_hhi[oh]; kh++)", name, name);
    else
        emit_line(e, "for (kh = 0; kh < %lld; kh++)", (long long)KH);
    e->indent++;
    if (hrange)
        emit_line(e, "for (kw = %s_wlo[ow]; kw < %s_whi[ow]; kw++)", name, name);
    else
        emit_line(e, "for (kw = 0; kw < %lld; kw++)", (long long)KW);
    e->indent++;
    {
        const char *xv = arena_printf(g->a, "xg[r + c * %lld + kh * %lld + kw * %lld]", (long long)(H * W), (long long)(w->d[0] * W),
                                      (long long)w->d[1]);
        const char *wv = arena_printf(g->a, "wg[((c * %lld + kh) * %lld + kw) * %lld + m0]", (long long)KH, (long long)KW, (long long)MGP);
        if (e->opt->no_fma)
            emit_line(e, "s += %s * %s;", xv, wv);
        else
            emit_line(e, "s = TC_FMA(%s, %s, s);", xv, wv);
    }
    e->indent -= 3;
    emit_line(e, "yg[m0 * %lld + oh * %lld + ow] = %s;", (long long)(OH * OW), (long long)OW,
              n->act == OP_COUNT ? "s" : d->relu0 ? "(s <= 0.0f ? 0.0f : s)" : emit_act(e, n, n->act, n->act_alpha, "s"));
    e->indent--;
    emit_line(e, "}");
    e->indent -= 2;
    emit_line(e, "#endif");
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_end_fn(e);
}

/*
 * Zero inputs skipped (emit_row_list) where the planner expects them
 * (conv_skips_zeros) and the form allows: a fused ReLU (which makes the sign
 * of a zero sum not matter), finite weights (w * 0 = +-0), rows of at most
 * 64 columns (a bit each in one word), taps counted in an unsigned short,
 * the bit words of a group (cg * H of them) in at most 64 KB of stack, and
 * rows wide enough for every variant's blocks.
 */
static int skip_zeros(const Graph *g, const Node *n, const Dense *d)
{
    const Tensor *wt = &g->t[n->in[1]];
    int64_t i, total = ir_numel(wt);
    int CB = d->mg <= 16 ? 16 : 32, v;
    if (n->act != OP_RELU || d->w.in[1] > 64 || d->cg * d->w.k[0] * d->w.k[1] > 65535 || d->cg * d->w.in[0] > 8192)
        return 0;
    /* every variant has blocks of P positions in a row (else its lists go unused) */
    for (v = 0; v < (int)(sizeof variants / sizeof variants[0]); v++) {
        int P = variants[v].acc / (CB / variants[v].lanes);
        if (d->owb - d->owa < (P < 1 ? 1 : P))
            return 0;
    }
    for (i = 0; i < total; i++)
        if (!isfinite(wt->f[i]))
            return 0;
    return conv_skips_zeros(g, n);
}

void emit_conv_dense(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *wt = &g->t[n->in[1]];
    int has_bias = n->n_in >= 3 && n->in[2] != TC_NONE;
    Dense d;
    int64_t i;

    memset(&d, 0, sizeof d);
    conv_window(g, n, &d.w);
    d.cg = d.w.c / d.w.group;
    d.mg = d.w.m / d.w.group;
    d.total = ir_numel(wt);
    for (i = 0; wt->f && i < d.total; i++)
        d.nnz += wt->f[i] != 0.0f;
    interior(&d.w, 0, &d.oha, &d.ohb);
    interior(&d.w, 1, &d.owa, &d.owb);
    if (g->target == TARGET_CORTEX_M || !wt->f || (has_bias && !g->t[n->in[2]].f) || d.mg < CD_MIN_MG || d.cg == 0) {
        emit_plain(e, n, &d);
        return;
    }
    d.skip = d.relu0 = skip_zeros(g, n, &d);
    emit_blocked(e, n, &d);
}
