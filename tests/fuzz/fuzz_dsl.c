/*
 * fuzz_dsl.c - libFuzzer harness: any bytes through the DSL front end (lexer,
 * Lemon parser, IR builder) and the whole pipeline to generated C, then the
 * graph written back with dsl_write's text (no files: npy() is refused).
 * Bad input must end in fatal() (caught here by diag_catch), never in a
 * crash, a hang or a sanitizer report.
 *   make fuzz   (clang -fsanitize=fuzzer,address,undefined)
 */
#include <setjmp.h>
#include <string.h>

#include "ticketc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jmp_buf jb;
    Arena *volatile a = arena_new();
    LoadOptions lo;
    Buf c = {0}, h = {0};

    memset(&lo, 0, sizeof lo);
    lo.max_bytes = (size_t)1 << 22; /* keep each run small and fast */
    dsl_allow_files(0);
    diag_catch(&jb, 1);
    if (setjmp(jb) == 0) {
        EmitOptions eo;
        Graph *g = dsl_load_buffer(data, size, "fuzz.tc", &lo, a);
        infer_shapes(g);
        fold_constants(g);
        remove_dead(g);
        fuse_activations(g);
        plan_memory(g);
        memset(&eo, 0, sizeof eo);
        eo.prefix = "fuzz";
        eo.options = "";
        eo.max_terms = 64;
        eo.partial_sums = 4;
        eo.with_main = 1;
        emit_c(g, &eo, &c, &h);
    }
    buf_free(&c);
    buf_free(&h);
    arena_free(a);
    return 0;
}
