/* check_mask.c - .npy and .npz parsing, --masks, --check-masks, --prune-magnitude. */
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

UNIT_FIXTURE

/* One temporary directory for the whole run, made and removed by main. */
static char tmpdir[64];

/* ---- building .npy images by hand ---- */

static uint8_t img[1 << 14];

/* "\x93NUMPY" major.0, the header dict padded with spaces and a newline to a multiple of 64, then data */
static size_t npy_image(int major, const char *dict, const void *data, size_t n)
{
    size_t pre = major == 1 ? 10 : 12, dl = strlen(dict), hl = dl + 1, total;
    while ((pre + hl) % 64)
        hl++;
    memcpy(img, "\x93NUMPY", 6);
    img[6] = (uint8_t)major;
    img[7] = 0;
    img[8] = (uint8_t)hl;
    img[9] = (uint8_t)(hl >> 8);
    if (major != 1)
        img[10] = img[11] = 0;
    memcpy(img + pre, dict, dl);
    memset(img + pre + dl, ' ', hl - dl - 1);
    img[pre + hl - 1] = '\n';
    total = pre + hl;
    if (n)
        memcpy(img + total, data, n);
    return total + n;
}

static size_t npy_simple(const char *descr, const char *shape, const void *data, size_t n)
{
    char dict[200];
    snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape);
    return npy_image(1, dict, data, n);
}

static NpyArray parse(size_t len)
{
    NpyArray arr;
    npy_parse(img, len, "test.npy", &arr, a);
    return arr;
}

/* ---- building ZIP archives by hand ---- */

typedef struct {
    const char *name;
    const uint8_t *data;
    size_t len;
    int method;
} Member;

static uint8_t zip[1 << 15];

static uint32_t crc(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    int k;
    while (n--) {
        c ^= *p++;
        for (k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}

static size_t put(size_t at, uint64_t v, int bytes)
{
    int i;
    for (i = 0; i < bytes; i++)
        zip[at + (size_t)i] = i < 8 ? (uint8_t)(v >> (8 * i)) : 0;
    return at + (size_t)bytes;
}

/* A ZIP of stored members; with zip64, every size and offset goes through zip64 fields
 * (as zipfile writes huge archives), ending in a zip64 end record and locator. */
static size_t zip_image(const Member *m, int n, int zip64)
{
    size_t at = 0, offs[8], cd, i;
    for (i = 0; i < (size_t)n; i++) {
        size_t nl = strlen(m[i].name);
        offs[i] = at;
        at = put(at, 0x04034b50, 4);
        at = put(at, 20, 2);
        at = put(at, 0, 2);
        at = put(at, (uint64_t)m[i].method, 2);
        at = put(at, 0, 4);
        at = put(at, crc(m[i].data, m[i].len), 4);
        at = put(at, zip64 ? 0xffffffffu : m[i].len, 4);
        at = put(at, zip64 ? 0xffffffffu : m[i].len, 4);
        at = put(at, nl, 2);
        at = put(at, zip64 ? 20 : 0, 2);
        memcpy(zip + at, m[i].name, nl);
        at += nl;
        if (zip64) {
            at = put(at, 1, 2);
            at = put(at, 16, 2);
            at = put(at, m[i].len, 8);
            at = put(at, m[i].len, 8);
        }
        memcpy(zip + at, m[i].data, m[i].len);
        at += m[i].len;
    }
    cd = at;
    for (i = 0; i < (size_t)n; i++) {
        size_t nl = strlen(m[i].name);
        at = put(at, 0x02014b50, 4);
        at = put(at, 20, 2);
        at = put(at, 20, 2);
        at = put(at, 0, 2);
        at = put(at, (uint64_t)m[i].method, 2);
        at = put(at, 0, 4);
        at = put(at, crc(m[i].data, m[i].len), 4);
        at = put(at, zip64 ? 0xffffffffu : m[i].len, 4);
        at = put(at, zip64 ? 0xffffffffu : m[i].len, 4);
        at = put(at, nl, 2);
        at = put(at, zip64 ? 28 : 0, 2);
        at = put(at, 0, 2 + 2 + 2 + 4);
        at = put(at, zip64 ? 0xffffffffu : offs[i], 4);
        memcpy(zip + at, m[i].name, nl);
        at += nl;
        if (zip64) {
            at = put(at, 1, 2);
            at = put(at, 24, 2);
            at = put(at, m[i].len, 8);
            at = put(at, m[i].len, 8);
            at = put(at, offs[i], 8);
        }
    }
    if (zip64) {
        size_t e64 = at;
        at = put(at, 0x06064b50, 4);
        at = put(at, 44, 8);
        at = put(at, 45, 2);
        at = put(at, 45, 2);
        at = put(at, 0, 8);
        at = put(at, (uint64_t)n, 8);
        at = put(at, (uint64_t)n, 8);
        at = put(at, e64 - cd, 8);
        at = put(at, cd, 8);
        at = put(at, 0x07064b50, 4);
        at = put(at, 0, 4);
        at = put(at, e64, 8);
        at = put(at, 1, 4);
    }
    {
        size_t cdsize = (zip64 ? 0 : at) - cd;
        at = put(at, 0x06054b50, 4);
        at = put(at, 0, 4);
        at = put(at, zip64 ? 0xffff : (uint64_t)n, 2);
        at = put(at, zip64 ? 0xffff : (uint64_t)n, 2);
        at = put(at, zip64 ? 0xffffffffu : cdsize, 4);
        at = put(at, zip64 ? 0xffffffffu : cd, 4);
        at = put(at, 0, 2);
    }
    return at;
}

/* ================= .npy ================= */

START_TEST(npy_float32_v1)
{
    float v[6] = {0, 1, -2.5f, 3e30f, 1e-40f, 1};
    NpyArray arr = parse(npy_simple("<f4", "(2, 3)", v, sizeof v));
    int i;
    ck_assert_int_eq(arr.rank, 2);
    ck_assert_int_eq(arr.dims[0], 2);
    ck_assert_int_eq(arr.dims[1], 3);
    ck_assert_ptr_null(arr.name);
    for (i = 0; i < 6; i++)
        ck_assert(arr.v[i] == v[i]);
}
END_TEST

START_TEST(npy_all_integer_and_bool_types)
{
    static const struct {
        const char *descr;
        uint8_t bytes[16];
        size_t size;
        float want[2];
    } cases[] = {
        {"|b1", {0, 1}, 1, {0, 1}},
        {"|u1", {0, 255}, 1, {0, 255}},
        {"<u1", {7, 1}, 1, {7, 1}},
        {"|i1", {0xff, 1}, 1, {-1, 1}},
        {"<i2", {0xfe, 0xff, 0x01, 0x01}, 2, {-2, 257}},
        {"<u2", {0xfe, 0xff, 0x01, 0x00}, 2, {65534, 1}},
        {"<i4", {0xff, 0xff, 0xff, 0xff, 0, 0, 1, 0}, 4, {-1, 65536}},
        {"<u4", {0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0}, 4, {4294967295.0f, 1}},
        {"<i8", {0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0, 0, 0, 0}, 8, {-3, 1}},
        {"<u8", {0, 0, 0, 0, 0, 0, 0, 0x80, 1, 0, 0, 0, 0, 0, 0, 0}, 8, {9223372036854775808.0f, 1}},
        {"<f2", {0x00, 0x3c, 0x00, 0xc1}, 2, {1, -2.5f}},
        {"<f8", {0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0x04, 0xc0}, 8, {1, -2.5f}},
    };
    size_t k;
    for (k = 0; k < sizeof cases / sizeof *cases; k++) {
        NpyArray arr = parse(npy_simple(cases[k].descr, "(2,)", cases[k].bytes, 2 * cases[k].size));
        ck_assert_int_eq(arr.rank, 1);
        ck_assert_msg(arr.v[0] == cases[k].want[0] && arr.v[1] == cases[k].want[1], "%s: got %g %g", cases[k].descr,
                      (double)arr.v[0], (double)arr.v[1]);
    }
}
END_TEST

START_TEST(npy_bool_nonzero_bytes_are_one)
{
    uint8_t b[3] = {0, 2, 255};
    NpyArray arr = parse(npy_simple("|b1", "(3,)", b, 3));
    ck_assert(arr.v[0] == 0 && arr.v[1] == 1 && arr.v[2] == 1);
}
END_TEST

START_TEST(npy_v2_v3_headers_and_key_order)
{
    float v[2] = {1, 0};
    NpyArray arr;
    int major;
    for (major = 2; major <= 3; major++) {
        arr = parse(npy_image(major, "{\"shape\": (1,2), 'descr':'<f4','fortran_order':False}", v, sizeof v));
        ck_assert_int_eq(arr.rank, 2);
        ck_assert_int_eq(arr.dims[1], 2);
        ck_assert(arr.v[0] == 1 && arr.v[1] == 0);
    }
}
END_TEST

START_TEST(npy_scalar_empty_and_python2_longs)
{
    float one = 1;
    NpyArray arr = parse(npy_simple("<f4", "()", &one, 4));
    ck_assert_int_eq(arr.rank, 0);
    ck_assert(arr.v[0] == 1);
    arr = parse(npy_simple("<f4", "(0, 5)", NULL, 0));
    ck_assert_int_eq(arr.rank, 2);
    ck_assert_int_eq(arr.dims[0], 0);
    arr = parse(npy_simple("<f4", "(1L, 1L)", &one, 4));
    ck_assert_int_eq(arr.dims[1], 1);
}
END_TEST

START_TEST(npy_fortran_rank1_is_fine)
{
    float v[3] = {1, 0, 1};
    NpyArray arr = parse(npy_image(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", v, sizeof v));
    ck_assert(arr.v[2] == 1);
}
END_TEST

/* each of these is fatal: exit status 1 */
START_TEST(npy_bad_magic)
{
    float v = 1;
    size_t n = npy_simple("<f4", "(1,)", &v, 4);
    img[1] = 'X';
    parse(n);
}
END_TEST

START_TEST(npy_truncated_data)
{
    float v[4] = {1, 1, 1, 1};
    parse(npy_simple("<f4", "(2, 2)", v, sizeof v) - 1);
}
END_TEST

START_TEST(npy_trailing_data)
{
    float v[4] = {1, 1, 1, 1};
    parse(npy_simple("<f4", "(3,)", v, sizeof v));
}
END_TEST

START_TEST(npy_truncated_header)
{
    float v = 1;
    npy_simple("<f4", "(1,)", &v, 4);
    parse(40);
}
END_TEST

START_TEST(npy_too_short)
{
    parse(5);
}
END_TEST

START_TEST(npy_big_endian)
{
    uint8_t v[4] = {0x3f, 0x80, 0, 0};
    parse(npy_simple(">f4", "(1,)", v, 4));
}
END_TEST

START_TEST(npy_fortran_order)
{
    float v[4] = {1, 0, 0, 1};
    parse(npy_image(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", v, sizeof v));
}
END_TEST

START_TEST(npy_unsupported_type)
{
    float v[2] = {1, 0};
    parse(npy_simple("<c8", "(1,)", v, sizeof v));
}
END_TEST

START_TEST(npy_structured)
{
    float v[2] = {1, 0};
    parse(npy_image(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", v, sizeof v));
}
END_TEST

START_TEST(npy_bad_version)
{
    float v = 1;
    size_t n = npy_simple("<f4", "(1,)", &v, 4);
    img[6] = 4;
    parse(n);
}
END_TEST

START_TEST(npy_absurd_shape)
{
    float v = 1;
    parse(npy_simple("<f4", "(4294967296, 4294967296, 4294967296)", &v, 4));
}
END_TEST

START_TEST(npy_rank_too_high)
{
    float v = 1;
    parse(npy_simple("<f4", "(1,1,1,1,1,1,1,1,1)", &v, 4));
}
END_TEST

START_TEST(npy_missing_key)
{
    float v = 1;
    parse(npy_image(1, "{'descr': '<f4', 'shape': (1,), }", &v, 4));
}
END_TEST

START_TEST(npy_garbled_dict)
{
    float v = 1;
    parse(npy_image(1, "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", &v, 4));
}
END_TEST

START_TEST(npy_unterminated_string)
{
    float v = 1;
    parse(npy_image(1, "{'descr: <f4, fortran_order: False, shape: (1,)}", &v, 4));
}
END_TEST

START_TEST(npy_negative_dim)
{
    float v = 1;
    parse(npy_simple("<f4", "(-1,)", &v, 4));
}
END_TEST

/* the copy under test, freed after fatal() longjmps out of the parser */
static uint8_t *exact;

/* Every prefix of a valid image is refused (fatal, caught here), never read past. */
START_TEST(npy_every_truncation_is_caught)
{
    float v[2] = {1, 0};
    size_t n = npy_simple("<f4", "(2,)", v, sizeof v);
    volatile size_t cut;
    jmp_buf jb;
    diag_catch(&jb, 1);
    for (cut = 0; cut < n; cut++) {
        if (setjmp(jb) == 0) {
            NpyArray arr;
            exact = malloc(cut ? cut : 1); /* exactly cut bytes: ASan sees overreads */
            memcpy(exact, img, cut);
            npy_parse(exact, cut, "cut.npy", &arr, a);
            ck_abort_msg("a prefix of %zu bytes parsed", (size_t)cut);
        }
        free(exact);
        exact = NULL;
    }
    diag_catch(NULL, 0);
}
END_TEST

/* ================= .npz ================= */

START_TEST(npz_stored_members)
{
    float v1[2] = {1, 0}, v2[3] = {0, 0, 1};
    static uint8_t n1[256], n2[256];
    size_t l1 = npy_simple("<f4", "(2,)", v1, sizeof v1), l2;
    Member m[2];
    NpyArray *arr;
    int zip64, n;
    memcpy(n1, img, l1);
    l2 = npy_simple("<f4", "(3,)", v2, sizeof v2);
    memcpy(n2, img, l2);
    m[0] = (Member){"fc1.weight.npy", n1, l1, 0};
    m[1] = (Member){"sub/fc2.weight.npy", n2, l2, 0};
    for (zip64 = 0; zip64 <= 1; zip64++) {
        size_t len = zip_image(m, 2, zip64);
        n = npz_parse(zip, len, "m.npz", &arr, a, (size_t)1 << 30);
        ck_assert_int_eq(n, 2);
        ck_assert_str_eq(arr[0].name, "fc1.weight");
        ck_assert_str_eq(arr[1].name, "sub/fc2.weight");
        ck_assert_int_eq(arr[1].dims[0], 3);
        ck_assert(arr[1].v[2] == 1 && arr[0].v[0] == 1);
    }
}
END_TEST

static size_t one_member_zip(int method)
{
    static uint8_t n1[256];
    float v[2] = {1, 0};
    size_t l = npy_simple("<f4", "(2,)", v, sizeof v);
    Member m;
    memcpy(n1, img, l);
    m = (Member){"w.npy", n1, l, method};
    return zip_image(&m, 1, 0);
}

START_TEST(npz_compressed_refused)
{
    NpyArray *arr;
    npz_parse(zip, one_member_zip(8), "c.npz", &arr, a, (size_t)1 << 30);
}
END_TEST

START_TEST(npz_bad_crc)
{
    NpyArray *arr;
    size_t len = one_member_zip(0);
    zip[30 + 5 + 70] ^= 1; /* a byte of the member's data */
    npz_parse(zip, len, "c.npz", &arr, a, (size_t)1 << 30);
}
END_TEST

START_TEST(npz_offset_out_of_bounds)
{
    NpyArray *arr;
    size_t len = one_member_zip(0);
    put(len - 6, 0x7fffffff, 4); /* central directory offset */
    npz_parse(zip, len, "c.npz", &arr, a, (size_t)1 << 30);
}
END_TEST

START_TEST(npz_not_npy_member)
{
    NpyArray *arr;
    Member m = {"readme.txt", (const uint8_t *)"hi", 2, 0};
    npz_parse(zip, zip_image(&m, 1, 0), "c.npz", &arr, a, (size_t)1 << 30);
}
END_TEST

START_TEST(npz_no_end_record)
{
    NpyArray *arr;
    size_t len = one_member_zip(0);
    npz_parse(zip, len - 1, "c.npz", &arr, a, (size_t)1 << 30);
}
END_TEST

/* Every truncation of a valid archive is refused, never read past. */
START_TEST(npz_every_truncation_is_caught)
{
    size_t len = one_member_zip(0);
    volatile size_t cut;
    jmp_buf jb;
    diag_catch(&jb, 1);
    for (cut = 0; cut < len; cut++) {
        if (setjmp(jb) == 0) {
            NpyArray *arr;
            exact = malloc(cut ? cut : 1); /* exactly cut bytes: ASan sees overreads */
            memcpy(exact, zip, cut);
            npz_parse(exact, cut, "cut.npz", &arr, a, (size_t)1 << 30);
            ck_abort_msg("a prefix of %zu bytes parsed", (size_t)cut);
        }
        free(exact);
        exact = NULL;
    }
    diag_catch(NULL, 0);
}
END_TEST

/* ================= apply_masks ================= */

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* A directory of masks made fresh for each test: <tmpdir>/<sub>/ */
static const char *mask_dir(const char *sub)
{
    const char *d = arena_printf(a, "%s/%s", tmpdir, sub);
    ck_assert_int_eq(mkdir(d, 0700), 0);
    return d;
}

static void write_npy(const char *dir, const char *name, const char *descr, const char *shape, const void *v, size_t n)
{
    write_file(arena_printf(a, "%s/%s.npy", dir, name), img, npy_simple(descr, shape, v, n));
}

/* x[1,3] -> Gemm(W[2,3], transB=1) -> h -> Relu -> y */
static TensorId w_id, h_id;
static const float W0[6] = {1, 2, 3, 4, 5, 6};

static void small_model(void)
{
    int64_t dx[2] = {1, 3}, dw[2] = {2, 3};
    TensorId in[2];
    Node *gemm, *relu;
    g->source = "model.onnx";
    in[0] = u_input(g, "x", 2, dx);
    in[1] = w_id = u_tensor(g, "W", 2, dw, W0);
    gemm = u_node(g, OP_GEMM, in, 2, "h");
    u_attr_int(g, gemm, "transB", 1);
    h_id = gemm->out[0];
    relu = u_node(g, OP_RELU, &h_id, 1, "y");
    u_output(g, relu->out[0]);
}

START_TEST(masks_from_directory_multiply)
{
    const char *d = mask_dir("dir");
    uint8_t m[6] = {1, 0, 1, 0, 0, 1};
    const float want[6] = {1, 0, 3, 0, 0, 6};
    int i;
    small_model();
    write_npy(d, "W", "|b1", "(2, 3)", m, sizeof m);
    write_file(arena_printf(a, "%s/README", d), "not a mask", 10);
    apply_masks(g, d, 0, 1 << 20);
    for (i = 0; i < 6; i++)
        ck_assert(g->t[w_id].f[i] == want[i]);
    /* the pipeline runs on as usual */
    infer_shapes(g);
    ck_assert_int_eq(g->t[h_id].dims[1], 2);
}
END_TEST

START_TEST(masks_pruned_entries_become_plus_zero)
{
    const char *d = mask_dir("nan");
    float m[6] = {0, 1, 1, 1, 1, 0};
    small_model();
    g->t[w_id].f[0] = NAN;
    g->t[w_id].f[5] = -7;
    write_npy(d, "W", "<f4", "(2, 3)", m, sizeof m);
    apply_masks(g, d, 0, 1 << 20);
    ck_assert(g->t[w_id].f[0] == 0 && !signbit(g->t[w_id].f[0]));
    ck_assert(g->t[w_id].f[5] == 0 && !signbit(g->t[w_id].f[5]));
}
END_TEST

START_TEST(masks_from_npz_and_single_npy)
{
    const char *p = arena_printf(a, "%s/m.npz", tmpdir), *q = arena_printf(a, "%s/W.npy", tmpdir);
    double m[6] = {0, 1, 1, 1, 1, 0};
    static uint8_t n1[256];
    size_t l = npy_simple("<f8", "(2, 3)", m, sizeof m);
    Member mem = {"W.npy", n1, l, 0};
    memcpy(n1, img, l);
    write_file(p, zip, zip_image(&mem, 1, 1));
    write_file(q, n1, l);
    small_model();
    apply_masks(g, p, 0, 1 << 20);
    ck_assert(g->t[w_id].f[0] == 0 && g->t[w_id].f[1] == 2 && g->t[w_id].f[5] == 0);
    g->t[w_id].f[0] = 1;
    apply_masks(g, q, 0, 1 << 20);
    ck_assert(g->t[w_id].f[0] == 0);
    remove(p);
    remove(q);
}
END_TEST

START_TEST(check_masks_passes_and_changes_nothing)
{
    const char *d = mask_dir("check");
    float m[6] = {1, 1, 1, 1, 1, 1};
    small_model();
    write_npy(d, "W", "<f4", "(2, 3)", m, sizeof m);
    apply_masks(g, d, 1, 1 << 20);
    ck_assert(g->t[w_id].f[0] == 1 && g->t[w_id].f[5] == 6);
}
END_TEST

/* fatal: W is 1..6, so every pruned entry is nonzero */
START_TEST(check_masks_fails)
{
    const char *d = mask_dir("checkfail");
    float m[6] = {1, 0, 1, 1, 1, 1};
    small_model();
    write_npy(d, "W", "<f4", "(2, 3)", m, sizeof m);
    apply_masks(g, d, 1, 1 << 20);
}
END_TEST

START_TEST(mask_unknown_initializer)
{
    const char *d = mask_dir("unknown");
    float m[6] = {1, 1, 1, 1, 1, 1};
    small_model();
    write_npy(d, "W_mask", "<f4", "(2, 3)", m, sizeof m);
    apply_masks(g, d, 0, 1 << 20);
}
END_TEST

START_TEST(mask_shape_mismatch)
{
    const char *d = mask_dir("shape");
    float m[6] = {1, 1, 1, 1, 1, 1};
    small_model();
    write_npy(d, "W", "<f4", "(3, 2)", m, sizeof m);
    apply_masks(g, d, 0, 1 << 20);
}
END_TEST

START_TEST(mask_on_graph_input)
{
    const char *d = mask_dir("input");
    float m[3] = {1, 1, 1};
    small_model();
    write_npy(d, "x", "<f4", "(1, 3)", m, sizeof m);
    apply_masks(g, d, 0, 1 << 20);
}
END_TEST

START_TEST(mask_on_computed_tensor)
{
    const char *d = mask_dir("computed");
    float m[2] = {1, 1};
    small_model();
    write_npy(d, "h", "<f4", "(1, 2)", m, sizeof m);
    apply_masks(g, d, 0, 1 << 20);
}
END_TEST

START_TEST(mask_not_binary)
{
    const char *d = mask_dir("half");
    float m[6] = {1, 1, 0.5f, 1, 1, 1};
    small_model();
    write_npy(d, "W", "<f4", "(2, 3)", m, sizeof m);
    apply_masks(g, d, 0, 1 << 20);
}
END_TEST

START_TEST(mask_empty_directory)
{
    small_model();
    apply_masks(g, mask_dir("empty"), 0, 1 << 20);
}
END_TEST

START_TEST(mask_missing_path)
{
    small_model();
    apply_masks(g, "/nonexistent/masks", 0, 1 << 20);
}
END_TEST

START_TEST(mask_given_twice)
{
    const char *p = arena_printf(a, "%s/twice.npz", tmpdir);
    float m[6] = {1, 1, 1, 1, 1, 1};
    static uint8_t n1[256];
    size_t l = npy_simple("<f4", "(2, 3)", m, sizeof m);
    Member mem[2] = {{"W.npy", n1, l, 0}, {"W.npy", n1, l, 0}};
    memcpy(n1, img, l);
    write_file(p, zip, zip_image(mem, 2, 0));
    small_model();
    apply_masks(g, p, 0, 1 << 20);
}
END_TEST

START_TEST(mask_over_byte_limit)
{
    const char *d = mask_dir("big");
    float m[6] = {1, 1, 1, 1, 1, 1};
    small_model();
    write_npy(d, "W", "<f4", "(2, 3)", m, sizeof m);
    apply_masks(g, d, 0, 16);
}
END_TEST

/* ================= prune_magnitude ================= */

/* x[1,4] -> MatMul(A[4,5]) -> Gemm(B[3,5], transB) -> Gemm(B again) */
START_TEST(prune_magnitude_per_layer_with_ties)
{
    int64_t dx[2] = {1, 4}, da[2] = {4, 5}, db[2] = {3, 5};
    float A[20], B[15];
    TensorId in[2], ta, tb;
    Node *mm, *g1, *g2;
    int i, zeros;
    for (i = 0; i < 20; i++)
        A[i] = (float)((i * 7) % 20 + 1) * (i % 2 ? -1.0f : 1.0f); /* magnitudes 1..20, distinct */
    for (i = 0; i < 15; i++)
        B[i] = i < 5 ? 0.5f : (float)i; /* five equal smallest */
    in[0] = u_input(g, "x", 2, dx);
    in[1] = ta = u_tensor(g, "A", 2, da, A);
    mm = u_node(g, OP_MATMUL, in, 2, "h1");
    in[0] = mm->out[0];
    in[1] = tb = u_tensor(g, "B", 2, db, B);
    g1 = u_node(g, OP_GEMM, in, 2, "h2");
    u_attr_int(g, g1, "transB", 1);
    in[0] = g1->out[0];
    g2 = u_node(g, OP_GEMM, in, 2, "h3"); /* shares B: pruned once */
    u_attr_int(g, g2, "transB", 1);
    u_output(g, g2->out[0]);
    (void)mm;
    /* 20 * 0.5 = 10 and round(15 * 0.5) = round(7.5) = 8 */
    ck_assert_int_eq(prune_magnitude(g, 0.5), 18);
    for (i = 0, zeros = 0; i < 20; i++) {
        float mag = (float)((i * 7) % 20 + 1);
        ck_assert(mag <= 10 ? g->t[ta].f[i] == 0 : g->t[ta].f[i] == A[i]);
        zeros += g->t[ta].f[i] == 0;
    }
    ck_assert_int_eq(zeros, 10);
    /* ties broken by index: the five 0.5s, then 5, 6, 7 */
    for (i = 0; i < 15; i++)
        ck_assert(i < 8 ? g->t[tb].f[i] == 0 : g->t[tb].f[i] == B[i]);
    /* the fraction counts zeros already there: nothing more to do */
    ck_assert_int_eq(prune_magnitude(g, 0.5), 0);
    ck_assert_int_eq(prune_magnitude(g, 0.0), 0);
    ck_assert_int_eq(prune_magnitude(g, 1.0), 20 - 10 + 15 - 8);
    for (i = 0; i < 15; i++)
        ck_assert(g->t[tb].f[i] == 0);
}
END_TEST

START_TEST(prune_magnitude_skips_runtime_weights)
{
    int64_t dx[2] = {1, 4}, dw[2] = {4, 2};
    TensorId in[2];
    Node *mm;
    in[0] = u_input(g, "x", 2, dx);
    in[1] = u_input(g, "w", 2, dw);
    mm = u_node(g, OP_MATMUL, in, 2, "y");
    u_output(g, mm->out[0]);
    ck_assert_int_eq(prune_magnitude(g, 0.9), 0);
}
END_TEST

START_TEST(prune_magnitude_bad_fraction)
{
    small_model();
    prune_magnitude(g, 1.5);
}
END_TEST

static Suite *mask_suite(void)
{
    Suite *s = suite_create("mask");
    TCase *tc = tcase_create("npy");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, npy_float32_v1);
    tcase_add_test(tc, npy_all_integer_and_bool_types);
    tcase_add_test(tc, npy_bool_nonzero_bytes_are_one);
    tcase_add_test(tc, npy_v2_v3_headers_and_key_order);
    tcase_add_test(tc, npy_scalar_empty_and_python2_longs);
    tcase_add_test(tc, npy_fortran_rank1_is_fine);
    tcase_add_exit_test(tc, npy_bad_magic, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_truncated_data, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_trailing_data, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_truncated_header, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_too_short, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_big_endian, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_fortran_order, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_unsupported_type, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_structured, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_bad_version, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_absurd_shape, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_rank_too_high, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_missing_key, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_garbled_dict, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_unterminated_string, EXIT_INPUT);
    tcase_add_exit_test(tc, npy_negative_dim, EXIT_INPUT);
    tcase_add_test(tc, npy_every_truncation_is_caught);
    suite_add_tcase(s, tc);

    tc = tcase_create("npz");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, npz_stored_members);
    tcase_add_exit_test(tc, npz_compressed_refused, EXIT_INPUT);
    tcase_add_exit_test(tc, npz_bad_crc, EXIT_INPUT);
    tcase_add_exit_test(tc, npz_offset_out_of_bounds, EXIT_INPUT);
    tcase_add_exit_test(tc, npz_not_npy_member, EXIT_INPUT);
    tcase_add_exit_test(tc, npz_no_end_record, EXIT_INPUT);
    tcase_add_test(tc, npz_every_truncation_is_caught);
    suite_add_tcase(s, tc);

    tc = tcase_create("apply");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, masks_from_directory_multiply);
    tcase_add_test(tc, masks_pruned_entries_become_plus_zero);
    tcase_add_test(tc, masks_from_npz_and_single_npy);
    tcase_add_test(tc, check_masks_passes_and_changes_nothing);
    tcase_add_exit_test(tc, check_masks_fails, EXIT_INPUT);
    tcase_add_exit_test(tc, mask_unknown_initializer, EXIT_INPUT);
    tcase_add_exit_test(tc, mask_shape_mismatch, EXIT_INPUT);
    tcase_add_exit_test(tc, mask_on_graph_input, EXIT_INPUT);
    tcase_add_exit_test(tc, mask_on_computed_tensor, EXIT_INPUT);
    tcase_add_exit_test(tc, mask_not_binary, EXIT_INPUT);
    tcase_add_exit_test(tc, mask_empty_directory, EXIT_INPUT);
    tcase_add_exit_test(tc, mask_missing_path, EXIT_INPUT);
    tcase_add_exit_test(tc, mask_given_twice, EXIT_INPUT);
    tcase_add_exit_test(tc, mask_over_byte_limit, EXIT_INPUT);
    suite_add_tcase(s, tc);

    tc = tcase_create("prune");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, prune_magnitude_per_layer_with_ties);
    tcase_add_test(tc, prune_magnitude_skips_runtime_weights);
    tcase_add_exit_test(tc, prune_magnitude_bad_fraction, EXIT_USAGE);
    suite_add_tcase(s, tc);
    return s;
}

/* Like RUN_SUITE, around a temporary directory that is removed afterwards. */
int main(void)
{
    SRunner *sr;
    int failed;
    char cmd[128];
    snprintf(tmpdir, sizeof tmpdir, "/tmp/check_mask.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    sr = srunner_create(mask_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "check_mask: could not remove %s\n", tmpdir);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
