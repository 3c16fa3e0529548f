from decimal import Decimal

import pytest

from core.money import amount_in_figures, amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "人民币零元整"),
        (Decimal("0.5"), "人民币伍角"),
        (Decimal("0.05"), "人民币伍分"),
        (Decimal("10.05"), "人民币壹拾元零伍分"),
        (Decimal("10.50"), "人民币壹拾元伍角"),
        (4299, "人民币肆仟贰佰玖拾玖元整"),
        (1005, "人民币壹仟零伍元整"),
        (100000, "人民币壹拾万元整"),
        (Decimal("156800.00"), "人民币壹拾伍万陆仟捌佰元整"),
        (100500, "人民币壹拾万零伍佰元整"),
        (10010000, "人民币壹仟零壹万元整"),
        (100000001, "人民币壹亿零壹元整"),
        (Decimal("12345.67"), "人民币壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("3.999", "人民币肆元整"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_negative_amount_is_refused():
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1"))


def test_amount_in_figures():
    assert amount_in_figures(Decimal("4299")) == "4,299.00元"
