/*
 * dsl_write.c - --emit-dsl DIR: any loaded graph (ONNX or .tc) written in
 * ticketc's model language as DIR/model.tc, large weights in .npy files beside it,
 * so a reviewer can read the architecture and see which weights survive.
 *
 * Reading DIR/model.tc back builds the same IR: statements come in tensor
 * order (constants, inputs and layers as the IR numbers them), every layer
 * keeps its node's name, and every number is written so that it reads
 * back as exactly the same float. Layers with a readable form (dense,
 * relu, flatten, ...) use it; every other node is written as onnx.<Op>(...)
 * with its attributes as they are.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strcasecmp */
#endif
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ticketc.h"

typedef struct {
    const Graph *g;
    Buf out;
    DslFile *files;     /* files[0] is model.tc, then the .npy files */
    int n_files;
    const char **used;  /* file names taken, a hash set without case */
    uint32_t used_cap;
} Writer;

/* ---- names, numbers, files ---- */

static int plain_name(const char *s)
{
    static const char *const reserved[] = {"input", "output", "const", "opset", "none", "quantize", "quant"};
    size_t k;
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return 0;
    for (k = 1; s[k]; k++)
        if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= '0' && s[k] <= '9') || s[k] == '_' ||
              s[k] == '.'))
            return 0;
    for (k = 0; k < sizeof reserved / sizeof *reserved; k++)
        if (strcmp(s, reserved[k]) == 0)
            return 0;
    return 1;
}

/* A name as the lexer reads it back: bare when it can be, else quoted. */
static void put_name(Writer *w, const char *s)
{
    if (plain_name(s)) {
        buf_printf(&w->out, "%s", s);
        return;
    }
    buf_add(&w->out, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf_printf(&w->out, "\\%c", c);
        else if (c < 32 || c >= 127)
            buf_printf(&w->out, "\\x%02x", c);
        else
            buf_add(&w->out, s, 1);
    }
    buf_add(&w->out, "\"", 1);
}

static int finite(float v) { return v == v && v - v == 0.0f; }

/* The shortest decimal that reads back as v; with a '.' so it stays a float. */
static void put_float(Writer *w, float v)
{
    char buf[48];
    int prec;
    char *end;
    for (prec = 1; prec <= 9; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, (double)v);
        if (strtof(buf, &end) == v && *end == 0)
            break;
    }
    if (!strchr(buf, '.') && !strchr(buf, 'e'))
        strcat(buf, ".0");
    buf_printf(&w->out, "%s", buf);
}

static void put_shape(Writer *w, const Tensor *t)
{
    int k;
    buf_add(&w->out, "[", 1);
    for (k = 0; k < t->rank; k++)
        buf_printf(&w->out, k ? ", %lld" : "%lld", (long long)t->dims[k]);
    buf_add(&w->out, "]", 1);
}

/* Keeps data as file name of the output (main.c writes the files at the end). */
static void save(Writer *w, const char *name, Buf *data)
{
    DslFile *f = &w->files[w->n_files++];
    f->name = name;
    f->data = *data;
    memset(data, 0, sizeof *data);
}

/*
 * The set of file names taken. Compared without case, since the directory
 * may be on a file system that does not tell "W.npy" from "w.npy".
 */
static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        h = (h ^ (c >= 'A' && c <= 'Z' ? c + 32 : c)) * 16777619u;
    }
    return h;
}

static int name_taken(const Writer *w, const char *s)
{
    uint32_t m = w->used_cap - 1, i;
    for (i = name_hash(s) & m; w->used[i]; i = (i + 1) & m)
        if (strcasecmp(w->used[i], s) == 0)
            return 1;
    return 0;
}

static void take_name(Writer *w, const char *s)
{
    uint32_t m = w->used_cap - 1, i;
    for (i = name_hash(s) & m; w->used[i]; i = (i + 1) & m)
        ;
    w->used[i] = s;
}

/*
 * A file name for tensor id's weights: its name in [A-Za-z0-9_.-], else
 * that with _t<id>, else with _t<id>_2, _3, ...: every candidate is
 * checked against every name taken so far (a/b sanitises to a_b, and a_b_t2
 * may be another tensor's own name).
 */
static const char *npy_file_name(Writer *w, const char *s, TensorId id);

static const char *npy_name(Writer *w, TensorId id)
{
    return npy_file_name(w, w->g->t[id].name, id);
}

/* A file name for the data of tensor id named s (npy_name). */
static const char *npy_file_name(Writer *w, const char *s, TensorId id)
{
    const char *file;
    char buf[100];
    size_t n = 0;
    int k;
    for (; *s && n + 1 < sizeof buf; s++) {
        char c = *s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                 (c == '.' && n > 0);
        if (ok || (n > 0 && buf[n - 1] != '_'))
            buf[n++] = ok ? c : '_';
    }
    buf[n] = 0;
    if (!n)
        snprintf(buf, sizeof buf, "t%u", id);
    if (n > 80)
        n = 80;
    file = arena_printf(w->g->a, "%s.npy", buf);
    for (k = 1; name_taken(w, file); k++)
        file = k == 1 ? arena_printf(w->g->a, "%.*s_t%u.npy", (int)n, buf, id)
                      : arena_printf(w->g->a, "%.*s_t%u_%d.npy", (int)n, buf, id, k);
    take_name(w, file);
    return file;
}

/* .npy version 1.0: magic, header dict padded to 64 bytes, little-endian data. */
/* The element type word of an integer constant or graph input ("int64" for every other integer). */
static const char *int_type(const Tensor *t)
{
    return t->etype == ET_INT8 ? "int8" : t->etype == ET_UINT8 ? "uint8" : t->etype == ET_INT32 ? "int32" : "int64";
}

static void save_npy(Writer *w, const char *name, const Tensor *t)
{
    Buf h = {0}, b = {0};
    int64_t k, n = ir_numel(t);
    int d, size = t->dtype != DT_INT64 ? 4 : t->etype == ET_INT8 || t->etype == ET_UINT8 ? 1 : t->etype == ET_INT32 ? 4 : 8;
    buf_printf(&h, "{'descr': '%s', 'fortran_order': False, 'shape': (",
               t->dtype != DT_INT64 ? "<f4" : t->etype == ET_INT8 ? "|i1" : t->etype == ET_UINT8 ? "|u1"
                                                : t->etype == ET_INT32 ? "<i4" : "<i8");
    for (d = 0; d < t->rank; d++)
        buf_printf(&h, "%lld%s", (long long)t->dims[d], t->rank == 1 || d + 1 < t->rank ? ", " : "");
    buf_printf(&h, "), }");
    while ((10 + h.len + 1) % 64)
        buf_add(&h, " ", 1);
    buf_add(&h, "\n", 1);
    buf_add(&b, "\x93NUMPY\x01\x00", 8);
    {
        unsigned char len[2];
        len[0] = (unsigned char)(h.len & 0xff);
        len[1] = (unsigned char)(h.len >> 8);
        buf_add(&b, len, 2);
    }
    buf_add(&b, h.p, h.len);
    for (k = 0; k < n; k++) {
        unsigned char le[8];
        uint64_t u;
        int j;
        if (t->dtype == DT_INT64) {
            u = (uint64_t)t->i[k];
        } else {
            uint32_t v;
            memcpy(&v, &t->f[k], 4);
            u = v;
        }
        for (j = 0; j < size; j++)
            le[j] = (unsigned char)(u >> (8 * j));
        buf_add(&b, le, (size_t)size);
    }
    save(w, name, &b);
    buf_free(&h);
}

/* 235200 -> "235,200" */
static const char *thousands(Writer *w, int64_t v)
{
    char raw[32], out[48];
    int len, i, j = 0;
    snprintf(raw, sizeof raw, "%lld", (long long)v);
    len = (int)strlen(raw);
    for (i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[j++] = ',';
        out[j++] = raw[i];
    }
    out[j] = 0;
    return arena_strdup(w->g->a, out);
}

/* ---- statements ---- */

static void put_numbers(Writer *w, const Tensor *t)
{
    int64_t k, n = ir_numel(t);
    buf_add(&w->out, "[", 1);
    for (k = 0; k < n; k++) {
        if (k)
            buf_add(&w->out, ", ", 2);
        if (t->dtype == DT_INT64)
            buf_printf(&w->out, "%lld", (long long)t->i[k]);
        else
            put_float(w, t->f[k]);
    }
    buf_add(&w->out, "]", 1);
}

/*
 * const NAME [dims] = [...] inline when small, else npy("NAME.npy");
 * NAME = onnx.Constant(...) for a constant that held a node number.
 */
static void put_const(Writer *w, TensorId id, int as_node)
{
    const Tensor *t = &w->g->t[id];
    int64_t k, n = ir_numel(t), nz = 0;
    int inline_ok = n <= 16;
    for (k = 0; t->dtype == DT_FLOAT && k < n; k++) {
        nz += t->f[k] != 0.0f;
        inline_ok &= finite(t->f[k]);
    }
    if (t->dtype == DT_INT64 && strcmp(int_type(t), "int64") != 0)
        inline_ok &= !as_node; /* value_int(s)= would be int64: npy keeps int8, uint8, int32 */
    if (as_node) {
        put_name(w, t->name);
        buf_printf(&w->out, " = onnx.Constant(");
        if (inline_ok && t->rank == 0 && t->dtype == DT_INT64) {
            buf_printf(&w->out, "value_int=%lld", (long long)t->i[0]);
        } else if (inline_ok && t->rank == 0) {
            buf_printf(&w->out, "value_float=");
            put_float(w, t->f[0]);
        } else if (inline_ok && t->rank == 1 && (n > 0 || t->dtype == DT_INT64)) {
            buf_printf(&w->out, t->dtype == DT_INT64 ? "value_ints=" : "value_floats=");
            put_numbers(w, t);
        } else {
            const char *file = npy_name(w, id);
            save_npy(w, file, t);
            buf_printf(&w->out, "value=npy(\"%s\")", file);
        }
        buf_printf(&w->out, ")\n");
        return;
    }
    buf_printf(&w->out, "const ");
    put_name(w, t->name);
    if (t->dtype == DT_INT64)
        buf_printf(&w->out, " %s", int_type(t));
    buf_add(&w->out, " ", 1);
    put_shape(w, t);
    buf_printf(&w->out, " = ");
    if (inline_ok) {
        put_numbers(w, t);
    } else {
        const char *file = npy_name(w, id);
        save_npy(w, file, t);
        buf_printf(&w->out, "npy(\"%s\")", file); /* file names are [A-Za-z0-9_.-] */
    }
    if (t->dtype == DT_FLOAT && n > 16)
        buf_printf(&w->out, "   # %s of %s nonzero (%.2f%%)", thousands(w, nz), thousands(w, n), 100.0 * (double)nz / (double)n);
    buf_add(&w->out, "\n", 1);
}

/* An int8 or uint8 graph input: a quantized model's (float storage until qdq.c) or a run-time integer one. */
static int int_input(const Tensor *t)
{
    return t->etype == ET_INT8 || t->etype == ET_UINT8;
}

static void put_input(Writer *w, TensorId id)
{
    buf_printf(&w->out, "input ");
    put_name(w, w->g->t[id].name);
    buf_add(&w->out, " ", 1);
    if (int_input(&w->g->t[id])) /* a quantized model's integer input */
        buf_printf(&w->out, "%s ", int_type(&w->g->t[id]));
    put_shape(w, &w->g->t[id]);
    buf_add(&w->out, "\n", 1);
}

static int only_attrs(const Node *n, const char *allowed)
{
    int k;
    for (k = 0; k < n->n_attrs; k++)
        if (!strstr(allowed, n->attrs[k].name) || !n->attrs[k].name[0])
            return 0;
    return 1;
}

/* The readable layer for n, or NULL when only onnx.<Op> says it exactly. */
static const char *friendly(const Writer *w, const Node *n)
{
    const Graph *g = w->g;
    int k;
    for (k = 0; k < n->n_in; k++)
        if (n->in[k] == TC_NONE)
            return NULL;
    switch (n->op) {
    case OP_GEMM: {
        const Tensor *wt = n->n_in >= 2 ? &g->t[n->in[1]] : NULL, *b = n->n_in == 3 ? &g->t[n->in[2]] : NULL;
        if (n->n_in < 2 || !wt->f || wt->rank != 2 || attr_int(n, "transB", 0) != 1 || attr_int(n, "transA", 0) != 0 ||
            attr_float(n, "alpha", 1.0f) != 1.0f || attr_float(n, "beta", 1.0f) != 1.0f ||
            !only_attrs(n, "alpha beta transA transB"))
            return NULL;
        if (b && !(b->f && b->rank == 1 && b->dims[0] == wt->dims[0]))
            return NULL;
        return "dense";
    }
    case OP_RELU: return n->n_attrs ? NULL : "relu";
    case OP_SIGMOID: return n->n_attrs ? NULL : "sigmoid";
    case OP_TANH: return n->n_attrs ? NULL : "tanh";
    case OP_LEAKYRELU: return n->n_attrs == 0 || (n->n_attrs == 1 && attr_get(n, "alpha") && attr_get(n, "alpha")->kind == AT_FLOAT) ? "leaky_relu" : NULL;
    case OP_SOFTMAX:
    case OP_LOGSOFTMAX:
    case OP_FLATTEN:
    case OP_CONCAT:
        if (n->n_attrs > 1 || (n->n_attrs == 1 && !(attr_get(n, "axis") && attr_get(n, "axis")->kind == AT_INT)))
            return NULL;
        if (n->op == OP_CONCAT)
            return n->n_attrs ? "concat" : NULL;
        return n->op == OP_SOFTMAX ? "softmax" : n->op == OP_LOGSOFTMAX ? "log_softmax" : "flatten";
    case OP_ADD: return n->n_attrs || n->n_in != 2 ? NULL : "add";
    case OP_SUB: return n->n_attrs || n->n_in != 2 ? NULL : "sub";
    case OP_MUL: return n->n_attrs || n->n_in != 2 ? NULL : "mul";
    case OP_DIV: return n->n_attrs || n->n_in != 2 ? NULL : "div";
    default: return NULL;
    }
}

static void put_attr(Writer *w, const Node *n, const Attr *at)
{
    size_t k;
    if (!plain_name(at->name) || strcmp(at->name, "name") == 0)
        node_error(w->g, n, "attribute '%s' cannot be written as a parameter in the model language", at->name);
    buf_printf(&w->out, ", %s=", at->name);
    switch (at->kind) {
    case AT_INT: buf_printf(&w->out, "%lld", (long long)at->i); break;
    case AT_FLOAT:
        if (!finite(at->f))
            node_error(w->g, n, "attribute '%s' is not finite; the model language has no such numbers", at->name);
        put_float(w, at->f);
        break;
    case AT_STRING: put_name(w, at->s); break;
    case AT_INTS:
    case AT_FLOATS:
        buf_add(&w->out, "[", 1);
        for (k = 0; k < at->n; k++) {
            if (k)
                buf_add(&w->out, ", ", 2);
            if (at->kind == AT_INTS)
                buf_printf(&w->out, "%lld", (long long)at->ints[k]);
            else if (!finite(at->floats[k]))
                node_error(w->g, n, "attribute '%s' is not finite; the model language has no such numbers", at->name);
            else
                put_float(w, at->floats[k]);
        }
        buf_add(&w->out, "]", 1);
        break;
    default:
        node_error(w->g, n, "attribute '%s' (a tensor or graph) cannot be written in the model language", at->name);
    }
}

/* outs = layer(inputs..., params..., name="node") */
static void put_node(Writer *w, const Node *n)
{
    const Graph *g = w->g;
    const char *layer = friendly(w, n);
    int k;
    for (k = 0; k < n->n_out; k++) {
        if (k)
            buf_add(&w->out, ", ", 2);
        put_name(w, g->t[n->out[k]].name);
    }
    buf_printf(&w->out, " = %s%s(", layer ? "" : "onnx.",
               layer ? layer : (int)n->op > OP_COUNT ? qdq_name((int)n->op) : op_name(n->op));
    if (layer && n->op == OP_GEMM) {
        put_name(w, g->t[n->in[0]].name);
        buf_printf(&w->out, ", weight=");
        put_name(w, g->t[n->in[1]].name);
        if (n->n_in == 3) {
            buf_printf(&w->out, ", bias=");
            put_name(w, g->t[n->in[2]].name);
        }
    } else {
        for (k = 0; k < n->n_in; k++) {
            if (k)
                buf_add(&w->out, ", ", 2);
            if (n->in[k] == TC_NONE)
                buf_printf(&w->out, "none");
            else
                put_name(w, g->t[n->in[k]].name);
        }
        for (k = 0; k < n->n_attrs; k++)
            put_attr(w, n, &n->attrs[k]);
    }
    if (strcmp(n->name, g->t[n->out[0]].name) != 0) {
        buf_printf(&w->out, ", name=");
        put_name(w, n->name);
    }
    buf_printf(&w->out, ")\n");
}

/*
 * Which constants to write as onnx.Constant nodes: node numbers the IR has
 * no live node for (ONNX Constant nodes, nodes folded while loading a .tc)
 * belong to the constants made since the node before, the last ones first
 * (ONNX initializers all come before the first Constant node's output).
 */
static void mark_constant_nodes(const Graph *g, char *as_node)
{
    TensorId id, *pending = arena_array(g->a, g->nt + 1, sizeof *pending);
    int n_pending = 0, next = 0;
    for (id = 0; id < g->nt; id++) {
        const Tensor *t = &g->t[id];
        if (t->producer >= 0) {
            const Node *n = &g->n[t->producer];
            int gap = n->index - next;
            if (n->dead || n->out[0] != id)
                continue;
            while (gap-- > 0 && n_pending > 0)
                as_node[pending[--n_pending]] = 1;
            n_pending = 0;
            next = n->index + 1;
        } else if (ir_is_const(t) && t->name[0] && t->input_index < 0) {
            pending[n_pending++] = id;
        }
    }
    /* node numbers folded after the last live node (found by fuzz_dsl: y = add(8, 9) last) */
    while (next++ < g->nn && n_pending > 0)
        as_node[pending[--n_pending]] = 1;
}

int dsl_render(const Graph *g, DslFile **files)
{
    Writer w;
    char src[200], prod[200];
    char *as_node = arena_alloc(g->a, g->nt + 1);
    TensorId id;
    int k;

    for (k = 0; k < g->n_inputs; k++) /* the model language's inputs are float, int8 or uint8 */
        if (g->t[g->inputs[k]].dtype != DT_FLOAT && !int_input(&g->t[g->inputs[k]]))
            fatal("--emit-dsl: graph input '%s' is an integer or bool tensor; the model language's inputs are float",
                  diag_escape(g->a, g->t[g->inputs[k]].name));
    for (k = 0; k < g->n_inputs + g->n_outputs; k++) /* nor does it say double, float16, bfloat16 */
        if (io_converted(g, k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs]))
            fatal("--emit-dsl: graph %s '%s' is double, float16 or bfloat16; the model language's inputs and outputs "
                  "are float", k < g->n_inputs ? "input" : "output",
                  diag_escape(g->a, g->t[k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs]].name));
    if (g->qdq) {
        /* a quantized model: the graph as read, its QuantizeLinear/DequantizeLinear and
         * QLinear nodes as they were (qdq.c keeps it); reading it back rewrites it the same way */
        Graph *v = arena_alloc(g->a, sizeof *v);
        *v = *g;
        v->t = g->qdq->orig_t;
        v->nt = g->qdq->orig_nt;
        v->n = g->qdq->orig_n;
        v->nn = g->qdq->orig_nn;
        g = v;
        as_node = arena_alloc(g->a, g->nt + 1);
    }
    memset(&w, 0, sizeof w);
    w.g = g;
    w.files = arena_array(g->a, (size_t)g->nt + 1, sizeof *w.files);
    w.n_files = 1; /* model.tc, last */
    for (w.used_cap = 16; w.used_cap < 2 * (g->nt + 1); w.used_cap *= 2)
        ;
    w.used = arena_array(g->a, w.used_cap, sizeof *w.used);
    take_name(&w, "model.tc");
    sanitize_comment(src, sizeof src, g->source);
    sanitize_comment(prod, sizeof prod, g->producer);
    buf_printf(&w.out, "# %s in ticketc's model language (docs/dsl.md), written by ticketc %s --emit-dsl\n", src,
               TICKETC_VERSION);
    buf_printf(&w.out, "#   SHA-256 %s, producer: %s\n", g->sha256, prod);
    buf_printf(&w.out, "opset %lld\n\n", (long long)g->opset);

    /* in tensor order, so that reading it back numbers the tensors the same */
    mark_constant_nodes(g, as_node);
    for (id = 0; id < g->nt; id++) {
        const Tensor *t = &g->t[id];
        if (t->producer >= 0) {
            const Node *n = &g->n[t->producer];
            if (!n->dead && n->out[0] == id)
                put_node(&w, n);
        } else if (t->input_index >= 0) {
            put_input(&w, id);
        } else if (ir_is_const(t) && t->name[0]) {
            put_const(&w, id, as_node[id]);
        }
    }
    buf_printf(&w.out, "\noutput ");
    for (k = 0; k < g->n_outputs; k++) {
        if (k)
            buf_add(&w.out, ", ", 2);
        put_name(&w, g->t[g->outputs[k]].name);
    }
    buf_add(&w.out, "\n", 1);
    w.files[0].name = "model.tc";
    w.files[0].data = w.out;
    *files = w.files;
    return w.n_files;
}

/*
 * --quantize int8 --calibrate FILE --emit-dsl DIR: the integer form
 * quantize_graph computed, after the model, so that compiling DIR/model.tc
 * gives the same integer C without the samples:
 *   quantize int8(samples=N[, io=int8])
 *   quant NAME int8(scale=S, zero_point=Z)   per graph input and per layer output
 * and, on the input of a one-row layer, nonzero=npy("NAME.nonzero.npy"): how
 * often each element was not 0 on the samples (the Cortex-M planner's
 * by-input estimate, strategy.c). The weights' per-channel scales, the int32
 * biases and the requantising multipliers and shifts are not written:
 * quant.c computes them from the weights and these scales the same way every
 * time (a comment gives the range of the weight scales).
 */
int dsl_render_quant(const Graph *g, DslFile **files, int n, int io_int8)
{
    const QuantPlan *p = g->quant;
    const QLayer **nz_of = arena_array(g->a, g->nt + 1, sizeof *nz_of);
    Writer w;
    int k;
    memset(&w, 0, sizeof w);
    w.g = g;
    w.files = arena_array(g->a, (size_t)n + (size_t)g->nn + 1, sizeof *w.files);
    memcpy(w.files, *files, (size_t)n * sizeof *w.files);
    w.n_files = n;
    for (w.used_cap = 16; w.used_cap < 2 * ((uint32_t)n + (uint32_t)g->nn + 1); w.used_cap *= 2)
        ;
    w.used = arena_array(g->a, w.used_cap, sizeof *w.used);
    for (k = 0; k < n; k++)
        take_name(&w, w.files[k].name);
    w.out = w.files[0].data;
    for (k = 0; k < g->nn; k++)
        if (!g->n[k].dead && p->layer[k] && p->layer[k]->in_nz)
            nz_of[g->n[k].in[0]] = p->layer[k];
    buf_printf(&w.out, "\n# the integer form (--quantize int8): per tensor x = scale * (q - zero_point), q int8;\n"
                       "# weights symmetric int8 per output channel, int32 biases and requantising from these\n");
    buf_printf(&w.out, "quantize int8(samples=%lld%s)\n", (long long)p->samples, io_int8 ? ", io=int8" : "");
    for (k = 0; k < g->n_inputs + g->nn; k++) {
        TensorId id = k < g->n_inputs ? g->inputs[k] : g->n[k - g->n_inputs].out[0];
        const QLayer *q = k < g->n_inputs ? NULL : p->layer[k - g->n_inputs];
        if (k >= g->n_inputs && (g->n[k - g->n_inputs].dead || (!q && !nz_of[id])))
            continue;
        if (!g->t[id].name[0])
            fatal("--emit-dsl: tensor %u has no name; the quant statement cannot name it", id);
        buf_printf(&w.out, "quant ");
        put_name(&w, g->t[id].name);
        buf_printf(&w.out, " int8(scale=");
        put_float(&w, p->t[id].scale);
        buf_printf(&w.out, ", zero_point=%d", (int)p->t[id].zp);
        if (nz_of[id]) {
            Tensor t;
            const char *file = npy_file_name(&w, arena_printf(g->a, "%s.nonzero", g->t[id].name), id);
            memset(&t, 0, sizeof t);
            t.dtype = DT_FLOAT;
            t.rank = 1;
            t.dims[0] = nz_of[id]->K;
            t.f = nz_of[id]->in_nz;
            save_npy(&w, file, &t);
            buf_printf(&w.out, ", nonzero=npy(\"%s\")", file);
        }
        buf_add(&w.out, ")", 1);
        if (q) {
            int64_t j;
            float lo = q->w_scale[0], hi = q->w_scale[0];
            for (j = 1; j < q->N; j++) {
                lo = q->w_scale[j] < lo ? q->w_scale[j] : lo;
                hi = q->w_scale[j] > hi ? q->w_scale[j] : hi;
            }
            buf_printf(&w.out, "   # %s: %lld weight scales %.4g .. %.4g", text_comment(g->a, g->n[k - g->n_inputs].name),
                       (long long)q->N, (double)lo, (double)hi);
        }
        buf_add(&w.out, "\n", 1);
    }
    w.files[0].data = w.out;
    *files = w.files;
    return w.n_files;
}

/* Renders g and writes DIR/model.tc and its .npy files (tests and fuzzers;
 * the command line queues the files with its other outputs instead). */
void dsl_write(const Graph *g, const char *dir)
{
    DslFile *f;
    int n = dsl_render(g, &f), k;
    out_dir(dir);
    for (k = 0; k < n; k++)
        out_add(arena_printf(g->a, "%s/%s", dir, f[k].name), &f[k].data);
    out_commit();
    for (k = 0; k < n; k++)
        buf_free(&f[k].data);
}
