/*
 * semihost_stdio.c - lets an unchanged `ticketc --main` test driver run on
 * a Cortex-M4 under QEMU: before main, standard input and output are
 * reopened on host files through semihosting (paths relative to QEMU's
 * working directory), so the driver reads raw float32 samples from
 * TC_IN_FILE and writes raw float32 outputs to TC_OUT_FILE.
 */
#include <stdio.h>
#include <stdlib.h>

#ifndef TC_IN_FILE
#define TC_IN_FILE "in.f32"
#endif
#ifndef TC_OUT_FILE
#define TC_OUT_FILE "out.f32"
#endif

/* Runs from newlib's __libc_init_array, after the semihosting handles are open. */
__attribute__((constructor)) static void tc_redirect(void)
{
    if (!freopen(TC_IN_FILE, "rb", stdin) || !freopen(TC_OUT_FILE, "wb", stdout)) {
        fprintf(stderr, "semihost_stdio: cannot open %s or %s\n", TC_IN_FILE, TC_OUT_FILE);
        exit(1);
    }
}
