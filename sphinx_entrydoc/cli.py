"""The standalone front end.

``sphinx-entrydoc lint PATH...`` checks documents; ``sphinx-entrydoc
check-patch FILE|-`` checks what a patch adds.  Exit status: 0 no errors,
1 errors found (with ``--strict``: any finding), 2 usage or input problem
(one line each on stderr, never a traceback).
"""
from __future__ import annotations

import os
import sys
from .errors import InputError

# typing is not imported at run time: the annotations are strings, and
# the sooner this module forks the workers, the more of their loading
# overlaps the rest of the start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Dict, List, Optional, Sequence, Tuple

    from . import report
    from .findings import Finding

# Everything else is imported where it is used: a cold ``lint`` forks its
# workers first (workers.prestart), and the sooner it does, the more of
# their loading overlaps this process's own.

PROG = "sphinx-entrydoc"


# -- command line ---------------------------------------------------------------

def _seconds(value: str) -> float:
    import argparse
    from .config import seconds
    try:
        return seconds(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"invalid value {value!r}: allowed values are {exc}")


def _size(value: str) -> int:
    import argparse
    from .config import size
    try:
        return size(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"invalid value {value!r}: allowed values are {exc}")


def _jobs(value: str) -> int:
    import argparse
    from .settings import available_cpus
    if value == "auto":
        return available_cpus()
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"invalid value {value!r}: allowed values are a positive integer, auto")
    return number


def _common_options() -> argparse.ArgumentParser:
    """Options shared by lint and check-patch; None means "not given", so
    the configuration file's value stands."""
    import argparse
    from ._version import __version__
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    common.add_argument("--config", metavar="FILE",
                        help="read settings from FILE instead of the closest pyproject.toml "
                             "with a [tool.sphinx-entrydoc] table")
    common.add_argument("--isolated", action="store_true", help="read no configuration file")
    common.add_argument("--stubs", action="append", metavar="DIR",
                        help="an extra stub header directory (repeatable)")
    common.add_argument("--srctree", metavar="DIR", help="the kernel source tree")
    common.add_argument("--kernel-version", metavar="X.Y",
                        help="check against this kernel version (vX.Y also accepted; default: the "
                             "source tree's Makefile, else the newest modelled mainline)")
    common.add_argument("--profile", choices=("default", "review"), help="review adds the style rules")
    common.add_argument("--select", action="append", metavar="CODES",
                        help="only these codes or code prefixes (comma separated, repeatable)")
    common.add_argument("--ignore", action="append", metavar="CODES",
                        help="skip these codes or code prefixes (comma separated, repeatable)")
    common.add_argument("--documents", action="append", metavar="auto|all|opt-in|GLOB|!GLOB",
                        help="which documents to check (comma separated, repeatable): auto (default) "
                             "the entry-style ones, all, opt-in, or globs; !GLOB never")
    common.add_argument("--literal-language", choices=("auto", "c", "none"),
                        help="language of '::' blocks with no '.. highlight::' in force")
    common.add_argument("-j", "--jobs", type=_jobs, metavar="N|auto",
                        help="check documents in N processes (auto: one per CPU); default 1")
    common.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                        help="stop checking a document after this long and report it (default 60; "
                             "0: check in this process, no limit)")
    common.add_argument("--memory-limit", type=_size, metavar="SIZE",
                        help="address space each checking worker may add, e.g. 512M or 4G "
                             "(default 2G; 0: no limit)")
    common.add_argument("--no-cache", dest="cache", action="store_false", default=None,
                        help="neither read nor write the result cache")
    common.add_argument("--cache-dir", metavar="DIR", help="where the cache lives (default .entrydoc-cache)")
    common.add_argument("--stats", action="store_true", help="print cache hits and misses on stderr")
    common.add_argument("--strict", action="store_true", default=None,
                        help="exit 1 on warnings and style findings too")
    return common


def _parser() -> argparse.ArgumentParser:
    import argparse
    from ._version import __version__
    from .settings import FORMATS, PATCH_FORMATS
    parser = argparse.ArgumentParser(prog=PROG, description="Check kernel-style entry/exit documentation.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common_options()

    lint = commands.add_parser("lint", parents=[common], help="check .rst files and directories",
                               description="Check .rst files, directories (recursively) and - (stdin).")
    lint.add_argument("paths", nargs="*", metavar="PATH")
    lint.add_argument("--format", choices=FORMATS, help="output format (default text)")
    lint.add_argument("--exclude", action="append", metavar="GLOB",
                      help="skip files and directories matching GLOB (repeatable)")
    lint.add_argument("--stdin-filename", metavar="NAME", default="<stdin>",
                      help="the path to report for a document read from -")
    lint.add_argument("--explain", metavar="CODE", help="explain a rule (or list the rules of a prefix) and exit")
    changes = lint.add_mutually_exclusive_group()
    changes.add_argument("--fix", action="store_true", help="apply the unambiguous fixes to the files")
    changes.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; change nothing")

    patch = commands.add_parser("check-patch", parents=[common],
                                help="check the lines a patch (format-patch, mbox or git diff) adds",
                                description="Check the .rst lines a patch adds, and its hygiene.")
    patch.add_argument("patch", metavar="FILE|-", help="the patch file, or - for standard input")
    patch.add_argument("--format", choices=PATCH_FORMATS,
                       help="output format (default text); email is a reply quoting the patch")
    diff = commands.add_parser(
        "model-diff", help="compare the model (the stub headers) with a kernel source tree",
        description="Print where the model and a kernel source tree differ: prototypes and markings, "
                    "modelled names the tree lacks, removed names it still has, and functions of its "
                    "entry headers the model lacks.  Exit status 1 when they differ.")
    diff.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    diff.add_argument("--config", metavar="FILE", help="read settings from FILE")
    diff.add_argument("--isolated", action="store_true", help="read no configuration file")
    diff.add_argument("--stubs", action="append", metavar="DIR",
                      help="an extra stub header directory (repeatable)")
    diff.add_argument("--srctree", metavar="DIR", help="the kernel source tree (default $srctree)")
    diff.add_argument("--kernel-version", metavar="X.Y",
                      help="the modelled version to compare (default: the tree's Makefile)")
    diff.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    return parser


def _codes(values: Optional[List[str]]):
    if values is None:
        return None
    return tuple(c.strip().upper() for v in values for c in v.replace(",", " ").split())


def _documents(values: Optional[List[str]]):
    if values is None:
        return None
    from .config import documents_value
    return documents_value(values)


def _settings(args: argparse.Namespace):
    from . import settings
    cwd = os.getcwd()
    overrides = {
        "stubs": tuple(os.path.normpath(os.path.join(cwd, d)) for d in args.stubs) if args.stubs else None,
        "srctree": args.srctree, "profile": getattr(args, "profile", None),
        "select": _codes(getattr(args, "select", None)), "ignore": _codes(getattr(args, "ignore", None)),
        "format": args.format, "jobs": getattr(args, "jobs", None), "timeout": getattr(args, "timeout", None),
        "memory_limit": getattr(args, "memory_limit", None),
        "cache": getattr(args, "cache", None), "cache_dir": getattr(args, "cache_dir", None),
        "strict": getattr(args, "strict", None), "literal_language": getattr(args, "literal_language", None),
        "documents": _documents(getattr(args, "documents", None)),
        "kernel_version": _kernel_version(args.kernel_version),
    }
    if getattr(args, "exclude", None):
        overrides["exclude"] = tuple(os.path.abspath(p) if "/" in p else p for p in args.exclude)
    loaded = settings.load(args.config, args.isolated, overrides)
    _check_codes(loaded.select, "select")
    _check_codes(loaded.ignore, "ignore")
    _check_stub_dirs(loaded.stubs)
    return loaded


def _kernel_version(value: Optional[str]) -> Optional[str]:
    """--kernel-version checked at once: outside the modelled range is one
    line naming the range (exit 2)."""
    if value is None:
        return None
    from .kversion import parse
    version = parse(value)
    return f"{version[0]}.{version[1]}"


def _check_stub_dirs(directories: Sequence[str]) -> None:
    """A missing stub directory fails every document alike: say it once, up front."""
    if not directories:
        return  # the built-in stubs only: nothing the user can have mistyped
    from .cache import stubs_fingerprint
    stubs_fingerprint(directories)


def _check_codes(patterns: Sequence[str], option: str) -> None:
    if not patterns:
        return   # the usual case: no rule family to import
    from .rules import unknown_pattern
    pattern = unknown_pattern(patterns)
    if pattern is not None:
        raise InputError(f"{option}: {pattern!r} is no rule code or prefix; allowed values are "
                         f"codes such as ED101 or prefixes such as ED1 (--explain ED lists them)")


# Commands that check documents in worker processes.
CHECKING_COMMANDS = ("lint", "check-patch")


def main(argv: Optional[List[str]] = None) -> int:
    from . import recache, workers
    command = (sys.argv[1:] if argv is None else argv)[:1]
    if command and command[0] in CHECKING_COMMANDS:
        # What every process needs (the core's data types, the stub model
        # and the JSON it is kept in) is imported once, before the fork,
        # rather than in each.  Imports leave little garbage for the cycle
        # collector, and its passes over them cost the start-up some 2 ms:
        # it is paused until the workers are forked.
        import gc
        gc.disable()
        recache.load("main")
        import json  # noqa: F401
        from . import runner, stubs  # noqa: F401
        workers.prestart()
        gc.enable()
    try:
        status = _main(argv)
    finally:
        workers.discard_prestarted()
        recache.release()   # a caller's own data classes compile as usual
    if argv is None:
        _exit(status)
    return status


def _exit(status: int) -> None:
    """End the program now: the exit handlers run and the output is
    flushed, but the interpreter's teardown of every module and object
    (about 14 ms, a twentieth of a one-document check) is skipped, as mypy
    does.  Only as the program: a caller of main(argv) gets the status."""
    import atexit
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass   # the reader went away; the status still says what happened
    os._exit(status)


def _main(argv: Optional[List[str]]) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A path or message the terminal's encoding cannot show must not
        # end the run with a traceback.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = _parser().parse_args(argv)
    from . import recache
    recache.save("main")   # the command line's and the core's patterns; no document read yet
    try:
        if args.command == "lint":
            return lint_command(args)
        if args.command == "model-diff":
            return model_diff_command(args)
        return patch_command(args)
    except InputError as exc:
        _error(str(exc))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as cat does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:  # a bug: one line that says so, not a traceback
        _error(f"internal error ({type(exc).__name__}: {exc}); please report it "
               "(ENTRYDOC_DEBUG=1 shows the traceback)")
        if os.environ.get("ENTRYDOC_DEBUG"):
            raise
        return 2


def _error(message: str) -> None:
    from . import report
    # One line, whatever a file name or a document holds.
    print(f"{PROG}: {report.one_line(message)}", file=sys.stderr)


# -- lint -------------------------------------------------------------------------------

def lint_command(args: argparse.Namespace) -> int:
    from . import report
    if args.explain:
        return explain(args.explain)
    if not args.paths:
        raise InputError("lint: give at least one PATH (a file, a directory, or - for standard input)")
    if args.fix and "-" in args.paths:
        raise InputError("--fix cannot rewrite standard input; use --diff to see the fixes")
    from .runner import check_sources, discover, read_all
    settings = _settings(args)
    config = _config(settings)
    _setup_workers(settings, config)
    formatter = _formatter(settings.format, sys.stdout)  # a bad format fails before the work
    documents, errors = discover(args.paths, settings.exclude)
    sources, read_errors = read_all(documents, args.stdin_filename)
    errors += read_errors
    cache = _cache(settings, config)
    if sources:
        _warn_model_tree_disagreements(config)
    outcome = check_sources(sources, config, cache, settings.jobs, **settings.limits())
    errors += outcome.errors
    findings = outcome.findings
    if args.diff:
        return _show_diff(findings, outcome.sources, errors, config)
    if args.fix:
        named = {os.path.normpath(p) for p in args.paths if p != "-"}
        findings = _apply_fixes(findings, outcome.sources, config, cache, settings, errors, named)
    for line in _unique(errors):
        _error(line)
    _emit(settings.format, findings, report.Summary(findings, outcome.checked, errors,
                                                    kernel=_kernel_name(config),
                                                    skipped=len(outcome.skipped)), formatter)
    _print_stats(args, cache, outcome)
    return exit_status(findings, errors, settings.strict)


def _setup_workers(settings, config) -> None:
    """The prestarted workers load the stub model while the documents are read."""
    from .workers import setup_prestarted
    setup_prestarted(config, settings.memory_limit)


def _print_stats(args: argparse.Namespace, cache, outcome=None) -> None:
    if args.stats:
        print(cache.stats.line() if cache is not None else "cache: off", file=sys.stderr)
        if outcome is not None:
            from .selection import summary
            print(summary(outcome.skipped, outcome.checked), file=sys.stderr)


def _cache(settings, config):
    if not settings.cache:
        return None
    from .cache import Cache, run_key
    key = run_key(config)
    return Cache(settings.cache_dir, key) if key is not None else None


def _config(settings):
    """The core's Config; the source tree defaults to ``$srctree``, as the
    kernel's ``make htmldocs`` exports it (the tree index decides)."""
    from .config import resolve_kernel_version, resolve_srctree
    warn = lambda message: print(f"{PROG}: warning: {message}", file=sys.stderr)  # noqa: E731
    return resolve_kernel_version(resolve_srctree(settings.config(), warn=warn))


def _kernel_name(config) -> str:
    from .kversion import name
    return name(config.kernel())


def _warn_model_tree_disagreements(config) -> None:
    """srctree mode checks against the tree's prototypes and markings;
    where the model says otherwise, say so once per run (treeapi.py)."""
    if not config.srctree:
        return
    from .treeapi import run_warnings
    for line in run_warnings(config):
        print(f"{PROG}: warning: {line}", file=sys.stderr)


def _unique(lines: Sequence[str]) -> List[str]:
    """Each error once: a broken stub directory fails every document alike."""
    return list(dict.fromkeys(lines))


def exit_status(findings: Sequence[Finding], errors: Sequence[str], strict: bool) -> int:
    from .findings import ERROR
    if errors:
        return 2
    if any(f.severity == ERROR for f in findings) or (strict and findings):
        return 1
    return 0


def _emit(fmt: str, findings: Sequence[Finding], summary: report.Summary, formatter=None) -> None:
    from . import report
    if formatter is None:
        formatter = _formatter(fmt, sys.stdout)
    formatter.start()
    for finding in findings:
        formatter.handle(finding)
    formatter.stop(summary)
    if fmt == "text":
        print(report.summary_line(summary.findings, summary.documents, summary.unit, summary.kernel,
                                  summary.skipped),
              file=sys.stderr)


def _formatter(fmt: str, stream) -> report.Formatter:
    from . import report
    from .settings import FORMATS
    if fmt == "email":
        raise InputError("format 'email' is for check-patch; allowed values for lint are " + ", ".join(FORMATS))
    return {"text": report.TextFormatter, "json": report.JsonFormatter,
            "sarif": report.SarifFormatter, "github": report.GithubFormatter}[fmt](stream)


def explain(code: str) -> int:
    from .rules import load_all
    rules = load_all()
    code = code.strip().upper()
    if code in rules:
        sys.stdout.write(_explanation(rules[code]))
        return 0
    matched = [r for c, r in rules.items() if c.startswith(code)]
    if not matched:
        raise InputError(f"--explain: no rule {code!r}; codes run from {min(rules)} to {max(rules)} "
                         "(--explain ED lists them all)")
    for rule in matched:
        print(f"{rule.code}  {rule.name:36} {rule.severity:8} {rule.profile}")
    return 0


def _explanation(rule) -> str:
    text = (f"{rule.code} {rule.name}\n"
            f"severity: {rule.severity}; family: {rule.family}; profile: {rule.profile}"
            + (" (runs with --profile review)" if rule.profile == "review" else "") + "\n\n"
            f"Why: {rule.rationale}\n\n"
            f"Message: {rule.template}\n")
    if rule.example:
        text += f"\nExample:\n    {rule.example}\n"
    return text


# -- --fix and --diff --------------------------------------------------------------

def known_names(config):
    """What a rename is judged against (fix.rename_doubt): the stubs' names,
    the configured symbols and, in srctree mode, the tree's names.  Without
    the stubs nothing is known, so no rename is certain."""
    from . import fix
    from .errors import LibclangMissing
    from .stubs import load_api
    model = set(config.known_symbols)
    try:
        model |= set(load_api(config.stub_dirs).known_names())
    except (LibclangMissing, InputError):
        return fix.KnownNames(())
    tree = None
    if config.srctree:
        from .srctree import tree_for
        tree = tree_for(os.path.abspath(config.srctree))
    return fix.KnownNames(model, tree)


def _fix_plans(findings: Sequence[Finding], sources, config) -> List:
    from . import fix
    by_path: Dict[str, List[Finding]] = {}
    for finding in findings:
        if finding.fix is not None:
            by_path.setdefault(finding.path, []).append(finding)
    known = known_names(config) if any(f.code in fix.RENAME_CODES for f in findings if f.fix) else None
    plans = []
    for path in sorted(by_path):
        try:
            plans.append(fix.plan(sources[path], by_path[path], known))
        except fix.FixRefused as exc:
            _error(str(exc))
    return plans


def _renamed(plans) -> List[str]:
    """'old() -> new()' for every name the fixes change, each once."""
    from . import fix
    pairs = [(a.fix.old, a.fix.new) for p in plans if p.changed for a in p.applied
             if a.finding.code in fix.RENAME_CODES or a.finding.code == "ED503"]
    counts: Dict[Tuple[str, str], int] = {}
    for pair in pairs:
        counts[pair] = counts.get(pair, 0) + 1
    return [f"{old}() -> {new}()" + (f" ({n} times)" if n > 1 else "") for (old, new), n in counts.items()]


def _show_diff(findings, sources, errors: List[str], config) -> int:
    from . import fix
    plans = _fix_plans(findings, sources, config)
    for line in _unique(errors):
        _error(line)
    for plan in plans:
        sys.stdout.write(fix.unified_diff(plan))
        _report_skipped(plan)
    count = sum(len(p.applied) for p in plans if p.changed)
    files = sum(1 for p in plans if p.changed)
    for renamed in _renamed(plans):
        print(f"would rename {renamed}", file=sys.stderr)
    print(f"{count} fix(es) would be applied to {files} file(s)", file=sys.stderr)
    return 2 if errors else (1 if files else 0)


def _apply_fixes(findings, sources, config, cache, settings, errors: List[str], named=None) -> List[Finding]:
    """Write the fixes, then lint the rewritten files again, so the findings
    reported are those that remain, at their new positions.  ``named``: the
    paths given on the command line; a symbolic link found by walking a
    directory is never written through."""
    from . import report
    from . import fix
    from .runner import check_sources, read_all
    rewritten = []
    written = []
    for plan in _fix_plans(findings, sources, config):
        _report_skipped(plan)
        if not plan.changed:
            continue
        try:
            fix.write(plan, named=named is None or plan.path in named)
        except fix.FixRefused as exc:
            errors.append(str(exc))
            continue
        for applied in plan.applied:
            print(f"fixed {report.one_line(plan.path)}:{applied.fix.line}:{applied.fix.column}: {applied.finding.code} "
                  f"{report.one_line(applied.fix.description)}", file=sys.stderr)
        rewritten.append(plan.path)
        written.append(plan)
    for renamed in _renamed(written):
        print(f"renamed {renamed}", file=sys.stderr)
    if not rewritten:
        return list(findings)
    again, read_errors = read_all(rewritten)
    errors += read_errors
    outcome = check_sources(again, config, cache, settings.jobs, **settings.limits())
    errors += outcome.errors
    kept = [f for f in findings if f.path not in set(rewritten)]
    return sorted(kept + outcome.findings)


def _report_skipped(plan) -> None:
    from . import report
    for finding, reason in plan.skipped:
        print(f"not fixed {report.one_line(plan.path)}:{finding.line}:{finding.column}: {finding.code}: "
              f"{report.one_line(reason)}", file=sys.stderr)


# -- check-patch ---------------------------------------------------------------------

def patch_command(args: argparse.Namespace) -> int:
    from . import report
    from .patch import read_patches, review
    settings = _settings(args)
    config = _config(settings)
    _setup_workers(settings, config)
    name, data = _read_patch(args.patch)
    patches = read_patches(name, data)
    cache = _cache(settings, config)
    _warn_model_tree_disagreements(config)
    reports, errors = review(patches, config, tree=settings.srctree or os.getcwd(),
                             cache=cache, jobs=settings.jobs, limits=settings.limits())
    for line in _unique(errors):
        _error(line)
    findings = [f for r in reports for f in r.findings]
    summary = report.Summary(findings, len(patches), errors, unit="patch(es)", kernel=_kernel_name(config))
    _emit(settings.format, findings, summary, _patch_formatter(settings.format, reports))
    _print_stats(args, cache)
    return exit_status(findings, errors, settings.strict)


# -- model-diff ------------------------------------------------------------------------

def model_diff_command(args: argparse.Namespace) -> int:
    import json
    from .modeldiff import model_diff, render
    from .srctree import tree_for
    from .treeapi import model_api
    settings = _settings(args)
    config = _config(settings)
    if not config.srctree:
        raise InputError("model-diff: give the kernel source tree with --srctree DIR (or $srctree)")
    diff = model_diff(model_api(config), tree_for(os.path.abspath(config.srctree)))
    if settings.format == "json":
        print(json.dumps(diff.as_dict(), indent=2))
    else:
        sys.stdout.write(render(diff))
    return 1 if diff.differs else 0


def _read_patch(path: str):
    from .read import read_bytes
    if path == "-":
        return "<stdin>", sys.stdin.buffer.read()
    return path, read_bytes(path, limit=256 * 2**20, what="patch", stream=True)


def _patch_formatter(fmt: str, reports) -> report.Formatter:
    from . import report
    if fmt == "email":
        return report.EmailFormatter(sys.stdout, reports)
    if fmt == "json":
        numbers = {id(f): r.patch.number for r in reports for f in r.findings}
        patches = [{"number": r.patch.number, "subject": r.patch.subject, "author": r.patch.author,
                    "date": r.patch.date} for r in reports]
        return report.JsonFormatter(sys.stdout, extra={"patches": patches},
                                    annotate=lambda f: {"patch": numbers[id(f)]})
    return _formatter(fmt, sys.stdout)
