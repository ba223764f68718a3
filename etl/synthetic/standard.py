"""Synthetic figures of the standard tables (std2019, std2021), every identity kept.

Table 三 balances in every column (一 + 二 = （七） + 四), 总计 is the sum of the applicant
columns in every row, （七） the sum of the outcomes, printed subtotals the sum of their items;
table 四's blocks add up. Across years: 上年结转 is last year's 结转下年度继续办理 and std2021's
现行有效件数 is last year's plus 本年制发 minus 本年废止, because both are drawn from the seed,
the body and the year alone (not from this report's draw). Every official data cell is
filled, 0 where nothing happened, as departments fill the official tables.
"""

from __future__ import annotations

import random
from decimal import Decimal

from etl.consistency import APPLICANT_COLUMNS, STD2021_OTHER_LEAVES, TABLE3_GROUPS
from etl.synthetic.bodies import Body
from etl.synthetic.figures import Figures, register_figures

REVIEW_BLOCKS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_PARTS = ("upheld", "corrected", "other", "pending")
FIRST_STD2021 = 2021


def _draw(seed: int, body: Body, year: int, what: str) -> random.Random:
    return random.Random(f"{seed}/{body.code}/{year}/{what}")


def carried_forward(seed: int, body: Body, year: int) -> list[int]:
    """结转下年度继续办理 of `year` per applicant column: also next year's 上年结转."""
    rng = _draw(seed, body, year, "carried")
    return [
        rng.randint(0, 3) if c == "natural_person" else rng.randint(0, 1) for c in APPLICANT_COLUMNS
    ]


def _documents(seed: int, body: Body, year: int, row: str) -> tuple[int, int]:
    """本年制发件数 and 本年废止件数 of a table 二 row."""
    rng = _draw(seed, body, year, f"documents/{row}")
    issued = rng.randint(0, 6 * max(1, round(body.scale)))
    return issued, rng.randint(0, issued // 2)  # fewer repealed than issued: never below 0


def in_force(seed: int, body: Body, year: int, row: str) -> int:
    """std2021 现行有效件数: a base in 2020 plus each year's issued less repealed since."""
    count = _draw(seed, body, FIRST_STD2021 - 1, f"in_force/{row}").randint(20, 150)
    for each in range(FIRST_STD2021, year + 1):
        issued, repealed = _documents(seed, body, each, row)
        count += issued - repealed
    return count


def _table3(regime: str, body: Body, year: int, seed: int, rng: random.Random) -> Figures:
    leaves = ["disclosed", "partial"]
    leaves += [f"{group}.{item}" for group, items in TABLE3_GROUPS.items() for item in items]
    if regime == "std2021":
        leaves += [f"other.{item}" for item in STD2021_OTHER_LEAVES]
    else:
        leaves.append("other")
    scale = body.scale
    columns = range(len(APPLICANT_COLUMNS))
    outcomes: dict[str, list[int]] = {}
    for leaf in leaves:
        weight = (
            8 if leaf == "disclosed" else (3 if leaf in ("partial", "unavailable.not_held") else 1)
        )
        outcomes[leaf] = [
            int(rng.random() < 0.5) * rng.randint(0, round(weight * scale * (3 if c == 0 else 0.3)))
            for c in columns
        ]
    outcomes["disclosed"][0] += 1  # every body answers at least one person
    over = carried_forward(seed, body, year - 1)
    forward = carried_forward(seed, body, year)
    total = [sum(values[c] for values in outcomes.values()) for c in columns]
    for c in columns:  # 一 may not be negative: answer what was carried over
        short = over[c] - total[c] - forward[c]
        if short > 0:
            outcomes["disclosed"][c] += short
            total[c] += short
    rows: dict[str, list[int]] = {f"results.{leaf}": v for leaf, v in outcomes.items()}
    rows["results.total"] = total
    rows["carried_over"] = over
    rows["carried_forward"] = forward
    rows["new"] = [total[c] + forward[c] - over[c] for c in columns]
    if rng.random() < 0.5:  # many publishers print the subtotals of （三）–（六）
        groups = [*TABLE3_GROUPS, "other"] if regime == "std2021" else list(TABLE3_GROUPS)
        for group in groups:
            items = [v for leaf, v in outcomes.items() if leaf.startswith(f"{group}.")]
            rows[f"results.{group}"] = [sum(v[c] for v in items) for c in columns]
    figures: Figures = {}
    for row, values in rows.items():
        for column, value in zip(APPLICANT_COLUMNS, values, strict=True):
            figures[f"{regime}.{row}:{column}"] = value
        figures[f"{regime}.{row}:total"] = sum(values)
    return figures


def _table4(regime: str, rng: random.Random, scale: float) -> Figures:
    figures: Figures = {}
    for block in REVIEW_BLOCKS:
        parts = [
            int(rng.random() < 0.3) * rng.randint(0, max(1, round(scale))) for _ in REVIEW_PARTS
        ]
        for part, value in zip(REVIEW_PARTS, parts, strict=True):
            figures[f"{regime}.table4.cases:{block}_{part}"] = value
        figures[f"{regime}.table4.cases:{block}_total"] = sum(parts)
    return figures


def _decisions(rng: random.Random, scale: float, high: int) -> int:
    return int(rng.randint(0, high) * scale)


def std2019_figures(body: Body, year: int, seed: int) -> Figures:
    """Tables 二, 三 and 四 of a std2019 report (2019–2020)."""
    rng = _draw(seed, body, year, "std2019")
    figures: Figures = {}
    for row in ("rules", "normative"):
        made = _decisions(rng, body.scale, 8 if row == "normative" else 1)
        figures |= {
            f"std2019.{row}:made": made,
            f"std2019.{row}:published": made,
            f"std2019.{row}:total_public": made + _decisions(rng, body.scale, 40),
        }
    for row, high in (
        ("licensing", 5000),
        ("other_services", 800),
        ("punishment", 600),
        ("coercion", 30),
        ("fees", 0),
    ):
        figures[f"std2019.{row}:previous_items"] = _decisions(rng, body.scale, 300)
        figures[f"std2019.{row}:change"] = rng.randint(-5, 5)
        if row != "fees":
            figures[f"std2019.{row}:decisions"] = _decisions(rng, body.scale, high)
    figures |= {
        "std2019.procurement:procurement_items": _decisions(rng, body.scale, 40),
        "std2019.procurement:procurement_amount": float(
            Decimal(rng.uniform(10, 3000) * body.scale).quantize(Decimal("0.1"))
        ),
        "std2019.procurement:procurement_amount_unit": "万元",
    }
    return figures | _table3("std2019", body, year, seed, rng) | _table4("std2019", rng, body.scale)


def std2021_figures(body: Body, year: int, seed: int) -> Figures:
    """Tables 二, 三 and 四 of a std2021 report (2021 on)."""
    rng = _draw(seed, body, year, "std2021")
    figures: Figures = {}
    for row in ("rules", "normative"):
        issued, repealed = _documents(seed, body, year, row)
        figures |= {
            f"std2021.{row}:issued": issued,
            f"std2021.{row}:repealed": repealed,
            f"std2021.{row}:in_force": in_force(seed, body, year, row),
        }
    for row, high in (("licensing", 5000), ("punishment", 600), ("coercion", 30)):
        figures[f"std2021.{row}:decisions"] = _decisions(rng, body.scale, high)
    figures["std2021.fees:fee_amount"] = float(
        Decimal(rng.uniform(0, 200) * body.scale).quantize(Decimal("0.01"))
    )
    return figures | _table3("std2021", body, year, seed, rng) | _table4("std2021", rng, body.scale)


register_figures("std2019", std2019_figures)
register_figures("std2021", std2021_figures)
