# The two set-up commands of the README: `make demo` and `make test`. Both make their own venv.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install clean

$(BIN)/agorascope: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/agorascope

install: $(BIN)/agorascope

demo: install
	$(BIN)/agorascope demo

test: install
	$(BIN)/ruff check agorascope tests bench
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

lint: install
	$(BIN)/ruff check agorascope tests bench

clean:
	rm -rf $(VENV) agorascope-demo .pytest_cache
