"""The instructor's reports after ``course autograde`` (issue 20): summary.txt, the pass-rate plot and
the feedback page's contents, on a tiny class graded once.

The class: alice right everywhere, bob blank, carol's double flips the sign (a failure with a "likely
cause"), dan's halve is wrong, erin left double as the stub. Questions are named by their label
("Q2 halve · test 1 of 2"), wrong answers and blank ones are counted apart, and the autograded points
and the written answers each have their own maximum.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path

import pytest
from test_autograde import answered  # the released notebook with some answers replaced

from autograder import authoring as A
from autograder import grading, summary
from autograder.autograde import autograde

REPO = Path(__file__).resolve().parent.parent
TOPIC = "00_tiny"
NB = f"{TOPIC}.ipynb"
CAUSE = (
    "likely cause: every entry has the opposite sign: a sign flipped somewhere (e.g. y - p and p - y swapped: "
    "p - y is the gradient of a loss you minimise, y - p of an objective you maximise)"
)
LABELS = ["Q1 double", "Q2 halve · test 1 of 2", "Q2 halve · test 2 of 2"]


def reports_course(root: Path) -> Path:
    """Three questions: double (2 points), halve (two tests of 1 point), a written answer (2 points)."""
    (root / "autograder").mkdir(parents=True)
    (root / "autograder" / "nbgrader_config.py").write_bytes((REPO / "autograder" / "nbgrader_config.py").read_bytes())
    cells = [
        A.md("# Reports"),
        A.code("import numpy as np\nfrom course.checks import check_close"),
        A.md("**Question 1 (2 points).** Write `double`."),
        A.answer("double", "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"),
        A.tests(
            "reports_double",
            2,
            "check_close('double(3)', double(3.0), 6.0)\n### BEGIN HIDDEN TESTS\n"
            "check_close('double(-7.5)', double(-7.5), -15.0)\n### END HIDDEN TESTS",
        ),
        A.md("**Question 2 (2 points).** Write `halve`."),
        A.answer("halve", "def halve(x):\n    ### BEGIN SOLUTION\n    return x / 2\n    ### END SOLUTION"),
        A.tests("reports_halve_small", 1, "check_close('halve(4)', halve(4.0), 2.0)"),
        A.tests("reports_halve_large", 1, "check_close('halve(1e6)', halve(1e6), 5e5)"),
        A.manual("why", 2, "**Question 3 (2 points).** Why?\n\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION"),
    ]
    A.write_notebook(cells, root / "source" / TOPIC / NB, "reports")
    return root


RIGHT = {"double": "def double(x):\n    return 2 * x", "halve": "def halve(x):\n    return x / 2"}
CLASS = {
    "alice": {**RIGHT, "why": "Because it is."},
    "bob": {},  # the release as it was handed out
    "carol": {**RIGHT, "double": "def double(x):\n    return -2 * x", "why": "No idea."},
    "dan": {**RIGHT, "halve": "def halve(x):\n    return x * 2"},
    "erin": {"halve": RIGHT["halve"]},  # double left as the stub
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded once: (result, course directory, course repository)."""
    root = reports_course(tmp_path_factory.mktemp("repo"))
    old = os.environ.get("COURSE_ROOT")
    os.environ["COURSE_ROOT"] = str(root)
    try:
        release_dir = grading.CourseDir(tmp_path_factory.mktemp("release") / "cd", root).generate(TOPIC)
        release = json.loads((release_dir / NB).read_text())
        folder = tmp_path_factory.mktemp("class")
        for student, answers in CLASS.items():
            (folder / student).mkdir()
            (folder / student / NB).write_text(json.dumps(answered(release, **answers)))
        cd = tmp_path_factory.mktemp("graded") / "course"
        result = autograde(TOPIC, folder, cd, jobs=2, timeout=30, repo=root, progress=False)
        yield result, cd, root
    finally:
        if old is None:
            os.environ.pop("COURSE_ROOT", None)
        else:
            os.environ["COURSE_ROOT"] = old


def _row(text: str, label: str) -> list[str]:
    """The summary row of a question, split into its columns (two spaces or more between them)."""
    line = next(line for line in text.splitlines() if line.startswith(label + "  "))
    return re.split(r"\s{2,}", line.strip())


def test_summary_rows_named_by_question_wrong_and_not_attempted_apart(graded):
    result, cd, _ = graded
    text = (cd / "reports" / TOPIC / "summary.txt").read_text()
    assert all(len(line) <= 100 for line in text.splitlines()), max(text.splitlines(), key=len)
    # question, points, passed, wrong, not attempted, mean points
    assert _row(text, "Q1 double") == ["Q1 double", "2", "2 (40%)", "1", "2", "0.80"], text
    for label in LABELS[1:]:
        assert _row(text, label) == [label, "1", "3 (60%)", "1", "1", "0.60"], text
    assert "Hardest for the class: Q1 double (40% passed, 1 answered wrong, 2 not attempted)." in text
    assert "reports_double" not in text and "reports_halve" not in text  # labels, not grade_ids


def test_summary_gives_the_most_common_failure_in_full(graded):
    result, cd, _ = graded
    text = (cd / "reports" / TOPIC / "summary.txt").read_text()
    q1 = text[text.index("\nQ1 double: 1 answered wrong, 2 not attempted") :]
    q1 = q1[: q1.index("\nQ2 halve")]
    flowing = " ".join(line.strip() for line in q1.splitlines())  # the message, unwrapped
    assert "AssertionError: double(3) does not match the expected value." in flowing
    assert "got -6, expected 6" in flowing
    assert CAUSE in flowing, q1
    assert "NotImplementedError:" not in text  # the blank answers are counted, not quoted
    # the terminal shows the table and says where the messages are, without them
    said = result.reports["text"]
    assert "Q1 double" in said and "likely cause" not in said
    assert f"in full: {cd.resolve() / 'reports' / TOPIC / 'summary.txt'}" in said


def test_summary_keeps_autograded_and_written_points_apart(graded):
    result, cd, _ = graded
    text = " ".join((cd / "reports" / TOPIC / "summary.txt").read_text().split())  # wrapped lines joined
    # autograded: alice 4, bob 0, carol 2, dan 2, erin 2 out of 4; the written answer is worth 2 more
    assert "autograded tests: mean 2.00 / 4 points, min 0, max 4" in text
    assert "written answers: 2 points, graded by hand, not in the mean above" in text
    assert "; 2 of 5 still to grade" in text  # alice and carol wrote an answer
    assert "/ 6" not in text  # never the mixed maximum


def test_pass_rate_plot_stacks_passed_wrong_and_not_attempted(graded):
    result, cd, root = graded
    data = (cd / "reports" / TOPIC / "pass_rate.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    rep = summary.read_class(grading.CourseDir(cd, root), TOPIC, result.outcomes)
    fig = summary.pass_rate_figure(TOPIC, rep.questions)
    try:
        ax = fig.axes[0]
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        assert legend == ["passed (full points)", "answered wrong", "not attempted (answer left as the stub)"]
        assert [t.get_text() for t in ax.get_yticklabels()] == LABELS[::-1]  # the first question on top
        assert "share of the 5 graded submissions" in ax.get_xlabel() and ax.get_ylabel().startswith("question")
        widths = [[round(bar.get_width()) for bar in bars] for bars in ax.containers]  # passed, wrong, blank
        assert widths == [[60, 60, 40], [20, 20, 20], [20, 20, 40]]  # bottom-up: halve 2, halve 1, double
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def _toc(html: str) -> list[str]:
    from bs4 import BeautifulSoup

    toc = BeautifulSoup(html, "html.parser").find(id="toc")
    return [" ".join(li.get_text(" ", strip=True).split()) for li in toc.find_all("li")]


def test_feedback_contents_named_by_question_as_nbgrader_writes_them_too(graded):
    result, cd, root = graded
    expected = [
        "Q1 double (Score: 0.0 / 2.0)",
        "Q2 halve · test 1 of 2 (Score: 1.0 / 1.0)",
        "Q2 halve · test 2 of 2 (Score: 1.0 / 1.0)",
        "Q3 written answer (Score: 0.0 / 2.0)",
    ]
    ours = (cd / "feedback" / "carol" / TOPIC / f"{TOPIC}.html").read_text()
    assert _toc(ours) == expected
    stock = grading.CourseDir(cd, root).feedback(TOPIC, "carol").read_text()  # nbgrader generate_feedback
    assert _toc(stock) == expected


def test_feedback_template_is_nbgraders_but_for_the_contents():
    """Our copy of nbgrader's feedback template changes the table of contents and nothing else."""
    import nbgrader

    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    theirs = (formgrader / "templates" / "feedback" / "index.html.j2").read_text()
    ours = (REPO / "autograder" / "templates" / "feedback" / "index.html.j2").read_text()
    ours = ours[ours.index("-#}\n") + 4 :]  # after our header comment
    a, b = theirs.splitlines(), ours.splitlines()
    toc = (a.index('        <div id="toc">'), a.index("          </ol>"))
    changed = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    assert changed, "the template is nbgrader's unchanged"
    for _, i1, i2, j1, j2 in changed:
        assert toc[0] < i1 <= i2 <= toc[1], (a[i1:i2], b[j1:j2])


def test_long_message_capped_with_its_likely_cause_kept():
    body = [f"  detail line {i}" for i in range(12)]
    message = "\n".join(["AssertionError: w does not match the expected value.", *body, "  " + CAUSE])
    lines = summary.message_lines(message)
    assert len(lines) == 8 and all(len(line) <= 100 for line in lines)
    assert lines[0].strip() == "AssertionError: w does not match the expected value."
    marks = [i for i, line in enumerate(lines) if line.strip().startswith("(... ")]
    assert len(marks) == 1, lines
    mark = marks[0]  # the first lines of 13 shown, the rest counted, then the whole cause
    assert lines[mark].strip() == f"(... {13 - mark} more lines)" and mark >= 3
    assert " ".join(line.strip() for line in lines[mark + 1 :]) == CAUSE
    short = summary.message_lines("AssertionError: x\n  " + CAUSE)
    assert short[0] == "      AssertionError: x"  # whole, wrapped under its question
    assert " ".join(line.strip() for line in short[1:]) == CAUSE and len(short) <= 8
