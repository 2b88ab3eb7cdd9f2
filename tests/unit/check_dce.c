/*
 * check_dce.c - dead-node removal: a node lives if a graph output depends
 * on it; every tensor's use count is its uses by live nodes. remove_dead
 * reads only the wiring, so these graphs need no shapes.
 */
#include "unit.h"

UNIT_FIXTURE

/* x -> a -> b (unused), x -> c (output): a and b go, c stays; x is read once */
START_TEST(unused_chain_is_removed)
{
    TensorId x = u_input(g, "x", 0, NULL);
    Node *a1 = u_node(g, OP_RELU, &x, 1, "a");
    Node *b1 = u_node(g, OP_TANH, &a1->out[0], 1, "b");
    Node *c1 = u_node(g, OP_SIGMOID, &x, 1, "c");
    u_output(g, c1->out[0]);
    ck_assert_int_eq(remove_dead(g), 2);
    ck_assert(a1->dead);
    ck_assert(b1->dead);
    ck_assert(!c1->dead);
    ck_assert_int_eq(g->t[x].consumers, 1);
    ck_assert_int_eq(g->t[a1->out[0]].consumers, 0);
    /* a second run removes nothing more and counts the same */
    ck_assert_int_eq(remove_dead(g), 0);
    ck_assert_int_eq(g->t[x].consumers, 1);
}
END_TEST

/* everything feeding an output lives, however far back; a weight counts its reader */
START_TEST(whole_path_to_output_lives)
{
    int64_t d[2] = {2, 2};
    float w[4] = {1, 2, 3, 4};
    TensorId in[2];
    Node *mm, *r, *s;
    in[0] = u_input(g, "x", 2, d);
    in[1] = u_tensor(g, "w", 2, d, w);
    mm = u_node(g, OP_MATMUL, in, 2, "h");
    r = u_node(g, OP_RELU, &mm->out[0], 1, "a");
    s = u_node(g, OP_SOFTMAX, &r->out[0], 1, "y");
    u_output(g, s->out[0]);
    ck_assert_int_eq(remove_dead(g), 0);
    ck_assert(!mm->dead && !r->dead && !s->dead);
    ck_assert_int_eq(g->t[in[1]].consumers, 1);
    ck_assert_int_eq(g->t[mm->out[0]].consumers, 1);
    ck_assert_int_eq(g->t[s->out[0]].consumers, 0); /* an output is not a use */
}
END_TEST

/* a node reading one tensor twice counts two uses */
START_TEST(each_input_slot_counts)
{
    TensorId in[2];
    Node *add;
    in[0] = in[1] = u_input(g, "x", 0, NULL);
    add = u_node(g, OP_ADD, in, 2, "y");
    u_output(g, add->out[0]);
    remove_dead(g);
    ck_assert_int_eq(g->t[in[0]].consumers, 2);
}
END_TEST

/* a multi-output node lives if any of its outputs is needed */
START_TEST(any_output_keeps_a_node)
{
    TensorId x = u_input(g, "x", 0, NULL);
    Node *sp = ir_node(g, OP_SPLIT, "sp", 1, 2), *r;
    int i;
    sp->in[0] = x;
    for (i = 0; i < 2; i++) {
        sp->out[i] = ir_new_tensor(g, i ? "second" : "first");
        g->t[sp->out[i]].producer = (int)(sp - g->n);
    }
    r = u_node(g, OP_RELU, &sp->out[1], 1, "y");
    u_output(g, r->out[0]);
    ck_assert_int_eq(remove_dead(g), 0);
    ck_assert(!sp->dead);
    ck_assert_int_eq(g->t[sp->out[0]].consumers, 0);
    ck_assert_int_eq(g->t[sp->out[1]].consumers, 1);
}
END_TEST

/* optional inputs left out (TC_NONE) are skipped, not counted */
START_TEST(absent_optional_input)
{
    TensorId in[3];
    Node *gemm;
    in[0] = u_input(g, "x", 0, NULL);
    in[1] = u_input(g, "w", 0, NULL);
    in[2] = TC_NONE;
    gemm = u_node(g, OP_GEMM, in, 3, "y");
    u_output(g, gemm->out[0]);
    ck_assert_int_eq(remove_dead(g), 0);
    ck_assert_int_eq(g->t[in[0]].consumers, 1);
    ck_assert_int_eq(g->t[in[1]].consumers, 1);
}
END_TEST

/* a node already dead (folded) is not counted again, and what only it read dies too */
START_TEST(already_dead_nodes)
{
    TensorId x = u_input(g, "x", 0, NULL);
    Node *a1 = u_node(g, OP_RELU, &x, 1, "a");
    Node *b1 = u_node(g, OP_TANH, &a1->out[0], 1, "b");
    u_output(g, b1->out[0]);
    b1->dead = 1; /* as if folded: its output is a constant now */
    g->t[b1->out[0]].f = arena_array(g->a, 1, sizeof(float));
    ck_assert_int_eq(remove_dead(g), 1);
    ck_assert(a1->dead);
    ck_assert_int_eq(g->t[x].consumers, 0);
}
END_TEST

/* a graph output read by a dead node: the reader goes, the producer stays */
START_TEST(output_read_by_dead_node)
{
    TensorId x = u_input(g, "x", 0, NULL);
    Node *a1 = u_node(g, OP_RELU, &x, 1, "a");
    Node *b1 = u_node(g, OP_TANH, &a1->out[0], 1, "b");
    u_output(g, a1->out[0]);
    ck_assert_int_eq(remove_dead(g), 1);
    ck_assert(!a1->dead);
    ck_assert(b1->dead);
    ck_assert_int_eq(g->t[a1->out[0]].consumers, 0);
}
END_TEST

/* stale counts from before are reset, not added to */
START_TEST(counts_are_recomputed)
{
    TensorId x = u_input(g, "x", 0, NULL);
    Node *a1 = u_node(g, OP_RELU, &x, 1, "a");
    u_output(g, a1->out[0]);
    g->t[x].consumers = 7;
    remove_dead(g);
    ck_assert_int_eq(g->t[x].consumers, 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("dce");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, unused_chain_is_removed);
    tcase_add_test(tc, whole_path_to_output_lives);
    tcase_add_test(tc, each_input_slot_counts);
    tcase_add_test(tc, any_output_keeps_a_node);
    tcase_add_test(tc, absent_optional_input);
    tcase_add_test(tc, already_dead_nodes);
    tcase_add_test(tc, output_read_by_dead_node);
    tcase_add_test(tc, counts_are_recomputed);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(suite)
