/* check_fold.c - constant folding, dead-node removal, activation fusion. */
#include "unit.h"

UNIT_FIXTURE

/* PyTorch's prune format: weight = weight_orig * weight_mask folds to one sparse constant. */
START_TEST(prune_format_folds_to_sparse_weight)
{
    int64_t dw[2] = {2, 3}, dx[2] = {1, 3};
    float orig[6] = {9.0f, -7.5f, 3.25f, 1e30f, -2.0f, 0.5f};
    float mask[6] = {1, 0, 1, 0, 0, 1};
    TensorId in[2], w, x;
    Node *mul, *gemm;
    int i;
    x = u_input(g, "x", 2, dx);
    in[0] = u_tensor(g, "w_orig", 2, dw, orig);
    in[1] = u_tensor(g, "w_mask", 2, dw, mask);
    mul = u_node(g, OP_MUL, in, 2, "w");
    w = mul->out[0];
    in[0] = x;
    in[1] = w;
    gemm = u_node(g, OP_GEMM, in, 2, "y");
    u_attr_int(g, gemm, "transB", 1);
    u_output(g, gemm->out[0]);
    infer_shapes(g); /* folds as it goes */
    ck_assert(mul->dead);
    ck_assert(!gemm->dead);
    ck_assert_ptr_nonnull(g->t[w].f);
    for (i = 0; i < 6; i++)
        ck_assert(g->t[w].f[i] == orig[i] * mask[i]);
    ck_assert_int_eq(remove_dead(g), 0);
    ck_assert_int_eq(g->t[w].consumers, 1);
}
END_TEST

START_TEST(shape_of_runtime_tensor_folds)
{
    int64_t dx[3] = {1, 3, 4};
    TensorId x = u_input(g, "x", 3, dx);
    Node *s = u_node(g, OP_SHAPE, &x, 1, "s");
    TensorId in[1];
    Node *r;
    in[0] = x;
    r = u_node(g, OP_RELU, in, 1, "r");
    u_output(g, r->out[0]);
    infer_shapes(g);
    ck_assert(s->dead);
    ck_assert_ptr_nonnull(g->t[s->out[0]].i);
    ck_assert_int_eq(g->t[s->out[0]].i[2], 4);
    /* nothing uses the shape: the removal pass has nothing left to do */
    ck_assert_int_eq(remove_dead(g), 0);
}
END_TEST

START_TEST(unused_nodes_are_removed)
{
    int64_t dx[2] = {1, 4};
    TensorId x = u_input(g, "x", 2, dx);
    Node *used = u_node(g, OP_RELU, &x, 1, "used");
    Node *unused = u_node(g, OP_TANH, &x, 1, "unused");
    u_output(g, used->out[0]);
    infer_shapes(g);
    ck_assert_int_eq(remove_dead(g), 1);
    ck_assert(unused->dead);
    ck_assert(!used->dead);
    ck_assert_int_eq(g->t[x].consumers, 1);
}
END_TEST

START_TEST(relu_fuses_into_gemm_once)
{
    int64_t dx[2] = {1, 2}, dw[2] = {2, 2};
    float w[4] = {1, 2, 3, 4};
    TensorId in[2];
    Node *gemm, *relu, *relu2;
    in[0] = u_input(g, "x", 2, dx);
    in[1] = u_tensor(g, "w", 2, dw, w);
    gemm = u_node(g, OP_GEMM, in, 2, "h");
    relu = u_node(g, OP_RELU, &gemm->out[0], 1, "a");
    relu2 = u_node(g, OP_RELU, &relu->out[0], 1, "b"); /* a second activation is not fused */
    u_output(g, relu2->out[0]);
    infer_shapes(g);
    remove_dead(g);
    ck_assert_int_eq(fuse_activations(g), 1);
    ck_assert_int_eq(gemm->act, OP_RELU);
    ck_assert(relu->dead);
    ck_assert(!relu2->dead);
    ck_assert_uint_eq(gemm->out[0], relu2->in[0]);
}
END_TEST

START_TEST(graph_output_is_not_fused_away)
{
    int64_t dx[2] = {1, 2};
    TensorId in[2];
    Node *add, *relu;
    in[0] = u_input(g, "x", 2, dx);
    in[1] = u_input(g, "z", 2, dx);
    add = u_node(g, OP_ADD, in, 2, "s");
    relu = u_node(g, OP_RELU, &add->out[0], 1, "r");
    u_output(g, add->out[0]);
    u_output(g, relu->out[0]);
    infer_shapes(g);
    remove_dead(g);
    ck_assert_int_eq(fuse_activations(g), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fold");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, prune_format_folds_to_sparse_weight);
    tcase_add_test(tc, shape_of_runtime_tensor_folds);
    tcase_add_test(tc, unused_nodes_are_removed);
    tcase_add_test(tc, relu_fuses_into_gemm_once);
    tcase_add_test(tc, graph_output_is_not_fused_away);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(suite)
