/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 register frame, reduced to what documentation snippets touch.
 * Mirrors arch/x86/include/asm/ptrace.h.
 */
#ifndef _ENTRYDOC_ASM_PTRACE_H
#define _ENTRYDOC_ASM_PTRACE_H

#include <entrydoc/annotations.h>
#include <linux/types.h>

/*
 * struct pt_regs - arch/x86/include/asm/ptrace.h (x86-64 layout).  The
 * kernel lists r15..r8, ax..di, orig_ax and the hardware frame; newer
 * kernels (FRED, v6.9+) wrap cs and ss in unions.  Plain fields suffice
 * here.
 */
struct pt_regs {
	unsigned long	r15;
	unsigned long	r14;
	unsigned long	r13;
	unsigned long	r12;
	unsigned long	bp;
	unsigned long	bx;
	unsigned long	r11;
	unsigned long	r10;
	unsigned long	r9;
	unsigned long	r8;
	unsigned long	ax;
	unsigned long	cx;
	unsigned long	dx;
	unsigned long	si;
	unsigned long	di;
	unsigned long	orig_ax;
	/* hardware exception frame */
	unsigned long	ip;
	unsigned long	cs;
	unsigned long	flags;
	unsigned long	sp;
	unsigned long	ss;
};

/*
 * user_mode - arch/x86/include/asm/ptrace.h: static __always_inline on
 * x86 (other architectures define it as a macro).  On x86-64 the answer
 * is the privilege level in the low two bits of the saved CS.
 */
static __always_inline int user_mode(struct pt_regs *regs)
{
	return (regs->cs & 3) != 0;
}

#endif /* _ENTRYDOC_ASM_PTRACE_H */
