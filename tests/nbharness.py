"""Test harness shared by the notebook tests: read notebooks, run them in-process, mutants.

Running a notebook in-process (``exec`` of its code cells in one namespace) is how mutants are
checked cheaply: the reference solution runs once per notebook, then each mutant is defined in
that namespace in place of the solution and only the test cells that call the function run again.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import signal
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
MUTANTS_DIR = ROOT / "tests" / "mutants"


def topics() -> list[str]:
    from autograder.grading import assignments

    return assignments(ROOT)


# Every notebook is built with the method of the hidden-tests issue (contracts on every call, property
# checks against the reference, a mutation score): the suite holds each topic in source/ to it.
METHOD_TOPICS = topics()


def read(assignment: str, kind: str = "source") -> nbformat.NotebookNode:
    return nbformat.read(str(ROOT / kind / assignment / f"{assignment}.ipynb"), as_version=4)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer(cell) -> bool:
    m = nbgrader_meta(cell)
    return cell.cell_type == "code" and m.get("solution", False) and not m.get("grade", False)


def is_test(cell) -> bool:
    m = nbgrader_meta(cell)
    return cell.cell_type == "code" and m.get("grade", False) and not m.get("solution", False)


def defined_functions(source: str) -> list[str]:
    """Top-level ``def`` names in a cell."""
    return [n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]


def referenced_names(source: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)}


def graded_functions(nb) -> dict[str, str]:
    """{function name: grade_id of the answer cell defining it} for every autograded answer."""
    out = {}
    for cell in nb.cells:
        if is_answer(cell):
            for name in defined_functions(cell.source):
                if not name.startswith("_"):
                    out[name] = nbgrader_meta(cell)["grade_id"]
    return out


def test_cells(nb) -> list:
    return [c for c in nb.cells if is_test(c)]


def cells_testing(nb, function: str) -> list:
    """The test cells that call ``function`` (by name)."""
    return [c for c in test_cells(nb) if function in referenced_names(c.source)]


class CellTimeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float):
    def _raise(signum, frame):
        raise CellTimeout(f"took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def notebook_context(assignment: str):
    """cwd = the notebook's folder, Agg backend, no warnings, output captured."""
    from autograder.judge import in_folder

    os.environ.setdefault("MPLBACKEND", "Agg")
    sink = io.StringIO()
    with in_folder(ROOT / "source" / assignment), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield


def run_in_process(assignment: str, nb=None) -> dict:
    """Execute every code cell of the source notebook in one namespace; return the namespace.

    Raises the first error with the failing cell's grade_id.
    """
    nb = nb or read(assignment)
    ns: dict = {"__name__": "__main__", "display": lambda *a, **k: None}
    with notebook_context(assignment):
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            try:
                exec(compile(cell.source, f"<{assignment} cell {i}>", "exec"), ns)
            except Exception as exc:
                gid = nbgrader_meta(cell).get("grade_id", f"cell {i}")
                raise RuntimeError(f"{assignment}: cell {gid} failed in-process: {exc!r}") from exc
    return ns


@dataclass
class CellOutcome:
    grade_id: str
    error: BaseException | None

    @property
    def passed(self) -> bool:
        return self.error is None


def run_test_cells(assignment: str, ns: dict, cells, seconds: float = 60) -> list[CellOutcome]:
    """Run test cells in a copy of ``ns`` (their own assignments do not leak between cells)."""
    outcomes = []
    with notebook_context(assignment):
        for cell in cells:
            gid = nbgrader_meta(cell)["grade_id"]
            try:
                with time_limit(seconds):
                    exec(compile(cell.source, f"<{gid}>", "exec"), dict(ns))
                outcomes.append(CellOutcome(gid, None))
            except Exception as exc:  # a failing test: what we want for a mutant
                outcomes.append(CellOutcome(gid, exc))
    return outcomes


def load_mutants(assignment: str) -> dict[str, dict[str, str]]:
    """``tests/mutants/<assignment>.py``: MUTANTS = {function: {description: source}}."""
    return load_catalog(assignment, "MUTANTS")


def load_catalog(assignment: str, name: str):
    """Another table of ``tests/mutants/<assignment>.py``: ``CORRECT`` (other correct implementations,
    {function: {description: source}}) or ``EQUIVALENT`` ({mutant id: reason}); empty if absent."""
    path = MUTANTS_DIR / f"{assignment}.py"
    ns: dict = {}
    if path.is_file():
        exec(compile(path.read_text(), str(path), "exec"), ns)
    return dict(ns.get(name, {}))


@contextlib.contextmanager
def substituted(ns: dict, source: str):
    """Define ``source`` (a mutant) in ``ns``; put the original names back afterwards."""
    names = [n for n in defined_functions(source)]
    saved = {n: ns[n] for n in names if n in ns}
    exec(compile(source, "<mutant>", "exec"), ns)
    try:
        yield
    finally:
        for n in names:
            if n in saved:
                ns[n] = saved[n]
            else:
                ns.pop(n, None)


# -- the same test cells through the judge (autograder.judge), as `course autograde` runs them --------
_JUDGES: dict[str, tuple] = {}


def _judge_for(assignment: str):
    """A Judge whose fixtures have all run (once per assignment), and the namespace they made."""
    from autograder.judge import Judge, script_of

    if assignment not in _JUDGES:
        script = script_of(read(assignment))
        judge = Judge(script, ROOT / "source" / assignment)
        with notebook_context(assignment):
            last = [c["grade_id"] for c in script["cells"] if c["kind"] == "test"][-1]
            judge.prepare(last)
        _JUDGES[assignment] = (judge, dict(judge.ns))
    return _JUDGES[assignment]


def run_test_cells_judged(assignment: str, ns: dict, cells, seconds: float = 60) -> list[CellOutcome]:
    """Run test cells in the judge; the student's side is ``ns`` behind ``autograder.probe``'s server.

    The same wire as in grading (a socket pair instead of a kernel's Unix socket): what a mutant
    returns reaches the test only as data, so a test that passes here passes in `course autograde`.
    """
    import socket
    import threading

    from autograder import probe, wire

    judge, fixtures = _judge_for(assignment)
    outcomes = []
    with notebook_context(assignment):
        for cell in cells:
            gid = nbgrader_meta(cell)["grade_id"]
            judge.ns = dict(fixtures)
            judge.position = judge.tests[gid]
            a, b = socket.socketpair()

            server = threading.Thread(target=probe.serve_connected, args=(b, "token", ns), daemon=True)
            server.start()
            try:
                assert wire.recv(a) == {"op": "hello", "token": "token"}
                with time_limit(seconds):
                    verdict = judge.run_test(gid, a)
                wire.send(a, {"op": "end"})
            finally:
                server.join(5)
                a.close()
            error = None
            if verdict.error is not None:
                error = AssertionError(f"{verdict.error[0]}: {verdict.error[1]}")
            outcomes.append(CellOutcome(gid, error))
    return outcomes


# The oracle: nbgrader's own autograde steps (with its Execute), not the course's configured GradingExecute.
STOCK_AUTOGRADE = (
    "\n# the oracle: nbgrader's own autograde steps\n"
    "from nbgrader.converters import Autograde as _Autograde\n"
    "c.Autograde.autograde_preprocessors = _Autograde.class_traits()[\"autograde_preprocessors\"].default()\n"
)


def stock_course_dir(path, repo):
    """An nbgrader course directory with the course's configuration, but nbgrader's own Execute."""
    from autograder.grading import CourseDir

    cd = CourseDir(path, repo)
    with open(cd.path / "nbgrader_config.py", "a") as f:
        f.write(STOCK_AUTOGRADE)
    return cd
