import pytest
from rest_framework.test import APIClient

from api import services
from api.models import Partner, Scope


@pytest.fixture
def forwarder(supervisor):
    return services.partner_create(
        actor=supervisor, name="全国12315平台对接", kind=Partner.Kind.FORWARDER, webhook_url="http://127.0.0.1:9/hook"
    )


@pytest.fixture
def business_partner(supervisor, business):
    return services.partner_create(actor=supervisor, name="平台企业接口", kind=Partner.Kind.BUSINESS, business=business)


@pytest.fixture
def other_business_partner(supervisor, other_business):
    return services.partner_create(actor=supervisor, name="别家平台接口", kind=Partner.Kind.BUSINESS, business=other_business)


def _client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def forwarder_key(supervisor, forwarder):
    return services.api_key_issue(actor=supervisor, partner=forwarder, name="server", scopes=[Scope.IMPORT])[1]


@pytest.fixture
def forwarder_client(forwarder_key):
    return _client(forwarder_key)


@pytest.fixture
def business_key(supervisor, business_partner):
    return services.api_key_issue(actor=supervisor, partner=business_partner, name="erp", scopes=[Scope.BUSINESS])[1]


@pytest.fixture
def business_client(business_key):
    return _client(business_key)


@pytest.fixture
def other_business_client(supervisor, other_business_partner):
    return _client(
        services.api_key_issue(actor=supervisor, partner=other_business_partner, name="erp", scopes=[Scope.BUSINESS])[1]
    )


@pytest.fixture
def open_data_client(supervisor):
    partner = services.partner_create(actor=supervisor, name="统计用户", kind=Partner.Kind.STATISTICS)
    return _client(services.api_key_issue(actor=supervisor, partner=partner, name="stats", scopes=[Scope.OPEN_DATA])[1])


HANDOFF = {
    "external_id": "12315-2026-0001",
    "channel": "12315",
    "consumer": {"name": "李娜", "phone": "13800001111", "address": "示范市中山路1号"},
    "business": {"name": "示范市好又多电器有限公司", "address": "示范市人民路88号"},
    "nature": "quality",
    "category": "household_appliances",
    "product": "洗衣机",
    "purchased_on": "2026-05-01",
    "amount_paid": "2999.00",
    "facts": "洗衣机脱水时异响，商家拒绝维修。",
    "demand_type": "repair",
    "demand": "免费维修",
    "amount_claimed": "2999.00",
}


@pytest.fixture
def handoff_data():
    return {**HANDOFF, "consumer": dict(HANDOFF["consumer"]), "business": dict(HANDOFF["business"])}
