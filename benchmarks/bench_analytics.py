"""Benchmark of module 3: the reference metric & funnel pipeline (pandas) against
the same metrics in DuckDB SQL, on the large generated shop (≥ 1,000,000 orders),
and the dashboard's recomputation time per change on the classroom data.

What it prints (figures measured in this run, nothing hard-coded):

* pandas: load time, compute time, total, peak memory (child process, ru_maxrss);
* DuckDB: total time (SQL reads the same CSV files), peak memory;
* the ratio pandas ÷ DuckDB (target ≤ 3) and whether the results agree;
* the data centre (the query builder of the notebooks) and the 挑战 dashboard:
  time per change (compute + render incl. the chart + save) on the classroom
  data, median and maximum (target ≤ 0.3 s).

Usage::

    python benchmarks/bench_analytics.py                  # datasets/generated/scale-220 (generated if missing, ~5 min)
    python benchmarks/bench_analytics.py --data DIR       # any generated folder
    python benchmarks/bench_analytics.py --skip-large     # only the data centre / dashboard timing

The large folder is made with ``python -m datasets.generate --scale 220 --out DIR``
(scale 1 ≈ 4,800 orders, so 220 gives ≥ 1,000,000).  Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TIME_RATIO_MAX = 3.0
MEMORY_MAX_MB = 4096
DASHBOARD_MAX_S = 0.3
MIN_ORDERS = 1_000_000


# -- the DuckDB side -------------------------------------------------------------------


def _sql_metrics(key: str | None, start: str, end: str) -> str:
    k = key or "1"
    return f"""
WITH t AS (SELECT * FROM traffic WHERE date BETWEEN DATE '{start}' AND DATE '{end}'),
o AS (SELECT * FROM orders WHERE date BETWEEN DATE '{start}' AND DATE '{end}' AND paid_at IS NOT NULL),
tm AS (SELECT {k} AS k, COUNT(DISTINCT user_id) AS uv, SUM(pages_viewed) AS pv, COUNT(*) AS visits,
              SUM(CASE WHEN pages_viewed = 1 THEN 1 ELSE 0 END) AS bounces,
              COUNT(DISTINCT CASE WHEN added_to_cart THEN user_id END) AS cart,
              COUNT(DISTINCT CASE WHEN ordered THEN user_id END) AS ordered,
              COUNT(DISTINCT CASE WHEN paid THEN user_id END) AS paid
       FROM t GROUP BY ALL),
ob AS (SELECT {k} AS k, user_id, COUNT(*) AS n, SUM(paid_amount) AS amount, BOOL_OR(is_new_customer) AS new
       FROM o GROUP BY ALL),
om AS (SELECT k, SUM(amount) AS gmv, COUNT(*) AS buyers, SUM(CASE WHEN new THEN 1 ELSE 0 END) AS new_buyers,
              SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END) AS repeat_buyers FROM ob GROUP BY k)
SELECT tm.k, uv AS "UV", pv AS "PV", visits AS "访问次数", bounces / visits AS "跳失率",
       cart AS "加购人数", ordered AS "下单人数", paid AS "支付人数",
       cart / NULLIF(uv, 0) AS "加购率", paid / NULLIF(uv, 0) AS "转化率",
       ROUND(COALESCE(gmv, 0), 2) AS "GMV", COALESCE(buyers, 0) AS "支付买家数",
       gmv / NULLIF(buyers, 0) AS "客单价", COALESCE(gmv, 0) / NULLIF(uv, 0) AS "UV价值",
       new_buyers / NULLIF(buyers, 0) AS "新客占比", repeat_buyers / NULLIF(buyers, 0) AS "复购率"
FROM tm LEFT JOIN om USING (k) ORDER BY tm.k"""


def _sql_funnel(start: str, end: str) -> str:
    return f"""
SELECT channel AS "渠道", phase AS "阶段", COUNT(*) AS "访问次数",
       SUM(added_to_cart::INT) AS "加购次数", SUM(ordered::INT) AS "下单次数", SUM(paid::INT) AS "支付次数",
       SUM(added_to_cart::INT) / NULLIF(COUNT(*), 0) AS "访问→加购",
       SUM(ordered::INT) / NULLIF(SUM(added_to_cart::INT), 0) AS "加购→下单",
       SUM(paid::INT) / NULLIF(SUM(ordered::INT), 0) AS "下单→支付"
FROM traffic WHERE date BETWEEN DATE '{start}' AND DATE '{end}' GROUP BY ALL ORDER BY 1, 2"""


def _sql_roi(start: str, end: str) -> str:
    """One row per channel present in the period's orders or ad spend (as the pandas side)."""
    return f"""
WITH o AS (SELECT * FROM orders WHERE date BETWEEN DATE '{start}' AND DATE '{end}'),
a AS (SELECT channel, SUM(spend) AS spend FROM ad_spend WHERE date BETWEEN DATE '{start}' AND DATE '{end}' GROUP BY ALL),
ch AS (SELECT DISTINCT channel FROM o UNION SELECT channel FROM a),
g AS (SELECT channel, SUM(paid_amount) AS gmv FROM o WHERE paid_at IS NOT NULL GROUP BY ALL),
k AS (SELECT channel, SUM(paid_amount) - SUM(cost_amount) - SUM(commission) - SUM(gift_cost) AS margin
      FROM o WHERE status = '已支付' GROUP BY ALL)
SELECT ch.channel AS "渠道", ROUND(COALESCE(a.spend, 0), 2) AS "广告花费", ROUND(COALESCE(g.gmv, 0), 2) AS "GMV",
       ROUND(COALESCE(k.margin, 0), 2) AS "毛利贡献",
       COALESCE(g.gmv, 0) / NULLIF(a.spend, 0) AS "投产比", COALESCE(k.margin, 0) / NULLIF(a.spend, 0) AS "ROI"
FROM ch LEFT JOIN a USING (channel) LEFT JOIN g USING (channel) LEFT JOIN k USING (channel) ORDER BY 1"""


def duckdb_worker(folder: Path) -> dict:
    import duckdb
    import pandas as pd

    from grading.reference.module3_analytics import large_data as L
    from grading.reference.module3_analytics.shop import calendar_of

    t0 = time.perf_counter()
    con = duckdb.connect()
    cols_t = ", ".join(L.TRAFFIC_COLS)
    cols_o = ", ".join(L.ORDER_COLS)
    # read each file once into DuckDB's own tables (as pandas reads each file once)
    con.execute(f"CREATE TABLE traffic AS SELECT {cols_t} FROM read_csv('{folder / 'traffic.csv'}', header=true)")
    con.execute(f"CREATE TABLE orders AS SELECT {cols_o} FROM read_csv('{folder / 'orders.csv'}', header=true)")
    con.execute(f"CREATE TABLE ad_spend AS SELECT * FROM read_csv('{folder / 'ad_spend.csv'}', header=true)")
    cal = calendar_of(pd.read_csv(folder / "campaign_phases.csv", encoding="utf-8-sig"))
    camp, month = (cal.start, cal.end), (cal.month_start, cal.month_end)
    t_load = time.perf_counter()
    first, last = con.execute("SELECT MIN(date), MAX(date) FROM traffic").fetchall()[0]
    out = {
        "campaign": con.sql(_sql_metrics(None, *camp)).df(),
        "by_phase": con.sql(_sql_metrics("phase", *month)).df(),
        "by_channel": con.sql(_sql_metrics("channel", *camp)).df(),
        "daily": con.sql(_sql_metrics("date", *month)).df(),
        "by_channel_year": con.sql(_sql_metrics("channel", str(first)[:10], str(last)[:10])).df(),
        "funnel": con.sql(_sql_funnel(*month)).df(),
        "roi": con.sql(_sql_roi(*camp)).df(),
    }
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "load": t_load - t0,
        "compute": seconds - (t_load - t0),
        "threads": con.execute("SELECT current_setting('threads')").fetchall()[0][0],
        "tables": {k: v.to_json(orient="split", force_ascii=False, date_format="iso") for k, v in out.items()},
    }


# -- the pandas side -----------------------------------------------------------------------


def pandas_worker(folder: Path) -> dict:
    from grading.reference.module3_analytics import large_data as L

    t0 = time.perf_counter()
    data = L.load_fast(folder)
    t1 = time.perf_counter()
    out = L.pipeline(data["traffic"], data["orders"], data["ad_spend"], data["calendar"])
    t2 = time.perf_counter()
    return {
        "load": t1 - t0,
        "compute": t2 - t1,
        "seconds": t2 - t0,
        "rows": {"traffic": len(data["traffic"]), "orders": len(data["orders"])},
        "tables": {k: v.to_json(orient="split", force_ascii=False, date_format="iso") for k, v in out.items()},
    }


def run_child(kind: str, folder: Path) -> dict:
    """Run one side in a fresh process; return its JSON plus peak memory (MB)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        target = fh.name
    cmd = [sys.executable, __file__, "--worker", kind, "--data", str(folder), "--result", target]
    proc = subprocess.Popen(cmd, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{kind} worker failed")
    res = json.loads(Path(target).read_text(encoding="utf-8"))
    os.unlink(target)
    res["peak_mb"] = usage.ru_maxrss / 1024
    return res


# -- comparing the two -------------------------------------------------------------------


def compare(pd_tables: dict, db_tables: dict) -> list[str]:
    """Differences between the pandas and the DuckDB results (empty = same numbers)."""
    import io

    import pandas as pd

    from grading.reference.module3_analytics import compare as R

    problems = []
    keys = {"by_phase": "阶段", "by_channel": "渠道", "daily": "日期", "by_channel_year": "渠道", "roi": "渠道"}
    for name, js in db_tables.items():
        db = pd.read_json(io.StringIO(js), orient="split")
        pdf = pd.read_json(io.StringIO(pd_tables[name]), orient="split")
        if "k" in db:
            db = db.rename(columns={"k": keys.get(name, "k")})
        if name == "campaign":
            cols = [c for c in db.columns if c in pdf.columns]
            ok = all(R.close(pdf.iloc[0][c], db.iloc[0][c], 1e-6) for c in cols)
            if not ok:
                problems.append("campaign")
            continue
        key = keys.get(name, "渠道")
        extra = ["阶段"] if name == "funnel" else None
        pdf_rows = pdf[pdf[key].notna()]
        cols = [c for c in db.columns if c in pdf.columns and c not in (key, "阶段")]
        if (
            len(cols) < 3
            or len(db) != len(pdf_rows)
            or not R.table_match(pdf_rows, db, key, cols, rel=1e-6, extra_keys=extra)
        ):
            problems.append(name)
    return problems


# -- the dashboard on the classroom data -----------------------------------------------------


def student_core_metrics(traffic, orders):
    """A student's correct ``core_metrics`` (the same definitions as the reference);
    a ratio with a zero denominator comes back as ``Unavailable``, as the notebook asks."""
    from course.tools import analytics as A
    from grading.reference.module3_analytics.core_metrics import core_metrics as reference_metrics

    m = reference_metrics(traffic, orders)
    return {k: (A.Unavailable(k, "分母为 0") if isinstance(v, float) and v != v else v) for k, v in m.items()}


def filter_changes(traffic, cal, changes: int) -> list[tuple[str, str, str, str]]:
    """(start, end, channel, phase) settings to time: the campaign, the year and the month,
    each phase and each channel, then random ranges that hold data up to ``changes``."""
    import random

    from course.tools import analytics as A

    rnd = random.Random(2026)
    days = sorted(traffic["date"].dt.strftime("%Y-%m-%d").unique())
    camp, year, month = (cal.start, cal.end), (days[0], days[-1]), (cal.month_start, cal.month_end)
    combos = [(*camp, "全部渠道", "全部阶段"), (*year, "全部渠道", "全部阶段"), (*month, "全部渠道", "全部阶段")]
    combos += [(*camp, "全部渠道", ph) for ph in cal.phases]
    combos += [(*rng, ch, "全部阶段") for ch in A.CHANNELS for rng in (camp, year)]
    while len(combos) < changes:
        a, b = sorted(rnd.sample(days, 2))
        combos.append((a, b, rnd.choice(["全部渠道", *A.CHANNELS]), rnd.choice(["全部阶段", "日常"])))
    return combos


def query_change(i: int, start: str, end: str, channel: str, phase: str) -> dict:
    """The i-th change of the data centre's form: the filter, with dimension, sort and chart in turn."""
    from course.tools import datacentre as D

    dims = list(D.DIMENSIONS)
    return {
        "metrics": ["UV", "转化率", "GMV", "加购→下单"],
        "dimension": dims[i % len(dims)],
        "start": start,
        "end": end,
        "channel": channel,
        "phase": phase,
        "sort": D.SORTS[i % 3],
        "chart": D.CHARTS[1 + i % 2],
    }


def timed_change(form, raw: dict, *, keep_typed: bool = False) -> float:
    """Seconds for what one widget change does: recompute + render table and chart, and
    save to the answer file.  ``keep_typed``: the other fields keep what was typed before."""
    t = time.perf_counter()
    values, _ = form.parse({**form._raw, **raw} if keep_typed else raw)
    form.preview(values, raw)
    form.submit(raw)
    return time.perf_counter() - t


def time_changes(query, dash, combos) -> tuple[dict[str, list[float]], int]:
    """Each filter setting applied to the data centre and to the dashboard: the seconds
    per change of each, and on how many settings the dashboard had data."""
    times = {"query": [], "dashboard": []}
    with_data = 0
    for i, (s, e, ch, ph) in enumerate(combos):
        times["query"].append(timed_change(query, query_change(i, s, e, ch, ph), keep_typed=True))
        times["dashboard"].append(timed_change(dash, {"start": s, "end": e, "channel": ch, "phase": ph}))
        with_data += dash.last.ok
    return times, with_data


def dashboard_timing(changes: int = 30) -> dict:
    """Per change of the data centre's query form and of the 挑战 dashboard: recompute, render, save."""
    import statistics

    os.environ.setdefault("COURSE_DATA_DIR", str(ROOT / "datasets" / "data"))
    import course
    from course import data
    from course.forms.dashboard import Dashboard
    from course.forms.query import QueryBuilder
    from course.tools import analytics as A

    cwd = os.getcwd()
    os.chdir(tempfile.mkdtemp(prefix="bench-dash-"))  # the answer files go to a throwaway folder
    try:
        course.start("module3_analytics", "bench_dashboard", quiet=True)
        traffic, orders = data.load("traffic"), data.load("orders")
        cal = A.campaign_calendar()
        t0 = time.perf_counter()
        query = QueryBuilder("bench_query")
        dash = Dashboard(student_core_metrics, traffic, orders)
        build = time.perf_counter() - t0
        combos = filter_changes(traffic, cal, changes)
        times, with_data = time_changes(query, dash, combos)
        return {
            "changes": len(combos),
            "with_data": with_data,
            "build": build,
            "rows": len(traffic),
            **{f"{k}_median": statistics.median(v) for k, v in times.items()},
            **{f"{k}_max": max(v) for k, v in times.items()},
        }
    finally:
        os.chdir(cwd)


# -- main ------------------------------------------------------------------------------------


def find_large(folder: str | None, scale: float, generate: bool) -> Path:
    path = Path(folder) if folder else ROOT / "datasets" / "generated" / f"scale-{scale:g}"
    if not (path / "manifest.json").is_file():
        if not generate:
            raise SystemExit(
                f"没有找到大规模数据 {path}。请先运行：python -m datasets.generate --scale {scale:g} --out {path} --no-excel"
                f"（或去掉 --no-generate 让本脚本生成）。"
            )
        print(f"生成大规模数据（scale {scale:g}）到 {path} ……", flush=True)
        subprocess.run(
            [sys.executable, "-m", "datasets.generate", "--scale", f"{scale:g}", "--out", str(path), "--no-excel"],
            cwd=ROOT,
            check=True,
        )
    return path


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="generated data folder (default datasets/generated/scale-<scale>)")
    ap.add_argument("--scale", type=float, default=220)
    ap.add_argument(
        "--no-generate",
        dest="generate",
        action="store_false",
        help="do not generate the large data when it is missing (default: generate it, ~5 min)",
    )
    ap.add_argument("--worker", choices=["pandas", "duckdb"], help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--skip-large", action="store_true", help="only the dashboard timing")
    return ap.parse_args(argv)


def describe_large(folder: Path) -> bool:
    """Print the size of the large data; False when it has too few orders to count."""
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    n_orders = man["tables"]["orders"]["rows"]
    n_traffic = man["tables"]["traffic"]["rows"]
    size_mb = sum((folder / f"{t}.csv").stat().st_size for t in ("traffic", "orders", "ad_spend")) / 2**20
    print(
        f"大规模数据：{folder}（scale {man.get('scale')}）：订单 {n_orders:,} 行，访问 {n_traffic:,} 行，"
        f"读入的 CSV 共 {size_mb:,.0f} MB",
        flush=True,
    )
    if n_orders < MIN_ORDERS:
        print(f"⚠ 订单少于 {MIN_ORDERS:,} 行：请用更大的 --scale 重新生成。")
        return False
    return True


def large_data_report(folder: Path) -> bool:
    """pandas against DuckDB on the large data: print the figures; True when all targets are met."""
    ok = describe_large(folder)
    pdr = run_child("pandas", folder)
    dbr = run_child("duckdb", folder)
    ratio = pdr["seconds"] / dbr["seconds"]
    diff = compare(pdr["tables"], dbr["tables"])
    print(
        f"pandas 参考流程：读入 {pdr['load']:.1f} s + 计算 {pdr['compute']:.1f} s = {pdr['seconds']:.1f} s，"
        f"峰值内存 {pdr['peak_mb']:,.0f} MB"
    )
    print(
        f"DuckDB SQL     ：读入 {dbr['load']:.1f} s + 计算 {dbr['compute']:.1f} s = {dbr['seconds']:.1f} s"
        f"（{dbr['threads']} 个线程），峰值内存 {dbr['peak_mb']:,.0f} MB"
    )
    print(
        f"时间比 pandas ÷ DuckDB = {ratio:.2f}（要求 ≤ {TIME_RATIO_MAX:g}）："
        f"{'通过' if ratio <= TIME_RATIO_MAX else '未通过'}"
    )
    print(
        f"pandas 峰值内存 {pdr['peak_mb']:,.0f} MB（要求 < {MEMORY_MAX_MB:,} MB）："
        f"{'通过' if pdr['peak_mb'] < MEMORY_MAX_MB else '未通过'}"
    )
    print("两边结果一致（7 张表，相对误差 ≤ 1e-6）" if not diff else f"⚠ 结果不一致的表：{'、'.join(diff)}")
    return ok and ratio <= TIME_RATIO_MAX and pdr["peak_mb"] < MEMORY_MAX_MB and not diff


def dashboard_report() -> bool:
    """The data centre and dashboard timing on the classroom data: print it; True when fast enough."""
    dash = dashboard_timing()
    worst = max(dash["query_max"], dash["dashboard_max"])
    print(
        f"数据中心与看板（课堂数据 {dash['rows']:,} 次访问）：创建 {dash['build']:.2f} s；{dash['changes']} 次筛选变化"
        f"（看板 {dash['with_data']} 次有数据）；每次重新计算+显示+保存："
        f"数据中心（含图表）中位数 {dash['query_median']:.3f} s、最长 {dash['query_max']:.3f} s；"
        f"挑战看板中位数 {dash['dashboard_median']:.3f} s、最长 {dash['dashboard_max']:.3f} s"
        f"（要求 ≤ {DASHBOARD_MAX_S} s）：{'通过' if worst <= DASHBOARD_MAX_S else '未通过'}"
    )
    return worst <= DASHBOARD_MAX_S


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:  # the child process of run_child: one side, result to a JSON file
        fn = pandas_worker if args.worker == "pandas" else duckdb_worker
        Path(args.result).write_text(json.dumps(fn(Path(args.data)), ensure_ascii=False), encoding="utf-8")
        return 0
    ok = True
    if not args.skip_large:
        ok = large_data_report(find_large(args.data, args.scale, args.generate))
    ok = dashboard_report() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
