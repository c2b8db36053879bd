"""The core function every front end calls: read -> extract -> normalise ->
compile -> classify -> check -> findings."""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, List, Optional, Tuple

from .config import Config
from .errors import InputError, LibclangMissing
from .extract import Document, extract
from .findings import Finding
from .normalise import Normalised, normalise
from .read import Source

if TYPE_CHECKING:  # docutils is imported by whoever parses
    from docutils import nodes

# Longer snippets are generated code, not examples; compiling and walking
# them would take most of a minute each.
MAX_SNIPPET_LINES = 10_000

# The families of rules, in the order their findings are made (imported
# when a document is checked: a process that only parses never loads them).
PIPELINE = ("markup", "compile", "noinstr", "pairs", "order", "prose", "srctree", "review")


def check_source(source: Source, config: Config, doctree: Optional[nodes.document] = None) -> List[Finding]:
    """Check one document.  ``doctree`` is Sphinx's, when there is one; the
    CLI lets plain docutils parse the text."""
    findings, _ = check_document(source, config, doctree)
    return findings


def check_document(source: Source, config: Config, doctree: Optional[nodes.document] = None
                   ) -> Tuple[List[Finding], Document]:
    return finish(prepare(source, config, doctree))


def _nesting(step):
    """docutils and the flow walk recurse once per nesting level: too deep a
    document is one clear line, whichever step finds it."""
    import functools

    @functools.wraps(step)
    def guarded(*args, **kwargs):
        try:
            return step(*args, **kwargs)
        except RecursionError:
            first = args[0]
            path = first.path if isinstance(first, Source) else first.document.source.path
            raise InputError(f"{path}: nests too deeply to check (lists, blocks or C statements "
                             f"more than a few hundred levels deep)") from None
    return guarded


@dataclasses.dataclass
class Prepared:
    """A document read, extracted and normalised: everything before the
    compiler, made without libclang.  Plain data, so one process can make
    it (docutils) while another loads libclang, and hand it over."""
    document: Document
    config: Config                 # with the document's own overrides applied
    normalised: List[Normalised]
    skip: bool = False             # the document opted out (.. entrydoc:: :check: no)


@_nesting
def prepare(source: Source, config: Config, doctree: Optional[nodes.document] = None) -> Prepared:
    """Steps read to normalise (docutils, no libclang)."""
    if doctree is None:
        from .rst import parse_rst
        doctree = parse_rst(source.text, source.path)
    document = extract(source, doctree, config.literal_language)
    config = _with_overrides(config, document)
    if document.overrides.get("check", "").strip().lower() in ("no", "false", "off"):
        return Prepared(document, config, [], skip=True)
    for snippet in document.c_snippets:
        if len(snippet.lines) > MAX_SNIPPET_LINES:
            raise InputError(f"{source.path}: the snippet at line {snippet.line} has {len(snippet.lines):,} "
                             f"lines; the limit is {MAX_SNIPPET_LINES:,} lines per snippet")
    return Prepared(document, config, [normalise(s) for s in document.c_snippets])


@_nesting
def finish(prepared: Prepared) -> Tuple[List[Finding], Document]:
    """Steps compile to check (libclang, the rules) of a prepared document."""
    document, config, normalised = prepared.document, prepared.config, prepared.normalised
    if prepared.skip:
        return [], document
    from . import rules
    from .classify import classify
    from .compile import compile_snippet
    from .context import Context
    from .stubs import load_api
    try:
        api = load_api(config.stub_dirs) if normalised or document.paragraphs else None
    except LibclangMissing:
        if not config.allow_missing_libclang:
            raise
        api = None
    compiled = [compile_snippet(n, api) for n in normalised] if api is not None else []
    document.compiled = compiled
    ctx = Context(document=document, config=config, api=api, normalised=normalised, compiled=compiled)
    ctx.snippet_functions = {f.spelling for c in compiled for f in c.functions}
    if api is not None:
        ctx.undeclared = document.undeclared = classify(ctx)
    rules.load_all()
    for family in _pipeline():
        if api is None and family.__name__.rsplit(".", 1)[-1] not in ("markup", "review"):
            continue
        if not _wanted(family, config):
            continue
        family.check(ctx)
    kept = set()
    for finding in ctx.findings:
        declared = rules.REGISTRY[finding.code]
        if not config.wants(finding.code, declared.profile):
            continue
        if document.suppressed(finding.code, finding.line):
            continue
        kept.add(finding)
    return sorted(kept), document


def _pipeline():
    """The families of rules, in the order their findings are made; each
    reads the classified, compiled document and nothing another family wrote."""
    import importlib
    return [importlib.import_module(f".rules.{name}", __package__) for name in PIPELINE]


def _wanted(family, config: Config) -> bool:
    """Whether any rule of a family can survive the selection (the review
    family costs a dictionary walk per word, for nothing in the default profile)."""
    from . import rules
    name = family.__name__.rsplit(".", 1)[-1]
    return any(config.wants(r.code, r.profile) for r in rules.REGISTRY.values() if r.family == name)


def _with_overrides(config: Config, document: Document) -> Config:
    """Apply a document's own ``.. entrydoc::`` options."""
    options = document.overrides
    if not options:
        return config
    changes = {}
    if options.get("profile"):
        changes["profile"] = options["profile"]
    if options.get("literal-language"):
        changes["literal_language"] = options["literal-language"]
    if options.get("ignore"):
        changes["ignore"] = config.ignore + tuple(c.strip() for c in options["ignore"].replace(",", " ").split())
    if options.get("select"):
        changes["select"] = tuple(c.strip() for c in options["select"].replace(",", " ").split())
    return dataclasses.replace(config, **changes) if changes else config
