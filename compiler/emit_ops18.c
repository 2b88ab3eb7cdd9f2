/*
 * emit_ops18.c - the C of the ops that opsets 18-23 exporters use beside the
 * older ones: CastLike, and the classes that are computed only when their
 * inputs are constants (comparisons, logic, Where, Range: folded at compile
 * time, refused here when they are left for run time); Gather of a run-time
 * tensor at constant indices.
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

/* Gather of run-time data at constant indices: y[o][k][j] = x[o][idx[k]][j],
 * o over the axes before 'axis', j over those after. */
void emit_gather(Emit *e, const Node *n)
{
    Graph *g = e->g;
    const Tensor *x = &g->t[n->in[0]], *ix = &g->t[n->in[1]];
    int axis = (int)attr_int(n, "axis", 0), i;
    int64_t outer = 1, inner = 1, len, k, nidx = ir_numel(ix);
    const char *xn = emit_operand(e, n, 0);
    if (x->dtype != DT_FLOAT)
        node_error(g, n, "gathering from an integer tensor computed at run time is not supported");
    if (axis < 0)
        axis += x->rank;
    len = x->dims[axis];
    for (i = 0; i < axis; i++)
        outer *= x->dims[i];
    for (i = axis + 1; i < x->rank; i++)
        inner *= x->dims[i];
    emit_begin_fn(e, n, "", " -- constant indices");
    if (nidx == 1) { /* one slab per outer block */
        int64_t j = ix->i[0] < 0 ? ix->i[0] + len : ix->i[0];
        emit_line(e, "int o, j;");
        emit_blank(e);
        emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
        emit_line(e, "    for (j = 0; j < %lld; j++)", (long long)inner);
        emit_line(e, "        y[o * %lld + j] = %s[o * %lld + %lld + j];", (long long)inner, xn, (long long)(len * inner),
                  (long long)(j * inner));
    } else {
        int64_t *idx = arena_array(g->a, (size_t)nidx + 1, sizeof(int64_t));
        for (k = 0; k < nidx; k++)
            idx[k] = ix->i[k] < 0 ? ix->i[k] + len : ix->i[k];
        emit_line(e, "static const int idx[%lld] = {", (long long)nidx);
        emit_int_rows(e, idx, nidx);
        emit_line(e, "};");
        emit_line(e, "int o, k, j;");
        emit_blank(e);
        emit_line(e, "for (o = 0; o < %lld; o++)", (long long)outer);
        emit_line(e, "    for (k = 0; k < %lld; k++)", (long long)nidx);
        emit_line(e, "        for (j = 0; j < %lld; j++)", (long long)inner);
        emit_line(e, "            y[(o * %lld + k) * %lld + j] = %s[(o * %lld + idx[k]) * %lld + j];", (long long)nidx,
                  (long long)inner, xn, (long long)len, (long long)inner);
    }
    emit_end_fn(e);
}
