"""The nbgrader pipeline behind ``course release``, ``course grade`` and ``course demo``.

Everything runs through nbgrader's own API (``NbGraderAPI``) on a *course directory*: a
folder laid out as nbgrader expects (``source/``, ``release/``, ``submitted/``,
``autograded/``, ``feedback/``, ``gradebook.db``) with the course's configuration
(``autograder/nbgrader_config.py``). The repository itself is never used as a course
directory, so no gradebook or student work lands in the tracked tree.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR_RE = re.compile(r"^\d\d_[a-z0-9_]+$")


def _venv_on_path() -> None:
    """nbgrader runs ``alembic`` (gradebook migrations) as a program: find the one beside us."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


_venv_on_path()

# Kernels started by the course (grading, self-checks, the lab) use one BLAS/OpenMP thread. The
# notebooks' matrices are small, and with several kernels sharing a 2-core machine, multi-threaded
# OpenBLAS spends its time waiting: measured 4.4 s instead of 0.02 s for 160 small products.
# Kernels inherit this process's environment; a value the user set is kept.
SINGLE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
for _var, _value in SINGLE_THREAD_ENV.items():
    os.environ.setdefault(_var, _value)


class GradingError(RuntimeError):
    """nbgrader could not do what was asked; the message says what and what to do next."""


def repo_root() -> Path:
    """The course repository (``COURSE_ROOT`` overrides; used by the tests)."""
    root = Path(os.environ.get("COURSE_ROOT", REPO_ROOT)).resolve()
    if not (root / "source").is_dir() or not (root / "autograder" / "nbgrader_config.py").is_file():
        raise GradingError(
            f"{root} is not the course repository (no source/ or autograder/nbgrader_config.py); "
            "run the command from a clone of the course, or set COURSE_ROOT."
        )
    return root


def assignments(root: Path | None = None) -> list[str]:
    """Names of the topics in ``source/``, in course order (``01_...``, ``02_...``)."""
    root = root or repo_root()
    return sorted(
        p.name
        for p in (root / "source").iterdir()
        if p.is_dir() and NOTEBOOK_DIR_RE.match(p.name) and (p / f"{p.name}.ipynb").is_file()
    )


def notebook_path(assignment: str, kind: str = "source", root: Path | None = None) -> Path:
    """``source/<a>/<a>.ipynb`` or ``release/<a>/<a>.ipynb``."""
    return (root or repo_root()) / kind / assignment / f"{assignment}.ipynb"


@dataclass
class CellResult:
    """The grade of one graded cell of one submission."""

    grade_id: str
    kind: str  # "autograded", "manual"
    points: float | None  # None: not graded yet (manual cells before a human grades them)
    max_points: float
    message: str = ""  # the first error line (AssertionError message) of a failed test cell

    @property
    def status(self) -> str:
        if self.kind == "manual":
            return "manual"
        return "passed" if self.points == self.max_points else "failed"


@dataclass
class SubmissionResult:
    """One student's notebook, graded or not: the result model of every path that reports a grade
    (``course autograde``'s grades.csv and summary, Check my work, Validate, ``course grade``,
    ``course progress``).

    status: "graded"; "needs manual grading" (the written answers wait for a person); "ungradable"
    (``reason`` says why); for a learner's workspace also "not started", "missing" and "error".
    score: the gradebook's total, late penalty applied, when the result comes from a class gradebook.
    """

    student: str
    assignment: str
    cells: list[CellResult] = field(default_factory=list)
    status: str = "graded"
    reason: str = ""
    score: float | None = None

    @classmethod
    def from_dict(cls, data: dict) -> SubmissionResult:
        """The inverse of ``dataclasses.asdict`` (a result read back from JSON)."""
        return cls(**{**data, "cells": [CellResult(**c) for c in data.get("cells", [])]})

    @property
    def graded(self) -> bool:
        return self.status in ("graded", "needs manual grading")

    @property
    def max_score(self) -> float:
        return self.auto_max + self.manual_max

    @property
    def manual_score(self) -> float | None:
        """Points of the written answers; None while one of them waits for a person."""
        manual = [c.points for c in self.cells if c.kind == "manual"]
        return None if any(p is None for p in manual) else sum(manual)

    @property
    def auto_score(self) -> float:
        return sum(c.points or 0 for c in self.cells if c.kind == "autograded")

    @property
    def auto_max(self) -> float:
        return sum(c.max_points for c in self.cells if c.kind == "autograded")

    @property
    def manual_max(self) -> float:
        return sum(c.max_points for c in self.cells if c.kind == "manual")


def config_text(repo: Path, db_url: str | None = None) -> str:
    """nbgrader_config.py for a course directory: the course's config plus local settings."""
    lines = [
        "# Written by the `course` command: the course configuration plus this directory's settings.",
        "c = get_config()  # noqa: F821",
        f"exec(compile(open({str(repo / 'autograder' / 'nbgrader_config.py')!r}).read(), 'nbgrader_config', 'exec'))",
    ]
    if db_url:
        lines.append(f"c.CourseDirectory.db_url = {db_url!r}")
    return "\n".join(lines) + "\n"


class CourseDir:
    """An nbgrader course directory made for one job (a release, a grade, a class)."""

    def __init__(self, path: str | Path, repo: Path | None = None, db_url: str | None = None):
        self.path = Path(path).resolve()
        self.repo = repo or repo_root()
        self.path.mkdir(parents=True, exist_ok=True)
        self.db_url = db_url or f"sqlite:///{self.path / 'gradebook.db'}"
        (self.path / "nbgrader_config.py").write_text(config_text(self.repo, db_url))
        self._api = None

    # -- nbgrader --------------------------------------------------------------------------
    @property
    def api(self):
        if self._api is None:
            from nbgrader.apps import NbGraderAPI
            from nbgrader.coursedir import CourseDirectory
            from traitlets.config.loader import PyFileConfigLoader

            config = PyFileConfigLoader("nbgrader_config.py", path=str(self.path)).load_config()
            config.CourseDirectory.root = str(self.path)
            config.CourseDirectory.db_url = self.db_url
            coursedir = CourseDirectory(config=config)
            self._api = NbGraderAPI(coursedir=coursedir, config=config)
            _quiet(self._api.log)
        return self._api

    def _run(self, what: str, fn, *args, **kwargs) -> dict:
        with quiet_output():
            result = fn(*args, **kwargs)
        if not result.get("success"):
            log = result.get("log", "") + result.get("error", "")
            raise GradingError(f"nbgrader {what} failed:\n{_tail(log)}")
        return result

    def add_source(self, assignment: str) -> None:
        """Copy the instructor notebook (and its folder's files) into this course directory."""
        src = self.repo / "source" / assignment
        if not src.is_dir():
            raise GradingError(f"no topic {assignment!r} in {self.repo / 'source'}; known: {assignments(self.repo)}")
        dst = self.path / "source" / assignment
        if dst.exists():
            shutil.rmtree(dst)
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))

    def generate(self, assignment: str) -> Path:
        """``nbgrader generate_assignment``: the student version and the gradebook entry."""
        self.add_source(assignment)
        self._run("generate_assignment", self.api.generate_assignment, assignment, force=True, create=True)
        return self.path / "release" / assignment

    def submit(self, student: str, assignment: str, notebook: str | Path) -> Path:
        """Place a notebook as ``submitted/<student>/<assignment>/<assignment>.ipynb``."""
        dst = self.path / "submitted" / student / assignment / f"{assignment}.ipynb"
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, dst)
        return dst

    def autograde(self, assignment: str, student: str) -> SubmissionResult:
        """``nbgrader autograde`` one submission and read its grades back."""
        self._run(f"autograde ({student})", self.api.autograde, assignment, student, force=True, create=True)
        return self.results(assignment, student)

    def feedback(self, assignment: str, student: str) -> Path:
        """``nbgrader generate_feedback``: the HTML report (hidden test code is not in it)."""
        self._run(f"generate_feedback ({student})", self.api.generate_feedback, assignment, student, force=True)
        return self.path / "feedback" / student / assignment / f"{assignment}.html"

    # -- results -----------------------------------------------------------------------------
    def results(self, assignment: str, student: str) -> SubmissionResult:
        """Grades from the gradebook, in notebook order, with each failed test's message."""
        from nbgrader.api import Gradebook

        autograded = self.path / "autograded" / student / assignment / f"{assignment}.ipynb"
        order, messages = cell_order_and_messages(autograded)
        with Gradebook(self.db_url) as gb:
            nb = gb.find_submission_notebook(assignment, assignment, student)
            cells = []
            for g in nb.grades:
                kind = "autograded" if g.cell_type == "code" and not g.needs_manual_grade else "manual"
                if g.cell_type == "markdown":
                    kind = "manual"
                points = g.score if kind == "autograded" else (g.manual_score if g.manual_score is not None else None)
                cells.append(CellResult(g.name, kind, points, g.max_score, messages.get(g.name, "")))
        cells.sort(key=lambda c: order.get(c.grade_id, 10**6))
        return SubmissionResult(student, assignment, cells)


def cell_order_and_messages(path: Path) -> tuple[dict[str, int], dict[str, str]]:
    order, messages = {}, {}
    if not path.is_file():
        return order, messages
    import nbformat  # here, not at the top: `course --help` must not wait for nbformat's schemas

    nb = nbformat.read(str(path), as_version=4)
    for i, cell in enumerate(nb.cells):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if not gid:
            continue
        order[gid] = i
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                messages[gid] = f"{out.get('ename', 'Error')}: {out.get('evalue', '')}".strip()
                break
    return order, messages


def _tail(text: str, n: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-n:])


def _quiet(log: logging.Logger) -> None:
    log.setLevel(logging.WARNING)
    log.propagate = False


@contextlib.contextmanager
def quiet_output():
    """nbgrader's apps print progress to the console; the course commands print their own."""
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield sink


# -- release -----------------------------------------------------------------------------------
def release(assignment: str, workdir: Path, repo: Path | None = None) -> list[Path]:
    """Regenerate ``release/<assignment>/`` from ``source/<assignment>/`` with nbgrader.

    The student version is generated in ``workdir`` (a throwaway course directory) and then
    copied over the repository's ``release/<assignment>/``. Returns the files that changed.
    """
    repo = repo or repo_root()
    cd = CourseDir(workdir, repo)
    generated = cd.generate(assignment)
    target = repo / "release" / assignment
    changed = []
    wanted = {p.relative_to(generated) for p in generated.rglob("*") if p.is_file()}
    if target.exists():
        for p in sorted(target.rglob("*")):
            if p.is_file() and p.relative_to(target) not in wanted:
                p.unlink()
                changed.append(p)
    for rel in sorted(wanted):
        src, dst = generated / rel, target / rel
        data = src.read_bytes()
        if dst.suffix == ".ipynb":
            data = _normalise_notebook(data)
        if not dst.is_file() or dst.read_bytes() != data:
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(data)
            changed.append(dst)
    return changed


def _normalise_notebook(data: bytes) -> bytes:
    """Stable, diffable JSON as nbformat writes it (sorted keys, one-space indent) with a final newline."""
    import nbformat

    return (nbformat.writes(nbformat.reads(data.decode("utf-8"), as_version=4)) + "\n").encode("utf-8")
