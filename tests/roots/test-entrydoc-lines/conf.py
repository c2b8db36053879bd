# One document, rewritten by tests/test_sphinx.py with line characters
# (form feed, U+2028, NEL ...) put in it: see test_lines.py.
extensions = ["sphinx_entrydoc"]
c_id_attributes = ["noinstr", "__always_inline"]
entrydoc_documents = "all"
