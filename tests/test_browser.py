"""A learner's session in a real browser: JupyterLab started as `course lab` starts it, driven by
Playwright (Python) through Debian's chromium.

On a throwaway copy of notebook 01 with its "check my work" cell: every answer but one is the
reference; type the reference gradient into the last one, run the notebook (its last cell checks it
against the hidden tests), press Validate: success. Type a gradient missing its factor 2, press
Validate: the failure with the check helper's diagnosis. Screenshots land in test-artifacts/; with
UPDATE_DOCS_SCREENSHOT=1 the lab with the "check my work" table is also saved as docs/lab.png.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from labserver import course_copy, fill_answers, start_lab, without_markers

CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).is_file():
    message = f"{CHROMIUM} is missing: `bash scripts/setup.sh` installs Debian's chromium"
    if os.environ.get("CI"):
        raise RuntimeError(message)  # CI ran setup.sh: a missing browser is a broken setup, not a skip
    pytest.skip(message, allow_module_level=True)

if os.environ.get("CI"):
    from playwright import sync_api
else:
    sync_api = pytest.importorskip("playwright.sync_api")

TOPIC = "01_linear_regression"
TARGET = "linreg_least_squares_gradient"  # the answer cell typed in the browser
SOURCE = ROOT / "source" / TOPIC / f"{TOPIC}.ipynb"
WRONG = 'def least_squares_gradient(w, X, y):\n    """No factor 2."""\n    return -X.T @ (y - X @ w)\n'


def reference_answer() -> str:
    import nbformat

    cells = nbformat.read(str(SOURCE), 4).cells
    return without_markers(next(c.source for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") == TARGET))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    root = course_copy(base / "course", TOPIC, ROOT)
    ARTIFACTS.mkdir(exist_ok=True)
    server = start_lab(root, base / "workspace", ARTIFACTS / "jupyterlab.log")
    fill_answers(server.workspace / TOPIC / f"{TOPIC}.ipynb", root / "source" / TOPIC / f"{TOPIC}.ipynb", {TARGET})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def page(lab):
    with sync_api.sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS, viewport={"width": 1400, "height": 1000}
        )
        context.set_default_timeout(60_000)
        page = context.pages[0] if context.pages else context.new_page()
        console = open(ARTIFACTS / "browser-console.log", "w")  # noqa: SIM115 (closed below)
        page.on("console", lambda msg: console.write(f"[{msg.type}] {msg.text}\n"))
        page.on("pageerror", lambda exc: console.write(f"[pageerror] {exc}\n"))
        page.goto(f"{lab.url}/lab/tree/{TOPIC}/{TOPIC}.ipynb?token={lab.token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        wait_idle(page)
        yield page
        context.close()
        console.close()


def wait_idle(page, timeout: float = 180_000) -> None:
    """The kernel is idle: the toolbar's execution indicator says so."""
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=timeout)


def shot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def saved(lab, text: str, seconds: float = 30) -> None:
    """Wait until the notebook file on disk holds ``text`` (the learner pressed Ctrl+S)."""
    path = lab.workspace / TOPIC / f"{TOPIC}.ipynb"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in path.read_text():
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never reached {path}")


def replace_source(page, editor, text: str) -> None:
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)  # no key events: no auto-indent or bracket closing


def set_answer(page, lab, text: str) -> None:
    """Replace the source of the answer cell that defines least_squares_gradient with ``text``; save."""
    editor = page.locator(".jp-CodeCell .cm-content", has_text="def least_squares_gradient").first
    editor.scroll_into_view_if_needed()
    replace_source(page, editor, text)
    page.keyboard.press("Escape")  # command mode
    page.keyboard.press("Control+s")
    saved(lab, json.dumps(text.strip().splitlines()[-1])[1:-1])


def validate(page):
    page.locator(".validate-button").first.click()
    message = page.wait_for_selector("#validation-message", timeout=400_000)
    return message


def close_dialog(page) -> None:
    page.locator(".jp-Dialog .jp-Dialog-button").last.click()
    page.wait_for_selector(".jp-Dialog", state="detached")


def test_reference_answer_validates_and_checks_against_the_hidden_tests(lab, page):
    set_answer(page, lab, reference_answer())
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    table = page.wait_for_selector(".course-check:has-text('graded with the hidden tests')", timeout=400_000)
    wait_idle(page)
    table.scroll_into_view_if_needed()
    text = table.inner_text()
    lines = text.splitlines()
    row = next(line for line in lines if line.startswith("Q3 least_squares_gradient"))  # by question
    assert "3/3" in row and "passed" in row, text
    total = next(i for i, line in enumerate(lines) if "autograded points" in line)
    assert total < lines.index(row), f"the total comes first: {text}"
    assert "Every autograded test passes" in text, text
    assert "BEGIN HIDDEN" not in text and "J_torch_h" not in text, "no hidden test code in the table"
    page.locator(".course-check h3").scroll_into_view_if_needed()
    path = shot(page, "01_check_my_work")
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copyfile(path, ROOT / "docs" / "lab.png")

    message = validate(page)
    shot(page, "02_validate_success")
    assert "validation-success" in (message.get_attribute("class") or ""), message.inner_text()
    assert "Success! Your notebook passes all the tests." in message.inner_text()
    close_dialog(page)


def test_wrong_answer_fails_validation_with_the_diagnosis(lab, page):
    set_answer(page, lab, WRONG)
    message = validate(page)
    shot(page, "03_validate_failure")
    text = message.inner_text()
    assert "validation-failed" in (message.get_attribute("class") or ""), text
    assert "does not match the expected value" in text, text
    assert "likely cause: every entry is 2 times too small" in text, text
    close_dialog(page)


def test_a_question_not_attempted_is_one_short_block_in_the_validate_dialog(lab, page):
    set_answer(page, lab, 'def least_squares_gradient(w, X, y):\n    raise NotImplementedError()\n')
    message = validate(page)
    shot(page, "04_validate_not_attempted")
    text = message.inner_text()
    assert "validation-failed" in (message.get_attribute("class") or ""), text
    assert text.count("The following cell failed") == 1, text
    assert "Not attempted yet:" in text and "Q3 least_squares_gradient" in text, text
    assert "Traceback" not in text and "autograded points" in text, text
    close_dialog(page)
