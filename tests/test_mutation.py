"""The automatic mutation run (tests/mutation.py): its operators, and the score of each notebook.

For the notebooks built with the method of the hidden-tests issue, every mutant of every reference
solution is graded with the notebook's tests; each one that survives must be listed as equivalent
(with the reason) in ``EQUIVALENT`` of ``tests/mutants/<topic>.py``.
"""

from __future__ import annotations

import os
import textwrap

import mutation
import nbharness
import pytest

METHOD_TOPICS = nbharness.METHOD_TOPICS
# make test grades every SAMPLE-th mutant of each notebook (COURSE_MUTATION_SAMPLE); `make mutate`
# grades them all.
SAMPLE = int(os.environ.get("COURSE_MUTATION_SAMPLE", "1"))

TOY = textwrap.dedent(
    """
    def relu_grad(x, dout):
        \"\"\"Docstring.\"\"\"
        ### BEGIN SOLUTION
        mask = x > 0
        out = dout * mask
        total = np.sum(np.maximum(out, 0.0), axis=0)
        return out + 0.0 * total
        ### END SOLUTION
    """
)


def test_operators_cover_the_kinds_the_method_names():
    ids = [m.id for m in mutation.mutants_of(TOY, "relu_grad")]
    for kind in [
        "Gt -> GtE",
        "operator Mult -> Div",
        "dropped axis=",
        "sum -> mean",
        "constant 0.0 -> 1.0",
        "float32 result",
        "swapped with the next statement",
        "in place: dout changed by __imul__",
        "swapped the first two arguments",
    ]:
        assert any(kind in i for i in ids), f"no mutant of kind {kind!r} in {ids}"
    assert len(ids) == len(set(ids)), "mutant ids must be unique"


def test_only_solution_lines_are_mutated():
    source = TOY.replace('    """Docstring."""', "    limit = 1 + 2")  # line 1 of the function, above the markers
    ids = [m.id for m in mutation.mutants_of(source, "relu_grad")]
    assert ids and not any(": line 1:" in i for i in ids), ids
    inside = source.replace("    ### BEGIN SOLUTION\n", "").replace("    limit", "    ### BEGIN SOLUTION\n    limit")
    assert any(": line 2:" in m.id and "1 + 2" in m.id for m in mutation.mutants_of(inside, "relu_grad"))


def test_visible_only_removes_the_hidden_block():
    cell = "a = 1\n### BEGIN HIDDEN TESTS\nb = 2\n### END HIDDEN TESTS\nc = 3"
    assert mutation.visible_only(cell) == "a = 1\nc = 3"


@pytest.mark.parametrize("topic", METHOD_TOPICS)
def test_equivalent_list_names_existing_mutants_with_reasons(topic):
    ids = {m.id for m in mutation.all_mutants(topic)}
    listed = nbharness.load_catalog(topic, "EQUIVALENT")
    stale = [k for k in listed if k not in ids]
    assert not stale, f"EQUIVALENT in tests/mutants/{topic}.py names mutants that no longer exist: {stale}"
    assert all(isinstance(r, str) and len(r) > 10 for r in listed.values()), "each equivalent mutant needs a reason"


@pytest.mark.parametrize("topic", METHOD_TOPICS)
def test_every_non_equivalent_mutant_is_killed(topic):
    table, results = mutation.run(topic, jobs=2, sample=SAMPLE)
    print(mutation.format_table(table))
    assert results, "no mutants were graded"
    counted = sum(r["mutants"] - r["equivalent"] for r in table.rows.values())
    visible = sum(r["visible"] for r in table.rows.values())
    assert visible >= 0.5 * counted, (
        f"the visible tests of {topic} catch only {visible} of {counted} non-equivalent mutants: a student learns "
        "too little while working (put more of the checks in the visible part, at non-degenerate points)"
    )
    assert not table.wrong_equivalent, f"listed in EQUIVALENT, yet killed (wrong claim?): {table.wrong_equivalent}"
    survivors = [s["id"] for s in table.survivors]
    assert not survivors, (
        f"{len(survivors)} mutants of {topic} pass every test (add a test that catches each, or list it in "
        f"EQUIVALENT with the reason it computes the same thing): {survivors}"
    )
