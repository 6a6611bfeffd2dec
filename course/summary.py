"""What ``course autograde`` reports: grades.csv, the per-question summary and its plots.

Everything is read back from the gradebook (the record of truth), so the reports of a re-run
cover the whole class, not only the hand-ins graded in that run.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from course import grading


@dataclass
class Row:
    """One line of grades.csv."""

    student: str
    score: float | None  # None: not graded
    max_score: float
    status: str  # "graded" | "needs manual grading" | "ungradable"
    reason: str = ""


@dataclass
class Question:
    """One autograded test cell across the class."""

    grade_id: str
    max_points: float
    points: list[float]  # one per graded submission
    failures: Counter  # error message of a failed test -> how many students
    blank: int = 0  # failed because the answer was left as the stub (NotImplementedError)

    @property
    def mean(self) -> float:
        return sum(self.points) / len(self.points) if self.points else float("nan")

    @property
    def pass_rate(self) -> float:
        """Fraction of graded submissions with full points on this cell."""
        return sum(p == self.max_points for p in self.points) / len(self.points) if self.points else float("nan")

    @property
    def common_failure(self) -> str:
        if not self.failures:
            return ""
        msg, n = self.failures.most_common(1)[0]
        return f"{msg[:70]} ({n}x)"


def read_class(course: grading.CourseDir, assignment: str, outcomes) -> tuple[list[Row], list[Question]]:
    """Rows of grades.csv and the test-cell statistics, from the gradebook."""
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry

    course_id = course.api.config.CourseDirectory.get("course_id", "default_course")
    source = nbformat.read(str(course.path / "source" / assignment / f"{assignment}.ipynb"), as_version=4)
    rows, questions = [], {}
    with Gradebook(course.db_url, course_id) as gb:
        a = gb.find_assignment(assignment)
        max_score = a.max_score
        nb_def = gb.find_notebook(assignment, assignment)
        solutions = {c.name for c in nb_def.solution_cells}
        tests = {c.name: c.max_score for c in nb_def.grade_cells if c.cell_type == "code" and c.name not in solutions}
        for cell in source.cells:  # notebook order
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid in tests:
                questions[gid] = Question(gid, tests[gid], [], Counter())
        for o in outcomes:
            if o.status != "graded":
                rows.append(Row(o.student, None, max_score, "ungradable", o.reason))
                continue
            try:
                sub = gb.find_submission(assignment, o.student)
                nb = gb.find_submission_notebook(assignment, assignment, o.student)
            except MissingEntry:
                rows.append(Row(o.student, None, max_score, "ungradable", "missing from the gradebook: grade again"))
                continue
            score = sub.score - (sub.late_submission_penalty or 0)
            status = "needs manual grading" if sub.needs_manual_grade else "graded"
            rows.append(Row(o.student, score, max_score, status, "; ".join(o.notes)))
            path = course.path / "autograded" / o.student / assignment / f"{assignment}.ipynb"
            _, messages = grading.cell_order_and_messages(path)
            for g in nb.grades:
                if g.name in questions:
                    q = questions[g.name]
                    q.points.append(float(g.score or 0))
                    if (g.score or 0) < q.max_points:
                        msg = (messages.get(g.name) or "no error message (output on stderr?)").splitlines()[0]
                        if msg.startswith("NotImplementedError"):
                            q.blank += 1
                        else:
                            q.failures[msg] += 1
    return rows, list(questions.values())


def write_grades_csv(rows: list[Row], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["student", "score", "max_score", "status", "reason"])
        for r in rows:
            w.writerow([r.student, "" if r.score is None else f"{r.score:g}", f"{r.max_score:g}", r.status, r.reason])
    return path


def question_table(assignment: str, rows: list[Row], questions: list[Question]) -> str:
    """The per-question summary as text: mean points and pass rate per test cell."""
    graded = [r for r in rows if r.score is not None]
    lines = [f"{assignment}: {len(graded)} graded submission(s), {len(rows) - len(graded)} not graded"]
    if graded:
        scores = [r.score for r in graded]
        lines.append(
            f"score: mean {sum(scores) / len(scores):.2f} / {graded[0].max_score:g}, "
            f"min {min(scores):g}, max {max(scores):g}"
        )
    not_graded = [r for r in rows if r.score is None]
    if not_graded:
        w = max(len(r.student) for r in not_graded)
        lines += ["Not graded (the reason is also in grades.csv):"]
        lines += [f"  {r.student:<{w}}  {r.reason}" for r in not_graded]
    if not questions or not graded:
        return "\n".join(lines)
    head = ("test cell", "points", "mean", "passed", "blank", "most common failure")
    body = [
        (q.grade_id, f"{q.max_points:g}", f"{q.mean:.2f}", f"{100 * q.pass_rate:.0f}%", str(q.blank), q.common_failure)
        for q in questions
    ]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(5)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths)) + "  {}"
    lines += ["", fmt.format(*head), "-" * (sum(widths) + 10 + len(head[5]))]
    lines += [fmt.format(*r) for r in body]
    lines.append("(passed: share of graded submissions with full points; blank: answer left as the stub)")
    worst = min(questions, key=lambda q: q.pass_rate)
    if worst.pass_rate < 1:
        lines += ["", f"Hardest for the class: {worst.grade_id} ({100 * worst.pass_rate:.0f}% passed)."]
    wrong = [q for q in questions if q.failures]
    if wrong:
        lines += ["", "Failed tests by message (students):"]
        for q in wrong:
            lines.append(f"  {q.grade_id}:")
            lines += [f"    {n:>3}  {msg[:110]}" for msg, n in q.failures.most_common(5)]
    return "\n".join(lines)


def plot_scores(assignment: str, rows: list[Row], path: Path) -> Path:
    """Histogram of the scores of the graded submissions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    graded = [r.score for r in rows if r.score is not None]
    max_score = rows[0].max_score if rows else 1
    fig, ax = plt.subplots(figsize=(6.4, 4))
    bins = [x - 0.5 for x in range(int(max_score) + 2)] if max_score <= 40 else 20
    ax.hist(graded, bins=bins, color="#4c72b0", edgecolor="white")
    pending = any(r.status == "needs manual grading" for r in rows)
    ax.set_xlabel(f"score (points out of {max_score:g})" + ("; written answers not graded yet" if pending else ""))
    ax.set_ylabel("number of students")
    ax.set_title(f"{assignment}: scores of {len(graded)} graded submissions")
    ax.set_xlim(-0.5, max_score + 0.5)
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_pass_rates(assignment: str, questions: list[Question], path: Path) -> Path:
    """Share of the class passing each autograded test cell, in notebook order."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [q.grade_id for q in questions][::-1]
    longest = max((len(n) for n in names), default=10)
    fig, ax = plt.subplots(figsize=(4.5 + 0.08 * longest, 1.5 + 0.32 * max(1, len(questions))))
    rates = [100 * q.pass_rate if q.points else 0 for q in questions][::-1]
    colors = ["#c44e52" if r < 50 else "#dd8452" if r < 80 else "#55a868" for r in rates]
    ax.barh(names, rates, color=colors)
    for y, r in enumerate(rates):
        ax.text(min(r + 1, 92), y, f"{r:.0f}%", va="center", fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("students with full points (%)")
    ax.set_ylabel("test cell")
    n = len(questions[0].points) if questions else 0
    ax.set_title(f"{assignment}: pass rate per test cell\n({n} graded submissions)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_reports(course: grading.CourseDir, assignment: str, outcomes) -> dict[str, Path]:
    """grades.csv, summary.txt and the two plots in ``DIR/reports/<assignment>/``."""
    folder = course.path / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    rows, questions = read_class(course, assignment, outcomes)
    text = question_table(assignment, rows, questions)
    (folder / "summary.txt").write_text(text + "\n")
    return {
        "grades": write_grades_csv(rows, folder / "grades.csv"),
        "summary": folder / "summary.txt",
        "histogram": plot_scores(assignment, rows, folder / "score_histogram.png"),
        "pass_rate": plot_pass_rates(assignment, questions, folder / "pass_rate.png"),
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
