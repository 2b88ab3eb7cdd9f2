/*
 * npy.c - NumPy arrays: the .npy format (one array) and .npz archives (a
 * ZIP of .npy members, as numpy.savez writes them). Values become floats.
 * Mask files come from wherever the user found them, so every length and
 * offset is checked before it is used.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "ticketc.h"

/* Little-endian decoding, independent of the host. */
static uint64_t le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    while (n--)
        v = (v << 8) | p[n];
    return v;
}

/* ================= .npy ================= */

/*
 * "\x93NUMPY", major, minor, the header length (2 bytes in 1.0, 4 bytes in
 * 2.0 and 3.0), then the header, a Python dict literal padded with spaces:
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
 * then the data, C order unless fortran_order.
 */
typedef struct {
    const char *p, *end;
} Lex;

typedef struct {
    char descr[16];
    int fortran, rank;
    int64_t dims[TC_MAX_RANK];
    int have_descr, have_fortran, have_shape;
} Header;

static void skip_space(Lex *L)
{
    while (L->p < L->end && (*L->p == ' ' || *L->p == '\t' || *L->p == '\n' || *L->p == '\r'))
        L->p++;
}

static TC_NORETURN void bad_header(const char *expected)
{
    fatal("malformed .npy header: expected %s", expected);
}

/* Skips whitespace, then consumes c if it comes next. */
static int eat(Lex *L, char c)
{
    skip_space(L);
    if (L->p < L->end && *L->p == c) {
        L->p++;
        return 1;
    }
    return 0;
}

/* A quoted string without escapes, into buf (too long: truncated and marked). */
static void lex_string(Lex *L, char *buf, size_t size)
{
    char q;
    size_t n = 0;
    skip_space(L);
    if (L->p >= L->end || (*L->p != '\'' && *L->p != '"'))
        bad_header("a quoted string");
    q = *L->p++;
    while (L->p < L->end && *L->p != q) {
        if (*L->p == '\\')
            bad_header("a string without escapes");
        if (n + 1 < size)
            buf[n++] = *L->p >= 32 && *L->p < 127 ? *L->p : '?';
        else if (size > 1)
            buf[size - 2] = '?'; /* too long for any type we know */
        L->p++;
    }
    if (L->p >= L->end)
        bad_header("a closing quote");
    L->p++;
    buf[n] = 0;
}

/* A non-negative integer (Python 2 wrote a trailing L). */
static int64_t lex_int(Lex *L)
{
    int64_t v = 0;
    skip_space(L);
    if (L->p >= L->end || *L->p < '0' || *L->p > '9')
        bad_header("a dimension (a non-negative integer)");
    while (L->p < L->end && *L->p >= '0' && *L->p <= '9') {
        if (v > ((int64_t)1 << 56))
            fatal("malformed .npy header: a dimension is absurdly large");
        v = v * 10 + (*L->p++ - '0');
    }
    if (L->p < L->end && *L->p == 'L')
        L->p++;
    return v;
}

static int lex_word(Lex *L, const char *w)
{
    size_t n = strlen(w);
    skip_space(L);
    if ((size_t)(L->end - L->p) >= n && memcmp(L->p, w, n) == 0) {
        L->p += n;
        return 1;
    }
    return 0;
}

static void parse_shape(Lex *L, Header *h)
{
    if (!eat(L, '('))
        bad_header("the shape as a tuple");
    h->rank = 0;
    while (!eat(L, ')')) {
        int64_t d = lex_int(L);
        if (h->rank == TC_MAX_RANK)
            fatal("the array has more than %d dimensions", TC_MAX_RANK);
        h->dims[h->rank++] = d;
        if (!eat(L, ',')) {
            if (!eat(L, ')'))
                bad_header("',' or ')' in the shape");
            break;
        }
    }
}

static void parse_header(const char *p, size_t len, Header *h)
{
    Lex L;
    L.p = p;
    L.end = p + len;
    memset(h, 0, sizeof *h);
    if (!eat(&L, '{'))
        bad_header("'{'");
    while (!eat(&L, '}')) {
        char key[32];
        lex_string(&L, key, sizeof key);
        if (!eat(&L, ':'))
            bad_header("':' after a key");
        if (strcmp(key, "descr") == 0) {
            skip_space(&L);
            if (L.p < L.end && (*L.p == '[' || *L.p == '('))
                fatal("structured arrays (record dtypes) are not supported; a mask is one plain array");
            lex_string(&L, h->descr, sizeof h->descr);
            h->have_descr = 1;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (lex_word(&L, "True"))
                h->fortran = 1;
            else if (!lex_word(&L, "False"))
                bad_header("True or False for 'fortran_order'");
            h->have_fortran = 1;
        } else if (strcmp(key, "shape") == 0) {
            parse_shape(&L, h);
            h->have_shape = 1;
        } else {
            fatal("malformed .npy header: unknown key '%s' (expected 'descr', 'fortran_order' and 'shape')", key);
        }
        if (!eat(&L, ',')) {
            if (!eat(&L, '}'))
                bad_header("',' or '}' after a value");
            break;
        }
    }
    if (!h->have_descr || !h->have_fortran || !h->have_shape)
        fatal("malformed .npy header: '%s' is missing", !h->have_descr ? "descr" : !h->have_fortran ? "fortran_order" : "shape");
}

/* IEEE half precision: sign, 5-bit exponent (bias 15), 10-bit fraction. */
static float half_to_float(uint16_t h)
{
    int e = (h >> 10) & 31, m = h & 1023;
    float v = e == 0 ? ldexpf((float)m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexpf((float)(m + 1024), e - 25);
    return h >> 15 ? -v : v;
}

/* descr: byte order ('<' little, '|' not applicable, '>' big), kind, size. */
static void parse_descr(const char *d, char *kind, size_t *size)
{
    const char *ok = "float16/32/64, bool and (unsigned) integers of 8 to 64 bits are";
    char order = d[0];
    int k = d[0] ? d[1] : 0, s;
    if (!k || !d[2] || d[3] || d[2] < '1' || d[2] > '8')
        fatal("data type '%s' is not supported (%s)", d, ok);
    s = d[2] - '0';
    if (!((k == 'f' && (s == 2 || s == 4 || s == 8)) || (k == 'b' && s == 1) ||
          ((k == 'i' || k == 'u') && (s == 1 || s == 2 || s == 4 || s == 8))))
        fatal("data type '%s' is not supported (%s)", d, ok);
    if (order == '>' && s > 1)
        fatal("big-endian data ('%s') is not supported; save it little-endian: "
              "np.save(path, a.astype(a.dtype.newbyteorder('<')))", d);
    if (order != '<' && order != '|' && order != '>')
        fatal("data type '%s' has an unknown byte order '%c'", d, order);
    if (order == '|' && s > 1)
        fatal("data type '%s' is multi-byte but claims no byte order", d);
    *kind = (char)k;
    *size = (size_t)s;
}

/* One element at p as float. */
static float element(const uint8_t *p, char kind, size_t size)
{
    uint64_t u = le(p, size);
    switch (kind) {
    case 'b': return u ? 1.0f : 0.0f;
    case 'u': return (float)u;
    case 'i':
        switch (size) {
        case 1: return (float)(int8_t)u;
        case 2: return (float)(int16_t)u;
        case 4: return (float)(int32_t)u;
        default: return (float)(int64_t)u;
        }
    default:
        if (size == 2)
            return half_to_float((uint16_t)u);
        if (size == 4) {
            uint32_t b = (uint32_t)u;
            float f;
            memcpy(&f, &b, 4);
            return f;
        } else {
            double d;
            memcpy(&d, &u, 8);
            return (float)d;
        }
    }
}

void npy_decode(const void *src, size_t count, char kind, size_t size, float *dst)
{
    const uint8_t *p = src;
    size_t i;
    for (i = 0; i < count; i++)
        dst[i] = element(p + i * size, kind, size);
}

static const char *shape_str(Arena *a, int rank, const int64_t *dims)
{
    return text_dims(a, rank, dims, ",");
}

void npy_header(const void *data, size_t len, NpyHeader *out, Arena *a)
{
    const uint8_t *p = data;
    size_t hlen, hstart, size, avail;
    uint64_t numel;
    int64_t prod;
    Header h;
    char kind;

    if (len < 8 || memcmp(p, "\x93NUMPY", 6) != 0)
        fatal("not a .npy file (it does not start with \\x93NUMPY)");
    if (p[6] < 1 || p[6] > 3)
        fatal(".npy format version %d.%d is not supported (1.0, 2.0 and 3.0 are)", p[6], p[7]);
    hstart = p[6] == 1 ? 10 : 12;
    if (len < hstart)
        fatal("truncated .npy header");
    hlen = (size_t)le(p + 8, hstart - 8);
    if (hlen > len - hstart)
        fatal("truncated .npy header: it claims %zu bytes, the file has %zu after the preamble", hlen, len - hstart);
    parse_header((const char *)p + hstart, hlen, &h);
    parse_descr(h.descr, &kind, &size);
    if (h.fortran && h.rank > 1)
        fatal("Fortran-order arrays are not supported (shape %s); save np.ascontiguousarray(a) instead",
              shape_str(a, h.rank, h.dims));

    /* data length: exactly product(shape) * itemsize (the product saturates) */
    avail = len - hstart - hlen;
    prod = ir_dims_product(h.rank, h.dims);
    numel = (uint64_t)prod;
    if (prod > INT64_MAX / (int64_t)size)
        fatal("truncated data: shape %s of '%s' needs far more than the %zu bytes after the header",
              shape_str(a, h.rank, h.dims), h.descr, avail);
    if (numel * size != avail)
        fatal("%s data: %zu bytes after the header, shape %s of '%s' needs %llu", numel * size > avail ? "truncated" : "too much",
              avail, shape_str(a, h.rank, h.dims), h.descr, (unsigned long long)(numel * size));
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->size = size;
    out->rank = h.rank;
    memcpy(out->dims, h.dims, sizeof h.dims);
    out->numel = (size_t)numel;
    out->data = p + hstart + hlen;
}

int64_t npy_int(const NpyHeader *h, size_t i)
{
    uint64_t u = le(h->data + i * h->size, h->size);
    if (h->kind == 'b')
        return u != 0;
    if (h->kind == 'i' && h->size < 8 && (u >> (8 * h->size - 1)) & 1)
        return (int64_t)(u | ~(uint64_t)0 << (8 * h->size)); /* sign-extended */
    return (int64_t)u;
}

/* left: bytes the decoded floats may still take (NULL: no limit); charged before decoding */
static void parse_npy(const void *data, size_t len, const char *what, NpyArray *out, Arena *a, size_t *left)
{
    const char *saved = diag_file();
    NpyHeader h;
    uint64_t numel;

    diag_set_file(what);
    npy_header(data, len, &h, a);
    numel = h.numel;
    if (left) {
        if (numel > *left / sizeof(float))
            fatal("shape %s takes %llu bytes as floats, more than the %zu bytes left of the limit on mask data (--max-bytes)",
                  shape_str(a, h.rank, h.dims), (unsigned long long)numel * sizeof(float), *left);
        *left -= (size_t)numel * sizeof(float);
    }
    memset(out, 0, sizeof *out);
    out->rank = h.rank;
    memcpy(out->dims, h.dims, sizeof h.dims);
    out->v = arena_array(a, (size_t)numel + 1, sizeof(float));
    npy_decode(h.data, (size_t)numel, h.kind, h.size, out->v);
    diag_set_file(saved);
}

void npy_parse(const void *data, size_t len, const char *what, NpyArray *out, Arena *a)
{
    parse_npy(data, len, what, out, a, NULL);
}

/* ================= .npz: a ZIP archive ================= */

/*
 * Read through the central directory at the end: the end record (EOCD,
 * possibly preceded by a zip64 locator pointing at a zip64 end record),
 * then one header per member giving its sizes, method and the offset of
 * its local header; the data follows the local header's name and extra.
 * Sizes and offsets saturated at 0xffffffff live in a zip64 extra field.
 */
enum {
    SIG_LOCAL = 0x04034b50,
    SIG_CENTRAL = 0x02014b50,
    SIG_EOCD = 0x06054b50,
    SIG_EOCD64 = 0x06064b50,
    SIG_LOC64 = 0x07064b50
};

/* CRC-32 (IEEE, as ZIP and PNG store it) continued from crc (0 to start), by zlib,
 * over any length (zlib's length argument is an unsigned int) */
uint32_t zlib_crc32(uint32_t crc, const void *data, size_t n)
{
    const Bytef *p = data;
    uLong c = crc;
    while (n) {
        uInt k = n > 0x40000000u ? 0x40000000u : (uInt)n;
        c = crc32(c, p, k);
        p += k;
        n -= k;
    }
    return (uint32_t)c;
}

/* Bounds: [off, off + n) inside a buffer of len bytes. */
static int inside(uint64_t off, uint64_t n, size_t len)
{
    return off <= len && n <= len - off;
}

/* Locates the central directory: its offset, size and entry count. */
static void find_central(const uint8_t *p, size_t len, uint64_t *cd_off, uint64_t *cd_size, uint64_t *count)
{
    size_t i, lo;
    const uint8_t *e = NULL;
    if (len < 22)
        fatal("not an .npz archive (too short to be a ZIP file)");
    /* the end record is the last thing in the file, followed by a comment of up to 64 KiB */
    lo = len - 22 > 65535 ? len - 22 - 65535 : 0;
    for (i = len - 22 + 1; i-- > lo;)
        if (le(p + i, 4) == SIG_EOCD && i + 22 + le(p + i + 20, 2) == len) {
            e = p + i;
            break;
        }
    if (!e)
        fatal("not an .npz archive (no ZIP end-of-central-directory record)");
    if (le(e + 4, 2) != 0 || le(e + 6, 2) != 0)
        fatal("multi-volume ZIP archives are not supported");
    *count = le(e + 10, 2);
    *cd_size = le(e + 12, 4);
    *cd_off = le(e + 16, 4);
    /* zip64: a 20-byte locator right before the end record */
    if (i >= 20 && le(p + i - 20, 4) == SIG_LOC64) {
        uint64_t off = le(p + i - 20 + 8, 8);
        if (!inside(off, 56, len) || le(p + off, 4) != SIG_EOCD64)
            fatal("corrupt .npz archive: the zip64 locator points outside the file or at no zip64 end record");
        *count = le(p + off + 32, 8);
        *cd_size = le(p + off + 40, 8);
        *cd_off = le(p + off + 48, 8);
    } else if (*count == 0xffff || *cd_size == 0xffffffffu || *cd_off == 0xffffffffu) {
        fatal("corrupt .npz archive: zip64 sizes without a zip64 end record");
    }
    if (!inside(*cd_off, *cd_size, len))
        fatal("corrupt .npz archive: the central directory (%llu bytes at offset %llu) lies outside the file (%zu bytes)",
              (unsigned long long)*cd_size, (unsigned long long)*cd_off, len);
    if (*count > *cd_size / 46)
        fatal("corrupt .npz archive: %llu entries cannot fit in a central directory of %llu bytes",
              (unsigned long long)*count, (unsigned long long)*cd_size);
}

/* Replaces saturated sizes and offset by their values from the zip64 extra field (id 1). */
static void zip64_extra(const uint8_t *x, size_t xlen, uint64_t *usize, uint64_t *csize, uint64_t *off, const char *name)
{
    size_t pos = 0;
    while (pos + 4 <= xlen) {
        size_t id = (size_t)le(x + pos, 2), n = (size_t)le(x + pos + 2, 2), q = pos + 4;
        if (n > xlen - pos - 4)
            break;
        if (id == 1) {
            uint64_t *f[3];
            int k, nf = 0;
            if (*usize == 0xffffffffu) f[nf++] = usize;
            if (*csize == 0xffffffffu) f[nf++] = csize;
            if (*off == 0xffffffffu) f[nf++] = off;
            for (k = 0; k < nf; k++) {
                if (q + 8 > pos + 4 + n)
                    fatal("corrupt .npz archive: member '%s' has a short zip64 extra field", name);
                *f[k] = le(x + q, 8);
                q += 8;
            }
            return;
        }
        pos += 4 + n;
    }
    if (*usize == 0xffffffffu || *csize == 0xffffffffu || *off == 0xffffffffu)
        fatal("corrupt .npz archive: member '%s' has zip64 sizes but no zip64 extra field", name);
}

static char *safe_name(Arena *a, const uint8_t *s, size_t n)
{
    return diag_escape_n(a, (const char *)s, n);
}

/* A member's data in the archive. */
typedef struct {
    uint64_t off, size;  /* the member's bytes in the archive */
    uint64_t usize;      /* its size uncompressed */
    int deflated;        /* method 8 (numpy.savez_compressed), else stored */
    uint32_t crc;
    char *name, *shown;
} Member;

/*
 * A deflated member, inflated by zlib into exactly the usize bytes the directory
 * declares; usize was charged to *left first (a bomb is refused before any
 * memory is given to it), and more or fewer bytes than declared are refused.
 */
static const uint8_t *inflate_member(const uint8_t *src, const Member *m, Arena *a)
{
    z_stream z;
    uint8_t *dst = arena_alloc(a, (size_t)m->usize + 1);
    const uint8_t *in = src;
    uint64_t in_left = m->size;
    int rc;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) /* raw deflate, as ZIP stores it */
        fatal("cannot start zlib to inflate member '%s'", m->shown);
    z.next_out = dst;
    z.avail_out = (uInt)m->usize + 1; /* one byte more: finds a member longer than declared */
    do {
        uInt k = in_left > 0x40000000u ? 0x40000000u : (uInt)in_left;
        z.next_in = (Bytef *)(uintptr_t)in;
        z.avail_in = k;
        rc = inflate(&z, Z_NO_FLUSH);
        in += k - z.avail_in;
        in_left -= k - z.avail_in;
    } while (rc == Z_OK && in_left && z.avail_out);
    inflateEnd(&z);
    if (rc != Z_STREAM_END && rc != Z_OK)
        fatal("corrupt .npz archive: member '%s' cannot be inflated (zlib: %s)", m->shown,
              z.msg ? z.msg : "data error");
    if (z.total_out != m->usize || rc != Z_STREAM_END)
        fatal("corrupt .npz archive: member '%s' does not inflate to the %llu bytes its directory entry says",
              m->shown, (unsigned long long)m->usize);
    return dst;
}

static int cmp_members(const void *x, const void *y)
{
    const Member *p = *(Member *const *)x, *q = *(Member *const *)y;
    if (p->off != q->off)
        return p->off < q->off ? -1 : 1;
    return p < q ? -1 : p > q;
}

/* FNV-1a of a member name, for the table that finds names listed twice */
static uint32_t name_hash(const uint8_t *s, size_t n)
{
    uint32_t h = 2166136261u;
    while (n--)
        h = (h ^ *s++) * 16777619u;
    return h;
}

/*
 * A central directory can list one stored member under many names (or the
 * same name many times): every listing would decode the same bytes again.
 * So a name may appear once, members may not share bytes, and each
 * member's floats are charged to max_bytes before they are decoded.
 */
int npz_parse(const void *data, size_t len, const char *what, NpyArray **out, Arena *a, size_t max_bytes)
{
    const uint8_t *p = data;
    const char *saved = diag_file();
    uint64_t cd_off, cd_size, count, k, pos;
    const uint8_t **seen;
    size_t left = max_bytes, inflated_left = max_bytes, cap = 16;
    Member *m, **by_off;
    NpyArray *arr;

    diag_set_file(what);
    find_central(p, len, &cd_off, &cd_size, &count);
    arr = arena_array(a, (size_t)count + 1, sizeof *arr);
    while (cap < 2 * count)
        cap *= 2;
    seen = arena_array(a, cap, sizeof *seen); /* central directory entries by name */
    m = arena_array(a, (size_t)count + 1, sizeof *m);
    by_off = arena_array(a, (size_t)count + 1, sizeof *by_off);
    pos = cd_off;
    for (k = 0; k < count; k++) {
        const uint8_t *c = p + pos, *l;
        uint64_t method, flags, crc, csize, usize, off, nlen, xlen, clen, data_off;
        char *name, *shown;
        if (!inside(pos, 46, len) || pos + 46 > cd_off + cd_size || le(c, 4) != SIG_CENTRAL)
            fatal("corrupt .npz archive: central directory entry %llu is missing or damaged", (unsigned long long)k);
        flags = le(c + 8, 2);
        method = le(c + 10, 2);
        crc = le(c + 16, 4);
        csize = le(c + 20, 4);
        usize = le(c + 24, 4);
        nlen = le(c + 28, 2);
        xlen = le(c + 30, 2);
        clen = le(c + 32, 2);
        off = le(c + 42, 4);
        if (pos + 46 + nlen + xlen + clen > cd_off + cd_size)
            fatal("corrupt .npz archive: central directory entry %llu runs past the directory", (unsigned long long)k);
        if (memchr(c + 46, 0, (size_t)nlen))
            fatal("corrupt .npz archive: a member name contains a NUL byte");
        shown = safe_name(a, c + 46, (size_t)nlen);
        {
            size_t h = name_hash(c + 46, (size_t)nlen) & (cap - 1);
            for (; seen[h]; h = (h + 1) & (cap - 1))
                if (le(seen[h] + 28, 2) == nlen && memcmp(seen[h] + 46, c + 46, (size_t)nlen) == 0)
                    fatal("corrupt .npz archive: member '%s' is listed twice", shown);
            seen[h] = c;
        }
        zip64_extra(c + 46 + nlen, (size_t)xlen, &usize, &csize, &off, shown);
        pos += 46 + nlen + xlen + clen;

        if (flags & 1)
            fatal("member '%s' is encrypted", shown);
        if (method != 0 && method != 8)
            fatal("member '%s' uses ZIP compression method %llu; only stored and deflated members are supported, "
                  "as numpy.savez and numpy.savez_compressed write them", shown, (unsigned long long)method);
        if (method == 0 && csize != usize)
            fatal("corrupt .npz archive: stored member '%s' has %llu bytes compressed but %llu uncompressed", shown,
                  (unsigned long long)csize, (unsigned long long)usize);
        if (nlen < 5 || memcmp(c + 46 + nlen - 4, ".npy", 4) != 0)
            fatal("member '%s' is not a .npy array (numpy.savez writes only <name>.npy members)", shown);

        /* the local header: its own name and extra lengths place the data */
        if (!inside(off, 30, len) || le(p + off, 4) != SIG_LOCAL)
            fatal("corrupt .npz archive: the local header of member '%s' is missing", shown);
        l = p + off;
        data_off = off + 30 + le(l + 26, 2) + le(l + 28, 2);
        if (!inside(data_off, csize, len))
            fatal("corrupt .npz archive: the data of member '%s' (%llu bytes) runs past the end of the file", shown,
                  (unsigned long long)csize);
        name = arena_alloc(a, (size_t)nlen - 3);
        memcpy(name, c + 46, (size_t)nlen - 4);
        m[k].off = data_off;
        m[k].size = csize;
        m[k].usize = usize;
        m[k].deflated = method == 8;
        m[k].crc = (uint32_t)crc;
        m[k].name = name;
        m[k].shown = shown;
        by_off[k] = &m[k];
    }
    /* members never share bytes in a real archive: no listing decodes the same bytes twice */
    qsort(by_off, (size_t)count, sizeof *by_off, cmp_members);
    for (k = 0; k + 1 < count; k++)
        if (by_off[k]->off + by_off[k]->size > by_off[k + 1]->off)
            fatal("corrupt .npz archive: members '%s' and '%s' share their data", by_off[k]->shown, by_off[k + 1]->shown);
    for (k = 0; k < count; k++) {
        const uint8_t *data = p + m[k].off;
        if (m[k].deflated) {
            /* the inflated bytes are charged like the floats they hold, before inflating */
            if (m[k].usize > inflated_left)
                fatal("member '%s' inflates to %llu bytes, more than the %zu left of --max-bytes", m[k].shown,
                      (unsigned long long)m[k].usize, inflated_left);
            inflated_left -= (size_t)m[k].usize;
            data = inflate_member(data, &m[k], a);
        }
        if (zlib_crc32(0, data, (size_t)m[k].usize) != m[k].crc)
            fatal("corrupt .npz archive: member '%s' fails its CRC-32 check", m[k].shown);
        parse_npy(data, (size_t)m[k].usize, arena_printf(a, "%s(%s)", what, m[k].shown), &arr[k], a, &left);
        arr[k].name = m[k].name;
    }
    diag_set_file(saved);
    *out = arr;
    return (int)count;
}
