"""Builds the two files of module4_crm/assets/ (both committed):

* week_plan.csv        the campaign calendar of the week after the as-of date (exercise 03):
                       day numbers and clock times, texts with settings placeholders, so the
                       week follows ``thresholds.crm.as_of_date`` and the benefit amounts;
* service_contacts.csv the customer-service contact export: synthetic full names, phone
                       numbers and addresses, consistent with the masked ones in
                       customers.csv (same surname, same first 3 and last 4 digits).
                       Every person in it is invented; it exists so that the export step
                       of exercise 03 has real personal data to mask.

Re-run after the shop data is regenerated (user ids may change):
    python module4_crm/assets/make_assets.py
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from course import data  # noqa: E402

OUT = REPO / "module4_crm" / "assets"
OUT.mkdir(parents=True, exist_ok=True)

CALENDAR = [
    # campaign, segment, tag, channel, msg_type, day (1 = the day after the as-of date), time ("" = not decided),
    # priority (1 = most important), content (settings as placeholders, rendered when the calendar is read)
    (
        "沉睡唤醒券",
        "沉睡用户",
        "",
        "短信",
        "营销",
        1,
        "10:00",
        1,
        "好久不见！{{ crm.wakeup_coupon }}元无门槛券已到账，{{ crm.wakeup_coupon_days }}天内有效。",
    ),
    (
        "沉睡唤醒邮件",
        "沉睡用户",
        "喜欢简约风",
        "邮件",
        "营销",
        1,
        "19:00",
        2,
        "北欧简约新品合集，用{{ crm.wakeup_coupon }}元无门槛券下单更划算。",
    ),
    (
        "满减券",
        "潜力用户",
        "",
        "App推送",
        "营销",
        2,
        "12:00",
        1,
        "满{{ crm.coupon_threshold }}减{{ crm.coupon_off }}券已到账，收纳好物等你来挑。",
    ),
    (
        "满减券",
        "成长用户",
        "",
        "App推送",
        "营销",
        2,
        "12:00",
        1,
        "满{{ crm.coupon_threshold }}减{{ crm.coupon_off }}券已到账，再添一件凑成套。",
    ),
    (
        "社群专享",
        "潜力用户",
        "关注促销活动",
        "社群",
        "营销",
        2,
        "20:00",
        2,
        "群内专享：满{{ crm.coupon_threshold }}减{{ crm.coupon_off }}，今晚8点开抢。",
    ),
    ("暑期焕新季预热", "全部", "", "App推送", "营销", 3, "10:00", 3, "暑期焕新季今晚8点开抢，先加购再下单。"),
    (
        "新品优先购",
        "高价值用户",
        "喜欢简约风",
        "专属客服",
        "营销",
        3,
        "15:00",
        1,
        "您的专属客服：北欧风新品已为您预留，可优先购买。",
    ),
    ("暑期焕新季开抢", "全部", "", "短信", "营销", 3, "20:00", 3, "暑期焕新季开抢！北欧风家居限时直降。"),
    (
        "回归大礼包",
        "流失用户",
        "",
        "短信",
        "营销",
        4,
        "09:30",
        1,
        "好久不见！回归大礼包：{{ crm.comeback_coupon }}元券+定制收纳盒，等你回来。",
    ),
    ("售后回访", "流失用户", "曾咨询售后", "电话", "服务", 4, "14:00", 1, "售后回访：了解上次售后处理是否满意。"),
    (
        "猜你喜欢",
        "潜力用户",
        "喜欢简约风",
        "App推送",
        "营销",
        5,
        "19:00",
        3,
        "猜你喜欢：和你买过的收纳盒同系列的新品。",
    ),
    (
        "唤醒券到期提醒",
        "沉睡用户",
        "",
        "短信",
        "营销",
        7,
        "10:00",
        2,
        "您的{{ crm.wakeup_coupon }}元无门槛券今天到期，别错过。",
    ),
    (
        "会员日预告",
        "高价值用户",
        "",
        "短信",
        "营销",
        7,
        "18:00",
        1,
        "明天会员日：全场{{ crm.member_day_zhe }}折，新品优先购。",
    ),
    ("会员日预告", "成长用户", "", "App推送", "营销", 7, "18:00", 2, "明天会员日：全场{{ crm.member_day_zhe }}折。"),
    ("购物体验调研", "高价值用户", "", "短信", "服务", 3, "", 3, "618购物体验调研：邀请您花1分钟评价。"),
]


def calendar():
    df = pd.DataFrame(
        CALENDAR, columns=["campaign", "segment", "tag", "channel", "msg_type", "day", "time", "priority", "content"]
    )
    df.to_csv(OUT / "week_plan.csv", index=False, encoding="utf-8-sig")
    return df


ADDR = {
    "广东": ["广东省广州市天河区", "广东省深圳市南山区"],
    "浙江": ["浙江省杭州市西湖区", "浙江省宁波市鄞州区"],
    "江苏": ["江苏省南京市鼓楼区", "江苏省苏州市姑苏区"],
    "山东": ["山东省济南市历下区", "山东省青岛市市南区"],
    "四川": ["四川省成都市武侯区"],
    "上海": ["上海市浦东新区", "上海市徐汇区"],
    "湖北": ["湖北省武汉市洪山区"],
    "福建": ["福建省福州市鼓楼区", "福建省厦门市思明区"],
    "北京": ["北京市朝阳区", "北京市海淀区"],
    "河南": ["河南省郑州市金水区"],
    "湖南": ["湖南省长沙市岳麓区"],
    "河北": ["河北省石家庄市长安区"],
    "安徽": ["安徽省合肥市蜀山区"],
    "重庆": ["重庆市渝北区"],
    "陕西": ["陕西省西安市雁塔区"],
    "云南": ["云南省昆明市五华区"],
    "天津": ["天津市南开区"],
    "江西": ["江西省南昌市红谷滩区"],
    "广西": ["广西壮族自治区南宁市青秀区"],
    "辽宁": ["辽宁省沈阳市和平区"],
}
STREETS = ["建设路", "人民路", "中山路", "解放路", "文化路", "幸福路", "和平路", "长江路", "滨河路", "学府路"]
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉萍红兰飞鑫宇欣怡佳琪浩然轩雨晨")


def contacts():
    rng = np.random.default_rng(2026)
    c = data.load("customers").sort_values("user_id").reset_index(drop=True)
    rows = []
    for r in c.itertuples():
        masked = str(r.name_masked)
        surname = masked.rstrip("*")
        n_given = len(masked) - len(surname)
        name = surname + "".join(rng.choice(GIVEN, size=n_given))
        pm = str(r.phone_masked)
        phone = pm[:3] + f"{rng.integers(0, 10000):04d}" + pm[-4:]
        base = ADDR.get(str(r.region), [f"{r.region}省"])
        addr = (
            base[rng.integers(0, len(base))]
            + STREETS[rng.integers(0, len(STREETS))]
            + f"{rng.integers(1, 300)}号{rng.integers(1, 20)}栋{rng.integers(1, 30)}0{rng.integers(1, 4)}室"
        )
        rows.append((r.user_id, name, phone, addr))
    df = pd.DataFrame(rows, columns=["user_id", "name", "phone", "address"])
    df.to_csv(OUT / "service_contacts.csv", index=False, encoding="utf-8-sig")
    return df


if __name__ == "__main__":
    print(calendar())
    print(contacts().head())
