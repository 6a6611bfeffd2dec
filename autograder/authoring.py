"""Tools for instructors who write or edit a source notebook.

Two uses:

* Build a notebook from Python (cell constructors below, then ``write_notebook``): every
  cell gets the nbgrader metadata of its kind and a stable id, so regenerating it is diffable.
* ``clean_notebook``: strip outputs, execution counts and editor metadata from a notebook
  edited in Jupyter, keeping the kernelspec and the nbgrader keys (``course clean``).

Cell kinds (nbgrader schema 3):

``md``        read-only explanation (locked markdown)
``code``      read-only code (setup, plots, experiments)
``answer``    autograded answer: code between ``### BEGIN SOLUTION`` / ``### END SOLUTION``
``tests``     autograded tests worth ``points``; hidden part between
              ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``
``manual``    manually graded written answer worth ``points``; the reference answer and the
              rubric sit between ``### BEGIN SOLUTION`` / ``### END SOLUTION``
``scratch``   an unlocked code cell the student may use freely (not graded)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat

SCHEMA = 3
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}


def _cell(cell_type: str, source: str, nbgrader: dict | None, cell_id: str | None = None) -> dict:
    source = source.strip("\n")
    cell = {"cell_type": cell_type, "metadata": {}, "source": source, "id": cell_id}
    if nbgrader is not None:
        cell["metadata"]["nbgrader"] = {**nbgrader, "schema_version": SCHEMA}
    if cell_type == "code":
        cell["outputs"] = []
        cell["execution_count"] = None
    return cell


def md(text: str, grade_id: str | None = None) -> dict:
    """Read-only markdown. ``grade_id`` is filled in by ``write_notebook`` when omitted."""
    return _cell("markdown", text, {"grade": False, "solution": False, "locked": True, "grade_id": grade_id})


def code(src: str, grade_id: str | None = None) -> dict:
    """Read-only code cell (setup, plots, experiments the student runs but does not edit)."""
    return _cell("code", src, {"grade": False, "solution": False, "locked": True, "grade_id": grade_id})


def answer(grade_id: str, src: str) -> dict:
    """Autograded answer cell; the solution must sit between BEGIN/END SOLUTION markers."""
    if "### BEGIN SOLUTION" not in src:
        raise ValueError(f"answer cell {grade_id} has no ### BEGIN SOLUTION marker")
    return _cell("code", src, {"grade": False, "solution": True, "locked": False, "grade_id": grade_id}, grade_id)


def tests(grade_id: str, points: int, src: str) -> dict:
    """Autograded test cell worth ``points``."""
    return _cell(
        "code",
        src,
        {"grade": True, "solution": False, "locked": True, "points": points, "grade_id": grade_id},
        grade_id,
    )


def manual(grade_id: str, points: int, src: str) -> dict:
    """Manually graded markdown answer worth ``points`` (reference answer and rubric inside)."""
    if "### BEGIN SOLUTION" not in src:
        raise ValueError(f"manual cell {grade_id} has no ### BEGIN SOLUTION marker")
    return _cell(
        "markdown",
        src,
        {"grade": True, "solution": True, "locked": False, "points": points, "grade_id": grade_id},
        grade_id,
    )


def scratch(src: str = "") -> dict:
    """A free code cell for the student (not graded, not locked)."""
    return _cell("code", src, None)


def _stable_id(prefix: str, index: int, source: str) -> str:
    digest = hashlib.sha1(f"{index}:{source}".encode()).hexdigest()[:8]
    return f"{prefix}-{digest}"


def write_notebook(cells: list[dict], path: str | Path, topic: str) -> Path:
    """Write ``cells`` as a clean nbformat-4.5 notebook at ``path``.

    topic: short prefix for generated ids of read-only cells (e.g. ``"linreg"``).
    Raises ValueError on a duplicate grade_id.
    """
    seen = set()
    for i, cell in enumerate(cells):
        nbg = cell["metadata"].get("nbgrader")
        if nbg is not None and nbg.get("grade_id") is None:
            nbg["grade_id"] = _stable_id(f"{topic}_{cell['cell_type'][:2]}", i, cell["source"])
        if cell["id"] is None:
            cell["id"] = (nbg or {}).get("grade_id") or _stable_id(topic, i, cell["source"])
        gid = cell["id"]
        if gid in seen:
            raise ValueError(f"duplicate cell id / grade_id {gid!r}")
        seen.add(gid)
    nb = nbformat.from_dict(
        {
            "cells": cells,
            "metadata": {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )
    nbformat.validate(nb)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(nb, path)
    return path


def _write(nb, path: Path) -> None:
    text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def clean_notebook(path: str | Path) -> bool:
    """Strip outputs, execution counts and non-nbgrader metadata in place.

    Returns True when the file changed.
    """
    path = Path(path)
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    nb.metadata = nbformat.from_dict({"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)})
    for cell in nb.cells:
        keep = {"nbgrader": cell.metadata["nbgrader"]} if "nbgrader" in cell.metadata else {}
        cell.metadata = nbformat.from_dict(keep)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.pop("attachments", None) if cell.cell_type == "code" else None
    _write(nb, path)
    return path.read_text(encoding="utf-8") != before


# -- the "check my work" cell -------------------------------------------------------------------
CHECK_CELL_SUFFIX = "_check_my_work"  # the marker: autograder.nbgrader_ext.DropSelfCheck looks for it


def check_my_work_cells(topic: str, prefix: str | None = None) -> list[dict]:
    """The two cells that end a notebook: how to check, and the locked cell that does it.

    topic: the notebook's name, e.g. ``"01_linear_regression"``. prefix: of the grade_ids
    (default: the topic without its number, ``"linear_regression"``). The code cell's grade_id
    ends with ``_check_my_work``; the autograder blanks that cell (``DropSelfCheck``).
    """
    prefix = prefix or topic.split("_", 1)[-1]
    intro = md(
        "## Check your work\n\n"
        "Save the notebook first (**Ctrl+S**, or **⌘S** on a Mac), then run the cell below. In a clone of "
        "the course it grades the saved file against the same hidden tests the instructors use and shows "
        "one row per question, without showing the hidden tests. In a class, your instructor grades the "
        "hidden tests; the cell then tells you what the visible tests said.",
        grade_id=f"{prefix}_check_my_work_intro",
    )
    src = f'from course.selfcheck import check_my_work\n\ncheck_my_work("{topic}")'
    check = code(src, grade_id=f"{prefix}{CHECK_CELL_SUFFIX}")
    for cell in (intro, check):
        cell["id"] = cell["metadata"]["nbgrader"]["grade_id"]
    return [intro, check]


def add_check_cell(path: str | Path, topic: str | None = None, prefix: str | None = None) -> bool:
    """Append the "check my work" cells to a source notebook unless it already has one.

    topic: default the file name (``01_linear_regression.ipynb`` -> ``01_linear_regression``).
    Returns True when the file changed. Run ``course release`` afterwards.
    """
    path = Path(path)
    topic = topic or path.name.removesuffix(".ipynb")
    nb = nbformat.read(str(path), as_version=4)
    if any(c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").endswith(CHECK_CELL_SUFFIX) for c in nb.cells):
        return False
    nb.cells.extend(nbformat.from_dict(c) for c in check_my_work_cells(topic, prefix))
    nbformat.validate(nb)
    _write(nb, path)
    return True
