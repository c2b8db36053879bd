/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Preemption counter layout and context queries.  Mirrors
 * include/linux/preempt.h (kernel v6.x: 8 preempt bits, 8 softirq bits,
 * 4 hardirq bits, 4 NMI bits) and arch/x86/include/asm/preempt.h.
 */
#ifndef _ENTRYDOC_LINUX_PREEMPT_H
#define _ENTRYDOC_LINUX_PREEMPT_H

#include <entrydoc/annotations.h>
#include <linux/types.h>

/* include/linux/preempt.h: field widths and positions */
#define PREEMPT_BITS		8
#define SOFTIRQ_BITS		8
#define HARDIRQ_BITS		4
#define NMI_BITS		4

#define PREEMPT_SHIFT		0
#define SOFTIRQ_SHIFT		(PREEMPT_SHIFT + PREEMPT_BITS)
#define HARDIRQ_SHIFT		(SOFTIRQ_SHIFT + SOFTIRQ_BITS)
#define NMI_SHIFT		(HARDIRQ_SHIFT + HARDIRQ_BITS)

#define __IRQ_MASK(x)		((1UL << (x)) - 1)

#define PREEMPT_MASK		(__IRQ_MASK(PREEMPT_BITS) << PREEMPT_SHIFT)
#define SOFTIRQ_MASK		(__IRQ_MASK(SOFTIRQ_BITS) << SOFTIRQ_SHIFT)
#define HARDIRQ_MASK		(__IRQ_MASK(HARDIRQ_BITS) << HARDIRQ_SHIFT)
#define NMI_MASK		(__IRQ_MASK(NMI_BITS) << NMI_SHIFT)

#define PREEMPT_OFFSET		(1UL << PREEMPT_SHIFT)
#define SOFTIRQ_OFFSET		(1UL << SOFTIRQ_SHIFT)
#define HARDIRQ_OFFSET		(1UL << HARDIRQ_SHIFT)
#define NMI_OFFSET		(1UL << NMI_SHIFT)

/*
 * preempt_count - arch/x86/include/asm/preempt.h: a static __always_inline
 * function (a per-CPU read) on x86, not a macro.  The stub has no per-CPU
 * data and always reports task context.
 */
static __always_inline int preempt_count(void)
{
	return 0;
}

/*
 * Context queries - include/linux/preempt.h.  Function-like macros in the
 * kernel and here; each expands to an integer expression built on
 * preempt_count().  The !PREEMPT_RT variants are modelled.
 */
#define nmi_count()		(preempt_count() & NMI_MASK)
#define hardirq_count()		(preempt_count() & HARDIRQ_MASK)
#define softirq_count()		(preempt_count() & SOFTIRQ_MASK)
#define irq_count()		(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK))

#define in_nmi()		(nmi_count())
#define in_hardirq()		(hardirq_count())
#define in_serving_softirq()	(softirq_count() & SOFTIRQ_OFFSET)
#define in_task()		(!(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET)))

/* include/linux/preempt.h: older spellings */
#define in_softirq()		(softirq_count())
#define in_interrupt()		(irq_count())

/*
 * in_irq - include/linux/preempt.h, the old name of in_hardirq(),
 * "Obsolete and should be replaced" since v5.11; removed in v6.19 by
 * commit 70e0a80a1f35 once no caller was left.
 */
#if ENTRYDOC_BEFORE(6, 19)
#define in_irq()		(hardirq_count())
#endif
ENTRYDOC_REMOVED(in_irq, 6, 19, "70e0a80a1f35", in_hardirq, "");

/* include/linux/preempt.h */
#define in_atomic()		(preempt_count() != 0)

#endif /* _ENTRYDOC_LINUX_PREEMPT_H */
