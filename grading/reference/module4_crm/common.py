"""Reference logic shared by module 4's graders (teacher side, never released).

Everything is computed from the settings in force (``R.threshold``) and the
shop data (``R.table``), and memoised on the reference context ``R`` (a new
context is built when the settings or the data change):

* :func:`features` / :func:`classify` / :func:`segments` -- the segmentation of
  exercise 01 (table 3, the course's 成长用户 and 未购买客户);
* :func:`plan` / :func:`schedule` -- exercise 03's week plan and its scheduling
  under the frequency cap;
* :func:`paid` -- the paid orders up to the as-of date.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[3]
ASSETS = REPO / "module4_crm" / "assets"

PAID = "已支付"
HIGH, POTENTIAL, GROWTH, DORMANT, LOST, NO_ORDER = (
    "高价值用户",
    "潜力用户",
    "成长用户",
    "沉睡用户",
    "流失用户",
    "未购买客户",
)


def memo(R, key: str, build):
    """``build()`` once per reference context."""
    store = R.__dict__.setdefault("_module4", {})
    if key not in store:
        store[key] = build()
    return store[key]


def crm(R) -> dict:
    return R.thresholds("crm")


def as_of(R) -> pd.Timestamp:
    return pd.Timestamp(crm(R)["as_of_date"])


def paid(R, day=None) -> pd.DataFrame:
    """Paid orders on or before ``day`` (default: the as-of date)."""
    day = as_of(R) if day is None else pd.Timestamp(day)
    o = R.table("orders")
    return o[(o["status"] == PAID) & (o["date"] <= day)]


# -- exercise 01: the segmentation ---------------------------------------------------


def features(R, day) -> pd.DataFrame:
    """One row per customer: recency, orders in the window, average paid amount in the window."""
    day = pd.Timestamp(day)
    window = crm(R)["activity_window_days"]
    p = paid(R, day)
    recent = p[p["date"] > day - pd.Timedelta(days=window)]
    out = R.table("customers")[["user_id"]].copy()
    out["recency"] = out["user_id"].map((day - p.groupby("user_id")["date"].max()).dt.days)
    out["orders_30d"] = out["user_id"].map(recent.groupby("user_id").size()).fillna(0).astype(int)
    out["aov_30d"] = out["user_id"].map(recent.groupby("user_id")["paid_amount"].mean()).round(2)
    return out


def classify(R, f: pd.DataFrame) -> pd.Series:
    """Table 3 plus the course's decisions: the segment of each row of ``f``."""
    th = crm(R)
    r, n, aov = f["recency"], f["orders_30d"], f["aov_30d"]
    active = r < th["activity_window_days"]
    high = active & (n >= th["high_value_min_orders_30d"]) & (aov >= th["high_value_min_aov"])
    potential = active & (n == th["potential_orders_30d"]) & (aov < th["potential_max_aov"])
    return pd.Series(
        np.select(
            [r.isna(), r >= th["lost_days_min"], r >= th["dormant_days_min"], high, potential],
            [NO_ORDER, LOST, DORMANT, HIGH, POTENTIAL],
            default=GROWTH,
        ),
        index=f.index,
    )


def segments(R, day=None) -> pd.DataFrame:
    """The reference segments on ``day`` (default: the as-of date)."""
    day = as_of(R) if day is None else pd.Timestamp(day)

    def build():
        f = features(R, day)
        return f.assign(segment=classify(R, f))

    return memo(R, f"segments:{day.date()}", build)


# -- exercise 03: the week plan and its schedule ---------------------------------------


def plan(R) -> pd.DataFrame:
    from course.tools import frequency

    def build():
        people = segments(R)[["user_id", "segment"]].merge(R.table("customers")[["user_id", "tags"]], on="user_id")
        cal = frequency.week_calendar(ASSETS / "week_plan.csv", as_of(R))
        return frequency.expand_calendar(cal, people)

    return memo(R, "plan", build)


def send_hours(R) -> tuple[str, str]:
    th = crm(R)
    return str(th["send_hours_start"]), str(th["send_hours_end"])


def schedule(R):
    from course.tools import frequency

    def build():
        return frequency.schedule(
            plan(R), priority="priority", max_delay_hours=crm(R)["max_delay_hours"], send_hours=send_hours(R)
        )

    return memo(R, "schedule", build)
