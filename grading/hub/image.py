"""The single-user image for Zero to JupyterHub: its build context, student side only.

``python -m grading.hub.image DIR`` writes DIR/ with ``deploy/k8s/image/Dockerfile``,
``requirements.txt`` (the hub's single-user pins, ``grading.hub.environment.requirements``:
the same versions as environment.yml), the student ``course`` package
(``grading.package.copy_course``: no teacher material), the shop data, JupyterLab's
Chinese settings and the two roles' Jupyter configuration (exchange on the shared
volume at /srv/nbgrader/exchange).  Then: ``docker build -t <registry>/ecom-ops/singleuser DIR``.
Nothing of ``grading/`` is in it: TAs get the repository from the course volume.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from ..package import copy_course
from ..workspace import REPO
from .environment import OVERRIDES, requirements_text
from .layout import HubPaths, data_dir, write_role_configs

DOCKERFILE = REPO / "deploy" / "k8s" / "image" / "Dockerfile"
EXCHANGE = Path("/srv/nbgrader/exchange")


def build_context(dest: Path, course_id: str = "ecom-ops") -> Path:
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy(DOCKERFILE, dest / "Dockerfile")
    (dest / "requirements.txt").write_text(requirements_text(), encoding="utf-8")
    copy_course(dest / "student")
    shutil.copytree(data_dir(), dest / "student" / "data")
    shutil.copy(OVERRIDES, dest / "overrides.json")
    staging = HubPaths(dest / "config")
    write_role_configs(
        staging,
        course_id,
        exchange=EXCHANGE,
        repo=Path("/srv/ecom-ops/repo"),
        workspace=Path("/srv/ecom-ops/workspace"),
    )
    shutil.move(str(staging.hub / "jupyter"), dest / "jupyter")
    shutil.rmtree(dest / "config")
    return dest


if __name__ == "__main__":
    print(build_context(Path(sys.argv[1])))
