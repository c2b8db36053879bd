# A documentation tree where one document is a compiler bomb: the build
# must give that document an ED107, check the others and end, failing.
extensions = ["sphinx_entrydoc"]
c_id_attributes = ["noinstr", "__always_inline"]
entrydoc_timeout = 10
