"""Feedback pages render their math without internet: MathML written into the page, no MathJax CDN."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from autograder import authoring as A
from autograder import grading
from autograder.mathml import render_math

REPO = Path(__file__).resolve().parent.parent
TOPIC = "00_mathy"
NB = f"{TOPIC}.ipynb"
TEXT = (
    "The gradient is $\\nabla_w J = \\frac{2}{m}X^\\top(Xw - y)$, and\n"
    "$$\\begin{aligned} h_t &= \\tanh(W_{hh}h_{t-1}) &&\\text{state}\\\\ y_t &= W h_t\\end{aligned}$$\n"
    'Code stays code: `f"$x$"`, and a price is \\$5.'
)


def test_render_math_turns_inline_and_display_math_into_mathml_and_leaves_code_alone():
    out = render_math(TEXT)
    assert out.count("<math ") == 2
    assert 'display="inline"' in out and 'display="block"' in out
    assert "<mfrac>" in out and "<mtable>" in out  # a fraction and the aligned block
    assert '`f"$x$"`' in out and "\\$5" in out  # a code span and an escaped dollar are untouched
    assert "\\frac" not in out and "\\tanh" not in out


def test_unreadable_latex_is_left_as_it_was():
    assert render_math("$\\begin{nonsense}x$") == "$\\begin{nonsense}x$"


@pytest.fixture(scope="module")
def feedback_html(tmp_path_factory) -> str:
    """A tiny topic with math in its markdown, released, submitted, autograded, fed back by nbgrader."""
    root = tmp_path_factory.mktemp("repo")
    (root / "autograder").mkdir()
    shutil.copy(REPO / "autograder" / "nbgrader_config.py", root / "autograder")
    cells = [
        A.md("# Math\n\n" + TEXT),
        A.answer("double", "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"),
        A.tests("test_double", 1, "assert double(3) == 6, 'double(3) should be 6'"),
    ]
    A.write_notebook(cells, root / "source" / TOPIC / NB, "mathy")
    old = os.environ.get("COURSE_ROOT")
    os.environ["COURSE_ROOT"] = str(root)
    try:
        cd = grading.CourseDir(tmp_path_factory.mktemp("cd") / "course", root)
        release = json.loads((cd.generate(TOPIC) / NB).read_text())
        hand_in = tmp_path_factory.mktemp("hand_in") / NB
        hand_in.write_text(json.dumps(release))
        cd.submit("ann", TOPIC, hand_in)
        cd.autograde(TOPIC, "ann")
        return cd.feedback(TOPIC, "ann").read_text()
    finally:
        if old is None:
            os.environ.pop("COURSE_ROOT", None)
        else:
            os.environ["COURSE_ROOT"] = old


def test_feedback_page_has_rendered_math_and_loads_nothing_from_the_network(feedback_html):
    html = feedback_html
    assert "<math " in html and "<mfrac>" in html and "<mtable>" in html
    assert "\\frac{2}{m}" not in html and "\\begin{aligned}" not in html  # no raw LaTeX left
    assert "cdnjs" not in html and "x-mathjax-config" not in html and "MathJax.Hub" not in html
    assert '<script src="http' not in html and "<script src='http" not in html
