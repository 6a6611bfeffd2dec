"""Collect a class's submissions: a folder ``<student_id>/<notebook>.ipynb`` or an LMS zip.

The zip is read with nbgrader's own ``zip_collect`` machinery (``ExtractorPlugin``,
``FileNameCollectorPlugin``, ``ZipCollectApp``): the student id (and an optional submission
time) come from each file's name, and of two attempts of one student the newer one is kept.
Files that are no hand-in (hidden, ``__MACOSX/``, a README) are skipped and listed once;
nbgrader's own collection log is kept out of the instructor's terminal (its errors are ours to
report). The input folder or zip is only read, never modified.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# The LMS file names understood by default: ``<student_id>_<notebook>`` or, with the time of the
# attempt, ``<student_id>_attempt_<YYYY-MM-DD-HH-MM-SS>_<notebook>`` (the example of nbgrader's
# documentation); the student id is everything before the notebook's name, underscores included.
# A course can set its own with ``c.FileNameCollectorPlugin.named_regexp`` in
# autograder/nbgrader_config.py (matched against the extracted file's full path).
IGNORED = {".ipynb_checkpoints", "__pycache__", ".DS_Store", "__MACOSX"}
# A course notebook with its outputs is well under 5 MB; a larger one is not parsed at all.
MAX_NOTEBOOK_BYTES = 20 * 1024**2
# A browser saving a file that exists already: "00_tiny (1).ipynb", "00_tiny(2).ipynb".
COPY_SUFFIX = r" ?\((\d+)\)"


@dataclass
class Submission:
    """What one student handed in: their files (name -> bytes) and when, if known.

    ``problem`` is set when the hand-in cannot be graded as it is (wrong file name, two
    notebooks); the files are still kept so that the instructor can look at them. ``where``
    (the class folder or the zip) and ``names`` (file of the hand-in -> its name there) let a
    message say exactly which file to rename where; ``notes`` are what was fixed on the way.
    """

    student: str
    files: dict[str, bytes] = field(default_factory=dict)
    timestamp: str | None = None  # as nbgrader's timestamp.txt holds it
    origin: str = ""  # where it came from (a folder, a zip member), for messages
    problem: str | None = None
    where: str = ""
    names: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """Identity of the hand-in: changes whenever a file or the submission time changes."""
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        h.update(f"timestamp={self.timestamp}".encode())
        return h.hexdigest()


class Collected(list):
    """The submissions, and the files of a zip that were no hand-in (listed once, never graded)."""

    def __init__(self, subs=(), skipped=()):
        super().__init__(subs)
        self.skipped: list[str] = list(skipped)

    def report(self, width: int = 100) -> list[str]:
        """Lines for the run's output: the skipped files, then what was fixed in hand-ins."""
        lines = []
        if self.skipped:
            n = len(self.skipped)
            lines.append(_fit(f"  skipped {n} file{'s' * (n != 1)} that are not hand-ins: ", self.skipped, width))
        for sub in self:
            lines += [_fit(f"  {sub.student}: {note}", [], width) for note in sub.notes]
        return lines


def _fit(head: str, items: list[str], width: int) -> str:
    """head + items joined by commas, cut to ``width`` columns saying how many were left out."""
    line = head + ", ".join(items)
    if len(line) <= width:
        return line
    if not items:
        return line[: width - 3] + "..."
    shown: list[str] = []
    for item in items:
        more = f"... (+{len(items) - len(shown) - 1} more)"
        if len(head + ", ".join([*shown, item, more])) > width:
            break
        shown.append(item)
    return head + ", ".join([*shown, f"... (+{len(items) - len(shown)} more)"])


def collect(path: str | Path, notebook: str, config=None) -> Collected:
    """The submissions in a folder or an LMS zip, one per student, sorted by student id.

    notebook: the expected file name, e.g. ``01_linear_regression.ipynb``.
    config: the course's nbgrader configuration (for a zip: ``FileNameCollectorPlugin``).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: give the folder of submissions (<student_id>/{notebook}) "
            "or the .zip downloaded from your LMS"
        )
    if path.is_file() and path.suffix.lower() == ".zip":
        return collect_zip(path, notebook, config)
    if path.is_dir():
        return Collected(collect_folder(path, notebook))
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
        sub = Submission(folder.name, files, timestamp, str(folder), where=str(path))
        sub.names = {name: f"{folder.name}/{name}" for name in files}
        out.append(checked(sub, notebook))
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


def collect_zip(path: Path, notebook: str, config=None) -> Collected:
    """An LMS download: one file per student (or per attempt), the student id in its name.

    nbgrader's ``zip_collect`` extracts the archive and sorts the files into
    ``submitted/<student_id>/<assignment>/`` (keeping the newest attempt), with our collector
    (``_ZipPlan``) reading each name. Junk (hidden files, ``__MACOSX/``, a README or a PDF with no
    student id) is skipped and listed in ``Collected.skipped``; a notebook whose name has no student
    id becomes a submission with a problem that says how to rename it.
    """
    from nbgrader.apps.zipcollectapp import ZipCollectApp
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    assignment = notebook.removesuffix(".ipynb")
    cfg = Config()
    if config is not None:
        cfg.merge(config)
    custom = cfg.FileNameCollectorPlugin.get("named_regexp") or None
    with tempfile.TemporaryDirectory(prefix="course-zip-") as tmp:
        root = Path(tmp)
        archive = root / "downloaded" / assignment / "archive"
        archive.mkdir(parents=True)
        shutil.copyfile(path, archive / path.name)  # nbgrader works on a copy: the download stays as it is
        release = root / "release" / assignment
        release.mkdir(parents=True)
        (release / notebook).write_text("{}")  # nbgrader checks collected names against the release
        cfg.CourseDirectory.root = str(root)
        cfg.CourseDirectory.assignment_id = assignment
        app = ZipCollectApp(config=cfg)
        log = _quiet_logger()
        app.log = log  # nbgrader's collection log is ours to read, not the instructor's to scroll
        app.coursedir = CourseDirectory(parent=app, root=str(root))
        app.coursedir.assignment_id = assignment
        plan = _ZipPlan(notebook, custom)
        if "collector_plugin" not in cfg.ZipCollectApp:
            app.collector_plugin = plan.collector()
        try:
            app.init_plugins()
            app.extract_archive_files()
            # downloaded/<a>/extracted, from ZipCollectApp's own (public) traits
            layout = app.collect_directory_structure.format(
                downloaded=app.downloaded_directory, assignment_id=assignment, collect_step=app.extracted_directory
            )
            extracted = Path(app.coursedir.root) / layout
            plan.read(extracted / path.stem if (extracted / path.stem).is_dir() else extracted)
            app.process_extracted_files()
        except SystemExit:  # nbgrader's apps exit on an error they logged
            why = log.errors[-1] if log.errors else "it stopped without saying why"
            raise ValueError(f"nbgrader zip_collect could not read {path}: {why}") from None
        found = collect_folder_of_submitted(root / "submitted", assignment, notebook, path, plan.names)
        found += plan.unnamed(path)
    return Collected(sorted(found, key=lambda s: s.student), plan.junk)


def _quiet_logger() -> logging.Logger:
    """A logger outside logging's registry that keeps nbgrader's errors and prints nothing."""

    class Errors(logging.Handler):
        def emit(self, record):
            log.errors.append(record.getMessage())

    log = logging.Logger("course.zip_collect", logging.WARNING)
    log.errors = []
    log.propagate = False
    log.addHandler(Errors(logging.ERROR))
    return log


_STAMP = r"\d{4}-\d\d-\d\d[-T ]\d\d[-:]\d\d[-:]\d\d"


def _lms_time(stamp: str | None) -> str | None:
    """``YYYY-MM-DD-HH-MM-SS`` as ``YYYY-MM-DD HH:MM:SS``: dateutil reads 09-30-00 as 09:00 at UTC-30."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)[-T ](\d\d)[-:](\d\d)[-:](\d\d)", stamp or "")
    return f"{m[1]} {m[2]}:{m[3]}:{m[4]}" if m else stamp


def is_junk(rel: str) -> bool:
    """A member no student handed in: hidden files (.DS_Store, ._x), __MACOSX/, editor folders."""
    return any(part.startswith(".") or part in IGNORED for part in Path(rel).parts)


class _ZipPlan:
    """Reads every extracted file name once, before nbgrader's collector asks about each.

    The default LMS name is ``<student_id>_[attempt_<time>_]<notebook>``: the file ends with the
    assignment's notebook name, so the student id is everything before it, underscores included
    (``oscar_smith_00_tiny.ipynb`` is oscar_smith), with no ambiguity. A browser's copy suffix
    (``alice_00_tiny (1).ipynb``) is kept as its own file; ``checked`` grades the highest copy.
    A notebook of another name is that student's if the name starts with an id seen in a correct
    name, else with the part before its first underscore (``checked`` then asks to rename it).
    """

    def __init__(self, notebook: str, custom_regexp: str | None):
        stem = re.escape(notebook.removesuffix(".ipynb"))
        self.notebook = notebook
        self.custom = custom_regexp
        self.exact = re.compile(
            rf"(?P<student_id>[^/]+?)_(?:attempt_(?P<timestamp>{_STAMP})_)?(?P<file_id>{stem}(?:{COPY_SUFFIX})?\.ipynb)"
        )
        self.bare = re.compile(rf"{stem}(?:{COPY_SUFFIX})?\.ipynb")
        self.loose = re.compile(rf"(?P<student_id>[^/_]+)_(?:attempt_(?P<timestamp>{_STAMP})_)?(?P<file_id>[^/]+)")
        self.info: dict[str, dict | None] = {}
        self.names: dict[tuple[str, str], str] = {}  # (student, file in hand-in) -> name in the zip
        self.junk: list[str] = []
        self.nameless: list[Path] = []

    def read(self, extracted: Path) -> None:
        """Decide, for every extracted file, whose hand-in it is, or that it is junk.

        extracted: the folder holding the zip's members (nbgrader extracts into a folder of its name)."""
        files = sorted(p for p in extracted.rglob("*") if p.is_file() or p.is_symlink())
        rels = {f: f.relative_to(extracted).as_posix() for f in files}
        infos = {f: self._match(f, rels[f]) for f in files}
        known = sorted({i["student_id"] for i in infos.values() if i}, key=len, reverse=True)
        for f, info in infos.items():
            notebook = f.suffix == ".ipynb" and not is_junk(rels[f])
            if info is None and notebook:
                info = self._loose(f.name, known)
                if info is None:
                    self.nameless.append(f)
                    continue
            if info is None:  # a README, a PDF, .DS_Store, __MACOSX/...: no student's
                self.junk.append(rels[f])
                continue
            info["timestamp"] = _lms_time(info.get("timestamp"))
            info = {k: v for k, v in info.items() if v is not None}
            self.info[str(f)] = info
            self.names[(info["student_id"], Path(info["file_id"]).stem + f.suffix)] = f.name

    def _match(self, f: Path, rel: str) -> dict | None:
        """The student id, file and time of a correctly named file (any extension), or None."""
        if is_junk(rel):
            return None
        if self.custom:
            m = re.match(self.custom, str(f))
            return m.groupdict() if m else None
        m = self.exact.fullmatch(f.stem + ".ipynb")
        if not m:
            return None
        info = m.groupdict()
        info["file_id"] = Path(info["file_id"]).stem + f.suffix
        return info

    def _loose(self, name: str, known: list[str]) -> dict | None:
        """A notebook of another name: the longest known student id it starts with, else its first word."""
        for sid in known:
            if name.startswith(sid + "_"):
                return {"student_id": sid, "file_id": name[len(sid) + 1 :]}
        if self.bare.fullmatch(name):  # the assignment's own name: no student id in front of it
            return None
        m = self.loose.fullmatch(name)
        return m.groupdict() if m else None

    def collector(self):
        """nbgrader's FileNameCollectorPlugin, answering from this plan."""
        from nbgrader.plugins import FileNameCollectorPlugin

        plan = self

        class PlannedCollector(FileNameCollectorPlugin):
            def collect(self, submitted_file):
                return plan.info.get(submitted_file)

        return PlannedCollector

    def unnamed(self, zip_path: Path) -> list[Submission]:
        """A row for each notebook whose name has no student id: how to rename it, in words."""
        out = []
        for f in self.nameless:
            sub = Submission(f.stem, {f.name: f.read_bytes()}, None, f"{zip_path}:{f.name}")
            sub.problem = (
                f"file name not understood: {f.name!r} has no student id in front of {self.notebook}; "
                f"rename {f.name} to <student_id>_{self.notebook} (e.g. alice_{self.notebook}) in {zip_path} "
                "and grade again"
            )
            out.append(sub)
        return out


def collect_folder_of_submitted(
    submitted: Path, assignment: str, notebook: str, zip_path: Path | None = None, names=None
) -> list[Submission]:
    """nbgrader's ``submitted/<student_id>/<assignment>/`` layout (what zip_collect writes).

    zip_path, names: the download and {(student, file): name in the zip}, for rename messages."""
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
        sub = Submission(name, files, timestamp, f"zip: {name}", where=str(zip_path or ""))
        sub.names = {f: (names or {}).get((name, f), f"{name}_{f}") for f in files}
        out.append(checked(sub, notebook))
    return out


def checked(sub: Submission, notebook: str) -> Submission:
    """Flag a hand-in that has no notebook of the right name, or more than one notebook.

    A browser's copies of the notebook (``00_tiny (1).ipynb``) are the student's newer downloads:
    the highest number is graded as the notebook. Outdated nbgrader metadata is upgraded."""
    _keep_newest_copy(sub, notebook)
    notebooks = sorted(n for n in sub.files if n.endswith(".ipynb"))
    if notebooks == [notebook]:
        sub.problem = _unreadable(sub.files[notebook], notebook)
        if sub.problem is None:
            _upgrade_metadata(sub, notebook)
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
        sub.problem = f"wrong file name: {notebooks[0]} (expected {notebook}); {_rename(sub, notebooks[0], notebook)}"
    return sub


def _rename(sub: Submission, got: str, notebook: str) -> str:
    """The exact step that makes it gradable: rename <file> to <expected> in <zip or folder>."""
    if not sub.where:
        return f"rename the file to {notebook} if it is this assignment and grade again"
    shown = sub.names.get(got, got)
    expected = shown[: len(shown) - len(got)] + notebook if shown.endswith(got) else notebook
    return f"rename {shown} to {expected} in {sub.where} if it is this assignment and grade again"


def _keep_newest_copy(sub: Submission, notebook: str) -> None:
    """``X.ipynb``, ``X (1).ipynb``, ``X (2).ipynb``: grade the highest copy as ``X.ipynb``."""
    stem = re.escape(notebook.removesuffix(".ipynb"))
    pattern = re.compile(rf"{stem}(?:{COPY_SUFFIX})?\.ipynb")
    copies = {n: pattern.fullmatch(n) for n in sub.files if n.endswith(".ipynb")}
    if not copies or not all(copies.values()) or list(copies) == [notebook]:
        return
    newest = max(copies, key=lambda n: int(copies[n][1] or 0))
    data = sub.files[newest]
    for n in copies:
        del sub.files[n]
    sub.files[notebook] = data
    shown = sub.names.get(newest, newest)
    sub.names[notebook] = shown
    others = len(copies) - 1
    sub.notes.append(
        f"graded {shown} as {notebook}"
        + (f" (the newest of {len(copies)} browser copies)" if others else " (a browser's copy suffix)")
    )


def _upgrade_metadata(sub: Submission, notebook: str) -> None:
    """Cells with an older nbgrader metadata schema are upgraded as ``nbgrader update`` does.

    The student's work is kept (asking them to download the notebook again would lose it); a
    notebook whose metadata cannot be upgraded is left as it is (grading reports why)."""
    import json

    nb = json.loads(sub.files[notebook])
    from nbgrader.nbgraderformat import SCHEMA_VERSION

    old = sorted(
        {
            c.get("metadata", {}).get("nbgrader", {}).get("schema_version", 0)
            for c in nb["cells"]
            if isinstance(c.get("metadata", {}).get("nbgrader"), dict)
        }
    )
    if not old or old[0] >= SCHEMA_VERSION:
        return
    import nbformat
    from nbgrader.nbgraderformat import MetadataValidator

    try:
        node = nbformat.reads(sub.files[notebook].decode("utf-8"), as_version=4)
        validator = MetadataValidator()
        validator.log = _quiet_logger()  # "extra keys removed", "adding default cell type": expected here
        validator.validate_nb(validator.upgrade_notebook_metadata(node))
    except Exception:  # noqa: BLE001 - a corrupted notebook: the grading step says what is wrong
        return
    sub.files[notebook] = nbformat.writes(node).encode()
    sub.notes.append(f"nbgrader metadata upgraded from schema {old[0]} to {SCHEMA_VERSION} (as nbgrader update does)")


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
