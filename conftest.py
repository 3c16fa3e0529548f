"""Fixtures shared by every app's tests: users per role, and cases walked to any state through the services."""

import os
from datetime import date
from decimal import Decimal

import pytest
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

# The path through the services to each state (each step: transition name, keyword arguments).
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


def step_kwargs(name):
    from cases.models import TerminationGround

    return {
        "accept": {},
        "transfer": {},
        "record_reply": {"summary": "同意更换"},
        "start_mediation": {"reason": "企业未答复"},
        "request_appraisal": {"reason": "送检压缩机"},
        "appraisal_done": {},
        "resolve": {"terms": "更换新机", "money_recovered": Decimal("4299.00")},
        "terminate": {"ground": TerminationGround.objects.get(code="T01"), "channel": "court", "explanation": "分歧大"},
        "withdraw": {"reason": "已私下和解"},
        "close": {"note": "回访满意"},
    }[name]


@pytest.fixture
def make_case(db, mediator, business):
    from cases import services

    def make(state="submitted", *, actor=None, **overrides):
        actor = actor or mediator
        fields = {**COMPLAINT, "mediator": mediator, **overrides}
        consumer = fields.pop("consumer", {"name": "张伟", "phone": "13900001234", "id_number": "110101199001011234"})
        case = services.case_register(
            actor=actor, consumer=consumer, business=fields.pop("business", business), **fields
        )
        for name in PATHS[state]:
            case = getattr(services, f"case_{name}")(case_id=case.pk, actor=actor, **step_kwargs(name))
        assert case.state == state
        return case

    return make
