"""The API fuzzed against its own OpenAPI schema (schemathesis, a bounded run): no answer is ever a server error,
and every answer of a documented kind matches the schema. The schema itself validates (OpenAPI 3)."""

import json

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api import services
from api.models import Partner, Scope

MAX_EXAMPLES = int(__import__("os").environ.get("API_FUZZ_EXAMPLES", 10))


def test_the_schema_validates(tmp_path):
    # --fail-on-warn: a view the generator cannot describe fails too.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_the_schema_and_the_reference_pages_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    # The UI's assets come from our own static files (drf-spectacular-sidecar), never from a CDN, and its
    # start-up script is a file of ours too (no inline <script>: a strict CSP holds).
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "http" not in docs.split("<body")[1].replace("http-equiv", "")
    assert "<script>" not in docs and '<script src="/api/docs/?script="></script>' in docs
    assert "SwaggerUIBundle" in client.get("/api/docs/?script=").content.decode()


@pytest.fixture
def api_keys(supervisor, make_sheet, business):
    """A key of each kind, and a transferred sheet of the business so the fuzzer finds something to act on."""
    make_sheet()
    forwarder = services.partner_create(actor=supervisor, name="12315 fuzz", kind=Partner.Kind.FORWARDER)
    platform = services.partner_create(actor=supervisor, name="平台 fuzz", kind=Partner.Kind.BUSINESS, business=business)
    return {
        "handoffs": services.api_key_issue(actor=supervisor, partner=forwarder, name="k", scopes=[Scope.IMPORT])[1],
        "events": services.api_key_issue(actor=supervisor, partner=forwarder, name="k2", scopes=[Scope.IMPORT])[1],
        "sheets": services.api_key_issue(actor=supervisor, partner=platform, name="k", scopes=[Scope.BUSINESS])[1],
        "open": services.api_key_issue(
            actor=supervisor, partner=platform, name="k2", scopes=[Scope.OPEN_DATA, Scope.BUSINESS]
        )[1],
    }


def _load_schema():
    """The schema the app serves at /api/schema/, generated without a request (no database needed to collect),
    and the WSGI app (under the suite's settings) the calls go to."""
    from django.core.wsgi import get_wsgi_application
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    spec = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(spec)
    loaded.app = get_wsgi_application()
    loaded.location = "/api/schema/"
    return loaded


schema = _load_schema()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_errors(case, api_keys, settings_rate):
    part = case.path.removeprefix("/api/v1/").split("/")[0]
    response = case.call(headers={"Authorization": f"Bearer {api_keys[part]}"})
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500


@pytest.fixture
def settings_rate(settings):
    """No rate limit in the way, and the test's database connection kept across the WSGI calls (as Django's test
    client does: the request signals would close it, and with it the test's transaction, on PostgreSQL)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.RATE_API_KEY = "100000/m"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
