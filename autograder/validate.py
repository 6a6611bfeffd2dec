"""nbgrader's Validate button in ``course lab``, answered by the course's grading engine.

nbgrader's JupyterLab extension posts the notebook's path to ``/assignments/validate`` and shows
what comes back: "Success!", or one "The following cell failed:" block per failing test cell
with its whole traceback. Stock, that ran the notebook and every *visible* test in the learner's
kernel, and a half-done notebook got one traceback per unanswered question (26 blocks, 874
lines), the real diagnosis somewhere below.

This Jupyter server extension takes the same address (``course lab`` turns nbgrader's own
``validate_assignment`` server extension off and this one on) and answers it in the same JSON,
so nbgrader's dialog is unchanged. For a course topic whose hidden tests are here, it grades
the saved file with the one engine (``autograder.selfcheck.grade_in_subprocess``, as Check my work
and ``course autograde`` do) and reports:

* every answer that is wrong, a block each, named by its question, with the engine's message
  (the "likely cause" line included), never hidden test code;
* every question not attempted yet (its stub still raises ``NotImplementedError``) in one
  block at the end, with the points so far;
* cells whose type or locked source was changed, exactly as nbgrader reports them (checked
  with nbgrader's own metadata helpers), before anything runs.

Anything else (another notebook, a class copy without the hidden tests) goes to nbgrader's own
Validator, whose answer is only condensed: the unanswered questions' tracebacks become one block.
Grading runs in a worker thread, so the lab stays responsive meanwhile.
"""

from __future__ import annotations

import asyncio
import html
import json
from pathlib import Path

import nbformat
from jupyter_server.utils import url_path_join
from nbgrader import utils
from nbgrader.server_extensions.validate_assignment.handlers import (
    NbGraderVersionHandler,
    ValidateAssignmentHandler,
)
from tornado import web

from autograder import grading, report, selfcheck


def changed_cells(nb) -> dict:
    """nbgrader's answer for a notebook whose graded or locked cells were tampered with, else {}."""
    typed = [
        {"source": c.source.strip(), "old_type": c.cell_type, "new_type": c.metadata.nbgrader["cell_type"]}
        for c in nb.cells
        if (utils.is_grade(c) or utils.is_solution(c) or utils.is_locked(c))
        and c.metadata.nbgrader.get("cell_type")
        and c.metadata.nbgrader["cell_type"] != c.cell_type
    ]
    if typed:
        return {"type_changed": typed}
    changed = [
        {"source": c.source.strip()}
        for c in nb.cells
        if utils.is_locked(c)
        and "checksum" in c.metadata.nbgrader
        and utils.compute_checksum(c) != c.metadata.nbgrader["checksum"]
    ]
    return {"changed": changed} if changed else {}


WIDTH = 90  # what nbgrader's dialog shows of a line without scrolling sideways


def _block(title: str, text: str) -> dict:
    text = "\n".join(report.wrap(text, WIDTH))
    return {"source": title, "error": html.escape(text), "raw_error": text}


def validation_result(result: grading.SubmissionResult, labels: dict[str, str]) -> dict:
    """The engine's grade as nbgrader's Validator reports it: {} when every autograded test passes."""
    wrong, blank = [], []
    for question, points, status, message in report.result_rows(result, labels):
        if status == "failed":
            wrong.append(_block(f"{question}  ({points} points)", message))
        elif status == "not attempted":
            blank.append(f"{question}  ({points} points)")
    if not wrong and not blank:
        return {}
    if blank:
        text = "\n".join(
            [
                f"These answers still raise NotImplementedError: {len(blank)} "
                + ("test waits" if len(blank) == 1 else "tests wait")
                + " for them. Write each answer in place of the raise, save (Ctrl+S), Validate again.",
                *report.totals(result),
            ]
        )
        wrong.append(_block("Not attempted yet:\n" + "\n".join(blank), text))
    return {"failed": wrong}


def condensed(answer: dict) -> dict:
    """nbgrader's own Validate answer (no hidden tests here), with every failure that is only an unanswered
    question (its traceback ends in NotImplementedError) folded into one block at the end, without tracebacks."""
    value = answer.get("value")
    if not answer.get("success") or not isinstance(value, dict) or not value.get("failed"):
        return answer
    def unanswered(failure: dict) -> bool:
        lines = str(failure.get("raw_error", "")).strip().splitlines()
        return bool(lines) and "NotImplementedError" in lines[-1]

    blank = [f for f in value["failed"] if unanswered(f)]
    if not blank:
        return answer
    wrong = [f for f in value["failed"] if f not in blank]
    text = (f"{len(blank)} test cell" + (" waits" if len(blank) == 1 else "s wait") + " for answers that still raise "
            "NotImplementedError. Write each answer in place of the raise, save (Ctrl+S), Validate again.")
    firsts = [f["source"].strip().splitlines()[0][:80] for f in blank]
    wrong.append(_block("Not attempted yet (the first line of each test cell):\n" + "\n".join(firsts), text))
    return {**answer, "value": {**value, "failed": wrong}}


def validate_with_engine(path: Path) -> dict | None:
    """Validate's answer from the grading engine, or None where the engine does not apply."""
    topic = path.stem
    if not grading.NOTEBOOK_DIR_RE.match(topic) or selfcheck.hidden_tests_root(topic) is None:
        return None
    nb = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
    tampered = changed_cells(nb)
    if tampered:
        return {"success": True, "value": tampered}
    try:
        result = selfcheck.grade_in_subprocess(path, topic)
    except grading.GradingError as exc:
        return {"success": False, "value": f"The notebook could not be graded:\n{exc}"}
    labels = report.labels_for(topic, selfcheck.hidden_tests_root(topic))
    return {"success": True, "value": validation_result(result, labels)}


class EngineValidateHandler(ValidateAssignmentHandler):
    """nbgrader's handler, with the course's engine behind it for course topics."""

    def validate_notebook(self, path):
        root = Path(self.root_dir).resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            raise web.HTTPError(403, "Access denied: path outside allowed directory")
        try:
            answer = validate_with_engine(target)
        except Exception as exc:  # the dialog must say something, never hang
            self.log.exception("course validate")
            return {"success": False, "value": f"{type(exc).__name__}: {exc}"}
        return condensed(super().validate_notebook(path)) if answer is None else answer

    @web.authenticated
    async def post(self):
        try:
            path = self.get_argument("path")
        except web.MissingArgumentError:
            path = self.get_json_body()["path"]
        loop = asyncio.get_running_loop()
        output = await loop.run_in_executor(None, self.validate_notebook, path)
        self.finish(json.dumps(output))


def _jupyter_server_extension_points():
    return [{"module": "autograder.validate"}]


def _load_jupyter_server_extension(serverapp):
    webapp = serverapp.web_app
    webapp.settings["root_dir"] = serverapp.root_dir
    base = webapp.settings["base_url"]
    webapp.add_handlers(
        ".*$",
        [
            (url_path_join(base, "/assignments/validate"), EngineValidateHandler),
            (url_path_join(base, "/nbgrader_version"), NbGraderVersionHandler),
        ],
    )
