/*
 * tc_preamble.c: the fixed macros that generated files define before their
 * code, copied by ticketc block by block (as runtime/tc_math.c is): 'base'
 * into every file, 'vec' where Conv rows are computed a vector at a time,
 * 'fma' where a multiply-add appears. A block is the text between its
 * TC_BLOCK marker line and the TC_END marker, written as it stands.
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
 * in the body. */
#if defined(__clang__)
#define TC_EXACT
#define TC_EXACT_BODY _Pragma("clang fp contract(off)")
#elif defined(__GNUC__)
#define TC_EXACT __attribute__((optimize("fp-contract=off")))
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
