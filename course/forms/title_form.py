"""The title form (标题编辑器): core keyword, attribute words, marketing words and
the title, with a live preview of width, word roles, stuffing and absolute words.

Everything typed is kept as typed (the form framework stores the raw text);
the checks here only produce messages.  The product's sub-category and brand
default to the featured product of the settings (``course.featured``); pass
them, or ``None`` for no brand rule, to check another product.

>>> import course
>>> _ = course.start("module1_listing", "doc_title_form", quiet=True)
>>> f = TitleForm(category="床头柜", brand="栖木")
>>> probs = f.submit({"core_keyword": "床头柜", "attributes": "北欧、简约", "marketing": "新款",
...                   "title": "最好的床头柜"})
>>> any("最好" in p for p in probs), any("品牌名「栖木」" in p for p in probs)
(True, True)
>>> TitleForm().category == course.featured.product().category
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..tools.adwords import find_absolute_words
from ..tools.title import check_title, split_words, width_range
from .base import Form
from .fields import Text

#: default of TitleForm's category and brand: the featured product of the settings
FEATURED: Any = object()


@dataclass
class Words(Text):
    """Several words in one line (separated by 、，, / or spaces) -> a list."""

    min_items: int = 1

    def convert(self, raw):
        items = split_words(raw)
        if len(items) < self.min_items:
            return None, f"{self.label}：至少填写 {self.min_items} 个词（用顿号“、”分隔）。"
        return items, None


class TitleForm(Form):
    """商品标题 = 核心关键词 + 属性词 + 营销词, checked while typing."""

    key = "title"
    title = "商品标题编辑器"
    description = (
        "先选词再写标题：核心关键词 1 个，属性词和营销词用顿号“、”分隔。"
        "下方实时显示标题长度（汉字算 2，字母数字算 1）、每个词的角色和需要修改的地方。"
    )

    def __init__(self, key: str | None = None, *, category: str | None = FEATURED, brand: str | None = FEATURED):
        if category is FEATURED or brand is FEATURED:
            from .. import featured

            product = featured.product()
            category = product.category if category is FEATURED else category
            brand = product.brand if brand is FEATURED else brand
        self.category = category
        self.brand = brand
        lo, hi = width_range()
        structure = f"品牌名「{brand}」+核心关键词+属性词+营销词" if brand else "核心关键词+属性词+营销词"
        fields = [
            Text(
                "core_keyword",
                "核心关键词",
                placeholder=f"如：{category}" if category else "买家最常搜的商品词",
                max_len=10,
            ),
            Words("attributes", "属性词", placeholder="如：风格词、材质词、空间词", help="用顿号分隔"),
            Words("marketing", "营销词", placeholder="1-2 个，不能用极限词", help="用顿号分隔"),
            Text("title", "商品标题", placeholder=f"{structure}，{lo}-{hi} 个宽度单位"),
        ]
        super().__init__(key or self.key, self.title, fields)

    def report(self, values_or_raw: dict):
        """The title check for what is in the form (typed text or parsed values)."""
        v = values_or_raw or {}
        attrs = v.get("attributes")
        return check_title(
            v.get("title"),
            core_keyword=(str(v.get("core_keyword") or "").strip() or None),
            required=split_words(attrs) if attrs else (),
            category=self.category,
            brand=self.brand,
        )

    def check(self, values: dict) -> list[str]:
        rep = self.report(values)
        problems = list(rep.problems)
        for word in values.get("marketing") or []:
            found = find_absolute_words(word)
            if found:
                problems.append(f"营销词「{word}」含绝对化用语：{found[0].message()}")
            elif word not in (values.get("title") or ""):
                problems.append(f"你选的营销词「{word}」没有出现在标题里。")
        return problems

    def preview(self, values: dict, raw: dict) -> str:
        return self.report(raw).to_html()
