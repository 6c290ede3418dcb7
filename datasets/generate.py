"""生成模拟店铺数据：python -m datasets.generate --seed 2026 --scale 1 --out DIR

Generate the simulated shop's tables into a folder.  Deterministic: the same
seed, scale and ``spec.VERSION`` give byte-identical files.  The steps, each in
a module of its own:

1. the static tables (catalogue, prices, market, campaign, survey, featured
   products): ``shop``, ``featured``;
2. the trading year, day by day, appending traffic, orders and order lines to
   their CSV files (``simulation``, ``csvfiles``), so memory stays bounded by the
   visitor state (a few bytes per visitor), not by the number of rows;
3. the tables built from what the year left: customers, messages, A/B test, ad
   spend (``tables``, ``messages``);
4. ``manifest.json`` (from the data dictionary, ``spec``), the Excel offline pack
   at the classroom scale (``offline_pack``) and the schema check (``schema``).

Defaults come from ``course/settings.yaml`` (``dataset.seed``, ``dataset.scale``);
the default output folder is ``datasets/data`` for the classroom scale and
``datasets/generated/scale-<scale>`` otherwise (never committed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import featured, market, shop, survey
from .csvfiles import Appender, messages_select, simulation_selects, write_csv
from .defaults import default_seed_scale, thresholds
from .messages import build_messages
from .offline_pack import EXCEL_MAX_SCALE, EXCEL_NAME, write_excel
from .schema import SchemaError, validate_folder
from .simulation import Simulation
from .spec import CALENDAR, TABLE_ORDER, TABLES, VERSION
from .streams import rng_for
from .tables import build_ab_test, build_ad_spend, build_customers, skus_frame

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data"
GENERATED = HERE / "generated"
SIMULATED = ("traffic", "orders", "order_items")

__all__ = [
    "EXCEL_NAME",
    "default_seed_scale",
    "generate",
    "main",
    "manifest_dict",
    "rng_for",
    "scale_value",
    "thresholds",
]


def scale_value(scale: float):
    """A scale as the manifest writes it: whole numbers without a decimal point.

    >>> scale_value(1.0), scale_value(0.5)
    (1, 0.5)
    """
    return int(scale) if float(scale).is_integer() else float(scale)


def manifest_dict(seed: int, scale: float, rows: dict) -> dict:
    """``manifest.json``: version, seed, scale, shop, calendar, and every table's file, rows and columns."""
    tables = {}
    for name in TABLE_ORDER:
        spec = TABLES[name]
        tables[name] = {
            "file": spec["file"],
            "description": spec["description"],
            "rows": int(rows[name]),
            "columns": spec["columns"],
        }
    return {
        "version": VERSION,
        "seed": int(seed),
        "scale": scale_value(scale),
        "shop": {
            "name": shop.SHOP_NAME,
            "brand": featured.BRAND,
            "category": shop.CATEGORY,
            "platform": "淘宝类综合电商平台（模拟）",
        },
        "generator": f"python -m datasets.generate --seed {seed} --scale {scale_value(scale)}",
        "calendar": CALENDAR,
        "tables": tables,
    }


def _write(out: Path, name: str, df) -> int:
    return write_csv(df, out / TABLES[name]["file"], name)


def _write_static_tables(out: Path, seed: int) -> dict:
    """The tables that do not depend on the scale; returns rows per table."""
    skus = shop.sku_table(rng_for(seed, "catalog"))
    frames = {
        "products": shop.products_frame(),
        "skus": skus_frame(skus),
        "price_history": shop.price_history_frame(skus),
        "keywords": market.keyword_table(rng_for(seed, "market"), rng_for(seed, "featured")),
        "category_top100": market.category_top100(rng_for(seed, "catalog")),
        "campaign_phases": shop.campaign_phases_frame(),
        "promotions": shop.promotions_frame(),
        "survey": survey.survey_frame(rng_for(seed, "survey")),
        "featured_products": featured.featured_products_frame(),
        "pain_points": featured.pain_points_frame(),
    }
    return {name: _write(out, name, df) for name, df in frames.items()}


def _simulate_year(out: Path, sim: Simulation) -> dict:
    """Run the simulation into the traffic, orders and order_items files; returns rows per table."""
    selects = simulation_selects(sim.keywords, sim.checkout.sku_ids, sim.checkout.sku_products)
    writers = {t: Appender(out / TABLES[t]["file"], t, selects[t]) for t in SIMULATED}
    rows = {}
    try:
        sim.run(writers)
    finally:
        for t, w in writers.items():
            rows[t] = w.close()
    return rows


def _write_derived_tables(out: Path, sim: Simulation, seed: int, th: dict) -> dict:
    """Customers, messages, A/B test and ad spend from what the simulated year kept; returns rows per table."""
    rows = {}
    customers, reach = build_customers(sim, rng_for(seed, "post"), th)
    rows["customers"] = _write(out, "customers", customers)
    del customers
    w = Appender(out / TABLES["messages"]["file"], "messages", messages_select())
    w.write(build_messages(sim, reach, rng_for(seed, "messages")))
    rows["messages"] = w.close()
    rows["ab_test"] = _write(out, "ab_test", build_ab_test(sim))
    rows["ad_spend"] = _write(out, "ad_spend", build_ad_spend(sim, rng_for(seed, "ads")))
    return rows


def generate(
    out: Path | str | None = None,
    seed: int | None = None,
    scale: float | None = None,
    excel: bool | None = None,
    validate: bool = True,
    log=print,
) -> dict:
    """Generate every table into ``out``; returns the manifest.  Raises ``SchemaError`` on a schema problem."""
    dseed, dscale = default_seed_scale()
    seed = dseed if seed is None else int(seed)
    scale = dscale if scale is None else float(scale)
    if scale <= 0:
        raise ValueError("规模 scale 必须大于 0。")
    if out is None:
        out = DEFAULT_OUT if scale <= 1 else GENERATED / f"scale-{scale_value(scale)}"
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    th = thresholds()
    t0 = time.time()
    log(f"生成模拟店铺数据：seed={seed} scale={scale_value(scale)} → {out}")
    rows = _write_static_tables(out, seed)
    sim = Simulation(seed, scale, th["commission_rate"], log=log)
    rows |= _simulate_year(out, sim)
    rows |= _write_derived_tables(out, sim, seed, th)
    man = manifest_dict(seed, scale, rows)
    (out / "manifest.json").write_text(json.dumps(man, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log(f"  表已写出（{time.time() - t0:.1f} s）：" + "，".join(f"{k} {v:,}" for k, v in rows.items()))
    if excel is None:
        excel = scale <= EXCEL_MAX_SCALE
    if excel:
        write_excel(out, out / EXCEL_NAME)
        log(f"  离线数据包 {EXCEL_NAME} 已写出（{time.time() - t0:.1f} s）")
    if validate:
        validate_folder(out)
        log(f"  数据校验通过（{time.time() - t0:.1f} s）")
    return man


def _parser(seed: int, scale: float) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m datasets.generate",
        description="生成模拟店铺数据（确定性：同种子同规模同版本 → 文件逐字节相同）",
    )
    ap.add_argument("--seed", type=int, default=seed, help=f"随机种子（默认取课程设置 dataset.seed = {seed}）")
    ap.add_argument("--scale", type=float, default=scale, help=f"规模（1 = 课堂版；默认 dataset.scale = {scale}）")
    ap.add_argument(
        "--out", default=None, help="输出文件夹（默认 scale ≤ 1 为 datasets/data，否则 datasets/generated/scale-N）"
    )
    ap.add_argument("--excel", dest="excel", action="store_true", default=None, help="写出 Excel 离线数据包")
    ap.add_argument("--no-excel", dest="excel", action="store_false", help="不写 Excel 离线数据包")
    ap.add_argument("--no-validate", action="store_true", help="跳过数据校验（不建议）")
    ap.add_argument("--quiet", action="store_true")
    return ap


def main(argv=None) -> int:
    args = _parser(*default_seed_scale()).parse_args(argv)
    log = (lambda *a, **k: None) if args.quiet else print
    try:
        generate(args.out, args.seed, args.scale, excel=args.excel, validate=not args.no_validate, log=log)
    except SchemaError as exc:
        print(f"数据校验失败：\n{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
