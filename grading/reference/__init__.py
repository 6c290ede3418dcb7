"""Teacher-side reference answers and graders (never released to students).

Each module has a package here (``grading/reference/module1_listing/`` …) whose
modules each declare the tasks of one notebook::

    NOTEBOOK = "02_title"
    TASKS = [Task("kw_value", title="关键词价值", dim="d1", points=8, kind="scaffold", checks=[...])]

A hidden test is then two lines (``_v = course.export(...)`` and
``course.grade("kw_value", _v)``); ``course.grade`` calls :func:`grade` here.
Nothing in the ``course`` package imports this package at a student's desk,
no module folder copies it, and the grading sandbox does not contain it.

Tasks declared outside the repository (a teacher's own exercise, a test's):
the environment variable ``GRADING_EXTRA_TASKS`` names folders (separated by
``os.pathsep``) laid out like this package, ``<folder>/<module>/<file>.py``,
each file with ``NOTEBOOK`` and ``TASKS`` and absolute imports
(``from grading.reference.tasks import Task``).  Set it for every grading
command (release, autograde, check); its tasks join the repository's, and a
name declared twice for one notebook is an error.  The registry is read once
per process (``registry.cache_clear()`` after changing the variable).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
from functools import cache
from pathlib import Path

from .context import context as _context
from .tasks import KINDS, Task

EXTRA_ENV = "GRADING_EXTRA_TASKS"

__all__ = ["Task", "KINDS", "grade", "tasks", "task", "registry", "reference_files", "EXTRA_ENV"]


class UnknownTask(LookupError):
    pass


def extra_folders() -> list[Path]:
    """The folders named by ``$GRADING_EXTRA_TASKS`` (empty when unset)."""
    return [Path(p) for p in os.environ.get(EXTRA_ENV, "").split(os.pathsep) if p.strip()]


def _declaring_modules(module: str):
    """The Python modules declaring one course module's tasks: the package here, then extra folders."""
    try:
        pkg = importlib.import_module(f"{__name__}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{module}":
            raise
    else:
        for info in pkgutil.iter_modules(pkg.__path__):
            yield importlib.import_module(f"{pkg.__name__}.{info.name}")
    for n, folder in enumerate(extra_folders()):
        for path in sorted((folder / module).glob("*.py")):
            if path.name.startswith("_"):
                continue
            spec = importlib.util.spec_from_file_location(f"{__name__}._extra{n}_{module}_{path.stem}", path)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            yield mod


def reference_files(module: str) -> list[Path]:
    """The files declaring a module's tasks (this package's and the extra folders')."""
    own = Path(__file__).resolve().parent / module
    files = sorted(own.glob("*.py")) if own.is_dir() else []
    return files + [p for f in extra_folders() for p in sorted((f / module).glob("*.py"))]


@cache
def registry() -> dict[tuple[str, str], dict[str, Task]]:
    """{(module, notebook): {task name: Task}} of every declared task."""
    from course.settings import MODULES

    out: dict[tuple[str, str], dict[str, Task]] = {}
    for module in MODULES:
        for mod in _declaring_modules(module):
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
