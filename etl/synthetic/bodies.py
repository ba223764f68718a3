"""A synthetic hierarchy of reporting bodies: a province, its prefectures, their counties, and
each county's townships and departments.

The tree is drawn from the seed alone, depth first, and the first N bodies are taken, so the
1,000 bodies of a seed are the first 1,000 of its 10,000. Every name says it is synthetic
(合成省, 合成03市, 合成0307县, 合成0307县12镇, 合成0307县财政局) and is unique, so a body is
found by its name under its parent's; division codes start with 99, which no real province has.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

#: Counties per prefecture, townships and departments per county: ranges drawn from.
COUNTIES_PER_PREFECTURE = (6, 12)
TOWNSHIPS_PER_COUNTY = (8, 18)
DEPARTMENTS_PER_COUNTY = (5, 12)

#: How many prefectures the tree can hold (their two-digit number in names and codes).
MAX_PREFECTURES = 99

DEPARTMENTS = (
    "财政局",
    "民政局",
    "教育局",
    "卫生健康局",
    "公安局",
    "自然资源局",
    "住房和城乡建设局",
    "人力资源和社会保障局",
    "交通运输局",
    "农业农村局",
    "生态环境局",
    "市场监督管理局",
)

#: Figures grow with the size of the body: a province reports more than a township.
SCALE = {"province": 20.0, "prefecture": 8.0, "county": 3.0, "department": 0.6, "township": 0.4}


@dataclass(frozen=True, slots=True)
class Body:
    """A synthetic reporting body: its code (for file names), name, level and parent.

    `townships` are the names of a county's townships, which its 权责清单 lists.
    """

    code: str
    name: str
    level_code: str
    parent_name: str | None
    division_code: str | None = None
    townships: tuple[str, ...] = ()

    @property
    def scale(self) -> float:
        """How large this body's figures run, relative to a county's third."""
        return SCALE[self.level_code]


PROVINCE = Body("province", "合成省", "province", None, "990000")


def synthetic_bodies(count: int, seed: int) -> list[Body]:
    """The first `count` bodies of the seed's tree, parents before their children."""
    if count < 1:
        raise ValueError(f"expected at least one body, not {count}")
    bodies = list(islice(_walk(seed), count))
    if len(bodies) < count:
        raise ValueError(f"the synthetic tree holds {len(bodies)} bodies, fewer than {count}")
    return bodies


def _walk(seed: int) -> Iterator[Body]:
    yield PROVINCE
    for p in range(1, MAX_PREFECTURES + 1):
        rng = random.Random(f"{seed}/p{p}")
        prefecture = Body(
            f"p{p:02d}", f"合成{p:02d}市", "prefecture", PROVINCE.name, f"99{p:02d}00"
        )
        yield prefecture
        for c in range(1, rng.randint(*COUNTIES_PER_PREFECTURE) + 1):
            yield from _county(seed, p, c, prefecture)


def _county(seed: int, p: int, c: int, prefecture: Body) -> Iterator[Body]:
    rng = random.Random(f"{seed}/p{p}/c{c}")
    name = f"合成{p:02d}{c:02d}县"
    townships = tuple(f"{name}{t:02d}镇" for t in range(1, rng.randint(*TOWNSHIPS_PER_COUNTY) + 1))
    departments = rng.sample(DEPARTMENTS, rng.randint(*DEPARTMENTS_PER_COUNTY))
    code = f"p{p:02d}-c{c:02d}"
    yield Body(code, name, "county", prefecture.name, f"99{p:02d}{c:02d}", townships)
    for t, township in enumerate(townships, start=1):
        yield Body(f"{code}-t{t:02d}", township, "township", name)
    for d, department in enumerate(sorted(departments, key=DEPARTMENTS.index), start=1):
        yield Body(f"{code}-d{d:02d}", f"{name}{department}", "department", name)
