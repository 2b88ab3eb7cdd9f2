/* unit.h - helpers shared by the Check unit tests: small graphs by hand. */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ticketc.h"

/* A tensor with a shape and, when data is given, constant contents. */
static inline TensorId u_tensor(Graph *g, const char *name, int rank, const int64_t *dims, const float *data)
{
    TensorId id = ir_new_tensor(g, name);
    Tensor *t = &g->t[id];
    ir_set_dims(t, rank, dims);
    if (data) {
        t->f = arena_array(g->a, (size_t)ir_numel(t) + 1, sizeof(float));
        memcpy(t->f, data, (size_t)ir_numel(t) * sizeof(float));
    }
    return id;
}

static inline TensorId u_input(Graph *g, const char *name, int rank, const int64_t *dims)
{
    TensorId id = u_tensor(g, name, rank, dims, NULL);
    if (!g->inputs)
        g->inputs = arena_array(g->a, 16, sizeof(TensorId));
    g->t[id].input_index = g->n_inputs;
    g->inputs[g->n_inputs++] = id;
    return id;
}

static inline void u_output(Graph *g, TensorId id)
{
    if (!g->outputs)
        g->outputs = arena_array(g->a, 16, sizeof(TensorId));
    g->t[id].output_index = g->n_outputs;
    g->outputs[g->n_outputs++] = id;
}

/* A node with inputs in[] and one new output tensor named out. */
static inline Node *u_node(Graph *g, OpKind op, const TensorId *in, int n_in, const char *out)
{
    Node *n = ir_node(g, op, out, n_in, 1);
    int i;
    for (i = 0; i < n_in; i++)
        n->in[i] = in[i];
    n->out[0] = ir_new_tensor(g, out);
    g->t[n->out[0]].producer = (int)(n - g->n);
    return n;
}

/* A new attribute of n (the others kept), filled in by the caller. */
static inline Attr *u_attr(Graph *g, Node *n, const char *name, AttrKind kind)
{
    Attr *at = arena_array(g->a, (size_t)n->n_attrs + 1, sizeof(Attr));
    if (n->n_attrs)
        memcpy(at, n->attrs, (size_t)n->n_attrs * sizeof(Attr));
    at[n->n_attrs].name = arena_strdup(g->a, name);
    at[n->n_attrs].kind = kind;
    n->attrs = at;
    return &at[n->n_attrs++];
}

static inline void u_attr_int(Graph *g, Node *n, const char *name, int64_t v)
{
    u_attr(g, n, name, AT_INT)->i = v;
}

static inline void u_attr_float(Graph *g, Node *n, const char *name, float v)
{
    u_attr(g, n, name, AT_FLOAT)->f = v;
}

static inline void u_attr_string(Graph *g, Node *n, const char *name, const char *v)
{
    u_attr(g, n, name, AT_STRING)->s = arena_strdup(g->a, v);
}

static inline void u_attr_ints(Graph *g, Node *n, const char *name, int count, const int64_t *v)
{
    Attr *at = u_attr(g, n, name, AT_INTS);
    at->n = (size_t)count;
    at->ints = arena_array(g->a, (size_t)count + 1, sizeof(int64_t));
    memcpy(at->ints, v, (size_t)count * sizeof(int64_t));
}

/* A constant int64 tensor (shapes, axes, indices). */
static inline TensorId u_tensor_i64(Graph *g, const char *name, int rank, const int64_t *dims, const int64_t *data)
{
    TensorId id = ir_new_tensor(g, name);
    Tensor *t = &g->t[id];
    ir_set_dims(t, rank, dims);
    t->dtype = DT_INT64;
    t->i = arena_array(g->a, (size_t)ir_numel(t) + 1, sizeof(int64_t));
    memcpy(t->i, data, (size_t)ir_numel(t) * sizeof(int64_t));
    return id;
}

/* A fresh graph g (opset 13) in arena a for every test: setup/teardown. */
#define UNIT_FIXTURE                                          \
    static Graph *g;                                          \
    static Arena *a;                                          \
    static void setup(void)                                   \
    {                                                         \
        a = arena_new();                                      \
        g = ir_new(a);                                        \
        g->opset = 13;                                        \
    }                                                         \
    static void teardown(void) { arena_free(a); }

#define RUN_SUITE(suite_fn)                                   \
    int main(void)                                            \
    {                                                         \
        SRunner *sr = srunner_create(suite_fn());             \
        int failed;                                           \
        srunner_run_all(sr, CK_NORMAL);                       \
        failed = srunner_ntests_failed(sr);                   \
        srunner_free(sr);                                     \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;          \
    }

#endif
