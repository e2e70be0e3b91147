"""Failure drills on three sites: ``./suite drill power-cut`` and ``./suite drill restore``.

power-cut
    Starts sites A, B, C (``sites.py``) with Odoo at A and B, then for each variant
    drives a mixed workload through Odoo at both sites for real, cuts a site in the
    middle, lets the clients retry against the surviving site, and audits the
    database:

    - integrators over XML-RPC: ``place_order`` and ``import_usage`` with request ids;
    - the back office over XML-RPC: ``open_ticket`` with request ids;
    - portal customers over HTTP: pay an invoice (Odoo's payment flow, demo provider)
      and change a plan, their session opened at one site and reused at the other;
    - a bill run started before the cut, carried on by the queue jobs;
    - a heartbeat write every half second, to measure when writes resume.

    Every operation acknowledged to a client is logged (``<dir>/ops-<variant>.jsonl``).
    The audit counts, from the database, each acknowledged operation: present once
    (ok), absent (lost) or more than once (duplicated); usage batches reconcile (read =
    rated + rejected + duplicate + unbillable); the bill run billed each account once;
    no attachment lives on a disk; no portal session was lost.

    Variants: ``kill`` (kill -9 of everything at site A, the primary; then A is
    started again and must rejoin as a standby, through pg_rewind when its WAL went
    further than the new primary's), ``rejoin`` (the power is cut at the primary again
    with the rejoined A as one of the standbys), ``freeze`` (every process of the
    primary's site stopped with SIGSTOP: no TCP reset, the connections just hang; then
    SIGCONT and it rejoins). Each ends with a line
    ``power cut: N acknowledged, 0 lost, 0 duplicated, writes resumed after X s``.

restore
    pgBackRest: a full backup, work, a point in time noted, more work, a restore of
    that point in time into a fresh cluster, then rows before are there, rows after
    are not, and ``pgbackrest verify`` is clean. Ends with
    ``restore drill: ... 0 mismatched``.

``kill -9`` keeps the machine's page cache: the drill proves replication and failover
logic, not disk durability (docs/operations.md says so next to the figures).
"""

import datetime
import http.client
import http.cookiejar
import itertools
import json
import os
import re
import shutil
import signal
import threading
import time
import xmlrpc.client

import requests
import sites as sites_mod

RUNNER_TIMEOUT = 180  # s: the runners poll every minute; after that, one is missing
ADMIN = ("admin", "admin")  # the demo database's administrator
PASSWORD = "drill-Passw0rd-1"
RETRYABLE = (
    "psycopg2",
    "OperationalError",
    "InterfaceError",
    "connection",
    "read-only transaction",
    "recovery",
    "could not serialize",
    "SerializationFailure",
    "terminating",
    "server closed",
    "timeout",
    "Timeout",
)


# ----------------------------------------------------------------------------------
# clients
# ----------------------------------------------------------------------------------


def runner_sites(holders):
    """{'cron': 'site b', 'queue_job': 'none'}: where each runner is, from the holders
    of the advisory locks ({key: application_name}, as Sites.leaders() reads them;
    Odoo at a site connects as ``odoo-site-<x>-<pid>``)."""
    keys = (("cron", sites_mod.CRON_LEADER_KEY), ("queue_job", sites_mod.QUEUE_JOB_RUNNER_KEY))
    return {
        label: (holders.get(key) or "none").replace("odoo-site-", "site ").rsplit("-", 1)[0]
        for label, key in keys
    }


class TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        conn = super().make_connection(host)
        conn.timeout = self.timeout
        return conn


class Unavailable(Exception):
    """The site did not answer usefully: retry the same operation elsewhere."""


class Refused(Exception):
    """The server answered with a business error: the operation will never succeed."""


def classify(exc):
    """Unavailable (retry) or Refused (final) for an error of a call."""
    if isinstance(exc, xmlrpc.client.Fault):
        text = exc.faultString or ""
        if any(marker in text for marker in RETRYABLE):
            return Unavailable(text.splitlines()[-1][:200])
        return Refused(text.splitlines()[-1][:300] if text else "fault")
    if isinstance(exc, xmlrpc.client.ProtocolError):
        return Unavailable(f"HTTP {exc.errcode}")
    if isinstance(exc, OSError | http.client.HTTPException | requests.RequestException):
        return Unavailable(type(exc).__name__)
    if isinstance(exc, Unavailable | Refused):
        return exc
    return Refused(repr(exc)[:300])


class Rpc:
    """XML-RPC as one user against one site's Odoo."""

    def __init__(self, url, db, login, password, timeout=20):
        self.url, self.db, self.login, self.password = url, db, login, password
        self.timeout = timeout
        self.uid = None

    def _proxy(self, path):
        return xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/{path}",
            transport=TimeoutTransport(self.timeout),
            allow_none=False,
        )

    def call(self, model, method, *args, **kwargs):
        if self.uid is None:
            self.uid = self._proxy("common").authenticate(self.db, self.login, self.password, {})
            if not self.uid:
                raise Refused(f"login {self.login} refused")
        return self._proxy("object").execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


class Recorder:
    """The operations log of one variant: every attempt's outcome, acks flushed at once."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.ops = []
        self.fh = open(path, "w")  # noqa: SIM115 (closed by close())

    def log(self, **op):
        with self.lock:
            self.ops.append(op)
            self.fh.write(json.dumps(op, default=str) + "\n")
            self.fh.flush()

    def close(self):
        self.fh.close()


class Client(threading.Thread):
    """A client that retries each operation on the other sites until it is answered."""

    kind = "client"

    def __init__(self, drill, name, home):
        super().__init__(name=name, daemon=True)
        self.drill = drill
        self.home = home
        self.urls = drill.urls_from(home)
        self.errors = 0

    def attempt(self, url, op):
        raise NotImplementedError

    def next_op(self):
        raise NotImplementedError

    def perform(self, op):
        """Run ``op`` to an answer: acked, refused, or in doubt at the hard deadline."""
        started = time.time()
        tries = 0
        # what the audit needs to find the operation again, in every entry of the log
        entry = {
            "client": self.name,
            "kind": self.kind,
            **{k: op[k] for k in ("key", "what", "invoice_id", "subscription_id") if k in op},
        }
        for url in itertools.cycle(self.urls):
            if self.drill.hard_stop.is_set():
                break
            tries += 1
            try:
                result = self.attempt(url, op)
            except Exception as exc:  # noqa: BLE001 (classified: retry or give up)
                outcome = classify(exc)
                if isinstance(outcome, Refused):
                    self.drill.recorder.log(
                        **entry, acked=False, refused=str(outcome), started=started, tries=tries
                    )
                    return
                self.errors += 1
                time.sleep(min(2.0, 0.2 * tries))
                continue
            self.drill.recorder.log(
                **entry,
                acked=True,
                url=url,
                started=started,
                acked_at=time.time(),
                tries=tries,
                result=result,
            )
            return
        self.drill.recorder.log(**entry, acked=False, in_doubt=True, started=started, tries=tries)

    def run(self):
        while not self.drill.stop.is_set():
            op = self.next_op()
            if op is None:
                break
            self.perform(op)
            time.sleep(self.drill.pace)


class IntegratorClient(Client):
    kind = "integrator"

    def __init__(self, drill, name, home, seq):
        super().__init__(drill, name, home)
        self.seq = seq
        self.count = 0
        self.rpc = {}

    def _rpc(self, url):
        if url not in self.rpc:
            self.rpc[url] = Rpc(url, self.drill.db, "drill_integrator", PASSWORD)
        return self.rpc[url]

    def next_op(self):
        self.count += 1
        key = f"{self.drill.variant}-{self.name}-{self.count}"
        world = self.drill.world
        if self.count % 2:
            target = world["orders"][(self.seq * 7 + self.count) % len(world["orders"])]
            return {
                "key": key,
                "what": "order",
                "method": "place_order",
                "values": {
                    **target,
                    "kind": "new",
                    "lines": [{"product": world["plan_product"]}],
                    "client_order_ref": key,
                },
            }
        start = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        records = []
        for i in range(self.drill.usage_batch):
            number = world["numbers"][(self.count * 31 + i * 7 + self.seq) % len(world["numbers"])]
            records.append(
                {
                    "record_id": f"{key}-{i}",
                    "subscriber": number,
                    "usage_type": "voice",
                    "start_time": (start - datetime.timedelta(minutes=i + 5)).isoformat(),
                    "quantity": 30 + (i * 17) % 600,
                    "called_number": "+3221234567" if i % 5 else "+33144556677",
                }
            )
        # one record of every tenth batch repeats one of the batch before: a duplicate
        if self.count % 10 == 0:
            records[-1]["record_id"] = f"{self.drill.variant}-{self.name}-{self.count - 2}-0"
        return {"key": key, "what": "usage", "method": "import_usage", "records": records}

    def attempt(self, url, op):
        rpc = self._rpc(url)
        if op["method"] == "place_order":
            res = rpc.call("telecom.api", "place_order", op["values"], request_id=op["key"])
            return {"order_id": res["order_id"]}
        res = rpc.call(
            "telecom.api", "import_usage", self.drill.world["source"], op["records"],
            batch_ref=op["key"],
        )  # fmt: skip
        return {k: res[k] for k in ("batch_id", "read", "rated", "rejected", "duplicate")}


class BackOfficeClient(Client):
    kind = "backoffice"

    def __init__(self, drill, name, home):
        super().__init__(drill, name, home)
        self.count = 0
        self.rpc = {}

    def next_op(self):
        self.count += 1
        key = f"{self.drill.variant}-{self.name}-{self.count}"
        customer = self.drill.world["customers"][self.count % len(self.drill.world["customers"])]
        return {"key": key, "what": "ticket", "customer": customer}

    def attempt(self, url, op):
        if url not in self.rpc:
            self.rpc[url] = Rpc(url, self.drill.db, "drill_agent", PASSWORD)
        res = self.rpc[url].call(
            "telecom.api",
            "open_ticket",
            {
                "customer": op["customer"],
                "title": f"Drill {op['key']}",
                "description": "Opened by the power-cut drill.",
                "category": "service_request",
                "external_ref": op["key"],
            },
            request_id=op["key"],
        )
        return {"ticket_id": res.get("id") or res.get("ticket_id")}


class PortalClient(Client):
    """A customer in the portal: one login, then payments and plan changes."""

    kind = "portal"

    def __init__(self, drill, name, home, login, invoices, subscriptions):
        super().__init__(drill, name, home)
        self.login_name = login
        self.invoices = list(invoices)
        self.subscriptions = list(subscriptions)
        # a browser knows the portal by one name (the operator's load balancer sends it
        # to any site): the session cookie goes to every site, whichever answered last
        self.http = requests.Session()
        self.http.cookies.set_policy(_NoCookies())
        self.sid = None
        self.sessions_lost = 0
        self.logged_in = False

    def _login(self, url):
        page = self._http("get", url, "/web/login", timeout=15)
        self._check_served(page)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        res = self._http(
            "post",
            url,
            "/web/login",
            data={
                "login": self.login_name,
                "password": PASSWORD,
                "csrf_token": token.group(1) if token else "",
                "redirect": "/my",
            },
            timeout=20,
            allow_redirects=False,
        )
        self._check_served(res)
        if res.status_code != 303 or "/web/login" in res.headers.get("Location", ""):
            raise Refused(f"portal login of {self.login_name} refused ({res.status_code})")
        self.logged_in = True

    def _http(self, method, url, path, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.sid:
            headers["Cookie"] = f"session_id={self.sid}"
        res = self.http.request(method, f"{url}{path}", headers=headers, **kwargs)
        for resp in [*res.history, res]:
            sid = resp.cookies.get("session_id")
            if sid:
                self.sid = sid
        return res

    @staticmethod
    def _check_served(res):
        # while no database answers, Odoo fails requests (500) or routes them without
        # one (404 for every database route): the customer tries again
        if res.status_code >= 500 or res.status_code == 404:
            raise Unavailable(f"HTTP {res.status_code}")

    def _get(self, url, path):
        res = self._http("get", url, path, timeout=20, allow_redirects=False)
        self._check_served(res)
        if res.status_code in (301, 302, 303) and "/web/login" in res.headers.get("Location", ""):
            # the session this customer opened is not known here: that is a lost session
            self.sessions_lost += 1
            raise Refused(f"session of {self.login_name} lost at {url}")
        return res

    def _json(self, url, path, params):
        res = self._http(
            "post",
            url,
            path,
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=20,
        )
        self._check_served(res)
        body = res.json()
        if "error" in body:
            message = json.dumps(body["error"].get("data", {}).get("message", body["error"]))
            if any(marker in message for marker in RETRYABLE):
                raise Unavailable(message[:200])
            raise Refused(message[:300])
        # a route that returns nothing answers without a "result"
        return body.get("result")

    def next_op(self):
        if self.invoices:
            invoice = self.invoices.pop(0)
            key = f"{self.drill.variant}-pay-{invoice['id']}"
            return {"key": key, "what": "payment", "pay": invoice, "invoice_id": invoice["id"]}
        if self.subscriptions:
            # the plan change comes after the cut: a customer whose site went is served
            # by the other one, on the session opened before
            while not self.drill.cut_done.wait(1):
                if self.drill.stop.is_set():
                    return None
            sub = self.subscriptions.pop(0)
            key = f"{self.drill.variant}-plan-{sub['id']}"
            return {"key": key, "what": "plan_change", "plan": sub, "subscription_id": sub["id"]}
        return None

    def attempt(self, url, op):
        if not self.logged_in:
            self._login(url)
        if "pay" in op:
            return self._pay(url, op)
        return self._change_plan(url, op)

    def _invoice_paid(self, url, invoice_id):
        page = self._get(url, f"/my/invoices/{invoice_id}")
        if page.status_code != 200:
            raise Unavailable(f"invoice page HTTP {page.status_code}")
        return "o_portal_pay" not in page.text and (
            "Paid" in page.text or "In Payment" in page.text
        )

    def _pay(self, url, op):
        invoice = op["pay"]
        ref = op.get("reference")
        if ref is None:
            # a customer who does not know whether the last click went through looks
            # at the invoice first: it is paid, or it is not
            if op.get("tried") and self._invoice_paid(url, invoice["id"]):
                return {"invoice_id": invoice["id"], "already_paid": True}
            op["tried"] = True
            world = self.drill.world
            values = self._json(
                url,
                f"/invoice/transaction/{invoice['id']}",
                {
                    "access_token": None,
                    "provider_id": world["provider_id"],
                    "payment_method_id": world["payment_method_id"],
                    "token_id": None,
                    "amount": invoice["amount_residual"],
                    "flow": "direct",
                    "tokenization_requested": False,
                    "landing_route": f"/my/invoices/{invoice['id']}",
                },
            )
            op["reference"] = ref = values["reference"]
        self._json(
            url,
            "/payment/demo/simulate_payment",
            {"reference": ref, "payment_details": "4242", "simulated_state": "done"},
        )
        self._json(url, "/payment/status/poll", {})
        return {"invoice_id": invoice["id"], "reference": ref}

    def _change_plan(self, url, op):
        sub = op["plan"]
        path = f"/my/subscriptions/{sub['id']}/change_plan"
        form = self._get(url, path)
        if form.status_code in (301, 302, 303):
            if op.get("tried"):
                # the change the customer sent is there already (the service is busy)
                return {"subscription_id": sub["id"], "already_requested": True}
            raise Refused(f"plan change not offered for subscription {sub['id']}")
        op["tried"] = True
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        when = re.search(r'name="when"[^>]*value="([^"]+)"', form.text)
        res = self._http(
            "post",
            url,
            f"{path}/confirm",
            data={
                "csrf_token": token.group(1) if token else "",
                "plan_id": sub["target_plan_id"],
                "when": when.group(1) if when else "today",
            },
            timeout=20,
            allow_redirects=False,
        )
        self._check_served(res)
        if res.status_code not in (301, 302, 303):
            error = re.search(r'class="alert alert-danger[^"]*"[^>]*>\s*([^<]+)', res.text)
            raise Refused(error.group(1).strip() if error else f"HTTP {res.status_code}")
        return {"subscription_id": sub["id"], "location": res.headers.get("Location")}


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """The client keeps its session cookie itself (see PortalClient._http)."""

    def set_ok(self, cookie, request):
        return False


class Heartbeat:
    """A write through Odoo every half second at each Odoo site, each site in its own
    thread (a frozen site holds only its own): when writes stop and when they resume."""

    def __init__(self, drill):
        self.drill = drill
        self.ok = []  # (sent, answered) of each successful write, all sites
        self.last_error = {}
        self.threads = []
        for url in drill.all_urls:
            # log in before the clock starts: a password check can take seconds
            rpc = Rpc(url, drill.db, *ADMIN, timeout=120)
            rpc.call("res.users", "check_access_rights", "read", False)
            # a write answers in a fraction of a second; 10 s covers a busy machine
            rpc.timeout = 10
            self.threads.append(
                threading.Thread(target=self._beat, args=(url, rpc), daemon=True, name=url)
            )

    def start(self):
        for thread in self.threads:
            thread.start()

    def join(self, timeout=None):
        for thread in self.threads:
            thread.join(timeout=timeout)

    def _beat(self, url, rpc):
        n = 0
        while not self.drill.stop.is_set():
            n += 1
            sent = time.time()
            try:
                rpc.call(
                    "res.partner",
                    "write",
                    [self.drill.world["heartbeat_partner"]],
                    {"comment": f"heartbeat {url} {n}"},
                )
                self.ok.append((sent, time.time()))
            except Exception as exc:  # noqa: BLE001 (down or failing over: try again)
                self.last_error[url] = str(classify(exc))
            time.sleep(0.5)

    def resumed_after(self, cut_at):
        """Seconds from the cut to the first write sent after it that succeeded (a write
        sent before the cut may still be answered just after it: not a resumption)."""
        after = [answered for sent, answered in self.ok if sent > cut_at]
        return (min(after) - cut_at) if after else None


# ----------------------------------------------------------------------------------
# the drill
# ----------------------------------------------------------------------------------
# how many times each kind of operation is in the database (it must be 1 when acked)
AUDIT = {
    "order": "SELECT count(*) FROM sale_order WHERE client_order_ref = {key}",
    "usage": "SELECT count(*) FROM telecom_mediation_batch WHERE rpc_ref = {key}",
    "ticket": "SELECT count(*) FROM helpdesk_ticket WHERE name = {title}",
    "payment": "SELECT count(*) FROM payment_transaction t"
    " JOIN account_invoice_transaction_rel r ON r.transaction_id = t.id"
    " WHERE r.invoice_id = {invoice_id} AND t.state = 'done'",
    "plan_change": "SELECT count(DISTINCT o.id) FROM sale_order o"
    " JOIN sale_order_line l ON l.order_id = o.id"
    " WHERE l.telecom_subscription_id = {subscription_id}"
    " AND o.telecom_order_kind = 'plan_change' AND o.create_date >= {since}",
}


class PowerCutDrill:
    def __init__(self, opts):
        self.opts = opts
        self.sites = sites_mod.Sites(opts.dir, odoo_sites=("a", "b"), venv=opts.venv)
        self.db = self.sites.db
        self.pace = 0.3
        self.usage_batch = 50
        self.world = {}
        self.variant = None
        # in every key: a retry of this run is recognised, a later run never collides
        self.run_tag = format(int(time.time()) % 1_000_000, "x")
        self.recorder = None
        self.stop = threading.Event()
        self.cut_done = threading.Event()
        self.hard_stop = threading.Event()
        self.cut_site = None
        self._admins = {}
        self.tried, self.tried_subs = set(), set()

    # -- endpoints ---------------------------------------------------------------------
    @property
    def all_urls(self):
        return [f"http://{sites_mod.SITES[s]}:{sites_mod.HTTP_PORT}" for s in self.sites.odoo_sites]

    def urls_from(self, home):
        urls = self.all_urls
        i = self.sites.odoo_sites.index(home)
        return urls[i:] + urls[:i]

    def admin(self):
        """The administrator over XML-RPC at the first Odoo site that answers (logged in
        once per site: a password check can take seconds on a busy machine)."""
        for url in self.all_urls:
            rpc = self._admins.setdefault(url, Rpc(url, self.db, *ADMIN, timeout=120))
            try:
                rpc.call("res.users", "check_access_rights", "read", False)
                return rpc
            except Exception:  # noqa: BLE001,S112 (that site is down: try the next)
                continue
        raise SystemExit("No Odoo site answers as admin")

    # -- set-up ----------------------------------------------------------------------------
    def setup(self):
        reuse = self.opts.reuse and self.sites.primary()
        if not reuse:
            if os.path.exists(self.sites.root):
                self.sites.down()
                shutil.rmtree(self.sites.root)
            self.sites.up(customers=self.opts.customers, seed=7)
        admin = self.admin()
        groups = {}
        for xmlid in (
            "telecom_crm.group_telecom_sales",
            "telecom_crm.group_telecom_care",
            "telecom_crm.group_telecom_billing",
            "base.group_portal",
        ):
            module, name = xmlid.split(".")
            groups[xmlid] = admin.call("ir.model.data", "check_object_reference", module, name)[1]
        users = [
            {
                "name": "Drill integrator",
                "login": "drill_integrator",
                "email": "drill.integrator@example.com",
                "password": PASSWORD,
                "groups_id": [(6, 0, [groups[g] for g in groups if not g.startswith("base.")])],
            },
            {
                "name": "Drill care agent",
                "login": "drill_agent",
                "email": "drill.agent@example.com",
                "password": PASSWORD,
                "groups_id": [(6, 0, [groups["telecom_crm.group_telecom_care"]])],
            },
        ]
        for user in users:
            found = admin.call("res.users", "search", [("login", "=", user["login"])])
            if found:
                admin.call("res.users", "write", found, user)
            else:
                admin.call("res.users", "create", user)
        self.world = self._world(admin, groups["base.group_portal"])

    def _world(self, admin, portal_group):
        subs = admin.call(
            "telecom.subscription",
            "search_read",
            [
                ("state", "=", "active"),
                ("technology", "=", "mobile"),
                ("phone_number", "!=", False),
            ],
            ["id", "phone_number", "partner_id", "plan_id", "open_service_order_count"],
            order="id",
        )
        partner_ids = sorted({s["partner_id"][0] for s in subs})
        numbers = [s["phone_number"] for s in subs]
        numbers_by_partner = {
            p["id"]: p["telecom_customer_number"]
            for p in admin.call(
                "res.partner",
                "search_read",
                [("id", "in", partner_ids)],
                ["telecom_customer_number"],
                order="id",
            )
            if p["telecom_customer_number"]
        }
        customer_numbers = sorted(numbers_by_partner.values())
        # orders name the billing account: some customers have several
        accounts = admin.call(
            "telecom.billing.account",
            "search_read",
            [("state", "=", "active"), ("partner_id", "in", list(numbers_by_partner))],
            ["name", "partner_id"],
            order="id",
        )
        order_targets = [
            {"customer": numbers_by_partner[a["partner_id"][0]], "billing_account": a["name"]}
            for a in accounts
        ]
        plans = admin.call(
            "product.product",
            "search_read",
            [("telecom_kind", "=", "plan"), ("telecom_technology", "=", "mobile")],
            ["id", "default_code"],
            order="id",
        )
        source = admin.call(
            "telecom.mediation.source", "search_read", [], ["code"], limit=1, order="id"
        )[0]["code"]
        provider = admin.call(
            "payment.provider", "search_read", [("code", "=", "demo")], ["id", "payment_method_ids"]
        )[0]
        admin.call(
            "payment.provider", "write", [provider["id"]], {"state": "test", "is_published": True}
        )
        # as an administrator would open it: Odoo makes the provider's payment method
        # line on first reading its journal (customers racing to make it would each make one)
        admin.call("payment.provider", "read", [provider["id"]], ["journal_id"])
        # portal customers: six with a bill every month (billing day 1: each variant's
        # bill run gives them new invoices to pay) and mobile services, a login each
        monthly = admin.call(
            "telecom.billing.account",
            "search_read",
            [("state", "=", "active"), ("billing_day", "=", 1), ("partner_id", "in", partner_ids)],
            ["partner_id"],
            order="id",
        )
        portal = []
        for partner_id in sorted({a["partner_id"][0] for a in monthly})[:6]:
            login = f"drill_customer_{partner_id}"
            if not admin.call("res.users", "search", [("login", "=", login)]):
                admin.call(
                    "res.users",
                    "create",
                    {
                        "login": login,
                        "password": PASSWORD,
                        "partner_id": partner_id,
                        "groups_id": [(6, 0, [portal_group])],
                    },
                )
            portal.append({"login": login, "partner_id": partner_id})
        found = admin.call("res.partner", "search", [("name", "=", "Drill heartbeat")], limit=1)
        heartbeat = (
            found[0] if found else admin.call("res.partner", "create", {"name": "Drill heartbeat"})
        )
        return {
            "customers": customer_numbers,
            "orders": order_targets,
            "numbers": numbers,
            "plan_product": plans[0]["default_code"],
            "source": source,
            "provider_id": provider["id"],
            "payment_method_id": provider["payment_method_ids"][0],
            "portal": portal,
            "plan_ids": [p["id"] for p in plans],
            "heartbeat_partner": heartbeat,
        }

    # -- one variant -----------------------------------------------------------------------
    def portal_work(self, admin, partner_id):
        """What a portal customer does in a variant: pay its latest unpaid invoice and
        change the plan of one of its idle mobile services (each at most once a drill)."""
        invoices = admin.call(
            "account.move",
            "search_read",
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "=", "not_paid"),
                ("commercial_partner_id", "=", partner_id),
                ("id", "not in", sorted(self.tried)),
            ],
            ["id", "amount_residual"],
            order="id desc",
            limit=1,
        )
        subs = admin.call(
            "telecom.subscription",
            "search_read",
            [
                ("partner_id", "=", partner_id),
                ("state", "=", "active"),
                ("technology", "=", "mobile"),
                ("id", "not in", sorted(self.tried_subs)),
            ],
            ["id", "plan_id", "open_service_order_count"],
            order="id",
        )
        # a plan change is offered for a service with no order under way
        subs = [s for s in subs if not s["open_service_order_count"]][:1]
        self.tried.update(i["id"] for i in invoices)
        self.tried_subs.update(s["id"] for s in subs)
        plans = self.world["plan_ids"]
        targets = [
            {
                "id": s["id"],
                "target_plan_id": next((p for p in plans if p != s["plan_id"][0]), plans[0]),
            }
            for s in subs
        ]
        return invoices, targets

    def start_bill_run(self):
        """A bill run of next period's cycle, started just before the cut."""
        admin = self.admin()
        day = 1
        # the month after the latest run of the cycle (and after this month)
        last = admin.call(
            "telecom.bill.run", "search_read", [("billing_day", "=", day)], ["date"],
            order="date desc", limit=1,
        )  # fmt: skip
        start = max(datetime.date.today(), datetime.date.fromisoformat(last[0]["date"]))
        bill_date = (start.replace(day=1) + datetime.timedelta(days=32)).replace(day=day)
        run = admin.call(
            "telecom.bill.run", "create", {"billing_day": day, "date": bill_date.isoformat()}
        )
        admin.call("telecom.bill.run", "action_start", [run])
        return run

    def run_variant(self, variant, index):
        self.variant, self.variant_index = f"{variant}{self.run_tag}", index
        self.stop.clear()
        self.hard_stop.clear()
        self.cut_done.clear()
        self.recorder = Recorder(os.path.join(self.sites.root, f"ops-{variant}.jsonl"))
        self.variant_started = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        primary = self.sites.primary()
        if variant == "kill" and primary != "a":
            self.sites.switchover("a")
            primary = "a"
        self.cut_site = primary
        print(f"[{variant}] primary is site {primary.upper()}; workload starts", flush=True)
        clients = []
        for n, home in enumerate(self.sites.odoo_sites):
            clients.append(IntegratorClient(self, f"int-{home}", home, n))
            clients.append(BackOfficeClient(self, f"bo-{home}", home))
        admin = self.admin()
        for n, customer in enumerate(self.world["portal"]):
            home = self.sites.odoo_sites[n % len(self.sites.odoo_sites)]
            invoices, subs = self.portal_work(admin, customer["partner_id"])
            clients.append(
                PortalClient(self, f"portal-{n}", home, customer["login"], invoices, subs)
            )
        heartbeat = Heartbeat(self)
        for thread in [*clients, heartbeat]:
            thread.start()
        time.sleep(max(0, self.opts.seconds / 2 - 3))
        # the bill run starts just before the cut: its jobs are running when it comes
        bill_run = self.start_bill_run()
        time.sleep(3)
        cut_at = time.time()
        log_offset = self.log_offset(primary)
        if variant == "freeze":
            count = self.sites.signal_site(primary, signal.SIGSTOP)
            how = f"SIGSTOP to {count} processes and groups"
        else:
            count = self.sites.signal_site(primary, signal.SIGKILL)
            how = f"kill -9 of {count} processes and groups"
        self.cut_done.set()
        print(f"[{variant}] power cut at site {primary.upper()}: {how}", flush=True)
        new_primary = self.sites.wait_for(
            "a new primary", lambda: (p := self.sites.primary()) and p != primary and p, 180
        )
        print(
            f"[{variant}] Patroni promoted site {new_primary.upper()} after "
            f"{time.time() - cut_at:.1f} s",
            flush=True,
        )
        # the workload goes on: until writes are accepted again, then half a run more
        deadline = time.time() + 300
        while heartbeat.resumed_after(cut_at) is None and time.time() < deadline:
            time.sleep(0.5)
        time.sleep(self.opts.seconds / 2)
        self.stop.set()
        for thread in clients:
            thread.join(timeout=240)
        self.hard_stop.set()
        heartbeat.join(timeout=30)
        resumed = heartbeat.resumed_after(cut_at)
        before = sum(1 for sent, _answered in heartbeat.ok if sent <= cut_at)
        print(
            f"[{variant}] heartbeat: {before} writes before the cut, "
            f"{len(heartbeat.ok) - before} after; last errors: {heartbeat.last_error}",
            flush=True,
        )
        # the site comes back: thawed, or started again after the power cut
        if variant == "freeze":
            self.sites.signal_site(primary, signal.SIGCONT)
            self.sites.wait_for(
                f"site {primary} to rejoin",
                lambda: self.sites.members().get(primary, {}).get("state") == "streaming",
                300,
            )
            if primary in self.sites.odoo_sites:
                self.sites.wait_for(f"Odoo at {primary}", lambda: self.sites.odoo_up(primary), 300)
        else:
            self.sites.start_site(primary)
        rewind = self.rewind_note(primary, log_offset)
        self.sites.wait_for(
            "two standbys in the synchronous quorum", self.sites.replicas_in_sync, 300
        )
        print(f"[{variant}] site {primary.upper()} rejoined as a standby ({rewind})", flush=True)
        runners = self.wait_runners(variant)
        self.wait_bill_run(bill_run)
        self.recorder.close()
        result = self.audit(bill_run, clients)
        result["resumed"] = resumed
        if runners is None:
            result["problems"].append(
                f"cron or queue_job runner not running {RUNNER_TIMEOUT} s after the rejoin"
            )
        return result

    def wait_runners(self, variant):
        """Wait until a cron runner and a queue_job runner hold their locks again (each
        takes its lock at its next poll, up to a minute after the failover)."""
        started = time.monotonic()
        while True:
            runners = runner_sites(self.sites.leaders())
            if "none" not in runners.values() or time.monotonic() - started > RUNNER_TIMEOUT:
                break
            time.sleep(2)
        print(
            f"[{variant}] runners now: cron at {runners['cron']}, "
            f"queue_job at {runners['queue_job']} "
            f"({time.monotonic() - started:.0f} s after the rejoin)",
            flush=True,
        )
        return None if "none" in runners.values() else runners

    def log_offset(self, site):
        try:
            return os.path.getsize(self.sites.path(site, "log", "patroni.log"))
        except OSError:
            return 0

    def rewind_note(self, site, offset):
        """What Patroni did to bring ``site`` back, from its log since the cut."""
        try:
            with open(self.sites.path(site, "log", "patroni.log")) as fh:
                fh.seek(offset)
                text = fh.read()
        except OSError:
            return "its Patroni log is unreadable"
        diverged = re.search(r"servers diverged at WAL location (\S+)", text)
        if "pg_rewind exit code=0" in text:
            at = f" at {diverged.group(1)}" if diverged else ""
            return f"pg_rewind ran: it had diverged{at}"
        if "running pg_rewind" in text:
            return "pg_rewind ran but did not succeed: Patroni rebuilt it from the primary"
        return "no rewind needed: its WAL had not gone past the new primary's"

    def wait_bill_run(self, run_id, timeout=600):
        admin = self.admin()

        def done():
            try:
                state = admin.call("telecom.bill.run", "read", [run_id], ["state"])[0]["state"]
            except Exception:  # noqa: BLE001 (failing over: ask again)
                return False
            if state in ("running", "posting"):
                # the safety cron resumes a run whose jobs died with a site; the drill
                # does what an operator would if it waited: Resume
                try:
                    admin.call("telecom.bill.run", "action_resume", [run_id])
                except Exception:  # noqa: BLE001,S110 (already moving: fine)
                    pass
            return state in ("done", "cancelled", "failed") and state

        state = self.sites.wait_for("the bill run to finish", done, timeout, interval=5)
        print(f"bill run {run_id}: {state}", flush=True)

    # -- audit -------------------------------------------------------------------------------
    def sql(self, query):
        out = self.sites.psql(query, dbname=self.db)
        return [line.split("|") for line in out.splitlines() if line]

    def audit(self, bill_run, clients):
        ops = self.recorder.ops
        acked = [o for o in ops if o.get("acked")]
        lost, duplicated, problems = 0, 0, []

        def count(query, *args):
            return int(self.sql(query % args)[0][0])

        def q(text):
            return "'" + str(text).replace("'", "''") + "'"

        since = q(self.variant_started.strftime("%Y-%m-%d %H:%M:%S"))
        for op in ops:
            what, key = op.get("what"), op["key"]
            if what not in AUDIT:
                continue
            n = count(
                AUDIT[what].format(
                    key=q(key),
                    title=q(f"Drill {key}"),
                    invoice_id=int(op.get("invoice_id") or 0),
                    subscription_id=int(op.get("subscription_id") or 0),
                    since=since,
                )
            )
            kind = f"{op['kind']} {what}"
            if n > 1:
                duplicated += 1
                problems.append(f"duplicated ({n}): {kind} {key}")
            if op.get("acked") and n == 0:
                lost += 1
                problems.append(f"lost: {kind} {key}")
        # usage: each batch reconciles, and the drill's records are all accounted for
        bad_batches = count(
            "SELECT count(*) FROM telecom_mediation_batch WHERE rpc_ref LIKE %s"
            " AND lines_read <> rated_count + rejected_count + duplicate_count + unbillable_count",
            q(f"{self.variant}-%"),
        )
        if bad_batches:
            problems.append(f"{bad_batches} usage batch(es) do not reconcile")
        # the bill run: exactly one invoice per billed account, none for the others
        run_state = self.sql(f"SELECT state FROM telecom_bill_run WHERE id = {int(bill_run)}")[0][0]
        dup_invoices = count(
            "SELECT count(*) FROM (SELECT telecom_billing_account_id FROM account_move"
            " WHERE telecom_bill_run_id = %s AND state <> 'cancel'"
            " GROUP BY telecom_billing_account_id HAVING count(*) > 1) d",
            int(bill_run),
        )
        missing_invoices = count(
            "SELECT count(*) FROM telecom_bill_run_line l WHERE l.run_id = %s AND l.state = 'done'"
            " AND NOT EXISTS (SELECT 1 FROM account_move m WHERE m.telecom_bill_run_id = l.run_id"
            " AND m.telecom_billing_account_id = l.billing_account_id AND m.state <> 'cancel')",
            int(bill_run),
        )
        billed = count(
            "SELECT count(*) FROM account_move"
            " WHERE telecom_bill_run_id = %s AND state <> 'cancel'",
            int(bill_run),
        )
        duplicated += dup_invoices
        lost += missing_invoices
        if run_state != "done":
            problems.append(f"bill run {bill_run} ended {run_state}")
        on_disk = count("SELECT count(*) FROM ir_attachment WHERE store_fname IS NOT NULL")
        unreadable = count(
            "SELECT count(*) FROM ir_attachment WHERE type = 'binary' AND store_fname IS NULL"
            " AND db_datas IS NULL AND coalesce(file_size, 0) > 0"
        )
        if on_disk or unreadable:
            problems.append(f"attachments: {on_disk} on a disk, {unreadable} unreadable")
        sessions_lost = sum(c.sessions_lost for c in clients if isinstance(c, PortalClient))
        if sessions_lost:
            problems.append(f"{sessions_lost} portal session(s) lost")
        by_kind = {}
        for op in acked:
            by_kind[op["kind"]] = by_kind.get(op["kind"], 0) + 1
        doubt = sum(1 for o in ops if o.get("in_doubt"))
        refused = [o for o in ops if o.get("refused")]
        return {
            "acked": len(acked),
            "by_kind": by_kind,
            "lost": lost,
            "duplicated": duplicated,
            "problems": problems,
            "bill_run": f"run {bill_run} {run_state}, {billed} invoices, "
            f"{dup_invoices} duplicated, {missing_invoices} missing",
            "in_doubt": doubt,
            "refused": refused,
            "sessions_lost": sessions_lost,
            "retries": sum(c.errors for c in clients),
        }


def power_cut(opts):
    variants = opts.variants.split(",")
    unknown = set(variants) - {"kill", "rejoin", "freeze"}
    if unknown:
        raise SystemExit(f"Unknown variant(s) {', '.join(sorted(unknown))}: kill, rejoin, freeze")
    drill = PowerCutDrill(opts)
    started = time.time()
    drill.setup()
    print(f"sites ready in {time.time() - started:.0f} s; variants: {opts.variants}", flush=True)
    lines, failed = [], False
    try:
        for index, variant in enumerate(variants):
            result = drill.run_variant(variant, index)
            for problem in result["problems"]:
                print(f"  [{variant}] {problem}")
            for op in result["refused"][:5]:
                print(f"  [{variant}] refused, not acknowledged: {op['kind']} {op['key']}")
                print(f"      {op['refused']}")
            resumed = result["resumed"]
            resumed_text = f"{resumed:.1f} s" if resumed is not None else "never"
            print(
                f"  [{variant}] acknowledged by kind: {result['by_kind']}; in doubt at the end: "
                f"{result['in_doubt']}; retried attempts: {result['retries']}; "
                f"{result['bill_run']}; portal sessions lost: {result['sessions_lost']}",
                flush=True,
            )
            line = (
                f"power cut: {result['acked']} acknowledged, {result['lost']} lost, "
                f"{result['duplicated']} duplicated, writes resumed after {resumed_text}"
            )
            failed = failed or result["lost"] or result["duplicated"] or resumed is None
            failed = failed or bool(result["problems"])
            lines.append(line)
            print(f"[{variant}] {line}", flush=True)
    finally:
        if not opts.keep:
            drill.sites.down()
    print(f"\npower-cut drill, one line per variant ({', '.join(variants[: len(lines)])}):")
    for line in lines:
        print(line)
    return 1 if failed else 0


# ----------------------------------------------------------------------------------
# restore drill
# ----------------------------------------------------------------------------------
def restore(opts):
    s = sites_mod.Sites(opts.dir, odoo_sites=(), venv=opts.venv)
    if os.path.exists(s.root):
        s.down()
        shutil.rmtree(s.root)
    started = time.time()
    s.up(install=False)
    s.psql("CREATE DATABASE drill")
    s.psql(
        "CREATE TABLE drill_rows (id bigserial PRIMARY KEY, phase text NOT NULL,"
        " payload text NOT NULL, created timestamptz NOT NULL DEFAULT clock_timestamp())",
        dbname="drill",
    )

    def work(phase, rows):
        s.psql(
            f"INSERT INTO drill_rows (phase, payload) SELECT '{phase}', md5(g::text)"
            f" FROM generate_series(1, {int(rows)}) g",
            dbname="drill",
        )

    work("before-backup", 5000)
    backup = s.backup("full")
    work("after-backup", 3000)
    # the point in time: every row committed before it must come back, none after
    time.sleep(1.1)
    target = s.psql("SELECT clock_timestamp()")
    time.sleep(1.1)
    work("after-target", 2000)
    # a switchover in between: the restore must follow the timeline change too
    primary = s.primary()
    other = next(x for x in sites_mod.SITES if x != primary)
    s.switchover(other)
    work("after-switchover", 1000)
    s.psql("SELECT pg_switch_wal()")
    s.pgbackrest("check")
    expected = {
        row.split("|")[0]: int(row.split("|")[1])
        for row in s.psql(
            f"SELECT phase, count(*) FROM drill_rows WHERE created < '{target}' GROUP BY phase",
            dbname="drill",
        ).splitlines()
    }
    restored = os.path.join(s.root, "restored")
    pgdata = os.path.join(restored, "pgdata")
    os.makedirs(pgdata, exist_ok=True)
    os.chmod(restored, 0o755)
    os.chmod(pgdata, 0o700)
    for path in (restored, pgdata):
        s._chown(path)
    t0 = time.time()
    s.pgbackrest(
        f"--pg1-path={pgdata}",
        "--type=time",
        f"--target={target}",
        "--target-action=promote",
        "--target-timeline=current",
        "restore",
        site=s.primary(),
    )
    port = sites_mod.pgcluster.free_port(5540)
    cluster = sites_mod.pgcluster.Cluster(pgdata, port)
    with open(os.path.join(pgdata, "postgresql.auto.conf"), "a") as fh:
        fh.write(
            f"\n# restore drill\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{restored}'\narchive_mode = off\n"
            "synchronous_standby_names = ''\nlogging_collector = off\n"
        )
    cluster.start(timeout=300)
    restore_seconds = time.time() - t0
    try:
        s.wait_for(
            "the restored cluster to finish recovery", lambda: _promoted(s, restored, port), 300
        )
        got = {
            row.split("|")[0]: int(row.split("|")[1])
            for row in _psql_at(
                s, restored, port, "SELECT phase, count(*) FROM drill_rows GROUP BY phase"
            ).splitlines()
        }
        late = int(
            _psql_at(
                s, restored, port, f"SELECT count(*) FROM drill_rows WHERE created >= '{target}'"
            )
        )
    finally:
        cluster.stop()
    verify = s.pgbackrest("verify", check=False)
    verify_ok = verify.returncode == 0
    mismatched = sum(abs(got.get(k, 0) - v) for k, v in expected.items()) + late
    mismatched += sum(v for k, v in got.items() if k not in expected)
    s.down()
    before = sum(expected.values())
    print(f"backup {backup['label']}; target time {target}")
    print(f"expected before the target: {expected}; restored: {got}")
    print(f"pgbackrest verify: {'clean' if verify_ok else verify.stdout + verify.stderr}")
    line = (
        f"restore drill: {before} rows before the target restored, {late} after it, "
        f"restore {restore_seconds:.0f} s, verify {'clean' if verify_ok else 'FAILED'}, "
        f"{mismatched} mismatched"
    )
    print(f"drill done in {time.time() - started:.0f} s")
    print(line)
    return 0 if (mismatched == 0 and verify_ok) else 1


def _psql_at(s, sockdir, port, sql):
    return s.psql(sql, dbname="drill", socket=(sockdir, port))


def _promoted(s, sockdir, port):
    try:
        return _psql_at(s, sockdir, port, "SELECT NOT pg_is_in_recovery()") == "t"
    except sites_mod.SitesError:
        return False


def main(opts):
    if opts.name == "power-cut":
        return power_cut(opts)
    return restore(opts)
