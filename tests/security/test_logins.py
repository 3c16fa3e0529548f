"""Sign-ins (admin and portal): successes never counted, failures per account + IP with the wait shown, no
lockout of the owner by strangers; the public pages keep working with Redis down (issue 10, point 4)."""

import logging

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from conftest import PDF_BYTES  # noqa: F401 — the public form's fixtures
from portal.tests.test_public import _complaint

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-123"


def _portal_login(client, user, password):
    return client.post(reverse("portal:login"), {"username": user.username, "password": password})


def test_successful_sign_ins_are_never_counted(business_user, settings):
    settings.RATE_PORTAL_LOGIN_IP = "3/h"
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(8):
        client = Client()
        assert _portal_login(client, business_user, PASSWORD).status_code == 302


def test_strangers_cannot_lock_out_the_owner(business_user):
    for _ in range(10):
        Client(REMOTE_ADDR="203.0.113.66").post(
            reverse("portal:login"), {"username": business_user.username.upper() + " ", "password": "guess"}
        )
    stranger = _portal_login(Client(REMOTE_ADDR="203.0.113.66"), business_user, PASSWORD)
    assert stranger.status_code == 429  # the guesser's own address is locked out, even with the right password
    assert _portal_login(Client(REMOTE_ADDR="198.51.100.1"), business_user, PASSWORD).status_code == 302


def test_the_lockout_page_says_how_long_to_wait(client, business_user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _portal_login(client, business_user, "x")
    page = _portal_login(client, business_user, "x")
    assert page.status_code == 429
    assert "portal/locked_out.html" in [t.name for t in page.templates] and "15" in page.content.decode()


def test_admin_sign_in_locks_out_per_account_and_address(mediator, settings):
    settings.AXES_FAILURE_LIMIT = 2
    attacker = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(2):
        attacker.post(reverse("admin:login"), {"username": mediator.username, "password": "x"})
    mediator.set_password(PASSWORD)
    mediator.save()
    locked = attacker.post(reverse("admin:login"), {"username": mediator.username, "password": PASSWORD})
    assert locked.status_code == 429 and "_auth_user_id" not in attacker.session
    owner = Client(REMOTE_ADDR="198.51.100.2")
    response = owner.post(reverse("admin:login"), {"username": mediator.username, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in owner.session


DEAD_REDIS = {
    "default": {"BACKEND": "core.cache.FailoverRedisCache", "LOCATION": "redis://127.0.0.1:1/0", "KEY_PREFIX": "xh"}
}


def test_with_redis_down_the_public_pages_fail_open_with_a_warning(caplog, business_user, settings):
    settings.RATE_TRACKING_IP = "3/h"
    with override_settings(CACHES=DEAD_REDIS), caplog.at_level(logging.WARNING, logger="xiehui.cache"):
        caches["default"]._warned_at = 0.0
        client = Client()
        assert client.post(reverse("public:complaint"), _complaint()).status_code == 302
        statuses = [
            client.post(reverse("public:track"), {"s-number": "WS1", "s-secret": "X"}).status_code for _ in range(4)
        ]
        assert statuses == [400, 400, 400, 429]  # the limit still holds, in this process's memory
        assert _portal_login(Client(), business_user, PASSWORD).status_code == 302
        assert _portal_login(Client(), business_user, "wrong").status_code == 200
    assert any("Redis cache unreachable" in r.getMessage() for r in caplog.records)
