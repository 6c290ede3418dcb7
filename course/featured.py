"""The featured product of modules 1 and 2 (主推商品): the one a teacher picks in
``course/settings.yaml`` (``featured.product_id``), as one read-only record.

Notebooks, forms, visible checks and the reference graders read the product's
facts from here instead of writing 床头柜 / P001 / 栖木 themselves, so a teacher
who features a 收纳盒 (P004) or a 置物架 (P006) changes one line of the settings.
The facts and the list of products that may be featured are read by
``course.catalog``; nothing here is an answer to a task.

>>> p = product("P001")
>>> p.id, p.name, p.brand, p.category
('P001', '北欧风简约床头柜', '栖木', '床头柜')
>>> [c.id for c in featurable()]
['P001', 'P004', 'P006']
"""

from __future__ import annotations

from .catalog import Choice, Persona, Price, Product, Sku, featurable, find_images, product_facts, why_not

__all__ = [
    "product",
    "featurable",
    "featured_id",
    "why_not",
    "find_images",
    "Product",
    "Price",
    "Persona",
    "Sku",
    "Choice",
]


def featured_id() -> str:
    """The id in the settings (``featured.product_id``), without reading the data."""
    from . import settings

    return str(settings.load()["featured"]["product_id"]).strip().upper()


def product(product_id: str | None = None) -> Product:
    """The featured product in force (``featured.product_id`` of the settings), or the one named.

    Each call returns a fresh record, so changing its dicts never changes the next call's.
    """
    return product_facts(featured_id() if product_id is None else product_id)
