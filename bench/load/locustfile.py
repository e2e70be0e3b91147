"""The load mix of ``./suite bench load``: portal customers, back-office staff,
integrators and Odoo's own pages (the baseline), all at once against one Odoo.

Run by bench/bench_load.py with the Locust of its own virtual environment (Locust
needs newer Werkzeug and gevent than Odoo 18 runs with, so it never shares Odoo's
Python). Nothing here imports Odoo: the users speak HTTP, JSON-RPC and XML-RPC as
a browser, the web client and an integrator's script do.

``TELECOM_LOAD_FIXTURES`` names the JSON file bench_load.py wrote from the
database (logins, the customers' services and invoices, numbers to look up...);
``TELECOM_LOAD_SAMPLES`` a folder where each Locust process writes every request
it made (time, type, milliseconds, ok) for the figures and the latency plot.
"""

import csv
import json
import os
import random
import re
import time
import xmlrpc.client

from locust import HttpUser, between, events, task

with open(os.environ["TELECOM_LOAD_FIXTURES"]) as _fh:
    FIX = json.load(_fh)
SAMPLES = os.environ.get("TELECOM_LOAD_SAMPLES")
# think times (seconds) of each kind of user, scaled by TELECOM_LOAD_PACE (0.5 = twice as busy)
PACE = float(os.environ.get("TELECOM_LOAD_PACE", "1"))

CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
OLDER = re.compile(r'href="(/my/usage\?[^"]*after=[^"]+)"')
PERIOD_OPTION = re.compile(r'<option[^>]*value="(\d{4}-\d\d-\d\d)"')
PLAN_OPTION = re.compile(r'name="plan_id"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="plan_id"')
WHEN_OPTION = re.compile(r'name="when"[^>]*value="([a-z_]+)"|value="([a-z_]+)"[^>]*name="when"')

_writer = None
_sample_file = None


@events.init.add_listener
def _open_samples(environment, **_kw):
    """One CSV of raw samples per Locust process (workers included)."""
    global _writer, _sample_file
    if not SAMPLES:
        return
    os.makedirs(SAMPLES, exist_ok=True)
    _sample_file = open(  # noqa: SIM115  (closed at quit)
        os.path.join(SAMPLES, f"samples-{os.getpid()}.csv"), "w", newline=""
    )
    _writer = csv.writer(_sample_file)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **_kw):
    if _writer is not None:
        _writer.writerow(
            [f"{time.time():.3f}", name, f"{response_time:.1f}", 0 if exception else 1]
        )


@events.quitting.add_listener
def _close_samples(environment, **_kw):
    if _sample_file:
        _sample_file.close()


class Failure(Exception):
    """A request that answered, but not what a person would accept."""


def _check_page(response, *needles):
    if response.status_code != 200:
        raise Failure(f"HTTP {response.status_code}")
    if "/web/login" in response.url and "/web/login" not in needles:
        raise Failure("sent back to the login page")
    text = response.text
    for needle in needles:
        if needle not in text:
            raise Failure(f"the page lacks {needle!r}")
    return text


class TelecomUser(HttpUser):
    abstract = True

    def timed(self, name, func, *args, **kwargs):
        """Run ``func`` and report it as one request ``name`` (several HTTP calls, an
        XML-RPC call...); its errors count as failures of that request."""
        start = time.perf_counter()
        exc = None
        result = None
        try:
            result = func(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 (every error is a failed request, reported)
            exc = error
        elapsed = (time.perf_counter() - start) * 1000
        self.environment.events.request.fire(
            request_type="TELECOM",
            name=name,
            response_time=elapsed,
            response_length=0,
            exception=exc,
            context={},
        )
        return result

    def get(self, path, *needles, **kwargs):
        response = self.client.get(path, name="(page)", catch_response=False, **kwargs)
        return _check_page(response, *needles)

    def login(self, login, password):
        page = self.client.get("/web/login", name="(login form)", catch_response=False)
        token = CSRF.search(page.text)
        if not token:
            raise Failure("no csrf token on /web/login")
        response = self.client.post(
            "/web/login",
            data={"login": login, "password": password, "csrf_token": token.group(1)},
            name="(login post)",
            allow_redirects=True,
        )
        if response.status_code != 200 or "/web/login" in response.url:
            raise Failure(f"login of {login} refused")

    def call_kw(self, model, method, args, kwargs=None):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": random.randint(1, 10**9),
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }
        response = self.client.post(
            f"/web/dataset/call_kw/{model}/{method}",
            json=payload,
            name=f"(call_kw {model}.{method})",
        )
        if response.status_code != 200:
            raise Failure(f"HTTP {response.status_code}")
        data = response.json()
        if data.get("error"):
            raise Failure(data["error"].get("data", {}).get("message") or str(data["error"]))
        return data["result"]


# ---------------------------------------------------------------------------
# portal customers
# ---------------------------------------------------------------------------
class PortalCustomer(TelecomUser):
    weight = int(os.environ.get("TELECOM_LOAD_W_PORTAL", "12"))
    wait_time = between(3 * PACE, 9 * PACE)

    def on_start(self):
        self.me = random.choice(FIX["portal"])
        self.timed("portal: log in", self.login, self.me["login"], self.me["password"])

    @task(4)
    def home(self):
        self.timed("portal: home", self.get, "/my/home", "o_portal_my_home")
        self.timed("portal: home counters", self._counters)

    def _counters(self):
        response = self.client.post(
            "/my/counters",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "counters": [
                        "telecom_subscription_count",
                        "invoice_count",
                        "telecom_billing_account_count",
                    ]
                },
            },
            name="(counters)",
        )
        if response.status_code != 200 or response.json().get("error"):
            raise Failure(f"counters: HTTP {response.status_code} {response.text[:200]}")

    @task(3)
    def services(self):
        self.timed("portal: services", self.get, "/my/subscriptions", "/my/subscriptions/")
        sub = random.choice(self.me["subscriptions"])
        self.timed("portal: service page", self.get, f"/my/subscriptions/{sub['id']}")

    @task(5)
    def usage(self):
        """The usage page as a customer browses it: this period, then a filter (a
        line, a type, an earlier period), then the next page of the list."""
        text = self.timed("portal: usage", self.get, "/my/usage")
        periods = PERIOD_OPTION.findall(text or "")
        sub = random.choice(self.me["subscriptions"])
        params = random.choice(
            [
                {"service": sub["id"]},
                {"type": random.choice(["voice", "data", "sms"])},
                {"period": random.choice(periods)} if periods else {},
                {"service": sub["id"], "period": random.choice(periods)} if periods else {},
            ]
        )
        query = "&".join(f"{k}={v}" for k, v in params.items())
        text = self.timed("portal: usage (filtered)", self.get, f"/my/usage?{query}")
        older = OLDER.search(text or "")
        if older:
            url = older.group(1).replace("&amp;", "&")
            self.timed("portal: usage next page", self.get, url)

    @task(3)
    def invoices(self):
        self.timed("portal: invoices", self.get, "/my/invoices")

    @task(1)
    def invoice_pdf(self):
        if not self.me["invoices"]:
            return
        invoice = random.choice(self.me["invoices"])

        def pdf():
            response = self.client.get(
                f"/my/invoices/{invoice}?report_type=pdf&download=true", name="(invoice pdf)"
            )
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                raise Failure(f"no PDF: HTTP {response.status_code}")

        self.timed("portal: invoice PDF", pdf)

    @task(2)
    def pay_page(self):
        invoice = self.me.get("unpaid") or (self.me["invoices"] or [None])[0]
        if invoice:
            self.timed("portal: pay page", self.get, f"/my/invoices/{invoice}")

    @task(1)
    def plan_change_preview(self):
        sub = random.choice(self.me["subscriptions"])
        text = self.timed(
            "portal: plan change page", self.get, f"/my/subscriptions/{sub['id']}/change_plan"
        )
        if not text or "change_plan/preview" not in text:
            return  # no change offered for this service (a bundle, a suspended line...)
        plans = [a or b for a, b in PLAN_OPTION.findall(text)]
        whens = [a or b for a, b in WHEN_OPTION.findall(text)]
        token = CSRF.search(text)
        if not (plans and whens and token):
            return

        def preview():
            response = self.client.post(
                f"/my/subscriptions/{sub['id']}/change_plan/preview",
                data={
                    "plan_id": random.choice(plans),
                    "when": random.choice(whens),
                    "csrf_token": token.group(1),
                },
                name="(plan change preview)",
            )
            _check_page(response)

        self.timed("portal: plan change preview", preview)

    @task(1)
    def log_in_again(self):
        self.client.get("/web/session/logout", name="(logout)")
        self.timed("portal: log in", self.login, self.me["login"], self.me["password"])


# ---------------------------------------------------------------------------
# back office: what the web client sends
# ---------------------------------------------------------------------------
CUSTOMER_CONTEXT = {"lang": "en_US", "tz": "Europe/Brussels", "active_test": True}
PARTNER_LIST = {
    "display_name": {},
    "telecom_customer_number": {},
    "email": {},
    "phone": {},
    "city": {},
    "country_id": {"fields": {"display_name": {}}},
}
USAGE_LIST = {  # the columns the usage list shows (telecom_usage_record_views.xml)
    "start_time": {},
    "source_record_id": {},
    "subscription_id": {"fields": {"display_name": {}}},
    "usage_type_id": {"fields": {"display_name": {}}},
    "called_number": {},
    "quantity_display": {},
    "zone_id": {"fields": {"display_name": {}}},
    "time_band": {},
    "amount": {},
    "currency_id": {"fields": {}},
    "state": {},
    "reason_code": {},
}


def spec_from_form(arch, fields):
    """The web client's read specification of a form: its fields (not those of
    embedded lists) with the display name of related records."""
    spec = {}
    depth = 0
    for match in re.finditer(r"<(/?)(field|list|kanban|form)\b([^>]*?)(/?)>", arch):
        closing, tag, attrs, selfclosing = match.groups()
        if tag in ("list", "kanban", "form") and not selfclosing:
            depth += -1 if closing else 1
            continue
        if tag != "field" or closing:
            continue
        name = re.search(r'\bname="([^"]+)"', attrs)
        if not name or depth > 1 or name.group(1) not in fields:
            continue
        ftype = fields[name.group(1)].get("type")
        if ftype == "many2one":
            spec[name.group(1)] = {"fields": {"display_name": {}}}
        elif ftype in ("one2many", "many2many"):
            spec[name.group(1)] = {"fields": {"display_name": {}}, "limit": 40}
        else:
            spec[name.group(1)] = {}
    return spec


class BackOffice(TelecomUser):
    weight = int(os.environ.get("TELECOM_LOAD_W_BACKOFFICE", "5"))
    wait_time = between(3 * PACE, 10 * PACE)

    def on_start(self):
        me = random.choice(FIX["backoffice"])
        self.timed("bo: log in", self.login, me["login"], me["password"])
        self.specs = {}
        for model in ("res.partner", "telecom.subscription"):
            views = self.call_kw(
                model, "get_views", [], {"views": [[False, "form"]], "options": {}}
            )
            self.specs[model] = spec_from_form(
                views["views"]["form"]["arch"], views["models"][model]["fields"]
            )

    def _search_customers(self, domain):
        result = self.call_kw(
            "res.partner",
            "web_search_read",
            [],
            {
                "domain": [("telecom_customer_number", "!=", False), *domain],
                "specification": PARTNER_LIST,
                "limit": 80,
                "order": "",
                "count_limit": 10001,
                "context": CUSTOMER_CONTEXT,
            },
        )
        return result["records"]

    @task(3)
    def find_by_phone(self):
        number = random.choice(FIX["phones"])
        part = number[-random.choice((7, 9)) :]  # what an agent types: the end of it
        self.timed(
            "bo: find customer by phone",
            self._search_customers,
            [
                "|",
                ("telecom_subscription_ids.name", "ilike", part),
                ("telecom_subscription_ids.phone_number", "ilike", part),
            ],
        )

    @task(3)
    def find_by_customer_number(self):
        number = random.choice(FIX["customer_numbers"])
        self.timed(
            "bo: find customer by number",
            self._search_customers,
            [("telecom_customer_number", "ilike", number)],
        )

    @task(2)
    def find_by_name(self):
        name = random.choice(FIX["names"])
        self.timed(
            "bo: find customer by name",
            self._search_customers,
            [
                "|",
                "|",
                "|",
                "|",
                ("complete_name", "ilike", name),
                ("ref", "ilike", name),
                ("email", "ilike", name),
                ("vat", "ilike", name),
                ("company_registry", "ilike", name),
            ],
        )

    @task(4)
    def customer_360(self):
        customer = random.choice(FIX["customers"])
        self.timed(
            "bo: customer 360",
            self.call_kw,
            "res.partner",
            "web_read",
            [[customer]],
            {"specification": self.specs["res.partner"], "context": CUSTOMER_CONTEXT},
        )

    @task(3)
    def subscription(self):
        sub = random.choice(FIX["subscriptions"])
        self.timed(
            "bo: subscription",
            self.call_kw,
            "telecom.subscription",
            "web_read",
            [[sub]],
            {"specification": self.specs["telecom.subscription"], "context": CUSTOMER_CONTEXT},
        )

    @task(3)
    def usage_list(self):
        number = random.choice(FIX["phones"])
        start, end = random.choice(FIX["months"])
        self.timed(
            "bo: usage list",
            self.call_kw,
            "telecom.usage.record",
            "web_search_read",
            [],
            {
                # "Search Subscription for: <number>" in the usage list's search box
                "domain": [
                    ("subscription_id", "ilike", number),
                    ("start_time", ">=", f"{start} 00:00:00"),
                    ("start_time", "<", f"{end} 00:00:00"),
                ],
                "specification": USAGE_LIST,
                "limit": 80,
                "order": "",
                "count_limit": 10001,
                "context": CUSTOMER_CONTEXT,
            },
        )

    def _pivot(self, model, measures, rows, cols, domain=()):
        """What the pivot view asks: one read_group per pair of a prefix of its row
        groupings and a prefix of its column groupings (the total, the rows, the
        columns, the cells: two calls when it has rows and no columns)."""
        asked = []
        for i in range(len(rows) + 1):
            for j in range(len(cols) + 1):
                groupby = rows[:i] + cols[:j]
                if groupby in asked:
                    continue
                asked.append(groupby)
                self.call_kw(
                    model,
                    "read_group",
                    [],
                    {
                        "domain": list(domain),
                        "fields": measures,
                        "groupby": groupby,
                        "lazy": False,
                        "context": CUSTOMER_CONTEXT,
                    },
                )

    @task(1)
    def ar_ageing(self):
        """Receivables Ageing: the pivot of the buckets."""
        self.timed(
            "bo: AR ageing report",
            self._pivot,
            "telecom.ar.ageing.report",
            ["residual:sum"],
            FIX.get("ageing_rows") or ["bucket"],
            [],
        )

    @task(1)
    def ar_by_customer(self):
        """Receivables by Customer: the list grouped by customer, the largest debtors
        first, its first page of 80 customers (what the web client asks)."""
        self.timed(
            "bo: AR by customer (top debtors)",
            self.call_kw,
            "telecom.ar.ageing.report",
            "web_read_group",
            [],
            {
                "domain": [],
                "fields": [f"{m}:sum" for m in FIX["ageing_measures"]],
                "groupby": ["partner_id"],
                "limit": 80,
                "offset": 0,
                "orderby": "residual DESC",
                "lazy": True,
                "context": CUSTOMER_CONTEXT,
            },
        )

    @task(1)
    def revenue(self):
        """Revenue: the summary's pivot, sections by month."""
        self.timed(
            "bo: revenue report",
            self._pivot,
            FIX.get("revenue_model") or "telecom.revenue.summary",
            ["amount:sum"],
            ["section"],
            ["date:month"],
        )


# ---------------------------------------------------------------------------
# integrators over XML-RPC
# ---------------------------------------------------------------------------
class Integrator(TelecomUser):
    weight = int(os.environ.get("TELECOM_LOAD_W_INTEGRATOR", "3"))
    wait_time = between(1 * PACE, 4 * PACE)

    def on_start(self):
        me = FIX["integrator"]
        self.db, self.uid, self.password = FIX["db"], me["uid"], me["password"]
        self.rpc = xmlrpc.client.ServerProxy(f"{self.host}/xmlrpc/2/object", allow_none=True)

    def api(self, method, *args):
        return self.rpc.execute_kw(
            self.db, self.uid, self.password, "telecom.api", method, list(args)
        )

    @task(6)
    def lookup(self):
        self.timed("rpc: lookup_subscription", self.api, "lookup_subscription",
                   random.choice(FIX["phones"]))  # fmt: skip

    @task(4)
    def balance(self):
        self.timed("rpc: account_balance", self.api, "account_balance",
                   random.choice(FIX["accounts"]))  # fmt: skip

    @task(1)
    def place_order(self):
        customer = random.choice(FIX["order_customers"])
        self.timed(
            "rpc: place_order",
            self.api,
            "place_order",
            {
                "customer": customer,
                "kind": "new",
                "lines": [{"product": FIX["order_plan"]}],
            },
            f"load-{os.getpid()}-{time.time_ns()}",
        )


class UsageFeed(TelecomUser):
    """The mediation feed: import_usage in batches of 10,000 records."""

    fixed_count = int(os.environ.get("TELECOM_LOAD_FEEDS", "1"))
    wait_time = between(20 * PACE, 40 * PACE)

    def on_start(self):
        me = FIX["integrator"]
        self.db, self.uid, self.password = FIX["db"], me["uid"], me["password"]
        self.rpc = xmlrpc.client.ServerProxy(f"{self.host}/xmlrpc/2/object", allow_none=True)
        self.batch = 0

    @task
    def import_usage(self):
        self.batch += 1
        ref = f"load-{os.getpid()}-{int(time.time())}-{self.batch}"
        now = time.time()
        records = []
        for n in range(10000):
            number = random.choice(FIX["phones"])
            stamp = time.strftime(
                "%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - random.randint(60, 86000))
            )
            kind = random.random()
            if kind < 0.5:
                record = {"usage_type": "voice", "quantity": random.randint(5, 600),
                          "called_number": f"+3247{random.randint(1000000, 9999999)}"}  # fmt: skip
            elif kind < 0.75:
                record = {"usage_type": "sms", "quantity": 1,
                          "called_number": f"+3248{random.randint(1000000, 9999999)}"}  # fmt: skip
            else:
                record = {"usage_type": "data", "quantity": random.randint(10**4, 10**8)}
            record.update(
                {"record_id": f"{ref}-{n:05d}", "subscriber": number, "start_time": stamp}
            )
            records.append(record)

        def send():
            result = self.rpc.execute_kw(self.db, self.uid, self.password, "telecom.api",
                                         "import_usage", [FIX["source"], records, ref])  # fmt: skip
            if result.get("read") != len(records):
                raise Failure(f"import_usage read {result.get('read')} of {len(records)}")

        self.timed("rpc: import_usage (10,000 records)", send)


# ---------------------------------------------------------------------------
# the baseline: Odoo's own pages, in the same run
# ---------------------------------------------------------------------------
class Baseline(TelecomUser):
    weight = int(os.environ.get("TELECOM_LOAD_W_BASELINE", "3"))
    wait_time = between(3 * PACE, 9 * PACE)

    def on_start(self):
        me = FIX["baseline"]
        self.portal = me["portal"]
        self.staff = me["staff"]
        self.timed("baseline: log in", self.login, self.portal["login"], self.portal["password"])
        self.staff_client = None

    @task
    def web_login(self):
        def anonymous():
            # a fresh browser: no session cookie
            response = self.client.get("/web/login", name="(baseline login page)", cookies={})
            _check_page(response, "/web/login")

        self.timed("baseline: /web/login", anonymous)

    @task
    def my_home(self):
        self.timed("baseline: /my/home (stock)", self.get, "/my/home", "o_portal_my_home")

    @task
    def partner_name_search(self):
        if self.staff_client is None:
            self.staff_client = StaffClient(self)
        self.timed("baseline: res.partner name search", self.staff_client.name_search,
                   random.choice(FIX["names"]))  # fmt: skip


class StaffClient:
    """A second session of the baseline user, logged in as back-office staff."""

    def __init__(self, user):
        from requests import Session

        self.user = user
        self.session = Session()
        page = self.session.get(f"{user.host}/web/login")
        token = CSRF.search(page.text).group(1)
        self.session.post(
            f"{user.host}/web/login",
            data={
                "login": user.staff["login"],
                "password": user.staff["password"],
                "csrf_token": token,
            },
        )

    def name_search(self, name):
        response = self.session.post(
            f"{self.user.host}/web/dataset/call_kw/res.partner/name_search",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": "res.partner",
                    "method": "name_search",
                    "args": [],
                    "kwargs": {"name": name, "args": [], "operator": "ilike", "limit": 8},
                },
            },
        )
        if response.status_code != 200 or response.json().get("error"):
            raise Failure(f"name_search: HTTP {response.status_code}")
