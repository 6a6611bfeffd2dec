"""Collecting hand-ins (issue 20): junk in an LMS zip, student ids with underscores, a browser's
``name (1).ipynb`` copies, outdated nbgrader metadata, a missing path, and a quiet run.

Most tests read a zip or a folder without running anything; one grades a class of one with two
jobs, and one starts a zygote whose grading process has already gone.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from test_autograde import CORRECT, NB, TIMEOUT, TOPIC, answered, gradebook_scores, put, tiny_course

from autograder import grading
from autograder.autograde import autograde
from autograder.submissions import checked, collect, collect_folder

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The tiny course repository and its released notebook (as a dict)."""
    root = tiny_course(tmp_path_factory.mktemp("repo"))
    old = os.environ.get("COURSE_ROOT")
    os.environ["COURSE_ROOT"] = str(root)
    cd = grading.CourseDir(tmp_path_factory.mktemp("release") / "cd", root)
    release = json.loads((cd.generate(TOPIC) / NB).read_text())
    yield {"root": root, "release": release}
    if old is None:
        os.environ.pop("COURSE_ROOT", None)
    else:
        os.environ["COURSE_ROOT"] = old


def make_zip(path: Path, members: dict[str, object]) -> Path:
    """A zip as an LMS (or a Mac) writes it; dict members are notebooks, str or bytes are files."""
    with zipfile.ZipFile(path, "w") as z:
        for name, content in members.items():
            z.writestr(name, json.dumps(content) if isinstance(content, dict) else content)
    return path


def downgraded(nb: dict, version: int = 1) -> dict:
    """The notebook as an older nbgrader wrote it: schema ``version`` and no ``cell_type`` in the metadata."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader")
        if meta:
            meta["schema_version"] = version
            meta.pop("cell_type", None)
    return nb


def by_student(subs) -> dict:
    return {s.student: s for s in subs}


def test_junk_in_a_zip_is_skipped_and_listed_once_never_a_student(tiny, tmp_path):
    z = make_zip(
        tmp_path / "week1.zip",
        {
            "alice_00_tiny.ipynb": tiny["release"],
            ".DS_Store": b"\0\0\0\1Bud1",
            "__MACOSX/._alice_00_tiny.ipynb": b"\0\5\26\7",
            "README": "Downloaded from the LMS",
            "syllabus.pdf": b"%PDF-1.4",
        },
    )
    subs = collect(z, NB)
    assert [s.student for s in subs] == ["alice"] and subs[0].problem is None
    assert sorted(subs.skipped) == [".DS_Store", "README", "__MACOSX/._alice_00_tiny.ipynb", "syllabus.pdf"]
    (line,) = subs.report()
    assert line.startswith("  skipped 4 files that are not hand-ins: ") and "README" in line
    assert len(line) <= 100


def test_report_of_many_skipped_files_fits_a_screen_line():
    from autograder.submissions import Collected

    (line,) = Collected([], [f"scan_{k:03d}_of_the_lecture_notes.pdf" for k in range(40)]).report()
    assert len(line) <= 100 and line.endswith("more)") and "skipped 40 files" in line


def test_student_ids_with_underscores_are_everything_before_the_notebook_name(tiny, tmp_path):
    good, wrong = answered(tiny["release"], **CORRECT), tiny["release"]
    z = make_zip(
        tmp_path / "lms.zip",
        {
            f"oscar_smith_{NB}": good,
            f"p_q_r_attempt_2024-01-01-10-00-00_{NB}": wrong,
            f"p_q_r_attempt_2024-01-02-09-30-00_{NB}": good,  # newer: this one is graded
            f"ann-marie.o_{NB}": good,
        },
    )
    subs = by_student(collect(z, NB))
    assert sorted(subs) == ["ann-marie.o", "oscar_smith", "p_q_r"]
    assert all(s.problem is None for s in subs.values())
    assert json.loads(subs["p_q_r"].files[NB]) == good and subs["p_q_r"].timestamp.startswith("2024-01-02 09:30:00")


def test_a_bad_name_says_how_to_rename_it_in_words_not_a_regexp(tiny, tmp_path):
    z = make_zip(
        tmp_path / "lms.zip",
        {"notes.ipynb": tiny["release"], "erin_tiny.ipynb": tiny["release"], f"oscar_smith_{NB}": tiny["release"]},
    )
    subs = by_student(collect(z, NB))
    notes = subs["notes"].problem
    assert notes.startswith(f"file name not understood: 'notes.ipynb' has no student id in front of {NB}")
    assert f"rename notes.ipynb to <student_id>_{NB} (e.g. alice_{NB}) in {z} and grade again" in notes
    assert "(?P<" not in notes and "regexp" not in notes
    assert subs["erin"].problem.startswith("wrong file name: tiny.ipynb")
    assert f"rename erin_tiny.ipynb to erin_{NB} in {z}" in subs["erin"].problem


def test_a_wrong_name_of_a_known_student_with_underscores_goes_to_that_student(tiny, tmp_path):
    z = make_zip(tmp_path / "lms.zip", {f"oscar_smith_{NB}": tiny["release"], "oscar_smith_notes.ipynb": {}})
    subs = by_student(collect(z, NB))
    assert sorted(subs) == ["oscar_smith"] and subs["oscar_smith"].problem.startswith("2 notebooks")


def test_browser_copies_in_a_zip_newest_number_is_graded(tiny, tmp_path):
    old, new = tiny["release"], answered(tiny["release"], **CORRECT)
    z = make_zip(tmp_path / "lms.zip", {f"mallory_{NB}": old, f"mallory_{TOPIC} (1).ipynb": new})
    (sub,) = collect(z, NB)
    assert sub.problem is None and list(sub.files) == [NB] and json.loads(sub.files[NB]) == new
    assert sub.notes == [f"graded mallory_{TOPIC} (1).ipynb as {NB} (the newest of 2 browser copies)"]


def test_browser_copy_in_a_folder_is_graded_and_a_real_wrong_name_says_where_to_rename(tiny, tmp_path):
    put(tmp_path, "mallory", tiny["release"], name=f"{TOPIC} (2).ipynb")
    put(tmp_path, "nick", tiny["release"], name="00_tiny_final.ipynb")
    subs = by_student(collect_folder(tmp_path, NB))
    assert subs["mallory"].problem is None and list(subs["mallory"].files) == [NB]
    assert subs["mallory"].notes == [f"graded mallory/{TOPIC} (2).ipynb as {NB} (a browser's copy suffix)"]
    assert f"rename nick/00_tiny_final.ipynb to nick/{NB} in {tmp_path}" in subs["nick"].problem


def test_outdated_nbgrader_metadata_is_upgraded_not_refused(tiny):
    from nbgrader.nbgraderformat import SCHEMA_VERSION, MetadataValidator

    from autograder.submissions import Submission

    nb = downgraded(tiny["release"])
    with pytest.raises(Exception, match="Outdated schema version"):  # what grading met before
        MetadataValidator().validate_nb(nbformat.from_dict(nb))
    sub = checked(Submission("olga", {NB: json.dumps(nb).encode()}), NB)
    assert sub.problem is None
    cells = [c for c in json.loads(sub.files[NB])["cells"] if "nbgrader" in c["metadata"]]
    assert {c["metadata"]["nbgrader"]["schema_version"] for c in cells} == {SCHEMA_VERSION}
    assert all(c["metadata"]["nbgrader"].get("cell_type", c["cell_type"]) == c["cell_type"] for c in cells)
    assert sub.notes == [f"nbgrader metadata upgraded from schema 1 to {SCHEMA_VERSION} (as nbgrader update does)"]
    current = checked(Submission("pat", {NB: json.dumps(tiny["release"]).encode()}), NB)
    assert current.notes == [] and current.files[NB] == json.dumps(tiny["release"]).encode()  # untouched


def test_a_missing_path_does_not_exist(tiny, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"week9\.zip does not exist"):
        collect(tmp_path / "week9.zip", NB)
    with pytest.raises(grading.GradingError, match=r"week9\.zip does not exist"):
        autograde(TOPIC, tmp_path / "week9.zip", tmp_path / "cd", jobs=1, repo=tiny["root"])


def test_a_zygote_whose_grading_process_is_gone_ends_quietly():
    """A worker that got no task exits while its zygote imports: the zygote ends, printing nothing."""
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    parent.close()  # the grading process has already ended
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "autograder.zygote", str(child.fileno())],
        pass_fds=[child.fileno()],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    child.close()
    assert (done.returncode, done.stderr) == (0, "")


def test_a_zip_class_of_one_with_two_jobs_grades_quietly(tiny, tmp_path, capfd):
    """Junk listed once, no nbgrader collection log, outdated metadata graded, one row."""
    z = make_zip(
        tmp_path / "week1.zip",
        {
            f"oscar_smith_{NB}": downgraded(answered(tiny["release"], **CORRECT)),
            ".DS_Store": b"\0",
            "README": "read me",
            "syllabus.pdf": b"%PDF",
        },
    )
    cd = tmp_path / "course"
    result = autograde(TOPIC, z, cd, jobs=2, timeout=TIMEOUT, repo=tiny["root"], progress=False)
    out, err = capfd.readouterr()
    assert [(o.student, o.status, o.reason) for o in result.outcomes] == [("oscar_smith", "graded", "")]
    assert gradebook_scores(cd)["oscar_smith"] == {"test_square": 2.0, "test_cube": 3.0, "why": None}
    assert out.count("skipped 3 files that are not hand-ins: .DS_Store, README, syllabus.pdf") == 1
    assert "nbgrader metadata upgraded from schema 1" in out
    for noise in ("Parsing file", "Invalid submission notebook name", "Copying", "Traceback", "files collected"):
        assert noise not in out + err, (noise, out + err)
    rows = (cd / "reports" / TOPIC / "grades.csv").read_text().splitlines()
    assert len(rows) == 2 and rows[1].startswith("oscar_smith,")
