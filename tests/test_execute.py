"""The Execute step (autograder.execute): nbgrader's Execute, subclassed in the configuration; the course's
grading run only when a session is handed over. Stock nbgrader with the course's configuration is unchanged."""

from __future__ import annotations

from pathlib import Path

import nbformat
import nbharness
from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute
from traitlets.config.loader import PyFileConfigLoader

from autograder.execute import SESSION, GradingExecute, GradingSession
from autograder.worker import converter_preprocessors

REPO = Path(__file__).resolve().parent.parent


def course_config():
    return PyFileConfigLoader("nbgrader_config.py", path=str(REPO / "autograder")).load_config()


def test_the_configuration_names_the_subclass_in_nbgraders_order():
    _, execute, writer = converter_preprocessors(course_config())
    assert execute[0] is GradingExecute and issubclass(GradingExecute, Execute)
    stock = [pp.__name__ for pp in Autograde.class_traits()["autograde_preprocessors"].default()]
    assert [pp.__name__ for pp in execute + writer] == ["GradingExecute", *stock[1:]]


def test_the_oracle_course_directory_runs_nbgraders_own_execute(tmp_path):
    cd = nbharness.stock_course_dir(tmp_path / "stock", REPO)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(cd.path)).load_config()
    _, execute, _ = converter_preprocessors(config)
    assert execute[0] is Execute


def notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 6 * 7\nprint(x)"), nbformat.v4.new_code_cell("x + 1")]
    return nb


def outputs(nb) -> list:
    return [[{k: v for k, v in o.items() if k != "execution_count"} for o in c.outputs] for c in nb.cells]


def test_without_a_session_it_is_nbgraders_execute():
    config = course_config()
    ours, _ = GradingExecute(config=config).preprocess(notebook(), {})
    theirs, _ = Execute(config=config).preprocess(notebook(), {})
    assert outputs(ours) == outputs(theirs) == [[{"output_type": "stream", "name": "stdout", "text": "42\n"}],
                                                [{"output_type": "execute_result", "data": {"text/plain": "43"},
                                                  "metadata": {}}]]


def test_a_session_wraps_every_cell_and_output_and_sees_the_preprocessor_first():
    seen = []

    def wrap(execute, run):
        def cell(c, resources, index):
            seen.append(("cell", index))
            return run(c, resources, index)

        return cell

    def wrap_output(execute, run):
        def output(outs, msg, display_id, cell_index):
            seen.append(("output", cell_index))
            return run(outs, msg, display_id, cell_index)

        return output

    session = GradingSession(cell_wrappers=[wrap], output_wrapper=wrap_output,
                             on_start=lambda ex: seen.append(("start", type(ex).__name__)))
    import copy

    assert copy.deepcopy({SESSION: session})[SESSION] is session, "nbconvert deep-copies resources"
    nb, _ = GradingExecute(config=course_config()).preprocess(notebook(), {SESSION: session})
    assert seen[0] == ("start", "GradingExecute")
    assert [s for s in seen if s[0] == "cell"] == [("cell", 0), ("cell", 1)]
    assert ("output", 0) in seen and ("output", 1) in seen
    assert outputs(nb)[0][0]["text"] == "42\n"
