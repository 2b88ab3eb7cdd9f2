/*
 * ticketc.h - the IR and the API of every stage, one section per .c file.
 *
 * The pipeline (see main.c):
 *   onnx_load | dsl_load -> apply_masks -> infer_shapes -> fold_constants
 *   -> fold_batchnorm -> [prune_magnitude] -> remove_dead -> fuse_activations
 *   -> plan_strategies -> plan_memory -> emit_c | print_summary | write_report
 * The back end: plan_strategies (strategy.c) chooses each layer's code form
 * and sets the target; emit_c (emit.c) hands each node to its op's
 * emit_<class> in emit_linear.c, emit_conv.c, emit_ops.c or emit_ops18.c, which print
 * through emit_frame.c (emit.h is their internal header); summary.c and
 * report.c read the same choice through layer_stats. text.c makes names and
 * numbers safe to print for every file.
 */
#ifndef TICKETC_H
#define TICKETC_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TICKETC_VERSION "0.1.0"

#if defined(__GNUC__)
#define TC_NORETURN __attribute__((noreturn))
#define TC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TC_NORETURN
#define TC_PRINTF(a, b)
#endif

/* ===== arena.c: one pool per compilation; the only file that calls malloc ===== */

typedef struct Arena Arena;

Arena *arena_new(void);
void *arena_alloc(Arena *a, size_t n); /* zeroed, 16-byte aligned */
void *arena_array(Arena *a, size_t count, size_t size); /* checks overflow */
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...) TC_PRINTF(2, 3);
void arena_free(Arena *a);
/* fn(p) runs when a is freed unless the caller clears *handle first (it freed p
 * itself): for what a fatal() caught by diag_catch would otherwise leak. */
void **arena_on_free(Arena *a, void (*fn)(void *), void *p);

/* A growable byte buffer (generated text, files read into memory). */
typedef struct {
    char *p;
    size_t len, cap;
    size_t limit;       /* 0: none; else growing past limit bytes is fatal: */
    const char *limit_what, *limit_option; /* "<what> would be larger than N bytes, the limit of <option>" */
} Buf;

void buf_add(Buf *b, const void *p, size_t n);
void buf_printf(Buf *b, const char *fmt, ...) TC_PRINTF(2, 3);
void buf_vprintf(Buf *b, const char *fmt, va_list ap);
void buf_free(Buf *b);
int buf_read_file(Buf *b, const char *path, size_t limit); /* 0 ok, -1 errno, -2 too big */
/* While limit > 0, every Buf without a limit of its own gets this one: it
 * bounds text made in Bufs the caller cannot see (the emitter's sections). */
void buf_default_limit(size_t limit, const char *what, const char *option);

/* ===== output.c: the files a run writes, all or nothing ===== */

/* Fatal unless path could be written: not a directory or a device, in a
 * directory we may write. Called before any work, for every output. */
void out_check_path(const char *path);
/* The same for a directory that out_commit may create. */
void out_check_dir(const char *dir);
/* Queues a file (data must live until out_commit); out_dir names a
 * directory to create first if it does not exist. */
void out_add(const char *path, const Buf *data);
void out_dir(const char *dir);
/* Writes every queued file: temporary files created exclusively (mode
 * 0666 & ~umask), then renamed into place. On failure, or if the process
 * exits before that, every file and directory this run created is removed. */
void out_commit(void);

/* ===== text.c: safe names and comment text, numbers as text ===== */

/* Shortest decimal that reads back as exactly v, with an f suffix. */
void emit_float(char *buf, size_t size, float v);
/* Identifiers: [A-Za-z0-9_] only, never empty, at most size-1 chars. */
void sanitize_ident(char *dst, size_t size, const char *src);
/* The one shape printer: "[1,784]", sep between dimensions, "?" for unknown. */
const char *text_dims(Arena *a, int rank, const int64_t *dims, const char *sep);
/* Comment text that can neither close the comment nor start a directive. */
void sanitize_comment(char *dst, size_t size, const char *src);
/* The same, copied into a: an identifier of up to 47 characters, comment text up to 119. */
const char *text_ident(Arena *a, const char *s);
const char *text_comment(Arena *a, const char *s);
/* 235200 -> "235,200" */
const char *text_num(Arena *a, int64_t v);

/* npy.c: CRC-32 as ZIP and PNG store it, by zlib, continued from crc (0 to start) */
uint32_t zlib_crc32(uint32_t crc, const void *data, size_t n);

/* ===== diag.c: diagnostics ===== */

/* Exit codes: 1 bad input, 2 bad usage; internal bugs abort. */
enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

void diag_set_file(const char *path);
/* What inside the file a message is about ("'w.npy'"), printed after "error: "; NULL for none. */
void diag_set_context(const char *what);
/* With jb set, fatal() longjmps to it instead of exiting (fuzzers). */
void diag_catch(jmp_buf *jb, int quiet);
const char *diag_file(void);
void fatal(const char *fmt, ...) TC_PRINTF(1, 2) TC_NORETURN;
void usage_error(const char *fmt, ...) TC_PRINTF(1, 2) TC_NORETURN;
void warning(const char *fmt, ...) TC_PRINTF(1, 2);
void diag_bug(const char *file, int line, const char *msg) TC_NORETURN;
/* A string from a file, safe to print in a message: printable ASCII, ' and \
 * escaped with a backslash, other bytes as \xNN, cut at DIAG_SHOWN_MAX bytes.
 * Every name or string that comes from an input goes through it. */
#define DIAG_SHOWN_MAX 200
char *diag_escape(Arena *a, const char *s);
char *diag_escape_n(Arena *a, const char *s, size_t len);
/* The same into dst (size bytes; DIAG_ESCAPED_MAX always fits), where no arena is at hand. */
#define DIAG_ESCAPED_MAX (4 * DIAG_SHOWN_MAX + 4)
void diag_escape_buf(char *dst, size_t size, const char *s);
/* Progress on a terminal (stderr a tty, a run past a second): progress_start at the
 * start; progress(stage, i, n, name) as work goes (n 0: no count, name NULL: none);
 * progress_done clears the line (every message does it first). */
void progress_start(void);
void progress(const char *stage, int64_t i, int64_t n, const char *name);
void progress_done(void);
#define BUG(msg) diag_bug(__FILE__, __LINE__, (msg))
#define ASSERT(c) ((c) ? (void)0 : diag_bug(__FILE__, __LINE__, #c))

/* ===== ir.c: graph, tensors, nodes ===== */

typedef uint32_t TensorId;
#define TC_NONE ((TensorId)0xffffffffu)
#define TC_MAX_RANK 8

typedef enum {
#define OP(id, name, cls) id,
#include "ops.h"
    OPS(OP)
#undef OP
    OP_COUNT
} OpKind;

typedef enum { DT_FLOAT = 1, DT_INT64 = 7 } DType;
/* ONNX element types (TensorProto.DataType) that Tensor.etype records: bool and
 * the integer types are stored as DT_INT64, double as DT_FLOAT. */
enum { ET_FLOAT = 1, ET_UINT8 = 2, ET_INT8 = 3, ET_UINT16 = 4, ET_INT16 = 5, ET_INT32 = 6, ET_INT64 = 7,
       ET_BOOL = 9, ET_FLOAT16 = 10, ET_DOUBLE = 11, ET_UINT32 = 12, ET_UINT64 = 13, ET_BFLOAT16 = 16 };

typedef struct Tensor {
    char *name;
    DType dtype;
    int rank;           /* -1 while unknown */
    int64_t dims[TC_MAX_RANK];
    float *f;           /* constant data when dtype == DT_FLOAT */
    int64_t *i;         /* constant data when dtype == DT_INT64 */
    int etype;          /* the ONNX element type (ET_BOOL, ET_INT32, ...) when known, else 0: as the file
                         * gave it (initializers, graph inputs), or inferred (shape.c); on a float tensor
                         * of a quantized model, the integer type of its activations (qdq.c) */
    int producer;       /* node index or -1 */
    int consumers;      /* uses by live nodes, counted by remove_dead */
    int input_index;    /* position among graph inputs, or -1 */
    int output_index;   /* position among graph outputs, or -1 */
    /* memory plan */
    TensorId alias;     /* storage shared with this tensor (views), or TC_NONE */
    int64_t offset;     /* float offset into the arena, or -1 */
} Tensor;

typedef enum { AT_FLOAT, AT_INT, AT_STRING, AT_FLOATS, AT_INTS, AT_TENSOR, AT_OTHER } AttrKind;

typedef struct {
    char *name;
    AttrKind kind;
    float f;
    int64_t i;
    char *s;
    float *floats;
    int64_t *ints;
    size_t n;           /* length of floats / ints */
    struct Tensor *t;   /* AT_TENSOR: the value */
} Attr;

/* A layer's code form (strategy.c chooses it), and what auto optimises for
 * (--target): a processor with caches and vector units, or a Cortex-M
 * microcontroller (no cache, flash-bound). */
typedef enum { STRAT_AUTO, STRAT_UNROLLED, STRAT_LOOP, STRAT_DENSE } Strategy;
typedef enum { TARGET_HOST, TARGET_CORTEX_M } Target;

typedef struct {
    OpKind op;
    char *name;         /* as in the model (may be empty) */
    int index;          /* position in the source model, for messages */
    TensorId *in;
    int n_in;
    TensorId *out;
    int n_out;
    Attr *attrs;
    int n_attrs;
    int dead;
    /* activation fused into this node by fuse_activations */
    OpKind act;         /* OP_COUNT when none */
    float act_alpha;
    int act_node;       /* index of the fused node, for comments */
    Strategy strategy;  /* planned for a layer with constant weights (plan_strategies), else auto */
    int input_major;    /* unrolled Gemm/MatMul by input, zero inputs skipped (plan_strategies) */
    int sparse_mb;      /* > 0: a host Conv in emit_conv_sparse.c's form, blocks of this many channels (plan_strategies) */
    int wino;           /* 1: a host 3x3/s1 Conv in emit_conv_wino.c's Winograd form (plan_strategies) */
    /* unrolled Conv with padding: its input copied into a zero-padded scratch block
     * of the arena (conv_pad_floats), placed by plan_memory; 0 floats: none */
    int64_t pad_floats, pad_offset;
} Node;

typedef struct {
    Arena *a;
    Tensor *t;
    uint32_t nt, t_cap;
    Node *n;
    int nn, n_cap;
    TensorId *inputs;
    int n_inputs;
    TensorId *outputs;
    int n_outputs;
    int64_t opset;      /* default-domain opset version */
    char *producer;     /* producer name and version */
    char *source;       /* path of the model file */
    char sha256[65];    /* of the model file */
    uint32_t *hash;     /* name -> tensor index table */
    uint32_t hash_cap;
    int64_t arena_floats; /* set by plan_memory */
    int64_t arena_lower_bound;
    size_t max_bytes;   /* --max-bytes: also bounds every computed tensor */
    Target target;      /* set once, by plan_strategies: what the emitter and its views target */
    int64_t code_budget; /* --code-budget (0: none), set with target by plan_strategies */
    /* --calibrate on a float model (calibrate_zeros): per tensor, the fraction of its values
     * that were exactly 0 on the zero_samples samples, -1 where unknown; NULL without */
    float *zero_frac;
    int64_t zero_samples;
    void **fold_vals;   /* fold_node's scratch, one slot per tensor, all NULL between calls */
    uint32_t fold_vals_cap;
    struct QuantPlan *quant; /* --quantize int8: set by quantize_graph (quant.c), else NULL */
    struct QdqInfo *qdq; /* a quantized ONNX model: set by qdq_rewrite (qdq.c), else NULL */
    struct DslQuant *dsl_quant; /* a .tc file's own integer form (dsl.c), else NULL */
} Graph;

Graph *ir_new(Arena *a);
TensorId ir_tensor(Graph *g, const char *name);     /* find or create */
TensorId ir_find(const Graph *g, const char *name); /* or TC_NONE */
TensorId ir_new_tensor(Graph *g, const char *name);
Node *ir_node(Graph *g, OpKind op, const char *name, int n_in, int n_out);
const char *op_name(OpKind op);
int op_lookup(const char *onnx_name); /* OpKind or -1 */

/* Products of dimensions, saturated: INT64_MAX when the product overflows. */
int64_t ir_dims_product(int rank, const int64_t *dims);
int64_t ir_numel(const Tensor *t);
int ir_is_const(const Tensor *t);
int ir_same_shape(const Tensor *a, const Tensor *b);
const char *ir_shape_str(Arena *a, const Tensor *t);      /* "[1,784]" */
const char *ir_where(const Graph *g, const Node *n); /* "node 3 'fc2' (Gemm)" */
void node_error(const Graph *g, const Node *n, const char *fmt, ...) TC_PRINTF(3, 4) TC_NORETURN;

const Attr *attr_get(const Node *n, const char *name);
int64_t attr_int(const Node *n, const char *name, int64_t def);
float attr_float(const Node *n, const char *name, float def);
/* The getters refuse an attribute of another type (fatal, naming the node) rather than use def. */
const char *attr_string(const Node *n, const char *name, const char *def);
void ir_set_dims(Tensor *t, int rank, const int64_t *dims);
TensorId ir_root(const Graph *g, TensorId id); /* follows alias */
/* Softmax extent: outer x len (the reduced axis) x inner, by opset rules. */
void softmax_extent(const Graph *g, const Node *n, const Tensor *x, int64_t *outer, int64_t *len, int64_t *inner);
int ir_is_view(OpKind op);
int ir_is_activation(OpKind op);

/* ===== onnx.c: the ONNX front end ===== */

typedef struct {
    const char *name;
    int64_t value;
} DimBinding;

typedef struct {
    DimBinding *dims;  /* --dim NAME=SIZE */
    int n_dims;
    size_t max_bytes;  /* limit on the model file and on tensor data */
    int allow_paths;   /* --allow-paths: npy("...") in a .tc may leave the .tc's directory */
    long max_nodes;    /* --max-nodes, counted before an ONNX file is unpacked (0: none) */
} LoadOptions;

/* A front end's parser of a model image in memory; path only names it. */
typedef Graph *LoadBufferFn(const void *data, size_t len, const char *path, const LoadOptions *opt, Arena *a);
/* ir.c: reads the model file at path (at most opt->max_bytes) and parses it with parse. */
Graph *ir_load_file(const char *path, const LoadOptions *opt, Arena *a, LoadBufferFn *parse);

/* Limits of the ONNX reader: message nesting (fixed), and names (both front ends). */
#define ONNX_MAX_DEPTH 64
#define TC_MAX_NAME 4096
#define TC_MAX_ATTRS 64 /* attributes of one node */
/* The newest default-domain opset ticketc knows: shape.c follows the changes up to
 * opset 21 (Reduce axes as an input, Split's num_outputs, pool dilations, Gelu,
 * GroupNormalization's scale per channel); opsets 21 and 22 otherwise changed only
 * element types, which the front ends check themselves; 23 added RMSNormalization,
 * Attention and RotaryEmbedding (shape_attn.c). */
#define TC_MAX_OPSET 23

Graph *onnx_load(const char *path, const LoadOptions *opt, Arena *a);
/* Walks an ONNX image's wire format before protobuf-c unpacks it: fatal when
 * it nests deeper than ONNX_MAX_DEPTH, would make unpack allocate more than
 * max_bytes, or holds a string with a NUL byte or a name over TC_MAX_NAME
 * bytes; -1 when it is not well-formed protobuf, 0 when it may be unpacked. */
int onnx_prescan(const void *data, size_t len, size_t max_bytes, long max_nodes, Arena *a);
/* protobuf-c's free of an unpacked ModelProto, for arena_on_free */
void onnx_free_model(void *model);
/* Values of a TensorProto without raw_data: the length of the typed field its type uses. */
struct Onnx__TensorProto;
size_t onnx_typed_count(const struct Onnx__TensorProto *tp);
/* The same from a model image in memory; path only names it. */
Graph *onnx_load_buffer(const void *data, size_t len, const char *path, const LoadOptions *opt, Arena *a);

/* ===== dsl.c: the DSL front end (docs/dsl.md, grammar/ticketc.y) ===== */

Graph *dsl_load(const char *path, const LoadOptions *opt, Arena *a);
Graph *dsl_load_buffer(const void *data, size_t len, const char *path, const LoadOptions *opt, Arena *a);
void dsl_allow_files(int allow); /* 0: npy("...") is refused (fuzzers) */

/*
 * A .tc file's integer form (quantize int8, quant NAME int8(scale=, zero_point=)):
 * the parameters --quantize int8 --calibrate computed, given instead of calibrated
 * (quant.c reads them); every array per tensor of the graph as the file built it.
 */
typedef struct DslQuant {
    uint32_t nt;
    char *given;        /* a quant statement for this tensor */
    float *scale;
    int32_t *zp;
    const char **at;    /* "model.tc:12:1", the statement, for messages */
    float **nonzero;    /* nonzero=: per element, how often it was not 0 on the samples (or NULL) */
    int io_int8;        /* quantize int8(io=int8): as --io int8 */
    int64_t samples;    /* quantize int8(samples=N): the calibration's, for --summary */
    const char *where;  /* "model.tc:3:1", the quantize statement */
} DslQuant;

/* ===== dsl_write.c: --emit-dsl: any loaded graph as DIR/model.tc and .npy files ===== */

typedef struct {
    const char *name;   /* in the output directory: model.tc, <unique>.npy */
    Buf data;
} DslFile;
/* Renders g in memory: files[0] is model.tc, then the .npy files it names
 * (distinct names, also without case); returns the count. */
int dsl_render(const Graph *g, DslFile **files);
/* Renders g and writes the files into dir (created if missing). */
void dsl_write(const Graph *g, const char *dir);
/* Appends to model.tc ((*files)[0]) the integer form quantize_graph computed for g
 * (g->quant): quantize int8(...) and a quant statement per quantised tensor, and
 * adds the .npy files those name to the n files; returns the new count. */
int dsl_render_quant(const Graph *g, DslFile **files, int n, int io_int8);

/* ===== attrs.c: every attribute of every op implemented or refused ===== */

void check_attrs(const Graph *g); /* fatal at the first attribute ticketc would not honour */
void attrs_list(FILE *f);         /* --list-attrs: the table, one attribute a line */
/* How to export a model in eval mode, for the messages about training-mode exports. */
#define TC_EVAL_HINT "export it in eval mode: model.eval() before torch.onnx.export, or " \
                     "torch.onnx.export(..., training=torch.onnx.TrainingMode.EVAL)"

/* ===== shape.c: shape inference ===== */

/* Infers shapes in node order; a node whose inputs are all constant is
 * folded right after (fold_node), so shapes computed from constants (a
 * Reshape target built by Shape/Gather/Concat) are known downstream. */
void infer_shapes(Graph *g);
void infer_node_shape(Graph *g, Node *n);

/*
 * The window of Conv, ConvTranspose, MaxPool and AveragePool. A 1-D op is
 * taken as 2-D with a height of 1: index 0 is the height, 1 the width.
 * Conv/pools: out = (in + pb + pe - ((k - 1) * d + 1)) / s + 1.
 * ConvTranspose: out = s * (in - 1) + opad + (k - 1) * d + 1 - pb - pe.
 */
typedef struct {
    int nd;            /* spatial dimensions in the model: 1 or 2 */
    int64_t batch, c, m, group; /* input channels c, output channels m */
    int64_t in[2], out[2], k[2], s[2], d[2], pb[2], pe[2];
} Window;
void conv_window(Graph *g, const Node *n, Window *w);
void window_ints(const Graph *g, const Node *n, const char *name, int64_t *dst, int count, int64_t def);
DType etype_dtype(int64_t et);
const char *etype_name(int et); /* "uint16": an ONNX element type for messages */
int64_t conv_weight_fit(const Graph *g, const Node *n, const Tensor *wt, int nd, int64_t c, int64_t group,
                        int transpose, int float_bias, int64_t *k);

/*
 * Pad, Resize and Upsample read, for each output coordinate o of axis a,
 * input coordinate i0[o] (-1: outside, the pad value), and for linear
 * Resize also i1[o] with weight w[o]: y = (1 - w) * x[i0] + w * x[i1].
 */
typedef struct {
    int64_t *i0, *i1;
    double *w;         /* NULL unless linear */
} AxisMap;
/* One map per axis; returns the pad value (Pad) or 0. */
float resample_maps(Graph *g, const Node *n, AxisMap *maps);
/* A Resize in mode cubic or with coordinate_transformation_mode tf_crop_and_resize, which
 * reads resize_taps (interp_img.c, emit_img.c) instead: per axis k taps per output
 * coordinate o, idx[o * k + j] weighing w[o * k + j]; outside[o]: y is extrapolation_value
 * there (returned). */
int resize_general(Graph *g, const Node *n);
typedef struct {
    int k, any_outside;
    int64_t *idx;
    double *w;
    unsigned char *outside;
} AxisTaps;
float resize_taps(Graph *g, const Node *n, AxisTaps *t);
void interp_resize_taps(Graph *g, const Node *n, void **vals);
/* Data movement (Transpose, Slice, Expand, Tile) as an affine map: output
 * position (i_0, ..., i_{rank-1}) in row-major order reads input element
 * base + sum_k i_k * stride[k]. Tile splits each output axis in two. */
typedef struct {
    int rank;
    int64_t dims[2 * TC_MAX_RANK], stride[2 * TC_MAX_RANK], base;
    int y_rank;         /* the output's shape */
    int64_t y_dims[TC_MAX_RANK];
} CopyMap;
void copy_map(Graph *g, const Node *n, CopyMap *m);
/* Reduced axes of a Reduce* node (flags per input axis); 0 when none is reduced. */
int reduce_axes(Graph *g, const Node *n, int *reduced);
/* Clip's bounds: bit 1 when *lo is set, bit 2 when *hi is; bits 4 and 8
 * when min or max is a run-time input (the node's input 1 or 2). */
int clip_bounds(Graph *g, const Node *n, float *lo, float *hi);
/* MeanVarianceNormalization's axes (default [0,2,3]), as reduce_axes. */
int mvn_axes(Graph *g, const Node *n, int *reduced);
/* The ONNX element type (ET_*) that Cast (its 'to') or CastLike (its input 1's type) converts to. */
int cast_to(const Graph *g, const Node *n);
/* The ONNX element type of a tensor: its etype, else what its dtype stores (float, int64). */
int tensor_etype(const Tensor *t);
/* Gates of a recurrent layer: RNN 1, GRU 3, LSTM 4. */
int rnn_gates(OpKind op);
/* Nodes whose every output is computed (Split, RNN, GRU, LSTM); others compute output 0 only. */
int ir_multi_output(OpKind op);
/* The same for one node: also a LayerNormalization whose Mean or InvStdDev output is named. */
int node_multi_output(const Graph *g, const Node *n);
/* RMSNormalization's constant scale expanded to the normalised axes, or NULL when it
 * has their size or one element (then used as it is). */
const float *rmsnorm_scale(Graph *g, const Node *n);
/* GroupNormalization's scale and bias: per channel (opset 21), else per group. */
int groupnorm_per_channel(const Graph *g);

/* ===== shape_attn.c: Attention and RotaryEmbedding (opset 23) ===== */

/*
 * Attention's layout, one head at a time: element d of row i of head h of
 * batch b of Q is at b * q[0] + h * q[1] + i * q[2] + d (4-D [B,H,S,D] or
 * 3-D [B,S,H*D] inputs alike); K, V, the past caches (4-D) and Y likewise.
 * Key row j < P is past_key's, j >= P is K's row j - P (T = P + Skv keys).
 * Mask element (b, h, i, j) is at b * m[0] + h * m[1] + i * m[2] + j * m[3],
 * 0 along an axis it broadcasts on. Query head h reads key head h / (qH / kvH).
 */
typedef struct {
    int64_t B, qH, kvH, Sq, Skv, P, T, hd, vhd;
    int64_t q[3], k[3], v[3], y[3], pk[3], pv[3], m[4];
    int mask;            /* 0 none, 1 bool (a constant), 2 float */
    int causal;          /* key j > i + P excluded */
    double scale, softcap; /* softcap 0: none */
    int qk_mode;         /* qk_matmul_output: 0 the scaled Q K^T, 3 the softmax */
    int out_pk, out_pv, out_qk; /* which optional outputs are named */
} AttnShape;
void attn_shape(const Graph *g, const Node *n, AttnShape *a);
void shape_attention(Graph *g, Node *n);
/* RotaryEmbedding: X [B,H,S,D] or [B,S,H*D], element d of position s of head h of batch b
 * at b * x[0] + h * x[1] + s * x[2] + d; the first rd of D rotated in pairs (k, k + rd/2), or
 * (2k, 2k + 1) interleaved, by cos and sin row b * S + s, or position_ids' value there. */
typedef struct {
    int64_t B, H, S, D, rd, x[3];
    int interleaved;
    const int64_t *pos; /* position_ids (a constant), or NULL */
} RotaryShape;
void rotary_shape(const Graph *g, const Node *n, RotaryShape *r);
void shape_rotary(Graph *g, Node *n);

/* ===== interp_attn.c: their reference ===== */

void interp_attention(Graph *g, const Node *n, void **vals);
void interp_rotary(Graph *g, const Node *n, void **vals);

/* ===== shape_3d.c: Conv, ConvTranspose, MaxPool, AveragePool on 5-D inputs ===== */

/* Their window along depth, height and width (index 0, 1, 2), as Window's. */
typedef struct {
    int64_t batch, c, m, group;
    int64_t in[3], out[3], k[3], s[3], d[3], pb[3], pe[3];
} Window3;
OpKind op_3d(const Graph *g, const Node *n); /* the 3-D op of a node with a 5-D input, else its op */
void window_3d(const Graph *g, const Node *n, Window3 *w);
void shape_conv3d(Graph *g, Node *n);
void shape_convtranspose3d(Graph *g, Node *n);
void shape_pool3d(Graph *g, Node *n);

/* ===== interp_3d.c: their reference ===== */

void interp_conv3d(Graph *g, const Node *n, void **vals);
void interp_convtranspose3d(Graph *g, const Node *n, void **vals);
void interp_pool3d(Graph *g, const Node *n, void **vals);

/* ===== shape_img.c: GridSample and DFT ===== */

enum { GRID_LINEAR, GRID_NEAREST, GRID_CUBIC };
enum { GRID_ZEROS, GRID_BORDER, GRID_REFLECT };
/* GridSample on X [N,C,H,W] through grid [N,Ho,Wo,2]. */
typedef struct {
    int mode, pad, align;
    int64_t N, C, H, W, Ho, Wo;
} GridParams;
void grid_params(const Graph *g, const Node *n, GridParams *p);
void shape_gridsample(Graph *g, Node *n);
/* DFT along 'axis': element (o, j, i, c) of X at ((o * x_axis + j) * inner + i) * (1 + complex_in) + c,
 * j < n_in of x_axis read (dft_length len); Y (o, k, i, re/im) likewise with k < n_out. */
typedef struct {
    int axis, complex_in, inverse, onesided;
    int64_t len, n_in, n_out, x_axis, outer, inner;
} DftParams;
void dft_params(const Graph *g, const Node *n, DftParams *p);
void shape_dft(Graph *g, Node *n);
/* A MaxPool with a named Indices output (1-D, 2-D) becomes OP_MAXPOOLIDX; else n's op. */
OpKind op_img(const Graph *g, const Node *n);
/* The ops of these files that write their integer tensors themselves (emit_img.c, not emit_typed). */
int img_op_typed(OpKind op);
/* Its window; returns storage_order (1: Indices count column-major, h fastest). */
int maxpoolidx_window(Graph *g, const Node *n, Window *w);
void shape_maxpoolidx(Graph *g, Node *n);
void shape_maxunpool(Graph *g, Node *n);
/* RoiAlign on X [N,C,H,W]: R rois to [R,C,oh,ow]. */
typedef struct {
    int half_pixel, max;
    int64_t N, C, H, W, R, oh, ow, ratio;
    float scale;
} RoiParams;
void roialign_params(const Graph *g, const Node *n, RoiParams *p);
void shape_roialign(Graph *g, Node *n);

/* ===== interp_img.c: their reference ===== */

void interp_gridsample(Graph *g, const Node *n, void **vals);
void interp_dft(Graph *g, const Node *n, void **vals);
void interp_maxpoolidx(Graph *g, const Node *n, void **vals);
void interp_maxunpool(Graph *g, const Node *n, void **vals);
void interp_roialign(Graph *g, const Node *n, void **vals);
/* ===== shape_index.c: GatherND, ScatterND, OneHot, TopK, EyeLike, ReverseSequence, BitShift ===== */

/* GatherND's (and ScatterND's, b = 0) layout: index tuples of m coordinates, each
 * picking a slice of 'slice' elements; per batch (of b axes) 'tuples' tuples, and
 * coordinate i at stride[i] of a batch's batch_size elements of data. */
typedef struct {
    int b;
    int64_t m, batch, tuples, slice, batch_size, dim[TC_MAX_RANK], stride[TC_MAX_RANK];
} GatherNDShape;
void gathernd_layout(const Graph *g, const Node *n, GatherNDShape *s);
int64_t topk_k(Graph *g, Node *n); /* TopK's k, a constant */
void shape_gathernd(Graph *g, Node *n);
void shape_scatternd(Graph *g, Node *n);
void shape_onehot(Graph *g, Node *n);
void shape_topk(Graph *g, Node *n);
void shape_eyelike(Graph *g, Node *n);
void shape_reverseseq(Graph *g, Node *n);
void shape_bitshift(Graph *g, Node *n);

/* ===== interp_index.c: their reference (and integer MaxPool, Mod with fmod) ===== */

void interp_index(Graph *g, const Node *n, void **vals);
void interp_maxpool_int(Graph *g, const Node *n, void **vals);
void interp_pad_int(Graph *g, const Node *n, void **vals);
/* Pad's value for an integer or bool input: constant_value (input 2), else 0 (or the
 * opset < 11 attribute 'value', truncated). */
int64_t pad_value_int(const Graph *g, const Node *n);

/* ===== shape_text.c: TfIdfVectorizer ===== */

/* A TfIdfVectorizer, checked: the n-grams of a length in min_n..max_n, n-gram k of len[k]
 * tokens tok[start[k]..] counted into output coordinate slot[k] of each of 'rows' rows of
 * 'cols' tokens, skips 0..skips between its tokens (1-grams: once); then the mode. */
enum { TFIDF_TF, TFIDF_IDF, TFIDF_TFIDF };
typedef struct {
    int mode;
    int64_t min_n, max_n, skips, rows, cols, width, grams;
    int64_t *len, *start, *slot;
    const int64_t *tok;
    const float *w; /* weight of output coordinate j (width of them), or NULL: 1 */
} TfIdf;
void tfidf_params(const Graph *g, const Node *n, TfIdf *p);
void shape_tfidf(Graph *g, Node *n);
/* einsum.c: Einsum's shape and reference (its C: emit_einsum) */
void shape_einsum(Graph *g, Node *n);
void interp_einsum(Graph *g, const Node *n, void **vals);
/* cumsum.c: CumSum's shape and reference (its C: emit_cumsum, float or integer) */
void shape_cumsum(Graph *g, Node *n);
void interp_cumsum(Graph *g, const Node *n, void **vals);

/* ===== interp_text.c: its reference ===== */

void interp_tfidf(Graph *g, const Node *n, void **vals);

/* ===== interp.c: the reference interpreter ===== */

/* Flat index into x of output position o, x broadcast (numpy rules) to y. */
int64_t interp_bcast(const Tensor *x, const Tensor *y, int64_t o);
/* Evaluates n: vals[id] is the data (float * or int64_t *) of tensor id;
 * the inputs' must be set; allocates the outputs' in g->a and sets them. */
void interp_node(Graph *g, const Node *n, void **vals);
/* Runs the live graph on inputs (one float array per graph input) and
 * copies the graph outputs into outputs. */
void interp_run(Graph *g, float *const *inputs, float **outputs);
/* The formula of an elementwise activation, as the reference computes it. */
float interp_act(OpKind op, float alpha, float x);
/* Pow by a constant scalar exponent c in {0, ±1, ±2, ±3, ±4, ±0.5}: computed
 * in float by the formulas the emitted C uses (emit_ops.c pow_by_const). */
int interp_pow_is_small(float c);
/* Integer Pow: b^e wrapping in 64 bits; e < 0: the integer part of 1 / b^-e (0 for b = 0). */
int64_t interp_ipow(int64_t b, int64_t e);
float interp_pow_small(float v, float c);

/* ===== interp_types.c: integer and bool graph inputs and outputs of the interpreter ===== */

/* Bytes of one element of t as a graph input or output: 4 for float, else its ONNX type's size. */
size_t ir_elem_bytes(const Tensor *t);
/* A graph input's raw little-endian values of its type, as the int64 values the interpreter
 * computes with; interp_raw_out writes them back as raw values of t's type. interp_run takes
 * integer and bool inputs and outputs this way (its float pointers then point to raw bytes). */
int64_t *interp_raw_in(Graph *g, const Tensor *t, const void *raw);
void interp_raw_out(const Tensor *t, const int64_t *v, void *raw);
/* Float16 and bfloat16 bits <-> float: exact one way, round to nearest even the other (NaN
 * stays NaN, overflow gives infinity); et_round rounds v to type et's precision (float16,
 * bfloat16; any other type: v itself). As the generated code's tc_f16_* and tc_bf16_*. */
float f16_to_float(uint16_t h);
uint16_t float_to_f16(float f);
float bf16_to_float(uint16_t h);
uint16_t float_to_bf16(float f);
float et_round(int et, float v);
float f64_to_float(double d); /* to nearest even from the bits, as tc_f64_to_f32 */
/* The element type of graph input or output id at the interface: ET_DOUBLE, ET_FLOAT16 or
 * ET_BFLOAT16 for a float tensor of those types (converted to float on entry, from float on
 * exit: io_converted), else tensor_etype. Refuses one declared so that computes integers. */
int io_etype(const Graph *g, TensorId id);
int io_converted(const Graph *g, TensorId id);
/* A graph input's raw values of a converted type as float, and float values back to them. */
float *interp_raw_in_float(Graph *g, const Tensor *t, const void *raw);
void interp_raw_out_float(const Tensor *t, const float *v, void *raw);
/* --summary's note on the precision of converted inputs and outputs (none: nothing). */
void print_io_precision(const Graph *g, FILE *f);
/* uint64 lives in int64 bits: interp_iord maps a value of type et to an int64 of the same
 * order (uint64's sign bit flipped; every other type as it is), interp_idbl to its value as
 * a double (C's conversion), interp_iwrap wraps t's values into t's type (as the C does after
 * every operation: int16 40000 is -25536). */
int64_t interp_iord(int et, int64_t v);
double interp_idbl(int et, int64_t v);
void interp_iwrap(const Tensor *t, int64_t *v);
/* b^e in wrapping 64-bit integers for an unsigned 64-bit exponent (interp_ipow for the others). */
int64_t interp_upow(int64_t b, uint64_t e);

/* ===== fold.c: constant folding ===== */

int fold_constants(Graph *g); /* returns the number of nodes folded */
int fold_node(Graph *g, Node *n);

/* ===== bnfold.c: batch-norm folding ===== */

/* Folds BatchNormalization into the Conv or Gemm before it; returns the count. */
int fold_batchnorm(Graph *g);

/* ===== dce.c: dead-node removal ===== */

int remove_dead(Graph *g);

/* ===== fuse.c: activation fusion ===== */

int fuse_activations(Graph *g);

/* ===== fuse_elem.c: SiLU, GELU and LayerNorm primitives as one node ===== */

/* Rewrites exact patterns to Swish, Gelu, LayerNormalization; returns how many. */
int fuse_elementwise(Graph *g);

/* ===== plan.c: static memory planning ===== */

void plan_memory(Graph *g);

/* ===== strategy.c: the code form of each layer, and the cost models ===== */

/* A layer with constant weights (Gemm, MatMul, Conv) as a matrix: y[rows][N] =
 * x[rows][K] W^T + b. A Conv's N are its output channels, K the taps of one
 * (input channels per group x kernel), rows its output positions. */
typedef struct {
    int64_t rows, K, N, nnz;
    const float *w;     /* N x K, neuron-major (Gemm's alpha folded in) */
    const char *wname;  /* the weight tensor's name: sanitised (Gemm, MatMul), as in the model (Conv) */
    int64_t kept_rows;  /* rows of W with a weight kept */
    int border;         /* Conv: some output positions read padding */
} LayerWeights;
/* Fills L for a node with constant weights; 0 for any other node. */
int layer_weights(const Graph *g, const Node *n, LayerWeights *L);

/* A Gemm/MatMul with constant weights as the emitter writes it. */
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
int linear_layer(const Graph *g, const Node *n, Linear *L);
/* Whether tensor t is often exactly 0 at run time (after a ReLU, through
 * max-pooling and reshapes, or a model input). */
int zero_often(const Graph *g, TensorId t);
int conv_skips_zeros(const Graph *g, const Node *n); /* dense Conv skips taps whose inputs are 0 */

/* Conv output positions whose window lies inside the input along axis a: [lo, hi). */
void conv_interior(const Window *w, int a, int64_t *lo, int64_t *hi);
/* The zero-padded copy of one batch item's input that an unrolled Conv with
 * border positions reads instead of its input: C planes of hp x wp floats, the
 * input at row pt, column pl. conv_pad_floats: its floats, 0 when n needs none
 * (not such a Conv, no weight kept, or planned in another form). */
typedef struct {
    int64_t c, hp, wp, pt, pl;
} ConvPad;
int64_t conv_pad(const Graph *g, const Node *n, ConvPad *p);
int64_t conv_pad_floats(const Graph *g, const Node *n);
/* emit_conv_sparse.c's form: where it applies (one stride for both axes, no
 * dilation, one group, constant weights, host), its blocks of MB channels (the
 * taps listed in all) and the floats of the phase-plane copy it reads (padded
 * or strided: n's scratch block, else 0) */
enum { SP_MAX_Q = 16384 }; /* flat positions at most, and a block's outputs on the stack (MB * Q floats, else tiles of rows) */
int conv_sparse_applies(const Graph *g, const Node *n);
int conv_sparse_mb(const Graph *g, const Node *n);
int64_t conv_sparse_bytes(const Graph *g, const Node *n);
int64_t conv_sparse_copy_floats(const Graph *g, const Node *n);
int conv_wino_applies(const Graph *g, const Node *n); /* emit_conv_wino.c */
int64_t conv_wino_bytes(const Graph *g, const Node *n);
int64_t conv_sparse_blocks(Arena *a, const float *wt, int64_t M, int64_t K, int64_t MB, int64_t *perm);

/* Per layer with constant weights, the strategy emit_c will use: the requested
 * one, or with auto the fastest for the target, then the smallest where the
 * estimated total must fit budget bytes (0: no budget). Sets g->target. */
void plan_strategies(Graph *g, Strategy requested, int64_t budget, Target target);
/* The strategy of a layer: planned, or (before planning) what auto would
 * choose for g->target; STRAT_AUTO if n has no constant weights. */
Strategy node_strategy(const Graph *g, const Node *n, Strategy requested);
/* The rule plan_strategies applies to an N x K Gemm/MatMul with nnz kept weights. */
Strategy emit_choose(Strategy requested, int64_t N, int64_t K, int64_t nnz, Target target);
/* Estimated bytes of code and constants of an N x K layer with nnz kept weights (host). */
int64_t strategy_bytes(Strategy s, int64_t N, int64_t K, int64_t nnz);
const char *strategy_name(Strategy s);

/* What --summary and --report show of one node. */
typedef struct {
    LayerWeights L;
    int64_t total;       /* N * K */
    int64_t macs, skipped; /* multiply-adds per inference run and skipped */
    Strategy strategy;
    int64_t bytes;       /* estimated bytes of code and constants, for g->target */
    int64_t m4_flash;    /* estimated Cortex-M4 -Os flash, what make arm-size measures */
} LayerStats;
/* Fills s for any live node; returns 1 when it has constant weights (then every field is set). */
int layer_stats(const Graph *g, const Node *n, LayerStats *s);
/* Estimated Cortex-M4 RAM: the arena and the stack of <prefix>_run. */
int64_t m4_ram(const Graph *g);

/* ===== compile_cost.c: what the generated C costs the C compiler ===== */

/* cc -O2 CPU seconds and peak megabytes (estimated, on the high side). */
typedef struct {
    double seconds, mb;
} CompileCost;
/* The limits: above either, auto takes compile-cheaper forms and a forced
 * strategy is refused unless --allow-slow-compile. */
#define COMPILE_LIMIT_S 60.0
#define COMPILE_LIMIT_MB 2048.0
/* auto's own target on the host, below the limits: a file's estimate within
 * COMPILE_SOFT_S_PER_KEPT seconds per kept weight (10 s per 100k), or within
 * COMPILE_SOFT_MIN_S whatever its size (small files stay as fast as they run),
 * and within COMPILE_SOFT_MAX_S (at -O3 -march=native gcc takes about twice
 * as long: ResNet-18 at 10%, 1.17M kept, within 2 minutes there);
 * over it, unrolled Convs take their tap tables (emit_conv_table.c). */
#define COMPILE_SOFT_S_PER_KEPT 10e-5
#define COMPILE_SOFT_MIN_S 5.0
#define COMPILE_SOFT_MAX_S 30.0
CompileCost compile_cost_base(void);  /* cc itself */
CompileCost compile_cost_node(void);  /* a node without weights */
/* A layer with weights L (a Conv when conv) written in form s. */
CompileCost compile_cost_layer(int conv, const LayerWeights *L, Strategy s);
int compile_cost_over(CompileCost c);

/* strategy.c: the estimate of the whole file as planned; *worst (may be NULL)
 * the node with weights that costs the most time, or NULL. */
CompileCost compile_estimate(const Graph *g, const Node **worst, CompileCost *worst_cost);
/* With auto, turns the unrolled layers that cost the most compile time into
 * their compile-cheaper form (loop; a Conv: its tap tables on the host, dense on
 * Cortex-M) until the file is within the limits (on the host, Convs until within
 * the soft target too). */
void plan_compile_cost(Graph *g, Strategy requested);
/* Refuses (fatal) a file over the limits unless allow (--allow-slow-compile). */
void check_compile_cost(const Graph *g, Strategy requested, int allow);

/* ===== emit.c and emit_*.c: the C back end ===== */

typedef struct {
    const char *prefix;
    const char *header_name;  /* file name of the .h, for the comment */
    const char *options;      /* command line as given, for the header */
    Strategy strategy;        /* as requested; plan_strategies has chosen per layer */
    int with_main;
    int profile;              /* --profile: time each node (hosted clocks) */
    int max_terms;            /* terms per generated function */
    int partial_sums;         /* accumulators per neuron */
    int annotate;             /* comment each term with the weight it comes from */
    int no_fma;               /* never TC_FMA: a multiply and an add everywhere */
    const char *weights_section; /* --weights-section: ELF section of weight tables, or NULL */
    int arena_caller;         /* --arena caller: <prefix>_run takes the arena as its last argument */
    const char *arena_section; /* --arena-section: ELF section of the static arena, or NULL */
    int io_int8;              /* --io int8: a quantised graph's inputs and outputs are int8 */
} EmitOptions;

/* The C file and its header; on g->target cortex-m, unrolled layers stream their weights. */
void emit_c(Graph *g, const EmitOptions *opt, Buf *c, Buf *h);

/* ===== verify.c: --verify ===== */

/* Compiles c (a file with the --main driver) with $CC, runs it on the raw float32 samples
 * (NULL: a fixed pseudo-random set) and the interpreter, prints the differences; 1 if any
 * value is beyond tol. */
int verify_c(Graph *g, const Buf *c, const char *samples, double tol, size_t max_bytes);
/* ===== quant.c, interp_int.c, emit_int.c: int8 tickets (issue 16) ===== */

/* An int8 activation: x = scale * (q - zp). */
typedef struct {
    float scale;
    int32_t zp;
    int32_t inv_m;      /* 1 / scale = inv_m * 2^(inv_s - 31), for quantising graph inputs */
    int inv_s;
} QParam;

/* One Gemm/MatMul in integers: y[r][n] = clamp(zp_out + rq_n(b[n] + sum_k w[n][k] x[r][k]), lo, hi),
 * rq_n the TFLite requantisation by mult[n], shift[n] (interp_int.c). */
typedef struct {
    int64_t rows, K, N, nnz; /* nnz: weights nonzero after rounding */
    int8_t *w;               /* N x K */
    int32_t *b;              /* N: the bias at in.scale * w_scale[n], -zp_in * sum_k w[n][k] folded in */
    int32_t *mult;           /* N: in.scale * w_scale[n] / out.scale = mult * 2^(shift - 31) */
    int8_t *shift;
    float *w_scale;          /* N */
    QParam in, out;
    int32_t lo, hi;          /* saturation bounds, ReLU fused */
    int64_t zeroed;          /* kept weights that rounded to 0 */
    Strategy strategy;       /* planned by plan_int_strategies */
    int conv;                /* a Conv: rows are output positions, K = C x kh x kw (group 1) */
    Window win;
    float *in_nz;            /* K (one row, --calibrate): fraction of the samples where input k is not 0, or NULL */
    int by_input;            /* unrolled input by input, zero inputs skipped (plan_int_strategies, cortex-m) */
    int stream;              /* unrolled by rows, the weights streamed from a table of int16 pairs (cortex-m) */
} QLayer;

typedef struct QuantPlan {
    QParam *t;          /* per tensor: the int8 parameters of every computed float tensor */
    QLayer **layer;     /* per node: its integer layer, or NULL */
    int8_t **lut;       /* per node: y = lut[x + 128], a quantized model's table node, or NULL */
    char *island;       /* per node: a quantized model's float island node (quant.c), or NULL */
    char *flt;          /* per tensor: a float value of an island (no int8 form), or NULL */
    int64_t islands;    /* float island nodes */
    /* per node (quant_error): |dequantised int8 output - float output| over the
     * calibration samples, in steps of the output scale: largest and root mean square */
    double *err_max, *err_rms;
    int64_t err_samples;
    int64_t samples;    /* calibration samples */
} QuantPlan;

/* Calibrates on the raw float32 samples in file calib (as --main reads them)
 * and sets g->quant; fatal on a node the integer path does not compute. */
void quantize_graph(Graph *g, const char *calib, size_t max_bytes);
/* --calibrate without --quantize: g->zero_frac from the samples in file calib (quant.c). */
void calibrate_zeros(Graph *g, const char *calib, size_t max_bytes);
/* The integer model on float inputs: quantise, integer layers, dequantise (bit-exact oracle). */
void interp_int_run(Graph *g, float *const *inputs, float **outputs);
/* The same, returning every tensor's int8 values (NULL for float island values). */
int8_t **interp_int_values(Graph *g, float *const *inputs, float **outputs);
/* qerror.c: --summary/--report with --quantize --calibrate: per integer layer, the int8
 * output against the float model's on the calibration samples (QuantPlan.err_*). */
void quant_error(Graph *g, const char *calib, size_t max_bytes);
/* TFLite's requantisation of an int32 accumulator (the formula in interp_int.c). */
int32_t interp_int_requant(int32_t acc, int32_t mult, int shift);
/* x -> clamp(zp + round(x / scale), -128, 127) on the bits of x, in integers (formula in interp_int.c). */
int32_t interp_int_quantize(float x, QParam q);
/* strategy.c: the form of each integer layer (same rules of requested/auto/budget/target as float). */
void plan_int_strategies(Graph *g, Strategy requested, int64_t budget, Target target);
/* The loop form's (step, weight) pairs of an integer layer; *max_row: most pairs of one channel. */
int64_t int_loop_pairs(const QLayer *q, int64_t *max_row);
/* Estimated Cortex-M4 -Os bytes of an integer layer in form s (code, weights, parameters). */
int64_t int_layer_bytes(const QLayer *q, Strategy s);
/* A quantized model's float island (quant.c): y = (float)(q - zp) * s, and
 * q = saturate(round_half_even(y / s) + zp) in float32 without libm, as the
 * generated code computes them (bit for bit). */
float interp_int_dequantize(int32_t q, QParam p);
int32_t interp_int_quantize_spec(float y, QParam p);
/* The C file and header of a quantised graph. */
void emit_int_c(Graph *g, const EmitOptions *opt, Buf *c, Buf *h);
void print_int_summary(const Graph *g, FILE *f);
/* A quantized ONNX model (g->qdq): the QuantPlan from the file's parameters, no calibration. */
void quantize_qdq(Graph *g);

/* ===== qdq.c: quantized ONNX in (QuantizeLinear/DequantizeLinear, QLinearConv, QLinearMatMul) ===== */

/* The quantized operators: not in ops.h, since no pass sees them. The ONNX front end
 * makes nodes of these kinds and qdq_rewrite replaces every one before it returns. */
enum { OP_QUANTIZELINEAR = OP_COUNT + 1, OP_DEQUANTIZELINEAR, OP_QLINEARCONV, OP_QLINEARMATMUL,
       OP_MATMULINTEGER, OP_CONVINTEGER, OP_QDQ_END };
int qdq_lookup(const char *onnx_name); /* one of the kinds above, or -1 */
const char *qdq_name(int op);           /* the ONNX name of one of those kinds */

/* What a quantized model's file fixes: every value below is the file's. */
typedef struct QdqInfo {
    uint32_t nt;        /* tensors when qdq_rewrite ran (later ones have nothing here) */
    char *act;          /* per tensor: an int8 activation with the file's scale and zero point */
    float *scale;
    int32_t *zp;        /* as int8: a uint8 zero point minus 128 */
    const char **by;    /* the node that fixed it, for messages */
    /* per constant made by a DequantizeLinear: its integers x - zp and scales */
    int64_t **wq;
    float **ws;
    int64_t *wn;        /* scales: 1 (per tensor) or the length of axis waxis */
    int *waxis;
    char *io;           /* per graph input/output tensor: 0 float, 1 int8, 2 uint8 */
    char *clamp;        /* per tensor: made by a Clip of integers (then an Identity), bounds below (int8) */
    int32_t *clamp_lo, *clamp_hi;
    int int_io;         /* inputs and outputs are integers in the model (all of them) */
    int64_t nodes;      /* quantized operators read */
    /* the graph as read, before the rewrite: what --emit-dsl writes (dsl_write.c) */
    Tensor *orig_t;
    Node *orig_n;
    uint32_t orig_nt;
    int orig_nn;
} QdqInfo;
/* Rewrites a loaded ONNX graph's quantized operators into the integer IR: the
 * activations' QuantizeLinear/DequantizeLinear become Identity views whose tensors
 * carry the file's parameters; DequantizeLinear of constant integers becomes a
 * float constant remembered with its integers and scales; QLinearConv/QLinearMatMul
 * become Conv/MatMul over such constants. Fatal (naming the node) on bad parameters
 * and on what the integer path cannot take. Sets g->qdq when there was any. */
void qdq_rewrite(Graph *g);

/* ===== qops.c, emit_qops.c: quantisation ops with run-time parameters ===== */

/* Called first by qdq_rewrite: when some quantized operator has a scale, zero point or
 * weight that is not a constant (or is MatMulInteger, ConvInteger, DynamicQuantizeLinear),
 * every quantized operator of the graph becomes its ordinary run-time op (OP_RTQ_*), int8
 * and uint8 graph inputs integer tensors, and it returns 1 (the integer path is not used);
 * else 0 and nothing changes. */
int qops_runtime(Graph *g);
void shape_qops(Graph *g, Node *n);
void interp_qops(Graph *g, const Node *n, void **vals);

/* ===== report.c: --report, one self-contained HTML page ===== */

void write_report(Graph *g, const EmitOptions *eo, Buf *html);

/* ===== summary.c: per-layer report ===== */

void print_summary(const Graph *g, FILE *f);
/* An int8 model's quantisation error (when measured) and float islands, after
 * print_int_summary's layer table. */
void print_int_details(const Graph *g, FILE *f);

/* ===== sha256.c ===== */

void sha256_hex(const void *data, size_t len, char out[65]);

/* ===== runtime_src (generated from runtime/tc_math.c) ===== */

extern const char tc_runtime_math[];
extern const char tc_runtime_preamble[]; /* generated from runtime/tc_preamble.c */

/* ===== mask.c / npy.c: pruning masks ===== */

/* npy.c: NumPy .npy arrays and .npz archives (stored, not compressed) */
typedef struct {
    char *name;         /* mask name: the file or member name without ".npy" (NULL from npy_parse) */
    int rank;
    int64_t dims[TC_MAX_RANK];
    float *v;           /* values converted to float */
} NpyArray;

/* The header of one .npy image, checked against its length (fatal on any malformation,
 * messages at the current diag file): element kind 'f', 'i', 'u' or 'b', item size, shape. */
typedef struct {
    char kind;
    size_t size;
    int rank;
    int64_t dims[TC_MAX_RANK];
    size_t numel;
    const uint8_t *data; /* numel little-endian items */
} NpyHeader;
void npy_header(const void *data, size_t len, NpyHeader *h, Arena *a);
/* Item i of an integer or bool array, exactly. */
int64_t npy_int(const NpyHeader *h, size_t i);
/* Parses one .npy image held in memory; 'what' names it in messages (fatal on any malformation). */
void npy_parse(const void *data, size_t len, const char *what, NpyArray *out, Arena *a);
/* Parses every member "<name>.npy" of an .npz image held in memory; returns the count, *out
 * allocated in a; 'what' names it in messages. Fatal when a name is listed twice or the
 * members' floats would take more than max_bytes. */
int npz_parse(const void *data, size_t len, const char *what, NpyArray **out, Arena *a, size_t max_bytes);
/* Converts count little-endian elements of numpy kind 'f' (size 2, 4, 8), 'i', 'u' (1, 2, 4, 8)
 * or 'b' (1; nonzero is 1) to float. */
void npy_decode(const void *src, size_t count, char kind, size_t size, float *dst);

/* mask.c */
/* Loads masks from path (directory of .npy, .npz, or .onnx) and multiplies each into the
 * initializer of the same name. With check_only, changes nothing: prints per mask
 * "<name>: <kept> of <total> kept by the mask, <k> nonzero where pruned" to stdout and
 * exits 1 (fatal) if any k > 0. Must run right after onnx_load (before infer_shapes). */
void apply_masks(Graph *g, const char *path, int check_only, size_t max_bytes);
/* Zeroes the given fraction (0..1) of the smallest-magnitude weights of every Gemm/MatMul
 * constant weight matrix (input B), layer by layer, ties broken by index; prints a warning
 * that accuracy was not retrained. Run after constant folding (so prune-format weights are
 * constants by then). Returns the number of weights zeroed. */
int64_t prune_magnitude(Graph *g, double fraction);
/* One tensor's share of it: zeroes the round(fraction * n) of smallest magnitude of w[0..n)
 * (NaN the largest, ties by index); returns how many of them were nonzero. The DSL's prune(). */
int64_t prune_weights(float *w, int64_t n, double fraction, Arena *a);

#endif
