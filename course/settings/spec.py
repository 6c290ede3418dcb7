"""What a setting is: every setting's type (``SPEC``), the rubric's shape, the error.

A new threshold is added to ``SPEC`` and to ``course/settings.yaml``; both are
checked by ``tests/test_settings.py``.

>>> SPEC["thresholds.listing.title_width_max"] is int
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..messages import CourseError

RUBRIC_KINDS = ("auto", "timeliness", "remark")
DIM_ID = re.compile(r"^d[1-9]$")

# Expected type of every scalar setting outside ``modules``.  A new threshold
# is added here and in settings.yaml; both are checked by tests/test_settings.py.
NUM = (int, float)
SPEC: dict[str, Any] = {
    "course.name": str,
    "course.course_id": str,
    "course.lecturer": str,
    "course.teaching_assistants": list,
    "schedule.day1": "date",
    "schedule.day2": "date",
    "schedule.day_start": "clock",
    "schedule.day_end": "clock",
    "schedule.group_size_min": int,
    "schedule.group_size_max": int,
    "late.grace_minutes": NUM,
    "late.penalty_per_day": NUM,
    "dataset.seed": int,
    "dataset.scale": NUM,
    "featured.product_id": str,
    "thresholds.listing.title_width_min": int,
    "thresholds.listing.title_width_max": int,
    "thresholds.listing.main_image_count": int,
    "thresholds.listing.main_image_scene_count": int,
    "thresholds.listing.main_image_detail_count": int,
    "thresholds.listing.main_image_size": int,
    "thresholds.listing.white_background_share_min": "share",
    "thresholds.listing.white_pixel_level": int,
    "thresholds.listing.white_border_share_min": "share",
    "thresholds.listing.selling_points_min": int,
    "thresholds.listing.selling_points_max": int,
    "thresholds.listing.video_seconds_min": int,
    "thresholds.listing.video_seconds_max": int,
    "thresholds.listing.selection_pick_min": int,
    "thresholds.listing.selection_pick_max": int,
    "thresholds.listing.traffic_discount_min": "share",
    "thresholds.listing.traffic_discount_max": "share",
    "thresholds.listing.profit_sku_share": "share",
    "thresholds.listing.price_lookback_days": int,
    "thresholds.listing.selection_margin_min": "share",
    "thresholds.listing.core_attribute_relevance_min": "share",
    "thresholds.campaign.gmv_target": NUM,
    "thresholds.campaign.new_customer_conversion_target": "share",
    "thresholds.campaign.margin_target_min": "share",
    "thresholds.campaign.margin_target_max": "share",
    "thresholds.campaign.stock_alert_level": int,
    "thresholds.campaign.presale_days": int,
    "thresholds.campaign.burst_days": int,
    "thresholds.campaign.encore_days": int,
    "thresholds.campaign.commission_rate": "share",
    "thresholds.campaign.risk_reserve_share": "share",
    "thresholds.campaign.budget_total": NUM,
    "thresholds.campaign.gift_stock": int,
    "thresholds.campaign.baseline_days": int,
    "thresholds.campaign.uv_factor": dict,  # {阶段: {渠道: 系数}}, checked by course.tools.campaign.factors
    "thresholds.campaign.conv_factor": dict,  # {阶段: 系数}
    "thresholds.campaign.cart_shares": dict,  # {A..F: 订单占比}, checked by course.tools.carts.cart_shares
    "thresholds.campaign.deepest_max_skus": int,
    "thresholds.campaign.deepest_max_qty": int,
    "thresholds.campaign.pause_conversion_floor": "share",
    "thresholds.campaign.pause_gmv_ratio_floor": NUM,
    "thresholds.campaign.pause_min_uv": int,
    "thresholds.campaign.pause_consecutive_days": int,
    "thresholds.analytics.conversion_target": "share",
    "thresholds.analytics.gmv_ratio_floor": NUM,
    "thresholds.analytics.roi_floor": NUM,
    "thresholds.analytics.normal_cart_rate": "share",
    "thresholds.analytics.low_cart_to_order_rate": "share",
    "thresholds.analytics.ab_alpha": "share",
    "thresholds.analytics.ab_power": "share",
    "thresholds.analytics.retention_days": int,
    "thresholds.analytics.budget_max_increase": "share",
    "thresholds.analytics.budget_min_cut": "share",
    "thresholds.crm.repurchase_target": "share",
    "thresholds.crm.high_value_min_orders_30d": int,
    "thresholds.crm.high_value_min_aov": NUM,
    "thresholds.crm.potential_orders_30d": int,
    "thresholds.crm.potential_max_aov": NUM,
    "thresholds.crm.dormant_days_min": int,
    "thresholds.crm.lost_days_min": int,
    "thresholds.crm.frequency_cap_messages": int,
    "thresholds.crm.frequency_cap_window_hours": NUM,
    "thresholds.crm.silver_min_spend": NUM,
    "thresholds.crm.gold_min_spend": NUM,
    "thresholds.crm.platinum_min_spend": NUM,
    "thresholds.crm.points_expiry_reminder_days": int,
    "thresholds.crm.repurchase_coupon_days": int,
    "thresholds.crm.as_of_date": "date",
    "thresholds.crm.compare_date": "date",
    "thresholds.crm.activity_window_days": int,
    "thresholds.crm.silver_min_orders": int,
    "thresholds.crm.gold_min_orders": int,
    "thresholds.crm.platinum_min_orders": int,
    "thresholds.crm.points_per_yuan": NUM,
    "thresholds.crm.coupon_denominations": list,
    "thresholds.crm.return_gift_cost": NUM,
    "thresholds.crm.repurchase_window_days": int,
    "thresholds.crm.cohort_start": "date",
    "thresholds.crm.cohort_end": "date",
    "thresholds.crm.member_day_zhe": NUM,
    "thresholds.crm.coupon_threshold": NUM,
    "thresholds.crm.coupon_off": NUM,
    "thresholds.crm.wakeup_coupon": NUM,
    "thresholds.crm.wakeup_coupon_days": int,
    "thresholds.crm.comeback_coupon": NUM,
    "thresholds.crm.audit_start": "date",
    "thresholds.crm.audit_end": "date",
    "thresholds.crm.max_delay_hours": NUM,
    "thresholds.crm.send_hours_start": "clock",
    "thresholds.crm.send_hours_end": "clock",
    "thresholds.crm.plan_days": int,
    "thresholds.crm.human_reply_minutes": int,
}

TYPE_WORDS = {
    str: "文字",
    int: "整数",
    list: "列表（如 [a, b]）",
    dict: "一组“名称: 值”（如 {预热期: 0.4, 爆发期: 0.6}）",
    NUM: "数字",
    "share": "0 到 1 之间的小数（如 60% 写 0.60）",
    "date": '日期（如 "2026-12-07"）',
    "clock": '时间（如 "09:00"）',
}


class SettingsError(CourseError):
    """An invalid settings file; the message names the file, line and fix."""


@dataclass(frozen=True)
class Dimension:
    """One rubric dimension of a module (a column of table 6).

    ``id`` (``d1`` .. ``d9``) is stable: graded cells name their dimension by it
    (grade_id ``d1_title``), so a teacher may reorder the rubric freely.
    """

    name: str
    weight: int
    kind: str  # auto | timeliness | remark
    id: str = ""
