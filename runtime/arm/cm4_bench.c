/*
 * cm4_bench.c - instructions per inference on the Cortex-M4 under QEMU
 * (mps2-an386, run with -icount shift=0: the virtual clock then advances
 * one SysTick tick per 40 executed instructions). Reads up to TC_BENCH_N
 * 784-float images from in.f32 through semihosting, times each inference
 * with SysTick and prints "inferences N ticks T checksum C min A max B" (A, B: the
 * fewest and most ticks of one inference; the count depends on the input where the
 * code skips zero inputs).
 * Built once per model with -DPREFIX=<the model's prefix>.
 */
#include <stdio.h>

#include "cm4.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
void CAT(PREFIX, _run)(const float *in0, float *out0);
#define RUN CAT(PREFIX, _run)

#ifndef TC_BENCH_N
#define TC_BENCH_N 10
#endif

static float x[TC_BENCH_N][784], y[10];

int main(void)
{
    FILE *f = fopen("in.f32", "rb");
    unsigned long ticks = 0, tmin = 0xfffffffful, tmax = 0;
    double sum = 0;
    size_t n, i;
    int j;

    if (!f || (n = fread(x, sizeof x[0], TC_BENCH_N, f)) == 0) {
        fprintf(stderr, "cm4_bench: cannot read in.f32\n");
        return 1;
    }
    fclose(f);
    tc_systick_start();
    for (i = 0; i < n; i++) {
        uint32_t t0 = TC_SYST_CVR, t1;
        RUN(x[i], y);
        t1 = TC_SYST_CVR;
        ticks += TC_TICKS(t0, t1);
        tmin = TC_TICKS(t0, t1) < tmin ? TC_TICKS(t0, t1) : tmin;
        tmax = TC_TICKS(t0, t1) > tmax ? TC_TICKS(t0, t1) : tmax;
        for (j = 0; j < 10; j++)
            sum += (double)y[j];
    }
    printf("inferences %lu ticks %lu checksum %.6g min %lu max %lu\n", (unsigned long)n, ticks, sum, tmin, tmax);
    return 0;
}
