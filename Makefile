# The two commands of the README: `make up` and `make test`. Everything else they need is installed here.
PYTHON ?= python3
UV := $(PYTHON) -m uv

.PHONY: up test install uv bench lint

uv:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv || $(PYTHON) -m pip install --quiet --user uv \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv

# Bytecode compiled once at install: every process the suite and `evalforge up` start (Dagster's daemon, webserver
# and code server, uvicorn workers, the CLI) imports Dagster and its dependencies, which without bytecode (or with
# PYTHONDONTWRITEBYTECODE set, as on this machine) are compiled again in each one: 5.2 s against 2.9 s per import.
# The first install spends about 27 s on it; later ones under 2 s.
install: uv
	$(UV) sync --frozen --compile-bytecode

up: install
	$(UV) run --frozen evalforge up

# Two workers, one test file at a time each (a file's module fixtures start its servers once): most of the suite
# waits on the processes it starts, and on this 2-core machine it took 15-20 minutes in one process, 11-12 in two.
test: install
	$(UV) run --frozen pytest -n 2 --dist loadfile

lint: install
	$(UV) run --frozen ruff check .

bench: uv
	$(UV) sync --frozen --extra presidio
	$(UV) run --frozen python benchmarks/ingest.py
