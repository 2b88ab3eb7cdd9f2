/*
 * summary.c - `--summary`: one row per live node with its shapes, the
 * weights it keeps and the multiply-adds it executes and skips, its
 * strategy and estimated bytes (all from strategy.c's layer_stats).
 */
#include "ticketc.h"


void print_summary(const Graph *g, FILE *f)
{
    int64_t flash = 0;
    int64_t tot_nnz = 0, tot_w = 0, tot_mac = 0, tot_skip = 0, tot_bytes = 0;
    int k;
    fprintf(f, "%-5s %-10s %-16s %-14s %-12s %17s %7s %12s %12s %10s  %s\n", "node", "op", "name", "input", "output",
            "nonzero/total", "kept", "MACs run", "MACs skipped", "est bytes", "strategy");
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        const char *in, *out;
        char name[17], ratio[40];
        LayerStats st;
        int weighted;
        if (n->dead)
            continue;
        in = ir_shape_str(g->a, &g->t[n->in[0]]);
        out = ir_shape_str(g->a, &g->t[n->out[0]]);
        sanitize_comment(name, sizeof name, n->name);
        weighted = layer_stats(g, n, &st);
        flash += st.m4_flash;
        if (weighted) {
            snprintf(ratio, sizeof ratio, "%lld/%lld", (long long)st.L.nnz, (long long)st.total);
            fprintf(f, "%-5d %-10s %-16s %-14s %-12s %17s %6.1f%% %12lld %12lld %10lld  %s\n", n->index,
                    op_name(n->op), name, in, out, ratio, 100.0 * (double)st.L.nnz / (double)(st.total ? st.total : 1),
                    (long long)st.macs, (long long)st.skipped, (long long)st.bytes,
                    n->input_major && st.strategy == STRAT_UNROLLED ? "unrolled, input by input"
                                                                    : strategy_name(st.strategy));
            tot_nnz += st.L.nnz;
            tot_w += st.total;
            tot_mac += st.macs;
            tot_skip += st.skipped;
            tot_bytes += st.bytes;
        } else {
            fprintf(f, "%-5d %-10s %-16s %-14s %-12s %17s %7s %12s %12s %10s  %s\n", n->index,
                    op_name(n->op), name, in, out, "-", "-", "-", "-", "-", "-");
        }
        if (n->act != OP_COUNT && weighted)
            fprintf(f, "%-5s   + %s (fused)\n", "", op_name(n->act));
        if (weighted && g->zero_frac && g->zero_frac[n->in[0]] >= 0.0f)
            fprintf(f, "%-5s   input: %.1f%% of its values 0 on the %lld calibration samples\n", "",
                    100.0 * g->zero_frac[n->in[0]], (long long)g->zero_samples);
    }
    fprintf(f, "total: %lld of %lld weights kept (%.2f%%), %lld MACs run, %lld skipped, about %lld bytes of layer code and constants, "
               "arena %lld bytes (liveness lower bound %lld)\n",
            (long long)tot_nnz, (long long)tot_w, 100.0 * (double)tot_nnz / (double)(tot_w ? tot_w : 1),
            (long long)tot_mac, (long long)tot_skip, (long long)tot_bytes, (long long)g->arena_floats * 4,
            (long long)g->arena_lower_bound * 4);
    fprintf(f, "Cortex-M4 -Os estimate: flash %lld bytes (code and weights), RAM %lld bytes (arena + stack)\n",
            (long long)flash, (long long)m4_ram(g));
    print_io_precision(g, f); /* double, float16, bfloat16 inputs and outputs (interp_types.c) */
}

/* The node that reads tensor t first, for "stays float for node N". */
static const Node *first_reader(const Graph *g, TensorId t)
{
    int k, i;
    for (k = 0; k < g->nn; k++)
        for (i = 0; !g->n[k].dead && i < g->n[k].n_in; i++)
            if (g->n[k].in[i] == t)
                return &g->n[k];
    return NULL;
}

/* The quantisation error per integer node (qerror.c), when measured. */
static void print_quant_error(const Graph *g, FILE *f)
{
    const QuantPlan *p = g->quant;
    int k;
    if (!p->err_max)
        return;
    fprintf(f, "quantisation error on the %lld calibration samples: |dequantised int8 output - float model's output| "
               "in steps of the output scale\n", (long long)p->err_samples);
    for (k = 0; k < g->nn; k++)
        if (!g->n[k].dead && (p->layer[k] || (p->lut && p->lut[k])))
            fprintf(f, "  node %d %s '%s': largest %.3g, rms %.3g (step %.9g)\n", g->n[k].index, op_name(g->n[k].op),
                    text_comment(g->a, g->n[k].name), p->err_max[k], p->err_rms[k],
                    (double)p->t[g->n[k].out[0]].scale);
}

/* --summary of an int8 model after its layer table (print_int_summary): the
 * quantisation error (--calibrate) and a quantized model's float islands (quant.c),
 * each node with the int8 tensors it dequantises and those it quantises. */
void print_int_details(const Graph *g, FILE *f)
{
    const QuantPlan *p = g->quant;
    int k, i;
    print_quant_error(g, f);
    if (!p->islands)
        return;
    fprintf(f, "float islands: %lld node%s with no integer form, computed in float between a dequantize and a "
               "quantize:\n", (long long)p->islands, p->islands == 1 ? "" : "s");
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        const char *sep = "";
        if (n->dead || !p->island[k])
            continue;
        fprintf(f, "  node %d %s '%s':", n->index, op_name(n->op), text_comment(g->a, n->name));
        for (i = 0; i < n->n_in; i++) {
            TensorId t = n->in[i];
            if (t == TC_NONE || ir_is_const(&g->t[t]) || p->flt[t])
                continue;
            fprintf(f, "%s dequantises '%s' (scale %.9g, zero point %d)", sep, text_comment(g->a, g->t[t].name),
                    (double)p->t[t].scale, (int)p->t[t].zp);
            sep = ";";
        }
        for (i = 0; i < n->n_out; i++) {
            TensorId y = n->out[i];
            const Node *r;
            if (y == TC_NONE || (i > 0 && !node_multi_output(g, n)))
                continue;
            if (!p->flt[y]) {
                fprintf(f, "%s quantises '%s' (scale %.9g, zero point %d)", sep, text_comment(g->a, g->t[y].name),
                        (double)p->t[y].scale, (int)p->t[y].zp);
            } else if (g->t[y].output_index >= 0) {
                fprintf(f, "%s '%s' is a float graph output", sep, text_comment(g->a, g->t[y].name));
            } else if ((r = first_reader(g, y)) != NULL) {
                fprintf(f, "%s '%s' stays float for node %d", sep, text_comment(g->a, g->t[y].name), r->index);
            }
            sep = ";";
        }
        fprintf(f, "\n");
    }
}
