/*
 * emit_ops18.c - the C of the ops that opsets 18-23 exporters use beside the
 * older ones: CastLike, and the classes that are computed only when their
 * inputs are constants (comparisons, logic, Where, Range: folded at compile
 * time, refused here when they are left for run time); Gather of a run-time
 * tensor at constant indices.
 */
#include "emit.h"

/* Bool and integer tensors exist only at compile time. */
void emit_compare(Emit *e, const Node *n) { emit_only_const(e, n); }
void emit_logic(Emit *e, const Node *n) { emit_only_const(e, n); }
void emit_range(Emit *e, const Node *n) { emit_only_const(e, n); }

/* The index into operand t of output position (i0, ..., i<r-1>) of shape y, t broadcast to it:
 * "i0 * s0 + ...", the axes along which t has one value left out. */
const char *emit_bcast_expr(Emit *e, const Tensor *t, const Tensor *y)
{
    Buf b = {0};
    int64_t stride[TC_MAX_RANK], st = 1;
    int k;
    const char *s;
    for (k = y->rank - 1; k >= 0; k--) { /* t's stride along output axis k, 0 where it broadcasts */
        int tk = k - (y->rank - t->rank);
        stride[k] = tk >= 0 && t->dims[tk] != 1 ? st : 0;
        st *= tk >= 0 ? t->dims[tk] : 1;
    }
    for (k = 0; k < y->rank; k++)
        if (stride[k] == 1)
            buf_printf(&b, "%si%d", b.len ? " + " : "", k);
        else if (stride[k])
            buf_printf(&b, "%si%d * %lld", b.len ? " + " : "", k, (long long)stride[k]);
    s = arena_strdup(e->g->a, b.len ? b.p : "0");
    buf_free(&b);
    return s;
}

/* Where of float X and Y at run time, the condition a constant (bool tensors exist only
 * when compiling): y = cond ? X : Y, the three broadcast. */
void emit_where(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *c = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    const char *name = emit_fn_name(e, n);
    int k;
    if (y->dtype != DT_FLOAT)
        node_error(g, n, "selecting between integer tensors is supported only at compile time");
    if (!ir_is_const(c))
        node_error(g, n, "the condition is computed at run time; bool tensors are supported only at compile time");
    emit_to_consts(e);
    emit_line(e, "/* node %d: the condition of Where '%s' */", n->index, text_comment(g->a, n->name));
    emit_line(e, "static const unsigned char %s_cond[%lld] = {", name, (long long)ir_numel(c));
    emit_int_rows(e, c->i, ir_numel(c));
    emit_line(e, "};");
    emit_blank(e);
    emit_begin_fn(e, n, "", " -- y = condition ? X : Y");
    if (y->rank > 0) {
        Buf d = {0};
        for (k = 0; k < y->rank; k++)
            buf_printf(&d, "i%d, ", k);
        emit_line(e, "int %so = 0;", d.p);
        buf_free(&d);
        emit_blank(e);
    } else {
        emit_line(e, "const int o = 0;");
        emit_blank(e);
    }
    for (k = 0; k < y->rank; k++)
        emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)", 4 * k, "", k, k, (long long)y->dims[k], k);
    emit_line(e, "%*sy[o%s] = %s_cond[%s] ? %s[%s] : %s[%s];", 4 * y->rank, "", y->rank ? "++" : "", name,
              emit_bcast_expr(e, c, y), emit_operand(e, n, 1), emit_bcast_expr(e, &g->t[n->in[1]], y), emit_operand(e, n, 2),
              emit_bcast_expr(e, &g->t[n->in[2]], y));
    emit_end_fn(e);
}

/* CastLike between float tensors: a copy; input 1 gives only the type. */
void emit_castlike(Emit *e, const Node *n)
{
    const Tensor *y = &e->g->t[n->out[0]];
    if (y->dtype != DT_FLOAT || e->g->t[n->in[0]].dtype != DT_FLOAT)
        node_error(e->g, n, "casts between float and integer tensors are supported only at compile time");
    if (emit_cast_round(e, n)) /* to float16 or bfloat16 (emit_types.c) */
        return;
    emit_begin_fn(e, n, "", " -- float to float, a copy");
    emit_line(e, "int i;");
    emit_blank(e);
    if (!ir_is_const(&e->g->t[n->in[1]]))
        emit_line(e, "(void)x1; /* gives the type only */");
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)ir_numel(y));
    e->indent++;
    emit_line(e, "y[i] = %s[i];", emit_operand(e, n, 0));
    e->indent--;
    emit_end_fn(e);
}

/* Gather of run-time data at constant indices: y[o][k][j] = x[o][idx[k]][j],
 * o over the axes before 'axis', j over those after. */
void emit_gather(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]], *ix = &g->t[n->in[1]];
    int axis = (int)attr_int(n, "axis", 0), i;
    int64_t outer = 1, inner = 1, len, k, nidx = ir_numel(ix);
    const char *xn = emit_operand(e, n, 0);
    if (x->dtype != DT_FLOAT)
        node_error(g, n, "gathering from an integer tensor computed at run time is not supported");
    if (axis < 0)
        axis += x->rank;
    len = x->dims[axis];
    for (i = 0; i < axis; i++)
        outer *= x->dims[i];
    for (i = axis + 1; i < x->rank; i++)
        inner *= x->dims[i];
    emit_begin_fn(e, n, "", " -- constant indices");
    if (nidx == 1) { /* one slab per outer block */
        int64_t j = ix->i[0] < 0 ? ix->i[0] + len : ix->i[0];
        emit_line(e, "int o, j;");
        emit_blank(e);
        emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
        emit_line(e, "    for (j = 0; j < %lld; j++)", (long long)inner);
        emit_line(e, "        y[o * %lld + j] = %s[o * %lld + %lld + j];", (long long)inner, xn, (long long)(len * inner),
                  (long long)(j * inner));
    } else {
        int64_t *idx = arena_array(g->a, (size_t)nidx + 1, sizeof(int64_t));
        for (k = 0; k < nidx; k++)
            idx[k] = ix->i[k] < 0 ? ix->i[k] + len : ix->i[k];
        emit_line(e, "static const int idx[%lld] = {", (long long)nidx);
        emit_int_rows(e, idx, nidx);
        emit_line(e, "};");
        emit_line(e, "int o, k, j;");
        emit_blank(e);
        emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
        emit_line(e, "    for (k = 0; k < %lld; k++)", (long long)nidx);
        emit_line(e, "        for (j = 0; j < %lld; j++)", (long long)inner);
        emit_line(e, "            y[(o * %lld + k) * %lld + j] = %s[(o * %lld + idx[k]) * %lld + j];", (long long)nidx,
                  (long long)inner, xn, (long long)len, (long long)inner);
    }
    emit_end_fn(e);
}

/* ===== normalisations of opsets 17-23 ===== */

static const char *lit(Emit *e, const Node *n, double v) { return emit_lit(e, n, (float)v); }

/*
 * Over each group gi of len values xg = x + gi * len:
 *   mean = sum xg / len, var = sum (xg - mean)^2 / len, inv = 1 / sqrt(var + epsilon),
 *   y = (xg - mean) * inv * scale[si] + B[bi]  (LayerNormalization, GroupNormalization);
 *   with stats, Mean (y1) and InvStdDev (y2) of each group too;
 *   rms: inv = 1 / sqrt(sum xg^2 / len + epsilon), y = xg * inv * scale[si] (RMSNormalization).
 * si, bi: the C index of scale and B, in gi and i (bi NULL: no B); scale: the
 * table to read instead of input 1, or NULL.
 */
static void emit_norm(Emit *e, const Node *n, int64_t groups, int64_t len, const char *si, const char *bi, int rms,
                      int stats, const char *scale)
{
    const char *x = emit_operand(e, n, 0), *sc = scale ? scale : emit_operand(e, n, 1);
    const char *bb = bi ? emit_operand(e, n, 2) : NULL;
    const char *eps = lit(e, n, attr_float(n, "epsilon", 1e-5f)), *fl = lit(e, n, (double)len);
    e->need_math[M_SQRT] = 1;
    emit_begin_fn(e, n, "", rms ? " -- y = x / sqrt(mean(x^2) + epsilon) * scale" : "");
    emit_line(e, "int gi, i;");
    emit_blank(e);
    emit_line(e, "for (gi = 0; gi < %lld; gi++) {", (long long)groups);
    e->indent++;
    emit_line(e, "const float *xg = %s + gi * %lld;", x, (long long)len);
    emit_line(e, "float *yg = y + gi * %lld;", (long long)len);
    if (rms) {
        emit_line(e, "float ms = 0.0f, inv;");
        emit_blank(e);
        emit_line(e, "for (i = 0; i < %lld; i++)", (long long)len);
        emit_line(e, "    ms += xg[i] * xg[i];");
        emit_line(e, "inv = 1.0f / tc_sqrtf(ms / %s + %s);", fl, eps);
        emit_line(e, "for (i = 0; i < %lld; i++)", (long long)len);
        emit_line(e, "    yg[i] = xg[i] * inv * %s[%s];", sc, si);
    } else {
        emit_line(e, "float mean = 0.0f, var = 0.0f, inv;");
        emit_blank(e);
        emit_line(e, "for (i = 0; i < %lld; i++)", (long long)len);
        emit_line(e, "    mean += xg[i];");
        emit_line(e, "mean /= %s;", fl);
        emit_line(e, "for (i = 0; i < %lld; i++)", (long long)len);
        emit_line(e, "    var += (xg[i] - mean) * (xg[i] - mean);");
        emit_line(e, "inv = 1.0f / tc_sqrtf(var / %s + %s);", fl, eps);
        emit_line(e, "for (i = 0; i < %lld; i++)", (long long)len);
        if (bb)
            emit_line(e, "    yg[i] = (xg[i] - mean) * inv * %s[%s] + %s[%s];", sc, si, bb, bi);
        else
            emit_line(e, "    yg[i] = (xg[i] - mean) * inv * %s[%s];", sc, si);
        if (stats) {
            emit_line(e, "y1[gi] = mean;");
            if (n->n_out > 2)
                emit_line(e, "y2[gi] = inv;");
        }
    }
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
}

/* The groups of the axes from 'axis' on: their count, the length of one in *len. */
static int64_t norm_groups(const Graph *g, const Node *n, int64_t *len)
{
    const Tensor *x = &g->t[n->in[0]];
    int64_t axis = attr_int(n, "axis", -1), inner = 1;
    int i;
    if (axis < 0)
        axis += x->rank;
    for (i = (int)axis; i < x->rank; i++)
        inner *= x->dims[i];
    *len = inner;
    return inner ? ir_numel(x) / inner : 0;
}

/* LayerNormalization with its Mean or InvStdDev output (emit.c sends the plain one to emit_conv.c). */
void emit_layernorm_stats(Emit *e, const Node *n)
{
    int64_t len, groups = norm_groups(e->g, n, &len);
    int has_b = n->n_in >= 3 && n->in[2] != TC_NONE;
    emit_norm(e, n, groups, len, ir_numel(&e->g->t[n->in[1]]) == 1 ? "0" : "i",
              has_b ? (ir_numel(&e->g->t[n->in[2]]) == 1 ? "0" : "i") : NULL, 0, 1, NULL);
}

/* RMSNormalization; a constant scale that broadcasts to the normalised axes is written expanded. */
void emit_rmsnorm(Emit *e, const Node *n)
{
    int64_t len, groups = norm_groups(e->g, n, &len);
    const float *sc = rmsnorm_scale(e->g, n);
    const char *scale = NULL;
    if (sc) {
        scale = arena_printf(e->g->a, "%s_scale", emit_fn_name(e, n));
        emit_to_consts(e);
        emit_line(e, "/* node %d: the scale of RMSNormalization '%s', broadcast to [%lld] */", n->index,
                  text_comment(e->g->a, n->name), (long long)len);
        emit_line(e, "static const float %s%s[%lld] = {", emit_weights_attr(e), scale, (long long)len);
        emit_lit_rows(e, n, sc, len);
        emit_line(e, "};");
        emit_blank(e);
    }
    emit_norm(e, n, groups, len, ir_numel(&e->g->t[n->in[1]]) == 1 ? "0" : "i", NULL, 1, 0, scale);
}

/* GroupNormalization: group gi = b * G + (its group), C / G channels of S positions each. */
void emit_groupnorm(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int64_t G = attr_int(n, "num_groups", 1), N = x->dims[0], C = x->dims[1], S = ir_numel(x) / (N * C);
    const char *p = groupnorm_per_channel(e->g)
                        ? arena_printf(e->g->a, "gi %% %lld * %lld + i / %lld", (long long)G, (long long)(C / G), (long long)S)
                        : arena_printf(e->g->a, "gi %% %lld", (long long)G);
    emit_norm(e, n, N * G, C / G * S, p, p, 0, 0, NULL);
}

/* ===== Mish, LpNormalization, LpPool ===== */

/* y = x * tanh(softplus(x)) */
void emit_mish(Emit *e, const Node *n)
{
    e->need_math[M_TANH] = e->need_math[M_SOFTPLUS] = 1;
    emit_begin_fn(e, n, "", " -- y = x * tanh(log(1 + e^x))");
    emit_line(e, "int i;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)ir_numel(&e->g->t[n->out[0]]));
    emit_line(e, "    y[i] = %s[i] * tc_tanhf(tc_softplusf(%s[i]));", emit_operand(e, n, 0), emit_operand(e, n, 0));
    emit_end_fn(e);
}

/* y = x / ||x||_p along the axis: p = 1 the sum of |x|, p = 2 the square root of the sum of squares. */
void emit_lpnorm(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int64_t axis = attr_int(n, "axis", -1), p = attr_int(n, "p", 2), outer = 1, inner = 1, len;
    const char *xn = emit_operand(e, n, 0);
    int d;
    if (axis < 0)
        axis += x->rank;
    for (d = 0; d < x->rank; d++)
        if (d < axis)
            outer *= x->dims[d];
        else if (d > axis)
            inner *= x->dims[d];
    len = x->dims[axis];
    e->need_math[p == 1 ? M_FABS : M_SQRT] = 1;
    emit_begin_fn(e, n, "", p == 1 ? " -- y = x / sum |x|" : " -- y = x / sqrt(sum x^2)");
    emit_line(e, "int o, j, k;");
    emit_blank(e);
    emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
    emit_line(e, "    for (j = 0; j < %lld; j++) {", (long long)inner);
    e->indent += 2;
    emit_line(e, "const float *xp = %s + o * %lld + j;", xn, (long long)(len * inner));
    emit_line(e, "float *yp = y + o * %lld + j;", (long long)(len * inner));
    emit_line(e, "float s = 0.0f;");
    emit_blank(e);
    emit_line(e, "for (k = 0; k < %lld; k++)", (long long)len);
    if (p == 1)
        emit_line(e, "    s += tc_fabsf(xp[k * %lld]);", (long long)inner);
    else
        emit_line(e, "    s += xp[k * %lld] * xp[k * %lld];", (long long)inner, (long long)inner);
    if (p == 2)
        emit_line(e, "s = tc_sqrtf(s);");
    emit_line(e, "for (k = 0; k < %lld; k++)", (long long)len);
    emit_line(e, "    yp[k * %lld] = xp[k * %lld] / s;", (long long)inner, (long long)inner);
    e->indent -= 2;
    emit_line(e, "    }");
    emit_end_fn(e);
}

/* y = (sum over the window's positions inside x of |x|^p)^(1/p); p = 1 and 2 without tc_powf. */
void emit_lppool(Emit *e, const Node *n)
{
    Window w;
    int64_t p = attr_int(n, "p", 2);
    const char *xn = emit_operand(e, n, 0), *term, *res;
    conv_window(e->g, n, &w);
    if (p == 1) {
        term = "tc_fabsf(v)";
        res = "s";
        e->need_math[M_FABS] = 1;
    } else if (p == 2) {
        term = "v * v";
        res = "tc_sqrtf(s)";
        e->need_math[M_SQRT] = 1;
    } else {
        term = arena_printf(e->g->a, "tc_powf(tc_fabsf(v), %s)", lit(e, n, (double)p));
        res = arena_printf(e->g->a, "tc_powf(s, %s)", lit(e, n, 1.0 / (double)p));
        e->need_math[M_POW] = e->need_math[M_FABS] = 1;
    }
    emit_begin_fn(e, n, "", arena_printf(e->g->a, " -- p = %lld", (long long)p));
    emit_line(e, "int bc, oh, ow, kh, kw;");
    emit_blank(e);
    emit_line(e, "for (bc = 0; bc < %lld; bc++)", (long long)(w.batch * w.c));
    emit_line(e, "    for (oh = 0; oh < %lld; oh++)", (long long)w.out[0]);
    emit_line(e, "        for (ow = 0; ow < %lld; ow++) {", (long long)w.out[1]);
    e->indent += 3;
    emit_line(e, "float s = 0.0f;");
    emit_blank(e);
    emit_line(e, "for (kh = 0; kh < %lld; kh++)", (long long)w.k[0]);
    emit_line(e, "    for (kw = 0; kw < %lld; kw++) {", (long long)w.k[1]);
    e->indent += 2;
    emit_line(e, "const int ih = oh * %lld - %lld + kh * %lld, iw = ow * %lld - %lld + kw * %lld;", (long long)w.s[0],
              (long long)w.pb[0], (long long)w.d[0], (long long)w.s[1], (long long)w.pb[1], (long long)w.d[1]);
    emit_line(e, "float v;");
    emit_blank(e);
    emit_line(e, "if (ih < 0 || ih >= %lld || iw < 0 || iw >= %lld)", (long long)w.in[0], (long long)w.in[1]);
    emit_line(e, "    continue;");
    emit_line(e, "v = %s[(bc * %lld + ih) * %lld + iw];", xn, (long long)w.in[0], (long long)w.in[1]);
    emit_line(e, "s += %s;", term);
    e->indent -= 2;
    emit_line(e, "    }");
    emit_line(e, "y[(bc * %lld + oh) * %lld + ow] = %s;", (long long)w.out[0], (long long)w.out[1], res);
    e->indent -= 3;
    emit_line(e, "        }");
    emit_end_fn(e);
}
