/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hard interrupt and NMI context entry.  Mirrors include/linux/hardirq.h;
 * irq_enter*() and irq_exit*() are defined in kernel/softirq.c.
 */
#ifndef _ENTRYDOC_LINUX_HARDIRQ_H
#define _ENTRYDOC_LINUX_HARDIRQ_H

#include <entrydoc/annotations.h>
#include <linux/types.h>
#include <linux/preempt.h>
#include <linux/context_tracking.h>
#include <linux/instrumentation.h>
#include <linux/irqflags.h>
#include <linux/ftrace_irq.h>

/*
 * synchronize_irq / synchronize_hardirq - include/linux/hardirq.h,
 * kernel/irq/manage.c (v6.1, v6.12).  Ordinary; they may sleep or spin.
 * ENTRYDOC_COMMON: driver documents call them.
 */
ENTRYDOC_COMMON void synchronize_irq(unsigned int irq);
ENTRYDOC_COMMON bool synchronize_hardirq(unsigned int irq);

/*
 * __rcu_irq_enter_check_tick - include/linux/hardirq.h, kernel/rcu/tree.c
 * (v6.1, v6.12; an empty static inline without NO_HZ_FULL).
 * Instrumentable: irqentry_enter() calls it via rcu_irq_enter_check_tick()
 * between instrumentation_begin() and instrumentation_end().
 */
void __rcu_irq_enter_check_tick(void);

/*
 * rcu_irq_enter_check_tick - include/linux/hardirq.h, static
 * __always_inline (v6.1, v6.12): __rcu_irq_enter_check_tick() when
 * context tracking is enabled.
 */
static __always_inline void rcu_irq_enter_check_tick(void)
{
}

/*
 * irq_enter_rcu - include/linux/hardirq.h, kernel/softirq.c.  Ordinary,
 * instrumentable function (called with RCU already watching, typically
 * inside instrumentation_begin/end after irqentry_enter()).
 *
 * Order as the code runs it:
 *   __irq_enter_raw():  preempt_count_add(HARDIRQ_OFFSET)   -> preempt
 *                       lockdep_hardirq_enter()             -> lockdep
 *   tick_irq_enter()    only on a nohz_full CPU, or on the idle task
 *                       when this is the outermost interrupt -> tick
 *   account_hardirq_enter(current)                          -> time
 * The tick step is conditional but, when it runs, it sits between the
 * counter update and time accounting.  After this call in_hardirq() is
 * true.
 */
ENTRYDOC_OPENS(irq_rcu) ENTRYDOC_ORDER("preempt,lockdep,tick,time")
void irq_enter_rcu(void);

/*
 * irq_exit_rcu - include/linux/hardirq.h, kernel/softirq.c.  Ordinary,
 * instrumentable.
 *
 * Order as the code runs it (__irq_exit_rcu(), then the tail):
 *   account_hardirq_exit(current)                        -> time
 *   preempt_count_sub(HARDIRQ_OFFSET)                    -> preempt
 *   invoke_softirq()   if pending and not in interrupt   -> softirq
 *   tick_irq_exit()    NO_HZ_COMMON, idle or nohz_full   -> tick
 *   lockdep_hardirq_exit()  ("must be last")             -> lockdep
 * The counter is dropped before soft interrupts run, since their handlers
 * must not run in hard interrupt context.
 */
ENTRYDOC_CLOSES(irq_rcu) ENTRYDOC_ORDER("time,preempt,softirq,tick,lockdep")
void irq_exit_rcu(void);

/*
 * __irq_enter / __irq_exit - include/linux/hardirq.h: statement macros
 * (v6.1, v6.12), modelled as static inline, instrumentable functions.
 *   __irq_enter(): preempt_count_add(HARDIRQ_OFFSET), lockdep_hardirq_enter(),
 *                  account_hardirq_enter(current)
 *   __irq_exit():  account_hardirq_exit(current), lockdep_hardirq_exit(),
 *                  preempt_count_sub(HARDIRQ_OFFSET)
 */
static inline ENTRYDOC_ORDER("preempt,lockdep,time")
void __irq_enter(void)
{
}

static inline ENTRYDOC_ORDER("time,lockdep,preempt")
void __irq_exit(void)
{
}

/*
 * __irq_enter_raw / __irq_exit_raw - include/linux/hardirq.h: statement
 * macros (v6.1, v6.12) for fast interrupts without time accounting; as
 * macros they are inlined into their (noinstr) callers, so modelled as
 * static __always_inline.
 *   __irq_enter_raw(): preempt_count_add(HARDIRQ_OFFSET), lockdep_hardirq_enter()
 *   __irq_exit_raw():  lockdep_hardirq_exit(), preempt_count_sub(HARDIRQ_OFFSET)
 */
static __always_inline ENTRYDOC_ORDER("preempt,lockdep")
void __irq_enter_raw(void)
{
}

static __always_inline ENTRYDOC_ORDER("lockdep,preempt")
void __irq_exit_raw(void)
{
}

/*
 * irq_enter - include/linux/hardirq.h, kernel/softirq.c.  Ordinary,
 * instrumentable: ct_irq_enter() (RCU) followed by irq_enter_rcu().
 */
ENTRYDOC_OPENS(irq) ENTRYDOC_ORDER("rcu,preempt,lockdep,tick,time")
void irq_enter(void);

/*
 * irq_exit - include/linux/hardirq.h, kernel/softirq.c.  Ordinary,
 * instrumentable: __irq_exit_rcu(), then ct_irq_exit() (RCU), then
 * lockdep_hardirq_exit() last.
 */
ENTRYDOC_CLOSES(irq) ENTRYDOC_ORDER("time,preempt,softirq,tick,rcu,lockdep")
void irq_exit(void);

/*
 * __nmi_enter / __nmi_exit - include/linux/hardirq.h: statement macros
 * (v6.1, v6.12), the first and last steps of nmi_enter()/nmi_exit(),
 * modelled as static __always_inline functions.
 *   __nmi_enter(): lockdep_off(), arch_nmi_enter(), BUG_ON(in_nmi() ==
 *                  NMI_MASK), __preempt_count_add(NMI_OFFSET + HARDIRQ_OFFSET)
 *   __nmi_exit():  BUG_ON(!in_nmi()), __preempt_count_sub(NMI_OFFSET +
 *                  HARDIRQ_OFFSET), arch_nmi_exit(), lockdep_on()
 */
static __always_inline ENTRYDOC_ORDER("preempt")
void __nmi_enter(void)
{
}

static __always_inline ENTRYDOC_ORDER("preempt")
void __nmi_exit(void)
{
}

/*
 * nmi_enter - include/linux/hardirq.h.  A statement macro in the kernel
 * (do { ... } while (0)), used from noinstr code; modelled as a static
 * __always_inline function so calls appear as CALL_EXPR.
 *   __nmi_enter(): lockdep_off(), arch_nmi_enter(), then
 *                  __preempt_count_add(NMI_OFFSET + HARDIRQ_OFFSET) -> preempt
 *   lockdep_hardirq_enter()                                     -> lockdep
 *   ct_nmi_enter()                                              -> rcu
 *   ftrace_nmi_enter() inside instrumentation_begin/end         -> tracing
 * lockdep_off() only suspends lockdep recursion checking; the lockdep
 * state update proper comes after the counter.
 */
static __always_inline ENTRYDOC_OPENS(nmi) ENTRYDOC_ORDER("preempt,lockdep,rcu,tracing")
void nmi_enter(void)
{
}

/*
 * nmi_exit - include/linux/hardirq.h, statement macro in the kernel,
 * modelled like nmi_enter.  Exact reverse: ftrace_nmi_exit() (tracing),
 * ct_nmi_exit() (rcu), lockdep_hardirq_exit() (lockdep), then
 * __nmi_exit(): counter drop (preempt), arch_nmi_exit(), lockdep_on().
 */
static __always_inline ENTRYDOC_CLOSES(nmi) ENTRYDOC_ORDER("tracing,rcu,lockdep,preempt")
void nmi_exit(void)
{
}

/*
 * arch_nmi_enter() / arch_nmi_exit() - include/linux/hardirq.h: argument-
 * less macros, empty by default, overridden by some architectures
 * (arm64).
 * They are invoked from __nmi_enter()/__nmi_exit(), i.e. already inside
 * irqentry_nmi_enter()/irqentry_nmi_exit().  Recorded as data only, not
 * declared: a document may use arch_nmi_enter(regs) as a placeholder for
 * architecture code, and that must still compile.
 */
ENTRYDOC_HOOK(arch_nmi_enter, 0, "include/linux/hardirq.h");
ENTRYDOC_HOOK(arch_nmi_exit, 0, "include/linux/hardirq.h");

#endif /* _ENTRYDOC_LINUX_HARDIRQ_H */
