"""The case's progress as the consumer reads it on the tracking page: a few plain steps, each done, current,
failed or still to come, with what the consumer needs to know and nothing more (no staff notes, no history)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import CaseState, PauseKind
from cases.models import Case, DocumentKind
from mediation.models import BusinessReply, ConsumerResponse, FollowUp, TransferSheet
from mediation.services.follow_up import RATABLE_STATES

S = CaseState
DONE, CURRENT, FAILED, TODO = "done", "current", "failed", "todo"
MEDIATION_STATES = {S.MEDIATING, S.APPRAISAL}
OUTCOME_STATES = {S.RESOLVED, S.TERMINATED, S.WITHDRAWN, S.CLOSED}


@dataclass
class Step:
    key: str
    title: str
    status: str
    when: date | datetime | None = None
    lines: list = field(default_factory=list)
    notice: str = ""  # a document to show as preformatted text (the rejection notice)


@dataclass
class Progress:
    case: Case
    steps: list
    sheet: TransferSheet | None
    reply: BusinessReply | None
    response: ConsumerResponse | None
    follow_up: FollowUp | None

    @property
    def offer_open(self):
        return (
            self.case.state == S.REPLIED
            and self.reply is not None
            and self.reply.consumer_can_decide
            and self.response is None
        )

    @property
    def can_rate(self):
        return self.case.state in RATABLE_STATES and self.follow_up is None


def case_progress(case: Case) -> Progress:
    """A fixed number of queries: the sheet with its reply and the consumer's response, the open pause, the
    follow-up."""
    sheet = (
        TransferSheet.objects.filter(case=case).select_related("reply", "reply__consumer_response").first()
    )
    reply = getattr(sheet, "reply", None) if sheet else None
    response = getattr(reply, "consumer_response", None) if reply else None
    follow_up = FollowUp.objects.filter(case=case).first()
    steps = [_received(case), _screening(case)]
    if case.state != S.REJECTED:
        if case.filed_on or case.state == S.SUBMITTED:
            steps += [_forwarded(case, sheet), _answer(case, reply, response), _mediation(case, response)]
        steps.append(_outcome(case))
    return Progress(case=case, steps=steps, sheet=sheet, reply=reply, response=response, follow_up=follow_up)


def _received(case):
    return Step("received", _("Complaint received"), DONE, timezone.localtime(case.received_at))


def _rejection_notice_text(case):
    document = case.documents.filter(kind=DocumentKind.REJECTION_NOTICE).only("text").first()
    return document.text if document else ""


def _screening(case):
    if case.state == S.REJECTED:
        return Step(
            "screening",
            _("Not accepted"),
            FAILED,
            case.decided_on,
            [
                _(
                    "The association decided not to accept the complaint. The notice below gives the reasons and "
                    "where else you can turn."
                )
            ],
            notice=_rejection_notice_text(case),
        )
    if case.filed_on:
        return Step(
            "screening",
            _("Accepted"),
            DONE,
            case.filed_on,
            [_("Case number: %(number)s") % {"number": case.number}],
        )
    if case.state == S.WITHDRAWN:
        return Step("screening", _("Under review"), TODO)
    lines = (
        [
            _("The association is checking whether it can accept the complaint; it decides by %(date)s.")
            % {"date": case.acceptance_due_on}
        ]
        if case.acceptance_due_on
        else []
    )
    if case.pause_kind == PauseKind.SUPPLEMENT:
        pause = case.pauses.filter(ended_on__isnull=True).first()
        lines = [
            _("The association needs more material from you: %(what)s")
            % {"what": pause.reason if pause else ""},
            _("Please contact the association; the review waits until the material arrives."),
        ]
    return Step("screening", _("Under review"), CURRENT, None, lines)


def _forwarded(case, sheet):
    if case.transferred_at:
        lines = [_("The complaint was forwarded to the business.")]
        if sheet is not None:
            lines.append(_("The business is asked to answer by %(date)s.") % {"date": sheet.answer_by})
        return Step(
            "forwarded", _("Forwarded to the business"), DONE, timezone.localtime(case.transferred_at), lines
        )
    status = CURRENT if case.state == S.ACCEPTED else TODO
    return Step("forwarded", _("Forwarded to the business"), status)


def _answer(case, reply, response):
    if reply is None:
        if case.replied_at:  # answered outside the portal and recorded by the mediator
            return Step(
                "answer",
                _("The business's answer"),
                DONE,
                timezone.localtime(case.replied_at),
                [case.reply_summary],
            )
        status = CURRENT if case.state == S.TRANSFERRED else TODO
        return Step("answer", _("The business's answer"), status)
    lines = [reply.get_kind_display()]
    if reply.remedy:
        lines.append(_("Remedy offered: %(remedy)s") % {"remedy": reply.get_remedy_display()})
    if reply.amount is not None:
        lines.append(_("Amount: %(amount)s yuan") % {"amount": reply.amount})
    if reply.explanation:
        lines.append(reply.explanation)
    if response is not None:
        lines.append(
            (
                _("You accepted this answer on %(date)s.")
                if response.decision == ConsumerResponse.Decision.ACCEPTED
                else _("You refused this answer on %(date)s.")
            )
            % {"date": timezone.localdate(response.responded_at)}
        )
    elif case.state == S.REPLIED and reply.consumer_can_decide:
        lines.append(_("Please tell us below whether you accept it."))
    status = CURRENT if case.state == S.REPLIED and response is None else DONE
    return Step("answer", _("The business's answer"), status, timezone.localtime(reply.submitted_at), lines)


def _mediation(case, response):
    if case.state in MEDIATION_STATES:
        lines = [_("The association is mediating between you and the business.")]
        if case.state == S.APPRAISAL:
            lines.append(_("A quality appraisal is under way; the deadline waits for its result."))
        return Step("mediation", _("Mediation"), CURRENT, None, lines)
    accepted_offer = response is not None and response.decision == ConsumerResponse.Decision.ACCEPTED
    if case.state in OUTCOME_STATES and not accepted_offer and case.transferred_at:
        return Step("mediation", _("Mediation"), DONE)
    return Step("mediation", _("Mediation"), TODO)


def _outcome(case):
    outcome = case.state
    if outcome == S.CLOSED:
        outcome = (
            S.RESOLVED
            if case.agreement_terms
            else S.TERMINATED
            if case.termination_ground_id
            else S.WITHDRAWN
        )
    if outcome == S.RESOLVED:
        lines = [case.agreement_terms]
        if case.money_recovered:
            lines.append(_("Money recovered for you: %(amount)s yuan") % {"amount": case.money_recovered})
        return Step("outcome", _("Resolved"), DONE, case.outcome_on, lines)
    if outcome == S.TERMINATED:
        lines = [
            _("Mediation ended without an agreement."),
            case.termination_explanation,
            _("You can turn to: %(channel)s") % {"channel": case.get_advised_channel_display()},
        ]
        return Step(
            "outcome", _("Mediation ended"), FAILED, case.outcome_on, [line for line in lines if line]
        )
    if outcome == S.WITHDRAWN:
        return Step("outcome", _("Withdrawn"), DONE, case.outcome_on, [_("The complaint was withdrawn.")])
    return Step("outcome", _("Outcome"), TODO)
