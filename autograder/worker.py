"""Execute and score one submission: a pure function, run in a worker process.

nbgrader's ``autograde`` does two things per submission, welded together: it runs the
notebook (sanitize, execute) and it writes grades to the gradebook. Under parallel writers
nbgrader's SQLite gradebook loses grades ("database is locked"), so ``course autograde``
splits the converter's own preprocessor lists at ``SaveAutoGrades``:

* ``execute_submission`` (here, in a worker): the sanitize preprocessors (ClearOutput,
  DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata) and the first
  autograde preprocessors (Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput).
  It reads the assignment's *reference* data from a private copy of a small SQLite gradebook
  that holds only the assignment (the ``Reference`` bundle), never the class gradebook, and
  returns the executed notebook as text. It reads no file of the class and writes nothing outside a
  private temporary folder, so it can run anywhere: a process pool here, a Dask cluster on other
  machines (``autograder.distributed``: the submission travels with the job, the bundle once per worker).
* One submission at a time per process: grading uses process-wide state (the judge's working folder,
  its captured stdout, ``Sandbox.current``, the process's zygote and sandbox user), so
  ``execute_submission`` refuses to start while another runs in the same process (``ONE_JOB``). The
  process pool runs one job per process; Dask workers must run with ``--nthreads 1``.
* ``writer_preprocessors`` (in the one writer, ``autograder.autograde``): SaveAutoGrades,
  AssignLatePenalties on that executed notebook, against the class gradebook (nbgrader's final
  CheckCellMetadata, a check the sanitize steps already made, is skipped there).

Same preprocessors, same order, same configuration as ``nbgrader autograde``: same grades; except
that test cells run in the judge (autograder.judge), not in the student's kernel.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# Where nbgrader's autograde preprocessor list is cut: from here on they touch the gradebook.
FIRST_WRITER = "SaveAutoGrades"


@dataclass(frozen=True)
class Reference:
    """What a worker needs to know about the assignment, in one folder.

    path: folder with ``gradebook.db`` (the assignment only, made by nbgrader
    generate_assignment) and ``files/`` (the assignment's other files, e.g. data, copied next
    to every submission as nbgrader does). config: the course's nbgrader configuration.
    digest: changes whenever the source notebook, its files or the configuration change.
    """

    assignment: str
    notebook: str  # notebook id (file name without .ipynb)
    path: str
    config: dict
    digest: str
    course_id: str = "default_course"


@dataclass
class Task:
    """One submission to execute. files: the student's hand-in (name -> bytes)."""

    student: str
    files: dict[str, bytes]
    reference: Reference
    timeout: float  # seconds the whole submission may take
    fresh_kernel: bool = False  # start the kernel from scratch, not forked from the zygote (autograder.zygote)
    figures: bool = True  # False: the notebook's figures are not drawn (a learner's check: see Sandbox.kernel_args)


@dataclass
class Executed:
    """The result of ``execute_submission``: the executed notebook, or why there is none."""

    student: str
    notebook: str | None = None  # the executed notebook (JSON text), ready for the writer
    problem: str | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # e.g. cells interrupted at the cell time limit


def load_config(reference: Reference):
    """A fresh copy of the course configuration (a traitlets Config travels pickled)."""
    return copy.deepcopy(reference.config)


def converter_preprocessors(config) -> tuple[list, list, list]:
    """nbgrader's Autograde lists, as configured: (sanitize, execute, writer)."""
    from nbgrader.converters import Autograde
    from traitlets.utils.importstring import import_item

    def classes(items) -> list:  # the configuration names them by their import path
        return [import_item(pp) if isinstance(pp, str) else pp for pp in items]

    converter = Autograde(config=config)
    autograde = classes(converter.autograde_preprocessors)
    names = [pp.__name__ for pp in autograde]
    cut = names.index(FIRST_WRITER)
    return classes(converter.sanitize_preprocessors), autograde[:cut], autograde[cut:]


def exporter(config, preprocessors):
    """A NotebookExporter running exactly ``preprocessors``, as nbgrader's converters build it."""
    from nbconvert.exporters import NotebookExporter
    from traitlets.config import Config

    cfg = Config(config)
    cfg.Exporter.default_preprocessors = []  # as nbgrader's BaseConverter does
    exp = NotebookExporter(config=cfg)
    for pp in preprocessors:
        exp.register_preprocessor(pp)
    return exp


def resources(reference: Reference, student: str, db_url: str) -> dict:
    """The resources nbgrader's converters hand to the preprocessors."""
    return {
        "unique_key": reference.notebook,
        "output_files_dir": f"{reference.notebook}_files",
        "nbgrader": {
            "student": student,
            "assignment": reference.assignment,
            "notebook": reference.notebook,
            "db_url": db_url,
        },
    }


# Held while a submission is graded: two at once in one process would share the judge's folder and stdout,
# Sandbox.current, the zygote (see the module docstring).
ONE_JOB = threading.Lock()
BUSY = (
    "could not be graded: this grading process was already grading another submission, and a process grades "
    "one at a time (a Dask worker must run with --nthreads 1: dask worker SCHEDULER --nthreads 1 --nworkers N); "
    "the next run tries again"
)


def quiet_ctrl_c_in_finalizers() -> None:
    """A Ctrl+C (SIGINT to the terminal's process group, workers included) that lands in a finalizer (a
    weakref callback during garbage collection) is dropped without Python's "Exception ignored ...
    KeyboardInterrupt" traceback on the class run's terminal. A worker loses nothing by it: the run sends
    each worker its own SIGINT when it stops (``SlotPool.interrupt``), then ends the ones still running."""
    previous = sys.unraisablehook
    if getattr(previous, "course_quiet_ctrl_c", False):
        return

    def hook(unraisable):
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            previous(unraisable)

    hook.course_quiet_ctrl_c = True
    sys.unraisablehook = hook


def execute_submission(task: Task) -> Executed:
    """Sanitize and execute one submission against the reference; never raises.

    Pure: depends only on the task (the submission and the reference bundle); writes nothing
    outside a private temporary folder. Refused (``BUSY``) while another runs in this process.
    """
    quiet_ctrl_c_in_finalizers()
    if not ONE_JOB.acquire(blocking=False):
        return Executed(task.student, problem=BUSY)
    try:
        return _execute_alone(task)
    finally:
        ONE_JOB.release()


def _execute_alone(task: Task) -> Executed:
    start = time.monotonic()
    ref = task.reference
    result = Executed(task.student)
    with tempfile.TemporaryDirectory(prefix="course-autograde-") as tmp:
        tmp = Path(tmp)
        try:
            result.notebook, result.notes = _execute(task, tmp)
        except _Timeout:
            result.problem = (
                f"timeout: the notebook used more than {task.timeout:g} s of CPU time (--timeout), or ran "
                f"{task.timeout * WALL_FACTOR_SUBMISSION:g} s; it may loop forever. Run it yourself, or grade "
                "it again with a larger --timeout"
            )
        except Exception as exc:  # every way a submission can break becomes a reason
            result.problem = _reason(exc, ref)
    result.seconds = time.monotonic() - start
    return result


class _Timeout(Exception):
    pass


def _execute(task: Task, tmp: Path) -> tuple[str, list[str]]:
    import nbformat

    from autograder.execute import SESSION, GradingExecute, GradingSession
    from autograder.sandbox import Limits, Sandbox, SandboxKernelManager

    ref = task.reference
    config = load_config(ref)
    sanitize, execute, _ = converter_preprocessors(config)
    db = tmp / "reference.db"
    shutil.copyfile(Path(ref.path) / "gradebook.db", db)  # a private copy: nothing is shared
    db_url = f"sqlite:///{db}"

    # nbgrader's layout: submitted/<student>/<assignment>/ -> autograded/<student>/<assignment>/
    submitted, work = tmp / "submitted", tmp / "autograded"
    for folder in (submitted, work):
        folder.mkdir()
    for name, data in task.files.items():
        # the student's other files go next to the notebook, as nbgrader copies them
        for folder in (submitted,) if name.endswith(".ipynb") else (submitted, work):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    files = Path(ref.path) / "files"
    for f in sorted(files.rglob("*")) if files.is_dir() else []:
        if f.is_file():  # then the assignment's own files, over any student copy
            dest = work / f.relative_to(files)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)

    out, _ = exporter(config, sanitize).from_filename(
        str(submitted / f"{ref.notebook}.ipynb"), resources=resources(ref, task.student, db_url)
    )
    sanitized = work / f"{ref.notebook}.ipynb"
    sanitized.write_text(out, encoding="utf-8")

    exp = exporter(config, execute)
    watchdog = _Watchdog(task.timeout)
    data = {str(f.relative_to(work)): f for f in sorted(work.rglob("*")) if f.is_file() and f != sanitized}
    limits = Limits(cpu_seconds=int(task.timeout) + 30)
    box = Sandbox(data, ref.assignment, limits, fresh_kernel=task.fresh_kernel, figures=task.figures)
    # Test cells run in the judge (autograder.judge), in this process; the kernel only answers calls.
    judged, judge_cells = _judge_test_cells(ref, tmp, box, watchdog)
    deaths, survive = _survive_kernel_death(watchdog)
    # What the configured Execute (autograder.execute.GradingExecute) adds for this run: the kernel in a
    # sandbox (autograder.sandbox: another user, a private folder holding only the data files, never the
    # notebook with its hidden tests, limits, a fixed environment), the watchdog, the judge, the kernel's
    # death survived, the output caps.
    session = GradingSession(
        kernel_manager_class=SandboxKernelManager,
        cell_wrappers=[watchdog.wrap, judge_cells, survive],
        output_wrapper=_cap_live_outputs,
        on_start=watchdog.attach,
    )
    if not any(issubclass(pp, GradingExecute) for pp in execute):
        raise RuntimeError(
            "the nbgrader configuration's Autograde.autograde_preprocessors has no "
            "autograder.execute.GradingExecute: the course's grading needs it in place of nbgrader's Execute"
        )
    res = {**resources(ref, task.student, db_url), SESSION: session}
    try:
        nb = nbformat.read(str(sanitized), as_version=4)
        with box, watchdog:
            out, _ = exp.from_notebook_node(nb, resources=res)
    except Exception:
        if watchdog.fired:
            raise _Timeout() from None
        raise
    if watchdog.fired:
        raise _Timeout()
    out = cap_output_bytes(out)
    if len(out) > MAX_EXECUTED_BYTES:  # (the hand-in's own source is at most 20 MB): no rich output kept
        out = cap_output_bytes(out, rich=False)
    return out, _duplicates(task) + _timeout_notes(out) + watchdog.interrupted + deaths + judged.notes


# Time limits are counted in the kernel's CPU time (issue 18: on a busy machine, load 15 on 2 cores,
# correct work was graded "timeout" or its later cells 0): a cell may use Execute.timeout seconds of CPU,
# a submission --timeout seconds. Wall-clock time is only a generous backstop, for code that sleeps or
# waits: this many times the CPU limit.
WALL_FACTOR_CELL = 4
WALL_FACTOR_SUBMISSION = 3
GRACE = 5.0  # seconds a cell interrupted at its limit has to stop before the kernel is killed
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def kernel_cpu_seconds(pgid: int) -> float:
    """CPU seconds used by the processes of the kernel's process group (and the children they reaped)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 15 and int(fields[2]) == pgid:  # fields after the name: state ppid pgrp ...
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / _TICK


class _Watchdog:
    """The time limits of one submission, in the kernel's CPU time (see WALL_FACTOR_*).

    A cell over its CPU limit is interrupted (it scores 0, the rest of the notebook is graded);
    one that ignores the interrupt is stopped (the kernel is killed: ``kernel stopped at cell k``).
    A submission over its CPU limit, or over the wall-clock backstop, is stopped (``timeout``).
    nbgrader's own Execute.timeout (wall clock) becomes the cell's backstop.
    """

    def __init__(self, seconds: float):
        self.execute = None  # the Execute preprocessor, once it starts (attach)
        self.seconds = seconds
        self.cell_seconds = None  # CPU seconds a cell may use (None: no limit): Execute.timeout
        self.cell_wall = None
        self.fired = False
        self.end: float | None = None
        self.stopped: set[int] = set()  # cells whose kernel was killed because they ignored the interrupt
        self.interrupted: list[str] = []  # notes
        self._cell: tuple[int, float, float, str] | None = None  # index, CPU and wall time at start, grade id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def attach(self, execute) -> None:
        """The Execute preprocessor starts: its cell limit becomes the watchdog's."""
        self.execute = execute
        self.cell_seconds = execute.timeout
        self.cell_wall = int(self.cell_seconds * WALL_FACTOR_CELL) if self.cell_seconds else None
        if self.cell_wall:
            # (a function: nbconvert re-reads Execute.timeout from the configuration when it starts)
            execute.timeout_func = lambda cell: self.cell_wall

    def wrap(self, execute, run):
        """``run`` (a cell's execution) with the cell's CPU time watched."""

        def preprocess_cell(cell, resources, index):
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
            self._cell = (index, self._cpu(), time.monotonic(), gid)
            try:
                return run(cell, resources, index)
            finally:
                self._cell = None

        return preprocess_cell

    def _pgid(self) -> int | None:
        km = getattr(self.execute, "km", None)
        process = getattr(getattr(km, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    def _cpu(self) -> float:
        pgid = self._pgid()
        return kernel_cpu_seconds(pgid) if pgid else 0.0

    def _signal(self, sig) -> None:
        pgid = self._pgid()
        if pgid:
            try:
                os.killpg(pgid, sig)
            except OSError:
                pass

    def _kill(self):
        self.fired = True
        self._signal(signal.SIGKILL)

    def _watch(self):
        interrupted_at: dict[int, float] = {}
        while not self._stop.wait(0.25):
            if time.monotonic() > self.end:
                return self._kill()
            cpu = self._cpu()
            if cpu > self.seconds:
                return self._kill()
            cell = self._cell
            if cell is None or not self.cell_seconds:
                continue
            index, cpu0, _, gid = cell
            if index in interrupted_at:
                if time.monotonic() - interrupted_at[index] > GRACE and self._cell is cell:
                    self.stopped.add(index)  # it ignored the interrupt
                    self._signal(signal.SIGKILL)
            elif cpu - cpu0 > self.cell_seconds:
                interrupted_at[index] = time.monotonic()
                self.interrupted.append(
                    f"{gid} hit the per-cell time limit ({self.cell_seconds:g} s of CPU time) and was interrupted"
                )
                self._signal(signal.SIGINT)

    def __enter__(self):
        self.end = time.monotonic() + self.seconds * WALL_FACTOR_SUBMISSION
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        return False


# Bytes of text one cell's outputs may keep (nbgrader's LimitOutput counts lines only: one
# line of 50 MB passes it). Longer text is cut, with TRUNCATED saying how much was dropped.
MAX_CELL_OUTPUT_BYTES = 64 * 1024
MAX_MIME_BYTES = 4 * 1024**2  # an image or other rich output larger than this is dropped
# Caps while the kernel runs (issue 18: 100 000 display() calls or 50 large PNGs held the worker and
# the writer for minutes): outputs per cell, text bytes per cell, rich bytes per notebook; what is over
# is dropped as it arrives, with one note. The executed notebook (and so the feedback page) is cut
# to MAX_EXECUTED_BYTES.
MAX_OUTPUTS_PER_CELL = 100
MAX_LIVE_TEXT_BYTES = 1024**2
MAX_RICH_BYTES = 8 * 1024**2
MAX_EXECUTED_BYTES = 32 * 1024**2
DROPPED = "[... more outputs dropped by the grader: {what} ...]\n"
TRUNCATED = "\n[... output truncated by the grader: {n} more bytes ...]\n"


def _cap_live_outputs(execute, run):
    """``run`` (nbclient's output handler) dropping outputs over the caps as they arrive (the grader's memory
    and time stay bounded)."""
    import nbformat

    rich = [0]

    def output(outs, msg, display_id, cell_index):
        content = msg.get("content") or {}
        size = len(json.dumps(content.get("data") or {})) + len(str(content.get("text") or ""))
        text_bytes = sum(len(str(o.get("text", ""))) for o in outs if o.get("output_type") == "stream")
        what = None
        if len(outs) >= MAX_OUTPUTS_PER_CELL:
            what = f"more than {MAX_OUTPUTS_PER_CELL} outputs in one cell"
        elif msg.get("msg_type") == "stream" and text_bytes + size > MAX_LIVE_TEXT_BYTES:
            what = f"more than {MAX_LIVE_TEXT_BYTES} bytes of text in one cell"
        elif msg.get("msg_type") != "stream" and rich[0] + size > MAX_RICH_BYTES:
            what = f"more than {MAX_RICH_BYTES // 1024**2} MB of images and other rich outputs in the notebook"
        if what is None:
            if msg.get("msg_type") != "stream":
                rich[0] += size
            return run(outs, msg, display_id, cell_index)
        keep = MAX_LIVE_TEXT_BYTES - text_bytes
        if msg.get("msg_type") == "stream" and keep > 0 and len(outs) < MAX_OUTPUTS_PER_CELL:
            # the start of a stream that is too long is kept (cap_output_bytes cuts it further, with its marker)
            content["text"] = str(content.get("text") or "")[:keep]
            run(outs, msg, display_id, cell_index)
        if not any(o.get("output_type") == "stream" and "dropped by the grader" in str(o.get("text")) for o in outs):
            if len(outs) >= MAX_OUTPUTS_PER_CELL:
                outs[-1] = nbformat.v4.new_output("stream", name="stdout", text=DROPPED.format(what=what))
            else:
                outs.append(nbformat.v4.new_output("stream", name="stdout", text=DROPPED.format(what=what)))
        return None

    return output


def cap_output_bytes(notebook_json: str, budget: int = MAX_CELL_OUTPUT_BYTES, rich: bool = True) -> str:
    """Cut every cell's text outputs to ``budget`` bytes in all, with a truncation marker
    (rich=False: every image and other rich output is dropped too)."""
    nb = json.loads(notebook_json)
    for cell in nb["cells"]:
        left = budget

        def cut(text):
            nonlocal left
            text = "".join(text) if isinstance(text, list) else str(text)
            data = text.encode("utf-8", "replace")
            if len(data) <= left:
                left -= len(data)
                return text
            kept = data[: max(left, 0)].decode("utf-8", "ignore")
            left = 0
            return kept + TRUNCATED.format(n=len(data) - len(kept.encode()))

        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = cut(out["text"])
            if "traceback" in out:
                out["traceback"] = [cut(line) for line in out["traceback"]]
            for mime, value in list(out.get("data", {}).items()):
                if mime.startswith("text/") or mime.endswith("json"):
                    if isinstance(value, (str, list)):
                        out["data"][mime] = cut(value)
                elif not rich or len(str(value)) > MAX_MIME_BYTES:
                    out["data"].pop(mime)
                    out["data"].setdefault("text/plain", TRUNCATED.format(n=len(str(value))))
    _sanitize(nb)
    return json.dumps(nb)


# What a student's output may show in the autograded notebook and the feedback page (issue 18): plain
# text and images. HTML, JavaScript, SVG (it can hold scripts), Markdown (raw HTML) and widget outputs
# are dropped: a <script>, or a fake "All tests passed" banner, never reaches an instructor's or a
# student's browser. (Text outputs are escaped by nbconvert.)
SAFE_MIME = {"text/plain", "image/png", "image/jpeg", "image/gif", "text/latex"}
_TAG = re.compile(r"<(?=[A-Za-z/!?])")


def _sanitize(nb: dict) -> None:
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "markdown" and not meta.get("locked"):
            # a student's Markdown: its HTML tags are shown as text, not run
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = _TAG.sub("&lt;", source)
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not isinstance(data, dict):
                continue
            unsafe = [m for m in data if m not in SAFE_MIME]
            for mime in unsafe:
                data.pop(mime)
            if unsafe and not data:
                data["text/plain"] = f"[an output of type {', '.join(unsafe)[:100]}: not shown by the grader]"


@dataclass
class _Judged:
    notes: list[str] = field(default_factory=list)


def _judge_test_cells(ref: Reference, tmp: Path, box, watchdog=None):
    """(notes, wrap): ``wrap(execute, run)`` routes every test cell of the reference to the judge
    (autograder.judge), other cells to the kernel (``run``)."""
    from autograder.judge import SCRIPT, Judge, judged_cell

    state = _Judged()
    script_path = Path(ref.path) / SCRIPT
    if not script_path.is_file():
        raise RuntimeError(f"the reference bundle has no {SCRIPT}: grade again (it is rebuilt)")
    script = json.loads(script_path.read_text())
    workdir = tmp / "judge"  # the judge's own copy of the assignment's files (never the student's)
    files = Path(ref.path) / "files"
    if files.is_dir():
        shutil.copytree(files, workdir)
    else:
        workdir.mkdir()
    judge = Judge(script, workdir)
    judge.preimport()  # while the kernel starts and runs the notebook

    def wrap(execute, run):
        def kernel_pid():
            process = getattr(getattr(getattr(execute, "km", None), "provisioner", None), "process", None)
            return getattr(process, "pid", None)

        def preprocess_cell(cell, resources, index):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            gid = meta.get("grade_id")
            if gid in judge.tests and meta.get("grade") and not meta.get("solution"):
                cell.cell_type = "code"
                # the judge's socket lives in root's folder, never in one the student's code can change
                wall = watchdog.cell_wall if watchdog is not None else execute.timeout
                ends = [time.monotonic() + wall] if wall else []
                if watchdog is not None and watchdog.end is not None:
                    ends.append(watchdog.end)  # the test's time counts in the submission's
                deadline = min(ends) if ends else None
                return judged_cell(execute, judge, run, cell, resources, index, box.judge_dir, kernel_pid, deadline)
            return run(cell, resources, index)

        return preprocess_cell

    return state, wrap


def _duplicates(task: Task) -> list[str]:
    """Cells the student duplicated (nbgrader grades the last copy only): said in the notes."""
    try:
        nb = json.loads(task.files[f"{task.reference.notebook}.ipynb"])
        ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.get("cells", [])]
    except (KeyError, ValueError, AttributeError, TypeError):
        return []
    seen = {}
    for gid in ids:
        if gid:
            seen[gid] = seen.get(gid, 0) + 1
    return [
        f"cell {gid} appears {n} times in the submission: graded once (the last copy)"
        for gid, n in seen.items()
        if n > 1
    ]


NOT_RUN = "later cells were not run"


def _survive_kernel_death(watchdog=None):
    """(notes, wrap): when the kernel dies at cell k (os._exit, a segfault, out of memory), keep cells 1..k-1.

    Cell k and every later code cell get an error output ("kernel died at cell k"), so each later
    test cell scores 0 (never full marks for not having run). ``notes`` is the list the note goes to.
    """
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    notes: list[str] = []
    died: list[str] = []

    def wrap(execute, run):
        def preprocess_cell(cell, resources, index):
            if died:
                if cell.cell_type == "code":
                    cell.outputs = [_error_output("KernelDied", f"not run: the {died[0]}")]
                return cell, resources
            try:
                return run(cell, resources, index)
            except (DeadKernelError, CellTimeoutError) as exc:
                gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                where = f"cell {index + 1}" + (f" ({gid})" if gid else "")
                if isinstance(exc, CellTimeoutError) or (watchdog is not None and index in watchdog.stopped):
                    # the kernel ignored the interrupt at the cell's time limit: stop it
                    _kill_kernel(execute)
                    died.append(f"kernel stopped at {where}")
                    what = "the cell ran past the per-cell time limit and ignored the interrupt; " + NOT_RUN
                else:
                    died.append(f"kernel died at {where}")
                    what = "Python crashed or was killed (os._exit, a segfault, out of memory); " + NOT_RUN
                cell.outputs.append(_error_output("KernelDied", f"{died[0]}: {what}"))
                notes.append(f"{died[0]}: {what} and score 0")
                return cell, resources

        return preprocess_cell

    return notes, wrap


def _kill_kernel(execute) -> None:
    process = getattr(getattr(getattr(execute, "km", None), "provisioner", None), "process", None)
    if process is not None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            process.kill()


def _error_output(ename: str, evalue: str) -> dict:
    import nbformat

    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _timeout_notes(notebook_json: str) -> list[str]:
    """Cells nbgrader interrupted at its per-cell time limit (they score 0, as in nbgrader)."""
    nb = json.loads(notebook_json)
    notes = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError":
                gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "a cell")
                notes.append(f"{gid} hit the per-cell time limit (Execute.timeout) and was interrupted")
    return notes


def _reason(exc: Exception, ref: Reference) -> str:
    """What went wrong, in words an instructor can act on."""
    name = type(exc).__name__
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else name
    fix = f"ask the student to download {ref.notebook}.ipynb from Jupyter again and resubmit"
    if name in {"NotJSONError", "JSONDecodeError", "UnicodeDecodeError"}:
        return f"malformed notebook: the file is not notebook JSON ({text}); {fix}"
    if name in {"ValidationError", "SchemaTooOldError", "SchemaTooNewError", "KeyError"} or "nbformat" in text:
        return f"malformed notebook: {text}; {fix}"
    if name == "DeadKernelError":
        return (
            "kernel died: Python crashed or was killed while running the notebook (out of memory, os._exit, "
            f"a crash in a library) ({text}); run the notebook yourself to see where"
        )
    if name == "UnresponsiveKernelError":
        return f"kernel stopped answering (an infinite loop that ignores interrupts?) ({text})"
    return f"could not be graded: {name}: {text} (the next run tries again)"
