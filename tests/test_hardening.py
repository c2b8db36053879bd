"""Issue 10 (hardening): hostile patches, documents and settings.

Each test reproduces one way an attacker (or an odd input) could make the
tool read a file it must not read, write through a symbolic link, hide a
finding, forge output or end in an internal error, and states what must
happen instead.  A sentinel file whose content must never appear in any
output, and which must never be opened (an audit hook sees every open()),
stands for the files outside the tree.
"""
import json
import os
import re
import resource
import subprocess
import sys

import pytest

from sphinx_entrydoc import cli

SECRET = "SENTINEL-4f1c9e-do-not-leak"
SENTINEL_TEXT = f"""\
{SECRET}
{"=" * len(SECRET)}

The call below is wrong: irqentry_nmi_exti() {SECRET}.

.. code-block:: c

\tnoinstr void {SECRET.replace("-", "_")}(struct pt_regs *regs)
\t{{
\t\tirqentry_nmi_enter(regs);
\t}}
"""

# -- an audit hook that records every file opened while a test watches -------

_OPENED = []
_WATCHING = [False]


def _audit(event, args):
    if _WATCHING[0] and event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@pytest.fixture
def opened():
    """The paths the code under test opens (in this process)."""
    _OPENED.clear()
    _WATCHING[0] = True
    yield _OPENED
    _WATCHING[0] = False


@pytest.fixture
def sentinel(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    path = outside / "secret.rst"
    path.write_text(SENTINEL_TEXT, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path, monkeypatch):
    root = tmp_path / "tree"
    (root / "Documentation").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def never_opened(opened, path):
    real = os.path.realpath(str(path))
    return not [p for p in opened if os.path.realpath(os.path.join(os.getcwd(), p)) == real]


def check_patch(capsys, text, *options):
    with open("0001.patch", "w", encoding="utf-8") as handle:
        handle.write(text)
    status = cli.main(["check-patch", "--isolated", "--no-cache", *options, "0001.patch"])
    out, err = capsys.readouterr()
    return status, out, err


def modify(old, new, hunk="@@ -1,1 +1,2 @@\n-Text.\n+Text,\n+and more.\n", extra=""):
    return f"diff --git a/{old} b/{new}\n{extra}--- a/{old}\n+++ b/{new}\n{hunk}"


# -- item 5: check-patch stays in its working tree ---------------------------

@pytest.mark.parametrize("form", ["dotdot", "absolute", "absolute-no-prefix", "rename-from", "symlink"])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "email"])
def test_check_patch_never_opens_a_file_outside_the_tree(capsys, tree, sentinel, opened, form, fmt):
    relative = os.path.relpath(sentinel, tree)
    if form == "dotdot":
        patch = modify(relative, relative)
    elif form == "absolute":
        patch = modify(str(sentinel), str(sentinel))   # "a//abs/path"
    elif form == "absolute-no-prefix":
        patch = f"--- {sentinel}\n+++ {sentinel}\n@@ -1,1 +1,2 @@\n-Text.\n+Text,\n+and more.\n"
    elif form == "rename-from":
        patch = modify("Documentation/x.rst", "Documentation/x.rst",
                       extra=f"similarity index 90%\nrename from {sentinel}\nrename to Documentation/x.rst\n")
    else:
        os.symlink(sentinel, tree / "Documentation" / "link.rst")
        patch = modify("Documentation/link.rst", "Documentation/link.rst")
    status, out, err = check_patch(capsys, patch, "--format", fmt)
    assert never_opened(opened, sentinel)
    assert SECRET not in out + err
    assert status == 2
    refused = [line for line in err.splitlines() if "refused" in line]
    assert len(refused) == 1 and "check-patch reads only files inside the working tree" in refused[0]
    assert "Traceback" not in err and "internal error" not in err


def test_the_source_of_a_rename_inside_the_tree_is_not_read_either(capsys, tree, opened):
    private = tree / "Documentation" / "private.rst"
    private.write_text(SENTINEL_TEXT.replace("Text", "x"), encoding="utf-8")
    opened.clear()
    patch = modify("Documentation/private.rst", "Documentation/public.rst",
                   hunk="@@ -1,0 +1,3 @@\n+.. code-block:: c\n+\n+\tirqentry_nmi_entre(regs);\n",
                   extra="similarity index 95%\nrename from Documentation/private.rst\n"
                         "rename to Documentation/public.rst\n")
    status, out, err = check_patch(capsys, patch)
    assert never_opened(opened, private)
    assert SECRET not in out + err
    # Only what the patch shows is checked: its one added line, by itself.
    assert ("Documentation/public.rst", "3", "ED101") in re.findall(r"^(\S+):(\d+):\d+: (ED\d+)", out, re.M)
    assert status == 1


def test_a_document_in_the_tree_is_still_read_at_its_own_path(capsys, tree, opened):
    doc = tree / "Documentation" / "entry.rst"
    doc.write_text("Title\n=====\n\n.. code-block:: c\n\n\tint x;\n", encoding="utf-8")
    opened.clear()
    patch = modify("Documentation/entry.rst", "Documentation/entry.rst",
                   hunk="@@ -5,2 +5,3 @@\n \n \tint x;\n+\tirqentry_nmi_entre(regs);\n")
    status, out, err = check_patch(capsys, patch)
    assert not never_opened(opened, doc)
    assert "Documentation/entry.rst:7:2: ED101" in out and status == 1


BOMB = """\
--- a/Documentation/x.rst
+++ b/Documentation/x.rst
@@ -99999990,1 +99999990,2 @@
 a
+b
"""


def test_a_hunk_header_cannot_make_the_tool_allocate_gigabytes(tmp_path):
    """A six-line patch whose hunk sits at line 99,999,990 of a file the tree
    does not have: one line, exit 2, under a 1.5 GiB address-space limit (the
    blank filling it asked for is 100 million lines)."""
    (tmp_path / "bomb.patch").write_text(BOMB)
    limit = 3 * 2**29

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run([sys.executable, "-m", "sphinx_entrydoc", "check-patch", "--isolated", "--no-cache",
                           "bomb.patch"], cwd=tmp_path, capture_output=True, text=True, preexec_fn=cap)
    assert done.returncode == 2, done.stderr
    assert "sphinx-entrydoc: Documentation/x.rst: hunk @@ -99999990,1 +99999990,2 @@ reaches line " \
           "99,999,991, but the file is not in the working tree and this patch can rebuild at most " \
           "100,000 lines from its hunks; not checked" in done.stderr
    assert "internal error" not in done.stderr and "MemoryError" not in done.stderr


def test_a_hunk_header_with_a_huge_number_is_malformed(capsys, tree):
    status, out, err = check_patch(capsys, BOMB.replace("99999990,1", "9" * 5000 + ",1", 1))
    assert status == 2
    assert "malformed hunk header" in err and "internal error" not in err


def test_a_mail_whose_from_header_is_broken_is_still_read(capsys, tree):
    mail = ("From: <\nSubject: [PATCH] docs\n\n---\n"
            + modify("Documentation/x.rst", "Documentation/x.rst",
                     hunk="@@ -0,0 +1,3 @@\n+.. code-block:: c\n+\n+\tirqentry_nmi_entre(regs);\n"))
    status, out, err = check_patch(capsys, mail, "--format", "email")
    assert "internal error" not in err
    assert "ED101" in out and status == 1


# -- item 6: --fix never writes through a symbolic link it met while walking --

DRAFT = "Title\n=====\n\n.. code-block:: c\n\n\tirqentry_nmi_entre(regs);\n"
FIXED = DRAFT.replace("entre", "enter")


def lint(capsys, *args):
    status = cli.main(["lint", "--isolated", "--no-cache", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


def test_fix_of_a_directory_never_writes_through_a_symlink_in_it(capsys, tmp_path, monkeypatch):
    victim = tmp_path / "victim.txt"
    victim.write_text(DRAFT)   # any file the user can write, with a fixable text
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "own.rst").write_text(DRAFT)
    os.symlink(victim, docs / "evil.rst")
    monkeypatch.chdir(tmp_path)
    status, out, err = lint(capsys, "--fix", "docs")
    assert victim.read_text() == DRAFT
    assert os.path.islink(docs / "evil.rst")
    assert (docs / "own.rst").read_text() == FIXED
    assert f"sphinx-entrydoc: docs/evil.rst: is a symbolic link (to {victim}) met while walking a " \
           "directory; not fixed (name it on the command line to fix the file it points to)" in err
    assert status == 2


def test_a_link_met_while_walking_does_not_hide_the_file_it_points_to(capsys, tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "b.rst").write_text(DRAFT)
    os.symlink("b.rst", docs / "a.rst")   # sorts first
    monkeypatch.chdir(tmp_path)
    status, out, err = lint(capsys, "--fix", "docs")
    assert (docs / "b.rst").read_text() == FIXED and os.path.islink(docs / "a.rst")
    assert "not fixed" not in err


def test_fix_of_a_named_symlink_out_of_the_tree_is_refused(capsys, tmp_path, monkeypatch):
    victim = tmp_path / "victim.rst"
    victim.write_text(DRAFT)
    tree = tmp_path / "tree"
    tree.mkdir()
    os.symlink(victim, tree / "link.rst")
    monkeypatch.chdir(tree)
    status, out, err = lint(capsys, "--fix", "link.rst")
    assert victim.read_text() == DRAFT
    assert f"sphinx-entrydoc: link.rst: is a symbolic link to {victim}, outside the working tree {tree}; " \
           "not fixed" in err
    assert status == 2


# -- item 7: EPUB pages with a state trace are well-formed XHTML --------------

@pytest.mark.sphinx("epub", testroot="entrydoc-broken", freshenv=True,
                    confoverrides={"entrydoc_trace": True})
def test_epub_pages_with_state_traces_are_well_formed_xhtml(app):
    import xml.etree.ElementTree as ElementTree
    app.build()
    pages = [os.path.join(str(app.outdir), name) for name in os.listdir(str(app.outdir))
             if name.endswith(".xhtml")]
    with_trace = []
    for page in pages:
        ElementTree.parse(page)   # raises on an undefined entity such as &rarr;
        with open(page, encoding="utf-8") as handle:
            if "State trace" in handle.read():
                with_trace.append(os.path.basename(page))
    assert "pairs.xhtml" in with_trace


# -- item 7 and 8: settings Sphinx must refuse, as the CLI does ---------------

@pytest.mark.parametrize("override, message", [
    ({"entrydoc_select": ["ED1O1"]}, "entrydoc: entrydoc_select: 'ED1O1' is no rule code or prefix"),
    ({"entrydoc_ignore": "ED9"}, "entrydoc: entrydoc_ignore: 'ED9' is no rule code or prefix"),
    ({"entrydoc_order_vocabulary": {"irq state": "irq"}},
     "entrydoc: invalid state key 'irq' for 'irq state' in the order vocabulary: allowed values are "
     "lockdep, rcu, preempt, tracing, time, tick, softirq"),
])
def test_sphinx_refuses_settings_that_would_check_nothing_or_nonsense(make_app, tmp_path, rootdir,
                                                                      override, message):
    import shutil

    from sphinx.errors import ConfigError
    srcdir = tmp_path / "src"
    shutil.copytree(str(rootdir / "test-entrydoc-clean"), str(srcdir))
    with pytest.raises(ConfigError) as error:
        make_app("html", srcdir=_sphinx_path(srcdir), confoverrides=override)
    assert str(error.value).startswith(message)


def test_lower_case_codes_select_in_sphinx_as_in_the_cli():
    from sphinx_entrydoc import sphinxext
    assert sphinxext._codes(["ed101", " ED2 "]) == ("ED101", "ED2")
    assert sphinxext._codes("ed1,ed3") == ("ED1", "ED3")


def _sphinx_path(path):
    import sphinx
    if sphinx.version_info < (7, 2):
        from sphinx.testing.path import path as old_path
        return old_path(str(path))
    return path


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_refuses_an_order_vocabulary_naming_an_unknown_state_key(capsys, tmp_path, monkeypatch, fmt):
    (tmp_path / "pyproject.toml").write_text('[tool.sphinx-entrydoc]\nvocabulary = { "irq state" = "irq" }\n')
    (tmp_path / "doc.rst").write_text("Title\n=====\n\nText.\n")
    monkeypatch.chdir(tmp_path)
    status = cli.main(["lint", "--no-cache", "--format", fmt, "doc.rst"])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err == (f"sphinx-entrydoc: {tmp_path}/pyproject.toml: [tool.sphinx-entrydoc]: invalid value "
                   "{'irq state': 'irq'} for vocabulary: allowed values are a table of list words to the "
                   "state keys lockdep, rcu, preempt, tracing, time, tick, softirq ('irq' is none of them)\n")


# -- items 7 and 8: one line naming the file, never "internal error" ----------

@pytest.mark.parametrize("codec", ["rot13", "hex", "uu", "punycode", "unicode_escape"])
def test_a_coding_declaration_of_a_transform_codec_is_refused(capsys, tmp_path, monkeypatch, codec):
    (tmp_path / "doc.rst").write_text(f".. -*- coding: {codec} -*-\n\nTitle\n=====\n")
    (tmp_path / "good.rst").write_text(DRAFT)
    monkeypatch.chdir(tmp_path)
    status, out, err = lint(capsys, "doc.rst", "good.rst")
    assert err.splitlines()[0] == (f"sphinx-entrydoc: doc.rst: encoding '{codec}' declared in the first lines "
                                   "is not a character set (it transforms the text); declare one such as "
                                   "utf-8 or latin-1")
    assert "good.rst:6:2: ED101" in out   # the other file is still checked
    assert status == 2


def test_an_unknown_encoding_names_the_file(capsys, tmp_path, monkeypatch):
    (tmp_path / "doc.rst").write_text(".. -*- coding: klingon -*-\n\nTitle\n=====\n")
    monkeypatch.chdir(tmp_path)
    status, out, err = lint(capsys, "doc.rst")
    assert err.splitlines()[0] == "sphinx-entrydoc: doc.rst: unknown encoding 'klingon' declared in the first lines"
    assert status == 2


def test_a_fifo_named_like_a_document_is_refused_not_waited_for(capsys, tmp_path, monkeypatch):
    os.mkfifo(tmp_path / "pipe.rst")
    (tmp_path / "good.rst").write_text("Title\n=====\n\nText.\n")
    monkeypatch.chdir(tmp_path)
    for paths in (["pipe.rst"], ["."]):
        status, out, err = lint(capsys, *paths)
        assert "sphinx-entrydoc: pipe.rst: not a regular file (a FIFO, socket or device), not a document" \
            in err.splitlines()
        assert status == 2


@pytest.mark.parametrize("content, message", [
    (b"tool = 5\n", "pyproject.toml: 'tool' must be a table ([tool.sphinx-entrydoc]), not int"),
    (b'[tool.sphinx-entrydoc]\nprofile = "caf\xe9"\n',
     "pyproject.toml: not valid UTF-8 at byte offset 37 (TOML files are UTF-8)"),
])
def test_a_broken_pyproject_is_one_line(capsys, tmp_path, monkeypatch, content, message):
    (tmp_path / "pyproject.toml").write_bytes(content)
    (tmp_path / "doc.rst").write_text("Title\n=====\n\nText.\n")
    monkeypatch.chdir(tmp_path)
    status = cli.main(["lint", "--no-cache", "doc.rst"])
    out, err = capsys.readouterr()
    assert err == f"sphinx-entrydoc: {tmp_path}/{message}\n"
    assert status == 2


# -- item 7: a document cannot forge or disguise a line of text output --------

FORGED = "x.rst:1:1: ED101 forged"


def test_a_document_cannot_forge_an_output_line(capsys, tmp_path, monkeypatch):
    """An ordering-list item is quoted in ED403's message; its second line
    must not become a line of output of its own."""
    (tmp_path / "o.rst").write_text(
        "Title\n=====\n\n.. code-block:: c\n\n\tirqentry_nmi_enter(regs);\n\n"
        "irqentry_nmi_enter() updates the state in the following order:\n\n"
        f"* Lockdep\n* bogus\n  {FORGED}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    status, out, err = lint(capsys, "o.rst")
    assert re.findall(r"^\S+:\d+:\d+: ED\d+", out, re.M) == ["o.rst:6:2: ED301", "o.rst:11:3: ED403"]
    assert f"o.rst:11:3: ED403 [warning] 'bogus\\n{FORGED}' is not a known state name" in out


@pytest.mark.parametrize("char, shown", [("\n", "\\n"), ("\r", "\\r"), ("\x1b", "\\x1b"),
                                          ("\u2028", "\\u2028"), ("\x85", "\\x85"), ("\u202e", "\\u202e")])
def test_text_output_writes_line_breaks_and_controls_as_escapes(char, shown):
    import io

    from sphinx_entrydoc.findings import Finding
    from sphinx_entrydoc.report import TextFormatter
    stream = io.StringIO()
    formatter = TextFormatter(stream)
    formatter.handle(Finding("d.rst", 3, 1, "ED103", "compile-error", "error", f"a{char}{FORGED}",
                             suggestion=f"b{char}{FORGED}"))
    assert stream.getvalue() == (f"d.rst:3:1: ED103 a{shown}{FORGED}\n"
                                 f"    suggestion: b{shown}{FORGED}\n")


def test_sarif_and_json_name_a_file_whose_name_is_not_utf8(capsys, tmp_path, monkeypatch):
    (tmp_path / os.fsdecode(b"caf\xe9.rst")).write_text(DRAFT)
    monkeypatch.chdir(tmp_path)
    status, out, err = lint(capsys, "--format", "sarif", ".")
    assert "internal error" not in err
    result = json.loads(out)["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "caf%E9.rst"
    status, out, err = lint(capsys, "--format", "json", ".")
    assert json.loads(out)["findings"][0]["path"] == os.fsdecode(b"caf\xe9.rst")


# -- item 7: the cache --------------------------------------------------------

@pytest.mark.parametrize("corrupt", [
    lambda f: f.update(line="6"),
    lambda f: f.update(severity="fatal"),
    lambda f: f.update(path=None),
    lambda f: f.update(column=True),
    lambda f: f.update(fix={"line": 1}),
    lambda f: f.update(suggestion=["x"]),
    lambda f: f.clear(),
])
def test_a_cache_entry_of_valid_json_with_wrong_types_is_a_miss(capsys, tmp_path, monkeypatch, corrupt):
    (tmp_path / "a.rst").write_text(DRAFT)
    monkeypatch.chdir(tmp_path)
    first = cli.main(["lint", "--isolated", "a.rst"])
    expected = capsys.readouterr().out
    entries = [os.path.join(root, name) for root, _, names in os.walk(".entrydoc-cache")
               for name in names if name.endswith(".json")]
    assert len(entries) == 1
    with open(entries[0]) as handle:
        entry = json.load(handle)
    corrupt(entry["findings"][0])
    with open(entries[0], "w") as handle:
        json.dump(entry, handle)
    status = cli.main(["lint", "--isolated", "--stats", "a.rst"])
    out, err = capsys.readouterr()
    assert (status, out) == (first, expected)
    assert "cache: 0 hit(s), 1 miss(es), 1 corrupt entry ignored" in err


def test_headers_in_a_symlinked_stub_subdirectory_are_in_the_cache_key(tmp_path):
    """A subdirectory of a stub directory that is a symbolic link (inside
    the stub directories) is walked: editing a header in it changes the
    key, so no stale result is taken from the cache."""
    from sphinx_entrydoc.cache import stubs_fingerprint
    stubs = tmp_path / "stubs"
    (stubs / "shared" / "arch").mkdir(parents=True)
    header = stubs / "shared" / "arch" / "hooks.h"
    header.write_text("void arch_hook(void);\n")
    os.symlink("shared/arch", stubs / "arch")
    before = stubs_fingerprint([str(stubs)])
    header.write_text("void arch_hook(int);\n")
    assert stubs_fingerprint([str(stubs)]) != before
    from sphinx_entrydoc.stubs import _stub_dirs, stub_headers
    assert str(stubs / "arch" / "hooks.h") in [p for _, p in stub_headers(_stub_dirs([str(stubs)]))]


def test_a_symlinked_stub_subdirectory_leading_out_is_refused(capsys, tmp_path, monkeypatch):
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.h").write_text("void x(void);\n")
    os.symlink(elsewhere, stubs / "arch")
    (tmp_path / "a.rst").write_text(DRAFT)
    monkeypatch.chdir(tmp_path)
    status, out, err = lint(capsys, "--stubs", "stubs", "a.rst")
    assert status == 2 and "is a symbolic link out of the stub directories" in err


# -- item 8: --fix never corrupts words with non-ASCII letters ----------------

def test_review_fix_leaves_words_with_non_ascii_letters_alone(capsys, tmp_path, monkeypatch):
    text = ("Title\n=====\n\nThe café and the naïve reader occured here; Ångström is no typo,\n"
            "and neither is its activité, nor the activé state.\n")
    (tmp_path / "a.rst").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    status, out, err = lint(capsys, "--documents", "all", "--profile", "review", "--fix", "a.rst")
    assert (tmp_path / "a.rst").read_text(encoding="utf-8") == \
        text.replace("occured", "occurred")
    assert "calf" not in out + err and "Functionsü" not in out + err
