/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest entry and exit state handling.  Mirrors include/linux/kvm_host.h
 * (v6.1, v6.12, torvalds/linux); the guest_state_*(), guest_timing_*()
 * and guest_context_*() helpers exist from v5.17 (commit ef9989afda73)
 * and are declared from there on only.
 */
#ifndef _ENTRYDOC_LINUX_KVM_HOST_H
#define _ENTRYDOC_LINUX_KVM_HOST_H

#include <entrydoc/annotations.h>
#include <linux/types.h>
#include <linux/instrumentation.h>
#include <linux/context_tracking.h>
#include <linux/irqflags.h>
#include <linux/entry-virt.h>

struct kvm;
struct kvm_run;

/*
 * struct kvm_vcpu - include/linux/kvm_host.h.  The real structure is
 * large; a few fields let snippets dereference a vcpu.
 */
struct kvm_vcpu {
	struct kvm	*kvm;
	int		cpu;
	int		vcpu_id;
	int		mode;
	struct kvm_run	*run;
};

/*
 * guest_timing_enter_irqoff - include/linux/kvm_host.h, static
 * __always_inline.  Starts accounting time to the guest (vtime), in an
 * instrumentable section.
 */
#if ENTRYDOC_SINCE(5, 17)
static __always_inline ENTRYDOC_ORDER("time")
void guest_timing_enter_irqoff(void)
{
}
#endif

/*
 * guest_context_enter_irqoff - include/linux/kvm_host.h, static
 * __always_inline.  Context tracking enters guest state (RCU stops
 * watching), or RCU notes a quiescent state when context tracking is off.
 */
#if ENTRYDOC_SINCE(5, 17)
static __always_inline ENTRYDOC_ORDER("rcu")
void guest_context_enter_irqoff(void)
{
}
#endif

/*
 * guest_enter_irqoff - include/linux/kvm_host.h (v6.1, v6.12; in
 * include/linux/context_tracking.h in v5.10, moved to kvm_host.h for v5.13
 * as the tracking issue says, not checked against a v5.13 tree), static
 * __always_inline:
 * guest_timing_enter_irqoff() then guest_context_enter_irqoff().
 */
static __always_inline ENTRYDOC_ORDER("time,rcu")
void guest_enter_irqoff(void)
{
}

/*
 * guest_state_enter_irqoff - include/linux/kvm_host.h, static
 * __always_inline, kernel v5.17+.  The guest counterpart of
 * exit_to_user_mode(): trace_hardirqs_on_prepare() and
 * lockdep_hardirqs_on_prepare() (tracing, lockdep's prepare step beside
 * it), guest_context_enter_irqoff() (RCU), lockdep_hardirqs_on() (lockdep).
 */
#if ENTRYDOC_SINCE(5, 17)
static __always_inline ENTRYDOC_OPENS(guest) ENTRYDOC_ORDER("tracing,rcu,lockdep")
void guest_state_enter_irqoff(void)
{
}
#endif

/*
 * guest_context_exit_irqoff - include/linux/kvm_host.h, static
 * __always_inline.  Context tracking leaves guest state (RCU watches).
 */
#if ENTRYDOC_SINCE(5, 17)
static __always_inline ENTRYDOC_ORDER("rcu")
void guest_context_exit_irqoff(void)
{
}
#endif

/*
 * guest_timing_exit_irqoff - include/linux/kvm_host.h, static
 * __always_inline.  Flushes guest time accounting.
 */
#if ENTRYDOC_SINCE(5, 17)
static __always_inline ENTRYDOC_ORDER("time")
void guest_timing_exit_irqoff(void)
{
}
#endif

/*
 * guest_exit_irqoff - include/linux/kvm_host.h (context_tracking.h before
 * v5.17), static __always_inline: guest_context_exit_irqoff() then
 * guest_timing_exit_irqoff().
 */
static __always_inline ENTRYDOC_ORDER("rcu,time")
void guest_exit_irqoff(void)
{
}

/*
 * guest_state_exit_irqoff - include/linux/kvm_host.h, static
 * __always_inline, kernel v5.17+.  The guest counterpart of
 * enter_from_user_mode(): lockdep_hardirqs_off() (lockdep),
 * guest_context_exit_irqoff() (RCU), trace_hardirqs_off_finish()
 * (tracing).
 */
#if ENTRYDOC_SINCE(5, 17)
static __always_inline ENTRYDOC_CLOSES(guest) ENTRYDOC_ORDER("lockdep,rcu,tracing")
void guest_state_exit_irqoff(void)
{
}
#endif

/*
 * kvm_xfer_to_guest_mode_handle_work - include/linux/kvm_host.h, static
 * inline, v6.18+ (with the entry-virt rename, see linux/entry-virt.h):
 * xfer_to_guest_mode_handle_work() plus turning a signal into a
 * KVM_EXIT_INTR exit.  Instrumentable.
 */
#if ENTRYDOC_SINCE(6, 18)
static inline int kvm_xfer_to_guest_mode_handle_work(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return xfer_to_guest_mode_handle_work();
}
#endif

/*
 * guest_exit - include/linux/kvm_host.h (v6.1, v6.12), static inline:
 * guest_exit_irqoff() with interrupts saved and restored around it.
 * Instrumentable.
 */
static inline void guest_exit(void)
{
}

/*
 * kvm_guest_enter_irqoff() / kvm_guest_exit_irqoff() - were static
 * __always_inline helpers in arch/x86/kvm/x86.h (added 2021, commit
 * bc908e091b32).  Removed in early 2022 by commits ef9989afda73 ("kvm:
 * add guest_state_{enter,exit}_irqoff()") and b2d2af7e5df3 ("kvm/x86:
 * rework guest entry logic"), merged for v5.17.  The kernel's own
 * Documentation/core-api/entry.rst kept the old names until 2025.
 * Declared from v5.13 (the release of the 2021 series of bc908e091b32 is
 * assumed, not checked against a tree) up to their removal.
 */
#if ENTRYDOC_SINCE(5, 13) && ENTRYDOC_BEFORE(5, 17)
/* ef9989afda73 made guest_state_{enter,exit}_irqoff() out of these two, so
 * they open and close the same pair in the same orders. */
static __always_inline ENTRYDOC_OPENS(guest) ENTRYDOC_ORDER("tracing,rcu,lockdep")
void kvm_guest_enter_irqoff(void)
{
}

static __always_inline ENTRYDOC_CLOSES(guest) ENTRYDOC_ORDER("lockdep,rcu,tracing")
void kvm_guest_exit_irqoff(void)
{
}
#endif
ENTRYDOC_REMOVED(kvm_guest_enter_irqoff, 5, 17, "b2d2af7e5df3", guest_state_enter_irqoff, "");
ENTRYDOC_REMOVED(kvm_guest_exit_irqoff, 5, 17, "b2d2af7e5df3", guest_state_exit_irqoff, "");

/*
 * vcpu_run - not a header declaration in the kernel: a static function
 * in arch/x86/kvm/x86.c (the outer run loop that calls
 * kvm_xfer_to_guest_mode_handle_work()).  Declared here, ordinary and
 * instrumentable, so that documents naming it compile.
 */
int vcpu_run(struct kvm_vcpu *vcpu);

#endif /* _ENTRYDOC_LINUX_KVM_HOST_H */
