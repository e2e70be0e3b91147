# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two real transactions allocating from the same pool at the same time.

These tests commit (on their own cursors, never the test cursor) and clean up
after themselves: two transactions cannot be shown otherwise.
"""
# pylint: disable=invalid-commit

import ipaddress
import threading

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from odoo.addons.telecom_crm.models.identifiers import luhn_complete

POOL_NET = "198.51.100.0/29"  # TEST-NET-2, used by no other test


@tagged("post_install", "-at_install")
class TestConcurrentAllocation(TransactionCase):
    def _env(self, cr):
        # The first environment of a cursor looks its registry up under a lock the
        # test runner holds: create it in the main thread, before any worker uses
        # the cursor (later environments reuse the cursor's transaction).
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _cleanup(self, pool_ids=(), number_pool_ids=(), sim_iccids=()):
        with self.registry.cursor() as cr:
            # raw SQL: the history is undeletable through the ORM, on purpose
            cr.execute(
                "DELETE FROM telecom_resource_assignment WHERE ip_prefix_id IN"
                " (SELECT id FROM telecom_ip_prefix WHERE pool_id = ANY(%s))"
                " OR number_id IN (SELECT id FROM telecom_number WHERE pool_id = ANY(%s))"
                " OR sim_id IN (SELECT id FROM telecom_sim_card WHERE iccid = ANY(%s))",
                [list(pool_ids), list(number_pool_ids), list(sim_iccids)],
            )
            cr.execute("DELETE FROM telecom_ip_prefix WHERE pool_id = ANY(%s)", [list(pool_ids)])
            cr.execute("DELETE FROM telecom_ip_pool WHERE id = ANY(%s)", [list(pool_ids)])
            cr.execute(
                "DELETE FROM telecom_number WHERE pool_id = ANY(%s)", [list(number_pool_ids)]
            )
            cr.execute(
                "DELETE FROM telecom_number_pool WHERE id = ANY(%s)", [list(number_pool_ids)]
            )
            cr.execute("DELETE FROM telecom_sim_card WHERE iccid = ANY(%s)", [list(sim_iccids)])
            cr.commit()

    def _allocate_with_retry(self, cr, pool_id, outcome, tries=5):
        """What RPC and queue_job do: a serialization failure rolls back and retries."""
        for _attempt in range(tries):
            try:
                prefix = self._env(cr)["telecom.ip.pool"].browse(pool_id)._telecom_allocate()
                self._env(cr).flush_all()
                name = prefix.name
                cr.commit()
                outcome.setdefault("names", []).append(name)
                return
            except psycopg2.errors.SerializationFailure:
                outcome["serialization_failures"] = outcome.get("serialization_failures", 0) + 1
                cr.rollback()
        outcome["gave_up"] = True

    def test_two_transactions_never_get_overlapping_prefixes(self):
        with self.registry.cursor() as cr:
            pool_id = (
                self._env(cr)["telecom.ip.pool"]
                .create({"name": "Concurrency", "network": POOL_NET})
                .id
            )
            cr.commit()
        cr1 = self.registry.cursor()
        cr2 = self.registry.cursor()
        try:
            # T2 takes its snapshot first, then T1 allocates and holds its locks
            self._env(cr2)["telecom.ip.pool"].browse(pool_id).read(["network"])
            first = self._env(cr1)["telecom.ip.pool"].browse(pool_id)._telecom_allocate()
            self._env(cr1).flush_all()
            outcome = {}
            worker = threading.Thread(
                target=self._allocate_with_retry, args=(cr2, pool_id, outcome)
            )
            worker.start()
            worker.join(1.5)
            self.assertTrue(worker.is_alive(), "T2 must wait for T1's lock on the pool")
            first_name = first.name
            cr1.commit()
            worker.join(30)
            self.assertFalse(worker.is_alive())
            self.assertFalse(outcome.get("gave_up"))
            # T2's snapshot predates T1's commit: it had to retry rather than
            # compute an answer from stale data
            self.assertGreaterEqual(outcome.get("serialization_failures", 0), 1)
            names = [first_name, *outcome["names"]]
            nets = [ipaddress.ip_network(name) for name in names]
            self.assertFalse(nets[0].overlaps(nets[1]), names)
            self.assertEqual(names, ["198.51.100.1/32", "198.51.100.2/32"])
        finally:
            cr1.close()
            cr2.close()
            self._cleanup(pool_ids=[pool_id])

    def test_many_parallel_allocations_all_distinct(self):
        with self.registry.cursor() as cr:
            pool_id = (
                self._env(cr)["telecom.ip.pool"]
                .create({"name": "Concurrency 2", "network": "198.51.100.64/27"})
                .id
            )
            cr.commit()
        cursors = [self.registry.cursor() for _i in range(4)]
        for cursor in cursors:
            self._env(cursor)
        outcome = {}
        try:
            workers = [
                threading.Thread(
                    target=lambda c=c: [
                        self._allocate_with_retry(c, pool_id, outcome, tries=20) for _j in range(3)
                    ]
                )
                for c in cursors
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(60)
            self.assertFalse(outcome.get("gave_up"))
            names = outcome["names"]
            self.assertEqual(len(names), 12)
            self.assertEqual(len(set(names)), 12)
            with self.registry.cursor() as cr:
                cr.execute("SELECT count(*) FROM telecom_ip_prefix WHERE pool_id = %s", [pool_id])
                self.assertEqual(cr.fetchone()[0], 12)
        finally:
            for cursor in cursors:
                cursor.close()
            self._cleanup(pool_ids=[pool_id])

    def test_numbers_and_sims_skip_what_another_transaction_holds(self):
        iccids = [luhn_complete(f"893298{i:012d}") for i in range(2)]
        with self.registry.cursor() as cr:
            env = self._env(cr)
            pool = env["telecom.number.pool"].create(
                {
                    "name": "Concurrent numbers",
                    "range_start": "+3247099010",
                    "range_end": "+3247099011",
                }
            )
            pool.action_generate_numbers()
            env["telecom.sim.card"].create(
                [{"iccid": iccid, "imsi": f"2069800000000{i}"} for i, iccid in enumerate(iccids)]
            )
            pool_id = pool.id
            cr.commit()
        cr1 = self.registry.cursor()
        cr2 = self.registry.cursor()
        try:
            env1, env2 = self._env(cr1), self._env(cr2)
            pool1 = env1["telecom.number.pool"].browse(pool_id)
            pool2 = env2["telecom.number.pool"].browse(pool_id)
            n1 = env1["telecom.number"]._telecom_allocate(pool1)
            env1.flush_all()
            # T1 still holds its row: T2 does not wait, it takes the next number
            cr2.execute("SET LOCAL lock_timeout = '2s'")
            n2 = env2["telecom.number"]._telecom_allocate(pool2)
            self.assertNotEqual(n1.name, n2.name)
            company1, company2 = env1.company, env2.company
            sim_domain = [("iccid", "in", iccids)]
            env1["telecom.sim.card"].search(sim_domain)
            s1 = env1["telecom.sim.card"]._telecom_allocate(company1)
            env1.flush_all()
            s2 = env2["telecom.sim.card"]._telecom_allocate(company2)
            self.assertNotEqual(s1.iccid, s2.iccid)
            env2.flush_all()
            cr1.commit()
            cr2.commit()
        finally:
            cr1.close()
            cr2.close()
            self._cleanup(number_pool_ids=[pool_id], sim_iccids=iccids)
