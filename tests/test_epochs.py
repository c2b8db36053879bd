"""Issue 9: one document per epoch of the entry API, written the way a
document of that kernel would be.  Each is clean at its own version and
flagged at a version where its names or prototypes no longer hold."""
import pytest

from conftest import line_of, lint

# v5.13-v5.16: x86's kvm_guest_*_irqoff() helpers; lockdep's "prepare"
# step still takes the caller's address.
V5_15 = """\
Guest entry on x86
==================

.. code-block:: c

	noinstr void vcpu_enter_guest_irqoff(struct kvm_vcpu *vcpu)
	{
		kvm_guest_enter_irqoff();
		run_the_guest(vcpu);
		kvm_guest_exit_irqoff();
	}

.. code-block:: c

	void leave_the_guest(void)
	{
		lockdep_hardirqs_on_prepare(CALLER_ADDR0);
	}
"""

# v5.17-v6.7: the guest_state_*() helpers exist; the syscall entry is out
# of line and takes the number by value.
V6_1 = """\
Guest and syscall entry
=======================

.. code-block:: c

	noinstr void enter_guest(struct kvm_vcpu *vcpu)
	{
		guest_state_enter_irqoff();
		run_the_guest(vcpu);
		guest_state_exit_irqoff();
	}

.. code-block:: c

	noinstr void do_syscall(struct pt_regs *regs, long nr)
	{
		nr = syscall_enter_from_user_mode(regs, nr);
		instrumentation_begin();
		invoke_syscall(regs, nr);
		instrumentation_end();
		syscall_exit_to_user_mode(regs);
	}

.. code-block:: c

	int vcpu_outer_loop(struct kvm_vcpu *vcpu)
	{
		return xfer_to_guest_mode_handle_work(vcpu);
	}
"""

# v6.8-v6.18: syscall_enter_from_user_mode_prepare(), the common
# exit_to_user_mode_prepare() and in_irq() still exist.
V6_18 = """\
Syscall entry in steps
======================

.. code-block:: c

	noinstr void do_syscall(struct pt_regs *regs, long nr)
	{
		syscall_enter_from_user_mode_prepare(regs);
		instrumentation_begin();
		invoke_syscall(regs, nr);
		local_irq_disable();
		exit_to_user_mode_prepare(regs);
		instrumentation_end();
		exit_to_user_mode();
	}

The handler may check in_irq() to learn whether it runs in hard interrupt
context.
"""

# v6.19-v7.2: the exit preparation is split by path; the syscall number is
# still passed by value.
V6_19 = """\
Exits split by path
===================

.. code-block:: c

	noinstr void do_syscall(struct pt_regs *regs, long nr)
	{
		nr = syscall_enter_from_user_mode(regs, nr);
		instrumentation_begin();
		invoke_syscall(regs, nr);
		local_irq_disable();
		syscall_exit_to_user_mode_prepare(regs);
		instrumentation_end();
		exit_to_user_mode();
	}

.. code-block:: c

	noinstr void do_user_irq(struct pt_regs *regs)
	{
		irqentry_enter_from_user_mode(regs);
		instrumentation_begin();
		handle_the_irq(regs);
		irqentry_exit_to_user_mode_prepare(regs);
		instrumentation_end();
		exit_to_user_mode();
	}
"""

# v7.3: the syscall number by reference.
V7_3 = """\
Syscall number by reference
===========================

.. code-block:: c

	noinstr void do_syscall(struct pt_regs *regs, long nr)
	{
		if (syscall_enter_from_user_mode(regs, &nr)) {
			instrumentation_begin();
			invoke_syscall(regs, nr);
			instrumentation_end();
		}
		syscall_exit_to_user_mode(regs);
	}
"""


def at(text, version):
    return [(f.line, f.code) for f in lint(text, kernel_version=version)]


@pytest.mark.parametrize("text, versions", [
    (V5_15, ("5.13", "5.15", "5.16")),
    (V6_1, ("5.17", "6.1", "6.6", "6.7")),
    (V6_18, ("6.8", "6.12", "6.18")),
    (V6_19, ("6.19", "7.0", "7.2")),
    (V7_3, ("7.3",)),
], ids=["v5.15", "v6.1", "v6.18", "v6.19", "v7.3"])
def test_each_epoch_is_clean_at_its_versions(text, versions):
    for version in versions:
        assert at(text, version) == [], version


def test_v5_15_flagged_once_the_kvm_helpers_are_gone():
    findings = lint(V5_15, kernel_version="6.1")
    assert [(f.line, f.code) for f in findings] == [
        (line_of(V5_15, "kvm_guest_enter_irqoff"), "ED503"),
        (line_of(V5_15, "kvm_guest_exit_irqoff"), "ED503"),
        (line_of(V5_15, "lockdep_hardirqs_on_prepare"), "ED102"),
    ]
    assert "guest_state_enter_irqoff" in findings[0].message
    assert "too many arguments" in findings[2].message


def test_v6_1_flagged_after_the_entry_virt_rename_and_the_number_by_reference():
    assert at(V6_1, "6.19") == [(line_of(V6_1, "xfer_to_guest_mode_handle_work(vcpu)"), "ED102")]
    assert at(V6_1, "7.3") == [(line_of(V6_1, "nr = syscall_enter"), "ED102"),
                               (line_of(V6_1, "xfer_to_guest_mode_handle_work(vcpu)"), "ED102")]


def test_v6_18_flagged_where_its_names_are_gone():
    findings = lint(V6_18, kernel_version="6.19")
    assert [(f.line, f.code) for f in findings] == [
        (line_of(V6_18, "syscall_enter_from_user_mode_prepare"), "ED503"),
        (line_of(V6_18, "exit_to_user_mode_prepare(regs)"), "ED503"),
        (line_of(V6_18, "in_irq()"), "ED503"),
    ]
    prepare, split, in_irq = (f.message for f in findings)
    assert "54a5ab56242f" in prepare and "enter_from_user_mode()" in prepare
    assert "syscall_exit_to_user_mode_prepare() on the syscall exit path" in split
    assert "in_hardirq()" in in_irq


def test_v6_19_flagged_once_the_number_goes_by_reference():
    after = lint(V6_19, kernel_version="7.3")
    assert [(f.line, f.code) for f in after] == [(line_of(V6_19, "nr = syscall_enter"), "ED102")]
    assert "'long *'" in after[0].message


def test_v7_3_flagged_where_the_number_is_passed_by_value():
    findings = lint(V7_3, kernel_version="6.19")
    assert [(f.line, f.code) for f in findings] == [(line_of(V7_3, "&nr"), "ED102")]
    assert "'long *' to parameter of type 'long'" in findings[0].message


def test_v5_15_ordering_claims_about_the_kvm_helpers_are_checked():
    text = V5_15 + ("\nkvm_guest_enter_irqoff() is a KVM variant of exit_to_user_mode() "
                    "and the state operations have the same ordering.\n")
    assert at(text, "5.15") == []
    wrong = text.replace("exit_to_user_mode()", "enter_from_user_mode()")
    assert [code for _, code in at(wrong, "5.15")] == ["ED401"]
