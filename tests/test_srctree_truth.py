"""srctree mode: the tree's prototypes and markings win over the model.

Every test writes its own small tree (tmp_path).  Its prototype of
syscall_enter_from_user_mode() takes a third argument, which no kernel
ever had: whatever the model says, only the tree can be its source.
"""
import textwrap

import pytest

from conftest import found, lint, line_of, snippet_doc
from sphinx_entrydoc import cli, srctree, treeapi
from sphinx_entrydoc.stubs import load_api

INVENTED = "long syscall_enter_from_user_mode(struct pt_regs *regs, long *syscall, unsigned int flags)"

TREE = {
    "Makefile": "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n",
    "include/linux/entry-common.h": """
        /* A made-up tree: no kernel ever had this prototype. */
        #ifndef __LINUX_ENTRYCOMMON_H
        #define __LINUX_ENTRYCOMMON_H

        /**
         * syscall_enter_from_user_mode - ... (a comment with { braces ) and a prototype:
         * long syscall_enter_from_user_mode(struct pt_regs *regs, long syscall);
         */
        static __always_inline long syscall_enter_from_user_mode(struct pt_regs *regs,
        							 long *syscall,
        							 unsigned int flags)
        {
        	return 0;
        }

        void syscall_exit_to_user_mode(struct pt_regs *regs);
        #endif
        """,
    "include/linux/irq-entry-common.h": """
        irqentry_state_t noinstr irqentry_enter(struct pt_regs *regs);
        void noinstr irqentry_exit(struct pt_regs *regs, irqentry_cookie_t state);
        void noinstr irqentry_nmi_exit(struct pt_regs *regs, irqentry_state_t irq_state);
        """,
    "kernel/entry/common.c": """
        __visible noinstr void syscall_exit_to_user_mode(struct pt_regs *regs)
        {
        }

        irqentry_state_t irqentry_nmi_enter(struct pt_regs *regs)
        {
        	return (irqentry_state_t){};
        }
        """,
}

MATCHES_TREE = """
    noinstr void do_syscall(struct pt_regs *regs)
    {
    	long nr = 0;

    	syscall_enter_from_user_mode(regs, &nr, 0);
    	syscall_exit_to_user_mode(regs);
    }
    """
MATCHES_MODEL = """
    noinstr void do_syscall(struct pt_regs *regs)
    {
    	long nr = 0;

    	syscall_enter_from_user_mode(regs, &nr);
    	syscall_exit_to_user_mode(regs);
    }
    """


def write_tree(root, files=TREE):
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return str(root)


@pytest.fixture(autouse=True)
def fresh_indexes():
    srctree.forget_trees()
    yield
    srctree.forget_trees()


@pytest.fixture
def tree(tmp_path):
    return write_tree(tmp_path / "linux")


def test_an_example_matching_the_tree_is_clean(tree):
    assert found(snippet_doc(MATCHES_TREE), srctree=tree) == []


def test_an_example_matching_the_model_is_flagged_with_the_trees_prototype(tree):
    text = snippet_doc(MATCHES_MODEL)
    assert found(text) == []          # the model alone agrees with it
    findings = lint(text, srctree=tree)
    assert [(f.line, f.code) for f in findings] == [(line_of(text, "syscall_enter_from_user_mode(regs, &nr)"), "ED102")]
    header = textwrap.dedent(TREE["include/linux/entry-common.h"]).lstrip("\n").split("\n")
    defined_at = next(i + 1 for i, l in enumerate(header) if l.startswith("static __always_inline long"))
    assert findings[0].message == (
        "too few arguments to function call, expected 3, have 2; syscall_enter_from_user_mode() is "
        f"declared as '{INVENTED}' (include/linux/entry-common.h)")
    api = treeapi.apply_tree(load_api(), tree)
    assert api.functions["syscall_enter_from_user_mode"].line == defined_at


def test_the_tree_changes_prototypes_not_which_documents_are_selected(tree):
    # A Sphinx build makes the selection's model once, from the stubs alone,
    # and hands it to check.prepare: the tree must not change its names.
    from sphinx_entrydoc.selection import model_for
    api = load_api()
    corrected = treeapi.apply_tree(api, tree)
    assert corrected.functions != api.functions           # the tree did correct something
    assert model_for(corrected).names == model_for(api).names


def test_the_int_pointer_of_the_mainline_example_is_reported_as_int_versus_long_pointer(tmp_path):
    # Mainline's entry.rst calls syscall_enter_from_user_mode(regs, &nr) with an int nr,
    # against the tree's long *syscall.
    tree = write_tree(tmp_path / "linux", {"include/linux/entry-common.h": """
        static __always_inline long syscall_enter_from_user_mode(struct pt_regs *regs, long *syscall)
        {
        	return 0;
        }
        """})
    text = snippet_doc("""
        void do_syscall(struct pt_regs *regs)
        {
        	int nr = 0;

        	syscall_enter_from_user_mode(regs, &nr);
        	syscall_exit_to_user_mode(regs);
        }
        """)
    messages = [f.message for f in lint(text, srctree=tree) if f.code == "ED102"]
    assert messages == ["incompatible pointer types passing 'int *' to parameter of type 'long *'; "
                        "syscall_enter_from_user_mode() is declared as 'long syscall_enter_from_user_mode("
                        "struct pt_regs *regs, long *syscall)' (include/linux/entry-common.h)"]


def test_the_trees_marking_decides_what_a_noinstr_function_may_call(tmp_path):
    # The model marks irqentry_nmi_enter() noinstr; this tree defines it plainly.
    tree = write_tree(tmp_path / "linux")
    text = snippet_doc("""
        noinstr void handler(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_nmi_enter(regs);

        	irqentry_nmi_exit(regs, state);
        }
        """)
    assert found(text) == []
    findings = lint(text, srctree=tree)
    assert [(f.line, f.code) for f in findings] == [(line_of(text, "irqentry_nmi_enter(regs)"), "ED201")]
    assert "kernel/entry/common.c declares it instrumentable" in findings[0].message


def test_types_the_stubs_do_not_know_are_opaque_and_not_judged(tree):
    # irqentry_cookie_t exists only in the tree: the call compiles, and what
    # is passed to it cannot be judged; the number of arguments still can.
    good = snippet_doc("""
        noinstr void handler(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_enter(regs);

        	irqentry_exit(regs, state);
        }
        """)
    assert found(good, srctree=tree) == []
    bad = good.replace("irqentry_exit(regs, state)", "irqentry_exit(regs)")
    assert [c for _, _, c in found(bad, srctree=tree)] == ["ED102"]
    api = treeapi.apply_tree(load_api(), tree)
    assert api.functions["irqentry_exit"].signature == \
        "void irqentry_exit(struct pt_regs *regs, irqentry_cookie_t state)"


def test_the_run_says_once_that_tree_and_model_disagree(tree, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a.rst", "b.rst", "c.rst"):
        (tmp_path / name).write_text(snippet_doc(MATCHES_TREE))
    status = cli.main(["lint", "--no-cache", "-j", "2", "--srctree", tree, "a.rst", "b.rst", "c.rst"])
    out, err = capsys.readouterr()
    assert (status, out) == (0, "")
    said = [line for line in err.splitlines() if "disagree on syscall_enter_from_user_mode()" in line]
    assert len(said) == 1
    assert said[0].startswith("sphinx-entrydoc: warning: the model")
    # It names both prototypes and the tree's file.
    assert "'long syscall_enter_from_user_mode(struct pt_regs *regs, long syscall)'" in said[0]
    assert f"'{INVENTED}' (include/linux/entry-common.h:" in said[0]
    marking = [line for line in err.splitlines() if "disagree on irqentry_nmi_enter()" in line]
    assert len(marking) == 1 and "kernel/entry/common.c:" in marking[0]


def test_without_a_tree_nothing_is_said(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("srctree", raising=False)
    (tmp_path / "a.rst").write_text(snippet_doc(MATCHES_MODEL))
    assert cli.main(["lint", "--no-cache", "a.rst"]) == 0
    assert "disagree" not in capsys.readouterr().err


def test_a_declaration_that_is_not_plain_c_keeps_the_model_and_says_so(tmp_path):
    tree = write_tree(tmp_path / "linux", {"include/linux/irq-entry-common.h": """
        void noinstr irqentry_exit(struct pt_regs *regs, irqentry_state_t state = { 0 } @);
        """})
    truth = treeapi.tree_truth(load_api(), srctree.tree_for(tree))
    assert truth.api.functions["irqentry_exit"] == load_api().functions["irqentry_exit"]
    assert [w for w in truth.warnings() if "irqentry_exit()" in w] == [
        "the source tree's prototype of irqentry_exit() was not used (include/linux/irq-entry-common.h:1 "
        "is not a plain C declaration); checking against the model's"]


def test_the_tree_never_reaches_libclang_except_as_declarations(tmp_path):
    # Directives, strings and comments in the tree never make it into the
    # generated header: only tokens of the declarations do.
    tree = write_tree(tmp_path / "linux", {"include/linux/entry-common.h": """
        #include "/etc/passwd"
        static __always_inline long syscall_enter_from_user_mode(struct pt_regs *regs, long *syscall /* #include <x> */)
        {
        	asm("#include \\"/etc/shadow\\"");
        	return 0;
        }
        """})
    api = treeapi.apply_tree(load_api(), tree)
    with open(api.prelude, encoding="utf-8") as handle:
        generated = handle.read()
    directives = [l for l in generated.splitlines() if l.startswith("#")]
    assert directives == ["#define syscall_enter_from_user_mode __entrydoc_model_syscall_enter_from_user_mode",
                          "#include <entrydoc/prelude.h>",
                          "#undef syscall_enter_from_user_mode"]
    assert "passwd" not in generated and "shadow" not in generated and "asm" not in generated
    assert generated.rstrip().endswith("long syscall_enter_from_user_mode(struct pt_regs *regs, long *syscall);")


@pytest.mark.parametrize("name, piece, expected", [
    ("syscall_exit_to_user_mode", "__visible noinstr void syscall_exit_to_user_mode(struct pt_regs *regs)",
     ("void", "struct pt_regs *regs")),
    ("irqentry_enter", "irqentry_state_t noinstr irqentry_enter(struct pt_regs *regs)",
     ("irqentry_state_t", "struct pt_regs *regs")),
    ("syscall_enter_from_user_mode",
     "static __always_inline long syscall_enter_from_user_mode(struct pt_regs *regs,\n\t\tlong *syscall)",
     ("long", "struct pt_regs *regs, long *syscall")),
    ("local_irq_enable_exit_to_user", "static inline void local_irq_enable_exit_to_user(unsigned long ti_work)",
     ("void", "unsigned long ti_work")),
    ("arch_foo", "void __attribute__((weak)) __must_check arch_foo(void) __acquires(rcu)", ("void", "void")),
    ("kvm_xfer", "extern int kvm_xfer(struct kvm_vcpu *vcpu, void (*done)(int), const char name[])",
     ("int", "struct kvm_vcpu *vcpu, void (*done)(int), const char name[]")),
])
def test_declarations_are_read_without_markings_and_attributes(name, piece, expected):
    assert treeapi.parse_declaration(piece, name) == expected


@pytest.mark.parametrize("piece", [
    "void f(int x = 3)",                        # an initialiser: not a declaration
    "f(int x)",                                 # no result type
    "void f(struct pt_regs *regs, \"x\")",      # a string
    "void f(struct pt_regs *regs",              # never closed
])
def test_what_is_not_a_plain_declaration_is_refused(piece):
    assert treeapi.parse_declaration(piece, "f") is None


def test_where_tree_and_model_agree_findings_quote_the_trees_file(tmp_path):
    tree = write_tree(tmp_path / "linux", {"include/linux/entry-common.h": """
        noinstr void irqentry_nmi_exit(struct pt_regs *regs, irqentry_state_t irq_state);
        """})
    text = snippet_doc("""
        noinstr void nmi(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_nmi_enter(regs);

        	irqentry_nmi_exit(regs);
        }
        """)
    (finding,) = [f for f in lint(text, srctree=tree) if f.code == "ED102"]
    assert finding.message.endswith("irqentry_nmi_exit() is declared as 'void irqentry_nmi_exit("
                                    "struct pt_regs *regs, irqentry_state_t irq_state)' "
                                    "(include/linux/entry-common.h)")
