"""A student completes module 1's 02_title in a real JupyterLab, only typing into the
blanks ``___`` of the code skeleton and filling the title editor, and sees every
visible self-check turn ✓ 正确; the notebook the browser saved (with its answer
file) then autogrades under the real nbgrader to every automatic point.

The answers (the blanks, the words and the title) are computed for the featured
product in force (``module1_answers``), as a student would read them off the tables.
"""

from __future__ import annotations

import json
import shutil

import harness
import labdriver
import module1_answers as A
import nbformat
import pytest
from labdriver import FormDriver, NotebookPage, read_answers

pytestmark = pytest.mark.browser

M = A.MODULE
NB = "02_title.ipynb"
RIGHT = "✓ 正确"

_JS_SELECT_BLANK = """(i) => {
  const w = window.jupyterapp.shell.currentWidget;
  w.content.activeCellIndex = i;
  const cell = w.content.activeCell;
  const src = cell.model.sharedModel.getSource();
  const k = src.indexOf('___');
  if (k < 0) return false;
  const lines = src.slice(0, k).split('\\n');
  const line = lines.length - 1, column = lines[line].length;
  cell.node.scrollIntoView();
  cell.editor.focus();
  cell.editor.setSelection({start: {line, column}, end: {line, column: column + 3}});
  return true;
}"""

_JS_CELL_TEXT = """(i) => {
  const m = window.jupyterapp.shell.currentWidget.content.widgets[i].model;
  const out = [];
  for (let j = 0; j < m.outputs.length; j++) {
    const o = m.outputs.get(j).toJSON();
    if (o.text) out.push([].concat(o.text).join(''));
    if (o.data && o.data['text/plain']) out.push([].concat(o.data['text/plain']).join(''));
  }
  return out.join('\\n');
}"""


def cell_index(nb_path, grade_id: str) -> int:
    nb = nbformat.read(nb_path, as_version=4)
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def run_cell(nb: NotebookPage, index: int):
    nb.page.evaluate("(i) => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = i; }", index)
    nb._run("notebook:run-cell", 120)


def type_into_blanks(nb: NotebookPage, index: int, answers: list[str]):
    """Select each ``___`` of the cell in turn and type the answer over it."""
    nb.command("notebook:enter-edit-mode")
    for answer in answers:
        assert nb.page.evaluate(_JS_SELECT_BLANK, index), f"no blank left in cell {index + 1} for {answer!r}"
        nb.page.keyboard.press("Backspace")
        nb.page.keyboard.insert_text(answer)
    nb.command("notebook:enter-command-mode")


def test_student_completes_02_title(page, released, lab, where, tmp_path):
    rel = released(M)
    folder = tmp_path / "student" / M  # a student's own copy of the release
    shutil.copytree(rel.release, folder)
    server = lab(folder)
    forms = A.student_forms()["02_title"]
    idx = {
        g: cell_index(folder / NB, g)
        for g in ("d1_kw_value_answer", "d1_kw_value", "d1_title_choice_answer", "d1_title_choice", "d1_title")
    }
    where.notebook = f"{M}/{NB}"
    nb = NotebookPage(page, server, NB, where)
    with where.step("open the released notebook and run all cells"):
        nb.open()
        nb.wait_kernel_idle()
        nb.run_all()
        assert "还没有作答" in page.evaluate(_JS_CELL_TEXT, idx["d1_kw_value"])
    with where.step("type into the three blanks of the keyword-value skeleton and run it"):
        type_into_blanks(nb, idx["d1_kw_value_answer"], A.BLANKS["kw_value"])
        source = page.evaluate(
            "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel.getSource()",
            idx["d1_kw_value_answer"],
        )
        assert "___" not in source and all(a in source for a in A.BLANKS["kw_value"]), source
        run_cell(nb, idx["d1_kw_value_answer"])
    with where.step("the visible check of the keyword value turns ✓"):
        run_cell(nb, idx["d1_kw_value"])
        text = page.evaluate(_JS_CELL_TEXT, idx["d1_kw_value"])
        assert RIGHT in text, text
        page.screenshot(path=str(labdriver.artifact("m1-02-kw-value-right.png")))
    with where.step("fill the title editor and save: the page confirms"):
        fd = FormDriver(page, "title")
        fd.fill(forms["title"])
        fd.save()
        fd.wait_status("已保存")
        assert read_answers(folder, "02_title")["forms"]["title"]["problems"] == []
    with where.step("run the answer cell: both visible checks of the title turn ✓"):
        run_cell(nb, idx["d1_title_choice_answer"])
        for gid in ("d1_title_choice", "d1_title"):
            run_cell(nb, idx[gid])
            text = page.evaluate(_JS_CELL_TEXT, idx[gid])
            assert RIGHT in text, (gid, text)
        fd.screenshot("m1-02-title-saved.png")
    with where.step("save the notebook"):
        nb.save()
        server.shutdown_sessions()
    with where.step("what the browser saved autogrades to every automatic point"):
        saved = nbformat.read(folder / NB, as_version=4)
        answers = json.loads((folder / "02_title.answers.json").read_text(encoding="utf-8"))
        harness.submit(rel.ws, M, "browser_m1", {NB: saved}, answers={"02_title": answers})
        scores = harness.autograde(rel.ws, M, "browser_m1")["browser_m1"]
        got = {g: scores.get(g) for g in ("d1_kw_value", "d1_title_choice", "d1_title")}
        assert got == {"d1_kw_value": 8, "d1_title_choice": 8, "d1_title": 10}, (got, scores)
