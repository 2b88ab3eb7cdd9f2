/*
 * diag.c - diagnostics, gcc-style: "file: error: message".
 * Bad input exits 1, bad usage exits 2, internal bugs abort with file:line.
 * Output files are written only after the whole compilation succeeded
 * (main.c), so exiting from here never leaves a partial file behind.
 */
#include <setjmp.h>
#include <stdlib.h>

#include "ticketc.h"

static const char *cur_file = "ticketc";
static jmp_buf *fatal_jump; /* fuzzers catch fatal() here instead of exiting */
static int quiet;

void diag_catch(jmp_buf *jb, int be_quiet)
{
    fatal_jump = jb;
    quiet = be_quiet;
}

void diag_set_file(const char *path) { cur_file = path; }
const char *diag_file(void) { return cur_file; }

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    if (quiet)
        return;
    fflush(stdout);
    fprintf(stderr, "%s: %s: ", cur_file, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
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
