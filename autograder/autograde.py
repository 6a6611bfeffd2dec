"""``course autograde``: grade a whole class in parallel, safely.

    course autograde ASSIGNMENT SUBMISSIONS --course-dir DIR [--jobs N] [--db-url URL]
                     [--timeout SECONDS] [--force] [--fresh-kernels]

The pipeline, per run:

1. ``generate_assignment`` into the course directory (the class gradebook learns the
   assignment) and, when the assignment changed, into a *reference bundle*
   (``DIR/autograde/<assignment>/reference``: a gradebook holding only the assignment, and
   its other files) that workers read instead of the class gradebook.
2. Collect the hand-ins (a folder or an LMS zip, ``autograder.submissions``); copy each new or
   changed one to ``DIR/submitted/<student>/<assignment>/`` (the newest replaces the earlier).
3. Execute them N at a time (``autograder.worker.execute_submission``, a pure function, in a
   process pool; any ``concurrent.futures.Executor`` will do). Each worker forks its kernels from
   a zygote that has imported the course's libraries once (``autograder.zygote``; ``--fresh-kernels``
   starts each from scratch).
4. As each result comes back, the one writer (this process) saves the grades with nbgrader's
   SaveAutoGrades / AssignLatePenalties into the gradebook, writes the autograded notebook
   and the feedback HTML (nbgrader generate_feedback).
5. ``grades.csv``, the per-question summary and its plots (``autograder.summary``).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import copy
import functools
import hashlib
import json
import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import threading
import time
import warnings
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from autograder import grading, summary
from autograder.judge import SCRIPT, write_script
from autograder.submissions import Submission, checked, collect
from autograder.worker import (
    Executed,
    Reference,
    Task,
    converter_preprocessors,
    execute_submission,
    exporter,
    resources,
)

DEFAULT_TIMEOUT = 600.0  # seconds one submission may take in all (nbgrader's Execute.timeout limits one cell)
STATE_VERSION = 1
# Failures that may not be the hand-in's fault (the machine, the environment): tried again on every
# run. The others (malformed, wrong name, timeout, kernel died) wait for a new hand-in or --force.
RETRIED = ("could not be graded", "could not be saved", "the grading process failed")
RETRIES = 2  # a submission whose grading process dies is tried this many times more, then reported


@dataclass
class Outcome:
    """Where one student stands after this run."""

    student: str
    status: str  # "graded" | "ungradable"
    reason: str = ""
    digest: str = ""
    origin: str = ""
    graded_at: str = ""
    seconds: float = 0.0
    notes: tuple[str, ...] = ()
    this_run: bool = True  # False: unchanged since an earlier run, not graded again


# -- reference bundle ----------------------------------------------------------------------------
def _cache_alembic_version() -> None:
    """nbgrader runs the ``alembic`` program (seconds to tens of seconds) each time it creates a
    gradebook, to read one constant: the newest revision of its migrations. Ask alembic's own
    ``ScriptDirectory`` for it instead, once (nbgrader's function stays the fallback)."""
    import nbgrader.api

    original = nbgrader.api.get_alembic_version
    if hasattr(original, "cache_info"):
        return

    @functools.cache
    def get_alembic_version() -> str:
        from alembic.script import ScriptDirectory

        try:
            head = ScriptDirectory(str(Path(nbgrader.api.__file__).parent / "alembic")).get_current_head()
        except Exception:  # several heads, or a layout alembic does not read: nbgrader's own way
            head = None
        return head or original()

    nbgrader.api.get_alembic_version = get_alembic_version


JUDGE_VERSION = 1  # bump when judge.json's format changes: every bundle is rebuilt


def reference_digest(course: grading.CourseDir, assignment: str, config) -> str:
    import nbgrader

    h = hashlib.sha256(f"nbgrader {nbgrader.__version__}\njudge {JUDGE_VERSION}\n".encode())
    src = course.path / "source" / assignment
    for f in sorted(src.rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(src)).encode() + b"\0" + f.read_bytes())
    h.update(pickle.dumps(_plain(config)))
    return h.hexdigest()


def _plain(config) -> dict:
    """The configuration as plain nested dicts (stable to hash)."""
    return json.loads(json.dumps(config, default=repr, sort_keys=True))


def build_reference(course: grading.CourseDir, assignment: str) -> Reference:
    """The bundle workers read: generated once per version of the assignment, then reused."""
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import find_all_files

    config = copy.deepcopy(course.api.config)
    for key in ("db_url", "root"):  # workers never see the class gradebook (nor its password)
        config.CourseDirectory.pop(key, None)
    digest = reference_digest(course, assignment, config)
    bundle = course.path / "autograde" / assignment / "reference"
    course_id = config.CourseDirectory.get("course_id", "default_course")
    ref = Reference(assignment, assignment, str(bundle), config, digest, course_id)
    if (bundle / "digest.txt").is_file() and (bundle / "digest.txt").read_text() == digest:
        return ref
    if bundle.exists():
        shutil.rmtree(bundle)
    scratch = grading.CourseDir(bundle / "course", course.repo, db_url=f"sqlite:///{bundle / 'gradebook.db'}")
    scratch.generate(assignment)
    src = course.path / "source" / assignment
    ignore = list(CourseDirectory(config=config).ignore) + ["*.ipynb"]
    for f in find_all_files(str(src), ignore):
        dest = bundle / "files" / Path(f).relative_to(src)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, dest)
    shutil.rmtree(bundle / "course")
    write_script(src / f"{assignment}.ipynb", bundle / SCRIPT)  # the judge's cells (autograder.judge)
    (bundle / "digest.txt").write_text(digest)
    return ref


# -- the one writer ------------------------------------------------------------------------------
class GradebookWriter:
    """Everything that touches the class gradebook and the course directory; one per run."""

    def __init__(self, course: grading.CourseDir, ref: Reference):
        self.course, self.ref = course, ref
        _, _, writer_preprocessors = converter_preprocessors(course.api.config)
        # nbgrader ends autograde with a second CheckCellMetadata: a pure check of what the worker's
        # sanitize steps already checked (0.3 s a notebook, on the cores the kernels need): skipped.
        writer_preprocessors = [pp for pp in writer_preprocessors if pp.__name__ != "CheckCellMetadata"]
        self.exporter = exporter(course.api.config, writer_preprocessors)
        self._feedback = None

    def gradebook(self):
        from nbgrader.api import Gradebook

        return Gradebook(self.course.db_url, self.ref.course_id)

    def _dir(self, kind: str, student: str) -> Path:
        return self.course.path / kind / student / self.ref.assignment

    def store_submission(self, sub: Submission) -> None:
        """``submitted/<student>/<assignment>/``: the newest hand-in replaces the earlier one."""
        dest = self._dir("submitted", sub.student)
        _rmtree(dest)
        dest.mkdir(parents=True)
        for name, data in sub.files.items():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).write_bytes(data)
        if sub.timestamp:
            (dest / "timestamp.txt").write_text(sub.timestamp)

    def record(self, sub: Submission, executed: Executed) -> None:
        """Save one executed submission: gradebook rows, grades, autograded notebook."""
        import nbformat
        from nbgrader.utils import parse_utc
        from sqlalchemy.exc import SAWarning

        a, s = self.ref.assignment, sub.student
        with self.gradebook() as gb, warnings.catch_warnings():
            warnings.simplefilter("ignore", SAWarning)  # nbgrader's own autoflush notice, as in nbgrader autograde
            gb.update_or_create_student(s)
            if sub.timestamp:
                gb.update_or_create_submission(a, s, timestamp=parse_utc(sub.timestamp))
            else:
                gb.update_or_create_submission(a, s)
        dest = self._dir("autograded", s)
        _rmtree(dest)
        dest.mkdir(parents=True)
        # only the assignment's own files go next to the graded notebook (and so into the feedback
        # folder): nothing else of the hand-in (it stays in submitted/)
        files = Path(self.ref.path) / "files"
        for f in sorted(files.rglob("*")):
            if f.is_file():
                (dest / f.relative_to(files)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f, dest / f.relative_to(files))
        nb = nbformat.reads(executed.notebook, as_version=4)
        res = resources(self.ref, s, self.course.db_url)
        res["metadata"] = {"name": self.ref.notebook, "path": str(dest)}
        with grading.quiet_output():
            out, _ = self.exporter.from_notebook_node(nb, resources=res)
        (dest / f"{self.ref.notebook}.ipynb").write_text(out, encoding="utf-8")
        for f in dest.rglob("*"):
            if f.is_file():
                f.chmod(0o444)  # nbgrader's permissions for autograded files

    def forget(self, student: str) -> bool:
        """The newest hand-in cannot be graded: drop an earlier grade (newest wins, never both)."""
        from nbgrader.api import MissingEntry

        for kind in ("autograded", "feedback"):
            _rmtree(self._dir(kind, student))
        with self.gradebook() as gb:
            try:
                gb.find_submission(self.ref.assignment, student)
            except MissingEntry:
                return False
            gb.remove_submission(self.ref.assignment, student)
            return True

    def feedback(self, student: str) -> Path:
        """nbgrader's feedback page, from one converter for the whole run (autograder.feedback)."""
        from autograder.feedback import ClassFeedback

        if self._feedback is None:
            self._feedback = ClassFeedback(self.course.api, self.ref.assignment, self.ref.notebook)
        with grading.quiet_output():
            return self._feedback.write(student)

    def has_grade(self, student: str) -> bool:
        return student in self.graded_students()

    def graded_students(self) -> set[str]:
        with self.gradebook() as gb:
            try:
                return {s.student.id for s in gb.find_assignment(self.ref.assignment).submissions}
            except Exception:
                return set()


def _rmtree(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)


# -- state between runs --------------------------------------------------------------------------
def _state_path(course: grading.CourseDir, assignment: str) -> Path:
    return course.path / "autograde" / assignment / "state.json"


def load_state(course: grading.CourseDir, assignment: str) -> dict:
    path = _state_path(course, assignment)
    if path.is_file():
        state = json.loads(path.read_text())
        if state.get("version") == STATE_VERSION:
            return state
    return {"version": STATE_VERSION, "reference": None, "students": {}}


def save_state(course: grading.CourseDir, assignment: str, state: dict) -> None:
    path = _state_path(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True))
    tmp.replace(path)  # never a half-written state file


# -- the run -------------------------------------------------------------------------------------
def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def process_pool(jobs: int) -> cf.Executor:
    """The default executor: ``jobs`` worker processes (spawned: no gradebook connection is inherited)."""
    # (kernels inherit autograder.grading's one BLAS/OpenMP thread: N kernels share N cores without stalls)
    return SlotPool(jobs)


class SlotPool(cf.Executor):
    """``jobs`` worker processes, each a one-process pool of its own (issue 18).

    One ``ProcessPoolExecutor`` of N processes breaks as a whole when one of them dies (the OOM
    killer, a kill): every pending task fails with it. Here a worker that dies fails only the task it
    was running (``BrokenProcessPool``); its slot gets a new process and the other slots go on.
    """

    def __init__(self, jobs: int, warm_up=True):
        import collections
        import threading

        self.ctx = multiprocessing.get_context("spawn")
        self.warm = warm_up
        self.lock = threading.RLock()
        self.queue = collections.deque()  # (outer future, fn, args, kwargs) waiting for a slot
        self.slots: list[cf.ProcessPoolExecutor | None] = [self._new_slot() for _ in range(jobs)]
        self.busy = [False] * jobs
        self.closed = False

    def _new_slot(self) -> cf.ProcessPoolExecutor:
        pool = cf.ProcessPoolExecutor(1, mp_context=self.ctx)
        if self.warm:  # start the worker now: it imports while the main process prepares
            pool.submit(warm_up)
        return pool

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        outer = cf.Future()
        with self.lock:
            if self.closed:
                raise RuntimeError("cannot submit after shutdown")
            self.queue.append((outer, fn, args, kwargs))
            self._dispatch()
        return outer

    def _dispatch(self) -> None:
        with self.lock:
            for k, pool in enumerate(self.slots):
                while not self.busy[k] and self.queue and pool is not None:
                    outer, fn, args, kwargs = self.queue.popleft()
                    if outer.cancelled():
                        continue
                    try:
                        inner = pool.submit(fn, *args, **kwargs)
                    except Exception:  # the slot broke while idle: a new process, and try again
                        self.queue.appendleft((outer, fn, args, kwargs))
                        pool = self.slots[k] = self._replace(k)
                        continue
                    if not outer.set_running_or_notify_cancel():
                        inner.cancel()
                        continue
                    self.busy[k] = True
                    inner.add_done_callback(lambda f, k=k, outer=outer: self._done(k, outer, f))

    def _replace(self, k: int):
        old = self.slots[k]
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)
        return None if self.closed else self._new_slot()

    def _done(self, k: int, outer: cf.Future, inner: cf.Future) -> None:
        exc = inner.exception()
        with self.lock:
            self.busy[k] = False
            if isinstance(exc, cf.process.BrokenProcessPool):
                self.slots[k] = self._replace(k)
            if not self.closed:
                self._dispatch()
        if exc is not None:
            outer.set_exception(exc)
        else:
            outer.set_result(inner.result())

    def processes(self) -> list:
        return [p for pool in self.slots if pool is not None for p in (pool._processes or {}).values()]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self.lock:
            self.closed = True
            if cancel_futures:
                while self.queue:
                    self.queue.popleft()[0].cancel()
            pools = [p for p in self.slots if p is not None]
        for pool in pools:
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def interrupt(self, grace: float = 10.0) -> None:
        """Ctrl+C: every worker stops now (SIGINT: each ends its kernel and removes its sandbox), then
        is killed if it has not ended after ``grace`` seconds."""
        import signal

        procs = self.processes()
        self.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            with _suppress_os():
                os.kill(p.pid, signal.SIGINT)
        deadline = time.monotonic() + grace
        for p in procs:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                with _suppress_os():
                    p.kill()
                p.join(5)


@dataclass
class _CtrlC:
    delivered: bool = False


@contextlib.contextmanager
def one_ctrl_c():
    """Ctrl+C stops a run once, cleanly. Python raises KeyboardInterrupt wherever the main thread is, and
    when that is a finalizer (a weakref callback during garbage collection) it prints "Exception ignored"
    with a traceback and the interrupt is lost: here it is delivered again at the next line instead,
    silently. Once the run has it (``delivered``), further Ctrl+C presses do not interrupt the stopping."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) in (
        signal.SIG_IGN,
        None,
    ):
        yield _CtrlC()
        return
    state = _CtrlC()
    previous_hook = sys.unraisablehook

    def on_sigint(signum, frame):
        if not state.delivered:
            raise KeyboardInterrupt

    def hook(unraisable):
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            if not state.delivered:  # again, from another thread, once the main thread has left this hook
                threading.Timer(0.05, _interrupt_main).start()
            return
        previous_hook(unraisable)

    previous = signal.signal(signal.SIGINT, on_sigint)
    sys.unraisablehook = hook
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = previous_hook


def _interrupt_main() -> None:
    import _thread

    _thread.interrupt_main()


def _suppress_os():
    import contextlib

    return contextlib.suppress(OSError, ValueError)


def warm_up() -> None:
    """Import what grading needs and start the zygote, before the first submission arrives (a new worker)."""
    import nbclient  # noqa: F401
    import nbconvert  # noqa: F401
    import nbgrader.converters  # noqa: F401
    import torch  # noqa: F401  (the judge's fixtures import it: once per worker, not per student)

    from autograder import sandbox, zygote

    zygote.start(sandbox.zygote_env())  # it imports the kernels' libraries while the first submission is prepared


@dataclass
class ClassResult:
    assignment: str
    course_dir: Path
    outcomes: list[Outcome]
    reports: dict[str, Path]
    seconds: float
    removed: list[str]

    @property
    def ungradable(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != "graded"]

    @property
    def exit_status(self) -> int:
        """0: every submission graded; 1: some could not be graded (the others were)."""
        return 1 if self.ungradable else 0


def previous_db_url(course_dir: Path) -> str | None:
    """The gradebook an earlier run used (``c.CourseDirectory.db_url`` in DIR/nbgrader_config.py)."""
    from traitlets.config.loader import PyFileConfigLoader

    if not (course_dir / "nbgrader_config.py").is_file():
        return None
    try:
        cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    except Exception:
        return None
    return cfg.CourseDirectory.get("db_url") or None


def _kernel_mode(fresh: bool) -> str:
    from autograder import zygote

    if fresh or not zygote.supported():
        return "each started from scratch" + ("" if fresh else " (forking needs Linux)")
    return (
        "forked from one process per job that has imported ipykernel, NumPy, PyTorch, Matplotlib "
        "(--fresh-kernels: from scratch)"
    )


def autograde(
    assignment: str,
    submissions: str | Path,
    course_dir: str | Path,
    jobs: int | None = None,
    db_url: str | None = None,
    timeout: float | None = None,
    force: bool = False,
    executor_factory=process_pool,
    repo: Path | None = None,
    out=None,
    progress: bool = True,
    fresh_kernels: bool = False,
) -> ClassResult:
    """Grade every new or changed submission of ``assignment``; see the module docstring."""
    out = out or sys.stdout
    start = time.monotonic()
    repo = repo or grading.repo_root()
    course_dir = Path(course_dir).resolve()
    if course_dir == repo or repo in course_dir.parents:
        raise grading.GradingError(
            f"--course-dir {course_dir} is inside the course repository; grades and student work must stay "
            "out of git: use a folder outside it, e.g. ~/grading/ml-course"
        )
    if assignment not in grading.assignments(repo):
        raise grading.GradingError(
            f"no assignment {assignment!r} in {repo / 'source'}; known: {', '.join(grading.assignments(repo))}"
        )
    submissions = Path(submissions)
    if not submissions.exists():
        raise grading.GradingError(
            f"{submissions} does not exist: give the folder of submissions (<student_id>/{assignment}.ipynb) "
            "or the .zip downloaded from your LMS"
        )
    if not submissions.is_dir() and not (submissions.is_file() and submissions.suffix.lower() == ".zip"):
        raise grading.GradingError(
            f"{submissions} is neither a folder of submissions (<student_id>/{assignment}.ipynb) "
            "nor an LMS download .zip"
        )
    jobs = max(1, jobs or default_jobs())
    timeout = float(timeout or DEFAULT_TIMEOUT)
    db_url = db_url or previous_db_url(course_dir)
    _cache_alembic_version()
    notebook = f"{assignment}.ipynb"

    where = getattr(executor_factory, "describe", None) or f"{jobs} jobs"  # e.g. on a Dask cluster (--scheduler)
    print(f"Grading {assignment} from {submissions} into {course_dir} ({where})", file=out, flush=True)
    pool = executor_factory(jobs)  # workers start importing while we prepare (it may refuse: nothing is written yet)
    with one_ctrl_c() as ctrl_c:
        try:
            course = grading.CourseDir(course_dir, repo, db_url)
            print(f"  gradebook: {summary.masked_url(course.db_url)}", file=out, flush=True)
            print(f"  kernels: {_kernel_mode(fresh_kernels)}", file=out, flush=True)
            _sandbox_paths(course.path, repo, submissions, out)
            course.generate(assignment)
            ref = build_reference(course, assignment)
            try:
                subs = collect(submissions, notebook, course.api.config)
            except (FileNotFoundError, ValueError) as exc:
                raise grading.GradingError(str(exc)) from None
            for line in subs.report():  # junk skipped in a zip, copies and metadata fixed (collection's log: silent)
                print(line, file=out, flush=True)
            if not subs:
                raise grading.GradingError(f"no submissions found in {submissions}")
            writer = GradebookWriter(course, ref)
            state = load_state(course, assignment)
            if state.get("reference") != ref.digest:
                force = True  # the assignment (or its configuration) changed: every grade is stale
            state["reference"] = ref.digest
            outcomes, tasks = _plan(subs, state, writer, force, timeout, fresh_kernels)

            removed = []
            for o in outcomes.values():  # hand-ins flagged while collecting: their earlier grade goes
                if o.this_run and writer.forget(o.student):
                    removed.append(o.student)
                if o.this_run:
                    state["students"][o.student] = _state_entry(o)
            save_state(course, assignment, state)

            skipped = sum(not o.this_run for o in outcomes.values())
            if skipped:
                print(f"  {skipped} unchanged submission(s) not graded again (--force grades everything)", file=out)
            if tasks:
                _run_tasks(tasks, pool, writer, state, outcomes, removed, course, assignment, progress)
        except KeyboardInterrupt:  # Ctrl+C: stop every worker now; what is graded is saved, the rest waits
            ctrl_c.delivered = True  # (a second Ctrl+C does not interrupt the stopping)
            if hasattr(pool, "interrupt"):
                pool.interrupt()
            else:
                pool.shutdown(wait=False, cancel_futures=True)
            print("\ninterrupted: the submissions graded so far are saved; run again to grade the rest", file=out)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    # everyone the course directory knows for this assignment, not only this run's hand-ins
    for student, entry in state["students"].items():
        if student not in outcomes:
            outcomes[student] = _from_state(entry)
    ordered = [outcomes[s] for s in sorted(outcomes)]
    reports = summary.write_reports(course, assignment, ordered)
    result = ClassResult(assignment, course_dir, ordered, reports, time.monotonic() - start, removed)
    print(summary.final_message(result, course), file=out, flush=True)
    return result


# -- one notebook: Check my work, course grade, course progress ------------------------------------
def cache_dir() -> Path:
    """Where a learner's grading keeps its course directory between calls (``COURSE_CACHE`` overrides)."""
    if os.environ.get("COURSE_CACHE"):
        return Path(os.environ["COURSE_CACHE"]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "ml-theory-course"


def source_digest(repo: Path, assignment: str) -> str:
    """Changes whenever the topic's ``source/`` folder, the course configuration or nbgrader changes."""
    import nbgrader

    h = hashlib.sha256(f"nbgrader {nbgrader.__version__}\njudge {JUDGE_VERSION}\n".encode())
    src = repo / "source" / assignment
    for f in sorted(src.rglob("*")):
        if f.is_file() and ".ipynb_checkpoints" not in f.parts and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(src)).encode() + b"\0" + f.read_bytes())
    h.update((repo / "autograder" / "nbgrader_config.py").read_bytes())
    return h.hexdigest()


SOURCE_STAMP = "source-digest.txt"  # in a learner's grading folder: the version of source/ it was made for


def learner_course(assignment: str, repo: Path, course_dir: Path | None = None) -> tuple[grading.CourseDir, Reference]:
    """The course directory of one learner's gradings of ``assignment`` (default: in ``cache_dir()``), with
    the assignment generated and its reference bundle built once per version of ``source/``. When the
    source changes (a ``git pull``), the folder is made again: nbgrader cannot change the cells of an
    assignment that has submissions, and the earlier grades are of the old version anyway."""
    path = Path(course_dir or cache_dir() / "grading" / assignment).resolve()
    digest = source_digest(repo, assignment)
    stamp = path / SOURCE_STAMP
    fresh = not (stamp.is_file() and stamp.read_text() == digest)
    if fresh and stamp.is_file():  # ours (it has our stamp): nothing else lives there
        shutil.rmtree(path)
    course = grading.CourseDir(path, repo)
    if fresh:
        course.generate(assignment)
    ref = build_reference(course, assignment)
    stamp.write_text(digest)
    return course, ref


def grade_notebook(
    path: str | Path,
    assignment: str,
    course_dir: str | Path | None = None,
    student: str = "me",
    repo: Path | None = None,
    timeout: float | None = None,
) -> grading.SubmissionResult:
    """Grade one notebook file exactly as ``course autograde`` grades a hand-in, and return its grades.

    The same steps as a class run (the hand-in checks of ``autograder.submissions``, execution in a sandboxed
    kernel forked from the zygote, the test cells in the judge, nbgrader's writer), for one file: what
    Check my work, ``course grade`` and ``course progress`` show is what the instructor's grading gives.
    One difference, which no test cell sees: the notebook's figures are made but not drawn into images.
    ``course_dir`` (default: in ``cache_dir()``, see ``learner_course``) keeps the gradebook and the
    reference bundle between calls, so only the first grading of a version of the topic generates it.
    Raises GradingError if the notebook cannot be graded, with the reason an instructor would see.
    """
    repo = repo or grading.repo_root()
    path = Path(path)
    if assignment not in grading.assignments(repo):
        raise grading.GradingError(f"no topic {assignment!r} in {repo / 'source'}")
    notebook = f"{assignment}.ipynb"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise grading.GradingError(f"cannot read {path}: {exc.strerror or exc}") from None
    from autograder import sandbox, zygote

    zygote.start(sandbox.zygote_env())  # it imports the kernels' libraries while the assignment is prepared
    _cache_alembic_version()
    course, ref = learner_course(assignment, repo, Path(course_dir) if course_dir else None)
    with open(os.devnull, "w") as quiet:
        _sandbox_paths(course.path, repo, None, quiet)
    sub = checked(Submission(student, {notebook: data}, None, str(path)), notebook)
    if sub.problem:
        raise grading.GradingError(sub.problem)
    # the figures are not drawn: nobody reads this executed notebook, only its grades (a third of 01's time)
    executed = execute_submission(Task(student, sub.files, ref, float(timeout or DEFAULT_TIMEOUT), figures=False))
    if executed.problem:
        raise grading.GradingError(executed.problem)
    GradebookWriter(course, ref).record(sub, executed)
    return course.results(assignment, student)


def _sandbox_paths(course_dir: Path, repo: Path, submissions: Path | None, out) -> None:
    """Students' kernels run as the sandbox user: the course directory (gradebook, every hand-in)
    and the repository's solutions (source/, .git) must not be readable by it."""
    from autograder import sandbox

    warning = sandbox.fallback_warning()
    if warning:
        print(f"  {warning}", file=out, flush=True)
        return
    for home in sandbox.remove_stale_homes():  # left by a grading process killed with SIGKILL
        print(f"  removed {home} (a kernel home a killed grading process left mounted)", file=out, flush=True)
    for path in sandbox.protect(course_dir, repo / "source", repo / ".git"):
        print(f"  made {path} private (students' code runs as {sandbox.SANDBOX_USER})", file=out, flush=True)
    if submissions is not None and submissions.stat().st_mode & 0o004:
        print(
            f"  WARNING: {submissions} is readable by other users, so students' code can read every hand-in in it: "
            f"chmod o-rwx {submissions} (or keep downloads in a private folder)",
            file=out,
            flush=True,
        )


def _plan(subs, state, writer: GradebookWriter, force: bool, timeout: float, fresh_kernels: bool = False):
    """Which hand-ins to execute (new, changed, or worth retrying), which stand as they were.

    Returns ({student: Outcome} for the hand-ins not executed, [(Submission, Task)] to execute).
    Every new or changed hand-in is copied to ``submitted/`` first (the newest replaces the earlier).
    """
    ref = writer.ref
    in_gradebook = writer.graded_students()
    outcomes: dict[str, Outcome] = {}
    tasks: list[tuple[Submission, Task]] = []
    for sub in subs:
        before = state["students"].get(sub.student)
        graded_file = writer.course.path / "autograded" / sub.student / ref.assignment / f"{ref.notebook}.ipynb"
        unchanged = (
            not force
            and before is not None
            and before["digest"] == sub.digest
            and (
                (before["status"] != "graded" and not before["reason"].startswith(RETRIED))
                or (sub.student in in_gradebook and graded_file.is_file())
            )
        )
        if unchanged:
            outcomes[sub.student] = _from_state(before)
            continue
        writer.store_submission(sub)
        if sub.problem:
            outcomes[sub.student] = Outcome(sub.student, "ungradable", sub.problem, sub.digest, sub.origin, _now())
        else:
            tasks.append((sub, Task(sub.student, sub.files, ref, timeout, fresh_kernels)))
    return outcomes, tasks


def _run_tasks(tasks, pool, writer, state, outcomes, removed, course, assignment, progress) -> None:
    from tqdm import tqdm

    futures = {pool.submit(execute_submission, task): (sub, task) for sub, task in tasks}
    attempts: dict[str, int] = {}
    bar = tqdm(
        total=len(futures),
        desc=f"grading {assignment}",
        unit="nb",
        disable=not progress,
        file=sys.stderr,
        smoothing=0.1,
        dynamic_ncols=True,
    )
    try:
        while futures:
            done, _ = cf.wait(list(futures), return_when=cf.FIRST_COMPLETED)
            for future in done:
                sub, task = futures.pop(future)
                try:
                    executed = future.result()
                except Exception as exc:  # the worker itself died (not the kernel): out of memory, killed
                    attempts[sub.student] = attempts.get(sub.student, 0) + 1
                    if attempts[sub.student] <= RETRIES:  # only this submission is tried again
                        futures[pool.submit(execute_submission, task)] = (sub, task)
                        continue
                    executed = Executed(
                        sub.student,
                        problem=f"could not be graded: the grading process died {attempts[sub.student]} times while "
                        f"grading it ({type(exc).__name__}; out of memory? killed?); the next run tries again",
                    )
                outcome = _write_one(writer, sub, executed)
                if outcome.status != "graded" and not outcome.reason.startswith(RETRIED):
                    if writer.forget(sub.student):  # the newest hand-in cannot be graded: its fault
                        removed.append(sub.student)
                elif outcome.status != "graded":  # not the hand-in's fault: an earlier grade is never removed
                    if writer.has_grade(sub.student):
                        outcome.reason += "; the earlier grade stays in the gradebook until then"
                    outcome.digest = ""  # the next run grades it again
                outcomes[sub.student] = outcome
                state["students"][sub.student] = _state_entry(outcome)
                save_state(course, assignment, state)
                bar.set_postfix_str(f"{sub.student}: {outcome.status}", refresh=False)
                bar.update()
    finally:
        bar.close()


def _write_one(writer: GradebookWriter, sub: Submission, executed: Executed) -> Outcome:
    outcome = Outcome(sub.student, "graded", "", sub.digest, sub.origin, _now(), executed.seconds)
    outcome.notes = tuple(executed.notes)
    if executed.problem:
        outcome.status, outcome.reason = "ungradable", executed.problem
        return outcome
    try:
        writer.record(sub, executed)
        writer.feedback(sub.student)
    except Exception as exc:
        outcome.status = "ungradable"
        outcome.reason = f"could not be saved: {type(exc).__name__}: {exc}".splitlines()[0]
    return outcome


def _state_entry(o: Outcome) -> dict:
    d = asdict(o)
    d.pop("this_run")
    d["notes"] = list(o.notes)
    return d


def _from_state(entry: dict) -> Outcome:
    return Outcome(**{**entry, "notes": tuple(entry.get("notes", ())), "this_run": False})


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
