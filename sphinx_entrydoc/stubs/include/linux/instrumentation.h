/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instrumentation markers.  Mirrors include/linux/instrumentation.h.
 *
 * In the kernel instrumentation_begin() and instrumentation_end() are
 * macros: with objtool validation they expand to an asm nop plus an entry
 * in a .discard.instr_begin/.discard.instr_end section, otherwise to an
 * empty statement.  objtool counts begin as +1 and end as -1 along each
 * code path of .noinstr.text.
 *
 * Modelling difference: here they are static __always_inline functions,
 * so that every use shows up as a CALL_EXPR in the AST and carries the
 * bracket annotation.  Calling them still costs nothing in noinstr code
 * (always inlined), which matches the kernel.
 */
#ifndef _ENTRYDOC_LINUX_INSTRUMENTATION_H
#define _ENTRYDOC_LINUX_INSTRUMENTATION_H

#include <entrydoc/annotations.h>

/* include/linux/instrumentation.h: macro in the kernel, see above */
static __always_inline ENTRYDOC_OPENS(instrumentation)
void instrumentation_begin(void)
{
}

/* include/linux/instrumentation.h: macro in the kernel, see above */
static __always_inline ENTRYDOC_CLOSES(instrumentation)
void instrumentation_end(void)
{
}

#endif /* _ENTRYDOC_LINUX_INSTRUMENTATION_H */
