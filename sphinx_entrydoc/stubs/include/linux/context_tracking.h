/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Context tracking: the RCU side of entry and exit.  Mirrors
 * include/linux/context_tracking.h and include/linux/context_tracking_irq.h
 * (kernel v6.x, after the 2022 rcu_* -> ct_* rename); the out-of-line
 * functions are defined in kernel/context_tracking.c.
 */
#ifndef _ENTRYDOC_LINUX_CONTEXT_TRACKING_H
#define _ENTRYDOC_LINUX_CONTEXT_TRACKING_H

#include <entrydoc/annotations.h>

/*
 * user_exit_irqoff - include/linux/context_tracking.h, static
 * __always_inline since v5.8 (plain static inline before).  Leaves the
 * user context: RCU starts watching again (NO_HZ_FULL).
 */
static __always_inline ENTRYDOC_ORDER("rcu")
void user_exit_irqoff(void)
{
}

/*
 * user_enter_irqoff - include/linux/context_tracking.h, static
 * __always_inline since v5.8.  Enters the user context: RCU stops
 * watching (NO_HZ_FULL).
 */
static __always_inline ENTRYDOC_ORDER("rcu")
void user_enter_irqoff(void)
{
}

/*
 * ct_irq_enter - include/linux/context_tracking_irq.h, defined noinstr in
 * kernel/context_tracking.c (was rcu_irq_enter() before the
 * 2022 rename, v6.0).
 * Makes RCU watch in an interrupt that hit an RCU-idle context.
 */
noinstr ENTRYDOC_OPENS(ct_irq) ENTRYDOC_ORDER("rcu")
void ct_irq_enter(void);

/* ct_irq_exit - counterpart of ct_irq_enter, same files, noinstr */
noinstr ENTRYDOC_CLOSES(ct_irq) ENTRYDOC_ORDER("rcu")
void ct_irq_exit(void);

/*
 * ct_nmi_enter - include/linux/context_tracking_irq.h, defined noinstr in
 * kernel/context_tracking.c (was rcu_nmi_enter() before the
 * 2022 rename, v6.0).
 */
noinstr ENTRYDOC_OPENS(ct_nmi) ENTRYDOC_ORDER("rcu")
void ct_nmi_enter(void);

/* ct_nmi_exit - counterpart of ct_nmi_enter, same files, noinstr */
noinstr ENTRYDOC_CLOSES(ct_nmi) ENTRYDOC_ORDER("rcu")
void ct_nmi_exit(void);

#endif /* _ENTRYDOC_LINUX_CONTEXT_TRACKING_H */
