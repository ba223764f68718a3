"""The 基本信息 sheet every layout starts with: who reports, for which year, in which format.

The code lists here (levels, regimes) repeat the seeded reference data of migration 0002; a test
checks that they agree with a migrated database.
"""

from __future__ import annotations

from dataclasses import dataclass

HEADER_SHEET = "基本信息"


@dataclass(frozen=True, slots=True)
class HeaderField:
    """One line of 基本信息: code, Chinese label, whether it must be filled, and a hint."""

    code: str
    label: str
    required: bool
    hint: str
    aliases: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """The label and its known variants."""
        return (self.label, *self.aliases)


HEADER_FIELDS: tuple[HeaderField, ...] = (
    HeaderField("header.agency_name", "填报单位", True, "本单位全称，如：安陆市", ("单位名称",)),
    HeaderField("header.parent_agency", "上级单位", False, "如：孝感市；无上级单位的留空"),
    HeaderField("header.level", "层级", False, "省级、地市级、县级、乡镇（街道、办事处）或部门"),
    HeaderField("header.division_code", "行政区划代码", False, "6位数字，如：420982"),
    HeaderField("header.year", "年度", True, "报告所属年度，如：2017", ("报告年度",)),
    HeaderField("header.regime", "报告格式", True, "pre2019、std2019 或 std2021"),
    HeaderField("header.published_on", "发布日期", False, "如：2018-01-17", ("发表时间",)),
)

#: Agency levels by code, with their Chinese labels (reference table `agency_levels`).
LEVELS: dict[str, str] = {
    "province": "省级",
    "prefecture": "地市级",
    "county": "县级",
    "township": "乡镇（街道、办事处）",
    "department": "部门",
}

#: Regimes by code: Chinese label, first and last year (reference table `regimes`).
REGIMES: dict[str, tuple[str, int, int | None]] = {
    "pre2019": ("2008年《条例》自由格式年度报告", 2008, 2018),
    "std2019": ("国办公开办函〔2019〕60号（试行）统一格式", 2019, 2020),
    "std2021": ("国办公开办函〔2021〕30号统一格式", 2021, None),
}

FIRST_YEAR = 2008


def regime_of_year(year: int) -> str:
    """The regime a report of `year` is written in."""
    for code, (_label, first, last) in REGIMES.items():
        if first <= year and (last is None or year <= last):
            return code
    raise ValueError(f"no regime covers {year}")
