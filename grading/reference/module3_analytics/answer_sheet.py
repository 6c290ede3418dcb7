"""The reference answers of module 3 on the data and settings in use, printed for TAs
(the written review is graded against them).  Never written into a module folder.

    python -m grading.reference.module3_analytics.answer_sheet
"""

from __future__ import annotations

import pandas as pd


def main() -> int:
    from ..context import context
    from . import ab_test, channel_roi, core_metrics, funnel, review_dashboard
    from .shop import shop

    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.unicode.east_asian_width", True)
    R = context()
    cal = shop(R)["calendar"]
    print("== 模块三参考答案（助教用，数据：当前课堂数据与设置）==\n")
    print(f"活动期 {cal.start} 至 {cal.end}；复盘月 {cal.month_start} 至 {cal.month_end}；阶段 {'、'.join(cal.phases)}")
    m = core_metrics.campaign(R)
    print("活动期核心指标：" + "，".join(f"{k} {round(v, 4)}" for k, v in m.items()))
    for name, (target, actual) in core_metrics.target_table(R).items():
        print(
            f"  {name}：目标 {target:g}，实际 {actual:.4g}，达成率 {actual / target:.1%}，{core_metrics.reached(R, name)}"
        )
    print(f"  达成率最低：{core_metrics.worst_target(R)}")
    d = funnel.diagnosis(R)
    print(
        f"\n漏斗：漏得最多的环节 {d['step']}，阶段 {'、'.join(d['phases'])}，{d['scope']}；"
        f"日常 {d['normal_rate']:.1%} → 活动期 {d['campaign_rate']:.1%}；原因 {'、'.join(d['causes'])}"
    )
    print(funnel.funnel_table(funnel.month_traffic(R), "phase", phases=cal.phases).to_string(index=False))
    print("\n渠道 ROI（活动期，付费渠道）：")
    print(channel_roi.roi(R).to_string(index=False))
    print(
        "投产比低于下限：",
        channel_roi.below(R, "投产比", R.threshold("analytics", "gmv_ratio_floor")),
        "；ROI 低于下限：",
        channel_roi.below(R, "ROI", R.threshold("analytics", "roi_floor")),
        "；ROI 最高：",
        channel_roi.best_channel(R),
    )
    ab = ab_test.results(R)
    print(
        f"\nA/B：z={ab['z']:.3f} p={ab['p']:.4f} CI=({ab['ci'][0]:.4f}, {ab['ci'][1]:.4f}) 每组需要 {ab['n_needed']}，"
        f"现有 {ab['n_have']}（测试 {ab['test_days']} 天）→ {ab['decision']}，还需约 {ab['extra_days']} 天"
    )
    print("\n挑战切片（活动期访问最多的阶段）：", {k: round(v, 4) for k, v in review_dashboard.peak_day(R).items()})
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
