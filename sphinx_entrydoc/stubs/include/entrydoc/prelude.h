/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Umbrella header of the sphinx-entrydoc stubs.
 *
 * Force-included into every documentation snippet (clang
 * -include entrydoc/prelude.h), so that snippets, which never include
 * headers themselves, see the modelled kernel entry API.  Must compile
 * without any diagnostic under
 *   -x c -std=gnu11 -nostdinc -ffreestanding -Wall -Wextra
 * also when it is the only content of the translation unit.
 *
 * Each header below can also be included on its own.
 */
#ifndef _ENTRYDOC_PRELUDE_H
#define _ENTRYDOC_PRELUDE_H

#include <entrydoc/annotations.h>

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kern_levels.h>
#include <asm/ptrace.h>
#include <linux/instrumentation.h>
#include <linux/preempt.h>
#include <linux/irqflags.h>
#include <linux/rcupdate.h>
#include <linux/context_tracking.h>
#include <linux/hardirq.h>
#include <linux/irq-entry-common.h>
#include <linux/entry-common.h>
#include <linux/entry-virt.h>
#include <linux/entry-kvm.h>
#include <linux/kvm_host.h>

#endif /* _ENTRYDOC_PRELUDE_H */
