/*
 * mask.c - pruning masks. --masks multiplies masks (a directory of .npy
 * files, an .npz archive or an ONNX file of initializers, each named like
 * the weight it prunes) into the initializers before anything is folded;
 * --check-masks only verifies that the weights are already zero where the
 * masks say pruned; --prune-magnitude makes a ticket-shaped model out of a
 * dense one by zeroing each layer's smallest weights.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "onnx.pb-c.h"
#include "ticketc.h"

typedef struct {
    NpyArray arr;
    const char *where;  /* the file it came from, as messages name it */
} Mask;

typedef struct {
    Arena *a;
    Mask *m;
    int n, cap;
    size_t bytes, max_bytes;  /* mask data so far, against --max-bytes */
} MaskSet;

static const char *safe(Arena *a, const char *s)
{
    return diag_escape(a, s);
}

static const char *arr_shape(Arena *a, const NpyArray *arr)
{
    return text_dims(a, arr->rank, arr->dims, ",");
}

static void add_mask(MaskSet *S, const NpyArray *arr, const char *where)
{
    int64_t numel = 1;
    int i;
    if (S->n == S->cap) {
        int cap = S->cap ? S->cap * 2 : 16;
        Mask *m = arena_array(S->a, (size_t)cap, sizeof *m);
        if (S->n)
            memcpy(m, S->m, (size_t)S->n * sizeof *m);
        S->m = m;
        S->cap = cap;
    }
    for (i = 0; i < arr->rank; i++)
        numel *= arr->dims[i];
    S->bytes += (size_t)numel * sizeof(float);
    if (S->bytes > S->max_bytes)
        fatal("mask data exceeds the limit of %zu bytes in total (--max-bytes)", S->max_bytes);
    S->m[S->n].arr = *arr;
    S->m[S->n].where = where;
    S->n++;
}

/* Reads a whole file; messages name path. */
static void read_file(Buf *b, const char *path, size_t max_bytes)
{
    int r = buf_read_file(b, path, max_bytes);
    if (r == -1)
        fatal("cannot read: %s", strerror(errno));
    if (r == -2)
        fatal("the file is larger than the limit of %zu bytes (--max-bytes)", max_bytes);
}

/* "dir/fc1.weight.npy" -> "fc1.weight" */
static char *mask_name(Arena *a, const char *path)
{
    const char *base = strrchr(path, '/');
    size_t n;
    base = base ? base + 1 : path;
    n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".npy") == 0)
        n -= 4;
    return arena_printf(a, "%.*s", (int)n, base);
}

static void load_npy(MaskSet *S, const char *path, const void *data, size_t len)
{
    NpyArray arr;
    npy_parse(data, len, path, &arr, S->a);
    arr.name = mask_name(S->a, path);
    add_mask(S, &arr, path);
}

static int cmp_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Every *.npy of the directory, in the order of their names. */
static void load_dir(MaskSet *S, const char *dir)
{
    size_t dl = strlen(dir), n, i;
    const char *sep = dl && dir[dl - 1] == '/' ? "" : "/";
    Buf names = {0};
    struct dirent *de;
    char **v;
    DIR *d = opendir(dir);
    if (!d)
        fatal("cannot open the directory: %s", strerror(errno));
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        char *s;
        if (l > 4 && de->d_name[0] != '.' && strcmp(de->d_name + l - 4, ".npy") == 0) {
            s = arena_printf(S->a, "%s%s%s", dir, sep, de->d_name);
            buf_add(&names, &s, sizeof s);
        }
    }
    closedir(d);
    n = names.len / sizeof(char *);
    v = arena_array(S->a, n + 1, sizeof *v);
    if (n)
        memcpy(v, names.p, n * sizeof *v);
    buf_free(&names);
    qsort(v, n, sizeof *v, cmp_names);
    for (i = 0; i < n; i++) {
        Buf file = {0};
        struct stat st;
        if (stat(v[i], &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        diag_set_file(v[i]);
        read_file(&file, v[i], S->max_bytes);
        load_npy(S, v[i], file.p, file.len);
        buf_free(&file);
    }
    diag_set_file(dir);
    if (!S->n)
        fatal("no .npy files in the directory (expected one <initializer name>.npy per mask)");
}

static void load_npz(MaskSet *S, const char *path, const void *data, size_t len)
{
    NpyArray *arr;
    int n = npz_parse(data, len, path, &arr, S->a, S->max_bytes - S->bytes), i;
    if (!n)
        fatal("the archive holds no arrays, so no masks");
    for (i = 0; i < n; i++)
        add_mask(S, &arr[i], path);
}

/* ---- an ONNX file whose initializers are the masks ---- */

/* numpy kind and item size of an ONNX data type in raw_data; 0 when not a mask type */
static size_t onnx_kind(int dt, char *kind)
{
    switch (dt) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: *kind = 'f'; return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: *kind = 'f'; return 8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16: *kind = 'f'; return 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL: *kind = 'b'; return 1;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: *kind = 'u'; return 1;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: *kind = 'u'; return 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32: *kind = 'u'; return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64: *kind = 'u'; return 8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: *kind = 'i'; return 1;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT16: *kind = 'i'; return 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: *kind = 'i'; return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: *kind = 'i'; return 8;
    default: return 0;
    }
}

/* One initializer as a mask; len (the file size) bounds the element count. */
static void onnx_mask(MaskSet *S, const Onnx__TensorProto *tp, const char *path, size_t len)
{
    int dt = tp->has_data_type ? tp->data_type : 0;
    const char *nm = safe(S->a, tp->name ? tp->name : "");
    uint64_t numel = 1;
    size_t i, n, es;
    NpyArray arr;
    char kind;

    memset(&arr, 0, sizeof arr);
    if (!tp->name || !tp->name[0])
        fatal("an initializer has no name, so it names no weight");
    if (tp->n_external_data || (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL))
        fatal("mask '%s' keeps its data in an external file, which is not supported", nm);
    es = onnx_kind(dt, &kind);
    if (!es)
        fatal("mask '%s' has data type %d; masks are float, bool or integer tensors", nm, dt);
    if (tp->n_dims > TC_MAX_RANK)
        fatal("mask '%s' has rank %zu, more than the maximum of %d", nm, tp->n_dims, TC_MAX_RANK);
    arr.rank = (int)tp->n_dims;
    for (i = 0; i < tp->n_dims; i++) {
        if (tp->dims[i] < 0)
            fatal("mask '%s' has dimension %zu of %lld", nm, i, (long long)tp->dims[i]);
        arr.dims[i] = tp->dims[i];
    }
    /* no more elements than the file has bytes (checked before multiplying) */
    for (i = 0; i < tp->n_dims; i++)
        if (tp->dims[i] == 0)
            numel = 0;
    for (i = 0; i < tp->n_dims && numel; i++) {
        if ((uint64_t)tp->dims[i] > (len + 1) / numel)
            fatal("mask '%s' claims shape %s, more values than the file holds", nm, arr_shape(S->a, &arr));
        numel *= (uint64_t)tp->dims[i];
    }
    arr.v = arena_array(S->a, (size_t)numel + 1, sizeof(float));
    arr.name = arena_strdup(S->a, tp->name);

    if (tp->has_raw_data) {
        if (tp->raw_data.len != numel * es)
            fatal("mask '%s': raw_data holds %zu bytes, its shape needs %llu", nm, tp->raw_data.len,
                  (unsigned long long)(numel * es));
        npy_decode(tp->raw_data.data, (size_t)numel, kind, es, arr.v);
    } else {
        n = onnx_typed_count(tp);
        if (n != numel)
            fatal("mask '%s' holds %zu values, its shape needs %llu", nm, n, (unsigned long long)numel);
        for (i = 0; i < n; i++) {
            if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
                arr.v[i] = tp->float_data[i];
            else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
                arr.v[i] = (float)tp->double_data[i];
            else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT64)
                arr.v[i] = (float)tp->int64_data[i];
            else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__UINT64 || dt == ONNX__TENSOR_PROTO__DATA_TYPE__UINT32)
                arr.v[i] = (float)tp->uint64_data[i];
            else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16) {
                uint8_t b[2];
                b[0] = (uint8_t)tp->int32_data[i];
                b[1] = (uint8_t)(tp->int32_data[i] >> 8);
                npy_decode(b, 1, 'f', 2, &arr.v[i]);
            } else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__BOOL)
                arr.v[i] = tp->int32_data[i] != 0;
            else
                arr.v[i] = (float)tp->int32_data[i];
        }
    }
    add_mask(S, &arr, path);
}

static void load_onnx(MaskSet *S, const char *path, const void *data, size_t len)
{
    Onnx__ModelProto *m = NULL;
    size_t i;
    void **guard;
    if (onnx_prescan(data, len, S->max_bytes, 0, S->a) == 0)
        m = onnx__model_proto__unpack(NULL, len, data);
    if (!m)
        fatal("not a directory of .npy files, an .npz archive or an ONNX file of masks "
              "(it does not parse as ONNX either)");
    guard = arena_on_free(S->a, onnx_free_model, m);
    if (!m->graph || !m->graph->n_initializer)
        fatal("the ONNX file holds no initializers, so no masks");
    if (m->graph->n_sparse_initializer)
        fatal("sparse initializers are not supported as masks; store them dense");
    for (i = 0; i < m->graph->n_initializer; i++)
        onnx_mask(S, m->graph->initializer[i], path, len);
    onnx__model_proto__free_unpacked(m, NULL);
    *guard = NULL;
}

/* A directory, or a file told apart by its first bytes. */
static void load_masks(MaskSet *S, const char *path)
{
    struct stat st;
    Buf file = {0};
    diag_set_file(path);
    if (stat(path, &st) != 0)
        fatal("cannot read the masks: %s", strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        load_dir(S, path);
        return;
    }
    read_file(&file, path, S->max_bytes);
    if (file.len == 0)
        fatal("the masks file is empty");
    if (file.len >= 6 && memcmp(file.p, "\x93NUMPY", 6) == 0)
        load_npy(S, path, file.p, file.len);
    else if (file.len >= 4 && (memcmp(file.p, "PK\3\4", 4) == 0 || memcmp(file.p, "PK\5\6", 4) == 0))
        load_npz(S, path, file.p, file.len);
    else
        load_onnx(S, path, file.p, file.len);
    buf_free(&file);
}

/* ---- checking a mask against the model ---- */

/* Flat index i of t as "[row,col]" */
static const char *index_str(Arena *a, const Tensor *t, int64_t i)
{
    int64_t at[TC_MAX_RANK];
    int d;
    for (d = t->rank - 1; d >= 0; d--) {
        at[d] = t->dims[d] ? i % t->dims[d] : 0;
        i = t->dims[d] ? i / t->dims[d] : 0;
    }
    return text_dims(a, t->rank, at, ",");
}

/* The constant float weight mask m names; fatal, naming both sides, otherwise. */
static Tensor *target(Graph *g, const Mask *m)
{
    Arena *a = g->a;
    const char *nm = safe(a, m->arr.name);
    TensorId id = ir_find(g, m->arr.name);
    size_t len = strlen(m->arr.name);
    Tensor *t;
    int64_t i;
    if (id == TC_NONE) {
        /* PyTorch keeps a module's mask as the buffer 'weight_mask' */
        const char *hint = "";
        if (len > 5 && strcmp(m->arr.name + len - 5, "_mask") == 0) {
            char *base = arena_printf(a, "%.*s", (int)(len - 5), m->arr.name);
            if (ir_find(g, base) != TC_NONE)
                hint = arena_printf(a, " (did you mean '%s'? a mask is named like the weight it prunes)", safe(a, base));
        }
        fatal("mask '%s' names no initializer of %s%s", nm, g->source, hint);
    }
    t = &g->t[id];
    if (t->producer >= 0) {
        const char *hint = ir_find(g, arena_printf(a, "%s_orig", m->arr.name)) != TC_NONE
                               ? "; the model is in PyTorch's prune format (weight_orig * weight_mask) and carries its own masks"
                               : "";
        fatal("mask '%s' names '%s', the output of %s, not a constant weight%s", nm, nm, ir_where(g, &g->n[t->producer]), hint);
    }
    if (t->input_index >= 0 || !ir_is_const(t))
        fatal("mask '%s' names '%s', a graph input, not a constant weight", nm, nm);
    if (t->dtype != DT_FLOAT)
        fatal("mask '%s' names '%s', an integer constant, not a float weight", nm, nm);
    if (m->arr.rank != t->rank || memcmp(m->arr.dims, t->dims, (size_t)t->rank * sizeof *t->dims) != 0)
        fatal("mask '%s' has shape %s, initializer '%s' has %s", nm, arr_shape(a, &m->arr), nm, ir_shape_str(a, t));
    for (i = 0; i < ir_numel(t); i++)
        if (m->arr.v[i] != 0.0f && m->arr.v[i] != 1.0f)
            fatal("mask '%s' holds %g at %s (flat index %lld); masks hold only 0 and 1", nm, (double)m->arr.v[i],
                  index_str(a, t, i), (long long)i);
    return t;
}

void apply_masks(Graph *g, const char *path, int check_only, size_t max_bytes)
{
    const char *model_file = diag_file();
    Tensor **t;
    int64_t bad = 0;
    int k, j, bad_masks = 0;
    MaskSet S;

    memset(&S, 0, sizeof S);
    S.a = g->a;
    S.max_bytes = max_bytes;
    load_masks(&S, path);

    /* everything is checked before any weight changes */
    t = arena_array(g->a, (size_t)S.n, sizeof *t);
    for (k = 0; k < S.n; k++) {
        diag_set_file(S.m[k].where);
        t[k] = target(g, &S.m[k]);
        for (j = 0; j < k; j++)
            if (t[j] == t[k])
                fatal("mask '%s' is given twice", safe(g->a, S.m[k].arr.name));
    }
    diag_set_file(model_file);

    for (k = 0; k < S.n; k++) {
        const float *m = S.m[k].arr.v;
        int64_t i, n = ir_numel(t[k]), kept = 0, wrong = 0;
        for (i = 0; i < n; i++) {
            kept += m[i] != 0.0f;
            wrong += m[i] == 0.0f && t[k]->f[i] != 0.0f; /* NaN counts as nonzero */
        }
        if (check_only) {
            printf("%s: %lld of %lld kept by the mask, %lld nonzero where pruned\n", safe(g->a, S.m[k].arr.name),
                   (long long)kept, (long long)n, (long long)wrong);
            bad += wrong;
            bad_masks += wrong > 0;
            continue;
        }
        /* w * m, with pruned entries exactly +0 whatever they held (NaN, -0) */
        for (i = 0; i < n; i++)
            if (m[i] == 0.0f)
                t[k]->f[i] = 0.0f;
    }
    if (bad)
        fatal("%lld weight%s nonzero where the mask says pruned (in %d of %d masked initializers): "
              "this model is not the ticket %s describes", (long long)bad, bad == 1 ? " is" : "s are", bad_masks, S.n, path);
}

/* ---- magnitude pruning ---- */

typedef struct {
    float mag;
    int64_t index;
} Entry;

/* by magnitude, then by index: a total order, so the result never depends on qsort */
static int cmp_entries(const void *x, const void *y)
{
    const Entry *p = x, *q = y;
    if (p->mag != q->mag)
        return p->mag < q->mag ? -1 : 1;
    return p->index < q->index ? -1 : p->index > q->index;
}

/*
 * Of n weights, the k = round(fraction * n) of smallest magnitude become
 * zero (weights that already were count among them; NaN is the largest
 * magnitude; ties go by index). Returns how many were nonzero.
 */
int64_t prune_weights(float *w, int64_t n, double fraction, Arena *a)
{
    Entry *e = arena_array(a, (size_t)n + 1, sizeof *e);
    int64_t i, zeroed = 0, keep_from;
    for (i = 0; i < n; i++) {
        e[i].mag = w[i] != w[i] ? INFINITY : fabsf(w[i]);
        e[i].index = i;
    }
    qsort(e, (size_t)n, sizeof *e, cmp_entries);
    keep_from = (int64_t)floor(fraction * (double)n + 0.5);
    for (i = 0; i < keep_from; i++) {
        zeroed += w[e[i].index] != 0.0f;
        w[e[i].index] = 0.0f;
    }
    return zeroed;
}

/* Per layer, prune_weights: each layer ends with at least that fraction of zeros. */
int64_t prune_magnitude(Graph *g, double fraction)
{
    char *done = arena_alloc(g->a, g->nt + 1);
    int64_t zeroed = 0, total = 0;
    int layers = 0, k;
    if (!(fraction >= 0.0 && fraction <= 1.0))
        usage_error("--prune-magnitude expects a fraction from 0 to 1, found %g", fraction);
    for (k = 0; k < g->nn; k++) {
        const Node *nd = &g->n[k];
        Tensor *w;
        int64_t n;
        if (nd->dead || (nd->op != OP_GEMM && nd->op != OP_MATMUL) || nd->n_in < 2 || nd->in[1] == TC_NONE)
            continue;
        w = &g->t[nd->in[1]];
        if (!w->f || done[nd->in[1]] || ir_is_const(&g->t[nd->in[0]]))
            continue;
        done[nd->in[1]] = 1;
        n = ir_numel(w);
        zeroed += prune_weights(w->f, n, fraction, g->a);
        total += n;
        layers++;
    }
    if (!layers)
        warning("--prune-magnitude found no layer with constant weights (Gemm or MatMul) to prune");
    else
        warning("--prune-magnitude zeroed %lld of %lld weights, the smallest %g%% of each of %d layer%s; "
                "accuracy was not retrained and will likely drop: fine-tune the pruned model, or compile a trained "
                "ticket with --masks", (long long)zeroed, (long long)total, fraction * 100.0, layers, layers == 1 ? "" : "s");
    return zeroed;
}
