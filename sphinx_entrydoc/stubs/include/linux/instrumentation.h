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
 * History (what a snippet may write never changed): the guard was
 * CONFIG_DEBUG_ENTRY && CONFIG_STACK_VALIDATION when the markers came in
 * (v5.8, with noinstr), then CONFIG_VMLINUX_VALIDATION, and is
 * CONFIG_NOINSTR_VALIDATION in v6.1 and v6.12; the end marker became a nop
 * of its own (so an inner end at the close of a conditional block does not
 * escape it) and both take a __COUNTER__ label via
 * __instrumentation_begin(c)/__instrumentation_end(c).  Releases of the
 * intermediate steps were read in posted patches only, not pinned.
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
