"""The core function every front end calls: read -> extract -> normalise ->
compile -> classify -> check -> findings."""
from __future__ import annotations

import dataclasses

from .config import Config
from .errors import CheckAborted, InputError, LibclangMissing
from .extract import Document, extract
from .findings import Finding
from .read import Source
from .selection import Decision, Selection, decide, model_for, prescreen

# Annotations only: typing is no import a cold check should wait for, and
# docutils is imported by whoever parses.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

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


def check_document(source: Source, config: Config, doctree: Optional[nodes.document] = None,
                   name: Optional[str] = None) -> Tuple[List[Finding], Document]:
    """Findings of one document, and the document as extracted; its
    ``decision`` says whether the selection (``config.documents``) checked
    it, and why.  ``name`` is what selection globs match (Sphinx's docname),
    the source's path by default."""
    return finish(prepare(source, config, doctree, name))


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


def _load_api(config: Config):
    from .stubs import load_api
    try:
        api = load_api(config.stub_dirs, config.kernel())
    except LibclangMissing:
        if not config.allow_missing_libclang:
            raise
        return None
    if config.srctree:
        # srctree mode: the tree's prototypes and markings of the modelled functions.
        from .treeapi import apply_tree
        api = apply_tree(api, config.srctree)
    return api


@dataclasses.dataclass
class Prepared:
    """A document read, selected and extracted: everything docutils is
    needed for.  Plain data, so one process can make it (docutils) while
    another loads libclang, and hand it over.  Normalising is left to
    :func:`finish`: the process that compiles has loaded the normaliser
    while this one parsed, and a parse that does without it is that much
    shorter (in Sphinx, the builder's own process does less)."""
    document: Document
    config: Config                 # with the document's own overrides applied

    @property
    def skip(self) -> bool:
        """The selection skipped it (``document.decision`` says why)."""
        return self.document.decision is not None and not self.document.decision.check


@_nesting
def prepare(source: Source, config: Config, doctree: Optional[nodes.document] = None,
            name: Optional[str] = None, model=None) -> Prepared:
    """Steps read to extract.  The stub model is read from the cache
    directory when it is there, so this loads libclang only to make it.
    ``model``: the selection's model of the stubs, when the caller made it
    already (a Sphinx build, once per build; the source tree corrects the
    functions' prototypes and markings, never which functions there are,
    so it is the same model with or without one)."""
    name = name or source.path
    selection = Selection.parse(config.documents)
    if model is None:
        model = model_for(_load_api(config), config.stub_dirs)
    if doctree is None:
        # Most documents of a tree are skipped: decide from the raw text
        # when that is enough, before docutils parses anything.
        reason = prescreen(name, source.checked, selection, model)
        if reason:
            skipped = Document(source=source, blocks=[], suppressions=[])
            skipped.decision = Decision(False, reason, False)
            return Prepared(skipped, config)
        from .rst import parse_rst
        doctree = parse_rst(source.checked, source.path)
    document = extract(source, doctree, config.literal_language)
    document.decision = decide(name, document, selection, model)
    if not document.decision.check:
        return Prepared(document, config)
    config = _with_overrides(config, document)
    for snippet in document.c_snippets:
        if len(snippet.lines) > MAX_SNIPPET_LINES:
            raise InputError(f"{source.path}: the snippet at line {snippet.line} has {len(snippet.lines):,} "
                             f"lines; the limit is {MAX_SNIPPET_LINES:,} lines per snippet")
    return Prepared(document, config)


def finish(prepared: Prepared, threads: int = 1) -> Tuple[List[Finding], Document]:
    """Steps normalise to check (libclang, the rules) of a prepared document.
    Raises CheckAborted when the compiler crashes or a snippet nests deeper
    than the checker can follow: the findings would be incomplete, and
    must not pass for a clean document.  ``threads``: 2 compiles two
    snippets at a time, for a caller with a core to spare (the findings are
    the same either way)."""
    with _no_swallowed_errors() as swallowed:
        try:
            result = _finish(prepared, threads)
        except RecursionError:
            swallowed.append(RecursionError())
        if swallowed:
            prepared.document.compiled = []
            # ctypes wraps an error raised while converting a callback's
            # arguments (ArgumentError: "RecursionError: ...").
            if any(isinstance(e, RecursionError) or "RecursionError" in str(e) for e in swallowed):
                raise CheckAborted("a C snippet nests too deeply for the checker (expressions or "
                                   "statements hundreds of levels deep)")
            first = swallowed[0]
            raise CheckAborted(f"the checker failed inside a libclang callback "
                               f"({type(first).__name__}: {first}); please report it")
    return result


class _no_swallowed_errors:
    """Collect the exceptions Python would only print and ignore: those
    raised in a ctypes callback (libclang's visitor calls back into Python;
    a RecursionError there would silently cut a walk short, hiding findings)."""

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


def _finish(prepared: Prepared, threads: int = 1) -> Tuple[List[Finding], Document]:
    document, config = prepared.document, prepared.config
    if prepared.skip:
        return [], document
    from . import rules
    from .classify import classify
    from .context import Context
    from .normalise import normalise
    normalised = [normalise(s) for s in document.c_snippets]
    api = _load_api(config)
    entry_style = document.decision.entry_style
    model = model_for(api, config.stub_dirs)
    compiled = _compile_all(normalised, api, entry_style, model, threads) if api is not None else []
    document.compiled = compiled
    ctx = Context(document=document, config=config, api=api, normalised=normalised, compiled=compiled,
                  entry_style=entry_style)
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


def _compile_all(normalised, api, entry_style: bool, model, threads: int = 1):
    """Compile every snippet; a generic one that fails and is printed as two
    columns side by side is compiled column by column instead, when that
    reading explains its errors (leaves no more of them)."""
    from .compile import compile_snippet
    from .normalise import side_by_side

    def one(n):
        generic = _generic(n.snippet, entry_style, model)
        result = compile_snippet(n, api, generic=generic)
        columns = side_by_side(n) if generic and result.diagnostics else []
        parts = [compile_snippet(c, api, generic=True) for c in columns]
        if parts and sum(len(p.diagnostics) for p in parts) <= len(result.diagnostics):
            return parts
        return [result]
    if threads < 2:
        return [c for n in normalised for c in one(n)]
    return [c for group in _in_two_threads(one, normalised) for c in group]


def _in_two_threads(work, items: list) -> list:
    """``[work(item) for item in items]``, two items at a time: libclang
    lets go of Python's lock while it parses (ctypes does for every call),
    so one snippet is parsed while the other is walked, each snippet on its
    own translation unit and index (clang.index).  The first exception, in
    the items' order, is raised after both threads are done."""
    if len(items) < 2:
        return [work(item) for item in items]
    import threading
    results: list = [None] * len(items)
    failures: list = [None] * len(items)
    taken = iter(range(len(items)))
    lock = threading.Lock()

    def run():
        while True:
            with lock:
                position = next(taken, None)
            if position is None:
                return
            try:
                results[position] = work(items[position])
            except BaseException as exc:   # noqa: B036 - raised again in the caller's thread
                failures[position] = exc

    # As deep a stack as the main thread's: a walk that nests deeply must
    # end in the same RecursionError there and here, never a crash.
    try:
        previous = threading.stack_size(THREAD_STACK)
    except (ValueError, RuntimeError):   # no thread of that stack here: one at a time
        return [work(item) for item in items]
    try:
        helper = threading.Thread(target=run, name="entrydoc-compile", daemon=True)
        helper.start()
    finally:
        threading.stack_size(previous)
    run()
    helper.join()
    for failure in failures:
        if failure is not None:
            raise failure
    return results


THREAD_STACK = 64 * 1024 ** 2   # bytes; the main thread has 8 MiB where ulimit -s is the default


def _generic(snippet, entry_style: bool, model) -> bool:
    """A snippet outside the model's reach: in a document that is not
    entry-style, or one that calls no modelled function (nor a slip of one)
    and does not opt in.  Its unknown names are assumed to be whatever their
    use needs, and only its syntax is judged (compile.py)."""
    if snippet.kind == "entrydoc":
        return False
    return not entry_style or model.first_reached(snippet.text) is None


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
