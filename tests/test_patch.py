"""Issue "Standalone lint CLI", item 4: check-patch on format-patch, mbox and
git diff input; findings only on added lines, at new-file line numbers;
patch hygiene (ED701-ED703); the reply-style email format."""
import difflib
import io
import json
import re
import sys

import pytest

from sphinx_entrydoc import cli
from sphinx_entrydoc.config import Config
from sphinx_entrydoc.patch import apply_hunks, parse_diff, read_patches, review

DOC = "Documentation/core-api/nmi.rst"
INDEX = "Documentation/core-api/index.rst"
C_FILE = "kernel/entry/common.c"

# A new entry-style document with seeded defects; the comments say which
# finding each line must produce (line numbers of this text).
NEW_DOC = """\
.. SPDX-License-Identifier: GPL-2.0

=====================
NMI entry and exit
=====================

An NMI can hit any context, including the entry code itself. The state
that an NMI handler has to establish is updated in a strict order.

Low level code
--------------

The first C function of the NMI path is obviously not instrumentable::

  noinstr void arch_nmi_entry(struct pt_regs \\*regs)
  {
  	irqentry_state_t irq_state = irqentry_nmi_enter(regs);

  	instrumentation_begin();

  	handle_platform_nmi(regs);
  	instrumentation_end();
  	irqentry_nmi_exit(regs);
  }

The preemption count update on this path can not be traced.

Leaving the handler
-------------------

irqentry_nmi_exit() restores the state which irqentry_nmi_enter() saved
when the NMI occured. Code that calls irqentyr_enter() instead gets the
wrong state.\x20\x20\x20
"""
SEEDED = [
    (DOC, 13, 41, "ED601"),   # "obviously"
    (DOC, 15, 46, "ED001"),   # struct pt_regs \*regs in a '::' block
    (DOC, 22, 4, "ED603"),    # instrumentation_end() glued, begin padded
    (DOC, 23, 4, "ED102"),    # irqentry_nmi_exit(regs): too few arguments
    (DOC, 26, 42, "ED602"),   # "can not be traced"
    (DOC, 32, 14, "ED604"),   # "occured"
    (DOC, 32, 39, "ED501"),   # irqentyr_enter()
    (DOC, 33, 13, "ED702"),   # trailing whitespace added
]

# The index has defects of its own in the lines around the new entry: they
# are unchanged context, so they must not be reported.
OLD_INDEX = """\
=============
Core API docs
=============

Locking
=======

.. toctree::
   :maxdepth: 1

   locking
   refcount

The handlers obviously run first; see irqentyr_exit() for details.

Concurrency
===========

Nothing here yet.
"""
NEW_INDEX = OLD_INDEX.replace("for details.\n\n", """for details.

Low level entry and exit
========================

.. toctree::
   :maxdepth: 1

   nmi

""")
OLD_C = """\
// SPDX-License-Identifier: GPL-2.0

#include <linux/context_tracking.h>
#include <linux/entry-common.h>
#include <linux/highmem.h>

void unchanged(void) {  }
"""
NEW_C = OLD_C.replace("GPL-2.0\n\n", "GPL-2.0\n", 1)


def file_diff(path, old, new):
    """One file of a git diff, as git writes it (old None: a new file)."""
    header = [f"diff --git a/{path} b/{path}\n"]
    if old is None:
        header += ["new file mode 100644\n", "index 0000000..5a1b2c3\n", "--- /dev/null\n"]
    else:
        header += ["index 1d2e3f4..5a1b2c3 100644\n", f"--- a/{path}\n"]
    header.append(f"+++ b/{path}\n")
    hunks = list(difflib.unified_diff((old or "").splitlines(True), new.splitlines(True)))[2:]
    return "".join(header + hunks)


def format_patch(subject, *diffs, sha="0123456789abcdef0123456789abcdef01234567"):
    """A mail as git format-patch writes it."""
    return (f"From {sha} Mon Sep 17 00:00:00 2001\n"
            "From: Ada Writer <ada@example.org>\n"
            "Date: Tue, 7 Dec 2021 10:00:00 +0100\n"
            f"Subject: {subject}\n"
            "\n"
            "Describe how the NMI path establishes and restores its state.\n"
            "\n"
            "Signed-off-by: Ada Writer <ada@example.org>\n"
            "---\n"
            " (diffstat)\n"
            "\n" + "".join(diffs) + "-- \n2.34.1\n\n")


def docs_patch(index=True):
    diffs = [file_diff(DOC, None, NEW_DOC)]
    if index:
        diffs.append(file_diff(INDEX, OLD_INDEX, NEW_INDEX))
    diffs.append(file_diff(C_FILE, OLD_C, NEW_C))
    return format_patch("[PATCH] Documentation: describe the NMI entry path", *diffs)


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    def invoke(*args, patch=None, name="0001.patch"):
        if patch is not None:
            (tmp_path / name).write_text(patch, encoding="utf-8")
        status = cli.main(["check-patch", "--isolated", *map(str, args)])
        out, err = capsys.readouterr()
        return status, out, err
    return invoke


def found(out):
    return [(p, int(l), int(c), code) for p, l, c, code in
            re.findall(r"^(\S+?):(\d+):(\d+): (ED\d{3})", out, re.M)]


# -- the acceptance test -------------------------------------------------------------------

def test_seeded_defects_at_new_file_lines_and_nothing_on_context(run):
    status, out, err = run("--profile", "review", "0001.patch", patch=docs_patch())
    assert found(out) == sorted(SEEDED + [(C_FILE, 2, 1, "ED701")])
    assert "kernel/entry/common.c:2:1: ED701 [warning] unrelated whitespace-only change to " \
           "kernel/entry/common.c in a documentation patch; drop this hunk" in out
    assert INDEX not in out
    assert status == 1
    assert err.endswith("; 1 patch(es) checked against kernel v7.3\n")


def test_the_same_with_the_pre_image_in_the_working_tree(run, tmp_path):
    (tmp_path / "Documentation" / "core-api").mkdir(parents=True)
    (tmp_path / INDEX).write_text(OLD_INDEX)
    patches = read_patches("p", docs_patch().encode())
    reports, errors = review(patches, Config(profile="review"), tree=str(tmp_path))
    assert reports[0].rebuilt[INDEX].origin == "working tree"
    assert reports[0].rebuilt[INDEX].text == NEW_INDEX
    assert [(f.path, f.line, f.column, f.code) for f in reports[0].findings] == \
        sorted(SEEDED + [(C_FILE, 2, 1, "ED701")])


def test_the_index_rebuilt_from_its_hunk_alone_keeps_new_file_line_numbers(tmp_path):
    patches = read_patches("p", docs_patch().encode())
    reports, _ = review(patches, Config(), tree=str(tmp_path))
    rebuilt = reports[0].rebuilt[INDEX]
    assert rebuilt.origin == "hunks only"
    new_lines = NEW_INDEX.split("\n")
    for number, text in enumerate(rebuilt.text.split("\n")[:-1], 1):
        assert text in ("", new_lines[number - 1])
    assert "   nmi" in rebuilt.text.split("\n")


# -- hygiene -------------------------------------------------------------------------------

def test_new_document_not_in_any_toctree(run):
    status, out, _ = run("--select", "ED7", "0001.patch", patch=docs_patch(index=False))
    assert found(out) == [(DOC, 1, 1, "ED703"), (DOC, 33, 13, "ED702"), (C_FILE, 2, 1, "ED701")]
    assert "new document Documentation/core-api/nmi.rst is not added to any toctree in this patch; " \
           "list 'nmi' in the toctree of Documentation/core-api/index.rst" in out


@pytest.mark.parametrize("entry", ["   /core-api/nmi", "   NMI handling <nmi>", "   nmi.rst", "   n*"])
def test_toctree_entries_in_all_their_forms(run, entry):
    index = NEW_INDEX.replace("   nmi\n", entry + "\n")
    patch = format_patch("[PATCH] docs", file_diff(DOC, None, NEW_DOC), file_diff(INDEX, OLD_INDEX, index))
    assert "ED703" not in run("--select", "ED703", "0001.patch", patch=patch)[1]


def test_orphan_document_needs_no_toctree(run):
    patch = format_patch("[PATCH] docs", file_diff(DOC, None, ":orphan:\n\n" + NEW_DOC))
    assert "ED703" not in run("0001.patch", patch=patch)[1]


def test_whitespace_hunk_in_a_code_patch_is_not_hygiene_of_this_tool(run):
    patch = format_patch("[PATCH] entry: tidy", file_diff(C_FILE, OLD_C, NEW_C))
    status, out, _ = run("0001.patch", patch=patch)
    assert (status, out) == (0, "")


def test_code_change_outside_documentation_is_not_whitespace_only(run):
    patch = format_patch("[PATCH] docs", file_diff(DOC, None, ":orphan:\n\nText.\n"),
                         file_diff(C_FILE, OLD_C, OLD_C.replace("{  }", "{ return; }")))
    assert run("0001.patch", patch=patch)[1] == ""


# -- input forms ---------------------------------------------------------------------------

def test_series_in_one_mbox_reports_each_patch_on_its_own_lines(run):
    first = NEW_DOC.replace("irqentyr_enter", "irqentry_enter").replace("occured", "occurred") \
        .replace("state.   \n", "state.\n")
    second = first.replace("wrong state.\n", "wrong state.\n\nA handler obviously calls irqentry_nmi_exti().\n")
    mbox = (format_patch("[PATCH 1/2] docs: add the NMI document",
                         file_diff(DOC, None, first), file_diff(INDEX, OLD_INDEX, NEW_INDEX))
            + format_patch("[PATCH 2/2] docs: one more sentence", file_diff(DOC, first, second),
                           sha="89abcdef0123456789abcdef0123456789abcdef"))
    status, out, _ = run("--format", "json", "--profile", "review", "series.mbox", patch=mbox, name="series.mbox")
    data = json.loads(out)
    assert [p["subject"] for p in data["patches"]] == ["[PATCH 1/2] docs: add the NMI document",
                                                     "[PATCH 2/2] docs: one more sentence"]
    second_patch = [(f["line"], f["code"]) for f in data["findings"] if f["patch"] == 2]
    assert second_patch == [(35, "ED601"), (35, "ED501")] or second_patch == [(35, "ED501"), (35, "ED601")]
    first_patch = {f["code"] for f in data["findings"] if f["patch"] == 1}
    assert "ED501" not in first_patch and "ED703" not in first_patch
    assert data["summary"]["documents"] == 2


def test_plain_git_diff_and_standard_input(run, monkeypatch):
    diff = file_diff(DOC, None, NEW_DOC) + file_diff(INDEX, OLD_INDEX, NEW_INDEX)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(diff.encode())))
    status, out, _ = run("-")
    assert found(out) == [(DOC, 15, 46, "ED001"), (DOC, 23, 4, "ED102"), (DOC, 32, 39, "ED501"),
                          (DOC, 33, 13, "ED702")]


def test_mail_with_crlf_line_ends_and_quoted_printable_body(run):
    import quopri
    mail = docs_patch()
    head, body = mail.split("\n\n", 1)
    encoded = quopri.encodestring(body.encode()).decode()
    mail = head + "\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n" + encoded
    status, out, _ = run("--profile", "review", "0001.patch", patch=mail.replace("\n", "\r\n"))
    assert found(out) == sorted(SEEDED + [(C_FILE, 2, 1, "ED701")])


@pytest.mark.parametrize("text, message", [
    ("", "empty input"),
    ("Just some text.\n", "no diff found"),
    (file_diff(DOC, None, NEW_DOC)[:-200], "ends early: the patch is truncated"),
    ("--- a/x.rst\n+++ b/x.rst\n@@ -1,2 +1,2 @@\n x\n?y\n", "unexpected '?y'"),
])
def test_broken_patches_are_one_line(run, text, message):
    status, out, err = run("bad.patch", patch=text, name="bad.patch")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err


def test_missing_patch_file(run):
    status, _, err = run("nothing.patch")
    assert status == 2 and err == "sphinx-entrydoc: nothing.patch: no such file\n"


def test_diff_parser_details():
    text = ("diff --git a/x.rst b/x.rst\n--- a/x.rst\n+++ b/x.rst\n@@ -1,2 +1,2 @@\n a\n-b\n"
            "\\ No newline at end of file\n+c\n\\ No newline at end of file\n-- \n2.34.1\n")
    (diff,) = parse_diff("p", text)
    (hunk,) = diff.hunks
    assert [l.raw for l in hunk.lines] == [" a", "-b", "+c"]
    assert apply_hunks("a\nb", diff.hunks) == "a\nc"
    assert apply_hunks("a\nz\n", diff.hunks) is None
    renamed = parse_diff("p", "diff --git a/old.rst b/new.rst\nsimilarity index 90%\n"
                              "rename from old.rst\nrename to new.rst\n")
    assert (renamed[0].old_path, renamed[0].new_path) == ("old.rst", "new.rst")


# -- the reply ---------------------------------------------------------------------------

def test_email_quotes_the_offending_lines_then_the_finding(run):
    status, out, _ = run("--format", "email", "--profile", "review", "0001.patch", patch=docs_patch())
    assert out.startswith("Subject: Re: [PATCH] Documentation: describe the NMI entry path\n\n"
                          "On Tue, 7 Dec 2021 10:00:00 +0100, Ada Writer <ada@example.org> wrote:\n"
                          "> +The first C function of the NMI path is obviously not instrumentable::\n"
                          "\n"
                          "Documentation/core-api/nmi.rst:13:41: ED601 [style] filler word 'obviously'")
    assert ("> +when the NMI occured. Code that calls irqentyr_enter() instead gets the\n\n"
            "Documentation/core-api/nmi.rst:32:14: ED604 [style] 'occured' is misspelled; "
            "did you mean 'occurred'?\n    suggestion: occurred\n"
            "Documentation/core-api/nmi.rst:32:39: ED501 ") in out
    assert ("> --- a/kernel/entry/common.c\n> +++ b/kernel/entry/common.c\n> @@ -1,5 +1,4 @@\n"
            ">  // SPDX-License-Identifier: GPL-2.0\n> -\n>  #include <linux/context_tracking.h>\n") in out
    assert out.endswith("-- \nsphinx-entrydoc 0.1.0: 4 error(s) in 1 file(s), 1 warning(s), "
                        "4 style finding(s); 1 patch(es) checked against kernel v7.3\n")
    quoted = [l for l in out.splitlines() if l.startswith(">")]
    assert all(l.startswith(("> +", "> -", ">  ", "> @@", "> ---", "> +++")) or l == ">" for l in quoted)


def test_email_for_a_clean_patch(run):
    patch = format_patch("[PATCH] docs", file_diff(DOC, None, ":orphan:\n\nText.\n"))
    status, out, _ = run("--format", "email", "0001.patch", patch=patch)
    assert status == 0
    assert "No findings on the lines this patch adds." in out


def test_sarif_and_github_formats_work_for_patches(run):
    status, out, _ = run("--format", "github", "0001.patch", patch=docs_patch())
    assert "::warning file=kernel/entry/common.c,line=2,col=1,title=ED701::" in out
    status, out, _ = run("--format", "sarif", "0001.patch", patch=docs_patch())
    assert {r["ruleId"] for r in json.loads(out)["runs"][0]["results"]} >= {"ED701", "ED702", "ED102"}
