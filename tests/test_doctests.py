"""Every ``>>>`` example of the ``course``, ``grading`` and ``datasets`` packages runs as a doctest.

Each module's examples run in an empty temporary folder (examples that start a
notebook session save answer files into the current folder: they land there and
go with it), with ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE``.  A module whose
examples all fail to be found (none attempted) fails too, so a broken docstring
cannot pass silently.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def modules_with_examples(package: str = "course") -> list[str]:
    out = []
    for path in sorted((REPO / package).rglob("*.py")):
        if ">>>" not in path.read_text(encoding="utf-8"):
            continue
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


PACKAGES = ("course", "grading", "datasets")


def _answer_files() -> set[Path]:
    return set(REPO.glob("*.answers.json")) | {f for p in PACKAGES for f in (REPO / p).rglob("*.answers.json")}


@pytest.mark.parametrize("name", [m for p in PACKAGES for m in modules_with_examples(p)])
def test_examples_run(name, in_tmp):
    before = _answer_files()
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name}: its >>> examples are not doctests (not in a docstring?)"
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed (see the output above)"
    assert _answer_files() == before, "an example wrote answer files outside its temporary folder"
