"""One notion of a line (read.py): a line ends at \\n, \\r\\n or a lone \\r, and
nowhere else.  A form feed, vertical tab, U+001C-U+001E, NEL, U+2028 or
U+2029 anywhere in a document is one character inside a line: it never
hides a finding, nor moves one, compared with a space in its place.  (They
used to disable every check of the snippet or paragraph they were in.)"""
import contextlib
import io
import json

from hypothesis import HealthCheck, example, given, settings, strategies as st

from conftest import found
from sphinx_entrydoc import cli

INSIDE_A_LINE = ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]

# Findings of many kinds, in a snippet, a '::' block, a list and prose.
DOCUMENT = """Interrupt entry
===============

The handler calls irqentry_nmi_exti() first and obviously returns.

.. code-block:: c

	noinstr void arch_handle_irq(struct pt_regs *regs)
	{
		irqentry_state_t state = irqentry_enter(regs);

		irq_enter_rcu();
		run_irq_handler(regs);
		irq_exit_rcu();

		irqentry_exit(regs);
	}

.. highlight:: c

A literal block::

	noinstr void f(struct pt_regs \\*regs)
	{
		irqentry_state_t s = irqentry_nmi_enter(regs);
	}

Order of the steps:

* lockdep
* rcu
"""


def test_the_document_has_findings_to_lose():
    codes = {code for _, _, code in found(DOCUMENT)}
    assert {"ED001", "ED102", "ED201", "ED301", "ED501"} <= codes


def cli_findings(text, tmp_path):
    """(line, column, code, message) of every finding, through the CLI's JSON."""
    path = tmp_path / "doc.rst"
    path.write_bytes(text.encode("utf-8"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = cli.main(["lint", "--no-cache", "--format", "json", "--profile", "review", str(path)])
    findings = json.loads(out.getvalue())["findings"]
    return status, [(f["line"], f["column"], f["code"], f["message"]) for f in findings]


def spaced(text, position, char):
    """What ``char`` at ``position`` must behave like: a space, or for a
    lone CR a line end (and before a \\n, part of one CRLF)."""
    if char != "\r":
        return text[:position] + " " + text[position:]
    if text[position:position + 1] == "\n":
        return text
    return text[:position] + "\n" + text[position:]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(0, len(DOCUMENT)), char=st.sampled_from(INSIDE_A_LINE + ["\r"]))
@example(position=DOCUMENT.index("irq_enter_rcu") - 1, char="\f")
@example(position=DOCUMENT.index("irq_enter_rcu") + 16, char="\u2028")
@example(position=DOCUMENT.index("exti()") + 7, char="\x85")
@example(position=DOCUMENT.index("regs);\n\t}") + 6, char="\r")
def test_a_line_character_never_hides_or_moves_a_finding(tmp_path, position, char):
    inserted = DOCUMENT[:position] + char + DOCUMENT[position:]
    assert cli_findings(inserted, tmp_path) == cli_findings(spaced(DOCUMENT, position, char), tmp_path)


def test_each_character_keeps_every_finding_of_a_snippet(tmp_path):
    # The reported case: a form feed at the end of a snippet line.
    at = DOCUMENT.index("irq_enter_rcu();") + len("irq_enter_rcu();")
    expected = cli_findings(DOCUMENT[:at] + " " + DOCUMENT[at:], tmp_path)
    assert expected[0] == 1 and len([f for f in expected[1] if f[2] in ("ED201", "ED301")]) >= 2
    for char in INSIDE_A_LINE:
        assert cli_findings(DOCUMENT[:at] + char + DOCUMENT[at:], tmp_path) == expected, repr(char)


def test_a_trailing_form_feed_is_fixed_as_the_character_it_is(tmp_path):
    path = tmp_path / "doc.rst"
    path.write_bytes(b"Title\n=====\n\nSome text.\x0c\n")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        cli.main(["lint", "--no-cache", "--documents", "all", "--fix", str(path)])
    assert path.read_bytes() == b"Title\n=====\n\nSome text.\n"
