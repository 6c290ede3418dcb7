"""``BuildChecks``: the visible self-checks' spec written beside each released notebook."""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool


class BuildChecks(Preprocessor):
    """Adds ``<notebook>.checks.json`` to the files nbgrader writes (``resources["outputs"]``)."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        from ..reference import spec

        info = resources.get("nbgrader", {})
        module, notebook = info.get("assignment"), info.get("notebook")
        if module and notebook:
            built = spec.build(module, notebook)
            resources.setdefault("outputs", {})[f"{notebook}.checks.json"] = spec.dumps(built).encode("utf-8")
        return nb, resources
