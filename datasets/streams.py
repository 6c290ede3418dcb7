"""Independent random streams: one per part of the generator.

Each part draws from a stream of its own, so a part that does not depend on
``scale`` (the catalogue, the market tables, the survey) stays identical at
every scale, and adding rows to one table moves no other table.

>>> int(rng_for(2026, "market").integers(1000)) == int(rng_for(2026, "market").integers(1000))
True
>>> int(rng_for(2026, "market").integers(1000)) == int(rng_for(2026, "sim").integers(1000))
False
"""

from __future__ import annotations

import numpy as np

# "featured" draws the search statistics of the featurable products' extra keywords,
# "whatif" the baskets of datasets.whatif's projections
STREAM = {
    "catalog": 1,
    "market": 2,
    "sim": 3,
    "post": 4,
    "survey": 5,
    "ads": 6,
    "messages": 7,
    "featured": 8,
    "whatif": 11,
}


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """The PCG64 generator of one part (``STREAM``) for a seed."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(STREAM[stream],))))
