"""The simulation's records of people and visits: who ever visited (``Visitors``), a day (``Day``)
and the day's visits (``Visits``, one entry per visit in every array).

>>> v = Visitors(0)
>>> v.add(3).tolist(), v.count
([0, 1, 2], 3)
>>> Day.of(0, dt.date(2026, 6, 18)).phase
'爆发期'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np

from . import model
from .arrays import DAY_SECONDS, INF, epoch


class Visitors:
    """Everyone who ever visited, one slot per visitor (the user number - 1), grown as they arrive."""

    FIELDS = {
        "vtype": np.int8,
        "gender": np.int8,
        "age": np.int8,
        "region": np.int8,
        "first_visit": np.int16,
        "first_paid_t": np.int64,
        "variant": np.int8,
        "ab_first_t": np.int64,
        "ab_sessions": np.int32,
        "ab_cart": np.bool_,
        "ab_order": np.bool_,
        "ab_paid": np.bool_,
        "ab_amount": np.int64,
    }

    def __init__(self, capacity: int):
        self.count = 0
        self.capacity = max(capacity, 1024)
        self.a = {k: np.zeros(self.capacity, dtype=t) for k, t in self.FIELDS.items()}
        self.a["first_paid_t"][:] = INF

    def add(self, n: int) -> np.ndarray:
        """Slots for ``n`` new visitors."""
        need = self.count + n
        if need > self.capacity:
            new = max(need, int(self.capacity * 1.5))
            for k, arr in self.a.items():
                bigger = np.zeros(new, dtype=arr.dtype)
                if k == "first_paid_t":
                    bigger[:] = INF
                bigger[: self.count] = arr[: self.count]
                self.a[k] = bigger
            self.capacity = new
        idx = np.arange(self.count, need, dtype=np.int64)
        self.count = need
        return idx

    def __getitem__(self, k: str) -> np.ndarray:
        return self.a[k]


@dataclass
class Day:
    """One trading day: its index in the year, phase and whether the A/B test runs."""

    index: int
    date: dt.date
    phase: str
    start: int  # seconds since 1970 at 00:00
    in_campaign: bool
    in_ab_test: bool

    @classmethod
    def of(cls, index: int, date: dt.date) -> Day:
        phase = model.phase_of(date)
        return cls(index, date, phase, epoch(date), phase != "日常", model.AB_START <= date <= model.AB_END)

    @property
    def last_second(self) -> int:
        return self.start + DAY_SECONDS - 1


@dataclass
class Visits:
    """The day's visits, one entry per visit in every array."""

    users: np.ndarray
    is_new_visitor: np.ndarray
    planted: np.ndarray  # a planted visit always ends in a paid order
    vtype: np.ndarray | None = None
    channel: np.ndarray | None = None
    start: np.ndarray | None = None
    keyword: np.ndarray | None = None  # index into Simulation.keywords, -1 = not a search
    variant: np.ndarray | None = None  # A/B: 0 none, 1 A, 2 B
    cart: np.ndarray | None = None
    order: np.ndarray | None = None
    paid: np.ndarray | None = None
    pages: np.ndarray | None = None
    duration: np.ndarray | None = None
    session: np.ndarray | None = None
    created: np.ndarray | None = None  # order time (if ordered)
    paid_t: np.ndarray | None = None  # payment time, INF = none
    is_new_customer: np.ndarray | None = None
    people: np.ndarray | None = None  # the day's distinct visitors
    person: np.ndarray | None = None  # per visit: its visitor's index in ``people``

    def take(self, idx: np.ndarray) -> Visits:
        """The visits ``idx``, in that order (before ``people``/``person`` are set: they are per visitor)."""
        return Visits(
            **{f.name: (None if getattr(self, f.name) is None else getattr(self, f.name)[idx]) for f in fields(self)}
        )
