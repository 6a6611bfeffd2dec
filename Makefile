# The two commands of the README. Each creates (or reuses) the isolated environment in .venv.
#   make demo   the main job: release the notebooks, grade a small class, print the grades
#   make test   the whole test suite (what CI runs through .ci/run)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test setup lint bench bench-distributed suite-times mutate seeds oracle clean-venv

demo: $(STAMP)
	$(VENV)/bin/course demo

# Two pytest-xdist workers (the machines have two cores; tests/conftest.py keeps a notebook's tests on one
# worker), then the tests marked serial, alone. The mutation run grades every 8th mutant here (`make
# mutate`: all of them), 2 seeds (`make seeds`: 100), and stock nbgrader, the oracle, grades one topic
# (`make oracle`: every topic).
JOBS ?= 2
COURSE_MUTATION_SAMPLE ?= 8
COURSE_SEEDS ?= 2
export COURSE_MUTATION_SAMPLE COURSE_SEEDS
test: $(STAMP)
	$(PY) -m pytest -n $(JOBS) --dist loadgroup -m "not serial" --junitxml=test-artifacts/junit-parallel.xml $(PYTEST_ARGS)
	$(PY) -m pytest -m serial --junitxml=test-artifacts/junit-serial.xml $(PYTEST_ARGS) || [ $$? -eq 5 ]  # 5: no serial test selected

setup: $(STAMP)

# Reinstalled only when the dependency lists change. torch is pinned to the CPU build that
# these machines carry on disk (any other spec pulls the CUDA build).
$(STAMP): pyproject.toml scripts/setup.sh
	PYTHON=$(PYTHON) bash scripts/setup.sh $(VENV)
	touch $(STAMP)

lint: $(STAMP)
	$(PY) -m ruff check .

# The automatic mutation run over every notebook's reference solutions (tests/mutation.py): a table
# per notebook. `make test` runs it for the notebooks built with the method (tests/test_mutation.py).
mutate: $(STAMP)
	$(PY) tests/mutation.py $(TOPICS)

# The reference and every correct alternative (CORRECT in tests/mutants/) pass the hidden tests
# whatever Hypothesis draws, and training runs pass for every seed: 100 seeds (make test tries 3).
seeds: $(STAMP)
	COURSE_SEEDS=100 $(PY) -m pytest -q tests/test_seeds.py tests/test_seeds_*.py

# Stock `nbgrader autograde` grades every topic's reference and unanswered notebook: the engine must agree.
oracle: $(STAMP)
	COURSE_ORACLE=all $(PY) -m pytest -q -n $(JOBS) --dist loadgroup tests/test_notebooks.py -k engine_grades

bench: $(STAMP)
	$(PY) bench/notebooks.py

# Grading a class on a Dask cluster on this machine (1 and 2 worker processes) next to local --jobs 2.
bench-distributed: $(STAMP)
	$(PY) bench/distributed.py

# Where the last `make test` spent its time, per test file (from test-artifacts/junit-*.xml).
suite-times:
	$(PY) bench/suite.py

clean-venv:
	rm -rf $(VENV)
