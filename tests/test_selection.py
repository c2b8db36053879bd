"""Issue "Real kernel documentation", point 1, and the performance issue's
cheap scan: one selection of documents for every front end, and a text scan
that never skips a document the full selection would check."""
import os
import subprocess
import sys

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT
from sphinx_entrydoc.check import check_document
from sphinx_entrydoc.config import Config
from sphinx_entrydoc.extract import extract
from sphinx_entrydoc.read import Source
from sphinx_entrydoc.rst import parse_rst
from sphinx_entrydoc.selection import (NO_ENTRY_CALL, SCAN, Selection, decide, model_for, scan)
from sphinx_entrydoc.stubs import load_api

ENTRY = """Entry
=====

.. code-block:: c

	noinstr void handler(struct pt_regs *regs)
	{
		irqentry_state_t state = irqentry_enter(regs);
		irqentry_exit(regs, state);
	}
"""
MISSPELT_ONLY = """Entry, misspelt
===============

The only entry call below is misspelt: this is still an entry document.

.. code-block:: c

	noinstr void handler(struct pt_regs *regs)
	{
		irqentry_exti(regs, state);
	}
"""
RCU = """RCU lists
=========

Readers call rcu_read_lock() and rcu_read_unlock()::

	rcu_read_lock();
	list_for_each_entry_rcu(p, &head, list) {
		do_something_with(p);
	}
	rcu_read_unlock();
"""
PROSE_ONLY = """Prose
=====

irq_enter() is named here, but no C snippet calls it.
"""
IRQ_SAFE_LOCKING = """Interrupt-safe locking
======================

A driver that shares data with its interrupt handler::

	local_irq_disable();
	update_the_shared_counter(dev);
	local_irq_enable();
	synchronize_irq(dev->irq);
"""
OPT_IN = """Opted in
========

.. entrydoc::

Some prose with made_up_helper().
"""
OPTED_OUT = ENTRY.replace("Entry\n=====\n", "Entry\n=====\n\n.. entrydoc::\n   :check: no\n")


def decision(text, documents=("auto",), path="doc.rst"):
    _, document = check_document(Source(path, text), Config(documents=documents))
    return document.decision


def test_auto_checks_entry_documents_and_skips_the_others():
    assert decision(ENTRY).check
    assert decision(OPT_IN).check
    for text in (RCU, PROSE_ONLY, OPTED_OUT):
        assert not decision(text).check


def test_general_kernel_primitives_the_model_declares_do_not_make_an_entry_document():
    # local_irq_*() and synchronize_irq() are declared (ENTRYDOC_COMMON) so
    # entry code calling them is checked, but every driver document calls them.
    api = load_api()
    assert api.functions["local_irq_disable"].common and api.functions["synchronize_irq"].common
    assert not api.functions["irqentry_enter"].common
    chosen = decision(IRQ_SAFE_LOCKING)
    assert not chosen.check and chosen.reason == SCAN
    assert not decision(IRQ_SAFE_LOCKING, ("all",)).entry_style


def test_a_document_whose_only_entry_call_is_misspelt_is_selected():
    chosen = decision(MISSPELT_ONLY)
    assert chosen.check and chosen.reason == "calls irqentry_exti()"
    findings, _ = check_document(Source("d.rst", MISSPELT_ONLY), Config())
    assert "ED101" in [f.code for f in findings]


def test_reasons_tell_the_scan_from_the_full_decision():
    # The prose names irq_enter(), so the text scan cannot rule the document
    # out; the parse shows that no C snippet calls it.
    assert decision(PROSE_ONLY).reason == NO_ENTRY_CALL
    assert decision(RCU).reason == SCAN


def test_all_opt_in_and_globs():
    assert decision(RCU, ("all",)).check
    assert not decision(ENTRY, ("opt-in",)).check
    assert decision(OPT_IN, ("opt-in",)).check
    assert decision(RCU, ("auto", "rcu/*"), path="rcu/lists.rst").check
    assert decision(RCU, ("auto", "*/lists"), path="Documentation/rcu/lists.rst").check
    assert not decision(ENTRY, ("all", "!drafts/*"), path="drafts/entry.rst").check
    assert not decision(OPTED_OUT, ("all",)).check


def test_entry_style_is_decided_whatever_selects_the_document():
    assert decision(ENTRY, ("all",)).entry_style
    assert not decision(RCU, ("all",)).entry_style


def test_selection_parses_keywords_and_globs():
    selection = Selection.parse(["auto", "core-api/*", "!core-api/drafts/*"])
    assert selection.auto and selection.includes("core-api/entry")
    assert selection.excludes("core-api/drafts/x.rst")


# -- the command line ------------------------------------------------------------

def lint(*args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "sphinx_entrydoc", "lint", "--no-cache", *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_lint_counts_what_it_skipped_and_why(tmp_path):
    (tmp_path / "entry.rst").write_text(MISSPELT_ONLY)
    (tmp_path / "rcu.rst").write_text(RCU)
    (tmp_path / "prose.rst").write_text(PROSE_ONLY)
    out = lint("--stats", ".", cwd=tmp_path)
    assert out.returncode == 1 and "entry.rst:10:3: ED101" in out.stdout
    assert "1 document(s) checked" in out.stderr and ", 2 skipped" in out.stderr
    assert (f"documents: 1 checked, 2 skipped (1: {NO_ENTRY_CALL}; 1: {SCAN})") in out.stderr


def test_documents_option_and_pyproject_key(tmp_path):
    (tmp_path / "entry.rst").write_text(ENTRY)
    (tmp_path / "opt.rst").write_text(OPT_IN)
    out = lint("--documents", "opt-in", "--stats", ".", cwd=tmp_path)
    assert "documents: 1 checked, 1 skipped" in out.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.sphinx-entrydoc]\ndocuments = ["all", "!opt*"]\n')
    out = lint("--stats", ".", cwd=tmp_path)
    assert "documents: 1 checked, 1 skipped (1: excluded by a !GLOB)" in out.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.sphinx-entrydoc]\ndocuments = 3\n')
    out = lint(".", cwd=tmp_path)
    assert out.returncode == 2 and "documents" in out.stderr and out.stderr.count("\n") == 1


def test_check_patch_selects_the_same_way(tmp_path):
    patch = ("diff --git a/Documentation/rcu.rst b/Documentation/rcu.rst\nnew file mode 100644\n"
             "--- /dev/null\n+++ b/Documentation/rcu.rst\n@@ -0,0 +1,4 @@\n"
             "+T\n+=\n+\n+Readers call foo_bar_baz_qux() here.\n")
    (tmp_path / "p.diff").write_text(patch)
    env = dict(os.environ, PYTHONPATH=ROOT)
    run = [sys.executable, "-m", "sphinx_entrydoc", "check-patch", "--no-cache", "--select", "ED5", "p.diff"]
    auto = subprocess.run(run, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert auto.stdout == ""
    every = subprocess.run(run + ["--documents", "all"], capture_output=True, text=True, cwd=tmp_path,
                           env=env, timeout=120)
    # Checked, but not entry-style: an unknown name is no warning there.
    assert every.stdout == "" and every.returncode == 0


# -- the text scan against the full selection ----------------------------------------

MODEL_NAMES = ["irqentry_enter", "irqentry_exit", "irq_enter_rcu", "instrumentation_begin",
               "syscall_enter_from_user_mode"]
SLIPS = ["irqentry_exti", "irqenttry_enter", "irq_enter_rcuu", "instrumentation_begni"]
OTHERS = ["rcu_read_lock", "call_srcu", "list_add_rcu", "spin_lock", "this_cpu_inc", "DEFINE_SPINLOCK",
          "for_each_process", "kfree", "irqentry_exit_to_whatever", "unregister_irqentry_exit"]

names = st.sampled_from(MODEL_NAMES + SLIPS + OTHERS)
call = st.builds(lambda n, sp, arg: f"{n}{sp}({arg});", names, st.sampled_from(["", " ", "\t"]),
                 st.sampled_from(["", "regs", "&p->list", "..."]))
code_line = st.one_of(call, st.sampled_from(["...", "{", "}", "int x = 1;", "if (x) {", "\t[...]",
                                             "1  foo();", "/* irqentry_enter( */"]))
block_body = st.lists(code_line, min_size=1, max_size=6)


@st.composite
def block(draw):
    body = draw(block_body)
    indent = draw(st.sampled_from(["\t", "   ", "  \t"]))
    form = draw(st.sampled_from(["::", ".. code-block:: c", ".. code-block:: none", ".. code-block::",
                                 ".. entrydoc-code-block:: c", ".. highlight:: none\n\n::",
                                 ".. literalinclude:: x.c\n\n::"]))
    intro = draw(st.sampled_from(["Example", "Then", "See irqentry_enter() and"]))
    head = f"{intro}::" if form == "::" else f"{intro}.\n\n{form}"
    return head + "\n\n" + "\n".join(indent + line for line in body) + "\n"


@st.composite
def document(draw):
    parts = ["Title\n=====\n"]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["prose", "block", "block", "directive"]))
        if kind == "prose":
            parts.append(f"Prose naming {draw(names)}() and ``{draw(names)}()``.\n")
        elif kind == "directive":
            parts.append(draw(st.sampled_from([".. entrydoc::\n", ".. entrydoc::\n   :check: no\n",
                                               ".. note::\n\n   ``irq_enter_rcu()``\n"])))
        else:
            parts.append(draw(block()))
    return "\n".join(parts)


REAL_LIKE = [ENTRY, MISSPELT_ONLY, RCU, PROSE_ONLY, OPT_IN, OPTED_OUT]


def _full(text, model):
    doctree = parse_rst(text, "doc.rst")
    return decide("doc.rst", extract(Source("doc.rst", text), doctree), Selection.parse("auto"), model).check


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_the_scan_never_skips_a_document_the_full_selection_checks(text):
    model = model_for(load_api(()))
    if not scan(text, model):
        assert not _full(text, model), text


def test_the_scan_on_real_like_documents():
    model = model_for(load_api(()))
    for text in REAL_LIKE:
        assert scan(text, model) or not _full(text, model)
    assert not scan(RCU, model)     # what the scan is for: most documents are never parsed
