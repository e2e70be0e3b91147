# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ipaddress

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.telecom_ip import first_fit
from .common import OssCase


@tagged("post_install", "-at_install")
class TestIpam(OssCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Pool = cls.env["telecom.ip.pool"]
        cls.v4 = Pool.create({"name": "CGNAT", "network": "100.64.8.0/29", "reserved_head": 1})
        cls.v6 = Pool.create(
            {"name": "PD", "network": "2001:db8:100::/46", "default_prefix_len": 48}
        )

    def test_first_fit(self):
        self.assertEqual(first_fit(0, 15, 4, []), 0)
        self.assertEqual(first_fit(0, 15, 4, [(0, 0)]), 4)
        self.assertEqual(first_fit(1, 15, 1, [(1, 2), (4, 4)]), 3)
        self.assertEqual(first_fit(0, 15, 8, [(3, 3)]), 8)
        self.assertIsNone(first_fit(0, 15, 8, [(3, 3), (12, 12)]))

    def test_next_free_addresses_then_full(self):
        """/29: .0 network, .1 gateway (reserved), .7 broadcast: five host addresses."""
        got = [self.v4._telecom_allocate(partner=self.customer).name for _i in range(5)]
        self.assertEqual(
            got,
            ["100.64.8.2/32", "100.64.8.3/32", "100.64.8.4/32", "100.64.8.5/32", "100.64.8.6/32"],
        )
        with self.assertRaisesRegex(UserError, "no free /32"):
            self.v4._telecom_allocate()
        self.assertEqual(self.v4.allocation_count, 6)
        self.assertAlmostEqual(self.v4.utilisation, 5 * 100.0 / 8)
        # released space is given again, lowest first
        released = self.v4.prefix_ids.filtered(lambda p: p.name == "100.64.8.3/32")
        released._telecom_release()
        self.assertEqual(released.state, "retired")
        again = self.v4._telecom_allocate()
        self.assertEqual(again.name, "100.64.8.3/32")
        self.assertNotEqual(again, released)
        self.assertEqual(released.assignment_ids.state, "cancelled")

    def test_subnets_aligned_and_ipv6_delegation(self):
        pool = self.env["telecom.ip.pool"].create(
            {"name": "Links", "network": "192.0.2.0/26", "purpose": "infrastructure"}
        )
        a = pool._telecom_allocate(prefix_len=32)  # 192.0.2.1
        b = pool._telecom_allocate(prefix_len=30)
        c = pool._telecom_allocate(prefix_len=28)
        self.assertEqual(
            (a.name, b.name, c.name), ("192.0.2.1/32", "192.0.2.4/30", "192.0.2.16/28")
        )
        self.assertEqual(pool._telecom_allocate(prefix_len=31).name, "192.0.2.2/31")
        d1 = self.v6._telecom_allocate()
        d2 = self.v6._telecom_allocate()
        self.assertEqual((d1.name, d2.name), ("2001:db8:100::/48", "2001:db8:101::/48"))
        self.assertEqual(d1.ip_version, "6")
        self.assertEqual(self.v6._telecom_allocate(prefix_len=47).name, "2001:db8:102::/47")
        with self.assertRaisesRegex(UserError, "cannot be allocated"):
            self.v6._telecom_allocate(prefix_len=40)
        nets = [ipaddress.ip_network(p.name) for p in (a | b | c | pool.prefix_ids)]
        for i, n1 in enumerate(nets):
            for n2 in nets[i + 1 :]:
                self.assertTrue(n1 == n2 or not n1.overlaps(n2))

    def test_manual_prefixes_checked(self):
        Prefix = self.env["telecom.ip.prefix"]
        fixed = Prefix.create({"name": "100.64.8.4", "pool_id": self.v4.id})
        self.assertEqual(fixed.name, "100.64.8.4/32")
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            Prefix.create({"name": "100.64.8.4/30", "pool_id": self.v4.id})
        with self.assertRaisesRegex(ValidationError, "outside its pool"):
            Prefix.create({"name": "10.1.1.1", "pool_id": self.v4.id})
        with self.assertRaisesRegex(ValidationError, "not an IP"):
            Prefix.create({"name": "100.64.8.999", "pool_id": self.v4.id})
        # allocation goes around the fixed address
        got = [self.v4._telecom_allocate().name for _i in range(4)]
        self.assertNotIn("100.64.8.4/32", got)

    def test_bad_pools_refused(self):
        Pool = self.env["telecom.ip.pool"]
        with self.assertRaisesRegex(ValidationError, "CIDR"):
            Pool.create({"name": "x", "network": "300.1.0.0/16"})
        with self.assertRaisesRegex(ValidationError, "overlaps the pool CGNAT"):
            Pool.create({"name": "x", "network": "100.64.0.0/16"})
        with self.assertRaisesRegex(ValidationError, "does not fit"):
            Pool.create({"name": "x", "network": "203.0.113.0/24", "default_prefix_len": 16})
        pool = Pool.create({"name": "host bits", "network": "192.0.2.77/28"})
        self.assertEqual(pool.network, "192.0.2.64/28")
        pool._telecom_allocate()
        with self.assertRaisesRegex(UserError, "live allocations"):
            pool.network = "192.0.2.64/29"

    def test_database_refuses_overlap(self):
        """The exclusion constraint catches what the ORM checks could miss."""
        self.env.cr.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = 'telecom_ip_prefix_no_overlap'"
        )
        self.assertTrue(self.env.cr.fetchone(), "btree_gist exclusion constraint missing")
        self.v4._telecom_allocate()
        self.env.flush_all()
        with self.assertRaises(Exception) as err, self.env.cr.savepoint():
            self.env.cr.execute(
                "INSERT INTO telecom_ip_prefix (name, pool_id, company_id, state)"
                " VALUES ('100.64.8.0/30', %s, %s, 'reserved')",
                [self.v4.id, self.company.id],
                log_exceptions=False,
            )
        self.assertIn("telecom_ip_prefix_no_overlap", str(err.exception))
