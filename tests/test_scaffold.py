"""`course new-topic` (issue 19) on a throwaway course, and `course release` adding the check cell.

The scaffold is what every new topic starts from, so it is held to what the suite asks of a real
topic: a valid, lint-clean notebook whose reference earns full marks through the grading engine,
whose release hides the solution, scores 0 unanswered and ends with the check cell, and whose
mutant catalog holds wrong answers that each lose points.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import nbharness
import pytest
from test_cli import REPO, course, tiny_course

from autograder import cli, grading
from autograder.authoring import CHECK_CELL_SUFFIX

NEW = "09_example"
GRADE_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")  # as tests/test_notebooks.py


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory):
    """A course with the tiny topic 00_tiny, then `course new-topic 09_example` run on it."""
    root = tiny_course(tmp_path_factory.mktemp("scaffold"))
    shutil.copy(REPO / "pyproject.toml", root)  # `make lint` (ruff check .) reads its settings from here
    proc = course(root, "new-topic", NEW)
    return root, proc


@pytest.fixture(scope="module")
def root(scaffolded):
    return scaffolded[0]


@pytest.fixture(scope="module")
def released(root):
    """The notebook rebuilt without its check cell (as a script rebuild leaves it), then released."""
    path = grading.notebook_path(NEW, "source", root)
    nb = nbformat.read(str(path), as_version=4)
    nb.cells = [c for c in nb.cells if "check_my_work" not in nbharness.nbgrader_meta(c).get("grade_id", "")]
    nbformat.write(nb, str(path))
    first = course(root, "release", "09")
    again = course(root, "release", "09")
    return first, again


def source_nb(root: Path):
    return nbformat.read(str(grading.notebook_path(NEW, "source", root)), as_version=4)


def check_cells(nb) -> list:
    return [c for c in nb.cells if nbharness.nbgrader_meta(c).get("grade_id", "").endswith(CHECK_CELL_SUFFIX)]


# -- what new-topic writes -----------------------------------------------------------------------


def test_new_topic_creates_the_notebook_and_the_catalog(scaffolded):
    root, proc = scaffolded
    assert proc.returncode == 0, proc.stderr
    notebook, catalog = grading.notebook_path(NEW, "source", root), root / "tests" / "mutants" / f"{NEW}.py"
    assert f"created source/{NEW}/{NEW}.ipynb" in proc.stdout and f"created tests/mutants/{NEW}.py" in proc.stdout
    assert f"course release {NEW}" in proc.stdout and f"tests/mutation.py {NEW}" in proc.stdout
    assert max(len(line) for line in proc.stdout.splitlines()) <= 100
    assert notebook.is_file() and catalog.is_file()
    assert NEW in grading.assignments(root)  # the commands (release, grade, progress) see the topic


def test_new_notebook_has_the_course_shape(root):
    nb = source_nb(root)
    nbformat.validate(nb)
    assert nb.cells[0].source.startswith("# 09 · Example")
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert "import numpy as np" in setup.source and "from course.guard import call_without_torch" in setup.source
    answers = [c for c in nb.cells if nbharness.is_answer(c)]
    tests = nbharness.test_cells(nb)
    assert [nbharness.defined_functions(c.source) for c in answers] == [["square"]]
    assert "### BEGIN SOLUTION" in answers[0].source and '"""' in answers[0].source  # with its docstring
    hidden = tests[0].source.split("### BEGIN HIDDEN TESTS", 1)
    assert len(hidden) == 2 and "### END HIDDEN TESTS" in hidden[1]
    assert "call_without_torch(" in hidden[0], "the visible test calls the answer through the contract"
    assert "check_against_reference(" in hidden[1]
    for cell in nb.cells:
        meta = nbharness.nbgrader_meta(cell)
        if meta.get("grade") or meta.get("solution"):
            assert GRADE_ID.match(meta["grade_id"]), meta["grade_id"]
    assert nb.cells[-1] is check_cells(nb)[0] and f'check_my_work("{NEW}")' in nb.cells[-1].source


def test_new_topic_passes_lint(root):
    """`make lint` runs ruff on the notebooks too; the scaffold must not start a topic off failing it."""
    files = [f"source/{NEW}", f"tests/mutants/{NEW}.py"]
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", *files], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- the example question: its tests pass the reference and catch the catalog's mutants ---------


@pytest.fixture(scope="module")
def catalog(root) -> dict:
    ns: dict = {}
    path = root / "tests" / "mutants" / f"{NEW}.py"
    exec(compile(path.read_text(), str(path), "exec"), ns)
    return ns


@pytest.fixture(scope="module")
def reference_ns(root) -> dict:
    """The source notebook run in-process (its check cell left out: it would grade a saved file)."""
    ns: dict = {"__name__": "__main__"}
    nb = source_nb(root)
    for cell in nb.cells:
        if cell.cell_type == "code" and not any(cell is c for c in check_cells(nb)):
            exec(compile(cell.source, f"<{NEW}>", "exec"), ns)
    return ns


def run_tests_of(root: Path, ns: dict, function: str) -> list[BaseException | None]:
    """The test cells calling ``function``, each in a copy of ``ns``: None for a pass, else the error."""
    out = []
    for cell in nbharness.cells_testing(source_nb(root), function):
        try:
            exec(compile(cell.source, "<test>", "exec"), dict(ns))
            out.append(None)
        except Exception as exc:
            out.append(exc)
    return out


def test_reference_and_correct_alternatives_pass(root, reference_ns, catalog):
    assert run_tests_of(root, reference_ns, "square") == [None]
    assert catalog["EQUIVALENT"] == {}
    for function, alternatives in catalog["CORRECT"].items():
        for description, source in alternatives.items():
            with nbharness.substituted(reference_ns, source):
                assert run_tests_of(root, reference_ns, function) == [None], description


def test_every_mutant_fails_a_test(root, reference_ns, catalog):
    assert set(catalog["MUTANTS"]) == set(nbharness.graded_functions(source_nb(root)))
    assert len(catalog["MUTANTS"]["square"]) >= 3
    for function, mutants in catalog["MUTANTS"].items():
        for description, source in mutants.items():
            with nbharness.substituted(reference_ns, source):
                errors = run_tests_of(root, reference_ns, function)
            assert any(isinstance(e, AssertionError) for e in errors), f"mutant survives: {description}"


# -- course release adds the check cell ----------------------------------------------------------


def test_release_adds_the_lost_check_cell_once(root, released):
    first, again = released
    assert first.returncode == 0, first.stderr
    assert f"added the check-my-work cell to source/{NEW}/{NEW}.ipynb" in first.stdout
    assert f"updated release/{NEW}/{NEW}.ipynb" in first.stdout
    assert again.returncode == 0 and "up to date" in again.stdout and "check-my-work" not in again.stdout
    assert len(check_cells(source_nb(root))) == 1


def test_release_ends_with_the_check_cell_and_hides_the_solution(root, released):
    path = grading.notebook_path(NEW, "release", root)
    nb = nbformat.read(str(path), as_version=4)
    assert nb.cells[-1] is check_cells(nb)[0] and f'check_my_work("{NEW}")' in nb.cells[-1].source
    text = path.read_text()
    assert "BEGIN SOLUTION" not in text and "x * x" not in text
    assert "HIDDEN TESTS" not in text and "check_against_reference" not in text


def test_engine_gives_the_reference_full_marks_and_the_release_none(root, released, tmp_path):
    from autograder.autograde import grade_notebook

    course_dir = tmp_path / "course"
    reference = grade_notebook(grading.notebook_path(NEW, "source", root), NEW, course_dir=course_dir, repo=root)
    assert reference.auto_score == reference.auto_max == 1, reference.cells
    blank = grade_notebook(grading.notebook_path(NEW, "release", root), NEW, course_dir=course_dir, repo=root)
    assert blank.auto_score == 0 and blank.auto_max == 1


# -- names new-topic refuses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("9_short", "not a topic name"),
        ("09_Capital", "not a topic name"),
        ("09_two__underscores", "not a topic name"),
        ("example", "not a topic name"),
        (NEW, f"source/{NEW} exists already"),
        ("00_other", "number 00 is taken by 00_tiny"),
    ],
)
def test_bad_names_exit_2_and_write_nothing(root, monkeypatch, capsys, name, says):
    monkeypatch.setenv("COURSE_ROOT", str(root))
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert cli.main(["new-topic", name]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and says in err, err
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
