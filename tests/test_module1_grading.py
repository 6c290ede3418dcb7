"""module1_listing under the real nbgrader command line: the reference solution
scores full automatic points, the unchanged student version zero, a partly right
answer in between.  One class workspace for the whole file (generate once,
autograde all students in one call).

The builders ``student_forms`` / ``answer_files`` are shared with test_table6.py:
they give the forms' raw entries exactly as a student types them."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

import harness

MODULE = "module1_listing"
SOURCE = harness.REPO / MODULE
pytestmark = pytest.mark.slow


# -- what a student types into the forms ---------------------------------------------

def reference_picks() -> list:
    """The item_ids a right selection gives (computed from the data, not hard-coded)."""
    import os

    os.environ.setdefault("COURSE_DATA_DIR", str(harness.DATA))
    from course import data, settings

    t = data.load("category_top100")
    f = t[t["target_age_band"].isin(["25-30岁", "31-35岁"]) & t["target_gender"].isin(["女", "不限"])
          & (t["spending_level"] == "中") & (t["est_margin_rate"] >= settings.threshold("listing", "selection_margin_min"))
          & (t["competition_level"] != "高")].copy()
    f["g"] = (f["price"] - f["est_cost"]) * f["monthly_sales"]
    return f.sort_values("g", ascending=False).head(4).to_dict("records")


def student_forms(*, title_missing_attribute=False, detail_out_of_order=False, sku_invalid_option=False) -> dict:
    """{notebook stem: {form key: raw entries}} for a complete, right listing, with
    the three defects of table 6's first worked row switchable."""
    swot_rows = [{"item_id": r["item_id"],
                  "s": f"毛利率{r['est_margin_rate']:.0%}，月毛利高",
                  "w": f"单件成本{r['est_cost']:.0f}元，备货压资金",
                  "o": f"月销{r['monthly_sales']}件，{r['season_hint']}",
                  "t": f"竞争度{r['competition_level']}，在线商品{r['online_items']}个"} for r in reference_picks()]
    title = "栖木北欧ins风简约床头柜卧室小户型储物柜现代简约白色2026新款"
    if title_missing_attribute:
        title = title.replace("小户型", "")          # 缺核心属性词
    order = ["场景导入", "产品细节", "核心卖点", "规格参数", "用户评价"]
    if detail_out_of_order:
        order = ["核心卖点", "场景导入", "规格参数", "产品细节", "用户评价"]   # 卖点排序混乱
    colours = "白色/原木色/浅灰色" + ("/默认" if sku_invalid_option else "")      # 存在无效选项
    return {
        "01_selection": {"swot": {"rows": swot_rows}},
        "02_title": {"title": {"core_keyword": "床头柜", "attributes": "北欧、简约、小户型、卧室",
                               "marketing": "2026新款", "title": title}},
        "03_detail_page": {"detail": {
            "sections": [{"module": m, "content": f"{m}的内容"} for m in order],
            "points": [{"point": "40cm窄款不占地", "pain": "卧室空间小"}, {"point": "免安装抽拉设计", "pain": "安装麻烦"},
                       {"point": "双抽屉大容量", "pain": "收纳不够用"}, {"point": "环保E1级板材", "pain": "担心甲醛"},
                       {"point": "北欧简约三色可选", "pain": "风格难搭配"}],
            "video_seconds": "20"}},
        "04_sku_price": {
            "sku": {"attributes": [{"name": "颜色", "values": colours}, {"name": "尺寸", "values": "40cm宽/48cm宽"}]},
            "price": {"prices": [{"spec": "40cm宽", "daily": "199.00", "activity": "179.00"},
                                 {"spec": "48cm宽", "daily": "259.00", "activity": "229.00"}]}},
    }


def answer_files(forms: dict) -> dict:
    """Answer-file contents for ``harness.submit(answers=...)``."""
    return {stem: harness.form_answers(entries, stem) for stem, entries in forms.items()}


def max_points(folder: Path = SOURCE) -> dict[str, float]:
    return harness.max_points(folder)


def auto_ids(folder: Path = SOURCE) -> list[str]:
    return harness.auto_ids(folder)


# -- the workspace ------------------------------------------------------------------

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    ws = harness.workspace(tmp_path_factory.mktemp("m1"))
    harness.nbgrader(ws, "generate_assignment", MODULE, "--force")
    released = harness.notebooks(ws / "release" / MODULE)
    source = harness.notebooks(SOURCE)
    harness.submit(ws, MODULE, "m1_ref", source)
    harness.submit(ws, MODULE, "m1_blank", released)
    # partly right: forms filled (title right, SKU with 颜色:默认), no code answered
    forms = student_forms(sku_invalid_option=True)
    partial = {k: v for k, v in forms.items() if k in ("02_title", "04_sku_price")}
    harness.submit(ws, MODULE, "m1_partial", released, answers=answer_files(partial))
    scores = harness.autograde(ws, MODULE)   # all submitted students in one call
    return ws, scores


def test_reference_scores_full_automatic_points(graded):
    _ws, scores = graded
    ref = scores["m1_ref"]
    pts = max_points()
    missing = {g: (ref.get(g), pts[g]) for g in auto_ids() if ref.get(g) != pts[g]}
    assert not missing, f"reference lost points: {missing}"
    assert ref["total"] == ref["max"] == sum(pts[g] for g in auto_ids()) == 75


def test_unchanged_release_scores_zero(graded):
    _ws, scores = graded
    blank = scores["m1_blank"]
    assert blank["total"] == 0, {g: blank.get(g) for g in auto_ids() if blank.get(g)}


def test_partly_right_scores_in_between(graded):
    _ws, scores = graded
    part = scores["m1_partial"]
    assert 0 < part["total"] < part["max"]
    assert part["d1_title"] == 10 and part["d1_keywords"] == 8
    assert part["d3_sku"] == 4            # 颜色:默认 costs the invalid-option check
    assert part["d3_price"] == 4
    assert part["d1_kw_value"] == 0 and part["d2_candidates"] == 0


def test_release_hides_solutions_and_hidden_tests(graded):
    ws, _ = graded
    for path in (ws / "release" / MODULE).glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, path.name
        assert "栖木北欧ins风" not in text and "cand_03.png\", \"cand_01" not in text, path.name
    assert (ws / "release" / MODULE / "assets" / "P001" / "cand_01.png").is_file()   # every featurable product's images ship


def test_blank_release_runs_without_errors(graded):
    """The released notebooks run top to bottom for a student who answered nothing."""
    ws, _ = graded
    for path in sorted((ws / "autograded" / "m1_blank" / MODULE).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        assert not errors, (path.name, [e.get("ename") or e.get("text", "")[:200] for e in errors])


def test_feedback_in_chinese(graded):
    ws, _ = graded
    path = ws / "autograded" / "m1_partial" / MODULE / "04_sku_price.ipynb"
    text = json.dumps(nbformat.read(path, as_version=4).dict(), ensure_ascii=False)
    assert "提升方向" in text and "无效选项" in text
