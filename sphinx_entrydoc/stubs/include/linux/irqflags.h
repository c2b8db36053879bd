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
 * (called between instrumentation_begin/end).  (unsigned long ip) in v5.10
 * (read in Rtoax/linux-5.10.13), (void) in v6.1 and v6.12; the argument
 * was dropped for v5.18 (the release named by the tracking issue; the
 * commit was not read).
 */
#if ENTRYDOC_SINCE(5, 18)
ENTRYDOC_ORDER("lockdep")
void lockdep_hardirqs_on_prepare(void);
#else
ENTRYDOC_ORDER("lockdep")
void lockdep_hardirqs_on_prepare(unsigned long ip);
#endif

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

/*
 * trace_hardirqs_on / trace_hardirqs_off - include/linux/irqflags.h,
 * kernel/trace/trace_preemptirq.c (v5.10, v6.1, v6.12).  Instrumentable.
 * On: the irq_enable tracepoint, then lockdep_hardirqs_on_prepare() and
 * lockdep_hardirqs_on(); off: lockdep_hardirqs_off(), then the tracepoint.
 */
ENTRYDOC_COMMON ENTRYDOC_ORDER("tracing,lockdep")
void trace_hardirqs_on(void);

ENTRYDOC_COMMON ENTRYDOC_ORDER("lockdep,tracing")
void trace_hardirqs_off(void);

/*
 * lockdep_hardirq_enter / lockdep_hardirq_exit - include/linux/irqflags.h:
 * statement macros (a per-CPU hardirq_context count) used by
 * __irq_enter_raw() and nmi_enter() from noinstr code; modelled as static
 * __always_inline functions, like every statement macro here.
 */
static __always_inline ENTRYDOC_ORDER("lockdep")
void lockdep_hardirq_enter(void)
{
}

static __always_inline ENTRYDOC_ORDER("lockdep")
void lockdep_hardirq_exit(void)
{
}

/*
 * raw_local_irq_enable / raw_local_irq_disable - include/linux/irqflags.h:
 * macros for the architecture's static __always_inline
 * arch_local_irq_enable()/disable(); no tracing, so safe in noinstr code.
 */
static __always_inline ENTRYDOC_COMMON void raw_local_irq_enable(void)
{
}

static __always_inline ENTRYDOC_COMMON void raw_local_irq_disable(void)
{
}

/*
 * local_irq_enable / local_irq_disable - include/linux/irqflags.h: macros
 * that, with CONFIG_TRACE_IRQFLAGS, call trace_hardirqs_on() before
 * raw_local_irq_enable() (and trace_hardirqs_off() after
 * raw_local_irq_disable()).  Instrumentable: in noinstr code they belong
 * between instrumentation_begin() and instrumentation_end(), as
 * syscall_enter_from_user_mode() does.
 *
 * These four and trace_hardirqs_*() are ENTRYDOC_COMMON: every kind of
 * kernel document calls them, so calling them is no sign of an entry
 * document.
 */
static inline ENTRYDOC_COMMON ENTRYDOC_ORDER("tracing,lockdep")
void local_irq_enable(void)
{
}

static inline ENTRYDOC_COMMON ENTRYDOC_ORDER("lockdep,tracing")
void local_irq_disable(void)
{
}

#endif /* _ENTRYDOC_LINUX_IRQFLAGS_H */
