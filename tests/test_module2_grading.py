"""module2_campaign under the real nbgrader command line: the reference solution
scores full automatic points, the unchanged student version zero, a partly right
answer in between, and a submission full of typos ("6月18日", "399元") is graded
with Chinese feedback and loses nothing it typed.  One class workspace for the
whole file (generate once, autograde all students in one call)."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

import harness

MODULE = "module2_campaign"
SOURCE = harness.REPO / MODULE
pytestmark = pytest.mark.slow

PHASES = [{"phase": "预热期", "start": "2026-06-15", "end": "2026-06-17", "channels": ["社群引流", "直播"],
           "action": "社群预告+短视频引流"},
          {"phase": "爆发期", "start": "2026-06-18", "end": "2026-06-18", "channels": ["付费广告", "平台首页推荐"],
           "action": "加大付费广告投放"},
          {"phase": "返场期", "start": "2026-06-19", "end": "2026-06-20", "channels": ["社群引流"],
           "action": "向已加购未支付的用户定向推送优惠券"}]


def plan_form(**changes) -> dict:
    """The campaign-plan form as a student types it (all text)."""
    raw = {"theme": "新人大促·焕新家限时直降", "audience": "店铺新客", "gmv_target": "50000", "conversion_target": "8",
           "phases": json.loads(json.dumps(PHASES, ensure_ascii=False)), "budget": "6000", "reserve": "600"}
    raw.update(changes)
    return raw


def promo_form(**changes) -> dict:
    """The promotion-rule form as a student types it."""
    raw = {"title": "新人大促·焕新家限时直降", "audience": "店铺新客（首次下单的用户）",
           "start": "2026-06-15 00:00", "end": "2026-06-20 23:59",
           "rules": [{"type": "第N件折扣", "p1": "2", "p2": "0.5", "start": "", "end": "", "stack": True},
                     {"type": "满减", "p1": "399", "p2": "50", "start": "", "end": "", "stack": True},
                     {"type": "前N名赠品", "p1": "100", "p2": "", "start": "", "end": "", "stack": True}],
           "order": "第N件折扣 > 满减", "gift_name": "定制收纳盒", "gift_stock": "120", "gift_cost": "8",
           "stock_alert": "10", "custom_text": ""}
    raw.update(changes)
    return raw


# a right answer to 02's 典型购物车 step, typed by a student (their own words, same result)
CARTS_CODE = '''
cart_prices = None
rows = []
merged = typical.merge(skus[["sku_id", "campaign_price"]], on="sku_id")
for name, g in merged.groupby("购物车"):
    q = rules_618.price([{"sku_id": s, "unit_price": p, "qty": int(n)} for s, p, n in zip(g["sku_id"], g["campaign_price"], g["qty"])])
    rows.append([name, float(q.goods_amount), float(q.discount_amount), float(q.paid_amount), float(q.depth)])
cart_prices = pd.DataFrame(rows, columns=["购物车", "商品金额", "优惠金额", "实付金额", "优惠力度"])
'''
# half right: the sample arithmetic of table 2 right, and a fixed text that still has a forbidden clause
RATE_CODE = '''
def add_conversion(table):
    out = table.copy()
    out["转化率"] = (out["下单数"] / out["UV"] * 100).round(1)
    return out
'''
TEXT_CODE = '''
fixed_text = ("活动时间：2026-06-15 至 2026-06-20。同一商品第2件半价；第二件半价后满399元减50元；"
              "按支付时间前100名赠定制收纳盒，送完即止。本活动最终解释权归平台所有。")
'''


def max_points(folder: Path = SOURCE) -> dict[str, float]:
    return harness.max_points(folder)


def auto_ids(folder: Path = SOURCE) -> list[str]:
    return harness.auto_ids(folder)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    ws = harness.workspace(tmp_path_factory.mktemp("m2"))
    harness.nbgrader(ws, "generate_assignment", MODULE, "--force")
    released = harness.notebooks(ws / "release" / MODULE)
    harness.submit(ws, MODULE, "m2_ref", harness.notebooks(SOURCE))
    harness.submit(ws, MODULE, "m2_blank", released)

    partial = harness.notebooks(ws / "release" / MODULE)
    harness.set_source(partial["02_pricing.ipynb"], "a02_carts", CARTS_CODE)
    harness.set_source(partial["04_monitor.ipynb"], "a04_rate", RATE_CODE)
    harness.set_source(partial["01_plan.ipynb"], "a01_text", TEXT_CODE)
    forms = {"01_plan": {"campaign_plan": plan_form(reserve="300"), "promotion_rules": promo_form()}}
    harness.submit(ws, MODULE, "m2_partial", partial,
                   answers={k: harness.form_answers(v, k) for k, v in forms.items()})

    typos_phases = json.loads(json.dumps(PHASES, ensure_ascii=False))
    typos_phases[1]["start"] = typos_phases[1]["end"] = "6月18日"
    typos = {"01_plan": {"campaign_plan": plan_form(phases=typos_phases),
                         "promotion_rules": promo_form(rules=[
                             {"type": "满减", "p1": "399元", "p2": "50", "stack": True},
                             {"type": "第N件折扣", "p1": "2", "p2": "5", "stack": True},
                             {"type": "限时折扣", "p1": "", "p2": "0.9", "start": "6月18日", "end": "2026-06-18 23:59",
                              "stack": True}])}}
    harness.submit(ws, MODULE, "m2_typos", released,
                   answers={k: harness.form_answers(v, k) for k, v in typos.items()})
    scores = harness.autograde(ws, MODULE)   # all submitted students in one call
    return ws, scores


def test_reference_scores_full_automatic_points(graded):
    _ws, scores = graded
    ref = scores["m2_ref"]
    pts = max_points()
    missing = {g: (ref.get(g), pts[g]) for g in auto_ids() if ref.get(g) != pts[g]}
    assert not missing, f"reference lost points: {missing}"
    assert ref["total"] == ref["max"] == 75
    # the dimensions add up to the rubric weights of course/settings.yaml
    by_dim = {d: sum(p for g, p in pts.items() if g.startswith(d)) for d in ("d1_", "d2_", "d3_", "d5_")}
    assert by_dim == {"d1_": 30, "d2_": 25, "d3_": 20, "d5_": 10}


def test_unchanged_release_scores_zero(graded):
    _ws, scores = graded
    blank = scores["m2_blank"]
    assert blank["total"] == 0, {g: blank.get(g) for g in auto_ids() if blank.get(g)}


def test_partly_right_scores_in_between(graded):
    _ws, scores = graded
    part = scores["m2_partial"]
    assert 0 < part["total"] < part["max"]
    assert part["d1_rules"] == 12 and part["d2_carts"] == 8
    assert 0 < part["d1_plan"] < 10          # the risk reserve is below 10 % of the budget
    assert 0 < part["d1_text"] < 8           # 「最终解释权归平台所有」 is still in the text
    assert part["d2_margin"] == 0 and part["d3_table2"] == 0 and part["d3_stock"] == 0


def test_typos_are_graded_kept_and_explained(graded):
    ws, scores = graded
    typo = scores["m2_typos"]
    assert typo["d1_rules"] < 12 and typo["d1_plan"] < 10
    assert typo["d1_rules"] > 0              # the stock alert and the campaign time were right
    folder = ws / "autograded" / "m2_typos" / MODULE
    saved = json.loads((folder / "01_plan.answers.json").read_text(encoding="utf-8"))
    raw = saved["forms"]["promotion_rules"]["raw"]
    assert raw["rules"][0]["p1"] == "399元" and raw["rules"][2]["start"] == "6月18日"   # nothing typed is lost
    assert saved["forms"]["campaign_plan"]["raw"]["phases"][1]["start"] == "6月18日"
    text = json.dumps(nbformat.read(folder / "01_plan.ipynb", as_version=4).dict(), ensure_ascii=False)
    assert "提升方向" in text and "不要带“元”" in text and "没有年份" in text


def test_release_hides_solutions_and_hidden_tests(graded):
    ws, _ = graded
    for path in (ws / "release" / MODULE).glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, path.name
        assert '"gift_stock": 120' not in text and "满599减50" not in text and "订单取消的名额顺延" not in text, path.name


def test_blank_release_runs_without_errors(graded):
    """The released notebooks run top to bottom for a student who answered nothing."""
    ws, _ = graded
    paths = sorted((ws / "autograded" / "m2_blank" / MODULE).glob("*.ipynb"))
    assert len(paths) == 4
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        assert not errors, (path.name, [e.get("ename") or e.get("text", "")[:200] for e in errors])
        text = json.dumps(nb.dict(), ensure_ascii=False)
        assert "请先填写并保存" in text or "还没有作答" in text or "None" in text
