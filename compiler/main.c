/*
 * main.c - the command line, and the pipeline as a list of calls.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ticketc.h"

static const char usage[] =
    "usage: ticketc MODEL.onnx|MODEL.tc -o OUT.c [options]\n"
    "\n"
    "Compiles a (pruned) neural network into one standalone C file, OUT.c, and\n"
    "its header OUT.h. Pruned weights cost nothing: layers with constant\n"
    "weights become straight-line sums over the surviving weights only.\n"
    "\n"
    "options:\n"
    "  -o FILE             the C file to write (its .h is written beside it)\n"
    "  --prefix NAME       prefix of the generated API (default: from FILE)\n"
    "  --strategy S        auto (default), unrolled, loop or dense, for layers with\n"
    "                      constant weights: unrolled is straight-line code, loop a\n"
    "                      compact sparse loop, dense the baseline to compare with\n"
    "  --code-budget BYTES with auto: layers whose fastest code would not fit\n"
    "                      BYTES in all (estimated) get the compact loop instead\n"
    "                      (a Conv: its dense form); with --target cortex-m,\n"
    "                      auto then takes the fastest forms that fit BYTES\n"
    "  --target T          what auto optimises for: host (default; caches and\n"
    "                      vector units: unrolled up to 12% density) or\n"
    "                      cortex-m (no layer larger than its dense form:\n"
    "                      unrolled where it is no larger, its weights streamed\n"
    "                      from tables by multi-register loads: 12.8-13.8 bytes\n"
    "                      a kept weight on a Cortex-M4, measured on the\n"
    "                      example tickets)\n"
    "  --main              add a main() that reads raw little-endian samples from\n"
    "                      stdin and writes the raw outputs to stdout, each tensor\n"
    "                      in its type (float32; int64, uint64, int32, uint32,\n"
    "                      int16, uint16, int8, uint8; bool as 1 byte) (-r N\n"
    "                      repeats)\n"
    "  --allow-slow-compile\n"
    "                      write C that ticketc estimates would take more than\n"
    "                      60 s or 2 GB to compile with cc -O2 (refused without:\n"
    "                      a forced --strategy; auto picks cheaper forms)\n"
    "  --profile           time each node in the generated code (clock_gettime,\n"
    "                      else clock()); --main prints per node its op, us per\n"
    "                      run and share of the total to stderr\n"
    "  --annotate          comment each term of unrolled code with the weight it\n"
    "                      comes from, e.g. /* fc1.weight[12][340] */\n"
    "  --report FILE.html  write a self-contained HTML page for reviewers:\n"
    "                      provenance, per-layer weights, MACs, bytes, strategy,\n"
    "                      and a picture of each weight mask\n"
    "  --no-fma            a multiply and an add for every term, even where the\n"
    "                      target has fused multiply-add (results then agree\n"
    "                      bit for bit across targets)\n"
    "  --summary           print a table of the layers: weights kept, MACs\n"
    "                      executed and skipped, bytes, strategy\n"
    "  --masks PATH        pruning masks, multiplied into the weights of the same\n"
    "                      name: a directory of NAME.npy files, an .npz archive\n"
    "                      (numpy.savez, savez_compressed) or an ONNX file whose\n"
    "                      initializers are the masks; 0 means pruned, 1 kept\n"
    "  --check-masks       with --masks: change nothing, report per mask the\n"
    "                      weights that are nonzero where it says pruned, and\n"
    "                      fail if there are any\n"
    "  --prune-magnitude F zero the fraction F (0-1) of smallest-magnitude weights\n"
    "                      of each Gemm/MatMul layer (one shot, not retrained)\n"
    "  --dim NAME=SIZE     pin a symbolic input dimension (the first dimension\n"
    "                      defaults to 1)\n"
    "  --bind NAME=FILE    make graph input NAME a constant: FILE holds all its\n"
    "                      values (raw little-endian, of the input's type, as\n"
    "                      --main reads them); for inputs that decide shapes\n"
    "                      (Reshape's shape, Resize's sizes, axes, ...). The\n"
    "                      generated function keeps the parameter, unread\n"
    "  --interpret         run the model in the reference interpreter on raw\n"
    "                      samples from stdin (as --main reads them) instead of\n"
    "                      writing C\n"
    "  --max-terms N       terms per generated function in unrolled code (1024)\n"
    "  --partial-sums N    accumulators per neuron in unrolled code, 1-4 (4;\n"
    "                      1 with --target cortex-m)\n"
    "  --max-bytes N       refuse models, tensor data or computed tensors larger\n"
    "                      than N bytes (default 1 GiB)\n"
    "  --max-nodes N       refuse models of more than N nodes (default 250,000;\n"
    "                      every pass takes time in proportion to the nodes)\n"
    "  --max-c-bytes N     refuse to generate a C file (or report) larger than N\n"
    "                      bytes (default 64 MiB; the largest example, LeNet\n"
    "                      unrolled with --annotate, is about 20 MB)\n"
    "  --weights-section NAME\n"
    "                      put weight tables in ELF section NAME (letters,\n"
    "                      digits, '_', '.'), for linker scripts (GCC, clang)\n"
    "  --arena static|caller\n"
    "                      where intermediate results live: one static array\n"
    "                      in the C file (default), or memory the caller passes\n"
    "                      as the last argument of PREFIX_run (PREFIX_H_ARENA_BYTES\n"
    "                      bytes, aligned to PREFIX_H_ARENA_ALIGN; reentrant)\n"
    "  --arena-section NAME\n"
    "                      put the static arena in ELF section NAME, for linker\n"
    "                      scripts (GCC, clang)\n"
    "  --verify [SAMPLES.f32]\n"
    "                      compile the C with $CC (default cc), run it on the\n"
    "                      raw float32 samples (default: 16 pseudo-random ones)\n"
    "                      and the reference interpreter, print the largest\n"
    "                      differences per output; exit 1 beyond --tolerance\n"
    "  --tolerance T       with --verify: the largest accepted difference,\n"
    "                      |c - ref| <= T * (1 + |ref|) (default 1e-4)\n"
    "  --quantize int8     integer-only code: weights int8 per output channel,\n"
    "                      activations int8 per tensor from --calibrate; float\n"
    "                      inputs quantised on entry, outputs dequantised on exit\n"
    "  --calibrate FILE    raw float32 samples (as --main reads them): with\n"
    "                      --quantize their activation ranges set the int8\n"
    "                      scales; else the fraction of each tensor's values\n"
    "                      that are 0 guides the planner (--summary shows it)\n"
    "  --io int8           with --quantize: <prefix>_run takes and returns int8,\n"
    "                      scales and zero points as macros in the header\n"
    "                      (a quantized ONNX model, QuantizeLinear/DequantizeLinear\n"
    "                      or QLinear nodes, compiles to integers with its own\n"
    "                      scales; --io int8 works there too)\n"
    "  --dump-ir           print the IR after the passes to stderr\n"
    "  --emit-dsl DIR      write the loaded model as DIR/model.tc in ticketc's\n"
    "                      model language, weights in DIR/*.npy\n"
    "  --allow-paths       let npy(\"...\") in a .tc read files outside the .tc's\n"
    "                      directory (absolute paths, .., symbolic links)\n"
    "  --help, --version\n"
    "\n"
    "Exit status: 0 success, 1 bad input, 2 bad usage.\n";

typedef struct {
    const char *model, *out, *header, *prefix, *masks, *report, *emit_dsl, *weights_section;
    const char *arena_section, *verify_samples;
    int arena_caller, verify;
    double tolerance;
    const char *quantize, *calibrate; /* --quantize int8 --calibrate FILE */
    int io_int8;                      /* --io int8 */
    Strategy strategy;
    Target target;
    int check_masks;
    double prune;
    long code_budget;
    size_t max_c_bytes;
    long max_nodes;
    const char **bind_name, **bind_file; /* --bind NAME=FILE */
    int n_binds;
    int with_main, profile, allow_slow_compile, summary, interpret, dump, max_terms, partial_sums, annotate, no_fma;
    LoadOptions load;
} Options;

/* the options as given, for the header comment (global: still reachable if we exit early) */
static Buf options;

static long parse_long(const char *opt, const char *s, long lo, long hi)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        usage_error("%s expects a number from %ld to %ld, found '%s'", opt, lo, hi, s);
    return v;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

static void parse_args(int argc, char **argv, Options *o, Arena *a)
{
    int i;
    memset(o, 0, sizeof *o);
    o->strategy = STRAT_AUTO;
    o->max_terms = 1024;
    o->partial_sums = 0; /* by target, below */
    o->load.max_bytes = (size_t)1 << 30;
    o->max_c_bytes = (size_t)64 << 20;
    o->max_nodes = 250000;
    o->tolerance = -1.0; /* not given */
    o->load.max_nodes = o->max_nodes;
    o->load.dims = arena_array(a, (size_t)argc + 1, sizeof(DimBinding));
    o->bind_name = arena_array(a, (size_t)argc + 1, sizeof(char *));
    o->bind_file = arena_array(a, (size_t)argc + 1, sizeof(char *));
    for (i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEEDS_VALUE() do { if (!v) usage_error("%s needs a value", s); i++; } while (0)
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            fputs(usage, stdout);
            exit(0);
        } else if (strcmp(s, "--list-attrs") == 0) {
            attrs_list(stdout); /* hidden: the attribute table, for tests/attrs_check.py */
            exit(0);
        } else if (strcmp(s, "--version") == 0) {
            printf("ticketc %s\n", TICKETC_VERSION);
            exit(0);
        } else if (strcmp(s, "-o") == 0) {
            NEEDS_VALUE();
            o->out = v;
            continue; /* the output path is not part of the recorded options */
        } else if (strcmp(s, "--prefix") == 0) {
            NEEDS_VALUE();
            o->prefix = v;
        } else if (strcmp(s, "--strategy") == 0) {
            NEEDS_VALUE();
            if (strcmp(v, "auto") == 0)
                o->strategy = STRAT_AUTO;
            else if (strcmp(v, "unrolled") == 0)
                o->strategy = STRAT_UNROLLED;
            else if (strcmp(v, "loop") == 0)
                o->strategy = STRAT_LOOP;
            else if (strcmp(v, "dense") == 0)
                o->strategy = STRAT_DENSE;
            else
                usage_error("unknown strategy '%s' (expected auto, unrolled, loop or dense)", v);
        } else if (strcmp(s, "--code-budget") == 0) {
            NEEDS_VALUE();
            o->code_budget = parse_long(s, v, 1, 0x7fffffffL);
        } else if (strcmp(s, "--target") == 0) {
            NEEDS_VALUE();
            if (strcmp(v, "host") == 0)
                o->target = TARGET_HOST;
            else if (strcmp(v, "cortex-m") == 0)
                o->target = TARGET_CORTEX_M;
            else
                usage_error("unknown target '%s' (expected host or cortex-m)", v);
        } else if (strcmp(s, "--main") == 0) {
            o->with_main = 1;
        } else if (strcmp(s, "--profile") == 0) {
            o->profile = 1;
        } else if (strcmp(s, "--allow-slow-compile") == 0) {
            o->allow_slow_compile = 1;
        } else if (strcmp(s, "--report") == 0) {
            NEEDS_VALUE();
            o->report = v;
            continue; /* like -o, an output path: not part of the recorded options */
        } else if (strcmp(s, "--no-fma") == 0) {
            o->no_fma = 1;
        } else if (strcmp(s, "--annotate") == 0) {
            o->annotate = 1;
        } else if (strcmp(s, "--summary") == 0) {
            o->summary = 1;
        } else if (strcmp(s, "--interpret") == 0) {
            o->interpret = 1;
        } else if (strcmp(s, "--dump-ir") == 0) {
            o->dump = 1;
        } else if (strcmp(s, "--max-terms") == 0) {
            NEEDS_VALUE();
            o->max_terms = (int)parse_long(s, v, 1, 1 << 24);
        } else if (strcmp(s, "--partial-sums") == 0) {
            NEEDS_VALUE();
            o->partial_sums = (int)parse_long(s, v, 1, 4);
        } else if (strcmp(s, "--max-bytes") == 0) {
            NEEDS_VALUE();
            o->load.max_bytes = (size_t)parse_long(s, v, 1024, 0x7fffffffL);
        } else if (strcmp(s, "--max-nodes") == 0) {
            NEEDS_VALUE();
            o->max_nodes = o->load.max_nodes = parse_long(s, v, 1, 0x7fffffffL);
        } else if (strcmp(s, "--max-c-bytes") == 0) {
            NEEDS_VALUE();
            o->max_c_bytes = (size_t)parse_long(s, v, 4096, 0x7fffffffL);
        } else if (strcmp(s, "--emit-dsl") == 0) {
            NEEDS_VALUE();
            o->emit_dsl = v;
        } else if (strcmp(s, "--quantize") == 0) {
            NEEDS_VALUE();
            if (strcmp(v, "int8") != 0)
                usage_error("unknown --quantize '%s' (expected int8)", v);
            o->quantize = v;
        } else if (strcmp(s, "--io") == 0) {
            NEEDS_VALUE();
            if (strcmp(v, "int8") != 0 && strcmp(v, "float") != 0)
                usage_error("unknown --io '%s' (expected float or int8)", v);
            o->io_int8 = strcmp(v, "int8") == 0;
        } else if (strcmp(s, "--calibrate") == 0) {
            NEEDS_VALUE();
            o->calibrate = v;
        } else if (strcmp(s, "--masks") == 0) {
            NEEDS_VALUE();
            o->masks = v;
        } else if (strcmp(s, "--allow-paths") == 0) {
            o->load.allow_paths = 1;
        } else if (strcmp(s, "--check-masks") == 0) {
            o->check_masks = 1;
        } else if (strcmp(s, "--prune-magnitude") == 0) {
            char *end;
            NEEDS_VALUE();
            errno = 0;
            o->prune = strtod(v, &end);
            if (errno || end == v || *end || !(o->prune >= 0.0 && o->prune < 1.0))
                usage_error("--prune-magnitude expects a fraction from 0 to below 1, found '%s'", v);
        } else if (strcmp(s, "--weights-section") == 0) {
            NEEDS_VALUE();
            if (!*v || strlen(v) > 64 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(v))
                usage_error("--weights-section expects a section name of 1 to 64 letters, digits, '_' or '.', "
                            "found '%s'", v);
            o->weights_section = v;
        } else if (strcmp(s, "--arena") == 0) {
            NEEDS_VALUE();
            if (strcmp(v, "caller") == 0)
                o->arena_caller = 1;
            else if (strcmp(v, "static") == 0)
                o->arena_caller = 0;
            else
                usage_error("unknown arena '%s' (expected static or caller)", v);
        } else if (strcmp(s, "--arena-section") == 0) {
            NEEDS_VALUE();
            if (!*v || strlen(v) > 64 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(v))
                usage_error("--arena-section expects a section name of 1 to 64 letters, digits, '_' or '.', "
                            "found '%s'", v);
            o->arena_section = v;
        } else if (strcmp(s, "--verify") == 0) {
            o->verify = 1;
            /* an optional samples file: the next argument unless it is an option or a model */
            if (v && v[0] != '-' && !has_suffix(v, ".onnx") && !has_suffix(v, ".tc")) {
                o->verify_samples = v;
                i++;
            }
            continue; /* checks the C; changes nothing in it */
        } else if (strcmp(s, "--tolerance") == 0) {
            char *end;
            NEEDS_VALUE();
            errno = 0;
            o->tolerance = strtod(v, &end);
            if (errno || end == v || *end || !(o->tolerance >= 0.0 && o->tolerance <= 1e6))
                usage_error("--tolerance expects a number from 0 to 1e6, found '%s'", v);
            continue;
        } else if (strcmp(s, "--bind") == 0) {
            const char *eq;
            NEEDS_VALUE();
            eq = strchr(v, '=');
            if (!eq || eq == v || !eq[1])
                usage_error("--bind expects NAME=FILE, found '%s'", v);
            o->bind_name[o->n_binds] = arena_printf(a, "%.*s", (int)(eq - v), v);
            o->bind_file[o->n_binds++] = eq + 1;
        } else if (strcmp(s, "--dim") == 0) {
            const char *eq;
            DimBinding *d = &o->load.dims[o->load.n_dims++];
            NEEDS_VALUE();
            eq = strchr(v, '=');
            if (!eq || eq == v)
                usage_error("--dim expects NAME=SIZE, found '%s'", v);
            d->name = arena_printf(a, "%.*s", (int)(eq - v), v);
            d->value = parse_long("--dim", eq + 1, 1, 1L << 30);
        } else if (s[0] == '-' && s[1]) {
            usage_error("unknown option '%s'", s);
        } else if (!o->model) {
            o->model = s;
            continue;
        } else {
            usage_error("more than one model given ('%s' and '%s')", o->model, s);
        }
        buf_printf(&options, "%s%s", options.len ? " " : "", s);
        if (v && i > 0 && argv[i] == v)
            buf_printf(&options, " %s", v);
#undef NEEDS_VALUE
    }
    if (!o->model)
        usage_error("no model given");
    /* Out-of-order cores overlap four independent sums; on a Cortex-M one is
     * smaller (the r15 ticket at -Os: 131,960 bytes against 135,696 with four). */
    if (!o->partial_sums)
        o->partial_sums = o->target == TARGET_CORTEX_M ? 1 : 4;
    if (o->arena_caller && o->arena_section)
        usage_error("--arena-section places the static arena; with --arena caller the caller places it");
    if (o->tolerance >= 0.0 && !o->verify)
        usage_error("--tolerance needs --verify");
    if (o->verify && (o->interpret || o->with_main))
        usage_error("--verify adds its own driver; it cannot be combined with %s", o->interpret ? "--interpret" : "--main");
    if (o->tolerance < 0.0)
        o->tolerance = 1e-4;
    if (o->quantize && !o->calibrate)
        usage_error("--quantize int8 needs calibration samples (--calibrate FILE of raw float32 inputs)");
    if (o->quantize && o->weights_section)
        usage_error("--quantize int8 does not work with --weights-section yet");
    if (o->quantize && (o->arena_caller || o->arena_section))
        usage_error("--quantize int8 does not work with --arena caller or --arena-section yet");
    if (o->quantize && o->profile)
        usage_error("--profile does not time the integer path (--quantize int8) yet");
    /* a microcontroller has no clock_gettime; its cycle counter (DWT) is not wired up yet */
    if (o->profile && o->target == TARGET_CORTEX_M)
        usage_error("--profile times nodes with a hosted clock (clock_gettime or clock()); "
                    "not available with --target cortex-m");
    if (o->check_masks && !o->masks)
        usage_error("--check-masks needs the masks to check (--masks PATH)");
    if (!o->out && !o->summary && !o->interpret && !o->verify && !o->dump && !o->check_masks && !o->report && !o->emit_dsl)
        usage_error("no output file given (-o OUT.c)");
    if (o->out) {
        /* OUT.h beside OUT.c (else OUT + .h) */
        size_t n = strlen(o->out);
        o->header = n > 2 && strcmp(o->out + n - 2, ".c") == 0 ? arena_printf(a, "%.*s.h", (int)(n - 2), o->out)
                                                                : arena_printf(a, "%s.h", o->out);
        if (o->report && (strcmp(o->report, o->out) == 0 || strcmp(o->report, o->header) == 0))
            usage_error("--report and -o name the same file '%s'", o->report);
    }
}

/* Every output path can be written, checked before any work is done. */
/*
 * --bind NAME=FILE: graph input NAME becomes a constant with FILE's values (raw
 * little-endian values of its element type, all of them), before shapes are
 * inferred, so that values which decide shapes are known. Like an input with no
 * elements (infer_shapes), it keeps its parameter, unread.
 */
static void bind_inputs(Graph *g, const Options *o)
{
    int b, k;
    for (b = 0; b < o->n_binds; b++) {
        Tensor *t = NULL;
        Buf data = {0};
        int64_t n, j;
        size_t size;
        int rc;
        for (k = 0; k < g->n_inputs && !t; k++)
            if (strcmp(g->t[g->inputs[k]].name, o->bind_name[b]) == 0)
                t = &g->t[g->inputs[k]];
        if (!t)
            fatal("--bind: the model has no graph input '%s'", diag_escape(g->a, o->bind_name[b]));
        if (ir_is_const(t))
            fatal("--bind: input '%s' is bound twice", diag_escape(g->a, t->name));
        switch (t->etype ? t->etype : (t->dtype == DT_FLOAT ? ET_FLOAT : ET_INT64)) {
        case ET_FLOAT: case ET_INT32: case ET_UINT32: size = 4; break;
        case ET_INT64: case ET_UINT64: size = 8; break;
        case ET_INT16: case ET_UINT16: size = 2; break;
        case ET_INT8: case ET_UINT8: case ET_BOOL: size = 1; break;
        default:
            fatal("--bind: input '%s' has an element type --bind does not read (float32, int64, uint64, int32, "
                  "uint32, int16, uint16, int8, uint8, bool)", diag_escape(g->a, t->name));
        }
        n = ir_numel(t);
        rc = buf_read_file(&data, o->bind_file[b], o->load.max_bytes);
        if (rc == -1)
            fatal("--bind: cannot read '%s': %s", diag_escape(g->a, o->bind_file[b]), strerror(errno));
        if (rc == -2 || data.len != (size_t)n * size)
            fatal("--bind: '%s' must hold the %s values of input '%s' %s (%s bytes); it has %s bytes",
                  diag_escape(g->a, o->bind_file[b]), text_num(g->a, n), diag_escape(g->a, t->name),
                  text_dims(g->a, t->rank, t->dims, ","), text_num(g->a, n * (int64_t)size),
                  rc == -2 ? "more than --max-bytes" : text_num(g->a, (int64_t)data.len));
        if (t->dtype == DT_FLOAT)
            t->f = arena_array(g->a, (size_t)(n ? n : 1), sizeof(float));
        else
            t->i = arena_array(g->a, (size_t)(n ? n : 1), sizeof(int64_t));
        for (j = 0; j < n; j++) {
            const unsigned char *p = (const unsigned char *)data.p + j * (int64_t)size;
            uint64_t u = 0;
            unsigned q;
            for (q = 0; q < size; q++)
                u |= (uint64_t)p[q] << (8 * q);
            if (t->dtype == DT_FLOAT) {
                uint32_t w = (uint32_t)u;
                memcpy(&t->f[j], &w, 4);
            } else if (t->etype == ET_INT32) {
                t->i[j] = (int32_t)(uint32_t)u;
            } else if (t->etype == ET_INT8) {
                t->i[j] = (int8_t)(uint8_t)u;
            } else if (t->etype == ET_INT16) {
                t->i[j] = (int16_t)(uint16_t)u;
            } else if (t->etype == ET_BOOL) {
                t->i[j] = u != 0;
            } else {
                t->i[j] = (int64_t)u;
            }
        }
        buf_free(&data);
    }
}

static void check_outputs(const Options *o)
{
    if (o->out && !o->interpret) {
        out_check_path(o->out);
        out_check_path(o->header);
    }
    if (o->report && !o->interpret)
        out_check_path(o->report);
    if (o->emit_dsl)
        out_check_dir(o->emit_dsl);
    diag_set_file(o->model);
}

/* The API prefix: --prefix, else the output's base name, as an identifier. */
static const char *make_prefix(const Options *o, Arena *a)
{
    const char *src = o->prefix, *base;
    char buf[64];
    if (!src) {
        const char *dot;
        base = o->out ? strrchr(o->out, '/') : NULL;
        base = base ? base + 1 : (o->out ? o->out : "model");
        dot = strrchr(base, '.');
        src = dot && dot != base ? arena_printf(a, "%.*s", (int)(dot - base), base) : base;
    }
    sanitize_ident(buf, sizeof buf, src);
    if (!buf[0])
        return "model";
    if (buf[0] >= '0' && buf[0] <= '9')
        return arena_printf(a, "m_%s", buf);
    return arena_strdup(a, buf);
}

/* --emit-dsl DIR: the files rendered right after loading, queued into DIR. */
static void queue_dsl(const char *dir, DslFile *f, int n, Arena *a)
{
    int k;
    out_dir(dir);
    for (k = 0; k < n; k++)
        out_add(arena_printf(a, "%s/%s", dir, f[k].name), &f[k].data);
}

/*
 * Refuses, before any C is generated, a model whose C would be hopelessly
 * larger than --max-c-bytes: what the emitter must write at the least.
 * Every nonzero of a constant a live node reads is at least a literal and a
 * comma (3 bytes); Pad, Resize and Upsample write a table of input indices
 * for every output coordinate of a resized axis (a value, a comma and a
 * space: the mean digits of indices below the input's size, plus 2), and
 * linear Resize a second one and a table of weights (5 bytes at the least).
 */
static double mean_digits(int64_t size) /* of 0 .. size - 1 */
{
    double sum = 0.0;
    int64_t lo = 0, hi = 10;
    int d = 1;
    while (lo < size) {
        sum += (double)((hi < size ? hi : size) - lo) * d;
        lo = hi;
        hi = hi > INT64_MAX / 10 ? INT64_MAX : hi * 10;
        d++;
    }
    return size > 0 ? sum / (double)size : 1.0;
}

static void check_c_size(Graph *g, size_t limit)
{
    char *seen = arena_alloc(g->a, (size_t)g->nt + 1);
    double total = 0.0;
    int k, i;
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        double bytes = 0.0;
        if (n->dead)
            continue;
        for (i = 0; i < n->n_in; i++) {
            const Tensor *t = n->in[i] != TC_NONE ? &g->t[n->in[i]] : NULL;
            int64_t j, m;
            if (!t || !t->f || seen[n->in[i]])
                continue;
            seen[n->in[i]] = 1;
            for (j = 0, m = ir_numel(t); j < m; j++)
                bytes += t->f[j] != 0.0f ? 3.0 : 0.0;
        }
        if ((n->op == OP_PAD || n->op == OP_RESIZE || n->op == OP_UPSAMPLE) && n->n_in > 0) {
            const Tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
            const Attr *mode = attr_get(n, "mode");
            int linear = n->op != OP_PAD && mode && mode->kind == AT_STRING && strcmp(mode->s, "linear") == 0;
            for (i = 0; i < y->rank && i < x->rank; i++)
                if (y->dims[i] != x->dims[i])
                    bytes += (double)y->dims[i] * (linear ? 2.0 * (mean_digits(x->dims[i]) + 2.0) + 5.0
                                                          : mean_digits(x->dims[i]) + 2.0);
        }
        total += bytes;
        if (total > (double)limit)
            node_error(g, n, "the generated C would be larger than %zu bytes, the limit of --max-c-bytes "
                       "(this node alone needs at least %.0f)", limit, bytes);
    }
}

/* A quantized ONNX model (g->qdq) compiles to integers with the file's parameters:
 * the options the integer path refuses with --quantize, it refuses here too. */
static void check_quantized(const Graph *g, Options *o)
{
    if (o->io_int8 && !o->quantize && !g->qdq)
        usage_error("--io int8 is for --quantize int8");
    if (!g->qdq)
        return;
    if (o->quantize || o->calibrate)
        usage_error("the model is quantized already (QuantizeLinear/DequantizeLinear or QLinear nodes): it compiles "
                    "to integers with the file's scales; leave out --quantize and --calibrate");
    if (o->weights_section)
        usage_error("a quantized model does not work with --weights-section yet");
    if (o->emit_dsl && o->masks)
        usage_error("--emit-dsl writes a quantized model's integer weights as the file has them, without --masks "
                    "(apply the masks before quantizing)");
    if (o->arena_caller || o->arena_section)
        usage_error("a quantized model does not work with --arena caller or --arena-section yet");
    if (o->profile)
        usage_error("--profile does not time the integer path (a quantized model) yet");
    if (o->prune > 0.0)
        usage_error("--prune-magnitude would change a quantized model's integer weights; prune before quantizing");
    if (g->qdq->int_io)
        o->io_int8 = 1; /* the model's own inputs and outputs are integers */
}

/* A .tc file with its own integer form (quantize int8, docs/dsl.md): as --quantize int8 with
 * the file's parameters, so the options --quantize refuses are refused here too. */
static void check_dsl_quant(const Graph *g, Options *o)
{
    if (!g->dsl_quant)
        return;
    if (o->quantize)
        usage_error("the .tc file gives its integer form itself (quantize int8); leave out --quantize");
    if (o->weights_section)
        usage_error("an integer model (quantize int8) does not work with --weights-section yet");
    if (o->arena_caller || o->arena_section)
        usage_error("an integer model (quantize int8) does not work with --arena caller or --arena-section yet");
    if (o->profile)
        usage_error("--profile does not time the integer path (quantize int8) yet");
    o->quantize = "int8";
    if (g->dsl_quant->io_int8)
        o->io_int8 = 1;
}

/* A .tc file is in ticketc's model language; anything else is ONNX. */
static Graph *load_model(const char *path, const LoadOptions *lo, Arena *a)
{
    size_t n = strlen(path);
    if (n > 3 && strcmp(path + n - 3, ".tc") == 0)
        return dsl_load(path, lo, a);
    return onnx_load(path, lo, a);
}

/* --interpret: raw float32 samples in, raw float32 outputs out. */
static void run_interpreter(Graph *g)
{
    float **in = arena_array(g->a, (size_t)g->n_inputs, sizeof(float *));
    float **out = arena_array(g->a, (size_t)g->n_outputs, sizeof(float *));
    int k;
    /* integer and bool inputs and outputs: raw values of their type (interp_types.c) */
    for (k = 0; k < g->n_inputs; k++)
        in[k] = arena_array(g->a, (size_t)ir_numel(&g->t[g->inputs[k]]) + 1, 8);
    for (k = 0; k < g->n_outputs; k++)
        out[k] = arena_array(g->a, (size_t)ir_numel(&g->t[g->outputs[k]]) + 1, 8);
    for (;;) {
        for (k = 0; k < g->n_inputs; k++) {
            size_t want = (size_t)ir_numel(&g->t[g->inputs[k]]), eb = ir_elem_bytes(&g->t[g->inputs[k]]);
            size_t got = fread(in[k], eb, want, stdin);
            if (got == 0 && k == 0 && feof(stdin))
                return;
            if (got != want)
                fatal("short read on stdin: input %d needs %zu %s, got %zu", k, want,
                      g->t[g->inputs[k]].dtype == DT_FLOAT ? "floats" : "values", got);
        }
        if (g->quant)
            interp_int_run(g, in, out);
        else
            interp_run(g, in, out);
        for (k = 0; k < g->n_outputs; k++) {
            size_t want = (size_t)ir_numel(&g->t[g->outputs[k]]);
            if (fwrite(out[k], ir_elem_bytes(&g->t[g->outputs[k]]), want, stdout) != want)
                fatal("cannot write to stdout");
        }
        if (g->n_inputs == 0) /* nothing to read: one run */
            return;
    }
}

static void dump_ir(const Graph *g, FILE *f)
{
    int k, i;
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        if (n->dead)
            continue;
        fprintf(f, "%s", ir_where(g, n));
        if (n->act != OP_COUNT)
            fprintf(f, " +%s", op_name(n->act));
        fprintf(f, ":");
        for (i = 0; i < n->n_in; i++)
            if (n->in[i] != TC_NONE)
                fprintf(f, " t%u%s%s", n->in[i], ir_shape_str(g->a, &g->t[n->in[i]]), ir_is_const(&g->t[n->in[i]]) ? "c" : "");
        fprintf(f, " -> t%u%s", n->out[0], ir_shape_str(g->a, &g->t[n->out[0]]));
        if (g->t[n->out[0]].offset >= 0)
            fprintf(f, " @%lld", (long long)g->t[n->out[0]].offset);
        fprintf(f, "\n");
    }
}

int main(int argc, char **argv)
{
    Arena *a = arena_new();
    Options opt;
    EmitOptions eo;
    Graph *g;
    Buf c = {0}, h = {0}, r = {0};
    DslFile *dsl = NULL;
    int n_dsl = 0, k;

    parse_args(argc, argv, &opt, a);
    diag_set_file(opt.model);
    progress_start();
    check_outputs(&opt);

    progress("reading the model", 0, 0, NULL);
    g = load_model(opt.model, &opt.load, a);
    /* every pass is linear in nodes, but the C and the time are too (a front
     * end that counts nodes before building them could refuse sooner) */
    if (g->nn > opt.max_nodes)
        fatal("the model has %d nodes, more than the limit of %ld (--max-nodes)", g->nn, opt.max_nodes);
    bind_inputs(g, &opt);
    check_dsl_quant(g, &opt);
    check_quantized(g, &opt);
    check_attrs(g);
    if (opt.masks)
        apply_masks(g, opt.masks, opt.check_masks, opt.load.max_bytes);
    /* the model as loaded, after the masks so that it shows them; written at the end */
    if (opt.emit_dsl)
        n_dsl = dsl_render(g, &dsl);
    progress("shapes and constants", 0, 0, NULL);
    infer_shapes(g);
    fold_constants(g);
    fold_batchnorm(g);
    if (opt.prune > 0.0)
        prune_magnitude(g, opt.prune);
    remove_dead(g);
    fuse_elementwise(g);
    fuse_activations(g);
    progress("planning", 0, 0, NULL);
    if (opt.calibrate && !opt.quantize) {
        progress("calibrating", 0, 0, NULL);
        calibrate_zeros(g, opt.calibrate, opt.load.max_bytes);
    }
    /* with --quantize the budget is the integer layers' (plan_int_strategies) */
    plan_strategies(g, opt.strategy, opt.quantize || g->qdq ? 0 : opt.code_budget, opt.target);
    if (opt.quantize) {
        progress("calibrating", 0, 0, NULL);
        quantize_graph(g, opt.calibrate, opt.load.max_bytes);
        plan_int_strategies(g, opt.strategy, opt.code_budget, opt.target);
        if ((opt.summary || opt.report) && opt.calibrate)
            quant_error(g, opt.calibrate, opt.load.max_bytes); /* qerror.c */
        if (opt.emit_dsl)
            n_dsl = dsl_render_quant(g, &dsl, n_dsl, opt.io_int8); /* the parameters after the model (dsl_write.c) */
    } else if (g->qdq) {
        quantize_qdq(g); /* the file's scales (qdq.c read them) */
        plan_int_strategies(g, opt.strategy, opt.code_budget, opt.target);
    } else {
        plan_compile_cost(g, opt.strategy); /* the float forms' cc time (compile_cost.c) */
    }
    plan_memory(g); /* after the forms: an unrolled Conv's padded input copy takes arena space */

    progress_done();
    if (opt.dump)
        dump_ir(g, stderr);
    if (opt.interpret) {
        /* the pipeline has succeeded: the model's files, then the samples */
        if (opt.emit_dsl) {
            queue_dsl(opt.emit_dsl, dsl, n_dsl, a);
            out_commit();
        }
        run_interpreter(g);
        arena_free(a);
        return 0;
    }
    if (opt.summary && g->quant) {
        print_int_summary(g, stdout);
    } else if (opt.summary) {
        CompileCost cc = compile_estimate(g, NULL, NULL);
        print_summary(g, stdout);
        printf("compile estimate: about %.1f s of cc -O2 CPU, %.0f MB (ticketc refuses a forced strategy over %.0f s or %.0f MB)\n",
               cc.seconds, cc.mb, COMPILE_LIMIT_S, COMPILE_LIMIT_MB);
    }
    memset(&eo, 0, sizeof eo);
    eo.prefix = make_prefix(&opt, a);
    eo.options = options.p ? options.p : "";
    eo.strategy = opt.strategy;
    eo.with_main = opt.with_main;
    eo.profile = opt.profile;
    eo.max_terms = opt.max_terms;
    eo.partial_sums = opt.partial_sums;
    eo.annotate = opt.annotate;
    eo.no_fma = opt.no_fma;
    eo.weights_section = opt.weights_section;
    eo.arena_caller = opt.arena_caller;
    eo.arena_section = opt.arena_section;
    eo.io_int8 = opt.io_int8;
    /* --max-c-bytes, counted as the C is written, in every buffer the emitter fills */
    if (opt.out) {
        check_compile_cost(g, opt.strategy, opt.allow_slow_compile);
        check_c_size(g, opt.max_c_bytes);
        c.limit = h.limit = opt.max_c_bytes;
        c.limit_what = h.limit_what = "the generated C";
        c.limit_option = h.limit_option = "--max-c-bytes";
        buf_default_limit(opt.max_c_bytes, "the generated C", "--max-c-bytes");
        emit_c(g, &eo, &c, &h);
    }
    if (opt.report) {
        r.limit = opt.max_c_bytes;
        r.limit_what = "the report";
        r.limit_option = "--max-c-bytes";
        buf_default_limit(opt.max_c_bytes, "the report", "--max-c-bytes");
        write_report(g, &eo, &r);
    }
    if (opt.verify) {
        /* the same C with the --main driver, compiled and run beside the interpreter */
        Buf vc = {0}, vh = {0};
        EmitOptions vo = eo;
        int rc;
        vo.with_main = 1;
        vc.limit = vh.limit = opt.max_c_bytes;
        vc.limit_what = vh.limit_what = "the generated C";
        vc.limit_option = vh.limit_option = "--max-c-bytes";
        buf_default_limit(opt.max_c_bytes, "the generated C", "--max-c-bytes");
        if (!opt.out)
            check_c_size(g, opt.max_c_bytes);
        emit_c(g, &vo, &vc, &vh);
        buf_default_limit(0, NULL, NULL);
        rc = verify_c(g, &vc, opt.verify_samples, opt.tolerance, opt.load.max_bytes);
        buf_free(&vc);
        buf_free(&vh);
        if (rc)
            exit(1); /* the files asked for are not written */
    }
    buf_default_limit(0, NULL, NULL);
    /* nothing is written before everything has been generated */
    if (opt.out) {
        out_add(opt.out, &c);
        out_add(opt.header, &h);
    }
    if (opt.report)
        out_add(opt.report, &r);
    if (opt.emit_dsl)
        queue_dsl(opt.emit_dsl, dsl, n_dsl, a);
    progress_done();
    out_commit();
    for (k = 0; k < n_dsl; k++)
        buf_free(&dsl[k].data);
    buf_free(&c);
    buf_free(&h);
    buf_free(&r);
    buf_free(&options);
    arena_free(a);
    return 0;
}
