"""Benchmark: grading a class with `course autograde --jobs N` against stock `nbgrader autograde`.

Builds a class of 40 submissions of notebook 01 (correct, blank, and answers with one wrong
function taken from tests/mutants/), then times

1. stock nbgrader: `nbgrader autograde ASSIGNMENT` in a course directory with the course's
   configuration (one submission at a time, as nbgrader does);
2. `course autograde ASSIGNMENT CLASS --course-dir ... --jobs N` (also writes the feedback,
   grades.csv and the plots, and includes generating the assignment); with --fresh-kernels, also
   `course autograde --fresh-kernels` (every kernel started from scratch, not forked from the zygote);
3. the floor: merely executing the same 40 notebooks with nbclient, N at a time (and, with
   --sequential-floor, one at a time): the notebooks as the grader runs them (nbgrader's
   sanitized version, in which the check-my-work cell is blanked), taken from step 1;

checks that both gradebooks hold identical grades, and prints the table.

Usage: python bench/autograde.py [--students 40] [--jobs 2] [--topic 01_linear_regression] [--fresh-kernels]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import nbharness  # noqa: E402

from autograder.grading import CourseDir  # noqa: E402

BIN = Path(sys.executable).parent


def build_class(topic: str, n: int, folder: Path) -> dict[str, str]:
    """n hand-ins: every 5th correct, some blank, the others one wrong function each (tests/mutants)."""
    source = json.loads((ROOT / "source" / topic / f"{topic}.ipynb").read_text())
    blank = json.loads((ROOT / "release" / topic / f"{topic}.ipynb").read_text())
    cell_of = nbharness.graded_functions(nbharness.read(topic))
    by_function = [list(ms.items()) for ms in nbharness.load_mutants(topic).values()]
    fns = list(nbharness.load_mutants(topic))
    # round robin over the functions: the first wrong answer of each, then the second of each, ...
    mutants = [
        (fns[f], *by_function[f][k])
        for k in range(max(map(len, by_function)))
        for f in range(len(fns))
        if k < len(by_function[f])
    ]
    kinds = {}
    m = 0
    for i in range(n):
        student = f"s{i + 1:03d}"
        if i % 5 == 0:
            nb, kinds[student] = source, "correct"
        elif i % 7 == 3:
            nb, kinds[student] = blank, "blank"
        else:
            fn, name, src = mutants[m % len(mutants)]
            m += 1
            nb = json.loads(json.dumps(source))
            for cell in nb["cells"]:  # the mutant redefines the function after the right answer
                if cell["metadata"].get("nbgrader", {}).get("grade_id") == cell_of[fn]:
                    cell["source"] = cell["source"] + "\n\n" + src.strip() + "\n"
            kinds[student] = f"{fn}: {name}"
        (folder / student).mkdir(parents=True)
        (folder / student / f"{topic}.ipynb").write_text(json.dumps(nb))
    return kinds


def scores(course_dir: Path, topic: str) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gb:
        return {
            s.student.id: {g.name: g.auto_score for g in gb.find_submission_notebook(topic, topic, s.student.id).grades}
            for s in gb.find_assignment(topic).submissions
        }


def stock(topic: str, klass: Path, course_dir: Path) -> float:
    cd = CourseDir(course_dir, ROOT)
    cd.generate(topic)
    for student in sorted(p.name for p in klass.iterdir()):
        cd.submit(student, topic, klass / student / f"{topic}.ipynb")
    t0 = time.perf_counter()
    proc = subprocess.run([str(BIN / "nbgrader"), "autograde", topic], cwd=course_dir, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"nbgrader autograde failed:\n{proc.stderr[-3000:]}")
    return seconds


def ours(topic: str, klass: Path, course_dir: Path, jobs: int, fresh: bool = False) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(BIN / "course"), "autograde", topic, str(klass), "--course-dir", str(course_dir), "--jobs", str(jobs)]
        + (["--fresh-kernels"] if fresh else []),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"course autograde failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds


def execute(path: str) -> float:
    """Run one notebook with nbclient, as the grader's kernel would (same cell timeout, same flags)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(Path(path).parent)}},
        extra_arguments=["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"],
    )
    t0 = time.perf_counter()
    client.execute()
    return time.perf_counter() - t0


def executed_notebooks(stock_dir: Path, topic: str, folder: Path) -> list[str]:
    """What the grader actually runs: each autograded notebook (sanitized by nbgrader, the
    check-my-work cell blanked) with its outputs cleared."""
    import nbformat

    paths = []
    for src in sorted(stock_dir.glob(f"autograded/*/{topic}/{topic}.ipynb")):
        nb = nbformat.read(str(src), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        dest = folder / src.parent.parent.name / f"{topic}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(dest))
        paths.append(str(dest))
    return paths


def floor(paths: list[str], jobs: int) -> float:
    t0 = time.perf_counter()
    if jobs == 1:
        for p in paths:
            execute(p)
    else:
        with cf.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(execute, paths))
    return time.perf_counter() - t0


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topic", default="01_linear_regression")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sequential-floor", action="store_true", help="also time plain execution one at a time")
    parser.add_argument("--keep", help="keep the class and course directories in this folder")
    parser.add_argument("--fresh-kernels", action="store_true", help="also time course autograde --fresh-kernels")
    args = parser.parse_args(argv)

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-autograde-"))
    klass = work / "class"
    kinds = build_class(args.topic, args.students, klass)
    counts = {k: sum(v == k for v in kinds.values()) for k in ("correct", "blank")}
    print(
        f"{args.students} submissions of {args.topic}: {counts['correct']} correct, {counts['blank']} blank, "
        f"{args.students - sum(counts.values())} with one wrong function; {os.cpu_count()} CPUs; load {load()}",
        flush=True,
    )
    rows, secs = [], {}  # rows of the table; seconds by run

    def timed(key: str, name: str, seconds: float) -> None:
        secs[key] = seconds
        rows.append((name, seconds, load()))
        print(f"  {name}: {seconds:.1f} s", flush=True)

    timed("stock", "stock nbgrader autograde (sequential)", stock(args.topic, klass, work / "stock"))
    ours_name = f"course autograde --jobs {args.jobs} (with feedback, reports)"
    timed("ours", ours_name, ours(args.topic, klass, work / "ours", args.jobs))
    if args.fresh_kernels:
        fresh_name = f"course autograde --jobs {args.jobs} --fresh-kernels"
        timed("fresh", fresh_name, ours(args.topic, klass, work / "fresh", args.jobs, fresh=True))
    plain = executed_notebooks(work / "stock", args.topic, work / "floor")
    timed("floor", f"nbclient execution only, {args.jobs} at a time (floor)", floor(plain, args.jobs))
    if args.sequential_floor:
        timed("sequential", "nbclient execution only, one at a time", floor(plain, 1))

    a = scores(work / "stock", args.topic)
    graded = {key: scores(work / key, args.topic) for key in ("ours", "fresh") if key in secs}
    identical = len(a) == args.students and all(b == a for b in graded.values())
    stock_s, ours_s, floor_s = secs["stock"], secs["ours"], secs["floor"]
    print()
    print(f"{'':<52}{'seconds':>9}  load average (1 5 15 min) after")
    for name, seconds, after in rows:
        print(f"{name:<52}{seconds:>9.1f}  {after}")
    print(f"{'speed-up over stock nbgrader':<52}{stock_s / ours_s:>8.2f}x  (goal >= 1.8x)")
    print(f"{'grading overhead over the floor':<52}{100 * (ours_s / floor_s - 1):>8.1f}%  (goal <= 25%)")
    if "fresh" in secs:
        fresh_s = secs["fresh"]
        print(f"{'  --fresh-kernels: speed-up over stock':<52}{stock_s / fresh_s:>8.2f}x")
        print(f"{'  --fresh-kernels: overhead over the floor':<52}{100 * (fresh_s / floor_s - 1):>8.1f}%")
    print(f"grades identical to stock nbgrader for all {args.students} submissions: {'yes' if identical else 'NO'}")
    if not identical:
        for key, b in graded.items():
            for s in sorted(set(a) | set(b)):
                if a.get(s) != b.get(s):
                    print(f"  {s}: stock {a.get(s)} vs course ({key}) {b.get(s)}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
