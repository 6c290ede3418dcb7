# nbgrader configuration used when JupyterLab (make lab) or nbgrader runs from
# the repository root.  Everything is decided in grading/config.py; the class
# workspace defaults to ./classroom (git-ignored) or $GRADING_WORKSPACE.
from grading.config import apply

apply(get_config())  # noqa: F821 - injected by traitlets
