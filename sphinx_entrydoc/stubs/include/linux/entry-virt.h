/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Work to handle before entering guest mode.  Mirrors
 * include/linux/entry-virt.h (include/linux/entry-kvm.h before the 2025
 * rename), implemented in kernel/entry/virt.c (was kernel/entry/kvm.c).
 */
#ifndef _ENTRYDOC_LINUX_ENTRY_VIRT_H
#define _ENTRYDOC_LINUX_ENTRY_VIRT_H

#include <entrydoc/annotations.h>
#include <linux/types.h>

/*
 * xfer_to_guest_mode_handle_work - include/linux/entry-virt.h.  Ordinary,
 * instrumentable; called with interrupts and preemption enabled from the
 * outer vcpu_run() loop.  Returns 0 or an error code.  Current signature
 * takes no argument; it took (struct kvm_vcpu *vcpu) in entry-kvm.h until
 * 2025, when the KVM-specific part moved to
 * kvm_xfer_to_guest_mode_handle_work() in include/linux/kvm_host.h.
 */
int xfer_to_guest_mode_handle_work(void);

/*
 * xfer_to_guest_mode_prepare - include/linux/entry-virt.h, static inline,
 * instrumentable.  Last-minute preparation with interrupts disabled.
 */
static inline void xfer_to_guest_mode_prepare(void)
{
}

/*
 * xfer_to_guest_mode_work_pending - include/linux/entry-virt.h, static
 * inline, instrumentable.  Whether work is pending; to be called with
 * interrupts disabled right before the switch to guest mode.
 */
static inline bool xfer_to_guest_mode_work_pending(void)
{
	return false;
}

#endif /* _ENTRYDOC_LINUX_ENTRY_VIRT_H */
