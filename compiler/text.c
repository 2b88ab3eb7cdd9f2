/*
 * text.c - text for whoever prints: identifiers and comment text made safe
 * from what a model file holds, and numbers written so they read back
 * exactly (floats) or easily (thousands separated). Depends on nothing but
 * the arena.
 */
#include <stdlib.h>
#include <string.h>

#include "ticketc.h"

/* Shortest decimal that reads back as exactly v, with an f suffix. */
void emit_float(char *buf, size_t size, float v)
{
    int prec;
    char *end;
    for (prec = 1; prec <= 9; prec++) {
        snprintf(buf, size, "%.*g", prec, (double)v);
        if (strtof(buf, &end) == v && *end == 0)
            break;
    }
    if (!strchr(buf, '.') && !strchr(buf, 'e') && !strchr(buf, 'n'))
        strncat(buf, ".0", size - strlen(buf) - 1);
    strncat(buf, "f", size - strlen(buf) - 1);
}

/* Identifiers: [A-Za-z0-9_] only, never empty, at most size-1 chars. */
void sanitize_ident(char *dst, size_t size, const char *src)
{
    size_t n = 0;
    for (; *src && n + 1 < size; src++) {
        char c = *src;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!ok && (n == 0 || dst[n - 1] == '_'))
            continue;
        dst[n++] = ok ? c : '_';
    }
    while (n > 0 && dst[n - 1] == '_')
        n--;
    dst[n] = 0;
}

/*
 * Comment text: printable ASCII without '*', '\\', '?' or '#', so it can
 * neither close the comment, splice lines, form a trigraph nor start a
 * directive.
 */
void sanitize_comment(char *dst, size_t size, const char *src)
{
    size_t n = 0;
    for (; *src && n + 1 < size; src++) {
        unsigned char c = (unsigned char)*src;
        dst[n++] = (c >= 32 && c < 127 && c != '*' && c != '\\' && c != '?' && c != '#') ? (char)c : '_';
    }
    if (*src && size > 4) {
        n = n > size - 4 ? size - 4 : n;
        memcpy(dst + n, "...", 3);
        n += 3;
    }
    dst[n] = 0;
}

/* A sanitised identifier (up to 47 characters), in a. */
const char *text_ident(Arena *a, const char *s)
{
    char buf[48];
    sanitize_ident(buf, sizeof buf, s);
    return arena_strdup(a, buf);
}

/* Sanitised comment text (up to 119 characters), in a. */
const char *text_comment(Arena *a, const char *s)
{
    char buf[120];
    sanitize_comment(buf, sizeof buf, s);
    return arena_strdup(a, buf);
}

/* 235200 -> "235,200", in a. */
const char *text_num(Arena *a, int64_t v)
{
    char raw[32], out[48];
    int len, i, j = 0;
    snprintf(raw, sizeof raw, "%lld", (long long)v);
    len = (int)strlen(raw);
    for (i = 0; i < len; i++) {
        if (i > 0 && raw[i] != '-' && (len - i) % 3 == 0 && raw[i - 1] != '-')
            out[j++] = ',';
        out[j++] = raw[i];
    }
    out[j] = 0;
    return arena_strdup(a, out);
}

/* The one shape printer: "[1,784]" with sep between dimensions ("," in
 * messages and tables, "&times;" in the report); an unknown (negative)
 * dimension prints as "?". */
const char *text_dims(Arena *a, int rank, const int64_t *dims, const char *sep)
{
    Buf b = {0};
    const char *s;
    int i;
    buf_add(&b, "[", 1);
    for (i = 0; i < rank; i++) {
        if (i)
            buf_printf(&b, "%s", sep);
        if (dims[i] < 0)
            buf_add(&b, "?", 1);
        else
            buf_printf(&b, "%lld", (long long)dims[i]);
    }
    buf_add(&b, "]", 1);
    s = arena_strdup(a, b.p);
    buf_free(&b);
    return s;
}
