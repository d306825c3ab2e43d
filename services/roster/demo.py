"""Demo data: 江西 with its capture centre, the universities of the seed notices with colleges, and one
account per role. Demo accounts sign in only while the system runs in demo mode."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from services.kernel.auth import hash_password
from services.kernel.tenancy import ROLE_LABELS, Principal, Role
from services.kernel.uow import UnitOfWork
from services.roster.accounts import repository as accounts_repo
from services.roster.directory import repository as directory_repo
from services.roster.directory import service as directory
from services.roster.models import Agency, Campaign, ImportJob, Province, Student, UserAccount
from services.roster.review import service as review
from services.roster.rules.idcard import check_digit
from services.roster.students import repository as students_repo

DEMO_PASSWORD = "tucai-demo"

PROVINCES = {"36": "江西省", "37": "山东省", "53": "云南省"}

SCHOOLS = [
    ("10403", "南昌大学", "36"),
    ("10405", "东华理工大学", "36"),
    ("10404", "华东交通大学", "36"),
    ("14277", "山东青年政治学院", "37"),
    ("10673", "云南大学", "53"),
]

# 南昌大学's colleges as in seed notice 002's timetable.
COLLEGES = {
    "10403": ["人文学院", "公共管理学院", "教育发展研究院", "建筑工程学院", "经济管理学院", "化学学院",
              "马克思主义学院", "体育学院", "材料科学与工程学院", "新闻与传播学院", "法学院", "生命科学学院",
              "资源环境与化工学院", "信息工程学院", "艺术与设计学院", "机电工程学院", "理学院", "管理学院",
              "旅游学院", "外国语学院"],
    "10405": ["核科学与工程学院", "地球科学学院", "测绘与空间信息工程学院", "信息工程学院", "经济与管理学院",
              "文法学院", "化学生物与材料科学学院", "机械与电子工程学院"],
}

# username, role, display name, province, school
ACCOUNTS = [
    ("platform", Role.PLATFORM_ADMIN, "平台管理员", None, None),
    ("agency", Role.AGENCY_ADMIN, "新华社江西分社图像采集中心", "36", None),
    ("photographer", Role.PHOTOGRAPHER, "采集中心摄影师", "36", None),
    ("province", Role.PROVINCE_REVIEWER, "江西省教育厅高教处", "36", None),
    ("school10403", Role.SCHOOL_ADMIN, "南昌大学教务处学籍科", "36", "10403"),
    ("school10405", Role.SCHOOL_ADMIN, "东华理工大学教务处", "36", "10405"),
    ("coordinator10403", Role.COLLEGE_COORDINATOR, "信息工程学院联络人", "36", "10403"),
    ("monitor10403", Role.CLASS_MONITOR, "信息工程学院班长", "36", "10403"),
]

TERM = "2026-06"
# Classes with students: (school, college name, class number, class name, level, how many)
DEMO_CLASSES = [
    ("10403", "信息工程学院", "XG2301", "计算机技术2023级硕士1班", "硕士研究生", 30),
    ("10403", "信息工程学院", "XG2302", "计算机技术2023级硕士2班", "硕士研究生", 28),
    ("10403", "法学院", "FX2301", "法律硕士2023级1班", "硕士研究生", 25),
    ("10405", "核科学与工程学院", "HK2201", "核工程与核技术2022级1班", "本科", 32),
]
# The first student of XG2301 signs in as a student: school 10403, 学号 below, last six of the ID number.
DEMO_STUDENT_NO = "2023090101"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
_GIVEN = ["子涵", "欣怡", "梓轩", "浩然", "雨桐", "宇航", "思远", "佳琪", "俊杰", "诗涵", "明轩", "若曦", "志强",
          "晓东", "嘉怡", "文博", "一诺", "天佑", "静怡", "泽宇", "可欣", "昊天", "雅婷", "博文"]
_AREAS = ["360102", "360103", "360121", "360202", "360302", "360403", "360502", "360602", "360702", "361002"]


def load(uow: UnitOfWork) -> bool:
    """Load the demo data into an empty roster; returns False (and changes nothing) if schools exist."""
    session = uow.session
    if directory_repo.has_any_school(session):
        return False
    for code, name in PROVINCES.items():
        session.add(Province(code=code, name=name))
    session.flush()  # no ORM relationships, so parents are flushed before their children by hand
    session.add(Agency(province_code="36", name="新华社江西分社图像采集中心"))
    session.flush()
    for code, name, province in SCHOOLS:
        directory.register_school(uow, code, name, province)
    session.flush()
    password_hash = hash_password(DEMO_PASSWORD)
    for username, role, display, province_code, school_code in ACCOUNTS:
        session.add(UserAccount(username=username, password_hash=password_hash, role=role.value,
                                display_name=display, province_code=province_code, school_code=school_code,
                                is_demo=True))
    for school_code, names in COLLEGES.items():
        for index, name in enumerate(names, start=1):
            directory.create_college(uow, directory.SYSTEM, f"{index:03d}", name, school_code)
    session.add(Campaign(province_code="36", term=TERM, name="江西省2026届高校毕业生图像信息采集",
                         levels=["博士研究生", "硕士研究生", "本科", "专科"], exclude_part_time=True,
                         graduation_from=date(2026, 1, 1), graduation_to=date(2026, 12, 31)))
    school = directory_repo.school_for_system(session, "10403")
    assert school is not None
    school.contact_recipient, school.contact_phone = "薛老师", "0791-83969343"
    school.contact_address, school.contact_postcode = "江西省南昌市红谷滩区学府大道999号 研究生院学位办", "330031"
    _students(uow)
    _link_coordinators(uow)
    return True


def _link_coordinators(uow: UnitOfWork) -> None:
    """The demo coordinator looks after 信息工程学院, the demo monitor after its class XG2301."""
    college = directory_repo.colleges_by_name(uow.session, "10403")["信息工程学院"]
    klass = directory_repo.classes_by_code(uow.session, "10403")["XG2301"]
    for user in (accounts_repo.user_by_username(uow.session, "coordinator10403"),
                 accounts_repo.user_by_username(uow.session, "monitor10403")):
        assert user is not None
        user.college_id = college.id
        user.class_id = klass.id if user.role == Role.CLASS_MONITOR else None
        uow.session.add(user)


def _students(uow: UnitOfWork) -> None:
    """Students in classes; 南昌大学 submits its first two classes and the province approves them."""
    rng = random.Random(10403)
    session = uow.session
    # The demo's rosters arrive as one committed import per school, so the import history shows where the
    # students came from, as for a real school.
    jobs: dict[str, ImportJob] = {}
    for school_code, *_, count in DEMO_CLASSES:
        job = jobs.get(school_code) or ImportJob(
            school_code=school_code, province_code="36", filename=f"{school_code}-演示名单.xlsx", size=0,
            sha256="", blob_key="", file_format="xlsx", status="committed", created_by="演示数据",
            committed_at=datetime.now(UTC))
        job.rows += count
        job.accepted += count
        job.progress += count
        jobs[school_code] = job
        session.add(job)
    session.flush()
    for school_code, college_name, class_no, class_name, level, count in DEMO_CLASSES:
        college = directory_repo.colleges_by_name(session, school_code)[college_name]
        klass = directory.create_class(uow, school_code, "36", college.id, class_no, class_name)
        year = 2022 if level == "本科" else 2023
        prefix = DEMO_STUDENT_NO[:8] if class_no == "XG2301" else f"{year}{rng.randint(1000, 9999)}"
        for n in range(1, count + 1):
            born = date(2000, 1, 1) + timedelta(days=rng.randint(0, 4 * 365))
            sex = rng.choice("男女")
            parity = rng.choice((1, 3, 5, 7, 9) if sex == "男" else (0, 2, 4, 6, 8))  # digit 17: odd = male
            seq = rng.randint(10, 99) * 10 + parity
            first17 = f"{rng.choice(_AREAS)}{born:%Y%m%d}{seq:03d}"
            session.add(Student(
                school_code=school_code, province_code="36", college_id=college.id, class_id=klass.id,
                student_no=f"{prefix}{n:02d}", name=rng.choice(_SURNAMES) + rng.choice(_GIVEN), sex=sex,
                birth_date=born, id_number=first17 + check_digit(first17), ethnicity_code="01", ethnicity="汉族",
                major_name=class_name.split("20")[0], level=level, duration="3" if level != "本科" else "4",
                study_mode="全日制", entry_date=date(year, 9, 1),
                expected_graduation=date(2026, 6, 30), exam_no=None, import_job_id=jobs[school_code].id))
    session.flush()
    xg = [c for c in directory_repo.classes_by_code(session, "10403").values() if c.code.startswith("XG")]
    ids = [s.id for s in students_repo.school_students(session, "10403") if s.class_id in {c.id for c in xg}]
    school_admin = Principal(subject="demo", role=Role.SCHOOL_ADMIN, username="school10403", province="36",
                             school="10403")
    batch = review.submit(uow, school_admin, TERM, ids)
    session.flush()
    reviewer = Principal(subject="demo", role=Role.PROVINCE_REVIEWER, username="province", province="36")
    review.decide(uow, reviewer, batch.id, "approved", "材料齐全")
    law = [s.id for s in students_repo.school_students(session, "10403") if s.review_status == "imported"]
    review.submit(uow, school_admin, TERM, law)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    role_label: str
    display_name: str


@dataclass(frozen=True)
class DemoStudent:
    school_code: str
    student_no: str
    secret: str


@dataclass(frozen=True)
class DemoOptions:
    password: str
    accounts: list[DemoAccount]
    student: DemoStudent | None


def sign_in_options(session: Session) -> DemoOptions:
    """Demo accounts for the login page; the demo student's secret is synthetic (its ID number is made up)."""
    accounts = [DemoAccount(username=u, role=r, role_label=ROLE_LABELS[r], display_name=d)
                for u, r, d, _, _ in ACCOUNTS]
    student = accounts_repo.student_for_signin(session, "10403", DEMO_STUDENT_NO)
    return DemoOptions(password=DEMO_PASSWORD, accounts=accounts,
                       student=DemoStudent(school_code="10403", student_no=DEMO_STUDENT_NO,
                                           secret=student.id_number[-6:]) if student else None)
