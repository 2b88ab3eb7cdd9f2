/*
 * cm0_bench.c - instructions per inference and peak stack of a model on a
 * Cortex-M0 under QEMU (-M microbit, 16 KiB of RAM: images are read one at
 * a time), run with -icount shift=0 as cm4_bench.c. Reads up to TC_BENCH_N
 * 784-float images from in.f32 through semihosting and prints
 *   "inferences N ticks T checksum C min A max B stack S"
 * A, B: the fewest and most ticks of one inference; S: the most bytes of
 * stack <PREFIX>_run used, measured by filling TC_PAINT bytes below the
 * stack pointer with a pattern before each inference and finding the
 * deepest word changed. Built with -DPREFIX=<the model's prefix>.
 */
#include <stdio.h>

#include "cm4.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
void CAT(PREFIX, _run)(const float *in0, float *out0);
#define RUN CAT(PREFIX, _run)

#ifndef TC_BENCH_N
#define TC_BENCH_N 100
#endif
#ifndef TC_PAINT
#define TC_PAINT 4096
#endif

static float x[784], y[10];

/* Fills the TC_PAINT bytes below the stack pointer (no interrupt runs here) and returns
 * their lowest word: the stack <PREFIX>_run then takes starts about there. */
static volatile uint32_t *paint(void)
{
    uint32_t sp;
    volatile uint32_t *p;
    int i;

    __asm__ volatile("mov %0, sp" : "=r"(sp));
    p = (volatile uint32_t *)(uintptr_t)(sp - TC_PAINT);
    for (i = 0; i < TC_PAINT / 4; i++)
        p[i] = 0x5afe5afeu;
    return p;
}

int main(void)
{
    FILE *f = fopen("in.f32", "rb");
    unsigned long ticks = 0, tmin = 0xfffffffful, tmax = 0, stack = 0;
    double sum = 0;
    size_t n = 0;
    int j;

    if (!f) {
        fprintf(stderr, "cm0_bench: cannot read in.f32\n");
        return 1;
    }
    tc_systick_start();
    while (n < TC_BENCH_N && fread(x, sizeof x, 1, f) == 1) {
        volatile uint32_t *p = paint();
        uint32_t t0 = TC_SYST_CVR, t1, t;
        unsigned long used;

        RUN(x, y);
        t1 = TC_SYST_CVR;
        t = TC_TICKS(t0, t1);
        ticks += t;
        tmin = t < tmin ? t : tmin;
        tmax = t > tmax ? t : tmax;
        for (j = 0; j < TC_PAINT / 4 && p[j] == 0x5afe5afeu; j++)
            ;
        used = (unsigned long)(TC_PAINT - 4 * j);
        stack = used > stack ? used : stack;
        for (j = 0; j < 10; j++)
            sum += (double)y[j];
        n++;
    }
    fclose(f);
    if (!n) {
        fprintf(stderr, "cm0_bench: no image in in.f32\n");
        return 1;
    }
    printf("inferences %lu ticks %lu checksum %.6g min %lu max %lu stack %lu\n", (unsigned long)n, ticks, sum, tmin,
           tmax, stack);
    return 0;
}
