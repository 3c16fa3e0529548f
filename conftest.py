"""Fixtures shared by every app's tests: users per role, and cases walked to any state through the services."""

import os
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group

from tests.factories import BusinessFactory, UserFactory


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` run only on PostgreSQL; under CI's service run they must not be skipped."""
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            if os.environ.get("REQUIRE_SERVICES"):
                raise pytest.UsageError("REQUIRE_SERVICES is set but the database is not PostgreSQL")
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "redis" in item.keywords and not settings.REDIS_URL:
            if os.environ.get("REQUIRE_SERVICES"):
                raise pytest.UsageError("REQUIRE_SERVICES is set but REDIS_URL is not")
            item.add_marker(pytest.mark.skip(reason="needs Redis (set REDIS_URL)"))


# Tests run on a fixed day, so no result depends on the day the suite runs (a due date falling in a year whose
# holiday notice is not out yet, a weekend, a holiday). A test that needs another day travels there itself; one that
# needs the real clock (a real worker, a browser against a live server) is marked `live_clock`.
PINNED_NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday, in the covered calendar


@pytest.fixture(autouse=True)
def _pinned_today(request):
    if request.node.get_closest_marker("live_clock"):
        yield
        return
    with time_machine.travel(PINNED_NOW, tick=True):
        yield


def _user_in(group, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group))
    return type(user).objects.get(pk=user.pk)  # fresh: no stale permission cache


@pytest.fixture
def mediator(db):
    return _user_in("mediator", first_name="调解员甲")


@pytest.fixture
def other_mediator(db):
    return _user_in("mediator", first_name="调解员乙")


@pytest.fixture
def supervisor(db):
    return _user_in("supervisor", first_name="主管")


@pytest.fixture
def business(db):
    return BusinessFactory()


@pytest.fixture
def business_user(business):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="business"))
    business.members.add(user)
    return user


COMPLAINT = dict(
    channel="phone", nature="quality", category="household_appliances", product="双门冰箱",
    purchased_on=date(2026, 3, 1), amount_paid=Decimal("4299.00"), facts="冰箱不制冷", demand_type="replacement",
    demand="更换新冰箱", amount_claimed=Decimal("4299.00"),
)

# The path through the public services to each state (each step: an action of PUBLIC_STEPS).
PATHS = {
    "submitted": [],
    "accepted": ["accept"],
    "transferred": ["accept", "transfer"],
    "replied": ["accept", "transfer", "record_reply"],
    "mediating": ["accept", "transfer", "start_mediation"],
    "appraisal": ["accept", "transfer", "start_mediation", "request_appraisal"],
    "resolved": ["accept", "transfer", "start_mediation", "resolve"],
    "terminated": ["accept", "transfer", "start_mediation", "terminate"],
    "withdrawn": ["withdraw"],
    "closed": ["accept", "transfer", "start_mediation", "resolve", "close"],
}


def run_step(name, case_id, actor):
    """Take one step of PATHS through the public service a mediator's button runs (backoffice.actions)."""
    from cases import services as cases
    from cases.models import TerminationGround
    from mediation.services import appraisal, outcomes, transfers
    from tests.factories import AppraisalBodyFactory

    steps = {
        "accept": lambda: cases.case_accept(case_id=case_id, actor=actor),
        "transfer": lambda: transfers.case_transfer(case_id=case_id, actor=actor),
        "record_reply": lambda: transfers.case_record_reply(case_id=case_id, actor=actor, summary="同意更换"),
        "start_mediation": lambda: cases.case_start_mediation(case_id=case_id, actor=actor, reason="企业未答复"),
        "request_appraisal": lambda: appraisal.appraisal_request(
            case_id=case_id, actor=actor, body=AppraisalBodyFactory(), items="送检压缩机"
        ),
        "appraisal_done": lambda: appraisal.appraisal_conclude(
            case_id=case_id, actor=actor, conclusion="压缩机存在质量缺陷", responsible_party="business",
            fee_borne_by="business",
        ),
        "resolve": lambda: outcomes.outcome_resolve(
            case_id=case_id, actor=actor, remedies=[{"kind": "replacement", "amount": Decimal("4299.00")}],
            terms="更换新机",
        ),
        "terminate": lambda: outcomes.outcome_terminate(
            case_id=case_id, actor=actor, ground=TerminationGround.objects.get(code="T01"), channel="court",
            explanation="分歧大",
        ),
        "withdraw": lambda: cases.case_withdraw(case_id=case_id, actor=actor, reason="已私下和解"),
        "close": lambda: cases.case_close(case_id=case_id, actor=actor, note="回访满意"),
    }
    steps[name]()


@pytest.fixture
def make_case(db, mediator, business):
    from cases import services
    from cases.models import Case

    def make(state="submitted", *, actor=None, **overrides):
        actor = actor or mediator
        fields = {**COMPLAINT, "mediator": mediator, **overrides}
        consumer = fields.pop("consumer", {
            "name": "张伟", "phone": "13900001234", "id_number": "110101199001011234", "address": "示范市中山路1号",
        })
        case = services.case_register(
            actor=actor, consumer=consumer, business=fields.pop("business", business), **fields
        )
        for name in PATHS[state]:
            run_step(name, case.pk, actor)
        case = Case.objects.get(pk=case.pk)
        assert case.state == state
        return case

    return make


# --- shared by the apps built on cases --------------------------------------------------------------------



def _one_page_pdf() -> bytes:
    """A real one-page PDF: the content check (cases.validators) parses a claimed PDF with pypdf."""
    import io

    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


PDF_BYTES = _one_page_pdf()


def _one_pixel_png() -> bytes:
    """A real PNG (the content check decodes a claimed image with Pillow)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PNG = _one_pixel_png()


@pytest.fixture
def appraisal_body(db):
    from tests.factories import AppraisalBodyFactory

    return AppraisalBodyFactory()


@pytest.fixture
def second_supervisor(db):
    return _user_in("supervisor", first_name="副主管")


@pytest.fixture
def make_sheet(make_case):
    """A case transferred through the real action, with its transfer sheet issued."""

    def make(**overrides):
        return make_case("transferred", **overrides).transfer_sheet

    return make


@pytest.fixture
def other_business(db):
    return BusinessFactory(name="别家公司")


@pytest.fixture
def other_business_user(other_business):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="business"))
    other_business.members.add(user)
    return user
