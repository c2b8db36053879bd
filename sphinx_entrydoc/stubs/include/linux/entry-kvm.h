/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/linux/entry-kvm.h, the name of linux/entry-virt.h before the
 * rename (v6.18, see there).  One model serves both names: a document that
 * includes either compiles against the same, versioned declarations, and
 * ENTRYDOC_HEADER_UNTIL says which name the version checked has.
 */
#ifndef _ENTRYDOC_LINUX_ENTRY_KVM_H
#define _ENTRYDOC_LINUX_ENTRY_KVM_H

#include <linux/entry-virt.h>

ENTRYDOC_HEADER_UNTIL(entry_kvm, 6, 18, "linux/entry-virt.h");

#endif
