/*
 * emit_ops.c - the C back end of every op that is neither a linear layer
 * (emit_linear.c) nor spatial (emit_conv.c): elementwise arithmetic and
 * math, activations, Softmax, views and copies, Concat, Split, reductions,
 * Clip, Hardmax, Cast, the recurrent layers, LRN, MVN and Det. One
 * emit_<class> per op class of ops.h.
 */
#include <string.h>

#include "emit.h"

/* ---- elementwise ---- */

/* Index of input x at the output position held in loop counters i0..i{r-1}. */
static const char *bcast_expr(Emit *e, const Tensor *x, const Tensor *y)
{
    Buf b = {0};
    int64_t stride = 1;
    int i, any = 0;
    char *s;
    if (ir_numel(x) == 1)
        return "0";
    if (ir_same_shape(x, y))
        return "o";
    for (i = y->rank - 1; i >= 0; i--) {
        int xi = i - (y->rank - x->rank);
        if (xi < 0)
            break;
        if (x->dims[xi] != 1) {
            if (stride == 1)
                buf_printf(&b, "%si%d", any ? " + " : "", i);
            else
                buf_printf(&b, "%si%d * %lld", any ? " + " : "", i, (long long)stride);
            any = 1;
        }
        stride *= x->dims[xi];
    }
    s = arena_strdup(e->g->a, b.p ? b.p : "0");
    buf_free(&b);
    return s;
}

void emit_binary(Emit *e, const Node *n)
{
    static const char ops[] = {'+', '-', '*', '/'};
    Graph *g = e->g;
    const Tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    char op = ops[n->op - OP_ADD];
    const char *ea, *eb, *v;
    int i;

    if (y->dtype != DT_FLOAT)
        node_error(g, n, "integer arithmetic at run time is not supported");
    /* scalar constants become literals */
    ea = a->f && ir_numel(a) == 1 ? emit_lit(e, n, a->f[0])
                                  : arena_printf(g->a, "%s[%s]", emit_operand(e, n, 0), bcast_expr(e, a, y));
    eb = b->f && ir_numel(b) == 1 ? emit_lit(e, n, b->f[0])
                                  : arena_printf(g->a, "%s[%s]", emit_operand(e, n, 1), bcast_expr(e, b, y));
    v = arena_printf(g->a, "%s %c %s", ea, op, eb);

    emit_begin_fn(e, n, "", "");
    if ((ir_same_shape(a, y) || ir_numel(a) == 1) && (ir_same_shape(b, y) || ir_numel(b) == 1)) {
        emit_line(e, "int o;");
        emit_blank(e);
        emit_line(e, "for (o = 0; o < %lld; o++) {", (long long)ir_numel(y));
        e->indent++;
        emit_line(e, "const float v = %s;", v);
        emit_blank(e);
        emit_line(e, "y[o] = %s;", emit_act(e, n, n->act, n->act_alpha, "v"));
        e->indent--;
        emit_line(e, "}");
    } else {
        Buf decl = {0};
        for (i = 0; i < y->rank; i++)
            buf_printf(&decl, "i%d, ", i);
        emit_line(e, "int %so = 0;", decl.p);
        emit_blank(e);
        buf_free(&decl);
        for (i = 0; i < y->rank; i++)
            emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)%s", 4 * i, "", i, i, (long long)y->dims[i], i,
                      i == y->rank - 1 ? " {" : "");
        emit_line(e, "%*sconst float v = %s;", 4 * y->rank, "", v);
        emit_blank(e);
        emit_line(e, "%*sy[o++] = %s;", 4 * y->rank, "", emit_act(e, n, n->act, n->act_alpha, "v"));
        emit_line(e, "%*s}", 4 * (y->rank - 1), "");
    }
    emit_end_fn(e);
}

void emit_unary(Emit *e, const Node *n)
{
    float alpha = n->op == OP_LEAKYRELU ? attr_float(n, "alpha", 0.01f) : 0.0f;
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int i;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)ir_numel(&e->g->t[n->out[0]]));
    e->indent++;
    emit_line(e, "y[i] = %s;", emit_act(e, n, n->op, alpha, arena_printf(e->g->a, "%s[i]", emit_operand(e, n, 0))));
    e->indent--;
    emit_end_fn(e);
}

/*
 * softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j;
 * log_softmax(x)_i = x_i - m - log(sum_j exp(x_j - m)).
 */
void emit_softmax(Emit *e, const Node *n)
{
    int64_t outer, len, inner;
    const char *x = emit_operand(e, n, 0);
    softmax_extent(e->g, n, &e->g->t[n->in[0]], &outer, &len, &inner);
    e->need_math[M_EXP] = 1;
    if (n->op == OP_LOGSOFTMAX)
        e->need_math[M_LOG] = 1;
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int o, j, k;");
    emit_blank(e);
    emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
    e->indent++;
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)inner);
    e->indent = 2;
    emit_line(e, "const float *xp = %s + o * %lld + j;", x, (long long)(len * inner));
    emit_line(e, "float *yp = y + o * %lld + j;", (long long)(len * inner));
    emit_line(e, "float m = xp[0], s = 0.0f;");
    emit_blank(e);
    emit_line(e, "for (k = 1; k < %lld; k++)", (long long)len);
    e->indent++;
    emit_line(e, "m = xp[k * %lld] > m ? xp[k * %lld] : m;", (long long)inner, (long long)inner);
    e->indent--;
    if (n->op == OP_SOFTMAX) {
        emit_line(e, "for (k = 0; k < %lld; k++) {", (long long)len);
        e->indent++;
        emit_line(e, "yp[k * %lld] = tc_expf(xp[k * %lld] - m);", (long long)inner, (long long)inner);
        emit_line(e, "s += yp[k * %lld];", (long long)inner);
        e->indent--;
        emit_line(e, "}");
        emit_line(e, "s = 1.0f / s;");
        emit_line(e, "for (k = 0; k < %lld; k++)", (long long)len);
        e->indent++;
        emit_line(e, "yp[k * %lld] *= s;", (long long)inner);
        e->indent--;
    } else {
        emit_line(e, "for (k = 0; k < %lld; k++)", (long long)len);
        e->indent++;
        emit_line(e, "s += tc_expf(xp[k * %lld] - m);", (long long)inner);
        e->indent--;
        /* (x - m) - log(s), not x - (m + log(s)): m may dwarf log(s) */
        emit_line(e, "s = tc_logf(s);");
        emit_line(e, "for (k = 0; k < %lld; k++)", (long long)len);
        e->indent++;
        emit_line(e, "yp[k * %lld] = (xp[k * %lld] - m) - s;", (long long)inner, (long long)inner);
        e->indent--;
    }
    e->indent = 1;
    emit_line(e, "}");
    emit_end_fn(e);
}

/* A view shares its input's storage; it needs code only when it lands in a graph output. */
void emit_view(Emit *e, const Node *n)
{
    const Tensor *y = &e->g->t[n->out[0]];
    int i;
    if (y->alias != TC_NONE) {
        e->out = &e->run;
        e->indent = 1;
        emit_line(e, "/* node %d: %s '%s' shares the storage of its input */", n->index, op_name(n->op),
                  text_comment(e->g->a, n->name));
        return;
    }
    emit_begin_fn(e, n, "", " -- copy into the graph output");
    emit_line(e, "int i;");
    emit_blank(e);
    for (i = 1; i < n->n_in; i++) /* Dropout's ratio and training_mode */
        if (n->in[i] != TC_NONE && !ir_is_const(&e->g->t[n->in[i]]))
            emit_line(e, "(void)x%d;", i);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)ir_numel(y));
    e->indent++;
    emit_line(e, "y[i] = %s[i];", emit_operand(e, n, 0));
    e->indent--;
    emit_end_fn(e);
}

void emit_concat(Emit *e, const Node *n)
{
    const Tensor *y = &e->g->t[n->out[0]];
    int axis = (int)attr_int(n, "axis", 0), i, j;
    int64_t outer = 1, inner = 1, pos = 0;
    if (axis < 0)
        axis += y->rank;
    for (i = 0; i < axis; i++)
        outer *= y->dims[i];
    for (i = axis + 1; i < y->rank; i++)
        inner *= y->dims[i];
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int o, i;");
    emit_blank(e);
    for (j = 0; j < n->n_in; j++) {
        int64_t len = e->g->t[n->in[j]].dims[axis] * inner;
        emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
        e->indent++;
        emit_line(e, "for (i = 0; i < %lld; i++)", (long long)len);
        e->indent++;
        emit_line(e, "y[o * %lld + %lld + i] = %s[o * %lld + i];", (long long)(y->dims[axis] * inner),
                  (long long)pos, emit_operand(e, n, j), (long long)len);
        e->indent -= 2;
        pos += len;
    }
    emit_end_fn(e);
}

/* ===== element-wise math, Max/Min/Sum/Mean/Pow/PRelu, Clip, reductions,
 * Hardmax, data movement, Split, Size, ConstantOfShape ===== */

static const char *use_math(Emit *e, int which, const char *fmt, const char *v)
{
    e->need_math[which] = 1;
    return arena_printf(e->g->a, fmt, v, v);
}

/* The float formula of an element-wise math op on the C variable v (see math_op in interp.c). */
static const char *math_expr(Emit *e, const Node *n)
{
    Arena *a = e->g->a;
    float al;
    switch (n->op) {
    case OP_EXP: return use_math(e, M_EXP, "tc_expf(%s)", "v");
    case OP_LOG: return use_math(e, M_LOG, "tc_logf(%s)", "v");
    case OP_SQRT: return use_math(e, M_SQRT, "tc_sqrtf(%s)", "v");
    case OP_ABS: return use_math(e, M_FABS, "tc_fabsf(%s)", "v");
    case OP_NEG: return "-v";
    case OP_RECIPROCAL: return "1.0f / v";
    case OP_FLOOR: return use_math(e, M_FLOOR, "tc_floorf(%s)", "v");
    case OP_CEIL: return use_math(e, M_CEIL, "tc_ceilf(%s)", "v");
    case OP_ROUND: return use_math(e, M_NEARBYINT, "tc_nearbyintf(%s)", "v"); /* halves to even */
    case OP_SIGN: return "v > 0.0f ? 1.0f : v < 0.0f ? -1.0f : v";
    case OP_ERF: return use_math(e, M_ERF, "tc_erff(%s)", "v");
    case OP_SIN: return use_math(e, M_SIN, "tc_sinf(%s)", "v");
    case OP_COS: return use_math(e, M_COS, "tc_cosf(%s)", "v");
    case OP_TAN: e->need_math[M_SIN] = e->need_math[M_COS] = 1; return "tc_sinf(v) / tc_cosf(v)";
    /* sinh x = (e^x - e^-x) / 2 through expm1, exact near 0; cosh x = (e^x + e^-x) / 2 */
    case OP_SINH: return use_math(e, M_EXPM1, "0.5f * (tc_expm1f(%s) - tc_expm1f(-%s))", "v");
    case OP_COSH: return use_math(e, M_EXP, "0.5f * (tc_expf(%s) + tc_expf(-%s))", "v");
    case OP_ASIN: return use_math(e, M_ASIN, "tc_asinf(%s)", "v");
    case OP_ACOS: return use_math(e, M_ACOS, "tc_acosf(%s)", "v");
    case OP_ATAN: return use_math(e, M_ATAN, "tc_atanf(%s)", "v");
    case OP_ASINH: return use_math(e, M_ASINH, "tc_asinhf(%s)", "v");
    case OP_ACOSH: return use_math(e, M_ACOSH, "tc_acoshf(%s)", "v");
    case OP_ATANH: return use_math(e, M_ATANH, "tc_atanhf(%s)", "v");
    case OP_ELU:
        e->need_math[M_EXPM1] = 1;
        return arena_printf(a, "v > 0.0f ? v : %s * tc_expm1f(v)", emit_lit(e, n, attr_float(n, "alpha", 1.0f)));
    case OP_SELU:
        e->need_math[M_EXPM1] = 1;
        return arena_printf(a, "%s * (v > 0.0f ? v : %s * tc_expm1f(v))",
                            emit_lit(e, n, attr_float(n, "gamma", 1.05070102214813232421875f)),
                            emit_lit(e, n, attr_float(n, "alpha", 1.67326319217681884765625f)));
    case OP_CELU: /* with alpha > 0 the two terms never overlap */
        al = attr_float(n, "alpha", 1.0f);
        e->need_math[M_EXPM1] = 1;
        return arena_printf(a, "v > 0.0f ? v : %s * tc_expm1f(v / %s)", emit_lit(e, n, al), emit_lit(e, n, al));
    case OP_HARDSIGMOID:
        return arena_printf(a, "%s * v + %s", emit_lit(e, n, attr_float(n, "alpha", 0.2f)), emit_lit(e, n, attr_float(n, "beta", 0.5f)));
    case OP_HARDSWISH: return "v / 6.0f + 0.5f";
    /* Swish, GELU: branch-free forms a loop vectorises (bounds in runtime/tc_math.c) */
    case OP_SWISH:
        al = attr_float(n, "alpha", 1.0f);
        if (al == 1.0f)
            return use_math(e, M_MULSIG, "tc_mul_sigmoidf(%s, %s)", "v");
        e->need_math[M_MULSIG] = 1;
        return arena_printf(a, "tc_mul_sigmoidf(v, %s * v)", emit_lit(e, n, al));
    case OP_SOFTPLUS: return use_math(e, M_SOFTPLUS, "tc_softplusf(%s)", "v");
    case OP_SOFTSIGN: return use_math(e, M_FABS, "%s / (1.0f + tc_fabsf(%s))", "v");
    case OP_THRESHRELU: return arena_printf(a, "v > %s ? v : 0.0f", emit_lit(e, n, attr_float(n, "alpha", 1.0f)));
    case OP_SHRINK: {
        float l = attr_float(n, "lambd", 0.5f), b = attr_float(n, "bias", 0.0f);
        return arena_printf(a, "v < %s ? v + %s : v > %s ? v - %s : 0.0f", emit_lit(e, n, -l), emit_lit(e, n, b), emit_lit(e, n, l),
                            emit_lit(e, n, b));
    }
    case OP_GELU: {
        /* tanh form: 0.5 v (1 + tanh(u)) = v sigmoid(2u), 2u = v (2 sqrt(2/pi) + 2 sqrt(2/pi) 0.044715 v^2) */
        const Attr *ap = attr_get(n, "approximate");
        if (ap && ap->kind == AT_STRING && strcmp(ap->s, "tanh") == 0)
            return use_math(e, M_MULSIG, "tc_mul_sigmoidf(%s, %s * (1.59576912f + 0.0713548162f * v * v))", "v");
        return use_math(e, M_GELU, "tc_geluf(%s)", "v");
    }
    default: BUG("not a math op");
    }
}

void emit_elem(Emit *e, const Node *n)
{
    const char *x = emit_operand(e, n, 0);
    const char *f = math_expr(e, n);
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int i;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++) {", (long long)ir_numel(&e->g->t[n->out[0]]));
    e->indent++;
    emit_line(e, "const float v = %s[i];", x);
    e->indent--;
    if (n->op == OP_HARDSIGMOID || n->op == OP_HARDSWISH) {
        /* t clamped to [0, 1]: HardSigmoid is t, HardSwish v * t */
        e->indent++;
        emit_line(e, "const float t = %s;", f);
        emit_blank(e);
        if (n->op == OP_HARDSWISH) { /* the same value; the ternaries keep gcc from vectorising v * t */
            e->need_math[M_CLAMP01] = 1;
            emit_line(e, "y[i] = v * tc_clamp01(t);");
        } else {
            emit_line(e, "y[i] = (t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t);");
        }
        e->indent--;
    } else {
        emit_blank(e);
        e->indent++;
        emit_line(e, "y[i] = %s;", f);
        e->indent--;
    }
    emit_line(e, "}");
    emit_end_fn(e);
}

/* Nested loops over y's dimensions with o counting outputs; the body at indent depth. */
static void open_loops(Emit *e, const Tensor *y)
{
    int i;
    for (i = 0; i < y->rank; i++)
        emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)%s", 4 * i, "", i, i, (long long)y->dims[i], i,
                  i == y->rank - 1 ? " {" : "");
    if (!y->rank)
        emit_line(e, "{");
}

static void loop_decls(Emit *e, const Tensor *y, const char *more)
{
    Buf decl = {0};
    int i;
    for (i = 0; i < y->rank; i++)
        buf_printf(&decl, "i%d, ", i);
    emit_line(e, "int %so = 0;", decl.p ? decl.p : "");
    if (more)
        emit_line(e, "%s", more);
    emit_blank(e);
    buf_free(&decl);
}

/* The value of input i at the current output position. */
static const char *nary_operand(Emit *e, const Node *n, int i)
{
    const Tensor *x = &e->g->t[n->in[i]], *y = &e->g->t[n->out[0]];
    if (x->f && ir_numel(x) == 1)
        return emit_lit(e, n, x->f[0]);
    return arena_printf(e->g->a, "%s[%s]", emit_operand(e, n, i), bcast_expr(e, x, y));
}

/*
 * Pow by a constant scalar exponent c, without tc_powf where plain arithmetic
 * gives pow's value, special cases included (C99 F.9.4.4); NULL otherwise.
 * The interpreter computes the same formulas in float (interp_pow_small), so
 * the two agree bit for bit.
 *   c = 0: 1 (even for NaN); 1: v; -1: 1 / v (1/±0 = ±inf, 1/-inf = -0);
 *   2: v*v, one rounding: exactly powf's correctly rounded result;
 *   3: v*v*v, 4: (v*v)*(v*v): two roundings, within 2 ulp (tc_powf: 1 ulp);
 *      no intermediate over- or underflow where the result is finite and
 *      normal (|v| < 1: the partial powers are larger, |v| > 1: smaller);
 *      pow(-0, 3) = -0 and pow(-inf, 3) = -inf come out of the products;
 *   -2, -3, -4: the same products of r = 1 / v (the same argument holds for
 *      r; 1/±0 = ±inf and 1/±inf = ±0 give pow's special cases), within
 *      n/2 + (n-1)/2 ulp: 1.5, 2.5, 3.5;
 *   0.5: sqrt, correctly rounded, but pow(-0, 0.5) = +0 where sqrt gives -0
 *      (v + 0.0f is +0 for -0), and pow(-inf, 0.5) = +inf where sqrt gives NaN;
 *   -0.5: 1 / that (two roundings, within 1 ulp), pow(-inf, -0.5) = +0.
 */
static const char *pow_by_const(Emit *e, float c)
{
    if (!interp_pow_is_small(c))
        return NULL;
    if (c == 0.0f)
        return "1.0f";
    if (c == 1.0f)
        return "v";
    if (c == -1.0f)
        return "1.0f / v";
    if (c == 2.0f)
        return "v * v";
    if (c == 3.0f)
        return "v * v * v";
    if (c == 4.0f)
        return "(v * v) * (v * v)";
    if (c == -2.0f)
        return "(1.0f / v) * (1.0f / v)";
    if (c == -3.0f)
        return "(1.0f / v) * (1.0f / v) * (1.0f / v)";
    if (c == -4.0f)
        return "((1.0f / v) * (1.0f / v)) * ((1.0f / v) * (1.0f / v))";
    if (c == 0.5f)
        return use_math(e, M_SQRT, "v < -3.40282347e+38f ? -v : tc_sqrtf(%s + 0.0f)", "v");
    return use_math(e, M_SQRT, "v < -3.40282347e+38f ? 0.0f : 1.0f / tc_sqrtf(%s + 0.0f)", "v");
}

/*
 * Max/Min: v = u > v ? u : v, one input after the other; Sum adds, Mean adds
 * then divides by the count; Pow: v^u (by a constant: pow_by_const); PRelu:
 * v < 0 ? u * v : v.
 */
void emit_nary(Emit *e, const Node *n)
{
    const Tensor *y = &e->g->t[n->out[0]];
    int k, d = 4 * y->rank;
    const char **ops = arena_array(e->g->a, (size_t)n->n_in, sizeof *ops);
    const Tensor *u = n->op == OP_POW ? &e->g->t[n->in[1]] : NULL;
    const char *pc = u && u->dtype == DT_FLOAT && u->f && ir_numel(u) == 1 ? pow_by_const(e, u->f[0]) : NULL;
    for (k = 0; k < n->n_in; k++)
        ops[k] = nary_operand(e, n, k);
    if (n->op == OP_POW && !pc)
        e->need_math[M_POW] = 1;
    if (n->op == OP_MOD)
        e->need_math[M_FMOD] = 1;
    emit_begin_fn(e, n, "", "");
    loop_decls(e, y, n->n_in > 1 && (n->op == OP_MAX || n->op == OP_MIN) ? "float v, u;" : "float v;");
    open_loops(e, y);
    emit_line(e, "%*sv = %s;", d, "", ops[0]);
    for (k = 1; k < n->n_in; k++)
        switch (n->op) {
        case OP_MAX: case OP_MIN:
            emit_line(e, "%*su = %s;", d, "", ops[k]);
            emit_line(e, "%*sv = u %c v ? u : v;", d, "", n->op == OP_MAX ? '>' : '<');
            break;
        case OP_SUM: case OP_MEAN: emit_line(e, "%*sv += %s;", d, "", ops[k]); break;
        case OP_POW:
            if (pc && strcmp(pc, "v") != 0)
                emit_line(e, "%*sv = %s;", d, "", pc);
            else if (!pc)
                emit_line(e, "%*sv = tc_powf(v, %s);", d, "", ops[k]);
            break;
        case OP_PRELU: emit_line(e, "%*sv = v < 0.0f ? %s * v : v;", d, "", ops[k]); break;
        case OP_MOD: emit_line(e, "%*sv = tc_fmodf(v, %s);", d, "", ops[k]); break;
        default: BUG("not a variadic op");
        }
    if (n->op == OP_MEAN && n->n_in > 1)
        emit_line(e, "%*sv /= %d.0f;", d, "", n->n_in);
    emit_line(e, "%*sy[o++] = v;", d, "");
    emit_line(e, "%*s}", y->rank ? 4 * (y->rank - 1) : 0, "");
    emit_end_fn(e);
}

void emit_clip(Emit *e, const Node *n)
{
    float lo = 0, hi = 0;
    int has = clip_bounds(e->g, n, &lo, &hi);
    /* an infinite bound is no bound */
    if ((has & 1) && lo < -3.4028235e38f)
        has &= ~1;
    if ((has & 2) && hi > 3.4028235e38f)
        has &= ~2;
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int i;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++) {", (long long)ir_numel(&e->g->t[n->out[0]]));
    e->indent++;
    emit_line(e, "float v = %s[i];", emit_operand(e, n, 0));
    emit_blank(e);
    if (has & 1)
        emit_line(e, "v = v < %s ? %s : v;", emit_lit(e, n, lo), emit_lit(e, n, lo));
    if (has & 4)
        emit_line(e, "v = v < x1[0] ? x1[0] : v;");
    if (has & 2)
        emit_line(e, "v = v > %s ? %s : v;", emit_lit(e, n, hi), emit_lit(e, n, hi));
    if (has & 8)
        emit_line(e, "v = v > x2[0] ? x2[0] : v;");
    emit_line(e, "y[i] = v;");
    e->indent--;
    emit_line(e, "}");
    emit_end_fn(e);
}

/*
 * Reductions: loops over the kept axes outside, the reduced axes inside;
 * x[...] is read at kept + reduced offsets. Max/Min start from the first
 * element; LogSumExp = m + log(sum e^(x - m)) with m the maximum.
 */
void emit_reduce(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    OpKind op = n->op;
    int reduced[TC_MAX_RANK], d, depth = 0, nred = 0;
    int64_t stride[TC_MAX_RANK], s = 1, count = 1;
    Buf kept = {0}, red = {0}, decl = {0};
    const char *xn = emit_operand(e, n, 0), *xv, *xk, *res = "acc";
    reduce_axes(e->g, n, reduced);
    for (d = x->rank - 1; d >= 0; d--) {
        stride[d] = s;
        s *= x->dims[d];
    }
    for (d = 0; d < x->rank; d++) {
        Buf *b = reduced[d] ? &red : &kept;
        if (x->dims[d] == 1)
            continue;
        buf_printf(&decl, "i%d, ", d);
        if (stride[d] == 1)
            buf_printf(b, "%si%d", b->len ? " + " : "", d);
        else
            buf_printf(b, "%si%d * %lld", b->len ? " + " : "", d, (long long)stride[d]);
        if (reduced[d])
            count *= x->dims[d], nred++;
    }
    xk = arena_printf(e->g->a, "%s[%s]", xn, kept.p ? kept.p : "0");
    xv = arena_printf(e->g->a, "%s[%s%s%s]", xn, kept.p ? kept.p : "", kept.p && red.p ? " + " : "", red.p ? red.p : (kept.p ? "" : "0"));
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int %so = 0;", decl.p ? decl.p : "");
    emit_line(e, "float acc%s;", op == OP_REDUCELOGSUMEXP ? ", m" : "");
    emit_blank(e);
    for (d = 0; d < x->rank; d++)
        if (!reduced[d] && x->dims[d] != 1) {
            emit_line(e, "for (i%d = 0; i%d < %lld; i%d++)", d, d, (long long)x->dims[d], d);
            e->indent++, depth++;
        }
    emit_line(e, "{");
    e->indent++;
    /* one pass over the reduced elements, whose loops open at 'for' and close after 'stmt' */
#define REDUCE_PASS(init, stmt)                                                               \
    do {                                                                                      \
        emit_line(e, "%s", init);                                                                  \
        for (d = 0; d < x->rank; d++)                                                         \
            if (reduced[d] && x->dims[d] != 1) {                                              \
                emit_line(e, "for (i%d = 0; i%d < %lld; i%d++)", d, d, (long long)x->dims[d], d); \
                e->indent++;                                                                  \
            }                                                                                 \
        emit_line(e, "%s", stmt);                                                                  \
        e->indent -= nred;                                                                    \
    } while (0)
    switch (op) {
    case OP_REDUCEMAX: case OP_REDUCEMIN:
        REDUCE_PASS(arena_printf(e->g->a, "acc = %s;", xk),
                    arena_printf(e->g->a, "acc = %s %c acc ? %s : acc;", xv, op == OP_REDUCEMAX ? '>' : '<', xv));
        break;
    case OP_REDUCEPROD: REDUCE_PASS("acc = 1.0f;", arena_printf(e->g->a, "acc *= %s;", xv)); break;
    case OP_REDUCEL1:
        e->need_math[M_FABS] = 1;
        REDUCE_PASS("acc = 0.0f;", arena_printf(e->g->a, "acc += tc_fabsf(%s);", xv));
        break;
    case OP_REDUCEL2: case OP_REDUCESUMSQUARE:
        REDUCE_PASS("acc = 0.0f;", arena_printf(e->g->a, "acc += %s * %s;", xv, xv));
        if (op == OP_REDUCEL2)
            e->need_math[M_SQRT] = 1, res = "tc_sqrtf(acc)";
        break;
    case OP_REDUCELOGSUMEXP:
        REDUCE_PASS(arena_printf(e->g->a, "m = %s;", xk), arena_printf(e->g->a, "m = %s > m ? %s : m;", xv, xv));
        REDUCE_PASS("acc = 0.0f;", arena_printf(e->g->a, "acc += tc_expf(%s - m);", xv));
        e->need_math[M_EXP] = e->need_math[M_LOG] = 1;
        res = "m + tc_logf(acc)";
        break;
    default: /* Sum, Mean, LogSum */
        REDUCE_PASS("acc = 0.0f;", arena_printf(e->g->a, "acc += %s;", xv));
        if (op == OP_REDUCEMEAN)
            res = arena_printf(e->g->a, "acc / %lld.0f", (long long)count);
        else if (op == OP_REDUCELOGSUM)
            e->need_math[M_LOG] = 1, res = "tc_logf(acc)";
        break;
    }
#undef REDUCE_PASS
    emit_line(e, "y[o++] = %s;", res);
    e->indent--;
    emit_line(e, "}");
    e->indent -= depth;
    emit_end_fn(e);
    buf_free(&kept);
    buf_free(&red);
    buf_free(&decl);
}

void emit_hardmax(Emit *e, const Node *n)
{
    int64_t outer, len, inner;
    const char *x = emit_operand(e, n, 0);
    softmax_extent(e->g, n, &e->g->t[n->in[0]], &outer, &len, &inner);
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int o, j, k, b;");
    emit_blank(e);
    emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
    e->indent++;
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)inner);
    e->indent = 2;
    emit_line(e, "const float *xp = %s + o * %lld + j;", x, (long long)(len * inner));
    emit_line(e, "float *yp = y + o * %lld + j;", (long long)(len * inner));
    emit_blank(e);
    emit_line(e, "/* 1 at the first maximum */");
    emit_line(e, "for (k = 1, b = 0; k < %lld; k++)", (long long)len);
    e->indent++;
    emit_line(e, "b = xp[k * %lld] > xp[b * %lld] ? k : b;", (long long)inner, (long long)inner);
    e->indent--;
    emit_line(e, "for (k = 0; k < %lld; k++)", (long long)len);
    e->indent++;
    emit_line(e, "yp[k * %lld] = k == b ? 1.0f : 0.0f;", (long long)inner);
    e->indent = 1;
    emit_line(e, "}");
    emit_end_fn(e);
}

/*
 * Transpose, Slice, Expand, Tile: y[o++] = x[base + sum i_k * stride_k] over
 * the map's axes, after dropping axes of length 1 and merging axes that are
 * contiguous in x.
 */
void emit_copy(Emit *e, const Node *n)
{
    CopyMap m;
    int64_t dims[2 * TC_MAX_RANK], stride[2 * TC_MAX_RANK];
    int r = 0, k;
    Buf idx = {0}, decl = {0};
    const char *x = emit_operand(e, n, 0);
    copy_map(e->g, n, &m);
    for (k = 0; k < m.rank; k++) {
        if (m.dims[k] == 1)
            continue;
        if (r > 0 && stride[r - 1] == m.stride[k] * m.dims[k]) {
            dims[r - 1] *= m.dims[k];
            stride[r - 1] = m.stride[k];
            continue;
        }
        dims[r] = m.dims[k];
        stride[r++] = m.stride[k];
    }
    emit_begin_fn(e, n, "", "");
    if (ir_numel(&e->g->t[n->out[0]]) == 0) {
        emit_line(e, "(void)y;");
        if (!ir_is_const(&e->g->t[n->in[0]]))
            emit_line(e, "(void)x0;");
        emit_end_fn(e);
        return;
    }
    buf_printf(&idx, "%lld", (long long)m.base);
    for (k = 0; k < r; k++) {
        buf_printf(&decl, "i%d, ", k);
        if (stride[k] == 1 || stride[k] == -1)
            buf_printf(&idx, " %c i%d", stride[k] < 0 ? '-' : '+', k);
        else if (stride[k] != 0)
            buf_printf(&idx, " %c i%d * %lld", stride[k] < 0 ? '-' : '+', k,
                       (long long)(stride[k] < 0 ? -stride[k] : stride[k]));
    }
    emit_line(e, "int %so = 0;", decl.p ? decl.p : "");
    emit_blank(e);
    for (k = 0; k < r; k++)
        emit_line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)", 4 * k, "", k, k, (long long)dims[k], k);
    emit_line(e, "%*sy[o++] = %s[%s];", 4 * r, "", x, idx.p);
    emit_end_fn(e);
    buf_free(&idx);
    buf_free(&decl);
}

/* Split: output j takes its slab of every outer block of x; outputs are y, y1, y2, ... */
void emit_split(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int axis = (int)attr_int(n, "axis", 0), i, j;
    int64_t outer = 1, inner = 1, pos = 0;
    const char *xn = emit_operand(e, n, 0);
    if (axis < 0)
        axis += x->rank;
    for (i = 0; i < axis; i++)
        outer *= x->dims[i];
    for (i = axis + 1; i < x->rank; i++)
        inner *= x->dims[i];
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int o, i;");
    emit_blank(e);
    for (j = 0; j < n->n_out; j++) {
        int64_t len = e->g->t[n->out[j]].dims[axis] * inner;
        const char *y = j ? arena_printf(e->g->a, "y%d", j) : "y";
        if (len == 0) {
            emit_line(e, "(void)%s;", y);
            continue;
        }
        emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
        e->indent++;
        emit_line(e, "for (i = 0; i < %lld; i++)", (long long)len);
        e->indent++;
        emit_line(e, "%s[o * %lld + i] = %s[o * %lld + %lld + i];", y, (long long)len, xn,
                  (long long)(x->dims[axis] * inner), (long long)pos);
        e->indent -= 2;
        pos += len;
    }
    emit_end_fn(e);
}

/* ConstantOfShape reaches the emitter only as a graph output. */
void emit_constofshape(Emit *e, const Node *n)
{
    const Attr *at = attr_get(n, "value");
    const Tensor *y = &e->g->t[n->out[0]];
    if (y->dtype != DT_FLOAT)
        node_error(e->g, n, "integer tensors at run time are not supported");
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int i;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)ir_numel(y));
    e->indent++;
    emit_line(e, "y[i] = %s;", emit_lit(e, n, at ? at->t->f[0] : 0.0f));
    e->indent--;
    emit_end_fn(e);
}

/* Cast at run time: float to float only, a copy. */
void emit_cast(Emit *e, const Node *n)
{
    const Tensor *y = &e->g->t[n->out[0]];
    if (y->dtype != DT_FLOAT || e->g->t[n->in[0]].dtype != DT_FLOAT)
        node_error(e->g, n, "casts between float and integer tensors are supported only at compile time");
    if (emit_cast_round(e, n)) /* to float16 or bfloat16 (emit_types.c) */
        return;
    emit_begin_fn(e, n, "", " -- float to float, a copy");
    emit_line(e, "int i;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)ir_numel(y));
    e->indent++;
    emit_line(e, "y[i] = %s[i];", emit_operand(e, n, 0));
    e->indent--;
    emit_end_fn(e);
}

/* Whether sequence_lens may stop a sequence early: given, and not a constant of full lengths. */
static int rnn_partial(const Graph *g, const Node *n)
{
    const Tensor *sl = n->n_in > 4 && n->in[4] != TC_NONE ? &g->t[n->in[4]] : NULL;
    int64_t k, T = g->t[n->in[0]].dims[attr_int(n, "layout", 0) ? 1 : 0];
    if (!sl)
        return 0;
    for (k = 0; sl->i && k < ir_numel(sl); k++)
        if (sl->i[k] != T)
            return 1;
    return !sl->i;
}

/* RNN, GRU, LSTM: the recurrences of eval_rnn in interp.c, in float, as loops. */
void emit_rnn(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    int layout = (int)attr_int(n, "layout", 0), lbr = (int)attr_int(n, "linear_before_reset", 0);
    const Attr *dir = attr_get(n, "direction");
    int64_t G = rnn_gates(n->op), Tn = x->dims[layout ? 1 : 0], Bn = x->dims[layout ? 0 : 1], I = x->dims[2];
    int64_t D = y->dims[layout ? 2 : 1], H = y->dims[3], GH = G * H;
    int has_b = n->n_in > 3 && n->in[3] != TC_NONE, has_h0 = n->n_in > 5 && n->in[5] != TC_NONE;
    int has_c0 = n->op == OP_LSTM && n->n_in > 6 && n->in[6] != TC_NONE;
    int has_p = n->op == OP_LSTM && n->n_in > 7 && n->in[7] != TC_NONE;
    int reverse = dir && dir->kind == AT_STRING && strcmp(dir->s, "reverse") == 0, has_sl = rnn_partial(g, n);
    const char *X = emit_operand(e, n, 0), *W = emit_operand(e, n, 1), *R = emit_operand(e, n, 2);
    const char *Bs = has_b ? emit_operand(e, n, 3) : NULL, *P = has_p ? emit_operand(e, n, 7) : NULL;
    const char *clip_lo = NULL, *clip_hi = NULL;
    const char *hi = arena_printf(g->a, "(d * %lld + b) * %lld", (long long)Bn, (long long)H);
    /* Y and Y_h/Y_c positions of (t, d, b) and (d, b) */
    const char *yo = layout ? arena_printf(g->a, "((b * %lld + t) * %lld + d) * %lld", (long long)Tn, (long long)D, (long long)H)
                            : arena_printf(g->a, "((t * %lld + d) * %lld + b) * %lld", (long long)D, (long long)Bn, (long long)H);
    const char *ho = layout ? arena_printf(g->a, "(b * %lld + d) * %lld", (long long)D, (long long)H) : hi;
    if (attr_get(n, "clip")) {
        clip_hi = emit_lit(e, n, attr_float(n, "clip", 0.0f));
        clip_lo = emit_lit(e, n, -attr_float(n, "clip", 0.0f));
    }
    e->need_math[M_TANH] = 1;
    if (n->op != OP_RNN)
        e->need_math[M_SIGMOID] = 1;
#define CL(v) (clip_lo ? arena_printf(g->a, "%s_clip(%s)", emit_fn_name(e, n), v) : (v))
    if (clip_lo) { /* gate inputs clamped to [-clip, clip] */
        e->out = &e->fns;
        e->indent = 0;
        emit_line(e, "static float %s_clip(float v)", emit_fn_name(e, n));
        emit_line(e, "{");
        e->indent++;
        emit_line(e, "return v < %s ? %s : v > %s ? %s : v;", clip_lo, clip_lo, clip_hi, clip_hi);
        e->indent--;
        emit_line(e, "}");
        emit_blank(e);
    }
    emit_begin_fn(e, n, "", "");
    emit_line(e, "static float h[%lld], ga[%lld];", (long long)(D * Bn * H), (long long)(GH + H));
    if (n->op == OP_LSTM)
        emit_line(e, "static float cs[%lld];", (long long)(D * Bn * H));
    emit_line(e, "int d, s, t, b, j, k;");
    emit_blank(e);
    /* initial states are [D,B,H], or [B,D,H] with layout 1 */
    emit_line(e, "for (d = 0; d < %lld; d++)", (long long)D);
    e->indent++;
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)Bn);
    e->indent++;
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)H);
    e->indent++;
    emit_line(e, "h[%s + j] = %s;", hi, has_h0 ? arena_printf(g->a, "%s[%s + j]", emit_operand(e, n, 5), ho) : "0.0f");
    if (n->op == OP_LSTM)
        emit_line(e, "cs[%s + j] = %s;", hi, has_c0 ? arena_printf(g->a, "%s[%s + j]", emit_operand(e, n, 6), ho) : "0.0f");
    e->indent--;
    emit_line(e, "}");
    e->indent -= 2;
    emit_line(e, "for (d = 0; d < %lld; d++)", (long long)D);
    e->indent++;
    emit_line(e, "for (s = 0; s < %lld; s++) {", (long long)Tn);
    e->indent = 2;
    if (has_sl)
        ;
    else if (D == 2)
        emit_line(e, "t = d == 1 ? %lld - s : s;", (long long)(Tn - 1));
    else if (reverse)
        emit_line(e, "t = %lld - s;", (long long)(Tn - 1));
    else
        emit_line(e, "t = s;");
    emit_line(e, "for (b = 0; b < %lld; b++) {", (long long)Bn);
    e->indent = 3;
    if (has_sl) { /* batch b takes L steps (the reverse direction from step L - 1); Y is 0 after them */
        emit_line(e, "long long L = (long long)%s[b];", emit_operand(e, n, 4));
        emit_blank(e);
        emit_line(e, "if (L < 1 || L > %lld)", (long long)Tn);
        emit_line(e, "    L = %lld; /* outside 1..T (undefined in ONNX): the whole sequence */", (long long)Tn);
        emit_line(e, "t = s;");
        emit_line(e, "if (s >= L) {");
        emit_line(e, "    for (j = 0; j < %lld; j++)", (long long)H);
        emit_line(e, "        y[%s + j] = 0.0f;", yo);
        emit_line(e, "    continue;");
        emit_line(e, "}");
        if (D == 2)
            emit_line(e, "if (d == 1)");
        if (D == 2 || reverse)
            emit_line(e, "%st = (int)(L - 1 - s);", D == 2 ? "    " : "");
    }
    emit_line(e, "const float *xt = %s + %s * %lld;", X, layout ? arena_printf(g->a, "(b * %lld + t)", (long long)Tn)
              : arena_printf(g->a, "(t * %lld + b)", (long long)Bn), (long long)I);
    if (n->op == OP_LSTM)
        emit_line(e, "float *hp = h + %s, *cp = cs + %s;", hi, hi);
    else
        emit_line(e, "float *hp = h + %s;", hi);
    emit_blank(e);
    emit_line(e, "/* gate inputs: x W^T + Wb, plus h R^T + Rb%s */", n->op == OP_GRU ? " for z and r" : "");
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)GH);
    e->indent++;
    emit_line(e, "float a = %s;", has_b ? arena_printf(g->a, "%s[d * %lld + j]", Bs, (long long)(2 * GH)) : "0.0f");
    emit_blank(e);
    emit_line(e, "for (k = 0; k < %lld; k++)", (long long)I);
    e->indent++;
    emit_line(e, "a += xt[k] * %s[(d * %lld + j) * %lld + k];", W, (long long)GH, (long long)I);
    e->indent--;
    emit_line(e, "%s{", n->op == OP_GRU ? arena_printf(g->a, "if (j < %lld) ", (long long)(2 * H)) : "");
    if (has_b)
        emit_line(e, "    a += %s[d * %lld + %lld + j];", Bs, (long long)(2 * GH), (long long)GH);
    e->indent++;
    emit_line(e, "for (k = 0; k < %lld; k++)", (long long)H);
    e->indent++;
    emit_line(e, "a += hp[k] * %s[(d * %lld + j) * %lld + k];", R, (long long)GH, (long long)H);
    e->indent -= 2;
    emit_line(e, "}");
    emit_line(e, "ga[j] = a;");
    e->indent--;
    emit_line(e, "}");
    if (n->op == OP_GRU) {
        emit_line(e, "for (j = 0; j < %lld; j++) /* r */", (long long)H);
        e->indent++;
        emit_line(e, "ga[%lld + j] = tc_sigmoidf(%s);", (long long)H, CL(arena_printf(g->a, "ga[%lld + j]", (long long)H)));
        e->indent--;
    }
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)H);
    e->indent = 4;
    if (n->op == OP_RNN) {
        emit_line(e, "ga[%lld + j] = tc_tanhf(%s);", (long long)GH, CL("ga[j]"));
    } else if (n->op == OP_GRU) {
        emit_line(e, "const float z = tc_sigmoidf(%s);", CL("ga[j]"));
        emit_line(e, "float hr = %s;", has_b ? arena_printf(g->a, "%s[d * %lld + %lld + j]", Bs, (long long)(2 * GH), (long long)(GH + 2 * H)) : "0.0f");
        emit_blank(e);
        emit_line(e, "for (k = 0; k < %lld; k++)", (long long)H);
        e->indent++;
        emit_line(e, "hr += %s * %s[(d * %lld + %lld + j) * %lld + k];", lbr ? "hp[k]" : arena_printf(g->a, "ga[%lld + k] * hp[k]", (long long)H),
                  R, (long long)GH, (long long)(2 * H), (long long)H);
        e->indent--;
        if (lbr)
            emit_line(e, "hr *= ga[%lld + j];", (long long)H);
        emit_line(e, "ga[%lld + j] = (1.0f - z) * tc_tanhf(%s) + z * hp[j];", (long long)GH,
                  CL(arena_printf(g->a, "ga[%lld + j] + hr", (long long)(2 * H))));
    } else {
        /* peephole terms P[d][gate] * C; i and f see the old C, o the new one */
        const char *pi = has_p ? arena_printf(g->a, " + %s[d * %lld + j] * cp[j]", P, (long long)(3 * H)) : "";
        const char *po = has_p ? arena_printf(g->a, " + %s[d * %lld + %lld + j] * cp[j]", P, (long long)(3 * H), (long long)H) : "";
        const char *pf = has_p ? arena_printf(g->a, " + %s[d * %lld + %lld + j] * cp[j]", P, (long long)(3 * H), (long long)(2 * H)) : "";
        emit_line(e, "const float ig = tc_sigmoidf(%s);", CL(arena_printf(g->a, "ga[j]%s", pi)));
        emit_line(e, "const float fg = tc_sigmoidf(%s);", CL(arena_printf(g->a, "ga[%lld + j]%s", (long long)(2 * H), pf)));
        emit_line(e, "const float cc = tc_tanhf(%s);", CL(arena_printf(g->a, "ga[%lld + j]", (long long)(3 * H))));
        emit_blank(e);
        emit_line(e, "cp[j] = fg * cp[j] + ig * cc;");
        emit_line(e, "ga[%lld + j] = tc_sigmoidf(%s) * tc_tanhf(cp[j]);", (long long)GH,
                  CL(arena_printf(g->a, "ga[%lld + j]%s", (long long)H, po)));
    }
    e->indent = 3;
    emit_line(e, "}");
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)H);
    e->indent++;
    emit_line(e, "hp[j] = ga[%lld + j];", (long long)GH);
    emit_line(e, "y[%s + j] = hp[j];", yo);
    e->indent--;
    emit_line(e, "}");
    e->indent = 2;
    emit_line(e, "}");
    e->indent = 1;
    emit_line(e, "}");
    if (n->n_out > 1) {
        emit_line(e, "for (d = 0; d < %lld; d++)", (long long)D);
        e->indent++;
        emit_line(e, "for (b = 0; b < %lld; b++)", (long long)Bn);
        e->indent++;
        emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)H);
        e->indent++;
        emit_line(e, "y1[%s + j] = h[%s + j];", ho, hi);
        if (n->n_out > 2)
            emit_line(e, "y2[%s + j] = cs[%s + j];", ho, hi);
        e->indent--;
        emit_line(e, "}");
        e->indent -= 2;
    }
#undef CL
    emit_end_fn(e);
}

/* LRN: see eval_lrn; tc_powf for the exponent. */
void emit_lrn(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int64_t size = attr_int(n, "size", 1), C = x->dims[1], S = 1;
    /* window reach below and above c, at most the channels there are */
    int64_t below = (size - 1) / 2 < C ? (size - 1) / 2 : C, above = size / 2 < C ? size / 2 : C;
    int i;
    for (i = 2; i < x->rank; i++)
        S *= x->dims[i];
    e->need_math[M_POW] = 1;
    emit_begin_fn(e, n, "", "");
    emit_line(e, "int b, c, s, k;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)x->dims[0]);
    e->indent++;
    emit_line(e, "for (c = 0; c < %lld; c++)", (long long)C);
    e->indent++;
    emit_line(e, "for (s = 0; s < %lld; s++) {", (long long)S);
    e->indent = 3;
    emit_line(e, "const int lo = c - %lld < 0 ? 0 : c - %lld, hi = c + %lld > %lld ? %lld : c + %lld;", (long long)below,
              (long long)below, (long long)above, (long long)(C - 1), (long long)(C - 1), (long long)above);
    emit_line(e, "const float *xp = %s + b * %lld + s;", emit_operand(e, n, 0), (long long)(C * S));
    emit_line(e, "float sum = 0.0f;");
    emit_blank(e);
    emit_line(e, "for (k = lo; k <= hi; k++)");
    e->indent++;
    emit_line(e, "sum += xp[k * %lld] * xp[k * %lld];", (long long)S, (long long)S);
    e->indent--;
    emit_line(e, "y[(b * %lld + c) * %lld + s] = xp[c * %lld] / tc_powf(%s + %s * sum, %s);", (long long)C, (long long)S,
              (long long)S, emit_lit(e, n, attr_float(n, "bias", 1.0f)), emit_lit(e, n, attr_float(n, "alpha", 1e-4f) / (float)size),
              emit_lit(e, n, attr_float(n, "beta", 0.75f)));
    e->indent = 1;
    emit_line(e, "}");
    emit_end_fn(e);
}

/* MeanVarianceNormalization: per group of the kept axes, sums of x and x^2, then y. */
void emit_mvn(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int reduced[TC_MAX_RANK], d, depth = 0, nred = 0;
    int64_t stride[TC_MAX_RANK], s = 1, count = 1;
    Buf idx = {0}, decl = {0};
    const char *xn = emit_operand(e, n, 0);
    mvn_axes(e->g, n, reduced);
    for (d = x->rank - 1; d >= 0; d--) {
        stride[d] = s;
        s *= x->dims[d];
    }
    for (d = 0; d < x->rank; d++) {
        if (x->dims[d] == 1)
            continue;
        buf_printf(&decl, "i%d, ", d);
        buf_printf(&idx, "%si%d * %lld", idx.len ? " + " : "", d, (long long)stride[d]);
        if (reduced[d])
            count *= x->dims[d], nred++;
    }
    emit_begin_fn(e, n, "", "");
    e->need_math[M_SQRT] = 1;
    if (decl.len)
        emit_line(e, "int %.*s;", (int)decl.len - 2, decl.p);
    emit_line(e, "float sum, sq, m, sd;");
    emit_blank(e);
    for (d = 0; d < x->rank; d++)
        if (!reduced[d] && x->dims[d] != 1) {
            emit_line(e, "for (i%d = 0; i%d < %lld; i%d++)", d, d, (long long)x->dims[d], d);
            e->indent++, depth++;
        }
    emit_line(e, "{");
    e->indent++;
#define MVN_PASS(stmt)                                                                        \
    do {                                                                                      \
        for (d = 0; d < x->rank; d++)                                                         \
            if (reduced[d] && x->dims[d] != 1) {                                              \
                emit_line(e, "for (i%d = 0; i%d < %lld; i%d++)", d, d, (long long)x->dims[d], d); \
                e->indent++;                                                                  \
            }                                                                                 \
        emit_line(e, "%s", stmt);                                                                  \
        e->indent -= nred;                                                                    \
    } while (0)
    emit_line(e, "sum = sq = 0.0f;");
    MVN_PASS(arena_printf(e->g->a, "sum += %s[%s], sq += %s[%s] * %s[%s];", xn, idx.p ? idx.p : "0", xn, idx.p ? idx.p : "0",
                          xn, idx.p ? idx.p : "0"));
    emit_line(e, "m = sum / %lld.0f;", (long long)count);
    emit_line(e, "/* y = (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9) */");
    emit_line(e, "sd = tc_sqrtf(sq / %lld.0f - m * m) + 1e-9f;", (long long)count);
    MVN_PASS(arena_printf(e->g->a, "y[%s] = (%s[%s] - m) / sd;", idx.p ? idx.p : "0", xn, idx.p ? idx.p : "0"));
#undef MVN_PASS
    e->indent--;
    emit_line(e, "}");
    e->indent -= depth;
    emit_end_fn(e);
    buf_free(&idx);
    buf_free(&decl);
}

/* Det: eval_det's elimination in float, one matrix at a time. */
void emit_det(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int64_t M = x->dims[x->rank - 1];
    emit_begin_fn(e, n, "", "");
    emit_line(e, "float a[%lld], det, t, f;", (long long)(M * M));
    emit_line(e, "int q, i, j, k, p;");
    emit_blank(e);
    emit_line(e, "for (q = 0; q < %lld; q++) {", (long long)ir_numel(&e->g->t[n->out[0]]));
    e->indent = 2;
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)(M * M));
    e->indent++;
    emit_line(e, "a[i] = %s[q * %lld + i];", emit_operand(e, n, 0), (long long)(M * M));
    e->indent--;
    emit_line(e, "det = 1.0f;");
    emit_line(e, "for (k = 0; k < %lld && det != 0.0f; k++) {", (long long)M);
    e->indent++;
    emit_line(e, "/* partial pivoting: the largest |a[i][k]| for i >= k */");
    emit_line(e, "for (p = k, i = k + 1; i < %lld; i++)", (long long)M);
    e->indent++;
    emit_line(e, "p = (a[i * %lld + k] < 0.0f ? -a[i * %lld + k] : a[i * %lld + k]) >", (long long)M, (long long)M, (long long)M);
    e->indent++;
    emit_line(e, "(a[p * %lld + k] < 0.0f ? -a[p * %lld + k] : a[p * %lld + k]) ? i : p;", (long long)M, (long long)M, (long long)M);
    e->indent -= 2;
    emit_line(e, "if (p != k) {");
    e->indent++;
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)M);
    e->indent++;
    emit_line(e, "t = a[k * %lld + j];", (long long)M);
    emit_line(e, "a[k * %lld + j] = a[p * %lld + j];", (long long)M, (long long)M);
    emit_line(e, "a[p * %lld + j] = t;", (long long)M);
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "det = -det;");
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "det *= a[k * %lld + k];", (long long)M);
    emit_line(e, "for (i = k + 1; i < %lld && det != 0.0f; i++) {", (long long)M);
    e->indent++;
    emit_line(e, "f = a[i * %lld + k] / a[k * %lld + k];", (long long)M, (long long)M);
    emit_line(e, "for (j = k + 1; j < %lld; j++)", (long long)M);
    e->indent++;
    emit_line(e, "a[i * %lld + j] -= f * a[k * %lld + j];", (long long)M, (long long)M);
    e->indent -= 2;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "y[q] = det;");
    e->indent = 1;
    emit_line(e, "}");
    emit_end_fn(e);
}

void emit_only_const(Emit *e, const Node *n)
{
    node_error(e->g, n, "supported only when its inputs are constants (it is folded at compile time)");
}
