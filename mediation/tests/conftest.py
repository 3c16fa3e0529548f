import pytest

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
