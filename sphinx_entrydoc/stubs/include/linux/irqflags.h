/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lockdep and irq-tracing primitives from which the entry code builds
 * its state transitions.  Mirrors include/linux/irqflags.h; definitions
 * live in kernel/locking/lockdep.c and kernel/trace/trace_preemptirq.c.
 * Only the calls that entry code makes directly are modelled.
 */
#ifndef _ENTRYDOC_LINUX_IRQFLAGS_H
#define _ENTRYDOC_LINUX_IRQFLAGS_H

#include <entrydoc/annotations.h>

/*
 * CALLER_ADDR0 - include/linux/ftrace.h; the entry code passes it to the
 * lockdep hooks below.
 */
#ifndef CALLER_ADDR0
#define CALLER_ADDR0	((unsigned long)__builtin_return_address(0))
#endif

/* lockdep_hardirqs_off - kernel/locking/lockdep.c, noinstr since v5.8 */
noinstr ENTRYDOC_ORDER("lockdep")
void lockdep_hardirqs_off(unsigned long ip);

/*
 * lockdep_hardirqs_on_prepare - kernel/locking/lockdep.c; instrumentable
 * (called between instrumentation_begin/end).  Took an ip argument in
 * older kernels (dropped in late 2021); (void) since.
 */
ENTRYDOC_ORDER("lockdep")
void lockdep_hardirqs_on_prepare(void);

/* lockdep_hardirqs_on - kernel/locking/lockdep.c, noinstr since v5.8 */
noinstr ENTRYDOC_ORDER("lockdep")
void lockdep_hardirqs_on(unsigned long ip);

/*
 * trace_hardirqs_off_finish - kernel/trace/trace_preemptirq.c;
 * instrumentable, the tracing half of the "interrupts off" transition.
 */
ENTRYDOC_ORDER("tracing")
void trace_hardirqs_off_finish(void);

/*
 * trace_hardirqs_on_prepare - kernel/trace/trace_preemptirq.c;
 * instrumentable, the tracing half of the "interrupts on" transition.
 */
ENTRYDOC_ORDER("tracing")
void trace_hardirqs_on_prepare(void);

#endif /* _ENTRYDOC_LINUX_IRQFLAGS_H */
