/*
 * check_fuse.c - activation fusion: y = act(op(x)) becomes op with act
 * applied as it writes, when op can take an activation and nothing else
 * reads op's result (not another node, not the graph's outputs).
 * fuse_activations reads only the graph's wiring and the use counts that
 * remove_dead leaves, so these graphs need no shapes.
 */
#include "unit.h"

UNIT_FIXTURE

/* x -> op -> act -> graph output; returns op's node, act in *actp */
static Node *chain(OpKind op, OpKind act, Node **actp)
{
    TensorId in[2];
    Node *p, *u;
    in[0] = u_input(g, "x", 0, NULL);
    in[1] = u_input(g, "w", 0, NULL);
    p = u_node(g, op, in, op == OP_CONV || op == OP_GEMM || op == OP_MATMUL || op == OP_ADD || op == OP_SUB ||
                                  op == OP_MUL || op == OP_DIV ? 2 : 1, "h");
    u = u_node(g, act, &p->out[0], 1, "y");
    u_output(g, u->out[0]);
    *actp = u;
    return p;
}

START_TEST(relu_fuses_into_gemm)
{
    Node *u, *p = chain(OP_GEMM, OP_RELU, &u);
    TensorId h = p->out[0], y = u->out[0];
    ck_assert_int_eq(remove_dead(g), 0);
    ck_assert_int_eq(g->t[h].consumers, 1);
    ck_assert_int_eq(fuse_activations(g), 1);
    /* the Gemm now writes y itself, with the Relu's formula; the Relu is gone */
    ck_assert_int_eq(p->act, OP_RELU);
    ck_assert_int_eq(p->act_node, u->index);
    ck_assert_uint_eq(p->out[0], y);
    ck_assert_int_eq(g->t[y].producer, (int)(p - g->n));
    ck_assert_int_eq(g->t[h].consumers, 0);
    ck_assert(u->dead);
    ck_assert(!p->dead);
    /* a second run finds nothing more */
    ck_assert_int_eq(fuse_activations(g), 0);
}
END_TEST

/* every producer that can take an activation, with every activation */
START_TEST(every_fusable_pair)
{
    static const OpKind ops[7] = {OP_GEMM, OP_MATMUL, OP_CONV, OP_ADD, OP_SUB, OP_MUL, OP_DIV};
    static const OpKind acts[4] = {OP_RELU, OP_LEAKYRELU, OP_SIGMOID, OP_TANH};
    int i, j;
    for (i = 0; i < 7; i++)
        for (j = 0; j < 4; j++) {
            Node *u, *p = chain(ops[i], acts[j], &u);
            remove_dead(g);
            ck_assert_msg(fuse_activations(g) == 1, "%s + %s did not fuse", op_name(ops[i]), op_name(acts[j]));
            ck_assert_int_eq(p->act, acts[j]);
            teardown();
            setup();
        }
}
END_TEST

/* LeakyRelu carries its slope: 0.01 by default, else the attribute */
START_TEST(leakyrelu_alpha_is_carried)
{
    Node *u, *p = chain(OP_MATMUL, OP_LEAKYRELU, &u);
    remove_dead(g);
    ck_assert_int_eq(fuse_activations(g), 1);
    ck_assert(p->act_alpha == 0.01f);
    teardown();
    setup();
    p = chain(OP_MATMUL, OP_LEAKYRELU, &u);
    u_attr_float(g, u, "alpha", 0.25f);
    remove_dead(g);
    ck_assert_int_eq(fuse_activations(g), 1);
    ck_assert(p->act_alpha == 0.25f);
    teardown();
    setup();
    p = chain(OP_MATMUL, OP_RELU, &u);
    u_attr_float(g, u, "alpha", 0.25f); /* meaningless on Relu: not carried */
    remove_dead(g);
    ck_assert_int_eq(fuse_activations(g), 1);
    ck_assert(p->act_alpha == 0.0f);
}
END_TEST

/* producers that cannot take an activation keep it as a node of its own */
START_TEST(other_producers_do_not_fuse)
{
    static const OpKind ops[6] = {OP_SOFTMAX, OP_MAXPOOL, OP_RESHAPE, OP_RELU, OP_SIGMOID, OP_CONCAT};
    int i;
    for (i = 0; i < 6; i++) {
        Node *u, *p = chain(ops[i], OP_RELU, &u);
        remove_dead(g);
        ck_assert_msg(fuse_activations(g) == 0, "%s + Relu fused", op_name(ops[i]));
        ck_assert_int_eq(p->act, OP_COUNT);
        ck_assert(!u->dead);
        teardown();
        setup();
    }
}
END_TEST

/* non-activations after a Gemm (Softmax, Exp, Abs) are not fused either */
START_TEST(non_activations_do_not_fuse)
{
    static const OpKind acts[3] = {OP_SOFTMAX, OP_EXP, OP_ABS};
    int i;
    for (i = 0; i < 3; i++) {
        Node *u;
        chain(OP_GEMM, acts[i], &u);
        remove_dead(g);
        ck_assert_int_eq(fuse_activations(g), 0);
        teardown();
        setup();
    }
}
END_TEST

/* the intermediate is a graph output: it must stay as computed, before the activation */
START_TEST(graph_output_intermediate_does_not_fuse)
{
    Node *u, *p = chain(OP_GEMM, OP_RELU, &u);
    u_output(g, p->out[0]);
    remove_dead(g);
    ck_assert_int_eq(fuse_activations(g), 0);
    ck_assert_int_eq(p->act, OP_COUNT);
    ck_assert(!u->dead);
}
END_TEST

/* a second live reader of the intermediate (here a Tanh that is also an output) */
START_TEST(two_readers_do_not_fuse)
{
    Node *u, *p = chain(OP_GEMM, OP_RELU, &u);
    Node *t = u_node(g, OP_TANH, &p->out[0], 1, "t");
    u_output(g, t->out[0]);
    remove_dead(g);
    ck_assert_int_eq(g->t[p->out[0]].consumers, 2);
    ck_assert_int_eq(fuse_activations(g), 0);
    ck_assert_int_eq(p->act, OP_COUNT);
}
END_TEST

/* a reader that remove_dead dropped does not count: the live activation fuses */
START_TEST(dead_reader_does_not_block)
{
    Node *u, *p = chain(OP_GEMM, OP_TANH, &u);
    Node *unused = u_node(g, OP_RELU, &p->out[0], 1, "unused");
    ck_assert_int_eq(remove_dead(g), 1);
    ck_assert(unused->dead);
    ck_assert_int_eq(fuse_activations(g), 1);
    ck_assert_int_eq(p->act, OP_TANH);
}
END_TEST

/* an activation of a graph input has no producer to fuse into */
START_TEST(activation_of_input_stays)
{
    TensorId x = u_input(g, "x", 0, NULL);
    Node *u = u_node(g, OP_RELU, &x, 1, "y");
    u_output(g, u->out[0]);
    remove_dead(g);
    ck_assert_int_eq(fuse_activations(g), 0);
    ck_assert(!u->dead);
}
END_TEST

/* Gemm -> Relu -> Sigmoid: the Relu fuses; the Gemm has an activation then, the Sigmoid stays */
START_TEST(one_activation_per_node)
{
    Node *u, *p = chain(OP_GEMM, OP_RELU, &u), *s;
    g->outputs[0] = TC_NONE;
    g->n_outputs = 0;
    g->t[u->out[0]].output_index = -1;
    s = u_node(g, OP_SIGMOID, &u->out[0], 1, "z");
    u_output(g, s->out[0]);
    remove_dead(g);
    ck_assert_int_eq(fuse_activations(g), 1);
    ck_assert_int_eq(p->act, OP_RELU);
    ck_assert(!s->dead);
    ck_assert_uint_eq(s->in[0], p->out[0]);
}
END_TEST

/* two independent layers: both fuse, and the count says so */
START_TEST(counts_every_fusion)
{
    TensorId in[2];
    Node *a1, *a2, *r1, *r2;
    in[0] = u_input(g, "x", 0, NULL);
    in[1] = u_input(g, "w", 0, NULL);
    a1 = u_node(g, OP_MATMUL, in, 2, "h1");
    r1 = u_node(g, OP_RELU, &a1->out[0], 1, "a1");
    in[0] = r1->out[0];
    a2 = u_node(g, OP_ADD, in, 2, "h2");
    r2 = u_node(g, OP_SIGMOID, &a2->out[0], 1, "a2");
    u_output(g, r2->out[0]);
    remove_dead(g);
    ck_assert_int_eq(fuse_activations(g), 2);
    ck_assert_int_eq(a1->act, OP_RELU);
    ck_assert_int_eq(a2->act, OP_SIGMOID);
    /* the Add reads the MatMul's fused output */
    ck_assert_uint_eq(a2->in[0], a1->out[0]);
}
END_TEST

/* integer results (shape arithmetic) are never fused */
START_TEST(integer_intermediate_does_not_fuse)
{
    Node *u, *p = chain(OP_ADD, OP_RELU, &u);
    g->t[p->out[0]].dtype = DT_INT64;
    remove_dead(g);
    ck_assert_int_eq(fuse_activations(g), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fuse");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, relu_fuses_into_gemm);
    tcase_add_test(tc, every_fusable_pair);
    tcase_add_test(tc, leakyrelu_alpha_is_carried);
    tcase_add_test(tc, other_producers_do_not_fuse);
    tcase_add_test(tc, non_activations_do_not_fuse);
    tcase_add_test(tc, graph_output_intermediate_does_not_fuse);
    tcase_add_test(tc, two_readers_do_not_fuse);
    tcase_add_test(tc, dead_reader_does_not_block);
    tcase_add_test(tc, activation_of_input_stays);
    tcase_add_test(tc, one_activation_per_node);
    tcase_add_test(tc, counts_every_fusion);
    tcase_add_test(tc, integer_intermediate_does_not_fuse);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(suite)
