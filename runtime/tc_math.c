/*
 * tc_math.c: the float math that generated networks embed, so they need no libm.
 *
 * ticketc copies these blocks one by one into the C files it emits.  A block
 * opens with a marker comment giving its name and, after USES, the blocks it
 * calls directly (the compiler emits those first, resolving them
 * transitively), and closes with an end marker.  A block compiles on its own
 * with its USES blocks, and uses every static function in the blocks it
 * names, so emitted code has no unused statics.
 *
 * Rules for every block: C99 with no #include (the text lands in files that may
 * already include anything), built-in types only, no library calls, no double
 * arithmetic (Cortex-M4 has a single-precision FPU only), no global mutable
 * state.  Each function has the C99 libm semantics of the same name without
 * the tc_ prefix (no errno), computed in float.  The error bound above each
 * function was measured over all 2^32 inputs against glibc 2.36 (whose float
 * functions are within 1 ulp, tanhf within 2.2), or against the formula in
 * double rounded to float where libm has none; tests/unit/check_math.c keeps
 * checking it on a sample.
 */

/* TC_FUNC tc_bits */
/* Float <-> IEEE-754 binary32 bit pattern; punning through a union is defined
 * in C99.  The typedef fails to compile where unsigned int is not 32 bits. */
typedef char tc_u32_check[sizeof(unsigned int) == 4 && sizeof(float) == 4 ? 1 : -1];
typedef union { float f; unsigned int u; } tc_f32_bits;

static float tc_from_bits(unsigned int u)
{
    tc_f32_bits b;
    b.u = u;
    return b.f;
}

static unsigned int tc_to_bits(float f)
{
    tc_f32_bits b;
    b.f = f;
    return b.u;
}
/* TC_END */

/* TC_FUNC tc_fabsf USES tc_bits */
/* |x|: clear the sign bit (exact, also for -0 and nan). */
static float tc_fabsf(float x)
{
    return tc_from_bits(tc_to_bits(x) & 0x7fffffffu);
}
/* TC_END */

/* TC_FUNC tc_floorf USES tc_bits */
/* floor(x), exact: with e the unbiased exponent, the low 23-e significand bits
 * are the fraction; clear them, first adding one unit of the integer part to a
 * negative x that has a fraction.  |x| >= 2^23, inf and nan are returned. */
static float tc_floorf(float x)
{
    unsigned int u = tc_to_bits(x);
    int e = (int)((u >> 23) & 0xffu) - 127;
    unsigned int m;

    if (e >= 23)
        return x;
    if (e >= 0) {
        m = 0x007fffffu >> e;
        if ((u & m) == 0)
            return x;
        if (u >> 31)
            u += m;
        u &= ~m;
    } else if (u >> 31 == 0) {
        u = 0;                      /* 0 <= x < 1 -> +0 */
    } else if (u << 1) {
        u = 0xbf800000u;            /* -1 < x < 0 -> -1; -0 stays */
    }
    return tc_from_bits(u);
}
/* TC_END */

/* TC_FUNC tc_ceilf USES tc_bits */
/* ceil(x), exact: as tc_floorf with the roles of the signs swapped. */
static float tc_ceilf(float x)
{
    unsigned int u = tc_to_bits(x);
    int e = (int)((u >> 23) & 0xffu) - 127;
    unsigned int m;

    if (e >= 23)
        return x;
    if (e >= 0) {
        m = 0x007fffffu >> e;
        if ((u & m) == 0)
            return x;
        if (u >> 31 == 0)
            u += m;
        u &= ~m;
    } else if (u >> 31) {
        u = 0x80000000u;            /* -1 < x <= -0 -> -0 */
    } else if (u) {
        u = 0x3f800000u;            /* 0 < x < 1 -> 1 */
    }
    return tc_from_bits(u);
}
/* TC_END */

/* TC_FUNC tc_roundf USES tc_bits */
/* round(x), halfway cases away from zero, exact: add half a unit of the integer
 * part to the magnitude, then clear the fraction bits. */
static float tc_roundf(float x)
{
    unsigned int u = tc_to_bits(x);
    int e = (int)((u >> 23) & 0xffu) - 127;
    unsigned int m;

    if (e >= 23)
        return x;
    if (e >= 0) {
        m = 0x007fffffu >> e;
        if ((u & m) == 0)
            return x;
        u += 0x00400000u >> e;
        u &= ~m;
    } else {
        u &= 0x80000000u;           /* |x| < 1/2 -> ±0 */
        if (e == -1)
            u |= 0x3f800000u;       /* 1/2 <= |x| < 1 -> ±1 */
    }
    return tc_from_bits(u);
}
/* TC_END */

/* TC_FUNC tc_nearbyintf USES tc_bits */
/* nearbyint(x) in the default rounding mode: nearest, halfway cases to even.
 * Exact: the fraction f is compared with half a unit; round the magnitude up
 * when f > 1/2, or f == 1/2 and the integer part is odd. */
static float tc_nearbyintf(float x)
{
    unsigned int u = tc_to_bits(x);
    int e = (int)((u >> 23) & 0xffu) - 127;
    unsigned int m, f, half;

    if (e >= 23)
        return x;
    if (e >= 0) {
        m = 0x007fffffu >> e;
        f = u & m;
        half = (m >> 1) + 1;
        u &= ~m;
        if (f > half || (f == half && (u & (m + 1))))
            u += m + 1;
    } else {
        f = u & 0x7fffffffu;
        u &= 0x80000000u;
        if (f > 0x3f000000u)
            u |= 0x3f800000u;       /* 1/2 < |x| < 1 -> ±1 */
    }
    return tc_from_bits(u);
}
/* TC_END */

/* TC_FUNC tc_fmodf USES tc_bits */
/* fmod(x, y) = x - n*y with n = trunc(x/y), exact.  Binary long division on
 * the integer significands: the remainder of mx*2^(ex-ey) by my, reduced one
 * exponent step at a time (at most 277 steps). */
static float tc_fmodf(float x, float y)
{
    unsigned int ux = tc_to_bits(x), uy = tc_to_bits(y);
    unsigned int sx = ux & 0x80000000u;
    unsigned int mx, my;
    int ex, ey;

    ux &= 0x7fffffffu;
    uy &= 0x7fffffffu;
    if (uy == 0 || uy > 0x7f800000u || ux >= 0x7f800000u)
        return tc_from_bits(0x7fc00000u);       /* y = 0, y nan, x inf or nan */
    if (ux < uy)
        return x;                               /* also y = inf */
    if (ux == uy)
        return tc_from_bits(sx);
    ex = (int)(ux >> 23);
    ey = (int)(uy >> 23);
    mx = ux & 0x007fffffu;
    my = uy & 0x007fffffu;
    if (ex == 0) {                              /* subnormal: normalise */
        ex = 1;
        while (mx < 0x00800000u) {
            mx <<= 1;
            ex--;
        }
    } else {
        mx |= 0x00800000u;
    }
    if (ey == 0) {
        ey = 1;
        while (my < 0x00800000u) {
            my <<= 1;
            ey--;
        }
    } else {
        my |= 0x00800000u;
    }
    for (; ex > ey; ex--) {
        if (mx >= my)
            mx -= my;
        mx <<= 1;
    }
    if (mx >= my)
        mx -= my;
    if (mx == 0)
        return tc_from_bits(sx);
    while (mx < 0x00800000u) {
        mx <<= 1;
        ex--;
    }
    if (ex > 0)
        return tc_from_bits(sx | ((unsigned int)ex << 23) | (mx & 0x007fffffu));
    return tc_from_bits(sx | (mx >> (1 - ex)));  /* subnormal result, exact */
}
/* TC_END */

/* TC_FUNC tc_sqrtf USES tc_bits */
/* sqrt(x), correctly rounded (0 ulp).  With x = m * 2^(2j), m in [1, 4), the
 * result significand is Y = round(sqrt(N)) for the integer N = m*2^46 < 2^48.
 * Three Newton steps r <- r*(3/2 - m/2*r^2) from the bit-trick guess of
 * 1/sqrt(m) give Y to within a unit or two; the exact integer test
 * (2Y-1)^2 <= 4N < (2Y+1)^2 then fixes it.  No ties: 4N is even, (2Y+1)^2 odd. */
static float tc_sqrtf(float x)
{
    unsigned int u = tc_to_bits(x);
    unsigned int eb, mx, y, adj = 0;
    unsigned long long n4, t;
    float m, r, h;

    if (u - 0x00800000u >= 0x7f000000u) {
        if ((u << 1) == 0 || u == 0x7f800000u)
            return x;                           /* ±0, +inf */
        if ((u & 0x7fffffffu) > 0x7f800000u)
            return x + x;                       /* nan */
        if (u >> 31)
            return tc_from_bits(0x7fc00000u);   /* x < 0, -inf */
        u = tc_to_bits(x * 0x1p24f);            /* subnormal: sqrt(2^24) = 2^12 */
        adj = 12;
    }
    eb = u >> 23;
    mx = (u & 0x007fffffu) | 0x00800000u;
    if ((eb & 1) == 0) {                        /* make the exponent even */
        mx <<= 1;
        eb--;
    }
    n4 = (unsigned long long)mx << 25;
    m = (float)mx * 0x1p-23f;
    h = 0.5f * m;
    r = tc_from_bits(0x5f3759dfu - (tc_to_bits(m) >> 1));
    r = r * (1.5f - h * r * r);
    r = r * (1.5f - h * r * r);
    r = r * (1.5f - h * r * r);
    y = (unsigned int)(m * r * 0x1p23f + 0.5f);
    t = 2ULL * y + 1;
    while (t * t <= n4) {
        y++;
        t += 2;
    }
    t = 2ULL * y - 1;
    while (t * t > n4) {
        y--;
        t -= 2;
    }
    return tc_from_bits(((((eb + 127) >> 1) - adj - 1) << 23) + y);
}
/* TC_END */

/* TC_FUNC tc_exp_kernel */
/* exp(x) = 2^k * (s + t) for |x| <= 104, s + t in [0.70, 1.42], t small.
 * x = k*ln2 + r, |r| <= ln2/2; Cody-Waite: ln2_hi has 15 bits, so
 * r_hi = x - k*ln2_hi is exact, and r = r_hi - k*ln2_lo.
 * exp(r) = 1 + r + r^2*P(r), P minimax of degree 4 (relative error 2^-28);
 * s + c = 1 + r_hi exactly (Fast2Sum) and t = c + (r^2*P(r) - k*ln2_lo), so a
 * caller that adds s + t rounds once at full weight.  Shared by tc_expf,
 * tc_sigmoidf and tc_tanhf. */
static float tc_exp_split(float x, float *t, int *k)
{
    float kf = x * 0x1.715476p+0f;
    float r_hi, r_lo, r, s;

    *k = (int)(kf + (kf < 0.0f ? -0.5f : 0.5f));
    kf = (float)*k;
    r_hi = x - kf * 0x1.62e4p-1f;
    r_lo = kf * 0x1.7f7d1cp-20f;
    r = r_hi - r_lo;
    s = 1.0f + r_hi;
    *t = ((1.0f - s) + r_hi) + (r * r * (0x1.fffffcp-2f + r * (0x1.555492p-3f
            + r * (0x1.555882p-5f + r * (0x1.123a86p-7f + r * 0x1.6a9472p-10f)))) - r_lo);
    return s;
}
/* TC_END */

/* TC_FUNC tc_expf USES tc_exp_kernel tc_bits */
/* exp(x) = 2^k * (s + t) from tc_exp_split.  A normal result gets 2^k by
 * adding k to the exponent field; near overflow and underflow 2^k is applied
 * as two factors instead, so the result is rounded once, like libm.
 * Max error: 1 ulp. */
static float tc_expf(float x)
{
    float s, t;
    int k;

    if (!(x < 88.75f))
        return x + tc_from_bits(0x7f800000u);  /* overflow, +inf, nan */
    if (x < -104.0f)
        return 0.0f;                            /* below 2^-150 */
    s = tc_exp_split(x, &t, &k);
    s += t;                                     /* in [0.70, 1.42] */
    if (k >= -125 && k <= 127)
        return tc_from_bits(tc_to_bits(s) + ((unsigned int)k << 23));
    return s * tc_from_bits((unsigned int)(k / 2 + 127) << 23)
             * tc_from_bits((unsigned int)(k - k / 2 + 127) << 23);
}
/* TC_END */

/* TC_FUNC tc_expm1f USES tc_bits */
/* expm1(x) = 2^k * (1 + expm1(r)) - 1, x = k*ln2 + r, |r| <= ln2/2 (r = r_hi -
 * r_lo as in tc_exp_split), expm1(r) = r + h, h = r^2*Q(r), Q minimax of degree 5
 * (relative error 2^-28).  Ordered so that nothing cancels:
 *   k >= -1: 2^k * ((a + r_hi) + (h - r_lo - b)), a = 1 - 2^-k exact
 *            (0 for k = 0, -1 for k = -1), or a = 1, b = 2^-k for k >= 25;
 *   k <= -2: 2^k * ((1 + r_hi) + (h - r_lo)) - 1;
 * where a + r_hi is kept exactly as s + c (Fast2Sum, |a| >= |r_hi|).
 * Max error: 1 ulp. */
static float tc_expm1f(float x)
{
    float kf, r_hi, r_lo, r, h, a, b = 0.0f, s, y;
    int k;

    if (!(x < 88.75f))
        return x + tc_from_bits(0x7f800000u);  /* overflow, +inf, nan */
    if (x < -17.5f)
        return -1.0f;                           /* exp(x) < 2^-25 */
    if ((tc_to_bits(x) & 0x7fffffffu) < 0x33000000u)
        return x;                               /* |x| < 2^-25, also ±0 */
    kf = x * 0x1.715476p+0f;
    k = (int)(kf + (kf < 0.0f ? -0.5f : 0.5f));
    kf = (float)k;
    r_hi = x - kf * 0x1.62e4p-1f;
    r_lo = kf * 0x1.7f7d1cp-20f;
    r = r_hi - r_lo;
    h = r * r * (0x1p-1f + r * (0x1.55552cp-3f + r * (0x1.555502p-5f + r * (0x1.1155acp-7f
            + r * (0x1.6d2f68p-10f + r * 0x1.3b7856p-13f)))));
    if (k < -1) {
        a = 1.0f;
    } else if (k < 25) {
        a = 1.0f - tc_from_bits((unsigned int)(127 - k) << 23);
    } else {
        a = 1.0f;
        b = tc_from_bits((unsigned int)(127 - (k < 100 ? k : 100)) << 23);
    }
    s = a + r_hi;
    y = s + (((a - s) + r_hi) + ((h - r_lo) - b));
    y = y * tc_from_bits((unsigned int)(k - 1 + 127) << 23) * 2.0f;   /* 2^(k-1), normal */
    return k < -1 ? y - 1.0f : y;
}
/* TC_END */

/* TC_FUNC tc_log_kernel */
/* log(1+f) - f for f in [sqrt(1/2)-1, sqrt(2)-1]: f^2 * (-1/2 + f*P(f)), P
 * minimax of degree 7 (error 2^-27 relative to log(1+f)).  Shared by tc_logf
 * and tc_log1pf, which add f last. */
static float tc_log1p_tail(float f)
{
    return f * f * (-0.5f + f * (0x1.555554p-2f + f * (-0x1.00022ap-2f
            + f * (0x1.99a03cp-3f + f * (-0x1.547188p-3f + f * (0x1.22d44ep-3f
            + f * (-0x1.0d86fp-3f + f * (0x1.0589b4p-3f + f * -0x1.39248p-4f))))))));
}
/* TC_END */

/* TC_FUNC tc_logf USES tc_log_kernel tc_bits */
/* log(x) = e*ln2 + log(1+f), x = 2^e * (1+f), 1+f in [sqrt(1/2), sqrt(2)):
 * adding 0x3f800000 - 0x3f3504f3 to the bits carries into the exponent exactly
 * when the significand is >= sqrt(2).  e*ln2 = e*ln2_hi + e*ln2_lo, the first
 * product exact; e*ln2_hi + f is kept exactly as s + c (Fast2Sum), then
 * log(x) = s + (c + (e*ln2_lo + tail(f))).
 * Max error: 1 ulp. */
static float tc_logf(float x)
{
    unsigned int u = tc_to_bits(x);
    int e, adj = 0;
    float f, hi, s;

    if (u - 0x00800000u >= 0x7f000000u) {
        if ((u << 1) == 0)
            return tc_from_bits(0xff800000u);   /* ±0 -> -inf */
        if (u >> 31)
            return tc_from_bits(0x7fc00000u);   /* x < 0, -nan */
        if (u >= 0x7f800000u)
            return x + x;                       /* +inf, nan */
        u = tc_to_bits(x * 0x1p23f);            /* subnormal */
        adj = 23;
    }
    u += 0x3f800000u - 0x3f3504f3u;
    e = (int)(u >> 23) - 127 - adj;
    f = tc_from_bits((u & 0x007fffffu) + 0x3f3504f3u) - 1.0f;
    hi = (float)e * 0x1.62e4p-1f;
    s = hi + f;
    return s + (((hi - s) + f) + ((float)e * 0x1.7f7d1cp-20f + tc_log1p_tail(f)));
}
/* TC_END */

/* TC_FUNC tc_log1pf USES tc_log_kernel tc_bits */
/* log1p(x) = x + tail(x) for x in [sqrt(1/2)-1, sqrt(2)-1].  Otherwise u = 1+x
 * is split and summed as in tc_logf, and the rounding error of 1+x is put
 * back as c/u with c = x - (u-1) (or 1 - (u-x) when u > 2), both exact.
 * Max error: 1 ulp. */
static float tc_log1pf(float x)
{
    unsigned int u;
    float uf, c, f, hi, s;
    int e;

    if (x > -0x1.2bec34p-2f && x < 0x1.a8279ap-2f)
        return x + tc_log1p_tail(x);
    if (!(x > -1.0f))
        return x == -1.0f ? tc_from_bits(0xff800000u) : tc_from_bits(0x7fc00000u);
    if (x == tc_from_bits(0x7f800000u))
        return x;
    uf = 1.0f + x;
    c = uf > 2.0f ? 1.0f - (uf - x) : x - (uf - 1.0f);
    c /= uf;
    u = tc_to_bits(uf) + (0x3f800000u - 0x3f3504f3u);
    e = (int)(u >> 23) - 127;
    f = tc_from_bits((u & 0x007fffffu) + 0x3f3504f3u) - 1.0f;
    hi = (float)e * 0x1.62e4p-1f;
    s = hi + f;
    return s + (((hi - s) + f) + (tc_log1p_tail(f) + (c + (float)e * 0x1.7f7d1cp-20f)));
}
/* TC_END */

/* TC_FUNC tc_tanhf USES tc_exp_kernel tc_bits */
/* tanh(|x|) = |x| + |x|^3 * P(x^2) below 0.7 (P minimax of degree 5,
 * relative error 2^-29.9).  Up to 9.1, tanh(a) = 1 - 2/(exp(2a) + 1) with
 * exp(2a) = 2^k * (s + t):  2/(exp(2a) + 1) = 2^(1-k) / (2^-k + s + t), the
 * denominator summed with one rounding (Fast2Sum of 2^-k + s).  Beyond 9.1,
 * 1 - tanh < 2^-25 and the result is 1.  The sign is copied back, so
 * tanh(-0) = -0.  Max error: 1.05 ulp from the true value, 2 ulp from
 * glibc's tanhf (which is itself up to 2.2 ulp off). */
static float tc_tanhf(float x)
{
    unsigned int sign = tc_to_bits(x) & 0x80000000u;
    float a = tc_from_bits(tc_to_bits(x) ^ sign);
    float y, z, s, t, c, hi;
    int k;

    if (a < 0.7f) {
        z = a * a;
        y = a + a * z * (-0x1.55555p-2f + z * (0x1.110f5cp-3f + z * (-0x1.b9bda2p-5f
                + z * (0x1.6198dcp-6f + z * (-0x1.0301a8p-7f + z * 0x1.f4d8aep-10f)))));
    } else if (a < 9.1f) {
        s = tc_exp_split(2.0f * a, &t, &k);    /* k in [2, 26] */
        c = tc_from_bits((unsigned int)(127 - k) << 23);
        hi = c + s;
        y = 1.0f - 2.0f * c / (hi + (((s - hi) + c) + t));
    } else {
        y = a == a ? 1.0f : a;                  /* 1, or nan */
    }
    return tc_from_bits(tc_to_bits(y) | sign);
}
/* TC_END */

/* TC_FUNC tc_sigmoidf USES tc_exp_kernel tc_expf tc_bits */
/* sigmoid(x) = 1/(1 + exp(-x)).  With exp(-x) = 2^k * (s + t) from
 * tc_exp_split this is 2^-k / (2^-k + s + t), the denominator summed with one
 * rounding (2Sum of 2^-k + s), so the result rounds about twice in all.
 * Beyond the ends float math saturates and so does this: exactly 1 above 17.5
 * (exp(-x) < 2^-25), and exp(x) itself below -17 (1 + exp(x) rounds to 1),
 * which runs down through the subnormals to exactly 0.  Never overflows.
 * Max error: 2 ulp (34 inputs; 1.5 ulp from the true value). */
static float tc_sigmoidf(float x)
{
    float s, t, c, hi, bb;
    int k;

    if (!(x > -17.0f))
        return tc_expf(x);                      /* also -inf -> 0, nan */
    if (x > 17.5f)
        return 1.0f;
    s = tc_exp_split(-x, &t, &k);              /* k in [-26, 25] */
    c = tc_from_bits((unsigned int)(127 - k) << 23);
    hi = c + s;
    bb = hi - c;
    return c / (hi + (((c - (hi - bb)) + (s - bb)) + t));
}
/* TC_END */

/* TC_FUNC tc_softplusf USES tc_expf tc_log1pf */
/* softplus(x) = log(1+exp(x)) = max(x, 0) + log1p(exp(-|x|)): exp never
 * overflows and log1p keeps the tiny tail for x << 0.
 * Max error: 2 ulp (206 inputs; 1.6 ulp from the true value). */
static float tc_softplusf(float x)
{
    float e = tc_expf(x < 0.0f ? x : -x);
    return (x > 0.0f ? x : 0.0f) + tc_log1pf(e);
}
/* TC_END */

/* TC_FUNC tc_erff USES tc_expf tc_bits */
/* erf(|x|) = |x| + |x|*P(x^2) below 0.9 (P minimax of degree 6, relative
 * 2^-29.8); 1 - exp(Q(|x|)) up to 3.92, Q minimax of degree 7 for
 * log(erfc(x)) (absolute error of erfc 2^-33); beyond, erfc < 2^-25 and the
 * result is 1.  Odd: the sign is copied back.  Max error: 1 ulp. */
static float tc_erff(float x)
{
    unsigned int sign = tc_to_bits(x) & 0x80000000u;
    float a = tc_from_bits(tc_to_bits(x) ^ sign);
    float y, z;

    if (a < 0.9f) {
        z = a * a;
        y = a + a * (0x1.06eba8p-3f + z * (-0x1.81274p-2f + z * (0x1.ce2d78p-4f
                + z * (-0x1.b80318p-6f + z * (0x1.545cd4p-8f + z * (-0x1.a6a582p-11f
                + z * 0x1.51497cp-14f))))));
    } else if (a < 3.92f) {
        y = 1.0f - tc_expf(0x1.757cc4p-13f + a * (-0x1.21292ep+0f + a * (-0x1.443fdep-1f
                + a * (-0x1.bbc3c2p-4f + a * (0x1.9c4eep-6f + a * (-0x1.12acf8p-8f
                + a * (0x1.cc96dep-12f + a * -0x1.69e336p-16f)))))));
    } else {
        y = a == a ? 1.0f : a;                  /* 1, or nan */
    }
    return tc_from_bits(tc_to_bits(y) | sign);
}
/* TC_END */

/* TC_FUNC tc_inline */
/* The branch-free functions below must be inlined into their loop for the
 * loop to vectorise; every condition in them is an integer comparison of bit
 * patterns (a float comparison may trap, and then gcc keeps the branch). */
#if defined(__GNUC__)
#define TC_INLINE __inline__ __attribute__((always_inline))
#else
#define TC_INLINE
#endif
/* TC_END */

/* TC_FUNC tc_select USES tc_inline tc_bits */
/* c ? p : q for c = 0 or 1, through the bits: p and q are both computed
 * (a ternary lets the compiler move one of them under a branch). */
static TC_INLINE float tc_select(unsigned int c, float p, float q)
{
    unsigned int m = 0u - c;
    return tc_from_bits((tc_to_bits(p) & m) | (tc_to_bits(q) & ~m));
}
/* TC_END */

/* TC_FUNC tc_clamp01 USES tc_inline tc_bits */
/* t clamped to [0, 1] (HardSwish's x * clamp(x/6 + 1/2)), exact, through the
 * bits: a negative t becomes +0, then the bits of a non-negative float order
 * as its value, so an unsigned minimum with 1.0f's does the rest.  With the
 * ternaries `t < 0 ? 0 : t > 1 ? 1 : t` gcc moves the multiply by x into
 * the branches and the loop no longer vectorises.  nan becomes 0 or 1. */
static TC_INLINE float tc_clamp01(float t)
{
    unsigned int u = tc_to_bits(t);
    u &= (u >> 31) - 1u;
    return tc_from_bits(u < 0x3f800000u ? u : 0x3f800000u);
}
/* TC_END */

/* TC_FUNC tc_exp_neg USES tc_select tc_inline tc_bits */
/* exp(a) * 2^64 for a <= 0 with no branch, for the loops of tc_mul_sigmoidf
 * and tc_geluf (the scale keeps exp(a) normal down to a = -104, so that a
 * caller's product rounds once at the end).  a = k*ln2 + r, |r| <= ln2/2,
 * k = round(a/ln2) read from the low bits of a/ln2 + 1.5*2^23 (no
 * float-to-int conversion); exp(r) = 1 + (r + r^2*P(r)), P of tc_exp_split;
 * times 2^(k+64), exact.  Below -104 (exp(a) < 2^-150) and for -nan: 0.
 * Max error: 1 ulp. */
static TC_INLINE float tc_exp_neg(float a)
{
    unsigned int u = tc_to_bits(a), b;
    float kf, r;

    a = tc_from_bits(u < 0xc2d00000u ? u : 0xc2d00000u);   /* a >= -104 */
    kf = a * 0x1.715476p+0f + 0x1.8p23f;
    b = tc_to_bits(kf);
    kf -= 0x1.8p23f;
    r = (a - kf * 0x1.62e4p-1f) - kf * 0x1.7f7d1cp-20f;
    r = 1.0f + (r + r * r * (0x1.fffffcp-2f + r * (0x1.555492p-3f
            + r * (0x1.555882p-5f + r * (0x1.123a86p-7f + r * 0x1.6a9472p-10f)))));
    return tc_select(u <= 0xc2d00000u, r * tc_from_bits((b - 0x4b400000u + 191u) << 23), 0.0f);
}
/* TC_END */

/* TC_FUNC tc_mul_sigmoidf USES tc_exp_neg tc_select tc_inline tc_bits */
/* x * sigmoid(z) = x * (z < 0 ? e : 1) / (1 + e), e = exp(-|z|) in [0, 1]:
 * no overflow, no cancellation, no branch; e is held as e * 2^64 and the
 * 2^-64 applied last, so a result that is normal rounds as such.  Swish
 * (SiLU) is z = alpha * x; GELU's tanh form 0.5x(1 + tanh(u)) is
 * x * sigmoid(2u).  (x * exp(-|z|) < 2^64 keeps x * q finite: Swish with
 * alpha > 2^-64, GELU.)  Max error of Swish (z = x) over all floats, against
 * x / (1 + exp(-x)) in double: 3.5 ulp where the result is normal, 2^-140
 * absolute below (tests/unit/check_math.c). */
static TC_INLINE float tc_mul_sigmoidf(float x, float z)
{
    unsigned int neg = tc_to_bits(z) >> 31;
    float es = tc_exp_neg(tc_from_bits(tc_to_bits(z) | 0x80000000u));
    float q = tc_select(neg, es, 1.0f) / (1.0f + es * 0x1p-64f);
    return x * q * tc_select(neg, 0x1p-64f, 1.0f);
}
/* TC_END */

/* TC_FUNC tc_geluf USES tc_exp_neg tc_select tc_inline tc_bits */
/* GELU(x) = x * Phi(x): x/2 * (1 + erf(a)) for x >= 0, x/2 * erfc(a) for
 * x < 0, a = |x|/sqrt(2), from tc_erff's two pieces, both computed and one
 * taken (no branch): erf(a) = a + a*P(a^2) below 0.9; erfc(a) = exp(Q(a))
 * from 0.9 to 3.92 (absolute error 2^-33), 0 beyond.  Negative x takes erfc
 * itself, not 1 + erf(-a), so nothing cancels.  Max error over all floats,
 * against 0.5 x (1 + erf(x / sqrt 2)) in double: 1.0e-7 * max(1, |x|)
 * absolute (1.5e-7 checked), and 16 ulp (24 checked) for x >= -3: exp(Q(a))
 * turns Q's rounding into relative error.  The tanh form through
 * tc_mul_sigmoidf: 1.4e-7 * max(1, |x|), 12 ulp for x >= -3. */
static TC_INLINE float tc_geluf(float x)
{
    float a = tc_from_bits(tc_to_bits(x) & 0x7fffffffu) * 0x1.6a09e6p-1f;
    unsigned int ua = tc_to_bits(a), neg = tc_to_bits(x) >> 31;
    float z = a * a, c = tc_from_bits(ua < 0x407ae148u ? ua : 0x407ae148u), q, s;

    s = a + a * (0x1.06eba8p-3f + z * (-0x1.81274p-2f + z * (0x1.ce2d78p-4f
            + z * (-0x1.b80318p-6f + z * (0x1.545cd4p-8f + z * (-0x1.a6a582p-11f
            + z * 0x1.51497cp-14f))))));
    q = tc_exp_neg(0x1.757cc4p-13f + c * (-0x1.21292ep+0f + c * (-0x1.443fdep-1f
            + c * (-0x1.bbc3c2p-4f + c * (0x1.9c4eep-6f + c * (-0x1.12acf8p-8f
            + c * (0x1.cc96dep-12f + c * -0x1.69e336p-16f))))))) * 0x1p-64f;
    q = tc_select(ua < 0x407ae148u, q, 0.0f);  /* erfc(a) = 0 from 3.92 */
    s = tc_select(ua < 0x3f666666u, tc_select(neg, 1.0f - s, 1.0f + s), tc_select(neg, q, 2.0f - q));
    return 0.5f * x * s;
}
/* TC_END */

/* TC_FUNC tc_powf USES tc_bits */
/* pow(x, y) = 2^(y * log2|x|), in float-float arithmetic (after fdlibm's
 * e_powf.c); "trunc12" keeps 12 significant bits so that products of two such
 * numbers are exact.
 *   log2|x| = n + log2(bp) + log2(m/bp), x = 2^n * m, bp = 1 or 1.5 so that
 *   m/bp is in [0.82, 1.23];  log2(m/bp) = 2/(3 ln2) * s * (3 + s^2 + r),
 *   s = (m-bp)/(m+bp) = s_h + s_l, r = s^4 * (3/5 + 3/7 s^2 + ...) (series);
 *   the result is t1 + t2 (relative error about 2^-35).
 *   y*log2|x| = y1*t1 + ((y-y1)*t1 + y*t2) = p_h + p_l, y1 = trunc12(y);
 *   2^(p_h + p_l) = 2^j * exp(z + w), j = round(p_h + p_l), |z| <= ln2/2,
 *   exp(z + w) = 1 + z + z^2*P(z) + w*(1+z), P as in tc_exp_split.
 * Special cases follow C99 F.9.4.4.  Max error: 1 ulp over 20 million
 * random pairs (0.84 ulp from the true value); two arguments, so not swept
 * exhaustively. */
static float tc_powf(float x, float y)
{
    unsigned int ux = tc_to_bits(x), uy = tc_to_bits(y);
    unsigned int ax = ux & 0x7fffffffu, ay = uy & 0x7fffffffu;
    unsigned int sign = 0, ix, mant;
    int yint = 0;           /* 0: y is no integer, 1: odd, 2: even */
    int n = 0, k, j;
    float bp, dp_h, dp_l, m, su, sv, s, s_h, s_l, t_h, t_l, s2, r, u, v;
    float p_h, p_l, z_h, z_l, t1, t2, tn, y1, z, w, p;

    if (ay == 0 || ux == 0x3f800000u)           /* pow(x, ±0), pow(1, y): 1, */
        return (ax > 0x7f800000u && !(ax & 0x00400000u))
            || (ay > 0x7f800000u && !(ay & 0x00400000u)) ? x + y : 1.0f;   /* sNaN: nan */
    if (ax > 0x7f800000u || ay > 0x7f800000u)
        return x + y;                           /* nan */
    if (ay == 0x7f800000u) {                    /* y = ±inf */
        if (ax == 0x3f800000u)
            return 1.0f;                        /* pow(-1, ±inf) */
        return (ax > 0x3f800000u) == (uy >> 31 == 0) ? tc_from_bits(0x7f800000u) : 0.0f;
    }
    if (ay >= 0x4b800000u) {
        yint = 2;                               /* |y| >= 2^24: even */
    } else if (ay >= 0x3f800000u) {
        k = 150 - (int)(ay >> 23);              /* fraction bits of y */
        mant = (ay & 0x007fffffu) | 0x00800000u;
        if ((mant & ((1u << k) - 1)) == 0)
            yint = 2 - (int)((mant >> k) & 1);
    }
    if (ux >> 31 && yint == 1)
        sign = 0x80000000u;
    if (ax == 0 || ax == 0x7f800000u)           /* ±0, ±inf */
        return tc_from_bits(sign | ((ax == 0) == (uy >> 31 != 0) ? 0x7f800000u : 0));
    if (ux >> 31 && yint == 0)
        return tc_from_bits(0x7fc00000u);       /* x < 0, y not an integer */
    if (ay > 0x4f000000u) {                     /* |y| > 2^31: |y log2 x| > 150 */
        if (ax == 0x3f800000u)
            return tc_from_bits(sign | 0x3f800000u);
        return (ax > 0x3f800000u) == (uy >> 31 == 0) ? tc_from_bits(0x7f800000u) : 0.0f;
    }

    /* log2|x| = t1 + t2 */
    if (ax < 0x00800000u) {                     /* subnormal */
        ax = tc_to_bits(tc_from_bits(ax) * 0x1p24f);
        n = -24;
    }
    n += (int)(ax >> 23) - 127;
    mant = ax & 0x007fffffu;
    ix = mant | 0x3f800000u;
    if (mant <= 0x1cc471u) {                    /* m <= sqrt(3/2) */
        k = 0;
    } else if (mant < 0x5db3d7u) {              /* m < sqrt(3) */
        k = 1;
    } else {
        k = 0;
        n += 1;
        ix -= 0x00800000u;
    }
    m = tc_from_bits(ix);
    bp = k ? 1.5f : 1.0f;
    dp_h = k ? 0x1.2b8p-1f : 0.0f;              /* log2(1.5), 12 bits + tail */
    dp_l = k ? 0x1.a39fbep-20f : 0.0f;
    su = m - bp;
    sv = 1.0f / (m + bp);
    s = su * sv;
    s_h = tc_from_bits(tc_to_bits(s) & 0xfffff000u);
    t_h = tc_from_bits(tc_to_bits(m + bp) & 0xfffff000u);
    t_l = m - (t_h - bp);
    s_l = sv * ((su - s_h * t_h) - s_h * t_l);
    s2 = s * s;
    r = s2 * s2 * (0x1.333334p-1f + s2 * (0x1.b6db6ep-2f + s2 * (0x1.555556p-2f
            + s2 * (0x1.1745d2p-2f + s2 * 0x1.d89d8ap-3f))));
    r += s_l * (s_h + s);
    s2 = s_h * s_h;
    t_h = tc_from_bits(tc_to_bits(3.0f + s2 + r) & 0xfffff000u);
    t_l = r - ((t_h - 3.0f) - s2);
    u = s_h * t_h;
    v = s_l * t_h + t_l * s;
    p_h = tc_from_bits(tc_to_bits(u + v) & 0xfffff000u);
    p_l = v - (p_h - u);
    z_h = 0x1.ec8p-1f * p_h;                    /* 2/(3 ln2) = cp_h + cp_l */
    z_l = -0x1.ec478cp-14f * p_h + p_l * 0x1.ec709ep-1f + dp_l;
    tn = (float)n;
    t1 = tc_from_bits(tc_to_bits(((z_h + z_l) + dp_h) + tn) & 0xfffff000u);
    t2 = z_l - (((t1 - tn) - dp_h) - z_h);

    /* y * log2|x| = p_h + p_l */
    y1 = tc_from_bits(uy & 0xfffff000u);
    p_l = (y - y1) * t1 + y * t2;
    p_h = y1 * t1;
    z = p_l + p_h;
    if (z > 129.0f)
        return tc_from_bits(sign | 0x7f800000u);
    if (z < -151.0f)
        return tc_from_bits(sign);

    /* 2^(p_h + p_l) = 2^j * exp(z + w) */
    j = (int)(z + (z < 0.0f ? -0.5f : 0.5f));
    p_h -= (float)j;
    t_h = tc_from_bits(tc_to_bits(p_l + p_h) & 0xfffff000u);
    u = t_h * 0x1.62ep-1f;                      /* ln2 = lg2_h + lg2_l */
    v = (p_l - (t_h - p_h)) * 0x1.62e43p-1f + t_h * 0x1.0bfbe8p-15f;
    z = u + v;
    w = v - (z - u);
    p = 1.0f + (z + (z * z * (0x1.fffffcp-2f + z * (0x1.555492p-3f + z * (0x1.555882p-5f
            + z * (0x1.123a86p-7f + z * 0x1.6a9472p-10f)))) + (w + z * w)));
    p = p * tc_from_bits((unsigned int)(j / 2 + 127) << 23)
          * tc_from_bits((unsigned int)(j - j / 2 + 127) << 23);
    return tc_from_bits(tc_to_bits(p) | sign);
}
/* TC_END */

/* TC_FUNC tc_trig USES tc_bits */
/* Shared by tc_sinf and tc_cosf: argument reduction and the two kernels.
 *
 * tc_rem_pio2f: a = q*pi/2 + r_hi + r_lo for finite a >= 0, |r| <= pi/4 (plus
 * a rounding), returns q mod 4.
 *  - a < 2^10: Cody-Waite.  pi/2 = c1 + c2 + c3 + c4 with c1..c3 of 14 bits,
 *    so k*ci is exact for k < 2^10; each subtraction keeps its rounding error
 *    (Fast2Sum), giving r as a float-float with relative error below 2^-44.
 *  - a >= 2^10: Payne-Hanek in integers.  With a = M * 2^(e-150), the 96 bits
 *    of 2/pi that matter for a*2/pi mod 4 are multiplied by M in 64-bit
 *    arithmetic, giving the quadrant and 62 fraction bits; the fraction is
 *    normalised and multiplied by pi/4 in 64-bit fixed point.  Relative error
 *    of r below 2^-33 even where a is closest to a multiple of pi/2.
 * So sin and cos are accurate for every finite float, not just |x| <= 1e5. */
static float tc_rem_pio2f(float a, float *lo, unsigned int *q)
{
    static const unsigned int two_over_pi[24] = {
        0x000000a2u, 0x0000a2f9u, 0x00a2f983u, 0xa2f9836eu, 0xf9836e4eu, 0x836e4e44u,
        0x6e4e4415u, 0x4e441529u, 0x441529fcu, 0x1529fc27u, 0x29fc2757u, 0xfc2757d1u,
        0x2757d1f5u, 0x57d1f534u, 0xd1f534ddu, 0xf534ddc0u, 0x34ddc0dbu, 0xddc0db62u,
        0xc0db6295u, 0xdb629599u, 0x6295993cu, 0x95993c43u, 0x993c4390u, 0x3c439041u
    };
    unsigned int u = tc_to_bits(a), mi, sh, neg;
    unsigned long long y, mag, p, a1, a0;
    const unsigned int *t;
    float kf, hi, l, s, b;
    int k;

    if (u < 0x44800000u) {                      /* a < 2^10 */
        k = (int)(a * 0x1.45f306p-1f + 0.5f);
        kf = (float)k;
        hi = a - kf * 0x1.922p+0f;              /* exact */
        b = kf * -0x1.2afp-18f;
        s = hi - b;
        l = (hi - s) - b;
        hi = s;
        b = kf * 0x1.0b48p-34f;
        s = hi - b;
        l += (hi - s) - b;
        hi = s;
        l -= kf * -0x1.ee59dap-50f;
        s = hi + l;
        *lo = l - (s - hi);
        *q = (unsigned int)k & 3;
        return s;
    }

    /* Payne-Hanek: y = a*2/pi mod 4 with 62 fraction bits */
    t = &two_over_pi[(u >> 26) - 16];
    mi = ((u & 0x007fffffu) | 0x00800000u) << ((u >> 23) & 7);
    y = (unsigned long long)(mi * t[0]) << 32;
    y += (unsigned long long)mi * t[4];
    y += ((unsigned long long)mi * t[8]) >> 32;
    *q = (unsigned int)((y + (1ULL << 61)) >> 62);
    y -= (unsigned long long)*q << 62;          /* signed fraction in [-1/2, 1/2) */
    neg = (unsigned int)(y >> 63);
    mag = neg ? 0 - y : y;
    sh = 0;
    if (!(mag >> 32)) { mag <<= 32; sh += 32; }
    if (!(mag >> 48)) { mag <<= 16; sh += 16; }
    if (!(mag >> 56)) { mag <<= 8; sh += 8; }
    if (!(mag >> 60)) { mag <<= 4; sh += 4; }
    if (!(mag >> 62)) { mag <<= 2; sh += 2; }
    if (!(mag >> 63)) { mag <<= 1; sh += 1; }
    /* p = high 64 bits of mag * pi/4 * 2^64 */
    a1 = mag >> 32;
    a0 = mag & 0xffffffffu;
    p = a1 * 0xc90fdaa2ULL + ((a1 * 0x2168c234ULL) >> 32) + ((a0 * 0xc90fdaa2ULL) >> 32);
    if (!(p >> 63)) {
        p <<= 1;
        sh += 1;
    }
    /* r = p * 2^(-61-sh), split into two 24-bit halves */
    hi = (float)(unsigned int)(p >> 40) * tc_from_bits((127 - 21 - sh) << 23);
    l = (float)(unsigned int)((p >> 16) & 0xffffffu) * tc_from_bits((127 - 45 - sh) << 23);
    if (neg) {
        hi = -hi;
        l = -l;
    }
    *lo = l;
    *q &= 3;
    return hi;
}

/* sin(r + lo), |r| <= pi/4: r + (r^3*S(r^2) + lo*(1 - r^2/2)), S minimax of
 * degree 3 (relative error 2^-32). */
static float tc_sin_kernel(float r, float lo)
{
    float z = r * r;
    return r + (r * z * (-0x1.555556p-3f + z * (0x1.111174p-7f + z * (-0x1.a05954p-13f
            + z * 0x1.7c2ec2p-19f))) + lo * (1.0f - 0.5f * z));
}

/* cos(r + lo), |r| <= pi/4: 1 - r^2/2 + r^4*C(r^2) - r*lo, C minimax of degree
 * 2 (relative error 2^-33); w = 1 - r^2/2 is rounded and its error
 * (1 - w) - r^2/2 added back (exact). */
static float tc_cos_kernel(float r, float lo)
{
    float z = r * r;
    float hz = 0.5f * z;
    float w = 1.0f - hz;
    return w + (((1.0f - w) - hz) + (z * z * (0x1.55554ap-5f + z * (-0x1.6c0c28p-10f
            + z * 0x1.99e81cp-16f)) - r * lo));
}
/* TC_END */

/* TC_FUNC tc_sinf USES tc_trig tc_bits */
/* sin(x): odd, so reduce |x| = q*pi/2 + r and take +-sin(r) or +-cos(r) by the
 * quadrant; the sign of x is applied last.  Accurate for every finite x.
 * Max error: 1 ulp. */
static float tc_sinf(float x)
{
    unsigned int sign = tc_to_bits(x) & 0x80000000u;
    float a = tc_from_bits(tc_to_bits(x) ^ sign);
    float r, lo = 0.0f, y;
    unsigned int q = 0;

    if (!(a < tc_from_bits(0x7f800000u)))
        return x - x;                           /* inf, nan -> nan */
    if (a <= 0x1.921fb6p-1f)                    /* pi/4 */
        return tc_from_bits(tc_to_bits(tc_sin_kernel(a, 0.0f)) ^ sign);
    r = tc_rem_pio2f(a, &lo, &q);
    y = q & 1 ? tc_cos_kernel(r, lo) : tc_sin_kernel(r, lo);
    if (q & 2)
        sign ^= 0x80000000u;
    return tc_from_bits(tc_to_bits(y) ^ sign);
}
/* TC_END */

/* TC_FUNC tc_cosf USES tc_trig tc_bits */
/* cos(x): even, so reduce |x| = q*pi/2 + r and take +-cos(r) or +-sin(r) by
 * the quadrant.  Accurate for every finite x.
 * Max error: 1 ulp. */
static float tc_cosf(float x)
{
    float a = tc_from_bits(tc_to_bits(x) & 0x7fffffffu);
    float r, lo = 0.0f, y;
    unsigned int q = 0;

    if (!(a < tc_from_bits(0x7f800000u)))
        return x - x;                           /* inf, nan -> nan */
    if (a <= 0x1.921fb6p-1f)
        return tc_cos_kernel(a, 0.0f);
    r = tc_rem_pio2f(a, &lo, &q);
    y = q & 1 ? tc_sin_kernel(r, lo) : tc_cos_kernel(r, lo);
    if ((q + 1) & 2)
        y = -y;
    return y;
}
/* TC_END */

/* TC_FUNC tc_atanf USES tc_bits */
/* atan(x) = -atan(-x).  For a = |x|: atan(a) = pi/2 + atan(-1/a) when
 * a > tan(3pi/8), pi/4 + atan((a-1)/(a+1)) when a > tan(pi/8), so the kernel
 * sees |t| <= tan(pi/8) and computes atan(t) = t + t^3 * P(t^2), P a degree-4
 * least-squares fit (weighted for relative error) made for ticketc with
 * numpy.  pi/2 and pi/4 are added as hi + lo.
 * Max error: 2 ulp (against glibc on every 7th float). */
static float tc_atanf(float x)
{
    unsigned int u = tc_to_bits(x);
    float a = tc_from_bits(u & 0x7fffffffu), t, z, r, hi = 0.0f, lo = 0.0f;

    if ((u & 0x7fffffffu) > 0x7f800000u)
        return x + x;                           /* nan */
    if (a < 0x1p-12f)
        return x;                               /* atan(x) = x - x^3/3 rounds to x; keeps -0 */
    if (a > 0x1p26f) {
        t = 0.0f;                               /* atan(a) = pi/2 - 1/a, 1/a below half an ulp */
        hi = 0x1.921fb6p+0f;
        lo = -0x1.777a5cp-25f;
    } else if (a > 2.41421356f) {
        t = -1.0f / a;
        hi = 0x1.921fb6p+0f;
        lo = -0x1.777a5cp-25f;
    } else if (a > 0.41421356f) {
        t = (a - 1.0f) / (a + 1.0f);
        hi = 0x1.921fb6p-1f;
        lo = -0x1.777a5cp-26f;
    } else {
        t = a;
    }
    z = t * t;
    r = t + t * z * (-0x1.555548p-2f + z * (0x1.99916ep-3f + z * (-0x1.23b2aap-3f
            + z * (0x1.b1cc1ep-4f + z * -0x1.f15b74p-5f))));
    r = hi + (lo + r);
    return u >> 31 ? -r : r;
}
/* TC_END */

/* TC_FUNC tc_asinf USES tc_atanf tc_sqrtf */
/* asin(x) = atan(x / sqrt((1-x)(1+x))); (1-x)(1+x) instead of 1-x^2 keeps
 * the relative error small near |x| = 1, where 1-x is exact.  |x| = 1 gives
 * x/0 = ±inf and atan(±inf) = ±pi/2; |x| > 1 gives sqrt(negative) = nan.
 * Max error: 3 ulp (against glibc on every 7th float). */
static float tc_asinf(float x)
{
    if (x == 0.0f)
        return x;                               /* keeps -0 */
    return tc_atanf(x / tc_sqrtf((1.0f - x) * (1.0f + x)));
}
/* TC_END */

/* TC_FUNC tc_acosf USES tc_atanf tc_sqrtf */
/* acos(x) = 2 atan(sqrt((1-x)/(1+x))), in [0, pi]: x = -1 gives
 * 2 atan(inf) = pi; |x| > 1 gives sqrt(negative) = nan.
 * Max error: 3 ulp (against glibc on every 7th float). */
static float tc_acosf(float x)
{
    return 2.0f * tc_atanf(tc_sqrtf((1.0f - x) / (1.0f + x)));
}
/* TC_END */

/* TC_FUNC tc_asinhf USES tc_logf tc_log1pf tc_sqrtf tc_bits */
/* asinh(x) = sign(x) log(a + sqrt(a^2 + 1)), a = |x|, computed as
 * log1p(a + a^2 / (1 + sqrt(1 + a^2))) (no cancellation for small a), and
 * as log(a) + log 2 once a^2 + 1 rounds to a^2.
 * Max error: 2 ulp (against glibc on every 7th float). */
static float tc_asinhf(float x)
{
    unsigned int u = tc_to_bits(x);
    float a = tc_from_bits(u & 0x7fffffffu), r;

    if (a < 0x1p-12f || a != a)
        return x + x * 0.0f;                    /* x, nan; keeps -0 */
    if (a > 0x1p12f)
        r = tc_logf(a) + 0x1.62e43p-1f;
    else
        r = tc_log1pf(a + a * a / (1.0f + tc_sqrtf(1.0f + a * a)));
    return u >> 31 ? -r : r;
}
/* TC_END */

/* TC_FUNC tc_acoshf USES tc_logf tc_log1pf tc_sqrtf */
/* acosh(x) = log(x + sqrt(x^2 - 1)) for x >= 1, computed with t = x - 1
 * (exact for x <= 2) as log1p(t + sqrt(2t + t^2)), and as log(x) + log 2
 * once x^2 - 1 rounds to x^2.  x < 1 gives nan.
 * Max error: 2 ulp (against glibc on every 7th float). */
static float tc_acoshf(float x)
{
    float t = x - 1.0f;

    if (!(x >= 1.0f))
        return x < 1.0f ? tc_sqrtf(-1.0f) : x + x;   /* nan for x < 1 and for nan */
    if (x > 0x1p12f)
        return tc_logf(x) + 0x1.62e43p-1f;
    return tc_log1pf(t + tc_sqrtf(t * (2.0f + t)));
}
/* TC_END */

/* TC_FUNC tc_atanhf USES tc_log1pf tc_bits */
/* atanh(x) = sign(x) log1p(2a / (1-a)) / 2 with a = |x| (odd: log1p near -1
 * would amplify rounding); 1-a is exact near 1, a = 1 gives inf, a > 1
 * gives log1p(< -1) = nan.
 * Max error: 2 ulp (against glibc on every 7th float). */
static float tc_atanhf(float x)
{
    unsigned int u = tc_to_bits(x);
    float a = tc_from_bits(u & 0x7fffffffu), r;

    if (x == 0.0f)
        return x;                               /* keeps -0 */
    r = 0.5f * tc_log1pf(2.0f * a / (1.0f - a));
    return u >> 31 ? -r : r;
}
/* TC_END */

/* TC_FUNC tc_u64f */
/* (float)u for a 64-bit unsigned integer, rounded to nearest even as C's own
 * conversion, with 32-bit integer operations and one 32-bit conversion: a
 * 32-bit target (Cortex-M4) needs no __aeabi_ul2f.  Above 2^32 the top 32
 * significant bits v are kept and any bit below them is folded into v's lowest
 * bit, which lies under the rounding position (bit 7 of v), so converting v
 * rounds once and right; scaling by 2^s is exact.
 * Max error: 0 (exact; checked against C's conversion). */
static float tc_u64f(unsigned long long u)
{
    unsigned int hi = (unsigned int)(u >> 32), lo = (unsigned int)u, v, t, s = 0;

    if (hi == 0)
        return (float)lo;
    for (t = hi; t != 0; t >>= 1)
        s++;                                    /* significant bits of hi */
    if (s == 32)
        return (float)(hi | (lo != 0)) * 4294967296.0f;
    v = hi << (32 - s) | lo >> s;
    v |= (lo & ((1u << s) - 1)) != 0;
    return (float)v * (float)(1u << s);
}
/* TC_END */

/* TC_FUNC tc_i64f USES tc_u64f */
/* (float)v for a 64-bit signed integer: the magnitude through tc_u64f (exact,
 * and rounding to nearest even is symmetric).
 * Max error: 0 (exact; checked against C's conversion). */
static float tc_i64f(long long v)
{
    float f = tc_u64f(v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v);

    return v < 0 ? -f : f;
}
/* TC_END */
