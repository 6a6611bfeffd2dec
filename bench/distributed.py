"""Benchmark: grading a class on a Dask cluster (``course autograde --scheduler``) next to local grading.

The same class (by default 8 hand-ins of notebook 01: correct, blank, one wrong function each, as
bench/autograde.py builds it) is graded three times, each into a new course directory:

1. on this machine, ``course autograde --jobs 2`` (the process pool);
2. on a Dask cluster of one worker process: ``dask scheduler`` and ``dask worker --nthreads 1`` on 127.0.0.1;
3. on a Dask cluster of two worker processes (two ``dask worker`` processes, each its own folder).

Each cluster is started, and has its workers, before the clock starts; its worker processes are new, so each
starts its zygote during the run, as the local pool's processes do. The time is the whole ``course autograde``
command: generating the assignment, the feedback, the reports. The three gradebooks must hold the same grades.
On a 2-core machine two worker processes are the most that can help: the figures show the cost of the cluster
(scheduler, shipping jobs and the bundle) next to local grading, not what more machines would give.

Usage: python bench/distributed.py [--students 8] [--topic 01_linear_regression]   (make bench-distributed)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Python puts this script's folder first on the path, where this file would stand in for Dask's `distributed`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def _bench_autograde():
    """bench/autograde.py (the class it builds, the scores it reads), by its path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_autograde", HERE / "autograde.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


from test_distributed import Cluster  # noqa: E402

_bench = _bench_autograde()
build_class, scores = _bench.build_class, _bench.scores

COURSE = Path(sys.executable).parent / "course"


def grade(topic: str, klass: Path, course_dir: Path, flags: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(COURSE), "autograde", topic, str(klass), "--course-dir", str(course_dir), *flags],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"course autograde {' '.join(flags)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n"
                         f"{proc.stderr[-3000:]}")  # fmt: skip
    return seconds


def on_cluster(workers: int, topic: str, klass: Path, course_dir: Path) -> float:
    cluster = Cluster(workers)
    try:
        return grade(topic, klass, course_dir, ["--scheduler", cluster.address])
    finally:
        cluster.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topic", default="01_linear_regression")
    parser.add_argument("--students", type=int, default=8)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-distributed-"))
    work.chmod(0o755)
    klass = work / "class"
    build_class(args.topic, args.students, klass)
    klass.chmod(0o700)
    one, five, fifteen = os.getloadavg()
    print(f"{args.students} hand-ins of {args.topic}; {os.cpu_count()} CPUs; load {one:.2f} {five:.2f} {fifteen:.2f}")
    runs = [
        ("local", "course autograde --jobs 2 (this machine)", lambda cd: grade(args.topic, klass, cd, ["--jobs", "2"])),
        ("dask1", "--scheduler: Dask, 1 worker process", lambda cd: on_cluster(1, args.topic, klass, cd)),
        ("dask2", "--scheduler: Dask, 2 worker processes", lambda cd: on_cluster(2, args.topic, klass, cd)),
    ]
    seconds = {}
    for key, name, run in runs:
        seconds[key] = run(work / key)
        print(f"  {name}: {seconds[key]:.1f} s", flush=True)

    graded = {key: scores(work / key, args.topic) for key in seconds}
    identical = len(graded["local"]) == args.students and all(g == graded["local"] for g in graded.values())
    print()
    print(f"{'':<44}{'seconds':>9}{'notebooks/min':>15}")
    for key, name, _ in runs:
        print(f"{name:<44}{seconds[key]:>9.1f}{60 * args.students / seconds[key]:>15.1f}")
    print(f"grades identical in the three runs for all {args.students} hand-ins: {'yes' if identical else 'NO'}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
