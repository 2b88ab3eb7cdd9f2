/*
 * emit.c - the C back end's file assembly. Each live node is handed to the
 * emit_<class> of its op (ops.h: emit_linear.c, emit_conv.c, emit_ops.c),
 * which writes its tables and functions through emit_frame.c; this file
 * then lays the generated file out:
 *   header comment (tool, model, SHA-256, options)
 *   runtime pieces the model needs (tc_expf, ...), copied from runtime/tc_math.c
 *   the preamble macros (TC_NOLIB, TC_BARRIER, TC_BASE, TC_VEC, TC_FMA), copied
 *   from runtime/tc_preamble.c; the weight-stream and weight-section macros
 *   weights and other constants (static const)
 *   the static arena
 *   one static function per node (or several, for unrolled layers)
 *   <prefix>_run(), which calls the node functions in order
 *   optionally main(), the raw-float32 stdin/stdout test driver
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"

/* ---- runtime math ---- */

static const char *const math_names[] = {
#define X(id, name) name,
    TC_MATH_FNS(X)
#undef X
};

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
    emit_line(e, "/* ---- math without libm (ticketc runtime/tc_math.c) ---- */");
    emit_blank(e);
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

/* ---- the preamble ---- */

/* Copies block 'name' of runtime/tc_preamble.c: the text between its marker line and TC_END. */
void emit_preamble(Emit *e, const char *name)
{
    char marker[64];
    const char *p, *end;
    snprintf(marker, sizeof marker, "/* TC_BLOCK %s */\n", name);
    p = strstr(tc_runtime_preamble, marker);
    if (!p)
        BUG("preamble block missing");
    p += strlen(marker);
    end = strstr(p, "/* TC_END */");
    if (!end)
        BUG("preamble block unterminated");
    buf_add(e->out, p, (size_t)(end - p));
}

/* ---- nodes ---- */

/* --profile: the nodes timed so far, in call order, as rows of the name and op tables. */
typedef struct Profile {
    int count;
    Buf names, ops;
} Profile;

/* A node's name as the text of a C string: comment-safe text (no '\\', '?', '*',
 * '#') without '"'. */
static const char *prof_string(Emit *e, const char *s)
{
    char *t = arena_strdup(e->g->a, text_comment(e->g->a, s)), *p;
    for (p = t; *p; p++)
        if (*p == '"')
            *p = '_';
    return t;
}

/* The call in <prefix>_run; with --profile (prof) followed by the lap that charges its time. */
static void call_fn(Emit *e, const Node *n, Profile *prof)
{
    Buf args = {0};
    int i, k = 0;
    for (i = 0; i < n->n_in; i++)
        if (n->in[i] != TC_NONE && !ir_is_const(&e->g->t[n->in[i]]))
            buf_printf(&args, "%s%s", k++ ? ", " : "", emit_storage(e, n, n->in[i]));
    buf_printf(&args, "%s%s", k ? ", " : "", emit_storage(e, n, n->out[0]));
    for (i = 1; node_multi_output(e->g, n) && i < n->n_out; i++)
        buf_printf(&args, ", %s", emit_storage(e, n, n->out[i]));
    if (n->pad_floats) /* the node's scratch block (plan_memory) */
        buf_printf(&args, n->pad_offset ? ", tc_arena + %lld" : ", tc_arena", (long long)n->pad_offset);
    e->out = &e->run;
    e->indent = 1;
    emit_line(e, "%s(%s);", emit_fn_name(e, n), args.p);
    buf_free(&args);
    if (prof) {
        emit_line(e, "tc_prof_lap(&t0, %d);", prof->count++);
        buf_printf(&prof->names, "    \"%s\",\n", prof_string(e, n->name));
        buf_printf(&prof->ops, "    \"%s%s%s\",\n", op_name(n->op), n->act != OP_COUNT ? "+" : "",
                   n->act != OP_COUNT ? op_name(n->act) : "");
    }
}


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
    emit_line(e, "/* Weight streams: TC_LD<n>(w) sets w0.. w<n-1> to the next n values of table w and");
    emit_line(e, " * advances w. On 32-bit ARM with a VFP that is one multi-register load (vldmia) into");
    emit_line(e, " * s8..s15, where TC_WREG keeps w0..w7; elsewhere plain C, with the same values. */");
    emit_line(e, "#if defined(__GNUC__) && !defined(__clang__) && defined(__arm__) && defined(__ARM_FP) && (__ARM_FP & 4)");
    emit_line(e, "#define TC_WREG(v, r) register float v __asm__(#r)");
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
        emit_line(e, "%s", b.p);
    }
    emit_line(e, "#else");
    emit_line(e, "#define TC_WREG(v, r) float v");
    for (cnt = 1; cnt <= 8; cnt++) {
        if (!(e->used_ld & 1 << (cnt - 1)))
            continue;
        b.len = 0;
        buf_printf(&b, "#define TC_LD%d(p) (", cnt);
        for (i = 0; i < cnt; i++)
            buf_printf(&b, "w%d = (p)[%d], ", i, i);
        buf_printf(&b, "(p) += %d)", cnt);
        emit_line(e, "%s", b.p);
    }
    emit_line(e, "#endif");
    emit_blank(e);
    buf_free(&b);
}

void emit_header_comment(Emit *e)
{
    Graph *g = e->g;
    emit_line(e, "/*");
    emit_line(e, " * Generated by ticketc %s from '%s'", TICKETC_VERSION, text_comment(e->g->a, g->source));
    emit_line(e, " *   SHA-256 %s", g->sha256);
    emit_line(e, " *   producer: %s, opset %lld", text_comment(e->g->a, g->producer), (long long)g->opset);
    emit_line(e, " *   options: %s", text_comment(e->g->a, e->opt->options));
    emit_line(e, " * Do not edit: regenerate with ticketc. Needs no libm, no malloc.");
    emit_line(e, " */");
}

/*
 * --profile: the clock and the per-node totals. Hosted builds read
 * clock_gettime(CLOCK_MONOTONIC) where <time.h> has it (POSIX), else C99's
 * clock(); each node is charged from the end of the one before it to its
 * own end, so the laps add up to the whole run.
 */
static void emit_profile(Emit *e, const Profile *prof)
{
    const char *p = e->opt->prefix;
    int n = prof->count ? prof->count : 1;
    emit_line(e, "/* ---- --profile: time per node, summed over every run ---- */");
    emit_line(e, "const char *const %s_profile_name[%d] = {", p, n);
    buf_add(e->out, prof->names.p ? prof->names.p : "    \"\",\n", prof->names.p ? prof->names.len : 7);
    emit_line(e, "};");
    emit_line(e, "const char *const %s_profile_op[%d] = {", p, n);
    buf_add(e->out, prof->ops.p ? prof->ops.p : "    \"\",\n", prof->ops.p ? prof->ops.len : 7);
    emit_line(e, "};");
    emit_line(e, "unsigned long long %s_profile_ns[%d];", p, n);
    emit_line(e, "unsigned long %s_profile_runs;", p);
    emit_blank(e);
    if (!prof->count) /* nothing to time: no clock, no unused function */
        return;
    emit_line(e, "#if defined(CLOCK_MONOTONIC)");
    emit_line(e, "static unsigned long long tc_prof_now(void) /* nanoseconds */");
    emit_line(e, "{");
    e->indent++;
    emit_line(e, "struct timespec t;");
    emit_blank(e);
    emit_line(e, "clock_gettime(CLOCK_MONOTONIC, &t);");
    emit_line(e, "return (unsigned long long)t.tv_sec * 1000000000u + (unsigned long long)t.tv_nsec;");
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "#else");
    emit_line(e, "static unsigned long long tc_prof_now(void) /* nanoseconds, from C99's processor clock */");
    emit_line(e, "{");
    e->indent++;
    emit_line(e, "return (unsigned long long)((double)clock() * (1e9 / CLOCKS_PER_SEC));");
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "#endif");
    emit_blank(e);
    emit_line(e, "/* charges the time since *t0 to node k and restarts the lap */");
    emit_line(e, "static void tc_prof_lap(unsigned long long *t0, int k)");
    emit_line(e, "{");
    e->indent++;
    emit_line(e, "unsigned long long t = tc_prof_now();");
    emit_blank(e);
    emit_line(e, "%s_profile_ns[k] += t - *t0;", p);
    emit_line(e, "*t0 = t;");
    e->indent--;
    emit_line(e, "}");
    emit_blank(e);
}

/* The driver's report (stderr: stdout carries the outputs): one line per node. */
static void emit_main_profile(Emit *e, const Profile *prof)
{
    const char *p = e->opt->prefix;
    emit_line(e, "if (%s_profile_runs) {", p);
    e->indent++;
    emit_line(e, "unsigned long long total = 0;");
    emit_line(e, "int k;");
    emit_blank(e);
    emit_line(e, "for (k = 0; k < %d; k++)", prof->count);
    emit_line(e, "    total += %s_profile_ns[k];", p);
    emit_line(e, "fprintf(stderr, \"profile: %%lu runs, %%.3f us per run\\n\", %s_profile_runs, total / 1e3 / %s_profile_runs);", p, p);
    emit_line(e, "fprintf(stderr, \"%%5s  %%-16s %%12s %%7s  %%s\\n\", \"node\", \"op\", \"us per run\", \"%%\", \"name\");");
    emit_line(e, "for (k = 0; k < %d; k++)", prof->count);
    e->indent++;
    emit_line(e, "fprintf(stderr, \"%%5d  %%-16s %%12.3f %%6.1f%%%%  %%s\\n\", k, %s_profile_op[k], %s_profile_ns[k] / 1e3 / %s_profile_runs,", p, p, p);
    emit_line(e, "        total ? 100.0 * %s_profile_ns[k] / total : 0.0, %s_profile_name[k]);", p, p);
    e->indent -= 2;
    emit_line(e, "}");
}

/* A graph input's array length in the driver: an input with no elements (an empty
 * constant, infer_shapes) still gets one, which is never read. */
int64_t emit_io_len(const Graph *g, TensorId id)
{
    int64_t n = ir_numel(&g->t[id]);
    return n ? n : 1;
}

/* The driver of a model with no inputs (every output a constant, or computed from
 * constants): it reads nothing, runs the model once (-r N: N times) and writes the
 * outputs as raw float32. */
/* The --main driver's arguments: none, or -r N to run each sample N times (into reps);
 * anything else prints the usage, "%s [-r REPEATS]" and the redirections, and returns 2. */
void emit_main_reps(Emit *e, const char *redirections)
{
    emit_line(e, "if (argc == 3 && argv[1][0] == '-' && argv[1][1] == 'r' && argv[1][2] == 0)");
    emit_line(e, "    reps = strtol(argv[2], NULL, 10);");
    emit_line(e, "if (reps < 1 || (argc != 1 && argc != 3)) {");
    emit_line(e, "    fprintf(stderr, \"usage: %%s [-r REPEATS]%s\\n\", argv[0]);", redirections);
    emit_line(e, "    return 2;");
    emit_line(e, "}");
}

static void emit_main_once(Emit *e, const Profile *prof)
{
    Graph *g = e->g;
    Buf args = {0};
    int k;
    emit_line(e, "/*");
    emit_line(e, " * Test driver (--main): the model has no inputs, so nothing is read; runs it");
    emit_line(e, " * once (-r N: N times) and writes the outputs as raw float32 to stdout.");
    emit_line(e, " */");
    emit_line(e, "int main(int argc, char **argv)");
    emit_line(e, "{");
    e->indent++;
    for (k = 0; k < g->n_outputs; k++)
        emit_line(e, "static float out%d[%lld];", k, (long long)ir_numel(&g->t[g->outputs[k]]));
    if (e->opt->arena_caller)
        emit_line(e, "static float arena[%lld];", (long long)(g->arena_floats ? g->arena_floats : 1));
    emit_line(e, "long reps = 1, r;");
    emit_blank(e);
    emit_main_reps(e, " > outputs.f32");
    for (k = 0; k < g->n_outputs; k++)
        buf_printf(&args, "%sout%d", k ? ", " : "", k);
    if (e->opt->arena_caller)
        buf_printf(&args, ", arena");
    emit_line(e, "for (r = 0; r < reps; r++)");
    emit_line(e, "    %s_run(%s);", e->opt->prefix, args.p);
    buf_free(&args);
    for (k = 0; k < g->n_outputs; k++) {
        emit_line(e, "if (fwrite(out%d, sizeof(float), %lld, stdout) != %lld)", k,
                  (long long)ir_numel(&g->t[g->outputs[k]]), (long long)ir_numel(&g->t[g->outputs[k]]));
        emit_line(e, "    return 1;");
    }
    if (prof)
        emit_main_profile(e, prof);
    emit_line(e, "return fflush(stdout) == 0 ? 0 : 1;");
    e->indent--;
    emit_line(e, "}");
}

void emit_main(Emit *e, const Profile *prof)
{
    Graph *g = e->g;
    int k;
    if (g->n_inputs > 0 && ir_numel(&g->t[g->inputs[0]]) == 0)
        fatal("--main reads samples until input 0 ends, and input 0 '%s' has no elements; list an input with "
              "elements first", text_comment(g->a, g->t[g->inputs[0]].name));
    if (g->n_inputs == 0 && emit_typed_io(g))
        fatal("--main: a model with no inputs is supported when its outputs are all float; '%s' is not",
              text_comment(g->a, g->t[g->outputs[0]].name));
    if (emit_typed_io(g) && !prof) { /* inputs or outputs of other types (emit_types.c) */
        emit_main_typed(e);
        return;
    }
    if (emit_typed_io(g))
        fatal("--profile is supported for models whose inputs and outputs are all float");
    emit_blank(e);
    if (g->n_inputs == 0) { /* nothing to read: one run */
        emit_main_once(e, prof);
        return;
    }
    emit_line(e, "/*");
    emit_line(e, " * Test driver (--main): reads raw little-endian float32 samples from stdin");
    emit_line(e, " * (per sample, each input in order) until EOF, runs each, writes the outputs");
    emit_line(e, " * as raw float32 to stdout. -r N runs every sample N times (benchmarks).");
    emit_line(e, " */");
    emit_line(e, "static int tc_read(float *p, size_t n, int first)");
    emit_line(e, "{");
    e->indent++;
    emit_line(e, "size_t got = fread(p, sizeof *p, n, stdin);");
    emit_blank(e);
    emit_line(e, "if (got == n)");
    e->indent++;
    emit_line(e, "return 1;");
    e->indent--;
    emit_line(e, "if (got == 0 && first && feof(stdin))");
    e->indent++;
    emit_line(e, "return 0;");
    e->indent--;
    emit_line(e, "fprintf(stderr, \"%s: short read: expected %%lu floats, got %%lu\\n\", (unsigned long)n, (unsigned long)got);",
              e->opt->prefix);
    emit_line(e, "exit(1);");
    e->indent--;
    emit_line(e, "}");
    emit_blank(e);
    emit_line(e, "int main(int argc, char **argv)");
    emit_line(e, "{");
    e->indent++;
    for (k = 0; k < g->n_inputs; k++)
        emit_line(e, "static float in%d[%lld];", k, (long long)emit_io_len(g, g->inputs[k]));
    for (k = 0; k < g->n_outputs; k++)
        emit_line(e, "static float out%d[%lld];", k, (long long)ir_numel(&g->t[g->outputs[k]]));
    if (e->opt->arena_caller) /* --arena caller: the driver owns the arena */
        emit_line(e, "static float arena[%lld];", (long long)(g->arena_floats ? g->arena_floats : 1));
    emit_line(e, "long reps = 1, r;");
    emit_blank(e);
    emit_main_reps(e, " < inputs.f32 > outputs.f32");
    emit_line(e, "while (tc_read(in0, %lld, 1)) {", (long long)ir_numel(&g->t[g->inputs[0]]));
    e->indent--;
    for (k = 1; k < g->n_inputs; k++)
        emit_line(e, "        tc_read(in%d, %lld, 0);", k, (long long)ir_numel(&g->t[g->inputs[k]]));
    {
        Buf args = {0};
        for (k = 0; k < g->n_inputs; k++)
            buf_printf(&args, "%sin%d", k ? ", " : "", k);
        for (k = 0; k < g->n_outputs; k++)
            buf_printf(&args, ", out%d", k);
        if (e->opt->arena_caller)
            buf_printf(&args, ", arena");
        e->indent += 2;
        emit_line(e, "for (r = 0; r < reps; r++)");
        e->indent++;
        emit_line(e, "%s_run(%s);", e->opt->prefix, args.p);
        e->indent -= 3;
        buf_free(&args);
    }
    for (k = 0; k < g->n_outputs; k++) {
        e->indent += 2;
        emit_line(e, "if (fwrite(out%d, sizeof(float), %lld, stdout) != %lld)", k,
                  (long long)ir_numel(&g->t[g->outputs[k]]), (long long)ir_numel(&g->t[g->outputs[k]]));
        e->indent++;
        emit_line(e, "return 1;");
        e->indent -= 3;
    }
    e->indent++;
    emit_line(e, "}");
    if (prof)
        emit_main_profile(e, prof);
    emit_line(e, "return fflush(stdout) == 0 ? 0 : 1;");
    e->indent--;
    emit_line(e, "}");
}

static void emit_signature(Emit *e, Buf *b, const char *end)
{
    Graph *g = e->g;
    int k;
    buf_printf(b, "void %s_run(", e->opt->prefix);
    for (k = 0; k < g->n_inputs; k++)
        buf_printf(b, "%sconst %s *in%d", k ? ", " : "", emit_io_ctype(e, g->inputs[k]), k);
    for (k = 0; k < g->n_outputs; k++)
        buf_printf(b, "%s%s *out%d", k || g->n_inputs ? ", " : "", emit_io_ctype(e, g->outputs[k]), k);
    if (e->opt->arena_caller)
        buf_printf(b, ", void *arena");
    buf_printf(b, ")%s", end);
}

/* "floats", or the C type of a graph input's or output's values ("int64_t values"). */
static const char *io_what(Emit *e, TensorId id)
{
    const char *ct = emit_io_ctype(e, id);
    if (io_converted(e->g, id) && io_etype(e->g, id) != ET_DOUBLE)
        return io_etype(e->g, id) == ET_FLOAT16 ? "float16 values (their bits)" : "bfloat16 values (their bits)";
    return strcmp(ct, "float") == 0 ? "floats" : arena_printf(e->g->a, "%s values", ct);
}

static void emit_io_comment(Emit *e)
{
    Graph *g = e->g;
    int k;
    for (k = 0; k < g->n_inputs; k++) {
        const Tensor *t = &g->t[g->inputs[k]];
        emit_line(e, " *   in%d:  '%s' %s, %lld %s", k, text_comment(e->g->a, t->name), ir_shape_str(g->a, t), (long long)ir_numel(t),
                  io_what(e, g->inputs[k]));
    }
    for (k = 0; k < g->n_outputs; k++) {
        const Tensor *t = &g->t[g->outputs[k]];
        emit_line(e, " *   out%d: '%s' %s, %lld %s", k, text_comment(e->g->a, t->name), ir_shape_str(g->a, t), (long long)ir_numel(t),
                  io_what(e, g->outputs[k]));
    }
    for (k = 0; k < g->n_inputs + g->n_outputs; k++)
        if (io_converted(g, k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs])) {
            emit_line(e, " * Double, float16 and bfloat16 values are computed in float32: inputs are");
            emit_line(e, " * converted to float on entry, outputs from float on exit (to nearest, ties to");
            emit_line(e, " * even). Double keeps float32's precision (relative error about 6e-8 per");
            emit_line(e, " * operation); float16 and bfloat16 results are exact where float32's result of");
            emit_line(e, " * each operation is representable, else rounded once, at the output or a Cast.");
            break;
        }
}

/* --arena caller: the alignment the arena needs (the code reads it as floats only). */
static void emit_arena_h(Emit *e, const char *guard)
{
    emit_line(e, "#define %s_ARENA_ALIGN 4 /* bytes: the alignment of float */", guard);
    emit_line(e, "/* (%s_ARENA_BYTES is 0 when the model needs no arena: any pointer, even NULL, will do) */",
              guard);
}

/* The header's first lines, its include guard <PREFIX>_H into guard. */
/* A float island of a quantized model (emit_island.c): node n's function, as a float model's. */
void emit_float_node_fn(Emit *e, const Node *n)
{
    if (n->op == OP_LAYERNORM && node_multi_output(e->g, n))
        emit_layernorm_stats(e, n);
    else
        emit_fns[n->op](e, n);
}

/* The math functions and preamble blocks float node functions used (emit_float_node_fn). */
void emit_float_support(Emit *e)
{
    emit_math(e);
    emit_half_support(e);
    if (e->used_vec)
        emit_preamble(e, "vec");
    if (e->used_dvec)
        emit_preamble(e, "dvec");
    if (e->used_vecx)
        emit_preamble(e, "vecx");
    if (e->used_fma)
        emit_preamble(e, "fma");
    if (e->used_ld)
        emit_stream_macros(e);
}

void emit_h_open(Emit *e, Buf *h, char *guard, size_t size)
{
    size_t i;
    snprintf(guard, size, "%s_H", e->opt->prefix);
    for (i = 0; guard[i]; i++)
        if (guard[i] >= 'a' && guard[i] <= 'z')
            guard[i] = (char)(guard[i] - 'a' + 'A');
    e->out = h;
    e->indent = 0;
    emit_header_comment(e);
    emit_line(e, "#ifndef %s", guard);
    emit_line(e, "#define %s", guard);
    emit_blank(e);
}

static void emit_h(Emit *e, Buf *h, const Profile *prof)
{
    Graph *g = e->g;
    char guard[64];
    int k;
    Buf sig = {0};
    emit_h_open(e, h, guard, sizeof guard);
    if (emit_typed_io(g)) {
        emit_line(e, "#include <stdint.h>");
        emit_blank(e);
    }
    for (k = 0; k < g->n_inputs; k++)
        emit_line(e, "#define %s_IN%d_SIZE %lld", guard, k, (long long)ir_numel(&g->t[g->inputs[k]]));
    for (k = 0; k < g->n_outputs; k++)
        emit_line(e, "#define %s_OUT%d_SIZE %lld", guard, k, (long long)ir_numel(&g->t[g->outputs[k]]));
    emit_line(e, "#define %s_ARENA_BYTES %lld", guard, (long long)(g->arena_floats * 4));
    if (e->opt->arena_caller)
        emit_arena_h(e, guard);
    emit_blank(e);
    emit_line(e, "/*");
    if (e->opt->arena_caller) {
        emit_line(e, " * Runs the model once on the caller's arena: %s_ARENA_BYTES bytes aligned", guard);
        emit_line(e, " * to %s_ARENA_ALIGN, used for nothing else during the call. Reentrant:", guard);
        emit_line(e, " * calls on separate arenas may run at the same time (threads, RTOS tasks).");
    } else {
        emit_line(e, " * Runs the model once. Not reentrant: intermediate results live in one");
        emit_line(e, " * static arena of %s_ARENA_BYTES bytes.", guard);
    }
    emit_io_comment(e);
    emit_line(e, " */");
    emit_signature(e, &sig, ";");
    emit_line(e, "%s", sig.p);
    emit_blank(e);
    if (prof) {
        const char *p = e->opt->prefix;
        int n = prof->count ? prof->count : 1;
        emit_line(e, "/*");
        emit_line(e, " * --profile: per node called by %s_run, in call order, its name, op and the", p);
        emit_line(e, " * nanoseconds spent in it over the %s_profile_runs runs so far.", p);
        emit_line(e, " */");
        emit_line(e, "#define %s_PROFILE_NODES %d", guard, prof->count);
        emit_line(e, "extern const char *const %s_profile_name[%d];", p, n);
        emit_line(e, "extern const char *const %s_profile_op[%d];", p, n);
        emit_line(e, "extern unsigned long long %s_profile_ns[%d];", p, n);
        emit_line(e, "extern unsigned long %s_profile_runs;", p);
        emit_blank(e);
    }
    emit_line(e, "#endif");
    buf_free(&sig);
}

void emit_c(Graph *g, const EmitOptions *opt, Buf *c, Buf *h)
{
    Emit e;
    Buf sig = {0};
    Profile prof_state = {0}, *prof = opt->profile ? &prof_state : NULL;
    int k;
    size_t fns_start;

    if (g->quant) { /* --quantize: the integer family writes the whole file */
        emit_int_c(g, opt, c, h);
        return;
    }
    memset(&e, 0, sizeof e);
    e.g = g;
    e.opt = opt;
    e.emitted_const = arena_alloc(g->a, g->nt + 1);
    emit_io_prepare(&e); /* double, float16, bfloat16 inputs and outputs (emit_types.c) */

    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        if (n->dead)
            continue;
        progress("writing C for node", k, g->nn, n->name);
        fns_start = e.fns.len;
        if (emit_is_typed(g, n) && !img_op_typed(n->op))
            emit_typed(&e, n); /* integers or bools at run time (emit_types.c) */
        else if (n->op == OP_LAYERNORM && node_multi_output(g, n))
            emit_layernorm_stats(&e, n); /* with Mean or InvStdDev (emit_ops18.c) */
        else {
            if (!(n->op == OP_CONV && n->wino && emit_conv_wino(&e, n))) /* Winograd (emit_conv_wino.c), planned where measured faster */
                emit_fns[n->op](&e, n);
            emit_dispatch(&e, n, fns_start); /* AVX2 and AVX-512 copies (emit_dispatch.c) */
        }
        if (!(ir_is_view(n->op) && g->t[n->out[0]].alias != TC_NONE))
            call_fn(&e, n, prof);
    }
    /* graph outputs that are constants or graph inputs are copied */
    for (k = 0; k < g->n_outputs; k++) {
        const Tensor *t = &g->t[g->outputs[k]];
        if (t->producer < 0 && !(t->input_index >= 0 && emit_io_buffer(&e, g->outputs[k]))) { /* else converted on exit */
            e.out = &e.run;
            e.indent = 1;
            emit_line(&e, "{");
            e.indent++;
            emit_line(&e, "int i;");
            emit_blank(&e);
            emit_line(&e, "for (i = 0; i < %lld; i++) /* '%s' */", (long long)ir_numel(t), text_comment(g->a, t->name));
            e.indent--;
            if (ir_is_const(t)) {
                Node fake;
                memset(&fake, 0, sizeof fake);
                fake.name = t->name;
                e.indent += 2;
                emit_line(&e, "%s[i] = %s[i];", emit_io_buffer(&e, g->outputs[k]) ? emit_io_buffer(&e, g->outputs[k])
                          : arena_printf(g->a, "out%d", k), emit_const_table(&e, &fake, g->outputs[k]));
                e.indent -= 2;
            } else {
                e.indent += 2;
                emit_line(&e, "out%d[i] = in%d[i];", k, t->input_index);
                e.indent -= 2;
            }
            emit_line(&e, "}");
        }
    }
    for (k = 0; k < g->n_inputs; k++) /* unused inputs are legal; one with no elements is a constant */
        if ((!g->t[g->inputs[k]].consumers && g->t[g->inputs[k]].output_index < 0) || ir_is_const(&g->t[g->inputs[k]])) {
            e.out = &e.run;
            e.indent = 1;
            emit_line(&e, "(void)in%d; /* unused */", k);
        }

    e.out = c;
    e.indent = 0;
    emit_header_comment(&e);
    if (prof) {
        /* before any header: clock_gettime is POSIX, outside -std=c99 */
        emit_line(&e, "#if !defined(_POSIX_C_SOURCE)");
        emit_line(&e, "#define _POSIX_C_SOURCE 199309L");
        emit_line(&e, "#endif");
        emit_line(&e, "#include <time.h>");
    }
    if (opt->with_main) {
        emit_line(&e, "#include <stdio.h>");
        emit_line(&e, "#include <stdlib.h>");
    }
    if (e.used_int || e.used_half || emit_typed_io(g))
        emit_line(&e, "#include <stdint.h>");
    emit_blank(&e);
    emit_math(&e);
    emit_preamble(&e, "base");
    emit_half_support(&e);
    if (e.used_vec)
        emit_preamble(&e, "vec");
    if (e.used_dvec)
        emit_preamble(&e, "dvec");
    if (e.used_vecx)
        emit_preamble(&e, "vecx");
    if (e.used_fma)
        emit_preamble(&e, "fma");
    if (e.used_dispatch)
        emit_preamble(&e, "dispatch");
    if (e.used_ld)
        emit_stream_macros(&e);
    if (opt->weights_section) {
        /* the name was checked by main.c: letters, digits, '_' and '.' only */
        emit_line(&e, "/* Weight tables go to section %s (--weights-section), for the linker script. */",
                  opt->weights_section);
        emit_line(&e, "#if defined(__GNUC__)");
        emit_line(&e, "#define TC_WEIGHTS __attribute__((section(\"%s\")))", opt->weights_section);
        emit_line(&e, "#else");
        emit_line(&e, "#define TC_WEIGHTS");
        emit_line(&e, "#endif");
        emit_blank(&e);
    }
    emit_signature(&e, &sig, ";");
    emit_line(&e, "%s", sig.p);
    emit_blank(&e);
    if (e.consts.len)
        buf_add(c, e.consts.p, e.consts.len);
    if (g->arena_floats && !opt->arena_caller) {
        emit_line(&e, "/* intermediate results: %lld bytes, planned by liveness */", (long long)(g->arena_floats * 4));
        if (opt->arena_section) {
            /* the name was checked by main.c, as --weights-section's */
            emit_line(&e, "/* in section %s (--arena-section), for the linker script */", opt->arena_section);
            emit_line(&e, "#if defined(__GNUC__)");
            emit_line(&e, "static float tc_arena[%lld] __attribute__((section(\"%s\")));", (long long)g->arena_floats,
                      opt->arena_section);
            emit_line(&e, "#else");
            emit_line(&e, "static float tc_arena[%lld];", (long long)g->arena_floats);
            emit_line(&e, "#endif");
        } else {
            emit_line(&e, "static float tc_arena[%lld];", (long long)g->arena_floats);
        }
        emit_blank(&e);
    }
    if (prof)
        emit_profile(&e, prof);
    if (e.fns.len)
        buf_add(c, e.fns.p, e.fns.len);
    emit_line(&e, "/*");
    emit_line(&e, " * Runs the model once.");
    emit_io_comment(&e);
    emit_line(&e, " */");
    sig.len = 0;
    emit_signature(&e, &sig, "");
    emit_line(&e, "%s", sig.p);
    emit_line(&e, "{");
    if (opt->arena_caller) {
        e.indent = 1;
        if (g->arena_floats)
            emit_line(&e, "float *tc_arena = (float *)arena; /* --arena caller */");
        else
            emit_line(&e, "(void)arena; /* the model needs no arena */");
        e.indent = 0;
    }
    e.indent = 1;
    emit_io_entry(&e);
    e.indent = 0;
    if (prof && prof->count) {
        emit_line(&e, "    unsigned long long t0 = tc_prof_now();");
        emit_blank(&e);
    }
    if (prof)
        emit_line(&e, "    %s_profile_runs++;", opt->prefix);
    if (e.run.len)
        buf_add(c, e.run.p, e.run.len);
    e.indent = 1;
    emit_io_exit(&e);
    e.indent = 0;
    emit_line(&e, "}");
    if (opt->with_main)
        emit_main(&e, prof);
    buf_free(&sig);
    buf_free(&e.consts);
    buf_free(&e.fns);
    buf_free(&e.run);
    emit_h(&e, h, prof);
    buf_free(&prof_state.names);
    buf_free(&prof_state.ops);
}
