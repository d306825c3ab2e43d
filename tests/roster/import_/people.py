"""Synthetic students (never real people) and rosters shaped like the files registrars really upload.

ID numbers are generated with a correct GB 11643 check digit from invented sequence numbers; names are drawn from
common surnames and given-name characters.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from openpyxl import Workbook

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
AREAS = ("360102", "360104", "360111", "360121", "360403", "360502", "360702", "361002", "110105", "440106",
         "530102", "370102", "430104", "510107", "420106", "500103")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉浩宇轩然子涵欣怡思雨梓萱晨"
         "阳佳琪文博嘉怡雪梅志强建国海燕晓东丹丹婷婷")
ETHNICITIES = ("汉族",) * 12 + ("回族", "壮族", "满族", "苗族", "土家族", "蒙古族")
POLITICAL = ("共青团员",) * 6 + ("中共党员", "中共预备党员", "群众", "群众")
COLLEGES = (("计算机学院", "080901", "计算机科学与技术"), ("化学工程学院", "081301", "化学工程与工艺"),
            ("外国语学院", "050201", "英语"), ("数学与统计学院", "070101", "数学与应用数学"),
            ("经济管理学院", "120201K", "工商管理"), ("信息工程学院", "080703", "通信工程"))

# A template-like header row (Chinese headers, as in the CHSI-style 标准格式 spreadsheets schools fill in)
HEADERS = ["考生号", "学号", "姓名", "性别", "出生日期", "身份证号", "民族", "政治面貌", "专业代码", "专业名称", "层次",
           "学制", "学习形式", "入学日期", "预计毕业日期", "学院", "班号", "院校代码"]
CHSI_HEADERS = ["KSH", "XH", "XM", "XB", "CSRQ", "SFZH", "MZ", "ZZMM", "ZYDM", "ZYMC", "CC", "XZ", "XXXS", "RXRQ",
                "YJBYRQ", "FY", "BH", "YXDM"]
COL = {name: k for k, name in enumerate(HEADERS)}


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def make_id(born: date, male: bool, area: str = "360102", seq: int = 12) -> str:
    """A synthetic 18-digit number with a correct check digit; digit 17 odd for men, even for women."""
    first17 = f"{area}{born:%Y%m%d}{seq % 100:02d}{(seq // 100 % 5) * 2 + (1 if male else 0)}"
    return first17 + check_digit(first17)


@dataclass
class Person:
    n: int
    exam_no: str
    student_no: str
    name: str
    male: bool
    born: date
    id_number: str
    ethnicity: str
    political: str
    college: str
    major_code: str
    major: str
    klass: str

    @property
    def sex(self) -> str:
        return "男" if self.male else "女"

    def row(self, school: str = "10403") -> list[object]:
        """Cells in HEADERS order, all text, as a careful registrar would type them."""
        return [self.exam_no, self.student_no, self.name, self.sex, self.born.strftime("%Y%m%d"), self.id_number,
                self.ethnicity, self.political, self.major_code, self.major, "本科", "4", "普通全日制", "20220901",
                "20260630", self.college, self.klass, school]


def person(n: int, seed: int = 2026) -> Person:
    rng = random.Random(seed * 1_000_003 + n)
    male = rng.random() < 0.5
    # (area, birth date, sequence) differs for every n below 8 million: ID numbers never repeat by accident
    k = n // len(AREAS)
    area = AREAS[n % len(AREAS)]
    born = date(2002, 1, 1) + timedelta(days=(k * 389) % 1095)
    seq = (k // 1095) % 500
    college, major_code, major = COLLEGES[n % len(COLLEGES)]
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return Person(
        n=n, exam_no=f"22{area[:2]}{area[2:4]}{n % 100_000_000:08d}"[:14], student_no=f"2022{n:07d}",
        name=rng.choice(SURNAMES) + given, male=male, born=born,
        id_number=make_id(born, male, area, seq=seq), ethnicity=rng.choice(ETHNICITIES),
        political=rng.choice(POLITICAL), college=college, major_code=major_code, major=major,
        klass=f"{major_code[:4]}22{n // 30 % 10 + 1:02d}")


def people(count: int, start: int = 1, seed: int = 2026) -> list[Person]:
    return [person(n, seed) for n in range(start, start + count)]


# ---- writers: the shapes registrars' files come in ---------------------------------------------------------------

def xlsx_bytes(rows: list[list[object]], headers: list[str] = HEADERS, *, title: str | None = None,
               blank_after_title: bool = False, sheet: str = "Sheet1", before: list[tuple[str, list]] = ()) -> bytes:
    """An .xlsx; `title` adds a merged title row above the headers; `before` adds sheets in front (e.g. 填表说明)."""
    book = Workbook()
    book.remove(book.active)
    for name, lines in before:
        extra = book.create_sheet(name)
        for line in lines:
            extra.append(line)
    ws = book.create_sheet(sheet)
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        if blank_after_title:
            ws.append([])
    ws.append(headers)
    dated = False
    for row in rows:
        ws.append(row)
        dated = dated or any(isinstance(v, date | datetime) for v in row)
    if dated:  # Excel date cells show as dates
        for line in ws.iter_rows():
            for cell in line:
                if isinstance(cell.value, date | datetime):
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls_bytes(rows: list[list[object]], headers: list[str] = HEADERS, *, title: str | None = None,
              sheet: str = "学生名单") -> bytes:
    """A BIFF .xls written by xlwt, shaped like the official template: a title row, then the Chinese headers."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    r = 0
    if title:
        ws.write_merge(0, 0, 0, len(headers) - 1, title)
        r = 1
    for j, header in enumerate(headers):
        ws.write(r, j, header)
    for row in rows:
        r += 1
        for j, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date | datetime):
                ws.write(r, j, value, date_style)
            else:
                ws.write(r, j, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], headers: list[str] = HEADERS, *, encoding: str = "gbk",
              delimiter: str = ",", bom: bool = False, crlf: bool = True) -> bytes:
    """A CSV as Excel in China saves it: GBK ("CSV (逗号分隔)"), CRLF line ends; or UTF-8 with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data
