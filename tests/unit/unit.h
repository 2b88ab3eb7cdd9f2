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

static inline void u_attr_int(Graph *g, Node *n, const char *name, int64_t v)
{
    Attr *at = arena_array(g->a, (size_t)n->n_attrs + 1, sizeof(Attr));
    if (n->n_attrs)
        memcpy(at, n->attrs, (size_t)n->n_attrs * sizeof(Attr));
    at[n->n_attrs].name = arena_strdup(g->a, name);
    at[n->n_attrs].kind = AT_INT;
    at[n->n_attrs].i = v;
    n->attrs = at;
    n->n_attrs++;
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
