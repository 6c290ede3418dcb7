"""How a student fills each course form in the browser, keyed by form key.

One ``Recipe`` per form key (the ``key`` of the ``course.forms.Form``; it is also
the ``course-form-<key>`` CSS class).  Values are what a student types or picks,
in the shape of the form's *raw* entries:

* text, number, date, text area: a string (typed key by key);
* dropdown (``Choice``): the option's text;
* check box (``Check``): True / False;
* check boxes (``MultiChoice``): a list of option texts to tick (the others are unticked);
* table (``Repeat``): a list of row dicts ``{sub_field: value}``; rows are added
  with 「添加一行」 (``course-add-row``) or deleted (``course-delete-row``) to match.

``wrong`` is applied first and saved: the page must list a message containing
every string in ``wrong_messages`` (``wrong={}`` saves the untouched form).
Then ``right`` is applied and saved: the page must confirm (检查通过) and the
answer file must hold exactly what was typed.  ``right`` passes the form's own
checks *in the released notebook* (where the student has not answered the
cells above yet); it is not meant to be the graded answer.

A form without a recipe is still opened, saved untouched (messages must show),
given one typed field, and checked to persist across a kernel restart and a
page reload (see test_student_day.py).  Add a recipe here when a form changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Recipe:
    right: dict
    wrong: dict | None = None  # None: no wrong-entry step
    wrong_messages: list[str] = field(default_factory=list)
    #: fields not read back after the reload (e.g. rebuilt by the notebook)
    skip_readback: list[str] = field(default_factory=list)


_DETAIL_SECTIONS = [
    ("场景导入", "小户型卧室床边的收纳难题"),
    ("产品细节", "抽屉滑轨、板材封边"),
    ("核心卖点", "免安装、窄款"),
    ("规格参数", "40cm宽/48cm宽"),
    ("用户评价", "带图好评"),
]
_DETAIL_POINTS = [
    ("40cm窄款不占地", "卧室空间小"),
    ("免安装抽拉设计", "安装麻烦"),
    ("双抽屉大容量", "收纳不够用"),
    ("环保E1级板材", "担心甲醛"),
]
_MAIN_IMAGES = [
    "cand_03.png",
    "cand_01.png",
    "cand_07.png",
    "cand_05.png",
    "cand_08.png",
]  # table 1: 1 white, 2 scenes, 2 details


def _module3_budget() -> dict:
    """A budget plan keeping this campaign's total ad spend (the form reads it from the data)."""
    import module3_answers

    return module3_answers.budget_entries()


RECIPES: dict[str, Recipe] = {
    # tests/fixtures/sample: the test-only assignment (a Text and a Number field)
    "shop": Recipe(
        wrong={"name": "北欧家居旗舰店", "price": "499元"},
        wrong_messages=["日常价", "不要带“元”"],
        right={"name": "北欧家居旗舰店", "price": "499.00"},
    ),
    # -- module1_listing ---------------------------------------------------------------
    "swot": Recipe(  # 01_selection: a table of 3 candidates (rows added and deleted)
        wrong={"rows": [{"item_id": "T1", "s": "好", "w": "好", "o": "", "t": ""}]},
        wrong_messages=["至少填写 3 行"],
        right={
            "rows": [
                {
                    "item_id": "T001",
                    "s": "月销过万，口碑稳定",
                    "w": "单件成本偏高",
                    "o": "开学季需求上升",
                    "t": "竞品多价格战",
                },
                {
                    "item_id": "T002",
                    "s": "毛利率较高的款式",
                    "w": "体积大运费高",
                    "o": "小户型租房人群增加",
                    "t": "大店低价冲量",
                },
                {
                    "item_id": "T003",
                    "s": "设计差异明显",
                    "w": "备货资金占用多",
                    "o": "家装旺季带动",
                    "t": "同款跟卖增多",
                },
            ]
        },
    ),
    "title": Recipe(  # 02_title: the title editor
        wrong={"core_keyword": "床头柜", "attributes": "北欧、简约", "marketing": "新款", "title": "最好的床头柜"},
        wrong_messages=["最好"],
        right={
            "core_keyword": "床头柜",
            "attributes": "北欧、简约、小户型、卧室",
            "marketing": "2026新款",
            "title": "栖木北欧ins风简约床头柜卧室小户型储物柜现代简约白色2026新款",
        },
    ),
    "detail": Recipe(  # 03_detail_page: two tables (dropdowns in rows) and a number
        wrong={"video_seconds": "20秒"},
        wrong_messages=["短视频时长"],
        right={
            "sections": [{"module": m, "content": c} for m, c in _DETAIL_SECTIONS],
            "points": [{"point": p, "pain": q} for p, q in _DETAIL_POINTS],
            "video_seconds": "20",
        },
    ),
    "sku": Recipe(  # 04_sku_price: attribute rows (3 typed, then one deleted)
        wrong={
            "attributes": [
                {"name": "颜色", "values": "白色/默认"},
                {"name": "尺寸", "values": "40cm宽/48cm宽"},
                {"name": "材质", "values": ""},
            ]
        },
        wrong_messages=["颜色:默认"],
        right={
            "attributes": [
                {"name": "颜色", "values": "白色/原木色/浅灰色"},
                {"name": "尺寸", "values": "40cm宽/48cm宽"},
            ]
        },
    ),
    "price": Recipe(  # 04_sku_price: 日常价 + 活动价 per size (one row per spec to start with)
        wrong={"prices": [{"spec": "40cm宽", "daily": "199元", "activity": "89"}]},
        wrong_messages=["不要带“元”"],
        right={
            "prices": [
                {"spec": "40cm宽", "daily": "199.00", "activity": "179.00"},
                {"spec": "48cm宽", "daily": "259.00", "activity": "229.00"},
            ]
        },
    ),
    "images": Recipe(  # 03_detail_page: five dropdowns (main images in order) and check boxes (detail page)
        wrong={
            **{f"main_{i}": f for i, f in enumerate(["cand_02.png", *_MAIN_IMAGES[1:]], 1)},
            "detail": ["cand_04.png"],
        },
        wrong_messages=["首图", "拼接图"],
        right={**{f"main_{i}": f for i, f in enumerate(_MAIN_IMAGES, 1)}, "detail": _MAIN_IMAGES},
    ),
    "catalog_audit": Recipe(  # 05_listing_audit: four rows of check boxes (the shop's products)
        right={"title": ["P006", "P010", "P012"], "price": ["P005"], "sku": ["P013"], "original": ["P003"]},
    ),
    # -- module2_campaign --------------------------------------------------------------
    "campaign_plan": Recipe(  # 01_plan: phases table with dates and channel check boxes; budget prefilled
        wrong={"reserve": "六百"},
        wrong_messages=["阿拉伯数字"],
        right={
            "theme": "新人大促·焕新家限时直降",
            "audience": "店铺新客（从未下过单的访客）",
            "phases": [
                {
                    "phase": "预热期",
                    "start": "2026-06-15",
                    "end": "2026-06-17",
                    "channels": ["平台首页推荐", "社群引流", "直播"],
                    "action": "社群预告，引导加购领券",
                },
                {
                    "phase": "爆发期",
                    "start": "2026-06-18",
                    "end": "2026-06-18",
                    "channels": ["付费广告", "平台首页推荐", "直播"],
                    "action": "加大付费广告，0点开抢",
                },
                {
                    "phase": "返场期",
                    "start": "2026-06-19",
                    "end": "2026-06-20",
                    "channels": ["社群引流", "直播"],
                    "action": "向加购未支付用户推券",
                },
            ],
            "reserve": "600",
        },
    ),
    "promotion_rules": Recipe(  # 01_plan: rule rows (dropdown + check box per row)
        wrong={"start": "6月15日"},
        wrong_messages=["活动开始时间"],
        right={
            "title": "新人大促·焕新家限时直降",
            "start": "2026-06-15 00:00",
            "end": "2026-06-20 23:59",
            "rules": [
                {"type": "第N件折扣", "p1": "2", "p2": "0.5", "stack": True},
                {"type": "满减", "p1": "399", "p2": "50", "stack": True},
                {"type": "前N名赠品", "p1": "100", "p2": "", "stack": True},
            ],
            "order": "第N件折扣 > 满减",
            "gift_name": "定制收纳盒",
            "gift_stock": "120",
            "gift_cost": "8.00",
            "stock_alert": "10",
        },
    ),
    "rule_text": Recipe(  # 02_pricing: the colleague's draft, saved as it is, then rewritten
        wrong={},
        wrong_messages=["违规条款", "前后矛盾"],
        right={
            "text": "活动时间：2026-06-15 00:00 至 2026-06-20 23:59。同一商品第2件半价；第二件半价后满399元（含399元）"
            "减50元，每单一次；按支付时间前100名赠定制收纳盒，送完即止；部分退货按分摊后的实付金额退款。"
        },
    ),
    "rule_adjust": Recipe(  # 02_pricing: three numbers, prefilled with the shop's rules
        wrong={"amount": "五十"},
        wrong_messages=["阿拉伯数字"],
        right={"nth_rate": "0.5", "threshold": "399", "amount": "80"},
    ),
    # -- module3_analytics --------------------------------------------------------------
    "targets": Recipe(  # 01_core_metrics: four dropdowns
        wrong={},
        wrong_messages=["必填"],
        right={"gmv": "达标", "conversion": "未达标", "new_conversion": "未达标", "worst": "新客转化率"},
    ),
    "phase_funnel": Recipe(  # 02_funnel: the data centre (check boxes, dropdowns, dates)
        wrong={"start": "2026/06/40"},
        wrong_messages=["开始日期"],
        right={
            "metrics": ["访问→加购", "加购→下单", "下单→支付"],
            "dimension": "按活动阶段",
            "start": "2026-06-01",
            "end": "2026-06-30",
            "chart": "柱状图",
        },
    ),
    "channel_funnel": Recipe(  # 02_funnel: the data centre, defaults to the campaign's dates
        wrong={},
        wrong_messages=["至少勾选"],
        right={"metrics": ["加购→下单"], "dimension": "按渠道"},
    ),
    "leak": Recipe(  # 02_funnel: dropdowns, check boxes, percentages ("30.4" and "12.2%" both read as percent)
        wrong={"normal_rate": "120"},
        wrong_messages=["不能大于 100"],
        right={
            "step": "加购→下单",
            "phases": ["预热期", "爆发期", "返场期"],
            "scope": "所有渠道普遍偏低",
            "normal_rate": "30.4",
            "campaign_rate": "12.2%",
            "causes": ["结算流程繁琐或出错", "优惠规则不清晰"],
        },
    ),
    "low_roi": Recipe(  # 03_channel_roi: check boxes with a "none" option
        wrong={
            "by_gmv_ratio": ["付费广告", "（没有渠道低于该值）"],
            "by_roi": ["付费广告"],
            "measure": "ROI（毛利贡献÷广告花费）",
        },
        wrong_messages=["不要再勾选"],
        right={"by_gmv_ratio": ["（没有渠道低于该值）"], "by_roi": ["付费广告"], "measure": "ROI（毛利贡献÷广告花费）"},
    ),
    "budget": Recipe(  # 03_channel_roi: the plan must keep this campaign's total spend (from the data)
        wrong={
            "paid_ads": "3000",
            "homepage": "2000",
            "community": "2000",
            "live": "2000",
            "reserve": "0",
            "reason": "太短",
        },
        wrong_messages=["风险准备金"],
        right=_module3_budget(),
    ),
    "ab_decision": Recipe(  # 04_ab_test: two dropdowns and a text
        wrong={"decision": "全量上线新版B", "more_time": "约1-2个月", "reason": "B 好"},
        wrong_messages=["不需要继续测试"],
        right={
            "decision": "证据不足，继续测试",
            "more_time": "约2-3个月",
            "reason": "p 值大于 0.05，置信区间包含 0，样本量还不够。",
        },
    ),
    "daily_trend": Recipe(  # 05_review_dashboard: the data centre, a line chart by day
        wrong={"end": "6月30日"},
        wrong_messages=["结束日期"],
        right={
            "metrics": ["UV", "转化率"],
            "dimension": "按日期",
            "start": "2026-06-01",
            "end": "2026-06-30",
            "chart": "折线图",
        },
    ),
    "action_plan": Recipe(  # 05_review_dashboard: the action list (3 rows)
        wrong={},
        wrong_messages=["至少填写 3 行"],
        right={
            "rows": [
                {
                    "problem": "活动期加购→下单只有 12%，日常为 30%；优惠叠加规则复杂，算不清到手价",
                    "action": "在结算页顶部增加优惠明细模块，并在详情页放 3 个满减计算示例",
                    "target": "加购→下单 ≥ 20%",
                    "deadline": "2026-10-31",
                },
                {
                    "problem": "付费广告活动期 ROI 只有 0.9，低于 2",
                    "action": "下次大促付费广告预算减少 60%，暂停泛词计划",
                    "target": "付费广告 ROI ≥ 2.0",
                    "deadline": "2026-10-20",
                },
                {
                    "problem": "A/B 测试 B 组转化率高 1.4 个百分点，但 p 值大于 0.05",
                    "action": "新版详情页继续测试到每组 7000 名访客后再决定是否全量上线",
                    "target": "每组访客 ≥ 7000",
                    "deadline": "2026-09-30",
                },
            ]
        },
    ),
    # -- module4_crm ---------------------------------------------------------------
    "segment_rules": Recipe(  # 01_segments: a segment for each of six boundary/gap customers (default settings)
        wrong={},
        wrong_messages=["必填"],
        right={
            "case_a": "沉睡用户",
            "case_b": "流失用户",
            "case_c": "高价值用户",
            "case_d": "成长用户",
            "case_e": "成长用户",
            "case_f": "潜力用户",
        },
    ),
    "segment_strategy": Recipe(  # 02_strategy: a channel and a benefit per segment (table 3, amounts at default settings)
        wrong={"high_channel": "专属客服 + 短信"},
        wrong_messages=["必填"],
        right={
            "high_channel": "专属客服 + 短信",
            "high_benefit": "95折会员日 + 新品优先购",
            "growth_channel": "App推送 + 社群",
            "growth_benefit": "满299减30 + 猜你喜欢",
            "potential_channel": "App推送 + 社群",
            "potential_benefit": "满299减30 + 猜你喜欢",
            "dormant_channel": "短信 + 邮件",
            "dormant_benefit": "50元无门槛券（7天有效）",
            "lost_channel": "电话回访（可选）",
            "lost_benefit": "回归大礼包（100元券 + 赠品）",
        },
    ),
    "cap_rule": Recipe(  # 03_outreach: the frequency-cap settings
        wrong={"cap": "2条"},
        wrong_messages=["数字"],
        right={
            "cap": "2",
            "window_hours": "24",
            "window_kind": "任意连续的 N 小时（滚动计算）",
            "service": "不计入上限",
            "missing_time": "退回活动负责人补时间，不发送",
        },
    ),
    "survey_final": Recipe(  # 04_membership: the 1-5 satisfaction survey
        wrong={},
        wrong_messages=["必填"],
        right={"usefulness": "5", "lecturer": "5", "tools": "4", "comment": "表单和自动检查很实用。"},
    ),
}

# the anonymous module surveys at the end of each module (course/forms/survey_form.py)
for _module, _difficulty in (
    ("module1_listing", "关键词与标题"),
    ("module2_campaign", "让利与利润核算"),
    ("module3_analytics", "漏斗诊断"),
    ("module4_crm", "会员与积分"),
):
    RECIPES[f"survey_{_module}"] = Recipe(
        wrong={},
        wrong_messages=["必填"],
        right={"difficulty": _difficulty, "pace": "合适", "suggestion": "希望多一些真实案例。"},
    )

# The confirmation the course's forms show after a save without problems
# (course/forms/widgets.py) and the status prefix of a saved form (course/messages.py).
CONFIRMATION = "检查通过"
SAVED = "已保存"
# What the generic fallback types into the first free-text field of a form without a recipe
PROBE_TEXT = "浏览器测试 probe"
