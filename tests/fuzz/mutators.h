/*
 * mutators.h - structure-aware mutation for the libFuzzer harnesses:
 * ONNX model images (onnx_mutator.c) and .tc text (dsl_mutator.c).
 * Not part of ticketc.
 */
#ifndef FUZZ_MUTATORS_H
#define FUZZ_MUTATORS_H

#include <stddef.h>
#include <stdint.h>

/* Mutates the model image data[0..size) in place (at most max_size bytes):
 * decodes it as an onnx.ModelProto, changes it structurally, encodes it
 * again; falls back to LLVMFuzzerMutate on the bytes when it does not
 * decode. Returns the new size. */
size_t onnx_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

/* How deeply the protobuf messages of a ModelProto image nest (wire-format
 * scan guided by the schema, no unpacking); stops counting above limit and
 * returns limit + 1 then. */
int onnx_nesting_depth(const uint8_t *data, size_t size, int limit);

/* Mutates .tc text in place: numbers, names, lines, added statements
 * (dsl_mutator.c); LLVMFuzzerMutate for the rest. Returns the new size. */
size_t dsl_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

#endif
