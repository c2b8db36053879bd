"""The core function every front end calls: read -> extract -> normalise ->
compile -> classify -> check -> findings."""
from __future__ import annotations

from typing import List, Optional, Tuple

from docutils import nodes

from . import rules
from .classify import classify
from .compile import compile_snippet
from .config import Config
from .context import Context
from .errors import CheckAborted, InputError, LibclangMissing
from .extract import Document, extract
from .findings import Finding
from .normalise import normalise
from .read import Source
from .rst import parse_rst
from .rules import compile as compile_rules, markup, noinstr, order, pairs, prose, review, srctree
from .stubs import load_api

# Longer snippets are generated code, not examples; compiling and walking
# them would take most of a minute each.
MAX_SNIPPET_LINES = 10_000

# The families of rules, in the order their findings are made; each reads
# the classified, compiled document and nothing another family wrote.
PIPELINE = (markup, compile_rules, noinstr, pairs, order, prose, srctree, review)


def check_source(source: Source, config: Config, doctree: Optional[nodes.document] = None) -> List[Finding]:
    """Check one document.  ``doctree`` is Sphinx's, when there is one; the
    CLI lets plain docutils parse the text."""
    findings, _ = check_document(source, config, doctree)
    return findings


def check_document(source: Source, config: Config, doctree: Optional[nodes.document] = None
                   ) -> Tuple[List[Finding], Document]:
    document = extract_document(source, config, doctree)
    return check_extracted(document, config), document


def extract_document(source: Source, config: Config, doctree: Optional[nodes.document] = None) -> Document:
    """Steps read and extract: pure Python, no compiler (the Sphinx extension
    runs them in the builder's process and the rest in its worker)."""
    try:
        if doctree is None:
            doctree = parse_rst(source.text, source.path)
        return extract(source, doctree, config.literal_language)
    except RecursionError:
        # docutils recurses once per nesting level.
        raise InputError(f"{source.path}: nests too deeply to check (lists, blocks or C statements "
                         f"more than a few hundred levels deep)") from None


def check_extracted(document: Document, config: Config) -> List[Finding]:
    """Steps normalise to check of an extracted document.  Raises
    CheckAborted when the compiler crashes or a snippet nests deeper than
    the checker can follow: findings are then incomplete, and must not
    pass for a clean document."""
    with _no_swallowed_errors() as swallowed:
        try:
            findings = _check_extracted(document, config)
        except RecursionError:
            swallowed.append(RecursionError())
        if swallowed:
            _release(document)
            # ctypes wraps an error raised while converting a callback's
            # arguments (ArgumentError: "RecursionError: ...").
            if any(isinstance(e, RecursionError) or "RecursionError" in str(e) for e in swallowed):
                raise CheckAborted("a C snippet nests too deeply for the checker (expressions or "
                                   "statements hundreds of levels deep)")
            first = swallowed[0]
            raise CheckAborted(f"the checker failed inside a libclang callback "
                               f"({type(first).__name__}: {first}); please report it")
    return findings


class _no_swallowed_errors:
    """Collect the exceptions Python would only print and ignore: one raised
    in a ctypes callback (libclang's visitor calls back into Python; a
    RecursionError there would silently cut the walk short, hiding
    findings)."""

    def __enter__(self):
        import sys
        self.swallowed: List[BaseException] = []
        self.previous = sys.unraisablehook

        def hook(unraisable):
            if unraisable.exc_value is not None:
                self.swallowed.append(unraisable.exc_value)
            else:
                self.previous(unraisable)
        sys.unraisablehook = hook
        return self.swallowed

    def __exit__(self, *exc_info):
        import sys
        sys.unraisablehook = self.previous
        return False


def _release(document: Document) -> None:
    document.compiled = []


def _check_extracted(document: Document, config: Config) -> List[Finding]:
    source = document.source
    config = _with_overrides(config, document)
    if document.overrides.get("check", "").strip().lower() in ("no", "false", "off"):
        return []   # the document opted out (.. entrydoc:: :check: no)
    for snippet in document.c_snippets:
        if len(snippet.lines) > MAX_SNIPPET_LINES:
            raise InputError(f"{source.path}: the snippet at line {snippet.line} has {len(snippet.lines):,} "
                             f"lines; the limit is {MAX_SNIPPET_LINES:,} lines per snippet")
    normalised = [normalise(s) for s in document.c_snippets]
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
    for family in PIPELINE:
        if api is None and family not in (markup, review):
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
    return sorted(kept)


def _wanted(family, config: Config) -> bool:
    """Whether any rule of a family can survive the selection (the review
    family costs a dictionary walk per word, for nothing in the default profile)."""
    name = family.__name__.rsplit(".", 1)[-1]
    return any(config.wants(r.code, r.profile) for r in rules.REGISTRY.values() if r.family == name)


def _with_overrides(config: Config, document: Document) -> Config:
    """Apply a document's own ``.. entrydoc::`` options."""
    import dataclasses
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
