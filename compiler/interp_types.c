/*
 * interp_types.c - the reference interpreter's view of integer and bool
 * graph inputs and outputs (issue 18): raw little-endian values of the
 * tensor's ONNX type outside, int64 inside (as every integer tensor of the
 * IR is stored). --interpret and interp_run read and write them this way,
 * as the generated --main driver does. uint64 is stored in int64 bits: what
 * orders, divides or converts it goes through interp_iord and interp_idbl.
 *
 * Double, float16 and bfloat16 graph inputs and outputs are float tensors
 * inside (ticketc computes in float32: no libm, microcontroller targets):
 * converted to float on entry, and from float on exit, to nearest with ties
 * to even; a Cast to float16 or bfloat16 rounds to that precision. Float16 and
 * bfloat16 travel as their raw bits (uint16_t), double as double.
 */
#include <stdio.h>
#include <string.h>

#include "ticketc.h"

size_t ir_elem_bytes(const Tensor *t)
{
    if (t->dtype == DT_FLOAT)
        return tensor_etype(t) == ET_DOUBLE ? 8 : tensor_etype(t) == ET_FLOAT16 || tensor_etype(t) == ET_BFLOAT16 ? 2 : 4;
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

/* ---- double, float16 and bfloat16 at the interface ---- */

static float f32_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* float16: sign, 5 exponent bits (bias 15), 10 fraction bits; exponent 0 holds
 * zero and the subnormals m * 2^-24, exponent 31 infinity and NaN. */
float f16_to_float(uint16_t h)
{
    uint32_t s = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0x1f)
        return f32_of(s | 0x7f800000u | (m << 13));
    if (e)
        return f32_of(s | ((e + 112) << 23) | (m << 13));
    if (!m)
        return f32_of(s);
    for (e = 113; !(m & 0x400u); e--) /* a subnormal: normalised */
        m <<= 1;
    return f32_of(s | (e << 23) | ((m & 0x3ffu) << 13));
}

/* Round to nearest, ties to even: the 13 (or, for a subnormal result, more)
 * fraction bits float has beyond float16 decide; a carry out of the fraction
 * steps the exponent, up to infinity (65520 and beyond). */
uint16_t float_to_f16(float f)
{
    uint32_t u = bits_of(f), s = (u >> 16) & 0x8000u, e = (u >> 23) & 0xffu, m = u & 0x7fffffu, h, r, sh;
    if (e == 0xff) /* infinity; NaN stays a (quiet) NaN */
        return (uint16_t)(s | 0x7c00u | (m ? 0x200u | (m >> 13) : 0));
    if (e >= 143) /* 2^16 and beyond */
        return (uint16_t)(s | 0x7c00u);
    if (e >= 113) { /* a normal float16 */
        h = ((e - 112) << 10) | (m >> 13);
        r = m & 0x1fffu;
        return (uint16_t)(s | (h + (r > 0x1000u || (r == 0x1000u && (h & 1)))));
    }
    if (e < 102) /* below half the smallest subnormal (2^-25): zero */
        return (uint16_t)s;
    m |= 0x800000u;
    sh = 126 - e; /* value / 2^-24 = m >> sh */
    h = m >> sh;
    r = m & ((1u << sh) - 1);
    return (uint16_t)(s | (h + (r > (1u << (sh - 1)) || (r == (1u << (sh - 1)) && (h & 1)))));
}

/* double to float from the bits, to nearest with ties to even, as the generated code's
 * tc_f64_to_f32 (C leaves a conversion outside float's range undefined): beyond the
 * range, infinity; below 2^-150, zero; NaN stays a quiet NaN. */
float f64_to_float(double d)
{
    uint64_t u, m, rest, half;
    uint32_t s, e, r, sh;
    memcpy(&u, &d, 8);
    s = (uint32_t)(u >> 32) & 0x80000000u;
    e = (uint32_t)(u >> 52) & 0x7ffu;
    m = u & 0xfffffffffffffu;
    if (e == 0x7ff)
        return f32_of(s | 0x7f800000u | (m ? 0x400000u | (uint32_t)(m >> 29) : 0));
    if (e >= 1151)
        return f32_of(s | 0x7f800000u);
    if (e >= 897) {
        r = ((e - 896) << 23) | (uint32_t)(m >> 29);
        rest = m & 0x1fffffffu;
        return f32_of(s | (r + (rest > 0x10000000u || (rest == 0x10000000u && (r & 1)))));
    }
    if (e < 870)
        return f32_of(s);
    m |= (uint64_t)1 << 52;
    sh = 926 - e; /* value / 2^-149 = m >> sh */
    half = (uint64_t)1 << (sh - 1);
    rest = m & ((half << 1) - 1);
    r = (uint32_t)(m >> sh);
    return f32_of(s | (r + (rest > half || (rest == half && (r & 1)))));
}

/* bfloat16: float's upper 16 bits. */
float bf16_to_float(uint16_t h)
{
    return f32_of((uint32_t)h << 16);
}

uint16_t float_to_bf16(float f)
{
    uint32_t u = bits_of(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) /* NaN stays a (quiet) NaN */
        return (uint16_t)((u >> 16) | 0x40u);
    return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

float et_round(int et, float v)
{
    if (et == ET_FLOAT16)
        return f16_to_float(float_to_f16(v));
    if (et == ET_BFLOAT16)
        return bf16_to_float(float_to_bf16(v));
    return v;
}

static const char *conv_name(int et)
{
    return et == ET_DOUBLE ? "double" : et == ET_FLOAT16 ? "float16" : "bfloat16";
}

int io_etype(const Graph *g, TensorId id)
{
    const Tensor *t = &g->t[id];
    int et = t->etype;
    if (et == ET_DOUBLE || et == ET_FLOAT16 || et == ET_BFLOAT16) {
        if (t->dtype != DT_FLOAT)
            fatal("graph %s '%s' is declared %s, and the model computes integer values for it",
                  t->input_index >= 0 ? "input" : "output", diag_escape(g->a, t->name), conv_name(et));
        return et;
    }
    return tensor_etype(t);
}

int io_converted(const Graph *g, TensorId id)
{
    int et;
    if (g->t[id].input_index < 0 && g->t[id].output_index < 0) /* inside the graph: float */
        return 0;
    et = io_etype(g, id);
    return et == ET_DOUBLE || et == ET_FLOAT16 || et == ET_BFLOAT16;
}

float *interp_raw_in_float(Graph *g, const Tensor *t, const void *raw)
{
    int64_t i, n = ir_numel(t);
    float *v = arena_array(g->a, (size_t)n + 1, sizeof(float));
    const unsigned char *p = raw;
    int et = tensor_etype(t);
    for (i = 0; i < n; i++) {
        if (et == ET_DOUBLE) {
            uint64_t u = 0;
            double d;
            int k;
            for (k = 0; k < 8; k++)
                u |= (uint64_t)p[8 * i + k] << (8 * k);
            memcpy(&d, &u, 8);
            v[i] = f64_to_float(d);
        } else {
            uint16_t h = (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
            v[i] = et == ET_FLOAT16 ? f16_to_float(h) : bf16_to_float(h);
        }
    }
    return v;
}

void interp_raw_out_float(const Tensor *t, const float *v, void *raw)
{
    int64_t i, n = ir_numel(t);
    unsigned char *p = raw;
    int et = tensor_etype(t);
    for (i = 0; i < n; i++) {
        if (et == ET_DOUBLE) {
            double d = v[i];
            uint64_t u;
            int k;
            memcpy(&u, &d, 8);
            for (k = 0; k < 8; k++)
                p[8 * i + k] = (unsigned char)(u >> (8 * k));
        } else {
            uint16_t h = et == ET_FLOAT16 ? float_to_f16(v[i]) : float_to_bf16(v[i]);
            p[2 * i] = (unsigned char)h;
            p[2 * i + 1] = (unsigned char)(h >> 8);
        }
    }
}

void print_io_precision(const Graph *g, FILE *f)
{
    int k;
    for (k = 0; k < g->n_inputs + g->n_outputs; k++) {
        TensorId id = k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs];
        int et;
        if (!io_converted(g, id))
            continue;
        et = io_etype(g, id);
        fprintf(f, "%s %s '%s' is %s: converted %s float32 on %s; computed in float32 inside (%s)\n",
                k < g->n_inputs ? "input" : "output", text_num(g->a, k < g->n_inputs ? k : k - g->n_inputs),
                text_comment(g->a, g->t[id].name), conv_name(et), k < g->n_inputs ? "to" : "from",
                k < g->n_inputs ? "entry" : "exit, to nearest even",
                et == ET_DOUBLE ? "relative error about 6e-8 per operation, not double's 1e-16"
                                : "exact where each operation's float32 result is representable; otherwise rounded once, "
                                  "at the output, not after every operation");
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
