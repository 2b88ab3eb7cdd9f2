/*
 * emit_ops18.c - the C of the ops that opsets 18-23 exporters use beside the
 * older ones: CastLike, and the classes that are computed only when their
 * inputs are constants (comparisons, logic, Where, Range: folded at compile
 * time, refused here when they are left for run time).
 */
#include "emit.h"

/* Bool and integer tensors exist only at compile time. */
void emit_compare(Emit *e, const Node *n) { emit_only_const(e, n); }
void emit_logic(Emit *e, const Node *n) { emit_only_const(e, n); }
void emit_where(Emit *e, const Node *n) { emit_only_const(e, n); }
void emit_range(Emit *e, const Node *n) { emit_only_const(e, n); }

/* CastLike between float tensors: a copy; input 1 gives only the type. */
void emit_castlike(Emit *e, const Node *n)
{
    const Tensor *y = &e->g->t[n->out[0]];
    if (y->dtype != DT_FLOAT || e->g->t[n->in[0]].dtype != DT_FLOAT)
        node_error(e->g, n, "casts between float and integer tensors are supported only at compile time");
    emit_begin_fn(e, n, "", " -- float to float, a copy");
    emit_line(e, "int i;");
    emit_blank(e);
    if (!ir_is_const(&e->g->t[n->in[1]]))
        emit_line(e, "(void)x1; /* gives the type only */");
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)ir_numel(y));
    e->indent++;
    emit_line(e, "y[i] = %s[i];", emit_operand(e, n, 0));
    e->indent--;
    emit_end_fn(e);
}
