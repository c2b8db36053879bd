"""Run the core over many documents: find them, read them, take what the
cache has, check the rest in supervised workers (workers.py; ``jobs`` of
each stage), keep going past bad files.

libclang translation units live in the process that made them, so the
unit of parallel work is a whole document.  The main process loads the
library only to check that it is there, and parses nothing (the cache key
hashes the stub files directly), so forking workers is safe.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import os
import sys

# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Sequence, Tuple

from .config import Config
from .errors import CheckAborted, InputError, LibclangMissing
from .findings import Finding
from .read import Source, decode, read_source

from .workers import CALL, DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT, FINISH, PREPARE

TYPE_CHECKING = False
if TYPE_CHECKING:
    # The cache (hashlib, json, tempfile) is imported by the front end that
    # uses one, not by every worker.
    from .cache import Cache, Stats

STDIN = "-"
# Directories never walked into: version control, caches, build output.
SKIPPED_DIRS = ("_build",)


@dataclasses.dataclass
class Outcome:
    findings: List[Finding] = dataclasses.field(default_factory=list)
    # Findings of each source, in the order given (None: it could not be checked).
    results: List[Optional[List[Finding]]] = dataclasses.field(default_factory=list)
    errors: List[str] = dataclasses.field(default_factory=list)   # one line per bad input
    sources: Dict[str, Source] = dataclasses.field(default_factory=dict)
    checked: int = 0
    skipped: List[str] = dataclasses.field(default_factory=list)   # why, per document the selection skipped
    cache: Optional[Stats] = None   # the cache's counts, when one was used


class Fatal(InputError):
    """A problem that makes every further document fail the same way (no
    libclang): the run stops at once with this one line."""


# -- finding the documents ----------------------------------------------------

def excluded(path: str, patterns: Sequence[str]) -> bool:
    """flake8's rule: a pattern with a '/' matches the absolute path, one
    without matches the file's or directory's own name."""
    name = os.path.basename(os.path.normpath(path))
    absolute = os.path.abspath(path)
    return any(fnmatch.fnmatch(absolute if "/" in p else name, p) for p in patterns)


def discover(paths: Sequence[str], exclude: Sequence[str]) -> Tuple[List[str], List[str]]:
    """(documents in a stable order without duplicates, one error line per bad path)."""
    documents: List[str] = []
    errors: List[str] = []
    for path in paths:
        if path == STDIN:
            documents.append(STDIN)
        elif os.path.isdir(path):
            found = _walk(path, exclude)
            if not found and not excluded(path, exclude):
                errors.append(f"{path}: no .rst files in this directory")
            documents += _inside(path, found, errors)
        elif not os.path.exists(path):
            errors.append(f"{path}: no such file or directory")
        elif not excluded(path, exclude):
            documents.append(os.path.normpath(path))
    seen: Dict[str, int] = {}
    unique = []
    for document in documents:
        key = document if document == STDIN else os.path.realpath(document)
        if key not in seen:
            seen[key] = len(unique)
            unique.append(document)
        elif os.path.islink(unique[seen[key]]) and not os.path.islink(document):
            # The file itself rather than a link to it: --fix writes files,
            # never links met while walking a directory.
            unique[seen[key]] = document
    return unique, errors


def _inside(top: str, found: List[str], errors: List[str]) -> List[str]:
    """The files of a walked directory, without the symbolic links that lead
    out of it (one error line each): a repository must not make a lint of
    its documents read, and quote in findings, a file elsewhere."""
    root = os.path.realpath(top)
    kept = []
    for path in found:
        real = os.path.realpath(path)
        if os.path.islink(path) and real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            errors.append(f"{path}: is a symbolic link out of {top} (to {real}); not read")
        else:
            kept.append(path)
    return kept


def _walk(top: str, exclude: Sequence[str]) -> List[str]:
    if excluded(top, exclude):
        return []
    found = []
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS
                         and not excluded(os.path.join(root, d), exclude))
        found += [os.path.normpath(os.path.join(root, f)) for f in files
                  if f.endswith(".rst") and not excluded(os.path.join(root, f), exclude)]
    return sorted(found)


def read_all(documents: Sequence[str], stdin_name: str = "<stdin>") -> Tuple[List[Source], List[str]]:
    sources, errors = [], []
    for document in documents:
        try:
            if document == STDIN:
                sources.append(decode(stdin_name, sys.stdin.buffer.read()))
            else:
                sources.append(read_source(document))
        except InputError as exc:
            errors.append(str(exc))
    return sources, errors


# -- checking -----------------------------------------------------------------

def check_sources(sources: Sequence[Source], config: Config, cache: Optional[Cache] = None,
                  jobs: int = 1, timeout: float = DEFAULT_TIMEOUT,
                  memory_limit: int = DEFAULT_MEMORY_LIMIT) -> Outcome:
    """Findings of every source; the ones the cache lacks are checked (in
    ``jobs`` processes when there are several) and then cached."""
    outcome = Outcome(sources={s.path: s for s in sources}, results=[None] * len(sources))
    missing: List[int] = []
    for position, source in enumerate(sources):
        cached = cache.get(source) if cache is not None else None
        if cached is None:
            missing.append(position)
        else:
            outcome.results[position] = cached
    if not missing:
        from .workers import discard_prestarted
        discard_prestarted()   # nothing to check: the cache had it all
        # Fail the same way with a warm cache as with a cold one: whether
        # libclang is missing must not depend on what was cached.  (A cold
        # run finds out in the worker that loads it, off the main process.)
        from .clang import cindex
        cindex()
    checked = _run([sources[p] for p in missing], config, jobs, timeout, memory_limit)
    for position, (status, result) in zip(missing, checked):
        if status == "fatal":
            raise Fatal(result)
        if status == "error":
            outcome.errors.append(result)
            continue
        if status == "skipped":
            # Not cached: the text scan that skips most documents is cheaper
            # than a cache lookup would make it, and the reason is kept.
            outcome.skipped.append(result)
            outcome.results[position] = []
            continue
        if status == "aborted":
            # A finding, not a lost document; never cached, so the next run tries again.
            outcome.results[position] = [aborted_finding(sources[position].path, result)]
            continue
        outcome.results[position] = result
        if cache is not None:
            cache.put(sources[position], result)
    for result in outcome.results:
        if result is not None:
            outcome.findings += result
            outcome.checked += 1
    outcome.checked -= len(outcome.skipped)
    if cache is not None:
        outcome.cache = cache.stats
    outcome.findings.sort()
    return outcome


def aborted_finding(path: str, reason: str) -> Finding:
    """ED107: the document could not be checked.  It stands for the whole
    document (line 1), so no filter by line may drop it (see patch.py)."""
    from .rules.compile import CHECK_ABORTED
    return CHECK_ABORTED.at(path, 1, 1, reason=reason)


def _run(sources: List[Source], config: Config, jobs: int, timeout: float = DEFAULT_TIMEOUT,
         memory_limit: int = DEFAULT_MEMORY_LIMIT):
    tasks = [(source, config) for source in sources]
    if not tasks:
        return []
    if timeout <= 0:
        from .workers import discard_prestarted
        discard_prestarted()
        return [check_one(task) for task in tasks]
    try:
        return _supervised(tasks, max(1, min(jobs, len(tasks))), timeout, memory_limit)
    except OSError:
        # No processes here (a sandbox without fork or pipes): the same
        # work in this process, without the time limit.
        return [check_one(task) for task in tasks]


def _supervised(tasks, jobs: int, timeout: float, memory_limit: int = DEFAULT_MEMORY_LIMIT):
    """Each document through a PREPARE worker, then a FINISH worker
    (workers.py), ``jobs`` of each."""
    import time
    from . import workers
    config = tasks[0][1]
    results: List[Optional[tuple]] = [None] * len(tasks)
    queues: Dict[str, list] = {PREPARE: [(i, task) for i, task in enumerate(tasks)], FINISH: []}
    queues[PREPARE].reverse()
    pool = [workers.adopt(stage, config, memory_limit) for stage in (PREPARE, FINISH) for _ in range(jobs)]
    try:
        while queues[PREPARE] or queues[FINISH] or any(w.task is not None for w in pool):
            for worker in pool:
                if worker.task is None and queues[worker.stage]:
                    worker.task, payload = queues[worker.stage].pop()
                    if worker.stage == FINISH:
                        payload = (payload, 2 if _last_in_flight(worker, pool, queues) else 1)
                    worker.started = time.monotonic()
                    worker.conn.send((worker.stage, payload))
            busy = [w for w in pool if w.task is not None]
            deadline = min(w.started for w in busy) + timeout
            ready = workers.ready([w.conn for w in busy], timeout=max(0.0, deadline - time.monotonic()))
            for index, worker in enumerate(pool):
                if worker.task is None:
                    continue
                if worker.conn in ready:
                    try:
                        status, value = worker.conn.recv()
                    except (EOFError, OSError):
                        worker.process.join(timeout=2)
                        results[worker.task] = ("aborted", worker.reason(
                            workers.death(worker.process.exitcode, memory_limit)))
                    else:
                        if status == "aborted":
                            # The compiler crashed and recovered: say why, start afresh.
                            results[worker.task] = (status, worker.reason(value))
                        else:
                            if worker.stage == PREPARE and status == "ok":
                                queues[FINISH].insert(0, (worker.task, value))
                            else:
                                results[worker.task] = (status, value)
                            worker.task = None
                            continue
                elif time.monotonic() - worker.started >= timeout:
                    results[worker.task] = ("aborted", workers.timed_out(timeout))
                else:
                    continue
                worker.stop(kill=True)
                pool[index] = workers._Worker(worker.stage, config, memory_limit)
    finally:
        for worker in pool:
            worker.stop(kill=worker.task is not None)   # busy: the run ended without its result
    return results


def _last_in_flight(worker, pool, queues) -> bool:
    """Whether the task just given to ``worker`` is all the run has left
    to do, on a machine of two cores or more: the cores the other workers
    used are idle, so it compiles two snippets at a time (the last document
    of a run, and a run of one: most of a cold check's wait)."""
    from .settings import available_cpus
    return (not queues[PREPARE] and not queues[FINISH]
            and all(w is worker or w.task is None for w in pool) and available_cpus() > 1)


def check_one(task: Tuple[Source, Config]):
    """("ok", findings), ("skipped", why the selection skipped it), ("error",
    one line) or ("fatal", one line): both stages in this process.  Returns
    plain data, never raises."""
    from .check import check_document
    source, config = task

    def run():
        findings, document = check_document(source, config)
        if document.decision is not None and not document.decision.check:
            return "skipped", document.decision.reason
        return "ok", findings
    return _guarded(source.path, run)


def prepare_one(task: Tuple[Source, Config]):
    """The first stage in a worker: ("ok", the pickled Prepared),
    ("skipped", why), or an error line."""
    import pickle
    from .check import prepare
    source, config = task

    def run():
        prepared = prepare(source, config)
        if prepared.skip:
            return "skipped", prepared.document.decision.reason
        return "ok", pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL)
    return _guarded(source.path, run)


def finish_one(task: Tuple[bytes, int]):
    """The second stage in a worker: ("ok", findings) or an error line.  The
    supervisor hands the first stage's bytes over without unpickling them,
    with the number of threads to compile in (check.finish)."""
    import pickle
    from .check import finish
    data, threads = task
    prepared = pickle.loads(data)
    return _guarded(prepared.document.source.path, lambda: ("ok", finish(prepared, threads)[0]))


def finish_prepared(task):
    """For the Sphinx extension, in its worker: (Prepared, trace?) ->
    ("ok", (findings, [(snippet, trace)])) or what :func:`_guarded` says.
    The document was prepared from Sphinx's doctree in the builder's
    process; compiling and the rules run here, and the translation units
    die here."""
    prepared, want_trace = task

    def run():
        from .check import finish
        try:
            findings, document = finish(prepared)
            traces = []
            if want_trace:
                from .trace import trace_document
                traces = trace_document(document)
            return "ok", (findings, traces)
        finally:
            prepared.document.compiled = []
    return _guarded(prepared.document.source.path, run)


def guarded(path: str, work):
    """("ok", ``work()``), or why it failed, as plain data."""
    return _guarded(path, lambda: ("ok", work()))


def preload(stage: str) -> None:
    """What a worker of ``stage`` imports before it knows the settings (a
    prestarted one does it while the front end reads its options).
    Failures are left for the first task to report."""
    try:
        if stage == PREPARE:
            # docutils imports Pygments, if it can, for highlighting the
            # parse never asks for (rst.SETTINGS): this process is a
            # parser of our own, so the import is refused.
            sys.modules.setdefault("pygments", None)
            from . import check, rst, selection, stubs  # noqa: F401
            rst.docutils_settings()
            stubs.library_stamp()   # names the stub model's cache file; no library loaded
        elif stage in (FINISH, CALL):   # CALL: the Sphinx extension's worker, which compiles
            from . import check, compile, context, flow, rules  # noqa: F401
            from .clang import cindex
            rules.load_all()
            cindex()
    except Exception:  # noqa: BLE001 - the first document reports it properly
        pass


def warm(stage: str, config: Config) -> None:
    """What every task of ``stage`` needs for ``config``, loaded before the
    first one arrives: the stub model (PREPARE: which names are modelled)
    and the precompiled stubs (FINISH)."""
    try:
        from .check import _load_api
        api = _load_api(config)
        if stage == PREPARE:
            from .selection import model_for
            model_for(api, config.stub_dirs)
        elif stage == FINISH and api is not None:
            api.snippet_args()
    except Exception:  # noqa: BLE001 - the first document reports it properly
        pass


# docutils compiles most of its patterns at the first parse, not when it is
# imported: a parsing worker whose stage had no kept patterns (recache.py)
# parses this page before it keeps them, so they are among them.  It has
# the constructs kernel pages use.
WARM_UP_TEXT = """\
Title
=====

Section
-------

A paragraph with ``literal text``, *emphasis*, **strong**, a_reference_,
`an interpreted text`, a function() and a footnote [#]_.

.. _a_reference: https://example.org

.. [#] A footnote.

* A bullet list item
* Another

1. An enumerated item
2. Another

term
   A definition.

:field: A field list.

.. note::

   An admonition.

.. code-block:: c

\tnoinstr void f(struct pt_regs *regs)
\t{
\t\tinstrumentation_begin();
\t}

A literal block::

\tg(1);

=====  =====
a      b
=====  =====
"""


def compile_patterns(stage: str) -> None:
    """Compile what ``stage`` compiles only once it works (see
    :data:`WARM_UP_TEXT`), before its patterns are kept."""
    try:
        if stage == PREPARE:
            from .rst import parse_rst
            parse_rst(WARM_UP_TEXT, "<warm-up>")
    except Exception:  # noqa: BLE001 - the first document reports it properly
        pass


def _guarded(path: str, run):
    try:
        return run()
    except CheckAborted as exc:
        return "aborted", str(exc)
    except MemoryError:
        return "aborted", "checking ran out of memory (the memory limit, --memory-limit)"
    except LibclangMissing as exc:
        return "fatal", str(exc)
    except InputError as exc:
        return "error", f"{path}: {exc}" if path not in str(exc) else str(exc)
    except RecursionError:
        return "error", f"{path}: document nested too deeply to check"
    except Exception as exc:  # a bug: say where, keep checking the other documents
        return "error", (f"{path}: internal error while checking "
                         f"({type(exc).__name__}: {exc}); please report it")
