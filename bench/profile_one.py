"""Where the time of one cold check goes, step by step.

Each step is timed in a fresh interpreter (``--runs`` times, the fastest
kept), in the order the CLI takes them, so every figure is a cold cost:

    python bench/profile_one.py DOCUMENT [--runs 5] [--json]

The CLI runs the parse steps in one worker and the compile steps in
another at the same time; the summary says how long each side takes and
which one the run waits for.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# One child: times the steps in order, prints {step: seconds}.
_CHILD = r'''
import json, sys, time
marks = {}
start = time.perf_counter()
def lap(name):
    global start
    now = time.perf_counter(); marks[name] = now - start; start = now
path = sys.argv[1]
side = sys.argv[2]
if side == "main":
    from sphinx_entrydoc import recache; recache.load("main")
    import sphinx_entrydoc.cli, sphinx_entrydoc.runner; lap("main: CLI modules before the fork")
    from sphinx_entrydoc import workers; workers.prestart(); lap("main: fork the two workers")
    workers.discard_prestarted()
elif side == "prepare":
    from sphinx_entrydoc import recache; recache.load("main")
    from sphinx_entrydoc.read import read_source; from sphinx_entrydoc.config import Config
    start = time.perf_counter()   # imported before the fork: in main's first step
    source = read_source(path); config = Config(); lap("parse: read, settings")
    recache.load("prepare"); lap("parse: kept regular expressions (recache)")
    marks["kept found (parse)"] = not recache.missing("prepare")
    sys.modules.setdefault("pygments", None)   # as runner.preload does
    import docutils.core, docutils.parsers.rst; lap("parse: import docutils")
    from sphinx_entrydoc import check, rst, selection, stubs; lap("parse: import own modules")
    from sphinx_entrydoc.check import _load_api
    from sphinx_entrydoc.selection import model_for
    model_for(_load_api(config), config.stub_dirs); lap("parse: stub model (cached)")
    tree = rst.parse_rst(source.checked, source.path); lap("parse: docutils parse (cold)")
    prepared = check.prepare(source, config, tree); lap("parse: select, extract")
    import pickle; data = pickle.dumps(prepared); lap("parse: hand over (pickle)")
    rst.parse_rst(source.checked, source.path); lap("parse: docutils parse again (warm)")
else:
    from sphinx_entrydoc.read import read_source; from sphinx_entrydoc.config import Config
    from sphinx_entrydoc import check
    source = read_source(path); config = Config()
    prepared = check.prepare(source, config)
    import gc; gc.collect(); start = time.perf_counter()
    from sphinx_entrydoc import recache; recache.load("finish"); lap("compile: kept regular expressions (recache)")
    marks["kept found (compile)"] = not recache.missing("finish")
    from sphinx_entrydoc import clang; clang.cindex(); lap("compile: load libclang")
    from sphinx_entrydoc import compile, context, flow, rules, classify; rules.load_all(); lap("compile: import rules")
    api = check._load_api(config); api.snippet_args(); lap("compile: stub model and PCH (cached)")
    parses = [0]
    original = compile._parse
    def counting(*a, **k):
        parses[0] += 1
        return original(*a, **k)
    compile._parse = counting
    findings, document = check.finish(prepared, threads=2)   # a run of one document: two at a time
    lap("compile: normalise, compile snippets, rules")
    marks["libclang parses"] = parses[0]
    marks["snippets"] = len(document.c_snippets)
print(json.dumps(marks))
'''


def warm_up(document: str, env=None) -> None:
    """One lint of ``document``, so that the cache directory holds what
    every run after a first finds there (the kept patterns and classes'
    code, the stub model, the PCH): the state the bench's lint rows time.
    The children below only read it."""
    subprocess.run([sys.executable, "-m", "sphinx_entrydoc", "lint", "--no-cache", document], cwd=ROOT,
                   env=env, capture_output=True, check=False)


def measure(document: str, side: str, runs: int, env=None) -> dict:
    """The steps of ``side``, each the fastest of ``runs`` children, with
    the cache directory ``env`` names (the caller's own if None)."""
    best: dict = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _CHILD, document, side], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True).stdout
        for key, value in json.loads(out.strip().splitlines()[-1]).items():
            best[key] = min(best.get(key, value), value)   # a flag: found in every run
    return best


def startup(runs: int) -> float:
    import time
    best = 1e9
    for _ in range(runs):
        begin = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        best = min(best, time.perf_counter() - begin)
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("document")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    document = os.path.abspath(args.document)
    warm_up(document)
    steps = {"interpreter start-up": startup(args.runs)}
    for side in ("main", "prepare", "finish"):
        steps.update(measure(document, side, args.runs))
    if args.json:
        print(json.dumps(steps))
        return 0
    print(format_summary(steps))
    return 0


def format_summary(steps: dict) -> str:
    counts = {k: steps.pop(k) for k in ("libclang parses", "snippets") if k in steps}
    kept = [steps.pop(k) for k in ("kept found (parse)", "kept found (compile)") if k in steps]
    lines = ["| step (each timed cold, fastest of the runs) | ms |", "|---|---|"]
    lines += [f"| {name} | {seconds * 1000:.1f} |" for name, seconds in steps.items()]
    parse = sum(v for k, v in steps.items() if k.startswith("parse:") and "again" not in k)
    compile_side = sum(v for k, v in steps.items() if k.startswith("compile:"))
    warm = sum(v for k, v in steps.items() if k.startswith("compile:") and "snippets" not in k)
    main = steps["interpreter start-up"] + sum(v for k, v in steps.items() if k.startswith("main:"))
    lines.append("")
    lines.append(f"main process before the workers start: {main * 1000:.0f} ms; parse worker: "
                 f"{parse * 1000:.0f} ms; compile worker: {warm * 1000:.0f} ms loading (while the "
                 f"other parses), then {(compile_side - warm) * 1000:.0f} ms for "
                 f"{counts.get('snippets', '?')} snippets in {counts.get('libclang parses', '?')} "
                 f"libclang parses and the rules.  Critical path: about "
                 f"{(main + max(parse, warm) + compile_side - warm) * 1000:.0f} ms.")
    if not all(kept):
        lines.append("The workers found no kept patterns in the cache directory: these steps are a first run's.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
