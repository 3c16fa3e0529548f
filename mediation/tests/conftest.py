import pytest
from django.contrib.auth.models import Group

from tests.factories import BusinessFactory, UserFactory

from .factories import AppraisalBodyFactory

# A PDF's first bytes are enough for the content check (cases.validators sniffs the type from the content).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def appraisal_body(db):
    return AppraisalBodyFactory()


@pytest.fixture
def second_supervisor(db):
    from conftest import _user_in

    return _user_in("supervisor", first_name="副主管")


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def make_sheet(make_case, mediator):
    """A case transferred through the real action, with its transfer sheet issued."""
    from mediation import services

    def make(**overrides):
        case = make_case("accepted", **overrides)
        services.case_transfer_with_sheet(case_id=case.pk, actor=mediator)
        case.refresh_from_db()
        return case.transfer_sheet

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
