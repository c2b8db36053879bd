"""The README's rule table is generated from the rule declarations."""
import os

from conftest import ROOT
from sphinx_entrydoc.ruletable import END, START, markdown


def test_rule_table_in_readme_matches_declarations():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        text = handle.read()
    section = text.split(START, 1)[1].split(END, 1)[0]
    assert section.strip() == markdown().strip(), "run `make rules-table`"


def test_every_rule_has_a_rationale_and_template():
    from sphinx_entrydoc.rules import load_all
    for code, declared in load_all().items():
        assert declared.rationale and declared.template and declared.name, code
        assert declared.code.startswith("ED") and len(declared.code) == 5
