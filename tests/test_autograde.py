"""``course autograde``: a small class graded in parallel, checked against stock nbgrader.

Most cases use a tiny throwaway course (kernels start in a second); notebook 01 is graded only
to check that the real course grades the same way in parallel as one at a time.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import zipfile
from pathlib import Path

import nbformat
import nbharness
import pytest

from autograder import authoring as A
from autograder import grading
from autograder.autograde import autograde
from autograder.submissions import collect_folder

REPO = Path(__file__).resolve().parent.parent
TOPIC = "00_tiny"
NB = f"{TOPIC}.ipynb"
TIMEOUT = 8  # seconds per submission: the looping hand-in is stopped after this
# Hidden test code: none of these may appear in a student's feedback.
HIDDEN_CODE = ["square(-2)", "cube(-1)", "BEGIN HIDDEN TESTS"]


def tiny_course(root: Path) -> Path:
    """A course repository with one tiny topic: two answers, two test cells, a written answer."""
    (root / "autograder").mkdir(parents=True)
    shutil.copy(REPO / "autograder" / "nbgrader_config.py", root / "autograder")
    cells = [
        A.md("# Tiny"),
        A.code("import math"),
        A.answer("square", "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"),
        A.tests(
            "test_square",
            2,
            "assert square(3) == 9, 'square(3) should be 9'\n### BEGIN HIDDEN TESTS\n"
            "assert square(-2) == 4, 'wrong for a negative number'\n### END HIDDEN TESTS",
        ),
        A.answer("cube", "def cube(x):\n    ### BEGIN SOLUTION\n    return x ** 3\n    ### END SOLUTION"),
        A.tests(
            "test_cube",
            3,
            "assert cube(2) == 8, 'cube(2) should be 8'\n### BEGIN HIDDEN TESTS\n"
            "assert cube(-1) == -1, 'the sign of the cube is wrong'\n### END HIDDEN TESTS",
        ),
        A.manual("why", 1, "Why?\n\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION"),
    ]
    A.write_notebook(cells, root / "source" / TOPIC / NB, "tiny")
    return root


def answered(release: dict, **answers: str) -> dict:
    """The released notebook with the named answer cells replaced."""
    nb = copy.deepcopy(release)
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell["source"] = answers[gid]
    return nb


CORRECT = {
    "square": "def square(x):\n    return x * x",
    "cube": "def cube(x):\n    return x ** 3",
    "why": "Because a square is a product.",  # the written answer: graded by a person later
}


def put(folder: Path, student: str, nb: dict | None, name: str = NB, raw: str | None = None) -> None:
    d = folder / student
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_text(raw if raw is not None else json.dumps(nb))


def make_class(folder: Path, release: dict) -> dict[str, str]:
    """The class; returns {student: what the hand-in is}."""
    put(folder, "alice", answered(release, **CORRECT))
    put(folder, "bob", release)  # blank
    put(folder, "carol", answered(release, **{**CORRECT, "cube": "def cube(x):\n    return x * x * abs(x)"}))
    put(folder, "dave", None, raw='{"cells": [')  # malformed JSON
    put(folder, "erin", answered(release, **CORRECT), name="tiny.ipynb")  # wrong file name
    put(folder, "frank", answered(release, **{**CORRECT, "cube": "while True:\n    pass"}))  # loops
    put(folder, "gina", answered(release, **CORRECT))
    put(folder, "gina", answered(release, **CORRECT), name="00_tiny-Copy1.ipynb")  # two notebooks
    # a kernel that dies (os._exit) is graded up to that cell: tests/test_sandbox.py
    return {"alice": "correct", "bob": "blank", "carol": "wrong cube"}


GRADABLE = ["alice", "bob", "carol"]
REASONS = {
    "dave": "malformed notebook",
    "erin": "wrong file name",
    "frank": "timeout",
    "gina": "2 notebooks",
}


def gradebook_scores(course_dir: Path, db_url: str | None = None) -> dict[str, dict[str, float]]:
    """{student: {grade_id: auto score}} for every submission of TOPIC in a gradebook."""
    from nbgrader.api import Gradebook

    db_url = db_url or f"sqlite:///{course_dir / 'gradebook.db'}"
    out = {}
    with Gradebook(db_url) as gb:
        for sub in gb.find_assignment(TOPIC).submissions:
            nb = gb.find_submission_notebook(TOPIC, TOPIC, sub.student.id)
            out[sub.student.id] = {g.name: g.auto_score for g in nb.grades}
    return out


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The tiny course repository, its released notebook, and the class folder."""
    root = tiny_course(tmp_path_factory.mktemp("repo"))
    old = os.environ.get("COURSE_ROOT")
    os.environ["COURSE_ROOT"] = str(root)
    release_dir = tmp_path_factory.mktemp("release")
    cd = grading.CourseDir(release_dir / "cd", root)
    release = json.loads((cd.generate(TOPIC) / NB).read_text())
    folder = tmp_path_factory.mktemp("class")
    make_class(folder, release)
    yield {"root": root, "release": release, "class": folder, "tmp": tmp_path_factory}
    if old is None:
        os.environ.pop("COURSE_ROOT", None)
    else:
        os.environ["COURSE_ROOT"] = old


@pytest.fixture(scope="module")
def klass(course):
    """The class graded once with --jobs 2."""
    cd = course["tmp"].mktemp("graded") / "course"
    result = autograde(TOPIC, course["class"], cd, jobs=2, timeout=TIMEOUT, repo=course["root"], progress=False)
    return result, cd


@pytest.fixture(scope="module")
def stock(course):
    """The gradable hand-ins graded one at a time with stock nbgrader autograde (same config)."""
    cd = nbharness.stock_course_dir(course["tmp"].mktemp("stock") / "course", course["root"])
    cd.generate(TOPIC)
    for student in GRADABLE:
        cd.submit(student, TOPIC, course["class"] / student / NB)
        cd.autograde(TOPIC, student)
    return gradebook_scores(cd.path)


def test_parallel_grades_identical_to_stock_nbgrader_one_at_a_time(klass, stock):
    result, cd = klass
    ours = gradebook_scores(cd)
    assert sorted(ours) == GRADABLE, f"gradebook students: {sorted(ours)}, expected {GRADABLE}"
    assert ours == stock
    assert stock["alice"] == {"test_square": 2, "test_cube": 3, "why": None}  # why: for a person to grade
    assert stock["bob"] == {"test_square": 0, "test_cube": 0, "why": 0}  # blank: no answer scores 0
    assert stock["carol"] == {"test_square": 2, "test_cube": 0, "why": None}


def test_every_ungradable_hand_in_has_its_reason_and_the_exit_status_says_so(klass):
    result, cd = klass
    status = {o.student: (o.status, o.reason) for o in result.outcomes}
    assert set(status) == set(GRADABLE) | set(REASONS)
    for student in GRADABLE:
        assert status[student] == ("graded", ""), status[student]
    for student, reason in REASONS.items():
        assert status[student][0] == "ungradable" and status[student][1].startswith(reason), status[student]
    assert result.exit_status == 1
    text = (cd / "reports" / TOPIC / "summary.txt").read_text()
    for student, reason in REASONS.items():
        assert any(line.strip().startswith(f"{student}  ") and reason in line for line in text.splitlines()), text


def test_grades_csv_lists_the_whole_class(klass):
    result, cd = klass
    with (cd / "reports" / TOPIC / "grades.csv").open() as fh:
        rows = {r["student"]: r for r in csv.DictReader(fh)}
    assert list(next(iter(rows.values()))) == ["student", "score", "max_score", "status", "reason"]
    assert {s: rows[s]["score"] for s in GRADABLE} == {"alice": "5", "bob": "0", "carol": "2"}
    assert {rows[s]["max_score"] for s in rows} == {"6"}  # 5 autograded + 1 written
    assert rows["alice"]["status"] == "needs manual grading"  # the written answer
    for student, reason in REASONS.items():
        assert rows[student]["status"] == "ungradable" and rows[student]["score"] == ""
        assert rows[student]["reason"].startswith(reason)


def test_per_question_summary_and_plots(klass):
    result, cd = klass
    text = (cd / "reports" / TOPIC / "summary.txt").read_text()
    lines = {line.split()[0]: line.split() for line in text.splitlines() if line.startswith(("square ", "cube "))}
    # question, points, passed, wrong, not attempted (bob's blank), mean:
    # square: alice and carol pass; cube: only alice passes, carol's is wrong
    assert lines["square"] == ["square", "2", "2", "(67%)", "0", "1", "1.33"], lines["square"]
    assert lines["cube"] == ["cube", "3", "1", "(33%)", "1", "1", "1.00"], lines["cube"]
    assert "the sign of the cube is wrong" in text  # carol's failing hidden test, by its message
    for name in ("score_histogram.png", "pass_rate.png"):
        data = (cd / "reports" / TOPIC / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, name


def test_feedback_for_every_graded_student_without_hidden_tests(klass):
    result, cd = klass
    for student in GRADABLE:
        html = (cd / "feedback" / student / TOPIC / f"{TOPIC}.html").read_text()
        assert "square(3) should be 9" in html  # the visible test is there
        for code in HIDDEN_CODE:
            assert code not in html, f"{student}'s feedback shows hidden test code {code!r}"
    for student in REASONS:
        assert not (cd / "feedback" / student).exists()


def test_feedback_is_what_nbgrader_generate_feedback_writes(klass, tmp_path):
    """autograder.feedback writes the page nbgrader would: same text, same tags and attributes."""
    from bs4 import BeautifulSoup

    result, cd = klass
    course = grading.CourseDir(cd, REPO)
    student = "carol"  # a wrong answer: error outputs, messages
    ours = (cd / "feedback" / student / TOPIC / f"{TOPIC}.html").read_text()
    saved = tmp_path / "ours.html"
    saved.write_text(ours)
    stock = course.feedback(TOPIC, student).read_text()  # nbgrader generate_feedback, overwriting ours
    a, b = BeautifulSoup(ours, "html.parser"), BeautifulSoup(stock, "html.parser")
    assert a.get_text(" ", strip=True) == b.get_text(" ", strip=True)

    def tags(soup):
        return [(t.name, sorted((k, str(v)) for k, v in t.attrs.items())) for t in soup.find_all(True)]

    assert tags(a) == tags(b)


def test_autograded_notebooks_written_and_submissions_untouched(course, klass):
    result, cd = klass
    for student in GRADABLE:
        nb = nbformat.read(cd / "autograded" / student / TOPIC / NB, as_version=4)
        assert all(c.execution_count for c in nb.cells if c.cell_type == "code"), f"{student}: not executed"
    # the hand-ins are byte for byte what was handed in
    again = course["tmp"].mktemp("again")
    make_class(again, course["release"])
    for f in again.rglob("*"):
        if f.is_file():
            assert (course["class"] / f.relative_to(again)).read_bytes() == f.read_bytes(), f


def test_rerun_grades_only_changed_hand_ins_and_the_newest_wins(course, klass):
    result, cd = klass
    rerun_dir = course["tmp"].mktemp("rerun") / "course"
    shutil.copytree(cd, rerun_dir)
    folder = course["tmp"].mktemp("class2")
    shutil.copytree(course["class"], folder, dirs_exist_ok=True)
    put(folder, "carol", answered(course["release"], **CORRECT))  # carol resubmits, now right
    put(folder, "alice", None, raw="not a notebook")  # alice's newest hand-in is broken
    mtime = (rerun_dir / "autograded" / "bob" / TOPIC / NB).stat().st_mtime_ns
    state_file = rerun_dir / "autograde" / TOPIC / "state.json"
    state = json.loads(state_file.read_text())  # as if dave's kernel had not started (not his fault)
    state["students"]["dave"]["reason"] = "could not be graded: PermissionError: python"
    state_file.write_text(json.dumps(state))

    again = autograde(TOPIC, folder, rerun_dir, jobs=2, timeout=TIMEOUT, repo=course["root"], progress=False)
    handled = sorted(o.student for o in again.outcomes if o.this_run)
    assert handled == ["alice", "carol", "dave"]  # changed, changed, and a failure worth retrying
    scores = gradebook_scores(rerun_dir)
    assert scores["carol"]["test_cube"] == 3  # the resubmission replaced the earlier grade
    assert "alice" not in scores  # newest wins: her earlier grade is gone, not kept beside
    assert again.removed == ["alice"]
    assert (rerun_dir / "autograded" / "bob" / TOPIC / NB).stat().st_mtime_ns == mtime  # bob untouched
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{rerun_dir / 'gradebook.db'}") as gb:
        assert [s.student.id for s in gb.find_assignment(TOPIC).submissions].count("carol") == 1


def test_force_grades_everything_again(course, klass):
    result, cd = klass
    forced_dir = course["tmp"].mktemp("forced") / "course"
    shutil.copytree(cd, forced_dir)
    folder = course["tmp"].mktemp("gradable")
    for student in GRADABLE:
        shutil.copytree(course["class"] / student, folder / student)
    again = autograde(
        TOPIC, folder, forced_dir, jobs=2, timeout=TIMEOUT, force=True, repo=course["root"], progress=False
    )
    assert sorted(o.student for o in again.outcomes if o.this_run) == GRADABLE
    assert gradebook_scores(forced_dir) == gradebook_scores(cd)
    assert len(again.outcomes) == len(result.outcomes)  # the report still covers the whole class


def test_lms_zip_newest_attempt_wins(course):
    release = course["release"]
    tmp = course["tmp"].mktemp("zip")
    archive = tmp / "download.zip"
    wrong = answered(release, **{**CORRECT, "square": "def square(x):\n    return 2 * x"})
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"ivan_attempt_2024-01-01-10-00-00_{NB}", json.dumps(answered(release, **CORRECT)))
        z.writestr(f"ivan_attempt_2024-01-02-09-30-00_{NB}", json.dumps(wrong))  # newer: this one counts
        z.writestr(f"julia_{NB}", json.dumps(answered(release, **CORRECT)))
        z.writestr("notes.ipynb", json.dumps(release))  # no student id in the name
    before = archive.read_bytes()
    cd = tmp / "course"
    result = autograde(TOPIC, archive, cd, jobs=2, timeout=TIMEOUT, repo=course["root"], progress=False)
    scores = gradebook_scores(cd)
    assert sorted(scores) == ["ivan", "julia"]
    assert scores["ivan"]["test_square"] == 0 and scores["julia"]["test_square"] == 2
    status = {o.student: (o.status, o.reason) for o in result.outcomes}
    assert status["notes"][0] == "ungradable" and "file name not understood" in status["notes"][1]
    assert (cd / "submitted" / "ivan" / TOPIC / "timestamp.txt").read_text().startswith("2024-01-02 09:30:00")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{cd / 'gradebook.db'}") as gb:
        assert str(gb.find_submission(TOPIC, "ivan").timestamp).startswith("2024-01-02 09:30:00")
    assert archive.read_bytes() == before


def test_execution_is_a_pure_function_of_hand_in_and_reference(course, klass, tmp_path):
    """The worker's step needs only the task: it runs from a copy of the reference bundle, far from the
    course directory, and writes neither the class gradebook nor the bundle (any executor can run it)."""
    import dataclasses
    import hashlib

    from autograder.autograde import build_reference
    from autograder.worker import Task, execute_submission

    result, cd = klass
    ref = build_reference(grading.CourseDir(cd, course["root"]), TOPIC)
    bundle = shutil.copytree(ref.path, tmp_path / "elsewhere")
    ref = dataclasses.replace(ref, path=str(bundle))

    def digest(path):
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()

    before = digest(cd / "gradebook.db"), digest(bundle / "gradebook.db")
    files = {NB: json.dumps(answered(course["release"], **CORRECT)).encode()}
    out = execute_submission(Task("zoe", files, ref, timeout=TIMEOUT))
    assert out.problem is None, out.problem
    nb = nbformat.reads(out.notebook, as_version=4)
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")
    assert (digest(cd / "gradebook.db"), digest(bundle / "gradebook.db")) == before
    assert "db_url" not in ref.config.CourseDirectory  # a worker is never told where the class gradebook is


def test_collect_folder_flags_names_without_running_anything(course, tmp_path):
    put(tmp_path, "x", course["release"], name="00_TINY.ipynb")
    put(tmp_path, "y", course["release"])
    (tmp_path / "y" / "data.csv").write_text("1,2\n")
    (tmp_path / "z").mkdir()
    subs = {s.student: s for s in collect_folder(tmp_path, NB)}
    assert subs["x"].problem.startswith("wrong file name: 00_TINY.ipynb")
    assert subs["y"].problem is None and sorted(subs["y"].files) == [NB, "data.csv"]
    assert subs["z"].problem == f"no notebook: expected {NB}, found nothing"


def test_cli_exit_status(course, tmp_path, capfd):
    from autograder.cli import main

    good = tmp_path / "good"
    put(good, "alice", answered(course["release"], **CORRECT))
    assert main(["autograde", TOPIC, str(good), "--course-dir", str(tmp_path / "cd"), "--jobs", "1"]) == 0
    out, err = capfd.readouterr()  # (file descriptors: the kernels' own output too)
    assert "Graded 1 of 1 submission(s)" in out and "grades.csv" in out
    # the kernels print nothing on the instructor's terminal (ipykernel's "ipython kernel" banner)
    assert "ipython kernel" not in out + err and "--existing" not in out + err, out + err
    # nothing to grade: 2, and it says why (1 is "some submissions could not be graded", above)
    assert main(["autograde", TOPIC, str(tmp_path / "missing"), "--course-dir", str(tmp_path / "cd")]) == 2
    assert "missing does not exist" in capfd.readouterr().err


def test_fresh_kernels_grade_the_same_as_forked_ones(course, tmp_path, capfd):
    """``--fresh-kernels`` reaches the kernels (nothing preloaded there) and changes no grade."""
    from autograder import zygote
    from autograder.cli import main

    folder = tmp_path / "class"
    probe = "import sys\nprint('PRELOADED', 'torch' in sys.modules)\n"
    put(folder, "alice", answered(course["release"], **{**CORRECT, "square": probe + CORRECT["square"]}))
    put(folder, "bob", answered(course["release"], square=probe + "def square(x):\n    return 2 * x"))
    seen = {}
    for mode, flags in (("forked", []), ("fresh", ["--fresh-kernels"])):
        cd = tmp_path / mode
        assert main(["autograde", TOPIC, str(folder), "--course-dir", str(cd), "--jobs", "2", *flags]) == 0
        text = (cd / "autograded" / "alice" / TOPIC / NB).read_text()
        seen[mode] = ("PRELOADED True" in text, "PRELOADED False" in text)
        seen[mode + " scores"] = gradebook_scores(cd)
        seen[mode + " says"] = capfd.readouterr().out
    assert "kernels: each started from scratch" in seen["fresh says"]
    assert "kernels: forked from one process per job" in seen["forked says"] or not zygote.supported()
    assert seen["forked scores"] == seen["fresh scores"]
    assert seen["forked scores"]["alice"]["test_square"] == 2 and seen["forked scores"]["bob"]["test_square"] == 0
    assert seen["fresh"] == (False, True)
    assert seen["forked"] == ((True, False) if zygote.supported() else (False, True))


# -- PostgreSQL ------------------------------------------------------------------------------------
def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL server on 127.0.0.1 (Debian's postgresql, installed by scripts/setup.sh)."""
    import subprocess
    import tempfile

    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed: run scripts/setup.sh as root")
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="course-pg-"))
    if os.geteuid() == 0:  # initdb and the server refuse to run as root
        import pwd

        user = "postgres" if "postgres" in {p.pw_name for p in pwd.getpwall()} else "nobody"
        shutil.chown(base, user)
        as_user = ["runuser", "-u", user, "--"]
    data, port = base / "data", _free_port()

    def run(*cmd):
        return subprocess.run([*as_user, *cmd], check=True, capture_output=True, text=True, timeout=120)

    run(initdb, "-D", str(data), "-U", "grader", "--auth=trust", "--no-sync")
    run(
        pg_ctl,
        "-D",
        str(data),
        "-l",
        str(base / "server.log"),
        "-w",
        "-t",
        "60",
        "start",
        "-o",
        f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off",
    )
    try:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user="grader", dbname="postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE gradebook")
        yield f"postgresql://grader@127.0.0.1:{port}/gradebook"
    finally:
        run(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def test_postgresql_gradebook_same_grades_as_sqlite(course, klass, postgres):
    result, cd = klass
    pg_dir = course["tmp"].mktemp("pg") / "course"
    pg = autograde(
        TOPIC, course["class"], pg_dir, jobs=2, timeout=TIMEOUT, db_url=postgres, repo=course["root"], progress=False
    )
    assert not (pg_dir / "gradebook.db").exists()  # everything went to the server
    assert gradebook_scores(pg_dir, postgres) == gradebook_scores(cd)
    assert [(o.student, o.status) for o in pg.outcomes] == [(o.student, o.status) for o in result.outcomes]
    # the course directory remembers its gradebook: a re-run without --db-url uses the server again
    again = autograde(TOPIC, course["class"], pg_dir, jobs=2, timeout=TIMEOUT, repo=course["root"], progress=False)
    assert not any(o.this_run for o in again.outcomes) and not (pg_dir / "gradebook.db").exists()


