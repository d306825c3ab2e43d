from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.payments.providers import order_numbers


def test_made_numbers_fit_both_providers_and_differ() -> None:
    made = {order_numbers.make("STU", datetime(2025, 9, 1, tzinfo=UTC)) for _ in range(200)}
    assert len(made) == 200
    for number in made:
        assert order_numbers.is_valid(number) and number.startswith("STU250901") and len(number) <= 32


@pytest.mark.parametrize("number", ["ABCDE", "A" * 33, "STU 250901", "STU|250901", "STU*250901", "学生250901",
                                    "STU250901\n", ""])
def test_invalid_numbers(number: str) -> None:
    assert not order_numbers.is_valid(number)
    with pytest.raises(ValueError):
        order_numbers.validate(number)


@pytest.mark.parametrize("number", ["ABCDEF", "A" * 32, "STU_2509-01", "0719141034-6418"])
def test_valid_numbers(number: str) -> None:
    assert order_numbers.validate(number) == number


@pytest.mark.parametrize("prefix", ["", "TOOLONG", "S-1"])
def test_bad_prefixes(prefix: str) -> None:
    with pytest.raises(ValueError):
        order_numbers.make(prefix)
