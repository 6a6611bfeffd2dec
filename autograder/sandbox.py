"""The sandbox around a grading kernel: who runs it, where, with what, and for how long.

``autograder.worker`` runs each submission's notebook in a kernel started by
``SandboxKernelManager`` and ``SandboxProvisioner`` (jupyter_client's extension point for how a
kernel starts; the grading session sets the manager on the Execute preprocessor). The kernel

* runs as the unprivileged system user ``course-sandbox`` (made by ``scripts/setup.sh`` when
  run as root). When the grader is not root or the user is missing, it runs as the grader's
  own user and the run says so loudly (``fallback_warning``);
* has a private home and working directory (``Sandbox.home``) holding only the assignment's
  data files and the student's other files: never the notebook (its restored hidden tests),
  the reference gradebook, the course directory or the repository's ``source/``;
* gets resource limits (``Limits``: address space, processes, file size, CPU seconds, open
  files, no core dumps) set in the child before ``exec``, a umask of 077, its own session;
* gets a fixed environment (``kernel_env``): nothing from the grader's (no NBGRADER_*,
  COURSE_*, CI, grader paths) and a plain ``python -m ipykernel_launcher -f <connection file>``
  command line, as a learner's kernel has;
* seeds ``random``, NumPy's global generator and PyTorch's CPU generator (``SEED_LINES``), so
  unseeded randomness scores the same on every run.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from autograder.limits import Limits

SANDBOX_USER = "course-sandbox"

# Seeds, run at kernel start: NumPy's global generator now; ``random`` right before the first cell
# (the kernel itself draws from it while it starts, a varying number of times); PyTorch's CPU
# generator (seeded at random by ``import torch`` itself) now if it is loaded already (a kernel forked
# by autograder.zygote), else as soon as it is imported. Nothing is left in the user's namespace.
SEED_LINES = [
    "import numpy as _np; _np.random.seed(0); del _np",
    "def _install():\n"
    "    import sys\n"
    "    def seed(info):\n"
    "        import random\n"
    "        random.seed(0)\n"
    "        get_ipython().events.unregister('pre_run_cell', seed)\n"
    "    get_ipython().events.register('pre_run_cell', seed)\n"
    "    if 'torch' in sys.modules:\n"
    "        sys.modules['torch'].manual_seed(0)\n"
    "        return\n"
    "    import importlib.abc, importlib.util\n"
    "    class SeedTorch(importlib.abc.MetaPathFinder):\n"
    "        def find_spec(self, name, path=None, target=None):\n"
    "            if name != 'torch':\n"
    "                return None\n"
    "            sys.meta_path.remove(self)\n"
    "            spec = importlib.util.find_spec(name)\n"
    "            if spec is not None and spec.loader is not None:\n"
    "                run = spec.loader.exec_module\n"
    "                def exec_module(module):\n"
    "                    run(module)\n"
    "                    module.manual_seed(0)\n"
    "                spec.loader.exec_module = exec_module\n"
    "            return spec\n"
    "    sys.meta_path.insert(0, SeedTorch())\n"
    "_install()\n"
    "del _install",
]
# The kernel's own settings and the seeds, read by IPython from the sandbox home (not the command line).
KERNEL_CONFIG = (
    "c = get_config()  # noqa: F821\n"
    'c.HistoryManager.hist_file = ":memory:"\n'
    # CRITICAL: no "NOTE: When using the `ipython kernel` entry point..." banner from every kernel on
    # the instructor's terminal (ipykernel prints it below that level; tracebacks still show)
    'c.IPKernelApp.log_level = "CRITICAL"\n'
    f"c.InteractiveShellApp.exec_lines = {SEED_LINES!r}\n"
)


# Kernels graded at the same time run as different users when there are enough of them
# (course-sandbox, course-sandbox-2, ... made by scripts/setup.sh): a user's process limit, its
# files and its processes (/proc, signals, ptrace) are then never shared between two submissions.
SLOT_USERS = [SANDBOX_USER] + [f"{SANDBOX_USER}-{i}" for i in range(2, 9)]
_slot: tuple[pwd.struct_passwd, bool] | None = None  # (user, held by this process alone)
_slot_fd: int | None = None


def available_users() -> list[pwd.struct_passwd]:
    """The sandbox users kernels can run as (none: not root, no such user, interpreter out of reach)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    # Both the path kernels are started by (the venv's python, maybe inside a private folder)
    # and the interpreter it links to must be reachable by a user with no rights of its own.
    launch, interpreter = Path(os.path.abspath(sys.executable)), Path(os.path.realpath(sys.executable))
    if not (_others_can_run(launch) and _others_can_run(interpreter)):
        return []
    users = []
    for name in SLOT_USERS:
        try:
            users.append(pwd.getpwnam(name))
        except KeyError:
            pass
    return users


def sandbox_user() -> pwd.struct_passwd | None:
    """The unprivileged user kernels of this process run as, or None (not root, no such user).

    The first call picks a user no other process holds and keeps it until this process ends."""
    global _slot, _slot_fd
    if _slot is not None:
        return _slot[0]
    users = available_users()
    if not users:
        return None
    import fcntl

    locks = Path.home() / ".cache" / "course-sandbox"
    locks.mkdir(parents=True, exist_ok=True)
    locks.chmod(0o700)
    for user in users:  # the first user no other grading process holds; kept until this process ends
        fd = os.open(locks / f"{user.pw_name}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        _slot, _slot_fd = (user, True), fd
        return user
    _slot = (users[0], False)  # more jobs than users: kernels share one (its process limit too)
    return users[0]


def exclusive_user() -> bool:
    """Whether this process is the only one running kernels as its sandbox user."""
    return _slot is not None and _slot[1]


def _pids_of(uid: int) -> list[int]:
    """Processes whose real user id is ``uid`` (from /proc)."""
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            for line in status.read_text().splitlines():
                if line.startswith("Uid:"):
                    if int(line.split()[1]) == uid:
                        pids.append(int(status.parent.name))
                    break
        except (OSError, ValueError):
            pass
    return pids


def _others_can_run(program: Path) -> bool:
    """Whether a user with no rights of its own can reach and execute ``program``."""
    if not program.stat().st_mode & 0o001:
        return False
    return all(d.stat().st_mode & 0o001 for d in program.parents)


def fallback_warning() -> str | None:
    """What to tell the instructor when kernels cannot run as the sandbox user."""
    if available_users():
        return None
    launch, interpreter = Path(os.path.abspath(sys.executable)), Path(os.path.realpath(sys.executable))
    fix = f"Run `sudo bash scripts/setup.sh` and grade as root to run it as {SANDBOX_USER!r}."
    if os.geteuid() != 0:
        why = "the grader is not root"
    elif not _others_can_run(launch):
        why = f"{SANDBOX_USER!r} cannot reach {launch}: a folder above it is private"
        fix = (
            "Put the course repository in a folder others can enter "
            "(e.g. /srv or /opt, not a private temporary folder)."
        )
    elif not _others_can_run(interpreter):
        why = f"{SANDBOX_USER!r} cannot reach {interpreter}"
    else:
        why = f"there is no user {SANDBOX_USER!r}"
    return (
        f"WARNING: student code runs as YOUR user ({why}): it can read and change everything you can, "
        f"including the gradebook and the hidden tests. {fix}"
    )


def kernel_env(home: Path) -> dict[str, str]:
    """The kernel's whole environment: a fixed list, nothing inherited from the grader."""
    bindir = str(Path(sys.executable).parent)
    return {
        "PATH": os.pathsep.join([bindir, "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "SHELL": "/bin/sh",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def protect(*paths: Path) -> list[Path]:
    """Take group and other permissions off folders the sandbox user must not enter."""
    changed = []
    for p in paths:
        if p.is_dir() and p.stat().st_mode & 0o077:
            p.chmod(p.stat().st_mode & 0o700)
            changed.append(p)
    return changed


HOMES = Path("/var/lib/course-sandbox")  # where kernels' homes are mounted (not under the private /tmp)
HOME_BYTES = 512 * 1024**2  # size of a kernel's home (a tmpfs): filling it fails with ENOSPC
PRIVATE_TMP_BYTES = 64 * 1024**2  # size of each of the kernel's own /tmp, /var/tmp, /dev/shm
KERNEL_UMASK = 0o077


def _mounted_home(user) -> tuple[Path, bool]:
    """A fresh home for the kernel: a size-limited tmpfs owned by ``user`` (root only), or, where
    mounting is not allowed, a plain private folder (then no size limit, no private /tmp)."""
    HOMES.mkdir(parents=True, exist_ok=True)
    HOMES.chmod(0o711)  # others may enter a home they know the name of, not list them
    home = Path(tempfile.mkdtemp(prefix="home-", dir=HOMES))
    opts = f"size={HOME_BYTES},mode=700,uid={user.pw_uid},gid={user.pw_gid},nosuid,nodev"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "course-sandbox", str(home)], capture_output=True)
    return home, done.returncode == 0


def remove_stale_homes() -> list[str]:
    """Kernel homes a grading process killed with SIGKILL left mounted (and their judge folders): a home is
    stale when no grading process holds its sandbox user's lock and no process of that user runs."""
    import fcntl

    if not HOMES.is_dir() or os.geteuid() != 0:
        return []
    by_uid = {u.pw_uid: u for u in available_users()}
    (Path.home() / ".cache" / "course-sandbox").mkdir(parents=True, exist_ok=True)
    removed = []
    for line in Path("/proc/mounts").read_text().splitlines():
        fields = line.split()
        if len(fields) < 4 or not fields[1].startswith(f"{HOMES}/home-"):
            continue
        uid = next((int(o[4:]) for o in fields[3].split(",") if o.startswith("uid=")), None)
        user = by_uid.get(uid)
        if user is None or _pids_of(uid):
            continue
        fd = os.open(Path.home() / ".cache" / "course-sandbox" / f"{user.pw_name}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a grading process holds this user: its home is live
        else:
            subprocess.run(["umount", "--lazy", fields[1]], capture_output=True)
            shutil.rmtree(fields[1], ignore_errors=True)
            removed.append(fields[1])
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    for folder in HOMES.glob("judge-*"):
        if not any(HOMES.glob("home-*")):
            shutil.rmtree(folder, ignore_errors=True)
    return removed


def jail_available() -> bool:
    """Whether kernels get a size-limited home and private /tmp (root, mount namespaces allowed)."""
    if not available_users():
        return False
    probe = subprocess.run(["unshare", "--mount", "--net", "true"], capture_output=True)
    return probe.returncode == 0


def _judge_dir(user) -> Path:
    """A folder for the judge's socket that the student's code cannot change (issue 18, critical):
    root's, mode 710, group of the sandbox user (it may enter and connect, not create or rename).
    The grader binds and chmods its socket only in here, never in a folder the student owns."""
    if user is None:
        return Path(tempfile.mkdtemp(prefix="course-judge-"))
    HOMES.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="judge-", dir=HOMES))  # 700, root's
    os.chown(folder, 0, user.pw_gid)
    folder.chmod(0o710)
    return folder


class Sandbox:
    """One kernel's private home; ``with Sandbox(files, name) as box:`` then run the kernel."""

    current: Sandbox | None = None  # the sandbox the next kernel of this process starts in

    def __init__(
        self,
        files: dict[str, Path | bytes],
        folder: str,
        limits: Limits | None = None,
        fresh_kernel: bool = False,
        figures: bool = True,
    ):
        self.files, self.folder, self.limits = files, folder, limits or Limits()
        self.fresh_kernel = fresh_kernel  # False: fork the kernel from this process's zygote (autograder.zygote)
        # False: the kernel's figures are made but never drawn into images (see ``kernel_args``)
        self.figures = figures
        self.user = sandbox_user()
        self.home: Path | None = None
        self.cwd: Path | None = None
        self.judge_dir: Path | None = None  # the judge's socket folder: the grader's, never the student's
        self.pgids: list[int] = []

    def __enter__(self) -> Sandbox:
        self.jailed = False
        if self.user is not None:
            self.home, self.jailed = _mounted_home(self.user)
        else:
            self.home = Path(tempfile.mkdtemp(prefix="tmp"))
        self.judge_dir = _judge_dir(self.user)
        self.cwd = self.home / self.folder
        self.cwd.mkdir()
        for name, data in self.files.items():
            dest = self.cwd / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, Path):
                shutil.copyfile(data, dest)
            else:
                dest.write_bytes(data)
        profile = self.home / ".ipython" / "profile_default"
        profile.mkdir(parents=True)
        (profile / "ipython_kernel_config.py").write_text(KERNEL_CONFIG)
        (self.home / ".local" / "share" / "jupyter" / "runtime").mkdir(parents=True)
        mpl_cache = Path.home() / ".cache" / "matplotlib"  # no font-cache rebuild in every kernel
        if mpl_cache.is_dir():
            shutil.copytree(mpl_cache, self.home / ".cache" / "matplotlib")
        if self.user is not None:
            for p in [self.home, *self.home.rglob("*")]:
                os.chown(p, self.user.pw_uid, self.user.pw_gid, follow_symlinks=False)
        Sandbox.current = self
        return self

    def __exit__(self, *exc) -> bool:
        import signal

        Sandbox.current = None
        try:  # a second Ctrl+C must not stop the clean-up half way (a home left mounted)
            old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the main thread
            old = None
        try:
            self.kill()
            if self.jailed:
                subprocess.run(["umount", "--lazy", str(self.home)], capture_output=True)
            shutil.rmtree(self.home, ignore_errors=True)
            shutil.rmtree(self.judge_dir, ignore_errors=True)
        finally:
            if old is not None:
                signal.signal(signal.SIGINT, old)
        return False

    def kill(self) -> None:
        """Whatever the kernel left running goes too: its session, and, when this process holds its
        sandbox user alone, every process of that user (children that left the session)."""
        import signal

        for pgid in self.pgids:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except OSError:
                pass
        if self.user is not None and exclusive_user():
            for pid in _pids_of(self.user.pw_uid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

    def kernel_limits(self) -> Limits:
        if self.user is None:  # the grader's own user: its other processes count against RLIMIT_NPROC
            return replace(self.limits, processes=None)
        return self.limits

    def switch_user(self) -> tuple[int, int] | None:
        """(uid, gid) to drop to before the kernel runs; None when the jail does it, or no sandbox user."""
        if self.user is not None and not self.jailed:
            return self.user.pw_uid, self.user.pw_gid
        return None

    def popen_kwargs(self) -> dict:
        kw = {"cwd": str(self.cwd), "env": kernel_env(self.home), "preexec_fn": self.kernel_limits().apply}
        kw["umask"] = KERNEL_UMASK
        user = self.switch_user()
        if user is not None:
            kw.update(user=user[0], group=user[1], extra_groups=[])
        return kw

    def jail_args(self) -> tuple[int, int, int, list[str], list[str], str]:
        """autograder.jail's arguments: the user, the size of the private /tmp, what the kernel sees
        read-only (the venv, the runtime it links to, the course package that notebooks import and this
        package, whose zygote, jail and probe run in the kernel), what it may write (its home; the judge's
        socket folder, which is root's), and its working folder."""
        import course

        packages = {str(Path(m.__file__).resolve().parent) for m in (course, sys.modules["autograder"])}
        ro = sorted({sys.prefix, os.path.realpath(sys.base_prefix), *packages})
        rw = [str(self.home), str(self.judge_dir)]
        return self.user.pw_uid, self.user.pw_gid, PRIVATE_TMP_BYTES, ro, rw, str(self.cwd)

    def command(self, kernel_cmd: list[str]) -> list[str]:
        """The kernel's command, behind autograder.jail when the home is a mounted tmpfs (root)."""
        if not self.jailed:
            return kernel_cmd
        uid, gid, tmp_bytes, ro, rw, cwd = self.jail_args()
        jail = [sys.executable, "-m", "autograder.jail", str(uid), str(gid), str(tmp_bytes)]
        return [*jail, os.pathsep.join(ro), os.pathsep.join(rw), cwd, "--", *kernel_cmd]

    def kernel_args(self) -> list[str]:
        """The kernel's command-line options after ``-f <connection file>``. Without ``figures``, Matplotlib's
        inline backend displays each figure as its text (``<Figure size 700x400 with 1 Axes>``) and never
        draws it into a PNG: the plotting code runs as ever, only the drawing (a third of notebook 01's
        time) is skipped. For gradings whose executed notebook nobody reads (a learner's check)."""
        return [] if self.figures else ["--InlineBackend.figure_formats=[]"]

    def fork_kernel(self, argv: list[str]):
        """The kernel forked from this process's zygote (autograder.zygote), or None: start it fresh."""
        from autograder import zygote

        if self.fresh_kernel:
            return None
        z = zygote.get(zygote_env())
        if z is None:
            return None
        try:
            return z.spawn(
                cwd=str(self.cwd),
                env=kernel_env(self.home),
                argv=argv,
                umask=KERNEL_UMASK,
                limits=asdict(self.kernel_limits()),
                user=self.switch_user(),
                jail=self.jail_args() if self.jailed else None,
            )
        except (OSError, zygote.ZygoteError) as exc:
            print(f"course: starting this kernel from scratch ({exc})", file=sys.stderr)
            return None


def zygote_env() -> dict[str, str]:
    """The zygote's environment: the kernel's (with the grader's home: Matplotlib reads its font
    cache from there once), and the plotting backend ipykernel sets before anything imports Matplotlib."""
    from autograder.zygote import MPLBACKEND

    return {**kernel_env(Path.home()), "MPLBACKEND": MPLBACKEND}


PROVISIONER = "course-sandbox"  # the entry point in pyproject.toml (jupyter_client.kernel_provisioners)


class SandboxProvisioner(LocalProvisioner):
    """jupyter_client's kernel provisioner for the kernel of ``Sandbox.current``: forked from the zygote
    when it can be, else started fresh behind the jail, as the sandbox user, with its limits."""

    async def launch_kernel(self, cmd: list[str], **kwargs) -> dict:
        box = Sandbox.current
        if box is None:
            raise RuntimeError("SandboxProvisioner: no sandbox prepared for this kernel")
        # The learner's command line: python -m ipykernel_launcher -f <runtime>/kernel-<id>.json
        conn = box.home / ".local" / "share" / "jupyter" / "runtime" / f"kernel-{self.kernel_id}.json"
        shutil.copyfile(self.parent.connection_file, conn)
        if box.user is not None:
            os.chown(conn, box.user.pw_uid, box.user.pw_gid)
        process = box.fork_kernel(["-f", str(conn), *box.kernel_args()])
        if process is not None:  # what LocalProvisioner.launch_kernel records of a Popen
            self.process, self.pid, self.pgid, self.cwd = process, process.pid, process.pid, str(box.cwd)
            box.pgids.append(process.pid)  # the forked kernel leads its own session and group
            return self.connection_info
        kernel_cmd = box.command([sys.executable, "-m", "ipykernel_launcher", "-f", str(conn), *box.kernel_args()])
        kwargs.update(box.popen_kwargs())
        kwargs["independent"] = True  # no JPY_PARENT_PID: the Sandbox ends the kernel and its children
        info = await super().launch_kernel(kernel_cmd, **kwargs)
        box.pgids.append(self.process.pid)  # start_new_session: the kernel leads its own group
        return info


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels start inside ``Sandbox.current``, through ``SandboxProvisioner``
    (named in the kernel spec's metadata, as jupyter_client selects provisioners)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        box = Sandbox.current
        if box is not None and box.jailed:
            # the jailed kernel has no network: its channels are Unix sockets in its home
            self.transport = "ipc"
            self.ip = str(box.home / "k")

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None:
            spec.metadata["kernel_provisioner"] = {"provisioner_name": PROVISIONER, "config": {}}
        return spec
