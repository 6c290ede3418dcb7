"""电商运营实战 · the shared library every course notebook uses.

Student side only: forms and their answer file, data access, Chinese charts,
settings, and the operator's tools (checkers and calculators a shop back
office offers).  No answer key lives in this package; reference answers are in
the instructor notebooks' solution and hidden-test regions only.

>>> import course
>>> s = course.start("module1_listing", "01_selection", quiet=True)
>>> course.settings.threshold("listing", "title_width_min")
30
"""

from . import settings
from .grading_bridge import grade
from .hint_ladder import hints
from .messages import CourseError
from .selfcheck import check
from .session import current, export, start

__version__ = "0.1.0"
__all__ = ["start", "current", "export", "check", "grade", "hints", "settings", "CourseError", "__version__"]
