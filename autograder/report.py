"""Tables of grades, by question: ``course grade`` prints them; Check my work shows them too.

A row is named after the question it grades ("Q5 least_squares_closed_form · test 1 of 2"), read from
the notebook's markdown, not by the test's grade_id. An answer left as the stub (its test fails with
NotImplementedError) is "not attempted", counted apart from a wrong answer. The total comes first.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter

from autograder.grading import CellResult, SubmissionResult

MAX_LABEL = 50
WIDTH = 100
MESSAGE_INDENT = 6

# "**Question 5 (3 points).**", "**Question 2.2, second part**", "**Questions.**" (no number)
_QUESTION = re.compile(r"\*\*Questions?\b(?:\s+(\d+[a-z]?(?:\.\d+[a-z]?)?))?")
# "## 3. The closed form", "### 1.5b Why...", "### 5b. Leave the bias alone"
_HEADING = re.compile(r"^#{2,4}[ \t]+(\d+[a-z]?(?:\.\d+[a-z]?)*)(?=[.\s])", re.M)
_ANY_HEADING = re.compile(r"^#{1,4}[ \t]+\S", re.M)
_NAME = re.compile(r"`([A-Za-z_]\w*)")
_DEF = re.compile(r"^(?:def|class)\s+([A-Za-z_]\w*)", re.M)


# -- which question a graded cell belongs to ---------------------------------------------------


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _events(text: str) -> list[tuple[str, str | None, str]]:
    """The headings and question markers of a markdown text, in order: (kind, number, text after it).

    kind is "heading" (number None if unnumbered), "question" (number None for "**Question.**") or
    "text" (what comes before the first marker: it continues the question asked before).
    """
    marks = [(m.start(), "question", m.group(1), m.end()) for m in _QUESTION.finditer(text)]
    numbered = {m.start(): m.group(1) for m in _HEADING.finditer(text)}
    marks += [(m.start(), "heading", numbered.get(m.start()), m.end()) for m in _ANY_HEADING.finditer(text)]
    marks.sort()
    events = [("text", None, text[: marks[0][0] if marks else len(text)])]
    for i, (_, kind, number, end) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        events.append((kind, number, text[end:stop]))
    return events


class _Reader:
    """Walks a notebook once, remembering the section, the questions asked since, and the last answer."""

    def __init__(self):
        self.section: str | None = None  # "§1.5": the last numbered heading
        self.asked: list[tuple[str | None, set[str]]] = []  # (question, `names` it mentions) since it
        self.question: str | None = None  # the question of the last answer cell
        self.functions: list[str] = []  # what the last answer cell defines
        self.found: dict[str, tuple[str | None, str, str]] = {}  # grade_id: (question, subject, kind)

    def markdown(self, text: str) -> None:
        for kind, number, body in _events(text):
            names = set(_NAME.findall(body))
            if kind == "heading":
                if number is not None:  # "### The syllabus table" stays in its section
                    self.section, self.asked, self.question = f"§{number}", [], None
                elif self.asked:
                    self.asked[-1][1].update(names)
            elif kind == "question":
                self.asked.append((f"Q{number}" if number else self.section, names))
            elif self.asked:
                self.asked[-1][1].update(names)

    def answer(self, source: str) -> None:
        """An answer cell: the question that mentions one of its functions, else the last one asked."""
        self.functions = _DEF.findall(source)
        named = [q for q, names in self.asked if names & set(self.functions)]
        last = self.asked[-1][0] if self.asked else None
        self.question = (named[-1] if named else last) or self.question or self.section

    def test(self, grade_id: str) -> None:
        question = self.question or (self.asked[-1][0] if self.asked else self.section)
        self.found[grade_id] = (question, self._subject(grade_id), "test")

    def written(self, grade_id: str, source: str) -> None:
        """A written answer: the question it opens with, else the last one asked."""
        own = _QUESTION.search(source.split("### BEGIN SOLUTION")[0])
        question = self.asked[-1][0] if self.asked else (self.question or self.section)
        if own:
            question = f"Q{own.group(1)}" if own.group(1) else self.section
        self.found[grade_id] = (question, "written answer", "written")

    def _subject(self, grade_id: str) -> str:
        """The function a test checks: the answer's function named in the test's id, else its first."""
        named = [f for f in self.functions if f in grade_id]
        if named:
            return max(named, key=len)
        return self.functions[0] if self.functions else ""


def _located(nb) -> dict[str, tuple[str | None, str, str]]:
    reader = _Reader()
    for cell in nb.cells:
        meta = _nbgrader(cell)
        solution, graded = meta.get("solution"), meta.get("grade")
        if cell.cell_type == "markdown" and not (solution or graded):
            reader.markdown(cell.source)
        elif cell.cell_type == "code" and solution:
            reader.answer(cell.source)
            if graded:  # an autograded answer cell (rare): its own test
                reader.test(meta["grade_id"])
        elif graded and cell.cell_type == "markdown":
            reader.written(meta["grade_id"], cell.source)
        elif graded:
            reader.test(meta["grade_id"])
    return reader.found


def _fit(question: str | None, subject: str, suffix: str) -> str:
    """``question subject suffix`` in at most MAX_LABEL characters, shortening the subject."""
    head = f"{question} " if question else ""
    room = MAX_LABEL - len(head) - len(suffix)
    if len(subject) > room:
        subject = subject[: max(room - 1, 1)] + "…"
    return f"{head}{subject}{suffix}"


def question_labels(nb) -> dict[str, str]:
    """{grade_id: a short, unique label} for every graded cell of ``nb``, naming its question.

    "Q5 least_squares_closed_form · test 1 of 2", "Q4 written answer", "§1.1 pca_fit" (a question
    without a number: its section). A learner finds the question by that label; the grade_id
    (``linreg_least_squares_closed_form_matches_lstsq``) says nothing about where it is.
    Cells with neither a question nor a function keep their grade_id.
    """
    found = _located(nb)
    groups = Counter((q, s) for q, s, _ in found.values())
    seen: Counter = Counter()
    labels = {}
    for gid, (question, subject, kind) in found.items():
        if not subject or (kind == "written" and not question):
            labels[gid] = gid
            continue
        seen[question, subject] += 1
        n = groups[question, subject]
        suffix = "" if n == 1 else f" · {'test ' if kind == 'test' else ''}{seen[question, subject]} of {n}"
        labels[gid] = _fit(question, subject, suffix)
    repeated = {label for label, count in Counter(labels.values()).items() if count > 1}
    return {gid: gid if label in repeated else label for gid, label in labels.items()}


def labels_for(topic: str, root=None) -> dict[str, str]:
    """``question_labels`` of the topic's source notebook; {} (grade_ids) if it cannot be read."""
    import nbformat

    from autograder import grading

    try:
        return question_labels(nbformat.read(str(grading.notebook_path(topic, "source", root)), as_version=4))
    except Exception:  # a label is a nicety: never fail a grade table for it
        return {}


# -- status and totals -------------------------------------------------------------------------


def not_attempted(message: str) -> bool:
    """The test stopped on the answer's stub (``raise NotImplementedError``): nothing written yet."""
    return message.lstrip().startswith("NotImplementedError")


def cell_status(cell: CellResult) -> str:
    """The status a learner reads: passed, failed, not attempted (the stub), graded by hand."""
    if cell.status == "manual":
        return "graded by hand"
    if cell.status == "failed" and not_attempted(cell.message):
        return "not attempted"
    return cell.status


def totals(result: SubmissionResult) -> list[str]:
    """The lines that open a table: autograded points and counts, then the written answers."""
    counts = Counter(cell_status(c) for c in result.cells if c.kind == "autograded")
    parts = [f"{counts[s]} {s}" for s in ("passed", "failed", "not attempted") if counts[s]]
    line = f"{result.auto_score:g}/{result.auto_max:g} autograded points · " + (", ".join(parts) or "no tests")
    lines = [line]
    if result.manual_max:
        more = f"{result.manual_max:g} more point" + ("" if result.manual_max == 1 else "s")
        lines.append(f"Written answers: {more}, graded by a person.")
    if result.auto_max and result.auto_score == result.auto_max:
        lines.append("Every autograded test passes, hidden ones included.")
    return lines


def result_rows(result: SubmissionResult, labels: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(question, points, status, message) per graded cell; the message only for a wrong answer."""
    rows = []
    for c in result.cells:
        status = cell_status(c)
        points = f"{'-' if c.points is None else f'{c.points:g}'}/{c.max_points:g}"
        rows.append((labels.get(c.grade_id, c.grade_id), points, status, c.message if status == "failed" else ""))
    return rows


# -- text ----------------------------------------------------------------------------------------


def wrap(text: str, width: int = WIDTH, indent: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken between words (a word longer than a
    whole line is the only thing cut); its own line breaks and indentation are kept."""
    lines = []
    for line in text.splitlines() or [""]:
        lead = indent + line[: len(line) - len(line.lstrip())]
        lines += textwrap.wrap(
            line.strip(),
            width=width,
            initial_indent=lead,
            subsequent_indent=lead,
            break_on_hyphens=False,
        ) or [indent.rstrip()]
    return lines


def _shorten(msg: str, max_lines: int = 12) -> str:
    lines = msg.strip().splitlines()
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"... ({len(lines) - max_lines} more lines)"]
    return "\n".join(lines)


def text_table(header: tuple[str, ...], rows: list[tuple[str, ...]], width: int = WIDTH) -> list[str]:
    """Columns for every field but the last; the last (a message) wrapped under its row, indented.

    The last visible column wraps too, so that no line passes ``width``.
    """
    shown = len(header) - 1
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(shown)]
    offset = sum(widths[:-1]) + 2 * (shown - 1)
    widths[-1] = min(widths[-1], max(width - offset, 10))

    def line(values) -> list[str]:
        cells = [f"{str(v):<{w}}" for v, w in zip(values[:-1], widths[:-1], strict=True)]
        first = "".join(c + "  " for c in cells)
        tail = wrap(str(values[-1]), width - offset) if values[-1] else [""]
        return [(first + tail[0]).rstrip()] + [" " * offset + t for t in tail[1:]]

    lines = [*line(header[:shown]), "-" * min(width, offset + widths[-1])]
    for row in rows:
        lines += line(row[:shown])
        if row[-1]:
            lines += wrap(str(row[-1]), width, " " * MESSAGE_INDENT)
    return lines


def grade_table(result: SubmissionResult, width: int = WIDTH, labels: dict[str, str] | None = None) -> str:
    """The total first, then one row per graded cell named by its question, a wrong answer's
    message wrapped under its row. ``labels`` default to those of the topic's source notebook."""
    labels = labels_for(result.assignment) if labels is None else labels
    lines = [part for line in totals(result) for part in wrap(line, width)]
    lines.append("")
    rows = [(*row[:-1], _shorten(row[-1])) for row in result_rows(result, labels)]  # a terminal: 12 lines
    lines += text_table(("question", "points", "status", ""), rows, width)
    return "\n".join(lines)
