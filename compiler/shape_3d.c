/*
 * shape_3d.c - Conv, ConvTranspose, MaxPool and AveragePool over 5-D
 * [N,C,D,H,W] inputs. shape.c's window (conv_window) has two spatial axes,
 * and every layer pass (strategy, quantisation, batch-norm folding) reads
 * it; a node with a 5-D input is therefore given an op of its own (OP_CONV3D
 * and the others: the same ONNX name in messages) before its shape is
 * inferred, and this file, interp_3d.c and emit_3d.c compute it.
 */
#include <string.h>

#include "ticketc.h"

/* The 3-D op of a node whose input 0 is 5-D, else its own op. */
OpKind op_3d(const Graph *g, const Node *n)
{
    if (n->n_in < 1 || n->in[0] == TC_NONE || g->t[n->in[0]].rank != 5)
        return n->op;
    switch (n->op) {
    case OP_CONV: return OP_CONV3D;
    case OP_CONVTRANSPOSE: return OP_CONVTRANSPOSE3D;
    case OP_MAXPOOL: return OP_MAXPOOL3D;
    case OP_AVERAGEPOOL: return OP_AVERAGEPOOL3D;
    default: return n->op;
    }
}

/*
 * The window along each of the three axes, as conv_window computes it for two:
 *   Conv, pools: out = (in + pb + pe - ((k - 1) * d + 1)) / s + 1 (ceil_mode: rounded up,
 *   unless the last window would start in the end padding); SAME_*: out = ceil(in / s).
 *   ConvTranspose: out = s * (in - 1) + output_padding + (k - 1) * d + 1 - pb - pe.
 */
void window_3d(const Graph *g, const Node *n, Window3 *w)
{
    const Tensor *x = &g->t[n->in[0]];
    int conv = n->op == OP_CONV3D || n->op == OP_CONVTRANSPOSE3D, i;
    int64_t pads[6], opad[3];
    const char *ap = attr_string(n, "auto_pad", "NOTSET");
    int ceil_mode = (int)attr_int(n, "ceil_mode", 0);
    memset(w, 0, sizeof *w);
    if (x->rank != 5 || x->dtype != DT_FLOAT)
        node_error(g, n, "input %s must be a float [N,C,D,H,W]", ir_shape_str(g->a, x));
    w->batch = x->dims[0];
    w->c = x->dims[1];
    w->group = conv ? attr_int(n, "group", 1) : 1;
    if (w->group < 1 || w->c % w->group)
        node_error(g, n, "attribute 'group' is %lld; it must divide the %lld input channels", (long long)w->group,
                   (long long)w->c);
    if (conv) {
        const Tensor *wt;
        if (n->n_in < 2 || n->in[1] == TC_NONE)
            node_error(g, n, "missing input 1");
        wt = &g->t[n->in[1]];
        if (wt->rank != 5 || wt->dtype != DT_FLOAT)
            node_error(g, n, "weight %s must be a float tensor of the input's rank 5", ir_shape_str(g->a, wt));
        w->m = conv_weight_fit(g, n, wt, 3, w->c, w->group, n->op == OP_CONVTRANSPOSE3D, 1, w->k);
    } else {
        if (!attr_get(n, "kernel_shape"))
            node_error(g, n, "attribute 'kernel_shape' is missing");
        window_ints(g, n, "kernel_shape", w->k, 3, 1);
        w->m = w->c;
    }
    window_ints(g, n, "strides", w->s, 3, 1);
    window_ints(g, n, "dilations", w->d, 3, 1);
    window_ints(g, n, "pads", pads, 6, 0);
    window_ints(g, n, "output_padding", opad, 3, 0);
    if (n->op == OP_CONVTRANSPOSE3D && attr_get(n, "output_shape"))
        node_error(g, n, "attribute 'output_shape' is not supported for 3-D inputs (give pads and output_padding)");
    if (n->op == OP_AVERAGEPOOL3D && attr_get(n, "dilations") && g->opset < 19)
        for (i = 0; i < 3; i++)
            if (w->d[i] != 1)
                node_error(g, n, "attribute 'dilations' is not supported before opset 19");
    if (attr_int(n, "storage_order", 0) != 0)
        node_error(g, n, "attribute 'storage_order' = 1 is not supported");
    if (ceil_mode && conv)
        node_error(g, n, "attribute 'ceil_mode' is not supported here");
    for (i = 0; i < 3; i++) {
        int64_t in = x->dims[2 + i], span, total;
        if (w->k[i] < 1 || w->s[i] < 1 || w->d[i] < 1 || pads[i] < 0 || pads[i + 3] < 0 || opad[i] < 0)
            node_error(g, n, "kernel %lld, stride %lld, dilation %lld, pads %lld/%lld: all must be positive (pads >= 0)",
                       (long long)w->k[i], (long long)w->s[i], (long long)w->d[i], (long long)pads[i],
                       (long long)pads[i + 3]);
        if (w->k[i] > 4096 || w->s[i] > 4096 || w->d[i] > 4096 || pads[i] > 4096 || pads[i + 3] > 4096 || opad[i] > 4096)
            node_error(g, n, "window attributes above 4096 are not supported");
        span = (w->k[i] - 1) * w->d[i] + 1;
        w->in[i] = in;
        w->pb[i] = pads[i];
        w->pe[i] = pads[i + 3];
        if (n->op == OP_CONVTRANSPOSE3D) {
            if (opad[i] >= w->s[i] && opad[i] >= w->d[i])
                node_error(g, n, "attribute 'output_padding' %lld must be smaller than the stride or dilation",
                           (long long)opad[i]);
            if (strcmp(ap, "SAME_UPPER") == 0 || strcmp(ap, "SAME_LOWER") == 0) {
                int64_t o = in * w->s[i];
                total = w->s[i] * (in - 1) + opad[i] + span - o;
                if (total < 0)
                    total = 0;
                w->pb[i] = strcmp(ap, "SAME_UPPER") == 0 ? total / 2 : total - total / 2;
                w->pe[i] = total - w->pb[i];
            } else if (strcmp(ap, "VALID") == 0)
                w->pb[i] = w->pe[i] = 0;
            else if (strcmp(ap, "NOTSET") != 0)
                node_error(g, n, "attribute 'auto_pad' value '%s' is not supported", diag_escape(g->a, ap));
            w->out[i] = w->s[i] * (in - 1) + opad[i] + span - w->pb[i] - w->pe[i];
            if (w->out[i] < 1)
                node_error(g, n, "the output would be empty along spatial axis %d", i);
            continue;
        }
        if (strcmp(ap, "SAME_UPPER") == 0 || strcmp(ap, "SAME_LOWER") == 0) {
            int64_t o = (in + w->s[i] - 1) / w->s[i];
            total = (o - 1) * w->s[i] + span - in;
            if (total < 0)
                total = 0;
            w->pe[i] = strcmp(ap, "SAME_UPPER") == 0 ? total - total / 2 : total / 2;
            w->pb[i] = total - w->pe[i];
        } else if (strcmp(ap, "VALID") == 0)
            w->pb[i] = w->pe[i] = 0;
        else if (strcmp(ap, "NOTSET") != 0)
            node_error(g, n, "attribute 'auto_pad' value '%s' is not supported", diag_escape(g->a, ap));
        total = in + w->pb[i] + w->pe[i] - span;
        if (total < 0)
            node_error(g, n, "the window spans %lld positions (with dilation) but the padded input has %lld",
                       (long long)span, (long long)(in + w->pb[i] + w->pe[i]));
        w->out[i] = total / w->s[i] + 1;
        if (ceil_mode && total % w->s[i] && w->out[i] * w->s[i] < in + w->pb[i])
            w->out[i]++;
    }
    for (i = 0; i < 3; i++)
        if (w->out[i] > ((int64_t)1 << 24) || w->out[i] * w->k[i] > ((int64_t)1 << 26))
            node_error(g, n, "output length %lld along a spatial axis is too large", (long long)w->out[i]);
    /* a pool window wholly in the padding would have no value */
    if (n->op == OP_MAXPOOL3D || (n->op == OP_AVERAGEPOOL3D && !attr_int(n, "count_include_pad", 0)))
        for (i = 0; i < 3; i++) {
            int64_t ends[2], kk;
            int q;
            ends[0] = 0;
            ends[1] = w->out[i] - 1;
            for (q = 0; q < 2; q++) {
                int inside = 0;
                for (kk = 0; kk < w->k[i]; kk++) {
                    int64_t at = ends[q] * w->s[i] - w->pb[i] + kk * w->d[i];
                    inside |= at >= 0 && at < w->in[i];
                }
                if (!inside)
                    node_error(g, n, "pads %lld/%lld leave a window wholly in the padding", (long long)w->pb[i],
                               (long long)w->pe[i]);
            }
        }
}

static void out_3d(Graph *g, Node *n, const Window3 *w)
{
    int64_t d[5];
    d[0] = w->batch, d[1] = w->m, d[2] = w->out[0], d[3] = w->out[1], d[4] = w->out[2];
    ir_set_dims(&g->t[n->out[0]], 5, d);
}

void shape_conv3d(Graph *g, Node *n)
{
    Window3 w;
    if (n->n_in < 2 || n->n_in > 3)
        node_error(g, n, "expected 2 to 3 inputs, found %d", n->n_in);
    window_3d(g, n, &w);
    out_3d(g, n, &w);
}

void shape_pool3d(Graph *g, Node *n)
{
    Window3 w;
    if (n->n_in != 1)
        node_error(g, n, "expected 1 input, found %d", n->n_in);
    if (n->n_out > 1 && g->t[n->out[1]].name[0])
        node_error(g, n, "the Indices output is not supported");
    window_3d(g, n, &w);
    out_3d(g, n, &w);
}

void shape_convtranspose3d(Graph *g, Node *n) { shape_conv3d(g, n); }
