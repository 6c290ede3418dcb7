"""``ScaffoldSolutions``: ClearSolutions that releases a declared skeleton instead of a stub.

* a cell with a ``### BEGIN SCAFFOLD`` region gets that skeleton;
* a form's answer cell (``x = form.answers()`` before its solution region) gets
  a note that nothing is to be typed there (nbgrader's "write your code" stub
  would send a student looking for code to write);
* every other solution region gets nbgrader's configured stub.
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import ClearSolutions

from ..scaffold import SOL_BEGIN, split_scaffold

FORM_STUB = "# 表单题：这个单元格不用改。填写上面的表单并点「保存」，再运行这个单元格。"
_FORM_ANSWER = re.compile(r"\.answers\(\)")


class ScaffoldSolutions(ClearSolutions):
    """Solution regions become the cell's declared skeleton, a form note, or nbgrader's stub."""

    def _replace_solution_region(self, cell, language):
        if cell.cell_type != "code":
            return super()._replace_solution_region(cell, language)
        rest, skeleton = split_scaffold(cell.source)
        if skeleton is None and _FORM_ANSWER.search(cell.source.split(SOL_BEGIN, 1)[0]):
            skeleton = FORM_STUB
        if skeleton is None:
            return super()._replace_solution_region(cell, language)
        cell.source = rest
        saved = dict(self.code_stub)
        try:
            self.code_stub = {**saved, language: skeleton}
            return super()._replace_solution_region(cell, language)
        finally:
            self.code_stub = saved
