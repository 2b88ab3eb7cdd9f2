/* check_emit.c - the C back end: zero-skipping, strategies, determinism. */
#include "unit.h"

static Graph *g, *fixture; /* the graph emit() compiles; the one setup() builds */
static Arena *a;

/* y = relu(x W^T + b), W 3x4 with pruned entries; neuron 1 keeps nothing. */
static float W[12] = {0.5f, 0.0f, 0.0f, -0.25f,
                      0.0f, 0.0f, 0.0f, 0.0f,
                      0.0f, 1.0f, 0.0f, 0.125f};
static float B[3] = {0.0f, -3.0f, 2.0f};

static void setup(void)
{
    int64_t dx[2] = {1, 4}, dw[2] = {3, 4}, db[1] = {3};
    TensorId in[3];
    Node *gemm, *relu;
    a = arena_new();
    g = ir_new(a);
    g->opset = 13;
    in[0] = u_input(g, "x", 2, dx);
    in[1] = u_tensor(g, "fc.weight", 2, dw, W);
    in[2] = u_tensor(g, "fc.bias", 1, db, B);
    gemm = u_node(g, OP_GEMM, in, 3, "fc");
    u_attr_int(g, gemm, "transB", 1);
    relu = u_node(g, OP_RELU, &gemm->out[0], 1, "y");
    u_output(g, relu->out[0]);
    infer_shapes(g);
    remove_dead(g);
    fuse_activations(g);
    plan_memory(g);
    fixture = g;
}

static void teardown(void) { arena_free(a); }

static Target target = TARGET_HOST; /* a test may set these two for emit() */
static int partial_sums = 4;

static char *emit(Strategy s, int with_main)
{
    EmitOptions o;
    Buf c = {0}, h = {0};
    char *text;
    memset(&o, 0, sizeof o);
    o.prefix = "net";
    o.options = "";
    o.strategy = s;
    o.with_main = with_main;
    o.max_terms = 1024;
    o.partial_sums = partial_sums;
    g->target = target;
    emit_c(g, &o, &c, &h);
    ck_assert_ptr_nonnull(strstr(h.p, "#define NET_H"));
    ck_assert_ptr_nonnull(strstr(h.p, g == fixture ? "#define NET_H_IN0_SIZE 4" : "#define NET_H_IN0_SIZE "));
    ck_assert_ptr_nonnull(strstr(h.p, "void net_run(const float *in0, float *out0);"));
    text = arena_strdup(a, c.p);
    buf_free(&c);
    buf_free(&h);
    return text;
}

START_TEST(unrolled_skips_pruned_weights)
{
    char *c = emit(STRAT_UNROLLED, 0);
    /* the surviving weights, as literals; 1.0 needs no multiply */
    ck_assert_ptr_nonnull(strstr(c, "s0 = x[0] * 0.5f;"));
    ck_assert_ptr_nonnull(strstr(c, "s1 = x[3] * -0.25f;"));
    ck_assert_ptr_nonnull(strstr(c, "s0 = x[1];"));
    ck_assert_ptr_nonnull(strstr(c, "s1 = x[3] * 0.125f;"));
    /* nothing multiplies x[2]: every weight on it was pruned */
    ck_assert_ptr_null(strstr(c, "x[2]"));
    /* neuron 1 lost all its weights: relu(-3) is the constant 0 */
    ck_assert_ptr_nonnull(strstr(c, "y[1] = 0.0f; /* no weights kept */"));
    ck_assert_ptr_nonnull(strstr(c, "4 of 12 weights kept, unrolled"));
    /* the model code includes nothing and needs no libm */
    ck_assert_ptr_null(strstr(c, "#include"));
    ck_assert_ptr_null(strstr(c, "expf"));
}
END_TEST

/* --target cortex-m: the values in one table in reading order, 4 loaded at once */
START_TEST(cortex_m_streams_weights)
{
    char *c;
    target = TARGET_CORTEX_M;
    partial_sums = 1;
    c = emit(STRAT_UNROLLED, 0);
    target = TARGET_HOST;
    partial_sums = 4;
    /* neuron 0's two weights, neuron 2's 0.125 and its bias; 1.0 and the pruned need nothing */
    ck_assert_ptr_nonnull(strstr(c, "static const float n0_fc_w0[4] = {\n    0.5f, -0.25f, 0.125f, 2.0f,\n};"));
    ck_assert_ptr_nonnull(strstr(c, "const float *w = n0_fc_w0;"));
    ck_assert_ptr_nonnull(strstr(c, "TC_WREG(w0, s8); TC_WREG(w1, s9); TC_WREG(w2, s10); TC_WREG(w3, s11);"));
    ck_assert_ptr_nonnull(strstr(c, "    TC_LD4(w);\n    s0 = x[0] * w0;\n    s0 = TC_FMA(x[3], w1, s0);\n"));
    ck_assert_ptr_nonnull(strstr(c, "    s0 = x[1];\n    s0 = TC_FMA(x[3], w2, s0);\n    s0 = s0 + w3;\n"));
    ck_assert_ptr_nonnull(strstr(c, "y[1] = 0.0f; /* no weights kept */"));
    /* one load for the function, and only the macro it uses */
    ck_assert_ptr_null(strstr(strstr(c, "TC_LD4(w);") + 1, "TC_LD4(w);"));
    ck_assert_ptr_nonnull(strstr(c, "#define TC_LD4(p) __asm__(\"vldmia %4!, {s8-s11}\""));
    ck_assert_ptr_null(strstr(c, "TC_LD8"));
    ck_assert_ptr_null(strstr(c, "0.5f;"));
}
END_TEST

START_TEST(dense_keeps_a_transposed_table)
{
    char *c = emit(STRAT_DENSE, 0);
    ck_assert_ptr_nonnull(strstr(c, "static const float n0_fc_w[4][3] = {"));
    ck_assert_ptr_nonnull(strstr(c, "{0.5f, 0.0f, 0.0f},"));
    ck_assert_ptr_nonnull(strstr(c, "yr[j] = TC_FMA(xk, n0_fc_w[k][j], yr[j]);"));
    ck_assert_ptr_nonnull(strstr(c, "#define TC_FMA(a, b, c) ((a) * (b) + (c))"));
}
END_TEST

START_TEST(loop_keeps_values_and_narrow_indices)
{
    char *c = emit(STRAT_LOOP, 0);
    /* the 4 kept weights in neuron order, their inputs, where each neuron starts */
    ck_assert_ptr_nonnull(strstr(c, "static const float n0_fc_v[4] = {\n    0.5f, -0.25f, 1.0f, 0.125f,\n};"));
    ck_assert_ptr_nonnull(strstr(c, "static const unsigned char n0_fc_k[4] = {\n    0, 3, 1, 3,\n};"));
    ck_assert_ptr_nonnull(strstr(c, "static const unsigned char n0_fc_start[4] = {\n    0, 2, 2, 4,\n};"));
    ck_assert_ptr_nonnull(strstr(c, "s = TC_FMA(xr[n0_fc_k[p]], n0_fc_v[p], s);"));
    ck_assert_ptr_nonnull(strstr(c, "4 of 12 weights kept, loop"));
}
END_TEST

START_TEST(code_budget_moves_layers_to_loop)
{
    /* 4 of 12 kept is dense by density; a budget below its estimate makes it a loop */
    plan_strategies(g, STRAT_AUTO, 0, TARGET_HOST);
    ck_assert_int_eq(node_strategy(g, &g->n[0], STRAT_AUTO), STRAT_DENSE);
    ck_assert_int_lt(strategy_bytes(STRAT_LOOP, 3, 4, 4), strategy_bytes(STRAT_DENSE, 3, 4, 4));
    plan_strategies(g, STRAT_AUTO, strategy_bytes(STRAT_DENSE, 3, 4, 4) - 1, TARGET_HOST);
    ck_assert_int_eq(node_strategy(g, &g->n[0], STRAT_AUTO), STRAT_LOOP);
    ck_assert_ptr_nonnull(strstr(emit(STRAT_AUTO, 0), "weights kept, loop"));
}
END_TEST

START_TEST(auto_picks_by_density)
{
    /* host: unrolled up to 12% density */
    ck_assert_int_eq(emit_choose(STRAT_AUTO, 10, 10, 5, TARGET_HOST), STRAT_UNROLLED);
    ck_assert_int_eq(emit_choose(STRAT_AUTO, 100, 300, 3600, TARGET_HOST), STRAT_UNROLLED);
    ck_assert_int_eq(emit_choose(STRAT_AUTO, 100, 300, 3601, TARGET_HOST), STRAT_DENSE);
    ck_assert_int_eq(emit_choose(STRAT_AUTO, 10, 10, 90, TARGET_HOST), STRAT_DENSE);
    ck_assert_int_eq(emit_choose(STRAT_DENSE, 10, 10, 5, TARGET_HOST), STRAT_DENSE);
    /* Cortex-M: unrolled while 12.5 B per kept weight (streamed) + 32 per neuron <= 4 B per
     * weight + bias: 300 x 784 stays unrolled up to 74,592 weights (31.7%), then goes dense */
    ck_assert_int_eq(emit_choose(STRAT_AUTO, 300, 784, 49392, TARGET_CORTEX_M), STRAT_UNROLLED);
    ck_assert_int_eq(emit_choose(STRAT_AUTO, 300, 784, 49392, TARGET_HOST), STRAT_DENSE);
    ck_assert_int_eq(emit_choose(STRAT_AUTO, 300, 784, 74592, TARGET_CORTEX_M), STRAT_UNROLLED);
    ck_assert_int_eq(emit_choose(STRAT_AUTO, 300, 784, 74593, TARGET_CORTEX_M), STRAT_DENSE);
    ck_assert_int_eq(emit_choose(STRAT_LOOP, 300, 784, 100, TARGET_CORTEX_M), STRAT_LOOP);
}
END_TEST

START_TEST(output_is_deterministic)
{
    char *one = emit(STRAT_AUTO, 1), *two = emit(STRAT_AUTO, 1);
    ck_assert_str_eq(one, two);
    ck_assert_ptr_nonnull(strstr(one, "int main(int argc, char **argv)"));
    ck_assert_ptr_nonnull(strstr(one, "#include <stdio.h>"));
}
END_TEST

START_TEST(hostile_names_are_neutralised)
{
    char *c;
    g->n[0].name = "x */ #include <evil.h> /*";
    g->t[g->inputs[0]].name = "in\n#define ok 0\n";
    c = emit(STRAT_UNROLLED, 0);
    /* the name survives only as inert comment text */
    ck_assert_ptr_null(strstr(c, "#include"));
    ck_assert_ptr_nonnull(strstr(c, "'x _/ _include <evil.h> /_'"));
    ck_assert_ptr_null(strstr(c, "#define ok"));
    ck_assert_ptr_nonnull(strstr(c, "n0_x_include_evil_h("));
}
END_TEST

/* y = x W^T for a 1 x K input and two neurons: weights at x[0], x[300] and
 * x[K - 1]; returns the unrolled C */
static char *emit_wide(int64_t K)
{
    int64_t dx[2] = {1, K}, dw[2] = {2, K};
    float *w = arena_array(a, (size_t)(2 * K), sizeof(float));
    TensorId in[2];
    Node *gemm;
    Graph *saved = g, *wide = ir_new(a);
    char *c;
    w[0] = 0.5f;
    w[300] = 0.25f;
    w[K + K - 1] = 2.0f;
    wide->opset = 13;
    in[0] = u_input(wide, "x", 2, dx);
    in[1] = u_tensor(wide, "fc.weight", 2, dw, w);
    gemm = u_node(wide, OP_GEMM, in, 2, "fc");
    u_attr_int(wide, gemm, "transB", 1);
    u_output(wide, gemm->out[0]);
    infer_shapes(wide);
    remove_dead(wide);
    plan_memory(wide);
    g = wide;
    c = emit(STRAT_UNROLLED, 0);
    g = saved;
    return c;
}

START_TEST(unrolled_reads_far_inputs_through_windows)
{
    /* 600 inputs: windows x256 and x512 set up once per function */
    char *c = emit_wide(600);
    ck_assert_ptr_nonnull(strstr(c, "const float *x256 = x + 256, *x512 = x + 512;"));
    ck_assert_ptr_nonnull(strstr(c, "TC_BASE(x);\n    TC_BASE(x256);\n    TC_BASE(x512);"));
    ck_assert_ptr_nonnull(strstr(c, "s0 = x[0] * 0.5f;"));
    ck_assert_ptr_nonnull(strstr(c, "s1 = x256[44] * 0.25f;"));
    ck_assert_ptr_nonnull(strstr(c, "s0 = x512[87] * 2.0f;"));
    ck_assert_ptr_null(strstr(c, "x[300]"));
    /* 2,000 inputs (8 windows): each neuron sets up only the windows it reads */
    c = emit_wide(2000);
    ck_assert_ptr_nonnull(strstr(c, "const float *x256, *x1792;"));
    ck_assert_ptr_nonnull(strstr(c, "x256 = x + 256; TC_BASE(x256);\n    s0 = x[0] * 0.5f;"));
    ck_assert_ptr_nonnull(strstr(c, "x1792 = x + 1792; TC_BASE(x1792);\n    s0 = x1792[207] * 2.0f;"));
    ck_assert_ptr_null(strstr(c, "x512"));
}
END_TEST

/* y = x W^T, x [1,16] from the model input or a Sigmoid, W 8x16 with every
 * kept weight on input 0 (6%): one input feeds eight neurons. Planned by
 * auto for target. */
static Graph *one_input_fans_out(int through_sigmoid, Target t)
{
    int64_t dx[2] = {1, 16}, dw[2] = {8, 16};
    float *w = arena_array(a, 128, sizeof(float));
    TensorId in[2];
    Node *gemm;
    Graph *fan = ir_new(a);
    int j;
    for (j = 0; j < 8; j++)
        w[16 * j] = 0.5f + (float)j;
    fan->opset = 13;
    in[0] = u_input(fan, "x", 2, dx);
    if (through_sigmoid)
        in[0] = u_node(fan, OP_SIGMOID, in, 1, "s")->out[0];
    in[1] = u_tensor(fan, "fc.weight", 2, dw, w);
    gemm = u_node(fan, OP_GEMM, in, 2, "fc");
    u_attr_int(fan, gemm, "transB", 1);
    u_output(fan, gemm->out[0]);
    infer_shapes(fan);
    remove_dead(fan);
    plan_memory(fan);
    plan_strategies(fan, STRAT_AUTO, 0, t);
    return fan;
}

START_TEST(unrolled_by_input_where_inputs_are_often_zero)
{
    Graph *saved = g;
    char *c;
    /* a model input (0.5 of it 0 by default): 3 + 3 * 0.5 * 8 + 3 * 8 by input
     * against 2 * 8 + 6 * 8 by row */
    g = one_input_fans_out(0, TARGET_HOST);
    ck_assert_int_eq(g->n[0].input_major, 1);
    c = emit(STRAT_UNROLLED, 0);
    ck_assert_ptr_nonnull(strstr(c, "8 of 128 weights kept, unrolled by input"));
    ck_assert_ptr_nonnull(strstr(c, "    v.f = x[0];\n    if (v.u & 0x7fffffffu) {\n        y[0] = TC_FMA(v.f, 0.5f, y[0]);\n"));
    ck_assert_ptr_nonnull(strstr(c, "        y[7] = TC_FMA(v.f, 7.5f, y[7]);\n"));
    ck_assert_ptr_null(strstr(c, "x[1]")); /* no weight kept */
    /* the same layer after a Sigmoid (not often 0), or on Cortex-M: by row */
    g = one_input_fans_out(1, TARGET_HOST);
    ck_assert_int_eq(g->n[1].input_major, 0);
    g = one_input_fans_out(0, TARGET_CORTEX_M);
    ck_assert_int_eq(g->n[0].input_major, 0);
    ck_assert_ptr_null(strstr(emit(STRAT_UNROLLED, 0), "by input"));
    g = saved;
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("emit");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, unrolled_skips_pruned_weights);
    tcase_add_test(tc, cortex_m_streams_weights);
    tcase_add_test(tc, dense_keeps_a_transposed_table);
    tcase_add_test(tc, loop_keeps_values_and_narrow_indices);
    tcase_add_test(tc, code_budget_moves_layers_to_loop);
    tcase_add_test(tc, auto_picks_by_density);
    tcase_add_test(tc, output_is_deterministic);
    tcase_add_test(tc, hostile_names_are_neutralised);
    tcase_add_test(tc, unrolled_reads_far_inputs_through_windows);
    tcase_add_test(tc, unrolled_by_input_where_inputs_are_often_zero);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(suite)
