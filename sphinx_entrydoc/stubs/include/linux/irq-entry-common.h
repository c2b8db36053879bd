/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic entry code shared by syscalls and exceptions/interrupts.
 * Mirrors include/linux/irq-entry-common.h (split out of
 * include/linux/entry-common.h in 2025) and, for older kernels, the same
 * declarations in entry-common.h, with the out-of-line functions from
 * kernel/entry/common.c; per version, as read from v6.1 and v6.12 (Debian
 * trees) and linux-riscv/linux (v6.19+).  Which file holds a declaration
 * does not change what a snippet may call, so one stub header serves both;
 * ENTRYDOC_HEADER_SINCE below makes findings name entry-common.h before
 * the split, and an #include of this header there ED108.  The split is
 * modelled from v6.16: the header is in a v6.17 tree (nhatz11/linux-6.17)
 * and not in v6.12; no v6.16 tree was read to confirm the boundary.
 *
 * Bodies of static __always_inline functions are empty: the stubs model
 * prototypes, markings and the facts in the annotations, not behaviour.
 */
#ifndef _ENTRYDOC_LINUX_IRQ_ENTRY_COMMON_H
#define _ENTRYDOC_LINUX_IRQ_ENTRY_COMMON_H

#include <entrydoc/annotations.h>
#include <linux/types.h>
#include <asm/ptrace.h>
#include <linux/instrumentation.h>
#include <linux/context_tracking.h>
#include <linux/irqflags.h>

ENTRYDOC_HEADER_SINCE(irq_entry_common, 6, 16, "linux/entry-common.h");

/*
 * arch_enter_from_user_mode - include/linux/irq-entry-common.h: static
 * __always_inline architecture hook (empty default), run first in
 * enter_from_user_mode().  Called arch_check_user_regs() until the 2022
 * rename (commit 6d97af487dee, v5.19).
 */
static __always_inline void arch_enter_from_user_mode(struct pt_regs *regs)
{
	(void)regs;
}

/*
 * arch_in_rcu_eqs - include/linux/irq-entry-common.h: static
 * __always_inline hook (default false) consulted by irqentry_enter().
 */
#if ENTRYDOC_SINCE(6, 19)	/* not in v6.12; first read in linux-riscv/linux (v6.19+) */
static __always_inline bool arch_in_rcu_eqs(void)
{
	return false;
}
#endif

/*
 * enter_from_user_mode - include/linux/irq-entry-common.h (v6.19+;
 * entry-common.h before).  static __always_inline since v6.8 (6f0e6c1598b1,
 * "entry: Move enter_from_user_mode() to header file"; v6.12); before,
 * noinstr out of line in kernel/entry/common.c (v6.1) -- and before v5.12 a
 * static __always_inline helper of that file, modelled as noinstr too (safe
 * to call from noinstr code either way).
 * Code order: arch_enter_from_user_mode(), lockdep_hardirqs_off(),
 * user_exit_irqoff() (context tracking / RCU), trace_hardirqs_off_finish().
 */
#if ENTRYDOC_SINCE(6, 8)
static __always_inline ENTRYDOC_OPENS(user_mode) ENTRYDOC_ORDER("lockdep,rcu,tracing")
void enter_from_user_mode(struct pt_regs *regs)
{
	(void)regs;
}
#else
noinstr ENTRYDOC_OPENS(user_mode) ENTRYDOC_ORDER("lockdep,rcu,tracing")
void enter_from_user_mode(struct pt_regs *regs);
#endif

/*
 * local_irq_enable_exit_to_user / local_irq_disable_exit_to_user -
 * include/linux/entry-common.h (v6.1, v6.12), irq-entry-common.h after the
 * split: static inline defaults (local_irq_enable()/local_irq_disable())
 * an architecture may override.  Instrumentable.
 */
static inline void local_irq_enable_exit_to_user(unsigned long ti_work)
{
	(void)ti_work;
}

static inline void local_irq_disable_exit_to_user(void)
{
}

/*
 * arch_exit_to_user_mode_work - include/linux/irq-entry-common.h: static
 * inline hook (empty default) for architecture TIF work, called from
 * exit_to_user_mode_loop() with interrupts enabled.  Instrumentable.
 */
static inline void arch_exit_to_user_mode_work(struct pt_regs *regs,
					       unsigned long ti_work)
{
	(void)regs;
	(void)ti_work;
}

/*
 * arch_exit_to_user_mode_prepare - include/linux/irq-entry-common.h:
 * static inline hook (empty default), last step of the exit "prepare"
 * work, interrupts disabled.  Instrumentable.
 */
static inline void arch_exit_to_user_mode_prepare(struct pt_regs *regs,
						  unsigned long ti_work)
{
	(void)regs;
	(void)ti_work;
}

/*
 * arch_exit_to_user_mode - include/linux/irq-entry-common.h: static
 * __always_inline hook (empty default) run by exit_to_user_mode() after
 * context tracking switched to user mode (speculation mitigations).
 */
static __always_inline void arch_exit_to_user_mode(void)
{
}

/*
 * arch_do_signal_or_restart - include/linux/irq-entry-common.h, __weak
 * default in kernel/entry/common.c.  Instrumentable.  Some older kernels
 * (around 2021) passed a second argument, bool has_signal.
 */
void arch_do_signal_or_restart(struct pt_regs *regs);

/*
 * exit_to_user_mode_loop - include/linux/irq-entry-common.h, defined in
 * kernel/entry/common.c.  Instrumentable; handles pending TIF work.
 */
#if ENTRYDOC_SINCE(6, 8) && ENTRYDOC_BEFORE(6, 19)
/* v6.12: declared in entry-common.h, defined "__always_inline unsigned
 * long exit_to_user_mode_loop(...)" (not static) in kernel/entry/common.c. */
__always_inline unsigned long exit_to_user_mode_loop(struct pt_regs *regs, unsigned long ti_work);
#else
/* v6.1: a static function of kernel/entry/common.c; v6.19+ as above,
 * instrumentable. */
unsigned long exit_to_user_mode_loop(struct pt_regs *regs, unsigned long ti_work);
#endif

/*
 * syscall_exit_to_user_mode_prepare - include/linux/irq-entry-common.h,
 * static __always_inline, kernel v6.19+.  Exit work for syscalls with
 * interrupts disabled; no lockdep/RCU/tracing state change.  Replaces
 * the common exit_to_user_mode_prepare() (see the removal note below).
 */
#if ENTRYDOC_SINCE(6, 19)
static __always_inline void syscall_exit_to_user_mode_prepare(struct pt_regs *regs)
{
	(void)regs;
}
#else
/* v6.1, v6.12: a static, instrumentable helper of kernel/entry/common.c. */
void syscall_exit_to_user_mode_prepare(struct pt_regs *regs);
#endif

/*
 * irqentry_exit_to_user_mode_prepare - include/linux/irq-entry-common.h,
 * static __always_inline, kernel v6.19+.  The interrupt-exit variant of
 * the above; no state change.
 */
#if ENTRYDOC_SINCE(6, 19)
static __always_inline void irqentry_exit_to_user_mode_prepare(struct pt_regs *regs)
{
	(void)regs;
}
#endif

/*
 * exit_to_user_mode_prepare() - a static helper of kernel/entry/common.c
 * (v6.1), static __always_inline in entry-common.h since v6.8 (d68019471995,
 * "entry: Move exit to usermode functions to header file"; v6.12).  Split
 * for v6.19 (tip core/rseq, commit 70fe25a3bc53) into
 * syscall_exit_to_user_mode_prepare() and
 * irqentry_exit_to_user_mode_prepare().
 */
#if ENTRYDOC_SINCE(6, 8) && ENTRYDOC_BEFORE(6, 19)
static __always_inline void exit_to_user_mode_prepare(struct pt_regs *regs)
{
	(void)regs;
}
#elif ENTRYDOC_BEFORE(6, 8)
void exit_to_user_mode_prepare(struct pt_regs *regs);
#endif
ENTRYDOC_REMOVED(exit_to_user_mode_prepare, 6, 19, "70fe25a3bc53", ,
		 "split by exit path: syscall_exit_to_user_mode_prepare() on the syscall exit path, irqentry_exit_to_user_mode_prepare() on the interrupt and exception exit path");

/*
 * exit_to_user_mode - include/linux/irq-entry-common.h (entry-common.h
 * before the split); takes no argument.  static __always_inline since v6.8
 * (d68019471995; v6.12); noinstr out of line in kernel/entry/common.c
 * before (v6.1; a static helper of that file before v5.12, modelled as
 * noinstr).
 * Code order: trace_hardirqs_on_prepare() and lockdep_hardirqs_on_prepare()
 * (instrumentable part: tracing, with lockdep's "prepare" step beside it),
 * user_enter_irqoff() (context tracking / RCU), arch_exit_to_user_mode(),
 * lockdep_hardirqs_on() (lockdep).
 */
#if ENTRYDOC_SINCE(6, 8)
static __always_inline ENTRYDOC_CLOSES(user_mode) ENTRYDOC_ORDER("tracing,rcu,lockdep")
void exit_to_user_mode(void)
{
}
#else
noinstr ENTRYDOC_CLOSES(user_mode) ENTRYDOC_ORDER("tracing,rcu,lockdep")
void exit_to_user_mode(void);
#endif

/*
 * irqentry_enter_from_user_mode - include/linux/irq-entry-common.h, static
 * __always_inline in v6.19+ (with the rseq rework); noinstr in
 * kernel/entry/common.c in v6.1 and v6.12.  enter_from_user_mode() plus
 * rseq bookkeeping.
 */
#if ENTRYDOC_SINCE(6, 19)
static __always_inline ENTRYDOC_OPENS(user_mode) ENTRYDOC_ORDER("lockdep,rcu,tracing")
void irqentry_enter_from_user_mode(struct pt_regs *regs)
{
	(void)regs;
}
#else
noinstr ENTRYDOC_OPENS(user_mode) ENTRYDOC_ORDER("lockdep,rcu,tracing")
void irqentry_enter_from_user_mode(struct pt_regs *regs);
#endif

/*
 * irqentry_exit_to_user_mode - include/linux/irq-entry-common.h, static
 * __always_inline in v6.19+ (v6.1, v6.12: noinstr).  Instrumentable
 * exit work, then exit_to_user_mode().
 */
#if ENTRYDOC_SINCE(6, 19)
static __always_inline ENTRYDOC_CLOSES(user_mode) ENTRYDOC_ORDER("tracing,rcu,lockdep")
void irqentry_exit_to_user_mode(struct pt_regs *regs)
{
	(void)regs;
}
#else	/* v6.1, v6.12: noinstr in kernel/entry/common.c */
noinstr ENTRYDOC_CLOSES(user_mode) ENTRYDOC_ORDER("tracing,rcu,lockdep")
void irqentry_exit_to_user_mode(struct pt_regs *regs);
#endif

/*
 * irqentry_state_t - include/linux/irq-entry-common.h (entry-common.h
 * before the 2025 split).  Opaque to callers; exit_rcu is used by
 * irqentry_enter/exit, lockdep by irqentry_nmi_enter/exit.  The first
 * version (2020) had exit_rcu only; lockdep came with the NMI pair.
 */
typedef struct irqentry_state {
	union {
		bool	exit_rcu;
		bool	lockdep;
	};
} irqentry_state_t;

/*
 * raw_irqentry_exit_cond_resched - include/linux/irq-entry-common.h,
 * kernel/entry/common.c.  Instrumentable.
 */
void raw_irqentry_exit_cond_resched(void);

/*
 * irqentry_exit_cond_resched - include/linux/irq-entry-common.h.  Current
 * kernels spell it as an argument-less macro resolving to
 * raw_irqentry_exit_cond_resched() or a PREEMPT_DYNAMIC static call/key;
 * early versions declared a plain function.  Modelled as a plain
 * instrumentable function.
 */
void irqentry_exit_cond_resched(void);

/*
 * dynamic_irqentry_exit_cond_resched - entry-common.h (v6.1, v6.12),
 * kernel/entry/common.c: the PREEMPT_DYNAMIC static-key form that
 * irqentry_exit_cond_resched() expands to there.  Instrumentable.  First
 * read in v6.1 (when static-key PREEMPT_DYNAMIC came in was not checked),
 * so declared from v6.1.
 */
#if ENTRYDOC_SINCE(6, 1)
void dynamic_irqentry_exit_cond_resched(void);
#endif

/*
 * irqentry_enter - include/linux/irq-entry-common.h, noinstr in
 * kernel/entry/common.c.  From user mode: irqentry_enter_from_user_mode().
 * From kernel mode: lockdep_hardirqs_off(), ct_irq_enter() only on the
 * idle task / when arch_in_rcu_eqs(), trace_hardirqs_off_finish().
 * Never touches the preemption counter.
 */
noinstr ENTRYDOC_OPENS(irqentry) ENTRYDOC_ORDER("lockdep,rcu,tracing")
irqentry_state_t irqentry_enter(struct pt_regs *regs);

/*
 * irqentry_exit - include/linux/irq-entry-common.h, noinstr in
 * kernel/entry/common.c.  To user mode: irqentry_exit_to_user_mode().
 * To kernel mode: tracing, ct_irq_exit() if irqentry_enter() entered RCU,
 * lockdep.  May reschedule (irqentry_exit_cond_resched()).
 */
noinstr ENTRYDOC_CLOSES(irqentry) ENTRYDOC_ORDER("tracing,rcu,lockdep")
void irqentry_exit(struct pt_regs *regs, irqentry_state_t state);

/*
 * irqentry_nmi_enter - include/linux/irq-entry-common.h, noinstr in
 * kernel/entry/common.c.  Code order: __nmi_enter() (preemption counter
 * gets NMI_OFFSET + HARDIRQ_OFFSET, so in_nmi() is true for what
 * follows), lockdep_hardirqs_off() + lockdep_hardirq_enter(),
 * ct_nmi_enter(), then trace_hardirqs_off_finish() + ftrace_nmi_enter().
 */
noinstr ENTRYDOC_OPENS(irqentry_nmi) ENTRYDOC_ORDER("preempt,lockdep,rcu,tracing")
irqentry_state_t irqentry_nmi_enter(struct pt_regs *regs);

/*
 * irqentry_nmi_exit - include/linux/irq-entry-common.h, noinstr in
 * kernel/entry/common.c.  Takes the state returned by
 * irqentry_nmi_enter() as its second argument.  Exact reverse order:
 * ftrace_nmi_exit() + trace_hardirqs_on_prepare(), ct_nmi_exit(),
 * lockdep_hardirq_exit() + lockdep_hardirqs_on(), __nmi_exit().
 */
noinstr ENTRYDOC_CLOSES(irqentry_nmi) ENTRYDOC_ORDER("tracing,rcu,lockdep,preempt")
void irqentry_nmi_exit(struct pt_regs *regs, irqentry_state_t irq_state);

#endif /* _ENTRYDOC_LINUX_IRQ_ENTRY_COMMON_H */
