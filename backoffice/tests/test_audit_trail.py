"""Every record of a case reaches its audit trail: the sheet and its sending, the business's answer, messages, the
consumer's response, the documents, the remedies, the follow-up and the steps the sweep took."""

from decimal import Decimal

import pytest
from django.utils import translation

from backoffice.audit import case_audit_trail
from mediation.services import follow_up, transfers
from reminders.services import deadlines_sweep

pytestmark = pytest.mark.django_db


def test_the_trail_shows_every_record_of_a_case(make_case, business_user, time_machine):
    case = make_case("transferred")
    sheet = case.transfer_sheet
    transfers.sheet_message_add(sheet_id=sheet.pk, actor=business_user, body="正在核实")
    time_machine.move_to(sheet.answer_by.isoformat() + "T00:00:00+08:00")
    time_machine.shift(86400 * 2)
    deadlines_sweep()  # the first 催办
    transfers.business_reply_submit(
        sheet_id=sheet.pk, actor=business_user, kind="offer", remedy="refund", amount=Decimal("100.00")
    )
    transfers.consumer_offer_respond(case_id=case.pk, accept=True)
    follow_up.consumer_rate(case_id=case.pk, satisfaction=5)

    with translation.override("en"):
        what = [entry.what for entry in case_audit_trail(case)]
    for label in (
        "Transfer sheet ", "Transfer sheet sent ", "Business's answer ", "Message with the business ",
        "Consumer's response ", "Issued document ", "Remedy ", "Follow-up ", "Reminder",
    ):
        assert any(w.startswith(label) for w in what), (label, what)
    documents = [w for w in what if w.startswith("Issued document ")]
    assert len(documents) >= 3  # the sheet, the urging notice, the agreement
