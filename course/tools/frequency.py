"""Frequency cap (频控): at most N promotional messages per customer in any H hours.

The rule of module 4 (客户关系维护, 关键控制点): one customer receives at most
``frequency_cap_messages`` (2) promotional messages (营销消息) in any
``frequency_cap_window_hours`` (24) hours; service messages (服务消息: 发货通知,
售后回复 ...) are exempt.  Both numbers come from ``course/settings.yaml``.

"Any 24 hours" is a rolling window, not a calendar day: messages at 23:00 and
at 01:00 the next day are in the same window.  Two messages are in one window
when they are *less than* H hours apart, so a message exactly 24 h after
another starts a new window.

Two operator tools:

* :func:`check_cap` audits a message log and lists every message that was the
  (N+1)-th promotional message within H hours for its customer;
* :func:`schedule` takes a plan (several campaigns may overlap), keeps service
  messages, and keeps, moves later or drops promotional ones so the plan
  respects the cap; every planned row comes back with what happened to it and
  why, so nothing disappears silently.

Rows without a send time are never guessed: they are reported apart
(``missing``) and left for the operator to fix.

>>> import pandas as pd
>>> log = pd.DataFrame({"user_id": ["u1"] * 3 + ["u2"],
...     "sent_at": pd.to_datetime(["2026-06-15 10:00", "2026-06-15 15:00", "2026-06-16 09:00", "2026-06-15 10:00"]),
...     "msg_type": ["营销", "营销", "营销", "营销"]})
>>> r = check_cap(log, cap=2, window_hours=24)
>>> r.violations[["user_id", "n_in_window"]].values.tolist()
[['u1', 3]]
"""

from __future__ import annotations

import bisect
import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..messages import CourseError

PROMO_KINDS = ("营销", "营销消息", "促销", "推广", "promo", "promotional", "marketing")
SERVICE_KINDS = ("服务", "服务消息", "通知", "物流", "售后", "service", "transactional")
TIME_COLUMNS = ("sent_at", "send_time", "planned_at", "time", "发送时间")
KIND_COLUMNS = ("msg_type", "type", "kind", "消息类型")
USER_COLUMNS = ("user_id", "客户编号")

# actions of the scheduler
KEEP, MOVE, DROP, NO_TIME = "保留", "顺延", "删除", "缺少时间"


def _limits(cap: int | None, window_hours: float | None) -> tuple[int, pd.Timedelta]:
    from .. import settings

    if cap is None:
        cap = settings.threshold("crm", "frequency_cap_messages")
    if window_hours is None:
        window_hours = settings.threshold("crm", "frequency_cap_window_hours")
    if isinstance(cap, str) or isinstance(window_hours, str):
        raise CourseError(
            f"频控的条数和小时数要填数字，不能带引号（现在 cap={cap!r}、window_hours={window_hours!r}）："
            "例如 cap=2，或填上面读出的变量 CAP。"
        )
    if isinstance(cap, bool) or not isinstance(cap, (int, float)) or cap < 1 or cap != int(cap):
        raise CourseError(f"频控条数应为 ≥1 的整数，现在是 {cap!r}：例如 cap=2。")
    if isinstance(window_hours, bool) or not isinstance(window_hours, (int, float)) or window_hours <= 0:
        raise CourseError(f"频控时间窗口应为大于 0 的小时数，现在是 {window_hours!r}：例如 window_hours=24。")
    return int(cap), pd.Timedelta(hours=float(window_hours))


def _pick(df: pd.DataFrame, given: str | None, candidates: Iterable[str], what: str) -> str:
    if given is not None:
        if given not in df.columns:
            raise CourseError(f"表格中没有列「{given}」（{what}）。现有的列：{'、'.join(map(str, df.columns))}。")
        return given
    for c in candidates:
        if c in df.columns:
            return c
    raise CourseError(
        f"找不到{what}所在的列（试过：{'、'.join(candidates)}）。请用参数指定列名，"
        f"现有的列：{'、'.join(map(str, df.columns))}。"
    )


def _frame(log) -> pd.DataFrame:
    if log is None:
        raise CourseError("消息表还是 None：请先完成上一步，得到消息记录或触达计划。")
    if not isinstance(log, pd.DataFrame):
        raise CourseError(f"消息表应为 DataFrame（表格），现在是 {type(log).__name__}。")
    return log


def _times(df: pd.DataFrame, col: str) -> pd.Series:
    """Send times as datetimes; unparseable text becomes NaT (reported, not dropped)."""
    s = df[col]
    if not pd.api.types.is_datetime64_any_dtype(s):
        s = pd.to_datetime(
            s.astype("string").str.strip().str.replace("/", "-", regex=False), errors="coerce", format="mixed"
        )
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    return s


def message_kinds(kinds: pd.Series) -> pd.Series:
    """'营销' / '服务' / '未知' for each message type value (case and spaces ignored)."""
    norm = kinds.astype("string").str.strip().str.lower()
    out = pd.Series("未知", index=kinds.index, dtype="object")
    out[norm.isin([k.lower() for k in PROMO_KINDS])] = "营销"
    out[norm.isin([k.lower() for k in SERVICE_KINDS])] = "服务"
    return out


def _fmt(t) -> str:
    """A time (Timestamp or integer nanoseconds) as 06-18 20:00."""
    return pd.Timestamp(t).strftime("%m-%d %H:%M")


# -- audit -------------------------------------------------------------------


@dataclass
class CapCheck:
    """Result of :func:`check_cap`.

    ``violations``: one row per message that exceeded the cap (the log's own
    columns plus ``n_in_window`` = promotional messages of that customer in the
    H hours up to and including it, ``window_start`` = time of the earliest of
    them, ``excess`` = n_in_window - cap);  ``missing_time``: rows whose send
    time is empty or unreadable (not checked);  ``unknown_kind``: rows whose
    type is neither promotional nor service (counted as promotional).
    """

    violations: pd.DataFrame
    missing_time: pd.DataFrame
    unknown_kind: pd.DataFrame
    cap: int
    window_hours: float
    checked: int

    @property
    def ok(self) -> bool:
        return self.violations.empty

    @property
    def customers(self) -> list:
        """Customers with at least one violation, sorted."""
        return sorted(self.violations["user_id"].astype(str).unique()) if not self.violations.empty else []

    def summary(self) -> str:
        lines = [
            f"频控检查：任意 {self.window_hours:g} 小时内每位客户最多 {self.cap} 条营销消息（服务消息不计）。",
            f"  检查了 {self.checked} 条有发送时间的消息。",
        ]
        if self.ok:
            lines.append("  ✓ 没有超出频控的消息。")
        else:
            lines.append(f"  ✗ {len(self.violations)} 条消息超出频控，涉及 {len(self.customers)} 位客户。")
        if len(self.missing_time):
            lines.append(
                f"  ⚠ {len(self.missing_time)} 条消息缺少发送时间，无法检查（见 .missing_time），请补全后再检查。"
            )
        if len(self.unknown_kind):
            lines.append(f"  ⚠ {len(self.unknown_kind)} 条消息类型无法识别（见 .unknown_kind），已按营销消息计算。")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


def _window_counts(times: list, window: pd.Timedelta) -> list[tuple[int, int]]:
    """For sorted times, (count in (t - window, t], index of the first of them)."""
    out, start = [], 0
    for i, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        out.append((i - start + 1, start))
    return out


def check_cap(
    log: pd.DataFrame,
    cap: int | None = None,
    window_hours: float | None = None,
    *,
    user: str | None = None,
    time: str | None = None,
    kind: str | None = None,
) -> CapCheck:
    """List the messages of ``log`` that break the frequency cap.

    ``cap`` and ``window_hours`` default to the settings (2 in 24 h).  Column
    names are found automatically (``user_id``, ``sent_at``/``send_time``,
    ``msg_type``) or given explicitly.
    """
    df = _frame(log)
    n_cap, window = _limits(cap, window_hours)
    ucol = _pick(df, user, USER_COLUMNS, "客户编号")
    tcol = _pick(df, time, TIME_COLUMNS, "发送时间")
    kcol = _pick(df, kind, KIND_COLUMNS, "消息类型")
    t = _times(df, tcol)
    kinds = message_kinds(df[kcol])
    missing = df[t.isna()].copy()
    unknown = df[kinds.eq("未知")].copy()
    promo_idx = df.index[t.notna() & kinds.ne("服务")]
    work = pd.DataFrame(
        {"_u": df.loc[promo_idx, ucol].astype(str), "_t": t.loc[promo_idx], "_pos": range(len(promo_idx))},
        index=promo_idx,
    )
    work = work.sort_values(["_u", "_t", "_pos"], kind="mergesort")
    rows, counts, starts = [], [], []
    for _u, grp in work.groupby("_u", sort=True):
        times = list(grp["_t"])
        for (n, first), idx in zip(_window_counts(times, window), grp.index):
            if n > n_cap:
                rows.append(idx)
                counts.append(n)
                starts.append(times[first])
    viol = df.loc[rows].copy()
    if ucol != "user_id":
        viol["user_id"] = viol[ucol]
    viol["n_in_window"] = counts
    viol["window_start"] = pd.to_datetime(pd.Series(starts, index=viol.index, dtype="datetime64[ns]"))
    viol["excess"] = viol["n_in_window"] - n_cap
    viol = viol.reset_index(drop=True)
    return CapCheck(viol, missing, unknown, n_cap, window.total_seconds() / 3600, int(t.notna().sum()))


# -- scheduling ----------------------------------------------------------------


def _fits(accepted: list[int], t: int, cap: int, window: int) -> bool:
    """True if adding ``t`` to the sorted ``accepted`` times keeps every window ≤ cap.

    Times and window in integer nanoseconds; only windows around ``t`` can change.
    """
    times = list(accepted)
    bisect.insort(times, t)
    lo = max(0, bisect.bisect_left(times, t) - cap)
    hi = min(len(times) - cap - 1, bisect.bisect_right(times, t) - 1)
    return all(times[j + cap] - times[j] >= window for j in range(lo, hi + 1))


def _send_hours(send_hours) -> tuple[_dt.time, _dt.time] | None:
    if send_hours is None:
        return None
    try:
        start, end = (x if isinstance(x, _dt.time) else _dt.time.fromisoformat(str(x)) for x in send_hours)
    except (TypeError, ValueError):
        raise CourseError(f'可发送时段应写成 ("09:00", "21:00")，现在是 {send_hours!r}。') from None
    if start >= end:
        raise CourseError(f"可发送时段的开始 {start:%H:%M} 应早于结束 {end:%H:%M}。")
    return start, end


def _into_hours(t: pd.Timestamp, hours) -> pd.Timestamp:
    """``t`` itself if inside the sending hours, else the next opening time."""
    if hours is None:
        return t
    start, end = hours
    if t.time() < start:
        return pd.Timestamp(_dt.datetime.combine(t.date(), start))
    if t.time() >= end:
        return pd.Timestamp(_dt.datetime.combine(t.date() + _dt.timedelta(days=1), start))
    return t


@dataclass
class Schedule:
    """Result of :func:`schedule`.

    ``table``: every planned row with ``planned_time``, ``final_time`` (empty
    when dropped or without a time), ``action`` (保留/顺延/删除/缺少时间) and
    ``reason``;  ``sent``: rows to send, with the time column set to the final
    time;  ``moved``, ``dropped``, ``missing``: the rows of each action.
    """

    table: pd.DataFrame
    time_column: str
    cap: int
    window_hours: float
    campaign_column: str | None = None

    def _part(self, action: str) -> pd.DataFrame:
        return self.table[self.table["action"] == action].reset_index(drop=True)

    @property
    def sent(self) -> pd.DataFrame:
        keep = self.table[self.table["action"].isin([KEEP, MOVE])].copy()
        keep[self.time_column] = keep["final_time"]
        return keep.sort_values(["user_id", self.time_column], kind="mergesort").reset_index(drop=True)

    @property
    def moved(self) -> pd.DataFrame:
        return self._part(MOVE)

    @property
    def dropped(self) -> pd.DataFrame:
        return self._part(DROP)

    @property
    def missing(self) -> pd.DataFrame:
        return self._part(NO_TIME)

    def counts(self) -> pd.DataFrame:
        """Rows per action (and per campaign when the plan has a campaign column)."""
        by = [self.campaign_column, "action"] if self.campaign_column else ["action"]
        out = self.table.groupby(by, observed=True, dropna=False).size().unstack("action", fill_value=0)
        for a in (KEEP, MOVE, DROP, NO_TIME):
            if a not in out.columns:
                out[a] = 0
        return out[[KEEP, MOVE, DROP, NO_TIME]]

    def summary(self) -> str:
        c = self.table["action"].value_counts()
        lines = [
            f"排期结果（任意 {self.window_hours:g} 小时内每人最多 {self.cap} 条营销消息，服务消息不受限）：",
            f"  计划 {len(self.table)} 条：保留 {c.get(KEEP, 0)}、顺延 {c.get(MOVE, 0)}、删除 {c.get(DROP, 0)}、"
            f"缺少时间 {c.get(NO_TIME, 0)}。",
        ]
        if c.get(NO_TIME, 0):
            lines.append("  ⚠ 缺少发送时间的消息没有安排（见 .missing），请补上时间后重新排期。")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


def schedule(
    plan: pd.DataFrame,
    cap: int | None = None,
    window_hours: float | None = None,
    *,
    user: str | None = None,
    time: str | None = None,
    kind: str | None = None,
    priority: str | None = None,
    campaign: str | None = "campaign",
    max_delay_hours: float = 24,
    send_hours=None,
    already_sent: pd.DataFrame | None = None,
) -> Schedule:
    """Make a message plan respect the frequency cap; report what was kept, moved or dropped.

    * service messages are kept as planned;
    * promotional messages are placed in order of ``priority`` (column; smaller
      = more important, e.g. 1 for the campaign that matters most), then by
      planned time; each is kept at its time if the cap allows, otherwise moved
      to the earliest later time that fits, at most ``max_delay_hours`` later
      and (if ``send_hours=("09:00", "21:00")`` is given) inside the sending
      hours; if no such time exists it is dropped;
    * ``already_sent``: messages sent before the plan starts that still count
      toward the cap (same column names);
    * rows without a send time are reported with action 缺少时间, not guessed.
    """
    df = _frame(plan)
    n_cap, window = _limits(cap, window_hours)
    rule = _CapRule(
        n_cap,
        int(window.value),
        window.total_seconds() / 3600,
        _max_delay(max_delay_hours),
        float(max_delay_hours),
        _send_hours(send_hours),
    )
    ucol = _pick(df, user, USER_COLUMNS, "客户编号")
    tcol = _pick(df, time, TIME_COLUMNS, "发送时间")
    kcol = _pick(df, kind, KIND_COLUMNS, "消息类型")
    pcol = _priority_column(df, priority)
    table = df.copy().reset_index(drop=True)
    if ucol != "user_id":
        table["user_id"] = table[ucol]
    t = _times(table, tcol)
    kinds = message_kinds(table[kcol])
    promo = _set_unscheduled(table, t, kinds)
    accepted = _sent_before(already_sent, user, time, kind)
    final, action, reason = rule.place_all(
        _placing_order(table, promo, pcol, t), table["user_id"].astype(str), t, kinds, accepted
    )
    if action:
        table.loc[list(action), "action"] = list(action.values())
        table.loc[list(action), "reason"] = list(reason.values())
    if final:
        table.loc[list(final), "final_time"] = pd.to_datetime(list(final.values()), unit="ns")
    table = table.sort_values(["user_id", "planned_time"], kind="mergesort", na_position="last").reset_index(drop=True)
    ccol = campaign if campaign in df.columns else None
    return Schedule(table, tcol, n_cap, rule.window_hours, ccol)


def _max_delay(max_delay_hours) -> int:
    """The longest move allowed, in nanoseconds."""
    if isinstance(max_delay_hours, bool) or not isinstance(max_delay_hours, (int, float)) or max_delay_hours < 0:
        raise CourseError(
            f"最多顺延的小时数应为 ≥0 的数字（不带引号），现在是 {max_delay_hours!r}："
            "例如 max_delay_hours=12，或填上面读出的变量 MAX_DELAY。"
        )
    return int(pd.Timedelta(hours=float(max_delay_hours)).value)


def _priority_column(df: pd.DataFrame, priority) -> str | None:
    if priority is None:
        return None
    if not isinstance(priority, str):
        raise CourseError(
            f'priority 要填计划里优先级那一列的列名（文字，加引号），现在是 {priority!r}：例如 priority="priority"。'
        )
    return _pick(df, priority, (), "优先级")


def _set_unscheduled(table: pd.DataFrame, t: pd.Series, kinds: pd.Series) -> pd.Index:
    """Fill in the rows the cap does not place (no time: 缺少时间; service: 保留); the promotional rows' index."""
    table["planned_time"] = t
    table["final_time"] = pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns]")
    table["action"] = ""
    table["reason"] = ""
    missing = t.isna()
    table.loc[missing, "action"] = NO_TIME
    table.loc[missing, "reason"] = "缺少发送时间（或时间无法识别），没有安排；请补上时间后重新排期"
    service = ~missing & kinds.eq("服务")
    table.loc[service, "action"] = KEEP
    table.loc[service, "final_time"] = t[service]
    table.loc[service, "reason"] = "服务消息，不受频控限制"
    return table.index[~missing & ~service]


def _sent_before(already_sent: pd.DataFrame | None, user, time, kind) -> dict[str, list[int]]:
    """{customer: sorted send times in ns} of the promotional messages sent before the plan."""
    if already_sent is None:
        return {}
    prev = _frame(already_sent)
    pu = _pick(prev, user, USER_COLUMNS, "客户编号")
    pt = _times(prev, _pick(prev, time, TIME_COLUMNS, "发送时间"))
    promo = pt.notna() & message_kinds(prev[_pick(prev, kind, KIND_COLUMNS, "消息类型")]).ne("服务")
    out: dict[str, list[int]] = {}
    for u, tt in zip(prev.loc[promo, pu].astype(str), pt[promo]):
        out.setdefault(u, []).append(int(pd.Timestamp(tt).as_unit("ns").value))
    return {u: sorted(v) for u, v in out.items()}


def _placing_order(table: pd.DataFrame, promo: pd.Index, pcol: str | None, t: pd.Series) -> list:
    """The promotional rows in the order they are placed: priority (smaller first, none last), time, row."""
    order = pd.DataFrame({"_p": table.loc[promo, pcol] if pcol else 0, "_t": t[promo], "_i": promo}, index=promo)
    order["_p"] = pd.to_numeric(order["_p"], errors="coerce").fillna(float("inf"))
    return list(order.sort_values(["_p", "_t", "_i"], kind="mergesort").index)


@dataclass(frozen=True)
class _CapRule:
    """The cap as the scheduler applies it; times in integer nanoseconds (the loop runs once per message)."""

    cap: int
    window: int
    window_hours: float
    max_delay: int
    max_delay_hours: float
    hours: tuple[_dt.time, _dt.time] | None

    def earliest(self, planned: int, accepted: list[int]) -> int | None:
        """The planned time if the cap allows it, else the earliest later time that fits (None: none in reach)."""
        for c in sorted({planned, *(x + self.window for x in accepted if x + self.window > planned)}):
            if c != planned and self.hours is not None:
                c = int(_into_hours(pd.Timestamp(c), self.hours).value)
            if c - planned > self.max_delay:
                return None
            if _fits(accepted, c, self.cap, self.window):
                return c
        return None

    def place_all(
        self, order: list, users: pd.Series, t: pd.Series, kinds: pd.Series, accepted: dict[str, list[int]]
    ) -> tuple[dict, dict, dict]:
        """({row: final time}, {row: action}, {row: reason}) of the promotional rows, placed in ``order``."""
        ns = pd.Series(t.astype("datetime64[ns]").to_numpy().view("int64"), index=t.index)
        final, action, reason = {}, {}, {}
        for i in order:
            acc = accepted.setdefault(users[i], [])
            planned = int(ns[i])
            note = "（类型无法识别，按营销消息处理）" if kinds[i] == "未知" else ""
            chosen = self.earliest(planned, acc)
            if chosen is None:
                action[i], reason[i] = DROP, self._drop_reason(planned, acc) + note
                continue
            bisect.insort(acc, chosen)
            final[i] = chosen
            if chosen == planned:
                action[i], reason[i] = KEEP, "未超出频控" + note
            else:
                action[i] = MOVE
                reason[i] = f"原定时间会超出频控，顺延 {(chosen - planned) / 3.6e12:g} 小时到 {_fmt(chosen)}" + note
        return final, action, reason

    def _drop_reason(self, planned: int, accepted: list[int]) -> str:
        near = [x for x in accepted if abs(x - planned) < self.window]
        return (
            f"该客户 {_fmt(planned)} 前后 {self.window_hours:g} 小时内已有 {len(near)} 条营销消息"
            f"（{'、'.join(_fmt(x) for x in near)}），顺延 {self.max_delay_hours:g} 小时内也排不开，已删除"
        )


# -- the week's calendar and the plan it expands to ------------------------------------

CALENDAR_COLUMNS = ["campaign", "segment", "tag", "channel", "msg_type", "send_time", "priority", "content"]
ALL_SEGMENTS = "全部"


def plan_start(as_of=None) -> pd.Timestamp:
    """The first day of the plan: the day after the as-of date (``thresholds.crm.as_of_date``)."""
    from .. import settings

    day = settings.threshold("crm", "as_of_date") if as_of is None else as_of
    return pd.Timestamp(day).normalize() + pd.Timedelta(days=1)


def week_calendar(path, as_of=None) -> pd.DataFrame:
    """The campaign calendar of the week after the as-of date, read from a CSV file.

    The file gives each send as ``day`` (1 = the day after the as-of date) and
    ``time`` (``10:00``; empty = not decided yet), so the calendar follows the
    settings; texts may state settings through placeholders
    (``{{ crm.wakeup_coupon }}元无门槛券``).  Returns the columns
    ``CALENDAR_COLUMNS`` with ``send_time`` a datetime (NaT when the time is empty).
    """
    from ..text import render

    try:
        raw = pd.read_csv(path, encoding="utf-8-sig", dtype={"tag": "string", "time": "string", "content": "string"})
    except FileNotFoundError:
        raise CourseError(f"找不到活动日历文件 {path}：请确认它和笔记本在同一个文件夹的 assets/ 里。") from None
    needed = ("campaign", "segment", "channel", "msg_type", "day", "time", "priority")
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        raise CourseError(f"活动日历缺少这些列：{'、'.join(missing)}。")
    start = plan_start(as_of)
    day = pd.to_numeric(raw["day"], errors="coerce")
    clock = raw["time"].fillna("").str.strip()
    when = pd.to_datetime(
        (start + pd.to_timedelta(day - 1, unit="D")).dt.strftime("%Y-%m-%d") + " " + clock,
        errors="coerce",
        format="mixed",
    )
    out = raw.assign(
        send_time=when.where(clock != ""),
        tag=raw["tag"].fillna(""),
        content=[render(str(x)) if pd.notna(x) else "" for x in raw["content"]],
    )
    return out[CALENDAR_COLUMNS].reset_index(drop=True)


def expand_calendar(calendar: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """The message plan: one row per customer per calendar send.

    ``people``: one row per customer with ``user_id``, ``segment`` and ``tags``
    (``|``-separated).  A send for segment 全部 goes to every segment except
    未购买客户; a send with a ``tag`` only to customers who carry that tag.
    Sends without a time stay in the plan (``send_time`` NaT): the scheduler
    reports them, nobody guesses a time.
    """
    if calendar is None or people is None:
        raise CourseError("活动日历或客户分层还是 None：请先完成上面的步骤。")
    for c in ("user_id", "segment"):
        if c not in people.columns:
            raise CourseError(f"客户表缺少列「{c}」（需要 user_id、segment、tags）。")
    who = people[people["segment"] != "未购买客户"].copy()
    tags = who["tags"] if "tags" in who.columns else pd.Series("", index=who.index)
    who["_tags"] = tags.fillna("").astype(str).str.split("|")
    parts = []
    for row in calendar.itertuples(index=False):
        hit = who if row.segment == ALL_SEGMENTS else who[who["segment"] == row.segment]
        if isinstance(row.tag, str) and row.tag:
            hit = hit[hit["_tags"].apply(lambda xs, t=row.tag: t in xs)]
        parts.append(
            pd.DataFrame(
                {
                    "user_id": hit["user_id"].astype(str),
                    "segment": hit["segment"],
                    "campaign": row.campaign,
                    "channel": row.channel,
                    "msg_type": row.msg_type,
                    "send_time": row.send_time,
                    "priority": row.priority,
                    "content": row.content,
                }
            )
        )
    plan = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=CALENDAR_COLUMNS)
    plan["send_time"] = pd.to_datetime(plan["send_time"])
    plan = plan.sort_values(["send_time", "user_id", "campaign"], na_position="last", kind="mergesort")
    return plan.reset_index(drop=True)
