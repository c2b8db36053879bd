"""Regular expressions kept on disk (recache.py): a pattern loaded from the
cache is the pattern re would have compiled, a damaged or foreign file is
ignored, and a run reports the same findings with the cache as without."""
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
    directory = cache / "regex"
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
    kept = sorted(p.name.split("-")[0] for p in (tmp_path / "cache" / "regex").glob("*.marshal"))
    assert kept == ["finish", "main", "prepare"]
    second = lint()
    assert first.stdout and (second.stdout, second.stderr, second.returncode) == \
        (first.stdout, first.stderr, first.returncode)
    for path in (tmp_path / "cache" / "regex").glob("*.marshal"):
        path.write_bytes(b"\0" * 64)   # damaged: ignored and written again
    third = lint()
    assert (third.stdout, third.returncode) == (first.stdout, first.returncode)
    assert all(p.stat().st_size > 64 for p in (tmp_path / "cache" / "regex").glob("*.marshal"))
