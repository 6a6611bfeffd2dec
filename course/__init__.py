"""The theory of machine learning, checked by numbers: helpers for the course notebooks.

- ``course.checks``: compare an answer with the expected value and explain a mismatch.
- ``course.gradients``: finite differences, autograd oracles, ``check_gradient``.
- ``course.guard``: make sure a derive-and-implement answer does not use PyTorch.
- ``course.authoring``: build and clean instructor notebooks.
- ``course.grading``: the nbgrader pipeline behind the ``course`` command.
"""

__version__ = "0.1.0"
