# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the bill-run tests: a 21 % VAT, a small catalogue, accounts, usage.

Prices (tax excluded, monthly, price versions from 2020-01-01):
Mobile M 19.99 (daily proration), Mobile L 29.99, Golden 25.00 (rated with the
MOBILE tariff of ``common.py``, no allowances), add-on Data 10 GB 6.00, Mobile Full
30.00 (full-period policy), Mobile Whole 31.00 (no partial periods). Every
product and the generic invoicing products carry the 21 % tax.
"""

from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from .common import RatingFixtures

GENERIC = (
    "product_telecom_usage",
    "product_telecom_one_time",
    "product_telecom_etf",
    "product_telecom_discount",
    "product_telecom_adjustment",
    "product_telecom_credit",
    "product_telecom_late_fee",
)


class BillingFixtures(RatingFixtures):
    @classmethod
    def _setup_billing(cls):
        cls._setup_rating()
        env = cls.env
        company = cls.company
        if not env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        ):
            env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        cls.journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        company.write(
            {
                "telecom_bill_journal_id": cls.journal.id,
                "telecom_billrun_chunk": 50,
                "telecom_billing_cutover_date": False,
                "telecom_billrun_fast": True,
            }
        )
        base_tax = company.account_sale_tax_id or env["account.tax"].search(
            [("type_tax_use", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        cls.tax21 = base_tax.copy(
            {
                "name": "VAT 21% (telecom tests)",
                "amount": 21.0,
                "amount_type": "percent",
                "price_include_override": "tax_excluded",
            }
        )
        for xmlid in GENERIC:
            env.ref(f"telecom_billing.{xmlid}").taxes_id = [Command.set(cls.tax21.ids)]
        cls.billing_user = env["res.users"].search([("login", "=", "tb_billing")])
        cls.manager = new_test_user(
            env, login="tb_manager", groups="telecom_crm.group_telecom_manager"
        )
        cls.mobile_m = cls._plan("Mobile M", "TB-MOB-M", 19.99)
        cls.mobile_l = cls._plan("Mobile L", "TB-MOB-L", 29.99)
        cls.golden = cls._plan("Golden", "TB-GOLD", 25.00, telecom_tariff_ref="MOBILE")
        cls.mobile_full = cls._plan(
            "Mobile Full", "TB-MOB-FULL", 30.00, telecom_proration_policy="full"
        )
        cls.mobile_whole = cls._plan(
            "Mobile Whole", "TB-MOB-WHOLE", 31.00, telecom_proration_policy="none"
        )
        cls.data_addon = cls._plan("Data 10 GB", "TB-ADD-DATA", 6.00, kind="addon")
        cls.fee = cls._plan("Activation fee", "TB-FEE", None, kind="one_time")
        cls.plan.product_tmpl_id.taxes_id = [Command.set(cls.tax21.ids)]

    @classmethod
    def _plan(cls, name, code, price, kind="plan", **vals):
        tmpl = cls.env["product.template"].create(
            {
                "name": name,
                "default_code": code,
                "telecom_kind": kind,
                "telecom_technology": "mobile" if kind != "one_time" else False,
                "list_price": 0.0,
                "taxes_id": [Command.set(cls.tax21.ids)],
                **vals,
            }
        )
        if price is not None:
            cls.env["telecom.price.version"].create(
                {"product_tmpl_id": tmpl.id, "date_from": date(2020, 1, 1), "price": price}
            )
        return tmpl.product_variant_id

    @classmethod
    def _account(cls, name, **vals):
        partner = cls.env["res.partner"].create(
            {"name": name, "email": f"{name.lower().replace(' ', '.')}@example.com"}
        )
        return cls.env["telecom.billing.account"].create({"partner_id": partner.id, **vals})

    @classmethod
    def _sub(cls, account, plan, start, number=None, addons=()):
        lines = [Command.create({"product_id": plan.id, "date_start": start})]
        lines += [Command.create({"product_id": p.id, "date_start": start}) for p in addons]
        sub = cls.env["telecom.subscription"].create(
            {
                "partner_id": account.partner_id.id,
                "billing_account_id": account.id,
                "phone_number": number,
                "line_ids": lines,
            }
        )
        sub.action_activate(start)
        return sub

    # -- helpers ------------------------------------------------------------------------
    def bill(self, day, accounts=None, dry_run=False, billing_day=None):
        run = self.env["telecom.bill.run"].create(
            {
                "date": day,
                "billing_day": billing_day or day.day,
                "dry_run": dry_run,
                "billing_account_ids": [Command.set(accounts.ids)] if accounts else [],
            }
        )
        run.action_start()
        return run

    def invoice(self, run, account):
        return run.line_ids.filtered(lambda line: line.billing_account_id == account).move_id

    def amounts(self, move):
        """{description head: amount (signed as billed)} of the product lines."""
        sign = -1 if move.move_type == "out_refund" else 1
        return [
            (line.name.split("\n")[0], round(sign * line.price_subtotal, 2))
            for line in move.invoice_line_ids.filtered(lambda ln: ln.display_type == "product")
        ]
