"""sphinx-entrydoc: check kernel-style entry/exit documentation.

Use it from the command line (``sphinx-entrydoc lint``) or as a Sphinx
extension (``extensions = ["sphinx_entrydoc"]`` in conf.py).
"""
from ._version import __version__


def setup(app):
    # Sphinx and libclang are imported only when Sphinx loads the extension:
    # the CLI imports this package too and must start without them.
    from .sphinxext import setup as setup_extension
    return setup_extension(app)
