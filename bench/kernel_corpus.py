"""A deterministic, kernel-shaped documentation tree for the benchmarks.

The kernel's Documentation/ is thousands of documents, most of them about
something other than entry code: RCU, locking, per-CPU data, tracing,
drivers, each with C examples of its own.  A handful are entry-style (the
core API's entry.rst and pages like it).  This generator writes such a tree
in its own words: a top index, subsystem directories with their own
indexes, documents of prose, lists, notes, tables, ``::`` blocks and
``.. code-block:: c`` blocks, cross references through the C domain, and
``entry_documents`` entry-style pages (five snippets, ordering lists, about
280 lines: the shape of Documentation/core-api/entry.rst).

Same arguments, same bytes: every choice comes from ``random.Random(seed)``.
"""
from __future__ import annotations

import argparse
import os
import random
from typing import Dict, List

SUBSYSTEMS = {
    "RCU": ("RCU", ["rcu_read_lock", "rcu_read_unlock", "synchronize_rcu", "call_rcu",
                    "rcu_dereference", "rcu_assign_pointer", "kfree_rcu", "srcu_read_lock",
                    "srcu_read_unlock", "rcu_barrier"]),
    "locking": ("Locking", ["spin_lock", "spin_unlock", "spin_lock_irqsave", "spin_unlock_irqrestore",
                            "mutex_lock", "mutex_unlock", "raw_spin_lock", "raw_spin_unlock",
                            "read_seqbegin", "read_seqretry", "down_read", "up_read"]),
    "percpu": ("Per-CPU data", ["this_cpu_inc", "this_cpu_read", "this_cpu_write", "per_cpu_ptr",
                                "get_cpu_ptr", "put_cpu_ptr", "alloc_percpu", "free_percpu",
                                "raw_cpu_add", "for_each_possible_cpu"]),
    "trace": ("Tracing", ["register_ftrace_function", "unregister_ftrace_function", "trace_printk",
                          "ftrace_set_filter", "tracing_on", "tracing_off", "trace_array_printk",
                          "register_trace_sched_switch", "ftrace_test_recursion_trylock",
                          "ftrace_test_recursion_unlock"]),
    "core-api": ("Core API", ["kmalloc", "kfree", "list_add", "list_del", "wait_event", "wake_up",
                              "queue_work", "flush_work", "refcount_inc", "refcount_dec_and_test"]),
    "driver-api": ("Driver API", ["request_irq", "free_irq", "devm_kzalloc", "platform_get_irq",
                                  "dma_map_single", "dma_unmap_single", "pm_runtime_get_sync",
                                  "pm_runtime_put", "ioread32", "iowrite32"]),
}

TOPICS = ["grace periods", "readers and updaters", "lock ordering", "interrupt context",
          "memory ordering", "CPU hotplug", "preemption", "callbacks", "statistics counters",
          "function tracing", "filters", "recursion protection", "teardown", "error handling",
          "debugging", "scalability", "NUMA placement", "lifetime rules"]
ADJECTIVES = ["cheap", "careful", "lockless", "bounded", "per-CPU", "deferred", "sleeping",
              "atomic", "nested", "rare"]
VERBS = ["protects", "publishes", "orders", "defers", "counts", "serialises", "records", "hides"]
NOUNS = ["the list", "each element", "the counter", "the callback", "the handler", "the buffer",
         "the hash table", "the tracer", "the structure", "the state"]
TYPES = ["struct foo", "struct bar_dev", "struct widget", "struct tracer_ctx", "struct stats"]

# The kernel's own topics index a few more names than the modelled entry
# API; a small share of ordinary documents calls one (a real tree does too:
# rcu_is_watching() in RCU debugging notes, preempt_count() in locking ones).
MODELLED_ASIDES = ["WARN_ON_ONCE(!rcu_is_watching());", "if (preempt_count())\n\treturn -EBUSY;",
                   "lockdep_hardirqs_off(CALLER_ADDR0);"]
# The vocabulary's functions that take no argument (the others are given p).
NO_ARGUMENTS = {"rcu_read_lock", "rcu_read_unlock", "synchronize_rcu", "rcu_barrier", "tracing_on",
                "tracing_off"}


def _sentence(rng: random.Random, names: List[str]) -> str:
    name = rng.choice(names)
    return (f"A {rng.choice(ADJECTIVES)} path {rng.choice(VERBS)} {rng.choice(NOUNS)} with "
            f":c:func:`{name}`, so {rng.choice(NOUNS)} stays consistent when {rng.choice(TOPICS)} "
            f"come into play.")


def _paragraph(rng: random.Random, names: List[str]) -> str:
    text = " ".join(_sentence(rng, names) for _ in range(rng.randint(2, 5)))
    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > 76:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines) + "\n"


def _c_example(rng: random.Random, names: List[str], aside: bool) -> List[str]:
    ctype = rng.choice(TYPES)
    calls = rng.sample(names, 3)
    body = [f"\t{ctype} *p = arg;", ""]
    if aside:
        body += ["\t" + line for line in rng.choice(MODELLED_ASIDES).split("\n")]
    arguments = ["()" if c in NO_ARGUMENTS else "(p)" for c in calls]
    if "lock" in calls[0] and calls[0] not in NO_ARGUMENTS:
        arguments[0] = "(&p->lock)"
    body += [f"\t{calls[0]}{arguments[0]};",
             f"\tif (!p->{rng.choice(['ready', 'count', 'next', 'flags'])})",
             "\t\tgoto out;",
             f"\t{calls[1]}{arguments[1]};",
             "out:",
             f"\t{calls[2]}{arguments[2]};",
             "\treturn 0;"]
    function = f"static int {rng.choice(['update', 'reader', 'setup', 'handle', 'drain'])}_{rng.randrange(1000)}(void *arg)"
    return [function, "{", *body, "}"]


def _block(rng: random.Random, names: List[str], aside: bool) -> str:
    code = _c_example(rng, names, aside)
    if rng.random() < 0.5:
        intro = f"For example, {rng.choice(NOUNS)} is handled like this::\n\n"
        return intro + "".join(f"  {line}\n" if line else "\n" for line in code)
    return ".. code-block:: c\n\n" + "".join(f"   {line}\n" if line else "\n" for line in code)


def _table(rng: random.Random, names: List[str]) -> str:
    rows = rng.sample(names, 3)
    width = max(len(n) for n in rows) + 6
    rule = "=" * width + " " + "=" * 30
    out = [rule, "function".ljust(width) + " context", rule]
    for name in rows:
        out.append(f"``{name}()``".ljust(width) + " " + rng.choice(["any", "process", "atomic", "softirq"]))
    out.append(rule)
    return "\n".join(out) + "\n"


def ordinary_document(rng: random.Random, title: str, names: List[str], aside: bool) -> str:
    parts = [f"{'=' * len(title)}\n{title}\n{'=' * len(title)}\n", _paragraph(rng, names)]
    for section in range(rng.randint(2, 5)):
        heading = f"{rng.choice(TOPICS).capitalize()} ({section + 1})"
        parts.append(f"{heading}\n{'-' * len(heading)}\n")
        parts.append(_paragraph(rng, names))
        if rng.random() < 0.4:
            parts.append("".join(f"- {_sentence(rng, names)}\n" for _ in range(rng.randint(2, 4))))
        if rng.random() < 0.8:
            parts.append(_block(rng, names, aside and section == 0))
        if rng.random() < 0.25:
            parts.append(f".. note::\n\n   {_sentence(rng, names)}\n")
        if rng.random() < 0.2:
            parts.append(_table(rng, names))
        parts.append(_paragraph(rng, names))
    return "\n".join(parts)


# -- entry-style documents ---------------------------------------------------------

ENTRY_STATES = ["Lockdep", "RCU / Context tracking", "Tracing"]
NMI_STATES = ["Preemption counter", "Lockdep", "RCU", "Tracing"]


def _entry_prose(rng: random.Random) -> str:
    return _paragraph(rng, ["irqentry_enter", "irqentry_exit", "instrumentation_begin",
                            "instrumentation_end", "enter_from_user_mode"]).replace(
        "A ", "An entry ", 1)


def entry_document(rng: random.Random, title: str) -> str:
    """Five snippets, two ordering lists, prose: the shape of entry.rst."""
    n = rng.randrange(100)
    parts = [f"{'=' * len(title)}\n{title}\n{'=' * len(title)}\n",
             "Every transition between user space, the kernel, interrupts and guests\n"
             "updates the same states, in an order that matters:\n\n"
             + "".join(f"  * {s}\n" for s in ["Lockdep", "RCU", "Preemption counter", "Tracing",
                                             "Time accounting"]),
             _entry_prose(rng), _entry_prose(rng),
             "Non-instrumentable code\n-----------------------\n", _entry_prose(rng),
             "Code in .noinstr.text calls instrumentable code only between\n"
             "instrumentation_begin() and instrumentation_end()::\n\n"
             f"  noinstr void arch_entry_{n}(struct pt_regs *regs)\n  {{\n"
             "  \tirqentry_state_t state = irqentry_enter(regs);\n\n"
             "  \tinstrumentation_begin();\n  \thandle_event(regs);\n  \tinstrumentation_end();\n\n"
             "  \tirqentry_exit(regs, state);\n  }\n",
             _entry_prose(rng),
             "Syscalls\n--------\n", _entry_prose(rng),
             ".. code-block:: c\n\n"
             f"\tnoinstr void syscall_{n}(struct pt_regs *regs, long nr)\n\t{{\n"
             "\t\tarch_syscall_enter(regs);\n"
             "\t\tsyscall_enter_from_user_mode(regs, &nr);\n\n"
             "\t\tinstrumentation_begin();\n\t\tif (!invoke_syscall(regs, nr) && nr != -1)\n"
             "\t\t\tresult_reg(regs) = __sys_ni_syscall(regs);\n\t\tinstrumentation_end();\n\n"
             "\t\tsyscall_exit_to_user_mode(regs);\n\t}\n",
             _entry_prose(rng),
             "enter_from_user_mode() updates the state in the following order:\n\n"
             + "".join(f"  * {s}\n" for s in ENTRY_STATES),
             "The exit path does the reverse, in the reverse order:\n\n"
             + "".join(f"  * {s}\n" for s in reversed(ENTRY_STATES)),
             _entry_prose(rng),
             "KVM\n---\n", _entry_prose(rng),
             ".. code-block:: c\n\n"
             f"\tnoinstr void vcpu_enter_{n}(struct kvm_vcpu *vcpu)\n\t{{\n"
             "\t\tguest_state_enter_irqoff();\n\t\trun_guest(vcpu);\n\t\tguest_state_exit_irqoff();\n\t}\n",
             _entry_prose(rng),
             "Interrupts and regular exceptions\n---------------------------------\n", _entry_prose(rng),
             ".. code-block:: c\n\n"
             f"\tnoinstr void irq_handler_{n}(struct pt_regs *regs, int vector)\n\t{{\n"
             "\t\tirqentry_state_t state = irqentry_enter(regs);\n\n"
             "\t\tinstrumentation_begin();\n\t\tirq_enter_rcu();\n\t\trun_irq_handler(regs, vector);\n"
             "\t\tirq_exit_rcu();\n\t\tinstrumentation_end();\n\n"
             "\t\tirqentry_exit(regs, state);\n\t}\n",
             _entry_prose(rng), _entry_prose(rng),
             "NMI and NMI-like exceptions\n---------------------------\n", _entry_prose(rng),
             "irqentry_nmi_enter() updates the state in the following order:\n\n"
             + "".join(f"  * {s}\n" for s in NMI_STATES),
             _entry_prose(rng),
             "An NMI handler in architecture code::\n\n"
             f"  noinstr void nmi_handler_{n}(struct pt_regs *regs)\n  {{\n"
             "  \tirqentry_state_t irq_state = irqentry_nmi_enter(regs);\n\n"
             "  \tinstrumentation_begin();\n  \thandle_nmi_event(regs);\n  \tinstrumentation_end();\n\n"
             "  \tirqentry_nmi_exit(regs, irq_state);\n  }\n",
             _entry_prose(rng), _entry_prose(rng), _entry_prose(rng)]
    return "\n".join(parts)


def write(directory: str, documents: int = 300, entry_documents: int = 3, seed: int = 12) -> Dict[str, int]:
    """Write the tree; returns counts (documents, entry_style, c_blocks)."""
    rng = random.Random(seed)
    subsystems = sorted(SUBSYSTEMS)
    per_dir: Dict[str, List[str]] = {s: [] for s in subsystems}
    blocks = 0
    entry_slots = set(rng.sample(range(documents), entry_documents))
    for index in range(documents):
        subsystem = subsystems[index % len(subsystems)]
        title_word, names = SUBSYSTEMS[subsystem]
        os.makedirs(os.path.join(directory, subsystem), exist_ok=True)
        if index in entry_slots:
            subsystem = "core-api"
            name = f"entry-{index:04d}"
            text = entry_document(rng, f"Entry and exit handling, part {index}")
        else:
            name = f"{rng.choice(TOPICS).replace(' ', '-')}-{index:04d}"
            text = ordinary_document(rng, f"{title_word}: {rng.choice(TOPICS)} ({index})", names,
                                     aside=rng.random() < 0.04)
        blocks += text.count("::\n\n") + text.count(".. code-block:: c\n")
        per_dir[subsystem].append(name)
        with open(os.path.join(directory, subsystem, name + ".rst"), "w", encoding="utf-8") as handle:
            handle.write(text)
    for subsystem, names in per_dir.items():
        title = f"{SUBSYSTEMS[subsystem][0]} documentation"
        with open(os.path.join(directory, subsystem, "index.rst"), "w", encoding="utf-8") as handle:
            handle.write(f"{'=' * len(title)}\n{title}\n{'=' * len(title)}\n\n.. toctree::\n   :maxdepth: 1\n\n"
                         + "".join(f"   {n}\n" for n in sorted(names)))
    with open(os.path.join(directory, "index.rst"), "w", encoding="utf-8") as handle:
        handle.write("======================\nThe documentation tree\n======================\n\n"
                     ".. toctree::\n   :maxdepth: 2\n\n" + "".join(f"   {s}/index\n" for s in subsystems))
    return {"documents": documents, "entry_style": entry_documents, "c_blocks": blocks}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--entry-documents", type=int, default=3)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    print(write(args.directory, args.documents, args.entry_documents, args.seed))
