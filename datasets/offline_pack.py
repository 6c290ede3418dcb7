"""The teachers' Excel offline pack (``offline_data_pack.xlsx``): every table of a data folder in one workbook.

Sheets: 说明 (what is in the pack, rows per table), 字段说明 (the data dictionary)
and one sheet per table, read back from the folder's CSV files as text, with
numbers and booleans typed.  ``traffic`` and ``messages`` keep only June 2026 to
keep the file small.  Written at scales up to ``EXCEL_MAX_SCALE`` only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from . import shop
from .xlsx import write_xlsx

EXCEL_NAME = "offline_data_pack.xlsx"
EXCEL_MAX_SCALE = 1.0
EXCEL_MONTH_ONLY = {"traffic": ("date", "2026-06"), "messages": ("sent_at", "2026-06")}
_CELL_KIND = {"int": "num", "float": "num", "bool": "bool"}


def _intro_sheet(man: dict) -> tuple:
    rows = [
        [
            f"{shop.SHOP_NAME} 模拟店铺数据 · 离线数据包"
            f"（版本 {man['version']}，种子 {man['seed']}，规模 {man['scale']}）"
        ],
        [
            "每张表一个工作表，第一行为字段名（英文）；字段的中文含义与单位见工作表「字段说明」。"
            "CSV 原文件在同一文件夹。"
        ],
        [
            "为控制文件大小，traffic 与 messages 两个工作表只收录 2026 年 6 月（含 618 活动）的记录；"
            "全年记录见 CSV 文件。"
        ],
        [],
        ["表名", "说明", "行数", "CSV 文件"],
    ]
    for name, t in man["tables"].items():
        note = "（工作表只含 2026-06）" if name in EXCEL_MONTH_ONLY else ""
        rows.append([name, t["description"] + note, str(t["rows"]), t["file"]])
    return ("说明", rows, ["text", "text", "num", "text"], 0)


def _fields_sheet(man: dict) -> tuple:
    rows = [["表名", "字段", "类型", "含义", "单位"]]
    for name, t in man["tables"].items():
        for col, info in t["columns"].items():
            rows.append([name, col, info["dtype"], info["description"], info["unit"]])
    return ("字段说明", rows, ["text"] * 5, 1)


def _table_sheet(folder: Path, name: str, t: dict) -> tuple:
    df = pd.read_csv(folder / t["file"], encoding="utf-8-sig", dtype=str, keep_default_na=False)
    if name in EXCEL_MONTH_ONLY:
        col, month = EXCEL_MONTH_ONLY[name]
        df = df[df[col].str.startswith(month)]
    kinds = [_CELL_KIND.get(info["dtype"], "text") for info in t["columns"].values()]
    rows = [list(t["columns"])] + [list(r) for r in df.itertuples(index=False, name=None)]
    return (name, rows, kinds, 1)


def write_excel(folder: Path, path: Path) -> None:
    """Write the offline pack of the data folder ``folder`` (with its manifest) to ``path``; same data, same bytes."""
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    sheets = [_intro_sheet(man), _fields_sheet(man)]
    sheets += [_table_sheet(folder, name, t) for name, t in man["tables"].items()]
    write_xlsx(path, sheets, title=f"{shop.SHOP_NAME} 模拟店铺数据 离线数据包")
