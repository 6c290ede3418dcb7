"""The form base: an ipywidgets form whose entries persist in the answer file.

A form is a list of fields plus an optional ``check`` (rules across fields)
and ``preview`` (live feedback while typing).  What happens to an entry:

* every change is saved at once to ``<notebook>.answers.json`` (raw text and
  parsed values), and the 「保存」 button saves and shows all problems;
* invalid entries are saved too, exactly as typed, with the problems listed,
  so nothing a student typed is ever lost;
* a new kernel (restart, reopen, nbgrader autograde) rebuilds the form from
  the file; graded cells read ``form.values`` in that fresh kernel;
* the saved answer is echoed as plain text, so it shows in the notebook, in
  nbgrader's feedback HTML and to a TA, also where widgets do not render.

Stable CSS classes for browser tests: ``course-form``, ``course-form-<key>``,
``course-field-<name>``, ``course-save``, ``course-status``, ``course-messages``,
``course-preview``, ``course-add-row``, ``course-delete-row``.

>>> import course
>>> from course.forms import Form, Text
>>> _ = course.start("module1_listing", "doc_form", quiet=True)
>>> f = Form("demo", "示例", [Text("name", "名称")])
>>> f.submit({"name": "  收纳盒 "})
[]
>>> f.values
{'name': '收纳盒'}
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from .. import messages
from ..session import store as _store
from .fields import Check, Field, MultiChoice, Repeat


class Form:
    """A back-office style form bound to one key of the notebook's answer file."""

    #: subclasses may set these instead of passing them
    key: str = ""
    title: str = ""
    description: str = ""
    fields: list[Field] = []

    def __init__(
        self,
        key: str | None = None,
        title: str | None = None,
        fields: list[Field] | None = None,
        *,
        description: str | None = None,
        check: Callable[[dict], list[str]] | None = None,
        preview: Callable[[dict], str] | None = None,
    ):
        self.key = key or self.key
        self.title = title or self.title
        self.fields = list(fields if fields is not None else self.fields)
        if description is not None:
            self.description = description
        if not self.key:
            raise messages.CourseError("表单缺少 key（答案文件中的名字）。")
        self._check_fn = check
        self._preview_fn = preview
        self._store = _store()
        entry = self._store.form_entry(self.key)
        self._saved = entry is not None
        self._raw = self._initial_raw(entry)
        self._box = None

    # -- data side -----------------------------------------------------------
    def _initial_raw(self, entry: dict | None) -> dict:
        raw = {f.name: f.default_raw() for f in self.fields}
        if entry and isinstance(entry.get("raw"), dict):
            for f in self.fields:
                if f.name in entry["raw"]:
                    raw[f.name] = entry["raw"][f.name]
        return raw

    def parse_fields(self, raw: dict) -> tuple[dict, list[str]]:
        """Parse raw entries field by field: (values, one message per problem)."""
        values, problems = {}, []
        for f in self.fields:
            v, msg = f.parse(raw.get(f.name))
            values[f.name] = v
            if msg:
                problems.extend(msg.split("\n"))
        return values, problems

    def parse(self, raw: dict) -> tuple[dict, list[str]]:
        """Parse raw entries field by field, then run the form's own checks."""
        values, problems = self.parse_fields(raw)
        if not problems:
            problems.extend(self.check(values))
        return values, problems

    def check(self, values: dict) -> list[str]:
        """Rules across fields; subclasses override.  Return Chinese messages."""
        return list(self._check_fn(values)) if self._check_fn else []

    def preview(self, values: dict, raw: dict) -> str:
        """HTML shown live under the form while typing; subclasses override."""
        return self._preview_fn(values) if self._preview_fn else ""

    def submit(self, raw: dict) -> list[str]:
        """Save entries (as typed) and return the problems; what the 保存 button does."""
        merged = dict(self._raw)
        merged.update(raw)
        self._raw = merged
        values, problems = self.parse(merged)
        data = self._store.read()
        data["forms"][self.key] = {
            "raw": merged,
            "values": values,
            "problems": problems,
            "saved_at": __import__("datetime").datetime.now().isoformat(timespec="seconds"),
        }
        from ..answers import to_plain

        data["forms"][self.key] = to_plain(data["forms"][self.key])
        self._store._write(data)
        self._saved = True
        return problems

    @property
    def saved(self) -> bool:
        return self._saved

    @property
    def values(self) -> dict | None:
        """Parsed saved values (None where a field is invalid); None if never saved."""
        entry = self._store.form_entry(self.key)
        if entry is None:
            return None
        if isinstance(entry.get("raw"), dict):
            # re-parse what was typed: the stored parse may be stale or edited by hand
            from ..answers import to_plain

            return to_plain(self.parse(self._merged(entry["raw"]))[0])
        return entry.get("values")

    def _merged(self, raw: dict) -> dict:
        full = {f.name: f.default_raw() for f in self.fields}
        full.update({k: v for k, v in raw.items() if k in full})
        return full

    @property
    def problems(self) -> list[str]:
        entry = self._store.form_entry(self.key)
        if entry is None:
            return []
        if isinstance(entry.get("raw"), dict):
            return self.parse(self._merged(entry["raw"]))[1]
        return list(entry.get("problems") or [])

    def answers(self) -> dict | None:
        """The saved values for a graded cell, or None with a clear message."""
        vals = self.values
        if vals is None:
            print(f"【{self.title}】{messages.FILL_FORM_FIRST}")
        return vals

    def text(self) -> str:
        """The saved answer as plain text (the echo)."""
        entry = self._store.form_entry(self.key)
        if entry is None:
            return f"【{self.title}】{messages.NOTHING_SAVED_YET}"
        lines = [f"【{self.title}】已保存的答案（{entry.get('saved_at', '')}）"]
        for f in self.fields:
            lines.extend(_echo_field(f, entry.get("raw", {}).get(f.name)))
        probs = entry.get("problems") or []
        if probs:
            lines.append(messages.SAVED_WITH_PROBLEMS.format(n=len(probs)))
            lines.extend(f"  - {p}" for p in probs)
        return "\n".join(lines)

    # -- widget side ---------------------------------------------------------
    def widget(self):
        if self._box is None:
            from .widgets import build_form_widget

            self._box = build_form_widget(self)
        return self._box

    def show(self):
        """Display the form and the plain-text echo of the saved answer."""
        from IPython.display import display

        display(self.widget())
        print(self.text())

    def _ipython_display_(self):
        self.show()


def _echo_field(f: Field, raw: Any) -> list[str]:
    if isinstance(f, Repeat):
        rows = raw or []
        out = [f"  {f.label}："]
        for i, r in enumerate(rows, 1):
            cells = "；".join(
                f"{sub.label}={_short(r.get(sub.name))}{_read_as(sub, r.get(sub.name))}" for sub in f.fields
            )
            out.append(f"    {i}. {cells}")
        return out
    if isinstance(f, (MultiChoice,)):
        return [f"  {f.label}：{'、'.join(raw or []) or '（未选）'}"]
    if isinstance(f, Check):
        return [f"  {f.label}：{'是' if raw else '否'}"]
    return [f"  {f.label}：{_short(raw)}{_read_as(f, raw)}"]


def _read_as(f: Field, raw: Any) -> str:
    """ "（已按 8% 读取）" for a field that says how it read the entry (a percentage)."""
    note = f.reading(raw) if hasattr(f, "reading") else ""
    return f"（{note}）" if note else ""


def _short(v: Any) -> str:
    if v is None or v == "":
        return "（空）"
    if isinstance(v, list):
        return "、".join(map(str, v))
    return str(v).replace("\n", " / ")


def escape(text: str) -> str:
    return html.escape(str(text))
