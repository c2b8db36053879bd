"""The standalone front end: ``sphinx-entrydoc lint PATH...``."""
from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

from . import report
from ._version import __version__
from .config import Config
from .errors import InputError
from .findings import ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sphinx-entrydoc",
                                     description="Check kernel-style entry/exit documentation.")
    parser.add_argument("--version", action="version", version=f"sphinx-entrydoc {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    lint = commands.add_parser("lint", help="check .rst files and directories")
    lint.add_argument("paths", nargs="+", metavar="PATH")
    lint.add_argument("--stubs", action="append", default=[], metavar="DIR",
                      help="an extra stub header directory (repeatable)")
    lint.add_argument("--profile", choices=("default", "review"), default="default")
    lint.add_argument("--select", default="", help="only these codes or prefixes (comma separated)")
    lint.add_argument("--ignore", default="", help="skip these codes or prefixes (comma separated)")
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.add_argument("--literal-language", choices=("auto", "c", "none"), default="auto",
                      help="language of '::' blocks with no '.. highlight::' in force")
    return parser


def _codes(value: str):
    return tuple(c.strip() for c in value.split(",") if c.strip())


def _documents(paths: List[str]) -> List[str]:
    found = []
    for path in paths:
        if os.path.isdir(path):
            batch = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_build")))
                batch += [os.path.join(root, f) for f in files if f.endswith(".rst")]
            if not batch:
                raise InputError(f"{path}: no .rst files in this directory")
            found += sorted(batch)
        else:
            found.append(path)
    return found


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    from .check import check_source
    from .read import read_source
    try:
        config = Config(stub_dirs=tuple(args.stubs), profile=args.profile, select=_codes(args.select),
                        ignore=_codes(args.ignore), literal_language=args.literal_language)
        paths = _documents(args.paths)
    except InputError as exc:
        print(f"sphinx-entrydoc: {exc}", file=sys.stderr)
        return 2
    findings = []
    failed = False
    for path in paths:
        try:
            findings += check_source(read_source(path), config)
        except InputError as exc:
            if "libclang" in str(exc):
                print(f"sphinx-entrydoc: {exc}", file=sys.stderr)
                return 2
            print(f"sphinx-entrydoc: {exc}", file=sys.stderr)
            failed = True
    findings.sort()
    if args.format == "json":
        sys.stdout.write(report.as_json(findings, len(paths)))
    else:
        sys.stdout.write(report.text(findings))
        print(report.summary_line(findings, len(paths)), file=sys.stderr)
    if failed:
        return 2
    return 1 if any(f.severity == ERROR for f in findings) else 0
