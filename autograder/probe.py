"""The student's side of the wire: runs in the student's kernel while the judge runs a test cell.

The autograder sends one fixed cell instead of each test cell::

    import autograder.probe; autograder.probe.serve("<socket>", "<token>", globals())

``serve`` connects to the judge and answers its requests until the judge says ``end``: call the
student's function ``name`` (or a handle's object) with these arguments, read an attribute of a
handle. Results go back as data (``autograder.wire``). Nothing here decides anything: the judge
compares what comes back with the instructor's tests, in its own process. Whatever the student's
code does to this module, to IPython or to the interpreter can only change what comes back, or
stop it from coming back; both score as a wrong answer.
"""

from __future__ import annotations

import re
import socket
import traceback

from autograder import wire

MAX_TRACEBACK = 4000  # characters of a student's traceback sent back with an error


def serve(path: str, token: str, namespace: dict) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    try:
        _Server(sock, namespace).run(token)
    finally:
        sock.close()


def serve_connected(sock: socket.socket, token: str, namespace: dict) -> None:
    """``serve`` on a socket already connected (the tests' socket pair); returns when the judge goes."""
    try:
        _Server(sock, namespace).run(token)
    except (EOFError, OSError, wire.WireError):
        pass
    finally:
        sock.close()


class _Server:
    def __init__(self, sock, namespace):
        self.sock, self.ns = sock, namespace
        self.handles: dict[int, object] = {}  # objects of this kernel the judge holds a handle to
        self.origin: dict[int, dict] = {}  # id(stand-in) -> the tag it came from (for write-back)
        self.codec = wire.Codec(self._local, self._remote)
        self.next_call = 0

    def run(self, token: str) -> None:
        wire.send(self.sock, {"op": "hello", "token": token})
        while True:
            msg = wire.recv(self.sock)
            if msg.get("op") == "end":
                return
            self._answer(msg)

    # -- requests from the judge -------------------------------------------------------------
    def _answer(self, msg: dict) -> None:
        op, rid = msg.get("op"), msg.get("id")
        try:
            if op == "call":
                reply = self._call(msg)
            elif op == "getattr":
                obj = self._target(msg)
                reply = {"ok": True, "value": self.codec.encode(getattr(obj, str(msg.get("attr"))))}
            else:
                raise wire.WireError(f"unknown request {op!r}")
        except (Exception, SystemExit) as exc:  # a failing answer is a reply, not the end of the session
            reply = {"ok": False, "error": _error(exc)}
        reply.update(op="reply", id=rid)
        wire.send(self.sock, reply)

    def _target(self, msg: dict):
        target = msg.get("target") or {}
        if "name" in target:
            name = str(target["name"])
            if name not in self.ns:
                raise NameError(f"name '{name}' is not defined (run the cell that defines it)")
            return self.ns[name]
        if "handle" in target:
            return self.handles[int(target["handle"])]
        raise wire.WireError("no target")

    def _call(self, msg: dict) -> dict:
        fn = self._target(msg)
        args_tag, kwargs_tag = msg.get("args", {"list": []}), msg.get("kwargs", {"dict": []})
        args = self.codec.decode(args_tag)
        kwargs = self.codec.decode(kwargs_tag)
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise wire.WireError("malformed call")
        guard = msg.get("guard")
        used_torch = None
        import numpy as np

        modes = ("ignore", "warn", "raise", "call", "print", "log")
        errstate = {
            k: v
            for k, v in (msg.get("errstate") or {}).items()
            if k in ("over", "invalid", "divide", "under") and v in modes
        }
        contract = msg.get("contract")
        # a plain call (a test calling the answer directly): an in-place change of the test's arguments
        # fails as a broken contract (issue 18: it is never written back to steer an expectation);
        # returning a view is allowed, as in-process
        options = {"may_alias": True, "mutates": []}
        if isinstance(contract, dict):
            options = {
                "may_alias": _alias_option(contract.get("may_alias", False)),
                "mutates": [m for m in contract.get("mutates") or [] if isinstance(m, (int, str))],
            }
        target = msg.get("target") or {}
        name = str(guard or target.get("name") or "the function")
        from course.contracts import ContractError

        try:
            with np.errstate(**errstate):
                result, used_torch = self._run(fn, args, kwargs, guard, name, options)
        except ContractError as exc:
            return {"ok": False, "contract": str(exc)}
        reply = {"ok": True, "value": self.codec.encode(result) if used_torch is None else None}
        if used_torch is not None:
            reply["used_torch"] = used_torch
        after = [self.codec.encode(args), self.codec.encode(kwargs)]
        if after != [args_tag, kwargs_tag]:  # the function changed its arguments in place
            reply["writeback"] = after
        return reply

    @staticmethod
    def _run(fn, args, kwargs, guard, name, options):
        from course.contracts import checked_call

        def call():
            return checked_call(name, fn, tuple(args), kwargs, **options)

        used_torch = None
        if guard:
            from course.guard import RecordTorchOps, UsedTorchError

            recorder = RecordTorchOps()
            try:
                with recorder:
                    result = call()
            except UsedTorchError:
                result = None
            if recorder.ops:
                used_torch = recorder.ops[0]
        else:
            result = call()
        return result, used_torch

    # -- objects that travel as handles ------------------------------------------------------
    def _local(self, obj):
        tag = self.origin.get(id(obj))
        if tag is not None:
            return tag
        key = len(self.handles) + 1
        self.handles[key] = obj
        return {"obj": [key, type(obj).__name__, callable(obj)]}

    def _remote(self, tag: str, body):
        if tag == "student_fn":
            obj = self._target({"target": {"name": body}})
        elif tag == "ref":
            obj = self.handles[int(body)]
        elif tag == "fn":
            obj = _Callback(self, int(body))
        else:
            raise wire.WireError(f"the judge cannot send {tag!r}")
        self.origin[id(obj)] = {tag: body}
        return obj

    def call_judge(self, fid: int, args, kwargs):
        self.next_call += 1
        rid = f"k{self.next_call}"
        wire.send(
            self.sock,
            {
                "op": "call",
                "id": rid,
                "target": {"fn": fid},
                "args": self.codec.encode(list(args)),
                "kwargs": self.codec.encode(dict(kwargs)),
            },
        )
        while True:  # the judge may call us again while it computes its answer
            msg = wire.recv(self.sock)
            if msg.get("op") == "reply" and msg.get("id") == rid:
                if msg.get("ok"):
                    return self.codec.decode(msg.get("value"))
                err = msg.get("error") or {}
                raise RuntimeError(f"the grader's function failed: {err.get('type')}: {err.get('message')}")
            if msg.get("op") == "end":
                raise EOFError("the judge ended the session")
            self._answer(msg)


def _alias_option(value):
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, int) and not isinstance(v, bool))
    return bool(value)


class _Callback:
    """A function of the judge (e.g. the test's own ``f`` handed to a student's finite differences)."""

    def __init__(self, server: _Server, fid: int):
        self.server, self.fid = server, fid

    def __call__(self, *args, **kwargs):
        return self.server.call_judge(self.fid, args, kwargs)

    def __repr__(self):
        return f"<function of the grader #{self.fid}>"


_OWN_FILES = ("autograder/probe.py", "autograder/wire.py", "course/contracts.py")
_CELL_FILE = re.compile(r'"[^"\n]*/ipykernel_\d+/\d+\.py"')


def _error(exc: BaseException) -> dict:
    tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
    # drop this module's own frames: the student sees where their code failed
    lines = [line for line in tb if not any(own in line for own in _OWN_FILES)]
    # a notebook cell's code is compiled from /tmp/ipykernel_<kernel pid>/<hash>.py: name it, so that the
    # same answer gets the same message in every kernel (learner and instructor, forked or fresh)
    text = _CELL_FILE.sub('"<your notebook cell>"', "".join(lines))[-MAX_TRACEBACK:]
    return {"type": type(exc).__name__, "message": str(exc)[:2000], "traceback": text}
