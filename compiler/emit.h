/*
 * emit.h - what the C back end's helpers in emit.c offer the back ends of
 * other files (emit_conv.c: the spatial ops). Internal to the emitter.
 */
#ifndef EMIT_H
#define EMIT_H

#include "ticketc.h"

typedef struct Emit Emit;

/* Text: a line at the current indentation; an empty line. */
void emit_line(Emit *e, const char *fmt, ...) TC_PRINTF(2, 3);
void emit_blank(Emit *e);
void emit_indent(Emit *e, int delta);
/* Where emit_line writes: node functions (the default in a node) or constant tables. */
void emit_to_consts(Emit *e);
void emit_to_fns(Emit *e);
Graph *emit_graph(Emit *e);
const EmitOptions *emit_options(Emit *e);
/* A float literal that reads back exactly; refuses NaN and infinity. */
const char *emit_lit(Emit *e, const Node *n, float v);
const char *emit_comment(Emit *e, const char *s);
const char *emit_num(Emit *e, int64_t v);
const char *emit_fn_name(Emit *e, const Node *n);
/* The node function: parameters x<i> for run-time inputs, then y. */
void emit_begin_fn(Emit *e, const Node *n, const char *suffix, const char *what);
void emit_end_fn(Emit *e);
/* An input inside a node function: x<i>, or the name of its constant table. */
const char *emit_operand(Emit *e, const Node *n, int i);
/* The node's fused activation applied to C expression v (v itself when none). */
const char *emit_act(Emit *e, const Node *n, const char *v);
/* "TC_WEIGHTS " when weight tables go to a named section (--weights-section), else "". */
const char *emit_weights_attr(Emit *e);
/* Copies runtime/tc_math.c's function name (tc_sqrtf, ...) into the output. */
void emit_need_math(Emit *e, const char *name);
/* "(s0 + s1) + s2": the pairwise sum of the partial sums that t terms dealt round-robin
 * to P (1-4) of them filled. */
const char *emit_partials_sum(int64_t t, int P);
/* The output uses the vector types tc_vf/tc_vfu (TC_VEC, TC_VW): defines them. */
void emit_need_vec(Emit *e);

/* emit_conv.c: one function per op class of the spatial ops */
void emit_conv(Emit *e, const Node *n);
void emit_convtranspose(Emit *e, const Node *n);
void emit_pool(Emit *e, const Node *n);
void emit_globalpool(Emit *e, const Node *n);
void emit_batchnorm(Emit *e, const Node *n);
void emit_instancenorm(Emit *e, const Node *n);
void emit_layernorm(Emit *e, const Node *n);
void emit_pad(Emit *e, const Node *n);
void emit_resize(Emit *e, const Node *n);
void emit_depthspace(Emit *e, const Node *n);
/* Weights of a Conv with constant weights, like emit_layer_weights. */
int emit_conv_weights(const Graph *g, const Node *n, int64_t *nnz, int64_t *total, int64_t *rows);

#endif
