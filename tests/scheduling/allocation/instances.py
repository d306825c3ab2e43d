"""Instances shared by the allocation tests and bench_plan: the seed-002 day and a generated large university."""

from __future__ import annotations

import random
from typing import Any

from services.scheduling.allocation.instance import Instance

# Seed 002 (南昌大学, 2020-11-19, 信工楼 E201/E202/E203): every row of its timetable, as (name, headcount).
# The notice schedules whole colleges (and "全体博士", every doctoral student), not classes, so each row is one
# block here; inventing classes would add ~0.5 rounding minutes per invented class that the notice never had.
SEED_002_ROWS = [
    ("人文学院硕士", 156), ("公共管理学院", 337), ("教育发展研究院", 56), ("建筑工程学院硕士", 184),
    ("全体博士", 305),  # E201: 1,038
    ("经济管理学院硕士", 314), ("化学学院硕士", 129), ("马克思主义学院硕士", 36), ("体育学院硕士", 15),
    ("材料科学与工程学院硕士", 150), ("新闻与传播学院硕士", 103), ("法学院硕士", 242),
    ("生命科学学院硕士", 102),  # E202: 1,091
    ("资源环境与化工学院硕士", 122), ("信息工程学院硕士", 418), ("艺术与设计学院硕士", 146),
    ("机电工程学院硕士", 174), ("理学院硕士", 71), ("管理学院硕士", 107), ("旅游学院硕士", 27),
    ("外国语学院硕士", 39), ("高等研究院硕士", 10), ("2019级留学生", 10),  # E203: 1,124
]
SEED_002_DATE = "2020-11-19"  # a Thursday (星期四); the notice printed 周一
DAY_WINDOWS = [("09:00", "12:00"), ("13:00", "16:45")]


def windows(dates: list[str]) -> list[dict[str, str]]:
    return [{"date": day, "start": start, "end": end} for day in dates for start, end in DAY_WINDOWS]


def seed_002(rate: float = 2.8) -> dict[str, Any]:
    """The seed-002 day as an instance document (2.8/min: at 2.7 it does not fit in whole minutes)."""
    classes = []
    for i, (name, students) in enumerate(SEED_002_ROWS):
        level = "博士" if name == "全体博士" else "硕士" if name.endswith("硕士") else None
        college = name.removesuffix("硕士")
        classes.append({"id": f"s002-{i + 1:02d}", "college": college, "students": students, "campus": None,
                        "level": level})
    rooms = [{"id": f"E20{n}", "campus": "前湖", "stations": 1, "windows": windows([SEED_002_DATE])}
             for n in (1, 2, 3)]
    return {"rate_per_station_per_minute": rate, "rooms": rooms, "classes": classes}


def university(students: int = 40_000, seed: int = 9) -> dict[str, Any]:
    """A large university: two campuses (4 + 3 rooms of 2 stations), three days, ~1,000 classes of 20-60,
    ~32 colleges each on one campus, masters' and doctors' classes; every class bound to its college's campus."""
    rng = random.Random(seed)
    dates = ["2026-06-02", "2026-06-03", "2026-06-04"]
    rooms = [{"id": f"{campus}-{n}", "campus": campus, "stations": 2, "windows": windows(dates)}
             for campus, count in (("前湖", 4), ("青山湖", 3)) for n in range(1, count + 1)]
    classes: list[dict[str, Any]] = []
    total, college = 0, 0
    while total < students:
        college += 1
        campus = "前湖" if college % 7 < 4 else "青山湖"  # 4:3, like the rooms
        for k in range(rng.randint(20, 44)):
            size = min(rng.randint(20, 60), students - total)
            if size <= 0:
                break
            level = "博士" if k % 10 == 9 else "硕士"
            classes.append({"id": f"c{college:02d}-{k + 1:02d}", "college": f"学院{college:02d}",
                            "students": size, "campus": campus, "level": level})
            total += size
    return {"rate_per_station_per_minute": 2.7, "rooms": rooms, "classes": classes}


def load(document: dict[str, Any]) -> Instance:
    return Instance.model_validate(document)
