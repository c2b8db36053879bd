"""Issue "Core": the seeded defects of the review draft, found exactly where they are."""
import os
import subprocess
import sys

import pytest

from conftest import EXAMPLES, ROOT, found, lint

DRAFT = os.path.join(EXAMPLES, "review", "entry-draft.rst")


def draft():
    with open(DRAFT, encoding="utf-8") as handle:
        return handle.read()


def test_each_seeded_defect_at_its_line_and_column():
    assert found(draft(), profile="review") == [
        (31, 1, "ED604"),    # "inital"
        (57, 15, "ED601"),   # "obviously"
        (61, 50, "ED001"),   # struct pt_regs \*regs in a '::' block
        (113, 3, "ED603"),   # instrumentation_end() glued, begin padded
        (123, 1, "ED501"),   # irqentyr_exit() in prose
        (131, 3, "ED201"),   # irq_enter_rcu() outside the instrumentation section
        (136, 3, "ED302"),   # ... so irq_exit_rcu() crosses instrumentation_begin()
        (150, 28, "ED301"),  # irqentry_enter() left open by an early return
        (171, 5, "ED401"),   # Lockdep listed before the preemption counter
        (181, 42, "ED602"),  # "can not be traced"
        (197, 3, "ED102"),   # irqentry_nmi_exit(regs): too few arguments
        (205, 1, "ED601"),   # "obviously" again
        (234, 4, "ED101"),   # irqentry_nmi_exti(): typo of irqentry_nmi_exit
    ]


def test_messages_say_what_a_reviewer_would():
    by_code = {f.code: f for f in lint(draft())}
    assert by_code["ED101"].message == \
        "call to undeclared function irqentry_nmi_exti(); did you mean irqentry_nmi_exit()?"
    assert by_code["ED101"].fix.new == "irqentry_nmi_exit"
    assert "too few arguments to function call, expected 2, have 1" in by_code["ED102"].message
    assert "void irqentry_nmi_exit(struct pt_regs *regs, irqentry_state_t irq_state)" \
        in by_code["ED102"].message
    assert by_code["ED501"].message == "irqentyr_exit() is not a known function; did you mean irqentry_exit()?"


def test_correct_pages_have_no_finding_at_all():
    for name in ("entry.rst", "entry-rules.rst", "index.rst"):
        with open(os.path.join(EXAMPLES, "core-api", name), encoding="utf-8") as handle:
            assert lint(handle.read(), profile="review") == [], name


def test_pseudo_code_is_tolerated():
    doc = """Pseudo-code
===========

::

  noinstr void handler(struct pt_regs *regs)
  {
  	arch_save_state(regs);		<-- must be 'noinstr' or '__always_inline'
  	...
  	state = irqentry_nmi_enter(regs);
  	cookie = ...;
  	instrumentation_begin();
  	run_the_handler(regs, cookie);	// <-- instrumentable code
  	instrumentation_end();
  	irqentry_nmi_exit(regs, state);
  }
"""
    assert found(doc) == []


def test_undeclared_local_gets_the_type_of_what_is_assigned():
    # 'state' is declared as irqentry_state_t, so passing it where a pointer
    # is expected is still a real type error.
    doc = """T
=

::

  noinstr void handler(struct pt_regs *regs)
  {
  	state = irqentry_nmi_enter(regs);
  	irqentry_nmi_exit(state, state);
  }
"""
    assert [code for _, _, code in found(doc)] == ["ED102"]


def test_statements_without_a_function_are_wrapped():
    doc = """T
=

.. code-block:: c

	state = irqentry_enter(regs);
	irqentry_exti(regs, state);
"""
    # regs is a parameter of the function this fragment comes from: it is
    # declared with the type irqentry_enter() expects; the typo is found.
    assert found(doc) == [(7, 2, "ED101")]


def test_tabs_count_as_one_column():
    doc = "T\n=\n\n::\n\n  noinstr void f(struct pt_regs *regs)\n  {\n\t\tirqentry_nmi_exti(regs, x);\n  }\n"
    ((line, column, code),) = [f for f in found(doc) if f[2] == "ED101"]
    assert (line, column) == (8, 3)


def test_placeholders_are_classified_not_reported():
    from sphinx_entrydoc.check import check_document
    from sphinx_entrydoc.config import Config
    from sphinx_entrydoc.read import Source
    doc = ("T\n=\n\n::\n\n  noinstr void f(struct pt_regs *regs)\n  {\n\thandle_entry(regs);\n"
           "\tstate = irqentry_nmi_enter(regs);\n\tirqentry_nmi_exti(regs, state);\n  }\n")
    findings, document = check_document(Source("d.rst", doc), Config())
    # The typo is a finding; the placeholder is not, and the typo is taken
    # for the exit it was meant to be, so the pair is balanced.
    assert [f.code for f in findings] == ["ED101"]


def test_cli_json_shape():
    out = subprocess.run([sys.executable, "-m", "sphinx_entrydoc", "lint", "--format", "json", DRAFT],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1
    import json
    data = json.loads(out.stdout)
    first = data["findings"][0]
    assert set(first) >= {"path", "line", "column", "code", "rule", "severity", "message", "suggestion"}
    assert data["summary"]["errors"] >= 8


def test_cli_without_libclang_says_so_in_one_line(tmp_path):
    # A 'clang' package that is not the bindings shadows the real one.
    fake = tmp_path / "clang"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('no bindings here')\n")
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    out = subprocess.run([sys.executable, "-m", "sphinx_entrydoc", "lint", DRAFT],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1
    assert "libclang" in out.stderr and "pip install libclang" in out.stderr
    assert "Traceback" not in out.stderr


def test_document_that_opts_out_is_not_checked():
    doc = ".. entrydoc::\n   :check: no\n\nT\n=\n\nirqentry_entr() here.\n"
    assert found(doc) == []
    assert [c for _, _, c in found(doc.replace(":check: no", ":profile: default"))] == ["ED501"]


def test_every_kind_of_c_snippet_is_extracted():
    typo = "\tirqentry_nmi_exti(regs, state);"
    doc = (f"T\n=\n\n.. code:: c\n\n{typo}\n\n.. sourcecode:: c\n\n{typo}\n\n"
           f".. code-block:: c\n\n{typo}\n\n.. highlight:: c\n\n::\n\n{typo}\n\n"
           f".. code-block:: python\n\n{typo}\n")
    lines = [line for line, _, code in found(doc) if code == "ED101"]
    assert lines == [6, 10, 14, 20]


def test_literal_block_language_follows_highlight():
    body = ("::\n\n  noinstr void f(struct pt_regs *regs)\n  {\n  \tstate = irqentry_nmi_enter(regs);\n"
            "  \tirqentry_nmi_exti(regs, state);\n  }\n")
    assert [c for _, _, c in found("T\n=\n\n.. highlight:: none\n\n" + body)] == []
    assert [c for _, _, c in found("T\n=\n\n" + body)] == ["ED101"]             # auto: looks like C
    assert [c for _, _, c in found("T\n=\n\n" + body, literal_language="none")] == []


def test_shell_transcript_in_a_literal_block_is_not_c():
    doc = "T\n=\n\n::\n\n  $ make htmldocs\n  $ ls Documentation/output\n"
    assert found(doc) == []
    # A command and what it printed, C in it (an annotated disassembly).
    doc = ("T\n=\n\n::\n\n  $ perf annotate fill_rect\n     :      static void fill_rect(int *p, int v)\n"
           "     :      {\n  0.00 :   4a1:  mov %eax,(%rdx)\n     :        *p = v;\n     :      }\n")
    assert found(doc) == []


@pytest.mark.parametrize("block", [
    # a table of commands, each explained in words ending in ";"
    "  0x10 - Reset the queue (see below)\n"
    "\tdrop every entry that is still waiting;\n\tthe counter goes back to zero;\n"
    "  0x11 - Freeze the queue\n\tnew entries wait until it is thawed;\n",
    # "name = meaning;" lines
    "  node = the memory node the page belongs to;\n  zone = the zone inside that node (a number);\n"
    "  order = how many pages are asked for at once;\n",
    # a call diagram in words, one call in it
    "        CPU0                              CPU1\n\n  timer interrupt arrives ->\n"
    "    the handler takes the lock:\n      do_work(q);\n"
    "                                    softirq runs on this queue\n    and returns from the handler\n",
    # C, then a prompt further down and what the tool printed
    "  \tdata = (void *)(long)ctx->data;\n  \t*(u32 *)data = dst->dst;\n\n"
    "  $ bpftool prog load ./t.o /sys/fs/bpf/t type xdp\n  \t; data = (void *)(long)ctx->data;\n"
    "  \t224: (79) r2 = *(u64 *)(r10 -112)\n",
    # an assembler listing: directives, no designated initialiser
    "  #include <asm/asmmacro.h>\n\n  GLOBAL_ENTRY(fast_call)\n  .prologue\n  .save ar.pfs, r11\n"
    "  mov r11 = ar.pfs\n  .body\n  mov r2 = 0xa000000000020660;;\n  ;;\n  br.call.sptk.many b6 = b7\n",
    # a list of names as prose cites them, and a member (pcmcia/locking.rst)
    "\tsocket_reset()\n\tsocket_setup()\n\n\tstruct socket_ops\t*ops\n\tstruct socket_res\t*res;\n",
    # a timeline of threads, a brace after each name (mm/mmu_notifier.rst)
    " [step 1] -------------------------------\n CPU-0   {take the lock on page A}\n CPU-1   {}\n"
    " DEV-0   {read page A into the device cache}\n [step 2] -------------------------------\n"
    " CPU-0   {start: {invalidate_range_begin(A)}}\n CPU-1   {}\n DEV-0   {}\n"
    " [step 3] -------------------------------\n CPU-0   {end: {invalidate_range_finish(A)}}\n"
    " CPU-1   {write page A}\n DEV-0   {}\n",
    # a table whose rows a drawn "}" groups (networking/rxrpc.rst)
    "\tLocal address\t}\n\tLocal port\t} Transport (UDP) address\n\tRemote address\t}\n\tRemote port\t}\n"
    "\tDirection\n\tConnection ID\n",
    # a call graph with an arrow drawn into the interrupt (trace/rv/monitor_wip.rst)
    "  preempt_disable() {\n\t__preempt_count_add(1)\n\t------->\ttimer_interrupt() {\n"
    "\t\t\t\tpreempt_disable()\n\t\t\t\twake up a thread\n\t\t\t}\n\t<------\n"
    "\ttrace_preempt_disable();\n  }\n",
])
def test_english_in_a_literal_block_is_not_c(block):
    # The auto rule takes none of these for C; the same lines marked C are
    # compiled, and fail.
    assert found(f"T\n=\n\n::\n\n{block}") == []
    assert "ED103" in [c for _, _, c in found(f"T\n=\n\n.. code-block:: c\n\n{block}")]


def test_c_with_english_in_its_comments_is_still_c():
    doc = ("T\n=\n\n::\n\n  static noinline notrace void poll_queue(struct pt_regs *regs)\n  {\n"
           "  \t/* the state is saved here, before the first call that may sleep */\n"
           "  \tunsigned long long int stamp = 0;\n  \tirqentry_state_t state = irqentry_enter(regs);\n"
           "  \tpr_info(\"the queue is empty and the stamp is %llu\\n\", stamp);\n"
           "  \tirqentry_exti(regs, state);\n  }\n")
    assert [c for _, _, c in found(doc)] == ["ED101"]


def test_braces_after_tags_macros_and_keywords_are_still_c():
    doc = ("T\n=\n\n::\n\n  #define THING_INIT { 0 }\n  #  define THING_NAMES { \"a\" }\n  enum { THING_A, THING_B };\n  struct thing {\n"
           "  \tint state;\n  };\n  struct __packed thing_wire {\n  \tint state;\n  };\n"
           "  static struct thing things[] = {\n  \t{ 1 },\n  };\n"
           "  noinstr void f(struct pt_regs *regs)\n  {\n  \tirqentry_state_t state = irqentry_enter(regs);\n"
           "  \tdo {\n  \t\tpoll(regs);\n  \t} while (0);\n  \tif (state.exit_rcu) {\n  \t\tpoll(regs);\n"
           "  \t} else {\n  \t\tpoll(regs);\n  \t}\n  \tirqentry_exti(regs, state);\n  }\n")
    assert [c for _, _, c in found(doc)] == ["ED101"]


def test_a_missing_semicolon_before_a_brace_and_notes_with_arrows_are_still_c():
    # "return x }" is C's slip, not a drawn brace; "<-- here" is a note.
    doc = ("T\n=\n\n::\n\n  noinstr void f(struct pt_regs *regs)\n  {\n"
           "  \tirqentry_state_t state = irqentry_enter(regs);\n  \t<-- interrupts may nest here\n"
           "  \tirqentry_exti(regs, state);\n  \tif (state.exit_rcu) { return poll(regs) }\n  }\n")
    assert [c for _, _, c in found(doc)] == ["ED101", "ED103"]


def test_a_numbered_listing_of_macros_with_braces_is_still_c():
    # RCU/Design/Data-Structures: " 30 #  define NUM_RCU_LVL_INIT { NUM_RCU_LVL_0 }".
    from sphinx_entrydoc.extract import looks_like_c
    listing = "".join(f"{n:2} #  define THING_{n}_INIT {{ THING_{n} }}\n" for n in range(1, 9))
    assert looks_like_c(listing + " 9 #define THING_MAX max_thing(8)\n")


def test_a_backslash_in_acpi_source_is_the_namespace_root_not_an_escape():
    # "\_SB" is ASL's own path; the same '\_' in a C block is an escape.
    asl = ("  Scope (\\_SB.PCI0.I2C1)\n  {\n      Device (ACC0)\n      {\n"
           "          Name (_HID, \"ABCD0001\")\n          Name (_CRS, ResourceTemplate () {\n"
           "              I2cSerialBusV2 (0x18, ControllerInitiated, 400000, AddressingMode7Bit,\n"
           "                              \"\\\\_SB.PCI0.I2C1\", 0x00, ResourceConsumer, , Exclusive,)\n"
           "          })\n      }\n  }\n")
    assert found(f"T\n=\n\n::\n\n{asl}") == []
    assert [c for _, _, c in found("T\n=\n\n::\n\n  void f(int \\_x);\n  g(x);\n")] == ["ED001"]


def test_a_misspelt_local_is_an_error_not_pseudo_code():
    from conftest import snippet_doc
    doc = snippet_doc("""
        noinstr void f(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_enter(regs);

        	irqentry_exit(regs, stat);
        }
    """)
    findings = lint(doc)
    assert [(f.line, f.code) for f in findings] == [(10, "ED103")]
    assert "did you mean 'state'" in findings[0].message


def test_classification_of_undeclared_calls():
    from conftest import snippet_doc
    from sphinx_entrydoc.check import check_document
    from sphinx_entrydoc.config import Config
    from sphinx_entrydoc.read import Source
    doc = snippet_doc("""
        static void own_helper(void) { }

        noinstr void f(struct pt_regs *regs)
        {
        	handle_entry(regs);
        	own_helper();
        	kvm_guest_enter_irqoff();
        	irqentry_exti(regs, state);
        	listed_helper();
        }
    """)
    _, document = check_document(Source("d.rst", doc), Config(known_symbols=("listed_helper",)))
    kinds = {name: entry.kind for name, entry in document.undeclared.items()}
    assert kinds == {"handle_entry": "placeholder", "kvm_guest_enter_irqoff": "removed",
                     "irqentry_exti": "typo", "listed_helper": "snippet"}
    assert document.undeclared["irqentry_exti"].suggestions == ["irqentry_exit"]


def test_expect_noinstr_block_option():
    doc = ("T\n=\n\n.. entrydoc-code-block:: c\n   :expect-noinstr:\n\n"
           "\tvoid do_nmi(struct pt_regs *regs)\n\t{\n\t\tstate = irqentry_nmi_enter(regs);\n"
           "\t\tirqentry_nmi_exit(regs, state);\n\t}\n")
    assert found(doc) == [(7, 7, "ED203")]
    assert found(doc.replace("\tvoid do_nmi", "\tnoinstr void do_nmi")) == []


def test_directive_options_do_not_hide_the_snippet():
    doc = ("T\n=\n\n.. code-block:: c\n   :caption: The NMI handler\n   :linenos:\n\n"
           "\tirqentry_nmi_exti(regs, state);\n")
    assert [(l, code) for l, _, code in found(doc)] == [(8, "ED101"), (8, "ED303")]


MACRO_GIVEN_AN_ARGUMENT = """NMI handling
============

An old handler counts its NMIs::

	void do_nmi(struct pt_regs *regs)
	{
		int cpu = 0;

		nmi_enter();
		++nmi_count(cpu);
		nmi_exit();
	}
"""


def test_a_macro_given_arguments_it_does_not_take_is_one_finding():
    """The kernel's nmi_count() takes none (include/linux/preempt.h); clang
    also calls the unexpanded name undeclared, which is the same defect."""
    from conftest import column_of, line_of
    line = line_of(MACRO_GIVEN_AN_ARGUMENT, "nmi_count(cpu)")
    assert found(MACRO_GIVEN_AN_ARGUMENT) == [
        (line, column_of(MACRO_GIVEN_AN_ARGUMENT, "cpu);"), "ED102")]
