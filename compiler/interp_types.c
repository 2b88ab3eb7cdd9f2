/*
 * interp_types.c - the reference interpreter's view of integer and bool
 * graph inputs and outputs (issue 18): raw little-endian values of the
 * tensor's ONNX type outside, int64 inside (as every integer tensor of the
 * IR is stored). --interpret and interp_run read and write them this way,
 * as the generated --main driver does. uint64 is stored in int64 bits: what
 * orders, divides or converts it goes through interp_iord and interp_idbl.
 */
#include <string.h>

#include "ticketc.h"

size_t ir_elem_bytes(const Tensor *t)
{
    if (t->dtype == DT_FLOAT)
        return 4;
    switch (tensor_etype(t)) {
    case ET_INT8: case ET_UINT8: case ET_BOOL: return 1;
    case ET_INT16: case ET_UINT16: return 2;
    case ET_INT32: case ET_UINT32: return 4;
    default: return 8;
    }
}

/* Little-endian bytes p of an element of t's type, as int64 (sign- or zero-extended). */
static int64_t raw_get(const Tensor *t, const unsigned char *p)
{
    uint64_t u = 0;
    size_t k, nb = ir_elem_bytes(t);
    int et = tensor_etype(t);
    for (k = 0; k < nb; k++)
        u |= (uint64_t)p[k] << (8 * k);
    if (et == ET_BOOL)
        return u != 0;
    if ((et == ET_INT8 || et == ET_INT16 || et == ET_INT32) && nb < 8 && (u >> (8 * nb - 1)) & 1)
        u |= ~(uint64_t)0 << (8 * nb); /* sign extension */
    return (int64_t)u;
}

int64_t *interp_raw_in(Graph *g, const Tensor *t, const void *raw)
{
    int64_t i, n = ir_numel(t), *v = arena_array(g->a, (size_t)n + 1, sizeof(int64_t));
    size_t nb = ir_elem_bytes(t);
    for (i = 0; i < n; i++)
        v[i] = raw_get(t, (const unsigned char *)raw + (size_t)i * nb);
    return v;
}

void interp_raw_out(const Tensor *t, const int64_t *v, void *raw)
{
    int64_t i, n = ir_numel(t);
    size_t k, nb = ir_elem_bytes(t);
    for (i = 0; i < n; i++) {
        uint64_t u = (uint64_t)v[i];
        for (k = 0; k < nb; k++)
            ((unsigned char *)raw)[(size_t)i * nb + k] = (unsigned char)(u >> (8 * k));
    }
}

int64_t interp_iord(int et, int64_t v)
{
    return et == ET_UINT64 ? (int64_t)((uint64_t)v ^ ((uint64_t)1 << 63)) : v;
}

double interp_idbl(int et, int64_t v)
{
    return et == ET_UINT64 ? (double)(uint64_t)v : (double)v;
}

/* Two's complement wrapping, as numpy's astype and C's conversions on every target of ticketc. */
void interp_iwrap(const Tensor *t, int64_t *v)
{
    int64_t i, n = ir_numel(t);
    int et = tensor_etype(t);
    if (t->dtype == DT_FLOAT || et == ET_INT64 || et == ET_UINT64)
        return;
    for (i = 0; i < n; i++) {
        uint64_t u = (uint64_t)v[i];
        switch (et) {
        case ET_BOOL: v[i] = u != 0; break;
        case ET_UINT8: v[i] = (int64_t)(uint8_t)u; break;
        case ET_INT8: v[i] = (int64_t)(int8_t)(uint8_t)u; break;
        case ET_UINT16: v[i] = (int64_t)(uint16_t)u; break;
        case ET_INT16: v[i] = (int64_t)(int16_t)(uint16_t)u; break;
        case ET_UINT32: v[i] = (int64_t)(uint32_t)u; break;
        case ET_INT32: v[i] = (int64_t)(int32_t)(uint32_t)u; break;
        default: break;
        }
    }
}

int64_t interp_upow(int64_t b, uint64_t e)
{
    uint64_t r = 1, x = (uint64_t)b;
    while (e) {
        if (e & 1)
            r *= x;
        x *= x;
        e >>= 1;
    }
    return (int64_t)r;
}
