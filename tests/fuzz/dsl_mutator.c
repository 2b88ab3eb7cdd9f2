/*
 * dsl_mutator.c - line- and token-aware mutation of ticketc's model language
 * (.tc text), for fuzz_pipeline's LLVMFuzzerCustomMutator (DSL mode):
 *   - a number becomes 0, -1, 2^31, 2^32, 2^63-1, 1e38, nan, ...;
 *   - a name becomes another name of the text (collisions), a quoted name
 *     with '/', '.', escape bytes, or an empty one;
 *   - a line is duplicated, removed or swapped with another;
 *   - a statement is added: a call of an op of compiler/ops.h on names of
 *     the text, a constant or an input with hostile dims, an opset.
 * One mutation in four, and whatever does not fit in max_size, goes to
 * LLVMFuzzerMutate. Compiled without coverage instrumentation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mutators.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static uint32_t rng;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return n ? rng % n : 0;
}

#define PICK(arr) ((arr)[rnd(sizeof(arr) / sizeof((arr)[0]))])

#define OP(id, name, cls) name,
static const char *const op_types[] = {
#include "ops.h"
    OPS(OP) "Constant", "If"};
#undef OP

#ifdef FUZZ_SKIP_KNOWN
/* Leaves out what issue 17's known cases need (as in onnx_mutator.c): dims
 * whose product overflows (2, 3), empty tensors (7, 14), names that collide
 * after sanitising (8). */
static const char *const numbers[] = {"-1", "1", "2", "3", "17", "1e38", "3.4e39", "1e-45", "nan", "inf", "-inf",
                                      "-0", "0.5", "255"};
static const char *const names[] = {"\"a.b\"", "\"\\x1b[2J\"", "\"\x1b]0;t\x07\"", "int", "main", "tc_arena", "in0", "x0",
                                    "\"0x\"", "none"};
static const char *const statements[] = {
    "const q [3, 2] = 1.0\n",
    "input q [3, 255]\n",
    "opset 99\n",
    "opset 9223372036854775807\n",
    "opset 1\n",
};
#else
static const char *const numbers[] = {"0", "-1", "1", "2", "3", "17", "2147483647", "2147483648", "4294967296",
                                      "9223372036854775807", "9223372036854775808", "-2147483648", "1e38", "3.4e39",
                                      "1e-45", "nan", "inf", "-inf", "-0", "0.5", "65536", "1048577"};

static const char *const names[] = {"\"a/b\"", "\"a.b\"", "a_b", "a_b_t2", "\"\"", "\"\\x1b[2J\"", "\"\x1b]0;t\x07\"",
                                    "\"W\\x00evil\"", "int", "main", "tc_arena", "in0", "x0", "\"0x\"", "none"};

static const char *const statements[] = {
    "const q [2147483648, 2147483648, 2147483648] = 1.0\n",
    "const q [3, 0] = 1.0\n",
    "const q [65536, 65536] = 0.5\n",
    "input q [0, 3]\n",
    "input q [2147483648, 2147483648, 2147483648]\n",
    "opset 99\n",
    "opset 9223372036854775807\n",
    "opset 1\n",
};
#endif

static int is_name(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* A random identifier of the text (into buf), or 0 when there is none. */
static int some_name(const char *t, size_t n, char *buf, size_t cap)
{
    size_t tries, i, j;
    for (tries = 0; tries < 16 && n; tries++) {
        i = rnd((uint32_t)n);
        while (i < n && !((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || t[i] == '_'))
            i++;
        while (i > 0 && is_name(t[i - 1]))
            i--;
        if (i >= n || (t[i] >= '0' && t[i] <= '9'))
            continue;
        for (j = i; j < n && is_name(t[j]) && j - i < cap - 1; j++)
            ;
        if (j == i)
            continue;
        memcpy(buf, t + i, j - i);
        buf[j - i] = 0;
        return 1;
    }
    return 0;
}

/* Replaces t[a..b) by r in out (of capacity cap); returns the new size or 0. */
static size_t splice(const char *t, size_t n, size_t a, size_t b, const char *r, size_t rn, char *out, size_t cap)
{
    if (n - (b - a) + rn > cap)
        return 0;
    memcpy(out, t, a);
    memcpy(out + a, r, rn);
    memcpy(out + a + rn, t + b, n - b);
    return n - (b - a) + rn;
}

/* Start and end (after '\n') of the line holding position i. */
static void line_at(const char *t, size_t n, size_t i, size_t *a, size_t *b)
{
    *a = i;
    while (*a > 0 && t[*a - 1] != '\n')
        (*a)--;
    *b = i;
    while (*b < n && t[*b] != '\n')
        (*b)++;
    if (*b < n)
        (*b)++;
}

static size_t mutate_text(const char *t, size_t n, char *out, size_t cap)
{
    size_t i = n ? rnd((uint32_t)n) : 0, a, b, j;
    char name[64], line[256];
    switch (rnd(7)) {
    case 0: /* a number */
        while (i < n && !(t[i] >= '0' && t[i] <= '9'))
            i++;
        if (i >= n)
            return 0;
        for (a = i; a > 0 && ((t[a - 1] >= '0' && t[a - 1] <= '9') || t[a - 1] == '.' || t[a - 1] == '-'); a--)
            ;
        for (b = i; b < n && ((t[b] >= '0' && t[b] <= '9') || t[b] == '.' || t[b] == 'e' || t[b] == 'E'); b++)
            ;
        if (a > 0 && is_name(t[a - 1]))
            return 0; /* inside a name */
        {
            const char *r = PICK(numbers);
            return splice(t, n, a, b, r, strlen(r), out, cap);
        }
    case 1: { /* a name, onto another or a hostile one */
        const char *r;
        if (!some_name(t, n, name, sizeof name))
            return 0;
        r = rnd(2) ? PICK(names) : NULL;
        for (j = 0; j + strlen(name) <= n; j++)
            if (memcmp(t + j, name, strlen(name)) == 0 && (j == 0 || !is_name(t[j - 1])) &&
                (j + strlen(name) == n || !is_name(t[j + strlen(name)])) && rnd(2)) {
                char other[64];
                if (!r && !some_name(t, n, other, sizeof other))
                    return 0;
                if (!r)
                    r = other;
                return splice(t, n, j, j + strlen(name), r, strlen(r), out, cap);
            }
        return 0;
    }
    case 2: /* duplicate a line */
        line_at(t, n, i, &a, &b);
        return splice(t, n, b, b, t + a, b - a, out, cap);
    case 3: /* remove a line */
        line_at(t, n, i, &a, &b);
        return splice(t, n, a, b, "", 0, out, cap);
    case 4: { /* swap two lines */
        size_t c, d, k = 0;
        line_at(t, n, i, &a, &b);
        line_at(t, n, n ? rnd((uint32_t)n) : 0, &c, &d);
        if (c < a) {
            size_t x = a, y = b;
            a = c, b = d, c = x, d = y;
        }
        if (c < b || n > cap)
            return 0;
        memcpy(out + k, t, a), k += a;
        memcpy(out + k, t + c, d - c), k += d - c;
        memcpy(out + k, t + b, c - b), k += c - b;
        memcpy(out + k, t + a, b - a), k += b - a;
        memcpy(out + k, t + d, n - d), k += n - d;
        return k;
    }
    case 5: { /* a call of some op on names of the text */
        char x[64], y[64];
        if (!some_name(t, n, x, sizeof x) || !some_name(t, n, y, sizeof y))
            return 0;
        snprintf(line, sizeof line, "%s%u = onnx.%s(%s%s%s)\n", x, rnd(10), PICK(op_types), x, rnd(2) ? ", " : "",
                 rnd(2) ? y : "");
        line_at(t, n, i, &a, &b);
        return splice(t, n, a, a, line, strlen(line), out, cap);
    }
    default: { /* a hostile statement */
        const char *s = PICK(statements);
        line_at(t, n, i, &a, &b);
        return splice(t, n, a, a, s, strlen(s), out, cap);
    }
    }
}

size_t dsl_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    char *out;
    size_t r;
    rng = seed * 2246822519u + 7u;
    if (!rng)
        rng = 1;
    if (rnd(4) == 0 || !max_size)
        return LLVMFuzzerMutate(data, size, max_size);
    out = malloc(max_size);
    if (!out)
        abort();
    r = mutate_text((const char *)data, size, out, max_size);
    if (r)
        memcpy(data, out, r);
    free(out);
    return r ? r : LLVMFuzzerMutate(data, size, max_size);
}
