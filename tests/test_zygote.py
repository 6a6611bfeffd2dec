"""autograder.zygote: a kernel forked from the zygote is the kernel a fresh start would give.

The same probe cell runs in a kernel forked by the zygote and in a kernel started from scratch
(``Sandbox(fresh_kernel=True)``), each in its own sandbox; everything it reports about its
process must be equal (paths of the two homes aside). Then: deaths, exit statuses, interrupts,
and what happens when the zygote cannot be used. As root with the sandbox users this checks the
jailed kernel (user, namespaces, private /tmp); otherwise the grader's own user.
"""

from __future__ import annotations

import json
import os
import signal
import time

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from autograder import sandbox, zygote

pytestmark = pytest.mark.skipif(not zygote.supported(), reason="the zygote needs Linux (fork, pidfd)")

PROBE = r"""
import ctypes, json, os, random, resource, signal, socket, sys
import numpy as np
import torch
import matplotlib
import matplotlib.pyplot as plt

def kinds():
    out = []
    for fd in sorted(os.listdir("/proc/self/fd"), key=int):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        out.append(target.split(":")[0] if ":" in target else "file")  # pipe, socket, anon_inode
    return sorted(out)

def size(path):
    try:
        st = os.statvfs(path)
        return st.f_blocks * st.f_frsize
    except OSError as exc:
        return str(exc)

status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
mask = os.umask(0); os.umask(mask)
plt.plot([0, 1]); fig = plt.gcf()
report = {
    "ids": [os.getresuid(), os.getresgid(), os.getgroups()],
    "session_leader": os.getsid(0) == os.getpid() == os.getpgid(0),
    "cwd": os.getcwd(),
    "env": dict(os.environ),
    "argv": sys.argv,
    "orig_argv": sys.orig_argv,
    "path": sys.path,
    "umask": mask,
    "rlimits": {n: resource.getrlimit(getattr(resource, n)) for n in
                ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CPU", "RLIMIT_CORE")},
    "fds": kinds(),
    "signals": {s: str(signal.getsignal(getattr(signal, s))) for s in
                ("SIGCHLD", "SIGINT", "SIGPIPE", "SIGXFSZ", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1")},
    "caps": [status[k].strip() for k in ("CapInh", "CapPrm", "CapEff", "CapAmb", "NoNewPrivs")],
    "dumpable": ctypes.CDLL(None).prctl(3, 0, 0, 0, 0),
    "sizes": {p: size(p) for p in ("/tmp", "/var/tmp", "/dev/shm", os.path.expanduser("~"))},
    "interfaces": sorted(name for _, name in socket.if_nameindex()),
    "net_ns": (os.readlink("/proc/self/ns/net") != os.readlink("/proc/1/ns/net")
               if os.access("/proc/1/ns/net", os.R_OK) else "hidden"),
    "draws": [random.random(), float(np.random.rand()), float(torch.rand(1))],
    "torch_threads": torch.get_num_threads(),
    "backend": matplotlib.get_backend(),
    "figure": type(fig.canvas).__module__,
    "executable": [sys.executable, sys.prefix],
    "flags": str(sys.flags),
    "main": sys.modules["__main__"].__name__,
    "ipython_dir": get_ipython().profile_dir.location,
    "exec_lines_ran": "_install" not in globals(),
}
print(json.dumps(report))
"""


def _run(code: str, fresh: bool, files=None):
    """Run ``code`` as one cell in a sandboxed kernel; (outputs, box.home)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    with sandbox.Sandbox(files or {}, "work", fresh_kernel=fresh) as box:
        client = NotebookClient(
            nb,
            timeout=60,
            kernel_name="python3",
            allow_errors=True,
            kernel_manager_class=sandbox.SandboxKernelManager,
            resources={"metadata": {"path": str(box.cwd)}},
        )
        client.execute()
        return nb.cells[0].outputs, str(box.home)


def _report(fresh: bool) -> dict:
    outputs, home = _run(PROBE, fresh)
    text = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert not [o for o in outputs if o["output_type"] == "error"], outputs
    line = [ln for ln in text.splitlines() if ln.startswith("{")][-1]
    # the two kernels live in two homes (and their connection files have their own names)
    return json.loads(line.replace(home, "HOME").replace(os.path.realpath(home), "HOME"))


def test_forked_kernel_is_a_fresh_kernel():
    forked, fresh = _report(fresh=False), _report(fresh=True)
    for report in (forked, fresh):  # the connection file's name is the kernel's id
        report["argv"][-1] = report["argv"][-1].split("kernel-")[0]
        report["orig_argv"][-1] = report["orig_argv"][-1].split("kernel-")[0]
    different = {k: (forked[k], fresh[k]) for k in fresh if forked.get(k) != fresh[k]}
    assert different == {}, different
    import torch  # unseeded randomness is the same on every run: random, NumPy and PyTorch are seeded

    first = float(torch.rand(1, generator=torch.Generator().manual_seed(0)))
    assert forked["draws"] == [0.8444218515250481, 0.5488135039273248, first], forked["draws"]
    if sandbox.jail_available():  # and both really are jailed
        assert forked["ids"][0][0] != 0 and forked["interfaces"] in ([], ["lo"]), forked
        assert forked["sizes"]["/tmp"] == sandbox.PRIVATE_TMP_BYTES, forked["sizes"]


def test_kernel_death_and_exit_statuses():
    with pytest.raises(DeadKernelError):
        _run("import os; os._exit(3)", fresh=False)
    with sandbox.Sandbox({}, "w") as box:
        (box.home / "a_file").write_text("")  # its connection file's folder is a file: no user can write there
        kernel = box.fork_kernel(["-f", str(box.home / "a_file" / "kernel.json")])
        assert isinstance(kernel, zygote.ForkedKernel)
        assert kernel.wait(60) == 1  # an uncaught exception, as in python
        kernel = box.fork_kernel(["-f", str(box.home / "kernel.json")])
        time.sleep(1)
        assert kernel.poll() is None
        kernel.kill()
        assert kernel.wait(10) == -signal.SIGKILL
        assert kernel.poll() == -signal.SIGKILL


def test_interrupt_reaches_the_forked_kernel():
    """nbclient interrupts a cell past its time limit (SIGINT to the kernel's process group)."""
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(c) for c in ("import time; time.sleep(60)", "print('alive')")]
    )
    with sandbox.Sandbox({}, "work") as box:
        client = NotebookClient(
            nb,
            timeout=3,
            interrupt_on_timeout=True,
            kernel_name="python3",
            allow_errors=True,
            kernel_manager_class=sandbox.SandboxKernelManager,
            resources={"metadata": {"path": str(box.cwd)}},
        )
        client.execute()
    assert nb.cells[0].outputs[-1]["ename"] == "KeyboardInterrupt", nb.cells[0].outputs
    assert nb.cells[1].outputs[0]["text"] == "alive\n"


def test_zygote_ends_with_its_grading_process():
    z = zygote.Zygote(sandbox.zygote_env())
    z.wait_ready()
    assert z.alive()
    z.sock.close()
    deadline = time.monotonic() + 10
    while z.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not z.alive()


def test_a_zygote_that_cannot_start_means_fresh_kernels(monkeypatch, capsys):
    def broken(self, timeout=0):
        self.close()
        raise zygote.ZygoteError("it did not start")

    monkeypatch.setattr(zygote, "_zygote", None)
    monkeypatch.setattr(zygote, "_failed", None)
    monkeypatch.setattr(zygote.Zygote, "wait_ready", broken)
    outputs, _ = _run("import sys; print('torch' in sys.modules)", fresh=False)
    assert outputs[0]["text"] == "False\n"  # a fresh kernel: nothing preloaded
    assert "kernels start from scratch in this process (it did not start)" in capsys.readouterr().err
    outputs, _ = _run("import sys; print('torch' in sys.modules)", fresh=False)  # and it does not retry
    assert outputs[0]["text"] == "False\n"
    monkeypatch.undo()
    outputs, _ = _run("import sys; print('torch' in sys.modules)", fresh=False)
    assert outputs[0]["text"] == "True\n"  # forked: preloaded


@pytest.mark.parametrize("fresh", [False, True])
def test_the_kernel_starts_through_the_sandbox_provisioner(fresh):
    """jupyter_client's extension point (a kernel provisioner, named in the kernel spec), not an override of
    the kernel manager's private launch methods: forked from the zygote or fresh, the provisioner starts it."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; print(os.getpid())")])
    seen = []
    with sandbox.Sandbox({}, "work", fresh_kernel=fresh) as box:
        client = NotebookClient(nb, timeout=60, kernel_name="python3",
                                kernel_manager_class=sandbox.SandboxKernelManager,
                                resources={"metadata": {"path": str(box.cwd)}})
        client.on_cell_executed = lambda **kw: seen.append((type(client.km.provisioner), client.km.provisioner.pid))
        client.execute()
        assert box.pgids == [seen[0][1]], "the sandbox ends the kernel's process group"
    assert seen[0][0] is sandbox.SandboxProvisioner
    assert "_async_launch_kernel" not in vars(sandbox.SandboxKernelManager)
