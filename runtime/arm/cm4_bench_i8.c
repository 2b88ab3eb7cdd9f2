/*
 * cm4_bench_i8.c - cm4_bench.c for a model built with --io int8: the same
 * 784-float images, quantised outside the timed call (q = x / SCALE + ZP,
 * rounded, saturated; any int8 input will do for counting), then
 * instructions per inference of <prefix>_run(const int8_t *, int8_t *).
 */
#include <stdio.h>

#include "cm4.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
void CAT(PREFIX, _run)(const int8_t *in0, int8_t *out0);
#define RUN CAT(PREFIX, _run)

#ifndef TC_BENCH_N
#define TC_BENCH_N 10
#endif

static float x[TC_BENCH_N][784];
static int8_t q[TC_BENCH_N][784], y[10];

int main(void)
{
    FILE *f = fopen("in.f32", "rb");
    unsigned long ticks = 0;
    long sum = 0;
    size_t n, i, k;
    int j;

    if (!f || (n = fread(x, sizeof x[0], TC_BENCH_N, f)) == 0) {
        fprintf(stderr, "cm4_bench_i8: cannot read in.f32\n");
        return 1;
    }
    fclose(f);
    for (i = 0; i < n; i++)
        for (k = 0; k < 784; k++) {
            float v = x[i][k] / (float)TC_IN_SCALE + (float)TC_IN_ZP;
            q[i][k] = (int8_t)(v > 127.0f ? 127 : v < -128.0f ? -128 : (int)(v + (v < 0 ? -0.5f : 0.5f)));
        }
    tc_systick_start();
    for (i = 0; i < n; i++) {
        uint32_t t0 = TC_SYST_CVR, t1;
        RUN(q[i], y);
        t1 = TC_SYST_CVR;
        ticks += TC_TICKS(t0, t1);
        for (j = 0; j < 10; j++)
            sum += y[j];
    }
    printf("inferences %lu ticks %lu checksum %ld\n", (unsigned long)n, ticks, sum);
    return 0;
}
