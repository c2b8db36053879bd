# A documentation tree with deliberate mistakes in two documents.  It has
# several documents so that -j 2 really reads in parallel.
extensions = ["sphinx_entrydoc"]
c_id_attributes = ["noinstr", "__always_inline"]
