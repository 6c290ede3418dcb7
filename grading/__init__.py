"""The teaching assistant's side: nbgrader wiring, rubric, commands and exports.

``grading`` is the course's layer over nbgrader: nbgrader does release,
collect, autograde, the formgrader and feedback; this package adds the course
configuration, the table-6 rubric, timeliness, re-checking, exports and the
defences against cheating.  Students never import it.
"""
