"""How kernel documents lay out code that is not one C listing: two
listings side by side, scenarios in columns under "TASK A:"/"CPU#1"
titles, "->" substitution notes, "<-" event notes, examples cut off before
their closing brace, conditions in words.  Outside the model's reach (no
modelled call) none of that is a defect, and a real defect inside it is
still found where it is."""
import pytest

from conftest import found, snippet_doc

CLEAN = {
    "side by side, numbered on both sides": """
         1 int get(int k)            1 int get(int k)
         2 {                         2 {
         3   int v;                  3   int v;
         4   read_lock(&l);          4   rcu_read_lock();
         5   v = table[k];           5   v = READ_ONCE(table[k]);
         6   read_unlock(&l);        6   rcu_read_unlock();
                                     7   might_sleep();
         7   return v;               8   return v;
         8 }                         9 }
        """,
    "side by side, steps in words": """
        1.                          2.
        add()                       lookup()
        {                           {
            allocate_it                 read_lock(&l);
            write_lock(&l);             find_it
            link_it                     read_unlock(&l);
            write_unlock(&l);       }
        }
        """,
    "titles over two tasks": """
        TASK A:                 TASK B:

        mutex_lock(&a);
                                mutex_lock(&b);
        """,
    "a task title between the steps": """
        TASK A:

        spin_lock(&x);

        TASK B:

        spin_lock(&y);
        """,
    "CPU titles and two statements a line": """
        CPU#1                           CPU#2

        init_completion(&done);
        wait_for_completion(&done);     complete(&done);
        """,
    "substitution arrows": """
        f()
        {
            local_irq_save(flags);    -> local_lock_irqsave(&ll, flags);
            local_irq_restore(flags); -> local_unlock_irqrestore(&ll, flags);
        }
        """,
    "an event arrow and a worded elision": """
        spin_lock(&lock);
        ... critical section here ..
            <- interrupt comes in:
                spin_lock(&lock);
        """,
    "cut off before the closing brace": """
        f()
        {
            struct foo *p;

            p = this_cpu_ptr(&var);
            p->val = g();
        """,
    "a synopsis of prototypes without their ';'": """
        long bpf_map_peek_elem(struct bpf_map *map, void *value)
        void wait_for_completion(struct completion *done)
        """,
    "a string macro before a literal": """
        if (buf[smp_processor_id()] == -1)
            printk(KERN_INFO "wee!\\n");
        """,
    "BPF map declaration macros and a section attribute": """
        struct {
                __uint(type, BPF_MAP_TYPE_QUEUE);
                __type(value, __u32);
        } queue SEC(".maps");
        """,
    "a label and a loop macro with its body, as statements": """
        begin:
        rcu_read_lock();
        hlist_nulls_for_each_entry_rcu(obj, node, head, member) {
            if (!try_get_ref(obj)) {
                rcu_read_unlock();
                goto begin;
            }
        }
        rcu_read_unlock();
        """,
    "a condition in words": """
        while (budget--) {
            if (ring is empty)
                break;
        }
        """,
}


@pytest.mark.parametrize("layout", sorted(CLEAN))
def test_a_documentation_layout_is_not_a_defect(layout):
    assert found(snippet_doc(CLEAN[layout])) == []


def test_a_missing_semicolon_in_the_right_hand_column_is_found_there():
    doc = snippet_doc("""
        1 int get(int k)            1 int get(int k)
        2 {                         2 {
        3   int v;                  3   int v;
        4   read_lock(&l);          4   rcu_read_lock();
        5   v = table[k];           5   v = READ_ONCE(table[k])
        6   read_unlock(&l);        6   rcu_read_unlock();
        7   return v;               7   return v;
        8 }                         8 }
        """)
    assert found(doc) == [(10, 57, "ED103")]


def test_a_missing_semicolon_after_a_loop_macro_body_is_found():
    doc = snippet_doc("""
        begin:
        hlist_nulls_for_each_entry_rcu(obj, node, head, member) {
            if (!try_get_ref(obj))
                goto begin;
        }
        rcu_read_unlock()
        """)
    assert [(line, code) for line, _, code in found(doc)] == [(11, "ED103")]


def test_an_inner_brace_missing_before_the_last_one_is_a_defect():
    doc = snippet_doc("""
        void f(void)
        {
            if (x) {
                g();
        }
        """)
    assert [code for _, _, code in found(doc)] == ["ED103"]


def test_an_arrow_that_is_c_stays_c():
    # "a <- b" is "a < -b", and "p->next" a member: neither is a note.
    doc = snippet_doc("""
        int f(int a, int b, struct s *p)
        {
            if (a <- b)
                return p->next
            return 0;
        }
        """)
    assert [code for _, _, code in found(doc)] == ["ED103"]


def test_a_condition_with_a_type_word_is_not_prose():
    doc = snippet_doc("""
        void f(void)
        {
            if (unsigned long)
                g();
        }
        """)
    assert [code for _, _, code in found(doc)] == ["ED103"]


@pytest.mark.parametrize("statement", ["x = f(a)", "return f(a)", "long v = f(a)"])
def test_a_statement_missing_its_semicolon_is_no_synopsis(statement):
    doc = snippet_doc(f"""
        long g(long a)
        {{
            long x;
            {statement}
            return x;
        }}
        """)
    assert [code for _, _, code in found(doc)] == ["ED103"]
