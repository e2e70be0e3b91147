# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Direct-debit mandates signed online for one billing account.

A customer signs a SEPA mandate for one billing account (in the portal, or
through an integrator's e-signature flow over RPC:
``telecom.billing.account._telecom_sign_mandate``). The mandate remembers the
account it was signed for and becomes the account's mandate when it is
validated: at once when the company validates online mandates automatically
(``res.company.telecom_mandate_auto_validate``), otherwise when the back office
has checked it (OCA's draft → valid). Revoking (OCA's "cancelled by the
customer") stops the direct debit of the account's next invoices.
"""

from odoo import fields, models


class AccountBankingMandate(models.Model):
    _inherit = "account.banking.mandate"

    telecom_billing_account_id = fields.Many2one(
        "telecom.billing.account",
        string="Requested For",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The billing account the customer signed this mandate for online: "
        "validating the mandate makes it the account's direct-debit mandate.",
    )

    def validate(self):
        self.check_access("write")
        res = super().validate()
        for mandate in self.filtered("telecom_billing_account_id"):
            account = mandate.telecom_billing_account_id
            if account.mandate_id.state != "valid":
                account.mandate_id = mandate
                account.message_post(
                    body=self.env._("Direct debit by mandate %s.", mandate.display_name)
                )
        return res
