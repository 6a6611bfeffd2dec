"""The judge's wire (autograder.wire, autograder.probe, autograder.judge.Session) on a socket pair.

The student's side is a ``autograder.probe`` server on a namespace of student functions, in a
thread; the judge's side is a Session, as in grading. What crosses is data only.
"""

from __future__ import annotations

import json
import socket
import struct
import threading

import numpy as np
import pytest
import torch

from autograder import probe, wire
from autograder.judge import Judge, KernelGone, RemoteObject, StudentError, StudentFunction
from course.checks import check_close, check_equal
from course.guard import call_without_torch


class Kernel:
    """A probe server on ``ns`` in a thread, and a Judge connected to it."""

    def __init__(self, ns: dict, tmp_path):
        self.a, b = socket.socketpair()
        self.thread = threading.Thread(target=probe.serve_connected, args=(b, "t", ns), daemon=True)
        self.thread.start()
        assert wire.recv(self.a) == {"op": "hello", "token": "t"}
        self.judge = Judge({"answers": sorted(ns), "cells": []}, tmp_path)
        from autograder.judge import Session

        self.judge._session = Session(self.judge, self.a)
        self.judge._install_answers()

    def __getitem__(self, name) -> StudentFunction:
        return self.judge.ns[name]

    def close(self):
        try:
            wire.send(self.a, {"op": "end"})
            self.a.shutdown(socket.SHUT_RDWR)  # (a probe blocked in a send it cannot finish ends too)
        except OSError:
            pass
        self.thread.join(5)
        self.a.close()


@pytest.fixture
def kernel(tmp_path):
    made = []

    def make(**ns):
        k = Kernel(ns, tmp_path)
        made.append(k)
        return k

    yield make
    for k in made:
        k.close()


DTYPES = ["bool", "int8", "int32", "int64", "uint8", "uint64", "float16", "float32", "float64", "complex128"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_arrays_arrive_bit_for_bit_with_their_dtype_and_shape(kernel, dtype):
    k = kernel(ident=lambda x: x)
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((3, 4, 2)) * 100).astype(dtype)
    y = k["ident"](x)
    assert type(y) is np.ndarray and y.dtype == x.dtype and y.shape == x.shape
    assert x.tobytes() == y.tobytes()


def test_scalars_nan_inf_and_containers_round_trip(kernel):
    k = kernel(ident=lambda x: x)
    value = {
        "f": 0.1 + 0.2, "nan": float("nan"), "inf": -float("inf"), "i": 2**70, "b": True, "s": "é",
        "t": (1, [2.5, None]), "np": np.float32(1.5), 3: np.int64(7),
    }  # fmt: skip
    got = k["ident"](value)
    assert got["f"] == 0.1 + 0.2 and np.isnan(got["nan"]) and got["inf"] == -float("inf") and got["i"] == 2**70
    assert got["t"] == (1, [2.5, None]) and type(got["t"]) is tuple and type(got["t"][1]) is list
    assert type(got["np"]) is np.float32 and got[3] == 7 and type(got[3]) is np.int64


def test_tensors_cross_as_tensors(kernel):
    k = kernel(double=lambda t: t * 2)
    got = k["double"](torch.arange(6, dtype=torch.float64).reshape(2, 3))
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float64 and got.tolist() == [[0, 2, 4], [6, 8, 10]]


def test_subclasses_of_builtins_and_ndarray_arrive_as_plain_values(kernel):
    class Agreeable(float):
        def __eq__(self, other):
            return True

        def __sub__(self, other):
            return 0.0

        def __float__(self):
            return 8.0

    class AgreeableArray(np.ndarray):
        def __eq__(self, other):
            return np.ones(np.shape(other), bool)

    class Name(str):
        def __eq__(self, other):
            return True

    k = kernel(f=lambda: Agreeable(4.0), arr=lambda: np.array([4.0]).view(AgreeableArray), s=lambda: Name("x"))
    got = k["f"]()
    assert type(got) is float and got == 4.0
    with pytest.raises(AssertionError, match="does not match"):
        check_close("cube(2)", got, 8.0)
    arr = k["arr"]()
    assert type(arr) is np.ndarray and arr.tolist() == [4.0]
    assert type(k["s"]()) is str and k["s"]() != "y"


def test_objects_that_are_not_data_are_handles_the_checks_refuse_by_type(kernel):
    class AlwaysEqual:
        def __eq__(self, other):
            return True

        def __float__(self):
            return 8.0

    k = kernel(f=lambda: AlwaysEqual())
    got = k["f"]()
    assert isinstance(got, RemoteObject) and got != got.__class__ and not (got == 8.0)
    with pytest.raises(AssertionError, match="AlwaysEqual"):
        check_close("cube(2)", got, 8.0)
    with pytest.raises(AssertionError, match="AlwaysEqual"):
        check_equal("n", got, 3)
    object_array = kernel(f=lambda: np.array([AlwaysEqual()], dtype=object))["f"]()
    with pytest.raises(AssertionError):
        check_close("x", object_array, np.array([8.0]))


def test_a_returned_model_is_a_handle_that_can_be_called(kernel):
    k = kernel(train=lambda: torch.nn.Linear(2, 1, bias=False))
    model = k["train"]()
    out = model(torch.ones(3, 2))
    assert isinstance(out, torch.Tensor) and out.shape == (3, 1)
    assert isinstance(model.weight, torch.Tensor) and model.weight.shape == (1, 2)


def test_arguments_changed_in_place_fail_and_never_reach_the_test(kernel):
    """Issue 18: a plain call that changes the test's arguments fails as a broken contract, and the
    change is never written back into the test's objects (it cannot steer an expectation), even when
    a forged probe sends it back; a generator the answer drew from still advances."""
    from course.contracts import ContractError

    def step(params, grads, lr):
        params["W"] -= lr * grads["W"]  # the in-place bug a test checks for
        return params

    def draw(rng):
        return rng.standard_normal(3)

    k = kernel(step=step, draw=draw)
    old = {"W": np.ones(2)}
    with pytest.raises(ContractError, match="changed its argument `params` in place"):
        k["step"](old, {"W": np.ones(2)}, 0.5)
    assert old["W"].tolist() == [1.0, 1.0]
    rng, twin = np.random.default_rng(5), np.random.default_rng(5)
    first = k["draw"](rng)
    assert first.tolist() == twin.standard_normal(3).tolist()
    assert rng.standard_normal() == twin.standard_normal()  # the judge's generator advanced too


def test_callables_of_the_test_are_called_back(kernel):
    def central_difference(f, x, eps):
        x = np.asarray(x, float)
        g = np.zeros_like(x)
        for i in range(x.size):
            e = np.zeros_like(x)
            e[i] = eps
            g[i] = (f(x + e) - f(x - e)) / (2 * eps)
        return g

    k = kernel(central_difference=central_difference, cube=lambda x: float(np.sum(x**3)))
    g = k["central_difference"](lambda x: float(np.sum(x**3)), np.array([1.0, 2.0]), 1e-5)
    np.testing.assert_allclose(g, [3.0, 12.0], rtol=1e-6)
    # a student function handed to another travels by name and is called inside the kernel
    g2 = k["central_difference"](k["cube"], np.array([2.0]), 1e-5)
    np.testing.assert_allclose(g2, [12.0], rtol=1e-6)


def test_the_tests_errstate_holds_in_the_kernel(kernel):
    k = kernel(sigmoid=lambda a: 1 / (1 + np.exp(-a)))
    with np.errstate(over="raise"):
        with pytest.raises(FloatingPointError, match="overflow"):
            k["sigmoid"](np.array([-1000.0]))
    with np.errstate(over="ignore"):
        assert k["sigmoid"](np.array([-1000.0])).tolist() == [0.0]


def test_student_exceptions_keep_builtin_types_and_the_traceback(kernel):
    def bad(x):
        raise ValueError("shapes do not match")

    class Custom(Exception):
        pass

    def custom():
        raise Custom("mine")

    k = kernel(bad=bad, custom=custom, exits=lambda: exec("import sys; sys.exit(3)"))
    with pytest.raises(ValueError, match="shapes do not match") as info:
        k["bad"](1)
    assert "in your code" in str(info.value) and "raise ValueError" in str(info.value)  # the student's own lines
    with pytest.raises(StudentError, match="Custom: mine"):
        k["custom"]()
    with pytest.raises(StudentError, match="SystemExit"):  # never raised as SystemExit in the grader
        k["exits"]()
    with pytest.raises(NameError, match="not defined"):
        StudentFunction(k.judge, "missing")()


def test_the_torch_guard_runs_in_the_kernel(kernel):
    def with_autograd(x):
        t = torch.tensor(x, requires_grad=True)
        (t**2).sum().backward()
        return t.grad.numpy()

    k = kernel(with_autograd=with_autograd, honest=lambda x: 2 * x, leaks=lambda x: torch.from_numpy(x))
    with pytest.raises(AssertionError, match="uses PyTorch"):
        call_without_torch("grad", k["with_autograd"], np.array([1.0]))
    assert call_without_torch("grad", k["honest"], np.array([1.0])).tolist() == [2.0]
    with pytest.raises(AssertionError, match="uses PyTorch|returned a torch.Tensor"):
        call_without_torch("grad", k["leaks"], np.array([1.0]))


@pytest.mark.parametrize(
    "value",
    [
        [1, 2],  # bare list: lists are tagged
        {"nd": ["object", [1], "AA=="]},
        {"nd": ["float64", [2], "AAAAAAAAAAA="]},  # 8 bytes for a shape of 2 float64
        {"nd": ["float64", [-1], ""]},
        {"nd": ["float64", [2], b"12345678"]},  # raw bytes from the frame's binary section, too few
        {"nd": ["float64", [1], "not base64!"]},
        b"12345678",  # binary data anywhere but in an array
        {"np": ["float64", "x"]},
        {"gen": {"bit_generator": "os.system", "state": {}}},
        {"unknown": 1},
        {"a": 1, "b": 2},
        {"fn": 1},  # the judge never takes callables from the kernel
    ],
)
def test_the_judge_refuses_malformed_values(tmp_path, value):
    from autograder.judge import Session

    a, b = socket.socketpair()
    session = Session(Judge({"answers": [], "cells": []}, tmp_path), a)
    with pytest.raises(AssertionError, match="cannot read"):
        session._decode(value)
    a.close()
    b.close()


def test_oversized_or_garbage_frames_end_the_session(kernel):
    a, b = socket.socketpair()
    b.sendall(struct.pack(">I", wire.MAX_FRAME + 1))
    with pytest.raises(wire.WireError, match="limit"):
        wire.recv(a)
    b.sendall(struct.pack(">I", 5) + b"nope!")
    with pytest.raises(wire.WireError, match="JSON"):
        wire.recv(a)
    b.close()
    with pytest.raises(EOFError):
        wire.recv(a)

    # a student function that writes a forged "passed" reply and garbage on the socket: the call fails
    def forge(x):
        import gc

        for obj in gc.get_objects():
            if isinstance(obj, socket.socket) and obj.family == socket.AF_UNIX:
                data = json.dumps({"op": "reply", "id": 99, "ok": True, "value": 8.0}).encode()
                try:
                    obj.sendall(struct.pack(">I", len(data)) + data + struct.pack(">I", 2**31))
                except OSError:
                    pass
        return x * x

    k = kernel(cube=forge)
    with pytest.raises(KernelGone):
        k["cube"](2.0)


def test_no_pickle_on_the_wire():
    import inspect

    import autograder.judge
    import autograder.probe

    for module in (wire, autograder.probe, autograder.judge):
        source = inspect.getsource(module)
        assert "pickle" not in source.replace("never pickle", "").replace("no pickle", "").replace("No pickle", "")
        assert "eval(" not in source


def test_the_judge_reads_no_large_frame_and_parses_no_huge_one(kernel):
    """Issue 18: a frame from a kernel over MAX_KERNEL_FRAME is refused from its length prefix (before a
    byte of it is read or parsed); one with too many JSON values is refused before it is parsed."""
    a, b = socket.socketpair()
    b.sendall(struct.pack(">I", wire.MAX_KERNEL_FRAME + 1))  # the 64 MB frame of the issue, announced
    with pytest.raises(wire.WireError, match="limit"):
        wire.recv(a, wire.MAX_KERNEL_FRAME, wire.MAX_ITEMS)
    many = json.dumps({"op": "reply", "value": {"list": [0] * (wire.MAX_ITEMS + 1)}}).encode()
    assert len(many) < wire.MAX_KERNEL_FRAME
    writer = threading.Thread(target=b.sendall, args=(struct.pack(">I", len(many)) + many,), daemon=True)
    writer.start()  # (larger than the socket's buffer)
    with pytest.raises(wire.WireError, match="values"):
        wire.recv(a, wire.MAX_KERNEL_FRAME, wire.MAX_ITEMS)
    writer.join(5)
    a.close()
    b.close()

    def big(x):
        return np.zeros(wire.MAX_KERNEL_FRAME // 8 + 1)  # 16 MB of float64: over the limit once encoded

    k = kernel(cube=big)
    with pytest.raises(KernelGone):
        k["cube"](2.0)


def test_a_forged_write_back_never_changes_the_tests_arrays(kernel):
    """Issue 18: a probe patched by the student sends back "changed" arguments for a plain call; the judge
    writes back only generator states (and arguments a contract says the call updates)."""
    original = probe._Server._call

    def forged(self, msg):
        reply = original(self, msg)
        reply["writeback"] = [{"list": [{"nd": ["float64", [2], "AAAAAAAAAAAAAAAAAAAAAA=="]}]}, {"dict": []}]
        return reply

    k = kernel(cube=lambda x: 8.0)
    probe._Server._call = forged
    try:
        x = np.array([3.0, 4.0])
        k["cube"](x)
    finally:
        probe._Server._call = original
    assert x.tolist() == [3.0, 4.0]


def test_a_callback_and_the_kernel_count_in_the_tests_time(kernel):
    """Issue 18: the kernel that calls a function of the test again and again (or never answers) is
    stopped at the test's deadline: KernelGone, not a grader that hangs."""
    import time

    def loops(f, x):
        while True:
            f(x)

    k = kernel(grad=loops)
    k.judge.deadline = time.monotonic() + 1.0
    start = time.monotonic()
    with pytest.raises(KernelGone, match="time limit"):
        k["grad"](lambda x: (time.sleep(0.05), float(np.sum(x)))[1], np.ones(3))
    assert time.monotonic() - start < 5


def test_a_students_traceback_names_the_cell_not_the_kernels_temporary_file():
    """IPython compiles a cell to /tmp/ipykernel_<pid>/<hash>.py: with the pid in the message, the same answer
    got different messages from the learner's and the instructor's kernels."""
    from autograder import probe

    namespace: dict = {}
    exec(compile("def f():\n    raise ValueError('no')\n", "/tmp/ipykernel_4242/1234567.py", "exec"), namespace)
    with pytest.raises(ValueError) as info:
        namespace["f"]()
    text = probe._error(info.value)["traceback"]
    assert 'File "<your notebook cell>", line 2, in f' in text and "ipykernel_4242" not in text, text


def test_the_judge_imports_the_set_up_cells_modules_ahead_and_only_those():
    from autograder.judge import Judge, fixture_imports

    script = {"cells": [
        {"kind": "fixture", "grade_id": "a", "source": "import numpy as np\nfrom course.checks import check_close"},
        {"kind": "answer", "grade_id": "b", "source": "import json\ndef f(x):\n    return x"},
        {"kind": "fixture", "grade_id": "c", "source": "from . import nothing\nimport numpy\nimport colorsys as c"},
        {"kind": "fixture", "grade_id": "d", "source": "def broken(:"},
        {"kind": "test", "grade_id": "e", "source": "import wave"},
    ]}
    assert fixture_imports(script) == ["numpy", "course.checks", "colorsys"]  # answers' and tests' never
    import sys

    sys.modules.pop("colorsys", None)
    Judge(script, ".").preimport().join(30)
    assert "colorsys" in sys.modules


def test_a_submissions_tests_share_one_thread_and_an_abandoned_test_keeps_its_own():
    """Hypothesis sets up per-thread state with a full gc.collect(): a thread per test cost 3-4 s per notebook."""
    from autograder.judge import JudgeThread

    runner = JudgeThread()
    seen: list[int] = []
    assert runner.run(lambda: seen.append(threading.get_ident())).wait(10)
    assert runner.run(lambda: seen.append(threading.get_ident())).wait(10)
    assert len(seen) == 2 and seen[0] == seen[1]  # the second test ran in the first one's thread

    release = threading.Event()
    stuck = runner.run(lambda: (seen.append(threading.get_ident()), release.wait(30)))
    assert not stuck.wait(0.2)  # a test that runs past its time: abandoned by the caller
    after = runner.run(lambda: seen.append(threading.get_ident()))
    assert after.wait(10), "the next test waited for the abandoned one"
    assert seen[3] != seen[2]
    release.set()
    assert stuck.wait(10)

    runner.run(lambda: 1 / 0).wait(10)  # a test that raises does not end the thread's service
    assert runner.run(lambda: seen.append(threading.get_ident())).wait(10)
    assert seen[4] == seen[3]


def test_an_idle_test_thread_ends_and_the_next_test_gets_a_new_one(monkeypatch):
    from autograder.judge import JudgeThread

    monkeypatch.setattr(JudgeThread, "IDLE", 0.05)
    runner = JudgeThread()
    threads: list[threading.Thread] = []
    assert runner.run(lambda: threads.append(threading.current_thread())).wait(10)
    threads[0].join(5)
    assert not threads[0].is_alive()
    assert runner.run(lambda: threads.append(threading.current_thread())).wait(10)
    assert threads[1] is not threads[0]


def test_a_test_thread_starts_each_test_as_a_new_thread_would():
    """A test that turned off autograd or changed NumPy's error state leaves nothing to the next test."""
    from autograder.judge import JudgeThread

    runner = JudgeThread()
    seen = []

    def careless():
        torch.set_grad_enabled(False)
        np.seterr(all="ignore")

    def look():
        seen.append((torch.is_grad_enabled(), np.geterr()["divide"]))

    before = np.geterr()["divide"]
    assert runner.run(careless).wait(10) and runner.run(look).wait(10)
    assert seen == [(True, before)]


def test_arrays_travel_as_raw_bytes_after_the_json_text():
    a, b = socket.socketpair()
    x = np.arange(1000, dtype=np.float64)
    codec = wire.Codec(None, None)
    wire.send(a, {"op": "reply", "value": codec.encode([x, x[:3]])})
    size = struct.unpack(">I", b.recv(4))[0]
    assert 8000 + 24 < size < 8000 + 24 + 200  # base64 would be a third larger
    a.sendall(struct.pack(">I", size) + b.recv(size, socket.MSG_WAITALL))  # the same frame, back
    got = codec.decode(wire.recv(b)["value"])
    assert got[0].tobytes() == x.tobytes() and got[1].tolist() == [0.0, 1.0, 2.0]
    a.close()
    b.close()


@pytest.mark.parametrize(
    "frame, match",
    [
        (b'{"op":"reply","value":{"nd":["float64",[1],{"buf":[0,99]}]}}\0abcdefgh', "past the end"),
        (b'{"op":"reply","value":{"buf":[-1,2]}}\0abc', "malformed binary"),
        (b'{"op":"reply","value":{"buf":"0"}}\0abc', "malformed binary"),
        (b'{"op":"reply","va\0lue":1}', "JSON"),  # a NUL inside the text cuts it
    ],
)
def test_forged_binary_sections_are_refused(frame, match):
    a, b = socket.socketpair()
    b.sendall(struct.pack(">I", len(frame)) + frame)
    with pytest.raises(wire.WireError, match=match):
        wire.recv(a, wire.MAX_KERNEL_FRAME, wire.MAX_ITEMS)
    a.close()
    b.close()
