"""Teacher-side reference implementations (never released to students).

Hidden tests, the grading side's re-checks and the benchmarks compute expected
values with these modules.  Nothing here is imported by the ``course``
package, and no module folder copies it: a student's assignment never contains
a reference solution.
"""
