"""``ScaffoldSolutions``: ClearSolutions that releases a declared skeleton instead of a stub."""
from __future__ import annotations

from nbgrader.preprocessors import ClearSolutions

from ..scaffold import split_scaffold


class ScaffoldSolutions(ClearSolutions):
    """A cell with a ``### BEGIN SCAFFOLD`` region gets that skeleton; others nbgrader's stub."""

    def _replace_solution_region(self, cell, language):
        if cell.cell_type != "code":
            return super()._replace_solution_region(cell, language)
        rest, skeleton = split_scaffold(cell.source)
        if skeleton is None:
            return super()._replace_solution_region(cell, language)
        cell.source = rest
        saved = dict(self.code_stub)
        try:
            self.code_stub = {**saved, language: skeleton}
            return super()._replace_solution_region(cell, language)
        finally:
            self.code_stub = saved
