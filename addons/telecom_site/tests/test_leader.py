# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import time

from odoo.tests import TransactionCase, tagged

from ..leader import AdvisoryLeader, guarded_process_jobs

# a key of these tests' own, so that a cron runner of the test server cannot interfere
KEY = 7359214613010059999


@tagged("post_install", "-at_install")
class TestCronLeader(TransactionCase):
    def setUp(self):
        super().setUp()
        self.first = AdvisoryLeader(self.env.cr.dbname, key=KEY, label="test runner")
        self.second = AdvisoryLeader(self.env.cr.dbname, key=KEY, label="test runner")
        self.addCleanup(self.first.release)
        self.addCleanup(self.second.release)

    def _terminate(self, pid):
        """What a power cut does to the leader's connection: the server side goes."""
        self.env.cr.execute("SELECT pg_terminate_backend(%s)", (pid,))
        self.assertTrue(self.env.cr.fetchone()[0])

    def test_one_leader_at_a_time_and_takeover(self):
        self.assertTrue(self.first.is_leader())
        self.assertTrue(self.first.is_leader(), "a leader stays leader")
        self.assertFalse(self.second.is_leader())
        self.assertIsNone(self.second.backend_pid)
        self._terminate(self.first.backend_pid)
        # the lock goes with the backend: the second takes it on one of its next polls
        deadline = time.monotonic() + 10
        while not self.second.is_leader() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIsNotNone(self.second.backend_pid)
        # the first notices its broken connection on its next poll, and stays follower
        with self.assertLogs("odoo.addons.telecom_site.leader", "WARNING") as logs:
            self.assertFalse(self.first.is_leader())
        self.assertIn("leadership lost", logs.output[0])
        self.assertIsNone(self.first.backend_pid)

    def test_release_hands_over(self):
        self.assertTrue(self.second.is_leader())
        self.assertFalse(self.first.is_leader())
        self.second.release()
        self.assertTrue(self.first.is_leader())

    def test_no_database_no_leadership(self):
        nowhere = AdvisoryLeader("telecom_no_such_database_x", key=KEY)
        self.assertFalse(nowhere.is_leader())

    def test_only_the_leader_runs_cron_jobs(self):
        runs = []

        def process_jobs(cls, db_name):
            runs.append(db_name)
            return "ran"

        from .. import leader as leader_module

        guarded = guarded_process_jobs(process_jobs).__get__(None, type(self))
        dbname = self.env.cr.dbname
        held_elsewhere = AdvisoryLeader(dbname)  # the real cron key, by another "site"
        original = leader_module._leaders.pop(dbname, None)
        self.addCleanup(held_elsewhere.release)
        try:
            self.assertTrue(held_elsewhere.is_leader())
            self.assertIsNone(guarded(dbname))
            self.assertEqual(runs, [])
            held_elsewhere.release()
            self.assertEqual(guarded(dbname), "ran")
            self.assertEqual(runs, [dbname])
        finally:
            mine = leader_module._leaders.pop(dbname, None)
            if mine:
                mine.release()
            if original:
                leader_module._leaders[dbname] = original
