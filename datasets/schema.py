"""数据校验：每个生成的数据文件夹都必须通过（生成器最后一步自动调用）。

Validates a generated folder against the data dictionary in ``datasets.spec``:

- manifest: every table present, file exists, CSV header = documented columns;
- types: int / float / bool / date / datetime values parse; money has at most 2 decimals;
- values: required columns not empty, documented ranges, allowed category values;
- keys: primary keys unique, foreign keys resolve (IDs are compared as integers,
  so millions of rows fit in memory);
- privacy: no 11-digit phone number and no "surname + 1-2 characters" full name in any
  text column; masked columns match 138****1234 / 张**;
- shop rules: paid = goods − discount, commission = paid × rate (rounded to the cent),
  order lines add up to their order, funnel flags are consistent, the phase of every
  date follows the calendar, SKU status follows the stock alert rule (stock < level → 已下架).

Large tables are read in chunks, so a million-order folder validates in bounded memory.

``python -m datasets.schema DIR`` validates a folder and prints the result in Chinese.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from . import shop
from .spec import ALLOWED, CALENDAR, FOREIGN_KEYS, MONEY, PRIMARY_KEYS, RANGES, TABLES

CHUNK = 500_000
MAX_LISTED = 40

ID_PATTERNS = {"session_id": ("S", 9), "user_id": ("U", 8), "order_id": ("O", 8), "message_id": ("M", 9)}

NULLABLE = {
    ("keywords", "related_product_id"), ("skus", "delisted_date"), ("traffic", "search_keyword"),
    ("traffic", "order_id"), ("traffic", "ab_variant"), ("orders", "paid_at"), ("orders", "promotions"),
    ("orders", "gift"), ("customers", "points_expire_date"), ("customers", "tags"), ("survey", "comment"),
    ("promotions", "threshold"), ("promotions", "amount"), ("promotions", "n"), ("promotions", "discount"),
    ("promotions", "limit"), ("promotions", "gift_name"), ("promotions", "gift_cost"),
}

PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
PHONE_MASKED_RE = re.compile(r"^1[3-9]\d\*{4}\d{4}$")
NAME_MASKED_RE = re.compile(r"^[\u4e00-\u9fff]\*{1,2}$")
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆"
               "汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
NAME_RE = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


class SchemaError(Exception):
    """The generated data breaks the data dictionary; the message lists every problem in Chinese."""


def _safe_words() -> set[str]:
    words = set(shop.vocabulary())
    for vals in ALLOWED.values():
        words.update(vals)
    try:
        from .generate import MSG_TEXT, REGIONS
        words.update(REGIONS)
        words.update(MSG_TEXT)
    except Exception:  # pragma: no cover
        pass
    words.update(["活动价", "限时折扣", "前100名赠品", "定制收纳盒", "家居", "在售", "已下架", "上升", "平稳", "下降"])
    return words


class _Problems(list):
    def add(self, msg: str) -> None:
        if len(self) < 200:
            self.append(msg)


def looks_like_name(value: str, safe: set[str]) -> bool:
    return bool(NAME_RE.match(value)) and value[0] in SURNAMES and value not in safe


def _cents(s: pd.Series) -> np.ndarray:
    v = pd.to_numeric(s.replace("", np.nan), errors="coerce").to_numpy(dtype=float)
    return np.rint(np.nan_to_num(v, nan=0.0) * 100).astype(np.int64)


def _codes(s: pd.Series, width: int) -> np.ndarray:
    """Unicode code points of each value, shape (n, width + 1); a longer value shows a non-zero last column."""
    a = np.asarray(s.to_numpy(dtype=object), dtype=f"U{width + 1}")
    return a.view(np.uint32).reshape(len(a), width + 1)


def _digits(c: np.ndarray) -> np.ndarray:
    return (c >= 48) & (c <= 57)


def _pattern_ok(s: pd.Series, pattern: str) -> np.ndarray:
    """Vectorised match of fixed-width patterns: 9 = digit, any other character literal."""
    c = _codes(s, len(pattern))
    ok = c[:, len(pattern)] == 0
    for i, ch in enumerate(pattern):
        ok &= _digits(c[:, i]) if ch == "9" else (c[:, i] == ord(ch))
    return ok


def id_ints(s: pd.Series, col: str) -> tuple[np.ndarray, np.ndarray]:
    """(ok mask, integer part) of ids like S000000123 (vectorised)."""
    prefix, width = ID_PATTERNS[col]
    c = _codes(s, width + 1)
    ok = (c[:, 0] == ord(prefix)) & _digits(c[:, 1:width + 1]).all(axis=1) & (c[:, width + 1] == 0)
    d = np.where(_digits(c[:, 1:width + 1]), c[:, 1:width + 1] - 48, 0).astype(np.int64)
    num = d @ (10 ** np.arange(width - 1, -1, -1, dtype=np.int64))
    return ok, num


class Validator:
    def __init__(self, folder: Path, stock_alert_level: int | None = None, commission_rate: float | None = None):
        self.folder = Path(folder)
        self.p = _Problems()
        self.safe = _safe_words()
        th = _thresholds()
        self.alert = th["stock_alert_level"] if stock_alert_level is None else stock_alert_level
        self.rate = th["commission_rate"] if commission_rate is None else commission_rate
        self.keys: dict[tuple[str, str], object] = {}
        self.phase_of_date = _phase_map()

    # -- reading ----------------------------------------------------------------
    def chunks(self, table: str, spec: dict):
        path = self.folder / spec["file"]
        return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, chunksize=CHUNK)

    # -- generic column checks -----------------------------------------------------
    def check_columns(self, table: str, df: pd.DataFrame, offset: int) -> None:
        cols = TABLES[table]["columns"]
        for col, info in cols.items():
            s = df[col]
            kind = info["dtype"]
            empty = s == ""
            where = f"{table}.{col}"
            if empty.any() and (table, col) not in NULLABLE:
                self.p.add(f"{where}：有 {int(empty.sum())} 个空值（第 {offset + int(np.flatnonzero(empty.to_numpy())[0]) + 2} 行起），该字段不允许为空。")
            val = s[~empty]
            if val.empty:
                continue
            if kind == "int":
                num = pd.to_numeric(val, errors="coerce")
                bad = num.isna() | (num != np.round(num))
                if bad.any():
                    self.p.add(f"{where}：应为整数，发现 {val[bad].iloc[0]!r}。")
                    continue
            elif kind == "float":
                num = pd.to_numeric(val, errors="coerce")
                if num.isna().any():
                    self.p.add(f"{where}：应为数字，发现 {val[num.isna()].iloc[0]!r}。")
                    continue
                if (table, col) in MONEY:
                    x = num.to_numpy(dtype=float) * 100
                    bad = np.abs(x - np.round(x)) > 1e-6
                    if bad.any():
                        self.p.add(f"{where}：金额最多两位小数，发现 {val[bad].iloc[0]!r}。")
            elif kind == "bool":
                bad = ~val.isin(["True", "False"])
                if bad.any():
                    self.p.add(f"{where}：应为 True/False，发现 {val[bad].iloc[0]!r}。")
            elif kind == "date":
                bad = ~_pattern_ok(val, "9999-99-99")
                if not bad.any():
                    bad = pd.to_datetime(pd.Series(pd.unique(val)), format="%Y-%m-%d", errors="coerce").isna().to_numpy()
                    val = pd.Series(pd.unique(val))
                if bad.any():
                    self.p.add(f"{where}：应为日期 YYYY-MM-DD，发现 {val[bad].iloc[0]!r}。")
            elif kind == "datetime":
                bad = ~_pattern_ok(val, "9999-99-99 99:99:99")
                if not bad.any():
                    c = _codes(val, 19)
                    two = lambda i: (c[:, i] - 48) * 10 + (c[:, i + 1] - 48)  # noqa: E731
                    bad = (two(5) < 1) | (two(5) > 12) | (two(8) < 1) | (two(8) > 31) | (two(11) > 23) | \
                          (two(14) > 59) | (two(17) > 59)
                if bad.any():
                    self.p.add(f"{where}：应为日期时间 YYYY-MM-DD HH:MM:SS，发现 {val[bad].iloc[0]!r}。")
            if (table, col) in RANGES:
                lo, hi = RANGES[(table, col)]
                num = pd.to_numeric(val, errors="coerce")
                if lo is not None and (num < lo).any():
                    self.p.add(f"{where}：有值小于下限 {lo}（如 {num[num < lo].iloc[0]}）。")
                if hi is not None and (num > hi).any():
                    self.p.add(f"{where}：有值大于上限 {hi}（如 {num[num > hi].iloc[0]}）。")
            if (table, col) in ALLOWED:
                bad = ~val.isin(ALLOWED[(table, col)])
                if bad.any():
                    self.p.add(f"{where}：取值 {val[bad].iloc[0]!r} 不在允许范围 {ALLOWED[(table, col)]} 内。")
            if col in ID_PATTERNS:
                prefix, width = ID_PATTERNS[col]
                bad = ~id_ints(val, col)[0]
                if bad.any():
                    self.p.add(f"{where}：编号格式应为 {prefix} + {width} 位数字，发现 {val[bad].iloc[0]!r}。")
                continue
            if kind in ("string", "category"):
                self.check_privacy(table, col, val)

    def check_privacy(self, table: str, col: str, val: pd.Series) -> None:
        where = f"{table}.{col}"
        if col == "phone_masked":
            bad = ~val.str.match(PHONE_MASKED_RE)
            if bad.any():
                self.p.add(f"{where}：手机号必须脱敏为 138****1234 的形式，发现 {val[bad].iloc[0]!r}。")
            return
        if col == "name_masked":
            bad = ~val.str.match(NAME_MASKED_RE)
            if bad.any():
                self.p.add(f"{where}：姓名必须脱敏为“姓 + *”（如 张**），发现 {val[bad].iloc[0]!r}。")
            return
        uniq = pd.unique(val)
        for v in uniq:
            if PHONE_RE.search(v):
                self.p.add(f"{where}：发现未脱敏的手机号 {v[:3]}…，个人信息必须脱敏。")
                break
            parts = v.split("|") if "|" in v else [v]
            hit = next((x for x in parts if looks_like_name(x, self.safe)), None)
            if hit:
                self.p.add(f"{where}：值 {hit!r} 像是完整的中文姓名，个人信息必须脱敏（如 {hit[0]}**）。")
                break

    # -- keys -------------------------------------------------------------------
    def collect_key(self, table: str, col: str, s: pd.Series, acc: dict) -> None:
        vals = s[s != ""]
        if col in ID_PATTERNS:
            acc.setdefault(col, []).append(id_ints(vals, col)[1])
        else:
            acc.setdefault(col, []).append(vals.to_numpy(dtype=object))

    # -- per-table rules ------------------------------------------------------------
    def run(self) -> list[str]:
        man_path = self.folder / "manifest.json"
        if not man_path.is_file():
            self.p.add(f"缺少 {man_path}。")
            return self.p
        try:
            man = json.loads(man_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            self.p.add(f"manifest.json 无法读取：{exc}")
            return self.p
        for key in ("version", "seed", "scale", "calendar", "tables"):
            if key not in man:
                self.p.add(f"manifest.json 缺少键 {key!r}。")
        if man.get("calendar") != CALENDAR:
            self.p.add("manifest.json 的 calendar 与 datasets/spec.py 中的固定日历不一致。")
        tables = man.get("tables", {})
        for name, spec in TABLES.items():
            if name not in tables:
                self.p.add(f"manifest.json 缺少表 {name}。")
                continue
            t = tables[name]
            if t.get("columns") != spec["columns"]:
                self.p.add(f"manifest.json 中表 {name} 的字段说明与数据字典不一致。")
            path = self.folder / t.get("file", "")
            if not path.is_file():
                self.p.add(f"表 {name} 的文件 {t.get('file')} 不存在。")
                continue
            with open(path, "rb") as fh:
                if fh.read(3) != b"\xef\xbb\xbf":
                    self.p.add(f"{t['file']}：应为带 BOM 的 UTF-8（utf-8-sig），以便中文 Excel 正确打开。")
        if self.p:
            return self.p

        acc: dict[str, dict] = {name: {} for name in TABLES}
        key_cols = {}
        for name in TABLES:
            cols = set(PRIMARY_KEYS[name])
            cols.update(c for t, c, _, _ in FOREIGN_KEYS if t == name)
            cols.update(rc for _, _, rt, rc in FOREIGN_KEYS if rt == name)
            key_cols[name] = cols

        self.orders_acc = {k: [] for k in ("oid", "sid", "status", "paid", "goods", "disc", "cost", "items", "date")}
        self.items_acc = {k: [] for k in ("oid", "line", "amt", "disc", "paid", "cost", "qty")}
        self.traffic_acc = {k: [] for k in ("sid", "oid", "paid")}
        rows = {}
        for name, spec in TABLES.items():
            n = 0
            header_ok = True
            for df in self.chunks(name, tables[name]):
                if n == 0 and list(df.columns) != list(spec["columns"]):
                    self.p.add(f"{spec['file']}：表头 {list(df.columns)} 与数据字典的字段 {list(spec['columns'])} 不一致。")
                    header_ok = False
                    break
                self.check_columns(name, df, n)
                for col in key_cols[name]:
                    self.collect_key(name, col, df[col], acc[name])
                rule = getattr(self, f"rule_{name}", None)
                if rule is not None:
                    rule(df)
                n += len(df)
            rows[name] = n
            if header_ok and tables[name].get("rows") != n:
                self.p.add(f"manifest.json 记录 {name} 有 {tables[name].get('rows')} 行，文件实际 {n} 行。")
        if self.p:
            return self.p
        keys = {name: {c: (np.concatenate(v) if v else np.zeros(0)) for c, v in a.items()} for name, a in acc.items()}
        # primary keys
        for name, cols in PRIMARY_KEYS.items():
            if len(cols) == 1:
                v = keys[name][cols[0]]
                u = pd.unique(v) if v.dtype == object else np.unique(v)
                if len(u) != len(v):
                    self.p.add(f"{name}.{cols[0]} 有重复值（主键必须唯一）。")
        # foreign keys
        for t, c, rt, rc in FOREIGN_KEYS:
            v, ref = keys[t][c], keys[rt][rc]
            if len(v) == 0:
                continue
            missing = ~np.isin(v, ref)
            if missing.any():
                self.p.add(f"{t}.{c} 有 {int(missing.sum())} 个值在 {rt}.{rc} 中找不到（如 {v[missing][0]}）。")
        self.cross_checks()
        return self.p

    def rule_skus(self, df: pd.DataFrame) -> None:
        stock = df.stock.astype(int)
        low = stock < self.alert
        off = df.status == "已下架"
        bad = low != off
        if bad.any():
            self.p.add(f"skus：库存低于预警线 {self.alert} 必须为“已下架”，其余为“在售”；不符合的 SKU：{df.sku_id[bad].tolist()[:5]}。")
        bad = off & (df.delisted_date == "")
        if bad.any():
            self.p.add("skus：已下架的 SKU 必须有下架日期 delisted_date。")

    def rule_price_history(self, df: pd.DataFrame) -> None:
        bad = _cents(df.list_price) < _cents(df.deal_price)
        if bad.any():
            self.p.add("price_history：划线价 list_price 不能低于成交价 deal_price。")

    def rule_campaign_phases(self, df: pd.DataFrame) -> None:
        ph = CALENDAR["campaign"]["phases"]
        for r in df.itertuples():
            exp = ph.get(r.phase)
            if not exp or (r.start_date, r.end_date, int(r.days)) != (exp["start"], exp["end"], exp["days"]):
                self.p.add(f"campaign_phases：{r.phase} 的日期与日历不一致。")

    def _phase_check(self, table: str, df: pd.DataFrame) -> None:
        exp = df.date.map(self.phase_of_date)
        bad = exp != df.phase
        if bad.any():
            self.p.add(f"{table}：日期 {df.date[bad].iloc[0]} 的活动阶段应为 {exp[bad].iloc[0]}，文件中为 {df.phase[bad].iloc[0]}。")

    def rule_traffic(self, df: pd.DataFrame) -> None:
        self._phase_check("traffic", df)
        cart, order, paid = (df[c] == "True" for c in ("added_to_cart", "ordered", "paid"))
        if (order & ~cart).any() or (paid & ~order).any():
            self.p.add("traffic：漏斗标记不一致（下单必须先加购，支付必须先下单）。")
        if ((df.order_id != "") != order).any():
            self.p.add("traffic：ordered 为 True 的访问才有订单编号 order_id。")
        if (_codes(df.start_time, 19)[:, :10] != _codes(df.date, 10)[:, :10]).any():
            self.p.add("traffic：date 必须等于 start_time 的日期。")
        bounce = df.pages_viewed.astype(int) == 1
        if (bounce & cart).any():
            self.p.add("traffic：只看了 1 页（跳失）的访问不能加购。")
        o = order.to_numpy()
        self.traffic_acc["sid"].append(id_ints(df.session_id[order], "session_id")[1])
        self.traffic_acc["oid"].append(id_ints(df.order_id[order], "order_id")[1])
        self.traffic_acc["paid"].append(paid.to_numpy()[o])

    def rule_orders(self, df: pd.DataFrame) -> None:
        self._phase_check("orders", df)
        goods, disc, paid, cost, comm = (_cents(df[c]) for c in
                                         ("goods_amount", "discount_amount", "paid_amount", "cost_amount", "commission"))
        if (paid != goods - disc).any():
            self.p.add("orders：实付金额必须等于 商品总额 − 优惠总额（精确到分）。")
        bp = int(round(self.rate * 10000))
        if (comm != (paid * bp + 5000) // 10000).any():
            self.p.add(f"orders：平台佣金必须等于 实付金额 × {self.rate}（四舍五入到分）。")
        has_paid = df.paid_at != ""
        if ((df.status == "已取消") == has_paid).any():
            self.p.add("orders：已取消的订单没有支付时间，已支付/已退款的订单必须有支付时间。")
        if (_codes(df.created_at, 19)[:, :10] != _codes(df.date, 10)[:, :10]).any():
            self.p.add("orders：date 必须等于 created_at 的日期。")
        if ((df.paid_at != "") & (df.paid_at < df.created_at)).any():
            self.p.add("orders：支付时间不能早于下单时间。")
        daily = df.phase == "日常"
        if ((df.promotions != "") & daily).any() or ((df.gift != "") & daily).any():
            self.p.add("orders：日常阶段的订单不能使用 618 优惠或赠品。")
        gift_c = _cents(df.gift_cost)
        if ((df.gift != "") != (gift_c > 0)).any():
            self.p.add("orders：有赠品的订单 gift_cost 必须大于 0，没有赠品为 0。")
        a = self.orders_acc
        a["oid"].append(id_ints(df.order_id, "order_id")[1])
        a["sid"].append(id_ints(df.session_id, "session_id")[1])
        a["status"].append(df.status.to_numpy(dtype=object))
        a["paid"].append(has_paid.to_numpy())
        a["goods"].append(goods); a["disc"].append(disc); a["cost"].append(cost)
        a["items"].append(df.item_count.astype(np.int64).to_numpy())

    def rule_order_items(self, df: pd.DataFrame) -> None:
        qty = df.qty.astype(np.int64).to_numpy()
        unit, amt, disc, paid, cost = (_cents(df[c]) for c in ("unit_price", "line_amount", "discount_alloc",
                                                                "paid_line", "cost"))
        if (amt != unit * qty).any():
            self.p.add("order_items：行金额必须等于 单价 × 数量。")
        if (paid != amt - disc).any():
            self.p.add("order_items：本行实付必须等于 行金额 − 分摊优惠。")
        if (paid < 0).any():
            self.p.add("order_items：本行实付不能为负。")
        a = self.items_acc
        a["oid"].append(id_ints(df.order_id, "order_id")[1])
        a["line"].append(df.line_no.astype(np.int64).to_numpy())
        a["amt"].append(amt); a["disc"].append(disc); a["paid"].append(paid); a["cost"].append(cost); a["qty"].append(qty)

    def rule_customers(self, df: pd.DataFrame) -> None:
        bad = df.first_order_date < df.first_visit_date
        if bad.any():
            self.p.add("customers：首次下单日期不能早于首次进店日期。")

    def rule_ad_spend(self, df: pd.DataFrame) -> None:
        clicks, imp = df.clicks.astype(np.int64), df.impressions.astype(np.int64)
        if (clicks > imp).any():
            self.p.add("ad_spend：点击次数不能多于展现次数。")

    def rule_featured_products(self, df: pd.DataFrame) -> None:
        from .featured import MULTI, parse_draft
        from .spec import AGE_BANDS

        allowed = {"persona_age_bands": AGE_BANDS, "persona_genders": ["女", "男", "不限"]}
        for col, ok in allowed.items():
            for v in df[col]:
                bad = [x for x in v.split(MULTI) if x not in ok]
                if bad:
                    self.p.add(f"featured_products.{col}：取值 {bad[0]!r} 不在允许范围 {ok} 内（多个值用 | 分隔）。")
        for r in df.itertuples():
            if not parse_draft(r.sku_options_draft):
                self.p.add(f"featured_products.sku_options_draft：{r.product_id} 的 SKU 选项应写成“颜色：白色/原木色；尺寸：60cm/80cm”。")

    def rule_pain_points(self, df: pd.DataFrame) -> None:
        from .featured import MULTI

        bad = df.signal_words.map(lambda v: not all(w.strip() for w in v.split(MULTI)))
        if bad.any():
            self.p.add(f"pain_points.signal_words：{df.product_id[bad].iloc[0]} 有空的信号词（多个词用 | 分隔）。")

    def rule_messages(self, df: pd.DataFrame) -> None:
        end = CALENDAR["trading_end"] + " 23:59:59"
        if (df.sent_at > end).any():
            self.p.add("messages：发送时间不能晚于交易期结束。")

    def cross_checks(self) -> None:
        o = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in self.orders_acc.items() if k != "date"}
        it = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in self.items_acc.items()}
        if len(o["oid"]) == 0:
            return
        size = int(max(o["oid"].max(), it["oid"].max() if len(it["oid"]) else 0)) + 1
        for key, col in (("goods", "amt"), ("disc", "disc"), ("cost", "cost"), ("items", "qty")):
            s = np.bincount(it["oid"], weights=it[col], minlength=size)
            if not np.array_equal(np.rint(s[o["oid"]]).astype(np.int64), o[key]):
                label = {"goods": "商品总额", "disc": "优惠总额（Σ discount_alloc）", "cost": "成本", "items": "件数"}[key]
                self.p.add(f"order_items 各行之和与 orders 的{label}不一致。")
        nl = np.bincount(it["oid"], minlength=size)
        if (nl[o["oid"]] == 0).any():
            self.p.add("orders：有订单没有任何明细行。")
        # line numbers 1..k within each order
        srt = np.lexsort((it["line"], it["oid"]))
        oid, line = it["oid"][srt], it["line"][srt]
        first = np.searchsorted(oid, oid, side="left")
        if not np.array_equal(line, np.arange(len(oid)) - first + 1):
            self.p.add("order_items：每个订单的行号 line_no 应为 1、2、3……连续编号。")
        # traffic <-> orders
        t = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in self.traffic_acc.items()}
        a = np.lexsort((o["sid"], o["oid"]))
        b = np.lexsort((t["sid"], t["oid"]))
        if len(a) != len(b) or not (np.array_equal(o["oid"][a], t["oid"][b]) and np.array_equal(o["sid"][a], t["sid"][b])):
            self.p.add("traffic 与 orders 不一致：每个订单必须对应一次 ordered=True 的访问（session_id、order_id 相互对应）。")
        elif not np.array_equal(o["paid"][a], t["paid"][b].astype(bool)):
            self.p.add("traffic.paid 与订单是否支付（orders.paid_at）不一致。")


def _phase_map() -> dict:
    start = dt.date.fromisoformat(CALENDAR["trading_start"])
    end = dt.date.fromisoformat(CALENDAR["trading_end"])
    out = {}
    d = start
    while d <= end:
        out[d.isoformat()] = "日常"
        d += dt.timedelta(days=1)
    for name, p in CALENDAR["campaign"]["phases"].items():
        d = dt.date.fromisoformat(p["start"])
        while d <= dt.date.fromisoformat(p["end"]):
            out[d.isoformat()] = name
            d += dt.timedelta(days=1)
    return out


def _thresholds() -> dict:
    try:
        from course import settings
        return {"stock_alert_level": settings.threshold("campaign", "stock_alert_level"),
                "commission_rate": settings.threshold("campaign", "commission_rate")}
    except Exception:  # pragma: no cover
        return {"stock_alert_level": 10, "commission_rate": 0.05}


def problems(folder: Path | str) -> list[str]:
    """All problems found in a data folder (empty list = valid)."""
    return list(Validator(Path(folder)).run())


def validate_folder(folder: Path | str) -> None:
    """Raise SchemaError (message in Chinese) if the folder breaks the data dictionary."""
    found = problems(folder)
    if found:
        shown = found[:MAX_LISTED]
        more = f"\n……另有 {len(found) - len(shown)} 处问题未列出。" if len(found) > len(shown) else ""
        raise SchemaError(f"数据文件夹 {folder} 未通过校验，共 {len(found)} 处问题：\n  - " + "\n  - ".join(shown) + more)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parent / "data"
    try:
        validate_folder(folder)
    except SchemaError as exc:
        print(exc)
        return 1
    print(f"数据文件夹 {folder} 校验通过。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
