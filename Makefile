# The two commands of the README: `make up` and `make test`. Everything else they need is installed here.
PYTHON ?= python3
UV := $(PYTHON) -m uv

.PHONY: up test install uv bench lint

uv:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv || $(PYTHON) -m pip install --quiet --user uv \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv

install: uv
	$(UV) sync --frozen

up: install
	$(UV) run --frozen evalforge up

test: install
	$(UV) run --frozen pytest

lint: install
	$(UV) run --frozen ruff check .

bench: uv
	$(UV) sync --frozen --extra presidio
	$(UV) run --frozen python benchmarks/ingest.py
