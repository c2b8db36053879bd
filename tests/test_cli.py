"""Issue "Standalone lint CLI": inputs, configuration, formats, cache, pre-commit."""
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from conftest import HERE, ROOT
from sphinx_entrydoc import cli
from sphinx_entrydoc._version import __version__

DATA = os.path.join(HERE, "data")
GOLDEN = os.path.join(DATA, "golden")

GOOD = "Title\n=====\n\nNothing to say about entry code here.\n"
BAD = """Title
=====

.. code-block:: c

	noinstr void handler(struct pt_regs *regs)
	{
		irqentry_state_t state = irqentry_nmi_enter(regs);
		irqentry_nmi_exti(regs, state);
	}
"""
# Opts in: the default selection checks it (and caches its result), while
# GOOD, with no entry code, is skipped.
GOOD_ENTRY = GOOD + "\n.. entrydoc::\n"
# Opts in (no C to select it by): checked by the default selection.
STYLE_ONLY = "Title\n=====\n\nThe handler obviously runs first.\n\n.. entrydoc::\n"


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    """Run the CLI in-process in ``tmp_path``: (status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args, stdin=None):
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        status = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return status, out, err
    return invoke


def write(root, relative, text, mode="w"):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode == "wb":
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def codes(out):
    return re.findall(r"^(\S+?):(\d+):(\d+): (ED\d{3})", out, re.M)


# -- inputs ---------------------------------------------------------------------------

def test_directories_are_walked_for_rst_files_with_excludes(run, tmp_path):
    write(tmp_path, "docs/a/bad.rst", BAD)
    write(tmp_path, "docs/b/skipped/bad.rst", BAD)
    write(tmp_path, "docs/b/good.rst", GOOD)
    write(tmp_path, "docs/b/notes.txt", BAD)
    write(tmp_path, "docs/_build/bad.rst", BAD)
    status, out, err = run("lint", "docs", "--exclude", "skipped")
    assert status == 1
    assert [c[0] for c in codes(out)] == ["docs/a/bad.rst"]
    # good.rst calls no entry function: the default selection (auto) skips it.
    assert "1 document(s) checked" in err and ", 1 skipped" in err


def test_exclude_with_a_slash_matches_the_path(run, tmp_path):
    write(tmp_path, "docs/a/bad.rst", BAD)
    write(tmp_path, "docs/b/bad.rst", BAD)
    status, out, _ = run("lint", "docs", "--exclude", "docs/a/*")
    assert [c[0] for c in codes(out)] == ["docs/b/bad.rst"]


def test_standard_input_with_a_name(run):
    status, out, _ = run("lint", "--stdin-filename", "Documentation/x.rst", "-", stdin=BAD)
    assert status == 1
    assert codes(out) == [("Documentation/x.rst", "9", "3", "ED101")]


def test_bad_inputs_are_one_line_each_and_the_rest_is_checked(run, tmp_path):
    write(tmp_path, "bad.rst", BAD)
    write(tmp_path, "binary.rst", b"T\n=\n\0\0", mode="wb")
    write(tmp_path, "latin.rst", "caf\u00e9\n".encode("latin-1"), mode="wb")
    (tmp_path / "empty").mkdir()
    status, out, err = run("lint", "missing.rst", "binary.rst", "bad.rst", "latin.rst", "empty")
    assert status == 2
    assert codes(out) == [("bad.rst", "9", "3", "ED101")]
    errors = [l for l in err.splitlines() if l.startswith("sphinx-entrydoc:")]
    assert len(errors) == 4
    assert any("missing.rst: no such file" in e for e in errors)
    assert any("binary.rst: binary file" in e for e in errors)
    assert any("latin.rst: not valid utf-8" in e for e in errors)
    assert any("empty: no .rst files" in e for e in errors)
    assert "Traceback" not in err


def test_output_is_sorted_by_path_line_column_code(run, tmp_path):
    write(tmp_path, "b.rst", BAD)
    write(tmp_path, "a.rst", BAD.replace("Title", "Title  "))
    status, out, _ = run("lint", "b.rst", "a.rst")
    found = codes(out)
    assert found == sorted(found, key=lambda c: (c[0], int(c[1]), int(c[2]), c[3]))
    assert [c[0] for c in found] == ["a.rst", "a.rst", "b.rst"]


def test_parallel_jobs_give_the_same_output(run, tmp_path):
    for n in range(4):
        write(tmp_path, f"d{n}.rst", BAD if n % 2 else GOOD)
    serial = run("lint", "--no-cache", ".")
    parallel = run("lint", "--no-cache", "-j", "2", ".")
    auto = run("lint", "--no-cache", "-j", "auto", ".")
    assert serial == parallel == auto
    assert serial[0] == 1


# -- options and exit codes ---------------------------------------------------------

def test_select_and_ignore_by_code_or_prefix(run, tmp_path):
    write(tmp_path, "d.rst", BAD.replace("Title\n", "Title \n"))
    assert {c[3] for c in codes(run("lint", "d.rst")[1])} == {"ED002", "ED101"}
    assert {c[3] for c in codes(run("lint", "--select", "ED1", "d.rst")[1])} == {"ED101"}
    assert {c[3] for c in codes(run("lint", "--ignore", "ED101", "d.rst")[1])} == {"ED002"}
    assert {c[3] for c in codes(run("lint", "--ignore", "ED0,ED1", "d.rst")[1])} == set()


def test_unknown_code_in_select_is_a_usage_error(run, tmp_path):
    write(tmp_path, "d.rst", GOOD)
    status, _, err = run("lint", "--select", "ED9", "d.rst")
    assert status == 2 and err.count("\n") == 1 and "'ED9'" in err


def test_exit_codes(run, tmp_path):
    write(tmp_path, "good.rst", GOOD)
    write(tmp_path, "style.rst", STYLE_ONLY)
    write(tmp_path, "bad.rst", BAD)
    assert run("lint", "good.rst")[0] == 0
    assert run("lint", "--profile", "review", "style.rst")[0] == 0
    assert run("lint", "--profile", "review", "--strict", "style.rst")[0] == 1
    assert run("lint", "bad.rst")[0] == 1
    assert run("lint", "good.rst", "missing.rst")[0] == 2


def test_usage_errors_exit_2(run, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        run("lint", "-j", "0", "x.rst")
    assert exit_.value.code == 2
    assert run("lint")[0] == 2
    assert run("lint", "--stubs", "no-such-dir", "x.rst")[0] == 2


def test_version(run):
    with pytest.raises(SystemExit):
        run("lint", "--version")


def test_version_text():
    out = subprocess.run([sys.executable, "-m", "sphinx_entrydoc", "--version"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == f"sphinx-entrydoc {__version__}"


def test_explain_prints_rationale_and_example(run):
    status, out, _ = run("lint", "--explain", "ed101")
    assert status == 0
    assert out.startswith("ED101 unknown-function\n")
    assert "Why: A call to an undeclared function" in out
    assert "irqenttry_nmi_exit(regs, state);   ->   irqentry_nmi_exit(regs, state);" in out


def test_explain_a_prefix_lists_its_rules(run):
    status, out, _ = run("lint", "--explain", "ED7")
    assert status == 0
    assert [l.split()[0] for l in out.splitlines()] == ["ED701", "ED702", "ED703"]
    assert run("lint", "--explain", "ED999")[0] == 2


# -- configuration ----------------------------------------------------------------------

def test_pyproject_is_found_upward_and_the_command_line_wins(run, tmp_path, monkeypatch):
    write(tmp_path, "pyproject.toml", '[tool.sphinx-entrydoc]\nprofile = "review"\nignore = ["ED002"]\n')
    write(tmp_path, "docs/sub/style.rst", STYLE_ONLY.replace("Title\n", "Title \n"))
    monkeypatch.chdir(tmp_path / "docs" / "sub")
    assert {c[3] for c in codes(run("lint", "style.rst")[1])} == {"ED601"}
    assert {c[3] for c in codes(run("lint", "--profile", "default", "--ignore", "ED6", "style.rst")[1])} \
        == {"ED002"}
    assert {c[3] for c in codes(run("lint", "--isolated", "style.rst")[1])} == {"ED002"}


def test_paths_in_the_configuration_are_relative_to_its_directory(run, tmp_path, monkeypatch):
    write(tmp_path, "extra/mine.h", "void my_entry_helper(void);\n")
    write(tmp_path, "pyproject.toml", '[tool.sphinx-entrydoc]\nstubs = ["extra"]\nexclude = ["draft-*"]\n')
    write(tmp_path, "docs/ok.rst", "T\n=\n\n.. code-block:: c\n\n\tvoid f(void)\n\t{\n\t\tmy_entry_helpr();\n\t}\n")
    write(tmp_path, "docs/draft-1.rst", BAD)
    monkeypatch.chdir(tmp_path / "docs")
    status, out, _ = run("lint", ".")
    assert [c[3] for c in codes(out)] == ["ED101"]
    assert "my_entry_helper()" in out


def test_config_option_reads_a_plain_toml_file(run, tmp_path):
    write(tmp_path, "entrydoc.toml", 'select = "ED0"\n')
    write(tmp_path, "d.rst", BAD.replace("Title\n", "Title \n"))
    status, out, _ = run("lint", "--config", "entrydoc.toml", "d.rst")
    assert [c[3] for c in codes(out)] == ["ED002"]


@pytest.mark.parametrize("setting, message", [
    ('profile = "fast"', "invalid value 'fast' for profile: allowed values are default, review"),
    ('jobs = 0', "invalid value 0 for jobs: allowed values are a positive integer, \"auto\""),
    ('format = "xml"', "invalid value 'xml' for format: allowed values are text, json, sarif, github, email"),
    ('cache = "yes"', "invalid value 'yes' for cache: allowed values are true, false"),
    ('colour = true', "unknown key 'colour'; known keys: stubs, srctree, profile"),
    ('profile = ', "not valid TOML"),
])
def test_invalid_configuration_is_one_line_naming_the_key(run, tmp_path, setting, message):
    write(tmp_path, "pyproject.toml", f"[tool.sphinx-entrydoc]\n{setting}\n")
    write(tmp_path, "d.rst", GOOD)
    status, out, err = run("lint", "d.rst")
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert message in err
    assert "pyproject.toml" in err


def test_unrelated_pyproject_is_skipped(run, tmp_path):
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path, "d.rst", GOOD)
    assert run("lint", "d.rst")[0] == 0


# -- formats ----------------------------------------------------------------------------

def test_text_has_the_suggestion_and_a_summary_on_stderr(run, tmp_path):
    write(tmp_path, "d.rst", BAD)
    status, out, err = run("lint", "d.rst")
    assert out == ("d.rst:9:3: ED101 call to undeclared function irqentry_nmi_exti(); "
                   "did you mean irqentry_nmi_exit()?\n    suggestion: irqentry_nmi_exit()\n")
    assert err == ("1 error(s) in 1 document(s), 0 warning(s), 0 style finding(s); 1 document(s) checked "
                   "against kernel v7.3\n")


@pytest.mark.parametrize("fmt, name", [("json", "draft.json"), ("github", "draft.github")])
def test_golden_output(capsys, monkeypatch, fmt, name):
    monkeypatch.chdir(GOLDEN)
    status = cli.main(["lint", "--isolated", "--no-cache", "--profile", "review", "--format", fmt, "draft.rst"])
    out = capsys.readouterr().out
    path = os.path.join(GOLDEN, name)
    if os.environ.get("UPDATE_GOLDEN"):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(out)
    with open(path, encoding="utf-8") as handle:
        assert out == handle.read()
    assert status == 1


def test_json_has_findings_and_summary(capsys, monkeypatch):
    monkeypatch.chdir(GOLDEN)
    cli.main(["lint", "--isolated", "--no-cache", "--profile", "review", "--format", "json", "draft.rst"])
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"findings", "summary"}
    assert data["summary"] == {"documents": 1, "errors": 3, "warnings": 1, "style": 2, "input_errors": 0,
                               "kernel_version": "v7.3"}
    fixes = [f["fix"] for f in data["findings"] if "fix" in f]
    assert {"line": 15, "column": 4, "old": "irqentry_nmi_exti", "new": "irqentry_nmi_exit",
            "description": "rename irqentry_nmi_exti() to irqentry_nmi_exit()"} in fixes


def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    with open(os.path.join(DATA, "sarif-schema-2.1.0.json"), encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def test_sarif_validates_against_the_2_1_0_schema(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(GOLDEN)
    cli.main(["lint", "--isolated", "--no-cache", "--profile", "review", "--format", "sarif",
              "draft.rst", os.path.join(str(tmp_path), "missing.rst")])
    log = json.loads(capsys.readouterr().out)
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, errors[0]
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert any(r["id"] == "ED001" and "backslash is literal" in r["fullDescription"]["text"] for r in rules)
    results = {r["ruleId"]: r for r in run_["results"]}
    region = results["ED101"]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 15, "startColumn": 4}
    replacement = results["ED101"]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement == {"deletedRegion": {"startLine": 15, "startColumn": 4, "endColumn": 21},
                           "insertedContent": {"text": "irqentry_nmi_exit"}}
    assert results["ED601"]["level"] == "note" and results["ED105"]["level"] == "warning"
    assert "fixes" not in results["ED105"]
    assert run_["invocations"][0]["executionSuccessful"] is False


def test_sarif_of_a_clean_run_validates_too(run, tmp_path):
    write(tmp_path, "good.rst", GOOD)
    status, out, _ = run("lint", "--format", "sarif", "good.rst")
    log = json.loads(out)
    assert not list(sarif_validator().iter_errors(log))
    assert log["runs"][0]["results"] == [] and status == 0


def test_github_annotations_escape_what_the_syntax_uses():
    from sphinx_entrydoc.findings import Finding
    from sphinx_entrydoc.report import GithubFormatter
    stream = io.StringIO()
    GithubFormatter(stream).handle(Finding("a,b:c.rst", 3, 4, "ED601", "filler-word", "style",
                                           "100% sure\nreally"))
    assert stream.getvalue() == "::notice file=a%2Cb%3Ac.rst,line=3,col=4,title=ED601::100%25 sure%0Areally\n"


def test_email_format_is_for_check_patch_only(run, tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.sphinx-entrydoc]\nformat = "email"\n')
    write(tmp_path, "d.rst", GOOD)
    status, _, err = run("lint", "d.rst")
    assert status == 2 and "format 'email' is for check-patch" in err


# -- cache ---------------------------------------------------------------------------------

def stats(err):
    match = re.search(r"cache: (\d+) hit\(s\), (\d+) miss\(es\)(.*)", err)
    return int(match.group(1)), int(match.group(2)), match.group(3)


def test_second_run_is_served_from_the_cache(run, tmp_path):
    for n in range(3):
        write(tmp_path, f"docs/d{n}.rst", BAD if n == 1 else GOOD_ENTRY)
    first = run("lint", "--stats", "docs")
    second = run("lint", "--stats", "docs")
    assert stats(first[2])[:2] == (0, 3)
    assert stats(second[2])[:2] == (3, 0)
    assert first[:2] == second[:2]
    assert (tmp_path / ".entrydoc-cache" / "CACHEDIR.TAG").is_file()


def test_cache_key_follows_document_configuration_and_stubs(run, tmp_path):
    write(tmp_path, "a.rst", GOOD_ENTRY)
    write(tmp_path, "b.rst", BAD)
    write(tmp_path, "stubs/extra.h", "void extra_hook(void);\n")
    run("lint", "a.rst", "b.rst")
    write(tmp_path, "b.rst", BAD + "\nMore text.\n")
    assert stats(run("lint", "--stats", "a.rst", "b.rst")[2])[:2] == (1, 1)
    assert stats(run("lint", "--stats", "--profile", "review", "a.rst")[2])[:2] == (0, 1)
    assert stats(run("lint", "--stats", "--stubs", "stubs", "a.rst")[2])[:2] == (0, 1)
    write(tmp_path, "stubs/extra.h", "void extra_hook(int);\n")
    assert stats(run("lint", "--stats", "--stubs", "stubs", "a.rst")[2])[:2] == (0, 1)


def test_the_tools_own_code_is_part_of_the_cache_key(tmp_path, monkeypatch):
    # An edited checkout or a reinstall keeps its version number: findings
    # cached by other code must not be served.
    from sphinx_entrydoc import cache
    package = tmp_path / "sphinx_entrydoc"
    (package / "rules").mkdir(parents=True)
    for name in ("cache.py", "extract.py", "rules/prose.py"):
        (package / name).write_text("# code\n")
    monkeypatch.setattr(cache, "__file__", str(package / "cache.py"))
    before = cache.code_fingerprint()
    assert cache.code_fingerprint() == before
    os.utime(package / "rules" / "prose.py", ns=(1, 10**18))
    touched = cache.code_fingerprint()
    (package / "extract.py").write_text("# other code\n")
    assert len({before, touched, cache.code_fingerprint()}) == 3


def test_a_source_tree_is_part_of_the_cache_key(run, tmp_path):
    write(tmp_path, "a.rst", GOOD_ENTRY)
    write(tmp_path, "linux/kernel/entry/common.c", "void irqentry_enter(void) {}\n")
    first = run("lint", "--stats", "--srctree", "linux", "a.rst")[2]
    if "cache: off" in first:
        return  # no tree index to fingerprint: such a run is never cached
    second = run("lint", "--stats", "--srctree", "linux", "a.rst")[2]
    assert stats(first)[:2] == (0, 1) and stats(second)[:2] == (1, 0)
    write(tmp_path, "linux/kernel/entry/common.c", "void irqentry_enter(void) { }\n")
    assert stats(run("lint", "--stats", "--srctree", "linux", "a.rst")[2])[:2] == (0, 1)


def test_corrupt_cache_entries_are_ignored(run, tmp_path):
    write(tmp_path, "b.rst", BAD)
    expected = run("lint", "b.rst")
    for root, _, files in os.walk(tmp_path / ".entrydoc-cache" / "v1"):
        for name in files:
            with open(os.path.join(root, name), "w") as handle:
                handle.write('{"key": "trunc')
    status, out, err = run("lint", "--stats", "b.rst")
    assert (status, out) == expected[:2]
    assert stats(err) == (0, 1, ", 1 corrupt entry ignored")
    assert stats(run("lint", "--stats", "b.rst")[2])[:2] == (1, 0)  # rewritten


def test_no_cache_and_cache_dir(run, tmp_path):
    write(tmp_path, "b.rst", BAD)
    run("lint", "--no-cache", "b.rst")
    assert not (tmp_path / ".entrydoc-cache").exists()
    run("lint", "--cache-dir", "elsewhere", "b.rst")
    assert stats(run("lint", "--stats", "--cache-dir", "elsewhere", "b.rst")[2])[:2] == (1, 0)


def test_unwritable_cache_directory_does_not_stop_the_lint(run, tmp_path):
    write(tmp_path, "b.rst", BAD)
    write(tmp_path, "blocker", "a file where the cache directory would go")
    status, out, err = run("lint", "--stats", "--cache-dir", "blocker/cache", "b.rst")
    assert status == 1 and codes(out)
    assert "not written" in err


def test_parallel_runs_share_the_cache_safely(tmp_path):
    for n in range(6):
        write(tmp_path, f"d{n}.rst", BAD if n % 2 else GOOD)
    command = [sys.executable, "-m", "sphinx_entrydoc", "lint", "-j", "2", "."]
    runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(3)]
    outputs = [p.communicate() + (p.returncode,) for p in runs]
    assert len({(o[0], o[2]) for o in outputs}) == 1 and outputs[0][2] == 1
    leftovers = [f for _, _, files in os.walk(tmp_path / ".entrydoc-cache") for f in files
                 if f.endswith(".part")]
    assert leftovers == []


# -- pre-commit ---------------------------------------------------------------------------

def hook():
    """The hook's entry and files pattern, read the way pre-commit reads
    them (the file is a flat list of mappings)."""
    with open(os.path.join(ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8") as handle:
        text = handle.read()
    fields = dict(re.findall(r"^\s*-?\s*(id|entry|files|language):\s*(.+?)\s*$", text, re.M))
    return fields


def test_pre_commit_hook_declares_the_lint_for_rst_files():
    fields = hook()
    assert fields["id"] == "sphinx-entrydoc"
    assert fields["entry"] == "sphinx-entrydoc lint"
    assert fields["language"] == "python"
    assert re.search(fields["files"], "Documentation/core-api/entry.rst")
    assert not re.search(fields["files"], "kernel/entry/common.c")


def test_pre_commit_runs_the_entry_on_staged_files(tmp_path):
    fields = hook()
    staged = {"Documentation/core-api/entry.rst": GOOD, "Documentation/core-api/index.rst": GOOD,
              "kernel/entry/common.c": "int x;\n", "Documentation/a b.rst": BAD}
    for path, text in staged.items():
        write(tmp_path, path, text)
    selected = sorted(p for p in staged if re.search(fields["files"], p))
    bindir = os.path.dirname(sys.executable)
    entry = shlex.split(fields["entry"])
    executable = shutil.which(entry[0], path=bindir) or shutil.which(entry[0])
    assert executable, "the console script is installed with the package"
    clean = subprocess.run([executable] + entry[1:] + selected[1:], cwd=tmp_path,
                           capture_output=True, text=True)
    assert clean.returncode == 0, clean.stderr
    dirty = subprocess.run([executable] + entry[1:] + selected, cwd=tmp_path, capture_output=True, text=True)
    assert dirty.returncode == 1
    assert dirty.stdout.startswith("Documentation/a b.rst:9:3: ED101 ")
