"""The contract of every call (course.contracts) and the property checks (course.properties)."""

from __future__ import annotations

import nbharness
import numpy as np
import pytest
from hypothesis import strategies as st

from course.contracts import ContractError, checked_call
from course.guard import call_answer, call_without_torch
from course.properties import check_against_reference, dims, values


def relu_ref(x):
    return np.maximum(x, 0.0)


def test_a_correct_call_passes_and_returns_the_result():
    x = np.array([[-1.0, 2.0]])
    np.testing.assert_array_equal(checked_call("relu", relu_ref, (x,)), [[0.0, 2.0]])


@pytest.mark.parametrize(
    "body, pattern",
    [
        (lambda x: x.__setitem__(x < 0, 0) or x.copy(), r"changed its argument `x` in place \(1 of 2 entries"),
        (lambda x: x, r"shares memory with its argument `x`"),
        (lambda x: x.T, r"shares memory with its argument `x`"),
        (lambda x: (np.maximum(x, 0), x[:, :1]), r"shares memory"),
    ],
    ids=["in_place", "alias", "view", "alias_in_tuple"],
)
def test_contract_violations_are_named(body, pattern):
    def relu(x):
        return body(x)

    with pytest.raises(ContractError, match=pattern):
        call_without_torch("relu", relu, np.array([[-1.0, 2.0]]))


def test_lists_dicts_and_keywords_are_compared_and_generators_may_advance():
    def f(params, rng, *, scale):
        params["w"][0] += 1
        return rng.normal() * scale

    with pytest.raises(ContractError, match=r"argument `params`.*entry \['w'\]"):
        checked_call("f", f, ({"w": np.zeros(2)}, np.random.default_rng(0)), {"scale": 1.0})

    def g(rng, out):
        out.append(1)
        return rng.normal()

    with pytest.raises(ContractError, match=r"length changed from 0 to 1"):
        checked_call("g", g, (np.random.default_rng(0), []))
    checked_call("g", g, (np.random.default_rng(0), []), mutates=(1,))  # documented as updated in place


def test_may_alias_positions_allow_a_cache():
    def forward(x):
        return x * 2, x  # the cache is the input itself

    out, cache = call_answer("forward", forward, (np.ones(3),), may_alias=(1,))
    assert cache is not None
    with pytest.raises(ContractError):
        call_answer("forward", lambda x: (x, x), (np.ones(3),), may_alias=(1,))


def test_float32_and_complex_results_fail_check_close():
    from course.checks import check_close

    with pytest.raises(AssertionError, match="float32"):
        check_close("y", np.ones(2, dtype=np.float32), np.ones(2))
    with pytest.raises(AssertionError, match="complex"):
        check_close("y", np.ones(2, dtype=complex), np.ones(2))


DOMAIN = st.tuples(values(st.tuples(dims(), dims()), -1e3, 1e3))


def test_property_check_passes_a_correct_alternative():
    check_against_reference("relu", lambda x: np.where(x > 0, x, 0.0).astype(float), relu_ref, DOMAIN)


@pytest.mark.parametrize(
    "wrong, pattern",
    [
        (lambda x: np.where(x > 1, x, 0.0), r"relu\(\.\.\.\) does not match"),  # wrong only on (0, 1]
        (lambda x: np.maximum(x, 0).astype(np.float32), "float32"),
        (lambda x: np.maximum(x, 0.0)[:1], "shape"),  # wrong only with more than one row
        (lambda x: np.maximum(x, 0.0, out=x) if x.dtype == float else np.maximum(x, 0.0), "in place|shares memory"),
    ],
)
def test_property_check_finds_and_shrinks_a_counterexample(wrong, pattern):
    with pytest.raises(AssertionError, match=pattern) as info:
        check_against_reference("relu", wrong, relu_ref, DOMAIN)
    message = str(info.value)
    assert "the simplest failing input found" in message and "array of shape" in message


def test_property_check_is_deterministic():
    seen = []

    def spy(x):
        seen.append(x.copy())
        return relu_ref(x)

    check_against_reference("relu", spy, relu_ref, DOMAIN, max_examples=10)
    first, seen[:] = list(seen), []
    check_against_reference("relu", spy, relu_ref, DOMAIN, max_examples=10)
    assert len(first) == len(seen) and all(np.array_equal(a, b) for a, b in zip(first, seen, strict=True))


def test_a_reference_that_cannot_take_the_domain_is_a_test_bug():
    def fussy(x):
        raise ValueError("no")

    with pytest.raises(RuntimeError, match="test bug"):
        check_against_reference("relu", relu_ref, fussy, DOMAIN)


METHOD_TOPICS = nbharness.METHOD_TOPICS


@pytest.mark.parametrize("topic", METHOD_TOPICS)
def test_every_call_of_an_answer_goes_through_the_contract(topic):
    """Test cells call graded functions only through call_answer / call_without_torch / check_gradient /
    check_against_reference (which check the contract), or inside a helper that is itself handed to one."""
    import ast

    nb = nbharness.read(topic)
    graded = set(nbharness.graded_functions(nb))
    direct = []
    for cell in nbharness.test_cells(nb):
        tree = ast.parse(cell.source)
        inside = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.Lambda)):
                inside |= {id(n) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in graded:
                if id(node) not in inside:
                    direct.append(
                        f"{nbharness.nbgrader_meta(cell)['grade_id']}: {node.func.id}(...) line {node.lineno}"
                    )
    assert not direct, f"direct calls that skip the contract: {direct}"



DRAWS = """
import importlib, json, sys
import numpy as np
from hypothesis import strategies as st
from course.properties import check_against_reference, dims, values

domain = st.tuples(values(st.tuples(dims(), dims()), -10, 10))
runs = []
for load in (False, True):
    if load:  # a local module with constants inside the domain (as course.* modules have)
        sys.path.insert(0, ".")
        importlib.import_module("local_constants_mod")
    seen = []
    check_against_reference("f", lambda x: seen.append(x.tolist()) or np.abs(x) * 1.0, np.abs, domain,
                            max_examples=30, guard=False)
    runs.append(seen)
print(json.dumps(runs[0] == runs[1]))
"""


def test_draws_do_not_depend_on_the_modules_loaded_and_nothing_is_written_here(tmp_path):
    """The kernel, the judge and the suite load different local modules: the draws must not change,
    and Hypothesis must not leave a .hypothesis folder in the working folder (it would reach release/)."""
    import json
    import subprocess
    import sys

    consts = ", ".join(f"{v}" for v in (7.25, -3.5, 9.75, 6.125, -8.5)) + ", 5, -7, 8"
    (tmp_path / "local_constants_mod.py").write_text(f"VALUES = ({consts})\n")
    out = subprocess.run([sys.executable, "-c", DRAWS], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) is True, "the draws changed when a local module was loaded"
    assert not (tmp_path / ".hypothesis").exists(), "Hypothesis wrote .hypothesis into the working folder"


def test_check_gradient_refuses_a_float32_gradient():
    from course.gradients import check_gradient

    w = np.array([0.5, -1.5, 2.0])
    with pytest.raises(AssertionError, match="float32"):
        check_gradient("dJ/dw", lambda w: (2 * w).astype(np.float32), [w], f_numpy=lambda w: float(np.sum(w**2)))


def test_a_passing_run_is_replayed_and_a_failing_answer_still_shrinks(monkeypatch):
    import course.properties as props

    def run(answer):
        check_against_reference("relu", answer, relu_ref, DOMAIN, max_examples=20)  # one call site

    run(relu_ref)  # draws with Hypothesis and records
    monkeypatch.setattr(props, "given", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("Hypothesis ran")))
    run(lambda x: np.maximum(x, 0.0))  # replayed: Hypothesis is not needed for a passing answer
    with pytest.raises(RuntimeError, match="Hypothesis ran"):  # a failing answer goes back to Hypothesis
        run(lambda x: np.maximum(x, 1.0))
    monkeypatch.undo()
    with pytest.raises(AssertionError, match="the simplest failing input found"):
        run(lambda x: np.maximum(x, 1.0))


def test_strategies_that_print_alike_are_not_replayed_for_each_other():
    seen = {}
    for hi in (1, 1000):  # same call site, same printed strategy, other bounds in the closure
        domain = st.tuples(values((2, 2), -hi, hi, integers=False))
        draws = []

        def spy(x, draws=draws):
            draws.append(x.copy())
            return np.abs(x)

        check_against_reference("abs", spy, np.abs, domain, max_examples=15)
        seen[hi] = max(float(np.abs(d).max()) for d in draws)
    assert seen[1] <= 1 and seen[1000] > 1


def test_fast_fail_reports_the_first_failing_draw_without_shrinking(monkeypatch):
    def run(answer):
        check_against_reference("relu", answer, relu_ref, DOMAIN, max_examples=20)

    run(relu_ref)
    monkeypatch.setenv("COURSE_PROPERTY_FAST_FAIL", "1")
    with pytest.raises(AssertionError, match="the first failing input drawn"):
        run(lambda x: np.maximum(x, 1.0))


def test_strategies_built_from_a_list_argument_are_not_replayed_for_each_other():
    """The reviewer's case: bounds passed as a list to a helper that builds the strategy."""

    def wrong(x):  # wrong only beyond |x| > 50
        return np.where(np.abs(x) > 50, 0.0, np.abs(x))

    def check(bounds):
        check_against_reference("abs", wrong, np.abs, st.tuples(values((3,), *bounds)), max_examples=30)

    check([-1, 1])
    with pytest.raises(AssertionError, match="abs"):
        check([-1e3, 1e3])


def test_the_hidden_flag_is_per_thread():
    """A test the judge abandoned runs on in its own thread: its flag must not reach the next test's thread."""
    import threading

    from course import checks

    checks.set_hidden(True)
    seen = []
    worker = threading.Thread(target=lambda: seen.append(checks._hidden()))
    worker.start()
    worker.join()
    try:
        assert seen == [False] and checks._hidden() is True
        with pytest.raises(AssertionError, match="values hidden in a hidden test") as info:
            checks.check_close("y", np.array([1.0, 3.0]), np.array([2.0, 3.0]))
        assert "expected 2" not in str(info.value)
    finally:
        checks.set_hidden(False)


def _count_ref(n, k):
    return (n + 1) * k


COUNTS = st.tuples(st.integers(1, 50), st.integers(1, 50))


def test_a_whole_number_returned_as_a_float_fails():
    with pytest.raises(AssertionError, match="whole numbers"):
        check_against_reference("count", lambda n, k: float((n + 1) * k), _count_ref, COUNTS, max_examples=5)
    check_against_reference("count", lambda n, k: np.int64((n + 1) * k), _count_ref, COUNTS, max_examples=5)


def test_a_list_where_the_reference_returns_an_array_fails():
    def ref(x):
        return np.cumsum(x)

    with pytest.raises(AssertionError, match="expected a NumPy array"):
        check_against_reference("cumsum", lambda x: list(np.cumsum(x)), ref, DOMAIN, max_examples=5)


def test_bits_returned_as_floats_fail_unless_the_inputs_were_integer_arrays():
    bits = st.tuples(st.integers(1, 6), st.integers(0, 10**6))

    def ref(n, seed):
        return np.random.default_rng(seed).integers(0, 2, size=n)

    with pytest.raises(AssertionError, match="whole numbers"):
        check_against_reference("bits", lambda n, seed: ref(n, seed).astype(float), ref, bits, max_examples=5)
    # relu of an integer array: the reference keeps the integers, a float answer is as right
    ints = st.tuples(values(st.tuples(dims(), dims()), -10, 10).map(lambda a: np.round(a).astype(np.int64)))
    check_against_reference("relu", lambda x: np.where(x > 0, x, 0.0), lambda x: np.maximum(x, 0), ints)


def test_the_hidden_tests_draw_the_inputs_they_always_drew():
    """A tripwire. Hypothesis derandomizes from the source text of check_against_reference's inner test
    function, so editing that function (renaming a local, even) changes what every hidden test draws, and
    mutants caught by the old draws may pass the new ones (it happened: two catalog mutants and one
    automatic mutant survived a rename). If this fails after such an edit, run `make mutate` and the
    mutant tests before updating the expected draws below."""
    import hypothesis.strategies as st

    from course.properties import check_against_reference, dims, floats

    seen = []

    def f(x, n):
        seen.append((round(float(x), 6), int(n)))
        return float(x) * n

    check_against_reference("draw_probe", f, f, st.tuples(floats(), dims()), max_examples=12)
    assert seen[::2][:8] == [(0.0, 1), (0.0, 1), (0.0, 2), (3.0, 5), (-3.0, 5), (-3.0, 2), (-2.0, 3), (1.0, 4)]
