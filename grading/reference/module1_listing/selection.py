"""01_selection: candidates from the category Top-100 and their SWOT (表6 详情页逻辑性).

The target buyers are the featured product's persona (``R.product.persona``);
the margin floor is the setting ``selection_margin_min``.
"""

from __future__ import annotations

from course import checks as C
from course.forms.swot_form import TopPicks

from ..tasks import Task

NOTEBOOK = "01_selection"


def candidates(R):
    """Top-100 items that fit the persona, margin and competition rules, best estimated monthly margin first."""
    t = R.table("category_top100")
    persona = R.product.persona
    keep = (
        t["target_age_band"].isin(persona.age_bands)
        & t["target_gender"].isin(persona.genders)
        & (t["spending_level"] == persona.spending)
        & (t["est_margin_rate"] >= R.threshold("listing", "selection_margin_min"))
        & (t["competition_level"] != "高")
    )
    out = t[keep].copy()
    out["预估月毛利"] = ((out["price"] - out["est_cost"]) * out["monthly_sales"]).round(2)
    return out.sort_values("预估月毛利", ascending=False, kind="mergesort").reset_index(drop=True)


TASKS = [
    Task(
        "candidates",
        title="候选商品",
        dim="d2",
        points=6,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=["item_id", "预估月毛利"],
                weight=1,
                msg="candidates 需要 item_id 和 预估月毛利 两列：检查代码里新增列的名字有没有被改动。",
            ),
            C.SameSet(
                column="item_id",
                weight=2,
                ref=lambda R: candidates(R)["item_id"],
                msg="候选商品不对：有的商品不符合（或漏掉了）毛利率条件。检查第一个空格：毛利率门槛填变量名 MARGIN_MIN，不加引号。",
            ),
            C.SameList(
                column="预估月毛利",
                digits=1,
                weight=2,
                ref=lambda R: candidates(R)["预估月毛利"],
                msg="预估月毛利不对：应为（售价 − 估算成本）× 近30天销量。检查第二个空格里的成本列名。",
            ),
            C.Sorted(
                column="预估月毛利", descending=True, weight=1, msg="按预估月毛利从高到低排序（ascending=False）。"
            ),
        ],
    ),
    Task(
        "swot",
        title="SWOT 分析",
        dim="d2",
        points=4,
        kind="form",
        effort=15,
        checks=[
            C.Keys(keys=["rows"], weight=0, msg="SWOT 表单还没有内容：每个入选商品填一行。"),
            C.Predicate(
                func="course.forms.swot_form:picks_count_ok",
                column="rows",
                msg="入选商品的数量不对，或有商品重复：按步骤说明的范围选，每个商品一行。",
            ),
            TopPicks(
                column="rows",
                field="item_id",
                ref=lambda R: candidates(R)["item_id"],
                msg="入选的应是候选表中预估月毛利最高的那几款（选几款由你决定，但要从第 1 名往下选）。",
            ),
            C.Predicate(
                func="course.forms.swot_form:quadrants_concrete",
                column="rows",
                msg="S/W/O/T 每一条都要是具体的分析（不少于 4 个字，最好带上表格里的数据），不能写“好”“一般”。",
            ),
            C.Predicate(
                func="course.forms.swot_form:quadrants_distinct",
                column="rows",
                msg="不同象限、不同商品的分析不要互相复制，各写各的依据。",
            ),
        ],
    ),
]
