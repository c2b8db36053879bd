"""The stub headers: they compile cleanly, and they say what the kernel says."""
from sphinx_entrydoc.clang import index
from sphinx_entrydoc.stubs import ALWAYS_INLINE, INSTRUMENTABLE, NOINSTR, load_api


def test_stubs_compile_with_no_diagnostics_at_all():
    api = load_api()
    args = api.compile_args + ["-Wextra"]
    tu = index().parse("empty.c", args=args, unsaved_files=[("empty.c", "")])
    assert [d.spelling for d in tu.diagnostics] == []


def test_signatures_and_markings_of_the_entry_api():
    api = load_api()
    exit_ = api.functions["irqentry_nmi_exit"]
    assert exit_.signature == "void irqentry_nmi_exit(struct pt_regs *regs, irqentry_state_t irq_state)"
    assert exit_.marking == NOINSTR
    assert api.functions["irqentry_nmi_enter"].result == "irqentry_state_t"
    assert api.functions["irq_enter_rcu"].marking == INSTRUMENTABLE
    assert api.functions["syscall_enter_from_user_mode"].marking == ALWAYS_INLINE
    assert api.functions["guest_state_enter_irqoff"].marking == ALWAYS_INLINE
    assert "in_nmi" in api.macros and api.macros["in_nmi"] == 0


def test_pairs_and_orders_come_from_annotations():
    api = load_api()
    functions = api.functions
    for opener, closer in [("instrumentation_begin", "instrumentation_end"),
                           ("irqentry_enter", "irqentry_exit"),
                           ("irqentry_nmi_enter", "irqentry_nmi_exit"),
                           ("irq_enter_rcu", "irq_exit_rcu"),
                           ("enter_from_user_mode", "exit_to_user_mode"),
                           ("syscall_enter_from_user_mode", "syscall_exit_to_user_mode"),
                           ("guest_state_enter_irqoff", "guest_state_exit_irqoff")]:
        assert functions[opener].opens == functions[closer].closes, opener
    assert functions["irqentry_nmi_enter"].order == ("preempt", "lockdep", "rcu", "tracing")
    assert functions["irqentry_nmi_exit"].order == ("tracing", "rcu", "lockdep", "preempt")
    assert functions["enter_from_user_mode"].order == ("lockdep", "rcu", "tracing")


def test_removed_and_hook_names():
    api = load_api()
    assert api.removed["kvm_guest_enter_irqoff"].replacement == "guest_state_enter_irqoff"
    assert api.hooks["arch_nmi_enter"].nargs == 0


def test_user_stub_directory_adds_declarations(tmp_path):
    (tmp_path / "my_arch.h").write_text(
        "/* arch/foo/kernel/entry.c */\nnoinstr void arch_foo_entry(struct pt_regs *regs);\n")
    api = load_api([str(tmp_path)])
    assert api.functions["arch_foo_entry"].marking == NOINSTR


def test_precompiled_stubs_are_shared_and_a_stale_one_is_replaced(tmp_path, monkeypatch):
    import os
    from sphinx_entrydoc import stubs
    from conftest import found, snippet_doc
    monkeypatch.setenv("SPHINX_ENTRYDOC_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(stubs, "_PCH_CACHE", {})
    api = load_api()
    args = api.snippet_args()
    pch = args[args.index("-include-pch") + 1]
    assert pch.startswith(str(tmp_path)) and os.path.isfile(pch)
    doc = snippet_doc("""
        noinstr void f(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_enter(regs);
        	irqentry_exit(regs);
        }
    """)
    assert [c for _, _, c in found(doc)] == ["ED102"]
    # The umbrella header changes under the PCH: it no longer loads; the
    # check falls back to the stubs as text and removes the stale PCH.
    umbrella = pch[:-len(".pch")] + ".h"
    os.utime(umbrella, (1, 1))
    with open(umbrella, "a") as handle:
        handle.write("\n")
    assert [c for _, _, c in found(doc)] == ["ED102"]
    assert not os.path.exists(pch)


def test_the_model_kept_on_disk_is_the_model_parsed(tmp_path, monkeypatch):
    """The model read back from the cache directory equals the one parsed
    from the headers; a damaged file is parsed again, never trusted."""
    import glob
    from sphinx_entrydoc import stubs
    monkeypatch.setenv("SPHINX_ENTRYDOC_CACHE_DIR", str(tmp_path))
    stubs._load.cache_clear()
    parsed = load_api()
    [saved] = glob.glob(str(tmp_path / "model" / "api-*.json"))
    stubs._load.cache_clear()
    assert load_api() == parsed
    with open(saved, "w") as handle:
        handle.write('{"functions": {"irqentry_enter": {"name": 1}}}')
    stubs._load.cache_clear()
    assert load_api() == parsed
    stubs._load.cache_clear()


def test_the_library_named_without_importing_the_bindings_is_the_one_they_load(monkeypatch):
    """The cache files are named after the libclang build (library_stamp);
    a process that only names them finds the wheel's library itself, and
    must find the file the bindings would load."""
    import subprocess
    import sys

    import pytest

    from sphinx_entrydoc import stubs
    if stubs._wheel_library() is None:
        pytest.skip("libclang is not the wheel's (no clang/native/)")
    probe = ("import sys; from sphinx_entrydoc import stubs; print(stubs._library_file()); "
             "print('clang.cindex' in sys.modules); import clang.cindex as b; print(b.conf.get_filename())")
    found, imported, loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                             check=True).stdout.split("\n")[:3]
    assert imported == "False" and found == loaded
    monkeypatch.setenv("LIBCLANG_LIBRARY_PATH", "/elsewhere")
    assert stubs._wheel_library() is None   # the bindings decide then


def test_the_stub_fingerprint_is_reused_only_while_no_header_or_directory_changed(tmp_path):
    import os
    import time

    from sphinx_entrydoc import stubs as model
    stubs = tmp_path / "stubs"
    (stubs / "linux").mkdir(parents=True)
    header = stubs / "linux" / "a.h"
    header.write_text("void a(void);\n")
    settled = [time.time() - 600]

    def settle(*paths):   # as if written ten minutes ago, each time a second later
        settled[0] += 1
        for path in paths:
            os.utime(path, (settled[0], settled[0]))
    settle(header, stubs / "linux", stubs)
    dirs = model._stub_dirs([str(stubs)])
    first = model._fingerprint(dirs)
    assert model._FINGERPRINTS[dirs][2] == first            # kept: nothing changed lately
    assert model._fingerprint(dirs) == first

    header.write_text("void b(void);\n")                    # the same size
    settle(header)
    second = model._fingerprint(dirs)
    assert second[0] != first[0]

    (stubs / "linux" / "b.h").write_text("void c(void);\n")  # a new header in a subdirectory
    settle(stubs / "linux" / "b.h", stubs / "linux")
    third = model._fingerprint(dirs)
    assert str(stubs / "linux" / "b.h") in third[2] and third[0] != second[0]

    os.remove(stubs / "linux" / "b.h")
    settle(stubs / "linux")
    assert model._fingerprint(dirs)[0] == second[0]

    header.write_text("void d(void);\n")                    # just now: never kept
    fresh = model._fingerprint(dirs)
    assert fresh[0] != second[0] and model._FINGERPRINTS[dirs][2] != fresh
