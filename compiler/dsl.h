/*
 * dsl.h - private to the DSL front end: what the hand-written lexer and
 * builder (dsl.c) share with the Lemon grammar (grammar/ticketc.y, whose
 * parser is generated into build/gen/dsl_parse.c).
 *
 * The grammar's actions are one-line calls into dsl.c. They only record
 * statements; dsl.c builds the IR from them once the whole file has
 * parsed, so every statement knows which tensors are graph outputs.
 */
#ifndef DSL_H
#define DSL_H

#include "ticketc.h"

/* A token and where it starts in the file (1-based line and column). */
typedef struct {
    int type;           /* TK_* from the generated dsl_parse.h, 0 at end of file */
    const char *s;      /* the token's text in the source */
    int len;
    int line, col;
    char *str;          /* TK_IDENT and TK_STRING: the name, decoded */
    double num;         /* TK_NUMBER */
    float fnum;         /* TK_NUMBER, read directly as a float (no double rounding) */
    int is_int;         /* TK_NUMBER written without '.' or exponent */
    int64_t inum;       /* TK_NUMBER with is_int: its exact value */
} Token;

/* A value on the right of '=' or in a call: number, name, [list], f(list). */
typedef enum { V_NUM, V_NAME, V_LIST, V_CALL } ValueKind;

typedef struct Value Value;
struct Value {
    ValueKind kind;
    Token tok;          /* the number, the name, the '[' or the call's name */
    Value *items;       /* V_LIST, V_CALL: the first element */
    Value *last;        /* while a list grows: its last element */
    Value *next;        /* the next element of the enclosing list */
    int n;              /* number of elements */
};

/* One argument of a layer: positional (no key) or key=value. */
typedef struct Arg Arg;
struct Arg {
    Token key;
    int has_key;
    Value *v;
    Arg *next;
    Arg *tail;          /* on the first argument: the last one */
};

typedef enum { S_OPSET, S_INPUT, S_OUTPUT, S_CONST, S_LAYER, S_QUANTIZE, S_QUANT } StmtKind;

typedef struct Stmt Stmt;
struct Stmt {
    StmtKind kind;
    Token at;           /* the statement's first token */
    Token name;         /* input, const: the tensor; layer: the layer's name */
    Token dtype;        /* const, input: optional element type; quantize, quant: int8 */
    int has_dtype;
    Value *names;       /* output, layer: the list of tensor names */
    Value *shape;       /* input, const */
    Value *value;       /* opset, const */
    Arg *args;          /* layer; quantize, quant: the parameters in (...) */
    Stmt *next;
};

typedef struct Dsl Dsl;

/* ---- called by the grammar's actions ---- */
void dsl_opset(Dsl *p, const Token *at, const Token *num);
void dsl_input(Dsl *p, const Token *at, const Token *name, const Token *dtype, Value *shape);
void dsl_output(Dsl *p, const Token *at, Value *names);
void dsl_const(Dsl *p, const Token *at, const Token *name, const Token *dtype, Value *shape, Value *value);
void dsl_layer(Dsl *p, Value *names, const Token *layer, Arg *args);
void dsl_quantize(Dsl *p, const Token *at, const Token *type, Arg *args);
void dsl_quant(Dsl *p, const Token *at, const Token *name, const Token *type, Arg *args);
Value *dsl_atom(Dsl *p, ValueKind kind, const Token *t);
Value *dsl_list(Dsl *p, const Token *open, Value *items);
Value *dsl_call(Dsl *p, const Token *fn, Value *items);
Value *dsl_append(Dsl *p, Value *list, Value *item);
Arg *dsl_arg(Dsl *p, const Token *key, Value *v);
Arg *dsl_args(Dsl *p, Arg *list, Arg *a);
/* expected: bit k set when token type k would have been accepted */
void dsl_syntax_error(Dsl *p, const Token *found, uint64_t expected) TC_NORETURN;
void dsl_too_deep(Dsl *p, const Token *at) TC_NORETURN;

/* ---- the generated parser (build/gen/dsl_parse.c) ---- */
void *dsl_parser_new(Arena *a, Dsl *p);
void DslParse(void *parser, int type, Token tok);

#endif
