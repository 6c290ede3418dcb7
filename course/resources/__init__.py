"""The course's resource pack: Excel templates of tables 1-3, the red-line list and the glossary.

The builders (``build_*.py``) are the teacher's and run as ``python -m course.resources.build_templates``
and so on, or all together with ``python -m course.teacher.rebuild``; they are not in a student package.
"""
