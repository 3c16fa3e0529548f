"""Amounts as the association's documents write them: in figures (4,299.00元) and in words (大写金额)."""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ["", "拾", "佰", "仟"]
GROUPS = ["", "万", "亿", "万亿"]


def amount_in_words(amount) -> str:
    """人民币肆仟贰佰玖拾玖元整 — the capital-figure amount of the payment rules (支付结算办法 附一).

    Steps: round to the fen; write the yuan in groups of four digits (个, 万, 亿), a 零 standing for any run of
    zeros between two non-zero digits (also across groups), the group's name after every non-zero group; then 角
    and 分: 整 after 元 when there are none, 零 between 元 and 分 when the 角 is zero and the yuan are not.
    """
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("a negative amount has no words")
    fen_total = int(value * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    words = _yuan(yuan)
    if yuan:
        words += "元"
    if not jiao and not fen:
        return f"人民币{words or '零元'}整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    return f"人民币{words}"


def _yuan(yuan: int) -> str:
    if not yuan:
        return ""
    groups = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    words, pending_zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            pending_zero = bool(words)
            continue
        if words and (pending_zero or group < 1000):
            words += "零"
        words += _group(group) + GROUPS[index]
        pending_zero = False
    return words


def _group(number: int) -> str:
    """One group of up to four digits, without its leading zeros."""
    words, zero = "", False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit:
            if zero:
                words += "零"
            words += DIGITS[digit] + UNITS[position]
            zero = False
        elif words:
            zero = True
    return words


def amount_in_figures(amount) -> str:
    """4,299.00元"""
    return f"{Decimal(str(amount)):,.2f}元"
