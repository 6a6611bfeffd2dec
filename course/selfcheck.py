"""The "Check my work" cell: the saved notebook graded with the hidden tests, shown in the notebook.

The last cell of every student notebook runs ``check_my_work("NN_topic")``. Grading is not done in
the learner's kernel: a fresh Python runs the grading engine (``python -m autograder.selfcheck``),
which grades the *saved* file exactly as the instructor's ``course autograde`` would, and prints a
table per question (HTML here). Nothing of the grading, and none of the hidden tests, ever lands in
the kernel. Where the engine is not installed (a class copy of the notebooks), the cell says so.

``show_progress()`` is the same for the whole course: points per topic (``course progress``).
"""

from __future__ import annotations

import html
import importlib.util
import subprocess
import sys


def _in_jupyter() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def _report(fmt: str, args: list[str]) -> str:
    """What the engine prints for ``args``, or why there is nothing to show (never raises)."""
    if importlib.util.find_spec("autograder") is None:
        text = "The grading engine is not installed here (a class copy): your instructor grades the hidden tests."
        return f"<p>{html.escape(text)}</p>" if fmt == "html" else text
    argv = [sys.executable, "-m", "autograder.selfcheck", "--show", fmt, *args]
    proc = subprocess.run(argv, capture_output=True, text=True)
    if proc.returncode == 0 and proc.stdout.strip():
        return proc.stdout
    why = (proc.stderr.strip() or f"the grader exited with code {proc.returncode}")[-3000:]
    text = f"Check my work: the notebook could not be graded.\n{why}"
    return f"<pre>{html.escape(text)}</pre>" if fmt == "html" else text


def _show(args: list[str], waiting: str) -> None:
    if _in_jupyter():
        from IPython.display import HTML, display

        handle = display(HTML(f"<p><i>{html.escape(waiting)}</i></p>"), display_id=True)
        handle.update(HTML(_report("html", args)))
    else:
        print(waiting, flush=True)
        print(_report("text", args).rstrip("\n"))


def check_my_work(topic: str) -> None:
    """Grade the saved notebook of ``topic`` and show a table per question (HTML in Jupyter)."""
    _show(["check", topic], f"Grading the saved {topic}.ipynb with the hidden tests (it runs the whole notebook)...")


def show_progress(workspace: str | None = None) -> None:
    """The ``course progress`` table in a notebook (grades the notebooks saved since the last time)."""
    where = str(workspace) if workspace else "your workspace"
    _show(["progress", *([str(workspace)] if workspace else [])], f"Grading the started notebooks in {where}...")
