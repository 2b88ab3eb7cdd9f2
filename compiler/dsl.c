/*
 * dsl.c - the DSL front end: ticketc's small model language (.tc files,
 * docs/dsl.md). A hand-written lexer feeds the Lemon parser generated from
 * grammar/ticketc.y, whose actions record statements here; once the whole
 * file has parsed, build() turns the statements into the same IR the ONNX
 * front end builds: every layer is the ONNX operator ticketc uses for it,
 * found through the same op_lookup, so an operator this ticketc lacks is
 * refused the same way. Errors name the user's location, file:line:col.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsl.h"
#include "dsl_parse.h"

struct Dsl {
    Graph *g;
    Arena *a;
    const LoadOptions *opt;
    const char *path;       /* the .tc file as given, for messages */
    const char *dir;        /* its directory, for npy("...") paths */
    /* the lexer */
    const char *src;
    size_t len, pos;
    int line, col;
    /* the statements, in order */
    Stmt *first, *last;
    int n_stmts;
    int opset_seen;
    int quantized;          /* the file has QuantizeLinear, DequantizeLinear or QLinear layers (qdq.c) */
    /* graph outputs, known before any node is built (fold_node asks) */
    const Value **outs;
    int n_outs;
    size_t data_bytes;      /* constant data so far, against opt->max_bytes */
    Token cur;              /* the token being parsed, for a stack overflow */
    struct Call *call;      /* build_layer's scratch (3.4 KB), one for all statements */
};

static int allow_files = 1;

void dsl_allow_files(int allow) { allow_files = allow; }

/* ===== diagnostics at the user's location ===== */

static void error_at(Dsl *p, const Token *t, const char *fmt, ...) TC_PRINTF(3, 4) TC_NORETURN;

static void error_at(Dsl *p, const Token *t, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (t)
        diag_set_file(arena_printf(p->a, "%s:%d:%d", p->path, t->line, t->col));
    fatal("%s", msg);
}

/* A name from the file, safe to print. */
static const char *shown(Dsl *p, const char *s)
{
    return diag_escape(p->a, s);
}

/* How a token reads in "expected X, found Y". */
static const char *describe(Dsl *p, int type)
{
    switch (type) {
    case 0: return "end of file";
    case TK_INPUT: return "'input'";
    case TK_OUTPUT: return "'output'";
    case TK_CONST: return "'const'";
    case TK_OPSET: return "'opset'";
    case TK_QUANTIZE: return "'quantize'";
    case TK_QUANT: return "'quant'";
    case TK_IDENT: return "a name";
    case TK_STRING: return "a quoted name";
    case TK_NUMBER: return "a number";
    case TK_EQ: return "'='";
    case TK_COMMA: return "','";
    case TK_LPAREN: return "'('";
    case TK_RPAREN: return "')'";
    case TK_LBRACKET: return "'['";
    case TK_RBRACKET: return "']'";
    default: return arena_printf(p->a, "token %d", type);
    }
}

static const char *found(Dsl *p, const Token *t)
{
    char buf[40];
    if (t->type == 0)
        return "end of file";
    if (t->type == TK_IDENT || t->type == TK_STRING)
        return arena_printf(p->a, "'%s'", shown(p, t->str));
    if (t->type == TK_NUMBER) {
        sanitize_comment(buf, sizeof buf, arena_printf(p->a, "%.*s", t->len, t->s));
        return arena_printf(p->a, "number %s", buf);
    }
    return describe(p, t->type);
}

void dsl_syntax_error(Dsl *p, const Token *t, uint64_t expected)
{
    Buf b = {0};
    const char *list;
    int k, n = 0, count = 0;
    for (k = 1; k < 64; k++)
        count += (int)((expected >> k) & 1);
    /* a statement can start with too many things to list them all */
    if (expected & ((uint64_t)1 << TK_INPUT) && expected & ((uint64_t)1 << TK_OPSET))
        buf_printf(&b, "a statement (input, output, const, opset or NAME = layer(...))");
    else
        for (k = 1; k < 64; k++)
            if ((expected >> k) & 1) {
                buf_printf(&b, "%s%s", n ? (n == count - 1 ? " or " : ", ") : "", describe(p, k));
                n++;
            }
    list = arena_strdup(p->a, b.len ? b.p : "something else");
    buf_free(&b);
    error_at(p, t, "expected %s, found %s", list, found(p, t));
}

void dsl_too_deep(Dsl *p, const Token *at)
{
    error_at(p, at ? at : &p->cur, "the statement nests too deeply");
}

/* ===== the lexer ===== */

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_ident(int c) { return is_alpha(c) || is_digit(c) || c == '.'; }

static int peek(const Dsl *p, size_t k) { return p->pos + k < p->len ? (unsigned char)p->src[p->pos + k] : -1; }

static void advance(Dsl *p)
{
    if (p->src[p->pos] == '\n')
        p->line++, p->col = 1;
    else
        p->col++;
    p->pos++;
}

static void skip_space(Dsl *p)
{
    for (;;) {
        int c = peek(p, 0);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            advance(p);
        else if (c == '#')
            while (peek(p, 0) != -1 && peek(p, 0) != '\n')
                advance(p);
        else
            return;
    }
}

static void lex_number(Dsl *p, Token *t)
{
    char buf[64];
    char *end;
    size_t start = p->pos, n;
    int digits = 0;
    t->is_int = 1;
    if (peek(p, 0) == '+' || peek(p, 0) == '-')
        advance(p);
    while (is_digit(peek(p, 0)))
        advance(p), digits++;
    if (peek(p, 0) == '.') {
        t->is_int = 0;
        advance(p);
        while (is_digit(peek(p, 0)))
            advance(p), digits++;
    }
    if (digits && (peek(p, 0) == 'e' || peek(p, 0) == 'E')) {
        t->is_int = 0;
        advance(p);
        if (peek(p, 0) == '+' || peek(p, 0) == '-')
            advance(p);
        if (!is_digit(peek(p, 0)))
            digits = 0;
        while (is_digit(peek(p, 0)))
            advance(p);
    }
    while (is_ident(peek(p, 0)))
        advance(p), digits = 0;
    n = p->pos - start;
    t->len = (int)n;
    if (!digits || n >= sizeof buf)
        error_at(p, t, "malformed number '%s'", shown(p, arena_printf(p->a, "%.*s", (int)(n < 60 ? n : 60), t->s)));
    memcpy(buf, t->s, n);
    buf[n] = 0;
    t->num = strtod(buf, &end);
    t->fnum = strtof(buf, &end);
    t->inum = 0;
    if (t->is_int) {
        errno = 0;
        t->inum = strtoll(buf, &end, 10);
        if (errno)
            error_at(p, t, "number %s is out of range", buf);
    } else if (t->fnum - t->fnum != 0.0f)
        error_at(p, t, "number %s is out of range", buf);
}

static int hex(int c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "..." with \" \\ \n \t \xHH; decoded into t->str. */
static void lex_string(Dsl *p, Token *t)
{
    Buf b = {0};
    advance(p);
    for (;;) {
        int c = peek(p, 0);
        if (c == -1 || c == '\n') {
            buf_free(&b);
            error_at(p, t, "unterminated string");
        }
        advance(p);
        if (c == '"')
            break;
        if (c == '\\') {
            int e = peek(p, 0);
            if (e == '"' || e == '\\')
                c = e, advance(p);
            else if (e == 'n')
                c = '\n', advance(p);
            else if (e == 't')
                c = '\t', advance(p);
            else if (e == 'x' && hex(peek(p, 1)) >= 0 && hex(peek(p, 2)) >= 0) {
                c = hex(peek(p, 1)) * 16 + hex(peek(p, 2));
                advance(p), advance(p), advance(p);
            } else {
                buf_free(&b);
                error_at(p, t, "unknown escape in string (\\\" \\\\ \\n \\t \\xHH are known)");
            }
            if (c == 0) {
                buf_free(&b);
                error_at(p, t, "a string cannot hold \\x00");
            }
        }
        if (b.len >= TC_MAX_NAME) {
            buf_free(&b);
            error_at(p, t, "string longer than %d bytes", TC_MAX_NAME);
        }
        {
            char ch = (char)c;
            buf_add(&b, &ch, 1);
        }
    }
    buf_add(&b, "", 1);
    t->str = arena_strdup(p->a, b.p);
    t->len = (int)(p->pos - (size_t)(t->s - p->src));
    buf_free(&b);
}

/* The next token into t; type 0 at the end of the file. */
static void lex(Dsl *p, Token *t)
{
    static const struct {
        const char *word;
        int type;
    } keywords[] = {{"input", TK_INPUT},   {"output", TK_OUTPUT},     {"const", TK_CONST},
                    {"opset", TK_OPSET},   {"quantize", TK_QUANTIZE}, {"quant", TK_QUANT}};
    int c;
    size_t k;
    skip_space(p);
    memset(t, 0, sizeof *t);
    t->line = p->line;
    t->col = p->col;
    t->s = p->src + p->pos;
    c = peek(p, 0);
    if (c == -1)
        return;
    if (is_alpha(c)) {
        size_t start = p->pos;
        while (is_ident(peek(p, 0)))
            advance(p);
        if (p->pos - start > TC_MAX_NAME)
            error_at(p, t, "name longer than %d bytes", TC_MAX_NAME);
        t->len = (int)(p->pos - start);
        t->str = arena_printf(p->a, "%.*s", t->len, t->s);
        t->type = TK_IDENT;
        for (k = 0; k < sizeof keywords / sizeof *keywords; k++)
            if (strcmp(t->str, keywords[k].word) == 0)
                t->type = keywords[k].type;
        return;
    }
    if (is_digit(c) || ((c == '-' || c == '+' || c == '.') && (is_digit(peek(p, 1)) || (peek(p, 1) == '.' && c != '.')))) {
        t->type = TK_NUMBER;
        lex_number(p, t);
        return;
    }
    if (c == '"') {
        t->type = TK_STRING;
        lex_string(p, t);
        return;
    }
    switch (c) {
    case '=': t->type = TK_EQ; break;
    case ',': t->type = TK_COMMA; break;
    case '(': t->type = TK_LPAREN; break;
    case ')': t->type = TK_RPAREN; break;
    case '[': t->type = TK_LBRACKET; break;
    case ']': t->type = TK_RBRACKET; break;
    default:
        if (c > ' ' && c < 127)
            error_at(p, t, "unexpected character '%c'", c);
        error_at(p, t, "unexpected byte 0x%02x", c);
    }
    t->len = 1;
    advance(p);
}

/* ===== what the grammar's actions record ===== */

static Stmt *stmt(Dsl *p, StmtKind kind, const Token *at)
{
    Stmt *s = arena_alloc(p->a, sizeof *s);
    s->kind = kind;
    s->at = *at;
    if (p->last)
        p->last->next = s;
    else
        p->first = s;
    p->last = s;
    p->n_stmts++;
    return s;
}

void dsl_opset(Dsl *p, const Token *at, const Token *num)
{
    Stmt *s = stmt(p, S_OPSET, at);
    s->value = dsl_atom(p, V_NUM, num);
}

void dsl_input(Dsl *p, const Token *at, const Token *name, const Token *dtype, Value *shape)
{
    Stmt *s = stmt(p, S_INPUT, at);
    s->name = *name;
    if (dtype) {
        s->dtype = *dtype;
        s->has_dtype = 1;
    }
    s->shape = shape;
}

void dsl_output(Dsl *p, const Token *at, Value *names)
{
    Stmt *s = stmt(p, S_OUTPUT, at);
    s->names = names;
}

void dsl_const(Dsl *p, const Token *at, const Token *name, const Token *dtype, Value *shape, Value *value)
{
    Stmt *s = stmt(p, S_CONST, at);
    s->name = *name;
    if (dtype) {
        s->dtype = *dtype;
        s->has_dtype = 1;
    }
    s->shape = shape;
    s->value = value;
}

void dsl_layer(Dsl *p, Value *names, const Token *layer, Arg *args)
{
    Stmt *s = stmt(p, S_LAYER, &names->items->tok);
    s->names = names;
    s->name = *layer;
    s->args = args;
}

void dsl_quantize(Dsl *p, const Token *at, const Token *type, Arg *args)
{
    Stmt *s = stmt(p, S_QUANTIZE, at);
    s->dtype = *type;
    s->has_dtype = 1;
    s->args = args;
}

void dsl_quant(Dsl *p, const Token *at, const Token *name, const Token *type, Arg *args)
{
    Stmt *s = stmt(p, S_QUANT, at);
    s->name = *name;
    s->dtype = *type;
    s->has_dtype = 1;
    s->args = args;
}

Value *dsl_atom(Dsl *p, ValueKind kind, const Token *t)
{
    Value *v = arena_alloc(p->a, sizeof *v);
    v->kind = kind;
    v->tok = *t;
    return v;
}

/* A list is a V_LIST value whose items are chained by next. */
Value *dsl_append(Dsl *p, Value *list, Value *item)
{
    if (!list) {
        list = dsl_atom(p, V_LIST, &item->tok);
        list->items = item;
    } else {
        list->last->next = item;
    }
    list->last = item;
    list->n++;
    return list;
}

Value *dsl_list(Dsl *p, const Token *open, Value *items)
{
    if (!items)
        items = dsl_atom(p, V_LIST, open);
    items->tok = *open;
    return items;
}

Value *dsl_call(Dsl *p, const Token *fn, Value *items)
{
    (void)p;
    items->kind = V_CALL;
    items->tok = *fn;
    return items;
}

Arg *dsl_arg(Dsl *p, const Token *key, Value *v)
{
    Arg *a = arena_alloc(p->a, sizeof *a);
    if (key) {
        a->key = *key;
        a->has_key = 1;
    }
    a->v = v;
    return a;
}

Arg *dsl_args(Dsl *p, Arg *list, Arg *a)
{
    (void)p;
    if (!list) {
        a->tail = a;
        return a;
    }
    list->tail->next = a;
    list->tail = a;
    return list;
}

/* ===== constant data: inline lists and .npy files ===== */

typedef struct {
    int rank;
    int64_t dims[TC_MAX_RANK];
    int64_t n;
    float *f;           /* float data, or */
    int64_t *i;         /* int64 data */
    int flat;           /* an inline list of one level, or one number: fits any shape of its size */
    int etype;          /* int8, uint8, int32 constants (ET_*): their ONNX element type, else 0 */
} Data;

static void charge(Dsl *p, const Token *at, int64_t n)
{
    if (n > (int64_t)(p->opt->max_bytes / 4) || (p->data_bytes += (size_t)n * 4) > p->opt->max_bytes)
        error_at(p, at, "constant data exceeds the limit of %zu bytes (--max-bytes)", p->opt->max_bytes);
}

static int64_t count_leaves(const Value *v)
{
    int64_t n = 0;
    const Value *e;
    if (v->kind != V_LIST)
        return 1;
    for (e = v->items; e; e = e->next)
        n += count_leaves(e);
    return n;
}

/* Stores the numbers of v, checking that every row has dims[depth] elements. */
static void fill(Dsl *p, const Value *v, const Data *d, int depth, int64_t *k, int want_int)
{
    const Value *e;
    if (depth == d->rank) {
        if (v->kind != V_NUM)
            error_at(p, &v->tok, "expected a number, found %s", v->kind == V_LIST ? "a list" : found(p, &v->tok));
        if (want_int && !v->tok.is_int)
            error_at(p, &v->tok, "expected an integer, found %s", found(p, &v->tok));
        if (d->f)
            d->f[*k] = v->tok.fnum;
        if (d->i)
            d->i[*k] = v->tok.inum;
        ++*k;
        return;
    }
    if (v->kind != V_LIST)
        error_at(p, &v->tok, "expected a list of %lld numbers here, found %s (rows of an inline tensor must have equal lengths)",
                 (long long)d->dims[depth], found(p, &v->tok));
    if (v->n != d->dims[depth])
        error_at(p, &v->tok, "this list has %d element%s, the first one at its level has %lld (rows of an inline tensor must have equal lengths)",
                 v->n, v->n == 1 ? "" : "s", (long long)d->dims[depth]);
    for (e = v->items; e; e = e->next)
        fill(p, e, d, depth + 1, k, want_int);
}

/* An inline number or (nested) list of numbers; its shape is its nesting. */
static void inline_data(Dsl *p, const Value *v, Data *d, int want_int)
{
    const Value *e = v;
    int64_t leaves = count_leaves(v), k = 0, prod = 1;
    memset(d, 0, sizeof *d);
    while (e->kind == V_LIST) {
        if (d->rank == TC_MAX_RANK)
            error_at(p, &e->tok, "an inline tensor has at most %d dimensions", TC_MAX_RANK);
        d->dims[d->rank++] = e->n;
        prod = e->n ? prod * e->n : 0;
        if (prod > leaves || !e->n)
            break;
        e = e->items;
    }
    d->n = leaves;
    d->flat = d->rank <= 1;
    if (prod != leaves && leaves) {
        /* ragged: let fill() find the row that differs */
        d->f = NULL;
        fill(p, v, d, 0, &k, want_int);
        error_at(p, &v->tok, "rows of an inline tensor must have equal lengths");
    }
    charge(p, &v->tok, leaves);
    if (want_int)
        d->i = arena_array(p->a, (size_t)leaves + 1, sizeof(int64_t));
    else
        d->f = arena_array(p->a, (size_t)leaves + 1, sizeof(float));
    if (leaves)
        fill(p, v, d, 0, &k, want_int);
}

static const char *shape_str(Dsl *p, int rank, const int64_t *dims)
{
    return text_dims(p->a, rank, dims, ",");
}

/*
 * ---- .npy: npy.c reads the header; integer arrays stay exact as int64 ----
 * Its messages are located at the npy("...") call: "m.tc:3:9: error: 'w.npy': ...".
 */
static void parse_npy(Dsl *p, const Token *at, const char *file, const uint8_t *b, size_t len, Data *d, int want_int)
{
    const char *saved = diag_file();
    NpyHeader h;
    size_t k;
    memset(d, 0, sizeof *d);
    diag_set_file(arena_printf(p->a, "%s:%d:%d", p->path, at->line, at->col));
    diag_set_context(arena_printf(p->a, "'%s'", file));
    npy_header(b, len, &h, p->a);
    diag_set_context(NULL);
    diag_set_file(saved);
    int as_stored = want_int < 0;
    if (want_int < 0) /* as stored: integers and booleans as int64 */
        want_int = h.kind != 'f';
    if (want_int && h.kind == 'f')
        error_at(p, at, "'%s' holds floats, expected integers", file);
    d->rank = h.rank;
    memcpy(d->dims, h.dims, sizeof d->dims);
    if (h.numel > p->opt->max_bytes / 4)
        error_at(p, at, "'%s': %zu elements exceed the tensor size limit (--max-bytes)", file, h.numel);
    d->n = (int64_t)h.numel;
    charge(p, at, d->n);
    if (want_int) {
        d->i = arena_array(p->a, h.numel + 1, sizeof(int64_t));
        for (k = 0; k < h.numel; k++)
            d->i[k] = npy_int(&h, k);
        if (as_stored) /* onnx.Constant(value=npy(...)): int8, uint8, int32 keep their type */
            d->etype = h.kind == 'i' && h.size == 1 ? ET_INT8 : h.kind == 'u' && h.size == 1 ? ET_UINT8
                     : h.kind == 'i' && h.size == 4 ? ET_INT32 : 0;
        return;
    }
    d->f = arena_array(p->a, h.numel + 1, sizeof(float));
    npy_decode(h.data, h.numel, h.kind, h.size, d->f);
    for (k = 0; h.kind == 'f' && h.size == 8 && k < h.numel; k++) {
        double v;
        uint64_t u = 0;
        int j;
        for (j = 7; j >= 0; j--)
            u = u << 8 | h.data[8 * k + (size_t)j];
        memcpy(&v, &u, 8);
        if (v - v == 0.0 && (v > FLT_MAX || v < -FLT_MAX))
            error_at(p, at, "'%s': element %zu (%g) is out of the float32 range", file, k, v);
    }
}

/*
 * npy("file"): a path relative to the .tc file's directory, which it may not
 * leave (absolute paths, "..", symbolic links) unless --allow-paths: a model
 * from a stranger must not embed the numbers of the reader's other files.
 * One message for a file outside, whether or not it exists, and for a file
 * missing inside. Only regular files are read (a FIFO would block, a device
 * never end), within --max-bytes.
 */
/* Whether the resolved path real lies inside the resolved directory dir (dl bytes). */
static int inside_dir(const char *real, const char *dir, size_t dl)
{
    return strncmp(real, dir, dl) == 0 && (real[dl] == '/' || (dl == 1 && dir[0] == '/') || real[dl] == 0);
}

static void read_npy_file(Dsl *p, const Token *at, const char *name, Buf *b)
{
    const char *file = shown(p, name), *path;
    char dir[PATH_MAX], real[PATH_MAX];
    size_t dl;
    struct stat st;
    int fd;
    path = name[0] == '/' ? name : arena_printf(p->a, "%s%s", p->dir, name);
    if (!p->opt->allow_paths) {
        const char *outside = "no such file in the directory of the .tc file (paths may not leave it; --allow-paths allows that)";
        if (name[0] == '/' || !realpath(p->dir[0] ? p->dir : ".", dir))
            error_at(p, at, "cannot read '%s': %s", file, outside);
        dl = strlen(dir);
        if (!realpath(path, real)) {
            /* missing: said so only when its directory is inside and the name itself is no link */
            const char *slash = strrchr(path, '/');
            const char *parent = slash ? arena_printf(p->a, "%.*s", (int)(slash - path + 1), path) : ".";
            if (errno == ENOENT && realpath(parent, real) && inside_dir(real, dir, dl) && lstat(path, &st) != 0 &&
                errno == ENOENT)
                error_at(p, at, "cannot read '%s': no such file", file);
            error_at(p, at, "cannot read '%s': %s", file, outside);
        }
        if (!inside_dir(real, dir, dl))
            error_at(p, at, "cannot read '%s': %s", file, outside);
        path = real;
    }
    fd = open(path, O_RDONLY | O_NONBLOCK | (p->opt->allow_paths ? 0 : O_NOFOLLOW));
    if (fd < 0)
        error_at(p, at, "cannot read '%s': %s", file, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        error_at(p, at, "cannot read '%s': not a regular file", file);
    }
    if ((uint64_t)st.st_size > (uint64_t)p->opt->max_bytes + 65536) {
        close(fd);
        error_at(p, at, "'%s' is larger than the limit of %zu bytes (--max-bytes)", file, p->opt->max_bytes);
    }
    for (;;) {
        char tmp[65536];
        ssize_t n = read(fd, tmp, sizeof tmp);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            buf_free(b);
            error_at(p, at, "cannot read '%s': %s", file, strerror(e));
        }
        if (n == 0)
            break;
        if (b->len + (size_t)n > p->opt->max_bytes + 65536) {
            close(fd);
            buf_free(b);
            error_at(p, at, "'%s' is larger than the limit of %zu bytes (--max-bytes)", file, p->opt->max_bytes);
        }
        buf_add(b, tmp, (size_t)n);
    }
    close(fd);
}

static void npy_data(Dsl *p, const Value *call, Data *d, int want_int)
{
    const Value *arg = call->items;
    Buf b = {0};
    if (call->n != 1 || arg->kind != V_NAME)
        error_at(p, &call->tok, "npy expects one file name in quotes: npy(\"weights.npy\")");
    if (!allow_files)
        error_at(p, &arg->tok, "cannot read '%s': files are disabled here", shown(p, arg->tok.str));
    read_npy_file(p, &arg->tok, arg->tok.str, &b);
    parse_npy(p, &arg->tok, shown(p, arg->tok.str), (const uint8_t *)b.p, b.len, d, want_int);
    buf_free(&b);
}

/* Constant data from a value: inline numbers or npy("file"). */
static void value_data(Dsl *p, const Value *v, Data *d, int want_int, const char *what)
{
    if (v->kind == V_NUM || v->kind == V_LIST)
        inline_data(p, v, d, want_int);
    else if (v->kind == V_CALL && strcmp(v->tok.str, "npy") == 0)
        npy_data(p, v, d, want_int);
    else
        error_at(p, &v->tok, "%s: expected numbers in [...] or npy(\"file.npy\"), found %s", what, found(p, &v->tok));
}

/*
 * Fits d to the wanted shape (want[k] < 0: any size). A flat list takes
 * any shape of its size, and one free dimension is deduced from its size.
 */
static void fit(Dsl *p, const Token *at, Data *d, int rank, int64_t *want, const char *what)
{
    int k, free_dims = 0, fk = -1;
    int64_t prod = 1;
    if (rank < 0)
        return;
    if (d->flat && !(d->rank == rank && rank == 1 && want[0] < 0)) {
        int64_t known[TC_MAX_RANK] = {0};
        int nk = 0;
        for (k = 0; k < rank; k++)
            if (want[k] < 0)
                free_dims++, fk = k;
            else
                known[nk++] = want[k];
        prod = ir_dims_product(nk, known);
        if (free_dims > 1)
            error_at(p, at, "%s is a flat list of %lld numbers; its shape %s cannot be deduced (give the sizes, or nest the list)",
                     what, (long long)d->n, shape_str(p, rank, want));
        if (free_dims == 1) {
            if (prod == 0 || d->n % prod != 0 || d->n == 0)
                error_at(p, at, "%s has %lld numbers, not a multiple of the %lld that shape %s needs per step", what,
                         (long long)d->n, (long long)prod, shape_str(p, rank, want));
            want[fk] = d->n / prod;
        } else if (prod != d->n) {
            error_at(p, at, "%s has %lld numbers, shape %s needs %lld", what, (long long)d->n, shape_str(p, rank, want),
                     (long long)prod);
        }
        d->rank = rank;
        memcpy(d->dims, want, (size_t)rank * sizeof *want);
        return;
    }
    for (k = 0; k < rank && k < d->rank; k++)
        if (want[k] >= 0 && want[k] != d->dims[k])
            break;
    if (d->rank != rank || k < rank)
        error_at(p, at, "%s has shape %s, expected %s", what, shape_str(p, d->rank, d->dims), shape_str(p, rank, want));
    memcpy(want, d->dims, (size_t)rank * sizeof *want);
}

/* ===== building the IR ===== */

/* A new named tensor; graph outputs are marked as they appear. */
static TensorId new_tensor(Dsl *p, const Token *at, const char *name)
{
    Graph *g = p->g;
    TensorId id;
    int k;
    if (name[0] && ir_find(g, name) != TC_NONE)
        error_at(p, at, "tensor '%s' is already defined", shown(p, name));
    id = ir_new_tensor(g, name);
    for (k = 0; name[0] && k < p->n_outs; k++)
        if (strcmp(p->outs[k]->tok.str, name) == 0) {
            g->t[id].output_index = k;
            g->outputs[k] = id;
        }
    return id;
}

static TensorId const_tensor(Dsl *p, const Token *at, const char *name, const Data *d)
{
    TensorId id = new_tensor(p, at, name);
    Tensor *t = &p->g->t[id];
    ir_set_dims(t, d->rank, d->dims);
    if (d->i) {
        t->dtype = DT_INT64;
        t->i = d->i;
        t->etype = d->etype;
    } else {
        t->f = d->f;
    }
    return id;
}

static TensorId lookup(Dsl *p, const Value *v)
{
    TensorId id = ir_find(p->g, v->tok.str);
    if (id == TC_NONE || !v->tok.str[0])
        error_at(p, &v->tok, "unknown tensor '%s' (tensors must be defined above their use)", shown(p, v->tok.str));
    return id;
}

static int is_word(const Value *v, const char *w)
{
    return v->kind == V_NAME && v->tok.type == TK_IDENT && strcmp(v->tok.str, w) == 0;
}

/*
 * A tensor argument: the name of a tensor defined above, or constant data
 * (inline or npy) that becomes a new tensor named 'name'. The shape must
 * fit want (rank < 0: any).
 */
static TensorId tensor_arg(Dsl *p, const Value *v, const char *name, int rank, int64_t *want, const char *what)
{
    Data d;
    if (v->kind == V_NAME) {
        TensorId id = lookup(p, v);
        Tensor *t = &p->g->t[id];
        int k;
        if (rank >= 0 && t->rank >= 0) {
            for (k = 0; k < rank && k < t->rank; k++)
                if (want[k] >= 0 && want[k] != t->dims[k])
                    break;
            if (t->rank != rank || k < rank)
                error_at(p, &v->tok, "%s: '%s' has shape %s, expected %s", what, shown(p, v->tok.str),
                         ir_shape_str(p->a, t), shape_str(p, rank, want));
            memcpy(want, t->dims, (size_t)rank * sizeof *want);
        }
        return id;
    }
    value_data(p, v, &d, 0, what);
    fit(p, &v->tok, &d, rank, want, what);
    return const_tensor(p, &v->tok, name, &d);
}

/* ---- layers ---- */

typedef struct Call Call;
typedef void BuildFn(Dsl *p, Call *c);

typedef struct {
    const char *name;   /* in the language */
    const char *onnx;   /* the ONNX operator it becomes */
    int min_in, max_in; /* positional tensor inputs */
    const char *keys;   /* keyword parameters besides name=, space-separated */
    BuildFn *build;
} LayerDef;

struct Call {
    const Stmt *s;
    const LayerDef *L;  /* NULL for onnx.<Op>(...) */
    const char *onnx;
    OpKind op;          /* set after the layer's checks */
    const Value *pos[64];
    int n_pos;
    const char *out;    /* the first output's name, the stem of made-up names */
    TensorId in[64];
    int n_in;
    Attr attrs[32];
    int n_attrs;
};

static const Value *kw(const Call *c, const char *key)
{
    const Arg *a;
    for (a = c->s->args; a; a = a->next)
        if (a->has_key && strcmp(a->key.str, key) == 0)
            return a->v;
    return NULL;
}

static const char *sub_name(Dsl *p, const Call *c, const char *what)
{
    return arena_printf(p->a, "%s.%s", c->out, what);
}

static int64_t int_value(Dsl *p, const Value *v, int64_t lo, int64_t hi, const char *what)
{
    if (v->kind != V_NUM || !v->tok.is_int || v->tok.inum < lo || v->tok.inum > hi)
        error_at(p, &v->tok, "%s expects an integer from %lld to %lld, found %s", what, (long long)lo, (long long)hi,
                 v->kind == V_LIST ? "a list" : found(p, &v->tok));
    return v->tok.inum;
}

static float float_value(Dsl *p, const Value *v, const char *what)
{
    if (v->kind != V_NUM)
        error_at(p, &v->tok, "%s expects a number, found %s", what, v->kind == V_LIST ? "a list" : found(p, &v->tok));
    return v->tok.fnum;
}

/* One integer for all n, or a list of n (or, when alt > 0, of alt) integers. */
static int ints_value(Dsl *p, const Value *v, int n, int alt, int64_t lo, int64_t *out, const char *what)
{
    const Value *e;
    int k = 0;
    if (v->kind == V_NUM) {
        int64_t x = int_value(p, v, lo, (int64_t)1 << 31, what);
        for (k = 0; k < n; k++)
            out[k] = x;
        return n;
    }
    if (v->kind != V_LIST || (v->n != n && v->n != alt))
        error_at(p, &v->tok, "%s expects one integer or a list of %d%s, found %s", what, n,
                 alt > 0 ? arena_printf(p->a, " or %d", alt) : "", v->kind == V_LIST ? arena_printf(p->a, "a list of %d", v->n) : found(p, &v->tok));
    for (e = v->items; e; e = e->next)
        out[k++] = int_value(p, e, lo, (int64_t)1 << 31, what);
    return k;
}

static Attr *add_attr(Dsl *p, Call *c, const char *name, AttrKind kind)
{
    Attr *at;
    if (c->n_attrs == (int)(sizeof c->attrs / sizeof *c->attrs))
        error_at(p, &c->s->name, "too many parameters");
    at = &c->attrs[c->n_attrs++];
    memset(at, 0, sizeof *at);
    at->name = arena_strdup(p->a, name);
    at->kind = kind;
    return at;
}

static void attr_i(Dsl *p, Call *c, const char *name, int64_t v) { add_attr(p, c, name, AT_INT)->i = v; }
static void attr_f(Dsl *p, Call *c, const char *name, float v) { add_attr(p, c, name, AT_FLOAT)->f = v; }

static void attr_is(Dsl *p, Call *c, const char *name, const int64_t *v, int n)
{
    Attr *at = add_attr(p, c, name, AT_INTS);
    at->ints = arena_array(p->a, (size_t)n + 1, sizeof(int64_t));
    memcpy(at->ints, v, (size_t)n * sizeof *v);
    at->n = (size_t)n;
}

static void add_input(Dsl *p, Call *c, TensorId id)
{
    if (c->n_in == 64)
        error_at(p, &c->s->name, "more than 64 inputs");
    c->in[c->n_in++] = id;
}

/* The input tensor of a layer, which must have a known rank. */
static Tensor *input_tensor(Dsl *p, Call *c, int k)
{
    Tensor *t = &p->g->t[c->in[k]];
    if (t->rank < 0)
        error_at(p, &c->pos[k]->tok, "the shape of '%s' is unknown here", shown(p, t->name));
    return t;
}

/* mask=: [0/1 ...], npy("..."), a tensor's name, or prune(fraction) by magnitude (mask.c). */
static void apply_mask(Dsl *p, Call *c, TensorId wid, const Value *v)
{
    Tensor *w = &p->g->t[wid];
    int64_t k, n = ir_numel(w);
    if (!w->f)
        error_at(p, &v->tok, "mask= needs a constant weight, '%s' is computed at run time", shown(p, w->name));
    if (v->kind == V_CALL && strcmp(v->tok.str, "prune") == 0) {
        /* prune(f): zero the round(f * n) weights of smallest magnitude */
        double f;
        if (v->n != 1)
            error_at(p, &v->tok, "prune expects one fraction: prune(0.9)");
        float_value(p, v->items, "prune");
        f = v->items->tok.num;
        if (!(f >= 0.0 && f <= 1.0))
            error_at(p, &v->items->tok, "prune expects a fraction from 0 to 1, found %s", found(p, &v->items->tok));
        prune_weights(w->f, n, f, p->a);
        return;
    }
    {
        int64_t want[TC_MAX_RANK];
        const float *m;
        memcpy(want, w->dims, sizeof want);
        if (v->kind == V_NAME) {
            TensorId mid = tensor_arg(p, v, "", w->rank, want, "mask");
            m = p->g->t[mid].f;
            if (!m)
                error_at(p, &v->tok, "mask: '%s' is not a constant float tensor", shown(p, v->tok.str));
        } else {
            Data d;
            value_data(p, v, &d, 0, "mask");
            fit(p, &v->tok, &d, w->rank, want, "mask");
            m = d.f;
        }
        for (k = 0; k < n; k++) {
            if (m[k] != 0.0f && m[k] != 1.0f)
                error_at(p, &v->tok, "mask values must be 0 or 1, element %lld is %g", (long long)k, (double)m[k]);
            if (m[k] == 0.0f)
                w->f[k] = 0.0f;
        }
    }
    (void)c;
}

/* dense(x, units=N, weight=W, bias=B, mask=M): Gemm(x, W, B) with transB=1, W is [units, inputs] */
static void build_dense(Dsl *p, Call *c)
{
    Tensor *x = input_tensor(p, c, 0);
    const Value *w = kw(c, "weight"), *b = kw(c, "bias"), *u = kw(c, "units"), *m = kw(c, "mask");
    int64_t want[2];
    TensorId wid;
    if (x->rank != 2)
        error_at(p, &c->pos[0]->tok, "dense expects a matrix [batch, features], '%s' is %s (flatten it first)",
                 shown(p, x->name), ir_shape_str(p->a, x));
    if (!w)
        error_at(p, &c->s->name, "dense needs weight=[...], weight=npy(\"file\") or weight=NAME");
    want[0] = u ? int_value(p, u, 1, (int64_t)1 << 31, "units") : -1;
    /* a flat list needs the input count to find its rows; any other weight says it */
    want[1] = w->kind == V_LIST && (!w->n || w->items->kind != V_LIST) ? x->dims[1] : -1;
    wid = tensor_arg(p, w, sub_name(p, c, "weight"), 2, want, "weight");
    if (want[1] != x->dims[1])
        error_at(p, &w->tok, "dense expects %lld inputs (weight %s), '%s' has %lld", (long long)want[1],
                 ir_shape_str(p->a, &p->g->t[wid]), shown(p, x->name), (long long)x->dims[1]);
    if (m)
        apply_mask(p, c, wid, m);
    add_input(p, c, wid);
    if (b)
        add_input(p, c, tensor_arg(p, b, sub_name(p, c, "bias"), 1, want, "bias"));
    attr_i(p, c, "transB", 1);
}

/* conv1d / conv2d: Conv with weight [filters, channels/groups, kernel...] */
static void build_conv(Dsl *p, Call *c)
{
    int sp = c->L->name[4] - '0', k;
    Tensor *x = input_tensor(p, c, 0);
    const Value *w = kw(c, "weight"), *b = kw(c, "bias"), *m = kw(c, "mask"), *v;
    int64_t want[TC_MAX_RANK], ks[3], st[3], dil[3], pads[6], groups = 1;
    TensorId wid;
    if (x->rank != sp + 2)
        error_at(p, &c->pos[0]->tok, "%s expects [batch, channels%s], '%s' is %s", c->L->name,
                 sp == 1 ? ", length" : ", height, width", shown(p, x->name), ir_shape_str(p->a, x));
    if ((v = kw(c, "groups")))
        groups = int_value(p, v, 1, x->dims[1], "groups");
    if (x->dims[1] % groups)
        error_at(p, &v->tok, "groups=%lld does not divide the %lld channels of '%s'", (long long)groups,
                 (long long)x->dims[1], shown(p, x->name));
    if (!w)
        error_at(p, &c->s->name, "%s needs weight=[...], weight=npy(\"file\") or weight=NAME", c->L->name);
    want[0] = (v = kw(c, "filters")) ? int_value(p, v, 1, (int64_t)1 << 31, "filters") : -1;
    want[1] = x->dims[1] / groups;
    for (k = 0; k < sp; k++)
        want[2 + k] = -1;
    if ((v = kw(c, "kernel")))
        ints_value(p, v, sp, 0, 1, want + 2, "kernel");
    wid = tensor_arg(p, w, sub_name(p, c, "weight"), sp + 2, want, "weight");
    if (m)
        apply_mask(p, c, wid, m);
    add_input(p, c, wid);
    if (b)
        add_input(p, c, tensor_arg(p, b, sub_name(p, c, "bias"), 1, want, "bias"));
    for (k = 0; k < sp; k++)
        ks[k] = want[2 + k], st[k] = 1, dil[k] = 1, pads[k] = pads[k + sp] = 0;
    if ((v = kw(c, "stride")))
        ints_value(p, v, sp, 0, 1, st, "stride");
    if ((v = kw(c, "dilation")))
        ints_value(p, v, sp, 0, 1, dil, "dilation");
    if ((v = kw(c, "pad")) && ints_value(p, v, sp, 2 * sp, 0, pads, "pad") == sp)
        for (k = 0; k < sp; k++)
            pads[k + sp] = pads[k];
    attr_is(p, c, "kernel_shape", ks, sp);
    attr_is(p, c, "strides", st, sp);
    attr_is(p, c, "pads", pads, 2 * sp);
    attr_is(p, c, "dilations", dil, sp);
    attr_i(p, c, "group", groups);
}

/* maxpool / avgpool(x, kernel=K, stride=K, pad=0): stride defaults to the kernel */
static void build_pool(Dsl *p, Call *c)
{
    Tensor *x = input_tensor(p, c, 0);
    const Value *v;
    int64_t ks[TC_MAX_RANK], st[TC_MAX_RANK], pads[2 * TC_MAX_RANK];
    int sp = x->rank - 2, k;
    if (sp < 1 || sp > 3)
        error_at(p, &c->pos[0]->tok, "%s expects [batch, channels, spatial...] with 1 to 3 spatial dimensions, '%s' is %s",
                 c->L->name, shown(p, x->name), ir_shape_str(p->a, x));
    if (!(v = kw(c, "kernel")))
        error_at(p, &c->s->name, "%s needs kernel=", c->L->name);
    ints_value(p, v, sp, 0, 1, ks, "kernel");
    for (k = 0; k < sp; k++)
        st[k] = ks[k], pads[k] = pads[k + sp] = 0;
    if ((v = kw(c, "stride")))
        ints_value(p, v, sp, 0, 1, st, "stride");
    if ((v = kw(c, "pad")) && ints_value(p, v, sp, 2 * sp, 0, pads, "pad") == sp)
        for (k = 0; k < sp; k++)
            pads[k + sp] = pads[k];
    attr_is(p, c, "kernel_shape", ks, sp);
    attr_is(p, c, "strides", st, sp);
    attr_is(p, c, "pads", pads, 2 * sp);
}

/* batchnorm(x, scale=1, bias=0, mean=, var=, epsilon=1e-5), per channel (dimension 1) */
static void build_batchnorm(Dsl *p, Call *c)
{
    static const char *const names[] = {"scale", "bias", "mean", "var"};
    Tensor *x = input_tensor(p, c, 0);
    const Value *v;
    int k;
    int64_t ch;
    if (x->rank < 2)
        error_at(p, &c->pos[0]->tok, "batchnorm expects [batch, channels, ...], '%s' is %s", shown(p, x->name),
                 ir_shape_str(p->a, x));
    ch = x->dims[1];
    for (k = 0; k < 4; k++) {
        int64_t want[1];
        want[0] = ch;
        if ((v = kw(c, names[k]))) {
            add_input(p, c, tensor_arg(p, v, sub_name(p, c, names[k]), 1, want, names[k]));
        } else if (k == 0 || k == 1) {
            /* scale 1, bias 0 */
            Data d;
            int64_t i;
            memset(&d, 0, sizeof d);
            d.rank = 1;
            d.dims[0] = ch;
            charge(p, &c->s->name, ch);
            d.f = arena_array(p->a, (size_t)ch + 1, sizeof(float));
            for (i = 0; i < ch; i++)
                d.f[i] = k == 0 ? 1.0f : 0.0f;
            add_input(p, c, const_tensor(p, &c->s->name, sub_name(p, c, names[k]), &d));
        } else {
            error_at(p, &c->s->name, "batchnorm needs %s=", names[k]);
        }
    }
    if ((v = kw(c, "epsilon")))
        attr_f(p, c, "epsilon", float_value(p, v, "epsilon"));
}

/* flatten(axis=), softmax(axis=), log_softmax(axis=), concat(axis=1) */
static void build_axis(Dsl *p, Call *c)
{
    const Value *v = kw(c, "axis");
    if (v)
        attr_i(p, c, "axis", int_value(p, v, -TC_MAX_RANK, TC_MAX_RANK, "axis"));
    else if (strcmp(c->L->name, "concat") == 0)
        attr_i(p, c, "axis", 1);
}

static void build_leaky(Dsl *p, Call *c)
{
    const Value *v = kw(c, "alpha");
    if (v)
        attr_f(p, c, "alpha", float_value(p, v, "alpha"));
}

/* reshape(x, shape=[...]) or shape=NAME of an int64 constant */
static void build_reshape(Dsl *p, Call *c)
{
    const Value *v = kw(c, "shape");
    Data d;
    if (!v)
        error_at(p, &c->s->name, "reshape needs shape=[...]");
    if (v->kind == V_NAME) {
        add_input(p, c, lookup(p, v));
        return;
    }
    if (v->kind != V_LIST)
        error_at(p, &v->tok, "shape expects a list of integers, found %s", found(p, &v->tok));
    inline_data(p, v, &d, 1);
    if (d.rank != 1)
        error_at(p, &v->tok, "shape expects a flat list of integers");
    add_input(p, c, const_tensor(p, &v->tok, sub_name(p, c, "shape"), &d));
}

static void build_plain(Dsl *p, Call *c)
{
    (void)p;
    (void)c;
}

static const LayerDef layers[] = {
    {"dense", "Gemm", 1, 1, "units weight bias mask", build_dense},
    {"conv1d", "Conv", 1, 1, "filters kernel stride pad dilation groups weight bias mask", build_conv},
    {"conv2d", "Conv", 1, 1, "filters kernel stride pad dilation groups weight bias mask", build_conv},
    {"maxpool", "MaxPool", 1, 1, "kernel stride pad", build_pool},
    {"avgpool", "AveragePool", 1, 1, "kernel stride pad", build_pool},
    {"global_avgpool", "GlobalAveragePool", 1, 1, "", build_plain},
    {"global_maxpool", "GlobalMaxPool", 1, 1, "", build_plain},
    {"batchnorm", "BatchNormalization", 1, 1, "scale bias mean var epsilon", build_batchnorm},
    {"flatten", "Flatten", 1, 1, "axis", build_axis},
    {"reshape", "Reshape", 1, 1, "shape", build_reshape},
    {"relu", "Relu", 1, 1, "", build_plain},
    {"leaky_relu", "LeakyRelu", 1, 1, "alpha", build_leaky},
    {"sigmoid", "Sigmoid", 1, 1, "", build_plain},
    {"tanh", "Tanh", 1, 1, "", build_plain},
    {"softmax", "Softmax", 1, 1, "axis", build_axis},
    {"log_softmax", "LogSoftmax", 1, 1, "axis", build_axis},
    {"add", "Add", 2, 2, "", build_plain},
    {"sub", "Sub", 2, 2, "", build_plain},
    {"mul", "Mul", 2, 2, "", build_plain},
    {"div", "Div", 2, 2, "", build_plain},
    {"concat", "Concat", 1, 64, "axis", build_axis},
};

/* Is key one of the space-separated words in keys? */
static int has_key(const char *keys, const char *key)
{
    size_t n = strlen(key);
    const char *s;
    for (s = keys; (s = strstr(s, key)) != NULL; s += n)
        if ((s == keys || s[-1] == ' ') && (s[n] == ' ' || !s[n]))
            return 1;
    return 0;
}

/* "a b c" -> "a=, b=, c= or name=" */
static const char *key_list(Dsl *p, const char *keys)
{
    Buf b = {0};
    const char *s = keys, *r;
    while (*s) {
        size_t n = strcspn(s, " ");
        buf_printf(&b, "%.*s=, ", (int)n, s);
        s += n + (s[n] == ' ');
    }
    if (b.len)
        b.len -= 2; /* the last ", " becomes " or " */
    buf_printf(&b, "%sname=", b.len ? " or " : "only ");
    r = arena_strdup(p->a, b.p);
    buf_free(&b);
    return r;
}

/* onnx.<Op>(inputs..., attr=value...): keyword values become attributes as written. */
static void generic_attrs(Dsl *p, Call *c)
{
    const Arg *a;
    for (a = c->s->args; a; a = a->next) {
        const Value *v = a->v, *e;
        Attr *at;
        int all_int = 1, k = 0;
        if (!a->has_key || strcmp(a->key.str, "name") == 0)
            continue;
        switch (v->kind) {
        case V_NUM:
            if (v->tok.is_int)
                attr_i(p, c, a->key.str, v->tok.inum);
            else
                attr_f(p, c, a->key.str, v->tok.fnum);
            break;
        case V_NAME:
            add_attr(p, c, a->key.str, AT_STRING)->s = v->tok.str;
            break;
        case V_LIST:
            for (e = v->items; e; e = e->next) {
                if (e->kind != V_NUM)
                    error_at(p, &e->tok, "attribute '%s': expected a number, found %s", shown(p, a->key.str),
                             e->kind == V_LIST ? "a list" : found(p, &e->tok));
                all_int &= e->tok.is_int;
            }
            at = add_attr(p, c, a->key.str, all_int ? AT_INTS : AT_FLOATS);
            at->n = (size_t)v->n;
            if (all_int)
                at->ints = arena_array(p->a, (size_t)v->n + 1, sizeof(int64_t));
            else
                at->floats = arena_array(p->a, (size_t)v->n + 1, sizeof(float));
            for (e = v->items; e; e = e->next, k++)
                if (all_int)
                    at->ints[k] = e->tok.inum;
                else
                    at->floats[k] = e->tok.fnum;
            break;
        default:
            error_at(p, &v->tok, "attribute '%s': expected a number, a list of numbers or a string", shown(p, a->key.str));
        }
    }
}

/*
 * A quantized operator's output shape while the file is read, for the
 * layers after it (qdq.c rewrites these operators once the whole file has
 * been read, and shape inference runs again then): QuantizeLinear and
 * DequantizeLinear keep their input's, QLinearMatMul and MatMulInteger
 * [.., M, K] x [K, N] -> [.., M, N], QLinearConv and ConvInteger Conv's.
 */
static void qdq_shape(Dsl *p, Node *n)
{
    Graph *g = p->g;
    Tensor *y = &g->t[n->out[0]];
    int wi = (int)n->op == OP_QLINEARCONV || (int)n->op == OP_QLINEARMATMUL ? 3 : 1;
    const Tensor *x = n->n_in > 0 && n->in[0] != TC_NONE ? &g->t[n->in[0]] : NULL;
    const Tensor *w = n->n_in > wi && n->in[wi] != TC_NONE ? &g->t[n->in[wi]] : NULL;
    int64_t d[TC_MAX_RANK];
    if (!x || x->rank < 0)
        return;
    if ((int)n->op == OP_QUANTIZELINEAR || (int)n->op == OP_DEQUANTIZELINEAR) {
        ir_set_dims(y, x->rank, x->dims);
        return;
    }
    if (!w || w->rank < 0)
        return;
    if ((int)n->op == OP_QLINEARMATMUL || (int)n->op == OP_MATMULINTEGER) {
        if (x->rank >= 2 && w->rank == 2 && x->dims[x->rank - 1] == w->dims[0]) {
            memcpy(d, x->dims, sizeof d);
            d[x->rank - 1] = w->dims[1];
            ir_set_dims(y, x->rank, d);
        }
        return;
    }
    if (x->rank == 3 || x->rank == 4) { /* QLinearConv, ConvInteger: Conv's window over (x, w) */
        Node tmp = *n;
        TensorId in[2];
        Window win;
        in[0] = n->in[0];
        in[1] = n->in[wi];
        tmp.in = in;
        tmp.n_in = 2;
        tmp.op = OP_CONV;
        conv_window(g, &tmp, &win);
        d[0] = win.batch;
        d[1] = win.m;
        d[2] = x->rank == 3 ? win.out[1] : win.out[0];
        d[3] = win.out[1];
        ir_set_dims(y, x->rank, d);
    }
}

/*
 * A quantized operator's constant scales and zero points, checked where the
 * layer is written (qdq.c checks them again once the file has been read, but
 * can only name the node): every scale positive, finite and within 2^-100 ..
 * 2^100, a zero point as many values as its scale and int8, uint8 or int32,
 * per-axis parameters as long as the quantised axis.
 */
static void qdq_param(Dsl *p, const Node *n, int si, int zi, const Tensor *x, int64_t axis)
{
    Graph *g = p->g;
    const Tensor *s = n->n_in > si && n->in[si] != TC_NONE ? &g->t[n->in[si]] : NULL;
    const Tensor *z = n->n_in > zi && n->in[zi] != TC_NONE ? &g->t[n->in[zi]] : NULL;
    const char *what = (int)n->op > OP_COUNT ? qdq_name((int)n->op) : op_name(n->op);
    int64_t k, m;
    if (s && s->i)
        fatal("%s: the scale '%s' is an integer constant; scales are float", what, shown(p, s->name));
    if (s && s->f) {
        m = ir_numel(s);
        for (k = 0; k < m; k++)
            if (!(s->f[k] > 0.0f) || s->f[k] - s->f[k] != 0.0f || s->f[k] < 0x1p-100f || s->f[k] > 0x1p100f)
                fatal("%s: scale '%s'[%lld] is %g; scales must be positive and finite, within 2^-100 .. 2^100",
                      what, shown(p, s->name), (long long)k, (double)s->f[k]);
        if (s->rank > 1)
            fatal("%s: the scale '%s' has rank %d; it must be a scalar or 1-D", what, shown(p, s->name), s->rank);
        if (m > 1 && x && x->rank >= 0) {
            int64_t ax = axis < 0 ? axis + x->rank : axis;
            if (ax < 0 || ax >= x->rank)
                fatal("%s: %lld per-axis scales along axis %lld, which '%s' %s does not have", what, (long long)m,
                      (long long)axis, shown(p, x->name), ir_shape_str(p->a, x));
            if (m != x->dims[ax])
                fatal("%s: per-axis scale '%s' has %lld values, axis %lld of '%s' %s has %lld", what,
                      shown(p, s->name), (long long)m, (long long)axis, shown(p, x->name), ir_shape_str(p->a, x),
                      (long long)x->dims[ax]);
        }
        if (z && (z->f || z->i) && ir_numel(z) != m)
            fatal("%s: the zero point '%s' has %lld values, the scale '%s' %lld", what, shown(p, z->name),
                  (long long)ir_numel(z), shown(p, s->name), (long long)m);
    }
    if (z && z->f)
        fatal("%s: the zero point '%s' is float; it must be int8, uint8 or int32 (const NAME int8 [...] = ...)", what,
              shown(p, z->name));
    if (z && z->i && z->etype != ET_INT8 && z->etype != ET_UINT8 && z->etype != ET_INT32)
        fatal("%s: the zero point '%s' is int64; it must be int8, uint8 or int32 (const NAME int8 [...] = ...)", what,
              shown(p, z->name));
}

static void qdq_check(Dsl *p, const Node *n)
{
    const Tensor *x = n->n_in > 0 && n->in[0] != TC_NONE ? &p->g->t[n->in[0]] : NULL;
    const Tensor *w = n->n_in > 3 && n->in[3] != TC_NONE ? &p->g->t[n->in[3]] : NULL;
    switch ((int)n->op) {
    case OP_QUANTIZELINEAR:
    case OP_DEQUANTIZELINEAR: qdq_param(p, n, 1, 2, x, attr_int(n, "axis", 1)); break;
    case OP_QLINEARCONV:
    case OP_QLINEARMATMUL:
        qdq_param(p, n, 1, 2, NULL, 0);
        qdq_param(p, n, 4, 5, w, (int)n->op == OP_QLINEARCONV ? 0 : 1);
        qdq_param(p, n, 6, 7, NULL, 0);
        break;
    default: break;
    }
}

/* Integers of a quantized model's activations: made by QuantizeLinear or a QLinear layer, or an int8/uint8 input. */
static int int_activation(Dsl *p, TensorId id)
{
    const Tensor *t = &p->g->t[id];
    int op = t->producer >= 0 ? (int)p->g->n[t->producer].op : -1;
    if (t->input_index >= 0)
        return t->etype == ET_INT8 || t->etype == ET_UINT8;
    return op == OP_QUANTIZELINEAR || op == OP_QLINEARCONV || op == OP_QLINEARMATMUL;
}

/* Shape inference and folding now, as infer_shapes would do, with errors at the layer.
 * A quantized model's file folds nothing while it is read, as the ONNX front end does not:
 * qdq.c must see the nodes as written. */
static void infer_at(Dsl *p, const Token *at, Node *n)
{
    diag_set_file(arena_printf(p->a, "%s:%d:%d", p->path, at->line, at->col));
    if ((int)n->op > OP_COUNT) {
        qdq_check(p, n);
        qdq_shape(p, n);
    } else if (p->quantized && n->op == OP_CLIP && n->n_in > 0 && n->in[0] != TC_NONE && int_activation(p, n->in[0])) {
        /* a Clip of a QuantizeLinear's integers (PyTorch's reduce_range): qdq.c makes it a clamp */
        ir_set_dims(&p->g->t[n->out[0]], p->g->t[n->in[0]].rank, p->g->t[n->in[0]].dims);
    } else {
        infer_node_shape(p->g, n);
        if (!p->quantized)
            fold_node(p->g, n);
    }
    diag_set_file(p->path);
}

/*
 * NAME = onnx.Constant(value=...): a constant, as const NAME = ... makes, that
 * also takes a node number, as ONNX Constant nodes do (they number the nodes
 * after them, in comments and function names). The node is a placeholder,
 * dead from the start; the tensor is a constant without a producer, just as
 * the ONNX front end makes it. value= takes inline floats or npy("file") in
 * its stored type; value_float=, value_floats=, value_int=, value_ints= as in ONNX.
 */
static void build_constant_node(Dsl *p, const Stmt *s)
{
    static const char *const keys[] = {"value", "value_float", "value_floats", "value_int", "value_ints"};
    const Arg *a, *val = NULL;
    const Value *nm = NULL;
    int k, kind = -1;
    Data d;
    TensorId id;
    Node *n;
    for (a = s->args; a; a = a->next) {
        if (!a->has_key)
            error_at(p, &a->v->tok, "onnx.Constant takes no inputs");
        if (strcmp(a->key.str, "name") == 0 && !nm) {
            nm = a->v;
            continue;
        }
        for (k = 0; k < 5; k++)
            if (strcmp(a->key.str, keys[k]) == 0)
                break;
        if (k == 5 || val)
            error_at(p, &a->key, "onnx.Constant takes one of value=, value_float=, value_floats=, value_int=, value_ints=, and name=");
        val = a;
        kind = k;
    }
    if (!val)
        error_at(p, &s->name, "onnx.Constant needs value=, value_float=, value_floats=, value_int= or value_ints=");
    if (s->names->n != 1)
        error_at(p, &s->names->items->next->tok, "onnx.Constant has one output, found %d names", s->names->n);
    if (nm && nm->kind != V_NAME)
        error_at(p, &nm->tok, "name expects a name, found %s", found(p, &nm->tok));
    if ((kind == 1 || kind == 3) && val->v->kind != V_NUM)
        error_at(p, &val->v->tok, "%s expects one number", keys[kind]);
    if ((kind == 2 || kind == 4) && (val->v->kind != V_LIST || (val->v->n && val->v->items->kind != V_NUM)))
        error_at(p, &val->v->tok, "%s expects a list of numbers", keys[kind]);
    if (kind == 0 && val->v->kind == V_CALL)
        value_data(p, val->v, &d, -1, "value");
    else
        value_data(p, val->v, &d, kind >= 3, keys[kind]);
    id = const_tensor(p, &s->names->items->tok, s->names->items->tok.str, &d);
    n = ir_node(p->g, OP_IDENTITY, nm ? nm->tok.str : s->names->items->tok.str, 0, 1);
    n->out[0] = id;
    n->dead = 1;
}

static void build_layer(Dsl *p, const Stmt *s)
{
    Graph *g = p->g;
    Call *c = p->call ? p->call : (p->call = arena_alloc(p->a, sizeof *c));
    const Arg *a, *b;
    const Value *nm;
    const Value *v;
    Node *n;
    int k, n_args = 0;
    size_t i;

    memset(c, 0, sizeof *c);
    c->s = s;
    c->out = s->names->items->tok.str;
    if (strcmp(s->name.str, "onnx.Constant") == 0) {
        build_constant_node(p, s);
        return;
    }
    if (strncmp(s->name.str, "onnx.", 5) == 0) {
        c->onnx = s->name.str + 5;
    } else {
        for (i = 0; i < sizeof layers / sizeof *layers; i++)
            if (strcmp(layers[i].name, s->name.str) == 0)
                c->L = &layers[i];
        if (!c->L || s->name.type != TK_IDENT)
            error_at(p, &s->name, "unknown layer '%s' (expected dense, conv1d, conv2d, maxpool, avgpool, global_avgpool, "
                                  "global_maxpool, batchnorm, flatten, reshape, relu, leaky_relu, sigmoid, tanh, softmax, "
                                  "log_softmax, add, sub, mul, div, concat or onnx.<Op>)",
                     shown(p, s->name.str));
        c->onnx = c->L->onnx;
    }
    /* arguments: positional inputs, then known keywords, each once */
    for (a = s->args; a; a = a->next) {
        if (++n_args > 128)
            error_at(p, &a->v->tok, "more than 128 arguments");
        if (!a->has_key) {
            if (c->n_pos == 64)
                error_at(p, &a->v->tok, "more than 64 inputs");
            c->pos[c->n_pos++] = a->v;
            continue;
        }
        if (c->L && strcmp(a->key.str, "name") != 0 && !has_key(c->L->keys, a->key.str))
            error_at(p, &a->key, "%s has no parameter '%s' (it takes %s)", c->L->name, shown(p, a->key.str), key_list(p, c->L->keys));
        for (b = s->args; b != a; b = b->next)
            if (b->has_key && strcmp(b->key.str, a->key.str) == 0)
                error_at(p, &a->key, "parameter '%s' is given twice", shown(p, a->key.str));
    }
    if (c->L && (c->n_pos < c->L->min_in || c->n_pos > c->L->max_in))
        error_at(p, &s->name, "%s takes %s%d input%s, found %d", c->L->name,
                 c->L->min_in == c->L->max_in ? "" : "at least ", c->L->min_in, c->L->min_in == 1 ? "" : "s", c->n_pos);
    if (c->L && s->names->n != 1)
        error_at(p, &s->names->items->next->tok, "%s has one output, found %d names", c->L->name, s->names->n);

    for (k = 0; k < c->n_pos; k++) {
        v = c->pos[k];
        if (!c->L && is_word(v, "none"))
            add_input(p, c, TC_NONE);
        else
            add_input(p, c, tensor_arg(p, v, sub_name(p, c, arena_printf(p->a, "in%d", k)), -1, NULL, "input"));
    }
    if (c->L)
        c->L->build(p, c);
    else
        generic_attrs(p, c);

    /*
     * The operator from the same op table as the ONNX front end. Looked up
     * after the layer's own checks, so that those report the same errors
     * whether or not this ticketc has the operator yet.
     */
    k = c->L ? -1 : qdq_lookup(c->onnx); /* rewritten by qdq.c once the file has been read */
    if (k < 0)
        k = op_lookup(c->onnx);
    if (k < 0)
        error_at(p, &s->name, "unsupported operator '%s'%s", shown(p, c->onnx),
                 c->L ? arena_printf(p->a, " (layer %s)", c->L->name) : "");
    c->op = (OpKind)k;

    nm = kw(c, "name");
    if (nm && nm->kind != V_NAME)
        error_at(p, &nm->tok, "name expects a name, found %s", found(p, &nm->tok));
    if (p->opt && p->opt->max_nodes > 0 && g->nn >= p->opt->max_nodes)
        error_at(p, &s->name, "the model has more than %ld nodes, the limit (--max-nodes)", p->opt->max_nodes);
    n = ir_node(g, c->op, nm ? nm->tok.str : c->out, c->n_in, s->names->n);
    memcpy(n->in, c->in, (size_t)c->n_in * sizeof *c->in);
    n->attrs = arena_array(p->a, (size_t)c->n_attrs + 1, sizeof(Attr));
    memcpy(n->attrs, c->attrs, (size_t)c->n_attrs * sizeof(Attr));
    n->n_attrs = c->n_attrs;
    for (k = 0, v = s->names->items; v; v = v->next, k++) {
        n->out[k] = new_tensor(p, &v->tok, v->tok.str);
        g->t[n->out[k]].producer = n->index;
    }
    infer_at(p, &s->name, n);
}

/* input NAME [dims], input NAME int8 [dims], input NAME uint8 [dims] */
static void build_input(Dsl *p, const Stmt *s)
{
    Graph *g = p->g;
    TensorId id;
    Tensor *t;
    const Value *e;
    int et = ET_FLOAT;
    if (s->has_dtype) {
        if (strcmp(s->dtype.str, "int8") == 0)
            et = ET_INT8;
        else if (strcmp(s->dtype.str, "uint8") == 0)
            et = ET_UINT8;
        else if (strcmp(s->dtype.str, "float") != 0)
            error_at(p, &s->dtype, "unknown input type '%s' (float, int8 or uint8)", shown(p, s->dtype.str));
    }
    if (!s->name.str[0])
        error_at(p, &s->name, "an input needs a name");
    if (s->shape->n > TC_MAX_RANK)
        error_at(p, &s->shape->tok, "rank %d exceeds the maximum of %d", s->shape->n, TC_MAX_RANK);
    id = new_tensor(p, &s->name, s->name.str);
    t = &g->t[id];
    /* as the ONNX front end: an int8/uint8 input of a quantized model is float storage
     * that qdq.c reads (run-time integers otherwise); float32 is ET_FLOAT there */
    if (p->quantized || et != ET_FLOAT)
        t->etype = et;
    if (et != ET_FLOAT && !p->quantized)
        t->dtype = DT_INT64;
    t->rank = 0;
    for (e = s->shape->items; e; e = e->next)
        t->dims[t->rank++] = int_value(p, e, 1, (int64_t)1 << 31, "a dimension");
    if (ir_numel(t) > (int64_t)(p->opt->max_bytes / 4))
        error_at(p, &s->shape->tok, "input '%s' has shape %s, more elements than the tensor size limit (--max-bytes %zu)",
                 shown(p, t->name), ir_shape_str(p->a, t), p->opt->max_bytes);
    t->input_index = g->n_inputs;
    g->inputs[g->n_inputs++] = id;
}

/*
 * The integer element types a constant may have: int64 (shapes, indices) and
 * those of a quantized model: int8 and uint8 (weights, zero points), int32
 * (biases). Returns the ET_* type (0 for int64, as the language always had it).
 */
static const struct {
    const char *word;
    int etype;
    int64_t lo, hi;
} int_types[] = {{"int64", 0, INT64_MIN, INT64_MAX},
                 {"int32", ET_INT32, INT32_MIN, INT32_MAX},
                 {"int8", ET_INT8, -128, 127},
                 {"uint8", ET_UINT8, 0, 255}};

static int int_type(const char *word)
{
    int k;
    for (k = 0; k < (int)(sizeof int_types / sizeof *int_types); k++)
        if (strcmp(int_types[k].word, word) == 0)
            return k;
    return -1;
}

/* Every number of inline value v (or every element of d, read from a file) within type k's range. */
static void check_range(Dsl *p, const Value *v, const Data *d, int k)
{
    const Value *e;
    int64_t j;
    if (v->kind == V_NUM) {
        if (v->tok.inum < int_types[k].lo || v->tok.inum > int_types[k].hi)
            error_at(p, &v->tok, "%s is outside %s's %lld .. %lld", found(p, &v->tok), int_types[k].word,
                     (long long)int_types[k].lo, (long long)int_types[k].hi);
        return;
    }
    if (v->kind == V_LIST) {
        for (e = v->items; e; e = e->next)
            check_range(p, e, NULL, k);
        return;
    }
    for (j = 0; d && j < d->n; j++)
        if (d->i[j] < int_types[k].lo || d->i[j] > int_types[k].hi)
            error_at(p, &v->items->tok, "'%s': element %lld is %lld, outside %s's %lld .. %lld",
                     shown(p, v->items->tok.str), (long long)j, (long long)d->i[j], int_types[k].word,
                     (long long)int_types[k].lo, (long long)int_types[k].hi);
}

/* const NAME [float|int64|int32|int8|uint8] [dims] = value */
static void build_const(Dsl *p, const Stmt *s)
{
    int want_int = 0, ik = -1;
    int64_t want[TC_MAX_RANK];
    const Value *e;
    int rank = 0;
    Data d;
    if (s->has_dtype) {
        ik = int_type(s->dtype.str);
        if (ik >= 0)
            want_int = 1;
        else if (strcmp(s->dtype.str, "float") != 0)
            error_at(p, &s->dtype, "unknown element type '%s' (float, int64, int32, int8 or uint8)",
                     shown(p, s->dtype.str));
    }
    if (!s->name.str[0])
        error_at(p, &s->name, "a constant needs a name");
    if (s->shape->n > TC_MAX_RANK)
        error_at(p, &s->shape->tok, "rank %d exceeds the maximum of %d", s->shape->n, TC_MAX_RANK);
    for (e = s->shape->items; e; e = e->next)
        want[rank++] = int_value(p, e, 0, (int64_t)1 << 31, "a dimension");
    if (s->value->kind == V_NUM && !(rank == 0)) {
        /* one number fills the shape */
        int64_t k, n = ir_dims_product(rank, want);
        inline_data(p, s->value, &d, want_int);
        charge(p, &s->value->tok, n);
        if (want_int) {
            d.i = arena_array(p->a, (size_t)n + 1, sizeof(int64_t));
            for (k = 0; k < n; k++)
                d.i[k] = s->value->tok.inum;
        } else {
            d.f = arena_array(p->a, (size_t)n + 1, sizeof(float));
            for (k = 0; k < n; k++)
                d.f[k] = s->value->tok.fnum;
        }
        d.rank = rank;
        memcpy(d.dims, want, sizeof want);
    } else {
        if (s->value->kind == V_NAME)
            error_at(p, &s->value->tok, "a constant's value is numbers in [...] or npy(\"file.npy\"), found %s",
                     found(p, &s->value->tok));
        value_data(p, s->value, &d, want_int, arena_printf(p->a, "'%s'", shown(p, s->name.str)));
        fit(p, &s->value->tok, &d, rank, want, arena_printf(p->a, "'%s'", shown(p, s->name.str)));
    }
    if (ik > 0) {
        check_range(p, s->value, &d, ik);
        d.etype = int_types[ik].etype;
    }
    const_tensor(p, &s->name, s->name.str, &d);
}

/* ---- the integer form: quantize int8(io=int8, samples=N), quant NAME int8(scale=S, zero_point=Z) ---- */

/* The value of key= in the statement's (...), each key at most once, no other keys or positional values. */
static const Value *qarg(Dsl *p, const Stmt *s, const char *keys, const char *key)
{
    const Arg *a, *b;
    const Value *v = NULL;
    for (a = s->args; a; a = a->next) {
        if (!a->has_key)
            error_at(p, &a->v->tok, "%s takes only key=value parameters (%s), found %s",
                     s->kind == S_QUANT ? "quant" : "quantize",
                     s->kind == S_QUANT ? "scale=, zero_point= and nonzero=" : "io= and samples=", found(p, &a->v->tok));
        if (!has_key(keys, a->key.str))
            error_at(p, &a->key, "%s has no parameter '%s' (it takes %s)", s->kind == S_QUANT ? "quant" : "quantize",
                     shown(p, a->key.str), s->kind == S_QUANT ? "scale=, zero_point= and nonzero=" : "io= and samples=");
        for (b = s->args; b != a; b = b->next)
            if (b->has_key && strcmp(b->key.str, a->key.str) == 0)
                error_at(p, &a->key, "parameter '%s' is given twice", shown(p, a->key.str));
        if (strcmp(a->key.str, key) == 0)
            v = a->v;
    }
    return v;
}

static void build_quantize(Dsl *p, const Stmt *s, DslQuant **dq)
{
    const Value *v;
    DslQuant *q;
    if (*dq)
        error_at(p, &s->at, "quantize is given twice");
    if (strcmp(s->dtype.str, "int8") != 0)
        error_at(p, &s->dtype, "unknown integer form '%s' (int8)", shown(p, s->dtype.str));
    if (p->quantized)
        error_at(p, &s->at, "the model is quantized already (QuantizeLinear, DequantizeLinear or QLinear layers) "
                            "and has its own scales; quantize int8 is for a float model");
    q = *dq = arena_alloc(p->a, sizeof *q);
    q->where = arena_printf(p->a, "%s:%d:%d", p->path, s->at.line, s->at.col);
    if ((v = qarg(p, s, "io samples", "io")) && !is_word(v, "int8"))
        error_at(p, &v->tok, "io expects int8 (the generated API's inputs and outputs as --io int8), found %s",
                 v->kind == V_LIST ? "a list" : found(p, &v->tok));
    q->io_int8 = v != NULL;
    if ((v = qarg(p, s, "io samples", "samples")))
        q->samples = int_value(p, v, 0, INT64_MAX, "samples");
}

/* One activation's parameters, checked; its tensor. */
static TensorId build_quant(Dsl *p, const Stmt *s, const DslQuant *dq, float **nonzero)
{
    const Value *sv, *zv, *nv2, nv = {V_NAME, {0}, NULL, NULL, NULL, 0};
    Value name = nv;
    TensorId id;
    float sc;
    if (!dq)
        error_at(p, &s->at, "quant needs 'quantize int8' above it (the model's integer form)");
    if (strcmp(s->dtype.str, "int8") != 0)
        error_at(p, &s->dtype, "unknown activation type '%s' (ticketc's integer activations are int8)",
                 shown(p, s->dtype.str));
    name.tok = s->name;
    id = lookup(p, &name);
    if (ir_is_const(&p->g->t[id]))
        error_at(p, &s->name, "'%s' is a constant; quant gives an activation's scale and zero point",
                 shown(p, s->name.str));
    sv = qarg(p, s, "scale zero_point nonzero", "scale");
    zv = qarg(p, s, "scale zero_point nonzero", "zero_point");
    if (!sv || !zv)
        error_at(p, &s->dtype, "quant needs scale= and zero_point=");
    sc = float_value(p, sv, "scale");
    if (!(sc > 0.0f) || sc < 0x1p-100f || sc > 0x1p100f)
        error_at(p, &sv->tok, "scale must be positive and finite, within 2^-100 .. 2^100, found %s", found(p, &sv->tok));
    int_value(p, zv, -128, 127, "zero_point");
    if ((nv2 = qarg(p, s, "scale zero_point nonzero", "nonzero"))) {
        /* how often each element was not 0 on the calibration samples: Cortex-M's by-input estimate */
        Data d;
        int64_t k;
        value_data(p, nv2, &d, 0, "nonzero");
        if (d.n != ir_numel(&p->g->t[id]))
            error_at(p, &nv2->tok, "nonzero has %lld values, '%s' %s has %lld elements", (long long)d.n,
                     shown(p, s->name.str), ir_shape_str(p->a, &p->g->t[id]), (long long)ir_numel(&p->g->t[id]));
        for (k = 0; k < d.n; k++)
            if (!(d.f[k] >= 0.0f && d.f[k] <= 1.0f))
                error_at(p, &nv2->tok, "nonzero: element %lld is %g, not a fraction from 0 to 1", (long long)k,
                         (double)d.f[k]);
        *nonzero = d.f;
    }
    return id;
}

/* The quant statements (nq of them, on tensors qid) into g->dsl_quant, per tensor, once every tensor is known. */
static void finish_quant(Dsl *p, DslQuant *dq, Stmt **qs, const TensorId *qid, float **qnz, int nq)
{
    Graph *g = p->g;
    Stmt **by = arena_array(p->a, g->nt + 1, sizeof *by);
    TensorId id;
    int k;
    for (k = 0; k < nq; k++) {
        if (by[qid[k]])
            error_at(p, &qs[k]->name, "quant '%s' is given twice (first at line %d)", shown(p, qs[k]->name.str),
                     by[qid[k]]->name.line);
        by[qid[k]] = qs[k];
    }
    dq->nt = g->nt;
    dq->given = arena_alloc(p->a, g->nt + 1);
    dq->scale = arena_array(p->a, g->nt + 1, sizeof(float));
    dq->zp = arena_array(p->a, g->nt + 1, sizeof(int32_t));
    dq->at = arena_array(p->a, g->nt + 1, sizeof(char *));
    dq->nonzero = arena_array(p->a, g->nt + 1, sizeof(float *));
    for (k = 0; k < nq; k++)
        dq->nonzero[qid[k]] = qnz[k];
    for (id = 0; id < g->nt; id++) {
        const Stmt *s = by[id];
        if (!s)
            continue;
        dq->given[id] = 1;
        dq->scale[id] = qarg(p, s, "scale zero_point nonzero", "scale")->tok.fnum;
        dq->zp[id] = (int32_t)qarg(p, s, "scale zero_point nonzero", "zero_point")->tok.inum;
        dq->at[id] = arena_printf(p->a, "%s:%d:%d", p->path, s->name.line, s->name.col);
    }
    g->dsl_quant = dq;
}

static void build(Dsl *p, const Token *eof)
{
    DslQuant *dq = NULL;
    Stmt **qs = arena_array(p->a, (size_t)p->n_stmts + 1, sizeof *qs);
    TensorId *qid = arena_array(p->a, (size_t)p->n_stmts + 1, sizeof *qid);
    float **qnz = arena_array(p->a, (size_t)p->n_stmts + 1, sizeof *qnz);
    int nq = 0;
    Graph *g = p->g;
    const Stmt *s;
    const Value *v;
    int k, n_in = 0;

    /* graph outputs first: folding must not fold them away */
    for (s = p->first; s; s = s->next) {
        if (s->kind == S_LAYER && strncmp(s->name.str, "onnx.", 5) == 0 && qdq_lookup(s->name.str + 5) >= 0)
            p->quantized = 1;
        if (s->kind == S_OUTPUT)
            p->n_outs += s->names->n;
        if (s->kind == S_INPUT)
            n_in++;
    }
    if (p->n_outs > 4096)
        error_at(p, eof, "more than 4096 outputs");
    p->outs = arena_array(p->a, (size_t)p->n_outs + 1, sizeof *p->outs);
    g->outputs = arena_array(p->a, (size_t)p->n_outs + 1, sizeof(TensorId));
    g->inputs = arena_array(p->a, (size_t)n_in + 1, sizeof(TensorId));
    for (s = p->first; s; s = s->next)
        if (s->kind == S_OUTPUT)
            for (v = s->names->items; v; v = v->next) {
                for (k = 0; k < g->n_outputs; k++)
                    if (strcmp(p->outs[k]->tok.str, v->tok.str) == 0)
                        error_at(p, &v->tok, "output '%s' is listed twice", shown(p, v->tok.str));
                p->outs[g->n_outputs] = v;
                g->outputs[g->n_outputs++] = TC_NONE;
            }
    p->n_outs = g->n_outputs;

    for (s = p->first; s; s = s->next) {
        switch (s->kind) {
        case S_OPSET:
            if (p->opset_seen++)
                error_at(p, &s->at, "opset is given twice");
            if (g->nn)
                error_at(p, &s->at, "opset must come before the first layer");
            g->opset = int_value(p, s->value, 1, TC_MAX_OPSET, "opset");
            break;
        case S_INPUT: build_input(p, s); break;
        case S_CONST: build_const(p, s); break;
        case S_LAYER: build_layer(p, s); break;
        case S_OUTPUT: break;
        case S_QUANTIZE: build_quantize(p, s, &dq); break;
        case S_QUANT:
            qid[nq] = build_quant(p, s, dq, &qnz[nq]);
            qs[nq++] = (Stmt *)s;
            break;
        }
    }
    if (dq)
        finish_quant(p, dq, qs, qid, qnz, nq);
    if (g->n_inputs == 0)
        error_at(p, eof, "the model has no input (input NAME [dims])");
    if (g->n_outputs == 0)
        error_at(p, eof, "the model has no output (output NAME)");
    for (k = 0; k < g->n_outputs; k++)
        if (g->outputs[k] == TC_NONE)
            error_at(p, &p->outs[k]->tok, "output '%s' is not defined", shown(p, p->outs[k]->tok.str));
}

Graph *dsl_load_buffer(const void *data, size_t len, const char *path, const LoadOptions *opt, Arena *a)
{
    Dsl *p = arena_alloc(a, sizeof *p);
    const char *slash = strrchr(path, '/');
    void *parser;
    Token t;

    p->a = a;
    p->opt = opt;
    p->path = arena_strdup(a, path);
    p->dir = slash ? arena_printf(a, "%.*s", (int)(slash - path + 1), path) : "";
    p->src = data;
    p->len = len;
    p->line = p->col = 1;
    p->g = ir_new(a);
    if (opt && opt->max_bytes)
        p->g->max_bytes = opt->max_bytes;
    p->g->source = arena_strdup(a, path);
    p->g->producer = "ticketc DSL";
    p->g->opset = 13;
    sha256_hex(data, len, p->g->sha256);
    if (len > opt->max_bytes)
        fatal("the model is larger than the limit of %zu bytes (--max-bytes)", opt->max_bytes);

    parser = dsl_parser_new(a, p);
    do {
        lex(p, &t);
        p->cur = t;
        DslParse(parser, t.type, t);
    } while (t.type != 0);
    build(p, &t);
    diag_set_file(p->path);
    qdq_rewrite(p->g); /* a quantized model's operators, as the ONNX front end does */
    return p->g;
}

Graph *dsl_load(const char *path, const LoadOptions *opt, Arena *a)
{
    return ir_load_file(path, opt, a, dsl_load_buffer);
}
