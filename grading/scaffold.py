"""Scaffolds: the code a student receives instead of the solution, with blanks ``___``.

In a source notebook an answer cell may carry, after its solution region, the
student's skeleton as comment lines::

    kw_value = None
    ### BEGIN SOLUTION
    kw_value["value"] = kw_value["search_heat"] / kw_value["competition_index"]
    ### END SOLUTION
    ### BEGIN SCAFFOLD
    # kw_value["value"] = kw_value[___] / kw_value[___]
    ### END SCAFFOLD

The source runs as it is (the scaffold is comments); the release puts the
skeleton where the solution was (``grading.preprocessors.ScaffoldSolutions``).
The solution must be the skeleton with its blanks filled, each blank a single
name, number or choice: :func:`blank_answers` recovers them, which is how
``grading check`` proves the two agree and how tests fill the blanks as a
student would.

>>> src = "x = None\\n### BEGIN SOLUTION\\nx = f(a, 3)\\n### END SOLUTION\\n### BEGIN SCAFFOLD\\n# x = f(___, ___)\\n### END SCAFFOLD"
>>> scaffold_of(src)
'x = f(___, ___)'
>>> blank_answers(scaffold_of(src), solution_of(src))
['a', '3']
>>> released(src)
'x = None\\nx = f(___, ___)'
"""

from __future__ import annotations

import re

BEGIN, END = "### BEGIN SCAFFOLD", "### END SCAFFOLD"
SOL_BEGIN, SOL_END = "### BEGIN SOLUTION", "### END SOLUTION"
_COMMENT = re.compile(r"^(\s*)# ?")
MAX_BLANKS = 3


def split_scaffold(source: str) -> tuple[str, str | None]:
    """(source without the scaffold region, the skeleton or None)."""
    if BEGIN not in source:
        return source, None
    lines = source.split("\n")
    keep: list[str] = []
    skeleton: list[str] = []
    inside = False
    for line in lines:
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        elif inside:
            skeleton.append(_COMMENT.sub(r"\1", line, count=1))
        else:
            keep.append(line)
    while keep and not keep[-1].strip():
        keep.pop()
    return "\n".join(keep), "\n".join(skeleton)


def scaffold_of(source: str) -> str | None:
    return split_scaffold(source)[1]


def solution_of(source: str) -> str | None:
    """The lines inside the (first) solution region."""
    if SOL_BEGIN not in source:
        return None
    body = source.split(SOL_BEGIN, 1)[1].split(SOL_END, 1)[0]
    return body.strip("\n")


def released(source: str) -> str:
    """The released text of an answer cell that has a scaffold (what a student sees)."""
    rest, skeleton = split_scaffold(source)
    out: list[str] = []
    inside = False
    for line in rest.split("\n"):
        if SOL_BEGIN in line:
            inside = True
            indent = re.match(r"\s*", line).group(0)
            out.extend(indent + s for s in (skeleton or "").split("\n"))
        elif SOL_END in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def blank_answers(skeleton: str, solution: str) -> list[str] | None:
    """What goes into each blank for the skeleton to become the solution, or None."""
    parts = [re.escape(_squash(p)) for p in _squash(skeleton).split("___")]
    pattern = r"\s*(.+?)\s*".join(parts)
    m = re.fullmatch(pattern, _squash(solution))
    if not m:
        return None
    return [g.strip() for g in m.groups()]


def is_single_token(answer: str) -> bool:
    """A blank takes one name, number or quoted choice, not an expression."""
    return bool(re.fullmatch(r"""[\w.]+|-?\d+(\.\d+)?|"[^"]*"|'[^']*'|True|False|None""", answer.strip()))


def fill(skeleton: str, answers: list[str]) -> str:
    """The skeleton with its blanks filled in order (what a student types)."""
    out = skeleton
    for a in answers:
        out = out.replace("___", a, 1)
    return out
