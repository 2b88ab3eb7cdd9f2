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

/* ---- MaxPool with its Indices output, MaxUnpool, RoiAlign ---- */

/* A MaxPool whose Indices output is named (on 1-D and 2-D inputs) is OP_MAXPOOLIDX. */
OpKind op_img(const Graph *g, const Node *n)
{
    if (n->op == OP_MAXPOOL && n->n_out == 2 && g->t[n->out[1]].name[0] && n->n_in >= 1 && n->in[0] != TC_NONE &&
        (g->t[n->in[0]].rank == 3 || g->t[n->in[0]].rank == 4))
        return OP_MAXPOOLIDX;
    return n->op;
}

int img_op_typed(OpKind op) { return op == OP_MAXPOOLIDX || op == OP_MAXUNPOOL || op == OP_ROIALIGN; }

/* The MaxPool window (conv_window reads the node as a MaxPool, without storage_order, which
 * orders the indices only); returns storage_order: 0 row-major indices, 1 column-major. */
int maxpoolidx_window(Graph *g, const Node *n, Window *w)
{
    Node m = *n;
    int64_t order = attr_int(n, "storage_order", 0);
    int i;
    if (order != 0 && order != 1)
        node_error(g, n, "attribute 'storage_order' must be 0 or 1, found %lld", (long long)order);
    m.op = OP_MAXPOOL;
    m.attrs = arena_array(g->a, (size_t)n->n_attrs + 1, sizeof(Attr));
    m.n_attrs = 0;
    for (i = 0; i < n->n_attrs; i++)
        if (strcmp(n->attrs[i].name, "storage_order") != 0)
            m.attrs[m.n_attrs++] = n->attrs[i];
    conv_window(g, &m, w);
    return (int)order;
}

/* Y as MaxPool's; Indices int64 of Y's shape: the flat index of each maximum in X (row-major). */
void shape_maxpoolidx(Graph *g, Node *n)
{
    Window w;
    int64_t d[4];
    Tensor *y1 = &g->t[n->out[1]];
    if (n->n_in != 1)
        node_error(g, n, "expected 1 input, found %d", n->n_in);
    if (input(g, n, 0)->dtype != DT_FLOAT)
        node_error(g, n, "input must be float");
    maxpoolidx_window(g, n, &w);
    d[0] = w.batch;
    d[1] = w.c;
    d[2] = w.out[2 - w.nd];
    d[3] = w.out[1];
    ir_set_dims(&g->t[n->out[0]], w.nd + 2, d);
    y1->dtype = DT_INT64;
    y1->etype = ET_INT64;
    ir_set_dims(y1, w.nd + 2, d);
}

/* An int list attribute of count values, def where absent. */
static void ints_attr(const Graph *g, const Node *n, const char *name, int64_t *v, int count, int64_t def)
{
    const Attr *at = attr_get(n, name);
    int i;
    for (i = 0; i < count; i++)
        v[i] = def;
    if (!at)
        return;
    if (at->kind != AT_INTS || (int)at->n != count)
        node_error(g, n, "attribute '%s' must be a list of %d ints", name, count);
    for (i = 0; i < count; i++)
        v[i] = at->ints[i];
}

/*
 * MaxUnpool: X and I [N,C,spatial...] -> Y [N,C,out...], zeros but Y.flat[I[i]] = X[i];
 * out = (in - 1) * stride + kernel - pad_begin - pad_end, or output_shape (a constant).
 */
void shape_maxunpool(Graph *g, Node *n)
{
    const Tensor *x, *ix;
    int64_t k[TC_MAX_RANK], s[TC_MAX_RANK], p[2 * TC_MAX_RANK], d[TC_MAX_RANK];
    int r, nd, i;
    if (n->n_in < 2 || n->n_in > 3)
        node_error(g, n, "expected 2 or 3 inputs, found %d", n->n_in);
    x = input(g, n, 0);
    ix = input(g, n, 1);
    r = x->rank;
    nd = r - 2;
    if (x->dtype != DT_FLOAT)
        node_error(g, n, "X must be float");
    if (nd < 1 || nd > 3)
        node_error(g, n, "X %s must be [N,C,spatial...] with 1 to 3 spatial axes", ir_shape_str(g->a, x));
    if (ix->dtype != DT_INT64 || ix->rank != r)
        node_error(g, n, "I must be int64 of X's shape %s", ir_shape_str(g->a, x));
    for (i = 0; i < r; i++)
        if (ix->dims[i] != x->dims[i])
            node_error(g, n, "I %s must have X's shape %s", ir_shape_str(g->a, ix), ir_shape_str(g->a, x));
    if (!attr_get(n, "kernel_shape"))
        node_error(g, n, "attribute 'kernel_shape' is missing");
    ints_attr(g, n, "kernel_shape", k, nd, 1);
    ints_attr(g, n, "strides", s, nd, 1);
    ints_attr(g, n, "pads", p, 2 * nd, 0);
    d[0] = x->dims[0];
    d[1] = x->dims[1];
    for (i = 0; i < nd; i++) {
        if (k[i] < 1 || s[i] < 1 || p[i] < 0 || p[i + nd] < 0 || k[i] > 4096 || s[i] > 4096)
            node_error(g, n, "kernel %lld, stride %lld, pads %lld/%lld are out of range", (long long)k[i],
                       (long long)s[i], (long long)p[i], (long long)p[i + nd]);
        d[2 + i] = (x->dims[2 + i] - 1) * s[i] + k[i] - p[i] - p[i + nd];
    }
    if (has_input(n, 2)) {
        const Tensor *os = input(g, n, 2);
        if (!os->i || ir_numel(os) != r)
            node_error(g, n, "output_shape (input 2) must be a constant int64 tensor of %d values: it is the "
                             "output's shape, which ticketc must know when compiling", r);
        for (i = 0; i < r; i++) {
            if (os->i[i] < 1 || os->i[i] > ((int64_t)1 << 24) || (i < 2 && os->i[i] != x->dims[i]))
                node_error(g, n, "output_shape value %lld at %d is out of range", (long long)os->i[i], i);
            d[i] = os->i[i];
        }
    }
    for (i = 2; i < r; i++)
        if (d[i] < 1)
            node_error(g, n, "the output's spatial axis %d would have length %lld", i, (long long)d[i]);
    ir_set_dims(&g->t[n->out[0]], r, d);
}

/*
 * RoiAlign: X [N,C,H,W], rois [R,4] (x1, y1, x2, y2), batch_indices [R] ->
 * Y [R,C,output_height,output_width]. coordinate_transformation_mode's
 * default is output_half_pixel before opset 16 (which had no such attribute).
 */
void roialign_params(const Graph *g, const Node *n, RoiParams *p)
{
    const Tensor *x, *ro, *bi;
    const char *ct = attr_string(n, "coordinate_transformation_mode", g->opset >= 16 ? "half_pixel" : "output_half_pixel");
    const char *mode = attr_string(n, "mode", "avg");
    const Attr *sc = attr_get(n, "spatial_scale");
    memset(p, 0, sizeof *p);
    if (n->n_in != 3)
        node_error(g, n, "expected 3 inputs, found %d", n->n_in);
    x = input(g, n, 0);
    ro = input(g, n, 1);
    bi = input(g, n, 2);
    if (x->dtype != DT_FLOAT || x->rank != 4)
        node_error(g, n, "X %s must be a float [N,C,H,W]", ir_shape_str(g->a, x));
    if (ro->dtype != DT_FLOAT || ro->rank != 2 || ro->dims[1] != 4)
        node_error(g, n, "rois %s must be a float [num_rois,4]", ir_shape_str(g->a, ro));
    if (bi->dtype != DT_INT64 || bi->rank != 1 || bi->dims[0] != ro->dims[0])
        node_error(g, n, "batch_indices %s must be int64 [%lld]", ir_shape_str(g->a, bi), (long long)ro->dims[0]);
    if (strcmp(ct, "half_pixel") == 0)
        p->half_pixel = 1;
    else if (strcmp(ct, "output_half_pixel") != 0)
        node_error(g, n, "attribute 'coordinate_transformation_mode' value '%s' is not supported (half_pixel, "
                         "output_half_pixel are)", diag_escape(g->a, ct));
    if (strcmp(mode, "max") == 0)
        p->max = 1;
    else if (strcmp(mode, "avg") != 0)
        node_error(g, n, "attribute 'mode' value '%s' is not supported (avg, max are)", diag_escape(g->a, mode));
    p->oh = attr_int(n, "output_height", 1);
    p->ow = attr_int(n, "output_width", 1);
    p->ratio = attr_int(n, "sampling_ratio", 0);
    if (p->oh < 1 || p->ow < 1 || p->oh > 65536 || p->ow > 65536)
        node_error(g, n, "output_height and output_width must be from 1 to 65536");
    if (p->ratio < 0 || p->ratio > 4096)
        node_error(g, n, "attribute 'sampling_ratio' must be from 0 to 4096, found %lld", (long long)p->ratio);
    p->scale = sc && sc->kind == AT_FLOAT ? sc->f : 1.0f;
    p->N = x->dims[0];
    p->C = x->dims[1];
    p->H = x->dims[2];
    p->W = x->dims[3];
    p->R = ro->dims[0];
}

void shape_roialign(Graph *g, Node *n)
{
    RoiParams p;
    int64_t d[4];
    roialign_params(g, n, &p);
    d[0] = p.R;
    d[1] = p.C;
    d[2] = p.oh;
    d[3] = p.ow;
    ir_set_dims(&g->t[n->out[0]], 4, d);
}
