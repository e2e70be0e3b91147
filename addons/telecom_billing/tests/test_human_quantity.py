# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one usage quantity format customers read (invoices, usage detail, portal)."""

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from ..models.telecom_usage_record import human_quantity

KB, MB, GB = 1024, 1024**2, 1024**3


@tagged("post_install", "-at_install")
class TestHumanQuantity(BaseCase):
    def check(self, cases):
        for (quantity, unit), expected in cases.items():
            with self.subTest(quantity=quantity, unit=unit):
                self.assertEqual(human_quantity(quantity, unit), expected)

    def test_seconds(self):
        self.check(
            {
                (0, "second"): "0 s",
                (5, "second"): "5 s",
                (59, "second"): "59 s",
                (60, "second"): "1 min",
                (245, "second"): "4 min 05 s",
                (299, "second"): "4 min 59 s",
                (18000, "second"): "300 min",
                (18001, "second"): "300 min 01 s",
            }
        )

    def test_bytes(self):
        self.check(
            {
                (0, "byte"): "0 B",
                (1, "byte"): "1 B",
                (1000, "byte"): "1000 B",
                (KB, "byte"): "1 KB",
                (KB + KB // 2, "byte"): "1.5 KB",
                (7 * MB, "byte"): "7 MB",
                (20 * MB, "byte"): "20 MB",
                (5 * GB, "byte"): "5 GB",
                (GB + GB // 2, "byte"): "1.5 GB",
                (GB + GB // 4, "byte"): "1.25 GB",
                (2048 * GB, "byte"): "2048 GB",
            }
        )

    def test_units(self):
        self.check(
            {
                (0, "unit"): "0",
                (1, "unit"): "1",
                (12, "unit"): "12",
                (1_000_000, "unit"): "1000000",
                (12, False): "12",
            }
        )

    def test_rounding(self):
        self.check(
            {
                # two decimals at most, rounded, trailing zeros dropped
                (int(1.234 * GB), "byte"): "1.23 GB",
                (int(1.236 * GB), "byte"): "1.24 GB",
                (int(1.999 * GB), "byte"): "2 GB",
                (int(1.1 * MB), "byte"): "1.1 MB",
                # just under a unit reads as one of it, not "1024 MB"
                (GB - 1, "byte"): "1 GB",
                (MB - 1, "byte"): "1 MB",
                (KB - 1, "byte"): "1 KB",
                (KB - 6, "byte"): "1018 B",
                # a fraction of a unit is dropped, never rounded up
                (59.9, "second"): "59 s",
                (2.7, "unit"): "2",
            }
        )

    def test_empty_and_negative(self):
        self.check(
            {
                (None, "second"): "0 s",
                (False, "byte"): "0 B",
                (None, "unit"): "0",
                (-65, "second"): "-1 min 05 s",
                (-2 * MB, "byte"): "-2 MB",
            }
        )
