# 电商运营实战 · two commands do all set-up on a fresh machine (Python >= 3.11, make):
#   make lab    install (once) and open the course in JupyterLab, in Simplified Chinese
#   make test   install (once) and run the whole test suite
#   make hub    (as root) the class's JupyterHub: demo class, or ROSTER=名单.xlsx WORKSPACE=/srv/...
# Both are idempotent: the virtualenv is reinstalled only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
HUB_PORT ?= 8000
# two workers (CI has two cores); tests/conftest.py's scheduler keeps a graded class or a server on one
# worker, splits the settings variants and the browser day by module, and queues the longest groups first
PYTEST_ARGS ?= -n 2 --dist loadfile --no-loadscope-reorder --durations=15

.PHONY: lab hub test lint install check-settings teacher-material check-notebooks strip data bench clean-classroom

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade --quiet pip
	$(BIN)/python -m pip install --quiet -e ".[test,hub]"
	@touch $(STAMP)

install: $(STAMP) jupyter-settings

# JupyterLab in Simplified Chinese, no news or update pop-ups (settings override
# shipped in jupyter/overrides.json, installed into the virtualenv's share dir)
.PHONY: jupyter-settings
jupyter-settings: $(STAMP)
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json

lab: install
	$(BIN)/python -m course.settings
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --ServerApp.port=$(PORT) \
		$$( [ "$$(id -u)" = "0" ] && echo --allow-root ) \
		$${LAB_ARGS}

# the class's JupyterHub (grading/hub/README.md): without ROSTER a demo class in
# /srv/ecom-ops/demo; a real class: make hub ROSTER=名单.xlsx WORKSPACE=/srv/ecom-ops/班级名
hub: install
	$(BIN)/python -m grading hub up --port $(HUB_PORT) \
		$(if $(ROSTER),--roster "$(ROSTER)") $(if $(WORKSPACE),--workspace "$(WORKSPACE)") $${HUB_ARGS}

# lint first (seconds): ruff's rules and its formatter, pinned in pyproject.toml
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# the settings file, then the derived files (templates, red lines, glossary, schedule,
# data) that no longer match it; teacher-material rewrites those (course/teacher/rebuild.py)
check-settings: install
	$(BIN)/python -m course.teacher.rebuild --check

teacher-material: install
	$(BIN)/python -m course.teacher.rebuild

check-notebooks: install
	$(BIN)/python -m grading check

strip: install
	$(BIN)/python -m grading strip

bench: install
	$(BIN)/python benchmarks/run_all.py

# regenerate the classroom dataset from the seed and scale in course/settings.yaml
data: install
	$(BIN)/python -m datasets.generate

clean-classroom:
	rm -rf classroom
