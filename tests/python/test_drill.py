"""The drill clients' one decision: retry an operation at another site (the site or
its database did not answer) or record it as refused (the server gave a business
answer). A wrong call would either hide a lost operation or loop on a refusal."""

import os
import sys
import xmlrpc.client

import pytest
import requests
from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "scripts"))
import drill


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(),
        TimeoutError(),
        requests.ConnectionError("reset"),
        xmlrpc.client.ProtocolError("x", 502, "Bad Gateway", {}),
        xmlrpc.client.Fault(1, "Traceback...\npsycopg2.OperationalError: server closed"),
        xmlrpc.client.Fault(1, "...\ncannot execute INSERT in a read-only transaction"),
        xmlrpc.client.Fault(1, "...\npsycopg2.InterfaceError: connection already closed"),
    ],
)
def test_site_or_database_down_is_retried(exc):
    assert isinstance(drill.classify(exc), drill.Unavailable)


@pytest.mark.parametrize(
    "exc",
    [
        xmlrpc.client.Fault(2, "No telecom product NOPE"),
        xmlrpc.client.Fault(2, "Customer C0000030 has several open billing accounts: name one."),
        drill.Refused("plan change not offered"),
        ValueError("bug in the client"),
    ],
)
def test_business_answers_are_final(exc):
    assert isinstance(drill.classify(exc), drill.Refused)


def test_recorder_logs_every_operation_as_json_lines(tmp_path):
    recorder = drill.Recorder(str(tmp_path / "ops.jsonl"))
    recorder.log(key="k1", what="order", acked=True)
    recorder.log(key="k2", what="usage", acked=False, in_doubt=True)
    recorder.close()
    lines = (tmp_path / "ops.jsonl").read_text().splitlines()
    assert [drill.json.loads(line)["key"] for line in lines] == ["k1", "k2"]
    assert [op["acked"] for op in recorder.ops] == [True, False]


def test_every_audited_kind_has_a_query():
    assert set(drill.AUDIT) == {"order", "usage", "ticket", "payment", "plan_change"}
    for query in drill.AUDIT.values():
        assert query.startswith("SELECT count(")


def test_runner_sites_names_the_site_of_each_lock_holder():
    cron, runner = drill.sites_mod.CRON_LEADER_KEY, drill.sites_mod.QUEUE_JOB_RUNNER_KEY
    assert drill.runner_sites({cron: "odoo-site-b-4242", runner: "odoo-site-a-17"}) == {
        "cron": "site b",
        "queue_job": "site a",
    }
    # right after a failover a runner may not have taken its lock again yet
    assert drill.runner_sites({runner: "odoo-site-c-9"}) == {"cron": "none", "queue_job": "site c"}
    assert drill.runner_sites({}) == {"cron": "none", "queue_job": "none"}


def test_writes_resume_with_the_first_write_sent_after_the_cut():
    beat = object.__new__(drill.Heartbeat)
    # (sent, answered): one sent before the cut at 100 and answered just after it,
    # then nothing until a write sent at 120 answered at 121.5
    beat.ok = [(98.0, 98.2), (99.9, 100.05), (125.0, 125.1), (120.0, 121.5)]
    assert beat.resumed_after(100.0) == 21.5
    assert drill.Heartbeat.resumed_after(beat, 130.0) is None
