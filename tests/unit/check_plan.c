/* check_plan.c - static memory planning: reuse by liveness, views, bounds. */
#include "unit.h"

UNIT_FIXTURE

static void plan(void)
{
    infer_shapes(g);
    remove_dead(g);
    fuse_activations(g);
    plan_memory(g);
}

/* x -> a -> b -> c -> y: a and c never live together, so they share. */
START_TEST(chain_reuses_buffers)
{
    int64_t d[2] = {1, 100};
    TensorId x = u_input(g, "x", 2, d);
    Node *na = u_node(g, OP_TANH, &x, 1, "a");
    Node *nb = u_node(g, OP_TANH, &na->out[0], 1, "b");
    Node *nc = u_node(g, OP_TANH, &nb->out[0], 1, "c");
    Node *ny = u_node(g, OP_TANH, &nc->out[0], 1, "y");
    u_output(g, ny->out[0]);
    plan();
    ck_assert_int_eq(g->arena_floats, 200);
    ck_assert_int_eq(g->arena_lower_bound, 200);
    ck_assert_int_eq(g->t[na->out[0]].offset, g->t[nc->out[0]].offset);
    ck_assert_int_ne(g->t[na->out[0]].offset, g->t[nb->out[0]].offset);
    ck_assert_int_eq(g->t[ny->out[0]].offset, -1); /* the graph output is the caller's */
}
END_TEST

/* A tensor used later stays live: no one may overwrite it meanwhile. */
START_TEST(long_lived_tensor_is_kept)
{
    int64_t d[2] = {1, 10};
    TensorId x = u_input(g, "x", 2, d), in[2];
    Node *na = u_node(g, OP_TANH, &x, 1, "a");
    Node *nb = u_node(g, OP_TANH, &na->out[0], 1, "b");
    Node *nc = u_node(g, OP_TANH, &nb->out[0], 1, "c");
    Node *ny;
    in[0] = na->out[0];
    in[1] = nc->out[0];
    ny = u_node(g, OP_ADD, in, 2, "y");
    u_output(g, ny->out[0]);
    plan();
    ck_assert_int_ne(g->t[na->out[0]].offset, g->t[nb->out[0]].offset);
    ck_assert_int_ne(g->t[na->out[0]].offset, g->t[nc->out[0]].offset);
    ck_assert_int_eq(g->t[nb->out[0]].offset == g->t[nc->out[0]].offset, 0);
    ck_assert_int_eq(g->arena_floats, 36); /* at node c, a, b and c are all live (10 floats, aligned to 12) */
    ck_assert_int_eq(g->arena_floats, g->arena_lower_bound);
}
END_TEST

/* Views share their input's storage: no copy, no extra bytes. */
START_TEST(views_alias_their_input)
{
    int64_t d[3] = {1, 4, 5};
    TensorId x = u_input(g, "x", 3, d);
    Node *na = u_node(g, OP_TANH, &x, 1, "a");
    Node *nf = u_node(g, OP_FLATTEN, &na->out[0], 1, "f");
    Node *ny = u_node(g, OP_TANH, &nf->out[0], 1, "y");
    u_output(g, ny->out[0]);
    plan();
    ck_assert_uint_eq(ir_root(g, nf->out[0]), na->out[0]);
    ck_assert_int_eq(g->arena_floats, 20);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, chain_reuses_buffers);
    tcase_add_test(tc, long_lived_tensor_is_kept);
    tcase_add_test(tc, views_alias_their_input);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(suite)
