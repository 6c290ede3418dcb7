"""A student's typical mistakes in module 2's graded steps get Chinese messages that
name the fix, never an English traceback: a choice typed without quotes, a wrong
column name, a date typed as 「6月15日」, a column to share the budget by that the
table does not have, a step above not run.

The source notebooks run in a temporary copy (papermill-like, with nbclient)
after the answer cells were typed over with those mistakes.
"""

from __future__ import annotations

import shutil

import harness
import nbformat
import pytest

pytestmark = pytest.mark.slow
M = "module2_campaign"

MISTAKES = {
    "02_pricing": {
        # a choice without quotes (NameError), the other blanks right
        "d2_cart_prices_answer": (
            "cart_prices = carts.price_table(typical, rules_618, skus, price=campaign_price)\n"
            'cart_prices["优惠力度"] = (cart_prices["优惠金额"] / cart_prices["商品金额"]).round(4)',
            ["campaign_price"],
        ),
        # a column name that is not in the table (KeyError): the closest one is named
        "d2_deepest_answer": ('deepest = all_carts.sort_values("优惠率", ascending=False).head(1)', ["优惠力度"]),
    },
    "03_target_budget": {
        # a column to share by that the projection does not have (the tool's CourseError)
        "d3_budget_plan_answer": (
            "reserve = round(total_budget * reserve_share, 2)\n"
            'budget_plan = forecast.split_budget(projection, total_budget - reserve, by="预计gmv", '
            "channels=paid_channels, reserve=reserve)",
            ["预计GMV"],
        ),
    },
    "04_monitor": {
        # a date typed the Chinese way
        "d3_delist_report_answer": (
            'start_stock = monitor.stock_at_start(skus, orders, order_items, "6月15日")',
            ["start"],
        ),
    },
}


def _run(path, cwd):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return nb


def _text(cell) -> str:
    parts = []
    for o in cell.get("outputs", []):
        parts.append(
            o.get("text", "")
            or "".join(o.get("traceback", [])) + o.get("evalue", "")
            or str(o.get("data", {}).get("text/plain", ""))
        )
    return "\n".join(parts)


@pytest.mark.parametrize("notebook", sorted(MISTAKES))
def test_typical_mistakes_are_explained_in_chinese(notebook, tmp_path):
    folder = tmp_path / M
    shutil.copytree(harness.REPO / M, folder, ignore=shutil.ignore_patterns("*.answers.json*"))
    nb = nbformat.read(folder / f"{notebook}.ipynb", as_version=4)
    for gid, (source, _) in MISTAKES[notebook].items():
        harness.cell(nb, gid).source = source
    nbformat.write(nb, folder / f"{notebook}.ipynb")
    ran = _run(folder / f"{notebook}.ipynb", folder)
    for gid, (_, fix) in MISTAKES[notebook].items():
        text = _text(harness.cell(ran, gid))
        assert "Traceback" not in text and "Error:" not in text, (gid, text)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (gid, text)
        for word in fix:
            assert word in text, (gid, word, text)
    # the notebook went on to its end: the last code cell ran
    last = [c for c in ran.cells if c.cell_type == "code"][-1]
    assert last.get("execution_count"), "the notebook stopped before its last cell"
