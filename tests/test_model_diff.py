"""model-diff on a made-up tree: a changed prototype, a missing name, a new function."""
import json
import textwrap

from sphinx_entrydoc import cli, srctree

TREE = {
    "Makefile": "VERSION = 6\nPATCHLEVEL = 12\n",
    "include/linux/irq-entry-common.h": """
        irqentry_state_t noinstr irqentry_enter(struct pt_regs *regs, unsigned long flags);
        void noinstr irqentry_exit(struct pt_regs *regs, irqentry_state_t state);
        void noinstr irqentry_frobnicate(struct pt_regs *regs);
        """,
}


def write_tree(root):
    for relative, text in TREE.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return str(root)


def test_model_diff_reports_changed_missing_and_new(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    srctree.forget_trees()
    tree = write_tree(tmp_path / "linux")
    status = cli.main(["model-diff", "--isolated", "--srctree", tree])
    out = capsys.readouterr().out
    assert status == 1
    assert out.startswith(f"model-diff: the model (v6.12) against the source tree {tree}\n")
    assert ("irqentry_enter(): model 'irqentry_state_t irqentry_enter(struct pt_regs *regs)'" in out
            and "tree 'irqentry_state_t irqentry_enter(struct pt_regs *regs, unsigned long flags)' "
                "(include/linux/irq-entry-common.h:1)" in out)
    missing = out.split("modelled names the tree lacks:")[1].split("\n\n")[0]
    assert "  irqentry_nmi_enter (function, linux/irq-entry-common.h:" in missing
    assert "  irqentry_exit (" not in missing
    # The model's own versioning macro is no kernel name to look for.
    assert "  KV (macro)" not in missing
    new = out.split("entry-header functions the model lacks:")[1]
    assert new.strip().splitlines() == [
        "1", "  include/linux/irq-entry-common.h:3: void irqentry_frobnicate(struct pt_regs *regs)"]
    srctree.forget_trees()
    assert cli.main(["model-diff", "--isolated", "--format", "json", "--srctree", tree]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in data["changed"] if c["what"] == "prototype"] == ["irqentry_enter"]
    assert [n["name"] for n in data["new"]] == ["irqentry_frobnicate"]


def test_model_diff_needs_a_tree(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("srctree", raising=False)
    assert cli.main(["model-diff", "--isolated"]) == 2
    assert "give the kernel source tree" in capsys.readouterr().err
