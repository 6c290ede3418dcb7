"""The course's modules, in teaching order: the one list every part of the package reads.

Adding a module touches this list, its folder (``module5_xxx/`` with its
notebooks) and ``course/settings.yaml`` (its title, due date and rubric);
the settings check, the class workspace, the release, grading and the data
dictionary all follow.

>>> MODULES[0]
'module1_listing'
"""
from __future__ import annotations

MODULES: tuple[str, ...] = ("module1_listing", "module2_campaign", "module3_analytics", "module4_crm")
