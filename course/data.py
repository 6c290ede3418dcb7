"""Load the shop's data wherever a notebook runs.

The data folder holds UTF-8 (with BOM) CSV files and a ``manifest.json`` that
names every table, its file, its columns' types and its date columns.  The
folder is found, in this order:

1. ``$COURSE_DATA_DIR`` (set by the grading side and by teachers);
2. ``data/`` or ``datasets/data/`` in the notebook's folder or any folder above
   it (a released assignment, a module folder in the repository, a student's
   unzipped download);
3. ``datasets/data/`` next to the installed ``course`` package.

>>> phases = load("campaign_phases")
>>> list(phases["phase"])
['预热期', '爆发期', '返场期']
>>> sorted(tables())[:3]
['ab_test', 'ad_spend', 'campaign_phases']
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .messages import CourseError

MANIFEST = "manifest.json"


def _candidates() -> list[Path]:
    out: list[Path] = []
    env = os.environ.get("COURSE_DATA_DIR")
    if env:
        out.append(Path(env))
    here = Path(os.getcwd()).resolve()
    for folder in (here, *here.parents):
        out.append(folder / "data")
        out.append(folder / "datasets" / "data")
    out.append(Path(__file__).resolve().parent.parent / "datasets" / "data")
    return out


def data_dir() -> Path:
    """The folder with ``manifest.json``; a Chinese message lists where it looked."""
    looked = []
    for cand in _candidates():
        if (cand / MANIFEST).is_file():
            return cand
        looked.append(str(cand))
    shown = "\n  ".join(looked[:6])
    raise CourseError(
        "找不到店铺数据（data 文件夹里的 manifest.json）。已查找：\n  "
        + shown
        + "\n请确认下载的作业包已完整解压（笔记本旁边应有 data 文件夹），"
        "或让老师设置环境变量 COURSE_DATA_DIR 指向数据文件夹。"
    )


@lru_cache(maxsize=8)
def _manifest(folder: str) -> dict:
    try:
        return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CourseError(f"数据说明文件 {folder}/{MANIFEST} 已损坏（{exc}），请重新下载数据包。") from None


def manifest() -> dict:
    """The manifest of the data folder in use (tables, columns, seed, scale)."""
    return _manifest(str(data_dir()))


def tables() -> list[str]:
    """Names of the tables that ``load`` accepts."""
    return sorted(manifest()["tables"])


_PANDAS_DTYPES = {"string": "string", "int": "Int64", "float": "float64", "bool": "boolean", "category": "category"}


def load(name: str) -> pd.DataFrame:
    """One table as a DataFrame with its documented types.

    Date columns are parsed; integer columns are nullable ``Int64``.
    A wrong name or a missing file gets a message that says what to do.
    """
    folder = data_dir()
    man = _manifest(str(folder))
    tabs = man.get("tables", {})
    if name not in tabs:
        import difflib

        close = difflib.get_close_matches(name, list(tabs), n=1)
        hint = f'你是不是想写 "{close[0]}"？' if close else ""
        raise CourseError(f'没有名为 "{name}" 的数据表。{hint}可用的表：{"、".join(sorted(tabs))}。')
    spec = tabs[name]
    path = folder / spec["file"]
    if not path.is_file():
        raise CourseError(
            f"数据文件 {path.name} 不见了（应在 {folder}）。请重新解压数据包，或向老师要一份 {path.name}。"
        )
    cols = spec.get("columns", {})
    dtypes, dates = {}, []
    for col, info in cols.items():
        kind = info.get("dtype", "string")
        if kind in ("date", "datetime"):
            dates.append(col)
        elif kind in _PANDAS_DTYPES:
            dtypes[col] = _PANDAS_DTYPES[kind]
    df = pd.read_csv(path, encoding="utf-8-sig", dtype=dtypes, parse_dates=dates or False)
    return df


def describe(name: str) -> pd.DataFrame:
    """The data dictionary of one table: column, its short Chinese name, meaning, unit, type."""
    spec = manifest()["tables"].get(name)
    if spec is None:
        load(name)  # raises the helpful message
    rows = [
        {
            "字段": c,
            "中文名": i.get("label", ""),
            "含义": i.get("description", ""),
            "单位": i.get("unit", ""),
            "类型": i.get("dtype", ""),
        }
        for c, i in spec.get("columns", {}).items()
    ]
    return pd.DataFrame(rows)
