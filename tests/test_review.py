"""The review profile: what a kernel reviewer would write in a reply, and
nothing a reviewer would not (tests read like the review they automate)."""
import pytest

from conftest import lint


def review(text):
    """(line, code, message, suggestion) of every style finding of --profile review."""
    return [(f.line, f.code, f.message, f.suggestion) for f in lint(text, profile="review")
            if f.code.startswith("ED6")]


# -- typos the document's own vocabulary gives away (ED605) -----------------------------

# After the kernel's Documentation/core-api/entry.rst, whose "Nested
# systcalls" codespell's dictionary does not know (both words are missing
# from an English dictionary; "syscalls" is the document's own word).
SYSCALLS = """\
Syscalls
--------

Syscall-entry code starts in assembly code and calls out into low-level C code
after establishing low-level architecture-specific state and stack frames.
Architectures implement syscalls with a common entry function, and 32-bit
syscalls on a 64-bit kernel go through the same path.

Do not nest syscalls. Nested systcalls will cause RCU and/or context tracking
to print a warning.

KVM
---

Entering or exiting guest mode is very similar to syscalls.
"""


def test_a_word_one_slip_from_the_documents_own_word_is_a_typo():
    assert review(SYSCALLS) == [
        (9, "ED605", "'systcalls' is no word; did you mean 'syscalls', as at line 1?", "syscalls")]


def test_a_word_one_slip_from_a_common_word_the_document_uses():
    # From Documentation/core-api/workqueue.rst, which codespell passes.
    text = ("Workqueues\n==========\n\nThe advantage of an unbound workqueue is flexibility.\n"
            "There is no real advanage to the latter.\n")
    assert review(text) == [(5, "ED605", "'advanage' is no word; did you mean 'advantage', as at line 4?",
                             "advantage")]


@pytest.mark.parametrize("text", [
    # Inflections differ at the end, prefixes at the start: not slips.
    "The irq is masked.  All irqs are masked.  The irqs stay masked.\n",
    # A family of names: setuid and setgid differ by a letter that means something.
    "The setuid bit, and setuid again, and the setgid bit.\n",
    # British spelling is kernel style too.
    "The behaviour is the same; the behavior is documented.  Behavior again, behavior.\n",
    # Kernel jargon made of a name and an ending: mmap() is the document's.
    "Call mmap() first.  The mmapped pages are mapped, mapped and mapped.\n",
    # A name written only with a capital: a title word or a proper name.
    "Intro to it.  Into the code, into the stack, into the heap.\n",
    # A word used three times is the author's word, not a slip.
    "The foobaz, the foobaz, the foobaz and the fooboz, fooboz.\n",
])
def test_no_typo_where_the_vocabulary_says_nothing(text):
    assert review("Title\n=====\n\n" + text) == []


# -- mechanical damage (ED606) -------------------------------------------------------

# Copies of kernel documents in circulation carry a blind replacement of
# "no" inside words: by "yes" (Documentation/firmware-guide/acpi/lid.rst:
# "yestify", "is yest guaranteed", "eyesugh") and by "anal"
# (Documentation/tools/rtla/rtla-hwnoise.rst: "SYANALPSIS", "analn-maskable
# interrupts and hardware-related analise").
DAMAGED = """\
SYANALPSIS
==========

By disabling interrupts, only analn-maskable interrupts and hardware-related
analise is allowed.  The handler does analt return.

The tables yestify the OS, but the event is yest guaranteed.  As far as we
kyesw, the tables are analysed once, and the yes/no answer is cached.
"""


def test_the_products_of_a_blind_replacement_of_no_are_found():
    found = [(line, message.split(";")[0], suggestion) for line, code, message, suggestion in review(DAMAGED)
             if code == "ED606"]
    assert found == [
        (1, "'SYANALPSIS' is 'SYNOPSIS' damaged by a blind replacement of 'no' with 'anal'", "SYNOPSIS"),
        (4, "'analn' is 'non' damaged by a blind replacement of 'no' with 'anal'", "non"),
        (5, "'analise' is 'noise' damaged by a blind replacement of 'no' with 'anal'", "noise"),
        (5, "'analt' is 'not' damaged by a blind replacement of 'no' with 'anal'", "not"),
        (7, "'yestify' is 'notify' damaged by a blind replacement of 'no' with 'yes'", "notify"),
        (7, "'yest' is 'not' damaged by a blind replacement of 'no' with 'yes'", "not"),
        (8, "'kyesw' is 'know' damaged by a blind replacement of 'no' with 'yes'", "know"),
    ]
    # "analysed" and "yes" are words: they stay.
    assert not any("analysed" in m or "'yes'" == m.split()[0] for _, _, m, _ in review(DAMAGED))


def test_a_fix_repairs_the_damage_keeping_the_case():
    fixes = {f.fix.old: f.fix.new for f in lint(DAMAGED, profile="review") if f.code == "ED606"}
    assert fixes == {"SYANALPSIS": "SYNOPSIS", "analn": "non", "analise": "noise", "analt": "not",
                     "yestify": "notify", "yest": "not", "kyesw": "know"}


# -- what a reviewer would not write (noise cut on real documents) ----------------------

@pytest.mark.parametrize("sentence", [
    # Ordinary prose, from RCU, locking and workqueue documents.
    "Of course, synchronize_rcu() does not necessarily return immediately.",
    "This may fail of course.",
    "Then just call the function and simply wait for it.",
    "The following performance testing clearly illustrates this trade-off.",
    "The work item's function should be trivially visible in the stack trace.",
    # Kernel words codespell's dictionary flags.
    "Lockdep is enabled at bootup, the threads are affinitized and interrupts are reenabled.",
    # Limitations stated as limitations.
    "This mechanism cannot be used if the protected data contains pointers.",
    "Since synchronize_rcu() can block, it cannot be called from any sort of irq context.",
    "Rx specific APIs like page pool or XDP cannot be used at all when budget is 0.",
    # Names and acronyms.
    "Thanks to Thierry Reding for the HSI and OPPs work.",
    "Written by Peter Zijlstra <a.p.zijlstra@chello.nl> in 2008.",
])
def test_ordinary_prose_and_kernel_words_yield_nothing(sentence):
    assert review("Title\n=====\n\n" + sentence + "\n") == []


def test_obviously_in_a_rule_is_what_a_reviewer_would_strike():
    text = "Title\n=====\n\nThe exit path obviously must undo the state in reverse order.\n"
    assert review(text) == [(4, "ED601", "filler word 'obviously' adds nothing; drop it", None)]


def test_cannot_be_traced_where_must_not_be_traced_is_meant():
    text = "Title\n=====\n\nThe code before RCU is watching can not be traced.\n"
    assert [(l, c) for l, c, _, _ in review(text)] == [(4, "ED602")]


def test_a_true_misspelling_is_still_found():
    text = "Title\n=====\n\nThe state is saved on the inital entry.\n"
    assert review(text) == [(4, "ED604", "'inital' is misspelled; did you mean 'initial'?", "initial")]
