"""Shared fixtures: one throwaway nbgrader course directory per topic, graded once per session."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("MPLBACKEND", "Agg")
# Before NumPy is imported here: the in-process notebook runs use the same single BLAS thread
# as the grading kernels (see autograder.grading.SINGLE_THREAD_ENV).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
# Check my work, `course grade` and `course progress` keep a course directory in the learner's cache: the
# tests use one of their own per process (so per xdist worker), never the user's.
if "COURSE_CACHE" not in os.environ:
    import tempfile

    os.environ["COURSE_CACHE"] = tempfile.mkdtemp(prefix="course-cache-")
# ... and grade in the caller's process: no warm grader (autograder.warm) outlives a test, but in
# tests/test_warm.py, which starts its own.
os.environ.setdefault("COURSE_WARM", "0")

import nbharness  # noqa: E402

from autograder.grading import CourseDir  # noqa: E402


class GradedTopic:
    """A topic's reference and blank (the release, unanswered) notebooks graded by the course's engine
    (``course autograde``, two at a time), and on demand by stock nbgrader (``stock()``, the oracle)."""

    def __init__(self, assignment: str, workdir: Path):
        import shutil

        from autograder.autograde import autograde

        self.assignment, self.workdir = assignment, workdir
        self.notebooks = {
            "reference": nbharness.ROOT / "source" / assignment / f"{assignment}.ipynb",
            "blank": nbharness.ROOT / "release" / assignment / f"{assignment}.ipynb",
        }
        folder = workdir / "class"
        for student, path in self.notebooks.items():
            (folder / student).mkdir(parents=True)
            shutil.copy(path, folder / student / path.name)
        with open(os.devnull, "w") as quiet:
            self.run = autograde(
                assignment, folder, workdir / "course", jobs=2, repo=nbharness.ROOT, out=quiet, progress=False
            )
        self.course = CourseDir(workdir / "course", nbharness.ROOT)
        self.release_dir = self.course.path / "release" / assignment
        self.reference = self.course.results(assignment, "reference")
        self.blank = self.course.results(assignment, "blank")
        self._stock = None

    def autograded_notebook(self, student: str):
        import nbformat

        path = self.course.path / "autograded" / student / self.assignment / f"{self.assignment}.ipynb"
        return nbformat.read(str(path), as_version=4)

    def feedback_page(self, student: str) -> Path:
        return self.course.path / "feedback" / student / self.assignment / f"{self.assignment}.html"

    def stock(self) -> dict:
        """{student: SubmissionResult} of stock ``nbgrader autograde``, one notebook at a time (the oracle)."""
        if self._stock is None:
            stock = nbharness.stock_course_dir(self.workdir / "stock", nbharness.ROOT)
            stock.generate(self.assignment)
            self._stock = {}
            for student, path in self.notebooks.items():
                stock.submit(student, self.assignment, path)
                self._stock[student] = stock.autograde(self.assignment, student)
        return self._stock


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """graded(assignment) -> GradedTopic, computed once per topic per test session."""
    cache: dict[str, GradedTopic] = {}

    def get(assignment: str) -> GradedTopic:
        if assignment not in cache:
            cache[assignment] = GradedTopic(assignment, tmp_path_factory.mktemp(f"course_{assignment}"))
        return cache[assignment]

    return get


@pytest.fixture(scope="session")
def namespaces():
    """namespaces(assignment) -> the namespace of the source notebook run in-process, once."""
    cache: dict[str, dict] = {}

    def get(assignment: str) -> dict:
        if assignment not in cache:
            cache[assignment] = nbharness.run_in_process(assignment)
        return cache[assignment]

    return get


# make test runs the suite on two pytest-xdist workers (-n 2 --dist loadgroup). The tests of one topic
# that use its session fixtures (mutants, seeds, contracts, notebooks) form one group, so only one worker
# runs that topic's notebook in-process (namespaces, about 10 s a topic) and grades it (graded, about
# 40 s); every other test goes to whichever worker is free. (Before xdist's own hook, which reads the groups.)
_IN_PROCESS_FILES = ("test_mutants.py", "test_contracts.py", "test_seeds", "test_notebooks.py")


# The other files keep their tests on one worker each: their module fixtures (the sandbox corpus, a tiny
# course, a JupyterLab server) are built once, not once per worker.
# pytest is pinned below 9.2: there xdist 3.8's groups have no effect (xdist writes the group into
# ``item._nodeid``, which pytest 9.2 no longer reads), and every fixture above would be built on both workers.
# tests/test_packaging.py::test_xdist_groups_take_effect fails if that comes back.


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    topics = nbharness.topics()
    for item in items:
        group = item.path.name
        if item.path.name.startswith(_IN_PROCESS_FILES):
            group = next((t for t in topics if t in item.nodeid), group)
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "serial: looks at the whole machine (the sandbox users' processes, mounted kernel homes) while it "
        "grades, so make test runs it after the parallel run, alone",
    )
