/* check_fold.c - constant folding, dead-node removal, activation fusion. */
#include <math.h>

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

/* Range folds to max(ceil((limit - start) / delta), 0) values, integers exactly. */
START_TEST(range_lengths)
{
    static const int64_t cases[][4] = {/* start, limit, delta, length */
                                       {0, 10, 3, 4}, {10, 0, -3, 4}, {5, 5, 1, 0}, {5, 1, 1, 0}, {-7, 8, 5, 3}, {3, -4, -7, 1}};
    int k;
    for (k = 0; k < 6; k++) {
        TensorId in[3];
        Node *r;
        int64_t j;
        in[0] = u_tensor_i64(g, "start", 0, NULL, &cases[k][0]);
        in[1] = u_tensor_i64(g, "limit", 0, NULL, &cases[k][1]);
        in[2] = u_tensor_i64(g, "delta", 0, NULL, &cases[k][2]);
        r = u_node(g, OP_RANGE, in, 3, "r");
        infer_node_shape(g, r);
        ck_assert_int_eq(g->t[r->out[0]].dims[0], cases[k][3]);
        if (cases[k][3] == 0)
            continue;
        ck_assert(fold_node(g, r));
        for (j = 0; j < cases[k][3]; j++)
            ck_assert_int_eq(g->t[r->out[0]].i[j], cases[k][0] + j * cases[k][2]);
    }
}
END_TEST

/* Cast wraps integers to the target's width, bool is nonzero; CastLike takes the type of
 * its input 1 even through a view (a bool tensor reshaped). */
START_TEST(cast_targets_and_castlike_types)
{
    int64_t d1[1] = {4}, v[4] = {300, -129, 0, (int64_t)1 << 31}, one = 1;
    float fv[4] = {0.5f, -0.0f, 2.75f, -3.5f};
    TensorId in[2], big, fl;
    Node *c32, *c8, *cb, *eq, *rs, *cl;
    big = u_tensor_i64(g, "big", 1, d1, v);
    fl = u_tensor(g, "fl", 1, d1, fv);
    c32 = u_node(g, OP_CAST, &big, 1, "c32");
    u_attr_int(g, c32, "to", ET_INT32);
    c8 = u_node(g, OP_CAST, &big, 1, "c8");
    u_attr_int(g, c8, "to", ET_UINT8);
    cb = u_node(g, OP_CAST, &big, 1, "cb");
    u_attr_int(g, cb, "to", ET_BOOL);
    /* a bool tensor (Equal), reshaped, as the type of a CastLike from float */
    in[0] = big;
    in[1] = big;
    eq = u_node(g, OP_EQUAL, in, 2, "eq");
    in[0] = eq->out[0];
    in[1] = u_tensor_i64(g, "shape", 1, &one, d1);
    rs = u_node(g, OP_RESHAPE, in, 2, "rs");
    in[0] = fl;
    in[1] = rs->out[0];
    cl = u_node(g, OP_CASTLIKE, in, 2, "cl");
    infer_shapes(g);
    ck_assert(c32->dead && c8->dead && cb->dead && cl->dead);
    ck_assert_int_eq(g->t[c32->out[0]].i[0], 300);
    ck_assert_int_eq(g->t[c32->out[0]].i[3], INT32_MIN);
    ck_assert_int_eq(g->t[c8->out[0]].i[0], 44);
    ck_assert_int_eq(g->t[c8->out[0]].i[1], 127);
    ck_assert_int_eq(g->t[cb->out[0]].i[2], 0);
    ck_assert_int_eq(g->t[cb->out[0]].i[1], 1);
    ck_assert_int_eq(g->t[rs->out[0]].etype, ET_BOOL);
    ck_assert_int_eq(g->t[cl->out[0]].etype, ET_BOOL);
    ck_assert_int_eq(g->t[cl->out[0]].i[0], 1);
    ck_assert_int_eq(g->t[cl->out[0]].i[1], 0); /* -0.0 is false */
    ck_assert_int_eq(g->t[cl->out[0]].i[3], 1);
}
END_TEST

/* Comparisons with NaN are false; Where broadcasts its three inputs. */
START_TEST(compare_nan_and_where_broadcast)
{
    int64_t d2[1] = {2}, d21[2] = {2, 1}, d12[2] = {1, 2};
    float a[2] = {NAN, 1.0f}, b[2] = {NAN, 1.0f}, x[2] = {10.0f, 20.0f}, yv[2] = {-1.0f, -2.0f};
    TensorId in[3];
    Node *eq, *le, *w;
    int i;
    in[0] = u_tensor(g, "a", 1, d2, a);
    in[1] = u_tensor(g, "b", 1, d2, b);
    eq = u_node(g, OP_EQUAL, in, 2, "eq");
    le = u_node(g, OP_LESSOREQUAL, in, 2, "le");
    in[0] = u_tensor(g, "cnd", 2, d21, NULL);
    in[1] = u_tensor(g, "x", 2, d12, x);
    in[2] = u_tensor(g, "y", 2, d12, yv);
    w = u_node(g, OP_WHERE, in, 3, "w");
    g->t[w->in[0]].dtype = DT_INT64;
    g->t[w->in[0]].i = arena_array(g->a, 2, sizeof(int64_t));
    g->t[w->in[0]].i[0] = 1; /* row 0 takes x, row 1 y */
    infer_shapes(g);
    ck_assert_int_eq(g->t[eq->out[0]].i[0], 0);
    ck_assert_int_eq(g->t[eq->out[0]].i[1], 1);
    ck_assert_int_eq(g->t[le->out[0]].i[0], 0);
    ck_assert_int_eq(g->t[w->out[0]].rank, 2);
    for (i = 0; i < 4; i++)
        ck_assert(g->t[w->out[0]].f[i] == (i < 2 ? x[i % 2] : yv[i % 2]));
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
    tcase_add_test(tc, range_lengths);
    tcase_add_test(tc, cast_targets_and_castlike_types);
    tcase_add_test(tc, compare_nan_and_where_broadcast);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(suite)
