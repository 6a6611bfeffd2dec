"""A correct answer never fails: the reference passes its hidden tests whatever the draw.

The property checks (course.properties) are derandomized in grading; here the reference's test
cells run again with Hypothesis seeds 0..N-1 (``COURSE_SEEDS``, 3 in ``make test``, 100 in
``make seeds``), so that no draw of the declared domain can fail a correct answer.
"""

from __future__ import annotations

import os

import nbharness
import pytest

METHOD_TOPICS = nbharness.METHOD_TOPICS
SEEDS = int(os.environ.get("COURSE_SEEDS", "3"))


@pytest.mark.parametrize("topic", METHOD_TOPICS)
def test_reference_passes_for_every_seed(namespaces, topic, monkeypatch):
    ns = namespaces(topic)
    nb = nbharness.read(topic)
    cells = [c for c in nbharness.test_cells(nb) if "check_against_reference" in c.source]
    if not cells:
        pytest.skip(f"{topic} has no property checks")
    failures = []
    for seed in range(SEEDS):
        monkeypatch.setenv("COURSE_PROPERTY_SEED", str(seed))
        failures += [
            f"seed {seed}: {o.grade_id}: {o.error}" for o in nbharness.run_test_cells(topic, ns, cells) if not o.passed
        ]
    assert not failures, failures
