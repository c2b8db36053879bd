"""The benchmark's profiler drives the pipeline's internals step by step,
so a change to those internals can break it without any check failing:
run each of its steps once (no timing is asserted)."""
import os
import sys

from conftest import EXAMPLES, ROOT

sys.path.insert(0, os.path.join(ROOT, "bench"))
import profile_one  # noqa: E402


def test_the_profiler_runs_every_step_of_a_cold_check():
    document = os.path.join(EXAMPLES, "core-api", "entry.rst")
    steps = {}
    for side in ("main", "prepare", "finish"):
        steps.update(profile_one.measure(document, side, runs=1))
    assert steps["snippets"] > 0
    assert steps["libclang parses"] >= steps["snippets"]
    for step in ("main: fork the two workers", "parse: docutils parse (cold)",
                 "parse: kept regular expressions (recache)", "compile: kept regular expressions (recache)",
                 "compile: normalise, compile snippets, rules"):
        assert step in steps
