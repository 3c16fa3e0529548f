"""No English left in the Chinese admin: a walk over every admin page — the changelist, the add page, the change
page and the history of each registered model, and the case page's action forms — on the demo data, in zh-hans,
collecting the texts that label things (headings, column heads, field labels, help, buttons, filters, breadcrumbs,
the menu, the actions) and failing on any that is made of Latin letters only.

Data (names, numbers, emails, codes) is not a label and is not read; abbreviations that are the same in Chinese
(PDF, SMS, ID…) are allowed."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from backoffice.actions import available_actions
from cases.models import Case

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# The project's own admin pages and Django's accounts; the third-party tools registered for administrators
# (django-axes' sign-in logs, django-otp's devices) ship without a complete zh-Hans catalogue and are not walked.
THIRD_PARTY_APPS = {"axes", "otp_totp", "otp_static", "otp_hotp"}
MODEL_ADMINS = sorted(
    (item for item in admin.site._registry.items() if item[0]._meta.app_label not in THIRD_PARTY_APPS),
    key=lambda item: item[0]._meta.label,
)

# Elements whose text labels something; ids and classes of containers whose text does.
LABEL_TAGS = {"h1", "h2", "h3", "legend", "label", "caption", "button", "title", "p"}
LABEL_CONTAINERS = {"breadcrumbs", "nav-sidebar", "object-tools", "changelist-filter", "submit-row", "help",
                    "actions", "paginator"}
DATA_CONTAINERS = {"readonly", "results"}  # values shown, not labels
SKIP_CONTAINERS = {"admin-language", "language-select"}  # language names are written in their own language
ALLOWED = re.compile(
    r"^[A-Z]{2,5}$|^[A-Z]{2,5}[\s/·]+[A-Z]{2,5}$"  # PDF, SMS, ID, PDF/JPG…
    r"|^[A-Z]{1,4}(-\d{4}-\d{6}|\d{2,})$"  # numbers and codes: TS-2026-000001, ZB-…, AR01, T03
    r"|^Excel$"  # a product's name
)
LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u3400-\u9fff]")


class LabelCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.labels = [], []

    def _marks(self, tag, attrs):
        attrs = dict(attrs)
        words = set((attrs.get("class") or "").split()) | {attrs.get("id") or ""}
        return {
            "label": tag in LABEL_TAGS or tag == "thead" or bool(words & LABEL_CONTAINERS),
            "skip": bool(words & SKIP_CONTAINERS) or tag in {"script", "style", "svg", "textarea", "pre"},
            "data": (tag == "select" and attrs.get("name") not in ("action",)) or bool(words & DATA_CONTAINERS)
            or tag in ("td", "bdi"),  # table cells and isolated values (a password's hash summary) are data
        }

    def handle_starttag(self, tag, attrs):
        marks = self._marks(tag, attrs)
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.labels.append(attrs["value"])
        if tag in ("input", "textarea") and attrs.get("placeholder"):
            self.labels.append(attrs["placeholder"])
        if tag in ("br", "img", "input", "meta", "link", "hr", "col"):
            return
        self.stack.append(marks)

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        text = " ".join(data.split())
        if not text or any(m["skip"] or m["data"] for m in self.stack):
            return
        if any(m["label"] for m in self.stack):
            self.labels.append(text)


def untranslated(html: str, data: str = "") -> set[str]:
    """The Latin-only labels of a page; `data` is the name of the record the page shows (a username, a group)."""
    collector = LabelCollector()
    collector.feed(html)
    return {
        text for text in collector.labels
        if LATIN.search(text) and not CJK.search(text)
        and not ALLOWED.match(text.strip(" :：()（）›"))
        and not (data and text.strip(" ›") == data)
    }


def _pages():
    """Every admin page to read: (what, url, the name of the record it shows)."""
    yield "index", reverse("admin:index"), ""
    for model, _model_admin in MODEL_ADMINS:
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        yield f"{opts.label} changelist", reverse(f"{name}_changelist"), ""
        try:
            yield f"{opts.label} add", reverse(f"{name}_add"), ""
        except NoReverseMatch:
            pass
        if opts.proxy:
            continue
        obj = model._default_manager.order_by("-pk").first()
        if obj is None:
            continue
        yield f"{opts.label} change", reverse(f"{name}_change", args=[obj.pk]), str(obj)
        yield f"{opts.label} history", reverse(f"{name}_history", args=[obj.pk]), str(obj)


def test_every_admin_page_is_chinese_in_zh_hans(client, django_user_model):
    from django.contrib.auth.models import Permission

    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))
    # Every permission of the walked apps (a superuser would also see the third-party tools in the menu).
    root = django_user_model.objects.create_user("root", "root@example.com", "pw-for-tests-123", is_staff=True)
    root.user_permissions.set(Permission.objects.exclude(content_type__app_label__in=THIRD_PARTY_APPS))
    root = django_user_model.objects.get(pk=root.pk)
    client.force_login(root)
    found, visited = {}, 0
    pages = list(_pages())
    for case in Case.objects.order_by("pk"):
        for action in available_actions(case, root):
            url = reverse("admin:cases_case_act", args=[case.pk, action.name])
            pages.append((f"case {case.pk} {action.name}", url, ""))
    for what, url, data in pages:
        response = client.get(url, **ZH)
        if response.status_code in (302, 403):  # not offered to this account (e.g. adding a read-only record)
            continue
        assert response.status_code == 200, (what, url, response.status_code)
        visited += 1
        for text in untranslated(response.content.decode(), data):
            found.setdefault(text, what)
    assert visited > 80
    assert found == {}, "\n".join(f"{text!r} on {what}" for text, what in sorted(found.items()))


def test_the_collector_catches_an_english_label_and_passes_data():
    html = (
        '<div id="content-main"><h1>Select case to change</h1><table><thead><tr><th>案件</th></tr></thead>'
        '<tbody><tr><th>TS-2026-000001</th><td>qiye@example.com</td></tr></tbody></table>'
        '<div class="help">PDF</div><input type="submit" value="Save"></div>'
    )
    assert untranslated(html) == {"Select case to change", "Save"}


def test_django_own_texts_are_corrected_in_chinese(client, supervisor):
    """locale/overrides: the pickers' buttons (JavaScript catalog), Django's messages with Chinese punctuation."""
    from django.utils import translation

    client.force_login(supervisor)
    catalog = client.get(reverse("admin:jsi18n"), **ZH).content.decode()
    assert '"Choose all %s": "\\u5168\\u9009%s"' in catalog  # 全选%s
    assert '"Remove all %s"' in catalog
    select, edit_again = "Select %s to change", "You may edit it again below."  # Django's msgids, not ours
    with translation.override("zh-hans"):
        assert translation.gettext(select) % "案件" == "选择要修改的案件"
        assert translation.gettext(edit_again).endswith("。")
