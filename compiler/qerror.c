/*
 * qerror.c - the quantisation error of an int8 ticket, measured on its
 * calibration samples (--quantize int8 --calibrate FILE with --summary or
 * --report): per sample, the reference interpreter runs the float model and
 * interp_int.c the integer one; for each node whose output the integer path
 * computes (a layer, a table), the difference of the dequantised int8 output
 * and the float output, in steps of the output's scale:
 *   err = |(q - zp) * scale - y_float| / scale
 *   largest over all values and samples, and sqrt(mean(err^2)).
 * A layer's error carries its inputs' (the integer model runs on its own
 * values, as the generated code does), so it grows along the graph.
 */
#include <math.h>
#include <string.h>

#include "ticketc.h"

void quant_error(Graph *g, const char *calib, size_t max_bytes)
{
    QuantPlan *p = g->quant;
    Buf file = {0};
    int64_t per = 0, samples, s, *count = arena_array(g->a, (size_t)g->nn + 1, sizeof(int64_t));
    double *sq = arena_array(g->a, (size_t)g->nn + 1, sizeof(double));
    void **vals = arena_array(g->a, g->nt + 1, sizeof(void *));
    float **in = arena_array(g->a, (size_t)g->n_inputs + 1, sizeof(float *));
    float **out = arena_array(g->a, (size_t)g->n_outputs + 1, sizeof(float *));
    int k, rc;
    uint32_t t;
    for (k = 0; k < g->n_inputs; k++) {
        per += ir_numel(&g->t[g->inputs[k]]);
        in[k] = arena_array(g->a, (size_t)ir_numel(&g->t[g->inputs[k]]) + 1, sizeof(float));
    }
    for (k = 0; k < g->n_outputs; k++)
        out[k] = arena_array(g->a, (size_t)ir_numel(&g->t[g->outputs[k]]) + 1, sizeof(float));
    p->err_max = arena_array(g->a, (size_t)g->nn + 1, sizeof(double));
    p->err_rms = arena_array(g->a, (size_t)g->nn + 1, sizeof(double));
    rc = buf_read_file(&file, calib, max_bytes);
    if (rc != 0 || per <= 0 || file.len % ((size_t)per * 4) != 0) /* quantize_graph read it already */
        fatal("--calibrate: cannot read '%s' again", calib);
    samples = (int64_t)(file.len / ((size_t)per * 4));
    for (s = 0; s < samples; s++) {
        const unsigned char *b = (const unsigned char *)file.p + (size_t)(s * per * 4);
        int8_t **q;
        progress("measuring the quantisation error on sample", s, samples, NULL);
        for (k = 0; k < g->n_inputs; k++) {
            int64_t m = ir_numel(&g->t[g->inputs[k]]), j;
            for (j = 0; j < m; j++, b += 4) {
                uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
                memcpy(&in[k][j], &u, 4);
            }
        }
        for (t = 0; t < g->nt; t++)
            vals[t] = g->t[t].f ? (void *)g->t[t].f : (void *)g->t[t].i;
        for (k = 0; k < g->n_inputs; k++)
            vals[g->inputs[k]] = in[k];
        for (k = 0; k < g->nn; k++)
            if (!g->n[k].dead)
                interp_node(g, &g->n[k], vals);
        q = interp_int_values(g, in, out);
        for (k = 0; k < g->nn; k++) {
            const Node *n = &g->n[k];
            TensorId y = n->out[0];
            QParam qp = p->t[y];
            int64_t j, m;
            if (n->dead || !(p->layer[k] || (p->lut && p->lut[k])) || !q[y] || !vals[y])
                continue;
            for (j = 0, m = ir_numel(&g->t[y]); j < m; j++) {
                double d = fabs(((double)q[y][j] - qp.zp) * qp.scale - ((const float *)vals[y])[j]) / qp.scale;
                if (d > p->err_max[k])
                    p->err_max[k] = d;
                sq[k] += d * d;
            }
            count[k] += m;
        }
    }
    for (k = 0; k < g->nn; k++)
        p->err_rms[k] = count[k] ? sqrt(sq[k] / (double)count[k]) : 0.0;
    p->err_samples = samples;
    buf_free(&file);
}
