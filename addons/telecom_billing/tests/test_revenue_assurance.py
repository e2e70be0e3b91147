# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Revenue assurance: what a customer pays does not depend on when things happen.

- a subscription terminated mid-period keeps only the prorated share of its
  allowances up to its last day, whether its usage was rated before or after the
  termination;
- usage that arrives late (a later file, for earlier times) consumes the
  allowances in time order: importing two files in either order gives the same
  amounts.
"""

from datetime import date

from odoo.tests import tagged

from .common import RatingCommon

# Brussels peak hours on weekdays of March 2025 (UTC+1): national fixed numbers
CALL = "{rid},{number},voice,2025-03-{day:02d}T{hour:02d}:00:00Z,{qty},out,+3222222222,"


def calls(prefix, number, spec):
    return [
        CALL.format(rid=f"{prefix}{index}", number=number, day=day, hour=hour, qty=qty)
        for index, (day, hour, qty) in enumerate(spec)
    ]


@tagged("post_install", "-at_install")
class TestRevenueAssurance(RatingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["telecom.billing.account"]
        # two more customers, each with an account of its own (no shared pool between
        # the lines compared)
        cls.lines = {}
        for number in ("+32470000031", "+32470000032"):
            partner = cls.env["res.partner"].create(
                {
                    "name": f"Customer {number}",
                    "email": f"c{number[-2:]}@example.com",
                    "tz": "Europe/Brussels",
                }
            )
            account = Account.create({"partner_id": partner.id})
            cls.lines[number] = cls._subscription(number, account=account)

    def amounts(self, prefix, count):
        return [self.usage(f"{prefix}{index}").amount for index in range(count)]

    def test_terminated_subscription_keeps_the_prorated_share_of_its_allowance(self):
        """Prorated allowances (5 minutes a month): terminated on 10 March, the line
        keeps 10/31 of them (96 s). Its usage costs the same whether it was rated
        before the termination (then rated again) or after it."""
        self.plan.product_tmpl_id.telecom_allowance_prorate = True
        early, late = self.lines["+32470000031"], self.lines["+32470000032"]
        usage = [(3, 9, 100), (4, 9, 60), (6, 9, 60)]  # 120 + 60 + 60 rated seconds
        reason = "term_customer_request"
        # the usage first (the whole 300 s allowance covers it), then the termination
        self.import_csv(calls("e", early.phone_number, usage), name="early.csv")
        self.assertEqual(self.amounts("e", 3), [0.0, 0.0, 0.0])
        balance = self.balance("voice", sub=early)
        self.assertEqual((balance.quantity, balance.used), (300, 240))
        early.action_terminate(date(2025, 3, 10), reason)
        rerating = self.env["telecom.rerating"].search([("subscription_ids", "in", early.ids)])
        self.assertEqual(len(rerating), 1, "the period rated again, for the audit trail")
        self.assertEqual(rerating.selected_count, 3)
        # the termination first, then the same usage
        late.action_terminate(date(2025, 3, 10), reason)
        self.import_csv(calls("l", late.phone_number, usage), name="late.csv")
        shared = self.amounts("l", 3)
        self.assertEqual(self.amounts("e", 3), shared)
        # 300 * 10 / 31 = 96 s: the first call is partly charged, the others wholly
        self.assertTrue(all(amount > 0 for amount in shared), shared)
        for sub in (early, late):
            balance = self.balance("voice", sub=sub)
            self.assertEqual((balance.quantity, balance.used, balance.remaining), (96, 96, 0))
        # without proration the whole allowance stays: nothing charged
        self.plan.product_tmpl_id.telecom_allowance_prorate = False
        self.import_csv(calls("w", self.sub1.phone_number, usage), name="whole.csv")
        self.sub1.action_terminate(date(2025, 3, 10), reason)
        self.assertEqual(self.amounts("w", 3), [0.0, 0.0, 0.0])
        self.assertEqual(self.balance("voice", sub=self.sub1).quantity, 300)

    def test_late_usage_consumes_allowances_in_time_order(self):
        """Two files of March: in time order, or the later one first. The amounts are
        the same: the late file's period is rated again in time order."""
        first_half = [(3, 9, 200), (4, 9, 100)]  # 240 + 120 rated seconds: 300 run out
        second_half = [(17, 9, 200), (18, 9, 30)]
        in_order, reverse = self.lines["+32470000031"], self.lines["+32470000032"]
        Rerating = self.env["telecom.rerating"]
        # in time order: nothing to correct
        self.import_csv(calls("a", in_order.phone_number, first_half), name="a-1.csv")
        self.import_csv(calls("b", in_order.phone_number, second_half), name="a-2.csv")
        self.assertFalse(Rerating.search([]))
        expected = self.amounts("a", 2) + self.amounts("b", 2)
        # the second half arrives first: it takes the allowance, the first half is late
        self.import_csv(calls("d", reverse.phone_number, second_half), name="r-2.csv")
        self.assertEqual(self.amounts("d", 2), [0.0, 0.0], "the allowance, in arrival order")
        late = self.import_csv(calls("c", reverse.phone_number, first_half), name="r-1.csv")
        self.assertEqual(self.amounts("c", 2) + self.amounts("d", 2), expected)
        rerating = Rerating.search([])
        self.assertEqual(len(rerating), 1)
        self.assertEqual(rerating.subscription_ids, reverse)
        self.assertIn(late.name, rerating.reason)
        self.assertIn(rerating.name, late.message_ids[0].body)
        for sub in (in_order, reverse):
            balance = self.balance("voice", sub=sub)
            self.assertEqual((balance.used, balance.remaining), (300, 0))
        self.assertReconciled(late)
        # usage of another period, or of a new subscription: no re-rating
        self.import_csv(calls("n", self.sub1.phone_number, first_half), name="new.csv")
        self.assertEqual(len(Rerating.search([])), 1)
