"""A student completes one notebook of module 2 in a real JupyterLab: 02_pricing.

Only what a student does: edit the colleague's draft in the 公示文案 form and save it,
type the answers into the blanks ``___`` of the three skeletons (typical carts,
deepest discount, margins), try parameters in the 规则调整 form and save them, run
the self-checks and see each one turn ✓ 正确.  Then the notebook and answer file
the browser saved are autograded by the real ``nbgrader autograde``: every
automatic point of the notebook is earned.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import harness
import labdriver
import pytest
from labdriver import FormDriver, NotebookPage

pytestmark = pytest.mark.browser

MODULE = "module2_campaign"
STEM = "02_pricing"
TASKS = {
    "rule_text": "d1_rule_text",
    "cart_prices": "d2_cart_prices",
    "deepest": "d2_deepest",
    "margin_table": "d2_margin_table",
    "rule_adjust": "d2_rule_adjust",
}
# what the student types into each skeleton's blanks, in order
BLANKS = {
    "d2_cart_prices_answer": ['"campaign_price"', '"优惠金额"', '"商品金额"'],
    "d2_deepest_answer": ['"优惠力度"', "False"],
    "d2_margin_table_answer": ['"商品成本"', '"实付金额"', '"实付金额"'],
}


def rule_text() -> str:
    """The student's public rule text: the draft rewritten with the shop's rules (from the data)."""
    from course.tools import campaign
    from course.tools.promotion import FullReduction, Gift, NthDiscount, fmt_money, fmt_time

    rs = campaign.shop_rules()
    nth = next(r for r in rs.rules if isinstance(r, NthDiscount))
    full = next(r for r in rs.rules if isinstance(r, FullReduction))
    gift = next(r for r in rs.rules if isinstance(r, Gift))
    t, a = (fmt_money(x) for x in full.tiers[0])
    return (
        f"活动时间：{fmt_time(rs.start)} 至 {fmt_time(rs.end)}。同一商品第{nth.n}件半价，第{nth.n + 1}件起按原活动价；"
        f"第二件半价后的订单金额满{t}元（含{t}元）减{a}元，每单一次；按支付时间前{gift.limit}名的订单赠{gift.gift}，"
        "送完即止；部分退货按分摊后的实付金额退款。"
    )


def adjustment() -> dict:
    """Parameters a student settles on after a few tries: the first that puts the campaign in the band."""
    from course.forms.promotion_form import adjust_in_target

    tries = ({"nth_rate": 0.5, "threshold": 399.0, "amount": float(a)} for a in range(50, 200, 5))
    found = next(v for v in tries if adjust_in_target(v))
    return {"nth_rate": "0.5", "threshold": "399", "amount": f"{found['amount']:g}"}


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
    nb.command("notebook:enter-command-mode")
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


def test_a_student_completes_the_pricing_notebook(page, released, lab, where, tmp_path):
    rel = released(MODULE)
    folder = tmp_path / "student" / MODULE
    shutil.copytree(rel.release, folder)
    server = lab(folder)
    where.notebook = f"{MODULE}/{STEM}.ipynb"
    nb = NotebookPage(page, server, f"{STEM}.ipynb", where)
    try:
        with where.step("open the notebook and run all cells (blanks open, forms not saved)"):
            nb.open()
            nb.wait_kernel_idle()
            nb.run_all()
            checks = {task: cell_index(nb, gid) for task, gid in TASKS.items()}
            assert all("✓ 正确" not in outputs(nb, i) for i in checks.values())
            blank = outputs(nb, cell_index(nb, "d2_cart_prices_answer"))
            assert "还有 3 个空格 ___ 没有填写" in blank, blank
        where.form = "rule_text"
        with where.step("rewrite the colleague's draft in the 公示文案 form and save it: the form confirms"):
            fd = FormDriver(page, "rule_text")
            assert "最终解释权" in fd.get("text")  # the draft to start from
            fd.save()
            fd.wait_messages("t.includes('违规条款')", "the draft's problems listed")
            fd.fill({"text": rule_text()})
            fd.save()
            fd.wait_messages("t.includes('检查通过')", "the confirmation 检查通过")
        where.form = ""
        for gid, answers in BLANKS.items():
            with where.step(f"type the answers into the blanks of {gid}"):
                source = type_into_blanks(nb, cell_index(nb, gid), answers)
                assert "___" not in source, source
        with where.step("run all cells: the three skeletons run, the adjustment form shows the margins"):
            nb.run_all()
            for task in ("cart_prices", "deepest", "margin_table"):
                assert "✓ 正确" in outputs(nb, checks[task]), (task, outputs(nb, checks[task]))
        where.form = "rule_adjust"
        with where.step("try new parameters in the 规则调整 form and save them: the form confirms"):
            fd = FormDriver(page, "rule_adjust")
            fd.fill(adjustment())
            fd.save()
            fd.wait_messages("t.includes('检查通过')", "the confirmation 检查通过")
            assert "在目标区间内" in fd.root.inner_text()
            fd.screenshot("m2-student-rule_adjust.png")
        where.form = ""
        with where.step("run all cells: every self-check says ✓ 正确"):
            nb.run_all()
            for task, i in checks.items():
                text = outputs(nb, i)
                assert "✓ 正确" in text and "✗" not in text, (task, text)
            page.screenshot(path=str(labdriver.artifact("m2-student-checks.png")), full_page=True)
        with where.step("save the notebook"):
            nb.save()
    finally:
        server.shutdown_sessions()

    with where.step("autograde what the browser saved (real nbgrader): full automatic points"):
        saved = harness.notebooks(folder)
        answers = json.loads((folder / f"{STEM}.answers.json").read_text(encoding="utf-8"))
        assert answers["forms"]["rule_text"]["raw"]["text"] == rule_text()
        dest = harness.submit(rel.ws, MODULE, "browser_student", {f"{STEM}.ipynb": saved[f"{STEM}.ipynb"]})
        (dest / f"{STEM}.answers.json").write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
        scores = harness.autograde(rel.ws, MODULE, "browser_student")["browser_student"]
        maxima = harness.max_points(Path(rel.release))
        for gid in TASKS.values():
            assert scores[gid] == maxima[gid], (gid, scores[gid], maxima[gid])
