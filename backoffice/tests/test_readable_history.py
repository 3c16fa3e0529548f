"""The audit trail and the 历史记录 page read as the pages do: translated field names, state labels, local dates,
people's names, yuan; grouped per action with who, when and why; no ids or internals; nothing reverts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import StaffProfile
from backoffice.audit import case_audit_actions
from cases import services
from core.audit import save_audited
from mediation.services import outcomes

pytestmark = pytest.mark.django_db

INTERNALS = ["None", "case:", "案件:", "content type", "内容类型", "Deleted", "pk=", "+00:00", "resolved", "mediating"]


@pytest.fixture
def resolved_case(make_case, mediator, time_machine):
    StaffProfile.objects.create(user=mediator, display_name="李晓梅")
    case = make_case("mediating")
    time_machine.move_to(timezone.now() + timedelta(minutes=10))  # a later action (make_case walks its steps in the same second)
    outcomes.outcome_resolve(
        case_id=case.pk, actor=mediator, remedies=[{"kind": "refund", "amount": Decimal("1299.50")}]
    )
    return case


def _text(actions):
    return "\n".join(
        f"{a.who} {' '.join(a.reasons)} "
        + " ".join(f"{e.what} {e.kind} " + " ".join(f"{c.field} {'' if c.old is None else c.old} {c.new}" for c in e.changes) for e in a.entries)
        for a in actions
    )


def test_the_trail_reads_like_the_pages(resolved_case):
    with translation.override("zh-hans"):
        actions = case_audit_actions(resolved_case)
        text = _text(actions)
    resolve = actions[0]
    assert resolve.who == "李晓梅"
    case_entry = resolve.entries[0]
    state = next(c for c in case_entry.changes if c.field == "状态")
    assert (state.old, state.new) == ("调解中", "调解成功")
    assert "1,299.50元" in text
    assert "2026年6月15日" in text  # the outcome date, as the pages write dates
    for internal in INTERNALS:
        assert internal not in text, internal
    # the remedy and the agreement written by the same action are grouped with the case's change
    assert any(e.what.startswith("解决方案") for e in resolve.entries)
    assert any(e.what.startswith("已出具文书") for e in resolve.entries)


def test_english_trail_is_english(resolved_case):
    with translation.override("en"):
        text = _text(case_audit_actions(resolved_case))
    assert "Mediating" in text and "Resolved" in text and "1,299.50 yuan" in text
    assert "June 15, 2026" in text


def test_the_history_page_shows_the_trail_and_never_reverts(client, supervisor, resolved_case):
    client.force_login(supervisor)
    page = client.get(reverse("admin:cases_case_history", args=[resolved_case.pk])).content.decode()
    assert "李晓梅" in page and "调解成功" in page
    for internal in ("None", "Deleted", "pk=None", "+00:00", "Change reason"):
        assert internal not in page, internal
    version = resolved_case.history.earliest("history_date")
    url = reverse("admin:cases_case_simple_history", args=[resolved_case.pk, version.history_id])
    assert client.post(url, {}).status_code == 403


def test_other_records_have_a_readable_history_page(client, supervisor, business):
    client.force_login(supervisor)
    business.phone = "021-12345678"
    save_audited(business, supervisor, reason="电话变更")
    page = client.get(reverse("admin:cases_business_history", args=[business.pk])).content.decode()
    assert "021-12345678" in page and "电话变更" in page and "None" not in page


def test_a_finished_case_page_asks_for_no_reason(client, supervisor, make_case):
    case = make_case("withdrawn")
    client.force_login(supervisor)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "change_reason" not in page and "None" not in page.split("audit-trail")[0]
    assert services  # the case was walked through the public services (make_case)


def test_the_case_pages_trail_section_reads_the_same_trail_for_staff_only(client, supervisor, business_user,
                                                                          resolved_case):
    url = reverse("admin:cases_case_trail", args=[resolved_case.pk])
    page = client.get(reverse("admin:cases_case_change", args=[resolved_case.pk]))
    assert page.status_code == 302  # not signed in
    assert client.get(url).status_code == 302
    client.force_login(business_user)
    assert client.get(url).status_code == 302  # not staff: the admin's login
    client.force_login(supervisor)
    page = client.get(reverse("admin:cases_case_change", args=[resolved_case.pk])).content.decode()
    assert f'data-audit-trail-url="{url}"' in page and "调解成功" not in page.split("audit-trail-holder")[1][:400]
    trail = client.get(url).content.decode()
    assert trail.lstrip().startswith('<table class="audit-trail">')  # a fragment for the section, not a page
    assert "李晓梅" in trail and "调解成功" in trail and "1,299.50元" in trail
    for internal in INTERNALS:
        assert internal not in trail, internal
    assert client.get(reverse("admin:cases_case_trail", args=[999999])).status_code == 404
    assert client.get("/admin/cases/case/abc/trail/").status_code == 404
