"""Every rule's work grows linearly with its input.

No clocks: the work is counted as the lines of this package's own code that
Python executes (sys.settrace line events), for an input of size n and of
size 4n.  Linear work gives a ratio near 4, quadratic work near 16; the
bound is 6.  (Work inside C code -- libclang, the regex engine -- is not
counted here; the regex cases below have pathological inputs large enough
that a quadratic pattern would not finish, see test_pathological_prose.)
"""
import os
import sys

import pytest

from sphinx_entrydoc.check import check_document
from sphinx_entrydoc.config import Config
from sphinx_entrydoc.read import Source

PACKAGE = os.path.dirname(os.path.abspath(sys.modules["sphinx_entrydoc"].__file__))
LINEAR_BOUND = 6.0


def executed_lines(work) -> int:
    """How many lines of sphinx_entrydoc's code ``work()`` executes."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def global_trace(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    sys.settrace(global_trace)
    try:
        work()
    finally:
        sys.settrace(None)
    return count


def snippet(code: str) -> str:
    return ".. code-block:: c\n\n" + "".join(f"   {l}\n" if l else "\n" for l in code.splitlines()) + "\n"


def calls_on_one_line(n: int) -> str:
    # Found by issue 10: 4,000 calls on one line took 219 s (raw_column).
    calls = " ".join("irq_enter_rcu(); irq_exit_rcu();" for _ in range(n))
    return snippet(f"noinstr void f(void)\n{{\n\t{calls}\n}}\n")


def many_snippets(n: int) -> str:
    return "".join(snippet(f"noinstr void f{i}(struct pt_regs *regs)\n{{\n\tirqentry_enter(regs);\n}}\n")
                   for i in range(n))


def deep_expression(n: int) -> str:
    return snippet(f"noinstr void f(void)\n{{\n\tint y = (irq_enter_rcu(), 1) {'+1' * n};\n}}\n")


def long_paragraph(n: int) -> str:
    # Names, roles, abbreviations, filler and misspelt words, all in one paragraph.
    sentence = ("Obviously irqentry_entr() calls :c:func:`irq_enter_rcu`, e.g. In the NMI case "
                "it can not be traced and teh counter :a:a:a moves. ")
    return sentence * n + "\n\n"


def ordering_list(n: int) -> str:
    items = "".join(f"{i + 1}. Update the preemption counter and lockdep state\n" for i in range(n))
    return "irqentry_nmi_enter() updates the state in this order:\n\n" + items + "\n"


def lines_of_text(n: int) -> str:
    return "".join(f"Line {i} of running text mentions irq_exit_rcu() once.   \n" for i in range(n)) + "\n"


INPUTS = {
    "calls on one line": (calls_on_one_line, 50),
    "many snippets": (many_snippets, 10),
    "deep expression": (deep_expression, 100),
    "long paragraph": (long_paragraph, 20),
    "ordering list": (ordering_list, 20),
    "lines of text": (lines_of_text, 50),
}


@pytest.mark.parametrize("name", sorted(INPUTS))
@pytest.mark.parametrize("profile", ["default", "review"])
def test_work_grows_linearly(name, profile):
    make, n = INPUTS[name]
    config = Config(profile=profile)

    def work(size):
        text = "Title\n=====\n\n" + make(size)
        return executed_lines(lambda: check_document(Source("doc.rst", text), config))

    check_document(Source("doc.rst", "Title\n=====\n\n" + make(1)), config)   # load the stubs first
    small, large = work(n), work(4 * n)
    assert large / small < LINEAR_BOUND, f"{name}: {small} -> {large} lines executed for 4x the input"


@pytest.mark.parametrize("text", [
    ":a" * 20_000,                          # a role pattern tried from every colon
    "e.g. A " * 20_000,                     # sentence ends skipped as abbreviations
    "x{ " + "a " * 20_000,                  # a brace form that never closes
    "``" + " ``a" * 20_000,                 # inline literals
    ":c:func:`" * 20_000,                   # roles that never close
])
def test_pathological_prose_is_read_in_one_pass(text):
    """Each of these took tens of seconds (or minutes) with a quadratic
    pattern (':a' * 20,000: 47 s); they must simply be read.  Called
    directly: docutils' own inline parser is quadratic on some of them
    (':a' * 20,000 takes it about a minute), which bounds no rule of ours;
    the CLI's worker timeout bounds it, and in Sphinx it is Sphinx's parse."""
    from sphinx_entrydoc.sentences import mentions, prose_only, sentences, words
    pieces = sentences(text)
    assert sum(len(p) for _, p in pieces) <= len(text)
    assert len(prose_only(text)) == len(text)
    list(mentions(text))
    list(words(text))
