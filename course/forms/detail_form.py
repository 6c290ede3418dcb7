"""The detail-page plan form: page modules in order, 3-5 first-screen selling
points each answering a pain point, and the video length.

Workshop plan, module 1: 详情页规划：突出用户痛点与解决方案，按“场景导入→产品细节→核心卖点→
规格参数→用户评价”逻辑布局 … 短视频（15-30秒）. Table 1: 详情页首屏 卖点3-5个，解决用户核心痛点.

>>> import course
>>> _ = course.start("module1_listing", "doc_detail_form", quiet=True)
>>> f = DetailForm(pain_points=["空间小", "安装麻烦", "担心甲醛"])
>>> probs = f.submit({"sections": [{"module": m, "content": "x"} for m in
...                  ["产品细节", "场景导入", "核心卖点", "规格参数", "用户评价"]],
...                  "points": [{"point": "免安装抽拉设计", "pain": "安装麻烦"}], "video_seconds": "20"})
>>> any("顺序" in p for p in probs), any("3-5" in p for p in probs)
(True, True)
"""
from __future__ import annotations

import html

from ..tools.adwords import find_absolute_words
from ..tools.listing_audit import DETAIL_ORDER
from .base import Form
from .fields import Choice, Number, Repeat, Text


class DetailForm(Form):
    key = "detail"
    title = "详情页规划"
    description = ("按顺序填写详情页的各个模块（一行一个模块，从上到下就是页面顺序），再填首屏卖点"
                   "（每个卖点选它解决的痛点）和短视频时长。")

    def __init__(self, key: str | None = None, *, pain_points=None):
        from .. import settings

        th = settings.thresholds("listing")
        self.lo, self.hi = int(th["selling_points_min"]), int(th["selling_points_max"])
        self.pain_points = list(pain_points or [])
        pain_field = (Choice("pain", "解决的痛点", options=self.pain_points) if self.pain_points
                      else Text("pain", "解决的痛点"))
        fields = [
            Repeat("sections", "页面模块（按顺序）", fields=[Choice("module", "模块", options=DETAIL_ORDER),
                                                      Text("content", "内容要点", required=False)],
                   min_rows=1, max_rows=8, add_label="添加模块"),
            Repeat("points", "首屏卖点", fields=[Text("point", "卖点", max_len=20), pain_field],
                   min_rows=1, max_rows=8, add_label="添加卖点"),
            Number("video_seconds", "短视频时长", integer=True, minimum=1, unit="秒", help="15-30 秒"),
        ]
        super().__init__(key or self.key, self.title, fields)

    def check(self, values: dict) -> list[str]:
        probs = []
        mods = [r.get("module") for r in values.get("sections") or []]
        dup = sorted({m for m in mods if mods.count(m) > 1}, key=mods.index)
        for m in dup:
            probs.append(f"模块「{m}」出现了 {mods.count(m)} 次：每个模块只放一次。")
        missing = [m for m in DETAIL_ORDER if m not in mods]
        if missing:
            probs.append(f"缺少模块：{'、'.join(missing)}。")
        if not dup and not missing and mods != DETAIL_ORDER:
            probs.append("模块顺序不对：详情页按 " + "→".join(DETAIL_ORDER) + " 的逻辑布局，现在是 " + "→".join(mods) + "。")
        points = values.get("points") or []
        if not self.lo <= len(points) <= self.hi:
            probs.append(f"首屏卖点应为 {self.lo}-{self.hi} 个（表1），现在是 {len(points)} 个。")
        pains = [p.get("pain") for p in points]
        for pain in sorted({p for p in pains if p and pains.count(p) > 1}, key=pains.index):
            probs.append(f"有 {pains.count(pain)} 个卖点都在解决「{pain}」：首屏位置宝贵，每个卖点解决一个不同的痛点。")
        texts = [p.get("point") for p in points]
        for t in sorted({t for t in texts if t and texts.count(t) > 1}, key=texts.index):
            probs.append(f"卖点「{t}」重复。")
        for t in texts:
            for f in find_absolute_words(t or ""):
                probs.append(f"卖点「{t}」：{f.message()}")
        v = values.get("video_seconds")
        if v is not None and not 15 <= v <= 30:
            probs.append(f"短视频时长 {v} 秒不合适：工作坊方案要求 15-30 秒，展示产品使用场景。")
        return probs

    def preview(self, values: dict, raw: dict) -> str:
        mods = [str(r.get("module") or "？") for r in raw.get("sections") or [] if r.get("module")]
        flow = " → ".join(html.escape(m) for m in mods) or "（还没有模块）"
        right = mods == DETAIL_ORDER
        pts = "".join(f"<li>{html.escape(str(p.get('point') or ''))} <span style='color:#666'>← 解决"
                      f"{html.escape(str(p.get('pain') or '？'))}</span></li>"
                      for p in raw.get("points") or [] if str(p.get("point") or "").strip())
        tick = "<span style='color:#217a21'>✓</span>" if right else ""
        return (f"<div class='course-detail-preview'><b>页面顺序：</b>{flow} {tick}"
                f"<div><b>首屏卖点：</b><ol style='margin:2px 0'>{pts}</ol></div></div>")
