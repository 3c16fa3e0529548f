"""Fixed vocabularies of the domain (domain.md). Codes are stable; labels are translated."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted (awaiting screening)")
    ACCEPTED = "accepted", _("Accepted (filed)")
    REJECTED = "rejected", _("Rejected (not admissible)")
    TRANSFERRED = "transferred", _("Transferred to business")
    REPLIED = "replied", _("Business replied")
    MEDIATING = "mediating", _("Mediating")
    APPRAISAL = "appraisal", _("Under appraisal")
    RESOLVED = "resolved", _("Resolved")
    TERMINATED = "terminated", _("Mediation terminated")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")


# States in which the case is still being handled (the consumer may withdraw; deadlines run).
OPEN_STATES = [
    CaseState.SUBMITTED,
    CaseState.ACCEPTED,
    CaseState.TRANSFERRED,
    CaseState.REPLIED,
    CaseState.MEDIATING,
    CaseState.APPRAISAL,
]
# Open states after filing: the handling deadline applies to these.
HANDLING_STATES = OPEN_STATES[1:]
# Filed cases still without agreement whose mediation time limit runs (appraisal pauses it).
MEDIATION_LIMIT_STATES = [CaseState.ACCEPTED, CaseState.TRANSFERRED, CaseState.REPLIED, CaseState.MEDIATING]


class Channel(models.TextChoices):
    ONLINE = "online", _("Online form")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    WALK_IN = "walk_in", _("Walk-in")
    TRANSFERRED_IN = "transferred_in", _("Transferred from another body (e.g. 12315)")


class Nature(models.TextChoices):
    AFTER_SALES = "after_sales", _("After-sales service")
    CONTRACT = "contract", _("Contract")
    QUALITY = "quality", _("Quality")
    PRICE = "price", _("Price")
    FALSE_ADVERTISING = "false_advertising", _("False advertising")
    SAFETY = "safety", _("Safety")
    COUNTERFEIT = "counterfeit", _("Counterfeit")
    DIGNITY = "dignity", _("Personal dignity / personality rights")
    MEASUREMENT = "measurement", _("Measurement")
    OTHER = "other", _("Other")


class Category(models.TextChoices):
    HOUSEHOLD_APPLIANCES = "household_appliances", _("Household electronics and appliances")
    VEHICLES = "vehicles", _("Vehicles and parts")
    FOOD = "food", _("Food")
    CLOTHING = "clothing", _("Clothing and footwear")
    DAILY_GOODS = "daily_goods", _("Daily goods")
    HOUSING = "housing", _("Housing and building materials")
    COSMETICS = "cosmetics", _("Cosmetics")
    EDUCATION = "education", _("Education and training services")
    INTERNET = "internet", _("Internet services")
    TELECOM = "telecom", _("Telecommunication services")
    LIFESTYLE = "lifestyle", _("Lifestyle and social services")
    MEDICAL = "medical", _("Medical services")
    TRAVEL = "travel", _("Travel services")
    FINANCE = "finance", _("Financial services")
    TRANSPORT = "transport", _("Transport services")
    OTHER = "other", _("Other")


# The two tables of 中消协's reports: goods (商品大类) and services (服务大类); "other" is in neither.
GOODS_CATEGORIES = [
    Category.HOUSEHOLD_APPLIANCES, Category.VEHICLES, Category.FOOD, Category.CLOTHING, Category.DAILY_GOODS,
    Category.HOUSING, Category.COSMETICS,
]
SERVICE_CATEGORIES = [
    Category.EDUCATION, Category.INTERNET, Category.TELECOM, Category.LIFESTYLE, Category.MEDICAL, Category.TRAVEL,
    Category.FINANCE, Category.TRANSPORT,
]


class Remedy(models.TextChoices):
    """The one remedy vocabulary: what the consumer demands (Case.demand_type), what the business offers
    (BusinessReply.remedy), what the agreement records (RemedyLine.kind) and how the documents name it (the
    zh-hans label)."""

    REFUND = "refund", _("Refund")
    RETURN = "return", _("Return of goods")
    REPLACEMENT = "replacement", _("Replacement")
    REPAIR = "repair", _("Repair")
    COMPENSATION = "compensation", _("Compensation")
    # Punitive damages (加倍赔偿): the increased compensation of 消法 art. 55 (fraud) and 食品安全法 art. 148 (food
    # not meeting food-safety standards); cases.claims computes what the law gives.
    PUNITIVE_CONSUMER_LAW = "punitive_55", _("Punitive damages (Consumer Protection Law art. 55)")
    PUNITIVE_FOOD_SAFETY = "punitive_148", _("Punitive damages (Food Safety Law art. 148)")
    APOLOGY = "apology", _("Apology")
    OTHER = "other", _("Other")


# Punitive damages (加倍赔偿): counted and summed apart from refunds and compensation (中消协's reports do).
PUNITIVE_REMEDIES = frozenset({Remedy.PUNITIVE_CONSUMER_LAW, Remedy.PUNITIVE_FOOD_SAFETY})
# Remedies that are money paid to the consumer: an offer or an agreement line of these states its amount.
MONEY_REMEDIES = frozenset({Remedy.REFUND, Remedy.COMPENSATION, *PUNITIVE_REMEDIES})


def remedy_zh(value: str) -> str:
    """The remedy as the association's documents name it, whatever the language of the person issuing them."""
    with translation.override("zh-hans"):
        return str(Remedy(value).label)


class DisputeChannel(models.TextChoices):
    """The channels of 消费者权益保护法 art. 39 a rejection or termination points the consumer to."""

    SETTLE_WITH_BUSINESS = "settle", _("Settle directly with the business")
    ASSOCIATION_MEDIATION = "association", _("Mediation by the consumer association")
    ADMINISTRATIVE = "administrative", _("Complaint to the administrative department (12315)")
    ARBITRATION = "arbitration", _("Arbitration")
    COURT = "court", _("Lawsuit in a people's court")
    NONE = "none", _("No further channel")


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Waiting for the consumer's supplementary material")
    APPRAISAL = "appraisal", _("Appraisal")


class ReminderStep(models.TextChoices):
    """The steps of the reminder ladders (domain.md, "Deadlines and reminders"); cases.ladder says when each is due."""

    ACCEPTANCE_SOON = "acceptance_soon", _("Acceptance decision due soon (mediator)")
    ACCEPTANCE_OVERDUE = "acceptance_overdue", _("Acceptance decision overdue (mediator)")
    # The business's ladder: its answer date on the transfer sheet.
    BUSINESS_REMINDER = "business_reminder", _("Reminder to the business before its answer date")
    FIRST_URGE = "first_urge", _("Answer overdue: first urging notice")
    SECOND_URGE = "second_urge", _("Answer still overdue: second urging notice")
    # The association's ladder: the handling deadline.
    DUE_TODAY = "due_today", _("Due today (mediator)")
    HANDLING_OVERDUE = "handling_overdue", _("Handling overdue (mediator)")
    SUPERVISOR_QUEUE = "supervisor_queue", _("Still overdue: supervisors' queue")
    ESCALATION_CANDIDATE = "escalation_candidate", _("Long overdue: escalation candidate")
    MEDIATION_LIMIT = "mediation_limit", _("Mediation time limit reached")


class DayUnit(models.TextChoices):
    """How a period of a rule set counts (domain.md, "Deadlines"): calendar days rolled off a rest day, or
    official working days."""

    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class PeriodKind(models.TextChoices):
    """The periods cases.deadlines computes; each rule set gives every one of them with its article."""

    ACCEPTANCE = "acceptance", _("Acceptance decision")
    HANDLING = "handling", _("Handling deadline")
    ANSWER = "answer", _("Business's answer")
    MEDIATION = "mediation", _("Mediation time limit")
