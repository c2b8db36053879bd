# A project with stub headers of its own (relative to this directory).
extensions = ["sphinx_entrydoc"]
entrydoc_stub_dirs = ["stubs"]
