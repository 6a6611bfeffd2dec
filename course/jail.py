"""Start a student's kernel in its own mount namespace, then as the sandbox user (run as root).

    python -m course.jail UID GID TMP_BYTES KEEP:KEEP -- python -m ipykernel_launcher -f <connection file>

``course.sandbox`` launches kernels through this when it runs as root: the kernel gets no network
(a network namespace of its own), private, size-limited ``/tmp``, ``/var/tmp`` and ``/dev/shm``
(nothing another program left there is visible, and filling them fills only the kernel's own
memory-backed folders), then drops to the
sandbox user (no supplementary groups) and ``exec``s the kernel. The sandbox home itself is a
size-limited tmpfs mounted by ``course.sandbox`` (the grader must see it too: the judge's socket
and the kernel's connection file live there).
"""

from __future__ import annotations

import ctypes
import os
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x1, 0x2, 0x4, 0x20, 0x1000, 0x4000, 1 << 18
PRIVATE_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def jail(uid: int, gid: int, tmp_bytes: int, keep: list[str]) -> None:
    """``keep``: folders the kernel needs (the venv, the course package) that may lie under /tmp:
    they are bound back, read-only, into the private /tmp at the same path."""
    libc = ctypes.CDLL(None, use_errno=True)
    # its own mounts, and its own network: no interface but a loopback that is down (the kernel talks
    # to the grader over Unix sockets in its home: ZMQ's ipc transport and the judge's socket)
    _check(libc.unshare(CLONE_NEWNS | CLONE_NEWNET), "unshare(CLONE_NEWNS | CLONE_NEWNET)")
    # nothing mounted here propagates back to the machine
    _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    kept = []  # (path, fd opened before its folder is covered)
    for path in keep:
        if any(_under(path, d) for d in PRIVATE_DIRS) and os.path.isdir(path):
            kept.append((path, os.open(path, os.O_PATH | os.O_DIRECTORY)))
    for target in PRIVATE_DIRS:
        if os.path.isdir(target):
            opts = f"size={tmp_bytes},mode=1777".encode()
            _check(libc.mount(b"tmpfs", target.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, opts), f"mount {target}")
    for path, fd in kept:
        mask = os.umask(0o022)  # the folders above it must be enterable by the sandbox user, whatever the umask
        try:
            os.makedirs(path, mode=0o755, exist_ok=True)
        finally:
            os.umask(mask)
        source = f"/proc/self/fd/{fd}".encode()
        _check(libc.mount(source, path.encode(), None, MS_BIND | MS_REC, None), f"bind {path}")
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV
        _check(libc.mount(b"none", path.encode(), None, flags, None), f"read-only {path}")
        os.close(fd)
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def main(argv: list[str]) -> None:
    uid, gid, tmp_bytes, keep, sep, *command = argv
    if sep != "--" or not command:
        raise SystemExit("usage: python -m course.jail UID GID TMP_BYTES KEEP:KEEP -- COMMAND ...")
    jail(int(uid), int(gid), int(tmp_bytes), [k for k in keep.split(os.pathsep) if k])
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
