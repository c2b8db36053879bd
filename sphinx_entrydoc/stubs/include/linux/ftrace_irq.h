/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NMI hooks of the function tracer.  Mirrors include/linux/ftrace_irq.h
 * (v6.1, v6.12).
 */
#ifndef _ENTRYDOC_LINUX_FTRACE_IRQ_H
#define _ENTRYDOC_LINUX_FTRACE_IRQ_H

#include <entrydoc/annotations.h>

/*
 * ftrace_nmi_enter / ftrace_nmi_exit - include/linux/ftrace_irq.h, static
 * inline (the hardware-latency tracer's NMI accounting, plus the ftrace
 * graph NMI counter in newer kernels).  Instrumentable: nmi_enter() and
 * nmi_exit() call them between instrumentation_begin() and
 * instrumentation_end().
 */
static inline ENTRYDOC_ORDER("tracing")
void ftrace_nmi_enter(void)
{
}

static inline ENTRYDOC_ORDER("tracing")
void ftrace_nmi_exit(void)
{
}

#endif /* _ENTRYDOC_LINUX_FTRACE_IRQ_H */
