"""模拟店铺数据集（datasets）：生成、校验、数据字典与 what-if 模拟。

The simulated shop that all four course modules work on.

- ``python -m datasets.generate --seed 2026 --scale 1 --out DIR``  writes the CSV
  tables, ``manifest.json`` and (at the classroom scale) the Excel offline pack;
- :mod:`datasets.spec`     the data dictionary (tables, columns, types, units);
- :mod:`datasets.schema`   the validation every generated folder must pass;
- :mod:`datasets.whatif`   projections for a student's own promotion rules;
- :mod:`datasets.model`    the simulation's parameters and equations;
- :mod:`datasets.featured` the products modules 1 and 2 may feature (persona, pain points, keywords);
- :mod:`datasets.make_images` their eight candidate main images (``python -m datasets.make_images``);
- :mod:`datasets.report`   the figures of the planted stories (``python -m datasets.report``).

How the generator is put together (one concept per module; ``generate`` calls them in this order):

- ``shop`` (catalogue, prices, campaign rules), ``market`` (Top-100, keywords), ``survey``: the static tables;
- ``simulation`` walks the year day by day over ``visits`` (visitors, a day, its visits) and the
  ``checkout`` (baskets, 618 pricing in cents, refunds, gifts); ``people`` says who the visitors are;
- ``tables`` (customers, A/B test, ad spend) and ``messages`` build what the year left behind;
- ``csvfiles`` writes UTF-8-BOM CSV files (DuckDB formats the big ones), ``offline_pack`` the
  teachers' workbook through the small byte-stable ``xlsx`` writer;
- ``schema`` checks types, keys and privacy (helpers in ``columns``), ``schema_rules`` the shop's rules;
- ``streams`` gives each part its own random stream, ``defaults`` reads the course settings,
  ``arrays`` holds the time and id helpers.

Importing this package does not generate or read any data.
"""

from .spec import VERSION

__all__ = ["VERSION"]
