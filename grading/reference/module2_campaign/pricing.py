"""02_pricing: the public rule text (活动规则设计) and the discounts' cost (让利与利润核算).

The typical carts follow the featured product (``R.product``) and its companion;
the rules are the shop's 618 rules (``promotions``).  The course's definitions:
优惠力度 = 优惠金额 ÷ 商品金额; 活动毛利率 = (实付金额 − 商品成本) ÷ 实付金额;
净利率 = (实付金额 − 商品成本 − 赠品成本 − 平台佣金 − 广告费) ÷ 实付金额.
"""

from __future__ import annotations

from course import checks as C
from course.tools import campaign, carts
from course.tools import campaign_checks as M
from course.tools.promotion import FullReduction, fmt_money

from ..tasks import Task

NOTEBOOK = "02_pricing"

# 【工作坊方案·模块二·关键控制点】 活动规则需明确无歧义: what the colleague's draft leaves
# ambiguous, each group the words that say it (the threshold's own group is built from the rules)
CLEAR_WORDS = [
    ["半价后", "打折后", "折后", "折扣后", "优惠后的"],  # which amount the 满减 is judged on
    ["支付时间", "付款时间", "支付顺序", "付款顺序", "支付先后", "付款先后"],  # how the gift is ranked
    ["送完即止", "赠完即止", "送完为止", "赠完为止", "送完即停"],  # when the gifts run out
    ["分摊", "按实付", "实际支付", "实付金额"],  # how a return is refunded
]


def clear_groups(R) -> list[list[str]]:
    """The five clarifications of a right rule text; the first: the 满减 threshold counts itself."""
    t = min(t for r in campaign.shop_rules().rules if isinstance(r, FullReduction) for t, _ in r.tiers)
    n = fmt_money(t)
    return [[f"含{n}", f"含 {n}", "含门槛", "含本数", f"{n}元及以上", f"{n}元以上（含"]] + CLEAR_WORDS


def typical(R):
    return carts.typical_carts(R.product.id)


def cart_prices(R):
    """The typical carts at 618 活动价 under the shop's rules, with 优惠力度."""
    t = carts.price_table(typical(R), campaign.shop_rules(), R.table("skus"), price="campaign_price")
    t["优惠力度"] = (t["优惠金额"] / t["商品金额"]).round(4)
    return t


_DEEPEST: dict = {}


def deepest_depth(R) -> float:
    """The largest 优惠力度 of every cart the enumeration allows (cached per settings and data)."""
    key = (R.fingerprint, R.product.id)
    if key not in _DEEPEST:
        _DEEPEST[key] = float(carts.all_carts(campaign.shop_rules(), R.table("skus"))["优惠力度"].max())
    return _DEEPEST[key]


def margin_table(R):
    """活动毛利率 and 净利率 of each typical cart (the baseline's 推广费率, the settings' 佣金率)."""
    t = carts.cost_table(typical(R), campaign.shop_rules(), R.table("skus"), ad_rate=carts.campaign_ad_rate())
    gross = t["实付金额"] - t["商品成本"]
    t["活动毛利率"] = gross / t["实付金额"]
    t["净利率"] = (gross - t["赠品成本"] - t["平台佣金"] - t["广告费"]) / t["实付金额"]
    return t


def _text_check(category: str, weight: float, msg: str) -> C.Predicate:
    return C.Predicate(
        func="course.tools.campaign:text_without", column="text", args={"category": category}, weight=weight, msg=msg
    )


TASKS = [
    Task(
        "rule_text",
        title="活动规则公示文案",
        dim="d1",
        points=8,
        kind="text",
        var="rule_text",
        effort=1,
        checks=[
            _text_check(
                "缺少信息",
                2,
                "文案还缺信息：活动起止日期、满减的门槛和金额、第几件几折、赠品名额和赠品名称都要写明"
                "（保存表单时列出的「缺少信息」逐条补上）。",
            ),
            _text_check("违规条款", 1, "文案里还有违规条款（如“最终解释权归……所有”“保留随时调整的权利”），要删掉。"),
            _text_check("绝对化用语", 1, "文案里还有绝对化用语（如“最低价”），换成可证明的具体说法或删除。"),
            _text_check("前后矛盾", 1, "文案与后台规则对不上：满减金额、赠品名额、日期要与后台规则一致。"),
            C.Mentions(
                column="text",
                groups=5,
                longest=8,
                weight=3,
                partial=True,
                ref=clear_groups,
                msg="把顾客容易误解的地方写清楚（关键控制点：规则明确无歧义）：门槛含不含本数、满减按哪个金额算、"
                "赠品按什么排名、赠品送完怎么办、部分退货怎么退款。",
            ),
        ],
    ),
    Task(
        "cart_prices",
        title="典型购物车算价",
        dim="d2",
        points=7,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=["购物车", "商品金额", "优惠金额", "实付金额", "优惠力度"],
                msg="cart_prices 需要 购物车、商品金额、优惠金额、实付金额、优惠力度 五列：检查骨架第一行有没有被改动。",
            ),
            M.RowSet(
                columns=["购物车"],
                gate=True,
                ref=lambda R: cart_prices(R)[["购物车"]],
                msg="六个典型购物车各一行：重新运行上面列出典型购物车的单元格，再运行本单元格。",
            ),
            M.KeyedTable(
                key="购物车",
                columns=["商品金额"],
                rows=-1,
                weight=2,
                ref=cart_prices,
                msg="商品金额不对：活动期间单价用 618 活动价（第一个空格选哪个价格列？）。",
            ),
            M.KeyedTable(
                key="购物车",
                columns=["实付金额"],
                rows=-1,
                weight=2,
                ref=cart_prices,
                msg="实付金额不对：单价用 618 活动价，规则用 rules_618。",
            ),
            M.KeyedTable(
                key="购物车",
                columns=["优惠力度"],
                rows=-1,
                digits=4,
                weight=3,
                ref=cart_prices,
                msg="优惠力度 = 优惠金额 ÷ 商品金额，是 0-1 的小数：检查后两个空格的列名和除法的方向。",
            ),
        ],
    ),
    Task(
        "deepest",
        title="最深让利",
        dim="d2",
        points=5,
        kind="scaffold",
        checks=[
            C.Columns(columns=["购物车", "优惠力度"], msg="deepest 需要 购物车、优惠力度 两列：检查骨架有没有被改动。"),
            C.RowCount(lo=1, hi=1, msg="只保留让利最深的那一个购物车（排序后取第一行）。"),
            C.Equals(
                column="优惠力度",
                digits=4,
                weight=4,
                ref=deepest_depth,
                msg="还有让利更深的购物车：按优惠力度排序，最深的排在最前（ascending 填 True 还是 False？）。",
            ),
        ],
    ),
    Task(
        "margin_table",
        title="利润核算",
        dim="d2",
        points=7,
        kind="scaffold",
        var="margins",
        checks=[
            C.Columns(
                columns=["购物车", "活动毛利率", "净利率"],
                msg="margins 需要 活动毛利率 和 净利率 两列：检查骨架有没有被改动。",
            ),
            M.RowSet(
                columns=["购物车"],
                gate=True,
                ref=lambda R: margin_table(R)[["购物车"]],
                msg="六个典型购物车各一行：重新运行上面算成本的单元格，再运行本单元格。",
            ),
            M.KeyedTable(
                key="购物车",
                columns=["活动毛利率"],
                rows=-1,
                digits=3,
                weight=4,
                ref=margin_table,
                msg="活动毛利率 = (实付金额 − 商品成本) ÷ 实付金额：检查第一、二个空格。",
            ),
            M.KeyedTable(
                key="购物车",
                columns=["净利率"],
                rows=-1,
                digits=3,
                weight=3,
                ref=margin_table,
                msg="净利率 = 毛利再扣掉赠品成本、平台佣金、广告费，除以实付金额：检查第三个空格。",
            ),
        ],
    ),
    Task(
        "rule_adjust",
        title="调整规则",
        dim="d2",
        points=6,
        kind="form",
        var="adjust",
        effort=3,
        checks=[
            C.Keys(keys=["nth_rate", "threshold", "amount"], msg="三个参数都要填写数字并保存。"),
            C.Predicate(
                func="course.forms.promotion_form:adjust_ok",
                weight=2,
                msg="新规则要合法，并且典型购物车真的能拿到优惠（只调参数，不取消第N件折扣和满减）。",
            ),
            C.Predicate(
                func="course.forms.promotion_form:adjust_in_target",
                weight=4,
                msg="新规则下活动毛利率不在目标区间：低于下限就收一收让利（提高折扣数字、提高门槛或降低减免），"
                "高于上限就适当加大让利。看表单下方的试算结果再调。",
            ),
        ],
    ),
]
