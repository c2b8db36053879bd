import os
import textwrap

import pytest

from sphinx_entrydoc.check import check_source
from sphinx_entrydoc.config import Config
from sphinx_entrydoc.read import Source

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DOCS = os.path.join(HERE, "docs")
EXAMPLES = os.path.join(ROOT, "example_docs")


@pytest.fixture(autouse=True, scope="session")
def srctree_cache_outside_home(tmp_path_factory):
    """No test writes the user's ~/.cache: source tree indexes (srctree
    mode) are cached in a temporary directory, for the CLI's subprocesses too."""
    variable = "SPHINX_ENTRYDOC_CACHE_DIR"
    previous = os.environ.get(variable)
    os.environ[variable] = str(tmp_path_factory.mktemp("srctree-cache"))
    yield
    if previous is None:
        del os.environ[variable]
    else:
        os.environ[variable] = previous


def lint(text, path="doc.rst", **settings):
    """Findings of a document given as text.  Rule tests check every
    document (documents = all) unless they say otherwise: which documents
    are selected is tests/test_selection.py's subject."""
    settings.setdefault("documents", ("all",))
    return check_source(Source(path, text), Config(**settings))


def found(text, **settings):
    """(line, column, code) of every finding, the way a review lists them."""
    return [(f.line, f.column, f.code) for f in lint(text, **settings)]


def line_of(text, needle, nth=1):
    """1-based line of the nth line containing ``needle``."""
    hits = [i + 1 for i, l in enumerate(text.split("\n")) if needle in l]
    return hits[nth - 1]


def column_of(text, needle, nth=1):
    line = text.split("\n")[line_of(text, needle, nth) - 1]
    return line.index(needle) + 1


def read_doc(name):
    with open(os.path.join(DOCS, name), encoding="utf-8") as handle:
        return handle.read()


def snippet_doc(body):
    """A one-snippet document: ``body`` is the C code, dedented."""
    code = textwrap.dedent(body).strip("\n")
    return "Title\n=====\n\n.. code-block:: c\n\n" + textwrap.indent(code, "\t") + "\n"


# -- Sphinx extension tests (tests/test_sphinx.py) ---------------------------
# sphinx.testing's fixtures (app, make_app, warning, ...) with the test roots
# under tests/roots/test-*/.
pytest_plugins = ("sphinx.testing.fixtures",)


@pytest.fixture(scope="session")
def rootdir():
    import sphinx
    if sphinx.version_info < (7, 2):
        # Older sphinx.testing works on its own path type, not pathlib.
        from sphinx.testing.path import path
        return path(HERE) / "roots"
    from pathlib import Path
    return Path(HERE) / "roots"
