"""01_plan: the campaign plan and the promotion rules (表6 活动规则设计).

Both are back-office forms.  The plan is judged on the decisions the workshop
plan names (【工作坊方案·模块二·操作步骤】 and its 关键控制点); the rules on the
shop's 618 rules as its back office exported them (``promotions``), the campaign
time (``campaign_phases``) and the settings (gift stock, stock alert).
"""

from __future__ import annotations

from course import checks as C
from course.forms import campaign_form as plan_form
from course.forms import promotion_form as promo_form
from course.tools import campaign
from course.tools import campaign_checks as M
from course.tools.promotion import fmt_time

from ..tasks import Task

NOTEBOOK = "01_plan"

PLAN_FACTS = "course.forms.campaign_form:plan_facts"
RULE_FACTS = "course.forms.promotion_form:rule_facts"

# 【工作坊方案·模块二·场景设定】 a campaign for new users: the target group says so
NEW_CUSTOMER_WORDS = ["新客", "新用户", "新人", "新顾客", "新买家", "首单", "首次"]
# 【工作坊方案·模块二·操作步骤】 推广计划: 预热期 社群预告 + 短视频引流; 爆发期 加大平台广告投放;
# 返场期 针对未转化用户定向推送优惠券
PRESALE_CHANNEL = "社群引流"
PRESALE_WORDS = ["社群", "短视频", "预告"]
BURST_CHANNEL = "付费广告"
ENCORE_WORDS = [["券"], ["未转化", "未支付", "未付款", "未下单", "未购买", "未成交", "加购", "定向"]]


def phase_dates(R) -> str:
    """The 阶段日期 fact of a right plan: the phases of the settings (3 / 1 / 2 days) around the
    爆发期, 618 itself in the shop's data."""
    return plan_form.phase_dates_text(campaign.plan_phases(campaign.burst_day()))


def shop_rule_facts(R) -> dict:
    """The facts of a right promotion form: the shop's 618 rules, the settings' gift stock."""
    return promo_form.ruleset_facts(campaign.shop_rules(), stock=R.threshold("campaign", "gift_stock"))


def campaign_time(R) -> str:
    start, end = campaign.campaign_window()
    return f"{fmt_time(start)} 至 {fmt_time(end)}"


TASKS = [
    Task(
        "campaign_plan",
        title="活动方案",
        dim="d1",
        points=10,
        kind="form",
        var="plan",
        effort=15,
        checks=[
            C.Keys(
                keys=["theme", "audience", "phases", "reserve"],
                msg="方案还没填完整：活动主题、目标人群、活动阶段、风险准备金都要填写并保存。",
            ),
            C.Predicate(
                func="course.forms.campaign_form:theme_ok",
                column="theme",
                msg="活动主题要结合节日氛围与产品卖点（至少 4 个字），且不能含“最”“第一”等绝对化用语。",
            ),
            C.Mentions(
                column="audience",
                groups=1,
                longest=max(map(len, NEW_CUSTOMER_WORDS)),
                ref=lambda R: [NEW_CUSTOMER_WORDS],
                msg="本次活动针对新用户（场景设定）：目标人群要写明是新客/新用户。",
            ),
            M.FactEquals(
                facts=PLAN_FACTS,
                column="阶段日期",
                weight=3,
                ref=phase_dates,
                msg="阶段日期不对：618 当天是爆发期，预热期在它之前、返场期在它之后，天数见规则表，"
                "三个阶段首尾相接（结束日期含当天）。",
            ),
            M.FactIncludes(
                facts=PLAN_FACTS,
                column="预热期渠道",
                weight=0.5,
                ref=lambda R: [PRESALE_CHANNEL],
                msg="预热期靠社群预告 + 短视频引流：渠道要勾选社群。",
            ),
            M.FactMentions(
                facts=PLAN_FACTS,
                column="预热期动作",
                groups=1,
                longest=4,
                weight=0.5,
                ref=lambda R: [PRESALE_WORDS],
                msg="预热期的动作要写明社群预告或短视频引流。",
            ),
            M.FactIncludes(
                facts=PLAN_FACTS,
                column="爆发期渠道",
                ref=lambda R: [BURST_CHANNEL],
                msg="爆发期要加大平台广告投放：渠道要包含付费的广告渠道。",
            ),
            M.FactMentions(
                facts=PLAN_FACTS,
                column="返场期动作",
                groups=2,
                longest=4,
                ref=lambda R: ENCORE_WORDS,
                msg="返场期针对没有下单的用户定向推送优惠券：动作里写明对谁（如已加购未支付的用户）和“券”。",
            ),
            C.Predicate(
                func="course.forms.campaign_form:reserve_ok",
                msg="总预算按店长给的数字填写，风险准备金不少于规定比例、且小于总预算（见规则表）。",
            ),
            C.Predicate(
                func="course.forms.campaign_form:plan_ok",
                msg="表单还有需要修改的地方：按表单下方列出的提示改正后重新保存。",
            ),
        ],
    ),
    Task(
        "promotion_rules",
        title="促销规则",
        dim="d1",
        points=12,
        kind="form",
        var="promo",
        effort=15,
        checks=[
            C.Predicate(
                func="course.forms.promotion_form:rules_usable",
                gate=True,
                msg="规则还无法使用：按表单下方的提示改正（数字不带单位、时间写成 2026-06-18 00:00、折扣写小数）后重新保存。",
            ),
            M.FactEquals(
                facts=RULE_FACTS,
                column="活动时间",
                ref=campaign_time,
                msg="活动时间应从预热期第一天 00:00 到返场期最后一天 23:59（三个阶段都在活动时间内）。",
            ),
            M.FactEquals(
                facts=RULE_FACTS,
                column="满减",
                weight=2,
                ref=lambda R: shop_rule_facts(R).get("满减"),
                msg="满减规则与方案不一致：类型选满减，门槛和减免按方案的玩法填写（每单减一次，只写一档）。",
            ),
            M.FactEquals(
                facts=RULE_FACTS,
                column="第N件折扣",
                weight=2,
                ref=lambda R: shop_rule_facts(R).get("第N件折扣"),
                msg="多件折扣与方案不一致：类型选第N件折扣，第几件和折扣按方案填写（半价 = 0.5）。",
            ),
            M.FactEquals(
                facts=RULE_FACTS,
                column="赠品",
                ref=lambda R: shop_rule_facts(R).get("赠品"),
                msg="赠品规则与方案不一致：类型选前N名赠品，名额按方案填写，赠品名称写在「赠品名称」栏。",
            ),
            M.FactEquals(
                facts=RULE_FACTS,
                column="赠品库存与成本",
                ref=lambda R: shop_rule_facts(R).get("赠品库存与成本"),
                msg="赠品库存和单件成本要按仓库的实际数字填写（见步骤说明）：后台用库存核对名额，练习02 用成本算利润。",
            ),
            M.FactEquals(
                facts=RULE_FACTS,
                column="叠加顺序",
                ref=lambda R: shop_rule_facts(R).get("叠加顺序"),
                msg="叠加顺序：本店先算第二件半价，再用半价后的金额判断是否达到满减门槛。",
            ),
            C.Equals(
                column="stock_alert",
                digits=0,
                ref=lambda R: R.threshold("campaign", "stock_alert_level"),
                msg="库存预警线应按工作坊方案的要求设置（库存低于多少件自动下架？）。",
            ),
            C.Predicate(
                func="course.forms.promotion_form:rules_ok",
                weight=2,
                msg="规则还有问题（参数不合法或规则之间矛盾）：按表单下方的提示逐条改正。",
            ),
        ],
    ),
]
