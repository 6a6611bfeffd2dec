"""The theory of machine learning, checked by numbers: what the course notebooks import.

- ``course.checks``: compare an answer with the expected value and explain a mismatch.
- ``course.gradients``: finite differences, autograd oracles, ``check_gradient``.
- ``course.guard``: run an answer under its contract (``course.contracts``) and without PyTorch.
- ``course.properties``: property-based tests of an answer against the reference, on random inputs.
- ``course.selfcheck``: the "Check my work" cell, which asks the grading engine (the ``autograder``
  package, in another process) to grade the saved notebook.

This package never imports the grading engine; the engine imports it.
"""

__version__ = "0.1.0"
