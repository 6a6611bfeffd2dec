"""``course new-topic NN_name``: the start of a new topic, in the shape every topic has.

An author who copies an old notebook to start a new one inherits its questions, its grade_ids and,
since a rebuild from a script drops it, sometimes not its "check my work" cell. The scaffold
writes a small notebook that already follows the course's conventions instead: the setup cell,
one example question with its answer cell, a test cell with visible and hidden tests (called
through the contract, compared with a reference by ``check_against_reference``), the check cell,
and the mutant catalog the test suite reads (``tests/mutants/NN_name.py``). The author replaces
the example; ``course release`` and ``make test`` work on the scaffold as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder import authoring as A
from autograder import grading

# The name is also the prefix of grade_ids, which tests/test_notebooks.py holds to snake_case
# (``^[a-z][a-z0-9]*(_[a-z0-9]+)+$``): so no empty parts ("a__b", "a_") in the name either.
NAME_RE = re.compile(r"^\d\d_[a-z0-9]+(_[a-z0-9]+)*$")


class ScaffoldError(ValueError):
    """The topic cannot be created; the message says why and what to do instead."""


def check_name(topic: str, root: Path) -> None:
    """Refuse a name the course could not use, or one that would clash with an existing topic.

    Two topics with one number would make ``course release NN`` ambiguous, so the number counts too.
    """
    if not NAME_RE.match(topic) or not grading.NOTEBOOK_DIR_RE.match(topic):
        raise ScaffoldError(
            f"{topic!r} is not a topic name: use two digits, an underscore and lower-case words joined by "
            "single underscores, e.g. 09_attention"
        )
    if (root / "source" / topic).exists():
        raise ScaffoldError(f"source/{topic} exists already; choose another name or edit that notebook")
    if (root / "tests" / "mutants" / f"{topic}.py").exists():
        raise ScaffoldError(f"tests/mutants/{topic}.py exists already; remove it or choose another name")
    number = topic[:2]
    taken = [t for t in grading.assignments(root) if t[:2] == number]
    if taken:
        raise ScaffoldError(
            f"number {number} is taken by {taken[0]} (`course release {number}` must name one topic); "
            "choose the next free number"
        )


def grade_prefix(topic: str) -> str:
    """The grade_id prefix: the name without its number ("09_attention" -> "attention").

    A grade_id must start with a letter, so a name such as "09_2d_conv" gets a "t" in front.
    """
    words = topic.split("_", 1)[1]
    return words if words[0].isalpha() else f"t{words}"


def title(topic: str) -> str:
    """"09_attention_heads" -> "09 · Attention heads" (the first line of every notebook)."""
    number, words = topic.split("_", 1)
    return f"{number} · {words.replace('_', ' ').capitalize()}"


SETUP = """
import numpy as np
import torch

from course.checks import check_close
from course.guard import call_without_torch

# Add what your tests use (`make lint` rejects unused imports): check_equal and check_true from
# course.checks, check_gradient from course.gradients, matplotlib.pyplot as plt for plots.
rng = np.random.default_rng(0)
torch.manual_seed(0)
np.set_printoptions(precision=4, suppress=True)
"""

ANSWER = '''
def square(x):
    """x squared, entry by entry.

    x: a number or an array of numbers (ints allowed).
    Returns a new float array (0-d for a number) with the shape of x; x is not changed.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    return x * x
    ### END SOLUTION
'''

TESTS = """
# By hand: 3 squared is 9, and squaring acts entry by entry (negative entries become positive).
check_close("square(3.0)", call_without_torch("square", square, 3.0), 9.0)
check_close("square of (-1, 0, 2)", call_without_torch("square", square, np.array([-1.0, 0.0, 2.0])),
            np.array([1.0, 0.0, 4.0]))
### BEGIN HIDDEN TESTS
from hypothesis import strategies as st  # noqa: E402, F811

from course.properties import check_against_reference, dims, values  # noqa: E402, F811

any_shape_h = st.lists(dims(1, 4), min_size=0, max_size=3).map(tuple)


def ref_square_h(x):
    x = np.asarray(x, dtype=float)
    return x * x


check_against_reference("square", square, ref_square_h, st.tuples(values(any_shape_h, -1e3, 1e3)), labels=["x"])
check_close("square of an int matrix", call_without_torch("square", square, np.array([[1, -2], [0, 3]])),
            np.array([[1.0, 4.0], [0.0, 9.0]]))
### END HIDDEN TESTS
"""


def notebook_cells(topic: str) -> list[dict]:
    """The cells of the new notebook, each a placeholder the author rewrites."""
    prefix = grade_prefix(topic)
    return [
        A.md(
            f"# {title(topic)}\n\n"
            "*Author: say in two sentences what this notebook teaches, then list what the reader will be "
            "able to do afterwards and how long the core path takes.*"
        ),
        A.md(
            "**How the checks work.** Every answer cell is followed by a test cell. The visible tests are "
            "small cases you can verify by hand; when your notebook is graded, hidden tests add random "
            "inputs, other shapes and properties. Answers must use NumPy only: PyTorch is the grader's "
            "oracle, so an answer that calls it fails with a message saying so. Run the cells from top "
            "to bottom."
        ),
        A.code(SETUP),
        A.md(
            "## 1. An example question\n\n"
            "*Author: replace this section with the first question: explanation, then the question, "
            "then the answer cell, then its tests.*\n\n"
            "**Question 1 (1 point).** Write `square`: $x^2$ for every entry of $x$."
        ),
        A.answer(f"{prefix}_square_answer", ANSWER),
        A.tests(f"{prefix}_square_values", 1, TESTS),
        *A.check_my_work_cells(topic, prefix),
    ]


def mutant_catalog(topic: str) -> str:
    """The text of ``tests/mutants/<topic>.py``: wrong answers to the example, in the suite's format."""
    return f'''"""Plausible wrong answers for {topic}: each must lose points on its function's test cells.

CORRECT holds other implementations the text allows (they must get full marks), EQUIVALENT the
automatic mutants (tests/mutation.py) that compute the same thing on the whole declared domain,
with the reason. Replace the example's entries when you replace the example question.
"""

MUTANTS = {{
    "square": {{
        "doubled instead of squared": """
def square(x):
    return 2 * np.asarray(x, dtype=float)
""",
        "a matrix comes back flattened (right for numbers and vectors)": """
def square(x):
    x = np.asarray(x, dtype=float)
    return (x * x).reshape(-1) if x.ndim > 1 else x * x
""",
        "squared in place: the caller's array changes": """
def square(x):
    x = np.asarray(x, dtype=float)
    x *= x
    return x
""",
    }},
}}

CORRECT = {{
    "square": {{
        "np.multiply with a float result": """
def square(x):
    return np.multiply(x, x, dtype=float)
""",
    }},
}}

EQUIVALENT = {{}}
'''


def new_topic(topic: str, root: Path | None = None) -> list[Path]:
    """Create ``source/<topic>/<topic>.ipynb`` and ``tests/mutants/<topic>.py``; return their paths.

    Raises ScaffoldError (nothing written) if the name is invalid or the topic exists.
    """
    root = root or grading.repo_root()
    check_name(topic, root)
    notebook = A.write_notebook(notebook_cells(topic), root / "source" / topic / f"{topic}.ipynb", grade_prefix(topic))
    catalog = root / "tests" / "mutants" / f"{topic}.py"
    catalog.parent.mkdir(parents=True, exist_ok=True)
    catalog.write_text(mutant_catalog(topic), encoding="utf-8")
    return [notebook, catalog]


def next_steps(topic: str) -> str:
    """What the author does after the scaffold, in order (printed by ``course new-topic``)."""
    return "\n".join(
        [
            "next:",
            f"  1. edit source/{topic}/{topic}.ipynb:",
            "     replace the example question with yours (20-40 points in all), in JupyterLab",
            "     (then `course clean`) or from a script that uses autograder/authoring.py",
            f"  2. edit tests/mutants/{topic}.py: three wrong answers or more per graded function,",
            f"     then `python tests/mutation.py {topic} --show` until each survivor is killed",
            "     or listed in EQUIVALENT with its reason",
            f"  3. `course release {topic}` (it adds the check cell if the notebook lost it),",
            "     then `make test`",
        ]
    )
