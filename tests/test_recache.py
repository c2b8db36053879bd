"""What a process compiles at start-up, kept on disk (recache.py): a
pattern loaded from the cache is the pattern re would have compiled, a
data class made from kept code has the methods dataclasses would have
compiled, a damaged or foreign file is ignored, and a run reports the
same findings with the cache as without."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT

PATTERNS = [
    (r"(?P<name>[A-Za-z_]\w*)\s*\((?P<args>[^()]*)\)", 0),
    (r"^\s*(?:noinstr|__always_inline)\b", 8),                # re.M
    (r"(?<![\w.])irq(?:entry|_enter)_\w+", 2),               # re.I, a lookbehind
    (r"é+\u00e8?", 32),                                        # re.U
    (r"(a|b)*?c{2,5}$", 16),                                   # re.S
]

_WRITE = r'''
import re, sys
from sphinx_entrydoc import recache
patterns = eval(sys.argv[1])
for pattern, flags in patterns:
    re.compile(pattern, flags)
recache.write("t", [(str, p, f) for p, f in patterns])
'''

_LOAD = r'''
import re, sys
from re import _compiler
from sphinx_entrydoc import recache
patterns = eval(sys.argv[1])
before = dict(re._cache)
recache.load("t")
loaded = [(p, f) for p, f in patterns if (str, p, f) in re._cache and (str, p, f) not in before]
print(len(loaded), "missing" if "t" in recache._MISSING else "loaded")
samples = ["foo(a, b)", "  noinstr void", "IRQENTRY_NMI_ENTER", "éééè", "ababcc", "x.irq_enter_rcu"]
for pattern, flags in patterns:
    got = re.compile(pattern, flags)
    fresh = _compiler.compile(pattern, flags)
    assert got == fresh, pattern
    for text in samples:
        a, b = got.search(text), fresh.search(text)
        assert (a and (a.span(), a.groups(), a.groupdict())) == (b and (b.span(), b.groups(), b.groupdict()))
'''


def run(code, cache, *args):
    env = dict(os.environ, SPHINX_ENTRYDOC_CACHE_DIR=str(cache), PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-c", code, repr(PATTERNS), *args], capture_output=True, text=True,
                          env=env, cwd=ROOT)


def kept_file(cache):
    directory = cache / "compiled"
    files = sorted(directory.glob("t-*.marshal")) if directory.is_dir() else []
    return files[0] if files else None


def test_a_kept_pattern_is_the_pattern_re_compiles(tmp_path):
    assert run(_WRITE, tmp_path).returncode == 0
    assert kept_file(tmp_path) is not None
    out = run(_LOAD, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(len(PATTERNS)), "loaded"]


@pytest.mark.parametrize("damage", ["flip", "truncate", "other-build"])
def test_a_damaged_or_foreign_file_is_ignored(tmp_path, damage):
    run(_WRITE, tmp_path)
    path = kept_file(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x40
    elif damage == "truncate":
        data = data[: len(data) // 3]
    else:
        # A file another Python build wrote under this name: its own
        # checksum is right, its build is not this one.
        data = data.replace(b"cpython", b"cpythoX", 1)
        import binascii
        data[:4] = (binascii.crc32(bytes(data[4:])) & 0xFFFFFFFF).to_bytes(4, "big")
    path.write_bytes(bytes(data))
    out = run(_LOAD, tmp_path)
    assert out.returncode == 0, out.stderr   # the patterns compiled as usual, and equal
    assert out.stdout.split() == ["0", "missing"]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership")
def test_a_file_others_could_have_written_is_not_used(tmp_path):
    # It holds code the process runs: as trusted as the user's own files only.
    run(_WRITE, tmp_path)
    path = kept_file(tmp_path)
    path.chmod(0o666)
    out = run(_LOAD, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "missing"]


def test_nothing_is_kept_where_re_is_not_what_recache_mirrors(tmp_path):
    code = ("from sphinx_entrydoc import recache\n"
            "real = recache._parts\n"
            "def off_by_one(pattern, flags):\n"
            "    parts = real(pattern, flags)\n"
            "    return parts[:3] + ([op + 1 for op in parts[3]],) + parts[4:]\n"
            "recache._parts = off_by_one\n") + _WRITE
    out = run(code, tmp_path)
    assert out.returncode == 0, out.stderr
    assert kept_file(tmp_path) is None


def test_a_run_finds_the_same_with_the_kept_patterns_as_without(tmp_path):
    docs = [os.path.join(ROOT, "example_docs", "review"), os.path.join(ROOT, "tests", "realdocs")]
    env = dict(os.environ, SPHINX_ENTRYDOC_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=ROOT)

    def lint():
        return subprocess.run([sys.executable, "-m", "sphinx_entrydoc", "lint", "--no-cache", "--isolated",
                               "--documents", "all", "--profile", "review", *docs],
                              capture_output=True, text=True, env=env, cwd=tmp_path)
    first = lint()
    kept = sorted(p.name.split("-")[0] for p in (tmp_path / "cache" / "compiled").glob("*.marshal"))
    assert kept == ["finish", "main", "prepare"]
    second = lint()
    assert first.stdout and (second.stdout, second.stderr, second.returncode) == \
        (first.stdout, first.stderr, first.returncode)
    for path in (tmp_path / "cache" / "compiled").glob("*.marshal"):
        path.write_bytes(b"\0" * 64)   # damaged: ignored and written again
    third = lint()
    assert (third.stdout, third.returncode) == (first.stdout, first.returncode)
    assert all(p.stat().st_size > 64 for p in (tmp_path / "cache" / "compiled").glob("*.marshal"))


# Every data class of the package, each generated method as the values
# that make a code object what it is (marshal's bytes depend on reference
# counts, so they are not compared).
_METHODS = r"""
import dataclasses, importlib, json, pkgutil, sys
import sphinx_entrydoc
from sphinx_entrydoc import recache
if sys.argv[-1] == "kept":
    recache.load("t")
names = sorted(m.name for m in pkgutil.walk_packages(sphinx_entrydoc.__path__, "sphinx_entrydoc.")
               if not m.name.endswith(("__main__", "sphinxext")))
modules = [importlib.import_module(name) for name in names]
shimmed = "exec" in vars(dataclasses)
if sys.argv[-1] == "kept":
    recache.save("t")
def shape(code):
    return [code.co_name, code.co_qualname, code.co_argcount, code.co_kwonlyargcount, code.co_flags,
            code.co_code.hex(), code.co_names, code.co_varnames, code.co_freevars, code.co_firstlineno,
            code.co_linetable.hex(), code.co_exceptiontable.hex(),
            [shape(c) if hasattr(c, "co_code") else repr(c) for c in code.co_consts]]
methods = {}
for module in modules:
    for value in vars(module).values():
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__:
            for name, function in vars(value).items():
                code = getattr(function, "__code__", None)
                if code is not None and code.co_filename == "<string>":
                    methods[f"{value.__qualname__}.{name}"] = shape(code)
print(json.dumps({"methods": methods, "shimmed": shimmed, "left": "exec" in vars(dataclasses),
                  "new": len(recache._NEW)}))
"""


@pytest.mark.skipif(sys.version_info < (3, 11), reason="co_qualname and co_exceptiontable are 3.11's")
def test_kept_methods_are_the_ones_dataclasses_compiles(tmp_path):
    import json

    def methods(mode):
        out = run(_METHODS, tmp_path, mode)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout.splitlines()[-1])
    own = methods("own")
    assert len(own["methods"]) > 100 and not own["shimmed"]
    first = methods("kept")    # compiled by recache, then written
    assert first["shimmed"] and not first["left"]
    assert kept_file(tmp_path) is not None
    second = methods("kept")   # made from the file
    assert second["new"] == 0 and not second["left"]
    assert first["methods"] == own["methods"] and second["methods"] == own["methods"]


def test_a_second_run_writes_nothing_and_leaves_dataclasses_as_it_was(tmp_path):
    env = dict(os.environ, SPHINX_ENTRYDOC_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=ROOT)
    doc = os.path.join(ROOT, "example_docs", "core-api", "entry.rst")

    def lint():
        return subprocess.run([sys.executable, "-m", "sphinx_entrydoc", "lint", "--no-cache", "--isolated", doc],
                              capture_output=True, text=True, env=env, cwd=tmp_path)
    first = lint()
    written = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "cache" / "compiled").glob("*.marshal")}
    assert len(written) == 3
    second = lint()
    assert (second.stdout, second.returncode) == (first.stdout, first.returncode)
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "cache" / "compiled").glob("*.marshal")} == written


def test_the_cli_called_in_process_gives_dataclasses_back(tmp_path, monkeypatch, capsys):
    import dataclasses
    from sphinx_entrydoc import cli
    monkeypatch.setenv("SPHINX_ENTRYDOC_CACHE_DIR", str(tmp_path))
    with pytest.raises(SystemExit):
        cli.main(["lint", "--no-such-option"])
    assert "exec" not in vars(dataclasses)
    assert cli.main(["lint", "--isolated", os.path.join(ROOT, "example_docs", "core-api", "entry.rst")]) in (0, 1)
    assert "exec" not in vars(dataclasses)


# Sphinx's process is not ours: only what the package's imports compile is
# kept, and dataclasses compiles the host's classes with its own exec.
_HOSTED = r'''
import dataclasses, json, re, sys
from sphinx_entrydoc import recache
host = re.compile(r"host(?:pattern)+\d")   # compiled by the host before
recache.import_hosted("t", ("sphinx_entrydoc.normalise", "sphinx_entrydoc.findings"))
@dataclasses.dataclass
class HostClass:
    value: int
print(json.dumps({"left": "exec" in vars(dataclasses), "codes": len(recache._CODES),
                  "host_method": HostClass.__init__.__code__ in recache._CODES.values()}))
'''


def test_a_hosted_import_keeps_its_own_patterns_and_classes_only(tmp_path):
    import json
    import marshal
    first = run(_HOSTED, tmp_path)
    assert first.returncode == 0, first.stderr
    got = json.loads(first.stdout)
    assert not got["left"] and not got["host_method"]
    path = kept_file(tmp_path)
    form, build, entries, codes = marshal.loads(path.read_bytes()[4:])
    patterns = {entry[0] for entry in entries}
    from sphinx_entrydoc import normalise
    assert r"host(?:pattern)+\d" not in patterns
    assert normalise._ELIDED_EXPRESSION.pattern in patterns
    assert codes and not any("HostClass" in text for text in codes)
    written = path.stat().st_mtime_ns
    second = run(_HOSTED, tmp_path)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["codes"] >= len(codes)   # made from the kept code
    assert path.stat().st_mtime_ns == written                 # nothing new: not written again
