"""The case record and its state machine (domain.md, "The case lifecycle").

Transitions change fields only; what else happens (numbering, notices, the audit reason) is in services.py.
"""

from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from core.association import association
from core.audit import require_text
from core.text import one_line

from .choices import (
    HANDLING_STATES,
    OPEN_STATES,
    CaseState,
    Category,
    Channel,
    DayUnit,
    DisputeChannel,
    Nature,
    PauseKind,
    PeriodKind,
    Remedy,
    ReminderStep,
)
from .ladder import FIELDS as LADDER_FIELDS
from .masking import mask_id_number, mask_phone
from .validators import stored_name, validate_evidence_file

S = CaseState


def _clean_names(instance, fields):
    """Names and addresses as stored: no control characters or line breaks, whatever form or service they came
    through (a control character once made the Excel exports fail for the whole period)."""
    for name in fields:
        value = getattr(instance, name)
        if value:
            setattr(instance, name, one_line(value))


class Consumer(models.Model):
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consumer")
        verbose_name_plural = _("consumers")
        indexes = [
            # Search by name (exact or beginning, cases.search) and the duplicate check by ID number. Any part of
            # the phone: a trigram index on PostgreSQL (migration 0012).
            models.Index(fields=["name"], name="consumer_name_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["id_number"], name="consumer_id_number_idx"),
        ]
        permissions = [("view_consumer_id_number", _("Can read consumers' ID numbers in full"))]

    def __str__(self):
        return f"{self.name} ({self.masked_phone})"

    def save(self, *args, **kwargs):
        _clean_names(self, ["name", "phone", "id_number", "address"])
        super().save(*args, **kwargs)

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)


class Region(models.Model):
    """An area of responsibility (e.g. a district); businesses belong to one, and the figures filter by it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Business(models.Model):
    name = models.CharField(_("name"), max_length=200, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=255)
    # db_default: rows written by raw SQL (benchmarks, bulk inserts) need not name the column
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True, db_default="")
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="businesses",
        verbose_name=_("region"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="businesses",
        verbose_name=_("portal users"),
        help_text=_("Users who answer transfer sheets for this business in the portal."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The portal users are in the history too: who gave whom access to a business's sheets, and when.
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["name"]
        permissions = [("manage_business_members", _("Can choose the portal users of a business"))]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        _clean_names(self, ["name", "credit_code", "address", "contact_person", "phone"])
        super().save(*args, **kwargs)


class GroundSource(models.TextChoices):
    ACCEPTANCE_RULES = "acceptance_rules", _("Complaint-acceptance rules")
    ASSOCIATION_PRACTICE = "association_practice", _("Consumer-association practice")
    ADMIN_RULES_ART15 = "admin_rules_art15", _("Administrative complaint rules, art. 15")
    ADMIN_RULES_ART21 = "admin_rules_art21", _("Administrative complaint rules, art. 21")
    MEDIATION_RULES = "mediation_rules", _("Mediation rules")
    LOCAL = "local", _("Local rule")


class GroundCheck(models.TextChoices):
    """What must be true of the case for a ground to be cited (checked by the service that cites it)."""

    NONE = "", _("No check")
    PAST_MEDIATION_LIMIT = "past_mediation_limit", _("The mediation time limit has passed")
    APPRAISAL_IN_DISPUTE = "appraisal_in_dispute", _("An appraisal is under way or being arranged")
    AFTER_ACCEPTANCE = "after_acceptance", _("The complaint was accepted")


class Ground(models.Model):
    """A reason from a fixed list; data, editable by supervisors, deactivated rather than deleted once used.

    A row a notice has quoted is never rewritten: a correction deactivates it and adds a new row (new code)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    label_zh = models.CharField(_("label (Chinese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    source = models.CharField(_("source"), max_length=30, choices=GroundSource.choices)
    article = models.CharField(
        _("article"), max_length=200, blank=True, help_text=_("The exact provision, e.g. 《…暂行办法》第十五条第（四）项.")
    )
    fact_check = models.CharField(
        _("requires"), max_length=30, choices=GroundCheck.choices, blank=True, default=GroundCheck.NONE,
    )
    advised_channel = models.CharField(
        _("advised channel"), max_length=20, choices=DisputeChannel.choices, default=DisputeChannel.COURT
    )
    advice_zh = models.TextField(_("advice to the consumer (Chinese)"), blank=True)
    advice_en = models.TextField(_("advice to the consumer (English)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.code} {self.label}"

    def clean(self):
        # The consumer came to this association: pointing them back to it is no advice (消法 art. 39 lists others).
        if self.advised_channel == DisputeChannel.ASSOCIATION_MEDIATION:
            raise ValidationError(
                {"advised_channel": _("Advise a channel other than this association's own mediation.")}
            )

    @property
    def label(self):
        return self.label_en if translation.get_language() == "en" else self.label_zh

    @property
    def advice(self):
        return self.advice_en if translation.get_language() == "en" else self.advice_zh

    def refusal(self, case, *, today, appraisal_open: bool = False) -> str:
        """Why this ground cannot be cited on ``case`` now ("" if it can): inactive, or its fact check fails
        (``appraisal_open``: an appraisal request of the case is still open, mediation.AppraisalRequest)."""
        if not self.is_active:
            return _("The ground %(code)s is no longer in use; choose a current one.") % {"code": self.code}
        if self.fact_check == GroundCheck.PAST_MEDIATION_LIMIT and not (
            case.mediation_due_on is not None and case.mediation_due_on < today
        ):
            return _(
                "Ground %(code)s needs the mediation time limit to have passed; it ends on %(day)s."
            ) % {"code": self.code, "day": case.mediation_due_on or "—"}
        if self.fact_check == GroundCheck.APPRAISAL_IN_DISPUTE and not (
            appraisal_open or case.state == CaseState.APPRAISAL
        ):
            return _(
                "Ground %(code)s is for a dispute over the appraisal body or its fee; this case has no appraisal "
                "under way."
            ) % {"code": self.code}
        if self.fact_check == GroundCheck.AFTER_ACCEPTANCE and case.filed_on is None:
            return _("Ground %(code)s applies only after the complaint was accepted.") % {"code": self.code}
        return ""


class RejectionGround(Ground):
    history = HistoricalRecords()

    class Meta(Ground.Meta):
        verbose_name = _("rejection ground")
        verbose_name_plural = _("rejection grounds")


class TerminationGround(Ground):
    history = HistoricalRecords()

    class Meta(Ground.Meta):
        verbose_name = _("termination ground")
        verbose_name_plural = _("termination grounds")


class RulePeriod(NamedTuple):
    """One period of a rule set, as cases.deadlines counts it."""

    kind: str
    days: int
    unit: str
    excludes_appraisal: bool
    article: str
    extension_days: int = 0
    extension_article: str = ""

    @property
    def working_days(self) -> bool:
        return self.unit == DayUnit.WORKING


# The columns a rule set's periods are made of: frozen once a case was accepted under it (RuleSet.save).
RULE_PERIOD_FIELDS = [
    "acceptance_days", "acceptance_unit", "acceptance_article",
    "handling_days", "handling_unit", "handling_excludes_appraisal", "handling_article",
    "answer_days", "answer_unit", "answer_article",
    "mediation_days", "mediation_unit", "mediation_excludes_appraisal", "mediation_article",
    "extension_days", "extension_article",
]


def _days_field(label):
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(1)])


def _unit_field(label, default=DayUnit.CALENDAR):
    return models.CharField(label, max_length=10, choices=DayUnit.choices, default=default)


class RuleSet(models.Model):
    """The rules an association follows, from a date (domain.md, "Deadlines"): every period cases.deadlines
    computes, each with its unit and the article it comes from.

    Data, editable by supervisors, audited. A case keeps the rule set it was accepted under (Case.rule_set), so
    a rule set some case was accepted under is frozen: its periods cannot change and it cannot be deleted (new
    rules are a new rule set with a later effective date, which applies to cases accepted from that date on).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    law = models.CharField(_("source (law or rule)"), max_length=200)
    law_date = models.CharField(
        _("source dated"), max_length=200, help_text=_("Adopted, amended, in force — as the source states it.")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="rule_sets", verbose_name=_("region"),
        help_text=_("Empty: applies to the whole association; else only to businesses of this region."),
    )
    effective_from = models.DateField(_("effective from"), help_text=_("Cases accepted on or after this date."))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    is_active = models.BooleanField(
        _("followed by the association"), default=False,
        help_text=_("Only rule sets the association follows apply to new cases."),
    )
    acceptance_days = _days_field(_("acceptance decision: days"))
    acceptance_unit = _unit_field(_("acceptance decision: unit"), DayUnit.WORKING)
    acceptance_article = models.CharField(_("acceptance decision: article"), max_length=200)
    handling_days = _days_field(_("handling: days"))
    handling_unit = _unit_field(_("handling: unit"))
    handling_excludes_appraisal = models.BooleanField(_("handling: appraisal time excluded"), default=True)
    handling_article = models.CharField(_("handling: article"), max_length=200)
    answer_days = _days_field(_("business's answer: days"))
    answer_unit = _unit_field(_("business's answer: unit"))
    answer_article = models.CharField(_("business's answer: article"), max_length=200)
    mediation_days = _days_field(_("mediation limit: days"))
    mediation_unit = _unit_field(_("mediation limit: unit"), DayUnit.WORKING)
    mediation_excludes_appraisal = models.BooleanField(_("mediation limit: appraisal time excluded"), default=True)
    mediation_article = models.CharField(_("mediation limit: article"), max_length=200)
    extension_days = models.PositiveSmallIntegerField(
        _("mediation extension by both parties' consent: days"), default=0, help_text=_("0: no extension.")
    )
    extension_article = models.CharField(_("mediation extension: article"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["-effective_from", "code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self._refuse_changes_in_use()
        super().save(*args, **kwargs)

    def clean(self):
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("The end cannot come before the start.")})
        if self.extension_days and not self.extension_article:
            raise ValidationError({"extension_article": _("Cite the article that allows the extension.")})
        self._refuse_changes_in_use()

    def _refuse_changes_in_use(self):
        if self.pk is not None and self.in_use:
            stored = type(self).objects.filter(pk=self.pk).values(*RULE_PERIOD_FIELDS, "effective_from").get()
            changed = [name for name, value in stored.items() if getattr(self, name) != value]
            if changed:
                raise ValidationError(
                    _(
                        "Cases were accepted under “%(rules)s”: its periods and start date cannot change. Enter the "
                        "new rules as a new rule set with a later effective date."
                    )
                    % {"rules": self.name},
                    code="rule_set_in_use",
                )

    def period(self, kind) -> RulePeriod:
        kind = PeriodKind(kind)
        prefix = kind.value
        extension = (self.extension_days, self.extension_article) if kind == PeriodKind.MEDIATION else (0, "")
        return RulePeriod(
            kind=kind,
            days=getattr(self, f"{prefix}_days"),
            unit=getattr(self, f"{prefix}_unit"),
            excludes_appraisal=getattr(self, f"{prefix}_excludes_appraisal", True),
            article=getattr(self, f"{prefix}_article"),
            extension_days=extension[0],
            extension_article=extension[1],
        )

    def citation(self, kind) -> str:
        """How the case page and documents cite the period: its article as entered (e.g. 《市场监督管理投诉举报处理
        暂行办法》第二十一条第（五）项)."""
        return self.period(kind).article

    @property
    def in_use(self) -> bool:
        return self.pk is not None and self.cases.filter(filed_on__isnull=False).exists()


class Sequence(models.Model):
    """Gap-free counters per prefix and year (case numbers, transfer sheets, urging notices)."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="sequence_prefix_year_uniq")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


# --- transition permissions and conditions --------------------------------------------------------


def can_record_reply(case, user):
    """Staff record an answer received offline; a business user answers only for its own business."""
    if user.has_perm("cases.mediate_case"):
        return True
    return case.business_id is not None and case.business.members.filter(pk=user.pk).exists()


def _condition(message, *, hides_action=False):
    """A transition condition with the message shown when it fails. `hides_action`: while it fails, the
    action's button is not offered at all (conditions on the action's own arguments never hide it)."""

    def wrap(func):
        func.message = message
        func.hides_action = hides_action
        return func

    return wrap


@_condition(_("The complaint lacks required material (consumer contact, business, goods, facts, demand)."))
def is_complete(case):
    return not case.missing_material()


@_condition(_("The case is waiting for the consumer's supplementary material."), hides_action=True)
def not_waiting_for_supplement(case):
    return case.pause_kind != PauseKind.SUPPLEMENT


@_condition(_("Choose at least one rejection ground."))
def has_rejection_ground(case):
    return case.pk is not None and case.rejection_grounds.exists()


@_condition(_("The business is not identified."))
def has_business(case):
    return case.business_id is not None


@_condition(_("Assign a mediator first."))
def has_mediator(case):
    return case.mediator_id is not None


class Case(ConcurrentTransitionMixin, models.Model):
    state = FSMField(
        _("state"), default=S.SUBMITTED, choices=S.choices, protected=True, max_length=20, db_index=True
    )
    number = models.CharField(_("case number"), max_length=20, unique=True, null=True, blank=True)
    channel = models.CharField(_("channel of receipt"), max_length=20, choices=Channel.choices)
    nature = models.CharField(_("nature of complaint"), max_length=20, choices=Nature.choices)
    category = models.CharField(_("goods/services category"), max_length=30, choices=Category.choices)
    consumer = models.ForeignKey(
        Consumer, on_delete=models.PROTECT, related_name="cases", verbose_name=_("consumer")
    )
    business = models.ForeignKey(
        Business,
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
        verbose_name=_("business complained about"),
    )
    product = models.CharField(_("goods or service"), max_length=200)
    purchased_on = models.DateField(_("date of purchase"), null=True, blank=True)
    amount_paid = models.DecimalField(
        _("amount paid (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    facts = models.TextField(_("facts"))
    demand_type = models.CharField(_("type of demand"), max_length=20, choices=Remedy.choices)
    demand = models.TextField(_("demand"))
    amount_claimed = models.DecimalField(
        _("amount claimed (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # A 举报 (report of a violation) filed with the complaint is a separate matter (暂行办法 art. 7): recorded apart
    # and referred to the regulator (cases.services.case_report_refer); the complaint goes its own way.
    report_text = models.TextField(
        _("report (举报) filed with the complaint"), blank=True, default="", db_default="",
        help_text=_("A violation the consumer reports for the regulator to investigate; handled apart from the complaint."),
    )
    report_referred_to = models.CharField(
        _("report referred to"), max_length=200, blank=True, default="", db_default=""
    )
    report_referred_on = models.DateField(_("report referred on"), null=True, blank=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("mediator in charge"),
        limit_choices_to={"groups__name__in": ["mediator", "supervisor"]},
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    # A complaint forwarded by another body (12315, 12345) records where it came from and its id there.
    source_reference = models.CharField(
        _("forwarded from"), max_length=100, blank=True, default="", db_default="", help_text=_("The forwarding body and its id, e.g. 12315 · 1101052026…")
    )
    # Online complaints: the consumer's receipt carries a secret for the tracking page; only its hash is kept.
    tracking_secret_hash = models.CharField(
        _("tracking secret (SHA-256)"), max_length=64, blank=True, editable=False
    )
    acceptance_due_on = models.DateField(_("acceptance decision due"), null=True, blank=True)
    filed_on = models.DateField(_("filing date"), null=True, blank=True)
    # Every due date the case has, set by the services through cases.deadlines.case_due_dates (and nothing else):
    # counted from each period's start, with every pause (CasePause) left out.
    due_on = models.DateField(_("handling due"), null=True, blank=True)
    answer_due_on = models.DateField(
        _("business's answer due"),
        null=True,
        blank=True,
        help_text=_("The answer date on the transfer sheet; reminders and urging notices to the business key on it."),
    )
    pause_kind = models.CharField(_("clock paused for"), max_length=20, choices=PauseKind.choices, blank=True)
    paused_on = models.DateField(_("paused since"), null=True, blank=True)
    mediation_due_on = models.DateField(
        _("mediation time limit"), null=True, blank=True, help_text=_("Counted from filing (受理) by the case's rule set.")
    )
    # The rules the case is counted by: the rule set in force on receipt until acceptance, then the one in force on
    # the filing date, kept for good (a later rule set applies to cases accepted after it).
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("rule set"),
    )
    # db_default: rows inserted in bulk by SQL (benchmarks, core.bulk) get the value without naming the column.
    mediation_extended_days = models.PositiveSmallIntegerField(
        _("mediation extended by consent (days)"), default=0, db_default=0,
        help_text=_("Set by the extension action only, with both parties' consent recorded (MediationExtension)."),
    )
    deadlines_provisional = models.BooleanField(
        _("due dates provisional"),
        default=False,
        help_text=_(
            "A due date was computed for a year without the official holiday notice (statutory holidays assumed); "
            "it is recomputed when the year's calendar is entered."
        ),
    )

    # The reminder ladders (cases.ladder keeps these up to date on every save through the services; the sweep in
    # reminders.services takes the steps). The *_since/_on flags are read by supervisors' views and escalation.
    reminder_stage = models.CharField(
        _("last reminder step"), max_length=24, choices=ReminderStep.choices, blank=True
    )
    reminder_stage_due_on = models.DateField(_("deadline of the last reminder step"), null=True, blank=True)
    reminder_stage_on = models.DateField(_("last reminder step taken on"), null=True, blank=True)
    answer_reminder_stage = models.CharField(
        _("last reminder step to the business"), max_length=24, choices=ReminderStep.choices, blank=True
    )
    answer_reminder_stage_due_on = models.DateField(
        _("answer date of the last reminder step to the business"), null=True, blank=True
    )
    answer_reminder_stage_on = models.DateField(
        _("last reminder step to the business taken on"), null=True, blank=True
    )
    next_reminder_on = models.DateField(_("next reminder due"), null=True, blank=True)
    supervisor_queue_since = models.DateField(_("in the supervisors' queue since"), null=True, blank=True)
    escalation_candidate_since = models.DateField(_("escalation candidate since"), null=True, blank=True)
    mediation_limit_reached_on = models.DateField(_("mediation time limit reached on"), null=True, blank=True)

    rejection_grounds = models.ManyToManyField(
        RejectionGround, through="CaseRejectionGround", blank=True, verbose_name=_("rejection grounds")
    )
    rejection_explanation = models.TextField(_("rejection explanation"), blank=True)
    decided_on = models.DateField(_("screening decided on"), null=True, blank=True)

    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    reply_summary = models.TextField(_("business reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    agreement_terms = models.TextField(_("agreement terms"), blank=True)
    money_recovered = models.DecimalField(
        _("money recovered (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # 履行: what the agreement says and whether it was carried out (mediation.services.performance).
    performance_due_on = models.DateField(_("performance due on"), null=True, blank=True)
    performance_manner = models.CharField(_("manner of performance"), max_length=300, blank=True, db_default="")
    performed_on = models.DateField(_("performed on"), null=True, blank=True)
    performance_confirmed_by = models.CharField(
        _("performance confirmed by"), max_length=20, blank=True, db_default=""
    )
    money_paid = models.DecimalField(
        _("money actually paid (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    performance_reminded_on = models.DateField(_("performance reminder sent on"), null=True, blank=True)
    # 加倍赔偿: the part of the money recovered that is punitive damages (消法 art. 55, 食品安全法 art. 148), the sum
    # of the agreement's punitive lines (mediation.RemedyLine); 中消协's reports count and sum it apart.
    punitive_damages = models.DecimalField(
        _("punitive damages (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    termination_ground = models.ForeignKey(
        TerminationGround,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("termination ground"),
    )
    advised_channel = models.CharField(
        _("advised channel"), max_length=20, choices=DisputeChannel.choices, blank=True
    )
    termination_explanation = models.TextField(_("termination explanation"), blank=True)
    withdrawal_reason = models.TextField(_("withdrawal reason"), blank=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The words of the goods and the facts (jieba), kept by save() for the full-text search (cases.search).
    search_words = models.TextField(_("search words"), blank=True, default="", db_default="", editable=False)

    # The ladder fields are the sweep's bookkeeping; its record is reminders.CaseReminder (one row per step, by
    # the system user), which the audit trail shows. Kept here they would show up as changes made by whoever
    # saved the case next.
    history = HistoricalRecords(excluded_fields=[*LADDER_FIELDS, "search_words"])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at"]
        permissions = [
            ("screen_case", _("Can screen complaints (accept, reject, request material)")),
            ("transfer_case", _("Can transfer cases to businesses")),
            ("mediate_case", _("Can mediate cases and record outcomes")),
            ("withdraw_case", _("Can record a consumer's withdrawal")),
            ("close_case", _("Can close cases")),
            ("reassign_case", _("Can reassign cases to another mediator")),
        ]
        indexes = [
            # The supervisors' overdue view (reminders.selectors.overdue_cases) and the case list's deadline filter:
            # open, filed cases by due date.
            models.Index(fields=["due_on"], name="case_open_due_idx", condition=Q(state__in=HANDLING_STATES)),
            # The overdue view's summaries by mediator and by business (reminders.selectors.overdue_by_*): counted
            # from the index alone, without reading the cases.
            models.Index(
                fields=["due_on", "business", "mediator", "supervisor_queue_since"],
                name="case_overdue_summary_idx",
                condition=Q(state__in=HANDLING_STATES, pause_kind=""),
            ),
            # The deadline sweep (reminders.services.deadlines_sweep): cases whose next reminder step is due,
            # walked in (next_reminder_on, id) order. Only cases with a step scheduled are in it (cases.ladder
            # clears next_reminder_on when no ladder runs), so it is as small as the open caseload.
            models.Index(
                fields=["next_reminder_on", "id"],
                name="case_next_reminder_idx",
                condition=Q(next_reminder_on__isnull=False),
            ),
            # The screening queue: submitted cases by acceptance due date.
            models.Index(
                fields=["acceptance_due_on"],
                name="case_screening_due_idx",
                condition=Q(state=S.SUBMITTED),
            ),
            models.Index(fields=["mediator", "state"], name="case_mediator_state_idx"),
            models.Index(fields=["business", "state"], name="case_business_state_idx"),
            models.Index(fields=["received_at"], name="case_received_idx"),
            # The follow-up sweep: finished, not yet closed cases by outcome date (mediation.services).
            models.Index(
                fields=["outcome_on"],
                name="case_unclosed_outcome_idx",
                condition=Q(state__in=[S.RESOLVED, S.TERMINATED, S.WITHDRAWN]),
            ),
            # The public list: transfer sheets without an answer, per business (mediation.selectors).
            models.Index(
                fields=["business", "answer_due_on"],
                name="case_unanswered_idx",
                condition=Q(transferred_at__isnull=False, replied_at__isnull=True),
            ),
            models.Index(fields=["filed_on"], name="case_filed_idx"),
            # The workbench's counts (backoffice.workbench, cases.selectors.WORK): the open cases per mediator,
            # state, pause and due date, read from the index alone.
            models.Index(
                fields=["mediator", "state", "pause_kind", "due_on"],
                name="case_open_work_idx",
                condition=Q(state__in=OPEN_STATES),
            ),
            # The workbench's unassigned queue (cases.selectors.unassigned_cases), the oldest first: its first rows
            # off the index instead of sorting every unassigned case.
            models.Index(
                fields=["received_at", "id"],
                name="case_unassigned_idx",
                condition=Q(state__in=OPEN_STATES, mediator__isnull=True),
            ),
            # The case list's default order and its filters by state, mediator and business in that order.
            models.Index(fields=["-received_at", "-id"], name="case_list_order_idx"),
            models.Index(fields=["state", "-received_at"], name="case_state_received_idx"),
            models.Index(fields=["mediator", "-received_at"], name="case_mediator_received_idx"),
            models.Index(fields=["business", "-received_at"], name="case_business_received_idx"),
            # The statistics' "handled late" of the open cases (reports.selectors._late_open), from the index alone.
            models.Index(
                fields=["filed_on", "due_on"],
                include=["nature", "category", "business", "mediator"],
                name="case_running_filed_idx",
                condition=Q(state__in=HANDLING_STATES, pause_kind="", outcome_on__isnull=True),
            ),
            # The supervisors' queue on the workbench.
            models.Index(
                fields=["supervisor_queue_since"],
                name="case_supervisor_queue_idx",
                condition=Q(supervisor_queue_since__isnull=False, state__in=OPEN_STATES),
            ),
        ]

    def __str__(self):
        return self.number or _("Complaint #%(pk)s") % {"pk": self.pk}

    # --- what a save writes -------------------------------------------------------------------------
    # A transition saves only the columns it changed (cases.transitions.save_case), so an edit made meanwhile by
    # someone else (facts, the mediator) is never written back with the old value. The values as loaded are
    # kept to know which columns changed (Django docs, "Customizing model loading").

    def save(self, *args, **kwargs):
        self._keep_search_words(kwargs)
        super().save(*args, **kwargs)
        self._remember_values(kwargs.get("update_fields"))

    def _keep_search_words(self, kwargs):
        """The full-text words follow the goods and the facts, whichever save changes them."""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not {"product", "facts"} & set(update_fields):
            return
        from .search import text_words

        words = text_words(self.product, self.facts)
        if words != self.search_words:
            self.search_words = words
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "search_words"]

    @property
    def tracking_number(self) -> str:
        """The number the consumer tracks the case with (WS + the id), from receipt on (cases.numbering)."""
        from .numbering import tracking_number

        return tracking_number(self)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self._remember_values(fields)

    def _remember_values(self, fields=None):
        loaded = getattr(self, "_loaded_values", None)
        if loaded is None:
            loaded = self._loaded_values = {}
        for field in self._meta.concrete_fields:
            if fields is None or field.name in fields or field.attname in fields:
                loaded[field.attname] = getattr(self, field.attname)

    def changed_fields(self) -> list[str] | None:
        """The fields whose value differs from the one loaded from the database; None for a new case."""
        loaded = getattr(self, "_loaded_values", None)
        if self._state.adding or loaded is None:
            return None
        return [
            f.name
            for f in self._meta.concrete_fields
            if f.attname in loaded and getattr(self, f.attname) != loaded[f.attname]
        ]

    # --- derived ----------------------------------------------------------------------------------

    def missing_material(self):
        """The required material of domain.md ("Admissibility screening") that this complaint lacks."""
        required = {
            _("consumer's name"): self.consumer_id and self.consumer.name,
            _("consumer's phone"): self.consumer_id and self.consumer.phone,
            # 暂行办法 art. 9(1): 投诉人的姓名、电话号码、通讯地址.
            _("consumer's address"): self.consumer_id and self.consumer.address.strip(),
            _("business"): self.business_id,
            _("goods or service"): self.product,
            _("date of purchase"): self.purchased_on,
            _("amount paid"): self.amount_paid is not None,
            _("facts"): self.facts,
            _("demand"): self.demand,
        }
        agent = getattr(self, "agent", None) if self.pk else None
        if agent is not None:  # 暂行办法 art. 10: the power of attorney and the agent's proof of identity
            required[_("agent's ID number")] = agent.id_number.strip()
            required[_("power of attorney (授权委托书)")] = bool(agent.power_of_attorney)
        return [str(label) for label, present in required.items() if not present]

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return (
            self.state in HANDLING_STATES
            and self.due_on is not None
            and self.due_on < today
            and not self.pause_kind
        )

    # --- transitions (fields only) ------------------------------------------------------------------

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.ACCEPTED,
        permission="cases.screen_case",
        conditions=[is_complete, not_waiting_for_supplement],
    )
    def accept(self, *, number, filed_on, due_dates, rule_set, mediator=None):
        if self.mediator_id is None and mediator is not None:  # whoever accepts a case nobody has takes it on
            self.mediator = mediator
        self.rule_set = rule_set
        self.number = number
        self.filed_on = filed_on
        self.decided_on = filed_on
        self.set_due_dates(due_dates)

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.REJECTED,
        permission="cases.screen_case",
        conditions=[has_rejection_ground],
    )
    def reject(self, *, explanation, decided_on):
        require_text(explanation, _("Explain the rejection to the consumer."))
        self.rejection_explanation = explanation
        self.decided_on = decided_on
        self._clear_pause()

    @transition(
        field=state,
        source=S.ACCEPTED,
        target=S.TRANSFERRED,
        permission="cases.transfer_case",
        conditions=[has_business, has_mediator],
    )
    def transfer(self, *, at):
        self.transferred_at = at

    @transition(field=state, source=S.TRANSFERRED, target=S.REPLIED, permission=can_record_reply)
    def record_reply(self, *, summary, at):
        require_text(summary, _("Record what the business answered."))
        self.reply_summary = summary
        self.replied_at = at

    @transition(
        field=state,
        source=[S.ACCEPTED, S.TRANSFERRED, S.REPLIED],
        target=S.MEDIATING,
        permission="cases.mediate_case",
        conditions=[has_mediator],
    )
    def start_mediation(self):
        pass

    @transition(field=state, source=S.MEDIATING, target=S.APPRAISAL, permission="cases.mediate_case")
    def request_appraisal(self, *, on):
        self.pause_kind = PauseKind.APPRAISAL
        self.paused_on = on

    @transition(field=state, source=S.APPRAISAL, target=S.MEDIATING, permission="cases.mediate_case")
    def appraisal_done(self, *, due_dates):
        self.set_due_dates(due_dates)
        self._clear_pause()

    @transition(
        field=state, source=[S.REPLIED, S.MEDIATING], target=S.RESOLVED, permission="cases.mediate_case"
    )
    def resolve(
        self, *, terms, money_recovered, on, punitive_damages=None, performance_due_on=None, performance_manner=""
    ):
        require_text(terms, _("Record the terms of the agreement."))
        if money_recovered is None or money_recovered < 0:
            raise ValidationError(_("Record the money recovered for the consumer (0 if none)."))
        if punitive_damages is not None and punitive_damages > money_recovered:
            raise ValidationError(_("Punitive damages are part of the money recovered: they cannot exceed it."))
        if performance_due_on is not None and performance_due_on < on:
            raise ValidationError(_("The performance date cannot be before the agreement."))
        self.agreement_terms = terms
        self.money_recovered = money_recovered
        self.punitive_damages = punitive_damages
        self.outcome_on = on
        self.performance_due_on = performance_due_on
        self.performance_manner = performance_manner

    @transition(
        field=state,
        source=[S.REPLIED, S.MEDIATING, S.APPRAISAL],
        target=S.TERMINATED,
        permission="cases.mediate_case",
    )
    def terminate(self, *, ground, channel, explanation, on):
        if ground is None:
            raise ValidationError(_("Choose a termination ground."))
        require_text(channel, _("Choose the channel advised to the consumer."))
        self.termination_ground = ground
        self.advised_channel = channel
        self.termination_explanation = explanation
        self.outcome_on = on
        self._clear_pause()

    @transition(field=state, source=S.RESOLVED, target=S.MEDIATING, permission="cases.mediate_case")
    def reopen(self):
        """The agreement was not carried out: mediation resumes (mediation.services.performance). The agreement's
        terms stay on the record; the outcome date is cleared, so the follow-up window starts again later."""
        self.outcome_on = None

    @transition(field=state, source=OPEN_STATES, target=S.WITHDRAWN, permission="cases.withdraw_case")
    def withdraw(self, *, why, on):
        require_text(why, _("Record why the consumer withdrew."))
        self.withdrawal_reason = why
        self.outcome_on = on
        self._clear_pause()

    @transition(
        field=state,
        source=[S.RESOLVED, S.TERMINATED, S.WITHDRAWN],
        target=S.CLOSED,
        permission="cases.close_case",
    )
    def close(self, *, note, at):
        self.closing_note = note
        self.closed_at = at

    def transition_allowed(self, name, user) -> bool:
        """May `user` run transition `name` from the current state? Conditions are not checked here:
        (django_fsm.has_transition_perm also checks them, which would hide e.g. "reject" until grounds exist)."""
        meta = getattr(self, name)._django_fsm
        return meta.has_transition(self.state) and meta.has_transition_perm(self, self.state, user)

    def transition_offered(self, name, user) -> bool:
        """Should the action be offered to `user` now (allowed, and no hiding condition fails)?"""
        if not self.transition_allowed(name, user):
            return False
        found = getattr(self, name)._django_fsm.get_transition(self.state)
        return all(cond(self) for cond in found.conditions if getattr(cond, "hides_action", False))

    def set_due_dates(self, due_dates):
        """Take the due dates cases.deadlines.case_due_dates computed (keyed like cases.deadlines.FIELDS)."""
        for name, value in due_dates.items():
            setattr(self, name, value)

    def _clear_pause(self):
        self.pause_kind = ""
        self.paused_on = None


class CaseRejectionGround(models.Model):
    """Which grounds a rejection cited; PROTECT keeps a used ground from being deleted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rejection_ground_links")
    ground = models.ForeignKey(RejectionGround, on_delete=models.PROTECT, related_name="case_links")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cited rejection ground")
        verbose_name_plural = _("cited rejection grounds")
        constraints = [models.UniqueConstraint(fields=["case", "ground"], name="case_ground_uniq")]

    def __str__(self):
        return str(self.ground)


class CasePause(models.Model):
    """A stop of the clock (appraisal, waiting for material), with its reason; resuming extends the due date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("kind"), max_length=20, choices=PauseKind.choices)
    reason = models.TextField(_("reason"))
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        ordering = ["started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_on__isnull=True), name="one_open_pause_per_case"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"

    @property
    def days(self):
        return ((self.ended_on or timezone.localdate()) - self.started_on).days


class ConsentMethod(models.TextChoices):
    SIGNED = "signed", _("Signed statement")
    PHONE = "phone", _("By phone (recorded)")
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online / portal message")


class MediationExtension(models.Model):
    """Mediation continued past its limit with both parties' consent (e.g. 上海市消费者权益保护条例 art. 56: +30
    days). Written only by cases.services.case_mediation_extend; the limit is then counted again from filing."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="mediation_extensions")
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule set"))
    days = models.PositiveSmallIntegerField(_("days"))
    article = models.CharField(_("article"), max_length=300)
    consumer_consent_on = models.DateField(_("consumer consented on"))
    consumer_consent_method = models.CharField(_("consumer's consent"), max_length=20, choices=ConsentMethod.choices)
    business_consent_on = models.DateField(_("business consented on"))
    business_consent_method = models.CharField(_("business's consent"), max_length=20, choices=ConsentMethod.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mediation extension by consent")
        verbose_name_plural = _("mediation extensions by consent")
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return f"+{self.days} ({self.case})"


def power_of_attorney_upload_to(instance, filename):
    return stored_name(f"agents/{timezone.now():%Y/%m}/{instance.case_id}", instance.power_of_attorney_content_type)


class Agent(models.Model):
    """The consumer's agent (委托代理人) who files for them: proof of identity and the signed power of attorney
    (授权委托书) are required (暂行办法 art. 10). Written by cases.services (case_register / case_agent_set)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="agent", verbose_name=_("case"))
    name = models.CharField(_("agent's name"), max_length=100)
    id_number = models.CharField(_("agent's ID number"), max_length=30)
    phone = models.CharField(_("agent's phone"), max_length=30, blank=True)
    relationship = models.CharField(_("relationship to the consumer"), max_length=100, blank=True)
    power_of_attorney = models.FileField(
        _("power of attorney (授权委托书)"), upload_to=power_of_attorney_upload_to, max_length=255,
        validators=[validate_evidence_file],
    )
    power_of_attorney_content_type = models.CharField(max_length=100, editable=False, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agent (委托代理人)")
        verbose_name_plural = _("agents (委托代理人)")

    def __str__(self):
        return self.name

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)


def evidence_upload_to(instance, filename):
    """A random name with the extension of the type detected from the content (never the upload's name)."""
    return stored_name(f"evidence/{timezone.now():%Y/%m}/{instance.case_id}", instance.content_type)


def evidence_preview_upload_to(instance, filename):
    return f"evidence/{timezone.now():%Y/%m}/{instance.case_id}/previews/{filename}"


class Evidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_upload_to, validators=[validate_evidence_file])
    description = models.CharField(_("description"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, editable=False, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False, default=0)
    # A small PNG of a photo or of a PDF's first page, made once on upload (cases.previews).
    preview = models.FileField(_("preview"), upload_to=evidence_preview_upload_to, editable=False, blank=True)
    shared_with_business = models.BooleanField(
        _("shared with the business"), default=False, help_text=_("Shown to the business in the portal.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.description or self.file.name.rsplit("/", 1)[-1]


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("author"),
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:40]


# --- issued documents ---------------------------------------------------------------------------------


class DocumentKind(models.TextChoices):
    """Every kind of document the association issues on a case; each is numbered on its own prefix (PREFIXES)."""

    ACCEPTANCE_NOTICE = "acceptance", _("Acceptance notice")
    SUPPLEMENT_NOTICE = "supplement", _("Request for supplementary material")
    REJECTION_NOTICE = "rejection", _("Rejection notice")
    TRANSFER_SHEET = "transfer_sheet", _("Transfer sheet")
    URGING_NOTICE = "urging", _("Urging notice")
    APPRAISAL_COMMISSION = "appraisal", _("Appraisal commission")
    AGREEMENT = "agreement", _("Mediation agreement")
    SETTLEMENT_RECORD = "settlement", _("Settlement record")
    TERMINATION_NOTICE = "termination", _("Termination notice")
    CASE_FILE = "case_file", _("Case file cover and contents")

    @property
    def prefix(self) -> str:
        return DOCUMENT_PREFIXES[self]

    @property
    def title_zh(self) -> str:
        return DOCUMENT_TITLES[self]

    @property
    def abbreviation(self) -> str:
        """The kind's character in the 文号 (示消受〔2026〕第12号)."""
        return DOCUMENT_ABBREVIATIONS[self]


DOCUMENT_PREFIXES = {
    DocumentKind.ACCEPTANCE_NOTICE: "SL",
    DocumentKind.SUPPLEMENT_NOTICE: "BC",
    DocumentKind.APPRAISAL_COMMISSION: "JD",
    DocumentKind.SETTLEMENT_RECORD: "HJ",
    DocumentKind.CASE_FILE: "JZ",
    DocumentKind.REJECTION_NOTICE: "BS",
    DocumentKind.TRANSFER_SHEET: "ZB",
    DocumentKind.URGING_NOTICE: "CB",
    DocumentKind.AGREEMENT: "XY",
    DocumentKind.TERMINATION_NOTICE: "ZZ",
}
DOCUMENT_TITLES = {
    DocumentKind.ACCEPTANCE_NOTICE: "受理通知书",
    DocumentKind.SUPPLEMENT_NOTICE: "补充材料通知书",
    DocumentKind.APPRAISAL_COMMISSION: "鉴定委托书",
    DocumentKind.SETTLEMENT_RECORD: "和解记录",
    DocumentKind.CASE_FILE: "投诉案件卷宗",
    DocumentKind.REJECTION_NOTICE: "不予受理告知书",
    DocumentKind.TRANSFER_SHEET: "消费者投诉转办单",
    DocumentKind.URGING_NOTICE: "催办通知书",
    DocumentKind.AGREEMENT: "调解协议书",
    DocumentKind.TERMINATION_NOTICE: "终止调解告知书",
}
DOCUMENT_ABBREVIATIONS = {
    DocumentKind.ACCEPTANCE_NOTICE: "受",
    DocumentKind.SUPPLEMENT_NOTICE: "补",
    DocumentKind.REJECTION_NOTICE: "不受",
    DocumentKind.TRANSFER_SHEET: "转",
    DocumentKind.URGING_NOTICE: "催",
    DocumentKind.APPRAISAL_COMMISSION: "鉴",
    DocumentKind.AGREEMENT: "调",
    DocumentKind.SETTLEMENT_RECORD: "和",
    DocumentKind.TERMINATION_NOTICE: "终",
    DocumentKind.CASE_FILE: "卷",
}
# Who may read a kind besides the staff: the business a transfer sheet or urging notice is addressed to.
BUSINESS_KINDS = frozenset({DocumentKind.TRANSFER_SHEET, DocumentKind.URGING_NOTICE})
# Documents addressed to both parties (暂行办法 art. 21: the termination notice; the agreement and the settlement
# record bind both): the business reads them in the portal, the consumer on the tracking page.
BOTH_PARTIES_KINDS = frozenset(
    {DocumentKind.AGREEMENT, DocumentKind.SETTLEMENT_RECORD, DocumentKind.TERMINATION_NOTICE}
)
# What the consumer reads on the tracking page.
CONSUMER_KINDS = frozenset(
    {DocumentKind.ACCEPTANCE_NOTICE, DocumentKind.SUPPLEMENT_NOTICE, DocumentKind.REJECTION_NOTICE}
) | BOTH_PARTIES_KINDS


def document_upload_to(instance, filename):
    return f"documents/{instance.issued_on:%Y/%m}/{instance.case_id}/{filename}"


class Document(models.Model):
    """A document issued on a case (不予受理告知书, 转办单, 催办通知书, 调解协议书, 终止调解告知书): numbered, its
    text, table and footer frozen as issued, its PDF rendered from them once (cases.documents) and stored.

    Written only by cases.documents; the parts that carry domain facts of their own (TransferSheet, UrgingNotice)
    link to their document one-to-one.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text as issued"))
    fields = models.JSONField(_("table as issued"), default=list, blank=True)
    footer = models.TextField(_("footer as issued"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to=document_upload_to, max_length=255, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_on = models.DateField(_("issued on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["issued_at", "pk"]
        indexes = [models.Index(fields=["case", "kind"], name="document_case_kind_idx")]

    def __str__(self):
        return f"{self.title} {self.number}"

    @property
    def for_business(self) -> bool:
        return self.kind in BUSINESS_KINDS or self.kind in BOTH_PARTIES_KINDS

    @property
    def for_consumer(self) -> bool:
        return self.kind in CONSUMER_KINDS

    @property
    def official_number(self) -> str:
        """The 文号: the association's prefix, the kind's character, the year and the register number's
        sequence (XY-2026-000012 → 示消调〔2026〕第12号); kept alongside the register number."""
        _prefix, year, sequence = (self.number.split("-") + ["", ""])[:3]
        if not sequence.isdigit():
            return ""
        kind = DocumentKind(self.kind)
        return f"{association().document_prefix}{kind.abbreviation}〔{year}〕第{int(sequence)}号"


class Delivery(models.Model):
    """One attempt to deliver (送达) a document or notice to a party: by SMS or email (through the outbox, whose
    row says whether it went), in the business portal, or by letter (queued for staff to print and post).

    Written only by cases.delivery."""

    class Party(models.TextChoices):
        CONSUMER = "consumer", _("Consumer")
        BUSINESS = "business", _("Business")
        OTHER = "other", _("Other recipient")

    class Method(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")
        PORTAL = "portal", _("Business portal")
        LETTER = "letter", _("Letter by post")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        POSTED = "posted", _("Posted")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("case"))
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries",
        verbose_name=_("document"),
    )
    step = models.CharField(_("notice"), max_length=40, help_text=_("The step of the case the notice is about."))
    party = models.CharField(_("party"), max_length=10, choices=Party.choices)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    notification = models.ForeignKey(
        "notifications.Notification", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("outbox message"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("posted by"),
    )
    failure_reported = models.BooleanField(_("mediator told of the failure"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "step", "party", "method"], name="delivery_once_per_step_party_method"
            ),
        ]
        indexes = [
            # The letter queue (backoffice LetterQueueAdmin): the letters still to post.
            models.Index(
                fields=["created_at"], name="delivery_letters_to_post_idx",
                condition=models.Q(method="letter", status="queued"),
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()} → {self.recipient or self.address}"

    @property
    def current_status(self) -> str:
        """For SMS and email the outbox row's state (sent, failed, dead), else the recorded one."""
        if self.notification_id is None:
            return self.status
        status = self.notification.status
        if status == "sent":
            return self.Status.SENT
        if status == "dead":
            return self.Status.FAILED
        return self.Status.QUEUED
