/*
 * check_onnx.c - the ONNX front end on models built in memory with the
 * protobuf-c API (onnx__model_proto__pack) and read by onnx_load_buffer:
 * typed fields, raw_data, Constant nodes, attributes, inputs, and bad input
 * refused with exit status 1 (fatal) or caught by diag_catch.
 */
#include "onnx.pb-c.h"
#include "unit.h"

UNIT_FIXTURE

/* ---- a model under construction: fixed pools, everything zeroed by mb_begin ---- */

enum { MB_MAX = 8 };

static struct {
    Onnx__ModelProto m;
    Onnx__GraphProto gr;
    Onnx__OperatorSetIdProto opset, *opsetp[1];
    Onnx__NodeProto node[MB_MAX], *nodep[MB_MAX];
    char *node_in[MB_MAX][4], *node_out[MB_MAX][2];
    Onnx__AttributeProto attr[MB_MAX][MB_MAX], *attrp[MB_MAX][MB_MAX];
    Onnx__TensorProto init[MB_MAX], *initp[MB_MAX];
    Onnx__TensorProto attr_t[MB_MAX];
    int n_attr_t;
    Onnx__ValueInfoProto vi[MB_MAX], *inp[MB_MAX], *outp[MB_MAX];
    int n_vi;
    Onnx__TypeProto type[MB_MAX];
    Onnx__TypeProto__Tensor tt[MB_MAX];
    Onnx__TensorShapeProto shape[MB_MAX];
    Onnx__TensorShapeProto__Dimension dim[MB_MAX][4], *dimp[MB_MAX][4];
} mb;

static void mb_begin(int64_t opset)
{
    memset(&mb, 0, sizeof mb);
    onnx__model_proto__init(&mb.m);
    onnx__graph_proto__init(&mb.gr);
    onnx__operator_set_id_proto__init(&mb.opset);
    mb.m.has_ir_version = 1;
    mb.m.ir_version = 8;
    mb.m.producer_name = "check_onnx";
    mb.m.producer_version = "1.0";
    mb.m.graph = &mb.gr;
    mb.gr.name = "unit";
    mb.opset.has_version = 1;
    mb.opset.version = opset;
    mb.opset.domain = "";
    mb.opsetp[0] = &mb.opset;
    mb.m.n_opset_import = opset ? 1 : 0;
    mb.m.opset_import = mb.opsetp;
    mb.gr.node = mb.nodep;
    mb.gr.initializer = mb.initp;
    mb.gr.input = mb.inp;
    mb.gr.output = mb.outp;
}

/* A value info: float tensor of rank dims (0 = no shape); a dims entry of -1 is the
 * symbol sym, -2 the symbol "N". */
static Onnx__ValueInfoProto *mb_value(const char *name, int rank, const int64_t *dims, const char *sym)
{
    int k = mb.n_vi++, i;
    Onnx__ValueInfoProto *v = &mb.vi[k];
    onnx__value_info_proto__init(v);
    onnx__type_proto__init(&mb.type[k]);
    onnx__type_proto__tensor__init(&mb.tt[k]);
    onnx__tensor_shape_proto__init(&mb.shape[k]);
    v->name = (char *)name;
    v->type = &mb.type[k];
    mb.type[k].value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    mb.type[k].tensor_type = &mb.tt[k];
    mb.tt[k].has_elem_type = 1;
    mb.tt[k].elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    if (rank > 0) {
        mb.tt[k].shape = &mb.shape[k];
        mb.shape[k].n_dim = (size_t)rank;
        mb.shape[k].dim = mb.dimp[k];
        for (i = 0; i < rank; i++) {
            Onnx__TensorShapeProto__Dimension *d = &mb.dim[k][i];
            onnx__tensor_shape_proto__dimension__init(d);
            if (dims[i] >= 0) {
                d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
                d->dim_value = dims[i];
            } else {
                d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
                d->dim_param = dims[i] == -1 ? (char *)sym : "N";
            }
            mb.dimp[k][i] = d;
        }
    }
    return v;
}

static void mb_input(const char *name, int rank, const int64_t *dims)
{
    mb.inp[mb.gr.n_input++] = mb_value(name, rank, dims, NULL);
}

static void mb_output(const char *name)
{
    mb.outp[mb.gr.n_output++] = mb_value(name, 0, NULL, NULL);
}

static void tensor_init(Onnx__TensorProto *t, const char *name, int dtype, int rank, const int64_t *dims)
{
    onnx__tensor_proto__init(t);
    t->name = (char *)name;
    t->has_data_type = 1;
    t->data_type = dtype;
    t->n_dims = (size_t)rank;
    t->dims = (int64_t *)dims;
}

/* An initializer; the caller fills its data fields. */
static Onnx__TensorProto *mb_init(const char *name, int dtype, int rank, const int64_t *dims)
{
    Onnx__TensorProto *t = &mb.init[mb.gr.n_initializer];
    tensor_init(t, name, dtype, rank, dims);
    mb.initp[mb.gr.n_initializer++] = t;
    return t;
}

/* A node with up to 4 inputs ("" leaves one out) and one output. */
static Onnx__NodeProto *mb_node(const char *op, const char *name, int n_in, const char *const *in, const char *out)
{
    int k = (int)mb.gr.n_node++, i;
    Onnx__NodeProto *n = &mb.node[k];
    onnx__node_proto__init(n);
    n->op_type = (char *)op;
    n->name = (char *)name;
    n->n_input = (size_t)n_in;
    n->input = mb.node_in[k];
    for (i = 0; i < n_in; i++)
        mb.node_in[k][i] = (char *)in[i];
    n->n_output = 1;
    n->output = mb.node_out[k];
    mb.node_out[k][0] = (char *)out;
    n->attribute = mb.attrp[k];
    mb.nodep[k] = n;
    return n;
}

static Onnx__AttributeProto *mb_attr(Onnx__NodeProto *n, const char *name, Onnx__AttributeProto__AttributeType type)
{
    int k = (int)(n - mb.node), i = (int)n->n_attribute++;
    Onnx__AttributeProto *at = &mb.attr[k][i];
    onnx__attribute_proto__init(at);
    at->name = (char *)name;
    at->has_type = 1;
    at->type = type;
    mb.attrp[k][i] = at;
    return at;
}

/* A tensor for a TENSOR attribute. */
static Onnx__TensorProto *mb_attr_tensor(const char *name, int dtype, int rank, const int64_t *dims)
{
    Onnx__TensorProto *t = &mb.attr_t[mb.n_attr_t++];
    tensor_init(t, name, dtype, rank, dims);
    return t;
}

static LoadOptions lo;

static void fresh(void)
{
    setup();
    memset(&lo, 0, sizeof lo);
}

/* Packs the model and loads it back; the graph becomes g. */
static Graph *mb_load(void)
{
    size_t len = onnx__model_proto__get_packed_size(&mb.m);
    uint8_t *buf = arena_alloc(a, len + 1);
    ck_assert_uint_eq(onnx__model_proto__pack(&mb.m, buf), len);
    if (!lo.max_bytes)
        lo.max_bytes = (size_t)1 << 30;
    g = onnx_load_buffer(buf, len, "unit.onnx", &lo, a);
    return g;
}

static Tensor *tensor(const char *name)
{
    TensorId id = ir_find(g, name);
    ck_assert_msg(id != TC_NONE, "no tensor '%s'", name);
    return &g->t[id];
}

/* x [1,3] -> MatMul with W -> y: the model most tests start from */
static const char *const mm_in[2] = {"x", "W"};
static const int64_t d13[2] = {1, 3}, d32[2] = {3, 2};

static void mlp_begin(void)
{
    mb_begin(13);
    mb_input("x", 2, d13);
    mb_node("MatMul", "mm", 2, mm_in, "y");
    mb_output("y");
}

/* ---- typed fields ---- */

START_TEST(float_data)
{
    static float w[6] = {1, -2, 3.5f, 0, 0.25f, -6};
    Onnx__TensorProto *t;
    Tensor *W;
    int i;
    mlp_begin();
    t = mb_init("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, d32);
    t->n_float_data = 6;
    t->float_data = w;
    mb_load();
    W = tensor("W");
    ck_assert_int_eq(W->dtype, DT_FLOAT);
    ck_assert_int_eq(W->rank, 2);
    ck_assert_int_eq(W->dims[0], 3);
    ck_assert_int_eq(W->dims[1], 2);
    for (i = 0; i < 6; i++)
        ck_assert(W->f[i] == w[i]);
    ck_assert(ir_is_const(W));
    ck_assert_int_eq(W->input_index, -1);
    /* the rest of the model */
    ck_assert_int_eq(g->opset, 13);
    ck_assert_str_eq(g->producer, "check_onnx 1.0");
    ck_assert_str_eq(g->source, "unit.onnx");
    ck_assert_int_eq(g->n_inputs, 1);
    ck_assert_int_eq(g->n_outputs, 1);
    ck_assert_int_eq(g->nn, 1);
    ck_assert_int_eq(g->n[0].op, OP_MATMUL);
    ck_assert_str_eq(g->n[0].name, "mm");
    ck_assert_uint_eq(g->n[0].in[0], g->inputs[0]);
    ck_assert_uint_eq(g->n[0].in[1], ir_find(g, "W"));
    ck_assert_uint_eq(g->n[0].out[0], g->outputs[0]);
    ck_assert_int_eq(tensor("y")->producer, 0);
    ck_assert_int_eq(tensor("x")->dims[1], 3);
    ck_assert_int_eq(strlen(g->sha256), 64);
}
END_TEST

START_TEST(int64_int32_double_uint64_data)
{
    static const int64_t d2[1] = {2}, d3[1] = {3};
    static int64_t i64[2] = {3, -1};
    static int32_t i32[3] = {-5, 0, 7}, b8[3] = {1, 0, 1};
    static double dd[2] = {0.1, -2.5};
    static uint64_t u64[2] = {42, 7};
    Onnx__TensorProto *t;
    mlp_begin();
    t = mb_init("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, d32);
    t->n_float_data = 6;
    t->float_data = (float[6]){0};
    t = mb_init("s64", ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 1, d2);
    t->n_int64_data = 2, t->int64_data = i64;
    t = mb_init("s32", ONNX__TENSOR_PROTO__DATA_TYPE__INT32, 1, d3);
    t->n_int32_data = 3, t->int32_data = i32;
    t = mb_init("b", ONNX__TENSOR_PROTO__DATA_TYPE__BOOL, 1, d3);
    t->n_int32_data = 3, t->int32_data = b8;
    t = mb_init("d", ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE, 1, d2);
    t->n_double_data = 2, t->double_data = dd;
    t = mb_init("u", ONNX__TENSOR_PROTO__DATA_TYPE__UINT64, 1, d2);
    t->n_uint64_data = 2, t->uint64_data = u64;
    mb_load();
    ck_assert_int_eq(tensor("s64")->dtype, DT_INT64);
    ck_assert_int_eq(tensor("s64")->i[0], 3);
    ck_assert_int_eq(tensor("s64")->i[1], -1);
    ck_assert_int_eq(tensor("s32")->dtype, DT_INT64);
    ck_assert_int_eq(tensor("s32")->i[0], -5);
    ck_assert_int_eq(tensor("s32")->i[2], 7);
    ck_assert_int_eq(tensor("b")->i[0], 1);
    ck_assert_int_eq(tensor("b")->i[1], 0);
    ck_assert_int_eq(tensor("d")->dtype, DT_FLOAT);
    ck_assert(tensor("d")->f[0] == (float)0.1);
    ck_assert(tensor("d")->f[1] == -2.5f);
    ck_assert_int_eq(tensor("u")->i[0], 42);
    ck_assert_int_eq(tensor("u")->i[1], 7);
    /* constants are never graph inputs */
    ck_assert_int_eq(g->n_inputs, 1);
}
END_TEST

/* an empty tensor keeps a data pointer: it is still recognisably constant */
START_TEST(empty_tensor_is_constant)
{
    static const int64_t d0[1] = {0};
    static float w[6];
    Onnx__TensorProto *t;
    mlp_begin();
    t = mb_init("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, d32);
    t->n_float_data = 6, t->float_data = w;
    mb_init("none", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 1, d0);
    mb_init("none_i", ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 1, d0);
    mb_load();
    ck_assert_int_eq(ir_numel(tensor("none")), 0);
    ck_assert(ir_is_const(tensor("none")));
    ck_assert(ir_is_const(tensor("none_i")));
    ck_assert_int_eq(tensor("none_i")->dtype, DT_INT64);
}
END_TEST

/* ---- raw_data: little-endian whatever the host ---- */

START_TEST(raw_data_little_endian)
{
    static const int64_t d2[1] = {2};
    /* 1.5f = 0x3fc00000, -2.0f = 0xc0000000, 0x3f800000 = 1, ... */
    static uint8_t wf[24] = {0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0, 0, 0, 0x80, 0x3f,
                             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0xbf};
    /* 5 and -1 as int64; -1 and 127 as int8; 0.5 as a double (0x3fe0000000000000), 2^-30 */
    static uint8_t i64[16] = {5, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static uint8_t i8[2] = {0xff, 0x7f};
    static uint8_t f64[16] = {0, 0, 0, 0, 0, 0, 0xe0, 0x3f, 0, 0, 0, 0, 0, 0, 0x10, 0x3e};
    static uint8_t i16[4] = {0x00, 0x80, 0x34, 0x12};
    Onnx__TensorProto *t;
    Tensor *W;
    mlp_begin();
    t = mb_init("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, d32);
    t->has_raw_data = 1, t->raw_data.len = 24, t->raw_data.data = wf;
    t = mb_init("i64", ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 1, d2);
    t->has_raw_data = 1, t->raw_data.len = 16, t->raw_data.data = i64;
    t = mb_init("i8", ONNX__TENSOR_PROTO__DATA_TYPE__INT8, 1, d2);
    t->has_raw_data = 1, t->raw_data.len = 2, t->raw_data.data = i8;
    t = mb_init("f64", ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE, 1, d2);
    t->has_raw_data = 1, t->raw_data.len = 16, t->raw_data.data = f64;
    t = mb_init("i16", ONNX__TENSOR_PROTO__DATA_TYPE__INT16, 1, d2);
    t->has_raw_data = 1, t->raw_data.len = 4, t->raw_data.data = i16;
    mb_load();
    W = tensor("W");
    ck_assert(W->f[0] == 1.5f);
    ck_assert(W->f[1] == -2.0f);
    ck_assert(W->f[2] == 1.0f);
    ck_assert(W->f[3] == 0.0f);
    ck_assert(W->f[5] == -1.0f);
    ck_assert_int_eq(tensor("i64")->i[0], 5);
    ck_assert_int_eq(tensor("i64")->i[1], -1);
    ck_assert_int_eq(tensor("i8")->i[0], -1);
    ck_assert_int_eq(tensor("i8")->i[1], 127);
    ck_assert(tensor("f64")->f[0] == 0.5f);
    ck_assert(tensor("f64")->f[1] == 0x1p-30f);
    ck_assert_int_eq(tensor("i16")->i[0], -32768);
    ck_assert_int_eq(tensor("i16")->i[1], 0x1234);
}
END_TEST

/* ---- Constant nodes become constants, not nodes ---- */

START_TEST(constant_nodes)
{
    static const int64_t d2[1] = {2};
    static float cv[2] = {4, -4};
    static float fl[3] = {1, 2, 3};
    static int64_t in[2] = {-1, 6};
    static const char *const relu_in[1] = {"x"};
    Onnx__NodeProto *n;
    Onnx__AttributeProto *at;
    Onnx__TensorProto *t;
    mb_begin(13);
    mb_input("x", 2, d13);
    n = mb_node("Constant", "c1", 0, NULL, "c_tensor");
    at = mb_attr(n, "value", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    t = at->t = mb_attr_tensor("", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 1, d2);
    t->n_float_data = 2, t->float_data = cv;
    n = mb_node("Constant", "c2", 0, NULL, "c_float");
    at = mb_attr(n, "value_float", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    at->has_f = 1, at->f = 0.75f;
    n = mb_node("Constant", "c3", 0, NULL, "c_floats");
    at = mb_attr(n, "value_floats", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    at->n_floats = 3, at->floats = fl;
    n = mb_node("Constant", "c4", 0, NULL, "c_int");
    at = mb_attr(n, "value_int", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    at->has_i = 1, at->i = -9;
    n = mb_node("Constant", "c5", 0, NULL, "c_ints");
    at = mb_attr(n, "value_ints", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    at->n_ints = 2, at->ints = in;
    mb_node("Relu", "r", 1, relu_in, "y");
    mb_output("y");
    mb_load();
    /* only the Relu is a node; it keeps its index in the model (5) for messages */
    ck_assert_int_eq(g->nn, 1);
    ck_assert_int_eq(g->n[0].op, OP_RELU);
    ck_assert_int_eq(g->n[0].index, 5);
    ck_assert(tensor("c_tensor")->f[1] == -4.0f);
    ck_assert_int_eq(tensor("c_tensor")->dims[0], 2);
    ck_assert_int_eq(tensor("c_float")->rank, 0);
    ck_assert(tensor("c_float")->f[0] == 0.75f);
    ck_assert_int_eq(tensor("c_floats")->dims[0], 3);
    ck_assert(tensor("c_floats")->f[2] == 3.0f);
    ck_assert_int_eq(tensor("c_int")->dtype, DT_INT64);
    ck_assert_int_eq(tensor("c_int")->i[0], -9);
    ck_assert_int_eq(tensor("c_ints")->i[1], 6);
    ck_assert_int_eq(tensor("c_ints")->producer, -1);
}
END_TEST

/* ---- attributes of every kind ---- */

START_TEST(attributes)
{
    static const char *const relu_in[1] = {"x"};
    static const int64_t d2[1] = {2};
    static int64_t pads[2] = {1, 2};
    static float scales[2] = {0.5f, 2};
    static float tv[2] = {7, 8};
    Onnx__NodeProto *n;
    Onnx__AttributeProto *at;
    const Attr *r;
    Onnx__TensorProto *t;
    mb_begin(13);
    mb_input("x", 2, d13);
    n = mb_node("Relu", "r", 1, relu_in, "y");
    at = mb_attr(n, "alpha", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    at->has_f = 1, at->f = 0.5f;
    at = mb_attr(n, "transB", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    at->has_i = 1, at->i = 1;
    at = mb_attr(n, "mode", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    at->has_s = 1, at->s.len = 4, at->s.data = (uint8_t *)"edge";
    at = mb_attr(n, "pads", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    at->n_ints = 2, at->ints = pads;
    at = mb_attr(n, "scales", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    at->n_floats = 2, at->floats = scales;
    at = mb_attr(n, "value", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    t = at->t = mb_attr_tensor("", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 1, d2);
    t->n_float_data = 2, t->float_data = tv;
    at = mb_attr(n, "body", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS);
    mb_output("y");
    mb_load();
    ck_assert_int_eq(g->n[0].n_attrs, 7);
    ck_assert(attr_float(&g->n[0], "alpha", 0) == 0.5f);
    ck_assert_int_eq(attr_int(&g->n[0], "transB", 0), 1);
    ck_assert_int_eq(attr_int(&g->n[0], "missing", 42), 42);
    r = attr_get(&g->n[0], "mode");
    ck_assert_int_eq(r->kind, AT_STRING);
    ck_assert_str_eq(r->s, "edge");
    r = attr_get(&g->n[0], "pads");
    ck_assert_int_eq(r->kind, AT_INTS);
    ck_assert_uint_eq(r->n, 2);
    ck_assert_int_eq(r->ints[1], 2);
    r = attr_get(&g->n[0], "scales");
    ck_assert_int_eq(r->kind, AT_FLOATS);
    ck_assert(r->floats[0] == 0.5f && r->floats[1] == 2.0f);
    r = attr_get(&g->n[0], "value");
    ck_assert_int_eq(r->kind, AT_TENSOR);
    ck_assert_int_eq(r->t->dims[0], 2);
    ck_assert(r->t->f[1] == 8.0f);
    ck_assert_int_eq(attr_get(&g->n[0], "body")->kind, AT_OTHER);
    ck_assert_ptr_null(attr_get(&g->n[0], "nothing"));
}
END_TEST

/* ---- inputs ---- */

/* an initializer listed among the graph inputs is a constant; symbolic dimensions are
 * pinned by --dim, the first one defaults to 1; an empty input name is an absent input */
START_TEST(inputs_constants_and_symbols)
{
    static const int64_t dsym[2] = {-2, -1};
    static float w[6] = {1, 2, 3, 4, 5, 6};
    static const char *const gemm_in[3] = {"x", "W", ""};
    static DimBinding bind[1] = {{"features", 3}};
    Onnx__TensorProto *t;
    mb_begin(13);
    mb.inp[mb.gr.n_input++] = mb_value("x", 2, dsym, "features");
    mb_input("W", 2, d32);
    t = mb_init("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, d32);
    t->n_float_data = 6, t->float_data = w;
    mb_node("Gemm", "fc", 3, gemm_in, "y");
    mb_output("y");
    lo.dims = bind;
    lo.n_dims = 1;
    mb_load();
    ck_assert_int_eq(g->n_inputs, 1);
    ck_assert_uint_eq(g->inputs[0], ir_find(g, "x"));
    ck_assert_int_eq(tensor("x")->dims[0], 1);
    ck_assert_int_eq(tensor("x")->dims[1], 3);
    ck_assert_int_eq(tensor("W")->input_index, -1);
    ck_assert_int_eq(g->n[0].n_in, 3);
    ck_assert_uint_eq(g->n[0].in[2], TC_NONE);
}
END_TEST

/* the default domain may be spelled "ai.onnx", for opsets and nodes */
START_TEST(ai_onnx_domain)
{
    static const char *const relu_in[1] = {"x"};
    Onnx__NodeProto *n;
    mb_begin(11);
    mb.opset.domain = "ai.onnx";
    mb_input("x", 2, d13);
    n = mb_node("Relu", "r", 1, relu_in, "y");
    n->domain = "ai.onnx";
    mb_output("y");
    mb_load();
    ck_assert_int_eq(g->opset, 11);
    ck_assert_int_eq(g->n[0].op, OP_RELU);
}
END_TEST

/* ---- bad input: fatal() exits with status 1 (run in a child process) ---- */

static void quiet(void)
{
    setup();
    memset(&lo, 0, sizeof lo);
    diag_catch(NULL, 1); /* the golden tests check the messages; here only the exit */
}

static void loud(void)
{
    diag_catch(NULL, 0);
    teardown();
}

START_TEST(refuses_empty_buffer)
{
    onnx_load_buffer("", 0, "empty.onnx", &(LoadOptions){NULL, 0, 1 << 20, 0, 0}, a);
}
END_TEST

START_TEST(refuses_garbage)
{
    static const uint8_t junk[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    onnx_load_buffer(junk, sizeof junk, "junk.onnx", &(LoadOptions){NULL, 0, 1 << 20, 0, 0}, a);
}
END_TEST

START_TEST(refuses_raw_size_mismatch)
{
    static uint8_t raw[20];
    Onnx__TensorProto *t;
    mlp_begin();
    t = mb_init("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, d32);
    t->has_raw_data = 1, t->raw_data.len = 20, t->raw_data.data = raw; /* 24 needed */
    mb_load();
}
END_TEST

START_TEST(refuses_typed_count_mismatch)
{
    static int64_t v[3] = {1, 2, 3};
    static const int64_t d2[1] = {2};
    Onnx__TensorProto *t;
    mlp_begin();
    t = mb_init("s", ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 1, d2);
    t->n_int64_data = 3, t->int64_data = v;
    mb_load();
}
END_TEST

START_TEST(refuses_missing_opset)
{
    static const char *const relu_in[1] = {"x"};
    mb_begin(0);
    mb_input("x", 2, d13);
    mb_node("Relu", "r", 1, relu_in, "y");
    mb_output("y");
    mb_load();
}
END_TEST

START_TEST(refuses_unknown_operator)
{
    static const char *const in[1] = {"x"};
    mb_begin(13);
    mb_input("x", 2, d13);
    mb_node("NoSuchOp", "n", 1, in, "y");
    mb_output("y");
    mb_load();
}
END_TEST

/* A graph with no inputs (its outputs constants) loads: <prefix>_run takes the outputs only. */
START_TEST(graph_without_inputs)
{
    static float w[6] = {1, 2, 3, 4, 5, 6};
    Onnx__TensorProto *t;
    mb_begin(13);
    t = mb_init("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, d32);
    t->n_float_data = 6, t->float_data = w;
    mb_output("W");
    mb_load();
    ck_assert_int_eq(g->n_inputs, 0);
    ck_assert_int_eq(g->n_outputs, 1);
    ck_assert(ir_is_const(tensor("W")));
    ck_assert(tensor("W")->f[5] == 6.0f);
}
END_TEST

START_TEST(refuses_constant_with_two_values)
{
    static const char *const in[1] = {"x"};
    Onnx__NodeProto *n;
    Onnx__AttributeProto *at;
    mb_begin(13);
    mb_input("x", 2, d13);
    n = mb_node("Constant", "c", 0, NULL, "c");
    at = mb_attr(n, "value_float", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    at->has_f = 1, at->f = 1;
    at = mb_attr(n, "value_int", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    at->has_i = 1, at->i = 1;
    mb_node("Relu", "r", 1, in, "y");
    mb_output("y");
    mb_load();
}
END_TEST

START_TEST(refuses_duplicate_initializer)
{
    static float w[6];
    Onnx__TensorProto *t;
    mlp_begin();
    t = mb_init("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, d32);
    t->n_float_data = 6, t->float_data = w;
    t = mb_init("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, d32);
    t->n_float_data = 6, t->float_data = w;
    mb_load();
}
END_TEST

/* over the tensor size limit (--max-bytes 1024): W [3,1000] needs 12,000 bytes, though
 * the file (no data at all) is small; refused before its values are counted */
START_TEST(refuses_tensor_over_limit)
{
    static const int64_t big[2] = {3, 1000};
    mlp_begin();
    mb_init("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, big);
    lo.max_bytes = 1024;
    ck_assert_uint_lt(onnx__model_proto__get_packed_size(&mb.m), 1024);
    mb_load();
}
END_TEST

/* ---- diag_catch: fatal() returns to the caller's jmp_buf instead of exiting ---- */

/* (An empty image: refused before protobuf-c allocates. A refusal after the unpack
 * leaks the unpacked message when caught this way; LeakSanitizer reports it.) */
START_TEST(fatal_is_caught)
{
    static jmp_buf jb;
    static volatile int loaded, caught;
    loaded = caught = 0;
    diag_catch(&jb, 1);
    if (setjmp(jb) == 0) {
        onnx_load_buffer("", 0, "empty.onnx", &(LoadOptions){NULL, 0, 1 << 20, 0, 0}, a);
        loaded = 1;
    } else {
        caught = 1;
    }
    diag_catch(NULL, 0);
    ck_assert_int_eq(loaded, 0);
    ck_assert_int_eq(caught, 1);
}
END_TEST

/* A refusal after protobuf-c has unpacked the model: the message is released
 * with the arena (arena_on_free), so LeakSanitizer (asan-tests) sees no leak. */
START_TEST(caught_after_unpack_leaks_nothing)
{
    static jmp_buf jb;
    static volatile int caught;
    static uint8_t raw[20];
    Onnx__TensorProto *t;
    caught = 0;
    mlp_begin();
    t = mb_init("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, d32);
    t->has_raw_data = 1, t->raw_data.len = 20, t->raw_data.data = raw; /* 24 needed */
    diag_catch(&jb, 1);
    if (setjmp(jb) == 0)
        mb_load();
    else
        caught = 1;
    diag_catch(NULL, 0);
    ck_assert_int_eq(caught, 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("onnx");
    TCase *tc = tcase_create("load");
    TCase *bad = tcase_create("bad");
    tcase_add_checked_fixture(tc, fresh, teardown);
    tcase_add_test(tc, float_data);
    tcase_add_test(tc, int64_int32_double_uint64_data);
    tcase_add_test(tc, empty_tensor_is_constant);
    tcase_add_test(tc, graph_without_inputs);
    tcase_add_test(tc, raw_data_little_endian);
    tcase_add_test(tc, caught_after_unpack_leaks_nothing);
    tcase_add_test(tc, constant_nodes);
    tcase_add_test(tc, attributes);
    tcase_add_test(tc, inputs_constants_and_symbols);
    tcase_add_test(tc, ai_onnx_domain);
    tcase_add_test(tc, fatal_is_caught);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(bad, quiet, loud);
    tcase_add_exit_test(bad, refuses_empty_buffer, EXIT_INPUT);
    tcase_add_exit_test(bad, refuses_garbage, EXIT_INPUT);
    tcase_add_exit_test(bad, refuses_raw_size_mismatch, EXIT_INPUT);
    tcase_add_exit_test(bad, refuses_typed_count_mismatch, EXIT_INPUT);
    tcase_add_exit_test(bad, refuses_missing_opset, EXIT_INPUT);
    tcase_add_exit_test(bad, refuses_unknown_operator, EXIT_INPUT);
    tcase_add_exit_test(bad, refuses_constant_with_two_values, EXIT_INPUT);
    tcase_add_exit_test(bad, refuses_duplicate_initializer, EXIT_INPUT);
    tcase_add_exit_test(bad, refuses_tensor_over_limit, EXIT_INPUT);
    suite_add_tcase(s, bad);
    return s;
}

RUN_SUITE(suite)
