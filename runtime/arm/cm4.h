/*
 * cm4.h - what test and example programs need from cm4_start.c.
 */
#ifndef TC_CM4_H
#define TC_CM4_H

#include <stdint.h>

/* SysTick registers (ARMv7-M architecture reference, B3.3) */
#define TC_SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define TC_SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define TC_SYST_CVR (*(volatile uint32_t *)0xE000E018u)

/* Starts SysTick counting down from 0xFFFFFF on the processor clock. */
void tc_systick_start(void);

/* Ticks elapsed from start to end (two TC_SYST_CVR readings less than
 * 2^24 ticks apart). */
#define TC_TICKS(start, end) (((start) - (end)) & 0xFFFFFFu)

#endif
