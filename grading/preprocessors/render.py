"""``RenderSettings``: markdown placeholders rendered from the settings in force."""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool


class RenderSettings(Preprocessor):
    """``{{ listing.title_width }}`` in a markdown cell becomes ``30-60`` (course.text)."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        from course import text

        self._ctx = text.context()
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            from course import text

            try:
                cell.source = text.render(cell.source, self._ctx)
            except text.TemplateProblem as exc:
                name = resources.get("nbgrader", {}).get("notebook", "")
                raise RuntimeError(f"{name} 第 {index + 1} 个单元格：{exc}") from None
        return cell, resources
