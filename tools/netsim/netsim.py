#!/usr/bin/env python3
# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""netsim: a small network element manager simulator for the telecom suite.

It speaks JSON over HTTP like the northbound interface of an element manager
(HLR/HSS provisioning, data profiles, fixed access lines, CPE configuration,
element configuration and backups, customer notifications), keeps its state in
memory, and can be told to be slow or to fail, so that provisioning is tested
against a real HTTP peer on loopback. Standard library only; no Odoo import.

    python3 tools/netsim/netsim.py --port 8765 [--host 127.0.0.1] [--token SECRET]

API (``/api/v1``; with ``--token`` every call needs ``Authorization: Bearer SECRET``
or ``X-API-Key: SECRET``):

    GET    /health
    POST   /api/v1/subscribers                       {imsi, msisdn, iccid, ...}
    GET    /api/v1/subscribers/<imsi>
    POST   /api/v1/subscribers/<imsi>/suspend | /resume
    DELETE /api/v1/subscribers/<imsi>
    PUT    /api/v1/subscribers/<imsi>/data-profile   {profile, ...}
    POST   /api/v1/access                            {service_id, ...}
    GET    /api/v1/access/<service_id>
    POST   /api/v1/access/<service_id>/suspend | /resume
    DELETE /api/v1/access/<service_id>
    PUT    /api/v1/cpe/<serial>/config               {config}
    GET    /api/v1/cpe/<serial>
    GET    /api/v1/elements/<name>/config
    PUT    /api/v1/elements/<name>/config            {config}
    POST   /api/v1/elements/<name>/backup
    POST   /api/v1/notifications                     {to, channel, message}

Writes are idempotent with an ``Idempotency-Key`` header: the same key with the
same request replays the first answer (header ``Idempotent-Replayed: true``); the
same key with another request is refused with 422. Injected failures are never
remembered, so a retry with the same key runs for real.

Behaviour control (no authentication; the simulator listens on loopback):

    POST   /_control/faults    {path, method?, count?, status?, delay?, body?}
                               fail (or delay) the next ``count`` matching calls
    DELETE /_control/faults
    POST   /_control/delay     {seconds}     delay every API call
    POST   /_control/reset     forget everything
    GET    /_control/journal   the calls received, oldest first
    GET    /_control/state     the simulated network's state
    PUT    /_control/elements/<name>/config  {config}   change a running config
                               behind the manager's back (configuration drift)

Per call, ``X-Netsim-Fail: <status>`` fails it and ``X-Netsim-Delay: <seconds>``
delays it.
"""

import argparse
import collections
import hashlib
import json
import logging
import re
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_logger = logging.getLogger("netsim")

API = "/api/v1"
MAX_BODY = 1024 * 1024
JOURNAL_SIZE = 10000
MAX_DELAY = 30.0
IMSI_RE = re.compile(r"^\d{6,15}$")
MSISDN_RE = re.compile(r"^\+?\d{6,15}$")
ICCID_RE = re.compile(r"^\d{18,22}F?$")
NAME_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def utcnow():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ApiError(Exception):
    """An error answer: HTTP status and a message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = int(status)
        self.message = message


class FaultRule:
    """Fail or delay the next ``count`` calls whose path starts with ``path``."""

    def __init__(self, path, method=None, count=1, status=503, delay=0.0, body=None):
        if not isinstance(path, str) or not path.startswith("/"):
            raise ApiError(400, "fault 'path' must be a path starting with '/'")
        try:
            count = int(count)
            status = int(status) if status is not None else None
            delay = float(delay or 0.0)
        except (TypeError, ValueError) as exc:
            raise ApiError(400, "fault 'count', 'status' and 'delay' must be numbers") from exc
        if count < 1:
            raise ApiError(400, "fault 'count' must be 1 or more")
        if status is not None and not 400 <= status <= 599:
            raise ApiError(400, "fault 'status' must be an HTTP error status (400-599)")
        if not 0 <= delay <= MAX_DELAY:
            raise ApiError(400, f"fault 'delay' must be between 0 and {MAX_DELAY} seconds")
        self.path = path
        self.method = method.upper() if method else None
        self.remaining = count
        self.status = status
        self.delay = delay
        self.body = body

    def matches(self, method, path):
        return (
            self.remaining > 0
            and path.startswith(self.path)
            and (self.method is None or self.method == method)
        )

    def as_dict(self):
        return {
            "path": self.path,
            "method": self.method,
            "remaining": self.remaining,
            "status": self.status,
            "delay": self.delay,
        }


class NetworkState:
    """What the simulated element managers know; every access under ``lock``."""

    def __init__(self):
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.subscribers = {}
            self.access = {}
            self.cpes = {}
            self.elements = {}
            self.notifications = []
            self.idempotency = {}
            self.faults = []
            self.delay = 0.0
            self.journal = collections.deque(maxlen=JOURNAL_SIZE)
            self.counter = 0

    def next_id(self, prefix):
        self.counter += 1
        return f"{prefix}-{self.counter:06d}"

    def take_fault(self, method, path):
        """The first fault rule matching this call, consumed once (or None)."""
        with self.lock:
            for rule in self.faults:
                if rule.matches(method, path):
                    rule.remaining -= 1
                    return rule
            self.faults = [rule for rule in self.faults if rule.remaining > 0]
        return None

    def element(self, name):
        if not NAME_RE.match(name):
            raise ApiError(400, "bad element name")
        return self.elements.setdefault(
            name, {"name": name, "config": f"hostname {name}\n", "backups": []}
        )

    def dump(self):
        with self.lock:
            return {
                "subscribers": self.subscribers,
                "access": self.access,
                "cpes": self.cpes,
                "elements": {
                    name: {"config": el["config"], "backups": len(el["backups"])}
                    for name, el in self.elements.items()
                },
                "notifications": self.notifications,
                "faults": [rule.as_dict() for rule in self.faults],
                "delay": self.delay,
            }


def _require(body, key, pattern=None, label=None):
    value = body.get(key)
    if value in (None, ""):
        raise ApiError(400, f"'{key}' is required")
    value = str(value)
    if pattern and not pattern.match(value):
        raise ApiError(400, f"'{key}' is not a valid {label or key}: {value!r}")
    return value


class Router:
    """Maps (method, path) to the simulated operations."""

    def __init__(self, state):
        self.state = state
        self.routes = [
            ("POST", rf"^{API}/subscribers$", self.subscriber_create),
            ("GET", rf"^{API}/subscribers/(?P<imsi>[^/]+)$", self.subscriber_get),
            ("DELETE", rf"^{API}/subscribers/(?P<imsi>[^/]+)$", self.subscriber_delete),
            ("POST", rf"^{API}/subscribers/(?P<imsi>[^/]+)/suspend$", self.subscriber_suspend),
            ("POST", rf"^{API}/subscribers/(?P<imsi>[^/]+)/resume$", self.subscriber_resume),
            ("PUT", rf"^{API}/subscribers/(?P<imsi>[^/]+)/data-profile$", self.data_profile),
            ("POST", rf"^{API}/access$", self.access_create),
            ("GET", rf"^{API}/access/(?P<sid>[^/]+)$", self.access_get),
            ("DELETE", rf"^{API}/access/(?P<sid>[^/]+)$", self.access_delete),
            ("POST", rf"^{API}/access/(?P<sid>[^/]+)/suspend$", self.access_suspend),
            ("POST", rf"^{API}/access/(?P<sid>[^/]+)/resume$", self.access_resume),
            ("PUT", rf"^{API}/cpe/(?P<serial>[^/]+)/config$", self.cpe_config),
            ("GET", rf"^{API}/cpe/(?P<serial>[^/]+)$", self.cpe_get),
            ("GET", rf"^{API}/elements/(?P<name>[^/]+)/config$", self.element_config_get),
            ("PUT", rf"^{API}/elements/(?P<name>[^/]+)/config$", self.element_config_put),
            ("POST", rf"^{API}/elements/(?P<name>[^/]+)/backup$", self.element_backup),
            ("POST", rf"^{API}/notifications$", self.notify),
        ]
        self.routes = [(m, re.compile(p), f) for m, p, f in self.routes]

    def resolve(self, method, path):
        allowed = False
        for route_method, pattern, func in self.routes:
            match = pattern.match(path)
            if match:
                if route_method == method:
                    return func, match.groupdict()
                allowed = True
        if allowed:
            raise ApiError(405, f"{method} is not allowed on {path}")
        raise ApiError(404, f"no such resource: {path}")

    # -- HLR/HSS -----------------------------------------------------------
    def _subscriber(self, imsi):
        sub = self.state.subscribers.get(imsi)
        if not sub:
            raise ApiError(404, f"subscriber {imsi} is not provisioned")
        return sub

    def subscriber_create(self, body):
        imsi = _require(body, "imsi", IMSI_RE, "IMSI")
        msisdn = _require(body, "msisdn", MSISDN_RE, "MSISDN")
        iccid = str(body.get("iccid") or "")
        if iccid and not ICCID_RE.match(iccid):
            raise ApiError(400, f"'iccid' is not a valid ICCID: {iccid!r}")
        for other in self.state.subscribers.values():
            if other["msisdn"] == msisdn and other["imsi"] != imsi:
                raise ApiError(409, f"MSISDN {msisdn} is already provisioned on another IMSI")
        existing = self.state.subscribers.get(imsi)
        if existing and existing["msisdn"] != msisdn:
            raise ApiError(409, f"IMSI {imsi} is already provisioned with another MSISDN")
        sub = existing or {
            "imsi": imsi,
            "msisdn": msisdn,
            "iccid": iccid,
            "status": "active",
            "services": body.get("services") or ["voice", "sms", "data"],
            "data_profile": None,
            "created_at": utcnow(),
            "ref": self.state.next_id("HLR"),
        }
        self.state.subscribers[imsi] = sub
        return 201, sub

    def subscriber_get(self, body, imsi):
        return 200, self._subscriber(imsi)

    def subscriber_delete(self, body, imsi):
        sub = self._subscriber(imsi)
        del self.state.subscribers[imsi]
        return 200, dict(sub, status="deleted")

    def subscriber_suspend(self, body, imsi):
        sub = self._subscriber(imsi)
        sub["status"] = "barred"
        sub["barring_reason"] = body.get("reason") or "operator"
        return 200, sub

    def subscriber_resume(self, body, imsi):
        sub = self._subscriber(imsi)
        sub["status"] = "active"
        sub.pop("barring_reason", None)
        return 200, sub

    def data_profile(self, body, imsi):
        sub = self._subscriber(imsi)
        profile = _require(body, "profile")
        sub["data_profile"] = {
            "profile": profile,
            "apn": body.get("apn") or "internet",
            "speed_down_kbps": body.get("speed_down_kbps"),
            "speed_up_kbps": body.get("speed_up_kbps"),
        }
        return 200, sub

    # -- fixed access lines (FTTH/DSL ports) ---------------------------------
    def _access(self, sid):
        line = self.state.access.get(sid)
        if not line:
            raise ApiError(404, f"access line {sid} is not provisioned")
        return line

    def access_create(self, body):
        sid = _require(body, "service_id")
        if not NAME_RE.match(sid):
            raise ApiError(400, "bad service_id")
        line = self.state.access.get(sid) or {
            "service_id": sid,
            "port": body.get("port"),
            "element": body.get("element"),
            "profile": body.get("profile"),
            "status": "active",
            "ref": self.state.next_id("ACC"),
        }
        self.state.access[sid] = line
        return 201, line

    def access_get(self, body, sid):
        return 200, self._access(sid)

    def access_delete(self, body, sid):
        line = self._access(sid)
        del self.state.access[sid]
        return 200, dict(line, status="deleted")

    def access_suspend(self, body, sid):
        line = self._access(sid)
        line["status"] = "suspended"
        return 200, line

    def access_resume(self, body, sid):
        line = self._access(sid)
        line["status"] = "active"
        return 200, line

    # -- CPE -------------------------------------------------------------------
    def cpe_config(self, body, serial):
        if not NAME_RE.match(serial):
            raise ApiError(400, "bad serial")
        config = body.get("config")
        if not isinstance(config, str | dict):
            raise ApiError(400, "'config' is required (text or object)")
        cpe = self.state.cpes.setdefault(serial, {"serial": serial, "versions": 0})
        cpe["config"] = config
        cpe["versions"] += 1
        cpe["updated_at"] = utcnow()
        return 200, cpe

    def cpe_get(self, body, serial):
        cpe = self.state.cpes.get(serial)
        if not cpe:
            raise ApiError(404, f"CPE {serial} is unknown")
        return 200, cpe

    # -- element configuration -------------------------------------------------
    def element_config_get(self, body, name):
        element = self.state.element(name)
        return 200, {"name": name, "config": element["config"]}

    def element_config_put(self, body, name):
        config = body.get("config")
        if not isinstance(config, str):
            raise ApiError(400, "'config' (text) is required")
        element = self.state.element(name)
        element["config"] = config
        return 200, {"name": name, "config": config, "applied_at": utcnow()}

    def element_backup(self, body, name):
        element = self.state.element(name)
        backup = {
            "name": name,
            "config": element["config"],
            "taken_at": utcnow(),
            "checksum": hashlib.sha256(element["config"].encode()).hexdigest(),
            "ref": self.state.next_id("BKP"),
        }
        element["backups"].append(backup)
        return 200, backup

    # -- notifications ---------------------------------------------------------
    def notify(self, body):
        to = _require(body, "to")
        message = _require(body, "message")
        note = {
            "id": self.state.next_id("NTF"),
            "to": to,
            "channel": body.get("channel") or "sms",
            "message": message,
            "sent_at": utcnow(),
        }
        self.state.notifications.append(note)
        return 202, note


class NetSimHandler(BaseHTTPRequestHandler):
    server_version = "netsim/1.0"
    protocol_version = "HTTP/1.1"

    # quiet by default; the journal keeps what happened
    def log_message(self, fmt, *args):
        _logger.debug("%s - %s", self.address_string(), fmt % args)

    @property
    def state(self):
        return self.server.state

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_PATCH(self):
        self._handle("PATCH")

    # -- plumbing ----------------------------------------------------------
    def _read_body(self):
        length = self.headers.get("Content-Length")
        if not length:
            return {}
        try:
            length = int(length)
        except ValueError as exc:
            raise ApiError(400, "bad Content-Length") from exc
        if length > MAX_BODY:
            raise ApiError(413, "request body too large")
        raw = self.rfile.read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError(400, f"body is not valid JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise ApiError(400, "body must be a JSON object")
        return body

    def _send(self, status, payload, extra_headers=None):
        data = json.dumps(payload, sort_keys=True).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (extra_headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # the client gave up (its timeout): nothing to answer to
            self.close_connection = True

    def _authorised(self):
        token = self.server.token
        if not token:
            return True
        auth = self.headers.get("Authorization", "")
        return auth == f"Bearer {token}" or self.headers.get("X-API-Key") == token

    def _handle(self, method):
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        try:
            body = self._read_body()
        except ApiError as err:
            self._send(err.status, {"error": err.message})
            return
        if path == "/health":
            self._send(200, {"status": "ok", "time": utcnow()})
        elif path.startswith("/_control"):
            self._control(method, path, body)
        elif path.startswith(API + "/") or path == API:
            self._api(method, path, body)
        else:
            self._send(404, {"error": f"no such resource: {path}"})

    def _journal(self, method, path, status, key, replayed, body, fault=False):
        with self.state.lock:
            self.state.journal.append(
                {
                    "at": utcnow(),
                    "method": method,
                    "path": path,
                    "status": status,
                    "idempotency_key": key,
                    "replayed": replayed,
                    "injected_fault": fault,
                    "body": body,
                }
            )

    def _api(self, method, path, body):
        key = self.headers.get("Idempotency-Key") or None
        if not self._authorised():
            self._journal(method, path, 401, key, False, body)
            self._send(401, {"error": "missing or wrong credentials"})
            return
        # behaviour asked for: a global delay, a delay or failure per call, fault rules
        delay = self.state.delay
        fail_status = None
        fail_body = None
        header_delay = self.headers.get("X-Netsim-Delay")
        header_fail = self.headers.get("X-Netsim-Fail")
        try:
            if header_delay:
                delay += min(max(float(header_delay), 0.0), MAX_DELAY)
            if header_fail:
                fail_status = int(header_fail)
        except ValueError:
            self._send(400, {"error": "X-Netsim-Delay and X-Netsim-Fail must be numbers"})
            return
        rule = self.state.take_fault(method, path)
        if rule:
            delay += rule.delay
            fail_status = fail_status or rule.status
            fail_body = rule.body
        if delay:
            time.sleep(delay)
        if fail_status:
            self._journal(method, path, fail_status, key, False, body, fault=True)
            self._send(fail_status, {"error": fail_body or "injected failure"})
            return

        fingerprint = hashlib.sha256(
            json.dumps([method, path, body], sort_keys=True).encode()
        ).hexdigest()
        with self.state.lock:
            if key and method != "GET":
                seen = self.state.idempotency.get(key)
                if seen:
                    if seen[0] != fingerprint:
                        status, payload, replayed = (
                            422,
                            {"error": "Idempotency-Key reused with a different request"},
                            False,
                        )
                    else:
                        status, payload, replayed = seen[1], seen[2], True
                    self._journal(method, path, status, key, replayed, body)
                    headers = {"Idempotent-Replayed": "true"} if replayed else {}
                    self._send(status, payload, headers)
                    return
            try:
                func, kwargs = self.server.router.resolve(method, path)
                status, payload = func(body, **kwargs)
                payload = json.loads(json.dumps(payload))  # a snapshot, not a live view
            except ApiError as err:
                status, payload = err.status, {"error": err.message}
            if key and method != "GET" and status < 500:
                self.state.idempotency[key] = (fingerprint, status, payload)
            self._journal(method, path, status, key, False, body)
        self._send(status, payload)

    def _control(self, method, path, body):
        state = self.state
        try:
            if path == "/_control/faults" and method == "POST":
                rule = FaultRule(
                    body.get("path", ""),
                    method=body.get("method"),
                    count=body.get("count", 1),
                    status=body.get("status", 503),
                    delay=body.get("delay", 0.0),
                    body=body.get("body"),
                )
                with state.lock:
                    state.faults.append(rule)
                self._send(201, rule.as_dict())
            elif path == "/_control/faults" and method == "DELETE":
                with state.lock:
                    state.faults = []
                self._send(200, {"faults": []})
            elif path == "/_control/faults" and method == "GET":
                with state.lock:
                    self._send(200, {"faults": [r.as_dict() for r in state.faults]})
            elif path == "/_control/delay" and method == "POST":
                try:
                    seconds = float(body.get("seconds", 0))
                except (TypeError, ValueError) as exc:
                    raise ApiError(400, "'seconds' must be a number") from exc
                if not 0 <= seconds <= MAX_DELAY:
                    raise ApiError(400, f"'seconds' must be between 0 and {MAX_DELAY}")
                state.delay = seconds
                self._send(200, {"delay": seconds})
            elif path == "/_control/reset" and method == "POST":
                state.reset()
                self._send(200, {"reset": True})
            elif path == "/_control/journal" and method == "GET":
                with state.lock:
                    self._send(200, {"journal": list(state.journal)})
            elif path == "/_control/state" and method == "GET":
                self._send(200, state.dump())
            elif path.startswith("/_control/elements/") and method == "PUT":
                match = re.match(r"^/_control/elements/([^/]+)/config$", path)
                if not match or not isinstance(body.get("config"), str):
                    raise ApiError(400, "PUT /_control/elements/<name>/config {config: text}")
                with state.lock:
                    state.element(match.group(1))["config"] = body["config"]
                self._send(200, {"name": match.group(1), "config": body["config"]})
            else:
                raise ApiError(404, f"no such control: {method} {path}")
        except ApiError as err:
            self._send(err.status, {"error": err.message})


class NetSimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, token=None):
        super().__init__(address, NetSimHandler)
        self.state = NetworkState()
        self.router = Router(self.state)
        self.token = token


class NetSim:
    """The simulator in a background thread: ``with NetSim() as sim: sim.url``."""

    def __init__(self, host="127.0.0.1", port=0, token=None):
        self.server = NetSimServer((host, port), token=token)
        self.thread = None

    @property
    def port(self):
        return self.server.server_address[1]

    @property
    def url(self):
        return f"http://{self.server.server_address[0]}:{self.port}"

    @property
    def state(self):
        return self.server.state

    def start(self):
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="netsim", kwargs={"poll_interval": 0.1}
        )
        self.thread.daemon = True
        self.thread.start()
        return self

    def stop(self):
        if self.thread is None:
            return
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        self.thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1", help="interface (default loopback)")
    parser.add_argument("--port", type=int, default=8765, help="port (0: any free port)")
    parser.add_argument("--token", default=None, help="API token required on /api/v1")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    opts = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if opts.verbose else logging.INFO,
        format="%(asctime)s netsim %(levelname)s %(message)s",
    )
    server = NetSimServer((opts.host, opts.port), token=opts.token)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    # the first line tells a parent process where we listen (port 0 = any free port)
    sys.stdout.write(f"netsim listening on http://{host}:{port}\n")
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
