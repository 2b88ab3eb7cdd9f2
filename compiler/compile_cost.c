/*
 * compile_cost.c - what the generated C costs the C compiler: cc -O2's CPU
 * seconds and peak memory, estimated per layer from its shape and code form
 * alone (no Graph: strategy.c sums it over the planned layers, fits auto
 * under the limits and refuses a forced strategy over them).
 *
 * Measured with gcc 12 -O2 on x86-64 (bench/compile_scaling.sh: CPU time
 * user + system and peak resident memory of one cc, a 2-core AMD EPYC
 * shared with other jobs), per form:
 *   unrolled Gemm/MatMul  0.20-0.23 ms and 4-6 KB per kept weight, flat in
 *                         the inputs per neuron (20k-term layers of 100,
 *                         400 and 1,600 inputs: 4.6, 4.9, 4.0 s) and in
 *                         size (LeNet tickets at 9.5k, 18.5k, 56k terms:
 *                         2.2, 3.8, 11.2 s; Conv-2 at 17%, 195k terms:
 *                         49.8 s and 869 MB; the dense LeNet-300-100,
 *                         266k terms: 71.5 s and 930 MB, 0.27 ms a term)
 *   unrolled Conv         0.69 ms and 12 KB per kept tap (ResNet-20 at
 *                         10%, 27k taps in 21 convolutions: 18.7 s, 362 MB)
 *   loop                  6.4 us and 0.5 KB per kept weight (Conv-2 at
 *                         17%: 1.3 s, 94 MB)
 *   Conv tap tables       (emit_conv_table.c: an offset and a weight per
 *                         kept tap, one loop nest per layer) ResNet-20 at
 *                         10%, 16 Convs with 23.6k taps in tables and 5
 *                         unrolled with 2.1k: 2.4 s and 86 MB in all;
 *                         MobileNet-v2 64x64 at 2%, 32 with 50k taps in
 *                         tables: 5.3 s, 218 MB (both with their unrolled
 *                         rest): under 10 us and 1 KB a tap
 *   dense                 1.7 us and 0.15 KB per weight, kept or not
 *                         (Conv-2, 1.19M weights: 2.0 s, 177 MB)
 * The constants below are about a tenth above the highest rate measured
 * (0.30 ms a term, 0.9 ms a tap; memory more), so that the estimate errs high: refusing a file that would have compiled in 50 s costs less
 * than a build that runs for half an hour.
 */
#include "ticketc.h"

/* cc itself, and a node without weights (elementwise, pooling, ...) */
#define CC_BASE_S 0.1
#define CC_BASE_MB 40.0
#define NODE_S 0.05
#define NODE_MB 1.0
/* per kept weight (unrolled, loop) or per weight (dense) */
#define UNROLLED_S 0.30e-3
#define UNROLLED_MB (7.0 / 1024)
#define CONV_UNROLLED_S 0.9e-3
#define CONV_UNROLLED_MB (15.0 / 1024)
#define LOOP_S 8e-6
#define LOOP_MB (0.6 / 1024)
#define CONV_TABLE_S 10e-6
#define CONV_TABLE_MB (1.0 / 1024)
#define DENSE_S 2.5e-6
#define DENSE_MB (0.2 / 1024)

CompileCost compile_cost_node(void)
{
    CompileCost c = {NODE_S, NODE_MB};
    return c;
}

CompileCost compile_cost_base(void)
{
    CompileCost c = {CC_BASE_S, CC_BASE_MB};
    return c;
}

/* cost = per-weight rate x the weights the form writes out */
CompileCost compile_cost_layer(int conv, const LayerWeights *L, Strategy s)
{
    CompileCost c;
    double kept = (double)L->nnz, all = (double)L->N * (double)L->K;
    switch (s) {
    case STRAT_UNROLLED:
        c.seconds = kept * (conv ? CONV_UNROLLED_S : UNROLLED_S);
        c.mb = kept * (conv ? CONV_UNROLLED_MB : UNROLLED_MB);
        break;
    case STRAT_LOOP:
        c.seconds = kept * (conv ? CONV_TABLE_S : LOOP_S);
        c.mb = kept * (conv ? CONV_TABLE_MB : LOOP_MB);
        break;
    default: /* dense, and auto for a layer not yet planned */
        c.seconds = all * DENSE_S;
        c.mb = all * DENSE_MB;
        break;
    }
    c.seconds += NODE_S;
    c.mb += NODE_MB;
    return c;
}

int compile_cost_over(CompileCost c)
{
    return c.seconds > COMPILE_LIMIT_S || c.mb > COMPILE_LIMIT_MB;
}
