"""What a body's name and division code say on their own: the key names compare by, the level
they imply, and whether they are acceptable at all.

Names compare after NFKC without spaces (`name_key`): ＡＢ县 and AB 县 are one name. A
township's name compares without its suffix too (`township_stem`): 王义贞 and 王义贞镇 are one
township, and so are 陈店乡 and 陈店镇 after 撤乡设镇, when they are under the same parent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from models.agencies import name_key

__all__ = [
    "code_level",
    "code_problem",
    "government_key",
    "infer_level",
    "name_key",
    "name_problem",
    "township_stem",
]

#: The levels a body can have; `unknown` when neither code, name nor parent decides.
Level = Literal["province", "prefecture", "county", "township", "department", "unknown"]

#: Longest name a body may have (the longest official names are about 40 characters).
MAX_NAME_LENGTH = 100

#: Province-level municipalities: 市 in their name, a province's level.
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

#: Suffixes that name a township-level body, longest first.
TOWNSHIP_SUFFIXES = ("街道办事处", "民族乡", "街道办", "办事处", "街道", "镇", "乡", "苏木")

#: Suffixes that name a department (a bureau, a commission, an office, a centre ...).
DEPARTMENT_SUFFIXES = (
    "局", "委", "委员会", "办公室", "办", "中心", "厅", "院", "所", "处", "站", "队", "署",
    "会", "馆", "社", "部",
)  # fmt: skip

_PROVINCE = re.compile(r"(省|自治区|特别行政区)$")
_PREFECTURE = re.compile(r"(自治州|州|盟|地区)$")
_COUNTY = re.compile(r"(自治县|县|区|自治旗|旗|林区|特区)$")
_PUNCTUATION_ONLY = re.compile(r"^[\W_]+$")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")


def township_stem(name: str) -> str:
    """A township's name without its level suffix (王义贞镇 → 王义贞), for matching the names
    of one parent's townships; the whole key when no suffix is left with a stem."""
    key = name_key(name)
    for suffix in TOWNSHIP_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a body's name (blank, only punctuation, too long), or None."""
    key = name_key(name)
    if not key:
        return "blank"
    if _PUNCTUATION_ONLY.match(key):
        return "only punctuation"
    if len(key) > MAX_NAME_LENGTH:
        return f"longer than {MAX_NAME_LENGTH} characters"
    return None


def code_level(division_code: str) -> Level:
    """The level a 6-digit 行政区划代码 implies: XX0000 a province, XXXX00 a prefecture, else
    a county (townships have 9- or 12-digit codes, not these)."""
    if division_code.endswith("0000"):
        return "province"
    if division_code.endswith("00"):
        return "prefecture"
    return "county"


def code_problem(division_code: str) -> str | None:
    """Why `division_code` cannot be a division code, or None."""
    if not re.fullmatch(r"[0-9]{6}", division_code):
        return "not 6 digits"
    if division_code[:2] in ("00", "10", "20", "30", "40", "60", "70", "80", "90"):
        return "no province has this prefix"
    return None


@dataclass(frozen=True, slots=True)
class LevelGuess:
    """The level a body's code, name or parent implies, and why; `unknown` with the reason
    when nothing decides (a 市 under no known parent)."""

    level: Level
    reason: str


def infer_level(
    name: str, *, division_code: str | None = None, parent_level: str | None = None
) -> LevelGuess:
    """The level of a body from its division code, else its name, else its parent's level.

    市 alone is ambiguous (a prefecture-level or a county-level city): the code decides, or
    the parent (a province's 市 is a prefecture, a prefecture's is county-level); else
    `unknown`.
    """
    if division_code and code_problem(division_code) is None:
        return LevelGuess(code_level(division_code), f"division code {division_code}")
    key = _government_name(name_key(name))
    if key in MUNICIPALITIES or _PROVINCE.search(key):
        return LevelGuess("province", "name")
    if key.endswith(TOWNSHIP_SUFFIXES):
        return LevelGuess("township", "name")
    if key.endswith(DEPARTMENT_SUFFIXES):
        return LevelGuess("department", "name")
    if _PREFECTURE.search(key):
        return LevelGuess("prefecture", "name")
    if _COUNTY.search(key):
        return LevelGuess("county", "name")
    if key.endswith("市"):
        if parent_level == "province":
            return LevelGuess("prefecture", "a city under a province")
        if parent_level == "prefecture":
            return LevelGuess("county", "a city under a prefecture")
        return LevelGuess("unknown", "市 may be a prefecture-level or a county-level city")
    return LevelGuess("unknown", "neither its name nor a division code says")


def government_key(name: str) -> str:
    """The key of a name without a trailing 人民政府 or note in brackets: 安陆市人民政府 and
    安陆市 name one body (a registry's name for a body its reports call otherwise)."""
    return _government_name(name_key(name))


def _government_name(key: str) -> str:
    """The key without a trailing note in brackets (示例县(合成数据)) and without a trailing
    人民政府 / 政府 (安陆市人民政府 is the city itself)."""
    key = _TRAILING_NOTE.sub("", key) or key
    for suffix in ("人民政府", "政府"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key
