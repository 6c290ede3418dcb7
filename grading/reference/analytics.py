"""Reference metric, funnel, ROI and A/B pipeline of module 3 (teacher side, never released).

The hidden tests of ``module3_analytics`` compute their expected values with
these functions, ``benchmarks/bench_analytics.py`` times them on the large
generated data next to DuckDB, and the tests check that the scalar
definitions (``core_metrics``, what a student writes) and the vectorised
pipeline (``group_metrics``, what runs on a million orders) agree.

The course's definitions (written out for students in 01_core_metrics):

=============  ==============================================================
UV             distinct visitors (``traffic.user_id``) in the range
PV             Σ ``pages_viewed``
访问次数        number of visits (rows of ``traffic``)
跳失率          visits with ``pages_viewed == 1`` / 访问次数
加购人数        distinct visitors with a visit where ``added_to_cart``
下单人数        distinct visitors with a visit where ``ordered``
支付人数        distinct visitors with a visit where ``paid``
加购率          加购人数 / UV                    ([002] 加购转化率)
转化率          支付人数 / UV                    ([002] 支付转化率; target 8 %)
GMV            Σ ``paid_amount`` of paid orders (``paid_at`` set, refunds included)
支付买家数      distinct ``user_id`` of paid orders
客单价          GMV / 支付买家数
UV价值          GMV / UV                         ([002] 销售额/UV)
新客占比        paid buyers with a new-customer order / 支付买家数
复购率          paid buyers with ≥ 2 paid orders in the range / 支付买家数 ([002])
新客7日留存率   new buyers of the campaign (first paid order flagged new) who
               visit again on days 1-7 after that order's date / those buyers
新客转化率      new visitors (visit flagged new) who paid in such a visit / new visitors
=============  ==============================================================

Funnel (exercise 2) counts **visits** (sessions), as the source documents'
rule of thumb does (访问→加购 25 % normal, 加购→下单 12 % low): 访问次数 →
加购次数 → 下单次数 → 支付次数 and the rate of each step from the previous one.

ROI (exercise 3): 毛利贡献 = 净成交额 (orders still 已支付, refunds excluded)
− 商品成本 − 平台佣金 − 赠品成本;  ROI = 毛利贡献 / 广告花费;  投产比 = GMV / 广告花费
(shown only to say why GMV alone misleads).
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

CAMPAIGN = ("2026-06-15", "2026-06-20")
REVIEW_MONTH = ("2026-06-01", "2026-06-30")
PHASES = ["日常", "预热期", "爆发期", "返场期"]
CAMPAIGN_PHASES = ["预热期", "爆发期", "返场期"]
CHANNELS = ["自然搜索", "付费广告", "平台首页推荐", "社群引流", "直播"]
PAID_CHANNELS = ["付费广告", "平台首页推荐", "社群引流", "直播"]
METRICS = ["UV", "PV", "跳失率", "加购人数", "下单人数", "支付人数", "加购率", "转化率", "GMV", "客单价", "UV价值",
           "新客占比", "复购率"]
RATES = ["跳失率", "加购率", "转化率", "新客占比", "复购率"]
MONEY = ["GMV", "客单价", "UV价值"]
STEPS = ["访问→加购", "加购→下单", "下单→支付"]
FUNNEL_COUNTS = ["UV", "加购人数", "下单人数", "支付人数"]
RETENTION_DAYS = 7
KEY_NAMES = {"phase": "阶段", "channel": "渠道", "date": "日期"}


# -- loading --------------------------------------------------------------------

def _bool(s: pd.Series) -> pd.Series:
    if s.dtype == bool:
        return s
    if s.dtype == object or str(s.dtype) in ("str", "string"):
        s = s.map({"True": True, "False": False, "true": True, "false": False, True: True, False: False})
    return s.fillna(False).astype(bool)


def prepare_traffic(t: pd.DataFrame) -> pd.DataFrame:
    """Plain dtypes for computing: bool flags, datetime64 dates."""
    t = t.copy()
    for c in ("added_to_cart", "ordered", "paid"):
        t[c] = _bool(t[c])
    t["date"] = pd.to_datetime(t["date"])
    return t


def prepare_orders(o: pd.DataFrame) -> pd.DataFrame:
    o = o.copy()
    o["is_new_customer"] = _bool(o["is_new_customer"])
    o["date"] = pd.to_datetime(o["date"])
    return o


@lru_cache(maxsize=4)
def _tables(folder: str) -> dict:
    from course import data

    out = {name: data.load(name) for name in ("traffic", "orders", "ad_spend", "ab_test")}
    out["traffic"] = prepare_traffic(out["traffic"])
    out["orders"] = prepare_orders(out["orders"])
    return out


def tables() -> dict:
    """The classroom tables (cached per data folder): traffic, orders, ad_spend, ab_test."""
    from course import data

    return _tables(str(data.data_dir()))


def between(df: pd.DataFrame, start: str, end: str, column: str = "date") -> pd.DataFrame:
    d = pd.to_datetime(df[column])
    return df[(d >= pd.Timestamp(start)) & (d <= pd.Timestamp(end))]


# -- the scalar definitions (what a student writes) -----------------------------

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
        "UV": int(uv), "PV": int(traffic["pages_viewed"].sum()), "访问次数": int(visits),
        "跳失率": _rate((traffic["pages_viewed"] == 1).sum(), visits),
        "加购人数": int(cart), "下单人数": int(ordered), "支付人数": int(paid),
        "加购率": _rate(cart, uv), "转化率": _rate(paid, uv),
        "GMV": round(gmv, 2), "支付买家数": int(buyers), "客单价": _rate(gmv, buyers), "UV价值": _rate(gmv, uv),
        "新客占比": _rate(new_buyers, buyers), "复购率": _rate((per_buyer >= 2).sum(), buyers),
    }


# -- the vectorised pipeline (what runs on a million orders) ---------------------

def _group_codes(d: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, int]:
    """One integer per row for the combination of ``keys``, in the sorted order
    groupby(sort=True) uses (category codes, else sorted factorisation)."""
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
    """Distinct ``user_id`` per group.  Integer ids (the large-data loader) are
    counted with a bitmap per group (one pass, no hashing); strings with
    pandas' ``nunique``."""
    d = df if mask is None else df[mask]
    if not keys:
        return pd.Series([d["user_id"].nunique()], index=pd.RangeIndex(1))
    uid = d["user_id"]
    if not pd.api.types.is_integer_dtype(uid) or len(d) == 0:
        return d.groupby(keys, observed=True, sort=True)["user_id"].nunique()
    gid, total = _group_codes(d, keys)
    n = int(uid.max()) + 1
    ids = uid.to_numpy(np.int64)
    if total * n <= 4 * len(d) + 1_000_000:      # a bitmap per group beats hashing
        seen = np.zeros(total * n, dtype=bool)
        seen[gid * n + ids] = True
        counts = seen.reshape(total, n).sum(axis=1)
    else:
        counts = np.bincount(pd.unique(gid * n + ids) // n, minlength=total)
    present = np.flatnonzero(np.bincount(gid, minlength=total))
    index = d.groupby(keys, observed=True, sort=True).size().index
    return pd.Series(counts[present], index=index)


def group_metrics(traffic: pd.DataFrame, orders: pd.DataFrame, by: str | list[str] | None = None) -> pd.DataFrame:
    """``core_metrics`` for every group of ``by`` at once (groupby, no Python loop).

    Returns one row per group present in ``traffic``, keys first (renamed to
    Chinese: 阶段/渠道/日期), sorted by the keys.
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    t, o = traffic, orders
    if keys:
        gt = t.groupby(keys, observed=True, sort=False)
        base = pd.DataFrame({"访问次数": gt.size(), "PV": gt["pages_viewed"].sum(),
                             "_bounce": (t["pages_viewed"] == 1).groupby([t[k] for k in keys], observed=True, sort=False).sum()})
    else:
        base = pd.DataFrame({"访问次数": [len(t)], "PV": [t["pages_viewed"].sum()],
                             "_bounce": [(t["pages_viewed"] == 1).sum()]})
    base["UV"] = _distinct_count(t, keys)
    base["加购人数"] = _distinct_count(t, keys, t["added_to_cart"].to_numpy())
    base["下单人数"] = _distinct_count(t, keys, t["ordered"].to_numpy())
    base["支付人数"] = _distinct_count(t, keys, t["paid"].to_numpy())
    po = o[o["paid_at"].notna()]
    if keys:
        go = po.groupby(keys, observed=True, sort=False)
        gmv = go["paid_amount"].sum()
        per = po.groupby(keys + ["user_id"], observed=True, sort=False).size()
        rep = (per >= 2).groupby(level=list(range(len(keys))), observed=True).sum()
        buyers = per.groupby(level=list(range(len(keys))), observed=True).size()
        if len(keys) == 1:
            for s in (rep, buyers):
                s.index.name = keys[0]
    else:
        gmv = pd.Series([po["paid_amount"].sum()])
        per = po.groupby("user_id").size()
        rep, buyers = pd.Series([(per >= 2).sum()]), pd.Series([len(per)])
    base["GMV"] = gmv
    base["支付买家数"] = buyers
    base["_new"] = _distinct_count(po, keys, po["is_new_customer"].to_numpy())
    base["_repeat"] = rep
    base = base.fillna({"GMV": 0.0, "支付买家数": 0, "_new": 0, "_repeat": 0})
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
    if not keys:
        return out.reset_index(drop=True)
    out = out.reset_index().sort_values(keys, kind="mergesort").reset_index(drop=True)
    return out.rename(columns=KEY_NAMES)


def _order_keys(df: pd.DataFrame) -> pd.DataFrame:
    """Phases and channels in the course's order (not alphabetical)."""
    cols = []
    for k in ("阶段", "渠道"):
        if k in df:
            df = df.assign(**{k: df[k].astype(str).to_numpy(dtype=object)})
    if "阶段" in df:
        df = df.assign(_p=df["阶段"].map({p: i for i, p in enumerate(PHASES)}).astype("float64"))
        cols.append("_p")
    if "渠道" in df:
        df = df.assign(_c=df["渠道"].map({c: i for i, c in enumerate(CHANNELS)}).astype("float64"))
        cols.append("_c")
    if cols:
        df = df.sort_values(cols, kind="mergesort").drop(columns=cols).reset_index(drop=True)
    return df


# -- exercise 01: the graded tables ---------------------------------------------

def campaign_overall(traffic: pd.DataFrame, orders: pd.DataFrame) -> dict:
    return core_metrics(between(traffic, *CAMPAIGN), between(orders, *CAMPAIGN))


def by_phase(traffic: pd.DataFrame, orders: pd.DataFrame, start: str = REVIEW_MONTH[0],
             end: str = REVIEW_MONTH[1]) -> pd.DataFrame:
    """June 2026 (the campaign month), one row per phase (日常 = June outside the campaign)."""
    return _order_keys(group_metrics(between(traffic, start, end), between(orders, start, end), "phase"))


def by_channel(traffic: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """The campaign (2026-06-15..20), one row per channel."""
    return _order_keys(group_metrics(between(traffic, *CAMPAIGN), between(orders, *CAMPAIGN), "channel"))


def daily(traffic: pd.DataFrame, orders: pd.DataFrame, start: str = REVIEW_MONTH[0], end: str = REVIEW_MONTH[1]) -> pd.DataFrame:
    out = group_metrics(between(traffic, start, end), between(orders, start, end), "date")
    out["日期"] = pd.to_datetime(out["日期"]).dt.strftime("%Y-%m-%d")
    return out


def retention(traffic: pd.DataFrame, orders: pd.DataFrame, start: str = CAMPAIGN[0], end: str = CAMPAIGN[1],
              days: int = RETENTION_DAYS) -> dict:
    """新客7日留存率: new buyers of [start, end] (first paid new-customer order in
    the range, day 0 = its order date) who visit the shop again on day 1..``days``."""
    o = between(orders, start, end)
    nb = o[o["paid_at"].notna() & o["is_new_customer"]]
    first = nb.groupby("user_id")["date"].min().rename("first")
    later = traffic[["user_id", "date"]].merge(first, left_on="user_id", right_index=True)
    gap = (later["date"] - later["first"]).dt.days
    back = later.loc[(gap >= 1) & (gap <= days), "user_id"].nunique()
    return {"活动新客数": int(len(first)), "留存人数": int(back), "新客7日留存率": _rate(back, len(first))}


def new_customer_conversion(traffic: pd.DataFrame) -> float:
    """Distinct new visitors who paid in a visit flagged new / distinct new visitors."""
    new = traffic[traffic["is_new_customer"].fillna(False).astype(bool)]
    return _rate(new.loc[new["paid"], "user_id"].nunique(), new["user_id"].nunique())


def targets(traffic: pd.DataFrame, orders: pd.DataFrame, gmv_target: float, conversion_target: float,
            new_conversion_target: float) -> pd.DataFrame:
    """Actual against target for the campaign: GMV, 转化率, 新客转化率."""
    ct, co = between(traffic, *CAMPAIGN), between(orders, *CAMPAIGN)
    m = core_metrics(ct, co)
    rows = [("GMV", gmv_target, m["GMV"]), ("转化率", conversion_target, m["转化率"]),
            ("新客转化率", new_conversion_target, new_customer_conversion(ct))]
    df = pd.DataFrame(rows, columns=["指标", "目标", "实际"])
    df["达成率"] = df["实际"] / df["目标"]
    df["是否达标"] = df["实际"] >= df["目标"]
    return df


def conversion_gap(rate: float, target: float) -> dict:
    return {"实际转化率": rate, "目标转化率": target, "差距_百分点": (rate - target) * 100, "是否达标": bool(rate >= target)}


# -- exercise 02: funnel --------------------------------------------------------

def funnel_table(traffic: pd.DataFrame, by: str | list[str] | None = ("channel", "phase"),
                 start: str | None = REVIEW_MONTH[0], end: str | None = REVIEW_MONTH[1]) -> pd.DataFrame:
    """Visits → 加购 → 下单 → 支付 (counts of visits) and each step's rate, per group."""
    keys = [by] if isinstance(by, str) else list(by or [])
    t = traffic if start is None else between(traffic, start, end)
    flags = t[["added_to_cart", "ordered", "paid"]].astype("int64")
    if keys:
        g = flags.groupby([t[k] for k in keys], observed=True, sort=False)
        out = g.sum()
        out.insert(0, "访问次数", g.size())
    else:
        out = flags.sum().to_frame().T
        out.insert(0, "访问次数", len(t))
    out.columns = ["访问次数", "加购次数", "下单次数", "支付次数"]
    out = out.astype("int64")
    out["访问→加购"] = out["加购次数"] / out["访问次数"].where(out["访问次数"] > 0)
    out["加购→下单"] = out["下单次数"] / out["加购次数"].where(out["加购次数"] > 0)
    out["下单→支付"] = out["支付次数"] / out["下单次数"].where(out["下单次数"] > 0)
    if not keys:
        return out.reset_index(drop=True)
    out = out.reset_index().rename(columns=KEY_NAMES)
    return _order_keys(out)


def leak(traffic: pd.DataFrame) -> dict:
    """The step whose rate falls most in the campaign phases against 日常 (June, relative drop)."""
    ph = funnel_table(traffic, "phase").set_index("阶段")
    base = ph.loc["日常", STEPS]
    camp = ph.loc[CAMPAIGN_PHASES, STEPS]
    drop = (1 - camp / base)
    step = drop.mean().idxmax()
    phases = [p for p in CAMPAIGN_PHASES if drop.loc[p, step] > 0.25]
    return {"环节": step, "阶段": phases, "日常": float(base[step]), "活动": camp[step].to_dict(),
            "相对下降": drop[step].to_dict()}


def campaign_step_rates(traffic: pd.DataFrame) -> dict:
    """Step rates of the campaign as a whole (2026-06-15..20) and of June's 日常 days."""
    camp = funnel_table(traffic, None, *CAMPAIGN).iloc[0]
    june = between(traffic, *REVIEW_MONTH)
    base = funnel_table(june[june["phase"] == "日常"], None, None, None).iloc[0]
    return {"活动": camp[STEPS].to_dict(), "日常": base[STEPS].to_dict()}


# -- exercise 03: channel ROI ----------------------------------------------------

def channel_roi(orders: pd.DataFrame, ad_spend: pd.DataFrame, start: str = CAMPAIGN[0], end: str = CAMPAIGN[1]) -> pd.DataFrame:
    """Per channel: 广告花费, GMV, 净成交额, 商品成本, 平台佣金, 赠品成本, 毛利贡献, 投产比, ROI."""
    o = between(orders, start, end)
    paid = o[o["paid_at"].notna()]
    kept = o[o["status"] == "已支付"]
    ad = between(ad_spend, start, end)
    out = pd.DataFrame(index=pd.Index(CHANNELS, name="渠道"))
    out["广告花费"] = ad.groupby("channel", observed=True)["spend"].sum()
    out["GMV"] = paid.groupby("channel", observed=True)["paid_amount"].sum()
    out["净成交额"] = kept.groupby("channel", observed=True)["paid_amount"].sum()
    out["商品成本"] = kept.groupby("channel", observed=True)["cost_amount"].sum()
    out["平台佣金"] = kept.groupby("channel", observed=True)["commission"].sum()
    out["赠品成本"] = kept.groupby("channel", observed=True)["gift_cost"].sum()
    out = out.fillna(0.0)
    out["毛利贡献"] = out["净成交额"] - out["商品成本"] - out["平台佣金"] - out["赠品成本"]
    spend = out["广告花费"].where(out["广告花费"] > 0)
    out["投产比"] = out["GMV"] / spend
    out["ROI"] = out["毛利贡献"] / spend
    return out.round({c: 2 for c in ("广告花费", "GMV", "净成交额", "商品成本", "平台佣金", "赠品成本", "毛利贡献")}).reset_index()


def low_roi_channels(roi: pd.DataFrame, floor: float) -> list[str]:
    r = roi.dropna(subset=["ROI"])
    return sorted(r.loc[r["ROI"] < floor, "渠道"].tolist(), key=CHANNELS.index)


# -- exercise 04: A/B test --------------------------------------------------------

def ab_results(ab: pd.DataFrame, alpha: float = 0.05, power: float = 0.80) -> dict:
    """Conversion (paid / visitors) per variant, z-test, CI of B − A, sample size per group."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_effectsize,
                                              proportions_ztest)

    ab = ab.copy()
    ab["paid"] = _bool(ab["paid"])
    ab["added_to_cart"] = _bool(ab["added_to_cart"])
    g = ab.groupby("variant", observed=True).agg(访客数=("user_id", "nunique"), 加购人数=("added_to_cart", "sum"),
                                                 支付人数=("paid", "sum"))
    g = g.loc[["A", "B"]]
    g["转化率"] = g["支付人数"] / g["访客数"]
    g["加购率"] = g["加购人数"] / g["访客数"]
    nb, na = int(g.loc["B", "访客数"]), int(g.loc["A", "访客数"])
    cb, ca = int(g.loc["B", "支付人数"]), int(g.loc["A", "支付人数"])
    z, p = proportions_ztest([cb, ca], [nb, na])
    lo, hi = confint_proportions_2indep(cb, nb, ca, na, alpha=alpha)
    pa, pb = ca / na, cb / nb
    es = proportion_effectsize(pb, pa)
    n_needed = int(math.ceil(NormalIndPower().solve_power(effect_size=abs(es), alpha=alpha, power=power, ratio=1.0))) \
        if pa != pb else None
    significant = bool(p < alpha)
    if significant and lo > 0:
        decision = "采用B"
    elif significant and hi < 0:
        decision = "保留A"
    else:
        decision = "证据不足"
    return {"table": g.reset_index().rename(columns={"variant": "版本"}), "z": float(z), "p": float(p),
            "ci": (float(lo), float(hi)), "diff": pb - pa, "lift": pb / pa - 1, "n_needed": n_needed,
            "n_have": min(na, nb), "decision": decision}


# -- everything at once (benchmarks) ------------------------------------------------

def pipeline(traffic: pd.DataFrame, orders: pd.DataFrame, ad_spend: pd.DataFrame) -> dict:
    """Every table of the module's reference review, on prepared tables."""
    return {
        "campaign": group_metrics(between(traffic, *CAMPAIGN), between(orders, *CAMPAIGN)),
        "by_phase": by_phase(traffic, orders),
        "by_channel": by_channel(traffic, orders),
        "daily": daily(traffic, orders),
        "funnel": funnel_table(traffic, ("channel", "phase")),
        "by_channel_year": _order_keys(group_metrics(traffic, orders, "channel")),
        "roi": channel_roi(orders, ad_spend),
    }


TRAFFIC_COLS = ["user_id", "date", "channel", "phase", "pages_viewed", "added_to_cart", "ordered", "paid"]
ORDER_COLS = ["user_id", "date", "channel", "phase", "status", "paid_at", "paid_amount", "cost_amount", "commission",
              "gift_cost", "is_new_customer"]


ID_BYTES = 20   # visitor ids are read as fixed-width bytes (no Python string objects)


def visitor_numbers(ids) -> np.ndarray | None:
    """``"U00000041"`` -> 41, vectorised over fixed-width bytes, digit by digit.

    None unless every id is one (common) letter followed by the same number of
    digits and no id fills the whole byte width (it could have been cut off).
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
    length = int(np.count_nonzero(m[0]))          # bytes of the first id
    if not 2 <= length <= 19:                      # 20 bytes: maybe cut off; more: not an int64
        return None
    if length < w and m[:, length].any():        # some id is longer than the first one
        return None
    digits = m[:, 1:length]
    if not ((m[:, 0] == m[0, 0]).all() and ((digits >= 48) & (digits <= 57)).all()):
        return None
    out = np.zeros(len(arr), np.int64)
    for j in range(length - 1):
        out = out * 10 + (digits[:, j] - 48)
    return out


def _read_ids(path: Path, cols: list[str], dtype: dict) -> pd.DataFrame:
    df = pd.read_csv(path, encoding="utf-8-sig", usecols=cols, dtype={**dtype, "user_id": f"S{ID_BYTES}"})
    nums = visitor_numbers(df["user_id"].to_numpy())
    df["user_id"] = nums if nums is not None else _text_ids(path)
    return df


def _text_ids(path: Path) -> pd.Series:
    return pd.read_csv(path, encoding="utf-8-sig", usecols=["user_id"], dtype={"user_id": str})["user_id"]


def load_fast(folder: str | Path) -> dict:
    """Read the large generated CSVs with only the columns the pipeline needs.

    Categories for the small-vocabulary columns (channel, phase, date), booleans
    as bool, and visitor ids read as fixed-width bytes and turned into their
    number (``U00000041`` -> 41) without creating 15 million Python strings, so
    a million orders and 15 million visits fit well under 4 GB and every
    distinct count runs on integers.  (Reading ``user_id`` as text costs about
    half of the whole read, as ``category`` ~9x more; ids of another shape fall
    back to one shared ``factorize``.)
    """
    folder = Path(folder)
    cat_ch = pd.CategoricalDtype(CHANNELS)
    cat_ph = pd.CategoricalDtype(PHASES)
    t = _read_ids(folder / "traffic.csv", TRAFFIC_COLS,
                  {"channel": cat_ch, "phase": cat_ph, "pages_viewed": "int16", "date": "category",
                   "added_to_cart": bool, "ordered": bool, "paid": bool})
    o = _read_ids(folder / "orders.csv", ORDER_COLS,
                  {"channel": cat_ch, "phase": cat_ph, "status": "category", "date": "category",
                   "paid_amount": "float64", "cost_amount": "float64", "commission": "float64",
                   "gift_cost": "float64", "is_new_customer": bool})
    ad = pd.read_csv(folder / "ad_spend.csv", encoding="utf-8-sig", dtype={"channel": cat_ch})
    if not (pd.api.types.is_integer_dtype(t["user_id"]) and pd.api.types.is_integer_dtype(o["user_id"])):
        # ids of another shape (in either table): one shared factorisation of the text ids
        codes, _ = pd.factorize(np.concatenate([_text_ids(folder / "traffic.csv").to_numpy(object),
                                                _text_ids(folder / "orders.csv").to_numpy(object)]))
        t["user_id"], o["user_id"] = codes[:len(t)], codes[len(t):]
    for df in (t, o):
        cats = df["date"].cat.categories
        df["date"] = pd.Categorical.from_codes(df["date"].cat.codes, pd.to_datetime(cats)).astype("datetime64[s]")
    o["paid_at"] = np.where(o["paid_at"].notna(), 1.0, np.nan)   # only "was it paid" is used
    ad["date"] = pd.to_datetime(ad["date"])
    return {"traffic": t, "orders": o, "ad_spend": ad}


# -- comparing a student's plain-data answer with the reference (hidden tests) -----

def num(x) -> float | None:
    """A float, or None for missing / not a number."""
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) or math.isinf(v) else v


def close(a, b, rel: float = 1e-3, abs_: float = 1e-6) -> bool:
    """Equal within tolerance; two missing values are equal; missing vs number is not."""
    if isinstance(a, (bool, np.bool_)) or isinstance(b, (bool, np.bool_)):
        return isinstance(a, (bool, np.bool_)) and isinstance(b, (bool, np.bool_)) and bool(a) == bool(b)
    x, y = num(a), num(b)
    if x is None or y is None:
        return x is None and y is None and not _is_inf(a)
    return math.isclose(x, y, rel_tol=rel, abs_tol=abs_)


def _is_inf(x) -> bool:
    try:
        return math.isinf(float(x))
    except (TypeError, ValueError):
        return False


def _key(x) -> str:
    s = str(x).strip()
    return s[:10] if len(s) >= 10 and s[4:5] == "-" and s[7:8] == "-" else s


def key_column(df, keys) -> str | None:
    """The column of ``df`` whose values are the expected group keys (any name)."""
    want = {_key(k) for k in keys}
    if not isinstance(df, pd.DataFrame):
        return None
    for c in df.columns:
        vals = {_key(v) for v in df[c].tolist()}
        if want <= vals:
            return c
    return None


def rows_by_key(df, exp: pd.DataFrame, key: str, extra_keys: list[str] | None = None) -> dict | None:
    """``{key tuple: row dict}`` of a student's table, matched on the reference's keys."""
    if not isinstance(df, pd.DataFrame):
        return None
    names = [key, *(extra_keys or [])]
    cols = []
    for k in names:
        c = k if k in df.columns else key_column(df, exp[k].tolist())
        if c is None:
            return None
        cols.append(c)
    out = {}
    for rec in df.to_dict("records"):
        out[tuple(_key(rec[c]) for c in cols)] = rec
    return out


def table_match(df, exp: pd.DataFrame, key: str, cols: list[str], rel: float = 1e-3, extra_keys=None) -> bool:
    """Every reference row is in ``df`` (matched on key columns) with ``cols`` close."""
    rows = rows_by_key(df, exp, key, extra_keys)
    if rows is None:
        return False
    names = [key, *(extra_keys or [])]
    for rec in exp.to_dict("records"):
        got = rows.get(tuple(_key(rec[k]) for k in names))
        if got is None:
            return False
        for c in cols:
            if c not in got or not close(got[c], rec[c], rel):
                return False
    return True


def has_columns(df, cols: list[str]) -> bool:
    return isinstance(df, pd.DataFrame) and all(c in df.columns for c in cols)


def as_percent_mistake(df, exp: pd.DataFrame, key: str, col: str, extra_keys=None) -> bool:
    """True when ``col`` matches the reference × 100 (rates typed as percentages)."""
    rows = rows_by_key(df, exp, key, extra_keys)
    if not rows or col not in next(iter(rows.values()), {}):
        return False
    names = [key, *(extra_keys or [])]
    rec = exp.iloc[0].to_dict()
    got = rows.get(tuple(_key(rec[k]) for k in names))
    return bool(got) and close(got.get(col), (num(rec[col]) or 0) * 100, 1e-3)


# -- the TA's answer sheet, computed on the data in use -------------------------------

def main() -> int:
    """``python -m grading.reference.analytics``: the reference answers of module 3
    on the data in use (COURSE_DATA_DIR or datasets/data), for TAs grading the
    written review.  Printed, never written into a module folder."""
    from course import settings

    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.unicode.east_asian_width", True)
    T = tables()
    t, o = T["traffic"], T["orders"]
    th = settings.load()["thresholds"]
    print("== 模块三参考答案（助教用，数据：当前课堂数据）==\n")
    m = campaign_overall(t, o)
    print("活动期核心指标：" + "，".join(f"{k} {round(v, 4)}" for k, v in m.items()))
    print(targets(t, o, th["campaign"]["gmv_target"], th["analytics"]["conversion_target"],
                  th["campaign"]["new_customer_conversion_target"]).to_string(index=False))
    print("新客留存：", retention(t, o, days=th["analytics"]["retention_days"]))
    lk, sr = leak(t), campaign_step_rates(t)
    print(f"\n漏斗：漏得最多的环节 {lk['环节']}，阶段 {'、'.join(lk['阶段'])}；"
          f"日常 {sr['日常'][lk['环节']]:.1%} → 活动期 {sr['活动'][lk['环节']]:.1%}；活动期访问→加购 {sr['活动']['访问→加购']:.1%}")
    print(funnel_table(t, "phase").to_string(index=False))
    roi = channel_roi(o, T["ad_spend"])
    print("\n渠道 ROI（活动期）：")
    print(roi.to_string(index=False))
    print("ROI 低于下限的渠道：", low_roi_channels(roi, th["analytics"]["roi_floor"]))
    ab = ab_results(T["ab_test"], th["analytics"]["ab_alpha"], th["analytics"]["ab_power"])
    print(f"\nA/B：z={ab['z']:.3f} p={ab['p']:.4f} CI=({ab['ci'][0]:.4f}, {ab['ci'][1]:.4f}) "
          f"每组需要 {ab['n_needed']}，现有 {ab['n_have']} → {ab['decision']}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
