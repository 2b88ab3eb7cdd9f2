/*
 * emit_qops.c - C for the quantisation ops with run-time parameters (qops.c
 * gives the formulas and checks the shapes; its interp_qops is the reference
 * these functions equal bit for bit). Scales, zero points and weights are
 * operands like any other: constant tables when the model has them as
 * constants, arguments when they are computed or given at run time. The
 * integer products are accumulated in uint32_t (wrapping, no undefined
 * behaviour) and read as int32; rounding is tc_qround, without libm.
 */
#include <string.h>

#include "emit.h"

static int et_of(const Graph *g, TensorId id)
{
    const Tensor *t = &g->t[id];
    return t->dtype == DT_FLOAT ? ET_FLOAT : tensor_etype(t);
}

static int has(const Node *n, int i)
{
    return i < n->n_in && n->in[i] != TC_NONE;
}

static void need_qround(Emit *e)
{
    Buf *save = e->out;
    int ind = e->indent;
    if (e->qround_written)
        return;
    e->qround_written = 1;
    e->out = &e->consts;
    e->indent = 0;
    emit_line(e, "/* sat(rne(r) + zp) into [lo, hi]: r rounded half to even without libm (i = r truncated,");
    emit_line(e, " * f = r - i exact, one step away where |f| > 1/2 or |f| = 1/2 and i is odd); NaN gives zp */");
    emit_line(e, "static int32_t tc_qround(float r, int32_t zp, int32_t lo, int32_t hi)");
    emit_line(e, "{");
    emit_line(e, "    int32_t i = 0;");
    emit_line(e, "    float f;");
    emit_blank(e);
    emit_line(e, "    if (r == r) {");
    emit_line(e, "        r = r < -65536.0f ? -65536.0f : r > 65536.0f ? 65536.0f : r;");
    emit_line(e, "        i = (int32_t)r;");
    emit_line(e, "        f = r - (float)i;");
    emit_line(e, "        if (f > 0.5f || (f == 0.5f && ((uint32_t)i & 1u)))");
    emit_line(e, "            i++;");
    emit_line(e, "        else if (f < -0.5f || (f == -0.5f && ((uint32_t)i & 1u)))");
    emit_line(e, "            i--;");
    emit_line(e, "    }");
    emit_line(e, "    i += zp;");
    emit_line(e, "    return i < lo ? lo : i > hi ? hi : i;");
    emit_line(e, "}");
    emit_blank(e);
    e->out = save;
    e->indent = ind;
}

static const char *bounds(int et)
{
    return et == ET_INT8 ? "-128, 127" : "0, 255";
}

static const char *ctype(int et)
{
    return et == ET_INT8 ? "int8_t" : et == ET_UINT8 ? "uint8_t" : et == ET_INT32 ? "int32_t" : "float";
}

/* Operand i at index expression idx, or "0" when the node has no input i (an absent zero point). */
static const char *opnd_at(Emit *e, const Node *n, int i, const char *idx)
{
    if (!has(n, i))
        return "0";
    return arena_printf(e->g->a, "(int32_t)%s[%s]", emit_operand(e, n, i), idx);
}

/* The parameter index of a per-tensor (1 element) or per-row/column/channel input i. */
static const char *pidx(const Emit *e, const Node *n, int i, const char *v)
{
    return has(n, i) && ir_numel(&e->g->t[n->in[i]]) > 1 ? v : "0";
}

static void emit_qdq(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]];
    int q = n->op == OP_RTQ_QUANTIZE, k, et = et_of(g, n->out[0]);
    int64_t len = 1, inner = 1, cnt = ir_numel(x);
    const char *p = "0";
    if (ir_numel(&g->t[n->in[1]]) > 1) {
        int ax = (int)attr_int(n, "axis", 1);
        if (ax < 0)
            ax += x->rank;
        len = x->dims[ax];
        for (k = ax + 1; k < x->rank; k++)
            inner *= x->dims[k];
        p = inner > 1 ? arena_printf(g->a, "i / %lld %% %lld", (long long)inner, (long long)len)
                      : arena_printf(g->a, "i %% %lld", (long long)len);
    }
    if (q)
        need_qround(e);
    emit_begin_fn(e, n, "", q ? (len > 1 ? " -- y = sat(rne(x / s) + zp), per axis" : " -- y = sat(rne(x / s) + zp)")
                              : (len > 1 ? " -- y = (x - zp) * s, per axis" : " -- y = (x - zp) * s"));
    emit_line(e, "long i;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++) {", (long long)cnt);
    emit_line(e, "    long p = %s;", p);
    emit_blank(e);
    if (q)
        emit_line(e, "    y[i] = (%s)tc_qround(%s[i] / %s[p], %s, %s);", ctype(et), emit_operand(e, n, 0),
                  emit_operand(e, n, 1), opnd_at(e, n, 2, "p"), bounds(et));
    else
        emit_line(e, "    y[i] = (float)((int64_t)%s[i] - %s) * %s[p];", emit_operand(e, n, 0), opnd_at(e, n, 2, "p"),
                  emit_operand(e, n, 1));
    emit_line(e, "}");
    emit_end_fn(e);
}

static void emit_dynq(Emit *e, const Node *n)
{
    const char *X = emit_operand(e, n, 0);
    long long cnt = (long long)ir_numel(&e->g->t[n->in[0]]);
    need_qround(e);
    emit_begin_fn(e, n, "", " -- s = (max(0, x) - min(0, x)) / 255, zp = sat(rne(-min / s)), y = sat(rne(x / s) + zp)");
    emit_line(e, "float lo = 0.0f, hi = 0.0f, s;");
    emit_line(e, "int32_t zp;");
    emit_line(e, "long i;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++) {", cnt);
    emit_line(e, "    lo = %s[i] < lo ? %s[i] : lo;", X, X);
    emit_line(e, "    hi = %s[i] > hi ? %s[i] : hi;", X, X);
    emit_line(e, "}");
    emit_line(e, "s = (hi - lo) / 255.0f;");
    emit_line(e, "zp = tc_qround(0.0f - lo / s, 0, 0, 255);");
    emit_line(e, "for (i = 0; i < %lld; i++)", cnt);
    emit_line(e, "    y[i] = (uint8_t)tc_qround(%s[i] / s, zp, 0, 255);", X);
    emit_line(e, "y1[0] = s;");
    emit_line(e, "y2[0] = (uint8_t)zp;");
    emit_end_fn(e);
}

/* Offsets of operand t's matrices for each batch of the output y (batch axes broadcast). */
static const char *batch_offsets(Emit *e, const Tensor *t, const Tensor *y, int64_t batches)
{
    Buf b = {0};
    int64_t bt;
    const char *s;
    for (bt = 0; bt < batches; bt++) {
        int64_t off = 0, st = t->dims[t->rank - 1] * t->dims[t->rank - 2], r = bt;
        int k;
        for (k = y->rank - 3; k >= 0; k--) {
            int64_t c = r % y->dims[k];
            int tk = k - (y->rank - t->rank);
            r /= y->dims[k];
            if (tk >= 0) {
                if (t->dims[tk] != 1)
                    off += c * st;
                st *= t->dims[tk];
            }
        }
        buf_printf(&b, "%s%lld", bt ? ", " : "", (long long)off);
    }
    s = arena_strdup(e->g->a, b.p);
    buf_free(&b);
    return s;
}

static void emit_mm(Emit *e, const Node *n)
{
    Graph *g = e->g;
    int q = n->op == OP_RTQ_QLINEARMATMUL, bi = q ? 3 : 1, bzi = q ? 5 : 3, et = et_of(g, n->out[0]);
    const Tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[bi]], *y = &g->t[n->out[0]];
    long long M = (long long)a->dims[a->rank - 2], K = (long long)a->dims[a->rank - 1], N = (long long)b->dims[b->rank - 1];
    long long batches = (long long)ir_numel(y) / (M * N);
    const char *A = emit_operand(e, n, 0), *B = emit_operand(e, n, bi);
    if (q)
        need_qround(e);
    emit_begin_fn(e, n, "", q ? " -- int32 sum of (a - azp)(b - bzp), requantised by (as * bs) / ys"
                              : " -- int32 sum of (a - azp)(b - bzp)");
    emit_line(e, "static const long oa[%lld] = {%s};", batches, batch_offsets(e, a, y, batches));
    emit_line(e, "static const long ob[%lld] = {%s};", batches, batch_offsets(e, b, y, batches));
    emit_line(e, "long t, i, j, k;");
    emit_blank(e);
    emit_line(e, "for (t = 0; t < %lld; t++)", batches);
    emit_line(e, "    for (i = 0; i < %lld; i++)", M);
    emit_line(e, "        for (j = 0; j < %lld; j++) {", N);
    e->indent += 3;
    emit_line(e, "int32_t za = %s, zb = %s;", opnd_at(e, n, 2, pidx(e, n, 2, "i")), opnd_at(e, n, bzi, pidx(e, n, bzi, "j")));
    emit_line(e, "uint32_t acc = 0;");
    emit_blank(e);
    emit_line(e, "for (k = 0; k < %lld; k++)", K);
    emit_line(e, "    acc += (uint32_t)(((int32_t)%s[oa[t] + i * %lld + k] - za) * ((int32_t)%s[ob[t] + k * %lld + j] - zb));", A, K,
              B, N);
    if (q) {
        emit_line(e, "y[(t * %lld + i) * %lld + j] = (%s)tc_qround((float)(int32_t)acc * (%s[%s] * %s[%s] / %s[0]), %s, %s);",
                  M, N, ctype(et), emit_operand(e, n, 1), pidx(e, n, 1, "i"), emit_operand(e, n, 4), pidx(e, n, 4, "j"),
                  emit_operand(e, n, 6), opnd_at(e, n, 7, "0"), bounds(et));
    } else {
        emit_line(e, "y[(t * %lld + i) * %lld + j] = (int32_t)acc;", M, N);
    }
    e->indent -= 3;
    emit_line(e, "        }");
    emit_end_fn(e);
}

static void emit_qconv(Emit *e, const Node *n)
{
    Graph *g = e->g;
    int q = n->op == OP_RTQ_QLINEARCONV, wi = q ? 3 : 1, wzi = q ? 5 : 3, et = et_of(g, n->out[0]);
    const Tensor *x = &g->t[n->in[0]], *w = &g->t[n->in[wi]], *y = &g->t[n->out[0]];
    long long Nb = (long long)x->dims[0], C = (long long)x->dims[1], M = (long long)w->dims[0], cg = (long long)w->dims[1];
    long long H = x->rank == 4 ? (long long)x->dims[2] : 1, W = (long long)x->dims[x->rank - 1];
    long long KH = w->rank == 4 ? (long long)w->dims[2] : 1, KW = (long long)w->dims[w->rank - 1];
    long long OH = y->rank == 4 ? (long long)y->dims[2] : 1, OW = (long long)y->dims[y->rank - 1];
    long long mg = M / (C / cg);
    int64_t sd[2], dd[2], pads[2];
    long long s0, s1, d0, d1, p0, p1;
    const char *X = emit_operand(e, n, 0), *Wt = emit_operand(e, n, wi);
    {
        /* the window as shape_qops checked it: conv_window on a Conv view of the node
         * (1-D: the height is 1), auto_pad resolved into the begin pads */
        Window win;
        Node fake = *n;
        TensorId io[2];
        io[0] = n->in[0];
        io[1] = n->in[wi];
        fake.op = OP_CONV;
        fake.in = io;
        fake.n_in = 2;
        conv_window(g, &fake, &win);
        pads[0] = win.pb[0];
        pads[1] = win.pb[1];
        sd[0] = win.s[0], sd[1] = win.s[1], dd[0] = win.d[0], dd[1] = win.d[1];
    }
    s0 = (long long)sd[0], s1 = (long long)sd[1], d0 = (long long)dd[0], d1 = (long long)dd[1];
    p0 = (long long)pads[0], p1 = (long long)pads[1];
    if (q)
        need_qround(e);
    emit_begin_fn(e, n, "", q ? " -- int32 sum of (x - xzp)(w - wzp) + B, requantised by (xs * ws) / ys"
                              : " -- int32 sum of (x - xzp)(w - wzp)");
    emit_line(e, "long b, m, oh, ow, c, kh, kw;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++)", Nb);
    emit_line(e, "    for (m = 0; m < %lld; m++) {", M);
    e->indent += 2;
    emit_line(e, "int32_t xz = %s, wz = %s;", opnd_at(e, n, 2, "0"), opnd_at(e, n, wzi, pidx(e, n, wzi, "m")));
    if (q)
        emit_line(e, "float mult = %s[0] * %s[%s] / %s[0];", emit_operand(e, n, 1), emit_operand(e, n, 4), pidx(e, n, 4, "m"),
                  emit_operand(e, n, 6));
    emit_blank(e);
    emit_line(e, "for (oh = 0; oh < %lld; oh++)", OH);
    emit_line(e, "    for (ow = 0; ow < %lld; ow++) {", OW);
    e->indent += 2;
    emit_line(e, "uint32_t acc = %s;", q && has(n, 8) ? arena_printf(g->a, "(uint32_t)%s[m]", emit_operand(e, n, 8)) : "0");
    emit_blank(e);
    emit_line(e, "for (c = 0; c < %lld; c++)", cg);
    emit_line(e, "    for (kh = 0; kh < %lld; kh++)", KH);
    emit_line(e, "        for (kw = 0; kw < %lld; kw++) {", KW);
    emit_line(e, "            long ih = oh * %lld - %lld + kh * %lld, iw = ow * %lld - %lld + kw * %lld;", s0, p0, d0, s1, p1, d1);
    emit_blank(e);
    emit_line(e, "            if (ih < 0 || ih >= %lld || iw < 0 || iw >= %lld)", H, W);
    emit_line(e, "                continue; /* padding: the zero point, which adds nothing */");
    emit_line(e, "            acc += (uint32_t)(((int32_t)%s[((b * %lld + m / %lld * %lld + c) * %lld + ih) * %lld + iw] - xz) *", X, C,
              mg, cg, H, W);
    emit_line(e, "                              ((int32_t)%s[((m * %lld + c) * %lld + kh) * %lld + kw] - wz));", Wt, cg, KH, KW);
    emit_line(e, "        }");
    if (q)
        emit_line(e, "y[((b * %lld + m) * %lld + oh) * %lld + ow] = (%s)tc_qround((float)(int32_t)acc * mult, %s, %s);", M, OH,
                  OW, ctype(et), opnd_at(e, n, 7, "0"), bounds(et));
    else
        emit_line(e, "y[((b * %lld + m) * %lld + oh) * %lld + ow] = (int32_t)acc;", M, OH, OW);
    e->indent -= 2;
    emit_line(e, "    }");
    e->indent -= 2;
    emit_line(e, "    }");
    emit_end_fn(e);
}

void emit_qops(Emit *e, const Node *n)
{
    switch (n->op) {
    case OP_RTQ_QUANTIZE: case OP_RTQ_DEQUANTIZE: emit_qdq(e, n); return;
    case OP_DYNAMICQUANTIZE: emit_dynq(e, n); return;
    case OP_RTQ_MATMULINTEGER: case OP_RTQ_QLINEARMATMUL: emit_mm(e, n); return;
    case OP_RTQ_CONVINTEGER: case OP_RTQ_QLINEARCONV: emit_qconv(e, n); return;
    default: BUG("not a qops op");
    }
}
