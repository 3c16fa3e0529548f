"""The demo is the truth: seed_demo walks realistic cases through the public services over past days and runs
the sweeps on each of them, so what a real month produces is there to look at."""

from io import StringIO

import pytest
from django.core.management import call_command

from cases.choices import CaseState
from cases.models import Case
from mediation.models import BusinessReply, Publication, TransferSheet
from reminders.models import CaseReminder, UrgingNotice

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seeded once for the module (it walks three months of cases), rolled back after it."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            out = StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


def test_every_state_is_in_the_demo(demo):
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)


def test_every_transferred_case_has_its_sheet_and_the_business_answered_in_the_portal(demo):
    transferred = Case.objects.filter(transferred_at__isnull=False)
    assert transferred.count() == TransferSheet.objects.count() > 5
    assert BusinessReply.objects.filter(submitted_by__businesses__isnull=False).count() >= 5


def test_the_sweeps_ran_over_the_past_days(demo):
    assert "sweeps': 91" in demo
    assert CaseReminder.objects.exists()
    assert UrgingNotice.objects.filter(case__state=CaseState.TRANSFERRED).exists()
    assert Case.objects.filter(supervisor_queue_since__isnull=False).exists()
    closed = Case.objects.filter(state=CaseState.CLOSED)
    assert closed.filter(closed_at__isnull=False).count() >= 3


def test_publicity_was_approved_by_another_person_and_published(demo):
    publication = Publication.objects.select_related("escalation").get()
    assert publication.escalation.decided_by != publication.escalation.proposed_by


def test_finished_cases_carry_their_documents(demo):
    for case in Case.objects.filter(agreement_terms__gt=""):
        assert case.documents.filter(kind__in=["agreement", "settlement"]).exists(), case
    for case in Case.objects.filter(termination_ground__isnull=False):
        assert case.documents.filter(kind="termination").exists(), case
    for case in Case.objects.filter(state=CaseState.REJECTED):
        assert case.documents.filter(kind="rejection").exists(), case
    for sheet in TransferSheet.objects.select_related("document"):
        from cases.documents import document_pdf

        assert sheet.document.number == sheet.number and document_pdf(sheet.document).startswith(b"%PDF")


def test_the_urging_notices_on_overdue_sheets_quote_their_sheet(demo):
    notices = UrgingNotice.objects.select_related("case__transfer_sheet", "document")
    assert notices.count() >= 4
    for notice in notices:
        sheet = notice.case.transfer_sheet
        assert notice.deadline == sheet.answer_by
        assert sheet.number in notice.document.text
        assert f"{sheet.answer_by.year}年{sheet.answer_by.month}月{sheet.answer_by.day}日" in notice.document.text
        assert notice.answer_by > notice.deadline


def test_a_second_run_changes_nothing(demo):
    before = Case.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Case.objects.count() == before


def test_the_data_exchange_is_in_the_demo(demo):
    """A 12315 partner with forwarded cases and their back-fill events; a platform business with a key that
    answered a sheet through its API user and was told of its sheets and an urging notice."""
    from api.models import ApiEvent, ApiKey, Handoff, Partner

    forwarder = Partner.objects.get(kind="forwarder")
    platform = Partner.objects.get(kind="business")
    assert Handoff.objects.filter(partner=forwarder).count() >= 3
    assert set(Case.objects.filter(handoff__partner=forwarder).values_list("channel", flat=True)) == {"transferred_in"}
    kinds = set(ApiEvent.objects.filter(partner=forwarder).values_list("kind", flat=True))
    assert {"case.accepted", "case.rejected", "case.resolved"} <= kinds
    assert ApiEvent.objects.filter(published_at__isnull=True).count() == 0
    assert BusinessReply.objects.filter(submitted_by=platform.user).exists()
    platform_kinds = set(ApiEvent.objects.filter(partner=platform).values_list("kind", flat=True))
    assert {"sheet.issued", "sheet.urged"} <= platform_kinds
    assert ApiKey.objects.filter(partner__in=[forwarder, platform], revoked_at__isnull=True).count() == 2
    assert "Demo API keys" in demo and "xh_" in demo


def test_the_demo_holds_every_document_kind_each_embedding_its_fonts(demo):
    from io import BytesIO

    from pypdf import PdfReader

    from cases.documents import document_pdf
    from cases.models import Document, DocumentKind

    assert set(Document.objects.values_list("kind", flat=True)) == set(DocumentKind.values)
    for kind in DocumentKind.values:
        document = Document.objects.filter(kind=kind).first()
        reader = PdfReader(BytesIO(document_pdf(document)))
        for ref in reader.pages[0]["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object() \
                if "/DescendantFonts" in font else font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, (kind, font["/BaseFont"])


def test_every_consumer_past_screening_got_an_sms_or_email_with_its_document(demo):
    from cases.models import Delivery

    for case in Case.objects.filter(decided_on__isnull=False) | Case.objects.filter(filed_on__isnull=False):
        sent = Delivery.objects.filter(case=case, party="consumer", method__in=["sms", "email"],
                                       document__isnull=False, notification__isnull=False)
        assert sent.exists(), case


def test_a_phone_filed_case_has_its_letters_in_the_print_queue(demo):
    from cases.models import Delivery

    letters = Delivery.objects.filter(method="letter", status="queued", case__channel="phone", party="consumer")
    assert letters.exists()
    assert all(letter.document_id and letter.address for letter in letters)


def test_agreements_record_performance_and_the_money_paid_apart(demo):
    performed = Case.objects.filter(performed_on__isnull=False)
    assert performed.filter(performance_confirmed_by="business").exists()
    assert performed.filter(performance_confirmed_by="consumer", money_paid__isnull=False).exists()
    assert Case.objects.filter(performance_confirmed_by="not:consumer").exists()


def test_the_demo_staff_have_real_names_and_phones(demo):
    from django.contrib.auth import get_user_model

    from accounts.people import display_name, staff_phone

    staff = get_user_model().objects.filter(is_staff=True, is_active=True).select_related("staff_profile")
    assert staff.count() >= 4
    for user in staff:
        assert display_name(user) != user.username and staff_phone(user), user


def test_online_complaints_carry_a_receipt_photo_and_an_invoice_with_previews(demo):
    from cases.models import Evidence

    online = Evidence.objects.filter(case__channel="online")
    assert online.filter(content_type="image/jpeg").exists() and online.filter(content_type="application/pdf").exists()
    assert not online.filter(preview="").exists()


def test_the_demo_shows_the_rules_claims_and_parties_of_issue_11(demo):
    """The demo follows the 上海 rule set, and walks an extension by consent, a punitive-damages agreement and a
    complaint filed by an agent with a 举报 referred on."""
    from decimal import Decimal

    from cases.models import Agent, MediationExtension

    filed = Case.objects.filter(filed_on__isnull=False)
    assert set(filed.values_list("rule_set__code", flat=True)) == {"shanghai-2014"}
    extension = MediationExtension.objects.select_related("case").get()
    assert extension.days == 30 and extension.case.mediation_extended_days == 30
    assert extension.consumer_consent_on and extension.business_consent_on
    punitive = Case.objects.get(punitive_damages__gt=0)
    assert punitive.punitive_damages == Decimal("1000.00") and punitive.demand_type == "punitive_148"
    agent = Agent.objects.select_related("case").get()
    assert agent.power_of_attorney and agent.case.report_referred_on is not None
