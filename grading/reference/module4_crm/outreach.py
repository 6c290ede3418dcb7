"""03_outreach: the frequency-cap rule, the 618 audit, the week's schedule, the export (表6 维度 d3 触达与频控)."""

from __future__ import annotations

import pandas as pd

from course import checks as C
from course.forms.outreach_form import NOT_COUNTED, RETURN, ROLLING
from course.tools import crm_checks as K

from ..tasks import Task
from . import common

NOTEBOOK = "03_outreach"
ACTIONS = ["保留", "顺延", "删除", "缺少时间"]


def audit_by_campaign(R) -> pd.Series:
    """Messages over the cap during the audit period, per campaign."""
    from course.tools import frequency

    def build():
        th = common.crm(R)
        m = R.table("messages")
        day = m["sent_at"].dt.normalize()
        period = m[day.between(pd.Timestamp(th["audit_start"]), pd.Timestamp(th["audit_end"]))]
        audit = frequency.check_cap(
            period, cap=th["frequency_cap_messages"], window_hours=th["frequency_cap_window_hours"]
        )
        return audit.violations.groupby("campaign").size()

    return common.memo(R, "audit", build)


SMS_CAMPAIGN = "沉睡唤醒券"  # the campaign whose SMS list the notebook exports (a row of assets/week_plan.csv)


def sms_list(R) -> pd.DataFrame:
    sent = common.schedule(R).sent
    return sent[sent["campaign"] == SMS_CAMPAIGN]


def report(R) -> pd.DataFrame:
    return common.schedule(R).counts()


def _action_check(action: str, msg: str, weight: float = 1.0) -> C.Check:
    return K.ValuesBy(key="campaign", column=action, weight=weight, ref=lambda R: report(R), msg=msg)


TASKS = [
    Task(
        "cap_rule",
        title="频控设置",
        dim="d3",
        points=6,
        kind="form",
        effort=5,
        checks=[
            C.Keys(
                keys=["cap", "window_hours", "window_kind", "service", "missing_time"],
                msg="五项都要填写，再点「保存」。",
            ),
            C.Equals(
                column="cap",
                digits=0,
                ref=lambda R: common.crm(R)["frequency_cap_messages"],
                msg="营销消息上限（条）不对：再读一遍工作坊方案的那句规则。",
            ),
            C.Equals(
                column="window_hours",
                digits=1,
                ref=lambda R: common.crm(R)["frequency_cap_window_hours"],
                msg="时间窗口（小时）不对：再读一遍工作坊方案的那句规则。",
            ),
            C.Equals(
                column="window_kind",
                ref=lambda R: ROLLING,
                msg="时间窗口的算法不对：晚上和第二天早上的两条消息相隔不到一天，客户感受到的是“一晚上收到两条”——"
                "按自然日计数会漏掉它们。",
            ),
            C.Equals(
                column="service",
                ref=lambda R: NOT_COUNTED,
                msg="服务消息的处理不对：规则限制的是“促销信息”；发货通知、售后回访是客户需要的服务。",
            ),
            C.Equals(
                column="missing_time",
                ref=lambda R: RETURN,
                msg="没有发送时间的消息不对：发送时间是活动负责人的决定，排期工具不能替人猜一个时间，也不能悄悄删掉。",
            ),
        ],
    ),
    Task(
        "audit_by_campaign",
        title="618 频控审计",
        dim="d3",
        points=6,
        kind="scaffold",
        checks=[
            K.ValuesBy(
                weight=2,
                ref=lambda R: audit_by_campaign(R),
                msg="各活动的超频条数不对：cap 和 window_hours 按频控规则填（条数、小时数），最后一个空格是活动所在的列名。",
            ),
            K.Aggregate(
                how="sum",
                ref=lambda R: audit_by_campaign(R),
                msg="超频消息的总条数不对：检查 cap 和 window_hours 两个空格。",
            ),
        ],
    ),
    Task(
        "schedule_report",
        title="下周排期",
        dim="d3",
        points=8,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=ACTIONS, msg="schedule_report 应是 schedule.counts() 的结果（列：保留、顺延、删除、缺少时间）。"
            ),
            _action_check(
                "删除",
                weight=2,
                msg="被删除的条数不对：priority 要填计划里“优先级”那一列的列名，"
                "max_delay_hours 填课程规定的最多顺延小时数。",
            ),
            _action_check("顺延", msg="顺延的条数不对：检查最多顺延的小时数（第二个空格）。"),
            _action_check(
                "保留",
                msg="保留的条数不对：如果练习01的分层与规则不一致，计划里的客户也会不同——先让练习01的自检全部 ✓。",
            ),
            _action_check("缺少时间", msg="“缺少时间”的条数不对：没有发送时间的消息不能被猜一个时间发出去。"),
        ],
    ),
    Task(
        "contact_export",
        title="脱敏导出",
        dim="d3",
        points=6,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=["user_id", "channel", "send_time"],
                msg="导出名单至少要有 user_id、channel、send_time：用途要选“触达”。",
            ),
            C.Predicate(
                func="course.tools.privacy:columns_allowed",
                args={"purpose": "触达"},
                weight=1.5,
                msg="名单里带了触达不需要的字段（地址、标签、分层等）：只导出这次用途需要的列。",
            ),
            C.Predicate(
                func="course.tools.privacy:is_masked",
                weight=2,
                msg="名单里还有完整的手机号、姓名或地址：导出前必须脱敏（138****1234、张**）。",
            ),
            K.Aggregate(
                how="rows",
                ref=lambda R: sms_list(R),
                msg="导出名单应与这个活动的发送名单一一对应（条数相同）：如果练习01 的分层或上面的排期有误，名单也会不同。",
            ),
        ],
    ),
]
