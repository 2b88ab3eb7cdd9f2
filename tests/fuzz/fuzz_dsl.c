/*
 * fuzz_dsl.c - libFuzzer harness: any bytes through the DSL front end (lexer,
 * Lemon parser, IR builder) and the whole pipeline to generated C. Bad input
 * must end in fatal() (caught here by diag_catch), never in a crash, a hang
 * or a sanitizer report. npy("...") in the input is refused.
 *
 * Inputs are mutated by tokens and lines (dsl_mutator.c) and as bytes,
 * with tests/fuzz/dsl.dict.
 *
 * Property checked on every input that loads: what --emit-dsl writes for
 * it (dsl_write into a private temporary directory) loads again, with as
 * many tensors and nodes; anything else aborts, which libFuzzer reports.
 *   make fuzz   (clang -fsanitize=fuzzer,address,undefined)
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* mkdtemp, opendir */
#endif
#include <dirent.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mutators.h"
#include "ticketc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

/* Numbers, names and lines of the text (dsl_mutator.c), or bytes. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    return dsl_mutate(data, size, max_size, seed);
}

static int dir_made;
static char dir[] = "/tmp/fuzz_dsl_XXXXXX";

/* Empties the temporary directory between runs. */
static void clean(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
}

static void remove_dir(void)
{
    clean();
    rmdir(dir);
}

/* dsl_write, then dsl_load of what it wrote: must succeed and match in size. */
static void round_trip(Graph *g)
{
    static jmp_buf jb2;
    LoadOptions lo; /* folding may have made constants bigger than the input's data */
    Arena *volatile b = arena_new();
    char path[512];
    uint32_t k;
    for (k = 0; k < g->nt; k++)
        if (ir_is_const(&g->t[k]) && ir_numel(&g->t[k]) > (1 << 16))
            goto done; /* keep the files small */
    memset(&lo, 0, sizeof lo);
    lo.max_bytes = (size_t)1 << 28;
    clean();
    dsl_write(g, dir);
    snprintf(path, sizeof path, "%s/model.tc", dir);
    dsl_allow_files(1);
    diag_catch(&jb2, 0);
    if (setjmp(jb2) == 0) {
        Graph *h = dsl_load(path, &lo, b);
        if (h->nt != g->nt || h->nn != g->nn || h->n_inputs != g->n_inputs || h->n_outputs != g->n_outputs) {
            fprintf(stderr, "fuzz_dsl: the written model reads back with %u tensors and %d nodes, not %u and %d\n",
                    h->nt, h->nn, g->nt, g->nn);
            abort();
        }
    } else {
        fprintf(stderr, "fuzz_dsl: what --emit-dsl wrote does not load again (%s)\n", path);
        abort();
    }
done:
    dsl_allow_files(0);
    arena_free(b);
}

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
        /* once per process (not by looking for the template's X: mkdtemp may put an X there) */
        if (!dir_made) {
            dir_made = 1;
            if (!mkdtemp(dir))
                abort();
            atexit(remove_dir);
        }
        round_trip(g);
        diag_catch(&jb, 1);
        check_attrs(g);
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
