"""The Execute step of grading: nbgrader's own ``Execute`` preprocessor, subclassed and named in the
nbgrader configuration (``c.Autograde.autograde_preprocessors`` in ``autograder/nbgrader_config.py``).

``GradingExecute`` is exactly nbgrader's ``Execute`` unless the resources it is handed hold a
``GradingSession`` (under ``SESSION``), which ``autograder.worker`` puts there for every hand-in it
grades. Then, for that run only:

* the kernel starts in the hand-in's sandbox (``kernel_manager_class``: ``autograder.sandbox``);
* every cell runs under the CPU-time watchdog (``autograder.worker.Watchdog``);
* every test cell runs in the judge (``autograder.judge``), the kernel only answering calls;
* a kernel that dies or ignores its interrupt ends the run cleanly: earlier cells keep their results,
  later cells score 0 with a note;
* outputs over the caps are dropped as they arrive.

So plain ``nbgrader autograde`` with this configuration grades as nbgrader always did, and the
course's engine changes behaviour only through nbclient's and nbconvert's public methods
(``preprocess``, ``preprocess_cell``, ``output``), not by patching an instance at run time.
"""

from __future__ import annotations

from nbgrader.preprocessors import Execute

SESSION = "course_grading_session"  # the key in nbconvert's resources


class GradingSession:
    """What one hand-in's run adds to Execute. ``cell_wrappers``: functions ``wrap(execute, run) -> run``
    applied innermost first; ``output_wrapper``: ``wrap(execute, output) -> output``; ``on_start(execute)``:
    told the preprocessor instance before the kernel starts."""

    def __init__(self, kernel_manager_class=None, cell_wrappers=(), output_wrapper=None, on_start=None):
        self.kernel_manager_class = kernel_manager_class
        self.cell_wrappers = list(cell_wrappers)
        self.output_wrapper = output_wrapper
        self.on_start = on_start

    def __deepcopy__(self, memo):  # nbconvert deep-copies the resources: the session is shared, not copied
        return self


class GradingExecute(Execute):
    """nbgrader's Execute; with a ``GradingSession`` in the resources, the course's grading run."""

    _session: GradingSession | None = None
    _run_cell = None
    _output = None

    def preprocess(self, nb, resources=None, km=None):
        session = (resources or {}).get(SESSION)
        self._session = session
        self._run_cell = self._output = None
        if session is not None:
            if session.kernel_manager_class is not None:
                self.kernel_manager_class = session.kernel_manager_class
            if session.on_start is not None:
                session.on_start(self)
            run = super().preprocess_cell
            for wrap in session.cell_wrappers:
                run = wrap(self, run)
            self._run_cell = run
            if session.output_wrapper is not None:
                self._output = session.output_wrapper(self, super().output)
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if self._run_cell is None:
            return super().preprocess_cell(cell, resources, index)
        return self._run_cell(cell, resources, index)

    def output(self, outs, msg, display_id, cell_index):
        if self._output is None:
            return super().output(outs, msg, display_id, cell_index)
        return self._output(outs, msg, display_id, cell_index)
