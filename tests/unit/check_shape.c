/* check_shape.c - shape inference on small graphs built by hand. */
#include "unit.h"

UNIT_FIXTURE

static const Tensor *out_of(Node *n) { return &g->t[n->out[0]]; }

static TensorId ints(const char *name, int n, const int64_t *v)
{
    int64_t d = n;
    TensorId id = ir_new_tensor(g, name);
    ir_set_dims(&g->t[id], 1, &d);
    g->t[id].dtype = DT_INT64;
    g->t[id].i = arena_array(g->a, (size_t)n + 1, sizeof(int64_t));
    memcpy(g->t[id].i, v, (size_t)n * sizeof(int64_t));
    return id;
}

/* x[:, -1:-100:-2, 4:0:-1] of a [2,3,5]: clamped starts and ends, negative strides. */
START_TEST(slice_negative_steps_map)
{
    int64_t dx[3] = {2, 3, 5}, st[2] = {-1, 4}, en[2] = {-100, 0}, ax[2] = {1, -1}, sp[2] = {-2, -1};
    TensorId in[5];
    CopyMap m;
    Node *n;
    g->opset = 13;
    in[0] = u_input(g, "x", 3, dx);
    in[1] = ints("st", 2, st);
    in[2] = ints("en", 2, en);
    in[3] = ints("ax", 2, ax);
    in[4] = ints("sp", 2, sp);
    n = u_node(g, OP_SLICE, in, 5, "y");
    infer_node_shape(g, n);
    ck_assert_int_eq(out_of(n)->rank, 3);
    ck_assert_int_eq(out_of(n)->dims[0], 2);
    ck_assert_int_eq(out_of(n)->dims[1], 2); /* rows 2, 0 */
    ck_assert_int_eq(out_of(n)->dims[2], 4); /* columns 4, 3, 2, 1 */
    copy_map(g, n, &m);
    ck_assert_int_eq(m.base, 2 * 5 + 4);
    ck_assert_int_eq(m.stride[0], 15);
    ck_assert_int_eq(m.stride[1], -10);
    ck_assert_int_eq(m.stride[2], -1);
}
END_TEST

/* Tile [2,3] by [2,1]: four axes (repeat, length) with strides (0, 3), (0, 1). */
START_TEST(tile_splits_axes)
{
    int64_t dx[2] = {2, 3}, reps[2] = {2, 1};
    TensorId in[2];
    CopyMap m;
    Node *n;
    in[0] = u_input(g, "x", 2, dx);
    in[1] = ints("reps", 2, reps);
    n = u_node(g, OP_TILE, in, 2, "y");
    infer_node_shape(g, n);
    ck_assert_int_eq(out_of(n)->dims[0], 4);
    ck_assert_int_eq(out_of(n)->dims[1], 3);
    copy_map(g, n, &m);
    ck_assert_int_eq(m.rank, 4);
    ck_assert_int_eq(m.stride[0], 0);
    ck_assert_int_eq(m.stride[1], 3);
    ck_assert_int_eq(m.stride[2], 0);
    ck_assert_int_eq(m.stride[3], 1);
}
END_TEST

START_TEST(gemm_with_transposes)
{
    int64_t da[2] = {7, 3}, db[2] = {5, 7};
    float zeros[35] = {0};
    TensorId in[2];
    Node *n;
    in[0] = u_input(g, "a", 2, da); /* transA: A' is [3,7] */
    in[1] = u_tensor(g, "b", 2, db, zeros); /* transB: B' is [7,5] */
    n = u_node(g, OP_GEMM, in, 2, "y");
    u_attr_int(g, n, "transA", 1);
    u_attr_int(g, n, "transB", 1);
    infer_node_shape(g, n);
    ck_assert_int_eq(out_of(n)->rank, 2);
    ck_assert_int_eq(out_of(n)->dims[0], 3);
    ck_assert_int_eq(out_of(n)->dims[1], 5);
}
END_TEST

static void gemm_mismatch_body(void)
{
    int64_t da[2] = {1, 3}, db[2] = {4, 5};
    TensorId in[2];
    Node *n;
    setup();
    in[0] = u_input(g, "a", 2, da);
    in[1] = u_input(g, "b", 2, db);
    n = u_node(g, OP_GEMM, in, 2, "y");
    infer_node_shape(g, n); /* exits 1 */
}

START_TEST(gemm_inner_mismatch_exits_1)
{
    gemm_mismatch_body();
}
END_TEST

START_TEST(matmul_broadcasts_batch_and_vectors)
{
    int64_t da[4] = {2, 1, 3, 4}, db[3] = {6, 4, 5}, dv[1] = {5};
    TensorId in[2];
    Node *n, *m;
    in[0] = u_input(g, "a", 4, da);
    in[1] = u_input(g, "b", 3, db);
    n = u_node(g, OP_MATMUL, in, 2, "y");
    infer_node_shape(g, n);
    ck_assert_int_eq(out_of(n)->rank, 4);
    ck_assert_int_eq(out_of(n)->dims[0], 2);
    ck_assert_int_eq(out_of(n)->dims[1], 6);
    ck_assert_int_eq(out_of(n)->dims[2], 3);
    ck_assert_int_eq(out_of(n)->dims[3], 5);
    in[0] = n->out[0];
    in[1] = u_input(g, "v", 1, dv);
    m = u_node(g, OP_MATMUL, in, 2, "z");
    infer_node_shape(g, m);
    ck_assert_int_eq(out_of(m)->rank, 3); /* the vector's dimension is dropped */
    ck_assert_int_eq(out_of(m)->dims[2], 3);
}
END_TEST

START_TEST(binary_broadcasts_numpy_style)
{
    int64_t da[3] = {2, 3, 4}, db[2] = {3, 1};
    TensorId in[2];
    Node *n;
    in[0] = u_input(g, "a", 3, da);
    in[1] = u_input(g, "b", 2, db);
    n = u_node(g, OP_ADD, in, 2, "y");
    infer_node_shape(g, n);
    ck_assert_int_eq(out_of(n)->rank, 3);
    ck_assert_int_eq(out_of(n)->dims[1], 3);
    ck_assert_int_eq(out_of(n)->dims[2], 4);
}
END_TEST

START_TEST(flatten_and_reshape)
{
    int64_t dx[4] = {1, 2, 3, 4}, ds[1] = {3};
    TensorId in[2];
    Node *f, *r;
    in[0] = u_input(g, "x", 4, dx);
    f = u_node(g, OP_FLATTEN, in, 1, "f");
    u_attr_int(g, f, "axis", 2);
    infer_node_shape(g, f);
    ck_assert_int_eq(out_of(f)->dims[0], 2);
    ck_assert_int_eq(out_of(f)->dims[1], 12);
    in[1] = u_tensor(g, "s", 1, ds, NULL);
    g->t[in[1]].dtype = DT_INT64;
    g->t[in[1]].i = arena_array(a, 3, sizeof(int64_t));
    g->t[in[1]].i[0] = 0;
    g->t[in[1]].i[1] = -1;
    g->t[in[1]].i[2] = 2;
    r = u_node(g, OP_RESHAPE, in, 2, "r");
    infer_node_shape(g, r);
    ck_assert_int_eq(out_of(r)->rank, 3);
    ck_assert_int_eq(out_of(r)->dims[0], 1);
    ck_assert_int_eq(out_of(r)->dims[1], 12);
    ck_assert_int_eq(out_of(r)->dims[2], 2);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("shape");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, gemm_with_transposes);
    tcase_add_test(tc, matmul_broadcasts_batch_and_vectors);
    tcase_add_test(tc, binary_broadcasts_numpy_style);
    tcase_add_test(tc, flatten_and_reshape);
    tcase_add_test(tc, slice_negative_steps_map);
    tcase_add_test(tc, tile_splits_axes);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_exit_test(tc, gemm_inner_mismatch_exits_1, 1);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(suite)
