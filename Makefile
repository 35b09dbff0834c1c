# make        set up (venv, pip packages, Debian packages) and build every output
# make test   set up and run the tests
#
# Overridable: SOURCE=source LOCALES=locales OUTPUT=output LANGS="en es ..."
# (default LANGS: the source language and every language whose catalog is ready),
# SETTINGS=file.toml (settings, e.g. voices, instead of pipeline.toml/pyproject.toml)

SOURCE  ?= source
LOCALES ?= locales
OUTPUT  ?= output
VENV    ?= .venv
PYTHON  ?= python3
SETTINGS ?=

STAMP    := $(VENV)/.installed
BYTECODE := $(VENV)/.bytecode
# The tests' Node tools (DAISY Ace, vnu-jar), pinned by tools/node/package-lock.json.
NODE_DIR   := tools/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed
PIPELINE := $(VENV)/bin/pipeline $(if $(SETTINGS),--settings $(SETTINGS) )--source $(SOURCE) --locales $(LOCALES) --output $(OUTPUT)

# The unit list (one file per article, language and format, with everything it reads)
# comes from the builders themselves: `pipeline units --make` writes it as Make rules,
# regenerated whenever the articles, catalogs, code or these variables change.
MAKEDIR := $(OUTPUT)/.make
UNITS_MK := $(MAKEDIR)/units.mk
UNIT_INPUTS := $(sort $(wildcard $(SOURCE)/*.md $(SOURCE)/images/* $(LOCALES)/*/lexicon.tsv \
                 $(LOCALES)/*/LC_MESSAGES/*.po src/pipeline/*.py src/pipeline/*/builder.py \
                 pipeline.toml pyproject.toml $(SETTINGS)))
LANG_OPTIONS := $(foreach l,$(LANGS),--lang $(l))
# Rewritten only when its text changes, so that a different LANGS or a deleted catalog
# (which no timestamp shows) still regenerates the unit list. Written by Make itself
# ($(file)), not echoed by a shell: a library's file list outgrows a command line.
UNITS_KEY := $(SOURCE) $(LOCALES) $(OUTPUT) $(LANG_OPTIONS) $(SETTINGS) : $(UNIT_INPUTS)
$(shell mkdir -p $(MAKEDIR))
$(file >$(MAKEDIR)/key.new,$(UNITS_KEY))
$(shell cmp -s $(MAKEDIR)/key.new $(MAKEDIR)/key && rm -f $(MAKEDIR)/key.new \
          || mv -f $(MAKEDIR)/key.new $(MAKEDIR)/key)

.PHONY: all setup test lint pot update-po check report bench clean distclean
.DELETE_ON_ERROR:

all: setup units

# Make reads the unit list, making it first if needed; not for goals that need no units.
NO_UNITS := setup lint test bench bench-corpus distributed clean distclean pot update-po check report
ifneq ($(filter-out $(NO_UNITS),$(or $(MAKECMDGOALS),all)),)
include $(UNITS_MK)
endif

.PHONY: units
units: $(UNITS)

$(UNITS_MK): $(MAKEDIR)/key $(UNIT_INPUTS) | $(STAMP)
	$(PIPELINE) units --make $(LANG_OPTIONS) > $@.tmp && mv $@.tmp $@

# --- set-up -----------------------------------------------------------------

setup: $(STAMP) $(NODE_STAMP) $(BYTECODE)
	@sh tools/setup-system.sh

# The pipeline's own bytecode, written once: where PYTHONDONTWRITEBYTECODE is set (as on
# these machines) every build process would compile its ~50 modules again (~70 ms each).
$(BYTECODE): $(wildcard src/pipeline/*.py src/pipeline/*/*.py) | $(STAMP)
	$(VENV)/bin/python -m compileall -q src/pipeline
	touch $@

# The Kokoro voices come from npm (kokoro-js), checked against the sums pinned in
# kokoro_files.py, into $(VENV)/share/pipeline-kokoro/ with the model joined from its parts.
$(STAMP): pyproject.toml Makefile tools/setup-system.sh tools/kokoro_voices.py \
          src/pipeline/audio/kokoro_files.py
	@sh tools/setup-system.sh
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev,distributed]'
	$(VENV)/bin/python tools/kokoro_voices.py
	touch $@

BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	    -e '.[dev,distributed,bench]'
	touch $@

# No install scripts: puppeteer's would download a browser (Ace uses Debian's chromium)
# and vnu-jar's a JRE (Debian's is used).
$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json tools/setup-system.sh
	@sh tools/setup-system.sh
	cd $(NODE_DIR) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund \
	    --loglevel=error
	touch $@

# --- translation workflow -----------------------------------------------------

pot: | $(STAMP)
	$(PIPELINE) extract

update-po: pot
	$(PIPELINE) update

check: | $(STAMP)
	$(PIPELINE) check

report: | $(STAMP)
	$(PIPELINE) report

# --- quality ------------------------------------------------------------------

lint: | $(STAMP)
	$(VENV)/bin/ruff check src tests bench tools
	$(VENV)/bin/mypy

test: setup
	$(MAKE) --no-print-directory lint
	$(VENV)/bin/python -m pytest

# BENCH_ARGS="--langs es ar" for a quicker, partial run (see bench/run.py).
bench: setup $(BENCH_STAMP)
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

# --- many articles, many machines ------------------------------------------------

# The same units on Snakemake (workflow/Snakefile), with workflow/profiles/$(PROFILE):
# local, cluster-sim (each submission its own process: the cluster path, tested here),
# slurm and kubernetes (templates). SNAKEMAKE_ARGS passes more options, e.g. -n.
PROFILE ?= local
SNAKEMAKE_ARGS ?=
SNAKEMAKE_CONFIG = source=$(SOURCE) locales=$(LOCALES) output=$(OUTPUT) \
                   pipeline=$(VENV)/bin/pipeline $(if $(LANGS),langs="$(LANGS)") \
                   $(if $(SETTINGS),settings=$(SETTINGS))

.PHONY: distributed bench-corpus
distributed: setup
	$(VENV)/bin/snakemake --snakefile workflow/Snakefile \
	    --profile workflow/profiles/$(PROFILE) --config $(SNAKEMAKE_CONFIG) $(SNAKEMAKE_ARGS)

# make bench-corpus N=10: a library of N articles through make and Snakemake.
N ?= 10
bench-corpus: setup
	N=$(N) $(VENV)/bin/python bench/corpus.py

clean:
	find $(OUTPUT) -mindepth 1 ! -name .keep -delete

distclean: clean
	rm -rf $(VENV) .cache $(NODE_DIR)/node_modules
