"""ipywidgets rendering of a Form (kept apart so the data side needs no widgets)."""

from __future__ import annotations

import datetime as _dt

import ipywidgets as W

from .. import messages
from .fields import Check, Choice, Field, MultiChoice, Repeat

_LABEL = W.Layout(width="150px", min_width="150px")


class _FormBox(W.VBox):
    """A VBox whose plain-text fallback is Chinese, not 'VBox(children=...)'."""

    form_title = ""

    def __repr__(self):
        return f"[表单：{self.form_title}]（在 JupyterLab 中打开可填写）"


def _css_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)


def _field_widget(f: Field, raw, on_change):
    """One widget for one field; returns (widget, getter, setter)."""
    cls = f"course-field-{_css_name(f.name)}"
    if isinstance(f, Choice):
        w = W.Dropdown(options=[""] + list(f.options), value=raw if raw in f.options else "")
        getter = lambda: w.value  # noqa: E731
    elif isinstance(f, Check):
        w = W.Checkbox(value=bool(raw), indent=False)
        getter = lambda: bool(w.value)  # noqa: E731
    elif isinstance(f, MultiChoice):
        boxes = [
            W.Checkbox(value=o in (raw or []), description=str(o), indent=False, layout=W.Layout(width="auto"))
            for o in f.options
        ]
        for b, o in zip(boxes, f.options):
            b.add_class(f"course-option-{_css_name(str(o))}")
        w = W.HBox(boxes, layout=W.Layout(flex_flow="row wrap"))
        getter = lambda: [o for b, o in zip(boxes, f.options) if b.value]  # noqa: E731
        for b in boxes:
            b.observe(lambda _c: on_change(), names="value")
        w.add_class(cls)
        return w, getter
    elif f.widget_type in ("textarea",):
        w = W.Textarea(
            value="" if raw is None else str(raw),
            placeholder=f.placeholder,
            layout=W.Layout(width="520px", height=f"{24 * getattr(f, 'rows', 3) + 12}px"),
        )
        getter = lambda: w.value  # noqa: E731
    else:
        w = W.Text(
            value="" if raw is None else str(raw),
            placeholder=f.placeholder,
            continuous_update=getattr(f, "continuous", True),
            layout=W.Layout(width="520px"),
        )
        getter = lambda: w.value  # noqa: E731
    w.add_class(cls)
    w.observe(lambda _c: on_change(), names="value")
    return w, getter


def _labelled(f: Field, widget, reading=None):
    star = ' <span style="color:#c00">*</span>' if f.required else ""
    label = W.HTML(f"<b>{messages_escape(f.label)}</b>{star}", layout=_LABEL)
    parts = [label, widget]
    if f.help:
        parts.append(W.HTML(f"<span style='color:#666;font-size:12px'>{messages_escape(f.help)}</span>"))
    if reading is not None:
        parts.append(reading)
    return W.HBox(parts, layout=W.Layout(align_items="flex-start", margin="2px 0"))


def _reading_html(f: Field, raw) -> str:
    """How the field read the entry, live ("已按 8% 读取"); empty for most fields."""
    note = f.reading(raw)
    return f"<span style='color:#1a5fb4;font-size:12px'>{messages_escape(note)}</span>" if note else ""


def messages_escape(text: str) -> str:
    import html

    return html.escape(str(text))


class _RepeatEditor:
    """Rows of sub-fields with 添加一行 / 删除 buttons."""

    def __init__(self, f: Repeat, raw_rows, on_change):
        self.f = f
        self.on_change = on_change
        self.rows: list[tuple[W.Widget, dict]] = []
        self.box = W.VBox()
        self.box.add_class(f"course-field-{_css_name(f.name)}")
        self.add_btn = W.Button(description=f.add_label, icon="plus", layout=W.Layout(width="auto"))
        self.add_btn.add_class("course-add-row")
        self.add_btn.on_click(lambda _b: self.add_row({}, notify=True))
        header = W.HBox(
            [W.HTML(f"<b>{messages_escape(s.label)}</b>", layout=W.Layout(width="170px")) for s in f.fields]
        )
        self.container = W.VBox([header, self.box, self.add_btn])
        for r in raw_rows or []:
            self.add_row(r, notify=False)
        if not self.rows:
            self.add_row({}, notify=False)

    def add_row(self, raw_row: dict, notify: bool):
        if self.f.max_rows is not None and len(self.rows) >= self.f.max_rows:
            return
        getters = {}
        cells = []
        for sub in self.f.fields:
            value = raw_row.get(sub.name, sub.default_raw())
            w, getter = _field_widget(sub, value, self.on_change)
            if hasattr(w, "layout") and not isinstance(w, W.HBox):
                w.layout.width = "165px"
            getters[sub.name] = getter
            cells.append(w)
        delete = W.Button(description="删除", icon="trash", layout=W.Layout(width="auto", min_width="80px"))
        delete.add_class("course-delete-row")
        row = W.HBox(cells + [delete])
        row.add_class("course-row")
        entry = (row, getters)
        delete.on_click(lambda _b, e=entry: self.delete_row(e))
        self.rows.append(entry)
        self.box.children = [r for r, _ in self.rows]
        if notify:
            self.on_change()

    def delete_row(self, entry):
        self.rows = [e for e in self.rows if e is not entry]
        self.box.children = [r for r, _ in self.rows]
        self.on_change()

    def get(self):
        return [{name: g() for name, g in getters.items()} for _row, getters in self.rows]


def build_form_widget(form):
    """Build the widget tree for ``form`` with autosave, save button and preview."""
    return _FormWidget(form).box


class _FormWidget:
    """One form on screen: its fields, a live preview, the 保存 button, the status and the messages."""

    def __init__(self, form):
        self.form = form
        self.getters: dict = {}
        self.readings: list = []  # (field, getter, HTML): "已按 8% 读取" beside the fields that say how they read
        self.shown = ""  # what the messages box shows: "", "problems" or "ok"
        self.ready = False
        self.status = self._html("course-status")
        self.messages_box = self._html("course-messages")
        self.preview = self._html("course-preview")
        rows = [self._field_row(f) for f in form.fields]
        save = W.Button(description="保存", button_style="primary", icon="save")
        save.add_class("course-save")
        save.on_click(lambda _b: self.render(form.submit(self.current_raw()), saved_by_button=True))
        description = f"<div style='color:#555'>{messages_escape(form.description)}</div>" if form.description else ""
        header = W.HTML(f"<h4 style='margin:4px 0'>{messages_escape(form.title)}</h4>{description}")
        self.box = _FormBox(
            [header, *rows, self.preview, W.HBox([save, self.status]), self.messages_box],
            layout=W.Layout(border="1px solid #ddd", padding="8px", width="auto"),
        )
        self.box.form_title = form.title
        self.box.add_class("course-form")
        self.box.add_class(f"course-form-{_css_name(form.key)}")
        if form.saved:
            self.render(form.problems, saved_by_button=True)
        else:
            self.status.value = f"<span style='color:#888'>{messages.NOTHING_SAVED_YET}</span>"
        self.update_preview()
        self.ready = True

    @staticmethod
    def _html(css_class: str) -> W.HTML:
        w = W.HTML()
        w.add_class(css_class)
        return w

    def _field_row(self, f: Field):
        raw = self.form._raw.get(f.name)
        if isinstance(f, Repeat):
            editor = _RepeatEditor(f, raw, self.on_change)
            self.getters[f.name] = editor.get
            help_ = f" <span style='color:#666;font-size:12px'>{messages_escape(f.help)}</span>" if f.help else ""
            return W.VBox([W.HTML(f"<b>{messages_escape(f.label)}</b>{help_}"), editor.container])
        w, getter = _field_widget(f, raw, self.on_change)
        self.getters[f.name] = getter
        note = W.HTML(_reading_html(f, raw))
        note.add_class(f"course-reading-{_css_name(f.name)}")
        self.readings.append((f, getter, note))
        return _labelled(f, w, note)

    def current_raw(self) -> dict:
        return {name: g() for name, g in self.getters.items()}

    def render(self, problems, saved_by_button: bool) -> None:
        # The messages box follows the last 保存 click; an autosave only keeps it honest:
        # a shown problem list is refreshed, and a confirmation that is no longer true
        # is removed (or shown, once an autosave finds nothing left to fix).
        now = _dt.datetime.now().strftime("%H:%M:%S")
        if problems:
            self.status.value = (
                f"<span style='color:#b35900'>{messages.SAVED_WITH_PROBLEMS.format(n=len(problems))}（{now}）</span>"
            )
            if saved_by_button or self.shown == "problems":
                self.messages_box.value = (
                    "<ul style='color:#b30000;margin:4px 0'>"
                    + "".join(f"<li>{messages_escape(p)}</li>" for p in problems)
                    + "</ul>"
                )
                self.shown = "problems"
            elif self.shown == "ok":
                self.messages_box.value = ""
                self.shown = ""
        else:
            self.status.value = f"<span style='color:#217a21'>{messages.SAVED}（{now}）</span>"
            if saved_by_button or self.shown:
                self.messages_box.value = f"<div style='color:#217a21'>{messages.CHECK_PASSED}</div>"
                self.shown = "ok"

    def update_preview(self) -> None:
        raw = self.current_raw()
        values, _ = self.form.parse(raw)
        try:
            self.preview.value = self.form.preview(values, raw) or ""
        except Exception as exc:  # a preview must never break typing
            self.preview.value = f"<span style='color:#999'>（预览暂不可用：{messages_escape(exc)}）</span>"

    def on_change(self) -> None:
        if not self.ready:
            return
        for f, get, note in self.readings:
            note.value = _reading_html(f, get())
        self.update_preview()
        self.render(self.form.submit(self.current_raw()), saved_by_button=False)
