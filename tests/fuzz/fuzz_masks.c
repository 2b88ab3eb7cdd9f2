/*
 * fuzz_masks.c - libFuzzer harness for the mask loaders: the first byte
 * picks the reader (even: one .npy image, odd: an .npz archive), the rest is
 * the file. Bad input must end in fatal() (caught by diag_catch), never in a
 * crash, a hang or a sanitizer report; good input must decode to values that
 * are all finite or NaN/Inf (never uninitialised: UBSan/ASan watch that).
 *   make fuzz   (clang -fsanitize=fuzzer,address,undefined)
 */
#include <setjmp.h>

#include <string.h>

#include "ticketc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile float sink;

static void touch(const NpyArray *arr)
{
    int64_t n = 1, i;
    int d;
    for (d = 0; d < arr->rank; d++)
        n *= arr->dims[d];
    for (i = 0; i < n; i++)
        sink += arr->v[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jmp_buf jb;
    Arena *volatile a = arena_new();

    if (size < 1) {
        arena_free(a);
        return 0;
    }
    diag_catch(&jb, 1);
    if (setjmp(jb) == 0) {
        if (data[0] % 2 == 0) {
            NpyArray arr;
            npy_parse(data + 1, size - 1, "fuzz.npy", &arr, a);
            touch(&arr);
        } else {
            NpyArray *arr;
            int n = npz_parse(data + 1, size - 1, "fuzz.npz", &arr, a, (size_t)1 << 26), i;
            for (i = 0; i < n; i++)
                touch(&arr[i]);
        }
    }
    arena_free(a);
    return 0;
}
