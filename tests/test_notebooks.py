"""Every notebook in source/ end to end with real nbgrader: written once for all topics.

1. the source notebook runs and autogrades to full marks;
2. the release notebook has no solutions, hidden tests or outputs, and scores 0 unanswered;
3. release/ is what `course release` would generate now;
5. committed notebooks are clean.
"""

from __future__ import annotations

import json
import os
import re

import nbharness
import pytest

from autograder.grading import _normalise_notebook

TOPICS = nbharness.topics()
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)
SOLUTION = re.compile(r"### BEGIN SOLUTION(.*?)### END SOLUTION", re.S)
GRADE_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def test_course_has_topics():
    assert TOPICS, "no notebooks found in source/"
    assert TOPICS[0] == "01_linear_regression"


@pytest.mark.parametrize("assignment", TOPICS)
def test_source_autogrades_to_full_marks(graded, assignment):
    topic = graded(assignment)
    result = topic.reference
    auto = [c for c in result.cells if c.kind == "autograded"]
    assert auto, "the notebook has no autograded test cells"
    failed = [f"{c.grade_id}: {c.points}/{c.max_points} {c.message}" for c in auto if c.points != c.max_points]
    assert not failed, "reference solution loses points:\n" + "\n".join(failed)
    errors = [
        nbharness.nbgrader_meta(c).get("grade_id", f"cell {i}")
        for i, c in enumerate(topic.autograded_notebook("reference").cells)
        if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", []))
    ]
    assert not errors, f"cells raised an error when the reference ran top to bottom: {errors}"
    total = result.auto_max + result.manual_max
    assert 15 <= total <= 60, f"{assignment} is worth {total} points; aim for 20-40"


@pytest.mark.parametrize("assignment", TOPICS)
def test_the_class_run_draws_the_figures_the_learners_check_does_not(graded, assignment):
    """The instructor's run keeps every figure as an image (feedback shows it); a learner's check
    (autograde.grade_notebook, whose executed notebook nobody reads) skips the drawing, a third of the time."""

    def figures(nb) -> dict[str, int]:
        kinds: dict[str, int] = {}
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "display_data" and "Figure" in str(out["data"].get("text/plain")):
                    kind = "png" if "image/png" in out["data"] else "text"
                    kinds[kind] = kinds.get(kind, 0) + 1
        return kinds

    topic = graded(assignment)
    drawn = figures(topic.autograded_notebook("reference"))
    assert drawn.get("png") and not drawn.get("text"), drawn
    if assignment != "01_linear_regression":
        return  # (one learner grading is enough to show the other side)
    import nbformat

    from autograder.autograde import grade_notebook

    learner = topic.workdir / "learner"
    grade_notebook(topic.notebooks["reference"], assignment, course_dir=learner)
    path = learner / "autograded" / "me" / assignment / f"{assignment}.ipynb"
    assert figures(nbformat.read(str(path), as_version=4)) == {"text": drawn["png"]}


# Stock `nbgrader autograde` costs as much as the engine: make test asks it about one topic, `make oracle`
# (COURSE_ORACLE=all) about every topic. The tests as they run in the notebook's own namespace are the
# oracle for every topic (test_engine_grades_as_the_tests_run_in_the_notebook).
ORACLE_TOPICS = (
    TOPICS
    if os.environ.get("COURSE_ORACLE") == "all"
    else [t for t in TOPICS if t == "01_linear_regression"] or TOPICS[:1]
)


@pytest.mark.parametrize("assignment", ORACLE_TOPICS)
def test_engine_grades_as_stock_nbgrader(graded, assignment):
    """The oracle: the course's one engine (course autograde, Check my work, course grade) gives every
    cell of the reference and of the unanswered notebook the points stock `nbgrader autograde` gives it."""
    topic = graded(assignment)
    stock = topic.stock()
    for student, ours in (("reference", topic.reference), ("blank", topic.blank)):
        expected = [(c.grade_id, c.kind, c.points, c.max_points) for c in stock[student].cells]
        assert [(c.grade_id, c.kind, c.points, c.max_points) for c in ours.cells] == expected, student
    assert stock["reference"].auto_score == stock["reference"].auto_max > 0 and stock["blank"].auto_score == 0


@pytest.mark.parametrize("assignment", TOPICS)
def test_engine_grades_as_the_tests_run_in_the_notebook(graded, namespaces, assignment):
    """Every test cell passes when it runs in the reference notebook's own namespace (as in the learner's
    kernel and in stock nbgrader), and the engine, whose tests run in the judge, passes exactly those."""
    ns = namespaces(assignment)
    outcomes = nbharness.run_test_cells(assignment, ns, nbharness.test_cells(nbharness.read(assignment)))
    failed = [f"{o.grade_id}: {o.error!r}" for o in outcomes if not o.passed]
    assert outcomes and not failed, failed
    cells = graded(assignment).reference.cells
    engine = {c.grade_id: c.points == c.max_points for c in cells if c.kind == "autograded"}
    assert engine == {o.grade_id: o.passed for o in outcomes}


@pytest.mark.parametrize("assignment", TOPICS)
def test_release_unanswered_scores_zero(graded, assignment):
    result = graded(assignment).blank
    scored = [f"{c.grade_id}: {c.points}" for c in result.cells if c.kind == "autograded" and c.points]
    assert not scored, "unanswered release notebook earns points on:\n" + "\n".join(scored)
    assert result.auto_max == graded(assignment).reference.auto_max


@pytest.mark.parametrize("assignment", TOPICS)
def test_release_hides_solutions_and_hidden_tests(assignment):
    source = nbharness.read(assignment, "source")
    released = nbharness.read(assignment, "release")
    text = json.dumps(released)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"release contains {marker!r}"
    released_lines = {line.strip() for cell in released.cells for line in cell.source.splitlines()}
    leaked = sorted(hidden_only_lines(source) & released_lines)
    assert not leaked, f"hidden test lines appear in the release: {leaked[:3]}"
    leaked = sorted(solution_only_lines(source) & released_lines)
    assert not leaked, f"solution lines appear in the release: {leaked[:3]}"
    for cell in released.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, "release notebook carries outputs"


@pytest.mark.parametrize("assignment", TOPICS)
def test_release_in_sync_with_source(graded, assignment):
    generated = graded(assignment).release_dir
    committed = nbharness.ROOT / "release" / assignment
    gen_files = sorted(p.relative_to(generated) for p in generated.rglob("*") if p.is_file())
    com_files = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert gen_files == com_files, "release/ has other files than nbgrader generates: run `course release`"
    for rel in gen_files:
        data = (generated / rel).read_bytes()
        if rel.suffix == ".ipynb":
            data = _normalise_notebook(data)
        assert data == (committed / rel).read_bytes(), f"release/{assignment}/{rel} is stale: run `course release`"


@pytest.mark.parametrize("kind", ["source", "release"])
@pytest.mark.parametrize("assignment", TOPICS)
def test_committed_notebooks_are_clean(assignment, kind):
    nb = nbharness.read(assignment, kind)
    assert set(nb.metadata) <= {"kernelspec", "language_info"}, f"notebook metadata: {sorted(nb.metadata)}"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "a cell carries outputs"
        extra = set(cell.metadata) - {"nbgrader", "deletable", "editable"}
        assert not extra, f"cell metadata beyond nbgrader's: {extra}"


@pytest.mark.parametrize("assignment", TOPICS)
def test_grade_ids_and_points_follow_the_conventions(assignment):
    nb = nbharness.read(assignment)
    ids = [nbharness.nbgrader_meta(c).get("grade_id") for c in nb.cells if nbharness.nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), "duplicate grade_id"
    for cell in nb.cells:
        meta = nbharness.nbgrader_meta(cell)
        if meta.get("grade") or meta.get("solution"):
            assert GRADE_ID.match(meta["grade_id"]), f"grade_id {meta['grade_id']!r} is not snake_case"
        if nbharness.is_test(cell):
            assert 1 <= meta["points"] <= 3, f"{meta['grade_id']}: a test cell is worth 1-3 points"
            assert "### BEGIN HIDDEN TESTS" in cell.source, f"{meta['grade_id']} has no hidden tests"


def only_inside(source, block: re.Pattern) -> set[str]:
    """Lines (longer than 12 characters) inside ``block`` regions that occur nowhere else."""
    inside, elsewhere = set(), set()
    for cell in source.cells:
        for text in block.findall(cell.source):
            inside |= {line.strip() for line in text.splitlines() if len(line.strip()) > 12}
        elsewhere |= {line.strip() for line in block.sub("", cell.source).splitlines()}
    return inside - elsewhere


def hidden_only_lines(source) -> set[str]:
    return only_inside(source, HIDDEN)


def solution_only_lines(source) -> set[str]:
    return only_inside(source, SOLUTION)


def _visible_text(html_text: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


@pytest.mark.parametrize("assignment", TOPICS)
def test_feedback_shows_messages_but_no_hidden_tests(graded, assignment):
    topic = graded(assignment)
    hidden = hidden_only_lines(nbharness.read(assignment, "source"))
    page = _visible_text(topic.feedback_page("blank").read_text())
    page_lines = {line.strip() for line in page.splitlines()}
    leaked = [line for line in hidden if line in page_lines]
    assert not leaked, f"feedback shows hidden test lines: {leaked[:3]}"
    assert "NotImplementedError" in page, "feedback should say why the unanswered cells failed"
