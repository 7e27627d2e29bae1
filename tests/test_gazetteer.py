"""The language layer's gazetteer is cpca's own table: on plain answers it agrees with cpca.transform(), and it also
knows what cpca's matcher does not (county-level cities, municipal districts, autonomous prefectures by short name)."""
from __future__ import annotations

import cpca
import pytest

from bot.language.places import CITY_PROVINCES
from harness import READER

SAMPLES = ["四川成都", "湖南长沙", "广东深圳", "山东青岛", "上海", "新疆乌鲁木齐", "哈尔滨", "内蒙古呼和浩特", "广西南宁",
           "湖南长沙岳麓区", "重庆", "西藏拉萨", "江苏南京", "云南大理", "甘肃兰州"]


def _read(text: str) -> tuple[str | None, str | None]:
    found = READER.read(text).hometown
    return (found.province, found.city) if found else (None, None)


@pytest.mark.parametrize("text", SAMPLES)
def test_agrees_with_cpca_transform(text):
    row = cpca.transform([text]).iloc[0]
    prov = row["省"] if isinstance(row["省"], str) and row["省"] else None
    city = row["市"] if isinstance(row["市"], str) and row["市"] else None
    if city is None and prov in CITY_PROVINCES.values():
        city = prov
    assert _read(text) == (prov, city)


@pytest.mark.parametrize("text, expected", [
    ("昆山", ("江苏省", "苏州市")),  # a county-level city belongs to its prefecture
    ("义乌的", ("浙江省", "金华市")),
    ("北京朝阳", ("北京市", "北京市")),  # a district of a municipality: never 市辖区
    ("上海浦东新区", ("上海市", "上海市")),
    ("延边", ("吉林省", "延边朝鲜族自治州")),
    ("湘西的", ("湖南省", "湘西土家族苗族自治州")),
    ("西双版纳", ("云南省", "西双版纳傣族自治州")),
    ("锡林郭勒", ("内蒙古自治区", "锡林郭勒盟")),
    ("六盘水的", ("贵州省", "六盘水市")),
    ("香港", ("香港特别行政区", None)),  # no prefecture level: a province-level answer
    ("澳门的", ("澳门特别行政区", None)),
    ("顺德的", ("广东省", "佛山市")),  # a city's district by its short name, as the whole answer
    ("我是四川的", ("四川省", None)),
])
def test_full_official_names(text, expected):
    assert _read(text) == expected


@pytest.mark.parametrize("text", ["火星", "鼓楼区", "朝阳", "和平", "东方"])  # unknown, or ambiguous / a common word alone
def test_no_guess(text):
    assert _read(text) == (None, None)
