"""Hostile snippets cost their document an ED107, in every front end, and
never hide findings, hang a run or take it down; limits are checked."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from sphinx_entrydoc import runner, workers

NOINSTR_CALL = "noinstr void f(void)\n{\n\tint y = (irq_enter_rcu(), 1) %s;\n\tirq_exit_rcu();\n}\n"
# libclang catches its own crash and makes no translation unit.
CRASH = "#pragma clang __debug crash\nnoinstr void f(void)\n{\n\tirq_enter_rcu();\n}\n"
ED201_AT_LINE_8 = "doc.rst:8:14: ED201 call to irq_enter_rcu() leaves .noinstr.text"


def document(code: str, title: str = "Entry") -> str:
    body = "".join(f"   {line}\n" if line else "\n" for line in code.splitlines())
    return f"{title}\n{'=' * len(title)}\n\n.. code-block:: c\n\n{body}"


def cli(*args, cwd, env=None, stdin=None):
    env = dict(os.environ, **(env or {}), PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "sphinx_entrydoc", *args], input=stdin,
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=180)


def lint(tmp_path, text, *options, env=None):
    (tmp_path / "doc.rst").write_text(text, encoding="utf-8")
    return cli("lint", "--no-cache", "--isolated", *options, "doc.rst", cwd=tmp_path, env=env)


# -- deep expressions: checked, or ED107; never silently nothing ----------------------

def test_a_thousand_term_expression_is_still_checked(tmp_path):
    # Python's recursion limit is 1,000: a recursive AST walk stopped short
    # here, inside a libclang callback that swallowed the RecursionError.
    out = lint(tmp_path, document(NOINSTR_CALL % ("+1" * 3000)))
    assert out.stdout.startswith(ED201_AT_LINE_8), out.stdout + out.stderr
    assert out.returncode == 1


def test_an_expression_too_deep_for_libclang_is_ed107(tmp_path):
    # 20,000 terms overflow libclang's own (C++) recursion: the worker dies.
    out = lint(tmp_path, document(NOINSTR_CALL % ("+1" * 20000)))
    assert out.stdout.startswith("doc.rst:1:1: ED107 this document was not checked: the checker crashed"), \
        out.stdout + out.stderr
    assert out.returncode == 1
    assert "Traceback" not in out.stderr


# -- compiler crashes ---------------------------------------------------------------------

def test_a_compiler_crash_is_ed107_not_an_internal_error(tmp_path):
    out = lint(tmp_path, document(CRASH))
    assert out.stdout.startswith("doc.rst:1:1: ED107 this document was not checked: the compiler crashed"), \
        out.stdout + out.stderr
    assert "internal error" not in out.stderr and "Traceback" not in out.stderr
    # libclang's crash report went to the worker's log, not the terminal.
    assert "crash detected" not in out.stderr
    assert out.returncode == 1


def test_a_memory_bomb_is_stopped_by_the_memory_limit(tmp_path):
    bomb = os.path.join(ROOT, "tests", "roots", "test-entrydoc-hostile", "bomb.rst")
    with open(bomb, encoding="utf-8") as handle:
        text = handle.read()
    out = lint(tmp_path, text, "--memory-limit", "256M")
    assert out.stdout.startswith("doc.rst:1:1: ED107 this document was not checked"), out.stdout + out.stderr
    assert "out of memory" in out.stdout or "memory limit" in out.stdout
    assert out.returncode == 1


# -- check-patch and --fix honour the limits and keep ED107 ------------------------------------

OLD_DOC = "Entry\n=====\n\nThe entry code is described here.\n"


def _patch(old: str, new: str) -> str:
    import difflib
    hunks = list(difflib.unified_diff(old.splitlines(True), new.splitlines(True)))[2:]
    return ("diff --git a/Documentation/entry.rst b/Documentation/entry.rst\n"
            "index 1d2e3f4..5a1b2c3 100644\n--- a/Documentation/entry.rst\n+++ b/Documentation/entry.rst\n"
            + "".join(hunks))


def test_check_patch_keeps_ed107_though_line_1_is_not_added(tmp_path):
    (tmp_path / "Documentation").mkdir()
    (tmp_path / "Documentation" / "entry.rst").write_text(OLD_DOC)
    new = OLD_DOC + "\n.. code-block:: c\n\n" + "".join(f"   {l}\n" for l in CRASH.splitlines())
    out = cli("check-patch", "--isolated", "--no-cache", "-", cwd=tmp_path, stdin=_patch(OLD_DOC, new))
    assert out.stdout.startswith("Documentation/entry.rst:1:1: ED107 "), out.stdout + out.stderr
    assert out.returncode == 1


def test_check_patch_honours_timeout(tmp_path):
    (tmp_path / "Documentation").mkdir()
    (tmp_path / "Documentation" / "entry.rst").write_text(OLD_DOC)
    new = OLD_DOC + "\n.. code-block:: c\n\n   void f(struct pt_regs *regs) { irqentry_enter(regs); pathological_case(); }\n"
    out = cli("check-patch", "--isolated", "--no-cache", "--timeout", "2", "-", cwd=tmp_path,
              stdin=_patch(OLD_DOC, new), env={"ENTRYDOC_FAULT": "hang:pathological_case"})
    assert out.stdout.startswith("Documentation/entry.rst:1:1: ED107 this document was not checked: "
                                 "checking took longer than the 2 s"), out.stdout + out.stderr
    assert out.returncode == 1


def test_the_recheck_after_fix_honours_timeout(tmp_path):
    # The fault only fires on the fixed text, in the re-check.
    text = document("noinstr void f(struct pt_regs *regs)\n{\n"
                    "\tirqentry_state_t state = irqentry_nmi_enter(regs);\n"
                    "\tirqentry_nmi_exti(regs, state);\n}\n")
    out = lint(tmp_path, text, "--fix", "--timeout", "2",
               env={"ENTRYDOC_FAULT": "hang:irqentry_nmi_exit(regs, state)"})
    assert "fixed doc.rst:9:5: ED101" in out.stderr, out.stderr
    assert out.stdout.startswith("doc.rst:1:1: ED107 this document was not checked: checking took longer "
                                 "than the 2 s"), out.stdout + out.stderr
    assert out.returncode == 1


# -- the limits are checked -----------------------------------------------------------------

@pytest.mark.parametrize("option,value", [
    ("--timeout", "nan"), ("--timeout", "inf"), ("--timeout", "1e10"), ("--timeout", "-1"),
    ("--memory-limit", "lots"), ("--memory-limit", "1M"), ("--memory-limit", "5X"),
])
def test_bad_limits_are_one_usage_error(tmp_path, option, value):
    out = lint(tmp_path, "Title\n=====\n", option, value)
    assert out.returncode == 2
    assert f"argument {option}: invalid value {value!r}: allowed values are" in out.stderr
    assert "Traceback" not in out.stderr and "OverflowError" not in out.stderr


@pytest.mark.parametrize("line,words", [
    ("timeout = nan", "invalid value nan for timeout"),
    ("timeout = inf", "invalid value inf for timeout"),
    ("timeout = 1e10", "invalid value 10000000000.0 for timeout"),
    ('memory-limit = "2T"', "invalid value '2T' for memory-limit"),
])
def test_bad_limits_in_pyproject_are_one_line(tmp_path, line, words):
    (tmp_path / "pyproject.toml").write_text(f"[tool.sphinx-entrydoc]\n{line}\n")
    (tmp_path / "doc.rst").write_text("Title\n=====\n")
    out = cli("lint", "--no-cache", "doc.rst", cwd=tmp_path)
    assert out.returncode == 2
    assert words in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_limits_parse():
    from sphinx_entrydoc.config import seconds, size
    assert seconds("2.5") == 2.5 and seconds(0) == 0.0
    assert size("512M") == 512 * 2 ** 20 and size("4G") == 4 * 2 ** 30 and size("0") == 0
    assert size(2 ** 31) == 2 ** 31 and size("2GiB") == 2 ** 31


def test_memory_limit_from_pyproject_reaches_the_worker(tmp_path):
    bomb = os.path.join(ROOT, "tests", "roots", "test-entrydoc-hostile", "bomb.rst")
    (tmp_path / "pyproject.toml").write_text('[tool.sphinx-entrydoc]\nmemory-limit = "256M"\n')
    with open(bomb, encoding="utf-8") as handle:
        (tmp_path / "doc.rst").write_text(handle.read())
    out = cli("lint", "--no-cache", "doc.rst", cwd=tmp_path)
    assert "out of memory" in out.stdout or "memory limit" in out.stdout, out.stdout + out.stderr


# -- the worker itself ----------------------------------------------------------------------

def test_one_worker_serves_task_after_task_and_is_replaced_only_when_it_dies():
    supervisor = workers.Supervisor(timeout=30, memory_limit=0)
    try:
        first = supervisor.run(_pid, None)
        second = supervisor.run(_pid, None)
        assert first == second and first[1] != os.getpid()
        assert supervisor.started == 1
        status, reason = supervisor.run(_die, None)
        assert status == "aborted" and "SIGKILL" in reason
        third = supervisor.run(_pid, None)
        assert third[1] != first[1] and supervisor.started == 2
    finally:
        supervisor.close()


def test_a_hung_task_is_stopped_at_the_timeout():
    supervisor = workers.Supervisor(timeout=1, memory_limit=0)
    try:
        status, reason = supervisor.run(_sleep, 600)
        assert status == "aborted" and "longer than the 1 s per-document limit" in reason
        assert supervisor.run(_pid, None)[0] == "ok"
    finally:
        supervisor.close()


def test_the_memory_limit_applies_in_the_worker():
    supervisor = workers.Supervisor(timeout=60, memory_limit=128 * 2 ** 20)
    try:
        assert supervisor.run(_allocate, 16 * 2 ** 20) == ("ok", True)
        status, reason = supervisor.run(_allocate, 1024 * 2 ** 20)
        assert status == "aborted" and "out of memory" in reason
    finally:
        supervisor.close()


def _pid(_):
    return "ok", os.getpid()


def _die(_):
    import signal
    os.kill(os.getpid(), signal.SIGKILL)


def _sleep(seconds):
    import time
    time.sleep(seconds)
    return "ok", None


def _allocate(size):
    return runner.guarded("-", lambda: len(bytearray(size)) == size)


# -- a source tree that is not one ------------------------------------------------------------

def test_cli_srctree_from_the_environment_that_is_no_kernel_tree_warns_and_checks(tmp_path):
    (tmp_path / "empty").mkdir()
    out = lint(tmp_path, document(NOINSTR_CALL % "+1"), env={"srctree": str(tmp_path / "empty")})
    assert out.stdout.startswith(ED201_AT_LINE_8), out.stdout + out.stderr
    warnings = [l for l in out.stderr.splitlines() if "is it a kernel source tree?" in l]
    assert len(warnings) == 1 and "checked without a source tree" in warnings[0]
    assert out.returncode == 1


def test_cli_explicit_srctree_that_is_no_kernel_tree_is_one_line_exit_2(tmp_path):
    (tmp_path / "empty").mkdir()
    out = lint(tmp_path, document(NOINSTR_CALL % "+1"), "--srctree", "empty")
    assert out.returncode == 2
    assert out.stderr.strip().endswith("is it a kernel source tree?") and out.stdout == ""


# -- workers started before the options are read -----------------------------------------

def _count_workers(monkeypatch):
    started = []
    original = workers._Worker.__init__

    def counting(self, stage, *args, **kwargs):
        started.append(stage)
        original(self, stage, *args, **kwargs)
    monkeypatch.setattr(workers._Worker, "__init__", counting)
    return started


def test_lint_checks_with_the_workers_it_forked_first_and_leaves_none(tmp_path, monkeypatch, capsys):
    from sphinx_entrydoc import cli
    started = _count_workers(monkeypatch)
    (tmp_path / "doc.rst").write_text(document(NOINSTR_CALL % ""), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["lint", "--isolated", "--cache-dir", str(tmp_path / "cache"), "doc.rst"]) == 1
    assert ED201_AT_LINE_8 in capsys.readouterr().out
    assert started == [workers.PREPARE, workers.FINISH]   # the prestarted pair, adopted
    assert workers._EARLY == {}
    # Served from the cache: the pair forked at the start is stopped unused.
    assert cli.main(["lint", "--isolated", "--cache-dir", str(tmp_path / "cache"), "doc.rst"]) == 1
    assert ED201_AT_LINE_8 in capsys.readouterr().out
    assert started == [workers.PREPARE, workers.FINISH] * 2 and workers._EARLY == {}


def test_a_usage_error_stops_the_prestarted_workers(monkeypatch, capsys):
    from sphinx_entrydoc import cli
    started = _count_workers(monkeypatch)
    with pytest.raises(SystemExit):
        cli.main(["lint", "--no-such-option"])
    assert len(started) == 2 and workers._EARLY == {}


def test_a_prestarted_worker_with_other_settings_is_not_taken():
    workers.prestart()
    try:
        workers.setup_prestarted(None, 0)
        early = dict(workers._EARLY)
        worker = workers.adopt(workers.FINISH, None, 64 * 2 ** 20)   # another memory limit
        try:
            assert worker is not early[workers.FINISH] and not early[workers.FINISH].process.is_alive()
        finally:
            worker.stop(kill=True)
    finally:
        workers.discard_prestarted()


# What each stage imports is the cold check's critical path: the parsing
# worker (docutils) should not load the compiler's modules, nor the
# compiling worker docutils, nor either typing (annotations only).
_STAGE_IMPORTS = r'''
import pickle, sys
from sphinx_entrydoc import runner
from sphinx_entrydoc.config import Config
from sphinx_entrydoc.read import read_source
stage = sys.argv[1]
runner.preload(stage)
task = (read_source(sys.argv[2]), Config())
if stage == "prepare":
    status, data = runner.prepare_one(task)
    sys.stdout.buffer.write(data)
else:
    status, findings = runner.finish_one((sys.stdin.buffer.read(), 1))
    print(",".join(f"{f.line}:{f.code}" for f in findings), file=sys.stderr)
loaded = {m.split(".")[0] if not m.startswith("sphinx_entrydoc") else m for m in sys.modules}
print(" ".join(sorted(loaded)), file=sys.stderr)
'''


def test_each_worker_loads_only_what_its_stage_needs(tmp_path):
    (tmp_path / "doc.rst").write_text(document(NOINSTR_CALL % ""), encoding="utf-8")

    def stage(name, given=b""):
        out = subprocess.run([sys.executable, "-c", _STAGE_IMPORTS, name, str(tmp_path / "doc.rst")], input=given,
                             capture_output=True, cwd=ROOT, check=True)
        return out.stdout, out.stderr.decode().split("\n")

    stage(workers.PREPARE)   # a first run makes the stub model (libclang) for the cache
    prepared, (parsed_modules, _) = stage(workers.PREPARE)
    parsed_modules = set(parsed_modules.split())
    assert "docutils" in parsed_modules
    assert not parsed_modules & {"clang", "typing", "sphinx_entrydoc.normalise", "sphinx_entrydoc.compile"}
    _, (found, compiled_modules, _) = stage(workers.FINISH, prepared)
    assert "8:ED201" in found.split(",")   # NOINSTR_CALL's: the prepared document arrived whole
    compiled_modules = set(compiled_modules.split())
    assert {"clang", "sphinx_entrydoc.normalise", "sphinx_entrydoc.compile"} <= compiled_modules
    assert not compiled_modules & {"docutils", "typing", "platform"}


# -- two snippets at a time: the last document in flight -------------------------------

def two_snippets(first: str, second: str) -> str:
    return document(first) + "\nMore\n----\n\n.. code-block:: c\n\n" + "".join(
        f"   {line}\n" if line else "\n" for line in second.splitlines())


def test_a_deep_expression_beside_another_snippet_is_checked_in_two_threads(tmp_path):
    # A run of one document compiles its snippets two at a time; the deep
    # one still gets its finding, and so does its neighbour.
    out = lint(tmp_path, two_snippets(NOINSTR_CALL % "", NOINSTR_CALL % ("+1" * 3000)))
    found = [line.split(" call to ")[0] for line in out.stdout.splitlines() if " call to " in line]
    assert found == ["doc.rst:8:14: ED201", "doc.rst:9:5: ED201", "doc.rst:19:14: ED201", "doc.rst:20:5: ED201"], \
        out.stdout + out.stderr
    assert out.returncode == 1


@pytest.mark.parametrize("crash_first", [True, False])
def test_a_crash_in_either_thread_is_ed107(tmp_path, crash_first):
    deep = NOINSTR_CALL % ("+1" * 20000)
    snippets = (deep, NOINSTR_CALL % "") if crash_first else (NOINSTR_CALL % "", deep)
    out = lint(tmp_path, two_snippets(*snippets))
    assert out.stdout.startswith("doc.rst:1:1: ED107 this document was not checked: the checker crashed"), \
        out.stdout + out.stderr
    assert "Traceback" not in out.stderr


def test_two_threads_keep_the_order_and_raise_the_first_failure():
    from sphinx_entrydoc.check import _in_two_threads
    assert _in_two_threads(lambda x: x * x, list(range(9))) == [x * x for x in range(9)]
    assert _in_two_threads(lambda x: x, [7]) == [7]

    def work(x):
        if x in (3, 5):
            raise ValueError(x)
        return x
    with pytest.raises(ValueError, match="3"):
        _in_two_threads(work, list(range(8)))


def test_two_threads_find_what_one_finds():
    import glob
    from sphinx_entrydoc import check
    from sphinx_entrydoc.config import Config
    from sphinx_entrydoc.read import read_source
    config = Config(documents=("all",), profile="review")
    paths = sorted(glob.glob(os.path.join(ROOT, "tests", "realdocs", "*.rst"))
                   + glob.glob(os.path.join(ROOT, "example_docs", "*", "*.rst")))
    compared = 0
    for path in paths:
        source = read_source(path)
        one, _ = check.finish(check.prepare(source, config), threads=1)
        two, document = check.finish(check.prepare(source, config), threads=2)
        assert two == one, path
        compared += len(document.c_snippets) > 1
    assert compared >= 10   # documents that did compile two snippets at a time


class _Busy:
    def __init__(self, task=None):
        self.task = task


def test_only_the_last_task_in_flight_compiles_in_two_threads(monkeypatch):
    import sphinx_entrydoc.settings as settings
    monkeypatch.setattr(settings, "available_cpus", lambda: 2)
    worker, other = _Busy(0), _Busy()
    idle = {workers.PREPARE: [], workers.FINISH: []}
    assert runner._last_in_flight(worker, [other, worker], idle)
    assert not runner._last_in_flight(worker, [_Busy(1), worker], idle)        # another document parses
    assert not runner._last_in_flight(worker, [other, worker], {**idle, workers.PREPARE: [(2, None)]})
    assert not runner._last_in_flight(worker, [other, worker], {**idle, workers.FINISH: [(2, b"")]})
    monkeypatch.setattr(settings, "available_cpus", lambda: 1)
    assert not runner._last_in_flight(worker, [other, worker], idle)          # no core to spare


def test_the_parsing_worker_warms_docutils_on_a_page_without_errors():
    # The warm-up page must exercise the parser, not its error paths.
    from sphinx_entrydoc.rst import parse_rst
    tree = parse_rst(runner.WARM_UP_TEXT, "<warm-up>")
    assert not [n for n in tree.findall() if n.tagname == "system_message"]
    kinds = {n.tagname for n in tree.findall()}
    assert {"literal_block", "bullet_list", "enumerated_list", "table", "note", "footnote"} <= kinds


def test_the_cycle_collector_is_paused_for_the_imports_and_frozen_at_the_forks():
    code = ("import gc\nfrom sphinx_entrydoc import cli, workers\n"
            "seen = []\n"
            "workers.prestart = lambda *a: seen.append(gc.isenabled())\n"
            "try:\n    cli.main(['lint', '--version'])\nexcept SystemExit:\n    pass\n"
            "print(seen, gc.isenabled())\n"
            "gc.disable(); workers._settle()\n"          # a worker, once it has loaded its stage
            "print(gc.isenabled(), gc.get_freeze_count() > 0)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split("\n")[1:3] == ["[False] True", "True True"], out.stdout + out.stderr   # after --version


_MAIN_IMPORTS = r'''
import atexit, sys
def show():
    loaded = {m.split(".")[0] if not m.startswith("sphinx_entrydoc") else m for m in sys.modules}
    print(" ".join(sorted(loaded)), file=sys.stderr)
atexit.register(show)
from sphinx_entrydoc.cli import main
sys.argv = ["sphinx-entrydoc"] + sys.argv[1:]
main()
'''


def test_the_front_end_loads_neither_stage_nor_what_only_other_outputs_need(tmp_path):
    # The front end's imports after the fork compete with both workers for
    # the cores: no parser, compiler, rule family, typing, or the URL
    # quoting only SARIF output needs.
    (tmp_path / "doc.rst").write_text(document(NOINSTR_CALL % ""), encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", _MAIN_IMPORTS, "lint", "--no-cache", "--isolated", "doc.rst"],
                         capture_output=True, text=True, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=ROOT))
    assert out.stdout.startswith(ED201_AT_LINE_8), out.stdout + out.stderr
    loaded = set(out.stderr.split())
    assert "sphinx_entrydoc.runner" in loaded
    assert not loaded & {"docutils", "clang", "typing", "urllib", "sphinx_entrydoc.rules",
                         "sphinx_entrydoc.compile", "sphinx_entrydoc.normalise"}, loaded
