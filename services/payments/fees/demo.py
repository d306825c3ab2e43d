"""Demo fee profiles (demo mode only): the demo schools' students pay 15 yuan each this term."""

from __future__ import annotations

from services.kernel.ids import new_id
from services.kernel.queries import get_system
from services.kernel.uow import UnitOfWork
from services.payments.models import FeeProfile, PayerMode

TERM = "2026-06"
SCHOOLS = ("10403", "10404", "10405")
BREAKDOWN = [{"label": "采集服务费", "amount_fen": 1000}, {"label": "照片制作费", "amount_fen": 500}]


def seed(uow: UnitOfWork) -> None:
    for school in SCHOOLS:
        if get_system(uow.session, FeeProfile, school_code=school, term=TERM) is None:
            uow.session.add(FeeProfile(id=new_id(), province_code="36", school_code=school, term=TERM,
                                       amount_fen=1500, breakdown=BREAKDOWN, payer_mode=PayerMode.STUDENT,
                                       updated_by="demo"))
