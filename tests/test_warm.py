"""The learner's warm grader (autograder.warm): later answers reuse one server, with the engine's results."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import grading, selfcheck, warm

pytestmark = pytest.mark.xdist_group("warm")

ROOT = Path(__file__).resolve().parent.parent
TOPIC = "01_linear_regression"
REFERENCE = ROOT / "source" / TOPIC / f"{TOPIC}.ipynb"


def servers(where: Path) -> list[int]:
    """Pids of the warm servers listening at ``where``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                argv = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"autograder.warm" in argv and str(where).encode() in argv:
                pids.append(int(proc.name))
    return pids


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A learner's cache folder with warm grading on; every server started in it is killed at the end."""
    path = tmp_path_factory.mktemp("warm-cache")
    saved = {k: os.environ.get(k) for k in ("COURSE_CACHE", "COURSE_WARM", "COURSE_WARM_IDLE")}
    os.environ.update(COURSE_CACHE=str(path), COURSE_WARM="1", COURSE_WARM_IDLE="120")
    yield path
    for pid in servers(path / "warm" / "grader.sock"):
        os.kill(pid, signal.SIGKILL)
        wait_gone(pid, 10)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def wrong_notebook(folder: Path) -> Path:
    """The reference with add_bias_column wrong (the bias column appended last, not first)."""
    nb = json.loads(REFERENCE.read_text())
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "def add_bias_column" in source:
            cell["source"] = (
                "import numpy as np\n\ndef add_bias_column(X):\n    return np.column_stack([X, np.ones(len(X))])\n"
            )
            break
    else:
        raise AssertionError("no add_bias_column in the reference")
    path = folder / f"{TOPIC}.ipynb"
    path.write_text(json.dumps(nb))
    return path


def test_later_answers_come_from_the_same_server_with_the_engines_results(cache, tmp_path):
    where = cache / "warm" / "grader.sock"
    first = selfcheck.grade_notebook(REFERENCE, TOPIC)
    assert first.auto_score == first.auto_max > 0
    (server,) = servers(where)
    assert oct(where.parent.stat().st_mode & 0o777) == "0o700" and oct(where.stat().st_mode & 0o777) == "0o600"
    zygotes = children(server)
    assert zygotes, "the server keeps no zygote"

    wrong = wrong_notebook(tmp_path)
    second = selfcheck.grade_notebook(wrong, TOPIC)
    assert servers(where) == [server] and set(zygotes) <= set(children(server))  # warm: nothing started again
    failed = {c.grade_id for c in second.cells if c.points != c.max_points}
    assert "linreg_add_bias_column_values" in failed

    from autograder.autograde import grade_notebook

    engine = grade_notebook(wrong, TOPIC, course_dir=tmp_path / "engine")  # the instructor's path, in process
    def rows(result):
        return [(c.grade_id, c.points, c.message) for c in result.cells]

    assert rows(second) == rows(engine)


def test_a_notebook_that_cannot_be_graded_gets_the_engines_reason(cache, tmp_path):
    broken = tmp_path / f"{TOPIC}.ipynb"
    broken.write_text("{not json")
    with pytest.raises(grading.GradingError) as warm_error:
        warm.grade(broken, TOPIC, ROOT)
    from autograder.autograde import grade_notebook

    with pytest.raises(grading.GradingError) as engine_error:
        grade_notebook(broken, TOPIC, course_dir=tmp_path / "engine")
    assert str(warm_error.value) == str(engine_error.value)


def test_a_server_of_another_version_goes_and_a_new_one_answers(cache, monkeypatch, tmp_path):
    where = cache / "warm" / "grader.sock"
    broken = tmp_path / f"{TOPIC}.ipynb"
    broken.write_text("{not json")  # answered quickly, by a server's engine all the same
    with pytest.raises(grading.GradingError):
        warm.grade(broken, TOPIC, ROOT)
    (old,) = servers(where)
    monkeypatch.setenv("COURSE_WARM_TEST_VERSION", "2")  # a COURSE_ setting the running server does not have
    with pytest.raises(grading.GradingError, match="JSON|notebook"):
        warm.grade(broken, TOPIC, ROOT)
    assert wait_gone(old, 10), "the stale server is still running"
    (new,) = servers(where)
    assert new != old


def test_a_lost_server_means_grading_in_this_process(tmp_path, monkeypatch, capsys):
    """A socket that takes the request and closes (a server that died mid-answer): the check still answers."""
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    monkeypatch.setenv("COURSE_WARM", "1")
    where = warm.folder() / "grader.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(where))
    listener.listen(8)

    def hang_up():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.close()

    import threading

    threading.Thread(target=hang_up, daemon=True).start()
    with pytest.raises(warm.Unavailable, match="stopped answering"):
        warm.grade(REFERENCE, TOPIC, ROOT)
    import autograder.autograde

    calls = []
    monkeypatch.setattr(autograder.autograde, "grade_notebook", lambda path, topic: calls.append(path) or "graded")
    assert selfcheck.grade_notebook(REFERENCE, TOPIC) == "graded" and calls == [REFERENCE]
    assert "grading in this process" in capsys.readouterr().err
    listener.shutdown(socket.SHUT_RDWR)
    listener.close()


def test_a_server_that_never_answers_is_given_up(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    monkeypatch.setattr(warm, "ANSWER", 0.5)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(warm.folder() / "grader.sock"))
    listener.listen(8)  # connections wait in the backlog, never accepted
    connects = []
    real_connect = warm._connect
    monkeypatch.setattr(warm, "_connect", lambda where: connects.append(where) or real_connect(where))
    with pytest.raises(warm.Unavailable, match="no answer in 0.5 s"):
        warm.grade(REFERENCE, TOPIC, ROOT)
    assert len(connects) == 1  # asked once: a second server would make the learner wait as long again
    listener.close()


def test_one_server_at_a_time_and_an_idle_one_ends_with_its_zygote(tmp_path):
    where = tmp_path / "grader.sock"
    env = {**os.environ, "COURSE_WARM_IDLE": "1", "COURSE_CACHE": str(tmp_path)}
    argv = [sys.executable, "-m", "autograder.warm", str(where)]
    first = subprocess.Popen(argv, env=env)
    deadline = time.monotonic() + 30
    while not where.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert where.exists()
    second = subprocess.run(argv, env=env, timeout=60)  # the lock is taken: it leaves at once
    assert second.returncode == 0 and first.poll() is None
    zygotes = []
    deadline = time.monotonic() + 30
    while not zygotes and first.poll() is None and time.monotonic() < deadline:
        zygotes = children(first.pid)
        time.sleep(0.05)
    assert first.wait(60) == 0  # no request within COURSE_WARM_IDLE seconds
    assert not where.exists()
    assert zygotes and all(wait_gone(z, 10) for z in zygotes)
