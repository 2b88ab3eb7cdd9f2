/*
 * emit.h - the internal header of the C back end, shared by its files:
 *   emit.c         file assembly: preamble, runtime, tables, node functions, <prefix>_run, main
 *   emit_frame.c   the Emit state's printer and node framing, used by every emit_<family>.c
 *   emit_linear.c  Gemm and MatMul (unrolled, weight streams, loop, dense; general products)
 *   emit_conv.c    Conv and the other spatial ops
 *   emit_conv_dense.c  Conv's dense form (register-blocked on the host)
 *   emit_conv_table.c  Conv's tap-table form (a sparse Conv cheap to compile)
 *   emit_ops.c     every other op
 *   emit_ops18.c   the ops of opsets 17-23 (normalisations, Mish, LpPool, Where, CastLike),
 *                  Gather at constant indices, and the classes folded at compile time only
 *   emit_attn.c    Attention and RotaryEmbedding (opset 23)
 *   emit_3d.c      Conv, ConvTranspose, MaxPool, AveragePool on 5-D inputs
 *   emit_dispatch.c  x86-64 run-time dispatch: AVX2 and AVX-512 copies of hot node functions
 * Nothing outside the back end includes it: the rest of ticketc sees emit_c()
 * and the strategy.c, text.c sections of ticketc.h.
 */
#ifndef EMIT_H
#define EMIT_H

#include "ticketc.h"

/*
 * The runtime's math functions (runtime/tc_math.c), one row each: the index
 * the emitter marks when a model needs one, and the block's name.
 */
#define TC_MATH_FNS(X)                                                                     \
    X(M_EXP, "tc_expf") X(M_LOG, "tc_logf") X(M_TANH, "tc_tanhf") X(M_SIGMOID, "tc_sigmoidf") \
    X(M_SQRT, "tc_sqrtf") X(M_FABS, "tc_fabsf") X(M_FLOOR, "tc_floorf") X(M_CEIL, "tc_ceilf")  \
    X(M_NEARBYINT, "tc_nearbyintf") X(M_ERF, "tc_erff") X(M_SIN, "tc_sinf") X(M_COS, "tc_cosf") \
    X(M_EXPM1, "tc_expm1f") X(M_SOFTPLUS, "tc_softplusf") X(M_POW, "tc_powf")                \
    X(M_ASIN, "tc_asinf") X(M_ACOS, "tc_acosf") X(M_ATAN, "tc_atanf") X(M_ASINH, "tc_asinhf") \
    X(M_ACOSH, "tc_acoshf") X(M_ATANH, "tc_atanhf") X(M_FMOD, "tc_fmodf") \
    X(M_MULSIG, "tc_mul_sigmoidf") X(M_GELU, "tc_geluf") X(M_CLAMP01, "tc_clamp01")      \
    X(M_I64F, "tc_i64f") X(M_U64F, "tc_u64f")

typedef enum {
#define X(id, name) id,
    TC_MATH_FNS(X)
#undef X
    M_COUNT
} MathFn;

/* The state of one emit_c: where lines go and what the file's preamble must define. */
typedef struct Emit {
    Graph *g;
    const EmitOptions *opt;
    Buf *out;      /* where emit_line writes */
    int indent;    /* nesting level of the next line */
    Buf consts;    /* static const tables */
    Buf fns;       /* node functions */
    Buf run;       /* body of <prefix>_run */
    char *emitted_const; /* per tensor: table already written */
    int need_math[M_COUNT]; /* runtime blocks, by MathFn */
    int used_fma;        /* TC_FMA appears in the code */
    int used_vec;        /* TC_VEC blocks appear in the code */
    int used_dvec;       /* TC_DVEC blocks (dense Gemm/MatMul) appear in the code */
    int used_vecx;       /* TC_VECX blocks (register-blocked Conv) appear in the code */
    int used_dispatch;   /* a node has AVX2 and AVX-512 copies (emit_dispatch.c) */
    int used_ld;         /* bit n-1: TC_LD<n> appears in the code (weight streams) */
    int used_int;        /* integer types appear in the code (<stdint.h>) */
    int used_half;       /* conversions: 1, 2 tc_f16_to_f32, tc_f32_to_f16; 4, 8 bf16; 16, 32 double (emit_types.c) */
    char *int_declared;  /* per tensor: its integer storage is declared (emit_types.c) */
    int ipow_written;    /* tc_ipow is in the file (emit_types.c) */
    int qround_written;  /* tc_qround is in the file (emit_qops.c) */
} Emit;

/* ===== emit_frame.c: the printer and node framing ===== */

/* A line at the current nesting level (4 spaces a level); preprocessor lines at the margin. */
void emit_line(Emit *e, const char *fmt, ...) TC_PRINTF(2, 3);
void emit_blank(Emit *e);
/* Where emit_line writes: constant tables, node functions, the body of <prefix>_run. */
void emit_to_consts(Emit *e);
void emit_to_fns(Emit *e);
void emit_to_run(Emit *e);
/* A float literal that reads back exactly; refuses NaN and infinity. */
const char *emit_lit(Emit *e, const Node *n, float v);
/* The values of a table, 8 literals a line, one level deeper than the current one. */
void emit_lit_rows(Emit *e, const Node *n, const float *v, int64_t count);
void emit_int_rows(Emit *e, const int64_t *v, int64_t count);
/* "TC_WEIGHTS " when weight tables go to a named section (--weights-section), else "". */
const char *emit_weights_attr(Emit *e);
/* Writes constant tensor id as a table once; returns its C name. */
const char *emit_const_table(Emit *e, const Node *n, TensorId id);
/* The C expression of a tensor's storage inside <prefix>_run. */
const char *emit_storage(Emit *e, const Node *n, TensorId id);
/* n<index>_<name>: the node function's name. */
const char *emit_fn_name(Emit *e, const Node *n);
/* The node function: parameters x<i> for run-time inputs, then y. */
void emit_begin_fn(Emit *e, const Node *n, const char *suffix, const char *what);
void emit_end_fn(Emit *e);
/* An input inside a node function: x<i>, or the name of its constant table. */
const char *emit_operand(Emit *e, const Node *n, int i);
/* Activation act (OP_COUNT: none) applied to C expression v. */
const char *emit_act(Emit *e, const Node *n, OpKind act, float alpha, const char *v);
/* Whether emit_act writes act as a function call (tc_sigmoidf, ...). */
int emit_act_is_call(OpKind act);
/* "(s0 + s1) + s2": the pairwise sum of the partial sums that t terms dealt round-robin
 * to P (1-4) of them filled. */
const char *emit_partials_sum(int64_t t, int P);

/* ===== emit_dispatch.c ===== */

/* Node n's functions, written to e->fns from start on: AVX-512 and AVX2 copies
 * under #if TC_DISPATCH where they are vector code of bounded size. */
void emit_dispatch(Emit *e, const Node *n, size_t start);

/* ===== emit.c: pieces the integer family (emit_int.c) shares ===== */

/* Block name of runtime/tc_preamble.c; the header comment; the --main test driver. */
void emit_preamble(Emit *e, const char *name);
void emit_header_comment(Emit *e);
/* The header's first lines (comment, include guard); the guard's name into guard. */
void emit_h_open(Emit *e, Buf *h, char *guard, size_t size);
struct Profile; /* --profile's tables (emit.c) */
void emit_main(Emit *e, const struct Profile *prof);

/* A float island's node function (as a float model's) and the math and preamble
 * blocks those functions used, for the integer family. */
void emit_float_node_fn(Emit *e, const Node *n);
void emit_float_support(Emit *e);

/* ===== emit_island.c: a quantized model's float islands, for emit_int.c ===== */

/* The int8 buffer of tensor id (declared by the callback), for the island's ends. */
typedef struct IslandBufs {
    void *ctx;
    const char *(*int8_buf)(void *ctx, TensorId id);
    int64_t float_bytes; /* static float buffers declared */
    char *deq;           /* per tensor: its float copy tc_f<id> declared (and filled) */
} IslandBufs;
/* Node n of a float island: dequantising its int8 inputs, its float function and call,
 * quantising its outputs (quant.c's QuantPlan.island). */
void emit_island_node(Emit *e, const Node *n, IslandBufs *b);
/* The float island helpers (tc_qf, tc_dqf), once in a file with islands. */
void emit_island_helpers(Emit *e);

/* ===== emit_conv_dense.c: Conv's dense form, called by emit_conv ===== */

void emit_conv_dense(Emit *e, const Node *n);

/* ===== emit_conv_table.c: a sparse Conv's tap tables (STRAT_LOOP on the host), called by emit_conv ===== */

/* 1 when written; 0 where the form does not apply (emit_conv writes the dense form) */
int emit_conv_table(Emit *e, const Node *n);
/* ===== emit_conv_sparse.c: register-blocked sparse Conv over flat positions (n->sparse_mb), called by emit_conv ===== */
int emit_conv_sparse(Emit *e, const Node *n);
/* ===== emit_conv_wino.c: Winograd F(4x4, 3x3) for 3x3/s1 Convs (n->wino), called by emit_c; 0 where it does not apply ===== */
int emit_conv_wino(Emit *e, const Node *n);
/* an L x L transpose of tc_dvf r0..r<L-1> by __builtin_shufflevector (t0, t1 declared by the caller) */
void emit_transpose_butterfly(Emit *e, int L);

/* ===== emit_int_conv.c: the integer Conv's unrolled and dense forms (emit_int.c's family) ===== */

/* Layer q of Conv n in its planned form (unrolled or dense); *ram grows by its static buffers. */
void emit_int_conv_fast(Emit *e, const Node *n, const QLayer *q, int64_t *ram, int64_t *ram_x86);
/* The vector macros those forms use, where g has such a layer. */
void emit_int_conv_preamble(const Graph *g, Buf *c);

/* ===== emit_types.c: integer and bool tensors at run time ===== */

/* The C type of tensor id's elements: float, int64_t, int32_t, int8_t, uint8_t,
 * unsigned char (bool); fatal, naming n, for any other ONNX element type. */
const char *emit_tensor_ctype(Emit *e, const Node *n, TensorId id);
/* An integer constant's table, written once under the name given. */
const char *emit_typed_table(Emit *e, const Node *n, TensorId id, const char *name);
/* The static array of an integer intermediate (root r), declared once. */
const char *emit_int_storage(Emit *e, const Node *n, TensorId r);
/* Whether n reads or writes an integer or bool tensor at run time (then emit_typed writes it). */
int emit_is_typed(const Graph *g, const Node *n);
void emit_typed(Emit *e, const Node *n);
/* emit_index.c: GatherND, ScatterND, OneHot, TopK, EyeLike, ReverseSequence, BitShift and
 * integer MaxPool for emit_typed; 0 when n is none of them. */
int emit_index_typed(Emit *e, const Node *n);
/* A graph input or output that is not float: the driver and header speak of its type. */
int emit_typed_io(const Graph *g);
/* Double, float16 and bfloat16 graph inputs and outputs (emit_types.c): their C type in the
 * API, the float buffer standing for them inside <prefix>_run (NULL for other types), the
 * helpers and buffers, the conversions on entry and exit; a Cast to float16 or bfloat16
 * (emit_cast_round: 1 when it wrote the node); v rounded to such a type's precision. */
const char *emit_io_ctype(Emit *e, TensorId id);
const char *emit_io_buffer(Emit *e, TensorId id);
void emit_io_prepare(Emit *e);
void emit_half_support(Emit *e);
void emit_io_entry(Emit *e);
void emit_io_exit(Emit *e);
int emit_cast_round(Emit *e, const Node *n);
const char *emit_round_expr(Emit *e, int et, const char *v);
/* emit.c: a graph input's array length in the --main driver (1 for one with no elements) */
int64_t emit_io_len(const Graph *g, TensorId id);
void emit_main_typed(Emit *e);
/* emit.c: the --main driver's argument check (-r N), usage with these redirections */
void emit_main_reps(Emit *e, const char *redirections);

/* ===== emit_<family>.c: one emit_<class> per op class of ops.h ===== */

void emit_only_const(Emit *e, const Node *n);
/* The index into operand t of output position (i0, ..., i<r-1>) of shape y, t broadcast to
 * it: "i0 * s0 + ...", axes where t has one value left out (emit_ops18.c). */
const char *emit_bcast_expr(Emit *e, const Tensor *t, const Tensor *y);
/* emit_img.c: Resize in mode cubic or tf_crop_and_resize (resize_taps) */
void emit_resize_taps(Emit *e, const Node *n);
/* emit_ops18.c: LayerNormalization with its Mean or InvStdDev output */
void emit_layernorm_stats(Emit *e, const Node *n);
#define emit_shapeof emit_only_const
#define emit_size emit_only_const
#define OP(id, name, cls) void emit_##cls(Emit *e, const Node *n);
OPS(OP)
#undef OP

#endif
