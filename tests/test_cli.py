"""The `course` command on a tiny throwaway course (fast, independent of the real notebooks)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder import authoring as A

REPO = Path(__file__).resolve().parent.parent
TOPIC = "00_tiny"


def tiny_course(root: Path) -> Path:
    (root / "autograder").mkdir(parents=True)
    shutil.copy(REPO / "autograder" / "nbgrader_config.py", root / "autograder")
    cells = [
        A.md("# Tiny"),
        A.code("import numpy as np\nfrom course.checks import check_close"),
        A.answer(
            "tiny_double",
            'def double(x):\n    """Twice x."""\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION',
        ),
        A.tests(
            "tiny_double_values",
            2,
            "check_close('double(3)', double(3.0), 6.0)\n### BEGIN HIDDEN TESTS\n"
            "check_close('double(-7.5)', double(-7.5), -15.0)\n### END HIDDEN TESTS",
        ),
        A.manual("tiny_explain", 1, "### BEGIN SOLUTION\nDoubling is adding x to itself.\n### END SOLUTION"),
    ]
    A.write_notebook(cells, root / "source" / TOPIC / f"{TOPIC}.ipynb", "tiny")
    (root / "tests" / "mutants").mkdir(parents=True)
    (root / "tests" / "mutants" / f"{TOPIC}.py").write_text(
        "MUTANTS = {'double': {'squared': 'def double(x):\\n    return x * x\\n'}}\n"
    )
    return root


@pytest.fixture(scope="module")
def course_root(tmp_path_factory):
    return tiny_course(tmp_path_factory.mktemp("tiny"))


def course(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**__import__("os").environ, "COURSE_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], capture_output=True, text=True, env=env)


def test_release_is_stable(course_root):
    first = course(course_root, "release")
    assert first.returncode == 0, first.stderr
    assert "updated release/00_tiny/00_tiny.ipynb" in first.stdout
    released = course_root / "release" / TOPIC / f"{TOPIC}.ipynb"
    before = released.read_bytes()
    again = course(course_root, "release", "00")
    assert again.returncode == 0 and "up to date" in again.stdout
    assert released.read_bytes() == before
    assert b"BEGIN SOLUTION" not in before and b"double(-7.5)" not in before


def test_grade_prints_a_table_without_hidden_code(course_root, tmp_path):
    course(course_root, "release")
    nb = nbformat.read(str(course_root / "release" / TOPIC / f"{TOPIC}.ipynb"), as_version=4)
    for cell in nb.cells:
        if "def double" in cell.source:
            cell.source = "def double(x):\n    return x + 2\n"  # right at x = 2 only
    mine = tmp_path / f"{TOPIC}.ipynb"
    nbformat.write(nb, str(mine))
    proc = course(course_root, "grade", str(mine))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    lines = out.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("question")))
    assert "0/2 autograded points · 1 failed" in "\n".join(lines[:header]), "the total comes first"
    assert "Written answers: 1 more point," in "\n".join(lines[:header])
    row = next(line for line in lines if line.startswith("double "))  # no "Question N" here: the function
    assert "0/2" in row and row.endswith("failed"), out
    assert "double(3) does not match" in out and "got 5, expected 6" in out
    assert "tiny_explain" in out and "graded by hand" in out
    assert "double(-7.5)" not in out, "hidden test code must not be printed"
    assert lines[0].startswith("Grading ") and max(len(line) for line in lines[1:]) <= 100, out  # the table


def test_grade_counts_an_unanswered_question_as_not_attempted(course_root, tmp_path):
    """The released notebook, untouched: its stub raises NotImplementedError, which is not a wrong
    answer to explain (issue 20: it showed as a red failure with `NotImplementedError:`)."""
    course(course_root, "release")
    mine = tmp_path / f"{TOPIC}.ipynb"
    shutil.copy(course_root / "release" / TOPIC / f"{TOPIC}.ipynb", mine)
    proc = course(course_root, "grade", str(mine))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "0/2 autograded points · 1 not attempted" in out, out
    row = next(line for line in out.splitlines() if line.startswith("double "))
    assert "0/2" in row and row.endswith("not attempted"), out
    assert "NotImplementedError" not in out and "failed" not in out, out


def test_grade_refuses_a_wrong_file_name_with_advice(course_root, tmp_path):
    wrong = tmp_path / "my_homework.ipynb"
    shutil.copy(course_root / "source" / TOPIC / f"{TOPIC}.ipynb", wrong)
    proc = course(course_root, "grade", str(wrong))
    assert proc.returncode == 2
    assert "not a course notebook" in proc.stderr and "00_tiny.ipynb" in proc.stderr


def test_grade_reports_a_malformed_notebook(course_root, tmp_path):
    broken = tmp_path / f"{TOPIC}.ipynb"
    broken.write_text('{"cells": [')
    proc = course(course_root, "grade", str(broken))
    assert proc.returncode == 1
    assert "could not be graded" in proc.stderr


def test_unknown_topic_lists_the_topics(course_root):
    proc = course(course_root, "release", "99_nope")
    assert proc.returncode == 1 and "00_tiny" in proc.stderr


def test_clean_strips_outputs(course_root, tmp_path):
    path = tmp_path / "dirty.ipynb"
    nb = nbformat.read(str(course_root / "source" / TOPIC / f"{TOPIC}.ipynb"), as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="hi")]
    nb.cells[1].execution_count = 3
    nb.metadata["widgets"] = {"x": 1}
    nbformat.write(nb, str(path))
    proc = course(course_root, "clean", str(path))
    assert proc.returncode == 0 and "cleaned" in proc.stdout
    clean = nbformat.read(str(path), as_version=4)
    assert clean.cells[1].outputs == [] and clean.cells[1].execution_count is None
    assert set(clean.metadata) == {"kernelspec", "language_info"}
    assert course(course_root, "clean", str(path)).stdout.strip().endswith(": clean")


def test_demo_end_to_end(tmp_path, capsys):
    """`make demo` (course demo): release, a class of three graded by course autograde, as expected."""
    from autograder.demo import run_demo

    assert run_demo(tmp_path) == 0
    out = capsys.readouterr().out
    assert "as expected: reference = full marks, untouched = 0, typical mistakes in between" in out
    for student in ("reference", "untouched", "typical_mistakes"):
        assert (tmp_path / "course" / "feedback" / student).is_dir()
    assert (tmp_path / "course" / "reports").is_dir()
    # README.md shows this table: it must be what the demo prints (the seconds aside)
    readme = (REPO / "README.md").read_text().split("`make demo` (about a minute)", 1)[1]
    shown = readme.split("```\n", 2)[1].splitlines()
    printed = out.splitlines()
    start = next((i for i, line in enumerate(printed) if line.startswith("== Grades for")), None)
    assert start is not None, out

    def same(line: str) -> str:
        return re.sub(r"\(\d+ s;", "(N s;", line.rstrip())

    assert [same(line) for line in printed[start : start + len(shown)]] == [same(line) for line in shown], out


def test_demo_without_topics_runs_the_first_topic_only(monkeypatch):
    """`make demo` promises one topic: with no topic named the demo gets run_demo's default (the first
    topic), not every topic; a named topic is passed on."""
    import autograder.demo
    from autograder import cli

    calls = []
    monkeypatch.setattr(autograder.demo, "run_demo", lambda workdir=None, topics=None: calls.append(topics) or 0)
    assert cli.main(["demo"]) == 0
    assert cli.main(["demo", "02"]) == 0
    assert calls == [None, ["02_logistic_softmax"]]


def test_help_and_usage_errors_do_not_wait_for_the_grading_libraries():
    """`course --help` and a mistyped command answer at once (issue 19: they took 2-3 s, importing
    nbformat, whose jsonschema builds a grammar at import time)."""
    code = (
        "import sys\n"
        "from autograder import cli\n"
        "for argv in (['--help'], ['nonsense']):\n"
        "    try:\n"
        "        cli.main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = sorted(m for m in ('nbformat', 'jsonschema', 'nbgrader', 'numpy', 'torch') if m in sys.modules)\n"
        "print('heavy:', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "heavy: []" in out.stdout, out.stdout + out.stderr


def test_a_ctrl_c_that_lands_in_a_finalizer_stops_the_run_once_and_silently(capfd):
    """Python prints "Exception ignored ... KeyboardInterrupt" and loses the interrupt when Ctrl+C lands in a
    weakref callback during garbage collection (seen once in the Ctrl+C test): course autograde delivers it
    again at the next line, prints nothing of it, and ignores further presses while it stops."""
    import signal
    import weakref

    from autograder.autograde import one_ctrl_c

    class Thing:
        pass

    def finalizer(_ref):
        raise KeyboardInterrupt  # as the signal handler does when the main thread is in here

    caught = False
    # as in a terminal: a run in the background (an xdist worker) ignores SIGINT, and one_ctrl_c leaves it so
    ignored = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with one_ctrl_c() as ctrl_c:
            try:
                thing = Thing()
                ref = weakref.ref(thing, finalizer)
                del thing  # the callback runs now; its KeyboardInterrupt is "unraisable"
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:  # the interrupt arrives here, in the run's own code
                    pass
            except KeyboardInterrupt:
                caught = True
                ctrl_c.delivered = True
                signal.raise_signal(signal.SIGINT)  # a second press while stopping: ignored
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored
    finally:
        signal.signal(signal.SIGINT, ignored)
    assert caught and ref() is None
    assert "Traceback" not in capfd.readouterr().err


def test_a_workers_ctrl_c_in_a_finalizer_prints_no_traceback(capfd, monkeypatch):
    """The workers get the terminal's Ctrl+C too: one that lands in a finalizer must not print a traceback."""
    import weakref

    from autograder.worker import quiet_ctrl_c_in_finalizers

    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)
    quiet_ctrl_c_in_finalizers()
    quiet_ctrl_c_in_finalizers()  # once per process, however often a job starts

    class Thing:
        pass

    def finalizer(_ref):
        raise KeyboardInterrupt

    thing = Thing()
    ref = weakref.ref(thing, finalizer)
    del thing
    assert ref() is None
    assert "KeyboardInterrupt" not in capfd.readouterr().err

    def other(_ref):
        raise ValueError("a real bug in a finalizer")

    thing = Thing()
    ref = weakref.ref(thing, other)
    del thing
    assert "ValueError: a real bug in a finalizer" in capfd.readouterr().err  # still reported
