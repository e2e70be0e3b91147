# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bulk payments of the demo generator leave what Odoo's own payment wizard
and reconciliation leave: the same invoices paid both ways, every stored field of
the invoices, their receivable lines, the payments, their journal entries and
lines, and the reconciliations compared."""

from datetime import date

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

# fields that name or stamp a record (or point at records each path made itself:
# those links are checked one by one below)
IDENTITY = {
    "id",
    "create_date",
    "write_date",
    "name",
    "sequence_number",
    "move_name",
    "ref",
    "memo",
    "payment_reference",
    "matching_number",
    "invoice_partner_display_name",
}
OWN = (
    "account.move",
    "account.move.line",
    "account.payment",
    "account.partial.reconcile",
    "account.full.reconcile",
)


@tagged("post_install", "-at_install")
class TestDemoPayments(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.generator = cls.env["telecom.demo.generator"]
        cls.company = cls.env.company
        income = cls.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", cls.company.id)], limit=1
        )
        tax = cls.env["account.tax"].search(
            [("type_tax_use", "=", "sale"), ("amount_type", "=", "percent"),
             ("company_id", "=", cls.company.id)], limit=1,
        )  # fmt: skip
        term = cls.env["account.payment.term"].create(
            {"name": "Demo 14 days", "line_ids": [Command.create(
                {"value": "percent", "value_amount": 100, "nb_days": 14})]}
        )  # fmt: skip
        # partners whose entries differ in what Odoo derives from the partner: a
        # fiscal position of their own, a company of their own
        fpos = cls.env["account.fiscal.position"].create({"name": "Demo payer position"})
        parent = cls.env["res.partner"].create({"name": "Payer Holding", "is_company": True})
        cls.pairs = []
        for index, (amount, day) in enumerate(
            ((12.5, 3), (30.0, 3), (99.99, 10), (7.0, 10), (250.0, 24))
        ):
            partner = cls.env["res.partner"].create(
                {
                    "name": f"Payer {index}",
                    "property_account_position_id": fpos.id if index == 2 else False,
                    "parent_id": parent.id if index == 3 else False,
                }
            )
            pair = []
            for _side in range(2):
                invoice = cls.env["account.move"].create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": date(2026, 3, day),
                        "invoice_payment_term_id": term.id,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Monthly plan",
                                    "account_id": income.id,
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [Command.set(tax.ids)],
                                }
                            )
                        ],
                    }
                )
                invoice.action_post()
                pair.append(invoice)
            cls.pairs.append(pair)
        odoo_side = cls.env["account.move"].browse([a.id for a, _b in cls.pairs])
        bulk_side = cls.env["account.move"].browse([b.id for _a, b in cls.pairs])
        cls.generator._demo_register(odoo_side)
        cls.paid = cls.generator._demo_bulk_register(bulk_side)
        cls.env.flush_all()
        cls.env.invalidate_all()

    def assertSameRecord(self, odoo_rec, bulk_rec):
        """Every stored field equal, but for names and links to each path's records."""
        self.assertEqual(len(odoo_rec), 1)
        self.assertEqual(len(bulk_rec), 1)
        for name, field in odoo_rec._fields.items():
            if not field.store or name in IDENTITY or field.type in ("one2many", "binary"):
                continue
            expected, got = odoo_rec[name], bulk_rec[name]
            if field.type in ("many2one", "many2many") and field.comodel_name in OWN:
                self.assertEqual(bool(expected), bool(got), f"{odoo_rec._name}.{name}")
                continue
            if field.type == "many2many":
                expected, got = set(expected.ids), set(got.ids)
            self.assertEqual(expected, got, f"{odoo_rec._name}.{name}: {expected!r} != {got!r}")

    def test_invoices_paid_as_odoo_pays_them(self):
        self.assertEqual(self.paid, len(self.pairs))
        for odoo_inv, bulk_inv in self.pairs:
            self.assertIn(bulk_inv.payment_state, ("paid", "in_payment"))
            self.assertEqual(bulk_inv.amount_residual, 0.0)
            self.assertSameRecord(odoo_inv, bulk_inv)
            for odoo_line, bulk_line in zip(
                odoo_inv.line_ids.sorted(lambda l: (l.display_type, l.balance)),
                bulk_inv.line_ids.sorted(lambda l: (l.display_type, l.balance)),
                strict=True,
            ):
                self.assertSameRecord(odoo_line, bulk_line)

    def test_payments_and_entries(self):
        for odoo_inv, bulk_inv in self.pairs:
            odoo_pay, bulk_pay = odoo_inv.matched_payment_ids, bulk_inv.matched_payment_ids
            self.assertSameRecord(odoo_pay, bulk_pay)
            self.assertEqual(bulk_pay.date, bulk_inv.invoice_date_due)
            self.assertEqual(bulk_pay.name, bulk_pay.move_id.name)
            self.assertTrue(bulk_pay.name.startswith(odoo_pay.move_id.sequence_prefix))
            self.assertEqual(bulk_pay.memo, bulk_inv.name)
            self.assertEqual(bulk_pay.move_id.origin_payment_id, bulk_pay)
            self.assertSameRecord(odoo_pay.move_id, bulk_pay.move_id)
            self.assertEqual(
                bulk_pay.message_partner_ids, odoo_pay.message_partner_ids, "payment followers"
            )
            self.assertEqual(
                bulk_pay.move_id.message_partner_ids,
                odoo_pay.move_id.message_partner_ids,
                "entry followers",
            )
            order = lambda l: l.balance
            for odoo_line, bulk_line in zip(
                odoo_pay.move_id.line_ids.sorted(order),
                bulk_pay.move_id.line_ids.sorted(order),
                strict=True,
            ):
                self.assertSameRecord(odoo_line, bulk_line)
                self.assertEqual(bulk_line.payment_id, bulk_pay)

    def test_reconciliations(self):
        for odoo_inv, bulk_inv in self.pairs:
            line = bulk_inv.line_ids.filtered(lambda l: l.account_type == "asset_receivable")
            odoo_line = odoo_inv.line_ids.filtered(lambda l: l.account_type == "asset_receivable")
            counterpart = bulk_inv.matched_payment_ids.move_id.line_ids.filtered(
                lambda l, a=line.account_id: l.account_id == a
            )
            self.assertTrue(line.reconciled)
            self.assertTrue(counterpart.reconciled)
            self.assertEqual(line.full_reconcile_id, counterpart.full_reconcile_id)
            self.assertEqual(line.matching_number, str(line.full_reconcile_id.id))
            self.assertEqual(counterpart.matching_number, line.matching_number)
            self.assertEqual(line.matched_credit_ids.credit_move_id, counterpart)
            self.assertSameRecord(odoo_line.matched_credit_ids, line.matched_credit_ids)
            self.assertSameRecord(odoo_line.full_reconcile_id, line.full_reconcile_id)
            self.assertEqual(
                set(line.full_reconcile_id.reconciled_line_ids.ids), {line.id, counterpart.id}
            )

    def test_copies_of_a_reference(self):
        """The invoices above are paid by the copies of the first one's payment (one
        kind of payment), not by the ORM path for each: what the comparisons above
        check is the copies."""
        invoices = self.env["account.move"]
        for amount in (15.0, 25.0):
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.pairs[0][0].partner_id.id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [Command.create({"name": "Fee", "price_unit": amount})],
                }
            )
            invoice.action_post()
            invoices |= invoice
        todo = self.generator._demo_pay_values(self.env, invoices)
        self.assertEqual(len(todo), 2)
        self.assertEqual(
            self.generator._demo_pay_kind(todo[0][0]), self.generator._demo_pay_kind(todo[1][0])
        )
        reference = self.pairs[0][1].matched_payment_ids
        self.assertIsNotNone(self.generator._demo_pay_copyable(self.env, reference, todo[1:]))
        # a payment of another currency is not a copy
        other = self.env["res.currency"].search(
            [("id", "!=", self.company.currency_id.id)], limit=1
        )
        foreign = [({**todo[1][0], "currency_id": other.id}, todo[1][1])]
        self.assertIsNone(self.generator._demo_pay_copyable(self.env, reference, foreign))

    def test_partner_derived_values(self):
        """What Odoo derives from the partner is each copy's own."""
        positions = {bulk.matched_payment_ids.move_id.fiscal_position_id for _o, bulk in self.pairs}
        self.assertEqual(len(positions), 2, "one entry with the partner's fiscal position")
        holding = self.pairs[3][1].matched_payment_ids
        self.assertEqual(holding.partner_id.name, "Payer Holding")

    def test_partly_paid_stays_partial(self):
        """An invoice with a payment already on it is left out of the batch (the
        generator pays unpaid invoices only) and the others are still paid."""
        partner = self.env["res.partner"].create({"name": "Partial payer"})
        invoices = self.env["account.move"]
        for amount in (40.0, 60.0):
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [Command.create({"name": "Fee", "price_unit": amount})],
                }
            )
            invoice.action_post()
            invoices |= invoice
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices[0].ids
        ).create({"amount": 10.0})._create_payments()
        self.assertEqual(invoices[0].payment_state, "partial")
        unpaid = invoices.filtered(lambda m: m.payment_state == "not_paid")
        self.generator._demo_bulk_register(unpaid)
        self.assertEqual(invoices[0].payment_state, "partial")
        self.assertEqual(invoices[0].amount_residual, invoices[0].amount_total - 10.0)
        self.assertIn(invoices[1].payment_state, ("paid", "in_payment"))

    def test_nothing_to_pay(self):
        self.assertEqual(self.generator._demo_bulk_register(self.env["account.move"]), 0)
