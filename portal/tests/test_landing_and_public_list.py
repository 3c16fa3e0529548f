"""`/` is the public landing page; the public list has the site header, the language switch, an "as of" date and a
search."""

import pytest
from django.urls import reverse

from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def test_the_landing_page_leads_consumers_and_hides_staff_login_in_the_footer(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    for url in (reverse("public:complaint"), reverse("public:track"), reverse("mediation_public:businesses")):
        assert f'href="{url}"' in page
    footer = page.split('class="site-footer"')[1]
    assert reverse("admin:login") in footer and reverse("admin:login") not in page.split('class="site-footer"')[0]


def test_the_public_list_has_header_language_switch_date_and_search(client, make_case):
    hit = BusinessFactory(name="星光数码城")
    miss = BusinessFactory(name="月亮百货")
    make_case("mediating", business=hit)
    make_case("mediating", business=miss)
    url = reverse("mediation_public:businesses")
    page = client.get(url).content.decode()
    assert 'class="site-header"' in page and 'name="language"' in page and "数据截至" in page
    assert "星光数码城" in page and "月亮百货" in page
    found = client.get(url, {"q": "星光"}).content.decode()
    assert "星光数码城" in found and "月亮百货" not in found
    english = client.get(url, {"q": "nothing"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "As of" in english and "No listed business matches" in english
