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
 * Versions
 * --------
 * One set of headers models every kernel from v5.10 to the newest mainline
 * read (see sphinx_entrydoc/kversion.py).  The loader compiles the headers
 * once per kernel version with
 *
 *	-DENTRYDOC_KERNEL=KV(major,minor)
 *
 * and a fact that changed between versions is written as a preprocessor
 * conditional on that macro, at the version where it changed, with the
 * commit that changed it in the comment:
 *
 *	#if ENTRYDOC_SINCE(6, 8)	// 221a164035fd (v6.8): moved inline
 *	static __always_inline ... void enter_from_user_mode(struct pt_regs *);
 *	#else
 *	noinstr ... void enter_from_user_mode(struct pt_regs *regs);
 *	#endif
 *
 * So every fact (prototype, marking, pair, order, hook) is declared once,
 * for the range of versions it holds for, and load_api(dirs, version)
 * yields the API of exactly that version.  A name the kernel removed is
 * declared, up to its removal, where it lived, and recorded with
 * ENTRYDOC_REMOVED(name, major, minor, commit, replacement, note): from
 * version major.minor on (and only there) a document using it gets ED503
 * with the replacement; before that version the note is dropped by the
 * loader.  A replacement that depends on the path (syscall or interrupt
 * exit) is given as "" with the choice spelled out in the note; --fix then
 * leaves the name alone.  tests/test_versions.py checks that each removed
 * name is declared just before its removal version and not from it on.
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
 *   entrydoc:common             a general kernel primitive (ENTRYDOC_COMMON):
 *                               checked where called, but no sign that a
 *                               document is about entry code
 *   entrydoc:removed=NAME;since=X.Y;commit=C;replacement=NEW;note=TEXT
 *                               a name the kernel removed in vX.Y
 *   entrydoc:header;since=X.Y;elsewhere=H   (or until=X.Y)
 *                               the header holding the annotation exists
 *                               in the kernel from vX.Y (up to vX.Y, not
 *                               included); outside, its declarations are
 *                               in H.  The stub serves every version (the
 *                               same declarations), but a finding names
 *                               the header of the version checked, and an
 *                               #include of it outside its life is ED108.
 *
 * Pairs: a PAIR names the state a call establishes, not one function, so
 * that every entry the kernel closes with several exits (enter_from_user_mode()
 * ... syscall_exit_to_user_mode(), as s390 and x86 do) shares one PAIR.
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

/* Kernel versions, as KERNEL_VERSION() without the sublevel. */
#define KV(major, minor)		((major) * 256 + (minor))
#ifndef ENTRYDOC_KERNEL
/* The newest modelled mainline; keep in step with kversion.NEWEST. */
#define ENTRYDOC_KERNEL			KV(7, 3)
#endif
#define ENTRYDOC_SINCE(major, minor)	(ENTRYDOC_KERNEL >= KV(major, minor))
#define ENTRYDOC_BEFORE(major, minor)	(ENTRYDOC_KERNEL < KV(major, minor))

/* include/linux/compiler_types.h */
#define noinstr				__entrydoc("noinstr")
#define __always_inline			inline __attribute__((__always_inline__)) __entrydoc("always_inline")

#define ENTRYDOC_OPENS(pair)		__entrydoc("opens=" #pair)
#define ENTRYDOC_CLOSES(pair)		__entrydoc("closes=" #pair)
#define ENTRYDOC_ORDER(keys)		__entrydoc("order=" keys)
/* A general kernel primitive (local_irq_enable()), declared so that calls to
 * it are checked; calling it does not make a document entry-style. */
#define ENTRYDOC_COMMON			__entrydoc("common")

#define ENTRYDOC_HOOK(name, nargs, file)					\
	extern const char __entrydoc_hook_##name[]				\
		__entrydoc("hook=" #name ";nargs=" #nargs ";file=" file)

/*
 * ENTRYDOC_REMOVED(name, major, minor, commit, replacement, note): see
 * "Versions" above.  replacement is a bare name, or empty when the choice
 * depends on the path (the note says which to use where).
 */
#define ENTRYDOC_REMOVED(name, major, minor, commit, replacement, note)	\
	extern const char __entrydoc_removed_##name[]				\
		__entrydoc("removed=" #name ";since=" #major "." #minor		\
			   ";commit=" commit ";replacement=" #replacement	\
			   ";note=" note)

/*
 * ENTRYDOC_HEADER_SINCE(tag, major, minor, older) in a stub header: the
 * kernel header it models first appeared in vmajor.minor, and before that
 * its declarations were in <older>.  ENTRYDOC_HEADER_UNTIL(tag, major,
 * minor, newer): the kernel header is gone from vmajor.minor on, its
 * declarations in <newer>.  tag only makes the declaration's name unique.
 */
#define ENTRYDOC_HEADER_SINCE(tag, major, minor, older)			\
	extern const char __entrydoc_header_##tag[]				\
		__entrydoc("header;since=" #major "." #minor ";elsewhere=" older)
#define ENTRYDOC_HEADER_UNTIL(tag, major, minor, newer)			\
	extern const char __entrydoc_header_##tag[]				\
		__entrydoc("header;until=" #major "." #minor ";elsewhere=" newer)

#endif
