"""nbgrader's collect step, refusing submissions made in someone else's name.

On the class hub a student's Linux account is their 学号, and nbgrader names a
submission after it.  But a student controls their own nbgrader configuration
and can set ``CourseDirectory.student_id`` to a classmate's 学号: nbgrader's
collect only *warns* when the owner of the submitted folder is not the student
it claims (``check_owner``) and collects it anyway, over the classmate's own
work.  Here such a submission is left in the exchange and reported; the
classmate's real submissions are collected as usual.

Installed by ``grading.config.apply`` for hub workspaces
(``c.ExchangeFactory.collect``), so ``grading collect``, ``nbgrader collect``
and formgrader's Collect button all use it.
"""

from __future__ import annotations

import glob
import os
import pwd
from collections import defaultdict

from nbgrader.exchange.default.collect import ExchangeCollect


def owner_of(path: str) -> str:
    try:
        return pwd.getpwuid(os.stat(path).st_uid).pw_name
    except KeyError:
        return f"uid {os.stat(path).st_uid}"


class OwnerCheckedCollect(ExchangeCollect):
    def init_src(self):
        super().init_src()
        student_id = self.coursedir.student_id if self.coursedir.student_id else "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        records, self.forged = [], []
        for path in glob.glob(pattern):
            rec = self._path_to_record(path)
            owner = owner_of(path)
            if owner != rec["username"]:
                self.forged.append((rec["filename"], owner))
                self.log.error(
                    "Not collected: %s claims to be submitted by %s but was made by %s (冒名提交，未收取)",
                    rec["filename"],
                    rec["username"],
                    owner,
                )
            else:
                records.append(rec)
        if self.forged:
            self.src_records = self._latest(records)

    def _latest(self, records: list[dict]) -> list[dict]:
        """nbgrader's choice of one submission per student (latest, or latest before the due date)."""
        groups: dict[str, list] = defaultdict(list)
        for rec in records:
            groups[rec["username"]].append(rec)
        out = []
        for recs in groups.values():
            recs = self._sort_by_timestamp(recs)
            if self.duedate is not None and self.before_duedate:
                before = [r for r in recs if r["timestamp"] <= self.duedate]
                out.append(before[0] if before else recs[0])
            else:
                out.append(recs[0])
        return out
