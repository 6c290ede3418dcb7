"""02_title: keyword value, keyword choice and the product title (表6 标题关键词准确性)."""
from __future__ import annotations

from course import checks as C

from ..tasks import Task

NOTEBOOK = "02_title"
COLUMNS = ["keyword", "keyword_type", "search_heat", "competition_index", "value"]


def product_keywords(R):
    """The keyword table's rows about the featured product."""
    k = R.table("keywords")
    return k[k["related_product_id"] == R.product.id]


TASKS = [
    Task("kw_value", title="关键词价值", dim="d1", points=8, kind="scaffold", checks=[
        C.Columns(columns=COLUMNS, msg="kw_value 需要 keyword、keyword_type、search_heat、competition_index、value 五列："
                                       "检查第一行选列的部分有没有被改动。"),
        C.NoMissing(column="value", msg="value 应是数字（不能有空值或无穷大）：第二个空格要填一个数值列的列名，加引号。"),
        C.SameSet(column="keyword", weight=2, ref=lambda R: product_keywords(R)["keyword"],
                  msg="只保留与本商品相关（related_product_id 是本商品编号）的全部关键词，不要多也不要少。"),
        C.Sorted(column="value", descending=True, msg="按 value 从高到低排序：ascending 应填 False。"),
        C.Dominance(column="value", up="search_heat", down="competition_index", weight=3,
                    msg="value 要体现“搜索人气越高越好、竞争度越低越好”：人气更高且竞争更低的词，价值不能更低。"
                        "检查两个空格里的列名和除法的方向。"),
    ]),
]
