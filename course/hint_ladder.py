"""The hint ladder of a code task: 提示 1/2/3, shown one at a time by a button.

Each click shows the next hint; the first hints point at where to look, the
last comes close to the answer.  How many hints a student opened is kept in the
answer file (the TA sees it; it never changes a score).  Where widgets do not
render (nbgrader, papermill, a feedback page) a plain line says how many hints
there are, and none is shown.

>>> import course
>>> _ = course.start("module1_listing", "doc_hints", quiet=True)
>>> h = Hints("kw_value", ["看 search_heat 列。", "人气除以竞争度。", "kw_value[\\"search_heat\\"] / …"])
>>> h.reveal(), h.reveal()
('提示 1/3：看 search_heat 列。', '提示 2/3：人气除以竞争度。')
>>> h
[提示：共 3 条，点按钮逐条查看]
"""

from __future__ import annotations

import html

from .session import store as _store


class Hints:
    """Hints for one task, revealed in order; the count opened is saved."""

    def __init__(self, task: str, hints: list[str]):
        if not hints:
            raise ValueError("a hint ladder needs at least one hint")
        self.task, self.hints = task, list(hints)
        self.shown = self._saved_count()

    def _saved_count(self) -> int:
        entry = _store().form_entry(f"hints:{self.task}") or {}
        try:
            return min(int((entry.get("values") or {}).get("shown", 0)), len(self.hints))
        except (TypeError, ValueError):
            return 0

    def reveal(self) -> str | None:
        """Show the next hint (and save how many are open); None when all are shown."""
        if self.shown >= len(self.hints):
            return None
        self.shown += 1
        _store().save_form(f"hints:{self.task}", {"shown": self.shown})
        return self.line(self.shown - 1)

    def line(self, i: int) -> str:
        return f"提示 {i + 1}/{len(self.hints)}：{self.hints[i]}"

    def __repr__(self) -> str:
        return f"[提示：共 {len(self.hints)} 条，点按钮逐条查看]"

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget())

    def widget(self):
        import ipywidgets as W

        out = W.HTML(self._html())
        button = W.Button(description=self._label(), icon="lightbulb-o", layout=W.Layout(width="auto"))
        button.add_class("course-hint-button")
        out.add_class("course-hints")

        def click(_b):
            self.reveal()
            out.value = self._html()
            button.description = self._label()
            button.disabled = self.shown >= len(self.hints)

        button.on_click(click)
        button.disabled = self.shown >= len(self.hints)
        return W.VBox([button, out])

    def _label(self) -> str:
        if self.shown >= len(self.hints):
            return "提示已全部显示"
        return f"显示提示 {self.shown + 1}/{len(self.hints)}"

    def _html(self) -> str:
        rows = "".join(f"<div style='margin:2px 0'>💡 {html.escape(self.line(i))}</div>" for i in range(self.shown))
        return f"<div style='color:#5a4a00'>{rows}</div>"


def hints(task: str, *lines: str) -> Hints:
    """``course.hints("kw_value", "提示一", "提示二", "提示三")`` in a notebook cell."""
    return Hints(task, list(lines))
