"""数据校验：每个生成的数据文件夹都必须通过（生成器最后一步自动调用）。

Validates a generated folder against the data dictionary in ``datasets.spec``:

- manifest: every table present, file exists, CSV header = documented columns;
- types: int / float / bool / date / datetime values parse; money has at most 2 decimals;
- values: required columns not empty, documented ranges, allowed category values;
- keys: primary keys unique, foreign keys resolve (IDs are compared as integers,
  so millions of rows fit in memory);
- privacy: no 11-digit phone number and no "surname + 1-2 characters" full name in any
  text column; masked columns match 138****1234 / 张**;
- shop rules (``datasets.schema_rules``): paid = goods − discount, commission = paid × rate
  (rounded to the cent), order lines add up to their order, funnel flags are consistent,
  the phase of every date follows the calendar, SKU status follows the stock alert rule
  (stock < level → 已下架).

Large tables are read in chunks, so a million-order folder validates in bounded memory.

``python -m datasets.schema DIR`` validates a folder and prints the result in Chinese.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from . import featured, market, shop
from .columns import ID_PATTERNS, codes, id_ints, pattern_ok, two_digits
from .defaults import thresholds
from .messages import MESSAGE_TEXT
from .people import REGIONS
from .schema_rules import ShopRules
from .spec import ALLOWED, CALENDAR, FOREIGN_KEYS, MONEY, PRIMARY_KEYS, RANGES, TABLES

CHUNK = 500_000
MAX_LISTED = 40
MAX_PROBLEMS = 200

NULLABLE = {
    ("keywords", "related_product_id"),
    ("skus", "delisted_date"),
    ("traffic", "search_keyword"),
    ("traffic", "order_id"),
    ("traffic", "ab_variant"),
    ("orders", "paid_at"),
    ("orders", "promotions"),
    ("orders", "gift"),
    ("customers", "points_expire_date"),
    ("customers", "tags"),
    ("survey", "comment"),
    ("promotions", "threshold"),
    ("promotions", "amount"),
    ("promotions", "n"),
    ("promotions", "discount"),
    ("promotions", "limit"),
    ("promotions", "gift_name"),
    ("promotions", "gift_cost"),
}

PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
PHONE_MASKED_RE = re.compile(r"^1[3-9]\d\*{4}\d{4}$")
NAME_MASKED_RE = re.compile(r"^[\u4e00-\u9fff]\*{1,2}$")
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁"
    "尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农"
    "司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙"
    "荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
NAME_RE = re.compile(r"^[\u4e00-\u9fff]{2,3}$")
EXTRA_SAFE_WORDS = ["活动价", "限时折扣", "前100名赠品", "定制收纳盒", "家居", "在售", "已下架", "上升", "平稳", "下降"]


class SchemaError(Exception):
    """The generated data breaks the data dictionary; the message lists every problem in Chinese."""


def _safe_words() -> set[str]:
    """Words of the data set that look like a "surname + 1-2 characters" name but are not one."""
    words = shop.vocabulary() | market.vocabulary() | featured.vocabulary()
    for vals in ALLOWED.values():
        words.update(vals)
    words.update(REGIONS)
    words.update(MESSAGE_TEXT)
    words.update(EXTRA_SAFE_WORDS)
    return words


class _Problems(list):
    def add(self, msg: str) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(msg)


def looks_like_name(value: str, safe: set[str]) -> bool:
    """A full Chinese name (not masked): 2-3 characters starting with a surname, not a known word.

    >>> looks_like_name("王建国", set()), looks_like_name("江苏", {"江苏"}), looks_like_name("王**", set())
    (True, False, False)
    """
    return bool(NAME_RE.match(value)) and value[0] in SURNAMES and value not in safe


def _key_columns() -> dict[str, set[str]]:
    """Per table, the columns a primary or foreign key needs."""
    out = {}
    for name in TABLES:
        cols = set(PRIMARY_KEYS[name])
        cols.update(c for t, c, _, _ in FOREIGN_KEYS if t == name)
        cols.update(rc for _, _, rt, rc in FOREIGN_KEYS if rt == name)
        out[name] = cols
    return out


class Validator:
    def __init__(self, folder: Path, stock_alert_level: int | None = None, commission_rate: float | None = None):
        self.folder = Path(folder)
        self.p = _Problems()
        self.safe = _safe_words()
        th = thresholds()
        alert = th["stock_alert_level"] if stock_alert_level is None else stock_alert_level
        rate = th["commission_rate"] if commission_rate is None else commission_rate
        self.rules = ShopRules(self.p, alert, rate)

    def run(self) -> list[str]:
        """Every problem of the folder (at most ``MAX_PROBLEMS``), in Chinese; empty = valid."""
        tables = self.check_manifest()
        if self.p:
            return self.p
        keys = self.read_tables(tables)
        if self.p:
            return self.p
        self.check_keys(keys)
        self.rules.cross_checks()
        return self.p

    # -- manifest ---------------------------------------------------------------------------------

    def _read_manifest(self) -> dict | None:
        path = self.folder / "manifest.json"
        if not path.is_file():
            self.p.add(f"缺少 {path}。")
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            self.p.add(f"manifest.json 无法读取：{exc}")
            return None

    def check_manifest(self) -> dict:
        """The manifest's tables; problems for missing keys, tables, files, columns and encodings."""
        man = self._read_manifest()
        if man is None:
            return {}
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
            if tables[name].get("columns") != spec["columns"]:
                self.p.add(f"manifest.json 中表 {name} 的字段说明与数据字典不一致。")
            self._check_file(name, tables[name])
        return tables

    def _check_file(self, name: str, t: dict) -> None:
        path = self.folder / t.get("file", "")
        if not path.is_file():
            self.p.add(f"表 {name} 的文件 {t.get('file')} 不存在。")
            return
        with open(path, "rb") as fh:
            if fh.read(3) != b"\xef\xbb\xbf":
                self.p.add(f"{t['file']}：应为带 BOM 的 UTF-8（utf-8-sig），以便中文 Excel 正确打开。")

    # -- reading --------------------------------------------------------------------------------

    def chunks(self, table: str, spec: dict):
        path = self.folder / spec["file"]
        return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, chunksize=CHUNK)

    def read_tables(self, tables: dict) -> dict[str, dict[str, np.ndarray]]:
        """Check every table chunk by chunk; returns the key columns' values per table."""
        key_cols = _key_columns()
        acc: dict[str, dict] = {name: {} for name in TABLES}
        for name in TABLES:
            self._read_table(name, tables[name], key_cols[name], acc[name])
        return {name: {c: (np.concatenate(v) if v else np.zeros(0)) for c, v in a.items()} for name, a in acc.items()}

    def _read_table(self, name: str, t: dict, key_cols: set[str], acc: dict) -> None:
        spec = TABLES[name]
        n = 0
        for df in self.chunks(name, t):
            if n == 0 and list(df.columns) != list(spec["columns"]):
                self.p.add(f"{spec['file']}：表头 {list(df.columns)} 与数据字典的字段 {list(spec['columns'])} 不一致。")
                return
            self.check_columns(name, df, n)
            for col in key_cols:
                self.collect_key(name, col, df[col], acc)
            self.rules.check(name, df)
            n += len(df)
        if t.get("rows") != n:
            self.p.add(f"manifest.json 记录 {name} 有 {t.get('rows')} 行，文件实际 {n} 行。")

    def collect_key(self, table: str, col: str, s: pd.Series, acc: dict) -> None:
        vals = s[s != ""]
        if col in ID_PATTERNS:
            acc.setdefault(col, []).append(id_ints(vals, col)[1])
        else:
            acc.setdefault(col, []).append(vals.to_numpy(dtype=object))

    # -- keys -----------------------------------------------------------------------------------

    def check_keys(self, keys: dict[str, dict[str, np.ndarray]]) -> None:
        """Primary keys are unique, foreign keys resolve."""
        for name, cols in PRIMARY_KEYS.items():
            if len(cols) == 1:
                v = keys[name][cols[0]]
                u = pd.unique(v) if v.dtype == object else np.unique(v)
                if len(u) != len(v):
                    self.p.add(f"{name}.{cols[0]} 有重复值（主键必须唯一）。")
        for t, c, rt, rc in FOREIGN_KEYS:
            v, ref = keys[t][c], keys[rt][rc]
            if len(v) == 0:
                continue
            missing = ~np.isin(v, ref)
            if missing.any():
                self.p.add(f"{t}.{c} 有 {int(missing.sum())} 个值在 {rt}.{rc} 中找不到（如 {v[missing][0]}）。")

    # -- generic column checks --------------------------------------------------------------------

    def check_columns(self, table: str, df: pd.DataFrame, offset: int) -> None:
        for col, info in TABLES[table]["columns"].items():
            self._check_column(table, col, info["dtype"], df[col], offset)

    def _check_column(self, table: str, col: str, kind: str, s: pd.Series, offset: int) -> None:
        where = f"{table}.{col}"
        empty = s == ""
        if empty.any() and (table, col) not in NULLABLE:
            first = offset + int(np.flatnonzero(empty.to_numpy())[0]) + 2
            self.p.add(f"{where}：有 {int(empty.sum())} 个空值（第 {first} 行起），该字段不允许为空。")
        val = s[~empty]
        if val.empty:
            return
        check = {
            "int": self._check_int,
            "float": self._check_float,
            "bool": self._check_bool,
            "date": self._check_date,
            "datetime": self._check_datetime,
        }.get(kind)
        if check is not None and check(where, (table, col) in MONEY, val):
            return  # not numbers: the range checks would only repeat the problem
        self._check_values(where, (table, col), val)
        if col in ID_PATTERNS:
            prefix, width = ID_PATTERNS[col]
            bad = ~id_ints(val, col)[0]
            if bad.any():
                self.p.add(f"{where}：编号格式应为 {prefix} + {width} 位数字，发现 {val[bad].iloc[0]!r}。")
        elif kind in ("string", "category"):
            self.check_privacy(table, col, val)

    # Each type check adds its problem and returns True when the column's values are not usable further.

    def _check_int(self, where: str, money: bool, val: pd.Series) -> bool:
        num = pd.to_numeric(val, errors="coerce")
        bad = num.isna() | (num != np.round(num))
        if bad.any():
            self.p.add(f"{where}：应为整数，发现 {val[bad].iloc[0]!r}。")
        return bool(bad.any())

    def _check_float(self, where: str, money: bool, val: pd.Series) -> bool:
        num = pd.to_numeric(val, errors="coerce")
        if num.isna().any():
            self.p.add(f"{where}：应为数字，发现 {val[num.isna()].iloc[0]!r}。")
            return True
        if money:
            x = num.to_numpy(dtype=float) * 100
            bad = np.abs(x - np.round(x)) > 1e-6
            if bad.any():
                self.p.add(f"{where}：金额最多两位小数，发现 {val[bad].iloc[0]!r}。")
        return False

    def _check_bool(self, where: str, money: bool, val: pd.Series) -> bool:
        bad = ~val.isin(["True", "False"])
        if bad.any():
            self.p.add(f"{where}：应为 True/False，发现 {val[bad].iloc[0]!r}。")
        return False

    def _check_date(self, where: str, money: bool, val: pd.Series) -> bool:
        bad = ~pattern_ok(val, "9999-99-99")
        if not bad.any():  # the pattern holds: parse each distinct date once
            val = pd.Series(pd.unique(val))
            bad = pd.to_datetime(val, format="%Y-%m-%d", errors="coerce").isna().to_numpy()
        if bad.any():
            self.p.add(f"{where}：应为日期 YYYY-MM-DD，发现 {val[bad].iloc[0]!r}。")
        return False

    def _check_datetime(self, where: str, money: bool, val: pd.Series) -> bool:
        bad = ~pattern_ok(val, "9999-99-99 99:99:99")
        if not bad.any():
            c = codes(val, 19)
            month, day, hour = two_digits(c, 5), two_digits(c, 8), two_digits(c, 11)
            bad = (
                (month < 1)
                | (month > 12)
                | (day < 1)
                | (day > 31)
                | (hour > 23)
                | (two_digits(c, 14) > 59)
                | (two_digits(c, 17) > 59)
            )
        if bad.any():
            self.p.add(f"{where}：应为日期时间 YYYY-MM-DD HH:MM:SS，发现 {val[bad].iloc[0]!r}。")
        return False

    def _check_values(self, where: str, key: tuple[str, str], val: pd.Series) -> None:
        """Documented ranges and allowed category values."""
        if key in RANGES:
            lo, hi = RANGES[key]
            num = pd.to_numeric(val, errors="coerce")
            if lo is not None and (num < lo).any():
                self.p.add(f"{where}：有值小于下限 {lo}（如 {num[num < lo].iloc[0]}）。")
            if hi is not None and (num > hi).any():
                self.p.add(f"{where}：有值大于上限 {hi}（如 {num[num > hi].iloc[0]}）。")
        if key in ALLOWED:
            bad = ~val.isin(ALLOWED[key])
            if bad.any():
                self.p.add(f"{where}：取值 {val[bad].iloc[0]!r} 不在允许范围 {ALLOWED[key]} 内。")

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
        for v in pd.unique(val):
            if PHONE_RE.search(v):
                self.p.add(f"{where}：发现未脱敏的手机号 {v[:3]}…，个人信息必须脱敏。")
                break
            parts = v.split("|") if "|" in v else [v]
            hit = next((x for x in parts if looks_like_name(x, self.safe)), None)
            if hit:
                self.p.add(f"{where}：值 {hit!r} 像是完整的中文姓名，个人信息必须脱敏（如 {hit[0]}**）。")
                break


def problems(folder: Path | str) -> list[str]:
    """All problems found in a data folder (empty list = valid)."""
    return list(Validator(Path(folder)).run())


def validate_folder(folder: Path | str) -> None:
    """Raise SchemaError (message in Chinese) if the folder breaks the data dictionary."""
    found = problems(folder)
    if found:
        shown = found[:MAX_LISTED]
        more = f"\n……另有 {len(found) - len(shown)} 处问题未列出。" if len(found) > len(shown) else ""
        listed = "\n  - ".join(shown)
        raise SchemaError(f"数据文件夹 {folder} 未通过校验，共 {len(found)} 处问题：\n  - {listed}{more}")


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
