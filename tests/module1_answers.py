"""What a student of module 1 types and gets, computed from the settings and the data in force.

Shared by the module-1 tests (visible checks, nbgrader grading, table 6, the
featured-product switch, the browser test): nothing here names a product, so the
same builders serve whichever product ``featured.product_id`` selects.

* ``student_forms(...)``: {notebook stem: {form key: raw entries as typed}}, with
  table 6's first-row defects switchable (the title without a core attribute word,
  the detail page out of order, the SKU draft's invalid option kept);
* ``graded_values(...)``: {task: the value its test cell exports} for the same
  answers, the forms parsed by the real form classes;
* ``blanks(notebook)``: what a student types into each ``___`` of a scaffold.
"""

from __future__ import annotations

import os

import harness

os.environ.setdefault("COURSE_DATA_DIR", str(harness.DATA))

MODULE = "module1_listing"


def context():
    from grading.reference.context import context as ctx

    return ctx()


# -- the reference answers, from grading/reference (never hard-coded) -----------------------


def swot_rows() -> list[dict]:
    from course import settings
    from grading.reference.module1_listing.selection import candidates

    n = int(settings.threshold("listing", "selection_pick_min"))
    return [
        {
            "item_id": r["item_id"],
            "s": f"毛利率{r['est_margin_rate']:.0%}，月毛利高",
            "w": f"单件成本{r['est_cost']:.0f}元，备货压资金",
            "o": f"月销{r['monthly_sales']}件，{r['season_hint']}",
            "t": f"竞争度{r['competition_level']}，在线商品{r['online_items']}个",
        }
        for r in candidates(context()).head(n).to_dict("records")
    ]


def title_words() -> dict:
    """Core keyword, core attributes, the extra attribute words and a marketing word of the product."""
    from course.tools.title import title_width, width_range
    from grading.reference.module1_listing import title as T

    R = context()
    core, attrs, mk = T.core_keyword(R), T.core_attributes(R), T.marketing_words(R)[0]
    brand = R.product.brand
    extra = [w for w in T.attribute_words(R) if w not in attrs]
    _lo, hi = width_range()
    words = list(attrs)
    # a full title: extra attribute words while they fit (so that dropping a core attribute keeps the width)
    for w in extra:
        if title_width(brand + "".join(words) + w + core + mk) <= hi - 2:
            words.append(w)
    return {"brand": brand, "core": core, "core_attributes": attrs, "attributes": words, "marketing": mk}


def title_text(*, missing_attribute: bool = False) -> str:
    w = title_words()
    words = [a for a in w["attributes"] if not (missing_attribute and a == w["core_attributes"][0])]
    return w["brand"] + "".join(words) + w["core"] + w["marketing"]


def detail_points() -> list[tuple[str, str]]:
    """(selling point, pain) for the pains with the most search heat."""
    from course import settings
    from grading.reference.module1_listing.detail_page import pain_heat

    R = context()
    heat = pain_heat(R)
    n = int(settings.threshold("listing", "selling_points_min")) + 1
    pains = sorted(heat, key=lambda p: -heat[p])[:n]
    return [(f"{R.product.pain_signals[p][0]}设计好", p) for p in pains]


def image_plan() -> dict:
    from grading.reference.module1_listing.detail_page import main_images, usable

    R = context()
    return {"main": main_images(R), "detail": usable(R, "白底图") + usable(R, "细节图")}


def sku_rows(*, invalid_option: bool = False) -> list[dict]:
    """The colleague's draft, with the invalid option removed (or kept)."""
    from course.tools.sku import ATTRIBUTE_COLUMNS
    from grading.reference.module1_listing.sku_price import inventory

    R = context()
    inv = inventory(R)
    rows = []
    for name, values in R.product.sku_attributes.items():
        used = set(inv[ATTRIBUTE_COLUMNS[name]].astype(str))
        rows.append({"name": name, "values": "/".join(v for v in values if invalid_option or v in used)})
    return rows


def price_rows() -> list[dict]:
    R = context()
    return [
        {"spec": s, "daily": f"{p.daily:.2f}", "activity": f"{max(p.activity, p.cost):.2f}"}
        for s, p in R.product.prices.items()
    ]


def catalog_audit() -> dict:
    from grading.reference.module1_listing import listing_audit as A

    R = context()
    return {
        "title": A.bad_titles(R),
        "price": A.below_cost(R),
        "sku": A.invalid_options(R),
        "original": A.fake_original(R),
    }


# -- what a student types -------------------------------------------------------------


def student_forms(*, title_missing_attribute=False, detail_out_of_order=False, sku_invalid_option=False) -> dict:
    """{notebook stem: {form key: raw entries}} of a complete, right listing, with table 6's first-row defects."""
    from course.tools.listing_audit import DETAIL_ORDER

    w = title_words()
    order = list(DETAIL_ORDER)
    if detail_out_of_order:
        order = [order[2], order[0], order[3], order[1], order[4]]  # 卖点排序混乱
    plan = image_plan()
    return {
        "01_selection": {"swot": {"rows": swot_rows()}},
        "02_title": {
            "title": {
                "core_keyword": w["core"],
                "attributes": "、".join(w["attributes"]),
                "marketing": w["marketing"],
                "title": title_text(missing_attribute=title_missing_attribute),
            }
        },
        "03_detail_page": {
            "detail": {
                "sections": [{"module": m, "content": f"{m}的内容"} for m in order],
                "points": [{"point": p, "pain": q} for p, q in detail_points()],
                "video_seconds": "20",
            },
            "images": {**{f"main_{i}": f for i, f in enumerate(plan["main"], 1)}, "detail": plan["detail"]},
        },
        "04_sku_price": {
            "sku": {"attributes": sku_rows(invalid_option=sku_invalid_option)},
            "price": {"prices": price_rows()},
        },
        "05_listing_audit": {"catalog_audit": catalog_audit()},
    }


def answer_files(forms: dict) -> dict:
    """Answer-file contents for ``harness.submit(answers=...)``."""
    return {stem: harness.form_answers(entries, stem) for stem, entries in forms.items()}


# -- the values the test cells export ----------------------------------------------------


def scaffold_values() -> dict:
    """The reference values of the code-scaffold tasks (what the filled skeletons compute)."""
    from grading.reference.module1_listing import selection, sku_price

    R = context()
    k = R.table("keywords")
    kw = k[k["related_product_id"] == R.product.id][
        ["keyword", "keyword_type", "relevance", "search_heat", "competition_index"]
    ].copy()
    kw["value"] = kw["search_heat"] / kw["competition_index"]
    inv = sku_price.inventory(R)[["sku_id", "color", "size", "stock", "status"]].copy()
    inv["线上库存"] = inv["stock"].where(inv["status"] == "在售", 0)
    import pandas as pd

    below = sku_price.below_category_average(R)
    return {
        "candidates": selection.candidates(R),
        "kw_value": kw.sort_values("value", ascending=False).reset_index(drop=True),
        "sku_table": inv,
        "pyramid": pd.DataFrame({"product_id": list(below), "低于类目均价": [round(v, 4) for v in below.values()]}),
    }


def graded_values(forms: dict | None = None) -> dict:
    """{task name: exported value} for typed forms (default: the right ones), parsed by the real forms.

    Needs a running course session (``course.start``) for the forms' answer store.
    """
    from course.forms.audit_form import CatalogAuditForm
    from course.forms.detail_form import DetailForm, ImagePlanForm
    from course.forms.price_form import PriceForm
    from course.forms.sku_form import SkuForm
    from course.forms.swot_form import SwotForm
    from course.forms.title_form import TitleForm

    forms = forms or student_forms()

    def parsed(form, raw):
        return form.parse(form._merged(raw))[0]

    t = parsed(TitleForm(), forms["02_title"]["title"])
    out = dict(scaffold_values())
    out.update(
        {
            "swot": parsed(SwotForm(), forms["01_selection"]["swot"]),
            "title_choice": t,
            "title": t.get("title"),
            "detail": DetailForm.summary(parsed(DetailForm(), forms["03_detail_page"]["detail"])),
            "images": ImagePlanForm.plan(parsed(ImagePlanForm(), forms["03_detail_page"]["images"])),
            "sku": SkuForm.as_dict(parsed(SkuForm(), forms["04_sku_price"]["sku"])),
            "prices": PriceForm.table(parsed(PriceForm(), forms["04_sku_price"]["price"])),
        }
    )
    audit = parsed(CatalogAuditForm(), forms["05_listing_audit"]["catalog_audit"])
    out["catalog_titles"] = out["catalog_sku_price"] = audit
    return out


#: what a student types into each blank ``___``, per task (the scaffolds' answers)
BLANKS = {
    "candidates": ["MARGIN_MIN", '"est_cost"'],
    "kw_value": ['"search_heat"', '"competition_index"', "False"],
    "sku_table": ['"在售"'],
    "pyramid": ['"均价"', '"类目均价"'],
}
