/* check_math.c - runtime/tc_math.c against libm, in ulps.
 *
 * Each function is swept over float bit patterns (the whole range with a
 * stride, plus denser strides over the ranges where the work happens) and
 * over a list of special values with their neighbours.  The oracle is glibc's
 * float function of the same name, or the formula in double rounded to float
 * where libm has none.  Distance is counted on the ordered integer image of
 * the floats, -0 one step below +0; a nan where the oracle has none (or the
 * other way round) counts as infinitely far.  For the special values a zero
 * or an infinity must match bit for bit.  Each test prints its worst case. */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../runtime/tc_math.c"

/* The sanitizer build (make asan-tests) sweeps every THIN-th point of each
 * range: UBSan and ASan look at the same code paths, the plain build (make
 * unit) checks accuracy on every point. THIN is odd, so strides stay odd. */
#ifndef THIN
#define THIN 1
#endif

typedef float (*Fn1)(float);
typedef float (*Fn2)(float, float);

/* ---- ulp distance ---- */

static float f_of(unsigned int u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static unsigned int u_of(float f)
{
    unsigned int u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* Floats in order as integers: +0 -> 0, -0 -> -1, next to -0 -> -2, ... */
static long long ordered(float f)
{
    unsigned int u = u_of(f);
    return u >> 31 ? -(long long)(u & 0x7fffffffu) - 1 : (long long)u;
}

static float from_ordered(long long o)
{
    return o < 0 ? f_of((unsigned int)(-(o + 1)) | 0x80000000u) : f_of((unsigned int)o);
}

static long long ulp_dist(float a, float b)
{
    long long d;
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b) ? 0 : LLONG_MAX;
    d = ordered(a) - ordered(b);
    return d < 0 ? -d : d;
}

/* ---- worst case bookkeeping ---- */

typedef struct {
    const char *name;
    long long bound;    /* ulps allowed */
    long long worst;
    float x, y;         /* arguments of the worst case */
    float got, want;
    long points;
    int exact_fail;     /* a special value whose zero/inf/nan did not match */
    float ex, ey, egot, ewant;
} Tally;

static void tally_init(Tally *t, const char *name, long long bound)
{
    memset(t, 0, sizeof *t);
    t->name = name;
    t->bound = bound;
    t->worst = -1;
}

static void tally(Tally *t, float x, float y, float got, float want, int special)
{
    long long d = ulp_dist(got, want);
    t->points++;
    if (d > t->worst) {
        t->worst = d;
        t->x = x;
        t->y = y;
        t->got = got;
        t->want = want;
    }
    if (special && !t->exact_fail && (want == 0.0f || isinf(want) || isnan(want))
            && !(isnan(want) ? isnan(got) : u_of(got) == u_of(want))) {
        t->exact_fail = 1;
        t->ex = x;
        t->ey = y;
        t->egot = got;
        t->ewant = want;
    }
}

static void report(const Tally *t, int two_args)
{
    if (two_args)
        printf("tc_%-10s max %lld ulp (bound %lld) at x=%a y=%a: tc %a, libm %a; %ld points\n",
               t->name, t->worst, t->bound, (double)t->x, (double)t->y, (double)t->got,
               (double)t->want, t->points);
    else
        printf("tc_%-10s max %lld ulp (bound %lld) at x=%a: tc %a, libm %a; %ld points\n",
               t->name, t->worst, t->bound, (double)t->x, (double)t->got, (double)t->want,
               t->points);
    fflush(stdout);
    ck_assert_msg(!t->exact_fail, "tc_%s(%a, %a) = %a, libm gives %a", t->name, (double)t->ex,
                  (double)t->ey, (double)t->egot, (double)t->ewant);
    ck_assert_msg(t->worst <= t->bound, "tc_%s: %lld ulp at x=%a y=%a (tc %a, libm %a), bound %lld",
                  t->name, t->worst, (double)t->x, (double)t->y, (double)t->got, (double)t->want,
                  t->bound);
}

/* ---- inputs ---- */

/* Special values; each is also tried with its neighbours 1 and 2 ulps away. */
static const float specials[] = {
    0.0f, 1.0f, 0.5f, 1.5f, 2.0f, 2.5f, 3.0f, 0.25f, 0.75f, 10.0f, 100.0f,
    0x1p-149f, 0x1.fffffcp-127f, 0x1p-126f, 0x1p-100f, 0x1p-30f, 0x1p-25f, 0x1p-24f, 0x1p-12f,
    0x1.fffffep127f, 0x1p127f, 0x1p64f, 0x1p31f, 0x1p24f, 0x1p23f, 8388607.5f, 4194303.5f,
    /* exp, expm1, sigmoid, softplus: overflow, underflow, saturation */
    88.72283f, 88.7228394f, 88.75f, 89.0f, 87.33654f, 103.972076f, 103.27893f, 104.0f,
    17.0f, 17.328680f, 17.5f, 16.635532f, 0.34657359f, 0.6931472f,
    /* log, log1p: split points */
    0.70710677f, 1.4142135f, 0.29289322f, 0.41421357f, 0.9999999f, 1.0000001f,
    /* tanh, erf: switch points and saturation */
    0.55f, 0.7f, 9.01f, 9.1f, 0.9f, 3.92f, 3.9192059f,
    /* sin, cos: near multiples of pi/2, the Cody-Waite limit, huge */
    0.78539819f, 1.5707964f, 3.1415927f, 4.712389f, 6.2831855f, 1024.0f, 1023.9999f,
    1e5f, 71476.0625f, 102940.66f, 1e10f, 1e22f, 1e30f, 0x1.921fb6p+126f,
};

static float nan_f(void)
{
    return f_of(0x7fc00000u);
}

static float inf_f(void)
{
    return f_of(0x7f800000u);
}

/* Every special value, its negation, its neighbours, and inf and nan. */
static int special_list(float *out, int max)
{
    int n = 0;
    size_t i;
    int d, s;
    for (i = 0; i < sizeof specials / sizeof specials[0]; i++)
        for (s = 0; s < 2; s++)
            for (d = -2; d <= 2; d++) {
                long long o = ordered(s ? -specials[i] : specials[i]) + d;
                float v = from_ordered(o);
                if (n < max && !isnan(v))
                    out[n++] = v;
            }
    if (n + 4 <= max) {
        out[n++] = inf_f();
        out[n++] = -inf_f();
        out[n++] = nan_f();
        out[n++] = -nan_f();
    }
    return n;
}

/* A range of floats [lo, hi] swept in about `points` steps of the ordered image. */
typedef struct {
    float lo, hi;
    long points;
} Range;

static void sweep_range(Tally *t, Fn1 f, Fn1 ref, Range r)
{
    long long a = ordered(r.lo), b = ordered(r.hi), o;
    long long step = (b - a) / r.points;
    if (step < 1)
        step = 1;
    step = (step | 1) * THIN;  /* odd, so every significand bit moves */
    for (o = a; o <= b; o += step) {
        float x = from_ordered(o);
        tally(t, x, 0.0f, f(x), ref(x), 0);
    }
}

/* Whole float range with a stride, the dense ranges, then the specials. */
static void check_fn1(const char *name, Fn1 f, Fn1 ref, long long bound, const Range *ranges,
                      int n_ranges)
{
    Tally t;
    float sp[1024];
    int n = special_list(sp, 1024), i;
    unsigned long long u;
    tally_init(&t, name, bound);
    for (u = 0; u <= 0xffffffffu; u += 3989 * THIN) {     /* about 1.08M points */
        float x = f_of((unsigned int)u);
        tally(&t, x, 0.0f, f(x), ref(x), 0);
    }
    for (i = 0; i < n_ranges; i++)
        sweep_range(&t, f, ref, ranges[i]);
    for (i = 0; i < n; i++)
        tally(&t, sp[i], 0.0f, f(sp[i]), ref(sp[i]), 1);
    report(&t, 0);
}

/* ---- oracles libm does not have ---- */

static float ref_sigmoid(float x)
{
    return (float)(1.0 / (1.0 + exp(-(double)x)));
}

static float ref_softplus(float x)
{
    double d = x;
    return (float)(d > 0.0 ? d + log1p(exp(-d)) : log1p(exp(d)));
}

/* ---- one-argument functions ---- */

#define R(lo, hi, n) { lo, hi, n }

START_TEST(expf_within_1ulp)
{
    Range r[] = { R(-104.0f, 89.0f, 1000000), R(-1.0f, 1.0f, 200000) };
    check_fn1("expf", tc_expf, expf, 1, r, 2);
}
END_TEST

START_TEST(expm1f_within_1ulp)
{
    Range r[] = { R(-18.0f, 89.0f, 1000000), R(-1.0f, 1.0f, 200000) };
    check_fn1("expm1f", tc_expm1f, expm1f, 1, r, 2);
}
END_TEST

START_TEST(logf_within_1ulp)
{
    Range r[] = { R(0.0f, 0x1p-126f, 100000), R(0.25f, 4.0f, 1000000) };
    check_fn1("logf", tc_logf, logf, 1, r, 2);
}
END_TEST

START_TEST(log1pf_within_1ulp)
{
    Range r[] = { R(-1.0f, 2.0f, 1000000), R(2.0f, 1e6f, 200000) };
    check_fn1("log1pf", tc_log1pf, log1pf, 1, r, 2);
}
END_TEST

/* 1.05 ulp from the true value, but glibc's tanhf is itself up to 2.2 ulp off. */
START_TEST(tanhf_within_2ulp)
{
    Range r[] = { R(-9.5f, 9.5f, 1000000), R(0.5f, 1.0f, 200000) };
    check_fn1("tanhf", tc_tanhf, tanhf, 2, r, 2);
}
END_TEST

START_TEST(sigmoidf_within_2ulp)
{
    Range r[] = { R(-110.0f, 20.0f, 1000000), R(-18.0f, -16.0f, 200000) };
    check_fn1("sigmoidf", tc_sigmoidf, ref_sigmoid, 2, r, 2);
}
END_TEST

START_TEST(softplusf_within_2ulp)
{
    Range r[] = { R(-110.0f, 20.0f, 1000000), R(-3.0f, 3.0f, 200000) };
    check_fn1("softplusf", tc_softplusf, ref_softplus, 2, r, 2);
}
END_TEST

START_TEST(erff_within_1ulp)
{
    Range r[] = { R(-4.0f, 4.0f, 1000000), R(0.8f, 1.0f, 200000) };
    check_fn1("erff", tc_erff, erff, 1, r, 2);
}
END_TEST

START_TEST(sqrtf_correctly_rounded)
{
    Range r[] = { R(0.0f, 0x1p-126f, 100000), R(1.0f, 4.0f, 1000000) };
    check_fn1("sqrtf", tc_sqrtf, sqrtf, 0, r, 2);
}
END_TEST

/* Besides the sweeps, the floats nearest k*pi/2 for k up to 65536 (|x| up to
 * 1e5): there the reduction cancels most. */
static void check_trig(const char *name, Fn1 f, Fn1 ref)
{
    Range r[] = { R(-4.0f, 4.0f, 400000), R(4.0f, 1e5f, 800000), R(1e5f, 0x1.fffffep127f, 200000) };
    Tally t;
    float sp[1024];
    int n = special_list(sp, 1024), i, d;
    unsigned long long u;
    long k;
    tally_init(&t, name, 1);
    for (u = 0; u <= 0xffffffffu; u += 3989 * THIN) {
        float x = f_of((unsigned int)u);
        tally(&t, x, 0.0f, f(x), ref(x), 0);
    }
    for (i = 0; i < 3; i++)
        sweep_range(&t, f, ref, r[i]);
    for (k = 1; k <= 65536; k++)
        for (d = -1; d <= 1; d++) {
            float x = from_ordered(ordered((float)(k * 1.5707963267948966)) + d);
            tally(&t, x, 0.0f, f(x), ref(x), 0);
        }
    for (i = 0; i < n; i++)
        tally(&t, sp[i], 0.0f, f(sp[i]), ref(sp[i]), 1);
    report(&t, 0);
}

START_TEST(sinf_within_1ulp)
{
    check_trig("sinf", tc_sinf, sinf);
}
END_TEST

START_TEST(cosf_within_1ulp)
{
    check_trig("cosf", tc_cosf, cosf);
}
END_TEST

/* floor, ceil, round, nearbyint, fabs are exact: 0 ulp, signed zeros included. */
static const Range rounding_ranges[] = {
    R(-10.0f, 10.0f, 500000), R(0x1p21f, 0x1p24f, 500000), R(-0x1p24f, -0x1p21f, 500000),
};

START_TEST(floorf_exact)
{
    check_fn1("floorf", tc_floorf, floorf, 0, rounding_ranges, 3);
}
END_TEST

START_TEST(ceilf_exact)
{
    check_fn1("ceilf", tc_ceilf, ceilf, 0, rounding_ranges, 3);
}
END_TEST

START_TEST(roundf_exact)
{
    check_fn1("roundf", tc_roundf, roundf, 0, rounding_ranges, 3);
}
END_TEST

START_TEST(nearbyintf_exact)
{
    check_fn1("nearbyintf", tc_nearbyintf, nearbyintf, 0, rounding_ranges, 3);
}
END_TEST

/* Inverse trigonometric and hyperbolic functions (issue 4's Atan ... Atanh). */
START_TEST(atanf_within_2ulp)
{
    Range r[] = { R(-3.0f, 3.0f, 1000000), R(0.35f, 0.45f, 200000) };
    check_fn1("atanf", tc_atanf, atanf, 2, r, 2);
}
END_TEST

START_TEST(asinf_acosf_within_3ulp)
{
    Range r[] = { R(-1.0f, 1.0f, 1000000), R(0.99f, 1.0f, 200000) };
    check_fn1("asinf", tc_asinf, asinf, 3, r, 2);
    check_fn1("acosf", tc_acosf, acosf, 3, r, 2);
}
END_TEST

START_TEST(asinhf_acoshf_atanhf_within_2ulp)
{
    Range r[] = { R(-5000.0f, 5000.0f, 1000000), R(1.0f, 1.1f, 200000) }, t[] = { R(-1.0f, 1.0f, 1000000) };
    check_fn1("asinhf", tc_asinhf, asinhf, 2, r, 2);
    check_fn1("acoshf", tc_acoshf, acoshf, 2, r, 2);
    check_fn1("atanhf", tc_atanhf, atanhf, 2, t, 1);
}
END_TEST

START_TEST(fabsf_exact)
{
    check_fn1("fabsf", tc_fabsf, fabsf, 0, rounding_ranges, 1);
}
END_TEST

/* ---- two-argument functions ---- */

/* Every pair of special values (with neighbours). */
static void special_pairs(Tally *t, Fn2 f, Fn2 ref)
{
    static float sp[1024];
    int n = special_list(sp, 1024), i, j;
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            tally(t, sp[i], sp[j], f(sp[i], sp[j]), ref(sp[i], sp[j]), 1);
}

/* Pairs drawn by two strides over the bit patterns. */
static void grid_pairs(Tally *t, Fn2 f, Fn2 ref, unsigned int x_lo, unsigned int x_hi,
                       unsigned int x_step, unsigned int y_step)
{
    unsigned long long ux, uy;
    for (ux = x_lo; ux <= x_hi; ux += x_step)
        for (uy = 0; uy <= 0xffffffffu; uy += (unsigned long long)y_step * THIN) {
            float x = f_of((unsigned int)ux), y = f_of((unsigned int)uy);
            tally(t, x, y, f(x, y), ref(x, y), 0);
        }
}

/* 1 ulp seen; two arguments are only sampled, so the bound keeps a margin. */
START_TEST(powf_within_2ulp)
{
    Tally t;
    unsigned long long ux;
    int i, j;
    tally_init(&t, "powf", 2);
    special_pairs(&t, tc_powf, powf);
    grid_pairs(&t, tc_powf, powf, 0, 0xffffffffu, 4194319, 4194319);   /* 1024 x 1024 */
    /* positive x, y chosen so that x^y = 2^e for e across the whole range */
    for (ux = 1; ux < 0x7f800000u; ux += 0x7f800000u / 1500 * THIN) {
        float x = f_of((unsigned int)ux);
        double l = log2((double)x);
        if (l == 0.0)
            continue;
        for (i = 0; i < 600; i++) {
            double e = -152.0 + 282.0 * i / 600.0 + 0.37 * ((i * 7919) % 1000) / 1000.0;
            double yd = e / l;
            float y;
            if (fabs(yd) > 0x1p127)
                continue;
            y = (float)yd;
            tally(&t, x, y, tc_powf(x, y), powf(x, y), 0);
        }
    }
    /* negative x with integer y */
    for (ux = 0xbc000000u; ux <= 0xc3000000u; ux += 0x7000000u / 4000 * THIN)
        for (j = -40; j <= 40; j++) {
            float x = f_of((unsigned int)ux), y = (float)j;
            tally(&t, x, y, tc_powf(x, y), powf(x, y), 0);
        }
    report(&t, 1);
}
END_TEST

START_TEST(fmodf_exact)
{
    Tally t;
    tally_init(&t, "fmodf", 0);
    special_pairs(&t, tc_fmodf, fmodf);
    grid_pairs(&t, tc_fmodf, fmodf, 0, 0xffffffffu, 4194319, 4194319);
    /* quotients of every size, including subnormal y */
    grid_pairs(&t, tc_fmodf, fmodf, 0x3f800000u, 0x3f800000u + 0x1000u * 255, 0x1000u,
               1048573);
    report(&t, 1);
}
END_TEST

/* ---- the branch-free activations (tc_mul_sigmoidf, tc_geluf): bounds in
 * ulps of the double result and absolute, as runtime/tc_math.c states them ---- */

/* |got - want| in units of the float spacing at want (2^-149 at least) */
static double ulps_at(float got, double want)
{
    int e;
    double ulp;
    frexp(want, &e);
    ulp = ldexp(1.0, e - 24);
    if (ulp < 0x1p-149)
        ulp = 0x1p-149;
    return fabs((double)got - want) / ulp;
}

typedef struct {
    double ulp, abs_small, abs_rel;   /* worst: ulps (in range), absolute (out of range), |err| / max(1, |x|) */
    float x_ulp, x_small, x_rel;
} Act;

static void act_point(Act *w, float x, float got, double want, int in_range)
{
    double u = ulps_at(got, want), ar = fabs((double)got - want) / fmax(1.0, fabs((double)x));
    if (isnan(want) || isnan(got)) {
        ck_assert_msg(isnan(want) && isnan(got), "x=%a: got %a, want %a", (double)x, (double)got, want);
        return;
    }
    if (in_range && u > w->ulp)
        w->ulp = u, w->x_ulp = x;
    if (!in_range && fabs((double)got - want) > w->abs_small)
        w->abs_small = fabs((double)got - want), w->x_small = x;
    if (ar > w->abs_rel)
        w->abs_rel = ar, w->x_rel = x;
}

/* every float with a stride, [-20, 20] densely, the specials */
#define ACT_SWEEP(...)                                                        \
    do {                                                                      \
        unsigned long long u_;                                                \
        long long o_, a_ = ordered(-20.0f), b_ = ordered(20.0f);               \
        float sp_[1024];                                                      \
        int n_ = special_list(sp_, 1024), i_;                                 \
        float x;                                                              \
        for (u_ = 0; u_ <= 0xffffffffu; u_ += 1009 * THIN) {                   \
            x = f_of((unsigned int)u_);                                       \
            __VA_ARGS__;                                                      \
        }                                                                     \
        for (o_ = a_; o_ <= b_; o_ += 1001 * THIN) {                          \
            x = from_ordered(o_);                                             \
            __VA_ARGS__;                                                      \
        }                                                                     \
        for (i_ = 0; i_ < n_; i_++) {                                         \
            x = sp_[i_];                                                      \
            __VA_ARGS__;                                                      \
        }                                                                     \
    } while (0)

/* Swish (SiLU) x * sigmoid(x): 3.5 ulp where the result is normal, 2^-140
 * absolute below; exp_neg (exp(a) * 2^64) 1 ulp. */
START_TEST(swish_within_bound)
{
    Act w, we;
    memset(&w, 0, sizeof w);
    memset(&we, 0, sizeof we);
    ACT_SWEEP({
        double d = x, want = d / (1.0 + exp(-d));
        if (isinf(x))
            want = x > 0 ? d : nan_f();  /* -inf * 0, as x / (1 + e^-x) = -inf/inf */
        act_point(&w, x, tc_mul_sigmoidf(x, x), want, fabs(want) >= 0x1p-126);
        if (x <= 0.0f && x >= -104.0f)
            act_point(&we, x, tc_exp_neg(x), ldexp(exp(d), 64), 1);
    });
    printf("tc_swish     max %.2f ulp (bound 3.5) at x=%a; below 2^-126 max abs %.3g (bound 2^-140) at x=%a\n", w.ulp,
           (double)w.x_ulp, w.abs_small, (double)w.x_small);
    printf("tc_exp_neg   max %.2f ulp (bound 1) at x=%a\n", we.ulp, (double)we.x_ulp);
    fflush(stdout);
    ck_assert_msg(w.ulp <= 3.5, "swish: %.2f ulp at %a", w.ulp, (double)w.x_ulp);
    ck_assert_msg(w.abs_small <= 0x1p-140, "swish: %g absolute at %a", w.abs_small, (double)w.x_small);
    ck_assert_msg(we.ulp <= 1.0, "exp_neg: %.2f ulp at %a", we.ulp, (double)we.x_ulp);
}
END_TEST

/* GELU, erf form and tanh form: |error| <= 1.5e-7 * max(1, |x|) everywhere
 * (about one ulp of max(1, |x|)); for x >= -3, 24 ulp of the result (the
 * erfc piece exp(Q(a)) carries Q's rounding as relative error). */
START_TEST(gelu_within_bound)
{
    Act w, wt;
    memset(&w, 0, sizeof w);
    memset(&wt, 0, sizeof wt);
    ACT_SWEEP({
        double d = x;
        double want = 0.5 * d * (1.0 + erf(d / sqrt(2.0)));
        double wtanh = 0.5 * d * (1.0 + tanh(0.7978845608028654 * (d + 0.044715 * d * d * d)));
        float z = x * (1.59576912f + 0.0713548162f * x * x);
        if (isinf(x))
            want = wtanh = x > 0 ? d : nan_f();  /* -inf * 0 */
        act_point(&w, x, tc_geluf(x), want, x >= -3.0f);
        act_point(&wt, x, tc_mul_sigmoidf(x, z), wtanh, x >= -3.0f && fabsf(x) < 1e6f);
    });
    printf("tc_geluf     max %.3g * max(1,|x|) (bound 1.5e-7) at x=%a; x >= -3: %.2f ulp (bound 24) at x=%a\n",
           w.abs_rel, (double)w.x_rel, w.ulp, (double)w.x_ulp);
    printf("gelu tanh    max %.3g * max(1,|x|) (bound 1.5e-7) at x=%a; -3 <= x < 1e6: %.2f ulp (bound 24) at x=%a\n",
           wt.abs_rel, (double)wt.x_rel, wt.ulp, (double)wt.x_ulp);
    fflush(stdout);
    ck_assert_msg(w.abs_rel <= 1.5e-7, "gelu: %g at %a", w.abs_rel, (double)w.x_rel);
    ck_assert_msg(w.ulp <= 24.0, "gelu: %.2f ulp at %a", w.ulp, (double)w.x_ulp);
    ck_assert_msg(wt.abs_rel <= 1.5e-7, "gelu tanh: %g at %a", wt.abs_rel, (double)wt.x_rel);
    ck_assert_msg(wt.ulp <= 24.0, "gelu tanh: %.2f ulp at %a", wt.ulp, (double)wt.x_ulp);
}
END_TEST

/* HardSwish's clamp: exactly t < 0 ? 0 : t > 1 ? 1 : t (bit for bit; -0 gives +0) */
START_TEST(clamp01_exact)
{
    unsigned long long u;
    for (u = 0; u <= 0xffffffffu; u += 257 * THIN) {
        float t = f_of((unsigned int)u), want = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t, got = tc_clamp01(t);
        if (isnan(t))
            ck_assert_msg(got == 0.0f || got == 1.0f, "clamp01(nan) = %a", (double)got);
        else
            ck_assert_msg(u_of(got) == u_of(want + 0.0f), "clamp01(%a) = %a, want %a", (double)t, (double)got, (double)want);
    }
}
END_TEST

/* int64 / uint64 to float: bit for bit C's conversion (rounded to nearest even), at
 * every power of two and its neighbours, at the rounding ties of each bit length, and on
 * a pseudo-random sweep of all bit lengths */
static void i64f_case(unsigned long long u)
{
    long long v = (long long)u;
    ck_assert_msg(u_of(tc_u64f(u)) == u_of((float)u), "u64f(%llu) = %a, want %a", u, (double)tc_u64f(u),
                  (double)(float)u);
    ck_assert_msg(u_of(tc_i64f(v)) == u_of((float)v), "i64f(%lld) = %a, want %a", v, (double)tc_i64f(v),
                  (double)(float)v);
}

START_TEST(i64f_exact)
{
    unsigned long long x = 0x9e3779b97f4a7c15ull;
    int b, d, i;
    for (b = 0; b < 64; b++)
        for (d = -3; d <= 3; d++) {
            unsigned long long p = 1ull << b;
            i64f_case(p + (unsigned long long)(long long)d);
            i64f_case(0ull - p + (unsigned long long)(long long)d);
            if (b > 24) { /* half-way between two floats, and the values just beside it */
                unsigned long long half = 1ull << (b - 25);
                i64f_case(p + half + (unsigned long long)(long long)d);
                i64f_case(p + 3 * half + (unsigned long long)(long long)d);
                i64f_case(p | (p - 1));
            }
        }
    for (i = 0; i < 2000000 / THIN; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        i64f_case(x >> (i % 64));
        i64f_case(x >> (i % 64) & ~0xffull); /* trailing zeros: exact cases */
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("math");
    TCase *tc = tcase_create("ulp");
    tcase_set_timeout(tc, 300);    /* the sweeps take seconds; more under sanitizers */
    tcase_add_test(tc, expf_within_1ulp);
    tcase_add_test(tc, expm1f_within_1ulp);
    tcase_add_test(tc, logf_within_1ulp);
    tcase_add_test(tc, log1pf_within_1ulp);
    tcase_add_test(tc, tanhf_within_2ulp);
    tcase_add_test(tc, sigmoidf_within_2ulp);
    tcase_add_test(tc, softplusf_within_2ulp);
    tcase_add_test(tc, erff_within_1ulp);
    tcase_add_test(tc, sqrtf_correctly_rounded);
    tcase_add_test(tc, sinf_within_1ulp);
    tcase_add_test(tc, cosf_within_1ulp);
    tcase_add_test(tc, floorf_exact);
    tcase_add_test(tc, ceilf_exact);
    tcase_add_test(tc, roundf_exact);
    tcase_add_test(tc, nearbyintf_exact);
    tcase_add_test(tc, fabsf_exact);
    tcase_add_test(tc, powf_within_2ulp);
    tcase_add_test(tc, fmodf_exact);
    tcase_add_test(tc, atanf_within_2ulp);
    tcase_add_test(tc, asinf_acosf_within_3ulp);
    tcase_add_test(tc, asinhf_acoshf_atanhf_within_2ulp);
    tcase_add_test(tc, swish_within_bound);
    tcase_add_test(tc, gelu_within_bound);
    tcase_add_test(tc, clamp01_exact);
    tcase_add_test(tc, i64f_exact);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
