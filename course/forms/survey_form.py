"""Course feedback forms: the 5-minute anonymous survey after each module and
the final 1-5 satisfaction survey (workshop plan, 学员反馈与迭代优化).

A module's last notebook ends with one cell::

    from course.forms.survey_form import ModuleSurvey
    ModuleSurvey("module1_listing")

and the last module also shows the final survey::

    from course.forms.survey_form import FinalSurvey
    FinalSurvey()

The answers are saved like any form answer (in the notebook's
``*.answers.json``, under the keys ``survey_<module>`` and ``survey_final``).
The forms ask for no name and no student number, and do not echo the answers
into the notebook's output (which the TA sees in formgrader and feedback); the teacher's report
(``grading survey``) only shows counts, averages and the open answers sorted
by their text, never who wrote what.  Nothing here is graded.

The module survey also asks the 0-10 推荐意愿 question of the Net Promoter
Score; ``grading survey`` computes the NPS from it (推荐者 9-10 分占比 −
贬损者 0-6 分占比).  It is optional like the rest of the survey.

A teacher who wants other questions edits ``DIFFICULTY_OPTIONS``,
``PACE_OPTIONS``, ``RECOMMEND_QUESTION`` or ``FINAL_DIMENSIONS`` below; the
report reads the same definitions.

>>> [f.name for f in module_fields("module1_listing")]
['difficulty', 'pace', 'recommend', 'suggestion']
>>> module_fields("module1_listing")[2].options[0], module_fields("module1_listing")[2].options[-1]
('0', '10')
>>> [f.name for f in final_fields()]
['usefulness', 'lecturer', 'tools', 'comment']
"""

from __future__ import annotations

from .base import Form
from .fields import Choice, Field, TextArea

SURVEY_PREFIX = "survey_"
FINAL_KEY = "survey_final"

# "本模块难点是______（选项：选品分析/工具操作/数据解读）" — the plan's own example,
# widened per module to the steps the module teaches.
DIFFICULTY_OPTIONS: dict[str, list[str]] = {
    "module1_listing": [
        "选品分析",
        "关键词与标题",
        "详情页规划",
        "SKU与价格",
        "上架核对",
        "工具操作",
        "数据解读",
        "没有明显难点",
    ],
    "module2_campaign": [
        "活动规则设计",
        "让利与利润核算",
        "目标测算与预算",
        "执行监控",
        "工具操作",
        "数据解读",
        "没有明显难点",
    ],
    "module3_analytics": [
        "核心指标计算",
        "漏斗诊断",
        "渠道ROI",
        "A/B测试",
        "复盘报告",
        "工具操作",
        "数据解读",
        "没有明显难点",
    ],
    "module4_crm": [
        "用户分层",
        "RFM分析",
        "分层策略",
        "触达与频控",
        "会员与积分",
        "工具操作",
        "数据解读",
        "没有明显难点",
    ],
}
DEFAULT_DIFFICULTY = ["工具操作", "数据解读", "概念理解", "没有明显难点"]
PACE_OPTIONS = ["太快", "合适", "太慢"]

# The Net Promoter Score question (0-10): 9-10 推荐者, 7-8 中立者, 0-6 贬损者.
RECOMMEND_QUESTION = "你有多大可能向朋友或同学推荐这个模块"
RECOMMEND_OPTIONS = [str(i) for i in range(11)]
RECOMMEND_HELP = "0 = 完全不会推荐，10 = 一定会推荐"

# The final survey's three dimensions (1-5), as named in the workshop plan.
FINAL_DIMENSIONS: dict[str, str] = {"usefulness": "实用性", "lecturer": "讲师专业度", "tools": "工具易用性"}
SCORE_OPTIONS = ["1", "2", "3", "4", "5"]
SCORE_HELP = "1 = 很不满意，3 = 一般，5 = 非常满意"

ANONYMOUS_NOTE = (
    "匿名问卷，约 5 分钟：不需要填写姓名或学号。老师看到的只是全班的汇总（人数、比例、平均分）"
    "和不署名的建议，与成绩无关。"
)


def module_title(module: str) -> str:
    """The module's Chinese title from the settings (the folder name if unknown)."""
    try:
        from .. import settings

        return settings.load()["modules"][module]["title"]
    except Exception:  # noqa: BLE001 - a survey must show even with odd settings
        return module


def module_fields(module: str) -> list[Field]:
    """The fields of a module's survey: one single choice, pace, 0-10 推荐意愿, one open question."""
    return [
        Choice(
            "difficulty",
            "本模块难点是",
            options=list(DIFFICULTY_OPTIONS.get(module, DEFAULT_DIFFICULTY)),
            help="选一个你觉得最难的部分",
        ),
        Choice("pace", "讲解节奏", options=list(PACE_OPTIONS)),
        Choice("recommend", RECOMMEND_QUESTION, options=list(RECOMMEND_OPTIONS), help=RECOMMEND_HELP, required=False),
        TextArea(
            "suggestion",
            "建议改进",
            required=False,
            rows=3,
            max_len=500,
            placeholder="例如：希望多一个工具操作演示（选填）",
        ),
    ]


def final_fields() -> list[Field]:
    """The fields of the final satisfaction survey: three 1-5 scores and a comment."""
    fields: list[Field] = [
        Choice(name, label, options=list(SCORE_OPTIONS), help=SCORE_HELP) for name, label in FINAL_DIMENSIONS.items()
    ]
    fields.append(
        TextArea("comment", "最有收获的内容 / 其他建议", required=False, rows=3, max_len=500, placeholder="选填")
    )
    return fields


def survey_key(module: str) -> str:
    return f"{SURVEY_PREFIX}{module}"


class _AnonymousEcho(Form):
    """A survey does not echo its answers as text: the echo would end up in the
    executed notebook that the TA opens in formgrader and in the feedback HTML.
    The student still sees the entries in the form itself."""

    def text(self) -> str:
        entry = self._store.form_entry(self.key)
        if entry is None:
            return f"【{self.title}】还没有填写（问卷不计分，选填）。"
        return (
            f"【{self.title}】已保存 ✓（{entry.get('saved_at', '')}）。匿名问卷：答案只进入全班汇总，"
            "不在笔记本输出和反馈中显示。"
        )


class ModuleSurvey(_AnonymousEcho):
    """The anonymous survey at the end of a module (single choice + open question)."""

    def __init__(self, module: str):
        self.module = module
        super().__init__(
            survey_key(module),
            f"模块反馈问卷 · {module_title(module)}",
            module_fields(module),
            description=ANONYMOUS_NOTE,
        )

    def answers(self) -> dict | None:
        """The saved answer, or None (a survey is optional: no 'fill the form first' message)."""
        return self.values


class FinalSurvey(_AnonymousEcho):
    """The final 1-5 satisfaction survey on 实用性, 讲师专业度, 工具易用性."""

    def __init__(self):
        super().__init__(FINAL_KEY, "课程满意度调研（1-5 分）", final_fields(), description=ANONYMOUS_NOTE)

    def answers(self) -> dict | None:
        return self.values


def fields_for_key(key: str) -> list[Field] | None:
    """The survey fields behind an answer-file key, or None if ``key`` is no survey."""
    if key == FINAL_KEY:
        return final_fields()
    if key.startswith(SURVEY_PREFIX):
        return module_fields(key[len(SURVEY_PREFIX) :])
    return None


def parse_entry(key: str, entry: dict) -> dict | None:
    """Re-parse a saved survey entry field by field (without a notebook session).

    Invalid or empty fields come back as None; the rest of the entry still
    counts, so a half-filled survey contributes what it has.
    """
    fields = fields_for_key(key)
    if fields is None or not isinstance(entry, dict):
        return None
    raw = entry.get("raw") if isinstance(entry.get("raw"), dict) else None
    values = entry.get("values") if isinstance(entry.get("values"), dict) else {}
    out = {}
    for f in fields:
        if raw is not None:
            v, msg = f.parse(raw.get(f.name))
            out[f.name] = None if msg else v
        else:
            v = values.get(f.name)
            ok = v is not None and f.parse(v)[1] is None
            out[f.name] = v if ok else None
    return out
