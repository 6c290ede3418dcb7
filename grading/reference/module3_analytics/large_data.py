"""The whole review pipeline on a large generated shop (≥ 1,000,000 orders):
the fast loader and the tables ``benchmarks/bench_analytics.py`` times against DuckDB.

Reading ``user_id`` as fixed-width bytes and turning ``U00000041`` into 41
(no 15 million Python strings), categories for channel / phase / date, and a
bitmap per group for distinct counts keep pandas within a small factor of
DuckDB and well under 4 GB (measured figures: module3_analytics/TEACHER_NOTES.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from course.tools.analytics import CHANNELS, PHASES

from .channel_roi import channel_roi
from .core_metrics import group_metrics
from .funnel import funnel_table
from .shop import Calendar, between, calendar_of

TRAFFIC_COLS = ["user_id", "date", "channel", "phase", "pages_viewed", "added_to_cart", "ordered", "paid"]
ORDER_COLS = [
    "user_id",
    "date",
    "channel",
    "phase",
    "status",
    "paid_at",
    "paid_amount",
    "cost_amount",
    "commission",
    "gift_cost",
    "is_new_customer",
]
ID_BYTES = 20  # visitor ids are read as fixed-width bytes (no Python string objects)


def _in_order(df: pd.DataFrame, cal: Calendar) -> pd.DataFrame:
    """Phases and channels in the course's order (not alphabetical)."""
    cols = []
    for col, order in (("阶段", cal.phases), ("渠道", list(CHANNELS))):
        if col in df:
            df = df.assign(**{col: df[col].astype(str).to_numpy(dtype=object)})
            df = df.assign(**{f"_{col}": df[col].map({v: i for i, v in enumerate(order)}).astype("float64")})
            cols.append(f"_{col}")
    if cols:
        df = df.sort_values(cols, kind="mergesort").drop(columns=cols).reset_index(drop=True)
    return df


def pipeline(traffic: pd.DataFrame, orders: pd.DataFrame, ad_spend: pd.DataFrame, cal: Calendar) -> dict:
    """Every table of the module's reference review, on prepared tables."""
    month = (cal.month_start, cal.month_end)
    camp = (cal.start, cal.end)
    daily = group_metrics(between(traffic, *month), between(orders, *month), "date")
    daily["日期"] = pd.to_datetime(daily["日期"]).dt.strftime("%Y-%m-%d")
    return {
        "campaign": group_metrics(between(traffic, *camp), between(orders, *camp)),
        "by_phase": _in_order(group_metrics(between(traffic, *month), between(orders, *month), "phase"), cal),
        "by_channel": _in_order(group_metrics(between(traffic, *camp), between(orders, *camp), "channel"), cal),
        "daily": daily,
        "funnel": _in_order(funnel_table(between(traffic, *month), ("channel", "phase")), cal),
        "by_channel_year": _in_order(group_metrics(traffic, orders, "channel"), cal),
        "roi": channel_roi(orders, ad_spend, *camp),  # one row per channel present in the period
    }


def visitor_numbers(ids) -> np.ndarray | None:
    """``"U00000041"`` -> 41, vectorised over fixed-width bytes, digit by digit.

    None unless every id is one (common) letter followed by the same number of
    digits and no id fills the whole byte width (it could have been cut off).

    >>> visitor_numbers(np.array([b"U00000041", b"U00000007"])).tolist()
    [41, 7]
    """
    arr = np.asarray(ids)
    if len(arr) == 0:
        return np.zeros(0, np.int64)
    if arr.dtype.kind != "S":
        try:
            arr = arr.astype(object).astype("S")
        except (UnicodeEncodeError, ValueError, TypeError):
            return None
    w = arr.dtype.itemsize
    m = arr.view(np.uint8).reshape(len(arr), w)
    length = int(np.count_nonzero(m[0]))
    if not 2 <= length <= 19:
        return None
    if length < w and m[:, length].any():
        return None
    digits = m[:, 1:length]
    if not ((m[:, 0] == m[0, 0]).all() and ((digits >= 48) & (digits <= 57)).all()):
        return None
    out = np.zeros(len(arr), np.int64)
    for j in range(length - 1):
        out = out * 10 + (digits[:, j] - 48)
    return out


def _text_ids(path: Path) -> pd.Series:
    return pd.read_csv(path, encoding="utf-8-sig", usecols=["user_id"], dtype={"user_id": str})["user_id"]


def _read_ids(path: Path, cols: list[str], dtype: dict) -> pd.DataFrame:
    df = pd.read_csv(path, encoding="utf-8-sig", usecols=cols, dtype={**dtype, "user_id": f"S{ID_BYTES}"})
    nums = visitor_numbers(df["user_id"].to_numpy())
    df["user_id"] = nums if nums is not None else _text_ids(path)
    return df


def load_fast(folder: str | Path) -> dict:
    """Read the large generated CSVs with only the columns the pipeline needs; also the calendar."""
    folder = Path(folder)
    cat_ch = pd.CategoricalDtype(list(CHANNELS))
    cat_ph = pd.CategoricalDtype(list(PHASES))
    t = _read_ids(
        folder / "traffic.csv",
        TRAFFIC_COLS,
        {
            "channel": cat_ch,
            "phase": cat_ph,
            "pages_viewed": "int16",
            "date": "category",
            "added_to_cart": bool,
            "ordered": bool,
            "paid": bool,
        },
    )
    o = _read_ids(
        folder / "orders.csv",
        ORDER_COLS,
        {
            "channel": cat_ch,
            "phase": cat_ph,
            "status": "category",
            "date": "category",
            "paid_amount": "float64",
            "cost_amount": "float64",
            "commission": "float64",
            "gift_cost": "float64",
            "is_new_customer": bool,
        },
    )
    ad = pd.read_csv(folder / "ad_spend.csv", encoding="utf-8-sig", dtype={"channel": cat_ch})
    if not (pd.api.types.is_integer_dtype(t["user_id"]) and pd.api.types.is_integer_dtype(o["user_id"])):
        codes, _ = pd.factorize(
            np.concatenate(
                [_text_ids(folder / "traffic.csv").to_numpy(object), _text_ids(folder / "orders.csv").to_numpy(object)]
            )
        )
        t["user_id"], o["user_id"] = codes[: len(t)], codes[len(t) :]
    for df in (t, o):
        cats = df["date"].cat.categories
        df["date"] = pd.Categorical.from_codes(df["date"].cat.codes, pd.to_datetime(cats)).astype("datetime64[s]")
    o["paid_at"] = np.where(o["paid_at"].notna(), 1.0, np.nan)  # only "was it paid" is used
    ad["date"] = pd.to_datetime(ad["date"])
    cal = calendar_of(pd.read_csv(folder / "campaign_phases.csv", encoding="utf-8-sig"))
    return {"traffic": t, "orders": o, "ad_spend": ad, "calendar": cal}
