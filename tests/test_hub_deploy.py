"""What can be checked here of the Kubernetes deployment (deploy/k8s): there is no
Docker engine on these machines, so the image is not built; its build context is
made and inspected, and config.yaml is checked against the pinned chart's schema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from test_environment import _norm, conda_pins

REPO = Path(__file__).resolve().parent.parent
K8S = REPO / "deploy" / "k8s"
CHART = "4.4.0"


def chart_keys() -> dict[str, str]:
    out = {}
    for line in (K8S / f"chart-{CHART}-keys.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, kind = line.rsplit(" ", 1)
            out[key] = kind
    return out


def unknown_keys(values: dict, keys: dict[str, str], prefix: str = "") -> list[str]:
    """Dotted keys of ``values`` the chart's schema does not name (below an open key anything goes).

    >>> unknown_keys({"cull": {"timeout": 1, "tmeout": 2}}, {"cull": "closed", "cull.timeout": "open"})
    ['cull.tmeout']
    """
    bad = []
    for k, v in values.items():
        path = f"{prefix}.{k}" if prefix else str(k)
        kind = keys.get(path)
        if kind is None:
            patterns = [p for p in keys if p.startswith(f"{prefix}.<") and re.match(p[len(prefix) + 2 : -1], str(k))]
            if patterns:
                continue  # e.g. hub.config.<ClassName>: pass-through traitlets configuration
            bad.append(path)
        elif kind == "closed" and isinstance(v, dict):
            bad += unknown_keys(v, keys, path)
    return bad


def test_config_names_only_keys_of_the_pinned_chart():
    values = yaml.safe_load((K8S / "config.yaml").read_text(encoding="utf-8"))
    assert unknown_keys(values, chart_keys()) == []
    assert f"--version {CHART}" in (K8S / "config.yaml").read_text(encoding="utf-8")


def test_a_misspelt_key_is_caught():
    values = yaml.safe_load((K8S / "config.yaml").read_text(encoding="utf-8"))
    values["singleuser"]["memroy"] = {"limit": "2G"}
    values["cull"]["timout"] = 10
    assert unknown_keys(values, chart_keys()) == ["singleuser.memroy", "cull.timout"]


def test_config_sets_roles_limits_culling_and_the_shared_exchange():
    values = yaml.safe_load((K8S / "config.yaml").read_text(encoding="utf-8"))
    assert values["singleuser"]["memory"]["limit"] and values["cull"]["enabled"] is True
    assert values["hub"]["loadRoles"]["teaching-assistant"]["groups"] == ["tas"]
    hook = values["hub"]["extraConfig"]["10-course-roles"]
    compile(hook, "10-course-roles", "exec")  # the hub runs it as Python
    assert "/srv/nbgrader/exchange" in hook and '"tas", "teachers"' in hook


@pytest.fixture(scope="module")
def image_context(tmp_path_factory):
    from grading.hub.image import build_context

    return build_context(tmp_path_factory.mktemp("image") / "ctx")


def test_image_pins_equal_environment_yml(image_context):
    conda = conda_pins()
    reqs = dict(
        line.split("==")
        for line in (image_context / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert reqs and all(conda[_norm(name)] == version for name, version in reqs.items()), reqs
    dockerfile = (image_context / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r /opt/ecom-ops/requirements.txt" in dockerfile


def test_image_holds_the_student_side_only(image_context):
    from grading.package import teacher_files_in

    assert teacher_files_in(image_context / "student") == []
    assert not list(image_context.rglob("reference")) and not (image_context / "student" / "grading").exists()
    assert (image_context / "student" / "course" / "__init__.py").exists()
    assert (image_context / "student" / "data" / "manifest.json").exists()
    assert not (image_context / "student" / "course" / "teacher").exists()
    student = (image_context / "jupyter" / "student" / "nbgrader_config.json").read_text()
    assert "/srv/nbgrader/exchange" in student
