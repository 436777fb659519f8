# The two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-data
DEMO_COUNT ?= 300
PORT ?= 8000
SHARED ?= ../shared

.PHONY: install test test-fast lint bench demo chromium wrk clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamps: the demo needs the package alone; tests and benchmarks need their extras too.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

# Browser tests drive Debian's Chromium; install it when it is missing (CI runs as root).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The web benchmark's load generator, wrk (in C: a Python one took a twentieth of the two cores' work).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the web benchmark"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

test: $(VENV)/.installed-test chromium
	$(BIN)/ruff check .
	LETTERS_SHARED=$(SHARED) $(BIN)/pytest

# Every test that does not read ../shared (tests using the shared_dir fixture are marked `corpus`).
test-fast: $(VENV)/.installed-test chromium
	$(BIN)/ruff check .
	$(BIN)/pytest -m "not corpus"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

bench: $(VENV)/.installed-test wrk
	LETTERS_SHARED=$(SHARED) $(BIN)/python -m benchmarks

# A taken port is said first, before a minute of sampling and indexing: the same check `letters serve` makes.
demo: install
	@$(BIN)/python -c 'import socket; socket.create_server(("127.0.0.1", $(PORT))).close()' 2>/dev/null || { \
	  echo "make demo: cannot listen on 127.0.0.1:$(PORT) (in use, or not a port); choose another, e.g. make demo PORT=8001" >&2; exit 1; }
	@if [ ! -d "$(DEMO_DIR)/letters" ]; then \
	  $(BIN)/letters --data-dir "$(DEMO_DIR)" sample --count $(DEMO_COUNT); fi
	$(BIN)/letters --data-dir "$(DEMO_DIR)" reindex
	@echo "Open http://127.0.0.1:$(PORT)/ in a browser (Ctrl-C stops the server)"
	$(BIN)/letters --data-dir "$(DEMO_DIR)" serve --port $(PORT)

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
