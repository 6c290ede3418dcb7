"""module2_campaign under the real nbgrader command line: the reference solution
scores full automatic points, the unchanged student version zero, a partly right
answer in between (blanks filled as a student types them, forms saved as typed),
and a submission full of typos ("6月18日", "399元") is graded with Chinese feedback
and loses nothing it typed.  One class workspace for the whole file (generate
once, autograde all students in one call)."""

from __future__ import annotations

import json
from pathlib import Path

import harness
import nbformat
import pytest

from grading.scaffold import blank_answers, fill, scaffold_of, solution_of

MODULE = "module2_campaign"
SOURCE = harness.REPO / MODULE
pytestmark = pytest.mark.slow

PHASES = [
    {
        "phase": "预热期",
        "start": "2026-06-15",
        "end": "2026-06-17",
        "channels": ["社群引流", "直播"],
        "action": "社群预告+短视频引流",
    },
    {
        "phase": "爆发期",
        "start": "2026-06-18",
        "end": "2026-06-18",
        "channels": ["付费广告", "平台首页推荐"],
        "action": "加大付费广告投放",
    },
    {
        "phase": "返场期",
        "start": "2026-06-19",
        "end": "2026-06-20",
        "channels": ["社群引流"],
        "action": "向已加购未支付的用户定向推送优惠券",
    },
]


def plan_form(**changes) -> dict:
    """The campaign-plan form as a student types it (all text)."""
    raw = {
        "theme": "新人大促·焕新家限时直降",
        "audience": "店铺新客",
        "phases": json.loads(json.dumps(PHASES, ensure_ascii=False)),
        "budget": "6000",
        "reserve": "600",
    }
    raw.update(changes)
    return raw


def promo_form(**changes) -> dict:
    """The promotion-rule form as a student types it."""
    raw = {
        "title": "新人大促·焕新家限时直降",
        "start": "2026-06-15 00:00",
        "end": "2026-06-20 23:59",
        "rules": [
            {"type": "第N件折扣", "p1": "2", "p2": "0.5", "start": "", "end": "", "stack": True},
            {"type": "满减", "p1": "399", "p2": "50", "start": "", "end": "", "stack": True},
            {"type": "前N名赠品", "p1": "100", "p2": "", "start": "", "end": "", "stack": True},
        ],
        "order": "第N件折扣 > 满减",
        "gift_name": "定制收纳盒",
        "gift_stock": "120",
        "gift_cost": "8",
        "stock_alert": "10",
    }
    raw.update(changes)
    return raw


# a rule text that is complete but still has the forbidden clause
HALF_TEXT = (
    "活动时间：2026-06-15 00:00 至 2026-06-20 23:59。同一商品第2件半价；第二件半价后满399元（含399元）减50元；"
    "按支付时间前100名赠定制收纳盒，送完即止。本活动最终解释权归平台所有。"
)


def fill_blanks(released: dict, grade_id: str, answers: list[str] | None = None):
    """Type into a released answer cell's blanks what its source solution has (or ``answers``)."""
    src = harness.cell(harness.notebooks(SOURCE)[_notebook_of(grade_id)], grade_id).source
    right = blank_answers(scaffold_of(src), solution_of(src))
    cell = harness.cell(released[_notebook_of(grade_id)], grade_id)
    cell.source = fill(cell.source, answers or right)


def _notebook_of(grade_id: str) -> str:
    for name, nb in harness.notebooks(SOURCE).items():
        if any(c.metadata.get("nbgrader", {}).get("grade_id") == grade_id for c in nb.cells):
            return name
    raise KeyError(grade_id)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    ws = harness.workspace(tmp_path_factory.mktemp("m2"))
    harness.nbgrader(ws, "generate_assignment", MODULE, "--force")
    released = harness.notebooks(ws / "release" / MODULE)
    harness.submit(ws, MODULE, "m2_ref", harness.notebooks(SOURCE))
    harness.submit(ws, MODULE, "m2_blank", released)

    partial = harness.notebooks(ws / "release" / MODULE)
    fill_blanks(partial, "d2_cart_prices_answer")  # right
    fill_blanks(partial, "d2_deepest_answer", ['"优惠力度"', "True"])  # sorted the wrong way
    fill_blanks(partial, "d3_baseline_answer")  # right
    fill_blanks(partial, "d3_table2_answer", ['"下单数"', '"UV"', "1"])  # no notes where due
    forms = {
        "01_plan": {"campaign_plan": plan_form(reserve="300"), "promotion_rules": promo_form()},
        "02_pricing": {"rule_text": {"text": HALF_TEXT}},
    }
    harness.submit(ws, MODULE, "m2_partial", partial, answers={k: harness.form_answers(v, k) for k, v in forms.items()})

    typos_phases = json.loads(json.dumps(PHASES, ensure_ascii=False))
    typos_phases[1]["start"] = typos_phases[1]["end"] = "6月18日"
    typos = {
        "01_plan": {
            "campaign_plan": plan_form(phases=typos_phases),
            "promotion_rules": promo_form(
                rules=[
                    {"type": "满减", "p1": "399元", "p2": "50", "stack": True},
                    {"type": "第N件折扣", "p1": "2", "p2": "5", "stack": True},
                    {
                        "type": "限时折扣",
                        "p1": "",
                        "p2": "0.9",
                        "start": "6月18日",
                        "end": "2026-06-18 23:59",
                        "stack": True,
                    },
                ]
            ),
        },
        "02_pricing": {"rule_adjust": {"nth_rate": "0.5", "threshold": "399元", "amount": "50"}},
    }
    harness.submit(ws, MODULE, "m2_typos", released, answers={k: harness.form_answers(v, k) for k, v in typos.items()})
    scores = harness.autograde(ws, MODULE)  # all submitted students in one call
    return ws, scores


def test_reference_scores_full_automatic_points(graded):
    _ws, scores = graded
    ref = scores["m2_ref"]
    pts = harness.max_points(SOURCE)
    missing = {g: (ref.get(g), pts[g]) for g in harness.auto_ids(SOURCE) if ref.get(g) != pts[g]}
    assert not missing, f"reference lost points: {missing}"
    assert ref["total"] == ref["max"] == 75
    # the dimensions add up to the rubric weights of course/settings.yaml
    by_dim = {d: sum(p for g, p in pts.items() if g.startswith(d)) for d in ("d1_", "d2_", "d3_", "d5_")}
    assert by_dim == {"d1_": 30, "d2_": 25, "d3_": 20, "d5_": 10}


def test_unchanged_release_scores_zero(graded):
    _ws, scores = graded
    blank = scores["m2_blank"]
    assert blank["total"] == 0, {g: blank.get(g) for g in harness.auto_ids(SOURCE) if blank.get(g)}


def test_partly_right_scores_in_between(graded):
    _ws, scores = graded
    part = scores["m2_partial"]
    assert 0 < part["total"] < part["max"]
    assert part["d1_promotion_rules"] == 12 and part["d2_cart_prices"] == 7 and part["d3_baseline"] == 3
    assert 0 < part["d1_campaign_plan"] < 10  # the risk reserve is below the share of the budget
    assert 0 < part["d1_rule_text"] < 8  # 「最终解释权归平台所有」 is still in the text
    assert 0 < part["d3_table2"] < 5  # 转化率 right, the notes missing
    assert part["d2_deepest"] < 5 and part["d2_margin_table"] == 0 and part["d3_delist_report"] == 0


def test_typos_are_graded_kept_and_explained(graded):
    ws, scores = graded
    typo = scores["m2_typos"]
    assert typo["d1_promotion_rules"] == 0 and typo["d1_campaign_plan"] < 10 and typo["d2_rule_adjust"] == 0
    assert typo["d1_campaign_plan"] > 0  # the theme, audience and channels were right
    folder = ws / "autograded" / "m2_typos" / MODULE
    saved = json.loads((folder / "01_plan.answers.json").read_text(encoding="utf-8"))
    raw = saved["forms"]["promotion_rules"]["raw"]
    assert raw["rules"][0]["p1"] == "399元" and raw["rules"][2]["start"] == "6月18日"  # nothing typed is lost
    assert saved["forms"]["campaign_plan"]["raw"]["phases"][1]["start"] == "6月18日"
    # the graded cells' 提升方向, from the clean re-check (what the feedback shows)
    text = json.dumps(results(ws, "m2_typos"), ensure_ascii=False)
    assert "提升方向" in text and "规则还无法使用" in text and "阶段日期不对" in text


def test_release_hides_solutions_and_hidden_tests(graded):
    ws, _ = graded
    for path in (ws / "release" / MODULE).glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "SCAFFOLD" not in text, path.name
        assert "送完即止" not in text and "course.grade" not in text, path.name
        assert "在此处填写你的代码" not in text, path.name  # form cells say what to do instead
        nb = nbformat.read(path, as_version=4)
        for c in nb.cells:
            if c.cell_type == "markdown":
                assert "{{" not in c.source and "原文此处缺字" not in c.source, (path.name, c.source[:80])


def test_blank_release_runs_without_errors(graded):
    """The released notebooks run top to bottom for a student who answered nothing."""
    ws, _ = graded
    paths = sorted((ws / "autograded" / "m2_blank" / MODULE).glob("*.ipynb"))
    assert len(paths) == 4
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        errors = [
            o
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
            if o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")
        ]
        assert not errors, (path.name, [e.get("ename") or e.get("text", "")[:200] for e in errors])
        text = json.dumps(nb.dict(), ensure_ascii=False)
        assert "请先填写并保存" in text or "还没有作答" in text or "___" in text


def test_blanks_left_in_a_cell_get_a_chinese_message(graded):
    ws, _ = graded
    nb = nbformat.read(ws / "autograded" / "m2_blank" / MODULE / "02_pricing.ipynb", as_version=4)
    out = "".join(o.get("text", "") for o in harness.cell(nb, "d2_cart_prices_answer").outputs)
    assert "还有 3 个空格 ___ 没有填写" in out


def results(ws: Path, student: str) -> dict:
    return json.loads((ws / ".grading" / "results" / MODULE / f"{student}.json").read_text(encoding="utf-8"))


def test_the_clean_recheck_graded_every_submission_and_the_gradebook_follows_it(graded):
    """nbgrader's hook re-checks each recorded answer outside the student's kernel; the
    final score of every graded code cell is the re-check's, and it is in the gradebook."""
    ws, scores = graded
    for student in ("m2_ref", "m2_blank", "m2_partial", "m2_typos"):
        res = results(ws, student)
        cells = {gid: c for nb in res["notebooks"].values() for gid, c in nb["cells"].items() if c["type"] == "code"}
        assert res["status"] == "ok" and len(cells) == 13, (student, res["reasons"])
        assert not [g for g, c in cells.items() if c.get("disagree")], student
        assert {g: c["final"] for g, c in cells.items()} == {g: scores[student][g] for g in cells}, student
        assert all(c["final"] == c["recheck"] for c in cells.values()), student
