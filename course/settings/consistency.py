"""Settings checked against each other, once each one is valid on its own.

>>> _positive_scale({"dataset": {"scale": 0}}, lambda path: "第 9 行")
['第 9 行：dataset.scale 必须大于 0。']
"""

from __future__ import annotations

from collections.abc import Callable

from .. import dates

_ORDERED = [  # (section, lower, upper): the lower may not exceed the upper
    ("listing", "title_width_min", "title_width_max"),
    ("listing", "selling_points_min", "selling_points_max"),
    ("listing", "video_seconds_min", "video_seconds_max"),
    ("listing", "selection_pick_min", "selection_pick_max"),
    ("listing", "traffic_discount_min", "traffic_discount_max"),
    ("campaign", "margin_target_min", "margin_target_max"),
    ("crm", "dormant_days_min", "lost_days_min"),
    ("crm", "silver_min_spend", "gold_min_spend"),
    ("crm", "gold_min_spend", "platinum_min_spend"),
    ("crm", "silver_min_orders", "gold_min_orders"),
    ("crm", "gold_min_orders", "platinum_min_orders"),
]


def _ordered_thresholds(data: dict, at: Callable[[str], str]) -> list[str]:
    th = data["thresholds"]
    return [
        f"{at(f'thresholds.{sect}.{lo}')}：{lo} ({th[sect][lo]}) 不能大于 {hi} ({th[sect][hi]})。"
        for sect, lo, hi in _ORDERED
        if sect in th and lo in th[sect] and hi in th[sect] and th[sect][lo] > th[sect][hi]
    ]


def _positive_scale(data: dict, at: Callable[[str], str]) -> list[str]:
    return [f"{at('dataset.scale')}：dataset.scale 必须大于 0。"] if data["dataset"]["scale"] <= 0 else []


def _workshop_days(data: dict, at: Callable[[str], str]) -> list[str]:
    """Group sizes in order, the second day after the first, each day ending after it starts."""
    sch = data["schedule"]
    problems = []
    if sch["group_size_min"] > sch["group_size_max"]:
        problems.append(
            f"{at('schedule.group_size_min')}：每组最少人数 ({sch['group_size_min']}) "
            f"不能大于最多人数 ({sch['group_size_max']})。"
        )
    d1, d2 = dates.parse_date(sch["day1"]), dates.parse_date(sch["day2"])
    if d2 <= d1:
        problems.append(f"{at('schedule.day2')}：第二天 ({d2}) 必须在第一天 ({d1}) 之后。")
    if dates.parse_clock(sch["day_end"]) <= dates.parse_clock(sch["day_start"]):
        problems.append(f"{at('schedule.day_end')}：每天结束时间必须晚于开始时间。")
    return problems


def _segmentation_dates(data: dict, at: Callable[[str], str]) -> list[str]:
    crm = data["thresholds"].get("crm", {})
    if "as_of_date" not in crm or "compare_date" not in crm:
        return []
    as_of, compare = dates.parse_date(crm["as_of_date"]), dates.parse_date(crm["compare_date"])
    if compare < as_of:
        return []
    return [
        f"{at('thresholds.crm.compare_date')}：对比日期 compare_date ({compare}) "
        f"应早于分层截止日期 as_of_date ({as_of})。"
    ]


def _image_rules(data: dict, at: Callable[[str], str]) -> list[str]:
    """Pixel levels up to 255; the main images of table 1 are one white-background image + scenes + details."""
    lst = data["thresholds"].get("listing", {})
    problems = []
    if lst.get("white_pixel_level", 0) > 255:
        problems.append(f"{at('thresholds.listing.white_pixel_level')}：white_pixel_level 是像素亮度，最大 255。")
    mix = [lst.get(k) for k in ("main_image_count", "main_image_scene_count", "main_image_detail_count")]
    if all(isinstance(x, int) for x in mix) and mix[1] + mix[2] + 1 != mix[0]:
        problems.append(
            f"{at('thresholds.listing.main_image_count')}：表1 主图 = 白底图 1 张 + 场景图 + 细节图，"
            f"main_image_count ({mix[0]}) 应等于 1 + main_image_scene_count ({mix[1]}) + "
            f"main_image_detail_count ({mix[2]})。"
        )
    return problems


CONSISTENCY = (_ordered_thresholds, _positive_scale, _workshop_days, _segmentation_dates, _image_rules)
