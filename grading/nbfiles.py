"""Source notebook files: nbgrader's cell metadata, clean writing, listing a module's notebooks.

Shared by the notebook builder and the metadata check (grading/authoring.py) and
by the helper that writes a declared task's cells (grading/task_cells.py).

>>> cell_meta(grade=True, points=3)["nbgrader"]["points"]
3
"""

from __future__ import annotations

from pathlib import Path

import nbformat

NBGRADER_SCHEMA = 3


def cell_meta(**kw) -> dict:
    """A cell's ``nbgrader`` metadata: nbgrader's defaults with ``kw`` on top."""
    base = {"schema_version": NBGRADER_SCHEMA, "grade": False, "solution": False, "locked": False}
    base.update(kw)
    return {"nbgrader": base}


def strip_outputs(nb) -> None:
    """Remove outputs and execution counts: source notebooks diff well in git."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
    for key in ("papermill", "widgets", "celltoolbar"):
        nb.metadata.pop(key, None)


def write_clean(nb, path: Path) -> None:
    """Write a source notebook without outputs, one source line per JSON line."""
    strip_outputs(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    # nbformat splits sources into lines: diffs show the changed line only
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def source_notebooks(module_dir: Path) -> list[Path]:
    """The notebooks of a module folder (hidden files left out), sorted."""
    return sorted(p for p in Path(module_dir).glob("*.ipynb") if not p.name.startswith("."))
