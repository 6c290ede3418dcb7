"""SKU options: combinations, and redundant or meaningless options.

Table 1 (商品上架信息核对表), SKU row: 属性组合避免无效选项（如“颜色:默认”）；
示例 颜色:白色/原木色；尺寸:60cm/80cm；审核要点：是否覆盖主流需求，无冗余选项.
The workshop plan adds: 保证库存数据与线上显示一致.

An *invalid option* (无效选项) is one of:

* a meaningless value (默认, 其他, 如图, 随机 ...) that tells the buyer nothing;
* a duplicate value or a duplicate attribute;
* a value no SKU in the inventory uses (the buyer can pick it but never buy it);
* an attribute with no values at all.

>>> attrs = {"颜色": ["白色", "原木色", "默认"], "尺寸": ["40cm宽", "48cm宽"]}
>>> [i.kind for i in check_options(attrs)]
['无意义选项']
>>> len(combinations(attrs))
6
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "Issue",
    "MEANINGLESS",
    "check_options",
    "combinations",
    "normalise_attributes",
    "match_inventory",
    "ATTRIBUTE_COLUMNS",
    "product_inventory",
    "varying_attributes",
    "covers_inventory",
    "no_invalid_options",
]

#: values that carry no information for the buyer (exact match after trimming)
MEANINGLESS = frozenset(
    {
        "默认",
        "默认色",
        "默认颜色",
        "默认尺寸",
        "默认款",
        "其他",
        "其它",
        "无",
        "随机",
        "随机发货",
        "随机色",
        "如图",
        "图片色",
        "同图",
        "见详情",
        "请备注",
        "备注",
        "通用",
        "不选",
        "待定",
        "-",
        "/",
    }
)

#: form attribute name -> column of the ``skus`` table
ATTRIBUTE_COLUMNS = {"颜色": "color", "尺寸": "size", "规格": "size", "材质": "material"}


@dataclass(frozen=True)
class Issue:
    kind: str  # 无属性值 / 无意义选项 / 重复选项 / 重复属性 / 未使用选项 / 缺少选项 / 单一选项
    attribute: str
    value: str
    message: str
    invalid: bool = True  # False for advice that does not make the SKU set wrong

    def __str__(self) -> str:
        return self.message


def normalise_attributes(attributes) -> list[tuple[str, list[str]]]:
    """Accept {name: [values]}, [(name, values)] or [{"name":..., "values":...}] rows.

    Values may be a list or a typed string ("白色/原木色").  Order is kept.
    """
    from .title import split_words

    if attributes is None:
        return []
    if isinstance(attributes, Mapping):
        items = list(attributes.items())
    else:
        items = []
        for row in attributes:
            if isinstance(row, Mapping):
                items.append((row.get("name"), row.get("values")))
            else:
                items.append(tuple(row))
    out = []
    for name, values in items:
        name = str(name or "").strip()
        if isinstance(values, str) or values is None:
            vals = split_words(values or "")
        else:
            vals = [str(v).strip() for v in values if str(v).strip()]
        out.append((name, vals))
    return out


def check_options(attributes, inventory=None, *, product_id: str | None = None) -> list[Issue]:
    """Problems with the SKU attributes, each with a Chinese message.

    ``inventory``: the shop's ``skus`` rows (optionally of all products, then give
    ``product_id``); with it, options no SKU uses and inventory values missing
    from the options are found too.
    """
    attrs = normalise_attributes(attributes)
    if not attrs:
        return [Issue("无属性值", "", "", "还没有填写任何 SKU 属性：至少填写一个属性（如 颜色）及其属性值。")]
    issues: list[Issue] = []
    seen_names: set[str] = set()
    for name, values in attrs:
        issues += _name_issues(name, seen_names)
        seen_names.add(name)
        issues += _value_issues(name or "（未命名属性）", values)
    if inventory is not None:
        issues += _inventory_issues(attrs, _inventory_of(inventory, product_id))
    return issues


def _is_meaningless(value: str) -> bool:
    """默认 in any form (默认白, 默认款式 ...) says as little as the listed words."""
    return value in MEANINGLESS or value.startswith("默认")


def _name_issues(name: str, seen_names: set[str]) -> list[Issue]:
    """A missing attribute name, or one already used on an earlier row."""
    if not name:
        return [Issue("无属性值", "", "", "有一行属性没有填写属性名（如 颜色、尺寸）。")]
    if name in seen_names:
        return [Issue("重复属性", name, "", f"属性「{name}」出现了两次：同一属性的值请写在一行里。")]
    return []


def _value_issues(label: str, values: list[str]) -> list[Issue]:
    """Empty, repeated, meaningless or lone values of one attribute."""
    if not values:
        return [
            Issue(
                "无属性值",
                label,
                "",
                f"属性「{label}」没有填写属性值：请填写至少一个值"
                "（用“/”或顿号分隔，如 白色/原木色），不需要的属性请删除这一行。",
            )
        ]
    dup = sorted({v for v in values if values.count(v) > 1}, key=values.index)
    issues = [
        Issue("重复选项", label, v, f"「{label}:{v}」重复填写：买家会看到两个一样的选项，请删去一个。") for v in dup
    ]
    issues += [_meaningless_issue(label, v) for v in values if _is_meaningless(v)]
    if len(values) == 1 and values[0] not in MEANINGLESS:
        issues.append(
            Issue(
                "单一选项",
                label,
                values[0],
                f"属性「{label}」只有一个值「{values[0]}」：不需要买家选择，建议写进标题或规格参数，不作为 SKU 选项。",
                invalid=False,
            )
        )
    return issues


def _meaningless_issue(label: str, value: str) -> Issue:
    return Issue(
        "无意义选项",
        label,
        value,
        f"「{label}:{value}」是无效选项：买家无法从中知道买到的是什么"
        "（表1：避免“颜色:默认”这类选项）。请写出真实的属性值，或删除这个选项。",
    )


def _inventory_of(inventory, product_id: str | None):
    """The inventory rows of one product (all rows when no product is named)."""
    if product_id is not None and "product_id" in inventory.columns:
        return inventory[inventory["product_id"] == product_id]
    return inventory


def _inventory_issues(attrs: list[tuple[str, list[str]]], inv) -> list[Issue]:
    """Options no SKU uses, and SKU values the options leave out (known attributes only)."""
    issues: list[Issue] = []
    for name, values in attrs:
        col = ATTRIBUTE_COLUMNS.get(name)
        if not col or col not in inv.columns or not values:
            continue
        used = [str(v) for v in inv[col].dropna().unique()]
        issues += [_unused_issue(name, v) for v in values if v not in used and not _is_meaningless(v)]
        issues += [_missing_issue(name, v) for v in used if v not in values]
    return issues


def _unused_issue(name: str, value: str) -> Issue:
    return Issue(
        "未使用选项",
        name,
        value,
        f"「{name}:{value}」在库存表中没有对应的 SKU：买家能选却买不到，"
        "属于冗余选项，请删除（或先在库存中建好这个 SKU）。",
    )


def _missing_issue(name: str, value: str) -> Issue:
    return Issue(
        "缺少选项",
        name,
        value,
        f"库存表中有「{name}:{value}」的 SKU，但选项里没有：这部分库存在线上买不到，库存与线上显示不一致。",
        invalid=False,
    )


def combinations(attributes):
    """All combinations of the attribute values as a DataFrame (one column per attribute)."""
    import pandas as pd

    attrs = [(n, v) for n, v in normalise_attributes(attributes) if n and v]
    if not attrs:
        return pd.DataFrame()
    names = [n for n, _ in attrs]
    rows = list(itertools.product(*[v for _, v in attrs]))
    return pd.DataFrame(rows, columns=names)


def match_inventory(attributes, inventory, product_id: str | None = None):
    """Combinations joined with the inventory: sku_id, stock, status per combination.

    Combinations without an SKU get an empty sku_id (they would show online but
    cannot be bought); inventory SKUs missing from the combinations are added
    with ``在选项中`` = False.
    """
    import pandas as pd

    combos = combinations(attributes)
    inv = inventory
    if product_id is not None and "product_id" in inv.columns:
        inv = inv[inv["product_id"] == product_id]
    keys = [c for c in combos.columns if ATTRIBUTE_COLUMNS.get(c) in inv.columns]
    right = inv.rename(columns={ATTRIBUTE_COLUMNS[c]: c for c in keys})
    cols = keys + [c for c in ("sku_id", "stock", "status") if c in right.columns]
    if not keys:
        return combos
    merged = combos.merge(right[cols], on=keys, how="left")
    merged["在选项中"] = True
    listed = set(map(tuple, combos[keys].astype(str).values.tolist()))
    extra = right[cols][[tuple(r) not in listed for r in right[keys].astype(str).values.tolist()]].copy()
    if len(extra):
        extra["在选项中"] = False
        merged = pd.concat([merged, extra], ignore_index=True)
    return merged.reset_index(drop=True)


# -- the SKU rules as yes/no checks on a {属性名: [属性值]} answer (public; visible checks use them) ---


def product_inventory(product_id: str | None = None):
    """The ``skus`` rows of one product (default: the featured product of the settings)."""
    from .. import data

    if product_id is None:
        from .. import featured

        product_id = featured.featured_id()
    inv = data.load("skus")
    return inv[inv["product_id"] == product_id]


def varying_attributes(attributes, inventory) -> list[str]:
    """The attribute names of ``attributes`` whose inventory column differs between SKUs.

    >>> import pandas as pd
    >>> inv = pd.DataFrame({"color": ["白色", "原木色"], "size": ["40cm宽", "40cm宽"], "material": ["板", "板"]})
    >>> varying_attributes({"颜色": [], "尺寸": [], "材质": []}, inv)
    ['颜色']
    """
    out = []
    for name, _values in normalise_attributes(attributes):
        col = ATTRIBUTE_COLUMNS.get(name)
        if col and col in inventory.columns and inventory[col].nunique() > 1:
            out.append(name)
    return out


def covers_inventory(attributes, product_id: str | None = None) -> bool:
    """Every value the inventory uses (of each attribute that varies) is an option: nothing in stock
    that a buyer cannot pick (库存数据与线上显示一致)."""
    attrs = normalise_attributes(attributes)
    if not attrs:
        return False
    inv = product_inventory(product_id)
    given = dict(attrs)
    for col in [c for c in ("color", "size", "material") if c in inv.columns and inv[c].nunique() > 1]:
        names = [n for n in given if ATTRIBUTE_COLUMNS.get(n) == col]
        need = {str(v) for v in inv[col].dropna().unique()}
        if not names or not need <= set(given[names[0]]):
            return False
    return True


def no_invalid_options(attributes, product_id: str | None = None) -> bool:
    """No invalid option (无效选项): nothing meaningless (默认), repeated, unused by the inventory or empty."""
    if not normalise_attributes(attributes):
        return False
    return not any(i.invalid for i in check_options(attributes, product_inventory(product_id)))
