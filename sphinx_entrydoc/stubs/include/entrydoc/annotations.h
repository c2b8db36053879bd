/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Annotation vocabulary of the sphinx-entrydoc stub headers.
 *
 * The stubs model the kernel's entry API for compiling documentation
 * snippets.  Everything a check needs to know about a function is declared
 * here, next to its prototype, as clang "annotate" attributes: libclang
 * exposes them as ANNOTATE_ATTR children of the declaration, so the checks
 * read the facts from the compiled headers instead of from a second table.
 *
 *   entrydoc:noinstr            function lives in .noinstr.text
 *   entrydoc:always_inline      function is inlined into its caller
 *   entrydoc:opens=PAIR         call opens the bracket PAIR
 *   entrydoc:closes=PAIR        call closes the bracket PAIR
 *   entrydoc:order=K,K,...      state keys updated, in this order
 *   entrydoc:hook=NAME;nargs=N;file=F
 *                               a real kernel name that is not part of the
 *                               modelled API (used to warn when a document
 *                               uses it as a placeholder with other arguments)
 *   entrydoc:removed=NAME;replacement=NEW;when=TEXT
 *                               a name the kernel once had and has removed
 *
 * State keys: preempt (preemption counter), lockdep, rcu (RCU / context
 * tracking), tracing, time (time accounting), tick (NOHZ tick state),
 * softirq (soft interrupt processing).
 *
 * A declaration without noinstr or always_inline is instrumentable, as in
 * the kernel.
 */
#ifndef _ENTRYDOC_ANNOTATIONS_H
#define _ENTRYDOC_ANNOTATIONS_H

#define __entrydoc(x)			__attribute__((annotate("entrydoc:" x)))

/* include/linux/compiler_types.h */
#define noinstr				__entrydoc("noinstr")
#define __always_inline			inline __attribute__((__always_inline__)) __entrydoc("always_inline")

#define ENTRYDOC_OPENS(pair)		__entrydoc("opens=" #pair)
#define ENTRYDOC_CLOSES(pair)		__entrydoc("closes=" #pair)
#define ENTRYDOC_ORDER(keys)		__entrydoc("order=" keys)

#define ENTRYDOC_HOOK(name, nargs, file)					\
	extern const char __entrydoc_hook_##name[]				\
		__entrydoc("hook=" #name ";nargs=" #nargs ";file=" file)

#define ENTRYDOC_REMOVED(name, replacement, when)				\
	extern const char __entrydoc_removed_##name[]				\
		__entrydoc("removed=" #name ";replacement=" #replacement ";when=" when)

#endif
