/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Basic kernel types for the entrydoc stubs.
 *
 * Snippets are compiled with -nostdinc -ffreestanding, so nothing comes
 * from a C library: the fixed-width names are built from the compiler's
 * predefined type macros.  Mirrors include/linux/types.h,
 * include/uapi/asm-generic/int-ll64.h and include/linux/stddef.h.
 */
#ifndef _ENTRYDOC_LINUX_TYPES_H
#define _ENTRYDOC_LINUX_TYPES_H

/* include/linux/types.h: bool is the C99 _Bool */
typedef _Bool bool;

/* include/linux/stddef.h: false/true are enumerators, not macros */
enum {
	false	= 0,
	true	= 1
};

/* include/linux/stddef.h */
#undef NULL
#define NULL ((void *)0)

/* include/uapi/asm-generic/int-ll64.h */
typedef __INT8_TYPE__		s8;
typedef __UINT8_TYPE__		u8;
typedef __INT16_TYPE__		s16;
typedef __UINT16_TYPE__		u16;
typedef __INT32_TYPE__		s32;
typedef __UINT32_TYPE__		u32;
typedef __INT64_TYPE__		s64;
typedef __UINT64_TYPE__		u64;

typedef u8			__u8;
typedef u16			__u16;
typedef u32			__u32;
typedef u64			__u64;

/* include/linux/stddef.h */
#undef offsetof
#define offsetof(TYPE, MEMBER)	__builtin_offsetof(TYPE, MEMBER)
#define sizeof_field(TYPE, MEMBER) sizeof((((TYPE *)0)->MEMBER))
#define offsetofend(TYPE, MEMBER) \
	(offsetof(TYPE, MEMBER)	+ sizeof_field(TYPE, MEMBER))

/* include/linux/types.h: the C99 and BSD names for the same widths */
typedef u8			u_int8_t;
typedef s8			int8_t;
typedef u16			u_int16_t;
typedef s16			int16_t;
typedef u32			u_int32_t;
typedef s32			int32_t;
typedef u8			uint8_t;
typedef u16			uint16_t;
typedef u32			uint32_t;
typedef u64			uint64_t;
typedef u64			u_int64_t;
typedef s64			int64_t;

/* include/linux/types.h (via uapi/asm-generic/posix_types.h) */
typedef __SIZE_TYPE__		size_t;

#endif /* _ENTRYDOC_LINUX_TYPES_H */
