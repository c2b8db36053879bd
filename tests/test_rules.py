"""Issue "Semantic checks": a correct document, and one variant per rule with
a single defect that yields exactly the expected finding at the expected line."""
import pytest

from conftest import column_of, found, line_of, lint, read_doc, snippet_doc

CORRECT = read_doc("correct.rst")


def variant(old, new, text=CORRECT):
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_correct_document_yields_nothing_not_even_warnings():
    assert found(CORRECT, profile="review") == []


# -- noinstr call discipline ---------------------------------------------------

def test_instrumentable_placeholder_outside_section():
    doc = variant("  \tinstrumentation_begin();\n  \treport_to_tracer();\t\t<-- instrumentable code\n",
                  "  \treport_to_tracer();\t\t<-- instrumentable code\n  \tinstrumentation_begin();\n")
    assert found(doc) == [(line_of(doc, "report_to_tracer"), 4, "ED201")]


def test_stub_declared_instrumentable_call_outside_section():
    doc = variant("  \tsyscall_enter_from_user_mode(regs, &nr);\n",
                  "  \tsyscall_enter_from_user_mode(regs, &nr);\n  \tlockdep_hardirqs_on_prepare();\n")
    (finding,) = [f for f in found(doc)]
    assert finding == (line_of(doc, "lockdep_hardirqs_on_prepare"), 4, "ED201")


def test_calls_inside_a_section_are_free():
    # run_syscall_table() is a placeholder, irq_enter_rcu() is instrumentable:
    # both sit inside instrumentation sections in the correct document.
    assert "irq_enter_rcu" in CORRECT and found(CORRECT) == []


def test_message_mirrors_objtool():
    from conftest import lint
    doc = variant("\t\tinstrumentation_begin();\n\t\tirq_enter_rcu();\n",
                  "\t\tirq_enter_rcu();\n\t\tinstrumentation_begin();\n")
    messages = [f.message for f in lint(doc) if f.code == "ED201"]
    assert messages and messages[0].startswith("call to irq_enter_rcu() leaves .noinstr.text section")


# -- pairs on every path -----------------------------------------------------

def test_missing_end_in_one_branch_only():
    doc = snippet_doc("""
        noinstr void f(struct pt_regs *regs, int user)
        {
        	if (user) {
        		instrumentation_begin();
        		report_user(regs);
        		instrumentation_end();
        	} else {
        		instrumentation_begin();
        		report_kernel(regs);
        	}
        }
    """)
    findings = found(doc)
    assert findings == [(line_of(doc, "instrumentation_begin", 2), 4, "ED301")]


def test_early_return_between_enter_and_exit():
    doc = snippet_doc("""
        noinstr void f(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_enter(regs);

        	if (spurious(regs))
        		return;
        	irqentry_exit(regs, state);
        }
    """)
    from conftest import lint
    (finding,) = lint(doc)
    assert (finding.line, finding.code) == (line_of(doc, "irqentry_enter"), "ED301")
    assert f"returning at line {line_of(doc, 'return;')}" in finding.message
    assert f"irqentry_enter() at line {line_of(doc, 'irqentry_enter')}" in finding.message


def test_exit_before_enter():
    doc = snippet_doc("""
        noinstr void f(struct pt_regs *regs)
        {
        	irqentry_state_t state;

        	irqentry_exit(regs, state);
        	state = irqentry_enter(regs);
        	irqentry_exit(regs, state);
        }
    """)
    assert found(doc) == [(line_of(doc, "irqentry_exit"), 3, "ED303")]


def test_crossed_nesting():
    doc = snippet_doc("""
        noinstr void f(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_enter(regs);

        	instrumentation_begin();
        	irqentry_exit(regs, state);
        	instrumentation_end();
        }
    """)
    from conftest import lint
    (finding,) = lint(doc)
    assert (finding.line, finding.code) == (line_of(doc, "irqentry_exit"), "ED302")
    assert f"instrumentation_begin() from line {line_of(doc, 'instrumentation_begin')}" in finding.message


def test_mismatched_partner():
    doc = variant("  \tirqentry_nmi_exit(regs, state);\n", "  \tirqentry_exit(regs, state);\n")
    from conftest import lint
    (finding,) = lint(doc)
    assert (finding.line, finding.column, finding.code) == (line_of(doc, "irqentry_exit(regs, state);", 3), 4, "ED304")
    assert "irqentry_nmi_enter()" in finding.message and "irqentry_nmi_exit()" in finding.message


MIXED_USER_MODE = """Mixed user-mode entry and exit
==============================

As s390's and x86's syscall paths do:

.. code-block:: c

	noinstr void do_syscall(struct pt_regs *regs, long nr)
	{
		enter_from_user_mode(regs);
		instrumentation_begin();
		local_irq_enable();
		syscall_enter_from_user_mode_work(regs, &nr);
		invoke_syscall(regs, nr);
		instrumentation_end();
		syscall_exit_to_user_mode(regs);
	}

.. code-block:: c

	noinstr void do_fast_syscall(struct pt_regs *regs, long nr)
	{
		syscall_enter_from_user_mode(regs, &nr);
		instrumentation_begin();
		invoke_syscall(regs, nr);
		instrumentation_end();
		exit_to_user_mode();
	}
"""


def test_any_user_mode_exit_closes_any_user_mode_entry():
    assert found(MIXED_USER_MODE) == []


def test_a_user_mode_entry_is_not_closed_by_an_interrupt_exit():
    doc = MIXED_USER_MODE.replace("\t\texit_to_user_mode();", "\t\tirqentry_exit(regs, state);")
    doc = doc.replace("\t\tsyscall_enter_from_user_mode(regs, &nr);",
                      "\t\tirqentry_state_t state = { 0 };\n\t\tsyscall_enter_from_user_mode(regs, &nr);")
    (finding,) = [f for f in lint(doc) if f.code != "ED303"] or [None]
    assert finding.code == "ED304" and "exit_to_user_mode()" in finding.message


def test_exit_not_given_the_state_of_its_enter():
    doc = variant("\t\tirqentry_exit(regs, state);\n\t}",
                  "\t\tirqentry_state_t saved = state;\n\t\tirqentry_exit(regs, saved);\n\t}")
    doc = doc.replace("\t\tirqentry_state_t saved = state;\n", "")
    doc = variant("\t\tirqentry_state_t state = irqentry_enter(regs);\n",
                  "\t\tirqentry_state_t saved = { 0 };\n\t\tirqentry_state_t state = irqentry_enter(regs);\n", doc)
    assert found(doc) == [(line_of(doc, "irqentry_exit(regs, saved)"), 3, "ED305")]


def test_loop_that_leaves_a_bracket_open_each_iteration():
    doc = snippet_doc("""
        noinstr void f(struct pt_regs *regs)
        {
        	while (more_work(regs)) {
        		instrumentation_begin();
        		do_work(regs);
        	}
        }
    """)
    codes = {code for _, _, code in found(doc)}
    assert codes == {"ED301"}


def test_goto_error_path_closes_the_pair():
    doc = snippet_doc("""
        noinstr void f(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_enter(regs);

        	if (bad_frame(regs))
        		goto out;
        	instrumentation_begin();
        	handle(regs);
        	instrumentation_end();
        out:
        	irqentry_exit(regs, state);
        }
    """)
    assert found(doc) == []


def test_goto_that_skips_the_exit():
    doc = snippet_doc("""
        noinstr void f(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_enter(regs);

        	if (bad_frame(regs))
        		goto out;
        	irqentry_exit(regs, state);
        out:
        	return;
        }
    """)
    assert [code for _, _, code in found(doc)] == ["ED301"]


# -- documented state orders ---------------------------------------------------

def test_changed_bullet_is_an_error_at_that_bullet_naming_the_declared_order():
    doc = variant("  * Preemption counter\n  * Lockdep\n  * RCU\n  * Tracing\n",
                  "  * Preemption counter\n  * RCU\n  * Lockdep\n  * Tracing\n")
    from conftest import lint
    (finding,) = lint(doc)
    assert (finding.line, finding.column, finding.code) == (line_of(doc, "* Preemption counter") + 1, 5, "ED401")
    assert "Preemption counter, Lockdep, RCU / Context tracking, Tracing" in finding.message


def test_correct_reverse_paragraph_is_quiet():
    assert "reverse operation in the\nreverse order" in CORRECT
    assert found(CORRECT) == []


def test_swapped_bullets_of_the_reverse_list():
    doc = variant("  * Tracing\n  * RCU / Context tracking\n  * Lockdep\n",
                  "  * RCU / Context tracking\n  * Tracing\n  * Lockdep\n")
    start = line_of(doc, "reverse order:") + 2
    assert found(doc) == [(start, 5, "ED401")]


def test_list_of_states_is_not_an_ordering_claim():
    doc = variant("  * Lockdep\n  * RCU\n  * Tracing\n\nA 'noinstr'",
                  "  * Tracing\n  * Lockdep\n  * RCU\n\nA 'noinstr'")
    assert found(doc) == []


def test_reverse_claim_checked_against_the_partner():
    # The stubs' irqentry_nmi_exit() order is the reverse of irqentry_nmi_enter()'s,
    # but guest_state_exit_irqoff() is not the reverse of irq_enter_rcu().
    doc = "T\n=\n\nThe counterpart irq_exit_rcu() does it all in the reverse order.\n"
    assert [code for _, _, code in found(doc)] == ["ED401"]


def test_same_ordering_between_variants():
    doc = variant("guest_state_enter_irqoff() is the guest variant of exit_to_user_mode().",
                  "guest_state_enter_irqoff() is the guest variant of enter_from_user_mode().")
    assert found(doc) == [(line_of(doc, "guest variant"), 1, "ED401")]


def test_unknown_list_item_is_a_warning():
    doc = variant("  * Preemption counter\n  * Lockdep\n", "  * Preemption counter\n  * Interrupt flags\n")
    assert (line_of(doc, "Interrupt flags"), 5, "ED403") in found(doc)


def test_vocabulary_can_be_extended():
    doc = variant("  * Preemption counter\n  * Lockdep\n", "  * Preempt count\n  * Lock validator\n")
    assert found(doc, vocabulary=(("lock validator", "lockdep"),)) == []


def test_claim_about_a_function_without_declared_order_warns():
    doc = "T\n=\n\nirqentry_exit_cond_resched() updates the state in the following order:\n\n  * Lockdep\n"
    assert found(doc) == [(4, 1, "ED402")]


# -- function names in prose ---------------------------------------------------

def test_typo_in_prose_with_did_you_mean():
    doc = variant("The exit counterpart irqentry_nmi_exit()", "The exit counterpart irqentry_nmi_exti()")
    from conftest import lint
    (finding,) = lint(doc)
    assert (finding.line, finding.column, finding.code) == (
        line_of(doc, "irqentry_nmi_exti"), column_of(doc, "irqentry_nmi_exti"), "ED501")
    assert finding.message == "irqentry_nmi_exti() is not a known function; did you mean irqentry_nmi_exit()?"


def test_unknown_name_without_close_match_is_a_warning():
    doc = variant(".. entrydoc: ignore ED502\n\n", "")
    assert found(doc) == [(line_of(doc, "made_up_helper"), column_of(doc, "made_up_helper"), "ED502")]


def test_role_and_inline_literal_and_brace_forms_are_checked():
    doc = "T\n=\n\nSee :c:func:`irqentry_nmi_exti`, ``irq_enter_rcuu()`` and irqentry_{enter,exti}().\n"
    assert [code for _, _, code in found(doc)] == ["ED501", "ED501", "ED501"]


def test_unknown_names_are_warnings_only_in_entry_style_documents():
    # A document that neither opts in nor calls an entry function names the
    # whole kernel; the model knows a sliver of it.
    doc = "T\n=\n\nReaders call rcu_read_lock_held() and kfree_rcu() here.\n"
    assert found(doc) == []
    assert [c for _, _, c in found(doc + "\n.. entrydoc::\n")] == ["ED502", "ED502"]


@pytest.mark.parametrize("name,known", [
    ("call_srcu", "call_rcu"),
    ("unregister_ftrace_function", "register_ftrace_function"),
    ("lockdep_unpin_lock", "lockdep_pin_lock"),
    ("page_pool_get_dma_addr", "page_pool_get_dma_dir"),
    ("synchronize_srcu", "synchronize_rcu"),
    ("__irqentry_exit", "irqentry_exit"),
    ("pin_user_pages", "pin_user_page"),
])
def test_a_different_word_is_not_a_typo_even_next_to_a_modelled_name(name, known):
    # Even when the close name is modelled (here: a configured known symbol),
    # an edit kernel naming makes on purpose is no evidence of a typo.
    doc = f"T\n=\n\nFirst {known}(), then {name}().\n\n.. entrydoc::\n"
    assert [c for _, _, c in found(doc, known_symbols=(known,))] == ["ED502"]


@pytest.mark.parametrize("name", ["irqenttry_nmi_exit", "irqentyr_exit", "irqentry_nmi_exti"])
def test_slips_of_the_keyboard_stay_typos(name):
    doc = f"T\n=\n\nThen {name}() runs.\n"
    assert [c for _, _, c in found(doc)] == ["ED501"]


def test_text_that_says_a_function_does_not_exist():
    assert "There is no combined irqentry_enter_nmi_safe() helper." in CORRECT


def test_known_symbols_from_configuration():
    doc = "T\n=\n\nOur arch_fancy_entry_hook() is special.\n\n.. entrydoc::\n"
    assert found(doc) == [(4, 5, "ED502")]
    assert found(doc, known_symbols=("arch_fancy_entry_hook",)) == []


def test_rcu_read_lock_in_an_entry_style_document_is_a_known_kernel_name():
    # trace/ftrace-uses.rst: "...if the callback function performs any
    # rcu_read_lock() operation" next to a snippet calling rcu_is_watching().
    doc = ("T\n=\n\nA callback that takes rcu_read_lock() and rcu_read_unlock() needs RCU.\n\n"
           ".. code-block:: c\n\n\tif (!rcu_is_watching())\n\t\treturn;\n")
    assert found(doc, documents=("auto",)) == []


def test_removed_name():
    doc = "T\n=\n\nkvm_guest_enter_irqoff() is where the guest starts.\n"
    from conftest import lint
    (finding,) = lint(doc)
    assert finding.code == "ED503" and "guest_state_enter_irqoff()" in finding.message


# -- review profile ----------------------------------------------------------

@pytest.mark.parametrize("old,new,code", [
    ("Every handler below is correct.", "Every handler below is obviously correct.", "ED601"),
    ("Every handler below is correct.", "Every handler below is correct and can not be traced.", "ED602"),
    ("Every handler below is correct.", "Every handler below is corect.", "ED604"),
])
def test_review_rules_fire_only_in_the_review_profile(old, new, code):
    doc = variant(old, new)
    assert found(doc) == []
    assert [c for _, _, c in found(doc, profile="review")] == [code]


def test_asymmetric_blank_lines_around_a_section():
    doc = variant("\t\tirq_exit_rcu();\n\t\tinstrumentation_end();\n\n\t\tirqentry_exit",
                  "\t\tirq_exit_rcu();\n\t\tinstrumentation_end();\n\t\tirqentry_exit")
    line = line_of(doc, "\t\tinstrumentation_end();")
    assert found(doc, profile="review") == [(line, 3, "ED603")]


def test_ignore_comment_silences_a_code_in_the_next_block_only():
    doc = variant("A paragraph that names made_up_helper() on purpose.",
                  "A paragraph that names made_up_helper() on purpose.\n\nAnd other_made_up_helper() here.")
    assert [code for _, _, code in found(doc)] == ["ED502"]


def test_longest_prefix_of_select_and_ignore_wins():
    from sphinx_entrydoc.config import Config
    assert not Config(ignore=("ED1",)).wants("ED101", "default")
    assert Config(ignore=("ED1",), select=("ED101",)).wants("ED101", "default")
    assert not Config(select=("ED1",), ignore=("ED101",)).wants("ED101", "default")
    assert Config(select=("ED1",), ignore=("ED101",)).wants("ED102", "default")
    assert not Config().wants("ED601", "review")
    assert Config(select=("ED601",)).wants("ED601", "review")


def test_local_irq_enable_in_noinstr_code_belongs_in_an_instrumentation_section():
    # local_irq_enable() calls trace_hardirqs_on(): instrumentable.
    doc = snippet_doc("""
        noinstr void early_entry(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_enter(regs);

        	local_irq_enable();
        	instrumentation_begin();
        	local_irq_disable();
        	instrumentation_end();
        	irqentry_exit(regs, state);
        }
    """)
    assert found(doc) == [(line_of(doc, "local_irq_enable"), column_of(doc, "local_irq_enable"), "ED201")]
