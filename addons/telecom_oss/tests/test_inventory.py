# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OssCase


@tagged("post_install", "-at_install")
class TestInventory(OssCase):
    def test_parent_path_and_subtree(self):
        self.assertTrue(self.olt.parent_path.startswith(self.core.parent_path))
        Element = self.env["telecom.network.element"]
        below_agg = Element.search([("parent_id", "child_of", self.agg.id)])
        self.assertEqual(below_agg, self.agg | self.olt | self.olt_far)
        impacted = Element._telecom_impacted_elements(elements=self.agg)
        self.assertEqual(impacted, self.agg | self.olt | self.olt_far)
        # a site takes down what stands there and everything below it, wherever it stands
        impacted = Element._telecom_impacted_elements(sites=self.site_co)
        self.assertEqual(impacted, self.agg | self.olt | self.olt_far)
        self.assertNotIn(self.enb, impacted)
        # below a parent without a site, and an archived element, still count
        loose = Element.create({"name": "t-loose", "element_type": "switch"})
        at_co = Element.create(
            {
                "name": "t-co-2",
                "element_type": "olt",
                "parent_id": loose.id,
                "site_id": self.site_co.id,
            }
        )
        below = Element.create(
            {"name": "t-co-2-onu", "element_type": "ont", "parent_id": at_co.id, "active": False}
        )
        impacted = Element._telecom_impacted_elements(sites=self.site_co)
        self.assertEqual(impacted, self.agg | self.olt | self.olt_far | at_co | below)
        # moving an element moves its subtree
        self.olt.parent_id = self.enb
        self.assertTrue(self.olt.parent_path.startswith(self.enb.parent_path))
        self.assertEqual(
            Element._telecom_impacted_elements(elements=self.agg), self.agg | self.olt_far
        )

    def test_no_cycle_and_valid_management_ip(self):
        with self.assertRaisesRegex((UserError, ValidationError), "Recursion|own"):
            self.core.parent_id = self.olt
        with self.assertRaisesRegex(ValidationError, "not an IPv4 or IPv6"):
            self.olt.management_ip = "10.0.0.300"
        self.olt.management_ip = " 2001:db8::1 "
        self.assertEqual(self.olt.management_ip, "2001:db8::1")

    @mute_logger("odoo.sql_db")
    def test_unique_hostname_and_serial(self):
        self.agg.serial = "SN1"
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["telecom.network.element"].create({"name": "t-agg", "element_type": "switch"})
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["telecom.network.element"].create(
                {"name": "t-other", "element_type": "switch", "serial": "SN1"}
            )

    @mute_logger("odoo.sql_db")
    def test_site_coordinates_checked(self):
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["telecom.site"].create({"code": "BAD", "name": "Bad", "latitude": 91})
        site = self.env["telecom.site"].create(
            {"code": "OK", "name": "Ok", "latitude": 51.05, "longitude": 3.72}
        )
        self.assertEqual(site.display_name, "[OK] Ok")

    def test_ports_and_links(self):
        Port = self.env["telecom.network.port"]
        a1 = Port.create({"element_id": self.agg.id, "name": "te0/0/1", "port_type": "sfp"})
        a2 = Port.create({"element_id": self.agg.id, "name": "te0/0/2", "port_type": "sfp"})
        o1 = Port.create({"element_id": self.olt.id, "name": "uplink", "port_type": "sfp"})
        Link = self.env["telecom.network.link"]
        link = Link.create({"port_a_id": a1.id, "port_b_id": o1.id})
        self.assertEqual(link.element_a_id, self.agg)
        self.assertEqual(link.element_b_id, self.olt)
        self.assertEqual(o1.remote_port_id, a1)
        self.assertEqual(a1.link_id, link)
        self.assertEqual(o1.display_name, "t-olt:uplink")
        # one link per port, whichever end it is
        with self.assertRaisesRegex(ValidationError, "one link at most"):
            Link.create({"port_a_id": a2.id, "port_b_id": o1.id})
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            Link.create({"port_a_id": a2.id, "port_b_id": a2.id})
        self.assertEqual(self.agg.port_count, 2)

    def test_hierarchy_read_and_search_bounded(self):
        """The hierarchy view's reads and child_of searches cost the same number of
        queries on a tree of 20 elements as on one of 400."""
        Element = self.env["telecom.network.element"]

        def build(prefix, width):
            root = Element.create({"name": f"{prefix}-root", "element_type": "router"})
            level = Element.create(
                [
                    {"name": f"{prefix}-agg-{i}", "element_type": "switch", "parent_id": root.id}
                    for i in range(width)
                ]
            )
            Element.create(
                [
                    {
                        "name": f"{prefix}-olt-{i}-{j}",
                        "element_type": "olt",
                        "parent_id": parent.id,
                    }
                    for i, parent in enumerate(level)
                    for j in range(width)
                ]
            )
            return root

        small, big = build("s", 4), build("b", 20)
        fields = ["name", "element_type", "status", "alarm_severity", "child_ids"]
        counts = []
        for root in (small, big):
            _found, queries_search = self.count_queries(
                Element.search, [("id", "child_of", root.id)]
            )
            _data, queries_hier = self.count_queries(
                Element.hierarchy_read,
                [("id", "=", root.id)],
                list(fields),
                "parent_id",
                "child_ids",
            )
            _impact, queries_impact = self.count_queries(
                Element._telecom_impacted_elements, elements=root
            )
            counts.append((queries_search, queries_hier, queries_impact))
        self.assertEqual(len(Element.search([("id", "child_of", big.id)])), 1 + 20 + 400)
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(max(counts[1]), 10)

    def test_noc_reads_but_cannot_change(self):
        element = self.olt.with_user(self.noc)
        self.assertEqual(element.name, "t-olt")
        with self.assertRaises(AccessError):
            element.name = "renamed"
        with self.assertRaises(AccessError):
            self.env["telecom.site"].with_user(self.noc).create({"code": "X", "name": "X"})
        # engineers maintain the inventory
        self.olt.with_user(self.engineer).firmware_version = "9.1"
        self.assertEqual(self.olt.firmware_version, "9.1")
