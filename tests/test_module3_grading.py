"""module3_analytics under the real nbgrader command line (one workspace for
the whole module): the reference solution scores full automatic points, the
unchanged student version zero, a partly right submission in between; the
released notebooks carry no solution, hidden test or reference code and run
top to bottom for a student who has not answered anything."""
import copy
import re

import nbformat
import pytest

import harness

pytestmark = pytest.mark.slow
MODULE = "module3_analytics"
NOTEBOOKS = ["01_core_metrics", "02_funnel", "03_channel_roi", "04_ab_test", "05_review_dashboard"]
MANUAL = {"d2_funnel_reasoning": 4, "d2_review_problems": 8, "d3_review_actions": 8, "d5_remark": 10}


def _replace(nb, grade_id, old, new):
    cell = harness.cell(nb, grade_id)
    assert old in cell.source, (grade_id, old)
    cell.source = cell.source.replace(old, new)


def partial_submission(reference):
    """The reference with a few realistic mistakes, and form entries as typed."""
    nbs = copy.deepcopy(reference)
    # 01: repurchase counted as "3 or more orders": only 复购率 is wrong everywhere it appears
    _replace(nbs["01_core_metrics.ipynb"], "d1_core_metrics_fn", ".size() >= 2).sum())", ".size() >= 3).sum())")
    # 03: low-ROI channels judged by GMV / spend (投产比) -- none is below 2 that way
    _replace(nbs["03_channel_roi.ipynb"], "d2_low_roi_answer", 'roi_table["ROI"] < ROI_FLOOR', 'roi_table["投产比"] < ROI_FLOOR')
    answers = {
        # 02: blames traffic instead of checkout, numbers right
        "02_funnel": harness.form_answers({"leak": {
            "step": "访问→加购", "phases": ["爆发期", "返场期"], "scope": "所有渠道普遍偏低",
            "normal_rate": "", "campaign_rate": "", "campaign_cart_rate": "",
            "causes": ["流量不精准"]}}, "02_funnel"),
        # 05: one vague action ("优化详情页"), no number in one problem
        "05_review_dashboard": harness.form_answers({"action_plan": {"rows": [
            {"problem": "活动期加购→下单只有 12%", "cause": "满减规则复杂", "action": "在结算页顶部增加已享优惠明细模块",
             "metric": "加购→下单", "target": "≥ 20%", "deadline": "2026-10-31"},
            {"problem": "付费广告不赚钱", "cause": "点击单价高", "action": "优化详情页",
             "metric": "ROI", "target": "≥ 2", "deadline": "2026-10-20"},
            {"problem": "A/B 测试 p 值 0.14", "cause": "样本不足", "action": "新版详情页继续测试到每组 7000 名访客",
             "metric": "p 值", "target": "每组 ≥ 7000", "deadline": "2026-09-30"},
        ]}}, "05_review_dashboard"),
    }
    return nbs, answers


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    ws = harness.workspace(tmp_path_factory.mktemp("m3grading"))
    harness.nbgrader(ws, "generate_assignment", MODULE, "--force")
    released = harness.notebooks(ws / "release" / MODULE)
    reference = harness.notebooks(harness.REPO / MODULE)
    harness.submit(ws, MODULE, "stu_ref", reference)
    harness.submit(ws, MODULE, "stu_blank", released)
    nbs, answers = partial_submission(reference)
    harness.submit(ws, MODULE, "stu_partial", nbs, answers=answers)
    scores = harness.autograde(ws, MODULE)
    return ws, scores, released


def test_reference_scores_full_automatic_points(graded):
    _ws, scores, _ = graded
    ref = scores["stu_ref"]
    assert ref["max"] > 0
    assert ref["total"] == pytest.approx(ref["max"]), {k: v for k, v in ref.items()}


def test_unchanged_release_scores_zero(graded):
    _ws, scores, _ = graded
    blank = scores["stu_blank"]
    assert blank["max"] >= scores["stu_ref"]["max"]      # unchanged manual cells are recorded too (score 0)
    assert blank["total"] == 0, {k: v for k, v in blank.items() if v}


def test_partial_answer_scores_in_between(graded):
    _ws, scores, _ = graded
    part, ref = scores["stu_partial"], scores["stu_ref"]
    assert 0 < part["total"] < ref["max"]
    # only the repurchase check fails in the metric cells that use core_metrics
    assert 0 < part["d1_campaign_overall"] < ref["d1_campaign_overall"]
    assert 0 < part["d1_by_phase"] < ref["d1_by_phase"]
    assert part["d1_daily"] == ref["d1_daily"]                  # no 复购率 in the daily check
    assert 0 < part["d2_leak"] < ref["d2_leak"]
    assert part["d2_low_roi"] == 0
    assert 0 < part["d3_action_plan"] < ref["d3_action_plan"]
    assert part["d1_ab_test"] == ref["d1_ab_test"]


def test_dimensions_and_manual_cells(graded):
    _ws, scores, released = graded
    ids = set(scores["stu_ref"]) - {"total", "max"}
    assert {i.split("_")[0] for i in ids} == {"d1", "d2", "d3", "d5"}
    for gid, pts in MANUAL.items():
        nb = next(nb for nb in released.values() if any(
            c.metadata.get("nbgrader", {}).get("grade_id") == gid for c in nb.cells))
        meta = harness.cell(nb, gid).metadata["nbgrader"]
        assert meta["grade"] and meta["solution"] and meta["points"] == pts
        assert harness.cell(nb, gid).cell_type == "markdown"
        assert "参考答案" not in harness.cell(nb, gid).source
    assert "d5_remark" in harness.cell(released["05_review_dashboard.ipynb"], "d5_remark").metadata["nbgrader"]["grade_id"]


def test_release_holds_no_answer(graded):
    ws, _scores, released = graded
    assert sorted(released) == [f"{n}.ipynb" for n in NOTEBOOKS]
    assert not (ws / "release" / MODULE / "TEACHER_NOTES.md").exists()
    for name, nb in released.items():
        text = "\n".join(c.source for c in nb.cells)
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "grading.reference", "_R.", "参考答案",
                       "def core_metrics", "t.loc[\"B\", \"支付人数\"]", "low_roi_channels = roi_table"):
            assert marker not in text, f"{name} leaks {marker!r}"


def test_blank_release_runs_top_to_bottom(graded):
    ws, _scores, _ = graded
    folder = ws / "autograded" / "stu_blank" / MODULE
    for name in NOTEBOOKS:
        nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        for c in nb.cells:
            if c.cell_type != "code":
                continue
            errors = [o for o in c.get("outputs", []) if o.output_type == "error"]
            assert not errors, f"{name}: {c.source[:60]!r} -> {errors[0].ename}: {errors[0].evalue}"
            streams = "".join(o.get("text", "") for o in c.get("outputs", []) if o.output_type == "stream")
            assert "Traceback" not in streams and not re.search(r"\bnan%", streams)
