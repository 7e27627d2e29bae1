"""Render time and size of each picture, for a class of 12 and of 500 (the issue's limits: < 200 ms, <= 300 KB).

    .venv/bin/python scripts/pictures_bench.py [--runs 20] [--json] [--save DIR]

Each picture is drawn once to warm up (fonts and province outlines are loaded once per process), then `runs` times;
the median wall time, the slowest run and the median CPU time of the process (what the drawing itself costs, whatever
else the machine is doing) are reported, with the PNG's size and dimensions. --save writes the 500-member
pictures to DIR to look at."""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from bot import pictures  # noqa: E402

PROVINCES = ["广东省", "浙江省", "四川省", "上海市", "北京市", "江苏省", "湖南省", "湖北省", "山东省", "河南省", "福建省",
             "新疆维吾尔自治区", "内蒙古自治区", "黑龙江省", "云南省", "陕西省", "辽宁省", "重庆市", "海南省", "台湾省"]
SURNAMES, GIVEN = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗", ["小明", "丽", "建国", "晓红", "子涵", "一鸣", "思雨", "浩", "婷婷", "欣怡", "Amy", "老K"]


def class_of(n: int, seed: int = 7):
    rnd = random.Random(seed)
    names = [rnd.choice(SURNAMES) + rnd.choice(GIVEN) for _ in range(n)]
    counts: dict[str, int] = {}
    for _ in range(int(n * 0.8)):  # four in five say where they are from; the big provinces more often
        p = PROVINCES[min(int(rnd.expovariate(0.25)), len(PROVINCES) - 1)]
        counts[p] = counts.get(p, 0) + 1
    return names, counts


def jobs(n: int) -> dict:
    names, counts = class_of(n)
    leaders = [(name, 3 - i * 3 // (n * 3 // 5)) for i, name in enumerate(names[: n * 3 // 5])]  # day 3: streaks 3..1
    return {
        "tally_card": lambda: pictures.tally_card(pictures.Tally("7天小白理财实操课", 3, 7, "12月3日 周四", n * 2 // 5, n, leaders)),
        "hometown_map": lambda: pictures.hometown_map(pictures.Hometowns("7天小白理财实操课", counts, sum(counts.values()))),
        "class_picture": lambda: pictures.class_picture(pictures.ClassPicture(
            "7天小白理财实操课", "2026年12月1日 — 12月7日", names[: n * 4 // 5], counts, "私聊我「证书」领取你的结业证书")),
        "certificate": lambda: pictures.certificate(pictures.Certificate(
            names[0], "7天小白理财实操课", "2026年12月1日至12月7日", 7, 5, "小金·专属理财导师", "2026年12月7日", "20261201-001")),
        "funnel_chart": lambda: pictures.funnel_chart(pictures.Funnel("理财1期 转化漏斗", [
            ("加好友", n * 5 // 4), ("进群", n), ("家乡签到", n * 4 // 5), ("打卡", n * 9 // 10), ("完成实操", n * 7 // 10),
            ("毕业", n * 4 // 5), ("看到优惠", n * 3 // 4), ("报名", n // 8)])),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--save", type=Path)
    args = ap.parse_args()
    rows = []
    for n in (12, 500):
        for name, draw in jobs(n).items():
            png = draw()  # warm-up
            times, cpu = [], []
            for _ in range(args.runs):
                t, c = time.perf_counter(), time.process_time()
                png = draw()
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            w, h = Image.open(io.BytesIO(png)).size
            rows.append({"picture": name, "members": n, "median_ms": round(statistics.median(times), 1),
                         "max_ms": round(max(times), 1), "cpu_median_ms": round(statistics.median(cpu), 1), "kb": round(len(png) / 1024, 1), "size": f"{w}x{h}"})
            if args.save and n == 500:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"{name}.png").write_bytes(png)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    print(f"{'picture':<14} {'members':>7} {'median ms':>10} {'max ms':>8} {'cpu ms':>7} {'KB':>7}  size")
    for r in rows:
        print(f"{r['picture']:<14} {r['members']:>7} {r['median_ms']:>10} {r['max_ms']:>8} {r['cpu_median_ms']:>7} "
              f"{r['kb']:>7}  {r['size']}")
    worst = max(r["median_ms"] for r in rows), max(r["cpu_median_ms"] for r in rows), max(r["kb"] for r in rows)
    print(f"slowest median {worst[0]} ms wall, {worst[1]} ms CPU (limit 200), largest {worst[2]} KB (limit 300); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall time grows with it, CPU time does not)")


if __name__ == "__main__":
    main()
