"""module4_crm under the real nbgrader command line (tests/harness.py): the reference
solution scores full automatic points, the unchanged student version zero, a partly
right student in between.  One class workspace for the whole file; all students are
autograded in one call.

The partly right student types real code into some answer cells (with the mistakes
students make: an off-by-one boundary for 沉睡/流失, rank-based binning of F that
splits single-purchase customers) and fills two forms, one of them with a benefit
that does not match table 3."""
from __future__ import annotations

import json

import nbformat
import pytest

import harness

MODULE = "module4_crm"
SOURCE = harness.REPO / MODULE
pytestmark = pytest.mark.slow


# -- what the partly right student writes ------------------------------------------------

FEATURES = '''
features = None
def customer_features(orders, customers, as_of, window_days):
    as_of = pd.Timestamp(as_of)
    paid = orders[(orders["status"] == "已支付") & (orders["date"] <= as_of)]
    recent = paid[paid["date"] > as_of - pd.Timedelta(days=window_days)]
    out = customers[["user_id"]].copy()
    out["recency"] = out["user_id"].map((as_of - paid.groupby("user_id")["date"].max()).dt.days)
    out["orders_30d"] = out["user_id"].map(recent.groupby("user_id").size()).fillna(0).astype(int)
    out["aov_30d"] = out["user_id"].map(recent.groupby("user_id")["paid_amount"].mean()).round(2)
    return out.sort_values("user_id").reset_index(drop=True)

features = customer_features(orders, customers, rules["as_of"], rules["window_days"])
'''

# ">" instead of ">=": customers exactly 30 or 60 days after their last order end up in the wrong layer
SEGMENTS_OFF_BY_ONE = '''
segments = None
f = features.copy()
r, n, aov = f["recency"], f["orders_30d"], f["aov_30d"]
high = (r < 30) & (n >= rules["hv_min_orders"]) & (aov >= rules["hv_min_aov"])
potential = (r < 30) & (n == 1) & (aov < rules["pot_max_aov"])
f["segment"] = np.select([r.isna(), r > 60, r > 30, high, potential],
                         ["未购买客户", "流失用户", "沉睡用户", "高价值用户", "潜力用户"], default="成长用户")
segments = f
'''

COUNTS = '''
segment_counts = segments["segment"].value_counts().rename_axis("segment").reset_index(name="customers")
segment_counts["share"] = (segment_counts["customers"] / len(segments)).round(4)
'''

RFM = '''
paid = orders[(orders["status"] == "已支付") & (orders["date"] <= AS_OF)]
rfm = paid.groupby("user_id").agg(last=("date", "max"), F=("order_id", "count"), M=("paid_amount", "sum")).reset_index()
rfm["R"] = (AS_OF - rfm["last"]).dt.days
rfm = rfm[["user_id", "R", "F", "M"]]
'''

# the trap of exercise 02: equal-frequency bins on the rank of F split identical customers
SCORES_RANK_F = '''
rfm_scores = rfm.copy()
rfm_scores["R_score"] = pd.qcut(rfm_scores["R"].rank(method="first", ascending=False), 5, labels=[1, 2, 3, 4, 5]).astype(int)
rfm_scores["F_score"] = pd.qcut(rfm_scores["F"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
rfm_scores["M_score"] = pd.qcut(rfm_scores["M"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
'''

TIERS = '''
paid = orders[(orders["status"] == "已支付") & (orders["date"] <= AS_OF)]
tiers = customers[["user_id", "member_tier"]].copy()
tiers["spend"] = tiers["user_id"].map(paid.groupby("user_id")["paid_amount"].sum()).fillna(0).round(2)
tiers["orders"] = tiers["user_id"].map(paid.groupby("user_id").size()).fillna(0).astype(int)
tiers["tier_by_spend"] = membership.assign_tiers(tiers["spend"]).astype(str)
tiers["tier_either"] = membership.assign_tiers(tiers["spend"], tiers["orders"], basis="either").astype(str)
'''


def strategy_rows(dormant_benefit: str = "50元无门槛券（7天）") -> list[dict]:
    """The strategy form as typed (raw entries): table 3, with the 沉睡 benefit switchable."""
    def row(segment, goal, channels, benefit, extras=(), redemption="15", tags=()):
        return {"segment": segment, "goal": goal, "channels": list(channels), "benefit": benefit,
                "extras": list(extras), "redemption": redemption, "tags": list(tags)}
    return [
        row("高价值用户", "提升忠诚度，推新品", ["专属客服", "短信"], "95折会员日", ["新品优先购"], "40"),
        row("成长用户", "培养成高价值用户", ["App推送", "社群"], "满299减30", ["猜你喜欢"], "20"),
        row("潜力用户", "促进二次消费", ["App推送", "社群"], "满299减30", ["猜你喜欢"], "15"),
        row("沉睡用户", "唤醒复购", ["短信", "邮件"], dormant_benefit, [], "10"),
        row("流失用户", "避免永久流失", ["短信", "电话回访"], "回归大礼包（100元券+赠品）", [], "5", ["关注促销活动"]),
    ]


def partial_submission(released: dict) -> tuple[dict, dict]:
    nbs = {name: nbformat.from_dict(json.loads(json.dumps(nb))) for name, nb in released.items()}
    harness.set_source(nbs["01_segments.ipynb"], "a01_features", FEATURES)
    harness.set_source(nbs["01_segments.ipynb"], "a01_segments", SEGMENTS_OFF_BY_ONE)
    harness.set_source(nbs["01_segments.ipynb"], "a01_counts", COUNTS)
    harness.set_source(nbs["02_rfm.ipynb"], "a02_rfm", RFM)
    harness.set_source(nbs["02_rfm.ipynb"], "a02_scores", SCORES_RANK_F)
    harness.set_source(nbs["05_membership.ipynb"], "a05_tiers", TIERS)
    answers = {
        "01_segments": harness.form_answers({"segment_rules": {"gap_rule": "单设成长用户"}}, "01_segments"),
        "03_strategy": harness.form_answers({"segment_strategy": {"strategies": strategy_rows("满299减30")}},
                                            "03_strategy"),
    }
    return nbs, answers


def max_points(folder=SOURCE) -> dict[str, float]:
    return harness.max_points(folder)


def auto_ids() -> list[str]:
    return harness.auto_ids(SOURCE)


# -- the workspace ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    ws = harness.workspace(tmp_path_factory.mktemp("m4"))
    harness.nbgrader(ws, "generate_assignment", MODULE, "--force")
    released = harness.notebooks(ws / "release" / MODULE)
    harness.submit(ws, MODULE, "m4_ref", harness.notebooks(SOURCE))
    harness.submit(ws, MODULE, "m4_blank", released)
    nbs, answers = partial_submission(released)
    harness.submit(ws, MODULE, "m4_partial", nbs, answers=answers)
    scores = harness.autograde(ws, MODULE)      # all three students in one call
    return ws, scores


def test_rubric_dimensions_have_cells():
    pts = max_points()
    for dim in ("d1_", "d2_", "d3_"):
        assert sum(p for g, p in pts.items() if g.startswith(dim)) > 0, dim
    assert pts["d5_remark"] == 10
    assert not any(g.startswith("d4_") for g in pts)           # 提交时效性 has no cells


def test_reference_scores_full_automatic_points(graded):
    _ws, scores = graded
    ref, pts = scores["m4_ref"], max_points()
    lost = {g: (ref.get(g), pts[g]) for g in auto_ids() if ref.get(g) != pts[g]}
    assert not lost, f"reference lost points: {lost}"
    assert ref["total"] == ref["max"] == sum(pts[g] for g in auto_ids())


def test_unchanged_release_scores_zero(graded):
    _ws, scores = graded
    blank = scores["m4_blank"]
    assert blank["total"] == 0, {g: blank.get(g) for g in auto_ids() if blank.get(g)}


def test_partly_right_scores_in_between(graded):
    _ws, scores = graded
    part, pts = scores["m4_partial"], max_points()
    assert 0 < part["total"] < part["max"]
    assert part["d1_features"] == pts["d1_features"]
    assert 0 < part["d1_segments"] < pts["d1_segments"]          # the 30/60-day boundary
    assert part["d1_counts"] == pts["d1_counts"]                 # consistent with the student's own layers
    assert part["d1_movement"] == 0
    assert part["d1_rfm_base"] == pts["d1_rfm_base"]
    assert part["d1_rfm_scores"] == pytest.approx(pts["d1_rfm_scores"] * 5 / 7, abs=0.01)   # F ties split (2 of 7)
    # the strategy form matches table 3 except the 沉睡 benefit (one check of 16.5 weight units)
    assert part["d2_strategy"] == pytest.approx(pts["d2_strategy"] * 15.5 / 16.5, abs=0.01)
    assert part["d2_tiers"] == pts["d2_tiers"]
    assert all(part[g] == 0 for g in ("d2_targets", "d2_cost", "d2_repurchase", "d3_audit", "d3_plan",
                                      "d3_schedule", "d3_export", "d3_reminders", "d3_coupons"))


def test_release_hides_solutions_and_hidden_tests(graded):
    ws, _ = graded
    release = ws / "release" / MODULE
    for path in release.glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, path.name
        # no reference code or answer values
        for needle in ("def classify", "def customer_features", "F_BOUNDS", "rank(method=\\\"first\\\", ascending=False)",
                       "单设成长用户\\\"}", "redemption\\\": 40.0"):
            assert needle not in text, (path.name, needle)
    assert (release / "assets" / "week_plan.csv").is_file() and (release / "assets" / "service_contacts.csv").is_file()
    assert not list(release.glob("*.answers.json"))


def test_blank_release_runs_without_errors(graded):
    """A student who answered nothing can run every notebook top to bottom."""
    ws, _ = graded
    for path in sorted((ws / "autograded" / "m4_blank" / MODULE).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        assert not errors, (path.name, [e.get("ename") or e.get("text", "")[:200] for e in errors])


def test_feedback_says_what_to_improve_in_chinese(graded):
    ws, _ = graded
    nb = nbformat.read(ws / "autograded" / "m4_partial" / MODULE / "02_rfm.ipynb", as_version=4)
    text = json.dumps(nb.dict(), ensure_ascii=False)
    assert "提升方向" in text and "同样消费次数的客户应得同样的分" in text
    nb = nbformat.read(ws / "autograded" / "m4_partial" / MODULE / "03_strategy.ipynb", as_version=4)
    text = json.dumps(nb.dict(), ensure_ascii=False)
    assert "「沉睡用户」的核心权益与表3 不一致" in text
