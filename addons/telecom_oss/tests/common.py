# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import os
import subprocess
import sys
from contextlib import contextmanager

import requests

from odoo.tests import TransactionCase, new_test_user

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.telecom_crm.models.identifiers import luhn_complete

NETSIM = os.path.normpath(
    os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "netsim", "netsim.py")
)


class NetsimProcess:
    """tools/netsim in a child process on a free loopback port."""

    def __init__(self, token=None):
        args = [sys.executable, NETSIM, "--host", "127.0.0.1", "--port", "0"]
        if token:
            args += ["--token", token]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("netsim listening on http://127.0.0.1:"):
            self.proc.kill()
            raise RuntimeError(f"netsim did not start: {line!r}")
        self.url = line.split()[-1]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc.stdout.close()

    def control(self, method, path, payload=None):
        response = requests.request(
            method, self.url + path, data=json.dumps(payload or {}), timeout=10
        )
        response.raise_for_status()
        return response.json()

    def fail_next(self, path, count, status=503, method=None):
        return self.control(
            "POST",
            "/_control/faults",
            {"path": path, "count": count, "status": status, "method": method},
        )

    def journal(self, path_prefix=""):
        entries = self.control("GET", "/_control/journal")["journal"]
        return [e for e in entries if e["path"].startswith(path_prefix)]

    def state(self):
        return self.control("GET", "/_control/state")

    def reset(self):
        return self.control("POST", "/_control/reset")


class NetsimCase:
    """Starts the simulator once per test class (setUpClass / tearDownClass)."""

    netsim = None

    @classmethod
    def start_netsim(cls, token=None):
        cls.netsim = NetsimProcess(token=token)
        return cls.netsim

    @classmethod
    def tearDownClass(cls):
        if cls.netsim:
            cls.netsim.stop()
            cls.netsim = None
        super().tearDownClass()


class JobsMixin:
    """Queue jobs in tests: trap them, then run them (and what they queue); count the
    queries of a call (the bounds jobs must keep)."""

    @contextmanager
    def jobs(self):
        with trap_jobs() as trap:
            yield trap

    @staticmethod
    def run_jobs(trap, limit=100):
        """Perform the trapped jobs, and the jobs they queue, until none is left."""
        runs = 0
        while trap.enqueued_jobs:
            runs += 1
            if runs > limit:
                raise AssertionError("jobs keep queueing jobs")
            trap.perform_enqueued_jobs()
        return runs

    def count_queries(self, func, *args, **kwargs):
        """(result, number of SQL queries) of a call, caches flushed and cleared first."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = func(*args, **kwargs)
        self.env.flush_all()
        return result, self.env.cr.sql_log_count - before


class OssCase(JobsMixin, TransactionCase):
    """A small operator: users per group, a network, resources, an adapter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.noc = new_test_user(cls.env, login="oss_noc", groups="telecom_oss.group_telecom_noc")
        cls.engineer = new_test_user(
            cls.env, login="oss_engineer", groups="telecom_oss.group_telecom_network_engineer"
        )
        cls.operator = new_test_user(
            cls.env, login="oss_operator", groups="telecom_oss.group_telecom_provisioning"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Ada Customer", "mobile": "+32475111222", "email": "ada@example.com"}
        )
        Site = cls.env["telecom.site"]
        Element = cls.env["telecom.network.element"]
        cls.site_dc = Site.create({"code": "TDC", "name": "Test DC", "site_type": "datacenter"})
        cls.site_co = Site.create({"code": "TCO", "name": "Test CO", "city": "Ghent"})
        cls.site_far = Site.create({"code": "TFAR", "name": "Far cabinet"})
        cls.core = Element.create(
            {"name": "t-core", "element_type": "router", "site_id": cls.site_dc.id}
        )
        cls.hss = Element.create(
            {
                "name": "t-hss",
                "element_type": "hss",
                "site_id": cls.site_dc.id,
                "parent_id": cls.core.id,
            }
        )
        cls.agg = Element.create(
            {
                "name": "t-agg",
                "element_type": "switch",
                "site_id": cls.site_co.id,
                "parent_id": cls.core.id,
            }
        )
        cls.olt = Element.create(
            {
                "name": "t-olt",
                "element_type": "olt",
                "site_id": cls.site_co.id,
                "parent_id": cls.agg.id,
                "management_ip": "10.0.0.10",
            }
        )
        # below the CO's OLT but standing in another site
        cls.olt_far = Element.create(
            {
                "name": "t-olt-far",
                "element_type": "olt",
                "site_id": cls.site_far.id,
                "parent_id": cls.agg.id,
            }
        )
        cls.enb = Element.create(
            {
                "name": "t-enb",
                "element_type": "enodeb",
                "site_id": cls.site_far.id,
                "parent_id": cls.core.id,
            }
        )

    # -- resources -----------------------------------------------------------
    @classmethod
    def make_number_pool(cls, start="+32470100000", size=20, **vals):
        end = f"+{int(start) + size - 1:0{len(start) - 1}d}"
        pool = cls.env["telecom.number.pool"].create(
            dict(
                {"name": f"Pool {start}", "range_start": start, "range_end": end},
                **vals,
            )
        )
        pool.action_generate_numbers()
        return pool

    @classmethod
    def make_sims(cls, count=5, start=0):
        return cls.env["telecom.sim.card"].create(
            [
                {
                    "iccid": luhn_complete(f"893299{start + i:012d}"),
                    "imsi": f"20699{start + i:010d}",
                    "pin1": "1234",
                    "puk1": "12345678",
                    "element_id": cls.hss.id,
                }
                for i in range(count)
            ]
        )

    @classmethod
    def make_adapter(cls, url, **vals):
        return cls.env["telecom.network.adapter"].create(
            dict(
                {
                    "name": "Test simulator",
                    "adapter_type": "simulator",
                    "endpoint": url,
                    "max_attempts": 1,
                    "backoff_factor": 0.0,
                    "timeout": 10,
                },
                **vals,
            )
        )
