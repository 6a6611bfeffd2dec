"""Grading on a Dask cluster: ``course autograde ... --scheduler tcp://HOST:8786``.

One machine grades about 3 notebooks a minute per core; a course with thousands of learners needs
more machines. ``course autograde`` already splits grading in two (``autograder.worker``): executing a
hand-in is a pure function of the hand-in and the assignment's reference bundle, and one writer on the
instructor's machine records the grades. So only the first half moves: it runs on the workers of an
existing Dask cluster (``distributed``, which deploys on SSH hosts, Kubernetes, HPC batch systems and
cloud VMs); the writer, the course directory and the gradebook (a shared PostgreSQL server for
several graders) stay where the instructor is.

What that takes, and where it is done here:

* **A self-contained job** (``Job``): the hand-in's files, the reference's digest and configuration,
  the time limit, and the digest of the instructor's grading code; no path of the instructor's
  machine. The reference bundle (a small gradebook, the hidden tests for the judge, the data files)
  travels apart, once per worker: a tar of the bundle folder in a worker plugin (``BundlePlugin``),
  which the scheduler hands to every worker, those that join later included; each worker unpacks it
  into its own scratch folder, keyed by digest, and every job of that assignment reads it there.
* **One job per worker process.** Grading uses process-wide state (see ``autograder.worker``), so
  workers run with ``--nthreads 1``: checked when the run connects, and enforced in the worker
  (``execute_submission`` refuses a second job in a process).
* **Fault tolerance.** A worker that dies mid-job: the scheduler runs its jobs again on another
  worker (up to ``distributed.scheduler.allowed-failures`` times, 3 by default); a job's result comes
  back once, and the writer records it once. A job whose workers kept dying is reported as
  ``could not be graded`` (the next run tries again), not retried further here. An unreachable
  scheduler is a ``GradingError`` before anything is written; a worker whose grading code differs
  from the instructor's (another version of the course) is refused at connect time, and each job
  checks it again on the worker (one that joined later).

``DaskPool`` is the ``concurrent.futures.Executor`` that ``autograde`` drives (through
``Client.get_executor``, with the ``cancel_futures`` that Dask's own executor lacks).
"""

from __future__ import annotations

import concurrent.futures as cf
import copy
import dataclasses
import functools
import hashlib
import io
import os
import shutil
import socket
import sys
import tarfile
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from distributed import Client, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from autograder.grading import GradingError
from autograder.worker import Executed, Task, execute_submission

CONNECT_SECONDS = 10.0  # an unreachable scheduler is reported after this long
WORKERS_SECONDS = 30.0  # how long a run waits for a first worker to join
BUNDLES = "course-bundles"  # in each worker's scratch folder: one folder per reference digest
# Libraries whose version can change a grade: their versions enter the code digest with the sources.
GRADING_LIBRARIES = ("nbgrader", "nbconvert", "nbclient", "jupyter_client", "ipykernel", "hypothesis", "numpy", "torch")
SETUP_HINT = "git pull && bash scripts/setup.sh on that machine, then restart its dask worker"


# -- the job --------------------------------------------------------------------------------------
@functools.cache
def code_digest() -> str:
    """The digest of the grading code this process runs: the sources of the installed ``course`` and
    ``autograder`` packages, and the versions of the libraries that grade (``GRADING_LIBRARIES``)."""
    from importlib.metadata import PackageNotFoundError, version

    import course

    h = hashlib.sha256(f"python {sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    for name in GRADING_LIBRARIES:
        try:
            h.update(f"{name} {version(name)}\n".encode())
        except PackageNotFoundError:
            h.update(f"{name} -\n".encode())
    for package in (Path(course.__file__).parent, Path(__file__).parent):
        for f in sorted(package.rglob("*")):
            if f.is_file() and f.suffix in {".py", ".j2"} and "__pycache__" not in f.parts:
                h.update(f"{package.name}/{f.relative_to(package)}".encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class Job:
    """One hand-in to grade on a worker: ``task`` with its reference's ``path`` left empty (the worker
    finds the bundle by its digest), and the instructor's ``code_digest``."""

    task: Task
    code: str

    @classmethod
    def of(cls, task: Task) -> Job:
        config = copy.deepcopy(task.reference.config)  # the run's own Reference keeps its configuration
        if "HTMLExporter" in config:  # the feedback's templates: a path of this machine, used by the writer only
            config.HTMLExporter.pop("extra_template_basedirs", None)
        ref = dataclasses.replace(task.reference, path="", config=config)
        return cls(dataclasses.replace(task, reference=ref), code_digest())


def pack_bundle(folder: str | Path) -> bytes:
    """The reference bundle folder as the bytes of a gzipped tar."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for f in sorted(Path(folder).rglob("*")):
            if f.is_file():
                tar.add(f, arcname=str(f.relative_to(folder)), recursive=False)
    return buf.getvalue()


def unpack_bundle(data: bytes, digest: str, cache: Path) -> Path:
    """``cache/<digest>``: the bundle unpacked once (a folder of root's only: it holds the hidden tests)."""
    cache.mkdir(parents=True, exist_ok=True)
    cache.chmod(0o700)
    dest = cache / digest
    if (dest / "digest.txt").is_file():
        return dest
    scratch = Path(tempfile.mkdtemp(prefix="unpacking-", dir=cache))
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(scratch, filter="data")
    if (scratch / "digest.txt").read_text() != digest:
        shutil.rmtree(scratch)
        raise ValueError(f"the reference bundle sent for digest {digest[:12]} holds another one")
    try:
        scratch.rename(dest)  # whole or not at all
    except OSError:  # another thread of this worker got there first
        shutil.rmtree(scratch, ignore_errors=True)
    return dest


def bundle_cache(local_directory: str) -> Path:
    return Path(local_directory) / BUNDLES


# Held while a new worker imports what grading needs (GraderPlugin): a job that arrives meanwhile waits, as it
# would behind the local pool's warm-up task. Importing nbgrader in two threads at once fails (its modules import
# each other: "cannot import name ... from partially initialized module").
WARMING = threading.Lock()


def grade(job: Job) -> Executed:
    """On a worker: check the code version, find the bundle, and execute the hand-in (never raises)."""
    with WARMING:
        pass
    student = job.task.student
    worker = get_worker()
    where = f"{worker.address} ({socket.gethostname()})"
    if job.code != code_digest():
        return Executed(
            student,
            problem=f"could not be graded: the Dask worker {where} runs another version of the course's grading code "
            f"than yours ({code_digest()[:12]}, yours {job.code[:12]}): {SETUP_HINT}; the next run tries again",
        )
    digest = job.task.reference.digest
    bundle = bundle_cache(worker.local_directory) / digest
    if not (bundle / "digest.txt").is_file():
        return Executed(
            student,
            problem=f"could not be graded: the reference bundle {digest[:12]} did not reach the Dask worker {where} "
            "(was the run's worker plugin removed?); the next run tries again",
        )
    ref = dataclasses.replace(job.task.reference, path=str(bundle))
    return execute_submission(dataclasses.replace(job.task, reference=ref))


class BundlePlugin(WorkerPlugin):
    """Carries one reference bundle to every worker, present and future (installed by ``setup``)."""

    idempotent = True  # a worker that has it keeps it

    def __init__(self, digest: str, data: bytes):
        self.digest, self.data = digest, data

    def setup(self, worker) -> None:
        unpack_bundle(self.data, self.digest, bundle_cache(worker.local_directory))


class GraderPlugin(WorkerPlugin):
    """Prepares a worker process for grading when it starts: removes the kernel homes a killed worker left
    mounted, then imports what grading needs and starts the zygote in the background (as the local pool's
    processes do), so the first job does not wait for them."""

    idempotent = True

    def setup(self, worker) -> None:
        from autograder import sandbox
        from autograder.autograde import warm_up

        sandbox.remove_stale_homes()
        if not WARMING.acquire(blocking=False):  # released when the imports are done: a job waits (``grade``)
            return  # warming up already

        def warm() -> None:
            try:
                warm_up()
            finally:
                WARMING.release()

        threading.Thread(target=warm, name="course-warm-up", daemon=True).start()


def worker_facts(dask_worker=None) -> dict:
    """What the instructor's run checks of a worker before it sends jobs."""
    from autograder import sandbox

    return {
        "code": code_digest(),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "nthreads": dask_worker.state.nthreads if dask_worker is not None else None,
        "sandbox": sandbox.fallback_warning(),
    }


# -- the instructor's side ------------------------------------------------------------------------
class DaskPool(cf.Executor):
    """``autograde``'s executor on a Dask cluster: ``submit(execute_submission, task)`` sends a ``Job``.

    Dask's ``ClientExecutor`` does the work; this adds what ``autograde`` asks of an executor:
    ``shutdown(wait, cancel_futures=...)``, ``interrupt()`` (Ctrl+C: pending jobs are cancelled; a job a
    worker has started runs to its end there, and its result is dropped), the reference bundle shipped once
    per worker, and the failures of the cluster itself (workers that kept dying, a lost scheduler) turned
    into ``could not be graded`` results instead of exceptions: Dask has already run the job again.
    """

    def __init__(self, client: Client):
        self.client = client
        self.inner = client.get_executor(pure=False)
        self.plugins: set[str] = set()
        self.closed = False

    def ship(self, task: Task) -> None:
        """Send the task's reference bundle to the workers, once per run (and to workers that join later)."""
        ref = task.reference
        name = f"course-bundle-{ref.digest[:16]}"
        if name in self.plugins:
            return
        replies = self.client.register_plugin(BundlePlugin(ref.digest, pack_bundle(ref.path)), name=name)
        self.plugins.add(name)
        failed = {w: r for w, r in (replies or {}).items() if isinstance(r, dict) and r.get("status") != "OK"}
        if failed:
            worker, reply = next(iter(failed.items()))
            raise GradingError(
                f"the reference bundle could not be installed on {len(failed)} Dask worker(s), e.g. {worker}: "
                f"{reply.get('exception_text') or reply}; check that worker's disk and scratch folder"
            )

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        if fn is not execute_submission or kwargs or len(args) != 1:
            raise TypeError("DaskPool runs autograder.worker.execute_submission(task) and nothing else")
        if self.closed:
            raise RuntimeError("cannot submit after shutdown")
        task = args[0]
        self.ship(task)
        key = f"course-grade-{task.reference.assignment}-{uuid.uuid4().hex}"
        inner = self.inner.submit(grade, Job.of(task), key=key)
        outer: cf.Future = cf.Future()
        outer.add_done_callback(lambda f: f.cancelled() and inner.cancel())

        def done(f: cf.Future) -> None:
            if outer.done():
                return
            if f.cancelled() and self.closed:  # shut down (Ctrl+C): the run is over
                outer.cancel()
                outer.set_running_or_notify_cancel()  # (wakes concurrent.futures.wait)
            elif f.cancelled():  # not by us: the scheduler was lost, or restarted
                outer.set_result(Executed(task.student, problem=cluster_failure(None)))
            elif f.exception() is not None:
                outer.set_result(Executed(task.student, problem=cluster_failure(f.exception())))
            else:
                outer.set_result(f.result())

        inner.add_done_callback(done)
        return outer

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.inner.shutdown(wait=wait and not cancel_futures)  # (Dask's: wait=False cancels every job)
            for name in self.plugins:  # the scheduler forgets the bundles; the workers keep their copies
                try:
                    self.client.unregister_worker_plugin(name)
                except Exception:  # the scheduler is gone: nothing to forget
                    pass
        finally:
            self.client.close()

    def interrupt(self) -> None:
        self.shutdown(wait=False, cancel_futures=True)


def cluster_failure(exc: BaseException | None) -> str:
    """Why a job's future failed (None: cancelled by the cluster), in words an instructor can act on (the job
    itself never raises)."""
    if exc is None:
        return (
            "could not be graded: the Dask scheduler dropped it (the connection to the scheduler was lost, or it "
            "restarted); the next run tries again"
        )
    name = type(exc).__name__
    if name == "KilledWorker":
        return (
            "could not be graded: every Dask worker that took it died while grading it (out of memory? killed?), "
            "as many times as the scheduler allows (distributed.scheduler.allowed-failures); the next run tries again"
        )
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else name
    return f"could not be graded: the Dask cluster failed ({name}: {text}); the next run tries again"


class DaskCluster:
    """``executor_factory`` for ``autograde``: connects to the scheduler at ``address`` and checks its workers.

    Everything that can refuse the run happens here, before ``autograde`` writes anything: the scheduler
    unreachable, no worker, a worker running several jobs per process, a worker with other grading code.
    """

    def __init__(self, address: str, out=None, timeout: float | None = None, workers_timeout: float | None = None):
        self.address, self.out = address, out
        self.timeout = timeout or CONNECT_SECONDS
        self.workers_timeout = workers_timeout or WORKERS_SECONDS
        self.describe = f"on the Dask cluster at {address}"  # what autograde says it grades with

    def __call__(self, jobs: int) -> DaskPool:  # (jobs: the cluster's workers decide how many at a time)
        client = connect(self.address, self.timeout)
        try:
            workers = check_workers(client, self.address, self.workers_timeout)
            client.register_plugin(GraderPlugin(), name="course-grader")
        except BaseException:
            client.close()
            raise
        out = self.out or sys.stdout
        hosts = sorted({f["host"] for f in workers.values()})
        print(
            f"  Dask scheduler {self.address}: {len(workers)} worker process(es) on {len(hosts)} machine(s) "
            f"({', '.join(hosts)}), one submission at a time each",
            file=out,
            flush=True,
        )
        for warning in sorted({f["sandbox"] for f in workers.values() if f["sandbox"]}):
            where = [a for a, f in workers.items() if f["sandbox"] == warning]
            print(f"  on Dask worker(s) {', '.join(where)}: {warning}", file=out, flush=True)
        return DaskPool(client)


def connect(address: str, timeout: float = CONNECT_SECONDS) -> Client:
    """A client of the scheduler at ``address``, or a GradingError that says what to do."""
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise GradingError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}). Check the address (tcp://HOST:8786) and that "
            "`dask scheduler` runs there and its port is open to this machine; or grade on this machine: "
            "leave out --scheduler. Nothing was graded or written."
        ) from None


def check_workers(client: Client, address: str, timeout: float = WORKERS_SECONDS) -> dict[str, dict]:
    """{worker address: facts} of every worker, or a GradingError naming the workers that cannot grade."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise GradingError(
            f"the Dask scheduler at {address} has no worker (waited {timeout:g} s): start some on the grading "
            f"machines, `dask worker {address} --nthreads 1 --nworkers N` (autograder/README.md), and run again"
        ) from None
    facts = client.run(worker_facts, on_error="return")
    return refuse_unfit(facts, code_digest(), address)


def refuse_unfit(facts: dict, code: str, address: str) -> dict[str, dict]:
    """``facts`` if every worker can grade for this instructor; else a GradingError saying which cannot and why."""
    problems = []
    for worker, f in sorted(facts.items()):
        if isinstance(f, BaseException):
            problems.append(
                f"{worker} cannot run the course's grader ({type(f).__name__}: {f}); install the course there "
                "(bash scripts/setup.sh, with the distributed extra)"
            )
        elif f["code"] != code:
            problems.append(
                f"{worker} ({f['host']}) runs another version of the course's grading code ({f['code'][:12]}, "
                f"yours {code[:12]}): {SETUP_HINT}"
            )
        elif f["nthreads"] != 1:
            problems.append(
                f"{worker} ({f['host']}) runs {f['nthreads']} jobs at a time in one process, and grading needs a "
                f"process per job: restart it as `dask worker {address} --nthreads 1 --nworkers N`"
            )
    if problems:
        raise GradingError(
            f"{len(problems)} of the {len(facts)} Dask worker(s) cannot grade, so nothing was graded:\n  "
            + "\n  ".join(problems)
        )
    return facts
