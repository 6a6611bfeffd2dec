"""The resource limits of a grading kernel, set in the child before it runs the student's code.

Its own module because both ways of starting a kernel apply them: ``autograder.sandbox`` (a fresh kernel,
in ``preexec_fn``) and ``autograder.zygote`` (a kernel forked from the zygote, in the child).
"""

from __future__ import annotations

import resource
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Per-kernel resource limits (``setrlimit`` in the child before exec)."""

    address_space: int = 6 * 1024**3  # bytes: an allocation of 50 GB fails with MemoryError
    processes: int | None = 256  # per user (RLIMIT_NPROC counts every process and thread of the user)
    file_size: int = 128 * 1024**2  # bytes per file: a disk filler gets SIGXFSZ / EFBIG
    open_files: int = 1024
    cpu_seconds: int = 900  # whole kernel; SIGXCPU (then SIGKILL) for a loop that ignores SIGINT

    def apply(self) -> None:
        for which, value in (
            (resource.RLIMIT_AS, self.address_space),
            (resource.RLIMIT_NPROC, self.processes),
            (resource.RLIMIT_FSIZE, self.file_size),
            (resource.RLIMIT_NOFILE, self.open_files),
            (resource.RLIMIT_CPU, self.cpu_seconds),
            (resource.RLIMIT_CORE, 0),
        ):
            if value is None:
                continue
            soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            hard_cpu = value + 5 if which == resource.RLIMIT_CPU else value  # SIGXCPU first, then SIGKILL
            if hard != resource.RLIM_INFINITY:
                hard_cpu = min(hard_cpu, hard)
            resource.setrlimit(which, (value, hard_cpu))
