"""The generator's defaults, read from the course settings (``course/settings.yaml``).

``dataset.seed`` and ``dataset.scale`` choose the data set; the thresholds the
shop's rules depend on (commission, stock alert level, member tiers) come from
``thresholds.campaign`` and ``thresholds.crm``.  A settings file with a mistake
stops here with the settings' own Chinese message.

>>> seed, scale = default_seed_scale()
>>> isinstance(seed, int) and scale > 0
True
>>> sorted(thresholds())
['commission_rate', 'gold_min_spend', 'platinum_min_spend', 'silver_min_spend', 'stock_alert_level']
"""

from __future__ import annotations

from course import settings

THRESHOLD_NAMES = ("commission_rate", "stock_alert_level", "silver_min_spend", "gold_min_spend", "platinum_min_spend")


def default_seed_scale() -> tuple[int, float]:
    """(seed, scale) of the data set in force."""
    data = settings.load()["dataset"]
    return int(data["seed"]), float(data["scale"])


def thresholds() -> dict:
    """The thresholds the generated data follows, by name."""
    found = settings.thresholds("campaign") | settings.thresholds("crm")
    return {name: found[name] for name in THRESHOLD_NAMES}
