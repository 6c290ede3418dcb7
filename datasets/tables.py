"""Tables built after the simulated year: customers, A/B test, ad spend (and the SKUs in yuan).

They read what the simulation kept (``Simulation.order_log``, the per-visitor
``visitors`` and the per-day channel totals), never the written CSV files, so
they cost memory in the number of orders and customers, not of visits.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import model, shop
from .arrays import ids, to_datetime
from .people import PHONE_PREFIX, REGIONS, SURNAMES
from .spec import AGE_BANDS, CHANNELS, GENDERS, PAID_CHANNELS, TAGS, TIERS

NO_DAY = 10**6  # a day index after every day of the year ("none")


def skus_frame(skus: pd.DataFrame) -> pd.DataFrame:
    """The ``skus`` table: the catalogue's SKUs with their prices in yuan."""
    out = skus.copy()
    out["cost"] = out.cost_c / 100
    out["daily_price"] = out.daily_c / 100
    out["campaign_price"] = out.campaign_c / 100
    return out


# -- customers ------------------------------------------------------------------------------


def _order_history(log: dict, first_day: dt.date) -> dict:
    """Per buyer (sorted user numbers): first order day, first paid day, paid spend and what they bought."""
    users = np.unique(log["user"]).astype(np.int64)
    pos = np.searchsorted(users, log["user"])
    n = len(users)
    first_order = np.full(n, NO_DAY, dtype=np.int64)
    np.minimum.at(first_order, pos, log["day"].astype(np.int64))
    ok = log["status"] == 0
    first_paid = np.full(n, NO_DAY, dtype=np.int64)
    np.minimum.at(first_paid, pos[ok], log["day"][ok].astype(np.int64))
    double11 = (shop.DOUBLE11 - first_day).days
    promo_day = (log["phase"] > 0) | (log["day"] == double11)
    return {
        "users": users,
        "first_order": first_order,
        "first_paid": first_paid,
        "spend": np.bincount(pos[ok], weights=log["paid_c"][ok], minlength=n).astype(np.int64),
        "simple": np.bincount(pos, weights=log["simple"], minlength=n) > 0,
        "promo": np.bincount(pos, weights=promo_day, minlength=n) > 0,
        "refund": np.bincount(pos, weights=log["status"] == 2, minlength=n) > 0,
    }


def _tags(h: dict, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CRM tags (mostly earned by behaviour, a few set by hand), and who is tagged 关注促销活动."""
    tag_simple = (h["simple"] & (u[:, 0] < 0.75)) | (u[:, 0] < 0.06)
    tag_promo = (h["promo"] & (u[:, 1] < 0.80)) | (u[:, 1] < 0.12)
    tag_service = (h["refund"] & (u[:, 2] < 0.90)) | (u[:, 2] < 0.05)
    tags = np.array(
        ["|".join(t for t, f in zip(TAGS, flags) if f) for flags in zip(tag_simple, tag_promo, tag_service)],
        dtype=object,
    )
    tags[tags == ""] = None
    return tags, tag_promo


def _loyalty(h: dict, u: np.ndarray, th: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Member tier (by paid spend), points left (1 per yuan, some redeemed) and the day the points expire (-1: none)."""
    yuan = h["spend"] / 100
    tier = np.where(
        yuan >= th["platinum_min_spend"],
        3,
        np.where(yuan >= th["gold_min_spend"], 2, np.where(yuan >= th["silver_min_spend"], 1, 0)),
    )
    earned = np.floor(yuan).astype(np.int64)
    redeemed = np.where(u[:, 3] < 0.30, np.floor(earned * u[:, 4] * 0.6), 0).astype(np.int64)
    points = earned - redeemed
    has_points = (points > 0) & (h["first_paid"] < NO_DAY)
    expire = np.where(has_points, h["first_paid"] + 365, -1)
    return tier, points, expire


def _masked_contacts(n: int, u: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Masked names (张* / 张**) and phone numbers (138****1234)."""
    surname = np.asarray(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), size=n)]
    given_len = np.where(u[:, 5] < 0.3, 1, 2)
    names = np.array([s + "*" * g for s, g in zip(surname, given_len)], dtype=object)
    prefix = np.asarray(PHONE_PREFIX, dtype=object)[rng.integers(0, len(PHONE_PREFIX), size=n)]
    tail = rng.integers(0, 10000, size=n)
    phones = np.array([f"{p}****{t:04d}" for p, t in zip(prefix, tail)], dtype=object)
    return names, phones


def _day_texts(days: list[dt.date]) -> np.ndarray:
    """ISO dates by day index: the trading year and 400 days after it (points expiry)."""
    after = [(days[-1] + dt.timedelta(days=k)).isoformat() for k in range(1, 400)]
    return np.array([d.isoformat() for d in days] + after, dtype=object)


def build_customers(sim, rng: np.random.Generator, th: dict) -> tuple[pd.DataFrame, dict]:
    """The ``customers`` table (everyone who ordered), and their reachability for ``messages.build_messages``."""
    h = _order_history(sim.order_log, sim.days[0])
    users, visitors = h["users"], sim.visitors
    n = len(users)
    u = rng.random((n, 8))
    tags, tag_promo = _tags(h, u)
    tier, points, expire = _loyalty(h, u, th)
    names, phones = _masked_contacts(n, u, rng)
    days = _day_texts(sim.days)
    df = pd.DataFrame(
        {
            "user_id": ids("U", users + 1, 8),
            "phone_masked": phones,
            "name_masked": names,
            "gender": np.asarray(GENDERS, dtype=object)[visitors["gender"][users]],
            "age_band": np.asarray(AGE_BANDS, dtype=object)[visitors["age"][users]],
            "region": np.asarray(REGIONS, dtype=object)[visitors["region"][users]],
            "first_visit_date": days[visitors["first_visit"][users].astype(np.int64)],
            "first_order_date": days[h["first_order"]],
            "member_tier": np.asarray(TIERS, dtype=object)[tier],
            "points": points,
            "points_expire_date": np.where(expire >= 0, days[np.maximum(expire, 0)], None),
            "tags": tags,
        }
    )
    reach = {"users": users, "tag_promo": tag_promo, "sms_ok": u[:, 6] < 0.55, "app_ok": u[:, 7] < 0.45}
    return df, reach


# -- A/B test and ad spend ----------------------------------------------------------------------


def build_ab_test(sim) -> pd.DataFrame:
    """The ``ab_test`` table: one row per visitor who saw the test, with what they did in its window."""
    v = sim.visitors
    idx = np.flatnonzero(v["ab_sessions"][: v.count] > 0)
    return pd.DataFrame(
        {
            "user_id": ids("U", idx + 1, 8),
            "variant": np.where(v["variant"][idx] == 2, "B", "A"),
            "first_exposed_at": to_datetime(v["ab_first_t"][idx]),
            "sessions": v["ab_sessions"][idx],
            "added_to_cart": v["ab_cart"][idx],
            "ordered": v["ab_order"][idx],
            "paid": v["ab_paid"][idx],
            "paid_amount": v["ab_amount"][idx] / 100,
        }
    )


def build_ad_spend(sim, rng: np.random.Generator) -> pd.DataFrame:
    """The ``ad_spend`` table: per day and paid channel, clicks and impressions from the visits, and a
    spend that gives the channel the target ROI of ``model.AD_TARGET_ROI`` / ``AD_CAMPAIGN_ROI``."""
    rows = []
    totals = sim.channel_totals
    campaign = np.array([model.phase_of(d) != "日常" for d in sim.days])
    for ch in PAID_CHANNELS:
        c = CHANNELS.index(ch)
        sessions = totals[:, c, 0]
        clicks = np.round(sessions * (1 + rng.uniform(*model.AD_CLICK_EXTRA, size=len(sessions)))).astype(np.int64)
        ctr = model.AD_CTR[ch] * rng.lognormal(0, 0.15, size=len(sessions))
        impressions = np.round(clicks / ctr).astype(np.int64)
        raw = clicks * rng.lognormal(0, 0.12, size=len(sessions))
        spend_c = np.zeros(len(sessions), dtype=np.int64)
        for period, target in ((~campaign, model.AD_TARGET_ROI[ch]), (campaign, model.AD_CAMPAIGN_ROI[ch])):
            margin = (totals[period, c, 1] - totals[period, c, 2] - totals[period, c, 3]).sum()
            tot = raw[period].sum()
            factor = max(margin, 0) / (target * tot) if tot > 0 else 0.0
            spend_c[period] = np.round(raw[period] * factor).astype(np.int64)
        for di, d in enumerate(sim.days):
            rows.append((d.isoformat(), ch, spend_c[di] / 100, int(impressions[di]), int(clicks[di])))
    df = pd.DataFrame(rows, columns=["date", "channel", "spend", "impressions", "clicks"])
    df["_c"] = df.channel.map({c: i for i, c in enumerate(PAID_CHANNELS)})
    return df.sort_values(["date", "_c"], kind="mergesort").drop(columns="_c").reset_index(drop=True)
