"""Outcomes: the agreement's remedy lines and money recovered, the 调解协议书 and 终止调解告知书 PDFs (text read back
with pypdf), frozen once issued, and the richer case-page forms."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from cases.documents import document_pdf
from cases.models import Case, TerminationGround
from cases.models import Document as CaseDocument
from mediation.models import RemedyLine
from mediation.services.outcomes import outcome_resolve, outcome_terminate

pytestmark = pytest.mark.django_db

REMEDIES = [
    {"kind": "refund", "amount": Decimal("4299.00"), "description": "退还购机款"},
    {"kind": "compensation", "amount": Decimal("300.00"), "description": "交通误工费"},
    {"kind": "apology", "amount": None, "description": "书面道歉"},
]


def _text(document):
    data = document_pdf(document)
    return "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).replace("\n", "")


def test_resolve_records_remedies_and_issues_the_agreement(make_case, mediator, business):
    case = make_case("mediating")
    document = outcome_resolve(case_id=case.pk, actor=mediator, remedies=REMEDIES)
    case.refresh_from_db()
    assert case.state == "resolved"
    assert case.money_recovered == Decimal("4599.00")  # 挽回经济损失: the sum of the amounts (recovered_value)
    assert case.agreement_terms == "退款4299.00元（退还购机款）；赔偿300.00元（交通误工费）；赔礼道歉（书面道歉）"
    assert [(r.kind, r.amount) for r in RemedyLine.objects.filter(case=case)] == [
        ("refund", Decimal("4299.00")), ("compensation", Decimal("300.00")), ("apology", None),
    ]
    assert document.kind == "agreement" and document.number.startswith("XY-")
    text = _text(document)
    for expected in ("调解协议书", document.number, case.number, "张伟", "13900001234", business.name, "双门冰箱",
                     "退款人民币肆仟贰佰玖拾玖元整（4,299.00元）", "赔偿人民币叁佰元整（300.00元）", "赔礼道歉", "盖章处",
                     "一式三份", "甲方", "乙方", "履行期限", "调解员签字", "日期："):
        assert expected in text, expected
    # a contract between the parties: no internal statistic, no remedy list repeated as "协议内容"
    for unexpected in ("挽回经济损失", "人民币肆仟伍佰玖拾玖元整", "协议内容"):
        assert unexpected not in text, unexpected
    assert document.history.get().history_user == mediator


def test_money_recovered_counts_the_agreed_value_of_goods(make_case, mediator):
    """挽回经济损失 is defined once: money plus the agreed value of goods or services; an apology counts nothing."""
    case = make_case("mediating")
    outcome_resolve(case_id=case.pk, actor=mediator, terms="赔礼道歉并更换",
                    remedies=[REMEDIES[2], {"kind": "replacement", "amount": Decimal("3299.00"), "description": "新机"}])
    case.refresh_from_db()
    assert (case.money_recovered, case.agreement_terms) == (Decimal("3299.00"), "赔礼道歉并更换")
    assert case.money_paid is None  # what was actually paid is recorded on performance, apart


def test_the_issued_agreement_is_frozen(make_case, mediator):
    case = make_case("mediating")
    document = outcome_resolve(case_id=case.pk, actor=mediator, remedies=REMEDIES[:1])
    before_text, before_pdf = document.text, document_pdf(document)
    Case.objects.filter(pk=case.pk).update(product="别的商品", facts="改过的事实")
    document = CaseDocument.objects.get(pk=document.pk)
    assert document.text == before_text and "冰箱不制冷" in document.text
    assert document_pdf(document) == before_pdf


@pytest.mark.parametrize(
    "remedies",
    [
        [],
        [{"kind": "refund", "amount": None}],
        [{"kind": "apology", "amount": Decimal("1")}],
        [{"kind": "repair", "amount": Decimal("-1")}],
        [{"kind": "teleport", "amount": None}],
    ],
)
def test_bad_remedies_are_refused_and_nothing_is_saved(make_case, mediator, remedies):
    case = make_case("mediating")
    with pytest.raises(ValidationError):
        outcome_resolve(case_id=case.pk, actor=mediator, remedies=remedies)
    assert Case.objects.get(pk=case.pk).state == "mediating"
    assert not RemedyLine.objects.exists() and not CaseDocument.objects.filter(kind__in=["agreement", "termination"]).exists()


def test_a_business_user_cannot_resolve(make_case, business_user):
    case = make_case("mediating")
    with pytest.raises(PermissionDenied):
        outcome_resolve(case_id=case.pk, actor=business_user, remedies=REMEDIES)
    assert not CaseDocument.objects.filter(kind__in=["agreement", "termination"]).exists() and not RemedyLine.objects.exists()


def test_terminate_issues_the_notice_with_ground_and_channel(make_case, mediator, business):
    case = make_case("mediating")
    document = outcome_terminate(
        case_id=case.pk, actor=mediator, ground=TerminationGround.objects.get(code="T02"), channel="administrative",
        explanation="经营者拒绝继续调解",
    )
    case.refresh_from_db()
    assert (case.state, case.advised_channel) == ("terminated", "administrative")
    text = _text(document)
    for expected in ("终止调解告知书", document.number, case.number, "张伟", business.name,
                     "一方拒绝继续调解", "经营者拒绝继续调解", "向市场监管部门（12315）投诉", "第三十九条"):
        assert expected in text, expected


def test_terminate_needs_an_explanation(make_case, mediator):
    case = make_case("mediating")
    with pytest.raises(ValidationError):
        outcome_terminate(case_id=case.pk, actor=mediator, ground=TerminationGround.objects.get(code="T01"),
                          channel="court", explanation=" ")
    assert Case.objects.get(pk=case.pk).state == "mediating"


def test_resolve_and_download_through_the_case_page(client, make_case, mediator, business_user):
    case = make_case("mediating")
    client.force_login(mediator)
    url = reverse("admin:cases_case_act", args=[case.pk, "resolve"])
    empty = client.post(url, {"terms": "", "money_recovered": ""})
    assert empty.status_code == 200 and empty.context["form"].non_field_errors()
    response = client.post(url, {"refund_amount": "100.00", "refund_details": "退部分货款", "apology_details": "口头道歉"})
    assert response.status_code == 302
    document = CaseDocument.objects.get(case=case, kind__in=["agreement", "termination"])
    assert Case.objects.get(pk=case.pk).money_recovered == Decimal("100.00")
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    pdf_url = reverse("admin:cases_document_pdf", args=[document.pk])
    assert pdf_url in page and "退部分货款" in page
    response = client.get(pdf_url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.force_login(business_user)
    assert client.get(pdf_url).status_code == 302  # not staff: sent to the login page


def test_terminate_form_suggests_t04_during_appraisal(client, make_case, mediator):
    case = make_case("appraisal")
    client.force_login(mediator)
    response = client.get(reverse("admin:cases_case_act", args=[case.pk, "terminate"]))
    form = response.context["form"]
    assert form.fields["ground"].initial == TerminationGround.objects.get(code="T04").pk
    response = client.post(reverse("admin:cases_case_act", args=[case.pk, "terminate"]), {
        "ground": form.fields["ground"].initial, "channel": "court", "explanation": "无法就鉴定机构达成一致",
    })
    assert response.status_code == 302
    assert CaseDocument.objects.get(case=case, kind__in=["agreement", "termination"]).kind == "termination"


# --- termination grounds checked against the case (issue 11) -------------------------------------------------


def _terminate(case, mediator, code, channel="court"):
    return outcome_terminate(
        case_id=case.pk, actor=mediator, ground=TerminationGround.objects.get(code=code), channel=channel,
        explanation="无法继续调解",
    )


def test_t13_is_refused_before_the_mediation_limit_and_nothing_is_saved(make_case, mediator):
    case = make_case("mediating")  # filed 2026-06-15: 45 working days -> the limit lies in August
    with pytest.raises(ValidationError, match="理由T13须在调解期限届满后适用"):
        _terminate(case, mediator, "T13")
    case.refresh_from_db()
    assert case.state == "mediating" and not case.documents.filter(kind="termination").exists()


def test_t13_is_accepted_past_the_limit(make_case, mediator, time_machine):
    case = make_case("mediating")
    time_machine.move_to(case.mediation_due_on + timedelta(days=1))
    _terminate(case, mediator, "T13")
    assert Case.objects.get(pk=case.pk).termination_ground.code == "T13"


def test_t04_only_with_an_appraisal_in_dispute(make_case, mediator):
    case = make_case("mediating")
    with pytest.raises(ValidationError, match="本案没有进行中的鉴定"):
        _terminate(case, mediator, "T04")
    in_appraisal = make_case("appraisal")
    _terminate(in_appraisal, mediator, "T04")
    assert Case.objects.get(pk=in_appraisal.pk).state == "terminated"


def test_an_old_ground_and_the_association_s_own_channel_are_refused(make_case, mediator):
    case = make_case("mediating")
    with pytest.raises(ValidationError, match="已停用"):
        _terminate(case, mediator, "T06")
    with pytest.raises(ValidationError, match="请建议本会调解以外的其他途径"):
        _terminate(case, mediator, "T16", channel="association")
    _terminate(case, mediator, "T16", channel="administrative")
