"""The ``messages`` table: every message the shop sent its customers during the year (触达记录).

Service messages follow orders (a shipping notice, a follow-up call after a
refund).  Marketing messages follow the shop's CRM routine (回购券 7 days after a
paid order, 沉睡唤醒 30 days after the last one, 会员日 on the 8th of each month)
and the 618 campaign's sequence of announcements, where a few promotion fans
also get an extra push on the burst day (the frequency-cap story of module 4).

Messages are collected as arrays of numbers (customer, time, channel code,
campaign code) and written through ``csvfiles.messages_select``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .arrays import DAY_SECONDS, INF, epoch, to_datetime
from .spec import CALENDAR

MESSAGE_TEXT = {  # campaign -> (msg_type, content)
    "发货通知": ("服务", "您的订单已发货，请留意物流信息。"),
    "售后回访": ("服务", "售后回访：退款已处理，欢迎反馈使用体验。"),
    "回购券": ("营销", "感谢购买！送您10元回购券，7天内有效。"),
    "沉睡唤醒": ("营销", "好久不见，50元无门槛券已到账，7天内有效。"),
    "会员日": ("营销", "会员日全场95折，新品优先购。"),
    "618预告": ("营销", "618新人大促·焕新家限时直降，6月15日开启！"),
    "618预热": ("营销", "618预热开启：满399减50、第二件半价，先加购再抢。"),
    "618爆发预告": ("营销", "明晚0点开抢，前100名支付赠定制收纳盒。"),
    "618爆发": ("营销", "618爆发日已开抢！满399减50，第二件半价。"),
    "618库存告急": ("营销", "爆款床头柜库存告急，抓紧下单！"),
    "618返场": ("营销", "返场福利：加购未付款的宝贝仍可享满399减50。"),
    "618返场最后一天": ("营销", "618返场最后一天，今晚24点结束。"),
}
MESSAGE_CAMPAIGNS = list(MESSAGE_TEXT)
SMS, APP, GROUP, EMAIL, PHONE = range(5)  # codes of spec.MSG_CHANNELS
STORM_SHARE = 0.05  # share of app-reachable promotion fans who get the extra 618库存告急 push
NO_DAY = 10**6  # a day index after every day of the year ("none")
HOUR = 3600


class Outbox:
    """The messages collected so far: customer position, send time, channel code, campaign code."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, customers, times, channel, campaign: str) -> None:
        customers = np.asarray(customers, dtype=np.int64)
        times = np.asarray(times, dtype=np.int64)
        channel = np.broadcast_to(np.asarray(channel, dtype=np.int8), customers.shape)
        code = np.full(len(customers), MESSAGE_CAMPAIGNS.index(campaign), np.int8)
        self.parts.append((customers, times, channel, code))

    def frame(self, users: np.ndarray, end_time: int) -> pd.DataFrame:
        """The messages sent up to ``end_time``, in order of time (then customer, campaign), numbered."""
        cp, t, ch, camp = (np.concatenate([p[k] for p in self.parts]) for k in range(4))
        ch, camp = ch.astype(np.int64), camp.astype(np.int64)
        keep = t <= end_time
        cp, t, ch, camp = cp[keep], t[keep], ch[keep], camp[keep]
        srt = np.lexsort((camp, cp, t))
        cp, t, ch, camp = cp[srt], t[srt], ch[srt], camp[srt]
        return pd.DataFrame(
            {
                "msg_no": np.arange(1, len(cp) + 1),
                "user_no": users[cp] + 1,
                "sent_at": to_datetime(t),
                "channel": ch,
                "campaign": camp,
            }
        )


def build_messages(sim, reach: dict, rng: np.random.Generator) -> pd.DataFrame:
    """The messages of the year for the simulation's orders and the customers' reachability.

    ``reach`` comes from ``tables.build_customers``: the customers' user numbers
    (``users``, sorted) and per customer ``sms_ok``, ``app_ok`` and ``tag_promo``.
    """
    log = sim.order_log
    customer = np.searchsorted(reach["users"], log["user"])
    box = Outbox()
    _service_messages(box, log, customer, reach["app_ok"], rng)
    year_start = epoch(sim.days[0])
    _repurchase_coupons(box, log, customer, reach["sms_ok"], year_start, rng)
    cp, day = _paid_orders_by_customer(log, customer)
    _win_back(box, cp, day, reach["sms_ok"], year_start, rng)
    _member_days(box, cp, day, reach["app_ok"], sim.days, rng)
    _campaign_618(box, log, customer, reach, rng)
    return box.frame(reach["users"], epoch(sim.days[-1]) + DAY_SECONDS - 1)


def _service_messages(box: Outbox, log: dict, customer, app_ok, rng) -> None:
    """A shipping notice after every payment (app or SMS); a phone call a few days after a refund."""
    i = np.flatnonzero(log["status"] != 1)
    box.add(
        customer[i],
        log["paid"][i] + rng.integers(6 * HOUR, 30 * HOUR, size=len(i)),
        np.where(app_ok[customer[i]], APP, SMS),
        "发货通知",
    )
    i = np.flatnonzero(log["status"] == 2)
    box.add(
        customer[i],
        log["paid"][i] + rng.integers(3, 9, size=len(i)) * DAY_SECONDS + rng.integers(0, 3 * HOUR, size=len(i)),
        PHONE,
        "售后回访",
    )


def _repurchase_coupons(box: Outbox, log: dict, customer, sms_ok, year_start: int, rng) -> None:
    """回购券 by SMS 7 days after most paid orders."""
    i = np.flatnonzero((log["status"] == 0) & sms_ok[customer] & (rng.random(len(customer)) < 0.6))
    day = log["day"][i].astype(np.int64)
    box.add(
        customer[i],
        year_start + (day + 7) * DAY_SECONDS + 10 * HOUR + rng.integers(0, 1200, size=len(i)),
        SMS,
        "回购券",
    )


def _paid_orders_by_customer(log: dict, customer) -> tuple[np.ndarray, np.ndarray]:
    """(customer, day) of the paid orders, by customer and then by time."""
    i = np.flatnonzero(log["status"] == 0)
    srt = i[np.lexsort((log["created"][i], customer[i]))]
    return customer[srt], log["day"][srt].astype(np.int64)


def _win_back(box: Outbox, cp, day, sms_ok, year_start: int, rng) -> None:
    """沉睡唤醒 30 days after a paid order that no other paid order followed within 30 days."""
    same_customer_next = np.r_[cp[1:] == cp[:-1], False]
    next_day = np.where(same_customer_next, np.r_[day[1:], NO_DAY], NO_DAY)
    asleep = next_day - day > 30
    channel = np.where(sms_ok[cp[asleep]], SMS, EMAIL)
    times = year_start + (day[asleep] + 30) * DAY_SECONDS + 11 * HOUR + rng.integers(0, 1800, size=int(asleep.sum()))
    box.add(cp[asleep], times, channel, "沉睡唤醒")


def _member_days(box: Outbox, cp, day, app_ok, days: list[dt.date], rng) -> None:
    """会员日 (the 8th of each month) by app to customers with two paid orders before that day."""
    rank = np.arange(len(cp)) - np.searchsorted(cp, cp, side="left")
    second_order_day = np.full(len(app_ok), NO_DAY, dtype=np.int64)
    second = rank == 1
    second_order_day[cp[second]] = day[second]
    for di, d in enumerate(days):
        if d.day == 8:
            who = np.flatnonzero((second_order_day < di) & app_ok)
            box.add(who, np.full(len(who), epoch(d) + 10 * HOUR) + rng.integers(0, 900, size=len(who)), APP, "会员日")


def _at(date: str, hhmm: str) -> int:
    h, m = map(int, hhmm.split(":"))
    return epoch(dt.date.fromisoformat(date)) + h * HOUR + m * 60


def _campaign_618(box: Outbox, log: dict, customer, reach: dict, rng) -> None:
    """The 618 sequence to customers who had paid before the campaign; 返场 only to those who had not bought in it."""
    n = len(reach["users"])
    start = epoch(dt.date.fromisoformat(CALENDAR["campaign"]["start"]))
    paid = log["status"] != 1
    first_paid = np.full(n, INF, dtype=np.int64)
    np.minimum.at(first_paid, customer[paid], log["paid"][paid])
    existing = first_paid < start
    bought = np.zeros(n, bool)
    j = np.flatnonzero(paid & (log["phase"] >= 1) & (log["phase"] <= 3) & (log["created"] < start + 4 * DAY_SECONDS))
    bought[customer[j]] = True
    sms_ok, app_ok, fan = reach["sms_ok"], reach["app_ok"], reach["tag_promo"]

    def send(mask, date, hhmm, channel, campaign):
        who = np.flatnonzero(mask)
        box.add(who, _at(date, hhmm) + rng.integers(0, 900, size=len(who)), channel, campaign)

    send(existing & fan, "2026-06-14", "20:00", GROUP, "618预告")
    send(existing & sms_ok, "2026-06-15", "10:00", SMS, "618预热")
    send(existing & app_ok, "2026-06-17", "19:30", APP, "618爆发预告")
    send(existing & sms_ok, "2026-06-18", "00:05", SMS, "618爆发")
    storm = existing & app_ok & fan & (rng.random(n) < STORM_SHARE)
    send(storm, "2026-06-18", "12:00", APP, "618库存告急")
    send(existing & app_ok & ~bought, "2026-06-19", "10:00", APP, "618返场")
    send(existing & sms_ok & ~bought, "2026-06-20", "18:00", SMS, "618返场最后一天")
