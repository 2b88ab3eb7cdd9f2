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

/*
 * An unrolled Conv whose windows leave the input gets a block for its
 * zero-padded input copy: 2 planes of (4 + 2) x (5 + 2), live during that
 * node only (so it never meets a tensor of another node's lifetime except
 * the Conv's own input and output); dense, or with no weight kept, none.
 */
static Node *padded_conv(const float *w)
{
    int64_t dx[4] = {1, 2, 4, 5}, dw[4] = {3, 2, 3, 3};
    TensorId in[2];
    Node *na, *nc, *ny;
    Attr *p;
    in[0] = u_input(g, "x", 4, dx);
    na = u_node(g, OP_TANH, &in[0], 1, "a");
    in[0] = na->out[0];
    in[1] = u_tensor(g, "w", 4, dw, w);
    nc = u_node(g, OP_CONV, in, 2, "c");
    p = u_attr(g, nc, "pads", AT_INTS);
    p->n = 4;
    p->ints = arena_array(g->a, 4, sizeof(int64_t));
    p->ints[0] = p->ints[1] = p->ints[2] = p->ints[3] = 1;
    in[0] = in[1] = nc->out[0];
    ny = u_node(g, OP_ADD, in, 2, "y"); /* not an activation: nothing fuses into the Conv */
    u_output(g, ny->out[0]);
    return nc;
}

START_TEST(padded_conv_gets_scratch)
{
    static float w[54];
    Node *nc;
    int64_t a, c, s;
    w[4] = 0.5f;
    nc = padded_conv(w);
    plan();
    ck_assert_int_eq(nc->pad_floats, 2 * 6 * 7);
    a = g->t[nc->in[0]].offset;
    c = g->t[nc->out[0]].offset;
    s = nc->pad_offset;
    ck_assert_int_ge(s, 0);
    /* meets neither the input (40 floats) nor the output (60) */
    ck_assert(s + 84 <= a || a + 40 <= s);
    ck_assert(s + 84 <= c || c + 60 <= s);
    ck_assert_int_eq(g->arena_floats, 40 + 84 + 60);
    /* planned dense: no copy */
    nc->strategy = STRAT_DENSE;
    plan_memory(g);
    ck_assert_int_eq(nc->pad_floats, 0);
    ck_assert_int_eq(g->arena_floats, 100);
}
END_TEST

START_TEST(pruned_conv_gets_no_scratch)
{
    static float w[54];
    Node *nc = padded_conv(w);
    plan();
    ck_assert_int_eq(nc->pad_floats, 0);
    ck_assert_int_eq(g->arena_floats, 100);
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
    tcase_add_test(tc, padded_conv_gets_scratch);
    tcase_add_test(tc, pruned_conv_gets_no_scratch);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(suite)
