"""Collect a class's submissions: a folder ``<student_id>/<notebook>.ipynb`` or an LMS zip.

The zip is read with nbgrader's own ``zip_collect`` machinery (``ExtractorPlugin``,
``FileNameCollectorPlugin``, ``ZipCollectApp``): the student id (and an optional submission
time) come from each file's name, and of two attempts of one student the newer one is kept.
The input folder or zip is only read, never modified.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# The LMS file names understood by default: ``<student_id>_<notebook>.ipynb`` or, with the time
# of the attempt, ``<student_id>_attempt_<YYYY-MM-DD-HH-MM-SS>_<notebook>.ipynb`` (the example
# of nbgrader's documentation). A course can set its own with
# ``c.FileNameCollectorPlugin.named_regexp`` in autograder/nbgrader_config.py.
DEFAULT_NAMED_REGEXP = (
    r".*/(?P<student_id>[A-Za-z0-9.\-]+)_"
    r"(?:attempt_(?P<timestamp>\d{4}-\d\d-\d\d[-T ]\d\d[-:]\d\d[-:]\d\d)_)?"
    r"(?P<file_id>[^/]+)$"
)
IGNORED = {".ipynb_checkpoints", "__pycache__", ".DS_Store", "__MACOSX"}
# A course notebook with its outputs is well under 5 MB; a larger one is not parsed at all.
MAX_NOTEBOOK_BYTES = 20 * 1024**2


def _lms_collector():
    """nbgrader's file-name collector, reading ``YYYY-MM-DD-HH-MM-SS`` times as dateutil cannot."""
    import re

    from nbgrader.plugins import FileNameCollectorPlugin

    class LmsFileNameCollector(FileNameCollectorPlugin):
        def collect(self, submitted_file):
            info = super().collect(submitted_file)
            stamp = (info or {}).get("timestamp") or ""
            m = re.fullmatch(r"(\d{4}-\d\d-\d\d)[-T ](\d\d)[-:](\d\d)[-:](\d\d)", stamp)
            if m:  # dateutil reads 09-30-00 as 09:00 at UTC-30
                info["timestamp"] = f"{m[1]} {m[2]}:{m[3]}:{m[4]}"
            return info

    return LmsFileNameCollector


@dataclass
class Submission:
    """What one student handed in: their files (name -> bytes) and when, if known.

    ``problem`` is set when the hand-in cannot be graded as it is (wrong file name, two
    notebooks); the files are still kept so that the instructor can look at them.
    """

    student: str
    files: dict[str, bytes] = field(default_factory=dict)
    timestamp: str | None = None  # as nbgrader's timestamp.txt holds it
    origin: str = ""  # where it came from (a folder, a zip member), for messages
    problem: str | None = None

    @property
    def digest(self) -> str:
        """Identity of the hand-in: changes whenever a file or the submission time changes."""
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        h.update(f"timestamp={self.timestamp}".encode())
        return h.hexdigest()


def collect(path: str | Path, notebook: str, config=None) -> list[Submission]:
    """The submissions in a folder or an LMS zip, one per student, sorted by student id.

    notebook: the expected file name, e.g. ``01_linear_regression.ipynb``.
    config: the course's nbgrader configuration (for a zip: ``FileNameCollectorPlugin``).
    """
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".zip":
        return collect_zip(path, notebook, config)
    if path.is_dir():
        return collect_folder(path, notebook)
    raise FileNotFoundError(
        f"{path} is neither a folder of submissions (<student_id>/{notebook}) nor an LMS .zip download"
    )


def collect_folder(path: Path, notebook: str) -> list[Submission]:
    """``<student_id>/<notebook>.ipynb`` (and any other files the student handed in)."""
    out = []
    for folder in sorted(p for p in path.iterdir() if p.name not in IGNORED and (p.is_dir() or p.is_symlink())):
        try:
            files, timestamp = _read_folder(folder)
        except NotRegular as exc:
            sub = Submission(folder.name, {}, None, str(folder))
            sub.problem = f"not gradable: link ({exc}); hand in the notebook itself, not a link to a file"
            out.append(sub)
            continue
        out.append(checked(Submission(folder.name, files, timestamp, str(folder)), notebook))
    return out


class NotRegular(ValueError):
    """A hand-in holds a symbolic link, a device, a fifo or a socket (issue 18): never followed or read."""


def _read_folder(folder: Path) -> tuple[dict[str, bytes], str | None]:
    """The files of one hand-in, and the submission time from nbgrader's timestamp.txt if any.

    Nothing is followed: a symbolic link (to the instructor's notebook, a peer's, a root-only file),
    a device, a fifo or a socket anywhere in the folder makes the hand-in not gradable (NotRegular);
    files are opened with O_NOFOLLOW and checked to be the regular file that was listed."""
    import os
    import stat

    files, timestamp = {}, None
    if folder.is_symlink():
        raise NotRegular(f"{folder.name} is a symbolic link")
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED)
        for name in sorted(dirs) + sorted(names):
            f = Path(root) / name
            rel = f.relative_to(folder)
            if any(part in IGNORED for part in rel.parts):
                continue
            mode = os.lstat(f).st_mode
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file (device, fifo or socket)"
                raise NotRegular(f"{rel.as_posix()} is {kind}")
            data = _read_regular(f, rel)
            if rel.as_posix() == "timestamp.txt":
                timestamp = data.decode("utf-8", "replace").strip() or None
            else:
                files[rel.as_posix()] = data
    return files, timestamp


def _read_regular(path: Path, rel: Path) -> bytes:
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise NotRegular(f"{rel.as_posix()} cannot be opened without following a link ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular(f"{rel.as_posix()} is not a regular file")
        return fh.read()


def collect_zip(path: Path, notebook: str, config=None) -> list[Submission]:
    """An LMS download: one file per student (or per attempt), the student id in its name.

    nbgrader's ``zip_collect`` extracts the archive and sorts the files into
    ``submitted/<student_id>/<assignment>/`` (keeping the newest attempt); files whose
    names it cannot read are returned as submissions with a problem.
    """
    from nbgrader.apps.zipcollectapp import ZipCollectApp
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    assignment = notebook.removesuffix(".ipynb")
    cfg = Config()
    if config is not None:
        cfg.merge(config)
    if not cfg.FileNameCollectorPlugin.get("named_regexp"):
        cfg.FileNameCollectorPlugin.named_regexp = DEFAULT_NAMED_REGEXP
    if "collector_plugin" not in cfg.ZipCollectApp:
        cfg.ZipCollectApp.collector_plugin = _lms_collector()
    with tempfile.TemporaryDirectory(prefix="course-zip-") as tmp:
        root = Path(tmp)
        archive = root / "downloaded" / assignment / "archive"
        archive.mkdir(parents=True)
        shutil.copyfile(path, archive / path.name)  # nbgrader works on a copy: the download stays as it is
        cfg.CourseDirectory.root = str(root)
        cfg.CourseDirectory.assignment_id = assignment
        app = ZipCollectApp(config=cfg)
        app.coursedir = CourseDirectory(parent=app, root=str(root))
        app.coursedir.assignment_id = assignment
        skipped = _SkippedFiles()
        app.log.addHandler(skipped)
        app.log.setLevel(logging.INFO)
        app.log.propagate = False
        try:
            app.init_plugins()
            app.extract_archive_files()
            app.process_extracted_files()
        except SystemExit:  # nbgrader's apps exit on an error they logged
            raise ValueError(f"nbgrader zip_collect could not read {path}: {skipped.last_error}") from None
        finally:
            app.log.removeHandler(skipped)
        found = collect_folder_of_submitted(root / "submitted", assignment, notebook)
        for name in skipped.files:
            rel = Path(name).name
            out = Submission(
                Path(rel).stem, {rel: Path(name).read_bytes()} if Path(name).is_file() else {}, None, f"{path}:{rel}"
            )
            out.problem = (
                f"file name not understood: {rel!r} does not match the LMS pattern "
                f"(FileNameCollectorPlugin.named_regexp = {cfg.FileNameCollectorPlugin.named_regexp!r}); "
                f"rename it <student_id>_{notebook} and grade it again"
            )
            found.append(out)
    return sorted(found, key=lambda s: s.student)


def collect_folder_of_submitted(submitted: Path, assignment: str, notebook: str) -> list[Submission]:
    """nbgrader's ``submitted/<student_id>/<assignment>/`` layout (what zip_collect writes)."""
    out = []
    for student in sorted(submitted.glob(f"*/{assignment}")):
        name = student.parent.name
        try:
            files, timestamp = _read_folder(student)
        except NotRegular as exc:
            sub = Submission(name, {}, None, f"zip: {name}")
            sub.problem = f"not gradable: link ({exc}); hand in the notebook itself, not a link to a file"
            out.append(sub)
            continue
        out.append(checked(Submission(name, files, timestamp, f"zip: {name}"), notebook))
    return out


class _SkippedFiles(logging.Handler):
    """Remembers the files zip_collect skipped and its last error message."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.files: list[str] = []
        self.last_error = ""

    def emit(self, record):
        msg = record.getMessage()
        prefix = "Skipped submission with no match information provided: "
        if msg.startswith(prefix):
            self.files.append(msg[len(prefix) :])
        if record.levelno >= logging.ERROR:
            self.last_error = msg


def checked(sub: Submission, notebook: str) -> Submission:
    """Flag a hand-in that has no notebook of the right name, or more than one notebook."""
    notebooks = sorted(n for n in sub.files if n.endswith(".ipynb"))
    if notebooks == [notebook]:
        sub.problem = _unreadable(sub.files[notebook], notebook)
        return sub
    if not notebooks:
        got = ", ".join(sorted(sub.files)) or "nothing"
        sub.problem = f"no notebook: expected {notebook}, found {got}"
    elif len(notebooks) > 1:
        sub.problem = (
            f"{len(notebooks)} notebooks ({', '.join(notebooks)}): keep only {notebook} "
            "(the one to grade) in the student's folder and grade again"
        )
    else:
        sub.problem = (
            f"wrong file name: {notebooks[0]} (expected {notebook}); rename the file to {notebook} "
            "if it is this assignment and grade again"
        )
    return sub


def _unreadable(data: bytes, notebook: str) -> str | None:
    """Why a notebook file cannot be graded (too large, not JSON, not nbformat 4), or None."""
    fix = f"ask the student to download {notebook} from Jupyter again and resubmit"
    if len(data) > MAX_NOTEBOOK_BYTES:
        return (
            f"notebook too large: {len(data) / 1024**2:.0f} MB (the limit is {MAX_NOTEBOOK_BYTES // 1024**2} MB; "
            f"outputs are usually the cause: clear them with Kernel > Restart and Clear Outputs); {fix}"
        )
    import json

    try:
        nb = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        return f"malformed notebook: the file is not notebook JSON ({str(exc)[:200]}); {fix}"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells", nb.get("worksheets")), list):
        return f"malformed notebook: JSON without notebook cells; {fix}"
    if nb.get("nbformat") != 4:
        return f"malformed notebook: nbformat {nb.get('nbformat')} (the course's notebooks are nbformat 4); {fix}"
    return None
