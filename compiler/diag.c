/*
 * diag.c - diagnostics, gcc-style: "file: error: message".
 * Bad input exits 1, bad usage exits 2, internal bugs abort with file:line.
 * Output files are written only after the whole compilation succeeded
 * (main.c), so exiting from here never leaves a partial file behind.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ticketc.h"

static const char *cur_file = "ticketc";
static const char *cur_context; /* what inside the file, before the message */
static jmp_buf *fatal_jump; /* fuzzers catch fatal() here instead of exiting */
static int quiet;

void diag_catch(jmp_buf *jb, int be_quiet)
{
    fatal_jump = jb;
    quiet = be_quiet;
}

void diag_set_file(const char *path) { cur_file = path; }
void diag_set_context(const char *what) { cur_context = what; }
const char *diag_file(void) { return cur_file; }

/*
 * Text from a file, as a message shows it: printable ASCII stays, a quote
 * or backslash gets a backslash, any other byte becomes \xNN, so no byte
 * of a model can drive the terminal. Longer than max bytes: cut, with "...".
 */
static void escape_into(Buf *b, const char *s, size_t len, size_t max, int quotes)
{
    static const char hex[] = "0123456789abcdef";
    size_t k;
    for (k = 0; k < len && k < max; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c >= 32 && c < 127 && !(quotes && (c == '\'' || c == '\\'))) {
            buf_add(b, &s[k], 1);
        } else if (c == '\'' || c == '\\') {
            char e[2] = {'\\', (char)c};
            buf_add(b, e, 2);
        } else {
            char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            buf_add(b, e, 4);
        }
    }
    if (k < len)
        buf_add(b, "...", 3);
}

char *diag_escape_n(Arena *a, const char *s, size_t len)
{
    Buf b = {0};
    char *r;
    escape_into(&b, s ? s : "", s ? len : 0, DIAG_SHOWN_MAX, 1);
    buf_add(&b, "", 1);
    r = arena_strdup(a, b.p);
    buf_free(&b);
    return r;
}

void diag_escape_buf(char *dst, size_t size, const char *s)
{
    Buf b = {0};
    size_t n;
    escape_into(&b, s ? s : "", s ? strlen(s) : 0, DIAG_SHOWN_MAX, 1);
    n = b.len < size ? b.len : size - 1;
    if (n)
        memcpy(dst, b.p, n);
    dst[n] = 0;
    buf_free(&b);
}

char *diag_escape(Arena *a, const char *s)
{
    return diag_escape_n(a, s, s ? strlen(s) : 0);
}

/* The last line of defence: whatever reaches stderr is printable ASCII. */
static void vreport(const char *kind, const char *fmt, va_list ap)
{
    Buf msg = {0}, out = {0};
    if (quiet)
        return;
    progress_done();
    fflush(stdout);
    buf_printf(&msg, "%s: %s: ", cur_file, kind);
    if (cur_context)
        buf_printf(&msg, "%s: ", cur_context);
    buf_vprintf(&msg, fmt, ap);
    escape_into(&out, msg.p, msg.len, (size_t)-1, 0);
    buf_add(&out, "\n", 1);
    fwrite(out.p, 1, out.len, stderr);
    buf_free(&msg);
    buf_free(&out);
}

void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
    cur_context = NULL;
    if (fatal_jump)
        longjmp(*fatal_jump, 1);
    exit(EXIT_INPUT);
}

void warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("warning", fmt, ap);
    va_end(ap);
}

void usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fflush(stdout);
    fprintf(stderr, "ticketc: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'ticketc --help' for more information.\n");
    va_end(ap);
    exit(EXIT_USAGE);
}

void diag_bug(const char *file, int line, const char *msg)
{
    fflush(stdout);
    fprintf(stderr, "%s:%d: internal error in ticketc: %s\n", file, line, msg);
    abort();
}

/*
 * Progress on long work: only when stderr is a terminal, and only once the
 * run has taken a second (TICKETC_PROGRESS_DELAY_MS, for the tests, sets
 * another delay); one line, rewritten at most ten times a second, cleared
 * before any message and at the end. Names pass through the same escaping
 * as messages, so nothing from a model reaches the terminal raw.
 */
static int prog_state; /* 0: not decided yet, 1: on, -1: off */
static int prog_shown;
static double prog_start, prog_last, prog_delay = 1.0;

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void progress_start(void)
{
    const char *d = getenv("TICKETC_PROGRESS_DELAY_MS");
    prog_state = isatty(2) ? 1 : -1;
    prog_start = now_seconds();
    if (d && *d)
        prog_delay = atof(d) / 1000.0;
}

void progress(const char *stage, int64_t i, int64_t n, const char *name)
{
    char shown[48];
    double t;
    if (prog_state <= 0 || quiet)
        return;
    t = now_seconds();
    if (t - prog_start < prog_delay || (prog_shown && t - prog_last < 0.1))
        return;
    prog_last = t;
    fprintf(stderr, "\rticketc: %s", stage);
    if (n > 0)
        fprintf(stderr, " %lld/%lld", (long long)i + 1, (long long)n);
    if (name && *name) {
        diag_escape_buf(shown, sizeof shown, name);
        fprintf(stderr, " '%s'", shown);
    }
    fputs("\033[K", stderr); /* the rest of the previous line */
    fflush(stderr);
    prog_shown = 1;
}

void progress_done(void)
{
    if (!prog_shown)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    prog_shown = 0;
}
