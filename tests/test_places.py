"""rituals.places uses cpca's per-sentence matcher directly (its DataFrame wrapper is 70x slower): it must agree
with cpca.transform() on the answers members give."""
from __future__ import annotations

import cpca
import pytest

from rituals.places import MUNICIPALITIES, locate

SAMPLES = ["四川成都", "湖南长沙", "广东深圳", "山东青岛", "上海", "新疆乌鲁木齐", "哈尔滨", "内蒙古呼和浩特", "广西南宁",
           "北京朝阳", "湖南长沙岳麓区", "重庆", "西藏拉萨", "香港", "火星", "江苏南京"]


@pytest.mark.parametrize("text", SAMPLES)
def test_locate_agrees_with_cpca_transform(text):
    row = cpca.transform([text]).iloc[0]
    prov = row["省"] if isinstance(row["省"], str) and row["省"] else None
    city = row["市"] if isinstance(row["市"], str) and row["市"] else None
    if prov in MUNICIPALITIES and city is None:
        city = prov
    assert locate(text) == (prov, city)
