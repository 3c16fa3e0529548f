"""What the mediator should know about returning, exchanging and repairing the goods: a short, sourced table (data),
and the dates it gives counted from the date of purchase (the receipt of the goods may be later: the mediator
checks it).

Sources: 消费者权益保护法 arts. 24–25 (2013); 网络购买商品七日无理由退货暂行办法 (2017); 家用汽车产品修理更换退货
责任规定 (2021, 总局令第43号); 部分商品修理更换退货责任规定 (1995). Where this table could not check an article's
number against a stored text it says so in ``checked``; the rule's content is as the issue and domain.md state it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .choices import GOODS_CATEGORIES, Category

CONSUMER_LAW = "《中华人民共和国消费者权益保护法》"
CAR_RULES = "《家用汽车产品修理更换退货责任规定》"
PARTS_RULES = "《部分商品修理更换退货责任规定》"


@dataclass(frozen=True)
class ReturnRule:
    key: str
    categories: tuple  # the Category values it applies to
    rule_zh: str
    days: int | None  # counted from purchase; None: no fixed period (a condition, e.g. 2 failed repairs)
    article: str
    remote_sales_only: bool = False
    exceptions_zh: str = ""
    checked: bool = True  # the article number was checked against a stored text


GOODS = tuple(c.value for c in GOODS_CATEGORIES)

RETURN_RULES = [
    ReturnRule(
        "quality_return_7", GOODS,
        "商品不符合质量要求、没有国家规定和当事人约定的，消费者可以自收到商品之日起七日内退货；七日后符合法定解除合同"
        "条件的可以及时退货，不符合的可以要求更换、修理",
        7, f"{CONSUMER_LAW}第二十四条第一款",
    ),
    ReturnRule(
        "remote_no_reason_7", GOODS,
        "采用网络、电视、电话、邮购等方式销售的商品，消费者有权自收到商品之日起七日内退货，且无需说明理由",
        7, f"{CONSUMER_LAW}第二十五条第一款；《网络购买商品七日无理由退货暂行办法》", remote_sales_only=True,
        exceptions_zh="（一）消费者定作的；（二）鲜活易腐的；（三）在线下载或者消费者拆封的音像制品、计算机软件等数字化"
        "商品；（四）交付的报纸、期刊（第二十五条第一款）",
    ),
    ReturnRule(
        "car_7", (Category.VEHICLES,),
        "家用汽车自三包有效期起算之日起七日内，因质量问题需要更换发动机、变速器、动力蓄电池、行驶驱动电机或其主要零部件"
        "的，消费者可选择免费更换或者退货",
        7, CAR_RULES, checked=False,
    ),
    ReturnRule(
        "car_60", (Category.VEHICLES,),
        "六十日内或行驶三千公里内（以先到者为准），因质量问题出现转向系统失效、制动系统失效、车身开裂、燃油泄漏或者动力"
        "蓄电池起火的，消费者可选择免费更换或者退货",
        60, CAR_RULES, checked=False,
    ),
    ReturnRule(
        "car_two_repairs", (Category.VEHICLES,),
        "三包有效期内，因严重安全性能故障累计修理2次仍未排除或者又出现新的严重安全性能故障的，消费者可选择更换或者退货",
        None, f"{CAR_RULES}第二十四条", checked=False,
    ),
    ReturnRule(
        "car_30_days_repairs", (Category.VEHICLES,),
        "三包有效期内，因质量问题累计修理时间超过30日，或者因同一质量问题累计修理超过4次的，消费者可选择更换",
        None, CAR_RULES, checked=False,
    ),
    ReturnRule(
        "appliance_7_15", (Category.HOUSEHOLD_APPLIANCES,),
        "列入三包目录的家电自售出之日起七日内发生性能故障的，可选择退货、换货或者修理；十五日内可选择换货或者修理；"
        "三包有效期内修理两次仍不能正常使用的，可凭修理记录更换或者退货",
        7, PARTS_RULES, checked=False,
    ),
]


def rules_for_case(case, today: date) -> list[dict]:
    """The rules of the table that may apply to the case's goods, each with the last day counted from the purchase
    and whether it has passed (no purchase date: the days only)."""
    rows = []
    for rule in RETURN_RULES:
        if case.category not in rule.categories:
            continue
        until = case.purchased_on + timedelta(days=rule.days) if (rule.days and case.purchased_on) else None
        rows.append({
            "rule": rule,
            "until": until,
            "status": (
                "" if until is None
                else str(_("until %(day)s") % {"day": formats.localize(until)}) if until >= today
                else str(_("passed on %(day)s") % {"day": formats.localize(until)})
            ),
        })
    return rows
