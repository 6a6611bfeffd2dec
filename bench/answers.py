"""Benchmark: how long a learner waits for an answer (issue 19), the engine against the stock path.

Times, on one finished notebook (the reference of TOPIC, saved as a learner's copy):

* ``course --help`` and a usage error (lazy imports);
* ``course grade NOTEBOOK``: the first grading of a topic (the learner's grading folder is made:
  the assignment generated, the reference bundle built; the warm grader, ``autograder.warm``, starts),
  the next ones (reused, warm), and one in the calling process (``COURSE_WARM=0``, cold);
* Check my work (``course.selfcheck.check_my_work``, as the notebook's last cell calls it) and Validate
  (``autograder.validate.validate_with_engine``, what the lab's Validate button runs);
* ``course progress`` of a workspace holding the notebook: graded, then again with nothing saved since
  (the cached result);
* before (the stock path every learner command used until issue 19): a throwaway nbgrader course
  directory, ``generate_assignment``, then stock ``nbgrader autograde`` (tests in the learner's kernel).

Each as a fresh process, wall-clock seconds (Validate: the handler's call, its module loaded, as in
the lab). Usage: ``python bench/answers.py [--topic 01_linear_regression]``; ``--every-topic``: ``course grade``
of each topic's finished notebook, first and again.
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

ROOT = Path(__file__).resolve().parent.parent
COURSE = [str(Path(sys.executable).parent / "course")]
PY = sys.executable

STOCK = """
import sys, tempfile
from autograder import grading
with tempfile.TemporaryDirectory(prefix="course-stock-") as tmp:
    course = grading.CourseDir(tmp)
    course.generate(sys.argv[2])
    course.submit("me", sys.argv[2], sys.argv[1])
    r = course.autograde(sys.argv[2], "me")
    print(r.auto_score, r.auto_max)
"""


# What issue 19 measured before the work (quiet 2-core machine, notebook 01).
BEFORE = {
    "course --help": "2.2-2.9",
    "course (usage error)": "2.2-2.9",
    "course grade: again": "over 60",
    "Check my work (the notebook's last cell)": "38",
    "Validate (the lab's handler)": "37",
    "course progress: one started notebook": "24",
    "course progress: nothing saved since": "24",
}


def stop_warm_grader(cache: Path) -> None:
    """End the warm grader (autograder.warm) the runs above started in ``cache``."""
    import signal

    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"autograder.warm" in argv and any(str(cache).encode() in a for a in argv):
            os.kill(int(proc.name), signal.SIGTERM)


def run(argv: list[str], env: dict, ok=(0,), cwd=None) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=cwd)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return proc


def timed(argv: list[str], env: dict, ok=(0,), cwd=None) -> float:
    start = time.perf_counter()
    run(argv, env, ok, cwd)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topic", default="01_linear_regression")
    parser.add_argument("--every-topic", action="store_true", help="course grade of each topic's reference instead")
    args = parser.parse_args()
    if args.every_topic:
        return every_topic()
    topic = args.topic
    with tempfile.TemporaryDirectory(prefix="bench-answers-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "COURSE_CACHE": str(tmp / "cache")}
        workspace = tmp / "workspace"
        mine = workspace / topic / f"{topic}.ipynb"
        mine.parent.mkdir(parents=True)
        shutil.copy(ROOT / "source" / topic / f"{topic}.ipynb", mine)
        cold = {**env, "COURSE_WARM": "0"}
        rows = [
            ("course --help", timed([*COURSE, "--help"], env)),
            ("course (usage error)", timed([*COURSE, "no-such-command"], env, ok=(2,))),
            ("before: stock nbgrader in a new course dir", timed([sys.executable, "-c", STOCK, str(mine), topic], env)),
            ("course grade: first (starts the warm grader)", timed([*COURSE, "grade", str(mine)], env)),
            ("course grade: again", timed([*COURSE, "grade", str(mine)], env)),
            ("course grade: in process (COURSE_WARM=0)", timed([*COURSE, "grade", str(mine)], cold)),
        ]
        check = f"from course.selfcheck import check_my_work; check_my_work({topic!r})"
        rows.append(("Check my work (the notebook's last cell)", timed([PY, "-c", check], env, cwd=mine.parent)))
        # in the lab the handler's module is loaded when the server starts: the learner waits for the call only
        validate = "import time; from pathlib import Path; from autograder.validate import validate_with_engine as v; "
        validate += f"t = time.perf_counter(); v(Path({str(mine)!r})); print(time.perf_counter() - t)"
        rows.append(("Validate (the lab's handler)", float(run([PY, "-c", validate], env).stdout.split()[-1])))
        progress = [*COURSE, "progress", "--workspace", str(workspace), topic]
        rows.append(("course progress: one started notebook", timed(progress, env)))
        rows.append(("course progress: nothing saved since", timed(progress, env)))
        stop_warm_grader(tmp / "cache")
    print(f"\nAnswers for {topic} (wall-clock seconds, each a fresh process; load {os.getloadavg()[0]:.1f})")
    print(f"{'what':<48}{'seconds':>9}  {'issue 19':>9}")
    for what, seconds in rows:
        print(f"{what:<48}{seconds:>9.1f}  {BEFORE.get(what, ''):>9}")
    return 0


def every_topic() -> int:
    """``course grade`` of each topic's reference, finished notebook: first (the topic's grading folder is
    made) and again (warm), in one learner's cache."""
    from autograder import grading

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-answers-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "COURSE_CACHE": str(tmp / "cache")}
        for topic in grading.assignments(ROOT):
            mine = tmp / topic / f"{topic}.ipynb"
            mine.parent.mkdir()
            shutil.copy(ROOT / "source" / topic / f"{topic}.ipynb", mine)
            first = timed([*COURSE, "grade", str(mine)], env)
            rows.append((topic, first, timed([*COURSE, "grade", str(mine)], env)))
        stop_warm_grader(tmp / "cache")
    print(f"\ncourse grade of each finished notebook (warm grader; load {os.getloadavg()[0]:.1f})")
    print(f"{'topic':<24}{'first':>9}{'again':>9}")
    for topic, first, again in rows:
        print(f"{topic:<24}{first:>9.1f}{again:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
