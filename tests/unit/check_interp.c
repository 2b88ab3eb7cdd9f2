/*
 * check_interp.c - the reference interpreter, one op class at a time,
 * against values computed by hand (in the comment above each test).
 * Each test builds a tiny graph, infers shapes and runs interp_run.
 */
#include <math.h>

#include "unit.h"

UNIT_FIXTURE

static float got[64];

/* Shapes, dead-node removal, then one run on inputs; the first output lands in got[]. */
static void run(float *const *inputs)
{
    float *outs[1];
    outs[0] = got;
    memset(got, 0, sizeof got);
    infer_shapes(g);
    remove_dead(g);
    interp_run(g, inputs, outs);
}

/* got[] is want[] within a relative 1e-6 (libm in double, rounded to float). */
static void expect(const float *want, int n)
{
    int i;
    for (i = 0; i < n; i++)
        ck_assert_msg(fabsf(got[i] - want[i]) <= 1e-6f * (1.0f + fabsf(want[i])), "y[%d] = %.9g, expected %.9g", i,
                      (double)got[i], (double)want[i]);
}

static void expect_dims(TensorId id, int rank, const int64_t *dims)
{
    int i;
    ck_assert_int_eq(g->t[id].rank, rank);
    for (i = 0; i < rank; i++)
        ck_assert_int_eq(g->t[id].dims[i], dims[i]);
}

/* A graph of one node on input x (shape rank/dims) and constants; its output is the graph's. */
static Node *one(OpKind op, TensorId *in, int n_in)
{
    Node *n = u_node(g, op, in, n_in, "y");
    u_output(g, n->out[0]);
    return n;
}

/* ---- gemm, matmul ---- */

/* A = [[1,2,3],[4,5,6]], B (transB) = [[1,0,-1],[.5,.5,.5]], C = [10,20], alpha 2, beta .5:
 * A B' = [[-2,3],[-2,7.5]] -> 2 A B' + .5 C = [[1,16],[1,25]] */
START_TEST(gemm_transb_alpha_beta)
{
    int64_t da[2] = {2, 3}, db[2] = {2, 3}, dc[1] = {2}, dy[2] = {2, 2};
    float a_[6] = {1, 2, 3, 4, 5, 6}, b_[6] = {1, 0, -1, 0.5f, 0.5f, 0.5f}, c_[2] = {10, 20};
    float want[4] = {1, 16, 1, 25}, *in[1] = {a_};
    TensorId t[3];
    Node *n;
    t[0] = u_input(g, "a", 2, da);
    t[1] = u_tensor(g, "b", 2, db, b_);
    t[2] = u_tensor(g, "c", 1, dc, c_);
    n = one(OP_GEMM, t, 3);
    u_attr_int(g, n, "transB", 1);
    u_attr_float(g, n, "alpha", 2.0f);
    u_attr_float(g, n, "beta", 0.5f);
    run(in);
    expect_dims(n->out[0], 2, dy);
    expect(want, 4);
}
END_TEST

/* transA: A stored [3,2] = [[1,4],[2,5],[3,6]] is the A above; B [3,1] = [1,1,1]: row sums 6, 15 */
START_TEST(gemm_transa)
{
    int64_t da[2] = {3, 2}, db[2] = {3, 1};
    float a_[6] = {1, 4, 2, 5, 3, 6}, b_[3] = {1, 1, 1}, want[2] = {6, 15}, *in[1] = {a_};
    TensorId t[2];
    Node *n;
    t[0] = u_input(g, "a", 2, da);
    t[1] = u_tensor(g, "b", 2, db, b_);
    n = one(OP_GEMM, t, 2);
    u_attr_int(g, n, "transA", 1);
    run(in);
    expect(want, 2);
}
END_TEST

/* A [2,1,2] = {[1,2]}, {[3,4]} times B [2,3] = [[1,0,2],[0,1,3]] (broadcast over the batch):
 * [1,2] B = [1,2,8], [3,4] B = [3,4,18] */
START_TEST(matmul_broadcast)
{
    int64_t da[3] = {2, 1, 2}, db[2] = {2, 3}, dy[3] = {2, 1, 3};
    float a_[4] = {1, 2, 3, 4}, b_[6] = {1, 0, 2, 0, 1, 3}, want[6] = {1, 2, 8, 3, 4, 18}, *in[1] = {a_};
    TensorId t[2];
    Node *n;
    t[0] = u_input(g, "a", 3, da);
    t[1] = u_tensor(g, "b", 2, db, b_);
    n = one(OP_MATMUL, t, 2);
    run(in);
    expect_dims(n->out[0], 3, dy);
    expect(want, 6);
}
END_TEST

/* both operands with a batch: A [2,1,2] runtime, B [2,2,1] constant: [1,2].[1,1] = 3, [3,4].[2,-1] = 2 */
START_TEST(matmul_batched_weights)
{
    int64_t da[3] = {2, 1, 2}, db[3] = {2, 2, 1};
    float a_[4] = {1, 2, 3, 4}, b_[4] = {1, 1, 2, -1}, want[2] = {3, 2}, *in[1] = {a_};
    TensorId t[2];
    t[0] = u_input(g, "a", 3, da);
    t[1] = u_tensor(g, "b", 3, db, b_);
    one(OP_MATMUL, t, 2);
    run(in);
    expect(want, 2);
}
END_TEST

/* ---- conv, pools ---- */

/*
 * x [1,2,3,3]: channel 0 = 1..9, channel 1 = all 2; group 2, pads 1, strides 2,
 * W0 = [[1,0],[0,1]], W1 = ones, bias [0,100]. Output 2x2 per channel, window
 * at rows/cols 2o-1 .. 2o:
 *   channel 0: x[ih][iw] + x[ih+1][iw+1] = 0+1, 0+3, 0+7, 5+9 = 1, 3, 7, 14
 *   channel 1: 2 * (positions inside x) + 100 = 102, 104, 104, 108
 */
START_TEST(conv_pads_strides_group)
{
    int64_t dx[4] = {1, 2, 3, 3}, dw[4] = {2, 1, 2, 2}, db[1] = {2}, dy[4] = {1, 2, 2, 2};
    int64_t pads[4] = {1, 1, 1, 1}, strides[2] = {2, 2};
    float x_[18] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    float w_[8] = {1, 0, 0, 1, 1, 1, 1, 1}, b_[2] = {0, 100};
    float want[8] = {1, 3, 7, 14, 102, 104, 104, 108}, *in[1] = {x_};
    TensorId t[3];
    Node *n;
    t[0] = u_input(g, "x", 4, dx);
    t[1] = u_tensor(g, "w", 4, dw, w_);
    t[2] = u_tensor(g, "b", 1, db, b_);
    n = one(OP_CONV, t, 3);
    u_attr_int(g, n, "group", 2);
    u_attr_ints(g, n, "pads", 4, pads);
    u_attr_ints(g, n, "strides", 2, strides);
    run(in);
    expect_dims(n->out[0], 4, dy);
    expect(want, 8);
}
END_TEST

/* dilation 2 on x [1,1,1,5] = 1..5, W [1,1,1,2] = [1,-1]: x[i] - x[i+2] = -2, -2, -2 */
START_TEST(conv_dilation)
{
    int64_t dx[4] = {1, 1, 1, 5}, dw[4] = {1, 1, 1, 2}, dil[2] = {1, 2}, dy[4] = {1, 1, 1, 3};
    float x_[5] = {1, 2, 3, 4, 5}, w_[2] = {1, -1}, want[3] = {-2, -2, -2}, *in[1] = {x_};
    TensorId t[2];
    Node *n;
    t[0] = u_input(g, "x", 4, dx);
    t[1] = u_tensor(g, "w", 4, dw, w_);
    n = one(OP_CONV, t, 2);
    u_attr_ints(g, n, "dilations", 2, dil);
    run(in);
    expect_dims(n->out[0], 4, dy);
    expect(want, 3);
}
END_TEST

/* MaxPool 2x2, stride 1 on 1..9 (3x3): 5, 6, 8, 9 */
START_TEST(maxpool)
{
    int64_t dx[4] = {1, 1, 3, 3}, k[2] = {2, 2};
    float x_[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, want[4] = {5, 6, 8, 9}, *in[1] = {x_};
    TensorId x = u_input(g, "x", 4, dx);
    Node *n = one(OP_MAXPOOL, &x, 1);
    u_attr_ints(g, n, "kernel_shape", 2, k);
    run(in);
    expect(want, 4);
}
END_TEST

/* AveragePool 2x2, pads 1, strides 2 on 1..9: windows {1}, {2,3}, {4,7}, {5,6,8,9};
 * without the padding counted: 1, 2.5, 5.5, 7; with it (always 4): .25, 1.25, 2.75, 7 */
static void avgpool(int include_pad, const float *want)
{
    int64_t dx[4] = {1, 1, 3, 3}, k[2] = {2, 2}, pads[4] = {1, 1, 1, 1}, s[2] = {2, 2};
    float x_[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, *in[1] = {x_};
    TensorId x = u_input(g, "x", 4, dx);
    Node *n = one(OP_AVERAGEPOOL, &x, 1);
    u_attr_ints(g, n, "kernel_shape", 2, k);
    u_attr_ints(g, n, "pads", 4, pads);
    u_attr_ints(g, n, "strides", 2, s);
    u_attr_int(g, n, "count_include_pad", include_pad);
    run(in);
    expect(want, 4);
}

START_TEST(averagepool_without_padding)
{
    float want[4] = {1, 2.5f, 5.5f, 7};
    avgpool(0, want);
}
END_TEST

START_TEST(averagepool_with_padding)
{
    float want[4] = {0.25f, 1.25f, 2.75f, 7};
    avgpool(1, want);
}
END_TEST

/* ceil_mode on [1..5], kernel 2, stride 2: windows {1,2}, {3,4}, {5} (the last one
 * partial): averages 1.5, 3.5, 5 (over the positions inside x); maxima 2, 4, 5 */
START_TEST(pools_ceil_mode)
{
    int64_t dx[4] = {1, 1, 1, 5}, k[2] = {1, 2}, st[2] = {1, 2}, dy[4] = {1, 1, 1, 3};
    float x_[5] = {1, 2, 3, 4, 5}, avg[3] = {1.5f, 3.5f, 5}, mx[3] = {2, 4, 5}, *in[1] = {x_};
    static const OpKind ops[2] = {OP_AVERAGEPOOL, OP_MAXPOOL};
    const float *wants[2] = {avg, mx};
    int i;
    for (i = 0; i < 2; i++) {
        TensorId x = u_input(g, "x", 4, dx);
        Node *n = one(ops[i], &x, 1);
        u_attr_ints(g, n, "kernel_shape", 2, k);
        u_attr_ints(g, n, "strides", 2, st);
        u_attr_int(g, n, "ceil_mode", 1);
        run(in);
        expect_dims(n->out[0], 4, dy);
        expect(wants[i], 3);
        teardown();
        setup();
    }
}
END_TEST

/* x [1,2,2,2] = [1,2,3,4], [-1,-8,0,5]: averages 2.5, -1; maxima 4, 5 */
START_TEST(global_pools)
{
    int64_t dx[4] = {1, 2, 2, 2}, dy[4] = {1, 2, 1, 1};
    float x_[8] = {1, 2, 3, 4, -1, -8, 0, 5}, avg[2] = {2.5f, -1}, mx[2] = {4, 5}, *in[1] = {x_};
    TensorId x = u_input(g, "x", 4, dx);
    Node *n = one(OP_GLOBALAVERAGEPOOL, &x, 1);
    run(in);
    expect_dims(n->out[0], 4, dy);
    expect(avg, 2);
    teardown();
    setup();
    x = u_input(g, "x", 4, dx);
    one(OP_GLOBALMAXPOOL, &x, 1);
    run(in);
    expect(mx, 2);
}
END_TEST

/* ---- element-wise ---- */

/* [2,3] 1..6 minus [3] = [1,10,100]: 0,-8,-97, 3,-5,-94 */
START_TEST(binary_broadcast_row)
{
    int64_t da[2] = {2, 3}, db[1] = {3};
    float a_[6] = {1, 2, 3, 4, 5, 6}, b_[3] = {1, 10, 100}, want[6] = {0, -8, -97, 3, -5, -94}, *in[1] = {a_};
    TensorId t[2];
    t[0] = u_input(g, "a", 2, da);
    t[1] = u_tensor(g, "b", 1, db, b_);
    one(OP_SUB, t, 2);
    run(in);
    expect(want, 6);
}
END_TEST

/* [2,1] = [6,8] divided by [1,3] = [1,2,4]: an outer broadcast to [2,3]: 6,3,1.5, 8,4,2 */
START_TEST(binary_broadcast_both)
{
    int64_t da[2] = {2, 1}, db[2] = {1, 3}, dy[2] = {2, 3};
    float a_[2] = {6, 8}, b_[3] = {1, 2, 4}, want[6] = {6, 3, 1.5f, 8, 4, 2}, *in[2] = {a_, b_};
    TensorId t[2];
    Node *n;
    t[0] = u_input(g, "a", 2, da);
    t[1] = u_input(g, "b", 2, db);
    n = one(OP_DIV, t, 2);
    run(in);
    expect_dims(n->out[0], 2, dy);
    expect(want, 6);
}
END_TEST

/* Add then Mul by a scalar constant 3: (1+1)*3, (2-4)*3 */
START_TEST(binary_scalar)
{
    int64_t dx[2] = {1, 2};
    float x_[2] = {1, 2}, y_[2] = {1, -4}, three = 3, want[2] = {6, -6}, *in[2] = {x_, y_};
    TensorId t[2];
    Node *add;
    t[0] = u_input(g, "a", 2, dx);
    t[1] = u_input(g, "b", 2, dx);
    add = u_node(g, OP_ADD, t, 2, "s");
    t[0] = add->out[0];
    t[1] = u_tensor(g, "three", 0, dx, &three);
    one(OP_MUL, t, 2);
    run(in);
    expect(want, 2);
}
END_TEST

static const float ux[4] = {-2, -0.5f, 0, 3};

static void unary(OpKind op, float alpha, const float *want)
{
    int64_t dx[2] = {1, 4};
    float x_[4], *in[1] = {x_};
    TensorId x;
    Node *n;
    memcpy(x_, ux, sizeof x_);
    x = u_input(g, "x", 2, dx);
    n = one(op, &x, 1);
    if (alpha != 0.0f)
        u_attr_float(g, n, "alpha", alpha);
    run(in);
    expect(want, 4);
    teardown();
    setup();
}

/* on x = -2, -.5, 0, 3: relu 0,0,0,3; leaky (.1) -.2,-.05,0,3; sigmoid 1/(1+e^-x) =
 * .119202922, .377540669, .5, .952574127; tanh -.964027580, -.462117157, 0, .995054754 */
START_TEST(unary_activations)
{
    float relu[4] = {0, 0, 0, 3}, leaky[4] = {-0.2f, -0.05f, 0, 3};
    float sig[4] = {0.119202922f, 0.377540669f, 0.5f, 0.952574127f};
    float th[4] = {-0.964027580f, -0.462117157f, 0, 0.995054754f};
    unary(OP_RELU, 0, relu);
    unary(OP_LEAKYRELU, 0.1f, leaky);
    unary(OP_SIGMOID, 0, sig);
    unary(OP_TANH, 0, th);
}
END_TEST

/* on x = -2, -.5, 0, 3: abs, neg, floor, ceil, round (half to even: -.5 -> -0), sign,
 * exp, elu (alpha 1: e^x - 1 below 0), softsign x/(1+|x|), hardsigmoid max(0,min(1,.2x+.5)) */
START_TEST(unary_math)
{
    float ab[4] = {2, 0.5f, 0, 3}, ng[4] = {2, 0.5f, 0, -3}, fl[4] = {-2, -1, 0, 3}, ce[4] = {-2, 0, 0, 3};
    float ro[4] = {-2, 0, 0, 3}, sg[4] = {-1, -1, 0, 1};
    float ex[4] = {0.135335283f, 0.606530660f, 1, 20.0855369f};
    float elu[4] = {-0.864664717f, -0.393469340f, 0, 3};
    float ss[4] = {-0.666666667f, -0.333333333f, 0, 0.75f};
    float hs[4] = {0.1f, 0.4f, 0.5f, 1};
    unary(OP_ABS, 0, ab);
    unary(OP_NEG, 0, ng);
    unary(OP_FLOOR, 0, fl);
    unary(OP_CEIL, 0, ce);
    unary(OP_ROUND, 0, ro);
    unary(OP_SIGN, 0, sg);
    unary(OP_EXP, 0, ex);
    unary(OP_ELU, 0, elu);
    unary(OP_SOFTSIGN, 0, ss);
    unary(OP_HARDSIGMOID, 0, hs);
}
END_TEST

/* sqrt 4 = 2, log e = 1, reciprocal 4 = .25, erf 1 = .842700793 */
START_TEST(unary_math_positive)
{
    int64_t dx[1] = {1};
    static const OpKind ops[4] = {OP_SQRT, OP_LOG, OP_RECIPROCAL, OP_ERF};
    float xs[4] = {4, 2.718281828f, 4, 1}, want[4] = {2, 1, 0.25f, 0.842700793f};
    int k;
    for (k = 0; k < 4; k++) {
        float x_[1], *in[1] = {x_};
        TensorId x;
        x_[0] = xs[k];
        x = u_input(g, "x", 1, dx);
        one(ops[k], &x, 1);
        run(in);
        expect(&want[k], 1);
        teardown();
        setup();
    }
}
END_TEST

/* Max, Sum, Mean of [1,5] and [3] broadcast over [2]: max 3,5; sum 4,8; mean 2,4;
 * PRelu of [-2,5] with slope [.5]: -1, 5 */
START_TEST(nary_ops)
{
    int64_t d2[1] = {2}, d1[1] = {1};
    float a_[2] = {1, 5}, b_[1] = {3}, mx[2] = {3, 5}, sm[2] = {4, 8}, mn[2] = {2, 4};
    float p_[2] = {-2, 5}, slope[1] = {0.5f}, pr[2] = {-1, 5};
    static const OpKind ops[3] = {OP_MAX, OP_SUM, OP_MEAN};
    const float *wants[3] = {mx, sm, mn};
    int k;
    for (k = 0; k < 3; k++) {
        float *in[1] = {a_};
        TensorId t[2];
        t[0] = u_input(g, "a", 1, d2);
        t[1] = u_tensor(g, "b", 1, d1, b_);
        one(ops[k], t, 2);
        run(in);
        expect(wants[k], 2);
        teardown();
        setup();
    }
    {
        float *in[1] = {p_};
        TensorId t[2];
        t[0] = u_input(g, "p", 1, d2);
        t[1] = u_tensor(g, "slope", 1, d1, slope);
        one(OP_PRELU, t, 2);
        run(in);
        expect(pr, 2);
    }
}
END_TEST

/* Clip (opset 13: bounds as inputs) to [-1, 2]: -2, -.5, 0, 3 -> -1, -.5, 0, 2 */
START_TEST(clip_bounds_inputs)
{
    int64_t dx[2] = {1, 4};
    float x_[4] = {-2, -0.5f, 0, 3}, lo = -1, hi = 2, want[4] = {-1, -0.5f, 0, 2}, *in[1] = {x_};
    TensorId t[3];
    t[0] = u_input(g, "x", 2, dx);
    t[1] = u_tensor(g, "lo", 0, dx, &lo);
    t[2] = u_tensor(g, "hi", 0, dx, &hi);
    one(OP_CLIP, t, 3);
    run(in);
    expect(want, 4);
}
END_TEST

/* ---- softmax ---- */

/* x = 1, 2, 3: e^(x-3) = .135335283, .367879441, 1, sum 1.503214724:
 * softmax .090030573, .244728471, .665240956; log-softmax x - 3 - log(1.503214724) =
 * -2.407605964, -1.407605964, -.407605964 */
START_TEST(softmax_and_logsoftmax)
{
    int64_t dx[2] = {1, 3};
    float x_[3] = {1, 2, 3}, *in[1] = {x_};
    float sm[3] = {0.090030573f, 0.244728471f, 0.665240956f};
    float lsm[3] = {-2.407605964f, -1.407605964f, -0.407605964f};
    TensorId x = u_input(g, "x", 2, dx);
    one(OP_SOFTMAX, &x, 1);
    run(in);
    expect(sm, 3);
    teardown();
    setup();
    x = u_input(g, "x", 2, dx);
    one(OP_LOGSOFTMAX, &x, 1);
    run(in);
    expect(lsm, 3);
}
END_TEST

/* axis 0 of [2,2] = [[0,0],[ln 3, 0]]: columns are (1, 3)/4 and (1, 1)/2 */
START_TEST(softmax_axis0)
{
    int64_t dx[2] = {2, 2};
    float x_[4] = {0, 0, 1.098612289f, 0}, want[4] = {0.25f, 0.5f, 0.75f, 0.5f}, *in[1] = {x_};
    TensorId x = u_input(g, "x", 2, dx);
    Node *n = one(OP_SOFTMAX, &x, 1);
    u_attr_int(g, n, "axis", 0);
    run(in);
    expect(want, 4);
}
END_TEST

/* ---- data movement ---- */

/* [2,3] 1..6 reshaped to [3,-1]: [3,2], the same values */
START_TEST(reshape_infers_minus_one)
{
    int64_t dx[2] = {2, 3}, ds[1] = {2}, shape[2] = {3, -1}, dy[2] = {3, 2};
    float x_[6] = {1, 2, 3, 4, 5, 6}, *in[1] = {x_};
    TensorId t[2];
    Node *n;
    t[0] = u_input(g, "x", 2, dx);
    t[1] = u_tensor_i64(g, "shape", 1, ds, shape);
    n = one(OP_RESHAPE, t, 2);
    run(in);
    expect_dims(n->out[0], 2, dy);
    expect(x_, 6);
}
END_TEST

/* [2,3] 1..6 transposed (perm 1,0): [[1,4],[2,5],[3,6]] */
START_TEST(transpose)
{
    int64_t dx[2] = {2, 3}, perm[2] = {1, 0}, dy[2] = {3, 2};
    float x_[6] = {1, 2, 3, 4, 5, 6}, want[6] = {1, 4, 2, 5, 3, 6}, *in[1] = {x_};
    TensorId x = u_input(g, "x", 2, dx);
    Node *n = one(OP_TRANSPOSE, &x, 1);
    u_attr_ints(g, n, "perm", 2, perm);
    run(in);
    expect_dims(n->out[0], 2, dy);
    expect(want, 6);
}
END_TEST

/* [2,1] = [1,2] and [2,2] = [[3,4],[5,6]] along axis 1: [[1,3,4],[2,5,6]] */
START_TEST(concat_axis1)
{
    int64_t da[2] = {2, 1}, db[2] = {2, 2}, dy[2] = {2, 3};
    float a_[2] = {1, 2}, b_[4] = {3, 4, 5, 6}, want[6] = {1, 3, 4, 2, 5, 6}, *in[2] = {a_, b_};
    TensorId t[2];
    Node *n;
    t[0] = u_input(g, "a", 2, da);
    t[1] = u_input(g, "b", 2, db);
    n = one(OP_CONCAT, t, 2);
    u_attr_int(g, n, "axis", 1);
    run(in);
    expect_dims(n->out[0], 2, dy);
    expect(want, 6);
}
END_TEST

/* [2,4] 0..7, starts 1, ends 4, axis 1, step 2: columns 1 and 3: 1,3,5,7 */
START_TEST(slice_with_step)
{
    int64_t dx[2] = {2, 4}, d1[1] = {1}, st[1] = {1}, en[1] = {4}, ax[1] = {1}, sp[1] = {2}, dy[2] = {2, 2};
    float x_[8] = {0, 1, 2, 3, 4, 5, 6, 7}, want[4] = {1, 3, 5, 7}, *in[1] = {x_};
    TensorId t[5];
    Node *n;
    t[0] = u_input(g, "x", 2, dx);
    t[1] = u_tensor_i64(g, "starts", 1, d1, st);
    t[2] = u_tensor_i64(g, "ends", 1, d1, en);
    t[3] = u_tensor_i64(g, "axes", 1, d1, ax);
    t[4] = u_tensor_i64(g, "steps", 1, d1, sp);
    n = one(OP_SLICE, t, 5);
    run(in);
    expect_dims(n->out[0], 2, dy);
    expect(want, 4);
}
END_TEST

/* a negative step: ends -5 (before the start), step -1 reverses a row of 4 */
START_TEST(slice_reverse)
{
    int64_t dx[2] = {1, 4}, d1[1] = {1}, st[1] = {-1}, en[1] = {-5}, ax[1] = {1}, sp[1] = {-1};
    float x_[4] = {1, 2, 3, 4}, want[4] = {4, 3, 2, 1}, *in[1] = {x_};
    TensorId t[5];
    t[0] = u_input(g, "x", 2, dx);
    t[1] = u_tensor_i64(g, "starts", 1, d1, st);
    t[2] = u_tensor_i64(g, "ends", 1, d1, en);
    t[3] = u_tensor_i64(g, "axes", 1, d1, ax);
    t[4] = u_tensor_i64(g, "steps", 1, d1, sp);
    one(OP_SLICE, t, 5);
    run(in);
    expect(want, 4);
}
END_TEST

/* [2,3] 1..6, axis 1, indices [2,0,-1]: 3,1,3, 6,4,6 */
START_TEST(gather_axis1)
{
    int64_t dx[2] = {2, 3}, di[1] = {3}, idx[3] = {2, 0, -1}, dy[2] = {2, 3};
    float x_[6] = {1, 2, 3, 4, 5, 6}, want[6] = {3, 1, 3, 6, 4, 6}, *in[1] = {x_};
    TensorId t[2];
    Node *n;
    t[0] = u_input(g, "x", 2, dx);
    t[1] = u_tensor_i64(g, "idx", 1, di, idx);
    n = one(OP_GATHER, t, 2);
    u_attr_int(g, n, "axis", 1);
    run(in);
    expect_dims(n->out[0], 2, dy);
    expect(want, 6);
}
END_TEST

/* ---- reductions ---- */

/* over [2,3] = [[1,2,3],[4,5,6]]: */
static void reduce(OpKind op, int axis, int keepdims, int rank, const int64_t *dy, const float *want, int n)
{
    int64_t dx[2] = {2, 3}, ax[1];
    float x_[6] = {1, 2, 3, 4, 5, 6}, *in[1] = {x_};
    TensorId x = u_input(g, "x", 2, dx);
    Node *nd = one(op, &x, 1);
    ax[0] = axis;
    u_attr_ints(g, nd, "axes", 1, ax);
    u_attr_int(g, nd, "keepdims", keepdims);
    run(in);
    expect_dims(nd->out[0], rank, dy);
    expect(want, n);
    teardown();
    setup();
}

/* axis 1: sums 6, 15; max 3, 6; L2 sqrt(14), sqrt(77); log-sum-exp 3 + log(1+e^-1+e^-2) = 3.407605964,
 * 6.407605964; prod 6, 120; axis 0 (keepdims 0): means 2.5, 3.5, 4.5; minima 1, 2, 3 */
START_TEST(reductions)
{
    int64_t d21[2] = {2, 1}, d3[1] = {3};
    float sum[2] = {6, 15}, mx[2] = {3, 6}, l2[2] = {3.741657387f, 8.774964387f};
    float lse[2] = {3.407605964f, 6.407605964f}, prod[2] = {6, 120}, mean[3] = {2.5f, 3.5f, 4.5f}, mn[3] = {1, 2, 3};
    reduce(OP_REDUCESUM, 1, 1, 2, d21, sum, 2);
    reduce(OP_REDUCEMAX, 1, 1, 2, d21, mx, 2);
    reduce(OP_REDUCEL2, -1, 1, 2, d21, l2, 2);
    reduce(OP_REDUCELOGSUMEXP, 1, 1, 2, d21, lse, 2);
    reduce(OP_REDUCEPROD, 1, 1, 2, d21, prod, 2);
    reduce(OP_REDUCEMEAN, 0, 0, 1, d3, mean, 3);
    reduce(OP_REDUCEMIN, 0, 0, 1, d3, mn, 3);
}
END_TEST

/* opset 13's ReduceSum takes its axes as an input; no axes: everything, 21 */
START_TEST(reducesum_axes_input)
{
    int64_t dx[2] = {2, 3}, d1[1] = {1}, ax[1] = {0}, dy[2] = {1, 3};
    float x_[6] = {1, 2, 3, 4, 5, 6}, want[3] = {5, 7, 9}, all[1] = {21}, *in[1] = {x_};
    TensorId t[2];
    Node *n;
    t[0] = u_input(g, "x", 2, dx);
    t[1] = u_tensor_i64(g, "axes", 1, d1, ax);
    n = one(OP_REDUCESUM, t, 2);
    run(in);
    expect_dims(n->out[0], 2, dy);
    expect(want, 3);
    teardown();
    setup();
    t[0] = u_input(g, "x", 2, dx);
    n = one(OP_REDUCESUM, t, 1);
    u_attr_int(g, n, "keepdims", 0);
    run(in);
    ck_assert_int_eq(g->t[n->out[0]].rank, 0);
    expect(all, 1);
}
END_TEST

/* ---- normalisations ---- */

/* x [1,2,1,2] = [1,3], [2,6]; scale [2,1], B [.5,0], mean [2,4], var [4,1], epsilon 0:
 * 2(1-2)/2+.5 = -.5, 2(3-2)/2+.5 = 1.5; (2-4)/1 = -2, (6-4)/1 = 2 */
START_TEST(batchnorm)
{
    int64_t dx[4] = {1, 2, 1, 2}, dc[1] = {2};
    float x_[4] = {1, 3, 2, 6}, sc[2] = {2, 1}, b_[2] = {0.5f, 0}, mu[2] = {2, 4}, var[2] = {4, 1};
    float want[4] = {-0.5f, 1.5f, -2, 2}, *in[1] = {x_};
    TensorId t[5];
    Node *n;
    t[0] = u_input(g, "x", 4, dx);
    t[1] = u_tensor(g, "scale", 1, dc, sc);
    t[2] = u_tensor(g, "b", 1, dc, b_);
    t[3] = u_tensor(g, "mean", 1, dc, mu);
    t[4] = u_tensor(g, "var", 1, dc, var);
    n = one(OP_BATCHNORM, t, 5);
    u_attr_float(g, n, "epsilon", 0.0f);
    run(in);
    expect(want, 4);
}
END_TEST

/* x [1,1,1,4] = 1..4: mean 2.5, variance 1.25, epsilon 0, scale 2, B 1:
 * 2 (x - 2.5) / sqrt(1.25) + 1 = -1.683281573, .105572809, 1.894427191, 3.683281573 */
START_TEST(instancenorm)
{
    int64_t dx[4] = {1, 1, 1, 4}, dc[1] = {1};
    float x_[4] = {1, 2, 3, 4}, sc[1] = {2}, b_[1] = {1}, *in[1] = {x_};
    float want[4] = {-1.683281573f, 0.105572809f, 1.894427191f, 3.683281573f};
    TensorId t[3];
    Node *n;
    t[0] = u_input(g, "x", 4, dx);
    t[1] = u_tensor(g, "scale", 1, dc, sc);
    t[2] = u_tensor(g, "b", 1, dc, b_);
    n = one(OP_INSTANCENORM, t, 3);
    u_attr_float(g, n, "epsilon", 0.0f);
    run(in);
    expect(want, 4);
}
END_TEST

/* rows [0,4] and [5,7] over the last axis: means 2, 6, variances 4, 1: both (-1, 1);
 * scale [1,2], B [.5,0]: -.5, 2 per row */
START_TEST(layernorm)
{
    int64_t dx[2] = {2, 2}, dc[1] = {2};
    float x_[4] = {0, 4, 5, 7}, sc[2] = {1, 2}, b_[2] = {0.5f, 0}, want[4] = {-0.5f, 2, -0.5f, 2}, *in[1] = {x_};
    TensorId t[3];
    Node *n;
    g->opset = 17;
    t[0] = u_input(g, "x", 2, dx);
    t[1] = u_tensor(g, "scale", 1, dc, sc);
    t[2] = u_tensor(g, "b", 1, dc, b_);
    n = one(OP_LAYERNORM, t, 3);
    u_attr_float(g, n, "epsilon", 0.0f);
    run(in);
    expect(want, 4);
}
END_TEST

/* ---- fused activations and the formula shared with the emitter ---- */

/* Gemm with a fused LeakyRelu (alpha .5): [1,-3] . I = 1, -1.5 */
START_TEST(fused_activation_applies)
{
    int64_t dx[2] = {1, 2}, dw[2] = {2, 2};
    float x_[2] = {1, -3}, w_[4] = {1, 0, 0, 1}, want[2] = {1, -1.5f}, *in[1] = {x_};
    TensorId t[2];
    Node *gemm, *act;
    t[0] = u_input(g, "x", 2, dx);
    t[1] = u_tensor(g, "w", 2, dw, w_);
    gemm = u_node(g, OP_GEMM, t, 2, "h");
    act = one(OP_LEAKYRELU, &gemm->out[0], 1);
    u_attr_float(g, act, "alpha", 0.5f);
    infer_shapes(g);
    remove_dead(g);
    ck_assert_int_eq(fuse_activations(g), 1);
    {
        float *outs[1] = {got};
        interp_run(g, in, outs);
    }
    expect(want, 2);
    ck_assert(interp_act(OP_RELU, 0, -0.0f) == 0.0f);
    ck_assert(interp_act(OP_LEAKYRELU, 0.25f, -8.0f) == -2.0f);
    ck_assert(interp_act(OP_SIGMOID, 0, 0.0f) == 0.5f);
}
END_TEST

/* ---- the other classes: transposed conv, pad, resize, depth/space, split, hardmax,
 * expand/tile, det, shape/cast ---- */

/* ConvTranspose of [1,2] with W [1,10]: each input spreads its kernel: 1, 1*10 + 2, 2*10 */
START_TEST(convtranspose)
{
    int64_t dx[4] = {1, 1, 1, 2}, dw[4] = {1, 1, 1, 2}, dy[4] = {1, 1, 1, 3};
    float x_[2] = {1, 2}, w_[2] = {1, 10}, want[3] = {1, 12, 20}, *in[1] = {x_};
    TensorId t[2];
    Node *n;
    t[0] = u_input(g, "x", 4, dx);
    t[1] = u_tensor(g, "w", 4, dw, w_);
    n = one(OP_CONVTRANSPOSE, t, 2);
    run(in);
    expect_dims(n->out[0], 4, dy);
    expect(want, 3);
}
END_TEST

/* [1,2,3] padded 2 before and 1 after: constant 9: 9,9,1,2,3,9; reflect: 3,2,1,2,3,2;
 * edge: 1,1,1,2,3,3 */
static void pad(const char *mode, int with_value, const float *want)
{
    int64_t dx[2] = {1, 3}, dp[1] = {4}, pads[4] = {0, 2, 0, 1}, dy[2] = {1, 6};
    float x_[3] = {1, 2, 3}, nine = 9, *in[1] = {x_};
    TensorId t[3];
    Node *n;
    t[0] = u_input(g, "x", 2, dx);
    t[1] = u_tensor_i64(g, "pads", 1, dp, pads);
    t[2] = u_tensor(g, "v", 0, dx, &nine);
    n = one(OP_PAD, t, with_value ? 3 : 2);
    u_attr_string(g, n, "mode", mode);
    run(in);
    expect_dims(n->out[0], 2, dy);
    expect(want, 6);
    teardown();
    setup();
}

START_TEST(pad_modes)
{
    float c[6] = {9, 9, 1, 2, 3, 9}, r[6] = {3, 2, 1, 2, 3, 2}, e[6] = {1, 1, 1, 2, 3, 3};
    pad("constant", 1, c);
    pad("reflect", 0, r);
    pad("edge", 0, e);
}
END_TEST

/* [0,4] resized x2 along the last axis, half_pixel: sources -.25, .25, .75, 1.25:
 * nearest (round_prefer_floor, clamped) 0,0,4,4; linear (clamped ends) 0, 1, 3, 4 */
static void resize(const char *mode, const float *want)
{
    int64_t dx[4] = {1, 1, 1, 2}, ds[1] = {4}, dy[4] = {1, 1, 1, 4};
    float x_[2] = {0, 4}, sc[4] = {1, 1, 1, 2}, *in[1] = {x_};
    TensorId t[3];
    Node *n;
    t[0] = u_input(g, "x", 4, dx);
    t[1] = TC_NONE;
    t[2] = u_tensor(g, "scales", 1, ds, sc);
    n = one(OP_RESIZE, t, 3);
    u_attr_string(g, n, "mode", mode);
    run(in);
    expect_dims(n->out[0], 4, dy);
    expect(want, 4);
    teardown();
    setup();
}

START_TEST(resize_modes)
{
    float nearest[4] = {0, 0, 4, 4}, linear[4] = {0, 1, 3, 4};
    resize("nearest", nearest);
    resize("linear", linear);
}
END_TEST

/* x [1,8,1,1] = 0..7, blocksize 2 -> [1,2,2,2]: DCR takes channel (i*2+j)*2 + c:
 * 0,2,4,6, 1,3,5,7; CRD takes c*4 + i*2+j: 0..7 in order; SpaceToDepth undoes DCR */
START_TEST(depth_to_space_modes)
{
    int64_t dx[4] = {1, 8, 1, 1}, dy[4] = {1, 2, 2, 2};
    float x_[8] = {0, 1, 2, 3, 4, 5, 6, 7}, dcr[8] = {0, 2, 4, 6, 1, 3, 5, 7}, *in[1] = {x_};
    TensorId x = u_input(g, "x", 4, dx);
    Node *n = one(OP_DEPTHTOSPACE, &x, 1);
    u_attr_int(g, n, "blocksize", 2);
    run(in);
    expect_dims(n->out[0], 4, dy);
    expect(dcr, 8);
    teardown();
    setup();
    x = u_input(g, "x", 4, dx);
    n = one(OP_DEPTHTOSPACE, &x, 1);
    u_attr_int(g, n, "blocksize", 2);
    u_attr_string(g, n, "mode", "CRD");
    run(in);
    expect(x_, 8);
    teardown();
    setup();
    {
        float *in2[1] = {dcr};
        x = u_input(g, "x", 4, dy);
        n = one(OP_SPACETODEPTH, &x, 1);
        u_attr_int(g, n, "blocksize", 2);
        run(in2);
        expect_dims(n->out[0], 4, dx);
        expect(x_, 8);
    }
}
END_TEST

/* [1,4] = 0..3 split [1,3] along axis 1: [0] and [1,2,3], both graph outputs */
START_TEST(split_two_outputs)
{
    int64_t dx[2] = {1, 4}, ds[1] = {2}, sp[2] = {1, 3};
    float x_[4] = {0, 1, 2, 3}, a_[1], b_[3], *in[1] = {x_}, *outs[2] = {a_, b_};
    Node *n = ir_node(g, OP_SPLIT, "sp", 2, 2);
    int i;
    n->in[0] = u_input(g, "x", 2, dx);
    n->in[1] = u_tensor_i64(g, "split", 1, ds, sp);
    for (i = 0; i < 2; i++) {
        n->out[i] = ir_new_tensor(g, i ? "b" : "a");
        g->t[n->out[i]].producer = (int)(n - g->n);
        u_output(g, n->out[i]);
    }
    u_attr_int(g, n, "axis", 1);
    infer_shapes(g);
    remove_dead(g);
    interp_run(g, in, outs);
    ck_assert_int_eq(g->t[n->out[1]].dims[1], 3);
    ck_assert(a_[0] == 0.0f);
    ck_assert(b_[0] == 1.0f && b_[1] == 2.0f && b_[2] == 3.0f);
}
END_TEST

/* Hardmax of [1,3,3,-1]: 1 at the first maximum */
START_TEST(hardmax_first_maximum)
{
    int64_t dx[2] = {1, 4};
    float x_[4] = {1, 3, 3, -1}, want[4] = {0, 1, 0, 0}, *in[1] = {x_};
    TensorId x = u_input(g, "x", 2, dx);
    one(OP_HARDMAX, &x, 1);
    run(in);
    expect(want, 4);
}
END_TEST

/* Expand [3,1] = 1,2,3 to [2,3,2]: each value twice, the block twice;
 * Tile [1,2] = 1,2 by [2,2]: [[1,2,1,2],[1,2,1,2]] */
START_TEST(expand_and_tile)
{
    int64_t dx[2] = {3, 1}, ds[1] = {3}, shape[3] = {2, 3, 2}, dy[3] = {2, 3, 2};
    float x_[3] = {1, 2, 3}, want[12] = {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}, *in[1] = {x_};
    int64_t dt[2] = {1, 2}, dr[1] = {2}, reps[2] = {2, 2}, dty[2] = {2, 4};
    float t_[2] = {1, 2}, tw[8] = {1, 2, 1, 2, 1, 2, 1, 2}, *tin[1] = {t_};
    TensorId t[2];
    Node *n;
    t[0] = u_input(g, "x", 2, dx);
    t[1] = u_tensor_i64(g, "shape", 1, ds, shape);
    n = one(OP_EXPAND, t, 2);
    run(in);
    expect_dims(n->out[0], 3, dy);
    expect(want, 12);
    teardown();
    setup();
    t[0] = u_input(g, "x", 2, dt);
    t[1] = u_tensor_i64(g, "reps", 1, dr, reps);
    n = one(OP_TILE, t, 2);
    run(tin);
    expect_dims(n->out[0], 2, dty);
    expect(tw, 8);
}
END_TEST

/* det [[1,2],[3,4]] = -2; det of [[2,0,0],[0,3,0],[1,1,4]] = 24 */
START_TEST(determinant)
{
    int64_t d2[2] = {2, 2}, d3[2] = {3, 3};
    float a_[4] = {1, 2, 3, 4}, b_[9] = {2, 0, 0, 0, 3, 0, 1, 1, 4}, wa[1] = {-2}, wb[1] = {24};
    float *ina[1] = {a_}, *inb[1] = {b_};
    TensorId x = u_input(g, "x", 2, d2);
    one(OP_DET, &x, 1);
    run(ina);
    expect(wa, 1);
    teardown();
    setup();
    x = u_input(g, "x", 2, d3);
    one(OP_DET, &x, 1);
    run(inb);
    expect(wb, 1);
}
END_TEST

/* Shape of x [2,5,3] cast to float: 2, 5, 3 (folded at shape time: x's shape is static) */
START_TEST(shape_then_cast)
{
    int64_t dx[3] = {2, 5, 3};
    float x_[30], want[3] = {2, 5, 3}, *in[1] = {x_};
    TensorId x;
    Node *sh, *n;
    memset(x_, 0, sizeof x_);
    x = u_input(g, "x", 3, dx);
    sh = u_node(g, OP_SHAPE, &x, 1, "s");
    n = one(OP_CAST, &sh->out[0], 1);
    u_attr_int(g, n, "to", 1);
    run(in);
    ck_assert_int_eq(g->t[sh->out[0]].dtype, DT_INT64);
    ck_assert_int_eq(g->t[n->out[0]].dtype, DT_FLOAT);
    expect(want, 3);
}
END_TEST

/* TfIdfVectorizer, TF, 1- and 2-grams, skips 0..5 on the rows [1 1 3 3 3 7] and [8 6 7 5 6 8]
 * (ONNX's example): pool 1-grams 2 3 5 4, 2-grams (5,6) (7,8) (6,7). Row 0: 3 three times;
 * row 1: 5 once, (5,6) at skip 0, (7,8) at skip 1, (6,7) at skip 0 (and (6,... 8) is no pool entry). */
START_TEST(tfidf_counts)
{
    int64_t dx[2] = {2, 6}, dy[2] = {2, 7}, tok[12] = {1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8};
    int64_t counts[2] = {0, 4}, idx[7] = {0, 1, 2, 3, 4, 5, 6}, pool[10] = {2, 3, 5, 4, 5, 6, 7, 8, 6, 7};
    float want[14] = {0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1};
    TensorId x = u_tensor_i64(g, "x", 2, dx, tok);
    Node *n = one(OP_TFIDF, &x, 1);
    g->t[x].etype = ET_INT64;
    u_attr_string(g, n, "mode", "TF");
    u_attr_int(g, n, "min_gram_length", 1);
    u_attr_int(g, n, "max_gram_length", 2);
    u_attr_int(g, n, "max_skip_count", 5);
    u_attr_ints(g, n, "ngram_counts", 2, counts);
    u_attr_ints(g, n, "ngram_indexes", 7, idx);
    u_attr_ints(g, n, "pool_int64s", 10, pool);
    run(NULL);
    expect_dims(n->out[0], 2, dy);
    expect(want, 14);
}
END_TEST

/* float16 and bfloat16 (interp_types.c): every float16 value goes to float and back
 * unchanged (NaN to a NaN); halfway cases round to even; overflow and underflow. */
START_TEST(half_and_bfloat16_conversions)
{
    uint32_t h;
    for (h = 0; h < 0x10000; h++) {
        float f = f16_to_float((uint16_t)h);
        if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff))
            ck_assert(f != f && (float_to_f16(f) & 0x7e00) == 0x7e00);
        else
            ck_assert_uint_eq(float_to_f16(f), h);
        ck_assert_uint_eq(float_to_bf16(bf16_to_float((uint16_t)h)), (h & 0x7fff) > 0x7f80 ? h | 0x40 : h);
    }
    ck_assert_uint_eq(float_to_f16(1.0f + 1.0f / 2048), 0x3c00);         /* a tie: down to even */
    ck_assert_uint_eq(float_to_f16(1.0f + 3.0f / 2048), 0x3c02);         /* a tie: up to even */
    ck_assert_uint_eq(float_to_f16(65519.0f), 0x7bff);                   /* the largest */
    ck_assert_uint_eq(float_to_f16(65520.0f), 0x7c00);                   /* rounds to infinity */
    ck_assert_uint_eq(float_to_f16(-1e-8f), 0x8000);                     /* under half a subnormal */
    ck_assert_uint_eq(float_to_f16(0x1p-25f), 0x0000);                   /* half a subnormal: even, 0 */
    ck_assert_uint_eq(float_to_f16(0x1.8p-25f), 0x0001);
    ck_assert_uint_eq(float_to_f16(0x1.8p-24f), 0x0002);                 /* 1.5 subnormals: even, 2 */
    ck_assert_uint_eq(float_to_bf16(1.0f + 1.0f / 256), 0x3f80);         /* a tie: down to even */
    ck_assert_uint_eq(float_to_bf16(1.0f + 3.0f / 256), 0x3f82);
    ck_assert_uint_eq(float_to_bf16(0x1.fffffep127f), 0x7f80);             /* rounds to infinity */
    ck_assert(f64_to_float(1e39) > 0x1.fffffep127f && f64_to_float(-1e-300) == 0.0f);
    ck_assert(f64_to_float(1.0 + 0x1p-24) == 1.0f && f64_to_float(1.0 + 0x1.8p-23) == 1.0f + 0x1p-22f);
    ck_assert(f64_to_float(0x1.8p-150) == 0x1p-149f && f64_to_float(0x1p-150) == 0.0f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("interp");
    TCase *tc = tcase_create("ops");
    TCase *more = tcase_create("more");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, gemm_transb_alpha_beta);
    tcase_add_test(tc, gemm_transa);
    tcase_add_test(tc, matmul_broadcast);
    tcase_add_test(tc, matmul_batched_weights);
    tcase_add_test(tc, conv_pads_strides_group);
    tcase_add_test(tc, conv_dilation);
    tcase_add_test(tc, maxpool);
    tcase_add_test(tc, averagepool_without_padding);
    tcase_add_test(tc, averagepool_with_padding);
    tcase_add_test(tc, pools_ceil_mode);
    tcase_add_test(tc, global_pools);
    tcase_add_test(tc, binary_broadcast_row);
    tcase_add_test(tc, binary_broadcast_both);
    tcase_add_test(tc, binary_scalar);
    tcase_add_test(tc, unary_activations);
    tcase_add_test(tc, unary_math);
    tcase_add_test(tc, unary_math_positive);
    tcase_add_test(tc, nary_ops);
    tcase_add_test(tc, clip_bounds_inputs);
    tcase_add_test(tc, softmax_and_logsoftmax);
    tcase_add_test(tc, softmax_axis0);
    tcase_add_test(tc, reshape_infers_minus_one);
    tcase_add_test(tc, transpose);
    tcase_add_test(tc, concat_axis1);
    tcase_add_test(tc, slice_with_step);
    tcase_add_test(tc, slice_reverse);
    tcase_add_test(tc, gather_axis1);
    tcase_add_test(tc, reductions);
    tcase_add_test(tc, reducesum_axes_input);
    tcase_add_test(tc, batchnorm);
    tcase_add_test(tc, instancenorm);
    tcase_add_test(tc, layernorm);
    tcase_add_test(tc, fused_activation_applies);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(more, setup, teardown);
    tcase_add_test(more, convtranspose);
    tcase_add_test(more, pad_modes);
    tcase_add_test(more, resize_modes);
    tcase_add_test(more, depth_to_space_modes);
    tcase_add_test(more, split_two_outputs);
    tcase_add_test(more, hardmax_first_maximum);
    tcase_add_test(more, expand_and_tile);
    tcase_add_test(more, determinant);
    tcase_add_test(more, shape_then_cast);
    tcase_add_test(more, tfidf_counts);
    tcase_add_test(more, half_and_bfloat16_conversions);
    suite_add_tcase(s, more);
    return s;
}

RUN_SUITE(suite)
