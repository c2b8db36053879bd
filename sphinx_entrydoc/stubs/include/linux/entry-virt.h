/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Work to handle before entering guest mode.  Mirrors
 * include/linux/entry-virt.h (torvalds/linux@a4a508df) and, before the
 * rename, include/linux/entry-kvm.h (v6.1, v6.12); implemented in
 * kernel/entry/virt.c (kernel/entry/kvm.c before).
 *
 * The rename came with the move of the vCPU-specific part into KVM
 * (kvm_xfer_to_guest_mode_handle_work(), linux/kvm_host.h) and the loss of
 * the vcpu argument.  It is modelled from v6.18, the merge window of that
 * series; no v6.17 or v6.18 tree was read to confirm the boundary, and
 * model-diff on such a tree will say so if it is wrong.
 */
#ifndef _ENTRYDOC_LINUX_ENTRY_VIRT_H
#define _ENTRYDOC_LINUX_ENTRY_VIRT_H

#include <entrydoc/annotations.h>
#include <linux/types.h>

ENTRYDOC_HEADER_SINCE(entry_virt, 6, 18, "linux/entry-kvm.h");

struct kvm_vcpu;

/*
 * arch_xfer_to_guest_mode_handle_work - static inline default (returns 0)
 * an architecture may override; called by xfer_to_guest_mode_handle_work()
 * with the cached thread flags.  Instrumentable.
 */
#if ENTRYDOC_SINCE(6, 18)
static inline int arch_xfer_to_guest_mode_handle_work(unsigned long ti_work)
{
	(void)ti_work;
	return 0;
}
#else
static inline int arch_xfer_to_guest_mode_handle_work(struct kvm_vcpu *vcpu, unsigned long ti_work)
{
	(void)vcpu;
	(void)ti_work;
	return 0;
}
#endif

/*
 * xfer_to_guest_mode_handle_work - ordinary, instrumentable; called with
 * interrupts and preemption enabled from the outer vcpu_run() loop.
 * Returns 0 or an error code.
 */
#if ENTRYDOC_SINCE(6, 18)
int xfer_to_guest_mode_handle_work(void);
#else
int xfer_to_guest_mode_handle_work(struct kvm_vcpu *vcpu);
#endif

/*
 * xfer_to_guest_mode_prepare - static inline, instrumentable.  Last-minute
 * preparation with interrupts disabled.
 */
static inline void xfer_to_guest_mode_prepare(void)
{
}

/*
 * __xfer_to_guest_mode_work_pending - static inline, instrumentable (v6.1,
 * v6.12, a4a508df): the bare check, for racy quick checks with interrupts
 * enabled.
 */
static inline bool __xfer_to_guest_mode_work_pending(void)
{
	return false;
}

/*
 * xfer_to_guest_mode_work_pending - static inline, instrumentable.  Whether
 * work is pending; to be called with interrupts disabled right before the
 * switch to guest mode.
 */
static inline bool xfer_to_guest_mode_work_pending(void)
{
	return false;
}

#endif /* _ENTRYDOC_LINUX_ENTRY_VIRT_H */
