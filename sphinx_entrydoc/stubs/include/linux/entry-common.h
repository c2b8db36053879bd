/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic syscall entry and exit.  Mirrors include/linux/entry-common.h
 * and kernel/entry/common.c per version (see entrydoc/annotations.h):
 * read from v6.1 and v6.12 (Debian linux-source trees) and from
 * linux-riscv/linux@102b3614 (v6.19+).
 */
#ifndef _ENTRYDOC_LINUX_ENTRY_COMMON_H
#define _ENTRYDOC_LINUX_ENTRY_COMMON_H

#include <entrydoc/annotations.h>
#include <linux/types.h>
#include <asm/ptrace.h>
#include <linux/irq-entry-common.h>

/*
 * syscall_enter_from_user_mode_work - include/linux/entry-common.h.
 * Runs the entry work (ptrace, seccomp, syscall tracepoints, audit) with
 * interrupts enabled; returns the syscall number to run, or -1 to skip it.
 * No state transition.  static __always_inline in the header since v6.8
 * (221a164035fd, "entry: Move syscall_enter_from_user_mode() to header
 * file"; as in v6.12 and linux-riscv/linux@102b3614); before, an ordinary
 * out-of-line function of kernel/entry/common.c (v6.1).
 */
#if ENTRYDOC_SINCE(7, 3)
/* The syscall number by reference, the result says whether to run it (see
 * syscall_enter_from_user_mode() below for the version). */
static __always_inline bool syscall_enter_from_user_mode_work(struct pt_regs *regs, long *syscall)
{
	(void)regs;
	return syscall != 0;
}
#elif ENTRYDOC_SINCE(6, 8)
static __always_inline long syscall_enter_from_user_mode_work(struct pt_regs *regs, long syscall)
{
	(void)regs;
	return syscall;
}
#else
long syscall_enter_from_user_mode_work(struct pt_regs *regs, long syscall);
#endif

/*
 * syscall_enter_from_user_mode - include/linux/entry-common.h.
 * enter_from_user_mode() first (lockdep, RCU, tracing), then, inside
 * instrumentation_begin/end, local_irq_enable() and
 * syscall_enter_from_user_mode_work().  static __always_inline since v6.8
 * (221a164035fd); noinstr in kernel/entry/common.c before (v6.1).  The
 * second parameter is 'long syscall' in v6.1, v6.12 and
 * linux-riscv/linux@102b3614.  The series that passes the number by
 * reference ('bool ...(struct pt_regs *regs, long *syscall)', true: run
 * it) is in the newest tree read: linux-riscv/linux at v7.3-rc1, whose
 * kernel/entry/syscall-common.c (dc7d0c8f) has trace_syscall_enter(regs,
 * long *) and whose entry.rst (7b788c29) calls
 * syscall_enter_from_user_mode(regs, &nr).  It is modelled from v7.3; the
 * release that merged it (after v6.19) is not pinned.  With --srctree the
 * tree's own prototype is the one compiled.
 */
#if ENTRYDOC_SINCE(7, 3)
static __always_inline ENTRYDOC_OPENS(user_mode) ENTRYDOC_ORDER("lockdep,rcu,tracing")
bool syscall_enter_from_user_mode(struct pt_regs *regs, long *syscall)
{
	(void)regs;
	return syscall != 0;
}
#elif ENTRYDOC_SINCE(6, 8)
static __always_inline ENTRYDOC_OPENS(user_mode) ENTRYDOC_ORDER("lockdep,rcu,tracing")
long syscall_enter_from_user_mode(struct pt_regs *regs, long syscall)
{
	(void)regs;
	return syscall;
}
#else
noinstr ENTRYDOC_OPENS(user_mode) ENTRYDOC_ORDER("lockdep,rcu,tracing")
long syscall_enter_from_user_mode(struct pt_regs *regs, long syscall);
#endif

/*
 * syscall_trace_enter - static in kernel/entry/common.c (v6.1); declared in
 * include/linux/entry-common.h since v6.8 for the inline
 * syscall_enter_from_user_mode_work() (v6.12).  Instrumentable.  Newer
 * trees call it with two arguments (regs, work; linux-riscv/linux@102b3614)
 * and that prototype was not read, so it is modelled up to v6.18 only.
 */
#if ENTRYDOC_SINCE(6, 8) && ENTRYDOC_BEFORE(6, 19)
long syscall_trace_enter(struct pt_regs *regs, long syscall, unsigned long work);
#endif

/*
 * syscall_enter_from_user_mode_prepare() - include/linux/entry-common.h,
 * noinstr in kernel/entry/ (v6.1, v6.12): enter_from_user_mode() plus
 * interrupt enable, so it opens the user-mode pair in the same order.  Removed for v6.19 (54a5ab56242f, tip core/rseq);
 * callers use enter_from_user_mode() and enable interrupts themselves.
 */
#if ENTRYDOC_BEFORE(6, 19)
noinstr ENTRYDOC_OPENS(user_mode) ENTRYDOC_ORDER("lockdep,rcu,tracing")
void syscall_enter_from_user_mode_prepare(struct pt_regs *regs);
#endif
ENTRYDOC_REMOVED(syscall_enter_from_user_mode_prepare, 6, 19, "54a5ab56242f", enter_from_user_mode,
		 "call enter_from_user_mode(), then enable interrupts inside instrumentation_begin()/end()");

/*
 * syscall_exit_to_user_mode_work - include/linux/entry-common.h.  One-time
 * syscall exit work (rseq, audit, syscall tracepoints, ptrace single step)
 * with interrupts enabled.  No state transition.  static __always_inline
 * in the header in v6.19+ (linux-riscv/linux@102b3614); an ordinary
 * out-of-line function of kernel/entry/common.c in v6.1 and v6.12.
 */
#if ENTRYDOC_SINCE(6, 19)
static __always_inline void syscall_exit_to_user_mode_work(struct pt_regs *regs)
{
	(void)regs;
}
#else
void syscall_exit_to_user_mode_work(struct pt_regs *regs);
#endif

/*
 * syscall_exit_to_user_mode - include/linux/entry-common.h.
 * Instrumentable exit work, interrupts off,
 * syscall_exit_to_user_mode_prepare(), then exit_to_user_mode(), whose
 * state order (tracing, RCU, lockdep) is the one recorded here.  static
 * __always_inline in v6.19+ (e43b8bb56e53, "entry: Inline
 * syscall_exit_to_user_mode()"; linux-riscv/linux@102b3614); __visible
 * noinstr in kernel/entry/common.c in v6.1 and v6.12.
 */
#if ENTRYDOC_SINCE(6, 19)
static __always_inline ENTRYDOC_CLOSES(user_mode) ENTRYDOC_ORDER("tracing,rcu,lockdep")
void syscall_exit_to_user_mode(struct pt_regs *regs)
{
	(void)regs;
}
#else
noinstr ENTRYDOC_CLOSES(user_mode) ENTRYDOC_ORDER("tracing,rcu,lockdep")
void syscall_exit_to_user_mode(struct pt_regs *regs);
#endif

#endif /* _ENTRYDOC_LINUX_ENTRY_COMMON_H */
