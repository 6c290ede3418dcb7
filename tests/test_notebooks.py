"""Every source notebook runs top to bottom, with no answer file present, under
papermill and under ``pytest --nbval-lax``.  Discovered automatically: a new
notebook in a module folder (or course/) is covered without editing this file.

Each run happens in a temporary copy of the notebook's folder, so no answer
file is ever written into a source folder.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted([*REPO.glob("module*_*/*.ipynb"), *REPO.glob("course/*.ipynb")])
IDS = [f"{p.parent.name}/{p.stem}" for p in NOTEBOOKS]


def _copy_folder(nb: Path, tmp_path: Path) -> Path:
    dest = tmp_path / nb.parent.name
    shutil.copytree(
        nb.parent,
        dest,
        ignore=shutil.ignore_patterns("*.answers.json*", ".ipynb_checkpoints", "__pycache__", "teacher", "resources"),
    )
    return dest / nb.name


def test_notebooks_found():
    assert NOTEBOOKS, "no source notebooks found"


@pytest.mark.slow
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_papermill(nb, tmp_path):
    import papermill

    copy = _copy_folder(nb, tmp_path)
    out = tmp_path / f"out-{nb.name}"
    papermill.execute_notebook(
        str(copy),
        str(out),
        cwd=str(copy.parent),
        kernel_name="python3",
        progress_bar=False,
        request_save_on_cell_execute=False,
    )
    assert not list(copy.parent.glob("*.answers.json.damaged*"))


@pytest.mark.slow
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_nbval_lax(nb, tmp_path):
    copy = _copy_folder(nb, tmp_path)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--rootdir",
            str(copy.parent),
            str(copy),
        ],
        cwd=copy.parent,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, (
        f"nbval failed for {nb.relative_to(REPO)}:\n{proc.stdout[-5000:]}\n{proc.stderr[-2000:]}"
    )
