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

/*
 * rcu_read_lock / rcu_read_unlock - include/linux/rcupdate.h (v6.1,
 * v6.12: static __always_inline and static inline).  Not part of the
 * modelled entry state; named here because entry-code documents mention
 * them (an ftrace callback flagged FTRACE_OPS_FL_RCU may take
 * rcu_read_lock()).  Hooks, not prototypes: the __always_inline of
 * rcu_read_lock() would make it look safe in noinstr code, while its body
 * calls the out-of-line __rcu_read_lock() and lockdep.
 */
ENTRYDOC_HOOK(rcu_read_lock, 0, "include/linux/rcupdate.h");
ENTRYDOC_HOOK(rcu_read_unlock, 0, "include/linux/rcupdate.h");

#endif /* _ENTRYDOC_LINUX_RCUPDATE_H */
