/*
 * tc_preamble.c: the fixed macros that generated files define before their
 * code, copied by ticketc block by block (as runtime/tc_math.c is): 'base'
 * into every file, 'vec' where Conv rows are computed a vector at a time,
 * 'fma' where a multiply-add appears; 'f16_in', 'f16_out', 'bf16_in',
 * 'bf16_out', 'd_in' and 'd_out' (float16 and bfloat16 bits and double to
 * and from float, as interp_types.c converts them) where graph inputs,
 * outputs or Casts need them. A block is
 * the text between its TC_BLOCK marker line and the TC_END marker, written
 * as it stands.
 */

/* TC_BLOCK base */
/* The model calls no library function: compilers must not turn its loops
 * into calls of memset, memcpy or memmove. */
#if defined(__clang__)
#define TC_NOLIB __attribute__((no_builtin))
#elif defined(__GNUC__)
#define TC_NOLIB __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define TC_NOLIB
#endif

/* Keeps the compiler from interleaving neurons (bounds its time and registers). */
#if defined(__GNUC__)
#define TC_BARRIER() __asm__ volatile("" ::: "memory")
#else
#define TC_BARRIER() ((void)0)
#endif

/* Hides where p points, so the compiler reads inputs at small offsets from p
 * (x, x256 = x + 256, ...) instead of building each input's address. */
#if defined(__GNUC__)
#define TC_BASE(p) __asm__ volatile("" : "+r"(p))
#else
#define TC_BASE(p) ((void)(p))
#endif

/* TC_END */

/* TC_BLOCK vec */
/* Conv rows, TC_VW output positions at a time, on targets with a vector unit (GNU C
 * vector extensions): each position gets the same products and sums in the same order
 * as the plain C loop that other targets (and -DTC_NO_VEC) compile. */
#if defined(__GNUC__) && !defined(TC_NO_VEC) && \
    (defined(__SSE2__) || defined(__ARM_NEON) || defined(__aarch64__))
#define TC_VEC 1
#if defined(__AVX__)
#define TC_VW 8
#else
#define TC_VW 4
#endif
typedef float tc_vf __attribute__((vector_size(TC_VW * 4)));
typedef float tc_vfu __attribute__((vector_size(TC_VW * 4), aligned(4), may_alias));
typedef int tc_vi __attribute__((vector_size(TC_VW * 4)));
#else
#define TC_VEC 0
#endif

/* TC_END */

/* TC_BLOCK vecx */
/* Register-blocked Conv rows: up to TC_VWX output positions at a time, the
 * target's widest vector (16 floats with AVX-512, 8 with AVX, 4 with SSE or
 * NEON), each position getting the same products and sums in the same order
 * as the plain C loop that other targets (and -DTC_NO_VEC) compile. */
#if defined(__GNUC__) && !defined(TC_NO_VEC) && \
    (defined(__SSE2__) || defined(__ARM_NEON) || defined(__aarch64__))
#define TC_VECX 1
#if defined(__AVX512F__)
#define TC_VWX 16
#define TC_VWH 8
#elif defined(__AVX__)
#define TC_VWX 8
#define TC_VWH 4
#else
#define TC_VWX 4
#define TC_VWH 4
#endif
#else
#define TC_VECX 0
#endif
/* With x86 FMA, a multiply-add rounded once, in both forms: TC_SFMA on a
 * float, TC_VFMA<lanes> on a vector (the builtins of the FMA and AVX-512
 * intrinsics, in gcc and clang alike). */
#if defined(__GNUC__) && defined(__FMA__) && (defined(__x86_64__) || defined(__i386__))
#define TC_XFMA 1
#define TC_SFMA(a, b, c) __builtin_fmaf((a), (b), (c))
#define TC_VFMA4(a, b, c) __builtin_ia32_vfmaddps((a), (b), (c))
#define TC_VFMA8(a, b, c) __builtin_ia32_vfmaddps256((a), (b), (c))
#define TC_VFMA16(a, b, c) __builtin_ia32_vfmaddps512_mask((a), (b), (c), (short)-1, 4)
#else
#define TC_XFMA 0
#define TC_SFMA(a, b, c) ((c) + (a) * (b))
#endif
#define TC_CAT(a, b) TC_CAT_(a, b)
#define TC_CAT_(a, b) a##b
/* Such functions fuse no multiply-add (even under -ffp-contract=fast), so
 * that both forms round alike: TC_EXACT before the name, TC_EXACT_BODY first
 * in the body. (GCC keeps only the last optimize attribute of a function, so
 * TC_EXACT repeats TC_NOLIB's option: else its loops became memset calls.) */
#if defined(__clang__)
#define TC_EXACT
#define TC_EXACT_BODY _Pragma("clang fp contract(off)")
#elif defined(__GNUC__)
#define TC_EXACT __attribute__((optimize("fp-contract=off", "no-tree-loop-distribute-patterns")))
#define TC_EXACT_BODY
#else
#define TC_EXACT
#define TC_EXACT_BODY
#endif

/* TC_END */

/* TC_BLOCK fma */
/* a * b + c, rounded once where the target has a fused multiply-add instruction
 * (x86-64 with FMA, ARMv8, Cortex-M4F): one instruction per kept weight; else a
 * multiply and an add (ticketc --no-fma writes that everywhere). */
#if defined(__GNUC__) && (defined(__FMA__) || defined(__ARM_FEATURE_FMA))
#define TC_FMA(a, b, c) __builtin_fmaf((a), (b), (c))
#else
#define TC_FMA(a, b, c) ((a) * (b) + (c))
#endif

/* TC_END */

/* TC_BLOCK dvec */
/* Dense Gemm/MatMul, TC_DVW outputs a vector (GNU C vector extensions; 16 lanes
 * with AVX-512, 8 with AVX, 4 with SSE and AArch64 NEON): each output gets the
 * same products and sums in the same order as the plain C loop that other
 * targets (and -DTC_NO_VEC) compile, fused where TC_FMA is fused. Not on 32-bit
 * ARM: its NEON flushes subnormals to zero, unlike its scalar unit. */
#if defined(__GNUC__) && !defined(TC_NO_VEC) && (defined(__SSE2__) || defined(__aarch64__))
#define TC_DVEC 1
#if defined(__AVX512F__)
#define TC_DVW 16
#elif defined(__AVX__)
#define TC_DVW 8
#else
#define TC_DVW 4
#endif
typedef float tc_dvf __attribute__((vector_size(TC_DVW * 4)));
typedef float tc_dvfu __attribute__((vector_size(TC_DVW * 4), aligned(4), may_alias));
typedef int tc_dvi __attribute__((vector_size(TC_DVW * 4)));
#define TC_DSPLAT(s) ((s) - (tc_dvf){0})
/* the weight tables of these loops start on a cache line: a vector load at a
 * 32-byte offset would touch two lines (4.7 MB Gemm table: about 15% slower) */
#define TC_DALIGN __attribute__((aligned(64)))
#if (defined(__FMA__) || defined(__ARM_FEATURE_FMA)) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#if TC_DVW == 16
#define TC_DFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#elif TC_DVW == 8
#define TC_DFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#else
#define TC_DFMA(a, b, c) _mm_fmadd_ps((a), (b), (c))
#endif
#elif defined(__ARM_FEATURE_FMA)
#include <arm_neon.h>
#define TC_DFMA(a, b, c) vfmaq_f32((c), (a), (b))
#else
#define TC_DFMA(a, b, c) ((a) * (b) + (c))
#endif
#else
#define TC_DVEC 0
#define TC_DALIGN
#endif

/* TC_END */

/* TC_BLOCK dnz */
/* TC_DNZ(p): a bit per lane of the TC_DVW floats at p that is not 0 (NaN
 * included), lane 0 the lowest: the zero inputs that dense Conv skips. */
#if TC_DVEC && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#if TC_DVW == 16
#define TC_DNZ(p) ((unsigned)_mm512_cmp_ps_mask(_mm512_loadu_ps(p), _mm512_setzero_ps(), _CMP_NEQ_UQ))
#elif TC_DVW == 8
#define TC_DNZ(p) ((unsigned)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(p), _mm256_setzero_ps(), _CMP_NEQ_UQ)))
#else
#define TC_DNZ(p) ((unsigned)_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(p), _mm_setzero_ps())))
#endif
#elif TC_DVEC
static inline unsigned tc_dnz(const float *p)
{
    const tc_dvi m = (*(const tc_dvfu *)p != (tc_dvf){0}) & (tc_dvi){1, 2, 4, 8};
    return (unsigned)(m[0] | m[1] | m[2] | m[3]);
}
#define TC_DNZ(p) tc_dnz(p)
#endif
/* TC_END */

/* TC_BLOCK dxld */
/* TC_DXLD(m, p): a vector of 16 floats whose lanes in mask m take the next
 * floats from p in order (popcount(m) of them read), the others +0: AVX-512's
 * expand-load (vexpandps), for the dense Gemm's compressed weight rows. Only
 * in the AVX-512 code: built with it, or its dispatch variant. */
#if (TC_DVEC && TC_DVW == 16 && (defined(__x86_64__) || defined(__i386__))) || TC_DISPATCH
#include <immintrin.h>
#define TC_DXLD(m, p) _mm512_maskz_expandloadu_ps((__mmask16)(m), (p))
#endif
/* TC_END */

/* TC_BLOCK dreg */
/* TC_DREG(v): vector v held in a register from here on, so that an input
 * vector several multiply-adds use is loaded once (compilers otherwise fold
 * the load into each of them: on AVX-512, unaligned loads that cross cache
 * lines); emit_conv_sparse.c's blocks of more than one channel. */
#if TC_DVEC && (defined(__x86_64__) || defined(__i386__))
#define TC_DREG(v) __asm__("" : "+v"(v))
#elif TC_DVEC && defined(__aarch64__)
#define TC_DREG(v) __asm__("" : "+w"(v))
#else
#define TC_DREG(v) ((void)0)
#endif
/* TC_END */

/* TC_BLOCK dispatch */
/* Run-time dispatch on x86-64 (GNU C) where the build has no AVX (plain -O2):
 * the hot layer functions are compiled twice more, for AVX2 (8 lanes) and
 * AVX-512 (16 lanes), and each call takes the widest that the CPU and the OS
 * support (CPUID and XGETBV, probed once, kept in one int). The variants make
 * the same products and sums in the same order, unfused, as the SSE code and
 * -DTC_NO_VEC: the same bits on every machine. -DTC_NO_DISPATCH turns it off. */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__SSE2__) && !defined(__AVX__) && \
    !defined(TC_NO_VEC) && !defined(TC_NO_DISPATCH)
#define TC_DISPATCH 1
#include <immintrin.h>
typedef float tc_xf16 __attribute__((vector_size(64)));
typedef float tc_xfu16 __attribute__((vector_size(64), aligned(4), may_alias));
typedef int tc_xi16 __attribute__((vector_size(64)));
typedef float tc_xf8 __attribute__((vector_size(32)));
typedef float tc_xfu8 __attribute__((vector_size(32), aligned(4), may_alias));
typedef int tc_xi8 __attribute__((vector_size(32)));
/* A variant's attributes (target attributes define no __AVX2__ for the
 * preprocessor: the dispatch16/dispatch8 blocks set the widths), and what
 * starts its body: no multiply-add fused, as in TC_EXACT (and TC_NOLIB's
 * option repeated, as there). */
#if defined(__clang__)
#define TC_X16 __attribute__((target("avx512f")))
#define TC_X8 __attribute__((target("avx2")))
#define TC_XBODY _Pragma("clang fp contract(off)")
#else
#define TC_X16 __attribute__((target("avx512f"), optimize("fp-contract=off", "no-tree-loop-distribute-patterns")))
#define TC_X8 __attribute__((target("avx2"), optimize("fp-contract=off", "no-tree-loop-distribute-patterns")))
#define TC_XBODY
#endif
/* 2 with AVX-512F (and the OS saving zmm and mask registers), 1 with AVX2
 * (and ymm saved), else 0. */
static int tc_isa_probe(void)
{
    unsigned a, b, c, d, xlo, xhi, top;
    __asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0u), "c"(0u));
    top = a;
    if (top < 7)
        return 0;
    __asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1u), "c"(0u));
    if (!(c & 1u << 27) || !(c & 1u << 28)) /* OSXSAVE, AVX */
        return 0;
    __asm__("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0u));
    (void)xhi;
    if ((xlo & 6u) != 6u) /* XMM and YMM state */
        return 0;
    __asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7u), "c"(0u));
    if (!(b & 1u << 5)) /* AVX2 */
        return 0;
    if ((b & 1u << 16) && (xlo & 0xe6u) == 0xe6u) /* AVX512F; opmask, ZMM0-15 and ZMM16-31 state */
        return 2;
    return 1;
}
/* The level, probed on the first call (threads that race store the same
 * value); -DTC_ISA_MAX=1 or 0 caps it (tests of the narrower code). */
static int tc_isa(void)
{
    static int known; /* 1 + the level, 0 before the first probe */
    int v = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (!v) {
        v = 1 + tc_isa_probe();
#if defined(TC_ISA_MAX)
        v = v > 1 + TC_ISA_MAX ? 1 + TC_ISA_MAX : v;
#endif
        __atomic_store_n(&known, v, __ATOMIC_RELAXED);
    }
    return v - 1;
}
#else
#define TC_DISPATCH 0
#endif

/* TC_END */

/* TC_BLOCK dispatch16 */
/* the AVX-512 variants' widths and types */
#undef TC_DVW
#define TC_DVW 16
#define tc_dvf tc_xf16
#define tc_dvfu tc_xfu16
#define tc_dvi tc_xi16
#undef TC_VW
#define TC_VW 8
#define tc_vf tc_xf8
#define tc_vfu tc_xfu8
#define tc_vi tc_xi8
#undef TC_VWX
#define TC_VWX 16
#undef TC_VWH
#define TC_VWH 8
#undef TC_DNZ
#define TC_DNZ(p) ((unsigned)_mm512_cmp_ps_mask(_mm512_loadu_ps(p), _mm512_setzero_ps(), _CMP_NEQ_UQ))
/* TC_END */

/* TC_BLOCK dispatch8 */
/* the AVX2 variants' widths and types */
#undef tc_dvf
#undef tc_dvfu
#undef tc_dvi
#undef tc_vf
#undef tc_vfu
#undef tc_vi
#undef TC_DVW
#define TC_DVW 8
#define tc_dvf tc_xf8
#define tc_dvfu tc_xfu8
#define tc_dvi tc_xi8
#undef TC_VW
#define TC_VW 8
#define tc_vf tc_xf8
#define tc_vfu tc_xfu8
#define tc_vi tc_xi8
#undef TC_VWX
#define TC_VWX 8
#undef TC_VWH
#define TC_VWH 4
#undef TC_DNZ
#define TC_DNZ(p) ((unsigned)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(p), _mm256_setzero_ps(), _CMP_NEQ_UQ)))
/* TC_END */

/* TC_BLOCK dispatch_end */
/* back to the SSE build's widths and types */
#undef TC_DVW
#define TC_DVW 4
#undef tc_dvf
#undef tc_dvfu
#undef tc_dvi
#undef TC_VW
#define TC_VW 4
#undef tc_vf
#undef tc_vfu
#undef tc_vi
#undef TC_VWX
#define TC_VWX 4
#undef TC_VWH
#define TC_VWH 4
#undef TC_DNZ
#define TC_DNZ(p) ((unsigned)_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(p), _mm_setzero_ps())))
/* TC_END */

/* TC_BLOCK f16_in */
/* float16 bits (sign, 5 exponent bits biased by 15, 10 fraction bits) to float:
 * exact. Exponent 0 holds zero and the subnormals m * 2^-24, 31 infinity and NaN. */
static float tc_f16_to_f32(uint16_t h)
{
    union { uint32_t u; float f; } v;
    uint32_t s = (uint32_t)(h & 0x8000u) << 16, e = (uint32_t)(h >> 10) & 0x1fu, m = h & 0x3ffu;

    if (e == 0x1f)
        v.u = s | 0x7f800000u | (m << 13);
    else if (e)
        v.u = s | ((e + 112) << 23) | (m << 13);
    else if (!m)
        v.u = s;
    else {
        for (e = 113; !(m & 0x400u); e--) /* a subnormal: normalised */
            m <<= 1;
        v.u = s | (e << 23) | ((m & 0x3ffu) << 13);
    }
    return v.f;
}

/* TC_END */

/* TC_BLOCK f16_out */
/* float to float16 bits, to nearest with ties to even: the fraction bits float
 * has beyond float16 decide; a carry steps the exponent, up to infinity (65520
 * and beyond); below 2^-25, zero; NaN stays a quiet NaN. */
static uint16_t tc_f32_to_f16(float f)
{
    union { float f; uint32_t u; } v;
    uint32_t s, e, m, h, r, sh;

    v.f = f;
    s = (v.u >> 16) & 0x8000u;
    e = (v.u >> 23) & 0xffu;
    m = v.u & 0x7fffffu;
    if (e == 0xff)
        return (uint16_t)(s | 0x7c00u | (m ? 0x200u | (m >> 13) : 0));
    if (e >= 143)
        return (uint16_t)(s | 0x7c00u);
    if (e >= 113) {
        h = ((e - 112) << 10) | (m >> 13);
        r = m & 0x1fffu;
        return (uint16_t)(s | (h + (r > 0x1000u || (r == 0x1000u && (h & 1)))));
    }
    if (e < 102)
        return (uint16_t)s;
    m |= 0x800000u; /* a subnormal float16: value / 2^-24 = m >> sh */
    sh = 126 - e;
    h = m >> sh;
    r = m & ((1u << sh) - 1);
    return (uint16_t)(s | (h + (r > (1u << (sh - 1)) || (r == (1u << (sh - 1)) && (h & 1)))));
}

/* TC_END */

/* TC_BLOCK bf16_in */
/* bfloat16 bits to float: they are float's upper half. */
static float tc_bf16_to_f32(uint16_t h)
{
    union { uint32_t u; float f; } v;

    v.u = (uint32_t)h << 16;
    return v.f;
}

/* TC_END */

/* TC_BLOCK bf16_out */
/* float to bfloat16 bits, to nearest with ties to even (overflow gives
 * infinity); NaN stays a quiet NaN. */
static uint16_t tc_f32_to_bf16(float f)
{
    union { float f; uint32_t u; } v;

    v.f = f;
    if ((v.u & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((v.u >> 16) | 0x40u);
    return (uint16_t)((v.u + 0x7fffu + ((v.u >> 16) & 1u)) >> 16);
}

/* TC_END */

/* TC_BLOCK d_in */
/* double to float, to nearest with ties to even, from the bits (no floating-point
 * conversion: C leaves one outside float's range undefined, and a single-precision
 * FPU would call a library routine): beyond float's range, infinity; below half its
 * smallest subnormal (2^-150), zero; NaN stays a quiet NaN. */
static float tc_f64_to_f32(double d)
{
    union { double d; uint64_t u; } v;
    union { uint32_t u; float f; } r;
    uint64_t m, rest, half;
    uint32_t s, e, sh;

    v.d = d;
    s = (uint32_t)(v.u >> 32) & 0x80000000u;
    e = (uint32_t)(v.u >> 52) & 0x7ffu;
    m = v.u & 0xfffffffffffffu;
    if (e == 0x7ff)
        r.u = s | 0x7f800000u | (m ? 0x400000u | (uint32_t)(m >> 29) : 0);
    else if (e >= 1151) /* 2^128 and beyond */
        r.u = s | 0x7f800000u;
    else if (e >= 897) { /* a normal float; a carry steps the exponent, up to infinity */
        r.u = ((e - 896) << 23) | (uint32_t)(m >> 29);
        rest = m & 0x1fffffffu;
        r.u = s | (r.u + (rest > 0x10000000u || (rest == 0x10000000u && (r.u & 1))));
    } else if (e < 870) /* below 2^-150 (and double's subnormals): zero */
        r.u = s;
    else { /* a subnormal float: value / 2^-149 = m >> sh */
        m |= (uint64_t)1 << 52;
        sh = 926 - e;
        half = (uint64_t)1 << (sh - 1);
        rest = m & ((half << 1) - 1);
        r.u = (uint32_t)(m >> sh);
        r.u = s | (r.u + (rest > half || (rest == half && (r.u & 1))));
    }
    return r.f;
}

/* TC_END */

/* TC_BLOCK d_out */
/* float to double, exact, from the bits (a single-precision FPU would call a library
 * routine): float's subnormals become normal doubles. */
static double tc_f32_to_f64(float f)
{
    union { float f; uint32_t u; } v;
    union { uint64_t u; double d; } r;
    uint64_t s;
    uint32_t e, m;

    v.f = f;
    s = (uint64_t)(v.u >> 31) << 63;
    e = (v.u >> 23) & 0xffu;
    m = v.u & 0x7fffffu;
    if (e == 0xff)
        r.u = s | ((uint64_t)0x7ff << 52) | ((uint64_t)m << 29);
    else if (e)
        r.u = s | ((uint64_t)(e + 896) << 52) | ((uint64_t)m << 29);
    else if (!m)
        r.u = s;
    else {
        for (e = 897; !(m & 0x800000u); e--) /* a subnormal: normalised */
            m <<= 1;
        r.u = s | ((uint64_t)e << 52) | ((uint64_t)(m & 0x7fffffu) << 29);
    }
    return r.d;
}

/* TC_END */
