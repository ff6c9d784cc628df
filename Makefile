# Vigie: `make demo` runs the demo flow, `make test` runs the tests. Both set up what they need first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
VERSION := $(shell python3 -c "import json; print(json.load(open('plugin.json'))['version'])")
PLUGIN_ZIP := dist/dss-plugin-vigie-$(VERSION).zip
PLUGIN_PATHS := plugin.json code-env python-lib custom-recipes python-runnables python-steps webapps resource README.md LICENSE

.PHONY: setup system demo test test-all plugin lint bench clean

setup: system $(STAMP)

system:
	@bash scripts/install-system-packages.sh

$(STAMP): code-env/python/spec/requirements.txt tests/requirements.txt pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -r code-env/python/spec/requirements.txt -r tests/requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	@touch $@

demo: setup
	$(VENV)/bin/vigie demo

test: setup
	$(PY) -m pytest -q

test-all: setup
	$(PY) -m pytest -q -m ""

bench: setup
	$(PY) -m pip install -q --no-deps -r benchmarks/requirements.txt
	$(PY) benchmarks/bench_corpus_generation.py
	$(PY) benchmarks/bench_detectors.py
	$(PY) benchmarks/bench_documents.py
	$(PY) benchmarks/bench_watchlist.py

lint: setup
	$(VENV)/bin/ruff check python-lib tests benchmarks

plugin:
	@python3 -c "import json; json.load(open('plugin.json'))"
	@mkdir -p dist
	@rm -f $(PLUGIN_ZIP)
	@paths=$$(for p in $(PLUGIN_PATHS); do [ -e "$$p" ] && [ -n "$$(git ls-files "$$p")" ] && echo "$$p"; done); \
	  git archive --format zip -9 -o $(PLUGIN_ZIP) HEAD -- $$paths
	@echo "wrote $(PLUGIN_ZIP) (committed files of $$(git rev-parse --short HEAD), without tests)"

clean:
	rm -rf dist vigie-demo .pytest_cache
