/* check_ir.c - tensors, names, nodes, attributes, sanitising, SHA-256. */
#include "unit.h"

START_TEST(names_are_found_and_unique)
{
    Arena *a = arena_new();
    Graph *g = ir_new(a);
    TensorId x = ir_tensor(g, "x"), y = ir_tensor(g, "y");
    int i;
    ck_assert_uint_ne(x, y);
    ck_assert_uint_eq(ir_tensor(g, "x"), x);
    ck_assert_uint_eq(ir_find(g, "y"), y);
    ck_assert_uint_eq(ir_find(g, "z"), TC_NONE);
    /* growth keeps every name findable */
    for (i = 0; i < 1000; i++) {
        char nm[16];
        snprintf(nm, sizeof nm, "t%d", i);
        ir_tensor(g, nm);
    }
    ck_assert_uint_eq(ir_find(g, "t999"), 1001);
    ck_assert_str_eq(g->t[ir_find(g, "t500")].name, "t500");
    arena_free(a);
}
END_TEST

START_TEST(op_table_round_trips)
{
    ck_assert_int_eq(op_lookup("Gemm"), OP_GEMM);
    ck_assert_int_eq(op_lookup("LogSoftmax"), OP_LOGSOFTMAX);
    ck_assert_int_eq(op_lookup("Conv2"), -1);
    ck_assert_str_eq(op_name(OP_MATMUL), "MatMul");
}
END_TEST

START_TEST(attributes_and_defaults)
{
    Arena *a = arena_new();
    Graph *g = ir_new(a);
    int64_t d[2] = {2, 3};
    TensorId x = u_input(g, "x", 2, d);
    Node *n = u_node(g, OP_GEMM, &x, 1, "y");
    u_attr_int(g, n, "transB", 1);
    ck_assert_int_eq(attr_int(n, "transB", 0), 1);
    ck_assert_int_eq(attr_int(n, "transA", 7), 7);
    ck_assert(attr_float(n, "transB", 0.0f) == 1.0f);
    ck_assert_str_eq(ir_shape_str(a, &g->t[x]), "[2,3]");
    ck_assert_int_eq(ir_numel(&g->t[x]), 6);
    arena_free(a);
}
END_TEST

START_TEST(identifiers_are_sanitised)
{
    char buf[32];
    sanitize_ident(buf, sizeof buf, "fc1.weight");
    ck_assert_str_eq(buf, "fc1_weight");
    sanitize_ident(buf, sizeof buf, "*/ #define x\n");
    ck_assert_str_eq(buf, "define_x");
    sanitize_ident(buf, sizeof buf, "////");
    ck_assert_str_eq(buf, "");
    sanitize_ident(buf, 8, "abcdefghijkl");
    ck_assert_str_eq(buf, "abcdefg");
}
END_TEST

START_TEST(comments_cannot_escape)
{
    char buf[64];
    sanitize_comment(buf, sizeof buf, "end */ here\\\n#x ?\?= ok");
    ck_assert_ptr_null(strstr(buf, "*/"));
    ck_assert_ptr_null(strchr(buf, '\n'));
    ck_assert_ptr_null(strchr(buf, '\\'));
    ck_assert_ptr_null(strchr(buf, '#'));
    ck_assert_ptr_null(strstr(buf, "??"));
    ck_assert_str_eq(buf, "end _/ here___x __= ok");
}
END_TEST

START_TEST(floats_print_shortest_and_exact)
{
    static const float vals[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.1f, 1e-30f, 3.4028235e38f, 1.17549435e-38f,
                                 1e-45f, 123456.789f, -2.5e-7f, 16777216.0f};
    char buf[48];
    unsigned i;
    for (i = 0; i < sizeof vals / sizeof *vals; i++) {
        float back;
        emit_float(buf, sizeof buf, vals[i]);
        ck_assert_int_eq(buf[strlen(buf) - 1], 'f');
        ck_assert(strchr(buf, '.') || strchr(buf, 'e'));
        back = strtof(buf, NULL);
        ck_assert_mem_eq(&back, &vals[i], sizeof back);
    }
    emit_float(buf, sizeof buf, 0.1f);
    ck_assert_str_eq(buf, "0.1f");
    emit_float(buf, sizeof buf, 2.0f);
    ck_assert_str_eq(buf, "2.0f");
}
END_TEST

START_TEST(sha256_known_answers)
{
    char out[65];
    sha256_hex("", 0, out);
    ck_assert_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, out);
    ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out);
    ck_assert_str_eq(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ir");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, names_are_found_and_unique);
    tcase_add_test(tc, op_table_round_trips);
    tcase_add_test(tc, attributes_and_defaults);
    tcase_add_test(tc, identifiers_are_sanitised);
    tcase_add_test(tc, comments_cannot_escape);
    tcase_add_test(tc, floats_print_shortest_and_exact);
    tcase_add_test(tc, sha256_known_answers);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(suite)
