/*
 * emit_types.c - integer and bool tensors at run time (issue 18 item 2).
 *
 * A tensor's element type is its ONNX type (tensor_etype): float tensors are
 * float, bool is unsigned char (0 or 1, numpy's byte), and int64, int32,
 * int16, int8 and uint64, uint32, uint16, uint8 are the <stdint.h> types
 * (unsigned ones compare, divide and convert as unsigned; uint64 constants are
 * written UINT64_C(...), since the IR holds them in int64 bits). Integer tensors live in static arrays
 * of their own type, one per tensor (tc_v<id>), never in the float arena:
 * no storage is read as two types, and they are small (masks, indices).
 *
 * The ops below are written here whenever a run-time input or the output is
 * not float; everything else keeps its float emitter. Integer arithmetic is
 * done in the unsigned type of the same width and converted back, so it
 * wraps instead of overflowing (no undefined behaviour); division and Mod by
 * 0 give 0, INT_MIN / -1 gives INT_MIN (ONNX leaves both undefined).
 * Casting a float outside the target's range (or NaN) to an integer gives 0
 * (undefined in ONNX; C would be undefined too); between integer types
 * values wrap. Any other op on integer
 * tensors is refused naming the op and the type.
 */
#include <string.h>

#include "emit.h"

/* ---- element types ---- */

static const char *et_ctype_or_null(int et)
{
    switch (et) {
    case ET_FLOAT: return "float";
    case ET_DOUBLE: return "float"; /* computed in float, as everywhere in ticketc */
    case ET_INT64: return "int64_t";
    case ET_INT32: return "int32_t";
    case ET_INT8: return "int8_t";
    case ET_UINT8: return "uint8_t";
    case ET_INT16: return "int16_t";
    case ET_UINT16: return "uint16_t";
    case ET_UINT32: return "uint32_t";
    case ET_UINT64: return "uint64_t";
    case ET_BOOL: return "unsigned char";
    default: return NULL;
    }
}

static const char *et_ctype(int et)
{
    const char *ct = et_ctype_or_null(et);
    if (!ct)
        BUG("an element type emit_tensor_ctype refuses");
    return ct;
}

/* The unsigned type of the same width, for wrapping arithmetic. */
static const char *et_utype(int et)
{
    switch (et) {
    case ET_INT64: return "uint64_t";
    case ET_INT32: return "uint32_t";
    case ET_UINT64: return "uint64_t";
    case ET_UINT32: return "uint32_t";
    default: return "unsigned"; /* int16, uint16, int8, uint8, bool: unsigned int holds their products */
    }
}

static const char *et_name(int et)
{
    switch (et) {
    case ET_FLOAT: return "float";
    case ET_DOUBLE: return "double";
    case ET_FLOAT16: return "float16";
    case ET_BFLOAT16: return "bfloat16";
    case ET_INT64: return "int64";
    case ET_INT32: return "int32";
    case ET_INT16: return "int16";
    case ET_UINT16: return "uint16";
    case ET_UINT32: return "uint32";
    case ET_UINT64: return "uint64";
    case ET_INT8: return "int8";
    case ET_UINT8: return "uint8";
    case ET_BOOL: return "bool";
    default: return "an unknown type";
    }
}

/* uint8 to uint64: never negative (no sign tests, no -1 divisor) */
static int et_unsigned(int et)
{
    return et == ET_UINT8 || et == ET_UINT16 || et == ET_UINT32 || et == ET_UINT64;
}

static int et_of(const Graph *g, TensorId id)
{
    const Tensor *t = &g->t[id];
    return t->dtype == DT_FLOAT ? ET_FLOAT : tensor_etype(t);
}

const char *emit_tensor_ctype(Emit *e, const Node *n, TensorId id)
{
    int et = et_of(e->g, id);
    const char *ct = et_ctype_or_null(et);
    if (!ct) {
        if (n)
            node_error(e->g, n, "tensor '%s' is %s; at run time ticketc supports float, int64, int32, int16, "
                       "int8, uint64, uint32, uint16, uint8 and bool tensors", text_comment(e->g->a, e->g->t[id].name), et_name(et));
        fatal("graph input or output '%s' is %s; ticketc supports float, int64, int32, int16, int8, "
              "uint64, uint32, uint16, uint8 and bool",
              text_comment(e->g->a, e->g->t[id].name), et_name(et));
    }
    if (et != ET_FLOAT && et != ET_DOUBLE)
        e->used_int = 1;
    return ct;
}

/* ---- storage ---- */

const char *emit_typed_table(Emit *e, const Node *n, TensorId id, const char *name)
{
    Tensor *t = &e->g->t[id];
    int64_t count = ir_numel(t);
    Buf *save = e->out;
    int ind = e->indent;
    const char *ct = emit_tensor_ctype(e, n, id);
    if (e->emitted_const[id])
        return name;
    e->emitted_const[id] = 1;
    e->out = &e->consts;
    e->indent = 0;
    emit_line(e, "/* '%s' %s, %s */", text_comment(e->g->a, t->name), ir_shape_str(e->g->a, t), et_name(et_of(e->g, id)));
    emit_line(e, "static const %s %s[%lld] = {", ct, name, (long long)(count ? count : 1));
    if (et_of(e->g, id) == ET_UINT64) { /* stored in int64 bits; UINT64_C makes values >= 2^63 unsigned */
        int64_t i, j;
        e->indent++;
        for (i = 0; i < count; i += 8) {
            Buf row = {0};
            for (j = i; j < count && j < i + 8; j++)
                buf_printf(&row, "%sUINT64_C(%llu),", j > i ? " " : "", (unsigned long long)(uint64_t)t->i[j]);
            emit_line(e, "%s", row.p);
            buf_free(&row);
        }
        e->indent--;
    } else if (et_of(e->g, id) == ET_INT64) { /* INT64_MIN has no literal: written as an expression */
        int64_t i, j;
        e->indent++;
        for (i = 0; i < count; i += 8) {
            Buf row = {0};
            for (j = i; j < count && j < i + 8; j++)
                if (t->i[j] == INT64_MIN)
                    buf_printf(&row, "%sINT64_MIN,", j > i ? " " : "");
                else
                    buf_printf(&row, "%sINT64_C(%lld),", j > i ? " " : "", (long long)t->i[j]);
            emit_line(e, "%s", row.p);
            buf_free(&row);
        }
        e->indent--;
    } else {
        emit_int_rows(e, t->i, count);
    }
    if (!count)
        emit_line(e, "    0");
    emit_line(e, "};");
    emit_blank(e);
    e->out = save;
    e->indent = ind;
    return name;
}

const char *emit_int_storage(Emit *e, const Node *n, TensorId r)
{
    const char *name = arena_printf(e->g->a, "tc_v%u", r);
    Buf *save = e->out;
    int ind = e->indent;
    if (!e->int_declared)
        e->int_declared = arena_alloc(e->g->a, e->g->nt + 1);
    if (e->int_declared[r])
        return name;
    if (e->opt->arena_caller)
        node_error(e->g, n, "--arena caller: integer and bool tensors computed at run time live in static "
                   "arrays of their own, so the model would not be reentrant");
    e->int_declared[r] = 1;
    e->out = &e->consts;
    e->indent = 0;
    emit_line(e, "/* '%s' %s, %s, computed at run time */", text_comment(e->g->a, e->g->t[r].name),
              ir_shape_str(e->g->a, &e->g->t[r]), et_name(et_of(e->g, r)));
    emit_line(e, "static %s %s[%lld];", emit_tensor_ctype(e, n, r), name, (long long)(ir_numel(&e->g->t[r]) + !ir_numel(&e->g->t[r])));
    emit_blank(e);
    e->out = save;
    e->indent = ind;
    return name;
}

int emit_is_typed(const Graph *g, const Node *n)
{
    int i;
    for (i = 0; i < n->n_out; i++)
        if ((i == 0 || node_multi_output(g, n)) && g->t[n->out[i]].dtype != DT_FLOAT)
            return 1;
    for (i = 0; i < n->n_in; i++)
        if (n->in[i] != TC_NONE && g->t[n->in[i]].dtype != DT_FLOAT && !ir_is_const(&g->t[n->in[i]]))
            return 1;
    return 0;
}

int emit_typed_io(const Graph *g)
{
    int k;
    for (k = 0; k < g->n_inputs; k++)
        if (g->t[g->inputs[k]].dtype != DT_FLOAT || io_converted(g, g->inputs[k]))
            return 1;
    for (k = 0; k < g->n_outputs; k++)
        if (g->t[g->outputs[k]].dtype != DT_FLOAT || io_converted(g, g->outputs[k]))
            return 1;
    return 0;
}

/* ---- double, float16 and bfloat16 at the graph's edges ----
 *
 * Inside, these are float tensors like any other (ticketc computes in float32);
 * the API takes and gives them in their own storage: double, or float16 and
 * bfloat16 as their raw bits (uint16_t). Such an input is converted into a
 * float copy (tc_in<k>) on entry, such an output computed into a float buffer
 * (tc_out<k>) and converted from it on exit, to nearest with ties to even. The
 * buffers are static, as the arena is. A Cast to float16 or bfloat16 rounds to
 * that precision; other ops on those types compute in float32 and round only
 * where a Cast or a graph output says so. */

/* The C type of graph input or output id in the API: its own type's storage. */
const char *emit_io_ctype(Emit *e, TensorId id)
{
    if (io_converted(e->g, id))
        return io_etype(e->g, id) == ET_DOUBLE ? "double" : "uint16_t";
    return emit_tensor_ctype(e, NULL, id);
}

/* The float buffer that stands for converted graph input or output id inside <prefix>_run, or NULL. */
const char *emit_io_buffer(Emit *e, TensorId id)
{
    const Tensor *t = &e->g->t[id];
    if (!io_converted(e->g, id))
        return NULL;
    if (t->input_index >= 0) /* none for an input with no elements (a constant) or one nothing reads */
        return ir_is_const(t) || (!t->consumers && t->output_index < 0) ? NULL
                                                                        : arena_printf(e->g->a, "tc_in%d", t->input_index);
    return arena_printf(e->g->a, "tc_out%d", t->output_index);
}

/* float16 (1, 2) and bfloat16 (4, 8) helpers: bit 1 and 4 read bits, 2 and 8 write them;
 * double's are 16 (in) and 32 (out). */
static void use_half(Emit *e, int et, int out)
{
    e->used_half |= (et == ET_FLOAT16 ? 1 : 4) << (out ? 1 : 0);
}

/* v rounded to float16's or bfloat16's precision, as a float expression. */
const char *emit_round_expr(Emit *e, int et, const char *v)
{
    use_half(e, et, 0);
    use_half(e, et, 1);
    return et == ET_FLOAT16 ? arena_printf(e->g->a, "tc_f16_to_f32(tc_f32_to_f16(%s))", v)
                            : arena_printf(e->g->a, "tc_bf16_to_f32(tc_f32_to_bf16(%s))", v);
}

/* Before the file is assembled: the helpers the conversions need; static buffers refused
 * with --arena caller. */
void emit_io_prepare(Emit *e)
{
    Graph *g = e->g;
    int k;
    for (k = 0; k < g->n_inputs + g->n_outputs; k++) {
        TensorId id = k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs];
        int et;
        if (!io_converted(g, id) || (k < g->n_inputs && !emit_io_buffer(e, id))) /* an input nothing reads */
            continue;
        et = io_etype(g, id);
        if (e->opt->arena_caller)
            fatal("--arena caller: graph %s '%s' is %s, converted through a static float buffer, so the model would "
                  "not be reentrant", k < g->n_inputs ? "input" : "output", text_comment(g->a, g->t[id].name), et_name(et));
        if (et == ET_DOUBLE)
            e->used_half |= k >= g->n_inputs ? 32 : 16;
        else
            use_half(e, et, k >= g->n_inputs);
    }
}

/* The helper blocks (runtime/tc_preamble.c) of e->used_half. */
void emit_half_support(Emit *e)
{
    if (e->used_half & 1)
        emit_preamble(e, "f16_in");
    if (e->used_half & 2)
        emit_preamble(e, "f16_out");
    if (e->used_half & 4)
        emit_preamble(e, "bf16_in");
    if (e->used_half & 8)
        emit_preamble(e, "bf16_out");
    if (e->used_half & 16)
        emit_preamble(e, "d_in");
    if (e->used_half & 32)
        emit_preamble(e, "d_out");
}

/* Entry of <prefix>_run (e->out, indent 1): the float buffers, and inputs converted into theirs. */
void emit_io_entry(Emit *e)
{
    Graph *g = e->g;
    int k, any = 0;
    for (k = 0; k < g->n_inputs + g->n_outputs; k++) {
        TensorId id = k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs];
        const Tensor *t = &g->t[id];
        if (!emit_io_buffer(e, id) || (k >= g->n_inputs && t->input_index >= 0)) /* an input as output: one buffer */
            continue;
        emit_line(e, "static float %s[%lld]; /* '%s' %s: computed in float32 */", emit_io_buffer(e, id),
                  (long long)emit_io_len(g, id), text_comment(g->a, t->name), et_name(io_etype(g, id)));
        any = 1;
    }
    if (!any)
        return;
    emit_line(e, "int tc_i;");
    emit_blank(e);
    for (k = 0; k < g->n_inputs; k++) {
        TensorId id = g->inputs[k];
        int et;
        if (!emit_io_buffer(e, id))
            continue;
        et = io_etype(g, id);
        emit_line(e, "for (tc_i = 0; tc_i < %lld; tc_i++) /* %s to float, to nearest */", (long long)ir_numel(&g->t[id]),
                  et_name(et));
        emit_line(e, "    tc_in%d[tc_i] = %s;", k,
                  et == ET_DOUBLE ? arena_printf(g->a, "tc_f64_to_f32(in%d[tc_i])", k)
                  : et == ET_FLOAT16 ? arena_printf(g->a, "tc_f16_to_f32(in%d[tc_i])", k)
                                     : arena_printf(g->a, "tc_bf16_to_f32(in%d[tc_i])", k));
    }
}

/* Exit of <prefix>_run: outputs converted from their float buffers, to nearest with ties to even. */
void emit_io_exit(Emit *e)
{
    Graph *g = e->g;
    int k;
    for (k = 0; k < g->n_outputs; k++) {
        TensorId id = g->outputs[k];
        const char *b = emit_io_buffer(e, id);
        int et;
        if (!b)
            continue;
        et = io_etype(g, id);
        emit_line(e, "for (tc_i = 0; tc_i < %lld; tc_i++) /* float to %s */", (long long)ir_numel(&g->t[id]), et_name(et));
        emit_line(e, "    out%d[tc_i] = %s;", k,
                  et == ET_DOUBLE ? arena_printf(g->a, "tc_f32_to_f64(%s[tc_i])", b)
                  : et == ET_FLOAT16 ? arena_printf(g->a, "tc_f32_to_f16(%s[tc_i])", b)
                                     : arena_printf(g->a, "tc_f32_to_bf16(%s[tc_i])", b));
    }
}

/* Cast or CastLike from float to float16 or bfloat16 (1), or anything else (0: a copy). */
int emit_cast_round(Emit *e, const Node *n)
{
    const Tensor *y = &e->g->t[n->out[0]];
    int to = cast_to(e->g, n);
    if (to != ET_FLOAT16 && to != ET_BFLOAT16)
        return 0;
    emit_begin_fn(e, n, "", arena_printf(e->g->a, " -- float to %s: rounded to its precision, to nearest even",
                                         et_name(to)));
    emit_line(e, "int i;");
    emit_blank(e);
    if (n->op == OP_CASTLIKE && !ir_is_const(&e->g->t[n->in[1]]))
        emit_line(e, "(void)x1; /* gives the type only */");
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)ir_numel(y));
    e->indent++;
    emit_line(e, "y[i] = %s;", emit_round_expr(e, to, arena_printf(e->g->a, "%s[i]", emit_operand(e, n, 0))));
    e->indent--;
    emit_end_fn(e);
    return 1;
}

/* ---- elementwise ops over broadcast operands ---- */

/* The index into operand t of output position (i0, ..., i<r-1>) of shape y, t broadcast to
 * it: emit_bcast_expr's, with "o" where t has y's shape (the loop's flat index). */
static const char *bcast_index(Emit *e, const Tensor *t, const Tensor *y)
{
    if (ir_numel(t) == 1)
        return "0";
    if (ir_same_shape(t, y))
        return "o";
    return emit_bcast_expr(e, t, y);
}

/* Operand i of n at the current output position: "x0[i0 * 3 + i1]". */
static const char *elem_at(Emit *e, const Node *n, int i)
{
    return arena_printf(e->g->a, "%s[%s]", emit_operand(e, n, i),
                        bcast_index(e, &e->g->t[n->in[i]], &e->g->t[n->out[0]]));
}

typedef const char *ExprFn(Emit *e, const Node *n, const char **a);

/* y[o] = f(operands 0..used-1 at o), one loop nest over the output's axes; the
 * node's other run-time inputs are parameters that are not read. */
static void emit_elementwise(Emit *e, const Node *n, int used, const char *what, ExprFn *f)
{
    const Tensor *y = &e->g->t[n->out[0]];
    const char *a[8];
    int k, nin = used < n->n_in ? used : n->n_in, any_idx = 0;
    if (nin > 8)
        nin = 8;
    Buf d = {0};
    for (k = 0; k < nin; k++)
        a[k] = n->in[k] != TC_NONE ? elem_at(e, n, k) : NULL;
    emit_begin_fn(e, n, "", what);
    for (k = nin; k < n->n_in; k++)
        if (n->in[k] != TC_NONE && !ir_is_const(&e->g->t[n->in[k]]))
            emit_line(e, "(void)x%d;", k);
    for (k = 0; k < nin; k++)
        if (a[k] && strstr(a[k], "[i"))
            any_idx = 1;
    if (any_idx)
        for (k = 0; k < y->rank; k++)
            buf_printf(&d, "i%d, ", k);
    emit_line(e, "int %so;", d.len ? d.p : "");
    buf_free(&d);
    emit_blank(e);
    if (any_idx) {
        emit_line(e, "o = 0;");
        for (k = 0; k < y->rank; k++) /* o counts along the innermost loop */
            emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++%s)", 4 * k, "", k, k, (long long)y->dims[k], k,
                      k == y->rank - 1 ? ", o++" : "");
        emit_line(e, "%*sy[o] = %s;", 4 * y->rank, "", f(e, n, a));
    } else {
        emit_line(e, "for (o = 0; o < %lld; o++)", (long long)ir_numel(y));
        emit_line(e, "    y[o] = %s;", f(e, n, a));
    }
    emit_end_fn(e);
}

static const char *cmp_expr(Emit *e, const Node *n, const char **a)
{
    const char *op;
    switch (n->op) {
    case OP_EQUAL: op = "=="; break;
    case OP_LESS: op = "<"; break;
    case OP_GREATER: op = ">"; break;
    case OP_LESSOREQUAL: op = "<="; break;
    case OP_GREATEROREQUAL: op = ">="; break;
    default: BUG("not a comparison");
    }
    return arena_printf(e->g->a, "%s %s %s", a[0], op, a[1]);
}

static const char *logic_expr(Emit *e, const Node *n, const char **a)
{
    switch (n->op) {
    case OP_NOT: return arena_printf(e->g->a, "!%s", a[0]);
    case OP_AND: return arena_printf(e->g->a, "%s && %s", a[0], a[1]);
    case OP_OR: return arena_printf(e->g->a, "%s || %s", a[0], a[1]);
    case OP_XOR: return arena_printf(e->g->a, "(%s != 0) != (%s != 0)", a[0], a[1]);
    default: BUG("not a logical op");
    }
}

/* IsNaN: x != x; IsInf: x == x and x - x is not 0 (NaN), of an allowed sign. */
static const char *isinf_expr(Emit *e, const Node *n, const char **a)
{
    int pos = attr_int(n, "detect_positive", 1) != 0, neg = attr_int(n, "detect_negative", 1) != 0;
    if (n->op == OP_ISNAN)
        return arena_printf(e->g->a, "%s != %s", a[0], a[0]);
    if (!pos && !neg)
        return arena_printf(e->g->a, "0 * (%s == %s)", a[0], a[0]);
    return arena_printf(e->g->a, "%s == %s && %s - %s != 0.0f%s", a[0], a[0], a[0], a[0],
                        pos && neg ? "" : pos ? arena_printf(e->g->a, " && %s > 0.0f", a[0])
                                              : arena_printf(e->g->a, " && %s < 0.0f", a[0]));
}

static const char *convert(Emit *e, int from, int to, const char *v);

/* Pow with an integer base or exponent: integers by tc_ipow (interp_ipow's formula), else
 * in float by tc_powf, converted to the base's type. */
static const char *pow_expr(Emit *e, const Node *n, const char **a)
{
    Graph *g = e->g;
    int eb = et_of(g, n->in[0]), ee = et_of(g, n->in[1]);
    if (eb == ET_BOOL || ee == ET_BOOL)
        node_error(g, n, "Pow of bool tensors is not supported");
    if (eb != ET_FLOAT && ee == ET_UINT64) { /* an exponent of 2^63 or more is not negative */
        if (!(e->ipow_written & 2)) {
            Buf *save = e->out;
            e->ipow_written |= 2;
            e->out = &e->consts;
            e->indent = 0;
            emit_line(e, "/* b^e in wrapping 64-bit integers, e unsigned */");
            emit_line(e, "static uint64_t tc_upow(uint64_t b, uint64_t e)");
            emit_line(e, "{");
            emit_line(e, "    uint64_t r = 1;");
            emit_blank(e);
            emit_line(e, "    while (e) {");
            emit_line(e, "        if (e & 1)");
            emit_line(e, "            r *= b;");
            emit_line(e, "        b *= b;");
            emit_line(e, "        e >>= 1;");
            emit_line(e, "    }");
            emit_line(e, "    return r;");
            emit_line(e, "}");
            emit_blank(e);
            e->out = save;
        }
        return arena_printf(g->a, "(%s)tc_upow((uint64_t)%s, %s)", et_ctype(eb), a[0], a[1]);
    }
    if (eb != ET_FLOAT && ee != ET_FLOAT) {
        if (!(e->ipow_written & 1)) {
            Buf *save = e->out;
            e->ipow_written |= 1;
            e->out = &e->consts;
            e->indent = 0;
            emit_line(e, "/* b^e in wrapping 64-bit integers; e < 0: the integer part of 1 / b^-e */");
            emit_line(e, "static int64_t tc_ipow(int64_t b, int64_t e)");
            emit_line(e, "{");
            emit_line(e, "    uint64_t r = 1, x = (uint64_t)b;");
            emit_blank(e);
            emit_line(e, "    if (e < 0)");
            emit_line(e, "        return b == 1 ? 1 : b == -1 ? (e %% 2 ? -1 : 1) : 0;");
            emit_line(e, "    while (e) {");
            emit_line(e, "        if (e & 1)");
            emit_line(e, "            r *= x;");
            emit_line(e, "        x *= x;");
            emit_line(e, "        e >>= 1;");
            emit_line(e, "    }");
            emit_line(e, "    return (int64_t)r;");
            emit_line(e, "}");
            emit_blank(e);
            e->out = save;
        }
        return arena_printf(g->a, "(%s)tc_ipow(%s, %s)", et_ctype(eb), a[0], a[1]);
    }
    e->need_math[M_POW] = 1;
    return convert(e, ET_FLOAT, eb, arena_printf(g->a, "tc_powf(%s, %s)", convert(e, eb, ET_FLOAT, a[0]),
                                                   convert(e, ee, ET_FLOAT, a[1])));
}

/* Clip of integers: the bounds given (inputs 1 and 2), scalars. */
static const char *clip_expr(Emit *e, const Node *n, const char **a)
{
    const char *v = a[0];
    if (n->n_in > 1 && n->in[1] != TC_NONE)
        v = arena_printf(e->g->a, "(%s < %s ? %s : %s)", v, a[1], a[1], v);
    if (n->n_in > 2 && n->in[2] != TC_NONE)
        v = arena_printf(e->g->a, "(%s > %s ? %s : %s)", v, a[2], a[2], v);
    return v;
}

static const char *where_expr(Emit *e, const Node *n, const char **a)
{
    (void)n;
    return arena_printf(e->g->a, "%s ? %s : %s", a[0], a[1], a[2]);
}

/* The C expression of value v of type from as type to (see the file's comment). */
static const char *convert(Emit *e, int from, int to, const char *v)
{
    Arena *A = e->g->a;
    const char *ct = et_ctype(to);
    if (from == ET_DOUBLE)
        from = ET_FLOAT;
    if (to == ET_DOUBLE)
        to = ET_FLOAT;
    if (from == to)
        return v;
    if (to == ET_BOOL)
        return arena_printf(A, "%s != 0", v);
    if (to == ET_FLOAT && (from == ET_INT64 || from == ET_UINT64)) {
        /* exact, with 32-bit operations (tc_math.c): no __aeabi_l2f on a 32-bit target */
        e->need_math[from == ET_INT64 ? M_I64F : M_U64F] = 1;
        return arena_printf(A, "%s(%s)", from == ET_INT64 ? "tc_i64f" : "tc_u64f", v);
    }
    if (to == ET_FLOAT)
        return arena_printf(A, "(float)%s", v);
    if (from == ET_FLOAT) { /* truncated toward 0; outside the range (or NaN): 0 */
        const char *lo, *hi;
        switch (to) {
        case ET_INT8: lo = "> -129.0f", hi = "128.0f"; break;
        case ET_UINT8: lo = "> -1.0f", hi = "256.0f"; break;
        case ET_INT32: lo = ">= -2147483648.0f", hi = "2147483648.0f"; break;
        case ET_INT16: lo = "> -32769.0f", hi = "32768.0f"; break;
        case ET_UINT16: lo = "> -1.0f", hi = "65536.0f"; break;
        case ET_UINT32: lo = "> -1.0f", hi = "4294967296.0f"; break;
        case ET_UINT64: lo = "> -1.0f", hi = "18446744073709551616.0f"; break;
        default: lo = ">= -9223372036854775808.0f", hi = "9223372036854775808.0f"; break;
        }
        return arena_printf(A, "(%s %s && %s < %s ? (%s)%s : 0)", v, lo, v, hi, ct, v);
    }
    /* between integer types: wrapped, as C converts (two's complement everywhere ticketc targets) */
    return arena_printf(A, "(%s)%s", ct, v);
}

static const char *cast_expr(Emit *e, const Node *n, const char **a)
{
    const char *v = convert(e, et_of(e->g, n->in[0]), et_of(e->g, n->out[0]), a[0]);
    int to = cast_to(e->g, n);
    if (to == ET_FLOAT16 || to == ET_BFLOAT16) /* an integer to float16 or bfloat16: rounded to its precision */
        return emit_round_expr(e, to, v);
    return v;
}

/* Integer arithmetic of type et: wrapping (+ - *), division and Mod guarded. */
static const char *arith(Emit *e, const Node *n, OpKind op, int et, const char *p, const char *q)
{
    Arena *A = e->g->a;
    const char *ct = et_ctype(et), *ut = et_utype(et);
    const char *min = et == ET_INT64 ? "INT64_MIN" : et == ET_INT32 ? "INT32_MIN" : et == ET_INT16 ? "INT16_MIN"
                      : et == ET_INT8 ? "INT8_MIN" : NULL; /* signed: the -1 divisor and the sign rules */
    if (et == ET_FLOAT || et == ET_DOUBLE) {
        switch (op) {
        case OP_ADD: case OP_SUM: return arena_printf(A, "%s + %s", p, q);
        case OP_SUB: return arena_printf(A, "%s - %s", p, q);
        case OP_MUL: return arena_printf(A, "%s * %s", p, q);
        case OP_DIV: return arena_printf(A, "%s / %s", p, q);
        case OP_MAX: return arena_printf(A, "(%s < %s ? %s : %s)", p, q, q, p);
        case OP_MIN: return arena_printf(A, "(%s > %s ? %s : %s)", p, q, q, p);
        default: break;
        }
        node_error(e->g, n, "%s on float tensors mixed with integer tensors is not supported", op_name(op));
    }
    if (et == ET_BOOL)
        node_error(e->g, n, "%s on bool tensors is not supported", op_name(op));
    switch (op) {
    case OP_ADD: case OP_SUM: return arena_printf(A, "(%s)((%s)%s + (%s)%s)", ct, ut, p, ut, q);
    case OP_SUB: return arena_printf(A, "(%s)((%s)%s - (%s)%s)", ct, ut, p, ut, q);
    case OP_MUL: return arena_printf(A, "(%s)((%s)%s * (%s)%s)", ct, ut, p, ut, q);
    case OP_MAX: return arena_printf(A, "(%s < %s ? %s : %s)", p, q, q, p);
    case OP_MIN: return arena_printf(A, "(%s > %s ? %s : %s)", p, q, q, p);
    case OP_DIV: /* truncated toward 0 */
        if (min)
            return arena_printf(A, "(%s == 0 ? 0 : %s == -1 ? (%s)(0u - (%s)%s) : (%s)(%s / %s))", q, q, ct, ut, p, ct, p, q);
        return arena_printf(A, "(%s == 0 ? 0 : (%s)(%s / %s))", q, ct, p, q);
    case OP_MOD: /* fmod 0: the remainder has the divisor's sign (Python's %) */
        if (min)
            return arena_printf(A, "(%s == 0 || %s == -1 ? 0 : (%s)((%s %% %s != 0 && (%s %% %s < 0) != (%s < 0)) ? %s %% %s + %s : %s %% %s))",
                                q, q, ct, p, q, p, q, q, p, q, q, p, q);
        return arena_printf(A, "(%s == 0 ? 0 : (%s)(%s %% %s))", q, ct, p, q);
    default: break;
    }
    node_error(e->g, n, "%s on %s tensors is not supported", op_name(op), et_name(et));
}

static const char *arith_expr(Emit *e, const Node *n, const char **a)
{
    int et = et_of(e->g, n->out[0]), k;
    const char *v = a[0];
    if (n->op == OP_MOD && attr_int(n, "fmod", 0)) { /* fmod 1: C's %, the dividend's sign */
        if (et == ET_FLOAT || et == ET_DOUBLE || et == ET_BOOL)
            node_error(e->g, n, "Mod with fmod=1 on %s tensors mixed with integer tensors is not supported", et_name(et));
        if (et_unsigned(et) && et != ET_UINT8)
            return arena_printf(e->g->a, "(%s == 0 ? 0 : (%s)(%s %% %s))", a[1], et_ctype(et), v, a[1]);
        return arena_printf(e->g->a, "(%s == 0 || %s == -1 ? 0 : (%s)(%s %% %s))", a[1], a[1], et_ctype(et), v, a[1]);
    }
    if (n->n_in == 1 && (n->op == OP_MAX || n->op == OP_MIN || n->op == OP_SUM))
        return v;
    for (k = 1; k < n->n_in && k < 8; k++)
        v = arith(e, n, n->op, et, v, a[k]);
    return v;
}

static const char *unary_expr(Emit *e, const Node *n, const char **a)
{
    int et = et_of(e->g, n->out[0]);
    const char *ct = et_ctype(et), *ut = et_utype(et);
    switch (n->op) {
    case OP_NEG: return arena_printf(e->g->a, "(%s)(0u - (%s)%s)", ct, ut, a[0]);
    case OP_ABS:
        if (et_unsigned(et))
            return a[0];
        return arena_printf(e->g->a, "(%s < 0 ? (%s)(0u - (%s)%s) : %s)", a[0], ct, ut, a[0], a[0]);
    case OP_SIGN:
        if (et_unsigned(et) && et != ET_UINT8)
            return arena_printf(e->g->a, "(%s)(%s != 0)", ct, a[0]);
        return arena_printf(e->g->a, "(%s)((%s > 0) - (%s < 0))", ct, a[0], a[0]);
    case OP_RELU:
        if (et_unsigned(et) && et != ET_UINT8)
            return a[0];
        return arena_printf(e->g->a, "(%s < 0 ? 0 : %s)", a[0], a[0]);
    default: break;
    }
    node_error(e->g, n, "%s on %s tensors is not supported", op_name(n->op), et_name(et));
}

/* ---- ops that pick elements ---- */

/* Gather at run-time indices: y[o][k][j] = x[o][idx[k]][j], a negative index counting from the end;
 * an index outside the axis reads element 0 of it (ONNX: an error). */
static void emit_gather_rt(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]], *ix = &g->t[n->in[1]];
    int axis = (int)attr_int(n, "axis", 0), i;
    int64_t outer = 1, inner = 1, len, nidx = ir_numel(ix);
    const char *xn = emit_operand(e, n, 0), *in = emit_operand(e, n, 1);
    if (axis < 0)
        axis += x->rank;
    len = x->dims[axis];
    for (i = 0; i < axis; i++)
        outer *= x->dims[i];
    for (i = axis + 1; i < x->rank; i++)
        inner *= x->dims[i];
    emit_begin_fn(e, n, "", " -- indices computed at run time");
    emit_line(e, "int o, k, j;");
    emit_blank(e);
    emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
    emit_line(e, "    for (k = 0; k < %lld; k++) {", (long long)nidx);
    emit_line(e, "        long long q = (long long)%s[k];", in);
    emit_blank(e);
    emit_line(e, "        if (q < 0)");
    emit_line(e, "            q += %lld;", (long long)len);
    emit_line(e, "        if (q < 0 || q >= %lld)", (long long)len);
    emit_line(e, "            q = 0; /* out of range: undefined in ONNX */");
    emit_line(e, "        for (j = 0; j < %lld; j++)", (long long)inner);
    emit_line(e, "            y[(o * %lld + k) * %lld + j] = %s[(o * %lld + q) * %lld + j];", (long long)nidx,
              (long long)inner, xn, (long long)len, (long long)inner);
    emit_line(e, "    }");
    emit_end_fn(e);
}

/* ArgMax, ArgMin: the first (select_last_index: the last) index of the largest or smallest
 * value along the axis; a NaN is never taken over a number (as interp.c). */
void emit_argmax(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]];
    int axis = (int)attr_int(n, "axis", 0), k, last = attr_int(n, "select_last_index", 0) != 0;
    int64_t outer = 1, inner = 1, len;
    const char *X = emit_operand(e, n, 0), *cmp = n->op == OP_ARGMAX ? ">" : "<";
    if (axis < 0)
        axis += x->rank;
    len = x->dims[axis];
    for (k = 0; k < axis; k++)
        outer *= x->dims[k];
    for (k = axis + 1; k < x->rank; k++)
        inner *= x->dims[k];
    emit_begin_fn(e, n, "", last ? " -- the last index of the extreme value" : " -- the first index of the extreme value");
    emit_line(e, "int o, j, i;");
    emit_blank(e);
    emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
    emit_line(e, "    for (j = 0; j < %lld; j++) {", (long long)inner);
    emit_line(e, "        int best = 0;");
    emit_blank(e);
    emit_line(e, "        for (i = 1; i < %lld; i++) {", (long long)len);
    emit_line(e, "            %s v = %s[(o * %lld + i) * %lld + j], b = %s[(o * %lld + best) * %lld + j];",
              emit_tensor_ctype(e, n, n->in[0]), X, (long long)len, (long long)inner, X, (long long)len, (long long)inner);
    emit_blank(e);
    if (x->dtype == DT_FLOAT)
        emit_line(e, "            if (v %s b%s || (b != b && v == v))", cmp, last ? " || v == b" : "");
    else
        emit_line(e, "            if (v %s b%s)", cmp, last ? " || v == b" : "");
    emit_line(e, "                best = i;");
    emit_line(e, "        }");
    emit_line(e, "        y[o * %lld + j] = best;", (long long)inner);
    emit_line(e, "    }");
    emit_end_fn(e);
}

/* GatherElements: y[p] = x[p with its axis coordinate replaced by indices[p]], a negative index
 * counting from the end; an index outside the axis reads coordinate 0 (ONNX: an error). */
void emit_gatherelements(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    int axis = (int)attr_int(n, "axis", 0), k;
    Buf d = {0}, src = {0};
    int64_t xs[TC_MAX_RANK], st = 1;
    if (axis < 0)
        axis += x->rank;
    if (y->rank < 1)
        node_error(g, n, "the data has rank 0; GatherElements needs an axis");
    for (k = x->rank - 1; k >= 0; k--) {
        xs[k] = st;
        st *= x->dims[k];
    }
    for (k = 0; k < y->rank; k++) {
        buf_printf(&d, "i%d, ", k);
        buf_printf(&src, "%s%s * %lld", k ? " + " : "", k == axis ? "q" : arena_printf(g->a, "i%d", k), (long long)xs[k]);
    }
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int %so = 0;", d.p ? d.p : "");
    emit_blank(e);
    for (k = 0; k < y->rank; k++)
        emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)%s", 4 * k, "", k, k, (long long)y->dims[k], k,
                  k == y->rank - 1 ? " {" : "");
    e->indent += y->rank - 1;
    emit_line(e, "    long long q = (long long)%s[o];", emit_operand(e, n, 1));
    emit_blank(e);
    emit_line(e, "    if (q < 0)");
    emit_line(e, "        q += %lld;", (long long)x->dims[axis]);
    emit_line(e, "    if (q < 0 || q >= %lld)", (long long)x->dims[axis]);
    emit_line(e, "        q = 0; /* out of range: undefined in ONNX */");
    emit_line(e, "    y[o++] = %s[%s];", emit_operand(e, n, 0), src.p ? src.p : "0");
    emit_line(e, "}");
    emit_end_fn(e);
    buf_free(&d);
    buf_free(&src);
}

/* Shape, Size of a tensor computed at run time: values known when compiling (the interpreter's),
 * written into the output. */
static void emit_known_values(Emit *e, const Node *n)
{
    Graph *g = e->g;
    void **vals = arena_array(g->a, g->nt, sizeof(void *));
    const int64_t *v;
    int64_t i, cnt = ir_numel(&g->t[n->out[0]]);
    int k;
    interp_node(g, n, vals);
    v = vals[n->out[0]];
    emit_begin_fn(e, n, "", " -- known when compiling");
    for (k = 0; k < n->n_in; k++)
        if (n->in[k] != TC_NONE && !ir_is_const(&g->t[n->in[k]]))
            emit_line(e, "(void)x%d;", k);
    for (i = 0; i < cnt; i++)
        emit_line(e, "y[%lld] = %lld;", (long long)i, (long long)v[i]);
    emit_end_fn(e);
}

/* Trilu: element (i, j) of each matrix kept when j - i >= k (upper) or j - i <= k (lower), else 0. */
void emit_trilu(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *y = &g->t[n->out[0]];
    int64_t R = y->dims[y->rank - 2], C = y->dims[y->rank - 1];
    int upper = attr_int(n, "upper", 1) != 0, has_k = n->n_in > 1 && n->in[1] != TC_NONE;
    const char *X = emit_operand(e, n, 0);
    emit_begin_fn(e, n, "", upper ? " -- the upper triangle" : " -- the lower triangle");
    emit_line(e, "long long m, i, j, k = %s;", has_k ? arena_printf(g->a, "(long long)%s[0]", emit_operand(e, n, 1)) : "0");
    emit_line(e, "int o = 0;");
    emit_blank(e);
    emit_line(e, "for (m = 0; m < %lld; m++)", (long long)(ir_numel(y) / (R * C)));
    emit_line(e, "    for (i = 0; i < %lld; i++)", (long long)R);
    emit_line(e, "        for (j = 0; j < %lld; j++, o++)", (long long)C);
    emit_line(e, "            y[o] = j - i %s k ? %s[o] : 0;", upper ? ">=" : "<=", X);
    emit_end_fn(e);
}

/* NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: eval_nllloss's formulas (interp.c),
 * the sums in double; a target outside the classes reads class 0 (ONNX: an error). */
void emit_nllloss(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]];
    const char *red = attr_string(n, "reduction", "mean");
    int64_t N = x->dims[0], C = x->dims[1], D = ir_numel(x) / (N * C);
    int has_ignore = attr_get(n, "ignore_index") != NULL, sce = n->op == OP_SCELOSS;
    int lp = sce && node_multi_output(g, n), none = strcmp(red, "none") == 0;
    const char *X = emit_operand(e, n, 0), *Tg = emit_operand(e, n, 1);
    const char *W = n->n_in > 2 && n->in[2] != TC_NONE ? emit_operand(e, n, 2) : NULL;
    if (sce) {
        e->need_math[M_EXP] = 1;
        e->need_math[M_LOG] = 1;
    }
    emit_begin_fn(e, n, "", arena_printf(g->a, " -- reduction %s", none ? "none" : red));
    emit_line(e, "int i, d%s;", sce ? ", k" : "");
    if (!none)
        emit_line(e, "double sum = 0.0, wsum = 0.0;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)N);
    emit_line(e, "    for (d = 0; d < %lld; d++) {", (long long)D);
    e->indent += 2;
    emit_line(e, "const float *xp = %s + i * %lld + d;", X, (long long)(C * D));
    emit_line(e, "long long t = (long long)%s[i * %lld + d];", Tg, (long long)D);
    emit_line(e, "float v = 0.0f, w = 0.0f%s;", sce ? ", mx = xp[0], se = 0.0f, lse" : "");
    emit_blank(e);
    if (sce) { /* log_prob = x - max - log(sum exp(x - max)) over the classes */
        emit_line(e, "for (k = 1; k < %lld; k++)", (long long)C);
        emit_line(e, "    mx = xp[k * %lld] > mx ? xp[k * %lld] : mx;", (long long)D, (long long)D);
        emit_line(e, "for (k = 0; k < %lld; k++)", (long long)C);
        emit_line(e, "    se += tc_expf(xp[k * %lld] - mx);", (long long)D);
        emit_line(e, "lse = mx + tc_logf(se);");
        if (lp) {
            emit_line(e, "for (k = 0; k < %lld; k++)", (long long)C);
            emit_line(e, "    y1[i * %lld + k * %lld + d] = xp[k * %lld] - lse;", (long long)(C * D), (long long)D, (long long)D);
        }
    }
    if (has_ignore)
        emit_line(e, "if (t != %lldLL) {", (long long)attr_int(n, "ignore_index", 0));
    else
        emit_line(e, "{");
    emit_line(e, "    if (t < 0 || t >= %lld)", (long long)C);
    emit_line(e, "        t = 0; /* out of range: undefined in ONNX */");
    emit_line(e, "    w = %s;", W ? arena_printf(g->a, "%s[t]", W) : "1.0f");
    emit_line(e, "    v = -(xp[t * %lld]%s) * w;", (long long)D, sce ? " - lse" : "");
    emit_line(e, "}");
    if (none) {
        emit_line(e, "(void)w;");
        emit_line(e, "y[i * %lld + d] = v;", (long long)D);
    } else {
        emit_line(e, "sum += v;");
        emit_line(e, "wsum += w;");
    }
    e->indent -= 2;
    emit_line(e, "    }");
    if (strcmp(red, "sum") == 0)
        emit_line(e, "y[0] = (float)sum;");
    else if (!none)
        emit_line(e, "y[0] = (float)(sum / wsum);");
    if (strcmp(red, "sum") == 0)
        emit_line(e, "(void)wsum;");
    emit_end_fn(e);
}

/* ScatterElements, Scatter: eval_scatter's formula (interp.c); an index outside the axis
 * writes nowhere (ONNX: an error). */
void emit_scatter(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]], *ix = &g->t[n->in[1]];
    const char *red = attr_string(n, "reduction", "none");
    int axis = (int)attr_int(n, "axis", 0), k, et = et_of(g, n->out[0]);
    Buf d = {0}, dst = {0};
    int64_t xs[TC_MAX_RANK], st = 1;
    const char *v;
    if (axis < 0)
        axis += x->rank;
    if (x->rank < 1)
        node_error(g, n, "the data has rank 0; %s needs an axis", op_name(n->op));
    for (k = x->rank - 1; k >= 0; k--) {
        xs[k] = st;
        st *= x->dims[k];
    }
    for (k = 0; k < ix->rank; k++) {
        buf_printf(&d, "i%d, ", k);
        buf_printf(&dst, "%s%s * %lld", k ? " + " : "", k == axis ? "q" : arena_printf(g->a, "i%d", k), (long long)xs[k]);
    }
    if (strcmp(red, "add") == 0)
        v = arith(e, n, OP_ADD, et, "y[t]", "u");
    else if (strcmp(red, "mul") == 0)
        v = arith(e, n, OP_MUL, et, "y[t]", "u");
    else if (strcmp(red, "max") == 0)
        v = "(y[t] >= u ? y[t] : u)";
    else if (strcmp(red, "min") == 0)
        v = "(y[t] <= u ? y[t] : u)";
    else
        v = "u";
    emit_begin_fn(e, n, "", strcmp(red, "none") ? arena_printf(g->a, " -- reduction %s", red) : "");
    emit_line(e, "int %so;", d.p);
    emit_blank(e);
    emit_line(e, "for (o = 0; o < %lld; o++)", (long long)ir_numel(x));
    emit_line(e, "    y[o] = %s[o];", emit_operand(e, n, 0));
    emit_line(e, "o = 0;");
    for (k = 0; k < ix->rank; k++)
        emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)%s", 4 * k, "", k, k, (long long)ix->dims[k], k,
                  k == ix->rank - 1 ? " {" : "");
    e->indent += ix->rank - 1;
    emit_line(e, "    long long q = (long long)%s[o];", emit_operand(e, n, 1));
    emit_line(e, "    %s u = %s[o++];", emit_tensor_ctype(e, n, n->out[0]), emit_operand(e, n, 2));
    emit_blank(e);
    emit_line(e, "    if (q < 0)");
    emit_line(e, "        q += %lld;", (long long)x->dims[axis]);
    emit_line(e, "    if (q >= 0 && q < %lld) { /* out of range: undefined in ONNX */", (long long)x->dims[axis]);
    emit_line(e, "        long long t = %s;", dst.p);
    emit_blank(e);
    emit_line(e, "        y[t] = %s;", v);
    emit_line(e, "    }");
    emit_line(e, "}");
    emit_end_fn(e);
    buf_free(&d);
    buf_free(&dst);
}

/* ---- dispatch ---- */

void emit_typed(Emit *e, const Node *n)
{
    Graph *g = e->g;
    int et = et_of(g, n->out[0]), i;
    for (i = 0; i < n->n_in; i++) /* every type is one ticketc has (refused here otherwise) */
        if (n->in[i] != TC_NONE)
            emit_tensor_ctype(e, n, n->in[i]);
    emit_tensor_ctype(e, n, n->out[0]);
    switch (n->op) {
    case OP_EQUAL: case OP_LESS: case OP_GREATER: case OP_LESSOREQUAL: case OP_GREATEROREQUAL:
        emit_elementwise(e, n, 2, " -- a comparison, bool out", cmp_expr);
        return;
    case OP_NOT: case OP_AND: case OP_OR: case OP_XOR:
        emit_elementwise(e, n, n->n_in, " -- bools", logic_expr);
        return;
    case OP_ISINF: case OP_ISNAN:
        emit_elementwise(e, n, 1, n->op == OP_ISNAN ? " -- x != x" : " -- x infinite", isinf_expr);
        return;
    case OP_POW:
        emit_elementwise(e, n, 2, " -- integers", pow_expr);
        return;
    case OP_CLIP:
        emit_elementwise(e, n, 3, " -- integers", clip_expr);
        return;
    case OP_WHERE:
        emit_elementwise(e, n, 3, " -- y = condition ? X : Y", where_expr);
        return;
    case OP_CAST: case OP_CASTLIKE: /* CastLike's input 1 gives the type only */
        emit_elementwise(e, n, 1, arena_printf(g->a, " -- %s to %s", et_name(et_of(g, n->in[0])), et_name(et)), cast_expr);
        return;
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MAX: case OP_MIN: case OP_SUM: case OP_MOD:
        if (n->n_in > 8)
            node_error(g, n, "more than 8 inputs on %s tensors are not supported", et_name(et));
        emit_elementwise(e, n, n->n_in, arena_printf(g->a, " -- %s", et_name(et)), arith_expr);
        return;
    case OP_NEG: case OP_ABS: case OP_SIGN: case OP_RELU:
        emit_elementwise(e, n, 1, arena_printf(g->a, " -- %s", et_name(et)), unary_expr);
        return;
    case OP_GATHER:
        emit_gather_rt(e, n);
        return;
    case OP_SHAPE: case OP_SIZE:
        emit_known_values(e, n);
        return;
    case OP_ARGMAX: case OP_ARGMIN:
        emit_argmax(e, n);
        return;
    case OP_GATHERELEMENTS:
        emit_gatherelements(e, n);
        return;
    case OP_TRILU:
        emit_trilu(e, n);
        return;
    case OP_SCATTERELEMENTS: case OP_SCATTER:
        emit_scatter(e, n);
        return;
    case OP_NLLLOSS: case OP_SCELOSS:
        emit_nllloss(e, n);
        return;
    /* data movement: the float emitters, on typed pointers */
    case OP_FLATTEN: case OP_RESHAPE: case OP_IDENTITY: case OP_DROPOUT: case OP_UNSQUEEZE: case OP_SQUEEZE:
        emit_view(e, n);
        return;
    case OP_TRANSPOSE: case OP_SLICE: case OP_EXPAND: case OP_TILE:
        emit_copy(e, n);
        return;
    case OP_CONCAT:
        emit_concat(e, n);
        return;
    case OP_SPLIT:
        emit_split(e, n);
        return;
    case OP_RTQ_QUANTIZE: case OP_RTQ_DEQUANTIZE: case OP_RTQ_QLINEARCONV: case OP_RTQ_QLINEARMATMUL:
    case OP_RTQ_MATMULINTEGER: case OP_RTQ_CONVINTEGER: case OP_DYNAMICQUANTIZE:
        emit_qops(e, n); /* emit_qops.c */
        return;
    default: break;
    }
    if (emit_index_typed(e, n)) /* the indexing ops, integer MaxPool (emit_index.c) */
        return;
    for (i = 0; i < n->n_in; i++)
        if (n->in[i] != TC_NONE && g->t[n->in[i]].dtype != DT_FLOAT && !ir_is_const(&g->t[n->in[i]]))
            node_error(g, n, "%s on %s tensors computed at run time is not supported", op_name(n->op),
                       et_name(et_of(g, n->in[i])));
    node_error(g, n, "%s with a %s output computed at run time is not supported", op_name(n->op), et_name(et));
}

/* ---- the --main driver for inputs and outputs of any type ---- */

void emit_main_typed(Emit *e)
{
    Graph *g = e->g;
    int k;
    emit_blank(e);
    emit_line(e, "/*");
    emit_line(e, " * Test driver (--main): reads raw little-endian samples from stdin (per sample,");
    emit_line(e, " * each input in order, as values of its type) until EOF, runs each, writes the");
    emit_line(e, " * outputs as raw values of their types to stdout. -r N runs every sample N times.");
    emit_line(e, " */");
    emit_line(e, "static int tc_read(void *p, size_t size, size_t n, int first)");
    emit_line(e, "{");
    e->indent++;
    emit_line(e, "size_t got = fread(p, size, n, stdin);");
    emit_blank(e);
    emit_line(e, "if (got == n)");
    emit_line(e, "    return 1;");
    emit_line(e, "if (got == 0 && first && feof(stdin))");
    emit_line(e, "    return 0;");
    emit_line(e, "fprintf(stderr, \"%s: short read: expected %%lu values, got %%lu\\n\", (unsigned long)n, (unsigned long)got);",
              e->opt->prefix);
    emit_line(e, "exit(1);");
    e->indent--;
    emit_line(e, "}");
    emit_blank(e);
    emit_line(e, "int main(int argc, char **argv)");
    emit_line(e, "{");
    e->indent++;
    for (k = 0; k < g->n_inputs; k++)
        emit_line(e, "static %s in%d[%lld];", emit_io_ctype(e, g->inputs[k]), k,
                  (long long)emit_io_len(g, g->inputs[k]));
    for (k = 0; k < g->n_outputs; k++)
        emit_line(e, "static %s out%d[%lld];", emit_io_ctype(e, g->outputs[k]), k,
                  (long long)ir_numel(&g->t[g->outputs[k]]));
    if (e->opt->arena_caller)
        emit_line(e, "static float arena[%lld];", (long long)(g->arena_floats ? g->arena_floats : 1));
    emit_line(e, "long reps = 1, r;");
    emit_blank(e);
    emit_line(e, "if (argc == 3 && argv[1][0] == '-' && argv[1][1] == 'r' && argv[1][2] == 0)");
    emit_line(e, "    reps = strtol(argv[2], NULL, 10);");
    emit_line(e, "if (reps < 1 || (argc != 1 && argc != 3)) {");
    emit_line(e, "    fprintf(stderr, \"usage: %%s [-r REPEATS] < inputs.raw > outputs.raw\\n\", argv[0]);");
    emit_line(e, "    return 2;");
    emit_line(e, "}");
    emit_line(e, "while (tc_read(in0, sizeof in0[0], %lld, 1)) {", (long long)ir_numel(&g->t[g->inputs[0]]));
    e->indent++;
    for (k = 1; k < g->n_inputs; k++)
        emit_line(e, "tc_read(in%d, sizeof in%d[0], %lld, 0);", k, k, (long long)ir_numel(&g->t[g->inputs[k]]));
    {
        Buf args = {0};
        for (k = 0; k < g->n_inputs; k++)
            buf_printf(&args, "%sin%d", k ? ", " : "", k);
        for (k = 0; k < g->n_outputs; k++)
            buf_printf(&args, ", out%d", k);
        if (e->opt->arena_caller)
            buf_printf(&args, ", arena");
        emit_line(e, "for (r = 0; r < reps; r++)");
        emit_line(e, "    %s_run(%s);", e->opt->prefix, args.p);
        buf_free(&args);
    }
    for (k = 0; k < g->n_outputs; k++) {
        long long cnt = (long long)ir_numel(&g->t[g->outputs[k]]);
        emit_line(e, "if (fwrite(out%d, sizeof out%d[0], %lld, stdout) != %lld)", k, k, cnt, cnt);
        emit_line(e, "    return 1;");
    }
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "return fflush(stdout) == 0 ? 0 : 1;");
    e->indent--;
    emit_line(e, "}");
}

/* The table's entry of a class whose output is always bool: written by emit_typed. */
void emit_isinf(Emit *e, const Node *n) { emit_typed(e, n); }
