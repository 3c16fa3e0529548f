"""Every registered admin page opens for a superuser on the demo data: changelist, and the change page of a row.

The demo is seeded once for all pages (it walks three months of cases through the services)."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODEL_ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def test_every_changelist_and_change_page_opens_on_the_demo(client, django_user_model):
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests-123"))
    failures = []
    for model, _admin in MODEL_ADMINS:
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if response.status_code != 200:
            failures.append((opts.label, "changelist", response.status_code))
        if opts.proxy:
            continue  # the proxies are report pages over cases (statistics, overdue view): no change page
        for obj in model._default_manager.order_by("pk")[:3]:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            status = client.get(url).status_code
            if status != 200:
                failures.append((opts.label, url, status))
    assert failures == []
    labels = {model._meta.label for model, _admin in MODEL_ADMINS}
    assert {"cases.Case", "mediation.TransferSheet", "reminders.UrgingNotice", "reminders.OverdueCase"} <= labels
