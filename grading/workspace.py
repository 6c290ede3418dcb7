"""The class workspace: one nbgrader course directory per class, outside the sources.

Layout (created on demand, never inside a module folder)::

    classroom/                 # default; or --workspace DIR / $GRADING_WORKSPACE
      nbgrader_config.py       # loads grading.config for this workspace
      source/module1_listing -> ../../module1_listing   (links to the sources)
      release/ submitted/ autograded/ feedback/ gradebook.db  (nbgrader's own)

Runtime state (submissions, grades, the gradebook) thus never mixes with the
instructor notebooks, and ``classroom/`` is git-ignored.

>>> default_workspace().name
'classroom'
"""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODULES = ("module1_listing", "module2_campaign", "module3_analytics", "module4_crm")


def default_workspace() -> Path:
    return Path(os.environ.get("GRADING_WORKSPACE") or REPO / "classroom")


def ensure_workspace(root: str | os.PathLike | None = None, modules=MODULES, source_root: Path = REPO) -> Path:
    """Create the workspace skeleton and link each module's source folder into it."""
    root = Path(root or default_workspace()).resolve()
    src = root / "source"
    src.mkdir(parents=True, exist_ok=True)
    for mod in modules:
        link = src / mod
        target = (Path(source_root) / mod).resolve()
        if link.is_symlink() and Path(os.readlink(link)).resolve() != target and not link.exists():
            link.unlink()
        if not link.exists() and not link.is_symlink():
            try:
                link.symlink_to(os.path.relpath(target, src), target_is_directory=True)
            except OSError:  # pragma: no cover - filesystems without symlinks
                link.symlink_to(target, target_is_directory=True)
    cfg = root / "nbgrader_config.py"
    if not cfg.exists():
        cfg.write_text(
            "# nbgrader configuration of this class workspace (generated; the course's\n"
            "# settings live in course/settings.yaml and grading/config.py)\n"
            "import sys\n"
            f"sys.path.insert(0, {str(REPO)!r})\n"
            "from grading.config import apply\n"
            "apply(get_config(), workspace=__file__)\n",
            encoding="utf-8",
        )
    return root
