"""The Sphinx front end: ``extensions = ["sphinx_entrydoc"]`` in conf.py.

The checks run on the doctree Sphinx has just read (``doctree-read``),
through the same :func:`check_document` the CLI uses.  Findings are kept per
document on the build environment, so an incremental build re-checks only
the documents Sphinx re-reads and still knows, and fails on, the findings of
the others; ``env-purge-doc`` and ``env-merge-info`` keep them right in
parallel (``-j``) builds.  Like ``sphinx.ext.doctest``, a build with
error-severity findings ends with a non-zero exit status even without
``-W``.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import sys
from typing import TYPE_CHECKING, Dict, List, Optional, Set, Tuple

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.directives.code import CodeBlock
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ._version import __version__
from .config import DEFAULT_FILLER_WORDS, LITERAL_LANGUAGES, PROFILES, Config, documents_value, seconds, size
from .errors import InputError, LibclangMissing
from .rst import OPTION_NAMES, SNIPPET_OPTIONS, entrydoc_options_from

# What a build imports of this package before it reads a document is kept to
# the settings and the option names: a build that changes nothing must cost
# next to nothing.  The findings, the trace and the reader come when used.
if TYPE_CHECKING:
    from .findings import Finding
    from .read import Source

logger = logging.getLogger(__name__)

# Bump when what is kept on the environment or in the doctrees changes shape
# (3: findings kept as plain data; the trace node moved from trace.py to
# this module): Sphinx then
# re-reads every document instead of unpickling stale data.
ENV_VERSION = 3

# entrydoc_fail_on: the severities (findings.ERROR, WARNING) that fail the
# build, spelled out so a build that fails on nothing need not import the
# finding model (tests/test_sphinx.py holds the two spellings together).
FAILING_SEVERITIES = {"error": ("error",), "warning": ("error", "warning"), "never": ()}
FAIL_ON = tuple(FAILING_SEVERITIES)
WARNING_TYPE = "entrydoc"

# (name, default, rebuild, types).  "env": a change re-reads every document,
# because findings and traces are made while reading.
CONFIG_VALUES = (
    ("entrydoc_stub_dirs", [], "env", (list, tuple)),
    ("entrydoc_documents", "auto", "env", (str, list, tuple)),
    ("entrydoc_literal_language", "auto", "env", (str,)),
    ("entrydoc_profile", "default", "env", (str,)),
    ("entrydoc_select", [], "env", (list, tuple)),
    ("entrydoc_ignore", [], "env", (list, tuple)),
    ("entrydoc_fail_on", "error", "", (str,)),
    ("entrydoc_order_vocabulary", {}, "env", (dict,)),
    ("entrydoc_known_symbols", [], "env", (list, tuple)),
    ("entrydoc_filler_words", list(DEFAULT_FILLER_WORDS), "env", (list, tuple)),
    ("entrydoc_srctree", "", "env", (str,)),
    ("entrydoc_kernel_version", "", "env", (str,)),
    # Off by default: the published pages are for readers, the trace is for
    # the document's author.  (bool, str): "-D entrydoc_trace=1" gives a
    # string on some Sphinx versions; trace_enabled() reads both.
    ("entrydoc_trace", False, "env", (bool, str)),
    ("entrydoc_timeout", 60, "env", (int, float)),
    ("entrydoc_memory_limit", "2G", "env", (str, int)),
)


# -- nodes and directives ----------------------------------------------------

class entrydoc_options(nodes.Invisible, nodes.Element):
    """Per-document options (the tag name extract.py reads).  Invisible, so a
    ``.. entrydoc::`` above the title keeps the title the document's title;
    removed once the document is checked, so no builder ever sees it."""


class EntrydocDirective(SphinxDirective):
    """``.. entrydoc::`` with options: this document's settings.  Renders nothing."""

    option_spec = {
        **{name: directives.unchanged for name in OPTION_NAMES},
        "profile": lambda value: directives.choice(value, PROFILES),
        "literal-language": lambda value: directives.choice(value, LITERAL_LANGUAGES),
        "check": lambda value: directives.choice(value, ("yes", "no")),
    }

    def run(self):
        node = entrydoc_options(options=entrydoc_options_from(self.options))
        self.set_source_info(node)
        # The document being read has options nodes (wherever the
        # directive's text came from): doctree-read walks for them only then.
        _documents_with_options(self.env).add(self.env.docname)
        return [node]


class entrydoc_trace(nodes.General, nodes.Element):
    """The trace (trace.SnippetTrace) of the snippet just before it; HTML
    builders render it, the others drop it (doctree-resolved)."""


def visit_trace_html(translator, node: entrydoc_trace) -> None:
    from .trace import render_html
    translator.body.append(render_html(node["trace"]))
    raise nodes.SkipNode


class EntrydocCodeBlock(CodeBlock):
    """``.. entrydoc-code-block:: c``: a code-block the checker always checks.

    Renders exactly like ``code-block`` (it is one); the language defaults to
    C.  ``:ignore: CODES`` suppresses codes on the block's own lines.
    """

    option_spec = {**CodeBlock.option_spec, **SNIPPET_OPTIONS}

    def run(self):
        if not self.arguments:
            self.arguments = ["c"]
        snippet_options = {k: ("" if v is None else v) for k, v in self.options.items()
                           if k in SNIPPET_OPTIONS}
        result = super().run()
        for node in result:
            for literal in node.findall(nodes.literal_block):
                literal["entrydoc_opt_in"] = True
                literal["entrydoc_options"] = snippet_options
        return result


# -- which documents are checked ---------------------------------------------
# The selection itself is the core's (selection.py), shared with the CLI.

def _selection_nodes(env, doctree: nodes.document):
    """(the ``.. entrydoc::`` option nodes, the literal blocks): every
    document of a build goes through this.  A walk by class is docutils'
    fast path (two of them cost half of one walk testing a condition), and
    the options are walked for only where the directive ran."""
    docs = _documents_with_options(env)
    options = list(doctree.findall(entrydoc_options)) if env.docname in docs else []
    docs.discard(env.docname)
    return options, list(doctree.findall(nodes.literal_block))


def _documents_with_options(env) -> Set[str]:
    if not hasattr(env, "entrydoc_option_docs"):
        env.entrydoc_option_docs = set()
    return env.entrydoc_option_docs


def _model(app):
    """The selection's model of the stubs for the kernel version checked, as
    the headers were when this build started reading (load_api notices
    edited headers; asking it once per build, not per document, saves
    walking and hashing them for each of a tree's thousands of documents)."""
    model = getattr(app, "entrydoc_model", None)
    return model if model is not None else _load_compiler(app)


# -- settings ------------------------------------------------------------------

def _stub_dirs(app) -> Tuple[str, ...]:
    confdir = str(app.confdir)
    return tuple(os.path.join(confdir, d) for d in app.config.entrydoc_stub_dirs)


def _codes(value) -> Tuple[str, ...]:
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return tuple(str(c).strip().upper() for c in value if str(c).strip())


def _documents(value) -> Tuple[str, ...]:
    try:
        return documents_value(value)
    except ValueError as exc:
        raise InputError(f"entrydoc_documents = {value!r}: allowed values are {exc}") from None


def core_config(app) -> Config:
    """The core's settings from conf.py (and ``-D entrydoc_...=`` overrides),
    made once per build."""
    config = getattr(app, "entrydoc_config", None)
    if config is None:
        config, _problem = _core_config(app)
        app.entrydoc_config = config
    return config


def _core_config(app, warn=None) -> Tuple[Config, Optional[str]]:
    """The settings, and the one-line problem with the kernel version when
    there is one: the build goes on, checked against the nearest modelled
    version.  ``warn``: how to say that ``$srctree`` is not a kernel tree
    (once, at config-inited; the documents are then checked without it)."""
    from .config import resolve_srctree
    config = app.config
    srctree = config.entrydoc_srctree
    if srctree:
        srctree = os.path.join(app.confdir, srctree)
    core = resolve_srctree(Config(
        stub_dirs=_stub_dirs(app),
        profile=config.entrydoc_profile,
        select=_codes(config.entrydoc_select),
        ignore=_codes(config.entrydoc_ignore),
        literal_language=config.entrydoc_literal_language,
        vocabulary=tuple(sorted((str(k), str(v)) for k, v in config.entrydoc_order_vocabulary.items())),
        known_symbols=tuple(config.entrydoc_known_symbols),
        filler_words=tuple(config.entrydoc_filler_words),
        srctree=srctree,
        documents=_documents(config.entrydoc_documents),
        allow_missing_libclang=True,
    ), warn=warn)
    return _with_kernel_version(core, str(config.entrydoc_kernel_version or ""))


def _with_kernel_version(config: Config, given: str) -> Tuple[Config, Optional[str]]:
    from . import kversion
    problem = None
    if given:
        version, problem = kversion.lenient(given)
    else:
        found = kversion.from_makefile(config.srctree) if config.srctree else None
        version = kversion.NEWEST
        if found is not None:
            version, problem = kversion.lenient(f"{found[0]}.{found[1]}")
            if problem:
                problem = f"{os.path.join(config.srctree, 'Makefile')}: {problem}"
    return dataclasses.replace(config, kernel_version=f"{version[0]}.{version[1]}"), problem


def kernel_name(app) -> str:
    from .kversion import name
    return name(core_config(app).kernel())


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def trace_enabled(value) -> bool:
    """``entrydoc_trace`` as conf.py (a bool) or ``-D entrydoc_trace=1``
    (the string '1' or '0', or true/false, yes/no, on/off) gives it."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"entrydoc_trace = {value!r}: allowed values are True, False, 1, 0")


def _on_config_inited(app, config) -> None:
    """Refuse a bad setting before anything is read, with one clear message."""
    trace_enabled(config.entrydoc_trace)
    if config.entrydoc_fail_on not in FAIL_ON:
        raise ConfigError(f"entrydoc_fail_on = {config.entrydoc_fail_on!r}: "
                          f"allowed values are {', '.join(FAIL_ON)}")
    for directory in _stub_dirs(app):
        if not os.path.isdir(directory):
            raise ConfigError(f"entrydoc_stub_dirs: {directory!r} is not a directory")
    limits(app)
    try:
        core, problem = _core_config(app, warn=lambda message: logger.warning(
            f"entrydoc: {message}", type=WARNING_TYPE, subtype="srctree"))
        _check_codes(core.select, "entrydoc_select")
        _check_codes(core.ignore, "entrydoc_ignore")
    except InputError as exc:
        raise ConfigError(f"entrydoc: {exc}") from None
    app.entrydoc_config = core
    if problem:
        logger.warning(f"entrydoc: {problem}", type=WARNING_TYPE, subtype="kernel-version")


def _check_codes(patterns, option: str) -> None:
    """A code that matches no rule would silently select nothing (ED1O1
    for ED101): refused, as the CLI refuses it."""
    if not patterns:
        return   # the usual case: not even the rules package is imported
    from .rules import unknown_pattern
    pattern = unknown_pattern(patterns)
    if pattern is not None:
        raise InputError(f"{option}: {pattern!r} is no rule code or prefix; allowed values are "
                         "codes such as ED101 or prefixes such as ED1")


# (recache stage, the core's modules) Sphinx's process loads when it first
# reads documents (the stubs' model, the selection), and when it first
# checks one.
SELECT_MODULES = ("sphinx-select", ("kversion", "read", "selection", "stubs"))
CHECK_MODULES = ("sphinx-check", ("check", "normalise", "runner", "workers"))


def _import_core(stage_modules: Tuple[str, Tuple[str, ...]]) -> None:
    """Import the core's modules with the patterns and data-class code an
    earlier build kept for them (recache.import_hosted: 7-10 ms of the
    extension's 60 in Sphinx's process in a cold core-api build)."""
    from . import recache
    stage, modules = stage_modules
    recache.import_hosted(stage, tuple(f"{__package__}.{module}" for module in modules))


def check_document(source: Source, config: Config, doctree, docname: str, limits=None,
                   want_trace: bool = False, later=None, model=None):
    """(findings, [(snippet, trace)], decision).  The document is prepared
    here, from Sphinx's doctree (docutils only); compiling and the rules run
    in this process's supervised worker (workers.Supervisor), so a snippet
    that hangs or crashes libclang, or eats memory, costs its document an
    ED107 and the build goes on.  With ``later``, the compiling is queued
    and this returns at once with findings None: the worker compiles while
    Sphinx reads on, and ``later(findings, traces)`` is called when the
    result is collected (``later(None, InputError)`` if the document could
    not be checked).  ``model``: the selection's model (check.prepare).
    Imported when the first document is read: a build with nothing to read
    never loads the compiler."""
    _import_core(CHECK_MODULES)
    from . import runner, workers
    from .check import prepare
    prepared = prepare(source, config, doctree, docname, model)
    decision = prepared.document.decision
    if prepared.skip:
        return [], [], decision
    timeout, memory_limit = limits or (workers.DEFAULT_TIMEOUT, workers.DEFAULT_MEMORY_LIMIT)
    supervisor = workers.supervisor(timeout, memory_limit)
    task = (runner.finish_prepared, (prepared, want_trace))
    if later is None:
        return (*_checked(source, *supervisor.run(*task)), decision)

    def collected(status, result):
        try:
            findings, traces = _checked(source, status, result)
        except InputError as exc:
            later(None, exc)
        else:
            later(findings, traces)
    supervisor.submit(*task, collected)
    return None, [], decision


def _checked(source: Source, status: str, result):
    """(findings, traces) from what the worker returned."""
    if status == "ok":
        return result
    if status == "aborted":
        from .runner import aborted_finding
        return [aborted_finding(source.path, result)], []
    raise InputError(result)


def collect_checks(wait: bool) -> None:
    """Hand the results the worker has finished to their documents
    (``wait``: all of them, waiting for the last)."""
    workers = sys.modules.get(f"{__package__}.workers")
    if workers is None:
        return   # nothing was ever queued
    supervisor = workers.current_supervisor()
    if supervisor is not None:
        supervisor.drain() if wait else supervisor.poll()


def limits(app) -> Tuple[float, int]:
    """(entrydoc_timeout, entrydoc_memory_limit), checked: one ConfigError
    naming the value and what is allowed."""
    try:
        timeout = seconds(app.config.entrydoc_timeout)
    except ValueError as exc:
        raise ConfigError(f"entrydoc_timeout = {app.config.entrydoc_timeout!r}: allowed values are {exc}")
    try:
        memory = size(app.config.entrydoc_memory_limit)
    except ValueError as exc:
        raise ConfigError(f"entrydoc_memory_limit = {app.config.entrydoc_memory_limit!r}: "
                          f"allowed values are {exc}")
    return timeout, memory


def _load_compiler(app):
    """Load the stubs once, in the main process, before any document is
    read (and before -j forks readers), so a missing libclang is one warning
    and broken stubs one error, not one per document; returns the
    selection's model of them, kept for the build.  A build that reads
    nothing never loads them."""
    _import_core(SELECT_MODULES)
    from .selection import model_for
    from .stubs import load_api
    try:
        api = load_api(_stub_dirs(app), core_config(app).kernel())
    except LibclangMissing as exc:
        logger.warning(f"{exc}; only the checks that need no compiler run",
                       type=WARNING_TYPE, subtype="libclang")
        api = None
    except InputError as exc:
        raise ConfigError(f"entrydoc: {exc}") from None
    app.entrydoc_model = model_for(api, _stub_dirs(app))
    return app.entrydoc_model


# -- what is kept on the environment -------------------------------------------

def _findings(env) -> Dict[str, List[dict]]:
    """Each checked document's findings, kept as plain data (Finding.as_dict,
    the form the result cache keeps too): unpickling the environment of a
    build that changes nothing then neither imports nor makes the Finding
    class, which was a third of what the extension cost such a build."""
    if not hasattr(env, "entrydoc_findings"):
        env.entrydoc_findings = {}
    return env.entrydoc_findings


def _read_now(env) -> Set[str]:
    """Documents read in the running build (the others kept their findings)."""
    if not hasattr(env, "entrydoc_read_now"):
        env.entrydoc_read_now = set()
    return env.entrydoc_read_now


def _on_env_before_read_docs(app, env, docnames) -> None:
    _findings(env)
    env.entrydoc_read_now = set()
    env.entrydoc_reader = os.getpid()   # the process that reads, unless -j forks readers
    if docnames:
        # Made afresh for a build that reads (a test may change the
        # configuration between two builds of one application).
        app.entrydoc_config = app.entrydoc_model = None
        _load_compiler(app)


def _on_env_purge_doc(app, env, docname) -> None:
    _findings(env).pop(docname, None)
    _read_now(env).discard(docname)


def _on_env_merge_info(app, env, docnames, other) -> None:
    theirs = _findings(other)
    mine = _findings(env)
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]
    _read_now(env).update(_read_now(other) & set(docnames))


# -- checking one document -----------------------------------------------------

def _source(env, docname: str) -> Source:
    from .read import decode
    path = str(env.doc2path(docname))
    with open(path, "rb") as handle:
        return decode(path, handle.read())


def _on_source_read(app, docname: str, source: List[str]) -> None:
    """docutils must see the lines the checks see (read.py): form feeds,
    NEL, U+2028 and the like are not line ends, so they reach it as spaces."""
    from .read import one_line_per_line
    text = source[0]
    if _reader_splits_lines(app.config.source_encoding):
        text = _unsplit(app.env, docname, text)
    source[0] = one_line_per_line(text)


@functools.lru_cache(maxsize=None)
def _reader_splits_lines(encoding) -> bool:
    """Whether docutils' FileInput.read() may have split the text with
    str.splitlines(): always up to docutils 0.20; from 0.21 only text whose
    encoding it guesses, which Sphinx never asks of it unless
    ``source_encoding`` names none (from Sphinx 7.x the reader opens the
    file itself, as text, which splits only at \\r and \\n)."""
    import docutils
    return docutils.__version_info__ < (0, 21) or not encoding


@functools.lru_cache(maxsize=None)
def _not_line_break_bytes():
    """Those characters in UTF-8 and in the one-byte encodings (NEL is 0x85
    there), as one pattern: one pass over a file, not one per character."""
    import re
    from .read import NOT_LINE_BREAKS
    return re.compile(b"|".join(sorted({re.escape(char.encode(codec)) for char in NOT_LINE_BREAKS
                                        for codec in ("utf-8", "latin-1") if ord(char) < 256 or codec == "utf-8"})))


def _unsplit(env, docname: str, content: str) -> str:
    """The document's text with the characters docutils' reader may already
    have taken for line ends put back (_reader_splits_lines: docutils up
    to 0.20, with Sphinx 5.3 among others): a form feed there arrives here
    as a line break.  The file is read again only when it holds one of those
    characters, and its text replaces the content only when splitting it the
    same way gives the content back (no earlier handler changed it)."""
    from .read import MAX_BYTES, decode
    try:
        path = str(env.doc2path(docname))
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        if not _not_line_break_bytes().search(data):
            return content
        text = decode(path, data).text
    except (OSError, InputError):
        return content
    if "\n".join(text.splitlines() + [""]) == content:
        return text if text.endswith("\n") else text + "\n"
    return content


def _on_doctree_read(app, doctree: nodes.document) -> None:
    collect_checks(wait=False)   # the findings of earlier documents, as they are ready
    env = app.env
    docname = env.docname
    _read_now(env).add(docname)
    options, literals = _selection_nodes(env, doctree)
    try:
        _check_if_selected(app, docname, doctree, options, literals)
    except InputError as exc:
        logger.warning(f"entrydoc: {exc}", type=WARNING_TYPE, subtype="input", location=docname)
    finally:
        for node in options:
            node.parent.remove(node)


def _check_if_selected(app, docname: str, doctree: nodes.document, option_nodes, literals) -> None:
    """The core decides (selection.decide, on the extracted document); what
    is done here first only avoids reading the source for the documents
    that cannot be selected: excluded, or in auto mode with no literal block
    that names a modelled function (the text scan the CLI does on files)."""
    from .selection import Selection, scan
    selection = Selection.parse(_documents(app.config.entrydoc_documents))
    options: Dict[str, str] = {}
    for node in option_nodes:
        options.update(node.get("options", {}))
    if options.get("check") == "no" or selection.excludes(docname):
        return
    opts_in = bool(option_nodes) or any(n.get("entrydoc_opt_in") for n in literals)
    if not (options.get("check") == "yes" or opts_in or selection.includes(docname)):
        if not selection.auto:
            return
        model = _model(app)
        if not any(scan(n.astext(), model) for n in literals):
            return
    _check(app, docname, doctree, _source(app.env, docname))


def _check(app, docname: str, doctree: nodes.document, source: Source) -> None:
    want_trace = trace_enabled(app.config.entrydoc_trace)
    later = None
    if not want_trace and os.getpid() == app.env.entrydoc_reader:
        # Compiled while Sphinx reads on; collected by env-updated at the
        # latest, in this process, before the environment is saved.  A
        # trace goes into this doctree, and a -j reader process returns
        # its environment without a last event: both wait here.
        later = functools.partial(_record, app, docname, None)
    findings, traces, decision = check_document(source, core_config(app), doctree, docname, limits(app),
                                                want_trace, later, _model(app))
    if decision is not None and not decision.check:
        return
    # A checked document is re-read when the project's own stubs change.
    for header in _project_stub_headers(_stub_dirs(app)):
        app.env.note_dependency(header)
    if later is None:
        _record(app, docname, doctree, findings, traces)


def _record(app, docname: str, doctree: Optional[nodes.document], findings, traces) -> None:
    """Keep and report a checked document's findings (``findings`` None:
    ``traces`` is the InputError that stopped its check)."""
    if findings is None:
        logger.warning(f"entrydoc: {traces}", type=WARNING_TYPE, subtype="input", location=docname)
        return
    _findings(app.env)[docname] = [f.as_dict() for f in findings]
    for finding in findings:
        report(docname, finding)
    if doctree is not None and trace_enabled(app.config.entrydoc_trace):
        shown = [f for f in findings if not _suppressed(app, f.code)]
        _add_traces(doctree, traces, shown)


@functools.lru_cache(maxsize=8)
def _project_stub_headers(stub_dirs: Tuple[str, ...]) -> Tuple[str, ...]:
    headers = []
    for directory in stub_dirs:
        for root, dirs, files in os.walk(directory):
            dirs.sort()
            headers += [os.path.join(root, f) for f in sorted(files) if f.endswith(".h")]
    return tuple(headers)


def _suppressed(app, code: str) -> bool:
    return logging.is_suppressed_warning(WARNING_TYPE, code, app.config.suppress_warnings)


def report(docname: str, finding: Finding) -> None:
    from .report import one_line   # a message never breaks the build log's lines
    logger.warning(f"{finding.code} {one_line(finding.message)}", type=WARNING_TYPE, subtype=finding.code,
                   location=(docname, finding.line))


def _add_traces(doctree: nodes.document, traces, findings) -> None:
    """Put each snippet's trace right after its block (after the caption
    wrapper, when the block has one)."""
    from . import trace
    literals = list(doctree.findall(nodes.literal_block))
    for snippet, snippet_trace in traces:
        snippet_trace = trace.with_findings(snippet_trace, findings)
        index = next((i for i, n in enumerate(literals) if n.astext() == snippet.text), None)
        if index is None:
            continue
        literal = literals.pop(index)
        anchor = literal.parent if _is_caption_wrapper(literal.parent) else literal
        anchor.parent.insert(anchor.parent.index(anchor) + 1, entrydoc_trace(trace=snippet_trace))


def _is_caption_wrapper(node) -> bool:
    return isinstance(node, nodes.container) and "literal-block-wrapper" in node.get("classes", [])


def _on_doctree_resolved(app, doctree, docname) -> None:
    """Only HTML shows the trace; other formats get the blocks alone."""
    if app.builder.format != "html":
        for node in list(doctree.findall(entrydoc_trace)):
            node.parent.remove(node)


# -- after reading: findings of documents not re-read ----------------------------

def _on_env_updated(app, env):
    """Re-report the findings of documents this build did not re-read, so
    that the log always shows why the build fails (Sphinx's own warnings of
    such documents are lost; ours must not be)."""
    collect_checks(wait=True)
    read_now = _read_now(env)
    for docname in sorted(_findings(env)):
        if docname in read_now:
            continue
        for kept in _findings(env)[docname]:
            # A warning Sphinx would drop is not made: a build that changed
            # nothing must cost next to nothing, even with many findings.
            if not _suppressed(app, kept["code"]):
                from .findings import Finding
                report(docname, Finding.from_dict(kept))
    return []


# -- the end of the build ----------------------------------------------------------

def failing(app) -> Dict[str, List[Finding]]:
    """Findings that fail the build, per document: those of the severities
    ``entrydoc_fail_on`` names, minus those ``suppress_warnings`` silences."""
    severities = FAILING_SEVERITIES[app.config.entrydoc_fail_on]
    result = {}
    for docname, findings in _findings(app.env).items():
        failed = [kept for kept in findings
                  if kept["severity"] in severities and not _suppressed(app, kept["code"])]
        if failed:
            from .findings import Finding
            result[docname] = [Finding.from_dict(kept) for kept in failed]
    return result


def summary_line(failed: Dict[str, List[Finding]], kernel: str = "") -> str:
    from .findings import ERROR, WARNING
    errors = sum(1 for fs in failed.values() for f in fs if f.severity == ERROR)
    warnings = sum(1 for fs in failed.values() for f in fs if f.severity == WARNING)
    counts = f"{errors} error(s)" + (f" and {warnings} warning(s)" if warnings else "")
    against = f" (checked against kernel {kernel})" if kernel else ""
    return f"entrydoc: {counts} in {len(failed)} document(s){against}"


def _on_build_finished(app, exception) -> None:
    workers = sys.modules.get(f"{__package__}.workers")
    if workers is not None:  # a build that read nothing started no worker
        workers.close_supervisors()
    if exception is not None:
        return
    failed = failing(app)
    if failed:
        logger.error(summary_line(failed, kernel_name(app)))
        app.statuscode = 1
    elif _findings(app.env):
        logger.info(f"entrydoc: {len(_findings(app.env))} document(s) checked against kernel "
                    f"{kernel_name(app)}, none fails the build")


# -- registration ------------------------------------------------------------------

def setup(app):
    for name, default, rebuild, types in CONFIG_VALUES:
        app.add_config_value(name, default, rebuild, types)
    app.add_directive("entrydoc", EntrydocDirective)
    app.add_directive("entrydoc-code-block", EntrydocCodeBlock)
    app.add_node(entrydoc_options)
    app.add_node(entrydoc_trace, html=(visit_trace_html, None))
    app.add_css_file("entrydoc.css")
    app.connect("config-inited", _on_config_inited)
    app.connect("builder-inited", _add_static_path)
    app.connect("env-before-read-docs", _on_env_before_read_docs)
    app.connect("env-purge-doc", _on_env_purge_doc)
    app.connect("env-merge-info", _on_env_merge_info)
    app.connect("source-read", _on_source_read)
    app.connect("doctree-read", _on_doctree_read)
    app.connect("env-updated", _on_env_updated)
    app.connect("doctree-resolved", _on_doctree_resolved)
    app.connect("build-finished", _on_build_finished)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }


def _add_static_path(app) -> None:
    """Ship static/entrydoc.css with the HTML output."""
    static = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
    if static not in app.config.html_static_path:
        app.config.html_static_path.append(static)
