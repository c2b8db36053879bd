"""No data lost: for random documents, the fixes written and then reverted
with the printed diff give back the original bytes."""
import os
import random
import subprocess
import sys

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import EXAMPLES, ROOT
from sphinx_entrydoc import fix
from sphinx_entrydoc.check import check_source
from sphinx_entrydoc.config import Config
from sphinx_entrydoc.read import read_source

sys.path.insert(0, os.path.join(ROOT, "bench"))
from mutate import mutate  # noqa: E402

with open(os.path.join(EXAMPLES, "review", "entry-draft.rst"), encoding="utf-8") as handle:
    DRAFT = handle.read()


def trailing_spaces(text, rng):
    lines = text.split("\n")
    for _ in range(3):
        i = rng.randrange(len(lines))
        lines[i] += rng.choice([" ", "\t", "  "])
    return "\n".join(lines)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), crlf=st.booleans(), final_newline=st.booleans())
def test_fix_then_reverse_diff_restores_every_byte(tmp_path, seed, crlf, final_newline):
    rng = random.Random(seed)
    text = trailing_spaces(mutate(DRAFT, rng, rng.randrange(0, 4)), rng).rstrip("\n")
    text += "\n" if final_newline else ""
    original = (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")
    path = tmp_path / f"doc-{seed}.rst"
    path.write_bytes(original)
    os.chdir(tmp_path)
    source = read_source(path.name)
    plan = fix.plan(source, check_source(source, Config(profile="review")))
    diff = fix.unified_diff(plan)
    fix.write(plan)
    if not plan.changed:
        assert path.read_bytes() == original
        return
    assert path.read_bytes() != original
    (tmp_path / "fix.diff").write_bytes(diff.encode("utf-8"))
    subprocess.run(["git", "apply", "-R", "fix.diff"], cwd=tmp_path, check=True, capture_output=True)
    assert path.read_bytes() == original


def test_the_draft_itself_has_fixes_to_revert(tmp_path):
    path = tmp_path / "draft.rst"
    path.write_text(DRAFT)
    os.chdir(tmp_path)
    source = read_source("draft.rst")
    plan = fix.plan(source, check_source(source, Config(profile="review")))
    fixed = {a.finding.code for a in plan.applied}
    assert {"ED001", "ED101", "ED501", "ED604"} <= fixed
