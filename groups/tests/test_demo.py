"""The demo holds the group complaint of the closed gym and the training school's ungrouped similar complaints;
the cluster view, the hot-spot alert and the statistics find them."""

import io
import zipfile
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from groups.models import GroupComplaint, HotspotAlert, LawsuitSupport
from groups.selectors import member_figures, similar_clusters
from groups.services import hotspot_alerts_send
from notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.live_clock]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            call_command("seed_demo", stdout=StringIO())
            yield
            transaction.set_rollback(True)


@pytest.fixture
def gym(demo):
    return GroupComplaint.objects.get(business__name__startswith="力健健身")


def _login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


def test_the_gym_group_has_members_representatives_a_leaver_and_outcomes(gym):
    members = list(gym.members.select_related("case"))
    assert len(members) >= 5
    assert sum(m.is_representative for m in members) == 2
    left = [m for m in members if m.left_on]
    assert any(m.leave_reason and m.case.is_open for m in left)  # left and continues alone
    assert {m.outcome for m in members} >= {"accepted", "refused"}
    assert any(m.outcome_by_representative_id for m in members)
    assert gym.status == "open" and gym.lead_case.state == "mediating"
    sheet = gym.lead_case.transfer_sheet.document
    for m in members:
        assert m.case.consumer.name in sheet.text and m.case.consumer.phone not in sheet.text
    for m in members:
        if m.outcome == "accepted" and m.case_id != gym.lead_case_id:
            assert m.case.documents.filter(kind="agreement").exists()
            assert m.case.money_recovered == m.outcome_amount
    assert LawsuitSupport.objects.filter(group=gym, kind="public_interest").exists()
    assert LawsuitSupport.objects.filter(kind="support", group__isnull=True).exists()


def test_the_cluster_view_finds_the_demos_ungrouped_similar_complaints(demo, client):
    clusters = similar_clusters(since=timezone.localdate() - timedelta(days=90))
    school = next(c for c in clusters if c.business.startswith("启航"))
    assert len(school.cases) == 10 and school.open_group is None
    _login(client, "zhuguan")
    page = client.get(reverse("admin:groups_hotspots")).content.decode()
    assert page.count('name="cases"') >= 10 and "启航少儿英语培训学校" in page
    for case in school.cases:
        assert f'value="{case.pk}"' in page


def test_a_mediator_is_not_shown_the_hot_spots(demo, client):
    _login(client, "tiaojie")
    assert client.get(reverse("admin:groups_hotspots")).status_code == 403


def test_the_threshold_alert_went_to_the_supervisors_once(demo):
    alert = HotspotAlert.objects.get()
    assert alert.business.name == "启航少儿英语培训学校" and alert.complaints >= 10
    assert Notification.objects.filter(template="groups/hotspot", channel="in_app").count() == 2  # two supervisors
    assert hotspot_alerts_send() == 0  # the same window: not again


def test_statistics_count_members_as_well_as_cases(demo, client, gym):
    from reports.selectors import Period

    today = timezone.localdate()
    period = Period(start=today - timedelta(days=120), end=today)
    figures = member_figures(period.cases().filter(period.received))
    active = gym.members.filter(left_on__isnull=True).count()
    assert figures["group_complaints"] == 1 and figures["group_members"] == active
    assert figures["matters"] == figures["consumers"] - active + 1
    _login(client, "zhuguan")
    page = client.get(reverse("admin:reports_statistics_changelist"), {"start": period.start, "end": period.end})
    html = page.content.decode()
    assert f'data-figure="group_members">{active}<' in html
    assert f'data-figure="consumers">{figures["consumers"]}<' in html


def test_the_group_page_and_its_evidence_bundle(demo, client, gym):
    _login(client, "tiaojie")
    page = client.get(reverse("admin:groups_groupcomplaint_change", args=[gym.pk]))
    assert page.status_code == 200 and "赵雪梅" in page.content.decode()
    pdf = client.get(reverse("admin:groups_groupcomplaint_bundle", args=[gym.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf.content))
    documents = sum(1 for m in gym.members.all() for _d in m.case.documents.all())
    assert len(reader.pages) > documents  # the cover, then every document
    text = reader.pages[0].extract_text()
    assert "证据材料汇编" in text and gym.number in text
    archive = client.get(reverse("admin:groups_groupcomplaint_bundle", args=[gym.pk, "zip"]))
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert any(n.startswith("evidence/") for n in names)
    assert any(n.startswith("authorisations/") for n in names)
    assert sum(n.startswith("documents/") for n in names) == documents
