"""The ``course`` command.

course release [TOPIC ...]      regenerate release/ from source/ with nbgrader
course grade NOTEBOOK.ipynb     check a filled-in notebook against the hidden tests
course demo                     the end-to-end demo: release, grade a small class, report
course clean [NOTEBOOK ...]     strip outputs and editor metadata from source notebooks
course autograde A SUBS --course-dir DIR   instructors: grade a whole class in parallel (or on Dask)
course lab [--workspace PATH]   self-study: copy the student notebooks to a workspace, open JupyterLab
course progress                 self-study: points per topic in the workspace (hidden tests)
course add-check-cell [TOPIC]   append the "check my work" cell to source notebooks
course new-topic NN_name        start a topic: source notebook with an example question, mutant catalog
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from autograder import grading


def _topics(names: list[str]) -> list[str]:
    known = grading.assignments()
    if not names:
        return known
    out = []
    for name in names:
        name = Path(name).name.removesuffix(".ipynb")
        matches = [t for t in known if t == name or t.startswith(name + "_") or t.split("_", 1)[0] == name]
        if len(matches) != 1:
            raise grading.GradingError(f"unknown topic {name!r}; the topics are: {', '.join(known)}")
        out.append(matches[0])
    return out


def cmd_release(args) -> int:
    from autograder.authoring import add_check_cell

    root = grading.repo_root()
    for topic in _topics(args.topics):
        source = grading.notebook_path(topic, "source", root)
        if add_check_cell(source, topic):  # a notebook rebuilt from a script has lost it
            print(f"{topic}: added the check-my-work cell to {source.relative_to(root)}")
        with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
            changed = grading.release(topic, Path(tmp), root)
        rel = [str(p.relative_to(root)) for p in changed]
        print(f"{topic}: " + (f"updated {', '.join(rel)}" if rel else "up to date"))
    return 0


def cmd_grade(args) -> int:
    from autograder.report import grade_table

    path = Path(args.notebook)
    if not path.is_file():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    topic = path.name.removesuffix(".ipynb")
    known = grading.assignments()
    if topic not in known:
        print(
            f"error: {path.name} is not a course notebook. Keep the file name of the student version "
            f"(one of: {', '.join(t + '.ipynb' for t in known)}).",
            file=sys.stderr,
        )
        return 2
    from autograder.selfcheck import grade_notebook

    print(f"Grading {path} against the hidden tests of {topic} (this runs the whole notebook)...", flush=True)
    try:
        result = grade_notebook(path, topic)  # as `course autograde` grades a hand-in (by the warm grader)
    except grading.GradingError as exc:
        print(f"error: the notebook could not be graded.\n{exc}", file=sys.stderr)
        return 1
    print(grade_table(result))
    return 0


def cmd_demo(args) -> int:
    from autograder.demo import run_demo

    topics = _topics(args.topics) if args.topics else None  # None: the first topic only (about a minute)
    return run_demo(workdir=Path(args.workdir) if args.workdir else None, topics=topics)


def cmd_clean(args) -> int:
    from autograder.authoring import clean_notebook

    root = grading.repo_root()
    paths = [Path(p) for p in args.notebooks] or sorted((root / "source").glob("*/*.ipynb"))
    for p in paths:
        print(f"{p}: {'cleaned' if clean_notebook(p) else 'clean'}")
    return 0


# -- self-study (issue 10): course lab, course progress, course add-check-cell -------------------
def cmd_lab(args) -> int:
    import os

    from autograder import lab

    workspace, root, copied = lab.prepare(Path(args.workspace) if args.workspace else None)
    if not lab.release_topics(root):
        print(f"error: no student notebooks in {root / 'release'}; `course release` makes them", file=sys.stderr)
        return 2
    for path in copied:
        print(f"copied {path.relative_to(workspace)}")
    print(f"workspace: {workspace} ({len(copied)} new files; files already there are never overwritten)")
    argv, env = lab.lab_command(workspace, root, port=args.port, browser=not args.no_browser)
    print(
        "starting JupyterLab (Ctrl+C twice to stop). Validate = visible tests; the last cell of a notebook "
        "checks it against the hidden tests.",
        flush=True,
    )
    os.chdir(workspace)  # nbgrader's Validate also reads an nbgrader_config.py in the server's folder
    os.execve(argv[0], argv, env)  # JupyterLab takes over this process (and its Ctrl+C)


def cmd_progress(args) -> int:
    from autograder import lab, selfcheck

    workspace = Path(args.workspace).expanduser().resolve() if args.workspace else lab.default_workspace()
    if not workspace.is_dir():
        print(f"error: no workspace {workspace}; `course lab` creates it", file=sys.stderr)
        return 2
    rows = selfcheck.progress(workspace, _topics(args.topics))
    print(selfcheck.progress_report(rows, workspace).text())
    return 0


def cmd_add_check_cell(args) -> int:
    from autograder.authoring import add_check_cell

    root = grading.repo_root()
    for topic in _topics(args.topics):
        changed = add_check_cell(grading.notebook_path(topic, "source", root), topic)
        print(f"{topic}: " + ("added the check-my-work cell" if changed else "has its check-my-work cell"))
    print("next: `course release` to regenerate the student notebooks")
    return 0


# -- authoring (issue 19): course new-topic ----------------------------------------------------
def cmd_new_topic(args) -> int:
    from autograder import scaffold

    root = grading.repo_root()
    try:
        created = scaffold.new_topic(args.topic, root)
    except scaffold.ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in created:
        print(f"created {path.relative_to(root)}")
    print(scaffold.next_steps(args.topic))
    return 0


def cmd_autograde(args) -> int:
    from autograder.autograde import autograde, process_pool

    executor_factory = process_pool
    if args.scheduler:
        try:
            from autograder.distributed import DaskCluster
        except ImportError as exc:
            print(
                f"error: --scheduler needs Dask's client ({exc}): pip install -e '.[distributed]' "
                "(make setup installs it), or grade on this machine without --scheduler",
                file=sys.stderr,
            )
            return 2
        executor_factory = DaskCluster(args.scheduler)
    try:
        result = autograde(
            _topics([args.assignment])[0],
            args.submissions,
            args.course_dir,
            jobs=args.jobs,
            db_url=args.db_url,
            timeout=args.timeout,
            force=args.force,
            fresh_kernels=args.fresh_kernels,
            executor_factory=executor_factory,
        )
    except grading.GradingError as exc:  # nothing graded: 2 (1 means "some submissions not graded")
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return result.exit_status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description="The theory of ML, checked by numbers.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="regenerate release/ (student notebooks) from source/ with nbgrader")
    p.add_argument("topics", nargs="*", help="topics to release (default: all), e.g. 01_linear_regression or 01")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("grade", help="check one filled-in notebook against the hidden tests")
    p.add_argument("notebook", help="path to your copy of a student notebook, e.g. 01_linear_regression.ipynb")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("demo", help="end to end: release, autograde a small class, print the grades")
    p.add_argument("topics", nargs="*", help="topics for the demo class (default: the first one)")
    p.add_argument("--workdir", help="course directory to create (default: a new temporary folder)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("clean", help="strip outputs and editor metadata from source notebooks")
    p.add_argument("notebooks", nargs="*", help="notebooks (default: every notebook in source/)")
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("autograde", help="grade a whole class in parallel: gradebook, feedback, grades.csv, summary")
    p.add_argument("assignment", help="the topic, e.g. 01_linear_regression or 01")
    p.add_argument("submissions", help="folder <student_id>/<topic>.ipynb, or an LMS download .zip")
    p.add_argument("--course-dir", required=True, help="nbgrader course directory for the class (outside the repo)")
    p.add_argument("--jobs", type=int, help="submissions graded at a time (default: the number of CPU cores)")
    p.add_argument("--db-url", help="gradebook database (default: sqlite in the course dir; postgresql://...)")
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:8786",
        help="grade on the workers of this Dask cluster (--jobs is then theirs; autograder/README.md)",
    )
    p.add_argument("--timeout", type=float, help="seconds one submission may take in all (default: 600)")
    p.add_argument("--force", action="store_true", help="grade every submission again, changed or not")
    p.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="start every kernel from scratch (default: fork it from a process that has imported the libraries)",
    )
    p.set_defaults(func=cmd_autograde)

    p = sub.add_parser("lab", help="self-study: copy the student notebooks to your workspace and open JupyterLab")
    p.add_argument("--workspace", help="folder for your notebooks (default: coursework/ in the repository)")
    p.add_argument("--no-browser", action="store_true", help="print the URL instead of opening a browser")
    p.add_argument("--port", type=int, help="port of the JupyterLab server (default: 8888 or the next free one)")
    p.set_defaults(func=cmd_lab)

    p = sub.add_parser("progress", help="self-study: points per topic for the notebooks in your workspace")
    p.add_argument("topics", nargs="*", help="topics (default: all)")
    p.add_argument("--workspace", help="the folder given to `course lab` (default: coursework/)")
    p.set_defaults(func=cmd_progress)

    p = sub.add_parser("add-check-cell", help='append the "check my work" cell to source notebooks (idempotent)')
    p.add_argument("topics", nargs="*", help="topics (default: all)")
    p.set_defaults(func=cmd_add_check_cell)

    p = sub.add_parser("new-topic", help="start a topic: a source notebook with an example question, and its mutants")
    p.add_argument("topic", help="NN_name: two digits and lower-case words, e.g. 09_attention")
    p.set_defaults(func=cmd_new_topic)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except grading.GradingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
