"""``course demo``: the course end to end, in a few minutes.

1. Regenerate the student notebooks (release/) from the instructor notebooks (source/).
2. Make a small class for a topic: the reference solution, the untouched student version, and a
   student who made a few typical mistakes (taken from the topic's mutant catalog in tests/).
3. Grade the class with ``course autograde`` (the one grading engine: sandboxed kernels, hidden
   tests in the judge, nbgrader's gradebook) into a throwaway course directory (SQLite gradebook),
   with each student's feedback HTML, grades.csv and the summary plots; print the grade table and
   check it is as expected: reference = full marks, untouched = 0, the other in between.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from autograder import grading
from autograder.report import grade_table

MISTAKES_PER_STUDENT = 2


def load_mutant_catalog(repo: Path, topic: str) -> dict[str, dict[str, str]]:
    """The topic's catalog of plausible wrong answers: {function: {description: source}}."""
    path = repo / "tests" / "mutants" / f"{topic}.py"
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"mutants_{topic}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MUTANTS


def notebook_with_mistakes(source: Path, mistakes: list[tuple[str, str]], out: Path) -> Path:
    """The reference notebook with some answers replaced by wrong ones.

    mistakes: (function name, wrong source). The wrong definition is written after the right one
    in the answer cell that defines the function, as a student's second attempt would be.
    """
    nb = nbformat.read(str(source), as_version=4)
    for function, wrong in mistakes:
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("solution") and f"def {function}(" in cell.source:
                cell.source = cell.source.rstrip() + "\n\n\n" + wrong.strip() + "\n"
                break
        else:
            raise grading.GradingError(f"no answer cell defines {function}() in {source.name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(out))
    return out


def pick_mistakes(catalog: dict[str, dict[str, str]], n: int) -> list[tuple[str, str, str]]:
    """The first mistake of the first n functions: (function, description, source)."""
    picks = []
    for function, mutants in catalog.items():
        description, source = next(iter(mutants.items()))
        picks.append((function, description, source))
        if len(picks) == n:
            break
    return picks


def run_demo(workdir: Path | None = None, topics: list[str] | None = None) -> int:
    from autograder.autograde import autograde

    repo = grading.repo_root()
    topics = topics or grading.assignments(repo)[:1]
    if not topics:
        print("No notebooks in source/ yet: add one (see README, 'Adding a topic').")
        return 1
    workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="course-demo-"))
    print(
        f"The course demo for {', '.join(topics)}: about a minute per topic on a 2-core machine "
        "(`course demo 01 02 ...` picks other topics).\n"
    )
    print(f"== 1. Release: regenerating release/ from source/ with nbgrader ({', '.join(topics)})")
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        for topic in topics:
            changed = grading.release(topic, Path(tmp) / topic, repo)
            print(f"   {topic}: {'updated ' + str(len(changed)) + ' file(s)' if changed else 'up to date'}")

    course_dir = workdir / "course"
    ok = True
    for topic in topics:
        print(f"\n== 2. A small class for {topic}")
        source = grading.notebook_path(topic, "source", repo)
        released = grading.notebook_path(topic, "release", repo)
        picks = pick_mistakes(load_mutant_catalog(repo, topic), MISTAKES_PER_STUDENT)
        mistaken = notebook_with_mistakes(source, [(f, s) for f, _, s in picks], workdir / "mistakes" / source.name)
        students = {"reference": source, "untouched": released, "typical_mistakes": mistaken}
        print("   reference         the instructor's solution")
        print("   untouched         the student version, submitted as released")
        for f, d, _ in picks:
            print(f"   typical_mistakes  {f}(): {d}")
        folder = workdir / "class" / topic
        for student, nb in students.items():
            (folder / student).mkdir(parents=True, exist_ok=True)
            shutil.copy(nb, folder / student / f"{topic}.ipynb")

        print(f"\n== 3. Grading as an instructor would: course autograde {topic} {folder} --jobs 2")
        print("   (each notebook runs in a sandboxed kernel; the hidden tests run in the grader, outside it;")
        print("   Check my work and `course grade` grade a learner's notebook the same way)")
        t0 = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            result = autograde(topic, folder, course_dir, jobs=2, repo=repo, out=quiet, progress=True)
        course = grading.CourseDir(course_dir, repo)
        results = {student: course.results(topic, student) for student in students}

        seconds = time.perf_counter() - t0
        print(f"\n== Grades for {topic} ({seconds:.0f} s; autograded points, written answers are graded by hand)")
        print(f"   {'student':<18}{'score':>8}{'max':>6}  tests passed")
        for student, r in results.items():
            auto = [c for c in r.cells if c.kind == "autograded"]
            passed = sum(c.status == "passed" for c in auto)
            print(f"   {student:<18}{r.auto_score:>8g}{r.auto_max:>6g}  {passed}/{len(auto)}")
        ref, blank, mid = results["reference"], results["untouched"], results["typical_mistakes"]
        expected = ref.auto_score == ref.auto_max and blank.auto_score == 0 and 0 < mid.auto_score < ref.auto_max
        ok &= expected and result.exit_status == 0
        verdict = "as expected:" if expected else "NOT as expected, it should be:"
        print(f"\n   {verdict} reference = full marks, untouched = 0, typical mistakes in between")
        print("\n== What the student with typical mistakes sees")
        print("   " + grade_table(mid, width=97).replace("\n", "\n   "))
        reports = course_dir / "reports" / topic
        print(f"\n   Feedback HTML per student: {course_dir / 'feedback'}/<student>/{topic}/{topic}.html")
        print(f"   grades.csv, the per-question summary and its plots: {reports}")
    print(f"\nCourse directory of this demo (safe to delete): {workdir}")
    print("Next: `course grade <your notebook>` checks your own work; see README.md for instructors' batch grading.")
    return 0 if ok else 1
