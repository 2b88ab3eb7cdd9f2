/*
 * emit_attn.c - the C of opset 23's transformer ops: Attention (one query
 * row at a time: scores, softmax, the weighted sum of values) and
 * RotaryEmbedding. The layout is shape_attn.c's; the formulas are those of
 * interp_attn.c, in float. The projections around an Attention are MatMul
 * nodes of their own, so their sparse weights go through emit_linear.c.
 */
#include <string.h>

#include "emit.h"

static const char *lit(Emit *e, const Node *n, double v) { return emit_lit(e, n, (float)v); }
static const char *ll(Emit *e, int64_t v) { return arena_printf(e->g->a, "%lld", (long long)v); }

/* "b * s0 + h * s1 + i * s2" without the terms of stride 0 (hv: the head's variable) */
static const char *offset3(Emit *e, const int64_t *st, const char *hv, const char *iv)
{
    Buf b = {0};
    const char *vars[3], *s;
    int k;
    vars[0] = "b", vars[1] = hv, vars[2] = iv;
    for (k = 0; k < 3; k++)
        if (st[k] && vars[k])
            buf_printf(&b, "%s%s%s", b.len ? " + " : "", vars[k], st[k] == 1 ? "" : arena_printf(e->g->a, " * %lld", (long long)st[k]));
    s = arena_strdup(e->g->a, b.len ? b.p : "0");
    buf_free(&b);
    return s;
}

/* The C pointer to key (or value) row j of head hv: the cache's rows j < P, then X's. */
static const char *row_ptr(Emit *e, int64_t P, const char *cache, const int64_t *cst, const char *x, const int64_t *xst,
                           const char *hv)
{
    if (!P)
        return arena_printf(e->g->a, "%s + %s + j * %lld", x, offset3(e, xst, hv, NULL), (long long)xst[2]);
    return arena_printf(e->g->a, "j < %lld ? %s + %s + j * %lld : %s + %s + (j - %lld) * %lld", (long long)P, cache,
                        offset3(e, cst, hv, NULL), (long long)cst[2], x, offset3(e, xst, hv, NULL), (long long)P,
                        (long long)xst[2]);
}

/*
 * The mask as tables: keep (bool: 0 excludes the key) and bias (added to the score).
 * A bool constant gives keep; a float constant gives keep where it is -inf and bias
 * elsewhere (literals are finite); a run-time float mask is x3. Tables of all ones
 * or all zeros are left out. Returns through *keep and *bias the C names, or NULL.
 */
static void mask_tables(Emit *e, const Node *n, const char **keep, const char **bias)
{
    Graph *g = e->g;
    const Tensor *m = &g->t[n->in[3]];
    int64_t i, cnt = ir_numel(m), nkeep = 0, nbias = 0;
    int64_t *kv;
    float *bv;
    const char *name = emit_fn_name(e, n);
    *keep = *bias = NULL;
    if (!ir_is_const(m)) {
        if (m->dtype != DT_FLOAT)
            node_error(g, n, "attn_mask is a bool tensor computed at run time; bool tensors are supported only at compile "
                       "time (a float mask, or a constant bool one, is supported)");
        *bias = "x3";
        return;
    }
    kv = arena_array(g->a, (size_t)cnt + 1, sizeof *kv);
    bv = arena_array(g->a, (size_t)cnt + 1, sizeof *bv);
    for (i = 0; i < cnt; i++) {
        if (m->dtype == DT_FLOAT) {
            float v = m->f[i];
            if (v != v || v > 3.4028235e38f)
                node_error(g, n, "attn_mask[%lld] is NaN or +infinity", (long long)i);
            kv[i] = v >= -3.4028235e38f;
            bv[i] = kv[i] ? v : 0.0f;
        } else
            kv[i] = m->i[i] != 0, bv[i] = 0.0f;
        nkeep += kv[i] == 0;
        nbias += bv[i] != 0.0f;
    }
    emit_to_consts(e);
    if (nkeep) {
        *keep = arena_printf(g->a, "%s_keep", name);
        emit_line(e, "/* node %d: the keys Attention '%s' attends to (1) of its mask */", n->index, text_comment(g->a, n->name));
        emit_line(e, "static const unsigned char %s[%lld] = {", *keep, (long long)cnt);
        emit_int_rows(e, kv, cnt);
        emit_line(e, "};");
        emit_blank(e);
    }
    if (nbias) {
        *bias = arena_printf(g->a, "%s_bias", name);
        emit_line(e, "/* node %d: the mask Attention '%s' adds to its scores */", n->index, text_comment(g->a, n->name));
        emit_line(e, "static const float %s%s[%lld] = {", emit_weights_attr(e), *bias, (long long)cnt);
        emit_lit_rows(e, n, bv, cnt);
        emit_line(e, "};");
        emit_blank(e);
    }
}

/*
 * Per batch b, query head h, query i (keys j < jn: all T, or i + P + 1 when causal):
 *   sc[j] = (q . k_j) * scale, capped c * tanh(sc[j] / c), plus the mask's bias;
 *   sc[j] = e^(sc[j] - max) / sum (0 where the mask's keep is 0); y = sum sc[j] v_j.
 */
void emit_attention(Emit *e, const Node *n)
{
    Graph *g = e->g;
    AttnShape a;
    const char *keep = NULL, *bias = NULL, *kh, *mj, *k, *v, *mo, *jn;
    const char *Q = emit_operand(e, n, 0), *K = emit_operand(e, n, 1), *V = emit_operand(e, n, 2);
    const char *PK = NULL, *PV = NULL;
    int64_t reps;
    int i;
    attn_shape(g, n, &a);
    reps = a.qH / a.kvH;
    if (a.mask)
        mask_tables(e, n, &keep, &bias);
    if (a.P)
        PK = emit_operand(e, n, 4), PV = emit_operand(e, n, 5);
    kh = reps == 1 ? "h" : arena_printf(g->a, "h / %lld", (long long)reps);
    e->need_math[M_EXP] = 1;
    if (a.softcap > 0)
        e->need_math[M_TANH] = 1;
    emit_begin_fn(e, n, "",
                  arena_printf(g->a, " -- %lld query heads, %lld key heads%s%s%s", (long long)a.qH, (long long)a.kvH,
                               a.causal ? ", causal" : "", a.mask ? ", masked" : "", a.softcap > 0 ? ", softcap" : ""));
    emit_line(e, "int b, h, i, j, d;");
    emit_line(e, "float sc[%lld];", (long long)a.T);
    emit_blank(e);
    for (i = 1; i < n->n_out; i++) /* an unnamed output is not written */
        if (node_multi_output(g, n) && !g->t[n->out[i]].name[0])
            emit_line(e, "(void)y%d;", i);
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)a.B);
    emit_line(e, "    for (h = 0; h < %lld; h++)", (long long)a.qH);
    emit_line(e, "        for (i = 0; i < %lld; i++) {", (long long)a.Sq);
    e->indent += 3;
    /* causal: keys up to i + P; i + P + 1 passes T only when there are more queries than new keys */
    if (!a.causal)
        jn = ll(e, a.T);
    else if (a.P + a.Sq <= a.T)
        jn = arena_printf(g->a, "i + %lld", (long long)(a.P + 1));
    else
        jn = arena_printf(g->a, "i + %lld < %lld ? i + %lld : %lld", (long long)(a.P + 1), (long long)a.T,
                          (long long)(a.P + 1), (long long)a.T);
    emit_line(e, "const float *q = %s + %s;", Q, offset3(e, a.q, "h", "i"));
    emit_line(e, "float *yr = y + %s;", offset3(e, a.y, "h", "i"));
    if (a.out_qk)
        emit_line(e, "float *yq = y3 + ((b * %lld + h) * %lld + i) * %lld;", (long long)a.qH, (long long)a.Sq, (long long)a.T);
    if (keep || bias) {
        mo = offset3(e, a.m, "h", "i");
        if (keep)
            emit_line(e, "const unsigned char *keep = %s + %s;", keep, mo);
        if (bias)
            emit_line(e, "const float *bias = %s + %s;", bias, mo);
    }
    emit_line(e, "const int jn = %s;", jn);
    emit_line(e, "float mx = -3.40282347e+38f, sum = 0.0f;");
    emit_blank(e);
    k = row_ptr(e, a.P, PK, a.pk, K, a.k, kh);
    v = row_ptr(e, a.P, PV, a.pv, V, a.v, kh);
    mj = a.m[3] == 1 ? "j" : a.m[3] ? arena_printf(g->a, "j * %lld", (long long)a.m[3]) : "0";
    /* mode 0's output: every key's scaled product, masked or not; the scores then read it */
    if (a.out_qk && a.qk_mode == 0) {
        emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)a.T);
        emit_line(e, "    const float *k = %s;", k);
        emit_line(e, "    float s = 0.0f;");
        emit_blank(e);
        emit_line(e, "    for (d = 0; d < %lld; d++)", (long long)a.hd);
        emit_line(e, "        s += q[d] * k[d];");
        emit_line(e, "    yq[j] = s * %s;", lit(e, n, a.scale));
        emit_line(e, "}");
    }
    emit_line(e, "for (j = 0; j < jn; j++) {");
    e->indent++;
    if (keep) {
        emit_line(e, "if (!keep[%s])", mj);
        emit_line(e, "    continue;");
    }
    if (a.out_qk && a.qk_mode == 0)
        emit_line(e, "float s = yq[j];");
    else {
        emit_line(e, "const float *k = %s;", k);
        emit_line(e, "float s = 0.0f;");
        emit_blank(e);
        emit_line(e, "for (d = 0; d < %lld; d++)", (long long)a.hd);
        emit_line(e, "    s += q[d] * k[d];");
        emit_line(e, "s *= %s;", lit(e, n, a.scale));
    }
    if (a.softcap > 0)
        emit_line(e, "s = %s * tc_tanhf(s / %s);", lit(e, n, a.softcap), lit(e, n, a.softcap));
    if (bias)
        emit_line(e, "s += bias[%s];", mj);
    emit_line(e, "sc[j] = s;");
    emit_line(e, "if (s > mx)");
    emit_line(e, "    mx = s;");
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "for (j = 0; j < jn; j++) {");
    e->indent++;
    if (keep) {
        emit_line(e, "if (!keep[%s]) {", mj);
        emit_line(e, "    sc[j] = 0.0f;");
        emit_line(e, "    continue;");
        emit_line(e, "}");
    }
    emit_line(e, "sc[j] = tc_expf(sc[j] - mx);");
    emit_line(e, "sum += sc[j];");
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "for (j = 0; j < jn; j++)");
    emit_line(e, "    sc[j] /= sum;");
    if (a.out_qk && a.qk_mode == 3) {
        emit_line(e, "for (j = 0; j < %lld; j++)", (long long)a.T);
        emit_line(e, "    yq[j] = j < jn ? sc[j] : 0.0f;");
    }
    emit_line(e, "for (d = 0; d < %lld; d++)", (long long)a.vhd);
    emit_line(e, "    yr[d] = 0.0f;");
    emit_line(e, "for (j = 0; j < jn; j++) {");
    emit_line(e, "    const float *v = %s;", v);
    emit_blank(e);
    emit_line(e, "    for (d = 0; d < %lld; d++)", (long long)a.vhd);
    emit_line(e, "        yr[d] += sc[j] * v[d];");
    emit_line(e, "}");
    e->indent -= 3;
    emit_line(e, "        }");
    /* present_key, present_value: [B, kvH, T, D], the past rows then the new ones */
    if (a.out_pk || a.out_pv) {
        emit_line(e, "for (b = 0; b < %lld; b++)", (long long)a.B);
        emit_line(e, "    for (h = 0; h < %lld; h++)", (long long)a.kvH);
        emit_line(e, "        for (j = 0; j < %lld; j++) {", (long long)a.T);
        e->indent += 3;
        if (a.out_pk && a.out_pv) {
            emit_line(e, "const float *k = %s;", row_ptr(e, a.P, PK, a.pk, K, a.k, "h"));
            emit_line(e, "const float *v = %s;", row_ptr(e, a.P, PV, a.pv, V, a.v, "h"));
        } else if (a.out_pk)
            emit_line(e, "const float *k = %s;", row_ptr(e, a.P, PK, a.pk, K, a.k, "h"));
        else
            emit_line(e, "const float *v = %s;", row_ptr(e, a.P, PV, a.pv, V, a.v, "h"));
        emit_blank(e);
        if (a.out_pk) {
            emit_line(e, "for (d = 0; d < %lld; d++)", (long long)a.hd);
            emit_line(e, "    y1[((b * %lld + h) * %lld + j) * %lld + d] = k[d];", (long long)a.kvH, (long long)a.T, (long long)a.hd);
        }
        if (a.out_pv) {
            emit_line(e, "for (d = 0; d < %lld; d++)", (long long)a.vhd);
            emit_line(e, "    y2[((b * %lld + h) * %lld + j) * %lld + d] = v[d];", (long long)a.kvH, (long long)a.T, (long long)a.vhd);
        }
        e->indent -= 3;
        emit_line(e, "        }");
    }
    emit_end_fn(e);
}

/* Each pair (x1, x2) of the first rd values of a head: (c x1 - s x2, s x1 + c x2). */
void emit_rotary(Emit *e, const Node *n)
{
    Graph *g = e->g;
    RotaryShape r;
    const char *X = emit_operand(e, n, 0), *C = emit_operand(e, n, 1), *S = emit_operand(e, n, 2), *row;
    const char *name = emit_fn_name(e, n);
    int64_t half;
    rotary_shape(g, n, &r);
    half = r.rd / 2;
    if (n->n_in > 3 && n->in[3] != TC_NONE) {
        if (!r.pos)
            node_error(g, n, "position_ids are computed at run time; integer tensors are supported only at compile time");
        emit_to_consts(e);
        emit_line(e, "/* node %d: the position_ids of RotaryEmbedding '%s' */", n->index, text_comment(g->a, n->name));
        emit_line(e, "static const int %s_pos[%lld] = {", name, (long long)(r.B * r.S));
        emit_int_rows(e, r.pos, r.B * r.S);
        emit_line(e, "};");
        emit_blank(e);
        row = arena_printf(g->a, "%s_pos[b * %lld + p]", name, (long long)r.S);
    } else
        row = arena_printf(g->a, "b * %lld + p", (long long)r.S);
    emit_begin_fn(e, n, "", arena_printf(g->a, " -- %lld of %lld values a head rotated%s", (long long)r.rd, (long long)r.D,
                                         r.interleaved ? ", interleaved" : ""));
    emit_line(e, "int b, h, p, k;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)r.B);
    emit_line(e, "    for (h = 0; h < %lld; h++)", (long long)r.H);
    emit_line(e, "        for (p = 0; p < %lld; p++) {", (long long)r.S);
    e->indent += 3;
    emit_line(e, "const int o = %s, row = %s;", offset3(e, r.x, "h", "p"), row);
    emit_line(e, "const float *x = %s + o, *c = %s + row * %lld, *s = %s + row * %lld;", X, C, (long long)half, S,
              (long long)half);
    emit_line(e, "float *yr = y + o;");
    emit_blank(e);
    emit_line(e, "for (k = 0; k < %lld; k++) {", (long long)half);
    if (r.interleaved) {
        emit_line(e, "    const float x1 = x[2 * k], x2 = x[2 * k + 1];");
        emit_blank(e);
        emit_line(e, "    yr[2 * k] = c[k] * x1 - s[k] * x2;");
        emit_line(e, "    yr[2 * k + 1] = s[k] * x1 + c[k] * x2;");
    } else {
        emit_line(e, "    const float x1 = x[k], x2 = x[k + %lld];", (long long)half);
        emit_blank(e);
        emit_line(e, "    yr[k] = c[k] * x1 - s[k] * x2;");
        emit_line(e, "    yr[k + %lld] = s[k] * x1 + c[k] * x2;", (long long)half);
    }
    emit_line(e, "}");
    if (r.rd < r.D) {
        emit_line(e, "for (k = %lld; k < %lld; k++)", (long long)r.rd, (long long)r.D);
        emit_line(e, "    yr[k] = x[k];");
    }
    e->indent -= 3;
    emit_line(e, "        }");
    emit_end_fn(e);
}
