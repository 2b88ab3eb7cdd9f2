/*
 * arena.c - memory. One arena per compilation, freed at once at the end;
 * Buf is a growable buffer for text and file contents. This is the only
 * file that calls malloc, realloc or free.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ticketc.h"

typedef struct Chunk {
    struct Chunk *next;
    size_t used, size;
    /* followed by the data, 16-byte aligned */
} Chunk;

/* Something to release with the arena (a protobuf-c message that a fatal()
 * caught by diag_catch jumped over), unless its owner released it first. */
typedef struct Cleanup {
    struct Cleanup *next;
    void (*fn)(void *);
    void *p;
} Cleanup;

struct Arena {
    Chunk *head;
    Cleanup *cleanups;
};

#define CHUNK_HDR ((sizeof(Chunk) + 15) & ~(size_t)15)
#define CHUNK_MIN ((size_t)1 << 20)

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        fatal("out of memory (%zu bytes)", n);
    return p;
}

/* Chunks come zeroed from calloc, and no byte of a chunk is handed out
 * twice, so arena_alloc never clears memory itself: the pages of a large
 * block that is never filled (a table grown by doubling) are never touched. */
static void *xcalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p)
        fatal("out of memory (%zu bytes)", n);
    return p;
}

Arena *arena_new(void)
{
    Arena *a = xmalloc(sizeof *a);
    a->head = NULL;
    a->cleanups = NULL;
    return a;
}

void *arena_alloc(Arena *a, size_t n)
{
    Chunk *c = a->head;
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
        if (size > (size_t)-1 - CHUNK_HDR)
            fatal("out of memory (%zu bytes)", n);
        c = xcalloc(CHUNK_HDR + size);
        c->used = 0;
        c->size = size;
        /* Big blocks go behind the current chunk so it keeps filling. */
        if (a->head && size > CHUNK_MIN) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    {
        char *p = (char *)c + CHUNK_HDR + c->used;
        c->used += n;
        return p; /* zero: see xcalloc */
    }
}

void *arena_array(Arena *a, size_t count, size_t size)
{
    if (size && count > ((size_t)-1 >> 1) / size)
        fatal("out of memory (%zu x %zu bytes)", count, size);
    return arena_alloc(a, count * size);
}

char *arena_strdup(Arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(arena_alloc(a, n), s, n);
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    Buf b = {0};
    char *s;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    s = arena_strdup(a, b.p ? b.p : "");
    buf_free(&b);
    return s;
}

void **arena_on_free(Arena *a, void (*fn)(void *), void *p)
{
    Cleanup *k = arena_alloc(a, sizeof *k);
    k->fn = fn;
    k->p = p;
    k->next = a->cleanups;
    a->cleanups = k;
    return &k->p;
}

void arena_free(Arena *a)
{
    Chunk *c, *next;
    Cleanup *k;
    if (!a)
        return;
    for (k = a->cleanups; k; k = k->next)
        if (k->p)
            k->fn(k->p);
    for (c = a->head; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

/* ---- Buf ---- */

static size_t default_limit;
static const char *default_what, *default_option;

void buf_default_limit(size_t limit, const char *what, const char *option)
{
    default_limit = limit;
    default_what = what;
    default_option = option;
}

static void buf_reserve(Buf *b, size_t extra)
{
    size_t need;
    if (extra > (size_t)-1 - b->len - 1)
        fatal("out of memory");
    /* counted as it is written: the text stops growing at the limit */
    if (b->limit && b->len + extra > b->limit)
        fatal("%s would be larger than %zu bytes, the limit of %s", b->limit_what, b->limit, b->limit_option);
    if (!b->limit && default_limit && b->len + extra > default_limit)
        fatal("%s would be larger than %zu bytes, the limit of %s", default_what, default_limit, default_option);
    need = b->len + extra + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < need)
            cap = cap > ((size_t)-1 >> 1) ? need : cap * 2;
        b->p = realloc(b->p, cap);
        if (!b->p)
            fatal("out of memory (%zu bytes)", cap);
        b->cap = cap;
    }
}

void buf_add(Buf *b, const void *p, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = 0;
}

void buf_vprintf(Buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        BUG("vsnprintf failed");
    buf_reserve(b, (size_t)n);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_printf(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_free(Buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0; /* the limit stays */
}

/* Reads a whole file; refuses files larger than limit bytes. */
int buf_read_file(Buf *b, const char *path, size_t limit)
{
    char tmp[65536];
    size_t n;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (b->len + n > limit) {
            fclose(f);
            return -2;
        }
        buf_add(b, tmp, n);
    }
    if (ferror(f)) {
        int e = errno;
        fclose(f);
        errno = e;
        return -1;
    }
    fclose(f);
    if (!b->p)
        buf_reserve(b, 0), b->p[0] = 0;
    return 0;
}
