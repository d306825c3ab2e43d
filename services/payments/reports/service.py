"""What each school and class owes and has paid. Expected is the photographed count × the school's fee (what a
class settles, and what students paying ahead owe once photographed); net is paid − refunded; outstanding is
what is still to collect, overpaid what is still to give back. Integer fen throughout.

The daily takings count money by the Beijing calendar day (Asia/Shanghai) it moved: a payment on the day the
provider (or the staff member who took it offline) says it was paid, a refund on the day it succeeded."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.kernel.errors import FieldIssue, TucaiError
from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork
from services.payments.models import OFFLINE
from services.payments.reports import repository as repo


@dataclass(frozen=True)
class ReportLine:
    school_code: str
    class_id: str | None
    class_no: str | None
    class_name: str | None
    payer_mode: str | None
    fee_fen: int | None
    students: int
    photographed: int
    expected_fen: int
    paid_fen: int
    refunded_fen: int
    offline_fen: int = 0  # of paid_fen, what staff took offline (cash, transfer)

    @property
    def net_fen(self) -> int:
        return self.paid_fen - self.refunded_fen

    @property
    def outstanding_fen(self) -> int:
        return max(self.expected_fen - self.net_fen, 0)

    @property
    def overpaid_fen(self) -> int:
        return max(self.net_fen - self.expected_fen, 0)


def report(uow: UnitOfWork, principal: Principal, by_class: bool, school_code: str | None = None) -> list[ReportLine]:
    session = uow.session
    students = repo.payers(session, principal, by_class, school_code)
    shot = repo.photographed(session, principal, by_class, school_code)
    paid = repo.paid(session, principal, by_class, school_code)
    refunded = repo.refunded(session, principal, by_class, school_code)
    offline = repo.paid_offline(session, principal, by_class, school_code)
    names = repo.classes(session, principal, school_code) if by_class else {}
    fees = repo.fees(session, principal, school_code)
    lines = []
    for key in sorted(set(students) | set(shot) | set(paid) | set(refunded), key=lambda k: (k[0], k[1] or "")):
        school, klass = key
        profile = fees.get(school)
        class_no, class_name = names.get(key, (None, None))
        fee = profile.amount_fen if profile else None
        lines.append(ReportLine(school_code=school, class_id=klass, class_no=class_no, class_name=class_name,
                                payer_mode=profile.payer_mode if profile else None, fee_fen=fee,
                                students=students.get(key, 0), photographed=shot.get(key, 0),
                                expected_fen=shot.get(key, 0) * (fee or 0), paid_fen=paid.get(key, 0),
                                refunded_fen=refunded.get(key, 0), offline_fen=offline.get(key, 0)))
    return lines


# -- daily takings -------------------------------------------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_DAYS = 92  # a quarter: a chart still readable day by day
PROVIDERS = ("wechat", "alipay", OFFLINE)  # every day carries these three, in this order, even when empty
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class Takings:
    """What moved through one provider on one day (or in total)."""

    paid_fen: int = 0
    refunded_fen: int = 0
    count: int = 0  # payments received
    refund_count: int = 0  # refunds that succeeded

    @property
    def net_fen(self) -> int:
        return self.paid_fen - self.refunded_fen

    def add(self, other: Takings) -> None:
        self.paid_fen += other.paid_fen
        self.refunded_fen += other.refunded_fen
        self.count += other.count
        self.refund_count += other.refund_count


@dataclass
class TakingsDay:
    day: date
    providers: dict[str, Takings] = field(default_factory=lambda: {p: Takings() for p in PROVIDERS})

    @property
    def total(self) -> Takings:
        total = Takings()
        for one in self.providers.values():
            total.add(one)
        return total


@dataclass(frozen=True)
class TakingsReport:
    start: date
    end: date
    days: list[TakingsDay]

    @property
    def total(self) -> TakingsDay:
        """Every provider summed over the range (its `day` is the range's first day)."""
        total = TakingsDay(self.start)
        for day in self.days:
            for provider, one in day.providers.items():
                total.providers.setdefault(provider, Takings()).add(one)
        return total


def _bad_dates(code: str, field_name: str | None, zh: str, en: str) -> TucaiError:
    issues = [FieldIssue(field=field_name, code=code, message_zh=zh, message_en=en)] if field_name else []
    return TucaiError(code, zh, en, status=422, errors=issues)


def _day(text: str | None, name: str) -> date:
    if not text:
        raise _bad_dates("date_required", name, f"请填写{'起始' if name == 'from' else '截止'}日期（YYYY-MM-DD）",
                         f"`{name}` is required (YYYY-MM-DD)")
    try:
        if not _ISO_DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise _bad_dates("bad_date", name, f"日期格式应为 YYYY-MM-DD：{text[:20]}",
                         f"`{name}` must be a date as YYYY-MM-DD") from None


def day_range(start: str | None, end: str | None) -> tuple[date, date]:
    """The inclusive range of Beijing days asked for: both given, in order, at most MAX_DAYS days."""
    first, last = _day(start, "from"), _day(end, "to")
    if last < first:
        raise _bad_dates("date_range_reversed", "to", "截止日期早于起始日期", "`to` is before `from`")
    if (last - first).days + 1 > MAX_DAYS:
        raise _bad_dates("date_range_too_long", "to", f"日期范围最多 {MAX_DAYS} 天",
                         f"The range covers at most {MAX_DAYS} days")
    return first, last


def _beijing_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), SHANGHAI).astimezone(UTC)


def _bucket(days: dict[date, TakingsDay], rows: Iterable[tuple[str, datetime, int]], refunds: bool) -> None:
    for provider, at, fen in rows:
        one = days[at.astimezone(SHANGHAI).date()].providers.setdefault(provider, Takings())
        if refunds:
            one.refunded_fen += fen
            one.refund_count += 1
        else:
            one.paid_fen += fen
            one.count += 1


def takings(uow: UnitOfWork, principal: Principal, start: str | None, end: str | None,
            school_code: str | None = None) -> TakingsReport:
    """Each Beijing day of the range (empty days included, so a chart has no gaps), split by provider."""
    first, last = day_range(start, end)
    since, until = _beijing_midnight(first), _beijing_midnight(last + timedelta(days=1))
    days = {first + timedelta(days=i): TakingsDay(first + timedelta(days=i)) for i in range((last - first).days + 1)}
    _bucket(days, repo.payments_between(uow.session, principal, since, until, school_code), refunds=False)
    _bucket(days, repo.refunds_between(uow.session, principal, since, until, school_code), refunds=True)
    return TakingsReport(first, last, list(days.values()))
