"""What the law gives: the statutory amount of punitive damages (加倍赔偿) for a price paid and a loss.

Shown to the mediator as the law's figure, not as advice (the facts — fraud, food not meeting the standards — are
for the mediator and, failing agreement, a court):
- 消费者权益保护法 art. 55(1): for fraud, increased compensation of three times the price of the goods or the fee of
  the service; at least 500 元 (法律另有规定的，依照其规定);
- 食品安全法 art. 148(2): for food not meeting food-safety standards, ten times the price or three times the loss;
  at least 1,000 元 (labels and instructions with flaws that neither affect safety nor mislead excepted).
"""

from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from .choices import Remedy

CENT = Decimal("0.01")


class Statutory(NamedTuple):
    amount: Decimal
    rule: str  # how it was computed, in words
    article: str


def statutory_punitive(kind: str, *, price: Decimal | None, loss: Decimal | None = None) -> Statutory | None:
    """The punitive damages the law gives for ``kind`` (a punitive Remedy) on ``price`` (and ``loss``, food only);
    None for another kind or without a price."""
    if price is None or kind not in (Remedy.PUNITIVE_CONSUMER_LAW, Remedy.PUNITIVE_FOOD_SAFETY):
        return None
    price = Decimal(price)
    if kind == Remedy.PUNITIVE_CONSUMER_LAW:
        amount = max(price * 3, Decimal("500"))
        return Statutory(
            amount.quantize(CENT), str(_("3 × the price, at least 500 yuan")),
            "《中华人民共和国消费者权益保护法》第五十五条第一款",
        )
    amount = max(price * 10, Decimal(loss or 0) * 3, Decimal("1000"))
    return Statutory(
        amount.quantize(CENT), str(_("10 × the price or 3 × the loss, at least 1,000 yuan")),
        "《中华人民共和国食品安全法》第一百四十八条第二款",
    )
