/*
 * bench_main.c - the latency driver of make bench's generated models
 * (bench/bench_models.sh): any model with one input and one output, fed raw
 * float32 samples. Latency at batch 1 is the best of 5 timed passes over
 * every sample (each pass's mean), after an untimed first pass that writes
 * the outputs to OUT.f32 (to compare ONNX Runtime's with). Built once per
 * model with -DPREFIX=<prefix> -DIN_SIZE=<floats> -DOUT_SIZE=<floats>.
 *
 *   bench_main SAMPLES.f32 OUT.f32  ->  "N samples; X.XXX us per inference"
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
void CAT(PREFIX, _run)(const float *in0, float *out0);
#define RUN CAT(PREFIX, _run)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    static float y[OUT_SIZE];
    float *x;
    long n, i, len;
    double best = 1e30;
    int pass;
    FILE *f;

    if (argc != 3) {
        fprintf(stderr, "usage: bench_main SAMPLES.f32 OUT.f32\n");
        return 2;
    }
    if (!(f = fopen(argv[1], "rb")) || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "bench_main: cannot read %s\n", argv[1]);
        return 1;
    }
    n = len / (long)(sizeof(float) * IN_SIZE);
    x = malloc((size_t)(n ? n : 1) * IN_SIZE * sizeof(float));
    if (!n || !x || fread(x, sizeof(float) * IN_SIZE, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "bench_main: %s holds no whole sample of %d floats\n", argv[1], IN_SIZE);
        return 1;
    }
    fclose(f);
    if (!(f = fopen(argv[2], "wb"))) {
        fprintf(stderr, "bench_main: cannot write %s\n", argv[2]);
        return 1;
    }
    for (pass = 0; pass < 6; pass++) {
        double t0 = now(), t;
        for (i = 0; i < n; i++) {
            RUN(x + i * IN_SIZE, y);
            if (pass == 0 && fwrite(y, sizeof(float), OUT_SIZE, f) != OUT_SIZE)
                return 1;
        }
        t = (now() - t0) / (double)n;
        if (pass > 0 && t < best) /* pass 0 also writes the outputs: not timed */
            best = t;
    }
    if (fclose(f) != 0)
        return 1;
    printf("%ld samples; %.3f us per inference\n", n, best * 1e6);
    free(x);
    return 0;
}
