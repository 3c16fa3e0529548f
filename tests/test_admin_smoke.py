"""Every registered admin page opens for a superuser on the demo data: changelist, and the change page of a row."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODEL_ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def superuser_client(client, django_user_model):
    call_command("seed_demo", verbosity=0)
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests-123")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", [m for m, _ in MODEL_ADMINS], ids=lambda m: m._meta.label)
def test_changelist_and_change_page_open(superuser_client, model):
    opts = model._meta
    response = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200, opts.label
    if opts.proxy:
        return  # the proxies are report pages over cases (statistics, overdue view): no change page of their own
    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert superuser_client.get(url).status_code == 200, opts.label
