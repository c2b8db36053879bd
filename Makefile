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

.PHONY: demo setup test bench fuzz rules-table htmldocs clean

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
	$(BIN)/python -m pip install --quiet -e '.[test]'
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
