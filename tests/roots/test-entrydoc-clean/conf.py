# A documentation tree the checker must stay silent on.
extensions = ["sphinx_entrydoc"]
c_id_attributes = ["noinstr", "__always_inline"]
