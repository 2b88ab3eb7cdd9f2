/*
 * attrs.c - check_attrs: no attribute is silently ignored.
 *
 * One row per operator of ops.h, listing every attribute the ONNX
 * specification defines for it at opsets 1-23 (the ones ticketc accepts),
 * and what ticketc does with it. Each entry of a row is one of:
 *
 *   name       implemented: the stages read it (and refuse the values they
 *              cannot compute, with their own message)
 *   name=V     accepted only at its default V (an integer, a float or a
 *              string); refused at any other value
 *   name~      accepted: it cannot change an inference result (a hint such as
 *              consumed_inputs, a training-only setting such as Dropout's
 *              ratio, or a parameter of a mode that is refused anyway)
 *   name!      refused whenever it is present
 *
 * An attribute that is not in its op's row is refused. tests/attrs_check.py
 * checks the rows against the schemas of the installed python3-onnx
 * (through --list-attrs), so a row cannot silently miss an attribute.
 * Attributes of opsets newer than that onnx knows (18-23 for onnx 1.12) are
 * in the rows by hand: Resize's antialias, axes, keep_aspect_ratio_policy;
 * Split's num_outputs; Reduce*'s noop_with_empty_axes; AveragePool's
 * dilations; Gelu's approximate; Cast's saturate; LpPool's ceil_mode and
 * dilations; GroupNormalization's, RMSNormalization's, Attention's and
 * RotaryEmbedding's attributes.
 *
 * Constant nodes are not in the table: the ONNX front end turns them into
 * initializers and refuses every attribute but the value ones.
 */
#include "ticketc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BINARY "axis! broadcast consumed_inputs~"
#define UNARY "consumed_inputs~"
#define COMPARE "axis! broadcast" /* opset 1 comparisons and logic */
#define REDUCE "axes keepdims noop_with_empty_axes"
#define POOL "auto_pad kernel_shape pads strides ceil_mode dilations"
#define RNN "activation_alpha! activation_beta! activations! clip direction hidden_size layout output_sequence~"

static const char *const rows[OP_COUNT] = {
    [OP_GEMM] = "alpha beta transA transB broadcast~",
    [OP_MATMUL] = "",
    /* broadcast=1 without axis is the numpy rule on the trailing axes */
    [OP_ADD] = BINARY,
    [OP_SUB] = BINARY,
    [OP_MUL] = BINARY,
    [OP_DIV] = BINARY,
    [OP_RELU] = UNARY,
    [OP_LEAKYRELU] = "alpha " UNARY,
    [OP_SIGMOID] = UNARY,
    [OP_TANH] = UNARY,
    [OP_SOFTMAX] = "axis",
    [OP_LOGSOFTMAX] = "axis",
    [OP_FLATTEN] = "axis",
    /* opset 1-4 Reshape took its shape as an attribute: never read */
    [OP_RESHAPE] = "allowzero shape! " UNARY,
    [OP_IDENTITY] = "",
    /* inference: the input passes through whatever the training settings */
    [OP_DROPOUT] = "ratio~ seed~ is_test~ " UNARY,
    [OP_SHAPE] = "start end",
    [OP_GATHER] = "axis",
    [OP_UNSQUEEZE] = "axes",
    [OP_SQUEEZE] = "axes",
    [OP_CONCAT] = "axis",
    /* saturate applies to float8 targets only, which are refused */
    [OP_CAST] = "to saturate~",
    [OP_CONV] = "auto_pad dilations group kernel_shape pads strides",
    [OP_CONVTRANSPOSE] = "auto_pad dilations group kernel_shape pads strides output_padding output_shape",
    /* storage_order orders the Indices output, which makes the node OP_MAXPOOLIDX */
    [OP_MAXPOOL] = POOL " storage_order~",
    [OP_AVERAGEPOOL] = POOL " count_include_pad",
    [OP_GLOBALAVERAGEPOOL] = "",
    [OP_GLOBALMAXPOOL] = "",
    [OP_BATCHNORM] = "epsilon momentum~ is_test~ spatial=1 training_mode=0 " UNARY,
    [OP_INSTANCENORM] = "epsilon " UNARY,
    [OP_LAYERNORM] = "axis epsilon stash_type=1",
    /* opset 1 named the pads 'paddings': never read */
    [OP_PAD] = "mode pads value paddings!",
    /* cubic (cubic_coeff_a, exclude_outside) and tf_crop_and_resize (extrapolation_value)
     * are refused modes; exclude_outside only zeroes the weights of samples that nearest
     * and linear (without antialias) clamp to the edge, to the same result */
    [OP_RESIZE] = "mode coordinate_transformation_mode nearest_mode cubic_coeff_a extrapolation_value "
                  "exclude_outside antialias=0 axes keep_aspect_ratio_policy",
    /* opset 1 Upsample's height_scale and width_scale: never read */
    [OP_UPSAMPLE] = "mode scales height_scale! width_scale!",
    [OP_DEPTHTOSPACE] = "blocksize mode",
    [OP_SPACETODEPTH] = "blocksize",
    [OP_EXP] = UNARY,
    [OP_LOG] = UNARY,
    [OP_SQRT] = UNARY,
    [OP_ABS] = UNARY,
    [OP_NEG] = UNARY,
    [OP_RECIPROCAL] = UNARY,
    [OP_FLOOR] = UNARY,
    [OP_CEIL] = UNARY,
    [OP_ROUND] = "",
    [OP_SIGN] = "",
    [OP_ERF] = "",
    [OP_SIN] = "",
    [OP_COS] = "",
    [OP_TAN] = "",
    [OP_SINH] = "",
    [OP_COSH] = "",
    [OP_ASIN] = "",
    [OP_ACOS] = "",
    [OP_ATAN] = "",
    [OP_ASINH] = "",
    [OP_ACOSH] = "",
    [OP_ATANH] = "",
    [OP_ELU] = "alpha " UNARY,
    [OP_SELU] = "alpha gamma " UNARY,
    [OP_CELU] = "alpha",
    [OP_HARDSIGMOID] = "alpha beta " UNARY,
    [OP_HARDSWISH] = "",
    [OP_SOFTPLUS] = "",
    [OP_SOFTSIGN] = "",
    [OP_THRESHRELU] = "alpha",
    [OP_SHRINK] = "bias lambd",
    [OP_GELU] = "approximate",
    [OP_SWISH] = "alpha",
    [OP_MAX] = UNARY,
    [OP_MIN] = UNARY,
    [OP_SUM] = UNARY,
    [OP_MEAN] = UNARY,
    [OP_POW] = "axis! broadcast",
    [OP_PRELU] = UNARY,
    [OP_MOD] = "fmod",
    [OP_CLIP] = "min max " UNARY,
    [OP_REDUCESUM] = REDUCE,
    [OP_REDUCEMEAN] = REDUCE,
    [OP_REDUCEMAX] = REDUCE,
    [OP_REDUCEMIN] = REDUCE,
    [OP_REDUCEPROD] = REDUCE,
    [OP_REDUCEL1] = REDUCE,
    [OP_REDUCEL2] = REDUCE,
    [OP_REDUCELOGSUM] = REDUCE,
    [OP_REDUCELOGSUMEXP] = REDUCE,
    [OP_REDUCESUMSQUARE] = REDUCE,
    [OP_HARDMAX] = "axis",
    [OP_LRN] = "alpha beta bias size",
    /* across_channels and normalize_variance: experimental opset-1 attributes */
    [OP_MVN] = "axes across_channels! normalize_variance!",
    [OP_DET] = "",
    [OP_TRANSPOSE] = "perm",
    [OP_SLICE] = "starts ends axes",
    [OP_EXPAND] = "",
    [OP_TILE] = "",
    [OP_SPLIT] = "axis split num_outputs",
    [OP_SIZE] = "",
    [OP_CONSTOFSHAPE] = "value",
    [OP_RNN] = RNN,
    [OP_GRU] = RNN " linear_before_reset",
    [OP_LSTM] = RNN " input_forget=0",
    [OP_EQUAL] = COMPARE,
    [OP_LESS] = COMPARE,
    [OP_GREATER] = COMPARE,
    [OP_LESSOREQUAL] = "",
    [OP_GREATEROREQUAL] = "",
    [OP_NOT] = "",
    [OP_AND] = COMPARE,
    [OP_OR] = COMPARE,
    [OP_XOR] = COMPARE,
    [OP_WHERE] = "",
    [OP_RANGE] = "",
    /* saturate applies to float8 targets only, and CastLike's type comes from its input 1 */
    [OP_CASTLIKE] = "saturate~",
    [OP_RMSNORM] = "axis epsilon stash_type=1",
    [OP_GROUPNORM] = "epsilon num_groups stash_type=1",
    [OP_MISH] = "",
    [OP_LPNORM] = "axis p",
    [OP_LPPOOL] = "auto_pad kernel_shape p pads strides ceil_mode dilations",
    /* qk_matmul_output_mode: modes 1 and 2 refused when that output is named (shape_attn.c);
     * softmax_precision: float and double */
    [OP_ATTENTION] = "is_causal kv_num_heads q_num_heads qk_matmul_output_mode scale softcap softmax_precision",
    [OP_ROTARY] = "interleaved num_heads rotary_embedding_dim",
    /* shape_img.c */
    [OP_GRIDSAMPLE] = "align_corners mode padding_mode",
    [OP_DFT] = "axis inverse onesided",
    [OP_MAXUNPOOL] = "kernel_shape pads strides",
    [OP_ROIALIGN] = "coordinate_transformation_mode mode output_height output_width sampling_ratio spatial_scale",
    /* MaxPool with Indices: conv_window refuses storage_order = 1 */
    [OP_MAXPOOLIDX] = POOL " storage_order",
    /* 5-D inputs (shape_3d.c): the rows of the 2-D ops; output_shape is refused there */
    [OP_CONV3D] = "auto_pad dilations group kernel_shape pads strides",
    [OP_CONVTRANSPOSE3D] = "auto_pad dilations group kernel_shape pads strides output_padding output_shape",
    [OP_MAXPOOL3D] = POOL " storage_order~",
    [OP_AVERAGEPOOL3D] = POOL " count_include_pad",
    [OP_ARGMAX] = "axis keepdims select_last_index",
    [OP_ARGMIN] = "axis keepdims select_last_index",
    [OP_GATHERELEMENTS] = "axis",
    [OP_TRILU] = "upper",
    [OP_NLLLOSS] = "ignore_index reduction",
    [OP_SCATTERELEMENTS] = "axis reduction",
    [OP_SCATTER] = "axis",
    [OP_ISINF] = "detect_negative detect_positive",
    [OP_ISNAN] = "",
    [OP_SCELOSS] = "ignore_index reduction",
    /* qops.c: saturate only concerns float8 outputs; blocked quantisation is refused */
    [OP_RTQ_QUANTIZE] = "axis saturate~ block_size=0 output_dtype=0 precision=0",
    [OP_RTQ_DEQUANTIZE] = "axis block_size=0 output_dtype=0",
    [OP_RTQ_QLINEARCONV] = "auto_pad dilations group kernel_shape pads strides",
    [OP_RTQ_QLINEARMATMUL] = "",
    [OP_RTQ_MATMULINTEGER] = "",
    [OP_RTQ_CONVINTEGER] = "auto_pad dilations group kernel_shape pads strides",
    [OP_DYNAMICQUANTIZE] = "",
    [OP_GATHERND] = "batch_dims",
    [OP_SCATTERND] = "reduction",
    [OP_ONEHOT] = "axis",
    [OP_TOPK] = "axis largest sorted k", /* sorted = 0 leaves the order free: sorted anyway */
    [OP_EYELIKE] = "dtype k",
    [OP_REVERSESEQ] = "batch_axis time_axis",
    [OP_BITSHIFT] = "direction",
    [OP_TFIDF] = "max_gram_length max_skip_count min_gram_length mode ngram_counts ngram_indexes pool_int64s "
                 "pool_strings! weights",
    [OP_EINSUM] = "equation",
    [OP_CUMSUM] = "exclusive reverse",
};

/* Why an attribute is refused, where the table alone does not say it. */
static const char *why(const Node *n, const char *name)
{
    if (n->op == OP_BATCHNORM && strcmp(name, "training_mode") == 0)
        return ": the model was exported in training mode, and ticketc compiles inference only; " TC_EVAL_HINT;
    if (n->op == OP_TFIDF && strcmp(name, "pool_strings") == 0)
        return " (string tensors are not supported: give the pool as pool_int64s)";
    if ((n->op == OP_RNN || n->op == OP_GRU || n->op == OP_LSTM) && strncmp(name, "activation", 10) == 0)
        return " (only the default activations are)";
    if (strcmp(name, "axis") == 0 && (n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL || n->op == OP_DIV ||
                                      n->op == OP_POW || n->op == OP_EQUAL || n->op == OP_LESS || n->op == OP_GREATER ||
                                      n->op == OP_AND || n->op == OP_OR || n->op == OP_XOR))
        return " (opset < 7 broadcasting along an axis; without it, broadcast = 1 is numpy's rule)";
    return "";
}

/* The entry of row for attribute name: its start and length in *len, or NULL. */
static const char *find_entry(const char *row, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    const char *p = row;
    while (*p) {
        size_t l = strcspn(p, " ");
        if (l >= nl && strncmp(p, name, nl) == 0 && (l == nl || strchr("=~!", p[nl]))) {
            *len = l;
            return p;
        }
        p += l;
        while (*p == ' ')
            p++;
    }
    return NULL;
}

/* The attribute's value as the table writes defaults, or NULL for a list or tensor. */
static const char *attr_text(Arena *a, const Attr *at)
{
    switch (at->kind) {
    case AT_INT: return arena_printf(a, "%lld", (long long)at->i);
    case AT_FLOAT: return arena_printf(a, "%g", (double)at->f);
    case AT_STRING: return arena_printf(a, "\"%s\"", diag_escape(a, at->s));
    default: return NULL;
    }
}

/* Equal to the default dv: numerically for numbers, as text for strings. */
static int is_default(const Attr *at, const char *dv)
{
    switch (at->kind) {
    case AT_INT: return at->i == strtoll(dv, NULL, 10);
    case AT_FLOAT: return at->f == strtof(dv, NULL);
    case AT_STRING: return strcmp(at->s, dv) == 0;
    default: return 0;
    }
}

/* "a, b, c": the attributes of a row that ticketc accepts in some form. */
static const char *accepted(Arena *a, const char *row)
{
    const char *p = row, *s = "";
    while (*p) {
        size_t l = strcspn(p, " "), k = strcspn(p, "=~!");
        if (k > l)
            k = l;
        if (p[k] != '!')
            s = arena_printf(a, "%s%s%.*s", s, s[0] ? ", " : "", (int)k, p);
        p += l;
        while (*p == ' ')
            p++;
    }
    return s[0] ? s : "none";
}

static void check_node(const Graph *g, const Node *n)
{
    const char *row = rows[n->op] ? rows[n->op] : "";
    int i;
    for (i = 0; i < n->n_attrs; i++) {
        const Attr *at = &n->attrs[i];
        size_t len, nl = strlen(at->name);
        const char *e = find_entry(row, at->name, &len);
        if (!e)
            node_error(g, n, "attribute '%s' is not supported (%s's attributes that ticketc supports: %s)",
                       diag_escape(g->a, at->name), op_name(n->op), accepted(g->a, row));
        if (len > nl && e[nl] == '!')
            node_error(g, n, "attribute '%s' is not supported%s", diag_escape(g->a, at->name), why(n, at->name));
        if (len > nl && e[nl] == '=') {
            const char *dv = arena_printf(g->a, "%.*s", (int)(len - nl - 1), e + nl + 1);
            const char *v = attr_text(g->a, at);
            if (!is_default(at, dv))
                node_error(g, n, "attribute '%s'%s%s is not supported (only %s)%s", diag_escape(g->a, at->name),
                           v ? " = " : "", v ? v : "", at->kind == AT_STRING ? arena_printf(g->a, "\"%s\"", dv) : dv,
                           why(n, at->name));
        }
    }
}

void check_attrs(const Graph *g)
{
    int i;
    for (i = 0; i < g->nn; i++)
        if (!g->n[i].dead)
            check_node(g, &g->n[i]);
}

/* --list-attrs: "Op name kind [default]" per line, kind one of implemented,
 * default, noeffect, refused (for tests/attrs_check.py). */
void attrs_list(FILE *f)
{
    int op;
    for (op = 0; op < OP_COUNT; op++) {
        const char *p = rows[op] ? rows[op] : "";
        if (op_lookup(op_name((OpKind)op)) != op) /* the 3-D ops: the rows of their 2-D names */
            continue;
        fprintf(f, "%s%s\n", op_name((OpKind)op), rows[op] ? "" : " (no row)");
        while (*p) {
            size_t l = strcspn(p, " "), k = strcspn(p, "=~!");
            if (k > l)
                k = l;
            fprintf(f, "%s %.*s %s", op_name((OpKind)op), (int)k, p,
                    k == l ? "implemented" : p[k] == '=' ? "default" : p[k] == '~' ? "noeffect" : "refused");
            if (k < l && p[k] == '=')
                fprintf(f, " %.*s", (int)(l - k - 1), p + k + 1);
            fprintf(f, "\n");
            p += l;
            while (*p == ' ')
                p++;
        }
    }
}
