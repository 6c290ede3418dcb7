"""Main-image checks: size, white background share, spliced images.

Rules (workshop plan, module 1 and table 1): 5 main images, the first on a white
background; 800×800 px, white, no logo; white-background images ≥ 60 % of the
main images; no spliced (拼接) images.

A pixel is *white* when R, G and B are all ≥ ``white_pixel_level`` (245); an
image is a *white-background image* when at least ``white_border_share_min``
(90 %) of its border (the outer 10 % frame) is white.  Both are settings.

Spliced images are found with a simple, explainable heuristic: a straight seam
that runs down (almost) the whole height of the image, where neighbouring
columns of pixels differ sharply: pictures pasted side by side (or in a grid).
A horizontal line alone (a horizon: wall meets floor) is not counted.

>>> import numpy as np
>>> white = np.full((800, 800, 3), 255, dtype=np.uint8)
>>> white_share(white), is_white_background(white), is_spliced(white)
(1.0, True, False)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["load", "white_share", "border_white_share", "is_white_background", "is_spliced",
           "image_info", "check_main_images", "asset_dir"]


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
    border[fh:h - fh, fw:w - fw] = False
    return round(float(mask[border].mean()), 4)


def is_white_background(arr: np.ndarray) -> bool:
    level, share = _levels()
    return border_white_share(arr, level) >= share


def _seams(arr: np.ndarray, axis: int, jump: float = 40.0, coverage: float = 0.9) -> list[int]:
    """Positions of straight seams across the image along ``axis`` (1: vertical lines)."""
    a = arr[..., :3].astype(np.int16)
    diff = np.abs(np.diff(a, axis=axis)).max(axis=-1)          # sharp change between neighbours
    share = (diff > jump).mean(axis=0 if axis == 1 else 1)      # share of the line that jumps
    n = share.shape[0]
    lo, hi = int(n * 0.05), int(n * 0.95)
    return [int(i) for i in np.nonzero(share[lo:hi] >= coverage)[0] + lo]


def is_spliced(arr: np.ndarray) -> bool:
    """True when the image looks pasted together from several pictures."""
    return bool(_seams(arr, axis=1))


def image_info(path) -> dict:
    """One image's facts as a dict (for a DataFrame row)."""
    from .. import settings

    arr = load(path)
    h, w = arr.shape[:2]
    size = int(settings.threshold("listing", "main_image_size"))
    return {
        "文件": Path(path).name,
        "宽": int(w),
        "高": int(h),
        "尺寸合格": bool(w == size and h == size),
        "白色像素占比": white_share(arr),
        "边缘白色占比": border_white_share(arr),
        "白底图": bool(is_white_background(arr)),
        "拼接图": bool(is_spliced(arr)),
    }


def check_main_images(infos: list[dict]) -> list[str]:
    """Problems with a plan of main images (a list of ``image_info`` dicts, in order)."""
    from .. import settings

    th = settings.thresholds("listing")
    n, size, share_min = int(th["main_image_count"]), int(th["main_image_size"]), float(th["white_background_share_min"])
    probs = []
    if len(infos) != n:
        probs.append(f"主图应为 {n} 张，现在是 {len(infos)} 张。")
    if not infos:
        return probs
    if not infos[0].get("白底图"):
        probs.append(f"首图「{infos[0].get('文件')}」不是白底图：表1 要求首图白底。")
    for info in infos:
        if not info.get("尺寸合格"):
            probs.append(f"「{info.get('文件')}」尺寸是 {info.get('宽')}×{info.get('高')}，要求 {size}×{size} 像素。")
        if info.get("拼接图"):
            probs.append(f"「{info.get('文件')}」是拼接图：平台规范不允许拼接图。")
    names = [i.get("文件") for i in infos]
    for nm in sorted({x for x in names if names.count(x) > 1}):
        probs.append(f"「{nm}」重复使用：每张主图应展示不同内容。")
    white = sum(1 for i in infos if i.get("白底图"))
    if infos and white / len(infos) < share_min:
        probs.append(f"白底图 {white} 张，占 {white / len(infos):.0%}，低于 {share_min:.0%}（关键控制点：白底图占比不低于60%）。")
    return probs


def asset_dir(product_id: str | None = None) -> Path:
    """The folder of the candidate main images of the featured product (settings
    ``featured.product_id``), or of the product named: ``assets/<product_id>/``
    next to the notebook, in an unzipped package or in the course repository."""
    from .. import featured

    return featured.find_images(product_id or featured.featured_id())
