"""Take the README's screenshots from a running suite (``./suite run``).

    python3 scripts/screenshots.py [--url http://localhost:8069] [--db telecom]

Logs in as each user over JSON-RPC, hands the session cookie to headless
Chromium (Debian's ``chromium``) through the DevTools protocol, opens each page
and saves a PNG under ``docs/screenshots/``. The pages are listed in SHOTS;
phone-sized shots use a 390x844 viewport.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import requests
import websocket

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "docs", "screenshots")

# (file name, login, password, path, viewport, CSS selector that says "rendered"[, steps])
# steps: optional [(CSS selector to click, CSS selector that says "rendered"), ...] run
# after the page is ready (to reach pages behind a click or a form)
DESKTOP = (1440, 900)
PHONE = (390, 844)
BACKOFFICE_READY = ".o_action_manager .o_view_controller .o_content"
CUSTOMERS = "/odoo/action-telecom_crm.res_partner_action_telecom_customer"
SHOTS = [
    ("backoffice-customers.png", "admin", "admin", CUSTOMERS, DESKTOP, BACKOFFICE_READY),
    (
        "backoffice-bill-run.png",
        "admin",
        "admin",
        "/odoo/action-telecom_billing.telecom_bill_run_action",
        DESKTOP,
        ".o_list_view .o_data_row",
        [(".o_data_row td.o_data_cell", ".o_form_view .o_form_sheet")],
    ),
    (
        "backoffice-usage.png",
        "admin",
        "admin",
        "/odoo/action-telecom_billing.telecom_usage_record_action",
        DESKTOP,
        ".o_list_view .o_data_row",
    ),
    (
        "backoffice-alarms.png",
        "admin",
        "admin",
        "/odoo/action-telecom_oss.telecom_alarm_action",
        DESKTOP,
        BACKOFFICE_READY,
    ),
    (
        "backoffice-tickets.png",
        "admin",
        "admin",
        "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action",
        DESKTOP,
        BACKOFFICE_READY,
    ),
    ("portal-home-phone.png", "portal", "portal", "/my", PHONE, ".o_portal_my_home"),
    (
        "portal-services.png",
        "portal",
        "portal",
        "/my/subscriptions",
        DESKTOP,
        ".o_portal_my_doc_table",
    ),
    (
        "portal-service-phone.png",
        "portal",
        "portal",
        "/my/subscriptions",
        PHONE,
        ".o_telecom_service_row",
        [(".o_telecom_service_row a", ".o_telecom_allowances")],
    ),
    (
        "portal-change-plan-preview.png",
        "portal",
        "portal",
        "/my/subscriptions",
        DESKTOP,
        ".o_telecom_service_row",
        [
            (".o_telecom_service_row a", ".o_telecom_actions"),
            ("a.o_telecom_change_plan", "input[name=plan_id]"),
            ("input[name=plan_id]", "input[name=plan_id]:checked"),
            ("button.o_telecom_preview_button", ".o_telecom_preview"),
        ],
    ),
    (
        "portal-invoice.png",
        "portal",
        "portal",
        "/my/invoices",
        DESKTOP,
        ".o_portal_my_doc_table",
        [(".o_portal_my_doc_table tbody tr a", ".o_portal_invoice_sidebar")],
    ),
    (
        "portal-agent-customers.png",
        "agent",
        "agent",
        "/my/agent/customers",
        DESKTOP,
        ".o_portal_my_doc_table",
    ),
    (
        "portal-agent-order-phone.png",
        "agent",
        "agent",
        "/my/agent/customers",
        PHONE,
        ".o_telecom_agent_customer_row",
        [
            (".o_telecom_agent_customer_row a", ".o_telecom_agent_new_order"),
            ("a.o_telecom_agent_new_order", ".o_telecom_agent_order_form"),
        ],
    ),
]


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("Chromium not found: apt-get install chromium")


def login(base, db, user, password):
    session = requests.Session()
    res = session.post(
        f"{base}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db, "login": user, "password": password}},
        timeout=30,
    )
    res.raise_for_status()
    if res.json().get("error"):
        raise SystemExit(f"login failed for {user}: {res.json()['error']['data']['message']}")
    return session.cookies.get("session_id")


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="telecom-shots-")
        self.port = 9333
        self.proc = subprocess.Popen(
            [
                find_chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={self.profile}",
                f"--remote-debugging-port={self.port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list") as fh:
                    pages = [t for t in json.load(fh) if t["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        self.msg_id = 0

    def call(self, method, **params):
        self.msg_id += 1
        self.ws.send(json.dumps({"id": self.msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def wait_for(self, selector, timeout=90):
        deadline = time.time() + timeout
        expr = f"!!document.querySelector({json.dumps(selector)})"
        while time.time() < deadline:
            res = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
            if res.get("result", {}).get("value"):
                time.sleep(1.5)  # let late widgets (counters, images) settle
                return
            time.sleep(0.3)
        raise RuntimeError(f"page never showed {selector}")

    def click(self, selector):
        expr = f"document.querySelector({json.dumps(selector)}).click()"
        self.call("Runtime.evaluate", expression=expr, returnByValue=True)

    def shot(self, base, cookie, path, viewport, ready, target, steps=()):
        width, height = viewport
        self.call("Network.enable")
        self.call("Network.clearBrowserCookies")
        host = base.split("://", 1)[1].split("/", 1)[0].split(":")[0]
        self.call("Network.setCookie", name="session_id", value=cookie, domain=host, path="/")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        self.call("Page.enable")
        self.call("Page.navigate", url=base + path)
        self.wait_for(ready)
        for selector, step_ready in steps:
            self.click(selector)
            self.wait_for(step_ready)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(target, "wb") as fh:
            fh.write(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="telecom")
    parser.add_argument("--only", help="take only the shots whose file name contains this")
    opts = parser.parse_args(argv)
    os.makedirs(OUT, exist_ok=True)
    for name, user, password, path, viewport, ready, *steps in SHOTS:
        if opts.only and opts.only not in name:
            continue
        cookie = login(opts.url, opts.db, user, password)
        target = os.path.join(OUT, name)
        # a browser per shot: Odoo's bus worker is shared by the pages of one
        # browser, and another user's session there shows "The page is out of date"
        browser = Browser()
        try:
            browser.shot(opts.url, cookie, path, viewport, ready, target, steps[0] if steps else ())
        finally:
            browser.close()
        sys.stdout.write(f"{target}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
