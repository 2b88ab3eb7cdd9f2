/*
 * emit_island.c - a quantized model's float islands in the integer family's
 * file (quant.c decides which nodes: those no integer form computes). Node n
 * of an island is three steps in <prefix>_run, each explicit in the C:
 *   dequantise  every int8 input once: tc_f<id>[i] = tc_dqf(q - zp, s)
 *               ((float)(q - zp) * s, DequantizeLinear in float32)
 *   the node    the float family's own function for n (emit_float_node_fn),
 *               on static float buffers tc_f<id>
 *   quantise    every output the file quantises: tc_a<id>[i] = tc_qf(y, s, zp)
 *               (QuantizeLinear: float32 division, ties to even, saturated);
 *               other outputs stay float for the next island node or a float
 *               graph output
 * The values are interp_int.c's (interp_int_dequantize, _quantize_spec) bit for
 * bit wherever the float function and the reference interpreter compute the
 * same float values (Add, Sub, Mul, Concat, MaxPool, views, ...).
 */
#include "emit.h"

static const char island_helpers[] =
    "/* Float islands (nodes no integer form computes, in float between a dequantize and a quantize):\n"
    " *   tc_dqf: DequantizeLinear, (float)(q - zp) * s\n"
    " *   tc_qf:  QuantizeLinear, r = y / s (float32), rounded half to even without libm\n"
    " *           (i = r truncated, f = r - i exact, one step away where |f| > 1/2 or |f| = 1/2 and\n"
    " *           i is odd), plus zp, saturated to int8; NaN gives zp. */\n"
    "static float tc_dqf(int32_t d, float s)\n"
    "{\n"
    "    return (float)d * s;\n"
    "}\n"
    "\n"
    "static int8_t tc_qf(float y, float s, int32_t zp)\n"
    "{\n"
    "    float r = y / s, f;\n"
    "    int32_t i;\n"
    "\n"
    "    if (r != r)\n"
    "        return (int8_t)zp;\n"
    "    r = r < -512.0f ? -512.0f : r > 512.0f ? 512.0f : r;\n"
    "    i = (int32_t)r;\n"
    "    f = r - (float)i;\n"
    "    if (f > 0.5f || (f == 0.5f && ((uint32_t)i & 1u)))\n"
    "        i++;\n"
    "    else if (f < -0.5f || (f == -0.5f && ((uint32_t)i & 1u)))\n"
    "        i--;\n"
    "    i += zp;\n"
    "    return (int8_t)(i < -128 ? -128 : i > 127 ? 127 : i);\n"
    "}\n"
    "\n";

void emit_island_helpers(Emit *e)
{
    buf_add(e->out, island_helpers, sizeof island_helpers - 1);
}

static const char *fbuf(Emit *e, TensorId id)
{
    return arena_printf(e->g->a, "tc_f%u", id);
}

static void declare_float(Emit *e, IslandBufs *b, TensorId id, const char *what)
{
    int64_t m = ir_numel(&e->g->t[id]);
    emit_to_consts(e);
    emit_line(e, "static float %s[%lld]; /* '%s', %s */", fbuf(e, id), (long long)(m ? m : 1),
              text_comment(e->g->a, e->g->t[id].name), what);
    b->float_bytes += 4 * (m ? m : 1);
}

/* A literal float scale that reads back exactly (a normal float, checked by qdq.c). */
static const char *flit(Emit *e, float v)
{
    return arena_printf(e->g->a, "%.9gf", (double)v);
}

void emit_island_node(Emit *e, const Node *n, IslandBufs *b)
{
    Graph *g = e->g;
    const QuantPlan *p = g->quant;
    Buf args = {0};
    int i, k = 0, nout = node_multi_output(g, n) ? n->n_out : 1;
    /* the int8 inputs, dequantised once each */
    for (i = 0; i < n->n_in; i++) {
        TensorId t = n->in[i];
        const char *src;
        if (t == TC_NONE || ir_is_const(&g->t[t]) || p->flt[t] || b->deq[t])
            continue;
        src = b->int8_buf(b->ctx, t);
        b->deq[t] = 1;
        declare_float(e, b, t, "dequantised for a float island");
        emit_to_run(e);
        e->indent = 1;
        emit_line(e, "for (i = 0; i < %lld; i++) /* dequantise '%s': scale %.9g, zero point %d */",
                  (long long)ir_numel(&g->t[t]), text_comment(g->a, g->t[t].name), (double)p->t[t].scale,
                  (int)p->t[t].zp);
        emit_line(e, "    %s[i] = tc_dqf(%s[i] - %d, %s);", fbuf(e, t), src, (int)p->t[t].zp,
                  flit(e, p->t[t].scale));
    }
    for (i = 0; i < nout; i++)
        if (n->out[i] != TC_NONE && !b->deq[n->out[i]]) {
            b->deq[n->out[i]] = 1;
            declare_float(e, b, n->out[i], "a float island's value");
        }
    if (ir_is_view(n->op)) {
        /* a view in float: a copy (the float family's would share storage planned for floats) */
        emit_to_run(e);
        e->indent = 1;
        emit_line(e, "for (i = 0; i < %lld; i++) /* node %d: %s '%s', a float island */",
                  (long long)ir_numel(&g->t[n->out[0]]), n->index, op_name(n->op), text_comment(g->a, n->name));
        emit_line(e, "    %s[i] = %s[i];", fbuf(e, n->out[0]), fbuf(e, n->in[0]));
    } else {
        emit_float_node_fn(e, n);
        for (i = 0; i < n->n_in; i++)
            if (n->in[i] != TC_NONE && !ir_is_const(&g->t[n->in[i]]))
                buf_printf(&args, "%s%s", k++ ? ", " : "", fbuf(e, n->in[i]));
        for (i = 0; i < nout; i++)
            buf_printf(&args, "%s%s", k++ ? ", " : "", fbuf(e, n->out[i]));
        if (n->pad_floats) {
            const char *pad = arena_printf(g->a, "tc_pad%d", n->index);
            emit_to_consts(e);
            emit_line(e, "static float %s[%lld]; /* node %d's scratch */", pad, (long long)n->pad_floats, n->index);
            b->float_bytes += 4 * n->pad_floats;
            buf_printf(&args, ", %s", pad);
        }
        emit_to_run(e);
        e->indent = 1;
        emit_line(e, "%s(%s); /* a float island */", emit_fn_name(e, n), args.p);
        buf_free(&args);
    }
    /* the outputs the file quantises */
    for (i = 0; i < nout; i++) {
        TensorId y = n->out[i];
        if (y == TC_NONE || p->flt[y])
            continue;
        {
            const char *dst = b->int8_buf(b->ctx, y);
            emit_to_run(e);
            e->indent = 1;
            emit_line(e, "for (i = 0; i < %lld; i++) /* quantise '%s': scale %.9g, zero point %d */",
                      (long long)ir_numel(&g->t[y]), text_comment(g->a, g->t[y].name), (double)p->t[y].scale,
                      (int)p->t[y].zp);
            emit_line(e, "    %s[i] = tc_qf(%s[i], %s, %d);", dst, fbuf(e, y), flit(e, p->t[y].scale), (int)p->t[y].zp);
        }
    }
}
