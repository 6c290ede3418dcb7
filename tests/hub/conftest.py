"""Fixtures of the class-hub tests (tests/hub): real JupyterHubs on loopback.

Every test here is marked ``hub``; the whole folder skips, saying why, where
the machine cannot run a class hub (not root, no useradd/PAM, no Node.js).
Browser tests reuse tests/browser's Chromium/Playwright driver.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "browser"))

import hubharness  # noqa: E402


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).parent == HERE:
            item.add_marker(pytest.mark.hub)


@pytest.fixture(scope="module")
def hub_prereq():
    why = hubharness.why_no_hub()
    if why:
        pytest.skip(why)


@pytest.fixture(scope="module")
def class_hub(hub_prereq):
    """A running hub for two students (module 1 released), cleaned up afterwards."""
    hub = hubharness.ClassHub()
    try:
        hub.setup().start()
        yield hub
    finally:
        hub.cleanup()
