/* An architecture helper the project documents, modelled for the checker. */
#include <linux/types.h>
#include <asm/ptrace.h>

noinstr void myarch_save_debug_state(struct pt_regs *regs);
