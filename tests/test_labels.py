"""Chinese column labels: every column of every table has a short label in the data
dictionary (datasets/spec.py -> manifest.json), and the tables a student reads show it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from course import data, labels
from datasets.spec import LABELS, TABLES

REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO / "datasets" / "data" / "manifest.json"


def test_every_column_of_every_table_has_a_short_label():
    missing = [f"{t}.{c}" for t, spec in TABLES.items() for c, info in spec["columns"].items() if not info.get("label")]
    assert not missing, f"add a label in datasets/spec.py LABELS for: {missing}"
    for t, spec in TABLES.items():
        for c, info in spec["columns"].items():
            assert 1 <= len(info["label"]) <= 8, f"{t}.{c}: label {info['label']!r} is not short"
            assert not any(ch in info["label"] for ch in "（）()，,：:"), f"{t}.{c}: a label is a name, not a note"


def test_labels_name_only_existing_columns():
    stale = [f"{t}.{c}" for t, cols in LABELS.items() for c in cols if t not in TABLES or c not in TABLES[t]["columns"]]
    assert not stale, f"labels for columns that do not exist: {stale}"


def test_manifest_carries_the_labels():
    """The committed manifest is regenerated from the spec (python -m datasets.generate)."""
    man = json.loads(MANIFEST.read_text(encoding="utf-8"))
    for t, spec in man["tables"].items():
        for c, info in spec["columns"].items():
            assert info.get("label") == TABLES[t]["columns"][c]["label"], f"{t}.{c}: run python -m datasets.generate"


def test_columns_named_in_the_brief_have_labels():
    assert labels.label("goods_amount") == "商品总额"
    assert labels.label("paid_amount", "orders") == "实付金额"
    assert labels.label("competition_index") == "竞争度指数"
    assert labels.label("click_rate") == "点击率"


def test_describe_shows_the_label():
    d = data.describe("keywords")
    assert list(d.columns) == ["字段", "中文名", "含义", "单位", "类型"]
    row = d.set_index("字段").loc["search_heat"]
    assert row["中文名"] == "搜索人气" and "搜索人气" in row["含义"]


def test_show_labels_every_column_of_every_table():
    for table in data.tables():
        shown = labels.show(data.load(table), 3, table)
        unlabelled = [c for c in shown.columns if "（" not in str(c)]
        assert not unlabelled, f"{table}: {unlabelled}"


def test_labelled_uses_the_best_table_and_labels_group_names():
    orders = data.load("orders")
    by_channel = orders.groupby("channel", observed=True)["paid_amount"].sum()
    shown = labels.labelled(by_channel)
    assert shown.index.name == "成交渠道（channel）" and shown.name == "实付金额（paid_amount）"
    ads = labels.labelled(data.load("ad_spend").head(2))
    assert "推广渠道（channel）" in ads.columns
    mine = labels.labelled(pd.DataFrame({"value": [1.0], "keyword": ["床头柜"]}))
    assert list(mine.columns) == ["value", "关键词（keyword）"]  # a computed column keeps its name


def test_doctests():
    import doctest

    assert doctest.testmod(labels).failed == 0
