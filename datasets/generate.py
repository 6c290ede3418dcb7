"""生成模拟店铺数据：python -m datasets.generate --seed 2026 --scale 1 --out DIR

Generate the simulated shop's tables.  Deterministic: the same seed, scale and
``spec.VERSION`` give byte-identical files.  The simulation walks the trading
year day by day (vectorised with numpy inside a day) and appends each day's
traffic, orders and order lines to the CSV files, so memory stays bounded by
the visitor state (a few bytes per visitor), not by the number of rows.

Defaults come from ``course/settings.yaml`` (``dataset.seed``, ``dataset.scale``);
the default output folder is ``datasets/data`` for the classroom scale and
``datasets/generated/scale-<scale>`` otherwise (never committed).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from . import featured
from . import model as M
from . import shop
from .spec import (CALENDAR, CHANNELS, PHASES, PAID_CHANNELS, TABLE_ORDER, TABLES, VERSION, AGE_BANDS, GENDERS, TIERS,
                   MONEY)

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data"
GENERATED = HERE / "generated"
EXCEL_NAME = "offline_data_pack.xlsx"
EXCEL_MAX_SCALE = 1.0
EXCEL_MONTH_ONLY = {"traffic": ("date", "2026-06"), "messages": ("sent_at", "2026-06")}
INF = np.iinfo(np.int64).max

# stream 11 is the what-if's basket stream (datasets.whatif); "featured" draws the search statistics of
# the featurable products' extra keywords, so adding one moves no other table
STREAM = {"catalog": 1, "market": 2, "sim": 3, "post": 4, "survey": 5, "ads": 6, "messages": 7, "featured": 8}

REGIONS = ["广东", "浙江", "江苏", "上海", "北京", "山东", "四川", "湖北", "福建", "河南", "湖南", "安徽", "河北", "陕西", "重庆",
           "天津", "辽宁", "江西", "广西", "云南"]
REGION_W = [.13, .10, .10, .06, .05, .07, .06, .05, .05, .05, .04, .04, .04, .03, .03, .02, .02, .02, .02, .02]
AGE_W = [0.17, 0.31, 0.24, 0.13, 0.10, 0.05]
FEMALE_SHARE = 0.70
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
PHONE_PREFIX = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157",
                "158", "159", "166", "176", "177", "180", "181", "182", "186", "187", "188", "189", "198", "199"]

RECALL_DAY = "2026-06-14"
RECALL_PROB = 0.08
RECALL_DAY_WEIGHTS = [0.12, 0.12, 0.12, 0.40, 0.14, 0.10]   # 06-15 .. 06-20
HIGH_VALUE_PICK_DAY = "2026-05-28"
HIGH_VALUE_DAYS = ["2026-06-04", "2026-06-13", "2026-06-24"]
HIGH_VALUE_PER_SCALE = 14


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """An independent PCG64 stream per part of the generator (scale-free parts stay identical)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(STREAM[stream],))))


def _settings():
    try:
        from course import settings
        return settings
    except Exception:  # pragma: no cover - the course package ships in the same repo
        return None


def default_seed_scale() -> tuple[int, float]:
    s = _settings()
    if s is None:
        return 2026, 1.0
    data = s.load()["dataset"]
    return int(data["seed"]), float(data["scale"])


def thresholds() -> dict:
    s = _settings()
    base = {"commission_rate": 0.05, "stock_alert_level": 10, "silver_min_spend": 1000, "gold_min_spend": 3000,
            "platinum_min_spend": 8000}
    if s is None:
        return base
    out = dict(base)
    out.update({k: v for k, v in s.thresholds("campaign").items() if k in base})
    out.update({k: v for k, v in s.thresholds("crm").items() if k in base})
    return out


# ---------------------------------------------------------------------------
# CSV writing
# ---------------------------------------------------------------------------

def _fmt_money(s: pd.Series) -> pd.Series:
    return s.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")


def write_csv(df: pd.DataFrame, path: Path, table: str) -> int:
    cols = list(TABLES[table]["columns"])
    df = df[cols].copy()
    for c in cols:
        if (table, c) in MONEY:
            df[c] = _fmt_money(df[c].astype("float64"))
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        df.to_csv(fh, index=False, lineterminator="\n")
    return len(df)


def _lit(values) -> str:
    """A DuckDB list literal of strings."""
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def _money(col: str) -> str:
    return f"printf('%d.%02d', {col} // 100, {col} % 100)"


def _bool(col: str) -> str:
    return f"CASE WHEN {col} THEN 'True' ELSE 'False' END"


def _ts(col: str) -> str:
    return f"strftime({col}, '%Y-%m-%d %H:%M:%S')"


class Appender:
    """Append chunks of a big table to one UTF-8-BOM CSV file.

    The chunks hold numbers only (ids as integers, money in cents, categories as
    codes); DuckDB formats and writes them, which is an order of magnitude faster
    than ``DataFrame.to_csv`` and gives the same bytes whatever the chunking.
    """

    def __init__(self, path: Path, table: str, select: str, flush_rows: int = 600_000):
        import duckdb

        self.path, self.table, self.select, self.flush_rows = Path(path), table, select, flush_rows
        self.cols = list(TABLES[table]["columns"])
        self.fh = open(self.path, "wb")
        self.fh.write(("\ufeff" + ",".join(self.cols) + "\n").encode("utf-8"))
        self.tmp = self.path.with_name(f".{self.path.name}.part")
        self.con = duckdb.connect()
        self.con.execute("SET threads = 2")
        self.con.execute("SET enable_progress_bar = false")
        self.con.execute("SET preserve_insertion_order = true")
        self.buf: list[pd.DataFrame] = []
        self.pending = 0
        self.rows = 0

    def write(self, df: pd.DataFrame) -> None:
        if len(df):
            self.buf.append(df)
            self.pending += len(df)
        if self.pending >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        if not self.buf:
            return
        chunk = pd.concat(self.buf, ignore_index=True) if len(self.buf) > 1 else self.buf[0]
        self.buf, self.pending = [], 0
        self.con.register("chunk", chunk)
        self.con.execute(f"COPY (SELECT {self.select} FROM chunk) TO '{self.tmp.as_posix()}' (FORMAT csv, HEADER false)")
        self.con.unregister("chunk")
        with open(self.tmp, "rb") as part:
            while True:
                block = part.read(1 << 24)
                if not block:
                    break
                self.fh.write(block)
        self.tmp.unlink()
        self.rows += len(chunk)

    def close(self) -> int:
        self.flush()
        self.fh.close()
        self.con.close()
        return self.rows



def _selects(kw_words, sku_ids, sku_pids) -> dict:
    ch = _lit(CHANNELS)
    ph = _lit(PHASES)
    kw = _lit(kw_words)
    return {
        "traffic": ", ".join([
            "printf('S%09d', session) AS session_id", "printf('U%08d', user_no) AS user_id", _ts("start_time"),
            "strftime(start_time, '%Y-%m-%d') AS date", f"{ch}[channel + 1] AS channel",
            f"CASE WHEN kw >= 0 THEN {kw}[kw + 1] END AS search_keyword", "pages_viewed", "duration_seconds",
            _bool("added_to_cart"), _bool("ordered"), _bool("paid"),
            "CASE WHEN order_no > 0 THEN printf('O%08d', order_no) END AS order_id", _bool("is_new_customer"),
            f"{ph}[phase + 1] AS phase", "CASE WHEN variant = 1 THEN 'A' WHEN variant = 2 THEN 'B' END AS ab_variant"]),
        "orders": ", ".join([
            "printf('O%08d', order_no) AS order_id", "printf('U%08d', user_no) AS user_id",
            "printf('S%09d', session) AS session_id", _ts("created_at"), _ts("paid_at"),
            "strftime(created_at, '%Y-%m-%d') AS date", f"{ch}[channel + 1] AS channel", f"{ph}[phase + 1] AS phase",
            f"{_lit(['已支付', '已取消', '已退款'])}[status + 1] AS status", "item_count",
            _money("goods_amount"), _money("discount_amount"), _money("paid_amount"), _money("cost_amount"),
            _money("commission"), _money("gift_cost"),
            f"CASE WHEN promo > 0 THEN {_lit(['', '满399减50', '第二件半价', '满399减50|第二件半价'])}[promo + 1] END AS promotions",
            f"CASE WHEN gift THEN '{shop.GIFT_NAME}' END AS gift", _bool("is_new_customer")]),
        "order_items": ", ".join([
            "printf('O%08d', order_no) AS order_id", "line_no", f"{_lit(sku_ids)}[sku + 1] AS sku_id",
            f"{_lit(sku_pids)}[sku + 1] AS product_id", "qty", _money("unit_price"), _money("line_amount"),
            _money("discount_alloc"), _money("paid_line"), _money("cost")]),
    }


# ---------------------------------------------------------------------------
# growable per-visitor state
# ---------------------------------------------------------------------------

class State:
    FIELDS = {
        "vtype": np.int8, "gender": np.int8, "age": np.int8, "region": np.int8, "first_visit": np.int16,
        "first_paid_t": np.int64, "variant": np.int8,
        "ab_first_t": np.int64, "ab_sessions": np.int32, "ab_cart": np.bool_, "ab_order": np.bool_,
        "ab_paid": np.bool_, "ab_amount": np.int64,
    }

    def __init__(self, cap: int):
        self.n = 0
        self.cap = max(cap, 1024)
        self.a = {k: np.zeros(self.cap, dtype=t) for k, t in self.FIELDS.items()}
        self.a["first_paid_t"][:] = INF

    def grow(self, extra: int) -> np.ndarray:
        need = self.n + extra
        if need > self.cap:
            new = max(need, int(self.cap * 1.5))
            for k, arr in self.a.items():
                bigger = np.zeros(new, dtype=arr.dtype)
                if k == "first_paid_t":
                    bigger[:] = INF
                bigger[:self.n] = arr[:self.n]
                self.a[k] = bigger
            self.cap = new
        idx = np.arange(self.n, need, dtype=np.int64)
        self.n = need
        return idx

    def __getitem__(self, k):
        return self.a[k]


def _ids(prefix: str, nums: np.ndarray, width: int) -> np.ndarray:
    return np.array([f"{prefix}{int(i):0{width}d}" for i in nums], dtype=object)


def _epoch(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * 86400


def _to_dt(sec: np.ndarray) -> pd.Series:
    s = pd.Series(np.asarray(sec, dtype=np.int64)).astype("datetime64[s]")
    return s


# ---------------------------------------------------------------------------
# the simulation
# ---------------------------------------------------------------------------

class Simulation:
    def __init__(self, seed: int, scale: float, out: Path, th: dict, log=print):
        self.seed, self.scale, self.out, self.th, self.log = seed, scale, out, th, log
        self.rng = rng_for(seed, "sim")
        self.skus = shop.sku_table(rng_for(seed, "catalog"))
        self.days, self.listp, self.deal, self.on = shop.price_matrix(self.skus)
        self.n_days = len(self.days)
        sk = self.skus
        self.sku_ids = sk.sku_id.to_numpy()
        self.sku_pid = sk.product_id.to_numpy()
        self.sku_cost = sk.cost_c.to_numpy().astype(np.int64)
        self.sku_w = sk.weight.to_numpy().astype(float)
        self.sku_role = sk.role.to_numpy()
        styles = {p["product_id"]: p["style"] for p in shop.PRODUCTS}
        self.sku_simple = np.array([styles[p] in ("北欧风", "现代简约", "日式") for p in self.sku_pid])
        self.is_cheap = self.sku_role == "引流款"
        self.is_image = self.sku_role == "形象款"
        kw = shop.keywords_frame(rng_for(seed, "market"))
        kw = kw[kw.relevance >= 0.3]
        self.kw_words = kw.keyword.to_numpy()
        w = np.sqrt(kw.search_heat.to_numpy()) * kw.relevance.to_numpy() ** 2
        self.kw_p = w / w.sum()
        self.state = State(int(60000 * scale * 1.2) + 1000)
        self.buckets: dict[int, list] = {}
        self.forced: dict[int, list] = {}
        self.session_seq = 0
        self.order_seq = 0
        self.gifts_left = shop.GIFT_LIMIT
        # compact order log for the post-processing (customers, messages, ad spend)
        self.olog: dict[str, list] = {k: [] for k in ("user", "day", "created", "paid", "status", "paid_c", "cost_c",
                                                       "comm_c", "channel", "phase", "simple", "order_num")}
        self.day_channel = np.zeros((self.n_days, len(CHANNELS), 5), dtype=np.int64)  # sessions, gmv, cost+gifts, comm, orders
        self.counts = {}

    # -- scheduling -------------------------------------------------------------
    def _schedule(self, book: dict, users: np.ndarray, target: np.ndarray) -> None:
        keep = target < self.n_days
        users, target = users[keep], target[keep]
        if len(users) == 0:
            return
        order = np.argsort(target, kind="stable")
        users, target = users[order], target[order]
        uniq, start = np.unique(target, return_index=True)
        parts = np.split(users, start[1:])
        for t, part in zip(uniq.tolist(), parts):
            book.setdefault(t, []).append(part)

    # -- baskets ----------------------------------------------------------------
    def _baskets(self, di: int, phase: str, vtype: np.ndarray, forced: np.ndarray):
        """Order lines for n orders: (order_pos, sku, qty) sorted by order then line."""
        in_campaign = phase != "日常"
        return M.draw_baskets(self.rng, vtype, phase, self.deal[di], self.on[di], self.sku_w, self.is_cheap,
                              self.is_image, forced, shop.THRESHOLD_C if in_campaign else None, in_campaign)

    # -- one day ------------------------------------------------------------------
    def run_day(self, di: int, writers: dict) -> None:
        rng, st = self.rng, self.state
        day = self.days[di]
        phase = M.phase_of(day)
        day0 = _epoch(day)
        in_campaign = phase != "日常"
        in_ab = M.AB_START <= day <= M.AB_END

        n_new = int(rng.poisson(M.BASE_NEW_VISITORS * self.scale * M.day_multiplier(day)))
        new_idx = st.grow(n_new)
        st["vtype"][new_idx] = rng.choice(3, size=n_new, p=M.TYPE_SHARE)
        st["gender"][new_idx] = (rng.random(n_new) >= FEMALE_SHARE).astype(np.int8)
        st["age"][new_idx] = rng.choice(len(AGE_BANDS), size=n_new, p=AGE_W)
        st["region"][new_idx] = rng.choice(len(REGIONS), size=n_new, p=REGION_W)
        st["first_visit"][new_idx] = di
        ret = self.buckets.pop(di, [])
        ret = np.concatenate(ret) if ret else np.zeros(0, dtype=np.int64)
        frc = self.forced.pop(di, [])
        frc = np.concatenate(frc) if frc else np.zeros(0, dtype=np.int64)
        users = np.concatenate([new_idx, ret])
        is_new_visitor = np.r_[np.ones(n_new, bool), np.zeros(len(ret), bool)]
        if M.SAME_DAY_REVISIT[phase] > 0:
            again = users[rng.random(len(users)) < M.SAME_DAY_REVISIT[phase]]
            users = np.concatenate([users, again])
            is_new_visitor = np.r_[is_new_visitor, np.zeros(len(again), bool)]
        forced = np.r_[np.zeros(len(users), bool), np.ones(len(frc), bool)]
        users = np.concatenate([users, frc])
        is_new_visitor = np.r_[is_new_visitor, np.zeros(len(frc), bool)]
        n = len(users)
        vtype = st["vtype"][users].astype(np.int64)

        channel = np.where(is_new_visitor,
                           rng.choice(5, size=n, p=M.CHANNEL_MIX_NEW[phase]),
                           rng.choice(5, size=n, p=M.CHANNEL_MIX_RETURNING))
        hour = rng.choice(24, size=n, p=M.hour_weights(phase))
        start = day0 + hour * 3600 + rng.integers(0, 3600, size=n)
        search = channel <= 1
        kw_idx = np.where(search, rng.choice(len(self.kw_words), size=n, p=self.kw_p), -1)

        # A/B assignment (per visitor, first visit in the window)
        variant = np.zeros(n, dtype=np.int8)
        if in_ab:
            v = st["variant"][users]
            need = np.unique(users[v == 0])
            if len(need):
                st["variant"][need] = 1 + (rng.random(len(need)) < 0.5).astype(np.int8)
            variant = st["variant"][users]

        is_customer = st["first_paid_t"][users] < day0
        bounce = rng.random(n) < np.asarray(M.BOUNCE)[channel]
        pc = M.p_cart(channel, vtype, phase, variant == 2) / (1 - np.asarray(M.BOUNCE)[channel])
        cart = ~bounce & (rng.random(n) < np.minimum(pc, M.MAX_P))
        po = M.p_order(channel, vtype, phase, is_customer)
        order = cart & (rng.random(n) < po)
        paid = order & (rng.random(n) < M.P_PAY[phase])
        cart |= forced
        order |= forced
        paid |= forced
        bounce &= ~forced
        pages = np.where(bounce, 1, 2 + rng.geometric(0.36, size=n) - 1 + cart + order)
        duration = np.maximum(5, (pages * M.SECONDS_PER_PAGE * rng.lognormal(0, 0.5, size=n))).astype(np.int64)
        duration = np.where(bounce, rng.integers(3, 60, size=n), duration)

        # sort the day's sessions by start time (then visitor) and number them
        srt = np.lexsort((users, start))
        users, vtype, channel, start, kw_idx, variant = users[srt], vtype[srt], channel[srt], start[srt], kw_idx[srt], variant[srt]
        is_customer, cart, order, paid, pages, duration = is_customer[srt], cart[srt], order[srt], paid[srt], pages[srt], duration[srt]
        forced, is_new_visitor = forced[srt], is_new_visitor[srt]
        sess_num = self.session_seq + 1 + np.arange(n)
        self.session_seq += n

        # order and payment times (same day)
        day_end = day0 + 86399
        created = np.minimum(start + (duration * rng.uniform(0.5, 1.0, size=n)).astype(np.int64), day_end)
        paid_t = np.where(paid, np.minimum(created + 20 + rng.lognormal(4.3, 1.0, size=n).astype(np.int64), day_end), INF)

        # new customer = no payment before the visit started (earlier days or earlier today)
        uniq, inv = np.unique(users, return_inverse=True)
        first_today = np.full(len(uniq), INF, dtype=np.int64)
        np.minimum.at(first_today, inv, paid_t)
        prior = st["first_paid_t"][users]
        is_new_cust = (prior >= day0) & ~(first_today[inv] < start)
        st["first_paid_t"][uniq] = np.minimum(st["first_paid_t"][uniq], first_today)

        # ---- orders -------------------------------------------------------
        oi = np.flatnonzero(order)
        oo = np.lexsort((sess_num[oi], created[oi]))
        oi = oi[oo]
        n_o = len(oi)
        order_num = self.order_seq + 1 + np.arange(n_o)
        self.order_seq += n_o

        pos, sku, qty = self._baskets(di, phase, vtype[oi], forced[oi])
        unit = self.deal[di][sku].astype(np.int64)
        line_amt = unit * qty
        if in_campaign:
            half = M.second_half_c(unit, qty)
        else:
            half = np.zeros(len(sku), dtype=np.int64)
        qual = np.bincount(pos, weights=line_amt - half, minlength=n_o).astype(np.int64)
        cut = np.where(in_campaign & (qual >= shop.THRESHOLD_C), shop.THRESHOLD_CUT_C, 0).astype(np.int64)
        cut_alloc = M.allocate_c(pos, line_amt - half, cut) if n_o else np.zeros(0, np.int64)
        disc_line = half + cut_alloc
        paid_line = line_amt - disc_line
        cost_line = self.sku_cost[sku] * qty
        goods = np.bincount(pos, weights=line_amt, minlength=n_o).astype(np.int64)
        disc = np.bincount(pos, weights=disc_line, minlength=n_o).astype(np.int64)
        paid_amt = goods - disc
        cost = np.bincount(pos, weights=cost_line, minlength=n_o).astype(np.int64)
        comm = M.commission_c(paid_amt, self.th["commission_rate"])
        items = np.bincount(pos, weights=qty, minlength=n_o).astype(np.int64)
        has_half = np.bincount(pos, weights=(half > 0), minlength=n_o) > 0
        simple = np.bincount(pos, weights=self.sku_simple[sku], minlength=n_o) > 0
        o_paid = paid[oi]
        o_paid_t = paid_t[oi]
        status = np.where(o_paid, np.where(rng.random(n_o) < M.P_REFUND, 2, 0), 1)   # 0 已支付 1 已取消 2 已退款
        gift = np.zeros(n_o, dtype=bool)
        if in_campaign and self.gifts_left > 0:
            cand = np.flatnonzero(o_paid)
            cand = cand[np.lexsort((order_num[cand], o_paid_t[cand]))][: self.gifts_left]
            gift[cand] = True
            self.gifts_left -= len(cand)
        o_users = users[oi]

        # A/B accumulators (per visitor, over the test window)
        if in_ab:
            fe = np.full(len(uniq), INF, dtype=np.int64)
            np.minimum.at(fe, inv, start)
            newly = st["ab_sessions"][uniq] == 0
            st["ab_first_t"][uniq[newly]] = fe[newly]
            np.add.at(st["ab_sessions"], users, 1)
            st["ab_cart"][users[cart]] = True
            st["ab_order"][users[order]] = True
            st["ab_paid"][users[paid]] = True
            ok = status == 0
            np.add.at(st["ab_amount"], o_users[ok], paid_amt[ok])

        # ---- write the day's rows (numbers only; the Appender formats them) ------------
        date_s = day.isoformat()
        ph_code = PHASES.index(phase)
        order_no = np.zeros(n, dtype=np.int64)
        order_no[oi] = order_num
        writers["traffic"].write(pd.DataFrame({
            "session": sess_num, "user_no": users + 1, "start_time": _to_dt(start), "channel": channel,
            "kw": kw_idx, "pages_viewed": pages, "duration_seconds": duration, "added_to_cart": cart,
            "ordered": order, "paid": paid, "order_no": order_no, "is_new_customer": is_new_cust,
            "phase": np.full(n, ph_code, np.int8), "variant": variant,
        }))
        if n_o:
            promo = np.zeros(n_o, dtype=np.int8)
            if in_campaign:
                promo = ((cut > 0).astype(np.int8) + 2 * has_half.astype(np.int8))
            writers["orders"].write(pd.DataFrame({
                "order_no": order_num, "user_no": o_users + 1, "session": sess_num[oi],
                "created_at": _to_dt(created[oi]),
                "paid_at": pd.Series(np.where(o_paid, o_paid_t, 0)).astype("datetime64[s]").where(o_paid),
                "channel": channel[oi], "phase": np.full(n_o, ph_code, np.int8), "status": status,
                "item_count": items, "goods_amount": goods, "discount_amount": disc, "paid_amount": paid_amt,
                "cost_amount": cost, "commission": comm, "gift_cost": np.where(gift, shop.GIFT_COST_C, 0),
                "promo": promo, "gift": gift, "is_new_customer": is_new_cust[oi],
            }))
            line_no = np.arange(len(pos)) - np.searchsorted(pos, pos, side="left") + 1
            writers["order_items"].write(pd.DataFrame({
                "order_no": order_num[pos], "line_no": line_no, "sku": sku, "qty": qty, "unit_price": unit,
                "line_amount": line_amt, "discount_alloc": disc_line, "paid_line": paid_line, "cost": cost_line,
            }))

            L = self.olog
            L["user"].append(o_users); L["day"].append(np.full(n_o, di, np.int16)); L["created"].append(created[oi])
            L["paid"].append(np.where(o_paid, o_paid_t, INF)); L["status"].append(status.astype(np.int8))
            L["paid_c"].append(paid_amt); L["cost_c"].append(cost); L["comm_c"].append(comm)
            L["channel"].append(channel[oi].astype(np.int8)); L["phase"].append(np.full(n_o, PHASES.index(phase), np.int8))
            L["simple"].append(simple); L["order_num"].append(order_num)

        # channel stats for ad spend
        np.add.at(self.day_channel[di, :, 0], channel, 1)
        ok = status == 0
        ch_o = channel[oi]
        np.add.at(self.day_channel[di, :, 1], ch_o[ok], paid_amt[ok])
        np.add.at(self.day_channel[di, :, 2], ch_o[ok], cost[ok] + np.where(gift, shop.GIFT_COST_C, 0)[ok])
        np.add.at(self.day_channel[di, :, 3], ch_o[ok], comm[ok])
        np.add.at(self.day_channel[di, :, 4], ch_o[ok], 1)

        # ---- next visits ------------------------------------------------------------
        s = np.asarray(M.SHORT_RETURN)[vtype]
        if phase in ("预热期", "爆发期"):
            s = np.maximum(s, M.SHORT_RETURN_CAMPAIGN)
        s = np.where(order, M.SHORT_RETURN_AFTER_ORDER, s)
        l = np.asarray(M.LONG_RETURN)[vtype]
        r = rng.random(n)
        short = r < s
        long_ = ~short & (r < s + (1 - s) * l)
        if phase in ("预热期", "爆发期"):
            gap_s = rng.integers(1, 4, size=n)
            if phase == "预热期":
                burst = (M.PHASE_DATES["爆发期"][0] - day).days
                gap_s = np.where(rng.random(n) < M.BURST_RETURN_SHARE, burst, gap_s)
        else:
            gap_s = rng.geometric(0.5, size=n)
        gap_l = np.ceil(rng.exponential(np.asarray(M.LONG_GAP_MEAN)[vtype])).astype(np.int64) + 1
        gap = np.where(short, gap_s, gap_l)
        back = short | long_
        self._schedule(self.buckets, users[back], di + gap[back])

        # ---- campaign recall and planted high-value customers ---------------------------
        if date_s == RECALL_DAY:
            cust = np.flatnonzero(st["first_paid_t"][:st.n] < day0 + 86400)
            pick = cust[rng.random(len(cust)) < RECALL_PROB]
            off = rng.choice(6, size=len(pick), p=RECALL_DAY_WEIGHTS)
            self._schedule(self.buckets, pick, di + 1 + off)
        if date_s == HIGH_VALUE_PICK_DAY:
            cust = np.flatnonzero((st["first_paid_t"][:st.n] < day0) & (st["vtype"][:st.n] == 2))
            k = min(len(cust), max(3, int(round(HIGH_VALUE_PER_SCALE * self.scale))))
            pick = np.sort(rng.choice(cust, size=k, replace=False)) if k else cust[:0]
            self.high_value_users = pick
            for dstr in HIGH_VALUE_DAYS:
                tdi = (dt.date.fromisoformat(dstr) - self.days[0]).days
                self._schedule(self.forced, pick, np.full(len(pick), tdi))

    def run(self, writers: dict) -> None:
        t0 = time.time()
        for di in range(self.n_days):
            self.run_day(di, writers)
            if self.days[di].day == 1 and self.days[di].month % 3 == 1:
                self.log(f"  {self.days[di]}: {self.session_seq:,} visits, {self.order_seq:,} orders ({time.time() - t0:.0f} s)")
        self.olog = {k: (np.concatenate(v) if v else np.zeros(0)) for k, v in self.olog.items()}


# ---------------------------------------------------------------------------
# post-processing: customers, messages, A/B test, ad spend
# ---------------------------------------------------------------------------

def _day_of(sec: np.ndarray, first_day: dt.date) -> np.ndarray:
    return (sec - _epoch(first_day)) // 86400


def build_customers(sim: Simulation, rng: np.random.Generator, th: dict) -> tuple[pd.DataFrame, dict]:
    L, st = sim.olog, sim.state
    users = np.unique(L["user"]).astype(np.int64)
    pos = np.searchsorted(users, L["user"])
    n = len(users)
    first_day = np.full(n, 10 ** 6, dtype=np.int64)
    np.minimum.at(first_day, pos, L["day"].astype(np.int64))
    ok = L["status"] == 0
    spend = np.bincount(pos[ok], weights=L["paid_c"][ok], minlength=n).astype(np.int64)
    first_ok_day = np.full(n, 10 ** 6, dtype=np.int64)
    np.minimum.at(first_ok_day, pos[ok], L["day"][ok].astype(np.int64))
    simple = np.bincount(pos, weights=L["simple"], minlength=n) > 0
    d11 = (shop.DOUBLE11 - sim.days[0]).days
    promo_day = (L["phase"] > 0) | (L["day"] == d11)
    promo = np.bincount(pos, weights=promo_day, minlength=n) > 0
    refund = np.bincount(pos, weights=L["status"] == 2, minlength=n) > 0

    u = rng.random((n, 8))
    tag_simple = (simple & (u[:, 0] < 0.75)) | (u[:, 0] < 0.06)
    tag_promo = (promo & (u[:, 1] < 0.80)) | (u[:, 1] < 0.12)
    tag_service = (refund & (u[:, 2] < 0.90)) | (u[:, 2] < 0.05)
    tags = np.array(["|".join(t for t, f in zip(("喜欢简约风", "关注促销活动", "曾咨询售后"), flags) if f)
                     for flags in zip(tag_simple, tag_promo, tag_service)], dtype=object)
    tags[tags == ""] = None

    yuan = spend / 100
    tier = np.where(yuan >= th["platinum_min_spend"], 3, np.where(yuan >= th["gold_min_spend"], 2,
                    np.where(yuan >= th["silver_min_spend"], 1, 0)))
    earned = np.floor(yuan).astype(np.int64)
    redeemed = np.where(u[:, 3] < 0.30, np.floor(earned * u[:, 4] * 0.6), 0).astype(np.int64)
    points = earned - redeemed
    has_pts = (points > 0) & (first_ok_day < 10 ** 6)
    expire = np.where(has_pts, first_ok_day + 365, -1)

    surname = np.asarray(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), size=n)]
    given_len = np.where(u[:, 5] < 0.3, 1, 2)
    name_masked = np.array([s + "*" * g for s, g in zip(surname, given_len)], dtype=object)
    pref = np.asarray(PHONE_PREFIX, dtype=object)[rng.integers(0, len(PHONE_PREFIX), size=n)]
    tail = rng.integers(0, 10000, size=n)
    phone = np.array([f"{p}****{t:04d}" for p, t in zip(pref, tail)], dtype=object)

    days = np.array([d.isoformat() for d in sim.days] + [(sim.days[-1] + dt.timedelta(days=k)).isoformat()
                                                          for k in range(1, 400)], dtype=object)
    df = pd.DataFrame({
        "user_id": _ids("U", users + 1, 8),
        "phone_masked": phone,
        "name_masked": name_masked,
        "gender": np.asarray(GENDERS, dtype=object)[st["gender"][users]],
        "age_band": np.asarray(AGE_BANDS, dtype=object)[st["age"][users]],
        "region": np.asarray(REGIONS, dtype=object)[st["region"][users]],
        "first_visit_date": days[st["first_visit"][users].astype(np.int64)],
        "first_order_date": days[first_day],
        "member_tier": np.asarray(TIERS, dtype=object)[tier],
        "points": points,
        "points_expire_date": np.where(expire >= 0, days[np.maximum(expire, 0)], None),
        "tags": tags,
    })
    info = {"users": users, "tag_promo": tag_promo, "sms_ok": u[:, 6] < 0.55, "app_ok": u[:, 7] < 0.45}
    return df, info


MSG_TEXT = {
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
MSG_CAMPAIGNS = list(MSG_TEXT)
MSG_CH = ["短信", "App推送", "社群", "邮件", "电话"]
STORM_SHARE = 0.05     # share of app-reachable promotion fans who get the extra 618库存告急 push


def build_messages(sim: Simulation, cinfo: dict, rng: np.random.Generator) -> pd.DataFrame:
    L = sim.olog
    users = cinfo["users"]
    cpos = np.searchsorted(users, L["user"])
    sms_ok, app_ok, fan = cinfo["sms_ok"], cinfo["app_ok"], cinfo["tag_promo"]
    end_t = _epoch(sim.days[-1]) + 86399
    d0 = sim.days[0]
    parts = []   # (customer position, time, channel, campaign)

    def add(cp, t, ch, camp):
        cp = np.asarray(cp, dtype=np.int64)
        t = np.asarray(t, dtype=np.int64)
        ch = np.broadcast_to(np.asarray(ch, dtype=np.int8), cp.shape)
        parts.append((cp, t, ch, np.full(len(cp), MSG_CAMPAIGNS.index(camp), np.int8)))

    paid = L["status"] != 1
    ok = L["status"] == 0
    # service: shipping notice after payment; refund follow-up call
    i = np.flatnonzero(paid)
    add(cpos[i], L["paid"][i] + rng.integers(6 * 3600, 30 * 3600, size=len(i)),
        np.where(app_ok[cpos[i]], 1, 0), "发货通知")
    i = np.flatnonzero(L["status"] == 2)
    add(cpos[i], L["paid"][i] + rng.integers(3, 9, size=len(i)) * 86400 + rng.integers(0, 3 * 3600, size=len(i)),
        4, "售后回访")
    # 回购券: 7 days after a paid order
    i = np.flatnonzero(ok & sms_ok[cpos] & (rng.random(len(cpos)) < 0.6))
    day = L["day"][i].astype(np.int64)
    add(cpos[i], _epoch(d0) + (day + 7) * 86400 + 10 * 3600 + rng.integers(0, 1200, size=len(i)), 0, "回购券")
    # 沉睡唤醒: 30 days after the last paid order when no new order came
    i = np.flatnonzero(ok)
    srt = i[np.lexsort((L["created"][i], cpos[i]))]
    cp, dd = cpos[srt], L["day"][srt].astype(np.int64)
    nxt = np.r_[dd[1:], 10 ** 6]
    same = np.r_[cp[1:] == cp[:-1], False]
    nxt = np.where(same, nxt, 10 ** 6)
    sel = nxt - dd > 30
    ch = np.where(sms_ok[cp[sel]], 0, 3)
    add(cp[sel], _epoch(d0) + (dd[sel] + 30) * 86400 + 11 * 3600 + rng.integers(0, 1800, size=int(sel.sum())), ch,
        "沉睡唤醒")
    # 会员日 (8th of each month): customers with at least 2 paid orders before that day
    rank = np.arange(len(cp)) - np.searchsorted(cp, cp, side="left")
    second = np.full(len(users), 10 ** 6, dtype=np.int64)
    k2 = rank == 1
    second[cp[k2]] = dd[k2]
    for di, d in enumerate(sim.days):
        if d.day == 8:
            who = np.flatnonzero((second < di) & app_ok)
            add(who, np.full(len(who), _epoch(d) + 10 * 3600) + rng.integers(0, 900, size=len(who)), 1, "会员日")
    # 618
    cs = _epoch(dt.date.fromisoformat(CALENDAR["campaign"]["start"]))
    first_paid = np.full(len(users), INF, dtype=np.int64)
    np.minimum.at(first_paid, cpos[paid], L["paid"][paid])
    existing = first_paid < cs
    bought = np.zeros(len(users), bool)
    j = np.flatnonzero(paid & (L["phase"] >= 1) & (L["phase"] <= 3) & (L["created"] < cs + 4 * 86400))
    bought[cpos[j]] = True

    def at(date, hhmm):
        h, m = map(int, hhmm.split(":"))
        return _epoch(dt.date.fromisoformat(date)) + h * 3600 + m * 60

    def send(mask, date, hhmm, ch, camp):
        who = np.flatnonzero(mask)
        add(who, at(date, hhmm) + rng.integers(0, 900, size=len(who)), ch, camp)

    send(existing & fan, "2026-06-14", "20:00", 2, "618预告")
    send(existing & sms_ok, "2026-06-15", "10:00", 0, "618预热")
    send(existing & app_ok, "2026-06-17", "19:30", 1, "618爆发预告")
    send(existing & sms_ok, "2026-06-18", "00:05", 0, "618爆发")
    storm = existing & app_ok & fan & (rng.random(len(users)) < STORM_SHARE)
    send(storm, "2026-06-18", "12:00", 1, "618库存告急")
    send(existing & app_ok & ~bought, "2026-06-19", "10:00", 1, "618返场")
    send(existing & sms_ok & ~bought, "2026-06-20", "18:00", 0, "618返场最后一天")

    cp = np.concatenate([p[0] for p in parts])
    t = np.concatenate([p[1] for p in parts])
    ch = np.concatenate([p[2] for p in parts]).astype(np.int64)
    camp = np.concatenate([p[3] for p in parts]).astype(np.int64)
    keep = t <= end_t
    cp, t, ch, camp = cp[keep], t[keep], ch[keep], camp[keep]
    srt = np.lexsort((camp, cp, t))
    cp, t, ch, camp = cp[srt], t[srt], ch[srt], camp[srt]
    return pd.DataFrame({
        "msg_no": np.arange(1, len(cp) + 1), "user_no": users[cp] + 1, "sent_at": _to_dt(t),
        "channel": ch, "campaign": camp,
    })


def _messages_select() -> str:
    return ", ".join([
        "printf('M%09d', msg_no) AS message_id", "printf('U%08d', user_no) AS user_id", _ts("sent_at"),
        f"{_lit(MSG_CH)}[channel + 1] AS channel",
        f"{_lit([MSG_TEXT[c][0] for c in MSG_CAMPAIGNS])}[campaign + 1] AS msg_type",
        f"{_lit(MSG_CAMPAIGNS)}[campaign + 1] AS campaign",
        f"{_lit([MSG_TEXT[c][1] for c in MSG_CAMPAIGNS])}[campaign + 1] AS content"])


def build_ab_test(sim: Simulation) -> pd.DataFrame:
    st = sim.state
    idx = np.flatnonzero(st["ab_sessions"][:st.n] > 0)
    return pd.DataFrame({
        "user_id": _ids("U", idx + 1, 8),
        "variant": np.where(st["variant"][idx] == 2, "B", "A"),
        "first_exposed_at": _to_dt(st["ab_first_t"][idx]),
        "sessions": st["ab_sessions"][idx],
        "added_to_cart": st["ab_cart"][idx],
        "ordered": st["ab_order"][idx],
        "paid": st["ab_paid"][idx],
        "paid_amount": st["ab_amount"][idx] / 100,
    })


def build_ad_spend(sim: Simulation, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    dc = sim.day_channel
    camp = np.array([M.phase_of(d) != "日常" for d in sim.days])
    for ch in PAID_CHANNELS:
        c = CHANNELS.index(ch)
        sessions = dc[:, c, 0]
        clicks = np.round(sessions * (1 + rng.uniform(*M.AD_CLICK_EXTRA, size=len(sessions)))).astype(np.int64)
        ctr = M.AD_CTR[ch] * rng.lognormal(0, 0.15, size=len(sessions))
        impressions = np.round(clicks / ctr).astype(np.int64)
        raw = clicks * rng.lognormal(0, 0.12, size=len(sessions))
        spend_c = np.zeros(len(sessions), dtype=np.int64)
        for period, target in ((~camp, M.AD_TARGET_ROI[ch]), (camp, M.AD_CAMPAIGN_ROI[ch])):
            margin = (dc[period, c, 1] - dc[period, c, 2] - dc[period, c, 3]).sum()
            tot = raw[period].sum()
            factor = max(margin, 0) / (target * tot) if tot > 0 else 0.0
            spend_c[period] = np.round(raw[period] * factor).astype(np.int64)
        for di, d in enumerate(sim.days):
            rows.append((d.isoformat(), ch, spend_c[di] / 100, int(impressions[di]), int(clicks[di])))
    df = pd.DataFrame(rows, columns=["date", "channel", "spend", "impressions", "clicks"])
    df["_c"] = df.channel.map({c: i for i, c in enumerate(PAID_CHANNELS)})
    return df.sort_values(["date", "_c"], kind="mergesort").drop(columns="_c").reset_index(drop=True)


# ---------------------------------------------------------------------------
# static tables, manifest, Excel pack
# ---------------------------------------------------------------------------

def skus_frame(skus: pd.DataFrame) -> pd.DataFrame:
    out = skus.copy()
    out["cost"] = out.cost_c / 100
    out["daily_price"] = out.daily_c / 100
    out["campaign_price"] = out.campaign_c / 100
    return out


def manifest_dict(seed: int, scale: float, rows: dict) -> dict:
    tables = {}
    for name in TABLE_ORDER:
        spec = TABLES[name]
        tables[name] = {"file": spec["file"], "description": spec["description"], "rows": int(rows[name]),
                        "columns": spec["columns"]}
    return {
        "version": VERSION,
        "seed": int(seed),
        "scale": scale_value(scale),
        "shop": {"name": shop.SHOP_NAME, "brand": featured.BRAND, "category": shop.CATEGORY,
                 "platform": "淘宝类综合电商平台（模拟）"},
        "generator": f"python -m datasets.generate --seed {seed} --scale {scale_value(scale)}",
        "calendar": CALENDAR,
        "tables": tables,
    }


def scale_value(scale: float):
    return int(scale) if float(scale).is_integer() else float(scale)


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_NS}">'
           '<fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


_NUM_RE = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _col(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _sheet_xml(rows, kinds, header_rows: int) -> str:
    """SpreadsheetML for rows of strings; kinds[j] in num | bool | text; the first header_rows are bold text."""
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}">']
    if header_rows:
        parts.append('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                     'state="frozen"/></sheetView></sheetViews>')
    parts.append("<sheetData>")
    cols = [_col(j) for j in range(max((len(r) for r in rows), default=0))]
    for i, row in enumerate(rows, start=1):
        cells = []
        for j, v in enumerate(row):
            if v is None or v == "":
                continue
            ref = f"{cols[j]}{i}"
            k = "text" if i <= header_rows else kinds[j] if j < len(kinds) else "text"
            if k == "num" and _NUM_RE.fullmatch(str(v)):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            elif k == "bool" and v in ("True", "False"):
                cells.append(f'<c r="{ref}" t="b"><v>{1 if v == "True" else 0}</v></c>')
            else:
                style = ' s="1"' if i <= header_rows else ""
                cells.append(f'<c r="{ref}"{style} t="inlineStr"><is><t>{_esc(str(v))}</t></is></c>')
        parts.append(f'<row r="{i}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def write_xlsx(path: Path, sheets: list[tuple[str, list, list, int]]) -> None:
    """A minimal, byte-stable .xlsx writer: sheets = [(name, rows, kinds, header_rows)]."""
    n = len(sheets)
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
          + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                    f'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
          + '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
          '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
          '</Types>')
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG}/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>')
    wb = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
          + "".join(f'<sheet name="{_esc(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, (name, *_) in enumerate(sheets, 1))
          + "</sheets></workbook>")
    wb_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
               + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                         for i in range(1, n + 1))
               + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>' + shop.SHOP_NAME + ' 模拟店铺数据 离线数据包</dc:title>'
            '<dc:creator>datasets.generate</dc:creator>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">2026-06-30T00:00:00Z</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-06-30T00:00:00Z</dcterms:modified></cp:coreProperties>')
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/'
           'officeDocument/2006/extended-properties"><Application>datasets.generate</Application></Properties>')
    files = [("[Content_Types].xml", ct), ("_rels/.rels", rels), ("docProps/core.xml", core), ("docProps/app.xml", app),
             ("xl/workbook.xml", wb), ("xl/_rels/workbook.xml.rels", wb_rels), ("xl/styles.xml", _STYLES)]
    files += [(f"xl/worksheets/sheet{i}.xml", _sheet_xml(rows, kinds, hdr)) for i, (_, rows, kinds, hdr) in enumerate(sheets, 1)]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, text in files:
            zi = zipfile.ZipInfo(name, date_time=(2026, 6, 30, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, text.encode("utf-8"))


def write_excel(folder: Path, path: Path) -> None:
    """The teachers' offline pack: 说明, 字段说明 and one sheet per table; same data -> same bytes."""
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    intro = [[f"{shop.SHOP_NAME} 模拟店铺数据 · 离线数据包（版本 {man['version']}，种子 {man['seed']}，规模 {man['scale']}）"],
             ["每张表一个工作表，第一行为字段名（英文）；字段的中文含义与单位见工作表「字段说明」。CSV 原文件在同一文件夹。"],
             ["为控制文件大小，traffic 与 messages 两个工作表只收录 2026 年 6 月（含 618 活动）的记录；全年记录见 CSV 文件。"],
             [], ["表名", "说明", "行数", "CSV 文件"]]
    for name, t in man["tables"].items():
        note = "（工作表只含 2026-06）" if name in EXCEL_MONTH_ONLY else ""
        intro.append([name, t["description"] + note, str(t["rows"]), t["file"]])
    sheets = [("说明", intro, ["text", "text", "num", "text"], 0)]
    fields = [["表名", "字段", "类型", "含义", "单位"]]
    for name, t in man["tables"].items():
        for col, info in t["columns"].items():
            fields.append([name, col, info["dtype"], info["description"], info["unit"]])
    sheets.append(("字段说明", fields, ["text"] * 5, 1))
    for name, t in man["tables"].items():
        df = pd.read_csv(folder / t["file"], encoding="utf-8-sig", dtype=str, keep_default_na=False)
        if name in EXCEL_MONTH_ONLY:
            col, month = EXCEL_MONTH_ONLY[name]
            df = df[df[col].str.startswith(month)]
        kinds = [{"int": "num", "float": "num", "bool": "bool"}.get(i["dtype"], "text") for i in t["columns"].values()]
        rows = [list(t["columns"])] + [list(r) for r in df.itertuples(index=False, name=None)]
        sheets.append((name, rows, kinds, 1))
    write_xlsx(path, sheets)


def generate(out: Path | str | None = None, seed: int | None = None, scale: float | None = None,
             excel: bool | None = None, validate: bool = True, log=print) -> dict:
    """Generate every table into ``out``; returns the manifest.  Raises on a schema problem."""
    dseed, dscale = default_seed_scale()
    seed = dseed if seed is None else int(seed)
    scale = dscale if scale is None else float(scale)
    if scale <= 0:
        raise ValueError("规模 scale 必须大于 0。")
    if out is None:
        out = DEFAULT_OUT if scale <= 1 else GENERATED / f"scale-{scale_value(scale)}"
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if excel is None:
        excel = scale <= EXCEL_MAX_SCALE
    th = thresholds()
    t0 = time.time()
    log(f"生成模拟店铺数据：seed={seed} scale={scale_value(scale)} → {out}")
    rows = {}

    skus = shop.sku_table(rng_for(seed, "catalog"))
    rows["products"] = write_csv(shop.products_frame(), out / TABLES["products"]["file"], "products")
    rows["skus"] = write_csv(skus_frame(skus), out / TABLES["skus"]["file"], "skus")
    rows["price_history"] = write_csv(shop.price_history_frame(skus), out / TABLES["price_history"]["file"], "price_history")
    market = rng_for(seed, "market")
    rows["keywords"] = write_csv(shop.keyword_table(market, rng_for(seed, "featured")), out / TABLES["keywords"]["file"],
                                 "keywords")
    rows["category_top100"] = write_csv(shop.category_top100(rng_for(seed, "catalog")),
                                        out / TABLES["category_top100"]["file"], "category_top100")
    rows["campaign_phases"] = write_csv(shop.campaign_phases_frame(), out / TABLES["campaign_phases"]["file"],
                                        "campaign_phases")
    rows["promotions"] = write_csv(shop.promotions_frame(), out / TABLES["promotions"]["file"], "promotions")
    rows["survey"] = write_csv(shop.survey_frame(rng_for(seed, "survey")), out / TABLES["survey"]["file"], "survey")
    rows["featured_products"] = write_csv(featured.featured_products_frame(), out / TABLES["featured_products"]["file"],
                                          "featured_products")
    rows["pain_points"] = write_csv(featured.pain_points_frame(), out / TABLES["pain_points"]["file"], "pain_points")

    sim = Simulation(seed, scale, out, th, log=log)
    selects = _selects(sim.kw_words, sim.sku_ids, sim.sku_pid)
    writers = {t: Appender(out / TABLES[t]["file"], t, selects[t]) for t in ("traffic", "orders", "order_items")}
    try:
        sim.run(writers)
    finally:
        for t, w in writers.items():
            rows[t] = w.close()
    post = rng_for(seed, "post")
    cust, cinfo = build_customers(sim, post, th)
    rows["customers"] = write_csv(cust, out / TABLES["customers"]["file"], "customers")
    del cust
    w = Appender(out / TABLES["messages"]["file"], "messages", _messages_select())
    w.write(build_messages(sim, cinfo, rng_for(seed, "messages")))
    rows["messages"] = w.close()
    rows["ab_test"] = write_csv(build_ab_test(sim), out / TABLES["ab_test"]["file"], "ab_test")
    rows["ad_spend"] = write_csv(build_ad_spend(sim, rng_for(seed, "ads")), out / TABLES["ad_spend"]["file"], "ad_spend")
    man = manifest_dict(seed, scale, rows)
    (out / "manifest.json").write_text(json.dumps(man, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log(f"  表已写出（{time.time() - t0:.1f} s）：" + "，".join(f"{k} {v:,}" for k, v in rows.items()))
    if excel:
        write_excel(out, out / EXCEL_NAME)
        log(f"  离线数据包 {EXCEL_NAME} 已写出（{time.time() - t0:.1f} s）")
    if validate:
        from .schema import validate_folder
        validate_folder(out)
        log(f"  数据校验通过（{time.time() - t0:.1f} s）")
    return man


def main(argv=None) -> int:
    dseed, dscale = default_seed_scale()
    ap = argparse.ArgumentParser(prog="python -m datasets.generate", description="生成模拟店铺数据（确定性：同种子同规模同版本 → 文件逐字节相同）")
    ap.add_argument("--seed", type=int, default=dseed, help=f"随机种子（默认取课程设置 dataset.seed = {dseed}）")
    ap.add_argument("--scale", type=float, default=dscale, help=f"规模（1 = 课堂版；默认 dataset.scale = {dscale}）")
    ap.add_argument("--out", default=None, help="输出文件夹（默认 scale ≤ 1 为 datasets/data，否则 datasets/generated/scale-N）")
    ap.add_argument("--excel", dest="excel", action="store_true", default=None, help="写出 Excel 离线数据包")
    ap.add_argument("--no-excel", dest="excel", action="store_false", help="不写 Excel 离线数据包")
    ap.add_argument("--no-validate", action="store_true", help="跳过数据校验（不建议）")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    log = (lambda *a, **k: None) if args.quiet else print
    try:
        generate(args.out, args.seed, args.scale, excel=args.excel, validate=not args.no_validate, log=log)
    except Exception as exc:
        from .schema import SchemaError
        if isinstance(exc, SchemaError):
            print(f"数据校验失败：\n{exc}", file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
