# The two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-data
DEMO_COUNT ?= 300
SHARED ?= ../shared

.PHONY: install test lint bench demo chromium clean

$(BIN)/letters: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

install: $(BIN)/letters

# Browser tests drive Debian's Chromium; install it when it is missing (CI runs as root).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install chromium
	$(BIN)/ruff check .
	LETTERS_SHARED=$(SHARED) $(BIN)/pytest

lint: install
	$(BIN)/ruff check .

bench: install
	LETTERS_SHARED=$(SHARED) $(BIN)/python -m benchmarks

demo: install
	@if [ ! -d "$(DEMO_DIR)/letters" ]; then \
	  $(BIN)/letters --data-dir $(DEMO_DIR) sample --count $(DEMO_COUNT); fi
	$(BIN)/letters --data-dir $(DEMO_DIR) reindex
	@echo "Open http://127.0.0.1:8000/ in a browser (Ctrl-C stops the server)"
	$(BIN)/letters --data-dir $(DEMO_DIR) serve --port 8000

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
