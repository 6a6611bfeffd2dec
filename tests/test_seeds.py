"""A correct answer never fails: the reference and every correct alternative, whatever the draw.

The property checks (course.properties) are derandomized in grading; here the test cells run again
with Hypothesis seeds 0..N-1 (``COURSE_SEEDS``, 2 in ``make test``, 100 in ``make seeds``), so that no
draw of a declared domain fails a correct answer because of a tolerance or a corner of the domain:

* the reference solution of every notebook (every test cell with a property check);
* every other correct implementation the text allows (``CORRECT`` in ``tests/mutants/<topic>.py``:
  lstsq or QR for least squares, im2col for a convolution, eigh instead of the SVD, loops, ...), on the
  property cells of its function.

The other randomness of grading (training seeds, sampled mini-batches) is in ``test_seeds_NN.py``.
"""

from __future__ import annotations

import os

import nbharness
import pytest

METHOD_TOPICS = nbharness.METHOD_TOPICS
SEEDS = int(os.environ.get("COURSE_SEEDS", "3"))
CORRECT_CASES = [
    pytest.param(topic, fn, desc, id=f"{topic}:{fn}:{desc}")
    for topic in nbharness.topics()
    for fn, impls in nbharness.load_catalog(topic, "CORRECT").items()
    for desc in impls
]


def _failures_over_seeds(topic, ns, cells, monkeypatch) -> list[str]:
    failures = []
    for seed in range(SEEDS):
        monkeypatch.setenv("COURSE_PROPERTY_SEED", str(seed))
        failures += [
            f"seed {seed}: {o.grade_id}: {o.error}" for o in nbharness.run_test_cells(topic, ns, cells) if not o.passed
        ]
    return failures


@pytest.mark.parametrize("topic", METHOD_TOPICS)
def test_reference_passes_for_every_seed(namespaces, topic, monkeypatch):
    ns = namespaces(topic)
    nb = nbharness.read(topic)
    cells = [c for c in nbharness.test_cells(nb) if "check_against_reference" in c.source]
    if not cells:
        pytest.skip(f"{topic} has no property checks")
    failures = _failures_over_seeds(topic, ns, cells, monkeypatch)
    assert not failures, failures


@pytest.mark.parametrize("topic,function,description", CORRECT_CASES)
def test_correct_alternative_passes_for_every_seed(namespaces, topic, function, description, monkeypatch):
    ns = namespaces(topic)
    nb = nbharness.read(topic)
    cells = [c for c in nbharness.cells_testing(nb, function) if "check_against_reference" in c.source]
    if not cells:  # its tests draw nothing: test_mutants grades it once, in-process and in the judge
        pytest.skip(f"{function} has no property check (its tests have no random draw)")
    source = nbharness.load_catalog(topic, "CORRECT")[function][description]
    with nbharness.substituted(ns, source):
        failures = _failures_over_seeds(topic, ns, cells, monkeypatch)
    assert not failures, failures[:3]
