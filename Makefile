# sphinx-entrydoc: the two commands of the README are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SPHINXOPTS ?=
SPHINXDIRS ?= .
# The state trace is off by default (published pages are for readers); this
# project's own pages are for the people who write entry documentation, so
# htmldocs turns it on with -D, as a kernel author would.  ENTRYDOC_TRACE=0
# builds the pages as a kernel site would publish them.
ENTRYDOC_TRACE ?= 1
O ?= _build
STAMP := $(VENV)/.installed

.PHONY: kernel-tree demo setup test bench fuzz rules-table htmldocs clean

demo: setup
	@echo "== example_docs/core-api (correct pages: no findings expected) =="
	$(BIN)/sphinx-entrydoc lint --profile review example_docs/core-api
	@echo "== example_docs/review (a flawed draft: findings expected) =="
	@$(BIN)/sphinx-entrydoc lint --profile review example_docs/review; \
	  status=$$?; if [ $$status -gt 1 ]; then exit $$status; fi

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# compat: the checkout on sys.path through a plain .pth line.  The default
	@# editable mode installs an import hook that costs every Python process in
	@# the venv (ours, Sphinx, the benchmark's other tools) ~17 ms at start-up.
	$(BIN)/python -m pip install --quiet --config-settings editable_mode=compat -e '.[test]'
	touch $(STAMP)

test: setup
	$(BIN)/python -m pytest -q tests

# Installs the tools it compares against into the project's venv.
bench: setup
	$(BIN)/python -m pip install --quiet rstcheck sphinx-lint
	$(BIN)/python bench/bench.py $(BENCHOPTS)

fuzz: setup
	$(BIN)/python bench/fuzz.py --documents $${FUZZ_DOCUMENTS:-10000}

rules-table: setup
	$(BIN)/python -m sphinx_entrydoc.ruletable --write

# Like the kernel's `make htmldocs`: SPHINXDIRS names subdirectories of
# example_docs to build, each on its own with example_docs/conf.py (default
# ".", the whole tree); O= is the output directory; SPHINXOPTS is passed to
# sphinx-build; warnings are errors (-W).  The review/ drafts are rendered
# but not checked unless SPHINXOPTS="-t review" (see example_docs/conf.py).
htmldocs: setup
	@for dir in $(SPHINXDIRS); do \
	  echo "  SPHINX  example_docs/$$dir --> $(O)/html/$$dir"; \
	  $(BIN)/sphinx-build -b html -W -c example_docs -d $(O)/doctrees/$$dir \
	    -D entrydoc_trace=$(ENTRYDOC_TRACE) $(SPHINXOPTS) example_docs/$$dir $(O)/html/$$dir || exit $$?; \
	done

clean:
	rm -rf $(VENV) $(O) .pytest_cache *.egg-info


# A real kernel tree to check against (not run by CI): installs Debian's
# linux-source-$(KVER) (apt-get; it ships /usr/src/linux-source-$(KVER).tar.xz),
# unpacks it under $(KTREES), and runs model-diff, srctree-mode lint of the
# tree's own entry.rst and the tests that use a real tree (ENTRYDOC_KERNEL_TREE).
KVER ?= 6.12
KTREES ?= _trees
kernel-tree: setup
	@test -f /usr/src/linux-source-$(KVER).tar.xz || apt-get install -y linux-source-$(KVER)
	@mkdir -p $(KTREES)
	@test -f $(KTREES)/linux-source-$(KVER)/Makefile || tar -xf /usr/src/linux-source-$(KVER).tar.xz -C $(KTREES)
	-$(BIN)/sphinx-entrydoc model-diff --srctree $(KTREES)/linux-source-$(KVER)
	-$(BIN)/sphinx-entrydoc lint --no-cache --srctree $(KTREES)/linux-source-$(KVER) \
	  $(KTREES)/linux-source-$(KVER)/Documentation/core-api/entry.rst
	ENTRYDOC_KERNEL_TREE=$(abspath $(KTREES)/linux-source-$(KVER)) $(BIN)/python -m pytest -q tests/test_srctree_kernel.py
