"""Issue "Standalone lint CLI", item 5: --fix and --diff."""
import io
import os
import stat
import sys

import pytest

from sphinx_entrydoc import cli, fix
from sphinx_entrydoc.check import check_source
from sphinx_entrydoc.config import Config
from sphinx_entrydoc.read import read_source

FIXED_CODES = "ED001,ED002,ED101,ED501"

# One fixable defect of each kind, one that has no fix (ED102), CRLF line
# ends, tabs, and a non-ASCII character that must survive.
DRAFT = (
    "Entry notes \u2014 draft\r\n"
    "=====================\r\n"
    "\r\n"
    "The NMI handler is entered through a noinstr function::  \r\n"
    "\r\n"
    "  noinstr void arch_nmi_handler(struct pt_regs \\*regs)\r\n"
    "  {\r\n"
    "  \tirqentry_state_t state = irqentry_nmi_enter(regs);\r\n"
    "\r\n"
    "  \tirqentry_nmi_exti(regs, state);\t\r\n"
    "  \tirqentry_nmi_exit(regs);\r\n"
    "  }\r\n"
    "\r\n"
    "irqentry_nmi_entre() saves the state.\r\n"
)
EXPECTED = (DRAFT.replace("noinstr function::  \r\n", "noinstr function::\r\n")
            .replace("pt_regs \\*regs", "pt_regs *regs")
            .replace("irqentry_nmi_exti(regs, state);\t\r\n", "irqentry_nmi_exit(regs, state);\r\n")
            .replace("irqentry_nmi_entre() saves", "irqentry_nmi_enter() saves"))


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        status = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return status, out, err
    return invoke


def draft(tmp_path, data=DRAFT.encode("utf-8"), mode=0o640, name="draft.rst"):
    path = tmp_path / name
    path.write_bytes(data)
    os.chmod(path, mode)
    return path


def findings_of(path, select=None):
    return check_source(read_source(str(path)), Config(select=tuple(select.split(",")) if select else ()))


def test_fix_changes_only_the_fixed_spans(run, tmp_path):
    path = draft(tmp_path)
    status, out, err = run("lint", "--fix", "--no-cache", "draft.rst")
    assert path.read_bytes() == EXPECTED.encode("utf-8")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert findings_of(path, FIXED_CODES) == []
    # What was changed is said, one line per fix, and what remains is reported.
    assert sorted(l.split(": ")[1].split()[0] for l in err.splitlines() if l.startswith("fixed ")) == \
        ["ED001", "ED002", "ED002", "ED101", "ED501"]
    assert "fixed draft.rst:6:48: ED001 replace '\\*' with '*'" in err
    # ED102 has no fix; ED303 shows once the typo no longer hides the
    # second exit.  Positions are those of the fixed file.
    assert [l.split()[1] for l in out.splitlines() if l.startswith("draft.rst")] == ["ED102", "ED303"]
    assert out.startswith("draft.rst:11:4: ED102")
    assert status == 1


def test_fix_keeps_encoding_and_byte_order_mark(run, tmp_path):
    text = ".. -*- coding: latin-1 -*-\n\nCaf\u00e9 notes\n==========\n\nirqentry_nmi_entre() saves it.  \n"
    path = draft(tmp_path, text.encode("latin-1"))
    run("lint", "--documents", "all", "--fix", "draft.rst")
    assert path.read_bytes() == text.replace("entre", "enter").replace("it.  ", "it.").encode("latin-1")
    bom = "\ufeffT\n=\n\nirqentry_nmi_entre() saves it.\n"
    path = draft(tmp_path, bom.encode("utf-8"))
    run("lint", "--documents", "all", "--fix", "draft.rst")
    assert path.read_bytes() == bom.replace("entre", "enter").encode("utf-8")


def test_fix_through_a_symlink_rewrites_the_target(run, tmp_path):
    target = draft(tmp_path, name="real.rst")
    os.symlink("real.rst", tmp_path / "link.rst")
    run("lint", "--fix", "link.rst")
    assert os.path.islink(tmp_path / "link.rst")
    assert target.read_bytes() == EXPECTED.encode("utf-8")


def test_diff_shows_the_fixes_and_writes_nothing(run, tmp_path):
    path = draft(tmp_path)
    status, out, err = run("lint", "--diff", "draft.rst")
    assert path.read_bytes() == DRAFT.encode("utf-8")
    assert out.startswith("--- a/draft.rst\n+++ b/draft.rst\n")
    assert "-  noinstr void arch_nmi_handler(struct pt_regs \\*regs)\r\n" in out
    assert "+  noinstr void arch_nmi_handler(struct pt_regs *regs)\r\n" in out
    assert "5 fix(es) would be applied to 1 file(s)" in err
    assert status == 1


def test_diff_reads_standard_input_but_fix_refuses_it(run, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DRAFT.encode("utf-8"))))
    status, out, _ = run("lint", "--diff", "-")
    assert "+irqentry_nmi_enter() saves the state.\r\n" in out
    status, _, err = run("lint", "--fix", "-")
    assert status == 2 and "--fix cannot rewrite standard input" in err


def test_select_limits_what_is_fixed(run, tmp_path):
    path = draft(tmp_path)
    run("lint", "--fix", "--select", "ED002", "draft.rst")
    assert path.read_bytes() == DRAFT.replace("function::  \r\n", "function::\r\n") \
        .replace("state);\t\r\n", "state);\r\n").encode("utf-8")


def test_read_only_file_is_refused_and_left_intact(run, tmp_path):
    path = draft(tmp_path, mode=0o444)
    status, out, err = run("lint", "--fix", "draft.rst")
    assert path.read_bytes() == DRAFT.encode("utf-8")
    assert "sphinx-entrydoc: draft.rst: file is read-only; not fixed (left unchanged)" in err.splitlines()
    assert status == 2
    assert [n for n in os.listdir(tmp_path) if "entrydoc-fix" in n] == []


def test_file_changed_since_it_was_read_is_refused(tmp_path):
    path = draft(tmp_path)
    source = read_source(str(path))
    plan = fix.plan(source, check_source(source, Config()))
    path.write_bytes(DRAFT.encode("utf-8") + b"Someone else's edit.\r\n")
    with pytest.raises(fix.FixRefused, match="changed since it was read; not fixed"):
        fix.write(plan)
    assert path.read_bytes() == DRAFT.encode("utf-8") + b"Someone else's edit.\r\n"


def test_file_changed_while_being_fixed_is_refused(tmp_path, monkeypatch):
    path = draft(tmp_path)
    source = read_source(str(path))
    plan = fix.plan(source, check_source(source, Config()))
    real_fsync = os.fsync

    def another_writer(fd):
        # Between our last read and the rename, another editor saves.
        with open(path, "ab") as handle:
            handle.write(b"late edit\r\n")
        real_fsync(fd)
    monkeypatch.setattr(fix.os, "fsync", another_writer)
    with pytest.raises(fix.FixRefused, match="changed while it was being fixed"):
        fix.write(plan)
    assert path.read_bytes() == DRAFT.encode("utf-8") + b"late edit\r\n"
    assert sorted(os.listdir(tmp_path)) == ["draft.rst"]


def test_a_fix_whose_text_is_not_there_is_skipped(tmp_path):
    from sphinx_entrydoc.findings import Finding, Fix
    path = draft(tmp_path)
    source = read_source(str(path))
    stale = Finding(str(path), 7, 1, "ED001", "literal-block-escape", "error", "m",
                    fix=Fix(7, 1, "\\*", "*", "replace"))
    overlapping = Finding(str(path), 6, 48, "ED001", "literal-block-escape", "error", "m",
                          fix=Fix(6, 48, "\\*r", "*r", "replace"))
    good = Finding(str(path), 6, 48, "ED001", "literal-block-escape", "error", "m",
                   fix=Fix(6, 48, "\\*", "*", "replace"))
    plan = fix.plan(source, [stale, good, overlapping])
    assert [a.finding for a in plan.applied] == [overlapping]
    reasons = sorted(reason for _, reason in plan.skipped)
    assert reasons == ["expected '\\\\*' at 7:1, found '  '", "it overlaps another fix on the same line"]


def test_trailing_whitespace_is_a_finding_with_a_fix():
    from conftest import lint
    (finding,) = lint("Title\n=====\n\nText. \t\n")
    assert (finding.line, finding.column, finding.code, finding.severity) == (4, 6, "ED002", "style")
    assert (finding.fix.old, finding.fix.new) == (" \t", "")


# -- a rename is applied only where it is certain ------------------------------------

# Real kernel names, one edit or two from a name the stubs declare, that
# mean something else: renaming them reverses what the sentence says.
NOT_TYPOS = """\
Tracing callbacks
=================

Call unregister_ftrace_function() before the module goes away, and
reinit_completion() before waiting again.  call_srcu() is for sleepable
readers.  lockdep_unpin_lock() undoes lockdep_pin_lock(), and
page_pool_get_dma_addr() reads what page_pool_set_dma_addr() stored.
Entry code calls instrumentation_being() by mistake, and irqentry_nmi_exti() too.
"""
NAMES_OF_THE_DOCUMENT = {
    "register_ftrace_function": "unregister_ftrace_function",
    "init_completion": "reinit_completion",
    "call_rcu": "call_srcu",
    "lockdep_pin_lock": "lockdep_unpin_lock",
    "page_pool_set_dma_addr": "page_pool_get_dma_addr",
    "instrumentation_begin": "instrumentation_being",
    "irqentry_nmi_exit": "irqentry_nmi_exti",
}


def renames_of(path, known_names):
    """A typo finding with a fix for every close pair, as a too eager
    'did you mean' would make them, whatever the checks say today."""
    from sphinx_entrydoc.findings import Finding, Fix
    text = path.read_text()
    findings = []
    for new, old in NAMES_OF_THE_DOCUMENT.items():
        for number, line in enumerate(text.splitlines(), 1):
            column = line.find(old + "(") + 1
            if column:
                findings.append(Finding(str(path), number, column, "ED501", "unknown-name", "error",
                                        f"{old}() is not a known function; did you mean {new}()?",
                                        fix=Fix(number, column, old, new, f"rename {old}() to {new}()")))
    return findings


def test_a_rename_that_would_change_the_meaning_is_not_applied(tmp_path):
    from sphinx_entrydoc.stubs import load_api
    path = draft(tmp_path, NOT_TYPOS.encode("utf-8"))
    model = set(load_api().known_names()) | set(NAMES_OF_THE_DOCUMENT)
    plan = fix.plan(read_source(str(path)), renames_of(path, model), fix.KnownNames(model))
    assert [(a.fix.old, a.fix.new) for a in plan.applied] == [("irqentry_nmi_exti", "irqentry_nmi_exit")]
    assert sorted(reason for _, reason in plan.skipped) == [
        "renaming call_srcu() to call_rcu() is not certain: 'srcu' and 'rcu' differ by an affix ('s'), "
        "not by a typo",
        "renaming instrumentation_being() to instrumentation_begin() is not certain: 'being' is a word "
        "of its own, not a misspelling of 'begin'",
        "renaming lockdep_unpin_lock() to lockdep_pin_lock() is not certain: 'unpin' is a word of its "
        "own, not a misspelling of 'pin'",
        "renaming page_pool_get_dma_addr() to page_pool_set_dma_addr() is not certain: 'get' is a word "
        "of its own, not a misspelling of 'set'",
        "renaming reinit_completion() to init_completion() is not certain: 'reinit' and 'init' differ "
        "by an affix ('re'), not by a typo",
        "renaming unregister_ftrace_function() to register_ftrace_function() is not certain: "
        "'unregister' and 'register' differ by an affix ('un'), not by a typo",
    ]


class FakeTree:
    """A source tree that defines the given names."""

    def __init__(self, names):
        self.names = frozenset(names)

    def defines(self, name):
        return name in self.names

    def close_names(self, name):
        from sphinx_entrydoc.names import close_names
        return close_names(name, self.names)


@pytest.mark.parametrize("old, new, tree, doubt", [
    # The tree defines the name: it is no typo, whatever it looks like.
    ("irqentry_nmi_exti", "irqentry_nmi_exit", {"irqentry_nmi_exti"}, "irqentry_nmi_exti() is a known name"),
    # Another name of the tree is as close: which one was meant is a guess.
    ("irqentry_nmi_exti", "irqentry_nmi_exit", {"irqentry_nmi_exta"},
     "irqentry_nmi_exta() is as close to irqentry_nmi_exti() as irqentry_nmi_exit()"),
    # A closer name of the tree: the suggestion is not even the best one.
    ("irqentry_nmi_extt", "irqentry_nmi_exit", {"irqentry_nmi_ext"},
     "irqentry_nmi_ext() is as close to irqentry_nmi_extt() as irqentry_nmi_exit()"),
    ("irqentry_nmiexit", "irqentry_nmi_exit", set(), ""),          # an underscore slipped out
    ("irqentyr_exit", "irqentry_exit", set(), ""),                   # two letters swapped
    ("irqenttry_exit", "irqentry_exit", set(), ""),                  # a letter doubled
    ("irqentry_exi", "irqentry_exit", set(), ""),                    # the last letter dropped
    ("irqentry_exit_a", "irqentry_exit", set(), "irqentry_exit_a() and irqentry_exit() are made "
                                                "of different words"),
    ("irqentry_enter_from", "irqentry_exit", set(), "irqentry_exit() is not a typo away from "
                                                    "irqentry_enter_from()"),
])
def test_rename_certainty(old, new, tree, doubt):
    known = fix.KnownNames({"irqentry_nmi_exit", "irqentry_exit", "irqentry_nmi_enter"}, FakeTree(tree))
    assert fix.rename_doubt(old, new, known) == doubt


def test_fix_prints_every_name_it_changed(run, tmp_path):
    draft(tmp_path)
    status, out, err = run("lint", "--fix", "--no-cache", "draft.rst")
    renamed = sorted(l for l in err.splitlines() if l.startswith("renamed "))
    assert renamed == ["renamed irqentry_nmi_entre() -> irqentry_nmi_enter()",
                       "renamed irqentry_nmi_exti() -> irqentry_nmi_exit()"]


def test_diff_says_which_names_it_would_change(run, tmp_path):
    draft(tmp_path)
    status, out, err = run("lint", "--diff", "draft.rst")
    assert "would rename irqentry_nmi_exti() -> irqentry_nmi_exit()" in err.splitlines()
