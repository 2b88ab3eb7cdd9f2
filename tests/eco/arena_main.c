/*
 * tests/eco/arena.sh's program: three models in one program (prefixes a, b, c
 * with their own copies of the runtime math), and the LeNet ticket twice,
 * with its static arena (ls_run) and with the caller's (lc_run). Two threads
 * run lc_run at the same time on their own arenas over different samples,
 * and every output must equal ls_run's on the same sample, bit for bit.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "a.h"
#include "b.h"
#include "c.h"
#include "lc.h"
#include "ls.h"

#define SAMPLES 64
#define ROUNDS 20

static float in[SAMPLES][LC_H_IN0_SIZE];
static float want[SAMPLES][LC_H_OUT0_SIZE];
/* each thread's arena, as a caller would declare it: bytes with the stated alignment */
typedef union { float f; unsigned char bytes[LC_H_ARENA_BYTES]; } ArenaMem;
static ArenaMem arenas[2];
static int mismatches[2];

static float lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (float)(*s >> 8) / 16777216.0f;
}

static void *worker(void *p)
{
    int id = *(int *)p, r, s;
    float out[LC_H_OUT0_SIZE];
    for (r = 0; r < ROUNDS; r++)
        for (s = id; s < SAMPLES; s += 1 + id) { /* the threads walk the samples differently */
            lc_run(in[s], out, &arenas[id]);
            if (memcmp(out, want[s], sizeof out) != 0)
                mismatches[id]++;
        }
    return NULL;
}

int main(void)
{
    uint32_t seed = 7;
    int s, i, ids[2] = {0, 1};
    pthread_t t[2];
    float x3[3] = {0.5f, 2.0f, -1.0f}, pa[3], xb[B_H_IN0_SIZE], pb[B_H_OUT0_SIZE], xc[C_H_IN0_SIZE], pc[C_H_OUT0_SIZE];
    float out1[LC_H_OUT0_SIZE], out2[LC_H_OUT0_SIZE];

    for (s = 0; s < SAMPLES; s++) {
        for (i = 0; i < LC_H_IN0_SIZE; i++)
            in[s][i] = lcg(&seed);
        ls_run(in[s], want[s]);
    }
    /* interleaved by hand: sample 1 on arena 0, sample 2 on arena 1 (arena 0 filled with
     * garbage between), then sample 1 again on arena 1: the same outputs every time */
    lc_run(in[1], out1, &arenas[0]);
    memset(&arenas[0], 0xff, sizeof arenas[0]);
    lc_run(in[2], out2, &arenas[1]);
    if (memcmp(out1, want[1], sizeof out1) || memcmp(out2, want[2], sizeof out2)) {
        printf("arena: interleaved calls differ from the static arena\n");
        return 1;
    }
    for (i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, &ids[i]);
    for (i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    if (mismatches[0] || mismatches[1]) {
        printf("arena: %d and %d outputs of concurrent calls differ from the static arena\n", mismatches[0], mismatches[1]);
        return 1;
    }
    /* three models in one program, each with its own runtime math */
    a_run(x3, pa);
    for (i = 0; i < B_H_IN0_SIZE; i++)
        xb[i] = lcg(&seed);
    b_run(xb, pb);
    for (i = 0; i < C_H_IN0_SIZE; i++)
        xc[i] = lcg(&seed);
    c_run(xc, pc);
    printf("a: %.6f %.6f %.6f\n", pa[0], pa[1], pa[2]);
    printf("b:");
    for (i = 0; i < B_H_OUT0_SIZE; i++)
        printf(" %.6f", pb[i]);
    printf("\nc:");
    for (i = 0; i < C_H_OUT0_SIZE; i++)
        printf(" %.6f", pc[i]);
    printf("\narena: %d samples x %d rounds on two threads, bitwise equal to the static arena\n", SAMPLES, ROUNDS);
    return 0;
}
