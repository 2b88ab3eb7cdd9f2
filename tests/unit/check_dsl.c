/* check_dsl.c - the DSL front end: parsing, the IR it builds, masks, errors,
 * and dsl_write's text read back. */
#include <unistd.h>

#include "unit.h"

UNIT_FIXTURE

static LoadOptions lo = {NULL, 0, (size_t)1 << 24, 0, 0};

static Graph *load(const char *text)
{
    return dsl_load_buffer(text, strlen(text), "t.tc", &lo, a);
}

static const Node *node_named(const Graph *gr, const char *name)
{
    int k;
    for (k = 0; k < gr->nn; k++)
        if (strcmp(gr->n[k].name, name) == 0)
            return &gr->n[k];
    ck_abort_msg("no node '%s'", name);
    return NULL;
}

static const Tensor *tensor(const Graph *gr, const char *name)
{
    TensorId id = ir_find(gr, name);
    ck_assert_msg(id != TC_NONE, "no tensor '%s'", name);
    return &gr->t[id];
}

START_TEST(xor_graph)
{
    Graph *x = load("# XOR\n"
                    "input x [1, 2]\n"
                    "h = dense(x, weight=[[20, 20], [-20, -20]], bias=[-10, 30])\n"
                    "a = sigmoid(h)\n"
                    "y = sigmoid(a)   # a comment\n"
                    "output y\n");
    const Node *h = node_named(x, "h");
    const Tensor *w = &x->t[h->in[1]], *b = &x->t[h->in[2]];
    ck_assert_int_eq(x->nn, 3);
    ck_assert_int_eq(x->opset, 13);
    ck_assert_int_eq(h->op, OP_GEMM);
    ck_assert_int_eq(attr_int(h, "transB", 0), 1);
    ck_assert_int_eq(w->rank, 2);
    ck_assert_int_eq(w->dims[0], 2);
    ck_assert_int_eq(w->dims[1], 2);
    ck_assert(w->f[2] == -20.0f && b->f[1] == 30.0f);
    ck_assert_str_eq(w->name, "h.weight");
    ck_assert_int_eq(x->n_inputs, 1);
    ck_assert_int_eq(x->n_outputs, 1);
    ck_assert_str_eq(x->t[x->outputs[0]].name, "y");
    /* shapes are inferred while building */
    ck_assert_int_eq(tensor(x, "y")->rank, 2);
    ck_assert_int_eq(tensor(x, "y")->dims[1], 2);
}
END_TEST

START_TEST(numbers_exact)
{
    Graph *x = load("const c [5] = [0.1, -2.5e-3, 3, +1e2, .5]\ninput x [1, 5]\ny = add(x, c)\noutput y\n");
    const float *f = tensor(x, "c")->f;
    ck_assert(f[0] == 0.1f);
    ck_assert(f[1] == -2.5e-3f);
    ck_assert(f[2] == 3.0f && f[3] == 100.0f && f[4] == 0.5f);
}
END_TEST

START_TEST(flat_weight_and_names)
{
    /* a flat list is read as [units, inputs]; units = 6 / 3 */
    Graph *x = load("input \"in put\\x21\" [1, 3]\n"
                    "fc.1 = dense(\"in put!\", weight=[1, 2, 3, 4, 5, 6], name=\"/fc/Gemm\")\n"
                    "output fc.1\n");
    const Node *n = node_named(x, "/fc/Gemm");
    ck_assert_int_eq(x->t[n->in[1]].dims[0], 2);
    ck_assert_int_eq(x->t[n->in[1]].dims[1], 3);
    ck_assert_str_eq(x->t[n->in[0]].name, "in put!");
    ck_assert_str_eq(x->t[n->out[0]].name, "fc.1");
}
END_TEST

START_TEST(prune_by_magnitude)
{
    /* prune(0.5) of 4 weights drops the 2 smallest |w|: 1 and -0.5 */
    Graph *x = load("input x [1, 4]\ny = dense(x, weight=[[1, -3, 2, -0.5]], mask=prune(0.5))\noutput y\n");
    const float *w = x->t[node_named(x, "y")->in[1]].f;
    ck_assert(w[0] == 0.0f && w[1] == -3.0f && w[2] == 2.0f && w[3] == 0.0f);
}

START_TEST(prune_rounds)
{
    /* prune(0.3) of 5 weights drops round(1.5) = 2; ties go to the earlier weight */
    Graph *x = load("input x [1, 5]\ny = dense(x, weight=[[0.5, -0.5, 4, 0.5, -2]], mask=prune(0.3))\noutput y\n");
    const float *w = x->t[node_named(x, "y")->in[1]].f;
    ck_assert(w[0] == 0.0f && w[1] == 0.0f && w[2] == 4.0f && w[3] == 0.5f && w[4] == -2.0f);
}
END_TEST

START_TEST(inline_mask)
{
    Graph *x = load("input x [1, 2]\ny = dense(x, weight=[[1, 2], [3, 4]], mask=[0, 1, 1, 0])\noutput y\n");
    const float *w = x->t[node_named(x, "y")->in[1]].f;
    ck_assert(w[0] == 0.0f && w[1] == 2.0f && w[2] == 3.0f && w[3] == 0.0f);
}
END_TEST

/* tensors must be defined above their use: x2 comes too late */
START_TEST(use_before_definition_exits)
{
    load("input x [1, 2, 2]\n"
         "m = onnx.Gemm(x2, x2)\n"
         "x2 = flatten(x)\n"
         "output m\n");
}
END_TEST

START_TEST(generic_attrs)
{
    Graph *x = load("opset 11\n"
                    "const s int64 [2] = [1, -1]\n"
                    "const k [4, 4] = 0.25\n"
                    "input x [1, 2, 2]\n"
                    "f = reshape(x, shape=s)\n"
                    "m = onnx.Gemm(f, k, none, transA=0, alpha=2.0, mode=\"x\", ints=[1, 2], fl=[1.5, 2], name=\"g\")\n"
                    "output m\n");
    const Node *n = node_named(x, "g");
    const Tensor *k = tensor(x, "k"), *s = tensor(x, "s");
    ck_assert_int_eq(x->opset, 11);
    ck_assert(k->f[15] == 0.25f);
    ck_assert(s->dtype == DT_INT64 && s->i[1] == -1);
    ck_assert_int_eq(n->n_in, 3);
    ck_assert(n->in[2] == TC_NONE);
    ck_assert(attr_get(n, "alpha")->kind == AT_FLOAT && attr_float(n, "alpha", 0) == 2.0f);
    ck_assert(attr_get(n, "transA")->kind == AT_INT);
    ck_assert_str_eq(attr_get(n, "mode")->s, "x");
    ck_assert(attr_get(n, "ints")->kind == AT_INTS && attr_get(n, "ints")->ints[1] == 2);
    ck_assert(attr_get(n, "fl")->kind == AT_FLOATS && attr_get(n, "fl")->floats[0] == 1.5f);
}
END_TEST

START_TEST(write_read_back)
{
    char dir[] = "/tmp/check_dsl_XXXXXX", path[80];
    Buf b = {0};
    Graph *x, *y;
    uint32_t id;
    int k;
    ck_assert(mkdtemp(dir) != NULL);
    x = load("input \"odd name\\\"\" [1, 5]\n"
             "h = dense(\"odd name\\\"\", units=4, weight=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,"
             " 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0], bias=[1, 2, 3, 1e-7], mask=prune(0.25))\n"
             "r = leaky_relu(h, alpha=0.3)\n"
             "output r\n");
    dsl_write(x, dir);
    snprintf(path, sizeof path, "%s/model.tc", dir);
    ck_assert_int_eq(buf_read_file(&b, path, 1 << 20), 0);
    y = dsl_load_buffer(b.p, b.len, path, &lo, a);
    ck_assert_int_eq(y->nt, x->nt);
    for (id = 0; id < x->nt; id++) {
        ck_assert_str_eq(y->t[id].name, x->t[id].name);
        ck_assert_int_eq(y->t[id].rank, x->t[id].rank);
        ck_assert_int_eq(!!y->t[id].f, !!x->t[id].f);
        for (k = 0; x->t[id].f && k < ir_numel(&x->t[id]); k++)
            ck_assert(y->t[id].f[k] == x->t[id].f[k]);
    }
    ck_assert(attr_float(node_named(y, "r"), "alpha", 0) == 0.3f);
    buf_free(&b);
    /* the weight went to a .npy file: 20 numbers is more than inline */
    snprintf(path, sizeof path, "%s/h.weight.npy", dir);
    ck_assert_int_eq(access(path, R_OK), 0);
    remove(path);
    snprintf(path, sizeof path, "%s/model.tc", dir);
    remove(path);
    rmdir(dir);
}
END_TEST

START_TEST(constant_node_numbers)
{
    /* onnx.Constant makes a constant and takes a node number, as ONNX Constant nodes do */
    Graph *x = load("input x [1, 2]\n"
                    "k = onnx.Constant(value_floats=[1.5, 2])\n"
                    "s = onnx.Constant(value_ints=[1, -1])\n"
                    "y = add(x, k)\n"
                    "z = reshape(y, shape=s)\n"
                    "output z\n");
    const Tensor *k = tensor(x, "k"), *s = tensor(x, "s");
    ck_assert_int_eq(node_named(x, "y")->index, 2);
    ck_assert_int_eq(node_named(x, "z")->index, 3);
    ck_assert(k->f && k->rank == 1 && k->f[1] == 2.0f && k->producer == -1);
    ck_assert(s->dtype == DT_INT64 && s->i[1] == -1);
    ck_assert(node_named(x, "k")->dead);
}
END_TEST

/* fatal errors exit with status 1 */
START_TEST(syntax_error_exits)
{
    load("input x [1, 2]\ny = relu(x\n");
}
END_TEST

START_TEST(unknown_tensor_exits)
{
    load("input x [1, 2]\ny = relu(z)\noutput y\n");
}
END_TEST

START_TEST(shape_error_exits)
{
    load("input x [1, 3]\ny = dense(x, weight=[[1, 2]])\noutput y\n");
}
END_TEST

START_TEST(nul_byte_exits)
{
    static const char text[] = "input x [1, 2]\0output x\n";
    dsl_load_buffer(text, sizeof text - 1, "t.tc", &lo, a);
}
END_TEST

/*
 * Conv, the pools and BatchNormalization come from another branch: until
 * ops.h has them the layers must fail cleanly (exit 1); once it has them,
 * the layers must build these nodes and shapes.
 */
static const char cnn[] = "input x [1, 2, 5, 5]\n"
                          "const w [4, 2, 3, 3] = 0.5\n"
                          "c = conv2d(x, filters=4, kernel=3, pad=1, weight=w, bias=[1, 2, 3, 4])\n"
                          "m = maxpool(c, kernel=2)\n"
                          "b = batchnorm(m, mean=[0, 0, 0, 0], var=[1, 1, 1, 1], epsilon=0.001)\n"
                          "g = global_avgpool(b)\n"
                          "output g\n";

START_TEST(cnn_unsupported)
{
    load(cnn);
}
END_TEST

START_TEST(cnn_layers)
{
    Graph *x = load(cnn);
    const Node *c = node_named(x, "c"), *m = node_named(x, "m"), *b = node_named(x, "b");
    const Attr *ks = attr_get(c, "kernel_shape"), *pads = attr_get(c, "pads"), *st = attr_get(m, "strides");
    ck_assert_int_eq(c->op, op_lookup("Conv"));
    ck_assert(ks && ks->n == 2 && ks->ints[0] == 3 && ks->ints[1] == 3);
    ck_assert(pads && pads->n == 4 && pads->ints[0] == 1 && pads->ints[3] == 1);
    ck_assert_int_eq(attr_int(c, "group", 0), 1);
    ck_assert(st && st->n == 2 && st->ints[0] == 2); /* the stride defaults to the kernel */
    ck_assert_int_eq(tensor(x, "c")->dims[2], 5);
    ck_assert_int_eq(tensor(x, "m")->dims[2], 2);
    ck_assert_int_eq(b->n_in, 5); /* X, scale, B, mean, var */
    ck_assert(x->t[b->in[1]].f[3] == 1.0f && x->t[b->in[2]].f[3] == 0.0f);
    ck_assert(attr_float(b, "epsilon", 0) == 0.001f);
    ck_assert_int_eq(tensor(x, "g")->rank, 4);
    ck_assert_int_eq(tensor(x, "g")->dims[3], 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("dsl");
    TCase *tc = tcase_create("dsl");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, xor_graph);
    tcase_add_test(tc, numbers_exact);
    tcase_add_test(tc, flat_weight_and_names);
    tcase_add_test(tc, prune_by_magnitude);
    tcase_add_test(tc, prune_rounds);
    tcase_add_test(tc, inline_mask);
    tcase_add_exit_test(tc, use_before_definition_exits, 1);
    tcase_add_test(tc, generic_attrs);
    tcase_add_test(tc, write_read_back);
    tcase_add_test(tc, constant_node_numbers);
    tcase_add_exit_test(tc, syntax_error_exits, 1);
    tcase_add_exit_test(tc, unknown_tensor_exits, 1);
    tcase_add_exit_test(tc, shape_error_exits, 1);
    tcase_add_exit_test(tc, nul_byte_exits, 1);
    if (op_lookup("Conv") < 0 || op_lookup("MaxPool") < 0 || op_lookup("BatchNormalization") < 0 ||
        op_lookup("GlobalAveragePool") < 0)
        tcase_add_exit_test(tc, cnn_unsupported, 1);
    else
        tcase_add_test(tc, cnn_layers);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(suite)
