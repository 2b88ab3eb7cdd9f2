/*
 * cm4_start.c - the smallest Cortex-M4 startup that runs newlib programs:
 * a two-entry vector table (initial stack pointer, reset handler) and a
 * reset handler that turns the FPU on and calls newlib's _start, which
 * zeroes .bss, opens the semihosting console, runs main and exits.
 *
 * Used by `make arm-test`, `make bench` and examples/arm/ on QEMU's
 * mps2-an386 board (linker script: cm4.ld). On a real board, replace the
 * linker script's memory map and, without a debugger attached, link with
 * --specs=nano.specs --specs=nosys.specs instead of rdimon (semihosting
 * calls stop the core when no debugger answers them).
 */
#include <stdint.h>

#include "cm4.h"

extern char __stack_top[]; /* from the linker script */
void _start(void);         /* newlib's crt0 */
void tc_reset(void);

/* The vector table, placed at address 0 by the linker script. */
struct tc_vectors {
    void *stack;
    void (*reset)(void);
};
__attribute__((section(".vectors"), used)) const struct tc_vectors tc_vector_table = {__stack_top, tc_reset};

void tc_reset(void)
{
    /* CPACR (0xE000ED88): bits 20-23 give full access to CP10 and CP11, the
     * FPU. Nothing may touch a float register before this. (A core without
     * an FPU, as the Cortex-M0 of make arm-test, has no CPACR.) */
#ifdef __ARM_FP
    *(volatile uint32_t *)0xE000ED88u |= UINT32_C(0xF) << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    _start();
    for (;;)
        ;
}

/* SysTick as a free-running 24-bit down-counter on the processor clock. */
void tc_systick_start(void)
{
    TC_SYST_CSR = 0;
    TC_SYST_RVR = 0xFFFFFFu;
    TC_SYST_CVR = 0;
    TC_SYST_CSR = 5u; /* enable, processor clock, no interrupt */
}
