# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SEPA direct debit (OCA banking): accounts with a valid mandate are collected."""

import base64
from datetime import date

from lxml import etree

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .billing_common import BillingFixtures


@tagged("post_install", "-at_install")
class TestDirectDebit(BillingFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        env = cls.env
        eur = env.ref("base.EUR")
        eur.active = True
        if cls.company.currency_id != eur:
            env["res.currency.rate"].create(
                {
                    "currency_id": eur.id,
                    "name": date(2025, 1, 1),
                    "rate": 0.9,
                    "company_id": cls.company.id,
                }
            )
        cls.company.sepa_creditor_identifier = "BE68ZZZ0123456789"
        bank = env["res.bank"].create({"name": "Telecom Bank", "bic": "GEBABEBBXXX"})
        company_account = env["res.partner.bank"].create(
            {
                "acc_number": "BE71 0961 2345 6769",
                "bank_id": bank.id,
                "partner_id": cls.company.partner_id.id,
                "company_id": cls.company.id,
            }
        )
        sdd = env.ref("account_banking_sepa_direct_debit.sepa_direct_debit")
        transfer = env["account.account"].create(
            {
                "code": "TB4990",
                "name": "Direct debits in transit",
                "account_type": "asset_current",
                "reconcile": True,
            }
        )
        cls.bank_journal = env["account.journal"].create(
            {
                "name": "Telecom SDD bank",
                "type": "bank",
                "code": "TBSDD",
                "bank_account_id": company_account.id,
                "inbound_payment_method_line_ids": [
                    Command.create({"payment_method_id": sdd.id, "payment_account_id": transfer.id})
                ],
            }
        )
        cls.mode = env["account.payment.mode"].create(
            {
                "name": "SEPA direct debit (telecom)",
                "payment_method_id": sdd.id,
                "bank_account_link": "fixed",
                "fixed_journal_id": cls.bank_journal.id,
                "company_id": cls.company.id,
            }
        )
        cls.company.telecom_sdd_payment_mode_id = cls.mode
        cls.debited = cls._account("Debited Customer", currency_id=eur.id)
        customer_bank = env["res.partner.bank"].create(
            {
                "acc_number": "BE96 9988 7766 5544",
                "bank_id": bank.id,
                "partner_id": cls.debited.partner_id.id,
                "company_id": cls.company.id,
            }
        )
        cls.mandate = env["account.banking.mandate"].create(
            {
                "format": "sepa",
                "type": "recurrent",
                "recurrent_sequence_type": "first",
                "signature_date": date(2025, 4, 1),
                "partner_bank_id": customer_bank.id,
                "company_id": cls.company.id,
                "unique_mandate_reference": "TB-MANDATE-1",
            }
        )
        cls.mandate.validate()
        cls.debited.mandate_id = cls.mandate
        cls._sub(cls.debited, cls.mobile_m, date(2025, 5, 1), "+32470600001")
        cls.transfer = cls._account("Transfer Customer", currency_id=eur.id)
        cls._sub(cls.transfer, cls.mobile_m, date(2025, 5, 1), "+32470600002")

    def test_mandate_accounts_are_collected(self):
        run = self.bill(date(2025, 6, 1), self.debited | self.transfer)
        debited = self.invoice(run, self.debited)
        transfer = self.invoice(run, self.transfer)
        self.assertEqual((debited.payment_mode_id, debited.mandate_id), (self.mode, self.mandate))
        self.assertFalse(transfer.mandate_id)
        order = run.payment_order_id
        self.assertTrue(order)
        self.assertEqual(order.payment_line_ids.move_line_id.move_id, debited)
        self.assertEqual(order.payment_line_ids.mandate_id, self.mandate)
        # on an order: being collected, dunning leaves it alone
        self.assertEqual(self.debited._telecom_balances(date(2025, 8, 1))[self.debited.id][2], 0.0)
        self.assertTrue(self.transfer._telecom_balances(date(2025, 8, 1))[self.transfer.id][2])
        order.draft2open()
        action = order.open2generated()
        attachment = self.env["ir.attachment"].browse(action["res_id"])
        root = etree.fromstring(base64.b64decode(attachment.datas))
        ns = {"p": root.nsmap[None]}
        self.assertEqual(root.xpath("//p:PmtInf/p:PmtMtd", namespaces=ns)[0].text, "DD")
        self.assertEqual(
            root.xpath("//p:DrctDbtTxInf/p:InstdAmt", namespaces=ns)[0].text,
            f"{debited.amount_total:.2f}",
        )
        self.assertEqual(
            root.xpath("//p:MndtRltdInf/p:MndtId", namespaces=ns)[0].text, "TB-MANDATE-1"
        )
        order.generated2uploaded()
        self.assertEqual(order.state, "uploaded")
        self.assertIn(debited.payment_state, ("paid", "in_payment"))
        self.assertEqual(debited.amount_residual, 0.0)

    def test_mandate_must_be_the_payers(self):
        with self.assertRaises(ValidationError):
            self.transfer.mandate_id = self.mandate

    def test_mandate_signed_online_is_collected_when_validated_at_once(self):
        """An e-signed mandate in force at once: the next bill run collects it."""
        self.company.telecom_mandate_auto_validate = True
        business = self._account("Debited Business", currency_id=self.debited.currency_id.id)
        business.partner_id.is_company = True
        self._sub(business, self.mobile_m, date(2025, 5, 1), "+32470600003")
        with self.assertRaisesRegex(UserError, "no mandate in force"):
            business._telecom_revoke_mandate()
        mandate = business.sudo()._telecom_sign_mandate(
            "DE89 3704 0044 0532 0130 00", holder="Debited Business GmbH",
            signature_date=date(2025, 5, 20), signed_by="e-sign provider",
        )  # fmt: skip
        self.assertEqual((mandate.state, mandate.scheme), ("valid", "B2B"))
        self.assertEqual(business.mandate_id, mandate)
        self.assertEqual(mandate.partner_bank_id.acc_holder_name, "Debited Business GmbH")
        run = self.bill(date(2025, 6, 1), business)
        self.assertEqual(self.invoice(run, business).mandate_id, mandate)
        # revoked: the next invoices are paid otherwise
        business._telecom_revoke_mandate(revoked_by="the customer by phone")
        self.assertEqual(mandate.state, "cancel")
        self.assertFalse(business.direct_debit)
        # a closed account signs nothing
        gone = self._account("Former Customer")
        gone.state = "closed"
        with self.assertRaisesRegex(UserError, "is closed"):
            gone._telecom_sign_mandate("DE89 3704 0044 0532 0130 00")
