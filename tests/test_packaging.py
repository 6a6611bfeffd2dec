"""The repository's set-up: dependency lists agree, lint is clean, the documented commands exist."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"]) + [s for group in project["optional-dependencies"].values() for s in group]
    return dict(_split(s) for s in specs)


def conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for spec in items:
            name, version = _split(spec.replace("=", "==", 1) if re.match(r"^[\w.\-]+=[^=]", spec) else spec)
            if name not in {"python", "pip"}:
                out[name] = version
    return out


def test_environment_yml_and_pyproject_list_the_same_dependencies():
    assert conda_requirements() == pyproject_requirements()


def test_torch_is_pinned_to_the_cpu_build_on_disk():
    assert pyproject_requirements()["torch"] == "==2.13.0"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def test_ruff_is_clean():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_student_work_and_gradebooks_are_ignored():
    for path in ["submitted/x.ipynb", "autograded/a", "feedback/a.html", "gradebook.db", "coursework/01.ipynb"]:
        proc = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
        assert proc.returncode == 0, f"{path} is not ignored by .gitignore"


# -- the import graph and the layers (issue 19) -------------------------------------------------------
PACKAGES = ("course", "autograder")  # what notebooks import; the grading engine and the tools on top


def _imports() -> tuple[dict[str, set[str]], list[str]]:
    """{"package.module": the course and autograder modules it imports (anywhere in it)}, and every use of
    another module's private name."""
    import ast

    modules = {f"{pkg}.{p.stem}": p for pkg in PACKAGES for p in (ROOT / pkg).glob("*.py") if p.stem != "__init__"}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    private = []
    for name, path in modules.items():
        local = {}  # names bound to our modules in this file: "grading" -> "autograder.grading"
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module in PACKAGES:
                names = [f"{node.module}.{a.name}" for a in node.names]
                targets = [(full, None) for full in names if full in modules]
                local.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PACKAGES:
                targets = [(node.module, a.name) for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [(a.name, None) for a in node.names if a.name.split(".")[0] in PACKAGES and "." in a.name]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in local:
                if node.attr.startswith("_") and not node.attr.startswith("__"):
                    private.append(f"{name}: {node.value.id}.{node.attr}")
            for target, imported in targets:
                if target != name:
                    graph[name].add(target)
                if imported and imported.startswith("_") and not imported.startswith("__"):
                    private.append(f"{name}: from {target} import {imported}")
    return graph, private


def test_modules_import_each_other_without_cycles():
    graph, _ = _imports()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles = []

    def visit(module, path):
        state[module] = 1
        for nxt in sorted(graph.get(module, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(path[path.index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, f"import cycles: {cycles}"
    assert graph["autograder.cli"] and "course.checks" in graph["course.contracts"], "the import graph was not read"


def test_no_module_uses_another_modules_private_names():
    _, private = _imports()
    assert not private, f"private names used across modules (make them public or move the code): {private}"


def test_what_notebooks_import_knows_nothing_of_the_grader():
    """course/ is what a notebook imports: it never imports the grading engine (the check cell starts it in
    another process), and its text never names the engine's modules."""
    graph, _ = _imports()
    layered = {m: sorted(t for t in targets if t.startswith("autograder")) for m, targets in graph.items()
               if m.startswith("course.")}
    assert not any(layered.values()), f"course/ imports the grader: {layered}"
    assert len(layered) >= 5, layered
    for path in (ROOT / "course").glob("*.py"):
        text = path.read_text()
        named = set(re.findall(r"autograder\.(\w+)", text))
        assert named <= {"selfcheck"}, f"{path.name} names the engine's modules {named}: only the check cell starts it"


def test_notebooks_import_only_the_notebook_side():
    for nb in sorted((ROOT / "release").glob("*/*.ipynb")) + sorted((ROOT / "source").glob("*/*.ipynb")):
        imports = set(re.findall(r"from (\w+)(?:\.\w+)* import", nb.read_text()))
        assert "autograder" not in imports, f"{nb.name} imports the grading engine"


def test_xdist_groups_take_effect(request):
    """make test keeps each file (each topic for the in-process files) on one worker; with pytest 9.2 and
    pytest-xdist 3.8 the groups are silently dropped and every module fixture is built on both workers."""
    import os

    if "PYTEST_XDIST_WORKER" not in os.environ:
        pytest.skip("only means something under make test's pytest -n 2 --dist loadgroup")
    assert request.node.nodeid.endswith("@test_packaging.py"), (
        f"{request.node.nodeid!r} carries no xdist group: check the pytest pin in pyproject.toml"
    )


def test_the_grader_does_not_build_jsonschemas_iri_grammar_and_still_validates_notebooks():
    """rfc3987_syntax builds a grammar at import (seconds): the grading processes skip it (autograder/__init__),
    and nbformat still validates, and still rejects a broken notebook."""
    code = (
        "import autograder, sys, nbformat\n"
        "nb = nbformat.read('release/01_linear_regression/01_linear_regression.ipynb', as_version=4)\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['cell_type'] = 'nonsense'\n"
        "try:\n"
        "    nbformat.validate(nb)\n"
        "    print('accepted a broken notebook')\n"
        "except nbformat.ValidationError:\n"
        "    print('rejected')\n"
        "print('grammar built:', sys.modules.get('rfc3987_syntax') is not None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "rejected" in out.stdout and "grammar built: False" in out.stdout, out.stdout + out.stderr
