"""Issue "Real kernel documentation", points 2 and 6: documents written in
the manner of the kernel's own (tests/realdocs/: RCU lists, lock types,
per-CPU data, NAPI, ftrace callbacks, refcounts, seqlocks, workqueues...,
with their pseudo-code habits: '...' and '[...]', kernel types and macros
the stubs do not declare, kernel headers, numbered listings, loop macros,
prose naming dozens of kernel functions).  The default selection reports
nothing, the Sphinx extension agrees, and every document checked reports
exactly the syntax defects seeded in them."""
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import HERE, ROOT, lint, snippet_doc

REALDOCS = os.path.join(HERE, "realdocs")
NAMES = sorted(n for n in os.listdir(REALDOCS) if n.endswith(".rst"))

# (document, line, column, code): the defects seeded on purpose, and nothing else.
SEEDED = [
    ("notifier.rst", 22, 35, "ED103"),        # ';' ends a member of a C99 initialiser
    ("rcu-pointer.rst", 45, 25, "ED103"),     # p = rcu_dereference(gp) without ';'
    ("side-by-side.rst", 56, 70, "ED103"),    # right-hand column: n = READ_ONCE(...) without ';'
    ("timers.rst", 27, 47, "ED103"),          # mod_timer(...) without ';'
    ("waitqueue.rst", 41, 26, "ED103"),       # } else (need_resched()) {
    ("workqueue.rst", 33, 44, "ED103"),       # queue_work(...)); one ')' too many
]


def read(name):
    with open(os.path.join(REALDOCS, name), encoding="utf-8") as handle:
        return handle.read()


def test_the_set_is_large_enough_and_mostly_not_entry_style():
    assert len(NAMES) >= 15


@pytest.mark.parametrize("name", NAMES)
def test_default_selection_reports_nothing(name):
    assert lint(read(name), path=name, documents=("auto",)) == []


def test_every_document_checked_reports_exactly_the_seeded_defects():
    found = sorted((name, f.line, f.column, f.code)
                   for name in NAMES for f in lint(read(name), path=name, documents=("all",)))
    assert found == SEEDED


def test_the_command_line_agrees(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    run = [sys.executable, "-m", "sphinx_entrydoc", "lint", "--no-cache", "--isolated", "--stats", "."]
    auto = subprocess.run(run, capture_output=True, text=True, cwd=REALDOCS, env=env, timeout=300)
    assert (auto.returncode, auto.stdout) == (0, "")
    assert f"documents: 2 checked, {len(NAMES) - 2} skipped" in auto.stderr
    every = subprocess.run(run + ["--documents", "all"], capture_output=True, text=True, cwd=REALDOCS,
                           env=env, timeout=300)
    lines = [re.match(r"(\S+?):(\d+):(\d+): (ED\d+)", l).groups() for l in every.stdout.splitlines()]
    assert sorted((n, int(a), int(b), c) for n, a, b, c in lines) == SEEDED


def _sphinx_warnings(tmp_path, documents):
    src = tmp_path / "src"
    src.mkdir(parents=True)
    for name in NAMES:
        shutil.copy(os.path.join(REALDOCS, name), src / name)
    (src / "index.rst").write_text("Real-like documents\n===================\n\n.. toctree::\n\n"
                                   + "".join(f"   {n[:-4]}\n" for n in NAMES))
    (src / "conf.py").write_text(f'extensions = ["sphinx_entrydoc"]\nentrydoc_documents = "{documents}"\n')
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", str(src),
                          str(tmp_path / "out")], capture_output=True, text=True, env=env, timeout=600)
    return out.returncode, sorted(set(re.findall(r"([\w-]+\.rst):(\d+): WARNING: (ED\d+)", out.stderr)))


def test_sphinx_agrees(tmp_path):
    assert _sphinx_warnings(tmp_path / "auto", "auto") == (0, [])
    status, warnings = _sphinx_warnings(tmp_path / "all", "all")
    assert status == 1
    assert warnings == sorted((n, str(line), code) for n, line, _, code in SEEDED)


# -- the dropped syntax error after a placeholder call ---------------------------------

def test_missing_semicolon_after_a_placeholder_call_in_generic_code():
    doc = snippet_doc("""
        struct foo *p;

        p = rcu_dereference(gp)
        do_something_with(p->a);
    """)
    assert [(f.line, f.code) for f in lint(doc)] == [(8, "ED103")]


def test_missing_semicolon_after_a_placeholder_call_in_entry_code():
    doc = snippet_doc("""
        noinstr void handler(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_nmi_enter(regs);

        	p = lookup_source(regs)
        	instrumentation_begin();
        	handle_source(p);
        	instrumentation_end();
        	irqentry_nmi_exit(regs, state);
        }
    """)
    findings = lint(doc)
    assert [(f.line, f.code) for f in findings] == [(10, "ED103")]
    assert findings[0].message == "expected ';' after expression"


@pytest.mark.parametrize("code", [
    "static DEFINE_SPINLOCK(lock);\nstatic DEFINE_PER_CPU(int, hits);\nseqcount_t seq;\n",
    "void f(void)\n{\n\tstruct task_struct *p;\n\n\tfor_each_process(p) {\n\t\tcount(p);\n\t}\n}\n",
    "void f(struct bar *b)\n{\n\tstruct foo *f = container_of(b, struct foo, bar);\n\n\tthis_cpu_inc(f->stats.m);\n}\n",
    "void f(void)\n{\n\tchar buf[...];\n\t[...]\n\tlist_for_each_entry(pos, &head, list)\n\t\tvisit(pos);\n}\n",
    "1 int x;\n2 void f(void)\n3 {\n4 \tx++;\n5 }\n",
    "#include <linux/rculist.h>\n#include <asm/local.h>\nstruct foo __rcu *gp;\n",
    # A vertical ellipsis, and a two-dot elision (kref.rst, tracepoints.rst).
    "void f(struct foo *p)\n{\n\tget(p);\n\t.\n\t. do stuff with p here\n\t.\n\t[..]\n\tput(p);\n}\n",
    # A patch shown in a block (whatisRCU.rst, kernel-hacking/locking.rst).
    "--- a/cache.c\t2003-12-09 13:58:54.000000000 +1100\n+++ b/cache.c\n@@ -5,5 +5,5 @@ struct el {\n"
    "-\tlong data;\n+\tlong data __rcu;\n",
    # Declaration macros at file scope (local_ops.rst).
    "module_init(test_init);\nMODULE_LICENSE(\"GPL\");\nEXPORT_SYMBOL_GPL(test_init);\n",
    # C's own "...": variadic prototypes and macros (kobject.rst, ftrace.rst).
    "int kobject_add(struct kobject *kobj, struct kobject *parent,\n\t\tconst char *fmt, ...);\n"
    "void trace_write(const char *fmt, ...)\n{\n}\n#define pr_once(fmt, ...) printk(fmt, ##__VA_ARGS__)\n",
    # Four or five dots for omitted code, also where a statement must be
    # (cpu_hotplug.rst, librs.rst, dma-api.rst).
    "void f(void)\n{\n\tret = setup(a, b);\n\tif (ret < 0)\n\t\treturn;\n\t....\n\tif (attrs & FOO)\n"
    "\t\t/* twizzle */\n\t.....\n\tteardown(a);\n}\n",
    # A placeholder in angle brackets for a value (ftrace-design.rst).
    "void f(void)\n{\n\tunsigned long frompc = ....;\n\tunsigned long selfpc = <return address> - 4;\n\n"
    "\ttrace(frompc, selfpc);\n}\n",
    # Prose as a loop header, a note set off by asterisks, numbered steps
    # (pin_user_pages.rst, sched-arch.rst, cachetlb.rst).
    "void f(void)\n{\n\tpin_user_pages(huge_page);\n\tfor (each page in huge_page)\n\t\tunpin_user_page(page);\n"
    "\tlocal_irq_enable();\n\t*** resched interrupt arrives here ***\n\tsleep_until_interrupt();\n}\n",
    # Omitted parameters of a prototype, an editor's mode line
    # (adding-syscalls.rst, coding-style.rst).
    "int sys_xyzzy(const char __user *path, ..., unsigned int flags);\nasmlinkage long sys_xyzzy(...);\n"
    "/*\n-*- mode: c -*-\n*/\n-*- mode: c -*-\n",
    # A definition's parameters left out as "(..)", its return type too
    # (power/opp.rst).
    "soc_set_rate(..)\n{\n\t/* checks first */\n\tr = pick_rate(dev, &freq);\n\tput_rate(r);\n}\n",
    # Values left out as "<...>", a note in brackets, dots spaced out
    # (admin-guide/ramoops.rst, clk.rst, pnp.rst).
    "static struct board_data bd = {\n\t.size\t= <...>,\n\t.base\t= <...>,\n};\n",
    "start(c);\n\tc->ops->start(c->hw);\n\t[resolves to...]\n\t\tgate_start(hw);\n"
    "\t[finds the gate with to_gate(hw)]\n\t\t\tset_bit_in(gate);\n",
    "static void board_remove(struct pnp_dev *dev)\n{\n. . .\n}\n",
    # Casts to types the stubs lack, a driver's own prefix macro between a
    # log level and the format (admin-guide/java.rst, scsi/ufs.rst,
    # networking/driver.rst).
    "int get(FILE *f)\n{\n\tint b = fgetc(f);\n\treturn (u_int8_t)b + (uintptr_t)(u64)f;\n}\n",
    "void f(struct net_device *dev)\n{\n\tprintk(KERN_ERR DRV_PFX \"%s: ring full\\n\",\n\t       dev->name);\n}\n",
    # An omitted place to store, an omitted initialiser and block body, an
    # elision in parentheses, a rule across the block, an elision before
    # words that are not English (kcsan.rst, spi-summary.rst, can.rst,
    # packet_mmap.rst, translations/zh_CN).
    "void f(void)\n{\n\t... = x;\n\tif (x) { ... }\n\t(..)\n\t--------------------\n\t... \u8fd9\u91cc\u662f\u4e34\u754c\u533a ..\n}\n"
    "static struct mysoc_spi_data pdata __initdata = { ... };\n",
    # A patch without its hunk header, a grammar (pci-error-recovery.rst,
    # device-mapper/dm-ima.rst).
    "void f(void)\n{\n-\tif (entry)\n+\tif (entry && entry->ok)\n \t\tshow(entry);\n}\n",
    "target_attributes := <target_name> \",\" <target_version>\n",
    # Comments for the statements of a condition over several lines
    # (virt/kvm/api.rst).
    "void f(void)\n{\n\tif (vq >= VQ_MIN && vq <= VQ_MAX &&\n\t    ((lengths[vq / 64] >>\n"
    "\t\t(vq % 64)) & 1))\n\t\t/* this length is supported */\n\telse\n\t\t/* this one is not */\n}\n",
    # Values in words in brackets (driver-api/fpga/fpga-programming.rst).
    "void f(struct image *info)\n{\n\tif (the image is in a buffer) {\n\t\tinfo->buf = [your image buffer]\n"
    "\t\tinfo->count = [the buffer's size]\n\t}\n\tprogram(info);\n}\n",
    # A section annotation the stubs lack, before the declarator (arm/tcm.rst).
    "#include <asm/fastmem.h>\n\nstatic u32 __fastdata fastvar;\nstatic u32 __fastdata fastset = 0x2BU;\n"
    "static const u32 __fastconst fastc = 1;\n\nstatic void __fastfunc fast_copy(void)\n{\n\tfastvar = fastc;\n}\n",
    # A BPF program's section, over its head or before it (bpf/prog_lsm.rst,
    # networking/af_xdp.rst).
    "SEC(\"lsm/file_open\")\nint BPF_PROG(open_audit, struct file *file, int ret)\n{\n\treturn ret;\n}\n\n"
    "SEC(\"xdp\") int pass_all(struct xdp_md *ctx)\n{\n\treturn XDP_PASS;\n}\n",
    # Names cited as prose cites them, a list of what an API deprecates
    # (staging/static-keys.rst).
    "struct thing_key k = THING_KEY_INIT;\nthing_key_on()\nthing_key_off()\n",
    # Added lines marked in a block indented less than its code
    # (staging/static-keys.rst).
    "SYSCALL_DEFINE0(getpid)\n{\n      int pid;\n\n+     if (static_branch_unlikely(&key))\n"
    "+             printk(\"the true branch\\n\");\n\n      pid = find_pid();\n      return pid;\n}\n",
    # Steps in words (coding-style.rst).
    "void f(void)\n{\n\tdo {\n\t\tbody of do-loop\n\t} while (condition);\n\tif (x) {\n\t\twe do y\n\t}\n}\n",
    "1) flush_cache_mm(mm);\n   change_all_page_tables_of(mm);\n\n2) flush_cache_range(vma, start, end);\n"
    "   flush_tlb_range(vma, start, end);\n",
    # The function graph tracer's output (ftrace.rst).
    " 3)               |  finish_task_switch() {\n 3)   0.313 us    |    _raw_spin_unlock_irq();\n"
    " 3)   3.177 us    |  }\n",

    # A prototype returning a type the stubs lack, and a system call's
    # convention written as a prototype, its operation first, on one line
    # and over several (security/keys/core.rst).
    "serial_t add_thing(const char *kind, const void *data,\n\t\t   size_t len);\n"
    "long thingctl(THINGCTL_READ, serial_t id, char *buf, size_t buflen);\n"
    "long thingctl(THINGCTL_MOVE,\n\t      serial_t id,\n\t      serial_t to_ring);\n",
    # A synopsis over several lines, commented, without its ';' (powerpc/ultravisor.rst).
    "uint64_t hypercall(const uint64_t H_PAGE_IN,\n\tuint16_t lpid,\t\t/* partition */\n"
    "\tuint64_t gpa)\t\t/* guest address */\n",
    # ACPI Source Language (firmware-guide/acpi/).
    "Device (SPI1) {\n\tName (_HID, \"PRP0001\")\n\tMethod (_CRS, 0, Serialized) {\n"
    "\t\tName (SBUF, ResourceTemplate () {\n\t\t\tGpioIo (Exclusive, PullUp, 0, 0, , \"\\\\_SB.GPO0\") { 9 }\n"
    "\t\t})\n\t\tReturn (SBUF)\n\t}\n}\n",
    # Omitted code between dots, and a comment that stands for the body of
    # an "if" (firmware-guide/acpi/enumeration.rst).
    "void f(void)\n{\n\terr = read_prop(dev, \"size\", &size);\n\tif (err)\n\t\t...handle it...\n\n"
    "\tdesc = get_desc(dev, \"irq\");\n\tif (IS_ERR(desc))\n\t\t/* give up */\n\n\tuse(desc);\n}\n",

    # A function pointer member returning a type the stubs lack, and a
    # sentence of the text inside the block (hwmon/hwmon-kernel-api.rst).
    "struct thing_ops {\n\tmode_t (*visible)(const void *, int kind,\n\t\t\t  u32 attr);\n};\n\n"
    "The THING_INFO() helper can and should be used where it fits.\n\n"
    "static const struct thing_ops *ops[] = { NULL };\n",

    # A function pointer returning a type the stubs lack, at file scope
    # (filesystems/sysfs.rst, locking.rst); an annotation macro before a
    # declaration's type (bpf/libbpf/libbpf_naming_convention.rst).
    "ssize_t (*show)(struct device *dev, char *buf);\nssize_t (*store)(struct device *dev,\n"
    "\t\t const char *buf, size_t count);\n",
    "LIBBPF_API int bpf_thing_get_fd(__u32 id);\nTHING_EXPORT struct thing *thing_get(void);\n",
    # Prototypes as a bulleted list (filesystems/netfs_library.rst).
    "* void thing_done(struct thing *t,\n\t\t ssize_t result);\n* int thing_start(struct thing *t);\n",
    # The document's own macro calls one that takes a type (driver-api/clk.rst).
    "#define to_clk_thing(_hw) container_of(_hw, struct clk_thing, hw)\n\n"
    "int clk_thing_enable(struct clk_hw *hw)\n{\n\tstruct clk_thing *thing;\n\n"
    "\tthing = to_clk_thing(hw);\n\treturn 0;\n}\n",
    # A tool's output around the C that reads it: words before an elision,
    # a sentence ending in its full stop (mm/page_owner.rst).
    "Page allocated via order XXX, ...\nPFN XXX ...\n// Detailed stack\n  By default, it will dump every pfn, to start with a given pfn,\n"
    "  thing_owner supports fseek.\n\n  FILE *fp = fopen(\"/sys/kernel/debug/thing_owner\", \"r\");\n"
    "  fseek(fp, pfn_start, SEEK_SET);\n",
    # A note of the text in the block, naming a function (arm/samsung-s3c24xx/overview.rst);
    # annotations before and after a prototype (process/coding-style.rst).
    "void thing_set(struct thing *t)\n{\n\tt->ready = 1;\n}\n\nNote, since the code is marked as __init, it\n"
    "should not be exported via EXPORT_SYMBOL() and related functions.\n",
    "static __always_inline __init __printf(4, 5) void * __must_check thing(int v,\n"
    "\t\tsize_t size, u8 count, char *fmt, ...) __malloc\n{\n\treturn NULL;\n}\n",
    # A comment standing for parameters and for an argument
    # (trace/rv/da_monitor_instrumentation.rst).
    "static void handle_thing(void *data, /* XXX: fill header */)\n{\n\tthing_event(data);\n}\n\n"
    "static int thing_init(void)\n{\n\treturn attach_probe(\"thing\", /* XXX: tracepoint */, handle_thing);\n}\n",
    # A kernel annotation after a declarator (sh/new-machine.rst).
    "struct thing_vector mv_thing __initmv = {\n\t.name = \"thing\",\n};\nstatic int hits __cache_hot;\n",
    # A qualifier that may be there or not, and a note of the text indented
    # into the block, a sentence over lines (security/keys/core.rst).
    "[const] void *dereference_thing_locked([const] struct thing *t);\n\n"
    "Note that the result takes its constness from the thing\nparameter.  Static analysis warns if it thinks the lock\n"
    "isn't held.\n",
    # Prototypes with a "-" bullet (dpaa2/mac-phy-support.rst).
    "- int thing_connect(struct thing *t);\n- void thing_disconnect(struct thing *t);\n",
    # A step in words with a name in capitals (networking/xfrm_device.rst), and a
    # lettered step's sentence (target/tcmu-design.rst).
    "void f(struct sk_buff *skb)\n{\n\tstate = lookup_state(skb);\n\tset up HW for send\n}\n\n"
    "b) Waiting for events on the device(s)\n\nvoid g(int fd)\n{\n\thandle_events(fd);\n}\n",
    # Macros that make declarations, outside any function, with no ';'
    # (bpf/kfuncs.rst, sound/kernel-api/writing-an-alsa-driver.rst).
    "THING_SET_START(thing_set)\nTHING_ID_FLAGS(func, thing_get, KF_ACQUIRE | KF_RET_NULL)\n"
    "THING_SET_END(thing_set)\n\nstatic const struct thing_id_set thing_kfunc_set = {\n\t.owner = THIS_MODULE,\n};\n",
    "static void __exit mychip_exit(void)\n{\n\tunregister_thing(&driver);\n}\n\n"
    "module_init(mychip_init)\nmodule_exit(mychip_exit)\n",
    # A value and its ';' left out, a field list left out with a comment,
    # the rest of a label, a listing numbered under a note of its file.
    "void f(struct table *t)\n{\n\tfor_each_entry(pos, t) {\n\t\tpos->frequency = ...\n\t}\n}\n",
    "struct chip_state {\n\tstruct thing sd;\n\t...  /* additional state fields */\n};\n",
    "int f(void)\n{\n\tif (IS_ERR(hid)) {\n\t\tret = PTR_ERR(hid);\n\t\tgoto err_<...>;\n\t}\n\treturn 0;\n}\n",
    # A litmus test's condition at file scope after its threads
    # (RCU/Design/Memory-Ordering/Tree-RCU-Memory-Ordering.rst).
    "int x, y;\n\nvoid task0(void)\n{\n\tWRITE_ONCE(x, 1);\n\tr1 = READ_ONCE(y);\n}\n\n"
    "WARN_ON(r1 == 0 && r2 == 0);\n",
    # A structure, then its use as statements at file scope
    # (driver-api/gpio/driver.rst).
    "static void my_unmask(struct irq_data *d)\n{\n\tenable(d);\n}\n\n"
    "static const struct my_chip_ops ops = {\n\t.name = \"my\",\n\t.unmask = my_unmask,\n};\n\n"
    "struct my_chip *c;\n\nc = get_chip();\nchip_set_ops(c, &ops);\nif (!c->parents)\n\treturn -ENOMEM;\n"
    "return add_chip(c);\n",
    # Declaring macros with a string after a function (dev-tools/kselftest.rst).
    "static void __init selftest(void)\n{\n\tcheck(0);\n}\n\nMODULE_AUTHOR(\"A Developer <a@example.org>\");\n"
    "MODULE_INFO(test, \"Y\");\n",
    # An element of an initialiser list left out (driver-api/gpio/legacy.rst).
    "static struct pin pins[] = {\n\t{ 4, PIN_OUT, \"Status\" },\n\t{ ... },\n};\n",
    # Words made statements for a body left unwritten, "do" among them
    # (process/maintainer-tip.rst).
    "void f(struct thing *p)\n{\n\tif (refcount_dec_and_test(&p->ref)) {\n\t\tdo;\n\t\tlots;\n\t\tof;\n"
    "\t\tmagic;\n\t}\n}\n",
    # A declaring macro's arguments over two lines at file scope (bpf/kfuncs.rst).
    "__thing_push();\n__thing_ignore_all(\"-Wmissing-prototypes\",\n\t\t  \"Global things are in BTF\");\n\n"
    "struct thing *thing_find(pid_t nr)\n{\n\treturn find_thing(nr);\n}\n\n__thing_pop();\n",
    # The kernel's C99 names for its fixed widths, in a macro's cast
    # (arm/kernel_user_helpers.rst) and a statement expression
    # (arm64/memory-tagging-extension.rst).
    "#define helper_version (*(int32_t *)0xffff0ffc)\n#define tagged(p) ({ uint64_t __v = (uint64_t)(p); (void *)__v; })\n"
    "void check(void)\n{\n\tif (helper_version < 2)\n\t\tabort();\n\tp = tagged(p);\n}\n",
    # A macro in capitals after "return" is an expression, not an attribute
    # (driver-api/pin-control.rst: ARRAY_SIZE() both there and in an initialiser).
    "static const int pins[] = { 0, 8 };\nstatic const struct group groups[] = {\n\t{ .count = COUNT_OF(pins), },\n};\n\n"
    "static int count_groups(void)\n{\n\treturn COUNT_OF(groups);\n}\n",
    # The kernel's offsetof(), in a document's own macro
    # (filesystems/xfs-self-describing-metadata.rst).
    "#define THING_CRC_OFF\toffsetof(struct thing_hdr, crc)\n\nstatic void check(struct buf *bp)\n{\n"
    "\tif (!verify_cksum(bp->addr, THING_CRC_OFF))\n\t\tfail(bp);\n}\n",
    # A "//" comment for the body under a condition over lines
    # (input/devices/elantech.rst): its ';' is not inside the comment.
    "void check(void)\n{\n\tif (((a & 0x3C) != 0x3C) || // check byte 1\n\t    ((b & 0x0C) != 0x0C))   // check byte 2\n"
    "\t\t// error detected\n}\n",
    # A patch of lines taken out and put in, nothing else, its tabs expanded
    # by docutils to three spaces after the marks (filesystems/seq_file.rst).
    "-   entry = create_entry(\"sequence\", 0, NULL);\n-   if (entry)\n-           entry->fops = &ops;\n"
    "+   entry = proc_create(\"sequence\", 0, NULL, &ops);\n",
    # A loop macro given a string, with its body, in a fragment
    # (admin-guide/bootconfig.rst).
    "root = find_node(\"key.prefix\");\n...\nnode_for_each_array_value(root, \"array-option\", value, anode) {\n"
    "\t...\n}\n",
    # Words leading in to an alternative (networking/can.rst).
    "dev->mtu = CAN_MTU; /* classical CAN */\n\nor alternative, when the controller supports CAN with flexible data rate:\n"
    "dev->mtu = CANFD_MTU;\n",
    # What a case does, left out (driver-api/pin-control.rst).
    "int f(int conf)\n{\n\tswitch (conf) {\n\tcase PULL_UP:\n\t\t...\n\t}\n\treturn 0;\n}\n",
    # A note in brackets with a comparison in it (networking/can.rst).
    "[ remember: THING_MTU == sizeof(struct thing) ]\n\nstruct thing t;\n",
    # Rules under the titles of a listing side by side (virt/kvm/vcpu-requests.rst).
    "CPU1                                    CPU2\n=================                       =================\n"
    "local_irq_disable();\nWRITE_ONCE(mode, IN_GUEST);              make_request(REQ);\n",
    "-> drivers/cpufreq/foo_cpufreq.c\n\n01\tstatic int est_power(struct device *dev,\n02\t\tunsigned long *KHz)\n"
    "03\t{\n04\t\tlong freq;\n05\n06\t\tfreq = 1;\n07\t\treturn 0;\n08\t}\n",
])
def test_kernel_pseudo_code_is_no_defect(code):
    doc = "T\n=\n\n.. code-block:: c\n\n" + "".join("\t" + l + "\n" if l else "\n" for l in code.split("\n"))
    assert lint(doc) == []


@pytest.mark.parametrize("code,message", [
    ("void f(void)\n{\n\tif (a) {\n\t\tx();\n\t} else (b) {\n\t\ty();\n\t}\n}", "expected ';' after expression"),
    ("static void noop(struct irq_data *data))\n{\n}", "expected ';' at end of declaration"),
    ("static struct foo_ops ops = {\n\t.open = foo_open;\n\t.release = foo_release,\n};", "expected '}'"),
    ("void f(void)\n{\n\tif (x)\n\t\t....\n\tprintk(fmt, ...)\n}", "expected ';' after expression"),
    # A cast to a type the stubs lack is read as one; the ';' is still missing.
    ("int get(int b)\n{\n\treturn (u_int8_t)b\n}", "expected ';' after return statement"),
    # Numbered steps that do not start at 1 are no steps: "2)" stays C.
    ("2) flush_cache_mm(mm);\n3) flush_tlb_mm(mm);", "expected ';' after expression"),

    # A comma missing between the parameters of a synopsis.
    ("uint64_t hypercall(const uint64_t H_PAGE_IN,\n\tuint16_t lpid\t\t/* partition */\n"
     "\tuint64_t gpa)\t\t/* guest address */", "expected ')'"),
    # A comment under an "if" is a note when the statement follows, deeper.
    ("void f(void)\n{\n\tif (IS_ERR(desc))\n\t\t/* unlikely */\n\t\tgive_up(desc)\n\tuse(desc);\n}",
     "expected ';' after expression"),
    ("void f(void)\n{\n\tif (IS_ERR(desc))\n\t\t/* unlikely */\n\t\t*slot = NULL\n\tuse(desc);\n}",
     "expected ';' after expression"),
    # The readings above hide no slip: a missing ',' in an annotated or a
    # bulleted prototype, a missing ';' after a function pointer and after a
    # statement that uses the document's container_of() macro.
    ("LIBBPF_API int bpf_thing_get_fd(__u32 id __u32 flags);", "expected ')'"),
    ("ssize_t (*show)(struct device *dev, char *buf)\nssize_t (*store)(struct device *dev);",
     "expected ';' at end of declaration"),
    ("* void thing_done(struct thing *t\n\t\t ssize_t result);", "expected ')'"),
    ("#define to_clk_thing(_hw) container_of(_hw, struct clk_thing, hw)\n"
     "int clk_thing_enable(struct clk_hw *hw)\n{\n\tstruct clk_thing *thing;\n"
     "\tthing = to_clk_thing(hw)\n\treturn 0;\n}", "expected ';' after expression"),
    ("[const] void *dereference_thing_locked([const] struct thing *t int flags);", "expected ')'"),
    # A sentence goes on in words only: the call after it is C.
    ("Note that the thing is set\nhere, and then\nthing_set(t)\nthing_put(t);", "expected ';' after expression"),
    ("int f(void)\n{\n\tNote that the thing is set here\n\treturn x + y\n}", "expected ';' after return statement"),
    ("static int hits __cache_hot\nstatic int misses;", "expected ';' at end of declaration"),
    # A synopsis without its ';' is a habit; one prototype without it among
    # others that have it is a slip (core-api/protection-keys.rst).
    ("int thing_alloc(unsigned long flags)\nint thing_free(int thing);\nint thing_protect(unsigned long start,\n"
     "\t\t  size_t len, int thing);", "expected ';' at end of declaration"),
    # A comma before ')' with no comment for what is left out is a slip.
    ("static void handle_thing(void *data, )\n{\n}", "expected parameter declarator"),
    ("uint64_t hypercall(const uint64_t H_STOP,\n\tuint64_t lpid,\t\t/* partition */)", "expected parameter declarator"),
    # A call with no ';' in a fragment of a function is a slip, beside a
    # loop macro's block or a local's initialiser: only file-level code
    # has declaring macros standing alone.
    ("struct thing t = {\n\t.a = 1,\n};\nregister_thing(&t)\nuse_thing(&t);", "expected ';' after expression"),
    ("static void f(void)\n{\n\tmodule_thing(x)\n\tuse_thing(x);\n}", "expected ';' after expression"),
    # A statement after a function is a fragment, and still read as C (a
    # bare "done(x)" there would be a declaring macro, so an assignment).
    ("void task0(void)\n{\n\tWRITE_ONCE(x, 1);\n}\nWARN_ON(r1 == 0 && r2 == 0);\nr1 = 2\nfinish(x);",
     "expected ';' after expression"),
    ("void task0(void)\n{\n\tWRITE_ONCE(x, 1);\n}\nWARN_ON(r1 == 0 && (r2 == 0);", "expected ')'"),
    # ... but a statement under such a condition still needs its ';'.
    ("void f(void)\n{\n\tif (vq >= VQ_MIN &&\n\t    vq <= VQ_MAX)\n\t\t/* supported */\n\t\tuse(vq)\n\tdone();\n}",
     "expected ';' after expression"),
    # A value in words stands for the rest of the line only.
    ("void f(void)\n{\n\tx = [the value] + y;\n}", "expected expression"),
    # ... and the ';' after such a declaration is still needed.
    ("static u32 __fastdata fastvar\nstatic u32 other;", "expected ';' at end of declaration"),
    # The body of a function a macro defines is still C.
    ("SEC(\"lsm/file_open\")\nint BPF_PROG(audit, struct file *file)\n{\n\tuse(file)\n\treturn 0;\n}",
     "expected ';' after expression"),
    # A macro given a string among statements still needs its ';'.
    ("void f(void)\n{\n\tWARN(\"no thing\")\n\treturn use(x);\n}", "expected ';' after expression"),
    # One call cited so among statements is a slip.
    ("void f(void)\n{\n\tthing_key_on()\n\tuse(x);\n}", "expected ';' after expression"),
    # A "+ b" that lines up with no code of the block continues an expression.
    ("void f(void)\n{\n\tx = weigh(a)\n+ weigh(b)\n\tuse(x);\n}", "expected ';' after expression"),
    # "= ..." stands for a value only at the end of its line.
    ("void f(void)\n{\n\tx = ... y;\n}", "expected ';' after expression"),
    # "do;" alone, or before its "while", is C's loop; a word is no "while".
    ("void f(void)\n{\n\tdo;\n\tx = 1;\n}", "expected 'while' in do/while loop"),
    ("void f(void)\n{\n\tlots;\n\tdo;\n\twhile (x)\n\tthings;\n}", "expected ';' after do/while statement"),
    # A declaring macro over two lines still needs its ')'.
    ("__thing_ignore_all(\"-Wmissing-prototypes\",\n\t\t  \"Global things\";\n"
     "struct thing *thing_find(pid_t nr)\n{\n\treturn find_thing(nr);\n}", "expected parameter declarator"),
    # A line of words that ends in ':' with a ';' missing before it is C.
    ("void f(void)\n{\n\tx = 1\n\tcase_label_of_the_switch_statement:\n\tuse(x);\n}", "expected ';' after expression"),
    # A label with no statement after it is still C's slip.
    ("int f(int conf)\n{\n\tswitch (conf) {\n\tcase PULL_UP:\n\t}\n\treturn 0;\n}", "expected statement"),
    # C's own "a[const]" is no optional qualifier.
    ("void f(int a[const] int b);", "expected ')'"),
])
def test_true_syntax_defects_in_generic_code(code, message):
    doc = "T\n=\n\n.. code-block:: c\n\n" + "".join("\t" + l + "\n" for l in code.split("\n"))
    assert [f.message for f in lint(doc)] == [message]


# -- structures the document defines elsewhere, or nowhere --------------------------

ENTRY_STRUCTURES = """\
Structures in entry code
========================

The driver keeps its state in a structure:

.. code-block:: c

	struct foo_dev {
		int ready;
	};

and its NMI handler reads it:

.. code-block:: c

	noinstr void foo_nmi(struct pt_regs *regs, struct foo_dev *dev, struct foo_stats stats)
	{
		irqentry_state_t state = irqentry_nmi_enter(dev->regs);

		if (dev->ready && dev->next->ready && stats.count)
			dev->ops->kick(dev->lock.owner);
		instrumentation_begin();
		spin_lock(&dev->lock);
		dev->table[3] = stats.limit;
		instrumentation_end();
		irqentry_nmi_exit(regs, state);
	}
"""


def test_structures_of_pseudo_code_are_no_defect_in_entry_code():
    # struct foo_dev is defined by the first snippet, struct foo_stats
    # nowhere: a reviewer reads both as the driver's, as the text does.
    assert lint(ENTRY_STRUCTURES) == []


def test_a_path_defect_behind_a_member_read_is_still_found():
    # clang drops an expression that reads a member of an undefined
    # structure, and the calls in it: the condition's instrumentation_end()
    # must still be seen on its path.
    doc = snippet_doc("""
        noinstr void foo_nmi(struct pt_regs *regs, struct foo_dev *dev)
        {
        	irqentry_state_t state = irqentry_nmi_enter(regs);

        	if (dev->ready)
        		instrumentation_begin();
        	dev->count++;
        	if (dev->ready && instrumentation_end_if(dev->next->ready))
        		instrumentation_end();
        	irqentry_nmi_exit(regs, state);
        }
    """)
    assert [(f.line, f.code) for f in lint(doc)] == [(14, "ED303"), (15, "ED302")]


def test_a_misspelt_member_of_a_modelled_structure_is_still_an_error():
    doc = snippet_doc("""
        noinstr void foo_nmi(struct pt_regs *regs, struct foo_dev *dev)
        {
        	irqentry_state_t state = irqentry_nmi_enter(regs);

        	if (state.exit_rcuu)
        		dev->count++;
        	irqentry_nmi_exit(regs, state);
        }
    """)
    assert [(f.line, f.code, f.message) for f in lint(doc)] == [
        (10, "ED103", "no member named 'exit_rcuu' in 'struct irqentry_state'")]


def test_error_numbers_are_the_kernels():
    doc = snippet_doc("""
        noinstr int foo_nmi(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_nmi_enter(regs);

        	if (!regs) {
        		irqentry_nmi_exit(regs, state);
        		return -EBUSY;
        	}
        	irqentry_nmi_exit(regs, state);
        	return -EPROBE_DEFER;
        }
    """)
    assert lint(doc) == []
    misspelt = lint(doc.replace("EBUSY", "EBUSSY"))
    assert [(f.line, f.code, f.message) for f in misspelt] == [
        (12, "ED103", "use of undeclared identifier 'EBUSSY'")]


def test_log_levels_are_the_kernels():
    doc = snippet_doc("""
        noinstr void foo_nmi(struct pt_regs *regs)
        {
        	irqentry_state_t state = irqentry_nmi_enter(regs);

        	instrumentation_begin();
        	printk(KERN_ERR "foo: NMI on CPU %d\\n", cpu);
        	instrumentation_end();
        	irqentry_nmi_exit(regs, state);
        }
    """)
    assert lint(doc) == []
    misspelt = lint(doc.replace("KERN_ERR", "KERN_EER"))
    assert [(f.line, f.code, f.message) for f in misspelt] == [
        (11, "ED103", "use of undeclared identifier 'KERN_EER'")]


def test_a_string_macro_in_generic_code_is_no_local():
    # input/input-programming.rst: PREFIX before a string literal is a
    # macro that is a string, not a pseudo-code local to declare.
    doc = "T\n=\n\n.. code-block:: c\n\n" + "".join("\t" + l + "\n" for l in (
        "static int __init thing_init(void)",
        "{",
        "\tif (request_thing(THING_IRQ, 0)) {",
        "\t\tprintk(PREFIX \"thing.c: no irq %d\\n\", thing_irq);",
        "\t\treturn -EBUSY;",
        "\t}",
        "\treturn 0;",
        "}"))
    assert lint(doc) == []


def test_a_name_near_an_unmodelled_call_is_no_typo_outside_entry_code():
    # driver-model/devres.rst lists devm_kmalloc() beside a call of
    # devm_kzalloc(): both are the kernel's, and the model knows neither.
    doc = ("Devres\n======\n\nAllocate::\n\n  static int probe(struct device *dev)\n  {\n"
           "          struct foo *p = devm_kzalloc(dev, sizeof(*p), GFP_KERNEL);\n"
           "          return p ? 0 : -ENOMEM;\n  }\n\n"
           "The managed interfaces are devm_kmalloc() and devm_kzalloc(); a typo such\n"
           "as irqentry_nmi_exitt() is still found.\n")
    assert [(f.line, f.code, f.message) for f in lint(doc)] == \
        [(13, "ED501", "irqentry_nmi_exitt() is not a known function; did you mean irqentry_nmi_exit()?")]
