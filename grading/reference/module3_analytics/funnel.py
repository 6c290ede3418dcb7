"""02_funnel: the visit funnel (访问 → 加购 → 下单 → 支付, counted in visits) and the diagnosis.

The source documents' rule of thumb ("访问→加购 25 % normal, 加购→下单 12 %
low") counts visits; each step's rate is the step's count over the previous
step's.  The comparison group is the 日常 days of the review month.
"""

from __future__ import annotations

import pandas as pd

from course import checks as C
from course.forms.decisions import CAUSES, SCOPES
from course.tools import datacentre as D

from ..tasks import Task
from .shop import ORDINARY, between, cached, shop

NOTEBOOK = "02_funnel"
STEPS = ["访问→加购", "加购→下单", "下单→支付"]
COUNTS = ["访问次数", "加购次数", "下单次数", "支付次数"]
KEY_NAMES = {"phase": "阶段", "channel": "渠道", "date": "日期"}


def funnel_table(
    traffic: pd.DataFrame, by: str | list[str] | None = None, phases: list | None = None, channels: list | None = None
) -> pd.DataFrame:
    """Visits → 加购 → 下单 → 支付 (counts of visits) and each step's rate, per group.

    ``phases`` / ``channels`` give the order of the rows (else sorted).
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    flags = traffic[["added_to_cart", "ordered", "paid"]].astype("int64")
    if keys:
        g = flags.groupby([traffic[k] for k in keys], observed=True, sort=True)
        out = g.sum()
        out.insert(0, "访问次数", g.size())
    else:
        out = flags.sum().to_frame().T
        out.insert(0, "访问次数", len(traffic))
    out.columns = COUNTS
    out = out.astype("int64")
    for step, (num, den) in zip(STEPS, zip(COUNTS[1:], COUNTS[:-1])):
        out[step] = out[num] / out[den].where(out[den] > 0)
    if not keys:
        return out.reset_index(drop=True)
    out = out.reset_index().rename(columns=KEY_NAMES)
    sort = []
    for col, order in (("阶段", phases), ("渠道", channels)):
        if col in out:
            out[col] = out[col].astype(str)
            if order:
                out[f"_{col}"] = out[col].map({v: i for i, v in enumerate(order)})
                sort.append(f"_{col}")
    if sort:
        out = out.sort_values(sort, kind="mergesort").drop(columns=sort).reset_index(drop=True)
    return out


def month_traffic(R) -> pd.DataFrame:
    s = shop(R)
    return between(s["traffic"], s["calendar"].month_start, s["calendar"].month_end)


def diagnosis(R) -> dict:
    """The leaking step (largest relative drop, campaign against 日常), where, how widely, the two rates."""

    def make():
        cal = shop(R)["calendar"]
        month = month_traffic(R)
        by_phase = funnel_table(month, "phase").set_index("阶段")
        base = by_phase.loc[ORDINARY]
        camp = funnel_table(between(month, cal.start, cal.end)).iloc[0]
        drop = 1 - camp[STEPS] / base[STEPS]
        step = str(drop.astype(float).idxmax())
        phases = [p for p in cal.campaign_phases if by_phase.loc[p, step] < base[step]]
        during = funnel_table(between(month, cal.start, cal.end), "channel").set_index("渠道")[step]
        everywhere = bool((during < base[step]).all())  # every channel below the shop's 日常 level
        return {
            "step": step,
            "phases": phases,
            "scope": SCOPES[0] if everywhere else SCOPES[1],
            "normal_rate": float(base[step]),
            "campaign_rate": float(camp[step]),
            "causes": list(CAUSES_BY_STEP[step]),
        }

    return cached(R, "diagnosis", make)


#: the source documents' rule: which causes a leak at each step points to
CAUSES_BY_STEP = {"访问→加购": (CAUSES[2], CAUSES[3]), "加购→下单": (CAUSES[0], CAUSES[1]), "下单→支付": (CAUSES[4],)}


def _dates(R, which: str) -> str:
    cal = shop(R)["calendar"]
    return getattr(cal, which)


TASKS = [
    Task(
        "phase_funnel",
        title="取数：复盘月按活动阶段的漏斗",
        dim="d2",
        points=4,
        kind="form",
        effort=4,
        checks=[
            C.Keys(keys=["metrics", "dimension", "start", "end"], msg="先在数据中心选好条件，再点「保存」。"),
            C.Includes(
                column="metrics",
                weight=1.5,
                ref=lambda R: STEPS,
                msg="指标要勾选漏斗的三个环节转化率（按访问次数）：访问→加购、加购→下单、下单→支付。",
            ),
            C.Equals(
                column="dimension",
                ref=lambda R: "按活动阶段",
                msg="拆分维度不对：要比较日常和各活动阶段，就按活动阶段拆分。",
            ),
            C.Equals(
                column="start",
                ref=lambda R: _dates(R, "month_start"),
                msg="开始日期不对：取活动所在的整个月（复盘月），日常的日子才有对照。看第一个代码单元格打印的日历。",
            ),
            C.Equals(column="end", ref=lambda R: _dates(R, "month_end"), msg="结束日期不对：取到复盘月的最后一天。"),
            C.Equals(column="channel", ref=lambda R: D.ALL_CHANNELS, weight=0.5, msg="这次看全店：渠道选“全部渠道”。"),
        ],
    ),
    Task(
        "channel_funnel",
        title="取数：活动期各渠道的加购→下单",
        dim="d2",
        points=3,
        kind="form",
        effort=2,
        checks=[
            C.Keys(keys=["metrics", "dimension", "start", "end"], msg="先在数据中心选好条件，再点「保存」。"),
            C.Includes(
                column="metrics",
                ref=lambda R: [diagnosis(R)["step"]],
                msg="指标要勾选你要核对的那个环节的转化率（漏得最多的那一步）。",
            ),
            C.Equals(
                column="dimension", ref=lambda R: "按渠道", msg="拆分维度不对：要看是不是每个渠道都这样，就按渠道拆分。"
            ),
            C.Equals(
                column="start", ref=lambda R: _dates(R, "start"), msg="开始日期不对：只看活动期（日历里活动的第一天）。"
            ),
            C.Equals(
                column="end", ref=lambda R: _dates(R, "end"), msg="结束日期不对：只看活动期（日历里活动的最后一天）。"
            ),
            C.Equals(
                column="phase",
                ref=lambda R: D.ALL_PHASES,
                weight=0.5,
                msg="活动阶段选“全部阶段”：活动期三个阶段合起来看。",
            ),
        ],
    ),
    Task(
        "leak",
        title="漏斗诊断",
        dim="d2",
        points=8,
        kind="form",
        effort=6,
        checks=[
            C.Keys(
                keys=["step", "phases", "scope", "normal_rate", "campaign_rate", "causes"], msg="六项都要填写后保存。"
            ),
            C.Equals(
                column="step",
                weight=3,
                ref=lambda R: diagnosis(R)["step"],
                msg="漏得最多的环节选错了：把日常和各活动阶段的三个环节转化率并排比较，看哪一步下降得最多（相对下降）。",
            ),
            C.SameSet(
                column="phases",
                weight=1.5,
                ref=lambda R: diagnosis(R)["phases"],
                msg="出问题的阶段：逐个活动阶段和日常比较这一步的转化率，比日常低的都勾上（日常是对照组）。",
            ),
            C.Equals(
                column="scope",
                ref=lambda R: diagnosis(R)["scope"],
                msg="涉及渠道判断错了：看“活动期各渠道”的取数结果，和各渠道平时的水平比，是每个渠道都低，还是只有一两个？",
            ),
            C.Equals(
                column="normal_rate",
                digits=3,
                weight=0.5,
                ref=lambda R: diagnosis(R)["normal_rate"],
                msg="日常的转化率不对：取复盘月“日常”阶段这一步的转化率，以百分数填写（如 30.4）。",
            ),
            C.Equals(
                column="campaign_rate",
                digits=3,
                weight=0.5,
                ref=lambda R: diagnosis(R)["campaign_rate"],
                msg="活动期的转化率不对：三个活动阶段合起来算一个数（次数相加后再相除，不是三个比率取平均）："
                "在数据中心里按活动期、不拆分取数就能看到。",
            ),
            C.Within(
                column="causes",
                weight=1.5,
                ref=lambda R: diagnosis(R)["causes"],
                msg="原因与证据不符：按来源文档的诊断规则（操作步骤 4 的表），漏的是哪一步，就对应哪一类原因；"
                "不要勾选与这一步无关的原因。",
            ),
        ],
    ),
]
