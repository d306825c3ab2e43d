# Two commands on a fresh machine: `make run` (the embedded system with demo data at http://127.0.0.1:8000)
# and `make test` (every test tier). Everything they need is installed from here.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup system-deps frontend lint bench api-client clean

run: setup frontend
	TUCAI_DEMO=true $(VENV)/bin/tucai serve --host $(HOST) --port $(PORT)

test: setup system-deps frontend lint
	cd frontend && npm run --silent check:api && npm run --silent lint && npm run --silent test
	$(VENV)/bin/pytest tests

setup: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q uv==$(UV_VERSION)
	$(VENV)/bin/uv sync --frozen --inexact
	touch $@

# Debian packages the tests need (browser, CJK fonts for screenshots and PDFs). Installed only when missing.
system-deps:
	@bash deploy/scripts/system-deps.sh

frontend: frontend/node_modules/.installed
	cd frontend && npm run --silent build

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	touch $@

lint: setup
	$(VENV)/bin/ruff check services tests
	$(VENV)/bin/mypy

# Regenerate the OpenAPI documents and the SPA's typed client after an API change.
api-client: setup frontend/node_modules/.installed
	$(VENV)/bin/tucai openapi --out frontend/openapi
	cd frontend && npm run --silent gen:api

bench: setup
	$(VENV)/bin/python -m tests.bench

clean:
	rm -rf var/bench var/test
