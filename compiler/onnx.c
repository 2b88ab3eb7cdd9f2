/*
 * onnx.c - the ONNX front end. Translates a ModelProto (parsed by the
 * protobuf-c code generated from Debian's onnx.proto) into the IR and
 * reports what it cannot take, naming the node or tensor. No semantics
 * here beyond building the graph.
 */
#include <errno.h>
#include <string.h>

#include "onnx.pb-c.h"
#include "ticketc.h"

/* ---- the wire-format pre-scan ---- */

/*
 * protobuf_c_message_unpack recurses once per nested message and allocates
 * what the file asks for: a TypeProto nested 10,000 deep overflows the
 * stack, and 10 M empty initializers (2 bytes each) take 2.6 GB. So the
 * bytes are walked first, guided by the same descriptors unpack uses, and
 * the file is refused before unpacking when it nests deeper than
 * ONNX_MAX_DEPTH or when what unpack would allocate exceeds --max-bytes.
 * The walk also refuses strings with a NUL byte (C strings would be cut
 * there: "W\0evil" would answer to "W") and names longer than TC_MAX_NAME.
 */
#define WIRE_OVERHEAD 64 /* per field occurrence: unpack's scan record and malloc's header */

/* What the walk found: well-formed (0), not protobuf (-1), or a reason to refuse. */
enum { WIRE_OK = 0, WIRE_MALFORMED = -1, WIRE_DEEP = -2, WIRE_BIG = -3, WIRE_NUL = -4, WIRE_LONG = -5, WIRE_NODES = -6 };

typedef struct {
    size_t bytes;       /* estimated allocation of protobuf_c_message_unpack */
    size_t limit;
    long nodes, max_nodes; /* NodeProto messages at any depth, and --max-nodes (0: none) */
    const char *msg, *field; /* the string refused: message type and field */
} Wire;

static int wire_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    int shift;
    *v = 0;
    for (shift = 0; shift < 70 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        if (shift < 64)
            *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

/* Strings ticketc uses as names, or prints: doc strings and metadata may be long and hold anything. */
static int is_name_field(const char *field)
{
    static const char *const names[] = {"name", "input", "output", "op_type", "domain", "dim_param",
                                        "ref_attr_name", "producer_name", "producer_version"};
    size_t i;
    for (i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(field, names[i]) == 0)
            return 1;
    return 0;
}

/* What a packed repeated scalar field of len bytes at p unpacks to. */
static size_t packed_bytes(ProtobufCType type, const uint8_t *p, size_t len)
{
    size_t i, count = 0;
    switch (type) {
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_DOUBLE:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_SFIXED64:
        return len; /* as many bytes in memory as on the wire */
    default:
        break;
    }
    for (i = 0; i < len; i++)
        count += !(p[i] & 0x80); /* one varint ends at each byte without the high bit */
    if (type == PROTOBUF_C_TYPE_INT64 || type == PROTOBUF_C_TYPE_SINT64 || type == PROTOBUF_C_TYPE_UINT64)
        return count * 8;
    return count * 4;
}

static void wire_charge(Wire *W, size_t n)
{
    W->bytes = W->bytes + n < W->bytes ? (size_t)-1 : W->bytes + n;
}

/* One message of type d in [p, p + len), at nesting level depth: WIRE_*. */
static int wire_message(Wire *W, const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len, int depth)
{
    const uint8_t *end = p + len;
    if (depth > ONNX_MAX_DEPTH)
        return WIRE_DEEP;
    if (d == &onnx__node_proto__descriptor)
        W->nodes++;
    wire_charge(W, d->sizeof_message + WIRE_OVERHEAD);
    while (p < end) {
        uint64_t key, v, n = 0;
        const ProtobufCFieldDescriptor *f;
        int wt, repeated;
        if (wire_varint(&p, end, &key) || (key >> 3) == 0 || (key >> 3) > 0x1fffffff)
            return WIRE_MALFORMED;
        wt = (int)(key & 7);
        f = protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3));
        repeated = f && f->label == PROTOBUF_C_LABEL_REPEATED;
        switch (wt) {
        case 0:
            if (wire_varint(&p, end, &v))
                return WIRE_MALFORMED;
            n = 8;
            break;
        case 1:
        case 5:
            n = wt == 1 ? 8 : 4;
            if ((size_t)(end - p) < n)
                return WIRE_MALFORMED;
            p += n;
            n = 8;
            break;
        case 2:
            if (wire_varint(&p, end, &v) || v > (uint64_t)(end - p))
                return WIRE_MALFORMED;
            n = v;
            if (!f) {
                /* an unknown field: kept, copied */
            } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
                int r = wire_message(W, f->descriptor, p, (size_t)v, depth + 1);
                if (r)
                    return r;
                n = 0;
            } else if (f->type == PROTOBUF_C_TYPE_STRING) {
                if (memchr(p, 0, (size_t)v) && is_name_field(f->name)) {
                    W->msg = d->short_name, W->field = f->name;
                    return WIRE_NUL;
                }
                if (v > TC_MAX_NAME && is_name_field(f->name)) {
                    W->msg = d->short_name, W->field = f->name;
                    return WIRE_LONG;
                }
                n = v + 1;
            } else if (f->type != PROTOBUF_C_TYPE_BYTES) {
                n = packed_bytes(f->type, p, (size_t)v);
            }
            p += v;
            break;
        default:
            return WIRE_MALFORMED; /* groups: protobuf-c refuses them too */
        }
        wire_charge(W, (size_t)n + WIRE_OVERHEAD + (repeated ? sizeof(void *) : 0));
        if (W->bytes > W->limit)
            return WIRE_BIG;
    }
    return WIRE_OK;
}

int onnx_prescan(const void *data, size_t len, size_t max_bytes, long max_nodes, Arena *a)
{
    Wire W;
    int r;
    memset(&W, 0, sizeof W);
    W.limit = max_bytes;
    W.max_nodes = max_nodes;
    r = wire_message(&W, &onnx__model_proto__descriptor, data, len, 1);
    if (r == WIRE_OK && max_nodes > 0 && W.nodes > max_nodes)
        r = WIRE_NODES;
    if (r == WIRE_DEEP)
        fatal("the file's protobuf messages nest more than %d deep (a fixed limit; no ONNX model needs that many "
              "levels of subgraphs or types)", ONNX_MAX_DEPTH);
    if (r == WIRE_BIG)
        fatal("the file would take more than %zu bytes of memory once decoded (--max-bytes); its %zu bytes hold "
              "that many fields", max_bytes, len);
    if (r == WIRE_NODES)
        fatal("the model has %ld nodes, more than the limit of %ld (--max-nodes)", W.nodes, max_nodes);
    if (r == WIRE_NUL)
        fatal("a string (%s) contains a NUL byte, which would cut it short; names must not contain \\0",
              arena_printf(a, "%s.%s", W.msg, W.field));
    if (r == WIRE_LONG)
        fatal("a name (%s) is longer than %d bytes, the limit on names (the DSL's too)",
              arena_printf(a, "%s.%s", W.msg, W.field), TC_MAX_NAME);
    return r;
}

typedef struct {
    Graph *g;
    const LoadOptions *opt;
    size_t data_bytes; /* tensor data loaded so far, against opt->max_bytes */
    int quantized;     /* a node is one of qdq.c's: int8/uint8 graph inputs are taken */
} Loader;

static const char *dtype_name(int dt)
{
    static const char *const names[] = {
        "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
        "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64",
        "COMPLEX64", "COMPLEX128", "BFLOAT16"};
    return dt >= 0 && dt < (int)(sizeof names / sizeof *names) ? names[dt] : "unknown";
}

/* Bytes per element in raw_data, or 0 for types ticketc does not load. */
static size_t raw_elem_size(int dt)
{
    switch (dt) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: return 8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: return 8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64: return 8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32: return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT16: return 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: return 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: return 1;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: return 1;
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL: return 1;
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16: return 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16: return 2;
    default: return 0;
    }
}

static int is_float_type(int dt)
{
    return dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT || dt == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ||
           dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16 || dt == ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16;
}

/* Little-endian decoding, independent of the host. */
static uint64_t le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    while (n--)
        v = (v << 8) | p[n];
    return v;
}

static float f32_from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static double f64_from_bits(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* A float value of raw_data: float, double, or the bits of float16 or bfloat16 (exact in float). */
static float raw_float(const uint8_t *p, int dt)
{
    switch (dt) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: return (float)f64_from_bits(le(p, 8));
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16: return f16_to_float((uint16_t)le(p, 2));
    case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16: return bf16_to_float((uint16_t)le(p, 2));
    default: return f32_from_bits((uint32_t)le(p, 4));
    }
}

static int64_t raw_int(const uint8_t *p, int dt)
{
    switch (dt) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64: return (int64_t)le(p, 8);
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: return (int32_t)(uint32_t)le(p, 4);
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32: return (int64_t)le(p, 4);
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT16: return (int16_t)(uint16_t)le(p, 2);
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: return (int64_t)le(p, 2);
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: return (int8_t)p[0];
    default: return p[0]; /* UINT8, BOOL */
    }
}

/* Typed fields: which one holds the values depends on the type (float16,
 * bool and the narrow integers live in int32_data). */
size_t onnx_typed_count(const Onnx__TensorProto *tp)
{
    int dt = tp->has_data_type ? tp->data_type : 0;
    if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
        return tp->n_float_data;
    if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
        return tp->n_double_data;
    if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT64)
        return tp->n_int64_data;
    if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__UINT64 || dt == ONNX__TENSOR_PROTO__DATA_TYPE__UINT32)
        return tp->n_uint64_data;
    return tp->n_int32_data;
}

/* Fills tensor t (already named) from a TensorProto; 'what' names it in messages. */
static void load_tensor(Loader *L, Tensor *t, const Onnx__TensorProto *tp, const char *what)
{
    Graph *g = L->g;
    int dt = tp->has_data_type ? tp->data_type : 0;
    int64_t numel = 1;
    size_t i, es = raw_elem_size(dt);

    if (tp->n_external_data || (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL))
        fatal("%s: external data is not supported; save the model with its weights inside (onnx.save(model, path, save_as_external_data=False))", what);
    if (!es)
        fatal("%s: data type %s is not supported (float, double, float16, bfloat16 and integer types are)", what,
              dtype_name(dt));
    if (tp->n_dims > TC_MAX_RANK)
        fatal("%s: rank %zu exceeds the maximum of %d", what, tp->n_dims, TC_MAX_RANK);
    for (i = 0; i < tp->n_dims; i++) {
        if (tp->dims[i] < 0 || tp->dims[i] > ((int64_t)1 << 31))
            fatal("%s: dimension %zu is %lld", what, i, (long long)tp->dims[i]);
        numel *= tp->dims[i];
        if (numel > (int64_t)(L->opt->max_bytes / 4))
            fatal("%s: %lld elements exceed the tensor size limit (--max-bytes %zu)", what, (long long)numel, L->opt->max_bytes);
    }
    L->data_bytes += (size_t)numel * 4;
    if (L->data_bytes > L->opt->max_bytes)
        fatal("%s: tensor data exceeds the limit of %zu bytes in total (--max-bytes)", what, L->opt->max_bytes);
    t->rank = (int)tp->n_dims;
    for (i = 0; i < tp->n_dims; i++)
        t->dims[i] = tp->dims[i];
    t->etype = dt; /* bool, int32 ... kept apart for Cast, CastLike, the emitter (stored as DT_INT64), qdq.c */

    if (tp->has_raw_data) {
        const uint8_t *p = tp->raw_data.data;
        if (tp->raw_data.len != (size_t)numel * es)
            fatal("%s: raw_data holds %zu bytes, %s%s needs %lld", what, tp->raw_data.len, dtype_name(dt),
                  ir_shape_str(g->a, t), (long long)numel * (long long)es);
        if (is_float_type(dt)) {
            t->dtype = DT_FLOAT;
            t->f = arena_array(g->a, (size_t)numel, sizeof(float));
            for (i = 0; i < (size_t)numel; i++)
                t->f[i] = raw_float(p + es * i, dt);
        } else {
            t->dtype = DT_INT64;
            t->i = arena_array(g->a, (size_t)numel, sizeof(int64_t));
            for (i = 0; i < (size_t)numel; i++)
                t->i[i] = raw_int(p + es * i, dt);
        }
        return;
    }

    {
        size_t n = onnx_typed_count(tp);
        if (n != (size_t)numel)
            fatal("%s: holds %zu values, %s%s needs %lld", what, n, dtype_name(dt), ir_shape_str(g->a, t), (long long)numel);
        if (is_float_type(dt)) {
            t->dtype = DT_FLOAT;
            t->f = arena_array(g->a, (size_t)numel, sizeof(float));
            for (i = 0; i < n; i++)
                t->f[i] = dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT    ? tp->float_data[i]
                          : dt == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ? (float)tp->double_data[i]
                          : dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16
                              ? f16_to_float((uint16_t)tp->int32_data[i]) /* the bits, in int32_data */
                              : bf16_to_float((uint16_t)tp->int32_data[i]);
        } else {
            t->dtype = DT_INT64;
            t->i = arena_array(g->a, (size_t)numel, sizeof(int64_t));
            for (i = 0; i < n; i++) {
                if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT64)
                    t->i[i] = tp->int64_data[i];
                else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__UINT64 || dt == ONNX__TENSOR_PROTO__DATA_TYPE__UINT32)
                    t->i[i] = (int64_t)tp->uint64_data[i];
                else
                    t->i[i] = tp->int32_data[i];
            }
        }
    }
    if (numel == 0) {
        /* keep empty constants recognisable as constants */
        if (t->dtype == DT_FLOAT)
            t->f = arena_alloc(g->a, sizeof(float));
        else
            t->i = arena_alloc(g->a, sizeof(int64_t));
    }
}

static const char *safe(Arena *a, const char *s)
{
    return diag_escape(a, s);
}

/* The integer and bool element types a graph input may have outside quantized models. */
static int run_time_int_type(int dt)
{
    return dt == ET_INT8 || dt == ET_UINT8 || dt == ET_INT32 || dt == ET_INT64 || dt == ET_BOOL ||
           dt == ET_INT16 || dt == ET_UINT16 || dt == ET_UINT32 || dt == ET_UINT64;
}

/* Double, float16 and bfloat16: float tensors inside, converted at the graph's edges (interp_types.c). */
static int converted_type(int dt)
{
    return dt == ET_DOUBLE || dt == ET_FLOAT16 || dt == ET_BFLOAT16;
}

/* A graph input: float tensor with static shape after pinning symbolic dims. */
static void load_input(Loader *L, const Onnx__ValueInfoProto *vi, int index)
{
    Graph *g = L->g;
    const char *name = vi->name ? vi->name : "";
    const char *sname = safe(g->a, name);
    const Onnx__TypeProto__Tensor *tt;
    TensorId id;
    Tensor *t;
    size_t i;

    if (!name[0])
        fatal("graph input %d has no name", index);
    if (ir_find(g, name) != TC_NONE)
        fatal("graph input '%s' is declared twice", sname);
    if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !vi->type->tensor_type)
        fatal("graph input '%s': only tensor inputs are supported", sname);
    tt = vi->type->tensor_type;
    /* int8 and uint8 inputs of quantized models are qdq.c's; elsewhere integer and
     * bool inputs are integer tensors at run time (emit_types.c) */
    if (!tt->has_elem_type || (tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT &&
                               (!L->quantized || (tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__INT8 &&
                                                  tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__UINT8)) &&
                               (L->quantized || (!run_time_int_type(tt->elem_type) && !converted_type(tt->elem_type)))))
        fatal("graph input '%s': element type %s is not supported (inputs must be float32, double, float16, "
              "bfloat16, int8, uint8, int16, uint16, int32, uint32, int64, uint64 or bool)", sname,
              dtype_name(tt->has_elem_type ? tt->elem_type : 0));
    if (!tt->shape)
        fatal("graph input '%s' has no shape; ticketc needs static shapes", sname);
    if (tt->shape->n_dim > TC_MAX_RANK)
        fatal("graph input '%s': rank %zu exceeds the maximum of %d", sname, tt->shape->n_dim, TC_MAX_RANK);

    id = ir_new_tensor(g, name);
    t = &g->t[id];
    t->etype = tt->elem_type; /* int8/uint8 of a quantized model: float tensors that qdq.c reads */
    if (!L->quantized && run_time_int_type(tt->elem_type))
        t->dtype = DT_INT64;
    t->rank = (int)tt->shape->n_dim;
    for (i = 0; i < tt->shape->n_dim; i++) {
        const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
        int64_t v = -1;
        if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE && d->dim_value >= 0) {
            v = d->dim_value;
        } else if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM && d->dim_param) {
            int k;
            for (k = 0; k < L->opt->n_dims; k++)
                if (strcmp(L->opt->dims[k].name, d->dim_param) == 0)
                    v = L->opt->dims[k].value;
            if (v < 0 && i == 0)
                v = 1; /* the batch dimension */
            if (v < 0)
                fatal("graph input '%s': dimension %zu is the symbol '%s'; pin it with --dim %s=SIZE", sname, i,
                      safe(g->a, d->dim_param), safe(g->a, d->dim_param));
        } else if (i == 0 && d->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            v = 1; /* an unnamed batch dimension */
        }
        /* a dim_value of 0: an input with no elements, an empty constant (infer_shapes) */
        if (v < 0 || v > ((int64_t)1 << 31))
            fatal("graph input '%s': dimension %zu is unknown or invalid; ticketc needs static shapes", sname, i);
        t->dims[i] = v;
    }
    if (ir_numel(t) > (int64_t)(L->opt->max_bytes / 4))
        fatal("graph input '%s' has shape %s, more elements than the tensor size limit (--max-bytes %zu)", sname,
              ir_shape_str(g->a, t), L->opt->max_bytes);
    t->input_index = g->n_inputs;
    g->inputs[g->n_inputs++] = id;
}

static void load_attr(Loader *L, Node *n, Attr *at, const Onnx__AttributeProto *ap)
{
    Graph *g = L->g;
    size_t i;
    at->name = arena_strdup(g->a, ap->name ? ap->name : "");
    switch (ap->type) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: at->kind = AT_FLOAT; at->f = ap->f; break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: at->kind = AT_INT; at->i = ap->i; break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING:
        at->kind = AT_STRING;
        if ((ap->s.len && memchr(ap->s.data, 0, ap->s.len)) || ap->s.len > TC_MAX_NAME)
            node_error(g, n, "attribute '%s': a string of %zu bytes%s; strings are at most %d bytes, without NUL",
                       safe(g->a, at->name), ap->s.len, ap->s.len > TC_MAX_NAME ? "" : " with a NUL byte", TC_MAX_NAME);
        at->s = arena_alloc(g->a, ap->s.len + 1);
        if (ap->s.len)
            memcpy(at->s, ap->s.data, ap->s.len);
        break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
        at->kind = AT_FLOATS;
        at->n = ap->n_floats;
        at->floats = arena_array(g->a, ap->n_floats + 1, sizeof(float));
        for (i = 0; i < ap->n_floats; i++)
            at->floats[i] = ap->floats[i];
        break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
        at->kind = AT_INTS;
        at->n = ap->n_ints;
        at->ints = arena_array(g->a, ap->n_ints + 1, sizeof(int64_t));
        for (i = 0; i < ap->n_ints; i++)
            at->ints[i] = ap->ints[i];
        break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR:
        if (!ap->t) {
            at->kind = AT_OTHER;
            break;
        }
        at->kind = AT_TENSOR;
        at->t = arena_alloc(g->a, sizeof *at->t);
        at->t->dtype = DT_FLOAT;
        at->t->producer = at->t->input_index = at->t->output_index = -1;
        at->t->alias = TC_NONE;
        at->t->offset = -1;
        load_tensor(L, at->t, ap->t, arena_printf(g->a, "%s: attribute '%s'", ir_where(g, n), safe(g->a, at->name)));
        break;
    default:
        at->kind = AT_OTHER;
        break;
    }
}

/* Constant nodes become initializers. */
static void load_constant(Loader *L, const Onnx__NodeProto *np, int index)
{
    Graph *g = L->g;
    const char *what = arena_printf(g->a, "node %d '%s' (Constant)", index, safe(g->a, np->name));
    Tensor *t;
    const Onnx__AttributeProto *ap;
    TensorId id;
    size_t i;

    if (np->n_output != 1 || !np->output[0][0])
        fatal("%s: expected one output", what);
    if (ir_find(g, np->output[0]) != TC_NONE)
        fatal("%s: output '%s' is already defined", what, safe(g->a, np->output[0]));
    if (np->n_attribute != 1)
        fatal("%s: expected exactly one value attribute", what);
    ap = np->attribute[0];
    id = ir_new_tensor(g, np->output[0]);
    t = &g->t[id];
    if (strcmp(ap->name, "value") == 0 && ap->t) {
        load_tensor(L, t, ap->t, what);
    } else if (strcmp(ap->name, "value_float") == 0) {
        t->rank = 0;
        t->f = arena_alloc(g->a, sizeof(float));
        t->f[0] = ap->f;
    } else if (strcmp(ap->name, "value_floats") == 0) {
        t->rank = 1;
        t->dims[0] = (int64_t)ap->n_floats;
        t->f = arena_array(g->a, ap->n_floats + 1, sizeof(float));
        for (i = 0; i < ap->n_floats; i++)
            t->f[i] = ap->floats[i];
    } else if (strcmp(ap->name, "value_int") == 0) {
        t->dtype = DT_INT64;
        t->rank = 0;
        t->i = arena_alloc(g->a, sizeof(int64_t));
        t->i[0] = ap->i;
    } else if (strcmp(ap->name, "value_ints") == 0) {
        t->dtype = DT_INT64;
        t->rank = 1;
        t->dims[0] = (int64_t)ap->n_ints;
        t->i = arena_array(g->a, ap->n_ints + 1, sizeof(int64_t));
        for (i = 0; i < ap->n_ints; i++)
            t->i[i] = ap->ints[i];
    } else {
        fatal("%s: attribute '%s' is not supported", what, safe(g->a, ap->name));
    }
}

static void load_node(Loader *L, const Onnx__NodeProto *np, int index)
{
    Graph *g = L->g;
    const char *op_type = np->op_type ? np->op_type : "";
    int op, i;
    Node *n;

    if (np->domain && np->domain[0] && strcmp(np->domain, "ai.onnx") != 0)
        fatal("node %d '%s' (%s): operators of domain '%s' are not supported", index, safe(g->a, np->name),
              safe(g->a, op_type), safe(g->a, np->domain));
    if (strcmp(op_type, "Constant") == 0) {
        load_constant(L, np, index);
        return;
    }
    op = qdq_lookup(op_type); /* replaced by qdq_rewrite once the graph is read */
    if (op < 0)
        op = op_lookup(op_type);
    if (op < 0)
        fatal("node %d '%s' (%s): unsupported operator '%s'", index, safe(g->a, np->name), safe(g->a, op_type),
              safe(g->a, op_type));
    if (np->n_input > 64 || np->n_output > 64)
        fatal("node %d '%s' (%s): too many inputs or outputs", index, safe(g->a, np->name), safe(g->a, op_type));
    n = ir_node(g, (OpKind)op, np->name, (int)np->n_input, (int)np->n_output);
    n->index = index;
    for (i = 0; i < n->n_in; i++) {
        const char *nm = np->input[i];
        if (!nm[0]) {
            n->in[i] = TC_NONE; /* optional input left out */
            continue;
        }
        n->in[i] = ir_find(g, nm);
        if (n->in[i] == TC_NONE)
            node_error(g, n, "input '%s' is not produced by any earlier node, initializer or graph input "
                             "(dangling name, cycle, or nodes out of order)", safe(g->a, nm));
    }
    for (i = 0; i < n->n_out; i++) {
        const char *nm = np->output[i];
        if (!nm[0]) {
            n->out[i] = ir_new_tensor(g, "");
        } else {
            if (ir_find(g, nm) != TC_NONE)
                node_error(g, n, "output '%s' is already defined (names must be assigned once)", safe(g->a, nm));
            n->out[i] = ir_new_tensor(g, nm);
        }
        g->t[n->out[i]].producer = (int)(n - g->n);
    }
    /* no op ticketc knows has more than a dozen attributes; the bound keeps the
     * duplicate check below small whatever the file holds */
    if (np->n_attribute > TC_MAX_ATTRS)
        node_error(g, n, "%zu attributes; at most %d are read", np->n_attribute, TC_MAX_ATTRS);
    n->n_attrs = (int)np->n_attribute;
    n->attrs = arena_array(g->a, np->n_attribute + 1, sizeof(Attr));
    for (i = 0; i < n->n_attrs; i++) {
        int j;
        load_attr(L, n, &n->attrs[i], np->attribute[i]);
        for (j = 0; j < i; j++)
            if (strcmp(n->attrs[j].name, n->attrs[i].name) == 0)
                node_error(g, n, "attribute '%s' is given twice", safe(g->a, n->attrs[i].name));
    }
}

Graph *onnx_load(const char *path, const LoadOptions *opt, Arena *a)
{
    return ir_load_file(path, opt, a, onnx_load_buffer);
}

void onnx_free_model(void *model)
{
    onnx__model_proto__free_unpacked(model, NULL);
}

Graph *onnx_load_buffer(const void *data, size_t len, const char *path, const LoadOptions *opt, Arena *a)
{
    Onnx__ModelProto *m;
    void **guard;
    Onnx__GraphProto *gp;
    Loader L;
    Graph *g;
    size_t i;

    if (len == 0)
        fatal("the file is empty, not an ONNX model");
    if (len > opt->max_bytes)
        fatal("the model is larger than the limit of %zu bytes (--max-bytes)", opt->max_bytes);
    g = ir_new(a);
    g->max_bytes = opt->max_bytes;
    g->source = arena_strdup(a, path);
    sha256_hex(data, len, g->sha256);

    if (onnx_prescan(data, len, opt->max_bytes, opt->max_nodes, a) < 0)
        fatal("not a valid ONNX model (the protobuf data is truncated or malformed)");
    m = onnx__model_proto__unpack(NULL, len, (const uint8_t *)data);
    if (!m)
        fatal("not a valid ONNX model (the protobuf data is truncated or malformed)");
    guard = arena_on_free(a, onnx_free_model, m);
    gp = m->graph;
    if (!gp)
        fatal("the model has no graph");

    L.g = g;
    L.opt = opt;
    L.data_bytes = 0;
    L.quantized = 0;
    for (i = 0; i < gp->n_node; i++)
        if (gp->node[i]->op_type && qdq_lookup(gp->node[i]->op_type) >= 0)
            L.quantized = 1;

    g->producer = arena_printf(a, "%s%s%s", safe(a, m->producer_name), m->producer_version && m->producer_version[0] ? " " : "",
                               safe(a, m->producer_version));
    g->opset = 0;
    for (i = 0; i < m->n_opset_import; i++) {
        const char *dom = m->opset_import[i]->domain;
        if (!dom || !dom[0] || strcmp(dom, "ai.onnx") == 0)
            g->opset = m->opset_import[i]->version;
    }
    if (g->opset <= 0)
        fatal("the model imports no version of the default ONNX operator set");
    if (g->opset > TC_MAX_OPSET)
        fatal("the model imports version %lld of the default ONNX operator set; ticketc knows versions 1 to %d",
              (long long)g->opset, TC_MAX_OPSET);

    /* initializers first: inputs that are also initializers are constants */
    for (i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *tp = gp->initializer[i];
        const char *nm = tp->name ? tp->name : "";
        const char *what = arena_printf(a, "initializer '%s'", safe(a, nm));
        TensorId id;
        if (!nm[0])
            fatal("initializer %zu has no name", i);
        if (ir_find(g, nm) != TC_NONE)
            fatal("%s is defined twice", what);
        id = ir_new_tensor(g, nm);
        load_tensor(&L, &g->t[id], tp, what);
    }
    if (gp->n_sparse_initializer)
        fatal("sparse initializers are not supported; store the weights dense (pruned entries as zeros)");

    g->inputs = arena_array(a, gp->n_input + 1, sizeof(TensorId));
    for (i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        TensorId id = vi->name ? ir_find(g, vi->name) : TC_NONE;
        if (id != TC_NONE && g->t[id].input_index < 0)
            continue; /* an initializer: a constant, not an input */
        load_input(&L, vi, (int)i);
    }
    /* no inputs (every output a constant, or computed from constants): <prefix>_run takes
     * the outputs only, and --main runs it once */

    for (i = 0; i < gp->n_node; i++)
        load_node(&L, gp->node[i], (int)i);

    if (gp->n_output == 0)
        fatal("the graph has no outputs");
    g->outputs = arena_array(a, gp->n_output + 1, sizeof(TensorId));
    for (i = 0; i < gp->n_output; i++) {
        const char *nm = gp->output[i]->name ? gp->output[i]->name : "";
        TensorId id = ir_find(g, nm);
        if (id == TC_NONE)
            fatal("graph output '%s' is not produced by any node", safe(a, nm));
        if (g->t[id].output_index >= 0)
            fatal("graph output '%s' is listed twice", safe(a, nm));
        g->t[id].output_index = g->n_outputs;
        g->outputs[g->n_outputs++] = id;
        /* declared double, float16 or bfloat16: its values leave converted from float
         * (io_etype), unless inference gives it a type of its own (Cast) */
        if (!L.quantized && !g->t[id].etype && gp->output[i]->type &&
            gp->output[i]->type->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && gp->output[i]->type->tensor_type &&
            converted_type(gp->output[i]->type->tensor_type->elem_type))
            g->t[id].etype = gp->output[i]->type->tensor_type->elem_type;
    }
    onnx__model_proto__free_unpacked(m, NULL); /* right after import, not with the arena */
    *guard = NULL;
    qdq_rewrite(g);
    return g;
}
