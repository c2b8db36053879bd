/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The log levels a message starts with, so that pseudo-code may write
 * 'printk(KERN_ERR "...")' as kernel code does; a misspelt level stays an
 * undeclared name.  Mirrors include/linux/kern_levels.h as of v6.1 (later
 * kernels make KERN_DEFAULT KERN_SOH "d"; the value is never checked).
 */
#ifndef _ENTRYDOC_LINUX_KERN_LEVELS_H
#define _ENTRYDOC_LINUX_KERN_LEVELS_H

/* include/linux/kern_levels.h: each level is the start-of-header byte and a digit */
#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"
#define KERN_ALERT	KERN_SOH "1"
#define KERN_CRIT	KERN_SOH "2"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"
#define KERN_DEFAULT	""
#define KERN_CONT	KERN_SOH "c"

#endif /* _ENTRYDOC_LINUX_KERN_LEVELS_H */
