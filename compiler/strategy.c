/*
 * strategy.c - the only place a layer's code form is chosen: per layer with
 * constant weights (Gemm, MatMul, Conv) the requested strategy, or with
 * auto the fastest for the target within the code budget, with the cost
 * models the choice rests on. The emitter, --summary and --report read the
 * choice from Node.strategy.
 */
#include "ticketc.h"

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

const char *strategy_name(Strategy s)
{
    return s == STRAT_UNROLLED ? "unrolled" : s == STRAT_DENSE ? "dense" : s == STRAT_LOOP ? "loop" : "auto";
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
    case STRAT_LOOP: return (4 + emit_index_bytes(K - 1)) * nnz + emit_index_bytes(nnz) * (N + 1) + 4 * N + 96;
    default: return 4 * N * K + 4 * N + 128;
    }
}

Strategy node_strategy(const Graph *g, const Node *n, Strategy requested)
{
    LayerWeights L;
    if (n->strategy != STRAT_AUTO)
        return (Strategy)n->strategy;
    if (n->op == OP_CONV && emit_layer_weights(g, n, &L.nnz, &L.K, &L.rows))
        return emit_choose_conv(requested, L.nnz, L.K);
    if (!layer_weights(g, n, &L))
        return STRAT_AUTO;
    return emit_choose(requested, L.N, L.K, L.nnz, TARGET_HOST);
}

/* A layer's estimated bytes under strategy s; 0 when it has no constant weights. */
static int64_t layer_bytes(const Graph *g, const Node *n, Strategy s)
{
    LayerWeights L;
    int64_t nnz, total, rows;
    if (n->op == OP_CONV)
        return emit_layer_weights(g, n, &nnz, &total, &rows) ? conv_strategy_bytes(s, nnz, total) : 0;
    return layer_weights(g, n, &L) ? strategy_bytes(s, L.N, L.K, L.nnz) : 0;
}

/*
 * Per layer, the strategy for it: the requested one, or with auto the
 * fastest for the target (emit_choose, emit_choose_conv); then, while the
 * estimated total is over the code budget, the layer whose change to a
 * smaller strategy saves the most bytes changes (a linear layer to loop, a
 * Conv from unrolled to dense). Deterministic: ties go to the earlier node.
 */
void plan_strategies(Graph *g, Strategy requested, int64_t budget, Target target)
{
    int64_t total = 0, nnz, all, rows;
    int k;
    for (k = 0; k < g->nn; k++) {
        Node *n = &g->n[k];
        LayerWeights L;
        n->strategy = STRAT_AUTO;
        if (n->dead)
            continue;
        if (n->op == OP_CONV && emit_layer_weights(g, n, &nnz, &all, &rows))
            n->strategy = emit_choose_conv(requested, nnz, all);
        else if (layer_weights(g, n, &L))
            n->strategy = emit_choose(requested, L.N, L.K, L.nnz, target);
        else
            continue;
        total += layer_bytes(g, n, (Strategy)n->strategy);
    }
    if (budget <= 0 || total <= budget)
        return;
    if (requested != STRAT_AUTO) {
        warning("the layers need about %lld bytes with --strategy %s, over --code-budget %lld; "
                "--strategy auto would fit them to it", (long long)total, strategy_name(requested), (long long)budget);
        return;
    }
    while (total > budget) {
        int64_t best_save = 0;
        Node *best = NULL;
        Strategy best_to = STRAT_LOOP;
        for (k = 0; k < g->nn; k++) {
            Node *n = &g->n[k];
            Strategy to = n->op == OP_CONV ? STRAT_DENSE : STRAT_LOOP;
            int64_t save;
            if (n->dead || n->strategy == STRAT_AUTO || n->strategy == (int)to)
                continue;
            save = layer_bytes(g, n, (Strategy)n->strategy) - layer_bytes(g, n, to);
            if (save > best_save) {
                best_save = save;
                best = n;
                best_to = to;
            }
        }
        if (!best) {
            warning("the smallest code ticketc can make for this model is about %lld bytes, over --code-budget %lld",
                    (long long)total, (long long)budget);
            return;
        }
        best->strategy = best_to;
        total -= best_save;
    }
}

int64_t emit_index_bytes(int64_t max)
{
    return max <= 255 ? 1 : max <= 65535 ? 2 : 4;
}

/* Unrolled: a term per kept weight in the code (about 20 bytes) and in the
 * border taps' table (16); dense: the weight table. Plus biases and loops. */
int64_t conv_strategy_bytes(Strategy s, int64_t nnz, int64_t total)
{
    return s == STRAT_UNROLLED ? 36 * nnz + 256 : 4 * total + 256;
}

Strategy emit_choose_conv(Strategy requested, int64_t nnz, int64_t total)
{
    if (requested == STRAT_LOOP)
        return conv_strategy_bytes(STRAT_UNROLLED, nnz, total) < conv_strategy_bytes(STRAT_DENSE, nnz, total)
                   ? STRAT_UNROLLED : STRAT_DENSE;
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
     */
    return (double)nnz <= 0.50 * (double)(total ? total : 1) ? STRAT_UNROLLED : STRAT_DENSE;
}
