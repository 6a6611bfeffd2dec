"""Check my work and ``course progress``: the grader's side of the learner's check cell.

The last cell of every student notebook calls ``course.selfcheck.check_my_work("NN_topic")``, which
runs ``python -m autograder.selfcheck --show html check NN_topic`` (this module) in a fresh Python
and shows what it prints. In a clone of the
course (``source/NN_topic`` is there) it grades the *saved* notebook file as the instructor's
autograder would and shows one row per question: points, passed or failed, and the failing
check's message, never the hidden test code. Where the hidden tests are not installed (a class
deployment) it says so and repeats what the visible tests said, read from the saved outputs.

Every grading here goes to the learner's warm grader (``autograder.warm``), which keeps a zygote and
the grader's imports alive between checks; it grades with ``autograde.grade_notebook``, as the instructor's
run does.

The autograder never runs that cell: ``autograder.nbgrader_ext.DropSelfCheck`` blanks it first.

``progress(workspace)`` is the same idea across the course: per topic, points out of the
maximum (``course progress`` prints it; ``show_progress()`` shows it in a notebook).
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import grading, report
from autograder.grading import CellResult, SubmissionResult

# -- where the notebook and the hidden tests are -------------------------------------------------


def hidden_tests_root(topic: str) -> Path | None:
    """The course repository if it holds ``source/<topic>`` (the hidden tests), else None."""
    try:
        root = grading.repo_root()
    except grading.GradingError:
        return None
    return root if (root / "source" / topic / f"{topic}.ipynb").is_file() else None


def saved_notebook(topic: str) -> Path:
    """The notebook file this kernel belongs to.

    JupyterLab tells its kernels their notebook's path (``JPY_SESSION_NAME``); elsewhere (a
    headless run, another editor) it is ``<topic>.ipynb`` in the working directory.
    """
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb") and Path(session).is_file():
        return Path(session).resolve()
    return (Path.cwd() / f"{topic}.ipynb").resolve()


# -- grading -----------------------------------------------------------------------------------


def grade_notebook(path: Path, topic: str) -> SubmissionResult:
    """Grade ``path`` as ``topic`` with the hidden tests, exactly as ``course autograde`` grades a hand-in.

    The course directory lives in the learner's cache (``autograder.autograde.cache_dir``): the assignment is
    generated once per version of ``source/``, not on every check.
    """
    from autograder import warm
    from autograder.autograde import grade_notebook as engine

    if warm.enabled():
        try:
            return warm.grade(path, topic, grading.repo_root())
        except warm.Unavailable as exc:
            print(f"course: {exc}; grading in this process", file=sys.stderr)
    return engine(path, topic)


def grade_in_subprocess(path: Path, topic: str) -> SubmissionResult:
    """``grade_notebook`` in another process, so that nothing of the grading lands in the caller's (the Jupyter
    server's): the warm grader (``autograder.warm``), or a fresh Python."""
    from autograder import warm

    if warm.enabled():
        with contextlib.suppress(warm.Unavailable):
            return warm.grade(path, topic, grading.repo_root())
    argv = [sys.executable, "-m", "autograder.selfcheck", str(path), topic]
    proc = subprocess.run(argv, capture_output=True, text=True)
    if proc.returncode != 0:
        raise grading.GradingError(proc.stderr.strip() or f"the grader exited with code {proc.returncode}")
    return SubmissionResult.from_dict(json.loads(proc.stdout))


# -- what the visible tests said ---------------------------------------------------------------


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def visible_results(nb) -> list[tuple[str, str, str]]:
    """(question, status, message) for every graded cell, read from the outputs saved in ``nb``.

    status: "passed" (ran without error), "failed", "not run" (no output saved), "by hand".
    """
    rows = []
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if not meta.get("grade"):
            continue
        if cell.cell_type == "markdown" or meta.get("solution"):
            rows.append((meta["grade_id"], "by hand", ""))
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            rows.append(
                (meta["grade_id"], "failed", f"{errors[0].get('ename', 'Error')}: {errors[0].get('evalue', '')}")
            )
        elif cell.get("execution_count") is None:
            rows.append((meta["grade_id"], "not run", ""))
        else:
            rows.append((meta["grade_id"], "passed", ""))
    return rows


# -- the report --------------------------------------------------------------------------------


@dataclass
class Report:
    """What ``check_my_work`` has to say: a heading, notes, the summary (the total: it comes first),
    and a table of rows whose last field is a message shown under the row."""

    title: str
    notes: list[str]
    header: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = dataclasses.field(default_factory=list)
    summary: str = ""

    def text(self, width: int = report.WIDTH) -> str:
        """Plain text within ``width`` columns, wrapped between words."""
        lines = [part for line in [self.title, *self.notes] for part in report.wrap(line, width)]
        if self.summary:
            lines += ["", *(part for line in self.summary.splitlines() for part in report.wrap(line, width))]
        if self.rows:
            lines += ["", *report.text_table(self.header, self.rows, width)]
        return "\n".join(lines)

    def html(self) -> str:
        """An HTML table; a status in colour (grey: not attempted); messages wrap between words."""
        e = html.escape
        cell = "text-align:left;vertical-align:top;padding:2px 10px"
        parts = [f"<div class='course-check'><h3>{e(self.title)}</h3>"]
        parts += [f"<p>{e(n)}</p>" for n in self.notes]
        if self.summary:
            parts += [f"<p class='course-total'><b>{e(line)}</b></p>" for line in self.summary.splitlines()]
        if self.rows:
            header = self.header if any(row[-1] for row in self.rows) else (*self.header[:-1], "")
            head = "".join(f"<th style='{cell}'>{e(h)}</th>" for h in header)
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
            for row in self.rows:
                tds = "".join(_html_cell(i, value, len(row), cell) for i, value in enumerate(row))
                parts.append(f"<tr>{tds}</tr>")
            parts.append("</tbody></table>")
        return "\n".join(parts) + "</div>"


STATUS_STYLE = {
    "passed": "color:#1a7f37;font-weight:bold",
    "failed": "color:#cf222e;font-weight:bold",
    "not attempted": "color:#6e7781",
}
# pre-wrap keeps the message's own line breaks; word-break/overflow-wrap normal break lines only
# between words (``overflow-wrap: anywhere`` cut them mid-word); a word longer than the cell scrolls
MESSAGE_STYLE = "margin:0;white-space:pre-wrap;word-break:normal;overflow-wrap:normal;overflow-x:auto"


def _html_cell(i: int, value: str, count: int, style: str) -> str:
    """One <td>: the label never wraps, a status in its colour, the message (last) as wrapped text."""
    e = html.escape
    if i == count - 1:
        return f"<td style='{style}'><pre style='{MESSAGE_STYLE}'>{e(value)}</pre></td>"
    extra = ";white-space:nowrap" if i == 0 else ""
    if value in STATUS_STYLE:
        extra += ";" + STATUS_STYLE[value]
    return f"<td style='{style}{extra}'>{e(value)}</td>"


def _saved_at(path: Path) -> str:
    mtime = path.stat().st_mtime
    ago = max(0, int(time.time() - mtime))
    when = time.strftime("%H:%M:%S", time.localtime(mtime))
    return (
        f"{path.name} as saved at {when} ({ago} s ago). Changed something since? Save (Ctrl+S) and run this cell again."
    )


def graded_report(result: SubmissionResult, saved_at: str, labels: dict[str, str] | None = None) -> Report:
    """The graded table: the total first, one row per graded cell named by its question.

    ``labels`` ({grade_id: label}) default to those of the topic's source notebook.
    """
    labels = report.labels_for(result.assignment) if labels is None else labels
    return Report(
        "Check my work: graded with the hidden tests",
        [f"Graded {saved_at}", "The hidden tests try other shapes and random values; their code is not shown."],
        ("question", "points", "status", "what failed"),
        report.result_rows(result, labels),
        "\n".join(report.totals(result)),
    )


def instructor_report(path: Path, why: str) -> Report:
    """No hidden tests here: say so, and what the visible tests said in the saved file."""
    title = "Check my work: the hidden tests are not available here"
    notes = [why, "Your instructor grades the hidden tests."]
    if not path.is_file():
        return Report(title, notes)
    nb = nbformat.read(str(path), as_version=4)
    labels = report.question_labels(nb)
    rows = []
    for gid, status, message in visible_results(nb):
        if status == "failed" and report.not_attempted(message):
            status, message = "not attempted", ""
        rows.append((labels.get(gid, gid), status, message))
    notes.append(f"What the visible tests said, from the outputs in {_saved_at(path)}")
    count = {s: sum(r[1] == s for r in rows) for s in ("passed", "failed", "not attempted", "not run")}
    summary = "Visible tests: " + ", ".join(f"{n} {s}" for s, n in count.items()) + "."
    return Report(title, notes, ("question", "status", "message"), rows, summary)


def check_report(topic: str) -> Report:
    """Grade the saved notebook of ``topic`` if the hidden tests are here; otherwise say what is known."""
    path = saved_notebook(topic)
    if path.name != f"{topic}.ipynb":
        return instructor_report(
            path,
            f"This notebook is saved as {path.name}; graders find the topic by the file name "
            f"{topic}.ipynb. Rename it (File > Rename) and run this cell again.",
        )
    if not path.is_file():
        return instructor_report(
            path,
            f"No saved notebook {topic}.ipynb in {path.parent}. Keep the file name of the student "
            "version, save it, and run this cell from the notebook's folder.",
        )
    root = hidden_tests_root(topic)
    if root is None:
        return instructor_report(path, "The hidden tests are not installed with the course here (a class copy).")
    if path == grading.notebook_path(topic, "source", root).resolve():
        return Report(
            "Check my work: this is the instructor's notebook",
            [f"{path} holds the solutions and the hidden tests; check_my_work grades a student copy."],
        )
    try:
        saved_at = _saved_at(path)  # before grading, which takes a while
        # (the warm grader grades; without one, the fresh Python that course.selfcheck started does)
        return graded_report(grade_notebook(path, topic), saved_at, report.labels_for(topic, root))
    except Exception as exc:  # the learner's cell must never fail because the grader did
        return Report("Check my work: the notebook could not be graded", [str(exc)[-3000:]])


# -- progress across the course ---------------------------------------------------------------


def not_graded(nb, topic: str, status: str, reason: str = "") -> SubmissionResult:
    """A result for a notebook that was not graded: every graded cell of ``nb`` (its nbgrader metadata) at
    0 points, the written answers not graded yet."""
    cells = []
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if meta.get("grade"):
            auto = cell.cell_type == "code" and not meta.get("solution")
            kind = "autograded" if auto else "manual"
            cells.append(CellResult(meta["grade_id"], kind, 0.0 if auto else None, float(meta.get("points", 0))))
    return SubmissionResult("me", topic, cells, status=status, reason=reason)


def answers(nb) -> dict[str, str]:
    """{grade_id: source} of the cells the learner writes in."""
    return {_nbgrader(c)["grade_id"]: c.source for c in nb.cells if _nbgrader(c).get("solution")}


def workspace_notebook(workspace: Path, topic: str) -> Path:
    """Where ``course lab`` puts a topic: ``<workspace>/<topic>/<topic>.ipynb``."""
    return workspace / topic / f"{topic}.ipynb"


def progress(
    workspace: Path, topics: list[str] | None = None, bar: bool = True, root: Path | None = None
) -> list[SubmissionResult]:
    """Grade every started notebook of ``workspace``; untouched or missing ones are not graded."""
    from tqdm import tqdm

    root = root or grading.repo_root()
    topics = topics or grading.assignments(root)
    rows, to_grade = {}, []
    for topic in topics:
        release = grading.notebook_path(topic, "release", root)
        ref = nbformat.read(str(release if release.is_file() else grading.notebook_path(topic, "source", root)), 4)
        mine = workspace_notebook(workspace, topic)
        if not mine.is_file():
            rows[topic] = not_graded(ref, topic, "missing", f"no {mine}")
            continue
        try:
            untouched = release.is_file() and answers(nbformat.read(str(mine), 4)) == answers(ref)
        except Exception:  # unreadable: grading it says why
            untouched = False
        if untouched:
            rows[topic] = not_graded(ref, topic, "not started")
        else:
            to_grade.append(topic)
    cache = _ProgressCache()
    for topic in list(to_grade):
        cached = cache.get(workspace_notebook(workspace, topic), topic, root)
        if cached is not None:
            rows[topic] = cached
            to_grade.remove(topic)
    for topic in tqdm(to_grade, desc="grading", unit="notebook", disable=not bar or None, leave=False):
        mine = workspace_notebook(workspace, topic)
        key = cache.key(mine, topic, root)  # before grading: a save while it runs is graded next time
        try:
            rows[topic] = grade_notebook(mine, topic)
            cache.put(mine, key, rows[topic])
        except grading.GradingError as exc:
            ref = nbformat.read(str(grading.notebook_path(topic, "source", root)), 4)
            rows[topic] = not_graded(ref, topic, "error", _first_line(exc))
    return [rows[t] for t in topics]


class _ProgressCache:
    """The grades of notebooks graded before, keyed by the notebook's bytes and the topic's source:
    ``course progress`` grades again only what was saved (or whose hidden tests changed) since."""

    def __init__(self):
        from autograder.autograde import cache_dir

        self.path = cache_dir() / "progress.json"
        try:
            self.entries = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.entries = {}

    @staticmethod
    def key(notebook: Path, topic: str, root: Path) -> str:
        """The notebook's bytes and the version of the topic's hidden tests (the engine's own digest)."""
        import hashlib

        from autograder.autograde import source_digest

        return hashlib.sha256(notebook.read_bytes() + source_digest(root, topic).encode()).hexdigest()

    def get(self, notebook: Path, topic: str, root: Path) -> SubmissionResult | None:
        entry = self.entries.get(str(notebook.resolve()))
        if not entry or entry.get("key") != self.key(notebook, topic, root) or "result" not in entry:
            return None
        return SubmissionResult.from_dict(entry["result"])

    def put(self, notebook: Path, key: str, row: SubmissionResult) -> None:
        self.entries[str(notebook.resolve())] = {"key": key, "result": dataclasses.asdict(row)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.entries, indent=1, sort_keys=True))
        tmp.replace(self.path)


def _first_line(exc: Exception) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__


def _bar(points: float, total: float, width: int = 20) -> str:
    filled = round(width * points / total) if total else 0
    return "#" * filled + "." * (width - filled)


def progress_report(rows: list[SubmissionResult], workspace: Path) -> Report:
    table = []
    for r in rows:
        status = {
            "graded": "full marks" if r.auto_score == r.auto_max else "in progress",
            "not started": "not started",
            "missing": "not in the workspace (run `course lab`)",
            "error": f"could not be graded: {r.reason}",
        }[r.status]
        table.append(
            (
                r.assignment,
                f"{r.auto_score:g}/{r.auto_max:g}",
                _bar(r.auto_score, r.auto_max),
                f"+{r.manual_max:g}" if r.manual_max else "",
                status,
                "",
            )
        )
    earned, total = sum(r.auto_score for r in rows), sum(r.auto_max for r in rows)
    return Report(
        f"Progress in {workspace}",
        ["Autograded points with the hidden tests; written answers (+N) are graded by a person."],
        ("topic", "points", "", "written", "status", ""),
        table,
        f"Total: {earned:g}/{total:g} autograded points.",
    )


def show(fmt: str, what: str, arg: str | None = None) -> int:
    """``python -m autograder.selfcheck --show html|text check TOPIC | progress [WORKSPACE]``: print the
    report (course.selfcheck's cells show it). Never fails: an error is a report too."""
    try:
        if what == "check":
            rep = check_report(arg)
        else:
            from autograder.lab import default_workspace

            ws = Path(arg) if arg else default_workspace()
            rep = progress_report(progress(ws, bar=False), ws)
    except Exception as exc:  # the learner's cell must never fail because the grader did
        rep = Report("Check my work: the notebook could not be graded", [f"{type(exc).__name__}: {exc}"[-3000:]])
    print(rep.html() if fmt == "html" else rep.text())
    return 0


def _main(argv: list[str]) -> int:
    """``python -m autograder.selfcheck NOTEBOOK TOPIC``: grade, print the result as JSON."""
    if argv and argv[0] == "--show":
        return show(argv[1], argv[2], argv[3] if len(argv) > 3 else None)
    path, topic = Path(argv[0]), argv[1]
    try:
        result = grade_notebook(path, topic)
    except grading.GradingError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(json.dumps(dataclasses.asdict(result)))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
