"""Synthetic reports as the records a reader produces, for building warehouses without files.

The query benchmarks need 10,000 or 100,000 reports in the warehouse; writing and reading that
many workbooks would measure the loader again. `synthetic_report` gives the same figures the
generator writes (a clean report, no notations) as an `ExtractedReport`, for a bulk insert.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date

from etl.layouts import get_layout
from etl.layouts.header import regime_of_year
from etl.parse import parse_value
from etl.records import ExtractedReport, Fact, Location, ReportHeader
from etl.synthetic.bodies import Body
from etl.synthetic.figures import figure_generator
from etl.synthetic.write import header_values, layout_index


def synthetic_report(body: Body, year: int, seed: int, source: str) -> ExtractedReport:
    """The clean report `generate` would write for `body` and `year`, read back as facts.

    Each fact's location is `source` alone: no sheet, no cell.
    """
    regime = regime_of_year(year)
    layout = get_layout(regime)
    rng = random.Random(f"{seed}/{body.code}/{year}")
    header = header_values(body, year, regime, rng)
    values = figure_generator(regime)(body, year, rng)
    items, lists = layout_index(layout)
    facts = []
    for code, value in values.items():
        if code in lists:
            assert isinstance(value, Mapping)
            pairs = [(lists[code].item(name), figure) for name, figure in value.items()]
        else:
            pairs = [(items[code], value)]
        for item, figure in pairs:
            parsed = parse_value(figure, value_kind=item.value_kind, unit=item.unit)
            if parsed is not None:
                where = Location(source)
                facts.append(Fact(item.measure_code, item.dims, parsed, where, item.unit))
    published = header["header.published_on"]
    assert isinstance(published, date)
    return ExtractedReport(
        ReportHeader(
            agency_name=body.name,
            year=year,
            regime_code=regime,
            level_code=body.level_code,
            parent_agency_name=body.parent_name,
            division_code=body.division_code,
            published_on=published,
        ),
        facts,
    )
