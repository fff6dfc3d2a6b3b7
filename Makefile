# The two commands the README leads with: `make run` and `make test`.
# Everything they need is installed here, into .venv, from the project's own files.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

ASSETS := src/baotong/web/assets
VENDOR := src/baotong/web/static/vendor
LINTED := $(wildcard src tests benchmarks scripts)

# Message catalogues: one per package with words (src/baotong/<package>/locale/), one .po per
# language; the .mo files are compiled here and never committed.
LANGUAGES := zh_CN en
WORDS := $(patsubst %/locale,%,$(wildcard src/baotong/*/locale))
PO := $(wildcard src/baotong/*/locale/*/LC_MESSAGES/*.po)
MO := $(PO:.po=.mo)
EXTRACT := --no-default-keywords -k t -k translate:2 -k N_ --no-location --omit-header \
	--sort-output --no-wrap

.PHONY: run test lint typecheck pytest bench assets browser catalogues i18n clean

run: $(STAMP_RUN) assets catalogues
	$(BIN)/baotong run

test: $(STAMP_DEV) assets browser catalogues lint typecheck pytest

lint: $(STAMP_DEV)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/lint-imports

typecheck: $(STAMP_DEV)
	$(BIN)/mypy

pytest: $(STAMP_DEV) assets browser catalogues
	$(BIN)/pytest

# `make i18n`: extract every package's keys (babel.cfg), add new ones to its catalogues
# (empty, to be written, unless another catalogue had words for the key) and drop vanished
# ones, then compile.
i18n: $(STAMP_RUN)
	mkdir -p build/i18n
	$(BIN)/python -m baotong.core.i18n_extract remember build/i18n/words.json
	set -e; for pkg in $(WORDS); do name=$$(basename $$pkg); \
	  $(BIN)/pybabel extract -F babel.cfg $(EXTRACT) -o build/i18n/$$name.pot $$pkg; \
	  for lang in $(LANGUAGES); do \
	    $(BIN)/pybabel update -i build/i18n/$$name.pot -d $$pkg/locale -D $$name -l $$lang \
	      --init-missing --no-fuzzy-matching --ignore-obsolete --omit-header --no-wrap; \
	  done; done
	$(BIN)/python -m baotong.core.i18n_extract carry build/i18n/words.json
	$(MAKE) --no-print-directory catalogues

catalogues: $(MO)

# Compiled after every install (the stamps) and whenever a .po changes.
$(MO): %.mo: %.po $(STAMP_RUN)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

# Console libraries (ECharts, htmx, the barcode reader of the scan pages and its .wasm) from the
# npm registry through the committed lock file.
assets: $(VENDOR)/.installed

$(VENDOR)/.installed: $(ASSETS)/package.json $(ASSETS)/package-lock.json
	cd $(ASSETS) && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp $(ASSETS)/node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	cp $(ASSETS)/node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp $(ASSETS)/node_modules/barcode-detector/dist/iife/ponyfill.js $(VENDOR)/barcode-detector.js
	cp $(ASSETS)/node_modules/zxing-wasm/dist/reader/zxing_reader.wasm $(VENDOR)/
	touch $@

# Browser tests drive Debian's Chromium (playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-wqy-zenhei >/dev/null; }

bench: $(STAMP_DEV)
	$(BIN)/python -m benchmarks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3

$(STAMP_RUN): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(VENDOR) $(ASSETS)/node_modules $(MO)
