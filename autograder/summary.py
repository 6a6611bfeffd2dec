"""What ``course autograde`` reports: grades.csv, the per-question summary and its plots.

Everything is read back from the gradebook (the record of truth), so the reports of a re-run
cover the whole class, not only the hand-ins graded in that run.

A question is named by its label (``report.question_labels``: "Q5 least_squares_closed_form · test 1
of 2"), not its grade_id. A failed test is either *answered wrong* or *not attempted* (the answer left
as the stub: NotImplementedError), counted apart: a blank hand-in says nothing about the question.
The autograded points and the written answers (graded by hand) are reported apart, each out of its
own maximum. summary.txt gives each question's most common failure message in full (wrapped, its
"likely cause" line kept); the terminal shows the table and points to that file.
"""

from __future__ import annotations

import csv
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder import grading, report

WIDTH = report.WIDTH  # columns of summary.txt
MESSAGE_LINES = 8  # lines of one failure message in summary.txt, the "likely cause" line included
MESSAGE_INDENT = "      "
NO_MESSAGE = "no error message (output on stderr?)"


@dataclass
class Question:
    """One autograded test cell across the class."""

    grade_id: str
    max_points: float
    points: list[float]  # one per graded submission
    failures: Counter  # first line of a wrong answer's message -> how many students
    blank: int = 0  # not attempted: the answer was left as the stub (NotImplementedError)
    label: str = ""  # the question it tests, as report.question_labels names it
    messages: dict[str, Counter] = field(default_factory=dict)  # first line -> full messages

    @property
    def name(self) -> str:
        return self.label or self.grade_id

    @property
    def passed(self) -> int:
        return sum(p == self.max_points for p in self.points)

    @property
    def wrong(self) -> int:
        """Failed although answered (every failure that is not the stub)."""
        return len(self.points) - self.passed - self.blank

    @property
    def mean(self) -> float:
        return sum(self.points) / len(self.points) if self.points else float("nan")

    @property
    def pass_rate(self) -> float:
        """Fraction of graded submissions with full points on this cell."""
        return self.passed / len(self.points) if self.points else float("nan")

    def add_failure(self, message: str) -> None:
        """Count a failed test: not attempted (the stub) or answered wrong, by its message."""
        if report.not_attempted(message):
            self.blank += 1
            return
        first = message.strip().splitlines()[0] if message.strip() else NO_MESSAGE
        self.failures[first] += 1
        self.messages.setdefault(first, Counter())[message.strip() or NO_MESSAGE] += 1

    def common_failure(self) -> tuple[str, int]:
        """The most common wrong answer's message in full, and how many students it failed.

        Messages are grouped by their first line (the numbers further down differ from one student
        to the next); the full text shown is the most frequent one of that group.
        """
        if not self.failures:
            return "", 0
        first, n = self.failures.most_common(1)[0]
        return self.messages[first].most_common(1)[0][0], n


@dataclass
class ClassReport:
    """What the reports need: one result per student (a line of grades.csv each), the test cells, and
    the two maxima."""

    assignment: str
    rows: list[grading.SubmissionResult]
    questions: list[Question]
    auto_max: float  # the autograded tests
    written_max: float  # the written answers (and tasks), graded by hand

    @property
    def graded(self) -> list[grading.SubmissionResult]:
        return [r for r in self.rows if r.graded]


def read_class(course: grading.CourseDir, assignment: str, outcomes) -> ClassReport:
    """Rows of grades.csv and the test-cell statistics, from the gradebook."""
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry

    course_id = course.api.config.CourseDirectory.get("course_id", "default_course")
    source = nbformat.read(str(course.path / "source" / assignment / f"{assignment}.ipynb"), as_version=4)
    labels = report.question_labels(source)
    rows, questions = [], {}
    with Gradebook(course.db_url, course_id) as gb:
        a = gb.find_assignment(assignment)
        max_score = a.max_score
        nb_def = gb.find_notebook(assignment, assignment)
        solutions = {c.name for c in nb_def.solution_cells}
        tests = {c.name: c.max_score for c in nb_def.grade_cells if c.cell_type == "code" and c.name not in solutions}
        auto_max = sum(tests.values())
        for cell in source.cells:  # notebook order
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid in tests:
                questions[gid] = Question(gid, tests[gid], [], Counter(), label=labels.get(gid, gid))
        for o in outcomes:
            if o.status != "graded":
                rows.append(grading.SubmissionResult(o.student, assignment, status="ungradable", reason=o.reason))
                continue
            try:
                sub = gb.find_submission(assignment, o.student)
                nb = gb.find_submission_notebook(assignment, assignment, o.student)
            except MissingEntry:
                why = "missing from the gradebook: grade again"
                rows.append(grading.SubmissionResult(o.student, assignment, status="ungradable", reason=why))
                continue
            cells = [
                grading.CellResult(g.name, "autograded", float(g.score or 0), float(g.max_score))
                if g.name in tests
                else grading.CellResult(g.name, "manual", None if sub.needs_manual_grade else float(g.score or 0),
                                        float(g.max_score))
                for g in nb.grades
            ]
            rows.append(grading.SubmissionResult(
                o.student, assignment, cells,
                status="needs manual grading" if sub.needs_manual_grade else "graded",
                reason="; ".join(o.notes),
                score=sub.score - (sub.late_submission_penalty or 0),
            ))
            path = course.path / "autograded" / o.student / assignment / f"{assignment}.ipynb"
            _, messages = grading.cell_order_and_messages(path)
            for g in nb.grades:
                if g.name in questions:
                    q = questions[g.name]
                    q.points.append(float(g.score or 0))
                    if (g.score or 0) < q.max_points:
                        q.add_failure(messages.get(g.name) or NO_MESSAGE)
    return ClassReport(assignment, rows, list(questions.values()), auto_max, max_score - auto_max)


def write_grades_csv(rows: list[grading.SubmissionResult], path: Path, max_score: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["student", "score", "max_score", "status", "reason"])
        for r in rows:
            w.writerow([r.student, "" if r.score is None else f"{r.score:g}", f"{max_score:g}", r.status, r.reason])
    return path


# -- summary.txt ---------------------------------------------------------------------------------


def _points(x: float) -> str:
    return f"{x:g} point" + ("" if x == 1 else "s")


def totals(rep: ClassReport) -> list[str]:
    """The class's points: autograded out of the autograded maximum; the written answers apart."""
    graded = rep.graded
    lines = [f"{rep.assignment}: {len(graded)} graded submission(s), {len(rep.rows) - len(graded)} not graded"]
    if graded:
        auto = [r.auto_score for r in graded]
        lines.append(
            f"autograded tests: mean {sum(auto) / len(auto):.2f} / {rep.auto_max:g} points, "
            f"min {min(auto):g}, max {max(auto):g}"
        )
    if rep.written_max:
        line = f"written answers: {_points(rep.written_max)}, graded by hand, not in the mean above"
        waiting = sum(r.status == "needs manual grading" for r in graded)
        done = [r.manual_score for r in graded if r.manual_score is not None]
        if waiting:
            line += f"; {waiting} of {len(graded)} still to grade"
        elif done:
            line += f"; mean {sum(done) / len(done):.2f} / {rep.written_max:g}"
        lines.append(line)
    return lines


def question_rows(questions: list[Question]) -> list[str]:
    """One row per test cell, named by its question: passed, answered wrong, not attempted."""
    head = ("question", "points", "passed", "wrong", "not attempted", "mean")
    body = [
        (
            q.name,
            f"{q.max_points:g}",
            f"{q.passed} ({100 * q.pass_rate:.0f}%)",
            str(q.wrong),
            str(q.blank),
            f"{q.mean:.2f}",
        )
        for q in questions
    ]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*head), "-" * len(fmt.format(*head))]
    lines += [fmt.format(*r) for r in body]
    n = len(questions[0].points) if questions else 0
    lines += report.wrap(
        f"(of {n} graded submission(s). passed: full points; wrong: answered, and the test failed; "
        "not attempted: the answer left as the stub, NotImplementedError; mean: points per submission)"
    )
    return lines


def message_lines(message: str, cap: int = MESSAGE_LINES, indent: str = MESSAGE_INDENT) -> list[str]:
    """A failure message in full, wrapped within WIDTH, in at most ``cap`` lines.

    A longer one keeps its first lines and its "likely cause" line (the diagnosis, usually last),
    with "(... N more lines)" between them.
    """
    logical = message.strip().splitlines() or [""]
    causes = [i for i, line in enumerate(logical) if "likely cause:" in line]
    wrapped = [report.wrap(line, WIDTH, indent) for line in logical]
    flat = [w for ws in wrapped for w in ws]
    if len(flat) <= cap:
        return flat
    tail = wrapped[causes[-1]] if causes else []
    keep = [w for i, ws in enumerate(wrapped) if not (causes and i == causes[-1]) for w in ws]
    room = max(cap - 1 - len(tail), 1)
    more = len(keep) - room
    return keep[:room] + [f"{indent}(... {more} more line{'s' if more != 1 else ''})"] + tail


def failure_details(questions: list[Question]) -> list[str]:
    """Per question that some answered wrong: its most common message in full, the others by first line."""
    lines = []
    for q in questions:
        if not q.failures:
            continue
        message, n = q.common_failure()
        lines += ["", f"{q.name}: {q.wrong} answered wrong, {q.blank} not attempted"]
        lines.append(f"  most common message ({n} of {q.wrong} wrong answer(s)):")
        lines += message_lines(message)
        others = q.failures.most_common()[1:]
        if others:
            lines.append("  other messages (first line; students):")
            for first, k in others[:5]:
                lines += report.wrap(f"{k:>3}  {first}", WIDTH, "    ")
            if len(others) > 5:
                lines.append(f"    ... and {len(others) - 5} more")
    if lines:
        lines.insert(0, "")
        lines.insert(1, "Most common failure per question, in full:")
    return lines


def question_table(rep: ClassReport, details: bool = True) -> str:
    """The per-question summary: totals, one row per test cell, and (``details``) the messages."""
    lines = [part for line in totals(rep) for part in report.wrap(line)]
    not_graded = [r for r in rep.rows if not r.graded]
    if not_graded:
        w = max(len(r.student) for r in not_graded)
        lines += ["Not graded (the reason is also in grades.csv):"]
        for r in not_graded:
            first = f"  {r.student:<{w}}  "
            lines += textwrap.wrap(
                r.reason,
                WIDTH,
                initial_indent=first,
                subsequent_indent=" " * len(first),
                break_long_words=False,
                break_on_hyphens=False,
            ) or [first.rstrip()]
    if not rep.questions or not rep.graded:
        return "\n".join(lines)
    lines += ["", *question_rows(rep.questions)]
    worst = min(rep.questions, key=lambda q: q.pass_rate)
    if worst.pass_rate < 1:
        lines += [
            "",
            *report.wrap(
                f"Hardest for the class: {worst.name} ({100 * worst.pass_rate:.0f}% passed, "
                f"{worst.wrong} answered wrong, {worst.blank} not attempted)."
            ),
        ]
    if details:
        lines += failure_details(rep.questions)
    return "\n".join(lines)


# -- plots -------------------------------------------------------------------------------------------

PASSED, WRONG, BLANK = "#55a868", "#c44e52", "#b8b8b8"
LEGEND = ("passed (full points)", "answered wrong", "not attempted (answer left as the stub)")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_scores(rep: ClassReport, path: Path) -> Path:
    """Histogram of the autograded points of the graded submissions (written answers apart)."""
    plt = _pyplot()
    graded = [r.auto_score for r in rep.graded]
    top = rep.auto_max or 1
    fig, ax = plt.subplots(figsize=(6.4, 4))
    bins = [x - 0.5 for x in range(int(top) + 2)] if top <= 40 else 20
    ax.hist(graded, bins=bins, color="#4c72b0", edgecolor="white")
    xlabel = f"autograded points (out of {top:g})"
    if rep.written_max:
        xlabel += f"\nwritten answers ({_points(rep.written_max)}) are graded by hand, not counted here"
    ax.set_xlabel(xlabel)
    ax.set_ylabel("number of students")
    ax.set_title(f"{rep.assignment}: autograded points of {len(graded)} graded submissions")
    ax.set_xlim(-0.5, top + 0.5)
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def pass_rate_figure(assignment: str, questions: list[Question]):
    """Stacked bars per question, in notebook order: passed, answered wrong, not attempted.

    Each bar is the whole graded class (100%); the count of students is written in each part.
    Returns the matplotlib Figure (the caller saves and closes it).
    """
    plt = _pyplot()
    qs = questions[::-1]  # barh draws bottom-up: the first question on top
    n = len(questions[0].points) if questions else 0
    longest = max((len(q.name) for q in qs), default=10)
    fig, ax = plt.subplots(figsize=(5 + 0.075 * longest, 2.2 + 0.32 * max(1, len(qs))), layout="constrained")
    names = [q.name for q in qs]
    parts = [[q.passed for q in qs], [q.wrong for q in qs], [q.blank for q in qs]]
    left = [0.0] * len(qs)
    for counts, color, label in zip(parts, (PASSED, WRONG, BLANK), LEGEND, strict=True):
        shares = [100 * c / len(q.points) if q.points else 0 for c, q in zip(counts, qs, strict=True)]
        ax.barh(range(len(qs)), shares, left=left, color=color, label=label, edgecolor="white")
        for y, (x0, w, c) in enumerate(zip(left, shares, counts, strict=True)):
            if c and w >= 6:
                ax.text(x0 + w / 2, y, str(c), ha="center", va="center", fontsize=8)
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.set_yticks(range(len(qs)), names)
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"share of the {n} graded submissions (%)\nthe number in a bar counts students")
    ax.set_ylabel("question (test)")
    ax.set_title(f"{assignment}: result per question")
    fig.legend(loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    return fig


def plot_pass_rates(assignment: str, questions: list[Question], path: Path) -> Path:
    """pass_rate_figure saved as a PNG."""
    plt = _pyplot()
    fig = pass_rate_figure(assignment, questions)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_reports(course: grading.CourseDir, assignment: str, outcomes) -> dict[str, Path]:
    """grades.csv, summary.txt and the two plots in ``DIR/reports/<assignment>/``.

    ``text`` (for the terminal) is summary.txt without the failure messages, which can be long.
    """
    folder = course.path / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    rep = read_class(course, assignment, outcomes)
    (folder / "summary.txt").write_text(question_table(rep) + "\n")
    text = question_table(rep, details=False)
    if any(q.failures for q in rep.questions):
        text += f"\nThe most common failure of each question, in full: {folder / 'summary.txt'}"
    return {
        "grades": write_grades_csv(rep.rows, folder / "grades.csv", rep.auto_max + rep.written_max),
        "summary": folder / "summary.txt",
        "histogram": plot_scores(rep, folder / "score_histogram.png"),
        "pass_rate": plot_pass_rates(assignment, rep.questions, folder / "pass_rate.png"),
        "text": text,
    }


def final_message(result, course: grading.CourseDir) -> str:
    """What happened, where everything is, and what to do next."""
    a = result.assignment
    outcomes = result.outcomes
    now = [o for o in outcomes if o.this_run]
    graded = [o for o in outcomes if o.status == "graded"]
    lines = ["", result.reports["text"], ""]
    lines.append(
        f"Graded {len(graded)} of {len(outcomes)} submission(s) of {a}: {len(now)} handled in this run, "
        f"{len(outcomes) - len(now)} unchanged since an earlier run ({result.seconds:.1f} s)."
    )
    bad = result.ungradable
    if bad:
        names = ", ".join(o.student for o in bad)
        lines.append(f"Could not grade {len(bad)}: {names} (the reasons are above and in grades.csv)")
    if result.removed:
        lines.append(
            "Earlier grades removed (their newest submission could not be graded; newest wins): "
            + ", ".join(result.removed)
        )
    d = result.course_dir
    lines += [
        "Written:",
        f"  gradebook    {masked_url(course.db_url)}",
        f"  autograded   {d / 'autograded'}/<student>/{a}/{a}.ipynb",
        f"  feedback     {d / 'feedback'}/<student>/{a}/{a}.html",
        f"  grades       {result.reports['grades']}",
        f"  summary      {result.reports['summary']}",
        f"  plots        {result.reports['histogram']}, {result.reports['pass_rate'].name}",
        "Next:",
    ]
    if bad:
        lines.append(
            "  fix the hand-ins listed above (or ask for new ones), put them with the others and run the same "
            "command again: only new or changed submissions are graded."
        )
    if any(o.status == "graded" for o in outcomes) and _needs_manual(result):
        lines.append(
            f"  grade the written answers by hand in nbgrader's formgrader (cd {d} && jupyter lab), then "
            f"`nbgrader generate_feedback {a}` there to refresh the feedback."
        )
    lines.append(f"  send each student their feedback HTML; {result.reports['grades'].name} opens in any spreadsheet.")
    return "\n".join(lines)


def _needs_manual(result) -> bool:
    with result.reports["grades"].open() as fh:
        return any(r["status"] == "needs manual grading" for r in csv.DictReader(fh))


def masked_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url
