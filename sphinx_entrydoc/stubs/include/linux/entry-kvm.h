/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/linux/entry-kvm.h, the name of linux/entry-virt.h before the
 * rename (v6.18, see there).  One model serves both names: a document that
 * includes either compiles against the same, versioned declarations.
 */
#include <linux/entry-virt.h>
