# make        set up (venv, pip packages, Debian packages) and build every output
# make test   set up and run the tests
#
# Overridable: SOURCE=source LOCALES=locales OUTPUT=output LANGS="en es ..."

SOURCE  ?= source
LOCALES ?= locales
OUTPUT  ?= output
VENV    ?= .venv
PYTHON  ?= python3

STAMP    := $(VENV)/.installed
PIPELINE := $(VENV)/bin/pipeline --source $(SOURCE) --locales $(LOCALES) --output $(OUTPUT)

SLUGS := $(sort $(basename $(notdir $(wildcard $(SOURCE)/*.md))))
# The source language, read from the front matter without needing the venv.
SOURCE_LANG := $(subst -,_,$(firstword $(shell sed -n 's/^lang:[[:space:]]*//p' \
                 $(wildcard $(SOURCE)/*.md))))
CATALOG_LANGS := $(foreach s,$(SLUGS),$(patsubst $(LOCALES)/%/LC_MESSAGES/$(s).po,%,\
                   $(wildcard $(LOCALES)/*/LC_MESSAGES/$(s).po)))
# The source language first: its Piper book is the longest job, so under -j2 it
# starts at once and the other languages build beside it.
LANGS ?= $(SOURCE_LANG) $(filter-out $(SOURCE_LANG),$(sort $(CATALOG_LANGS)))

CORE_CODE  := $(wildcard src/pipeline/*.py)
PRINT_CODE := $(CORE_CODE) $(wildcard src/pipeline/print/*)
AUDIO_CODE := $(CORE_CODE) $(wildcard src/pipeline/audio/*) $(wildcard pipeline.toml)

PDFS := $(foreach l,$(LANGS),$(foreach s,$(SLUGS),$(OUTPUT)/$(l)/$(s).pdf))
MP3S := $(foreach l,$(LANGS),$(foreach s,$(SLUGS),$(OUTPUT)/$(l)/$(s).mp3))

.PHONY: all setup pdf audio test lint pot update-po check report bench clean distclean
.DELETE_ON_ERROR:

all: setup $(MP3S) $(PDFS)

pdf: $(PDFS)
audio: $(MP3S)

# --- set-up -----------------------------------------------------------------

setup: $(STAMP)
	@sh tools/setup-system.sh

$(STAMP): pyproject.toml tools/setup-system.sh
	@sh tools/setup-system.sh
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# --- outputs: one rule per language and article ------------------------------

# $(1) language, $(2) slug: what a build of that pair reads.
inputs = $(SOURCE)/$(2).md $(wildcard $(SOURCE)/images/*) \
         $(wildcard $(LOCALES)/$(1)/LC_MESSAGES/$(2).po $(LOCALES)/$(1)/LC_MESSAGES/pipeline.po)

define output_rules
$(OUTPUT)/$(1)/$(2).pdf: $(call inputs,$(1),$(2)) $(PRINT_CODE) | $(STAMP)
	$(PIPELINE) pdf --lang $(1) $(2)

$(OUTPUT)/$(1)/$(2).mp3: $(call inputs,$(1),$(2)) $(wildcard $(LOCALES)/$(1)/lexicon.tsv) \
                         $(AUDIO_CODE) | $(STAMP)
	$(PIPELINE) audio --lang $(1) $(2)
endef
$(foreach l,$(LANGS),$(foreach s,$(SLUGS),$(eval $(call output_rules,$(l),$(s)))))

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

bench: setup
	$(VENV)/bin/python bench/run.py

clean:
	find $(OUTPUT) -mindepth 1 ! -name .keep -delete

distclean: clean
	rm -rf $(VENV) .cache
