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
from .fields import Choice, MultiChoice, Number, Repeat, Text


class DetailForm(Form):
    key = "detail"
    title = "详情页规划"
    description = (
        "按顺序填写详情页的各个模块（一行一个模块，从上到下就是页面顺序），再填首屏卖点"
        "（每个卖点选它解决的痛点）和短视频时长。"
    )

    def __init__(self, key: str | None = None, *, pain_points=None):
        from .. import settings

        th = settings.thresholds("listing")
        self.lo, self.hi = int(th["selling_points_min"]), int(th["selling_points_max"])
        self.video = (int(th["video_seconds_min"]), int(th["video_seconds_max"]))
        if pain_points is None:  # the featured product's pain points (course.featured)
            from .. import featured

            pain_points = list(featured.product().pain_signals)
        self.pain_points = list(pain_points or [])
        pain_field = (
            Choice("pain", "解决的痛点", options=self.pain_points) if self.pain_points else Text("pain", "解决的痛点")
        )
        fields = [
            Repeat(
                "sections",
                "页面模块（按顺序）",
                fields=[Choice("module", "模块", options=DETAIL_ORDER), Text("content", "内容要点", required=False)],
                min_rows=1,
                max_rows=8,
                add_label="添加模块",
            ),
            Repeat(
                "points",
                "首屏卖点",
                fields=[Text("point", "卖点", max_len=20), pain_field],
                min_rows=1,
                max_rows=8,
                add_label="添加卖点",
            ),
            Number(
                "video_seconds",
                "短视频时长",
                integer=True,
                minimum=1,
                unit="秒",
                help=f"{self.video[0]}-{self.video[1]} 秒",
            ),
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
            probs.append(f"模块顺序不对：详情页按 {'→'.join(DETAIL_ORDER)} 的逻辑布局，现在是 {'→'.join(mods)}。")
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
        if v is not None and not video_ok(v):
            probs.append(
                f"短视频时长 {v} 秒不合适：工作坊方案要求 {self.video[0]}-{self.video[1]} 秒，展示产品使用场景。"
            )
        return probs

    @staticmethod
    def summary(values: dict | None) -> dict | None:
        """The plan as plain lists (what the graded task checks), or None when nothing is saved.

        >>> DetailForm.summary({"sections": [{"module": "场景导入", "content": ""}],
        ...                     "points": [{"point": "免安装", "pain": "安装麻烦"}], "video_seconds": 20})
        {'modules': ['场景导入'], 'points': ['免安装'], 'pains': ['安装麻烦'], 'video_seconds': 20}
        """
        if values is None:
            return None
        points = [r for r in values.get("points") or [] if isinstance(r, dict)]
        return {
            "modules": [r.get("module") for r in values.get("sections") or [] if isinstance(r, dict)],
            "points": [r.get("point") for r in points],
            "pains": [r.get("pain") for r in points],
            "video_seconds": values.get("video_seconds"),
        }

    def preview(self, values: dict, raw: dict) -> str:
        mods = [str(r.get("module") or "？") for r in raw.get("sections") or [] if r.get("module")]
        flow = " → ".join(html.escape(m) for m in mods) or "（还没有模块）"
        right = mods == DETAIL_ORDER
        pts = "".join(
            f"<li>{html.escape(str(p.get('point') or ''))} <span style='color:#666'>← 解决"
            f"{html.escape(str(p.get('pain') or '？'))}</span></li>"
            for p in raw.get("points") or []
            if str(p.get("point") or "").strip()
        )
        tick = "<span style='color:#217a21'>✓</span>" if right else ""
        return (
            f"<div class='course-detail-preview'><b>页面顺序：</b>{flow} {tick}"
            f"<div><b>首屏卖点：</b><ol style='margin:2px 0'>{pts}</ol></div></div>"
        )


# -- the rules as yes/no checks on the plan (public; the graded task and the visible check use them) ----


def _listing(name: str):
    from .. import settings

    return settings.threshold("listing", name)


def points_count_ok(points) -> bool:
    """3-5 first-screen selling points (table 1; the settings' range)."""
    items = [p for p in (points or []) if str(p or "").strip()]
    return int(_listing("selling_points_min")) <= len(items) <= int(_listing("selling_points_max"))


def pains_distinct(pains) -> bool:
    """Every selling point answers a pain point, each a different one."""
    items = list(pains or [])
    return bool(items) and all(items) and len(set(items)) == len(items)


def points_compliant(points) -> bool:
    """No absolute word (广告法) in any selling point."""
    items = [str(p or "") for p in (points or [])]
    return bool(items) and not any(find_absolute_words(p) for p in items)


def video_ok(seconds) -> bool:
    """The video lasts 15-30 seconds (the settings' range)."""
    try:
        v = float(seconds)
    except (TypeError, ValueError):
        return False
    return float(_listing("video_seconds_min")) <= v <= float(_listing("video_seconds_max"))


class ImagePlanForm(Form):
    """The images of the new listing: the main images in order, and the detail page's images.

    Table 1: 主图 5 张，首图白底（白底图 1 张、场景图 2 张、细节图 2 张），800×800，白底无 logo；
    workshop plan: 详情页图片白底图占比不低于 60%，不得出现拼接图.  While filling, the
    pixel rules are checked with ``course.tools.images``; what an image shows (a
    scene, a detail) the student sees on the thumbnails.

    >>> import course
    >>> _ = course.start("module1_listing", "doc_image_form", quiet=True)
    >>> f = ImagePlanForm(files=["cand_01.png", "cand_03.png"])
    >>> [x.name for x in f.fields][:2], f.fields[-1].name
    (['main_1', 'main_2'], 'detail')
    """

    key = "images"
    title = "图片方案（主图 + 详情页图片）"
    description = (
        "主图：按展示顺序选 5 张（第 1 张是首图）；详情页图片：勾选要放进详情页的图片。"
        "下方实时检查尺寸、白底、拼接和角标；图片内容（场景、细节）请看上面的缩略图判断。"
    )

    def __init__(self, key: str | None = None, *, files=None):
        from ..tools import images

        self.folder = images.asset_dir()
        self.files = sorted(files) if files is not None else sorted(p.name for p in self.folder.glob("cand_*.png"))
        n = int(_listing("main_image_count"))
        fields = [
            Choice(f"main_{i}", f"主图 {i}" + ("（首图）" if i == 1 else ""), options=self.files)
            for i in range(1, n + 1)
        ]
        fields.append(MultiChoice("detail", "详情页图片", options=self.files, min_items=1))
        super().__init__(key or self.key, self.title, fields)

    @staticmethod
    def plan(values: dict | None) -> dict | None:
        """{"main": [files in order], "detail": [files]} from the saved values, or None.

        >>> ImagePlanForm.plan({"main_1": "cand_03.png", "main_2": "cand_01.png", "detail": ["cand_05.png"]})
        {'main': ['cand_03.png', 'cand_01.png'], 'detail': ['cand_05.png']}
        """
        if values is None:
            return None
        mains = sorted((k for k in values if k.startswith("main_")), key=lambda k: int(k.split("_")[1]))
        return {"main": [values[k] for k in mains if values.get(k)], "detail": list(values.get("detail") or [])}

    def _infos(self, files):
        from ..tools import images

        return [images.image_info(self.folder / f) for f in files]

    def check(self, values: dict) -> list[str]:
        from ..tools import images

        plan = self.plan(values)
        return images.check_main_images(self._infos(plan["main"])) + images.check_detail_images(
            self._infos(plan["detail"])
        )

    def preview(self, values: dict, raw: dict) -> str:
        chosen = [raw.get(f.name) for f in self.fields if f.name.startswith("main_")]
        shown = " → ".join(html.escape(str(c)) for c in chosen if c) or "（还没有选）"
        return f"<div class='course-image-preview'><b>主图顺序：</b>{shown}</div>"
