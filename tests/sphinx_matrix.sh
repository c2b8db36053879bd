#!/usr/bin/env bash
# Run the Sphinx extension tests against the oldest supported Sphinx (and the
# docutils it brings) in a venv of its own, next to the project's .venv that
# has the newest.  Usage: tests/sphinx_matrix.sh [SPHINX_VERSION]
# Environment: PYTHON (default python3), OLDEST_VENV (default .venv-sphinx-oldest).
set -euo pipefail
cd "$(dirname "$0")/.."

# Keep in step with the lower bound of "sphinx" in pyproject.toml.
SPHINX_VERSION="${1:-5.3.0}"
PYTHON="${PYTHON:-python3}"
VENV="${OLDEST_VENV:-.venv-sphinx-oldest}"
STAMP="$VENV/.installed-sphinx-$SPHINX_VERSION"

if [ ! -f "$STAMP" ]; then
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e '.[test]' "sphinx==$SPHINX_VERSION"
    touch "$STAMP"
fi
"$VENV/bin/python" -c 'import sphinx, docutils; print(f"Sphinx {sphinx.__version__}, docutils {docutils.__version__}")'
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/test_sphinx.py
