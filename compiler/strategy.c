/*
 * strategy.c - the only place a layer's code form is chosen: per layer with
 * constant weights (Gemm, MatMul, Conv) the requested strategy, or with
 * auto the fastest for the target within the code budget, with every cost
 * model the choice rests on (host bytes, Cortex-M4 flash). All of it is
 * computed from the Graph alone. The emitter, --summary and --report read
 * the choice from Node.strategy and the numbers from layer_stats.
 */
#include <string.h>

#include <stdlib.h>

#include "ticketc.h"

/* ---- layers as the cost models see them ---- */

/*
 * Gemm: Y = alpha * A' * B' + beta * C. With B constant, A not transposed
 * (or a single row) and C constant and the same for every row, this is a
 * linear layer y[r] = W x[r] + b with W[j][k] = alpha * B'[k][j].
 * MatMul with a constant matrix B is the same with alpha 1 and no bias.
 */
int linear_layer(const Graph *g, const Node *n, Linear *L)
{
    const Tensor *a, *b;
    int ta = 0, tb = 0;
    float alpha = 1.0f, beta = 1.0f;
    int64_t j, k;
    if (n->op != OP_GEMM && n->op != OP_MATMUL)
        return 0;
    a = &g->t[n->in[0]];
    b = &g->t[n->in[1]];
    if (ir_is_const(a) || !b->f)
        return 0;
    for (k = 0; k < ir_numel(b); k++)
        if (b->f[k] != b->f[k] || b->f[k] - b->f[k] != 0.0f)
            node_error(g, n, "weight '%s' holds NaN or infinity (at flat index %lld)", text_comment(g->a, b->name),
                       (long long)k);
    if (n->op == OP_GEMM) {
        ta = (int)attr_int(n, "transA", 0);
        tb = (int)attr_int(n, "transB", 0);
        alpha = attr_float(n, "alpha", 1.0f);
        beta = attr_float(n, "beta", 1.0f);
        L->rows = g->t[n->out[0]].dims[0];
        if (ta && L->rows != 1)
            return 0;
        L->K = ta ? a->dims[0] : a->dims[1];
        L->N = g->t[n->out[0]].dims[1];
        if (n->n_in == 3 && n->in[2] != TC_NONE) {
            const Tensor *c = &g->t[n->in[2]];
            if (!c->f || (c->rank == 2 && c->dims[0] != 1 && L->rows != 1))
                return 0;
        }
    } else {
        if (b->rank > 2)
            return 0;
        L->K = a->dims[a->rank - 1];
        L->N = b->rank == 2 ? b->dims[1] : 1;
        L->rows = ir_numel(a) / L->K;
    }
    L->wname = text_comment(g->a, b->name);
    L->bname = NULL;
    L->tb = tb;
    L->alpha = alpha;
    L->beta = beta;
    L->b_bcast = 0;
    L->w = arena_array(g->a, (size_t)(L->N * L->K) + 1, sizeof(float));
    L->b = arena_array(g->a, (size_t)L->N + 1, sizeof(float));
    L->nnz = 0;
    for (j = 0; j < L->N; j++)
        for (k = 0; k < L->K; k++) {
            float w = tb ? b->f[j * L->K + k] : b->f[k * L->N + j];
            float v = alpha == 1.0f ? w : alpha * w;
            L->w[j * L->K + k] = v;
            L->nnz += v != 0.0f;
        }
    if (n->op == OP_GEMM && n->n_in == 3 && n->in[2] != TC_NONE) {
        const Tensor *c = &g->t[n->in[2]];
        L->bname = text_comment(g->a, c->name);
        L->b_bcast = c->rank == 0 || c->dims[c->rank - 1] == 1;
        for (j = 0; j < L->N; j++) {
            float v = c->f[c->rank == 0 || c->dims[c->rank - 1] == 1 ? 0 : j];
            L->b[j] = beta == 1.0f ? v : beta * v;
        }
    }
    return 1;
}

void conv_interior(const Window *w, int a, int64_t *lo, int64_t *hi)
{
    int64_t last = w->in[a] - 1 + w->pb[a] - (w->k[a] - 1) * w->d[a];
    *lo = (w->pb[a] + w->s[a] - 1) / w->s[a];
    *hi = last < 0 ? 0 : last / w->s[a] + 1;
    if (*hi > w->out[a])
        *hi = w->out[a];
    if (*lo > w->out[a])
        *lo = w->out[a];
    if (*hi < *lo)
        *hi = *lo;
}

/*
 * The padded input copy of an unrolled Conv with border positions: with the
 * input at row pt, column pl of zero-filled planes, every output position
 * reads inside them, so the unrolled form runs over all positions with no
 * bounds checks and no second copy of the weights (a border function and its
 * tap table). A plane spans the input and every row and column a window
 * reaches: hp = max(pt + H, (OH - 1) * sh + (KH - 1) * dh + 1), wp likewise.
 * Before plan_strategies (n->strategy auto) a Conv that may be unrolled
 * gets one, so that plan_memory, which must run first in some callers,
 * reserves enough.
 */
int64_t conv_pad(const Graph *g, const Node *n, ConvPad *p)
{
    const Tensor *wt;
    Window w;
    int64_t i, h0, h1, w0, w1, reach;
    int a, kept = 0;
    memset(p, 0, sizeof *p);
    if (n->op != OP_CONV || !g->t[n->in[1]].f || (n->n_in >= 3 && n->in[2] != TC_NONE && !g->t[n->in[2]].f))
        return 0;
    if ((n->strategy != STRAT_AUTO && n->strategy != STRAT_UNROLLED && n->strategy != STRAT_LOOP) || g->quant) /* the integer family has its own Conv */
        return 0;
    wt = &g->t[n->in[1]];
    for (i = 0; i < ir_numel(wt) && !kept; i++)
        kept = wt->f[i] != 0.0f;
    if (!kept)
        return 0;
    conv_window((Graph *)g, n, &w);
    conv_interior(&w, 0, &h0, &h1);
    conv_interior(&w, 1, &w0, &w1);
    if (w.out[0] < 1 || w.out[1] < 1 || (h0 == 0 && h1 == w.out[0] && w0 == 0 && w1 == w.out[1]))
        return 0;
    p->c = w.c;
    p->pt = w.pb[0];
    p->pl = w.pb[1];
    for (a = 0; a < 2; a++) {
        int64_t *len = a ? &p->wp : &p->hp;
        reach = (w.out[a] - 1) * w.s[a] + (w.k[a] - 1) * w.d[a] + 1;
        *len = w.pb[a] + w.in[a] > reach ? w.pb[a] + w.in[a] : reach;
    }
    {
        /* padding far wider than the input (hostile, or nearly all padding): none, and
         * the emitter writes the dense form, whose loops skip what lies outside */
        int64_t dims[3], in = w.c * w.in[0] * w.in[1], f;
        dims[0] = p->c;
        dims[1] = p->hp;
        dims[2] = p->wp;
        f = ir_dims_product(3, dims);
        if (f > 4 * in + 65536) {
            memset(p, 0, sizeof *p);
            return 0;
        }
        return f;
    }
}

int64_t conv_pad_floats(const Graph *g, const Node *n)
{
    ConvPad p;
    if (n->sparse_mb > 0 && n->strategy == STRAT_LOOP) /* emit_conv_sparse.c's phase planes, or none */
        return conv_sparse_copy_floats(g, n);
    return conv_pad(g, n, &p);
}

/* A Conv with constant weights W[m][c][kh][kw] as the matrix W[m][c*kh*kw]. */
static int conv_layer(const Graph *g, const Node *n, LayerWeights *L)
{
    const Tensor *wt;
    Window w;
    int64_t i, total, h0, h1, w0, w1;
    if (n->op != OP_CONV || !g->t[n->in[1]].f)
        return 0;
    wt = &g->t[n->in[1]];
    conv_window((Graph *)g, n, &w);
    total = ir_numel(wt);
    L->nnz = 0;
    for (i = 0; i < total; i++) {
        if (wt->f[i] != wt->f[i] || wt->f[i] - wt->f[i] != 0.0f)
            node_error(g, n, "weight holds NaN or infinity (at flat index %lld)", (long long)i);
        L->nnz += wt->f[i] != 0.0f;
    }
    L->rows = w.batch * w.out[0] * w.out[1];
    L->N = w.m;
    L->K = w.m ? total / w.m : 0;
    L->w = wt->f;
    L->wname = wt->name;
    conv_interior(&w, 0, &h0, &h1);
    conv_interior(&w, 1, &w0, &w1);
    L->border = h0 > 0 || h1 < w.out[0] || w0 > 0 || w1 < w.out[1];
    return 1;
}

int layer_weights(const Graph *g, const Node *n, LayerWeights *out)
{
    Linear L;
    int64_t j, k;
    memset(out, 0, sizeof *out);
    if (n->op == OP_CONV) {
        if (!conv_layer(g, n, out))
            return 0;
    } else {
        if (!linear_layer(g, n, &L))
            return 0;
        out->rows = L.rows;
        out->K = L.K;
        out->N = L.N;
        out->nnz = L.nnz;
        out->w = L.w;
        out->wname = L.wname;
    }
    for (j = 0; j < out->N; j++)
        for (k = 0; k < out->K; k++)
            if (out->w[j * out->K + k] != 0.0f) {
                out->kept_rows++;
                break;
            }
    return 1;
}

/*
 * Whether the values of tensor t are often exactly zero at run time: it comes
 * from a ReLU (a node or fused into its producer), through max-pooling and
 * reshapes, or is a model input (images are mostly background).
 */
int zero_often(const Graph *g, TensorId t)
{
    for (;;) {
        const Node *p;
        if (g->t[t].input_index >= 0)
            return 1;
        if (g->t[t].producer < 0)
            return 0;
        p = &g->n[g->t[t].producer];
        if (p->op == OP_RELU || p->act == OP_RELU)
            return 1;
        if (p->op != OP_MAXPOOL && p->op != OP_FLATTEN && p->op != OP_RESHAPE && p->op != OP_IDENTITY
            && p->op != OP_SQUEEZE && p->op != OP_UNSQUEEZE)
            return 0;
        t = p->in[0];
    }
}

/* ---- cost models ---- */

/* Bytes of the narrowest unsigned type that holds max (1, 2 or 4). */
static int64_t index_bytes(int64_t max)
{
    return max <= 255 ? 1 : max <= 65535 ? 2 : 4;
}

/*
 * Estimated bytes of a layer's code and constant data. Unrolled: a term is
 * an input load, a literal and a multiply-add (16-25 bytes measured on
 * Cortex-M4 -Os and x86-64 -O2), plus the sum and store per neuron. Loop:
 * the value and its input index per weight, a start index per neuron, the
 * biases, one short loop. Dense: the whole table and the biases.
 */
int64_t strategy_bytes(Strategy s, int64_t N, int64_t K, int64_t nnz)
{
    switch (s) {
    case STRAT_UNROLLED: return 20 * nnz + 12 * N + 64;
    case STRAT_LOOP: return (4 + index_bytes(K - 1)) * nnz + index_bytes(nnz) * (N + 1) + 4 * N + 96;
    default: return 4 * N * K + 4 * N + 128;
    }
}

/* Unrolled: a term per kept weight in the code (x86-64 gcc -O2, SSE: the
 * vector multiply-add and its 16-byte literal; ResNet-20 at 10%, 27k taps:
 * 0.90 MB of object, 33 bytes a tap; no second table of the weights for the
 * border positions since issue 19, which read a padded copy of the input);
 * dense: the weight table. Plus biases and loops. */
static int64_t conv_strategy_bytes(Strategy s, int64_t nnz, int64_t total)
{
    if (s == STRAT_LOOP) /* the tap tables: an offset and a weight per kept tap, one loop nest */
        return 8 * nnz + 1024;
    return s == STRAT_UNROLLED ? 32 * nnz + 256 : 4 * total + 256;
}

/*
 * Cortex-M4F, arm-none-eabi-gcc 12 -Os: bytes of flash, fitted to the
 * example tickets (make arm-size compares the total with the real object,
 * bench/arm_layers.sh each layer). Unrolled linear layer with literals: per
 * kept weight a VLDR of x (at an immediate offset from its input window), a
 * literal-pool load of the weight and a VFMA/VMUL, plus its 4-byte literal:
 * 16 bytes. Streamed (--target cortex-m): the VLDR of x, the VFMA and the
 * weight in its table, with one VLDMIA per 8 weights: 12.5. Per neuron the
 * sum, bias, activation and store. Dense: the weight and bias tables plus a
 * loop nest. Loop: its tables, as on the host.
 */
enum {
    M4_BYTES_PER_TERM = 16,
    M4_BYTES_PER_NEURON = 45,
    M4_BYTES_PER_STREAMED_TERM_X2 = 25, /* 12.5 */
    M4_BYTES_PER_STREAMED_NEURON = 32,
    M4_BYTES_DENSE_LOOP = 96,
    M4_BYTES_OTHER_NODE = 64, /* an elementwise or softmax loop */
    M4_STACK_BYTES = 64       /* <prefix>_run and one node function */
};

/*
 * A Conv on Cortex-M4 (no vector unit: the plain C loop of emit_conv.c),
 * measured with bench/arm_layers.sh on ResNet-20 at 2% and 10% (its 16
 * unrolled layers, padded) and the CNN ticket r10 (unpadded; --code-budget
 * 2000000 unrolls it), each layer within 10%. Unrolled: per kept tap a VLDR
 * of p[off], a literal load and a VFMA plus the literal, 17.5 bytes; per
 * output channel with weights its row and position loops, the sum and the
 * store, 70 bytes (12 for a channel without weights: one constant loop).
 * With border positions, besides: the loops that copy the input into its
 * zero-padded block of the arena, 96 bytes (no second copy of the weights
 * since issue 19: it took as much flash as the unrolled code). Dense: the
 * weight and bias tables, the tap ranges and the loop nest.
 */
enum {
    M4_CONV_BYTES_PER_TAP_X2 = 35, /* 17.5 */
    M4_CONV_BYTES_PER_CHANNEL = 70,
    M4_CONV_BYTES_PER_EMPTY_CHANNEL = 12,
    M4_CONV_PAD_CODE = 96,
    M4_CONV_DENSE_CODE = 340
};

static int64_t m4_unrolled_flash(int64_t N, int64_t nnz, Target target)
{
    if (target == TARGET_CORTEX_M)
        return M4_BYTES_PER_STREAMED_TERM_X2 * nnz / 2 + M4_BYTES_PER_STREAMED_NEURON * N;
    return M4_BYTES_PER_TERM * nnz + M4_BYTES_PER_NEURON * N;
}

static int64_t m4_conv_flash(const LayerWeights *L, Strategy st)
{
    int64_t b;
    if (st != STRAT_UNROLLED)
        return 4 * (L->N * L->K + L->N) + M4_CONV_DENSE_CODE;
    b = M4_CONV_BYTES_PER_TAP_X2 * L->nnz / 2 + M4_CONV_BYTES_PER_CHANNEL * L->kept_rows +
        M4_CONV_BYTES_PER_EMPTY_CHANNEL * (L->N - L->kept_rows);
    if (L->border && L->nnz)
        b += M4_CONV_PAD_CODE;
    return b;
}

/*
 * Cortex-M4 flash of layer n under strategy st, for code made for target.
 * For the host target this stays the estimate --summary has always printed
 * (a Conv taken as a linear layer, a loop as unrolled).
 */
static int64_t m4_layer_flash(const Node *n, const LayerWeights *L, Strategy st, Target target)
{
    if (target == TARGET_CORTEX_M && n->op == OP_CONV)
        return m4_conv_flash(L, st);
    if (target == TARGET_CORTEX_M && st == STRAT_LOOP)
        return strategy_bytes(STRAT_LOOP, L->N, L->K, L->nnz);
    if (st == STRAT_DENSE)
        return 4 * (L->N * L->K + L->N) + M4_BYTES_DENSE_LOOP;
    return m4_unrolled_flash(L->N, L->nnz, target);
}

int64_t m4_ram(const Graph *g)
{
    return g->arena_floats * 4 + M4_STACK_BYTES;
}

/* A layer's estimated bytes under strategy s, by the model of g->target:
 * host bytes, or on Cortex-M its flash, so that --summary's rows add up to
 * its flash line. */
static int64_t layer_bytes(const Graph *g, const Node *n, const LayerWeights *L, Strategy s)
{
    if (g->target == TARGET_CORTEX_M)
        return m4_layer_flash(n, L, s, g->target);
    if (n->op == OP_CONV && s == STRAT_LOOP && n->sparse_mb > 0) /* emit_conv_sparse.c's tables */
        return conv_sparse_bytes(g, n);
    if (n->op == OP_CONV && s == STRAT_DENSE && n->wino) /* emit_conv_wino.c's table */
        return conv_wino_bytes(g, n);
    return n->op == OP_CONV ? conv_strategy_bytes(s, L->nnz, L->N * L->K) : strategy_bytes(s, L->N, L->K, L->nnz);
}

/* ---- the choice ---- */

Strategy emit_choose(Strategy requested, int64_t N, int64_t K, int64_t nnz, Target target)
{
    int64_t total = N * K;
    double density = (double)nnz / (double)(total > 0 ? total : 1);
    if (requested != STRAT_AUTO)
        return requested;
    /*
     * Cortex-M has no cache and no vector unit: a kept weight costs three
     * instructions unrolled against about seven per weight, kept or not, in
     * the dense loop (make bench: 37.5k vs 1.87M instructions on the 3.6%
     * ticket), so unrolled is the faster at every density. Auto takes it
     * wherever it is also no larger than the dense table (12.5 bytes per
     * kept weight, streamed, against 4 per weight: up to about a third).
     */
    if (target == TARGET_CORTEX_M)
        return m4_unrolled_flash(N, nnz, target) <= 4 * N * K + 4 * N ? STRAT_UNROLLED : STRAT_DENSE;
    /*
     * Straight-line code stops paying once it no longer fits the instruction
     * caches: measured on LeNet-300-100 tickets it beats vectorised dense loops
     * up to about 10-12% density and loses at 21% (issue 10's measurements);
     * on the convolutional example's fc1 at 10.7% (22k of 205k weights kept)
     * it was still a little faster than dense and 40% of its size.
     */
    return density <= 0.12 ? STRAT_UNROLLED : STRAT_DENSE;
}

/* Kept weights up to which the host unrolls a Conv at any density, when its
 * outputs have fewer than CONV_DENSE_MIN_K taps (else the density decides). */
enum { CONV_UNROLL_ANY = 16384, CONV_DENSE_MIN_K = 32 };

/* The host's rule for a Conv with nnz of total weights kept, K taps per output
 * (loop: the tap tables of emit_conv_table.c, the kept weights as data and one
 * loop nest, as a linear layer's loop form). */
static Strategy conv_rule(Strategy requested, int64_t nnz, int64_t total, int64_t K)
{
    if (requested != STRAT_AUTO)
        return requested;
    /*
     * The unrolled sum of a channel is the body of a loop over its output
     * positions, so it stays in the instruction cache far longer than a
     * linear layer's. Measured on a 3x3 32->32 conv over 28x28 (gcc -O2,
     * x86-64): unrolled runs 8x faster than dense at 10% density, 2.5x at
     * 30%, even at 50%, and 1.4x slower at 100%; it compiles in 1 s at
     * 10%, 2 s at 30%, 4 s at 50%. On the convolutional example ticket
     * (round 8: both convs at 43%) the whole network ran 1.7x faster with
     * them unrolled. Unrolled up to 50%, dense beyond.
     *
     * Since issue 19 the unrolled form is register-blocked (each input
     * vector loaded once per block of 8 output channels, x86 FMA): on a
     * 3x3 32->32 conv over 26x26 at 100% it runs 760k instructions against
     * the dense loops' 10.9M at -O3 -march=native (4.0M against 39.7M at
     * -O2). It compiles slower (cc -O2: about 0.6 ms a kept weight, 0.9 at
     * 100%: 8.7 s for that layer), so any density only up to
     * CONV_UNROLL_ANY kept weights.
     *
     * Since then the dense form is register-blocked too (emit_conv_dense.c):
     * on that layer (32 -> 32, 3x3, over 26x26; min of 5 rounds on a loaded
     * AMD EPYC, gcc 12) dense takes 60-135 us at -O3 -march=native against
     * unrolled's 135 at 35% kept, 253 at 50%, 466 at 75%, 529 at 100%; at
     * -O2 (SSE) 610-720 against 283, 610, 758, 740. So density decides again,
     * unrolled up to 50%, except where an output has fewer than
     * CONV_DENSE_MIN_K taps (a first layer on one channel, depthwise): there
     * the dense kernel's stores dominate (Conv-2's conv1, 9 taps: 13-20 us
     * against unrolled's 5).
     */
    if (nnz <= CONV_UNROLL_ANY && K < CONV_DENSE_MIN_K)
        return STRAT_UNROLLED;
    return (double)nnz <= 0.50 * (double)(total ? total : 1) ? STRAT_UNROLLED : STRAT_DENSE;
}

/*
 * On the host a Conv's loop form is its tap tables (emit_conv_table.c); on
 * Cortex-M it has none: loop asks for the smaller of unrolled and dense.
 * On Cortex-M, auto takes unrolled (the faster: no cache to miss)
 * only where it is no larger than dense: flash is the budget there. Given
 * the budget in bytes (--code-budget), auto takes unrolled, the fastest
 * form on a core without caches, and plan_strategies turns the layers dense
 * that save the most until the total fits: on the example CNN tickets on a
 * Cortex-M4 that is 9x fewer instructions for a third more flash.
 */
static Strategy choose_conv(Strategy requested, const LayerWeights *L, Target target, int64_t budget)
{
    int64_t total = L->N * L->K;
    if (target == TARGET_CORTEX_M && requested == STRAT_AUTO && budget > 0)
        return STRAT_UNROLLED;
    if (target == TARGET_CORTEX_M && (requested == STRAT_AUTO || requested == STRAT_LOOP))
        return m4_conv_flash(L, STRAT_UNROLLED) <= m4_conv_flash(L, STRAT_DENSE) ? STRAT_UNROLLED : STRAT_DENSE;
    return conv_rule(requested, L->nnz, total, L->K);
}

/*
 * On the host, auto writes a Conv that the rule above unrolls (at most 50%
 * kept) in emit_conv_sparse.c's form where that applies (one stride, no
 * dilation, one group) and its outputs have CONV_DENSE_MIN_K taps or more,
 * except a padded Conv of stride 1 whose unrolled code fits in about twice
 * a 32 KB instruction cache (CONV_SPARSE_UNROLLED_MAX), which stays unrolled
 * while the file compiles within the soft target and then takes this form
 * rather than the tap tables (conv_sparse_demoted); returns its channels a
 * block (conv_sparse_mb), 0 to keep the rule's form.
 * Measured (bench/layers.sh: the thread's CPU time, least of 5 rounds, gcc
 * 12, AMD EPYC with AVX-512; us a run): CNN r10's conv2 (32 -> 32, 3x3 over
 * 13x13, 35% kept) unrolled 31.9 at -O2 (its 385 KB get no AVX copy) and
 * 18.9 at -O3 -march=native, dense 25.6 and 40.4, this form 16.2 and 13.0.
 * Conv-2's conv2 (26x26, 78% kept: dense by the rule) dense 53 and 49, this
 * form 82 and 76: the dense kernel skips the input rows that are 0, which
 * wins at that density. First layers (CNN r10's conv1, 9 taps of one
 * channel) stay unrolled: 4.2 and 4.9 against this form's 7.8 and 5.1.
 * Stride 2 over phase planes (-O3 -march=native, least of 3 rounds of 100):
 * ResNet-20's 3x3/s2 Convs (16 -> 32 and 32 -> 64, 33% and 16% kept)
 * unrolled 36 and tap tables 27 against 18 and 18. Padded, stride 1:
 * ResNet-20's 16-channel 3x3 Convs (32% kept) unrolled 20-23, tap tables
 * 28-30, this form 26-31 (23 KB unrolled: they stay unrolled); ResNet-18
 * r02's, 250 KB unrolled, 1101 against 836 (64 channels, 22% kept) and 204
 * against 74 (256, 1.3%); ResNet-18 r10's (tap tables under the soft
 * target) 2.1-2.2 ms against 1.4-1.7 (64 channels, 46% kept), 1.8 against
 * 1.3-1.5 (128, 30%), 1.4 against 0.7 (256, 15%), 0.57 against 0.36 (512, 4%).
 */
enum { CONV_SPARSE_UNROLLED_MAX = 65536 };
static int conv_sparse_pick(const Graph *g, const Node *n, const LayerWeights *L)
{
    Window w;
    if (g->target == TARGET_CORTEX_M || n->op != OP_CONV || n->strategy != STRAT_UNROLLED || L->K < CONV_DENSE_MIN_K ||
        !conv_sparse_applies(g, n))
        return 0;
    conv_window((Graph *)g, n, &w);
    if (w.s[0] == 1 && (w.pb[0] || w.pb[1] || w.pe[0] || w.pe[1]) && layer_bytes(g, n, L, STRAT_UNROLLED) <= CONV_SPARSE_UNROLLED_MAX)
        return 0;
    return conv_sparse_mb(g, n);
}

/* The form of a host Conv that fit_compile_cost takes out of unrolled: this
 * one (channels a block) where it applies with CONV_DENSE_MIN_K taps or more
 * an output, else 0 (the tap tables). */
static int conv_sparse_demoted(const Graph *g, const Node *n)
{
    Window w;
    if (g->target == TARGET_CORTEX_M || n->op != OP_CONV || !conv_sparse_applies(g, n))
        return 0;
    conv_window((Graph *)g, n, &w);
    if (w.c / w.group * w.k[0] * w.k[1] < CONV_DENSE_MIN_K)
        return 0;
    return conv_sparse_mb(g, n);
}

/*
 * On the host, auto writes a 3x3 Conv of stride 1 without padding that the
 * rule above leaves dense (over 50% kept) in emit_conv_wino.c's Winograd
 * form when it has 16 or more input and output channels, and no
 * --code-budget is set (its table, 36 values a channel pair against 9, is
 * 4x the dense one: 148 KB for 32 x 32 channels). Measured (thread CPU
 * time per node, least of 5 rounds of 200 Fashion-MNIST images x 5, gcc
 * 12, 2-core AMD EPYC with AVX-512, loaded; us a run, -O3 -march=native /
 * -O2): Conv-2's conv2 (32 -> 32, 26x26, 78% kept) dense 47 / 51 against
 * 25-28 / 38; the CNN dense model's conv2 (32 -> 32, 13x13, 100%) 39 / 24
 * against 13 / 14. Its outputs' error against float64 sums is about the
 * direct sum's (Conv-2's conv2: largest 5.1e-7 against 4.7e-7). Fewer
 * channels (first layers) not measured: they stay dense.
 */
static int conv_wino_pick(const Graph *g, const Node *n)
{
    Window w;
    if (g->target == TARGET_CORTEX_M || g->code_budget > 0 || n->op != OP_CONV || n->strategy != STRAT_DENSE ||
        !conv_wino_applies(g, n))
        return 0;
    conv_window((Graph *)g, n, &w);
    return w.c >= 16 && w.m >= 16;
}

const char *strategy_name(Strategy s)
{
    return s == STRAT_UNROLLED ? "unrolled" : s == STRAT_DENSE ? "dense" : s == STRAT_LOOP ? "loop" : "auto";
}

/* The strategy of layer L by the rules above, for target. */
static Strategy choose(const Node *n, const LayerWeights *L, Strategy requested, Target target, int64_t budget)
{
    if (n->op == OP_CONV)
        return choose_conv(requested, L, target, budget);
    return emit_choose(requested, L->N, L->K, L->nnz, target);
}

Strategy node_strategy(const Graph *g, const Node *n, Strategy requested)
{
    LayerWeights L;
    if (n->strategy != STRAT_AUTO)
        return n->strategy;
    if (!layer_weights(g, n, &L))
        return STRAT_AUTO;
    return choose(n, &L, requested, g->target, g->code_budget);
}

/*
 * Unrolled by row or by input (emit_linear.c)? Host instructions per
 * inference, from the generated x86-64 code (gcc 12, FMA): by row, a load
 * and a multiply-add per kept weight, and per neuron with weights about 6
 * (partial sums, bias, activation, store); by input, per input with weights
 * a load, a test and a branch, and per kept weight of an input that is not
 * 0 the load, multiply-add and store of its output, and per neuron 3 (the
 * bias, the activation). Without calibration data the expected fraction
 * of inputs that are 0 is a stated default: 0.5 for a model input (half of
 * Fashion-MNIST's pixels are 0), 0.25 after a ReLU (hidden layers of the
 * LeNet tickets: fc2 of r15 by input costs what the model gives for about
 * a sixth of its inputs 0), else 0 (by row). Measured on the LeNet ticket
 * r15 (3.6%, -O3 -march=native): fc1 by input 14.4k instructions against
 * 18.6k by row; fc2 by row 2.7k against 3.4k by input, as chosen.
 */
static double zero_fraction_default(const Graph *g, TensorId t)
{
    if (!zero_often(g, t))
        return 0.0;
    while (g->t[t].producer >= 0 && g->t[t].input_index < 0) {
        const Node *p = &g->n[g->t[t].producer];
        if (p->op == OP_RELU || p->act == OP_RELU)
            return 0.25;
        t = p->in[0];
    }
    return 0.5;
}

/* Measured by --calibrate where it was given, else the default above. */
static double zero_fraction(const Graph *g, TensorId t)
{
    if (g->zero_frac && g->zero_frac[t] >= 0.0f)
        return g->zero_frac[t];
    return zero_fraction_default(g, t);
}

/*
 * Dense Conv (emit_conv_dense.c's blocks) skips the taps whose inputs are
 * all 0 when its input is expected to be 0 often enough: listing a block's
 * taps costs a few integer instructions a tap against the block's P * MV
 * multiply-adds for each tap it skips. Measured on Conv-2's conv2 (52% of
 * its inputs 0, 37% of the taps of a 12-position block all 0): see
 * CONV_SKIP_MIN_ZERO.
 */
#define CONV_SKIP_MIN_ZERO 0.2
int conv_skips_zeros(const Graph *g, const Node *n)
{
    return g->target != TARGET_CORTEX_M && zero_fraction(g, n->in[0]) >= CONV_SKIP_MIN_ZERO;
}

static int by_input(const Graph *g, const Node *n, const LayerWeights *L)
{
    double z, row, col;
    int64_t j, k, kept_cols = 0;
    if (n->op == OP_CONV || g->target == TARGET_CORTEX_M)
        return 0;
    z = zero_fraction(g, n->in[0]);
    if (z <= 0.0)
        return 0;
    for (k = 0; k < L->K; k++)
        for (j = 0; j < L->N; j++)
            if (L->w[j * L->K + k] != 0.0f) {
                kept_cols++;
                break;
            }
    row = 2.0 * (double)L->nnz + 6.0 * (double)L->kept_rows;
    col = 3.0 * (double)kept_cols + 3.0 * (1.0 - z) * (double)L->nnz + 3.0 * (double)L->N;
    return col < row;
}

/* A layer that can shrink, and the bytes its smaller form saves. */
typedef struct {
    int k;
    int64_t save;
} Demotion;

/* By save, largest first; ties to the earlier node (deterministic). */
static int by_save(const void *pa, const void *pb)
{
    const Demotion *a = pa, *b = pb;
    if (a->save != b->save)
        return a->save > b->save ? -1 : 1;
    return a->k - b->k;
}

/*
 * Greedy fit: while the total is over the budget, the layer whose smaller
 * form (a linear layer's loop, a Conv's dense form) saves the most bytes
 * takes it. A layer's saving does not depend on the others, so the greedy
 * order is the layers sorted by saving: one sort, not a scan per layer.
 */
static void demote_to_fit(Graph *g, const LayerWeights *L, int64_t total, int64_t budget)
{
    Demotion *d = arena_array(g->a, (size_t)g->nn + 1, sizeof *d);
    int k, m = 0, i;
    for (k = 0; k < g->nn; k++) {
        Node *n = &g->n[k];
        Strategy to = n->op == OP_CONV ? STRAT_DENSE : STRAT_LOOP;
        int64_t save;
        if (n->dead || n->strategy == STRAT_AUTO || n->strategy == to)
            continue;
        save = layer_bytes(g, n, &L[k], n->strategy) - layer_bytes(g, n, &L[k], to);
        if (save > 0) {
            d[m].k = k;
            d[m++].save = save;
        }
    }
    qsort(d, (size_t)m, sizeof *d, by_save);
    for (i = 0; i < m && total > budget; i++) {
        Node *n = &g->n[d[i].k];
        n->strategy = n->op == OP_CONV ? STRAT_DENSE : STRAT_LOOP;
        total -= d[i].save;
    }
    if (total > budget)
        warning("the smallest code ticketc can make for this model is about %lld bytes, over --code-budget %lld",
                (long long)total, (long long)budget);
}

/*
 * A linear layer that the density rule unrolls but whose input is often 0
 * at run time (after a ReLU, a max-pool of one, or the model's input) runs
 * faster dense above DENSE_SKIP_MIN_KEPT kept: the dense kernel skips the
 * inputs that are 0 (emit_linear.c), the row form cannot. Measured on the
 * CNN ticket r10's fc1 (800 -> 256, 10.7% kept, after conv2's ReLU and a
 * max-pool; thread CPU time, least of 3 rounds, Intel Xeon with AVX-512):
 * 10.8 us unrolled against 6.4 dense at -O2, 10.6 against 5.8 at -O3
 * -march=native. The LeNet tickets' layers (7% kept and less) stay
 * unrolled or input by input, which measured faster than dense there.
 */
#define DENSE_SKIP_MIN_KEPT 0.10
static int dense_skip_pays(const Graph *g, const Node *n, const LayerWeights *L)
{
    double kept = (double)L->nnz / (double)(L->N * L->K > 0 ? L->N * L->K : 1);
    return g->target != TARGET_CORTEX_M && n->op != OP_CONV && n->strategy == STRAT_UNROLLED &&
           zero_often(g, n->in[0]) && kept > DENSE_SKIP_MIN_KEPT;
}

/*
 * Per layer, the strategy for it: the requested one, or with auto the
 * fastest for the target (emit_choose, choose_conv); then, while the
 * estimated total is over the code budget, the layer whose change to a
 * smaller strategy saves the most bytes changes (a linear layer to loop, a
 * Conv from unrolled to dense). Deterministic: ties go to the earlier node.
 */
void plan_strategies(Graph *g, Strategy requested, int64_t budget, Target target)
{
    int64_t total = 0;
    LayerWeights *L = arena_array(g->a, (size_t)g->nn + 1, sizeof *L);
    int k;
    g->target = target;
    g->code_budget = budget;
    for (k = 0; k < g->nn; k++) {
        Node *n = &g->n[k];
        n->strategy = STRAT_AUTO;
        n->sparse_mb = 0;
        n->wino = 0;
        if (n->dead || !layer_weights(g, n, &L[k]))
            continue;
        n->strategy = choose(n, &L[k], requested, target, budget);
        if (requested == STRAT_AUTO && dense_skip_pays(g, n, &L[k]))
            n->strategy = STRAT_DENSE;
        if (requested == STRAT_AUTO && (n->sparse_mb = conv_sparse_pick(g, n, &L[k])) > 0)
            n->strategy = STRAT_LOOP; /* tables: compiled as fast as the tap tables */
        n->wino = requested == STRAT_AUTO && conv_wino_pick(g, n); /* emit_conv_wino.c's form */
        /* by input only where auto chose unrolled: --strategy unrolled is the row form */
        n->input_major = requested == STRAT_AUTO && n->strategy == STRAT_UNROLLED && by_input(g, n, &L[k]);
        total += layer_bytes(g, n, &L[k], n->strategy);
    }
    if (budget <= 0 || total <= budget)
        return;
    if (requested != STRAT_AUTO) {
        warning("the layers need about %lld bytes with --strategy %s, over --code-budget %lld; "
                "--strategy auto would fit them to it", (long long)total, strategy_name(requested), (long long)budget);
        return;
    }
    demote_to_fit(g, L, total, budget);
}

/* ---- what --summary and --report show ---- */

int layer_stats(const Graph *g, const Node *n, LayerStats *s)
{
    memset(s, 0, sizeof *s);
    if (!layer_weights(g, n, &s->L)) {
        s->m4_flash = ir_is_view(n->op) ? 0 : M4_BYTES_OTHER_NODE;
        return 0;
    }
    s->total = s->L.N * s->L.K;
    s->macs = s->L.rows * s->L.nnz;
    s->skipped = s->L.rows * (s->total - s->L.nnz);
    s->strategy = node_strategy(g, n, STRAT_AUTO);
    s->bytes = layer_bytes(g, n, &s->L, s->strategy);
    s->m4_flash = m4_layer_flash(n, &s->L, s->strategy, g->target);
    return 1;
}

/* ---- integer layers (--quantize int8): forms and their Cortex-M4 -Os cost ---- */

/*
 * The loop form's table of one integer layer: per output channel the kept
 * weights as (step, weight) byte pairs, step the distance from the previous
 * kept input (the first from input 0); a gap over 255 inputs takes filler
 * pairs (255, 0). Returns the pairs; *max_row the most pairs of one channel.
 */
int64_t int_loop_pairs(const QLayer *q, int64_t *max_row)
{
    int64_t j, k, pairs = 0;
    *max_row = 0;
    for (j = 0; j < q->N; j++) {
        int64_t prev = 0, row = 0;
        for (k = 0; k < q->K; k++)
            if (q->w[j * q->K + k]) {
                row += 1 + (k - prev > 0 ? (k - prev - 1) / 255 : 0);
                prev = k;
            }
        pairs += row;
        if (row > *max_row)
            *max_row = row;
    }
    return pairs;
}

/* The inputs of a one-row integer layer that have a weight nonzero. */
static int64_t int_used_inputs(const QLayer *q)
{
    int64_t j, k, used = 0;
    for (k = 0; k < q->K; k++)
        for (j = 0; j < q->N; j++)
            if (q->w[j * q->K + k]) {
                used++;
                break;
            }
    return used;
}

/*
 * The unrolled form input by input (by_input, emit_int.c): per input x_k with
 * a kept weight, d = x_k - zp, and where d != 0, acc[n] += w[n][k] * d for
 * each of its kept weights, the int32 sums in RAM. On a Cortex-M4 (-Os) a
 * term is 4 instructions (load, constant, multiply-add, store) against the
 * row form's 3, an input 3 (load, subtract, branch), the sums' set-up and
 * requantising loop about 5 a channel; the terms run only where the input is
 * not 0, with the frequency measured on the calibration samples (in_nz).
 * Taken where that estimate is under 0.9 of the row form's, and the bias with
 * -zp_in * sum w taken out again, b + zp_in * sum w, and every partial sum
 * fit in int32. Returns 1 where it pays. (The literal forms' costs; with the
 * weights streamed (TC_I8S, emit_int.c) a term is about 3.1 against the row's
 * 2.1 and an input one more: the same choice on r15, fc1 input by input, fc2
 * by rows; measured on r15 (bench/m4_int8.sh's form) with fc1 streamed by rows
 * instead: 27.5k instructions an inference against 24.1k with --io int8,
 * 42.8k against 32.8k with float I/O.)
 */
static int int_by_input_pays(const QLayer *q)
{
    double by_input = 5.0 * (double)q->N, row = 3.0 * (double)q->nnz;
    int64_t j, k;
    if (!q->in_nz || q->rows != 1 || q->conv)
        return 0;
    for (j = 0; j < q->N; j++) {
        int64_t sw = 0, sa = 0, b0;
        for (k = 0; k < q->K; k++) {
            sw += q->w[j * q->K + k];
            sa += q->w[j * q->K + k] < 0 ? -q->w[j * q->K + k] : q->w[j * q->K + k];
        }
        b0 = (int64_t)q->b[j] + (int64_t)q->in.zp * sw;
        if ((b0 < 0 ? -b0 : b0) + 255 * sa > 0x7fffffffLL)
            return 0;
    }
    for (k = 0; k < q->K; k++) {
        int64_t c = 0;
        for (j = 0; j < q->N; j++)
            c += q->w[j * q->K + k] != 0;
        if (c)
            by_input += 3.0 + 4.0 * (double)c * (double)q->in_nz[k];
    }
    return by_input < 0.9 * row;
}

/*
 * An integer Conv (emit_int.c, emit_int_conv.c), bytes on a Cortex-M4 at -Os:
 *   loop      per kept tap an int8 weight, a 16-bit offset, two 8-bit rows/columns
 *   unrolled  per kept tap a load (shared by a block of 4 channels), a constant and a
 *             multiply-add (10 bytes); per channel its requantising call with literal
 *             parameters (24); per block of 4 channels its loops
 *   dense     N x K int8 weights and the parameters, the loop nest
 */
static int64_t int_conv_bytes(const QLayer *q, Strategy s)
{
    int64_t params = 9 * q->N;
    switch (s) {
    case STRAT_UNROLLED: return 10 * q->nnz + 24 * q->N + 40 * ((q->N + 3) / 4) + 120;
    case STRAT_DENSE: return params + q->N * q->K + 220;
    default: return params + 2 * q->N + 5 * q->nnz + 200;
    }
}

/*
 * Bytes on a Cortex-M4 at -Os, measured on the LeNet r15 ticket with
 * bench/arm_layers.sh and rounded up: every form keeps per channel an int32
 * bias, an int32 multiplier and an int8 shift (9 bytes); then
 *   unrolled  a load, a constant and a multiply-add per kept weight (10 bytes),
 *             and the requantising call per channel (16 bytes)
 *   loop      2 bytes a (step, weight) pair, 1 or 2 bytes a channel's count, 120 of code
 *   dense     N x K bytes of int8 weights, 100 of code
 */
int64_t int_layer_bytes(const QLayer *q, Strategy s)
{
    int64_t params = 9 * q->N, max_row, pairs;
    if (q->conv)
        return int_conv_bytes(q, s);
    switch (s) {
    case STRAT_UNROLLED:
        if (q->by_input) /* a term 16 (its sum through a pointer: 32-bit loads and stores; with
                          * TC_I8S its int16 weight in a table, 4 words an LDM), per input with
                          * kept weights its load, test and branch; two loops */
            return params + 16 * q->nnz + 10 * int_used_inputs(q) + 120;
        return params + 10 * q->nnz + 16 * q->N + 40;
    case STRAT_LOOP:
        pairs = int_loop_pairs(q, &max_row);
        return params + 2 * pairs + (max_row > 255 ? 2 : 1) * q->N + 120;
    default:
        return params + q->N * q->K + 100;
    }
}

/*
 * Speed per inference, in M4 cycles roughly: unrolled 3 a kept weight, loop
 * 7 a pair, dense 4 a weight; the rule for auto is the fastest form, on a
 * Cortex-M among those no larger than dense (as for float layers).
 */
static int64_t int_layer_cycles(const QLayer *q, Strategy s)
{
    int64_t max_row;
    if (q->conv) /* the tap loop's bounds checks; the dense loop per tap and row besides */
        return s == STRAT_LOOP ? q->rows * 10 * q->nnz
               : s == STRAT_DENSE ? q->rows * 4 * q->nnz + 8 * q->N * q->K * q->win.out[0]
                                  : q->rows * 3 * q->nnz;
    switch (s) {
    case STRAT_UNROLLED: return q->rows * 3 * q->nnz;
    case STRAT_LOOP: return q->rows * 7 * int_loop_pairs(q, &max_row);
    default: return q->rows * 4 * q->N * q->K;
    }
}

enum { INT_CONV_UNROLL_MAX = 65536 };

static Strategy int_choose(const QLayer *q, Strategy requested, Target target)
{
    static const Strategy forms[] = {STRAT_UNROLLED, STRAT_LOOP, STRAT_DENSE};
    Strategy best = STRAT_DENSE;
    int i;
    if (requested != STRAT_AUTO)
        return requested;
    /* an integer Conv of many kept weights would take long to compile unrolled on the host */
    if (q->conv && target != TARGET_CORTEX_M && q->nnz > INT_CONV_UNROLL_MAX)
        return STRAT_DENSE;
    for (i = 0; i < 3; i++) {
        if (target == TARGET_CORTEX_M && int_layer_bytes(q, forms[i]) > int_layer_bytes(q, STRAT_DENSE))
            continue;
        if (int_layer_cycles(q, forms[i]) < int_layer_cycles(q, best))
            best = forms[i];
    }
    return best;
}

/*
 * Per integer layer the requested form, or with auto the fastest for the
 * target; then, while the estimated total is over the budget, the layer
 * whose change to its smallest form saves the most bytes takes it.
 */
void plan_int_strategies(Graph *g, Strategy requested, int64_t budget, Target target)
{
    QuantPlan *p = g->quant;
    int64_t total = 0;
    int k;
    g->target = target;
    g->code_budget = budget;
    for (k = 0; k < g->nn; k++)
        if (p->layer[k]) {
            p->layer[k]->strategy = int_choose(p->layer[k], requested, target);
            p->layer[k]->by_input = target == TARGET_CORTEX_M && p->layer[k]->strategy == STRAT_UNROLLED &&
                                    int_by_input_pays(p->layer[k]);
            /* the row form's weights streamed where the compiler has SMLABB (emit_int_stream) */
            p->layer[k]->stream = target == TARGET_CORTEX_M && p->layer[k]->strategy == STRAT_UNROLLED &&
                                  !p->layer[k]->conv && !p->layer[k]->by_input && p->layer[k]->nnz > 0;
            total += int_layer_bytes(p->layer[k], p->layer[k]->strategy);
        }
    if (budget <= 0 || total <= budget || requested != STRAT_AUTO)
        return;
    while (total > budget) {
        int best = -1;
        int64_t best_save = 0;
        Strategy best_s = STRAT_AUTO;
        for (k = 0; k < g->nn; k++) {
            QLayer *q = p->layer[k];
            Strategy s;
            int64_t cur;
            if (!q)
                continue;
            cur = int_layer_bytes(q, q->strategy);
            s = int_layer_bytes(q, STRAT_LOOP) <= int_layer_bytes(q, STRAT_DENSE) ? STRAT_LOOP : STRAT_DENSE;
            if (cur - int_layer_bytes(q, s) > best_save) {
                best_save = cur - int_layer_bytes(q, s);
                best = k;
                best_s = s;
            }
        }
        if (best < 0) {
            warning("the smallest integer code ticketc can make for this model is about %lld bytes, over "
                    "--code-budget %lld", (long long)total, (long long)budget);
            break;
        }
        p->layer[best]->strategy = best_s;
        p->layer[best]->by_input = 0;
        p->layer[best]->stream = 0;
        total -= best_save;
    }
}
/* ---- compile cost: the file as planned, fitted under the limits ---- */

/* The estimate of node n's code in its planned form (L: its weights, or NULL). */
static CompileCost node_compile_cost(const Node *n, const LayerWeights *L)
{
    if (!L)
        return ir_is_view(n->op) ? (CompileCost){0.0, 0.0} : compile_cost_node();
    return compile_cost_layer(n->op == OP_CONV, L, n->strategy);
}

CompileCost compile_estimate(const Graph *g, const Node **worst, CompileCost *worst_cost)
{
    CompileCost total = compile_cost_base(), c;
    LayerWeights L;
    int k;
    if (worst)
        *worst = NULL;
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        int weighted;
        if (n->dead)
            continue;
        weighted = n->strategy != STRAT_AUTO && layer_weights(g, n, &L);
        c = node_compile_cost(n, weighted ? &L : NULL);
        total.seconds += c.seconds;
        total.mb += c.mb;
        if (worst && weighted && (!*worst || c.seconds > worst_cost->seconds)) {
            *worst = n;
            *worst_cost = c;
        }
    }
    return total;
}

/*
 * auto: while the file's estimate is over a limit, the unrolled layer whose
 * compile-cheaper form (a linear layer's loop; a Conv's tap tables on the
 * host, its dense form on Cortex-M) saves the most compile time takes it:
 * the same greedy order as demote_to_fit, by seconds saved (memory follows
 * the same weights). Run time is what this gives up, on layers large enough
 * to need it: on this machine about 200k unrolled terms of a linear layer.
 * On the host, Convs go on taking their tap tables while the file is over
 * the soft target (COMPILE_SOFT_S_PER_KEPT a kept weight, at least
 * COMPILE_SOFT_MIN_S): unrolled they cost gcc about 0.6 ms a kept tap, in
 * tables a few microseconds, and run within about 1.5x of unrolled
 * (emit_conv_table.c); linear layers stay unrolled below the limits, where
 * the LeNet tickets' speed comes from. Only where the Convs' tables bring the
 * file within the soft target: the CNN ticket r10 (2 Convs, 3.3k taps, and a
 * 22k-term fc1) would stay over it with them, at 1.5x the run time.
 */
static Strategy cheaper_form(const Graph *g, const Node *n)
{
    if (n->op != OP_CONV)
        return STRAT_LOOP;
    return g->target == TARGET_CORTEX_M ? STRAT_DENSE : STRAT_LOOP;
}

/*
 * Whether the tap tables' position blocks fit n's rows: at -O2 on x86-64
 * they are 4-float vectors, 2 a block where a row holds 8, the last block of
 * a row moved back to end at its edge; where that recomputes over a quarter
 * of the columns (11 a row: 16 computed) the tables run at about 1.6x the
 * unrolled form's instructions (the CNN ticket's conv2), and the soft target
 * leaves the layer unrolled. Strided rows compute every column either way.
 */
static int table_rows_fit(const Graph *g, const Node *n)
{
    Window w;
    int64_t q, blocks;
    conv_window((Graph *)g, n, &w);
    if (w.s[1] != 1 || w.out[1] < 4)
        return 1;
    q = w.out[1] >= 8 ? 8 : 4;
    blocks = (w.out[1] + q - 1) / q;
    return 4 * w.out[1] >= 3 * blocks * q;
}

/* A layer the soft target may turn into tap tables. */
static int soft_candidate(const Graph *g, const Node *n)
{
    return n->op == OP_CONV && g->target != TARGET_CORTEX_M && table_rows_fit(g, n);
}

static void fit_compile_cost(Graph *g)
{
    CompileCost total = compile_estimate(g, NULL, NULL);
    Demotion *d;
    CompileCost *save;
    double kept = 0.0, soft;
    int k, m = 0, i;
    for (k = 0; k < g->nn; k++) {
        LayerWeights L;
        if (!g->n[k].dead && g->n[k].strategy != STRAT_AUTO && layer_weights(g, &g->n[k], &L))
            kept += (double)L.nnz;
    }
    soft = kept * COMPILE_SOFT_S_PER_KEPT;
    if (soft > COMPILE_SOFT_MAX_S)
        soft = COMPILE_SOFT_MAX_S;
    if (soft < COMPILE_SOFT_MIN_S || g->target == TARGET_CORTEX_M)
        soft = g->target == TARGET_CORTEX_M ? COMPILE_LIMIT_S : COMPILE_SOFT_MIN_S;
    if (!compile_cost_over(total) && total.seconds <= soft)
        return;
    d = arena_array(g->a, (size_t)g->nn + 1, sizeof *d);
    save = arena_array(g->a, (size_t)g->nn + 1, sizeof *save);
    for (k = 0; k < g->nn; k++) {
        Node *n = &g->n[k];
        LayerWeights L;
        CompileCost from, to;
        if (n->dead || n->strategy != STRAT_UNROLLED || !layer_weights(g, n, &L))
            continue;
        from = compile_cost_layer(n->op == OP_CONV, &L, STRAT_UNROLLED);
        to = compile_cost_layer(n->op == OP_CONV, &L, cheaper_form(g, n));
        save[k].seconds = from.seconds - to.seconds;
        save[k].mb = from.mb - to.mb;
        d[m].k = k;
        d[m++].save = (int64_t)(1e6 * save[k].seconds); /* microseconds: Demotion counts in integers */
    }
    qsort(d, (size_t)m, sizeof *d, by_save);
    /* the soft target only where the Convs' tables reach it: a file that stays over
     * it anyway (its unrolled linear layers, say) keeps its Convs unrolled */
    {
        double reach = total.seconds;
        for (i = 0; i < m; i++)
            if (soft_candidate(g, &g->n[d[i].k]))
                reach -= save[d[i].k].seconds;
        if (reach > soft)
            soft = COMPILE_LIMIT_S;
    }
    for (i = 0; i < m; i++) {
        Node *n = &g->n[d[i].k];
        int soft_conv = soft_candidate(g, n) && total.seconds > soft;
        if (!compile_cost_over(total) && !soft_conv)
            continue;
        n->strategy = cheaper_form(g, n);
        if (n->strategy == STRAT_LOOP)
            n->sparse_mb = conv_sparse_demoted(g, n); /* a Conv: emit_conv_sparse.c's form or its tap tables */
        total.seconds -= save[d[i].k].seconds;
        total.mb -= save[d[i].k].mb;
    }
}

/* After plan_strategies: with auto, fits the planned forms under the compile limits. */
void plan_compile_cost(Graph *g, Strategy requested)
{
    if (requested == STRAT_AUTO)
        fit_compile_cost(g);
}

/*
 * A file over the limits is refused before any C is written, with the
 * estimate, the layer that costs the most and the options: auto (which fits
 * the forms to the limits) or --allow-slow-compile.
 */
void check_compile_cost(const Graph *g, Strategy requested, int allow)
{
    const Node *worst;
    CompileCost worst_cost = {0.0, 0.0}, total;
    /* auto has already taken the cheapest forms plan_compile_cost could: what is
     * left (nodes without weights, say) has no cheaper form, so it is written */
    if (allow || requested == STRAT_AUTO)
        return;
    total = compile_estimate(g, &worst, &worst_cost);
    if (!compile_cost_over(total))
        return;
    fatal("with --strategy %s the C file would take about %.0f s and %.0f MB to compile with cc -O2 (estimated; "
          "limits %.0f s and %.0f MB)%s%s%s%s; --strategy auto picks forms that compile within them, "
          "--allow-slow-compile writes it anyway",
          strategy_name(requested), total.seconds, total.mb, COMPILE_LIMIT_S, COMPILE_LIMIT_MB,
          worst ? ": most of it layer '" : "", worst ? text_comment(g->a, worst->name) : "",
          worst ? "', " : "", worst ? arena_printf(g->a, "%s, about %.0f s", strategy_name(worst->strategy), worst_cost.seconds) : "");
}
