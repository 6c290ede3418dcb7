"""The simulated trading year: visitors arrive, browse, buy, and come back.

``Simulation.run`` walks the year day by day; inside a day everything is
vectorised with numpy over the day's visits.  A day is a sequence of named
steps (``run_day``), each drawing from the one random stream in a fixed order,
so the same seed and scale give the same data byte for byte.  The day's visits,
orders and order lines go to the CSV appenders as numbers; what the tables built
after the year need is kept in ``order_log``, ``visitors`` and ``channel_totals``.

The equations and parameters are in ``datasets.model`` (and TEACHER_NOTES.md).
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd

from . import market, model, shop
from .arrays import DAY_SECONDS, INF, to_datetime
from .checkout import Checkout, Orders, order_items_frame, orders_frame
from .people import AGE_W, FEMALE_SHARE, REGION_W, REGIONS
from .spec import AGE_BANDS, CHANNELS, PHASES
from .streams import rng_for
from .visits import Day, Visitors, Visits

# planted stories: a recall of past buyers before the 618 campaign, and a few VIPs who buy
# the shop's image products on set days (the 高价值 segment of module 4)
RECALL_DAY = "2026-06-14"
RECALL_PROB = 0.08
RECALL_DAY_WEIGHTS = [0.12, 0.12, 0.12, 0.40, 0.14, 0.10]  # 06-15 .. 06-20
HIGH_VALUE_PICK_DAY = "2026-05-28"
HIGH_VALUE_DAYS = ["2026-06-04", "2026-06-13", "2026-06-24"]
HIGH_VALUE_PER_SCALE = 14
CHANNEL_TOTALS = ("sessions", "gmv", "cost_and_gifts", "commission", "orders")  # channel_totals[day, channel, k]


class Simulation:
    """The trading year at ``scale`` (1 = the classroom shop) for ``seed``; ``run`` fills the appenders."""

    def __init__(self, seed: int, scale: float, commission_rate: float, log=print):
        self.scale, self.log = scale, log
        self.rng = rng_for(seed, "sim")
        self.checkout = Checkout(shop.sku_table(rng_for(seed, "catalog")), commission_rate)
        self.days = self.checkout.days
        self.n_days = len(self.days)
        keywords = market.keywords_frame(rng_for(seed, "market"))
        keywords = keywords[keywords.relevance >= 0.3]
        self.keywords = keywords.keyword.to_numpy()
        w = np.sqrt(keywords.search_heat.to_numpy()) * keywords.relevance.to_numpy() ** 2
        self.keyword_p = w / w.sum()
        self.visitors = Visitors(int(60000 * scale * 1.2) + 1000)
        self.returns: dict[int, list] = {}  # day -> visitors coming back that day
        self.planted_visits: dict[int, list] = {}  # day -> visitors planted to buy that day
        self.session_seq = 0
        # what the tables built after the year need (customers, messages)
        self.order_log: dict[str, list] = {
            k: [] for k in ("user", "day", "created", "paid", "status", "paid_c", "phase", "simple")
        }
        self.channel_totals = np.zeros((self.n_days, len(CHANNELS), len(CHANNEL_TOTALS)), dtype=np.int64)

    def run(self, writers: dict) -> None:
        """Simulate every day of the year into the appenders ``writers`` (traffic, orders, order_items)."""
        t0 = time.time()
        for di in range(self.n_days):
            self.run_day(di, writers)
            d = self.days[di]
            if d.day == 1 and d.month % 3 == 1:
                orders = self.checkout.order_seq
                self.log(f"  {d}: {self.session_seq:,} visits, {orders:,} orders ({time.time() - t0:.0f} s)")
        self.order_log = {k: (np.concatenate(v) if v else np.zeros(0)) for k, v in self.order_log.items()}

    def run_day(self, di: int, writers: dict) -> None:
        """One day, step by step.  The steps draw from ``self.rng`` in this order: moving a step, or a
        draw inside one, changes every number after it (``tests/test_datasets.py`` compares the
        committed data byte for byte)."""
        day = Day.of(di, self.days[di])
        visits = self._arrivals(day)
        self._choose_channels_and_times(day, visits)
        self._assign_ab_variants(day, visits)
        self._walk_the_funnel(day, visits)
        visits = self._number_sessions(visits)
        self._order_and_payment_times(day, visits)
        self._mark_new_customers(day, visits)
        orders = self.checkout.place(day, visits, self.rng)
        self._track_ab_test(day, visits, orders)
        self._write_rows(day, visits, orders, writers)
        self._log_orders(day, visits, orders)
        self._add_channel_totals(day, visits, orders)
        self._schedule_next_visits(day, visits)
        self._plant_campaign_recall(day)
        self._plant_high_value_buyers(day)

    # -- who comes ----------------------------------------------------------------------------

    def _new_visitors(self, day: Day) -> np.ndarray:
        rng, v = self.rng, self.visitors
        n = int(rng.poisson(model.BASE_NEW_VISITORS * self.scale * model.day_multiplier(day.date)))
        idx = v.add(n)
        v["vtype"][idx] = rng.choice(3, size=n, p=model.TYPE_SHARE)
        v["gender"][idx] = (rng.random(n) >= FEMALE_SHARE).astype(np.int8)
        v["age"][idx] = rng.choice(len(AGE_BANDS), size=n, p=AGE_W)
        v["region"][idx] = rng.choice(len(REGIONS), size=n, p=REGION_W)
        v["first_visit"][idx] = day.index
        return idx

    def _arrivals(self, day: Day) -> Visits:
        """New visitors, returning ones, same-day second visits (campaign days) and planted visits."""
        new = self._new_visitors(day)
        returning = _take_scheduled(self.returns, day.index)
        planted = _take_scheduled(self.planted_visits, day.index)
        users = np.concatenate([new, returning])
        is_new_visitor = np.r_[np.ones(len(new), bool), np.zeros(len(returning), bool)]
        revisit = model.SAME_DAY_REVISIT[day.phase]
        if revisit > 0:
            again = users[self.rng.random(len(users)) < revisit]
            users = np.concatenate([users, again])
            is_new_visitor = np.r_[is_new_visitor, np.zeros(len(again), bool)]
        is_planted = np.r_[np.zeros(len(users), bool), np.ones(len(planted), bool)]
        users = np.concatenate([users, planted])
        is_new_visitor = np.r_[is_new_visitor, np.zeros(len(planted), bool)]
        visits = Visits(users, is_new_visitor, is_planted)
        visits.vtype = self.visitors["vtype"][users].astype(np.int64)
        return visits

    # -- what they do ---------------------------------------------------------------------------

    def _choose_channels_and_times(self, day: Day, v: Visits) -> None:
        rng, n = self.rng, len(v.users)
        v.channel = np.where(
            v.is_new_visitor,
            rng.choice(5, size=n, p=model.CHANNEL_MIX_NEW[day.phase]),
            rng.choice(5, size=n, p=model.CHANNEL_MIX_RETURNING),
        )
        hour = rng.choice(24, size=n, p=model.hour_weights(day.phase))
        v.start = day.start + hour * 3600 + rng.integers(0, 3600, size=n)
        search = v.channel <= 1
        v.keyword = np.where(search, rng.choice(len(self.keywords), size=n, p=self.keyword_p), -1)

    def _assign_ab_variants(self, day: Day, v: Visits) -> None:
        """A/B test: a visitor keeps the variant drawn at the first visit in the test window."""
        v.variant = np.zeros(len(v.users), dtype=np.int8)
        if not day.in_ab_test:
            return
        variant = self.visitors["variant"]
        need = np.unique(v.users[variant[v.users] == 0])
        if len(need):
            variant[need] = 1 + (self.rng.random(len(need)) < 0.5).astype(np.int8)
        v.variant = variant[v.users]

    def _walk_the_funnel(self, day: Day, v: Visits) -> None:
        """Bounce, add to cart, order, pay (planted visits always pay); pages viewed and time spent."""
        rng, n, phase = self.rng, len(v.users), day.phase
        is_customer = self.visitors["first_paid_t"][v.users] < day.start
        bounce_p = np.asarray(model.BOUNCE)[v.channel]
        bounce = rng.random(n) < bounce_p
        p_cart = model.p_cart(v.channel, v.vtype, phase, v.variant == 2) / (1 - bounce_p)
        cart = ~bounce & (rng.random(n) < np.minimum(p_cart, model.MAX_P))
        order = cart & (rng.random(n) < model.p_order(v.channel, v.vtype, phase, is_customer))
        paid = order & (rng.random(n) < model.P_PAY[phase])
        v.cart, v.order, v.paid = cart | v.planted, order | v.planted, paid | v.planted
        bounce &= ~v.planted
        v.pages = np.where(bounce, 1, 2 + rng.geometric(0.36, size=n) - 1 + v.cart + v.order)
        duration = np.maximum(5, (v.pages * model.SECONDS_PER_PAGE * rng.lognormal(0, 0.5, size=n))).astype(np.int64)
        v.duration = np.where(bounce, rng.integers(3, 60, size=n), duration)

    def _number_sessions(self, v: Visits) -> Visits:
        """The day's visits in order of start time (then visitor), numbered."""
        v = v.take(np.lexsort((v.users, v.start)))
        v.session = self.session_seq + 1 + np.arange(len(v.users))
        self.session_seq += len(v.users)
        return v

    def _order_and_payment_times(self, day: Day, v: Visits) -> None:
        """Order time within the visit, payment a little later (same day)."""
        n = len(v.users)
        created = v.start + (v.duration * self.rng.uniform(0.5, 1.0, size=n)).astype(np.int64)
        v.created = np.minimum(created, day.last_second)
        pay_delay = 20 + self.rng.lognormal(4.3, 1.0, size=n).astype(np.int64)
        v.paid_t = np.where(v.paid, np.minimum(v.created + pay_delay, day.last_second), INF)

    def _mark_new_customers(self, day: Day, v: Visits) -> None:
        """New customer = no payment before the visit started (on earlier days or earlier today)."""
        v.people, v.person = np.unique(v.users, return_inverse=True)
        first_today = np.full(len(v.people), INF, dtype=np.int64)
        np.minimum.at(first_today, v.person, v.paid_t)
        first_paid = self.visitors["first_paid_t"]
        v.is_new_customer = (first_paid[v.users] >= day.start) & ~(first_today[v.person] < v.start)
        first_paid[v.people] = np.minimum(first_paid[v.people], first_today)

    def _track_ab_test(self, day: Day, v: Visits, o: Orders) -> None:
        """Per visitor over the test window: first exposure, visits, cart/order/payment, amount paid."""
        if not day.in_ab_test:
            return
        s = self.visitors
        first_seen = np.full(len(v.people), INF, dtype=np.int64)
        np.minimum.at(first_seen, v.person, v.start)
        newly = s["ab_sessions"][v.people] == 0
        s["ab_first_t"][v.people[newly]] = first_seen[newly]
        np.add.at(s["ab_sessions"], v.users, 1)
        s["ab_cart"][v.users[v.cart]] = True
        s["ab_order"][v.users[v.order]] = True
        s["ab_paid"][v.users[v.paid]] = True
        ok = o.status == 0
        np.add.at(s["ab_amount"], o.users[ok], o.paid_amount[ok])

    # -- what is kept -------------------------------------------------------------------------------

    def _write_rows(self, day: Day, v: Visits, o: Orders, writers: dict) -> None:
        """The day's rows as numbers; the appenders format them (csvfiles.simulation_selects)."""
        phase = PHASES.index(day.phase)
        order_no = np.zeros(len(v.users), dtype=np.int64)
        order_no[o.visit] = o.number
        writers["traffic"].write(
            pd.DataFrame(
                {
                    "session": v.session,
                    "user_no": v.users + 1,
                    "start_time": to_datetime(v.start),
                    "channel": v.channel,
                    "kw": v.keyword,
                    "pages_viewed": v.pages,
                    "duration_seconds": v.duration,
                    "added_to_cart": v.cart,
                    "ordered": v.order,
                    "paid": v.paid,
                    "order_no": order_no,
                    "is_new_customer": v.is_new_customer,
                    "phase": np.full(len(v.users), phase, np.int8),
                    "variant": v.variant,
                }
            )
        )
        if len(o):
            writers["orders"].write(orders_frame(day, v, o, phase))
            writers["order_items"].write(order_items_frame(o))

    def _log_orders(self, day: Day, v: Visits, o: Orders) -> None:
        if not len(o):
            return
        log, n = self.order_log, len(o)
        log["user"].append(o.users)
        log["day"].append(np.full(n, day.index, np.int16))
        log["created"].append(v.created[o.visit])
        log["paid"].append(np.where(o.paid, o.paid_t, INF))
        log["status"].append(o.status.astype(np.int8))
        log["paid_c"].append(o.paid_amount)
        log["phase"].append(np.full(n, PHASES.index(day.phase), np.int8))
        log["simple"].append(o.simple)

    def _add_channel_totals(self, day: Day, v: Visits, o: Orders) -> None:
        """Visits per channel, and paid orders' GMV, cost + gifts, commission and count (for ad spend)."""
        totals = self.channel_totals[day.index]
        np.add.at(totals[:, 0], v.channel, 1)
        ok = o.status == 0
        channel = v.channel[o.visit][ok]
        gift_cost = np.where(o.gift, shop.GIFT_COST_C, 0)
        np.add.at(totals[:, 1], channel, o.paid_amount[ok])
        np.add.at(totals[:, 2], channel, o.cost[ok] + gift_cost[ok])
        np.add.at(totals[:, 3], channel, o.commission[ok])
        np.add.at(totals[:, 4], channel, 1)

    # -- who comes back -------------------------------------------------------------------------------

    def _schedule(self, book: dict, users: np.ndarray, target: np.ndarray) -> None:
        """Add visitors to ``book`` under their target day (days after the year are dropped)."""
        keep = target < self.n_days
        users, target = users[keep], target[keep]
        if len(users) == 0:
            return
        order = np.argsort(target, kind="stable")
        users, target = users[order], target[order]
        days, start = np.unique(target, return_index=True)
        for t, part in zip(days.tolist(), np.split(users, start[1:])):
            book.setdefault(t, []).append(part)

    def _schedule_next_visits(self, day: Day, v: Visits) -> None:
        """Each visit: a short return (same need), a long return (a new need) or none."""
        rng, n = self.rng, len(v.users)
        run_up = day.phase in ("预热期", "爆发期")
        short_p = np.asarray(model.SHORT_RETURN)[v.vtype]
        if run_up:
            short_p = np.maximum(short_p, model.SHORT_RETURN_CAMPAIGN)
        short_p = np.where(v.order, model.SHORT_RETURN_AFTER_ORDER, short_p)
        long_p = np.asarray(model.LONG_RETURN)[v.vtype]
        r = rng.random(n)
        short = r < short_p
        long_ = ~short & (r < short_p + (1 - short_p) * long_p)
        if run_up:
            short_gap = rng.integers(1, 4, size=n)
            if day.phase == "预热期":
                to_burst = (model.PHASE_DATES["爆发期"][0] - day.date).days
                short_gap = np.where(rng.random(n) < model.BURST_RETURN_SHARE, to_burst, short_gap)
        else:
            short_gap = rng.geometric(0.5, size=n)
        long_gap = np.ceil(rng.exponential(np.asarray(model.LONG_GAP_MEAN)[v.vtype])).astype(np.int64) + 1
        gap = np.where(short, short_gap, long_gap)
        back = short | long_
        self._schedule(self.returns, v.users[back], day.index + gap[back])

    def _plant_campaign_recall(self, day: Day) -> None:
        """The day before 618, some past buyers are reminded and come back during the campaign."""
        if day.date.isoformat() != RECALL_DAY:
            return
        s = self.visitors
        buyers = np.flatnonzero(s["first_paid_t"][: s.count] < day.start + DAY_SECONDS)
        pick = buyers[self.rng.random(len(buyers)) < RECALL_PROB]
        offset = self.rng.choice(6, size=len(pick), p=RECALL_DAY_WEIGHTS)
        self._schedule(self.returns, pick, day.index + 1 + offset)

    def _plant_high_value_buyers(self, day: Day) -> None:
        """A few VIP customers are planted to buy on three set days (the 高价值 segment)."""
        if day.date.isoformat() != HIGH_VALUE_PICK_DAY:
            return
        s = self.visitors
        vips = np.flatnonzero((s["first_paid_t"][: s.count] < day.start) & (s["vtype"][: s.count] == 2))
        k = min(len(vips), max(3, int(round(HIGH_VALUE_PER_SCALE * self.scale))))
        pick = np.sort(self.rng.choice(vips, size=k, replace=False)) if k else vips[:0]
        for date in HIGH_VALUE_DAYS:
            target = (dt.date.fromisoformat(date) - self.days[0]).days
            self._schedule(self.planted_visits, pick, np.full(len(pick), target))


def _take_scheduled(book: dict, day_index: int) -> np.ndarray:
    parts = book.pop(day_index, [])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
