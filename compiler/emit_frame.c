/*
 * emit_frame.c - what every emit_<family>.c writes with: the one line
 * printer (indentation by nesting level, preprocessor lines at the margin),
 * literals and constant tables, and the frame of a node function (its
 * name, parameters, operands and fused activation).
 */
#include <string.h>

#include "emit.h"

/* ---- the printer ---- */

void emit_line(Emit *e, const char *fmt, ...)
{
    va_list ap;
    int i;
    if (fmt[0] && fmt[0] != '#') /* preprocessor lines stay at the left margin */
        for (i = 0; i < e->indent; i++)
            buf_add(e->out, "    ", 4);
    va_start(ap, fmt);
    buf_vprintf(e->out, fmt, ap);
    va_end(ap);
    buf_add(e->out, "\n", 1);
}

void emit_blank(Emit *e) { buf_add(e->out, "\n", 1); }

void emit_to_consts(Emit *e) { e->out = &e->consts; e->indent = 0; }
void emit_to_fns(Emit *e) { e->out = &e->fns; e->indent = 0; }
void emit_to_run(Emit *e) { e->out = &e->run; e->indent = 1; }

const char *emit_lit(Emit *e, const Node *n, float v)
{
    char buf[48];
    if (v != v || v - v != 0.0f)
        node_error(e->g, n, "a constant is NaN or infinite; ticketc does not emit such literals");
    emit_float(buf, sizeof buf, v);
    return arena_strdup(e->g->a, buf);
}

/* ---- storage of tensors ---- */

/* Placement of weight tables: TC_WEIGHTS, defined in the file's preamble,
 * when --weights-section names an ELF section for them. */
const char *emit_weights_attr(Emit *e) { return e->opt->weights_section ? "TC_WEIGHTS " : ""; }

/* The values of a table, 8 literals a line, one level deeper than the current indent. */
void emit_lit_rows(Emit *e, const Node *n, const float *v, int64_t count)
{
    int64_t i, j;
    e->indent++;
    for (i = 0; i < count; i += 8) {
        Buf row = {0};
        for (j = i; j < count && j < i + 8; j++)
            buf_printf(&row, "%s%s,", j > i ? " " : "", emit_lit(e, n, v[j]));
        emit_line(e, "%s", row.p);
        buf_free(&row);
    }
    e->indent--;
}

/* Integers of an index table, 16 a line, one level deeper than the current indent. */
void emit_int_rows(Emit *e, const int64_t *v, int64_t count)
{
    int64_t i, j;
    e->indent++;
    for (i = 0; i < count; i += 16) {
        Buf row = {0};
        for (j = i; j < count && j < i + 16; j++)
            buf_printf(&row, "%s%lld,", j > i ? " " : "", (long long)v[j]);
        emit_line(e, "%s", row.p);
        buf_free(&row);
    }
    e->indent--;
}

/* Writes a constant table once; returns its C name. */
const char *emit_const_table(Emit *e, const Node *n, TensorId id)
{
    Tensor *t = &e->g->t[id];
    const char *name = arena_printf(e->g->a, "c%u_%s", id, text_ident(e->g->a, t->name));
    int64_t count = ir_numel(t);
    Buf *save = e->out;
    int ind = e->indent;
    if (t->dtype != DT_FLOAT)
        return emit_typed_table(e, n, id, name);
    if (e->emitted_const[id])
        return name;
    e->emitted_const[id] = 1;
    e->out = &e->consts;
    e->indent = 0;
    emit_line(e, "/* '%s' %s */", text_comment(e->g->a, t->name), ir_shape_str(e->g->a, t));
    emit_line(e, "static const float %s%s[%lld] = {", emit_weights_attr(e), name, (long long)(count ? count : 1));
    emit_lit_rows(e, n, t->f, count);
    if (!count)
        emit_line(e, "    0.0f");
    emit_line(e, "};");
    emit_blank(e);
    e->out = save;
    e->indent = ind;
    return name;
}

/* The C expression of a tensor's storage inside <prefix>_run. */
const char *emit_storage(Emit *e, const Node *n, TensorId id)
{
    TensorId r = ir_root(e->g, id);
    Tensor *t = &e->g->t[r];
    if (ir_is_const(t))
        return emit_const_table(e, n, r);
    if (emit_io_buffer(e, r)) /* double, float16, bfloat16: a float buffer, converted (emit_types.c) */
        return emit_io_buffer(e, r);
    if (t->input_index >= 0)
        return arena_printf(e->g->a, "in%d", t->input_index);
    if (t->output_index >= 0)
        return arena_printf(e->g->a, "out%d", t->output_index);
    if (t->dtype != DT_FLOAT) /* integers and bools: storage of their own (emit_types.c) */
        return emit_int_storage(e, n, r);
    ASSERT(t->offset >= 0);
    return t->offset ? arena_printf(e->g->a, "tc_arena + %lld", (long long)t->offset) : "tc_arena";
}

const char *emit_fn_name(Emit *e, const Node *n)
{
    const char *nm = text_ident(e->g->a, n->name);
    if (!nm[0])
        nm = text_ident(e->g->a, op_name(n->op));
    return arena_printf(e->g->a, "n%d_%s", n->index, nm);
}

/* Whether act_expr writes the activation as a function call (tc_sigmoidf, ...). */
int emit_act_is_call(OpKind act) { return act == OP_SIGMOID || act == OP_TANH; }

/* The formula of an activation applied to C expression v. */
const char *emit_act(Emit *e, const Node *n, OpKind act, float alpha, const char *v)
{
    switch (act) {
    case OP_COUNT: return v;
    default: break;
    }
    if (strchr(v, ' '))
        v = arena_printf(e->g->a, "(%s)", v);
    switch (act) {
    case OP_RELU: return arena_printf(e->g->a, "(%s < 0.0f ? 0.0f : %s)", v, v);
    case OP_LEAKYRELU: return arena_printf(e->g->a, "(%s < 0.0f ? %s * %s : %s)", v, emit_lit(e, n, alpha), v, v);
    case OP_SIGMOID: e->need_math[M_SIGMOID] = 1; return arena_printf(e->g->a, "tc_sigmoidf(%s)", v);
    case OP_TANH: e->need_math[M_TANH] = 1; return arena_printf(e->g->a, "tc_tanhf(%s)", v);
    default: BUG("not an activation");
    }
}

/* Starts a node function; its parameters are the non-constant inputs, then the output. */
void emit_begin_fn(Emit *e, const Node *n, const char *suffix, const char *what)
{
    Buf params = {0};
    int i, k = 0;
    e->out = &e->fns;
    e->indent = 0;
    emit_line(e, "/* node %d: %s '%s'%s */", n->index, op_name(n->op), text_comment(e->g->a, n->name), what);
    for (i = 0; i < n->n_in; i++)
        if (n->in[i] != TC_NONE && !ir_is_const(&e->g->t[n->in[i]]))
            buf_printf(&params, "%sconst %s *x%d", k++ ? ", " : "", emit_tensor_ctype(e, n, n->in[i]), i);
    buf_printf(&params, "%s%s *y", k ? ", " : "", emit_tensor_ctype(e, n, n->out[0]));
    for (i = 1; node_multi_output(e->g, n) && i < n->n_out; i++)
        buf_printf(&params, ", %s *y%d", emit_tensor_ctype(e, n, n->out[i]), i);
    if (n->pad_floats) /* its scratch block of the arena (plan_memory) */
        buf_printf(&params, ", float *pad");
    emit_line(e, "static TC_NOLIB void %s%s(%s)", emit_fn_name(e, n), suffix, params.p);
    emit_line(e, "{");
    e->indent = 1;
    buf_free(&params);
}

void emit_end_fn(Emit *e)
{
    e->indent = 0;
    emit_line(e, "}");
    emit_blank(e);
}

/* An input inside a node function: the parameter, or the constant table. */
const char *emit_operand(Emit *e, const Node *n, int i)
{
    if (ir_is_const(&e->g->t[n->in[i]]))
        return emit_const_table(e, n, n->in[i]);
    return arena_printf(e->g->a, "x%d", i);
}

/* The sum of the partial sums s0..s3 that t terms dealt round-robin to P of them filled,
 * pairwise: s0, s0 + s1, (s0 + s1) + s2, (s0 + s1) + (s2 + s3) */
const char *emit_partials_sum(int64_t t, int P)
{
    static const char *const sums[] = {"s0", "s0 + s1", "(s0 + s1) + s2", "(s0 + s1) + (s2 + s3)"};
    ASSERT(t > 0 && P >= 1 && P <= 4);
    return sums[(t < P ? t : P) - 1];
}
