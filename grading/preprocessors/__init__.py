"""The course's nbgrader preprocessors (each does one job; wired in grading/config.py).

* :class:`ScaffoldSolutions` -- nbgrader's ClearSolutions that puts a cell's
  declared skeleton (``### BEGIN SCAFFOLD``) where its solution was;
* :class:`RenderSettings` -- markdown placeholders ``{{ listing.title_width }}``
  rendered from the settings in force;
* :class:`BuildChecks` -- writes ``<notebook>.checks.json`` (the visible
  self-checks' spec) beside each released notebook;
* :class:`HideTests` -- feedback without hidden tests, solutions or the
  reference implementation (every feedback path).
"""

from .buildchecks import BuildChecks
from .hide_tests import HideTests
from .render import RenderSettings
from .scaffold import ScaffoldSolutions

__all__ = ["ScaffoldSolutions", "RenderSettings", "BuildChecks", "HideTests"]
