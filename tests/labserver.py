"""A tiny self-study course and a real JupyterLab server on it, started as `course lab` starts it.

Shared by tests/test_lab.py (HTTP checks) and tests/test_browser.py (Playwright).
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from test_cli import TOPIC, tiny_course

from autograder import authoring, grading, lab


def tiny_selfstudy_course(root: Path) -> Path:
    """The tiny course of test_cli with the "check my work" cells, released."""
    tiny_course(root)
    assert authoring.add_check_cell(root / "source" / TOPIC / f"{TOPIC}.ipynb")
    grading.release(TOPIC, root.parent / f"{root.name}-release-work", root)
    return root


def course_copy(root: Path, topic: str, repo: Path) -> Path:
    """A throwaway course with one real topic of ``repo``, its "check my work" cells added, released."""
    shutil.copytree(repo / "autograder", root / "autograder")
    shutil.copytree(repo / "source" / topic, root / "source" / topic,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    authoring.add_check_cell(root / "source" / topic / f"{topic}.ipynb")
    grading.release(topic, root.parent / f"{root.name}-release-work", root)
    return root


def without_markers(source: str) -> str:
    """A source cell's answer as a learner would write it: the solution markers removed."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in (
        "### BEGIN SOLUTION", "### END SOLUTION")) + "\n"


def fill_answers(notebook: Path, source: Path, skip: set[str] = frozenset()) -> None:
    """Write the reference answers into a learner's copy, except the cells whose grade_id is in ``skip``."""
    import nbformat

    reference = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nbformat.read(str(source), 4).cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(str(notebook), 4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in reference and gid not in skip:
            cell.source = without_markers(reference[gid])
    nbformat.write(nb, str(notebook))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """JupyterLab on 127.0.0.1:<free port> with a token, on ``workspace``; log in ``log_path``."""

    def __init__(self, workspace: Path, root: Path, log_path: Path):
        self.workspace, self.root = workspace, root
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        argv, env = lab.lab_command(
            workspace,
            root,
            port=self.port,
            browser=False,
            extra=[
                "--ServerApp.ip=127.0.0.1",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                # offline: no news feed or update check from the lab
                "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
        )
        env = {**env, "COURSE_ROOT": str(root)}
        env.pop("JPY_SESSION_NAME", None)
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(argv, env=env, cwd=workspace, stdout=self._log, stderr=subprocess.STDOUT)

    def get(self, path: str, timeout: float = 10) -> tuple[int, str]:
        sep = "&" if "?" in path else "?"
        req = urllib.request.Request(f"{self.url}{path}{sep}token={self.token}")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def post_json(self, path: str, body: dict, timeout: float = 300) -> dict:
        req = urllib.request.Request(
            f"{self.url}{path}",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read().decode())

    def wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if self.get("/api/status", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer within {seconds} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text()[-5000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def start_lab(root: Path, workspace: Path, log_path: Path) -> LabServer:
    workspace, root, _ = lab.prepare(workspace, root)
    server = LabServer(workspace, root, log_path)
    try:
        server.wait_ready()
    except Exception:
        server.stop()
        raise
    return server
