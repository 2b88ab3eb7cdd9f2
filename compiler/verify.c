/*
 * verify.c - ticketc --verify: does the generated C compute what the model
 * computes? The C (with its --main driver) is compiled by the host compiler
 * ($CC, default cc; $CFLAGS, default -O2) in a temporary directory, run on
 * the samples, and its outputs compared with the reference interpreter's
 * (interp.c) on the same samples: per output the largest absolute and
 * relative difference, and whether the argmax of every sample agrees.
 * A value passes when |c - ref| <= T * (1 + |ref|) (T: --tolerance).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* mkdtemp, fork, waitpid */
#endif
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ticketc.h"

#define VERIFY_RANDOM_SAMPLES 16

/* the temporary directory and its files, removed at exit whatever happens */
static char tmp_dir[64];
static const char *const tmp_files[] = {"model.c", "model", "in.f32", "out.f32", "cc.log"};

static void verify_cleanup(void)
{
    size_t k;
    char path[128];
    if (!tmp_dir[0])
        return;
    for (k = 0; k < sizeof tmp_files / sizeof *tmp_files; k++) {
        snprintf(path, sizeof path, "%s/%s", tmp_dir, tmp_files[k]);
        unlink(path);
    }
    rmdir(tmp_dir);
    tmp_dir[0] = 0;
}

static const char *tmp_path(Arena *a, const char *name)
{
    return arena_printf(a, "%s/%s", tmp_dir, name);
}

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
        fatal("--verify: cannot write '%s': %s", path, strerror(errno));
}

/* Reads a whole regular file of at most max bytes. */
static unsigned char *read_file(const char *path, size_t max, size_t *len, Arena *a)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    unsigned char *p;
    if (!f)
        fatal("--verify: cannot open '%s': %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
        fatal("--verify: '%s' is not a regular file", path);
    if ((unsigned long long)st.st_size > max)
        fatal("--verify: '%s' is larger than %zu bytes (--max-bytes)", path, max);
    p = arena_alloc(a, (size_t)st.st_size + 1);
    *len = fread(p, 1, (size_t)st.st_size, f);
    if (*len != (size_t)st.st_size)
        fatal("--verify: cannot read '%s'", path);
    fclose(f);
    return p;
}

/* Runs argv with stdin and stdout redirected (NULL: inherited, stdout to stderr); returns its exit status. */
static int run(char *const argv[], const char *in, const char *out)
{
    pid_t pid;
    int st;
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0)
        fatal("--verify: cannot start a process: %s", strerror(errno));
    if (pid == 0) {
        int fd;
        if (in && ((fd = open(in, O_RDONLY)) < 0 || dup2(fd, 0) < 0))
            _exit(126);
        if (out && ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 || dup2(fd, 1) < 0))
            _exit(126);
        if (!out)
            dup2(2, 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            fatal("--verify: waitpid: %s", strerror(errno));
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* x_{k+1} = a x_k + c mod 2^32 (Numerical Recipes' constants): the same samples everywhere */
static float next_random(unsigned long *s)
{
    *s = (*s * 1664525UL + 1013904223UL) & 0xffffffffUL;
    return (float)((double)(*s >> 8) / 8388608.0 - 1.0); /* uniform in [-1, 1), 24 bits */
}

int verify_c(Graph *g, const Buf *c, const char *samples, double tol, size_t max_bytes)
{
    Arena *a = g->a;
    const char *cc = getenv("CC"), *cflags = getenv("CFLAGS");
    int64_t per_sample = 0, n_samples, s, j;
    float *in_data, *c_out, **in, **out;
    size_t len, out_len;
    int k, failed = 0;
    char *argv[4];
    Buf cmd = {0};

    for (k = 0; k < g->n_inputs + g->n_outputs; k++) /* samples are raw float32 */
        if (g->t[k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs]].dtype != DT_FLOAT)
            fatal("--verify supports models whose inputs and outputs are all float; '%s' is an integer or bool tensor",
                  diag_escape(a, g->t[k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs]].name));
        else if (io_converted(g, k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs]))
            fatal("--verify supports models whose inputs and outputs are all float; '%s' is double, float16 or "
                  "bfloat16 (compare --interpret with the --main program instead)",
                  diag_escape(a, g->t[k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs]].name));
    if (!cc || !*cc)
        cc = "cc";
    if (!cflags)
        cflags = "-O2";
    for (k = 0; k < g->n_inputs; k++)
        per_sample += ir_numel(&g->t[g->inputs[k]]);
    if (per_sample <= 0)
        fatal("--verify: the model has no input to give samples to");

    /* the samples */
    if (samples) {
        unsigned char *p = read_file(samples, max_bytes, &len, a);
        if (len == 0 || len % ((size_t)per_sample * 4) != 0)
            fatal("--verify: '%s' has %zu bytes, not a whole number of samples of %lld float32 values (%lld bytes)",
                  samples, len, (long long)per_sample, (long long)per_sample * 4);
        n_samples = (int64_t)(len / ((size_t)per_sample * 4));
        in_data = arena_array(a, (size_t)(n_samples * per_sample), sizeof(float));
        memcpy(in_data, p, len);
    } else {
        unsigned long seed = 20261205UL;
        n_samples = VERIFY_RANDOM_SAMPLES;
        if ((double)n_samples * (double)per_sample * 4.0 > (double)max_bytes)
            fatal("--verify: %d samples of the model's inputs would be larger than %zu bytes (--max-bytes)",
                  VERIFY_RANDOM_SAMPLES, max_bytes);
        in_data = arena_array(a, (size_t)(n_samples * per_sample), sizeof(float));
        for (j = 0; j < n_samples * per_sample; j++)
            in_data[j] = next_random(&seed);
    }

    /* compile and run the C */
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/ticketc-verify-XXXXXX");
    if (!mkdtemp(tmp_dir)) {
        tmp_dir[0] = 0;
        fatal("--verify: cannot create a temporary directory: %s", strerror(errno));
    }
    atexit(verify_cleanup);
    write_file(tmp_path(a, "model.c"), c->p, c->len);
    write_file(tmp_path(a, "in.f32"), in_data, (size_t)(n_samples * per_sample) * 4);
    /* through the shell, so that CC and CFLAGS may hold several words ("ccache gcc") */
    buf_printf(&cmd, "exec %s %s -o '%s' '%s'", cc, cflags, tmp_path(a, "model"), tmp_path(a, "model.c"));
    argv[0] = "/bin/sh";
    argv[1] = "-c";
    argv[2] = cmd.p;
    argv[3] = NULL;
    printf("verify: compiling with %s %s\n", cc, cflags);
    if (run(argv, NULL, NULL) != 0)
        fatal("--verify: the C compiler failed (%s %s); its messages are above", cc, cflags);
    buf_free(&cmd);
    argv[0] = (char *)tmp_path(a, "model");
    argv[1] = NULL;
    if ((k = run(argv, tmp_path(a, "in.f32"), tmp_path(a, "out.f32"))) != 0)
        fatal("--verify: the compiled model failed (exit status %d)", k);

    /* the interpreter on the same samples, output by output against the C's */
    {
        int64_t per_out = 0;
        for (k = 0; k < g->n_outputs; k++)
            per_out += ir_numel(&g->t[g->outputs[k]]);
        c_out = (float *)(void *)read_file(tmp_path(a, "out.f32"), max_bytes, &out_len, a);
        if (out_len != (size_t)(n_samples * per_out) * 4)
            fatal("--verify: the compiled model wrote %zu bytes, expected %lld samples of %lld float32 values",
                  out_len, (long long)n_samples, (long long)per_out);
    }
    printf("verify: %lld sample%s (%s), C against the reference interpreter\n", (long long)n_samples,
           n_samples == 1 ? "" : "s", samples ? diag_escape(a, samples) : "pseudo-random, uniform in [-1, 1)");
    in = arena_array(a, (size_t)g->n_inputs, sizeof(float *));
    out = arena_array(a, (size_t)g->n_outputs, sizeof(float *));
    for (k = 0; k < g->n_outputs; k++)
        out[k] = arena_array(a, (size_t)ir_numel(&g->t[g->outputs[k]]) + 1, sizeof(float));
    {
        double *max_abs = arena_array(a, (size_t)g->n_outputs, sizeof(double));
        double *max_rel = arena_array(a, (size_t)g->n_outputs, sizeof(double));
        int64_t *agree = arena_array(a, (size_t)g->n_outputs, sizeof(int64_t));
        int64_t *bad = arena_array(a, (size_t)g->n_outputs, sizeof(int64_t));
        const float *co = c_out;
        for (s = 0; s < n_samples; s++) {
            float *p = in_data + s * per_sample;
            for (k = 0; k < g->n_inputs; k++) {
                in[k] = p;
                p += ir_numel(&g->t[g->inputs[k]]);
            }
            if (g->quant) /* --quantize: the integer oracle */
                interp_int_run(g, in, out);
            else
                interp_run(g, in, out);
            for (k = 0; k < g->n_outputs; k++) {
                int64_t n = ir_numel(&g->t[g->outputs[k]]), am_c = 0, am_r = 0;
                for (j = 0; j < n; j++) {
                    double r = out[k][j], v = co[j], d = fabs(v - r);
                    if (v == r) /* also infinities */
                        d = 0.0;
                    else if (r != r || v != v) /* NaN: equal only to NaN */
                        d = (r != r) == (v != v) ? 0.0 : INFINITY;
                    if (d > max_abs[k])
                        max_abs[k] = d;
                    if (d > 0.0 && d / (fabs(r) > 1e-30 ? fabs(r) : 1e-30) > max_rel[k])
                        max_rel[k] = d / (fabs(r) > 1e-30 ? fabs(r) : 1e-30);
                    if (d > 0.0 && !(d <= tol * (1.0 + fabs(r))))
                        bad[k]++;
                    if (co[j] > co[am_c])
                        am_c = j;
                    if (out[k][j] > out[k][am_r])
                        am_r = j;
                }
                /* a different argmax between values within the tolerance is a tie, not a failure */
                agree[k] += am_c == am_r;
                if (am_c != am_r && !(fabs((double)out[k][am_c] - out[k][am_r]) <= tol * (1.0 + fabs(out[k][am_r]))))
                    bad[k]++;
                co += n;
            }
        }
        for (k = 0; k < g->n_outputs; k++) {
            const Tensor *t = &g->t[g->outputs[k]];
            printf("  out%d '%s' %s: max abs diff %.3g, max rel diff %.3g, argmax agrees %lld/%lld%s\n", k,
                   diag_escape(a, t->name), ir_shape_str(a, t), max_abs[k], max_rel[k], (long long)agree[k],
                   (long long)n_samples, bad[k] ? arena_printf(a, ", %lld beyond tolerance", (long long)bad[k]) : "");
            if (bad[k])
                failed = 1;
        }
    }
    printf("verify: %s (tolerance %g: |c - ref| <= %g * (1 + |ref|); argmax equal or a tie within it)\n",
           failed ? "FAILED" : "passed", tol, tol);
    fflush(stdout);
    verify_cleanup();
    return failed;
}
