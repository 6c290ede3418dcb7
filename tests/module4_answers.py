"""Module 4's answers for the tests: what a right student types and the values the graded cells then hold.

* ``blank_answers()``: per scaffold task, what goes into each ``___`` (read from the
  source notebooks: the solution is the skeleton with its blanks filled);
* ``form_raws()``: per form key, the entries as a student types them;
* ``graded_values()``: per task, the value its test cell exports (computed from the
  reference side, in the shape the notebook's code produces).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import nbformat
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
MODULE = "module4_crm"
SOURCE = REPO / MODULE
NOTEBOOKS = ["01_segments", "02_strategy", "03_outreach", "04_membership"]
#: task -> notebook
NOTEBOOK = {
    "segment_rules": "01_segments",
    "segments": "01_segments",
    "rfm_scores": "01_segments",
    "strategy": "02_strategy",
    "repurchase": "02_strategy",
    "cap_rule": "03_outreach",
    "audit_by_campaign": "03_outreach",
    "schedule_report": "03_outreach",
    "contact_export": "03_outreach",
    "tiers": "04_membership",
    "reminders": "04_membership",
    "coupons": "04_membership",
}
#: form key -> (notebook, task)
FORMS = {
    "segment_rules": ("01_segments", "segment_rules"),
    "segment_strategy": ("02_strategy", "strategy"),
    "cap_rule": ("03_outreach", "cap_rule"),
}


def context():
    from grading.reference.context import context as ctx

    return ctx()


@lru_cache(maxsize=1)
def blank_answers() -> dict[str, list[str]]:
    """{task: [blank 1, blank 2, ...]} of every scaffold task, from the source notebooks."""
    from grading.scaffold import blank_answers as answers
    from grading.scaffold import scaffold_of, solution_of

    out = {}
    for name in NOTEBOOKS:
        nb = nbformat.read(SOURCE / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            skeleton = scaffold_of(cell.source)
            if skeleton is not None:
                task = gid.split("_", 1)[1].rsplit("_answer", 1)[0]
                out[task] = answers(skeleton, solution_of(cell.source))
    return out


def form_raws() -> dict[str, dict]:
    """{form key: entries as typed} that the visible checks judge right."""
    from course.forms.outreach_form import NOT_COUNTED, RETURN, ROLLING
    from course.forms.strategy_form import CHANNELS, benefit_options
    from grading.reference.module4_crm import segments as S

    R = context()
    th = R.thresholds("crm")
    b = benefit_options()
    return {
        "segment_rules": {k: S.picked(R, k) for k in S.CASES},
        "segment_strategy": {
            "high_channel": CHANNELS[0],
            "high_benefit": b[0],
            "growth_channel": CHANNELS[1],
            "growth_benefit": b[1],
            "potential_channel": CHANNELS[1],
            "potential_benefit": b[1],
            "dormant_channel": CHANNELS[2],
            "dormant_benefit": b[2],
            "lost_channel": CHANNELS[3],
            "lost_benefit": b[3],
        },
        "cap_rule": {
            "cap": str(th["frequency_cap_messages"]),
            "window_hours": str(th["frequency_cap_window_hours"]),
            "window_kind": ROLLING,
            "service": NOT_COUNTED,
            "missing_time": RETURN,
        },
    }


def _form_value(key: str) -> dict:
    """A typed form as its parsed values (what ``form.answers()`` returns)."""
    values = dict(form_raws()[key])
    if key == "cap_rule":
        values["cap"], values["window_hours"] = int(values["cap"]), float(values["window_hours"])
    return values


def graded_values() -> dict:
    """{task: the value its test cell exports} for a right student."""
    from course.tools import privacy
    from grading.reference.module4_crm import common
    from grading.reference.module4_crm import membership as Mm
    from grading.reference.module4_crm import outreach as O
    from grading.reference.module4_crm import segments as S
    from grading.reference.module4_crm import strategy as St

    R = context()
    rfm = S.rfm(R).sort_values("user_id").reset_index(drop=True)
    rfm["R_score"] = pd.qcut(rfm["R"].rank(method="first", ascending=False), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    rfm["M_score"] = pd.qcut(rfm["M"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    rfm["F_score"] = pd.cut(rfm["F"], bins=[0, 1, 2, 3, 5, float("inf")], labels=[1, 2, 3, 4, 5]).astype(int)
    contacts = pd.read_csv(SOURCE / "assets" / "service_contacts.csv", encoding="utf-8-sig", dtype="string")
    sms = O.sms_list(R).merge(contacts, on="user_id", how="left")
    return {
        "segment_rules": _form_value("segment_rules"),
        "segments": common.segments(R).copy(),
        "rfm_scores": rfm,
        "strategy": _form_value("segment_strategy"),
        "repurchase": St.repurchase(R),
        "cap_rule": _form_value("cap_rule"),
        "audit_by_campaign": O.audit_by_campaign(R).sort_values(ascending=False),
        "schedule_report": O.report(R),
        "contact_export": privacy.export_for(sms, "触达", quiet=True),
        "tiers": Mm.tiers(R).copy(),
        "reminders": Mm.reminders(R).copy(),
        "coupons": Mm.coupons(R)[["user_id", "order_id", "purchase_date", "coupon_date"]].copy(),
    }
