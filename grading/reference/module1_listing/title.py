"""02_title: keyword value, keyword choice and the product title (表6 标题关键词准确性).

The rules taught in the notebook: 核心关键词 = the product's 核心词 with the
highest relevance (then the highest search heat); 核心属性词 = its 属性词 with
relevance ≥ ``core_attribute_relevance_min`` (table 1: the title must contain
them); other 属性词 may be added from the product's keyword list; 营销词 come
from the product's keyword list and carry no absolute word; the title carries
the brand, within the settings' width, without stuffing.
"""

from __future__ import annotations

from course import checks as C
from course.tools.adwords import is_compliant
from course.tools.title import ContainsAll, ContainsAny

from ..tasks import Task

NOTEBOOK = "02_title"
COLUMNS = ["keyword", "keyword_type", "relevance", "search_heat", "competition_index", "value"]


def product_keywords(R):
    """The keyword table's rows about the featured product."""
    k = R.table("keywords")
    return k[k["related_product_id"] == R.product.id]


def of_type(R, kind: str):
    k = product_keywords(R)
    return k[k["keyword_type"] == kind]


def core_keyword(R) -> str:
    core = of_type(R, "核心词").sort_values(["relevance", "search_heat"], ascending=False, kind="mergesort")
    return str(core["keyword"].iloc[0])


def core_attributes(R) -> list[str]:
    a = of_type(R, "属性词")
    return list(a[a["relevance"] >= R.threshold("listing", "core_attribute_relevance_min")]["keyword"])


def attribute_words(R) -> list[str]:
    return list(of_type(R, "属性词")["keyword"])


def marketing_words(R) -> list[str]:
    """The product's marketing words without absolute words (全网最低 is the trap)."""
    return [w for w in of_type(R, "营销词")["keyword"] if is_compliant(w)]


TASKS = [
    Task(
        "kw_value",
        title="关键词价值",
        dim="d1",
        points=8,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=COLUMNS,
                msg="kw_value 需要 keyword、keyword_type、relevance、search_heat、competition_index、"
                "value 六列：检查第一行选列的部分有没有被改动。",
            ),
            C.NoMissing(
                column="value", msg="value 应是数字（不能有空值或无穷大）：前两个空格要填数值列的列名，加引号。"
            ),
            C.SameSet(
                column="keyword",
                weight=2,
                ref=lambda R: product_keywords(R)["keyword"],
                msg="只保留与本商品相关（related_product_id 是本商品编号）的全部关键词，不要多也不要少。",
            ),
            C.Sorted(column="value", descending=True, msg="按 value 从高到低排序：ascending 应填 False。"),
            C.Dominance(
                column="value",
                up="search_heat",
                down="competition_index",
                weight=3,
                msg="value 要体现“搜索人气越高越好、竞争度越低越好”：人气更高且竞争更低的词，价值不能更低。"
                "检查两个空格里的列名和除法的方向。",
            ),
        ],
    ),
    Task(
        "title_choice",
        title="选词",
        dim="d1",
        points=8,
        kind="form",
        effort=3,
        var="title_answer",
        checks=[
            C.Keys(
                keys=["core_keyword", "attributes", "marketing"],
                weight=0,
                msg="标题编辑器里核心关键词、属性词、营销词都要填写并保存。",
            ),
            C.Equals(
                column="core_keyword",
                weight=3,
                ref=core_keyword,
                msg="核心关键词应是关键词表中本商品相关度（relevance）最高的核心词（相同时看搜索人气）。",
            ),
            C.Includes(
                column="attributes",
                weight=2,
                ref=core_attributes,
                msg="属性词漏掉了核心属性词：相关度达到步骤 4 所说门槛的属性词都要选（表1 审核要点：核心属性词）。",
            ),
            C.Within(
                column="attributes",
                weight=1,
                ref=attribute_words,
                msg="属性词要从关键词价值表中本商品的属性词里选，不要写表里没有的词。",
            ),
            C.Within(
                column="marketing",
                weight=2,
                ref=marketing_words,
                msg="营销词要从关键词价值表中本商品的营销词里选，而且不能含极限词（如“全网最低”）。",
            ),
        ],
    ),
    Task(
        "title",
        title="商品标题",
        dim="d1",
        points=10,
        kind="form",
        effort=1,
        var="title_text",
        checks=[
            C.Predicate(
                func="course.tools.title:width_ok",
                msg="标题长度按宽度单位计（汉字 2、字母数字 1），要在步骤 1 所说的范围内。",
            ),
            ContainsAll(weight=2, ref=lambda R: [core_keyword(R)], msg="标题缺少核心关键词。"),
            ContainsAll(
                weight=2,
                ref=core_attributes,
                msg="标题缺少核心属性词（表1：是否包含核心属性词）：回到关键词价值表，找相关度达到门槛的属性词。",
            ),
            ContainsAll(ref=lambda R: [R.product.brand], msg="表1 要求商品名称包含品牌名。"),
            ContainsAny(
                ref=marketing_words, msg="标题结构是 核心关键词+属性词+营销词：缺少本商品关键词表中合规的营销词。"
            ),
            C.Predicate(
                func="course.tools.adwords:is_compliant", msg="标题含广告法禁止的极限词，用编辑器的提示换成合规说法。"
            ),
            C.Predicate(
                func="course.tools.title:no_stuffing", msg="标题有重复或与本商品无关的词（关键词堆砌），删掉它们。"
            ),
            C.Predicate(func="course.tools.title:clean_chars", msg="标题里不要有表情、特殊符号、全角标点或全角字母。"),
        ],
    ),
]
