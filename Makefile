# The shop: `make run` serves a seeded shop on http://127.0.0.1:5000; `make test` runs the whole suite.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask
PORT ?= 5000
DEMO_PRODUCTS ?= 240
ADMIN_EMAIL ?= admin@example.com

# htmx is pinned here, and only here: version and the registry's sha512 integrity of its package.
HTMX_VERSION := 2.0.11
HTMX_INTEGRITY := sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==
HTMX_JS := static/vendor/htmx.min.js

.PHONY: help run test install install-dev htmx digest db seed index admin serve bench bench-relevance bench-search bench-pages wrk clean

help:
	@echo "make run    install everything, migrate, seed a demo catalog, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   install test dependencies and run the whole suite"
	@echo "make bench  run the benchmarks in bench/ (search relevance, then bench-search and bench-pages)"

run: install htmx instance/config.py db seed index digest admin serve

test: install-dev htmx digest
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# --- installation -------------------------------------------------------------------------------
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps make a second `make run` skip installs unless the requirements changed.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# htmx comes from the npm registry as a package tarball whose sha512 must match HTMX_INTEGRITY; only
# its minified file is kept, in the git-ignored static/vendor/. No CDN, nothing committed.
htmx: $(HTMX_JS)
$(HTMX_JS): Makefile
	@command -v npm >/dev/null || { echo "npm is needed to install htmx $(HTMX_VERSION) (install Node.js and npm, then run make again)" >&2; exit 1; }
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	(cd "$$tmp" && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null 2>"$$tmp/npm.log") || { cat "$$tmp/npm.log" >&2; echo "could not fetch htmx.org@$(HTMX_VERSION) with npm" >&2; exit 1; }; \
	$(PYTHON) -c 'import base64, hashlib, sys; data = open(sys.argv[1], "rb").read(); got = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode(); sys.exit(0 if got == sys.argv[2] else "htmx package integrity mismatch: got " + got)' "$$tmp/htmx.org-$(HTMX_VERSION).tgz" '$(HTMX_INTEGRITY)'; \
	tar -xzf "$$tmp/htmx.org-$(HTMX_VERSION).tgz" -C "$$tmp" package/dist/htmx.min.js; \
	mkdir -p $(dir $@); cp "$$tmp/package/dist/htmx.min.js" $@; \
	echo "htmx $(HTMX_VERSION) installed in $@ (integrity checked)"

# Fingerprinted copies of the static files (css/shop-<md5>.css ...) and their manifest, which pages
# link to and which are served with a year-long immutable cache (Flask-Static-Digest). Quick, so it
# always runs: after seeding (the demo's placeholder images) and whenever a file changed.
digest: install htmx
	@SECRET_KEY=digest-only LOG_LEVEL=ERROR $(FLASK) digest compile >/dev/null && echo "static files fingerprinted (static/cache_manifest.json)"

# A random SECRET_KEY for this checkout, written once; production sets its own (see README).
instance/config.py:
	@mkdir -p instance
	@$(PYTHON) -c 'import secrets; print("# Written by make run for local use. Keep it secret; do not commit.\nSECRET_KEY = " + repr(secrets.token_urlsafe(48)))' > $@
	@echo "wrote $@ with a random SECRET_KEY"

# --- data ------------------------------------------------------------------------------------------
db: install instance/config.py
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed demo --products $(DEMO_PRODUCTS) --if-empty

# Search is ready from the first request: the Whoosh index is built once, then only caught up.
index: seed
	$(FLASK) search reindex --if-missing

# The demo admin: ADMIN_EMAIL / ADMIN_PASSWORD, or a password generated once into instance/.
admin: db
	@if [ -n "$${ADMIN_PASSWORD:-}" ]; then pw="$$ADMIN_PASSWORD"; else \
	  [ -s instance/admin-password ] || $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(12))' > instance/admin-password; \
	  pw=$$(cat instance/admin-password); fi; \
	$(FLASK) users create-admin "$(ADMIN_EMAIL)" --password "$$pw" >/dev/null; \
	echo "Demo admin: $(ADMIN_EMAIL) / $$pw"

serve:
	@echo "Serving the shop on http://127.0.0.1:$(PORT)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

bench: bench-relevance bench-search bench-pages

bench-relevance: install-dev htmx
	$(BIN)/python -m bench.relevance

bench-search: install-dev htmx
	$(BIN)/python -m bench

# Catalog pages at 1,000 and 100,000 products on SQLite and PostgreSQL (127.0.0.1:5432, user postgres;
# databases shop_bench_<size>) against a bare route, with wrk as the load (docs/benchmarks.md).
bench-pages: install-dev htmx digest wrk
	$(BIN)/python -m bench.pages $(BENCH_ARGS)

# wrk drives the page benchmark's concurrent clients (Debian's package, installed when missing).
wrk:
	@command -v wrk >/dev/null || { if [ "$$(id -u)" -eq 0 ]; then apt-get install -y -qq wrk; else sudo apt-get install -y -qq wrk; fi; }

clean:
	rm -rf $(VENV) static/vendor .pytest_cache
	find search_index -mindepth 1 ! -name .gitkeep -delete
