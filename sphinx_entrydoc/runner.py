"""Run the core over many documents: find them, read them, take what the
cache has, check the rest (in a process pool with ``-j``), keep going past
bad files.

libclang translation units live in the process that made them, so the
unit of parallel work is a whole document, checked by :func:`check_source`
in a worker process.  The main process loads the library only to check
that it is there, and parses nothing (the cache key hashes the stub files
directly), so forking workers is safe.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import multiprocessing
import os
import sys
from typing import Dict, List, Optional, Sequence, Tuple

from .cache import Cache, Stats
from .config import Config
from .errors import CheckAborted, InputError, LibclangMissing
from .findings import Finding
from .read import Source, decode, read_source

STDIN = "-"
DEFAULT_TIMEOUT = 60.0   # seconds one document may take (libclang included)
MAX_TIMEOUT = 86_400.0   # one day: longer is a mistake (and overflows poll())
# Address space a worker may add to what it started with (RLIMIT_AS): a
# snippet that makes libclang allocate without end kills its worker, not
# the machine.  0: no limit.
DEFAULT_MEMORY_LIMIT = 2 * 1024 ** 3
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
    cache: Stats = dataclasses.field(default_factory=Stats)


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
            documents += found
        elif not os.path.exists(path):
            errors.append(f"{path}: no such file or directory")
        elif not excluded(path, exclude):
            documents.append(os.path.normpath(path))
    seen = set()
    unique = []
    for document in documents:
        key = document if document == STDIN else os.path.realpath(document)
        if key not in seen:
            seen.add(key)
            unique.append(document)
    return unique, errors


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
    checked = _run([sources[p] for p in missing], config, jobs, timeout, memory_limit)
    for position, (status, result) in zip(missing, checked):
        if status == "fatal":
            raise Fatal(result)
        if status == "error":
            outcome.errors.append(result)
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
    tasks = [(check_one, (source, config)) for source in sources]
    if not tasks:
        return []
    if timeout <= 0:
        return [_call(task) for task in tasks]
    try:
        return _supervised(tasks, max(1, min(jobs, len(tasks))), timeout, memory_limit)
    except OSError:
        # No processes here (a sandbox without fork or pipes): the same
        # work in this process, without the time limit.
        return [_call(task) for task in tasks]


def _call(task):
    function, argument = task
    return function(argument)


class _Worker:
    """One worker process, fed one task at a time through a pipe, so the
    supervisor can stop it when a task hangs and notice when it dies
    (libclang runs in-process: a crash there would otherwise end the run).
    A task is (module-level function, argument); the worker sends back
    what the function returns, which must never raise."""

    def __init__(self, context, memory_limit: int = DEFAULT_MEMORY_LIMIT):
        import tempfile
        self.conn, child = context.Pipe()
        # The worker's stderr: libclang prints crash reports there ("LLVM
        # ERROR: out of memory", a stack dump); the reason it died is taken
        # from it, and the build log stays clean.
        self.log = tempfile.TemporaryFile()
        self.process = context.Process(target=_serve, args=(child, self.conn, memory_limit, self.log),
                                       daemon=True)
        self.process.start()
        child.close()
        self.task: Optional[int] = None
        self.started = 0.0

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()
        self.log.close()

    def complaint(self) -> str:
        """libclang's own words about the last task, if it left any."""
        try:
            self.log.seek(0)
            text = self.log.read()[-65536:].decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        found = [l.strip() for l in text.splitlines() if l.startswith("LLVM ERROR:")]
        return found[-1] if found else ""

    def reason(self, reason: str) -> str:
        complaint = self.complaint()
        return f"{reason} ({complaint})" if complaint and complaint not in reason else reason


def _serve(conn, parent_end, memory_limit: int = 0, log=None) -> None:
    parent_end.close()
    limit_memory(memory_limit)
    if log is not None:
        sys.stderr.flush()
        os.dup2(log.fileno(), 2)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        if log is not None:
            log.seek(0)
            log.truncate()
        conn.send(_call(task))


def limit_memory(limit: int) -> None:
    """Let this process grow its address space by at most ``limit`` bytes
    (RLIMIT_AS: what it has mapped now plus ``limit``; a worker forked from
    a large Sphinx process starts large).  Beyond it, allocations fail:
    Python raises MemoryError, libclang aborts; either ends in ED107."""
    if not limit:
        return
    try:
        import resource
        with open("/proc/self/statm") as handle:
            size = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = size + limit
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        if soft == resource.RLIM_INFINITY or wanted < soft:
            resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ImportError, OSError, ValueError):
        pass   # no /proc or no setrlimit here: the time limit still applies


def _timed_out(timeout: float) -> str:
    return (f"checking took longer than the {timeout:g} s per-document limit (--timeout, "
            f"entrydoc_timeout) and was stopped")


def _supervised(tasks, workers: int, timeout: float, memory_limit: int = DEFAULT_MEMORY_LIMIT):
    import time
    from multiprocessing.connection import wait
    context = _context()
    results: List[Optional[tuple]] = [None] * len(tasks)
    pending = list(range(len(tasks) - 1, -1, -1))
    pool = [_Worker(context, memory_limit) for _ in range(workers)]
    try:
        while pending or any(w.task is not None for w in pool):
            for worker in pool:
                if worker.task is None and pending:
                    worker.task = pending.pop()
                    worker.started = time.monotonic()
                    worker.conn.send(tasks[worker.task])
            busy = [w for w in pool if w.task is not None]
            deadline = min(w.started for w in busy) + timeout
            ready = wait([w.conn for w in busy], timeout=max(0.0, deadline - time.monotonic()))
            for index, worker in enumerate(pool):
                if worker.task is None:
                    continue
                if worker.conn in ready:
                    try:
                        result = worker.conn.recv()
                        if result[0] != "aborted":
                            results[worker.task] = result
                            worker.task = None
                            continue
                        # The compiler crashed and recovered: say why, start afresh.
                        results[worker.task] = ("aborted", worker.reason(result[1]))
                    except (EOFError, OSError):
                        worker.process.join(timeout=2)
                        results[worker.task] = ("aborted", worker.reason(
                            _death(worker.process.exitcode, memory_limit)))
                elif time.monotonic() - worker.started >= timeout:
                    results[worker.task] = ("aborted", _timed_out(timeout))
                else:
                    continue
                worker.stop(kill=True)
                pool[index] = _Worker(context, memory_limit)
    finally:
        for worker in pool:
            worker.stop()
    return results


class Supervisor:
    """One supervised worker kept for a whole build and fed task after task
    (the Sphinx extension checks each document it reads through it).  The
    worker is forked on first use, after every import and after the stubs
    are loaded, so a task costs two pipe messages; it is replaced only when
    a task hangs past ``timeout`` or kills it.  A Supervisor belongs to the
    process that made it: after a fork (Sphinx's ``-j`` readers) a process
    gets its own through :func:`supervisor`."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, memory_limit: int = DEFAULT_MEMORY_LIMIT):
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.owner = os.getpid()
        self.worker: Optional[_Worker] = None
        self.started = 0   # workers started, for the tests and the benchmark

    def run(self, function, argument):
        """What ``function(argument)`` returns, computed in the worker, or
        ("aborted", reason) when it hung or died.  With timeout 0, or where
        no process can be made, it runs here, unsupervised."""
        import time
        from multiprocessing.connection import wait
        if self.timeout <= 0:
            return function(argument)
        try:
            if self.worker is None or not self.worker.process.is_alive():
                self._replace()
            self.worker.conn.send((function, argument))
            start = time.monotonic()
            while True:
                left = self.timeout - (time.monotonic() - start)
                if wait([self.worker.conn], timeout=max(0.0, left)):
                    try:
                        result = self.worker.conn.recv()
                    except (EOFError, OSError):
                        self.worker.process.join(timeout=2)
                        reason = self.worker.reason(_death(self.worker.process.exitcode, self.memory_limit))
                        break
                    if result[0] != "aborted":
                        return result
                    # The compiler crashed and recovered: say why, start afresh.
                    reason = self.worker.reason(result[1])
                    break
                if time.monotonic() - start >= self.timeout:
                    reason = _timed_out(self.timeout)
                    break
        except OSError:
            return function(argument)
        self._replace()
        return "aborted", reason

    def _replace(self) -> None:
        if self.worker is not None:
            self.worker.stop(kill=True)
        self.worker = _Worker(_context(), self.memory_limit)
        self.started += 1

    def close(self) -> None:
        if self.worker is not None and os.getpid() == self.owner:
            self.worker.stop()
        self.worker = None


_SUPERVISORS: Dict[int, Supervisor] = {}


def supervisor(timeout: float = DEFAULT_TIMEOUT, memory_limit: int = DEFAULT_MEMORY_LIMIT) -> Supervisor:
    """This process's Supervisor with these limits (one worker per process,
    reused across documents and builds)."""
    current = _SUPERVISORS.get(os.getpid())
    if current is not None and (current.timeout, current.memory_limit) != (timeout, memory_limit):
        current.close()
        current = None
    if current is None:
        if not _SUPERVISORS:
            import atexit
            atexit.register(close_supervisors)
        current = _SUPERVISORS[os.getpid()] = Supervisor(timeout, memory_limit)
    return current


def close_supervisors() -> None:
    """Stop this process's worker (the end of a build, or of the program)."""
    current = _SUPERVISORS.pop(os.getpid(), None)
    if current is not None:
        current.close()


def _death(exitcode, memory_limit: int = 0) -> str:
    import signal
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        why = ""
        if memory_limit and -exitcode == signal.SIGABRT:
            # libclang aborts when an allocation fails.
            why = f"; perhaps it ran past the {memory_limit // 2 ** 20:,} MiB memory limit"
        return f"the checker crashed ({name}{why}) while compiling this document's snippets"
    return f"the checker stopped unexpectedly (exit status {exitcode})"


def _context():
    # fork: workers start with the modules already imported, and nothing
    # re-runs the program's __main__; spawn where there is no fork.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def check_one(task: Tuple[Source, Config]):
    """("ok", findings), ("error", one line), ("aborted", reason) or
    ("fatal", one line).  Runs in a worker process: returns plain data,
    never raises."""
    from .check import check_source
    source, config = task
    return guarded(source.path, lambda: check_source(source, config))


def check_extracted_one(task):
    """For the Sphinx extension: (document, config, trace) -> ("ok",
    (findings, traces)) or what :func:`guarded` says.  The document was
    extracted from Sphinx's doctree in the builder's process; compiling and
    the rules run here, in the worker, and its translation units die here."""
    from .check import check_extracted
    document, config, want_trace = task

    def work():
        try:
            findings = check_extracted(document, config)
            traces = []
            if want_trace:
                from .trace import trace_document
                traces = trace_document(document)
            return findings, traces
        finally:
            document.compiled = []
    return guarded(document.source.path, work)


def guarded(path: str, work):
    """Run ``work()``: ("ok", result), or the reason it failed as plain data."""
    try:
        return "ok", work()
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
