"""Module 4's visible self-checks (``course.check``): for every graded task the
reference answer gets ✓ 正确, a typical mistake gets ✗ with a 提升方向, and the
output never shows a reference value (a segment a customer belongs to, a count,
an option of the answer).  The spec is the one a release ships
(``grading.reference.spec.build``), judged by the student-side
``course.selfcheck.report``.  Also: the hidden grader agrees with the visible
check, the spec carries no plain reference value, and bad input gives a Chinese
message, never a crash."""

from __future__ import annotations

import json
import math

import module4_answers as A
import numpy as np
import pandas as pd
import pytest

M = A.MODULE
NOTEBOOK = A.NOTEBOOK


def _swap_dormant_lost(v):
    """names in the wrong order: ② 沉睡, ③ 流失 (the order of the conditions not followed)."""
    seg = v["segment"].replace({"沉睡用户": "x", "流失用户": "沉睡用户"}).replace({"x": "流失用户"})
    return v.assign(segment=seg)


def _rank_f(v):
    """The trap of RFM: equal bins on the rank of F split customers with the same number of orders."""
    return v.assign(F_score=pd.qcut(v["F"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int))


def _repurchase_all_customers(v):
    """The denominator is every customer with a first order, not the cohort."""
    from grading.reference.module4_crm import strategy as St

    return dict(v, rate=round(v["repeat_buyers"] / len(St.first_orders(A.context())), 4))


def _tiers_from_goods_amount(v):
    """goods_amount (before discounts) instead of paid_amount: more customers climb a tier."""
    from course.tools import membership
    from grading.reference.module4_crm import common

    R = A.context()
    p = common.paid(R)
    spend = v["user_id"].map(p.groupby("user_id")["goods_amount"].sum()).fillna(0)
    return v.assign(tier_by_spend=membership.assign_tiers(spend).astype(str))


def _reminder_on_expiry_day(v):
    return v.assign(remind_date=v["expire_date"])


def _coupons_ignoring_send(v):
    from course.tools import membership
    from grading.reference.module4_crm import common
    from grading.reference.module4_crm import membership as Mm

    R = A.context()
    start, end = Mm.week(R)
    s = membership.repurchase_coupons(common.paid(R)[["user_id", "order_id", "date"]])
    return s[s["coupon_date"].between(start, end)][["user_id", "order_id", "purchase_date", "coupon_date"]]


def _schedule_without_priority(v):
    from course.tools import frequency
    from grading.reference.module4_crm import common

    R = A.context()
    return frequency.schedule(
        common.plan(R), max_delay_hours=common.crm(R)["max_delay_hours"], send_hours=common.send_hours(R)
    ).counts()


def _export_for_fulfilment(v):
    from course.tools import privacy
    from grading.reference.module4_crm import outreach as O

    contacts = pd.read_csv(A.SOURCE / "assets" / "service_contacts.csv", encoding="utf-8-sig", dtype="string")
    merged = O.sms_list(A.context()).merge(contacts, on="user_id", how="left").rename(columns={"campaign": "x"})
    merged["order_id"] = "O1"
    return privacy.export_for(merged, "履约", quiet=True).assign(channel="短信", send_time="2026-07-01 10:00")


#: a typical mistake per task, made from the right value
MISTAKES = {
    "segment_rules": lambda v: dict(v, case_a=v["case_b"]),  # the first dormant day put later
    "segments": _swap_dormant_lost,
    "rfm_scores": _rank_f,
    "strategy": lambda v: dict(v, dormant_benefit=v["lost_benefit"], growth_benefit=v["dormant_benefit"]),
    "repurchase": _repurchase_all_customers,
    "cap_rule": lambda v: dict(v, window_kind="每个自然日 0 点重新计数"),
    "audit_by_campaign": lambda v: v.iloc[1:],  # cap typed one too high
    "schedule_report": _schedule_without_priority,
    "contact_export": _export_for_fulfilment,
    "tiers": _tiers_from_goods_amount,
    "reminders": _reminder_on_expiry_day,
    "coupons": _coupons_ignoring_send,
}


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    import os

    import course
    from grading.reference import spec

    here = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("m4checks"))
    course.start(M, "checks_test", quiet=True)
    specs = {nb: spec.build(M, nb) for nb in A.NOTEBOOKS}
    yield {"values": A.graded_values(), "specs": specs}
    os.chdir(here)


def report(ctx, task, value, capsys) -> str:
    from course.selfcheck import report as show

    show(task, value, ctx["specs"][NOTEBOOK[task]])
    return capsys.readouterr().out


def secrets(task: str) -> set[str]:
    """Texts of the task's reference values that are answers: chosen options and numbers."""
    from grading.reference import task as find

    t = find(M, NOTEBOOK[task], task)
    out: set[str] = set()
    for check, value in zip(t.checks, t.reference_values(A.context())):
        if value is None or type(check).__name__ in ("Within", "CountsBy", "Rows"):
            # Within: the allowed options are all on the form; CountsBy/Rows: counts and customer ids, checked below
            continue
        items = value if isinstance(value, (list, tuple)) else [value]
        for x in items:
            if isinstance(x, str):
                out.add(x)
            elif isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) and x not in (0, 1):
                out.add(f"{x:g}" if float(x).is_integer() else f"{x:.4g}")
    return out


def test_every_task_is_covered():
    from grading.reference import registry

    declared = {name for (mod, _nb), tasks in registry().items() if mod == M for name in tasks}
    assert declared == set(NOTEBOOK) == set(MISTAKES)


@pytest.mark.parametrize("task", list(NOTEBOOK))
def test_reference_answer_is_right(ctx, task, capsys):
    out = report(ctx, task, ctx["values"][task], capsys)
    assert out.strip().endswith("✓ 正确"), out


@pytest.mark.parametrize("task", list(NOTEBOOK))
def test_typical_mistake_gets_a_direction_but_no_answer(ctx, task, capsys):
    from grading.reference import task as find

    wrong = MISTAKES[task](ctx["values"][task])
    out = report(ctx, task, wrong, capsys)
    assert "✗" in out and "提升方向" in out, out
    # every line is the head or a declared 提升方向: nothing computed from the reference is printed
    declared = {c.msg for c in find(M, NOTEBOOK[task], task).checks}
    for line in out.strip().splitlines()[1:]:
        assert line.strip().startswith("✗ 提升方向：") and line.strip()[len("✗ 提升方向：") :] in declared, line
    leaked = sorted(s for s in secrets(task) if s in out)
    assert not leaked, (task, leaked, out)


@pytest.mark.parametrize("task", list(NOTEBOOK))
def test_grader_agrees_with_the_visible_check(ctx, task, capsys):
    """Full points for the reference, fewer for the mistake, none for nothing: the same checks on the
    plain reference."""
    from grading.reference import grade
    from grading.reference import task as find

    t = find(M, NOTEBOOK[task], task)
    assert grade(M, NOTEBOOK[task], task, ctx["values"][task]) == t.points
    assert 0 <= grade(M, NOTEBOOK[task], task, MISTAKES[task](ctx["values"][task])) < t.points
    assert grade(M, NOTEBOOK[task], task, None) == 0
    capsys.readouterr()


@pytest.mark.parametrize("task", list(NOTEBOOK))
def test_grader_reads_the_exported_plain_data(ctx, task, capsys):
    """What the grader gets is the answer after the answer file's JSON round trip (dates as text, index as a column)."""
    from course.answers import decode, encode
    from grading.reference import grade
    from grading.reference import task as find

    plain = decode(json.loads(json.dumps(encode(ctx["values"][task]), ensure_ascii=False)))
    assert grade(M, NOTEBOOK[task], task, plain) == find(M, NOTEBOOK[task], task).points
    capsys.readouterr()


def test_partial_credit_for_a_partly_right_segmentation(ctx, capsys):
    """Only the gap customers misplaced (default 潜力用户): most points stay."""
    from grading.reference import grade

    v = ctx["values"]["segments"]
    wrong = v.assign(segment=v["segment"].replace({"成长用户": "潜力用户"}))
    pts = grade(M, "01_segments", "segments", wrong)
    assert 0.5 * 14 < pts < 14
    out = report(ctx, "segments", wrong, capsys)
    assert "default" in out and "沉睡用户、流失用户的人数不对" not in out


def test_spec_carries_no_plain_reference_value(ctx):
    """Public parameters and labels only: no customer id, no count, no chosen option in the release's spec."""
    values = ctx["values"]
    for spec in ctx["specs"].values():
        for name, entry in spec["tasks"].items():
            for check in entry["checks"]:
                params = json.dumps(check["params"], ensure_ascii=False)
                labels = [k.split(":", 1)[1] for k in check["digests"] if ":" in k]
                assert not any(lbl.startswith("U000") for lbl in labels), (name, labels[:3])
                for digests in check["digests"].values():
                    assert all(len(d) == 24 and int(d, 16) >= 0 for d in digests)
                assert "U000" not in params
    counts = values["segments"]["segment"].value_counts()
    spec01 = json.dumps(ctx["specs"]["01_segments"]["tasks"]["segments"]["checks"][2]["params"], ensure_ascii=False)
    assert not any(f" {n}" in spec01 or f":{n}" in spec01 for n in counts.values if n > 9)


@pytest.mark.parametrize(
    "task, junk",
    [
        ("segment_rules", {"case_a": None}),
        ("segment_rules", ["沉睡用户"]),
        ("segments", pd.DataFrame({"user_id": ["U1"], "segment": [np.nan]})),
        ("segments", "成长用户"),
        (
            "rfm_scores",
            pd.DataFrame(
                {
                    "user_id": ["U1"],
                    "R": ["三"],
                    "F": [1],
                    "M": [None],
                    "R_score": [None],
                    "F_score": [1],
                    "M_score": [9],
                }
            ),
        ),
        ("strategy", {"high_channel": 3}),
        ("repurchase", {"rate": "八成"}),
        ("cap_rule", {"cap": "两条"}),
        ("audit_by_campaign", pd.Series(["x"], index=[None])),
        ("schedule_report", pd.DataFrame({"保留": ["a"]})),
        ("contact_export", pd.DataFrame({"user_id": ["U1"], "channel": [None], "send_time": [math.nan]})),
        ("tiers", {"tier_by_spend": "金卡"}),
        ("reminders", pd.DataFrame({"user_id": [1]})),
        ("coupons", 7),
    ],
)
def test_bad_input_gets_a_chinese_message_not_a_crash(ctx, task, junk, capsys):
    out = report(ctx, task, junk, capsys)
    assert "✗" in out and "Traceback" not in out and "Error" not in out, out


def test_nothing_answered_says_what_to_do(ctx, capsys):
    for task in NOTEBOOK:
        out = report(ctx, task, None, capsys)
        assert "还没有作答" in out, (task, out)


def test_table3_gap_customers_are_growth_customers_by_course_decision():
    """The decision the notebook states: table 3's gap customers form 成长用户; the boundaries are
    inclusive where table 3 says 以上/≥."""
    from grading.reference.module4_crm import segments as S

    picks = {k: S.picked(A.context(), k) for k in S.CASES}
    assert picks == {
        "case_a": "沉睡用户",
        "case_b": "流失用户",
        "case_c": "高价值用户",
        "case_d": "成长用户",
        "case_e": "成长用户",
        "case_f": "潜力用户",
    }
