"""Forms that feel like a shop back office; entries persist in the answer file.

The framework (``Form`` and the fields) lives here; each module's concrete
forms (title, promotion rules, segmentation, ...) live next to the tool they
use, in ``course.forms.<name>``.  Typed numbers and dates are read by
``course.parse`` and ``course.dates``, which the tools use too.
"""

from .base import Form
from .fields import Check, Choice, Date, DateTime, Field, Lines, MultiChoice, Number, Percent, Repeat, Text, TextArea

__all__ = [
    "Form",
    "Field",
    "Text",
    "TextArea",
    "Lines",
    "Number",
    "Percent",
    "Choice",
    "MultiChoice",
    "Check",
    "Date",
    "DateTime",
    "Repeat",
]
