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

.PHONY: run test lint typecheck pytest bench assets browser clean

run: $(STAMP_RUN) assets
	$(BIN)/baotong run

test: $(STAMP_DEV) assets browser lint typecheck pytest

lint: $(STAMP_DEV)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/lint-imports

typecheck: $(STAMP_DEV)
	$(BIN)/mypy

pytest: $(STAMP_DEV) assets browser
	$(BIN)/pytest

# Console libraries (ECharts, htmx) from the npm registry through the committed lock file.
assets: $(VENDOR)/.installed

$(VENDOR)/.installed: $(ASSETS)/package.json $(ASSETS)/package-lock.json
	cd $(ASSETS) && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp $(ASSETS)/node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	cp $(ASSETS)/node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
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
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(VENDOR) $(ASSETS)/node_modules
