"""主推商品资料：模块一、二可以“主推”的商品（``course/settings.yaml`` 的 ``featured.product_id``）。

The facts modules 1 and 2 need about the product a teacher features, for every
product that can be featured.  One entry of ``FEATURED`` per product; adding a
product means adding an entry here (and its drawing in ``datasets.make_images``),
never touching a notebook:

* ``persona``: the buyers the selection exercise filters the market Top-100 for
  (age bands, genders, spending level) — a course setting per product;
* ``sku_draft``: the SKU options as a colleague drafted them for the new listing,
  with exactly one realistic invalid option the student has to catch;
* ``pains``: the buyers' pain points and the words that signal each one in a
  long-tail search keyword (what ``PAIN_SIGNALS`` is for P001);
* ``keywords``: search keywords the market table lacks for this product
  (核心词/属性词/营销词 with one absolute-word trap/长尾词 and their relevance);
  their search statistics are drawn from a random stream of their own, so the
  rest of the shop's data does not move when a product is added;
* ``drawing``: how ``datasets.make_images`` draws its eight candidate main images.

Tables written from here: ``featured_products``, ``pain_points`` and the extra
rows of ``keywords`` (drawn by ``datasets.market``).  Prices, costs and SKUs are the
shop's own (``skus``).

>>> sorted(FEATURED)
['P001', 'P004', 'P006']
>>> draft_text(FEATURED["P001"]["sku_draft"])
'颜色：白色/原木色/浅灰色/默认；尺寸：40cm宽/48cm宽'
"""

from __future__ import annotations

import pandas as pd

BRAND = "栖木"  # the shop's own brand (栖木家居)
MULTI = "|"  # separator of several values in one cell
DRAFT_ATTR, DRAFT_NAME, DRAFT_VALUES = "；", "：", "/"

FEATURED: dict[str, dict] = {
    "P001": dict(
        persona=dict(ages=["25-30岁", "31-35岁"], genders=["女", "不限"], spending="中"),
        sku_draft=[("颜色", ["白色", "原木色", "浅灰色", "默认"]), ("尺寸", ["40cm宽", "48cm宽"])],
        pains=[
            ("卧室空间小", ["小户型", "窄款", "小型"]),
            ("安装麻烦", ["免安装"]),
            ("收纳不够用", ["带抽屉", "收纳"]),
            ("担心甲醛", ["环保", "E1"]),
            ("风格难搭配", ["北欧", "ins风", "简约", "奶油风"]),
        ],
        keywords=[],  # the market table already carries P001's 22 keywords and the trap 全网最低
        drawing="nightstand",
    ),
    "P004": dict(
        persona=dict(ages=["18-24岁", "25-30岁", "31-35岁"], genders=["女"], spending="低"),
        sku_draft=[("颜色", ["米白", "浅灰", "雾蓝", "随机色"]), ("尺寸", ["标准款", "加高款"])],
        pains=[
            ("衣柜杂乱", ["衣柜", "衣物", "整理"]),
            ("不用时占地方", ["折叠"]),
            ("容易进灰", ["带盖", "防尘"]),
            ("担心异味", ["棉麻", "无异味"]),
            ("装不下", ["大号", "加高", "大容量"]),
        ],
        keywords=[
            ("储物盒", "核心词", 0.9),
            ("整理盒", "核心词", 0.85),
            ("衣物", "属性词", 0.85),
            ("三件套", "属性词", 0.75),
            ("家用", "属性词", 0.6),
            ("米白", "属性词", 0.55),
            ("现货", "营销词", 0.5),
            ("热销", "营销词", 0.45),
            ("居家好物", "营销词", 0.5),
            ("换季必备", "营销词", 0.5),
            ("销量冠军", "营销词", 0.3),
            ("收纳盒带盖防尘大号", "长尾词", 0.95),
            ("棉麻收纳盒无异味衣柜", "长尾词", 0.9),
            ("折叠收纳盒加高大容量", "长尾词", 1.0),
            ("衣柜整理收纳盒日式", "长尾词", 0.95),
            ("宿舍收纳盒布艺带盖", "长尾词", 0.85),
        ],
        drawing="box",
    ),
    "P006": dict(
        persona=dict(ages=["25-30岁", "31-35岁", "36-40岁"], genders=["不限"], spending="中"),
        sku_draft=[("颜色", ["白色", "黑色"]), ("规格", ["三层", "四层", "如图"])],
        pains=[
            ("房间空间小", ["小户型", "窄款", "夹缝"]),
            ("担心不结实", ["承重", "加厚", "稳固"]),
            ("安装麻烦", ["免安装", "免打孔"]),
            ("担心生锈", ["防锈", "碳钢"]),
            ("风格难搭配", ["北欧", "ins风", "简约"]),
        ],
        keywords=[
            ("收纳架", "核心词", 0.9),
            ("书架", "核心词", 0.6),
            ("碳钢", "属性词", 0.85),
            ("北欧风", "属性词", 0.8),
            ("加厚", "属性词", 0.7),
            ("客厅", "属性词", 0.6),
            ("黑色", "属性词", 0.55),
            ("新品", "营销词", 0.5),
            ("百搭", "营销词", 0.45),
            ("工厂直销", "营销词", 0.5),
            ("搬家必备", "营销词", 0.5),
            ("品质保障", "营销词", 0.4),
            ("承重第一", "营销词", 0.3),
            ("置物架落地多层承重加厚", "长尾词", 0.95),
            ("免打孔置物架卧室免安装", "长尾词", 0.9),
            ("小户型置物架窄款夹缝", "长尾词", 0.9),
            ("碳钢置物架防锈客厅", "长尾词", 0.95),
            ("ins风置物架简约多层", "长尾词", 0.85),
            ("落地书架置物架承重稳固", "长尾词", 0.9),
        ],
        drawing="shelf",
    ),
}


def draft_text(draft: list[tuple[str, list[str]]]) -> str:
    """SKU options as one cell, the way table 1 writes them: 颜色：白色/原木色；尺寸：60cm/80cm."""
    return DRAFT_ATTR.join(f"{name}{DRAFT_NAME}{DRAFT_VALUES.join(values)}" for name, values in draft)


def parse_draft(text: str) -> dict[str, list[str]]:
    """The inverse of ``draft_text``.

    >>> parse_draft("颜色：白色/默认；尺寸：40cm宽")
    {'颜色': ['白色', '默认'], '尺寸': ['40cm宽']}
    """
    out: dict[str, list[str]] = {}
    for part in str(text or "").split(DRAFT_ATTR):
        if DRAFT_NAME in part:
            name, values = part.split(DRAFT_NAME, 1)
            out[name.strip()] = [v.strip() for v in values.split(DRAFT_VALUES) if v.strip()]
    return out


def featured_products_frame() -> pd.DataFrame:
    """One row per product that can be featured (table ``featured_products``)."""
    rows = [
        dict(
            product_id=pid,
            brand=BRAND,
            persona_age_bands=MULTI.join(f["persona"]["ages"]),
            persona_genders=MULTI.join(f["persona"]["genders"]),
            persona_spending=f["persona"]["spending"],
            sku_options_draft=draft_text(f["sku_draft"]),
        )
        for pid, f in FEATURED.items()
    ]
    return pd.DataFrame(rows)


def pain_points_frame() -> pd.DataFrame:
    """Pain points and their signal words per featurable product (table ``pain_points``)."""
    rows = [
        dict(product_id=pid, pain_point=pain, signal_words=MULTI.join(words))
        for pid, f in FEATURED.items()
        for pain, words in f["pains"]
    ]
    return pd.DataFrame(rows)


def vocabulary() -> set[str]:
    """Words of these tables (for the schema's "looks like a full name" check)."""
    words = {BRAND}
    for f in FEATURED.values():
        words.update(f["persona"]["ages"] + f["persona"]["genders"] + [f["persona"]["spending"]])
        for name, values in f["sku_draft"]:
            words.add(name)
            words.update(values)
        for pain, signals in f["pains"]:
            words.add(pain)
            words.update(signals)
        words.update(k for k, *_ in f["keywords"])
    return words
