/*
 * emit.c - the C back end. One emit_<class> function per op class.
 *
 * The generated file is laid out as:
 *   header comment (tool, model, SHA-256, options)
 *   runtime pieces the model needs (tc_expf, ...), copied from runtime/
 *   weights and other constants (static const)
 *   the static arena
 *   one static function per node (or several, for unrolled layers)
 *   <prefix>_run(), which calls the node functions in order
 *   optionally main(), the raw-float32 stdin/stdout test driver
 *
 * Layers with constant weights (Gemm, MatMul) are emitted either unrolled
 * (each output neuron a straight-line sum over its nonzero weights only,
 * the weights as literals) or dense (a loop nest over a weight table in
 * an order compilers vectorise).
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"

struct Emit {
    Graph *g;
    const EmitOptions *opt;
    Buf *out;      /* where line() writes */
    int indent;
    Buf consts;    /* static const tables */
    Buf fns;       /* node functions */
    Buf run;       /* body of <prefix>_run */
    char *emitted_const; /* per tensor: table already written */
    int need_math[32];   /* runtime blocks by index into math_names */
    int used_fma;        /* TC_FMA appears in the code */
    int used_vec;        /* TC_VEC blocks appear in the code */
    int used_ld;         /* bit n-1: TC_LD<n> appears in the code (weight streams) */
};

/* ---- text helpers ---- */

static void line(Emit *e, const char *fmt, ...) TC_PRINTF(2, 3);
static void line(Emit *e, const char *fmt, ...)
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

static void blank(Emit *e) { buf_add(e->out, "\n", 1); }

void emit_float(char *buf, size_t size, float v)
{
    int prec;
    char *end;
    for (prec = 1; prec <= 9; prec++) {
        snprintf(buf, size, "%.*g", prec, (double)v);
        if (strtof(buf, &end) == v && *end == 0)
            break;
    }
    if (!strchr(buf, '.') && !strchr(buf, 'e') && !strchr(buf, 'n'))
        strncat(buf, ".0", size - strlen(buf) - 1);
    strncat(buf, "f", size - strlen(buf) - 1);
}

/* Identifiers: [A-Za-z0-9_] only, never empty, at most size-1 chars. */
void sanitize_ident(char *dst, size_t size, const char *src)
{
    size_t n = 0;
    for (; *src && n + 1 < size; src++) {
        char c = *src;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!ok && (n == 0 || dst[n - 1] == '_'))
            continue;
        dst[n++] = ok ? c : '_';
    }
    while (n > 0 && dst[n - 1] == '_')
        n--;
    dst[n] = 0;
}

/*
 * Comment text: printable ASCII without '*', '\\', '?' or '#', so it can
 * neither close the comment, splice lines, form a trigraph nor start a
 * directive.
 */
void sanitize_comment(char *dst, size_t size, const char *src)
{
    size_t n = 0;
    for (; *src && n + 1 < size; src++) {
        unsigned char c = (unsigned char)*src;
        dst[n++] = (c >= 32 && c < 127 && c != '*' && c != '\\' && c != '?' && c != '#') ? (char)c : '_';
    }
    if (*src && size > 4) {
        n = n > size - 4 ? size - 4 : n;
        memcpy(dst + n, "...", 3);
        n += 3;
    }
    dst[n] = 0;
}

static const char *cname(Emit *e, const char *s)
{
    char buf[48];
    sanitize_ident(buf, sizeof buf, s);
    return arena_strdup(e->g->a, buf);
}

static const char *comment(Emit *e, const char *s)
{
    char buf[120];
    sanitize_comment(buf, sizeof buf, s);
    return arena_strdup(e->g->a, buf);
}

static const char *num(Emit *e, int64_t v) /* 235200 -> "235,200" */
{
    char raw[32], out[48];
    int len, i, j = 0;
    snprintf(raw, sizeof raw, "%lld", (long long)v);
    len = (int)strlen(raw);
    for (i = 0; i < len; i++) {
        if (i > 0 && raw[i] != '-' && (len - i) % 3 == 0 && raw[i - 1] != '-')
            out[j++] = ',';
        out[j++] = raw[i];
    }
    out[j] = 0;
    return arena_strdup(e->g->a, out);
}

static const char *lit(Emit *e, const Node *n, float v)
{
    char buf[48];
    if (v != v || v - v != 0.0f)
        node_error(e->g, n, "a constant is NaN or infinite; ticketc does not emit such literals");
    emit_float(buf, sizeof buf, v);
    return arena_strdup(e->g->a, buf);
}

/* ---- runtime math ---- */

static const char *const math_names[] = {"tc_expf", "tc_logf", "tc_tanhf", "tc_sigmoidf",
    "tc_sqrtf", "tc_fabsf", "tc_floorf", "tc_ceilf", "tc_nearbyintf", "tc_erff", "tc_sinf", "tc_cosf",
    "tc_expm1f", "tc_softplusf", "tc_powf", "tc_asinf", "tc_acosf", "tc_atanf", "tc_asinhf", "tc_acoshf",
    "tc_atanhf", "tc_fmodf"};
enum { M_EXP, M_LOG, M_TANH, M_SIGMOID,
    M_SQRT, M_FABS, M_FLOOR, M_CEIL, M_NEARBYINT, M_ERF, M_SIN, M_COS, M_EXPM1, M_SOFTPLUS, M_POW,
    M_ASIN, M_ACOS, M_ATAN, M_ASINH, M_ACOSH, M_ATANH, M_FMOD, M_COUNT };

/* Finds block 'name' in the embedded runtime; sets *len. */
static const char *math_block(const char *name, size_t *len)
{
    char marker[64];
    const char *p, *end;
    snprintf(marker, sizeof marker, "/* TC_FUNC %s", name);
    for (p = strstr(tc_runtime_math, marker); p; p = strstr(p + 1, marker)) {
        char c = p[strlen(marker)];
        if (c == ' ' || c == '*')
            break;
    }
    if (!p)
        BUG("runtime block missing");
    end = strstr(p, "/* TC_END */");
    if (!end)
        BUG("runtime block unterminated");
    *len = (size_t)(end - p) + strlen("/* TC_END */");
    return p;
}

/* Marks a block and, through its USES line, what it needs. */
static void math_mark(char *want, const char *name, int depth)
{
    size_t len;
    const char *p = math_block(name, &len), *u, *eol;
    char dep[64];
    ASSERT(depth < 16);
    /* the mark is the block's position in the runtime source */
    want[p - tc_runtime_math] = 1;
    eol = strstr(p, "*/");
    u = strstr(p, " USES ");
    if (!u || u > eol)
        return;
    u += 6;
    while (u < eol) {
        size_t k = 0;
        while (u < eol && *u == ' ')
            u++;
        while (u < eol && *u != ' ' && k + 1 < sizeof dep)
            dep[k++] = *u++;
        dep[k] = 0;
        if (k)
            math_mark(want, dep, depth + 1);
    }
}

static void emit_math(Emit *e)
{
    size_t n = strlen(tc_runtime_math), i;
    char *want = arena_alloc(e->g->a, n + 1);
    int k, any = 0;
    for (k = 0; k < M_COUNT; k++)
        if (e->need_math[k]) {
            math_mark(want, math_names[k], 0);
            any = 1;
        }
    if (!any)
        return;
    line(e, "/* ---- math without libm (ticketc runtime/tc_math.c) ---- */");
    blank(e);
    for (i = 0; i < n; i++)
        if (want[i]) {
            size_t len;
            const char *p = tc_runtime_math + i;
            const char *nm = p + strlen("/* TC_FUNC ");
            char name[64];
            size_t k2 = 0;
            while (nm[k2] && nm[k2] != ' ' && nm[k2] != '*' && k2 + 1 < sizeof name)
                name[k2] = nm[k2], k2++;
            name[k2] = 0;
            p = math_block(name, &len);
            buf_add(e->out, p, len);
            buf_add(e->out, "\n\n", 2);
        }
}

/* ---- storage of tensors ---- */

static int is_const(Emit *e, TensorId id) { return ir_is_const(&e->g->t[id]); }

/* Placement of weight tables: TC_WEIGHTS, defined in the file's preamble,
 * when --weights-section names an ELF section for them. */
static const char *weights_attr(Emit *e) { return e->opt->weights_section ? "TC_WEIGHTS " : ""; }
const char *emit_weights_attr(Emit *e) { return weights_attr(e); }

/* The values of a table, 8 literals a line, one level deeper than the current indent. */
static void lit_rows(Emit *e, const Node *n, const float *v, int64_t count)
{
    int64_t i, j;
    e->indent++;
    for (i = 0; i < count; i += 8) {
        Buf row = {0};
        for (j = i; j < count && j < i + 8; j++)
            buf_printf(&row, "%s%s,", j > i ? " " : "", lit(e, n, v[j]));
        line(e, "%s", row.p);
        buf_free(&row);
    }
    e->indent--;
}

/* Writes a constant table once; returns its C name. */
static const char *const_table(Emit *e, const Node *n, TensorId id)
{
    Tensor *t = &e->g->t[id];
    const char *name = arena_printf(e->g->a, "c%u_%s", id, cname(e, t->name));
    int64_t count = ir_numel(t);
    Buf *save = e->out;
    int ind = e->indent;
    if (t->dtype != DT_FLOAT)
        node_error(e->g, n, "integer tensor '%s' is used at run time; only float tensors are supported there",
                   comment(e, t->name));
    if (e->emitted_const[id])
        return name;
    e->emitted_const[id] = 1;
    e->out = &e->consts;
    e->indent = 0;
    line(e, "/* '%s' %s */", comment(e, t->name), ir_shape_str(e->g->a, t));
    line(e, "static const float %s%s[%lld] = {", weights_attr(e), name, (long long)(count ? count : 1));
    lit_rows(e, n, t->f, count);
    if (!count)
        line(e, "    0.0f");
    line(e, "};");
    blank(e);
    e->out = save;
    e->indent = ind;
    return name;
}

/* The C expression of a tensor's storage inside <prefix>_run. */
static const char *storage(Emit *e, const Node *n, TensorId id)
{
    TensorId r = ir_root(e->g, id);
    Tensor *t = &e->g->t[r];
    if (ir_is_const(t))
        return const_table(e, n, r);
    if (t->input_index >= 0)
        return arena_printf(e->g->a, "in%d", t->input_index);
    if (t->output_index >= 0)
        return arena_printf(e->g->a, "out%d", t->output_index);
    ASSERT(t->offset >= 0);
    return t->offset ? arena_printf(e->g->a, "tc_arena + %lld", (long long)t->offset) : "tc_arena";
}

static const char *fn_name(Emit *e, const Node *n)
{
    const char *nm = cname(e, n->name);
    if (!nm[0])
        nm = cname(e, op_name(n->op));
    return arena_printf(e->g->a, "n%d_%s", n->index, nm);
}

/* Whether act_expr writes the activation as a function call (tc_sigmoidf, ...). */
static int act_is_call(OpKind act) { return act == OP_SIGMOID || act == OP_TANH; }

/* The formula of an activation applied to C expression v. */
static const char *act_expr(Emit *e, const Node *n, OpKind act, float alpha, const char *v)
{
    switch (act) {
    case OP_COUNT: return v;
    default: break;
    }
    if (strchr(v, ' '))
        v = arena_printf(e->g->a, "(%s)", v);
    switch (act) {
    case OP_RELU: return arena_printf(e->g->a, "(%s < 0.0f ? 0.0f : %s)", v, v);
    case OP_LEAKYRELU: return arena_printf(e->g->a, "(%s < 0.0f ? %s * %s : %s)", v, lit(e, n, alpha), v, v);
    case OP_SIGMOID: e->need_math[M_SIGMOID] = 1; return arena_printf(e->g->a, "tc_sigmoidf(%s)", v);
    case OP_TANH: e->need_math[M_TANH] = 1; return arena_printf(e->g->a, "tc_tanhf(%s)", v);
    default: BUG("not an activation");
    }
}

/* Starts a node function; its parameters are the non-constant inputs, then the output. */
static void begin_fn(Emit *e, const Node *n, const char *suffix, const char *what)
{
    Buf params = {0};
    int i, k = 0;
    e->out = &e->fns;
    e->indent = 0;
    line(e, "/* node %d: %s '%s'%s */", n->index, op_name(n->op), comment(e, n->name), what);
    for (i = 0; i < n->n_in; i++)
        if (n->in[i] != TC_NONE && !is_const(e, n->in[i]))
            buf_printf(&params, "%sconst float *x%d", k++ ? ", " : "", i);
    buf_printf(&params, "%sfloat *y", k ? ", " : "");
    for (i = 1; ir_multi_output(n->op) && i < n->n_out; i++)
        buf_printf(&params, ", float *y%d", i);
    line(e, "static TC_NOLIB void %s%s(%s)", fn_name(e, n), suffix, params.p);
    line(e, "{");
    e->indent = 1;
    buf_free(&params);
}

static void end_fn(Emit *e)
{
    e->indent = 0;
    line(e, "}");
    blank(e);
}

/* The call in <prefix>_run. */
static void call_fn(Emit *e, const Node *n)
{
    Buf args = {0};
    int i, k = 0;
    for (i = 0; i < n->n_in; i++)
        if (n->in[i] != TC_NONE && !is_const(e, n->in[i]))
            buf_printf(&args, "%s%s", k++ ? ", " : "", storage(e, n, n->in[i]));
    buf_printf(&args, "%s%s", k ? ", " : "", storage(e, n, n->out[0]));
    for (i = 1; ir_multi_output(n->op) && i < n->n_out; i++)
        buf_printf(&args, ", %s", storage(e, n, n->out[i]));
    e->out = &e->run;
    e->indent = 1;
    line(e, "%s(%s);", fn_name(e, n), args.p);
    buf_free(&args);
}

/* An input inside a node function: the parameter, or the constant table. */
static const char *operand(Emit *e, const Node *n, int i)
{
    if (is_const(e, n->in[i]))
        return const_table(e, n, n->in[i]);
    return arena_printf(e->g->a, "x%d", i);
}

/* ---- Gemm and MatMul with constant weights: the sparse core ---- */

typedef struct {
    int64_t rows, K, N;  /* y[rows][N] = x[rows][K] * W^T + b */
    float *w;            /* N x K, neuron-major, alpha folded in */
    float *b;            /* N, beta * C folded in (zeros when no C) */
    int64_t nnz;
    /* where the numbers come from, for --annotate */
    const char *wname, *bname; /* sanitised tensor names (bname NULL when no C) */
    int tb, b_bcast;           /* B stored [N][K] (transB); C broadcast over outputs */
    float alpha, beta;
} Linear;

/*
 * Gemm: Y = alpha * A' * B' + beta * C. With B constant, A not transposed
 * (or a single row) and C constant and the same for every row, this is a
 * linear layer y[r] = W x[r] + b with W[j][k] = alpha * B'[k][j].
 * MatMul with a constant matrix B is the same with alpha 1 and no bias.
 */
static int as_linear(Emit *e, const Node *n, Linear *L)
{
    Graph *g = e->g;
    const Tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[1]];
    int ta = 0, tb = 0;
    float alpha = 1.0f, beta = 1.0f;
    int64_t j, k;
    if (is_const(e, n->in[0]) || !b->f)
        return 0;
    for (k = 0; k < ir_numel(b); k++)
        if (b->f[k] != b->f[k] || b->f[k] - b->f[k] != 0.0f)
            node_error(g, n, "weight '%s' holds NaN or infinity (at flat index %lld)", comment(e, b->name), (long long)k);
    if (n->op == OP_GEMM) {
        ta = (int)attr_int(n, "transA", 0);
        tb = (int)attr_int(n, "transB", 0);
        alpha = attr_float(n, "alpha", 1.0f);
        beta = attr_float(n, "beta", 1.0f);
        L->rows = g->t[n->out[0]].dims[0];
        if (ta && L->rows != 1)
            return 0;
        L->K = ta ? a->dims[0] : a->dims[1];
        L->N = g->t[n->out[0]].dims[1];
        if (n->n_in == 3 && n->in[2] != TC_NONE) {
            const Tensor *c = &g->t[n->in[2]];
            if (!c->f || (c->rank == 2 && c->dims[0] != 1 && L->rows != 1))
                return 0;
        }
    } else {
        if (b->rank > 2)
            return 0;
        L->K = a->dims[a->rank - 1];
        L->N = b->rank == 2 ? b->dims[1] : 1;
        L->rows = ir_numel(a) / L->K;
    }
    L->wname = comment(e, b->name);
    L->bname = NULL;
    L->tb = tb;
    L->alpha = alpha;
    L->beta = beta;
    L->b_bcast = 0;
    L->w = arena_array(g->a, (size_t)(L->N * L->K) + 1, sizeof(float));
    L->b = arena_array(g->a, (size_t)L->N + 1, sizeof(float));
    L->nnz = 0;
    for (j = 0; j < L->N; j++)
        for (k = 0; k < L->K; k++) {
            float w = tb ? b->f[j * L->K + k] : b->f[k * L->N + j];
            float v = alpha == 1.0f ? w : alpha * w;
            L->w[j * L->K + k] = v;
            L->nnz += v != 0.0f;
        }
    if (n->op == OP_GEMM && n->n_in == 3 && n->in[2] != TC_NONE) {
        const Tensor *c = &g->t[n->in[2]];
        L->bname = comment(e, c->name);
        L->b_bcast = c->rank == 0 || c->dims[c->rank - 1] == 1;
        for (j = 0; j < L->N; j++) {
            float v = c->f[c->rank == 0 || c->dims[c->rank - 1] == 1 ? 0 : j];
            L->b[j] = beta == 1.0f ? v : beta * v;
        }
    }
    return 1;
}

Strategy emit_choose(Strategy requested, int64_t N, int64_t K, int64_t nnz, Target target)
{
    int64_t total = N * K;
    double density = (double)nnz / (double)(total > 0 ? total : 1);
    if (requested != STRAT_AUTO)
        return requested;
    /*
     * Cortex-M has no cache and no vector unit: a kept weight costs three
     * instructions unrolled against about seven per weight, kept or not, in
     * the dense loop (make bench: 37.5k vs 1.87M instructions on the 3.6%
     * ticket), so unrolled is the faster at every density. Auto takes it
     * wherever it is also no larger than the dense table (12.5 bytes per
     * kept weight, streamed, against 4 per weight: up to about a third).
     */
    if (target == TARGET_CORTEX_M)
        return m4_unrolled_flash(N, nnz, target) <= 4 * N * K + 4 * N ? STRAT_UNROLLED : STRAT_DENSE;
    /*
     * Straight-line code stops paying once it no longer fits the instruction
     * caches: measured on LeNet-300-100 tickets it beats vectorised dense loops
     * up to about 10-12% density and loses at 21% (issue 10's measurements);
     * on the convolutional example's fc1 at 10.7% (22k of 205k weights kept)
     * it was still a little faster than dense and 40% of its size.
     */
    return density <= 0.12 ? STRAT_UNROLLED : STRAT_DENSE;
}

const char *strategy_name(Strategy s)
{
    return s == STRAT_UNROLLED ? "unrolled" : s == STRAT_DENSE ? "dense" : s == STRAT_LOOP ? "loop" : "auto";
}

static Strategy choose(Emit *e, const Node *n, const Linear *L)
{
    if (n->strategy != STRAT_AUTO)
        return (Strategy)n->strategy; /* planned by plan_strategies */
    return emit_choose(e->opt->strategy, L->N, L->K, L->nnz, TARGET_HOST);
}

/*
 * Estimated bytes of a layer's code and constant data. Unrolled: a term is
 * an input load, a literal and a multiply-add (16-25 bytes measured on
 * Cortex-M4 -Os and x86-64 -O2), plus the sum and store per neuron. Loop:
 * the value and its input index per weight, a start index per neuron, the
 * biases, one short loop. Dense: the whole table and the biases.
 */
int64_t strategy_bytes(Strategy s, int64_t N, int64_t K, int64_t nnz)
{
    switch (s) {
    case STRAT_UNROLLED: return 20 * nnz + 12 * N + 64;
    case STRAT_LOOP: return (4 + emit_index_bytes(K - 1)) * nnz + emit_index_bytes(nnz) * (N + 1) + 4 * N + 96;
    default: return 4 * N * K + 4 * N + 128;
    }
}

Strategy node_strategy(const Graph *g, const Node *n, Strategy requested)
{
    LayerWeights L;
    if (n->strategy != STRAT_AUTO)
        return (Strategy)n->strategy;
    if (n->op == OP_CONV && emit_layer_weights(g, n, &L.nnz, &L.K, &L.rows))
        return emit_choose_conv(requested, L.nnz, L.K);
    if (!layer_weights(g, n, &L))
        return STRAT_AUTO;
    return emit_choose(requested, L.N, L.K, L.nnz, TARGET_HOST);
}

/* A layer's estimated bytes under strategy s; 0 when it has no constant weights. */
static int64_t layer_bytes(const Graph *g, const Node *n, Strategy s)
{
    LayerWeights L;
    int64_t nnz, total, rows;
    if (n->op == OP_CONV)
        return emit_layer_weights(g, n, &nnz, &total, &rows) ? conv_strategy_bytes(s, nnz, total) : 0;
    return layer_weights(g, n, &L) ? strategy_bytes(s, L.N, L.K, L.nnz) : 0;
}

/*
 * Per layer, the strategy for it: the requested one, or with auto the
 * fastest for the target (emit_choose, emit_choose_conv); then, while the
 * estimated total is over the code budget, the layer whose change to a
 * smaller strategy saves the most bytes changes (a linear layer to loop, a
 * Conv from unrolled to dense). Deterministic: ties go to the earlier node.
 */
void plan_strategies(Graph *g, Strategy requested, int64_t budget, Target target)
{
    int64_t total = 0, nnz, all, rows;
    int k;
    for (k = 0; k < g->nn; k++) {
        Node *n = &g->n[k];
        LayerWeights L;
        n->strategy = STRAT_AUTO;
        if (n->dead)
            continue;
        if (n->op == OP_CONV && emit_layer_weights(g, n, &nnz, &all, &rows))
            n->strategy = emit_choose_conv(requested, nnz, all);
        else if (layer_weights(g, n, &L))
            n->strategy = emit_choose(requested, L.N, L.K, L.nnz, target);
        else
            continue;
        total += layer_bytes(g, n, (Strategy)n->strategy);
    }
    if (budget <= 0 || total <= budget)
        return;
    if (requested != STRAT_AUTO) {
        warning("the layers need about %lld bytes with --strategy %s, over --code-budget %lld; "
                "--strategy auto would fit them to it", (long long)total, strategy_name(requested), (long long)budget);
        return;
    }
    while (total > budget) {
        int64_t best_save = 0;
        Node *best = NULL;
        Strategy best_to = STRAT_LOOP;
        for (k = 0; k < g->nn; k++) {
            Node *n = &g->n[k];
            Strategy to = n->op == OP_CONV ? STRAT_DENSE : STRAT_LOOP;
            int64_t save;
            if (n->dead || n->strategy == STRAT_AUTO || n->strategy == (int)to)
                continue;
            save = layer_bytes(g, n, (Strategy)n->strategy) - layer_bytes(g, n, to);
            if (save > best_save) {
                best_save = save;
                best = n;
                best_to = to;
            }
        }
        if (!best) {
            warning("the smallest code ticketc can make for this model is about %lld bytes, over --code-budget %lld",
                    (long long)total, (long long)budget);
            return;
        }
        best->strategy = best_to;
        total -= best_save;
    }
}

int layer_weights(const Graph *g, const Node *n, LayerWeights *out)
{
    Emit e;
    Linear L;
    if (n->op != OP_GEMM && n->op != OP_MATMUL)
        return 0;
    memset(&e, 0, sizeof e);
    e.g = (Graph *)g;
    if (!as_linear(&e, n, &L))
        return 0;
    out->rows = L.rows;
    out->K = L.K;
    out->N = L.N;
    out->nnz = L.nnz;
    out->w = L.w;
    out->wname = L.wname;
    return 1;
}

int emit_layer_weights(const Graph *g, const Node *n, int64_t *nnz, int64_t *total, int64_t *rows)
{
    Emit e;
    Linear L;
    if (n->op == OP_CONV)
        return emit_conv_weights(g, n, nnz, total, rows);
    if (n->op != OP_GEMM && n->op != OP_MATMUL)
        return 0;
    memset(&e, 0, sizeof e);
    e.g = (Graph *)g;
    if (!as_linear(&e, n, &L))
        return 0;
    *nnz = L.nnz;
    *total = L.N * L.K;
    *rows = L.rows;
    return 1;
}

static const char *kept(Emit *e, const Linear *L, const char *how)
{
    return arena_printf(e->g->a, " -- %s of %s weights kept, %s", num(e, L->nnz), num(e, L->N * L->K), how);
}

/* --annotate: the weight's place in the model's own tensor, as in
 * "fc1.weight[12][340]", with any factor Gemm folded into it */
static const char *weight_note(Emit *e, const Linear *L, int64_t j, int64_t k)
{
    int64_t r = L->tb ? j : k, c = L->tb ? k : j;
    char f[48];
    if (L->alpha != 1.0f) {
        emit_float(f, sizeof f, L->alpha);
        return arena_printf(e->g->a, " /* alpha %s * %s[%lld][%lld] */", f, L->wname, (long long)r, (long long)c);
    }
    return arena_printf(e->g->a, " /* %s[%lld][%lld] */", L->wname, (long long)r, (long long)c);
}

static const char *bias_note(Emit *e, const Linear *L, int64_t j)
{
    const char *idx = L->b_bcast ? "[0]" : arena_printf(e->g->a, "[%lld]", (long long)j);
    char f[48];
    if (!L->bname)
        return "";
    if (L->beta != 1.0f) {
        emit_float(f, sizeof f, L->beta);
        return arena_printf(e->g->a, " /* beta %s * %s%s */", f, L->bname, idx);
    }
    return arena_printf(e->g->a, " /* %s%s */", L->bname, idx);
}

/*
 * Input windows. A Cortex-M load (vldr) reaches 1020 bytes past its base
 * register, and gcc, which sees that x is the static arena, otherwise
 * materialises the address of every input beyond that, or keeps them on the
 * stack. So x is made opaque (TC_BASE) and inputs 256 and up are read
 * through x256 = x + 256, x512, ...: one register per window, every term a
 * plain load at an immediate offset. Narrow layers set the windows up once
 * per function; wide ones per neuron, only those the neuron reads.
 */
enum { WIN = 256, WIN_FN_MAX = 6 };

static const char *xref(Emit *e, int64_t k, char *used)
{
    if (k < WIN)
        return arena_printf(e->g->a, "x[%lld]", (long long)k);
    used[k / WIN] = 1;
    return arena_printf(e->g->a, "x%lld[%lld]", (long long)(k / WIN * WIN), (long long)(k % WIN));
}

/* The sum of the partial sums s0..s3 that t terms dealt round-robin to P of them filled,
 * pairwise: s0, s0 + s1, (s0 + s1) + s2, (s0 + s1) + (s2 + s3) */
const char *emit_partials_sum(int64_t t, int P)
{
    static const char *const sums[] = {"s0", "s0 + s1", "(s0 + s1) + s2", "(s0 + s1) + (s2 + s3)"};
    ASSERT(t > 0 && P >= 1 && P <= 4);
    return sums[(t < P ? t : P) - 1];
}

/* Kept weights of neuron j; with cnt, those that are not +-1 (which need a value). */
static int64_t row_kept(const Linear *L, int64_t j, int64_t *valued)
{
    int64_t k, cnt = 0, v = 0;
    for (k = 0; k < L->K; k++) {
        float w = L->w[j * L->K + k];
        cnt += w != 0.0f;
        v += w != 0.0f && w != 1.0f && w != -1.0f;
    }
    if (valued)
        *valued = v;
    return cnt;
}

/*
 * Weight streams (--target cortex-m). A literal costs a Cortex-M4 a
 * PC-relative load besides its 4 bytes: 16 bytes a term. Streamed, the
 * function's weights and biases lie in one table in the order the code
 * reads them, and TC_LD<n> loads the next n (up to 8) into w0..w7 with one
 * multi-register load (vldmia, 4 bytes): 12.5 bytes a term, 2.1
 * instructions. The values and the order of every sum are those of the
 * literal form, so the results are the same bit for bit. w0..w7 live in
 * s8..s15, which a function call clobbers: where the activation may be a
 * call (sigmoid, tanh), each neuron loads its own values.
 */
typedef struct {
    float *v;        /* the values, in reading order */
    int64_t n, at;   /* how many; the next to hand out */
    int64_t end;     /* a load never reaches past this value (see emit_unrolled) */
    int ready, r;    /* values loaded and not yet used; the register of the next */
    int regs;        /* the most values one load took: w0..w<regs-1> are used */
} Stream;

/* The C name of the next streamed value, loading the next group when due. */
static const char *stream_next(Emit *e, Stream *s, float v)
{
    ASSERT(s->at < s->end && s->end <= s->n);
    if (s->ready == 0) {
        int64_t left = s->end - s->at;
        s->ready = (int)(left < 8 ? left : 8);
        s->r = 0;
        if (s->ready > s->regs)
            s->regs = s->ready;
        e->used_ld |= 1 << (s->ready - 1);
        line(e, "TC_LD%d(w);", s->ready);
    }
    s->v[s->at++] = v;
    s->ready--;
    return arena_printf(e->g->a, "w%d", s->r++);
}

/* The stream table of function part of node n, in e->consts. */
static void emit_stream_table(Emit *e, const Node *n, const Stream *s, int part, int64_t j0, int64_t j1)
{
    Buf *save = e->out;
    e->out = &e->consts;
    e->indent = 0;
    line(e, "/* node %d: '%s', outputs %lld to %lld: %s weights and biases in the order the code reads them */",
         n->index, comment(e, n->name), (long long)j0, (long long)j1, num(e, s->n));
    line(e, "static const float %s%s_w%d[%lld] = {", weights_attr(e), fn_name(e, n), part, (long long)s->n);
    lit_rows(e, n, s->v, s->n);
    line(e, "};");
    blank(e);
    e->out = save;
}

/*
 * Unrolled: for each neuron j, y[j] = act(b[j] + sum over k with W[j][k] != 0
 * of x[k] * W[j][k]), the terms dealt round-robin to P partial sums so the
 * additions do not wait on each other. Neurons are grouped into functions
 * of at most max_terms terms to keep the C compiler's time near-linear;
 * an empty asm barrier between neurons stops it from interleaving them.
 */
static void emit_unrolled(Emit *e, const Node *n, const Linear *L)
{
    int P = e->opt->partial_sums, part = 0, i;
    int64_t j = 0, k, nwin = (L->K + WIN - 1) / WIN, wdx;
    int per_neuron = nwin > WIN_FN_MAX, streamed = e->opt->target == TARGET_CORTEX_M;
    int calls = act_is_call(n->act);
    const char *name = fn_name(e, n);
    char *fn_win = arena_alloc(e->g->a, (size_t)nwin + 1);
    char *nr_win = arena_alloc(e->g->a, (size_t)nwin + 1);

    while (j < L->N) {
        Buf body = {0};
        int64_t terms = 0, j0 = j, j1 = j, valued;
        int used = 0;
        Stream st = {0};
        /* this function's neurons j0..j1-1: up to max_terms terms; the values they stream */
        do {
            int64_t cnt = row_kept(L, j1, &valued);
            st.n += streamed && cnt ? valued + (L->b[j1] != 0.0f) : 0;
            terms += cnt;
            j1++;
        } while (j1 < L->N && terms < e->opt->max_terms);
        st.v = arena_alloc(e->g->a, (size_t)(st.n + 1) * sizeof(float));
        st.end = st.n;
        e->out = &body;
        e->indent = 1;
        memset(fn_win, 0, (size_t)nwin + 1);
        do {
            int64_t cnt = row_kept(L, j, &valued), t = 0;
            const char *sum;
            if (j > j0)
                line(e, "TC_BARRIER();");
            if (cnt == 0) {
                /* no weight survived: the neuron is a constant */
                float v = L->b[j];
                if (n->act != OP_COUNT)
                    v = interp_act(n->act, n->act_alpha, v);
                line(e, "y[%lld] = %s; /* no weights kept */", (long long)j, lit(e, n, v));
                j++;
                continue;
            }
            line(e, "/* y[%lld]: %lld weights */", (long long)j, (long long)cnt);
            if (streamed && calls) {
                /* a call clobbers s8..s15: no loaded value may wait across the activation */
                st.end = st.at + valued + (L->b[j] != 0.0f);
                st.ready = 0;
            }
            if (per_neuron) {
                memset(nr_win, 0, (size_t)nwin + 1);
                for (k = WIN; k < L->K; k++)
                    if (L->w[j * L->K + k] != 0.0f)
                        nr_win[k / WIN] = fn_win[k / WIN] = 1;
                for (wdx = 1; wdx < nwin; wdx++)
                    if (nr_win[wdx])
                        line(e, "x%lld = x + %lld; TC_BASE(x%lld);", (long long)(wdx * WIN),
                             (long long)(wdx * WIN), (long long)(wdx * WIN));
            }
            for (k = 0; k < L->K; k++) {
                float w = L->w[j * L->K + k];
                int s = (int)(t % P);
                const char *note = "", *xk;
                if (w == 0.0f)
                    continue;
                if (e->opt->annotate)
                    note = weight_note(e, L, j, k);
                xk = xref(e, k, fn_win);
                if (w == 1.0f)
                    line(e, t < P ? "s%d = %s;%s" : "s%d += %s;%s", s, xk, note);
                else if (w == -1.0f)
                    line(e, t < P ? "s%d = -%s;%s" : "s%d -= %s;%s", s, xk, note);
                else {
                    const char *wv = streamed ? stream_next(e, &st, w) : lit(e, n, w);
                    if (t < P)
                        line(e, "s%d = %s * %s;%s", s, xk, wv, note);
                    else if (!e->opt->no_fma) {
                        e->used_fma = 1;
                        line(e, "s%d = TC_FMA(%s, %s, s%d);%s", s, xk, wv, s, note);
                    } else
                        line(e, "s%d += %s * %s;%s", s, xk, wv, note);
                }
                t++;
            }
            if (t > used)
                used = (int)(t < P ? t : P);
            sum = emit_partials_sum(t, P);
            if (L->b[j] != 0.0f && streamed) {
                const char *bv = stream_next(e, &st, L->b[j]);
                line(e, "s0 = %s + %s;%s", sum, bv, e->opt->annotate ? bias_note(e, L, j) : "");
                sum = "s0";
            } else if (L->b[j] != 0.0f) {
                float b = L->b[j];
                line(e, "s0 = %s %c %s;%s", sum, b < 0.0f ? '-' : '+', lit(e, n, b < 0.0f ? -b : b),
                     e->opt->annotate ? bias_note(e, L, j) : "");
                sum = "s0";
            } else if (t > 1 && n->act != OP_COUNT) {
                line(e, "s0 = %s;", sum);
                sum = "s0";
            }
            line(e, "y[%lld] = %s;", (long long)j, act_expr(e, n, n->act, n->act_alpha, sum));
            j++;
        } while (j < j1);

        ASSERT(st.at == st.n);
        if (st.n)
            emit_stream_table(e, n, &st, part, j0, j - 1);
        e->out = &e->fns;
        e->indent = 0;
        line(e, "/* node %d: %s '%s', outputs %lld to %lld */", n->index, op_name(n->op), comment(e, n->name),
             (long long)j0, (long long)(j - 1));
        line(e, "static TC_NOLIB void %s_p%d(const float *x, float *y)", name, part);
        line(e, "{");
        if (used) {
            Buf decl = {0};
            for (i = 0; i < used; i++)
                buf_printf(&decl, "%ss%d", i ? ", " : "", i);
            e->indent = 1;
            line(e, "float %s;", decl.p);
            if (st.n) {
                decl.len = 0;
                for (i = 0; i < st.regs; i++)
                    buf_printf(&decl, "%sTC_WREG(w%d, s%d);", i ? " " : "", i, 8 + i);
                line(e, "const float *w = %s_w%d;", name, part);
                line(e, "%s", decl.p);
            }
            buf_free(&decl);
            memset(&decl, 0, sizeof decl);
            for (wdx = 1; wdx < nwin; wdx++)
                if (fn_win[wdx]) {
                    if (per_neuron)
                        buf_printf(&decl, "%s*x%lld", decl.len ? ", " : "", (long long)(wdx * WIN));
                    else
                        buf_printf(&decl, "%s*x%lld = x + %lld", decl.len ? ", " : "", (long long)(wdx * WIN),
                                   (long long)(wdx * WIN));
                }
            if (decl.len)
                line(e, "const float %s;", decl.p);
            buf_free(&decl);
            line(e, "TC_BASE(x);");
            if (!per_neuron)
                for (wdx = 1; wdx < nwin; wdx++)
                    if (fn_win[wdx])
                        line(e, "TC_BASE(x%lld);", (long long)(wdx * WIN));
            blank(e);
        } else {
            e->indent = 1;
            line(e, "(void)x;");
        }
        buf_add(e->out, body.p ? body.p : "", body.len);
        buf_free(&body);
        end_fn(e);
        part++;
    }

    begin_fn(e, n, "", kept(e, L, "unrolled"));
    if (L->rows == 1) {
        for (i = 0; i < part; i++)
            line(e, "%s_p%d(x0, y);", name, i);
    } else {
        line(e, "int r;");
        blank(e);
        line(e, "for (r = 0; r < %lld; r++) {", (long long)L->rows);
        e->indent++;
        for (i = 0; i < part; i++)
            line(e, "%s_p%d(x0 + r * %lld, y + r * %lld);", name, i, (long long)L->K, (long long)L->N);
        e->indent--;
        line(e, "}");
    }
    end_fn(e);
}

/*
 * Dense: y[r][:] = b; for each k: y[r][:] += x[r][k] * Wt[k][:]. The inner
 * loop runs over contiguous outputs, which compilers vectorise without
 * -ffast-math because no sum is reassociated.
 */
static void emit_dense(Emit *e, const Node *n, const Linear *L)
{
    Graph *g = e->g;
    const char *name = fn_name(e, n);
    int64_t j, k;

    e->out = &e->consts;
    e->indent = 0;
    line(e, "/* node %d: weights of '%s', transposed to [%lld][%lld] */", n->index, comment(e, n->name),
         (long long)L->K, (long long)L->N);
    line(e, "static const float %s%s_w[%lld][%lld] = {", weights_attr(e), name, (long long)L->K, (long long)L->N);
    /* -0 is a pruned weight too (PyTorch's weight_orig * weight_mask makes it
     * under the mask): it adds nothing, so it is written 0.0f, as the
     * unrolled code skips it */
    for (k = 0; k < L->K; k++) {
        Buf row = {0};
        for (j = 0; j < L->N; j++) {
            float w = L->w[j * L->K + k];
            buf_printf(&row, "%s%s", j ? ", " : "", w == 0.0f ? "0.0f" : lit(e, n, w));
        }
        line(e, "    {%s},", row.p);
        buf_free(&row);
    }
    line(e, "};");
    line(e, "static const float %s%s_b[%lld] = {", weights_attr(e), name, (long long)L->N);
    lit_rows(e, n, L->b, L->N);
    line(e, "};");
    blank(e);

    begin_fn(e, n, "", kept(e, L, "dense"));
    line(e, "int r, k, j;");
    blank(e);
    line(e, "for (r = 0; r < %lld; r++) {", (long long)L->rows);
    e->indent++;
    line(e, "const float *xr = x0 + r * %lld;", (long long)L->K);
    line(e, "float *yr = y + r * %lld;", (long long)L->N);
    blank(e);
    /* k = 0 goes with the bias: a plain copy loop would become a call to
     * memcpy, and the generated code calls no library function */
    line(e, "for (j = 0; j < %lld; j++)", (long long)L->N);
    if (L->K > 0 && !e->opt->no_fma) {
        e->used_fma = 1;
        line(e, "    yr[j] = TC_FMA(xr[0], %s_w[0][j], %s_b[j]);", name, name);
    } else if (L->K > 0)
        line(e, "    yr[j] = %s_b[j] + xr[0] * %s_w[0][j];", name, name);
    else
        line(e, "    yr[j] = %s_b[j];", name);
    line(e, "for (k = 1; k < %lld; k++) {", (long long)L->K);
    line(e, "    const float xk = xr[k];");
    blank(e);
    line(e, "    for (j = 0; j < %lld; j++)", (long long)L->N);
    if (!e->opt->no_fma) {
        e->used_fma = 1;
        line(e, "        yr[j] = TC_FMA(xk, %s_w[k][j], yr[j]);", name);
    } else
        line(e, "        yr[j] += xk * %s_w[k][j];", name);
    line(e, "}");
    if (n->act != OP_COUNT) {
        line(e, "for (j = 0; j < %lld; j++)", (long long)L->N);
        line(e, "    yr[j] = %s;", act_expr(e, n, n->act, n->act_alpha, "yr[j]"));
    }
    e->indent--;
    line(e, "}");
    end_fn(e);
    (void)g;
}

/* The narrowest unsigned C type that holds every value up to max. */
static const char *index_type(int64_t max)
{
    return max <= 255 ? "unsigned char" : max <= 65535 ? "unsigned short" : "unsigned long";
}

int64_t emit_index_bytes(int64_t max)
{
    return max <= 255 ? 1 : max <= 65535 ? 2 : 4;
}

/*
 * Loop: compressed sparse rows. The kept weights in neuron order, each with
 * the index of its input in the narrowest type that holds it, and where
 * each neuron's weights start: y[j] = act(b[j] + sum over its weights of
 * x[k[p]] * v[p]). The smallest code that still skips every pruned weight:
 * about 4 bytes of value plus 1-2 of index per weight, and one short loop.
 */
static void emit_loop(Emit *e, const Node *n, const Linear *L)
{
    const char *name = fn_name(e, n);
    int64_t j, k, p = 0;
    Buf row = {0};
    int cols = 0;

    e->out = &e->consts;
    e->indent = 0;
    line(e, "/* node %d: the %s kept weights of '%s', neuron by neuron, with their inputs */", n->index, num(e, L->nnz),
         comment(e, n->name));
    if (L->nnz == 0)
        line(e, "static const float %s%s_v[1] = {0.0f};", weights_attr(e), name);
    else
        line(e, "static const float %s%s_v[%lld] = {", weights_attr(e), name, (long long)L->nnz);
    for (j = 0; j < L->N && L->nnz; j++)
        for (k = 0; k < L->K; k++) {
            float w = L->w[j * L->K + k];
            if (w == 0.0f)
                continue;
            buf_printf(&row, "%s%s,", cols ? " " : "", lit(e, n, w));
            if (++cols == 8) {
                line(e, "    %s", row.p);
                row.len = 0;
                cols = 0;
            }
        }
    if (cols)
        line(e, "    %s", row.p);
    if (L->nnz)
        line(e, "};");
    row.len = 0;
    cols = 0;
    if (L->nnz == 0)
        line(e, "static const %s %s%s_k[1] = {0};", index_type(L->K - 1), weights_attr(e), name);
    else
        line(e, "static const %s %s%s_k[%lld] = {", index_type(L->K - 1), weights_attr(e), name, (long long)L->nnz);
    for (j = 0; j < L->N && L->nnz; j++)
        for (k = 0; k < L->K; k++) {
            if (L->w[j * L->K + k] == 0.0f)
                continue;
            buf_printf(&row, "%s%lld,", cols ? " " : "", (long long)k);
            if (++cols == 16) {
                line(e, "    %s", row.p);
                row.len = 0;
                cols = 0;
            }
        }
    if (cols)
        line(e, "    %s", row.p);
    if (L->nnz)
        line(e, "};");
    row.len = 0;
    cols = 0;
    line(e, "static const %s %s%s_start[%lld] = {", index_type(L->nnz), weights_attr(e), name, (long long)L->N + 1);
    for (j = 0; j <= L->N; j++) {
        buf_printf(&row, "%s%lld,", cols ? " " : "", (long long)p);
        if (j < L->N)
            for (k = 0; k < L->K; k++)
                p += L->w[j * L->K + k] != 0.0f;
        if (++cols == 16 || j == L->N) {
            line(e, "    %s", row.p);
            row.len = 0;
            cols = 0;
        }
    }
    line(e, "};");
    line(e, "static const float %s%s_b[%lld] = {", weights_attr(e), name, (long long)L->N);
    for (j = 0; j < L->N; j++) {
        buf_printf(&row, "%s%s,", cols ? " " : "", lit(e, n, L->b[j]));
        if (++cols == 8 || j == L->N - 1) {
            line(e, "    %s", row.p);
            row.len = 0;
            cols = 0;
        }
    }
    line(e, "};");
    blank(e);
    buf_free(&row);

    begin_fn(e, n, "", kept(e, L, "loop"));
    line(e, "int r, j, p;");
    blank(e);
    line(e, "for (r = 0; r < %lld; r++) {", (long long)L->rows);
    e->indent++;
    line(e, "const float *xr = x0 + r * %lld;", (long long)L->K);
    line(e, "float *yr = y + r * %lld;", (long long)L->N);
    blank(e);
    line(e, "for (j = 0; j < %lld; j++) {", (long long)L->N);
    line(e, "    float s = %s_b[j];", name);
    blank(e);
    line(e, "    for (p = %s_start[j]; p < %s_start[j + 1]; p++)", name, name);
    if (!e->opt->no_fma) {
        e->used_fma = 1;
        line(e, "        s = TC_FMA(xr[%s_k[p]], %s_v[p], s);", name, name);
    } else
        line(e, "        s += xr[%s_k[p]] * %s_v[p];", name, name);
    line(e, "    yr[j] = %s;", act_expr(e, n, n->act, n->act_alpha, "s"));
    line(e, "}");
    e->indent--;
    line(e, "}");
    end_fn(e);
}

/* A Gemm/MatMul with constant weights, in the strategy chosen for it; 0 if n is not one. */
static int emit_linear(Emit *e, const Node *n)
{
    Linear L;
    if (!as_linear(e, n, &L))
        return 0;
    switch (choose(e, n, &L)) {
    case STRAT_UNROLLED: emit_unrolled(e, n, &L); break;
    case STRAT_LOOP: emit_loop(e, n, &L); break;
    default: emit_dense(e, n, &L); break;
    }
    return 1;
}

/* Applies the node's fused activation to y[0..count) in place. */
static void emit_fused_act(Emit *e, const Node *n, int64_t count)
{
    if (n->act == OP_COUNT)
        return;
    line(e, "for (i = 0; i < %lld; i++)", (long long)count);
    line(e, "    y[i] = %s;", act_expr(e, n, n->act, n->act_alpha, "y[i]"));
}

/* General Gemm: all operands may be run-time tensors. */
static void emit_gemm(Emit *e, const Node *n)
{
    const Tensor *a = &e->g->t[n->in[0]], *y = &e->g->t[n->out[0]];
    int ta = (int)attr_int(n, "transA", 0), tb = (int)attr_int(n, "transB", 0);
    int64_t M = y->dims[0], N = y->dims[1], K = ta ? a->dims[0] : a->dims[1];
    int has_c = n->n_in == 3 && n->in[2] != TC_NONE;

    if (emit_linear(e, n))
        return;
    begin_fn(e, n, "", " -- general matrix product");
    line(e, "int m, j, k%s;", n->act != OP_COUNT ? ", i" : "");
    blank(e);
    line(e, "for (m = 0; m < %lld; m++)", (long long)M);
    line(e, "    for (j = 0; j < %lld; j++) {", (long long)N);
    line(e, "        float s = 0.0f;");
    blank(e);
    line(e, "        for (k = 0; k < %lld; k++)", (long long)K);
    line(e, "            s += %s[%s] * %s[%s];", operand(e, n, 0), ta ? arena_printf(e->g->a, "k * %lld + m", (long long)M) : arena_printf(e->g->a, "m * %lld + k", (long long)K),
         operand(e, n, 1), tb ? arena_printf(e->g->a, "j * %lld + k", (long long)K) : arena_printf(e->g->a, "k * %lld + j", (long long)N));
    if (has_c) {
        const Tensor *c = &e->g->t[n->in[2]];
        const char *ci = c->rank == 0 ? "0"
                         : c->rank == 1 ? (c->dims[0] == 1 ? "0" : "j")
                         : arena_printf(e->g->a, "%s%s", c->dims[0] == 1 ? "" : arena_printf(e->g->a, "m * %lld", (long long)c->dims[1]),
                                        c->dims[1] == 1 ? (c->dims[0] == 1 ? "0" : "") : (c->dims[0] == 1 ? "j" : " + j"));
        line(e, "        y[m * %lld + j] = %s * s + %s * %s[%s];", (long long)N, lit(e, n, attr_float(n, "alpha", 1.0f)),
             lit(e, n, attr_float(n, "beta", 1.0f)), operand(e, n, 2), ci);
    } else {
        line(e, "        y[m * %lld + j] = %s * s;", (long long)N, lit(e, n, attr_float(n, "alpha", 1.0f)));
    }
    line(e, "    }");
    emit_fused_act(e, n, M * N);
    end_fn(e);
}

/* General MatMul with broadcast batch dimensions. */
static void emit_matmul(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    int64_t M = a->rank >= 2 ? a->dims[a->rank - 2] : 1, K = a->dims[a->rank - 1];
    int64_t N = b->rank >= 2 ? b->dims[b->rank - 1] : 1, batch = ir_numel(y) / (M * N != 0 ? M * N : 1), bi;
    Buf offs = {0};

    if (emit_linear(e, n))
        return;
    /* batch offsets, computed here: batch index -> start of A and B */
    for (bi = 0; bi < batch; bi++) {
        int64_t o = bi, ia = 0, ib = 0, sa = 1, sb = 1;
        int ba = a->rank > 2 ? a->rank - 2 : 0, bb = b->rank > 2 ? b->rank - 2 : 0;
        int nb = ba > bb ? ba : bb, d;
        for (d = nb - 1; d >= 0; d--) {
            int da = d - (nb - (a->rank - 2)), db = d - (nb - (b->rank - 2));
            int64_t dim = y->dims[d], coord = o % dim;
            o /= dim;
            if (a->rank > 2 && da >= 0) {
                if (a->dims[da] != 1)
                    ia += coord * sa;
                sa *= a->dims[da];
            }
            if (b->rank > 2 && db >= 0) {
                if (b->dims[db] != 1)
                    ib += coord * sb;
                sb *= b->dims[db];
            }
        }
        buf_printf(&offs, "%s{%lld, %lld}", bi ? ", " : "", (long long)(ia * M * K), (long long)(ib * K * N));
    }
    begin_fn(e, n, "", " -- general matrix product");
    line(e, "static const long off[%lld][2] = {%s};", (long long)batch, offs.p);
    line(e, "int q, m, j, k%s;", n->act != OP_COUNT ? ", i" : "");
    blank(e);
    line(e, "for (q = 0; q < %lld; q++)", (long long)batch);
    line(e, "    for (m = 0; m < %lld; m++)", (long long)M);
    line(e, "        for (j = 0; j < %lld; j++) {", (long long)N);
    line(e, "            float s = 0.0f;");
    blank(e);
    line(e, "            for (k = 0; k < %lld; k++)", (long long)K);
    line(e, "                s += %s[off[q][0] + m * %lld + k] * %s[off[q][1] + k * %lld + j];", operand(e, n, 0),
         (long long)K, operand(e, n, 1), (long long)N);
    line(e, "            y[(q * %lld + m) * %lld + j] = s;", (long long)M, (long long)N);
    line(e, "        }");
    emit_fused_act(e, n, ir_numel(y));
    end_fn(e);
    buf_free(&offs);
}

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

static void emit_binary(Emit *e, const Node *n)
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
    ea = a->f && ir_numel(a) == 1 ? lit(e, n, a->f[0])
                                  : arena_printf(g->a, "%s[%s]", operand(e, n, 0), bcast_expr(e, a, y));
    eb = b->f && ir_numel(b) == 1 ? lit(e, n, b->f[0])
                                  : arena_printf(g->a, "%s[%s]", operand(e, n, 1), bcast_expr(e, b, y));
    v = arena_printf(g->a, "%s %c %s", ea, op, eb);

    begin_fn(e, n, "", "");
    if ((ir_same_shape(a, y) || ir_numel(a) == 1) && (ir_same_shape(b, y) || ir_numel(b) == 1)) {
        line(e, "int o;");
        blank(e);
        line(e, "for (o = 0; o < %lld; o++) {", (long long)ir_numel(y));
        line(e, "    const float v = %s;", v);
        blank(e);
        line(e, "    y[o] = %s;", act_expr(e, n, n->act, n->act_alpha, "v"));
        line(e, "}");
    } else {
        Buf decl = {0};
        for (i = 0; i < y->rank; i++)
            buf_printf(&decl, "i%d, ", i);
        line(e, "int %so = 0;", decl.p);
        blank(e);
        buf_free(&decl);
        for (i = 0; i < y->rank; i++)
            line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)%s", 4 * i, "", i, i, (long long)y->dims[i], i,
                 i == y->rank - 1 ? " {" : "");
        line(e, "%*sconst float v = %s;", 4 * y->rank, "", v);
        blank(e);
        line(e, "%*sy[o++] = %s;", 4 * y->rank, "", act_expr(e, n, n->act, n->act_alpha, "v"));
        line(e, "%*s}", 4 * (y->rank - 1), "");
    }
    end_fn(e);
}

static void emit_unary(Emit *e, const Node *n)
{
    float alpha = n->op == OP_LEAKYRELU ? attr_float(n, "alpha", 0.01f) : 0.0f;
    begin_fn(e, n, "", "");
    line(e, "int i;");
    blank(e);
    line(e, "for (i = 0; i < %lld; i++)", (long long)ir_numel(&e->g->t[n->out[0]]));
    line(e, "    y[i] = %s;", act_expr(e, n, n->op, alpha, arena_printf(e->g->a, "%s[i]", operand(e, n, 0))));
    end_fn(e);
}

/*
 * softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j;
 * log_softmax(x)_i = x_i - m - log(sum_j exp(x_j - m)).
 */
static void emit_softmax(Emit *e, const Node *n)
{
    int64_t outer, len, inner;
    const char *x = operand(e, n, 0);
    softmax_extent(e->g, n, &e->g->t[n->in[0]], &outer, &len, &inner);
    e->need_math[M_EXP] = 1;
    if (n->op == OP_LOGSOFTMAX)
        e->need_math[M_LOG] = 1;
    begin_fn(e, n, "", "");
    line(e, "int o, j, k;");
    blank(e);
    line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
    line(e, "    for (j = 0; j < %lld; j++) {", (long long)inner);
    e->indent = 2;
    line(e, "const float *xp = %s + o * %lld + j;", x, (long long)(len * inner));
    line(e, "float *yp = y + o * %lld + j;", (long long)(len * inner));
    line(e, "float m = xp[0], s = 0.0f;");
    blank(e);
    line(e, "for (k = 1; k < %lld; k++)", (long long)len);
    line(e, "    m = xp[k * %lld] > m ? xp[k * %lld] : m;", (long long)inner, (long long)inner);
    if (n->op == OP_SOFTMAX) {
        line(e, "for (k = 0; k < %lld; k++) {", (long long)len);
        line(e, "    yp[k * %lld] = tc_expf(xp[k * %lld] - m);", (long long)inner, (long long)inner);
        line(e, "    s += yp[k * %lld];", (long long)inner);
        line(e, "}");
        line(e, "s = 1.0f / s;");
        line(e, "for (k = 0; k < %lld; k++)", (long long)len);
        line(e, "    yp[k * %lld] *= s;", (long long)inner);
    } else {
        line(e, "for (k = 0; k < %lld; k++)", (long long)len);
        line(e, "    s += tc_expf(xp[k * %lld] - m);", (long long)inner);
        /* (x - m) - log(s), not x - (m + log(s)): m may dwarf log(s) */
        line(e, "s = tc_logf(s);");
        line(e, "for (k = 0; k < %lld; k++)", (long long)len);
        line(e, "    yp[k * %lld] = (xp[k * %lld] - m) - s;", (long long)inner, (long long)inner);
    }
    e->indent = 1;
    line(e, "}");
    end_fn(e);
}

/* A view shares its input's storage; it needs code only when it lands in a graph output. */
static void emit_view(Emit *e, const Node *n)
{
    const Tensor *y = &e->g->t[n->out[0]];
    int i;
    if (y->alias != TC_NONE) {
        e->out = &e->run;
        e->indent = 1;
        line(e, "/* node %d: %s '%s' shares the storage of its input */", n->index, op_name(n->op),
             comment(e, n->name));
        return;
    }
    begin_fn(e, n, "", " -- copy into the graph output");
    line(e, "int i;");
    blank(e);
    for (i = 1; i < n->n_in; i++) /* Dropout's ratio and training_mode */
        if (n->in[i] != TC_NONE && !is_const(e, n->in[i]))
            line(e, "(void)x%d;", i);
    line(e, "for (i = 0; i < %lld; i++)", (long long)ir_numel(y));
    line(e, "    y[i] = %s[i];", operand(e, n, 0));
    end_fn(e);
}

static void emit_concat(Emit *e, const Node *n)
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
    begin_fn(e, n, "", "");
    line(e, "int o, i;");
    blank(e);
    for (j = 0; j < n->n_in; j++) {
        int64_t len = e->g->t[n->in[j]].dims[axis] * inner;
        line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
        line(e, "    for (i = 0; i < %lld; i++)", (long long)len);
        line(e, "        y[o * %lld + %lld + i] = %s[o * %lld + i];", (long long)(y->dims[axis] * inner),
             (long long)pos, operand(e, n, j), (long long)len);
        pos += len;
    }
    end_fn(e);
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
        return arena_printf(a, "v > 0.0f ? v : %s * tc_expm1f(v)", lit(e, n, attr_float(n, "alpha", 1.0f)));
    case OP_SELU:
        e->need_math[M_EXPM1] = 1;
        return arena_printf(a, "%s * (v > 0.0f ? v : %s * tc_expm1f(v))",
                            lit(e, n, attr_float(n, "gamma", 1.05070102214813232421875f)),
                            lit(e, n, attr_float(n, "alpha", 1.67326319217681884765625f)));
    case OP_CELU: /* with alpha > 0 the two terms never overlap */
        al = attr_float(n, "alpha", 1.0f);
        e->need_math[M_EXPM1] = 1;
        return arena_printf(a, "v > 0.0f ? v : %s * tc_expm1f(v / %s)", lit(e, n, al), lit(e, n, al));
    case OP_HARDSIGMOID:
        return arena_printf(a, "%s * v + %s", lit(e, n, attr_float(n, "alpha", 0.2f)), lit(e, n, attr_float(n, "beta", 0.5f)));
    case OP_HARDSWISH: return "v / 6.0f + 0.5f";
    case OP_SOFTPLUS: return use_math(e, M_SOFTPLUS, "tc_softplusf(%s)", "v");
    case OP_SOFTSIGN: return use_math(e, M_FABS, "%s / (1.0f + tc_fabsf(%s))", "v");
    case OP_THRESHRELU: return arena_printf(a, "v > %s ? v : 0.0f", lit(e, n, attr_float(n, "alpha", 1.0f)));
    case OP_SHRINK: {
        float l = attr_float(n, "lambd", 0.5f), b = attr_float(n, "bias", 0.0f);
        return arena_printf(a, "v < %s ? v + %s : v > %s ? v - %s : 0.0f", lit(e, n, -l), lit(e, n, b), lit(e, n, l),
                            lit(e, n, b));
    }
    case OP_GELU: {
        const Attr *ap = attr_get(n, "approximate");
        if (ap && ap->kind == AT_STRING && strcmp(ap->s, "tanh") == 0)
            return use_math(e, M_TANH, "0.5f * %s * (1.0f + tc_tanhf(0.797884561f * (v + 0.044715f * v * v * v)))", "v");
        return use_math(e, M_ERF, "0.5f * %s * (1.0f + tc_erff(%s * 0.707106781f))", "v");
    }
    default: BUG("not a math op");
    }
}

static void emit_elem(Emit *e, const Node *n)
{
    const char *x = operand(e, n, 0);
    const char *f = math_expr(e, n);
    begin_fn(e, n, "", "");
    line(e, "int i;");
    blank(e);
    line(e, "for (i = 0; i < %lld; i++) {", (long long)ir_numel(&e->g->t[n->out[0]]));
    line(e, "    const float v = %s[i];", x);
    if (n->op == OP_HARDSIGMOID || n->op == OP_HARDSWISH) {
        /* t clamped to [0, 1]: HardSigmoid is t, HardSwish v * t */
        line(e, "    const float t = %s;", f);
        blank(e);
        line(e, "    y[i] = %s(t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t);", n->op == OP_HARDSWISH ? "v * " : "");
    } else {
        blank(e);
        line(e, "    y[i] = %s;", f);
    }
    line(e, "}");
    end_fn(e);
}

/* Nested loops over y's dimensions with o counting outputs; the body at indent depth. */
static void open_loops(Emit *e, const Tensor *y)
{
    int i;
    for (i = 0; i < y->rank; i++)
        line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)%s", 4 * i, "", i, i, (long long)y->dims[i], i,
             i == y->rank - 1 ? " {" : "");
    if (!y->rank)
        line(e, "{");
}

static void loop_decls(Emit *e, const Tensor *y, const char *more)
{
    Buf decl = {0};
    int i;
    for (i = 0; i < y->rank; i++)
        buf_printf(&decl, "i%d, ", i);
    line(e, "int %so = 0;", decl.p ? decl.p : "");
    if (more)
        line(e, "%s", more);
    blank(e);
    buf_free(&decl);
}

/* The value of input i at the current output position. */
static const char *nary_operand(Emit *e, const Node *n, int i)
{
    const Tensor *x = &e->g->t[n->in[i]], *y = &e->g->t[n->out[0]];
    if (x->f && ir_numel(x) == 1)
        return lit(e, n, x->f[0]);
    return arena_printf(e->g->a, "%s[%s]", operand(e, n, i), bcast_expr(e, x, y));
}

/*
 * Max/Min: v = u > v ? u : v, one input after the other; Sum adds, Mean adds
 * then divides by the count; Pow: v^u; PRelu: v < 0 ? u * v : v.
 */
static void emit_nary(Emit *e, const Node *n)
{
    const Tensor *y = &e->g->t[n->out[0]];
    int k, d = 4 * y->rank;
    const char **ops = arena_array(e->g->a, (size_t)n->n_in, sizeof *ops);
    for (k = 0; k < n->n_in; k++)
        ops[k] = nary_operand(e, n, k);
    if (n->op == OP_POW)
        e->need_math[M_POW] = 1;
    if (n->op == OP_MOD)
        e->need_math[M_FMOD] = 1;
    begin_fn(e, n, "", "");
    loop_decls(e, y, n->n_in > 1 && (n->op == OP_MAX || n->op == OP_MIN) ? "float v, u;" : "float v;");
    open_loops(e, y);
    line(e, "%*sv = %s;", d, "", ops[0]);
    for (k = 1; k < n->n_in; k++)
        switch (n->op) {
        case OP_MAX: case OP_MIN:
            line(e, "%*su = %s;", d, "", ops[k]);
            line(e, "%*sv = u %c v ? u : v;", d, "", n->op == OP_MAX ? '>' : '<');
            break;
        case OP_SUM: case OP_MEAN: line(e, "%*sv += %s;", d, "", ops[k]); break;
        case OP_POW: line(e, "%*sv = tc_powf(v, %s);", d, "", ops[k]); break;
        case OP_PRELU: line(e, "%*sv = v < 0.0f ? %s * v : v;", d, "", ops[k]); break;
        case OP_MOD: line(e, "%*sv = tc_fmodf(v, %s);", d, "", ops[k]); break;
        default: BUG("not a variadic op");
        }
    if (n->op == OP_MEAN && n->n_in > 1)
        line(e, "%*sv /= %d.0f;", d, "", n->n_in);
    line(e, "%*sy[o++] = v;", d, "");
    line(e, "%*s}", y->rank ? 4 * (y->rank - 1) : 0, "");
    end_fn(e);
}

static void emit_clip(Emit *e, const Node *n)
{
    float lo = 0, hi = 0;
    int has = clip_bounds(e->g, n, &lo, &hi);
    /* an infinite bound is no bound */
    if ((has & 1) && lo < -3.4028235e38f)
        has &= ~1;
    if ((has & 2) && hi > 3.4028235e38f)
        has &= ~2;
    begin_fn(e, n, "", "");
    line(e, "int i;");
    blank(e);
    line(e, "for (i = 0; i < %lld; i++) {", (long long)ir_numel(&e->g->t[n->out[0]]));
    line(e, "    float v = %s[i];", operand(e, n, 0));
    blank(e);
    if (has & 1)
        line(e, "    v = v < %s ? %s : v;", lit(e, n, lo), lit(e, n, lo));
    if (has & 4)
        line(e, "    v = v < x1[0] ? x1[0] : v;");
    if (has & 2)
        line(e, "    v = v > %s ? %s : v;", lit(e, n, hi), lit(e, n, hi));
    if (has & 8)
        line(e, "    v = v > x2[0] ? x2[0] : v;");
    line(e, "    y[i] = v;");
    line(e, "}");
    end_fn(e);
}

/*
 * Reductions: loops over the kept axes outside, the reduced axes inside;
 * x[...] is read at kept + reduced offsets. Max/Min start from the first
 * element; LogSumExp = m + log(sum e^(x - m)) with m the maximum.
 */
static void emit_reduce(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    OpKind op = n->op;
    int reduced[TC_MAX_RANK], d, depth = 0, nred = 0;
    int64_t stride[TC_MAX_RANK], s = 1, count = 1;
    Buf kept = {0}, red = {0}, decl = {0};
    const char *xn = operand(e, n, 0), *xv, *xk, *res = "acc";
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
    begin_fn(e, n, "", "");
    line(e, "int %so = 0;", decl.p ? decl.p : "");
    line(e, "float acc%s;", op == OP_REDUCELOGSUMEXP ? ", m" : "");
    blank(e);
    for (d = 0; d < x->rank; d++)
        if (!reduced[d] && x->dims[d] != 1) {
            line(e, "for (i%d = 0; i%d < %lld; i%d++)", d, d, (long long)x->dims[d], d);
            e->indent++, depth++;
        }
    line(e, "{");
    e->indent++;
    /* one pass over the reduced elements, whose loops open at 'for' and close after 'stmt' */
#define REDUCE_PASS(init, stmt)                                                               \
    do {                                                                                      \
        line(e, "%s", init);                                                                  \
        for (d = 0; d < x->rank; d++)                                                         \
            if (reduced[d] && x->dims[d] != 1) {                                              \
                line(e, "for (i%d = 0; i%d < %lld; i%d++)", d, d, (long long)x->dims[d], d); \
                e->indent++;                                                                  \
            }                                                                                 \
        line(e, "%s", stmt);                                                                  \
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
    line(e, "y[o++] = %s;", res);
    e->indent--;
    line(e, "}");
    e->indent -= depth;
    end_fn(e);
    buf_free(&kept);
    buf_free(&red);
    buf_free(&decl);
}

static void emit_hardmax(Emit *e, const Node *n)
{
    int64_t outer, len, inner;
    const char *x = operand(e, n, 0);
    softmax_extent(e->g, n, &e->g->t[n->in[0]], &outer, &len, &inner);
    begin_fn(e, n, "", "");
    line(e, "int o, j, k, b;");
    blank(e);
    line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
    line(e, "    for (j = 0; j < %lld; j++) {", (long long)inner);
    e->indent = 2;
    line(e, "const float *xp = %s + o * %lld + j;", x, (long long)(len * inner));
    line(e, "float *yp = y + o * %lld + j;", (long long)(len * inner));
    blank(e);
    line(e, "/* 1 at the first maximum */");
    line(e, "for (k = 1, b = 0; k < %lld; k++)", (long long)len);
    line(e, "    b = xp[k * %lld] > xp[b * %lld] ? k : b;", (long long)inner, (long long)inner);
    line(e, "for (k = 0; k < %lld; k++)", (long long)len);
    line(e, "    yp[k * %lld] = k == b ? 1.0f : 0.0f;", (long long)inner);
    e->indent = 1;
    line(e, "}");
    end_fn(e);
}

/*
 * Transpose, Slice, Expand, Tile: y[o++] = x[base + sum i_k * stride_k] over
 * the map's axes, after dropping axes of length 1 and merging axes that are
 * contiguous in x.
 */
static void emit_copy(Emit *e, const Node *n)
{
    CopyMap m;
    int64_t dims[2 * TC_MAX_RANK], stride[2 * TC_MAX_RANK];
    int r = 0, k;
    Buf idx = {0}, decl = {0};
    const char *x = operand(e, n, 0);
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
    begin_fn(e, n, "", "");
    if (ir_numel(&e->g->t[n->out[0]]) == 0) {
        line(e, "(void)y;");
        if (!is_const(e, n->in[0]))
            line(e, "(void)x0;");
        end_fn(e);
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
    line(e, "int %so = 0;", decl.p ? decl.p : "");
    blank(e);
    for (k = 0; k < r; k++)
        line(e, "%*sfor (i%d = 0; i%d < %lld; i%d++)", 4 * k, "", k, k, (long long)dims[k], k);
    line(e, "%*sy[o++] = %s[%s];", 4 * r, "", x, idx.p);
    end_fn(e);
    buf_free(&idx);
    buf_free(&decl);
}

/* Split: output j takes its slab of every outer block of x; outputs are y, y1, y2, ... */
static void emit_split(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int axis = (int)attr_int(n, "axis", 0), i, j;
    int64_t outer = 1, inner = 1, pos = 0;
    const char *xn = operand(e, n, 0);
    if (axis < 0)
        axis += x->rank;
    for (i = 0; i < axis; i++)
        outer *= x->dims[i];
    for (i = axis + 1; i < x->rank; i++)
        inner *= x->dims[i];
    begin_fn(e, n, "", "");
    line(e, "int o, i;");
    blank(e);
    for (j = 0; j < n->n_out; j++) {
        int64_t len = e->g->t[n->out[j]].dims[axis] * inner;
        const char *y = j ? arena_printf(e->g->a, "y%d", j) : "y";
        if (len == 0) {
            line(e, "(void)%s;", y);
            continue;
        }
        line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
        line(e, "    for (i = 0; i < %lld; i++)", (long long)len);
        line(e, "        %s[o * %lld + i] = %s[o * %lld + %lld + i];", y, (long long)len, xn,
             (long long)(x->dims[axis] * inner), (long long)pos);
        pos += len;
    }
    end_fn(e);
}

/* ConstantOfShape reaches the emitter only as a graph output. */
static void emit_constofshape(Emit *e, const Node *n)
{
    const Attr *at = attr_get(n, "value");
    const Tensor *y = &e->g->t[n->out[0]];
    if (y->dtype != DT_FLOAT)
        node_error(e->g, n, "integer tensors at run time are not supported");
    begin_fn(e, n, "", "");
    line(e, "int i;");
    blank(e);
    line(e, "for (i = 0; i < %lld; i++)", (long long)ir_numel(y));
    line(e, "    y[i] = %s;", lit(e, n, at ? at->t->f[0] : 0.0f));
    end_fn(e);
}

/* Cast at run time: float to float only, a copy. */
static void emit_cast(Emit *e, const Node *n)
{
    const Tensor *y = &e->g->t[n->out[0]];
    if (y->dtype != DT_FLOAT || e->g->t[n->in[0]].dtype != DT_FLOAT)
        node_error(e->g, n, "casts between float and integer tensors are supported only at compile time");
    begin_fn(e, n, "", " -- float to float, a copy");
    line(e, "int i;");
    blank(e);
    line(e, "for (i = 0; i < %lld; i++)", (long long)ir_numel(y));
    line(e, "    y[i] = %s[i];", operand(e, n, 0));
    end_fn(e);
}

/* RNN, GRU, LSTM: the recurrences of eval_rnn in interp.c, in float, as loops. */
static void emit_rnn(Emit *e, const Node *n)
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
    const char *X = operand(e, n, 0), *W = operand(e, n, 1), *R = operand(e, n, 2);
    const char *Bs = has_b ? operand(e, n, 3) : NULL, *P = has_p ? operand(e, n, 7) : NULL;
    const char *clip_lo = NULL, *clip_hi = NULL;
    const char *hi = arena_printf(g->a, "(d * %lld + b) * %lld", (long long)Bn, (long long)H);
    /* Y and Y_h/Y_c positions of (t, d, b) and (d, b) */
    const char *yo = layout ? arena_printf(g->a, "((b * %lld + t) * %lld + d) * %lld", (long long)Tn, (long long)D, (long long)H)
                            : arena_printf(g->a, "((t * %lld + d) * %lld + b) * %lld", (long long)D, (long long)Bn, (long long)H);
    const char *ho = layout ? arena_printf(g->a, "(b * %lld + d) * %lld", (long long)D, (long long)H) : hi;
    if (attr_get(n, "clip")) {
        clip_hi = lit(e, n, attr_float(n, "clip", 0.0f));
        clip_lo = lit(e, n, -attr_float(n, "clip", 0.0f));
    }
    e->need_math[M_TANH] = 1;
    if (n->op != OP_RNN)
        e->need_math[M_SIGMOID] = 1;
#define CL(v) (clip_lo ? arena_printf(g->a, "%s_clip(%s)", fn_name(e, n), v) : (v))
    if (clip_lo) { /* gate inputs clamped to [-clip, clip] */
        e->out = &e->fns;
        e->indent = 0;
        line(e, "static float %s_clip(float v)", fn_name(e, n));
        line(e, "{");
        line(e, "    return v < %s ? %s : v > %s ? %s : v;", clip_lo, clip_lo, clip_hi, clip_hi);
        line(e, "}");
        blank(e);
    }
    begin_fn(e, n, "", "");
    line(e, "static float h[%lld], ga[%lld];", (long long)(D * Bn * H), (long long)(GH + H));
    if (n->op == OP_LSTM)
        line(e, "static float cs[%lld];", (long long)(D * Bn * H));
    line(e, "int d, s, t, b, j, k;");
    blank(e);
    /* initial states are [D,B,H], or [B,D,H] with layout 1 */
    line(e, "for (d = 0; d < %lld; d++)", (long long)D);
    line(e, "    for (b = 0; b < %lld; b++)", (long long)Bn);
    line(e, "        for (j = 0; j < %lld; j++) {", (long long)H);
    line(e, "            h[%s + j] = %s;", hi, has_h0 ? arena_printf(g->a, "%s[%s + j]", operand(e, n, 5), ho) : "0.0f");
    if (n->op == OP_LSTM)
        line(e, "            cs[%s + j] = %s;", hi, has_c0 ? arena_printf(g->a, "%s[%s + j]", operand(e, n, 6), ho) : "0.0f");
    line(e, "        }");
    line(e, "for (d = 0; d < %lld; d++)", (long long)D);
    line(e, "    for (s = 0; s < %lld; s++) {", (long long)Tn);
    e->indent = 2;
    if (D == 2)
        line(e, "t = d == 1 ? %lld - s : s;", (long long)(Tn - 1));
    else if (dir && dir->kind == AT_STRING && strcmp(dir->s, "reverse") == 0)
        line(e, "t = %lld - s;", (long long)(Tn - 1));
    else
        line(e, "t = s;");
    line(e, "for (b = 0; b < %lld; b++) {", (long long)Bn);
    e->indent = 3;
    line(e, "const float *xt = %s + %s * %lld;", X, layout ? arena_printf(g->a, "(b * %lld + t)", (long long)Tn)
                                                        : arena_printf(g->a, "(t * %lld + b)", (long long)Bn), (long long)I);
    if (n->op == OP_LSTM)
        line(e, "float *hp = h + %s, *cp = cs + %s;", hi, hi);
    else
        line(e, "float *hp = h + %s;", hi);
    blank(e);
    line(e, "/* gate inputs: x W^T + Wb, plus h R^T + Rb%s */", n->op == OP_GRU ? " for z and r" : "");
    line(e, "for (j = 0; j < %lld; j++) {", (long long)GH);
    line(e, "    float a = %s;", has_b ? arena_printf(g->a, "%s[d * %lld + j]", Bs, (long long)(2 * GH)) : "0.0f");
    blank(e);
    line(e, "    for (k = 0; k < %lld; k++)", (long long)I);
    line(e, "        a += xt[k] * %s[(d * %lld + j) * %lld + k];", W, (long long)GH, (long long)I);
    line(e, "    %s{", n->op == OP_GRU ? arena_printf(g->a, "if (j < %lld) ", (long long)(2 * H)) : "");
    if (has_b)
        line(e, "        a += %s[d * %lld + %lld + j];", Bs, (long long)(2 * GH), (long long)GH);
    line(e, "        for (k = 0; k < %lld; k++)", (long long)H);
    line(e, "            a += hp[k] * %s[(d * %lld + j) * %lld + k];", R, (long long)GH, (long long)H);
    line(e, "    }");
    line(e, "    ga[j] = a;");
    line(e, "}");
    if (n->op == OP_GRU) {
        line(e, "for (j = 0; j < %lld; j++) /* r */", (long long)H);
        line(e, "    ga[%lld + j] = tc_sigmoidf(%s);", (long long)H, CL(arena_printf(g->a, "ga[%lld + j]", (long long)H)));
    }
    line(e, "for (j = 0; j < %lld; j++) {", (long long)H);
    e->indent = 4;
    if (n->op == OP_RNN) {
        line(e, "ga[%lld + j] = tc_tanhf(%s);", (long long)GH, CL("ga[j]"));
    } else if (n->op == OP_GRU) {
        line(e, "const float z = tc_sigmoidf(%s);", CL("ga[j]"));
        line(e, "float hr = %s;", has_b ? arena_printf(g->a, "%s[d * %lld + %lld + j]", Bs, (long long)(2 * GH), (long long)(GH + 2 * H)) : "0.0f");
        blank(e);
        line(e, "for (k = 0; k < %lld; k++)", (long long)H);
        line(e, "    hr += %s * %s[(d * %lld + %lld + j) * %lld + k];", lbr ? "hp[k]" : arena_printf(g->a, "ga[%lld + k] * hp[k]", (long long)H),
             R, (long long)GH, (long long)(2 * H), (long long)H);
        if (lbr)
            line(e, "hr *= ga[%lld + j];", (long long)H);
        line(e, "ga[%lld + j] = (1.0f - z) * tc_tanhf(%s) + z * hp[j];", (long long)GH,
             CL(arena_printf(g->a, "ga[%lld + j] + hr", (long long)(2 * H))));
    } else {
        /* peephole terms P[d][gate] * C; i and f see the old C, o the new one */
        const char *pi = has_p ? arena_printf(g->a, " + %s[d * %lld + j] * cp[j]", P, (long long)(3 * H)) : "";
        const char *po = has_p ? arena_printf(g->a, " + %s[d * %lld + %lld + j] * cp[j]", P, (long long)(3 * H), (long long)H) : "";
        const char *pf = has_p ? arena_printf(g->a, " + %s[d * %lld + %lld + j] * cp[j]", P, (long long)(3 * H), (long long)(2 * H)) : "";
        line(e, "const float ig = tc_sigmoidf(%s);", CL(arena_printf(g->a, "ga[j]%s", pi)));
        line(e, "const float fg = tc_sigmoidf(%s);", CL(arena_printf(g->a, "ga[%lld + j]%s", (long long)(2 * H), pf)));
        line(e, "const float cc = tc_tanhf(%s);", CL(arena_printf(g->a, "ga[%lld + j]", (long long)(3 * H))));
        blank(e);
        line(e, "cp[j] = fg * cp[j] + ig * cc;");
        line(e, "ga[%lld + j] = tc_sigmoidf(%s) * tc_tanhf(cp[j]);", (long long)GH,
             CL(arena_printf(g->a, "ga[%lld + j]%s", (long long)H, po)));
    }
    e->indent = 3;
    line(e, "}");
    line(e, "for (j = 0; j < %lld; j++) {", (long long)H);
    line(e, "    hp[j] = ga[%lld + j];", (long long)GH);
    line(e, "    y[%s + j] = hp[j];", yo);
    line(e, "}");
    e->indent = 2;
    line(e, "}");
    e->indent = 1;
    line(e, "}");
    if (n->n_out > 1) {
        line(e, "for (d = 0; d < %lld; d++)", (long long)D);
        line(e, "    for (b = 0; b < %lld; b++)", (long long)Bn);
        line(e, "        for (j = 0; j < %lld; j++) {", (long long)H);
        line(e, "            y1[%s + j] = h[%s + j];", ho, hi);
        if (n->n_out > 2)
            line(e, "            y2[%s + j] = cs[%s + j];", ho, hi);
        line(e, "        }");
    }
#undef CL
    end_fn(e);
}

/* LRN: see eval_lrn; tc_powf for the exponent. */
static void emit_lrn(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int64_t size = attr_int(n, "size", 1), C = x->dims[1], S = 1;
    int i;
    for (i = 2; i < x->rank; i++)
        S *= x->dims[i];
    e->need_math[M_POW] = 1;
    begin_fn(e, n, "", "");
    line(e, "int b, c, s, k;");
    blank(e);
    line(e, "for (b = 0; b < %lld; b++)", (long long)x->dims[0]);
    line(e, "    for (c = 0; c < %lld; c++)", (long long)C);
    line(e, "        for (s = 0; s < %lld; s++) {", (long long)S);
    e->indent = 3;
    line(e, "const int lo = c - %lld < 0 ? 0 : c - %lld, hi = c + %lld > %lld ? %lld : c + %lld;", (long long)((size - 1) / 2),
         (long long)((size - 1) / 2), (long long)(size / 2), (long long)(C - 1), (long long)(C - 1), (long long)(size / 2));
    line(e, "const float *xp = %s + b * %lld + s;", operand(e, n, 0), (long long)(C * S));
    line(e, "float sum = 0.0f;");
    blank(e);
    line(e, "for (k = lo; k <= hi; k++)");
    line(e, "    sum += xp[k * %lld] * xp[k * %lld];", (long long)S, (long long)S);
    line(e, "y[(b * %lld + c) * %lld + s] = xp[c * %lld] / tc_powf(%s + %s * sum, %s);", (long long)C, (long long)S,
         (long long)S, lit(e, n, attr_float(n, "bias", 1.0f)), lit(e, n, attr_float(n, "alpha", 1e-4f) / (float)size),
         lit(e, n, attr_float(n, "beta", 0.75f)));
    e->indent = 1;
    line(e, "}");
    end_fn(e);
}

/* MeanVarianceNormalization: per group of the kept axes, sums of x and x^2, then y. */
static void emit_mvn(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int reduced[TC_MAX_RANK], d, depth = 0, nred = 0;
    int64_t stride[TC_MAX_RANK], s = 1, count = 1;
    Buf idx = {0}, decl = {0};
    const char *xn = operand(e, n, 0);
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
    begin_fn(e, n, "", "");
    e->need_math[M_SQRT] = 1;
    if (decl.len)
        line(e, "int %.*s;", (int)decl.len - 2, decl.p);
    line(e, "float sum, sq, m, sd;");
    blank(e);
    for (d = 0; d < x->rank; d++)
        if (!reduced[d] && x->dims[d] != 1) {
            line(e, "for (i%d = 0; i%d < %lld; i%d++)", d, d, (long long)x->dims[d], d);
            e->indent++, depth++;
        }
    line(e, "{");
    e->indent++;
#define MVN_PASS(stmt)                                                                        \
    do {                                                                                      \
        for (d = 0; d < x->rank; d++)                                                         \
            if (reduced[d] && x->dims[d] != 1) {                                              \
                line(e, "for (i%d = 0; i%d < %lld; i%d++)", d, d, (long long)x->dims[d], d); \
                e->indent++;                                                                  \
            }                                                                                 \
        line(e, "%s", stmt);                                                                  \
        e->indent -= nred;                                                                    \
    } while (0)
    line(e, "sum = sq = 0.0f;");
    MVN_PASS(arena_printf(e->g->a, "sum += %s[%s], sq += %s[%s] * %s[%s];", xn, idx.p ? idx.p : "0", xn, idx.p ? idx.p : "0",
                          xn, idx.p ? idx.p : "0"));
    line(e, "m = sum / %lld.0f;", (long long)count);
    line(e, "/* y = (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9) */");
    line(e, "sd = tc_sqrtf(sq / %lld.0f - m * m) + 1e-9f;", (long long)count);
    MVN_PASS(arena_printf(e->g->a, "y[%s] = (%s[%s] - m) / sd;", idx.p ? idx.p : "0", xn, idx.p ? idx.p : "0"));
#undef MVN_PASS
    e->indent--;
    line(e, "}");
    e->indent -= depth;
    end_fn(e);
    buf_free(&idx);
    buf_free(&decl);
}

/* Det: eval_det's elimination in float, one matrix at a time. */
static void emit_det(Emit *e, const Node *n)
{
    const Tensor *x = &e->g->t[n->in[0]];
    int64_t M = x->dims[x->rank - 1];
    begin_fn(e, n, "", "");
    line(e, "float a[%lld], det, t, f;", (long long)(M * M));
    line(e, "int q, i, j, k, p;");
    blank(e);
    line(e, "for (q = 0; q < %lld; q++) {", (long long)ir_numel(&e->g->t[n->out[0]]));
    e->indent = 2;
    line(e, "for (i = 0; i < %lld; i++)", (long long)(M * M));
    line(e, "    a[i] = %s[q * %lld + i];", operand(e, n, 0), (long long)(M * M));
    line(e, "det = 1.0f;");
    line(e, "for (k = 0; k < %lld && det != 0.0f; k++) {", (long long)M);
    line(e, "    /* partial pivoting: the largest |a[i][k]| for i >= k */");
    line(e, "    for (p = k, i = k + 1; i < %lld; i++)", (long long)M);
    line(e, "        p = (a[i * %lld + k] < 0.0f ? -a[i * %lld + k] : a[i * %lld + k]) >", (long long)M, (long long)M, (long long)M);
    line(e, "            (a[p * %lld + k] < 0.0f ? -a[p * %lld + k] : a[p * %lld + k]) ? i : p;", (long long)M, (long long)M, (long long)M);
    line(e, "    if (p != k) {");
    line(e, "        for (j = 0; j < %lld; j++) {", (long long)M);
    line(e, "            t = a[k * %lld + j];", (long long)M);
    line(e, "            a[k * %lld + j] = a[p * %lld + j];", (long long)M, (long long)M);
    line(e, "            a[p * %lld + j] = t;", (long long)M);
    line(e, "        }");
    line(e, "        det = -det;");
    line(e, "    }");
    line(e, "    det *= a[k * %lld + k];", (long long)M);
    line(e, "    for (i = k + 1; i < %lld && det != 0.0f; i++) {", (long long)M);
    line(e, "        f = a[i * %lld + k] / a[k * %lld + k];", (long long)M, (long long)M);
    line(e, "        for (j = k + 1; j < %lld; j++)", (long long)M);
    line(e, "            a[i * %lld + j] -= f * a[k * %lld + j];", (long long)M, (long long)M);
    line(e, "    }");
    line(e, "}");
    line(e, "y[q] = det;");
    e->indent = 1;
    line(e, "}");
    end_fn(e);
}

static void emit_only_const(Emit *e, const Node *n)
{
    node_error(e->g, n, "supported only when its inputs are constants (it is folded at compile time)");
}
#define emit_shapeof emit_only_const
#define emit_gather emit_only_const
#define emit_size emit_only_const

typedef void (*EmitFn)(Emit *, const Node *);
static const EmitFn emit_fns[] = {
#define OP(id, name, cls) emit_##cls,
    OPS(OP)
#undef OP
};

/* ---- the file ---- */

/* TC_WREG and the TC_LD<n> the code uses (see stream_next). */
static void emit_stream_macros(Emit *e)
{
    int cnt, i;
    Buf b = {0};
    line(e, "/* Weight streams: TC_LD<n>(w) sets w0.. w<n-1> to the next n values of table w and");
    line(e, " * advances w. On 32-bit ARM with a VFP that is one multi-register load (vldmia) into");
    line(e, " * s8..s15, where TC_WREG keeps w0..w7; elsewhere plain C, with the same values. */");
    line(e, "#if defined(__GNUC__) && !defined(__clang__) && defined(__arm__) && defined(__ARM_FP) && (__ARM_FP & 4)");
    line(e, "#define TC_WREG(v, r) register float v __asm__(#r)");
    for (cnt = 1; cnt <= 8; cnt++) {
        if (!(e->used_ld & 1 << (cnt - 1)))
            continue;
        b.len = 0;
        buf_printf(&b, "#define TC_LD%d(p) __asm__(\"vldmia %%%d!, {s8", cnt, cnt);
        if (cnt > 1)
            buf_printf(&b, "-s%d", 7 + cnt);
        buf_printf(&b, "}\" : ");
        for (i = 0; i < cnt; i++)
            buf_printf(&b, "\"=t\"(w%d), ", i);
        buf_printf(&b, "\"+r\"(p) : \"m\"(*(const float(*)[%d])(p)))", cnt);
        line(e, "%s", b.p);
    }
    line(e, "#else");
    line(e, "#define TC_WREG(v, r) float v");
    for (cnt = 1; cnt <= 8; cnt++) {
        if (!(e->used_ld & 1 << (cnt - 1)))
            continue;
        b.len = 0;
        buf_printf(&b, "#define TC_LD%d(p) (", cnt);
        for (i = 0; i < cnt; i++)
            buf_printf(&b, "w%d = (p)[%d], ", i, i);
        buf_printf(&b, "(p) += %d)", cnt);
        line(e, "%s", b.p);
    }
    line(e, "#endif");
    blank(e);
    buf_free(&b);
}

static void emit_header_comment(Emit *e)
{
    Graph *g = e->g;
    line(e, "/*");
    line(e, " * Generated by ticketc %s from '%s'", TICKETC_VERSION, comment(e, g->source));
    line(e, " *   SHA-256 %s", g->sha256);
    line(e, " *   producer: %s, opset %lld", comment(e, g->producer), (long long)g->opset);
    line(e, " *   options: %s", comment(e, e->opt->options));
    line(e, " * Do not edit: regenerate with ticketc. Needs no libm, no malloc.");
    line(e, " */");
}

static void emit_main(Emit *e)
{
    Graph *g = e->g;
    int k;
    blank(e);
    line(e, "/*");
    line(e, " * Test driver (--main): reads raw little-endian float32 samples from stdin");
    line(e, " * (per sample, each input in order) until EOF, runs each, writes the outputs");
    line(e, " * as raw float32 to stdout. -r N runs every sample N times (benchmarks).");
    line(e, " */");
    line(e, "static int tc_read(float *p, size_t n, int first)");
    line(e, "{");
    line(e, "    size_t got = fread(p, sizeof *p, n, stdin);");
    blank(e);
    line(e, "    if (got == n)");
    line(e, "        return 1;");
    line(e, "    if (got == 0 && first && feof(stdin))");
    line(e, "        return 0;");
    line(e, "    fprintf(stderr, \"%s: short read: expected %%lu floats, got %%lu\\n\", (unsigned long)n, (unsigned long)got);",
         e->opt->prefix);
    line(e, "    exit(1);");
    line(e, "}");
    blank(e);
    line(e, "int main(int argc, char **argv)");
    line(e, "{");
    for (k = 0; k < g->n_inputs; k++)
        line(e, "    static float in%d[%lld];", k, (long long)ir_numel(&g->t[g->inputs[k]]));
    for (k = 0; k < g->n_outputs; k++)
        line(e, "    static float out%d[%lld];", k, (long long)ir_numel(&g->t[g->outputs[k]]));
    line(e, "    long reps = 1, r;");
    blank(e);
    line(e, "    if (argc == 3 && argv[1][0] == '-' && argv[1][1] == 'r' && argv[1][2] == 0)");
    line(e, "        reps = strtol(argv[2], NULL, 10);");
    line(e, "    if (reps < 1 || (argc != 1 && argc != 3)) {");
    line(e, "        fprintf(stderr, \"usage: %%s [-r REPEATS] < inputs.f32 > outputs.f32\\n\", argv[0]);");
    line(e, "        return 2;");
    line(e, "    }");
    line(e, "    while (tc_read(in0, %lld, 1)) {", (long long)ir_numel(&g->t[g->inputs[0]]));
    for (k = 1; k < g->n_inputs; k++)
        line(e, "        tc_read(in%d, %lld, 0);", k, (long long)ir_numel(&g->t[g->inputs[k]]));
    {
        Buf args = {0};
        for (k = 0; k < g->n_inputs; k++)
            buf_printf(&args, "%sin%d", k ? ", " : "", k);
        for (k = 0; k < g->n_outputs; k++)
            buf_printf(&args, ", out%d", k);
        line(e, "        for (r = 0; r < reps; r++)");
        line(e, "            %s_run(%s);", e->opt->prefix, args.p);
        buf_free(&args);
    }
    for (k = 0; k < g->n_outputs; k++) {
        line(e, "        if (fwrite(out%d, sizeof(float), %lld, stdout) != %lld)", k,
             (long long)ir_numel(&g->t[g->outputs[k]]), (long long)ir_numel(&g->t[g->outputs[k]]));
        line(e, "            return 1;");
    }
    line(e, "    }");
    line(e, "    return fflush(stdout) == 0 ? 0 : 1;");
    line(e, "}");
}

static void emit_signature(Emit *e, Buf *b, const char *end)
{
    Graph *g = e->g;
    int k;
    buf_printf(b, "void %s_run(", e->opt->prefix);
    for (k = 0; k < g->n_inputs; k++)
        buf_printf(b, "%sconst float *in%d", k ? ", " : "", k);
    for (k = 0; k < g->n_outputs; k++)
        buf_printf(b, ", float *out%d", k);
    buf_printf(b, ")%s", end);
}

static void emit_io_comment(Emit *e)
{
    Graph *g = e->g;
    int k;
    for (k = 0; k < g->n_inputs; k++) {
        const Tensor *t = &g->t[g->inputs[k]];
        line(e, " *   in%d:  '%s' %s, %lld floats", k, comment(e, t->name), ir_shape_str(g->a, t), (long long)ir_numel(t));
    }
    for (k = 0; k < g->n_outputs; k++) {
        const Tensor *t = &g->t[g->outputs[k]];
        line(e, " *   out%d: '%s' %s, %lld floats", k, comment(e, t->name), ir_shape_str(g->a, t), (long long)ir_numel(t));
    }
}

static void emit_h(Emit *e, Buf *h)
{
    Graph *g = e->g;
    char guard[64];
    int k;
    size_t i;
    Buf sig = {0};
    snprintf(guard, sizeof guard, "%s_H", e->opt->prefix);
    for (i = 0; guard[i]; i++)
        if (guard[i] >= 'a' && guard[i] <= 'z')
            guard[i] = (char)(guard[i] - 'a' + 'A');
    e->out = h;
    e->indent = 0;
    emit_header_comment(e);
    line(e, "#ifndef %s", guard);
    line(e, "#define %s", guard);
    blank(e);
    for (k = 0; k < g->n_inputs; k++)
        line(e, "#define %s_IN%d_SIZE %lld", guard, k, (long long)ir_numel(&g->t[g->inputs[k]]));
    for (k = 0; k < g->n_outputs; k++)
        line(e, "#define %s_OUT%d_SIZE %lld", guard, k, (long long)ir_numel(&g->t[g->outputs[k]]));
    line(e, "#define %s_ARENA_BYTES %lld", guard, (long long)(g->arena_floats * 4));
    blank(e);
    line(e, "/*");
    line(e, " * Runs the model once. Not reentrant: intermediate results live in one");
    line(e, " * static arena of %s_ARENA_BYTES bytes.", guard);
    emit_io_comment(e);
    line(e, " */");
    emit_signature(e, &sig, ";");
    line(e, "%s", sig.p);
    blank(e);
    line(e, "#endif");
    buf_free(&sig);
}

void emit_c(Graph *g, const EmitOptions *opt, Buf *c, Buf *h)
{
    Emit e;
    Buf sig = {0};
    int k;

    memset(&e, 0, sizeof e);
    e.g = g;
    e.opt = opt;
    e.emitted_const = arena_alloc(g->a, g->nt + 1);

    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        if (n->dead)
            continue;
        emit_fns[n->op](&e, n);
        if (!(ir_is_view(n->op) && g->t[n->out[0]].alias != TC_NONE))
            call_fn(&e, n);
    }
    /* graph outputs that are constants or graph inputs are copied */
    for (k = 0; k < g->n_outputs; k++) {
        const Tensor *t = &g->t[g->outputs[k]];
        if (t->producer < 0) {
            if (ir_is_const(t) && t->dtype != DT_FLOAT)
                fatal("graph output '%s' is an integer constant; only float outputs are supported", comment(&e, t->name));
            e.out = &e.run;
            e.indent = 1;
            line(&e, "{");
            line(&e, "    int i;");
            blank(&e);
            line(&e, "    for (i = 0; i < %lld; i++) /* '%s' */", (long long)ir_numel(t), comment(&e, t->name));
            if (ir_is_const(t)) {
                Node fake;
                memset(&fake, 0, sizeof fake);
                fake.name = t->name;
                line(&e, "        out%d[i] = %s[i];", k, const_table(&e, &fake, g->outputs[k]));
            } else {
                line(&e, "        out%d[i] = in%d[i];", k, t->input_index);
            }
            line(&e, "}");
        } else if (t->dtype != DT_FLOAT) {
            fatal("graph output '%s' is an integer tensor; only float outputs are supported", comment(&e, t->name));
        }
    }
    for (k = 0; k < g->n_inputs; k++) /* unused inputs are legal */
        if (!g->t[g->inputs[k]].consumers && g->t[g->inputs[k]].output_index < 0) {
            e.out = &e.run;
            e.indent = 1;
            line(&e, "(void)in%d; /* unused */", k);
        }

    e.out = c;
    e.indent = 0;
    emit_header_comment(&e);
    if (opt->with_main) {
        line(&e, "#include <stdio.h>");
        line(&e, "#include <stdlib.h>");
    }
    blank(&e);
    emit_math(&e);
    line(&e, "/* The model calls no library function: compilers must not turn its loops");
    line(&e, " * into calls of memset, memcpy or memmove. */");
    line(&e, "#if defined(__clang__)");
    line(&e, "#define TC_NOLIB __attribute__((no_builtin))");
    line(&e, "#elif defined(__GNUC__)");
    line(&e, "#define TC_NOLIB __attribute__((optimize(\"no-tree-loop-distribute-patterns\")))");
    line(&e, "#else");
    line(&e, "#define TC_NOLIB");
    line(&e, "#endif");
    blank(&e);
    line(&e, "/* Keeps the compiler from interleaving neurons (bounds its time and registers). */");
    line(&e, "#if defined(__GNUC__)");
    line(&e, "#define TC_BARRIER() __asm__ volatile(\"\" ::: \"memory\")");
    line(&e, "#else");
    line(&e, "#define TC_BARRIER() ((void)0)");
    line(&e, "#endif");
    blank(&e);
    line(&e, "/* Hides where p points, so the compiler reads inputs at small offsets from p");
    line(&e, " * (x, x256 = x + 256, ...) instead of building each input's address. */");
    line(&e, "#if defined(__GNUC__)");
    line(&e, "#define TC_BASE(p) __asm__ volatile(\"\" : \"+r\"(p))");
    line(&e, "#else");
    line(&e, "#define TC_BASE(p) ((void)(p))");
    line(&e, "#endif");
    blank(&e);
    if (e.used_vec) {
        line(&e, "/* Conv rows, TC_VW output positions at a time, on targets with a vector unit (GNU C");
        line(&e, " * vector extensions): each position gets the same products and sums in the same order");
        line(&e, " * as the plain C loop that other targets (and -DTC_NO_VEC) compile. */");
        line(&e, "#if defined(__GNUC__) && !defined(TC_NO_VEC) && \\");
        line(&e, "    (defined(__SSE2__) || defined(__ARM_NEON) || defined(__aarch64__))");
        line(&e, "#define TC_VEC 1");
        line(&e, "#if defined(__AVX__)");
        line(&e, "#define TC_VW 8");
        line(&e, "#else");
        line(&e, "#define TC_VW 4");
        line(&e, "#endif");
        line(&e, "typedef float tc_vf __attribute__((vector_size(TC_VW * 4)));");
        line(&e, "typedef float tc_vfu __attribute__((vector_size(TC_VW * 4), aligned(4), may_alias));");
        line(&e, "typedef int tc_vi __attribute__((vector_size(TC_VW * 4)));");
        line(&e, "#else");
        line(&e, "#define TC_VEC 0");
        line(&e, "#endif");
        blank(&e);
    }
    if (e.used_fma) {
        line(&e, "/* a * b + c, rounded once where the target has a fused multiply-add instruction");
        line(&e, " * (x86-64 with FMA, ARMv8, Cortex-M4F): one instruction per kept weight; else a");
        line(&e, " * multiply and an add (ticketc --no-fma writes that everywhere). */");
        line(&e, "#if defined(__GNUC__) && (defined(__FMA__) || defined(__ARM_FEATURE_FMA))");
        line(&e, "#define TC_FMA(a, b, c) __builtin_fmaf((a), (b), (c))");
        line(&e, "#else");
        line(&e, "#define TC_FMA(a, b, c) ((a) * (b) + (c))");
        line(&e, "#endif");
        blank(&e);
    }
    if (e.used_ld)
        emit_stream_macros(&e);
    if (opt->weights_section) {
        /* the name was checked by main.c: letters, digits, '_' and '.' only */
        line(&e, "/* Weight tables go to section %s (--weights-section), for the linker script. */",
             opt->weights_section);
        line(&e, "#if defined(__GNUC__)");
        line(&e, "#define TC_WEIGHTS __attribute__((section(\"%s\")))", opt->weights_section);
        line(&e, "#else");
        line(&e, "#define TC_WEIGHTS");
        line(&e, "#endif");
        blank(&e);
    }
    emit_signature(&e, &sig, ";");
    line(&e, "%s", sig.p);
    blank(&e);
    if (e.consts.len)
        buf_add(c, e.consts.p, e.consts.len);
    if (g->arena_floats) {
        line(&e, "/* intermediate results: %lld bytes, planned by liveness */", (long long)(g->arena_floats * 4));
        line(&e, "static float tc_arena[%lld];", (long long)g->arena_floats);
        blank(&e);
    }
    if (e.fns.len)
        buf_add(c, e.fns.p, e.fns.len);
    line(&e, "/*");
    line(&e, " * Runs the model once.");
    emit_io_comment(&e);
    line(&e, " */");
    sig.len = 0;
    emit_signature(&e, &sig, "");
    line(&e, "%s", sig.p);
    line(&e, "{");
    if (e.run.len)
        buf_add(c, e.run.p, e.run.len);
    line(&e, "}");
    if (opt->with_main)
        emit_main(&e);
    buf_free(&sig);
    buf_free(&e.consts);
    buf_free(&e.fns);
    buf_free(&e.run);
    emit_h(&e, h);
}

/* ---- the helpers above, for emit_conv.c (see emit.h) ---- */

void emit_line(Emit *e, const char *fmt, ...)
{
    va_list ap;
    int i;
    if (fmt[0])
        for (i = 0; i < e->indent; i++)
            buf_add(e->out, "    ", 4);
    va_start(ap, fmt);
    buf_vprintf(e->out, fmt, ap);
    va_end(ap);
    buf_add(e->out, "\n", 1);
}

void emit_blank(Emit *e) { blank(e); }
void emit_indent(Emit *e, int delta) { e->indent += delta; }
void emit_to_consts(Emit *e) { e->out = &e->consts; e->indent = 0; }
void emit_to_fns(Emit *e) { e->out = &e->fns; e->indent = 0; }
Graph *emit_graph(Emit *e) { return e->g; }
const EmitOptions *emit_options(Emit *e) { return e->opt; }
const char *emit_lit(Emit *e, const Node *n, float v) { return lit(e, n, v); }
const char *emit_comment(Emit *e, const char *s) { return comment(e, s); }
const char *emit_num(Emit *e, int64_t v) { return num(e, v); }
const char *emit_fn_name(Emit *e, const Node *n) { return fn_name(e, n); }
void emit_begin_fn(Emit *e, const Node *n, const char *suffix, const char *what) { begin_fn(e, n, suffix, what); }
void emit_end_fn(Emit *e) { end_fn(e); }
const char *emit_operand(Emit *e, const Node *n, int i) { return operand(e, n, i); }
const char *emit_act(Emit *e, const Node *n, const char *v) { return act_expr(e, n, n->act, n->act_alpha, v); }

void emit_need_vec(Emit *e) { e->used_vec = 1; }

void emit_need_math(Emit *e, const char *name)
{
    int k;
    for (k = 0; k < M_COUNT; k++)
        if (strcmp(math_names[k], name) == 0) {
            e->need_math[k] = 1;
            return;
        }
    BUG("emit_need_math: not in math_names");
}
