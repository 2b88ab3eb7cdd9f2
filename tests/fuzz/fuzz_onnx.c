/*
 * fuzz_onnx.c - libFuzzer harness: any bytes through the ONNX front end and
 * the whole pipeline to generated C. Bad input must end in fatal() (caught
 * here by diag_catch), never in a crash, a hang or a sanitizer report.
 * Inputs are mutated as models (onnx_mutator.c: dims, names, nesting,
 * attributes, op types, opsets) and as bytes, with tests/fuzz/onnx.dict.
 * With -DFUZZ_SKIP_KNOWN, models nesting deeper than 1,000 messages are
 * skipped (issue 17, case 1: protobuf-c's decoder recurses without limit).
 *   make fuzz   (clang -fsanitize=fuzzer,address,undefined)
 */
#include <setjmp.h>

#include <string.h>

#include "mutators.h"
#include "ticketc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    return onnx_mutate(data, size, max_size, seed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jmp_buf jb;
    Arena *volatile a = arena_new();
    LoadOptions lo;
    Buf c = {0}, h = {0};

#ifdef FUZZ_SKIP_KNOWN
    if (onnx_nesting_depth(data, size, 1000) > 1000) {
        arena_free(a);
        return 0;
    }
#endif
    memset(&lo, 0, sizeof lo);
    lo.max_bytes = (size_t)1 << 22; /* keep each run small and fast */
    diag_catch(&jb, 1);
    if (setjmp(jb) == 0) {
        EmitOptions eo;
        Graph *g = onnx_load_buffer(data, size, "fuzz.onnx", &lo, a);
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
