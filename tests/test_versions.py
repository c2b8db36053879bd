"""Issue 9: the kernel version a run checks against -- how it is chosen and
where every report names it."""
import io
import json
import os

import pytest

from sphinx_entrydoc import cli, kversion

# Opts in, so the default selection (auto) checks it.
CLEAN = "Title\n=====\n\nNothing to say about entry code here.\n\n.. entrydoc::\n"


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        status = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return status, out, err
    return invoke


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def kernel_tree(root, version, patchlevel):
    """The smallest kernel tree: a top Makefile as the kernel writes it."""
    write(root / "Makefile", f"# SPDX-License-Identifier: GPL-2.0\nVERSION = {version}\n"
                             f"PATCHLEVEL = {patchlevel}\nSUBLEVEL = 0\nEXTRAVERSION =\nNAME = Test\n")
    write(root / "include" / "linux" / "entry-common.h", "/* empty */\n")
    return root


# -- choosing the version ------------------------------------------------------

def test_default_is_the_newest_modelled_mainline(run, tmp_path):
    write(tmp_path / "a.rst", CLEAN)
    status, out, err = run("lint", "--isolated", "--no-cache", "a.rst")
    assert status == 0
    assert err.endswith(f"checked against kernel {kversion.name(kversion.NEWEST)}\n")


@pytest.mark.parametrize("given", ["6.12", "v6.12", "6.12.58"])
def test_kernel_version_option_in_its_spellings(run, tmp_path, given):
    write(tmp_path / "a.rst", CLEAN)
    status, _, err = run("lint", "--isolated", "--no-cache", "--kernel-version", given, "a.rst")
    assert (status, err.rsplit(";", 1)[1]) == (0, " 1 document(s) checked against kernel v6.12\n")


@pytest.mark.parametrize("given", ["4.19", "5.9", "v9.1", "6.25"])
def test_outside_the_modelled_range_is_one_line_and_exit_2(run, tmp_path, given):
    write(tmp_path / "a.rst", CLEAN)
    status, out, err = run("lint", "--isolated", "--no-cache", "--kernel-version", given, "a.rst")
    assert status == 2 and out == ""
    assert err == (f"sphinx-entrydoc: kernel version {given} is outside the modelled range "
                   f"v5.10 to {kversion.name(kversion.NEWEST)}\n")


def test_not_a_version_is_one_line_and_exit_2(run, tmp_path):
    write(tmp_path / "a.rst", CLEAN)
    status, _, err = run("lint", "--isolated", "--kernel-version", "latest", "a.rst")
    assert status == 2 and err.count("\n") == 1 and "invalid kernel version 'latest'" in err


def test_pyproject_kernel_version_and_the_command_line_wins(run, tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.sphinx-entrydoc]\nkernel-version = "v5.15"\n')
    write(tmp_path / "a.rst", CLEAN)
    _, _, err = run("lint", "--no-cache", "a.rst")
    assert err.endswith("against kernel v5.15\n")
    _, _, err = run("lint", "--no-cache", "--kernel-version", "6.6", "a.rst")
    assert err.endswith("against kernel v6.6\n")


def test_pyproject_kernel_version_outside_the_range_names_the_key(run, tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.sphinx-entrydoc]\nkernel-version = "4.4"\n')
    write(tmp_path / "a.rst", CLEAN)
    status, _, err = run("lint", "a.rst")
    assert status == 2 and err.count("\n") == 1
    assert "invalid value '4.4' for kernel-version: allowed values are \"X.Y\" or \"vX.Y\" from v5.10" in err


def test_a_source_tree_makefile_selects_its_version(run, tmp_path):
    tree = kernel_tree(tmp_path / "linux", 6, 18)
    write(tmp_path / "a.rst", CLEAN)
    status, _, err = run("lint", "--isolated", "--no-cache", "--srctree", tree, "a.rst")
    assert (status, err.rsplit(";", 1)[1]) == (0, " 1 document(s) checked against kernel v6.18\n")
    # Given explicitly, the version wins over the tree's.
    _, _, err = run("lint", "--isolated", "--no-cache", "--srctree", tree, "--kernel-version", "6.1", "a.rst")
    assert err.endswith("against kernel v6.1\n")


def test_a_source_tree_outside_the_range_is_one_line_and_exit_2(run, tmp_path):
    tree = kernel_tree(tmp_path / "linux", 4, 19)
    write(tmp_path / "a.rst", CLEAN)
    status, _, err = run("lint", "--isolated", "--no-cache", "--srctree", tree, "a.rst")
    assert status == 2 and err.count("\n") == 1
    assert "kernel version 4.19 (from " in err and "is outside the modelled range v5.10 to" in err


def test_the_cache_key_includes_the_version(run, tmp_path):
    """A document whose findings depend on the version is not answered from
    the entry of another version."""
    write(tmp_path / "a.rst", "Title\n=====\n\nThe handler checks in_irq() first.\n\n.. entrydoc::\n")
    newest = run("lint", "--isolated", "a.rst")
    older = run("lint", "--isolated", "--kernel-version", "6.18", "a.rst")
    assert newest[0] == 1 and "ED503" in newest[1]
    assert older[0] == 0 and older[1] == ""


# -- every report names it ----------------------------------------------------

def test_json_and_sarif_carry_the_version(run, tmp_path):
    write(tmp_path / "a.rst", CLEAN)
    _, out, _ = run("lint", "--isolated", "--no-cache", "--kernel-version", "6.6", "--format", "json", "a.rst")
    assert json.loads(out)["summary"]["kernel_version"] == "v6.6"
    _, out, _ = run("lint", "--isolated", "--no-cache", "--kernel-version", "6.6", "--format", "sarif", "a.rst")
    assert json.loads(out)["runs"][0]["properties"] == {"kernelVersion": "v6.6"}


def test_check_patch_names_the_version(run, tmp_path):
    patch = write(tmp_path / "p.diff", "--- a/Documentation/x.rst\n+++ b/Documentation/x.rst\n"
                                       "@@ -1,1 +1,2 @@\n Title\n+more\n")
    _, _, err = run("check-patch", "--isolated", "--no-cache", "--kernel-version", "5.10", patch)
    assert err.endswith("checked against kernel v5.10\n")


# -- Sphinx ---------------------------------------------------------------------

def _sphinx_build(tmp_path, **overrides):
    from sphinx.application import Sphinx
    src = tmp_path / "src"
    write(src / "conf.py", 'extensions = ["sphinx_entrydoc"]\n')
    write(src / "index.rst", "Title\n=====\n\n.. code-block:: c\n\n\tnoinstr void f(struct pt_regs *regs)\n"
                             "\t{\n\t\tirqentry_state_t state = irqentry_enter(regs);\n\n"
                             "\t\tirqentry_exit(regs, state);\n\t}\n\nThe handler checks in_irq() first.\n")
    status, warning = io.StringIO(), io.StringIO()
    app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 confoverrides=overrides, status=status, warning=warning, freshenv=True)
    app.build()
    return app, status.getvalue(), warning.getvalue()


def test_sphinx_summary_names_the_version(tmp_path):
    app, _, warning = _sphinx_build(tmp_path)
    assert app.statuscode == 1
    assert f"entrydoc: 1 error(s) in 1 document(s) (checked against kernel " \
           f"{kversion.name(kversion.NEWEST)})" in warning
    app, status, warning = _sphinx_build(tmp_path, entrydoc_kernel_version="6.18")
    assert app.statuscode == 0 and "ED503" not in warning
    assert "entrydoc: 1 document(s) checked against kernel v6.18, none fails the build" in status


def test_sphinx_out_of_range_is_one_warning_and_the_nearest_version(tmp_path):
    app, status, warning = _sphinx_build(tmp_path, entrydoc_kernel_version="4.19")
    lines = [l for l in warning.splitlines() if "kernel version" in l]
    assert len(lines) == 1 and "4.19 is outside the modelled range v5.10 to" in lines[0]
    assert "checking against v5.10" in lines[0]
    assert "checked against kernel v5.10" in status


# -- the versioned model itself ---------------------------------------------------

def _release_before(version):
    major, minor = version
    return (major, minor - 1) if minor else (major - 1, kversion.LAST_MINOR[major - 1])


def test_each_removed_name_is_declared_up_to_its_removal_and_not_from_it_on():
    from sphinx_entrydoc.stubs import load_api
    newest = load_api()
    assert newest.removed, "the model records no removed name"
    for name, removed in newest.removed.items():
        before = _release_before(removed.since)
        if before < kversion.OLDEST:
            continue
        old = load_api(version=before)
        assert name in old.functions or name in old.macros, f"{name} not declared in {kversion.name(before)}"
        assert name not in old.removed, f"{name} reported removed before {kversion.name(removed.since)}"
        gone = load_api(version=removed.since)
        assert name not in gone.functions and name not in gone.macros, name
        assert name in gone.removed


def test_a_prototype_changes_at_the_version_that_changed_it():
    from sphinx_entrydoc.stubs import load_api
    def prototype(name, version):
        return load_api(version=kversion.parse(version)).functions[name].signature
    assert prototype("lockdep_hardirqs_on_prepare", "5.17").endswith("(unsigned long ip)")
    assert prototype("lockdep_hardirqs_on_prepare", "5.18").endswith("(void)")
    assert prototype("xfer_to_guest_mode_handle_work", "6.17").endswith("(struct kvm_vcpu *vcpu)")
    assert prototype("xfer_to_guest_mode_handle_work", "6.18").endswith("(void)")
    assert prototype("syscall_enter_from_user_mode", "7.2").endswith("long syscall)")
    assert prototype("syscall_enter_from_user_mode", "7.3").endswith("long *syscall)")
    markings = {v: load_api(version=kversion.parse(v)).functions["enter_from_user_mode"].marking
                for v in ("6.7", "6.8")}
    assert markings == {"6.7": "noinstr", "6.8": "always_inline"}


# -- a header's own life -----------------------------------------------------------

# An entry handler written for today's kernel: its includes are the ones
# v6.19 has, and its one slip (the exit's missing state) is the same everywhere.
HEADERS_DOC = """\
NMI handling
============

.. code-block:: c

   #include <linux/irq-entry-common.h>
   #include <linux/entry-kvm.h>

   noinstr void handle_nmi(struct pt_regs *regs)
   {
           irqentry_state_t state = irqentry_nmi_enter(regs);

           irqentry_nmi_exit(regs);
   }
"""


def _headers_findings(run, tmp_path, version):
    doc = write(tmp_path / "nmi.rst", HEADERS_DOC)
    status, out, _ = run("lint", "--format", "json", "--no-cache", "--kernel-version", version, doc)
    return [(f["line"], f["column"], f["code"], f["message"]) for f in json.loads(out)["findings"]
            if f["code"] in ("ED102", "ED108")]


def test_an_include_of_a_header_the_version_does_not_have_yet_or_any_more(run, tmp_path):
    assert _headers_findings(run, tmp_path, "6.1") == [
        (6, 14, "ED108", "<linux/irq-entry-common.h> does not exist in kernel v6.1 (new in v6.16); "
                         "its declarations are in <linux/entry-common.h>"),
        (13, 12, "ED102", "too few arguments to function call, expected 2, have 1; irqentry_nmi_exit() is "
                         "declared as 'void irqentry_nmi_exit(struct pt_regs *regs, irqentry_state_t "
                         "irq_state)' (linux/entry-common.h)")]
    assert _headers_findings(run, tmp_path, "7.3")[0] == (
        7, 14, "ED108", "<linux/entry-kvm.h> does not exist in kernel v7.3 (gone from v6.18 on); "
                        "its declarations are in <linux/entry-virt.h>")
    assert [code for _, _, code, _ in _headers_findings(run, tmp_path, "6.17")] == ["ED102"]


def test_the_fix_includes_the_header_of_the_version_checked(run, tmp_path):
    doc = write(tmp_path / "nmi.rst", HEADERS_DOC)
    run("lint", "--fix", "--no-cache", "--kernel-version", "6.1", doc)
    assert "#include <linux/entry-common.h>\n   #include <linux/entry-kvm.h>\n" in doc.read_text()


def test_a_finding_names_the_header_of_the_version_checked(run, tmp_path):
    # The same stub serves both; the kernel's name for it changed in v6.16.
    assert "(linux/entry-common.h)" in _headers_findings(run, tmp_path, "6.15")[-1][3]
    assert "(linux/irq-entry-common.h)" in _headers_findings(run, tmp_path, "6.16")[-1][3]


def test_in_a_source_tree_the_tree_says_which_headers_exist(run, tmp_path):
    doc = write(tmp_path / "nmi.rst", HEADERS_DOC)

    def codes(tree):
        _, out, _ = run("lint", "--format", "json", "--isolated", "--no-cache", "--srctree", tree, doc)
        return [(f["line"], f["code"]) for f in json.loads(out)["findings"] if f["code"] == "ED108"]
    assert codes(kernel_tree(tmp_path / "linux-6.1", 6, 1)) == [(6, "ED108")]
    # A tree that has the header is right whatever the model's boundary says.
    tree = kernel_tree(tmp_path / "linux-6.1-split", 6, 1)
    write(tree / "include" / "linux" / "irq-entry-common.h", "/* empty */\n")
    assert codes(tree) == []


def test_each_header_life_names_a_stub_header_that_exists():
    from sphinx_entrydoc.stubs import load_api
    api = load_api()
    assert set(api.lives) == {"linux/irq-entry-common.h", "linux/entry-virt.h", "linux/entry-kvm.h"}
    for header, life in api.lives.items():
        assert any(os.path.isfile(os.path.join(d, life.elsewhere)) for d in api.include_dirs), header
        assert (life.since is None) != (life.until is None), header
