"""Plain-text tables of grades for the terminal."""

from __future__ import annotations

import textwrap

from course.grading import SubmissionResult


def _points(p: float | None) -> str:
    return "-" if p is None else f"{p:g}"


def grade_table(result: SubmissionResult, width: int = 100) -> str:
    """One row per graded cell (points, status, the failure message), then the totals."""
    rows = [("question", "points", "status")]
    notes: list[tuple[str, str]] = []
    for c in result.cells:
        status = {"passed": "passed", "failed": "FAILED", "manual": "graded by hand"}[c.status]
        rows.append((c.grade_id, f"{_points(c.points)}/{c.max_points:g}", status))
        if c.status == "failed" and c.message:
            notes.append((c.grade_id, c.message))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    lines = [f"{r[0]:<{w0}}  {r[1]:>{w1}}  {r[2]}" for r in rows]
    lines.insert(1, "-" * min(width, w0 + w1 + 18))
    lines.append("-" * min(width, w0 + w1 + 18))
    lines.append(f"autograded: {result.auto_score:g}/{result.auto_max:g} points")
    if result.manual_max:
        lines.append(f"written answers: {result.manual_max:g} more points, graded by a person")
    if notes:
        lines.append("")
        lines.append("What failed:")
        for gid, msg in notes:
            body = textwrap.indent(_shorten(msg), "    ")
            lines.append(f"  {gid}:\n{body}")
    elif result.auto_max and result.auto_score == result.auto_max:
        lines.append("Every autograded test passes.")
    return "\n".join(lines)


def _shorten(msg: str, max_lines: int = 12) -> str:
    lines = msg.strip().splitlines()
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"... ({len(lines) - max_lines} more lines)"]
    return "\n".join(lines)
