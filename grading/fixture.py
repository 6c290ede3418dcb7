"""A tiny five-dimension assignment for the grading tests and benchmark.

It needs no shop data and runs in a second or two, yet has everything the
grading side relies on: a form, answer cells, hidden tests that compute their
expected values from instructor cells, partial credit, two notebooks, all
three auto dimensions and the 备注 manual cell.  Points are chosen so that the
dimension maxima equal the table-6 weights (d1 = 30, d2 = 25, d3 = 20), which
lets the tests reproduce the workshop's worked rows (-> 79 and -> 90).

It is built *as* ``module1_listing`` inside a throwaway workspace (a real
folder in ``<workspace>/source/``, not the repository's module), so the course
settings -- which only know the four course modules -- give it module one's
table-6 rubric and due date.
"""

from __future__ import annotations

from pathlib import Path

MODULE = "module1_listing"


def build(dest_dir: Path) -> Path:
    """Write ``<dest_dir>/module1_listing/{01_shop,02_price}.ipynb``; return the folder."""
    folder = Path(dest_dir) / MODULE
    _shop_notebook().save(folder / "01_shop.ipynb")
    _price_notebook().save(folder / "02_price.ipynb")
    return folder


def _start(nb, title: str, name: str) -> None:
    """Title cell and the ``course.start`` cell every fixture notebook opens with."""
    nb.md(f"# {title}\n\n（评分系统测试用的小作业。）")
    nb.code(f'import course\nimport course.autocheck\ncourse.start("{MODULE}", "{name}")')


def _shop_notebook():
    """``01_shop``: the form-backed 店铺信息 answer (d1, 10) and 销量前三 (d1, 20)."""
    from .authoring import Notebook

    nb = Notebook(MODULE, "01_shop")
    _start(nb, "测试作业一：店铺信息与选品", "01_shop")
    _shop_form_part(nb)
    _top3_part(nb)
    nb.md("## 小结\n\n选品先看销量，再看毛利。")
    return nb


def _shop_form_part(nb) -> None:
    """A form the student fills in, whose answers the hidden test checks field by field."""
    nb.code(
        "from course.forms import Form, Text, Number\n"
        'shop_form = Form("shop", "店铺信息", [Text("name", "店铺名称"), Number("price", "日常价", decimals=2, minimum=0.01)])\n'
        "shop_form"
    )
    nb.answer(
        "d1_shop_answer",
        "shop = shop_form.answers()\n### BEGIN SOLUTION\nif shop is None:\n"
        '    shop = {"name": "北欧家居旗舰店", "price": 499.0}\n### END SOLUTION',
    )
    nb.test(
        "d1_shop",
        10,
        'course.autocheck.selfcheck(shop, name="店铺信息", kind=dict)\n### BEGIN HIDDEN TESTS\n'
        '_v = course.export("shop", globals().get("shop"))\n'
        '_c = course.autocheck.Checks(10, "店铺信息", answer=_v)\n'
        '_c.check(isinstance(_v, dict) and _v.get("name") == "北欧家居旗舰店", "提升方向：店铺名称与开店资料不一致", weight=4)\n'
        '_c.check(isinstance(_v, dict) and _v.get("price") == 499.0, "提升方向：日常价应为活动前的日常售价", weight=1)\n'
        "_c.score()\n### END HIDDEN TESTS",
    )


def _top3_part(nb) -> None:
    """A pandas answer whose expected value the hidden test recomputes from the instructor cell."""
    nb.code(
        "import pandas as pd\n"
        'sales = pd.DataFrame({"商品": ["床头柜", "收纳盒", "台灯", "地毯", "挂钟"],\n'
        '                      "销量": [120, 340, 80, 210, 50]})\n'
        "sales"
    )
    nb.answer(
        "d1_top_answer",
        "top3 = None\n### BEGIN SOLUTION\n"
        'top3 = sales.sort_values("销量", ascending=False).head(3)["商品"].tolist()\n### END SOLUTION',
    )
    nb.test(
        "d1_top",
        20,
        'course.autocheck.selfcheck(top3, name="销量前三", kind=list)\n### BEGIN HIDDEN TESTS\n'
        '_v = course.export("top3", globals().get("top3"))\n'
        '_expected = sales.sort_values("销量", ascending=False).head(3)["商品"].tolist()\n'
        '_c = course.autocheck.Checks(20, "销量前三", answer=_v)\n'
        '_c.check(isinstance(_v, list) and len(_v) == 3, "提升方向：应列出 3 个商品")\n'
        '_c.check(isinstance(_v, list) and set(map(str, _v)) == set(_expected), "提升方向：按销量排序后取前三")\n'
        '_c.check(isinstance(_v, list) and [str(x) for x in _v] == _expected, "提升方向：按销量从高到低排列")\n'
        '_c.check(isinstance(_v, list) and all(isinstance(x, str) for x in _v), "提升方向：列出商品名称（文字）")\n'
        "_c.score()\n### END HIDDEN TESTS",
    )


def _price_notebook():
    """``02_price``: 毛利核算 (d2, 25), 活动节奏 (d3, 20) and the manual 备注 (d5, 10)."""
    from .authoring import Notebook

    nb = Notebook(MODULE, "02_price")
    _start(nb, "测试作业二：定价与活动节奏", "02_price")
    _margin_part(nb)
    _plan_part(nb)
    nb.manual("d5_remark", 10, "请用两三句话写下本次作业的心得。\n\n在此处写下你的回答。")
    nb.md("## 小结\n\n核算毛利再定活动节奏。")
    return nb


def _margin_part(nb) -> None:
    """Partial credit: five numbers, each checked within a cent of the instructor's formula."""
    nb.code("cost, price = 300.0, 499.0")
    nb.answer(
        "d2_margin_answer",
        "margin = None\n### BEGIN SOLUTION\n"
        'margin = {"毛利": price - cost, "毛利率": round((price - cost) / price, 4), "保本价": cost,\n'
        '          "折后价": round(price * 0.9, 2), "折后毛利率": round((price * 0.9 - cost) / (price * 0.9), 4)}\n'
        "### END SOLUTION",
    )
    nb.test(
        "d2_margin",
        25,
        "### BEGIN HIDDEN TESTS\n"
        '_v = course.export("margin", globals().get("margin"))\n'
        '_c = course.autocheck.Checks(25, "毛利核算", answer=_v)\n'
        "_m = _v if isinstance(_v, dict) else {}\n"
        "def _near(k, x):\n"
        "    try:\n"
        "        return abs(float(_m.get(k)) - x) < 0.01\n"
        "    except (TypeError, ValueError):\n"
        "        return False\n"
        '_c.check(_near("毛利", price - cost), "提升方向：毛利 = 售价 - 成本")\n'
        '_c.check(_near("毛利率", (price - cost) / price), "提升方向：毛利率 = 毛利 ÷ 售价")\n'
        '_c.check(_near("保本价", cost), "提升方向：不计费用时保本价等于成本")\n'
        '_c.check(_near("折后价", price * 0.9), "提升方向：九折后的价格")\n'
        '_c.check(_near("折后毛利率", (price * 0.9 - cost) / (price * 0.9)), "提升方向：折后毛利率按折后价计算")\n'
        "_c.score()\n### END HIDDEN TESTS",
    )


def _plan_part(nb) -> None:
    """A hidden-tests-only check of the campaign plan (no visible self-check)."""
    nb.answer(
        "d3_plan_answer",
        "plan = None\n### BEGIN SOLUTION\n"
        'plan = {"预热天数": 3, "爆发天数": 1, "返场天数": 2, "风险准备金比例": 0.1, "库存预警线": 10}\n'
        "### END SOLUTION",
    )
    nb.test(
        "d3_plan",
        20,
        "### BEGIN HIDDEN TESTS\n"
        '_v = course.export("plan", globals().get("plan"))\n'
        '_c = course.autocheck.Checks(20, "活动节奏", answer=_v)\n'
        "_p = _v if isinstance(_v, dict) else {}\n"
        '_c.check(_p.get("预热天数") == 3, "提升方向：预热期天数")\n'
        '_c.check(_p.get("爆发天数") == 1, "提升方向：爆发期天数")\n'
        '_c.check(_p.get("返场天数") == 2, "提升方向：返场期天数")\n'
        '_c.check(_p.get("风险准备金比例") == 0.1, "提升方向：预算中的风险准备金比例")\n'
        '_c.check(_p.get("库存预警线") == 10, "提升方向：库存低于多少自动下架")\n'
        "_c.score()\n### END HIDDEN TESTS",
    )
