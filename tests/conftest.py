"""Shared test set-up: the venv's tools first on PATH, the committed shop data
found by every kernel, a clean settings file, and no stray answer files."""

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
os.environ.setdefault("COURSE_DATA_DIR", str(REPO / "datasets" / "data"))
# kernels started by the tests import this checkout's course package
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
os.environ.pop("COURSE_SETTINGS", None)
os.environ.pop("COURSE_RECHECK", None)
os.environ.setdefault("MPLBACKEND", "Agg")
# tests must never write into the real class workspace
os.environ.setdefault(
    "GRADING_WORKSPACE", str(Path(os.environ.get("TMPDIR", "/tmp")) / f"ecom-test-classroom-{os.getpid()}")
)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in an empty folder (answer files go there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session, shared by tests/browser and tests/hub:
    Playwright's sync API allows one instance per thread, so two module fixtures would clash."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
    import labdriver

    why = labdriver.why_no_browser()
    if why:
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        # Playwright gives every launch a fresh temporary user-data-dir
        b = pw.chromium.launch(executable_path=labdriver.CHROMIUM, args=labdriver.CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()
    finally:
        pw.stop()
