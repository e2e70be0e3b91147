# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Stated pool sizes in the rating store's SQL (DbBalanceStore grants).

The fixture plan shares 10 MB of data per line with the account; the account has two
lines. Without a stated size the pool is the sum of the lines' grants (20 MB, the
behaviour existing data keeps); a size on the allowance or on the account is the
pool's size whatever the number of lines.
"""

from datetime import date

from odoo.exceptions import ValidationError

from .common import MB, SUB1, SUB2, RatingCommon


class TestAllowancePool(RatingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared = cls.plan.product_tmpl_id.telecom_allowance_ids.filtered(
            lambda a: a.share_scope == "billing_account"
        )

    def data(self, record_id, subscriber, mb, when="2025-03-05T09:00:00Z"):
        return f"{record_id},{subscriber},data,{when},{mb * MB},out,,"

    def test_without_a_stated_size_the_pool_is_the_sum_of_the_lines(self):
        self.import_csv([self.data("d1", SUB1, 1)])
        self.assertEqual(self.balance("data", scope="pool").quantity, 20 * MB)
        self.assertIsNone(self.shared._telecom_pool_size(self.account))

    def test_the_plan_states_the_pool_size(self):
        self.shared.pool_quantity = 10
        self.assertEqual(self.shared._telecom_pool_size(self.account), 10 * MB)
        self.import_csv(
            [self.data("d1", SUB1, 8), self.data("d2", SUB2, 7, "2025-03-06T09:00:00Z")]
        )
        pool = self.balance("data", scope="pool")
        self.assertEqual((pool.quantity, pool.used, pool.remaining), (10 * MB, 10 * MB, 0))
        # the second line's 7 MB: 2 from the pool, 5 at 0.02 a MB
        second = self.usage("d2")
        self.assertEqual((second.allowance_quantity, second.amount), (2 * MB, 0.10))

    def test_the_account_states_the_pool_size_above_the_plan(self):
        self.shared.pool_quantity = 10
        other = self.env["telecom.billing.account"].create({"partner_id": self.customer.id})
        self.env["telecom.allowance.pool"].create(
            {
                "billing_account_id": self.account.id,
                "allowance_id": self.shared.id,
                "quantity": 0.5,
                "uom": "gb",
            }
        )
        self.assertEqual(self.shared._telecom_pool_size(self.account), 512 * MB)
        self.assertEqual(self.shared._telecom_pool_size(other), 10 * MB)
        self.import_csv([self.data("d1", SUB1, 1)])
        self.assertEqual(self.balance("data", scope="pool").quantity, 512 * MB)

    def test_a_stated_size_is_granted_whole_in_a_partial_period(self):
        # activation on 10 January: a prorated plan grants 22/31 of its 10 MB per line
        self.plan.product_tmpl_id.telecom_allowance_prorate = True
        self.import_csv([self.data("d1", SUB1, 1, "2025-01-20T09:00:00Z")])
        period = date(2025, 1, 1)
        self.assertEqual(
            self.balance("data", scope="pool", period=period).quantity, 2 * (10 * MB * 22 // 31)
        )
        self.shared.pool_quantity = 10
        self.import_csv([self.data("d2", SUB1, 1, "2025-02-20T09:00:00Z")])
        self.assertEqual(
            self.balance("data", scope="pool", period=date(2025, 2, 1)).quantity, 10 * MB
        )

    def test_a_size_stated_later_raises_the_balance_never_lowers_it(self):
        self.import_csv([self.data("d1", SUB1, 1)])
        pool = self.balance("data", scope="pool")
        self.assertEqual(pool.quantity, 20 * MB)
        self.shared.pool_quantity = 30
        self.import_csv([self.data("d2", SUB1, 1, "2025-03-06T09:00:00Z")])
        pool.invalidate_recordset()
        self.assertEqual(pool.quantity, 30 * MB)
        self.shared.pool_quantity = 5
        self.import_csv([self.data("d3", SUB1, 1, "2025-03-07T09:00:00Z")])
        pool.invalidate_recordset()
        self.assertEqual((pool.quantity, pool.used), (30 * MB, 3 * MB))

    def test_sizes_only_for_shared_allowances_in_their_unit(self):
        voice = self.plan.product_tmpl_id.telecom_allowance_ids.filtered(
            lambda a: a.usage_type_id.code == "voice"
        )
        with self.assertRaisesRegex(ValidationError, "Only an allowance shared"):
            voice.pool_quantity = 10
        Pool = self.env["telecom.allowance.pool"]
        with self.assertRaisesRegex(ValidationError, "not shared by the account"):
            Pool.create(
                {
                    "billing_account_id": self.account.id,
                    "allowance_id": voice.id,
                    "quantity": 10,
                    "uom": "minute",
                }
            )
        with self.assertRaisesRegex(ValidationError, "cannot be given in minute"):
            Pool.create(
                {
                    "billing_account_id": self.account.id,
                    "allowance_id": self.shared.id,
                    "quantity": 10,
                    "uom": "minute",
                }
            )
