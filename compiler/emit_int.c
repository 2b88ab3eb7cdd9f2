/*
 * emit_int.c - the integer family of the back end (--quantize int8): the
 * whole C file of a quantised graph. The float inputs are quantised on
 * entry and the outputs dequantised on exit; everything between is int8
 * values, int32 sums and the 32-bit requantisation below: no float, no
 * division, no 64-bit arithmetic, no library call, so the same bits come
 * out on every target (a Cortex-M0 included). Each Gemm/MatMul takes the
 * form plan_int_strategies chose:
 *   unrolled  one line per kept weight, the weight an integer literal
 *   loop      per output channel a count, then (step, weight) byte pairs:
 *             the input pointer advances by step, acc += weight * *p
 *   dense     an N x K int8 table
 * A Conv (group 1) takes the loop form below (a loop over its kept taps),
 * or unrolled or dense (emit_int_conv.c); MaxPool
 * compares int8 values of one scale. The values are those of interp_int.c, which the tests compare bit for bit.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

/*
 * The helpers every integer file carries. tc_rq is interp_int_requant
 * (TFLite's MultiplyByQuantizedMultiplier, formula there); its product
 * a * m is 64-bit where the target has a 32 x 32 -> 64 multiply, and on
 * ARMv6-M/ARMv8-M baseline, which would call __aeabi_lmul for it, built in
 * 32-bit operations: |acc| * m (< 2^62) from 16-bit halves into hi:lo, the
 * nudge added (2^30, or 2^30 - 1 for a negative acc, which is the
 * truncating division of -(p) + 1 - 2^30), and bits 31..62 taken;
 * the rounding shift uses only unsigned shifts (no implementation-defined
 * shift of a negative number). tc_q8 is interp_int_quantize; tc_dq builds
 * the bits of the IEEE product (float)d * scale that interp_int_run computes
 * in float. So even the ends need no float arithmetic: on a Cortex-M0 the
 * object calls no soft-float helper.
 */
static const char int_helpers[] =
    "/* TFLite's MultiplyByQuantizedMultiplier(acc, m, s) with m in [2^30, 2^31) or 0:\n"
    " *   SRDHM(a, m)  = (a * m + (a * m >= 0 ? 2^30 : 1 - 2^30)) / 2^31, truncated (64-bit product)\n"
    " *   RDBPOT(x, e) = (x >> e) + ((x & (2^e - 1)) > ((2^e - 1) >> 1) + (x < 0))\n"
    " *   result       = RDBPOT(SRDHM(sat32(acc * 2^max(s, 0)), m), max(-s, 0))\n"
    " * SRDHM with a 64-bit product where the target multiplies 32 x 32 -> 64 itself; on a\n"
    " * Cortex-M0/M0+/M23 (or with -DTC_RQ_32) in 32-bit operations only: |a| * m from 16-bit\n"
    " * halves into hi:lo, plus 2^30 (2^30 - 1 for a negative a), bits 31..62. Same bits. */\n"
    "#if defined(__ARM_ARCH_6M__) || defined(__ARM_ARCH_8M_BASE__) || defined(TC_RQ_32)\n"
    "static int32_t tc_srdhm(int32_t acc, int32_t m)\n"
    "{\n"
    "    uint32_t u, ul, uh, ml, mh, lo, hi, t, c;\n"
    "    int32_t a;\n"
    "    int neg = acc < 0;\n"
    "\n"
    "    u = neg ? 0u - (uint32_t)acc : (uint32_t)acc;\n"
    "    ul = u & 0xffffu;\n"
    "    uh = u >> 16;\n"
    "    ml = (uint32_t)m & 0xffffu;\n"
    "    mh = (uint32_t)m >> 16;\n"
    "    lo = ul * ml;\n"
    "    hi = uh * mh;\n"
    "    t = uh * ml + ul * mh;\n"
    "    hi += t >> 16;\n"
    "    t <<= 16;\n"
    "    lo += t;\n"
    "    hi += lo < t;\n"
    "    c = neg ? 0x3fffffffu : 0x40000000u;\n"
    "    lo += c;\n"
    "    hi += lo < c;\n"
    "    a = (int32_t)(hi << 1 | lo >> 31);\n"
    "    return neg ? -a : a;\n"
    "}\n"
    "#else\n"
    "/* floor((a * m + 2^30) / 2^31): the truncating form above for either sign, in one\n"
    " * multiply-add (SMULL, ADDS, ADC and two shifts on a Cortex-M4) */\n"
    "static int32_t tc_srdhm(int32_t acc, int32_t m)\n"
    "{\n"
    "    return (int32_t)(uint32_t)((uint64_t)((int64_t)acc * m + ((int64_t)1 << 30)) >> 31);\n"
    "}\n"
    "#endif\n"
    "\n"
    "/* RDBPOT rounds half away from zero: sign(a) * ((|a| + 2^(e - 1)) >> e), in unsigned\n"
    " * arithmetic without a branch (|a| <= 2^31, e <= 31: no overflow). Inlined into tc_out8\n"
    " * (GNU C): a call less per output channel. */\n"
    "#if defined(__GNUC__)\n"
    "__attribute__((always_inline)) static inline\n"
    "#else\n"
    "static\n"
    "#endif\n"
    "int32_t tc_rq(int32_t acc, int32_t m, int s)\n"
    "{\n"
    "    uint32_t a, sg;\n"
    "\n"
    "    if (s > 0) {\n"
    "        if (acc > (int32_t)(0x7fffffffu >> s))\n"
    "            acc = 0x7fffffff;\n"
    "        else if (acc < -(int32_t)(0x80000000u >> s))\n"
    "            acc = -0x7fffffff - 1;\n"
    "        else\n"
    "            acc = (int32_t)((uint32_t)acc << s);\n"
    "        s = 0;\n"
    "    }\n"
    "    a = (uint32_t)tc_srdhm(acc, m);\n"
    "    if (s == 0)\n"
    "        return (int32_t)a;\n"
    "    s = -s;\n"
    "    sg = 0u - (a >> 31);\n"
    "    a = (((a ^ sg) - sg) + (1u << (s - 1))) >> s;\n"
    "    return (int32_t)((a ^ sg) - sg);\n"
    "}\n"
    "\n"
    "/* y = clamp(zp + clamp(rq(acc), -256, 255), lo, hi): lo is zp where a ReLU is fused\n"
    " * (-256 rather than -255 gives the same y, lo >= -128 >= -256 + zp, and an SSAT); unused\n"
    " * where every layer requantises in a loop of its own (tc_out8i, tc_out8p) */\n"
    "#if defined(__GNUC__)\n"
    "__attribute__((unused))\n"
    "#endif\n"
    "static int8_t tc_out8(int32_t acc, int32_t m, int s, int32_t zp, int32_t lo, int32_t hi)\n"
    "{\n"
    "    int32_t v = tc_rq(acc, m, s);\n"
    "\n"
    "    v = v > 255 ? 255 : v;\n"
    "    v = v < -256 ? -256 : v;\n"
    "    v += zp;\n"
    "    v = v > hi ? hi : v;\n"
    "    return (int8_t)(v < lo ? lo : v);\n"
    "}\n"
    "\n"
    "";

/* Quantising float inputs and dequantising outputs: all but --io int8 without --main. */
static const char int_io_helpers[] =
    "/* Graph inputs to int8, on the bits of x = +-f * 2^(e - 150):\n"
    " *   q = clamp(zp + rq(+-f, inv_m, e - 150 + inv_s), -128, 127), 1 / scale = inv_m * 2^(inv_s - 31)\n"
    " * (shift capped at 30; below -31 |x / scale| < 2^-8); NaN and -inf give -128, +inf 127. */\n"
    "static int8_t tc_q8(float x, int32_t inv_m, int inv_s, int32_t zp)\n"
    "{\n"
    "    union { float f; uint32_t u; } b;\n"
    "    uint32_t f;\n"
    "    int e;\n"
    "\n"
    "    b.f = x;\n"
    "    e = (int)(b.u >> 23 & 0xffu);\n"
    "    f = b.u & 0x7fffffu;\n"
    "    if (e == 255)\n"
    "        return (int8_t)(f || b.u >> 31 ? -128 : 127);\n"
    "    if (e)\n"
    "        f |= 0x800000u;\n"
    "    else\n"
    "        e = 1;\n"
    "    e = e - 150 + inv_s;\n"
    "    if (e < -31)\n"
    "        return (int8_t)zp;\n"
    "    if (e > 30)\n"
    "        e = 30;\n"
    "    return tc_out8(b.u >> 31 ? -(int32_t)f : (int32_t)f, inv_m, e, zp, -128, 127);\n"
    "}\n"
    "\n"
    "/* tc_q8 through the FPU where there is one (GNU C on x86 SSE, AArch64, ARM with a\n"
    " * single-precision FPU; not with -ffast-math or -DTC_Q8_INT), the same bits: with inv =\n"
    " * (float)(1 / scale), y = x * inv is within |y| * 2^-23 (< 1.3e-4) of r = x / scale; k is\n"
    " * y rounded to an integer (y + 1.5 * 2^23 - 1.5 * 2^23, exact for |y| < 2^22). Where\n"
    " * |y - k| + |y| / 2048 < 0.499 (so |r| < 2^10), r lies within 0.4992 of k and tc_q8 gives\n"
    " * zp + k: its two roundings (the multiply at 2^-e, e >= 13 for |r| < 2^10, then the shift)\n"
    " * move r by at most 2^-14. Anything else (near a half, large, NaN, infinite) takes tc_q8. */\n"
    "#if defined(__GNUC__) && !defined(TC_Q8_INT) && !defined(__FAST_MATH__) && \\\n"
    "    (defined(__SSE_MATH__) || defined(__aarch64__) || (defined(__ARM_FP) && (__ARM_FP & 4)))\n"
    "#define TC_Q8_FP 1\n"
    "#else\n"
    "#define TC_Q8_FP 0\n"
    "#endif\n"
    "#if defined(__GNUC__)\n"
    "__attribute__((unused)) /* where a by-input layer quantises its float input itself */\n"
    "#endif\n"
    "static int8_t tc_q8f(float x, float inv, int32_t inv_m, int inv_s, int32_t zp)\n"
    "{\n"
    "#if TC_Q8_FP\n"
    "    union { float f; int32_t i; } t;\n"
    "    float y = x * inv, k;\n"
    "\n"
    "    t.f = y + 12582912.0f;\n"
    "    k = t.f - 12582912.0f;\n"
    "    if (inv_s <= 30 && __builtin_fabsf(y - k) + __builtin_fabsf(y) * (1.0f / 2048) < 0.499f) {\n"
    "        int32_t v = t.i - (0x4b400000 - zp); /* k + zp, from the bits of 1.5 * 2^23 + k */\n"
    "\n"
    "#if defined(__ARM_FEATURE_SAT)\n"
    "        return (int8_t)__builtin_arm_ssat(v, 8);\n"
    "#else\n"
    "        v = v > 127 ? 127 : v;\n"
    "        return (int8_t)(v < -128 ? -128 : v);\n"
    "#endif\n"
    "    }\n"
    "#else\n"
    "    (void)inv;\n"
    "#endif\n"
    "    return tc_q8(x, inv_m, inv_s, zp);\n"
    "}\n"
    "\n"
    "/* Outputs: y = (float)d * scale, d = q - zp, rounded to nearest even as an IEEE multiply\n"
    " * rounds it, in integers: scale = ms * 2^(es - 150), ms in [2^23, 2^24). */\n"
    "static float tc_dq(int32_t d, uint32_t ms, int es)\n"
    "{\n"
    "    union { float f; uint32_t u; } b;\n"
    "    uint32_t p, sign = 0, rest, half;\n"
    "    int t = 31, sh;\n"
    "\n"
    "    if (d == 0) {\n"
    "        b.u = 0;\n"
    "        return b.f;\n"
    "    }\n"
    "    if (d < 0) {\n"
    "        sign = 0x80000000u;\n"
    "        d = -d;\n"
    "    }\n"
    "    p = (uint32_t)d * ms;\n"
    "    while (!(p >> t))\n"
    "        t--;\n"
    "    sh = t - 23;\n"
    "    if (sh > 0) {\n"
    "        rest = p & ((1u << sh) - 1u);\n"
    "        half = 1u << (sh - 1);\n"
    "        p >>= sh;\n"
    "        if (rest > half || (rest == half && (p & 1u)))\n"
    "            p++;\n"
    "        if (p >> 24) {\n"
    "            p >>= 1;\n"
    "            sh++;\n"
    "        }\n"
    "    }\n"
    "    b.u = sign | (uint32_t)(es + sh) << 23 | (p & 0x7fffffu);\n"
    "    return b.f;\n"
    "}\n"
    "\n";

typedef struct {
    Emit e;
    TensorId *root;     /* per tensor: the buffer it lives in (views share their input's) */
    char *has_buf;      /* per root tensor: a static int8 buffer was declared */
    const char **bufname; /* per root tensor: its storage when not tc_a<id> (--io int8 inputs) */
    int64_t ram;        /* bytes of int8 buffers */
    int64_t ram_x86;    /* more of them on x86 alone (TC_IX86: Conv inputs as int16 pairs) */
    char *fin;          /* per root tensor: a float graph input read as float by its one by-input layer */
    int stream_macros;  /* TC_I8S, TC_W4, TC_LD4, TC_MLAB, TC_MLAT emitted (int_stream_macros_once) */
} IntEmit;

/* A quantized model's uint8 graph input or output (--io int8 otherwise means int8): the
 * API takes uint8_t, the integers inside are q - 128 with zero point zp - 128 (exact). */
static int io_u8(const Graph *g, TensorId id)
{
    return g->qdq && id < g->qdq->nt && g->qdq->io[id] == 2;
}

static const char *io_type(const Graph *g, TensorId id)
{
    return io_u8(g, id) ? "uint8_t" : "int8_t";
}

/* (float)(1 / scale) = inv_m * 2^(inv_s - 31) as a C float literal (9 digits: exact) */
static const char *inv_lit(const Graph *g, QParam q)
{
    char b[40];
    snprintf(b, sizeof b, "%.9g", (double)(float)ldexp((double)q.inv_m, q.inv_s - 31));
    if (!strpbrk(b, ".e"))
        strcat(b, ".0");
    return arena_printf(g->a, "%sf", b);
}

/* The bits of a float input, read as an integer (tested for 0 before quantising). */
static const char int_q8d_helper[] =
    "/* tc_q8(x) - zp, out of line */\n"
    "#if defined(__GNUC__)\n"
    "__attribute__((noinline))\n"
    "#endif\n"
    "static int32_t tc_q8d(float x, int32_t inv_m, int inv_s, int32_t zp)\n"
    "{\n"
    "    return (int32_t)tc_q8(x, inv_m, inv_s, zp) - zp;\n"
    "}\n"
    "\n";

static const char int_fbits_helper[] =
    "/* nonzero where the bits of *p are (not for +0): its four bytes in one integer, which\n"
    " * compilers read with one 32-bit load (byte order does not matter for the test) */\n"
    "#if defined(__GNUC__)\n"
    "__attribute__((always_inline, unused)) static inline\n"
    "#else\n"
    "static\n"
    "#endif\n"
    "uint32_t tc_fbits(const float *p)\n"
    "{\n"
    "#if defined(__arm__) && !defined(__ARM_FP)\n"
    "    /* no FPU (a Cortex-M0): the float is in integer registers anyway, and the bytes\n"
    "     * would be four loads where unaligned words cannot be read */\n"
    "    union { float f; uint32_t u; } b;\n"
    "\n"
    "    b.f = *p;\n"
    "    return b.u;\n"
    "#else\n"
    "    /* (a union would load the float into an FPU register first) */\n"
    "    const unsigned char *c = (const unsigned char *)p;\n"
    "\n"
    "    return (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24;\n"
    "#endif\n"
    "}\n"
    "\n";

/* tc_q8f with +-0 taken first (zp, as tc_q8 gives it): for the inputs of a layer that
 * skips zero inputs (by_input), often most of them 0 */
static const char int_q8z_helper[] =
    "/* tc_q8f, +-0 (zp) first: most of an image can be 0 */\n"
    "static int8_t tc_q8z(float x, float inv, int32_t inv_m, int inv_s, int32_t zp)\n"
    "{\n"
    "    union { float f; uint32_t u; } b;\n"
    "\n"
    "    b.f = x;\n"
    "    return b.u << 1 ? tc_q8f(x, inv, inv_m, inv_s, zp) : (int8_t)zp;\n"
    "}\n"
    "\n";

/* The model's float input to int8 as tc_q8f does it, four at a time in GNU C vectors
 * (x86-64 SSE2, AArch64 NEON): every element takes tc_q8f's FPU path with the same
 * operations, and only if one of them falls outside that path's bounds (near a half,
 * large, NaN, infinite) is the whole input done again by tc_q8f. The same bytes. */
static const char int_q8v_helper[] =
    "/* tc_q8f over n inputs: where GNU C vectors of 4 floats are native, its FPU path for\n"
    " * 4 at a time, and tc_q8f for all of them again if any falls outside that path; the\n"
    " * same bytes as tc_q8f one at a time */\n"
    "#if TC_Q8_FP && (defined(__SSE2__) || defined(__aarch64__))\n"
    "typedef float tc_q8vf __attribute__((vector_size(16)));\n"
    "typedef uint32_t tc_q8vu __attribute__((vector_size(16)));\n"
    "typedef int32_t tc_q8vi __attribute__((vector_size(16)));\n"
    "#endif\n"
    "static void tc_q8v(const float *x, int8_t *q, int n, float inv, int32_t inv_m, int inv_s, int32_t zp)\n"
    "{\n"
    "    int i = 0;\n"
    "#if TC_Q8_FP && (defined(__SSE2__) || defined(__aarch64__))\n"
    "    tc_q8vi bad = {0, 0, 0, 0};\n"
    "    int j;\n"
    "\n"
    "    for (; i + 4 <= n; i += 4) {\n"
    "        union { tc_q8vf f; tc_q8vu u; } y, t, d, a;\n"
    "        tc_q8vi v, m;\n"
    "\n"
    "        for (j = 0; j < 4; j++)\n"
    "            y.f[j] = x[i + j];\n"
    "        y.f *= inv;\n"
    "        t.f = y.f + 12582912.0f;\n"
    "        d.f = y.f - (t.f - 12582912.0f);\n"
    "        d.u &= 0x7fffffffu;\n"
    "        a.u = y.u & 0x7fffffffu;\n"
    "        bad |= ~(d.f + a.f * (1.0f / 2048) < 0.499f);\n"
    "        v = (tc_q8vi)(t.u - (0x4b400000u - (uint32_t)zp)); /* k + zp where the path holds */\n"
    "        m = v > 127;\n"
    "        v = (v & ~m) | (127 & m);\n"
    "        m = v < -128;\n"
    "        v = (v & ~m) | (-128 & m);\n"
    "        for (j = 0; j < 4; j++)\n"
    "            q[i + j] = (int8_t)v[j];\n"
    "    }\n"
    "    if (inv_s > 30 || (bad[0] | bad[1] | bad[2] | bad[3]))\n"
    "        i = 0;\n"
    "#endif\n"
    "    for (; i < n; i++)\n"
    "        q[i] = tc_q8f(x[i], inv, inv_m, inv_s, zp);\n"
    "}\n"
    "\n";

/* tc_out8 inlined (GNU C) into the requantising loop of a layer input by input: its
 * call, arguments and frame cost about as much as its body */
static const char int_out8i_helper[] =
    "/* tc_out8 (the same), inlined into the loop over a layer's sums */\n"
    "#if defined(__GNUC__)\n"
    "__attribute__((always_inline, unused)) static inline\n"
    "#else\n"
    "static\n"
    "#endif\n"
    "int8_t tc_out8i(int32_t acc, int32_t m, int s, int32_t zp, int32_t lo, int32_t hi)\n"
    "{\n"
    "    int32_t v = tc_rq(acc, m, s);\n"
    "\n"
    "    v = v > 255 ? 255 : v;\n"
    "    v = v < -256 ? -256 : v;\n"
    "    v += zp;\n"
    "    v = v > hi ? hi : v;\n"
    "    return (int8_t)(v < lo ? lo : v);\n"
    "}\n"
    "\n";

/* tc_out8p for right shifts of 2 or more, the two roundings folded into one (emit_int_out_i) */
static const char int_out8q_helper[] =
    "/* tc_out8p for n = t + 2 >= 2: with P = acc * m >= 0 and h = 2^(n - 1),\n"
    " *   RDBPOT(SRDHM(acc, m), n) = floor((floor((P + 2^30) / 2^31) + h) / 2^n)\n"
    " *                            = floor((P + 2^30 + 2^(30 + n)) / 2^(31 + n))\n"
    " * (h is an integer: floor(floor(z) + h) = floor(z + h)), bits 32.. of the 64-bit sum\n"
    " * shifted right by n - 1: one UMLAL and two shifts on a Cortex-M4. 32-bit targets\n"
    " * (TC_RQ_32) take tc_out8p. */\n"
    "#if defined(__GNUC__)\n"
    "__attribute__((always_inline, unused)) static inline\n"
    "#else\n"
    "static\n"
    "#endif\n"
    "int8_t tc_out8q(int32_t acc, int32_t m, int t, int32_t zp, int32_t lo, int32_t hi)\n"
    "{\n"
    "#if defined(__ARM_ARCH_6M__) || defined(__ARM_ARCH_8M_BASE__) || defined(TC_RQ_32)\n"
    "    return tc_out8p(acc, m, t + 2, zp, lo, hi);\n"
    "#else\n"
    "    uint64_t r = (uint64_t)(1u << t) << 32 | 0x40000000u;\n"
    "    uint32_t a = (uint32_t)acc;\n"
    "    int32_t v;\n"
    "\n"
    "    TC_BASE(a); /* else gcc, knowing acc > 0, multiplies it sign-extended (UMULL, MLA) */\n"
    "    r += (uint64_t)a * (uint32_t)m;\n"
    "    a = (uint32_t)(r >> 32) >> 1 >> t;\n"
    "    v = (int32_t)(a > 255u ? 255u : a) + zp;\n"
    "    v = v > hi ? hi : v;\n"
    "    return (int8_t)(v < lo ? lo : v);\n"
    "#endif\n"
    "}\n"
    "\n";

/* tc_out8 for a positive sum and a right shift (emit_int_out_i) */
static const char int_out8p_helper[] =
    "/* tc_out8 for acc > 0 and a shift s = -n <= 0: SRDHM(acc, m) >= 0, so RDBPOT is\n"
    " * (a + 2^(n - 1)) >> n (a for n = 0) and the bound -256 cannot apply */\n"
    "#if defined(__GNUC__)\n"
    "__attribute__((always_inline, unused)) static inline\n"
    "#else\n"
    "static\n"
    "#endif\n"
    "int8_t tc_out8p(int32_t acc, int32_t m, int n, int32_t zp, int32_t lo, int32_t hi)\n"
    "{\n"
    "    uint32_t a = (uint32_t)tc_srdhm(acc, m);\n"
    "    int32_t v;\n"
    "\n"
    "    a = (a + ((1u << n) >> 1)) >> n;\n"
    "    v = (int32_t)(a > 255u ? 255u : a) + zp;\n"
    "    v = v > hi ? hi : v;\n"
    "    return (int8_t)(v < lo ? lo : v);\n"
    "}\n"
    "\n";

/* Whether graph input id is read (through views) by a layer that skips zero inputs. */
static int feeds_by_input(const Graph *g, TensorId id)
{
    int k;
    for (k = 0; k < g->nn; k++) {
        const QLayer *q = g->quant->layer[k];
        TensorId x;
        if (g->n[k].dead || !q || !q->by_input || q->strategy != STRAT_UNROLLED)
            continue;
        x = g->n[k].in[0];
        while (g->t[x].producer >= 0 && ir_is_view(g->n[g->t[x].producer].op) &&
               !(g->quant->lut && g->quant->lut[g->t[x].producer]))
            x = g->n[g->t[x].producer].in[0];
        if (x == id)
            return 1;
    }
    return 0;
}

/* Tensor x's root through the views the integer path shares bytes with. */
static TensorId int_view_root(const Graph *g, TensorId x)
{
    while (g->t[x].producer >= 0 && ir_is_view(g->n[g->t[x].producer].op) &&
           !(g->quant->lut && g->quant->lut[g->t[x].producer]))
        x = g->n[g->t[x].producer].in[0];
    return x;
}

/*
 * Whether float graph input id is read (through views) by one-row by-input layers
 * alone, as their first input, and is no graph output: those layers then read the
 * float and quantise each input where it is not 0 (emit_int_by_input_part), and
 * the input needs no int8 buffer nor a loop over it.
 */
static int only_by_input(const Graph *g, TensorId id)
{
    int k, i, any = 0;
    if (g->quant->island || g->quant->flt)
        return 0;
    for (k = 0; k < g->n_outputs; k++)
        if (int_view_root(g, g->outputs[k]) == id)
            return 0;
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        const QLayer *q = g->quant->layer[k];
        if (n->dead)
            continue;
        if ((n->op == OP_FLATTEN || n->op == OP_RESHAPE || n->op == OP_IDENTITY) &&
            !(g->quant->lut && g->quant->lut[k]))
            continue;
        for (i = 0; i < n->n_in; i++) {
            if (n->in[i] == TC_NONE || int_view_root(g, n->in[i]) != id)
                continue;
            if (i || !q || q->conv || !q->by_input || q->strategy != STRAT_UNROLLED || q->rows != 1)
                return 0;
            any = 1;
        }
    }
    return any;
}

static const char *buf_name(IntEmit *ie, TensorId id)
{
    if (ie->bufname[ie->root[id]])
        return ie->bufname[ie->root[id]];
    return arena_printf(ie->e.g->a, "tc_a%u", ie->root[id]);
}

/* A table of count integers from v (element size sz, signed unless u). */
static void int_table(Emit *e, const char *ctype, const char *name, const void *v, int sz, int u, int64_t count)
{
    int64_t *vals = arena_array(e->g->a, (size_t)count + 1, sizeof(int64_t)), i;
    for (i = 0; i < count; i++) {
        if (sz == 1)
            vals[i] = u ? ((const uint8_t *)v)[i] : ((const int8_t *)v)[i];
        else if (sz == 2)
            vals[i] = ((const uint16_t *)v)[i];
        else
            vals[i] = ((const int32_t *)v)[i];
    }
    emit_to_consts(e);
    emit_line(e, "static const %s %s[%lld] = {", ctype, name, (long long)(count ? count : 1));
    if (count)
        emit_int_rows(e, vals, count);
    else
        emit_line(e, "    0");
    emit_line(e, "};");
}

/* Whether a loop layer's biases and shifts pack into one uint32 a channel: every
 * bias in [-2^26, 2^26), every shift in [-31, 0]. */
static int int_loop_packs(const QLayer *q)
{
    int64_t j;
    for (j = 0; j < q->N; j++)
        if (q->b[j] < -67108864 || q->b[j] >= 67108864 || q->shift[j] > 0 || q->shift[j] < -31)
            return 0;
    return 1;
}

static int int_uses_q(const QLayer *q);

/* The requantising parameters of every channel; for tc_out8q (int_uses_q) the shifts as
 * t = -s - 2 >= 0 (<fn>_t) in place of s. */
static void int_params(Emit *e, const QLayer *q, const char *fn)
{
    int_table(e, "int32_t", arena_printf(e->g->a, "%s_b", fn), q->b, 4, 0, q->N);
    int_table(e, "int32_t", arena_printf(e->g->a, "%s_m", fn), q->mult, 4, 0, q->N);
    if (int_uses_q(q)) {
        uint8_t *t = arena_array(e->g->a, (size_t)q->N + 1, 1);
        int64_t j;
        for (j = 0; j < q->N; j++)
            t[j] = (uint8_t)(-q->shift[j] - 2);
        int_table(e, "uint8_t", arena_printf(e->g->a, "%s_t", fn), t, 1, 1, q->N);
    } else {
        int_table(e, "int8_t", arena_printf(e->g->a, "%s_s", fn), q->shift, 1, 0, q->N);
    }
    emit_blank(e);
}

static void int_out_line(Emit *e, const QLayer *q, const char *fn, const char *j)
{
    emit_line(e, "y[%s] = tc_out8(acc, %s_m[%s], %s_s[%s], %d, %d, %d);", j, fn, j, fn, j, (int)q->out.zp, (int)q->lo,
              (int)q->hi);
}

/* --annotate: the integer weight's place in the model's tensor and the float it
 * stands for, w_q * w_scale, e.g. "fc1.weight[12][340] = -37 * 0.000333 = -0.0123" */
static const char *int_weight_note(Emit *e, const Linear *L, const QLayer *q, int64_t j, int64_t k)
{
    int v = q->w[j * q->K + k];
    return arena_printf(e->g->a, " /* %s[%lld][%lld] = %d * %.9g = %.9g (the model's %.9g) */", L->wname,
                        (long long)(L->tb ? j : k), (long long)(L->tb ? k : j), v, (double)q->w_scale[j],
                        (double)((float)v * q->w_scale[j]), (double)L->w[j * q->K + k]);
}

/*
 * The unrolled form input by input (q->by_input, planned for a Cortex-M where
 * inputs are often 0: strategy.c): the sums acc[n] start at the bias without
 * the zero point's fold, b[n] + zp_in * sum_k w[n][k]; then for each input with
 * kept weights, d = x[k] - zp_in (the real value's integer, 0 for the real 0)
 * and only where d != 0, acc[n] += w[n][k] * d for each of its weights. The
 * same sums as the row form, b[n] + sum_k w[n][k] * x[k], exactly (integers).
 */
/* Words a stream load reads (TC_LD4: w0..w3, 8 int16 weights). */
enum { INT_STREAM_WORDS = 4 };

/* The terms of inputs k0..k1-1, literal weights (off NULL) or streamed from <fn>_wi, input
 * k's from word off[k] on (TC_I8S: LDM, SMLABB/SMLATB; a term a load of its sum, one
 * multiply-add and a store, 3.125 instructions with the LDM, where the literal form adds a
 * constant's move; an input taken one more, its stream's address. On r15's fc1 (-Os,
 * bench/m4_int8.sh, before tc_rqs8): 34.5k instructions an inference against 36.9k,
 * 25.8k against 28.3k with --io int8, for 9.5 KB more flash: a term 12.1 bytes of code
 * and 2.1 of table against about 13.1 of code). */
static void emit_int_by_input_terms(Emit *e, const QLayer *q, const char *fn, const Linear *L, int64_t k0, int64_t k1,
                                    int fin, const int64_t *off)
{
    int64_t j, k, t;
    if (off) {
        emit_line(e, "const int32_t *w;");
        emit_line(e, "TC_W4;");
    }
    emit_line(e, "int32_t d;");
    emit_blank(e);
    for (k = k0; k < k1; k++) {
        for (j = 0; j < q->N && !q->w[j * q->K + k]; j++)
            ;
        if (j == q->N)
            continue;
        if (fin) /* the float's bits 0: d = 0; else d = tc_q8f(x) - zp (0 for -0 or a tiny x: no harm) */
            emit_line(e, "if (tc_fbits(&x[%lld])) {", (long long)k);
        else
            emit_line(e, "if ((d = x[%lld] %s %d) != 0) {", (long long)k, q->in.zp < 0 ? "+" : "-",
                      (int)(q->in.zp < 0 ? -q->in.zp : q->in.zp));
        if (fin)
            emit_line(e, "    d = %s_d(x[%lld]);", fn, (long long)k);
        e->indent++;
        if (off) {
            emit_line(e, "w = %s_wi + %lld;", fn, (long long)off[k]);
            emit_line(e, "TC_BASE(w);");
        }
        for (t = 0; j < q->N; j++) {
            int v = q->w[j * q->K + k];
            if (!v)
                continue;
            if (!off) {
                emit_line(e, "acc[%lld] %s= %d * d;%s", (long long)j, v < 0 ? "-" : "+", abs(v),
                          L ? int_weight_note(e, L, q, j, k) : "");
                continue;
            }
            if (t % (2 * INT_STREAM_WORDS) == 0)
                emit_line(e, "TC_LD4(w);");
            emit_line(e, "TC_MLA%c(acc[%lld], w%d, d);%s", t % 2 ? 'T' : 'B', (long long)j,
                      (int)(t / 2 % INT_STREAM_WORDS), L ? int_weight_note(e, L, q, j, k) : "");
            t++;
        }
        e->indent--;
        emit_line(e, "}");
    }
}

/* The terms of inputs k0..k1-1 as one function (gcc takes minutes over one of 8,000);
 * streamed (off) where TC_I8S, else literal. */
static void emit_int_by_input_part(Emit *e, const QLayer *q, const char *fn, const Linear *L, int part, int64_t k0,
                                   int64_t k1, int fin, const int64_t *off)
{
    e->indent = 0;
    emit_line(e, "static TC_NOLIB void %s_p%d(const %s *restrict x, int32_t *restrict acc)", fn, part,
              fin ? "float" : "int8_t");
    emit_line(e, "{");
    e->indent = 1;
    if (off) {
        emit_line(e, "#if TC_I8S");
        emit_int_by_input_terms(e, q, fn, L, k0, k1, fin, off);
        emit_line(e, "#else");
    }
    emit_int_by_input_terms(e, q, fn, L, k0, k1, fin, NULL);
    if (off)
        emit_line(e, "#endif");
    e->indent = 0;
    emit_line(e, "}");
    emit_blank(e);
}

/* Whether every channel's shift is <= 0 (a right shift or none: tc_out8p applies). */
static int int_shifts_right(const QLayer *q)
{
    int64_t j;
    for (j = 0; j < q->N; j++)
        if (q->shift[j] > 0)
            return 0;
    return 1;
}

/*
 * y[j] from acc[j] in the by-input loop. Where lo >= zp_out (a ReLU fused, or a
 * Clip from 0 or above) a sum <= 0 gives lo: rq is monotonic with rq(0) = 0 (m >= 0),
 * so zp + rq(acc) <= zp <= lo; a positive sum with every shift <= 0 takes
 * tc_out8p, tc_out8 for acc > 0 and s <= 0 without the sign's steps.
 */
/* Whether a Gemm/MatMul's requantising loop takes tc_out8q: the unrolled forms (row or
 * by input) with every shift <= -2 (s >= -31 always: quant.c). */
static int int_uses_q(const QLayer *q)
{
    int64_t j;
    if (q->conv || q->strategy != STRAT_UNROLLED)
        return 0;
    for (j = 0; j < q->N; j++)
        if (q->shift[j] > -2)
            return 0;
    return 1;
}

static void emit_int_out_i(Emit *e, const QLayer *q, const char *fn, const char *a)
{
    if (int_uses_q(q) && q->lo >= q->out.zp)
        emit_line(e, "    y[j] = %s[j] <= 0 ? %d : tc_out8q(%s[j], %s_m[j], %s_t[j], %d, %d, %d);", a, (int)q->lo, a, fn,
                  fn, (int)q->out.zp, (int)q->lo, (int)q->hi);
    else if (int_uses_q(q))
        emit_line(e, "    y[j] = %s[j] > 0 ? tc_out8q(%s[j], %s_m[j], %s_t[j], %d, %d, %d) : tc_out8i(%s[j], %s_m[j], -2 - %s_t[j], %d, %d, %d);",
                  a, a, fn, fn, (int)q->out.zp, (int)q->lo, (int)q->hi, a, fn, fn, (int)q->out.zp, (int)q->lo, (int)q->hi);
    else if (q->lo >= q->out.zp && int_shifts_right(q))
        emit_line(e, "    y[j] = %s[j] <= 0 ? %d : tc_out8p(%s[j], %s_m[j], -%s_s[j], %d, %d, %d);", a, (int)q->lo, a, fn,
                  fn, (int)q->out.zp, (int)q->lo, (int)q->hi);
    else if (q->lo >= q->out.zp)
        emit_line(e, "    y[j] = %s[j] <= 0 ? %d : tc_out8i(%s[j], %s_m[j], %s_s[j], %d, %d, %d);", a, (int)q->lo, a, fn,
                  fn, (int)q->out.zp, (int)q->lo, (int)q->hi);
    else if (int_shifts_right(q))
        emit_line(e, "    y[j] = %s[j] > 0 ? tc_out8p(%s[j], %s_m[j], -%s_s[j], %d, %d, %d) : tc_out8i(%s[j], %s_m[j], %s_s[j], %d, %d, %d);",
                  a, a, fn, fn, (int)q->out.zp, (int)q->lo, (int)q->hi, a, fn, fn, (int)q->out.zp, (int)q->lo, (int)q->hi);
    else
        emit_line(e, "    y[j] = tc_out8i(%s[j], %s_m[j], %s_s[j], %d, %d, %d);", a, fn, fn, (int)q->out.zp, (int)q->lo,
                  (int)q->hi);
}

/* Which of tc_out8i and tc_out8p emit_int_out_i calls (bit 1, bit 2). */
static int int_out_i_uses(const QLayer *q)
{
    if (int_uses_q(q)) /* tc_out8q (and tc_out8p, which it calls on 32-bit targets) */
        return q->lo >= q->out.zp ? 6 : 7;
    if (q->lo >= q->out.zp)
        return int_shifts_right(q) ? 2 : 1;
    return int_shifts_right(q) ? 3 : 1;
}

/* Whether the requantising loop of a streamed layer takes tc_rqs8 (1: the tc_out8q case,
 * every shift <= -2) or tc_rqs8n (2: every shift <= -1), with a ReLU (or a Clip from the
 * zero point up) fused (emit_int_out_s); else 0. */
static int int_out_s(const QLayer *q)
{
    int64_t j;
    if (q->lo < q->out.zp || q->conv || q->strategy != STRAT_UNROLLED)
        return 0;
    if (int_uses_q(q))
        return 1;
    for (j = 0; j < q->N; j++) /* tc_rqs8n: every shift <= -1 */
        if (q->shift[j] > -1)
            return 0;
    return 2;
}

/* emit_int_out_i's loop for TC_I8S code where int_out_s: the same values,
 * lo for a sum <= 0, else clamp(zp + min(tc_out8q's value, 255), lo, hi). */
static void emit_int_out_s(Emit *e, const QLayer *q, const char *fn, const char *a)
{
    emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)q->N);
    emit_line(e, "    int32_t v = %d;", (int)q->lo);
    emit_blank(e);
    emit_line(e, "    if (%s[j] > 0) {", a);
    if (int_out_s(q) == 1)
        emit_line(e, "        v = tc_rqs8(%s[j], %s_m[j], %s_t[j]) %s %d;", a, fn, fn, q->out.zp < 0 ? "-" : "+",
                  (int)(q->out.zp < 0 ? -q->out.zp : q->out.zp));
    else
        emit_line(e, "        v = tc_rqs8n(%s[j], %s_m[j], (unsigned)-%s_s[j]) %s %d;", a, fn, fn,
                  q->out.zp < 0 ? "-" : "+", (int)(q->out.zp < 0 ? -q->out.zp : q->out.zp));
    if (q->hi < q->out.zp + 255)
        emit_line(e, "        v = v > %d ? %d : v;", (int)q->hi, (int)q->hi);
    if (q->lo > q->out.zp)
        emit_line(e, "        v = v < %d ? %d : v;", (int)q->lo, (int)q->lo);
    emit_line(e, "    }");
    emit_line(e, "    y[j] = (int8_t)v;");
    emit_line(e, "}");
}

/* The part functions, at most --max-terms terms each (whole inputs); returns their number.
 * fin: x is the float graph input (only_by_input), quantised here input by input. */
static int emit_int_by_input_parts(Emit *e, const QLayer *q, const char *fn, const Linear *L, int fin,
                                   const int64_t *off)
{
    int64_t j, k, k0 = 0, terms = 0, max = e->opt->max_terms > 0 ? e->opt->max_terms : 1024;
    int parts = 0;
    for (k = 0; k < q->K; k++) {
        int64_t c = 0;
        for (j = 0; j < q->N; j++)
            c += q->w[j * q->K + k] != 0;
        if (terms && terms + c > max) {
            emit_int_by_input_part(e, q, fn, L, parts++, k0, k, fin, off);
            k0 = k;
            terms = 0;
        }
        terms += c;
    }
    emit_int_by_input_part(e, q, fn, L, parts++, k0, q->K, fin, off);
    return parts;
}

/*
 * The unrolled form input by input (q->by_input, planned for a Cortex-M where
 * inputs are often 0: strategy.c): the sums acc[n] start at the bias without
 * the zero point's fold, b[n] + zp_in * sum_k w[n][k]; then for each input with
 * kept weights, d = x[k] - zp_in (the real value's integer, 0 for the real 0)
 * and only where d != 0, acc[n] += w[n][k] * d for each of its weights (in
 * part functions). The same sums as the row form, b[n] + sum_k w[n][k] * x[k],
 * exactly (integers).
 */
static void emit_int_by_input(Emit *e, const QLayer *q, const char *fn, int parts)
{
    int i;
    emit_line(e, "int32_t acc[%lld];", (long long)q->N);
    emit_line(e, "int j;");
    emit_blank(e);
    if (q->N % 4 == 0) { /* four a step: LDM/STM on a Cortex-M */
        emit_line(e, "for (j = 0; j < %lld; j += 4) {", (long long)q->N);
        for (i = 0; i < 4; i++)
            emit_line(e, "    acc[j + %d] = %s_b[j + %d];", i, fn, i);
        emit_line(e, "}");
    } else {
        emit_line(e, "for (j = 0; j < %lld; j++)", (long long)q->N);
        emit_line(e, "    acc[j] = %s_b[j];", fn);
    }
    for (i = 0; i < parts; i++)
        emit_line(e, "%s_p%d(x, acc);", fn, i);
    if (int_out_s(q)) {
        emit_line(e, "#if TC_I8S");
        emit_int_out_s(e, q, fn, "acc");
        emit_line(e, "#else");
    }
    emit_line(e, "for (j = 0; j < %lld; j++)", (long long)q->N);
    emit_int_out_i(e, q, fn, "acc");
    if (int_out_s(q))
        emit_line(e, "#endif");
}

/*
 * The row form with its weights streamed (q->stream, planned for a Cortex-M:
 * strategy.c): the kept weights in read order (channel by channel, input
 * ascending) as int16 pairs in an int32 table, <fn>_w, two terms a word, the
 * first in the low half; read INT_STREAM_WORDS words at a time (one LDM on a
 * Cortex-M4) into w0..w3. A term is then the input's load with its index a
 * literal (LDRSB.W) and one multiply-add of a half (SMLABB/SMLATB): 2.125
 * instructions and 10.25 bytes (4 + 4, its 2 in the table, an LDM's 2 over 8
 * terms) where the literal form takes 3 (the constant's MOVS/MOVW) and about
 * 10.7. On r15 with every layer so (-Os, fc1 forced to rows): 42.8k
 * instructions an inference against the literal form's 51.0k, 10.92 bytes a kept
 * weight against 11.54; four int8 weights a word unpacked by SXTB16 instead took
 * 34.1k against 27.5k with --io int8 and 119 KB against 104 KB. The same sums,
 * b[n] + sum_k w[n][k] * x[k], exactly. Under #if TC_I8S, the literal form in
 * the #else.
 */
static int64_t int_stream_words(const QLayer *q)
{
    int64_t blk = 2 * INT_STREAM_WORDS;
    return (q->nnz + blk - 1) / blk * INT_STREAM_WORDS;
}

/* The stream's macros (once, before the first table). TC_I8S: the stream form is compiled
 * where there is SMLABB/SMLATB (ARMv7E-M; -DTC_NO_I8S for the literal row form there too);
 * elsewhere (a Cortex-M0: 1,018 more instructions and 6.6 KB more flash on r15) the row
 * form with literal weights, the same sums. TC_LD4(w) sets w0..w3 to the next 4 words of
 * table w and advances w: one LDM into r4..r7 in GNU C (gcc -Os makes separate loads, each
 * next to its use); TC_MLAB/TC_MLAT add the product of a word's low/high int16 half and x
 * (__smlabb/__smlatb: gcc makes w >> 16 an ASR and an MLA). */
static const char *const int_stream_macros[] = {
    "/* int8 weight streams: the kept weights as int16 pairs, 4 words a load (LDM), a term one",
    " * load of its input and one SMLABB/SMLATB; without SMLABB (-DTC_NO_I8S) literal weights */",
    "#if defined(__ARM_FEATURE_DSP) && !defined(TC_NO_I8S)",
    "#define TC_I8S 1",
    "#include <arm_acle.h>",
    "#define TC_MLAB(acc, w, x) ((acc) = __smlabb((w), (x), (acc)))",
    "#define TC_MLAT(acc, w, x) ((acc) = __smlatb((w), (x), (acc)))",
    "#if defined(__GNUC__) && !defined(__clang__) && defined(__thumb2__)",
    "#define TC_W4 register int32_t w0 __asm__(\"r4\"), w1 __asm__(\"r5\"), w2 __asm__(\"r6\"), w3 __asm__(\"r7\")",
    "#define TC_LD4(w) __asm__(\"ldmia %0!, {%1, %2, %3, %4}\" : \"+r\"(w), \"=r\"(w0), \"=r\"(w1), \"=r\"(w2), \"=r\"(w3) : \"m\"(*(const int32_t(*)[4])(w)))",
    "#else",
    "#define TC_W4 int32_t w0, w1, w2, w3",
    "#define TC_LD4(w) (w0 = (w)[0], w1 = (w)[1], w2 = (w)[2], w3 = (w)[3], (w) += 4)",
    "#endif",
    "#else",
    "#define TC_I8S 0",
    "#endif",
    "#if TC_I8S",
    "/* tc_out8q's min(value, 255) for acc > 0: UMLAL, two shifts and USAT where gcc makes of",
    " * tc_out8q a register copy more, the saturation a compare and a conditional move, and",
    " * sign-extends the int8 result before its store (r15: 300 channels, 1.2k instructions) */",
    "#if defined(__GNUC__)",
    "__attribute__((always_inline))",
    "#endif",
    "static inline int32_t tc_rqs8(int32_t acc, int32_t m, unsigned t)",
    "{",
    "#if defined(__GNUC__)",
    "    uint32_t lo = 0x40000000u, hi = 1u << t;",
    "",
    "    __asm__(\"umlal %0, %1, %2, %3\" : \"+r\"(lo), \"+r\"(hi) : \"r\"(acc), \"r\"(m));",
    "#else",
    "    uint32_t hi = (uint32_t)((((uint64_t)(1u << t) << 32 | 0x40000000u) + (uint64_t)(uint32_t)acc * (uint32_t)m) >> 32);",
    "#endif",
    "    return __usat((int32_t)(hi >> t) >> 1, 8); /* hi >> t < 2^31 (t <= 29) */",
    "}",
    "",
    "/* tc_out8p's min(value, 255) for acc > 0 and a right shift n >= 1: its two roundings",
    " * folded as tc_out8q's, floor((acc * m + 2^30 + 2^(30 + n)) / 2^(31 + n)) */",
    "#if defined(__GNUC__)",
    "__attribute__((always_inline))",
    "#endif",
    "static inline int32_t tc_rqs8n(int32_t acc, int32_t m, unsigned n)",
    "{",
    "    uint32_t p = 1u << n;",
    "#if defined(__GNUC__)",
    "    uint32_t lo = 0x40000000u + (p << 30), hi = p >> 2;",
    "",
    "    __asm__(\"umlal %0, %1, %2, %3\" : \"+r\"(lo), \"+r\"(hi) : \"r\"(acc), \"r\"(m));",
    "#else",
    "    uint32_t hi = (uint32_t)((((uint64_t)(p >> 2) << 32 | (0x40000000u + (p << 30))) + (uint64_t)(uint32_t)acc * (uint32_t)m) >> 32);",
    "#endif",
    "    return __usat((int32_t)(hi >> (n - 1)), 8); /* < 2^31 */",
    "}",
    "#endif",
    "",
    NULL,
};

static void int_stream_macros_once(IntEmit *ie)
{
    const char *const *l;
    if (ie->stream_macros)
        return;
    for (l = int_stream_macros; *l; l++)
        emit_line(&ie->e, "%s", *l);
    ie->stream_macros = 1;
}

static void int_stream_table(IntEmit *ie, const QLayer *q, const char *fn)
{
    Emit *e = &ie->e;
    int64_t nw = int_stream_words(q), j, k, t = 0;
    int32_t *v = arena_array(e->g->a, (size_t)nw + 1, sizeof(int32_t));
    int_stream_macros_once(ie);
    for (j = 0; j < q->N; j++)
        for (k = 0; k < q->K; k++)
            if (q->w[j * q->K + k]) {
                uint32_t h = (uint32_t)(uint16_t)(int16_t)q->w[j * q->K + k];
                v[t / 2] = (int32_t)((uint32_t)v[t / 2] | (t % 2 ? h << 16 : h));
                t++;
            }
    ASSERT(t == q->nnz);
    emit_line(e, "#if TC_I8S");
    emit_line(e, "/* the kept weights in read order, two a word as int16 halves (the first low) */");
    int_table(e, "int32_t", arena_printf(e->g->a, "%s_w", fn), v, 4, 0, nw);
    emit_line(e, "#endif");
    emit_blank(e);
}

/* The by-input form's stream, <fn>_wi: input by input its kept weights (channel ascending)
 * as int16 pairs, each input from a word of its own (off[k]), then INT_STREAM_WORDS words of
 * 0 (its last LDM may read past it). Returns off (K + 1 word offsets). */
static int64_t *int_stream_table_bi(IntEmit *ie, const QLayer *q, const char *fn)
{
    Emit *e = &ie->e;
    int64_t *off = arena_array(e->g->a, (size_t)q->K + 1, sizeof(int64_t)), j, k, t, nw;
    int32_t *v;
    for (k = 0, nw = 0; k < q->K; k++) {
        for (j = 0, t = 0; j < q->N; j++)
            t += q->w[j * q->K + k] != 0;
        off[k] = nw;
        nw += (t + 1) / 2;
    }
    off[q->K] = nw;
    nw += INT_STREAM_WORDS;
    v = arena_array(e->g->a, (size_t)nw, sizeof(int32_t));
    for (k = 0; k < q->K; k++)
        for (j = 0, t = 0; j < q->N; j++)
            if (q->w[j * q->K + k]) {
                uint32_t h = (uint32_t)(uint16_t)(int16_t)q->w[j * q->K + k];
                int64_t at = off[k] + t / 2;
                v[at] = (int32_t)((uint32_t)v[at] | (t % 2 ? h << 16 : h));
                t++;
            }
    int_stream_macros_once(ie);
    emit_line(e, "#if TC_I8S");
    emit_line(e, "/* input by input its kept weights, two a word as int16 halves (the first low) */");
    int_table(e, "int32_t", arena_printf(e->g->a, "%s_wi", fn), v, 4, 0, nw);
    emit_line(e, "#endif");
    emit_blank(e);
    return off;
}

static void emit_int_stream(Emit *e, const QLayer *q, const char *fn, const Linear *L)
{
    int64_t j, k, t = 0;
    emit_line(e, "const int32_t *w = %s_w;", fn);
    emit_line(e, "TC_W4;");
    emit_line(e, "int32_t acc, s[%lld];", (long long)q->N);
    emit_line(e, "int j;");
    emit_blank(e);
    emit_line(e, "TC_BASE(w); /* else gcc reads the table's words as constants */");
    for (j = 0; j < q->N; j++) {
        emit_line(e, "acc = %s_b[%lld];", fn, (long long)j);
        for (k = 0; k < q->K; k++) {
            int wk = q->w[j * q->K + k];
            if (!wk)
                continue;
            if (t % (2 * INT_STREAM_WORDS) == 0)
                emit_line(e, "TC_LD4(w);");
            emit_line(e, "TC_MLA%c(acc, w%d, x[%lld]);%s", t % 2 ? 'T' : 'B', (int)(t / 2 % INT_STREAM_WORDS),
                      (long long)k, L ? int_weight_note(e, L, q, j, k) : "");
            t++;
        }
        emit_line(e, "s[%lld] = acc;", (long long)j);
        if (j + 1 < q->N)
            emit_line(e, "TC_BARRIER();");
    }
    if (int_out_s(q)) {
        emit_int_out_s(e, q, fn, "s");
        return;
    }
    emit_line(e, "for (j = 0; j < %lld; j++)", (long long)q->N);
    emit_int_out_i(e, q, fn, "s");
}

static void emit_int_layer(IntEmit *ie, const Node *n, const QLayer *q)
{
    Emit *e = &ie->e;
    const char *fn = emit_fn_name(e, n);
    int64_t j, k;
    int by_input = q->by_input && q->strategy == STRAT_UNROLLED && q->rows == 1, parts = 0, fin, neg;
    int stream = q->stream && !by_input && q->strategy == STRAT_UNROLLED;
    int64_t *off = NULL;
    emit_to_consts(e);
    emit_line(e, "/* node %d: %s '%s' (%s), int8: %lld of %lld weights nonzero; in scale %.9g zp %d, out scale %.9g zp %d%s */",
              n->index, op_name(n->op), text_comment(e->g->a, n->name),
              by_input ? "unrolled input by input" : strategy_name(q->strategy), (long long)q->nnz,
              (long long)(q->N * q->K), (double)q->in.scale, (int)q->in.zp, (double)q->out.scale, (int)q->out.zp,
              n->act == OP_RELU ? ", ReLU in the bounds" : "");
    if (by_input) { /* the bias without -zp_in * sum w */
        int32_t *b0 = arena_array(e->g->a, (size_t)q->N + 1, sizeof(int32_t));
        QLayer c = *q;
        for (j = 0; j < q->N; j++) {
            int64_t sw = 0;
            for (k = 0; k < q->K; k++)
                sw += q->w[j * q->K + k];
            b0[j] = (int32_t)((int64_t)q->b[j] + (int64_t)q->in.zp * sw); /* in range: strategy.c */
        }
        c.b = b0;
        int_params(e, &c, fn);
        off = int_stream_table_bi(ie, q, fn);
    } else if (q->strategy == STRAT_LOOP && int_loop_packs(q)) {
        /* bs = (b + 2^26) * 32 + (-s): one int32 where a bias and a shift took five bytes */
        uint32_t *bs = arena_array(e->g->a, (size_t)q->N + 1, sizeof(uint32_t));
        for (j = 0; j < q->N; j++)
            bs[j] = (uint32_t)((int64_t)q->b[j] + 67108864) << 5 | (uint32_t)-q->shift[j];
        emit_line(e, "/* per channel bs = (b + 2^26) * 32 + (-s): b = (bs >> 5) - 2^26, s = -(bs & 31) */");
        int_table(e, "uint32_t", arena_printf(e->g->a, "%s_bs", fn), bs, 4, 1, q->N);
        int_table(e, "int32_t", arena_printf(e->g->a, "%s_m", fn), q->mult, 4, 0, q->N);
        emit_blank(e);
    } else {
        int_params(e, q, fn);
    }
    if (q->strategy == STRAT_DENSE) {
        int_table(e, "int8_t", arena_printf(e->g->a, "%s_w", fn), q->w, 1, 0, q->N * q->K);
        emit_blank(e);
    } else if (stream) {
        int_stream_table(ie, q, fn);
    } else if (q->strategy == STRAT_LOOP) {
        int64_t max_row, pairs = int_loop_pairs(q, &max_row), at = 0;
        uint8_t *step = arena_array(e->g->a, (size_t)pairs + 1, 1);
        int8_t *wv = arena_array(e->g->a, (size_t)pairs + 1, 1);
        uint16_t *cnt = arena_array(e->g->a, (size_t)q->N + 1, 2);
        uint8_t *cnt8 = arena_array(e->g->a, (size_t)q->N + 1, 1);
        for (j = 0; j < q->N; j++) {
            int64_t prev = 0, start = at;
            for (k = 0; k < q->K; k++) {
                if (!q->w[j * q->K + k])
                    continue;
                while (k - prev > 255) {
                    step[at] = 255;
                    wv[at++] = 0;
                    prev += 255;
                }
                step[at] = (uint8_t)(k - prev);
                wv[at++] = q->w[j * q->K + k];
                prev = k;
            }
            cnt[j] = (uint16_t)(at - start);
            cnt8[j] = (uint8_t)(at - start);
        }
        ASSERT(at == pairs && max_row <= 65535);
        if (max_row > 255)
            int_table(e, "uint16_t", arena_printf(e->g->a, "%s_n", fn), cnt, 2, 1, q->N);
        else
            int_table(e, "uint8_t", arena_printf(e->g->a, "%s_n", fn), cnt8, 1, 1, q->N);
        int_table(e, "uint8_t", arena_printf(e->g->a, "%s_d", fn), step, 1, 1, pairs);
        int_table(e, "int8_t", arena_printf(e->g->a, "%s_w", fn), wv, 1, 0, pairs);
        emit_blank(e);
    }

    emit_to_fns(e);
    fin = by_input && ie->fin[ie->root[n->in[0]]];
    if (fin) { /* d = q - zp of one float input, out of line: one copy of the quantising code */
        QParam qi = e->g->quant->t[ie->root[n->in[0]]];
        e->indent = 0;
        emit_line(e, "/* input to int8 minus the zero point: tc_q8f(x) - (%d), tc_q8f's test written out so", (int)qi.zp);
        emit_line(e, " * that its other path is a tail call (no frame on the common one) */");
        emit_line(e, "#if defined(__GNUC__)");
        emit_line(e, "__attribute__((noinline))");
        emit_line(e, "#endif");
        emit_line(e, "static int32_t %s_d(float x)", fn);
        emit_line(e, "{");
        if (qi.inv_s <= 30) {
            emit_line(e, "#if TC_Q8_FP");
            emit_line(e, "    union { float f; int32_t i; } t;");
            emit_line(e, "    float y = x * %s, k;", inv_lit(e->g, qi));
            emit_blank(e);
            emit_line(e, "    t.f = y + 12582912.0f;");
            emit_line(e, "    k = t.f - 12582912.0f;");
            emit_line(e, "    if (__builtin_fabsf(y - k) + __builtin_fabsf(y) * (1.0f / 2048) < 0.499f) {");
            emit_line(e, "        int32_t v = t.i - (0x4b400000 - (%d));", (int)qi.zp);
            emit_blank(e);
            emit_line(e, "#if defined(__ARM_FEATURE_SAT)");
            emit_line(e, "        return __builtin_arm_ssat(v, 8) - (%d);", (int)qi.zp);
            emit_line(e, "#else");
            emit_line(e, "        v = v > 127 ? 127 : v;");
            emit_line(e, "        return (v < -128 ? -128 : v) - (%d);", (int)qi.zp);
            emit_line(e, "#endif");
            emit_line(e, "    }");
            emit_line(e, "#endif");
        }
        emit_line(e, "    return tc_q8d(x, %ld, %d, %d);", (long)qi.inv_m, qi.inv_s, (int)qi.zp);
        emit_line(e, "}");
        emit_blank(e);
    }
    if (by_input) {
        Linear L;
        int note = e->opt->annotate && linear_layer(e->g, n, &L);
        parts = emit_int_by_input_parts(e, q, fn, note ? &L : NULL, fin, off);
    }
    e->indent = 0;
    emit_line(e, "/* node %d: %s '%s', int8 %s */", n->index, op_name(n->op), text_comment(e->g->a, n->name),
              fin ? "unrolled input by input from the float input, zero inputs skipped"
                  : by_input ? "unrolled input by input, zero inputs skipped"
                  : stream ? "unrolled, the weights streamed where there is SMLABB (TC_I8S)" : strategy_name(q->strategy));
    emit_line(e, "static TC_NOLIB void %s(const %s *x, int8_t *y)", fn, fin ? "float" : "int8_t");
    emit_line(e, "{");
    e->indent = 1;
    if (q->rows > 1) {
        emit_line(e, "int r;");
        emit_blank(e);
        emit_line(e, "for (r = 0; r < %lld; r++, x += %lld, y += %lld) {", (long long)q->rows, (long long)q->K,
                  (long long)q->N);
        e->indent++;
    }
    if (q->strategy == STRAT_DENSE) {
        emit_line(e, "int j, k;");
        emit_blank(e);
        emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)q->N);
        e->indent++;
        emit_line(e, "int32_t acc = %s_b[j];", fn);
        emit_blank(e);
        emit_line(e, "for (k = 0; k < %lld; k++)", (long long)q->K);
        emit_line(e, "    acc += (int32_t)%s_w[j * %lld + k] * x[k];", fn, (long long)q->K);
        int_out_line(e, q, fn, "j");
        e->indent--;
        emit_line(e, "}");
    } else if (q->strategy == STRAT_LOOP) {
        int64_t max_row;
        int_loop_pairs(q, &max_row);
        emit_line(e, "const uint8_t *d = %s_d;", fn);
        emit_line(e, "const int8_t *w = %s_w;", fn);
        emit_line(e, "int j;");
        emit_blank(e);
        emit_line(e, "for (j = 0; j < %lld; j++) {", (long long)q->N);
        e->indent++;
        emit_line(e, "const int8_t *p = x;");
        if (int_loop_packs(q)) {
            emit_line(e, "uint32_t bs = %s_bs[j];", fn);
            emit_line(e, "int32_t acc = (int32_t)(bs >> 5) - 67108864;");
        } else {
            emit_line(e, "int32_t acc = %s_b[j];", fn);
        }
        emit_line(e, "unsigned c = %s_n[j];", fn);
        emit_blank(e);
        emit_line(e, "for (; c; c--) {");
        emit_line(e, "    p += *d++;");
        emit_line(e, "    acc += (int32_t)*w++ * *p;");
        emit_line(e, "}");
        if (int_loop_packs(q))
            emit_line(e, "y[j] = tc_out8(acc, %s_m[j], -(int)(bs & 31u), %d, %d, %d);", fn, (int)q->out.zp, (int)q->lo,
                      (int)q->hi);
        else
            int_out_line(e, q, fn, "j");
        e->indent--;
        emit_line(e, "}");
    } else if (by_input) {
        emit_int_by_input(e, q, fn, parts);
    } else {
        Linear L;
        int note = e->opt->annotate && linear_layer(e->g, n, &L);
        if (stream) {
            emit_line(e, "#if TC_I8S");
            emit_int_stream(e, q, fn, note ? &L : NULL);
            emit_line(e, "#else");
        }
        /* the sums into s[], then one requantising loop (tc_out8i/tc_out8p inlined) */
        emit_line(e, "int32_t acc, an, s[%lld];", (long long)q->N);
        emit_line(e, "int j;");
        emit_blank(e);
        for (j = 0; j < q->N; j++) {
            emit_line(e, "acc = %s_b[%lld];%s", fn, (long long)j,
                      note && L.bname ? arena_printf(e->g->a, " /* %s[%lld] = %.9g at scale %.9g, with -zp_in * sum w */",
                                                     L.bname, (long long)(L.b_bcast ? 0 : j), (double)L.b[j],
                                                     (double)(q->in.scale * q->w_scale[j])) : "");
            /* the negative weights' terms in an, by |w| (a 16-bit MOVS where -w takes a
             * 32-bit MOVW or MVN on a Cortex-M), then s = acc - an */
            neg = 0;
            for (k = 0; k < q->K; k++)
                if (q->w[j * q->K + k])
                    emit_line(e, "%s %s %d * x[%lld];%s", q->w[j * q->K + k] > 0 ? "acc" : "an",
                              q->w[j * q->K + k] > 0 || neg++ ? "+=" : "=", abs(q->w[j * q->K + k]), (long long)k,
                              note ? int_weight_note(e, &L, q, j, k) : "");
            emit_line(e, neg ? "s[%lld] = acc - an;" : "s[%lld] = acc;", (long long)j);
            /* else gcc keeps inputs and products common to several channels on the stack
             * (r15 on a Cortex-M4: 86k instructions an inference, 31k with the barrier) */
            if (j + 1 < q->N)
                emit_line(e, "TC_BARRIER();");
        }
        emit_line(e, "for (j = 0; j < %lld; j++)", (long long)q->N);
        emit_int_out_i(e, q, fn, "s");
        if (stream)
            emit_line(e, "#endif");
    }
    if (q->rows > 1) {
        e->indent--;
        emit_line(e, "}");
    }
    e->indent = 0;
    emit_line(e, "}");
    emit_blank(e);
}

/*
 * Conv (group 1), its one integer form: per output channel its kept taps as
 * (weight, offset, row, column); for output (oy, ox) the window starts at
 * (iy0, ix0) = (oy * s - pad, ox * s - pad), a tap reads
 * x[offset + iy0 * W + ix0] (offset = c * H * W + row * W + column) where
 * (iy0 + row, ix0 + column) lies inside the input, else zp_in (the real 0).
 */
static void emit_int_conv(IntEmit *ie, const Node *n, const QLayer *q)
{
    Emit *e = &ie->e;
    const Window *w = &q->win;
    const char *fn = emit_fn_name(e, n);
    int64_t m, c, ky, kx, at = 0, maxoff = 0;
    int8_t *tw = arena_array(e->g->a, (size_t)q->nnz + 1, 1);
    uint32_t *off = arena_array(e->g->a, (size_t)q->nnz + 1, 4);
    uint8_t *ty = arena_array(e->g->a, (size_t)q->nnz + 1, 1), *tx = arena_array(e->g->a, (size_t)q->nnz + 1, 1);
    uint16_t *cnt = arena_array(e->g->a, (size_t)q->N + 1, 2);
    int wide;
    if ((w->k[0] - 1) * w->d[0] > 255 || (w->k[1] - 1) * w->d[1] > 255 || q->nnz > 65535 * q->N)
        node_error(e->g, n, "--quantize int8: the integer Conv's window is too large");
    for (m = 0; m < q->N; m++) {
        int64_t start = at;
        for (c = 0; c < w->c; c++)
            for (ky = 0; ky < w->k[0]; ky++)
                for (kx = 0; kx < w->k[1]; kx++) {
                    int8_t v = q->w[m * q->K + (c * w->k[0] + ky) * w->k[1] + kx];
                    if (!v)
                        continue;
                    tw[at] = v;
                    ty[at] = (uint8_t)(ky * w->d[0]);
                    tx[at] = (uint8_t)(kx * w->d[1]);
                    off[at] = (uint32_t)((c * w->in[0] + ky * w->d[0]) * w->in[1] + kx * w->d[1]);
                    if (off[at] > maxoff)
                        maxoff = off[at];
                    at++;
                }
        ASSERT(at - start <= 65535);
        cnt[m] = (uint16_t)(at - start);
    }
    wide = maxoff > 65535;
    emit_to_consts(e);
    emit_line(e, "/* node %d: Conv '%s' (taps), int8: %lld of %lld weights nonzero; in scale %.9g zp %d, out scale %.9g zp %d%s */",
              n->index, text_comment(e->g->a, n->name), (long long)q->nnz, (long long)(q->N * q->K), (double)q->in.scale,
              (int)q->in.zp, (double)q->out.scale, (int)q->out.zp, n->act == OP_RELU ? ", ReLU in the bounds" : "");
    int_params(e, q, fn);
    int_table(e, "uint16_t", arena_printf(e->g->a, "%s_n", fn), cnt, 2, 1, q->N);
    int_table(e, "int8_t", arena_printf(e->g->a, "%s_w", fn), tw, 1, 0, at);
    if (wide)
        int_table(e, "int32_t", arena_printf(e->g->a, "%s_o", fn), off, 4, 0, at);
    else {
        uint16_t *o16 = arena_array(e->g->a, (size_t)at + 1, 2);
        for (m = 0; m < at; m++)
            o16[m] = (uint16_t)off[m];
        int_table(e, "uint16_t", arena_printf(e->g->a, "%s_o", fn), o16, 2, 1, at);
    }
    int_table(e, "uint8_t", arena_printf(e->g->a, "%s_y", fn), ty, 1, 1, at);
    int_table(e, "uint8_t", arena_printf(e->g->a, "%s_x", fn), tx, 1, 1, at);
    emit_blank(e);

    emit_to_fns(e);
    e->indent = 0;
    emit_line(e, "/* node %d: Conv '%s', int8 taps (stride %lldx%lld, pads %lld,%lld) */", n->index,
              text_comment(e->g->a, n->name), (long long)w->s[0], (long long)w->s[1], (long long)w->pb[0],
              (long long)w->pb[1]);
    emit_line(e, "static TC_NOLIB void %s(const int8_t *x, int8_t *y)", fn);
    emit_line(e, "{");
    e->indent = 1;
    emit_line(e, "const int8_t *w = %s_w;", fn);
    emit_line(e, "const %s *o = %s_o;", wide ? "int32_t" : "uint16_t", fn);
    emit_line(e, "const uint8_t *ty = %s_y, *tx = %s_x;", fn, fn);
    emit_line(e, "int32_t m, oy, ox, t;");
    emit_blank(e);
    emit_line(e, "for (m = 0; m < %lld; m++) {", (long long)q->N);
    emit_line(e, "    int32_t cnt = %s_n[m];", fn);
    emit_blank(e);
    emit_line(e, "    for (oy = 0; oy < %lld; oy++)", (long long)w->out[0]);
    emit_line(e, "        for (ox = 0; ox < %lld; ox++) {", (long long)w->out[1]);
    emit_line(e, "            int32_t iy0 = oy * %lld - %lld, ix0 = ox * %lld - %lld;", (long long)w->s[0],
              (long long)w->pb[0], (long long)w->s[1], (long long)w->pb[1]);
    emit_line(e, "            int32_t acc = %s_b[m];", fn);
    emit_blank(e);
    emit_line(e, "            for (t = 0; t < cnt; t++) {");
    emit_line(e, "                int32_t iy = iy0 + ty[t], ix = ix0 + tx[t];");
    emit_blank(e);
    emit_line(e, "                acc += (int32_t)w[t] * (iy >= 0 && iy < %lld && ix >= 0 && ix < %lld",
              (long long)w->in[0], (long long)w->in[1]);
    emit_line(e, "                                        ? x[o[t] + iy0 * %lld + ix0] : %d);", (long long)w->in[1],
              (int)q->in.zp);
    emit_line(e, "            }");
    emit_line(e, "            *y++ = tc_out8(acc, %s_m[m], %s_s[m], %d, %d, %d);", fn, fn, (int)q->out.zp, (int)q->lo,
              (int)q->hi);
    emit_line(e, "        }");
    emit_line(e, "    w += cnt;");
    emit_line(e, "    o += cnt;");
    emit_line(e, "    ty += cnt;");
    emit_line(e, "    tx += cnt;");
    emit_line(e, "}");
    e->indent = 0;
    emit_line(e, "}");
    emit_blank(e);
}

/* MaxPool on int8 values of one scale: the same maximum; taps outside the input are skipped. */
static void emit_int_maxpool(IntEmit *ie, const Node *n)
{
    Emit *e = &ie->e;
    Window w;
    conv_window(e->g, n, &w);
    emit_to_fns(e);
    e->indent = 0;
    emit_line(e, "/* node %d: MaxPool '%s', int8 (kernel %lldx%lld, stride %lldx%lld) */", n->index,
              text_comment(e->g->a, n->name), (long long)w.k[0], (long long)w.k[1], (long long)w.s[0], (long long)w.s[1]);
    emit_line(e, "static TC_NOLIB void %s(const int8_t *x, int8_t *y)", emit_fn_name(e, n));
    emit_line(e, "{");
    e->indent = 1;
    emit_line(e, "int32_t c, oy, ox, ky, kx;");
    emit_blank(e);
    emit_line(e, "for (c = 0; c < %lld; c++, x += %lld)", (long long)(w.batch * w.c), (long long)(w.in[0] * w.in[1]));
    emit_line(e, "    for (oy = 0; oy < %lld; oy++)", (long long)w.out[0]);
    emit_line(e, "        for (ox = 0; ox < %lld; ox++) {", (long long)w.out[1]);
    emit_line(e, "            int32_t best = -128;");
    emit_blank(e);
    emit_line(e, "            for (ky = 0; ky < %lld; ky++)", (long long)w.k[0]);
    emit_line(e, "                for (kx = 0; kx < %lld; kx++) {", (long long)w.k[1]);
    emit_line(e, "                    int32_t iy = oy * %lld - %lld + ky * %lld, ix = ox * %lld - %lld + kx * %lld;",
              (long long)w.s[0], (long long)w.pb[0], (long long)w.d[0], (long long)w.s[1], (long long)w.pb[1],
              (long long)w.d[1]);
    emit_blank(e);
    emit_line(e, "                    if (iy >= 0 && iy < %lld && ix >= 0 && ix < %lld && x[iy * %lld + ix] > best)",
              (long long)w.in[0], (long long)w.in[1], (long long)w.in[1]);
    emit_line(e, "                        best = x[iy * %lld + ix];", (long long)w.in[1]);
    emit_line(e, "                }");
    emit_line(e, "            *y++ = (int8_t)best;");
    emit_line(e, "        }");
    e->indent = 0;
    emit_line(e, "}");
    emit_blank(e);
}

/* A quantized model's elementwise node between a DequantizeLinear and a QuantizeLinear,
 * computed at compile time for each of the 256 int8 inputs (quant.c): y = t[x + 128]. */
static void emit_int_table(IntEmit *ie, const Node *n, const int8_t *lut, QParam in, QParam out)
{
    Emit *e = &ie->e;
    const char *fn = emit_fn_name(e, n);
    emit_to_consts(e);
    emit_line(e, "/* node %d: %s '%s', int8 table: the float op on each int8 input (scale %.9g zp %d), quantised "
                 "(scale %.9g zp %d) */", n->index, n->op == OP_IDENTITY ? "Clip" : op_name(n->op),
              text_comment(e->g->a, n->name), (double)in.scale,
              (int)in.zp, (double)out.scale, (int)out.zp);
    int_table(e, "int8_t", arena_printf(e->g->a, "%s_t", fn), lut, 1, 0, 256);
    emit_blank(e);
    emit_to_fns(e);
    e->indent = 0;
    emit_line(e, "/* node %d: %s '%s', int8 table */", n->index, n->op == OP_IDENTITY ? "Clip" : op_name(n->op),
              text_comment(e->g->a, n->name));
    emit_line(e, "static TC_NOLIB void %s(const int8_t *x, int8_t *y)", fn);
    emit_line(e, "{");
    emit_line(e, "    int i;");
    emit_blank(e);
    emit_line(e, "    for (i = 0; i < %lld; i++)", (long long)ir_numel(&e->g->t[n->out[0]]));
    emit_line(e, "        y[i] = %s_t[x[i] + 128];", fn);
    emit_line(e, "}");
    emit_blank(e);
}

static void declare_buf(IntEmit *ie, TensorId id);

/* The island's int8 ends (emit_island.c): declared where needed, named as every int8 buffer. */
static const char *island_int8_buf(void *ctx, TensorId id)
{
    IntEmit *ie = ctx;
    declare_buf(ie, id);
    return buf_name(ie, id);
}

static void declare_buf(IntEmit *ie, TensorId id)
{
    TensorId r = ie->root[id];
    Emit *e = &ie->e;
    if (ie->has_buf[r])
        return;
    ie->has_buf[r] = 1;
    ie->ram += ir_numel(&e->g->t[r]);
    emit_to_consts(e);
    emit_line(e, "static int8_t %s[%lld]; /* '%s' */", buf_name(ie, r), (long long)ir_numel(&e->g->t[r]),
              text_comment(e->g->a, e->g->t[r].name));
}

/* void <prefix>_run(const float *in0, ..., float *out0, ...), int8_t with --io int8 */
static void int_signature(IntEmit *ie, Buf *b)
{
    const Graph *g = ie->e.g;
    int io = ie->e.opt->io_int8;
    int k;
    buf_printf(b, "void %s_run(", ie->e.opt->prefix);
    for (k = 0; k < g->n_inputs; k++)
        buf_printf(b, "%sconst %s *in%d", k ? ", " : "", io ? io_type(g, g->inputs[k]) : "float", k);
    for (k = 0; k < g->n_outputs; k++)
        buf_printf(b, ", %s *out%d", io ? io_type(g, g->outputs[k]) : "float", k);
    buf_printf(b, ")");
}

/*
 * --io int8 --main: the test driver still reads and writes raw float32, quantising
 * with tc_q8 and dequantising with tc_dq, so its bytes equal those of float I/O.
 */
static void int_main(IntEmit *ie)
{
    Emit *e = &ie->e;
    Graph *g = e->g;
    const QuantPlan *p = g->quant;
    int k;
    Buf args = {0};
    emit_blank(e);
    emit_line(e, "/* Test driver (--main): raw float32 samples on stdin, quantised for the int8 inputs;");
    emit_line(e, " * the int8 outputs dequantised to raw float32 on stdout. -r N runs each sample N times. */");
    emit_line(e, "int main(int argc, char **argv)");
    emit_line(e, "{");
    e->indent = 1;
    for (k = 0; k < g->n_inputs; k++) {
        emit_line(e, "static float in%d[%lld];", k, (long long)ir_numel(&g->t[g->inputs[k]]));
        emit_line(e, "static %s q_in%d[%lld];", io_type(g, g->inputs[k]), k, (long long)ir_numel(&g->t[g->inputs[k]]));
        buf_printf(&args, "%sq_in%d", k ? ", " : "", k);
    }
    for (k = 0; k < g->n_outputs; k++) {
        emit_line(e, "static float out%d[%lld];", k, (long long)ir_numel(&g->t[g->outputs[k]]));
        emit_line(e, "static %s q_out%d[%lld];", io_type(g, g->outputs[k]), k, (long long)ir_numel(&g->t[g->outputs[k]]));
        buf_printf(&args, ", q_out%d", k);
    }
    emit_line(e, "long reps = 1, r, i;");
    emit_line(e, "size_t got;");
    emit_blank(e);
    emit_main_reps(e, " < inputs.f32 > outputs.f32");
    emit_line(e, "for (;;) {");
    e->indent++;
    for (k = 0; k < g->n_inputs; k++) {
        long long m = (long long)ir_numel(&g->t[g->inputs[k]]);
        QParam q = p->t[g->inputs[k]];
        emit_line(e, "got = fread(in%d, sizeof(float), %lld, stdin);", k, m);
        if (!k) {
            emit_line(e, "if (got == 0 && feof(stdin))");
            emit_line(e, "    break;");
        }
        emit_line(e, "if (got != %lld) {", m);
        emit_line(e, "    fprintf(stderr, \"%s: short read: expected %lld floats, got %%lu\\n\", (unsigned long)got);",
                  e->opt->prefix, m);
        emit_line(e, "    return 1;");
        emit_line(e, "}");
        emit_line(e, "for (i = 0; i < %lld; i++)", m);
        if (io_u8(g, g->inputs[k]))
            emit_line(e, "    q_in%d[i] = (uint8_t)(tc_q8f(in%d[i], %s, %ld, %d, %d) + 128);", k, k, inv_lit(g, q),
                      (long)q.inv_m, q.inv_s, (int)q.zp);
        else
            emit_line(e, "    q_in%d[i] = tc_q8f(in%d[i], %s, %ld, %d, %d);", k, k, inv_lit(g, q), (long)q.inv_m, q.inv_s,
                      (int)q.zp);
    }
    emit_line(e, "for (r = 0; r < reps; r++)");
    emit_line(e, "    %s_run(%s);", e->opt->prefix, args.p);
    for (k = 0; k < g->n_outputs; k++) {
        long long m = (long long)ir_numel(&g->t[g->outputs[k]]);
        QParam q = p->t[g->outputs[k]];
        uint32_t u;
        memcpy(&u, &q.scale, 4);
        emit_line(e, "for (i = 0; i < %lld; i++)", m);
        emit_line(e, "    out%d[i] = tc_dq(q_out%d[i] - %d, 0x%lxu, %d);", k, k,
                  (int)q.zp + (io_u8(g, g->outputs[k]) ? 128 : 0), (unsigned long)((u & 0x7fffffu) | 0x800000u),
                  (int)(u >> 23 & 0xff));
        emit_line(e, "if (fwrite(out%d, sizeof(float), %lld, stdout) != %lld)", k, m, m);
        emit_line(e, "    return 1;");
    }
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "return fflush(stdout) == 0 ? 0 : 1;");
    e->indent = 0;
    emit_line(e, "}");
    buf_free(&args);
}

static void int_header(IntEmit *ie, Buf *h)
{
    Emit *e = &ie->e;
    Graph *g = e->g;
    char guard[64];
    int k;
    emit_h_open(e, h, guard, sizeof guard);
    if (e->opt->io_int8) {
        emit_line(e, "#include <stdint.h>");
        emit_blank(e);
    }
    for (k = 0; k < g->n_inputs; k++)
        emit_line(e, "#define %s_IN%d_SIZE %lld", guard, k, (long long)ir_numel(&g->t[g->inputs[k]]));
    for (k = 0; k < g->n_outputs; k++)
        emit_line(e, "#define %s_OUT%d_SIZE %lld", guard, k, (long long)ir_numel(&g->t[g->outputs[k]]));
    if (ie->ram_x86) {
        /* the condition of TC_IX86 (emit_int_conv.c): the int16 pair copies exist there alone */
        emit_line(e, "#if defined(__GNUC__) && !defined(TC_NO_VEC) && defined(__SSE2__) && (defined(__x86_64__) || defined(__i386__))");
        emit_line(e, "#define %s_INT8_BYTES %lld /* with x86's int16 copies of Conv inputs (%lld bytes) */", guard,
                  (long long)(ie->ram + ie->ram_x86), (long long)ie->ram_x86);
        emit_line(e, "#else");
        emit_line(e, "#define %s_INT8_BYTES %lld", guard, (long long)ie->ram);
        emit_line(e, "#endif");
    } else
        emit_line(e, "#define %s_INT8_BYTES %lld", guard, (long long)ie->ram);
    if (e->opt->io_int8) {
        /* x = SCALE * (q - ZERO_POINT) */
        for (k = 0; k < g->n_inputs; k++) {
            QParam q = g->quant->t[g->inputs[k]];
            emit_line(e, "#define %s_IN%d_SCALE %.9gf", guard, k, (double)q.scale);
            emit_line(e, "#define %s_IN%d_ZERO_POINT %d", guard, k, (int)q.zp + (io_u8(g, g->inputs[k]) ? 128 : 0));
        }
        for (k = 0; k < g->n_outputs; k++) {
            QParam q = g->quant->t[g->outputs[k]];
            emit_line(e, "#define %s_OUT%d_SCALE %.9gf", guard, k, (double)q.scale);
            emit_line(e, "#define %s_OUT%d_ZERO_POINT %d", guard, k, (int)q.zp + (io_u8(g, g->outputs[k]) ? 128 : 0));
        }
    }
    emit_blank(e);
    emit_line(e, "/*");
    if (e->opt->io_int8) {
        emit_line(e, " * Runs the int8 model once on int8 inputs, x = SCALE * (q - ZERO_POINT), to int8");
        emit_line(e, " * outputs. Not reentrant: %s_INT8_BYTES bytes of static int8 buffers.", guard);
    } else {
        emit_line(e, " * Runs the int8 model once: float inputs quantised on entry, integer layers,");
        emit_line(e, " * outputs dequantised on exit. Not reentrant: %s_INT8_BYTES bytes of static", guard);
        emit_line(e, " * int8 buffers.");
    }
    for (k = 0; k < g->n_inputs; k++) {
        const Tensor *t = &g->t[g->inputs[k]];
        emit_line(e, " *   in%d:  '%s' %s, %lld %s", k, text_comment(g->a, t->name), ir_shape_str(g->a, t),
                  (long long)ir_numel(t), e->opt->io_int8 ? (io_u8(g, g->inputs[k]) ? "uint8" : "int8") : "floats");
    }
    for (k = 0; k < g->n_outputs; k++) {
        const Tensor *t = &g->t[g->outputs[k]];
        emit_line(e, " *   out%d: '%s' %s, %lld %s", k, text_comment(g->a, t->name), ir_shape_str(g->a, t),
                  (long long)ir_numel(t), e->opt->io_int8 ? (io_u8(g, g->outputs[k]) ? "uint8" : "int8") : "floats");
    }
    emit_line(e, " */");
    {
        Buf sig = {0};
        int_signature(ie, &sig);
        emit_line(e, "%s;", sig.p);
        buf_free(&sig);
    }
    emit_blank(e);
    emit_line(e, "#endif");
}

void emit_int_c(Graph *g, const EmitOptions *opt, Buf *c, Buf *h)
{
    IntEmit ie;
    Emit *e = &ie.e;
    const QuantPlan *p = g->quant;
    IslandBufs isl;
    Buf sig = {0};
    int k, q8z = 0, q8v = 0;
    uint32_t t;

    memset(&ie, 0, sizeof ie);
    e->g = g;
    e->opt = opt;
    e->emitted_const = arena_alloc(g->a, g->nt + 1);
    ie.root = arena_array(g->a, g->nt + 1, sizeof(TensorId));
    ie.has_buf = arena_alloc(g->a, g->nt + 1);
    ie.bufname = arena_array(g->a, g->nt + 1, sizeof(char *));
    ie.fin = arena_alloc(g->a, g->nt + 1);
    for (t = 0; t < g->nt; t++)
        ie.root[t] = t;
    memset(&isl, 0, sizeof isl);
    isl.ctx = &ie;
    isl.int8_buf = island_int8_buf;
    isl.deq = arena_alloc(g->a, g->nt + 1);

    /* entry: every float input to int8 */
    for (k = 0; k < g->n_inputs; k++) {
        TensorId id = g->inputs[k];
        QParam q = p->t[id];
        if (opt->io_int8 && io_u8(g, id)) { /* uint8 u is the int8 u - 128 */
            declare_buf(&ie, id);
            emit_to_run(e);
            e->indent = 1;
            emit_line(e, "for (i = 0; i < %lld; i++) /* '%s' uint8 to int8 (zero point %d to %d) */",
                      (long long)ir_numel(&g->t[id]), text_comment(g->a, g->t[id].name), (int)q.zp + 128, (int)q.zp);
            emit_line(e, "    %s[i] = (int8_t)((int32_t)in%d[i] - 128);", buf_name(&ie, id), k);
            continue;
        }
        if (opt->io_int8) { /* the layers read the caller's int8 input */
            ie.has_buf[id] = 1;
            ie.bufname[id] = arena_printf(g->a, "in%d", k);
            continue;
        }
        if (only_by_input(g, id)) { /* read as float, quantised where not 0 (emit_int_by_input_part) */
            ie.fin[id] = 1;
            ie.bufname[id] = arena_printf(g->a, "in%d", k);
            continue;
        }
        declare_buf(&ie, id);
        emit_to_run(e);
        e->indent = 1;
        if (!feeds_by_input(g, id) && ir_numel(&g->t[id]) <= INT_MAX) { /* tc_q8v: 4 at a time */
            q8v = 1;
            emit_line(e, "tc_q8v(in%d, %s, %lld, %s, %ld, %d, %d); /* quantise '%s': scale %.9g, zero point %d */", k,
                      buf_name(&ie, id), (long long)ir_numel(&g->t[id]), inv_lit(g, q), (long)q.inv_m, q.inv_s,
                      (int)q.zp, text_comment(g->a, g->t[id].name), (double)q.scale, (int)q.zp);
            continue;
        }
        emit_line(e, "for (i = 0; i < %lld; i++) /* quantise '%s': scale %.9g, zero point %d */",
                  (long long)ir_numel(&g->t[id]), text_comment(g->a, g->t[id].name), (double)q.scale, (int)q.zp);
        q8z |= feeds_by_input(g, id);
        emit_line(e, "    %s[i] = %s(in%d[i], %s, %ld, %d, %d);", buf_name(&ie, id),
                  feeds_by_input(g, id) ? "tc_q8z" : "tc_q8f", k, inv_lit(g, q), (long)q.inv_m, q.inv_s, (int)q.zp);
    }
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        TensorId x, y;
        if (n->dead)
            continue;
        if (p->island && p->island[k]) { /* computed in float (emit_island.c) */
            emit_island_node(e, n, &isl);
            continue;
        }
        x = n->in[0];
        y = n->out[0];
        if ((n->op == OP_FLATTEN || n->op == OP_RESHAPE || n->op == OP_IDENTITY) && !(p->lut && p->lut[k])) {
            ie.root[y] = ie.root[x]; /* the same bytes (Identity: a quantized model's QuantizeLinear, DequantizeLinear) */
            continue;
        }
        declare_buf(&ie, y);
        if (p->lut && p->lut[k]) {
            emit_int_table(&ie, n, p->lut[k], p->t[x], p->t[y]);
        } else if (p->layer[k] && p->layer[k]->conv && p->layer[k]->strategy != STRAT_LOOP) {
            emit_int_conv_fast(e, n, p->layer[k], &ie.ram, &ie.ram_x86);
        } else if (p->layer[k] && p->layer[k]->conv) {
            emit_int_conv(&ie, n, p->layer[k]);
        } else if (p->layer[k]) {
            emit_int_layer(&ie, n, p->layer[k]);
        } else if (n->op == OP_MAXPOOL) {
            emit_int_maxpool(&ie, n);
        } else if (n->op == OP_RELU) {
            emit_to_fns(e);
            e->indent = 0;
            emit_line(e, "/* node %d: Relu '%s', int8: max(x, zero point) */", n->index, text_comment(g->a, n->name));
            emit_line(e, "static TC_NOLIB void %s(const int8_t *x, int8_t *y)", emit_fn_name(e, n));
            emit_line(e, "{");
            emit_line(e, "    int i;");
            emit_blank(e);
            emit_line(e, "    for (i = 0; i < %lld; i++)", (long long)ir_numel(&g->t[y]));
            emit_line(e, "        y[i] = x[i] > %d ? x[i] : %d;", (int)p->t[y].zp, (int)p->t[y].zp);
            emit_line(e, "}");
            emit_blank(e);
        } else {
            BUG("node not in the integer path");
        }
        emit_to_run(e);
        e->indent = 1;
        emit_line(e, "%s(%s, %s);", emit_fn_name(e, n), buf_name(&ie, x), buf_name(&ie, y));
    }
    /* exit: y = (q - zp) * scale */
    for (k = 0; k < g->n_outputs; k++) {
        TensorId id = g->outputs[k];
        QParam q = p->t[id];
        uint32_t u;
        memcpy(&u, &q.scale, 4); /* a normal float (quant.c): ms = 1.f, es = its exponent field */
        emit_to_run(e);
        e->indent = 1;
        if (p->flt && p->flt[id]) { /* a float island's value */
            emit_line(e, "for (i = 0; i < %lld; i++) /* '%s', computed in float */", (long long)ir_numel(&g->t[id]),
                      text_comment(g->a, g->t[id].name));
            emit_line(e, "    out%d[i] = tc_f%u[i];", k, id);
            continue;
        }
        if (opt->io_int8 && io_u8(g, id)) {
            emit_line(e, "for (i = 0; i < %lld; i++) /* '%s' int8 to uint8: scale %.9g, zero point %d */",
                      (long long)ir_numel(&g->t[id]), text_comment(g->a, g->t[id].name), (double)q.scale,
                      (int)q.zp + 128);
            emit_line(e, "    out%d[i] = (uint8_t)((int32_t)%s[i] + 128);", k, buf_name(&ie, id));
            continue;
        }
        if (opt->io_int8) {
            emit_line(e, "for (i = 0; i < %lld; i++) /* '%s': scale %.9g, zero point %d */",
                      (long long)ir_numel(&g->t[id]), text_comment(g->a, g->t[id].name), (double)q.scale, (int)q.zp);
            emit_line(e, "    out%d[i] = %s[i];", k, buf_name(&ie, id));
            continue;
        }
        emit_line(e, "for (i = 0; i < %lld; i++) /* dequantise '%s': scale %.9g, zero point %d */",
                  (long long)ir_numel(&g->t[id]), text_comment(g->a, g->t[id].name), (double)q.scale, (int)q.zp);
        emit_line(e, "    out%d[i] = tc_dq(%s[i] - %d, 0x%lxu, %d);", k, buf_name(&ie, id), (int)q.zp,
                  (unsigned long)((u & 0x7fffffu) | 0x800000u), (int)(u >> 23 & 0xff));
    }

    e->out = c;
    e->indent = 0;
    emit_header_comment(e);
    if (opt->with_main) {
        emit_line(e, "#include <stdio.h>");
        emit_line(e, "#include <stdlib.h>");
    }
    emit_line(e, "#include <stdint.h>");
    emit_blank(e);
    emit_preamble(e, "base");
    if (p->islands)
        emit_float_support(e); /* the islands' math and preamble blocks */
    int_signature(&ie, &sig);
    emit_line(e, "%s;", sig.p);
    emit_blank(e);
    buf_add(c, int_helpers, strlen(int_helpers));
    if (!opt->io_int8 || opt->with_main) {
        /* tc_dq only where an output is dequantised (not all of them float islands') */
        const char *dq = strstr(int_io_helpers, "/* Outputs: y = (float)d * scale");
        int used = 0;
        for (k = 0; k < g->n_outputs; k++)
            used |= !(p->flt && p->flt[g->outputs[k]]);
        buf_add(c, int_io_helpers, used ? strlen(int_io_helpers) : (size_t)(dq - int_io_helpers));
    }
    if (q8z)
        buf_add(c, int_q8z_helper, strlen(int_q8z_helper));
    if (q8v)
        buf_add(c, int_q8v_helper, strlen(int_q8v_helper));
    for (k = 0; k < g->n_inputs; k++)
        if (ie.fin[g->inputs[k]]) {
            buf_add(c, int_fbits_helper, strlen(int_fbits_helper));
            buf_add(c, int_q8d_helper, strlen(int_q8d_helper));
            break;
        }
    {
        int out8i = 0, out8p = 0, out8q = 0;
        for (k = 0; k < g->nn; k++) {
            const QLayer *q = p->layer[k];
            if (g->n[k].dead || !q || q->conv || q->strategy != STRAT_UNROLLED)
                continue;
            out8i |= int_out_i_uses(q) & 1;
            out8p |= int_out_i_uses(q) >> 1 & 1;
            out8q |= int_out_i_uses(q) >> 2;
        }
        if (out8i)
            buf_add(c, int_out8i_helper, strlen(int_out8i_helper));
        if (out8p)
            buf_add(c, int_out8p_helper, strlen(int_out8p_helper));
        if (out8q)
            buf_add(c, int_out8q_helper, strlen(int_out8q_helper));
    }
    if (p->islands)
        emit_island_helpers(e);
    emit_int_conv_preamble(g, c);
    if (ie.ram_x86)
        emit_line(e, "/* int8 activations: %lld bytes, %lld more on x86 (TC_IX86: Conv inputs as int16 pairs) */",
                  (long long)ie.ram, (long long)ie.ram_x86);
    else
        emit_line(e, "/* int8 activations: %lld bytes */", (long long)ie.ram);
    if (p->islands)
        emit_line(e, "/* float islands: %lld bytes of float buffers */", (long long)isl.float_bytes);
    if (e->consts.len)
        buf_add(c, e->consts.p, e->consts.len);
    emit_blank(e);
    if (e->fns.len)
        buf_add(c, e->fns.p, e->fns.len);
    emit_line(e, "/* Runs the int8 model once: quantise, integer layers, dequantise. */");
    emit_line(e, "%s", sig.p);
    emit_line(e, "{");
    emit_line(e, "    int i;");
    emit_blank(e);
    if (e->run.len)
        buf_add(c, e->run.p, e->run.len);
    emit_line(e, "}");
    if (opt->with_main && opt->io_int8)
        int_main(&ie);
    else if (opt->with_main)
        emit_main(e, NULL);
    buf_free(&sig);
    buf_free(&e->consts);
    buf_free(&e->fns);
    buf_free(&e->run);
    int_header(&ie, h);
}

/* --summary of a quantised graph: per integer layer its form, bytes and parameters. */
void print_int_summary(const Graph *g, FILE *f)
{
    const QuantPlan *p = g->quant;
    int64_t total = 0, kept = 0, zeroed = 0;
    int k;
    if (g->qdq)
        fprintf(f, "int8 (a quantized model: the file's scales and zero points, %lld quantized operators read)\n",
                (long long)g->qdq->nodes);
    else
        fprintf(f, "int8 (--quantize int8, calibrated on %lld samples)\n", (long long)p->samples);
    fprintf(f, "node  op         name             nonzero/total    strategy  est M4 bytes  in scale/zp        out scale/zp       relu\n");
    for (k = 0; k < g->nn; k++) {
        const QLayer *q = p->layer[k];
        const Node *n = &g->n[k];
        int64_t b;
        if (n->dead || !q)
            continue;
        b = int_layer_bytes(q, q->strategy);
        total += b;
        kept += q->nnz;
        zeroed += q->zeroed;
        fprintf(f, "%-5d %-10s %-16.16s %8lld/%-8lld %-9s %12lld  %-10.4g %-6d  %-10.4g %-6d  %s\n", n->index,
                op_name(n->op), text_comment(g->a, n->name), (long long)q->nnz, (long long)(q->N * q->K),
                q->by_input && q->strategy == STRAT_UNROLLED ? "by-input" : strategy_name(q->strategy), (long long)b,
                (double)q->in.scale, (int)q->in.zp, (double)q->out.scale,
                (int)q->out.zp, n->act == OP_RELU ? "fused" : "-");
    }
    for (k = 0; k < g->nn; k++)
        if (!g->n[k].dead && p->lut && p->lut[k])
            fprintf(f, "node %d %s '%s': %s, for each of the 256 int8 inputs: a table\n", g->n[k].index,
                    g->n[k].op == OP_IDENTITY ? "Clip" : op_name(g->n[k].op), text_comment(g->a, g->n[k].name),
                    g->n[k].op == OP_IDENTITY ? "a Clip of the integers"
                                              : "no integer form; computed in float between a DequantizeLinear and a "
                                                "QuantizeLinear at compile time");
    print_int_details(g, f); /* summary.c */
    fprintf(f, "total: %lld int8 weights nonzero (%lld kept weights rounded to 0), about %lld bytes of layer code "
               "and constants on a Cortex-M4%s\n",
            (long long)kept, (long long)zeroed, (long long)total,
            g->code_budget > 0 ? arena_printf(g->a, " (--code-budget %lld)", (long long)g->code_budget) : "");
}
