"""Infrastructure failures for tests/test_sandbox.py (issue 18): a grading process that dies as the OOM
killer would kill it, while it grades one chosen submission."""

from __future__ import annotations

import os
import signal

from autograder.autograde import SlotPool

VICTIM = "victim"


def die_for_the_victim(fn, task):
    """In the worker process: SIGKILL itself when the task is the victim's (as the OOM killer would)."""
    if task.student == VICTIM:
        os.kill(os.getpid(), signal.SIGKILL)
    return fn(task)


class DyingPool(SlotPool):
    """The default executor, whose worker dies every time it is handed the victim's submission."""

    def __init__(self, jobs: int):
        super().__init__(jobs, warm_up=False)  # (each replaced worker would import PyTorch again: slow)

    def submit(self, fn, /, *args, **kwargs):
        return super().submit(die_for_the_victim, fn, *args, **kwargs)
