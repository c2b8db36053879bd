"""srctree mode and model-diff against a real kernel tree.

The tree comes from ENTRYDOC_KERNEL_TREE (``make kernel-tree KVER=6.1``
unpacks Debian's linux-source package and sets it); without it these
tests are skipped, saying why.
"""
import os

import pytest

from sphinx_entrydoc import kversion, srctree
from sphinx_entrydoc.modeldiff import model_diff, render
from sphinx_entrydoc.stubs import load_api
from sphinx_entrydoc.treeapi import tree_truth

TREE = os.environ.get("ENTRYDOC_KERNEL_TREE", "")

pytestmark = pytest.mark.skipif(
    not TREE or not os.path.isfile(os.path.join(TREE, "Makefile")),
    reason="no real kernel tree: set ENTRYDOC_KERNEL_TREE (make kernel-tree KVER=6.1 does)")


def test_the_trees_makefile_chooses_the_version():
    version = kversion.from_makefile(TREE)
    assert version is not None and kversion.in_range(version)


def test_every_modelled_prototype_the_tree_has_is_read_and_compiles():
    api = load_api((), kversion.from_makefile(TREE))
    truth = tree_truth(api, srctree.tree_for(os.path.abspath(TREE)))
    assert truth.unread == {}
    assert len(truth.tree_functions) > len(api.functions) // 2


def test_model_diff_names_the_version_and_lists_the_entry_headers():
    api = load_api((), kversion.from_makefile(TREE))
    text = render(model_diff(api, srctree.tree_for(os.path.abspath(TREE))))
    assert text.startswith(f"model-diff: the model ({api.kernel}) against the source tree")
    assert "entry-header functions the model lacks:" in text
