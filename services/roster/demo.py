"""Demo data: 江西 with its capture centre, the universities of the seed notices with colleges, and one
account per role. Demo accounts sign in only while the system runs in demo mode."""

from __future__ import annotations

from services.kernel.auth import hash_password
from services.kernel.tenancy import Role
from services.kernel.uow import UnitOfWork
from services.roster import directory
from services.roster import repository as repo
from services.roster.models import Agency, Province, UserAccount
from services.roster.schemas import CollegeIn

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
    ("student10403", Role.STUDENT, "南昌大学学生", "36", "10403"),
]


def load(uow: UnitOfWork) -> bool:
    """Load the demo data into an empty roster; returns False (and changes nothing) if schools exist."""
    session = uow.session
    if repo.has_any_school(session):
        return False
    for code, name in PROVINCES.items():
        session.add(Province(code=code, name=name))
    session.flush()  # no ORM relationships, so parents are flushed before their children by hand
    session.add(Agency(province_code="36", name="新华社江西分社图像采集中心"))
    session.flush()
    for code, name, province_code in SCHOOLS:
        directory.register_school(uow, code, name, province_code)
    session.flush()
    password_hash = hash_password(DEMO_PASSWORD)
    for username, role, display, province_code, school_code in ACCOUNTS:
        session.add(UserAccount(username=username, password_hash=password_hash, role=role.value,
                                display_name=display, province_code=province_code, school_code=school_code,
                                is_demo=True))
    platform = _system_principal()
    for school_code, names in COLLEGES.items():
        for index, name in enumerate(names, start=1):
            directory.create_college(uow, platform, CollegeIn(code=f"{index:03d}", name=name,
                                                              school_code=school_code))
    return True


def _system_principal():  # type: ignore[no-untyped-def]
    from services.kernel.tenancy import Principal

    return Principal(subject="system", role=Role.PLATFORM_ADMIN, username="system")
