"""The answer file: what a student entered in forms, and the plain-data values
their graded cells produced, in one JSON file next to the notebook.

``01_selection.ipynb`` keeps its answers in ``01_selection.answers.json``::

    {"format": 1, "notebook": "01_selection",
     "forms":   {"swot": {"values": {...}, "saved_at": "...", "problems": [...]}},
     "exports": {"top_candidates": {"kind": "dataframe", "data": {...}}}}

Plain JSON on purpose: a TA can read it, git can diff it, and the grading side
re-checks it in a clean process without unpickling anything a student made.
Writes are atomic (temporary file + rename), so a crash never leaves half a file,
and an unreadable file is moved aside (never deleted) before a new one is written.

>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> store = AnswerStore(os.path.join(d, "demo.answers.json"))
>>> store.save_form("title", {"title": "北欧风床头柜"})
>>> AnswerStore(store.path).form_values("title")
{'title': '北欧风床头柜'}
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from .messages import CourseError

FORMAT = 1
SUFFIX = ".answers.json"


def answer_path(notebook: str, folder: str | os.PathLike | None = None) -> Path:
    """Where the answers of ``notebook`` (a name without .ipynb) are kept."""
    stem = Path(notebook).name
    if stem.endswith(".ipynb"):
        stem = stem[: -len(".ipynb")]
    return Path(folder or os.getcwd()) / f"{stem}{SUFFIX}"


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


class AnswerStore:
    """Read and write one notebook's answer file."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    # -- file level --------------------------------------------------------
    def read(self) -> dict:
        """The whole file as a dict; an empty skeleton when there is none."""
        empty = {"format": FORMAT, "notebook": self.path.name[: -len(SUFFIX)], "forms": {}, "exports": {}}
        if not self.path.exists():
            return empty
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError):
            # keep the damaged file for the TA, start a fresh one beside it
            aside = self.path.with_name(self.path.name + f".damaged-{_dt.datetime.now():%Y%m%d%H%M%S}")
            os.replace(self.path, aside)
            print(f"⚠ 答案文件 {self.path.name} 已损坏，已改名保存为 {aside.name}（请告诉助教），新的答案将重新保存。")
            return empty
        data.setdefault("forms", {})
        data.setdefault("exports", {})
        return data

    def _write(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=".answers-", dir=str(self.path.parent))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    # -- forms -------------------------------------------------------------
    def save_form(self, key: str, values: dict, problems: list[str] | None = None) -> None:
        """Save a form's values (even invalid ones) with the problems found."""
        data = self.read()
        data["forms"][key] = {
            "values": to_plain(values),
            "saved_at": _now(),
            "problems": list(problems or []),
        }
        self._write(data)

    def form_entry(self, key: str) -> dict | None:
        return self.read()["forms"].get(key)

    def form_values(self, key: str) -> dict | None:
        """The saved values of one form, or None when it was never saved."""
        entry = self.form_entry(key)
        return None if entry is None else entry.get("values")

    # -- exported plain-data values of graded cells -------------------------
    def export(self, name: str, value: Any) -> None:
        data = self.read()
        data["exports"][name] = encode(value)
        data["exports"][name]["at"] = _now()
        self._write(data)

    def exported(self, name: str) -> Any:
        entry = self.read()["exports"].get(name)
        return None if entry is None else decode(entry)


# -- plain-data encoding -------------------------------------------------------


def to_plain(value: Any) -> Any:
    """JSON-safe plain data: dicts, lists, str, finite numbers, bool, None."""
    import numpy as np

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [to_plain(v) for v in items]
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return to_plain(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    # Decimal and other number-likes are kept exactly as text
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)
    raise CourseError(f"无法保存类型为 {type(value).__name__} 的值，请用数字、文字、列表、字典或 DataFrame。")


def encode(value: Any) -> dict:
    """Encode a value for the answer file, recording its kind."""
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        frame = value.reset_index() if not isinstance(value.index, pd.RangeIndex) else value
        return {
            "kind": "dataframe",
            "columns": [str(c) for c in frame.columns],
            "rows": to_plain(frame.astype(object).where(frame.notna(), None).values.tolist()),
        }
    if isinstance(value, pd.Series):
        return {
            "kind": "series",
            "name": to_plain(value.name),
            "index": to_plain(list(value.index)),
            "values": to_plain(value.astype(object).where(value.notna(), None).tolist()),
        }
    return {"kind": "plain", "value": to_plain(value)}


def decode(entry: dict) -> Any:
    """Inverse of ``encode``: plain data back as pandas objects where it was one."""
    import pandas as pd

    kind = entry.get("kind")
    if kind == "dataframe":
        return pd.DataFrame(entry["rows"], columns=entry["columns"])
    if kind == "series":
        return pd.Series(entry["values"], index=entry["index"], name=entry.get("name"))
    return entry.get("value")
