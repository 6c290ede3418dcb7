"""Who the shop's visitors are: region, age, gender, and how their masked contact details look.

Used by the simulation (a new visitor's region, age band and gender) and the
``customers`` table (masked name and phone number); the schema check treats
the region names as vocabulary, not as personal names.

>>> len(REGIONS) == len(REGION_W) and abs(sum(REGION_W) - 1) < 1e-9
True
"""

from __future__ import annotations

REGIONS = [
    "广东",
    "浙江",
    "江苏",
    "上海",
    "北京",
    "山东",
    "四川",
    "湖北",
    "福建",
    "河南",
    "湖南",
    "安徽",
    "河北",
    "陕西",
    "重庆",
    "天津",
    "辽宁",
    "江西",
    "广西",
    "云南",
]
REGION_W = [
    0.13,
    0.10,
    0.10,
    0.06,
    0.05,
    0.07,
    0.06,
    0.05,
    0.05,
    0.05,
    0.04,
    0.04,
    0.04,
    0.03,
    0.03,
    0.02,
    0.02,
    0.02,
    0.02,
    0.02,
]
AGE_W = [0.17, 0.31, 0.24, 0.13, 0.10, 0.05]  # over spec.AGE_BANDS
FEMALE_SHARE = 0.70
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋"
    "蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段"
    "雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
PHONE_PREFIX = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "182",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
]
