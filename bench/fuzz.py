"""The long fuzz campaign (`make fuzz`): N mutated documents through the core,
counting crashes (any exception) and unsound findings. Not run in CI."""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from mutate import mutate  # noqa: E402
from sphinx_entrydoc.check import check_source  # noqa: E402
from sphinx_entrydoc.config import Config  # noqa: E402
from sphinx_entrydoc.read import Source  # noqa: E402


def seeds():
    paths = [os.path.join(ROOT, "tests", "docs", "correct.rst")]
    for root, _, files in os.walk(os.path.join(ROOT, "example_docs")):
        paths += [os.path.join(root, f) for f in files if f.endswith(".rst")]
    return [open(p, encoding="utf-8").read() for p in sorted(paths)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    texts = seeds()
    config = Config(profile="review")
    crashes = unsound = 0
    start = time.perf_counter()
    for n in range(args.documents):
        text = mutate(rng.choice(texts), rng, rng.randrange(1, 10))
        try:
            findings = check_source(Source(f"fuzz-{n}.rst", text), config)
        except Exception:
            crashes += 1
            if crashes <= 5:
                traceback.print_exc()
            continue
        lines = text.split("\n")
        if any(not (1 <= f.line <= len(lines) and 1 <= f.column <= len(lines[f.line - 1]) + 1)
               for f in findings):
            unsound += 1
    elapsed = time.perf_counter() - start
    print(f"fuzz: {args.documents} documents, {crashes} crash(es), {unsound} with a finding "
          f"outside the file, {elapsed:.0f} s (seed {args.seed})")
    return 1 if crashes or unsound else 0


if __name__ == "__main__":
    sys.exit(main())
