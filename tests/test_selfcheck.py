"""The "check my work" cell and `course progress`, on the tiny course of test_cli (fast, independent
of the real notebooks), with real nbgrader where grading is the point."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from labserver import tiny_selfstudy_course
from test_cli import TOPIC, course

from autograder import authoring, grading, lab, report, selfcheck
from autograder.nbgrader_ext import DropSelfCheck

REPO = Path(__file__).resolve().parent.parent
RIGHT = "def double(x):\n    return 2 * x\n"
HIDDEN_WRONG = "def double(x):\n    return abs(2 * x)\n"  # passes the visible test, fails the hidden one


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return tiny_selfstudy_course(tmp_path_factory.mktemp("selfstudy") / "course")


def student_copy(root: Path, folder: Path, answer: str | None = None, name: str = f"{TOPIC}.ipynb") -> Path:
    """The released notebook saved in ``folder``, with ``answer`` in the answer cell."""
    nb = nbformat.read(str(grading.notebook_path(TOPIC, "release", root)), as_version=4)
    for cell in nb.cells:
        if answer is not None and "def double" in cell.source:
            cell.source = answer
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / name))
    return folder / name


def check_in(folder: Path, course_root: Path, **env) -> str:
    """Run check_my_work as a plain Python process in ``folder`` (the text report)."""
    env = {**{k: v for k, v in os.environ.items() if k != "JPY_SESSION_NAME"}, "COURSE_ROOT": str(course_root), **env}
    code = f"from course.selfcheck import check_my_work; check_my_work({TOPIC!r})"
    proc = subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# -- the cell ----------------------------------------------------------------------------------


def test_check_cell_is_locked_last_and_added_once(tmp_path):
    path = tmp_path / f"{TOPIC}.ipynb"
    authoring.write_notebook([authoring.md("# T"), authoring.code("x = 1")], path, "t")
    assert authoring.add_check_cell(path) is True
    before = path.read_bytes()
    assert authoring.add_check_cell(path) is False and path.read_bytes() == before
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    last = nb.cells[-1]
    meta = last.metadata.nbgrader
    assert last.cell_type == "code" and meta["locked"] and not meta["grade"] and not meta["solution"]
    assert meta["grade_id"].endswith("_check_my_work") and last.id == meta["grade_id"]
    assert f'check_my_work("{TOPIC}")' in last.source
    assert nb.cells[-2].cell_type == "markdown" and "Save the notebook first" in nb.cells[-2].source


def test_release_keeps_the_check_cell_and_no_solution(root):
    text = grading.notebook_path(TOPIC, "release", root).read_text()
    assert "check_my_work(" in text and "tiny_check_my_work" in text
    assert "BEGIN SOLUTION" not in text and "double(-7.5)" not in text


def test_autograder_config_keeps_nbgrader_sanitize_steps_and_adds_drop_self_check():
    from nbgrader.converters import Autograde
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO / "autograder")).load_config()
    steps = config.Autograde.sanitize_preprocessors
    default = Autograde.class_traits()["sanitize_preprocessors"].default()
    defaults = [f"{p.__module__.rsplit('.', 1)[0]}.{p.__name__}" for p in default]
    ours = {"autograder.nbgrader_ext.DropSelfCheck", "autograder.nbgrader_ext.ForgetDuplicates"}
    assert [s for s in steps if s not in ours] == defaults
    assert steps.index("autograder.nbgrader_ext.DropSelfCheck") > steps.index("nbgrader.preprocessors.OverwriteCells")
    # ForgetDuplicates cleans up after DeduplicateIds, before OverwriteCells reads the metadata
    dedup, forget = (
        steps.index("nbgrader.preprocessors.DeduplicateIds"),
        steps.index("autograder.nbgrader_ext.ForgetDuplicates"),
    )
    assert forget == dedup + 1 and forget < steps.index("nbgrader.preprocessors.OverwriteCells")


def test_drop_self_check_blanks_only_the_check_cell():
    cells = [authoring.code("x = 1", grade_id="t_setup"), *authoring.check_my_work_cells(TOPIC, "t")]
    nb = nbformat.from_dict({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    nb.cells[-1].outputs = [nbformat.v4.new_output("stream", text="old table")]
    nb, _ = DropSelfCheck().preprocess(nb, {})
    assert nb.cells[0].source == "x = 1"
    assert f'check_my_work("{TOPIC}")' not in nb.cells[-1].source and nb.cells[-1].outputs == []
    assert "Save the notebook first" in nb.cells[-2].source  # markdown untouched


def test_autograder_never_runs_the_check_cell_even_when_edited(root, tmp_path):
    """Real nbgrader: full marks, and neither the cell nor a learner's edit of it runs (no recursion)."""
    nb = nbformat.read(str(student_copy(root, tmp_path / "me", RIGHT)), as_version=4)
    marker = tmp_path / "check_cell_ran"
    nb.cells[-1].source += f"\nopen({str(marker)!r}, 'w').write('ran')"
    edited = tmp_path / f"{TOPIC}.ipynb"
    nbformat.write(nb, str(edited))
    cd = grading.CourseDir(tmp_path / "course_dir", root)
    cd.generate(TOPIC)
    cd.submit("learner", TOPIC, edited)
    result = cd.autograde(TOPIC, "learner")
    assert result.auto_score == result.auto_max == 2
    assert not marker.exists(), "the autograder ran the check cell"
    graded = nbformat.read(str(cd.path / "autograded" / "learner" / TOPIC / f"{TOPIC}.ipynb"), as_version=4)
    check = graded.cells[-1]
    assert check.source.startswith("# check_my_work() runs in your own copy only") and check.outputs == []


# -- check_my_work ------------------------------------------------------------------------------


def test_check_my_work_grades_the_saved_file_with_the_hidden_tests(root, tmp_path):
    folder = tmp_path / "ws"
    student_copy(root, folder, HIDDEN_WRONG)
    out = check_in(folder, root)
    assert "graded with the hidden tests" in out and "as saved at" in out
    lines = out.splitlines()
    row = next(line for line in lines if line.startswith("double "))  # the function: no "Question N" here
    assert "0/2" in row and row.endswith("failed"), out  # the visible test alone would have passed
    total = next(i for i, line in enumerate(lines) if "0/2 autograded points · 1 failed" in line)
    assert total < lines.index(row), "the total comes first"
    assert max(len(line) for line in lines) <= 100, out
    assert "does not match the expected value" in out
    assert "tiny_explain" in out and "graded by hand" in out
    assert "check_close(" not in out and "HIDDEN TESTS" not in out, "hidden test code must not be shown"


def test_without_hidden_tests_it_reports_the_visible_tests(root, tmp_path):
    """A class copy: no source/ here. The saved outputs say what the visible tests said."""
    folder = tmp_path / "class"
    path = student_copy(root, folder, HIDDEN_WRONG)
    nb = nbformat.read(str(path), as_version=4)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "tiny_double_values")
    test.execution_count = 3
    test.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="double(3) is off", traceback=[])]
    nbformat.write(nb, str(path))
    no_source = tmp_path / "installed"
    (no_source / "autograder").mkdir(parents=True)
    out = check_in(folder, no_source)
    assert "hidden tests are not available here" in out and "Your instructor grades the hidden tests" in out
    assert "AssertionError: double(3) is off" in out and "1 failed" in out
    assert "tiny_explain" in out and "by hand" in out
    assert out.index("Visible tests: 0 passed, 1 failed") < out.index("AssertionError"), "the total comes first"


def test_a_renamed_copy_is_asked_to_keep_the_file_name(root, tmp_path):
    copy = student_copy(root, tmp_path / "ws", RIGHT, name=f"{TOPIC}-Copy1.ipynb")
    out = check_in(copy.parent, root, JPY_SESSION_NAME=str(copy))
    assert f"saved as {TOPIC}-Copy1.ipynb" in out and "Rename it" in out and "graded with" not in out


def test_a_missing_file_is_explained(root, tmp_path):
    (tmp_path / "empty").mkdir()
    out = check_in(tmp_path / "empty", root)
    assert f"No saved notebook {TOPIC}.ipynb" in out and "graded with" not in out


def test_the_instructors_source_notebook_is_not_graded(root):
    out = check_in(root / "source" / TOPIC, root)
    assert "instructor's notebook" in out and "graded with" not in out


def test_html_report_escapes_messages():
    report = selfcheck.Report("t", ["<b>n</b>"], ("q", "status", "message"), [("q1", "failed", "<script>x</script>")])
    page = report.html()
    assert "&lt;script&gt;" in page and "<script>" not in page and "&lt;b&gt;" in page
    assert "color:#cf222e" in page  # failed in red


# -- progress -----------------------------------------------------------------------------------


def test_progress_grades_only_started_notebooks(root, tmp_path, monkeypatch):
    workspace, _, copied = lab.prepare(tmp_path / "ws", root)
    assert copied, "the release was copied into the workspace"
    graded = []

    def fake_grade(path, topic):
        graded.append(topic)
        return grading.SubmissionResult("me", topic, [grading.CellResult("tiny_double_values", "autograded", 2, 2)])

    monkeypatch.setattr(selfcheck, "grade_notebook", fake_grade)
    (row,) = selfcheck.progress(workspace, bar=False, root=root)
    assert (row.status, row.auto_score, row.auto_max, row.manual_max) == ("not started", 0, 2, 1) and graded == []
    student_copy(root, workspace / TOPIC, RIGHT)
    (row,) = selfcheck.progress(workspace, bar=False, root=root)
    assert (row.status, row.auto_score) == ("graded", 2) and graded == [TOPIC]
    (workspace / TOPIC / f"{TOPIC}.ipynb").unlink()
    (row,) = selfcheck.progress(workspace, bar=False, root=root)
    assert row.status == "missing"
    assert "run `course lab`" in selfcheck.progress_report([row], workspace).text()


def test_course_progress_command(root, tmp_path):
    workspace = tmp_path / "ws"
    student_copy(root, workspace / TOPIC, RIGHT)
    proc = course(root, "progress", "--workspace", str(workspace))
    assert proc.returncode == 0, proc.stderr
    row = next(line for line in proc.stdout.splitlines() if line.startswith(TOPIC))
    assert "2/2" in row and "full marks" in row and "+1" in row, proc.stdout
    assert "Total: 2/2" in proc.stdout
    missing = course(root, "progress", "--workspace", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "course lab" in missing.stderr


# -- the real notebooks ---------------------------------------------------------------------------


def _check_cells(nb) -> list:
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_check_my_work")]


REAL_TOPICS = grading.assignments(REPO)


@pytest.mark.parametrize("topic", REAL_TOPICS)
def test_real_notebooks_end_with_their_check_cell(topic):
    """Once any source notebook has its check cell (`course add-check-cell`), every one must, in source and release."""
    source = nbformat.read(str(grading.notebook_path(topic, "source", REPO)), as_version=4)
    if not _check_cells(source) and not any(
        _check_cells(nbformat.read(str(grading.notebook_path(t, "source", REPO)), as_version=4)) for t in REAL_TOPICS
    ):
        pytest.skip("no notebook has its check cell yet: `course add-check-cell` then `course release`")
    for kind in ("source", "release"):
        nb = source if kind == "source" else nbformat.read(str(grading.notebook_path(topic, kind, REPO)), 4)
        cells = _check_cells(nb)
        assert len(cells) == 1, f"{kind}: {len(cells)} check cells; run `course add-check-cell {topic}`"
        cell = cells[0]
        assert cell is nb.cells[-1], f"{kind}: the check cell is not the last cell"
        assert cell.metadata.nbgrader["locked"] and not cell.metadata.nbgrader["grade"]
        assert f'check_my_work("{topic}")' in cell.source, f"{kind}: the cell checks another topic"


def test_show_progress_prints_the_table_outside_jupyter(root, tmp_path, monkeypatch, capsys):
    workspace, _, _ = lab.prepare(tmp_path / "ws", root)
    monkeypatch.setenv("COURSE_ROOT", str(root))
    from course.selfcheck import show_progress

    show_progress(workspace)  # the notebook side: the engine in a fresh Python
    out = capsys.readouterr().out
    assert f"Progress in {workspace}" in out and "not started" in out and "Total: 0/2" in out


def test_parallel_autograder_also_blanks_the_check_cell():
    """`course autograde` (autograder.worker) runs nbgrader's configured sanitize list: DropSelfCheck is in it."""
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.worker import converter_preprocessors

    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO / "autograder")).load_config()
    sanitize, _, _ = converter_preprocessors(config)
    names = [pp.__name__ for pp in sanitize]
    assert DropSelfCheck in sanitize and names.index("DropSelfCheck") > names.index("OverwriteCells")


# -- one engine: what the learner sees is what the instructor's grading gives -------------------------


def test_learner_and_instructor_get_the_same_grades_for_the_same_file(root, tmp_path, monkeypatch):
    """The same files graded by a learner (Check my work / course grade: autograder.autograde.grade_notebook)
    and by the instructor (course autograde of a class): every cell's points and message are equal, for
    a right answer, a wrong one, one right on the visible test only, an answer defined as a value (a
    lambda), one that prints, and the unanswered notebook (issue 19: with stock nbgrader for the learner
    and the judge for the instructor, such answers could pass in one and fail in the other)."""
    from autograder.autograde import autograde, grade_notebook

    monkeypatch.setenv("COURSE_ROOT", str(root))
    answers = {
        "right": RIGHT,
        "wrong": "def double(x):\n    return x + 2\n",
        "hidden_wrong": HIDDEN_WRONG,
        "a_value": "double = lambda x: 2 * x\n",
        "prints": "def double(x):\n    print('doubling', x)\n    return 2 * x\n",
        "blank": None,
    }
    folder = tmp_path / "class"
    learner = {}
    for student, answer in answers.items():
        path = student_copy(root, folder / student, answer)
        learner[student] = grade_notebook(path, TOPIC)
    with open(os.devnull, "w") as quiet:
        run = autograde(TOPIC, folder, tmp_path / "course", jobs=2, repo=root, out=quiet, progress=False)
    assert run.exit_status == 0, [(o.student, o.reason) for o in run.ungradable]
    course = grading.CourseDir(tmp_path / "course", root)
    for student in answers:
        ours = [(c.grade_id, c.points, c.message) for c in learner[student].cells]
        assert ours == [(c.grade_id, c.points, c.message) for c in course.results(TOPIC, student).cells], student
    scores = {s: r.auto_score for s, r in learner.items()}
    full = learner["right"].auto_max
    assert full > 0
    assert scores == {"right": full, "wrong": 0, "hidden_wrong": 0, "a_value": full, "prints": full, "blank": 0}


def test_a_changed_source_is_graded_with_the_new_tests(root, tmp_path, monkeypatch):
    """The learner's grading folder is made again when source/ changes (a git pull): nbgrader cannot
    change an assignment that has submissions, and old grades are of the old tests."""
    import shutil

    from autograder.autograde import grade_notebook

    copy = tmp_path / "course"
    shutil.copytree(root, copy)
    monkeypatch.setenv("COURSE_ROOT", str(copy))
    mine = student_copy(copy, tmp_path / "me", HIDDEN_WRONG)
    before = grade_notebook(mine, TOPIC)
    src = grading.notebook_path(TOPIC, "source", copy)
    nb = nbformat.read(str(src), as_version=4)
    hidden = [c for c in nb.cells if "double(-7.5)" in c.source]
    assert hidden, "the tiny course's hidden test changed: update this test"
    hidden[0].source = hidden[0].source.replace("double(-7.5)", "double(7.5)").replace("-15", "15")
    nbformat.write(nb, str(src))
    after = grade_notebook(mine, TOPIC)
    assert after.auto_score > before.auto_score, (before, after)


# -- the table: by question, not attempted apart, the total first (issue 20) ----------------------


def _graded_cells(nb) -> list:
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


@pytest.mark.parametrize("topic", REAL_TOPICS)
def test_every_graded_cell_of_a_real_notebook_is_labelled_by_its_question(topic):
    """Labels are unique, short, and name a question (Qn) or, without a number, its section (§n)."""
    nb = nbformat.read(str(grading.notebook_path(topic, "source", REPO)), as_version=4)
    labels = report.question_labels(nb)
    ids = [c.metadata.nbgrader["grade_id"] for c in _graded_cells(nb)]
    assert sorted(labels) == sorted(ids)
    assert len(set(labels.values())) == len(ids), "two cells share a label"
    for gid, label in labels.items():
        assert len(label) <= report.MAX_LABEL, label
        assert re.match(r"(Q\d|§\d)", label), f"{gid}: {label!r} names no question"


def test_the_labels_of_notebook_01_name_the_question_and_the_function():
    nb = nbformat.read(str(grading.notebook_path("01_linear_regression", "source", REPO)), as_version=4)
    labels = report.question_labels(nb)
    assert labels["linreg_add_bias_column_values"] == "Q1 add_bias_column"
    assert labels["linreg_least_squares_gradient_random"] == "Q3 least_squares_gradient"  # Q2 and Q3: one cell
    assert labels["linreg_normal_equations_proof"] == "Q4 written answer"
    assert labels["linreg_least_squares_closed_form_matches_lstsq"] == "Q5 least_squares_closed_form · test 1 of 2"
    assert labels["linreg_least_squares_closed_form_gradient_vanishes"] == "Q5 least_squares_closed_form · test 2 of 2"
    assert labels["linreg_is_rank_deficient_cases"] == "Q7 is_rank_deficient"
    assert labels["linreg_cross_validation_error_values"] == "Q21 cross_validation_error"
    # every test names the function its answer cell defines
    answer_defs = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            answer_defs = re.findall(r"^def (\w+)", cell.source, re.M)
        elif meta.get("grade") and cell.cell_type == "code":
            assert any(f in labels[meta["grade_id"]] for f in answer_defs), labels[meta["grade_id"]]


def test_labels_fall_back_to_the_section_then_to_the_grade_id():
    cells = [
        authoring.md("## 2. A section\n\n**Question.** Write `triple`."),
        authoring.answer("t_triple", "def triple(x):\n    ### BEGIN SOLUTION\n    return 3 * x\n    ### END SOLUTION"),
        authoring.tests("t_triple_values", 1, "assert triple(1) == 3"),
        authoring.md("# Unnumbered"),
        authoring.manual("t_essay", 1, "### BEGIN SOLUTION\nx\n### END SOLUTION"),
    ]
    nb = nbformat.from_dict({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    assert report.question_labels(nb) == {"t_triple_values": "§2 triple", "t_essay": "§2 written answer"}
    bare = nbformat.from_dict({"cells": cells[3:], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    assert report.question_labels(bare) == {"t_essay": "t_essay"}


LONG = (
    "AssertionError: least_squares_gradient(w, X, y) does not match the expected value: the largest "
    "difference is 4.25 at index 3, and the likely cause is that every entry is 2 times too small "
    "(a missing factor of two in front of the transpose)"
)


def _mixed_result() -> grading.SubmissionResult:
    C = grading.CellResult
    return grading.SubmissionResult(
        "me",
        "01_linear_regression",
        [
            C("linreg_add_bias_column_values", "autograded", 1, 1),
            C("linreg_least_squares_gradient_random", "autograded", 0, 3, LONG),
            C("linreg_normal_equations_proof", "manual", None, 2),
            C("linreg_least_squares_closed_form_matches_lstsq", "autograded", 0, 2, "NotImplementedError: "),
        ],
    )


def _words(text: str) -> set[str]:
    return set(text.split())


@pytest.mark.parametrize("render", ["grade_table", "check_my_work"])
def test_the_table_puts_the_total_first_and_wrong_apart_from_not_attempted(render):
    result = _mixed_result()
    labels = report.labels_for(result.assignment, REPO)
    if render == "grade_table":
        out = report.grade_table(result, labels=labels)
    else:
        out = selfcheck.graded_report(result, "01_linear_regression.ipynb as saved", labels).text()
    lines = out.splitlines()
    total = next(i for i, line in enumerate(lines) if "autograded points" in line)
    header = next(i for i, line in enumerate(lines) if line.startswith("question"))
    assert total < header, out
    assert "1/6 autograded points · 1 passed, 1 failed, 1 not attempted" in lines[total], out
    assert any("Written answers: 2 more points" in line for line in lines[:header]), out
    rows = {line.split("  ")[0]: line for line in lines[header + 2 :] if line and not line.startswith(" ")}
    assert re.search(r"  1/1 +passed$", rows["Q1 add_bias_column"]), out
    assert re.search(r"  0/3 +failed$", rows["Q3 least_squares_gradient"]), out
    assert re.search(r"  0/2 +not attempted$", rows["Q5 least_squares_closed_form · test 1 of 2"]), out
    assert re.search(r"  -/2 +graded by hand$", rows["Q4 written answer"]), out
    assert "NotImplementedError" not in out, "an unanswered question is not an error to explain"
    assert max(len(line) for line in lines) <= 100, out
    assert _words(LONG) <= _words(out), "a word of the message was cut"
    assert len([line for line in lines if line.startswith("      ")]) >= 2, "the long message is wrapped"


def test_a_narrow_table_wraps_between_words():
    out = report.grade_table(_mixed_result(), width=60, labels={})
    assert max(len(line) for line in out.splitlines()) <= 60, out
    assert _words(LONG) <= _words(out)
    assert "linreg_add_bias_column_values" in out  # no labels: the grade_id


def test_html_report_total_first_not_attempted_grey_and_words_kept_whole():
    result = _mixed_result()
    page = selfcheck.graded_report(result, "now", report.labels_for(result.assignment, REPO)).html()
    assert page.index("1/6 autograded points") < page.index("<table"), "the total comes first"
    assert "Q5 least_squares_closed_form · test 1 of 2" in page
    grey = re.search(r"<td style='([^']*)'>not attempted</td>", page)
    red = re.search(r"<td style='([^']*)'>failed</td>", page)
    assert grey and "#6e7781" in grey.group(1) and "#cf222e" not in grey.group(1), page
    assert red and "#cf222e" in red.group(1), page
    assert "anywhere" not in page and "break-all" not in page and "word-break:normal" in page
