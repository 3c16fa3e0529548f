"""Every write to a group complaint (共同投诉): one function per action, keyword-only, in a transaction.

The group's lifecycle is its lead case's: `group_transfer` runs mediation's `case_transfer` on the lead case with
the members' annex, the business answers it in the portal, the mediator mediates it. The other members' cases
wait with the clock paused (PauseKind.GROUP); leaving the group ends the pause and the case continues alone.
A representative's binding act (change or withdraw the demand, accept a settlement) binds a member only with
that member's consent on record (暂行办法 art. 11).
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import deadlines, transitions
from cases.choices import HANDLING_STATES, MONEY_REMEDIES, CaseState, PauseKind, Remedy
from cases.models import Business, Case
from cases.numbering import next_number
from cases.services import case_accept, case_start_mediation, case_update, case_withdraw
from cases.users import SUPERVISOR_GROUP, get_system_user
from cases.validators import detected_type
from core.audit import record_text, require_text, save_audited
from core.dates import today
from core.money import amount_in_figures
from mediation.services.outcomes import outcome_resolve
from mediation.services.transfers import case_transfer
from notifications.services import notification_enqueue

from .models import (
    MAX_REPRESENTATIVES,
    ConsentAct,
    GroupComplaint,
    GroupMember,
    HotspotAlert,
    LawsuitSupport,
    MemberConsent,
)

S = CaseState


def _require_staff(actor):
    if not actor.has_perm("cases.mediate_case"):
        raise PermissionDenied(_("Only a mediator can change a group complaint."))


def _lock_group(group_id) -> GroupComplaint:
    return GroupComplaint.objects.select_for_update(of=("self",)).select_related("business").get(pk=group_id)


def _require_open(group):
    if not group.is_open:
        raise ValidationError(_("The group complaint %(number)s is finished.") % {"number": group.number})


# --- the group and its members ------------------------------------------------------------------------------


def group_create(
    *, actor, business: Business, title: str, dispute: str, category: str, nature: str, case_ids=(), reason=""
) -> GroupComplaint:
    """Open a group complaint against one business; the cases given are merged into it (the first filed one leads)."""
    _require_staff(actor)
    require_text(title, _("Give the group complaint a title."))
    require_text(dispute, _("Describe the common dispute."))
    with transaction.atomic():
        group = GroupComplaint(
            number=next_number(prefix="GT", year=today().year),
            business=business,
            title=title.strip(),
            dispute=dispute.strip(),
            category=category,
            nature=nature,
            created_by=actor,
        )
        group.full_clean()
        save_audited(group, actor, reason=reason or record_text(gettext_lazy("Group complaint opened")))
        for case_id in case_ids:
            group_member_add(group_id=group.pk, case_id=case_id, actor=actor, via=GroupMember.Via.MERGED)
        group.refresh_from_db()
    return group


def group_member_add(*, group_id: int, case_id: int, actor, via: str, reason: str = "") -> GroupMember:
    """Merge a case into the group (a mediator), or record a consumer who joined online or at intake.

    Steps: check the case fits (same business, open, in no other group, no other pause running); the first filed
    member becomes the lead case, the others' filed cases wait with the clock paused; the membership and the
    case's history say who merged it and why; the consumer is told by SMS and email."""
    if via == GroupMember.Via.MERGED:
        _require_staff(actor)
    with transaction.atomic():
        group = _lock_group(group_id)
        _require_open(group)
        case = transitions.lock_case(case_id)
        if case.business_id != group.business_id:
            raise ValidationError(
                _("Case %(case)s is not against %(business)s.") % {"case": _label(case), "business": group.business}
            )
        if not case.is_open:
            raise ValidationError(_("Case %(case)s is finished; it cannot join a group.") % {"case": _label(case)})
        if GroupMember.objects.filter(case=case, left_on__isnull=True).exists():
            raise ValidationError(_("Case %(case)s is already in a group complaint.") % {"case": _label(case)})
        member = GroupMember(group=group, case=case, via=via, joined_on=today())
        why = reason or record_text(
            gettext_lazy("Joined group complaint %(number)s (%(via)s)"), number=group.number, via=member.get_via_display()
        )
        try:
            with transaction.atomic():
                save_audited(member, actor, reason=why)
        except IntegrityError as exc:  # a concurrent merge of the same case
            raise ValidationError(_("Case %(case)s is already in a group complaint.") % {"case": _label(case)}) from exc
        _park_or_lead(group, case, actor=actor, reason=why)
        _tell_member(member, "groups/member_joined")
    return member


def _label(case):
    return case.number or f"WS{case.pk}"


def _park_or_lead(group, case, *, actor, reason):
    """A filed member case either leads the group (the first) or waits with its clock paused."""
    if case.state not in HANDLING_STATES:
        transitions.save_case(case, actor=actor, reason=reason, update_fields=["updated_at"])
        return
    if group.lead_case_id is None:
        group.lead_case = case
        save_audited(
            group, actor, update_fields=["lead_case"],
            reason=record_text(gettext_lazy("Lead case: %(case)s"), case=_label(case)),
        )
        transitions.save_case(case, actor=actor, reason=reason, update_fields=["updated_at"])
        return
    if case.pause_kind:
        raise ValidationError(
            _("Case %(case)s is waiting (%(kind)s); end that first.")
            % {"case": _label(case), "kind": case.get_pause_kind_display()}
        )
    transitions.pause_open(case, kind=PauseKind.GROUP, reason=reason, actor=actor)
    transitions.save_case(case, actor=actor, reason=reason)


def _unpark(case, *, actor, reason):
    if case.pause_kind == PauseKind.GROUP:
        transitions.pause_close(case, actor=actor)
        case.set_due_dates(deadlines.case_due_dates(case, deadlines.pauses_of(case)))
        transitions.save_case(case, actor=actor, reason=reason)


def group_member_admit(*, member_id: int, actor) -> GroupMember:
    """Accept (立案) the complaint of a member who joined online and let it wait for the group (or lead it)."""
    with transaction.atomic():
        member = GroupMember.objects.select_for_update(of=("self",)).select_related("group").get(pk=member_id)
        if not member.is_active:
            raise ValidationError(_("This member has left the group."))
        case_accept(case_id=member.case_id, actor=actor)
        group = _lock_group(member.group_id)
        case = transitions.lock_case(member.case_id)
        _park_or_lead(
            group, case, actor=actor,
            reason=record_text(gettext_lazy("Handled in group complaint %(number)s"), number=group.number),
        )
    return member


def group_member_remove(*, member_id: int, actor, reason: str, by_consumer: bool = False) -> GroupMember:
    """Split a member out of the group (a mediator) or let the member leave (the tracking page): the member's
    case continues alone, its clock running again; audited on both records; the consumer is told."""
    if not by_consumer:
        _require_staff(actor)
    require_text(reason, _("Say why the member leaves the group."))
    with transaction.atomic():
        member = GroupMember.objects.select_for_update(of=("self",)).select_related("group").get(pk=member_id)
        if not member.is_active:
            raise ValidationError(_("This member has left the group already."))
        group = _lock_group(member.group_id)
        member.left_on = today()
        member.leave_reason = reason.strip()
        member.is_representative = False
        why = record_text(
            gettext_lazy("Left group complaint %(number)s: %(why)s"), number=group.number, why=reason.strip()
        )
        save_audited(member, actor, reason=why, update_fields=["left_on", "leave_reason", "is_representative"])
        case = transitions.lock_case(member.case_id)
        if case.pause_kind == PauseKind.GROUP:
            _unpark(case, actor=actor, reason=why)
        else:
            transitions.save_case(case, actor=actor, reason=why, update_fields=["updated_at"])
        if group.is_open and group.lead_case_id == member.case_id:
            _hand_on_the_lead(group, actor=actor)
        _tell_member(member, "groups/member_left")
    return member


def _hand_on_the_lead(group, *, actor):
    """The lead's consumer left (a consumer may always leave): the first remaining filed member's case leads the
    group from its own state (the mediator transfers it or mediates it), or none until one is filed."""
    successor = (
        group.members.filter(left_on__isnull=True, case__state__in=HANDLING_STATES).order_by("joined_on", "pk").first()
    )
    group.lead_case = None
    if successor is not None:
        case = transitions.lock_case(successor.case_id)
        why = record_text(gettext_lazy("Lead case of %(number)s: %(case)s"), number=group.number, case=_label(case))
        _unpark(case, actor=actor, reason=why)
        group.lead_case = case
    save_audited(
        group, actor, update_fields=["lead_case"],
        reason=record_text(gettext_lazy("The lead case's consumer left; lead case: %(case)s"),
                           case=_label(group.lead_case) if group.lead_case else "—"),
    )


def _others(group, member):
    return group.members.filter(left_on__isnull=True).exclude(pk=member.pk)


def group_lead_change(*, group_id: int, member_id: int, actor) -> GroupComplaint:
    """Another filed member's case leads the group (its pause ends; the old lead's case waits instead)."""
    _require_staff(actor)
    with transaction.atomic():
        group = _lock_group(group_id)
        _require_open(group)
        member = group.members.get(pk=member_id, left_on__isnull=True)
        new = transitions.lock_case(member.case_id)
        if new.state not in HANDLING_STATES:
            raise ValidationError(_("Only a filed case can lead the group."))
        why = record_text(gettext_lazy("Lead case of %(number)s: %(case)s"), number=group.number, case=_label(new))
        old_id = group.lead_case_id
        _unpark(new, actor=actor, reason=why)
        group.lead_case = new
        save_audited(group, actor, update_fields=["lead_case"], reason=why)
        if old_id and old_id != new.pk:
            old = transitions.lock_case(old_id)
            if old.is_open and not old.pause_kind:
                transitions.pause_open(old, kind=PauseKind.GROUP, reason=why, actor=actor)
                transitions.save_case(old, actor=actor, reason=why)
    return group


def group_representatives_set(*, group_id: int, member_ids, actor) -> list[GroupMember]:
    """Up to two active members represent the group (chosen in writing: each member's own representation consent
    is what lets a representative act for that member)."""
    _require_staff(actor)
    member_ids = {int(pk) for pk in member_ids}
    if len(member_ids) > MAX_REPRESENTATIVES:
        raise ValidationError(_("A group complaint has at most two representatives."))
    with transaction.atomic():
        group = _lock_group(group_id)
        _require_open(group)
        members = list(group.members.select_for_update().filter(left_on__isnull=True))
        if not member_ids <= {m.pk for m in members}:
            raise ValidationError(_("Representatives must be members of the group."))
        for member in members:
            chosen = member.pk in member_ids
            if member.is_representative != chosen:
                member.is_representative = chosen
                save_audited(
                    member, actor, update_fields=["is_representative"],
                    reason=record_text(gettext_lazy("Chosen as representative") if chosen
                                       else gettext_lazy("No longer a representative")),
                )
    return [m for m in members if m.is_representative]


# --- consent --------------------------------------------------------------------------------------------------


def member_consent_record(
    *, member_id: int, act: str, actor, via: str, given: bool = True, document=None, note: str = ""
) -> MemberConsent:
    """Record a member's consent (or its withdrawal) to an act: in writing with the signed authorisation uploaded,
    or given by the consumer on the tracking page (actor: the system user)."""
    act = ConsentAct(act)
    if via == MemberConsent.Via.WRITTEN:
        _require_staff(actor)
        if not document:
            raise ValidationError(_("Upload the member's signed authorisation."))
    with transaction.atomic():
        member = GroupMember.objects.select_for_update(of=("self",)).get(pk=member_id)
        if not member.is_active:
            raise ValidationError(_("This member has left the group."))
        consent = MemberConsent(
            member=member, act=act, given=given, via=via, note=note.strip(), recorded_by=actor
        )
        if document:
            consent.document = document
            consent.document_content_type = detected_type(document)
        consent.full_clean()
        save_audited(
            consent, actor,
            reason=record_text(
                gettext_lazy("%(act)s: %(answer)s"), act=act.label, answer=_("given") if given else _("withdrawn")
            ),
        )
    return consent


def consent_of(member: GroupMember, act: str) -> bool:
    """Does the member's latest statement on `act` give consent?"""
    latest = member.consents.filter(act=act).order_by("-recorded_at", "-pk").first()
    return bool(latest and latest.given)


def binds(member: GroupMember, act: str, *, representative: GroupMember | None) -> bool:
    """Does an act taken by `representative` (None: the member's own act) bind `member`?"""
    if representative is None or representative.pk == member.pk:
        return True
    return consent_of(member, ConsentAct.REPRESENTATION) and consent_of(member, act)


def _representative(group, representative_id):
    if representative_id is None:
        return None
    rep = group.members.filter(pk=representative_id, left_on__isnull=True, is_representative=True).first()
    if rep is None:
        raise ValidationError(_("Only a representative of the group can act for its members."))
    return rep


# --- the lifecycle, through the lead case -------------------------------------------------------------------


def group_transfer(*, group_id: int, actor) -> Case:
    """Transfer the lead case with one sheet that lists every active member and the total amount paid."""
    with transaction.atomic():
        group = _lock_group(group_id)
        _require_open(group)
        if group.lead_case_id is None:
            raise ValidationError(_("Accept a member's complaint first: the group needs a filed lead case."))
        members = list(_active_members(group))
        total = sum((m.case.amount_paid or Decimal("0") for m in members), Decimal("0"))
        return case_transfer(
            case_id=group.lead_case_id,
            actor=actor,
            reason=record_text(gettext_lazy("Transfer sheet of group complaint %(number)s"), number=group.number),
            annex=members_annex(group, members),
            extra_fields=(
                ("共同投诉", f"{group.number}（共{len(members)}名消费者）"),
                ("涉及金额合计", amount_in_figures(total)),
            ),
        )


def _active_members(group):
    return group.members.filter(left_on__isnull=True).select_related("case__consumer").order_by("joined_on", "pk")


def members_annex(group, members) -> str:
    """The members as a document addressed to the business lists them: names, masked phones (the business needs
    no contact details; the association relays), amounts and demands. Always in Chinese."""
    lines = [f"四、共同投诉成员（{group.number}，共{len(members)}人）", ""]
    total = Decimal("0")
    for n, m in enumerate(members, 1):
        case = m.case
        total += case.amount_paid or Decimal("0")
        paid = amount_in_figures(case.amount_paid) if case.amount_paid is not None else "—"
        rep = "（代表人）" if m.is_representative else ""
        lines.append(
            f"{n}. {case.consumer.name}{rep}，电话 {case.consumer.masked_phone}，支付 {paid}，诉求：{case.demand}"
        )
    lines += ["", f"涉及金额合计：{amount_in_figures(total)}。"]
    return "\n".join(lines)


def group_demand_change(
    *, group_id: int, actor, demand: str, representative_id: int | None = None, member_ids=None
) -> tuple[list[GroupMember], list[GroupMember]]:
    """Change the members' demand. Taken by a representative it binds only the members who consented to changing
    the demand (and the representative); returns (bound, not bound). Each bound case records the change."""
    require_text(demand, _("Enter the new demand."))
    with transaction.atomic():
        group = _lock_group(group_id)
        _require_open(group)
        rep = _representative(group, representative_id)
        bound, skipped = _split_by_consent(group, ConsentAct.CHANGE_DEMAND, rep, member_ids)
        for member in bound:
            case = Case.objects.get(pk=member.case_id)
            case.demand = demand.strip()
            case_update(
                case=case, actor=actor, changed=["demand"],
                reason=record_text(
                    gettext_lazy("Demand changed in group complaint %(number)s%(by)s"),
                    number=group.number, by=_by(rep),
                ),
            )
    return bound, skipped


def group_demand_withdraw(
    *, group_id: int, actor, reason: str, representative_id: int | None = None, member_ids=None
) -> tuple[list[GroupMember], list[GroupMember]]:
    """Withdraw the complaint for the members it binds (their consent to withdrawing, or their own act): each
    bound member's case is withdrawn and the member leaves the group; returns (bound, not bound)."""
    require_text(reason, _("Say why the demand is withdrawn."))
    with transaction.atomic():
        group = _lock_group(group_id)
        _require_open(group)
        rep = _representative(group, representative_id)
        bound, skipped = _split_by_consent(group, ConsentAct.WITHDRAW_DEMAND, rep, member_ids)
        for member in bound:
            why = record_text(
                gettext_lazy("Withdrawn in group complaint %(number)s%(by)s: %(why)s"),
                number=group.number, by=_by(rep), why=reason,
            )
            member.left_on, member.leave_reason, member.is_representative = today(), why, False
            save_audited(member, actor, reason=why, update_fields=["left_on", "leave_reason", "is_representative"])
            case_withdraw(case_id=member.case_id, actor=actor, reason=why)
    return bound, skipped


def _by(rep):
    return record_text(gettext_lazy(" by representative %(name)s"), name=rep.case.consumer.name) if rep else ""


def _split_by_consent(group, act, rep, member_ids):
    members = list(_active_members(group))
    if member_ids is not None:
        wanted = {int(pk) for pk in member_ids}
        members = [m for m in members if m.pk in wanted]
    bound = [m for m in members if binds(m, act, representative=rep)]
    return bound, [m for m in members if m not in bound]


def member_outcome_record(
    *, member_id: int, actor, accepted: bool, remedy: str = "", amount: Decimal | None = None,
    representative_id: int | None = None,
) -> GroupMember:
    """Record one member's answer to the settlement offered to them: their remedy and amount, accepted or refused.

    The member's own answer (given to the mediator, or on the tracking page) always counts. A representative may
    accept for a member only with the member's consent to accepting a settlement on record; otherwise refused."""
    with transaction.atomic():
        member = GroupMember.objects.select_for_update(of=("self",)).select_related("case__consumer").get(pk=member_id)
        group = _lock_group(member.group_id)
        _require_open(group)
        if not member.is_active:
            raise ValidationError(_("This member has left the group."))
        rep = _representative(group, representative_id)
        if accepted and not binds(member, ConsentAct.ACCEPT_SETTLEMENT, representative=rep):
            raise ValidationError(
                _("%(name)s has not consented to a representative accepting a settlement; only they can accept it.")
                % {"name": member.case.consumer.name}
            )
        if accepted:
            if remedy not in Remedy.values:
                raise ValidationError(_("Choose the remedy the member receives."))
            if remedy in MONEY_REMEDIES and amount is None:
                raise ValidationError(_("Enter the amount the member receives."))
            if amount is not None and amount < 0:
                raise ValidationError(_("Amounts cannot be negative."))
        member.outcome = GroupMember.Outcome.ACCEPTED if accepted else GroupMember.Outcome.REFUSED
        member.outcome_remedy = remedy if accepted else ""
        member.outcome_amount = amount if accepted else None
        member.outcome_by_representative = rep if rep and rep.pk != member.pk else None
        member.outcome_on = today()
        save_audited(
            member, actor,
            update_fields=["outcome", "outcome_remedy", "outcome_amount", "outcome_by_representative", "outcome_on"],
            reason=record_text(
                gettext_lazy("Settlement %(answer)s%(by)s"),
                answer=_("accepted") if accepted else _("refused"), by=_by(rep),
            ),
        )
    return member


def member_offer_propose(*, member_id: int, actor, remedy: str, amount: Decimal | None = None) -> GroupMember:
    """Put a settlement to one member (their own remedy and amount); they answer it themselves on the tracking
    page (or to the mediator), or a representative does with their consent. The member is told by SMS/email."""
    _require_staff(actor)
    if remedy not in Remedy.values:
        raise ValidationError(_("Choose the remedy the member receives."))
    if remedy in MONEY_REMEDIES and amount is None:
        raise ValidationError(_("Enter the amount the member receives."))
    if amount is not None and amount < 0:
        raise ValidationError(_("Amounts cannot be negative."))
    with transaction.atomic():
        member = GroupMember.objects.select_for_update(of=("self",)).select_related("case__consumer").get(pk=member_id)
        _require_open(_lock_group(member.group_id))
        if not member.is_active:
            raise ValidationError(_("This member has left the group."))
        if member.outcome:
            raise ValidationError(_("This member has answered the settlement already."))
        member.offer_remedy, member.offer_amount, member.offered_on = remedy, amount, today()
        save_audited(
            member, actor, update_fields=["offer_remedy", "offer_amount", "offered_on"],
            reason=record_text(
                gettext_lazy("Settlement offered: %(remedy)s %(amount)s"),
                remedy=Remedy(remedy).label, amount=amount_in_figures(amount) if amount is not None else "",
            ),
        )
        _tell_member(member, "groups/offer", remedy=str(Remedy(remedy).label),
                     amount=amount_in_figures(amount) if amount is not None else "")
    return member


def member_offer_answer(*, member_id: int, accepted: bool, actor=None) -> GroupMember:
    """The member's own answer to the settlement put to them (the tracking page: as the system user)."""
    actor = actor or get_system_user()
    member = GroupMember.objects.get(pk=member_id)
    if not member.offer_remedy:
        raise ValidationError(_("No settlement has been put to you yet."))
    return member_outcome_record(
        member_id=member.pk, actor=actor, accepted=accepted, remedy=member.offer_remedy, amount=member.offer_amount
    )


def group_settle(*, group_id: int, actor) -> list:
    """Carry out the settlement for every member who has answered: each accepting member's own case is resolved
    with their remedy (their own 调解协议书 and money recovered); a refusing member leaves and continues alone.

    The lead case carries the group's transfer sheet and mediation, so it is resolved last: while members are
    still to answer, it waits and the group stays open (others may still join). Once nobody is left to answer,
    the lead is resolved too and the group is settled. Returns the issued agreements."""
    _require_staff(actor)
    with transaction.atomic():
        group = _lock_group(group_id)
        _require_open(group)
        members = list(_active_members(group))
        pending = [m for m in members if not m.outcome]
        answered = [m for m in members if m.outcome and m.case.is_open]
        unfiled = [m for m in answered if m.case.state == S.SUBMITTED]
        if unfiled:
            raise ValidationError(
                _("Accept or remove the members whose complaint is not filed yet: %(names)s.")
                % {"names": "、".join(m.case.consumer.name for m in unfiled)}
            )
        lead_waits = bool(pending)
        todo = [m for m in answered if not (lead_waits and m.case_id == group.lead_case_id)]
        if not todo:
            raise ValidationError(
                _("Nothing to carry out yet; still to answer: %(names)s.")
                % {"names": "、".join(m.case.consumer.name for m in pending) or "—"}
            )
        why = record_text(gettext_lazy("Settlement of group complaint %(number)s"), number=group.number)
        agreements = []
        # The lead last: a member refusing first must not find the lead already resolved.
        for member in sorted(todo, key=lambda m: m.case_id == group.lead_case_id):
            if member.outcome == GroupMember.Outcome.REFUSED:
                if member.case_id == group.lead_case_id:
                    continue  # the lead's case continues in mediation; the group ends with it below
                group_member_remove(
                    member_id=member.pk, actor=actor,
                    reason=record_text(gettext_lazy("Refused the settlement; continues alone")),
                )
                continue
            case = transitions.lock_case(member.case_id)
            _unpark(case, actor=actor, reason=why)
            if case.state in (S.ACCEPTED, S.TRANSFERRED):
                case_start_mediation(case_id=case.pk, actor=actor, reason=why)
            agreements.append(
                outcome_resolve(
                    case_id=case.pk, actor=actor,
                    remedies=[{
                        "kind": member.outcome_remedy, "amount": member.outcome_amount,
                        "description": f"共同投诉{group.number}",
                    }],
                )
            )
        if not lead_waits:
            group.status, group.settled_on = GroupComplaint.Status.SETTLED, today()
            save_audited(group, actor, update_fields=["status", "settled_on"],
                         reason=record_text(gettext_lazy("Group complaint settled")))
            lead = next((m for m in todo if m.case_id == group.lead_case_id), None)
            if lead is not None and lead.outcome == GroupMember.Outcome.REFUSED:
                group_member_remove(
                    member_id=lead.pk, actor=actor,
                    reason=record_text(gettext_lazy("Refused the settlement; continues alone")),
                )
    return agreements


# --- lawsuits ----------------------------------------------------------------------------------------------------


def lawsuit_support_record(
    *, actor, kind: str, addressee: str, reasons: str, case_id: int | None = None, group_id: int | None = None
) -> LawsuitSupport:
    """Record 支持起诉 (消法 art. 37(七)) or a public-interest referral (art. 47) for a group or one case."""
    _require_staff(actor)
    require_text(addressee, _("Name the court or the body referred to."))
    require_text(reasons, _("Give the reasons."))
    kind = LawsuitSupport.Kind(kind)
    with transaction.atomic():
        group = _lock_group(group_id) if group_id else None
        if group is not None:
            if group.lead_case_id is None:
                raise ValidationError(_("The group has no filed lead case yet."))
            case_id = group.lead_case_id
        if case_id is None:
            raise ValidationError(_("Choose a case or a group complaint."))
        support = LawsuitSupport(
            kind=kind, case_id=case_id, group=group, addressee=addressee.strip(), reasons=reasons.strip(),
            decided_on=today(), recorded_by=actor,
        )
        support.full_clean()
        save_audited(support, actor, reason=record_text(gettext_lazy("Recorded: %(kind)s"), kind=kind.label))
    return support


# --- hot spots -----------------------------------------------------------------------------------------------


def hotspot_alerts_send(*, on=None) -> int:
    """Alert the supervisors (in-app and email) of each business against which at least GROUP_HOTSPOT_THRESHOLD
    complaints were received in the GROUP_HOTSPOT_DAYS days up to `on`; once per business and window: a business
    alerted for a window that still overlaps is not alerted again (the unique row is the last guard)."""
    on = on or today()
    days = settings.GROUP_HOTSPOT_DAYS
    start = on - timezone.timedelta(days=days - 1)
    tz_start = timezone.make_aware(timezone.datetime.combine(start, timezone.datetime.min.time()))
    tz_end = timezone.make_aware(timezone.datetime.combine(on + timezone.timedelta(days=1), timezone.datetime.min.time()))
    rows = (
        Case.objects.filter(received_at__gte=tz_start, received_at__lt=tz_end, business__isnull=False)
        .values("business")
        .annotate(n=Count("pk"))
        .filter(n__gte=settings.GROUP_HOTSPOT_THRESHOLD)
    )
    supervisors = list(
        get_user_model().objects.filter(groups__name=SUPERVISOR_GROUP, is_active=True).order_by("pk")
    )
    sent = 0
    for row in rows:
        if HotspotAlert.objects.filter(business_id=row["business"], window_end__gte=start).exists():
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    alert = HotspotAlert.objects.create(
                        business_id=row["business"], window_start=start, window_end=on, complaints=row["n"]
                    )
            except IntegrityError:
                continue
            context = {
                "business": alert.business.name, "complaints": alert.complaints, "days": days,
                "start": start, "end": on, "url": settings.PUBLIC_BASE_URL + reverse("admin:groups_hotspots"),
            }
            for user in supervisors:
                for channel in ("in_app", "email"):
                    if channel == "email" and not user.email:
                        continue
                    notification_enqueue(
                        channel=channel, template="groups/hotspot", context=context, recipient_user=user,
                        about=alert, dedupe_key=f"hotspot:{alert.pk}:{user.pk}:{channel}",
                    )
        sent += 1
    return sent


# --- telling the consumer ---------------------------------------------------------------------------------------


def _tell_member(member: GroupMember, template: str, **extra) -> None:
    """SMS to the member's phone and email where there is one (the outbox; delivered after commit)."""
    case, group = member.case, member.group
    context = {
        "group": group.number, "title": group.title, "business": group.business.name,
        "case": _label(case), "reason": member.leave_reason,
        "track_url": settings.PUBLIC_BASE_URL + "/complaint/track/", **extra,
    }
    consumer = case.consumer
    when = member.offered_on if template == "groups/offer" else (member.left_on or member.joined_on)
    if consumer.phone:
        notification_enqueue(
            channel="sms", template=template, context=context, to_address=consumer.phone, about=member,
            dedupe_key=f"{template}:{member.pk}:{when}:sms",
        )
    if consumer.email:
        notification_enqueue(
            channel="email", template=template, context=context, to_address=consumer.email, about=member,
            dedupe_key=f"{template}:{member.pk}:{when}:email",
        )


def system_user():
    return get_system_user()
