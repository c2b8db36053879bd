/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU queries used around entry code.  Mirrors include/linux/rcupdate.h,
 * which pulls in include/linux/rcutree.h for the declaration below.
 */
#ifndef _ENTRYDOC_LINUX_RCUPDATE_H
#define _ENTRYDOC_LINUX_RCUPDATE_H

#include <entrydoc/annotations.h>
#include <linux/types.h>

/*
 * rcu_is_watching - include/linux/rcutree.h, defined in kernel/rcu/tree.c
 * as notrace (hidden from ftrace) but not noinstr.  Reads state only.
 * With TINY_RCU it is a static inline returning true (rcutiny.h).
 */
bool rcu_is_watching(void);

#endif /* _ENTRYDOC_LINUX_RCUPDATE_H */
