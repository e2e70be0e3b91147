"""The network simulator (tools/netsim): a real HTTP peer for provisioning tests.

Each test talks to a simulator on a free loopback port over real HTTP."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "tools", "netsim"))

import netsim


def call(sim, method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(sim.url + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"{}"), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}"), dict(err.headers)


@pytest.fixture()
def sim():
    with netsim.NetSim() as server:
        yield server


@pytest.fixture()
def secured():
    with netsim.NetSim(token="s3cret") as server:
        yield server


SUB = {"imsi": "206011234567890", "msisdn": "+32470000001", "iccid": "8932000000000000001"}


def test_health_and_loopback(sim):
    assert sim.url.startswith("http://127.0.0.1:")
    status, body, _ = call(sim, "GET", "/health")
    assert status == 200 and body["status"] == "ok"


def test_subscriber_lifecycle(sim):
    status, body, _ = call(sim, "POST", "/api/v1/subscribers", SUB)
    assert status == 201 and body["status"] == "active" and body["ref"].startswith("HLR-")
    imsi = SUB["imsi"]
    status, body, _ = call(
        sim, "PUT", f"/api/v1/subscribers/{imsi}/data-profile", {"profile": "5G_50GB"}
    )
    assert status == 200 and body["data_profile"]["profile"] == "5G_50GB"
    assert call(sim, "POST", f"/api/v1/subscribers/{imsi}/suspend", {})[1]["status"] == "barred"
    assert call(sim, "POST", f"/api/v1/subscribers/{imsi}/resume", {})[1]["status"] == "active"
    assert call(sim, "DELETE", f"/api/v1/subscribers/{imsi}")[0] == 200
    assert call(sim, "GET", f"/api/v1/subscribers/{imsi}")[0] == 404
    # deleting what is not there is a clear 404, not a crash
    assert call(sim, "DELETE", f"/api/v1/subscribers/{imsi}")[0] == 404


def test_bad_input_refused_with_reason(sim):
    status, body, _ = call(sim, "POST", "/api/v1/subscribers", {"imsi": "12", "msisdn": "+3247"})
    assert status == 400 and "IMSI" in body["error"]
    status, body, _ = call(sim, "POST", "/api/v1/subscribers", {"msisdn": "+32470000001"})
    assert status == 400 and "'imsi' is required" in body["error"]
    # not JSON at all
    req = urllib.request.Request(sim.url + "/api/v1/subscribers", data=b"{nope", method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=5)
    assert err.value.code == 400
    # a JSON array is not an object
    assert call(sim, "POST", "/api/v1/subscribers", [1, 2])[0] == 400
    assert call(sim, "GET", "/api/v1/nowhere")[0] == 404
    assert call(sim, "PATCH", "/api/v1/subscribers")[0] == 405


def test_msisdn_conflict(sim):
    assert call(sim, "POST", "/api/v1/subscribers", SUB)[0] == 201
    other = dict(SUB, imsi="206011234567899")
    status, body, _ = call(sim, "POST", "/api/v1/subscribers", other)
    assert status == 409 and "already provisioned" in body["error"]


def test_fail_next_n_calls_then_succeed(sim):
    status, _, _ = call(
        sim,
        "POST",
        "/_control/faults",
        {"path": "/api/v1/subscribers", "method": "POST", "count": 2, "status": 503},
    )
    assert status == 201
    assert call(sim, "POST", "/api/v1/subscribers", SUB)[0] == 503
    # a GET on the same path is not matched by a POST rule
    assert call(sim, "GET", "/api/v1/subscribers/" + SUB["imsi"])[0] == 404
    assert call(sim, "POST", "/api/v1/subscribers", SUB)[0] == 503
    assert call(sim, "POST", "/api/v1/subscribers", SUB)[0] == 201
    journal = call(sim, "GET", "/_control/journal")[1]["journal"]
    assert [j["status"] for j in journal] == [503, 404, 503, 201]
    assert [j["injected_fault"] for j in journal] == [True, False, True, False]


def test_fault_rule_validation(sim):
    assert call(sim, "POST", "/_control/faults", {"path": "api"})[0] == 400
    assert call(sim, "POST", "/_control/faults", {"path": "/api", "count": 0})[0] == 400
    assert call(sim, "POST", "/_control/faults", {"path": "/api", "status": 200})[0] == 400
    assert call(sim, "POST", "/_control/faults", {"path": "/api", "delay": "x"})[0] == 400
    assert call(sim, "POST", "/_control/delay", {"seconds": 99})[0] == 400


def test_delays_per_call_and_per_rule(sim):
    start = time.monotonic()
    config = "/api/v1/elements/r1/config"
    assert call(sim, "GET", config, headers={"X-Netsim-Delay": "0.3"})[0] == 200
    assert time.monotonic() - start >= 0.3
    rule = {"path": "/api/v1/elements", "delay": 0.3, "status": None}
    assert call(sim, "POST", "/_control/faults", rule)[0] == 201
    start = time.monotonic()
    assert call(sim, "GET", "/api/v1/elements/r1/config")[0] == 200
    assert time.monotonic() - start >= 0.3
    # per-call failure header
    assert call(sim, "GET", config, headers={"X-Netsim-Fail": "504"})[0] == 504


def test_idempotency_key_replays_and_refuses_reuse(sim):
    headers = {"Idempotency-Key": "task-1-run-1"}
    first = call(sim, "POST", "/api/v1/subscribers", SUB, headers)
    again = call(sim, "POST", "/api/v1/subscribers", SUB, headers)
    assert first[0] == again[0] == 201
    assert first[1] == again[1]
    assert again[2].get("Idempotent-Replayed") == "true"
    assert len(sim.state.subscribers) == 1
    reused = call(sim, "POST", "/api/v1/subscribers", dict(SUB, msisdn="+32470000002"), headers)
    assert reused[0] == 422


def test_injected_failure_is_not_remembered_for_the_key(sim):
    call(sim, "POST", "/_control/faults", {"path": "/api/v1/notifications", "count": 1})
    headers = {"Idempotency-Key": "notify-1"}
    body = {"to": "+32470000001", "message": "Your line is active"}
    assert call(sim, "POST", "/api/v1/notifications", body, headers)[0] == 503
    assert call(sim, "POST", "/api/v1/notifications", body, headers)[0] == 202
    assert len(sim.state.notifications) == 1


def test_token_required_when_configured(secured):
    assert call(secured, "GET", "/api/v1/elements/r1/config")[0] == 401
    ok = call(secured, "GET", "/api/v1/elements/r1/config", headers={"X-API-Key": "s3cret"})
    assert ok[0] == 200
    bearer = {"Authorization": "Bearer s3cret"}
    assert call(secured, "GET", "/api/v1/elements/r1/config", headers=bearer)[0] == 200
    assert call(secured, "GET", "/health")[0] == 200


def test_element_config_backup_and_drift(sim):
    path = "/api/v1/elements/core-1/config"
    assert call(sim, "PUT", path, {"config": "hostname core-1\n"})[0] == 200
    backup = call(sim, "POST", "/api/v1/elements/core-1/backup", {})[1]
    assert backup["config"] == "hostname core-1\n" and len(backup["checksum"]) == 64
    call(sim, "PUT", "/_control/elements/core-1/config", {"config": "hostname hacked\n"})
    assert call(sim, "GET", "/api/v1/elements/core-1/config")[1]["config"] == "hostname hacked\n"
    assert call(sim, "PUT", "/api/v1/elements/core-1/config", {"config": 3})[0] == 400


def test_access_and_cpe(sim):
    line = {"service_id": "S0000001", "port": "olt-1/1/1/3", "profile": "FTTH_1G"}
    assert call(sim, "POST", "/api/v1/access", line)[0] == 201
    assert call(sim, "POST", "/api/v1/access/S0000001/suspend", {})[1]["status"] == "suspended"
    assert call(sim, "POST", "/api/v1/access/S0000001/resume", {})[1]["status"] == "active"
    assert call(sim, "PUT", "/api/v1/cpe/CPE123/config", {"config": {"wifi": "on"}})[0] == 200
    assert call(sim, "GET", "/api/v1/cpe/CPE123")[1]["versions"] == 1
    assert call(sim, "DELETE", "/api/v1/access/S0000001")[0] == 200


def test_reset_forgets_everything(sim):
    call(sim, "POST", "/api/v1/subscribers", SUB)
    call(sim, "POST", "/_control/faults", {"path": "/api"})
    assert call(sim, "POST", "/_control/reset", {})[0] == 200
    state = call(sim, "GET", "/_control/state")[1]
    assert state["subscribers"] == {} and state["faults"] == []


def test_command_line_on_a_free_port():
    proc = subprocess.Popen(
        [sys.executable, os.path.join(REPO, "tools", "netsim", "netsim.py"), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("netsim listening on http://127.0.0.1:")
        url = line.split()[-1]
        with urllib.request.urlopen(url + "/health", timeout=5) as resp:
            assert json.loads(resp.read())["status"] == "ok"
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_suite_run_starts_and_stops_the_simulator(suite_cli):
    port = suite_cli.pgcluster.free_port(28765)
    proc = suite_cli.start_netsim(port)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as resp:
            assert resp.status == 200
        # a second simulator on the same port is refused with a clear message
        with pytest.raises(SystemExit, match="is taken"):
            suite_cli.start_netsim(port)
    finally:
        suite_cli.stop_netsim(proc)
    assert proc.returncode == 0
    assert not suite_cli.pgcluster.port_in_use(port)
