"""Where a cell is in the notebook file, said so a student can find it.

JupyterLab numbers cells by run ([7]), not by position; a student finds a cell
by the step heading above it and its first line.  ``NotebookInfo`` reads the
notebook file on disk (JupyterLab saves it as the student works) to name the
cell that failed and the cell that defines a name a later cell needs.

>>> nb = NotebookInfo([{"cell_type": "markdown", "source": "### 第 2 步 选词"},
...                    {"cell_type": "code", "source": "kw = load()"}, {"cell_type": "code", "source": "kw.head()"}],
...                   current_source="kw.head()")
>>> nb.defined_where("kw").describe()
'「第 2 步 选词」下面的第 1 个代码单元格（开头是 `kw = load()`）'
"""

from __future__ import annotations

import ast
import keyword
import re


class Place:
    """A code cell of the notebook file: its heading and first line, for a student to find it."""

    def __init__(self, position: int, heading: str, first_line: str, below_current: bool = False):
        self.position, self.heading, self.first_line = position, heading, first_line
        self.below_current = below_current

    def describe(self) -> str:
        where = f"「{self.heading}」下面的" if self.heading else ""
        return f"{where}第 {self.position} 个代码单元格（开头是 {self.first_line}）"


class NotebookInfo:
    """The cells of the notebook file on disk (JupyterLab saves it as the student works)."""

    def __init__(self, cells: list[dict], current_source: str = "", current_id: str | None = None):
        self.cells = cells
        self.current = self._find(current_source, current_id)

    @classmethod
    def read(cls, path, current_source: str = "", current_id: str | None = None) -> NotebookInfo | None:
        import json

        try:
            nb = json.loads(open(path, encoding="utf-8").read())
        except (OSError, ValueError):
            return None
        cells = [c for c in nb.get("cells", []) if isinstance(c, dict)]
        return cls(cells, current_source, current_id)

    @staticmethod
    def _text(cell: dict) -> str:
        src = cell.get("source", "")
        return "".join(src) if isinstance(src, list) else str(src)

    def _find(self, source: str, cell_id: str | None) -> int | None:
        for i, c in enumerate(self.cells):
            if cell_id and c.get("id") == cell_id:
                return i
        want = source.strip()
        for i, c in enumerate(self.cells):
            if want and c.get("cell_type") == "code" and self._text(c).strip() == want:
                return i
        return None

    def place(self, index: int) -> Place:
        code_cells = [i for i, c in enumerate(self.cells) if c.get("cell_type") == "code"]
        heading = ""
        for c in reversed(self.cells[:index]):
            if c.get("cell_type") == "markdown":
                heads = [ln.lstrip("#").strip() for ln in self._text(c).splitlines() if ln.startswith("#")]
                if heads:
                    heading = heads[-1]
                    break
        first = next(
            (
                ln.strip()
                for ln in self._text(self.cells[index]).splitlines()
                if ln.strip() and not ln.strip().startswith("#")
            ),
            "",
        )
        first = first if len(first) <= 50 else first[:48] + "…"
        below = self.current is not None and index > self.current
        return Place(code_cells.index(index) + 1, heading, f"`{first}`", below)

    def defined_where(self, name: str) -> Place | None:
        """The first code cell that assigns or imports ``name``."""
        for i, c in enumerate(self.cells):
            if c.get("cell_type") == "code" and i != self.current and name in defined_names(self._text(c)):
                return self.place(i)
        return None

    def current_place(self) -> Place | None:
        return None if self.current is None else self.place(self.current)


def defined_names(source: str) -> set[str]:
    """Names a cell defines: assignments, imports, functions, loop variables."""
    from .blanks import BLANK

    try:
        tree = ast.parse(source.replace(BLANK, "_blank_"))
    except SyntaxError:
        return set(re.findall(r"^\s*([A-Za-z_]\w*)\s*=(?!=)", source, flags=re.M))
    out: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            out.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            out.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            out.update((a.asname or a.name).split(".")[0] for a in n.names)
    return out - set(keyword.kwlist)
