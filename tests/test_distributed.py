"""``course autograde --scheduler``: a class graded on a real Dask cluster into a real PostgreSQL gradebook.

The cluster is what separate machines would run: a ``dask scheduler`` and two ``dask worker`` processes on
127.0.0.1, each started with ``--nthreads 1`` in a working folder of its own; the tests talk to them only
through the scheduler's address. The oracle is local grading (``autograde`` with its process pool) of the
same hand-ins. The class is the tiny course of test_autograde (kernels start in a second).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the distributed extra is not installed: pip install -e '.[distributed]'")

import psutil  # noqa: E402  (comes with distributed)
import test_autograde as ta  # noqa: E402
from distributed import Client, get_task_stream  # noqa: E402

from autograder import distributed as ad  # noqa: E402
from autograder import grading, sandbox  # noqa: E402
from autograder.autograde import GradebookWriter, autograde  # noqa: E402
from autograder.worker import BUSY, ONE_JOB, Executed, Task, execute_submission  # noqa: E402

TOPIC, NB = ta.TOPIC, ta.NB
GRADABLE = ["alice", "bob", "carol"]
postgres = ta.postgres  # the throwaway PostgreSQL server (one for this module)
DASK = Path(sys.executable).parent / "dask"
SLOW = "import time\ntime.sleep(3)\n"  # the kill test's hand-ins: long enough to be caught in the middle


def _folder(prefix: str) -> Path:
    """A new folder the sandbox user may pass through (mkdtemp's are 700)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def _put_class(folder: Path, release: dict, slow: bool = False) -> None:
    answers = {
        "alice": ta.CORRECT,
        "bob": {},  # blank
        "carol": {**ta.CORRECT, "cube": "def cube(x):\n    return x * x * abs(x)"},
    }
    for student, given in answers.items():
        given = dict(given)
        if slow:
            given["square"] = SLOW + given.get("square", "def square(x):\n    raise NotImplementedError()")
        ta.put(folder, student, ta.answered(release, **given))
    ta.put(folder, "dave", None, raw='{"cells": [')  # malformed: never sent to a worker


@pytest.fixture(scope="module")
def course():
    base = _folder("course-dask-")
    root = ta.tiny_course(base / "repo")
    old = os.environ.get("COURSE_ROOT")
    os.environ["COURSE_ROOT"] = str(root)
    release = json.loads((grading.CourseDir(base / "release", root).generate(TOPIC) / NB).read_text())
    folder = base / "class"
    _put_class(folder, release)
    yield {"root": root, "release": release, "class": folder, "base": base}
    if old is None:
        os.environ.pop("COURSE_ROOT", None)
    else:
        os.environ["COURSE_ROOT"] = old
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def local(course):
    """The oracle: the class graded on this machine (the default process pool), into SQLite."""
    cd = course["base"] / "local"
    result = autograde(TOPIC, course["class"], cd, jobs=1, timeout=ta.TIMEOUT, repo=course["root"], progress=False,
                       out=io.StringIO())  # fmt: skip
    return result, ta.gradebook_scores(cd)


class Cluster:
    """A scheduler and worker machines on 127.0.0.1, each its own process tree and working folder."""

    def __init__(self, workers: int):
        self.base = _folder("dask-cluster-")
        self.port = ta._free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"])
        for k in range(1, workers + 1):
            self.start_worker(f"worker{k}")
        self.client = Client(self.address, timeout=60, set_as_default=False)
        self.client.wait_for_workers(workers, timeout=120)

    def start(self, name: str, args: list[str]) -> None:
        cwd = self.base / name  # its own working folder, as on its own machine
        cwd.mkdir()
        cwd.chmod(0o755)
        log = open(self.base / f"{name}.log", "wb")
        self.procs[name] = subprocess.Popen(
            [str(DASK), *args], cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_worker(self, name: str) -> None:
        local = ["--local-directory", str(self.base / name)]
        self.start(name, ["worker", self.address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard", *local])

    def tree(self, name: str) -> list[psutil.Process]:
        """The process and every descendant: nanny, worker, its zygote and kernels."""
        try:
            top = psutil.Process(self.procs[name].pid)
            return [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def machine_of(self, worker_address: str) -> str:
        pid = self.client.run(os.getpid, workers=[worker_address])[worker_address]
        return next(name for name in self.procs if any(p.pid == pid for p in self.tree(name)))

    def kill(self, name: str) -> None:
        """The machine dies: every process of it at once (SIGKILL), nothing cleans up."""
        procs = self.tree(name)
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.send_signal(signal.SIGKILL)
        psutil.wait_procs(procs, timeout=15)

    def close(self) -> None:
        self.client.close()
        for name in list(self.procs):
            self.kill(name)
        for p in self.procs.values():
            p.wait(10)
        sandbox.remove_stale_homes()  # the kernel home a killed worker left mounted
        shutil.rmtree(self.base, ignore_errors=True)

    def log(self) -> str:
        return "\n".join(f"== {f.name}\n{f.read_text(errors='replace')[-3000:]}" for f in self.base.glob("*.log"))


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(workers=2)
    # Each process reads its code digest once, from the files on disk: read them all now, together (in a tree
    # someone is editing, a file saved between two readings is another version of the code, rightly refused).
    ad.code_digest()
    c.client.run(ad.code_digest)
    try:
        yield c
    finally:
        c.close()


def _database(url: str, name: str) -> str:
    """A new database on the test's PostgreSQL server; its URL."""
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{base}/{name}"


def _count_records(monkeypatch) -> dict[str, int]:
    """How many times the one writer records each student."""
    counts: dict[str, int] = {}
    record = GradebookWriter.record

    def counting(self, sub, executed):
        counts[sub.student] = counts.get(sub.student, 0) + 1
        return record(self, sub, executed)

    monkeypatch.setattr(GradebookWriter, "record", counting)
    return counts


def _outcomes(result) -> dict[str, tuple[str, str]]:
    return {o.student: (o.status, o.reason) for o in result.outcomes}


# -- refused before anything is written -----------------------------------------------------------
def test_unreachable_scheduler_is_a_clear_error_before_anything_is_written(course, capfd, monkeypatch):
    from autograder.cli import main

    monkeypatch.setattr(ad, "CONNECT_SECONDS", 2.0)  # (10 s in use)
    cd = course["base"] / "unreachable"
    address = f"tcp://127.0.0.1:{ta._free_port()}"  # nothing listens there
    start = time.monotonic()
    assert main(["autograde", TOPIC, str(course["class"]), "--course-dir", str(cd), "--scheduler", address]) == 2
    err = capfd.readouterr().err
    assert f"cannot reach the Dask scheduler at {address}" in err and "leave out --scheduler" in err, err
    assert time.monotonic() - start < 2.0 + 20
    assert not cd.exists(), "the course directory was written before the scheduler was reached"


def test_workers_with_other_grading_code_are_refused_before_anything_is_written(course, cluster, monkeypatch):
    monkeypatch.setattr(ad, "code_digest", lambda: "0" * 64)  # the instructor has another version of the course
    cd = course["base"] / "other-version"
    with pytest.raises(grading.GradingError) as err:
        autograde(TOPIC, course["class"], cd, timeout=ta.TIMEOUT, repo=course["root"], progress=False,
                  out=io.StringIO(), executor_factory=ad.DaskCluster(cluster.address, out=io.StringIO()))  # fmt: skip
    text = str(err.value)
    assert "2 of the 2 Dask worker(s) cannot grade" in text and "another version of the course" in text, text
    assert "scripts/setup.sh" in text
    assert not cd.exists()


def test_a_worker_refuses_a_job_of_another_code_version_or_without_its_bundle(course, local, cluster):
    """A worker that joined after the check still compares each job's code digest with its own."""
    import dataclasses

    from autograder.autograde import build_reference

    ref = build_reference(grading.CourseDir(course["base"] / "local", course["root"]), TOPIC)
    ref = dataclasses.replace(ref, digest="e" * 64)  # a version of the assignment no worker was sent
    task = Task("zoe", {NB: b"{}"}, ref, timeout=ta.TIMEOUT)
    job = ad.Job.of(task)
    other = ad.Job(job.task, "f" * 64)
    results = cluster.client.gather([cluster.client.submit(ad.grade, j, pure=False) for j in (other, job)])
    assert "another version of the course's grading code" in results[0].problem, results[0]
    assert "reference bundle" in results[1].problem and "did not reach" in results[1].problem, results[1]


def test_unfit_workers_are_named_with_what_to_do():
    code = "a" * 64
    good = {"code": code, "host": "h1", "nthreads": 1, "sandbox": None}
    facts = {
        "tcp://10.0.0.1:1": good,
        "tcp://10.0.0.2:1": {**good, "nthreads": 4},
        "tcp://10.0.0.3:1": ModuleNotFoundError("No module named 'autograder'"),
    }
    with pytest.raises(grading.GradingError) as err:
        ad.refuse_unfit(facts, code, "tcp://s:8786")
    text = str(err.value)
    assert "2 of the 3 Dask worker(s) cannot grade" in text
    assert "tcp://10.0.0.2:1 (h1) runs 4 jobs at a time" in text and "--nthreads 1" in text
    assert "tcp://10.0.0.3:1 cannot run the course's grader" in text
    assert ad.refuse_unfit({"w": good}, code, "s") == {"w": good}


def test_a_process_grades_one_submission_at_a_time():
    """Grading uses process-wide state: a second job in a busy process is refused, not run alongside."""
    with ONE_JOB:
        out = execute_submission(Task("zoe", {}, None, timeout=1))  # (refused before it looks at anything)
    assert isinstance(out, Executed) and out.problem == BUSY and "--nthreads 1" in BUSY


# -- grading on the cluster -----------------------------------------------------------------------
def test_a_job_carries_no_path_of_the_instructors_machine(course, local):
    from autograder.autograde import build_reference

    cd = course["base"] / "local"
    ref = build_reference(grading.CourseDir(cd, course["root"]), TOPIC)
    job = ad.Job.of(Task("alice", {NB: (course["class"] / "alice" / NB).read_bytes()}, ref, timeout=ta.TIMEOUT))
    data = pickle.dumps(job)
    for path in (cd, course["root"], course["base"], grading.repo_root()):
        assert str(path).encode() not in data, f"a job names {path}"
    assert job.task.reference.path == "" and ref.path  # the run's own Reference is untouched
    assert len(ad.pack_bundle(ref.path)) < 1_000_000  # sent once per worker


def test_dask_grades_into_postgresql_exactly_as_local_grading(course, local, cluster, postgres, monkeypatch):
    result, expected = local
    counts = _count_records(monkeypatch)
    db = _database(postgres, "dask_class")
    cd = course["base"] / "dask"
    said = io.StringIO()
    with get_task_stream(client=cluster.client) as stream:
        dask = autograde(
            TOPIC, course["class"], cd, timeout=ta.TIMEOUT, db_url=db, repo=course["root"], progress=False, out=said,
            executor_factory=ad.DaskCluster(cluster.address, out=said),
        )  # fmt: skip
    assert ta.gradebook_scores(cd, db) == expected, cluster.log()
    assert sorted(expected) == GRADABLE and expected["alice"]["test_cube"] == 3 and expected["carol"]["test_cube"] == 0
    assert _outcomes(dask) == _outcomes(result)
    assert counts == dict.fromkeys(GRADABLE, 1)  # each student recorded once (dave never reached a worker)
    assert not (cd / "gradebook.db").exists()  # the grades went to the server
    ran = [t for t in stream.data if str(t["key"]).startswith("course-grade-")]
    workers = set(cluster.client.scheduler_info(n_workers=-1)["workers"])
    assert len(ran) == len(GRADABLE) and {t["worker"] for t in ran} <= workers, ran
    assert len({t["worker"] for t in ran}) == 2, "both workers should have graded"
    bundles = sorted(cluster.base.glob(f"worker*/**/{ad.BUNDLES}/*/digest.txt"))
    assert len(bundles) == 2 and all(b.parent.stat().st_mode & 0o077 == 0 for b in bundles), bundles  # one each
    assert "Dask scheduler" in said.getvalue() and "2 worker process(es)" in said.getvalue()


def test_a_worker_killed_mid_job_costs_no_grade_and_duplicates_none(course, local, cluster, postgres, monkeypatch):
    """A worker machine dies while it grades: its job runs again on the other, every student is graded once."""
    import threading

    _, expected = local
    counts = _count_records(monkeypatch)
    folder = course["base"] / "slow-class"
    _put_class(folder, course["release"], slow=True)
    db = _database(postgres, "dask_kill")
    cd = course["base"] / "dask-kill"
    run: dict = {}

    def grade():
        try:
            run["result"] = autograde(TOPIC, folder, cd, timeout=ta.TIMEOUT, db_url=db, repo=course["root"],
                                      progress=False, out=io.StringIO(),
                                      executor_factory=ad.DaskCluster(cluster.address, out=io.StringIO()))  # fmt: skip
        except BaseException as exc:  # noqa: BLE001 - reported below
            run["error"] = exc

    thread = threading.Thread(target=grade, daemon=True)  # (a failure here must not hang the suite)
    thread.start()
    victim, deadline = None, time.monotonic() + 90
    while victim is None and time.monotonic() < deadline and thread.is_alive():
        busy = {w: keys for w, keys in cluster.client.processing().items() if keys}
        if busy:
            time.sleep(1.0)  # into the job: the kernel is running the student's notebook
            busy = {w: keys for w, keys in cluster.client.processing().items() if keys}
            victim = next(iter(busy), None)
        else:
            time.sleep(0.1)
    assert victim is not None, "no job was seen running on a worker\n" + cluster.log()
    machine = cluster.machine_of(victim)
    cluster.kill(machine)
    thread.join(180)
    assert not thread.is_alive(), "grading did not finish after a worker died\n" + cluster.log()
    assert "error" not in run, run.get("error")
    assert {s: st for s, (st, _) in _outcomes(run["result"]).items() if s in GRADABLE} == dict.fromkeys(
        GRADABLE, "graded"
    ), _outcomes(run["result"])
    assert ta.gradebook_scores(cd, db) == expected
    assert counts == dict.fromkeys(GRADABLE, 1), counts  # every grade once: none lost, none recorded twice
    assert victim not in cluster.client.scheduler_info(n_workers=-1)["workers"]
