/*
 * fcmp - compares two files of raw float32 values:
 *   fcmp [--rel R] [--abs A] [--argmax N] GOT EXPECTED
 * Passes when every |got - exp| <= A + R * |exp| (NaN only matches NaN).
 * --argmax N also checks that each row of N values has the same argmax.
 * Prints the worst difference; exit 0 pass, 1 fail, 2 usage or I/O.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float *load(const char *path, long *n)
{
    FILE *f = fopen(path, "rb");
    float *p = NULL;
    long cap = 0;
    size_t got;
    *n = 0;
    if (!f) {
        fprintf(stderr, "fcmp: cannot open %s\n", path);
        exit(2);
    }
    for (;;) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4096;
            p = realloc(p, (size_t)cap * sizeof *p);
            if (!p)
                exit(2);
        }
        got = fread(p + *n, sizeof *p, (size_t)(cap - *n), f);
        *n += (long)got;
        if (got == 0)
            break;
    }
    fclose(f);
    return p;
}

int main(int argc, char **argv)
{
    double rel = 1e-5, tol = 1e-6, worst = 0;
    long n, m, i, wi = -1, argmax = 0, bad = 0;
    float *a, *b;
    int k = 1;
    while (k + 2 < argc && argv[k][0] == '-') {
        if (strcmp(argv[k], "--rel") == 0)
            rel = atof(argv[k + 1]);
        else if (strcmp(argv[k], "--abs") == 0)
            tol = atof(argv[k + 1]);
        else if (strcmp(argv[k], "--argmax") == 0)
            argmax = atol(argv[k + 1]);
        else
            break;
        k += 2;
    }
    if (argc - k != 2) {
        fprintf(stderr, "usage: fcmp [--rel R] [--abs A] [--argmax N] GOT EXPECTED\n");
        return 2;
    }
    a = load(argv[k], &n);
    b = load(argv[k + 1], &m);
    if (n != m || n == 0) {
        fprintf(stderr, "fcmp: %s has %ld floats, %s has %ld\n", argv[k], n, argv[k + 1], m);
        return 1;
    }
    for (i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]), lim = tol + rel * fabs((double)b[i]);
        if (isnan(a[i]) || isnan(b[i]) ? !(isnan(a[i]) && isnan(b[i])) : !(d <= lim)) {
            if (!bad++)
                fprintf(stderr, "fcmp: value %ld: got %.9g, expected %.9g\n", i, a[i], b[i]);
        }
        if (!isnan(d) && d / (lim > 0 ? lim : 1) > worst)
            worst = d / (lim > 0 ? lim : 1), wi = i;
    }
    if (argmax > 0) {
        long r;
        for (r = 0; r + argmax <= n; r += argmax) {
            long ia = r, ib = r, j;
            for (j = r; j < r + argmax; j++) {
                if (a[j] > a[ia]) ia = j;
                if (b[j] > b[ib]) ib = j;
            }
            if (ia != ib) {
                if (!bad++)
                    fprintf(stderr, "fcmp: row %ld: argmax %ld, expected %ld\n", r / argmax, ia - r, ib - r);
            }
        }
    }
    printf("fcmp: %ld values, %ld outside tolerance (abs %g + rel %g); worst at %ld: %.3g of the tolerance\n", n, bad,
           tol, rel, wi, worst);
    free(a);
    free(b);
    return bad ? 1 : 0;
}
