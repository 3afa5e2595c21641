# Two commands for a fresh machine (Python 3.11 + pip): `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
export UV_COMPILE_BYTECODE := 1

.PHONY: setup run test lint browser-deps

$(BIN)/imr: pyproject.toml uv.lock
	$(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(PYTHON) -m uv venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	$(PYTHON) -m uv sync --quiet --frozen --all-extras
	touch $(BIN)/imr

setup: $(BIN)/imr

## Set up, build the demo database on first run (generate + ingest), start the app on :8501.
run: setup
	$(BIN)/imr app

## Lint + every test (the browser test installs Debian's chromium if missing).
test: setup browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser test..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium not installed: the browser test will be skipped"; }
