"""nbgrader configuration of the course (used by `course release`, `course grade`, `course demo`).

The `course` commands load this file into every throwaway course directory they create;
an instructor's own course directory can do the same with
    c = get_config(); exec(open("<repo>/autograder/nbgrader_config.py").read())
"""

c = get_config()  # noqa: F821  (nbgrader injects get_config)

c.CourseDirectory.course_id = "ml-theory-checked-by-numbers"

# Seconds one cell may run before the kernel is interrupted and the cell scored 0.
# The slowest reference cell (a training loop) takes a few seconds; 120 leaves room for slow laptops.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
c.Execute.execute_retries = 0

# A test cell the student deleted is put back (nbgrader's OverwriteCells), so it is graded (and
# scores 0 or its points like any other); a duplicated one is graded once (DeduplicateIds).
c.OverwriteCells.add_missing_cells = True

# What a student sees in an answer cell of the released notebook.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# nbgrader scores a test cell 0 when it wrote anything to stderr. Library warnings
# (DeprecationWarning, UserWarning from matplotlib or torch, ...) are not wrong answers:
# drop stderr output that is a warning before the grades are read. Tracebacks of real
# errors are "error" outputs, not stderr, and still score 0.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?m)(Warning\b|warnings\.warn|^\s*\[W[^\]]*\])"

# Long outputs are cut in the autograded notebook and the feedback (lines per output).
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 60

# The grading kernel logs only errors (ipykernel otherwise warns on every start that it talks
# over TCP on localhost). --HistoryManager.hist_file=:memory: is nbgrader's own default.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]

# nbgrader's autograde steps, in nbgrader's order, with Execute subclassed: autograder.execute.GradingExecute
# is nbgrader's Execute unless the course's engine hands it a grading session (the sandboxed kernel, the
# judge for test cells, the time and output limits). Plain `nbgrader autograde` grades as it always did.
c.Autograde.autograde_preprocessors = [
    "autograder.execute.GradingExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback shows each test's message but never the hidden tests (neither their code nor the
# traceback lines that quote it).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.feedback.QuestionLabels",  # the contents name each graded cell by its question
    "autograder.nbgrader_ext.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "autograder.mathml.RenderMath",  # math as MathML: the page reads the same without internet
]
c.HTMLExporter.extra_template_basedirs = __import__("autograder.mathml").mathml.template_basedirs()  # no MathJax CDN

# The learner's "check my work" cell (grade_id ending in _check_my_work) grades the notebook
# against these hidden tests; the autograder blanks it before running the notebook, so grading
# never recurses and the cell costs nothing here. nbgrader's own sanitize steps are kept, in order.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "autograder.nbgrader_ext.ForgetDuplicates",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
    "autograder.nbgrader_ext.DropSelfCheck",
]
