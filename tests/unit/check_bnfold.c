/* check_bnfold.c - batch-norm folding into Conv and Gemm. */
#include <math.h>

#include "unit.h"

UNIT_FIXTURE

static const float gam[2] = {2.0f, 0.5f}, bet[2] = {0.25f, -1.0f}, mu[2] = {1.0f, -2.0f}, var[2] = {3.0f, 0.75f};

/* A BatchNormalization of z with the parameters above (epsilon 1e-5). */
static Node *u_bn(TensorId z, const char *out)
{
    int64_t d1 = 2;
    TensorId in[5];
    in[0] = z;
    in[1] = u_tensor(g, "gamma", 1, &d1, gam);
    in[2] = u_tensor(g, "beta", 1, &d1, bet);
    in[3] = u_tensor(g, "mean", 1, &d1, mu);
    in[4] = u_tensor(g, "var", 1, &d1, var);
    return u_node(g, OP_BATCHNORM, in, 5, out);
}

/* y = gamma * (z - mean) / sqrt(var + eps) + beta */
static double bn_ref(double z, int c)
{
    return gam[c] * (z - mu[c]) / sqrt((double)var[c] + 1e-5) + bet[c];
}

START_TEST(conv_bn_folds_and_keeps_zeros)
{
    int64_t dx[4] = {1, 1, 3, 3}, dw[4] = {2, 1, 2, 2}, db = 2;
    float w[8] = {1.0f, 0.0f, -2.0f, 0.5f, 0.0f, 0.0f, 3.0f, 0.0f}, b[2] = {0.5f, -0.25f};
    float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, y[8];
    float *ins[1], *outs[1];
    TensorId in[3];
    Node *conv, *bn;
    int i, c, oh, ow;
    in[0] = u_input(g, "x", 4, dx);
    in[1] = u_tensor(g, "w", 4, dw, w);
    in[2] = u_tensor(g, "b", 1, &db, b);
    conv = u_node(g, OP_CONV, in, 3, "z");
    bn = u_bn(conv->out[0], "y");
    u_output(g, bn->out[0]);
    infer_shapes(g);
    fold_constants(g);
    ck_assert_int_eq(fold_batchnorm(g), 1);
    ck_assert(bn->dead);
    ck_assert_uint_eq(conv->out[0], bn->out[0]);
    /* zeros stay zeros: the folded layer is as sparse as before */
    for (i = 0; i < 8; i++)
        ck_assert(w[i] != 0.0f || g->t[conv->in[1]].f[i] == 0.0f);
    remove_dead(g);
    ins[0] = x;
    outs[0] = y;
    interp_run(g, ins, outs);
    for (c = 0; c < 2; c++)
        for (oh = 0; oh < 2; oh++)
            for (ow = 0; ow < 2; ow++) {
                double z = b[c];
                int kh, kw;
                for (kh = 0; kh < 2; kh++)
                    for (kw = 0; kw < 2; kw++)
                        z += (double)w[c * 4 + kh * 2 + kw] * x[(oh + kh) * 3 + ow + kw];
                ck_assert_double_eq_tol(y[c * 4 + oh * 2 + ow], bn_ref(z, c), 1e-5);
            }
}
END_TEST

START_TEST(gemm_bn_folds_with_transposed_weight)
{
    int64_t dx[2] = {1, 3}, dw[2] = {2, 3};
    float w[6] = {1.0f, 0.0f, 2.0f, 0.0f, -1.0f, 0.5f}, x[3] = {0.5f, -1.5f, 2.0f}, y[2];
    float *ins[1], *outs[1];
    TensorId in[2];
    Node *gemm, *bn;
    int c;
    in[0] = u_input(g, "x", 2, dx);
    in[1] = u_tensor(g, "w", 2, dw, w);
    gemm = u_node(g, OP_GEMM, in, 2, "z");
    u_attr_int(g, gemm, "transB", 1);
    bn = u_bn(gemm->out[0], "y");
    u_output(g, bn->out[0]);
    infer_shapes(g);
    ck_assert_int_eq(fold_batchnorm(g), 1);
    remove_dead(g);
    ins[0] = x;
    outs[0] = y;
    interp_run(g, ins, outs);
    for (c = 0; c < 2; c++) {
        double z = (double)w[c * 3] * x[0] + (double)w[c * 3 + 1] * x[1] + (double)w[c * 3 + 2] * x[2];
        ck_assert_double_eq_tol(y[c], bn_ref(z, c), 1e-5);
    }
}
END_TEST

/* The Conv's result is also read elsewhere: folding would change that reader. */
START_TEST(shared_result_is_not_folded)
{
    int64_t dx[4] = {1, 1, 2, 2}, dw[4] = {2, 1, 1, 1};
    float w[2] = {1.0f, 2.0f};
    TensorId in[2];
    Node *conv, *bn, *relu;
    in[0] = u_input(g, "x", 4, dx);
    in[1] = u_tensor(g, "w", 4, dw, w);
    conv = u_node(g, OP_CONV, in, 2, "z");
    bn = u_bn(conv->out[0], "y");
    relu = u_node(g, OP_RELU, &conv->out[0], 1, "r");
    u_output(g, bn->out[0]);
    u_output(g, relu->out[0]);
    infer_shapes(g);
    ck_assert_int_eq(fold_batchnorm(g), 0);
    ck_assert(!bn->dead);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("bnfold");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, conv_bn_folds_and_keeps_zeros);
    tcase_add_test(tc, gemm_bn_folds_with_transposed_weight);
    tcase_add_test(tc, shared_result_is_not_folded);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(suite)
