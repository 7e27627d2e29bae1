"""Every Chinese province, prefecture and county by its official name and its short forms (cpca's adcode table)."""
from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MUNICIPALITIES = {"11": "北京市", "12": "天津市", "31": "上海市", "50": "重庆市"}
_NOT_PLACES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_UNIT_SUFFIXES = ("自治州", "自治县", "自治旗", "地区", "林区", "新区", "盟", "市", "县", "区", "旗")


@dataclass(frozen=True, slots=True)
class Place:
    """One administrative unit: its level (1 province, 2 prefecture, 3 county/district) and where it belongs."""

    code: str
    name: str
    level: int
    province: str
    city: str | None  # the prefecture-level city it lies in (a municipality for its districts)


def _resources() -> Path:
    # located without importing cpca (its __init__ loads pandas)
    spec = importlib.util.find_spec("cpca")
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


def _nations(folder: Path) -> list[str]:
    names = [line.strip() for line in (folder / "56_nations.csv").read_text(encoding="utf-8").splitlines() if line.strip()]
    forms = {n for name in names for n in (name, name.removesuffix("族"))}
    forms |= {"蒙古", "哈萨克", "柯尔克孜"}
    return sorted(forms, key=len, reverse=True)


def short_form(name: str, nations: list[str]) -> str:
    """'延边朝鲜族自治州' -> '延边', '四川省' -> '四川', '昆山市' -> '昆山', '浦东新区' -> '浦东'."""
    original = name
    for suffix in _PROVINCE_SUFFIXES if len(name) > 2 and name.endswith(("省", "自治区", "特别行政区")) else _UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    stripped = "自治" in original
    while stripped:  # ethnic names before 自治州/自治县: '黔东南苗族侗族' -> '黔东南'
        stripped = False
        for nation in nations:
            if name.endswith(nation) and len(name) - len(nation) >= 2:
                name, stripped = name[: -len(nation)], True
                break
    return name


@lru_cache(maxsize=1)
def places() -> dict[str, Place]:
    """Every unit by adcode."""
    rows = list(csv.DictReader((_resources() / "adcodes.csv").open(encoding="utf-8")))
    names = {r["adcode"]: r["name"] for r in rows}
    out: dict[str, Place] = {}
    for code, name in names.items():
        if name in _NOT_PLACES:
            continue
        prov_code, pref_code = code[:2] + "0" * 10, code[:4] + "0" * 8
        province = names[prov_code]
        if code == prov_code:
            level, city = 1, MUNICIPALITIES.get(code[:2])
        elif code == pref_code:
            level, city = 2, name
        else:
            level = 3
            parent = names.get(pref_code)
            if code[:2] in MUNICIPALITIES:
                city = province
            elif parent is None or parent in _NOT_PLACES:
                city = name  # a county-level city governed by its province (仙桃, 济源, 石河子)
            else:
                city = parent
        out[code] = Place(code, name, level, province, city)
    return out


def nations() -> list[str]:
    return _nations(_resources())
