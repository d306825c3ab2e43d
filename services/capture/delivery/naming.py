"""How the photos in a package are named, as pure functions. The patterns: 身份证号.jpg (CHSI's legacy import),
学号.jpg, or capture's own key. Whatever roster holds, a name goes into the zip only if it is a plain file name:
letters, digits, '-' and '_' (no path separators, dots, NULs or control characters, so no zip-slip on extraction),
and names that would collide are all left out, because either photo could end up under the other student's name."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

SAFE_STEM = re.compile(r"[0-9A-Za-z_-]{1,64}")


class Naming(StrEnum):
    ID_NUMBER = "id_number"  # 身份证号.jpg
    STUDENT_NO = "student_no"  # 学号.jpg
    CAPTURE_KEY = "capture_key"  # capture's pseudonymous key


NAMING_LABELS = {Naming.ID_NUMBER: "身份证号", Naming.STUDENT_NO: "学号", Naming.CAPTURE_KEY: "采集编号"}


class Left(StrEnum):
    """Why a student is not in a package (the index lists them with this reason)."""

    NOT_PHOTOGRAPHED = "not_photographed"
    OPEN_ANOMALY = "open_anomaly"
    NOT_CONFIRMED = "not_confirmed"
    REPORTED = "reported"
    NO_STANDARD = "no_standard"
    WITHDRAWN = "withdrawn"
    NO_NAME = "no_name"
    UNSAFE_NAME = "unsafe_name"
    DUPLICATE_NAME = "duplicate_name"


LEFT_LABELS = {
    Left.NOT_PHOTOGRAPHED: "未拍摄或无合格照片",
    Left.OPEN_ANOMALY: "存在未处理的异常",
    Left.NOT_CONFIRMED: "学生未确认且未过校对截止日期",
    Left.REPORTED: "学生报告照片有误，待重拍或处理",
    Left.NO_STANDARD: "无标准照",
    Left.WITHDRAWN: "已不在审核通过名单中",
    Left.NO_NAME: "学籍库中无对应的身份证号/学号",
    Left.UNSAFE_NAME: "身份证号/学号含非法字符，不能作为文件名",
    Left.DUPLICATE_NAME: "文件名与其他学生重复",
}


@dataclass(frozen=True)
class Named:
    names: dict[str, str]  # subject_key -> file name (with .jpg)
    left: dict[str, Left]  # subject_key -> why it has no name


def name_files(stems: Mapping[str, str | None]) -> Named:
    """File names for the keys from their stems (None: roster had no value); unsafe and colliding stems are left
    out. Collisions are compared case-insensitively, as on the file systems packages are unpacked on."""
    left: dict[str, Left] = {}
    safe: dict[str, str] = {}
    for key, stem in stems.items():
        if not stem:
            left[key] = Left.NO_NAME
        elif not SAFE_STEM.fullmatch(stem):
            left[key] = Left.UNSAFE_NAME
        else:
            safe[key] = stem
    counts = Counter(stem.lower() for stem in safe.values())
    names: dict[str, str] = {}
    for key, stem in safe.items():
        if counts[stem.lower()] > 1:
            left[key] = Left.DUPLICATE_NAME
        else:
            names[key] = f"{stem}.jpg"
    return Named(names=names, left=left)
