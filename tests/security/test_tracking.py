"""Consumers' tracking: numbers normalised before lookup and limit, SMS code tries counted atomically, limits
keyed so a stranger cannot use up the owner's tries, the client IP behind trusted proxies (issue 10, point 4)."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from notifications.models import Notification
from portal import tracking
from portal.tests.test_public import _filed, _track

pytestmark = pytest.mark.django_db


def test_every_spelling_of_a_number_is_one_number(make_case):
    case = make_case()
    spellings = [f"WS{case.pk}", f"ws0{case.pk}", f"WS {case.pk:012d}", f"WS{case.pk:08d}"]
    assert {tracking.normalize_number(s) for s in spellings} == {f"WS{case.pk:08d}"}
    assert {tracking.find_case(s).pk for s in spellings} == {case.pk}


def test_respelling_the_number_does_not_buy_more_guesses(client, settings):
    settings.RATE_TRACKING_NUMBER = "3/h"
    case, number, secret = _filed(client)
    digits = str(case.pk)
    spellings = [f"WS{digits}", f"WS0{digits}", f"ws00{digits}"]
    assert [_track(client, s, "WRONG-SECRET").status_code for s in spellings] == [400, 400, 400]
    assert _track(client, f"WS000{digits}", secret).status_code == 429


def test_a_stranger_cannot_use_up_the_owners_tries(client, settings):
    settings.RATE_TRACKING_NUMBER = "3/h"
    case, number, secret = _filed(client)
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    assert [_track(stranger, number, "WRONG-SECRET").status_code for _ in range(4)][-1] == 429
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert _track(owner, number, secret).status_code == 302


def _code_from_outbox():
    sms = Notification.objects.get(channel="sms", template="portal/tracking_code")
    return re.search(r"\d{6}", sms.context.get("code") or sms.body).group(0)


def test_parallel_wrong_codes_are_counted_before_they_are_compared(client, settings):
    """40 requests sent at once each read the session as it was before any of them wrote: a count kept in the
    session stays at 0 for all of them. Replaying that state, the right code must still be refused after 5."""
    settings.RATE_TRACKING_IP = "1000/h"  # the per-address limit is not what is tested here
    case, number, _secret = _filed(client)
    client.post(reverse("public:track"), {"p-number": number, "p-phone": "13800138000"})
    code = _code_from_outbox()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    snapshot = dict(client.session.items())

    def as_sent_at_once(data):
        session = client.session
        session.clear()
        session.update(snapshot)
        session.save()
        return client.post(reverse("public:track_code"), data)

    for _ in range(40):
        as_sent_at_once({"code": wrong})
    response = as_sent_at_once({"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("public:track")
    assert client.get(reverse("public:status")).status_code == 302  # nothing granted


def test_client_ip_believes_only_the_trusted_proxies(settings):
    from core.clientip import client_ip

    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy configured: the header is the client's own words
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.20"  # what our one proxy saw, not what the client wrote
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="garbage")) == "10.0.0.2"


def test_behind_a_proxy_each_client_has_its_own_bucket(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_TRACKING_IP = "2/h"
    one = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    two = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert [_track(one, "WS1", "X").status_code for _ in range(3)] == [400, 400, 429]
    assert _track(two, "WS1", "X").status_code == 400
