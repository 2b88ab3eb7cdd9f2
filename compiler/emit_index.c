/*
 * emit_index.c - the C of the indexing and integer ops (shapes in
 * shape_index.c, formulas in interp_index.c): GatherND, ScatterND, OneHot,
 * TopK, EyeLike, ReverseSequence, BitShift, and MaxPool on integer tensors.
 * One function per op for every element type: the node function's
 * parameters already have the tensors' C types (emit_begin_fn).
 *
 * An index outside its axis cannot stop the generated code: GatherND then
 * reads coordinate 0, ScatterND writes nowhere, OneHot writes a row of
 * 'off', a sequence length outside 0..T reverses nothing (ONNX: errors).
 */
#include <string.h>

#include "emit.h"

static const Tensor *tin(Emit *e, const Node *n, int i) { return &e->g->t[n->in[i]]; }
static const Tensor *tout(Emit *e, const Node *n, int i) { return &e->g->t[n->out[i]]; }
static int is_float(const Tensor *t) { return t->dtype == DT_FLOAT; }

/* "(void)x<i>;" for run-time inputs the code does not read. */
static void unused_input(Emit *e, const Node *n, int i)
{
    if (i < n->n_in && n->in[i] != TC_NONE && !ir_is_const(tin(e, n, i)))
        emit_line(e, "(void)x%d;", i);
}

/* off += coordinate q[i] (negative: from the end) * stride, per coordinate; an index
 * outside its axis sets ok = 0 instead (and is never multiplied: no overflow). */
static void emit_tuple_offset(Emit *e, const GatherNDShape *s, const char *I, const char *at)
{
    int64_t i;
    for (i = 0; i < s->m; i++) {
        emit_line(e, "c = (long long)%s[%s + %lld];", I, at, (long long)i);
        emit_line(e, "if (c < 0)");
        emit_line(e, "    c += %lld;", (long long)s->dim[i]);
        emit_line(e, "if (c < 0 || c >= %lld)", (long long)s->dim[i]);
        emit_line(e, "    ok = 0;");
        emit_line(e, "else");
        emit_line(e, "    off += c * %lld;", (long long)s->stride[i]);
    }
}

/* GatherND: y[b][t][j] = data[b][tuple t of batch b][j]; a tuple outside the data reads slice 0. */
void emit_gathernd(Emit *e, const Node *n)
{
    GatherNDShape s;
    const char *X = emit_operand(e, n, 0), *I = emit_operand(e, n, 1);
    gathernd_layout(e->g, n, &s);
    emit_begin_fn(e, n, "", s.b ? arena_printf(e->g->a, " -- batch_dims %d", s.b) : "");
    emit_line(e, "long long b, t, j, c, off;");
    emit_line(e, "int ok;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)s.batch);
    emit_line(e, "    for (t = 0; t < %lld; t++) {", (long long)s.tuples);
    e->indent += 2;
    emit_line(e, "off = 0;");
    emit_line(e, "ok = 1;");
    emit_tuple_offset(e, &s, I, arena_printf(e->g->a, "(b * %lld + t) * %lld", (long long)s.tuples, (long long)s.m));
    emit_line(e, "if (!ok)");
    emit_line(e, "    off = 0; /* out of range: undefined in ONNX */");
    emit_line(e, "for (j = 0; j < %lld; j++)", (long long)s.slice);
    emit_line(e, "    y[(b * %lld + t) * %lld + j] = %s[b * %lld + off + j];", (long long)s.tuples, (long long)s.slice, X,
              (long long)s.batch_size);
    e->indent -= 2;
    emit_line(e, "    }");
    emit_end_fn(e);
}

/* The unsigned type of an integer element type's width, for wrapping arithmetic. */
static const char *utype(int et)
{
    return et == ET_INT64 || et == ET_UINT64 ? "uint64_t" : et == ET_INT32 || et == ET_UINT32 ? "uint32_t" : "unsigned";
}

/* ScatterND: y = data; y[tuple t][j] = updates[t][j] (or combined by 'reduction'). */
void emit_scatternd(Emit *e, const Node *n)
{
    GatherNDShape s;
    const Tensor *x = tin(e, n, 0);
    const char *red = attr_string(n, "reduction", "none");
    const char *X = emit_operand(e, n, 0), *I = emit_operand(e, n, 1), *U = emit_operand(e, n, 2);
    const char *ct = emit_tensor_ctype(e, n, n->out[0]), *v;
    int et = is_float(x) ? ET_FLOAT : tensor_etype(x);
    Arena *A = e->g->a;
    gathernd_layout(e->g, n, &s);
    if (strcmp(red, "add") == 0)
        v = et == ET_FLOAT ? "y[off + j] + u" : arena_printf(A, "(%s)((%s)y[off + j] + (%s)u)", ct, utype(et), utype(et));
    else if (strcmp(red, "mul") == 0)
        v = et == ET_FLOAT ? "y[off + j] * u" : arena_printf(A, "(%s)((%s)y[off + j] * (%s)u)", ct, utype(et), utype(et));
    else if (strcmp(red, "max") == 0)
        v = "(y[off + j] >= u ? y[off + j] : u)";
    else if (strcmp(red, "min") == 0)
        v = "(y[off + j] <= u ? y[off + j] : u)";
    else
        v = "u";
    emit_begin_fn(e, n, "", strcmp(red, "none") ? arena_printf(A, " -- reduction %s", red) : "");
    emit_line(e, "long long t, j, c, off;");
    emit_line(e, "int ok;");
    emit_blank(e);
    emit_line(e, "for (j = 0; j < %lld; j++)", (long long)ir_numel(x));
    emit_line(e, "    y[j] = %s[j];", X);
    emit_line(e, "for (t = 0; t < %lld; t++) {", (long long)s.tuples);
    e->indent++;
    emit_line(e, "off = 0;");
    emit_line(e, "ok = 1;");
    emit_tuple_offset(e, &s, I, arena_printf(A, "t * %lld", (long long)s.m));
    emit_line(e, "if (ok) /* out of range: undefined in ONNX, nothing written */");
    emit_line(e, "    for (j = 0; j < %lld; j++) {", (long long)s.slice);
    emit_line(e, "        %s u = %s[t * %lld + j];", ct, U, (long long)s.slice);
    emit_blank(e);
    emit_line(e, "        y[off + j] = %s;", v);
    emit_line(e, "    }");
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
}

/* OneHot: y[o][j][i] = index (o, i) (plus depth when negative) == j ? on : off. */
void emit_onehot(Emit *e, const Node *n)
{
    const Tensor *ix = tin(e, n, 0), *y = tout(e, n, 0);
    int axis = (int)attr_int(n, "axis", -1), k;
    int64_t depth, inner = 1, outer;
    const char *I = emit_operand(e, n, 0), *V = emit_operand(e, n, 2);
    if (axis < 0)
        axis += y->rank;
    depth = y->dims[axis];
    for (k = axis + 1; k < y->rank; k++)
        inner *= y->dims[k];
    outer = ir_numel(ix) / inner;
    emit_begin_fn(e, n, "", arena_printf(e->g->a, " -- depth %lld", (long long)depth));
    unused_input(e, n, 1);
    emit_line(e, "long long o, j, i, q;");
    emit_line(e, "int p = 0;");
    emit_blank(e);
    emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
    emit_line(e, "    for (j = 0; j < %lld; j++)", (long long)depth);
    emit_line(e, "        for (i = 0; i < %lld; i++) {", (long long)inner);
    e->indent += 3;
    if (is_float(ix)) { /* truncated toward 0; outside [-depth, depth] matches nothing */
        emit_line(e, "float f = %s[o * %lld + i];", I, (long long)inner);
        emit_blank(e);
        emit_line(e, "q = f > %lld.0f && f < %lld.0f ? (long long)f : %lld;", -(long long)depth - 1, (long long)depth + 1,
                  (long long)depth);
    } else
        emit_line(e, "q = (long long)%s[o * %lld + i];", I, (long long)inner);
    emit_line(e, "if (q < 0)");
    emit_line(e, "    q += %lld;", (long long)depth);
    emit_line(e, "y[p++] = q == j ? %s[1] : %s[0];", V, V);
    e->indent -= 3;
    emit_line(e, "        }");
    emit_end_fn(e);
}

/* TopK: per slice along the axis, the r-th output is the first (in the order: larger
 * (smaller) value, then lower index) of the elements after the (r-1)-th. */
void emit_topk(Emit *e, const Node *n)
{
    const Tensor *x = tin(e, n, 0), *y = tout(e, n, 0);
    int axis = (int)attr_int(n, "axis", -1), largest = attr_int(n, "largest", 1) != 0, k;
    int64_t K, len, inner = 1, outer;
    const char *X = emit_operand(e, n, 0), *gt = largest ? ">" : "<";
    const char *ct = emit_tensor_ctype(e, n, n->in[0]);
    if (axis < 0)
        axis += x->rank;
    K = y->dims[axis];
    len = x->dims[axis];
    for (k = axis + 1; k < x->rank; k++)
        inner *= x->dims[k];
    outer = ir_numel(x) / (len * inner);
    emit_begin_fn(e, n, "", arena_printf(e->g->a, " -- the %lld %s of %lld", (long long)K, largest ? "largest" : "smallest",
                                         (long long)len));
    unused_input(e, n, 1);
    emit_line(e, "long long o, i, r, j, best, prev, base, at;");
    emit_blank(e);
    emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
    emit_line(e, "    for (i = 0; i < %lld; i++) {", (long long)inner);
    e->indent += 2;
    emit_line(e, "base = o * %lld + i;", (long long)(len * inner));
    emit_line(e, "prev = -1;");
    emit_line(e, "for (r = 0; r < %lld; r++) {", (long long)K);
    emit_line(e, "    best = -1;");
    emit_line(e, "    for (j = 0; j < %lld; j++) {", (long long)len);
    emit_line(e, "        %s v = %s[base + j * %lld];", ct, X, (long long)inner);
    emit_blank(e);
    emit_line(e, "        if (prev >= 0) { /* only the elements after prev */");
    emit_line(e, "            %s p = %s[base + prev * %lld];", ct, X, (long long)inner);
    emit_blank(e);
    emit_line(e, "            if (v %s p || (v == p && j <= prev))", gt);
    emit_line(e, "                continue;");
    emit_line(e, "        }");
    emit_line(e, "        if (best < 0 || v %s %s[base + best * %lld])", gt, X, (long long)inner);
    emit_line(e, "            best = j;");
    emit_line(e, "    }");
    emit_line(e, "    if (best < 0)");
    emit_line(e, "        best = 0; /* only after NaNs */");
    emit_line(e, "    prev = best;");
    emit_line(e, "    at = (o * %lld + r) * %lld + i;", (long long)K, (long long)inner);
    emit_line(e, "    y[at] = %s[base + best * %lld];", X, (long long)inner);
    emit_line(e, "    y1[at] = best;");
    emit_line(e, "}");
    e->indent -= 2;
    emit_line(e, "    }");
    emit_end_fn(e);
}

/* EyeLike: y[i][j] = j - i == k, the input's values unread. */
void emit_eyelike(Emit *e, const Node *n)
{
    const Tensor *y = tout(e, n, 0);
    int64_t k = attr_int(n, "k", 0);
    emit_begin_fn(e, n, "", arena_printf(e->g->a, " -- diagonal %lld", (long long)k));
    unused_input(e, n, 0);
    emit_line(e, "long long i, j;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)y->dims[0]);
    emit_line(e, "    for (j = 0; j < %lld; j++)", (long long)y->dims[1]);
    emit_line(e, "        y[i * %lld + j] = j - i == %lldLL;", (long long)y->dims[1], (long long)k);
    emit_end_fn(e);
}

/* ReverseSequence: y[b][t] = x[b][t < len[b] ? len[b] - 1 - t : t], slices of the rest. */
void emit_reverseseq(Emit *e, const Node *n)
{
    const Tensor *x = tin(e, n, 0);
    int ba = (int)attr_int(n, "batch_axis", 1);
    int64_t B = x->dims[ba], Tn = x->dims[1 - ba], inner = ir_numel(x) / (B * Tn);
    const char *X = emit_operand(e, n, 0), *L = emit_operand(e, n, 1);
    emit_begin_fn(e, n, "", ba == 0 ? " -- batch first" : " -- time first");
    emit_line(e, "long long b, t, s, j, len;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++) {", (long long)B);
    emit_line(e, "    len = (long long)%s[b];", L);
    emit_line(e, "    if (len < 0 || len > %lld)", (long long)Tn);
    emit_line(e, "        len = 0; /* out of range: undefined in ONNX */");
    emit_line(e, "    for (t = 0; t < %lld; t++) {", (long long)Tn);
    emit_line(e, "        s = t < len ? len - 1 - t : t;");
    emit_line(e, "        for (j = 0; j < %lld; j++)", (long long)inner);
    if (ba == 0)
        emit_line(e, "            y[(b * %lld + t) * %lld + j] = %s[(b * %lld + s) * %lld + j];", (long long)Tn, (long long)inner, X,
                  (long long)Tn, (long long)inner);
    else
        emit_line(e, "            y[(t * %lld + b) * %lld + j] = %s[(s * %lld + b) * %lld + j];", (long long)B, (long long)inner, X,
                  (long long)B, (long long)inner);
    emit_line(e, "    }");
    emit_line(e, "}");
    emit_end_fn(e);
}

/* The index expression of input t broadcast to y's loops i0..i<r-1>. */
static const char *bcast_expr(Emit *e, const Tensor *t, const Tensor *y)
{
    Buf b = {0};
    int64_t st = 1;
    int k;
    const char *s;
    for (k = y->rank - 1; k >= 0; k--) {
        int tk = k - (y->rank - t->rank);
        if (tk < 0)
            break;
        if (t->dims[tk] != 1)
            buf_printf(&b, "%si%d * %lld", b.len ? " + " : "", k, (long long)st);
        st *= t->dims[tk];
    }
    s = arena_printf(e->g->a, "%s", b.len ? b.p : "0");
    buf_free(&b);
    return s;
}

/* BitShift: y = x << s or x >> s in the type's width, 0 for a shift by the width or more. */
void emit_bitshift(Emit *e, const Node *n)
{
    const Tensor *y = tout(e, n, 0);
    int et = tensor_etype(tin(e, n, 0)), left = strcmp(attr_string(n, "direction", ""), "LEFT") == 0, k;
    int bits = et == ET_UINT8 ? 8 : et == ET_UINT16 ? 16 : et == ET_UINT32 ? 32 : 64;
    const char *ct = emit_tensor_ctype(e, n, n->out[0]);
    const char *A = emit_operand(e, n, 0), *S = emit_operand(e, n, 1);
    Buf d = {0};
    for (k = 0; k < y->rank; k++)
        buf_printf(&d, "i%d, ", k);
    emit_begin_fn(e, n, "", left ? " -- left" : " -- right");
    emit_line(e, "int %so = 0;", d.len ? d.p : "");
    emit_blank(e);
    for (k = 0; k < y->rank; k++)
        emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)%s", 4 * k, "", k, k, (long long)y->dims[k], k, k == y->rank - 1 ? " {" : "");
    if (y->rank == 0)
        emit_line(e, "{");
    e->indent += y->rank ? y->rank - 1 : 0;
    emit_line(e, "    %s s = %s[%s];", ct, S, bcast_expr(e, tin(e, n, 1), y));
    emit_blank(e);
    emit_line(e, "    y[o++] = (%s)(s >= %d ? 0u : (%s)%s[%s] %s s);", ct, bits,
              bits == 64 ? "uint64_t" : bits == 32 ? "uint32_t" : "unsigned", A, bcast_expr(e, tin(e, n, 0), y), left ? "<<" : ">>");
    emit_line(e, "}");
    emit_end_fn(e);
    buf_free(&d);
}

/* MaxPool of integers: the largest element of each window, padding never chosen. */
static void emit_maxpool_int(Emit *e, const Node *n)
{
    Window w;
    const char *X = emit_operand(e, n, 0), *ct = emit_tensor_ctype(e, n, n->out[0]);
    conv_window(e->g, n, &w);
    emit_begin_fn(e, n, "", arena_printf(e->g->a, " -- %s", ct));
    emit_line(e, "long long bc, oh, ow, kh, kw, ih, iw;");
    emit_blank(e);
    emit_line(e, "for (bc = 0; bc < %lld; bc++)", (long long)(w.batch * w.c));
    emit_line(e, "    for (oh = 0; oh < %lld; oh++)", (long long)w.out[0]);
    emit_line(e, "        for (ow = 0; ow < %lld; ow++) {", (long long)w.out[1]);
    e->indent += 3;
    emit_line(e, "%s m = 0;", ct);
    emit_line(e, "int any = 0;");
    emit_blank(e);
    emit_line(e, "for (kh = 0; kh < %lld; kh++)", (long long)w.k[0]);
    emit_line(e, "    for (kw = 0; kw < %lld; kw++) {", (long long)w.k[1]);
    emit_line(e, "        ih = oh * %lld - %lld + kh * %lld;", (long long)w.s[0], (long long)w.pb[0], (long long)w.d[0]);
    emit_line(e, "        iw = ow * %lld - %lld + kw * %lld;", (long long)w.s[1], (long long)w.pb[1], (long long)w.d[1]);
    emit_line(e, "        if (ih < 0 || ih >= %lld || iw < 0 || iw >= %lld)", (long long)w.in[0], (long long)w.in[1]);
    emit_line(e, "            continue;");
    emit_line(e, "        if (!any || %s[(bc * %lld + ih) * %lld + iw] > m)", X, (long long)w.in[0], (long long)w.in[1]);
    emit_line(e, "            m = %s[(bc * %lld + ih) * %lld + iw];", X, (long long)w.in[0], (long long)w.in[1]);
    emit_line(e, "        any = 1;");
    emit_line(e, "    }");
    emit_line(e, "y[(bc * %lld + oh) * %lld + ow] = m;", (long long)w.out[0], (long long)w.out[1]);
    e->indent -= 3;
    emit_line(e, "        }");
    emit_end_fn(e);
}

/* Pad of integers and bools: per axis a map from output to input coordinate
 * (resample_maps; -1: outside, the pad value). */
static void emit_pad_int(Emit *e, const Node *n)
{
    const Tensor *x = tin(e, n, 0), *y = tout(e, n, 0);
    AxisMap maps[TC_MAX_RANK];
    Buf out = {0}, src = {0}, loops = {0};
    int64_t st = 1;
    int k;
    const char *X = emit_operand(e, n, 0), *ct = emit_tensor_ctype(e, n, n->out[0]);
    resample_maps(e->g, n, maps);
    for (k = y->rank - 1; k >= 0; k--) {
        buf_printf(&out, "%sm%d[i%d] < 0", out.len ? " || " : "", k, k);
        buf_printf(&src, "%sm%d[i%d] * %lld", src.len ? " + " : "", k, k, (long long)st);
        st *= x->dims[k];
    }
    emit_begin_fn(e, n, "", arena_printf(e->g->a, " -- %s, mode %s", ct, attr_string(n, "mode", "constant")));
    for (k = 0; k < y->rank; k++) {
        emit_line(e, "static const int m%d[%lld] = {", k, (long long)y->dims[k]);
        emit_int_rows(e, maps[k].i0, y->dims[k]);
        emit_line(e, "};");
        buf_printf(&loops, "i%d, ", k);
    }
    emit_line(e, "int %so = 0;", loops.len ? loops.p : "");
    emit_blank(e);
    for (k = 0; k < y->rank; k++)
        emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)", 4 * k, "", k, k, (long long)y->dims[k], k);
    if (y->rank == 0)
        emit_line(e, "y[o++] = %s[0];", X);
    else
        emit_line(e, "%*sy[o++] = %s ? (%s)%s : %s[%s];", 4 * y->rank, "", out.p, ct,
                  pad_value_int(e->g, n) == INT64_MIN ? "INT64_MIN" : arena_printf(e->g->a, "%lldLL", (long long)pad_value_int(e->g, n)),
                  X, src.p);
    emit_end_fn(e);
    buf_free(&out);
    buf_free(&src);
    buf_free(&loops);
}

/* emit_typed's hook: these ops on integer or bool tensors; 0 when n is none of them. */
int emit_index_typed(Emit *e, const Node *n)
{
    switch (n->op) {
    case OP_GATHERND: emit_gathernd(e, n); return 1;
    case OP_SCATTERND: emit_scatternd(e, n); return 1;
    case OP_ONEHOT: emit_onehot(e, n); return 1;
    case OP_TOPK: emit_topk(e, n); return 1;
    case OP_EYELIKE: emit_eyelike(e, n); return 1;
    case OP_REVERSESEQ: emit_reverseseq(e, n); return 1;
    case OP_BITSHIFT: emit_bitshift(e, n); return 1;
    case OP_TFIDF: emit_tfidf(e, n); return 1; /* integer tokens in: emit_text.c */
    case OP_CUMSUM: emit_cumsum(e, n); return 1; /* integers: cumsum.c */
    case OP_RNN: case OP_GRU: case OP_LSTM: /* sequence_lens at run time (emit_ops.c) */
        if (tout(e, n, 0)->dtype != DT_FLOAT)
            return 0;
        emit_rnn(e, n);
        return 1;
    case OP_PAD:
        if (tout(e, n, 0)->dtype == DT_FLOAT)
            return 0;
        emit_pad_int(e, n);
        return 1;
    case OP_MAXPOOL:
        if (tin(e, n, 0)->dtype == DT_FLOAT || tout(e, n, 0)->dtype == DT_FLOAT)
            return 0;
        emit_maxpool_int(e, n);
        return 1;
    default: return 0;
    }
}
