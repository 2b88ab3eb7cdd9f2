/*
 * shape_img.c - the shapes of the image and signal ops GridSample and DFT,
 * and their parameters (GridParams, DftParams), which the reference
 * (interp_img.c) and the C (emit_img.c) both read, so that the three agree.
 */
#include <string.h>

#include "ticketc.h"

static const Tensor *input(const Graph *g, const Node *n, int i)
{
    if (i >= n->n_in || n->in[i] == TC_NONE)
        node_error(g, n, "missing input %d", i);
    return &g->t[n->in[i]];
}

static int has_input(const Node *n, int i) { return i < n->n_in && n->in[i] != TC_NONE; }

/* The one value of a constant integer input: it decides the output's shape. */
static int64_t const_scalar(const Graph *g, const Node *n, int i, const char *what)
{
    const Tensor *t = input(g, n, i);
    if (!t->i || ir_numel(t) != 1)
        node_error(g, n, "%s (input %d) must be a constant integer scalar: it decides the output's shape, which "
                         "ticketc must know when compiling", what, i);
    return t->i[0];
}

/* ---- GridSample ---- */

/*
 * GridSample (opsets 16 and 20; 4-D only): X [N,C,H,W], grid [N,Ho,Wo,2]
 * of (x, y) in [-1, 1] -> Y [N,C,Ho,Wo]. Opset 16 names the modes bilinear
 * and bicubic, opset 20 linear and cubic.
 */
void grid_params(const Graph *g, const Node *n, GridParams *p)
{
    const Tensor *x, *gr;
    const char *mode = attr_string(n, "mode", g->opset >= 20 ? "linear" : "bilinear");
    const char *pad = attr_string(n, "padding_mode", "zeros");
    int64_t ac = attr_int(n, "align_corners", 0);
    memset(p, 0, sizeof *p);
    if (n->n_in != 2)
        node_error(g, n, "expected 2 inputs, found %d", n->n_in);
    x = input(g, n, 0);
    gr = input(g, n, 1);
    if (x->dtype != DT_FLOAT || gr->dtype != DT_FLOAT)
        node_error(g, n, "X and grid must be float");
    if (x->rank != 4)
        node_error(g, n, "X %s is not 4-D: GridSample is supported on [N,C,H,W] inputs only", ir_shape_str(g->a, x));
    if (gr->rank != 4 || gr->dims[0] != x->dims[0] || gr->dims[3] != 2)
        node_error(g, n, "grid %s must be [N,H_out,W_out,2] with N = %lld", ir_shape_str(g->a, gr),
                   (long long)x->dims[0]);
    if (strcmp(mode, "nearest") == 0)
        p->mode = GRID_NEAREST;
    else if (strcmp(mode, "bilinear") == 0 || strcmp(mode, "linear") == 0)
        p->mode = GRID_LINEAR;
    else if (strcmp(mode, "bicubic") == 0 || strcmp(mode, "cubic") == 0)
        p->mode = GRID_CUBIC;
    else
        node_error(g, n, "attribute 'mode' value '%s' is not supported (bilinear, linear, nearest, bicubic, cubic are)",
                   diag_escape(g->a, mode));
    if (strcmp(pad, "zeros") == 0)
        p->pad = GRID_ZEROS;
    else if (strcmp(pad, "border") == 0)
        p->pad = GRID_BORDER;
    else if (strcmp(pad, "reflection") == 0)
        p->pad = GRID_REFLECT;
    else
        node_error(g, n, "attribute 'padding_mode' value '%s' is not supported (zeros, border, reflection are)",
                   diag_escape(g->a, pad));
    if (ac != 0 && ac != 1)
        node_error(g, n, "attribute 'align_corners' must be 0 or 1, found %lld", (long long)ac);
    p->align = (int)ac;
    p->N = x->dims[0];
    p->C = x->dims[1];
    p->H = x->dims[2];
    p->W = x->dims[3];
    p->Ho = gr->dims[1];
    p->Wo = gr->dims[2];
}

void shape_gridsample(Graph *g, Node *n)
{
    GridParams p;
    int64_t d[4];
    grid_params(g, n, &p);
    d[0] = p.N;
    d[1] = p.C;
    d[2] = p.Ho;
    d[3] = p.Wo;
    ir_set_dims(&g->t[n->out[0]], 4, d);
}

/* ---- DFT ---- */

/*
 * DFT (opsets 17 and 20): X [..., n_axis, ..., 1 or 2] (real or complex in
 * the last axis), along one axis of length len (dft_length: the signal cut
 * or padded with zeros):
 *   Y[k] = sum_j X[j] e^(-2 pi i j k / len), inverse: e^(+...) / len,
 * k < len, or len / 2 + 1 when onesided. Y's last axis is 2 (re, im).
 */
void dft_params(const Graph *g, const Node *n, DftParams *p)
{
    const Tensor *x;
    int64_t axis, len;
    int r, i;
    memset(p, 0, sizeof *p);
    if (n->n_in < 1 || n->n_in > 3)
        node_error(g, n, "expected 1 to 3 inputs, found %d", n->n_in);
    x = input(g, n, 0);
    if (x->dtype != DT_FLOAT)
        node_error(g, n, "input must be float");
    r = x->rank;
    if (r < 3 || (x->dims[r - 1] != 1 && x->dims[r - 1] != 2))
        node_error(g, n, "input %s must be [batch, ..., 1 or 2] (real or complex values in its last axis)",
                   ir_shape_str(g->a, x));
    if (g->opset >= 20) {
        if (attr_get(n, "axis"))
            node_error(g, n, "attribute 'axis' is not part of DFT-20 (its axis is input 2)");
        axis = has_input(n, 2) ? const_scalar(g, n, 2, "axis") : -2;
    } else {
        if (has_input(n, 2))
            node_error(g, n, "DFT-17 has no input 2 (its axis is an attribute)");
        axis = attr_int(n, "axis", 1);
    }
    if (axis < 0)
        axis += r;
    if (axis < 1 || axis > r - 2)
        node_error(g, n, "axis %lld is out of range: it must name a signal axis of %s (1 to %d)",
                   (long long)(axis >= 0 ? axis : axis - r), ir_shape_str(g->a, x), r - 2);
    len = has_input(n, 1) ? const_scalar(g, n, 1, "dft_length") : x->dims[axis];
    if (len < 1 || len > ((int64_t)1 << 20))
        node_error(g, n, "dft_length %lld is out of range (1 to 2^20)", (long long)len);
    p->axis = (int)axis;
    p->len = len;
    p->complex_in = x->dims[r - 1] == 2;
    p->inverse = (int)attr_int(n, "inverse", 0);
    p->onesided = (int)attr_int(n, "onesided", 0);
    if ((p->inverse != 0 && p->inverse != 1) || (p->onesided != 0 && p->onesided != 1))
        node_error(g, n, "attributes 'inverse' and 'onesided' must be 0 or 1");
    if (p->onesided && (p->complex_in || p->inverse))
        node_error(g, n, "onesided is supported on a real input and a forward transform only");
    p->n_in = x->dims[axis] < len ? x->dims[axis] : len;
    p->n_out = p->onesided ? len / 2 + 1 : len;
    /* outer: the axes before 'axis'; inner: those after it, without the last */
    p->outer = p->inner = 1;
    for (i = 0; i < axis; i++)
        p->outer *= x->dims[i];
    for (i = (int)axis + 1; i < r - 1; i++)
        p->inner *= x->dims[i];
    p->x_axis = x->dims[axis];
}

void shape_dft(Graph *g, Node *n)
{
    DftParams p;
    const Tensor *x = input(g, n, 0);
    int64_t d[TC_MAX_RANK];
    int i;
    dft_params(g, n, &p);
    for (i = 0; i < x->rank; i++)
        d[i] = x->dims[i];
    d[p.axis] = p.n_out;
    d[x->rank - 1] = 2;
    ir_set_dims(&g->t[n->out[0]], x->rank, d);
}
