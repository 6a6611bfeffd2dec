"""Mutants: plausible wrong answers (tests/mutants/<topic>.py) must lose points.

The reference notebook runs once in-process; each mutant replaces its function in that
namespace, and the test cells that call the function run again in the judge, the mutant answering
over autograder.wire, as every grading path grades (`course autograde`, Check my work, `course grade`):
at least one must fail. Correct alternatives must pass both there and with the tests in the same
namespace (as the visible tests run in the student's own kernel, and stock nbgrader, the oracle).
"""

from __future__ import annotations

import nbharness
import pytest

TOPICS = nbharness.topics()
CASES = [
    pytest.param(a, fn, desc, id=f"{a}:{fn}:{desc}")
    for a in TOPICS
    for fn, muts in nbharness.load_mutants(a).items()
    for desc in muts
]


@pytest.mark.parametrize("assignment", TOPICS)
def test_every_graded_function_has_three_mutants(assignment):
    nb = nbharness.read(assignment)
    functions = nbharness.graded_functions(nb)
    catalog = nbharness.load_mutants(assignment)
    thin = {fn: len(catalog.get(fn, {})) for fn in functions if len(catalog.get(fn, {})) < 3}
    assert not thin, f"graded functions with fewer than 3 mutants in tests/mutants/{assignment}.py: {thin}"
    unknown = set(catalog) - set(functions)
    assert not unknown, f"mutants for functions the notebook does not grade: {unknown}"
    untested = [fn for fn in functions if not nbharness.cells_testing(nb, fn)]
    assert not untested, f"graded functions no test cell calls: {untested}"


@pytest.mark.parametrize("assignment,function,description", CASES)
def test_mutant_loses_points(namespaces, assignment, function, description, monkeypatch):
    """In the judge, as every grading path grades (course autograde, Check my work, course grade)."""
    monkeypatch.setenv("COURSE_PROPERTY_FAST_FAIL", "1")  # the verdict is the same; no time spent shrinking
    ns = namespaces(assignment)
    nb = nbharness.read(assignment)
    source = nbharness.load_mutants(assignment)[function][description]
    assert function in nbharness.defined_functions(source), f"the mutant does not define {function}"
    cells = nbharness.cells_testing(nb, function)
    with nbharness.substituted(ns, source):
        outcomes = nbharness.run_test_cells_judged(assignment, ns, cells, seconds=30)
    caught = [o for o in outcomes if not o.passed]
    assert caught, (
        f"mutant {description!r} of {function} passes every test cell that calls it "
        f"({[o.grade_id for o in outcomes]}): the hidden tests are too weak"
    )


CORRECT_CASES = [
    pytest.param(a, fn, desc, id=f"{a}:{fn}:{desc}")
    for a in TOPICS
    for fn, impls in nbharness.load_catalog(a, "CORRECT").items()
    for desc in impls
]


@pytest.mark.parametrize("judged", [False, True], ids=["in_process", "judge"])
@pytest.mark.parametrize("assignment,function,description", CORRECT_CASES)
def test_correct_alternative_gets_full_marks(namespaces, assignment, function, description, judged):
    """Other correct implementations the text allows (``CORRECT`` in the catalog) pass every test cell."""
    ns = namespaces(assignment)
    nb = nbharness.read(assignment)
    source = nbharness.load_catalog(assignment, "CORRECT")[function][description]
    assert function in nbharness.defined_functions(source), f"the alternative does not define {function}"
    cells = nbharness.cells_testing(nb, function)
    with nbharness.substituted(ns, source):
        run = nbharness.run_test_cells_judged if judged else nbharness.run_test_cells
        outcomes = run(assignment, ns, cells, seconds=60)
    failed = [f"{o.grade_id}: {o.error}" for o in outcomes if not o.passed]
    assert not failed, f"a correct {function} ({description}) loses points: {failed}"
