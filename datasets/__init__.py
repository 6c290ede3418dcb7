"""模拟店铺数据集（datasets）：生成、校验、数据字典与 what-if 模拟。

The simulated shop that all four course modules work on.

- ``python -m datasets.generate --seed 2026 --scale 1 --out DIR``  writes the CSV
  tables, ``manifest.json`` and (at the classroom scale) the Excel offline pack;
- :mod:`datasets.spec`     the data dictionary (tables, columns, types, units);
- :mod:`datasets.schema`   the validation every generated folder must pass;
- :mod:`datasets.whatif`   projections for a student's own promotion rules;
- :mod:`datasets.model`    the simulation's parameters and equations;
- :mod:`datasets.featured` the products modules 1 and 2 may feature (persona, pain points, keywords);
- :mod:`datasets.make_images` their eight candidate main images (``python -m datasets.make_images``).

Importing this package does not generate or read any data.
"""
from .spec import VERSION

__all__ = ["VERSION"]
