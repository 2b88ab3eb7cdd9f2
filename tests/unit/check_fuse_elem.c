/*
 * check_fuse_elem.c - fuse_elementwise: SiLU, GELU and LayerNorm spelled as
 * primitives become Swish, Gelu and LayerNormalization, and only when the
 * pattern is exact. The LayerNorm cases also run the interpreter on the graph
 * before and after the rewrite: equal within float rounding.
 */
#include <math.h>

#include "unit.h"

UNIT_FIXTURE

static const int64_t dims3[3] = {2, 3, 8};

static TensorId scalar(const char *name, float v)
{
    return u_tensor(g, name, 0, NULL, &v);
}

static Node *bin(OpKind op, TensorId a0, TensorId b0, const char *out)
{
    TensorId in[2];
    in[0] = a0;
    in[1] = b0;
    return u_node(g, op, in, 2, out);
}

static int fuse(void)
{
    infer_shapes(g);
    remove_dead(g);
    return fuse_elementwise(g);
}

/* ---- SiLU ---- */

START_TEST(silu_becomes_swish)
{
    TensorId x = u_input(g, "x", 3, dims3);
    Node *s = u_node(g, OP_SIGMOID, &x, 1, "s");
    Node *m = bin(OP_MUL, s->out[0], x, "y");
    u_output(g, m->out[0]);
    ck_assert_int_eq(fuse(), 1);
    ck_assert_int_eq(m->op, OP_SWISH);
    ck_assert_int_eq(m->n_in, 1);
    ck_assert_uint_eq(m->in[0], x);
    ck_assert(s->dead);
    ck_assert_int_eq(g->t[x].consumers, 1);
}
END_TEST

/* Mul whose other input is not the Sigmoid's input: left alone */
START_TEST(silu_other_operand_refused)
{
    TensorId x = u_input(g, "x", 3, dims3), w = u_input(g, "w", 3, dims3);
    Node *s = u_node(g, OP_SIGMOID, &x, 1, "s");
    Node *m = bin(OP_MUL, w, s->out[0], "y");
    u_output(g, m->out[0]);
    ck_assert_int_eq(fuse(), 0);
    ck_assert_int_eq(m->op, OP_MUL);
    ck_assert(!s->dead);
}
END_TEST

/* the Sigmoid's result is also a graph output: it must stay */
START_TEST(silu_sigmoid_also_output_refused)
{
    TensorId x = u_input(g, "x", 3, dims3);
    Node *s = u_node(g, OP_SIGMOID, &x, 1, "s");
    Node *m = bin(OP_MUL, x, s->out[0], "y");
    u_output(g, m->out[0]);
    u_output(g, s->out[0]);
    ck_assert_int_eq(fuse(), 0);
    ck_assert_int_eq(m->op, OP_MUL);
}
END_TEST

/* ---- GELU ---- */

/* x * (erf(x / c) + one) * half, as PyTorch writes it; returns the last Mul */
static Node *gelu_graph(TensorId x, TensorId x2, float c, int use_mul, float one, float half)
{
    Node *d = bin(use_mul ? OP_MUL : OP_DIV, x, scalar("c", c), "d");
    Node *e = u_node(g, OP_ERF, &d->out[0], 1, "e");
    Node *h = bin(OP_ADD, e->out[0], scalar("one", one), "h");
    Node *p = bin(OP_MUL, x2, h->out[0], "p");
    Node *y = bin(OP_MUL, p->out[0], scalar("half", half), "y");
    u_output(g, y->out[0]);
    return y;
}

START_TEST(gelu_div_form_becomes_gelu)
{
    TensorId x = u_input(g, "x", 3, dims3);
    Node *y = gelu_graph(x, x, 1.41421353816986083984375f, 0, 1.0f, 0.5f);
    ck_assert_int_eq(fuse(), 1);
    ck_assert_int_eq(y->op, OP_GELU);
    ck_assert_uint_eq(y->in[0], x);
    ck_assert_ptr_null(attr_get(y, "approximate"));
}
END_TEST

START_TEST(gelu_mul_form_and_half_first)
{
    TensorId x = u_input(g, "x", 3, dims3);
    Node *d = bin(OP_MUL, scalar("c", 0.707106769084930419921875f), x, "d");
    Node *e = u_node(g, OP_ERF, &d->out[0], 1, "e");
    Node *h = bin(OP_ADD, scalar("one", 1.0f), e->out[0], "h");
    Node *p = bin(OP_MUL, x, scalar("half", 0.5f), "p");
    Node *y = bin(OP_MUL, h->out[0], p->out[0], "y");
    u_output(g, y->out[0]);
    ck_assert_int_eq(fuse(), 1);
    ck_assert_int_eq(y->op, OP_GELU);
    ck_assert_uint_eq(y->in[0], x);
}
END_TEST

START_TEST(gelu_inexact_refused)
{
    static const float c[4] = {1.5f, 1.41421353816986083984375f, 1.41421353816986083984375f, 1.41421353816986083984375f};
    static const float one[4] = {1.0f, 2.0f, 1.0f, 1.0f}, half[4] = {0.5f, 0.5f, 0.25f, 0.5f};
    int k;
    for (k = 0; k < 5; k++) {
        TensorId x = u_input(g, "x", 3, dims3), w = u_input(g, "w", 3, dims3);
        /* case 4: the outer product takes another tensor than the erf's */
        /* case 3: x * sqrt 2 where x / sqrt 2 is meant */
        Node *y = k < 4 ? gelu_graph(x, x, c[k], k == 3, one[k], half[k]) : gelu_graph(x, w, c[1], 0, 1.0f, 0.5f);
        ck_assert_msg(fuse() == 0, "case %d fused", k);
        ck_assert_int_eq(y->op, OP_MUL);
        teardown();
        setup();
    }
}
END_TEST

/* ---- LayerNorm ---- */

typedef struct {
    int64_t ax1, ax2;   /* the two ReduceMeans' axes */
    float p;            /* the exponent */
    int keep2;          /* the second ReduceMean's keepdims */
    int d_output;       /* d is also a graph output */
    int mean_of_w;      /* the first mean is of another tensor */
} LnCase;

/* LayerNorm over x [2,3,8] as primitives; returns the last Add */
static Node *ln_graph(const LnCase *c, TensorId *xp)
{
    static const int64_t d8[1] = {8};
    float gam[8], bet[8];
    TensorId x = u_input(g, "x", 3, dims3), w = u_input(g, "w", 3, dims3), in0;
    Node *m, *d, *p2, *v, *ve, *s, *n, *ng, *y;
    int i;
    for (i = 0; i < 8; i++)
        gam[i] = 0.5f + 0.125f * (float)i, bet[i] = 0.25f * (float)i - 1.0f;
    in0 = c->mean_of_w ? w : x;
    m = u_node(g, OP_REDUCEMEAN, &in0, 1, "m");
    u_attr_ints(g, m, "axes", 1, &c->ax1);
    d = bin(OP_SUB, x, m->out[0], "d");
    p2 = bin(OP_POW, d->out[0], scalar("two", c->p), "d2");
    v = u_node(g, OP_REDUCEMEAN, &p2->out[0], 1, "v");
    u_attr_ints(g, v, "axes", 1, &c->ax2);
    u_attr_int(g, v, "keepdims", c->keep2);
    ve = bin(OP_ADD, v->out[0], scalar("eps", 1e-5f), "ve");
    s = u_node(g, OP_SQRT, &ve->out[0], 1, "s");
    n = bin(OP_DIV, d->out[0], s->out[0], "n");
    ng = bin(OP_MUL, n->out[0], u_tensor(g, "gamma", 1, d8, gam), "ng");
    y = bin(OP_ADD, ng->out[0], u_tensor(g, "beta", 1, d8, bet), "y");
    u_output(g, y->out[0]);
    if (c->d_output)
        u_output(g, d->out[0]);
    *xp = x;
    return y;
}

START_TEST(layernorm_becomes_one_node)
{
    LnCase c = {-1, 2, 2.0f, 1, 0, 0};
    TensorId x;
    Node *y = ln_graph(&c, &x);
    float in[48], w[48], out0[48], out1[48], *ins[2], *outs[1];
    int i;
    for (i = 0; i < 48; i++)
        in[i] = (float)sin(i * 0.7) * (float)(1 + i % 5), w[i] = 0.0f;
    ins[0] = in, ins[1] = w, outs[0] = out0;
    infer_shapes(g);
    interp_run(g, ins, outs);
    ck_assert_int_eq(fuse(), 1);
    ck_assert_int_eq(y->op, OP_LAYERNORM);
    ck_assert_int_eq(y->n_in, 3);
    ck_assert_uint_eq(y->in[0], x);
    ck_assert_int_eq(attr_int(y, "axis", 0), 2);
    ck_assert(attr_float(y, "epsilon", 0.0f) == 1e-5f);
    outs[0] = out1;
    interp_run(g, ins, outs);
    for (i = 0; i < 48; i++)
        ck_assert_msg(fabsf(out0[i] - out1[i]) <= 1e-6f * (1.0f + fabsf(out0[i])), "y[%d]: %g as primitives, %g fused", i,
                      out0[i], out1[i]);
}
END_TEST

START_TEST(layernorm_inexact_refused)
{
    static const LnCase cases[] = {
        {-1, 1, 2.0f, 1, 0, 0},  /* the two means over different axes */
        {1, 1, 2.0f, 1, 0, 0},   /* not the trailing axes */
        {-1, -1, 3.0f, 1, 0, 0}, /* Pow 3 */
        {-1, -1, 2.0f, 1, 1, 0}, /* d read outside the pattern */
        {-1, -1, 2.0f, 1, 0, 1}, /* the mean of another tensor */
    };
    int k;
    for (k = 0; k < (int)(sizeof cases / sizeof cases[0]); k++) {
        TensorId x;
        Node *y = ln_graph(&cases[k], &x);
        ck_assert_msg(fuse() == 0, "case %d fused", k);
        ck_assert_int_eq(y->op, OP_ADD);
        teardown();
        setup();
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fuse_elem");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, silu_becomes_swish);
    tcase_add_test(tc, silu_other_operand_refused);
    tcase_add_test(tc, silu_sigmoid_also_output_refused);
    tcase_add_test(tc, gelu_div_form_becomes_gelu);
    tcase_add_test(tc, gelu_mul_form_and_half_first);
    tcase_add_test(tc, gelu_inexact_refused);
    tcase_add_test(tc, layernorm_becomes_one_node);
    tcase_add_test(tc, layernorm_inexact_refused);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(suite)
