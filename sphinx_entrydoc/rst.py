"""Parse reStructuredText with plain docutils, without a Sphinx build.

Sphinx-only directives are registered for the duration of one parse only
(the global docutils registry is restored afterwards), so a Sphinx build in
the same process is not affected.  File insertion and raw output are off: a
document being checked can never make the tool read another file.
"""
from __future__ import annotations

import contextlib
import functools

from docutils import nodes
from docutils.parsers.rst import Directive, directives, roles


class highlightlang(nodes.Element):
    """Same tag name and attribute as Sphinx's own ``highlightlang`` node."""


class entrydoc_options(nodes.Element):
    """Per-document settings given by the ``.. entrydoc::`` directive."""


class _AnyOptions(dict):
    """Accepts every option (Sphinx's directives have many we do not read).
    Truthy although empty: docutils parses an option block only when the
    directive has an option_spec that is true."""

    def __bool__(self):
        return True

    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return directives.unchanged


OPTION_NAMES = ("profile", "ignore", "select", "literal-language", "check")
SNIPPET_OPTIONS = {"expect-noinstr": directives.flag, "ignore": directives.unchanged}


def literal(directive: Directive, language: str, opt_in: bool) -> nodes.literal_block:
    text = "\n".join(directive.content)
    node = nodes.literal_block(text, text)
    node["language"] = language
    node.line = directive.content_offset + 1
    node.source = directive.state_machine.get_source(directive.lineno)
    if opt_in:
        node["entrydoc_opt_in"] = True
        node["entrydoc_options"] = {k: ("" if v is None else v) for k, v in directive.options.items()
                                    if k in SNIPPET_OPTIONS}
    return node


class CodeBlock(Directive):
    optional_arguments = 1
    has_content = True
    option_spec = _AnyOptions()

    def run(self):
        return [literal(self, self.arguments[0] if self.arguments else "", opt_in=False)]


class EntrydocCodeBlock(CodeBlock):
    def run(self):
        return [literal(self, self.arguments[0] if self.arguments else "c", opt_in=True)]


class Highlight(Directive):
    required_arguments = 1
    option_spec = _AnyOptions()

    def run(self):
        return [highlightlang(lang=self.arguments[0].strip())]


def entrydoc_options_from(options: dict) -> dict:
    return {k: ("" if v is None else str(v)) for k, v in options.items() if k in OPTION_NAMES}


class Entrydoc(Directive):
    option_spec = {name: directives.unchanged for name in OPTION_NAMES}

    def run(self):
        return [entrydoc_options(options=entrydoc_options_from(self.options))]


class Opaque(Directive):
    """A Sphinx directive whose content is not prose (toctree, kernel-doc, ...)."""
    optional_arguments = 100
    final_argument_whitespace = True
    has_content = True
    option_spec = _AnyOptions()

    def run(self):
        return []


class Container(Opaque):
    """A Sphinx directive whose content is prose (only, versionadded, ...)."""

    def run(self):
        node = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


STANDALONE_DIRECTIVES = {
    "code-block": CodeBlock, "sourcecode": CodeBlock, "code": CodeBlock,
    "entrydoc-code-block": EntrydocCodeBlock, "highlight": Highlight, "entrydoc": Entrydoc,
    **{name: Opaque for name in (
        "toctree", "kernel-doc", "kernel-abi", "kernel-feat", "kernel-include", "literalinclude",
        "index", "tabularcolumns", "c:function", "c:macro", "c:type", "c:struct", "c:union",
        "c:enum", "c:var", "c:member", "c:namespace", "productionlist", "glossary", "automodule",
        "autofunction", "maxdepth", "raw", "include", "csv-table", "list-table", "flat-table")},
    **{name: Container for name in (
        "only", "versionadded", "versionchanged", "deprecated", "seealso", "centered", "hlist",
        "rst-class", "cssclass", "todo")},
}

SPHINX_ROLES = ("c:func", "c:macro", "c:type", "c:data", "c:member", "c:struct", "c:union",
                "c:enum", "c:expr", "c:texpr", "c:var", "ref", "doc", "func", "any", "file",
                "samp", "kbd", "command", "envvar", "option", "term", "manpage", "abbr",
                "menuselection", "guilabel", "numref", "download", "program", "mod", "class",
                "meth", "attr", "data", "const", "exc", "obj", "keyword", "token", "pep", "rfc")


def _literal_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [nodes.literal(rawtext, text)], []


@contextlib.contextmanager
def _sphinx_vocabulary():
    saved_directives = dict(directives._directives)
    saved_roles = dict(roles._roles)
    try:
        directives._directives.update(STANDALONE_DIRECTIVES)
        for name in SPHINX_ROLES:
            roles._roles[name] = _literal_role
        yield
    finally:
        directives._directives.clear()
        directives._directives.update(saved_directives)
        roles._roles.clear()
        roles._roles.update(saved_roles)


SETTINGS = {
    "report_level": 5,        # docutils' own complaints are rstcheck's job, not ours
    "halt_level": 5,
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "warning_stream": False,
    "input_encoding": "unicode",
    "tab_width": 8,
    "line_length_limit": 10_000_000,
    "traceback": True,        # raise, never print and sys.exit() from inside docutils
    # Code is read as text: no Pygments lexing of ``:code:`` roles (whose
    # tokens would differ with and without Pygments installed).
    "syntax_highlight": "none",
}


@functools.lru_cache(maxsize=1)
def docutils_settings():
    """docutils' settings, built once: building the option parser costs
    more than parsing a typical document."""
    import warnings
    import docutils.frontend
    import docutils.parsers.rst
    with warnings.catch_warnings():
        # OptionParser is deprecated for Docutils 2.0; publish_doctree() uses
        # it internally all the same.
        warnings.simplefilter("ignore", DeprecationWarning)
        parser = docutils.frontend.OptionParser(components=(docutils.parsers.rst.Parser,),
                                                defaults=SETTINGS)
        return parser.get_default_values()


def parse_rst(text: str, path: str = "<string>") -> nodes.document:
    import copy

    import docutils.core   # here: a Sphinx build imports this module for its option names only
    with _sphinx_vocabulary():
        return docutils.core.publish_doctree(text, source_path=path, settings=copy.copy(docutils_settings()))
