"""srctree mode: the index of a kernel source tree and the rules that use it.

Every test writes its own small tree (tmp_path), laid out like a kernel's.
"""
import json
import os
import random
import textwrap

import pytest

from conftest import found, lint, line_of, column_of
from sphinx_entrydoc import config, srctree
from sphinx_entrydoc.config import Config
from sphinx_entrydoc.errors import InputError
from sphinx_entrydoc.names import close_names, osa_distance

TREE = {
    "include/linux/irq-entry-common.h": """
        /* SPDX-License-Identifier: GPL-2.0 */
        #ifndef __LINUX_IRQENTRYCOMMON_H
        #define __LINUX_IRQENTRYCOMMON_H
        #include <linux/context_tracking.h>

        /**
         * irqentry_enter - Handle state tracking on ordinary interrupt entries
         * @regs: Pointer to pt_regs of interrupted context (don't touch: { )
         */
        irqentry_state_t noinstr irqentry_enter(struct pt_regs *regs);
        void noinstr irqentry_exit(struct pt_regs *regs, irqentry_state_t state);
        irqentry_state_t irqentry_nmi_enter(struct pt_regs *regs);
        void irqentry_nmi_exit(struct pt_regs *regs, irqentry_state_t irq_state);

        static __always_inline void irqentry_enter_from_user_mode(struct pt_regs *regs)
        {
        	enter_from_user_mode(regs);
        }

        #define instrumentation_begin() do { } while (0)
        #endif
        """,
    "include/linux/kvm_host.h": """
        static __always_inline void guest_state_enter_irqoff(void)
        {
        	instrumentation_begin();
        	trace_hardirqs_on_prepare();
        	lockdep_hardirqs_on_prepare();
        	instrumentation_end();
        	guest_context_enter_irqoff();
        	lockdep_hardirqs_on(CALLER_ADDR0);
        }
        """,
    "kernel/entry/common.c": """
        // SPDX-License-Identifier: GPL-2.0
        #include <linux/irq-entry-common.h>

        static const char *fmt = "{ unbalanced /* not a comment";

        noinstr irqentry_state_t irqentry_enter(struct pt_regs *regs)
        {
        	irqentry_state_t ret = {
        		.exit_rcu = false,
        	};

        	if (user_mode(regs)) {
        		irqentry_enter_from_user_mode(regs);
        		return ret;
        	}
        #ifdef CONFIG_TINY_RCU
        	if (is_idle_task(current)) {
        #else
        	if (!rcu_is_watching()) {
        #endif
        		ct_irq_enter();
        	}
        	return ret;
        }

        void irqentry_nmi_enter(struct pt_regs *regs)
        {
        	lockdep_hardirqs_off(CALLER_ADDR0);
        }
        EXPORT_SYMBOL_GPL(irqentry_nmi_enter);
        """,
    "arch/x86/kernel/nmi.c": """
        DEFINE_IDTENTRY_RAW(exc_nmi)
        {
        	irqentry_state_t irq_state;

        	irq_state = irqentry_nmi_enter(regs);
        	irqentry_nmi_exit(regs, irq_state);
        }

        noinstr void exc_debug_kernel(struct pt_regs *regs, unsigned long dr6)
        {
        }
        """,
    "arch/x86/include/asm/entry-common.h": """
        #define syscall_exit_to_usermode syscall_exit_to_usermode
        """,
    # Not an indexed directory: what it defines does not count.
    "drivers/misc/entry.c": """
        noinstr void guest_state_exit_irqoff(void)
        {
        }
        """,
}


def write_tree(root, files=TREE):
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Indexes are cached under the test's own directory, never the user's."""
    monkeypatch.setenv(config.CACHE_DIR_ENV, str(tmp_path / "cache"))
    srctree.forget_trees()
    yield
    srctree.forget_trees()


@pytest.fixture
def tree(tmp_path):
    return str(write_tree(tmp_path / "linux"))


def doc(text):
    """An entry-style document (it opts in), so unknown names in its prose are warnings."""
    return "Title\n=====\n\n" + textwrap.dedent(text).strip("\n") + "\n\n.. entrydoc::\n"


# --- the scan ---------------------------------------------------------------

def test_scan_collects_macros_and_top_level_functions_with_markings():
    text = textwrap.dedent(TREE["kernel/entry/common.c"]) + textwrap.dedent(TREE["arch/x86/kernel/nmi.c"])
    records = srctree.scan_text(text)
    by_name = {(name, code) for name, code, _ in records}
    assert ("irqentry_enter", "Fn") in by_name
    assert ("irqentry_nmi_enter", "Fi") in by_name
    assert ("exc_nmi", "G") in by_name
    assert ("exc_debug_kernel", "Fn") in by_name
    # Statements inside bodies, EXPORT_SYMBOL and the initialiser are not declarations.
    assert not {name for name, _, _ in records} & {"user_mode", "ct_irq_enter", "EXPORT_SYMBOL_GPL", "fmt"}


def test_scan_reports_the_line_of_each_name():
    text = textwrap.dedent(TREE["include/linux/irq-entry-common.h"]).lstrip("\n")
    lines = {name: line for name, _, line in srctree.scan_text(text)}
    assert lines["irqentry_enter"] == line_of(text, "irqentry_enter(struct")
    assert lines["instrumentation_begin"] == line_of(text, "#define instrumentation_begin")
    assert lines["irqentry_enter_from_user_mode"] == line_of(text, "void irqentry_enter_from_user_mode")


def test_scan_keeps_in_step_after_an_ifdef_with_two_opening_lines():
    text = textwrap.dedent("""
        void first(void)
        {
        #ifdef A
        	if (a) {
        #else
        	if (b) {
        #endif
        		c = '}';
        	}
        }
        static inline int second(void) { return 0; }
        __printf(1, 2) void third(const char *fmt, ...);
        void fourth(void) __acquires(lock);
        """)
    assert [(n, c) for n, c, _ in srctree.scan_text(text)] == [
        ("first", "Fi"), ("second", "Fi"), ("third", "Di"), ("fourth", "Di")]


def test_names_in_comments_and_strings_are_not_declarations():
    text = '/* void hidden(void); */\nconst char *s = "void quoted(void);";\n// void gone(void);\nvoid real(void);\n'
    assert [n for n, _, _ in srctree.scan_text(text)] == ["real"]


# --- the index and its cache --------------------------------------------------

def test_index_walks_only_the_indexed_directories(tree):
    index = srctree.index_tree(tree)
    assert index.defines("irqentry_enter") and index.defines("exc_nmi")
    assert index.defines("syscall_exit_to_usermode")        # a macro
    assert not index.defines("guest_state_exit_irqoff")      # only under drivers/
    assert index.stats.files_total == 5


def test_a_second_run_reuses_the_cache_and_rescans_only_changed_files(tree, tmp_path):
    cache = str(tmp_path / "my-cache")
    first = srctree.index_tree(tree, cache_dir=cache)
    assert (first.stats.cache_loaded, first.stats.files_scanned, first.stats.cache_saved) == (False, 5, True)
    assert os.path.dirname(first.stats.cache_path) == cache

    second = srctree.index_tree(tree, cache_dir=cache)
    assert (second.stats.cache_loaded, second.stats.files_scanned, second.stats.files_reused) == (True, 0, 5)
    assert not second.stats.cache_saved              # nothing changed: nothing written
    assert second.names == first.names

    header = os.path.join(tree, "include/linux/kvm_host.h")
    with open(header, "a") as handle:
        handle.write("void guest_state_exit_irqoff(void);\n")
    third = srctree.index_tree(tree, cache_dir=cache)
    assert (third.stats.files_scanned, third.stats.files_reused) == (1, 4)
    assert third.defines("guest_state_exit_irqoff")

    os.remove(header)
    fourth = srctree.index_tree(tree, cache_dir=cache)
    assert (fourth.stats.files_scanned, fourth.stats.files_total) == (0, 4)
    assert not fourth.defines("guest_state_exit_irqoff")


def test_fingerprint_changes_with_the_tree_only(tree, tmp_path):
    cache = str(tmp_path / "cache")
    before = srctree.index_tree(tree, cache_dir=cache).fingerprint
    assert srctree.index_tree(tree, cache_dir=cache).fingerprint == before
    with open(os.path.join(tree, "kernel/entry/common.c"), "a") as handle:
        handle.write("\n")
    assert srctree.index_tree(tree, cache_dir=cache).fingerprint != before


def test_default_cache_location_follows_the_environment(tree, tmp_path, monkeypatch):
    monkeypatch.delenv(config.CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    index = srctree.index_tree(tree)
    assert index.stats.cache_path.startswith(str(tmp_path / "xdg" / "sphinx-entrydoc" / "srctree-"))
    assert os.path.isfile(index.stats.cache_path)


@pytest.mark.parametrize("content", ["", "{not json", '{"format": 1, "scanner": 1, "root": "x", "files": []}',
                                     '{"format": 1, "scanner": 999, "files": {}}', "[1, 2]"])
def test_a_corrupt_or_foreign_cache_is_ignored_and_replaced(tree, tmp_path, content):
    cache = str(tmp_path / "cache")
    path = srctree.cache_path(tree, cache)
    os.makedirs(cache, exist_ok=True)
    with open(path, "w") as handle:
        handle.write(content)
    index = srctree.index_tree(tree, cache_dir=cache)
    assert (index.stats.cache_loaded, index.stats.files_scanned) == (False, 5)
    assert index.defines("irqentry_enter")
    with open(path) as handle:
        assert json.load(handle)["scanner"] == srctree.SCANNER_VERSION


def test_a_cache_entry_of_the_wrong_shape_is_a_miss(tree, tmp_path):
    cache = str(tmp_path / "cache")
    srctree.index_tree(tree, cache_dir=cache)
    path = srctree.cache_path(tree, cache)
    with open(path) as handle:
        data = json.load(handle)
    data["files"]["kernel/entry/common.c"] = "garbage"
    with open(path, "w") as handle:
        json.dump(data, handle)
    index = srctree.index_tree(tree, cache_dir=cache)
    assert (index.stats.cache_loaded, index.stats.files_scanned) == (False, 5)


def test_an_unwritable_cache_only_costs_the_cache(tree, tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    index = srctree.index_tree(tree, cache_dir=str(blocker / "sub"))
    assert index.defines("irqentry_enter") and not index.stats.cache_saved


def test_a_directory_that_is_not_a_kernel_tree_is_refused(tmp_path):
    with pytest.raises(InputError, match="is it a kernel source tree"):
        srctree.index_tree(str(tmp_path))
    with pytest.raises(InputError, match="is not a directory"):
        srctree.index_tree(str(tmp_path / "missing"))


def test_parallel_and_serial_scans_agree(tree):
    paths = sorted(srctree.source_files(tree))
    serial = dict(srctree._scan_all(tree, paths, jobs=1))
    old = srctree.PARALLEL_THRESHOLD
    srctree.PARALLEL_THRESHOLD = 0
    try:
        parallel = dict(srctree._scan_all(tree, paths, jobs=2))
    finally:
        srctree.PARALLEL_THRESHOLD = old
    assert serial == parallel


def _names_and_slips(rng, pool_size: int, count: int, edits: int, letters: str):
    """A pool of kernel-like names, and ``count`` of them with up to
    ``edits`` random slips each."""
    words = "irq entry exit enter nmi user mode state work guest rcu".split()
    pool = sorted({"_".join(rng.sample(words, rng.randint(2, 4))) for _ in range(pool_size)})
    slipped = []
    for _ in range(count):
        name = list(rng.choice(pool))
        for _ in range(rng.randint(0, edits)):
            spot = rng.randrange(len(name) - 1)
            name[spot], name[spot + 1] = name[spot + 1], rng.choice(letters)
        slipped.append("".join(name))
    return pool, slipped


def test_close_names_in_a_large_pool_agree_with_the_plain_search():
    pool, names = _names_and_slips(random.Random(7), 3000, 200, 3, "aeirq_")
    finder = srctree._CloseNames(pool)
    for name in names:
        assert finder.close_to(name) == sorted(close_names(name, pool)), name


def _full_osa(a, b):
    """Optimal string alignment over the whole table: the reference."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_banded_distance_agrees_with_the_full_one():
    rng = random.Random(3)
    for _ in range(3000):
        a, b = ("".join(rng.choice("ab_") for _ in range(rng.randint(0, 9))) for _ in range(2))
        for limit in (1, 2, 3):
            assert osa_distance(a, b, limit) == min(_full_osa(a, b), limit + 1)



def test_the_letter_set_refusal_of_close_names_never_refuses_a_close_name():
    """close_names skips a candidate whose letters differ from the name's by
    more than twice the budget: within the budget's edits, they never do."""
    from sphinx_entrydoc.names import allowed_edits, slip
    rng = random.Random(11)
    for _ in range(20000):
        a = "".join(rng.choice("abc_") for _ in range(rng.randint(0, 10)))
        b = list(a)
        for _ in range(rng.randint(0, 3)):
            spot = rng.randrange(len(b) + 1)
            edit = rng.choice("swap insert delete replace")
            if edit == "insert" or not b:
                b.insert(spot, rng.choice("abcd_"))
            elif edit == "delete":
                del b[min(spot, len(b) - 1)]
            elif edit == "replace":
                b[min(spot, len(b) - 1)] = rng.choice("abcd_")
            elif len(b) > 1:
                spot = min(spot, len(b) - 2)
                b[spot], b[spot + 1] = b[spot + 1], b[spot]
        b = "".join(b)
        distance = _full_osa(a, b)
        for budget in (1, 2):
            if distance <= budget:
                assert len(set(a) ^ set(b)) <= 2 * budget, (a, b)
    pool, names = _names_and_slips(rng, 2000, 300, 2, "aeirqx_")
    for name in names:
        budget = allowed_edits(name)
        plain = sorted((osa_distance(name, c, budget), c) for c in pool if budget and c != name
                       and allowed_edits(c) and abs(len(c) - len(name)) <= budget and slip(name, c)
                       and osa_distance(name, c, budget) <= budget)
        expected = [c for d, c in plain if d == plain[0][0]] if plain else []
        assert close_names(name, pool) == expected, name

# --- where the tree comes from ------------------------------------------------

def test_srctree_environment_variable_is_the_fallback(tree):
    assert config.resolve_srctree(Config(), {"srctree": tree}).srctree == tree
    assert config.resolve_srctree(Config(srctree=tree), {"srctree": "/elsewhere"}).srctree == tree
    assert config.resolve_srctree(Config(), {}).srctree == ""


def test_a_relative_srctree_from_the_environment_is_made_absolute(tree, monkeypatch):
    monkeypatch.chdir(os.path.dirname(tree))
    resolved = config.resolve_srctree(Config(), {"srctree": "linux"})
    assert resolved.srctree == os.path.abspath(tree)


def test_the_environment_variable_feeds_a_whole_check(tree, monkeypatch):
    monkeypatch.setenv("srctree", tree)
    text = doc("Call syscall_exit_to_user_mode() on the way out.")
    resolved = config.resolve_srctree(Config(documents=("all",)))
    from sphinx_entrydoc.check import check_source
    from sphinx_entrydoc.read import Source
    assert [f.code for f in check_source(Source("doc.rst", text), resolved)] == ["ED801"]


# --- the rules ------------------------------------------------------------------

def test_stale_name_in_prose_is_flagged_with_the_close_tree_name(tree):
    text = doc("Return to user space through syscall_exit_to_user_mode() last.")
    findings = lint(text, srctree=tree)
    assert [(f.line, f.column, f.code) for f in findings] == [
        (line_of(text, "syscall_exit"), column_of(text, "syscall_exit"), "ED801")]
    assert findings[0].message == ("syscall_exit_to_user_mode() is not defined in the source tree; "
                                   "did you mean syscall_exit_to_usermode()?")
    assert findings[0].suggestion == "syscall_exit_to_usermode()"
    assert findings[0].severity == "warning"


def test_an_older_tree_suggests_the_name_it_still_has(tree, tmp_path):
    older = write_tree(tmp_path / "old", {"include/linux/kvm_host.h": """
        static __always_inline void kvm_guest_enter_irqoff(void)
        {
        }
        """})
    text = doc("Enter the guest with guest_state_enter_irqoff().")
    findings = lint(text, srctree=str(older))
    assert [f.message for f in findings if f.code == "ED801"] == [
        "guest_state_enter_irqoff() is not defined in the source tree; did you mean kvm_guest_enter_irqoff()?"]


def test_names_the_tree_has_are_not_flagged(tree):
    text = doc("""
        irqentry_enter() and irqentry_exit() bracket the handler; exc_nmi() comes
        from DEFINE_IDTENTRY_RAW and guest_state_enter_irqoff() is in a header.

        .. code-block:: c

        	noinstr void handler(struct pt_regs *regs)
        	{
        		irqentry_state_t state = irqentry_enter(regs);

        		irqentry_exit(regs, state);
        	}
        """)
    assert found(text, srctree=tree) == []


def test_stale_call_in_a_snippet_is_flagged(tree):
    text = doc("""
        .. code-block:: c

        	noinstr void handler(struct pt_regs *regs)
        	{
        		irqentry_state_t state = irqentry_enter(regs);

        		syscall_exit_to_user_mode(regs);
        		irqentry_exit(regs, state);
        	}
        """)
    stale = [spot for spot in found(text, srctree=tree) if spot[2] == "ED801"]
    assert stale == [(line_of(text, "syscall_exit"), column_of(text, "syscall_exit"), "ED801")]


def test_a_removed_name_gets_one_finding_not_two(tree):
    text = doc("The old kvm_guest_enter_irqoff() is what older code calls.")
    findings = lint(text, srctree=tree)
    assert [f.code for f in findings] == ["ED503"]
    assert findings[0].suggestion == "guest_state_enter_irqoff()"


def test_a_typo_of_a_tree_noinstr_function_is_stale_and_replaces_unresolved(tree):
    text = doc("The #DB handler runs exc_debug_kernal() in kernel mode.")
    assert found(text) == [(line_of(text, "exc_debug"), column_of(text, "exc_debug"), "ED502")]
    findings = lint(text, srctree=tree)
    assert [f.code for f in findings] == ["ED801"]
    assert findings[0].suggestion == "exc_debug_kernel()"


def test_a_tree_function_is_not_a_typo_of_a_stub_one(tree, tmp_path):
    text = doc("""
        .. code-block:: c

        	noinstr void handler(struct pt_regs *regs)
        	{
        		irqentry_eixt(regs);
        	}
        """)
    def unknown_functions(**settings):
        return [c for _, _, c in found(text, **settings) if c == "ED101"]

    assert unknown_functions() == ["ED101"]
    with_tree = write_tree(tmp_path / "other", {**TREE, "kernel/entry/extra.c": "void irqentry_eixt(struct pt_regs *regs);\n"})
    assert unknown_functions(srctree=str(with_tree)) == []


def test_denied_names_and_known_symbols_are_not_stale(tree):
    text = doc("There is no syscall_exit_to_user_mode() in this tree.")
    assert found(text, srctree=tree) == []
    text = doc("Return through syscall_exit_to_user_mode().")
    assert found(text, srctree=tree, known_symbols=("syscall_exit_to_user_mode",)) == []


def test_a_plain_declaration_alone_does_not_make_a_mismatch(tree):
    # irqentry_nmi_exit() is only declared, without noinstr, as headers often do.
    assert found(doc("Leave through irqentry_nmi_exit()."), srctree=tree) == []


def test_without_a_srctree_nothing_changes():
    text = doc("Return through syscall_exit_to_user_mode() and exc_debug_kernal().")
    assert [c for _, _, c in found(text)] == ["ED502"]
