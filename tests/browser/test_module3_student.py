"""A student completes one notebook of module 3 in a real JupyterLab: 03_channel_roi.

Only what a student does: type the three answers into the blanks ``___`` of the ROI
skeleton, run the cells, fill the two back-office forms (the channels under the
floors, the budget plan) and save them, run the self-checks and see each one turn
✓ 正确.  Then the notebook and answer file the browser saved are autograded by the
real ``nbgrader autograde``: every automatic point of the notebook is earned.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import harness
import labdriver
import module3_answers as A
import pytest
from labdriver import FormDriver, NotebookPage

pytestmark = pytest.mark.browser

MODULE = "module3_analytics"
STEM = "03_channel_roi"
TASKS = {"roi_table": "d1_roi_table", "low_roi": "d2_low_roi", "budget": "d3_budget"}


def cell_index(nb: NotebookPage, grade_id: str) -> int:
    index = nb.page.evaluate(
        """(gid) => window.jupyterapp.shell.currentWidget.content.widgets.findIndex(c => {
        const m = c.model.getMetadata ? c.model.getMetadata('nbgrader') : null;
        return m && m.grade_id === gid; })""",
        grade_id,
    )
    assert index >= 0, f"no cell with grade_id {grade_id}"
    return index


def type_into_blanks(nb: NotebookPage, index: int, answers: list[str]) -> str:
    """Select each ``___`` of a cell in the editor, in order, and type its answer over it."""
    page = nb.page
    page.evaluate(
        "(i) => { const w = window.jupyterapp.shell.currentWidget; w.content.activeCellIndex = i;"
        " w.content.activeCell.node.scrollIntoView(); }",
        index,
    )
    nb.command("notebook:enter-edit-mode")
    for answer in answers:
        found = page.evaluate("""() => {
            const ed = window.jupyterapp.shell.currentWidget.content.activeCell.editor;
            const src = ed.model.sharedModel.getSource();
            const at = src.indexOf('___');
            if (at < 0) return false;
            ed.setSelection({start: ed.getPositionAt(at), end: ed.getPositionAt(at + 3)});
            ed.focus();
            return true; }""")
        assert found, f"no blank left for {answer!r}"
        page.keyboard.type(answer)
    return page.evaluate(
        "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel.getSource()", index
    )


def outputs(nb: NotebookPage, index: int) -> str:
    return nb.page.evaluate(
        """(i) => { const m = window.jupyterapp.shell.currentWidget.content.widgets[i].model;
        const out = []; for (let j = 0; j < m.outputs.length; j++) { const o = m.outputs.get(j).toJSON();
        out.push(o.text || (o.data && o.data['text/plain']) || o.evalue || ''); } return out.join('\\n'); }""",
        index,
    )


def test_a_student_completes_the_roi_notebook(page, released, lab, where, tmp_path):
    rel = released(MODULE)
    folder = tmp_path / "student" / MODULE
    shutil.copytree(rel.release, folder)
    server = lab(folder)
    where.notebook = f"{MODULE}/{STEM}.ipynb"
    nb = NotebookPage(page, server, f"{STEM}.ipynb", where)
    forms = A.student_forms()[STEM]
    try:
        with where.step("open the notebook and run all cells (blanks still open, forms empty)"):
            nb.open()
            nb.wait_kernel_idle()
            nb.run_all()
            checks = {task: cell_index(nb, gid) for task, gid in TASKS.items()}
            assert all("✓ 正确" not in outputs(nb, i) for i in checks.values())
        with where.step("type the three answers into the blanks of the ROI skeleton"):
            answer_cell = cell_index(nb, "d1_roi_table_answer")
            source = type_into_blanks(nb, answer_cell, A.blanks(STEM)["roi_table"])
            assert "___" not in source and '"毛利贡献"' in source
            nb.command("notebook:enter-command-mode")
        with where.step("run all cells again: the ROI table is there, the budget form knows the ROI"):
            nb.run_all()
            assert "✓ 正确" in outputs(nb, checks["roi_table"]), outputs(nb, checks["roi_table"])
        for key in ("low_roi", "budget"):
            where.form = key
            with where.step("fill the form as typed and save: the form confirms"):
                fd = FormDriver(page, key)
                fd.fill(forms[key])
                fd.save()
                fd.wait_messages("t.includes('检查通过')", "the confirmation 检查通过")
                fd.screenshot(f"m3-student-{key}.png")
        where.form = ""
        with where.step("run all cells: every self-check says ✓ 正确"):
            nb.run_all()
            for task, i in checks.items():
                text = outputs(nb, i)
                assert "✓ 正确" in text and "✗" not in text, (task, text)
            page.screenshot(path=str(labdriver.artifact("m3-student-checks.png")), full_page=True)
        with where.step("save the notebook"):
            nb.save()
    finally:
        server.shutdown_sessions()

    with where.step("autograde what the browser saved (real nbgrader): full automatic points"):
        saved = harness.notebooks(folder)
        answers = json.loads((folder / f"{STEM}.answers.json").read_text(encoding="utf-8"))
        dest = harness.submit(rel.ws, MODULE, "browser_student", {f"{STEM}.ipynb": saved[f"{STEM}.ipynb"]})
        (dest / f"{STEM}.answers.json").write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
        scores = harness.autograde(rel.ws, MODULE, "browser_student")["browser_student"]
        maxima = harness.max_points(Path(rel.release))
        for gid in TASKS.values():
            assert scores[gid] == maxima[gid], (gid, scores[gid], maxima[gid])
