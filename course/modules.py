"""The course's modules, in teaching order: the one list every part of the package reads.

Adding a module touches this list, its folder (``module5_xxx/`` with its
notebooks) and ``course/settings.yaml`` (its title, due date and rubric);
the settings check, the class workspace, the release, grading and the data
dictionary all follow.

Trying a module without adding it (the fifth-module test does this): the
environment variable ``COURSE_EXTRA_MODULES`` names module folders outside the
repository, separated by ``os.pathsep``; each folder's name is the module's name
and it holds the module's notebooks.  They are appended to :data:`MODULES` when
this file is imported, so set the variable before a command starts (grading's
subprocesses and sandboxed kernels inherit it).  Such a module still needs its
settings entry (``COURSE_SETTINGS`` naming a copy of the settings with it) and,
for graded tasks, its declarations (``GRADING_EXTRA_TASKS``, grading/AUTHORING.md).

>>> MODULES[:2]
('module1_listing', 'module2_campaign')
>>> folder("module1_listing").name
'module1_listing'
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXTRA_ENV = "COURSE_EXTRA_MODULES"

COURSE_MODULES: tuple[str, ...] = ("module1_listing", "module2_campaign", "module3_analytics", "module4_crm")


def extra_folders(value: str | None = None) -> dict[str, Path]:
    """{module: folder} of the modules named by ``$COURSE_EXTRA_MODULES`` (or ``value``).

    >>> {m: str(p) for m, p in extra_folders(os.pathsep.join(["/tmp/try/module5_live", ""])).items()}
    {'module5_live': '/tmp/try/module5_live'}
    """
    text = os.environ.get(EXTRA_ENV, "") if value is None else value
    folders = [Path(p) for p in text.split(os.pathsep) if p.strip()]
    return {p.name: p for p in folders if p.name not in COURSE_MODULES}


_EXTRA = extra_folders()
MODULES: tuple[str, ...] = COURSE_MODULES + tuple(_EXTRA)


def folder(module: str) -> Path:
    """The folder of a module's instructor notebooks (the repository's, or an extra module's)."""
    return _EXTRA.get(module, REPO / module)
