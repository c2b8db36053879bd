"""A snippet can never make the tool read a file outside the stub directories."""
import pytest

from conftest import found, lint, snippet_doc


@pytest.fixture
def sentinel(tmp_path):
    path = tmp_path / "sentinel.h"
    path.write_text('#error "SENTINEL WAS READ"\n')
    return path


def include_doc(target):
    return snippet_doc(f"""
        #include {target}
        noinstr void f(struct pt_regs *regs)
        {{
        	irqentry_state_t state = irqentry_nmi_enter(regs);
        	irqentry_nmi_exit(regs, state);
        }}
    """)


@pytest.mark.parametrize("target", ['"{sentinel}"', "<{sentinel}>"])
def test_absolute_include_is_refused_and_never_opened(sentinel, target):
    findings = lint(include_doc(target.format(sentinel=sentinel)))
    assert [(f.line, f.code) for f in findings] == [(6, "ED106")]
    assert "absolute path" in findings[0].message
    assert not any("SENTINEL" in f.message for f in findings)


def test_dotdot_include_is_refused(sentinel, monkeypatch):
    monkeypatch.chdir(sentinel.parent / "..")
    relative = f"../{sentinel.parent.name}/sentinel.h"
    findings = lint(include_doc(f'"{relative}"'))
    assert [f.code for f in findings] == ["ED106"]
    assert "'..'" in findings[0].message


def test_quoted_include_never_looks_next_to_the_snippet(tmp_path, monkeypatch):
    # A header of the same name in the current directory must not be read.
    (tmp_path / "linux").mkdir()
    (tmp_path / "linux" / "hardirq.h").write_text('#error "SENTINEL WAS READ"\n')
    monkeypatch.chdir(tmp_path)
    assert found(include_doc('"linux/hardirq.h"')) == []


def test_system_header_is_refused():
    findings = lint(include_doc("<stdio.h>"))
    assert [f.code for f in findings] == ["ED106"]
    assert "system headers" in findings[0].message


def test_stub_header_include_is_fine():
    assert found(include_doc("<linux/irq-entry-common.h>")) == []
