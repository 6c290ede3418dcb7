"""The reference context ``R``: what a task's ``ref`` functions may read.

Settings in force, the featured product and the shop's tables, loaded once per
process (the clean re-check grades a whole class with one context) and keyed by
a fingerprint of the settings file and the data, so a changed setting is seen.

>>> R = context()
>>> R.threshold("listing", "title_width_max")
60
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path


class Context:
    """Read-only facts a reference may use; nothing here is student work."""

    def __init__(self, fingerprint: str):
        self.fingerprint = fingerprint
        self._tables: dict = {}

    @cached_property
    def settings(self) -> dict:
        from course import settings

        return settings.load()

    def threshold(self, section: str, name: str):
        from course import settings

        return settings.threshold(section, name)

    def thresholds(self, section: str) -> dict:
        from course import settings

        return settings.thresholds(section)

    @cached_property
    def product(self):
        """The featured product of modules 1 and 2 (``course.featured``)."""
        try:
            from course import featured
        except ImportError:  # TRANSITION: until course/featured.py lands (issue 15)
            from types import SimpleNamespace

            return SimpleNamespace(id=(self.settings.get("featured") or {}).get("product_id", "P001"))
        return featured.product()

    def table(self, name: str):
        """A shop table (a copy: a reference function must not change the cache)."""
        if name not in self._tables:
            from course import data

            self._tables[name] = data.load(name)
        return self._tables[name].copy()


def fingerprint() -> str:
    """Changes whenever the settings file or the shop data change."""
    from course import data, settings

    h = hashlib.sha256()
    h.update(Path(settings.settings_path()).read_bytes())
    manifest = Path(data.data_dir()) / "manifest.json"
    if manifest.is_file():
        h.update(manifest.read_bytes())
    return h.hexdigest()[:16]


_CONTEXT: Context | None = None


def context() -> Context:
    """The context for the settings and data in force (rebuilt when they change)."""
    global _CONTEXT
    fp = fingerprint()
    if _CONTEXT is None or _CONTEXT.fingerprint != fp:
        _CONTEXT = Context(fp)
    return _CONTEXT
