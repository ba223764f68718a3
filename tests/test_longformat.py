"""The long format (one row per body, year, measure, dimensions, value) in CSV and xlsx."""

from __future__ import annotations

import codecs
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from workbook_factory import write_xlsx

from etl.extract import read_file
from etl.records import Extraction

HEADER_ZH = "填报单位,上级单位,年度,指标代码,维度,数值,单位"
ROWS = [
    "安陆市,孝感市,2017,proactive.total,,8052,条",
    "安陆市,孝感市,2017,proactive.by_channel,channel_code=website,7136,",
    "安陆市,孝感市,2017,rights.items_by_township,township=赵棚镇,77项,",
    "安陆市,孝感市,2017,fiscal.special_funds_allocated_amount,,89693,万元",
    "应城市,孝感市,2016,requests.count,request_row_code=legacy.received; applicant_type_code=total,约20,件",
]
TEXT = "\n".join([HEADER_ZH, *ROWS]) + "\n"


def _summary(extraction: Extraction) -> list[tuple[object, ...]]:
    return [
        (r.header.agency_name, r.header.year, f.measure_code, f.dims, f.value.value, f.value.qualifier,
         f.unit_code, f.location.cell)
        for r in extraction.reports
        for f in r.facts
    ]  # fmt: skip


EXPECTED = [
    ("安陆市", 2017, "proactive.total", (), Decimal(8052), "exact", "条", "F2"),
    ("安陆市", 2017, "proactive.by_channel", (("channel_code", "website"),), Decimal(7136), "exact", "条", "F3"),
    ("安陆市", 2017, "rights.items_by_township", (("township", "赵棚镇"),), Decimal(77), "exact", "项", "F4"),
    ("安陆市", 2017, "fiscal.special_funds_allocated_amount", (), Decimal(89693), "exact", "万元", "F5"),
    ("应城市", 2016, "requests.count", (("request_row_code", "legacy.received"), ("applicant_type_code", "total")), Decimal(20), "estimate", "件", "F6"),
]  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030"],
)
def test_csv_in_every_accepted_encoding(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "many.csv"
    path.write_bytes(data)
    extraction = read_file(path)
    assert (extraction.file_format, extraction.findings) == ("csv", [])
    assert _summary(extraction) == EXPECTED
    assert [r.header.parent_agency_name for r in extraction.reports] == ["孝感市", "孝感市"]


def test_english_column_names_in_any_order(tmp_path: Path) -> None:
    path = tmp_path / "en.csv"
    path.write_text(
        "value,measure_code,year,agency,dims\n8052,proactive.total,2017,安陆市,\n", encoding="utf-8"
    )
    extraction = read_file(path)
    assert extraction.findings == []
    assert [
        (f.measure_code, f.value.value, f.location.cell) for f in extraction.reports[0].facts
    ] == [("proactive.total", Decimal(8052), "A2")]


def test_wrong_encoding_override_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(TEXT.encode("gbk"))
    assert [str(f) for f in read_file(path, encoding="utf-8").findings] == [
        "gbk.csv: expected text in utf-8, found bytes that are not utf-8 at byte 0 (cc ee b1 a8): "
        "name the encoding with --encoding"
    ]
    assert _summary(read_file(path, encoding="gbk")) == EXPECTED


def test_garbled_text_is_not_loaded(tmp_path: Path) -> None:
    """Big5 bytes decode as GB18030 without error, into nonsense: the header check catches it."""
    path = tmp_path / "big5.csv"
    path.write_bytes(
        "填報單位,年度,指標代碼,數值\n安陸市,2017,proactive.total,8052\n".encode("big5")
    )
    [finding] = read_file(path).findings
    assert finding.rule_code == "file.encoding"
    assert str(finding).startswith(
        "big5.csv: expected column names such as 填报单位, 年度, 指标代码, 数值 after decoding as "
        "gb18030, found "
    )
    assert str(finding).endswith(": check the encoding (--encoding) and the header row")


BIG5_ENGLISH = "agency,parent_agency,level,year,measure_code,value,unit,label\n測試縣,測試市,縣級,2017,proactive.total,8052,條,主動公開政府信息數量\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (  # a header in English says nothing of the encoding: the cells do (kana, private use)
            BIG5_ENGLISH,
            'big5.csv B2: expected Chinese text in UTF-8 or GBK/GB18030, found "代刚カ" (カ U+30AB, kana) after decoding as gb18030: name the file\'s encoding with --encoding (perhaps --encoding big5)',
        ),
        (  # common characters both ways: which was meant is the clerk's to say
            "agency,year,measure_code,value\n測試縣,2017,proactive.total,8052\n",
            'big5.csv A2: expected text that reads as Chinese in one encoding only, found "代刚郡" as gb18030 and "測試縣" as big5: name the file\'s encoding with --encoding',
        ),
    ],
)
def test_big5_with_an_english_header_is_not_loaded_garbled(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "big5.csv"
    path.write_bytes(text.encode("big5"))
    extraction = read_file(path)
    assert ([str(f) for f in extraction.findings], extraction.reports) == ([message], [])
    named = read_file(path, encoding="big5")  # named, it is read as it was written
    assert [f.rule_code for f in named.findings if f.rule_code == "file.encoding"] == []
    assert "縣" in " ".join(str(f) for f in named.findings) + "".join(
        r.header.agency_name for r in named.reports
    )


def test_gbk_with_an_english_header_and_rare_characters_in_names_loads(tmp_path: Path) -> None:
    """A name or two outside GB2312 (赟, 堃, 喆) is what clerks do type: read."""
    text = "agency,parent_agency,year,measure_code,value,label\n赟堃喆县,孝感市,2017,proactive.total,8052,主动公开政府信息数量\n安陆市,孝感市,2017,proactive.total,8052,主动公开政府信息数量\n"
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gbk"))
    extraction = read_file(path)
    assert extraction.findings == []
    assert [r.header.agency_name for r in extraction.reports] == ["赟堃喆县", "安陆市"]


def test_bytes_in_no_accepted_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("agency,year\nCaf\xe9,2017\n".encode("latin-1"))
    assert [str(f) for f in read_file(path).findings] == [
        "latin1.csv: expected text in UTF-8 or GBK/GB18030, found bytes that are neither UTF-8 nor "
        "GBK/GB18030 at byte 15 (e9 2c 32 30): name the encoding with --encoding"
    ]


def test_row_defects_name_their_cells(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "\n".join(
            [
                HEADER_ZH + ",颜色",
                "安陆市,,2017,proactive.total,,八千余,条,",
                "安陆市,,2017,proactive.by_channel,channel_code=tv,5,,",
                "安陆市,,2017,proactive.total,,8052,,",
                "安陆市,,2017,fees.charged_amount,,5,美元,",
                ",,17,proactive.total,,1,,",
            ]
        ),
        encoding="utf-8",
    )
    assert [str(f) for f in read_file(path).findings] == [
        'bad.csv H1: expected a column of the long format, found "颜色"',
        'bad.csv F2: expected a whole number of 条, found "八千余"',
        'bad.csv D3: expected a measure and dimensions of the pre2019 layout, found "proactive.by_channel" with dimensions "channel_code=tv"',
        'bad.csv D4: expected one row per figure (first at D2), found "proactive.total" again',
        'bad.csv G5: expected a unit, 元 or 万元, found "美元"',
        "bad.csv A6: expected the name of the reporting body in 填报单位, found a blank cell",
        f'bad.csv C6: expected a year from 2008 to {date.today().year} in 年度, found "17"',
    ]  # fmt: skip


def test_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("填报单位,年度,指标代码\n安陆市,2017,proactive.total\n", encoding="utf-8")
    assert [str(f) for f in read_file(path).findings] == [
        "short.csv: expected a column 数值 (value), found no such column"
    ]


def test_long_format_xlsx_with_many_reports(tmp_path: Path) -> None:
    rows = [[None], [None, *HEADER_ZH.split(",")]] + [[None, *row.split(",")] for row in ROWS]
    path = write_xlsx(tmp_path / "long.xlsx", {"数据": rows})
    extraction = read_file(path)
    assert extraction.findings == []
    assert [(r.header.agency_name, len(r.facts)) for r in extraction.reports] == [
        ("安陆市", 4),
        ("应城市", 1),
    ]
    assert str(extraction.reports[0].facts[0].location) == "long.xlsx 数据!G3"


def test_rows_of_one_report_must_agree_on_its_header(tmp_path: Path) -> None:
    path = tmp_path / "conflict.csv"
    path.write_text(
        "\n".join(
            [
                HEADER_ZH,
                "安陆市,孝感市,2017,proactive.total,,8052,条",
                "安陆市,应城市,2017,proactive.by_channel,channel_code=website,7136,",
            ]
        ),
        encoding="utf-8",
    )
    assert [str(f) for f in read_file(path).findings] == [
        'conflict.csv B3: expected "孝感市" as on row 2 for the same body and year, found "应城市"',
    ]
