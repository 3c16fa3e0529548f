"""Every write to a case: one function per business action, keyword-only, inside a transaction.

These are the public services of the actions whose whole meaning is the case's own (intake, screening, start of
mediation, withdrawal, closing, assignment, edits). The actions that other apps own (transfer with its sheet, the
business's answer, appraisal, outcomes with their documents) are public in those apps (mediation.services) and run
their transition through the internal cases.transitions.
"""


from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.association import association, public_link
from core.audit import record_text, require_perm, save_audited
from core.dates import cn_date, today
from core.text import one_line
from notifications.services import notification_enqueue

from . import deadlines, ladder, previews, transitions
from .choices import MEDIATION_LIMIT_STATES, OPEN_STATES, PauseKind
from .delivery import case_notify, staff_phone
from .documents import document_issue
from .models import (
    Agent,
    Business,
    Case,
    CaseNote,
    CaseRejectionGround,
    Consumer,
    DocumentKind,
    Evidence,
    MediationExtension,
)
from .numbering import next_number
from .users import get_system_user, person_name
from .validators import detected_type, validate_evidence_file


def _resolve_actor(actor):
    return actor if actor is not None else get_system_user()



# --- intake ----------------------------------------------------------------------------------------


def business_find_or_register(*, actor, name: str, address: str, phone: str = "", credit_code: str = "", reason) -> Business:
    """The business a complaint names: by its unified social credit code when given, else by its exact name;
    else a new one from what the complaint gives (the mediator checks it when screening)."""
    name = one_line(name)
    credit_code = credit_code.strip().upper()
    if credit_code and (found := Business.objects.filter(credit_code=credit_code).first()) is not None:
        return found
    found = Business.objects.filter(name=name).order_by("pk").first()
    if found is not None:
        return found
    business = Business(name=name, address=address.strip(), phone=phone.strip(), credit_code=credit_code or None)
    business.full_clean()
    return save_audited(business, actor, reason=reason)


def case_register(
    *, actor=None, consumer: dict, business: Business | None, reason: str = "", agent: dict | None = None, **fields
) -> Case:
    """Register a complaint received by any channel; it waits in `submitted` for screening.

    ``agent``: the consumer's agent (委托代理人) filing for them — name, id_number, phone, relationship and the
    uploaded power_of_attorney (授权委托书), each file checked by content like evidence."""
    actor = _resolve_actor(actor)
    with transaction.atomic():
        person = Consumer(**consumer)
        person.full_clean()
        save_audited(person, actor)
        case = Case(consumer=person, business=business, **fields)
        # Until acceptance the case is counted by the rules in force on receipt (deadlines.rules_for).
        case.rule_set = deadlines.rules_for(case)
        case.set_due_dates(deadlines.case_due_dates(case, pauses=()))
        case.full_clean(exclude=["state"])
        transitions.save_case(case, actor=actor, reason=reason or record_text(gettext_lazy("Complaint registered")))
        if agent:
            _agent_save(case, agent, actor)
        case_notify(case=case, step="received", actor=actor)
    return case


def _agent_save(case, data: dict, actor) -> Agent:
    """The agent with the power of attorney: both the agent's ID and the signed 授权委托书 are required (暂行办法
    art. 10); the file goes through the evidence checks (size, real type by content)."""
    upload = data.get("power_of_attorney")
    errors = {}
    if not (data.get("name") or "").strip():
        errors["agent_name"] = _("Enter the agent's name.")
    if not (data.get("id_number") or "").strip():
        errors["agent_id_number"] = _("Enter the agent's ID number.")
    if not upload:
        errors["agent_power_of_attorney"] = _("Upload the signed power of attorney (授权委托书).")
    if errors:
        raise ValidationError(errors)
    validate_evidence_file(upload)
    agent = Agent(
        case=case, name=data["name"].strip(), id_number=data["id_number"].strip(),
        phone=(data.get("phone") or "").strip(), relationship=(data.get("relationship") or "").strip(),
        power_of_attorney=upload, power_of_attorney_content_type=detected_type(upload),
    )
    return save_audited(agent, actor, reason=record_text(gettext_lazy("Filed by an agent with a power of attorney")))


def case_agent_set(
    *, case_id: int, actor, name: str, id_number: str, power_of_attorney, phone: str = "", relationship: str = ""
) -> Agent:
    """Record the agent of a complaint already registered (e.g. the 授权委托书 arrived after a phone intake); the
    acceptance check then asks for the agent's ID and the power of attorney (Case.missing_material)."""
    require_perm(actor, "cases.screen_case")
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        if not case.is_open:
            raise ValidationError(_("A finished case cannot be edited."))
        if Agent.objects.filter(case=case).exists():
            raise ValidationError(_("This complaint already has an agent."))
        return _agent_save(case, {
            "name": name, "id_number": id_number, "phone": phone, "relationship": relationship,
            "power_of_attorney": power_of_attorney,
        }, actor)


def case_report_refer(*, case_id: int, actor, regulator: str, note: str = "") -> Case:
    """Refer the 举报 part of a complaint to the regulator (暂行办法 art. 7: complaint and report are handled
    apart); the complaint itself is unaffected."""
    require_perm(actor, "cases.screen_case")
    if not regulator.strip():
        raise ValidationError(_("Name the department the report is referred to."))
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        if not case.report_text.strip():
            raise ValidationError(_("This complaint carries no report (举报) to refer."))
        if case.report_referred_on:
            raise ValidationError(
                _("The report was already referred to %(to)s on %(day)s.")
                % {"to": case.report_referred_to, "day": case.report_referred_on}
            )
        case.report_referred_to, case.report_referred_on = regulator.strip(), today()
        transitions.save_case(
            case,
            actor=actor,
            reason=record_text(
                gettext_lazy("Report (举报) referred to %(to)s. %(note)s"), to=case.report_referred_to, note=note
            ),
            update_fields=["report_referred_to", "report_referred_on", "updated_at"],
        )
    return case


def case_request_supplement(*, case_id: int, actor, missing: str) -> Case:
    """Ask the consumer for missing material; the acceptance clock waits until it arrives."""
    if not missing.strip():
        raise ValidationError(_("Say which material is missing."))
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        require_perm(actor, "cases.screen_case")
        if case.state != "submitted":
            raise ValidationError(_("Material can only be requested before the screening decision."))
        if case.pause_kind:
            raise ValidationError(
                _("The case is already waiting: %(kind)s.") % {"kind": case.get_pause_kind_display()}
            )
        transitions.pause_open(case, kind=PauseKind.SUPPLEMENT, reason=missing, actor=actor)
        transitions.save_case(
            case,
            actor=actor,
            reason=record_text(gettext_lazy("Supplementary material requested: %(missing)s"), missing=missing),
        )
        notice = _issue_supplement_notice(case, missing=missing, actor=actor)
        case_notify(case=case, step="supplement", document=notice, actor=actor)
    return case


def _issue_supplement_notice(case, *, missing, actor):
    particulars = association()
    due = deadlines.supplement_due(today())
    items = [line.strip(" -·•；;") for line in missing.replace("；", "\n").splitlines() if line.strip(" -·•；;")]
    text = _render_document(
        "cases/documents/supplement.txt",
        case=case,
        received=cn_date(timezone.localdate(case.received_at)),
        missing=items,
        due=cn_date(due.on),
        track_url=public_link(reverse("public:track")),
        address=particulars.address,
        phone=particulars.phone,
    )
    return document_issue(
        case=case,
        kind=DocumentKind.SUPPLEMENT_NOTICE,
        text=text,
        fields=[
            ("投诉人", case.consumer.name),
            ("查询号", case.tracking_number),
            ("被投诉经营者", case.business.name if case.business else "（被投诉方不明确）"),
            ("补充期限", f"{cn_date(due.on)}前"),
        ],
        actor=actor,
    )


def _render_document(template, **context) -> str:
    """A document's text, always in Chinese: the association writes to the parties in Chinese."""
    with translation.override("zh-hans"):
        return render_to_string(template, context)


def case_supplement_upload(*, case_id: int, files, note: str = "") -> list[Evidence]:
    """The consumer sends the missing material from the tracking page: the files are stored as evidence (checked
    by size and content) as the system user, and the mediator is told to check them and record them received."""
    system = get_system_user()
    if not files:
        raise ValidationError(_("Choose at least one file."))
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        if case.pause_kind != PauseKind.SUPPLEMENT:
            raise ValidationError(_("The association is not waiting for material from you."))
        items = [
            evidence_add(case_id=case.pk, actor=system, file=upload,
                         description=(note.strip() or _("Supplementary material from the consumer"))[:200])
            for upload in files
        ]
        if case.mediator_id:
            notification_enqueue(
                channel="in_app", template="cases/supplement_uploaded", recipient_user=case.mediator, about=case,
                dedupe_key=f"supplement-upload:{items[0].pk}",
                context={"case_number": case.tracking_number, "count": len(items), "note": note.strip(),
                         "case_url": public_link(reverse("admin:cases_case_change", args=[case.pk]))},
            )
    return items


def case_supplement_received(*, case_id: int, actor, note: str = "") -> Case:
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        require_perm(actor, "cases.screen_case")
        if case.pause_kind != PauseKind.SUPPLEMENT:
            raise ValidationError(_("The case is not waiting for supplementary material."))
        transitions.pause_close(case, actor=actor)
        case.set_due_dates(deadlines.case_due_dates(case, deadlines.pauses_of(case)))
        transitions.save_case(
            case, actor=actor, reason=record_text(gettext_lazy("Supplementary material received. %(note)s"), note=note)
        )
    return case


# --- screening --------------------------------------------------------------------------------------


def case_accept(*, case_id: int, actor, reason: str = "") -> Case:
    """Accept (立案): the case number and the filing date are fixed and the handling deadline starts.

    A case nobody is in charge of yet gets the accepting mediator as its 承办人 (said in the history), so a
    mediator working alone can go on to transfer it."""
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        filed_on = today()
        takes_over = case.mediator_id is None and _may_mediate(actor)
        reason = reason or record_text(gettext_lazy("Accepted and filed"))
        if takes_over:
            reason = record_text(
                gettext_lazy("%(reason)s (mediator in charge: %(user)s)"), reason=reason, user=person_name(actor)
            )
        # Taken inside the transaction: if the transition is refused, the rollback returns the number.
        number = next_number(prefix="TS", year=filed_on.year)
        # The handling deadline and the mediation limit both count from filing (受理), by the rule set in force
        # that day: the case keeps it for good, whatever rule set is entered later.
        case.filed_on = filed_on
        case.rule_set = rule_set = deadlines.rules_in_force(filed_on, case.business.region_id if case.business else None)
        due_dates = deadlines.case_due_dates(case, deadlines.pauses_of(case))
        case = transitions.run(
            case,
            "accept",
            actor=actor,
            reason=reason,
            number=number,
            filed_on=filed_on,
            due_dates=due_dates,
            rule_set=rule_set,
            mediator=actor if takes_over else None,
        )
        notice = _issue_acceptance_notice(case, actor=actor)
        case_notify(case=case, step="accepted", document=notice, actor=actor)
        return case


def _issue_acceptance_notice(case, *, actor):
    particulars = association()
    mediator = person_name(case.mediator) if case.mediator else "本会工作人员"
    phone = staff_phone(case.mediator) or particulars.phone
    text = _render_document(
        "cases/documents/acceptance.txt",
        case=case,
        received=cn_date(timezone.localdate(case.received_at)),
        filed=cn_date(case.filed_on),
        due=cn_date(case.due_on) if case.due_on else "",
        mediator=mediator,
        phone=phone,
        track_url=public_link(reverse("public:track")),
    )
    return document_issue(
        case=case,
        kind=DocumentKind.ACCEPTANCE_NOTICE,
        text=text,
        fields=[
            ("案件编号", case.number),
            ("投诉人", case.consumer.name),
            ("被投诉经营者", case.business.name if case.business else "（被投诉方不明确）"),
            ("立案日期", cn_date(case.filed_on)),
            ("处理期限", f"{cn_date(case.due_on)}前" if case.due_on else "—"),
            ("承办人及电话", f"{mediator}（{phone}）"),
        ],
        actor=actor,
    )


def _may_mediate(user) -> bool:
    """A person who may be a case's 承办人 (the system user, which holds no role, never is)."""
    return user.is_active and user.has_perm("cases.mediate_case")


def case_reject(*, case_id: int, actor, grounds, explanation: str) -> Case:
    """Reject (不予受理) with at least one ground; the notice for the consumer is issued as a document (BS-)."""
    grounds = list(grounds)
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        refusals = [text for text in (g.refusal(case, today=today()) for g in grounds) if text]
        if refusals:
            raise ValidationError(refusals, code="ground_check")
        for ground in grounds:
            CaseRejectionGround.objects.get_or_create(case=case, ground=ground)
        codes = ", ".join(g.code for g in grounds)
        case = transitions.run(
            case,
            "reject",
            actor=actor,
            reason=record_text(gettext_lazy("Rejected (%(codes)s): %(why)s"), codes=codes, why=explanation),
            explanation=explanation,
            decided_on=today(),
        )
        notice = document_issue(
            case=case,
            kind=DocumentKind.REJECTION_NOTICE,
            text=render_rejection_notice(case=case, grounds=grounds, explanation=explanation),
            fields=[
                ("投诉人", case.consumer.name),
                ("被投诉经营者", case.business.name if case.business else "（被投诉方不明确）"),
                ("商品或服务", case.product),
                ("收到投诉日期", cn_date(timezone.localdate(case.received_at))),
                ("审查决定日期", cn_date(case.decided_on)),
            ],
            actor=actor,
        )
        case_notify(case=case, step="rejected", document=notice, actor=actor)
        return case


def render_rejection_notice(*, case, grounds, explanation) -> str:
    """The 不予受理告知书 text, always in Chinese: it is a document addressed to the consumer."""
    with translation.override("zh-hans"):
        return render_to_string(
            "cases/rejection_notice.txt",
            {"case": case, "grounds": grounds, "explanation": explanation},
        )


# --- handling -------------------------------------------------------------------------------------


def case_start_mediation(*, case_id: int, actor, reason: str) -> Case:
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        return transitions.run(
            case, "start_mediation", actor=actor, reason=reason or record_text(gettext_lazy("Mediation started"))
        )


def case_withdraw(*, case_id: int, actor, reason: str, check_permission=True) -> Case:
    """The consumer withdraws (or settled privately); an open pause ends with the case."""
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        if case.pause_kind and case.is_open:
            transitions.pause_close(case, actor=actor)
        return transitions.run(
            case,
            "withdraw",
            actor=actor,
            reason=record_text(gettext_lazy("Withdrawn: %(why)s"), why=reason),
            check_permission=check_permission,
            why=reason,
            on=today(),
        )


def case_close(*, case_id: int, actor, note: str = "") -> Case:
    """Close (结案): the consumer is told, and the case file's cover and contents list (卷宗) is issued for the
    archive."""
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        outcome = OUTCOME_ZH.get(case.state, "")
        case = transitions.run(
            case, "close", actor=actor, reason=note or record_text(gettext_lazy("Closed")), note=note, at=timezone.now()
        )
        _issue_case_file(case, outcome=outcome, actor=actor)
        case_notify(case=case, step="closed", actor=actor)
        return case


OUTCOME_ZH = {"resolved": "调解成功", "terminated": "终止调解", "withdrawn": "撤诉"}


def _issue_case_file(case, *, outcome, actor):
    """The 卷宗: the cover (the case at a glance) and the contents (every document and piece of evidence)."""
    documents = list(case.documents.order_by("issued_at", "pk"))
    evidence = list(case.evidence.order_by("pk"))
    lines = ["卷内目录", ""]
    for i, document in enumerate(documents, start=1):
        lines.append(f"{i}. {document.title}　{document.official_number or document.number}　{cn_date(document.issued_on)}")
    for j, item in enumerate(evidence, start=len(documents) + 1):
        lines.append(f"{j}. 证据材料：{item.description or item.file.name.rsplit('/', 1)[-1]}")
    lines += ["", f"{len(documents) + len(evidence) + 1}. 本卷宗封面及目录"]
    mediator = person_name(case.mediator) if case.mediator else ""
    return document_issue(
        case=case,
        kind=DocumentKind.CASE_FILE,
        text="\n".join(lines),
        fields=[
            ("案件编号", case.number or case.tracking_number),
            ("投诉人", case.consumer.name),
            ("被投诉经营者", case.business.name if case.business else "（被投诉方不明确）"),
            ("商品或服务", case.product),
            ("收到投诉日期", cn_date(timezone.localdate(case.received_at))),
            ("立案日期", cn_date(case.filed_on) if case.filed_on else "—"),
            ("处理结果", outcome),
            ("挽回经济损失", f"{case.money_recovered}元" if case.money_recovered is not None else "—"),
            ("结案日期", cn_date(today())),
            ("承办人", mediator or "—"),
            ("保管期限", "长期"),
        ],
        actor=actor,
    )


# --- other writes ------------------------------------------------------------------------------------


def case_assign_mediator(*, case_ids, mediator, actor, reason: str) -> int:
    """(Re)assign cases to a mediator; supervisors only; each case's history records who and why."""
    require_perm(actor, "cases.reassign_case")
    if not reason.strip():
        raise ValidationError(_("Say why the cases are reassigned."))
    if not mediator.has_perm("cases.mediate_case"):
        raise ValidationError(_("%(user)s is not a mediator.") % {"user": mediator})
    count = 0
    with transaction.atomic():
        # Locked in id order, like every write to a case (transitions.lock_case): two bulk reassignments of
        # overlapping cases wait for each other instead of deadlocking.
        locked = (
            Case.objects.select_for_update(of=("self",))
            .filter(pk__in=list(case_ids))
            .exclude(mediator=mediator)
            .order_by("pk")
        )
        for case in locked:
            case.mediator = mediator
            transitions.save_case(
                case,
                actor=actor,
                reason=record_text(gettext_lazy("Assigned to %(user)s: %(why)s"), user=mediator, why=reason),
                update_fields=["mediator", "updated_at"],
            )
            count += 1
    return count


def case_claim(*, case_id: int, actor) -> Case:
    """A mediator (or supervisor) takes on (认领) a case nobody is in charge of; reassigning a case someone
    already has is for supervisors (case_assign_mediator)."""
    if not _may_mediate(actor):
        raise PermissionDenied(_("Only a mediator can take on a case."))
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        if not case.is_open:
            raise ValidationError(_("A finished case cannot be claimed."))
        if case.mediator_id is not None:
            raise ValidationError(
                _("%(case)s already has a mediator in charge: %(user)s.")
                % {"case": case, "user": person_name(case.mediator)},
                code="already_assigned",
            )
        case.mediator = actor
        transitions.save_case(
            case,
            actor=actor,
            reason=record_text(gettext_lazy("Claimed by %(user)s"), user=person_name(actor)),
            update_fields=["mediator", "updated_at"],
        )
    return case


def case_add_note(*, case_id: int, actor, body: str) -> CaseNote:
    if not body.strip():
        raise ValidationError(_("The note is empty."))
    with transaction.atomic():
        note = CaseNote(case_id=case_id, author=actor, body=body)
        save_audited(note, actor)
    return note


def evidence_add(*, case_id: int, actor, file, description: str = "", shared_with_business=False) -> Evidence:
    item = Evidence(
        case_id=case_id, file=file, description=description, shared_with_business=shared_with_business
    )
    return evidence_save(item=item, actor=actor)


def case_update(*, case: Case, actor, reason: str, changed: list[str]) -> Case:
    """Staff edit of a case's descriptive fields; the reason is kept in the history.

    `case` carries the edited values (the admin's form was built on a copy loaded before); they are applied to
    the case as it is now, locked, so a transition or a reassignment made meanwhile is kept, and only the
    `changed` fields are written. Returns the saved, current case."""
    if not changed:
        return case
    with transaction.atomic():
        current = transitions.lock_case(case.pk)
        if not current.is_open:
            raise ValidationError(_("A finished case cannot be edited."))
        if (
            "mediator" in changed
            and not actor.has_perm("cases.reassign_case")
            and current.mediator_id is not None
        ):
            raise PermissionDenied(_("Only a supervisor can reassign a case."))
        if not reason.strip():
            raise ValidationError(_("Say why you change the case."))
        for name in changed:
            field = Case._meta.get_field(name)
            setattr(current, field.attname, getattr(case, field.attname))
        current.full_clean(exclude=["state"])
        transitions.save_case(current, actor=actor, reason=reason, update_fields=[*changed, "updated_at"])
    return current


def evidence_save(*, item: Evidence, actor) -> Evidence:
    """Store an uploaded file after checking its size and its real type (by content)."""
    if item.pk is None:
        validate_evidence_file(item.file)
        item.content_type = detected_type(item.file)
        item.size = item.file.size
        item.uploaded_by = item.uploaded_by or actor
        preview = previews.preview_of(item.file, item.content_type)
        if preview is not None:
            item.preview.save(preview.name, preview, save=False)
    with transaction.atomic():
        save_audited(item, actor)
    return item


# --- deadlines --------------------------------------------------------------------------------------


def case_answer_due_set(*, case: Case, actor, answer_due_on) -> Case:
    """Record the business's answer date its transfer sheet gives (mediation.services.transfers computes it with
    deadlines.business_answer_due and copies it to the sheet); the caller holds the transaction and the case."""
    case.answer_due_on = answer_due_on
    case.set_due_dates(deadlines.case_due_dates(case, deadlines.pauses_of(case)))
    ladder.reschedule(case)
    transitions.save_case(
        case,
        actor=actor,
        reason=record_text(gettext_lazy("Business's answer date set: %(date)s"), date=answer_due_on.isoformat()),
        update_fields=[*deadlines.FIELDS, *ladder.FIELDS, "updated_at"],
    )
    return case


def case_deadlines_recompute(*, case_ids=None, actor=None, reason: str = "") -> int:
    """Count every open case's due dates again (the calendar changed: override rows, a newer chinesecalendar).

    Only cases whose dates or provisional mark change are saved, each with its history (as the system user by
    default); their ladders are rescheduled by the save. Returns how many changed.
    """
    actor = _resolve_actor(actor)
    reason = reason or record_text(gettext_lazy("Calendar updated: due dates recomputed"))
    cases = Case.objects.filter(state__in=OPEN_STATES).select_related("rule_set").prefetch_related("pauses").order_by("pk")
    if case_ids is not None:
        cases = cases.filter(pk__in=list(case_ids))
    changed = 0
    with transaction.atomic():
        for case in cases.select_for_update(of=("self",)).iterator(chunk_size=500):
            due_dates = deadlines.case_due_dates(case, deadlines.pauses_of(case))
            if all(getattr(case, name) == value for name, value in due_dates.items()):
                continue
            case.set_due_dates(due_dates)
            transitions.save_case(case, actor=actor, reason=reason)
            changed += 1
    return changed


def case_mediation_extend(
    *,
    case_id: int,
    actor,
    consumer_consent_on,
    consumer_consent_method: str,
    business_consent_on,
    business_consent_method: str,
    note: str = "",
) -> MediationExtension:
    """Continue mediation past its limit because both parties consented, as far as the case's rule set allows
    (e.g. 上海市消费者权益保护条例 art. 56: +30 days). Both consents are recorded; the limit is counted again from
    filing with the extra days, and a mediation-limit flag already raised is cleared by the ladder."""
    require_perm(actor, "cases.mediate_case")
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        if case.state not in MEDIATION_LIMIT_STATES or case.filed_on is None:
            raise ValidationError(
                _("Mediation can only be extended while a filed case is still without agreement."), code="state"
            )
        rules = case.rule_set
        if rules is None or not rules.extension_days:
            raise ValidationError(
                _("The rules this case was accepted under (%(rules)s) allow no extension by consent.")
                % {"rules": rules or "—"},
                code="no_extension",
            )
        if case.mediation_extended_days:
            raise ValidationError(_("Mediation was already extended by consent."), code="already_extended")
        for day, missing in (
            (consumer_consent_on, _("Record when the consumer consented.")),
            (business_consent_on, _("Record when the business consented.")),
        ):
            if day is None:
                raise ValidationError(missing, code="consent_missing")
            if day > today() or day < case.filed_on:
                raise ValidationError(_("A consent must date between the filing and today."), code="consent_date")
        extension = MediationExtension(
            case=case, rule_set=rules, days=rules.extension_days, article=rules.extension_article,
            consumer_consent_on=consumer_consent_on, consumer_consent_method=consumer_consent_method,
            business_consent_on=business_consent_on, business_consent_method=business_consent_method,
            note=note.strip(), recorded_by=actor,
        )
        extension.full_clean()
        save_audited(extension, actor)
        case.mediation_extended_days = rules.extension_days
        case.set_due_dates(deadlines.case_due_dates(case, deadlines.pauses_of(case)))
        transitions.save_case(
            case,
            actor=actor,
            reason=record_text(
                gettext_lazy("Mediation extended by %(days)s days with both parties' consent (%(article)s)"),
                days=rules.extension_days, article=rules.extension_article,
            ),
        )
    return extension


def on_calendar_changed(sender, dates=(), **kwargs):
    """workcalendar.signals.calendar_changed (connected in CasesConfig.ready): recompute once the change is saved."""
    transaction.on_commit(case_deadlines_recompute)
