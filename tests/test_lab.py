"""`course lab`: the workspace copy never overwrites, and the lab runs with Validate on and the
instructor tools off, without touching the learner's own Jupyter configuration."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from labserver import free_port, tiny_selfstudy_course
from test_cli import TOPIC

from autograder import lab


def fake_release(root: Path, topic: str, text: str = "{}") -> None:
    folder = root / "release" / topic
    folder.mkdir(parents=True)
    (folder / f"{topic}.ipynb").write_text(text)
    (folder / "data.csv").write_text("x\n1\n")


def test_workspace_copy_never_overwrites_and_picks_up_new_topics(tmp_path):
    root = tmp_path / "course"
    fake_release(root, "01_first", '{"v": "released"}')
    workspace, _, copied = lab.prepare(tmp_path / "ws", root)
    rel = sorted(p.relative_to(workspace).as_posix() for p in copied)
    assert rel == ["01_first/01_first.ipynb", "01_first/data.csv"]
    mine = workspace / "01_first" / "01_first.ipynb"
    mine.write_text('{"v": "my answers"}')
    (workspace / "01_first" / "data.csv").unlink()  # deleted by the learner: restored on the next run
    fake_release(root, "02_second")
    _, _, copied = lab.prepare(workspace, root)
    assert sorted(p.relative_to(workspace).as_posix() for p in copied) == [
        "01_first/data.csv", "02_second/02_second.ipynb", "02_second/data.csv"]
    assert mine.read_text() == '{"v": "my answers"}'
    assert lab.prepare(workspace, root)[2] == []


def test_lab_config_is_private_to_the_workspace(tmp_path):
    root = tmp_path / "course"
    (root / "autograder").mkdir(parents=True)
    (root / "autograder" / "nbgrader_config.py").write_text("c = get_config()\n")
    argv, env = lab.lab_command(tmp_path / "ws", root, port=9999, browser=False)
    config_dir = Path(env["JUPYTER_CONFIG_DIR"])
    assert config_dir == tmp_path / "ws" / ".jupyter"
    assert env["COURSE_ROOT"] == str(root) and env["PATH"].startswith(str(Path(sys.executable).parent))
    assert argv[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--no-browser" in argv and "--ServerApp.port=9999" in argv
    server = json.loads((config_dir / "jupyter_server_config.json").read_text())["ServerApp"]["jpserver_extensions"]
    assert server["autograder.validate"] is True, "Validate is answered by the course's engine"
    assert server["nbgrader.server_extensions.validate_assignment"] is False, "not by nbgrader's own handler"
    assert not server["nbgrader.server_extensions.formgrader"] and not server["nbgrader.server_extensions.course_list"]
    page = json.loads((config_dir / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert page["@jupyter/nbgrader:formgrader"] and "@jupyter/nbgrader:validate-assignment" not in page
    assert str(root / "autograder" / "nbgrader_config.py") in (config_dir / "nbgrader_config.py").read_text()


def test_jupyter_sees_validate_on_and_instructor_tools_off(tmp_path):
    """Jupyter's own listing, with the lab's environment: the private config is what it reads."""
    root = tmp_path / "course"
    (root / "autograder").mkdir(parents=True)
    (root / "autograder" / "nbgrader_config.py").write_text("c = get_config()\n")
    _, env = lab.lab_command(tmp_path / "ws", root)
    jupyter = [sys.executable, "-m", "jupyter"]
    servers = subprocess.run([*jupyter, "server", "extension", "list"], env=env, capture_output=True, text=True)
    listing = servers.stdout + servers.stderr
    assert re.search(r"autograder\.validate\s.*enabled", listing), listing
    for name in ("validate_assignment", "formgrader", "course_list", "assignment_list"):
        assert re.search(rf"{name}\s.*disabled", listing), listing
    labext = subprocess.run([*jupyter, "labextension", "list"], env=env, capture_output=True, text=True)
    disabled = (labext.stdout + labext.stderr).split("Disabled extensions:")[-1]
    assert "@jupyter/nbgrader:formgrader" in disabled and "@jupyter/nbgrader:validate-assignment" not in disabled


@pytest.fixture(scope="module")
def selfstudy_root(tmp_path_factory):
    return tiny_selfstudy_course(tmp_path_factory.mktemp("lab") / "course")


def test_course_lab_command_serves_the_workspace(selfstudy_root, tmp_path):
    """`course lab` itself: copies the notebooks, starts JupyterLab (printing its URL), Validate is there."""
    port = free_port()
    env = {**os.environ, "COURSE_ROOT": str(selfstudy_root)}
    workspace = tmp_path / "ws"
    proc = subprocess.Popen(
        [sys.executable, "-m", "autograder.cli", "lab", "--workspace", str(workspace), "--no-browser",
         "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines = []
    try:
        deadline = time.monotonic() + 120
        token = None
        while token is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            lines.append(line)
            m = re.search(rf"http://(?:127\.0\.0\.1|localhost):{port}/lab\?token=(\w+)", line)
            token = m and m.group(1)
        log = "".join(lines)
        assert token, f"no URL printed:\n{log}"
        assert f"copied {TOPIC}/{TOPIC}.ipynb" in log
        assert (workspace / TOPIC / f"{TOPIC}.ipynb").is_file()

        def get(path):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?token={token}", timeout=30) as r:
                    return r.status, r.read().decode()
            except urllib.error.HTTPError as exc:
                return exc.code, ""

        for _ in range(120):  # the URL is logged a moment before the server accepts connections
            try:
                get("/api/status")
                break
            except urllib.error.URLError:
                time.sleep(0.5)
        status, body = get(f"/api/contents/{TOPIC}/{TOPIC}.ipynb")
        assert status == 200 and "check_my_work" in body
        assert get("/nbgrader_version")[0] in (200, 400), "the Validate server extension is loaded"
        assert get("/formgrader")[0] == 404, "formgrader is an instructor tool"
        status, page = get("/lab")
        assert status == 200 and "@jupyter/nbgrader:formgrader" in page  # listed in the page's disabledExtensions

        def validate(path=f"{TOPIC}/{TOPIC}.ipynb"):
            body = json.dumps({"path": path}).encode()
            req = urllib.request.Request(f"http://127.0.0.1:{port}/assignments/validate?token={token}", data=body,
                                         method="POST", headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=300) as r:
                return json.loads(r.read())

        # Validate, as the button posts it, answered by the engine with the hidden test too
        answer = validate()
        assert answer["success"], answer
        (blank,) = answer["value"]["failed"]  # the one unanswered question: one block, no traceback
        assert blank["source"].startswith("Not attempted yet:") and "double  (0/2 points)" in blank["source"], answer
        assert "Traceback" not in blank["raw_error"] and "0/2 autograded points" in blank["raw_error"], answer
        notebook = workspace / TOPIC / f"{TOPIC}.ipynb"
        text = notebook.read_text()
        stub = next(line for line in json.loads(text)["cells"][2]["source"] if "NotImplementedError" in line)
        notebook.write_text(text.replace(json.dumps(stub)[1:-1], "    return 2 * x if x > 0 else x\\n"))
        (wrong,) = validate()["value"]["failed"]  # right on the visible test, wrong on the hidden one
        assert "double(-7.5)" in wrong["raw_error"] and "0/2" in wrong["source"], wrong
        # a notebook that is no course topic: nbgrader's own Validator answers
        (workspace / "scratch.ipynb").write_text(json.dumps({
            "cells": [{"cell_type": "code", "execution_count": None, "id": "a1", "metadata": {}, "outputs": [],
                       "source": "x = 1"}],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}))
        assert validate("scratch.ipynb") == {"success": True, "value": {}}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_course_lab_without_released_notebooks_says_what_to_do(tmp_path):
    root = tmp_path / "course"
    (root / "source").mkdir(parents=True)
    (root / "autograder").mkdir()
    (root / "autograder" / "nbgrader_config.py").write_text("c = get_config()\n")
    env = {**os.environ, "COURSE_ROOT": str(root)}
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "lab", "--workspace", str(tmp_path / "ws"),
                           "--no-browser"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "course release" in proc.stderr
