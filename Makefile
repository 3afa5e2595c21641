# Two commands for a fresh machine (Python 3.11 + pip): `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# Bytecode is written on first import, for the modules actually used: compiling the whole
# environment at install (UV_COMPILE_BYTECODE) cost ~35-60 CPU s of a first `make run`; never
# writing it (PYTHONDONTWRITEBYTECODE, set on some machines) costs every process ~2-8 s.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup run test lint browser-deps

## The app's dependencies only; `make test` adds the dev extras (--inexact: neither sync
## removes what the other installed).
$(BIN)/imr: pyproject.toml uv.lock
	$(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(PYTHON) -m uv venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	$(PYTHON) -m uv sync --quiet --frozen --inexact
	touch $(BIN)/imr

$(VENV)/.dev-extras: $(BIN)/imr
	$(PYTHON) -m uv sync --quiet --frozen --all-extras --inexact
	touch $@

setup: $(BIN)/imr $(VENV)/.dev-extras

## Set up, build the demo database on first run (generate + ingest), start the app on :8501.
run: $(BIN)/imr
	$(BIN)/imr app

## Lint + every test. The browser test needs Debian's chromium (installed here with apt when
## run as root); without it, one line says why and everything else runs. CI never skips it.
test: $(VENV)/.dev-extras browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	IMR_CHROMIUM="$(CHROMIUM)" $(BIN)/pytest -n 2 --dist loadfile  # a test file stays on one worker

# Overridable, to see the other paths: `make test CHROMIUM= APT_GET=/nonexistent`.
CHROMIUM ?= $(shell command -v chromium 2>/dev/null)
APT_GET  ?= apt-get
APT_LOG  := /tmp/imr-apt-chromium.log
browser-deps:
	@[ -n "$(CHROMIUM)" ] || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	  else sudo="none"; fi; \
	  if [ "$$sudo" = none ]; then why="needs root"; \
	  elif ! command -v $(APT_GET) >/dev/null 2>&1; then why="no apt-get"; \
	  else echo "Installing Debian's chromium for the browser test (log: $(APT_LOG))..."; \
	    { $$sudo $(APT_GET) update -qq && \
	      $$sudo env DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq chromium; } \
	      >$(APT_LOG) 2>&1 && exit 0; why="apt-get failed, see $(APT_LOG)"; fi; \
	  case "$$CI" in ""|0|false|no) then="the browser test is skipped, everything else runs";; \
	    *) then="CI=$$CI: the browser test will fail (it never skips on CI)";; esac; \
	  echo "chromium not installed ($$why; as root: apt-get install chromium): $$then."; }
