"""The judge: runs the instructor's test cells in the grader's own process (issue 9, phase 2).

nbgrader runs test cells in the student's kernel, where the student's code can rewrite them,
patch ``numpy`` or the checks, hide errors or print the hidden tests. Here the student's kernel
only *computes*: every code cell except the test cells runs there as before, and when a test
cell's turn comes the kernel runs ``autograder.probe.serve`` instead, which answers calls over a Unix
socket. The test cell itself (the instructor's source, hidden tests included, from the reference
bundle) runs in a trusted namespace in this process (the *judge*): its fixtures (the instructor's
set-up cells: imports, helpers, data) run here, and every name an answer cell defines is a
:class:`StudentFunction` whose calls go to the kernel as data (``autograder.wire``). Comparisons,
messages and the pass/fail verdict happen here; the verdict becomes the test cell's outputs
(an error output when it failed), which nbgrader's SaveAutoGrades reads as usual.

The script (``judge.json`` in the reference bundle) is made from the source notebook by
:func:`script_of`: each code cell's kind (fixture, answer, test, other) and source.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import contextvars
import io
import json
import os
import queue
import random
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from autograder import wire

SCRIPT = "judge.json"
GRACE = 5.0  # seconds the kernel gets to finish its probe cell once the test is over
CONNECT = 30.0  # seconds the kernel gets to connect to the judge after the probe cell was sent
MAX_STUDENT_OUTPUT = 16 * 1024  # bytes of what the student's functions printed, kept per test cell
# ... per test cell with hidden tests (issue 18: prints of the hidden inputs are not a lookup table)
MAX_STUDENT_OUTPUT_HIDDEN = 512


# -- the script ----------------------------------------------------------------------------------
def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_test(cell) -> bool:
    m = _meta(cell)
    return cell["cell_type"] == "code" and bool(m.get("grade")) and not m.get("solution")


def _is_answer(cell) -> bool:
    m = _meta(cell)
    return cell["cell_type"] == "code" and bool(m.get("solution")) and not m.get("grade")


def defined_names(source: str) -> list[str]:
    """Names a cell binds at top level (functions, classes, assignments, imports)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    out: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            out += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out += [(a.asname or a.name).split(".")[0] for a in node.names]
    return out


def _loaded_names(source: str) -> set[str]:
    try:
        return {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)}
    except SyntaxError:
        return set()


def script_of(nb) -> dict:
    """The judge's script of a source notebook (a plain dict, saved as ``judge.json``).

    ``answers``: every name an answer cell defines (they become StudentFunctions);
    ``cells``: code cells in order, ``kind`` one of ``fixture`` (runs in the judge: a set-up cell
    that uses no answer), ``test`` (runs in the judge, the kernel serves its calls), ``kernel``
    (answer cells and set-up cells that use answers: the kernel only).
    """
    answers: list[str] = []
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        gid = _meta(cell).get("grade_id")
        if _is_answer(cell):
            answers += [n for n in defined_names(source) if n not in answers]
            kind = "kernel"
        elif _is_test(cell):
            kind = "test"
        elif _loaded_names(source) & set(answers):
            kind = "kernel"
        else:
            kind = "fixture"
        cells.append({"kind": kind, "grade_id": gid, "source": source if kind != "kernel" else ""})
    return {"answers": answers, "cells": cells}


def write_script(source_notebook: Path, dest: Path) -> None:
    import nbformat

    nb = nbformat.read(str(source_notebook), as_version=4)
    dest.write_text(json.dumps(script_of(nb), indent=1))


# -- stand-ins for the kernel's objects -----------------------------------------------------------
class StudentError(Exception):
    """The student's function raised an exception of a type the judge does not know by name."""


class KernelGone(AssertionError):
    """The kernel stopped answering during a test (time limit, crash, or the probe was disabled)."""


class StudentFunction:
    """A name the student's answers define; calling it calls the function in the student's kernel."""

    _course_remote = True

    def __init__(self, judge: Judge, name: str):
        self._judge, self.__name__ = judge, name
        self._course_type_name = "function"

    def __call__(self, *args, **kwargs):
        return self._judge.session().call({"name": self.__name__}, args, kwargs)

    def _course_call_guarded(self, guard: str | None, args, kwargs, contract: dict | None = None):
        return self._judge.session().call({"name": self.__name__}, args, kwargs, guard=guard, contract=contract)

    def __repr__(self):
        return f"<student's function {self.__name__}>"


class RemoteObject:
    """An object returned by the student's code that is not data (a model, a closure)."""

    _course_remote = True

    def __init__(self, session: Session, key: int, type_name: str, is_callable: bool):
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_course_type_name", f"{type_name} (an object of your code)")
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_callable", is_callable)

    @property
    def __class__(self):
        # isinstance(model, AdderRNN) holds when the kernel's object is of a class of that name that the
        # instructor's set-up code defined (a fixture class of the judge). The name is all the judge knows of
        # the kernel's class: a known gap (autograder/SECURITY.md); what the object computes is still checked.
        cls = self._session.judge.ns.get(self._type)
        return cls if isinstance(cls, type) and cls.__module__ == "__main__" else RemoteObject

    def __call__(self, *args, **kwargs):
        if not self._callable:
            raise TypeError(f"'{self._type}' object (from your code) is not callable")
        return self._session.call({"handle": self._key}, args, kwargs)

    def _course_call_guarded(self, guard: str | None, args, kwargs, contract: dict | None = None):
        return self._session.call({"handle": self._key}, args, kwargs, guard=guard, contract=contract)

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return self._session.getattr(self._key, attr)

    def __setattr__(self, attr, value):
        raise AttributeError("objects of the student's code are read-only in the judge")

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def __repr__(self):
        return f"<{self._type} object of your code>"


# -- one connection: the kernel serving one test cell ------------------------------------------------
class Session:
    def __init__(self, judge: Judge, sock: socket.socket):
        self.judge, self.sock = judge, sock
        self.callbacks: dict[int, object] = {}
        self.codec = wire.Codec(self._local, self._remote)
        self.calls = 0

    def _local(self, obj):
        if isinstance(obj, StudentFunction):
            return {"student_fn": obj.__name__}
        if isinstance(obj, RemoteObject) and obj._session is self:
            return {"ref": obj._key}
        if callable(obj) and not isinstance(obj, type):
            key = len(self.callbacks) + 1
            self.callbacks[key] = obj
            return {"fn": key}
        raise TypeError(f"the grader cannot hand a {type(obj).__name__} to the student's code (a bug in the test)")

    def _remote(self, tag: str, body):
        if tag != "obj":
            raise wire.WireError(f"the kernel cannot send {tag!r}")
        key, type_name, is_callable = wire.as_list(body, 3)
        return RemoteObject(self, int(key), str(type_name)[:100], bool(is_callable))

    def call(self, target: dict, args, kwargs, guard: str | None = None, contract: dict | None = None):
        """Call a function of the kernel; the kernel checks the guard and the contract (course.contracts).

        contract: None for a plain call (as a plain call in-process, nothing is checked; changes to the
        arguments are written back), else the options of ``course.contracts.checked_call``.
        """
        self.calls += 1
        rid = self.calls
        args_tag = self.codec.encode(list(args))
        kwargs_tag = self.codec.encode(dict(kwargs))
        import numpy as np

        # the test's np.errstate (e.g. overflow raises) holds for the student's code as it would in-process
        errstate = {k: v for k, v in np.geterr().items() if k in ("over", "invalid", "divide", "under")}
        self._send(
            {
                "op": "call",
                "id": rid,
                "target": target,
                "args": args_tag,
                "kwargs": kwargs_tag,
                "guard": guard,
                "contract": contract,
                "errstate": errstate,
            }
        )
        reply = self._wait(rid)
        if reply.get("contract"):
            from course.contracts import ContractError

            raise ContractError(str(reply["contract"])[:2000])
        if not reply.get("ok"):
            raise _student_exception(reply.get("error") or {})
        if "writeback" in reply:
            # only what the call may change reaches the test's objects: a generator's state (it was drawn
            # from), and the arguments the contract says it updates in place. Anything else the kernel
            # sends back is ignored (issue 18: a change of the test's own arrays never steers an expectation)
            new_args, new_kwargs = (self._decode(v) for v in wire.as_list(reply["writeback"], 2))
            mutates = set((contract or {}).get("mutates") or ())
            if isinstance(new_args, list):
                for k, (o, n) in enumerate(zip(args, new_args, strict=False)):
                    _write_back(o, n, generators_only=k not in mutates)
            if isinstance(new_kwargs, dict):
                for key, o in kwargs.items():
                    if key in new_kwargs:
                        _write_back(o, new_kwargs[key], generators_only=key not in mutates)
        if reply.get("used_torch"):
            from course.guard import failure_message

            used = str(reply["used_torch"])[:200]
            raise AssertionError(failure_message(guard or "the answer", f"uses PyTorch ({used})"))
        return self._decode(reply.get("value"))

    def getattr(self, key: int, attr: str):
        self.calls += 1
        rid = self.calls
        self._send({"op": "getattr", "id": rid, "target": {"handle": key}, "attr": attr})
        reply = self._wait(rid)
        if not reply.get("ok"):
            raise _student_exception(reply.get("error") or {})
        return self._decode(reply.get("value"))

    def _decode(self, value):
        try:
            return self.codec.decode(value)
        except (wire.WireError, ValueError, TypeError, KeyError) as exc:
            raise AssertionError(f"your code returned something the grader cannot read ({exc})") from None

    def _send(self, msg):
        try:
            wire.send(self.sock, msg)
        except OSError as exc:
            raise KernelGone(self.judge.gone_message(exc)) from None

    def _wait(self, rid) -> dict:
        while True:
            try:
                left = self.judge.time_left()
                if left is not None and left <= 0:
                    raise TimeoutError
                self.sock.settimeout(left)
                msg = wire.recv(self.sock, wire.MAX_KERNEL_FRAME, wire.MAX_ITEMS)
            except TimeoutError:
                raise KernelGone(self.judge.late_message()) from None
            except (EOFError, OSError, wire.WireError, struct_error) as exc:
                raise KernelGone(self.judge.gone_message(exc)) from None
            op = msg.get("op")
            if op == "reply" and msg.get("id") == rid:
                return msg
            if op == "call":  # the student's code calls a function of the test (e.g. the f it differentiates)
                self._serve_callback(msg)
                continue
            raise KernelGone(self.judge.gone_message(wire.WireError(f"unexpected message {op!r}")))

    def _serve_callback(self, msg):
        rid = msg.get("id")
        if self.judge.out_of_time():  # callbacks count in the test's time (issue 18)
            raise KernelGone(self.judge.late_message())
        try:
            fn = self.callbacks[int((msg.get("target") or {}).get("fn"))]
            args, kwargs = self._decode(msg.get("args")), self._decode(msg.get("kwargs"))
            value = fn(*args, **kwargs)
            if self.judge.out_of_time():
                raise KernelGone(self.judge.late_message())
            reply = {"ok": True, "value": self.codec.encode(value)}
        except KernelGone:
            raise
        except Exception as exc:
            reply = {"ok": False, "error": {"type": type(exc).__name__, "message": str(exc)[:500]}}
        reply.update(op="reply", id=rid)
        self._send(reply)


try:
    from struct import error as struct_error
except ImportError:  # pragma: no cover
    struct_error = ValueError


def _student_exception(err: dict) -> Exception:
    name, message = str(err.get("type", "Exception"))[:100], str(err.get("message", ""))[:2000]
    cls = getattr(builtins, name, None)
    text = f"{message}\n\nin your code:\n{str(err.get('traceback', ''))[-3000:]}".rstrip()
    if isinstance(cls, type) and issubclass(cls, Exception) and cls not in (StopIteration, StopAsyncIteration):
        try:
            return cls(text)
        except Exception:
            pass
    return StudentError(f"{name}: {text}")


def _write_back(orig, new, generators_only: bool = False) -> None:
    """The student's function changed its arguments in place: do the same to the judge's objects
    (generators_only: only the state of the generators in ``orig`` is updated)."""
    import numpy as np

    if isinstance(orig, np.random.Generator) and isinstance(new, np.random.Generator):
        orig.bit_generator.state = new.bit_generator.state
    elif generators_only:
        if isinstance(orig, (list, tuple)) and isinstance(new, (list, tuple)):
            for o, n in zip(orig, new, strict=False):
                _write_back(o, n, True)
        elif isinstance(orig, dict) and isinstance(new, dict):
            for key, o in orig.items():
                if key in new:
                    _write_back(o, new[key], True)
    elif isinstance(orig, np.ndarray) and isinstance(new, np.ndarray):
        if orig.shape == new.shape and orig.flags.writeable:
            orig[...] = new
    elif isinstance(orig, list) and isinstance(new, list):
        for k in range(min(len(orig), len(new))):
            if _mutable(orig[k]):
                _write_back(orig[k], new[k])
            else:
                orig[k] = new[k]
        del orig[len(new) :]
        orig.extend(new[len(orig) :])
    elif isinstance(orig, dict) and isinstance(new, dict):
        for key in list(orig):
            if key not in new:
                del orig[key]
        for key, value in new.items():
            if key in orig and _mutable(orig[key]):
                _write_back(orig[key], value)
            else:
                orig[key] = value
    elif isinstance(orig, tuple) and isinstance(new, tuple):
        for o, n in zip(orig, new, strict=False):  # a tuple of another length: what matches is updated
            _write_back(o, n)


def _mutable(obj) -> bool:
    import numpy as np

    return isinstance(obj, (np.ndarray, np.random.Generator, list, dict, tuple))


# -- the judge ---------------------------------------------------------------------------------
@dataclass
class Verdict:
    """What a test cell printed, and why it failed (None: passed)."""

    printed: str = ""
    error: tuple[str, str, list[str]] | None = None  # ename, evalue, traceback lines
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    hidden: bool = False  # the cell has hidden tests: what the student's code printed is cut short


@contextlib.contextmanager
def in_folder(path):
    """Run notebook code as a notebook runs: in ``path``, warnings not shown; its figures closed after."""
    import warnings

    old = os.getcwd()
    os.chdir(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        os.chdir(old)
        try:
            import matplotlib.pyplot as plt

            plt.close("all")
        except ImportError:
            pass


def fixture_imports(script: dict) -> list[str]:
    """The modules the script's set-up (fixture) cells import, in order, each once."""
    names: list[str] = []
    for cell in script["cells"]:
        if cell["kind"] != "fixture":
            continue
        try:
            tree = ast.parse(cell["source"])
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    return list(dict.fromkeys(names))


class JudgeThread:
    """The thread that runs one submission's tests, one after another.

    One thread for all of them, not one per test: Hypothesis keeps a random generator per thread, and
    setting it up in a new thread runs a full ``gc.collect()`` (``hypothesis.register_random``), about
    0.2 s in a grader that has PyTorch loaded, so a thread per test cost 3-4 s per notebook. A test that
    is abandoned (it runs past its time) keeps its thread; the next test gets a new one. An idle thread
    ends after ``IDLE`` seconds.
    """

    IDLE = 30.0

    def __init__(self):
        self._lock = threading.Lock()
        self._jobs: queue.SimpleQueue | None = None  # the serving thread's queue; None when no thread serves
        self._last: threading.Event | None = None

    def run(self, fn) -> threading.Event:
        """Run ``fn()`` in the thread; the event is set when it has returned (or raised)."""
        done = threading.Event()
        with self._lock:
            if self._jobs is None or (self._last is not None and not self._last.is_set()):
                self._jobs = queue.SimpleQueue()
                threading.Thread(target=self._loop, args=(self._jobs,), name="judge-tests", daemon=True).start()
            self._last = done
            self._jobs.put((fn, done))
        return done

    def _loop(self, jobs: queue.SimpleQueue) -> None:
        while True:
            try:
                fn, done = jobs.get(timeout=self.IDLE)
            except queue.Empty:
                with self._lock:
                    if jobs is not self._jobs:
                        return  # abandoned: the next tests went to a new thread
                    if jobs.empty():
                        self._jobs = None
                        return
                continue
            try:
                _fresh_thread_state()
                contextvars.Context().run(fn)  # each test starts from an empty context, as in a thread of its own
            except BaseException:  # noqa: BLE001 - fn reports its own outcome; the thread serves the next test
                pass
            finally:
                done.set()


def _fresh_thread_state() -> None:
    """What a test may leave behind in its thread and a new thread would not have: PyTorch's grad mode."""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_grad_enabled(True)


class Judge:
    """The trusted namespace of one submission's test cells."""

    def __init__(self, script: dict, workdir: Path):
        self.script, self.workdir = script, Path(workdir)
        self.ns: dict = {"__name__": "__main__", "display": lambda *a, **k: None}
        self.position = 0  # cells of the script run so far (fixtures and tests)
        self.tests = {c["grade_id"]: i for i, c in enumerate(script["cells"]) if c["kind"] == "test"}
        self._session: Session | None = None
        self.test_thread = JudgeThread()
        self.kernel_note = ""
        self.deadline: float | None = None  # time.monotonic() by which the running test must be over

    def preimport(self) -> threading.Thread:
        """Import what the instructor's set-up cells import (NumPy, PyTorch, Hypothesis, the course's checks), in
        a background thread, while the student's kernel starts and runs the notebook: the first test then does
        not wait seconds for the imports (they are the instructor's modules, never the student's code)."""
        modules = fixture_imports(self.script)

        def run():
            import importlib

            for name in modules:
                try:
                    importlib.import_module(name)
                except Exception:  # noqa: BLE001 - the set-up cell reports it when it runs
                    pass

        thread = threading.Thread(target=run, name="judge-preimport", daemon=True)
        thread.start()
        return thread

    def time_left(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def out_of_time(self) -> bool:
        left = self.time_left()
        return left is not None and left <= 0

    def late_message(self) -> str:
        return "the test ran past its time limit while your code was running (or calling back into the test)"

    def session(self) -> Session:
        if self._session is None:
            raise KernelGone(self.gone_message(None))
        return self._session

    def gone_message(self, exc) -> str:
        note = self.kernel_note or "it stopped answering"
        why = f" ({type(exc).__name__})" if exc is not None else ""
        return f"the notebook's kernel did not answer the grader's calls: {note}{why}"

    def _install_answers(self) -> None:
        for name in self.script["answers"]:
            if not isinstance(self.ns.get(name), StudentFunction):
                self.ns[name] = StudentFunction(self, name)

    def _context(self):
        return in_folder(self.workdir)

    def prepare(self, grade_id: str) -> None:
        """Run the fixtures that come before test ``grade_id`` (in the main thread)."""
        stop = self.tests[grade_id]
        with self._context():
            while self.position < stop:
                cell = self.script["cells"][self.position]
                self.position += 1
                if cell["kind"] != "fixture":
                    continue
                try:
                    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                        exec(compile(cell["source"], f"<set-up cell {cell['grade_id']}>", "exec"), self.ns)
                except Exception as exc:  # an instructor bug: every later test reports it
                    self.ns.setdefault("__fixture_errors__", []).append(f"{cell['grade_id']}: {exc!r}")
        self._install_answers()

    def run_test(self, grade_id: str, sock: socket.socket | None) -> Verdict:
        """Run the instructor's test cell ``grade_id`` with the kernel on ``sock`` (in a helper thread)."""
        cell = self.script["cells"][self.tests[grade_id]]
        self.position = max(self.position, self.tests[grade_id] + 1)
        verdict = Verdict()
        start = time.monotonic()
        out = io.StringIO()
        session = self._session = Session(self, sock) if sock is not None else None
        _seed()
        from course import checks

        try:
            with self._context(), contextlib.redirect_stdout(out):
                for code, hidden in _parts(cell["source"], grade_id):
                    checks.set_hidden(hidden)  # failure messages of hidden tests never show expected values
                    verdict.hidden = verdict.hidden or hidden
                    exec(code, self.ns)
        except BaseException as exc:  # noqa: BLE001 - any failure of the test is the test's verdict
            verdict.error = _format_error(exc)
        finally:
            checks.set_hidden(False)  # (per thread: an abandoned test cannot reset the next test's flag)
            if self._session is session:  # an abandoned test must not end the next test's session
                self._session = None
        verdict.printed = out.getvalue()
        verdict.seconds = time.monotonic() - start
        errors = self.ns.get("__fixture_errors__")
        if verdict.error and errors:
            ename, evalue, tb = verdict.error
            verdict.error = (ename, evalue, tb + [f"(a set-up cell failed in the grader: {errors[0]})"])
        return verdict


HIDDEN_MARK = "### BEGIN HIDDEN TESTS"


def _parts(source: str, grade_id: str) -> list[tuple[object, bool]]:
    """The test cell's code as (code, hidden): the visible tests, then the hidden tests (from nbgrader's
    ``### BEGIN HIDDEN TESTS`` on). A cell whose hidden part does not compile on its own (the mark
    inside an indented block) runs whole, as hidden."""
    name = f"<test {grade_id}>"
    lines = source.splitlines(keepends=True)
    at = next((k for k, line in enumerate(lines) if line.strip().startswith(HIDDEN_MARK)), None)
    if at is None:
        return [(compile(source, name, "exec"), False)]
    try:
        visible = compile("".join(lines[:at]), name, "exec")
        hidden = compile("\n" * at + "".join(lines[at:]), name, "exec")  # line numbers as in the cell
    except SyntaxError:
        return [(compile(source, name, "exec"), True)]
    return [(visible, False), (hidden, True)]


def _seed() -> None:
    import numpy as np

    random.seed(0)
    np.random.seed(0)
    try:
        import torch

        torch.manual_seed(0)
    except ImportError:  # pragma: no cover
        pass


def _format_error(exc: BaseException) -> tuple[str, str, list[str]]:
    """An error output without the hidden test's source: the message, and the student's traceback."""
    ename = type(exc).__name__
    evalue = str(exc)
    if isinstance(exc, KeyboardInterrupt):
        evalue = evalue or "interrupted"
    lines = []
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith("<test "):
            lines.append(f"  in the test cell, line {frame.lineno}")
    return ename, evalue, [*lines[-1:], f"{ename}: {evalue}"]


# -- running a test cell: the judge in a thread, the kernel's probe cell in nbclient ------------------
def judged_cell(
    execute, judge: Judge, run_kernel_cell, cell, resources, index, socket_dir: Path, kernel_pid, deadline=None
):
    """Grade test ``cell``: the kernel serves calls while the judge runs the test; returns the cell.

    socket_dir: a folder of the grader's (never one the student's code can change: the socket is
    bound and chmod'ed in it as root). deadline: ``time.monotonic()`` by which the test must be over
    (every call into the kernel, every callback the kernel makes into the test counts).

    run_kernel_cell(cell, resources, index): nbgrader's Execute.preprocess_cell (it may raise
    nbclient's DeadKernelError / CellTimeoutError: the caller's kernel-death handling sees them).
    """
    import nbformat

    gid = _meta(cell)["grade_id"]
    judge.prepare(gid)
    token = secrets.token_hex(16)
    path = socket_dir / f"t-{token[:10]}.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    os.chmod(path, 0o666)  # in the kernel's private home: only its user (and the grader) can reach it
    listener.listen(1)
    listener.settimeout(CONNECT)
    serve = f"__import__('autograder.probe').probe.serve({str(path)!r}, {token!r}, globals())"
    probe = nbformat.v4.new_code_cell(serve)
    verdict: list[Verdict] = []
    conn_box: list[socket.socket] = []
    test_done, kernel_done = threading.Event(), threading.Event()

    def judge_side():
        sock = None
        try:
            try:
                sock, _ = listener.accept()
                conn_box.append(sock)
                sock.settimeout(CONNECT)
                hello = wire.recv(sock, 1024, 16)
                if hello.get("op") != "hello" or hello.get("token") != token:
                    raise wire.WireError("the kernel's probe did not introduce itself")
            except (OSError, EOFError, wire.WireError):
                # the kernel never ran the probe (a hook or transformer of the notebook blanked it, or it
                # died): the test still runs, and every call of an answer fails
                judge.kernel_note = (
                    "the grader's probe cell did not run (does the notebook change how IPython runs cells?)"
                )
                verdict.append(judge.run_test(gid, None))
                return
            verdict.append(judge.run_test(gid, sock))
            try:
                wire.send(sock, {"op": "end"})
            except OSError:
                pass
        finally:
            test_done.set()

    def watchdog():  # the test is over but the kernel's cell goes on: interrupt it, then kill it
        test_done.wait()
        for sig in (signal.SIGINT, signal.SIGKILL):
            if kernel_done.wait(GRACE):
                return
            pid = kernel_pid()
            if pid:
                try:
                    os.killpg(pid, sig)
                except OSError:
                    pass

    dog = threading.Thread(target=watchdog, daemon=True)
    judge.kernel_note = ""
    judge.deadline = deadline
    judged = judge.test_thread.run(judge_side)
    dog.start()
    error = None
    try:
        run_kernel_cell(probe, resources, index)
    except BaseException as exc:  # noqa: BLE001 - re-raised below, after the judge has finished
        error = exc
        judge.kernel_note = {
            "DeadKernelError": "the kernel died (os._exit, a crash, out of memory)",
            "CellTimeoutError": "the cell ran past the time limit",
        }.get(type(exc).__name__, type(exc).__name__)
    finally:
        kernel_done.set()
        nb = getattr(execute, "nb", None)
        if nb is not None and index < len(nb.cells):
            nb.cells[index] = cell  # nbclient stored the probe cell in the notebook: the test cell goes back
        if not judge.kernel_note:
            judge.kernel_note = "its probe cell ended early"
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the judge's accept() (close alone does not)
        listener.close()
        for sock in conn_box:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        judged.wait(None if deadline is None else max(0.0, deadline - time.monotonic()) + GRACE)
        if not judged.is_set():  # the test itself runs on past its time (a callback of the test with a huge
            # argument): it is abandoned, its socket closed (its next call fails), and it fails
            verdict.clear()
            verdict.append(Verdict(error=("KernelGone", judge.late_message(), [f"KernelGone: {judge.late_message()}"])))
        for sock in conn_box:
            sock.close()
        with contextlib.suppress(OSError):
            path.unlink()
    v = verdict[0] if verdict else Verdict(error=("KernelGone", "no verdict", ["KernelGone: no verdict"]))
    cell.outputs = _outputs(probe.outputs, v)
    cell.execution_count = probe.get("execution_count")
    if error is not None:
        raise error
    return cell, resources


def _outputs(kernel_outputs, v: Verdict) -> list:
    """The test cell's outputs: what the student's functions printed, the test's own prints, the verdict."""
    import nbformat

    printed, kernel_errors = [], []
    for out in kernel_outputs:
        if out.get("output_type") == "stream":
            printed.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            if out.get("ename") == "CellTimeoutError":  # nbgrader's own time-limit output: kept as is
                kernel_errors.append(out)
            elif v.error is None:
                # the probe cell failed in the kernel although every call was answered: not a pass
                v.error = ("KernelGone", f"the kernel reported {out.get('ename')}: {str(out.get('evalue'))[:500]}", [])
    text = "".join(printed)
    cap = MAX_STUDENT_OUTPUT_HIDDEN if v.hidden else MAX_STUDENT_OUTPUT
    if len(text.encode()) > cap:
        more = " (hidden tests show only the start)" if v.hidden else ""
        text = text.encode()[:cap].decode("utf-8", "ignore") + f"\n[... your code printed more{more} ...]\n"
    outputs = []
    if text:
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text))
    if v.printed:
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=v.printed))
    outputs += kernel_errors
    if v.error is not None:
        ename, evalue, tb = v.error
        outputs.append(
            nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=tb or [f"{ename}: {evalue}"])
        )
    return outputs
