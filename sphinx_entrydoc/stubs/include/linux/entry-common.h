/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic syscall entry and exit.  Mirrors include/linux/entry-common.h
 * as of kernel v6.19 / v7.0, where the syscall functions are static
 * __always_inline in the header (older kernels: out of line in
 * kernel/entry/common.c, the outer ones noinstr).
 */
#ifndef _ENTRYDOC_LINUX_ENTRY_COMMON_H
#define _ENTRYDOC_LINUX_ENTRY_COMMON_H

#include <entrydoc/annotations.h>
#include <linux/types.h>
#include <asm/ptrace.h>
#include <linux/irq-entry-common.h>

/*
 * syscall_enter_from_user_mode_work - include/linux/entry-common.h,
 * static __always_inline (older kernels: an ordinary out-of-line function
 * in kernel/entry/common.c).  Runs the entry work (ptrace, seccomp,
 * syscall tracepoints, audit) with interrupts enabled; returns the
 * syscall number to run, or -1 to skip it.  No state transition.
 */
static __always_inline long syscall_enter_from_user_mode_work(struct pt_regs *regs, long syscall)
{
	(void)regs;
	return syscall;
}

/*
 * syscall_enter_from_user_mode - include/linux/entry-common.h, static
 * __always_inline since it moved into the header (around v6.8); noinstr
 * in kernel/entry/common.c before.  enter_from_user_mode() first (lockdep,
 * RCU, tracing), then, inside instrumentation_begin/end,
 * local_irq_enable() and syscall_enter_from_user_mode_work().
 */
static __always_inline ENTRYDOC_OPENS(user_mode) ENTRYDOC_ORDER("lockdep,rcu,tracing")
long syscall_enter_from_user_mode(struct pt_regs *regs, long syscall)
{
	(void)regs;
	return syscall;
}

/*
 * syscall_enter_from_user_mode_prepare() - was declared here and defined
 * noinstr in kernel/entry/ (enter_from_user_mode() plus interrupt enable).
 * Removed in late 2025 (tip core/rseq, commit 5e7be1e23bd1, v6.19 merge
 * window); callers now use enter_from_user_mode() and enable interrupts
 * themselves.
 */
ENTRYDOC_REMOVED(syscall_enter_from_user_mode_prepare, 6, 19, "54a5ab56242f", enter_from_user_mode,
		 "call enter_from_user_mode(), then enable interrupts inside instrumentation_begin()/end()");

/*
 * syscall_exit_to_user_mode_work - include/linux/entry-common.h, static
 * __always_inline (older kernels: out of line).  One-time syscall exit
 * work (rseq, audit, syscall tracepoints, ptrace single step) with
 * interrupts enabled.  No state transition.
 */
static __always_inline void syscall_exit_to_user_mode_work(struct pt_regs *regs)
{
	(void)regs;
}

/*
 * syscall_exit_to_user_mode - include/linux/entry-common.h, static
 * __always_inline since 2025 (commit e43b8bb56e53, "entry: Inline
 * syscall_exit_to_user_mode()"); __visible noinstr in
 * kernel/entry/common.c before.  Instrumentable exit work, interrupts
 * off, syscall_exit_to_user_mode_prepare(), then exit_to_user_mode(),
 * whose state order (tracing, RCU, lockdep) is the one recorded here.
 */
static __always_inline ENTRYDOC_CLOSES(user_mode) ENTRYDOC_ORDER("tracing,rcu,lockdep")
void syscall_exit_to_user_mode(struct pt_regs *regs)
{
	(void)regs;
}

#endif /* _ENTRYDOC_LINUX_ENTRY_COMMON_H */
