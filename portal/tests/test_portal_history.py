"""The business's history of answered and closed sheets with their documents; status texts that say what is
true now; the 已答复 mark follows every recorded answer, the portal's and the one a mediator recorded by phone."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import DocumentKind
from mediation.models import TransferSheet
from mediation.services import transfers

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _sheet(case):
    return TransferSheet.objects.select_related("case").get(case=case)


def test_answered_and_closed_sheets_are_in_the_history_with_their_documents(
    client, make_case, business_user, business, other_business, mediator
):
    phone = make_case("replied")  # the mediator recorded the business's phone answer
    closed = make_case("closed")
    waiting = make_case("transferred")
    foreign = make_case("closed", business=other_business)
    client.force_login(business_user)
    page = client.get(reverse("portal:history")).content.decode()
    assert _sheet(phone).number in page and _sheet(closed).number in page
    assert _sheet(waiting).number not in page and _sheet(foreign).number not in page
    agreement = closed.documents.get(kind=DocumentKind.AGREEMENT)
    link = reverse("portal:sheet_document", args=[_sheet(closed).pk, agreement.pk])
    assert link in page
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_documents_of_another_case_or_for_the_consumer_only_are_not_served(client, make_case, business_user):
    closed, other = make_case("closed"), make_case("closed")
    client.force_login(business_user)
    foreign_doc = other.documents.get(kind=DocumentKind.AGREEMENT)
    assert client.get(reverse("portal:sheet_document", args=[_sheet(closed).pk, foreign_doc.pk])).status_code == 404
    rejected = make_case("submitted")
    from cases import services
    from cases.models import RejectionGround

    services.case_reject(case_id=rejected.pk, actor=rejected.mediator, grounds=[RejectionGround.objects.filter(is_active=True).first()],
                         explanation="不属于受理范围")
    notice = rejected.documents.get(kind=DocumentKind.REJECTION_NOTICE)
    assert client.get(reverse("portal:sheet_document", args=[_sheet(closed).pk, notice.pk])).status_code == 404


def test_an_answered_sheet_says_answered_and_asks_for_no_answer_date(client, make_sheet, business_user):
    sheet = make_sheet()
    transfers.business_reply_submit(sheet_id=sheet.pk, actor=business_user, kind="offer", remedy="refund",
                                    amount=Decimal("100"))
    client.force_login(business_user)
    page = client.get(reverse("portal:sheet", args=[sheet.pk]), **EN).content.decode()
    assert 'data-status="answered"' in page
    assert "Answer by" not in page
    home = client.get(reverse("portal:home"), **EN).content.decode()
    assert 'data-status="answered"' in home and "days left" not in home


def test_a_phone_answer_recorded_by_staff_marks_the_sheet_answered(client, make_case, business_user, supervisor):
    case = make_case("replied")
    sheet = _sheet(case)
    assert sheet.is_answered and not sheet.awaits_answer
    client.force_login(business_user)
    page = client.get(reverse("portal:sheet", args=[sheet.pk]), **EN).content.decode()
    assert 'data-status="answered"' in page and "同意更换" in page and "Answer by" not in page
    client.force_login(supervisor)
    listing = client.get(reverse("admin:mediation_transfersheet_changelist")).content.decode()
    assert 'alt="True"' in listing.split(sheet.number, 1)[1].split("</tr>")[0]


def test_a_case_taken_over_by_the_association_no_longer_counts_days(client, make_case, business_user):
    sheet = _sheet(make_case("mediating"))
    client.force_login(business_user)
    page = client.get(reverse("portal:sheet", args=[sheet.pk]), **EN).content.decode()
    assert 'data-status="association"' in page and "Answer by" not in page
