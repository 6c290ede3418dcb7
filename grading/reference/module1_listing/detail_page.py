"""03_detail_page: the detail-page plan and the images of the new listing (表6 详情页逻辑性).

The order of the page's modules is the workshop plan's (``DETAIL_ORDER``); the
pain point with the most search heat in the product's long-tail keywords must
have a first-screen selling point.  Images: the main images follow table 1
(白底图 first, then scenes and details, the numbers are settings); the detail
page's images follow the plan's control point (white-background share ≥ the
setting, no spliced image).
"""

from __future__ import annotations

from course import checks as C
from course.tools.images import image_info
from course.tools.listing_audit import DETAIL_ORDER

from ..tasks import Task

NOTEBOOK = "03_detail_page"

#: What each candidate image shows.  ``datasets/make_images.py`` draws the same eight
#: for every featurable product (its docstring lists them); a student sees this on
#: the thumbnails.  ``tests/test_module1_checks.py`` checks it against the pixels.
SHOWS = {
    "cand_01.png": "场景图",
    "cand_02.png": "浅灰底商品图",
    "cand_03.png": "白底图",
    "cand_04.png": "拼接图",
    "cand_05.png": "细节图",
    "cand_06.png": "白底图",
    "cand_07.png": "场景图",
    "cand_08.png": "细节图",
}


def pain_heat(R) -> dict[str, int]:
    """Search heat of the product's long-tail keywords that signal each pain point."""
    k = R.table("keywords")
    tail = k[(k["keyword_type"] == "长尾词") & (k["related_product_id"] == R.product.id)]
    return {
        pain: int(
            tail[tail["keyword"].apply(lambda w, signals=signals: any(s in w for s in signals))]["search_heat"].sum()
        )
        for pain, signals in R.product.pain_signals.items()
    }


def top_pain(R) -> str:
    heat = pain_heat(R)
    return max(heat, key=heat.get)


def usable(R, shows: str) -> list[str]:
    """Candidates that show ``shows`` and pass the pixel rules (size, not spliced, no corner mark)."""
    folder = R.product.images_dir
    out = []
    for name, what in sorted(SHOWS.items()):
        info = image_info(folder / name)
        if what == shows and info["尺寸合格"] and not info["拼接图"] and not info["角标"]:
            if shows != "白底图" or info["白底图"]:
                out.append(name)
    return out


def main_images(R) -> list[str]:
    """Table 1's main images: one white-background image, then the scenes and the details."""
    scenes, details = (int(R.threshold("listing", k)) for k in ("main_image_scene_count", "main_image_detail_count"))
    return usable(R, "白底图")[:1] + usable(R, "场景图")[:scenes] + usable(R, "细节图")[:details]


TASKS = [
    Task(
        "detail",
        title="详情页规划",
        dim="d2",
        points=10,
        kind="form",
        effort=12,
        checks=[
            C.SameList(
                column="modules",
                weight=5,
                ref=lambda R: DETAIL_ORDER,
                msg="详情页模块顺序（卖点排序）混乱：按 场景导入→产品细节→核心卖点→规格参数→用户评价 的逻辑布局，每个模块一次。",
            ),
            C.Predicate(
                func="course.forms.detail_form:points_count_ok",
                column="points",
                msg="首屏卖点的个数不对（表1：首屏卖点 3-5 个，以步骤说明为准）。",
            ),
            C.Predicate(
                func="course.forms.detail_form:pains_distinct",
                column="pains",
                msg="每个首屏卖点都要对应一个痛点，且不同卖点解决不同痛点。",
            ),
            C.Predicate(
                func="course.forms.detail_form:points_compliant",
                column="points",
                msg="卖点文案含极限词，换成可证明的具体说法。",
            ),
            C.Includes(
                column="pains",
                ref=lambda R: [top_pain(R)],
                msg="搜索人气最高的痛点没有卖点回应：回到步骤 1 看各痛点的搜索人气。",
            ),
            C.Predicate(
                func="course.forms.detail_form:video_ok",
                column="video_seconds",
                msg="短视频时长不在工作坊方案要求的范围内（见步骤 2）。",
            ),
        ],
    ),
    Task(
        "images",
        title="图片方案",
        dim="d2",
        points=5,
        kind="form",
        effort=6,
        checks=[
            C.Keys(keys=["main", "detail"], weight=0, msg="图片方案表单里主图和详情页图片都要选并保存。"),
            C.Predicate(
                func="course.tools.images:main_first_white",
                column="main",
                msg="首图不是白底图：表1 要求首图白底（看检查表的“白底图”一列）。",
            ),
            C.Predicate(
                func="course.tools.images:main_images_clean",
                column="main",
                msg="主图的张数不对，或有图片尺寸不合格、是拼接图、带角标（logo/水印）、重复使用：看检查表逐张核对。",
            ),
            C.SameSet(
                column="main",
                weight=2,
                ref=main_images,
                msg="主图组合不对：表1 是白底图 1 张 + 场景图 2 张 + 细节图 2 张；看缩略图区分场景图（商品摆在房间里）"
                "和细节图（局部特写），浅灰背景不是白底。",
            ),
            C.Predicate(
                func="course.tools.images:detail_images_ok",
                column="detail",
                msg="详情页图片不合规：白底图占比要达到关键控制点的比例，不能有拼接图、尺寸不合格或带角标的图。",
            ),
        ],
    ),
]
