"""Math in the feedback pages, rendered before the page is written (no MathJax, no network).

nbgrader's feedback template loads MathJax from a CDN, so a page opened offline shows raw LaTeX.
``RenderMath`` (a preprocessor in ``GenerateFeedback.preprocessors``) replaces every ``$...$`` and
``$$...$$`` in the markdown cells by MathML, which browsers render natively, using the pure-Python
``latex2mathml``; ``templates/base/mathjax.html.j2``, found first through
``HTMLExporter.extra_template_basedirs`` (``template_basedirs()``), replaces nbconvert's macro that
loads MathJax from a CDN with one that loads nothing. A formula the converter cannot read is left as it was.
"""

from __future__ import annotations

import re
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

TEMPLATES = Path(__file__).parent / "templates"


def template_basedirs() -> list[str]:
    """``HTMLExporter.extra_template_basedirs`` for the feedback: ours, then nbgrader's own.

    nbgrader adds its feedback template's folder only when the setting is absent, so it is listed here.
    """
    import nbgrader

    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
    return [TEMPLATES.as_posix(), formgrader.as_posix()]


# code spans and fenced code are left alone; then display math, then inline math
_TOKEN = re.compile(
    r"(?P<fence>^```.*?^```)|(?P<code>`+)(?P<code_body>.+?)(?P=code)"
    r"|(?<!\\)\$\$(?P<display>.+?)(?<!\\)\$\$|(?<![\\$])\$(?P<inline>[^$\n]+(?:\n[^$\n]+)*?)(?<!\\)\$",
    re.DOTALL | re.MULTILINE,
)
_ALIGNED = re.compile(r"\\begin\{(aligned|align\*?)\}(.*?)\\end\{\1\}", re.DOTALL)
_MARKDOWN_SPECIAL = {c: f"&#{ord(c)};" for c in "*_`[]\\~|$"}


def _array(match: re.Match) -> str:
    body = match.group(2)
    columns = max(row.count("&") for row in body.split(r"\\")) + 1
    return r"\begin{array}{" + "rl" * (columns // 2) + "l" * (columns % 2) + "}" + body + r"\end{array}"


def latex_to_mathml(latex: str, display: bool) -> str | None:
    """MathML for one formula, or None when the converter cannot read it."""
    from latex2mathml.converter import convert

    latex = _ALIGNED.sub(_array, latex.strip())
    try:
        mathml = convert(latex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 (any converter error: keep the LaTeX)
        return None
    if "<mi>&</mi>" in mathml or "merror" in mathml:
        return None
    # Markdown runs over the cell after this: characters it would read as syntax become entities.
    return re.sub(r">([^<]+)<", lambda m: ">" + "".join(_MARKDOWN_SPECIAL.get(c, c) for c in m.group(1)) + "<", mathml)


def render_math(markdown: str) -> str:
    """``markdown`` with its ``$...$`` and ``$$...$$`` formulas replaced by MathML."""

    def replace(m: re.Match) -> str:
        if m.group("display") is not None or m.group("inline") is not None:
            display = m.group("display") is not None
            mathml = latex_to_mathml(m.group("display") if display else m.group("inline"), display)
            return m.group(0) if mathml is None else mathml
        return m.group(0)

    return _TOKEN.sub(replace, markdown)


class RenderMath(Preprocessor):
    """Render the math of every markdown cell as MathML (for pages read without internet)."""

    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            cell.source = render_math(cell.source)
        return cell, resources
