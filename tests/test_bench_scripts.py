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


def test_the_profiler_times_what_a_run_after_the_first_finds(tmp_path):
    # Its children only read the cache directory: the warm-up fills it,
    # as the bench's lint rows had filled theirs.
    document = os.path.join(EXAMPLES, "core-api", "entry.rst")
    env = dict(os.environ, SPHINX_ENTRYDOC_CACHE_DIR=str(tmp_path), PYTHONPATH=ROOT)
    assert profile_one.measure(document, "prepare", runs=1, env=env)["kept found (parse)"] is False
    profile_one.warm_up(document, env)
    assert profile_one.measure(document, "prepare", runs=1, env=env)["kept found (parse)"] is True
    assert profile_one.measure(document, "finish", runs=1, env=env)["kept found (compile)"] is True


def test_a_goal_row_says_when_its_interval_cannot_tell():
    import bench
    ours = bench.Measure("with", [], 0)
    ours.times = [1.0]
    # 15 pairs: the interval of their median is ranks 3 and 13.
    around_goal = sorted(1 + step / 100 for step in range(-7, 8))
    assert bench.median_interval(around_goal) == (around_goal[2], around_goal[12])
    row = bench.goal_row("build", ours, ours, "without", around_goal, "<=1%", "overhead")
    assert "95% CI -5.0 to +5.0" in row and row.endswith("| yes, within the noise |")
    well_over = sorted(1.2 + step / 100 for step in range(-7, 8))
    assert bench.goal_row("build", ours, ours, "without", well_over, "<=1%", "overhead").endswith("| **no** |")
    faster = sorted(0.2 + step / 1000 for step in range(-7, 8))
    assert bench.goal_row("page", ours, ours, "rstcheck", faster, ">=3x", "faster").endswith("| yes |")
