/*
 * interp.c - the reference interpreter: plain, obviously-correct dense
 * evaluation of one node at a time. It folds constants at compile time,
 * runs models for `--interpret` and is the oracle of the tests; it is
 * never what ships. Sums accumulate in double, transcendentals come from
 * libm in double, so the reference is at least as accurate as the output.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "ticketc.h"

typedef struct {
    Graph *g;
    const Node *n;
    void **vals;
} Ctx;

static const Tensor *T(Ctx *c, int i) { return &c->g->t[c->n->in[i]]; }
static const Tensor *Y(Ctx *c, int i) { return &c->g->t[c->n->out[i]]; }
static float *F(Ctx *c, int i) { return (float *)c->vals[c->n->in[i]]; }
static int64_t *I(Ctx *c, int i) { return (int64_t *)c->vals[c->n->in[i]]; }
static int has_in(Ctx *c, int i) { return i < c->n->n_in && c->n->in[i] != TC_NONE; }

static void *new_out(Ctx *c, int i)
{
    const Tensor *y = Y(c, i);
    size_t n = (size_t)ir_numel(y);
    void *p = y->dtype == DT_FLOAT ? arena_array(c->g->a, n + 1, sizeof(float)) : arena_array(c->g->a, n + 1, sizeof(int64_t));
    c->vals[c->n->out[i]] = p;
    return p;
}

float interp_act(OpKind op, float alpha, float x)
{
    switch (op) {
    case OP_RELU: return x < 0.0f ? 0.0f : x;
    case OP_LEAKYRELU: return x < 0.0f ? alpha * x : x;
    case OP_SIGMOID: return (float)(1.0 / (1.0 + exp(-(double)x)));
    case OP_TANH: return (float)tanh((double)x);
    default: BUG("not an activation");
    }
}

static float act_alpha(const Node *n)
{
    return n->op == OP_LEAKYRELU ? attr_float(n, "alpha", 0.01f) : 0.0f;
}

static void apply_fused(Ctx *c, float *y, int64_t count)
{
    int64_t i;
    if (c->n->act == OP_COUNT)
        return;
    for (i = 0; i < count; i++)
        y[i] = interp_act(c->n->act, c->n->act_alpha, y[i]);
}

/* Flat index into x of output position o, x broadcast (numpy rules) to y. */
int64_t interp_bcast(const Tensor *x, const Tensor *y, int64_t o)
{
    int64_t idx = 0, stride = 1;
    int i;
    for (i = y->rank - 1; i >= 0; i--) {
        int64_t coord = o % y->dims[i];
        int xi = i - (y->rank - x->rank);
        o /= y->dims[i];
        if (xi >= 0) {
            if (x->dims[xi] != 1)
                idx += coord * stride;
            stride *= x->dims[xi];
        }
    }
    return idx;
}

/* Y = alpha * A' * B' + beta * C */
static void eval_gemm(Ctx *c)
{
    const Tensor *a = T(c, 0), *y = Y(c, 0);
    const float *A = F(c, 0), *B = F(c, 1);
    int ta = (int)attr_int(c->n, "transA", 0), tb = (int)attr_int(c->n, "transB", 0);
    double alpha = attr_float(c->n, "alpha", 1.0f), beta = attr_float(c->n, "beta", 1.0f);
    int64_t M = y->dims[0], N = y->dims[1], K = ta ? a->dims[0] : a->dims[1], m, j, k;
    float *out = new_out(c, 0);
    for (m = 0; m < M; m++)
        for (j = 0; j < N; j++) {
            double s = 0;
            for (k = 0; k < K; k++)
                s += (double)(ta ? A[k * M + m] : A[m * K + k]) * (tb ? B[j * K + k] : B[k * N + j]);
            s *= alpha;
            if (has_in(c, 2))
                s += beta * F(c, 2)[interp_bcast(T(c, 2), y, m * N + j)];
            out[m * N + j] = (float)s;
        }
    apply_fused(c, out, M * N);
}

static void eval_matmul(Ctx *c)
{
    const Tensor *a = T(c, 0), *b = T(c, 1), *y = Y(c, 0);
    const float *A = F(c, 0), *B = F(c, 1);
    int64_t M = a->rank >= 2 ? a->dims[a->rank - 2] : 1, K = a->dims[a->rank - 1];
    int64_t N = b->rank >= 2 ? b->dims[b->rank - 1] : 1;
    int64_t batch = ir_numel(y) / (M * N), bi, m, j, k;
    float *out = new_out(c, 0);
    /* batch index bi -> offsets in A and B, via their broadcast batch shapes */
    Tensor ab = *a, bb = *b, yb = *y;
    ab.rank = a->rank > 2 ? a->rank - 2 : 0;
    bb.rank = b->rank > 2 ? b->rank - 2 : 0;
    yb.rank = ab.rank > bb.rank ? ab.rank : bb.rank;
    for (bi = 0; bi < batch; bi++) {
        const float *Ab = A + interp_bcast(&ab, &yb, bi) * M * K;
        const float *Bb = B + interp_bcast(&bb, &yb, bi) * K * N;
        for (m = 0; m < M; m++)
            for (j = 0; j < N; j++) {
                double s = 0;
                for (k = 0; k < K; k++)
                    s += (double)Ab[m * K + k] * Bb[k * N + j];
                out[bi * M * N + m * N + j] = (float)s;
            }
    }
    apply_fused(c, out, ir_numel(y));
}

static double binop(OpKind op, double x, double y)
{
    switch (op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    case OP_DIV: return x / y;
    default: BUG("not a binary op");
    }
}

static void eval_binary(Ctx *c)
{
    const Tensor *a = T(c, 0), *b = T(c, 1), *y = Y(c, 0);
    int64_t i, n = ir_numel(y);
    if (y->dtype == DT_FLOAT) {
        float *out = new_out(c, 0);
        for (i = 0; i < n; i++)
            out[i] = (float)binop(c->n->op, F(c, 0)[interp_bcast(a, y, i)], F(c, 1)[interp_bcast(b, y, i)]);
        apply_fused(c, out, n);
    } else {
        int64_t *out = new_out(c, 0);
        int u64 = tensor_etype(y) == ET_UINT64;
        for (i = 0; i < n; i++) {
            int64_t x = I(c, 0)[interp_bcast(a, y, i)], z = I(c, 1)[interp_bcast(b, y, i)];
            if (c->n->op == OP_DIV && z == 0)
                node_error(c->g, c->n, "integer division by zero");
            switch (c->n->op) {
            case OP_ADD: out[i] = (int64_t)((uint64_t)x + (uint64_t)z); break;
            case OP_SUB: out[i] = (int64_t)((uint64_t)x - (uint64_t)z); break;
            case OP_MUL: out[i] = (int64_t)((uint64_t)x * (uint64_t)z); break;
            default: out[i] = u64 ? (int64_t)((uint64_t)x / (uint64_t)z) : (x == INT64_MIN && z == -1) ? x : x / z; break;
            }
        }
    }
}

static void eval_unary(Ctx *c)
{
    int64_t i, n = ir_numel(Y(c, 0));
    float *out = new_out(c, 0), alpha = act_alpha(c->n);
    for (i = 0; i < n; i++)
        out[i] = interp_act(c->n->op, alpha, F(c, 0)[i]);
}

/*
 * softmax(x)_i = exp(x_i - max x) / sum_j exp(x_j - max x) over the axis;
 * log_softmax(x)_i = x_i - max x - log(sum_j exp(x_j - max x)).
 * Before opset 13 the input is coerced to 2-D at axis: the "axis" spans
 * all dimensions from axis on.
 */
static void eval_softmax(Ctx *c)
{
    const Tensor *x = T(c, 0);
    int64_t outer, len, inner, o, k, j;
    const float *X = F(c, 0);
    float *out = new_out(c, 0);
    softmax_extent(c->g, c->n, x, &outer, &len, &inner);
    for (o = 0; o < outer; o++)
        for (j = 0; j < inner; j++) {
            const float *xp = X + o * len * inner + j;
            float *yp = out + o * len * inner + j;
            double mx = xp[0], s = 0;
            for (k = 1; k < len; k++)
                if (xp[k * inner] > mx)
                    mx = xp[k * inner];
            for (k = 0; k < len; k++)
                s += exp(xp[k * inner] - mx);
            for (k = 0; k < len; k++)
                yp[k * inner] = c->n->op == OP_SOFTMAX ? (float)(exp(xp[k * inner] - mx) / s)
                                                       : (float)(xp[k * inner] - mx - log(s));
        }
}

/* Views copy their input unchanged: only the shape differs. */
static void eval_view(Ctx *c)
{
    const Tensor *y = Y(c, 0);
    size_t es = y->dtype == DT_FLOAT ? sizeof(float) : sizeof(int64_t);
    void *out = new_out(c, 0);
    memcpy(out, c->vals[c->n->in[0]], (size_t)ir_numel(y) * es);
}

static void eval_shapeof(Ctx *c)
{
    const Tensor *x = T(c, 0);
    int64_t *out = new_out(c, 0), start = attr_int(c->n, "start", 0), i;
    if (start < 0)
        start += x->rank;
    if (start < 0)
        start = 0;
    for (i = 0; i < Y(c, 0)->dims[0]; i++)
        out[i] = x->dims[start + i];
}

static void eval_gather(Ctx *c)
{
    const Tensor *x = T(c, 0), *ix = T(c, 1);
    int axis = (int)attr_int(c->n, "axis", 0), i;
    int64_t outer = 1, inner = 1, o, k, nidx = ir_numel(ix), len;
    size_t es = x->dtype == DT_FLOAT ? sizeof(float) : sizeof(int64_t);
    char *out = new_out(c, 0);
    const char *X = c->vals[c->n->in[0]];
    if (axis < 0)
        axis += x->rank;
    len = x->dims[axis];
    for (i = 0; i < axis; i++)
        outer *= x->dims[i];
    for (i = axis + 1; i < x->rank; i++)
        inner *= x->dims[i];
    for (o = 0; o < outer; o++)
        for (k = 0; k < nidx; k++) {
            int64_t j = I(c, 1)[k] < 0 ? I(c, 1)[k] + len : I(c, 1)[k];
            if (j < 0 || j >= len) /* indices computed at run time */
                node_error(c->g, c->n, "index %lld is out of range for dimension %lld", (long long)I(c, 1)[k], (long long)len);
            memcpy(out + ((o * nidx + k) * inner) * es, X + ((o * len + j) * inner) * es, (size_t)inner * es);
        }
}

static void eval_concat(Ctx *c)
{
    const Tensor *y = Y(c, 0);
    int axis = (int)attr_int(c->n, "axis", 0), i, j;
    int64_t outer = 1, inner = 1, o, pos = 0;
    size_t es = y->dtype == DT_FLOAT ? sizeof(float) : sizeof(int64_t);
    char *out = new_out(c, 0);
    if (axis < 0)
        axis += y->rank;
    for (i = 0; i < axis; i++)
        outer *= y->dims[i];
    for (i = axis + 1; i < y->rank; i++)
        inner *= y->dims[i];
    for (j = 0; j < c->n->n_in; j++) {
        int64_t len = T(c, j)->dims[axis];
        const char *X = c->vals[c->n->in[j]];
        for (o = 0; o < outer; o++)
            memcpy(out + ((o * y->dims[axis] + pos) * inner) * es, X + (o * len * inner) * es, (size_t)(len * inner) * es);
        pos += len;
    }
}

/* An integer as the ONNX integer type et holds it: bool is v != 0, the
 * narrower types wrap (two's complement, as numpy's astype). */
static int64_t int_as(int et, int64_t v)
{
    switch (et) {
    case ET_BOOL: return v != 0;
    case ET_UINT8: return (int64_t)(uint8_t)(uint64_t)v;
    case ET_INT8: return (int64_t)(int8_t)(uint8_t)(uint64_t)v;
    case ET_UINT16: return (int64_t)(uint16_t)(uint64_t)v;
    case ET_INT16: return (int64_t)(int16_t)(uint16_t)(uint64_t)v;
    case ET_UINT32: return (int64_t)(uint32_t)(uint64_t)v;
    case ET_INT32: return (int64_t)(int32_t)(uint32_t)(uint64_t)v;
    default: return v; /* INT64, UINT64 (stored in 64 bits) */
    }
}

/* The values float v may be cast to in integer type et (truncated toward 0): [lo, hi]. */
static void int_range(int et, double *lo, double *hi)
{
    switch (et) {
    case ET_UINT8: *lo = 0, *hi = 255; break;
    case ET_INT8: *lo = -128, *hi = 127; break;
    case ET_UINT16: *lo = 0, *hi = 65535; break;
    case ET_INT16: *lo = -32768, *hi = 32767; break;
    case ET_UINT32: *lo = 0, *hi = 4294967295.0; break;
    case ET_INT32: *lo = -2147483648.0, *hi = 2147483647.0; break;
    case ET_UINT64: *lo = 0, *hi = 18446744073709551615.0; break; /* 2^64 as a double */
    default: *lo = -9.2e18, *hi = 9.2e18; break;
    }
}

/*
 * Cast, CastLike: to float or double, the value; to float16 or bfloat16, the value
 * rounded to that precision (nearest, ties to even; et_round); to bool, 1 for any nonzero (NaN too);
 * from float to an integer type, truncated toward 0, refused outside the
 * type's range (undefined in ONNX); between integer types, wrapped.
 */
static void eval_cast(Ctx *c)
{
    const Tensor *x = T(c, 0), *y = Y(c, 0);
    int64_t i, n = ir_numel(y);
    int et = cast_to(c->g, c->n);
    void *out = new_out(c, 0);
    double lo, hi;
    int_range(et, &lo, &hi);
    for (i = 0; i < n; i++) {
        if (x->dtype == DT_FLOAT && y->dtype == DT_FLOAT) {
            ((float *)out)[i] = et_round(et, F(c, 0)[i]);
        } else if (x->dtype == DT_INT64 && y->dtype == DT_INT64) {
            ((int64_t *)out)[i] = int_as(et, I(c, 0)[i]);
        } else if (x->dtype == DT_INT64) { /* C's conversion, of uint64 as unsigned */
            ((float *)out)[i] = et_round(et, tensor_etype(x) == ET_UINT64 ? (float)(uint64_t)I(c, 0)[i] : (float)I(c, 0)[i]);
        } else if (et == ET_BOOL) {
            ((int64_t *)out)[i] = F(c, 0)[i] != 0.0f;
        } else {
            double v = F(c, 0)[i];
            if (!(v > lo - 1.0 && v < hi + 1.0))
                node_error(c->g, c->n, "cannot cast %g to %s (out of its range)", v, etype_name(et));
            ((int64_t *)out)[i] = et == ET_UINT64 ? (int64_t)(uint64_t)v : (int64_t)v;
        }
    }
}
#define eval_castlike eval_cast

/* ==== spatial ops: Conv, ConvTranspose, pools, normalizations, Pad, Resize, DepthToSpace ==== */

/*
 * Conv: y[b][m][oh][ow] = bias[m] + sum over c in m's group, kh, kw of
 *   x[b][c][oh*sh - pt + kh*dh][ow*sw - pl + kw*dw] * W[m][c - group start][kh][kw],
 * positions outside x reading 0.
 */
static void eval_conv(Ctx *c)
{
    Window w;
    const float *X = F(c, 0), *W = F(c, 1), *B = has_in(c, 2) ? F(c, 2) : NULL;
    float *out = new_out(c, 0);
    int64_t b, m, ci, oh, ow, kh, kw, cg;
    conv_window(c->g, c->n, &w);
    cg = w.c / w.group;
    for (b = 0; b < w.batch; b++)
        for (m = 0; m < w.m; m++) {
            int64_t c0 = m / (w.m / w.group) * cg;
            for (oh = 0; oh < w.out[0]; oh++)
                for (ow = 0; ow < w.out[1]; ow++) {
                    double s = B ? B[m] : 0.0;
                    for (ci = 0; ci < cg; ci++)
                        for (kh = 0; kh < w.k[0]; kh++)
                            for (kw = 0; kw < w.k[1]; kw++) {
                                int64_t ih = oh * w.s[0] - w.pb[0] + kh * w.d[0];
                                int64_t iw = ow * w.s[1] - w.pb[1] + kw * w.d[1];
                                if (ih < 0 || ih >= w.in[0] || iw < 0 || iw >= w.in[1])
                                    continue;
                                s += (double)X[((b * w.c + c0 + ci) * w.in[0] + ih) * w.in[1] + iw] *
                                     W[((m * cg + ci) * w.k[0] + kh) * w.k[1] + kw];
                            }
                    out[((b * w.m + m) * w.out[0] + oh) * w.out[1] + ow] = (float)s;
                }
        }
    apply_fused(c, out, ir_numel(Y(c, 0)));
}

/*
 * ConvTranspose scatters: each x[b][c][ih][iw] adds x * W[c][mo][kh][kw] to
 * y[b][group start + mo][ih*sh - pt + kh*dh][iw*sw - pl + kw*dw].
 */
static void eval_convtranspose(Ctx *c)
{
    Window w;
    const float *X = F(c, 0), *W = F(c, 1), *B = has_in(c, 2) ? F(c, 2) : NULL;
    float *out = new_out(c, 0);
    int64_t n = ir_numel(Y(c, 0)), i, b, ci, ih, iw, mo, kh, kw, cg, mg, plane;
    double *acc = arena_array(c->g->a, (size_t)n + 1, sizeof(double));
    conv_window(c->g, c->n, &w);
    cg = w.c / w.group;
    mg = w.m / w.group;
    plane = w.out[0] * w.out[1];
    for (i = 0; i < n; i++)
        acc[i] = B ? B[(i / plane) % w.m] : 0.0;
    for (b = 0; b < w.batch; b++)
        for (ci = 0; ci < w.c; ci++)
            for (ih = 0; ih < w.in[0]; ih++)
                for (iw = 0; iw < w.in[1]; iw++) {
                    double xv = X[((b * w.c + ci) * w.in[0] + ih) * w.in[1] + iw];
                    for (mo = 0; mo < mg; mo++)
                        for (kh = 0; kh < w.k[0]; kh++)
                            for (kw = 0; kw < w.k[1]; kw++) {
                                int64_t oh = ih * w.s[0] - w.pb[0] + kh * w.d[0];
                                int64_t ow = iw * w.s[1] - w.pb[1] + kw * w.d[1];
                                int64_t m = ci / cg * mg + mo;
                                if (oh < 0 || oh >= w.out[0] || ow < 0 || ow >= w.out[1])
                                    continue;
                                acc[((b * w.m + m) * w.out[0] + oh) * w.out[1] + ow] +=
                                    xv * W[((ci * mg + mo) * w.k[0] + kh) * w.k[1] + kw];
                            }
                }
    for (i = 0; i < n; i++)
        out[i] = (float)acc[i];
}

/*
 * MaxPool: the largest x in the window (padding never wins).
 * AveragePool: the mean over the window's positions inside x, or with
 * count_include_pad over those inside the padded input.
 */
static void eval_pool(Ctx *c)
{
    Window w;
    const float *X = F(c, 0);
    float *out;
    int incl = (int)attr_int(c->n, "count_include_pad", 0);
    int64_t bc, oh, ow, kh, kw;
    if (T(c, 0)->dtype != DT_FLOAT) { /* MaxPool of integers: interp_index.c */
        interp_maxpool_int(c->g, c->n, c->vals);
        return;
    }
    out = new_out(c, 0);
    conv_window(c->g, c->n, &w);
    for (bc = 0; bc < w.batch * w.c; bc++)
        for (oh = 0; oh < w.out[0]; oh++)
            for (ow = 0; ow < w.out[1]; ow++) {
                double s = 0.0, mx = -HUGE_VAL;
                int64_t cnt = 0;
                for (kh = 0; kh < w.k[0]; kh++)
                    for (kw = 0; kw < w.k[1]; kw++) {
                        int64_t ih = oh * w.s[0] - w.pb[0] + kh * w.d[0];
                        int64_t iw = ow * w.s[1] - w.pb[1] + kw * w.d[1];
                        if (ih < 0 || ih >= w.in[0] || iw < 0 || iw >= w.in[1]) {
                            if (incl && ih < w.in[0] + w.pe[0] && iw < w.in[1] + w.pe[1])
                                cnt++;
                            continue;
                        }
                        s += X[(bc * w.in[0] + ih) * w.in[1] + iw];
                        if (X[(bc * w.in[0] + ih) * w.in[1] + iw] > mx)
                            mx = X[(bc * w.in[0] + ih) * w.in[1] + iw];
                        cnt++;
                    }
                out[(bc * w.out[0] + oh) * w.out[1] + ow] = (float)(c->n->op == OP_MAXPOOL ? mx : s / (double)cnt);
            }
}

static void eval_globalpool(Ctx *c)
{
    const Tensor *x = T(c, 0);
    int64_t plane = ir_numel(x) / (x->dims[0] * x->dims[1]), bc, i;
    const float *X = F(c, 0);
    float *out = new_out(c, 0);
    for (bc = 0; bc < x->dims[0] * x->dims[1]; bc++) {
        double s = 0.0, mx = -HUGE_VAL;
        for (i = 0; i < plane; i++) {
            s += X[bc * plane + i];
            if (X[bc * plane + i] > mx)
                mx = X[bc * plane + i];
        }
        out[bc] = (float)(c->n->op == OP_GLOBALMAXPOOL ? mx : s / (double)plane);
    }
}

/* y = scale * (x - mean) / sqrt(var + epsilon) + B, per channel */
static void eval_batchnorm(Ctx *c)
{
    const Tensor *x = T(c, 0);
    int64_t C = x->dims[1], plane = ir_numel(x) / (x->dims[0] * (C ? C : 1)), i;
    double eps = attr_float(c->n, "epsilon", 1e-5f);
    float *out = new_out(c, 0);
    for (i = 0; i < ir_numel(x); i++) {
        int64_t ch = (i / plane) % C;
        out[i] = (float)((double)F(c, 1)[ch] * ((double)F(c, 0)[i] - F(c, 3)[ch]) / sqrt((double)F(c, 4)[ch] + eps) +
                         F(c, 2)[ch]);
    }
}

/* y = scale * (x - mean) / sqrt(var + epsilon) + B over each group of len
 * values (mean and var of the group), scale and B indexed by pidx. */
static void normalize_groups(Ctx *c, int64_t groups, int64_t len, int per_channel, int64_t channels)
{
    const float *X = F(c, 0), *S = F(c, 1), *B = has_in(c, 2) ? F(c, 2) : NULL;
    double eps = attr_float(c->n, "epsilon", 1e-5f);
    float *out = new_out(c, 0);
    int64_t gi, i;
    int64_t ns = ir_numel(T(c, 1)), nb = B ? ir_numel(T(c, 2)) : 0;
    for (gi = 0; gi < groups; gi++) {
        const float *xg = X + gi * len;
        double mean = 0.0, var = 0.0, inv;
        for (i = 0; i < len; i++)
            mean += xg[i];
        mean /= (double)len;
        for (i = 0; i < len; i++)
            var += (xg[i] - mean) * (xg[i] - mean);
        var /= (double)len;
        inv = 1.0 / sqrt(var + eps);
        for (i = 0; i < len; i++) {
            int64_t si = per_channel ? gi % channels : (ns == 1 ? 0 : i);
            int64_t bi = per_channel ? gi % channels : (nb == 1 ? 0 : i);
            out[gi * len + i] = (float)((xg[i] - mean) * inv * S[si] + (B ? B[bi] : 0.0));
        }
    }
}

static void eval_instancenorm(Ctx *c)
{
    const Tensor *x = T(c, 0);
    normalize_groups(c, x->dims[0] * x->dims[1], ir_numel(x) / (x->dims[0] * x->dims[1]), 1, x->dims[1]);
}

/* LayerNormalization; its Mean and InvStdDev outputs (1 / sqrt(var + epsilon)) when named. */
static void eval_layernorm(Ctx *c)
{
    const Tensor *x = T(c, 0);
    int64_t axis = attr_int(c->n, "axis", -1), inner = 1, groups, gi, i;
    double eps = attr_float(c->n, "epsilon", 1e-5f);
    int k;
    if (axis < 0)
        axis += x->rank;
    for (k = (int)axis; k < x->rank; k++)
        inner *= x->dims[k];
    groups = inner ? ir_numel(x) / inner : 0;
    normalize_groups(c, groups, inner, 0, 0);
    for (k = 1; k < c->n->n_out && node_multi_output(c->g, c->n); k++) {
        float *o = new_out(c, k);
        for (gi = 0; gi < groups; gi++) {
            const float *xg = F(c, 0) + gi * inner;
            double mean = 0.0, var = 0.0;
            for (i = 0; i < inner; i++)
                mean += xg[i];
            mean /= (double)inner;
            for (i = 0; i < inner; i++)
                var += (xg[i] - mean) * (xg[i] - mean);
            var /= (double)inner;
            o[gi] = (float)(k == 1 ? mean : 1.0 / sqrt(var + eps));
        }
    }
}

/* RMSNormalization: y = x / sqrt(mean of x^2 + epsilon) * scale over the axes from 'axis' on. */
static void eval_rmsnorm(Ctx *c)
{
    const Tensor *x = T(c, 0);
    int64_t axis = attr_int(c->n, "axis", -1), inner = 1, groups, gi, i, ns = ir_numel(T(c, 1));
    double eps = attr_float(c->n, "epsilon", 1e-5f);
    const float *S = rmsnorm_scale(c->g, c->n);
    float *out = new_out(c, 0);
    int k;
    if (axis < 0)
        axis += x->rank;
    for (k = (int)axis; k < x->rank; k++)
        inner *= x->dims[k];
    groups = inner ? ir_numel(x) / inner : 0;
    for (gi = 0; gi < groups; gi++) {
        const float *xg = F(c, 0) + gi * inner;
        double ms = 0.0, inv;
        for (i = 0; i < inner; i++)
            ms += (double)xg[i] * xg[i];
        inv = 1.0 / sqrt(ms / (double)inner + eps);
        for (i = 0; i < inner; i++)
            out[gi * inner + i] = (float)(xg[i] * inv * (S ? S[i] : F(c, 1)[ns == 1 ? 0 : i]));
    }
}

/* GroupNormalization: mean and variance over each group of channels (and their
 * positions), then scale and bias per channel (opset 21) or per group (18). */
static void eval_groupnorm(Ctx *c)
{
    const Tensor *x = T(c, 0);
    int64_t N = x->dims[0], C = x->dims[1], G = attr_int(c->n, "num_groups", 1), S = ir_numel(x) / (N * C);
    int64_t cg = C / G, len = cg * S, b, gr, i;
    double eps = attr_float(c->n, "epsilon", 1e-5f);
    int per_channel = groupnorm_per_channel(c->g);
    float *out = new_out(c, 0);
    for (b = 0; b < N; b++)
        for (gr = 0; gr < G; gr++) {
            const float *xg = F(c, 0) + (b * C + gr * cg) * S;
            double mean = 0.0, var = 0.0, inv;
            for (i = 0; i < len; i++)
                mean += xg[i];
            mean /= (double)len;
            for (i = 0; i < len; i++)
                var += (xg[i] - mean) * (xg[i] - mean);
            inv = 1.0 / sqrt(var / (double)len + eps);
            for (i = 0; i < len; i++) {
                int64_t p = per_channel ? gr * cg + i / S : gr;
                out[(b * C + gr * cg) * S + i] = (float)((xg[i] - mean) * inv * F(c, 1)[p] + F(c, 2)[p]);
            }
        }
}

/* Mish: y = x * tanh(log(1 + e^x)). */
static void eval_mish(Ctx *c)
{
    int64_t i, n = ir_numel(Y(c, 0));
    float *out = new_out(c, 0);
    for (i = 0; i < n; i++) {
        double v = F(c, 0)[i];
        out[i] = (float)(v * tanh(v > 0 ? v + log1p(exp(-v)) : log1p(exp(v))));
    }
}

/* LpNormalization: y = x / (sum of |x|^p along the axis)^(1/p), p 1 or 2 (0 / 0 is NaN, as the specification's x / norm). */
static void eval_lpnorm(Ctx *c)
{
    int64_t outer, len, inner, o, j, k;
    const Tensor *x = T(c, 0);
    int64_t axis = attr_int(c->n, "axis", -1), p = attr_int(c->n, "p", 2);
    const float *X = F(c, 0);
    float *out = new_out(c, 0);
    int d;
    if (axis < 0)
        axis += x->rank;
    outer = inner = 1;
    for (d = 0; d < x->rank; d++)
        if (d < axis)
            outer *= x->dims[d];
        else if (d > axis)
            inner *= x->dims[d];
    len = x->dims[axis];
    for (o = 0; o < outer; o++)
        for (j = 0; j < inner; j++) {
            const float *xp = X + o * len * inner + j;
            double s = 0.0;
            for (k = 0; k < len; k++)
                s += p == 1 ? fabs(xp[k * inner]) : (double)xp[k * inner] * xp[k * inner];
            if (p == 2)
                s = sqrt(s);
            for (k = 0; k < len; k++)
                out[o * len * inner + j + k * inner] = (float)(xp[k * inner] / s);
        }
}

/* LpPool: y = (sum over the window's positions inside x of |x|^p)^(1/p). */
static void eval_lppool(Ctx *c)
{
    Window w;
    const float *X = F(c, 0);
    float *out = new_out(c, 0);
    double p = (double)attr_int(c->n, "p", 2);
    int64_t bc, oh, ow, kh, kw;
    conv_window(c->g, c->n, &w);
    for (bc = 0; bc < w.batch * w.c; bc++)
        for (oh = 0; oh < w.out[0]; oh++)
            for (ow = 0; ow < w.out[1]; ow++) {
                double s = 0.0;
                for (kh = 0; kh < w.k[0]; kh++)
                    for (kw = 0; kw < w.k[1]; kw++) {
                        int64_t ih = oh * w.s[0] - w.pb[0] + kh * w.d[0];
                        int64_t iw = ow * w.s[1] - w.pb[1] + kw * w.d[1];
                        if (ih < 0 || ih >= w.in[0] || iw < 0 || iw >= w.in[1])
                            continue;
                        s += pow(fabs((double)X[(bc * w.in[0] + ih) * w.in[1] + iw]), p);
                    }
                out[(bc * w.out[0] + oh) * w.out[1] + ow] = (float)pow(s, 1.0 / p);
            }
}

/* Pad and Resize: y at output coordinates o = x at the mapped coordinates
 * of each axis (resample_maps); linear Resize blends the two neighbours. */
static void eval_resample(Ctx *c)
{
    const Tensor *x = T(c, 0), *y = Y(c, 0);
    AxisMap maps[TC_MAX_RANK];
    float v = resample_maps(c->g, c->n, maps);
    const float *X = F(c, 0);
    float *out = new_out(c, 0);
    int64_t o, n = ir_numel(y);
    int r = x->rank, i;
    for (o = 0; o < n; o++) {
        int64_t coord[TC_MAX_RANK], rest = o;
        int corner;
        double s = 0.0;
        int outside = 0;
        for (i = r - 1; i >= 0; i--) {
            coord[i] = rest % y->dims[i];
            rest /= y->dims[i];
            if (maps[i].i0[coord[i]] < 0)
                outside = 1;
        }
        if (outside) {
            out[o] = v;
            continue;
        }
        /* every corner of the (at most 2^r) neighbours with its weight */
        for (corner = 0; corner < (1 << r); corner++) {
            double wt = 1.0;
            int64_t idx = 0;
            for (i = 0; i < r; i++) {
                int hi = (corner >> i) & 1;
                double wi = maps[i].w ? maps[i].w[coord[i]] : 0.0;
                if (hi && !maps[i].w) {
                    wt = 0.0;
                    break;
                }
                wt *= hi ? wi : 1.0 - wi;
                idx = idx * x->dims[i] + (hi ? maps[i].i1[coord[i]] : maps[i].i0[coord[i]]);
            }
            if (wt != 0.0)
                s += wt * X[idx];
        }
        out[o] = (float)s;
    }
}
/* Pad of integers and bools: interp_index.c */
static void eval_pad(Ctx *c)
{
    if (T(c, 0)->dtype != DT_FLOAT)
        interp_pad_int(c->g, c->n, c->vals);
    else
        eval_resample(c);
}
static void eval_resize(Ctx *c)
{
    if (resize_general(c->g, c->n)) /* cubic, tf_crop_and_resize: interp_img.c */
        interp_resize_taps(c->g, c->n, c->vals);
    else
        eval_resample(c);
}

/*
 * DepthToSpace DCR: y[b][c][h*bs + i][w*bs + j] = x[b][(i*bs + j)*C' + c][h][w];
 * CRD: x[b][c*bs*bs + i*bs + j][h][w]. SpaceToDepth is the inverse of DCR.
 */
static void eval_depthspace(Ctx *c)
{
    const Tensor *x = T(c, 0), *y = Y(c, 0);
    int64_t bs = attr_int(c->n, "blocksize", 1), b, ch, h, wd, i, j;
    int crd = c->n->op == OP_DEPTHTOSPACE && strcmp(attr_get(c->n, "mode") && attr_get(c->n, "mode")->kind == AT_STRING
                                                        ? attr_get(c->n, "mode")->s : "DCR", "CRD") == 0;
    const Tensor *big = c->n->op == OP_DEPTHTOSPACE ? x : y; /* the [N, C*bs*bs, H, W] side */
    int64_t C = big->dims[1] / (bs * bs), H = big->dims[2], W = big->dims[3];
    const float *X = F(c, 0);
    float *out = new_out(c, 0);
    for (b = 0; b < big->dims[0]; b++)
        for (ch = 0; ch < C; ch++)
            for (h = 0; h < H; h++)
                for (i = 0; i < bs; i++)
                    for (wd = 0; wd < W; wd++)
                        for (j = 0; j < bs; j++) {
                            int64_t deep = crd ? ch * bs * bs + i * bs + j : (i * bs + j) * C + ch;
                            int64_t di = ((b * C * bs * bs + deep) * H + h) * W + wd;
                            int64_t si = ((b * C + ch) * H * bs + h * bs + i) * W * bs + wd * bs + j;
                            if (c->n->op == OP_DEPTHTOSPACE)
                                out[si] = X[di];
                            else
                                out[di] = X[si];
                        }
}

/* ===== element-wise math, Max/Min/Sum/Mean/Pow/PRelu, Clip, reductions,
 * Hardmax, data movement, Split, Size, ConstantOfShape ===== */

/* The formula of each element-wise math op, in double. */
static double math_op(const Node *n, double x)
{
    double a;
    switch (n->op) {
    case OP_EXP: return exp(x);
    case OP_LOG: return log(x);
    case OP_SQRT: return sqrt(x);
    case OP_ABS: return fabs(x);
    case OP_NEG: return -x;
    case OP_RECIPROCAL: return 1.0 / x;
    case OP_FLOOR: return floor(x);
    case OP_CEIL: return ceil(x);
    case OP_ROUND: return x - floor(x) == 0.5 ? 2.0 * floor(x / 2.0 + 0.5) : floor(x + 0.5); /* halves to even */
    case OP_SIGN: return x > 0 ? 1.0 : x < 0 ? -1.0 : x;
    case OP_ERF: return erf(x);
    case OP_SIN: return sin(x);
    case OP_COS: return cos(x);
    case OP_TAN: return tan(x);
    case OP_SINH: return sinh(x);
    case OP_COSH: return cosh(x);
    case OP_ASIN: return asin(x);
    case OP_ACOS: return acos(x);
    case OP_ATAN: return atan(x);
    case OP_ASINH: return asinh(x);
    case OP_ACOSH: return acosh(x);
    case OP_ATANH: return atanh(x);
    /* y = x for x > 0, alpha * (e^x - 1) otherwise */
    case OP_ELU: return x > 0 ? x : attr_float(n, "alpha", 1.0f) * expm1(x);
    /* y = gamma * (x for x > 0, alpha * (e^x - 1) otherwise) */
    case OP_SELU:
        return attr_float(n, "gamma", 1.05070102214813232421875f) *
               (x > 0 ? x : attr_float(n, "alpha", 1.67326319217681884765625f) * expm1(x));
    /* y = max(0, x) + min(0, alpha * (e^(x/alpha) - 1)) */
    case OP_CELU:
        a = attr_float(n, "alpha", 1.0f);
        return (x > 0 ? x : 0) + fmin(0.0, a * expm1(x / a));
    /* y = max(0, min(1, alpha * x + beta)) */
    case OP_HARDSIGMOID:
        return fmax(0.0, fmin(1.0, (double)attr_float(n, "alpha", 0.2f) * x + attr_float(n, "beta", 0.5f)));
    /* y = x * max(0, min(1, x / 6 + 1/2)) */
    case OP_HARDSWISH: return x * fmax(0.0, fmin(1.0, x / 6.0 + 0.5));
    case OP_SOFTPLUS: return x > 30 ? x : log1p(exp(x));
    case OP_SOFTSIGN: return x / (1.0 + fabs(x));
    case OP_THRESHRELU: return x > attr_float(n, "alpha", 1.0f) ? x : 0.0;
    /* y = x + bias for x < -lambd, x - bias for x > lambd, else 0 */
    case OP_SHRINK:
        a = attr_float(n, "lambd", 0.5f);
        return x < -a ? x + attr_float(n, "bias", 0.0f) : x > a ? x - attr_float(n, "bias", 0.0f) : 0.0;
    /* y = x/2 (1 + erf(x / sqrt 2)), or with tanh(sqrt(2/pi) (x + 0.044715 x^3)) */
    case OP_GELU: {
        const Attr *ap = attr_get(n, "approximate");
        if (ap && ap->kind == AT_STRING && strcmp(ap->s, "tanh") == 0)
            return 0.5 * x * (1.0 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
        return 0.5 * x * (1.0 + erf(x / 1.4142135623730951));
    }
    /* y = x * sigmoid(alpha * x) */
    case OP_SWISH: return x / (1.0 + exp(-(double)attr_float(n, "alpha", 1.0f) * x));
    default: BUG("not a math op");
    }
}

static void eval_elem(Ctx *c)
{
    int64_t i, n = ir_numel(Y(c, 0));
    if (Y(c, 0)->dtype == DT_INT64) { /* Neg, Abs, Sign of shape arithmetic */
        int64_t *out = new_out(c, 0);
        int et = tensor_etype(Y(c, 0));
        int uns = et == ET_UINT8 || et == ET_UINT16 || et == ET_UINT32 || et == ET_UINT64;
        for (i = 0; i < n; i++) {
            int64_t v = I(c, 0)[i];
            uint64_t neg = 0 - (uint64_t)v;
            if (uns && c->n->op != OP_NEG) { /* never negative: Abs is x, Sign is x != 0 */
                out[i] = c->n->op == OP_SIGN ? v != 0 : v;
                continue;
            }
            out[i] = c->n->op == OP_SIGN ? (v > 0) - (v < 0)
                     : c->n->op == OP_NEG || v < 0 ? (int64_t)neg : v;
        }
        return;
    }
    {
        float *out = new_out(c, 0);
        for (i = 0; i < n; i++)
            out[i] = (float)math_op(c->n, F(c, 0)[i]);
    }
}

int interp_pow_is_small(float c)
{
    return c == 0.0f || c == 1.0f || c == -1.0f || c == 2.0f || c == -2.0f || c == 3.0f || c == -3.0f ||
           c == 4.0f || c == -4.0f || c == 0.5f || c == -0.5f;
}

/*
 * v^c by multiplications of v or of r = 1/v, or by a square root, rounded
 * in float step by step as emit_ops.c's pow_by_const writes it (error bounds
 * there): the oracle then agrees with the C bit for bit.
 */
float interp_pow_small(float v, float c)
{
    float r = 1.0f / v, s;
    if (c == 0.0f)
        return 1.0f;
    if (c == 1.0f)
        return v;
    if (c == -1.0f)
        return r;
    if (c == 0.5f)
        return v < -FLT_MAX ? -v : sqrtf(v + 0.0f);
    if (c == -0.5f)
        return v < -FLT_MAX ? 0.0f : 1.0f / sqrtf(v + 0.0f);
    if (c < 0.0f)
        v = r, c = -c;
    s = v * v;
    return c == 2.0f ? s : c == 3.0f ? s * v : s * s;
}

static void eval_nary(Ctx *c)
{
    const Tensor *y = Y(c, 0);
    int64_t i, n = ir_numel(y);
    int k, m = c->n->n_in;
    const Tensor *u = c->n->op == OP_POW ? T(c, 1) : NULL;
    float *out;
    if (c->n->op == OP_POW && (T(c, 0)->dtype == DT_INT64 || T(c, 1)->dtype == DT_INT64)) {
        void *o = new_out(c, 0);
        for (i = 0; i < n; i++) {
            int64_t ia = interp_bcast(T(c, 0), y, i), ib = interp_bcast(T(c, 1), y, i);
            double b = T(c, 0)->dtype == DT_FLOAT ? F(c, 0)[ia] : interp_idbl(tensor_etype(T(c, 0)), I(c, 0)[ia]);
            double e = T(c, 1)->dtype == DT_FLOAT ? F(c, 1)[ib] : interp_idbl(tensor_etype(T(c, 1)), I(c, 1)[ib]), v;
            if (y->dtype == DT_FLOAT) { /* the exponent converted to float first, as the C does */
                ((float *)o)[i] = (float)pow(b, T(c, 1)->dtype == DT_FLOAT ? e : (double)(float)e);
            } else if (tensor_etype(T(c, 1)) == ET_UINT64) {
                ((int64_t *)o)[i] = interp_upow(I(c, 0)[ia], (uint64_t)I(c, 1)[ib]);
            } else if (T(c, 1)->dtype == DT_INT64) {
                ((int64_t *)o)[i] = int_as(tensor_etype(y), interp_ipow(I(c, 0)[ia], I(c, 1)[ib]));
            } else {
                v = pow(b, e);
                if (!(v > -9.2e18 && v < 9.2e18))
                    node_error(c->g, c->n, "%g to the power %g is outside the integer type", b, e);
                ((int64_t *)o)[i] = int_as(tensor_etype(y), (int64_t)v);
            }
        }
        return;
    }
    if (y->dtype == DT_INT64) { /* Max, Min, Sum, Mod (fmod 0: the divisor's sign) of integers */
        int64_t *iout = new_out(c, 0);
        int et = tensor_etype(y);
        for (i = 0; i < n; i++) {
            int64_t v = I(c, 0)[interp_bcast(T(c, 0), y, i)];
            for (k = 1; k < m; k++) {
                int64_t w = I(c, k)[interp_bcast(T(c, k), y, i)];
                switch (c->n->op) {
                case OP_MAX: v = interp_iord(et, v) >= interp_iord(et, w) ? v : w; break;
                case OP_MIN: v = interp_iord(et, v) <= interp_iord(et, w) ? v : w; break;
                case OP_SUM: v = (int64_t)((uint64_t)v + (uint64_t)w); break;
                case OP_MOD:
                    if (w == 0)
                        node_error(c->g, c->n, "integer Mod by zero");
                    /* fmod 1: C's %, the dividend's sign; unsigned: the remainder either way */
                    if (et == ET_UINT64) {
                        v = (int64_t)((uint64_t)v % (uint64_t)w);
                        break;
                    }
                    v = w == -1 ? 0 : attr_int(c->n, "fmod", 0) ? v % w : v % w != 0 && (v % w < 0) != (w < 0) ? v % w + w : v % w;
                    break;
                default: BUG("not an integer variadic op");
                }
            }
            iout[i] = v;
        }
        return;
    }
    out = new_out(c, 0);
    /* a constant small exponent: the float formulas of the emitted C */
    if (u && u->dtype == DT_FLOAT && u->f && ir_numel(u) == 1 && interp_pow_is_small(u->f[0])) {
        for (i = 0; i < n; i++)
            out[i] = interp_pow_small(F(c, 0)[interp_bcast(T(c, 0), y, i)], u->f[0]);
        return;
    }
    for (i = 0; i < n; i++) {
        double v = F(c, 0)[interp_bcast(T(c, 0), y, i)];
        for (k = 1; k < m; k++) {
            double u = F(c, k)[interp_bcast(T(c, k), y, i)];
            switch (c->n->op) {
            case OP_MAX: v = v != v || v >= u ? v : u; break;  /* NaN wins */
            case OP_MIN: v = v != v || v <= u ? v : u; break;
            case OP_SUM: case OP_MEAN: v += u; break;
            case OP_POW: v = pow(v, u); break;
            case OP_PRELU: v = v < 0 ? u * v : v; break;
            case OP_MOD: v = fmod(v, u); break;
            default: BUG("not a variadic op");
            }
        }
        out[i] = (float)(c->n->op == OP_MEAN ? v / m : v);
    }
}

static void eval_clip(Ctx *c)
{
    int64_t i, n = ir_numel(Y(c, 0));
    float lo = 0, hi = 0, *out;
    int has;
    if (Y(c, 0)->dtype == DT_INT64) { /* integers: y = min(max(x, lo), hi), absent bounds unused */
        int64_t *iout = new_out(c, 0);
        int et = tensor_etype(Y(c, 0));
        for (i = 0; i < n; i++) {
            int64_t v = I(c, 0)[i];
            if (has_in(c, 1) && interp_iord(et, v) < interp_iord(et, I(c, 1)[0]))
                v = I(c, 1)[0];
            if (has_in(c, 2) && interp_iord(et, v) > interp_iord(et, I(c, 2)[0]))
                v = I(c, 2)[0];
            iout[i] = v;
        }
        return;
    }
    out = new_out(c, 0);
    has = clip_bounds(c->g, c->n, &lo, &hi);
    if (has & 4)
        lo = F(c, 1)[0], has |= 1;
    if (has & 8)
        hi = F(c, 2)[0], has |= 2;
    for (i = 0; i < n; i++) {
        float v = F(c, 0)[i];
        if ((has & 1) && v < lo)
            v = lo;
        if ((has & 2) && v > hi)
            v = hi;
        out[i] = v;
    }
}

/*
 * Reductions: each input element goes to the output element with the
 * reduced coordinates dropped. Sum-like ones accumulate in double;
 * LogSumExp takes the maximum first: log(sum e^x) = m + log(sum e^(x-m)).
 */
static void eval_reduce(Ctx *c)
{
    const Tensor *x = T(c, 0);
    const float *X = F(c, 0);
    OpKind op = c->n->op;
    int reduced[TC_MAX_RANK], d;
    int64_t n = ir_numel(x), ny = ir_numel(Y(c, 0)), i, j;
    double *acc = arena_array(c->g->a, (size_t)ny + 1, sizeof(double));
    double *mx = arena_array(c->g->a, (size_t)ny + 1, sizeof(double));
    int64_t *yi = arena_array(c->g->a, (size_t)n + 1, sizeof(int64_t));
    char *seen = arena_alloc(c->g->a, (size_t)ny + 1), *seen2 = arena_alloc(c->g->a, (size_t)ny + 1);
    float *out = new_out(c, 0);
    reduce_axes(c->g, c->n, reduced);
    for (i = 0; i < n; i++) { /* output index of each input element */
        int64_t o = i, idx = 0, stride = 1;
        for (d = x->rank - 1; d >= 0; d--) {
            int64_t coord = o % x->dims[d];
            o /= x->dims[d];
            if (!reduced[d]) {
                idx += coord * stride;
                stride *= x->dims[d];
            }
        }
        yi[i] = idx;
    }
    for (i = 0; i < n; i++) {
        j = yi[i];
        if (!seen[j] || X[i] > mx[j])
            mx[j] = X[i];
        seen[j] = 1;
    }
    for (j = 0; j < ny; j++)
        acc[j] = op == OP_REDUCEPROD ? 1.0 : op == OP_REDUCEMIN || op == OP_REDUCEMAX ? X[0] : 0.0;
    for (i = 0; i < n; i++) {
        double v = X[i];
        j = yi[i];
        switch (op) {
        case OP_REDUCESUM: case OP_REDUCEMEAN: case OP_REDUCELOGSUM: acc[j] += v; break;
        case OP_REDUCEPROD: acc[j] *= v; break;
        case OP_REDUCEL1: acc[j] += fabs(v); break;
        case OP_REDUCEL2: case OP_REDUCESUMSQUARE: acc[j] += v * v; break;
        case OP_REDUCELOGSUMEXP: acc[j] += exp(v - mx[j]); break;
        case OP_REDUCEMAX: acc[j] = !seen2[j] || v > acc[j] ? v : acc[j]; break;
        case OP_REDUCEMIN: acc[j] = !seen2[j] || v < acc[j] ? v : acc[j]; break;
        default: BUG("not a reduction");
        }
        seen2[j] = 1;
    }
    for (j = 0; j < ny; j++) {
        double v = acc[j];
        switch (op) {
        case OP_REDUCEMEAN: v /= (double)(n / (ny ? ny : 1)); break;
        case OP_REDUCEL2: v = sqrt(v); break;
        case OP_REDUCELOGSUM: v = log(v); break;
        case OP_REDUCELOGSUMEXP: v = mx[j] + log(v); break;
        default: break;
        }
        out[j] = (float)v;
    }
}

/* Hardmax: 1 at the first maximum along the axis, 0 elsewhere. */
static void eval_hardmax(Ctx *c)
{
    int64_t outer, len, inner, o, k, j;
    const float *X = F(c, 0);
    float *out = new_out(c, 0);
    softmax_extent(c->g, c->n, T(c, 0), &outer, &len, &inner);
    for (o = 0; o < outer; o++)
        for (j = 0; j < inner; j++) {
            int64_t base = o * len * inner + j, best = 0;
            for (k = 0; k < len; k++) {
                out[base + k * inner] = 0.0f;
                if (X[base + k * inner] > X[base + best * inner])
                    best = k;
            }
            if (len)
                out[base + best * inner] = 1.0f;
        }
}

/* Transpose, Slice, Expand, Tile: walk the output, read through the affine map. */
static void eval_copy(Ctx *c)
{
    CopyMap m;
    int64_t i, n = ir_numel(Y(c, 0));
    size_t es = Y(c, 0)->dtype == DT_FLOAT ? sizeof(float) : sizeof(int64_t);
    char *out = new_out(c, 0);
    const char *X = c->vals[c->n->in[0]];
    int d;
    copy_map(c->g, c->n, &m);
    for (i = 0; i < n; i++) {
        int64_t o = i, idx = m.base;
        for (d = m.rank - 1; d >= 0; d--) {
            idx += (o % m.dims[d]) * m.stride[d];
            o /= m.dims[d];
        }
        memcpy(out + (size_t)i * es, X + (size_t)idx * es, es);
    }
}

static void eval_split(Ctx *c)
{
    const Tensor *x = T(c, 0);
    int axis = (int)attr_int(c->n, "axis", 0), i, j;
    int64_t outer = 1, inner = 1, o, pos = 0;
    size_t es = x->dtype == DT_FLOAT ? sizeof(float) : sizeof(int64_t);
    const char *X = c->vals[c->n->in[0]];
    if (axis < 0)
        axis += x->rank;
    for (i = 0; i < axis; i++)
        outer *= x->dims[i];
    for (i = axis + 1; i < x->rank; i++)
        inner *= x->dims[i];
    for (j = 0; j < c->n->n_out; j++) {
        int64_t len = Y(c, j)->dims[axis];
        char *out = new_out(c, j);
        for (o = 0; o < outer; o++)
            memcpy(out + (size_t)(o * len * inner) * es, X + (size_t)((o * x->dims[axis] + pos) * inner) * es,
                   (size_t)(len * inner) * es);
        pos += len;
    }
}

static void eval_size(Ctx *c)
{
    int64_t *out = new_out(c, 0);
    out[0] = ir_numel(T(c, 0));
}

static void eval_constofshape(Ctx *c)
{
    const Attr *at = attr_get(c->n, "value");
    int64_t i, n = ir_numel(Y(c, 0));
    void *out = new_out(c, 0);
    for (i = 0; i < n; i++)
        if (Y(c, 0)->dtype == DT_FLOAT)
            ((float *)out)[i] = at ? at->t->f[0] : 0.0f;
        else
            ((int64_t *)out)[i] = at->t->i[0];
}

/*
 * RNN: H = tanh(x W^T + h R^T + Wb + Rb).
 * GRU (gates z, r, h): z = s(x Wz^T + h Rz^T + b), r likewise,
 *   n = tanh(x Wh^T + Wbh + (r * h) Rh^T + Rbh)        (linear_before_reset 0)
 *   n = tanh(x Wh^T + Wbh + r * (h Rh^T + Rbh))        (linear_before_reset 1)
 *   H = (1 - z) * n + z * h.
 * LSTM (gates i, o, f, c): i = s(x Wi^T + h Ri^T + Pi * C + b), f likewise
 *   with Pf, c~ = tanh(x Wc^T + h Rc^T + b), C' = f * C + i * c~,
 *   o = s(x Wo^T + h Ro^T + Po * C' + b), H = o * tanh(C').
 * s is the logistic sigmoid; with clip, every gate input is clamped first.
 */
static double rnn_clip(const Node *n, double v)
{
    const Attr *c = attr_get(n, "clip");
    double k = c ? attr_float(n, "clip", 0.0f) : 0;
    return !c ? v : v < -k ? -k : v > k ? k : v;
}

static double sigm(double v) { return 1.0 / (1.0 + exp(-v)); }

static void eval_rnn(Ctx *c)
{
    const Node *n = c->n;
    const Tensor *x = T(c, 0), *y = Y(c, 0);
    int layout = (int)attr_int(n, "layout", 0), lbr = (int)attr_int(n, "linear_before_reset", 0);
    const Attr *dir = attr_get(n, "direction");
    int64_t G = rnn_gates(n->op), Tn = x->dims[layout ? 1 : 0], Bn = x->dims[layout ? 0 : 1], I = x->dims[2];
    int64_t D = y->dims[layout ? 2 : 1], H = y->dims[3], GH = G * H, d, s, b, j, k;
    const float *W = F(c, 1), *R = F(c, 2), *Bs = has_in(c, 3) ? F(c, 3) : NULL;
    const float *H0 = has_in(c, 5) ? F(c, 5) : NULL, *C0 = n->op == OP_LSTM && has_in(c, 6) ? F(c, 6) : NULL;
    const float *P = n->op == OP_LSTM && has_in(c, 7) ? F(c, 7) : NULL;
    const int64_t *SL = has_in(c, 4) ? (const int64_t *)c->vals[n->in[4]] : NULL;
    double *h = arena_array(c->g->a, (size_t)(D * Bn * H) + 1, sizeof(double));
    double *cs = arena_array(c->g->a, (size_t)(D * Bn * H) + 1, sizeof(double));
    double *ga = arena_array(c->g->a, (size_t)(GH + H) + 1, sizeof(double));
    float *Y0 = new_out(c, 0), *Y1 = c->n->n_out > 1 ? new_out(c, 1) : NULL, *Y2 = c->n->n_out > 2 ? new_out(c, 2) : NULL;
    /* initial states are [D,B,H], or [B,D,H] with layout 1 */
    for (d = 0; d < D; d++)
        for (b = 0; b < Bn; b++)
            for (j = 0; j < H; j++) {
                int64_t from = (layout ? b * D + d : d * Bn + b) * H + j, to = (d * Bn + b) * H + j;
                h[to] = H0 ? H0[from] : 0.0;
                cs[to] = C0 ? C0[from] : 0.0;
            }
    for (d = 0; d < D; d++)
        for (s = 0; s < Tn; s++) {
            for (b = 0; b < Bn; b++) {
                /* sequence_lens: batch b takes L steps (the reverse direction from step L - 1); Y is 0 after them */
                int64_t L = SL ? SL[b] : Tn, t = d == 1 || (dir && strcmp(dir->s, "reverse") == 0) ? L - 1 - s : s;
                const float *xt;
                double *hp = h + (d * Bn + b) * H, *cp = cs + (d * Bn + b) * H;
                if (L < 1 || L > Tn)
                    node_error(c->g, n, "sequence_lens[%lld] is %lld; expected 1 to %lld", (long long)b, (long long)L,
                               (long long)Tn);
                if (s >= L) {
                    for (j = 0; j < H; j++)
                        Y0[(layout ? (b * Tn + s) * D + d : (s * D + d) * Bn + b) * H + j] = 0.0f;
                    continue;
                }
                xt = F(c, 0) + (layout ? b * Tn + t : t * Bn + b) * I;
                /* gates: x W^T + Wb, plus h R^T + Rb except GRU's third gate */
                for (j = 0; j < GH; j++) {
                    double a = Bs ? (double)Bs[d * 2 * GH + j] : 0.0, rb = Bs ? (double)Bs[d * 2 * GH + GH + j] : 0.0;
                    for (k = 0; k < I; k++)
                        a += (double)xt[k] * W[(d * GH + j) * I + k];
                    if (n->op != OP_GRU || j < 2 * H) {
                        a += rb;
                        for (k = 0; k < H; k++)
                            a += hp[k] * R[(d * GH + j) * H + k];
                    }
                    ga[j] = a;
                }
                for (j = 0; j < H; j++) {
                    if (n->op == OP_RNN) {
                        ga[GH + j] = tanh(rnn_clip(n, ga[j]));
                    } else if (n->op == OP_GRU) {
                        double z = sigm(rnn_clip(n, ga[j])), rb = Bs ? (double)Bs[d * 2 * GH + GH + 2 * H + j] : 0.0, hr = rb;
                        for (k = 0; k < H; k++) {
                            double r = sigm(rnn_clip(n, ga[H + k]));
                            hr += (lbr ? hp[k] : r * hp[k]) * R[(d * GH + 2 * H + j) * H + k];
                        }
                        if (lbr)
                            hr *= sigm(rnn_clip(n, ga[H + j]));
                        ga[GH + j] = (1.0 - z) * tanh(rnn_clip(n, ga[2 * H + j] + hr)) + z * hp[j];
                    } else {
                        double pi = P ? P[d * 3 * H + j] : 0, po = P ? P[d * 3 * H + H + j] : 0, pf = P ? P[d * 3 * H + 2 * H + j] : 0;
                        double ig = sigm(rnn_clip(n, ga[j] + pi * cp[j]));
                        double fg = sigm(rnn_clip(n, ga[2 * H + j] + pf * cp[j]));
                        double cc = tanh(rnn_clip(n, ga[3 * H + j]));
                        double og;
                        cp[j] = fg * cp[j] + ig * cc;
                        og = sigm(rnn_clip(n, ga[H + j] + po * cp[j]));
                        ga[GH + j] = og * tanh(cp[j]);
                    }
                }
                for (j = 0; j < H; j++) {
                    hp[j] = ga[GH + j];
                    Y0[(layout ? (b * Tn + t) * D + d : (t * D + d) * Bn + b) * H + j] = (float)hp[j];
                }
            }
        }
    for (d = 0; d < D; d++)
        for (b = 0; b < Bn; b++)
            for (j = 0; j < H; j++) {
                int64_t o = (layout ? b * D + d : d * Bn + b) * H + j;
                if (Y1)
                    Y1[o] = (float)h[(d * Bn + b) * H + j];
                if (Y2)
                    Y2[o] = (float)cs[(d * Bn + b) * H + j];
            }
}

/* y = x / (bias + alpha/size * sum of x^2 over the channel window)^beta;
 * the window of channel c is [c - floor((size-1)/2), c + ceil((size-1)/2)]. */
static void eval_lrn(Ctx *c)
{
    const Tensor *x = T(c, 0);
    const float *X = F(c, 0);
    float *out = new_out(c, 0);
    int64_t size = attr_int(c->n, "size", 1), C = x->dims[1], S = 1, N = x->dims[0], b, ch, s, k;
    double alpha = attr_float(c->n, "alpha", 1e-4f), beta = attr_float(c->n, "beta", 0.75f);
    double bias = attr_float(c->n, "bias", 1.0f);
    int i;
    for (i = 2; i < x->rank; i++)
        S *= x->dims[i];
    for (b = 0; b < N; b++)
        for (ch = 0; ch < C; ch++)
            for (s = 0; s < S; s++) {
                double sum = 0;
                /* the window clipped to the channels there are (size may be huge) */
                int64_t lo = ch - (size - 1) / 2 < 0 ? 0 : ch - (size - 1) / 2;
                int64_t hi = size / 2 > C - 1 - ch ? C - 1 : ch + size / 2;
                for (k = lo; k <= hi; k++)
                    sum += (double)X[(b * C + k) * S + s] * X[(b * C + k) * S + s];
                out[(b * C + ch) * S + s] = (float)(X[(b * C + ch) * S + s] / pow(bias + alpha / (double)size * sum, beta));
            }
}

/* MeanVarianceNormalization: y = (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9) over the axes. */
static void eval_mvn(Ctx *c)
{
    const Tensor *x = T(c, 0);
    const float *X = F(c, 0);
    float *out = new_out(c, 0);
    int reduced[TC_MAX_RANK], d;
    int64_t n = ir_numel(x), i, groups = 1, cnt;
    int64_t *gi = arena_array(c->g->a, (size_t)n + 1, sizeof(int64_t));
    double *s, *q;
    mvn_axes(c->g, c->n, reduced);
    for (d = 0; d < x->rank; d++)
        if (!reduced[d])
            groups *= x->dims[d];
    cnt = n / (groups ? groups : 1);
    s = arena_array(c->g->a, (size_t)groups + 1, sizeof(double));
    q = arena_array(c->g->a, (size_t)groups + 1, sizeof(double));
    for (i = 0; i < n; i++) {
        int64_t o = i, idx = 0, stride = 1;
        for (d = x->rank - 1; d >= 0; d--) {
            int64_t coord = o % x->dims[d];
            o /= x->dims[d];
            if (!reduced[d]) {
                idx += coord * stride;
                stride *= x->dims[d];
            }
        }
        gi[i] = idx;
        s[idx] += X[i];
        q[idx] += (double)X[i] * X[i];
    }
    for (i = 0; i < n; i++) {
        double m = s[gi[i]] / (double)cnt, var = q[gi[i]] / (double)cnt - m * m;
        out[i] = (float)((X[i] - m) / (sqrt(var > 0 ? var : 0) + 1e-9));
    }
}

/* Det by Gaussian elimination with partial pivoting: det = sign * prod of pivots. */
static void eval_det(Ctx *c)
{
    const Tensor *x = T(c, 0);
    int64_t M = x->dims[x->rank - 1], batch = ir_numel(Y(c, 0)), q, i, j, k;
    double *a = arena_array(c->g->a, (size_t)(M * M) + 1, sizeof(double));
    float *out = new_out(c, 0);
    for (q = 0; q < batch; q++) {
        double det = 1;
        for (i = 0; i < M * M; i++)
            a[i] = F(c, 0)[q * M * M + i];
        for (k = 0; k < M && det != 0; k++) {
            int64_t p = k;
            for (i = k + 1; i < M; i++)
                if (fabs(a[i * M + k]) > fabs(a[p * M + k]))
                    p = i;
            if (p != k) {
                for (j = 0; j < M; j++) {
                    double t = a[k * M + j];
                    a[k * M + j] = a[p * M + j];
                    a[p * M + j] = t;
                }
                det = -det;
            }
            det *= a[k * M + k];
            for (i = k + 1; i < M && det != 0; i++) {
                double f = a[i * M + k] / a[k * M + k];
                for (j = k + 1; j < M; j++)
                    a[i * M + j] -= f * a[k * M + j];
            }
        }
        out[q] = (float)det;
    }
}

/* ===== comparisons, logic, Where, Range ===== */

/* Equal, Less, Greater, LessOrEqual, GreaterOrEqual, broadcast: 1 or 0 (any comparison with NaN is 0). */
static void eval_compare(Ctx *c)
{
    const Tensor *a = T(c, 0), *b = T(c, 1), *y = Y(c, 0);
    int64_t i, n = ir_numel(y), *out = new_out(c, 0);
    for (i = 0; i < n; i++) {
        int64_t ia = interp_bcast(a, y, i), ib = interp_bcast(b, y, i);
        int lt, gt, eq;
        if (a->dtype == DT_FLOAT) {
            float p = F(c, 0)[ia], q = F(c, 1)[ib];
            lt = p < q, gt = p > q, eq = p == q;
        } else {
            int64_t p = interp_iord(tensor_etype(a), I(c, 0)[ia]), q = interp_iord(tensor_etype(a), I(c, 1)[ib]);
            lt = p < q, gt = p > q, eq = p == q;
        }
        switch (c->n->op) {
        case OP_EQUAL: out[i] = eq; break;
        case OP_LESS: out[i] = lt; break;
        case OP_GREATER: out[i] = gt; break;
        case OP_LESSOREQUAL: out[i] = lt || eq; break;
        case OP_GREATEROREQUAL: out[i] = gt || eq; break;
        default: BUG("not a comparison");
        }
    }
}

/* Not, And, Or, Xor on bools (nonzero is true), broadcast. */
static void eval_logic(Ctx *c)
{
    const Tensor *y = Y(c, 0);
    int64_t i, n = ir_numel(y), *out = new_out(c, 0);
    for (i = 0; i < n; i++) {
        int p = I(c, 0)[interp_bcast(T(c, 0), y, i)] != 0, q = 0;
        if (c->n->op != OP_NOT)
            q = I(c, 1)[interp_bcast(T(c, 1), y, i)] != 0;
        switch (c->n->op) {
        case OP_NOT: out[i] = !p; break;
        case OP_AND: out[i] = p && q; break;
        case OP_OR: out[i] = p || q; break;
        case OP_XOR: out[i] = p != q; break;
        default: BUG("not a logical op");
        }
    }
}

/* y = condition ? X : Y, the three broadcast. */
static void eval_where(Ctx *c)
{
    const Tensor *y = Y(c, 0);
    int64_t i, n = ir_numel(y);
    size_t es = y->dtype == DT_FLOAT ? sizeof(float) : sizeof(int64_t);
    char *out = new_out(c, 0);
    for (i = 0; i < n; i++) {
        int k = I(c, 0)[interp_bcast(T(c, 0), y, i)] ? 1 : 2;
        memcpy(out + (size_t)i * es, (const char *)c->vals[c->n->in[k]] + (size_t)interp_bcast(T(c, k), y, i) * es, es);
    }
}

/* Range: y[i] = start + i * delta (the length from shape_range). */
static void eval_range(Ctx *c)
{
    const Tensor *y = Y(c, 0);
    int64_t i, n = ir_numel(y);
    void *out = new_out(c, 0);
    for (i = 0; i < n; i++)
        if (y->dtype == DT_FLOAT)
            ((float *)out)[i] = (float)((double)F(c, 0)[0] + (double)i * F(c, 2)[0]);
        else
            ((int64_t *)out)[i] = int_as(tensor_etype(y), (int64_t)((uint64_t)I(c, 0)[0] + (uint64_t)i * (uint64_t)I(c, 2)[0]));
}

/* ===== integer results and run-time indices ===== */

/* ArgMax, ArgMin: the index of the first (select_last_index: the last) largest or smallest value
 * along the axis; NaN is never selected unless every value is NaN (then index 0). */
static void eval_argmax(Ctx *c)
{
    const Tensor *x = T(c, 0);
    int axis = (int)attr_int(c->n, "axis", 0), k, last = attr_int(c->n, "select_last_index", 0) != 0;
    int64_t outer = 1, inner = 1, len, o, j, i, *out = new_out(c, 0);
    if (axis < 0)
        axis += x->rank;
    len = x->dims[axis];
    for (k = 0; k < axis; k++)
        outer *= x->dims[k];
    for (k = axis + 1; k < x->rank; k++)
        inner *= x->dims[k];
    for (o = 0; o < outer; o++)
        for (j = 0; j < inner; j++) {
            int64_t best = 0, at;
            for (i = 1; i < len; i++) {
                at = (o * len + i) * inner + j;
                int64_t bt = (o * len + best) * inner + j;
                int better;
                if (x->dtype == DT_FLOAT) {
                    float v = F(c, 0)[at], b = F(c, 0)[bt];
                    better = c->n->op == OP_ARGMAX ? (v > b || (last && v == b)) : (v < b || (last && v == b));
                    better = better || (b != b && v == v);
                } else {
                    int64_t v = interp_iord(tensor_etype(x), I(c, 0)[at]), b = interp_iord(tensor_etype(x), I(c, 0)[bt]);
                    better = c->n->op == OP_ARGMAX ? (v > b || (last && v == b)) : (v < b || (last && v == b));
                }
                if (better)
                    best = i;
            }
            out[o * inner + j] = best;
        }
}

/* GatherElements: y[p] = x[p with its axis coordinate replaced by indices[p]]. */
static void eval_gatherelements(Ctx *c)
{
    const Tensor *x = T(c, 0), *y = Y(c, 0);
    int axis = (int)attr_int(c->n, "axis", 0), k;
    int64_t i, n = ir_numel(y);
    size_t es = y->dtype == DT_FLOAT ? sizeof(float) : sizeof(int64_t);
    char *out = new_out(c, 0);
    if (axis < 0)
        axis += x->rank;
    for (i = 0; i < n; i++) {
        int64_t rem = i, src = 0, stride = 1, q = I(c, 1)[i];
        if (q < 0)
            q += x->dims[axis];
        if (q < 0 || q >= x->dims[axis])
            node_error(c->g, c->n, "index %lld is out of range for dimension %lld", (long long)I(c, 1)[i], (long long)x->dims[axis]);
        for (k = y->rank - 1; k >= 0; k--) {
            int64_t coord = rem % y->dims[k];
            rem /= y->dims[k];
            src += (k == axis ? q : coord) * stride;
            stride *= x->dims[k];
        }
        memcpy(out + (size_t)i * es, (const char *)c->vals[c->n->in[0]] + (size_t)src * es, es);
    }
}

/* Trilu: element (i, j) of each matrix is kept when j - i >= k (upper, the default) or
 * j - i <= k (lower), else 0. */
static void eval_trilu(Ctx *c)
{
    const Tensor *y = Y(c, 0);
    int64_t R = y->dims[y->rank - 2], C = y->dims[y->rank - 1], n = ir_numel(y), p;
    int64_t k = has_in(c, 1) ? I(c, 1)[0] : 0;
    int upper = attr_int(c->n, "upper", 1) != 0;
    void *out = new_out(c, 0);
    for (p = 0; p < n; p++) {
        int64_t i = p / C % R, j = p % C;
        int keep = upper ? j - i >= k : j - i <= k;
        if (y->dtype == DT_FLOAT)
            ((float *)out)[p] = keep ? F(c, 0)[p] : 0.0f;
        else
            ((int64_t *)out)[p] = keep ? I(c, 0)[p] : 0;
    }
}

/*
 * NegativeLogLikelihoodLoss: loss[n][d] = -x[n][t][d] * w[t] for t = target[n][d] (w 1 without
 * weights), 0 (and weight 0) where t is ignore_index; "sum" adds the losses, "mean" divides
 * that by the sum of their weights. SoftmaxCrossEntropyLoss: the same of
 * log_prob = LogSoftmax(scores) over axis 1, its output 1 when named.
 */
static void eval_nllloss(Ctx *c)
{
    const Tensor *x = T(c, 0);
    const char *red = attr_string(c->n, "reduction", "mean");
    int64_t N = x->dims[0], C = x->dims[1], D = ir_numel(x) / (N * C), nn, d, k;
    int has_ignore = attr_get(c->n, "ignore_index") != NULL, sce = c->n->op == OP_SCELOSS;
    int64_t ignore = attr_int(c->n, "ignore_index", 0);
    const float *W = has_in(c, 2) ? F(c, 2) : NULL;
    float *out = new_out(c, 0), *lp = NULL;
    double sum = 0, wsum = 0;
    if (sce && node_multi_output(c->g, c->n))
        lp = new_out(c, 1);
    for (nn = 0; nn < N; nn++)
        for (d = 0; d < D; d++) {
            const float *xp = F(c, 0) + nn * C * D + d;
            int64_t t = I(c, 1)[nn * D + d];
            double v = 0, w = 0, mx = xp[0], se = 0, l;
            if (sce) {
                for (k = 1; k < C; k++)
                    mx = xp[k * D] > mx ? xp[k * D] : mx;
                for (k = 0; k < C; k++)
                    se += exp(xp[k * D] - mx);
                for (k = 0; lp && k < C; k++)
                    lp[nn * C * D + k * D + d] = (float)(xp[k * D] - mx - log(se));
            }
            if (!(has_ignore && t == ignore)) {
                if (t < 0 || t >= C)
                    node_error(c->g, c->n, "target %lld is outside the %lld classes", (long long)t, (long long)C);
                l = sce ? xp[t * D] - mx - log(se) : xp[t * D];
                w = W ? W[t] : 1.0;
                v = -l * w;
            }
            if (strcmp(red, "none") == 0)
                out[nn * D + d] = (float)v;
            sum += v;
            wsum += w;
        }
    if (strcmp(red, "sum") == 0)
        out[0] = (float)sum;
    else if (strcmp(red, "mean") == 0)
        out[0] = (float)(sum / wsum);
}

/* ScatterElements, Scatter: y = x; y[p with its axis coordinate replaced by indices[p]]
 * = updates[p], or combined with it by 'reduction', in the order of p. */
static void eval_scatter(Ctx *c)
{
    const Tensor *x = T(c, 0), *ix = T(c, 1), *y = Y(c, 0);
    const char *red = attr_string(c->n, "reduction", "none");
    int axis = (int)attr_int(c->n, "axis", 0), k;
    int64_t p, n = ir_numel(ix), fl = y->dtype == DT_FLOAT;
    size_t es = fl ? sizeof(float) : sizeof(int64_t);
    char *out = new_out(c, 0);
    if (axis < 0)
        axis += x->rank;
    memcpy(out, c->vals[c->n->in[0]], (size_t)ir_numel(y) * es);
    for (p = 0; p < n; p++) {
        int64_t rem = p, dst = 0, stride = 1, q = I(c, 1)[p];
        if (q < 0)
            q += x->dims[axis];
        if (q < 0 || q >= x->dims[axis])
            node_error(c->g, c->n, "index %lld is out of range for dimension %lld", (long long)I(c, 1)[p], (long long)x->dims[axis]);
        for (k = x->rank - 1; k >= 0; k--) {
            int64_t coord = rem % ix->dims[k];
            rem /= ix->dims[k];
            dst += (k == axis ? q : coord) * stride;
            stride *= x->dims[k];
        }
        if (fl) {
            float *d = (float *)out + dst, u = F(c, 2)[p];
            *d = red[0] == 'a' ? *d + u : red[0] == 'm' && red[1] == 'u' ? *d * u : red[0] == 'm' && red[1] == 'a' ? (*d >= u ? *d : u)
               : red[0] == 'm' ? (*d <= u ? *d : u) : u;
        } else {
            int64_t *d = (int64_t *)out + dst, u = I(c, 2)[p];
            int64_t od = interp_iord(tensor_etype(y), *d), ou = interp_iord(tensor_etype(y), u);
            *d = red[0] == 'a' ? (int64_t)((uint64_t)*d + (uint64_t)u) : red[0] == 'm' && red[1] == 'u' ? (int64_t)((uint64_t)*d * (uint64_t)u)
               : red[0] == 'm' && red[1] == 'a' ? (od >= ou ? *d : u) : red[0] == 'm' ? (od <= ou ? *d : u) : u;
        }
    }
}

/* IsNaN: x != x; IsInf: x infinite, of a sign detect_positive and detect_negative allow. */
static void eval_isinf(Ctx *c)
{
    int64_t i, n = ir_numel(Y(c, 0)), *out = new_out(c, 0);
    int pos = attr_int(c->n, "detect_positive", 1) != 0, neg = attr_int(c->n, "detect_negative", 1) != 0;
    for (i = 0; i < n; i++) {
        float v = F(c, 0)[i];
        out[i] = c->n->op == OP_ISNAN ? v != v : v == v && v - v != 0.0f && (v > 0 ? pos : neg);
    }
}

/* b^e in wrapping 64-bit integers (square and multiply); e < 0: the integer part of 1 / b^-e
 * (0 for b = 0). The generated tc_ipow (emit_types.c) is this function. */
int64_t interp_ipow(int64_t b, int64_t e)
{
    if (e < 0)
        return b == 1 ? 1 : b == -1 ? (e % 2 ? -1 : 1) : 0;
    return interp_upow(b, (uint64_t)e);
}
/* Attention and RotaryEmbedding: interp_attn.c */
static void eval_attention(Ctx *c) { interp_attention(c->g, c->n, c->vals); }
static void eval_rotary(Ctx *c) { interp_rotary(c->g, c->n, c->vals); }
/* GridSample and DFT: interp_img.c */
static void eval_gridsample(Ctx *c) { interp_gridsample(c->g, c->n, c->vals); }
static void eval_dft(Ctx *c) { interp_dft(c->g, c->n, c->vals); }
static void eval_maxpoolidx(Ctx *c) { interp_maxpoolidx(c->g, c->n, c->vals); }
static void eval_maxunpool(Ctx *c) { interp_maxunpool(c->g, c->n, c->vals); }
static void eval_roialign(Ctx *c) { interp_roialign(c->g, c->n, c->vals); }
/* Conv, ConvTranspose and the pools on 5-D inputs: interp_3d.c */
static void eval_conv3d(Ctx *c) { interp_conv3d(c->g, c->n, c->vals); }
static void eval_convtranspose3d(Ctx *c) { interp_convtranspose3d(c->g, c->n, c->vals); }
static void eval_pool3d(Ctx *c) { interp_pool3d(c->g, c->n, c->vals); }
/* GatherND, ScatterND, OneHot, TopK, EyeLike, ReverseSequence, BitShift: interp_index.c */
static void eval_gathernd(Ctx *c) { interp_index(c->g, c->n, c->vals); }
static void eval_scatternd(Ctx *c) { interp_index(c->g, c->n, c->vals); }
static void eval_onehot(Ctx *c) { interp_index(c->g, c->n, c->vals); }
static void eval_topk(Ctx *c) { interp_index(c->g, c->n, c->vals); }
static void eval_eyelike(Ctx *c) { interp_index(c->g, c->n, c->vals); }
static void eval_reverseseq(Ctx *c) { interp_index(c->g, c->n, c->vals); }
static void eval_bitshift(Ctx *c) { interp_index(c->g, c->n, c->vals); }
/* TfIdfVectorizer: interp_text.c */
static void eval_tfidf(Ctx *c) { interp_tfidf(c->g, c->n, c->vals); }
/* Einsum: einsum.c */
static void eval_einsum(Ctx *c) { interp_einsum(c->g, c->n, c->vals); }
/* CumSum: cumsum.c */
static void eval_cumsum(Ctx *c) { interp_cumsum(c->g, c->n, c->vals); }

/* quantisation with run-time parameters: qops.c */
static void eval_qops(Ctx *c) { interp_qops(c->g, c->n, c->vals); }

typedef void (*EvalFn)(Ctx *);
static const EvalFn eval_fns[] = {
#define OP(id, name, cls) eval_##cls,
    OPS(OP)
#undef OP
};

void interp_node(Graph *g, const Node *n, void **vals)
{
    Ctx c;
    int i;
    c.g = g;
    c.n = n;
    c.vals = vals;
    for (i = 0; i < n->n_in; i++)
        if (n->in[i] != TC_NONE && !vals[n->in[i]] && n->op != OP_SHAPE && n->op != OP_SIZE)
            BUG("interp_node: input without data");
    eval_fns[n->op](&c);
    for (i = 1; i < n->n_out; i++)
        if (!vals[n->out[i]])
            vals[n->out[i]] = arena_array(g->a, (size_t)ir_numel(&g->t[n->out[i]]) + 1, sizeof(int64_t));
    for (i = 0; i < n->n_out; i++) /* integers of a narrower type wrap, as the generated C's do */
        if (n->out[i] != TC_NONE && vals[n->out[i]] && g->t[n->out[i]].dtype == DT_INT64)
            interp_iwrap(&g->t[n->out[i]], vals[n->out[i]]);
}

void interp_run(Graph *g, float *const *inputs, float **outputs)
{
    void **vals = arena_array(g->a, g->nt, sizeof(void *));
    uint32_t i;
    int k;
    for (i = 0; i < g->nt; i++)
        vals[i] = g->t[i].f ? (void *)g->t[i].f : (void *)g->t[i].i;
    for (k = 0; k < g->n_inputs; k++) /* integer, bool, double, float16, bfloat16 inputs: raw values of their type (interp_types.c) */
        vals[g->inputs[k]] = io_converted(g, g->inputs[k]) ? (void *)interp_raw_in_float(g, &g->t[g->inputs[k]], inputs[k])
                             : g->t[g->inputs[k]].dtype == DT_FLOAT ? (void *)inputs[k]
                                                                    : interp_raw_in(g, &g->t[g->inputs[k]], inputs[k]);
    for (k = 0; k < g->nn; k++)
        if (!g->n[k].dead)
            interp_node(g, &g->n[k], vals);
    for (k = 0; k < g->n_outputs; k++) {
        const Tensor *t = &g->t[g->outputs[k]];
        if (io_converted(g, g->outputs[k]))
            interp_raw_out_float(t, vals[g->outputs[k]], outputs[k]);
        else if (t->dtype != DT_FLOAT)
            interp_raw_out(t, vals[g->outputs[k]], outputs[k]);
        else
            memcpy(outputs[k], vals[g->outputs[k]], (size_t)ir_numel(t) * sizeof(float));
    }
}
