"""Chinese labels for column names, from the shop's data dictionary.

Students read tables whose column names are English (``search_heat``); the
code they fill in needs those names.  Wherever a student reads a table the
notebooks show both, ``搜索人气（search_heat）``, looked up in the data
dictionary (``manifest.json``: a column's ``label``, or the start of its
``description``), never typed by hand.

>>> label("search_heat")
'搜索人气'
>>> list(labelled(__import__("pandas").DataFrame({"search_heat": [1], "我的列": [2]})).columns)
['搜索人气（search_heat）', '我的列']
"""
from __future__ import annotations

import re
from functools import lru_cache

_CUT = re.compile(r"[（(，,；;：:。]")


def _short(description: str) -> str:
    head = _CUT.split(description or "", maxsplit=1)[0].strip()
    return head if 0 < len(head) <= 12 else ""


@lru_cache(maxsize=4)
def _labels(data_folder: str) -> dict[str, dict[str, str]]:
    from . import data

    out: dict[str, dict[str, str]] = {}
    for table, spec in data.manifest().get("tables", {}).items():
        for col, info in (spec.get("columns") or {}).items():
            text = info.get("label") or _short(info.get("description", ""))
            if text:
                out.setdefault(col, {})[table] = text
    return out


def labels() -> dict[str, dict[str, str]]:
    """{column: {table: Chinese label}} of every table in the data dictionary."""
    from . import data

    return _labels(str(data.data_dir()))


def label(column: str, table: str | None = None) -> str | None:
    """The Chinese label of a column (of ``table`` when given), or None."""
    found = labels().get(str(column))
    if not found:
        return None
    if table and table in found:
        return found[table]
    return next(iter(found.values()))


def labelled(frame, table: str | None = None):
    """A copy of ``frame`` whose headers read ``中文（english）`` where the dictionary knows them."""
    names = {}
    for col in frame.columns:
        zh = label(col, table)
        names[col] = f"{zh}（{col}）" if zh and zh != col else col
    return frame.rename(columns=names)


def show(frame, n: int | None = 20, table: str | None = None):
    """What a notebook displays: the first ``n`` rows with Chinese headers."""
    part = frame if n is None else frame.head(n)
    return labelled(part, table)
