"""`make bench`: whole-process timings of sphinx-entrydoc against other tools
on the same documents, measured side by side in one run.

Every figure is the median of several runs (min and max shown), and every
comparison is a ratio of two figures taken in this run on this machine.
Peak memory is the child's maximum resident set size (os.wait4).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import corpus  # noqa: E402

BIN = os.path.dirname(sys.executable)
ENTRYDOC = os.path.join(BIN, "sphinx-entrydoc")
RSTCHECK = os.path.join(BIN, "rstcheck")
SPHINX_LINT = os.path.join(BIN, "sphinx-lint")
SPHINX_BUILD = os.path.join(BIN, "sphinx-build")
ONE_DOC = os.path.join(ROOT, "example_docs", "core-api", "entry.rst")


def run_once(argv, cwd=None, env=None):
    """(seconds, peak RSS in MiB) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(argv)} exited {proc.returncode}")
    return elapsed, usage.ru_maxrss / 1024


class Measure:
    def __init__(self, label, argv, runs, prepare=None, cwd=None, env=None):
        self.label, self.argv, self.runs, self.prepare, self.cwd, self.env = label, argv, runs, prepare, cwd, env
        self.times, self.peak = [], 0.0

    def go(self):
        for _ in range(self.runs):
            self.once()
        return self

    def once(self):
        if self.prepare:
            self.prepare()
        seconds, rss = run_once(self.argv, self.cwd, self.env)
        self.times.append(seconds)
        self.peak = max(self.peak, rss)


    @property
    def median(self):
        return statistics.median(self.times)

    def row(self):
        return (f"| {self.label} | {self.median:.3f} | {min(self.times):.3f} | {max(self.times):.3f} "
                f"| {self.peak:.0f} |")


def interleaved(measures, rounds):
    """Run each measure once per round, in turn, so a slow spell of a shared
    machine hits every variant alike instead of one of them."""
    for _ in range(rounds):
        for m in measures:
            m.once()
    return measures


HEADER = "| what | median s | min s | max s | peak MiB |\n|---|---|---|---|---|"


def ratio(a: Measure, b: Measure) -> str:
    return f"{a.median / b.median:.2f}x"


def section(title, rows):
    print(f"\n### {title}\n\n{HEADER}")
    for m in rows:
        print(m.row())


RESULT_CACHE = []   # the lint result cache of this run, inside its work directory


def lint(paths, *extra):
    return [ENTRYDOC, "lint", "--cache-dir", RESULT_CACHE[0], *extra, *paths]


def clear(directory):
    return lambda: shutil.rmtree(directory, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1,10,100,1000")
    parser.add_argument("--sphinx-sizes", default="10,100")
    parser.add_argument("--snippets", type=int, default=5000)
    parser.add_argument("--parts", default="lint,cache,sphinx,srctree",
                        help="which sections to run (comma separated)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    parts = set(args.parts.split(","))
    work = tempfile.mkdtemp(prefix="entrydoc-bench-")
    cache = os.path.join(work, "cache")
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    RESULT_CACHE.append(os.path.join(work, "results"))
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; runs per figure: {args.runs}")

    corpora = {}
    for size in sizes:
        directory = os.path.join(work, f"corpus{size}")
        corpus.write(directory, size)
        corpora[size] = directory

    if "lint" in parts:
        # 1. One entry-style document: against rstcheck and sphinx-lint.
        one = [Measure("sphinx-entrydoc lint (no cache)", lint([ONE_DOC], "--no-cache"), args.runs, env=env).go(),
               Measure("rstcheck", [RSTCHECK, ONE_DOC], args.runs).go(),
               Measure("sphinx-lint", [SPHINX_LINT, ONE_DOC], args.runs).go()]
        section("One entry-style document (example_docs/core-api/entry.rst)", one)
        print(f"\nrstcheck / entrydoc: {ratio(one[1], one[0])} (target >= 3x); "
              f"entrydoc / sphinx-lint: {ratio(one[0], one[2])} (target <= 1.5x)")

        # 2. Corpora: the three linters, and cost versus size.
        rows = []
        for size in sizes:
            runs = args.runs if size <= 100 else max(1, args.runs // 2)
            d = corpora[size]
            e = Measure(f"entrydoc, {size} docs", lint([d], "--no-cache"), runs, env=env).go()
            r = Measure(f"rstcheck, {size} docs", [RSTCHECK, "--recursive", d], runs).go()
            s = Measure(f"sphinx-lint, {size} docs", [SPHINX_LINT, d], runs).go()
            rows += [e, r, s]
            print(f"<!-- {size}: rstcheck/entrydoc {ratio(r, e)}, entrydoc/sphinx-lint {ratio(e, s)} -->")
        section("Corpora: three linters, cold (time and memory versus size)", rows)
        per_doc = [(m.label, m.median / int(m.label.split(", ")[1].split()[0])) for m in rows if m.label.startswith("entrydoc")]
        print("\nentrydoc seconds per document: " + ", ".join(f"{l.split(', ')[1]}: {v * 1000:.1f} ms" for l, v in per_doc))

        # 2b. 5,000 snippets (each corpus document has two), entrydoc alone.
        if args.snippets:
            directory = os.path.join(work, "snippets")
            corpus.write(directory, args.snippets // 2)
            many = Measure(f"entrydoc, {args.snippets} snippets ({args.snippets // 2} docs)",
                           lint([directory], "--no-cache"), 1, env=env).go()
            section("Many snippets", [many])
            print(f"\nentrydoc seconds per snippet: {many.median / args.snippets * 1000:.1f} ms")

    if "cache" in parts:
        # 3. Cache and parallelism on the largest corpus.
        big = corpora[max(sizes)]
        cold = Measure(f"lint cold cache, {max(sizes)} docs", lint([big]), args.runs // 2 or 1,
                       prepare=clear(RESULT_CACHE[0]), env=env).go()
        run_once(lint([big]), env=env)
        warm = Measure(f"lint warm cache, {max(sizes)} docs", lint([big]), args.runs, env=env).go()
        j1 = Measure(f"lint -j 1, {max(sizes)} docs", lint([big], "--no-cache", "-j", "1"), args.runs // 2 or 1, env=env).go()
        j2 = Measure(f"lint -j 2, {max(sizes)} docs", lint([big], "--no-cache", "-j", "2"), args.runs // 2 or 1, env=env).go()
        section("Cache and parallelism", [cold, warm, j1, j2])
        print(f"\ncold / warm: {ratio(cold, warm)} (target >= 5x); -j 1 / -j 2: {ratio(j1, j2)} (target >= 1.7x)")

    # 4. Sphinx builds with and without the extension, interleaved.
    rows = []
    for size in [int(s) for s in args.sphinx_sizes.split(",") if s] if "sphinx" in parts else []:
        source = corpora.get(size) or corpus.write(os.path.join(work, f"corpus{size}"), size) and os.path.join(work, f"corpus{size}")
        cold, noop = [], []
        for label, extensions in (("without", "[]"), ("with", '["sphinx_entrydoc"]')):
            conf = os.path.join(work, f"conf-{label}")
            os.makedirs(conf, exist_ok=True)
            with open(os.path.join(conf, "conf.py"), "w") as handle:
                handle.write(f"extensions = {extensions}\nentrydoc_fail_on = 'never'\n"
                             "suppress_warnings = ['entrydoc']\nexclude_patterns = []\n")
            out = os.path.join(work, f"html-{label}-{size}")
            argv = [SPHINX_BUILD, "-q", "-b", "html", "-c", conf, source, out]
            cold.append(Measure(f"sphinx-build {label} extension, {size} docs, cold", argv, 0,
                                prepare=clear(out), env=env))
            noop.append(Measure(f"sphinx-build {label} extension, {size} docs, nothing changed", argv, 0, env=env))
        interleaved(cold, args.runs)
        interleaved(noop, args.runs)
        rows += [cold[0], noop[0], cold[1], noop[1]]
    if rows:
        section("Sphinx builds (with and without interleaved)", rows)
    for i in range(0, len(rows), 4):
        without_cold, without_noop, with_cold, with_noop = rows[i:i + 4]
        print(f"\n{with_cold.label.split(', ')[1]}: overhead cold "
              f"{(with_cold.median / without_cold.median - 1) * 100:+.1f}% (target <= 5%), "
              f"nothing changed {(with_noop.median / without_noop.median - 1) * 100:+.1f}% (target <= 1%)")

    # 5. srctree indexing of a kernel-sized synthetic tree.
    maker = os.path.join(HERE, "make_srctree.py")
    if os.path.exists(maker) and "srctree" in parts:
        print("\n### srctree indexing\n")
        subprocess.run([sys.executable, maker, "all", os.path.join(work, "srctree")], env=env, check=False)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
