"""Property tests: on mutated entry-style documents the core never raises,
every finding points inside the file, and the output is deterministic."""
import os
import random
import sys

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import EXAMPLES, ROOT, lint, read_doc

sys.path.insert(0, os.path.join(ROOT, "bench"))
from mutate import mutate  # noqa: E402

SEEDS = [read_doc("correct.rst")]
with open(os.path.join(EXAMPLES, "review", "entry-draft.rst"), encoding="utf-8") as handle:
    SEEDS.append(handle.read())


def assert_sound(text):
    first = lint(text, profile="review")
    lines = text.split("\n")
    for f in first:
        assert 1 <= f.line <= len(lines), f
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1, f
        if f.fix is not None:
            line = lines[f.fix.line - 1]
            assert line[f.fix.column - 1:].startswith(f.fix.old), f
    assert lint(text, profile="review") == first


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), which=st.integers(0, len(SEEDS) - 1), edits=st.integers(1, 8))
def test_mutated_documents(seed, which, edits):
    assert_sound(mutate(SEEDS[which], random.Random(seed), edits))


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\t \n(){};,*\\`:.<->=#/\"'_az0é")), max_size=300))
def test_arbitrary_text(text):
    assert_sound(text)


def _outcome(text, threads):
    from sphinx_entrydoc import check
    from sphinx_entrydoc.config import Config
    from sphinx_entrydoc.read import Source
    try:
        prepared = check.prepare(Source("doc.rst", text), Config(profile="review", documents=("all",)))
        return check.finish(prepared, threads=threads)[0]
    except Exception as exc:  # noqa: BLE001 - compared, not hidden
        return (type(exc).__name__, str(exc))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), which=st.integers(0, len(SEEDS) - 1), edits=st.integers(1, 8))
def test_two_threads_find_what_one_finds_on_mutated_documents(seed, which, edits):
    # The last document of a run compiles two snippets at a time.
    text = mutate(SEEDS[which], random.Random(seed), edits)
    assert _outcome(text, 2) == _outcome(text, 1)
