"""A snippet can never make the tool read a file outside the stub directories.

Each variant below is a way to write an include (or another file lookup)
that a line-based screen missed.  The sentinel file holds a secret; it must
not show in any output format, and it must not be opened: not by the
translation unit (its inclusions are checked), and, where strace exists,
not by any system call of the whole run.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import found, lint, snippet_doc
from sphinx_entrydoc.check import check_document
from sphinx_entrydoc.config import Config
from sphinx_entrydoc.errors import InputError
from sphinx_entrydoc.read import Source
from sphinx_entrydoc.stubs import load_api

SECRET = "SECRET-7c1e9b"


@pytest.fixture
def sentinel(tmp_path):
    path = tmp_path / "sentinel.h"
    path.write_text(f'#error "{SECRET}"\nint secret_{SECRET[-6:]} = 42;\n'
                    f'_Static_assert(0, "{SECRET}");\n')
    return path


BODY = """
noinstr void f(struct pt_regs *regs)
{
	irqentry_state_t state = irqentry_nmi_enter(regs);
	irqentry_nmi_exit(regs, state);
}
"""


def include_doc(target):
    return snippet_doc(f"#include {target}\n" + BODY)


def variant_doc(lines):
    # Indented by hand: textwrap would take a form feed for a line end.
    code = lines + "\n" + BODY.strip("\n")
    return "Title\n=====\n\n.. code-block:: c\n\n" + "".join(f"\t{l}\n" for l in code.split("\n"))


# (name, snippet lines before the function with @ for the sentinel's path,
#  1-based file line of the ED106, a word of its message).  The snippet's
#  first line is line 6 of the document.
VARIANTS = [
    ("quoted absolute", '#include "@"', 6, "absolute path"),
    ("angled absolute", "#include <@>", 6, "absolute path"),
    ("comment before the #", '/**/#include "@"', 6, "absolute path"),
    ("digraph", '%:include "@"', 6, "absolute path"),
    ("splice inside the name", '#inc\\\nlude "@"', 6, "absolute path"),
    ("splice after the #", '#\\\ninclude "@"', 6, "absolute path"),
    ("splice with a space after the backslash", '#inc\\ \nlude "@"', 6, "absolute path"),
    ("comment spanning lines before the #", 'int x;\n/* a\n*/#include "@"', 8, "absolute path"),
    ("comment spanning lines inside the directive", '#include /* a\n*/ "@"', 6, "absolute path"),
    ("white space the compiler skips", '\u00a0\f#include "@"', 6, "absolute path"),
    ("computed from a macro", '#define X "@"\n#include X', 7, "computed include"),
    ("computed from a function-like macro", "#define STR(x) #x\n#include STR(@)", 7, "computed include"),
    ("include_next", '#include_next "@"', 6, "#include_next"),
    ("import", '#import "@"', 6, "#import"),
    ("embed", '#embed "@"', 6, "#embed"),
    ("__include_macros", '#__include_macros "@"', 6, "#__include_macros"),
    ("__has_include", '#if __has_include("@")\nint seen;\n#endif', 6, "whether a file exists"),
    ("__has_include_next", '#if __has_include_next(<@>)\nint seen;\n#endif', 6, "whether a file exists"),
    ("_Pragma dependency", '_Pragma("GCC dependency \\"@\\"")', 6, "dependency"),
    ("#pragma dependency", '#pragma GCC dependency "@"', 6, "dependency"),
    ("_Pragma from a macro", '#define P(x) _Pragma(#x)\nP(GCC dependency "@")', 6, "not a plain string"),
    # Token pasting builds _Pragma where no screen can see it: the sandbox
    # finds no such file, and the whole snippet is refused.
    ("_Pragma built by token pasting", '#define H(a, b) a##b\nH(_Pra, gma)("GCC dependency \\"@\\"")', 6,
     "sandbox refused"),
]


@pytest.mark.parametrize("name,lines,line,words", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_every_include_variant_is_refused_and_the_file_never_opened(sentinel, name, lines, line, words):
    text = variant_doc(lines.replace("@", str(sentinel)))
    findings, document = check_document(Source("doc.rst", text), Config(ignore=("ED002",)))
    # What the refusal leaves behind may not compile (a macro refused with
    # its #define): compile errors, nothing else.
    assert findings[0].line == line and findings[0].code == "ED106", findings
    assert all(f.code == "ED103" for f in findings[1:]), findings
    assert words in findings[0].message
    assert not any(SECRET in f.message for f in findings)
    for compiled in document.compiled:
        opened = [i.include.name for i in compiled.tu.get_includes()]
        assert not any("sentinel" in o for o in opened), opened


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_output_format_shows_the_sentinel(sentinel, tmp_path, fmt):
    doc = tmp_path / "doc.rst"
    doc.write_text(variant_doc("\n".join(v[1] for v in VARIANTS if "embed" not in v[0])
                               .replace("@", str(sentinel))), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sphinx_entrydoc", "lint", "--no-cache",
                             "--format", fmt, str(doc)], capture_output=True, text=True, cwd=str(tmp_path))
    assert result.returncode == 1, result.stderr
    assert "ED106" in result.stdout
    assert SECRET not in result.stdout + result.stderr
    if fmt != "text":
        json.loads(result.stdout)


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_no_system_call_touches_the_sentinel(sentinel, tmp_path):
    """Every variant in one document, the whole CLI run traced: not one
    open, stat or access of the sentinel's path."""
    doc = tmp_path / "doc.rst"
    doc.write_text(variant_doc("\n".join(v[1] for v in VARIANTS).replace("@", str(sentinel))), encoding="utf-8")
    trace = tmp_path / "trace.txt"
    result = subprocess.run(["strace", "-f", "-qq", "-e", "trace=%file", "-o", str(trace),
                             sys.executable, "-m", "sphinx_entrydoc", "lint", "--no-cache", str(doc)],
                            capture_output=True, text=True, cwd=str(tmp_path))
    if "ptrace" in result.stderr and not trace.exists():
        pytest.skip("strace cannot trace here: " + result.stderr.strip().splitlines()[-1])
    assert result.returncode == 1, result.stderr
    assert "ED106" in result.stdout
    calls = trace.read_text()
    assert "sentinel.h" not in calls


def test_dev_zero_is_refused_before_the_compiler_runs():
    # libclang used to abort with out-of-memory reading it.
    assert [(c, code) for _, c, code in found(variant_doc('/**/#include "/dev/zero"'))] == [(6, "ED106")]


def test_dotdot_include_is_refused(sentinel, monkeypatch):
    monkeypatch.chdir(sentinel.parent / "..")
    relative = f"../{sentinel.parent.name}/sentinel.h"
    findings = lint(include_doc(f'"{relative}"'))
    assert [f.code for f in findings] == ["ED106"]
    assert "'..'" in findings[0].message


def test_quoted_include_never_looks_next_to_the_snippet(tmp_path, monkeypatch):
    # A header of the same name in the current directory must not be read.
    (tmp_path / "linux").mkdir()
    (tmp_path / "linux" / "hardirq.h").write_text(f'#error "{SECRET}"\n')
    monkeypatch.chdir(tmp_path)
    assert found(include_doc('"linux/hardirq.h"')) == []


def test_system_header_is_refused():
    findings = lint(include_doc("<stdio.h>"))
    assert [f.code for f in findings] == ["ED106"]
    assert "system headers" in findings[0].message


@pytest.mark.parametrize("target", ["<linux/irq-entry-common.h>", '"linux/irq-entry-common.h"',
                                    '"linux/irq-entry\\\n-common.h"'])
def test_stub_header_include_is_fine(target):
    assert found(include_doc(target)) == []


def test_includes_in_strings_and_comments_are_not_directives():
    text = variant_doc('const char *s = "#include \\"/etc/passwd\\"";\n'
                       '// #include "/etc/passwd"\n/* #include "/etc/passwd" */')
    assert found(text) == []


# -- stub directories ------------------------------------------------------------

def stub_dir(tmp_path, name="stubs"):
    directory = tmp_path / name
    (directory / "linux").mkdir(parents=True)
    (directory / "linux" / "mine.h").write_text("void my_entry_hook(void);\n")
    return directory


def test_symlink_in_a_stub_directory_leading_out_is_refused(tmp_path, sentinel):
    stubs = stub_dir(tmp_path)
    os.symlink(str(sentinel), str(stubs / "linux" / "evil.h"))
    with pytest.raises(InputError, match=r"linux/evil.h is a symbolic link out of the stub directories"):
        load_api([str(stubs)])


def test_symlinked_subdirectory_leading_out_is_refused(tmp_path, sentinel):
    stubs = stub_dir(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(str(sentinel), str(outside / "hardirq.h"))
    os.symlink(str(outside), str(stubs / "asm"))
    with pytest.raises(InputError, match="asm is a symbolic link out of the stub directories"):
        load_api([str(stubs)])


def test_symlink_in_the_cli_is_one_line_and_exit_2(tmp_path, sentinel):
    stubs = stub_dir(tmp_path)
    os.symlink(str(sentinel), str(stubs / "evil.h"))
    doc = tmp_path / "doc.rst"
    doc.write_text(include_doc("<evil.h>"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sphinx_entrydoc", "lint", "--no-cache",
                             "--stubs", str(stubs), str(doc)], capture_output=True, text=True,
                            cwd=str(tmp_path))
    assert result.returncode == 2
    assert "symbolic link out of the stub directories" in result.stderr
    assert "Traceback" not in result.stderr and SECRET not in result.stdout + result.stderr


def test_stub_directory_given_as_a_link_and_links_inside_it_are_followed(tmp_path):
    stubs = stub_dir(tmp_path)
    os.symlink("linux/mine.h", str(stubs / "alias.h"))   # stays inside: fine
    link = tmp_path / "stubs-link"
    os.symlink(str(stubs), str(link))                    # the directory itself: followed once
    api = load_api([str(link)])
    assert api.include_dirs[0] == str(stubs.resolve())
    text = include_doc("<alias.h>").replace("irqentry_nmi_exit(regs, state);",
                                            "irqentry_nmi_exit(regs, state);\n\tmy_entry_hook();")
    assert "my_entry_hook" in api.functions
    assert [f.code for f in lint(text, stub_dirs=(str(link),))] == ["ED201"]


# -- the quick look before the lexer ---------------------------------------------------------

def test_the_quick_look_that_spares_snippets_the_lexer_never_misses_what_the_lexer_finds():
    """ppscreen.scan skips the lexer for a text with no '#', '%:',
    backslash, '_Pragma' or '__has_'.  Against the full lexer: every
    variant above, every snippet of the example documents, and random
    texts made of the pieces that come closest (halves of the trigger
    words, '%' and ':' apart, quotes, comments, new-lines)."""
    import random

    from sphinx_entrydoc import ppscreen
    from sphinx_entrydoc.extract import extract
    from sphinx_entrydoc.rst import parse_rst
    texts = [v[1].replace("@", "/x/sentinel.h") for v in VARIANTS]
    for root, _dirs, files in os.walk(os.path.join(os.path.dirname(__file__), "..", "example_docs")):
        for name in files:
            if name.endswith(".rst"):
                with open(os.path.join(root, name), encoding="utf-8") as handle:
                    text = handle.read()
                texts += [s.text for s in extract(Source(name, text), parse_rst(text, name)).c_snippets]
    pieces = ["#", "%", ":", "%:", "\\", "\n", " ", "\t", "_Pra", "gma", "_Pragma", "__has", "_include",
              "__has_", "include", "(", ")", '"', "'", "/*", "*/", "//", "<", ">", "x", "f(a);", "??="]
    rng = random.Random(2026)
    for _ in range(3000):
        texts.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 24))))
    skipped = 0
    for text in texts:
        full = ppscreen.lex_and_scan(text)
        assert ppscreen.scan(text) == full, text
        if not ppscreen._MAY_REACH_A_FILE.search(text):
            skipped += 1
            assert full == ppscreen.Scan([], []), text
    assert skipped > 300   # the quick look is taken, not only declined
