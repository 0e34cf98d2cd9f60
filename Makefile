# Sifara: `make demo` and `make test` set up everything on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(PYTHON)

.PHONY: help install python assets messages system-libs browser demo serve test test-fast lint typecheck check-migrations ci clean

help:
	@echo "make demo   install, migrate, load demo data, serve at http://127.0.0.1:8000"
	@echo "make test   install and run the whole test suite"
	@echo "make lint | typecheck | check-migrations | ci | clean"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(BIN)/sifara: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

python: $(BIN)/sifara

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

src/sifara/static/vendor/.stamp: node_modules/.package-lock.json tools/vendor_assets.py
	$(BIN)/python tools/vendor_assets.py
	@touch $@

assets: python src/sifara/static/vendor/.stamp

messages: python
	@command -v msgfmt >/dev/null || { echo "installing gettext (msgfmt)"; $(call apt_install,gettext); }
	cd src/sifara && DJANGO_SETTINGS_MODULE=sifara.settings.test ../../$(BIN)/sifara manage compilemessages --verbosity 0

install: python assets messages system-libs

# Pango for WeasyPrint's PDFs (evidence packs); present on most Debian images.
# Tesseract (Arabic + English) reads scanned agreements in the archive; optional.
system-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 || { echo "installing Pango (for PDF exports)"; $(call apt_install,libpango-1.0-0 libpangoft2-1.0-0); }
	@{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx ara; } || { echo "installing Tesseract OCR with Arabic and English (scanned agreements; optional)"; $(call apt_install,tesseract-ocr tesseract-ocr-ara tesseract-ocr-eng) || echo "Tesseract could not be installed: the archive works without OCR of scans"; }

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null || { echo "installing Debian's chromium"; $(call apt_install,chromium fonts-noto-core); }

define apt_install
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(1)
endef

demo: install
	$(BIN)/sifara demo
	$(BIN)/sifara serve

serve: install
	$(BIN)/sifara serve

test: install browser
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not browser"

lint: python
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools

typecheck: python
	$(BIN)/mypy src

check-migrations: python
	DJANGO_SETTINGS_MODULE=sifara.settings.test $(BIN)/sifara manage makemigrations --check --dry-run

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) $(TOOLS) node_modules src/sifara/static/vendor .pytest_cache .mypy_cache .ruff_cache
