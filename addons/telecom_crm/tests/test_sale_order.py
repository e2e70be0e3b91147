# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import TelecomCommon


@tagged("post_install", "-at_install")
@freeze_time("2025-06-15")
class TestTelecomOrders(TelecomCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub = cls._subscription(partner=cls.business, phone_number="+32470100001")
        cls.sub2 = cls._subscription(partner=cls.business, phone_number="+32470100002")

    def _order(self, user, kind, lines=(), **vals):
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": vals.pop("partner", self.business).id,
                    "telecom_order_kind": kind,
                    "order_line": [Command.create(line) for line in lines],
                    **vals,
                }
            )
        )

    def test_new_service_order(self):
        order = self._order(
            self.sales,
            "new",
            [
                {"product_id": self.plan_s.id, "product_uom_qty": 2},
                {"product_id": self.addon_data.id},
                {"product_id": self.fee_sim.id, "product_uom_qty": 2},
                {"product_id": self.plan_fiber.id, "telecom_circuit_id": "FTTH-0001"},
                {"product_id": self.router.id},
            ],
            telecom_effective_date=date(2025, 6, 1),
        )
        self.assertEqual(order.telecom_billing_account_id, self.business_account)
        self.assertEqual(order.order_line[0].price_unit, 10.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        subs = order.telecom_new_subscription_ids.sorted("id")
        self.assertEqual(len(subs), 3)
        self.assertEqual(subs.mapped("state"), ["active"] * 3)
        self.assertEqual(subs.mapped("plan_id"), self.plan_s | self.plan_fiber)
        mobiles = subs.filtered(lambda s: s.plan_id == self.plan_s)
        for sub in mobiles:
            self.assertEqual(
                sorted(sub.line_ids.mapped("kind")), ["addon", "plan"], "add-on follows its plan"
            )
            self.assertEqual(sub.activation_date, date(2025, 6, 1))
        fibre = subs - mobiles
        self.assertEqual(fibre.circuit_id, "FTTH-0001")
        self.assertEqual(len(order.telecom_service_order_ids), 3)
        self.assertEqual(set(order.telecom_service_order_ids.mapped("action")), {"activate"})
        charges = self.env["telecom.charge"].search([("origin", "=", order.name)])
        by_kind = {c.kind: c for c in charges}
        self.assertEqual(by_kind["one_time"].amount, 20.0)
        self.assertFalse(by_kind["one_time"].subscription_id)  # two SIMs, two services
        self.assertEqual(by_kind["equipment"].amount, 50.0)
        self.assertEqual(by_kind["equipment"].subscription_id, fibre)
        # telecom lines are never invoiced by sale itself
        self.assertEqual(order.invoice_status, "no")
        self.assertFalse(any(order.order_line.mapped("qty_to_invoice")))
        with self.assertRaises(UserError):
            order._create_invoices()

    def test_bundle_order(self):
        order = self._order(
            self.sales, "new", [{"product_id": self.bundle.id}], partner=self.resident
        )
        self.assertEqual(order.order_line.price_unit, 45.0)
        order.action_confirm()
        sub = order.telecom_new_subscription_ids
        plan = sub.line_ids.filtered(lambda ln: ln.kind == "plan")
        addon = sub.line_ids - plan
        self.assertEqual((plan.product_id, plan.price_unit), (self.plan_fiber, 45.0))
        self.assertEqual((addon.product_id, addon.price_unit), (self.addon_tv, 0.0))
        self.assertEqual((sub.line_ids.bundle_product_id), self.bundle)
        self.assertEqual(sub.recurring_price, 45.0)

    def test_plan_change_order_form_preview(self):
        form = Form(
            self.env["sale.order"]
            .with_user(self.care)
            .with_context(default_telecom_order_kind="plan_change")
        )
        form.partner_id = self.business
        self.assertEqual(form.telecom_billing_account_id, self.business_account)
        form.telecom_effective_date = date(2025, 7, 1)
        with form.order_line.new() as line:
            line.product_id = self.plan_m
            line.telecom_subscription_id = self.sub
        preview = str(form.telecom_change_preview)
        self.assertIn("Mobile S", preview)
        self.assertIn("Mobile M", preview)
        self.assertIn("+10.00", preview)
        self.assertIn("2025-07-01", preview)
        if "telecom.bill.run" in self.env:  # telecom_billing fills the prorated amount
            self.assertIn(f"10.00 {self.currency.name}", preview)
        else:
            self.assertIn("computed by billing", preview)
        order = form.save()
        order.action_confirm()
        self.assertEqual(self.sub.plan_id, self.plan_m)
        self.assertEqual(order.telecom_service_order_ids.subscription_id, self.sub)
        self.assertEqual(order.telecom_service_order_ids.action, "change_plan")

    def test_addon_order_one_service_order_per_subscription(self):
        order = self._order(
            self.care,
            "addon",
            [
                {"product_id": self.addon_data.id, "telecom_subscription_id": self.sub.id},
                {"product_id": self.addon_roam.id, "telecom_subscription_id": self.sub.id},
                {"product_id": self.addon_roam.id, "telecom_subscription_id": self.sub2.id},
            ],
        )
        order.action_confirm()
        self.assertEqual(len(order.telecom_service_order_ids), 2)
        self.assertEqual(len(self.sub.line_ids.filtered(lambda ln: ln.kind == "addon")), 2)
        self.assertEqual(len(self.sub2.line_ids.filtered(lambda ln: ln.kind == "addon")), 1)

    def test_lifecycle_orders(self):
        order = self._order(
            self.care,
            "suspension",
            telecom_subscription_ids=[Command.set(self.sub.ids)],
            telecom_suspend_reason="customer_request",
        )
        order.action_confirm()
        self.assertEqual(self.sub.state, "suspended")
        self._order(
            self.care, "resumption", telecom_subscription_ids=[Command.set(self.sub.ids)]
        ).action_confirm()
        self.assertEqual(self.sub.state, "active")
        address = self.env["res.partner"].create(
            {"name": "Warehouse", "parent_id": self.business.id, "type": "other"}
        )
        self._order(
            self.care,
            "move",
            [{"product_id": self.fee_sim.id, "name": "Move fee"}],
            telecom_subscription_ids=[Command.set(self.sub.ids)],
            telecom_move_address_id=address.id,
        ).action_confirm()
        self.assertEqual(self.sub.installation_partner_id, address)
        self.assertEqual(self.sub.charge_ids.description, "Move fee")
        term = self._order(
            self.care,
            "termination",
            telecom_subscription_ids=[Command.set((self.sub | self.sub2).ids)],
            telecom_reason_id=self.env.ref("telecom_crm.telecom_reason_code_term_competitor").id,
        )
        term.action_confirm()
        self.assertEqual((self.sub | self.sub2).mapped("state"), ["terminated"] * 2)
        self.assertEqual(len(term.telecom_service_order_ids), 2)
        etf = (self.sub | self.sub2).charge_ids.filtered(lambda c: c.kind == "etf")
        self.assertEqual(len(etf), 2)

    def test_waiver_on_order_needs_manager(self):
        order = self._order(
            self.care,
            "termination",
            telecom_subscription_ids=[Command.set(self.sub.ids)],
            telecom_waive_etf=True,
        )
        with self.assertRaisesRegex(UserError, "manager"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(self.sub.state, "active")
        order.with_user(self.manager).action_confirm()
        self.assertTrue(self.sub.etf_waived)

    def test_refused_orders_stay_draft(self):
        # plan change without the subscription
        order = self._order(self.care, "plan_change", [{"product_id": self.plan_m.id}])
        with self.assertRaises(UserError):
            order.action_confirm()
        # a subscription of another customer
        other = self._subscription()
        order = self._order(
            self.care,
            "plan_change",
            [{"product_id": self.plan_m.id, "telecom_subscription_id": other.id}],
        )
        with self.assertRaisesRegex(UserError, "another customer"):
            order.action_confirm()
        # add-on order with a plan in it
        order = self._order(
            self.care,
            "addon",
            [
                {"product_id": self.addon_roam.id, "telecom_subscription_id": self.sub.id},
                {"product_id": self.plan_l.id},
            ],
        )
        with self.assertRaises(UserError):
            order.action_confirm()
        # suspension without reason, or dated ahead
        order = self._order(
            self.care, "suspension", telecom_subscription_ids=[Command.set(self.sub.ids)]
        )
        with self.assertRaises(UserError):
            order.action_confirm()
        # new service with an add-on before any plan
        order = self._order(
            self.sales,
            "new",
            [{"product_id": self.addon_roam.id}, {"product_id": self.plan_s.id}],
        )
        with self.assertRaises(UserError):
            order.action_confirm()
        # a billing account in another currency
        usd = self.env.ref("base.USD")
        if usd == self.currency:
            usd = self.env.ref("base.EUR")
        usd.active = True
        account = self.env["telecom.billing.account"].create(
            {"partner_id": self.business.id, "currency_id": usd.id}
        )
        order = self._order(
            self.sales,
            "new",
            [{"product_id": self.plan_s.id}],
            telecom_billing_account_id=account.id,
        )
        with self.assertRaisesRegex(UserError, "bills in"):
            order.action_confirm()
        orders = self.env["sale.order"].search([("partner_id", "=", self.business.id)])
        self.assertEqual(set(orders.mapped("state")), {"draft"})
        self.assertEqual(self.sub.state, "active")
        self.assertEqual(self.sub.plan_id, self.plan_s)
