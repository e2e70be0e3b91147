"""The provisioning adapters' HTTP client (telecom_oss/netclient), against the
network simulator on loopback: retries with backoff, idempotency, auth, errors."""

import os
import sys

import pytest
from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "tools", "netsim"))
sys.path.insert(0, os.path.join(REPO, "addons", "telecom_oss", "netclient"))

import netsim
import rest_client
from rest_client import AdapterError, RestClient, netsim_request

CTX = {
    "imsi": "206011234567890",
    "msisdn": "+32470000001",
    "iccid": "8932000000000000001",
    "data_profile": "5G_50GB",
    "service_id": "S0000001",
    "serial": "CPE123",
    "cpe_config": "wifi on",
    "notify_to": "+32470000001",
    "message": "Your line is active",
    "element": "core-1",
    "config": "hostname core-1\n",
}


@pytest.fixture()
def sim():
    with netsim.NetSim() as server:
        yield server


def client(sim, **kw):
    sleeps = []
    kw.setdefault("backoff_factor", 0.01)
    c = RestClient(sim.url, sleep=sleeps.append, **kw)
    c.sleeps = sleeps
    return c


def fault(sim, path, count, status=503, method=None, delay=0.0):
    sim.state.faults.append(netsim.FaultRule(path, method, count, status, delay))


def run(c, operation, key=None):
    method, path, payload, accept = netsim_request(operation, CTX)
    return c.request(method, path, payload, idempotency_key=key, accept_status=accept)


def test_every_operation_round_trips(sim):
    c = client(sim)
    order = [
        "hlr_activate",
        "data_profile",
        "hlr_suspend",
        "hlr_resume",
        "access_activate",
        "access_suspend",
        "access_resume",
        "cpe_configure",
        "notify_customer",
        "config_push",
        "config_get",
        "config_backup",
        "access_deactivate",
        "hlr_deactivate",
    ]
    for operation in order:
        result = run(c, operation, key=f"k-{operation}")
        assert result["status"] < 300, operation
    assert sim.state.subscribers == {}
    assert sim.state.cpes["CPE123"]["config"] == "wifi on"
    assert len(sim.state.notifications) == 1


def test_transient_failures_retried_with_exponential_backoff(sim):
    fault(sim, "/api/v1/subscribers", 2, status=503, method="POST")
    c = client(sim, max_attempts=3, backoff_factor=0.5)
    result = run(c, "hlr_activate", key="task-7")
    assert result["status"] == 201 and result["attempts"] == 3
    assert c.sleeps == [0.5, 1.0]
    # the three calls carried the same idempotency key
    keys = {entry["idempotency_key"] for entry in sim.state.journal}
    assert keys == {"task-7"} and len(sim.state.journal) == 3


def test_retries_exhausted_is_retryable_error(sim):
    fault(sim, "/api/v1/subscribers", 5, status=502)
    c = client(sim, max_attempts=2)
    with pytest.raises(AdapterError) as err:
        run(c, "hlr_activate")
    assert err.value.retryable and err.value.status == 502 and err.value.attempts == 2
    assert "HTTP 502" in str(err.value)


def test_permanent_error_not_retried(sim):
    c = client(sim, max_attempts=5)
    with pytest.raises(AdapterError) as err:
        run(c, "data_profile")  # the subscriber does not exist: 404
    assert not err.value.retryable and err.value.status == 404 and err.value.attempts == 1
    assert "not provisioned" in err.value.message
    assert c.sleeps == []


def test_deactivating_what_is_gone_is_success(sim):
    result = run(client(sim), "hlr_deactivate")
    assert result["status"] == 404


def test_idempotent_replay_reported(sim):
    c = client(sim)
    first = run(c, "hlr_activate", key="task-1")
    again = run(c, "hlr_activate", key="task-1")
    assert not first["replayed"] and again["replayed"]
    assert first["data"] == again["data"]


def test_retry_after_header_respected(sim):
    c = client(sim, backoff_max=5)
    assert c.backoff(1, retry_after=3) == 3
    assert c.backoff(1, retry_after=300) == 5
    assert c.backoff(4) == pytest.approx(0.08)


def test_timeout_is_retryable(sim):
    fault(sim, "/api/v1/elements", 1, status=None, delay=0.5)
    c = client(sim, timeout=0.1, max_attempts=2)
    result = run(c, "config_get")
    assert result["status"] == 200 and result["attempts"] == 2


def test_unreachable_endpoint(sim):
    port = sim.port
    sim.stop()
    c = RestClient(f"http://127.0.0.1:{port}", max_attempts=2, sleep=lambda s: None)
    with pytest.raises(AdapterError) as err:
        c.request("GET", "/health")
    assert err.value.retryable and "cannot reach" in err.value.message


def test_authentication_modes():
    with netsim.NetSim(token="tok") as sim:
        with pytest.raises(AdapterError) as err:
            run(client(sim), "config_get")
        assert err.value.status == 401 and not err.value.retryable
        assert run(client(sim, auth_type="bearer", secret="tok"), "config_get")["status"] == 200
        assert run(client(sim, auth_type="api_key", secret="tok"), "config_get")["status"] == 200


def test_bad_configuration_and_missing_data():
    with pytest.raises(AdapterError):
        RestClient("ftp://example.org")
    with pytest.raises(AdapterError):
        RestClient("http://127.0.0.1:1", max_attempts=0)
    with pytest.raises(AdapterError, match="missing provisioning data: imsi"):
        netsim_request("hlr_activate", {"msisdn": "+3247"})
    with pytest.raises(AdapterError, match="no network request"):
        netsim_request("reserve_number", CTX)
    assert rest_client.RETRYABLE_STATUS >= {429, 503}


def test_redirects_never_followed_with_credentials():
    """A 3xx answer is an error: the token and payload never reach the Location."""
    import http.server
    import threading

    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            seen.append((self.server.server_port, self.path, self.headers.get("Authorization")))
            if self.server is redirector:
                self.send_response(307)
                self.send_header("Location", f"http://127.0.0.1:{collector.server_port}/steal")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                body = b"{}"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *args):
            pass

    redirector = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    collector = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    for server in (redirector, collector):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        c = RestClient(
            f"http://127.0.0.1:{redirector.server_port}",
            auth_type="bearer",
            secret="s3cret",
            sleep=lambda s: None,
        )
        for method in ("GET", "POST"):
            with pytest.raises(AdapterError) as err:
                c.request(method, "/api/v1/subscribers", {"imsi": "1"})
            assert err.value.status == 307 and not err.value.retryable
            assert "redirects are not followed" in err.value.message
        assert {port for port, _path, _auth in seen} == {redirector.server_port}
        assert len(seen) == 2  # one attempt each: not retried
    finally:
        for server in (redirector, collector):
            server.shutdown()
            server.server_close()
