"""The course feedback survey of the pilot classes (May 2026): the ``survey`` table.

Independent of the shop: the four modules' ratings and comments from three
pilot classes, drawn from the seed's "survey" stream (a module added to the
course later has no pilot survey).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

_MODULE_TITLES = {
    "module1_listing": "模块一 商品运营全链路实战——从选品到上架",
    "module2_campaign": "模块二 营销活动策划与落地执行",
    "module3_analytics": "模块三 数据分析与优化决策",
    "module4_crm": "模块四 客户关系维护与转化",
}
# mean scores: usefulness, lecturer, tool ease, recommend(0-10)
_MODULE_MEANS = {
    "module1_listing": (4.4, 4.6, 4.1, 8.3),
    "module2_campaign": (4.5, 4.5, 4.0, 8.5),
    "module3_analytics": (4.2, 4.6, 3.3, 7.6),
    "module4_crm": (4.3, 4.4, 4.0, 8.0),
}
_COMMENTS = {
    "module1_listing": [
        "标题写法讲得很清楚",
        "希望多给几个选品案例",
        "主图要求记住了",
        "SKU 设置练习很实用",
        "时间有点紧",
    ],
    "module2_campaign": [
        "满减和第二件半价算账很有用",
        "活动节奏讲得清楚",
        "希望多讲直播",
        "分组讨论很热闹",
        "预算表格有点难",
    ],
    "module3_analytics": [
        "漏斗分析很有启发",
        "表格工具不太会用",
        "公式太多，跟不上",
        "希望提供操作录屏",
        "ROI 计算终于懂了",
    ],
    "module4_crm": ["用户分层很实用", "频控规则第一次听说", "短信模板可以直接用", "希望多讲会员积分", "案例贴近实际"],
}
_PILOT_CLASSES = {
    "试点1班": ("2026-05-09", "2026-05-10"),
    "试点2班": ("2026-05-16", "2026-05-17"),
    "试点3班": ("2026-05-23", "2026-05-24"),
}
_MODULE_END = {
    "module1_listing": (0, "12:30"),
    "module2_campaign": (0, "17:00"),
    "module3_analytics": (1, "12:30"),
    "module4_crm": (1, "17:00"),
}


def survey_frame(rng: np.random.Generator) -> pd.DataFrame:
    """The ``survey`` table: every pilot student rates every module at its end."""
    rows = []
    rid = 0
    for cls, days in _PILOT_CLASSES.items():
        n_students = int(rng.integers(22, 29))
        for mod, title in _MODULE_TITLES.items():
            mu = _MODULE_MEANS[mod]
            day_idx, hhmm = _MODULE_END[mod]
            end = dt.datetime.fromisoformat(f"{days[day_idx]} {hhmm}")
            n_resp = n_students - int(rng.integers(0, 3))
            for _ in range(n_resp):
                rid += 1
                scores = [int(np.clip(np.rint(rng.normal(m, 0.7)), 1, 5)) for m in mu[:3]]
                rec = int(np.clip(np.rint(rng.normal(mu[3], 1.4)), 0, 10))
                comment = _COMMENTS[mod][rng.integers(5)] if rng.random() < 0.45 else ""
                at = end + dt.timedelta(seconds=int(rng.integers(30, 600)))
                rows.append(
                    dict(
                        response_id=f"R{rid:04d}",
                        class_id=cls,
                        module=mod,
                        module_title=title,
                        usefulness=scores[0],
                        lecturer_expertise=scores[1],
                        tool_ease=scores[2],
                        recommend_score=rec,
                        comment=comment or None,
                        submitted_at=at,
                    )
                )
    df = pd.DataFrame(rows).sort_values(["submitted_at", "response_id"], kind="mergesort")
    df["submitted_at"] = df.submitted_at.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df.reset_index(drop=True)
