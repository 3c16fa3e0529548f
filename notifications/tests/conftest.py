from pathlib import Path

import pytest

from .factories import StaffFactory, UserFactory

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _urls_and_templates(settings):
    settings.ROOT_URLCONF = "notifications.tests.urls"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}]


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def failing_email(settings):
    settings.EMAIL_BACKEND = "notifications.tests.backends.FailingEmailBackend"


@pytest.fixture
def working_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
