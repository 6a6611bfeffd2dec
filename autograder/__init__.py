"""The grading engine, beside its nbgrader configuration (``nbgrader_config.py``), and the tools on top.

A hand-in travels through these modules, in this order:

1. **Collect** (``submissions``): a folder or an LMS zip becomes one checked ``Submission`` per
   student (junk skipped, ids read, old metadata upgraded).
2. **Execute** (``worker`` → ``sandbox`` → ``zygote`` / ``jail``, with ``limits``): the executor
   boundary. The student's notebook runs in a kernel forked from a zygote, as an unprivileged user,
   in namespaces, under CPU, memory and output limits. The workers are local processes, or the
   processes of a Dask cluster (``distributed``: a self-contained job, the reference bundle sent once
   per worker, one job per process). Nothing of the grader runs in there but
   ``probe``, which answers the judge's calls.
3. **Judge** (``judge``, ``wire``, ``probe``): the instructor's test cells run in the grader's own
   process; the student's functions answer over a socket (``wire``), never seeing the tests.
4. **Write** (``autograde``): the one writer puts each cell's score into nbgrader's gradebook, and
   writes the feedback (``feedback``, ``mathml``, ``nbgrader_ext``), ``grades.csv`` and the summary
   (``summary``, ``report``). ``grading`` holds the result model (``CellResult``,
   ``SubmissionResult``) and the nbgrader course-directory helpers.

``autograde.autograde`` grades a class; ``autograde.grade_notebook`` grades one file through the
same pipeline, and every path that grades uses one of the two: Check my work and ``course progress``
(``selfcheck``), Validate in JupyterLab (``validate``), ``course grade``, the demo (``demo``). A learner's
gradings go to a warm grader (``warm``): a server in the learner's cache that keeps its zygote and
imports between checks and calls the same ``grade_notebook``.

On top: the ``course`` command (``cli``), authoring and release (``authoring``, ``scaffold``,
``grading.release``), and the learner's JupyterLab (``lab``).

What a notebook imports (checks, gradients, the PyTorch guard, the property-based tests) is the
``course`` package; it never imports this one.
"""

import sys

# jsonschema (through nbformat and nbgrader) imports rfc3987_syntax, when it is installed, to check the "iri"
# string format, and that module builds a Lark grammar at import time: 1-3 s on a quiet 2-core machine, 10 s
# under load, in every grading process and every learner's Check my work. Nothing the grader validates (the
# notebook format, nbgrader's metadata) uses that format. A process that imported it already keeps it.
sys.modules.setdefault("rfc3987_syntax", None)
