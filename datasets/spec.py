"""数据字典：每张表、每个字段的类型、含义与单位（manifest.json 由此生成）。

The single source of the data dictionary.  ``manifest.json``, the schema check
and the tests all read these specs, so a column is documented in one place.

dtype is one of ``string | int | float | bool | date | datetime | category``
(the types ``course.data.load`` understands).
"""

from __future__ import annotations

from course.modules import MODULES

VERSION = "1.0.0"

# ---------------------------------------------------------------------------
# Fixed calendar (other modules code against these dates)
# ---------------------------------------------------------------------------
CALENDAR = {
    "trading_start": "2025-07-01",
    "trading_end": "2026-06-30",
    "as_of": "2026-06-30",
    "campaign": {
        "name": "618新人大促·焕新家限时直降",
        "start": "2026-06-15",
        "end": "2026-06-20",
        "phases": {
            "预热期": {"start": "2026-06-15", "end": "2026-06-17", "days": 3},
            "爆发期": {"start": "2026-06-18", "end": "2026-06-18", "days": 1},
            "返场期": {"start": "2026-06-19", "end": "2026-06-20", "days": 2},
        },
        "gmv_target": 50000,
        "new_customer_conversion_target": 0.08,
    },
    "ab_test": {"start": "2026-05-11", "end": "2026-06-07"},
    "double11": "2025-11-11",
}

PHASES = ["日常", "预热期", "爆发期", "返场期"]
CHANNELS = ["自然搜索", "付费广告", "平台首页推荐", "社群引流", "直播"]
PAID_CHANNELS = ["付费广告", "平台首页推荐", "社群引流", "直播"]
ORDER_STATUS = ["已支付", "已取消", "已退款"]
ROLES = ["引流款", "利润款", "形象款"]
TIERS = ["普通", "银卡", "金卡", "铂金"]
KEYWORD_TYPES = ["核心词", "属性词", "营销词", "长尾词"]
MSG_CHANNELS = ["短信", "App推送", "社群", "邮件", "电话"]
MSG_TYPES = ["营销", "服务"]
AGE_BANDS = ["18-24岁", "25-30岁", "31-35岁", "36-40岁", "41-50岁", "50岁以上"]
GENDERS = ["女", "男"]
TAGS = ["喜欢简约风", "关注促销活动", "曾咨询售后"]


def C(dtype: str, description: str, unit: str = "") -> dict:
    return {"dtype": dtype, "description": description, "unit": unit}


YUAN = "元"

TABLES: dict[str, dict] = {
    "category_top100": {
        "file": "category_top100.csv",
        "description": "类目热销榜 Top100（家居类目，平台公开榜单整理，模拟）：选品时筛选、排序候选商品用。",
        "columns": {
            "rank": C("int", "榜单排名（按近30天销量从高到低）", "名"),
            "item_id": C("string", "榜单商品编号", ""),
            "item_name": C("string", "商品名称（竞品标题的简写）", ""),
            "sub_category": C("category", "子类目，如 床头柜、收纳盒、置物架", ""),
            "style": C("category", "风格属性，如 北欧风、ins风、日式、轻奢", ""),
            "material": C("category", "主要材质", ""),
            "main_color": C("category", "主色", ""),
            "price": C("float", "当前售价（页面到手价）", YUAN),
            "monthly_sales": C("int", "近30天销量", "件"),
            "rating": C("float", "店铺评分（1-5 分）", "分"),
            "review_count": C("int", "累计评价数", "条"),
            "season_hint": C("category", "季节性提示：销量旺季或需求高峰", ""),
            "target_age_band": C("category", "目标人群年龄段", ""),
            "target_gender": C("category", "目标人群性别（女/男/不限）", ""),
            "spending_level": C("category", "目标人群消费水平（低/中/高）", ""),
            "est_cost": C("float", "估算单件成本（采购+包装+物流，按同类供货价估算）", YUAN),
            "est_margin_rate": C("float", "估算毛利率 =（售价 − 估算成本）÷ 售价", "比例(0-1)"),
            "online_items": C("int", "同类在线商品数（平台搜索该商品核心词的结果数）", "个"),
            "competition_level": C("category", "竞争度（低/中/高），由在线商品数与销量之比分档", ""),
        },
    },
    "keywords": {
        "file": "keywords.csv",
        "description": "关键词表（模拟生意参谋“搜索分析”导出，近30天）：写标题、选词用。",
        "columns": {
            "keyword": C("string", "搜索关键词", ""),
            "keyword_type": C("category", "关键词类型：核心词/属性词/营销词/长尾词", ""),
            "search_heat": C("int", "搜索人气（近30天搜索人数的指数化值，越大越热门）", "指数"),
            "online_items": C("int", "在线商品数（搜索该词出现的商品数）", "个"),
            "competition_index": C("float", "竞争度指数 = 在线商品数 ÷ 搜索人气，越小越容易排到前面", "比值"),
            "click_rate": C("float", "点击率 = 点击次数 ÷ 展现次数", "比例(0-1)"),
            "conversion_rate": C("float", "支付转化率 = 支付人数 ÷ 访客数（通过该词进店）", "比例(0-1)"),
            "avg_cpc": C("float", "付费推广平均点击花费", YUAN),
            "relevance": C("float", "与本店商品的相关性（0 = 无关，1 = 完全相关），由类目和属性匹配打分", "分(0-1)"),
            "related_product_id": C("string", "最相关的本店商品编号（无相关商品为空）", ""),
            "trend": C("category", "近30天搜索趋势：上升/平稳/下降", ""),
        },
    },
    "products": {
        "file": "products.csv",
        "description": "本店商品（SPU）：一行一个商品。",
        "columns": {
            "product_id": C("string", "商品编号", ""),
            "product_name": C("string", "商品简称", ""),
            "title": C("string", "商品标题（前台展示的完整标题）", ""),
            "category": C("category", "一级类目", ""),
            "sub_category": C("category", "子类目", ""),
            "role": C("category", "商品角色：引流款/利润款/形象款", ""),
            "style": C("category", "风格", ""),
            "launch_date": C("date", "上架日期", ""),
            "rating": C("float", "商品评分（1-5 分）", "分"),
            "review_count": C("int", "累计评价数", "条"),
        },
    },
    "skus": {
        "file": "skus.csv",
        "description": "SKU（库存单位）：颜色 × 尺寸 × 材质组合，价格、成本与库存（库存为截至 2026-06-30 的快照）。",
        "columns": {
            "sku_id": C("string", "SKU 编号", ""),
            "product_id": C("string", "所属商品编号", ""),
            "color": C("string", "颜色", ""),
            "size": C("string", "尺寸/规格", ""),
            "material": C("string", "材质", ""),
            "cost": C("float", "单件成本（采购价+包装+平均物流费）", YUAN),
            "daily_price": C("float", "日常价（2026-06-30 时的日常售价）", YUAN),
            "campaign_price": C("float", "618 活动价", YUAN),
            "stock": C("int", "库存数量（2026-06-30 23:59 快照）", "件"),
            "status": C("category", "状态：在售/已下架（库存低于预警线自动下架）", ""),
            "listed_date": C("date", "上架日期", ""),
            "delisted_date": C("date", "下架日期（在售为空）", ""),
        },
    },
    "price_history": {
        "file": "price_history.csv",
        "description": "每日价格记录：每个 SKU 每天一行，可核查“原价 = 近30天最低成交价”。",
        "columns": {
            "date": C("date", "日期", ""),
            "sku_id": C("string", "SKU 编号", ""),
            "product_id": C("string", "商品编号", ""),
            "list_price": C("float", "页面展示的划线价（“原价”）", YUAN),
            "deal_price": C("float", "当天实际成交单价（活动价/限时折扣后，未含订单级满减和第二件半价）", YUAN),
            "on_sale": C("bool", "当天是否在售（未上架或已下架为 False）", ""),
        },
    },
    "traffic": {
        "file": "traffic.csv",
        "description": "访问记录（会话级）：一行一次访问，从进店到加购、下单、支付。"
        "用于计算 UV、PV、跳失率和转化漏斗。",
        "columns": {
            "session_id": C("string", "访问（会话）编号", ""),
            "user_id": C("string", "访客编号（匿名 ID，下过单的访客可在 customers 表中找到）", ""),
            "start_time": C("datetime", "进店时间", ""),
            "date": C("date", "访问日期", ""),
            "channel": C("category", "流量渠道：自然搜索/付费广告/平台首页推荐/社群引流/直播", ""),
            "search_keyword": C("string", "搜索进店时使用的关键词（仅自然搜索、付费广告渠道）", ""),
            "pages_viewed": C("int", "本次访问浏览的页面数（PV），为 1 表示跳失", "页"),
            "duration_seconds": C("int", "停留时长", "秒"),
            "added_to_cart": C("bool", "本次访问是否加购", ""),
            "ordered": C("bool", "本次访问是否下单", ""),
            "paid": C("bool", "本次访问的订单是否已支付", ""),
            "order_id": C("string", "订单编号（未下单为空）", ""),
            "is_new_customer": C("bool", "是否新客（访问前从未支付过订单）", ""),
            "phase": C("category", "活动阶段：日常/预热期/爆发期/返场期", ""),
            "ab_variant": C("category", "A/B 测试详情页版本（仅测试期内访问，A=原版、B=新版）", ""),
        },
    },
    "orders": {
        "file": "orders.csv",
        "description": "订单：一行一个订单，含优惠、实付、成本和平台佣金。",
        "columns": {
            "order_id": C("string", "订单编号", ""),
            "user_id": C("string", "买家编号", ""),
            "session_id": C("string", "下单所在的访问编号", ""),
            "created_at": C("datetime", "下单时间", ""),
            "paid_at": C("datetime", "支付时间（未支付为空）", ""),
            "date": C("date", "下单日期", ""),
            "channel": C("category", "成交渠道（下单那次访问的渠道，末次点击归因）", ""),
            "phase": C("category", "活动阶段：日常/预热期/爆发期/返场期", ""),
            "status": C("category", "订单状态：已支付/已取消（未付款关闭）/已退款", ""),
            "item_count": C("int", "商品件数（各行数量之和）", "件"),
            "goods_amount": C("float", "商品总额 = Σ 单价 × 数量（单价为当天成交价）", YUAN),
            "discount_amount": C("float", "订单优惠总额（第二件半价 + 满减）", YUAN),
            "paid_amount": C("float", "实付金额 = 商品总额 − 优惠总额", YUAN),
            "cost_amount": C("float", "商品成本 = Σ 单件成本 × 数量（不含赠品）", YUAN),
            "commission": C("float", "平台佣金 = 实付金额 × 佣金率（四舍五入到分）", YUAN),
            "gift_cost": C("float", "赠品成本（无赠品为 0）", YUAN),
            "promotions": C("string", "本单使用的优惠，多个用 | 分隔，如 满399减50|第二件半价", ""),
            "gift": C("string", "赠品名称（前100名支付订单，无为空）", ""),
            "is_new_customer": C("bool", "是否新客订单（下单前从未支付过订单）", ""),
        },
    },
    "order_items": {
        "file": "order_items.csv",
        "description": "订单明细：一行一个订单中的一个 SKU，优惠已分摊到行。",
        "columns": {
            "order_id": C("string", "订单编号", ""),
            "line_no": C("int", "行号（从 1 开始）", ""),
            "sku_id": C("string", "SKU 编号", ""),
            "product_id": C("string", "商品编号", ""),
            "qty": C("int", "数量", "件"),
            "unit_price": C("float", "成交单价（当天价格，活动期为活动价）", YUAN),
            "line_amount": C("float", "行金额 = 单价 × 数量", YUAN),
            "discount_alloc": C("float", "分摊到本行的优惠（本行第二件半价 + 按金额比例分摊的满减）", YUAN),
            "paid_line": C("float", "本行实付 = 行金额 − 分摊优惠", YUAN),
            "cost": C("float", "本行成本 = 单件成本 × 数量", YUAN),
        },
    },
    "ad_spend": {
        "file": "ad_spend.csv",
        "description": "推广花费：每个付费渠道每天一行（自然搜索不花钱，不在表中）。",
        "columns": {
            "date": C("date", "日期", ""),
            "channel": C("category", "渠道：付费广告/平台首页推荐/社群引流/直播", ""),
            "spend": C("float", "花费", YUAN),
            "impressions": C("int", "展现次数（社群为消息触达人次，直播为观看人次）", "次"),
            "clicks": C("int", "点击次数（进店访问数）", "次"),
        },
    },
    "customers": {
        "file": "customers.csv",
        "description": "客户（CRM 会员库）：下过单的买家，个人信息已脱敏。会员等级、积分为截至 2026-06-30 的状态。",
        "columns": {
            "user_id": C("string", "客户编号", ""),
            "phone_masked": C("string", "手机号（脱敏，如 138****1234）", ""),
            "name_masked": C("string", "姓名（脱敏，如 张**）", ""),
            "gender": C("category", "性别", ""),
            "age_band": C("category", "年龄段", ""),
            "region": C("category", "收货地区（省级）", ""),
            "first_visit_date": C("date", "首次进店日期", ""),
            "first_order_date": C("date", "首次下单日期", ""),
            "member_tier": C("category", "会员等级：普通/银卡/金卡/铂金（按累计已支付金额）", ""),
            "points": C("int", "当前可用积分（每实付 1 元得 1 分，已扣除兑换）", "分"),
            "points_expire_date": C("date", "最早一批积分的到期日（无积分为空）", ""),
            "tags": C("string", "客户标签，多个用 | 分隔：喜欢简约风/关注促销活动/曾咨询售后", ""),
        },
    },
    "messages": {
        "file": "messages.csv",
        "description": "触达记录：店铺发给客户的每条消息（营销或服务）。",
        "columns": {
            "message_id": C("string", "消息编号", ""),
            "user_id": C("string", "客户编号", ""),
            "sent_at": C("datetime", "发送时间", ""),
            "channel": C("category", "触达渠道：短信/App推送/社群/邮件/电话", ""),
            "msg_type": C("category", "消息类型：营销/服务（频控只限制营销消息）", ""),
            "campaign": C("string", "所属活动或用途，如 618预热、回购券、发货通知", ""),
            "content": C("string", "消息内容摘要（模板）", ""),
        },
    },
    "ab_test": {
        "file": "ab_test.csv",
        "description": "A/B 测试：床头柜详情页原版(A) 与新版(B)，测试期内进店访客按用户随机分组，一行一个访客。",
        "columns": {
            "user_id": C("string", "访客编号", ""),
            "variant": C("category", "分组：A=原版详情页，B=新版详情页（首屏加质检报告与72小时发货承诺）", ""),
            "first_exposed_at": C("datetime", "首次看到详情页的时间", ""),
            "sessions": C("int", "测试期内访问次数", "次"),
            "added_to_cart": C("bool", "测试期内是否加购", ""),
            "ordered": C("bool", "测试期内是否下单", ""),
            "paid": C("bool", "测试期内是否支付", ""),
            "paid_amount": C("float", "测试期内已支付订单实付金额合计", YUAN),
        },
    },
    "survey": {
        "file": "survey.csv",
        "description": "课程反馈问卷（匿名）：每个模块结束后 5 分钟填写，1-5 分。",
        "columns": {
            "response_id": C("string", "问卷编号", ""),
            "class_id": C("category", "班级", ""),
            "module": C("category", "模块编号", ""),
            "module_title": C("string", "模块名称", ""),
            "usefulness": C("int", "实用性评分（1-5）", "分"),
            "lecturer_expertise": C("int", "讲师专业度评分（1-5）", "分"),
            "tool_ease": C("int", "工具易用性评分（1-5）", "分"),
            "recommend_score": C("int", "推荐意愿（0-10，用于计算 NPS）", "分"),
            "comment": C("string", "开放式意见（可为空）", ""),
            "submitted_at": C("datetime", "提交时间", ""),
        },
    },
    "campaign_phases": {
        "file": "campaign_phases.csv",
        "description": "618 活动阶段安排。",
        "columns": {
            "phase": C("category", "阶段：预热期/爆发期/返场期", ""),
            "start_date": C("date", "开始日期", ""),
            "end_date": C("date", "结束日期（含）", ""),
            "days": C("int", "天数", "天"),
            "focus": C("string", "本阶段的工作重点", ""),
            "main_channels": C("string", "主推渠道，多个用 | 分隔", ""),
            "kpi": C("string", "本阶段考核指标", ""),
        },
    },
    "promotions": {
        "file": "promotions.csv",
        "description": "促销规则（数据化）：618 规则集与双11当天限时折扣。",
        "columns": {
            "promo_id": C("string", "规则编号", ""),
            "campaign": C("string", "所属活动", ""),
            "name": C("string", "规则名称（订单 promotions 字段中使用的名称）", ""),
            "type": C("category", "类型：活动价/满减/第N件折扣/赠品/限时折扣", ""),
            "threshold": C("float", "满减门槛（满减适用）", YUAN),
            "amount": C("float", "减免金额（满减适用）", YUAN),
            "n": C("int", "第 N 件（第N件折扣适用）", "件"),
            "discount": C("float", "折扣率（0.5 = 半价，0.9 = 九折）", "比例(0-1)"),
            "limit": C("int", "名额（赠品适用：前 N 名支付订单）", "单"),
            "gift_name": C("string", "赠品名称", ""),
            "gift_cost": C("float", "赠品单件成本", YUAN),
            "start": C("datetime", "生效时间", ""),
            "end": C("datetime", "结束时间（含）", ""),
            "repeatable": C("bool", "是否可叠加计算多次（满减是否上不封顶，如满798减100）", ""),
            "apply_order": C("int", "计算顺序（1 最先）", ""),
            "rule_text": C("string", "对顾客展示的规则说明", ""),
        },
    },
    "featured_products": {
        "file": "featured_products.csv",
        "description": "主推商品资料（课程设定）：可以作为模块一、二主推商品的本店商品，一行一个"
        "（老师在 course/settings.yaml 的 featured 中选择）。",
        "columns": {
            "product_id": C("string", "商品编号", ""),
            "brand": C("string", "品牌名（本店自有品牌，标题中要写的品牌）", ""),
            "persona_age_bands": C("string", "目标客群年龄段，多个用 | 分隔", ""),
            "persona_genders": C("string", "目标客群性别（女/男/不限），多个用 | 分隔", ""),
            "persona_spending": C("category", "目标客群消费水平（低/中/高）", ""),
            "sku_options_draft": C(
                "string", "运营同事起草的新链接 SKU 选项（待审核），写法同表1：颜色：白色/原木色；尺寸：60cm/80cm", ""
            ),
        },
    },
    "pain_points": {
        "file": "pain_points.csv",
        "description": "买家痛点词表（课程设定）：主推商品的买家痛点，以及长尾词中表示这个痛点的信号词。",
        "columns": {
            "product_id": C("string", "商品编号", ""),
            "pain_point": C("string", "买家痛点", ""),
            "signal_words": C(
                "string", "信号词：长尾词里出现其中任何一个，说明有买家带着这个痛点在搜索；多个用 | 分隔", ""
            ),
        },
    },
}

TABLE_ORDER = list(TABLES)

# Keys and foreign keys (checked by datasets.schema)
PRIMARY_KEYS = {
    "category_top100": ["item_id"],
    "keywords": ["keyword"],
    "products": ["product_id"],
    "skus": ["sku_id"],
    "price_history": ["date", "sku_id"],
    "traffic": ["session_id"],
    "orders": ["order_id"],
    "order_items": ["order_id", "line_no"],
    "ad_spend": ["date", "channel"],
    "customers": ["user_id"],
    "messages": ["message_id"],
    "ab_test": ["user_id"],
    "survey": ["response_id"],
    "campaign_phases": ["phase"],
    "promotions": ["promo_id"],
    "featured_products": ["product_id"],
    "pain_points": ["product_id", "pain_point"],
}

FOREIGN_KEYS = [
    # (table, column, ref_table, ref_column)
    ("skus", "product_id", "products", "product_id"),
    ("price_history", "sku_id", "skus", "sku_id"),
    ("orders", "user_id", "customers", "user_id"),
    ("orders", "session_id", "traffic", "session_id"),
    ("order_items", "order_id", "orders", "order_id"),
    ("order_items", "sku_id", "skus", "sku_id"),
    ("order_items", "product_id", "products", "product_id"),
    ("traffic", "order_id", "orders", "order_id"),
    ("messages", "user_id", "customers", "user_id"),
    ("keywords", "related_product_id", "products", "product_id"),
    ("featured_products", "product_id", "products", "product_id"),
    ("pain_points", "product_id", "featured_products", "product_id"),
]

# Allowed values of categorical columns (checked by datasets.schema)
ALLOWED = {
    ("traffic", "channel"): CHANNELS,
    ("traffic", "phase"): PHASES,
    ("traffic", "ab_variant"): ["A", "B"],
    ("orders", "channel"): CHANNELS,
    ("orders", "phase"): PHASES,
    ("orders", "status"): ORDER_STATUS,
    ("ad_spend", "channel"): PAID_CHANNELS,
    ("products", "role"): ROLES,
    ("skus", "status"): ["在售", "已下架"],
    ("customers", "member_tier"): TIERS,
    ("customers", "gender"): GENDERS,
    ("customers", "age_band"): AGE_BANDS,
    ("keywords", "keyword_type"): KEYWORD_TYPES,
    ("keywords", "trend"): ["上升", "平稳", "下降"],
    ("messages", "channel"): MSG_CHANNELS,
    ("messages", "msg_type"): MSG_TYPES,
    ("ab_test", "variant"): ["A", "B"],
    ("survey", "module"): list(MODULES),
    ("campaign_phases", "phase"): PHASES[1:],
    ("category_top100", "target_gender"): ["女", "男", "不限"],
    ("category_top100", "spending_level"): ["低", "中", "高"],
    ("category_top100", "competition_level"): ["低", "中", "高"],
    ("category_top100", "target_age_band"): AGE_BANDS,
    ("featured_products", "persona_spending"): ["低", "中", "高"],
}

# Numeric ranges (inclusive); None = unbounded
RANGES = {
    ("category_top100", "price"): (0.01, None),
    ("category_top100", "rating"): (1, 5),
    ("category_top100", "est_margin_rate"): (-1, 1),
    ("keywords", "click_rate"): (0, 1),
    ("keywords", "conversion_rate"): (0, 1),
    ("keywords", "relevance"): (0, 1),
    ("keywords", "search_heat"): (1, None),
    ("skus", "cost"): (0.01, None),
    ("skus", "daily_price"): (0.01, None),
    ("skus", "campaign_price"): (0.01, None),
    ("skus", "stock"): (0, None),
    ("price_history", "deal_price"): (0.01, None),
    ("traffic", "pages_viewed"): (1, 200),
    ("traffic", "duration_seconds"): (1, 86400),
    ("orders", "goods_amount"): (0.01, None),
    ("orders", "discount_amount"): (0, None),
    ("orders", "paid_amount"): (0.01, None),
    ("orders", "cost_amount"): (0.01, None),
    ("orders", "commission"): (0, None),
    ("orders", "item_count"): (1, 100),
    ("order_items", "qty"): (1, 100),
    ("order_items", "unit_price"): (0.01, None),
    ("order_items", "discount_alloc"): (0, None),
    ("ad_spend", "spend"): (0, None),
    ("ad_spend", "clicks"): (0, None),
    ("customers", "points"): (0, None),
    ("survey", "usefulness"): (1, 5),
    ("survey", "lecturer_expertise"): (1, 5),
    ("survey", "tool_ease"): (1, 5),
    ("survey", "recommend_score"): (0, 10),
    ("ab_test", "sessions"): (1, None),
    ("promotions", "discount"): (0, 1),
}

# Money columns: written with exactly two decimals
MONEY = {(t, c) for t, spec in TABLES.items() for c, info in spec["columns"].items() if info["unit"] == YUAN}


# ---------------------------------------------------------------------------
# Short Chinese labels: the header a student reads above a column
# (``course.labels``: 搜索人气（search_heat）).  Every column of every table has
# one (tests/test_labels.py); a new column needs its label here.
# ---------------------------------------------------------------------------
LABELS: dict[str, dict[str, str]] = {
    "category_top100": {
        "rank": "榜单排名",
        "item_id": "榜单商品编号",
        "item_name": "商品名称",
        "sub_category": "子类目",
        "style": "风格",
        "material": "材质",
        "main_color": "主色",
        "price": "售价",
        "monthly_sales": "近30天销量",
        "rating": "店铺评分",
        "review_count": "评价数",
        "season_hint": "季节性提示",
        "target_age_band": "目标年龄段",
        "target_gender": "目标性别",
        "spending_level": "消费水平",
        "est_cost": "估算成本",
        "est_margin_rate": "估算毛利率",
        "online_items": "在线商品数",
        "competition_level": "竞争度",
    },
    "keywords": {
        "keyword": "关键词",
        "keyword_type": "关键词类型",
        "search_heat": "搜索人气",
        "online_items": "在线商品数",
        "competition_index": "竞争度指数",
        "click_rate": "点击率",
        "conversion_rate": "支付转化率",
        "avg_cpc": "平均点击花费",
        "relevance": "相关性",
        "related_product_id": "相关商品编号",
        "trend": "搜索趋势",
    },
    "products": {
        "product_id": "商品编号",
        "product_name": "商品简称",
        "title": "商品标题",
        "category": "一级类目",
        "sub_category": "子类目",
        "role": "商品角色",
        "style": "风格",
        "launch_date": "上架日期",
        "rating": "商品评分",
        "review_count": "评价数",
    },
    "skus": {
        "sku_id": "SKU编号",
        "product_id": "商品编号",
        "color": "颜色",
        "size": "尺寸",
        "material": "材质",
        "cost": "单件成本",
        "daily_price": "日常价",
        "campaign_price": "活动价",
        "stock": "库存",
        "status": "状态",
        "listed_date": "上架日期",
        "delisted_date": "下架日期",
    },
    "price_history": {
        "date": "日期",
        "sku_id": "SKU编号",
        "product_id": "商品编号",
        "list_price": "划线价",
        "deal_price": "成交单价",
        "on_sale": "是否在售",
    },
    "traffic": {
        "session_id": "访问编号",
        "user_id": "访客编号",
        "start_time": "进店时间",
        "date": "访问日期",
        "channel": "流量渠道",
        "search_keyword": "搜索关键词",
        "pages_viewed": "浏览页数",
        "duration_seconds": "停留秒数",
        "added_to_cart": "是否加购",
        "ordered": "是否下单",
        "paid": "是否支付",
        "order_id": "订单编号",
        "is_new_customer": "是否新客",
        "phase": "活动阶段",
        "ab_variant": "A/B版本",
    },
    "orders": {
        "order_id": "订单编号",
        "user_id": "买家编号",
        "session_id": "访问编号",
        "created_at": "下单时间",
        "paid_at": "支付时间",
        "date": "下单日期",
        "channel": "成交渠道",
        "phase": "活动阶段",
        "status": "订单状态",
        "item_count": "商品件数",
        "goods_amount": "商品总额",
        "discount_amount": "优惠总额",
        "paid_amount": "实付金额",
        "cost_amount": "商品成本",
        "commission": "平台佣金",
        "gift_cost": "赠品成本",
        "promotions": "使用的优惠",
        "gift": "赠品",
        "is_new_customer": "是否新客",
    },
    "order_items": {
        "order_id": "订单编号",
        "line_no": "行号",
        "sku_id": "SKU编号",
        "product_id": "商品编号",
        "qty": "数量",
        "unit_price": "成交单价",
        "line_amount": "行金额",
        "discount_alloc": "分摊优惠",
        "paid_line": "本行实付",
        "cost": "本行成本",
    },
    "ad_spend": {
        "date": "日期",
        "channel": "推广渠道",
        "spend": "花费",
        "impressions": "展现次数",
        "clicks": "点击次数",
    },
    "customers": {
        "user_id": "客户编号",
        "phone_masked": "手机号",
        "name_masked": "姓名",
        "gender": "性别",
        "age_band": "年龄段",
        "region": "地区",
        "first_visit_date": "首次进店日期",
        "first_order_date": "首次下单日期",
        "member_tier": "会员等级",
        "points": "可用积分",
        "points_expire_date": "积分到期日",
        "tags": "客户标签",
    },
    "messages": {
        "message_id": "消息编号",
        "user_id": "客户编号",
        "sent_at": "发送时间",
        "channel": "触达渠道",
        "msg_type": "消息类型",
        "campaign": "所属活动",
        "content": "消息内容",
    },
    "ab_test": {
        "user_id": "访客编号",
        "variant": "分组",
        "first_exposed_at": "首次曝光时间",
        "sessions": "访问次数",
        "added_to_cart": "是否加购",
        "ordered": "是否下单",
        "paid": "是否支付",
        "paid_amount": "实付金额合计",
    },
    "survey": {
        "response_id": "问卷编号",
        "class_id": "班级",
        "module": "模块编号",
        "module_title": "模块名称",
        "usefulness": "实用性",
        "lecturer_expertise": "讲师专业度",
        "tool_ease": "工具易用性",
        "recommend_score": "推荐意愿",
        "comment": "开放意见",
        "submitted_at": "提交时间",
    },
    "campaign_phases": {
        "phase": "阶段",
        "start_date": "开始日期",
        "end_date": "结束日期",
        "days": "天数",
        "focus": "工作重点",
        "main_channels": "主推渠道",
        "kpi": "考核指标",
    },
    "promotions": {
        "promo_id": "规则编号",
        "campaign": "所属活动",
        "name": "规则名称",
        "type": "规则类型",
        "threshold": "满减门槛",
        "amount": "减免金额",
        "n": "第N件",
        "discount": "折扣率",
        "limit": "名额",
        "gift_name": "赠品名称",
        "gift_cost": "赠品成本",
        "start": "生效时间",
        "end": "结束时间",
        "repeatable": "可否叠加",
        "apply_order": "计算顺序",
        "rule_text": "规则说明",
    },
    "featured_products": {
        "product_id": "商品编号",
        "brand": "品牌",
        "persona_age_bands": "目标年龄段",
        "persona_genders": "目标性别",
        "persona_spending": "消费水平",
        "sku_options_draft": "SKU选项草稿",
    },
    "pain_points": {
        "product_id": "商品编号",
        "pain_point": "买家痛点",
        "signal_words": "信号词",
    },
}


def _attach_labels() -> None:
    """Write each label into its column's entry (the manifest carries it as ``label``)."""
    for table, columns in LABELS.items():
        if table not in TABLES:  # a table being added or removed elsewhere: its labels wait
            continue
        for column, text in columns.items():
            if column in TABLES[table]["columns"]:
                TABLES[table]["columns"][column]["label"] = text


_attach_labels()
