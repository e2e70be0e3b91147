# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The HTTP side of the provisioning adapters, in plain Python (no Odoo import).

``RestClient`` talks JSON to an element manager's northbound REST API with a
timeout, authentication, an ``Idempotency-Key`` header and a bounded number of
attempts with exponential backoff for transient failures (connection errors,
timeouts, 408/425/429/5xx). Anything else is a permanent ``AdapterError``.
Redirects are never followed (a 3xx answer is an error): the credentials and the
payload go to the configured endpoint only.
``netsim_request`` maps the suite's provisioning operations onto the reference
API that ``tools/netsim`` implements.

Unit-tested against the simulator by ``tests/python/test_rest_client.py``.
"""

import time
from urllib.parse import quote

import requests

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0


class AdapterError(Exception):
    """A call to the network failed. ``retryable``: trying later may succeed."""

    def __init__(self, message, status=None, retryable=False, attempts=0):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable
        self.attempts = attempts

    def __str__(self):
        prefix = f"HTTP {self.status}: " if self.status else ""
        return f"{prefix}{self.message}"


class RestClient:
    """A small JSON-over-HTTP client with retries, backoff and idempotency keys."""

    def __init__(
        self,
        base_url,
        auth_type="none",
        username=None,
        secret=None,
        api_key_header="X-API-Key",
        timeout=10.0,
        max_attempts=3,
        backoff_factor=0.5,
        backoff_max=30.0,
        verify=True,
        session=None,
        sleep=time.sleep,
    ):
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise AdapterError(f"the endpoint {base_url!r} is not an http(s) URL")
        if int(max_attempts) < 1:
            raise AdapterError("max_attempts must be 1 or more")
        self.base_url = base_url.rstrip("/")
        self.auth_type = auth_type or "none"
        self.username = username
        self.secret = secret
        self.api_key_header = api_key_header or "X-API-Key"
        self.timeout = float(timeout)
        self.max_attempts = int(max_attempts)
        self.backoff_factor = float(backoff_factor)
        self.backoff_max = float(backoff_max)
        self.verify = verify
        self.session = session or requests.Session()
        self.sleep = sleep

    def _headers(self, idempotency_key):
        headers = {"Accept": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = str(idempotency_key)
        if self.auth_type == "bearer" and self.secret:
            headers["Authorization"] = f"Bearer {self.secret}"
        elif self.auth_type == "api_key" and self.secret:
            headers[self.api_key_header] = self.secret
        return headers

    def backoff(self, attempt, retry_after=None):
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER, self.backoff_max)
        return min(self.backoff_factor * (2 ** (attempt - 1)), self.backoff_max)

    def request(self, method, path, payload=None, idempotency_key=None, accept_status=()):
        """Send one logical request; return ``{"status", "data", "attempts", "replayed"}``.

        ``accept_status``: error statuses that count as success here (e.g. 404 when
        deleting something that is already gone).
        """
        url = self.base_url + path
        auth = (self.username or "", self.secret or "") if self.auth_type == "basic" else None
        last_error = None
        for attempt in range(1, self.max_attempts + 1):
            retry_after = None
            try:
                response = self.session.request(
                    method,
                    url,
                    json=payload if payload is not None and method != "GET" else None,
                    headers=self._headers(idempotency_key),
                    auth=auth,
                    timeout=self.timeout,
                    verify=self.verify,
                    allow_redirects=False,
                )
            except requests.Timeout:
                last_error = AdapterError(
                    f"no answer from {url} within {self.timeout:g} s", retryable=True
                )
            except requests.RequestException as exc:
                last_error = AdapterError(f"cannot reach {url}: {exc}", retryable=True)
            else:
                data = _json_or_text(response)
                status = response.status_code
                if 300 <= status < 400 and status not in accept_status:
                    location = response.headers.get("Location") or "?"
                    raise AdapterError(
                        f"{method} {path}: redirected to {location[:200]}; redirects are not "
                        "followed (point the adapter at the final address)",
                        status=status,
                        attempts=attempt,
                    )
                if status < 400 or status in accept_status:
                    return {
                        "status": status,
                        "data": data,
                        "attempts": attempt,
                        "replayed": response.headers.get("Idempotent-Replayed") == "true",
                    }
                message = data.get("error") if isinstance(data, dict) else None
                message = message or (str(data)[:500] if data else response.reason)
                last_error = AdapterError(
                    f"{method} {path}: {message}",
                    status=status,
                    retryable=status in RETRYABLE_STATUS,
                )
                retry_after = _retry_after(response)
            last_error.attempts = attempt
            if not last_error.retryable or attempt == self.max_attempts:
                break
            self.sleep(self.backoff(attempt, retry_after))
        raise last_error


def _json_or_text(response):
    if not response.content:
        return {}
    try:
        return response.json()
    except ValueError:
        return response.text


def _retry_after(response):
    value = response.headers.get("Retry-After")
    try:
        return max(float(value), 0.0) if value else None
    except ValueError:
        return None


# -- the reference northbound API (what tools/netsim implements) -------------------
def _q(value):
    return quote(str(value), safe="")


def _need(ctx, *keys):
    missing = [key for key in keys if not ctx.get(key)]
    if missing:
        raise AdapterError(f"missing provisioning data: {', '.join(missing)}")
    return [ctx[key] for key in keys]


def netsim_request(operation, ctx):
    """(method, path, payload, accept_status) of ``operation`` for context ``ctx``."""
    if operation == "hlr_activate":
        imsi, msisdn = _need(ctx, "imsi", "msisdn")
        payload = {"imsi": imsi, "msisdn": msisdn, "iccid": ctx.get("iccid") or ""}
        return "POST", "/api/v1/subscribers", payload, ()
    if operation in ("hlr_suspend", "hlr_resume"):
        (imsi,) = _need(ctx, "imsi")
        action = operation.split("_")[1]
        payload = {"reason": ctx.get("reason") or ""}
        return "POST", f"/api/v1/subscribers/{_q(imsi)}/{action}", payload, ()
    if operation == "hlr_deactivate":
        (imsi,) = _need(ctx, "imsi")
        return "DELETE", f"/api/v1/subscribers/{_q(imsi)}", None, (404,)
    if operation == "data_profile":
        imsi, profile = _need(ctx, "imsi", "data_profile")
        payload = {
            "profile": profile,
            "apn": ctx.get("apn") or "internet",
            "speed_down_kbps": ctx.get("speed_down_kbps") or None,
            "speed_up_kbps": ctx.get("speed_up_kbps") or None,
        }
        return "PUT", f"/api/v1/subscribers/{_q(imsi)}/data-profile", payload, ()
    if operation == "access_activate":
        (service_id,) = _need(ctx, "service_id")
        payload = {
            "service_id": service_id,
            "port": ctx.get("port") or None,
            "element": ctx.get("element") or None,
            "profile": ctx.get("data_profile") or None,
        }
        return "POST", "/api/v1/access", payload, ()
    if operation in ("access_suspend", "access_resume"):
        (service_id,) = _need(ctx, "service_id")
        action = operation.split("_")[1]
        return "POST", f"/api/v1/access/{_q(service_id)}/{action}", {}, ()
    if operation == "access_deactivate":
        (service_id,) = _need(ctx, "service_id")
        return "DELETE", f"/api/v1/access/{_q(service_id)}", None, (404,)
    if operation == "cpe_configure":
        serial, config = _need(ctx, "serial", "cpe_config")
        return "PUT", f"/api/v1/cpe/{_q(serial)}/config", {"config": config}, ()
    if operation == "notify_customer":
        to, message = _need(ctx, "notify_to", "message")
        payload = {"to": to, "channel": ctx.get("notify_channel") or "sms", "message": message}
        return "POST", "/api/v1/notifications", payload, ()
    if operation == "config_get":
        (element,) = _need(ctx, "element")
        return "GET", f"/api/v1/elements/{_q(element)}/config", None, ()
    if operation == "config_push":
        element, config = _need(ctx, "element", "config")
        return "PUT", f"/api/v1/elements/{_q(element)}/config", {"config": config}, ()
    if operation == "config_backup":
        (element,) = _need(ctx, "element")
        return "POST", f"/api/v1/elements/{_q(element)}/backup", {}, ()
    raise AdapterError(f"the operation {operation!r} has no network request")
