/*
 * ir.c - the graph: tensors and nodes referred to by index, a name table,
 * attribute lookup, and the op table from ops.h.
 */
#include <errno.h>
#include <string.h>

#include "ticketc.h"

static const char *const op_names[] = {
#define OP(id, name, cls) name,
    OPS(OP)
#undef OP
};

const char *op_name(OpKind op)
{
    return op < OP_COUNT ? op_names[op] : "?";
}

int op_lookup(const char *onnx_name)
{
    int i;
    for (i = 0; i < OP_COUNT; i++)
        if (strcmp(op_names[i], onnx_name) == 0)
            return i;
    return -1;
}

/* The body both front ends share: the file into memory, then the parser. */
Graph *ir_load_file(const char *path, const LoadOptions *opt, Arena *a, LoadBufferFn *parse)
{
    Buf file = {0};
    Graph *g;
    int r = buf_read_file(&file, path, opt->max_bytes);
    if (r == -1)
        fatal("cannot read the model: %s", strerror(errno));
    if (r == -2) {
        buf_free(&file);
        fatal("the model is larger than the limit of %zu bytes (--max-bytes)", opt->max_bytes);
    }
    g = parse(file.p, file.len, path, opt, a);
    buf_free(&file);
    return g;
}

Graph *ir_new(Arena *a)
{
    Graph *g = arena_alloc(a, sizeof *g);
    g->a = a;
    g->opset = 1;
    g->producer = "";
    g->source = "";
    g->max_bytes = (size_t)1 << 30;
    return g;
}

/* FNV-1a: the name table only answers lookups, its order never shows. */
static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static void hash_insert(Graph *g, TensorId id)
{
    uint32_t m = g->hash_cap - 1, i = hash_str(g->t[id].name) & m;
    while (g->hash[i] != TC_NONE)
        i = (i + 1) & m;
    g->hash[i] = id;
}

static void hash_grow(Graph *g)
{
    uint32_t i, cap = g->hash_cap ? g->hash_cap * 2 : 256;
    g->hash = arena_array(g->a, cap, sizeof *g->hash);
    g->hash_cap = cap;
    for (i = 0; i < cap; i++)
        g->hash[i] = TC_NONE;
    for (i = 0; i < g->nt; i++)
        if (g->t[i].name[0])
            hash_insert(g, i);
}

TensorId ir_find(const Graph *g, const char *name)
{
    uint32_t m, i;
    if (!g->hash_cap)
        return TC_NONE;
    m = g->hash_cap - 1;
    for (i = hash_str(name) & m; g->hash[i] != TC_NONE; i = (i + 1) & m)
        if (strcmp(g->t[g->hash[i]].name, name) == 0)
            return g->hash[i];
    return TC_NONE;
}

TensorId ir_new_tensor(Graph *g, const char *name)
{
    Tensor *t;
    if (g->nt == g->t_cap) {
        uint32_t cap = g->t_cap ? g->t_cap * 2 : 64;
        Tensor *nt = arena_array(g->a, cap, sizeof *nt);
        if (g->nt)
            memcpy(nt, g->t, g->nt * sizeof *nt);
        g->t = nt;
        g->t_cap = cap;
    }
    t = &g->t[g->nt];
    memset(t, 0, sizeof *t);
    t->name = arena_strdup(g->a, name);
    t->dtype = DT_FLOAT;
    t->rank = -1;
    t->producer = -1;
    t->input_index = -1;
    t->output_index = -1;
    t->alias = TC_NONE;
    t->offset = -1;
    if (name[0]) {
        if ((g->nt + 1) * 2 > g->hash_cap)
            hash_grow(g);
        hash_insert(g, g->nt);
    }
    return g->nt++;
}

TensorId ir_tensor(Graph *g, const char *name)
{
    TensorId id = name[0] ? ir_find(g, name) : TC_NONE;
    return id != TC_NONE ? id : ir_new_tensor(g, name);
}

Node *ir_node(Graph *g, OpKind op, const char *name, int n_in, int n_out)
{
    Node *n;
    if (g->nn == g->n_cap) {
        int cap = g->n_cap ? g->n_cap * 2 : 32;
        Node *nn = arena_array(g->a, (size_t)cap, sizeof *nn);
        if (g->nn)
            memcpy(nn, g->n, (size_t)g->nn * sizeof *nn);
        g->n = nn;
        g->n_cap = cap;
    }
    n = &g->n[g->nn];
    memset(n, 0, sizeof *n);
    n->op = op;
    n->name = arena_strdup(g->a, name ? name : "");
    n->index = g->nn++;
    n->n_in = n_in;
    n->n_out = n_out;
    n->in = arena_array(g->a, (size_t)(n_in ? n_in : 1), sizeof(TensorId));
    n->out = arena_array(g->a, (size_t)(n_out ? n_out : 1), sizeof(TensorId));
    n->act = OP_COUNT;
    n->act_node = -1;
    return n;
}

/*
 * The product of dims, checked: INT64_MAX when it would overflow (or a
 * dimension is negative), so a comparison with any size limit refuses it.
 * Every element count of every front end and pass is computed here.
 */
int64_t ir_dims_product(int rank, const int64_t *dims)
{
    int64_t n = 1;
    int i;
    for (i = 0; i < rank; i++)
        if (dims[i] == 0)
            return 0;
    for (i = 0; i < rank; i++) {
        if (dims[i] < 0 || dims[i] > INT64_MAX / n)
            return INT64_MAX;
        n *= dims[i];
    }
    return n;
}

int64_t ir_numel(const Tensor *t)
{
    return ir_dims_product(t->rank < 0 ? 0 : t->rank, t->dims);
}

int ir_is_const(const Tensor *t)
{
    return t->f != NULL || t->i != NULL;
}

int ir_same_shape(const Tensor *a, const Tensor *b)
{
    int i;
    if (a->rank != b->rank)
        return 0;
    for (i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return 0;
    return 1;
}

void ir_set_dims(Tensor *t, int rank, const int64_t *dims)
{
    int i;
    ASSERT(rank >= 0 && rank <= TC_MAX_RANK);
    t->rank = rank;
    for (i = 0; i < rank; i++)
        t->dims[i] = dims[i];
}

const char *ir_shape_str(Arena *a, const Tensor *t)
{
    return text_dims(a, t->rank, t->dims, ",");
}

const char *ir_where(const Graph *g, const Node *n)
{
    return arena_printf(g->a, "node %d '%s' (%s)", n->index, diag_escape(g->a, n->name), op_name(n->op));
}

void node_error(const Graph *g, const Node *n, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fatal("%s: %s", ir_where(g, n), msg);
}

const Attr *attr_get(const Node *n, const char *name)
{
    int i;
    for (i = 0; i < n->n_attrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0)
            return &n->attrs[i];
    return NULL;
}

static const char *const attr_kinds[] = {"a float", "an integer", "a string", "floats", "integers", "a tensor",
                                          "of another type"};

/* An attribute given with the wrong type is refused, never taken as its default. */
static TC_NORETURN void attr_type_error(const Node *n, const Attr *at, const char *want)
{
    char node[DIAG_ESCAPED_MAX], name[DIAG_ESCAPED_MAX];
    diag_escape_buf(node, sizeof node, n->name);
    diag_escape_buf(name, sizeof name, at->name);
    fatal("node %d '%s' (%s): attribute '%s' must be %s, found %s", n->index, node, op_name(n->op), name, want,
          attr_kinds[at->kind]);
}

int64_t attr_int(const Node *n, const char *name, int64_t def)
{
    const Attr *at = attr_get(n, name);
    if (at && at->kind != AT_INT)
        attr_type_error(n, at, "an integer");
    return at ? at->i : def;
}

const char *attr_string(const Node *n, const char *name, const char *def)
{
    const Attr *at = attr_get(n, name);
    if (at && at->kind != AT_STRING)
        attr_type_error(n, at, "a string");
    return at ? at->s : def;
}

float attr_float(const Node *n, const char *name, float def)
{
    const Attr *at = attr_get(n, name);
    if (at && at->kind == AT_FLOAT)
        return at->f;
    if (at && at->kind == AT_INT)
        return (float)at->i;
    if (at)
        attr_type_error(n, at, "a number");
    return def;
}

TensorId ir_root(const Graph *g, TensorId id)
{
    while (g->t[id].alias != TC_NONE)
        id = g->t[id].alias;
    return id;
}

/*
 * From opset 13 Softmax reduces one axis (default -1); before, the input
 * is coerced to 2-D at axis (default 1) and the second dimension reduced.
 */
void softmax_extent(const Graph *g, const Node *n, const Tensor *x, int64_t *outer, int64_t *len, int64_t *inner)
{
    int64_t axis = attr_int(n, "axis", g->opset >= 13 ? -1 : 1);
    int i;
    if (axis < 0)
        axis += x->rank;
    *outer = *len = *inner = 1;
    for (i = 0; i < x->rank; i++) {
        if (i < axis)
            *outer *= x->dims[i];
        else if (i == axis || g->opset < 13)
            *len *= x->dims[i];
        else
            *inner *= x->dims[i];
    }
}

int ir_is_view(OpKind op)
{
    return op == OP_FLATTEN || op == OP_RESHAPE || op == OP_IDENTITY || op == OP_DROPOUT || op == OP_SQUEEZE ||
           op == OP_UNSQUEEZE;
}

int ir_is_activation(OpKind op)
{
    return op == OP_RELU || op == OP_LEAKYRELU || op == OP_SIGMOID || op == OP_TANH;
}
