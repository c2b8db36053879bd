# Sphinx configuration for the sphinx-entrydoc example documents.
#
# The tree is laid out like a kernel Documentation/ directory:
#   core-api/  correct documents, the checker must stay silent on them
#   review/    a draft with deliberate mistakes, the checker must report them

project = "sphinx-entrydoc examples"

# The checker: compiles the C snippets against the entry API stub headers
# and cross-checks the prose.
extensions = ["sphinx_entrydoc"]

exclude_patterns = ["_build"]

# Function attributes the C domain has to accept, as in the kernel's
# Documentation/conf.py.
c_id_attributes = ["noinstr", "__always_inline"]

# Which documents the checker reads: the default, "auto", picks those whose
# C snippets call a function of the modelled entry API.  review/ is a draft
# full of deliberate mistakes: a normal build (`make htmldocs`, which turns
# warnings into errors) renders it unchecked; build it with the "review" tag
# to see the checker fail on it: make htmldocs SPHINXOPTS="-t review".
entrydoc_documents = ["auto"] if tags.has("review") else ["auto", "!review/*"]
