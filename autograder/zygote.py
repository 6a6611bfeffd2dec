"""Kernels forked from a process that has already imported the course's libraries.

A grading kernel spends most of its life importing: on the 2-core reference machine
``import torch`` takes 2.3 s, ``matplotlib.pyplot`` 1 s, ipykernel 0.5 s, of a notebook that runs
in about 6.6 s. So each grading process (one per ``--jobs`` slot) starts one *zygote* once:
``python -m autograder.zygote FD``, with the kernel's fixed environment, which imports ipykernel,
NumPy, PyTorch and Matplotlib and then only waits. For each submission it ``fork``s; the child
becomes that submission's kernel exactly as ``autograder.sandbox`` would start a fresh one:

* its own session (the kernel leads its process group, as with ``start_new_session``), the
  sandbox's umask and resource limits (``Limits``, CPU time counted from the fork);
* when the grader is root: the jail (``autograder.jail``: mount and network namespaces, private
  ``/tmp``), then the sandbox user with no supplementary groups and no capabilities;
* the kernel's working directory, its whole environment (``sandbox.kernel_env``, nothing else),
  ``sys.argv`` and ``sys.path[0]`` of ``python -m ipykernel_launcher -f <connection file>``;
  default signal dispositions; no file descriptor but 0, 1 and 2;
* then ipykernel's own ``launch_new_instance()``; the child never returns to the zygote's loop.

What differs from a fresh kernel: the preloaded modules are already in ``sys.modules`` (a name
still has to be imported to be used), and Python's string-hash seed is the zygote's. The zygote
holds no secret: it reads no gradebook, notebook or test, and its environment is the kernel's.
It talks to its grading process over one socket pair (no file on disk: kernels close their end
at once) and ends when that process does. The grader watches each kernel through a pidfd
(``ForkedKernel``, which stands in for ``subprocess.Popen`` in jupyter_client's provisioner) and
asks the zygote, its parent, for the exit status.

``course autograde --fresh-kernels`` starts every kernel from scratch instead.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time

# imported once in the zygote, then shared by every kernel it forks
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "numpy", "torch", "matplotlib", "matplotlib.pyplot")
MPLBACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel would set before matplotlib is imported
START_SECONDS = 120  # a zygote not ready by then is given up (fresh kernels instead)
PR_SET_DUMPABLE = 4


class ZygoteError(RuntimeError):
    pass


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")


# ---------------------------------------------------------------- the grader's side


class ForkedKernel:
    """A kernel forked by the zygote, with the part of ``subprocess.Popen`` jupyter_client uses."""

    stdout = stderr = None

    def __init__(self, zygote: Zygote, pid: int, pidfd: int, stdin: int):
        self.zygote, self.pid, self.pidfd = zygote, pid, pidfd
        self.stdin = open(stdin, "wb", buffering=0)  # the write end of the kernel's stdin (closed by the provisioner)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self.pidfd], [], [], 0)[0]:
            self.returncode = self.zygote.status(self.pid)
            os.close(self.pidfd)
            self.stdin.close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            select.select([self.pidfd], [], [], left)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            try:
                signal.pidfd_send_signal(self.pidfd, sig)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Zygote:
    """The grading process's zygote: ``spawn`` forks one kernel."""

    def __init__(self, env: dict[str, str]):
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = parent
        self.lock = threading.Lock()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.zygote", str(child.fileno())],
            pass_fds=[child.fileno()],
            env=env,
            cwd="/",
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float = START_SECONDS) -> None:
        if self.ready:
            return
        reply = self._receive(timeout)[0]
        if reply.get("ready") is not True:
            raise ZygoteError(f"the zygote did not start: {reply}")
        self.ready = True

    def _receive(self, timeout: float | None = 30) -> tuple[dict, list[int]]:
        if not select.select([self.sock], [], [], timeout)[0]:
            raise ZygoteError(f"no answer from the zygote in {timeout} s")
        data, fds, _, _ = socket.recv_fds(self.sock, 65536, 2)
        if not data:
            raise ZygoteError(f"the zygote ended (exit status {self.process.poll()})")
        return json.loads(data), fds

    def _ask(self, request: dict) -> tuple[dict, list[int]]:
        with self.lock:
            self.wait_ready()
            self.sock.send(json.dumps(request).encode())
            return self._receive()

    def spawn(
        self,
        cwd: str,
        env: dict[str, str],
        argv: list[str],
        umask: int,
        limits: dict,
        user: tuple[int, int] | None = None,
        jail: tuple | None = None,
    ) -> ForkedKernel:
        """Fork a kernel: ``python -m ipykernel_launcher *argv`` as autograder.sandbox would start it."""
        request = {
            "op": "spawn",
            "cwd": cwd,
            "env": env,
            "argv": argv,
            "umask": umask,
            "limits": limits,
            "user": user,
            "jail": jail,
        }
        reply, fds = self._ask(request)
        if "pid" not in reply or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            raise ZygoteError(f"the zygote could not fork a kernel: {reply.get('error', reply)}")
        return ForkedKernel(self, reply["pid"], *fds)

    def status(self, pid: int) -> int:
        """Exit status of a kernel that has ended (-N: killed by signal N, as in Popen)."""
        try:
            reply, _ = self._ask({"op": "status", "pid": pid})
        except (OSError, ZygoteError):
            return -signal.SIGKILL  # the zygote is gone; the kernel was reaped by init
        return reply.get("status", 1)

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        try:
            self.sock.close()
        finally:
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


_zygote: Zygote | None = None
_failed: str | None = None  # why this process runs fresh kernels


def get(env: dict[str, str]) -> Zygote | None:
    """This process's zygote (started on first use, again if it died), or None (fresh kernels)."""
    global _zygote, _failed
    if _failed is not None or not supported():
        return None
    if _zygote is not None and not _zygote.alive():
        _zygote = None
    try:
        if _zygote is None:
            _zygote = Zygote(env)
        _zygote.wait_ready()  # (started here, or earlier by ``start``)
    except (OSError, ZygoteError) as exc:
        _failed = str(exc)
        print(f"course: kernels start from scratch in this process ({exc})", file=sys.stderr)
        if _zygote is not None:
            _zygote.close()
        _zygote = None
    return _zygote


def start(env: dict[str, str]) -> None:
    """Start this process's zygote now, without waiting for it (it imports while we do other work)."""
    global _zygote
    if supported() and _zygote is None and _failed is None:
        _zygote = Zygote(env)


# ---------------------------------------------------------------- the zygote's side


def _become_kernel(sock: socket.socket, req: dict) -> None:
    """In the forked child: turn into the submission's kernel (see the module docstring)."""
    sock.close()
    os.setsid()  # (signal dispositions are Python's defaults already: the zygote changes none)
    os.closerange(3, os.sysconf("SC_OPEN_MAX") if os.sysconf("SC_OPEN_MAX") > 0 else 1024)
    os.umask(req["umask"])
    from autograder.limits import Limits

    Limits(**req["limits"]).apply()
    if req["jail"]:
        from autograder.jail import PR_SET_PDEATHSIG, jail, prctl

        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the zygote ends (its grading process died): so does the box
        if os.getppid() == 1:
            os._exit(1)
        uid, gid, tmp_bytes, ro, rw, cwd = req["jail"]
        jail(uid, gid, tmp_bytes, ro, rw, cwd)
    elif req["user"]:
        uid, gid = req["user"]
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
    if os.getuid() != 0 and (req["jail"] or req["user"]):
        # a process that changed user is not dumpable; a fresh kernel (exec'd) is: same as it
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    import ipykernel_launcher

    sys.argv = [ipykernel_launcher.__file__, *req["argv"]]
    sys.orig_argv = [sys.executable, "-m", "ipykernel_launcher", *req["argv"]]
    # `python -m` put the zygote's working folder first, as it puts the kernel's; ipykernel_launcher
    # removes that entry (IPython adds the working folder back)
    del sys.path[0]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def serve(fd: int) -> None:
    sock = socket.socket(fileno=fd)
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # not installed here: the kernel imports what it needs itself
            pass
    import autograder.jail  # noqa: F401
    import autograder.limits  # noqa: F401

    statuses: dict[int, int] = {}

    def reap():
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            statuses[pid] = os.waitstatus_to_exitcode(status)

    sock.send(json.dumps({"ready": True}).encode())
    while True:
        reap()
        if not select.select([sock], [], [], 1.0)[0]:
            continue
        data = sock.recv(65536)
        if not data:
            return  # the grading process has ended
        req = json.loads(data)
        if req["op"] == "spawn":
            stdin, feed = os.pipe()  # the kernel's stdin: a pipe from the grader, as jupyter_client gives it
            try:
                pid = os.fork()
            except OSError as exc:
                os.close(stdin)
                os.close(feed)
                sock.send(json.dumps({"error": f"fork: {exc}"}).encode())
                continue
            if pid == 0:
                code = 0
                try:
                    os.dup2(stdin, 0)
                    _become_kernel(sock, req)
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
                except BaseException:  # noqa: BLE001 - the child must never return to the loop
                    import traceback

                    traceback.print_exc()
                    code = 1  # as python exits on an uncaught exception
                finally:
                    try:
                        import atexit

                        atexit._run_exitfuncs()  # as the interpreter of a fresh kernel would at exit
                        sys.stdout.flush()
                        sys.stderr.flush()
                    finally:
                        os._exit(code)
            os.close(stdin)
            pidfd = os.pidfd_open(pid)
            socket.send_fds(sock, [json.dumps({"pid": pid}).encode()], [pidfd, feed])
            os.close(pidfd)
            os.close(feed)
        elif req["op"] == "status":
            pid = req["pid"]
            if pid not in statuses:
                try:
                    _, status = os.waitpid(pid, 0)
                    statuses[pid] = os.waitstatus_to_exitcode(status)
                except ChildProcessError:
                    statuses[pid] = 1
            sock.send(json.dumps({"status": statuses.pop(pid)}).encode())


def main(fd: int) -> int:
    """Serve until the grading process ends; its end is the normal end, whenever it comes.

    A worker that got no submission (fewer hand-ins than jobs) exits while its zygote is still
    importing: the zygote then finds the socket closed (BrokenPipeError, ConnectionResetError)
    when it says it is ready. Nothing went wrong, so nothing is printed."""
    try:
        serve(fd)
    except (BrokenPipeError, ConnectionResetError):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
