"""Feedback HTML for a whole class, from one nbgrader GenerateFeedback converter.

``nbgrader generate_feedback`` builds its converter, its HTML exporter and their Jinja templates
for every student, and then runs nbconvert's BeautifulSoup pass over each page (about 0.7 s a
notebook of ours, only to add ``alt`` text to images and ``tabindex`` to two kinds of ``div``).
``course autograde`` writes feedback while the workers run students' notebooks on the same
cores, so it builds the converter once per run, and does those two edits on the text. The pages
are nbgrader's own: the same template (``feedback``), the same preprocessors (the course's
``GenerateFeedback.preprocessors``: grades, hidden tests removed, CSS), the same files and
permissions; ``nbgrader generate_feedback`` run later (after manual grading) rewrites them.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from nbconvert.exporters import HTMLExporter, TemplateExporter

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
