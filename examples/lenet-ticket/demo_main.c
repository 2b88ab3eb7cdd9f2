/*
 * demo_main.c - runs a ticketc-generated model over the Fashion-MNIST test
 * set, read straight from its IDX files (no Python), and reports accuracy
 * and latency. Built once per model with -DPREFIX=<the model's prefix>.
 *
 *   demo IMAGES.idx LABELS.idx  ->  "correct N of M; X.XX us per inference"
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
void CAT(PREFIX, _run)(const float *in0, float *out0);
#define RUN CAT(PREFIX, _run)

static unsigned char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p;
    if (!f || fseek(f, 0, SEEK_END) != 0 || (*len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "demo: cannot read %s\n", path);
        exit(1);
    }
    p = malloc((size_t)*len + 1);
    if (!p || fread(p, 1, (size_t)*len, f) != (size_t)*len) {
        fprintf(stderr, "demo: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    return p;
}

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int argmax(const float *v, int n)
{
    int i, best = 0;
    for (i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

int main(int argc, char **argv)
{
    long ilen, llen, n, i, correct = 0;
    unsigned char *img, *lab;
    static float x[784], y[10];
    double best = 1e30;
    int rep, j;

    if (argc != 3) {
        fprintf(stderr, "usage: demo IMAGES.idx LABELS.idx\n");
        return 2;
    }
    img = slurp(argv[1], &ilen);
    lab = slurp(argv[2], &llen);
    /* IDX: magic 0x00000803 (images: count, rows, cols) / 0x00000801 (labels: count) */
    if (ilen < 16 || llen < 8 || be32(img) != 0x803 || be32(lab) != 0x801 || be32(img + 8) != 28 ||
        be32(img + 12) != 28 || be32(img + 4) != be32(lab + 4) || ilen < 16 + 784L * (long)be32(img + 4) ||
        llen < 8 + (long)be32(lab + 4)) {
        fprintf(stderr, "demo: %s / %s are not matching IDX image and label files\n", argv[1], argv[2]);
        return 1;
    }
    n = (long)be32(img + 4);
    for (i = 0; i < n; i++) {
        for (j = 0; j < 784; j++)
            x[j] = (float)img[16 + i * 784 + j] / 255.0f; /* as the training script */
        RUN(x, y);
        correct += argmax(y, 10) == lab[8 + i];
    }
    /* latency: best of 5 passes over the first 2,000 images, inputs prepared before timing */
    {
        long m = n < 2000 ? n : 2000;
        float *xs = malloc(sizeof(float) * 784 * (size_t)m);
        volatile float sink = 0;
        for (i = 0; i < m * 784; i++)
            xs[i] = (float)img[16 + i] / 255.0f;
        for (rep = 0; rep < 5; rep++) {
            double t0 = now(), t;
            for (i = 0; i < m; i++) {
                RUN(xs + i * 784, y);
                sink += y[0];
            }
            t = (now() - t0) / (double)m;
            if (t < best)
                best = t;
        }
        (void)sink;
        free(xs);
    }
    printf("correct %ld of %ld; %.3f us per inference\n", correct, n, best * 1e6);
    free(img);
    free(lab);
    return 0;
}
