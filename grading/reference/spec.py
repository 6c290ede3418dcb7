"""The visible self-check's spec of a notebook: ``<notebook>.checks.json``.

Written at release (``grading.preprocessors.BuildChecks``) and, in the
repository, by ``course.start`` for the instructor's own runs.  It holds each
task's public check parameters and the salted digests of the reference's
canonical forms, never a reference value (see ``course/checks/``).

>>> spec = build("module1_listing", "no_such_notebook")
>>> spec["tasks"]
{}
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from course import checks as C

from . import tasks
from .context import context

FORMAT = 1


def salt_for(module: str, notebook: str, fingerprint: str) -> str:
    """Reproducible per release (same settings and data -> same file)."""
    return hashlib.sha256(f"{module}|{notebook}|{fingerprint}".encode()).hexdigest()[:16]


def build(module: str, notebook: str) -> dict:
    R = context()
    salt = salt_for(module, notebook, R.fingerprint)
    out: dict = {
        "format": FORMAT,
        "module": module,
        "notebook": notebook,
        "salt": salt,
        "fingerprint": R.fingerprint,
        "tasks": {},
    }
    for name, t in sorted(tasks(module, notebook).items()):
        digests = C.hash_forms(salt, name, t.reference_forms(R))
        checks = []
        for i, check in enumerate(t.checks):
            mine = {k: v for k, v in digests.items() if k == str(i) or k.startswith(f"{i}:")}
            checks.append(
                {"kind": check.kind, "module": type(check).__module__, "params": check.params(), "digests": mine}
            )
        out["tasks"][name] = {"title": t.title, "points": t.points, "kind": t.kind, "checks": checks}
    return out


def dumps(spec: dict) -> str:
    return json.dumps(spec, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def write(module: str, notebook: str, folder: str | os.PathLike) -> Path:
    """Write the spec beside the notebook's answer file (atomic); return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{notebook}.checks.json"
    fd, tmp = tempfile.mkstemp(prefix=".checks-", dir=str(folder))
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(dumps(build(module, notebook)))
    os.replace(tmp, path)
    return path


def is_current(path: Path) -> bool:
    """True when ``path`` was built for the settings and data in force."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return data.get("fingerprint") == context().fingerprint
