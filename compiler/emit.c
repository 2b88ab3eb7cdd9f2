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

#include "ticketc.h"

typedef struct {
    Graph *g;
    const EmitOptions *opt;
    Buf *out;      /* where line() writes */
    int indent;
    Buf consts;    /* static const tables */
    Buf fns;       /* node functions */
    Buf run;       /* body of <prefix>_run */
    char *emitted_const; /* per tensor: table already written */
    int need_math[32];   /* runtime blocks by index into math_names */
} Emit;

/* ---- text helpers ---- */

static void line(Emit *e, const char *fmt, ...) TC_PRINTF(2, 3);
static void line(Emit *e, const char *fmt, ...)
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

static const char *const math_names[] = {"tc_expf", "tc_logf", "tc_tanhf", "tc_sigmoidf"};
enum { M_EXP, M_LOG, M_TANH, M_SIGMOID, M_COUNT };

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

/* Writes a constant table once; returns its C name. */
static const char *const_table(Emit *e, const Node *n, TensorId id)
{
    Tensor *t = &e->g->t[id];
    const char *name = arena_printf(e->g->a, "c%u_%s", id, cname(e, t->name));
    int64_t i, count = ir_numel(t);
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
    e->indent = 1;
    for (i = 0; i < count; i += 8) {
        Buf row = {0};
        int64_t j;
        for (j = i; j < count && j < i + 8; j++)
            buf_printf(&row, "%s%s,", j > i ? " " : "", lit(e, n, t->f[j]));
        line(e, "%s", row.p);
        buf_free(&row);
    }
    if (!count)
        line(e, "0.0f");
    e->indent = 0;
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
    line(e, "static void %s%s(%s)", fn_name(e, n), suffix, params.p);
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
        for (j = 0; j < L->N; j++) {
            float v = c->f[c->rank == 0 || c->dims[c->rank - 1] == 1 ? 0 : j];
            L->b[j] = beta == 1.0f ? v : beta * v;
        }
    }
    return 1;
}

Strategy emit_choose(Strategy requested, int64_t nnz, int64_t total)
{
    double density = (double)nnz / (double)(total ? total : 1);
    if (requested != STRAT_AUTO)
        return requested;
    /*
     * Straight-line code stops paying once it no longer fits the instruction
     * caches: measured on LeNet-300-100 tickets it beats vectorised dense loops
     * up to about 10-12% density and loses at 21% (issue 10's measurements).
     */
    return density <= 0.10 ? STRAT_UNROLLED : STRAT_DENSE;
}

const char *strategy_name(Strategy s)
{
    return s == STRAT_UNROLLED ? "unrolled" : s == STRAT_DENSE ? "dense" : "auto";
}

static Strategy choose(Emit *e, const Linear *L)
{
    return emit_choose(e->opt->strategy, L->nnz, L->N * L->K);
}

int emit_layer_weights(const Graph *g, const Node *n, int64_t *nnz, int64_t *total, int64_t *rows)
{
    Emit e;
    Linear L;
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
    int64_t j = 0, k;
    const char *name = fn_name(e, n);

    while (j < L->N) {
        Buf body = {0};
        int64_t terms = 0, j0 = j;
        int used = 0;
        e->out = &body;
        e->indent = 1;
        do {
            int64_t cnt = 0, t = 0;
            const char *sum;
            for (k = 0; k < L->K; k++)
                cnt += L->w[j * L->K + k] != 0.0f;
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
            for (k = 0; k < L->K; k++) {
                float w = L->w[j * L->K + k];
                int s = (int)(t % P);
                if (w == 0.0f)
                    continue;
                if (w == 1.0f)
                    line(e, t < P ? "s%d = x[%lld];" : "s%d += x[%lld];", s, (long long)k);
                else if (w == -1.0f)
                    line(e, t < P ? "s%d = -x[%lld];" : "s%d -= x[%lld];", s, (long long)k);
                else
                    line(e, t < P ? "s%d = x[%lld] * %s;" : "s%d += x[%lld] * %s;", s, (long long)k, lit(e, n, w));
                t++;
            }
            if (t > used)
                used = (int)(t < P ? t : P);
            /* pairwise: ((s0 + s1) + (s2 + s3)) */
            if (t == 1)
                sum = "s0";
            else if (t == 2 || P == 2)
                sum = "s0 + s1";
            else if (t == 3 || P == 3)
                sum = "(s0 + s1) + s2";
            else
                sum = "(s0 + s1) + (s2 + s3)";
            if (L->b[j] != 0.0f) {
                float b = L->b[j];
                line(e, "s0 = %s %c %s;", sum, b < 0.0f ? '-' : '+', lit(e, n, b < 0.0f ? -b : b));
                sum = "s0";
            } else if (t > 1 && n->act != OP_COUNT) {
                line(e, "s0 = %s;", sum);
                sum = "s0";
            }
            line(e, "y[%lld] = %s;", (long long)j, act_expr(e, n, n->act, n->act_alpha, sum));
            terms += cnt;
            j++;
        } while (j < L->N && terms < e->opt->max_terms);

        e->out = &e->fns;
        e->indent = 0;
        line(e, "/* node %d: %s '%s', outputs %lld to %lld */", n->index, op_name(n->op), comment(e, n->name),
             (long long)j0, (long long)(j - 1));
        line(e, "static void %s_p%d(const float *x, float *y)", name, part);
        line(e, "{");
        if (used) {
            Buf decl = {0};
            for (i = 0; i < used; i++)
                buf_printf(&decl, "%ss%d", i ? ", " : "", i);
            e->indent = 1;
            line(e, "float %s;", decl.p);
            blank(e);
            buf_free(&decl);
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
    for (k = 0; k < L->K; k++) {
        Buf row = {0};
        for (j = 0; j < L->N; j++)
            buf_printf(&row, "%s%s", j ? ", " : "", lit(e, n, L->w[j * L->K + k]));
        line(e, "    {%s},", row.p);
        buf_free(&row);
    }
    line(e, "};");
    line(e, "static const float %s%s_b[%lld] = {", weights_attr(e), name, (long long)L->N);
    for (j = 0; j < L->N; j += 8) {
        Buf row = {0};
        int64_t q;
        for (q = j; q < L->N && q < j + 8; q++)
            buf_printf(&row, "%s%s,", q > j ? " " : "", lit(e, n, L->b[q]));
        line(e, "    %s", row.p);
        buf_free(&row);
    }
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
    if (L->K > 0)
        line(e, "    yr[j] = %s_b[j] + xr[0] * %s_w[0][j];", name, name);
    else
        line(e, "    yr[j] = %s_b[j];", name);
    line(e, "for (k = 1; k < %lld; k++) {", (long long)L->K);
    line(e, "    const float xk = xr[k];");
    blank(e);
    line(e, "    for (j = 0; j < %lld; j++)", (long long)L->N);
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

/* A Gemm/MatMul with constant weights, in the strategy chosen for it; 0 if n is not one. */
static int emit_linear(Emit *e, const Node *n)
{
    Linear L;
    if (!as_linear(e, n, &L))
        return 0;
    if (choose(e, &L) == STRAT_UNROLLED)
        emit_unrolled(e, n, &L);
    else
        emit_dense(e, n, &L);
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
        line(e, "s = m + tc_logf(s);");
        line(e, "for (k = 0; k < %lld; k++)", (long long)len);
        line(e, "    yp[k * %lld] = xp[k * %lld] - s;", (long long)inner, (long long)inner);
    }
    e->indent = 1;
    line(e, "}");
    end_fn(e);
}

/* A view shares its input's storage; it needs code only when it lands in a graph output. */
static void emit_view(Emit *e, const Node *n)
{
    const Tensor *y = &e->g->t[n->out[0]];
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

static void emit_only_const(Emit *e, const Node *n)
{
    node_error(e->g, n, "supported only when its inputs are constants (it is folded at compile time)");
}
#define emit_shapeof emit_only_const
#define emit_gather emit_only_const
#define emit_cast emit_only_const

typedef void (*EmitFn)(Emit *, const Node *);
static const EmitFn emit_fns[] = {
#define OP(id, name, cls) emit_##cls,
    OPS(OP)
#undef OP
};

/* ---- the file ---- */

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
    line(&e, "/* Keeps the compiler from interleaving neurons (bounds its time and registers). */");
    line(&e, "#if defined(__GNUC__)");
    line(&e, "#define TC_BARRIER() __asm__ volatile(\"\" ::: \"memory\")");
    line(&e, "#else");
    line(&e, "#define TC_BARRIER() ((void)0)");
    line(&e, "#endif");
    blank(&e);
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
