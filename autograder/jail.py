"""A student's kernel in a box of its own (run as root): namespaces and a minimal filesystem.

    python -m autograder.jail UID GID TMP_BYTES RO:RO RW:RW CWD -- python -m ipykernel_launcher -f <connection file>

``autograder.sandbox`` starts every kernel through :func:`jail` (in the child forked by
``autograder.zygote``, or before ``exec`` with ``--fresh-kernels``). It does with system calls what
Debian's ``bubblewrap`` does with command-line options (bubblewrap must ``exec`` its command, so it
cannot box a kernel forked from the zygote; see autograder/SECURITY.md):

* **namespaces**: mount, PID, IPC, network and UTS of its own (``unshare``);
* **a minimal filesystem**: a new root (a tmpfs, read-only) holding only ``/usr`` and the links of a
  merged-``/usr`` system, a few files of ``/etc`` (users, the dynamic linker's cache), a few devices
  (``null``, ``zero``, ``full``, ``random``, ``urandom``), ``/sys/devices/system/cpu``, the runtime,
  the venv and the course package (all read-only, ``nosuid``), the kernel's own home and the judge's
  socket folder; a ``/proc`` of its PID namespace (its own processes only); private, size-limited
  ``/tmp``, ``/var/tmp`` and ``/dev/shm``. Nothing else of the machine is visible (``pivot_root``,
  the old root detached);
* **processes**: a PID-1 *init* (root, in the namespace) starts the kernel and reaps; when the
  kernel ends, init ends, and with it every process of the namespace (the kernel's children, a
  chain that changes pid every few ms). Init dies with its parent (``PR_SET_PDEATHSIG``), which is
  the process the grader watches and kills: killing it ends the whole tree;
* **privileges**: the kernel drops to the sandbox user (no supplementary groups, no capabilities)
  with ``no_new_privs`` (no set-uid program can give any back).

Three processes, one process group: the *outer* (in the machine's PID namespace: what the grader
watches, signals and kills; it ignores SIGINT, which the kernel handles), *init* (pid 1) and the
kernel (pid 2). An interrupt sent to the group reaches the kernel; init ignores it (a PID-1 without
a handler does).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER = 0x00020000, 0x04000000, 0x08000000, 0x10000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x20, 0x1000, 0x4000, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
PRIVATE_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
ETC_FILES = ("passwd", "group", "nsswitch.conf", "ld.so.cache", "ld.so.conf", "localtime", "hosts", "host.conf")
DEVICES = ("null", "zero", "full", "random", "urandom")
SYSTEM_RO = ("/usr", "/sys/devices/system/cpu")
MERGED_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
STAGE = "/tmp"  # where the new root is built (in the kernel's own mount namespace)

_libc = None


def _c():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.mount.argtypes = [ctypes.c_char_p] * 4 + [ctypes.c_void_p]
        _libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    return _libc


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None, what=""):
    enc = lambda s: s.encode() if isinstance(s, str) else s  # noqa: E731
    _check(_c().mount(enc(source), enc(target), enc(fstype), flags, enc(data)), what or f"mount {target}")


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def prctl(option: int, arg: int) -> None:
    _check(_c().prctl(option, ctypes.c_ulong(arg), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)), "prctl")


def jail(uid: int, gid: int, tmp_bytes: int, ro: list[str], rw: list[str], cwd: str | None = None) -> None:
    """Box this process (root): returns in the kernel only, as ``uid``/``gid`` in the new root.

    ro: folders bound read-only at the same path (the venv, the runtime, the course package);
    rw: folders bound read-write at the same path (the kernel's home, the judge's socket folder).
    The calling process becomes the *outer* and init its child: neither returns.
    """
    _check(_c().unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    alive_r, alive_w = os.pipe()  # init learns the outer has gone even if that happened before PDEATHSIG
    pid = os.fork()
    if pid:
        os.close(alive_r)
        _outer(pid)
    os.close(alive_w)
    try:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        import select

        if select.select([alive_r], [], [], 0)[0]:
            os._exit(1)  # the outer is gone already
        _build_root(tmp_bytes, ro, rw)
        _c().sethostname(b"sandbox", 7)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_IGN)  # init: an interrupt is for the kernel
        asks, answers = os.pipe(), os.pipe()  # the kernel asks init to map its ids in its user namespace
        kernel = os.fork()
        if kernel:
            os.close(asks[1])
            os.close(answers[0])
            _map_ids(kernel, uid, gid, asks[0], answers[1])
    except BaseException as exc:  # noqa: BLE001 - init never returns to the caller
        print(f"autograder.jail: {exc}", file=sys.stderr, flush=True)
        os._exit(1)
    if kernel:
        _init(kernel)
    os.close(alive_r)
    os.close(asks[0])
    os.close(answers[1])
    # its own user namespace, in which only its own user and group exist (mapped by init, root outside)
    os.setgroups([])
    try:  # (a machine whose user namespaces are off, max_user_namespaces = 0: the box goes on without one)
        _check(_c().unshare(CLONE_NEWUSER), "unshare(CLONE_NEWUSER)")
        os.write(asks[1], b"?")
    except OSError:
        os.write(asks[1], b"-")
    if os.read(answers[0], 1) != b"!":
        os._exit(1)
    os.close(asks[1])
    os.close(answers[0])
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as Python starts (exec resets it to that too)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_DFL)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    _drop_capabilities()  # (its namespace's creator kept them through setresuid; exec would drop them)
    if cwd:
        os.chdir(cwd)


def _drop_capabilities() -> None:
    """No capability left, not even in the kernel's own user namespace (capset with empty sets)."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3: two 32-bit words
    _check(_c().capset(ctypes.byref(header), data), "capset")


def _map_ids(kernel: int, uid: int, gid: int, asks: int, answers: int) -> None:
    """In init: once the kernel has its user namespace, map its user and group (only them) into it."""
    ask = os.read(asks, 1)
    ok = ask in (b"?", b"-")
    if ask == b"?":
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/{kernel}/{name}", "w") as fh:
                fh.write(text + "\n")
    os.write(answers, b"!" if ok else b"x")
    os.close(asks)
    os.close(answers)


def _outer(child: int) -> None:
    """The outer process: waits for init, exits as it did; an interrupt is for the kernel, not for us."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGQUIT, signal.SIG_IGN)
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(1)
    code = os.waitstatus_to_exitcode(status)
    os._exit(code if code >= 0 else 128 - code)


def _init(kernel: int) -> None:
    """PID 1 of the namespace: reap every orphan; when the kernel ends, end (and so does everything)."""
    code = 1
    while True:
        try:
            pid, status = os.wait()
        except InterruptedError:
            continue
        except ChildProcessError:
            break
        if pid == kernel:
            code = os.waitstatus_to_exitcode(status)
            code = code if code >= 0 else 128 - code
            break
    os._exit(code)


def _build_root(tmp_bytes: int, ro: list[str], rw: list[str]) -> None:
    """In init (root, new mount and PID namespaces): the minimal filesystem, then pivot_root into it."""
    _mount("none", "/", None, MS_REC | MS_PRIVATE, what="mount --make-rprivate /")
    binds: list[tuple[str, int, bool]] = []  # (path, fd opened before the stage covers anything, read-only)
    for path, readonly in [(p, True) for p in SYSTEM_RO + tuple(ro)] + [(p, False) for p in rw]:
        if os.path.isdir(path) and not os.path.islink(path):
            binds.append((path, os.open(path, os.O_PATH | os.O_DIRECTORY), readonly))
    etc = [(f"/etc/{n}", os.open(f"/etc/{n}", os.O_PATH)) for n in ETC_FILES if os.path.isfile(f"/etc/{n}")]
    devs = [(f"/dev/{n}", os.open(f"/dev/{n}", os.O_PATH)) for n in DEVICES if os.path.exists(f"/dev/{n}")]
    links = {n: os.readlink(f"/{n}") for n in MERGED_LINKS if os.path.islink(f"/{n}")}
    _mount("tmpfs", STAGE, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755", "mount the new root")
    root = STAGE
    mask = os.umask(0o022)  # the folders of the new root are enterable by the sandbox user, whatever the umask
    try:
        for name, target in links.items():
            os.symlink(target, f"{root}/{name}")
        for target in PRIVATE_DIRS:  # first: a folder bound below /tmp (a clone there) must stay visible
            os.makedirs(root + target, mode=0o755, exist_ok=True)
            opts = f"size={tmp_bytes},mode=1777"
            _mount("tmpfs", root + target, "tmpfs", MS_NOSUID | MS_NODEV, opts, f"mount {target}")
        for path, fd, readonly in sorted(binds, key=lambda b: b[0].count("/")):
            dest = root + path
            os.makedirs(dest, mode=0o755, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", dest, None, MS_BIND | MS_REC, what=f"bind {path}")
            flags = MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | (MS_RDONLY if readonly else 0)
            _mount("none", dest, None, flags, what=f"remount {path}")
            os.close(fd)
        os.makedirs(f"{root}/etc", mode=0o755, exist_ok=True)
        for (path, fd), flags in [(e, 0) for e in etc] + [(d, 1) for d in devs]:
            dest = root + path
            os.makedirs(os.path.dirname(dest), mode=0o755, exist_ok=True)
            open(dest, "w").close()
            _mount(f"/proc/self/fd/{fd}", dest, None, MS_BIND, what=f"bind {path}")
            ro_flags = MS_BIND | MS_REMOUNT | MS_NOSUID | (0 if flags else MS_NODEV | MS_RDONLY)
            _mount("none", dest, None, ro_flags, what=f"remount {path}")
            os.close(fd)
        for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                             ("stderr", "/proc/self/fd/2")):  # fmt: skip
            os.symlink(target, f"{root}/dev/{name}")
        os.makedirs(f"{root}/proc", mode=0o555, exist_ok=True)
        os.makedirs(f"{root}/.old", mode=0o700)
    finally:
        os.umask(mask)
    os.chdir(root)
    _check(_c().syscall(155, b".", b".old"), "pivot_root")  # 155: pivot_root on x86-64
    os.chdir("/")
    _check(_c().umount2(b"/.old", MNT_DETACH), "detach the old root")
    os.rmdir("/.old")
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, what="mount /proc")
    _mount("none", "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, what="read-only /")


def main(argv: list[str]) -> None:
    uid, gid, tmp_bytes, ro, rw, cwd, sep, *command = argv
    if sep != "--" or not command:
        raise SystemExit("usage: python -m autograder.jail UID GID TMP_BYTES RO:RO RW:RW CWD -- COMMAND ...")
    split = lambda s: [k for k in s.split(os.pathsep) if k]  # noqa: E731
    jail(int(uid), int(gid), int(tmp_bytes), split(ro), split(rw), cwd)
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
