"""A student completes module 4's 02_strategy in a real JupyterLab (headless Chromium),
only filling the form and typing into the blanks of the code skeleton, as a student would:

1. open the released notebook, run all cells (nothing answered yet: the self-checks say so);
2. pick a channel and a benefit for every segment in the strategy form and save it;
3. run the answer and self-check cells: the check turns ✓ 正确;
4. click into each ``___`` of the 30-day repurchase skeleton, type the answer, run it: ✓ 正确;
5. save the notebook; its folder (notebook + answer file) is submitted and graded with
   ``python -m grading autograde``: every automatic point of 02_strategy.

Screenshots go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import harness
import labdriver
import module4_answers as A
import pytest
from labdriver import FormDriver, NotebookPage
from recipes import RECIPES

pytestmark = pytest.mark.browser

MODULE = A.MODULE
NOTEBOOK = "02_strategy"

_JS_GRADE_IDS = """() => window.jupyterapp.shell.currentWidget.content.widgets.map(c => {
  const m = c.model.getMetadata ? c.model.getMetadata('nbgrader') : null;
  return m ? (m.grade_id || '') : '';
})"""

_JS_OUTPUT = """(i) => {
  const m = window.jupyterapp.shell.currentWidget.content.widgets[i].model;
  const out = [];
  for (let j = 0; j < m.outputs.length; j++) {
    const o = m.outputs.get(j).toJSON();
    if (o.text) out.push(Array.isArray(o.text) ? o.text.join('') : o.text);
    if (o.data && o.data['text/plain']) out.push(String(o.data['text/plain']));
  }
  return out.join('\\n');
}"""

_JS_SELECT_BLANK = """(i) => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[i];
  const text = cell.model.sharedModel.getSource();
  const at = text.indexOf('___');
  if (at < 0) return false;
  const ed = cell.editor;
  ed.setSelection({start: ed.getPositionAt(at), end: ed.getPositionAt(at + 3)});
  return true;
}"""


def index_of(nb: NotebookPage, grade_id: str) -> int:
    ids = nb.page.evaluate(_JS_GRADE_IDS)
    return ids.index(grade_id)


def run_cell(nb: NotebookPage, index: int) -> str:
    nb.page.evaluate(
        "(i) => { const w = window.jupyterapp.shell.currentWidget; w.content.activeCellIndex = i;"
        " w.content.activeCell.node.scrollIntoView(); }",
        index,
    )
    nb._run("notebook:run-cell", labdriver.RUN_ALL)
    return nb.page.evaluate(_JS_OUTPUT, index)


def type_into_blanks(nb: NotebookPage, index: int, answers: list[str]) -> str:
    """Select each ``___`` in the cell's editor (as a double-click would) and type the answer."""
    nb.page.evaluate(
        "(i) => { const w = window.jupyterapp.shell.currentWidget; w.content.activeCellIndex = i;"
        " w.content.activeCell.node.scrollIntoView(); }",
        index,
    )
    nb.command("notebook:enter-edit-mode")
    editor = nb.page.locator(".jp-Notebook .jp-mod-active .cm-content").first
    editor.wait_for()
    editor.click()
    for answer in answers:
        assert nb.page.evaluate(_JS_SELECT_BLANK, index), "no blank ___ left to fill"
        nb.page.keyboard.type(answer)
    nb.command("notebook:enter-command-mode")
    return nb.page.evaluate(
        "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel.getSource()", index
    )


def grading(ws: Path, *args: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "grading", *args, "--workspace", str(ws)],
        env=harness.env(),
        capture_output=True,
        text=True,
        timeout=1500,
        cwd=str(harness.REPO),
    )
    assert proc.returncode == 0, (
        f"grading {' '.join(args)} -> {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )


def test_student_completes_the_strategy_notebook(page, released, lab, where, tmp_path):
    rel = released(MODULE)
    folder = tmp_path / "student" / MODULE  # a copy of its own: other browser tests use rel.student
    shutil.copytree(rel.release, folder)
    server = lab(folder)
    where.notebook = f"{MODULE}/{NOTEBOOK}.ipynb"
    nb = NotebookPage(page, server, f"{NOTEBOOK}.ipynb", where)
    try:
        with where.step("open the released notebook and run all cells"):
            nb.open()
            nb.wait_kernel_idle()
            nb.run_all()
            check = index_of(nb, "d2_strategy")
            assert "还没有作答" in nb.page.evaluate(_JS_OUTPUT, check)
        with where.step("fill the strategy form and save it"):
            fd = FormDriver(page, "segment_strategy")
            fd.fill(RECIPES["segment_strategy"].right)
            fd.save()
            fd.wait_messages("t.includes('检查通过')", "the form's confirmation")
            fd.screenshot("module4-strategy-form.png")
        with where.step("run the answer cell and the self-check: ✓"):
            run_cell(nb, index_of(nb, "d2_strategy_answer"))
            out = run_cell(nb, check)
            assert "✓ 正确" in out, out
        with where.step("type into the blanks of the repurchase skeleton, run it: ✓"):
            answer = index_of(nb, "d2_repurchase_answer")
            typed = type_into_blanks(nb, answer, A.blank_answers()["repurchase"])
            assert "___" not in typed and "len(cohort)" in typed, typed
            run_cell(nb, answer)
            out = run_cell(nb, index_of(nb, "d2_repurchase"))
            assert "✓ 正确" in out, out
            page.screenshot(path=str(labdriver.artifact("module4-strategy-done.png")))
        with where.step("save the notebook"):
            nb.save()
    finally:
        server.shutdown_sessions()

    with where.step("the saved submission autogrades to every automatic point of the notebook"):
        sub = rel.ws / "submitted" / "browser_m4" / MODULE
        if sub.exists():
            shutil.rmtree(sub)
        sub.mkdir(parents=True)
        for name in (f"{NOTEBOOK}.ipynb", f"{NOTEBOOK}.answers.json"):
            shutil.copy2(folder / name, sub / name)
        grading(rel.ws, "autograde", MODULE, "--student", "browser_m4", "--quiet")
        import json

        res = json.loads((rel.ws / ".grading" / "results" / MODULE / "browser_m4.json").read_text(encoding="utf-8"))
        got = {
            gid: (c["final"], c["max"]) for gid, c in res["notebooks"][NOTEBOOK]["cells"].items() if c["type"] == "code"
        }
        assert got and all(f == m for f, m in got.values()), got
        assert set(got) == {"d2_strategy", "d2_repurchase"}
