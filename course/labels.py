"""Chinese labels for column names, from the shop's data dictionary.

Students read tables whose column names are English (``search_heat``); the
code they fill in needs those names.  Wherever a student reads a table the
notebooks show both, ``搜索人气（search_heat）``, looked up in the data
dictionary (``manifest.json``: each column's ``label``, written from
``datasets/spec.py``), never typed by hand.  A column of a computed table that
the dictionary does not know keeps its name (``我的列``).

>>> label("search_heat")
'搜索人气'
>>> import pandas as pd
>>> list(labelled(pd.DataFrame({"search_heat": [1], "我的列": [2]})).columns)
['搜索人气（search_heat）', '我的列']
>>> label("channel", "ad_spend"), label("channel", "orders")
('推广渠道', '成交渠道')
>>> labelled(pd.Series([1], index=pd.Index(["直播"], name="channel"), name="paid_amount")).index.name
'成交渠道（channel）'
"""

from __future__ import annotations

import re
from functools import lru_cache

_CUT = re.compile(r"[（(，,；;：:。]")


def _short(description: str) -> str:
    """A label for a data folder older than the labels: the start of the description."""
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


def best_table(columns) -> str | None:
    """The table of the data dictionary that has most of these columns (a table read or derived from it)."""
    counts: dict[str, int] = {}
    for col in columns:
        for table in labels().get(str(col), {}):
            counts[table] = counts.get(table, 0) + 1
    return max(counts, key=lambda t: counts[t]) if counts else None


def _header(name, table: str | None):
    zh = label(name, table) if name is not None else None
    return f"{zh}（{name}）" if zh and zh != name else name


def labelled(frame, table: str | None = None):
    """A copy of ``frame`` (a table or one column) whose headers read ``中文（english）``.

    Index names (a ``groupby`` result's groups) are labelled too.  ``table`` picks
    the label of a column that means different things in different tables
    (``channel``: 流量渠道 / 成交渠道); without it the table that has most of the
    columns is used.
    """
    import pandas as pd

    names = [frame.name] if isinstance(frame, pd.Series) else list(frame.columns)
    table = table or best_table([*names, *frame.index.names])
    out = frame.copy()
    if isinstance(out, pd.Series):
        out.name = _header(out.name, table)
    else:
        out.columns = [_header(c, table) for c in out.columns]
    out.index = out.index.set_names([_header(n, table) for n in out.index.names])
    return out


def show(frame, n: int | None = 20, table: str | None = None):
    """What a notebook displays: the first ``n`` rows with Chinese headers."""
    part = frame if n is None else frame.head(n)
    return labelled(part, table)
