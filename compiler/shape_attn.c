/*
 * shape_attn.c - the shapes of opset 23's transformer ops, Attention and
 * RotaryEmbedding, and their layout (AttnShape, RotaryShape), which the
 * reference (interp_attn.c) and the C (emit_attn.c) both read, so that the
 * three agree on every index.
 */
#include <math.h>
#include <string.h>

#include "ticketc.h"

static const Tensor *input(const Graph *g, const Node *n, int i)
{
    if (i >= n->n_in || n->in[i] == TC_NONE)
        node_error(g, n, "missing input %d", i);
    return &g->t[n->in[i]];
}

static int has_input(const Node *n, int i) { return i < n->n_in && n->in[i] != TC_NONE; }
static int named_output(const Graph *g, const Node *n, int i) { return i < n->n_out && g->t[n->out[i]].name[0]; }

/* Strides of b, h, s in a 4-D [B,H,S,D] tensor, or a 3-D [B,S,H*D] one. */
static void head_strides(int rank, int64_t H, int64_t S, int64_t D, int64_t *st)
{
    st[0] = H * S * D;
    st[1] = rank == 4 ? S * D : D;
    st[2] = rank == 4 ? D : H * D;
}

/* An attribute that must be a positive count when present; 0 when absent. */
static int64_t heads_attr(const Graph *g, const Node *n, const char *name)
{
    int64_t v = attr_int(n, name, 0);
    if (attr_get(n, name) && v < 1)
        node_error(g, n, "attribute '%s' is %lld; it must be positive", name, (long long)v);
    return v;
}

/*
 * Attention (opset 23): Y = softmax(softcap(Q K^T * scale) + mask) V per head,
 * Q [B,qH,Sq,D] and K [B,kvH,Skv,D], V [B,kvH,Skv,Dv] (or 3-D [B,S,heads*D] with the
 * head counts as attributes); present_key/value = past ++ K/V along the sequence.
 */
void attn_shape(const Graph *g, const Node *n, AttnShape *a)
{
    const Tensor *q, *k, *v;
    int64_t qh_attr, kvh_attr, mode, prec, want[4];
    int r, i;
    memset(a, 0, sizeof *a);
    if (n->n_in < 3 || n->n_in > 6)
        node_error(g, n, "expected 3 to 6 inputs, found %d", n->n_in);
    if (n->n_out > 4)
        node_error(g, n, "expected 1 to 4 outputs, found %d", n->n_out);
    q = input(g, n, 0);
    k = input(g, n, 1);
    v = input(g, n, 2);
    for (i = 0; i < 3; i++)
        if (input(g, n, i)->dtype != DT_FLOAT)
            node_error(g, n, "input %d must be float", i);
    r = q->rank;
    if ((r != 3 && r != 4) || k->rank != r || v->rank != r)
        node_error(g, n, "Q, K and V must all be 3-D or all 4-D, found %s, %s and %s", ir_shape_str(g->a, q),
                   ir_shape_str(g->a, k), ir_shape_str(g->a, v));
    qh_attr = heads_attr(g, n, "q_num_heads");
    kvh_attr = heads_attr(g, n, "kv_num_heads");
    a->B = q->dims[0];
    if (r == 4) {
        a->qH = q->dims[1], a->Sq = q->dims[2], a->hd = q->dims[3];
        a->kvH = k->dims[1], a->Skv = k->dims[2], a->vhd = v->dims[3];
        if ((qh_attr && qh_attr != a->qH) || (kvh_attr && kvh_attr != a->kvH))
            node_error(g, n, "attributes q_num_heads %lld and kv_num_heads %lld differ from Q %s and K %s",
                       (long long)qh_attr, (long long)kvh_attr, ir_shape_str(g->a, q), ir_shape_str(g->a, k));
        if (k->dims[3] != a->hd || v->dims[1] != a->kvH || v->dims[2] != a->Skv)
            node_error(g, n, "K %s and V %s do not match Q %s ([B,H,S,D] each, K's D that of Q)",
                       ir_shape_str(g->a, k), ir_shape_str(g->a, v), ir_shape_str(g->a, q));
    } else {
        if (!qh_attr || !kvh_attr)
            node_error(g, n, "3-D Q, K and V need attributes q_num_heads and kv_num_heads");
        a->qH = qh_attr, a->kvH = kvh_attr, a->Sq = q->dims[1], a->Skv = k->dims[1];
        if (q->dims[2] % a->qH || v->dims[2] % a->kvH || k->dims[2] != q->dims[2] / a->qH * a->kvH ||
            v->dims[1] != a->Skv)
            node_error(g, n, "Q %s, K %s and V %s do not split into %lld and %lld heads of one size",
                       ir_shape_str(g->a, q), ir_shape_str(g->a, k), ir_shape_str(g->a, v), (long long)a->qH,
                       (long long)a->kvH);
        a->hd = q->dims[2] / a->qH;
        a->vhd = v->dims[2] / a->kvH;
    }
    if (k->dims[0] != a->B || v->dims[0] != a->B)
        node_error(g, n, "Q, K and V have different batch sizes (%s, %s, %s)", ir_shape_str(g->a, q),
                   ir_shape_str(g->a, k), ir_shape_str(g->a, v));
    if (a->kvH < 1 || a->qH % a->kvH)
        node_error(g, n, "Q's %lld heads are not a multiple of K's and V's %lld heads", (long long)a->qH, (long long)a->kvH);
    if (a->hd < 1 || a->vhd < 1 || a->Sq < 1 || a->Skv < 1)
        node_error(g, n, "Q, K and V must have elements");
    head_strides(r, a->qH, a->Sq, a->hd, a->q);
    head_strides(r, a->kvH, a->Skv, a->hd, a->k);
    head_strides(r, a->kvH, a->Skv, a->vhd, a->v);
    head_strides(r, a->qH, a->Sq, a->vhd, a->y);
    /* the key and value caches of earlier steps, 4-D */
    if (has_input(n, 4) != has_input(n, 5))
        node_error(g, n, "past_key and past_value must be given together");
    if (has_input(n, 4)) {
        const Tensor *pk = input(g, n, 4), *pv = input(g, n, 5);
        if (pk->dtype != DT_FLOAT || pv->dtype != DT_FLOAT || pk->rank != 4 || pv->rank != 4 ||
            pk->dims[0] != a->B || pk->dims[1] != a->kvH || pk->dims[3] != a->hd || pv->dims[0] != a->B ||
            pv->dims[1] != a->kvH || pv->dims[2] != pk->dims[2] || pv->dims[3] != a->vhd)
            node_error(g, n, "past_key %s and past_value %s must be float [%lld,%lld,P,%lld] and [%lld,%lld,P,%lld]",
                       ir_shape_str(g->a, pk), ir_shape_str(g->a, pv), (long long)a->B, (long long)a->kvH,
                       (long long)a->hd, (long long)a->B, (long long)a->kvH, (long long)a->vhd);
        a->P = pk->dims[2];
        head_strides(4, a->kvH, a->P, a->hd, a->pk);
        head_strides(4, a->kvH, a->P, a->vhd, a->pv);
    }
    a->T = a->P + a->Skv;
    /* the mask broadcasts to [B, qH, Sq, T] */
    if (has_input(n, 3)) {
        const Tensor *m = input(g, n, 3);
        int64_t st = 1;
        want[0] = a->B, want[1] = a->qH, want[2] = a->Sq, want[3] = a->T;
        /* (an integer tensor of unknown element type, as the DSL reads a bool .npy, counts as bool) */
        if (m->dtype == DT_INT64 && m->etype && m->etype != ET_BOOL)
            node_error(g, n, "attn_mask must be bool or float");
        a->mask = m->dtype == DT_FLOAT ? 2 : 1;
        if (m->rank < 1 || m->rank > 4)
            node_error(g, n, "attn_mask %s must have 1 to 4 axes", ir_shape_str(g->a, m));
        for (i = 3; i >= 0; i--) {
            int mi = i - (4 - m->rank);
            int64_t d = mi >= 0 ? m->dims[mi] : 1;
            if (d != 1 && d != want[i])
                node_error(g, n, "attn_mask %s does not broadcast to [%lld,%lld,%lld,%lld] (batch, heads, queries, "
                           "past and new keys)%s", ir_shape_str(g->a, m), (long long)want[0], (long long)want[1],
                           (long long)want[2], (long long)want[3],
                           i == 3 ? "; a mask shorter than the keys (padded by opset 24) is not supported" : "");
            a->m[i] = d == 1 ? 0 : st;
            st *= d;
        }
    }
    a->causal = attr_int(n, "is_causal", 0) != 0;
    if (attr_int(n, "is_causal", 0) != 0 && attr_int(n, "is_causal", 0) != 1)
        node_error(g, n, "attribute 'is_causal' is %lld; it must be 0 or 1", (long long)attr_int(n, "is_causal", 0));
    a->scale = attr_get(n, "scale") ? (double)attr_float(n, "scale", 1.0f) : 1.0 / sqrt((double)a->hd);
    if (!isfinite(a->scale))
        node_error(g, n, "attribute 'scale' is not finite");
    a->softcap = attr_float(n, "softcap", 0.0f);
    if (!isfinite(a->softcap))
        node_error(g, n, "attribute 'softcap' is not finite");
    if (a->softcap < 0) /* the specification applies it when it is positive */
        a->softcap = 0;
    /* the softmax in float (1) or double (11): float's result within its rounding */
    prec = attr_int(n, "softmax_precision", 1);
    if (prec != 1 && prec != 11)
        node_error(g, n, "attribute 'softmax_precision' is %lld; float (1) and double (11) are supported",
                   (long long)prec);
    a->out_pk = named_output(g, n, 1);
    a->out_pv = named_output(g, n, 2);
    a->out_qk = named_output(g, n, 3);
    mode = attr_int(n, "qk_matmul_output_mode", 0);
    if (mode < 0 || mode > 3)
        node_error(g, n, "attribute 'qk_matmul_output_mode' is %lld; the specification defines 0 to 3", (long long)mode);
    a->qk_mode = (int)mode;
    /* modes 1 and 2 swapped meaning when the softcap moved before the mask (onnx/onnx#7867) */
    if (a->out_qk && (mode == 1 || mode == 2))
        node_error(g, n, "output qk_matmul_output with qk_matmul_output_mode %lld is not supported (its meaning "
                   "changed between ONNX releases); modes 0 (Q K^T * scale) and 3 (the softmax) are", (long long)mode);
    if (a->out_qk && mode == 0 && a->softcap > 0)
        node_error(g, n, "output qk_matmul_output with qk_matmul_output_mode 0 and a softcap is not supported (ONNX "
                   "releases differ on whether it is capped)");
}

void shape_attention(Graph *g, Node *n)
{
    AttnShape a;
    int64_t d[4];
    int i;
    attn_shape(g, n, &a);
    if (g->t[n->in[0]].rank == 4)
        d[0] = a.B, d[1] = a.qH, d[2] = a.Sq, d[3] = a.vhd, ir_set_dims(&g->t[n->out[0]], 4, d);
    else
        d[0] = a.B, d[1] = a.Sq, d[2] = a.qH * a.vhd, ir_set_dims(&g->t[n->out[0]], 3, d);
    for (i = 1; i < n->n_out; i++) {
        d[0] = a.B, d[1] = i == 3 ? a.qH : a.kvH, d[2] = i == 3 ? a.Sq : a.T, d[3] = i == 1 ? a.hd : i == 2 ? a.vhd : a.T;
        g->t[n->out[i]].dtype = DT_FLOAT;
        ir_set_dims(&g->t[n->out[i]], 4, d);
    }
}

/*
 * RotaryEmbedding (opset 23): each pair (x1, x2) of the first rd values of a head,
 * (k, k + rd/2) or interleaved (2k, 2k + 1), becomes (c x1 - s x2, s x1 + c x2) with
 * c, s = cos_cache, sin_cache [k] at the position's row: position_ids [B,S] into
 * caches [max_position, rd/2], or without them caches [B,S,rd/2].
 */
void rotary_shape(const Graph *g, const Node *n, RotaryShape *r)
{
    const Tensor *x, *c, *s;
    int64_t heads = heads_attr(g, n, "num_heads"), half, rows, i;
    memset(r, 0, sizeof *r);
    if (n->n_in < 3 || n->n_in > 4)
        node_error(g, n, "expected 3 or 4 inputs, found %d", n->n_in);
    x = input(g, n, 0);
    c = input(g, n, 1);
    s = input(g, n, 2);
    if (x->dtype != DT_FLOAT || c->dtype != DT_FLOAT || s->dtype != DT_FLOAT)
        node_error(g, n, "X, cos_cache and sin_cache must be float");
    if (x->rank == 4) {
        r->B = x->dims[0], r->H = x->dims[1], r->S = x->dims[2], r->D = x->dims[3];
        if (heads && heads != r->H)
            node_error(g, n, "attribute 'num_heads' %lld differs from X %s", (long long)heads, ir_shape_str(g->a, x));
    } else if (x->rank == 3) {
        if (!heads)
            node_error(g, n, "a 3-D X needs attribute 'num_heads'");
        if (x->dims[2] % heads)
            node_error(g, n, "X %s does not split into %lld heads", ir_shape_str(g->a, x), (long long)heads);
        r->B = x->dims[0], r->H = heads, r->S = x->dims[1], r->D = x->dims[2] / heads;
    } else
        node_error(g, n, "X %s must be [B,H,S,D] or [B,S,H*D]", ir_shape_str(g->a, x));
    head_strides(x->rank, r->H, r->S, r->D, r->x);
    r->rd = attr_int(n, "rotary_embedding_dim", 0);
    if (r->rd == 0)
        r->rd = r->D;
    if (r->rd < 2 || r->rd > r->D || r->rd % 2)
        node_error(g, n, "rotary_embedding_dim %lld must be even and at most the head size %lld", (long long)r->rd,
                   (long long)r->D);
    r->interleaved = attr_int(n, "interleaved", 0) != 0;
    if (attr_int(n, "interleaved", 0) != 0 && attr_int(n, "interleaved", 0) != 1)
        node_error(g, n, "attribute 'interleaved' is %lld; it must be 0 or 1", (long long)attr_int(n, "interleaved", 0));
    half = r->rd / 2;
    if (!ir_same_shape(c, s))
        node_error(g, n, "cos_cache %s and sin_cache %s differ", ir_shape_str(g->a, c), ir_shape_str(g->a, s));
    if (has_input(n, 3)) {
        const Tensor *p = input(g, n, 3);
        if (p->dtype != DT_INT64 || tensor_etype(p) == ET_BOOL)
            node_error(g, n, "position_ids must be integers");
        if (p->rank != 2 || p->dims[0] != r->B || p->dims[1] != r->S)
            node_error(g, n, "position_ids %s must be [%lld,%lld]", ir_shape_str(g->a, p), (long long)r->B, (long long)r->S);
        if (c->rank != 2 || c->dims[1] != half)
            node_error(g, n, "with position_ids, the caches %s must be [max_position,%lld]", ir_shape_str(g->a, c),
                       (long long)half);
        rows = c->dims[0];
        r->pos = p->i;
        if (r->pos)
            for (i = 0; i < r->B * r->S; i++)
                if (r->pos[i] < 0 || r->pos[i] >= rows)
                    node_error(g, n, "position_ids[%lld] is %lld, outside the caches' %lld rows", (long long)i,
                               (long long)r->pos[i], (long long)rows);
    } else if (c->rank != 3 || c->dims[0] != r->B || c->dims[1] != r->S || c->dims[2] != half)
        node_error(g, n, "without position_ids, the caches %s must be [%lld,%lld,%lld]", ir_shape_str(g->a, c),
                   (long long)r->B, (long long)r->S, (long long)half);
}

void shape_rotary(Graph *g, Node *n)
{
    RotaryShape r;
    const Tensor *x = input(g, n, 0);
    rotary_shape(g, n, &r);
    ir_set_dims(&g->t[n->out[0]], x->rank, x->dims);
}
