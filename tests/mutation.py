"""Automatic mutation testing of the reference solutions: do the tests catch what nobody listed?

The hand-written catalogs (``tests/mutants/``) prove only what their authors imagined. This tool
takes every graded function's reference solution (the lines between ``### BEGIN SOLUTION`` and
``### END SOLUTION``), applies systematic mutations to its syntax tree, and grades each mutant with
the notebook's own test cells, run in-process on the reference notebook's namespace (each mutant
in a forked child, so a mutant that damages shared data or loops for ever harms nothing else):

* arithmetic operators (``+ -``, ``* /``, ``** → *``, ``@ → *``), a dropped operand or unary minus;
* comparisons (``< <=``, ``> >=``, ``< >``, ``== !=``), ``and``/``or``, ``True``/``False``;
* constants (an int ``k → k±1``; a float ``0 → 1``, ``c → 0``, ``c → 2c``);
* off-by-one slice bounds and ``range`` arguments; ``axis`` changed or dropped, ``keepdims`` dropped;
* swapped call arguments; NumPy functions and methods exchanged with their usual confusions
  (``sum/mean``, ``max/min``, ``maximum/minimum``, ``argmax/argmin``, ``zeros/ones``, ``log/log1p``);
* a dropped ``.T`` or ``.copy()``, ``np.array → np.asarray``; in-place variants (``p + q →
  p.__iadd__(q)`` on a parameter, ``out=`` a parameter); a float32 result;
* deleted statements (``+=``, item assignments, expression statements) and swapped adjacent ones.

A mutant is *killed* when at least one test cell that calls the function fails (an exception, a
failed check, or the time limit); the same mutant is also graded with the *visible* tests alone
(the hidden blocks removed), which measures how much a student learns while working. Mutants that
no test can catch because they compute the same thing are *equivalent*: each is listed, with the
reason, in ``EQUIVALENT = {mutant id: reason}`` in ``tests/mutants/<topic>.py``. Every other
survivor is a weakness of the hidden tests.

    python tests/mutation.py 01_linear_regression [--function NAME] [--sample K] [--jobs 2]

prints a table per notebook (mutants, killed, killed by the visible tests, equivalent, survived,
score = killed / non-equivalent) and each survivor with its id, and writes
``build/mutation/<topic>.json``.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import signal
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import nbharness  # noqa: E402

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
OUT_DIR = nbharness.ROOT / "build" / "mutation"
MUTANT_SECONDS = 120.0  # a mutant whose tests run longer is killed (grading would time it out too)

SWAP_BINOP = {
    ast.Add: [ast.Sub],
    ast.Sub: [ast.Add],
    ast.Mult: [ast.Div],
    ast.Div: [ast.Mult],
    ast.FloorDiv: [ast.Div],
    ast.Pow: [ast.Mult],
    ast.MatMult: [ast.Mult],
    ast.Mod: [ast.FloorDiv],
}
SWAP_CMP = {
    ast.Lt: [ast.LtE, ast.Gt],
    ast.LtE: [ast.Lt],
    ast.Gt: [ast.GtE, ast.Lt],
    ast.GtE: [ast.Gt],
    ast.Eq: [ast.NotEq],
    ast.NotEq: [ast.Eq],
    ast.Is: [ast.IsNot],
    ast.IsNot: [ast.Is],
    ast.In: [ast.NotIn],
    ast.NotIn: [ast.In],
}
SWAP_AUG = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}
SWAP_NAMES = {
    "sum": "mean", "mean": "sum", "max": "min", "min": "max", "maximum": "minimum", "minimum": "maximum",
    "argmax": "argmin", "argmin": "argmax", "amax": "amin", "amin": "amax", "zeros": "ones", "ones": "zeros",
    "zeros_like": "ones_like", "ones_like": "zeros_like", "log": "log1p", "log1p": "log", "exp": "expm1",
    "expm1": "exp", "logaddexp": "maximum", "array": "asarray", "copy": "asarray", "cumsum": "cumprod",
    "prod": "sum", "tanh": "sin", "sqrt": "abs", "var": "std", "std": "var", "floor": "ceil", "ceil": "floor",
    "hstack": "vstack", "vstack": "hstack", "outer": "multiply", "diag": "diagflat", "triu": "tril", "tril": "triu",
}  # fmt: skip
METHODS = {"sum", "mean", "max", "min", "argmax", "argmin", "cumsum", "cumprod", "prod", "var", "std"}  # of ndarray
UFUNC_OUT = {"maximum", "minimum", "exp", "log", "add", "subtract", "multiply", "divide", "clip", "tanh", "negative"}


@dataclass
class Mutant:
    function: str
    id: str
    source: str  # the whole answer cell, mutated


@dataclass
class Result:
    id: str
    function: str
    killed: bool
    killed_visible: bool
    how: str = ""  # the first failing cell and the start of its message, or "timeout"
    source: str = ""


@dataclass
class Table:
    topic: str
    rows: dict = field(default_factory=dict)  # function -> counts
    survivors: list = field(default_factory=list)
    equivalent: list = field(default_factory=list)
    wrong_equivalent: list = field(default_factory=list)  # listed as equivalent, yet a test failed it
    crashed: list = field(default_factory=list)  # counted as killed (a dead kernel fails its cells), listed
    seconds: float = 0.0


# -- generating mutants ----------------------------------------------------------------------------
def _solution_lines(source: str) -> set[int]:
    """Line numbers (1-based) between the solution markers of a cell."""
    lines, inside, out = source.splitlines(), False, set()
    for k, line in enumerate(lines, start=1):
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        elif inside:
            out.add(k)
    return out


def _walk(node, path=()):
    """(path, node) for every node below ``node``; a path is a tuple of (field, index or None)."""
    for name, value in ast.iter_fields(node):
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield path + ((name, i),), item
                    yield from _walk(item, path + ((name, i),))
        elif isinstance(value, ast.AST):
            yield path + ((name, None),), value
            yield from _walk(value, path + ((name, None),))


def _replace(tree, path, new):
    """A copy of ``tree`` with the node at ``path`` replaced by ``new`` (a node, or a list for a body)."""
    tree = copy.deepcopy(tree)
    parent = tree
    for name, i in path[:-1]:
        parent = getattr(parent, name) if i is None else getattr(parent, name)[i]
    name, i = path[-1]
    if i is None:
        setattr(parent, name, new)
    else:
        getattr(parent, name)[i] = new
    return tree


def _call(name_or_attr: ast.expr, args, keywords=()):
    return ast.Call(func=name_or_attr, args=list(args), keywords=list(keywords))


def _np(attr: str):
    return ast.Attribute(value=ast.Name("np", ast.Load()), attr=attr, ctx=ast.Load())


def _num(value):
    return ast.Constant(value) if value >= 0 else ast.UnaryOp(ast.USub(), ast.Constant(-value))


def _replacements(node, params: set[str]):
    """[(new node, what)] for one node; ``None`` as the new node means: delete the statement."""
    out = []
    if isinstance(node, ast.BinOp):
        for op in SWAP_BINOP.get(type(node.op), []):
            out.append((ast.BinOp(node.left, op(), node.right), f"operator {type(node.op).__name__} -> {op.__name__}"))
        if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            out.append((node.left, "dropped the right operand"))
            out.append((node.right, "dropped the left operand"))
            if isinstance(node.left, ast.Name) and node.left.id in params:
                method = {ast.Add: "__iadd__", ast.Sub: "__isub__", ast.Mult: "__imul__", ast.Div: "__itruediv__"}
                attr = ast.Attribute(ast.Name(node.left.id, ast.Load()), method[type(node.op)], ast.Load())
                out.append((_call(attr, [node.right]), f"in place: {node.left.id} changed by {method[type(node.op)]}"))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        out.append((node.operand, f"dropped unary {type(node.op).__name__}"))
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        for op in SWAP_CMP.get(type(node.ops[0]), []):
            out.append(
                (ast.Compare(node.left, [op()], node.comparators), f"{type(node.ops[0]).__name__} -> {op.__name__}")
            )
    elif isinstance(node, ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        out.append((ast.BoolOp(other(), node.values), f"{type(node.op).__name__} -> {other.__name__}"))
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        out.append((ast.Constant(not node.value), f"{node.value} -> {not node.value}"))
    elif isinstance(node, ast.Constant) and isinstance(node.value, int):
        for v in (node.value + 1, node.value - 1):
            out.append((_num(v), f"constant {node.value} -> {v}"))
    elif isinstance(node, ast.Constant) and isinstance(node.value, float):
        values = [1.0] if node.value == 0.0 else [0.0, 2.0 * node.value]
        for v in values:
            out.append((_num(v), f"constant {node.value!r} -> {v!r}"))
    elif isinstance(node, ast.Slice):
        for part in ("lower", "upper"):
            bound = getattr(node, part)
            for delta in (1, -1):
                new = copy.copy(node)
                if bound is None:
                    if part == "lower" and delta == 1:
                        setattr(new, part, ast.Constant(1))
                    elif part == "upper" and delta == -1:
                        setattr(new, part, _num(-1))
                    else:
                        continue
                else:
                    op = ast.Add() if delta == 1 else ast.Sub()
                    setattr(new, part, ast.BinOp(bound, op, ast.Constant(1)))
                out.append((new, f"slice {part} bound {'+1' if delta == 1 else '-1'}"))
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        out.append((node.value, "dropped .T"))
    elif isinstance(node, ast.Call):
        out += _call_replacements(node, params)
    return out


def _call_replacements(node: ast.Call, params: set[str]):
    out = []
    func = node.func
    fname = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    on_np = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "np"
    if fname in SWAP_NAMES and isinstance(func, ast.Attribute) and (on_np or SWAP_NAMES[fname] in METHODS):
        new_func = ast.Attribute(func.value, SWAP_NAMES[fname], ast.Load())
        out.append((ast.Call(new_func, node.args, node.keywords), f"{fname} -> {SWAP_NAMES[fname]}"))
    if isinstance(func, ast.Attribute) and fname == "copy" and not node.args:
        out.append((func.value, "dropped .copy()"))
    if fname == "range":
        for k, arg in enumerate(node.args):
            for op, what in ((ast.Add(), "+1"), (ast.Sub(), "-1")):
                args = list(node.args)
                args[k] = ast.BinOp(arg, op, ast.Constant(1))
                out.append((ast.Call(func, args, node.keywords), f"range argument {k + 1} {what}"))
    for k, kw in enumerate(node.keywords):
        if kw.arg in ("axis", "keepdims"):
            keywords = node.keywords[:k] + node.keywords[k + 1 :]
            out.append((ast.Call(func, node.args, keywords), f"dropped {kw.arg}="))
    if len(node.args) >= 2 and not any(isinstance(a, ast.Starred) for a in node.args[:2]):
        args = [node.args[1], node.args[0]] + list(node.args[2:])
        out.append((ast.Call(func, args, node.keywords), f"swapped the first two arguments of {fname or 'a call'}"))
    first = node.args[0] if node.args else None
    if (
        fname in UFUNC_OUT
        and isinstance(first, ast.Name)
        and first.id in params
        and not any(kw.arg == "out" for kw in node.keywords)
    ):
        keywords = list(node.keywords) + [ast.keyword("out", ast.Name(first.id, ast.Load()))]
        out.append((ast.Call(func, node.args, keywords), f"in place: out={first.id}"))
    return out


def _statement_mutations(fn: ast.FunctionDef, lines: set[int]):
    """[(path, replacement, what)] deleting or swapping statements inside the solution lines."""
    out = []
    for path, node in [((), fn)] + list(_walk(fn)):
        for name in ("body", "orelse"):
            body = getattr(node, name, None)
            if not isinstance(body, list) or not body or not isinstance(body[0], ast.stmt):
                continue
            for i, stmt in enumerate(body):
                if stmt.lineno not in lines:
                    continue
                deletable = (
                    isinstance(stmt, ast.AugAssign)
                    or (isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Subscript))
                    or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call))
                )
                if deletable:
                    out.append((path + ((name, i),), ast.Pass(), "deleted the statement", stmt))
                if isinstance(stmt, ast.AugAssign) and type(stmt.op) in SWAP_AUG:
                    new = ast.AugAssign(stmt.target, SWAP_AUG[type(stmt.op)](), stmt.value)
                    what = f"augmented {type(stmt.op).__name__} -> {type(new.op).__name__}"
                    out.append((path + ((name, i),), new, what, stmt))
                if i + 1 < len(body) and body[i + 1].lineno in lines:
                    simple = (ast.Assign, ast.AugAssign, ast.Expr, ast.AnnAssign)
                    if isinstance(stmt, simple) and isinstance(body[i + 1], simple):
                        swapped = body[:i] + [body[i + 1], stmt] + body[i + 2 :]
                        out.append((path + ((name, None),), swapped, "swapped with the next statement", stmt))
    return out


def mutants_of(cell_source: str, function: str) -> list[Mutant]:
    """Every mutant of ``function``'s solution lines in an answer cell (the whole cell per mutant)."""
    tree = ast.parse(cell_source)
    lines = _solution_lines(cell_source)
    index = next(i for i, n in enumerate(tree.body) if isinstance(n, ast.FunctionDef) and n.name == function)
    fn = tree.body[index]
    params = {a.arg for a in fn.args.args + fn.args.kwonlyargs}
    base = ("body", index)
    candidates = []
    for path, node in _walk(fn):
        if getattr(node, "lineno", None) in lines:
            for new, what in _replacements(node, params):
                candidates.append(((base,) + path, new, what, node))
    for path, new, what, stmt in _statement_mutations(fn, lines):
        candidates.append(((base,) + path, new, what, stmt))
    for path, node in _walk(fn):  # float32 results
        if isinstance(node, ast.Return) and node.value is not None and node.lineno in lines:
            value = node.value
            if not isinstance(value, ast.Tuple):
                f32 = _call(_np("asarray"), [value], [ast.keyword("dtype", _np("float32"))])
                candidates.append(((base,) + path, ast.Return(f32), "float32 result", node))
    original = ast.unparse(fn)
    seen, out, counts = {original}, [], {}
    for path, new, what, node in candidates:
        mutated = ast.fix_missing_locations(_replace(tree, path, new))
        text = ast.unparse(mutated.body[index])
        if text in seen:
            continue
        seen.add(text)
        rel = getattr(node, "lineno", fn.lineno) - fn.lineno
        snippet = ast.unparse(node) if isinstance(node, ast.AST) else ""
        snippet = " ".join(snippet.split())[:60]
        mid = f"{function}: line {rel}: {what}: `{snippet}`"
        counts[mid] = counts.get(mid, 0) + 1
        if counts[mid] > 1:
            mid += f" ({counts[mid]})"
        try:
            compile(mutated, "<mutant>", "exec")
        except (SyntaxError, ValueError, TypeError):
            continue
        out.append(Mutant(function, mid, ast.unparse(mutated)))
    return out


def all_mutants(topic: str, functions: list[str] | None = None) -> list[Mutant]:
    nb = nbharness.read(topic)
    out = []
    for cell in nb.cells:
        if not nbharness.is_answer(cell):
            continue
        for name in nbharness.defined_functions(cell.source):
            if name.startswith("_") or (functions and name not in functions):
                continue
            out += mutants_of(cell.source, name)
    return out


# -- running them ------------------------------------------------------------------------------------
def visible_only(source: str) -> str:
    """A test cell as the student sees it: the hidden block removed."""
    out, hidden = [], False
    for line in source.splitlines():
        if HIDDEN_BEGIN in line:
            hidden = True
        elif HIDDEN_END in line:
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out)


_CELLS: dict = {}  # (topic, function) -> its test cells: found once, in the parent, before the forks


def _grade(topic: str, ns: dict, nb, mutant: Mutant) -> Result:
    import nbformat

    key = (topic, mutant.function)
    if key not in _CELLS:
        _CELLS[key] = nbharness.cells_testing(nb, mutant.function)
    cells = _CELLS[key]
    visible = [nbformat.v4.new_code_cell(visible_only(c.source), metadata=c.metadata) for c in cells]
    with nbharness.substituted(ns, mutant.source):
        seen = nbharness.run_test_cells(topic, ns, visible, seconds=30)
        full = nbharness.run_test_cells(topic, ns, cells, seconds=30)
    failed = [o for o in full if not o.passed]
    how = f"{failed[0].grade_id}: {str(failed[0].error).splitlines()[0][:120]}" if failed else ""
    return Result(mutant.id, mutant.function, bool(failed), any(not o.passed for o in seen), how)


def run(topic: str, functions=None, sample: int = 1, jobs: int = 2, progress=None) -> tuple[Table, list[Result]]:
    """Grade every ``sample``-th mutant of ``topic``; return the table and the results."""
    old_env = os.environ.get("COURSE_PROPERTY_FAST_FAIL")
    os.environ["COURSE_PROPERTY_FAST_FAIL"] = "1"  # killed or not is all this run needs: no shrinking
    try:
        return _run(topic, functions, sample, jobs, progress)
    finally:
        if old_env is None:
            os.environ.pop("COURSE_PROPERTY_FAST_FAIL", None)
        else:
            os.environ["COURSE_PROPERTY_FAST_FAIL"] = old_env


def _run(topic, functions, sample, jobs, progress):
    start = time.monotonic()
    mutants = all_mutants(topic, functions)[::sample]
    ns = nbharness.run_in_process(topic)
    nb = nbharness.read(topic)
    # the control: the unmutated answers pass every cell the run grades (visible-only and full), or
    # every mutant would count as killed
    for fn in sorted({m.function for m in mutants}):
        cell = next(c for c in nb.cells if nbharness.is_answer(c) and fn in nbharness.defined_functions(c.source))
        control = _grade(topic, ns, nb, Mutant(fn, f"{fn}: the reference itself", cell.source))
        if control.killed or control.killed_visible:
            raise RuntimeError(f"{topic}: the reference {fn} fails its own tests ({control.how}); nothing to measure")
    results: list[Result] = []
    running: dict[int, tuple[Mutant, int, float]] = {}
    queue = list(mutants)

    def reap(block: bool):
        for pid in list(running):
            if os.waitpid(pid, os.WNOHANG)[0]:
                break
        else:
            return
        mutant, fd, _ = running.pop(pid)
        data = b""
        while chunk := os.read(fd, 65536):
            data += chunk
        os.close(fd)
        try:
            results.append(Result(**json.loads(data)))
        except (ValueError, TypeError):
            # the child died: as with a dead kernel the cells fail (a kill), but it is listed apart
            results.append(Result(mutant.id, mutant.function, True, False, "crashed: the test run died"))
        results[-1].source = mutant.source
        if progress:
            progress(len(results), len(mutants))

    while queue or running:
        while queue and len(running) < jobs:
            mutant = queue.pop(0)
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child grades one mutant and reports on the pipe
                os.close(r)
                code = 0
                try:
                    res = _grade(topic, ns, nb, mutant)
                    os.write(w, json.dumps(asdict(res)).encode())
                except BaseException:  # noqa: BLE001 - whatever happens, the child must exit here
                    code = 1
                os._exit(code)
            os.close(w)
            running[pid] = (mutant, r, time.monotonic())
        now = time.monotonic()
        for pid, (mutant, fd, t0) in list(running.items()):
            if now - t0 > MUTANT_SECONDS:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                os.close(fd)
                running.pop(pid)
                results.append(Result(mutant.id, mutant.function, True, False, "timeout", mutant.source))
        if running:
            time.sleep(0.02)
            for _ in range(len(running)):
                reap(block=False)
    table = tabulate(topic, results, time.monotonic() - start)
    return table, results


def equivalents(topic: str) -> dict[str, str]:
    return nbharness.load_catalog(topic, "EQUIVALENT")


def tabulate(topic: str, results: list[Result], seconds: float) -> Table:
    equiv = equivalents(topic)
    table = Table(topic, seconds=round(seconds, 1))
    for res in results:
        row = table.rows.setdefault(
            res.function, {"mutants": 0, "killed": 0, "visible": 0, "equivalent": 0, "survived": 0}
        )
        row["mutants"] += 1
        row["visible"] += int(res.killed_visible)
        if res.how.startswith(("crashed", "timeout")):
            table.crashed.append({"id": res.id, "how": res.how})
        if res.killed and res.id in equiv:  # "equivalent" yet failed: a wrong claim, or a test failing a correct answer
            table.wrong_equivalent.append({"id": res.id, "how": res.how})
        if res.killed:
            row["killed"] += 1
        elif res.id in equiv:
            row["equivalent"] += 1
            table.equivalent.append({"id": res.id, "reason": equiv[res.id]})
        else:
            row["survived"] += 1
            table.survivors.append({"id": res.id, "source": res.source})
    return table


def score(row: dict) -> float:
    live = row["mutants"] - row["equivalent"]
    return 100.0 * row["killed"] / live if live else 100.0


def format_table(table: Table) -> str:
    head = f"{'function':32} {'mutants':>7} {'killed':>6} {'visible':>7} {'equiv':>5} {'surv':>4} {'score':>6}"
    lines = [f"== {table.topic} ({table.seconds:.0f} s)", head]
    total = {"mutants": 0, "killed": 0, "visible": 0, "equivalent": 0, "survived": 0}
    for fn, row in table.rows.items():
        lines.append(
            f"{fn:32} {row['mutants']:7d} {row['killed']:6d} {row['visible']:7d} {row['equivalent']:5d} "
            f"{row['survived']:4d} {score(row):5.1f}%"
        )
        for k in total:
            total[k] += row[k]
    vis = 100.0 * total["visible"] / max(1, total["mutants"] - total["equivalent"])
    lines.append(
        f"{'TOTAL':32} {total['mutants']:7d} {total['killed']:6d} {total['visible']:7d} {total['equivalent']:5d} "
        f"{total['survived']:4d} {score(total):5.1f}%   (visible tests alone: {vis:.1f}%)"
    )
    for s in table.survivors:
        lines.append(f"  SURVIVED {s['id']}")
    for s in table.wrong_equivalent:
        lines.append(f"  LISTED AS EQUIVALENT BUT KILLED {s['id']} ({s['how']})")
    for s in table.crashed:
        lines.append(f"  {s['how'].split(':')[0].upper()} {s['id']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("topics", nargs="*", help="topics (default: every topic)")
    parser.add_argument("--function", action="append", help="only this graded function (repeatable)")
    parser.add_argument("--sample", type=int, default=1, help="grade every K-th mutant only")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="list the mutants' ids and stop")
    parser.add_argument("--show", action="store_true", help="print each survivor's source")
    args = parser.parse_args(argv)
    topics = args.topics or nbharness.topics()
    failed = False
    for topic in topics:
        if args.list:
            for m in all_mutants(topic, args.function)[:: args.sample]:
                print(m.id)
            continue

        def progress(done, total, topic=topic):
            print(f"\r{topic}: {done}/{total} mutants graded", end="", file=sys.stderr, flush=True)

        table, _ = run(topic, args.function, args.sample, args.jobs, progress)
        print(file=sys.stderr)
        print(format_table(table))
        if args.show:
            for s in table.survivors:
                print(f"--- {s['id']}\n{s['source']}\n")
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        name = topic if not args.function and args.sample == 1 else f"{topic}.partial"
        (OUT_DIR / f"{name}.json").write_text(json.dumps(asdict(table), indent=1))
        failed |= bool(table.survivors or table.wrong_equivalent)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
