"""Deterministic corpora of entry-style documents for the benchmarks.

Each document has the shape of the kernel's entry documentation: prose with
function names, a list of states, ordering claims with bullet lists, '::'
blocks and '.. code-block:: c' blocks of pseudo-code (placeholders, '...',
undeclared locals, arrow notes).  About one document in eight carries a
defect (a typo, a missing argument, an unbalanced pair, a wrong order).
"""
from __future__ import annotations

import argparse
import os
import random

VERBS = ["handles", "covers", "deals with", "takes care of"]
DOMAINS = ["syscall", "interrupt", "exception", "NMI", "machine check", "debug trap", "page fault"]
ORDERS = {
    "enter_from_user_mode": ["Lockdep", "RCU / Context tracking", "Tracing"],
    "irqentry_nmi_enter": ["Preemption counter", "Lockdep", "RCU", "Tracing"],
}


def _prose(rng: random.Random) -> str:
    domain = rng.choice(DOMAINS)
    return (f"The {domain} path {rng.choice(VERBS)} the transition from low level assembly code\n"
            f"into C. Until irqentry_enter() or enter_from_user_mode() has run, the\n"
            f"code must not be instrumented, and instrumentation_begin() marks where\n"
            f"that restriction ends.\n")


def _syscall_block(rng: random.Random, name: str, defect: str) -> str:
    exit_call = "syscall_exit_to_user_mode(regs);"
    if defect == "typo":
        exit_call = "syscall_exit_to_usr_mode(regs);"
    return (f"A {rng.choice(DOMAINS)} handler looks like this::\n\n"
            f"  noinstr void {name}(struct pt_regs *regs, long nr)\n  {{\n"
            f"  \tarch_prepare_{name}(regs);\t\t<-- must be 'noinstr' or '__always_inline'\n"
            f"  \tsyscall_enter_from_user_mode(regs, &nr);\n\n"
            f"  \tinstrumentation_begin();\n  \t...\n  \tdispatch_{name}(regs, nr);\n"
            f"  \tinstrumentation_end();\n\n  \t{exit_call}\n  }}\n")


def _irq_block(rng: random.Random, name: str, defect: str) -> str:
    exit_call = "irqentry_exit(regs, state);" if defect != "arguments" else "irqentry_exit(regs);"
    early = "\t\tif (spurious_vector(vector))\n\t\t\treturn;\n" if defect == "pair" else ""
    return (".. code-block:: c\n\n"
            f"\tnoinstr void {name}(struct pt_regs *regs, int vector)\n\t{{\n"
            f"\t\tirqentry_state_t state = irqentry_enter(regs);\n\n{early}"
            f"\t\tinstrumentation_begin();\n\t\tirq_enter_rcu();\n\t\trun_vector_{rng.randrange(99)}(regs, vector);\n"
            f"\t\tirq_exit_rcu();\n\t\tinstrumentation_end();\n\n\t\t{exit_call}\n\t}}\n")


def _order_claim(rng: random.Random, defect: str) -> str:
    function = rng.choice(sorted(ORDERS))
    items = list(ORDERS[function])
    if defect == "order":
        items[0], items[1] = items[1], items[0]
    bullets = "".join(f"  * {item}\n" for item in items)
    return f"{function}() updates the state in the following order:\n\n{bullets}"


def document(index: int, seed: int = 1) -> str:
    rng = random.Random(seed * 1_000_003 + index)
    defect = rng.choice(["typo", "arguments", "pair", "order"]) if rng.random() < 0.125 else ""
    title = f"Entry handling, part {index}"
    parts = [f"{title}\n{'=' * len(title)}\n", _prose(rng),
             "The states which need to be updated are:\n\n  * Lockdep\n  * RCU\n  * Tracing\n",
             _syscall_block(rng, f"do_entry_{index}", defect), _prose(rng),
             _order_claim(rng, defect), _irq_block(rng, f"do_irq_{index}", defect),
             "The exit counterpart irqentry_nmi_exit() does the reverse operation in the\nreverse order.\n"]
    return "\n".join(parts)


def write(directory: str, count: int, seed: int = 1) -> list:
    os.makedirs(directory, exist_ok=True)
    paths = []
    for index in range(count):
        path = os.path.join(directory, f"doc{index:05d}.rst")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(document(index, seed))
        paths.append(path)
    with open(os.path.join(directory, "index.rst"), "w", encoding="utf-8") as handle:
        handle.write("Corpus\n======\n\n.. toctree::\n   :glob:\n\n   doc*\n")
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(args.directory, args.documents, args.seed)
