"""Figure generators by regime: a body and a year in, the figures of its report out, by code.

Figures are keyed by the codes of the regime's layout (what `etl.templates.fill_template`
takes): `"proactive.total": 8052`, `"review.complaint:total": 1`, and a repeating list's code
to names and figures. A generator must return figures that satisfy every consistency rule of
its regime; the defects (`etl.synthetic.defects`) break them on purpose.

Adding a regime is one function and one `register_figures` line: std2019 and std2021 come
with their layouts (issue 6).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from etl.errors import GenerateError
from etl.synthetic.bodies import Body

#: A report's figures by layout code; a list's code maps to {name: figure}.
Figures = dict[str, object]

#: Draws the figures of `body`'s report for `year` from the seed: the same arguments, the same
#: figures (a generator seeds its own draws with the seed, the body's code and the year).
FigureGenerator = Callable[[Body, int, int], Figures]


_GENERATORS: dict[str, FigureGenerator] = {}


def register_figures(regime_code: str, generator: FigureGenerator) -> None:
    """Make `generator` draw the figures of `regime_code` reports."""
    _GENERATORS[regime_code] = generator


def figure_generator(regime_code: str) -> FigureGenerator:
    """The generator of `regime_code`; `GenerateError` names the regimes there are."""
    try:
        return _GENERATORS[regime_code]
    except KeyError:
        known = ", ".join(sorted(_GENERATORS))
        raise GenerateError(
            f"no synthetic figures for regime {regime_code!r} yet (its years need its layout "
            f"and a generator); figures exist for: {known}"
        ) from None


def generated_regimes() -> tuple[str, ...]:
    """The regimes figures can be generated for."""
    return tuple(sorted(_GENERATORS))


def share_pct(part: int | float, whole: int | float) -> float:
    """`part` as a percentage of `whole`, rounded half up to one decimal, as a report gives it."""
    ratio = Decimal(str(part)) * 100 / Decimal(str(whole))
    return float(ratio.quantize(Decimal("0.1"), ROUND_HALF_UP))


def split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` cut into `parts` whole, non-negative pieces that add up to it."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
