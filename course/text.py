"""Notebook text that states the settings in force: ``{{ listing.title_width }}`` → 30-60.

Markdown cells of the source notebooks write settings and facts of the shop as
Jinja2 placeholders.  The release renders them (``grading.preprocessors.RenderSettings``),
so the student text always states the values in force; ``course.start`` checks
them in the repository.  What a placeholder may name:

* a threshold by section and name: ``{{ campaign.gmv_target }}`` → ``50,000``;
  shares print as percentages: ``{{ campaign.new_customer_conversion_target }}`` → ``8%``;
* a range, for every ``X_min``/``X_max`` pair: ``{{ listing.title_width }}`` → ``30-60``;
* ``course.*``, ``schedule.*``, ``late.*``, ``modules.<module>.due`` / ``.title``;
* the featured product: ``{{ product.id }}``, ``{{ product.name }}``, ``{{ product.brand }}``,
  ``{{ product.category }}`` … (``course.featured``);
* filters: ``{{ campaign.gmv_target | raw }}`` (the plain number), ``| pct``, ``| money``.

>>> render("标题 {{ listing.title_width }} 个宽度单位，目标转化率 {{ campaign.new_customer_conversion_target }}")
'标题 30-60 个宽度单位，目标转化率 8%'
>>> render("{{ listing.no_such_thing }}")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
course.text.TemplateProblem: 说明文字中的占位符 {{ listing.no_such_thing }} 不认识：...
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import Any

from .messages import CourseError
from .money import yuan

_PLACEHOLDER = re.compile(r"{{|{%")


class TemplateProblem(CourseError):
    """A placeholder that names no setting, or a broken template."""


class Shown:
    """A setting as a sentence states it; ``.raw`` is the value itself."""

    def __init__(self, raw: Any, kind: Any = None):
        self.raw, self.kind = raw, kind

    def __str__(self) -> str:
        return show(self.raw, self.kind)

    def __html__(self) -> str:  # jinja2's markupsafe protocol
        return str(self)

    def __eq__(self, other):
        return self.raw == (other.raw if isinstance(other, Shown) else other)

    def __hash__(self):
        return hash(str(self.raw))

    def __getattr__(self, name):
        # attribute access on the underlying value (lists, dates) for templates
        return getattr(self.raw, name)


def show(value: Any, kind: Any = None) -> str:
    """How a value reads in Chinese course text.

    >>> show(0.08, "share"), show(50000), show(0.125, "share"), show(2.0), show([5, 10])
    ('8%', '50,000', '12.5%', '2', '5、10')
    """
    if kind == "share":
        return f"{value * 100:.4g}%"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 1000 else str(value)
    if isinstance(value, float):
        if value.is_integer():
            return show(int(value))
        return f"{value:,.4g}" if abs(value) >= 1000 else f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return "、".join(show(v) for v in value)
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _section(values: dict, prefix: str) -> dict:
    from .settings import SPEC

    out = {k: Shown(v, SPEC.get(f"{prefix}.{k}")) for k, v in values.items()}
    for key in list(values):
        if key.endswith("_min") and key[:-4] + "_max" in values:
            base = key[:-4]
            out[base] = _Range(values[key], values[base + "_max"], SPEC.get(f"{prefix}.{key}"))
    return out


class _Range(Shown):
    def __init__(self, lo, hi, kind):
        super().__init__((lo, hi), kind)
        self.lo, self.hi = Shown(lo, kind), Shown(hi, kind)

    def __str__(self) -> str:
        return f"{self.lo}-{self.hi}"


def context() -> dict:
    """Everything a placeholder may name, for the settings and data in force."""
    from . import settings

    cfg = settings.load()
    ctx: dict[str, Any] = {}
    for name, values in cfg["thresholds"].items():
        ctx[name] = _section(values, f"thresholds.{name}")
    for name in ("course", "schedule", "late", "dataset"):
        ctx[name] = _section(cfg[name], name)
    ctx["modules"] = {
        m: {
            "title": Shown(body.get("title", m)),
            "due": Shown(settings.due(m)),
            "rubric": [Shown(d.name) for d in settings.rubric(m)],
        }
        for m, body in cfg["modules"].items()
    }
    ctx["product"] = _product()
    return ctx


def _product() -> dict:
    try:
        from . import featured
    except ImportError:  # pragma: no cover - before course.featured exists
        return {}
    try:
        p = featured.product()
    except Exception:  # noqa: BLE001 - no data here: placeholders naming the product will say so
        return {}
    fields = getattr(p, "__dataclass_fields__", None) or vars(p)
    return {k: Shown(getattr(p, k)) for k in fields}


def _filters() -> dict:
    return {
        "raw": lambda v: v.raw if isinstance(v, Shown) else v,
        "pct": lambda v: show(v.raw if isinstance(v, Shown) else v, "share"),
        "money": lambda v: yuan(v.raw if isinstance(v, Shown) else v, unit=""),
    }


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters.update(_filters())
    return env


def has_placeholders(text: str) -> bool:
    return bool(_PLACEHOLDER.search(text or ""))


def render(text: str, ctx: dict | None = None) -> str:
    """Render the placeholders of one text; a clear Chinese error for an unknown one."""
    if not has_placeholders(text):
        return text
    import jinja2

    ctx = context() if ctx is None else ctx
    try:
        return _environment().from_string(text).render(**ctx)
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(_unknown_message(text, ctx, str(exc))) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(
            f"说明文字第 {exc.lineno} 行的占位符写法有误（{exc.message}）："
            "应写成 {{ 分组.名称 }}，两边各两个花括号。"
        ) from None


def _unknown_message(text: str, ctx: dict, detail: str) -> str:
    for m in re.finditer(r"{{\s*([\w.]+)", text):
        parts = m.group(1).split(".")
        node: Any = ctx
        for p in parts:
            if isinstance(node, dict) and p in node:
                node = node[p]
            else:
                known = sorted(node) if isinstance(node, dict) else []
                return (
                    f"说明文字中的占位符 {{{{ {m.group(1)} }}}} 不认识：设置里没有 {m.group(1)}。"
                    f"可用的有：{'、'.join(known[:30]) or '（无）'}"
                )
    return f"说明文字中的占位符无法替换：{detail}"


def placeholders(text: str) -> list[str]:
    """The names used in a text's placeholders (for reports)."""
    return sorted({m.group(1) for m in re.finditer(r"{{\s*([\w.]+)", text or "")})


def notebook_values(path) -> dict[str, str]:
    """{placeholder: value in force} of a notebook's markdown cells (raises on an unknown one)."""
    import json

    nb = json.loads(open(path, encoding="utf-8").read())
    ctx = None
    shown: dict[str, str] = {}
    for i, cell in enumerate(nb.get("cells", []), 1):
        if cell.get("cell_type") != "markdown":
            continue
        src = "".join(cell.get("source", ""))
        if not has_placeholders(src):
            continue
        ctx = context() if ctx is None else ctx
        try:
            render(src, ctx)
        except TemplateProblem as exc:
            raise TemplateProblem(f"{path.name if hasattr(path, 'name') else path} 第 {i} 个单元格：{exc}") from None
        for name in placeholders(src):
            shown[name] = render("{{ " + name + " }}", ctx)
    return shown
