/*
 * summary.c - `--summary`: one row per live node with its shapes, the
 * weights it keeps and the multiply-adds it executes and skips.
 */
#include "ticketc.h"

static void shape(const Graph *g, TensorId id, char *buf, size_t size)
{
    const Tensor *t = &g->t[id];
    size_t n = 0;
    int i;
    n += (size_t)snprintf(buf, size, "[");
    for (i = 0; i < t->rank && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, i ? ",%lld" : "%lld", (long long)t->dims[i]);
    if (n < size)
        snprintf(buf + n, size - n, "]");
}

/*
 * Cortex-M4F, arm-none-eabi-gcc 12 -Os: bytes of flash, fitted to the
 * example tickets (make arm-size compares this with the real object).
 * Unrolled with literals: per kept weight a VLDR of x (at an immediate
 * offset from its input window), a literal-pool load of the weight and a
 * VFMA/VMUL, plus its 4-byte literal: 16 bytes. Streamed (--target
 * cortex-m): the VLDR of x, the VFMA and the weight in its table, with one
 * VLDMIA per 8 weights: 12.5. Per neuron the sum, bias, activation and
 * store. Dense: the weight and bias tables plus a loop nest.
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

int64_t m4_unrolled_flash(int64_t N, int64_t nnz, Target target)
{
    if (target == TARGET_CORTEX_M)
        return M4_BYTES_PER_STREAMED_TERM_X2 * nnz / 2 + M4_BYTES_PER_STREAMED_NEURON * N;
    return M4_BYTES_PER_TERM * nnz + M4_BYTES_PER_NEURON * N;
}

static int64_t m4_flash(Strategy st, int64_t nnz, int64_t total, int64_t neurons, Target target)
{
    if (st == STRAT_DENSE)
        return 4 * (total + neurons) + M4_BYTES_DENSE_LOOP;
    return m4_unrolled_flash(neurons, nnz, target);
}

void print_summary(const Graph *g, Strategy s, Target target, FILE *f)
{
    int64_t flash = 0;
    int64_t tot_nnz = 0, tot_w = 0, tot_mac = 0, tot_skip = 0, tot_bytes = 0;
    int k;
    fprintf(f, "%-5s %-10s %-16s %-14s %-12s %17s %7s %12s %12s %10s  %s\n", "node", "op", "name", "input", "output",
            "nonzero/total", "kept", "MACs run", "MACs skipped", "est bytes", "strategy");
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        char in[40], out[40], name[17], ratio[40];
        int64_t nnz, total, rows;
        LayerWeights L;
        if (n->dead)
            continue;
        shape(g, n->in[0], in, sizeof in);
        shape(g, n->out[0], out, sizeof out);
        sanitize_comment(name, sizeof name, n->name);
        if (layer_weights(g, n, &L) || (n->op == OP_CONV && emit_layer_weights(g, n, &nnz, &total, &rows))) {
            Strategy st = node_strategy(g, n, s);
            int64_t bytes = n->op == OP_CONV ? conv_strategy_bytes(st, nnz, total) : strategy_bytes(st, L.N, L.K, L.nnz);
            if (n->op != OP_CONV) {
                nnz = L.nnz;
                total = L.N * L.K;
                rows = L.rows;
            }
            snprintf(ratio, sizeof ratio, "%lld/%lld", (long long)nnz, (long long)total);
            fprintf(f, "%-5d %-10s %-16s %-14s %-12s %17s %6.1f%% %12lld %12lld %10lld  %s\n", n->index,
                    op_name(n->op), name, in, out, ratio, 100.0 * (double)nnz / (double)(total ? total : 1),
                    (long long)(rows * nnz), (long long)(rows * (total - nnz)), (long long)bytes, strategy_name(st));
            tot_nnz += nnz;
            tot_w += total;
            tot_mac += rows * nnz;
            tot_skip += rows * (total - nnz);
            tot_bytes += bytes;
            flash += m4_flash(st, nnz, total, ir_numel(&g->t[n->out[0]]) / (rows ? rows : 1), target);
        } else {
            if (!ir_is_view(n->op))
                flash += M4_BYTES_OTHER_NODE;
            fprintf(f, "%-5d %-10s %-16s %-14s %-12s %17s %7s %12s %12s %10s  %s\n", n->index,
                    op_name(n->op), name, in, out, "-", "-", "-", "-", "-", "-");
        }
        if (n->act != OP_COUNT && emit_layer_weights(g, n, &nnz, &total, &rows))
            fprintf(f, "%-5s   + %s (fused)\n", "", op_name(n->act));
    }
    fprintf(f, "total: %lld of %lld weights kept (%.2f%%), %lld MACs run, %lld skipped, about %lld bytes of layer code and constants, "
               "arena %lld bytes (liveness lower bound %lld)\n",
            (long long)tot_nnz, (long long)tot_w, 100.0 * (double)tot_nnz / (double)(tot_w ? tot_w : 1),
            (long long)tot_mac, (long long)tot_skip, (long long)tot_bytes, (long long)g->arena_floats * 4,
            (long long)g->arena_lower_bound * 4);
    fprintf(f, "Cortex-M4 -Os estimate: flash %lld bytes (code and weights), RAM %lld bytes (arena + stack)\n",
            (long long)flash, (long long)(g->arena_floats * 4 + M4_STACK_BYTES));
}
