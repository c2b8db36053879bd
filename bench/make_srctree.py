"""A synthetic, kernel-shaped source tree for timing the srctree index.

    python bench/make_srctree.py make DIR [--files 60000] [--seed 1]
    python bench/make_srctree.py time DIR [--cache-dir D]
    python bench/make_srctree.py all DIR   (make, then time)

``make`` writes a deterministic tree (same seed, same bytes) laid out like a
kernel: include/linux, include/uapi, include/asm-generic, kernel/<subsystem>,
arch/<arch>/{include/asm,kernel,entry,kvm}, virt/, plus a share of
directories the index does not read (drivers/, fs/, Documentation/), which
the walk has to skip.  The files look like kernel C where it matters to a
lexical scanner: licence and kernel-doc comments (with apostrophes and
braces in them), include lines, ``#define`` lines with continuations,
structs, enums and initialisers, prototypes, ``static __always_inline``
helpers, ``noinstr`` functions with nested blocks, ``#ifdef CONFIG_``
alternatives, strings holding ``{``, ``;`` and ``/*``, ``DEFINE_*()``
generated definitions and ``EXPORT_SYMBOL`` lines.  Sizes are spread around
a kernel-like mean (headers ~6 KiB, C files ~14 KiB).

Every file of the default 60,000 is a .c or .h file, and about 90% of them
lie in indexed directories: more than a real tree's indexed share (about a
quarter of a kernel's 80,000 files), so the measurement errs on the slow side.

``time`` indexes the tree three times through sphinx_entrydoc.srctree,
starting from an empty cache directory: cold (every file scanned), cached
(every file reused), and after touching one file (one file rescanned); it
also times building the set of names, which the first check of a run needs.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from typing import List

ARCHES = ("x86", "arm64", "arm", "riscv", "powerpc", "s390", "mips", "loongarch", "sparc", "sh",
          "m68k", "parisc", "xtensa", "openrisc", "csky", "hexagon", "alpha", "microblaze", "nios2",
          "um", "arc")
SUBSYSTEMS = ("entry", "sched", "rcu", "locking", "irq", "time", "trace", "printk", "bpf", "events",
              "cgroup", "power", "dma", "futex", "kcsan", "livepatch", "module", "debug")
UNINDEXED = ("drivers/net", "drivers/gpu", "drivers/usb", "fs/ext4", "fs/btrfs", "net/ipv4",
             "Documentation/core-api")
WORDS = ("irq", "entry", "exit", "enter", "nmi", "user", "mode", "state", "work", "sched", "rcu",
         "lock", "unlock", "count", "tick", "timer", "task", "cpu", "vcpu", "guest", "host", "page",
         "map", "init", "free", "alloc", "flush", "sync", "read", "write", "update", "check", "handle",
         "prepare", "finish", "begin", "end", "save", "restore", "arch", "syscall", "signal", "trace",
         "hardirq", "softirq", "preempt", "context", "tracking", "loop", "pending", "queue", "wake")
TYPES = ("void", "int", "long", "unsigned long", "bool", "u64", "u32", "struct pt_regs *",
         "irqentry_state_t", "struct task_struct *", "struct kvm_vcpu *", "size_t")


class Writer:
    """One seeded generator: the same seed always gives the same tree."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.serial = 0

    def name(self, parts: int = 3) -> str:
        self.serial += 1
        words = self.rng.sample(WORDS, parts)
        return "_".join(words) + (f"_{self.serial}" if self.rng.random() < 0.7 else "")

    def params(self) -> str:
        count = self.rng.randint(0, 4)
        return ", ".join(f"{self.rng.choice(TYPES[1:])} a{i}" for i in range(count)) or "void"

    def comment(self) -> str:
        lines = [f" * {self.name()}() - don't call this with {{ or }} held; it's fine",
                 " * @regs: the registers; see the caller's notes",
                 " *", " * Context: interrupts off.  Returns 0 on success."]
        return "/**\n" + "\n".join(lines[: self.rng.randint(1, len(lines))]) + "\n */\n"

    def define(self) -> str:
        name = self.name().upper()
        if self.rng.random() < 0.3:
            return (f"#define {name}(x)\t\t\t\\\n\tdo {{\t\t\t\t\\\n\t\tif (x)\t\t\\\n"
                    f"\t\t\t{self.name()}(x);\t\\\n\t}} while (0)\n")
        return f"#define {name}\t\t{self.rng.randint(0, 1 << 16):#x}\t/* {self.name()} */\n"

    def struct(self) -> str:
        fields = "".join(f"\t{self.rng.choice(TYPES[1:])} {self.name(2)};\n"
                         for _ in range(self.rng.randint(2, 10)))
        return f"struct {self.name(2)} {{\n{fields}}};\n"

    def initialiser(self) -> str:
        rows = "".join(f'\t{{ .name = "{{{self.name(2)};", .fn = {self.name()} }},\n'
                       for _ in range(self.rng.randint(2, 8)))
        return f"static const struct {self.name(2)} {self.name(2)}[] = {{\n{rows}}};\n"

    def prototype(self) -> str:
        marking = self.rng.choice(("", "", "", "noinstr ", "__must_check "))
        return f"{marking}{self.rng.choice(TYPES)} {self.name()}({self.params()});\n"

    def body(self, depth: int = 1) -> str:
        tab = "\t" * depth
        out: List[str] = []
        for _ in range(self.rng.randint(3, 14)):
            roll = self.rng.random()
            if roll < 0.2 and depth < 3:
                out.append(f"{tab}if ({self.name(2)}(regs)) {{\n{self.body(depth + 1)}{tab}}}\n")
            elif roll < 0.3:
                out.append(f'{tab}pr_debug("%s: {{ state %d; /* */\\n", __func__, {self.rng.randint(0, 9)});\n')
            elif roll < 0.35:
                out.append(f"{tab}/* the caller's state isn't ours: {{ stays open */\n")
            elif roll < 0.4:
                out.append(f"{tab}c = '{{';\n")
            else:
                out.append(f"{tab}{self.name()}(regs, {self.rng.randint(0, 99)});\n")
        return "".join(out)

    def function(self, header: bool) -> str:
        marking = self.rng.choice(("static __always_inline ", "static inline ") if header else
                                  ("", "", "static ", "noinstr ", "static noinstr ", "__visible noinstr ",
                                   "static __always_inline "))
        head = f"{marking}{self.rng.choice(TYPES)} {self.name()}({self.params()})"
        if header and self.rng.random() < 0.4:
            return f"{head} {{ }}\n"
        return f"{head}\n{{\n{self.body()}}}\n"

    def config_alternative(self, header: bool) -> str:
        name = self.name()
        marking = self.rng.choice(("", "noinstr "))
        return (f"#ifdef CONFIG_{name.upper()}\n{marking}void {name}({self.params()});\n"
                f"#else\nstatic inline void {name}(void) {{ }}\n#endif\n")

    def generated(self) -> str:
        return f"DEFINE_IDTENTRY_RAW({self.name()})\n{{\n{self.body()}}}\n"

    def file(self, header: bool, target: int) -> str:
        parts = ["// SPDX-License-Identifier: GPL-2.0\n",
                 "".join(f"#include <linux/{self.rng.choice(WORDS)}.h>\n" for _ in range(self.rng.randint(2, 12)))]
        size = sum(len(p) for p in parts)
        while size < target:
            roll = self.rng.random()
            if roll < 0.2:
                piece = self.define()
            elif roll < 0.3:
                piece = self.comment()
            elif roll < 0.38:
                piece = self.struct()
            elif roll < 0.42:
                piece = self.initialiser()
            elif roll < 0.55 and header:
                piece = self.prototype()
            elif roll < 0.6:
                piece = self.config_alternative(header)
            elif roll < 0.63 and not header:
                piece = self.generated()
            else:
                piece = self.comment() + self.function(header)
                if not header and self.rng.random() < 0.3:
                    piece += f"EXPORT_SYMBOL_GPL({self.name()});\n"
            parts.append("\n" + piece)
            size += len(piece) + 1
        return "".join(parts)


def _directories(rng: random.Random) -> List[str]:
    dirs = ["include/linux", "include/uapi/linux", "include/asm-generic", "include/net", "include/trace/events",
            "virt/kvm"]
    dirs += [f"kernel/{s}" for s in SUBSYSTEMS]
    for arch in ARCHES:
        dirs += [f"arch/{arch}/include/asm", f"arch/{arch}/kernel", f"arch/{arch}/entry", f"arch/{arch}/kvm"]
    return dirs


def make_tree(root: str, files: int = 60000, seed: int = 1) -> int:
    """Write the tree under ``root``; returns the number of files written."""
    writer = Writer(seed)
    rng = writer.rng
    indexed = _directories(rng)
    written = 0
    for number in range(files):
        unindexed = number % 10 == 9
        directory = rng.choice(UNINDEXED if unindexed else indexed)
        header = "include" in directory or rng.random() < 0.2
        # Spread files over subdirectories, as a real tree does (a few hundred per directory).
        directory = os.path.join(root, directory, f"part{number % 97}")
        os.makedirs(directory, exist_ok=True)
        target = int(rng.lognormvariate(8.4 if header else 9.2, 0.8))
        path = os.path.join(directory, f"{writer.name(2)}_{number}.{'h' if header else 'c'}")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(writer.file(header, target))
        written += 1
    return written


def time_index(root: str, cache_dir: str = "", jobs: int = 0) -> dict:
    """Seconds for a cold index, a cached one and one after touching a file."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from sphinx_entrydoc import srctree
    cache_dir = cache_dir or tempfile.mkdtemp(prefix="entrydoc-bench-cache-")
    results = {}
    for run in ("cold", "cached", "one-file-changed"):
        if run == "one-file-changed":
            touched = _any_indexed_file(root)
            os.utime(touched, ns=(time.time_ns(), time.time_ns()))
        start = time.perf_counter()
        index = srctree.index_tree(root, cache_dir=cache_dir, jobs=jobs or None)
        seconds = time.perf_counter() - start
        names_start = time.perf_counter()
        count = len(index.names)
        results[run] = {"seconds": round(seconds, 2), "names_seconds": round(time.perf_counter() - names_start, 2),
                        "files": index.stats.files_total, "scanned": index.stats.files_scanned,
                        "reused": index.stats.files_reused, "names": count}
    return results


def _any_indexed_file(root: str) -> str:
    for directory, _, names in os.walk(os.path.join(root, "kernel")):
        for name in sorted(names):
            if name.endswith(".c"):
                return os.path.join(directory, name)
    raise SystemExit("no file under kernel/ to touch")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("make", "time", "all"))
    parser.add_argument("root")
    parser.add_argument("--files", type=int, default=60000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache-dir", default="", help="default: a new empty temporary directory")
    parser.add_argument("--jobs", type=int, default=0, help="scanning processes (default: the CPU count)")
    args = parser.parse_args(argv)
    if args.command in ("make", "all"):
        start = time.perf_counter()
        count = make_tree(args.root, args.files, args.seed)
        print(f"wrote {count} files under {args.root} in {time.perf_counter() - start:.1f} s")
    if args.command in ("time", "all"):
        for run, result in time_index(args.root, args.cache_dir, args.jobs).items():
            print(f"{run:>17}: {result['seconds']:6.2f} s  (files {result['files']}, scanned {result['scanned']}, "
                  f"reused {result['reused']}; {result['names']} names in {result['names_seconds']:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
