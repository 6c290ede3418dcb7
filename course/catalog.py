"""The products a teacher may feature (主推商品) and their facts, read from the shop's data.

``course.featured`` picks the one in force from the settings; this module reads
the facts of any of them and never reads the settings (so the settings check
can ask it whether a product may be featured).  The facts come from the shop's
data (``course.data``: ``products``, ``skus``, ``keywords``, ``featured_products``,
``pain_points``) and the candidate main images in ``module1_listing/assets/<product_id>/``.
Facts only: nothing here is an answer to a task or the way to compute one.

>>> p = product_facts("P001")
>>> p.id, p.name, p.brand, p.category
('P001', '北欧风简约床头柜', '栖木', '床头柜')
>>> p.prices["40cm宽"]
Price(daily=199.0, activity=179.0, cost=95.0)
>>> p.persona.spending, p.pain_signals["安装麻烦"]
('中', ['免安装'])
>>> [c.id for c in featurable()]
['P001', 'P004', 'P006']
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .messages import CourseError

__all__ = ["product_facts", "featurable", "why_not", "find_images", "Product", "Price", "Persona", "Sku", "Choice"]

MULTI = "|"  # several values in one cell of the data
IMAGES = "cand_*.png"  # the candidate main images of a product
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Price:
    """Prices of one spec (size) in yuan: the current daily price, the 618 activity price, the unit cost."""

    daily: float
    activity: float
    cost: float


@dataclass(frozen=True)
class Persona:
    """The buyers the selection exercise looks for in the market Top-100."""

    age_bands: tuple[str, ...]
    genders: tuple[str, ...]
    spending: str


@dataclass(frozen=True)
class Sku:
    sku_id: str
    color: str
    size: str
    material: str


@dataclass(frozen=True)
class Choice:
    """A product that can be featured: id, short name and sub-category."""

    id: str
    name: str
    category: str

    def __str__(self) -> str:
        return f"{self.id} {self.name}（{self.category}）"


@dataclass(frozen=True)
class Product:
    """The featured product's facts.

    ``category`` is the sub-category a buyer searches (床头柜), ``title`` the
    product's current title in the shop (not a model answer: P006's carries a
    planted mistake).  ``core_keywords`` are the keyword table's 核心词 of the
    product, in the table's order.  ``pain_signals`` maps each buyer pain point
    to the words that signal it in a long-tail keyword.  ``sku_attributes`` are
    the SKU options *as a colleague drafted them* for the new listing,
    {属性名: [属性值]}: the draft holds one invalid option to catch, the valid
    values are the ones the inventory (``skus``) uses.  ``prices`` per spec,
    ``skus`` in the table's order.  ``images_dir``: the folder of the eight
    candidate main images (a Chinese CourseError where the module's images are
    not shipped, e.g. in a module 2 package).
    """

    id: str
    name: str
    title: str
    brand: str
    category: str
    role: str
    style: str
    core_keywords: tuple[str, ...]
    pain_signals: dict[str, list[str]]
    persona: Persona
    sku_attributes: dict[str, list[str]]
    prices: dict[str, Price]
    skus: tuple[Sku, ...] = field(default=())

    @property
    def images_dir(self) -> Path:
        return find_images(self.id)

    def __str__(self) -> str:
        return f"{self.brand} {self.name}（{self.id}，{self.category}）"


# -- reading the data (once per data folder) -----------------------------------------


def _split(value) -> list[str]:
    return [v.strip() for v in str(value or "").split(MULTI) if v.strip()]


def _draft(text) -> dict[str, list[str]]:
    """颜色：白色/原木色；尺寸：40cm宽/48cm宽 -> {颜色: [...], 尺寸: [...]} (the table-1 notation)."""
    out: dict[str, list[str]] = {}
    for part in str(text or "").split("；"):
        if "：" in part:
            name, values = part.split("：", 1)
            out[name.strip()] = [v.strip() for v in values.split("/") if v.strip()]
    return out


def _spec_prices(rows) -> dict[str, Price]:
    out: dict[str, Price] = {}
    for size, g in rows.groupby("size", sort=False):
        out[str(size)] = Price(
            round(float(g["daily_price"].max()), 2),
            round(float(g["campaign_price"].max()), 2),
            round(float(g["cost"].max()), 2),
        )
    return out


@lru_cache(maxsize=4)
def _records(folder: str, stamp: int) -> dict[str, dict]:
    """Every featurable product's facts as plain values (``stamp``: the manifest's mtime)."""
    from . import data

    if "featured_products" not in data.manifest().get("tables", {}):
        raise CourseError(
            f"数据文件夹 {folder} 里没有主推商品资料（featured_products 表）：这份数据比课程代码旧，"
            "请用课程仓库里的 datasets/data，或运行 python -m datasets.generate 重新生成。"
        )
    products = data.load("products").set_index("product_id")
    skus = data.load("skus")
    keywords = data.load("keywords")
    pains = data.load("pain_points")
    out: dict[str, dict] = {}
    for r in data.load("featured_products").itertuples(index=False):
        pid = str(r.product_id)
        p = products.loc[pid]
        mine = skus[skus["product_id"] == pid]
        core = keywords[(keywords["related_product_id"] == pid) & (keywords["keyword_type"] == "核心词")]
        out[pid] = dict(
            id=pid,
            name=str(p["product_name"]),
            title=str(p["title"]),
            brand=str(r.brand),
            category=str(p["sub_category"]),
            role=str(p["role"]),
            style=str(p["style"]),
            core_keywords=tuple(str(k) for k in core["keyword"]),
            pain_signals={
                str(q.pain_point): _split(q.signal_words)
                for q in pains[pains["product_id"] == pid].itertuples(index=False)
            },
            persona=Persona(
                tuple(_split(r.persona_age_bands)), tuple(_split(r.persona_genders)), str(r.persona_spending)
            ),
            sku_attributes=_draft(r.sku_options_draft),
            prices=_spec_prices(mine),
            skus=tuple(
                Sku(str(s.sku_id), str(s.color), str(s.size), str(s.material)) for s in mine.itertuples(index=False)
            ),
        )
    return out


def _all() -> dict[str, dict]:
    from . import data

    folder = data.data_dir()
    return _records(str(folder), (folder / data.MANIFEST).stat().st_mtime_ns)


def featurable() -> list[Choice]:
    """The products a teacher may feature (the rows of ``featured_products``), in the data's order."""
    return [Choice(r["id"], r["name"], r["category"]) for r in _all().values()]


def why_not(product_id: str) -> str | None:
    """Why a product cannot be featured (a Chinese sentence naming the choices), or None.

    >>> print(why_not("P002"))  # doctest: +ELLIPSIS
    P002 北欧实木床头柜是本店商品，但数据里没有它作为主推商品所需的资料（...）。可以选择：P001 ...
    """
    from . import data

    pid = str(product_id or "").strip().upper()
    if pid in _all():
        return None
    names = data.load("products").set_index("product_id")["product_name"]
    what = (
        f"{pid} {names[pid]}是本店商品，但数据里没有它作为主推商品所需的资料（关键词、痛点词、客群画像、候选主图）"
        if pid in names.index
        else f"本店没有编号为 {product_id!r} 的商品"
    )
    return f"{what}。可以选择：" + "；".join(map(str, featurable())) + "。"


def product_facts(product_id: str) -> Product:
    """The facts of a featurable product, as a fresh record (changing its dicts never changes the next call's)."""
    pid = str(product_id).strip().upper()
    records = _all()
    if pid not in records:
        raise CourseError(
            f"主推商品不能是 {pid}：{why_not(pid)}（在 course/settings.yaml 的 featured.product_id 中修改。）"
        )
    r = records[pid]
    return Product(
        **{
            **r,
            "pain_signals": {k: list(v) for k, v in r["pain_signals"].items()},
            "sku_attributes": {k: list(v) for k, v in r["sku_attributes"].items()},
            "prices": dict(r["prices"]),
        }
    )


# -- the candidate main images -----------------------------------------------------


def _image_folders(product_id: str) -> list[Path]:
    """Where the images may be: next to the notebook (a released module, an unzipped
    package), in a module folder above, next to the shipped ``course`` package (a
    student zip) or in the repository."""
    here = Path(os.getcwd()).resolve()
    out = [here / "assets" / product_id]
    out += [folder / "module1_listing" / "assets" / product_id for folder in (here, *here.parents)]
    out += [_PACKAGE.parent / "assets" / product_id, _PACKAGE.parent / "module1_listing" / "assets" / product_id]
    return out


def find_images(product_id: str) -> Path:
    """The folder that holds a product's candidate main images (``cand_*.png``)."""
    for folder in _image_folders(product_id):
        if folder.is_dir() and any(folder.glob(IMAGES)):
            return folder
    raise CourseError(
        f"找不到商品 {product_id} 的候选主图（assets/{product_id}/cand_01.png …）。"
        "图片随模块一发放，应在笔记本旁边的 assets 文件夹里：请重新解压模块一的作业包，"
        "或请老师确认 course/settings.yaml 中的主推商品与发放的图片一致。"
    )
