"""Writing the tables as UTF-8-BOM CSV files (the files a student opens in Excel).

Small tables are pandas frames written with ``write_csv``.  The big simulated
tables (traffic, orders, order lines, messages) arrive day by day as chunks of
numbers only (ids as integers, money in cents, categories as codes); an
``Appender`` has DuckDB format and append them, which is an order of magnitude
faster than ``DataFrame.to_csv`` and gives the same bytes whatever the chunking.
The SELECT lists that turn the numbers into text are built here too.

>>> sql_money("paid")
"printf('%d.%02d', paid // 100, paid % 100)"
>>> sql_list(["A", "B'C"])
"['A', 'B''C']"
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from . import shop
from .messages import MESSAGE_CAMPAIGNS, MESSAGE_TEXT
from .spec import CHANNELS, MONEY, MSG_CHANNELS, PHASES, TABLES

ORDER_STATUS_CODES = ["已支付", "已取消", "已退款"]  # orders.status 0 / 1 / 2
PROMOTION_CODES = ["", "满399减50", "第二件半价", "满399减50|第二件半价"]  # 1 * 满减 + 2 * 第二件半价


def _money_text(s: pd.Series) -> pd.Series:
    return s.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")


def write_csv(df: pd.DataFrame, path: Path, table: str) -> int:
    """Write a table's documented columns (money with two decimals); returns the number of rows."""
    cols = list(TABLES[table]["columns"])
    df = df[cols].copy()
    for c in cols:
        if (table, c) in MONEY:
            df[c] = _money_text(df[c].astype("float64"))
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        df.to_csv(fh, index=False, lineterminator="\n")
    return len(df)


# -- SELECT lists: numbers -> the text of the CSV file ---------------------------------------


def sql_list(values) -> str:
    """A DuckDB list literal of strings (indexed from 1: ``list[code + 1]``)."""
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def sql_money(col: str) -> str:
    """Cents as yuan with two decimals."""
    return f"printf('%d.%02d', {col} // 100, {col} % 100)"


def sql_bool(col: str) -> str:
    return f"CASE WHEN {col} THEN 'True' ELSE 'False' END"


def sql_time(col: str) -> str:
    return f"strftime({col}, '%Y-%m-%d %H:%M:%S')"


def _traffic_select(keywords) -> str:
    return ", ".join(
        [
            "printf('S%09d', session) AS session_id",
            "printf('U%08d', user_no) AS user_id",
            sql_time("start_time"),
            "strftime(start_time, '%Y-%m-%d') AS date",
            f"{sql_list(CHANNELS)}[channel + 1] AS channel",
            f"CASE WHEN kw >= 0 THEN {sql_list(keywords)}[kw + 1] END AS search_keyword",
            "pages_viewed",
            "duration_seconds",
            sql_bool("added_to_cart"),
            sql_bool("ordered"),
            sql_bool("paid"),
            "CASE WHEN order_no > 0 THEN printf('O%08d', order_no) END AS order_id",
            sql_bool("is_new_customer"),
            f"{sql_list(PHASES)}[phase + 1] AS phase",
            "CASE WHEN variant = 1 THEN 'A' WHEN variant = 2 THEN 'B' END AS ab_variant",
        ]
    )


def _orders_select() -> str:
    return ", ".join(
        [
            "printf('O%08d', order_no) AS order_id",
            "printf('U%08d', user_no) AS user_id",
            "printf('S%09d', session) AS session_id",
            sql_time("created_at"),
            sql_time("paid_at"),
            "strftime(created_at, '%Y-%m-%d') AS date",
            f"{sql_list(CHANNELS)}[channel + 1] AS channel",
            f"{sql_list(PHASES)}[phase + 1] AS phase",
            f"{sql_list(ORDER_STATUS_CODES)}[status + 1] AS status",
            "item_count",
            sql_money("goods_amount"),
            sql_money("discount_amount"),
            sql_money("paid_amount"),
            sql_money("cost_amount"),
            sql_money("commission"),
            sql_money("gift_cost"),
            f"CASE WHEN promo > 0 THEN {sql_list(PROMOTION_CODES)}[promo + 1] END AS promotions",
            f"CASE WHEN gift THEN '{shop.GIFT_NAME}' END AS gift",
            sql_bool("is_new_customer"),
        ]
    )


def _order_items_select(sku_ids, sku_products) -> str:
    return ", ".join(
        [
            "printf('O%08d', order_no) AS order_id",
            "line_no",
            f"{sql_list(sku_ids)}[sku + 1] AS sku_id",
            f"{sql_list(sku_products)}[sku + 1] AS product_id",
            "qty",
            sql_money("unit_price"),
            sql_money("line_amount"),
            sql_money("discount_alloc"),
            sql_money("paid_line"),
            sql_money("cost"),
        ]
    )


def simulation_selects(keywords, sku_ids, sku_products) -> dict[str, str]:
    """The SELECT list of each simulated table, for the codes the simulation uses."""
    return {
        "traffic": _traffic_select(keywords),
        "orders": _orders_select(),
        "order_items": _order_items_select(sku_ids, sku_products),
    }


def messages_select() -> str:
    """The SELECT list of the ``messages`` table (campaign codes index ``MESSAGE_CAMPAIGNS``)."""
    return ", ".join(
        [
            "printf('M%09d', msg_no) AS message_id",
            "printf('U%08d', user_no) AS user_id",
            sql_time("sent_at"),
            f"{sql_list(MSG_CHANNELS)}[channel + 1] AS channel",
            f"{sql_list([MESSAGE_TEXT[c][0] for c in MESSAGE_CAMPAIGNS])}[campaign + 1] AS msg_type",
            f"{sql_list(MESSAGE_CAMPAIGNS)}[campaign + 1] AS campaign",
            f"{sql_list([MESSAGE_TEXT[c][1] for c in MESSAGE_CAMPAIGNS])}[campaign + 1] AS content",
        ]
    )


class Appender:
    """Append chunks of a big table to one UTF-8-BOM CSV file, formatted by DuckDB with ``select``."""

    def __init__(self, path: Path, table: str, select: str, flush_rows: int = 600_000):
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
        copy = f"COPY (SELECT {self.select} FROM chunk) TO '{self.tmp.as_posix()}' (FORMAT csv, HEADER false)"
        self.con.execute(copy)
        self.con.unregister("chunk")
        with open(self.tmp, "rb") as part:
            while block := part.read(1 << 24):
                self.fh.write(block)
        self.tmp.unlink()
        self.rows += len(chunk)

    def close(self) -> int:
        """Write what is left; returns the number of rows written."""
        self.flush()
        self.fh.close()
        self.con.close()
        return self.rows
