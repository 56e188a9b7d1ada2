# Local development and CI entry points. `make run` and `make test` work from a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := contracts chassis devkit survey-svc ingest-svc analysis-svc demo
PRESENT := $(strip $(foreach p,$(PACKAGES),$(if $(wildcard $(p)/pyproject.toml),$(p))))
TEST_TOOLS := "pytest>=8" "pytest-timeout>=2.3" "playwright>=1.45" "schemathesis>=4.0"
# pip and the packages' build backend, locked too (pip >=25.3 has --build-constraint)
BUILD_TOOLS := "pip>=25.3" "setuptools>=68"
# The lock: exact third-party pins for everything above, `make lock` refreshes it (see README)
LOCK := constraints.txt
UV := uv==0.13.9
LOCAL_NAMES = $(foreach p,$(PRESENT),$(shell sed -n 's/^name = "\(.*\)"/\1/p' $(p)/pyproject.toml))
KAFKA_LIBS := .cache/kafka-libs
empty :=
space := $(empty) $(empty)
INSTALL_STAMP := $(VENV)/.installed-$(subst $(space),+,$(PRESENT))

.PHONY: help install lock assets system-deps kafka run test clean

help:
	@echo "make run          run the whole suite locally (Kafka, mail catcher, three services)"
	@echo "make test         install everything and run every test tier (what CI runs; PYTEST_ARGS=...)"
	@echo "make install      .venv with the packages present and the test tools, at the lock's versions"
	@echo "make lock         refresh $(LOCK) after a dependency change (UPGRADE=1: every pin to the newest allowed)"
	@echo "make assets       npm packages (govuk-frontend, chart.js, axe-core) into node_modules"
	@echo "make kafka        resolve the Kafka broker jars into $(KAFKA_LIBS)"
	@echo "make system-deps  apt-get install whatever is missing (chromium, postgresql, request-tracker5, ...)"
	@echo "make clean        remove .venv, caches, node_modules and var/"

install: $(INSTALL_STAMP)

$(INSTALL_STAMP): $(LOCK) $(foreach p,$(PRESENT),$(p)/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -c $(LOCK) $(BUILD_TOOLS)
	@# compat mode: folders named like the packages at the repo root must not shadow them;
	@# each package's optional `test` extra carries its own test-only dependencies
	$(BIN)/python -m pip install -q --config-settings editable_mode=compat \
		-c $(LOCK) --build-constraint $(LOCK) \
		$(foreach p,$(PRESENT),-e "./$(p)[test]") $(TEST_TOOLS)
	rm -f $(VENV)/.installed-*
	touch $@

# One resolution for every package, its `test` extra, the test and build tools, for Linux and Python
# 3.11+ (markers keep the rest). Existing pins are kept unless UPGRADE=1; the local packages are
# left out, so the file is a plain pip constraints file of third-party pins.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "$(UV)"
	printf '%s\n' $(foreach p,$(PRESENT),"-e ./$(p)[test]") $(TEST_TOOLS) $(BUILD_TOOLS) \
		| $(BIN)/uv pip compile - -q --universal --python-version 3.11 -o $(LOCK) \
		--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) \
		$(foreach n,$(LOCAL_NAMES),--no-emit-package $(n))
	! grep -nE '^(-e|[^#]*file:)' $(LOCK)

assets: node_modules/.assets-stamp

node_modules/.assets-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-deps:
	bash infra/scripts/system-deps.sh

kafka: $(KAFKA_LIBS)/.complete

$(KAFKA_LIBS)/.complete: infra/kafka/pom.xml
	rm -rf $(KAFKA_LIBS)
	mvn -B -q -f infra/kafka/pom.xml package
	touch $@

run: install assets kafka
	$(BIN)/devkit run

test: system-deps install assets kafka
	bash infra/scripts/test.sh $(PYTEST_ARGS)

clean:
	-$(BIN)/devkit kafka stop 2>/dev/null
	-$(BIN)/devkit pg stop 2>/dev/null
	-$(BIN)/devkit rt stop 2>/dev/null
	rm -rf $(VENV) .cache node_modules var .pytest_cache test-artifacts
