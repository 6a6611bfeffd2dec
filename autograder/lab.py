"""``course lab``: the student notebooks in a personal workspace, opened in JupyterLab.

The workspace (default ``coursework/`` in the repository, which git ignores) gets a copy of
every released notebook folder; a file already there is never overwritten, so answers are
safe and topics released later arrive on the next run. JupyterLab starts with a private
Jupyter configuration in ``<workspace>/.jupyter`` (the learner's own ``~/.jupyter`` is left
alone): nbgrader's Validate button is on, answered by the course's grading engine
(``autograder.validate``); the instructor tools (formgrader, course list, assignment list, create
assignment) are off.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from autograder import grading

# nbgrader 0.9.6 ships one JupyterLab extension (@jupyter/nbgrader) with six plugins
# (validate-assignment, formgrader, course-list, assignment-list, create-assignment, and a menu
# that only opens those four) and four Jupyter Server extensions. A learner needs Validate only.
LAB_PLUGINS_OFF = [
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:menu",
    # the "get Jupyter news?" pop-up: the lab works offline
    "@jupyterlab/apputils-extension:announcements",
]
SERVER_EXTENSIONS = {
    # Validate answered by the course's engine (autograder.validate, same address and JSON), not nbgrader's
    "nbgrader.server_extensions.validate_assignment": False,
    "autograder.validate": True,
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.assignment_list": False,
}


def default_workspace() -> Path:
    return grading.repo_root() / "coursework"


def release_topics(root: Path) -> list[str]:
    """Topics with a student notebook in ``release/``, in course order."""
    release = root / "release"
    if not release.is_dir():
        return []
    return sorted(
        p.name
        for p in release.iterdir()
        if p.is_dir() and grading.NOTEBOOK_DIR_RE.match(p.name) and (p / f"{p.name}.ipynb").is_file()
    )


def copy_release(workspace: Path, root: Path) -> list[Path]:
    """Copy ``release/<topic>/*`` to ``<workspace>/<topic>/``, never overwriting. Returns the new files."""
    copied = []
    for topic in release_topics(root):
        src = root / "release" / topic
        for path in sorted(src.rglob("*")):
            if not path.is_file() or ".ipynb_checkpoints" in path.parts or "__pycache__" in path.parts:
                continue
            dst = workspace / topic / path.relative_to(src)
            if dst.exists():
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dst)
            copied.append(dst)
    return copied


def write_jupyter_config(config_dir: Path, root: Path) -> None:
    """The private Jupyter configuration of the lab (rewritten on every start; user settings stay)."""
    (config_dir / "labconfig").mkdir(parents=True, exist_ok=True)
    server = {"ServerApp": {"jpserver_extensions": SERVER_EXTENSIONS}}
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(server, indent=2) + "\n")
    page = {"disabledExtensions": {name: True for name in LAB_PLUGINS_OFF}}
    (config_dir / "labconfig" / "page_config.json").write_text(json.dumps(page, indent=2) + "\n")
    # Validate runs the notebook with the course's settings (cell time limit, warnings not failures).
    (config_dir / "nbgrader_config.py").write_text(grading.config_text(root))


def lab_command(
    workspace: Path, root: Path, port: int | None = None, browser: bool = True, extra: list[str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that start JupyterLab on ``workspace``."""
    config_dir = workspace / ".jupyter"
    write_jupyter_config(config_dir, root)
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={workspace}"]
    if port is not None:
        argv += [f"--ServerApp.port={port}"]
    if not browser:
        argv += ["--no-browser"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv += ["--allow-root"]  # containers and CI machines often run as root
    argv += extra or []
    bindir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "COURSE_ROOT": str(root),  # check_my_work in the kernels finds the same course
        "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
    }
    return argv, env


def prepare(workspace: Path | None = None, root: Path | None = None) -> tuple[Path, Path, list[Path]]:
    """(workspace, course root, newly copied files): the workspace filled and ready."""
    root = root or grading.repo_root()
    workspace = (workspace or root / "coursework").expanduser().resolve()
    workspace.mkdir(parents=True, exist_ok=True)
    return workspace, root, copy_release(workspace, root)
