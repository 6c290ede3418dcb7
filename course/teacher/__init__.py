"""Teacher-side material of the course: the timetable builder and ``rebuild`` (run as
``python -m course.teacher.rebuild``).  Never part of a student package (grading/package.py)."""
