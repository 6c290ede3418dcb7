"""Times and nbgrader gradebook helpers shared by the commands (the workspace's
paths are grading/workspace.py).

Times: the course settings give due dates in Beijing time (naive).  nbgrader
stores every timestamp as naive UTC (``nbgrader.utils.parse_utc``), so due
dates go into the gradebook converted to UTC, ``timestamp.txt`` files are
written with an explicit ``+0800`` offset, and the rubric converts back to
Beijing time before comparing with the settings.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import shutil
import sqlite3
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .workspace import Workspace

BEIJING = _dt.timezone(_dt.timedelta(hours=8), "CST")


# -- time ---------------------------------------------------------------------


def to_utc_naive(beijing: _dt.datetime) -> _dt.datetime:
    """Beijing naive (or any aware) datetime -> naive UTC, as nbgrader stores it."""
    if beijing.tzinfo is None:
        beijing = beijing.replace(tzinfo=BEIJING)
    return beijing.astimezone(_dt.UTC).replace(tzinfo=None)


def to_beijing_naive(utc_naive: _dt.datetime | None) -> _dt.datetime | None:
    """nbgrader's naive UTC -> naive Beijing time (None stays None)."""
    if utc_naive is None:
        return None
    if utc_naive.tzinfo is None:
        utc_naive = utc_naive.replace(tzinfo=_dt.UTC)
    return utc_naive.astimezone(BEIJING).replace(tzinfo=None)


def timestamp_text(when: _dt.datetime) -> str:
    """A ``timestamp.txt`` line nbgrader parses: Beijing time with its offset.

    ISO offset ("+08:00" glued to the time): nbgrader's ``parse_utc`` reads a
    space-separated third part as a *number of seconds* ("+0800" -> 13 min).
    """
    if when.tzinfo is None:
        when = when.replace(tzinfo=BEIJING)
    when = when.astimezone(BEIJING)
    return when.strftime("%Y-%m-%d %H:%M:%S.%f") + "+08:00"


def pad(text, width: int) -> str:
    """Left-justify to a display width (CJK characters count 2), for terminal tables.

    >>> pad("学号", 6) + "|"
    '学号  |'
    """
    from course.tools.title import title_width  # the course's one width rule

    text = str(text)
    return text + " " * max(0, width - title_width(text))


def fmt_beijing(when: _dt.datetime | None) -> str:
    return "" if when is None else when.strftime("%Y-%m-%d %H:%M")


# -- gradebook ------------------------------------------------------------------

# nbgrader's own gradebook API emits this SQLAlchemy autoflush warning when it adds
# a submission; the rows are written correctly, so keep it off the TA's terminal.
warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session", module=r"nbgrader\.api")


@contextlib.contextmanager
def gradebook(ws: Workspace, db_url: str | None = None) -> Iterator:
    from nbgrader.api import Gradebook

    from course import settings

    gb = Gradebook(db_url or ws.db_url, settings.load()["course"]["course_id"])
    try:
        yield gb
    finally:
        gb.close()


def backup(ws: Workspace, label: str = "") -> Path | None:
    """Copy the gradebook (sqlite online backup) to ``.grading/backups/``."""
    if not ws.db_path.exists():
        return None
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = ws.state / "backups" / f"gradebook-{stamp}{'-' + label if label else ''}.db"
    copy_db(ws.db_path, dest)
    return dest


def copy_db(src: Path, dest: Path) -> None:
    """Consistent copy of a sqlite file to a new file (online backup API, not a raw file copy)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        dest.unlink()
    _online_copy(src, dest)


def restore_db(src: Path, dest: Path) -> None:
    """Overwrite the gradebook ``dest`` with ``src`` in place (sqlite backup API:
    the file is not replaced, so an open formgrader keeps a valid connection)."""
    _online_copy(src, dest, timeout=60)


def _online_copy(src: Path, dest: Path, timeout: float = 5.0) -> None:
    """sqlite's online backup of ``src`` into ``dest`` (waiting up to ``timeout`` s for its lock)."""
    s = sqlite3.connect(str(src))
    try:
        d = sqlite3.connect(str(dest), timeout=timeout)
        with d:
            s.backup(d)
        d.close()
    finally:
        s.close()


def module_due(module: str) -> _dt.datetime | None:
    """The module's due date from the settings (Beijing naive), None if unknown."""
    from course import settings

    try:
        return settings.due(module)
    except Exception:  # noqa: BLE001 - a module the settings do not know
        return None


def ensure_assignment(gb, module: str) -> None:
    """The assignment exists with the settings' due date (stored as UTC)."""
    due = module_due(module)
    kwargs = {"duedate": to_utc_naive(due)} if due else {}
    gb.update_or_create_assignment(module, **kwargs)


@dataclass
class SubmissionGrades:
    """One student's grades of one module, read from the gradebook."""

    student: str
    module: str
    submitted: bool
    timestamp: _dt.datetime | None = None  # Beijing naive
    due: _dt.datetime | None = None  # Beijing naive, extension included
    grades: dict[str, tuple[float | None, float]] = field(default_factory=dict)
    cells: dict[str, dict] = field(default_factory=dict)  # grade_id -> details
    comments: dict[str, str] = field(default_factory=dict)  # grade_id -> TA comment
    needs_manual: list[str] = field(default_factory=list)


def read_submission(gb, module: str, student: str) -> SubmissionGrades:
    """Grades, TA comments and times of one submission (``submitted`` False if none)."""
    from nbgrader.api import MissingEntry

    try:
        sub = gb.find_submission(module, student)
    except MissingEntry:
        return SubmissionGrades(student, module, False, due=module_due(module))
    due = sub.assignment.duedate
    if due is not None and sub.extension is not None:
        due = due + sub.extension
    out = SubmissionGrades(student, module, True, to_beijing_naive(sub.timestamp), to_beijing_naive(due))
    if out.due is None:
        out.due = module_due(module)
    for nb in sub.notebooks:
        for g in nb.grades:
            score = g.score if (g.manual_score is not None or g.auto_score is not None) else None
            out.grades[g.name] = (score, float(g.max_score or 0.0))
            out.cells[g.name] = {
                "notebook": nb.name,
                "auto": g.auto_score,
                "manual": g.manual_score,
                "max": float(g.max_score or 0.0),
                "type": g.cell_type,
                "needs_manual": bool(g.needs_manual_grade),
            }
            if g.needs_manual_grade:
                out.needs_manual.append(g.name)
        for c in nb.comments:
            if c.manual_comment:
                out.comments[c.name] = c.manual_comment.strip()
    return out


def file_sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tree_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every regular file under ``folder`` (symlinks recorded, not followed)."""
    out: dict[str, str] = {}
    if not folder.exists():
        return out
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            p = Path(dirpath) / name
            rel = str(p.relative_to(folder))
            if p.is_symlink():
                out[rel] = "symlink:" + os.readlink(p)
            elif p.is_file():
                out[rel] = file_sha256(p)
    return out


def rmtree(path: Path) -> None:
    if path.is_symlink():
        path.unlink()
    elif path.exists():

        def onerror(func, p, exc):  # read-only files written by nbgrader (444)
            os.chmod(p, 0o700)
            func(p)

        shutil.rmtree(path, onerror=onerror)
