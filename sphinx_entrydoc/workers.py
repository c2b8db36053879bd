"""Supervised worker processes: each is fed one task at a time through a
pipe, so the supervisor can stop it when a task hangs and notice when it
dies (libclang runs in-process: a crash there would otherwise end the run).

This module imports nothing of the checker: the command line forks its
workers with :func:`prestart` before its own imports, and each worker
imports what its stage needs while the front end parses options and reads
the documents.
"""
from __future__ import annotations

import os
import sys
from collections import deque

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Optional

DEFAULT_TIMEOUT = 60.0   # seconds one document may take (libclang included)
# Address space a worker may add to what it started with (RLIMIT_AS): a
# snippet that makes libclang allocate without end kills its worker, not
# the machine.  0: no limit.
DEFAULT_MEMORY_LIMIT = 2 * 1024 ** 3

# Each document goes through two stages, each in a supervised worker of
# its own: PREPARE (docutils: parse, extract, normalise) and FINISH
# (libclang and the rules).  The two run at once: while one worker parses a
# document, the other loads libclang and the stub model, or compiles the
# previous document, so one document already uses two cores.  Either
# stage can hang or crash on a hostile document; either way the document
# becomes an ED107 finding and the run goes on.
PREPARE, FINISH = "prepare", "finish"
CALL = "call"   # any module-level function: what the Supervisor sends
SETUP = "setup"  # (config or None, memory limit): sent before the first task


# -- processes and pipes ---------------------------------------------------------
#
# os.fork and two pipes rather than multiprocessing: importing it costs a
# cold one-document check about 30 ms before the first worker exists, and
# a forked worker needs none of what it adds (spawning, pickling
# processes, sockets).  Where there is no fork, _Worker raises OSError and
# the callers check in-process, unsupervised.

class _Channel:
    """One end of a pair of pipes carrying pickled messages, each behind
    its length: the part of multiprocessing's Connection a worker uses."""

    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd, self.write_fd = read_fd, write_fd

    def fileno(self) -> int:
        return self.read_fd

    def send(self, message) -> None:
        import pickle
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(len(data).to_bytes(8, "big") + data)
        while view:
            view = view[os.write(self.write_fd, view):]

    def recv(self):
        import pickle
        return pickle.loads(self._read(int.from_bytes(self._read(8), "big")))

    def _read(self, size: int) -> bytes:
        chunks, left = [], size
        while left:
            chunk = os.read(self.read_fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError("the other end closed the pipe")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            _close(fd)
        self.read_fd = self.write_fd = -1


# Descriptors this process holds for its workers.  A new worker closes the
# ones it inherits, so each worker's pipe ends with this process alone:
# when it exits, every worker reads the end of its pipe and stops.
_HELD: set = set()


def _close(fd: int) -> None:
    if fd >= 0:
        _HELD.discard(fd)
        try:
            os.close(fd)
        except OSError:
            pass


def ready(channels, timeout: Optional[float]):
    """The channels that have a message (or whose worker is gone) within
    ``timeout`` seconds (None: wait for one)."""
    import select
    poller = select.poll()
    for channel in channels:
        poller.register(channel.fileno(), select.POLLIN)
    events = poller.poll(None if timeout is None else max(0, int(timeout * 1000 + 0.999)))
    found = {fd for fd, _ in events}
    return [channel for channel in channels if channel.fileno() in found]


class _Child:
    """A forked process: the part of multiprocessing's Process a worker uses."""

    def __init__(self, pid: int):
        self.pid = pid
        self.owner = os.getpid()   # only the parent may wait for it or kill it
        self.exitcode: Optional[int] = None

    def _reap(self, block: bool) -> None:
        if self.exitcode is not None or os.getpid() != self.owner:
            return
        try:
            pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:   # reaped by someone else: its status is lost
            self.exitcode = 255
            return
        if pid:
            self.exitcode = os.waitstatus_to_exitcode(status)

    def is_alive(self) -> bool:
        self._reap(block=False)
        return self.exitcode is None

    def join(self, timeout: float) -> None:
        import time
        deadline, pause = time.monotonic() + timeout, 0.0005
        while self.is_alive() and time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, 0.02)

    def kill(self) -> None:
        import signal
        if self.is_alive() and os.getpid() == self.owner:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap(block=True)


_EXITING: list = []   # workers told to stop, not reaped yet


def reap_exited() -> None:
    """Reap the stopped workers that have exited (never waits)."""
    _EXITING[:] = [process for process in _EXITING if process.is_alive()]


class _Spawned:
    """A worker started as a new interpreter (subprocess.Popen): the same
    part of the Process interface as _Child."""

    def __init__(self, popen):
        self.popen = popen
        self.pid = popen.pid

    @property
    def exitcode(self) -> Optional[int]:
        return self.popen.poll()

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    def join(self, timeout: float) -> None:
        import subprocess
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            pass

    def kill(self) -> None:
        if self.is_alive():
            self.popen.kill()
        self.popen.wait()


def _log_file() -> int:
    """A file for a worker's stderr, as a descriptor (in memory where Linux
    can: nothing on disk to clean up)."""
    fd = -1
    if hasattr(os, "memfd_create"):
        try:
            fd = os.memfd_create("sphinx-entrydoc-worker-log", os.MFD_CLOEXEC)
        except OSError:
            pass
    if fd < 0:
        import tempfile
        with tempfile.TemporaryFile() as handle:
            fd = os.dup(handle.fileno())
    _HELD.add(fd)
    return fd


def _fork(stage: str, log: int):
    """(channel, process) of a new worker serving ``stage``."""
    if not hasattr(os, "fork"):
        raise OSError("no fork on this platform: documents are checked in this process")
    to_child, from_parent = os.pipe()
    to_parent, from_child = os.pipe()
    try:
        sys.stderr.flush()
        pid = os.fork()
    except OSError:
        for fd in (to_child, from_parent, to_parent, from_child):
            os.close(fd)
        raise
    if pid == 0:   # the worker: never returns into the caller's code
        def channel():
            for fd in _HELD - {log}:
                _close(fd)
            os.close(from_parent)
            os.close(to_parent)
            _detach_stdin()
            return _Channel(to_child, from_child)
        _worker_main(channel, stage, log)
    os.close(to_child)
    os.close(from_child)
    _HELD.update((to_parent, from_parent))
    return _Channel(to_parent, from_parent), _Child(pid)


def _spawn(stage: str, log: int):
    """(channel, process) of a worker serving ``stage`` in a new
    interpreter.  For a large process (Sphinx): a forked worker shares its
    memory copy-on-write, and each page the builder writes while the worker
    lives is then copied, a page fault each (7,000 of them in a 54-document
    build, some 30 ms); a new interpreter shares nothing and loads what it
    needs on the other core."""
    import subprocess
    to_child, from_parent = os.pipe()
    to_parent, from_child = os.pipe()
    # The worker imports what this process would (the tasks it is sent
    # name their functions by module): this process's sys.path, exactly.
    code = (f"import sys; sys.path[:] = {sys.path!r}; from sphinx_entrydoc.workers import serve_spawned; "
            f"serve_spawned({to_child}, {from_child}, {stage!r})")
    try:
        popen = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=log, pass_fds=(to_child, from_child))
    finally:
        os.close(to_child)
        os.close(from_child)
    _HELD.update((to_parent, from_parent))
    return _Channel(to_parent, from_parent), _Spawned(popen)


def serve_spawned(read_fd: int, write_fd: int, stage: str) -> None:
    """The spawned worker's main loop (its stderr is the log already)."""
    import gc
    gc.disable()   # for its imports, as the CLI does before it forks (_settle)
    _worker_main(lambda: _Channel(read_fd, write_fd), stage, 2)


def _worker_main(channel, stage: str, log: int) -> None:
    """A worker's whole life, forked or spawned: ``channel()`` sets it up
    and gives its pipe; it serves until told to stop and never returns."""
    code = 1
    try:
        _serve(channel(), stage, log)
        code = 0
    except BaseException:   # noqa: B036 - a signal or a bug: the supervisor sees the status
        pass
    finally:
        os._exit(code)


def _detach_stdin() -> None:
    """A worker never reads the documents given on standard input (``lint -``)."""
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
    except OSError:
        pass


class _Worker:
    """One worker process of one stage.  ``config`` and ``memory_limit``
    are sent at once unless ``setup`` is False (a worker started before
    they are known: :meth:`setup` sends them later)."""

    def __init__(self, stage: str, config=None, memory_limit: int = DEFAULT_MEMORY_LIMIT,
                 setup: bool = True, spawn: bool = False):
        self.stage = stage
        # The worker's stderr: libclang prints crash reports there ("LLVM
        # ERROR: out of memory", a stack dump); the reason it died is taken
        # from it, and the build log stays clean.
        self.log = _log_file()
        try:
            self.conn, self.process = (_spawn if spawn else _fork)(stage, self.log)
        except OSError:
            _close(self.log)
            raise
        self.task: Optional[int] = None
        self.started = 0.0
        self.settings: Optional[tuple] = None   # the (config, memory limit) sent
        if setup:
            self.setup(config, memory_limit)

    def setup(self, config, memory_limit: int) -> None:
        """Set the memory limit and load what this stage needs for
        ``config`` (the stub model, the precompiled stubs) before the first
        task arrives.  Once per worker: a limit is never raised again."""
        self.settings = (config, memory_limit)
        self.conn.send((SETUP, self.settings))

    def stop(self, kill: bool = False) -> None:
        """Stop an idle worker: it is told to, and reaped once it has gone
        (a worker forked from a large process takes milliseconds to exit,
        which nobody needs to wait for).  ``kill``: a busy or stuck one."""
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
        if kill:
            self.process.kill()
        else:
            _EXITING.append(self.process)
        self.conn.close()
        _close(self.log)
        self.log = -1
        reap_exited()

    def complaint(self) -> str:
        """libclang's own words about the last task, if it left any."""
        try:
            size = os.fstat(self.log).st_size
            text = os.pread(self.log, 65536, max(0, size - 65536)).decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        found = [l.strip() for l in text.splitlines() if l.startswith("LLVM ERROR:")]
        return found[-1] if found else ""

    def reason(self, reason: str) -> str:
        complaint = self.complaint()
        return f"{reason} ({complaint})" if complaint and complaint not in reason else reason


def _serve(conn: _Channel, stage: str, log: int) -> None:
    if log != 2:
        sys.stderr.flush()
        os.dup2(log, 2)
    from . import recache
    recache.load(stage)   # the stage's patterns and data-class code, compiled by an earlier run
    from . import runner   # the tasks; a prestarted worker imports it here, in parallel
    runner.preload(stage)
    if recache.missing(stage):
        runner.compile_patterns(stage)
    recache.save(stage)   # writes only what was not kept
    _settle()
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        os.ftruncate(2, 0)
        os.lseek(2, 0, os.SEEK_SET)
        kind, payload = message
        if kind == SETUP:
            config, memory_limit = payload
            limit_memory(memory_limit)
            if config is not None:
                runner.warm(stage, config)
        elif kind == CALL:
            function, argument = payload
            conn.send(function(argument))
        elif kind == PREPARE:
            conn.send(runner.prepare_one(payload))
        else:
            conn.send(runner.finish_one(payload))


def _settle() -> None:
    """What has been loaded so far lives as long as the process: the cycle
    collector stops walking it (gc.freeze), and starts working again if
    the front end paused it for its imports (see :func:`prestart`)."""
    import gc
    gc.freeze()
    gc.enable()


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


def timed_out(timeout: float) -> str:
    return (f"checking took longer than the {timeout:g} s per-document limit (--timeout, "
            f"entrydoc_timeout) and was stopped")


def death(exitcode, memory_limit: int = 0) -> str:
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


# -- workers started before they are needed ------------------------------------
#
# A cold check of one document is a chain: the program starts, reads its
# options and the document, then one worker parses it while the other
# loads libclang, then that one compiles.  Forked first thing, the workers
# import docutils, libclang and the rules while the front end is still
# importing its own modules, so the chain loses those imports.

_EARLY: Dict[str, _Worker] = {}   # stage -> a worker waiting for its first task


def prestart() -> None:
    """Fork one worker of each stage now.  A run that turns out to need
    none (the cache answers, --timeout 0, a usage error) stops them with
    :func:`discard_prestarted`."""
    if _EARLY:
        return
    import gc
    # The modules loaded so far, frozen: a collection in any process no
    # longer walks them, nor writes to the pages they share with the
    # workers (each such write a page copied).
    gc.freeze()
    try:
        for stage in (PREPARE, FINISH):
            _EARLY[stage] = _Worker(stage, setup=False)
    except OSError:
        discard_prestarted()


def setup_prestarted(config, memory_limit: int) -> None:
    """Send the settings to the prestarted workers as soon as they are
    known, so they load the stub model while the documents are read."""
    for worker in _EARLY.values():
        if worker.settings is None:
            worker.setup(config, memory_limit)


def adopt(stage: str, config, memory_limit: int) -> _Worker:
    """The prestarted worker of ``stage`` if it is alive and has these
    settings (or none yet), else a new one."""
    worker = _EARLY.pop(stage, None)
    if worker is not None:
        if worker.process.is_alive() and worker.settings in (None, (config, memory_limit)):
            if worker.settings is None:
                worker.setup(config, memory_limit)
            return worker
        worker.stop(kill=True)
    return _Worker(stage, config, memory_limit)


def discard_prestarted() -> None:
    """Stop the prestarted workers nobody took (they hold no work)."""
    while _EARLY:
        _EARLY.popitem()[1].stop(kill=True)


# -- one worker for a whole build ------------------------------------------------

class Supervisor:
    """One supervised worker kept for a whole build and fed task after task
    (the Sphinx extension checks each document it reads through it).  The
    worker is a new interpreter (:func:`_spawn`: a builder's memory is not
    shared with it), started on first use and kept, so a task costs two
    pipe messages; it is replaced only when
    a task hangs past ``timeout``, kills it, or crashes the compiler.  A
    Supervisor belongs to the process that made it: after a fork (Sphinx's
    ``-j`` readers) a process gets its own through :func:`supervisor`.

    Tasks are queued with :meth:`submit` and run one at a time, in order,
    while the caller goes on (Sphinx reads the next documents while the
    worker compiles); :meth:`poll` and :meth:`drain` hand each result to
    the task's callback.  :meth:`run` is one task, waited for."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, memory_limit: int = DEFAULT_MEMORY_LIMIT):
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.owner = os.getpid()
        self.worker: Optional[_Worker] = None
        self.started = 0   # workers started, for the tests and the benchmark
        self.queue: deque = deque()   # (function, argument, done) not sent yet
        self.current: Optional[tuple] = None   # (done, sent at) of the task in flight

    def run(self, function, argument):
        """What ``function(argument)`` returns -- a (status, value) pair --
        computed in the worker, or ("aborted", reason) when it hung or died.
        With timeout 0, or where no process can be made, it runs here,
        unsupervised."""
        results = []
        self.submit(function, argument, lambda *result: results.append(result))
        self.drain()
        return results[0]

    def submit(self, function, argument, done) -> None:
        """Queue ``function(argument)``; ``done(status, value)`` is called
        with its result when :meth:`poll` or :meth:`drain` collects it."""
        if self.timeout <= 0:
            done(*function(argument))
            return
        self.queue.append((function, argument, done))
        self.poll()

    def poll(self) -> None:
        """Collect the task in flight if it has finished (or overran its
        time), and send the next; never waits."""
        while self._send_next() and self._collect(wait=False):
            pass

    def drain(self) -> None:
        """Wait until every queued task has been collected."""
        while self._send_next():
            self._collect(wait=True)

    def _send_next(self) -> bool:
        """Whether a task is in flight (sending the next queued one if none is)."""
        import time
        while self.current is None and self.queue:
            function, argument, done = self.queue.popleft()
            try:
                if self.worker is None or not self.worker.process.is_alive():
                    self._replace()
                self.worker.conn.send((CALL, (function, argument)))
            except OSError:
                done(*function(argument))   # no processes here: run it unsupervised
                continue
            self.current = (done, time.monotonic())
        return self.current is not None

    def _collect(self, wait: bool) -> bool:
        """Hand the result of the task in flight to its callback, if it has
        one yet (waiting for it, up to the time limit, when ``wait``)."""
        import time
        done, sent = self.current
        left = self.timeout - (time.monotonic() - sent)
        if ready([self.worker.conn], timeout=max(0.0, left) if wait else 0):
            try:
                result = self.worker.conn.recv()
            except (EOFError, OSError):
                self.worker.process.join(timeout=2)
                result = ("aborted", self.worker.reason(death(self.worker.process.exitcode, self.memory_limit)))
            else:
                if result[0] == "aborted":
                    # The compiler crashed and recovered: say why.
                    result = ("aborted", self.worker.reason(result[1]))
        elif time.monotonic() - sent >= self.timeout:
            result = ("aborted", timed_out(self.timeout))
        else:
            return False
        if result[0] == "aborted":
            self._replace()   # start afresh
        self.current = None
        done(*result)
        return True

    def _replace(self) -> None:
        if self.worker is not None:
            self.worker.stop(kill=True)
        self.worker = _Worker(CALL, None, self.memory_limit, spawn=True)
        self.started += 1

    def close(self) -> None:
        """Stop the worker; tasks not collected are dropped (a build that
        failed before it needed them)."""
        self.queue.clear()
        if self.worker is not None and os.getpid() == self.owner:
            self.worker.stop(kill=self.current is not None)   # a task in flight may never end
        self.current = None
        self.worker = None


_SUPERVISORS: Dict[int, Supervisor] = {}


def supervisor(timeout: float = DEFAULT_TIMEOUT, memory_limit: int = DEFAULT_MEMORY_LIMIT) -> Supervisor:
    """This process's Supervisor with these limits (one worker per process,
    reused across documents)."""
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


def current_supervisor() -> Optional[Supervisor]:
    """This process's Supervisor, if it has one."""
    return _SUPERVISORS.get(os.getpid())


def close_supervisors() -> None:
    """Stop this process's worker (the end of a build, or of the program)."""
    current = _SUPERVISORS.pop(os.getpid(), None)
    if current is not None:
        current.close()
