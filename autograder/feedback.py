"""Feedback HTML for a whole class, from one nbgrader GenerateFeedback converter.

``nbgrader generate_feedback`` builds its converter, its HTML exporter and their Jinja templates
for every student, and then runs nbconvert's BeautifulSoup pass over each page (about 0.7 s a
notebook of ours, only to add ``alt`` text to images and ``tabindex`` to two kinds of ``div``).
``course autograde`` writes feedback while the workers run students' notebooks on the same
cores, so it builds the converter once per run, and does those two edits on the text. The pages
are nbgrader's own: the same template (``feedback``), the same preprocessors (the course's
``GenerateFeedback.preprocessors``: grades, hidden tests removed, CSS), the same files and
permissions; ``nbgrader generate_feedback`` run later (after manual grading) rewrites them.

Both name the graded cells in the page's table of contents by their question ("Q5
least_squares_closed_form · test 1 of 2", not nbgrader's "Test cell"): ``QuestionLabels`` (one of
``GenerateFeedback.preprocessors``) reads the labels and ``templates/feedback/index.html.j2`` shows them.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")
_FOCUSABLE = re.compile(r'<div class="([^"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b[^"]*)"(?![^>]*tabindex)')
ALT = 'alt="No description has been provided for this image"'


class FastHTMLExporter(HTMLExporter):
    """HTMLExporter with its accessibility edits done on the text instead of a parsed tree."""

    def from_notebook_node(self, nb, resources=None, **kw):
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        html = _IMG_WITHOUT_ALT.sub(f"<img {ALT}", html)
        html = _FOCUSABLE.sub(r'<div class="\1" tabindex="0"', html)
        return html, resources


class ClassFeedback:
    """``feedback/<student>/<assignment>/<notebook>.html`` for each student, one converter for all."""

    def __init__(self, api, assignment: str, notebook: str):
        from nbconvert.writers import FilesWriter
        from nbgrader.converters import GenerateFeedback
        from traitlets.config import Config

        self.assignment, self.notebook = assignment, notebook
        conv = GenerateFeedback(coursedir=api.coursedir, parent=api)
        c = Config()
        c.HTMLExporter.template_name = "feedback"  # as nbgrader's API insists
        conv.update_config(c)
        conv.writer = FilesWriter(parent=conv, config=conv.config)
        conv.exporter = FastHTMLExporter(parent=conv, config=conv.config)
        for pp in conv.preprocessors:
            conv.exporter.register_preprocessor(pp)
        self.conv = conv

    def write(self, student: str) -> Path:
        conv, a = self.conv, self.assignment
        dest = Path(conv._format_dest(a, student))
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        conv.init_assignment(a, student)  # the assignment's other files, as nbgrader copies them
        source = os.path.join(conv._format_source(a, student), f"{self.notebook}.ipynb")
        resources = conv.init_single_notebook_resources(source)
        output, resources = conv.exporter.from_filename(source, resources=resources)
        conv.write_single_notebook(output, resources)
        conv.set_permissions(a, student)
        return dest / f"{self.notebook}.html"


class QuestionLabels(Preprocessor):
    """``resources["nbgrader"]["question_labels"]``: {grade_id: label} for the feedback's contents.

    The labels come from the assignment's source notebook in the course directory (the student's
    copy may have lost a heading or a ``def`` line), else from the notebook being converted. One
    exporter converts a whole class: the source is read once per run, not once per student.
    """

    enabled = Bool(True).tag(config=True)  # nbconvert's preprocessors are off unless enabled

    def __init__(self, **kw):
        super().__init__(**kw)
        self._cache: dict[tuple[str, float], dict[str, str]] = {}

    def preprocess(self, nb, resources):
        info = resources.setdefault("nbgrader", {})
        info["question_labels"] = self._labels(nb, info.get("assignment"), info.get("notebook"))
        return nb, resources

    def _labels(self, nb, assignment: str | None, notebook: str | None) -> dict[str, str]:
        from autograder.report import question_labels

        source = self._source(assignment, notebook)
        if source is None:
            return question_labels(nb)
        key = (str(source), source.stat().st_mtime)
        if key not in self._cache:
            import nbformat

            try:
                self._cache[key] = question_labels(nbformat.read(str(source), as_version=4))
            except Exception:  # a label is a nicety: an unreadable source falls back to the page itself
                return question_labels(nb)
        return self._cache[key]

    def _source(self, assignment: str | None, notebook: str | None) -> Path | None:
        """``source/<assignment>/<notebook>.ipynb`` of the converter's course directory, if it exists."""
        coursedir = getattr(getattr(self.parent, "parent", None), "coursedir", None)
        if coursedir is None or not assignment or not notebook:
            return None
        path = Path(coursedir.format_path(coursedir.source_directory, ".", assignment)) / f"{notebook}.ipynb"
        return path if path.is_file() else None
