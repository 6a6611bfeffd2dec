"""A warm grader for one learner: Check my work, ``course grade``, ``course progress`` and Validate answer in
seconds, not from a cold start every time.

Each of them grades one notebook with ``autograde.grade_notebook``. A grading process that starts cold
spends about 3 s before the notebook's first cell runs (its zygote imports PyTorch) and 1-2 s importing
nbgrader, and the judge imports Hypothesis and PyTorch again. So the first of them starts this server
(``python -m autograder.warm SOCKET``), in its own session, and hands it the notebook; later ones find it
and hand theirs over too. It grades with the same ``grade_notebook`` (the same zygote, sandbox, judge
and gradebook as ``course autograde``), one notebook at a time, and answers with the result.

* Where: a Unix socket in the learner's cache folder (``autograde.cache_dir()``, made private, 0700),
  beside ``warm.lock``, which the server holds while it lives: two servers never run at once.
* When it ends: after ``COURSE_WARM_IDLE`` seconds (default 600) without a request; at a request from
  a client whose course code or ``COURSE_*`` settings differ from its own (the learner pulled a new
  version, or a test set a seed): it answers "stale" and goes, and the client starts a new one.
* When it fails: a client that cannot reach or start a server, or loses it mid-answer, grades in its
  own process, as before. ``COURSE_WARM=0`` grades in the caller's process always (the test suite does).

The server holds nothing the learner's own process could not read: it runs as the learner, and the
learner's notebook code runs only in the sandboxed kernels it forks, as in every grading.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from autograder import wire

IDLE = 600.0  # seconds without a request before the server ends
CONNECT = 60.0  # seconds a client waits for a new server to listen
ANSWER = 900.0  # seconds a client waits for its answer (a notebook may take 600 in all, the server may be busy)


def enabled() -> bool:
    return os.environ.get("COURSE_WARM", "1") != "0"


def folder() -> Path:
    from autograder.autograde import cache_dir

    path = cache_dir() / "warm"
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def code_version() -> str:
    """What a server must share with its client: the course's code (the files of ``course`` and ``autograder``,
    by size and time), the Python that runs it, and the ``COURSE_*`` settings (seeds, samples, limits)."""
    h = hashlib.sha256(sys.executable.encode())
    here = Path(__file__).resolve().parent
    for package in (here, here.parent / "course"):
        for f in sorted(package.glob("*.py")):
            st = f.stat()
            h.update(f"{f.name} {st.st_size} {st.st_mtime_ns}\n".encode())
    for key in sorted(os.environ):
        if key.startswith("COURSE_") and key not in ("COURSE_WARM", "COURSE_WARM_IDLE"):
            h.update(f"{key}={os.environ[key]}\n".encode())
    return h.hexdigest()


# -- the client ---------------------------------------------------------------------------------
class Unavailable(Exception):
    """No server answered (none could start, or it went away mid-answer): grade in this process.

    again: whether asking a new server may help (not after waiting ``ANSWER`` seconds for one)."""

    def __init__(self, message: str, again: bool = True):
        super().__init__(message)
        self.again = again


def grade(path: Path, topic: str, repo: Path):
    """Grade ``path`` as ``topic`` through the warm server (started if none runs); ``SubmissionResult``.

    Raises ``grading.GradingError`` when the notebook cannot be graded (as ``grade_notebook`` does) and
    ``Unavailable`` when no server could answer."""
    from autograder import grading

    request = {"op": "grade", "path": str(Path(path).resolve()), "topic": topic, "repo": str(repo)}
    request["version"] = code_version()
    lost = False
    for _attempt in range(3):  # a stale server goes, one that ended as we came is replaced: start a new one
        try:
            reply = _ask(request)
        except Unavailable as exc:
            if lost or not exc.again:
                raise
            lost = True
            continue
        if reply.get("stale"):
            _wait_gone(float(reply.get("pid") or 0))
            continue
        if reply.get("printed"):
            print(reply["printed"], end="", file=sys.stderr)
        if not reply.get("ok"):
            raise grading.GradingError(str(reply.get("error") or "the grader failed"))
        return grading.SubmissionResult.from_dict(reply["result"])
    raise Unavailable("the warm grader kept answering for another version of the course")


def _ask(request: dict) -> dict:
    where = folder() / "grader.sock"
    sock = _connect(where)
    if sock is None:
        _spawn(where)
        deadline = time.monotonic() + CONNECT
        while sock is None and time.monotonic() < deadline:
            time.sleep(0.05)
            sock = _connect(where)
        if sock is None:
            raise Unavailable(f"the warm grader did not start (see {folder() / 'server.log'})")
    try:
        with sock:
            sock.settimeout(ANSWER)
            wire.send(sock, request)
            return wire.recv(sock)
    except TimeoutError:
        raise Unavailable(f"the warm grader gave no answer in {ANSWER:g} s", again=False) from None
    except (OSError, EOFError, wire.WireError) as exc:
        raise Unavailable(f"the warm grader stopped answering ({type(exc).__name__})") from None


def _connect(where: Path) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(where))
    except OSError:
        sock.close()
        return None
    return sock


def _spawn(where: Path) -> None:
    log = open(folder() / "server.log", "ab")  # noqa: SIM115 - the child keeps it
    with log:
        subprocess.Popen(
            [sys.executable, "-m", "autograder.warm", str(where)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,  # Ctrl+C in the learner's terminal, or its kernel's end, does not stop it
            close_fds=True,
        )


def _wait_gone(pid: float, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while pid and time.monotonic() < deadline:
        try:
            os.kill(int(pid), 0)
        except OSError:
            return
        time.sleep(0.05)


# -- the server ---------------------------------------------------------------------------------
def serve(where: Path, idle: float | None = None) -> int:
    idle = float(os.environ.get("COURSE_WARM_IDLE", IDLE) if idle is None else idle)
    lock = open(where.parent / "warm.lock", "w")  # noqa: SIM115 - held for the server's life
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0  # another server lives: the client finds it
    with contextlib.suppress(FileNotFoundError):
        where.unlink()  # left by a server that was killed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # (kill PID: the socket file goes too)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(where))
    os.chmod(where, 0o600)
    listener.listen(8)
    version = code_version()
    _warm_up()
    try:
        while True:
            listener.settimeout(idle)
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                return 0
            with conn:
                if not _answer(conn, version):
                    return 0
    finally:
        with contextlib.suppress(OSError):
            where.unlink()  # ours: the lock is held until this process ends
        listener.close()


def _warm_up() -> None:
    """Start the zygote and import what grading imports, while the first client sends its notebook."""
    from autograder import sandbox, zygote

    zygote.start(sandbox.zygote_env())
    import autograder.autograde  # noqa: F401 - nbgrader, nbconvert, the gradebook


def _answer(conn: socket.socket, version: str) -> bool:
    """Serve one request; False when the server must end (a client of another version)."""
    from autograder import grading
    from autograder.autograde import grade_notebook

    try:
        conn.settimeout(30)
        request = wire.recv(conn)
        conn.settimeout(None)
    except (OSError, EOFError, wire.WireError):
        return True
    if request.get("version") != version:
        with contextlib.suppress(OSError):
            wire.send(conn, {"ok": False, "stale": True, "pid": os.getpid()})
        return False
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            result = grade_notebook(Path(request["path"]), str(request["topic"]), repo=Path(request["repo"]))
        reply = {"ok": True, "result": dataclasses.asdict(result)}
    except grading.GradingError as exc:
        reply = {"ok": False, "error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - the client sees it; the server serves the next one
        reply = {"ok": False, "error": f"the grader failed: {type(exc).__name__}: {exc}"}
    reply["printed"] = printed.getvalue()[-20000:]
    reply["pid"] = os.getpid()
    with contextlib.suppress(OSError):
        wire.send(conn, reply)
    return True


if __name__ == "__main__":
    sys.exit(serve(Path(sys.argv[1])))
