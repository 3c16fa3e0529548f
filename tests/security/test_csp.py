"""Content-Security-Policy (django-csp) on every page: the admin, the portal, the public pages (issue 10, point 1)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/admin/login/", "/portal/login/", "/complaint/", "/complaint/track/", "/public/businesses/"],
)
def test_every_page_has_a_strict_policy(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy


def test_staff_pages_have_it_and_no_inline_script_handler(client, supervisor):
    client.force_login(supervisor)
    for url in [reverse("admin:index"), reverse("admin:cases_case_changelist"), "/admin/reports/statistics/"]:
        response = client.get(url)
        assert response.status_code == 200 and "script-src 'self'" in response["Content-Security-Policy"]
        page = response.content.decode()
        assert "onchange=" not in page and "onclick=" not in page
