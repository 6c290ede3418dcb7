"""The title form (标题编辑器): core keyword, attribute words, marketing words and
the title, with a live preview of width, word roles, stuffing and absolute words.

Everything typed is kept as typed (the form framework stores the raw text);
the checks here only produce messages.

>>> import course
>>> _ = course.start("module1_listing", "doc_title_form", quiet=True)
>>> f = TitleForm(category="床头柜")
>>> probs = f.submit({"core_keyword": "床头柜", "attributes": "北欧、简约", "marketing": "新款",
...                   "title": "最好的床头柜"})
>>> any("最好" in p for p in probs)
True
"""
from __future__ import annotations

from dataclasses import dataclass

from ..tools.adwords import find_absolute_words
from ..tools.title import check_title, split_words
from .base import Form
from .fields import Text


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
    description = ("先选词再写标题：核心关键词 1 个，属性词和营销词用顿号“、”分隔。"
                   "下方实时显示标题长度（汉字算 2，字母数字算 1）、每个词的角色和需要修改的地方。")

    def __init__(self, key: str | None = None, *, category: str | None = None, brand: str | None = None):
        self.category = category
        self.brand = brand
        fields = [
            Text("core_keyword", "核心关键词", placeholder="如：床头柜", max_len=10),
            Words("attributes", "属性词", placeholder="如：北欧、简约、卧室", help="用顿号分隔"),
            Words("marketing", "营销词", placeholder="如：2026新款", help="用顿号分隔"),
            Text("title", "商品标题", placeholder="核心关键词+属性词+营销词，30-60 个宽度单位"),
        ]
        super().__init__(key or self.key, self.title, fields)

    def report(self, values_or_raw: dict):
        """The title check for what is in the form (typed text or parsed values)."""
        v = values_or_raw or {}
        attrs = v.get("attributes")
        return check_title(v.get("title"), core_keyword=(str(v.get("core_keyword") or "").strip() or None),
                           required=split_words(attrs) if attrs else (), category=self.category, brand=self.brand)

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
