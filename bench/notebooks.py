"""Benchmark: how long each reference notebook takes to run top to bottom.

Each source notebook runs in a fresh Python kernel with nbclient (as a student's "Run all"
would), three times by default; the table gives the median and the slowest run against the
60 s budget of EXERCISES.md. Usage: `make bench` or `python bench/notebooks.py [--repeat N] [TOPIC ...]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.grading import assignments  # noqa: E402

BUDGET_S = 60.0


def run_once(path: Path) -> float:
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    t0 = time.perf_counter()
    client.execute()
    return time.perf_counter() - t0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topics", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    topics = args.topics or assignments(ROOT)
    print(f"{'notebook':<24}{'cells':>6}{'median s':>10}{'max s':>8}  budget {BUDGET_S:.0f} s")
    worst = 0.0
    for topic in topics:
        path = ROOT / "source" / topic / f"{topic}.ipynb"
        cells = len(nbformat.read(str(path), as_version=4).cells)
        times = [run_once(path) for _ in range(args.repeat)]
        worst = max(worst, max(times))
        ok = "ok" if max(times) < BUDGET_S else "OVER"
        print(f"{topic:<24}{cells:>6}{statistics.median(times):>10.1f}{max(times):>8.1f}  {ok}", flush=True)
    return 0 if worst < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
