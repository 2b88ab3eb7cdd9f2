/*
 * tc_rqs8 and tc_rqs8n (the requantising of the streamed layers on an ARMv7E-M: UMLAL,
 * shifts, USAT) against tc_out8q and tc_out8p, the helpers they stand for, on a Cortex-M4:
 * 2 million positive sums with multipliers in [2^30, 2^31), right shifts n in 1..31
 * (t = n - 2 for tc_rqs8) and zero points in -128..127, with a ReLU (lo = zp, hi = 127).
 * Appended to the helpers of a generated file (tests/int/run.sh); prints one line,
 * exits 1 on a difference.
 */
#include <stdio.h>

static uint32_t rs = 12345u;

static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 17;
    rs ^= rs << 5;
    return rs;
}

int main(void)
{
    unsigned long i, q = 0, bad = 0;

    for (i = 0; i < 2000000ul; i++) {
        int32_t acc = (int32_t)(rnd() & 0x7fffffffu) >> (rnd() & 1 ? rnd() % 31 : 0);
        int32_t m = (int32_t)(0x40000000u | (rnd() & 0x3fffffffu));
        unsigned n = 1 + rnd() % 31;
        int32_t zp = (int32_t)(rnd() % 256) - 128, v;

        if (acc <= 0)
            acc = 1 + (int32_t)(rnd() % 1000);
        v = tc_rqs8n(acc, m, n) + zp;
        bad += (int8_t)(v > 127 ? 127 : v) != tc_out8p(acc, m, (int)n, zp, zp, 127);
        if (n >= 2) {
            v = tc_rqs8(acc, m, n - 2) + zp;
            bad += (int8_t)(v > 127 ? 127 : v) != tc_out8q(acc, m, (int)n - 2, zp, zp, 127);
            q++;
        }
    }
    printf("tc_rqs8n, tc_rqs8: %lu and %lu sums, %lu differ from tc_out8p, tc_out8q\n", i, q, bad);
    return bad != 0;
}
