/*
 * emit_dispatch.c - run-time dispatch of a node's functions on x86-64
 * (runtime/tc_preamble.c's dispatch blocks). A node whose code is written
 * for the target's vector width (TC_DVEC, TC_VECX or TC_VEC blocks) gets two
 * more copies of its functions under #if TC_DISPATCH, compiled for AVX-512
 * (name_x16) and AVX2 (name_x8) with the widths set per copy, and its node
 * function starts by calling the widest copy the CPU runs. Where TC_DISPATCH
 * is 0 (any build with AVX, -march=native, other targets, -DTC_NO_VEC,
 * -DTC_NO_DISPATCH) the compiled code is what it was without it.
 */
#include <string.h>

#include "emit.h"

/* Which nodes are copied (measured on Conv-2, the CNN and LeNet tickets, gcc
 * -O2 on AVX-512): dense Gemm and dense Conv (TC_DVEC: loops, a few KB of
 * text whatever the weights) gain 2-3x; unrolled Conv rows (TC_VECX, TC_VEC)
 * gain less and cost compile time and code with their size, so they are
 * copied only while small (the 288-weight first Conv of a CNN: 40 KB of C). */
#define DISPATCH_MAX_LOOP (1024 * 1024)
#define DISPATCH_MAX_UNROLLED (64 * 1024)

static int is_ident(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

/* The function a "static TC_NOLIB ... void NAME(" line defines, into name (size cap). */
static int fn_header(const char *line, size_t len, char *name, size_t cap)
{
    const char *p, *end = line + len, *open;
    if (len < 16 || memcmp(line, "static TC_NOLIB", 15) != 0)
        return 0;
    for (open = line; open < end && *open != '('; open++)
        ;
    if (open == end)
        return 0;
    for (p = open; p > line && is_ident(p[-1]); p--)
        ;
    if (p == open || (size_t)(open - p) >= cap)
        return 0;
    memcpy(name, p, (size_t)(open - p));
    name[open - p] = 0;
    return 1;
}

typedef struct Fns {
    char names[16][128];
    int count;
} Fns;

static int fns_find(const Fns *f, const char *s, size_t len)
{
    int i;
    for (i = 0; i < f->count; i++)
        if (strlen(f->names[i]) == len && memcmp(f->names[i], s, len) == 0)
            return i;
    return -1;
}

/* The functions the text defines (up to 16); 0 when a line at the margin is
 * anything but a function's header, a brace, a comment or a preprocessor line
 * (a table or type there would be defined twice by the copies). */
static int collect(const char *t, size_t len, Fns *f)
{
    size_t i = 0;
    f->count = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && t[j] != '\n')
            j++;
        if (j > i && !strchr(" #{}/", t[i])) {
            if (f->count == 16 || !fn_header(t + i, j - i, f->names[f->count], sizeof f->names[0]))
                return 0;
            f->count++;
        }
        i = j + 1;
    }
    return f->count > 0;
}

/* The text with every function of f renamed NAME<suffix>, each header given
 * attribute attr and each body begun with TC_XBODY. */
static void write_copy(Emit *e, const char *t, size_t len, const Fns *f, const char *suffix, const char *attr)
{
    Buf *b = e->out;
    size_t i = 0, at_line = 1, header = 0;
    while (i < len) {
        if (at_line && header && t[i] == '{' && (i + 1 == len || t[i + 1] == '\n')) {
            buf_printf(b, "{\n    TC_XBODY");
            i++;
            header = 0;
            continue;
        }
        if (at_line && len - i > 15 && memcmp(t + i, "static TC_NOLIB", 15) == 0) {
            buf_printf(b, "static TC_NOLIB %s", attr);
            i += 15;
            header = 1;
            at_line = 0;
            continue;
        }
        if (is_ident(t[i]) && (i == 0 || !is_ident(t[i - 1]))) {
            size_t j = i;
            while (j < len && is_ident(t[j]))
                j++;
            buf_add(b, t + i, j - i);
            if (fns_find(f, t + i, j - i) >= 0)
                buf_printf(b, "%s", suffix);
            at_line = 0;
            i = j;
            continue;
        }
        at_line = t[i] == '\n';
        buf_add(b, t + i, 1);
        i++;
    }
}

/* The arguments of a header's parameter list "(const float *x0, float *y)": "x0, y". */
static const char *call_args(Emit *e, const char *line, size_t len)
{
    Buf args = {0};
    const char *p = memchr(line, '(', len), *end = line + len;
    const char *r;
    int k = 0;
    ASSERT(p);
    p++;
    while (p < end && *p != ')') {
        const char *q = p, *s;
        while (q < end && *q != ',' && *q != ')')
            q++;
        for (s = q; s > p && is_ident(s[-1]); s--)
            ;
        buf_printf(&args, "%s%.*s", k++ ? ", " : "", (int)(q - s), s);
        p = q < end && *q == ',' ? q + 1 : q;
        while (p < end && *p == ' ')
            p++;
    }
    r = arena_strdup(e->g->a, args.p ? args.p : "");
    buf_free(&args);
    return r;
}

/* Node n's text in e->fns from start on: its AVX-512 and AVX2 copies under
 * #if TC_DISPATCH, then the text itself, its node function calling them. */
void emit_dispatch(Emit *e, const Node *n, size_t start)
{
    Buf *fb = &e->fns;
    size_t len = fb->len - start, i;
    char *t;
    const char *name = emit_fn_name(e, n);
    Fns f;
    int found = 0;
    if (e->g->target == TARGET_CORTEX_M || len == 0 || len > DISPATCH_MAX_LOOP)
        return;
    t = arena_alloc(e->g->a, len + 1);
    memcpy(t, fb->p + start, len);
    t[len] = 0;
    if (strstr(t, "#if TC_DVEC") ? len > DISPATCH_MAX_LOOP
                                 : len > DISPATCH_MAX_UNROLLED || !(strstr(t, "#if TC_VECX") || strstr(t, "#if TC_VEC\n")))
        return;
    if (!collect(t, len, &f) || fns_find(&f, name, strlen(name)) < 0)
        return;
    e->used_dispatch = 1;
    fb->len = start;
    e->out = fb;
    e->indent = 0;
    emit_line(e, "#if TC_DISPATCH");
    emit_preamble(e, "dispatch16");
    write_copy(e, t, len, &f, "_x16", "TC_X16");
    emit_preamble(e, "dispatch8");
    write_copy(e, t, len, &f, "_x8", "TC_X8");
    emit_preamble(e, "dispatch_end");
    emit_line(e, "#endif");
    emit_blank(e);
    /* the text again, the call of the widest copy first in the node function */
    for (i = 0; i < len;) {
        size_t j = i;
        char fn[128];
        while (j < len && t[j] != '\n')
            j++;
        buf_add(fb, t + i, j - i + (j < len));
        if (!found && fn_header(t + i, j - i, fn, sizeof fn) && strcmp(fn, name) == 0 && j + 2 < len && t[j + 1] == '{') {
            const char *args = call_args(e, t + i, j - i);
            buf_add(fb, "{\n", 2);
            j += 2;
            emit_line(e, "#if TC_DISPATCH");
            e->indent = 1;
            emit_line(e, "switch (tc_isa()) {");
            emit_line(e, "case 2:");
            emit_line(e, "    %s_x16(%s);", name, args);
            emit_line(e, "    return;");
            emit_line(e, "case 1:");
            emit_line(e, "    %s_x8(%s);", name, args);
            emit_line(e, "    return;");
            emit_line(e, "default:");
            emit_line(e, "    break;");
            emit_line(e, "}");
            e->indent = 0;
            emit_line(e, "#endif");
            found = 1;
        }
        i = j + 1;
    }
    ASSERT(found);
}
