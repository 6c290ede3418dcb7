"""Image checks: size, white background, spliced images and corner logos.

Rules (workshop plan, module 1, and table 1 商品上架信息核对表):

* **主图** (table 1): 5 images, the first a white-background image (白底图), then
  2 scene images (场景图) and 2 detail images (细节图); 800×800 px; white, no
  logo; no spliced (拼接) images.
* **详情页图片** (workshop plan, 关键控制点): white-background images ≥ 60 % of the
  detail page's images, no spliced images; 800×800 px.

A pixel is *white* when R, G and B are all ≥ ``white_pixel_level`` (245); an
image is a *white-background image* when at least ``white_border_share_min``
(90 %) of its border (the outer 10 % frame) is white.  All numbers are settings.

Spliced images are found with a simple, explainable heuristic: a straight seam
that runs down (almost) the whole height of the image, where neighbouring
columns of pixels differ sharply: pictures pasted side by side (or in a grid).
A horizontal line alone (a horizon: wall meets floor) is not counted.  A corner
mark (角标: a logo or watermark) is a small pattern in one corner of an image
whose corner is otherwise plain.

Whether an image shows a scene or a detail is for a person to see (the
thumbnails of :func:`gallery`); the tools here measure, the operator decides.

>>> import numpy as np
>>> white = np.full((800, 800, 3), 255, dtype=np.uint8)
>>> white_share(white), is_white_background(white), is_spliced(white), has_corner_mark(white)
(1.0, True, False, False)
>>> white[20:60, 20:90] = (200, 30, 30)          # a red logo in the top-left corner
>>> has_corner_mark(white)
True
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = [
    "load",
    "white_share",
    "border_white_share",
    "is_white_background",
    "is_spliced",
    "has_corner_mark",
    "image_info",
    "image_table",
    "gallery",
    "check_main_images",
    "check_detail_images",
    "asset_dir",
    "main_first_white",
    "main_images_clean",
    "detail_images_ok",
]


def _levels():
    from .. import settings

    th = settings.thresholds("listing")
    return int(th["white_pixel_level"]), float(th["white_border_share_min"])


def load(path) -> np.ndarray:
    """An image as an RGB uint8 array (height × width × 3)."""
    from PIL import Image

    from ..messages import CourseError

    try:
        with Image.open(path) as im:
            return np.asarray(im.convert("RGB"))
    except FileNotFoundError:
        raise CourseError(f"找不到图片 {path}：请检查文件名和文件夹（图片在 assets 文件夹中）。") from None
    except OSError as exc:
        raise CourseError(f"图片 {path} 打不开（{exc}）：文件可能已损坏，请重新下载。") from None


def _white_mask(arr: np.ndarray, level: int | None = None) -> np.ndarray:
    level = _levels()[0] if level is None else level
    return (arr[..., :3] >= level).all(axis=-1)


def white_share(arr: np.ndarray, level: int | None = None) -> float:
    """Share of white pixels in the whole image (0-1, 4 decimals)."""
    return round(float(_white_mask(arr, level).mean()), 4)


def border_white_share(arr: np.ndarray, level: int | None = None, frame: float = 0.10) -> float:
    """Share of white pixels in the outer ``frame`` (10 %) of the image."""
    h, w = arr.shape[:2]
    fh, fw = max(1, int(h * frame)), max(1, int(w * frame))
    mask = _white_mask(arr, level)
    border = np.ones((h, w), dtype=bool)
    border[fh : h - fh, fw : w - fw] = False
    return round(float(mask[border].mean()), 4)


def is_white_background(arr: np.ndarray) -> bool:
    level, share = _levels()
    return border_white_share(arr, level) >= share


def _seams(arr: np.ndarray, axis: int, jump: float = 40.0, coverage: float = 0.9) -> list[int]:
    """Positions of straight seams across the image along ``axis`` (1: vertical lines)."""
    a = arr[..., :3].astype(np.int16)
    diff = np.abs(np.diff(a, axis=axis)).max(axis=-1)  # sharp change between neighbours
    share = (diff > jump).mean(axis=0 if axis == 1 else 1)  # share of the line that jumps
    n = share.shape[0]
    lo, hi = int(n * 0.05), int(n * 0.95)
    return [int(i) for i in np.nonzero(share[lo:hi] >= coverage)[0] + lo]


def is_spliced(arr: np.ndarray) -> bool:
    """True when the image looks pasted together from several pictures."""
    return bool(_seams(arr, axis=1))


#: a corner square is this share of the shorter side; a mark covers this share of it
CORNER = 0.12
MARK_SHARE = (0.005, 0.6)


def corner_mark_shares(arr: np.ndarray, level: int | None = None) -> list[float]:
    """Share of non-white pixels in each corner square (top-left, top-right, bottom-left, bottom-right)."""
    h, w = arr.shape[:2]
    k = max(1, int(min(h, w) * CORNER))
    other = ~_white_mask(arr, level)
    return [round(float(c.mean()), 4) for c in (other[:k, :k], other[:k, -k:], other[-k:, :k], other[-k:, -k:])]


def has_corner_mark(arr: np.ndarray) -> bool:
    """True when a corner holds a small pattern on a plain ground: a logo or watermark (角标).

    A corner that is all white (a product on white) or all coloured (a room
    scene) is plain; a corner partly covered is a mark.
    """
    lo, hi = MARK_SHARE
    return any(lo <= s <= hi for s in corner_mark_shares(arr))


def image_info(path) -> dict:
    """One image's facts as a dict (for a DataFrame row).

    Measured once per file version and settings (forms re-check a plan on every
    click, so the pixels are not read again each time).
    """
    from .. import settings

    th = settings.thresholds("listing")
    key = tuple(
        int(th[k]) if k != "white_border_share_min" else float(th[k])
        for k in ("main_image_size", "white_pixel_level", "white_border_share_min")
    )
    try:
        stamp = Path(path).stat().st_mtime_ns
    except OSError:
        stamp = None  # a missing file: ``load`` says so in Chinese
    return dict(_measured(str(path), stamp, key))


@lru_cache(maxsize=256)
def _measured(path: str, stamp, key: tuple) -> tuple:
    size = key[0]
    arr = load(path)
    h, w = arr.shape[:2]
    return tuple(
        {
            "文件": Path(path).name,
            "宽": int(w),
            "高": int(h),
            "尺寸合格": bool(w == size and h == size),
            "白色像素占比": white_share(arr),
            "边缘白色占比": border_white_share(arr),
            "白底图": bool(is_white_background(arr)),
            "拼接图": bool(is_spliced(arr)),
            "角标": bool(has_corner_mark(arr)),
        }.items()
    )


def image_table(folder=None):
    """One row of facts per candidate image of a folder (default: the featured product's), by file name."""
    import pandas as pd

    folder = Path(folder) if folder is not None else asset_dir()
    rows = [image_info(p) for p in sorted(folder.glob("cand_*.png"))]
    return pd.DataFrame(
        rows, columns=["文件", "宽", "高", "尺寸合格", "白色像素占比", "边缘白色占比", "白底图", "拼接图", "角标"]
    )


def gallery(folder=None, width: int = 150):
    """Thumbnails of the candidate images with their file names (HTML), to see what each one shows."""
    import base64
    import io

    from IPython.display import HTML
    from PIL import Image

    folder = Path(folder) if folder is not None else asset_dir()
    cells = []
    for p in sorted(folder.glob("cand_*.png")):
        with Image.open(p) as im:
            im = im.convert("RGB")
            im.thumbnail((width, width))
            buf = io.BytesIO()
            im.save(buf, format="PNG")
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        cells.append(
            f"<figure style='display:inline-block;margin:4px;text-align:center'>"
            f"<img src='data:image/png;base64,{data}' style='border:1px solid #ccc'>"
            f"<figcaption style='font-size:12px'>{p.name}</figcaption></figure>"
        )
    return HTML("<div class='course-gallery'>" + "".join(cells) + "</div>")


def _size() -> int:
    from .. import settings

    return int(settings.threshold("listing", "main_image_size"))


def _clean_problems(infos: list[dict], what: str) -> list[str]:
    size, probs = _size(), []
    for info in infos:
        name = info.get("文件")
        if not info.get("尺寸合格"):
            probs.append(f"{what}「{name}」尺寸是 {info.get('宽')}×{info.get('高')}，要求 {size}×{size} 像素。")
        if info.get("拼接图"):
            probs.append(f"{what}「{name}」是拼接图：平台规范不允许拼接图。")
        if info.get("角标"):
            probs.append(f"{what}「{name}」角落有标记（logo 或水印）：表1 要求图片白底无 logo。")
    names = [i.get("文件") for i in infos]
    for nm in sorted({x for x in names if names.count(x) > 1}):
        probs.append(f"{what}「{nm}」重复使用：每张图应展示不同内容。")
    return probs


def check_main_images(infos: list[dict]) -> list[str]:
    """Problems with a plan of main images (``image_info`` dicts, in order) that pixels can show.

    Table 1: 5 images, the first a white-background image, 800×800, no logo, no
    spliced image.  The mix (1 白底图 + 2 场景图 + 2 细节图) is what the images
    *show*: a person judges it from the thumbnails.
    """
    from .. import settings

    n = int(settings.threshold("listing", "main_image_count"))
    probs = []
    if len(infos) != n:
        probs.append(f"主图应为 {n} 张，现在是 {len(infos)} 张。")
    if not infos:
        return probs
    if not infos[0].get("白底图"):
        probs.append(f"首图「{infos[0].get('文件')}」不是白底图：表1 要求首图白底。")
    return probs + _clean_problems(infos, "主图")


def check_detail_images(infos: list[dict]) -> list[str]:
    """Problems with the detail page's images: white-background images ≥ the setting
    (60 %), no spliced image, 800×800, no logo (workshop plan, 详情页规划 and 关键控制点)."""
    from .. import settings

    share_min = float(settings.threshold("listing", "white_background_share_min"))
    if not infos:
        return ["详情页图片还没有选：至少选 1 张。"]
    probs = _clean_problems(infos, "详情页图片")
    white = sum(1 for i in infos if i.get("白底图"))
    if white / len(infos) < share_min - 1e-9:
        probs.append(
            f"详情页图片中白底图 {white} 张，占 {white / len(infos):.0%}，低于 {share_min:.0%}"
            "（关键控制点：详情页图片白底图占比不低于规定比例）。"
        )
    return probs


# -- the same rules on a list of file names (a form's answer; used by visible checks) ---


def _infos(files) -> list[dict] | None:
    from ..checks import as_items

    names = [str(f) for f in as_items(files)]
    if not names:
        return None
    folder = asset_dir()
    return [image_info(folder / n) for n in names]


def main_first_white(files) -> bool:
    """The first of the main images is a white-background image."""
    infos = _infos(files)
    return bool(infos) and bool(infos[0].get("白底图"))


def main_images_clean(files) -> bool:
    """The main images: the right number, all 800×800, none spliced, no logo, no repeats."""
    from .. import settings

    infos = _infos(files)
    n = int(settings.threshold("listing", "main_image_count"))
    return bool(infos) and len(infos) == n and not _clean_problems(infos, "主图")


def detail_images_ok(files) -> bool:
    """The detail page's images meet :func:`check_detail_images`."""
    infos = _infos(files)
    return bool(infos) and not check_detail_images(infos)


def asset_dir(product_id: str | None = None) -> Path:
    """The folder of the candidate main images of the featured product (settings
    ``featured.product_id``), or of the product named: ``assets/<product_id>/``
    next to the notebook, in an unzipped package or in the course repository."""
    from .. import featured

    return featured.find_images(product_id or featured.featured_id())
