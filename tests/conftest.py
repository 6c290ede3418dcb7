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


# -- spreading the suite over xdist workers (make test: -n 2 --dist loadfile --no-loadscope-reorder) -------
#
# A group runs on one worker, so a module-scoped fixture (a graded class, a JupyterLab server) is built once.
# Every test file is one group, except the files in SPLIT, grouped by their test id's parameter (one group per
# settings variant, one per module for the browser day), so those run on several workers.  The grouping is
# done by the scheduler below from node ids alone (pytest 9 ignores xdist's ``xdist_group`` node-id suffix, so
# ``--dist loadgroup`` would scatter single tests).  Groups are queued longest first, so no long group starts
# last: LONGEST lists the groups that took over two minutes in a full run (2026-12-06, junit times), then come
# the other groups with slow, browser or hub tests, then the fast ones.  A wrong guess costs time, never a result.
SPLIT = {
    "tests/test_settings_variants.py": lambda param: param,
    "tests/browser/test_student_day.py": lambda param: param.split("/")[0],
}
LONGEST = (
    "tests/test_grading_pipeline.py",
    "tests/test_sandbox_attacks.py",
    "tests/hub/test_hub_server.py",
    "tests/test_settings_variants.py::product",
    "tests/browser/test_student_day.py::module1_listing",
    "tests/test_settings_variants.py::thresholds",
    "tests/browser/test_student_day.py::module3_analytics",
    "tests/test_notebooks.py",
    "tests/test_grading_demo.py",
    "tests/browser/test_student_day.py::module4_crm",
    "tests/browser/test_student_day.py::module2_campaign",
    "tests/test_module1_grading.py",
    "tests/test_module2_grading.py",
    "tests/test_settings_variants.py::rubric",
    "tests/hub/test_hub_day.py",
)
HEAVY_MARKS = ("hub", "browser", "slow")


def xdist_group_of(nodeid: str) -> str:
    """The xdist group of a test id.

    >>> xdist_group_of("tests/test_settings_variants.py::test_release_states_the_settings_in_force[rubric]")
    'tests/test_settings_variants.py::rubric'
    >>> xdist_group_of("tests/browser/test_student_day.py::test_module_student_day[module2_campaign/01_plan]")
    'tests/browser/test_student_day.py::module2_campaign'
    >>> xdist_group_of("tests/test_forms.py::test_number_field[8%]")
    'tests/test_forms.py'
    """
    path = nodeid.split("::")[0]
    if path in SPLIT and nodeid.endswith("]") and "[" in nodeid:
        return f"{path}::{SPLIT[path](nodeid[nodeid.index('[') + 1 : -1])}"
    return path


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group_of(nodeid)

    return GroupScheduling(config, log)


def _queue_rank(name: str, items: list) -> tuple[int, int]:
    if name in LONGEST:
        return (0, LONGEST.index(name))
    heavy = "/hub/" in name or "/browser/" in name or any(i.get_closest_marker(m) for i in items for m in HEAVY_MARKS)
    return (1 if heavy else 2, 0)


def pytest_collection_modifyitems(config, items):
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(xdist_group_of(item.nodeid), []).append(item)
    items[:] = [i for name in sorted(groups, key=lambda n: _queue_rank(n, groups[n])) for i in groups[name]]
