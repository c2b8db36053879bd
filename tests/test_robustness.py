"""Bad input and bad snippets: one clear line or one finding, and the rest of
the run goes on."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT

GOOD = "Good\n====\n\nirqentry_enter() is fine.\n"
TYPO = "Typo\n====\n\nirqentry_entr() is not.\n"
SNIPPET = ("Snippet\n=======\n\n.. code-block:: c\n\n\tnoinstr void f(struct pt_regs *regs)\n\t{\n"
           "\t\tirqentry_state_t state = irqentry_enter(regs);\n\t\tpathological_case(regs);\n"
           "\t\tirqentry_exit(regs, state);\n\t}\n")


def lint(*args, cwd, env=None):
    env = dict(os.environ, **(env or {}), PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "sphinx_entrydoc", "lint", "--no-cache", "--documents", "all", *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "a-good.rst").write_text(GOOD)
    (tmp_path / "b-snippet.rst").write_text(SNIPPET)
    (tmp_path / "c-typo.rst").write_text(TYPO)
    return tmp_path


@pytest.mark.parametrize("fault,words", [("hang", "per-document limit"), ("crash", "SIGSEGV")])
def test_a_hanging_or_crashing_snippet_becomes_a_finding_and_the_run_goes_on(tree, fault, words):
    out = lint("--timeout", "3", ".", cwd=tree, env={"ENTRYDOC_FAULT": f"{fault}:pathological_case"})
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    aborted = [l for l in lines if "ED107" in l]
    assert len(aborted) == 1 and aborted[0].startswith("b-snippet.rst:1:1: ED107")
    assert words in aborted[0]
    assert any(l.startswith("c-typo.rst:4:1: ED501") for l in lines)
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("name,content,words", [
    ("latin1.rst", "Caf\xe9\n====\n".encode("latin-1"), "byte offset 3"),
    ("binary.rst", b"\x00\x01\x02PNG", "binary file"),
    ("nested.rst", "".join("  " * i + "* item\n\n" for i in range(400)).encode(), "nests too deeply"),
])
def test_bad_files_get_one_line_and_the_others_are_checked(tree, name, content, words):
    (tree / name).write_bytes(content)
    out = lint(".", cwd=tree)
    assert out.returncode == 2
    problems = [l for l in out.stderr.splitlines() if name in l]
    assert len(problems) == 1 and words in problems[0]
    assert "c-typo.rst:4:1: ED501" in out.stdout
    assert "Traceback" not in out.stderr


def test_declared_encoding_is_honoured(tmp_path):
    (tmp_path / "decl.rst").write_bytes(".. -*- coding: latin-1 -*-\n\nCaf\xe9 irqentry_entr() here.\n"
                                        .encode("latin-1"))
    out = lint("decl.rst", cwd=tmp_path)
    assert out.returncode == 1 and "decl.rst:3:6: ED501" in out.stdout


def test_empty_file_is_fine(tmp_path):
    (tmp_path / "empty.rst").write_bytes(b"")
    out = lint("empty.rst", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout == ""


def test_unreadable_file(tree):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    (tree / "secret.rst").write_text(GOOD)
    os.chmod(tree / "secret.rst", 0)
    out = lint(".", cwd=tree)
    assert out.returncode == 2 and "secret.rst: permission denied" in out.stderr


def test_directory_without_rst_files(tmp_path):
    (tmp_path / "empty").mkdir()
    out = lint("empty", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines()[0] == "sphinx-entrydoc: empty: no .rst files in this directory"


def test_stub_directory_that_does_not_exist(tree):
    out = lint("--stubs", "nowhere", ".", cwd=tree)
    assert out.returncode == 2 and "nowhere" in out.stderr and "does not exist" in out.stderr
    assert out.stderr.count("\n") == 1


def test_invalid_configuration_value_names_key_and_allowed_values(tree):
    (tree / "pyproject.toml").write_text('[tool.sphinx-entrydoc]\nprofile = "strictest"\n')
    out = lint(".", cwd=tree)
    assert out.returncode == 2
    assert "profile" in out.stderr and "default, review" in out.stderr
    assert out.stderr.count("\n") == 1


def test_unterminated_directive(tmp_path):
    (tmp_path / "cut.rst").write_text("Cut\n===\n\n.. code-block:: c\n   :linenos\n")
    out = lint("cut.rst", cwd=tmp_path)
    assert out.returncode == 0 and "Traceback" not in out.stderr


def test_fifty_megabyte_file(tmp_path):
    with open(tmp_path / "big.rst", "wb") as handle:
        handle.truncate(50 * 2**20)
    (tmp_path / "typo.rst").write_text(TYPO)
    out = lint(".", cwd=tmp_path)
    assert "typo.rst:4:1: ED501" in out.stdout
    assert out.returncode == 2
    assert out.stderr.splitlines()[0] == \
        "sphinx-entrydoc: big.rst: 50.0 MiB is larger than the 10 MiB limit for one document"


def test_snippet_of_100000_lines(tmp_path):
    body = "\t\thandle_event(regs);\n" * 100_000
    (tmp_path / "long.rst").write_text(
        "Long\n====\n\n.. code-block:: c\n\n\tnoinstr void f(struct pt_regs *regs)\n\t{\n"
        f"{body}\t\tirqentry_nmi_exti(regs, x);\n\t}}\n")
    (tmp_path / "typo.rst").write_text(TYPO)
    out = lint(".", cwd=tmp_path)
    assert out.returncode == 2 and "typo.rst:4:1: ED501" in out.stdout
    assert out.stderr.splitlines()[0] == ("sphinx-entrydoc: long.rst: the snippet at line 6 has "
                                          "100,004 lines; the limit is 10,000 lines per snippet")


def test_unreadable_file_even_as_root(tree, monkeypatch, capsys):
    """Root reads every file, so the permission error is simulated where the
    file is opened; the CLI still says it in one line and checks the rest."""
    import builtins
    from sphinx_entrydoc.cli import main
    (tree / "secret.rst").write_text(GOOD)
    real_open = builtins.open

    def guarded(path, *args, **kwargs):
        if str(path).endswith("secret.rst"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.chdir(tree)
    status = main(["lint", "--no-cache", "--documents", "all", "--timeout", "0", "."])
    out, err = capsys.readouterr()
    assert status == 2
    assert [l for l in err.splitlines() if "secret.rst" in l] == \
        ["sphinx-entrydoc: secret.rst: permission denied"]
    assert "c-typo.rst:4:1: ED501" in out
