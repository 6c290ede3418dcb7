"""Reference graders of module 3 (数据分析与优化决策), teacher side, never released.

One file per notebook declares its graded tasks (``NOTEBOOK`` + ``TASKS``):
``core_metrics`` (01), ``funnel`` (02), ``channel_roi`` (03), ``ab_test`` (04),
``review_dashboard`` (05).  Beside them, by concept:

* ``shop``: the shop's tables prepared for computing and the campaign calendar
  (from the ``campaign_phases`` table, never typed);
* ``large_data``: the fast loader and the whole review pipeline on a million
  orders (``benchmarks/bench_analytics.py``);
* ``compare``: tolerant comparison of tables (benchmark and tests);
* ``answer_sheet``: the reference answers on the data in use, printed for TAs
  (``python -m grading.reference.module3_analytics.answer_sheet``).
"""
