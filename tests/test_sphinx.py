"""The Sphinx extension, built with sphinx.testing on the roots in tests/roots/."""
import io
import os
import re
import shutil
import subprocess
import sys
import warnings

import pytest

from sphinx_entrydoc import sphinxext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# (docname, line, code) of every finding in tests/roots/test-entrydoc-broken.
# optout.rst (":check: no") and ignored.rst (":ignore:" on the document and
# on a block) have mistakes too, and must not appear.
BROKEN = {
    ("escape", 8, "ED001"),
    ("pairs", 8, "ED301"),
    ("pairs", 13, "ED201"),
    ("pairs", 15, "ED201"),
    ("typo", 16, "ED101"),
    ("typo", 27, "ED102"),
}
BROKEN_SUMMARY = "entrydoc: 6 error(s) in 3 document(s)"

_WARNING = re.compile(r"^(?P<path>\S+?\.rst):(?P<line>\d+): WARNING: (?P<code>ED\d+) ", re.M)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def log_of(stream) -> str:
    return _ANSI.sub("", stream.getvalue())


def entrydoc_warnings(app, stream) -> set:
    """(docname, line, code) of each entrydoc warning the build printed."""
    found = set()
    for match in _WARNING.finditer(log_of(stream)):
        docname = os.path.relpath(match["path"], str(app.srcdir))[: -len(".rst")]
        found.add((docname.replace(os.sep, "/"), int(match["line"]), match["code"]))
    return found


def fresh_copy(sphinx_test_tempdir, rootdir, root: str, name: str):
    """A private copy of a test root, for builds that change it or must not
    share an environment with other tests."""
    srcdir = sphinx_test_tempdir / name
    if os.path.exists(str(srcdir)):
        shutil.rmtree(str(srcdir))
    shutil.copytree(str(rootdir / f"test-{root}"), str(srcdir))
    return srcdir


def touch_later(path) -> None:
    """Give a file an mtime Sphinx cannot take for the one it already read."""
    stat = os.stat(str(path))
    os.utime(str(path), (stat.st_atime + 10, stat.st_mtime + 10))


def build(make_app, srcdir, **kwargs):
    warning = io.StringIO()
    app = make_app("html", srcdir=srcdir, status=io.StringIO(), warning=warning, **kwargs)
    app.build()
    return app, warning


def html(app, docname: str) -> str:
    return (app.outdir / f"{docname}.html").read_text(encoding="utf-8")


@pytest.fixture
def counted_checks(monkeypatch):
    """Names of the files check_document is called on, in this process."""
    checked = []
    original = sphinxext.check_document

    def counting(source, config, doctree=None, docname=None, *args, **kwargs):
        result = original(source, config, doctree, docname, *args, **kwargs)
        decision = result[-1]
        if decision is None or decision.check:
            checked.append(os.path.basename(source.path))
        return result

    monkeypatch.setattr(sphinxext, "check_document", counting)
    return checked


# -- a clean tree ----------------------------------------------------------------

@pytest.mark.sphinx("html", testroot="entrydoc-clean", freshenv=True)
def test_clean_root_builds_without_entrydoc_warnings(app, warning):
    app.build()
    assert "entrydoc" not in log_of(warning)
    assert "WARNING" not in log_of(warning)
    assert app.statuscode == 0


@pytest.mark.sphinx("html", testroot="entrydoc-clean", freshenv=True)
def test_extension_metadata(app):
    extension = app.extensions["sphinx_entrydoc"]
    assert extension.parallel_read_safe is True
    assert extension.parallel_write_safe is True
    assert extension.metadata["env_version"] == sphinxext.ENV_VERSION
    assert extension.version == sphinxext.__version__


@pytest.mark.sphinx("html", testroot="entrydoc-clean", freshenv=True)
def test_default_selection_checks_entry_code_and_leaves_other_c_alone(app, counted_checks):
    app.build()
    # entry.rst calls stub functions, optin.rst opts in; unrelated.rst (whose
    # C would not even compile) and index.rst are not checked.
    assert sorted(counted_checks) == ["entry.rst", "optin.rst"]


@pytest.mark.sphinx("html", testroot="entrydoc-clean", freshenv=True,
                    confoverrides={"entrydoc_documents": "all"})
def test_all_documents_checks_unrelated_c_too(app, warning):
    app.build()
    # Outside the model only syntax is judged: the ';' missing after printf(),
    # not the undeclared name, which could be anything in a kernel example.
    assert ("unrelated", 11, "ED103") in entrydoc_warnings(app, warning)
    assert ("unrelated", 12, "ED103") not in entrydoc_warnings(app, warning)
    assert app.statuscode == 1


@pytest.mark.sphinx("html", testroot="entrydoc-clean", freshenv=True,
                    confoverrides={"entrydoc_documents": "opt-in"})
def test_opt_in_only_checks_documents_that_ask(app, counted_checks):
    app.build()
    assert counted_checks == ["optin.rst"]


@pytest.mark.sphinx("html", testroot="entrydoc-clean", freshenv=True,
                    confoverrides={"entrydoc_documents": ["auto", "unrel*", "!optin"]})
def test_globs_add_and_remove_documents(app, counted_checks):
    app.build()
    assert sorted(counted_checks) == ["entry.rst", "unrelated.rst"]


# -- the rendered page ---------------------------------------------------------------

@pytest.mark.sphinx("html", testroot="entrydoc-clean", freshenv=True)
def test_published_pages_carry_no_state_trace_by_default(app):
    # The trace is for the document's author, not for the readers of a
    # published kernel site.
    app.build()
    assert "entrydoc-trace" not in html(app, "entry")
    assert "State trace" not in html(app, "optin")


TRACE_ON = {"entrydoc_trace": True}


@pytest.mark.sphinx("html", testroot="entrydoc-clean", freshenv=True, confoverrides=TRACE_ON)
def test_html_carries_the_state_trace_of_each_checked_block(app):
    app.build()
    page = html(app, "entry")
    traces = re.findall(r'<details class="entrydoc-trace">.*?</details>', page, re.S)
    assert len(traces) == 2
    irq, syscall = traces
    assert "checked, no findings" in irq
    # The trace names code by what it quotes and its line in the block
    # (1 is "noinstr void arch_handle_irq(...)"), never by lines of entry.rst,
    # which a reader of the page does not have: lines 3-5 and 11-13 of the
    # block are arch_handle_irq()'s body outside the instrumentation section.
    assert "noinstr lines 3–5, 11–13" in irq
    assert ("lines 3–5: <code>irqentry_state_t state = irqentry_enter(regs);</code> … "
            "<code>instrumentation_begin();</code>") in irq
    assert ("<code>irqentry_enter()</code> (line 3) → <code>irqentry_exit()</code> (line 13)"
            in irq)
    assert ("<code>instrumentation_begin()</code> (line 5) → "
            "<code>instrumentation_end()</code> (line 11)") in irq
    assert ("<code>irq_enter_rcu()</code> (line 7): Preemption counter → Lockdep → "
            "NOHZ tick state → Time accounting") in irq
    assert "<code>syscall_enter_from_user_mode()</code> (line 3): Lockdep" in syscall
    assert "Line numbers count the lines of the code block above, from 1." in irq
    assert "entry.rst" not in irq and "line 11 " not in syscall
    assert "_static/entrydoc.css" in page
    assert os.path.isfile(str(app.outdir / "_static" / "entrydoc.css"))
    assert "entrydoc-trace" not in html(app, "unrelated")


@pytest.mark.parametrize("value, shown", [("1", True), ("0", False), (True, True), (False, False)])
def test_trace_setting_reads_what_minus_d_gives(value, shown):
    # make htmldocs SPHINXOPTS="-D entrydoc_trace=1": depending on the
    # Sphinx version the value arrives as the string '1' or as True.
    assert sphinxext.trace_enabled(value) is shown


def test_a_trace_setting_that_is_no_switch_is_refused():
    from sphinx.errors import ConfigError
    with pytest.raises(ConfigError, match="entrydoc_trace = 'maybe': allowed values are True, False, 1, 0"):
        sphinxext.trace_enabled("maybe")


@pytest.mark.sphinx("html", testroot="entrydoc-clean", freshenv=True, confoverrides=TRACE_ON)
def test_entrydoc_code_block_renders_exactly_like_code_block(app):
    app.build()
    page = html(app, "optin")
    wrappers = re.findall(r'<div class="literal-block-wrapper docutils container"[^>]*>(.*?)</pre></div>',
                          page, re.S)
    assert len(wrappers) == 2
    # The same markup but for the caption's generated id.
    same = [re.sub(r'(id|href)="#?id\d+"', "", w) for w in wrappers]
    assert same[0] == same[1]
    assert page.count('<details class="entrydoc-trace">') == 2


@pytest.mark.sphinx("html", testroot="entrydoc-clean", freshenv=True)
def test_entrydoc_directive_renders_nothing_and_keeps_the_title(app):
    app.build()
    page = html(app, "optin")
    assert re.search(r"<title>Guest entry\b", page)
    assert "entrydoc_options" not in page
    assert "profile" not in re.sub(r"<[^>]+>", "", page.split('<div class="body"', 1)[-1]).lower()


@pytest.mark.sphinx("text", testroot="entrydoc-clean", freshenv=True, confoverrides=TRACE_ON)
def test_other_formats_get_the_blocks_without_the_trace(app, warning):
    app.build()
    text = (app.outdir / "entry.txt").read_text(encoding="utf-8")
    assert "irqentry_enter(regs)" in text
    assert "State trace" not in text
    assert "WARNING" not in log_of(warning)


# -- a broken tree ---------------------------------------------------------------

@pytest.mark.sphinx("html", testroot="entrydoc-broken", freshenv=True)
def test_broken_root_warns_at_docname_line_and_fails(app, warning):
    app.build()
    assert entrydoc_warnings(app, warning) == BROKEN
    assert BROKEN_SUMMARY in log_of(warning)
    assert app.statuscode == 1
    first = next(l for l in log_of(warning).splitlines() if "ED101" in l)
    assert first.endswith("did you mean irqentry_nmi_exit()? [entrydoc.ED101]") or \
        first.endswith("did you mean irqentry_nmi_exit()?")   # Sphinx < 8 shows no type


@pytest.mark.sphinx("html", testroot="entrydoc-broken", freshenv=True, confoverrides=TRACE_ON)
def test_failing_trace_says_so(app):
    app.build()
    page = html(app, "pairs")
    assert "checked, 3 findings" in page
    assert "<code>irqentry_enter()</code> (line 3) → <code>irqentry_exit()</code> (line 12)" in page


@pytest.mark.sphinx("html", testroot="entrydoc-broken", freshenv=True,
                    confoverrides={"suppress_warnings": ["entrydoc.ED101"]})
def test_suppress_warnings_silences_a_code(app, warning):
    app.build()
    assert entrydoc_warnings(app, warning) == {w for w in BROKEN if w[2] != "ED101"}
    # A silenced finding does not fail the build either.
    assert "entrydoc: 5 error(s) in 3 document(s)" in log_of(warning)
    assert app.statuscode == 1


@pytest.mark.sphinx("html", testroot="entrydoc-broken", freshenv=True,
                    confoverrides={"entrydoc_ignore": ["ED1", "ED2", "ED3", "ED0"]})
def test_ignored_codes_are_not_reported_and_do_not_fail(app, warning):
    app.build()
    assert entrydoc_warnings(app, warning) == set()
    assert app.statuscode == 0


@pytest.mark.sphinx("html", testroot="entrydoc-broken", freshenv=True,
                    confoverrides={"entrydoc_fail_on": "never"})
def test_fail_on_never_reports_but_passes(app, warning):
    app.build()
    assert entrydoc_warnings(app, warning) == BROKEN
    assert "entrydoc: " not in log_of(warning)
    assert app.statuscode == 0


def test_bad_fail_on_is_a_config_error(make_app, sphinx_test_tempdir, rootdir):
    from sphinx.errors import ConfigError
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-clean", "entrydoc-bad-config")
    with pytest.raises(ConfigError, match="entrydoc_fail_on"):
        make_app("html", srcdir=srcdir, confoverrides={"entrydoc_fail_on": "sometimes"})


def test_parallel_build_gives_the_same_warnings(make_app, sphinx_test_tempdir, rootdir, counted_checks):
    results = {}
    for jobs in (1, 2):
        srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-broken", f"entrydoc-j{jobs}")
        before = len(counted_checks)
        app, warning = build(make_app, srcdir, freshenv=True, parallel=jobs)
        results[jobs] = (entrydoc_warnings(app, warning), BROKEN_SUMMARY in log_of(warning),
                         app.statuscode, {d: len(f) for d, f in app.env.entrydoc_findings.items()})
        checked_here = len(counted_checks) - before
        if jobs == 2:
            # Every document was checked in a worker process, and the
            # findings came back through env-merge-info.
            assert checked_here == 0
        else:
            assert checked_here > 0
    assert results[1] == results[2]
    assert results[1][0] == BROKEN


def test_incremental_rebuild_rechecks_only_the_touched_document(make_app, sphinx_test_tempdir, rootdir,
                                                                counted_checks):
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-broken", "entrydoc-incremental")
    first, _ = build(make_app, srcdir, freshenv=True)
    assert first.statuscode == 1
    counted_checks.clear()

    clean = srcdir / "clean.rst"
    clean.write_text(clean.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    touch_later(clean)

    second, warning = build(make_app, srcdir)
    assert counted_checks == ["clean.rst"]
    # typo.rst, pairs.rst and escape.rst were not re-read: their findings
    # are reported again and still fail the build.
    assert entrydoc_warnings(second, warning) == BROKEN
    assert BROKEN_SUMMARY in log_of(warning)
    assert second.statuscode == 1


def test_fixing_a_document_clears_its_findings(make_app, sphinx_test_tempdir, rootdir):
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-broken", "entrydoc-fixed")
    build(make_app, srcdir, freshenv=True)
    typo = srcdir / "typo.rst"
    text = typo.read_text(encoding="utf-8").replace("irqentry_nmi_exti(", "irqentry_nmi_exit(")
    typo.write_text(text.replace("irqentry_nmi_exit(regs);", "irqentry_nmi_exit(regs, state);"),
                    encoding="utf-8")
    touch_later(typo)
    app, warning = build(make_app, srcdir)
    assert entrydoc_warnings(app, warning) == {w for w in BROKEN if w[0] != "typo"}
    assert "entrydoc: 4 error(s) in 2 document(s)" in log_of(warning)


# -- the project's own stubs ------------------------------------------------------

def test_project_stubs_select_and_check_and_are_dependencies(make_app, sphinx_test_tempdir, rootdir,
                                                               counted_checks):
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-stubs", "entrydoc-stubs")
    app, warning = build(make_app, srcdir, freshenv=True)
    # The page calls only a function of stubs/myarch.h: chosen by "auto", clean.
    assert counted_checks == ["index.rst"]
    assert entrydoc_warnings(app, warning) == set()
    assert app.statuscode == 0

    # A second parameter in the header breaks the page: Sphinx re-reads it
    # because the header is a dependency of every checked document.
    header = srcdir / "stubs" / "myarch.h"
    header.write_text(header.read_text().replace("*regs);", "*regs, unsigned long dr6);"))
    touch_later(header)
    counted_checks.clear()
    app, warning = build(make_app, srcdir)
    assert counted_checks == ["index.rst"]
    assert entrydoc_warnings(app, warning) == {("index", 10, "ED102")}
    assert app.statuscode == 1


# -- without libclang, and without Sphinx ----------------------------------------

def test_without_libclang_one_warning_and_the_other_checks_run(tmp_path, rootdir):
    fake = tmp_path / "fake" / "clang"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no bindings here')\n")
    env = dict(os.environ, PYTHONPATH=f"{fake.parent}{os.pathsep}{ROOT}")
    out = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html",
                          str(rootdir / "test-entrydoc-broken"), str(tmp_path / "out")],
                         capture_output=True, text=True, env=env)
    log = _ANSI.sub("", out.stderr)
    assert "Traceback" not in log
    assert sum("libclang" in line for line in log.splitlines()) == 1, log
    assert "pip install libclang" in log
    # The markup check needs no compiler: the escape in a '::' block is found.
    assert re.search(r"escape\.rst:8: WARNING: ED001 ", log)
    assert "entrydoc: 1 error(s) in 1 document(s)" in log
    assert out.returncode == 1


def test_importing_the_package_loads_neither_sphinx_nor_libclang():
    code = ("import sys, sphinx_entrydoc; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'clang')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr


# -- hostile documents: supervised compiling -------------------------------------------

def test_a_compiler_bomb_costs_its_document_an_ed107_and_the_build_goes_on(make_app, sphinx_test_tempdir,
                                                                          rootdir):
    """bomb.rst's six macro lines expand to 8^16 terms; conf.py sets
    entrydoc_timeout = 10.  The worker is stopped (time or memory limit),
    the other documents are checked, the build fails without a traceback."""
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-hostile", "entrydoc-hostile")
    app, warning = build(make_app, srcdir, freshenv=True)
    found = entrydoc_warnings(app, warning)
    assert found == {("bomb", 1, "ED107"), ("typo", 16, "ED101")}
    bomb = next(l for l in log_of(warning).splitlines() if "ED107" in l)
    assert "this document was not checked" in bomb
    assert "entrydoc: 2 error(s) in 2 document(s)" in log_of(warning)
    assert "Traceback" not in log_of(warning)
    assert app.statuscode == 1


def test_the_bomb_build_from_the_command_line_ends_non_zero_within_a_minute(rootdir, tmp_path):
    out = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html",
                          str(rootdir / "test-entrydoc-hostile"), str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=ROOT))
    log = _ANSI.sub("", out.stderr)
    assert re.search(r"bomb\.rst:1: WARNING: ED107 this document was not checked", log), log
    assert re.search(r"typo\.rst:16: WARNING: ED101 ", log)
    assert "Traceback" not in log and "Extension error" not in log
    assert out.returncode == 1


@pytest.mark.parametrize("fault,words", [("hang", "longer than the 2 s")])
def test_a_hang_or_crash_in_sphinx_is_ed107(make_app, sphinx_test_tempdir, rootdir, monkeypatch, fault, words):
    monkeypatch.setenv("ENTRYDOC_FAULT", f"{fault}:run_nmi_handlers")
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-broken", f"entrydoc-{fault}")
    app, warning = build(make_app, srcdir, freshenv=True, confoverrides={"entrydoc_timeout": 2})
    found = entrydoc_warnings(app, warning)
    assert found == {w for w in BROKEN if w[0] != "typo"} | {("typo", 1, "ED107")}
    assert words in next(l for l in log_of(warning).splitlines() if "ED107" in l)
    assert app.statuscode == 1


def test_one_worker_checks_every_document_of_a_build(make_app, sphinx_test_tempdir, rootdir, monkeypatch):
    from sphinx_entrydoc import workers
    started = []
    original = workers._Worker.__init__

    def counting(self, *args, **kwargs):
        started.append(os.getpid())
        original(self, *args, **kwargs)

    monkeypatch.setattr(workers._Worker, "__init__", counting)
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-broken", "entrydoc-one-worker")
    app, warning = build(make_app, srcdir, freshenv=True)
    assert entrydoc_warnings(app, warning) == BROKEN
    assert len(app.env.entrydoc_findings) >= 4   # documents checked
    assert started == [os.getpid()]


def test_a_serial_build_reads_on_while_the_worker_compiles(make_app, sphinx_test_tempdir, rootdir, monkeypatch):
    # No document waits for its own check: each is queued, and the findings
    # are all collected by env-updated, before the environment is saved.
    from sphinx_entrydoc import workers
    waited, queued = [], []
    original_run, original_submit = workers.Supervisor.run, workers.Supervisor.submit

    def run(self, *args):
        waited.append(args)
        return original_run(self, *args)

    def submit(self, *args):
        queued.append(args)
        return original_submit(self, *args)
    monkeypatch.setattr(workers.Supervisor, "run", run)
    monkeypatch.setattr(workers.Supervisor, "submit", submit)
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-broken", "entrydoc-queued")
    app, warning = build(make_app, srcdir, freshenv=True)
    assert entrydoc_warnings(app, warning) == BROKEN and BROKEN_SUMMARY in log_of(warning)
    assert waited == [] and len(queued) == len(app.env.entrydoc_findings) >= 4
    # A trace is part of its document's doctree: that document waits.
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-broken", "entrydoc-queued-trace")
    app, warning = build(make_app, srcdir, freshenv=True, confoverrides={"entrydoc_trace": True})
    assert entrydoc_warnings(app, warning) == BROKEN
    assert len(waited) == len(app.env.entrydoc_findings)


@pytest.mark.parametrize("name,value", [("entrydoc_timeout", float("nan")), ("entrydoc_timeout", 1e10),
                                        ("entrydoc_memory_limit", "lots")])
def test_bad_limits_are_config_errors(make_app, sphinx_test_tempdir, rootdir, name, value):
    from sphinx.errors import ConfigError
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-clean", "entrydoc-bad-limit")
    with pytest.raises(ConfigError, match=name):
        make_app("html", srcdir=srcdir, confoverrides={name: value})


# -- a source tree that is not one -----------------------------------------------------------

def test_srctree_from_the_environment_that_is_no_kernel_tree_is_one_warning_and_checks_go_on(
        make_app, sphinx_test_tempdir, rootdir, monkeypatch, tmp_path):
    monkeypatch.setenv("srctree", str(tmp_path))   # what the kernel's Makefile exports
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-broken", "entrydoc-bad-srctree")
    app, warning = build(make_app, srcdir, freshenv=True)
    log = log_of(warning)
    assert sum("is it a kernel source tree?" in l for l in log.splitlines()) == 1, log
    assert "checked without a source tree" in log
    assert entrydoc_warnings(app, warning) == BROKEN
    assert app.statuscode == 1


def test_a_configured_srctree_that_is_no_kernel_tree_is_a_config_error(make_app, sphinx_test_tempdir, rootdir,
                                                                        tmp_path):
    from sphinx.errors import ConfigError
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-clean", "entrydoc-bad-srctree-conf")
    with pytest.raises(ConfigError, match="is it a kernel source tree"):
        make_app("html", srcdir=srcdir, confoverrides={"entrydoc_srctree": str(tmp_path)})


# -- one notion of a line (read.py; see test_lines.py for the CLI) ----------------

def _lines_build(make_app, sphinx_test_tempdir, rootdir, name, text):
    srcdir = fresh_copy(sphinx_test_tempdir, rootdir, "entrydoc-lines", name)
    with open(os.path.join(str(srcdir), "index.rst"), "wb") as handle:
        handle.write(text.encode("utf-8"))
    app, warning = build(make_app, srcdir, freshenv=True)
    return entrydoc_warnings(app, warning)


def test_line_characters_never_hide_or_move_a_finding_in_sphinx(make_app, sphinx_test_tempdir, rootdir):
    """Each character at several places of one document (a snippet line's
    end and middle, a paragraph, a '::' block): Sphinx reports exactly what it
    reports with spaces there.  It used to report nothing for those blocks."""
    from test_lines import DOCUMENT, INSIDE_A_LINE
    spots = [DOCUMENT.index("irq_enter_rcu();") + len("irq_enter_rcu();"),
             DOCUMENT.index("run_irq_handler(regs);"),
             DOCUMENT.index("exti()") + 7,
             DOCUMENT.index("irqentry_nmi_enter(regs);") + len("irqentry_nmi_enter(regs);")]
    def put(char):
        text = DOCUMENT
        for spot in sorted(spots, reverse=True):
            text = text[:spot] + char + text[spot:]
        return text
    expected = _lines_build(make_app, sphinx_test_tempdir, rootdir, "lines-space", put(" "))
    assert {c for _, _, c in expected} >= {"ED001", "ED102", "ED201", "ED301", "ED501"}
    for char in INSIDE_A_LINE:
        got = _lines_build(make_app, sphinx_test_tempdir, rootdir, f"lines-{ord(char):x}", put(char))
        assert got == expected, repr(char)


def test_line_characters_anywhere_in_sphinx(make_app, sphinx_test_tempdir, rootdir):
    """The property of test_lines.py, through Sphinx: a few random places."""
    from hypothesis import HealthCheck, given, settings, strategies as st
    from test_lines import DOCUMENT, INSIDE_A_LINE, spaced

    @settings(max_examples=5, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(position=st.integers(0, len(DOCUMENT)), char=st.sampled_from(INSIDE_A_LINE + ["\r"]))
    def prop(position, char):
        got = _lines_build(make_app, sphinx_test_tempdir, rootdir, "lines-any",
                           DOCUMENT[:position] + char + DOCUMENT[position:])
        assert got == _lines_build(make_app, sphinx_test_tempdir, rootdir, "lines-any-space",
                                   spaced(DOCUMENT, position, char))
    prop()


def test_fail_on_values_are_the_severities_of_findings():
    from sphinx_entrydoc.findings import ERROR, WARNING
    assert sphinxext.FAILING_SEVERITIES == {"error": (ERROR,), "warning": (ERROR, WARNING), "never": ()}


NO_CHANGE_BUILD = """
import sys
from sphinx.cmd.build import main
status = main(["-q", "-b", "html", "-D", "entrydoc_fail_on=" + sys.argv[3], sys.argv[1], sys.argv[2]])
print(" ".join(sorted(m for m in sys.modules if m.startswith("sphinx_entrydoc"))))
sys.exit(status)
"""


@pytest.mark.parametrize("fail_on", ["never", "error"])
def test_a_build_that_changes_nothing_loads_only_the_settings(tmp_path, rootdir, fail_on):
    """A kernel tree's no-change build must cost next to nothing: the
    findings kept from the last build (the broken root has them, none of
    which fails the build when suppressed) are re-reported from plain data,
    without the finding model, the checker or the compiler."""
    srcdir = tmp_path / "src"
    shutil.copytree(str(rootdir / "test-entrydoc-broken"), str(srcdir))
    with open(srcdir / "conf.py", "a") as conf:
        conf.write("\nsuppress_warnings = ['entrydoc']\n")
    out = tmp_path / "html"

    def build():
        return subprocess.run([sys.executable, "-c", NO_CHANGE_BUILD, str(srcdir), str(out), fail_on],
                              capture_output=True, text=True, timeout=300)
    first = build()
    assert first.returncode == 0, first.stderr
    assert "sphinx_entrydoc.check" in first.stdout.split()   # it did check documents
    again = build()
    assert again.returncode == 0, again.stderr
    assert set(again.stdout.split()) == {"sphinx_entrydoc", "sphinx_entrydoc._version", "sphinx_entrydoc.config",
                                         "sphinx_entrydoc.errors", "sphinx_entrydoc.kversion",
                                         "sphinx_entrydoc.rst", "sphinx_entrydoc.sphinxext"}


KEPT_BUILD = """
import dataclasses, sys
from sphinx.cmd.build import main
status = main(["-q", "-E", "-b", "html", sys.argv[1], sys.argv[2]])
print("left" if "exec" in vars(dataclasses) else "released")
sys.exit(status)
"""


def test_sphinx_keeps_the_core_s_compiled_patterns_and_finds_the_same(tmp_path, rootdir):
    """What the core's modules compile as Sphinx's process first loads them
    is kept (recache.import_hosted), written once, and changes no finding;
    dataclasses gets its own exec back before any document is checked."""
    env = dict(os.environ, SPHINX_ENTRYDOC_CACHE_DIR=str(tmp_path / "cache"))

    def build():
        return subprocess.run([sys.executable, "-c", KEPT_BUILD, str(rootdir / "test-entrydoc-broken"),
                               str(tmp_path / "html")], capture_output=True, text=True, timeout=300, env=env)

    def kept():
        return {p.name: p.stat().st_mtime_ns for p in (tmp_path / "cache" / "compiled").glob("sphinx-*")}
    first = build()
    assert first.stdout.split() == ["released"] and "ED" in first.stderr
    assert len(kept()) == 2
    # The first build also made the stub model's cache, importing some of
    # the core outside the kept imports; from the second on, all is kept.
    for _ in range(2):
        written = kept()
        again = build()
        assert (again.stdout, again.stderr, again.returncode) == (first.stdout, first.stderr, first.returncode)
    assert kept() == written


@pytest.mark.parametrize("encoding", ["utf-8-sig", None])
def test_the_file_is_read_again_exactly_when_docutils_splits_its_lines(tmp_path, encoding):
    """source-read re-reads a document for the form feeds and the like only
    where the installed docutils' FileInput takes them for line ends (this
    runs against the oldest Sphinx and docutils too, tests/sphinx_matrix.sh)."""
    from docutils.io import FileInput
    path = tmp_path / "doc.rst"
    path.write_bytes("one\x0ctwo\u2028three\n".encode())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = FileInput(source_path=str(path), encoding=encoding).read()
    assert ("\x0c" not in text) == sphinxext._reader_splits_lines(encoding)
