"""The checks of a graded task: one definition, judged two ways.

A task (declared on the grading side, in ``grading/reference``) lists checks such
as "these columns", "sorted by value", "the same keywords as the reference".
Each check has public parameters and, when it compares with a reference, a
*canonical form*: the plain text the answer and the reference are reduced to
(numbers rounded, words normalised, sets sorted).

* The **grader** compares canonical forms directly (``PlainReference``).
* The **visible self-check** a student runs compares *salted digests* of them
  (``HashedReference``): the release stores digests of the reference's canonical
  forms, never the values, so nothing a student can read gives the answer away.

Both sides call the same ``Check.judge``, so a ✓ in the notebook and full points
in grading agree by construction.

The parts: ``canonical`` (forms and digests), ``references`` (plain or hashed),
``reading`` (the part of an answer a check reads), ``base`` (``Check`` and the
registry of kinds), ``shape`` (checks without a reference), ``compare`` (checks
against the reference), ``task`` (a task's forms and verdict).

>>> import pandas as pd
>>> task = [SameSet(column="kw", msg="关键词不全")]
>>> forms = reference_forms(task, [["a", "b"]])          # the grader's side
>>> judge_all(task, pd.DataFrame({"kw": ["b", "a"]}), PlainReference(forms)).right
True
>>> hashed = HashedReference("salt", "t", hash_forms("salt", "t", forms))   # what a release ships
>>> judge_all(task, pd.DataFrame({"kw": ["a"]}), hashed).messages
['关键词不全']
"""

from .base import Check, from_spec, kinds
from .canonical import (
    TOLERANCE,
    as_number,
    digest,
    norm_text,
    num_form,
    num_forms,
    value_form,
    value_forms,
)
from .compare import (
    Equals,
    HiddenOnly,
    Includes,
    Mentions,
    SameList,
    SameSet,
    TableMatch,
    Within,
)
from .reading import as_items, column_or_field, is_numeric, is_table, records
from .references import HashedReference, PlainReference, Reference, Scoped
from .shape import Columns, Dominance, InRange, Keys, NoMissing, Predicate, RowCount, Sorted
from .task import Verdict, hash_forms, is_empty, judge_all, reference_forms

__all__ = [
    "TOLERANCE",
    "Check",
    "Columns",
    "Dominance",
    "Equals",
    "HashedReference",
    "HiddenOnly",
    "InRange",
    "Includes",
    "Keys",
    "Mentions",
    "NoMissing",
    "PlainReference",
    "Predicate",
    "Reference",
    "RowCount",
    "SameList",
    "SameSet",
    "Scoped",
    "Sorted",
    "TableMatch",
    "Verdict",
    "Within",
    "as_items",
    "as_number",
    "column_or_field",
    "digest",
    "from_spec",
    "hash_forms",
    "is_empty",
    "is_numeric",
    "is_table",
    "judge_all",
    "kinds",
    "norm_text",
    "num_form",
    "num_forms",
    "records",
    "reference_forms",
    "value_form",
    "value_forms",
]
