/*
 * ticketc.y - the grammar of ticketc's model language (.tc files), for
 * Lemon. The language is described in docs/dsl.md. The parser is
 * generated into build/gen/dsl_parse.c by the Makefile, never committed.
 *
 * Every action is one call into compiler/dsl.c: the grammar only records
 * statements; dsl.c checks them and builds the IR. Newlines are plain
 * white space: every statement is self-delimiting.
 */

%name DslParse
%token_prefix TK_
%token_type {Token}
%default_type {Token}
%extra_context {Dsl *p}
%stack_size 128

%include {
#include <assert.h>
#include "dsl.h"
}

/* Report at the offending token, naming the tokens that would have fitted. */
%syntax_error {
    uint64_t want = 0;
    int i;
    for (i = 1; i < YYNTOKEN && i < 64; i++)
        if (yy_find_shift_action((YYCODETYPE)i, yypParser->yytos->stateno) != YY_ERROR_ACTION)
            want |= (uint64_t)1 << i;
    dsl_syntax_error(p, &TOKEN, want);
}
%stack_overflow { dsl_too_deep(p, NULL); }

/* the token codes, in the order dsl.c describes them */
%token INPUT OUTPUT CONST OPSET IDENT STRING NUMBER EQ COMMA LPAREN RPAREN LBRACKET RBRACKET QUANTIZE QUANT.

%type value {Value *}
%type list {Value *}
%type names {Value *}
%type shape {Value *}
%type arglist {Arg *}
%type arg {Arg *}

model ::= stmts.
stmts ::= .
stmts ::= stmts stmt.

stmt ::= OPSET(T) NUMBER(N).                               { dsl_opset(p, &T, &N); }
stmt ::= INPUT(T) name(N) shape(S).                        { dsl_input(p, &T, &N, NULL, S); }
stmt ::= INPUT(T) name(N) IDENT(D) shape(S).               { dsl_input(p, &T, &N, &D, S); }
stmt ::= OUTPUT(T) names(L).                               { dsl_output(p, &T, L); }
stmt ::= CONST(T) name(N) shape(S) EQ value(V).            { dsl_const(p, &T, &N, NULL, S, V); }
stmt ::= CONST(T) name(N) IDENT(D) shape(S) EQ value(V).   { dsl_const(p, &T, &N, &D, S, V); }
stmt ::= QUANTIZE(T) IDENT(D).                             { dsl_quantize(p, &T, &D, NULL); }
stmt ::= QUANTIZE(T) IDENT(D) LPAREN arglist(A) RPAREN.    { dsl_quantize(p, &T, &D, A); }
stmt ::= QUANT(T) name(N) IDENT(D) LPAREN arglist(A) RPAREN. { dsl_quant(p, &T, &N, &D, A); }
stmt ::= names(L) EQ IDENT(F) LPAREN RPAREN.               { dsl_layer(p, L, &F, NULL); }
stmt ::= names(L) EQ IDENT(F) LPAREN arglist(A) RPAREN.    { dsl_layer(p, L, &F, A); }

name(A) ::= IDENT(B).                                      { A = B; }
name(A) ::= STRING(B).                                     { A = B; }

names(L) ::= name(N).                                      { L = dsl_append(p, NULL, dsl_atom(p, V_NAME, &N)); }
names(L) ::= names(A) COMMA name(N).                       { L = dsl_append(p, A, dsl_atom(p, V_NAME, &N)); }

shape(S) ::= LBRACKET(B) RBRACKET.                         { S = dsl_list(p, &B, NULL); }
shape(S) ::= LBRACKET(B) list(L) RBRACKET.                 { S = dsl_list(p, &B, L); }

value(V) ::= NUMBER(T).                                    { V = dsl_atom(p, V_NUM, &T); }
value(V) ::= name(T).                                      { V = dsl_atom(p, V_NAME, &T); }
value(V) ::= LBRACKET(B) RBRACKET.                         { V = dsl_list(p, &B, NULL); }
value(V) ::= LBRACKET(B) list(L) RBRACKET.                 { V = dsl_list(p, &B, L); }
value(V) ::= IDENT(F) LPAREN list(L) RPAREN.               { V = dsl_call(p, &F, L); }

list(L) ::= value(V).                                      { L = dsl_append(p, NULL, V); }
list(L) ::= list(A) COMMA value(V).                        { L = dsl_append(p, A, V); }

arglist(A) ::= arg(B).                                     { A = dsl_args(p, NULL, B); }
arglist(A) ::= arglist(B) COMMA arg(C).                    { A = dsl_args(p, B, C); }
arg(A) ::= value(V).                                       { A = dsl_arg(p, NULL, V); }
arg(A) ::= IDENT(K) EQ value(V).                           { A = dsl_arg(p, &K, V); }

/* The parser lives in the compilation's arena: no malloc, no free. */
%code {
void *dsl_parser_new(Arena *a, Dsl *ctx)
{
    yyParser *y = arena_alloc(a, sizeof *y);
    DslParseInit(y, ctx);
    return y;
}
}
