/*
 * emit_conv_sparse.c - a register-blocked sparse Conv over flat positions
 * (the host's form where strategy.c's conv_sparse_pick measures it fastest).
 *
 * Stride 1, no padding, no dilation, one group: output position (oh, ow)
 * reads x[c][oh + kh][ow + kw], so with q = oh * W + ow (W the input's
 * width) every tap (c, kh, kw) reads x at q + o, o = (c * H + kh) * W + kw:
 * a vector of consecutive q is one vector load per tap, whatever the row
 * boundaries. The columns ow >= OW of each row (W - OW of every W) are
 * computed and dropped: Q = (OH - 1) * W + OW positions in all.
 *
 * Padding and stride s (the same along both axes) first copy the input
 * into s * s phase planes of the zero-padded input (the node's scratch
 * block of the arena, conv_sparse_copy_floats):
 *     xs[ph][pw][c][i][j] = xpad[c][s * i + ph][s * j + pw],
 * i < Hs = OH + (KH - 1) / s, j < Ws = OW + (KW - 1) / s, so that tap
 * (c, kh, kw) at output (oh, ow) reads xs[kh % s][kw % s][c][oh + kh / s]
 * [ow + kw / s]: a stride-1 tap over planes Ws wide, the same kernel with
 * other offsets (only the phases some tap reads: min(s, K) of each axis).
 * Each weight is still stored once.
 *
 * Where a layer's input is larger than a cache's share, the positions go in
 * tiles of R output rows, outermost: every block of channels runs over one
 * tile before the next, so the input rows that tile reads stay in cache
 * across the blocks (ResNet-18's 56x56x64 input at 3x3: 0.8 MB, a tile of
 * a few rows tens of KB).
 *
 * Output channels go in blocks of MB (strategy.c picks MB and orders the
 * channels so that a block's channels share taps); per block, the list of
 * taps any of its channels keeps (to[]: the offsets o, in (c, kh, kw)
 * order) and MB weights each (tw[]: 0 where that channel pruned the tap).
 * For PV vectors of positions, MB * PV accumulators stay in registers over
 * the block's taps: per tap PV input vectors are loaded once and each is
 * multiplied into the MB channels (a broadcast weight each). The last block
 * of positions is moved back to end at Q (recomputing a few, with the same
 * values). Weights, offsets and the channel order are const tables, so the
 * code is a few loops whatever the layer's size (small to compile, and
 * run-time dispatch gives it AVX copies at -O2).
 *
 * Each output is b[m], then + x * w for the block's taps in list order
 * (fused where TC_DFMA is); the plain C99 loop (no TC_DVEC, -DTC_NO_VEC,
 * or too few positions for a vector) takes the same products in the same
 * order, so every build gives the same bits.
 */
#include <string.h>

#include "emit.h"

typedef struct {
    const char *cond; /* the preprocessor condition */
    int lanes;        /* TC_DVW */
    int regs;         /* vector registers */
} SpVariant;

static const SpVariant variants[] = {
    {"TC_DVW == 16", 16, 32}, /* AVX-512 */
    {"TC_DVW == 8", 8, 16},   /* AVX, AVX2 */
    {"defined(__aarch64__)", 4, 32}, /* NEON */
    {NULL, 4, 16},            /* SSE */
};

/* Vectors of positions a block takes: MB * PV accumulators, MB weights and
 * an input vector within the registers (at most 24 accumulators), and no
 * more than the Q positions hold; then spread evenly over the blocks that
 * Q takes (141 positions in 16 lanes: 2 blocks of 5 vectors, not 8 + 8). */
static int64_t block_vectors(int64_t regs, int64_t lanes, int64_t MB, int64_t Q)
{
    int64_t pv = (regs - MB - 2) / MB, nv = (Q + lanes - 1) / lanes, nb;
    if (pv * MB > 24)
        pv = 24 / MB;
    if (pv > Q / lanes)
        pv = Q / lanes;
    if (pv < 1)
        return 0;
    nb = (nv + pv - 1) / pv;
    return (nv + nb - 1) / nb <= Q / lanes ? (nv + nb - 1) / nb : pv;
}

/* Where the kernel reads: planes hs x ws (the input itself, or with copy set
 * ph x pw phase planes of each channel, see above), Q flat positions. */
typedef struct {
    int64_t s, hs, ws, ph, pw, Q;
    int copy;
} SpGeom;

static int sp_geom(const Window *w, SpGeom *p)
{
    int64_t i;
    double floats;
    memset(p, 0, sizeof *p);
    if (w->group != 1 || w->out[0] < 1 || w->out[1] < 1 || w->s[0] != w->s[1] || w->s[0] < 1 || w->s[0] > 64 ||
        w->k[0] < 1 || w->k[1] < 1 || w->out[0] > SP_MAX_Q || w->out[1] > SP_MAX_Q || w->k[0] > SP_MAX_Q || w->k[1] > SP_MAX_Q)
        return 0;
    if (w->d[0] != 1 || w->d[1] != 1)
        return 0;
    p->s = w->s[0];
    p->copy = p->s > 1;
    for (i = 0; i < 2; i++)
        p->copy |= w->pb[i] != 0 || w->pe[i] != 0;
    p->hs = w->out[0] + (w->k[0] - 1) / p->s;
    p->ws = w->out[1] + (w->k[1] - 1) / p->s;
    p->ph = w->k[0] < p->s ? w->k[0] : p->s;
    p->pw = w->k[1] < p->s ? w->k[1] : p->s;
    p->Q = (w->out[0] - 1) * p->ws + w->out[1];
    floats = (double)p->ph * (double)p->pw * (double)w->c * (double)p->hs * (double)p->ws;
    /* positions for a 4-lane vector; offsets and the block buffer within bounds;
     * a copy no larger than the padded one would be (conv_pad) */
    if (p->Q < 4 || p->Q > SP_MAX_Q || floats > (double)(1 << 28))
        return 0;
    return !p->copy || floats <= 4.0 * (double)w->c * (double)w->in[0] * (double)w->in[1] + 65536.0;
}

int conv_sparse_applies(const Graph *g, const Node *n)
{
    const Tensor *wt;
    Window w;
    SpGeom p;
    int64_t i, total, nnz = 0;
    if (n->op != OP_CONV || g->target == TARGET_CORTEX_M || g->quant || n->n_in < 2)
        return 0;
    wt = &g->t[n->in[1]];
    if (!wt->f || (n->n_in >= 3 && n->in[2] != TC_NONE && !g->t[n->in[2]].f))
        return 0;
    conv_window((Graph *)g, n, &w);
    if (!sp_geom(&w, &p))
        return 0;
    total = ir_numel(wt);
    for (i = 0; i < total; i++)
        nnz += wt->f[i] != 0.0f;
    return nnz > 0;
}

/* The floats of the phase-plane copy n reads in this form (n->sparse_mb set),
 * 0 where it reads its input in place. */
int64_t conv_sparse_copy_floats(const Graph *g, const Node *n)
{
    Window w;
    SpGeom p;
    if (n->sparse_mb < 1 || !conv_sparse_applies(g, n))
        return 0;
    conv_window((Graph *)g, n, &w);
    sp_geom(&w, &p);
    return p.copy ? p.ph * p.pw * w.c * p.hs * p.ws : 0;
}

/*
 * The blocks of MB output channels: greedily, the first channel left starts
 * a block, then the channel that adds the fewest taps to the block's list
 * joins, until MB (ties to the lower index; a layer too large to compare
 * every pair keeps the channels in order). perm[k * MB + j]: the channel,
 * -1 for the padding of the last block. Returns the total of the lists.
 */
int64_t conv_sparse_blocks(Arena *a, const float *wt, int64_t M, int64_t K, int64_t MB, int64_t *perm)
{
    unsigned char *used = arena_array(a, (size_t)M + 1, 1), *in = arena_array(a, (size_t)K + 1, 1);
    int64_t NB = (M + MB - 1) / MB, k, j, m, t, entries = 0, next = 0;
    int greedy = MB > 1 && (double)M * (double)M * (double)K <= 2e8;
    for (k = 0; k < NB; k++) {
        memset(in, 0, (size_t)K);
        for (j = 0; j < MB; j++) {
            int64_t best = -1, cost = 0;
            if (!greedy || j == 0) {
                while (next < M && used[next])
                    next++;
                best = next < M ? next : -1;
            } else
                for (m = 0; m < M; m++) {
                    int64_t c = 0;
                    if (used[m])
                        continue;
                    for (t = 0; t < K; t++)
                        c += wt[m * K + t] != 0.0f && !in[t];
                    if (best < 0 || c < cost)
                        best = m, cost = c;
                }
            perm[k * MB + j] = best;
            if (best < 0)
                continue;
            used[best] = 1;
            for (t = 0; t < K; t++)
                if (wt[best * K + t] != 0.0f && !in[t]) {
                    in[t] = 1;
                    entries++;
                }
        }
    }
    return entries;
}

/*
 * The block size for a layer: of 4 and 1 channels a block, the one with
 * the least estimated time (ties to 4). Not 2: gcc -O3 then keeps one of
 * the two broadcast weights on the stack and reads it back for each
 * multiply-add (CNN r10's conv2: 26.5 us native against 13.0 with 4). Per listed tap and block
 * of PV position vectors, in units of about 0.05 ns on the AMD EPYC
 * (AVX-512) this was fitted to: the greater of the multiply-adds (3 each)
 * and the input loads (8 each: unaligned 64-byte loads crossing cache
 * lines), plus 12 for the loop and 2 a broadcast weight. Fitted on CNN r10's
 * conv2 (13x13, 35% kept: 1, 2, 4 channels 16.0, 26.5, 13.0 us at
 * -O3 -march=native, 16.6, 16.2, 16.2 at -O2 with dispatch) and Conv-2's
 * conv2 (26x26, 78%: 116, 84, 76 native; 115, 94, 82 -O2); bench/layers.sh.
 * With one channel a block the multiply-adds read their input from memory,
 * so loads, not multiply-adds, bound it; more channels share each load.
 */
int conv_sparse_mb(const Graph *g, const Node *n)
{
    Window w;
    SpGeom p;
    const float *wt = g->t[n->in[1]].f;
    int64_t Q, K, mb, best = 0, *perm;
    double least = -1.0;
    conv_window((Graph *)g, n, &w);
    sp_geom(&w, &p);
    Q = p.Q;
    K = w.c * w.k[0] * w.k[1];
    perm = arena_array(g->a, (size_t)w.m + 4, sizeof *perm);
    for (mb = 4; mb >= 1; mb -= 3) {
        int64_t pv = block_vectors(32, 16, mb, Q), nb, fma, load;
        double c;
        if (pv < 1 || (mb * Q > SP_MAX_Q && mb * (p.ws + 768) > SP_MAX_Q)) /* tile_rows' outputs */
            continue;
        nb = ((Q + 15) / 16 + pv - 1) / pv;
        fma = 3 * mb * pv;
        load = 8 * pv;
        c = (double)conv_sparse_blocks(g->a, wt, w.m, K, mb, perm) * (double)nb * (double)((fma > load ? fma : load) + 12 + 2 * mb);
        if (least < 0.0 || c < least)
            least = c, best = mb;
    }
    return (int)best;
}

/* Bytes of n in this form (n->sparse_mb channels a block): per listed tap an
 * offset and MB weights, per block channel a bias and its index, and the
 * loops (about 1 KB, three times with the dispatched copies). */
int64_t conv_sparse_bytes(const Graph *g, const Node *n)
{
    Window w;
    int64_t MB = n->sparse_mb, NB, *perm, entries;
    conv_window((Graph *)g, n, &w);
    NB = (w.m + MB - 1) / MB;
    perm = arena_array(g->a, (size_t)(NB * MB) + 1, sizeof *perm);
    entries = conv_sparse_blocks(g->a, g->t[n->in[1]].f, w.m, w.c * w.k[0] * w.k[1], MB, perm);
    return 4 * entries * (MB + 1) + 8 * NB * MB + 4 * (NB + 1) + 3072;
}

typedef struct {
    Window w;
    SpGeom p;
    int64_t MB, NB, Q, entries, nnz;
    int64_t R; /* output rows a tile (>= OH: one tile, the whole layer) */
    int64_t *perm, *ts, *to;
    float *tw, *tb;
    int padded; /* the last block has channels -1 */
} Sparse;

/*
 * Output rows a tile: one tile where the planes a layer reads fit in
 * SP_TILE_BYTES and a block's outputs (MB * Q floats) in SP_MAX_Q; else
 * the most rows whose input (their rows of every plane and the KH / s rows
 * below) fit in it, at least enough for the widest block of positions (24
 * vectors of 16: 384) and within SP_MAX_Q floats of outputs.
 */
enum { SP_TILE_BYTES = 262144 };

static int64_t tile_rows(const Window *w, const SpGeom *p, int64_t MB)
{
    int64_t row = 4 * p->ph * p->pw * w->c * p->ws, r;
    if (row * p->hs <= SP_TILE_BYTES && MB * p->Q <= SP_MAX_Q)
        return w->out[0];
    r = SP_TILE_BYTES / row - (w->k[0] - 1) / p->s;
    if (MB * (r * p->ws + 384) > SP_MAX_Q)
        r = (SP_MAX_Q / MB - 384) / p->ws;
    if (r * p->ws < 384)
        r = (384 + p->ws - 1) / p->ws;
    return r < w->out[0] ? r : w->out[0];
}

/* Vectors of positions a block takes in variant v: spread over the tile's positions. */
static int64_t variant_vectors(const Sparse *s, int v)
{
    int64_t len = s->R < s->w.out[0] ? s->R * s->p.ws : s->Q;
    return block_vectors(variants[v].regs, variants[v].lanes, s->MB, len);
}

static void int_table(Emit *e, const char *name, const int64_t *v, int64_t count)
{
    emit_to_consts(e);
    emit_line(e, "static const int %s%s[%lld] = {", emit_weights_attr(e), name, (long long)count);
    emit_int_rows(e, v, count);
    emit_line(e, "};");
}

static void float_table(Emit *e, const Node *n, const char *name, const float *v, int64_t count)
{
    emit_to_consts(e);
    emit_line(e, "static const float %s%s[%lld] = {", emit_weights_attr(e), name, (long long)count);
    emit_lit_rows(e, n, v, count);
    emit_line(e, "};");
}

/* The tables of the blocks: ts (list ranges), to (offsets), tw (MB weights a tap), tb (MB biases a block), tm (the channels). */
static void sparse_tables(Emit *e, const Node *n, Sparse *s, const char *name)
{
    Graph *g = e->g;
    const Window *w = &s->w;
    const SpGeom *p = &s->p;
    const float *wt = g->t[n->in[1]].f;
    const float *bias = n->n_in >= 3 && n->in[2] != TC_NONE ? g->t[n->in[2]].f : NULL;
    int64_t K = w->c * w->k[0] * w->k[1], KK = w->k[0] * w->k[1], k, j, t, i = 0;
    s->ts = arena_array(g->a, (size_t)s->NB + 1, sizeof *s->ts);
    s->to = arena_array(g->a, (size_t)s->entries + 1, sizeof *s->to);
    s->tw = arena_array(g->a, (size_t)(s->entries * s->MB) + 1, sizeof *s->tw);
    s->tb = arena_array(g->a, (size_t)(s->NB * s->MB) + 1, sizeof *s->tb);
    for (k = 0; k < s->NB; k++) {
        s->ts[k] = i;
        for (j = 0; j < s->MB; j++) {
            int64_t m = s->perm[k * s->MB + j];
            s->tb[k * s->MB + j] = m >= 0 && bias ? bias[m] : 0.0f;
            s->padded |= m < 0;
        }
        for (t = 0; t < K; t++) {
            int keep = 0;
            int64_t kh = t % KK / w->k[1], kw = t % w->k[1];
            for (j = 0; j < s->MB; j++) {
                int64_t m = s->perm[k * s->MB + j];
                keep |= m >= 0 && wt[m * K + t] != 0.0f;
            }
            if (!keep)
                continue;
            /* tap (c, kh, kw): plane (kh % s, kw % s, c), row kh / s, column kw / s */
            s->to[i] = ((((kh % p->s) * p->pw + kw % p->s) * w->c + t / KK) * p->hs + kh / p->s) * p->ws + kw / p->s;
            for (j = 0; j < s->MB; j++) {
                int64_t m = s->perm[k * s->MB + j];
                float v = m >= 0 ? wt[m * K + t] : 0.0f;
                s->tw[i * s->MB + j] = v == 0.0f ? 0.0f : v; /* -0 is a pruned weight too */
            }
            i++;
        }
    }
    s->ts[s->NB] = i;
    ASSERT(i == s->entries);
    emit_line(e, "/* node %d: '%s' in %lld blocks of %lld output channels, %lld taps listed (%lld kept) */", n->index,
              text_comment(g->a, n->name), (long long)s->NB, (long long)s->MB, (long long)s->entries, (long long)s->nnz);
    int_table(e, arena_printf(g->a, "%s_ts", name), s->ts, s->NB + 1);
    int_table(e, arena_printf(g->a, "%s_to", name), s->to, s->entries);
    float_table(e, n, arena_printf(g->a, "%s_tw", name), s->tw, s->entries * s->MB);
    float_table(e, n, arena_printf(g->a, "%s_tb", name), s->tb, s->NB * s->MB);
    int_table(e, arena_printf(g->a, "%s_tm", name), s->perm, s->NB * s->MB);
}

/* y[m][oh][ow] = act(v) for the block's channel j (m = tm[k * MB + j]) */
static void store_out(Emit *e, const Node *n, const Sparse *s, const char *v)
{
    const Window *w = &s->w;
    const char *y = arena_printf(e->g->a, "y[m * %lld + oh * %lld + ow]", (long long)(w->out[0] * w->out[1]), (long long)w->out[1]);
    emit_line(e, "%s = %s;", y, n->act != OP_COUNT ? emit_act(e, n, n->act, n->act_alpha, v) : v);
}

/* The plain loops: per block channel and position, its sum over the block's list. */
static void sparse_plain(Emit *e, const Node *n, const Sparse *s)
{
    const Window *w = &s->w;
    emit_line(e, "for (k = 0; k < %lld; k++)", (long long)s->NB);
    emit_line(e, "    for (j = 0; j < %lld; j++) {", (long long)s->MB);
    e->indent += 2;
    emit_line(e, "const int m = tm[k * %lld + j];", (long long)s->MB);
    emit_blank(e);
    if (s->padded)
        emit_line(e, "if (m >= 0)");
    emit_line(e, "%sfor (oh = 0; oh < %lld; oh++)", s->padded ? "    " : "", (long long)w->out[0]);
    emit_line(e, "%s    for (ow = 0; ow < %lld; ow++) {", s->padded ? "    " : "", (long long)w->out[1]);
    e->indent += s->padded ? 3 : 2;
    emit_line(e, "const float *xr = x + oh * %lld + ow;", (long long)s->p.ws);
    emit_line(e, "float a = tb[k * %lld + j];", (long long)s->MB);
    emit_blank(e);
    emit_line(e, "for (i = ts[k]; i < ts[k + 1]; i++)");
    if (e->opt->no_fma)
        emit_line(e, "    a += xr[to[i]] * tw[i * %lld + j];", (long long)s->MB);
    else
        emit_line(e, "    a = TC_FMA(xr[to[i]], tw[i * %lld + j], a);", (long long)s->MB);
    store_out(e, n, s, "a");
    e->indent--;
    emit_line(e, "}");
    e->indent -= s->padded ? 2 : 1;
    e->indent--;
    emit_line(e, "}");
}

/* One block of PV vectors of positions from q0 over the block's taps, stored at t + tq (tq: an expression of q0). */
static void sparse_block(Emit *e, const Sparse *s, int64_t L, int64_t PV, int64_t TW, const char *tq)
{
    Arena *a = e->g->a;
    int64_t MB = s->MB, j, v;
    Buf b = {0};
    emit_line(e, "const float *xq = x + q0;");
    for (j = 0; j < MB; j++)
        for (v = 0; v < PV; v++)
            buf_printf(&b, "%sa%lld_%lld = TC_DSPLAT(bk[%lld])", j || v ? ", " : "", (long long)j, (long long)v, (long long)j);
    emit_line(e, "tc_dvf %s;", b.p);
    b.len = 0;
    emit_blank(e);
    emit_line(e, "for (i = ts[k]; i < t1; i++) {");
    e->indent++;
    emit_line(e, "const float *xr = xq + to[i];");
    emit_line(e, "const float *wr = tw + i * %lld;", (long long)MB);
    for (j = 0; j < MB; j++)
        buf_printf(&b, "%sw%lld = TC_DSPLAT(wr[%lld])", j ? ", " : "", (long long)j, (long long)j);
    emit_line(e, "const tc_dvf %s;", b.p);
    emit_line(e, "tc_dvf xv;");
    emit_blank(e);
    for (v = 0; v < PV; v++) {
        emit_line(e, "xv = *(const tc_dvfu *)(xr%s);", v ? arena_printf(a, " + %lld", (long long)(v * L)) : "");
        if (MB > 1)
            emit_line(e, "TC_DREG(xv);");
        for (j = 0; j < MB; j++) {
            const char *acc = arena_printf(a, "a%lld_%lld", (long long)j, (long long)v);
            if (e->opt->no_fma)
                emit_line(e, "%s += xv * w%lld;", acc, (long long)j);
            else
                emit_line(e, "%s = TC_DFMA(xv, w%lld, %s);", acc, (long long)j, acc);
        }
    }
    e->indent--;
    emit_line(e, "}");
    for (j = 0; j < MB; j++)
        for (v = 0; v < PV; v++)
            emit_line(e, "*(tc_dvfu *)(t + %lld + %s%s) = a%lld_%lld;", (long long)(j * TW), tq,
                      v ? arena_printf(a, " + %lld", (long long)(v * L)) : "", (long long)j, (long long)v);
    buf_free(&b);
}

/* Channel block k's outputs (j < MB; m = tm[...] < 0 pads the block) for output rows
 * oh_from <= oh < oh_to and the columns ow < OW of each, read from t at `at`. */
static void block_outputs(Emit *e, const Node *n, const Sparse *s, const char *oh_from, const char *oh_to,
                          const char *at)
{
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)s->MB);
    e->indent++;
    emit_line(e, "const int m = tm[k * %lld + j];", (long long)s->MB);
    emit_blank(e);
    if (s->padded)
        emit_line(e, "if (m >= 0)");
    emit_line(e, "%sfor (oh = %s; oh < %s; oh++)", s->padded ? "    " : "", oh_from, oh_to);
    emit_line(e, "%s    for (ow = 0; ow < %lld; ow++)", s->padded ? "    " : "", (long long)s->w.out[1]);
    e->indent += s->padded ? 3 : 2;
    store_out(e, n, s, at);
    e->indent -= s->padded ? 3 : 2;
    e->indent--;
    emit_line(e, "}");
}

/* One variant's loops: blocks of channels, blocks of PV vectors of positions, the taps. */
static void sparse_vec(Emit *e, const Node *n, const Sparse *s, int64_t L, int64_t PV)
{
    Arena *a = e->g->a;
    const Window *w = &s->w;
    int64_t MB = s->MB, Q = s->Q, PL = PV * L, NQ = (Q + PL - 1) / PL;
    emit_line(e, "for (k = 0; k < %lld; k++) {", (long long)s->NB);
    e->indent++;
    emit_line(e, "const int t1 = ts[k + 1];");
    emit_line(e, "const float *bk = tb + k * %lld;", (long long)MB);
    emit_blank(e);
    emit_line(e, "for (p = 0; p < %lld; p++) {", (long long)NQ);
    e->indent++;
    emit_line(e, "const int q0 = p * %lld < %lld ? p * %lld : %lld;", (long long)PL, (long long)(Q - PL), (long long)PL,
              (long long)(Q - PL));
    sparse_block(e, s, L, PV, Q, "q0");
    e->indent--;
    emit_line(e, "}");
    /* the block's outputs, the columns ow < OW of each row */
    block_outputs(e, n, s, "0", arena_printf(a, "%lld", (long long)w->out[0]),
                  arena_printf(a, "t[j * %lld + oh * %lld + ow]", (long long)Q, (long long)s->p.ws));
    e->indent--;
    emit_line(e, "}");
}

/*
 * The tiled loops: tiles of R output rows (positions [r * Ws, q1), q1 the
 * next tile's first or Q), in each every block of channels over the tile's
 * blocks of positions, the last moved back to end at q1 (at most PL
 * positions before the tile: t holds them, PL floats ahead of the tile's
 * R * Ws a channel), then the block's outputs in the tile's rows.
 */
static void sparse_tiled(Emit *e, const Node *n, const Sparse *s, int64_t L, int64_t PV)
{
    Arena *a = e->g->a;
    const Window *w = &s->w;
    int64_t MB = s->MB, PL = PV * L, Ws = s->p.ws, R = s->R, TW = PL + R * Ws;
    emit_line(e, "for (r = 0; r < %lld; r += %lld) {", (long long)w->out[0], (long long)R);
    e->indent++;
    emit_line(e, "const int qa = r * %lld, q1 = r < %lld ? qa + %lld : %lld, np = (q1 - qa + %lld) / %lld;", (long long)Ws,
              (long long)(w->out[0] - R), (long long)(R * Ws), (long long)s->Q, (long long)(PL - 1), (long long)PL);
    emit_line(e, "const int r1 = r < %lld ? r + %lld : %lld;", (long long)(w->out[0] - R), (long long)R, (long long)w->out[0]);
    emit_blank(e);
    emit_line(e, "for (k = 0; k < %lld; k++) {", (long long)s->NB);
    e->indent++;
    emit_line(e, "const int t1 = ts[k + 1];");
    emit_line(e, "const float *bk = tb + k * %lld;", (long long)MB);
    emit_blank(e);
    emit_line(e, "for (p = 0; p < np; p++) {");
    e->indent++;
    emit_line(e, "const int q0 = qa + p * %lld < q1 - %lld ? qa + p * %lld : q1 - %lld;", (long long)PL, (long long)PL,
              (long long)PL, (long long)PL);
    sparse_block(e, s, L, PV, TW, arena_printf(a, "%lld + q0 - qa", (long long)PL));
    e->indent--;
    emit_line(e, "}");
    /* the block's outputs in the tile's rows, the columns ow < OW of each */
    block_outputs(e, n, s, "r", "r1",
                  arena_printf(a, "t[j * %lld + %lld + (oh - r) * %lld + ow]", (long long)TW, (long long)PL, (long long)Ws));
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
}

/* r[from..to) = 0 */
static void zeros(Emit *e, int64_t from, int64_t to)
{
    if (to <= from)
        return;
    if (to - from == 1) {
        emit_line(e, "r[%lld] = 0.0f;", (long long)from);
        return;
    }
    emit_line(e, "for (i = %lld; i < %lld; i++)", (long long)from, (long long)to);
    emit_line(e, "    r[i] = 0.0f;");
}

/* The inside [*lo, *hi) of a phase's rows (or columns): i < n with 0 <= s * i + ph - pad < in. */
static void phase_inside(int64_t s, int64_t ph, int64_t pad, int64_t in, int64_t n, int64_t *lo, int64_t *hi)
{
    *lo = pad > ph ? (pad - ph + s - 1) / s : 0;
    *hi = in + pad > ph ? (in + pad - ph + s - 1) / s : 0;
    if (*hi > n)
        *hi = n;
    if (*lo > *hi)
        *lo = *hi;
}

/* The copy into the phase planes of batch item b (see the header): per
 * phase and channel the rows and columns outside the input are zeros. */
static void phase_copy(Emit *e, const Sparse *s, const char *x)
{
    const Window *w = &s->w;
    const SpGeom *p = &s->p;
    int64_t H = w->in[0], W = w->in[1], plane = p->hs * p->ws, ph, pw, i0, i1, j0, j1, first;
    for (ph = 0; ph < p->ph; ph++)
        for (pw = 0; pw < p->pw; pw++) {
            phase_inside(p->s, ph, w->pb[0], H, p->hs, &i0, &i1);
            phase_inside(p->s, pw, w->pb[1], W, p->ws, &j0, &j1);
            if (p->s > 1)
                emit_line(e, "/* phase (%lld, %lld): rows %lld i + %lld, columns %lld j + %lld of the padded input */", (long long)ph,
                          (long long)pw, (long long)p->s, (long long)ph, (long long)p->s, (long long)pw);
            else
                emit_line(e, "/* the input into %lld x %lld x %lld zeros, at row %lld, column %lld */", (long long)w->c,
                          (long long)p->hs, (long long)p->ws, (long long)w->pb[0], (long long)w->pb[1]);
            emit_line(e, "for (c = 0; c < %lld; c++) {", (long long)w->c);
            e->indent++;
            if (ph || pw)
                emit_line(e, "float *r = pad + %lld + c * %lld;", (long long)((ph * p->pw + pw) * w->c * plane), (long long)plane);
            else
                emit_line(e, "float *r = pad + c * %lld;", (long long)plane);
            if (i1 <= i0 || j1 <= j0) {
                emit_blank(e);
                zeros(e, 0, plane);
                e->indent--;
                emit_line(e, "}");
                continue;
            }
            first = (p->s * i0 + ph - w->pb[0]) * W + p->s * j0 + pw - w->pb[1]; /* the first input it copies */
            emit_line(e, "const float *s = %s + (b * %lld + c) * %lld%s;", x, (long long)w->c, (long long)(H * W),
                      first ? arena_printf(e->g->a, " + %lld", (long long)first) : "");
            emit_blank(e);
            if (i0) {
                zeros(e, 0, i0 * p->ws);
                emit_line(e, "r += %lld;", (long long)(i0 * p->ws));
            }
            emit_line(e, "for (h = %lld; h < %lld; h++, r += %lld, s += %lld) {", (long long)i0, (long long)i1, (long long)p->ws,
                      (long long)(p->s * W));
            e->indent++;
            zeros(e, 0, j0);
            emit_line(e, "for (i = 0; i < %lld; i++)", (long long)(j1 - j0));
            if (p->s > 1)
                emit_line(e, "    r[%lld + i] = s[%lld * i];", (long long)j0, (long long)p->s);
            else
                emit_line(e, j0 ? "    r[%lld + i] = s[i];" : "    r[i] = s[i];", (long long)j0);
            zeros(e, j1, p->ws);
            e->indent--;
            emit_line(e, "}");
            zeros(e, 0, (p->hs - i1) * p->ws);
            e->indent--;
            emit_line(e, "}");
        }
}

/* The kernel over one batch item (x its input planes, y its output), then the node function. */
static void sparse_fns(Emit *e, const Node *n, const Sparse *s, const char *name)
{
    Graph *g = e->g;
    const Window *w = &s->w;
    int64_t xs = w->c * w->in[0] * w->in[1], ys = w->m * w->out[0] * w->out[1], tfl;
    int i, tiled = s->R < w->out[0];
    e->used_dvec = 1;
    e->used_vecx = 1; /* TC_EXACT */
    if (!e->opt->no_fma)
        e->used_fma = 1;
    tfl = tiled ? 0 : s->MB * s->Q;
    if (tiled) /* the widest block of positions ahead of each channel's tile */
        for (i = 0; i < (int)(sizeof variants / sizeof variants[0]); i++) {
            int64_t PV = variant_vectors(s, i);
            if (s->MB * (PV * variants[i].lanes + s->R * s->p.ws) > tfl)
                tfl = s->MB * (PV * variants[i].lanes + s->R * s->p.ws);
        }
    emit_to_fns(e);
    e->indent = 0;
    emit_line(e, "/* node %d: %s '%s', blocks of %lld output channels over flat positions%s */", n->index, op_name(n->op),
              text_comment(g->a, n->name), (long long)s->MB,
              tiled ? arena_printf(g->a, ", in tiles of %lld rows", (long long)s->R) : "");
    emit_line(e, "static TC_NOLIB TC_EXACT void %s_k(const float *x, float *y)", name);
    emit_line(e, "{");
    e->indent = 1;
    emit_line(e, "TC_EXACT_BODY");
    emit_line(e, "const int *ts = %s_ts, *to = %s_to, *tm = %s_tm;", name, name, name);
    emit_line(e, "const float *tw = %s_tw, *tb = %s_tb;", name, name);
    emit_line(e, "int k, j, i, oh, ow;");
    emit_line(e, "#if TC_DVEC");
    emit_line(e, tiled ? "int p, r;" : "int p;");
    emit_line(e, "float t[%lld]; /* a block's outputs at the flat positions%s */", (long long)tfl, tiled ? " of a tile" : "");
    emit_line(e, "#endif");
    emit_blank(e);
    emit_line(e, "#if TC_DVEC");
    for (i = 0; i < (int)(sizeof variants / sizeof variants[0]); i++) {
        int64_t PV = variant_vectors(s, i);
        if (variants[i].cond)
            emit_line(e, "#%s %s", i ? "elif" : "if", variants[i].cond);
        else
            emit_line(e, "#else");
        if (PV >= 1 && tiled) {
            sparse_tiled(e, n, s, variants[i].lanes, PV);
        } else if (PV >= 1) {
            sparse_vec(e, n, s, variants[i].lanes, PV);
        } else {
            emit_line(e, "(void)t;");
            emit_line(e, "(void)p;");
            if (tiled)
                emit_line(e, "(void)r;");
            sparse_plain(e, n, s);
        }
    }
    emit_line(e, "#endif");
    emit_line(e, "#else");
    sparse_plain(e, n, s);
    emit_line(e, "#endif");
    e->indent = 0;
    emit_line(e, "}");
    emit_blank(e);

    emit_begin_fn(e, n, "", arena_printf(g->a, " -- %s of %s weights kept, sparse blocks of %lld channels%s", text_num(g->a, s->nnz),
                                         text_num(g->a, ir_numel(&g->t[n->in[1]])), (long long)s->MB,
                                         !s->p.copy ? "" : s->p.s > 1 ? ", over phase planes of the padded input" : ", over a zero-padded copy"));
    if (!s->p.copy) {
        emit_line(e, "int b;");
        emit_blank(e);
        emit_line(e, "for (b = 0; b < %lld; b++)", (long long)w->batch);
        emit_line(e, "    %s_k(%s + b * %lld, y + b * %lld);", name, emit_operand(e, n, 0), (long long)xs, (long long)ys);
        emit_end_fn(e);
        return;
    }
    emit_line(e, "int b, c, h, i;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++) {", (long long)w->batch);
    e->indent++;
    phase_copy(e, s, emit_operand(e, n, 0));
    emit_line(e, "%s_k(pad, y + b * %lld);", name, (long long)ys);
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
}

/* Node n in this form (conv_sparse_applies, n->sparse_mb channels a block); 0 where it does not apply
 * or its copy was not planned (plan_memory before plan_strategies). */
int emit_conv_sparse(Emit *e, const Node *n)
{
    Graph *g = e->g;
    Sparse s;
    const float *wt;
    int64_t i, total, K;
    const char *name;
    if (!conv_sparse_applies(g, n) || n->sparse_mb < 1)
        return 0;
    memset(&s, 0, sizeof s);
    conv_window(g, n, &s.w);
    sp_geom(&s.w, &s.p);
    if (s.p.copy && n->pad_floats != conv_sparse_copy_floats(g, n))
        return 0;
    wt = g->t[n->in[1]].f;
    total = ir_numel(&g->t[n->in[1]]);
    for (i = 0; i < total; i++)
        s.nnz += wt[i] != 0.0f;
    K = s.w.c * s.w.k[0] * s.w.k[1];
    s.MB = n->sparse_mb;
    s.NB = (s.w.m + s.MB - 1) / s.MB;
    s.Q = s.p.Q;
    s.R = tile_rows(&s.w, &s.p, s.MB);
    s.perm = arena_array(g->a, (size_t)(s.NB * s.MB) + 1, sizeof *s.perm);
    s.entries = conv_sparse_blocks(g->a, wt, s.w.m, K, s.MB, s.perm);
    name = emit_fn_name(e, n);
    if (!s.p.copy)
        g->n[n->index].pad_floats = 0; /* reads its input in place */
    emit_to_consts(e);
    if (s.MB > 1 && !(e->consts.p && strstr(e->consts.p, "/* TC_DREG(v):"))) {
        emit_preamble(e, "dreg"); /* once a file, before the first table */
        emit_blank(e);
    }
    sparse_tables(e, n, &s, name);
    sparse_fns(e, n, &s, name);
    return 1;
}
