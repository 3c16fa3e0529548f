"""Load test of the production topology (issue 10): consumers filing and tracking complaints, the business answering
its transfer sheets in the portal, mediators working their case lists (accepting and transferring the new
complaints). Run by `benchmarks/load.py` (which starts the topology, seeds it, runs locust headless, restarts
Redis in the middle if asked, and checks that no complaint was lost); or by hand against a running `bin/prod`:

    .venv/bin/locust -f benchmarks/locustfile.py --host http://127.0.0.1:8000 --headless -u 20 -r 4 -t 2m

Every consumer names the demo business 华联电器商场 (portal user qiye), so the complaints the mediators transfer
reach the business's portal and are answered there. Each filing comes from its own address (X-Forwarded-For, as the
proxy of deploy/ appends it: the topology is started with TRUSTED_PROXY_COUNT=1), so the per-address limits and
lockouts see a city of people, not one machine. The receipts (tracking numbers) are written to
LOAD_RECEIPTS_FILE, one a line, for the lost-complaint check.
"""

import os
import random
import re
import threading
import time

from locust import HttpUser, between, events, task

BUSINESS = "华联电器商场"
MEDIATORS = [("tiaojie", "tiaojie-demo-2026"), ("tiaojie2", "tiaojie2-demo-2026")]
PORTAL = ("qiye", "qiye-demo-2026")
RECEIPTS_FILE = os.environ.get("LOAD_RECEIPTS_FILE", ".var/load-receipts.txt")
# Every failed request with its time, so the driver can tell the failures inside the Redis restart window from
# the rest.
FAILURES_FILE = os.environ.get("LOAD_FAILURES_FILE", ".var/load-failures.txt")
_receipts_lock = threading.Lock()
TRACKS_PER_RECEIPT = 8

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NUMBER = re.compile(r'id="tracking-number"[^>]*>([^<]+)<')
SECRET = re.compile(r'id="tracking-secret"[^>]*>([^<]+)<')
CASE_LINK = re.compile(r'/admin/cases/case/(\d+)/change/')
SHEET_LINK = re.compile(r'/portal/sheets/(\d+)/')


def _address():
    return f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def _token(response):
    match = CSRF.search(response.text)
    return match.group(1) if match else ""


@events.test_start.add_listener
def _reset_files(environment, **kwargs):
    for path in (RECEIPTS_FILE, FAILURES_FILE):
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        open(path, "w").close()


@events.request.add_listener
def _record_failure(request_type, name, response_time, response_length, exception=None, start_time=None,
                    response=None, **kwargs):
    if exception is None:
        return
    status = getattr(response, "status_code", "")
    with _receipts_lock, open(FAILURES_FILE, "a") as f:
        f.write(f"{start_time or time.time():.3f}\t{request_type} {name}\t{status}\t{str(exception)[:200]}\n")


def _record_receipt(number):
    with _receipts_lock, open(RECEIPTS_FILE, "a") as f:
        f.write(number + "\n")


class Visitor(HttpUser):
    """Every simulated person comes from an address of their own, as the proxy reports it (X-Forwarded-For)."""

    abstract = True

    def on_start(self):
        self.client.headers["X-Forwarded-For"] = _address()


class Consumer(Visitor):
    """Files a complaint (with the form's CSRF token), reads the receipt, tracks the case with number + secret."""

    weight = 6
    wait_time = between(2, 6)

    def on_start(self):
        super().on_start()
        self.receipts = []

    @task(1)
    def file_complaint(self):
        self.client.headers["X-Forwarded-For"] = _address()
        form = self.client.get("/complaint/", name="/complaint/ [form]")
        token = _token(form)
        n = random.randint(1000, 9999)
        data = {
            "csrfmiddlewaretoken": token,
            "consumer_name": "压测用户",
            "consumer_phone": f"139{random.randint(10000000, 99999999)}",
            "consumer_address": "示范市人民路1号",  # required material since issue 11 (暂行办法 art. 9)
            "business_name": BUSINESS,
            "business_address": "示范市中山路88号",
            "product": f"压测冰箱 {n}",
            "purchased_on": "2026-11-20",
            "amount_paid": "2999.00",
            "category": "household_appliances",
            "nature": "quality",
            "facts": "购买后冷藏室不制冷，多次联系商家未解决。",
            "demand_type": "replacement",
            "demand": "要求更换同型号新冰箱。",
            "consent": "on",
            "website": "",
        }
        with self.client.post("/complaint/", data=data, name="/complaint/ [file]", catch_response=True) as r:
            number, secret = NUMBER.search(r.text), SECRET.search(r.text)
            if r.status_code != 200 or not number or not secret:
                r.failure(f"no receipt (status {r.status_code})")
                return
        receipt = (number.group(1).strip(), secret.group(1).strip(), 0)
        _record_receipt(receipt[0])
        self.receipts.append(receipt)

    @task(3)
    def track(self):
        if not self.receipts:
            return
        number, secret, tracked = random.choice(self.receipts)
        if tracked >= TRACKS_PER_RECEIPT:
            return  # a person follows a case a few times, not past the per-number limit (RATE_TRACKING_NUMBER)
        self.receipts[self.receipts.index((number, secret, tracked))] = (number, secret, tracked + 1)
        page = self.client.get("/complaint/track/", name="/complaint/track/ [form]")
        with self.client.post(
            "/complaint/track/",
            data={"csrfmiddlewaretoken": _token(page), "s-number": number, "s-secret": secret},
            name="/complaint/track/ [secret]",
            catch_response=True,
        ) as r:
            if r.status_code != 200 or number not in r.text:
                r.failure(f"tracking {number} did not show the case (status {r.status_code})")

    @task(1)
    def public_pages(self):
        self.client.get("/public/businesses/")


class Business(Visitor):
    """The business's contact: the portal's list of sheets, a sheet, and an answer to each unanswered one."""

    weight = 1
    wait_time = between(3, 8)

    def on_start(self):
        super().on_start()
        page = self.client.get("/portal/login/", name="/portal/login/ [form]")
        self.client.post(
            "/portal/login/",
            data={"csrfmiddlewaretoken": _token(page), "username": PORTAL[0], "password": PORTAL[1]},
            name="/portal/login/ [sign in]",
        )

    @task
    def answer(self):
        home = self.client.get("/portal/", name="/portal/")
        sheets = sorted(set(SHEET_LINK.findall(home.text)), key=int)
        if not sheets:
            return
        pk = random.choice(sheets[-20:])
        sheet = self.client.get(f"/portal/sheets/{pk}/", name="/portal/sheets/[id]/")
        if f"/portal/sheets/{pk}/reply/" not in sheet.text:
            return  # answered already
        self.client.post(
            f"/portal/sheets/{pk}/reply/",
            data={"csrfmiddlewaretoken": _token(sheet), "kind": "offer", "remedy": "repair", "amount": "",
                  "explanation": "可上门维修，三日内完成。"},
            name="/portal/sheets/[id]/reply/",
        )


class Mediator(Visitor):
    """A mediator working the lists: the new complaints, accepting and transferring one, the case page,
    the overdue list."""

    weight = 2
    wait_time = between(2, 6)

    def on_start(self):
        super().on_start()
        username, password = random.choice(MEDIATORS)
        page = self.client.get("/admin/login/", name="/admin/login/ [form]")
        self.client.post(
            "/admin/login/?next=/admin/",
            data={"csrfmiddlewaretoken": _token(page), "username": username, "password": password,
                  "next": "/admin/"},
            name="/admin/login/ [sign in]",
        )

    def _act(self, pk, action):
        form = self.client.get(f"/admin/cases/case/{pk}/act/{action}/", name=f"/admin/…/act/{action}/ [form]")
        self.client.post(
            f"/admin/cases/case/{pk}/act/{action}/",
            data={"csrfmiddlewaretoken": _token(form), "reason": "压测：受理并转办"},
            name=f"/admin/…/act/{action}/",
        )

    @task(3)
    def work_new_complaints(self):
        listing = self.client.get("/admin/cases/case/?state__exact=submitted", name="/admin/cases/case/ [new]")
        ids = CASE_LINK.findall(listing.text)
        if not ids:
            return
        pk = random.choice(ids[:10])
        self.client.get(f"/admin/cases/case/{pk}/change/", name="/admin/cases/case/[id]/change/")
        self._act(pk, "accept")
        self._act(pk, "transfer")

    @task(2)
    def my_cases(self):
        self.client.get("/admin/cases/case/", name="/admin/cases/case/")

    @task(1)
    def overdue(self):
        self.client.get("/admin/cases/case/?o=-2", name="/admin/cases/case/ [sorted]")
