"""Appraisal (鉴定): the request pauses the clock; the conclusion resumes it and moves the due date by the paused
days; parties that cannot agree end mediation with ground T04."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import deadlines
from cases.models import Case, CasePause, DocumentKind, TerminationGround
from conftest import PDF_BYTES
from mediation.models import AppraisalRequest
from mediation.services.appraisal import appraisal_conclude, appraisal_request
from mediation.services.outcomes import outcome_terminate

pytestmark = pytest.mark.django_db


def _on(time_machine, day):
    time_machine.move_to(timezone.make_aware(datetime.combine(day, time(10))), tick=False)


def _request(case, mediator, body, **extra):
    return appraisal_request(
        case_id=case.pk, actor=mediator, body=body, items="冰箱压缩机是否存在质量缺陷",
        fee=Decimal("800.00"), fee_advanced_by="consumer", **extra,
    )


def test_the_due_date_moves_by_the_paused_days(make_case, mediator, appraisal_body, time_machine):
    _on(time_machine, date(2026, 3, 2))  # Monday; filed today
    case = make_case("mediating")
    assert case.due_on == date(2026, 3, 17)  # 15 calendar days later, a Tuesday
    _on(time_machine, date(2026, 3, 5))
    request = _request(case, mediator, appraisal_body)
    case.refresh_from_db()
    assert (case.state, case.pause_kind, case.paused_on) == ("appraisal", "appraisal", date(2026, 3, 5))
    assert request.requested_on == date(2026, 3, 5) and request.status == "open"
    assert CasePause.objects.get(case=case, ended_on__isnull=True).kind == "appraisal"

    _on(time_machine, date(2026, 3, 15))  # ten days later
    conclusion = SimpleUploadedFile("结论.pdf", PDF_BYTES, content_type="application/pdf")
    appraisal_conclude(
        case_id=case.pk, actor=mediator, conclusion="压缩机存在制造缺陷", conclusion_file=conclusion,
        responsible_party="business", fee_borne_by="business",
    )
    case.refresh_from_db()
    assert (case.state, case.pause_kind) == ("mediating", "")
    # Counted again from filing (2 March): Mar 3-5 = 3, Mar 6-15 paused, Mar 16-27 = 15, a Friday.
    assert case.due_on == date(2026, 3, 27)
    assert case.due_on == deadlines.handling_due(date(2026, 3, 2), [(date(2026, 3, 5), date(2026, 3, 15))]).on
    request.refresh_from_db()
    assert request.status == "concluded" and request.received_on == date(2026, 3, 15)
    assert request.conclusion_content_type == "application/pdf"
    assert request.conclusion_file.read().startswith(b"%PDF")
    assert (request.responsible_party, request.fee_borne_by, request.fee) == ("business", "business", Decimal("800"))
    assert CasePause.objects.get(case=case).days == 10
    assert request.history.first().history_user == mediator


def test_a_conclusion_that_is_not_a_document_is_refused_and_nothing_changes(
    make_case, mediator, appraisal_body
):
    case = make_case("mediating")
    _request(case, mediator, appraisal_body)
    fake = SimpleUploadedFile("结论.pdf", b"just text pretending", content_type="application/pdf")
    with pytest.raises(ValidationError):
        appraisal_conclude(
            case_id=case.pk, actor=mediator, conclusion="结论", conclusion_file=fake,
            responsible_party="business", fee_borne_by="business",
        )
    case.refresh_from_db()
    assert case.state == "appraisal"
    assert AppraisalRequest.objects.get().status == "open"


def test_request_needs_an_active_body_items_and_the_right_state(make_case, mediator, appraisal_body):
    case = make_case("transferred")
    with pytest.raises(ValidationError):
        _request(case, mediator, appraisal_body)  # not mediating yet
    case = make_case("mediating")
    with pytest.raises(ValidationError):
        appraisal_request(case_id=case.pk, actor=mediator, body=appraisal_body, items="  ")
    appraisal_body.is_active = False
    appraisal_body.save()
    with pytest.raises(ValidationError):
        _request(case, mediator, appraisal_body)
    assert not AppraisalRequest.objects.exists()
    assert Case.objects.get(pk=case.pk).state == "mediating"


def test_a_business_user_cannot_request_appraisal(make_case, business_user, appraisal_body):
    case = make_case("mediating")
    with pytest.raises(PermissionDenied):
        _request(case, business_user, appraisal_body)
    assert not AppraisalRequest.objects.exists()


def test_a_received_date_before_the_request_is_refused(make_case, mediator, appraisal_body, time_machine):
    _on(time_machine, date(2026, 3, 2))
    case = make_case("mediating")
    _on(time_machine, date(2026, 3, 5))
    _request(case, mediator, appraisal_body)
    with pytest.raises(ValidationError):
        appraisal_conclude(
            case_id=case.pk, actor=mediator, conclusion="结论", responsible_party="business",
            fee_borne_by="business", received_on=date(2026, 3, 4),
        )
    assert Case.objects.get(pk=case.pk).state == "appraisal"


def test_no_agreement_on_the_body_or_fee_terminates_with_t04(make_case, mediator, appraisal_body, time_machine):
    _on(time_machine, date(2026, 3, 2))
    case = make_case("mediating")
    _request(case, mediator, appraisal_body)
    _on(time_machine, date(2026, 3, 9))
    document = outcome_terminate(
        case_id=case.pk, actor=mediator, ground=TerminationGround.objects.get(code="T04"), channel="court",
        explanation="双方对鉴定费用承担无法达成一致",
    )
    case.refresh_from_db()
    assert case.state == "terminated" and case.termination_ground.code == "T04"
    assert case.pause_kind == "" and CasePause.objects.get(case=case).ended_on == date(2026, 3, 9)
    assert AppraisalRequest.objects.get().status == "abandoned"
    assert document.kind == DocumentKind.TERMINATION_NOTICE


def test_appraisal_through_the_case_page(client, make_case, mediator, appraisal_body):
    case = make_case("mediating")
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    url = reverse("admin:cases_case_act", args=[case.pk, "request_appraisal"])
    assert url in page
    assert appraisal_body.name in client.get(url).content.decode()
    response = client.post(url, {"body": appraisal_body.pk, "items": "送检压缩机", "fee": "500", "fee_advanced_by": "consumer"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "appraisal"

    url = reverse("admin:cases_case_act", args=[case.pk, "appraisal_done"])
    bad = client.post(url, {"conclusion": "", "received_on": timezone.localdate().isoformat()})
    assert bad.status_code == 200 and Case.objects.get(pk=case.pk).state == "appraisal"
    response = client.post(url, {
        "conclusion": "存在质量缺陷", "received_on": timezone.localdate().isoformat(), "responsible_party": "business",
        "fee_borne_by": "business", "conclusion_file": SimpleUploadedFile("c.pdf", PDF_BYTES),
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    request = AppraisalRequest.objects.get()
    assert request.status == "concluded" and request.conclusion_file
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "存在质量缺陷" in page and appraisal_body.name in page
