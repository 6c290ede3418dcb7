"""Finding the survey answers of a class: answer files in folders or zips, one per student folder.

>>> harvest([]).responses
[]
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MIN_FOR_OPEN_ANSWERS = 3
ANSWER_SUFFIX = ".answers.json"


@dataclass
class Response:
    """One saved survey: which survey, the parsed values, where it came from (never shown)."""

    key: str
    values: dict
    saved_at: str = ""
    source: str = ""


@dataclass
class Harvest:
    responses: list[Response] = field(default_factory=list)
    files: int = 0
    unreadable: int = 0


# -- finding answer files -----------------------------------------------------


def _answer_texts(paths: Iterable[Path]) -> Iterator[tuple[str, str, bytes | None]]:
    """(respondent folder, file label, bytes) of every answer file under ``paths``."""
    for root in paths:
        root = Path(root)
        if root.is_file() and zipfile.is_zipfile(root):
            with zipfile.ZipFile(root) as zf:
                for name in sorted(zf.namelist()):
                    if name.endswith(ANSWER_SUFFIX) and "__MACOSX" not in name:
                        folder = name.rsplit("/", 1)[0] if "/" in name else ""
                        try:
                            data = zf.read(name)
                        except (zipfile.BadZipFile, OSError):
                            data = None
                        yield f"{root}!{folder}", f"{root}!{name}", data
        elif root.is_file() and root.name.endswith(ANSWER_SUFFIX):
            yield str(root.parent), str(root), _read(root)
        elif root.is_dir():
            for p in sorted(root.rglob(f"*{ANSWER_SUFFIX}")):
                if p.is_file() and not p.is_symlink():
                    yield str(p.parent), str(p), _read(p)


def _read(p: Path) -> bytes | None:
    try:
        return p.read_bytes()
    except OSError:
        return None


def workspace_sources(workspace: Path, modules: Iterable[str] | None = None) -> list[Path]:
    """The submitted module folders of a class workspace."""
    sub = Path(workspace) / "submitted"
    if not sub.is_dir():
        return []
    mods = list(modules) if modules else None
    out = []
    for student in sorted(p for p in sub.iterdir() if p.is_dir()):
        for folder in sorted(p for p in student.iterdir() if p.is_dir()):
            if mods is None or folder.name in mods:
                out.append(folder)
    return out


def harvest(paths: Iterable[Path]) -> Harvest:
    """Every survey answer found in the answer files under ``paths``."""
    from course.forms.survey_form import fields_for_key, parse_entry

    h = Harvest()
    latest: dict[tuple[str, str], Response] = {}
    for folder, label, data in _answer_texts(paths):
        h.files += 1
        try:
            doc = json.loads(data.decode("utf-8-sig")) if data is not None else None
            forms = doc.get("forms") if isinstance(doc, dict) else None
            if not isinstance(forms, dict):
                raise ValueError("no forms")
        except (ValueError, UnicodeDecodeError, AttributeError):
            h.unreadable += 1
            continue
        for key, entry in forms.items():
            if fields_for_key(str(key)) is None:
                continue
            values = parse_entry(str(key), entry)
            if not values or all(v in (None, "", []) for v in values.values()):
                continue
            saved = str(entry.get("saved_at") or "") if isinstance(entry, dict) else ""
            resp = Response(str(key), values, saved, label)
            slot = (folder, str(key))
            if slot not in latest or saved >= latest[slot].saved_at:
                latest[slot] = resp
    h.responses = [latest[k] for k in sorted(latest)]
    return h
