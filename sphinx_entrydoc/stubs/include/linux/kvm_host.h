/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest entry and exit state handling.  Mirrors include/linux/kvm_host.h
 * (kernel v5.17+, where the guest_state_*(), guest_timing_*() and
 * guest_context_*() helpers were introduced by commit ef9989afda73).
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
static __always_inline ENTRYDOC_ORDER("time")
void guest_timing_enter_irqoff(void)
{
}

/*
 * guest_context_enter_irqoff - include/linux/kvm_host.h, static
 * __always_inline.  Context tracking enters guest state (RCU stops
 * watching), or RCU notes a quiescent state when context tracking is off.
 */
static __always_inline ENTRYDOC_ORDER("rcu")
void guest_context_enter_irqoff(void)
{
}

/*
 * guest_enter_irqoff - include/linux/kvm_host.h (include/linux/
 * context_tracking.h before v5.17), static __always_inline:
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
static __always_inline ENTRYDOC_OPENS(guest) ENTRYDOC_ORDER("tracing,rcu,lockdep")
void guest_state_enter_irqoff(void)
{
}

/*
 * guest_context_exit_irqoff - include/linux/kvm_host.h, static
 * __always_inline.  Context tracking leaves guest state (RCU watches).
 */
static __always_inline ENTRYDOC_ORDER("rcu")
void guest_context_exit_irqoff(void)
{
}

/*
 * guest_timing_exit_irqoff - include/linux/kvm_host.h, static
 * __always_inline.  Flushes guest time accounting.
 */
static __always_inline ENTRYDOC_ORDER("time")
void guest_timing_exit_irqoff(void)
{
}

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
static __always_inline ENTRYDOC_CLOSES(guest) ENTRYDOC_ORDER("lockdep,rcu,tracing")
void guest_state_exit_irqoff(void)
{
}

/*
 * kvm_xfer_to_guest_mode_handle_work - include/linux/kvm_host.h, static
 * inline (2025+): xfer_to_guest_mode_handle_work() plus turning a signal
 * into a KVM_EXIT_INTR exit.  Instrumentable.
 */
static inline int kvm_xfer_to_guest_mode_handle_work(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return xfer_to_guest_mode_handle_work();
}

/*
 * kvm_guest_enter_irqoff() / kvm_guest_exit_irqoff() - were static
 * __always_inline helpers in arch/x86/kvm/x86.h (added 2021, commit
 * bc908e091b32).  Removed in early 2022 by commits ef9989afda73 ("kvm:
 * add guest_state_{enter,exit}_irqoff()") and b2d2af7e5df3 ("kvm/x86:
 * rework guest entry logic"), merged for v5.17.  The kernel's own
 * Documentation/core-api/entry.rst kept the old names until 2025.
 */
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
