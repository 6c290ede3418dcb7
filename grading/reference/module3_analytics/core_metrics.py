"""01_core_metrics: the course's metric definitions (口径) and the notebook's graded tasks.

=============  ==============================================================
UV             distinct visitors (``traffic.user_id``) in the range
PV             Σ ``pages_viewed``
访问次数        number of visits (rows of ``traffic``)
跳失率          visits with ``pages_viewed == 1`` / 访问次数
加购/下单/支付人数  distinct visitors with a visit where ``added_to_cart`` / ``ordered`` / ``paid``
加购率          加购人数 / UV                    ([002] 加购转化率)
转化率          支付人数 / UV                    ([002] 支付转化率)
GMV            Σ ``paid_amount`` of paid orders (``paid_at`` set, refunds included)
支付买家数      distinct ``user_id`` of paid orders
客单价          GMV / 支付买家数
UV价值          GMV / UV                         ([002] 销售额/UV)
新客占比        paid buyers with a new-customer order / 支付买家数
复购率          复购率（统计期内）: paid buyers with ≥ 2 paid orders in the range / 支付买家数 ([002])
新客转化率      new visitors (visit flagged new) who paid in such a visit / new visitors
=============  ==============================================================

``core_metrics`` is the definition written plainly (one slice); ``group_metrics``
computes the same for every group at once (the benchmark runs it on a million
orders; the tests check that the two agree).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course import checks as C

from ..tasks import Task
from .shop import between, cached, shop

NOTEBOOK = "01_core_metrics"
KEY_NAMES = {"phase": "阶段", "channel": "渠道", "date": "日期"}
REACHED, MISSED = "达标", "未达标"


def _rate(num: float, den: float) -> float:
    return float(num) / float(den) if den else float("nan")


def core_metrics(traffic: pd.DataFrame, orders: pd.DataFrame) -> dict:
    """All metrics of one slice of the data, by the course's definitions."""
    uv = traffic["user_id"].nunique()
    visits = len(traffic)
    cart = traffic.loc[traffic["added_to_cart"], "user_id"].nunique()
    ordered = traffic.loc[traffic["ordered"], "user_id"].nunique()
    paid = traffic.loc[traffic["paid"], "user_id"].nunique()
    po = orders[orders["paid_at"].notna()]
    gmv = float(po["paid_amount"].sum())
    buyers = po["user_id"].nunique()
    new_buyers = po.loc[po["is_new_customer"], "user_id"].nunique()
    per_buyer = po.groupby("user_id").size()
    return {
        "UV": int(uv),
        "PV": int(traffic["pages_viewed"].sum()),
        "访问次数": int(visits),
        "跳失率": _rate((traffic["pages_viewed"] == 1).sum(), visits),
        "加购人数": int(cart),
        "下单人数": int(ordered),
        "支付人数": int(paid),
        "加购率": _rate(cart, uv),
        "转化率": _rate(paid, uv),
        "GMV": round(gmv, 2),
        "支付买家数": int(buyers),
        "客单价": _rate(gmv, buyers),
        "UV价值": _rate(gmv, uv),
        "新客占比": _rate(new_buyers, buyers),
        "复购率": _rate((per_buyer >= 2).sum(), buyers),
    }


def new_customer_conversion(traffic: pd.DataFrame) -> float:
    """Distinct new visitors who paid in a visit flagged new / distinct new visitors."""
    new = traffic[traffic["is_new_customer"].fillna(False).astype(bool)]
    return _rate(new.loc[new["paid"], "user_id"].nunique(), new["user_id"].nunique())


def retention(traffic: pd.DataFrame, orders: pd.DataFrame, start: str, end: str, days: int) -> dict:
    """New buyers of [start, end] (first paid new-customer order, day 0 = its date) who
    visit again on day 1..``days``."""
    o = between(orders, start, end)
    nb = o[o["paid_at"].notna() & o["is_new_customer"]]
    first = nb.groupby("user_id")["date"].min().rename("first")
    later = traffic[["user_id", "date"]].merge(first, left_on="user_id", right_index=True)
    gap = (later["date"] - later["first"]).dt.days
    back = later.loc[(gap >= 1) & (gap <= days), "user_id"].nunique()
    return {"活动新客数": int(len(first)), "留存人数": int(back), "新客留存率": _rate(back, len(first))}


# -- the vectorised pipeline (what runs on a million orders) ---------------------


def _group_codes(d: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, int]:
    """One integer per row for the combination of ``keys``, in groupby(sort=True) order."""
    gid = np.zeros(len(d), np.int64)
    total = 1
    for k in keys:
        col = d[k]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes, size = col.cat.codes.to_numpy(np.int64), len(col.cat.categories)
        else:
            codes, uniq = pd.factorize(col, sort=True)
            codes, size = codes.astype(np.int64), len(uniq)
        gid = gid * size + codes
        total *= size
    return gid, total


def _distinct_count(df: pd.DataFrame, keys: list[str], mask=None) -> pd.Series:
    """Distinct ``user_id`` per group: a bitmap per group for integer ids (the large-data
    loader; one pass, no hashing), pandas' ``nunique`` for text ids."""
    d = df if mask is None else df[mask]
    if not keys:
        return pd.Series([d["user_id"].nunique()], index=pd.RangeIndex(1))
    uid = d["user_id"]
    if not pd.api.types.is_integer_dtype(uid) or len(d) == 0:
        return d.groupby(keys, observed=True, sort=True)["user_id"].nunique()
    gid, total = _group_codes(d, keys)
    n = int(uid.max()) + 1
    ids = uid.to_numpy(np.int64)
    if total * n <= 4 * len(d) + 1_000_000:
        seen = np.zeros(total * n, dtype=bool)
        seen[gid * n + ids] = True
        counts = seen.reshape(total, n).sum(axis=1)
    else:
        counts = np.bincount(pd.unique(gid * n + ids) // n, minlength=total)
    present = np.flatnonzero(np.bincount(gid, minlength=total))
    index = d.groupby(keys, observed=True, sort=True).size().index
    return pd.Series(counts[present], index=index)


def group_metrics(traffic: pd.DataFrame, orders: pd.DataFrame, by: str | list[str] | None = None) -> pd.DataFrame:
    """``core_metrics`` for every group of ``by`` at once (no Python loop over groups).

    One row per group present in ``traffic``, keys first (renamed 阶段/渠道/日期), sorted by the keys.
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    t = traffic
    base = _visit_counts(t, keys)
    base["UV"] = _distinct_count(t, keys)
    base["加购人数"] = _distinct_count(t, keys, t["added_to_cart"].to_numpy())
    base["下单人数"] = _distinct_count(t, keys, t["ordered"].to_numpy())
    base["支付人数"] = _distinct_count(t, keys, t["paid"].to_numpy())
    po = orders[orders["paid_at"].notna()]
    gmv, rep, buyers = _buyer_counts(po, keys)
    base["GMV"] = gmv
    base["支付买家数"] = buyers
    base["_new"] = _distinct_count(po, keys, po["is_new_customer"].to_numpy())
    base["_repeat"] = rep
    # groups with visits but no paid order have no buyer rows: they count 0, not NaN
    out = _metrics_of_counts(base.fillna({"GMV": 0.0, "支付买家数": 0, "_new": 0, "_repeat": 0}))
    if not keys:
        return out.reset_index(drop=True)
    out = out.reset_index().sort_values(keys, kind="mergesort").reset_index(drop=True)
    return out.rename(columns=KEY_NAMES)


def _visit_counts(t: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """访问次数, PV and the bounced visits (_bounce) per group (one row when there are no keys)."""
    if not keys:
        return pd.DataFrame(
            {"访问次数": [len(t)], "PV": [t["pages_viewed"].sum()], "_bounce": [(t["pages_viewed"] == 1).sum()]}
        )
    gt = t.groupby(keys, observed=True, sort=False)
    return pd.DataFrame(
        {
            "访问次数": gt.size(),
            "PV": gt["pages_viewed"].sum(),
            "_bounce": (t["pages_viewed"] == 1).groupby([t[k] for k in keys], observed=True, sort=False).sum(),
        }
    )


def _buyer_counts(po: pd.DataFrame, keys: list[str]) -> tuple[pd.Series, pd.Series, pd.Series]:
    """GMV, repeat buyers (≥ 2 paid orders) and paid buyers per group, from the paid orders ``po``."""
    if not keys:
        per = po.groupby("user_id").size()
        return pd.Series([po["paid_amount"].sum()]), pd.Series([(per >= 2).sum()]), pd.Series([len(per)])
    gmv = po.groupby(keys, observed=True, sort=False)["paid_amount"].sum()
    per = po.groupby(keys + ["user_id"], observed=True, sort=False).size()
    rep = (per >= 2).groupby(level=list(range(len(keys))), observed=True).sum()
    buyers = per.groupby(level=list(range(len(keys))), observed=True).size()
    if len(keys) == 1:  # named as the visit counts' index, so the columns line up by key
        for s in (rep, buyers):
            s.index.name = keys[0]
    return gmv, rep, buyers


def _metrics_of_counts(base: pd.DataFrame) -> pd.DataFrame:
    """The metric columns of ``core_metrics`` from the per-group counts; a rate over 0 is NaN."""
    out = pd.DataFrame(index=base.index)
    for c in ("UV", "PV", "访问次数"):
        out[c] = base[c].astype("int64")
    out["跳失率"] = base["_bounce"] / base["访问次数"]
    for c in ("加购人数", "下单人数", "支付人数"):
        out[c] = base[c].fillna(0).astype("int64")
    uv = base["UV"].where(base["UV"] > 0)
    buyers_ = base["支付买家数"].where(base["支付买家数"] > 0)
    out["加购率"] = base["加购人数"].fillna(0) / uv
    out["转化率"] = base["支付人数"].fillna(0) / uv
    out["GMV"] = base["GMV"].astype(float).round(2)
    out["支付买家数"] = base["支付买家数"].astype("int64")
    out["客单价"] = base["GMV"] / buyers_
    out["UV价值"] = base["GMV"] / uv
    out["新客占比"] = base["_new"] / buyers_
    out["复购率"] = base["_repeat"] / buyers_
    return out


# -- the graded tasks -------------------------------------------------------------


def campaign(R) -> dict:
    """The campaign's core metrics (the period of the calendar in the data)."""

    def make():
        s = shop(R)
        cal = s["calendar"]
        t, o = between(s["traffic"], cal.start, cal.end), between(s["orders"], cal.start, cal.end)
        return {**core_metrics(t, o), "新客转化率": new_customer_conversion(t)}

    return cached(R, "campaign", make)


def target_table(R) -> dict:
    """{指标: (目标, 实际)} of the campaign's three targets (settings in force)."""
    m = campaign(R)
    return {
        "GMV": (R.threshold("campaign", "gmv_target"), m["GMV"]),
        "转化率": (R.threshold("analytics", "conversion_target"), m["转化率"]),
        "新客转化率": (R.threshold("campaign", "new_customer_conversion_target"), m["新客转化率"]),
    }


def reached(R, name: str) -> str:
    target, actual = target_table(R)[name]
    return REACHED if actual >= target else MISSED


def worst_target(R) -> str:
    return min(target_table(R).items(), key=lambda kv: kv[1][1] / kv[1][0])[0]


TASKS = [
    Task(
        "campaign_conversion",
        title="活动期 UV 与转化率",
        dim="d1",
        points=5,
        kind="scaffold",
        checks=[
            C.Keys(
                keys=["UV", "支付人数", "转化率"],
                msg="campaign_conversion 要有 UV、支付人数、转化率三项：检查最后一行的字典有没有被改动。",
            ),
            C.Equals(
                column="UV",
                digits=0,
                weight=2,
                ref=lambda R: campaign(R)["UV"],
                msg="UV 不对：UV 是去重的访客数，同一个人来几次都只算 1 个。第一个空格选“去重计数”的方法。",
            ),
            C.Equals(
                column="支付人数",
                digits=0,
                ref=lambda R: campaign(R)["支付人数"],
                msg="支付人数不对：检查第 3 行有没有被改动（支付人数 = 有过支付的访客，按 user_id 去重）。",
            ),
            C.Equals(
                column="转化率",
                digits=4,
                weight=2,
                ref=lambda R: campaign(R)["转化率"],
                msg="转化率不对：转化率 = 支付人数 ÷ UV（人数除以人数）。第二个空格填 UV 的变量名，不是访问次数。",
            ),
        ],
    ),
    Task(
        "campaign_money",
        title="活动期 GMV 与客单价",
        dim="d1",
        points=5,
        kind="scaffold",
        checks=[
            C.Keys(
                keys=["GMV", "支付买家数", "客单价"],
                msg="campaign_money 要有 GMV、支付买家数、客单价三项：检查最后一行的字典有没有被改动。",
            ),
            C.Equals(
                column="GMV",
                digits=2,
                weight=2,
                ref=lambda R: campaign(R)["GMV"],
                msg="GMV 不对：GMV 只算已支付的订单（有支付时间），含之后退款的，不含已取消的。"
                "第一个空格填记录“支付时间”的那一列。",
            ),
            C.Equals(
                column="支付买家数",
                digits=0,
                ref=lambda R: campaign(R)["支付买家数"],
                msg="支付买家数不对：已支付订单的买家按 user_id 去重；先检查第一个空格的筛选。",
            ),
            C.Equals(
                column="客单价",
                digits=2,
                weight=2,
                ref=lambda R: campaign(R)["客单价"],
                msg="客单价不对：客单价 = GMV ÷ 支付买家数（人数），不是 ÷ 订单数。检查第二个空格。",
            ),
        ],
    ),
    Task(
        "repurchase_rate",
        title="复购率（统计期内）",
        dim="d1",
        points=3,
        kind="scaffold",
        checks=[
            C.InRange(lo=0, hi=1, msg="复购率是 0-1 之间的小数（比率不乘 100）。"),
            C.Equals(
                digits=4,
                weight=2,
                ref=lambda R: campaign(R)["复购率"],
                msg="复购率不对：复购率（统计期内）= 统计期内支付了 2 笔及以上订单的买家数 ÷ 支付买家数。"
                "空格里填“几笔及以上”的那个数。",
            ),
        ],
    ),
    Task(
        "targets",
        title="活动目标达成情况",
        dim="d2",
        points=4,
        kind="form",
        effort=4,
        checks=[
            C.Keys(keys=["gmv", "conversion", "new_conversion", "worst"], msg="四项都要选择后保存。"),
            C.Equals(
                column="gmv",
                ref=lambda R: reached(R, "GMV"),
                msg="GMV 是否达标判断错了：把活动期 GMV（你算的 campaign_money）和目标比较，实际 ≥ 目标才算达标。",
            ),
            C.Equals(
                column="conversion",
                ref=lambda R: reached(R, "转化率"),
                msg="转化率是否达标判断错了：转化率用 campaign_conversion 里的数，目标见表单标签。",
            ),
            C.Equals(
                column="new_conversion",
                ref=lambda R: reached(R, "新客转化率"),
                msg="新客转化率是否达标判断错了：看上面“目标与实际”表里新客转化率的实际值。",
            ),
            C.Equals(
                column="worst",
                ref=worst_target,
                msg="达成率最低的指标选错了：达成率 = 实际 ÷ 目标，三个指标各算一次再比较（不是比差了多少个数）。",
            ),
        ],
    ),
]
