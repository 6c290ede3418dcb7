"""Teacher-side reference answers and graders (never released to students).

Each module has a package here (``grading/reference/module1_listing/`` …) whose
modules each declare the tasks of one notebook::

    NOTEBOOK = "02_title"
    TASKS = [Task("kw_value", title="关键词价值", dim="d1", points=8, kind="scaffold", checks=[...])]

A hidden test is then two lines (``_v = course.export(...)`` and
``course.grade("kw_value", _v)``); ``course.grade`` calls :func:`grade` here.
Nothing in the ``course`` package imports this package at a student's desk,
no module folder copies it, and the grading sandbox does not contain it.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from .context import context as _context
from .tasks import KINDS, Task

__all__ = ["Task", "KINDS", "grade", "tasks", "task", "registry"]


class UnknownTask(LookupError):
    pass


@lru_cache(maxsize=None)
def registry() -> dict[tuple[str, str], dict[str, Task]]:
    """{(module, notebook): {task name: Task}} of every declared task."""
    from course.settings import MODULES

    out: dict[tuple[str, str], dict[str, Task]] = {}
    for module in MODULES:
        try:
            pkg = importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{module}":
                continue  # a module with no declared tasks yet
            raise
        for info in pkgutil.iter_modules(pkg.__path__):
            mod = importlib.import_module(f"{pkg.__name__}.{info.name}")
            notebook = getattr(mod, "NOTEBOOK", None)
            if notebook is None:
                continue
            found = out.setdefault((module, notebook), {})
            for t in getattr(mod, "TASKS", []):
                if t.name in found:
                    raise ValueError(f"{module}/{notebook}: task {t.name} declared twice")
                t.module, t.notebook = module, notebook
                found[t.name] = t
    return out


def tasks(module: str, notebook: str) -> dict[str, Task]:
    """The tasks of one notebook (empty when none are declared)."""
    return registry().get((module, notebook), {})


def task(module: str, notebook: str, name: str) -> Task:
    found = tasks(module, notebook)
    if name not in found:
        raise UnknownTask(f"{module}/{notebook}: no task named {name!r} in grading/reference/{module}/")
    return found[name]


def grade(module: str, notebook: str, name: str, value) -> float:
    """Points for ``value`` (printing the report with its 提升方向 lines)."""
    return task(module, notebook, name).score(value, _context())
